/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The typed model of an nsd.conf: what the parser builds and every other part reads. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "conf/acl.h"
#include "conf/arena.h"
#include "conf/diag.h"
#include "conf/options.h"
#include "conf/release.h"

/* An address of ip-address:, control-interface:, verify ip-address:. */
struct nsdconf_ip {
	struct nsdconf_ip *next;
	const char *address;     /* as written: "192.0.2.1@5353", "eth0", "/run/nsd.ctl" */
	const char *servers;     /* normalised servers= list as -v prints it, or NULL */
	bool bindtodevice;
	long long setfib;        /* -1: not set */
	const char *file;        /* where it was written */
	int line;
};

/* Where a value was last written (parse option .locations): one entry per slot set,
 * newest first; include-pattern copies the included pattern's entries along. */
struct nsdconf_loc {
	const struct nsdconf_loc *next;
	const char *file;
	int line;
	int slot;
};

/* One option as written, in text order (parse option .locations): what the
 * conversion report gives a line to. */
struct nsdconf_occurrence {
	struct nsdconf_occurrence *next;
	const char *name;        /* the table's name ("ip-address" for interface:) */
	const struct nsdconf_option *row;   /* NULL for server-<N>-cpu-affinity */
	enum nsdconf_clause clause;
	const void *owner;       /* key, tls-auth, pattern (a zone's implicit one); NULL: server-wide */
	const void *ref;         /* include-pattern: the pattern it names (NULL if unknown) */
	const struct nsdconf_loc *loc;  /* this occurrence's entry in its owner's list */
	const char *file;        /* an ACL entry's own line when the value is on a later line */
	int line;
};

/* The entry of slot in a location list, or NULL. */
const struct nsdconf_loc *nsdconf_loc_find(const struct nsdconf_loc *list, int slot);

/* A list of strings (verifier argv) or numbers (cpu-affinity). */
struct nsdconf_list {
	struct nsdconf_list *next;
	const char *str;
	long long num;           /* cpu number; for service cpu maps: service (-1 = xfrd) */
	long long num2;          /* service cpu maps: cpu */
};

union nsdconf_val {
	long long num;           /* bool (0/1), number, rrl bits, min-expire (-1 = r+r+1) */
	const char *str;
	struct nsdconf_acl *acl;
	struct nsdconf_ip *ip;
	struct nsdconf_list *list;
};

struct nsdconf_key {
	union nsdconf_val val[NSDCONF_K_SLOTS];   /* name, algorithm, secret (strings) */
	const struct nsdconf_loc *loc;
	const char *file;
	int line;
};

struct nsdconf_tls_auth {
	union nsdconf_val val[NSDCONF_T_SLOTS];
	const char *file;
	int line;
};

struct nsdconf_pattern {
	const char *name;        /* "_implicit_<zone as written>" for a zone's own pattern */
	bool implicit;
	uint64_t set;            /* bit per slot: explicitly set (NSD's !*_is_default) */
	uint64_t shared;         /* bit per ACL slot: the list belongs to an included pattern */
	union nsdconf_val val[NSDCONF_P_SLOTS];
	const struct nsdconf_loc *loc;  /* where its values were written (.locations) */
	const char *file;        /* where the clause started */
	int line;
};

struct nsdconf_zone {
	const char *name;        /* as written */
	struct nsdconf_pattern *pattern;
	bool part_of_config;     /* false: from the zonelistfile */
	uint8_t *dname;          /* wire form, lower case (lookup, canonical order) */
	const char *file;
	int line;
};

struct nsdconf_index;        /* string/dname hash index (index.c) */

struct nsdconf_model {
	struct nsdconf_arena *arena;
	const char *configfile;
	union nsdconf_val global[NSDCONF_G_SLOTS];
	bool global_set[NSDCONF_G_SLOTS];
	const struct nsdconf_loc *global_loc;   /* where server-wide values were written */
	struct nsdconf_occurrence *occurrences; /* every option, in text order (.locations) */

	struct nsdconf_key **keys;      /* in definition order */
	int n_keys, cap_keys;
	struct nsdconf_tls_auth **tls_auths;
	int n_tls_auths, cap_tls_auths;
	struct nsdconf_pattern **patterns; /* implicit included, definition order */
	int n_patterns, cap_patterns;
	struct nsdconf_zone **zones;    /* config zones then zonelist zones */
	int n_zones, cap_zones;
	int n_config_zones;
	int n_implicit_lookalikes;      /* named patterns called "_implicit_..." */

	struct nsdconf_index *key_index, *tls_index, *pattern_index, *zone_index;

	const char *const *files;       /* nsd.conf and every include read */
	int n_files;
	const char *echo;               /* what NSD's scanner would echo to stdout */
	const char *fatal;              /* the scanner's fatal message, if it died */
	const struct nsdconf_release *release;  /* never NULL after a parse */
	/* Every proxy-protocol-port, newest first as NSD lists them (num). */
	struct nsdconf_list *proxy_ports;
};

/* Parse options. */
struct nsdconf_parse_opts {
	unsigned max_version;    /* newest NSD syntax accepted: 461 (checkconf) or 4150 */
	/* The NSD release whose semantics, defaults and checks apply (nsd-checkconf's
	 * answers); NULL: 4.6.1. */
	const struct nsdconf_release *release;
	bool read_zonelist;      /* also read zonelistfile (the module and convert do) */
	const char *zonelist_override;  /* read this instead of zonelistfile, if set */
	/* Record where each option was written (nsdconf_loc, nsdconf_occurrence): the
	 * conversion report wants them, NSD's own tools do not. */
	bool locations;
};

/* Parses path. Returns the model (also when errors were found: diag->errors > 0 then)
 * or NULL when the file cannot be opened or memory ran out (message already reported
 * through diag: "<file>:<line>: error: out of memory", diag->oom set; nothing of the
 * model is left allocated). Post-parse key/tls-auth look-ups are done, nsd-checkconf's
 * semantic checks are not. */
struct nsdconf_model *nsdconf_parse_file(const char *path, const struct nsdconf_parse_opts *opts,
                                         struct nsdconf_diag *diag);
void nsdconf_model_free(struct nsdconf_model *m);
/* Adds the zones of a zonelistfile (path, or NULL for the model's zonelistfile), as
 * NSD reads it at start; problems are reported through diag (see zonelist.h). Returns
 * what nsdconf_zonelist_read() does, or KNOT_ENOMEM (diag->oom set; the model is then
 * incomplete and only good for nsdconf_model_free()). */
int nsdconf_model_read_zonelist(struct nsdconf_model *m, const char *path,
                                struct nsdconf_diag *diag);

/* Look-ups (NULL if absent). Keys, tls-auths and patterns by exact string; zones
 * by domain name (case and trailing dot do not matter). */
struct nsdconf_key *nsdconf_key_find(const struct nsdconf_model *m, const char *name);
struct nsdconf_tls_auth *nsdconf_tls_auth_find(const struct nsdconf_model *m, const char *name);
struct nsdconf_pattern *nsdconf_pattern_find(const struct nsdconf_model *m, const char *name);
struct nsdconf_zone *nsdconf_zone_find(const struct nsdconf_model *m, const char *name);

/* Values with the table's defaults applied. */
long long nsdconf_gnum(const struct nsdconf_model *m, enum nsdconf_gslot s);
const char *nsdconf_gstr(const struct nsdconf_model *m, enum nsdconf_gslot s);
long long nsdconf_pnum(const struct nsdconf_pattern *p, enum nsdconf_pslot s);
const char *nsdconf_pstr(const struct nsdconf_pattern *p, enum nsdconf_pslot s);
static inline bool nsdconf_pset(const struct nsdconf_pattern *p, enum nsdconf_pslot s)
{
	return (p->set >> s) & 1;
}
static inline struct nsdconf_acl *nsdconf_pacl(const struct nsdconf_pattern *p, enum nsdconf_pslot s)
{
	return p->val[s].acl;
}
/* A zone is a secondary iff its pattern has request-xfr (NSD's zone_is_slave). */
static inline bool nsdconf_zone_is_secondary(const struct nsdconf_zone *z)
{
	return z->pattern->val[NSDCONF_P_REQUEST_XFR].acl != NULL;
}
/* catalog: producer (NSD 4.9) */
static inline bool nsdconf_pattern_is_producer(const struct nsdconf_pattern *p)
{
	const char *role = nsdconf_pstr(p, NSDCONF_P_CATALOG);
	return role != NULL && strcmp(role, "producer") == 0;
}
/* catalog: consumer (NSD 4.9; the value is compared without case) */
static inline bool nsdconf_pattern_is_consumer(const struct nsdconf_pattern *p)
{
	const char *role = nsdconf_pstr(p, NSDCONF_P_CATALOG);
	return role != NULL && strcasecmp(role, "consumer") == 0;
}
/* The one catalog consumer zone NSD processes: NULL when none, or when more than one
 * zone is a consumer (NSD then processes none); *count: how many there are. */
const struct nsdconf_zone *nsdconf_catalog_consumer(const struct nsdconf_model *m, int *count);
/* A pattern a consumed catalog's member can get (by its group property, or as the
 * consumer's catalog-member-pattern): named, neither a catalog nor a producer's member
 * pattern (NSD falls back to catalog-member-pattern for those), and with a name knotd
 * can take as a template id (the group picks the template by that name: letters,
 * digits and ._@/:+- only, at most 255, not "default"). The Knot mapping, the gate and
 * the remote control all ask this. */
bool nsdconf_pattern_member_capable(const struct nsdconf_pattern *p);
/* The key an ACL entry names (NULL for NOKEY/BLOCKED or unknown). */
struct nsdconf_key *nsdconf_acl_key(const struct nsdconf_model *m, const struct nsdconf_acl *a);

/* Zones in canonical DNS order (nsd-checkconf -o zones, -v), config zones only when
 * config_only. Returns an arena array of n pointers, or NULL (n = 0) when out of memory. */
struct nsdconf_zone **nsdconf_zones_sorted(struct nsdconf_model *m, bool config_only, int *n);
