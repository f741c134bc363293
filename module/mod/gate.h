/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate: NSD's provide-xfr / allow-notify / allow-query verdicts, compiled per zone. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/model.h"
#include "conf/tsig_key.h"
#include "mod/gate_tls.h"

/* What a request asks for; AXFR and IXFR both consult provide-xfr. */
enum gate_kind {
	GATE_AXFR,
	GATE_IXFR,
	GATE_NOTIFY,
	GATE_QUERY,
	GATE_KINDS
};


/* The TSIG state of a request when the ACL is consulted (NSD's q->tsig). */
enum gate_tsig_state {
	GATE_TSIG_NONE,         /* unsigned: only NOKEY entries match */
	GATE_TSIG_OK,           /* signed, MAC and time verified */
	GATE_TSIG_ERROR,        /* signed, not verified: no NOKEY and no key entry matches */
};

enum gate_reason {
	GATE_R_MATCH,           /* allowed by an entry (or by an empty allow-query) */
	GATE_R_NO_MATCH,        /* no entry matched address and port */
	GATE_R_KEY_MISMATCH,    /* an entry matched address and port, none the key */
	GATE_R_BLOCKED,         /* a matching BLOCKED entry */
	GATE_R_TSIG_ERROR,      /* set by the glue: the TSIG did not verify */
	GATE_R_TLS_XFR_ONLY,    /* tls-auth-xfr-only: not an authenticated TLS transfer */
	GATE_R_TLS_UNVERIFIED,  /* on the tls-auth port without a client certificate that
	                         * verifies against tls-cert-bundle */
	GATE_R_TLS_NAME,        /* the client certificate does not match the entry's
	                         * tls-auth auth-domain-name (any such entry denies) */
};

struct gate_verdict {
	bool allow;
	enum gate_reason reason;
	int entry;              /* list position (NSD's acl number) of the deciding entry, -1 */
};

struct gate_request {
	const struct sockaddr_storage *src;   /* source address and port */
	enum gate_tsig_state tsig;
	int key;                /* GATE_TSIG_OK: the key class (gate_key_find()->id) */
	enum nsdconf_tsig_alg alg;      /* GATE_TSIG_OK: the algorithm the request was signed with */
	struct gate_tls_peer *tls;      /* a transfer or NOTIFY over TLS; NULL otherwise */
};

/* A key: clause. Keys whose names are the same domain name share one id (NSD compares
 * names as domain names, case-insensitively). */
struct gate_key {
	const char *name;       /* as written */
	const uint8_t *dname;   /* lower-case wire form */
	const char *algorithm;  /* as written */
	const char *secret;     /* base64, as written */
	enum nsdconf_tsig_alg alg;      /* the configured algorithm (NSD's key_options->algorithm) */
	int id;
};

struct gate;
struct gate_zone;
struct gate_acl;

struct gate_build_opts {
	/* Lists with at least this many entries get an index (exact addresses and masks
	 * in a hash, ranges in a segment tree); shorter lists are walked. 0: default. */
	unsigned index_min;
	/* NSD's start directory, for a relative zonesdir (NULL: this process's working
	 * directory, read once at build time). */
	const char *cwd;
};
#define GATE_INDEX_MIN_DEFAULT	24

/* Compiles every zone of m (config and zonelist zones) with its merged pattern's
 * provide-xfr, allow-notify and allow-query, and every key. Owns all it needs: m may be
 * freed afterwards. NULL on ENOMEM. */
struct gate *gate_build(const struct nsdconf_model *m, const struct gate_build_opts *o);
void gate_free(struct gate *g);

size_t gate_zone_count(const struct gate *g);
/* Some zone has allow-query: normal queries need a look. */
bool gate_has_query_acl(const struct gate *g);

/* The zone named dname (wire form, lower case, as knotd's lower-cased qname), or NULL. */
const struct gate_zone *gate_zone_find(const struct gate *g, const uint8_t *dname);
/* A consumed catalog's members (NSD 4.9+): the rules of the pattern named name (len
 * bytes, as knotd's template comment holds it) that they get, NULL when none. */
bool gate_has_members(const struct gate *g);
const struct gate_zone *gate_member_pattern(const struct gate *g, const char *name, size_t len);
const char *gate_zone_name(const struct gate_zone *z);
bool gate_zone_has_query_acl(const struct gate_zone *z);
/* The list kind consults, NULL when empty. */
const struct gate_acl *gate_zone_acl(const struct gate_zone *z, enum gate_kind kind);

size_t gate_key_count(const struct gate *g);
const struct gate_key *gate_key_at(const struct gate *g, size_t i);
/* NSD's tsig_find_key: by domain name, any case; of keys with the same name the one
 * NSD loads (the first in strcmp order of the names as written). */
const struct gate_key *gate_key_find(const struct gate *g, const uint8_t *dname);

/* What NSD does before any DNS message on its tls-auth port: with tls-cert-bundle set it
 * ends the handshake of a client whose certificate chain does not verify, whatever the
 * ACL or the request. p: the TLS side of a transfer or NOTIFY (NULL: not TLS, allowed).
 * The glue asks this first; gate_check() repeats it (memoized, so free). */
struct gate_verdict gate_tls_admit(const struct gate *g, struct gate_tls_peer *p);
/* What NSD 4.12 answers a transfer before it looks for the zone (axfr.c
 * axfr_ixfr_can_admit_query): tls-auth-xfr-only refuses all but tls-auth transfers. The
 * glue asks for AXFR and IXFR only; allow true: go on to gate_check(). */
struct gate_verdict gate_xfr_admit(const struct gate *g, const struct gate_request *r);
/* The tls-auth settings the gate was built with (for the glue's log). */
const struct gate_tls_conf *gate_tls(const struct gate *g);

/* The verdict for a request of this kind on zone z (NSD's acl_check_incoming on the
 * list kind consults; empty provide-xfr / allow-notify deny, empty allow-query allows).
 * An entry with a tls-auth name counts only for a transfer on NSD's tls-auth port whose
 * client certificate verified; there, a certificate whose names do not fit it denies.
 * A transfer or NOTIFY on that port without a verified chain is denied whatever the
 * list says (gate_tls_admit()). */
struct gate_verdict gate_check(const struct gate_zone *z, enum gate_kind kind,
                               const struct gate_request *r);

/* The verdict of one non-empty list (indexed or walked, as compiled). */
struct gate_verdict gate_acl_check(const struct gate_acl *l, const struct gate_request *r);
/* NSD's walk over every entry, whatever the list was compiled into (tests, benchmarks). */
struct gate_verdict gate_acl_check_linear(const struct gate_acl *l, const struct gate_request *r);
bool gate_acl_indexed(const struct gate_acl *l);
size_t gate_acl_size(const struct gate_acl *l);
/* The entry at list position i as written ("10.0.0.0/8 NOKEY"), "" if none. */
const char *gate_acl_entry_text(const struct gate_acl *l, int i);
/* The tls-auth name and auth-domain-name of the entry at list position i ("?" if none). */
void gate_acl_entry_tls(const struct gate_acl *l, int i, const char **name,
                        const char **domain);

const char *gate_kind_str(enum gate_kind kind);
const char *gate_reason_str(enum gate_reason reason);
