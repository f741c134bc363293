/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of NSD ACL entries: address forms as Knot intervals, deny-first acl rules. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/arena.h"
#include "conf/mem.h"
#include "knotmap/knotmap_int.h"

/*
 * Address sets.  Knot's acl address holds one set per rule: a single address, a
 * prefix, or a range, whose IPv4 ends knotd compares as NSD does (see
 * knotmap_int.h).  NSD's entry is such a set, except:
 *  - addr&mask with a non-contiguous mask;
 *  - an IPv6 low-high: NSD compares each 32-bit word read as a little-endian
 *    integer (see conf/acl.c), knotd the whole address in address order.  Such a
 *    set is rarely an interval in address order.
 * We work with both orders as permutations of the address bytes: a key in
 * order P is the bytes x[P[0]], x[P[1]], ... compared lexicographically.
 */

static void perm_addr(int n, int *perm)
{
	for (int i = 0; i < n; i++) {
		perm[i] = i;
	}
}

static void perm_nsd(int n, int *perm)
{
	for (int i = 0; i < n; i++) {
		perm[i] = (i & ~3) + 3 - (i & 3);
	}
}

static void key_of(int n, const int *perm, const uint8_t *x, uint8_t *key)
{
	for (int i = 0; i < n; i++) {
		key[i] = x[perm[i]];
	}
}

/* Is there an address with the fixed bytes whose key in order pc lies in [lo, hi]?
 * A walk over the key with the four "still equal to lo / to hi" states. */
static bool feasible(int n, const int *pc, const uint8_t *lo, const uint8_t *hi,
                     const bool *fixed, const uint8_t *val)
{
	unsigned states = 1u << 3;   /* bit (tight_lo << 1 | tight_hi) */

	for (int j = 0; j < n && states != 0; j++) {
		unsigned next = 0;

		for (unsigned st = 0; st < 4; st++) {
			bool tl = st & 2, th = st & 1;
			int min = tl ? lo[j] : 0, max = th ? hi[j] : 255;
			int cand[4], nc = 0;

			if (!(states & (1u << st)) || min > max) {
				continue;
			}
			if (fixed[pc[j]]) {
				cand[nc++] = val[pc[j]];
			} else {
				/* The next state depends only on v == lo[j] and v == hi[j];
				 * these four values reach every combination there is. */
				cand[nc++] = min;
				cand[nc++] = min + 1;
				cand[nc++] = min + 2;
				cand[nc++] = max;
			}
			for (int i = 0; i < nc; i++) {
				int v = cand[i];

				if (v < min || v > max) {
					continue;
				}
				next |= 1u << (((tl && v == lo[j]) << 1) | (th && v == hi[j]));
			}
		}
		states = next;
	}
	return states != 0;
}

/* The address with key in [lo, hi] (order pc) that is least (or greatest) in order po:
 * fix its bytes greedily, most significant in po first. */
static bool extreme(int n, const int *pc, const uint8_t *lo, const uint8_t *hi,
                    const int *po, bool want_max, uint8_t *out)
{
	bool fixed[16] = { false };
	uint8_t val[16] = { 0 };

	if (!feasible(n, pc, lo, hi, fixed, val)) {
		return false;
	}
	for (int i = 0; i < n; i++) {
		int q = po[i];

		fixed[q] = true;
		for (int k = 0; k < 256; k++) {
			val[q] = (uint8_t)(want_max ? 255 - k : k);
			if (feasible(n, pc, lo, hi, fixed, val)) {
				break;
			}
		}
	}
	memcpy(out, val, n);
	return true;
}

static unsigned __int128 to_u128(int n, const uint8_t *b)
{
	unsigned __int128 v = 0;

	for (int i = 0; i < n; i++) {
		v = v << 8 | b[i];
	}
	return v;
}

static int addr_len(const struct nsdconf_acl *a)
{
	return a->ipv6 ? 16 : 4;
}

/* An IPv4 low-high: knotd reads the range as NSD does; empty when NSD's is. */
static enum knotmap_fit minmax_literal(const struct nsdconf_acl *a, struct knotmap_net *out)
{
	int pn[16];
	uint8_t klo[4], khi[4];

	perm_nsd(4, pn);
	key_of(4, pn, a->addr, klo);
	key_of(4, pn, a->mask, khi);
	if (memcmp(klo, khi, 4) > 0) {
		return KNOTMAP_FIT_EMPTY;
	}
	memcpy(out->lo, a->addr, 4);
	memcpy(out->hi, a->mask, 4);
	out->literal = true;
	return KNOTMAP_FIT_EXACT;
}

/* NSD's low-high set, covered by an interval in address order. */
static enum knotmap_fit minmax_cover(const struct nsdconf_acl *a, struct knotmap_net *out)
{
	int n = addr_len(a), pa[16], pn[16];
	uint8_t klo[16], khi[16];

	if (!a->ipv6) {
		return minmax_literal(a, out);
	}
	perm_addr(n, pa);
	perm_nsd(n, pn);
	key_of(n, pn, a->addr, klo);
	key_of(n, pn, a->mask, khi);
	if (memcmp(klo, khi, n) > 0) {
		return KNOTMAP_FIT_EMPTY;
	}
	extreme(n, pn, klo, khi, pa, false, out->lo);
	extreme(n, pn, klo, khi, pa, true, out->hi);
	/* The set lies inside [lo, hi]; it is all of it when the sizes agree. */
	if (to_u128(n, khi) - to_u128(n, klo) == to_u128(n, out->hi) - to_u128(n, out->lo)) {
		return KNOTMAP_FIT_EXACT;
	}
	return KNOTMAP_FIT_WIDER;
}

/* The range as written, when all of it is inside NSD's set. */
static enum knotmap_fit minmax_inner(const struct nsdconf_acl *a, struct knotmap_net *out)
{
	int n = addr_len(a), pa[16], pn[16];
	uint8_t klo[16], khi[16], xmin[16], xmax[16], kmin[16], kmax[16];

	perm_addr(n, pa);
	perm_nsd(n, pn);
	key_of(n, pn, a->addr, klo);
	key_of(n, pn, a->mask, khi);
	if (memcmp(a->addr, a->mask, n) > 0 || memcmp(klo, khi, n) > 0) {
		return KNOTMAP_FIT_NONE;
	}
	extreme(n, pa, a->addr, a->mask, pn, false, xmin);
	extreme(n, pa, a->addr, a->mask, pn, true, xmax);
	key_of(n, pn, xmin, kmin);
	key_of(n, pn, xmax, kmax);
	if (memcmp(kmin, klo, n) < 0 || memcmp(kmax, khi, n) > 0) {
		return KNOTMAP_FIT_NONE;
	}
	memcpy(out->lo, a->addr, n);
	memcpy(out->hi, a->mask, n);
	return KNOTMAP_FIT_NARROWER;
}

static bool mask_contiguous(int n, const uint8_t *mask)
{
	bool zero = false;

	for (int i = 0; i < n * 8; i++) {
		bool bit = mask[i / 8] & (0x80 >> (i % 8));

		if (bit && zero) {
			return false;
		}
		zero = !bit;
	}
	return true;
}

/* The smallest prefix holding [lo, hi] (an IPv4 interval knotd can only hold so). */
static void widen_to_prefix(int n, struct knotmap_net *net)
{
	int plen = 0;

	while (plen < n * 8 && ((net->lo[plen / 8] ^ net->hi[plen / 8]) & (0x80 >> (plen % 8))) == 0) {
		plen++;
	}
	for (int i = plen; i < n * 8; i++) {
		net->lo[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		net->hi[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
}

/* single, addr/len, addr&mask: the set is {x : x & mask == addr & mask}. */
static enum knotmap_fit masked(const struct nsdconf_acl *a, struct knotmap_net *out)
{
	int n = addr_len(a);

	for (int i = 0; i < n; i++) {
		uint8_t m = a->range == NSDCONF_RANGE_SINGLE ? 0xff : a->mask[i];

		out->lo[i] = a->addr[i] & m;
		out->hi[i] = out->lo[i] | (uint8_t)~m;
	}
	if (a->range == NSDCONF_RANGE_MASK && !mask_contiguous(n, a->mask)) {
		if (!a->ipv6) {
			widen_to_prefix(n, out);
		}
		return KNOTMAP_FIT_WIDER;
	}
	return KNOTMAP_FIT_EXACT;
}

enum knotmap_fit knotmap_net_cover(const struct nsdconf_acl *a, struct knotmap_net *out)
{
	memset(out, 0, sizeof(*out));
	out->ipv6 = a->ipv6;
	if (a->range == NSDCONF_RANGE_MINMAX) {
		return minmax_cover(a, out);
	}
	return masked(a, out);
}

enum knotmap_fit knotmap_net_inner(const struct nsdconf_acl *a, struct knotmap_net *out)
{
	enum knotmap_fit fit = knotmap_net_cover(a, out);

	if (fit == KNOTMAP_FIT_EXACT || fit == KNOTMAP_FIT_EMPTY) {
		return fit;
	}
	if (a->range == NSDCONF_RANGE_MINMAX && a->ipv6) {
		return minmax_inner(a, out);
	}
	return KNOTMAP_FIT_NONE;
}

void knotmap_net_format(const struct knotmap_net *net, char *buf, size_t len)
{
	int n = net->ipv6 ? 16 : 4, af = net->ipv6 ? AF_INET6 : AF_INET, plen = 0;
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	bool block = true;

	inet_ntop(af, net->lo, lo, sizeof(lo));
	if (memcmp(net->lo, net->hi, n) == 0) {
		snprintf(buf, len, "%s", lo);
		return;
	}
	if (net->literal) {
		inet_ntop(af, net->hi, hi, sizeof(hi));
		snprintf(buf, len, "%s-%s", lo, hi);
		return;
	}
	while (plen < n * 8 && ((net->lo[plen / 8] ^ net->hi[plen / 8]) & (0x80 >> (plen % 8))) == 0) {
		plen++;
	}
	for (int i = plen; i < n * 8; i++) {
		uint8_t bit = 0x80 >> (i % 8);

		if ((net->lo[i / 8] & bit) || !(net->hi[i / 8] & bit)) {
			block = false;
		}
	}
	if (block) {
		snprintf(buf, len, "%s/%d", lo, plen);
		return;
	}
	inet_ntop(af, net->hi, hi, sizeof(hi));
	snprintf(buf, len, "%s-%s", lo, hi);
}

/*
 * Rules.  NSD: a matching BLOCKED entry denies wherever it stands, otherwise
 * the first matching entry allows; NOKEY matches unsigned requests only, a key
 * only requests signed with it.  Knot 3.2: the first rule matching address,
 * key and action decides; a keyless allow rule matches unsigned requests only,
 * a keyless deny rule every request.  So: the deny rules first, then the allow
 * rules in NSD's order.
 */

/* What one NSD entry became, remembered per distinct entry text. */
struct entry_map {
	int rule;                  /* index in c->rule_ids, -1: no rule */
	enum knotmap_fit fit;
	bool deny;
	const char *net;           /* the address written, for the report */
	const char *hostname;      /* a TLS rule's cert-hostname, NULL: none written */
	bool tls_only;             /* a plain entry held to TLS by tls-auth-xfr-only */
	const struct nsdconf_acl *noted;  /* the entry last reported (zones share lists) */
};

static const char *action_name(enum nsdconf_pslot s)
{
	switch (s) {
	case NSDCONF_P_PROVIDE_XFR: return "transfer";
	case NSDCONF_P_ALLOW_QUERY: return "query";
	default: return "notify";
	}
}

static const char *action_tag(enum nsdconf_pslot s)
{
	switch (s) {
	case NSDCONF_P_PROVIDE_XFR: return "xfr";
	case NSDCONF_P_ALLOW_QUERY: return "query";
	default: return "notify";
	}
}

int knotmap_rule_register(struct knotmap_ctx *c, const char *id)
{
	if (c->n_rules == c->cap_rules) {
		int cap = c->cap_rules ? 2 * c->cap_rules : 64;
		const char **ids = nsdconf_arena_alloc(c->arena, cap * sizeof(*ids));

		if (ids == NULL) {
			knotmap_nomem(c);
			return -1;
		}
		if (c->n_rules > 0) {
			memcpy(ids, c->rule_ids, c->n_rules * sizeof(*ids));
		}
		c->rule_ids = ids;
		c->cap_rules = cap;
	}
	c->rule_ids[c->n_rules] = id;
	return c->n_rules++;
}

/* A rule; tls: for requests over TLS only (acl.protocol), hostname: whose client
 * certificate must name it (acl.cert-hostname, knotd 3.5). */
static int rule_add(struct knotmap_ctx *c, enum nsdconf_pslot s, bool deny, const char *net,
                    const struct knotmap_key *key, bool tls, const char *hostname,
                    const struct nsdconf_acl *src)
{
	const char *option = nsdconf_option_slot(NSDCONF_CL_PATTERN, s)->name;
	char content[768], idtext[512];
	bool created;
	void **slot;
	const char *id;
	int idx;

	snprintf(content, sizeof(content), "%s|%d|%s|%s|%d|%s", action_name(s), deny,
	         net != NULL ? net : "", key != NULL ? key->name : "", tls,
	         hostname != NULL ? hostname : "");
	slot = strmap_slot(c->rules, content, strlen(content), &created);
	if (!created) {
		return (int)(intptr_t)*slot - 1;
	}

	if (deny) {
		snprintf(idtext, sizeof(idtext), "nsd-%s-deny-%s", action_tag(s), net ? net : "any");
	} else {
		snprintf(idtext, sizeof(idtext), "nsd-%s-%s-%s%s%s", action_tag(s), net ? net : "any",
		         key != NULL ? "key-" : "nokey", key != NULL ? key->tag : "",
		         tls ? "-tls" : "");
	}
	id = idset_make(c->ids, idtext);
	idx = knotmap_rule_register(c, id);
	if (idx < 0) {
		return -1;
	}
	*slot = (void *)(intptr_t)(idx + 1);

	if (src != NULL) {
		knotmap_comment(c, &c->acl_out, "  ", option, src->file, src->line);
	}
	kbuf_printf(&c->acl_out, "  - id: %s\n", id);
	if (net != NULL) {
		kbuf_printf(&c->acl_out, "    address: %s\n", net);
	}
	if (key != NULL) {
		kbuf_puts(&c->acl_out, "    key: ");
		kbuf_value(&c->acl_out, key->name);
		kbuf_puts(&c->acl_out, "\n");
	}
	kbuf_printf(&c->acl_out, "    action: %s\n", action_name(s));
	if (tls) {
		kbuf_puts(&c->acl_out, "    protocol: tls\n");
	}
	if (hostname != NULL) {
		kbuf_puts(&c->acl_out, "    cert-hostname: ");
		kbuf_value(&c->acl_out, hostname);
		kbuf_puts(&c->acl_out, "\n");
	}
	if (deny) {
		kbuf_puts(&c->acl_out, "    deny: on\n");
	}
	return idx;
}

int knotmap_rule_add(struct knotmap_ctx *c, enum nsdconf_pslot s, bool deny, const char *net,
                     const struct knotmap_key *key, const struct nsdconf_acl *src)
{
	return rule_add(c, s, deny, net, key, false, NULL, src);
}

/* The name a tls-auth's certificate must hold, when the target can check it and
 * yparser can write it; NULL otherwise. */
const char *knotmap_tls_hostname(struct knotmap_ctx *c, const char *tls_auth)
{
	const struct nsdconf_tls_auth *t = nsdconf_tls_auth_find(c->m, tls_auth);
	const char *name = t != NULL ? t->val[NSDCONF_T_AUTH_DOMAIN_NAME].str : NULL;

	if (!knotmap_cert_hostname(c) || name == NULL || !knotmap_value_ok(name)) {
		return NULL;
	}
	return name;
}

void knotmap_acl_query_rule(struct knotmap_ctx *c)
{
	const char *id;

	c->query_rule = -1;
	if (c->n_key_ids == 0) {
		return;
	}
	/*
	 * knotd checks a TSIG-signed *query* against the zone acl too, and for
	 * action query it ignores the rules' action lists: the first rule that
	 * matches address and key decides (knot/updates/acl.c acl_allowed, 3.2.6;
	 * verified: a "deny: on, action: transfer" rule refused signed SOA
	 * queries).  NSD answers every signed query with a known key (allow-query
	 * aside, which mod-nsd applies).  This rule, first in every zone, gives
	 * signed queries NSD's answer and never matches transfer or notify.
	 */
	id = idset_make(c->ids, "nsd-query-tsig");
	if (c->comments) {
		kbuf_puts(&c->acl_out, "  # signed queries: NSD answers every known key\n");
	}
	kbuf_printf(&c->acl_out, "  - id: %s\n    key: [", id);
	for (int i = 0; i < c->n_key_ids; i++) {
		if (i > 0) {
			kbuf_puts(&c->acl_out, ", ");
		}
		kbuf_value(&c->acl_out, c->key_ids[i]);
	}
	kbuf_puts(&c->acl_out, "]\n    action: query\n");
	c->query_rule = knotmap_rule_register(c, id);
}

static struct entry_map *entry_compute(struct knotmap_ctx *c, enum nsdconf_pslot s,
                                       const struct nsdconf_acl *a)
{
	struct entry_map *e = nsdconf_arena_alloc(c->arena, sizeof(*e));
	const struct knotmap_key *key = NULL;
	struct knotmap_net net;
	char text[128];

	if (e == NULL) {
		knotmap_nomem(c);
		return NULL;
	}
	e->rule = -1;
	e->deny = a->key == NSDCONF_ACL_BLOCKED;
	/* knotd tells TLS requests apart from 3.4.1 (acl.protocol); it denies none by
	 * certificate, so a BLOCKED tls-auth entry has no form. */
	if (a->tls_auth != NULL && (e->deny || !knotmap_acl_protocol(c))) {
		e->fit = KNOTMAP_FIT_NONE;
		return e;
	}
	if (a->key == NSDCONF_ACL_KEY) {
		key = knotmap_key_of(c, a);
		if (key == NULL) {     /* an undefined key: a parse error NSD reports */
			e->fit = KNOTMAP_FIT_NONE;
			return e;
		}
	}
	if (a->port > 65535) {
		/* atoi()'s value is kept unchecked; no source port equals it. */
		e->fit = KNOTMAP_FIT_EMPTY;
		return e;
	}
	e->fit = e->deny ? knotmap_net_inner(a, &net) : knotmap_net_cover(a, &net);
	if (a->port != 0) {
		/* Knot has no source-port test: an allow grows, a deny cannot be kept. */
		if (e->deny) {
			e->fit = KNOTMAP_FIT_NONE;
		} else if (e->fit == KNOTMAP_FIT_EXACT) {
			e->fit = KNOTMAP_FIT_WIDER;
		}
	}
	if (e->fit == KNOTMAP_FIT_EMPTY || e->fit == KNOTMAP_FIT_NONE) {
		return e;
	}
	knotmap_net_format(&net, text, sizeof(text));
	e->net = nsdconf_arena_strdup(c->arena, text);
	if (e->net == NULL) {
		knotmap_nomem(c);
		return e;
	}
	if (a->tls_auth != NULL) {
		/* With mod-nsd the gate compares the name as NSD does (gate_tls.c); knotd
		 * 3.5's cert-hostname compares as GnuTLS does and would refuse what NSD
		 * takes, so it is written only where knotd runs alone. */
		e->hostname = c->native ? knotmap_tls_hostname(c, a->tls_auth) : NULL;
		e->rule = rule_add(c, s, false, e->net, key, true, e->hostname, a);
		return e;
	}
	if (!e->deny && s == NSDCONF_P_PROVIDE_XFR && knotmap_xfr_tls_only(c)) {
		/* NSD transfers nothing outside its tls-auth port: knotd's acl at least
		 * keeps plain TCP and UDP out (the port and certificate are mod-nsd's). */
		e->tls_only = true;
		e->rule = rule_add(c, s, false, e->net, key, true, NULL, a);
		return e;
	}
	e->rule = knotmap_rule_add(c, s, e->deny, e->net, e->deny ? NULL : key, a);
	return e;
}

/* NULL when out of memory (c->err set). */
static struct entry_map *entry_map(struct knotmap_ctx *c, enum nsdconf_pslot s,
                                   const struct nsdconf_acl *a)
{
	char content[1024];
	bool created;
	void **slot, **by_ptr;
	int len;

	by_ptr = strmap_ptr_slot(c->by_ptr, 100 + s, a, NULL, &created);
	if (!created) {
		return *by_ptr;
	}
	len = snprintf(content, sizeof(content), "%d|%d|%s|%s|%s", s, a->key,
	               a->key == NSDCONF_ACL_KEY ? a->key_name : "", a->spec,
	               a->tls_auth != NULL ? a->tls_auth : "");
	if (len < 0 || (size_t)len >= sizeof(content)) {
		return *by_ptr = entry_compute(c, s, a);   /* absurdly long: just do the work */
	}
	slot = strmap_slot(c->entries, content, (size_t)len, &created);
	if (created) {
		*slot = entry_compute(c, s, a);
	}
	return *by_ptr = *slot;
}

/* What knotd does with an entry Knot cannot hold exactly: with mod-nsd loaded the
 * module narrows or enforces it; natively (convert without --module) nothing does. */
static void entry_note_inexact(struct knotmap_ctx *c, const char *option,
                               const struct nsdconf_acl *a, const struct entry_map *e)
{
	const char *narrow = c->native ? "knotd alone allows more than NSD" : "mod-nsd narrows it";
	char how[512];

	switch (e->fit) {
	case KNOTMAP_FIT_WIDER:
		if (a->range == NSDCONF_RANGE_MINMAX && a->port == 0) {
			snprintf(how, sizeof(how), "%s allowed as %s: NSD compares ranges in little-endian "
			         "byte order and itself matches addresses outside the range as written; "
			         "this is the tightest form Knot holds; %s", a->spec, e->net, narrow);
		} else {
			snprintf(how, sizeof(how), "%s allowed as %s: the tightest form Knot holds%s; %s",
			         a->spec, e->net, a->port != 0 ? " (any source port)" : "", narrow);
		}
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, true, how);
		return;
	case KNOTMAP_FIT_NARROWER:
		snprintf(how, sizeof(how), "%s denied as %s only: NSD's byte-order range comparison "
		         "blocks more; %s", a->spec, e->net,
		         c->native ? "knotd allows the rest" : "mod-nsd denies the rest");
		knotmap_note(c, a->file, a->line, option,
		             c->native ? NSDCONF_K_APPROX : NSDCONF_K_MODULE, true, how);
		return;
	case KNOTMAP_FIT_NONE:
	default:
		snprintf(how, sizeof(how), "%s BLOCKED has no exact Knot form%s: not denied by knotd; %s",
		         a->spec, a->port != 0 ? " (source port)" : "",
		         c->native ? "dropped, knotd allows what NSD blocks" : "mod-nsd enforces it");
		knotmap_note(c, a->file, a->line, option,
		             c->native ? NSDCONF_K_UNSUPPORTED : NSDCONF_K_MODULE, true, how);
		return;
	}
}

/* A tls-auth entry the target cannot hold. */
static void tls_note_unwritten(struct knotmap_ctx *c, const char *option,
                               const struct nsdconf_acl *a, const struct entry_map *e)
{
	if (!knotmap_has_tls(c)) {
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
		             e->deny ? "tls-auth entry never applies without XoT (Knot 3.4): not written"
		                     : "tls-auth entry needs XoT (Knot 3.4): not written, so not allowed");
	} else if (!e->deny) {
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
		             "tls-auth entry needs acl protocol (knotd 3.4.1): not written, so not allowed");
	} else {
		knotmap_note(c, a->file, a->line, option,
		             c->native ? NSDCONF_K_UNSUPPORTED : NSDCONF_K_MODULE, true,
		             c->native ? "BLOCKED tls-auth entry: knotd denies no certificate; dropped, "
		                         "knotd allows what NSD blocks"
		                       : "BLOCKED tls-auth entry: knotd denies no certificate; mod-nsd "
		                         "enforces it");
	}
}

void knotmap_xfr_only_note(struct knotmap_ctx *c, const char *file, int line)
{
	const char *option = knotmap_gname(NSDCONF_G_TLS_AUTH_XFR_ONLY);
	const char *gate = "mod-nsd refuses a transfer not over TLS to tls-auth-port with a "
	                   "verified client certificate (REFUSED, EDE 18)";
	char how[512];

	if (nsdconf_gnum(c->m, NSDCONF_G_TLS_AUTH_XFR_ONLY) == 0) {
		knotmap_note(c, file, line, option, NSDCONF_K_EXACT, false,
		             "no: transfers follow provide-xfr alone");
	} else if (!c->native) {
		snprintf(how, sizeof(how), "%s%s", gate,
		         knotmap_xfr_tls_only(c) ? "; knotd's acl: protocol: tls on every transfer rule" :
		         knotmap_has_tls(c) ? "" : "; knotd before 3.4 has no TLS, so that is every transfer");
		knotmap_note(c, file, line, option, NSDCONF_K_MODULE, false, how);
	} else if (knotmap_xfr_tls_only(c)) {
		/* knotd's listen-tls addresses are alike and ask for no certificate */
		knotmap_note(c, file, line, option, NSDCONF_K_APPROX, true,
		             "acl protocol: tls on every transfer rule: knotd refuses transfers over "
		             "TCP and UDP, but takes them on every listen-tls address without a "
		             "client certificate; knotd alone allows more than NSD");
	} else {
		knotmap_note(c, file, line, option, NSDCONF_K_UNSUPPORTED, true,
		             knotmap_has_tls(c) ? "knotd 3.4.0 has no acl protocol: it transfers over "
		                                  "TCP to whoever provide-xfr allows"
		                                : "XoT needs Knot 3.4: knotd transfers over TCP to "
		                                  "whoever provide-xfr allows");
	}
}

static void entry_note(struct knotmap_ctx *c, const char *option, const struct nsdconf_acl *a,
                       struct entry_map *e)
{
	char how[512];

	/* Zones that share a pattern share its entries: report each once. */
	if (e->noted == a || c->opts->report == NULL || c->err != 0) {
		return;
	}
	e->noted = a;
	if (a->tls_auth != NULL && e->fit == KNOTMAP_FIT_NONE) {
		tls_note_unwritten(c, option, a, e);
		return;
	}
	if (a->tls_auth != NULL && e->fit == KNOTMAP_FIT_EXACT && !c->native) {
		snprintf(how, sizeof(how), "acl %s, protocol tls; mod-nsd checks the client "
		         "certificate against tls-cert-bundle and tls-auth %s's auth-domain-name, as "
		         "NSD does", c->rule_ids[e->rule], a->tls_auth);
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_MODULE, false, how);
		return;
	}
	if (a->tls_auth != NULL && e->fit == KNOTMAP_FIT_EXACT && e->hostname == NULL) {
		/* knotd 3.4 takes any client certificate, or none */
		snprintf(how, sizeof(how), "acl %s, protocol tls: knotd does not check the client "
		         "certificate against tls-auth %s's auth-domain-name; knotd alone allows "
		         "more than NSD", c->rule_ids[e->rule], a->tls_auth);
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, true, how);
		return;
	}
	if (a->tls_auth != NULL && e->fit == KNOTMAP_FIT_EXACT) {
		/* knotd 3.5 alone: GnuTLS's name check and server.ca-file (system CAs too) */
		snprintf(how, sizeof(how), "acl %s, protocol tls, cert-hostname %s: knotd compares "
		         "the name as GnuTLS does (wildcards; the CN only without DNS names) and "
		         "takes certificates of the system's CAs too; NSD compares it exactly, "
		         "against tls-cert-bundle alone: knotd alone allows more than NSD",
		         c->rule_ids[e->rule], e->hostname);
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, true, how);
		return;
	}
	if (a->key == NSDCONF_ACL_KEY && e->fit == KNOTMAP_FIT_NONE) {
		snprintf(how, sizeof(how), "key %s is not defined: entry not written", a->key_name);
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false, how);
		return;
	}
	switch (e->fit) {
	case KNOTMAP_FIT_EMPTY:
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_EXACT, false,
		             a->port > 65535 ? "port out of range: NSD never matches it; not written"
		                             : "NSD's range comparison matches no address; not written");
		return;
	case KNOTMAP_FIT_EXACT:
		snprintf(how, sizeof(how), "acl %s%s%s%s", c->rule_ids[e->rule],
		         e->hostname != NULL ? ", protocol tls, cert-hostname " : "",
		         e->hostname != NULL ? e->hostname : "",
		         e->tls_only ? ", protocol tls (tls-auth-xfr-only)" : "");
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_EXACT, false, how);
		return;
	default:
		entry_note_inexact(c, option, a, e);
		return;
	}
}

void knotmap_acl_list_add(struct knotmap_ctx *c, struct knotmap_acl_list *l, int rule)
{
	if (rule < 0) {
		return;   /* no rule: the render failed (c->err) */
	}
	/* A rule twice in one list changes nothing but would read oddly. */
	for (int i = 0; i < l->n; i++) {
		if (l->idx[i] == rule) {
			return;
		}
	}
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		int *idx = nsdconf_reallocarray(l->idx, cap, sizeof(*idx));

		if (idx == NULL) {
			knotmap_nomem(c);
			return;
		}
		l->idx = idx;
		l->cap = cap;
	}
	l->idx[l->n++] = rule;
}

static void zone_entries(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                         enum nsdconf_pslot s, bool deny, struct knotmap_acl_list *out)
{
	const char *option = nsdconf_option_slot(NSDCONF_CL_PATTERN, s)->name;

	for (const struct nsdconf_acl *a = nsdconf_pacl(p, s); a != NULL; a = a->next) {
		struct entry_map *e;

		if ((a->key == NSDCONF_ACL_BLOCKED) != deny) {
			continue;
		}
		e = entry_map(c, s, a);
		if (e == NULL) {
			return;
		}
		entry_note(c, option, a, e);
		if (e->rule >= 0) {
			knotmap_acl_list_add(c, out, e->rule);
		}
	}
}

const char *knotmap_acl_zone(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                             struct knotmap_acl_list *out)
{
	const char *queryacl = NULL;

	out->n = 0;
	if (c->native && nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY) != NULL) {
		queryacl = knotmap_query_zone(c, p, out);
	} else if (c->query_rule >= 0) {
		knotmap_acl_list_add(c, out, c->query_rule);
	}
	zone_entries(c, p, NSDCONF_P_PROVIDE_XFR, true, out);
	zone_entries(c, p, NSDCONF_P_ALLOW_NOTIFY, true, out);
	zone_entries(c, p, NSDCONF_P_PROVIDE_XFR, false, out);
	zone_entries(c, p, NSDCONF_P_ALLOW_NOTIFY, false, out);
	return queryacl;
}
