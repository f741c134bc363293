/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, knotd glue: decides AXFR/IXFR/NOTIFY (and allow-query) in the BEGIN stage. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <knot/module.h>

#include "conf/hash.h"
#include "knotmap/knotmap.h"

#include "mod/gate.h"
#include "mod/gate_hook.h"
#include "mod/gate_tsig.h"
#include "mod/knotd_compat.h"
#include "mod/notify_self.h"
#include "mod/process_state.h"

/* What one good nsd.conf compiled to. Reference counted: the instance a reload creates
 * keeps it while nsd.conf is broken. */
struct gate_set {
	struct gate *gate;
	struct gate_tsig *tsig;
	unsigned refs;
};

/* The last message of a request this worker thread let through: an AXFR or IXFR over
 * a stream (TCP, TLS, QUIC) is one request and many messages, and BEGIN runs for each. Signed
 * requests need no memory: knotd fills qdata->sign after the first message. */
struct xfr_seen {
	const void *qdata;
	const void *wire;
	size_t size;
	uint64_t hash;           /* the request's bytes (knotd leaves an unsigned one alone) */
	uint8_t addr[16];
	uint16_t port;
	uint8_t family;
	uint8_t kind;
} __attribute__((aligned(64)));  /* one cache line per thread */

struct gate_hook {
	knotd_mod_t *mod;
	struct gate_set *set;    /* NULL: off. Set in load, read by the hook */
	struct xfr_seen *seen;
	unsigned n_seen;
	bool counting;
	bool query_user;         /* counted in nsd_process.gate_query_users */
};

enum { CTR_ALLOWED, CTR_REFUSED, CTR_TSIG };
enum { TSIG_CTR_BADKEY, TSIG_CTR_BADSIG, TSIG_CTR_BADTIME, TSIG_CTRS };

/* --- sets (shared by instances: the last good one in nsd_process, under gate_lock) --- */

static void set_put(struct gate_set *s)
{
	if (s == NULL) {
		return;
	}
	pthread_mutex_lock(&nsd_process.gate_lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&nsd_process.gate_lock);
	if (last) {
		gate_tsig_free(s->tsig);
		gate_free(s->gate);
		free(s);
	}
}

static struct gate_set *set_get_last_good(void)
{
	pthread_mutex_lock(&nsd_process.gate_lock);
	struct gate_set *s = nsd_process.gate_last_good;
	if (s != NULL) {
		s->refs++;
	}
	pthread_mutex_unlock(&nsd_process.gate_lock);
	return s;
}

/* s becomes the last good set (s is referenced once more for it). */
static void set_make_last_good(struct gate_set *s)
{
	pthread_mutex_lock(&nsd_process.gate_lock);
	struct gate_set *old = nsd_process.gate_last_good;
	nsd_process.gate_last_good = s;
	s->refs++;
	pthread_mutex_unlock(&nsd_process.gate_lock);
	set_put(old);
}

static void bad_secret(void *ctx, const struct gate_key *k)
{
	knotd_mod_log(ctx, LOG_WARNING, "access gate: the secret of key '%s' cannot be "
	              "decoded; requests signed with it get BADSIG", k->name);
}

static int set_build(knotd_mod_t *mod, const struct nsdconf_model *m, struct gate_set **out)
{
	struct gate_set *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return KNOT_ENOMEM;
	}
	s->refs = 1;
	s->gate = gate_build(m, NULL);
	if (s->gate != NULL) {
		s->tsig = gate_tsig_new(s->gate, bad_secret, mod);
	}
	if (s->gate == NULL || s->tsig == NULL) {
		gate_free(s->gate);
		free(s);
		return KNOT_ENOMEM;
	}
	*out = s;
	return KNOT_EOK;
}

static void use_set(struct gate_hook *h, struct gate_set *s)
{
	bool query = s != NULL && gate_has_query_acl(s->gate);

	if (query != h->query_user) {
		atomic_fetch_add_explicit(&nsd_process.gate_query_users, query ? 1 : -1,
		                          memory_order_relaxed);
		h->query_user = query;
	}
	struct gate_set *old = h->set;
	__atomic_store_n(&h->set, s, __ATOMIC_RELEASE);
	set_put(old);
}

/* --- counters --- */

static char *kind_to_str(uint32_t idx, uint32_t count)
{
	return strdup(gate_kind_str(idx));
}

static char *tsig_to_str(uint32_t idx, uint32_t count)
{
	static const char *const names[TSIG_CTRS] = { "badkey", "badsig", "badtime" };
	return strdup(idx < TSIG_CTRS ? names[idx] : "?");
}

static void count(const struct gate_hook *h, knotd_qdata_t *qdata, uint32_t ctr, uint32_t idx)
{
	if (h->counting) {
		knotd_mod_stats_incr(h->mod, qdata->params->thread_id, ctr, idx, 1);
	}
}

/* --- logging (knotd logs debug only when asked to; NSD logs these at verbosity 2) --- */

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss != NULL && ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		port = ntohs(in6->sin6_port);
	} else if (ss != NULL && ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		port = ntohs(in->sin_port);
	}
	snprintf(buf, len, "%s@%u", a, port);
}

static void log_refusal(knotd_mod_t *mod, knotd_qdata_t *qdata, enum gate_kind kind,
                        const char *why)
{
	char zone[KNOT_DNAME_TXT_MAXLEN + 1] = "?", key[KNOT_DNAME_TXT_MAXLEN + 1] = "none";
	char addr[INET6_ADDRSTRLEN + 8];
	const knot_rrset_t *tsig = qdata->query->tsig_rr;

	if (knot_dname_to_str(zone, knot_pkt_qname(qdata->query), sizeof(zone)) == NULL) {
		strcpy(zone, "?");
	}
	if (tsig != NULL && knot_dname_to_str(key, tsig->owner, sizeof(key)) == NULL) {
		strcpy(key, "?");
	}
	addr_str(knotd_qdata_remote_addr(qdata), addr, sizeof(addr));
	knotd_mod_log(mod, LOG_DEBUG, "%s for %s from %s refused, %s, key %s",
	              gate_kind_str(kind), zone, addr, why, key);
}

static void log_verdict(knotd_mod_t *mod, knotd_qdata_t *qdata, enum gate_kind kind,
                        const struct gate_zone *z, struct gate_verdict v)
{
	char why[600];
	const struct gate_acl *l = z != NULL ? gate_zone_acl(z, kind) : NULL;

	if (v.reason == GATE_R_TLS_NAME) {
		const char *name, *domain;
		gate_acl_entry_tls(l, v.entry, &name, &domain);
		snprintf(why, sizeof(why), "client certificate does not match auth-domain-name "
		         "%s of tls-auth %s", domain, name);
	} else if (v.reason == GATE_R_TLS_UNVERIFIED) {
		snprintf(why, sizeof(why), "no client certificate verified on the tls-auth port");
	} else if (v.reason == GATE_R_TLS_XFR_ONLY) {
		snprintf(why, sizeof(why), "tls-auth-xfr-only");
	} else if (v.reason == GATE_R_BLOCKED) {
		snprintf(why, sizeof(why), "blocked by '%s'", gate_acl_entry_text(l, v.entry));
	} else if (l == NULL) {
		snprintf(why, sizeof(why), "no acl matches (the zone has no %s)",
		         kind == GATE_NOTIFY ? "allow-notify" : "provide-xfr");
	} else {
		snprintf(why, sizeof(why), "%s", gate_reason_str(v.reason));
	}
	log_refusal(mod, qdata, kind, why);
}

/* --- answers --- */

/* Refuses with rcode. A request whose MAC verified gets a signed answer: knotd signs
 * with qdata->sign, which is filled here only because the request ends here (filled
 * on a request that goes on, it would skip knotd's ACL). */
static knotd_state_t refuse(knotd_qdata_t *qdata, uint16_t rcode, int ede,
                            const struct gate_tsig_check *tc)
{
	qdata->rcode = rcode;
	qdata->rcode_ede = ede;
	if (tc != NULL && tc->mac_ok) {
		const knot_rrset_t *rr = qdata->query->tsig_rr;
		qdata->sign.tsig_key = tc->sign_key;
		qdata->sign.tsig_digest = (uint8_t *)knot_tsig_rdata_mac(rr);
		qdata->sign.tsig_digestlen = knot_tsig_rdata_mac_length(rr);
	}
	return KNOTD_STATE_FAIL;
}

/* NSD answers BADTIME before it looks at the MAC. Without a good MAC nothing can be
 * signed, and knotd's unsigned TSIG error (knot_tsig_add) must not carry BADTIME (it
 * asserts so): the answer is written here, as NSD writes it. */
static knotd_state_t badtime_unsigned(knot_pkt_t *pkt, knotd_qdata_t *qdata, uint64_t now)
{
	const knot_rrset_t *q = qdata->query->tsig_rr;
	knot_rrset_t *rr = knot_rrset_new(q->owner, KNOT_RRTYPE_TSIG, KNOT_CLASS_ANY, 0, NULL);
	uint8_t other[6];

	knot_wire_set_rcode(pkt->wire, KNOT_RCODE_NOTAUTH);
	if (rr == NULL ||
	    knot_tsig_create_rdata(rr, knot_tsig_rdata_alg_name(q), 0,
	                           KNOT_RCODE_BADTIME) != KNOT_EOK) {
		knot_rrset_free(rr, NULL);
		return KNOTD_STATE_FINAL;
	}
	knot_tsig_rdata_set_time_signed(rr, knot_tsig_rdata_time_signed(q));
	knot_tsig_rdata_set_fudge(rr, knot_tsig_rdata_fudge(q));
	knot_tsig_rdata_set_orig_id(rr, knot_tsig_rdata_orig_id(q));
	knot_wire_write_u48(other, now);
	knot_tsig_rdata_set_other_data(rr, sizeof(other), other);
	(void)knot_tsig_append(pkt->wire, &pkt->size, pkt->max_size, rr);
	knot_rrset_free(rr, NULL);
	return KNOTD_STATE_FINAL;
}

static knotd_state_t tsig_error(struct gate_hook *h, knot_pkt_t *pkt, knotd_qdata_t *qdata,
                                enum gate_kind kind, const struct gate_tsig_check *tc,
                                uint64_t now)
{
	static const uint32_t idx[] = {
		[GATE_TSIG_R_BADKEY] = TSIG_CTR_BADKEY,
		[GATE_TSIG_R_BADSIG] = TSIG_CTR_BADSIG,
		[GATE_TSIG_R_BADTIME] = TSIG_CTR_BADTIME,
	};
	char why[32];

	count(h, qdata, CTR_TSIG, idx[tc->result]);
	snprintf(why, sizeof(why), "TSIG %s", gate_tsig_str(tc->result));
	log_refusal(h->mod, qdata, kind, why);

	if (tc->result == GATE_TSIG_R_BADTIME) {
		if (!tc->mac_ok) {
			return badtime_unsigned(pkt, qdata, now);
		}
		/* RFC 8945 5.2.3: signed, the request's time in Time Signed, ours in
		 * Other Data: what knotd's own check answers (process_query_verify). */
		qdata->sign.tsig_time_signed = knot_tsig_rdata_time_signed(qdata->query->tsig_rr);
		qdata->rcode_tsig = KNOT_RCODE_BADTIME;
		return refuse(qdata, KNOT_RCODE_NOTAUTH, KNOT_EDNS_EDE_NONE, tc);
	}
	/* knotd appends the request's TSIG with this error and no MAC. */
	qdata->rcode_tsig = gate_tsig_rcode(tc->result);
	return refuse(qdata, KNOT_RCODE_NOTAUTH, KNOT_EDNS_EDE_NONE, NULL);
}

/* --- the hook --- */

static bool seen_fill(struct xfr_seen *s, knotd_qdata_t *qdata, enum gate_kind kind)
{
	const struct sockaddr_storage *ss = knotd_qdata_remote_addr(qdata);
	const knot_pkt_t *q = qdata->query;

	memset(s, 0, sizeof(*s));
	if (ss == NULL) {
		return false;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		memcpy(s->addr, &in6->sin6_addr, 16);
		s->port = in6->sin6_port;
	} else {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		memcpy(s->addr, &in->sin_addr, 4);
		s->port = in->sin_port;
	}
	s->family = (uint8_t)ss->ss_family;
	s->kind = (uint8_t)kind;
	s->qdata = qdata;
	s->wire = q->wire;
	s->size = q->size;
	s->hash = nsdconf_hash(q->wire, q->size, 0);
	return true;
}

static struct xfr_seen *seen_slot(struct gate_hook *h, knotd_qdata_t *qdata)
{
	unsigned t = qdata->params->thread_id;
	return t < h->n_seen ? &h->seen[t] : NULL;
}

/* A later message of an unsigned transfer this thread let through. The same bytes
 * from the same address and port would get the same verdict anyway. */
static bool xfr_continues(struct gate_hook *h, knotd_qdata_t *qdata, enum gate_kind kind)
{
	struct xfr_seen *slot = seen_slot(h, qdata), now;

	return slot != NULL && slot->qdata == qdata && seen_fill(&now, qdata, kind) &&
	       memcmp(slot, &now, sizeof(now)) == 0;
}

static void xfr_remember(struct gate_hook *h, knotd_qdata_t *qdata, enum gate_kind kind)
{
	struct xfr_seen *slot = seen_slot(h, qdata);

	if (slot != NULL && !seen_fill(slot, qdata, kind)) {
		memset(slot, 0, sizeof(*slot));
	}
}

/* A zone knotd serves that nsd.conf does not name: a member of the catalog NSD would
 * consume gets the rules of the pattern its knotd template was rendered from (knotd
 * picks the template by the member's group property, as NSD picks the pattern); the
 * template's comment names it. NULL: a zone of knot.conf itself. */
static const struct gate_zone *catalog_member(knotd_mod_t *mod, const struct gate *g,
                                              const knot_dname_t *zone)
{
	static const size_t plen = sizeof(KNOTMAP_MEMBER_COMMENT) - 1;
	const struct gate_zone *z = NULL;

	if (zone == NULL || !gate_has_members(g)) {
		return NULL;
	}
	knotd_conf_t c = knotd_conf_zone(mod, (const yp_name_t *)"\x07""comment", zone);
	if (c.count == 1 && c.single.string != NULL &&
	    strncmp(c.single.string, KNOTMAP_MEMBER_COMMENT, plen) == 0) {
		const char *name = c.single.string + plen;
		z = gate_member_pattern(g, name, strlen(name));
	}
	knotd_conf_free(&c);
	return z;
}

/* The zone whose rules decide the request, found as NSD finds it: a query by the zone
 * knotd answers from (NSD's allow-query is the answering zone's), a transfer or notify by
 * its exact name (NSD's and knotd's lookup). *z is NULL for a name NSD serves no zone of.
 * False when the gate has no say, or has answered already: *answer is the state then. */
static bool zone_to_judge(knotd_mod_t *mod, const struct gate_set *set, enum gate_kind kind,
                          knotd_qdata_t *qdata, const struct gate_zone **z,
                          knotd_state_t *answer)
{
	const knot_pkt_t *query = qdata->query;
	const knot_dname_t *served = knotd_qdata_zone_name(qdata);

	if (kind == GATE_QUERY) {
		*z = gate_zone_find(set->gate, served);
		if (*z == NULL && served != NULL) {
			*z = catalog_member(mod, set->gate, served);
			if (*z == NULL) {
				return false;   /* a zone of knot.conf itself */
			}
		}
		/* unsigned, and no allow-query to apply: only knotd's business */
		return (*z != NULL && gate_zone_has_query_acl(*z)) || query->tsig_rr != NULL;
	}
	*z = gate_zone_find(set->gate, knot_pkt_qname(query));
	if (*z == NULL && served != NULL) {
		*z = catalog_member(mod, set->gate, served);
		if (*z == NULL) {
			return false;   /* a zone of knot.conf itself: knotd's business */
		}
	}
	return true;
}

/* A NOTIFY for a name NSD serves no zone of: NXDOMAIN before any TSIG (answer_notify);
 * knotd would say NOTAUTH. True with the answer. */
static bool notify_of_no_zone(enum gate_kind kind, const struct gate_zone *z,
                              knotd_qdata_t *qdata, knotd_state_t *answer)
{
	if (z != NULL || kind != GATE_NOTIFY) {
		return false;
	}
	qdata->rcode = KNOT_RCODE_NXDOMAIN;
	*answer = KNOTD_STATE_FAIL;
	return true;
}

/* TSIG first, as NSD: its errors never reach the ACL. True when the request is unsigned
 * or its TSIG holds (r says which key; tc is filled for a signed one); false when a
 * TSIG error was answered (*answer). */
static bool tsig_holds(struct gate_hook *h, const struct gate_set *set, enum gate_kind kind,
                       knot_pkt_t *pkt, knotd_qdata_t *qdata, struct gate_request *r,
                       struct gate_tsig_check *tc, knotd_state_t *answer)
{
	const knot_pkt_t *query = qdata->query;

	*r = (struct gate_request){
		.src = knotd_qdata_remote_addr(qdata),
		.tsig = GATE_TSIG_NONE,
		.key = -1,
	};
	if (query->tsig_rr == NULL) {
		return true;
	}
	uint64_t now = (uint64_t)time(NULL);
	gate_tsig_verify(set->tsig, query->tsig_rr, query->wire, query->size, now, tc);
	if (tc->result != GATE_TSIG_R_OK) {
		*answer = tsig_error(h, pkt, qdata, kind, tc, now);
		return false;
	}
	r->tsig = GATE_TSIG_OK;
	r->key = tc->key->id;
	r->alg = tc->alg;
	return true;
}

/* What NSD answers before it looks at an ACL: signed queries of zones without
 * allow-query, requests for names it serves no zone of, AXFR over UDP. True with the
 * answer (*answer); signed_ok: the request's TSIG held (NULL: unsigned). */
static bool answered_before_acl(enum gate_kind kind, const struct gate_zone *z,
                                knotd_state_t state, knotd_qdata_t *qdata,
                                const struct gate_tsig_check *signed_ok,
                                knotd_state_t *answer)
{
	if (kind == GATE_QUERY && (z == NULL || !gate_zone_has_query_acl(z))) {
		/* A signed query: its TSIG holds; knotd checks it again and answers. For
		 * an IN name in no zone NSD and knotd refuse, NSD signed (CHAOS queries
		 * find no zone either: knotd answers those). */
		uint16_t qclass = knot_pkt_qclass(qdata->query);
		bool refused = z == NULL &&
		               (qclass == KNOT_CLASS_IN || qclass == KNOT_CLASS_ANY);
		*answer = refused ? refuse(qdata, KNOT_RCODE_REFUSED, KNOT_EDNS_EDE_NOTAUTH,
		                           signed_ok) : state;
		return true;
	}
	if (z == NULL) {
		/* A transfer of a zone nobody serves: NOTAUTH from NSD and from knotd;
		 * knotd would not sign it. */
		*answer = signed_ok != NULL ? refuse(qdata, KNOT_RCODE_NOTAUTH, KNOT_EDNS_EDE_NONE,
		                                     signed_ok) : state;
		return true;
	}
	if (kind == GATE_AXFR && !knotd_compat_stream(qdata)) {
		/* NSD: NOTIMP, before the ACL. */
		*answer = signed_ok != NULL ? refuse(qdata, KNOT_RCODE_NOTIMPL, KNOT_EDNS_EDE_NONE,
		                                     signed_ok) : state;
		return true;
	}
	return false;
}

/* The client certificate chain of a TLS transfer, asked by the gate when a rule needs it. */
static const gnutls_datum_t *tls_chain(const void *ctx, unsigned *n)
{
	return knotd_compat_tls_peers(ctx, n);
}

/* The TLS side of a transfer or NOTIFY over TLS (knotd 3.4+), in p; NULL for anything
 * else. Queries get none: on NSD's tls-auth port they would need a chain verification
 * each (knotd gives a module no per-connection memo), and the unsigned query path stays
 * two tests; doc/mod-nsd.md says so. */
static struct gate_tls_peer *tls_peer(enum gate_kind kind, knotd_qdata_t *qdata,
                                      struct gate_tls_peer *p)
{
	if (kind == GATE_QUERY || !knotd_compat_tls(qdata)) {
		return NULL;
	}
	*p = (struct gate_tls_peer){
		.local_port = knotd_compat_tls_local_port(qdata),
		.chain = tls_chain,
		.ctx = qdata,
	};
	return p;
}

/* NSD with tls-cert-bundle ends the handshake on its tls-auth port when the client's
 * chain does not verify: that client gets no DNS answer at all, so this comes before
 * NSD's first DNS step (a NOTIFY's NXDOMAIN, the TSIG). knotd has completed the
 * handshake already; REFUSED, unsigned, is the nearest it can answer. */
static bool handshake_refused(struct gate_hook *h, const struct gate_set *set,
                              enum gate_kind kind, struct gate_tls_peer *tls,
                              knotd_qdata_t *qdata, knotd_state_t *answer)
{
	struct gate_verdict v = gate_tls_admit(set->gate, tls);
	if (v.allow) {
		return false;
	}
	count(h, qdata, CTR_REFUSED, kind);
	log_verdict(h->mod, qdata, kind, NULL, v);
	*answer = refuse(qdata, KNOT_RCODE_REFUSED,
	                 kind == GATE_NOTIFY ? KNOT_EDNS_EDE_NONE : KNOT_EDNS_EDE_PROHIBITED, NULL);
	return true;
}

/* NSD 4.12's first test of a transfer, before it looks for the zone: tls-auth-xfr-only
 * refuses a transfer that is not tls-auth (AXFR over UDP is NOTIMP before that). */
static bool xfr_refused(struct gate_hook *h, const struct gate_set *set, enum gate_kind kind,
                        const struct gate_request *r, knotd_qdata_t *qdata,
                        const struct gate_tsig_check *signed_ok, knotd_state_t *answer)
{
	if (kind > GATE_IXFR || (kind == GATE_AXFR && !knotd_compat_stream(qdata))) {
		return false;
	}
	struct gate_verdict v = gate_xfr_admit(set->gate, r);
	if (v.allow) {
		return false;
	}
	count(h, qdata, CTR_REFUSED, kind);
	log_verdict(h->mod, qdata, kind, NULL, v);
	*answer = refuse(qdata, KNOT_RCODE_REFUSED, KNOT_EDNS_EDE_PROHIBITED, signed_ok);
	return true;
}

/* NSD's ACL of the zone decides: an allowed request goes on to knotd's own ACL (the gate
 * only narrows it), a refused one is counted, logged and answered as NSD answers it. */
static knotd_state_t acl_verdict(struct gate_hook *h, enum gate_kind kind,
                                 const struct gate_zone *z, const struct gate_request *r,
                                 knotd_state_t state, knotd_qdata_t *qdata,
                                 const struct gate_tsig_check *signed_ok)
{
	struct gate_verdict v = gate_check(z, kind, r);
	if (v.allow) {
		count(h, qdata, CTR_ALLOWED, kind);
		if (kind <= GATE_IXFR && signed_ok == NULL && knotd_compat_stream(qdata)) {
			xfr_remember(h, qdata, kind);
		}
		return state;
	}
	count(h, qdata, CTR_REFUSED, kind);
	log_verdict(h->mod, qdata, kind, z, v);
	/* NSD 4.6.1 adds EDE 18 to refused transfers and queries, not to notifies. */
	return refuse(qdata, KNOT_RCODE_REFUSED,
	              kind == GATE_NOTIFY ? KNOT_EDNS_EDE_NONE : KNOT_EDNS_EDE_PROHIBITED,
	              signed_ok);
}

/* NSD's answer to a request, in NSD's order: the zone, the TLS handshake, the TSIG, what
 * comes before the ACL, the ACL. state: the request goes on to knotd. */
static knotd_state_t judge(struct gate_hook *h, const struct gate_set *set,
                           enum gate_kind kind, knotd_state_t state, knot_pkt_t *pkt,
                           knotd_qdata_t *qdata, struct gate_tls_peer *tls)
{
	const struct gate_zone *z;
	struct gate_request r;
	struct gate_tsig_check tc;
	knotd_state_t answer = state;

	if (!zone_to_judge(h->mod, set, kind, qdata, &z, &answer) ||
	    handshake_refused(h, set, kind, tls, qdata, &answer) ||
	    notify_of_no_zone(kind, z, qdata, &answer) ||
	    !tsig_holds(h, set, kind, pkt, qdata, &r, &tc, &answer)) {
		return answer;
	}
	r.tls = tls;
	const struct gate_tsig_check *signed_ok = r.tsig == GATE_TSIG_OK ? &tc : NULL;
	if (xfr_refused(h, set, kind, &r, qdata, signed_ok, &answer) ||
	    answered_before_acl(kind, z, state, qdata, signed_ok, &answer)) {
		return answer;
	}
	return acl_verdict(h, kind, z, &r, state, qdata, signed_ok);
}

static knotd_state_t decide(struct gate_hook *h, const struct gate_set *set,
                            enum gate_kind kind, knotd_state_t state, knot_pkt_t *pkt,
                            knotd_qdata_t *qdata)
{
	struct gate_tls_peer peer;
	struct gate_tls_peer *tls = tls_peer(kind, qdata, &peer);

	knotd_state_t answer = judge(h, set, kind, state, pkt, qdata, tls);
	gate_tls_peer_done(tls);   /* the verified certificate, if one was read */
	return answer;
}

/* Everything but the first tests: kept out of line so that the common case (an unsigned
 * ordinary query) costs no stack frame. */
static __attribute__((noinline)) knotd_state_t
gate_begin_slow(knotd_state_t state, knot_pkt_t *pkt, knotd_qdata_t *qdata, knotd_mod_t *mod,
                enum gate_kind kind)
{
	struct gate_hook *h = nsd_gate(mod);
	const struct gate_set *set = h != NULL ? __atomic_load_n(&h->set, __ATOMIC_ACQUIRE) : NULL;
	if (set == NULL || (kind == GATE_QUERY && qdata->query->tsig_rr == NULL &&
	                    !gate_has_query_acl(set->gate))) {
		return state;
	}

	/* Decide on the first message only: the TSIG of a request cannot be checked
	 * again once knotd has signed an answer (it reuses the request's MAC buffer). */
	if (qdata->query->tsig_rr != NULL) {
		if (qdata->sign.tsig_key.name != NULL) {
			return state;   /* knotd verified it and signs this request's answers */
		}
	} else if (kind <= GATE_IXFR && knotd_compat_stream(qdata) &&
	           xfr_continues(h, qdata, kind)) {
		return state;
	}
	return decide(h, set, kind, state, pkt, qdata);
}

static knotd_state_t gate_begin(knotd_state_t state, knot_pkt_t *pkt, knotd_qdata_t *qdata,
                                knotd_mod_t *mod)
{
	switch (qdata->type) {
	case KNOTD_QUERY_TYPE_NORMAL:
		/* The common case: a comparison and two flags. Signed queries are looked
		 * at for their TSIG: NSD checks it first, knotd after its ACL (a stale
		 * request with a bad MAC is BADTIME to NSD, BADSIG to knotd). */
		if (qdata->query->tsig_rr == NULL &&
		    atomic_load_explicit(&nsd_process.gate_query_users,
		                         memory_order_relaxed) == 0) {
			return state;
		}
		return gate_begin_slow(state, pkt, qdata, mod, GATE_QUERY);
	case KNOTD_QUERY_TYPE_AXFR:
		return gate_begin_slow(state, pkt, qdata, mod, GATE_AXFR);
	case KNOTD_QUERY_TYPE_IXFR:
		return gate_begin_slow(state, pkt, qdata, mod, GATE_IXFR);
	case KNOTD_QUERY_TYPE_NOTIFY:
		/* knotd telling the module of a change (notify_self.h), before any rule */
		if (notify_self_named(qdata)) {
			knotd_state_t answer;
			if (notify_self_take(nsd_self(mod), mod, pkt, qdata, &answer)) {
				return answer;
			}
		}
		return gate_begin_slow(state, pkt, qdata, mod, GATE_NOTIFY);
	default:
		return state;
	}
}

/* --- lifecycle --- */

int gate_hook_load(knotd_mod_t *mod, struct gate_hook **out)
{
	*out = NULL;
	struct gate_hook *h = calloc(1, sizeof(*h));
	if (h == NULL) {
		knotd_mod_log(mod, LOG_ERR, "access gate: out of memory; off, knotd's own "
		              "ACL applies");
		return KNOT_ENOMEM;
	}
	h->mod = mod;
	h->n_seen = knotd_mod_threads(mod);
	if (h->n_seen > 0) {
		h->seen = aligned_alloc(64, h->n_seen * sizeof(*h->seen));
		if (h->seen != NULL) {
			memset(h->seen, 0, h->n_seen * sizeof(*h->seen));
		} else {
			h->n_seen = 0;   /* every message decided again: same verdicts */
		}
	}

	h->counting = knotd_mod_stats_add(mod, "allowed", GATE_KINDS, kind_to_str) == KNOT_EOK &&
	              knotd_mod_stats_add(mod, "refused", GATE_KINDS, kind_to_str) == KNOT_EOK &&
	              knotd_mod_stats_add(mod, "tsig-error", TSIG_CTRS, tsig_to_str) == KNOT_EOK;
	if (!h->counting) {
		knotd_mod_log(mod, LOG_WARNING, "access gate: counters not available");
	}

	int ret = knotd_mod_hook(mod, KNOTD_STAGE_BEGIN, gate_begin);
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "access gate: cannot hook into knotd (%s); off, "
		              "knotd's own ACL applies", knot_strerror(ret));
		free(h->seen);
		free(h);
		return ret;
	}

	/* Until this instance's parse says otherwise: what the last good nsd.conf said. */
	use_set(h, set_get_last_good());
	*out = h;
	return KNOT_EOK;
}

int gate_hook_apply(struct gate_hook *h, const struct nsdconf_model *m)
{
	if (m == NULL) {
		if (h->set != NULL) {
			size_t zones = gate_zone_count(h->set->gate);
			knotd_mod_log(h->mod, LOG_WARNING, "access gate: keeps the rules of the "
			              "last good nsd.conf (%zu zone%s)", zones,
			              zones == 1 ? "" : "s");
		} else {
			knotd_mod_log(h->mod, LOG_WARNING, "access gate: off until nsd.conf "
			              "parses; knotd's own ACL from the include applies");
		}
		return KNOT_EOK;
	}

	struct gate_set *s = NULL;
	int ret = set_build(h->mod, m, &s);
	if (ret != KNOT_EOK) {
		knotd_mod_log(h->mod, LOG_ERR, "access gate: cannot compile nsd.conf (%s); %s",
		              knot_strerror(ret), h->set != NULL ? "keeps the last good rules" :
		              "off, knotd's own ACL applies");
		return ret;
	}
	set_make_last_good(s);
	use_set(h, s);
	const struct gate_tls_conf *tls = gate_tls(s->gate);
	if (tls->bundle_err != 0) {
		/* NSD would not start; the gate lets no certificate through */
		knotd_mod_log(h->mod, LOG_ERR, "access gate: tls-cert-bundle %s holds no "
		              "certificate that can be read; no client certificate verifies "
		              "on the tls-auth port", tls->bundle);
	}
	size_t zones = gate_zone_count(s->gate), keys = gate_key_count(s->gate);
	knotd_mod_log(h->mod, LOG_INFO, "access gate: %zu zone%s, %zu key%s%s",
	              zones, zones == 1 ? "" : "s", keys, keys == 1 ? "" : "s",
	              gate_has_query_acl(s->gate) ? ", allow-query in use" : "");
	return KNOT_EOK;
}

void gate_hook_unload(struct gate_hook *h)
{
	if (h == NULL) {
		return;
	}
	use_set(h, NULL);
	free(h->seen);
	free(h);
}
