/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the remote control knows of nsd.conf between reloads: the zones (NSD's order),
 * the patterns, the files; a copy, since the model is freed after load. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_out.h"

struct nsdconf_model;

struct ctl_view_zone {
	struct ctl_zone z;     /* first: a ctl_zone of the view is a ctl_view_zone */
	uint8_t *dname;        /* wire, lower case */
	char *zonefile;        /* a secondary's: where NSD (and the include) keep it, or NULL */
	bool gone;             /* deleted, until ctl_view_settle */
};

struct ctl_view_pattern {
	char *name;
	char *zonefile;        /* the template (%s…), or NULL */
	bool secondary;        /* request-xfr */
	const char *catalog;   /* "consumer", "producer", NULL */
	bool producer_member;  /* catalog-producer-zone: addzone makes catalog members */
	bool member_capable;   /* a consumed catalog's member can get it (by its group) */
};

struct ctl_view {
	struct ctl_view_zone *zones;   /* canonical order (after ctl_view_settle) */
	size_t n_zones, cap_zones;
	/* Changes of a command in progress: zones added since the last settle (in a hash
	 * by name) and deletions marked 'gone', so that addzones of many lines costs a
	 * lookup a line, and one merge. */
	struct ctl_view_zone *pending;
	size_t n_pending, cap_pending, n_gone;
	uint32_t *hash;                /* index + 1 into pending, 0: free; size hash_size */
	size_t hash_size;
	struct ctl_view_pattern *patterns;  /* named patterns (not implicit) */
	size_t n_patterns;
	struct ctl_key *keys;          /* by name (strcmp), strings owned */
	size_t n_keys;
	char *zonesdir;
	char *zonelistfile;            /* as nsd.conf names it, or NULL */
	const char *version;           /* NSD release answered for */
	int release;
	long verbosity, ratelimit, server_count;
	unsigned stamp;                /* zonelistfile writes before its parse (process_state) */
	uint8_t *consumer;             /* the catalog consumer zone NSD processes, or NULL */
	int n_consumers;               /* zones with catalog: consumer (NSD: more than one,
	                                * none is processed) */
	char *member_pattern;          /* its catalog-member-pattern, or NULL */
};

/* Makes room for one more element in *arr (n used of *cap, elem bytes each; the first
 * allocation holds first): false without memory, *arr unchanged. The remote control's
 * arrays (the view's pending zones, the journal, zone-status answers) all grow so. */
bool ctl_grow(void **arr, size_t n, size_t *cap, size_t elem, size_t first);

struct ctl_view *ctl_view_new(const struct nsdconf_model *m);
void ctl_view_free(struct ctl_view *v);

const struct ctl_view_zone *ctl_view_find(const struct ctl_view *v, const uint8_t *dname);
bool ctl_view_has_pattern(const struct ctl_view *v, const char *name);
/* A pattern with catalog-producer-zone: its zones are a catalog's members, written to
 * the zonelistfile as "cat <zone> <pattern> <member id>". */
bool ctl_view_pattern_is_member(const struct ctl_view *v, const char *name);
/* A member of the consumed catalog as a zone of the view would be (NSD 4.9+): the
 * pattern its group names when a member can get that one, else catalog-member-pattern.
 * out is the caller's (ctl_view_zone_clear() it). False: no such pattern, or no memory. */
bool ctl_view_member_zone(const struct ctl_view *v, const uint8_t *dname, const char *name,
                          const char *group, const char *member_id,
                          struct ctl_view_zone *out);
void ctl_view_zone_clear(struct ctl_view_zone *z);
/* Adds a zone of the zonelist with a pattern that exists (addzone); false without
 * memory. A zone already there is left as it is. */
bool ctl_view_add(struct ctl_view *v, const uint8_t *dname, const char *name,
                  const char *pattern);
void ctl_view_del(struct ctl_view *v, const uint8_t *dname);
/* Merges the additions and drops the deletions: zones[0..n_zones) is then every zone in
 * canonical order. false without memory (the view is left as it was). */
bool ctl_view_settle(struct ctl_view *v);
