/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NSD releases nsd-checkconf is reproduced for, and what reads differently in each. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/options.h"

/* An option table row as one release reads it, where it differs from the table
 * (the table holds 4.6.1's form of old options and the newest form of new ones). */
struct nsdconf_row_change {
	enum nsdconf_clause clause;
	int slot;
	int vprint;             /* enum nsdconf_vprint, or -1: as the table */
	const char *query;      /* -o name; NULL: as the table; "": not queryable */
	const char *def;        /* default (Debian's build); NULL: as the table */
	const char *vlabel;     /* -v label; NULL: as the table */
	/* the Knot mapping's verdict and note where the release's own checks leave only
	 * values Knot holds exactly; knot_note NULL: as the table */
	uint8_t knot;
	const char *knot_note;
};

struct nsdconf_release {
	unsigned version;       /* the table's since numbering: 461 = 4.6.1, 4120 = 4.12.0 */
	const char *name;       /* "4.6.1", as nsd-checkconf -h prints it */
	const char *bugs;       /* -h: "Report bugs to <bugs>." */
	/* "zone %s is a <zone_role> zone but has no zonefile" (4.9: primary) */
	const char *zone_role;
	/* database: is read (4.6.1: "" switches zonefiles-write on, chroot check); from
	 * 4.8 it is parsed and ignored. */
	bool database_read;
	/* 4.9: catalog zones checked (producers need no zonefile, are no secondaries,
	 * catalog-producer-zone names one and is for patterns only). The model of the
	 * converter and the module (4.6.1 semantics, newer syntax) keeps them lax. */
	bool catalog_checks;
	/* 4.11: cookie-secret and cookie-staging-secret must be 32 hex digits. */
	bool cookie_secret_hex;
	const struct nsdconf_row_change *changes;
	size_t n_changes;
};

/* The release behind a version text ("4.6.1", "4.12.0", also "4.12"), or NULL. */
const struct nsdconf_release *nsdconf_release_find(const char *name);
/* 4.6.1: what the model was built for before releases were told apart. */
const struct nsdconf_release *nsdconf_release_default(void);
/* The NSD release installed beside knot-nsd when it was built (meson's nsd_version):
 * what checkconf answers as, convert judges by and mod-nsd reads nsd.conf as, unless
 * told otherwise. */
const struct nsdconf_release *nsdconf_release_build(void);
/* Every release, for messages ("4.6.1, 4.12.0"). */
const struct nsdconf_release *nsdconf_releases(size_t *count);
/* True if the release has the option (its since is not newer). */
static inline bool nsdconf_release_has(const struct nsdconf_release *r, const struct nsdconf_option *o)
{
	return o->since <= r->version;
}
/* Row o as release r reads it: o itself, or a patched copy with static storage. */
const struct nsdconf_option *nsdconf_release_row(const struct nsdconf_release *r,
                                                 const struct nsdconf_option *o);
