/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping internals shared by the renderer's files (not installed, not for the module). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/model.h"
#include "knotmap/knotmap.h"
#include "knotmap/knotmap_target.h"

/* Growable text with a sticky allocation failure, so writers need not check each call. */
struct kbuf {
	struct knotmap_buf b;
	bool oom;
};

void kbuf_add(struct kbuf *k, const char *s, size_t len);
void kbuf_puts(struct kbuf *k, const char *s);
void kbuf_num(struct kbuf *k, long long v);
void kbuf_printf(struct kbuf *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as one yparser value (plain, or quoted when it must be); false when Knot's
 * parser cannot represent s at all (control characters, a backslash before a quote or
 * at the end). */
bool kbuf_value(struct kbuf *k, const char *s);
/* True when kbuf_value() can write s. */
bool knotmap_value_ok(const char *s);

/* zonefile-sync of secondaries with a zonefile, from server.zonefiles-write. */
long long knotmap_zonefile_sync(const struct nsdconf_model *m);

/* String keys to a pointer-sized value, over the model's hash index (conf/index.h); keys
 * are copied into the render's arena. Out of memory, the render's error is set and a map
 * (or the NULL strmap_new() then returns) hands out a scratch slot, so callers need not
 * check each call. */
struct knotmap_ctx;
struct strmap;
struct strmap *strmap_new(struct knotmap_ctx *c);
/* Frees every map of the render. */
void strmap_free_all(struct knotmap_ctx *c);
/* The value slot of key (created holding NULL when new; *created tells which). */
void **strmap_slot(struct strmap *m, const char *key, size_t len, bool *created);
/* The slot for a tuple of pointers with a tag (what one object became, by address). */
void **strmap_ptr_slot(struct strmap *m, int tag, const void *a, const void *b, bool *created);
/* The value of key, NULL when absent (nothing is created). */
void *strmap_get(const struct strmap *m, const char *key, size_t len);

/* Unique, deterministic section ids: text is sanitised to characters yparser takes
 * unquoted and made unique with a "~N" suffix. Returns arena memory; out of memory,
 * the render's error is set and a placeholder is returned (never NULL). */
struct idset;
struct idset *idset_new(struct knotmap_ctx *c);
const char *idset_make(struct idset *s, const char *text);
/* Takes text itself as an id: false when it is taken or has a character an id cannot. */
bool idset_claim(struct idset *s, const char *text);

/*
 * What Knot's acl (and mod-queryacl) address field holds: a single address, a prefix
 * or an a-b range.  knotd 3.2.6 compares the ends of an IPv4 range as NSD does, the
 * 32-bit word read in host (little-endian) order (contrib/sockaddr.c cmp_ipv4), and
 * IPv6 ends with memcmp, in address order.  So an IPv4 range is NSD's own set written
 * as is ("literal"), and every other set here is an interval in address order, which
 * for IPv4 must then be written as a single address or a prefix.
 */
struct knotmap_net {
	bool ipv6;
	bool literal;              /* an IPv4 a-b range, compared as NSD and knotd do */
	uint8_t lo[16], hi[16];    /* inclusive, network byte order */
};

/* How Knot's interval relates to the addresses NSD's entry matches. */
enum knotmap_fit {
	KNOTMAP_FIT_EXACT,         /* the same addresses */
	KNOTMAP_FIT_WIDER,         /* a strict superset: knotd alone allows more */
	KNOTMAP_FIT_NARROWER,      /* a strict subset: knotd alone denies less */
	KNOTMAP_FIT_EMPTY,         /* NSD's entry matches nothing: no rule at all */
	KNOTMAP_FIT_NONE,          /* no safe interval exists (deny side) */
};

/* The tightest interval containing every address NSD's entry matches (allow side). */
enum knotmap_fit knotmap_net_cover(const struct nsdconf_acl *a, struct knotmap_net *out);
/* An interval inside the addresses NSD's entry matches (deny side): exact when possible,
 * else the range as written when NSD's byte-order quirk still contains it. */
enum knotmap_fit knotmap_net_inner(const struct nsdconf_acl *a, struct knotmap_net *out);
/* "a", "a/len" or "a-b". */
void knotmap_net_format(const struct knotmap_net *n, char *buf, size_t len);

/* The render context. */
struct knotmap_key {
	const char *name;          /* the id written (first spelling of this key name) */
	const char *tag;           /* name without the final dot, for other ids */
	const char *alg;           /* hmac-* */
	const struct nsdconf_key *src;
};

/* The secrets mod-cookies gets (knotmap_cookies.c), worked out once per render. */
#define KNOTMAP_COOKIE_SECRETS 2
#define KNOTMAP_COOKIES_ID "nsd"
struct knotmap_cookies {
	bool done;
	bool file;                 /* from cookie-secret-file */
	int n;                     /* 0: mod-cookies makes its own */
	char secret[KNOTMAP_COOKIE_SECRETS][33];
	const char *why;           /* why the file gave none */
	const char *path;          /* the file read (absolute), NULL: none */
};

struct knotmap_ctx {
	const struct nsdconf_model *m;
	const struct knotmap_opts *opts;
	unsigned knot;             /* the target knotd, KNOT_VERSION_HEX form */
	bool native;               /* a complete knot.conf without mod-nsd: knotd alone */
	bool comments;             /* say where each section came from (complete configs) */
	struct nsdconf_arena *arena;
	struct strmap *maps;       /* every map of this render (strmap_free_all) */
	struct idset *ids;
	struct idset *template_ids;  /* template ids: pattern names for catalog members */

	struct strmap *keys;       /* NSD key name as written -> struct knotmap_key */
	const char **key_ids;      /* distinct keys in definition order */
	int n_key_ids;

	struct strmap *remotes;    /* content -> (intptr_t) index + 1 */
	const char **remote_ids;
	int n_remotes, cap_remotes;
	struct kbuf remote_out;

	struct strmap *entries;    /* NSD ACL entry content -> struct acl_map */
	/* Zones share their patterns' entries (and lists): what an entry (or a list)
	 * became is looked up by its address first, which is cheap (100 000 zones). */
	struct strmap *by_ptr;
	struct strmap *rules;      /* Knot rule content -> (intptr_t) index + 1 */
	const char **rule_ids;
	int n_rules, cap_rules;
	struct kbuf acl_out;
	int query_rule;            /* signed-query rule index, -1 when no keys */
	int query_deny_rule;       /* native allow-query: refuses other signed queries */

	struct strmap *queryacls;  /* address list -> mod-queryacl id (native allow-query) */
	int n_queryacls;
	struct kbuf module_out;    /* mod-queryacl sections */

	struct strmap *notes;      /* report lines already given */
	struct strmap *note_sigs;  /* zone option-report signatures already given */
	struct kbuf note_sig;      /* the signature being built */
	struct knotmap_cookies cookies;
	const struct nsdconf_zone *consumer;  /* the catalog NSD consumes, NULL: none */
	const char *catalog_templates;        /* its catalog-template list ("[a, b]") */
	bool catalog_member;       /* rendering a member template: real notify targets */
	int err;                   /* first libknot error: the render fails, nothing more
	                            * is worth writing (checked between the parts) */
};

/* What the target knotd can express: every version test of the mapping is one of these. */
static inline bool knotmap_rrl_per_address(const struct knotmap_ctx *c)
{
	return c->knot >= KNOTMAP_KNOT_RRL_PER_ADDRESS;
}

static inline bool knotmap_has_tls(const struct knotmap_ctx *c)
{
	return c->knot >= KNOTMAP_KNOT_TLS;
}

static inline bool knotmap_acl_protocol(const struct knotmap_ctx *c)
{
	return c->knot >= KNOTMAP_KNOT_ACL_PROTOCOL;
}

/* tls-auth-xfr-only as knotd's own acl can hold it: every transfer rule for TLS only. */
static inline bool knotmap_xfr_tls_only(const struct knotmap_ctx *c)
{
	return knotmap_acl_protocol(c) && nsdconf_gnum(c->m, NSDCONF_G_TLS_AUTH_XFR_ONLY) != 0;
}

static inline bool knotmap_cookie_secrets(const struct knotmap_ctx *c)
{
	return c->knot >= KNOTMAP_KNOT_COOKIE_SECRETS;
}

static inline bool knotmap_cert_hostname(const struct knotmap_ctx *c)
{
	return c->knot >= KNOTMAP_KNOT_CERT_HOSTNAME;
}

/* An option's verdict and note for the target knotd (the table row's, or its change). */
static inline struct knotmap_verdict knotmap_verdict(const struct knotmap_ctx *c,
                                                     const struct nsdconf_option *o)
{
	return knotmap_row_verdict(c->knot, o);
}

/*
 * Out of memory: every allocation of the render is checked where it is made; a failed
 * one sets c->err to KNOT_ENOMEM (sticky, the first error stays) and the code that
 * needed it returns. Buffers (struct kbuf) and maps keep their own sticky failure, so
 * writing to them needs no check; nothing is ever written through a NULL.
 */
void knotmap_nomem(struct knotmap_ctx *c);

/* Option names, as the option table spells them (nowhere else). */
static inline const char *knotmap_pname(enum nsdconf_pslot s)
{
	return nsdconf_option_slot(NSDCONF_CL_PATTERN, s)->name;
}

static inline const char *knotmap_gname(enum nsdconf_gslot s)
{
	return nsdconf_option_slot(NSDCONF_CL_SERVER, s)->name;
}

static inline const char *knotmap_kname(enum nsdconf_kslot s)
{
	return nsdconf_option_slot(NSDCONF_CL_KEY, s)->name;
}

/* Keys (knotmap_keys.c): the key section, and which key an ACL entry's became (NULL: it
 * names none, or one that is undefined or not written). */
void knotmap_keys(struct knotmap_ctx *c, struct kbuf *out);
const struct knotmap_key *knotmap_key_of(struct knotmap_ctx *c, const struct nsdconf_acl *a);

/* Remotes (knotmap_remotes.c): "    <item>: [ids]" for the request-xfr or notify entries
 * of slot s, written to c->remote_out as they are first met; nothing when no entry can
 * be written (yparser has no empty list). */
/* mod-nsd's self-NOTIFY key and remote (knotmap_opts.self_notify), when asked for. */
void knotmap_self_notify(struct knotmap_ctx *c, struct kbuf *keys);
void knotmap_remote_item(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                         enum nsdconf_pslot s, const char *item, struct kbuf *b);

/* What a zone's template says (knotmap.c plans it, knotmap_notes.c reports it). */
struct knotmap_interval {
	bool has_min, has_max;
	long long min, max;
	const char *why_min, *why_max;  /* set when that bound was adjusted */
};

struct knotmap_zone_plan {
	bool secondary;
	const char *file;          /* absolute path, NULL: none */
	bool file_relative;        /* no cwd to resolve it against */
	bool storage;              /* file under opts->storage (Knot's default name) */
	long long sync;            /* zonefile-sync, LLONG_MIN: not written */
	const char *load;          /* zonefile-load, NULL: Knot's default (whole) */
	const char *journal;       /* journal-content */
	long long depth, usage;    /* journal-max-depth/-usage, 0: not written */
	long long max_size;        /* zone-max-size, 0: not written */
	struct knotmap_interval refresh, retry;
	long long expire_min;      /* 0: not written */
};

/* Pattern p's settings for zone name, or (NULL) for every member a catalog gives it
 * (knotmap.c); false out of memory. */
bool knotmap_plan_pattern(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                          const char *name, struct knotmap_zone_plan *zp);
struct knotmap_acl_list;
/* A template body: items of pattern p planned as zp. */
void knotmap_body_render(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                         const struct knotmap_zone_plan *zp, const struct knotmap_acl_list *acl,
                         const char *queryacl, struct kbuf *b);

/* Catalog zones (knotmap_catalog.c): the member templates of the consumer NSD processes
 * (rendered before any zone), a pattern's catalog items, NSD's zonefile template in
 * Knot's per-zone format. */
void knotmap_catalog_templates(struct knotmap_ctx *c, struct kbuf *out);
void knotmap_catalog_items(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                           struct kbuf *b);
const char *knotmap_zonefile_format(struct knotmap_ctx *c, const char *tmpl);

/* The report lines of a zone's options, once per distinct set of settings (knotmap_notes.c). */
void knotmap_notes_zone(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                        const struct knotmap_zone_plan *zp, const char *tid);

/* The report, deduplicated: the same (where, option, how) is given once. */
void knotmap_note(struct knotmap_ctx *c, const char *file, int line, const char *option,
                  enum nsdconf_knot verdict, bool security, const char *how);
/* Where slot s of a clause object was written: its own line when the parser recorded
 * it (loc), else the clause's (file, line). */
void knotmap_where(const struct nsdconf_loc *loc, int s, const char **file, int *line);
/* "  # <what> at <file>:<line>" above a section entry, in complete configurations. */
void knotmap_comment(struct knotmap_ctx *c, struct kbuf *out, const char *indent,
                     const char *what, const char *file, int line);

/* ACL rules of one zone, in Knot's evaluation order (knotmap_acl.c). */
struct knotmap_acl_list {
	int *idx;
	int n, cap;
};
/* Returns the zone's mod-queryacl id (native allow-query) or NULL. */
const char *knotmap_acl_zone(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                             struct knotmap_acl_list *out);
/* The leading rule that lets signed queries through as NSD does (see knotmap_acl.c). */
void knotmap_acl_query_rule(struct knotmap_ctx *c);
void knotmap_acl_list_add(struct knotmap_ctx *c, struct knotmap_acl_list *l, int rule);
/* An acl rule (written once, shared): action of slot s (provide-xfr: transfer,
 * allow-notify: notify, allow-query: query), net NULL for any address, key NULL for
 * none; src is the entry it comes from (for the comment). Returns its index. */
int knotmap_rule_add(struct knotmap_ctx *c, enum nsdconf_pslot s, bool deny, const char *net,
                     const struct knotmap_key *key, const struct nsdconf_acl *src);
/* The auth-domain-name of tls-auth name as cert-hostname (knotd 3.5), else NULL. */
const char *knotmap_tls_hostname(struct knotmap_ctx *c, const char *tls_auth);
/* Registers a rule id written by the caller; returns its index. */
int knotmap_rule_register(struct knotmap_ctx *c, const char *id);

/* Native allow-query (knotmap_query.c): the zone's leading rules for signed queries
 * (instead of the signed-query rule) and the mod-queryacl id for unsigned ones. */
const char *knotmap_query_zone(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                               struct knotmap_acl_list *out);

/* Server, log and database sections and the server options' report (knotmap_server.c). */
void knotmap_server(struct knotmap_ctx *c, struct kbuf *out);
void knotmap_report_globals(struct knotmap_ctx *c);
/* mod-rrl (from rrl-*) and, with opts->module, the module/mod-nsd sections, the
 * default template that activates them and the include (knotmap_modules.c). The
 * default template is written only when a global module needs it. */
void knotmap_modules_head(struct knotmap_ctx *c, struct kbuf *out);
void knotmap_modules_default(struct knotmap_ctx *c, struct kbuf *out);
void knotmap_modules_tail(struct knotmap_ctx *c, struct kbuf *out);
/* The report of tls-auth-xfr-only (knotmap_acl.c, as the acl holds it). */
void knotmap_xfr_only_note(struct knotmap_ctx *c, const char *file, int line);
/* mod-cookies (knotmap_cookies.c). */
bool knotmap_cookies_on(const struct knotmap_ctx *c);
bool knotmap_cookie_secret_ok(const char *s);
const struct knotmap_cookies *knotmap_cookies(struct knotmap_ctx *c);
void knotmap_cookies_section(struct knotmap_ctx *c, struct kbuf *out);
/* The report of answer-cookie and the secrets; false: the table's row says it. */
bool knotmap_cookies_note(struct knotmap_ctx *c, const struct nsdconf_option *o,
                          enum nsdconf_knot *verdict, char *how, size_t len);
