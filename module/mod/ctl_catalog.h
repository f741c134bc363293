/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A catalog zone's members as knotd serves them (RFC 9432: "<id>.zones.<catalog>" PTR,
 * "group.<id>.zones.<catalog>" TXT), read from knotd's zone-read records, for what
 * nsd-control zonestatus says of catalogs and their members. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_catalog_member {
	uint8_t *dname;        /* the member zone: wire, lower case */
	char *name;            /* as the PTR names it, without the final dot */
	char *id;              /* its member id as NSD prints it: "<id>.zones.<catalog>." */
	char *group;           /* its group property (one string), NULL: none */
};

struct ctl_catalog {
	bool have_serial;
	uint32_t serial;
	struct ctl_catalog_member *m;   /* by dname after ctl_catalog_done() */
	size_t n, cap;
	/* group properties until ctl_catalog_done(): id owner (wire) -> value */
	struct ctl_catalog_group { uint8_t *id; char *value; } *g;
	size_t n_g, cap_g;
	bool oom;
};

/* One record of the catalog named catalog (wire). Owners and names as knotd prints them
 * (presentation form); records that are no member, group property or SOA are skipped. */
void ctl_catalog_record(struct ctl_catalog *c, const uint8_t *catalog, const char *owner,
                        const char *type, const char *data);
/* After the last record: groups joined to their members, members sorted. False when
 * out of memory (the catalog is then cleared). */
bool ctl_catalog_done(struct ctl_catalog *c);
const struct ctl_catalog_member *ctl_catalog_find(const struct ctl_catalog *c,
                                                  const uint8_t *dname);
void ctl_catalog_clear(struct ctl_catalog *c);
