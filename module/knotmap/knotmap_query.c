/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of allow-query without mod-nsd: acl rules for signed queries, mod-queryacl for the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/arena.h"
#include "conf/mem.h"
#include "knotmap/knotmap_int.h"

/*
 * NSD (allow-query set): a matching BLOCKED entry refuses; otherwise the first
 * entry matching address and key answers; NOKEY entries match unsigned queries
 * only, key entries queries signed with that key; nothing matched: REFUSED.
 *
 * knotd 3.2 has two places for this, neither complete:
 *  - the zone acl, which knotd consults for *signed* queries only, and then
 *    ignores the rules' actions (the first rule matching address and key
 *    decides).  So: BLOCKED entries as keyless deny rules, key entries as allow
 *    rules, then one deny rule for every other signed query; action: query keeps
 *    them out of transfer and notify decisions;
 *  - mod-queryacl, which sees every ordinary query but neither keys nor deny
 *    rules: its address list must be (NOKEY and key entries) minus BLOCKED, so a
 *    key entry also lets unsigned queries from its addresses through.
 * Both answer NOTAUTH where NSD answers REFUSED.
 */

/* Address sets as sorted, disjoint intervals (IPv4 before IPv6). */
struct span {
	bool v6;
	unsigned __int128 lo, hi;
};

struct spans {
	struct span *v;
	int n, cap;
	bool oom;
};

static unsigned __int128 bytes_u128(const uint8_t *b, int n)
{
	unsigned __int128 v = 0;

	for (int i = 0; i < n; i++) {
		v = v << 8 | b[i];
	}
	return v;
}

static void u128_bytes(unsigned __int128 v, uint8_t *b, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8) {
		b[i] = (uint8_t)v;
	}
}

static void spans_push(struct spans *s, struct span sp)
{
	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 8;
		struct span *v = nsdconf_reallocarray(s->v, cap, sizeof(*v));

		if (v == NULL) {
			s->oom = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = sp;
}

static void spans_add_net(struct spans *s, const struct knotmap_net *net)
{
	int n = net->ipv6 ? 16 : 4;

	spans_push(s, (struct span){ net->ipv6, bytes_u128(net->lo, n), bytes_u128(net->hi, n) });
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->v6 != y->v6) {
		return x->v6 ? 1 : -1;
	}
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorted, overlapping and adjacent intervals merged. */
static void spans_normalise(struct spans *s)
{
	int out = 0;

	if (s->n == 0) {
		return;
	}
	qsort(s->v, s->n, sizeof(*s->v), span_cmp);
	for (int i = 0; i < s->n; i++) {
		struct span *last = out > 0 ? &s->v[out - 1] : NULL;

		if (last != NULL && last->v6 == s->v[i].v6 &&
		    (s->v[i].lo <= last->hi || s->v[i].lo - 1 == last->hi)) {
			if (s->v[i].hi > last->hi) {
				last->hi = s->v[i].hi;
			}
			continue;
		}
		s->v[out++] = s->v[i];
	}
	s->n = out;
}

/* a without b (both normalised); the result is normalised. */
static void spans_subtract(struct spans *a, const struct spans *b)
{
	struct spans r = { 0 };

	for (int i = 0; i < a->n; i++) {
		struct span cur = a->v[i];
		bool left = true;

		for (int j = 0; j < b->n && left; j++) {
			const struct span *d = &b->v[j];

			if (d->v6 != cur.v6 || d->hi < cur.lo || d->lo > cur.hi) {
				continue;
			}
			if (d->lo > cur.lo) {
				spans_push(&r, (struct span){ cur.v6, cur.lo, d->lo - 1 });
			}
			if (d->hi >= cur.hi) {
				left = false;
			} else {
				cur.lo = d->hi + 1;
			}
		}
		if (left) {
			spans_push(&r, cur);
		}
	}
	free(a->v);
	a->oom |= r.oom;
	a->v = r.v;
	a->n = r.n;
	a->cap = r.cap;
}

/* Every address of a is in b (b normalised, a single interval). */
static bool span_within(const struct span *a, const struct spans *b)
{
	for (int j = 0; j < b->n; j++) {
		if (b->v[j].v6 == a->v6 && b->v[j].lo <= a->lo && a->hi <= b->v[j].hi) {
			return true;
		}
	}
	return false;
}

static void list_item(struct kbuf *list, const char *text)
{
	kbuf_puts(list, list->b.len > 1 ? ", " : "");
	kbuf_puts(list, text);
}

/* One interval of the list: as is for IPv6 (knotd compares IPv6 range ends in address
 * order); for IPv4, whose range ends knotd compares byte-swapped, as prefixes. */
static void span_emit(const struct span *sp, struct kbuf *list)
{
	struct knotmap_net net = { .ipv6 = sp->v6 };
	unsigned __int128 lo = sp->lo;
	char text[128];

	if (sp->v6) {
		u128_bytes(sp->lo, net.lo, 16);
		u128_bytes(sp->hi, net.hi, 16);
		knotmap_net_format(&net, text, sizeof(text));
		list_item(list, text);
		return;
	}
	while (lo <= sp->hi) {
		int bits = 0;

		/* The largest aligned block from lo that stays inside. */
		while (bits < 32 && (lo & (((unsigned __int128)2 << bits) - 1)) == 0 &&
		       lo + ((unsigned __int128)2 << bits) - 1 <= sp->hi) {
			bits++;
		}
		u128_bytes(lo, net.lo, 4);
		u128_bytes(lo + ((unsigned __int128)1 << bits) - 1, net.hi, 4);
		knotmap_net_format(&net, text, sizeof(text));
		list_item(list, text);
		lo += (unsigned __int128)1 << bits;
	}
}

/* An IPv4 a-b range knotd reads as NSD does: it cannot join the interval arithmetic. */
static bool literal_range(const struct knotmap_net *net)
{
	return net->literal && memcmp(net->lo, net->hi, 4) != 0;
}

/* What one allow-query entry became. */
struct qentry {
	const struct nsdconf_acl *a;
	enum knotmap_fit fit;
	struct knotmap_net net;
	bool has_net;
};

static void qentry_compute(const struct nsdconf_acl *a, struct qentry *q)
{
	bool deny = a->key == NSDCONF_ACL_BLOCKED;

	q->a = a;
	q->has_net = false;
	if (a->port > 65535) {
		q->fit = KNOTMAP_FIT_EMPTY;   /* NSD matches no source port then */
		return;
	}
	q->fit = deny ? knotmap_net_inner(a, &q->net) : knotmap_net_cover(a, &q->net);
	if (a->port != 0) {
		q->fit = deny ? KNOTMAP_FIT_NONE : q->fit == KNOTMAP_FIT_EXACT ? KNOTMAP_FIT_WIDER : q->fit;
	}
	q->has_net = q->fit != KNOTMAP_FIT_EMPTY && q->fit != KNOTMAP_FIT_NONE;
}

/* The mod-queryacl section for this address list, shared by zones with the same. */
static const char *queryacl_id(struct knotmap_ctx *c, const struct spans *allowed,
                               const struct kbuf *ranges, const struct nsdconf_acl *first)
{
	struct kbuf list = { 0 };
	char idtext[32];
	bool created;
	void **slot;
	const char *id;

	kbuf_puts(&list, "[");
	for (int i = 0; i < allowed->n; i++) {
		span_emit(&allowed->v[i], &list);
	}
	if (ranges->b.len > 0) {
		list_item(&list, ranges->b.data);
	}
	/* An empty list would let everything through: name an address no query comes from. */
	if (list.b.len == 1) {
		kbuf_puts(&list, "255.255.255.255");
	}
	kbuf_puts(&list, "]");
	if (list.oom || ranges->oom) {
		knotmap_buf_free(&list.b);
		knotmap_nomem(c);
		return NULL;
	}
	slot = strmap_slot(c->queryacls, list.b.data, list.b.len, &created);
	if (created) {
		snprintf(idtext, sizeof(idtext), "nsd-q%d", ++c->n_queryacls);
		id = idset_make(c->ids, idtext);
		*slot = (void *)id;
		knotmap_comment(c, &c->module_out, "  ", knotmap_pname(NSDCONF_P_ALLOW_QUERY), first->file, first->line);
		kbuf_printf(&c->module_out, "  - id: %s\n    address: %s\n", id, list.b.data);
	}
	knotmap_buf_free(&list.b);
	return *slot;
}

static void qentry_note(struct knotmap_ctx *c, const struct qentry *q, const char *qid,
                        const char *wider)
{
	const struct nsdconf_acl *a = q->a;
	char net[128] = "", how[512];

	if (q->has_net) {
		knotmap_net_format(&q->net, net, sizeof(net));
	}
	switch (q->fit) {
	case KNOTMAP_FIT_EMPTY:
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_EXACT, false,
		             "NSD matches no address with it; not written");
		return;
	case KNOTMAP_FIT_WIDER:
		snprintf(how, sizeof(how), "%s allowed as %s: the tightest form Knot holds%s; knotd "
		         "alone answers more than NSD", a->spec, net, a->port ? " (any source port)" : "");
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_APPROX, true, how);
		return;
	case KNOTMAP_FIT_NARROWER:
		snprintf(how, sizeof(how), "%s BLOCKED denied as %s only: NSD's byte-order range "
		         "comparison blocks more; knotd answers the rest", a->spec, net);
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_APPROX, true, how);
		return;
	case KNOTMAP_FIT_NONE:
		snprintf(how, sizeof(how), "%s BLOCKED has no exact Knot form%s: dropped, knotd "
		         "answers what NSD blocks", a->spec, a->port ? " (source port)" : "");
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_UNSUPPORTED, true, how);
		return;
	default:
		break;
	}
	if (wider != NULL) {
		snprintf(how, sizeof(how), "mod-queryacl %s %s", qid, wider);
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_APPROX, true, how);
		return;
	}
	snprintf(how, sizeof(how), "mod-queryacl %s (unsigned) and acl (signed): the same "
	         "addresses; refused queries get NOTAUTH where NSD answers REFUSED", qid);
	knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_APPROX, false, how);
}

/* Why mod-queryacl answers unsigned queries NSD refuses because of this entry, or NULL
 * (also when out of memory: c->err set). */
static const char *qentry_wider(struct knotmap_ctx *c, const struct qentry *q,
                                const struct spans *blocked, const struct spans *nokey,
                                bool any_blocked, bool cut_ranges)
{
	struct spans one = { 0 };
	bool wider = false;

	if (!q->has_net) {
		return NULL;
	}
	if (q->a->key == NSDCONF_ACL_BLOCKED) {
		return literal_range(&q->net) ? "cannot cut an IPv4 range out of its list: "
		                                "unsigned queries from it are answered" : NULL;
	}
	if (literal_range(&q->net)) {
		return q->a->key == NSDCONF_ACL_KEY ?
		       "cannot tell signed from unsigned queries: unsigned queries from this "
		       "range are answered too" :
		       any_blocked ? "cannot cut BLOCKED addresses out of an IPv4 range: unsigned "
		                     "queries from them are answered" : NULL;
	}
	if (!cut_ranges && q->a->key == NSDCONF_ACL_NOKEY) {
		return "lists addresses an IPv4 range entry BLOCKED: unsigned queries from them "
		       "are answered";
	}
	if (q->a->key != NSDCONF_ACL_KEY) {
		return NULL;
	}
	/* Does this key entry add unsigned addresses NSD would refuse? */
	spans_add_net(&one, &q->net);
	spans_subtract(&one, blocked);
	if (one.oom) {
		knotmap_nomem(c);
	}
	for (int j = 0; j < one.n && !wider; j++) {
		wider = !span_within(&one.v[j], nokey);
	}
	free(one.v);
	return wider ? "cannot tell signed from unsigned queries: unsigned queries from its "
	               "addresses are answered too" : NULL;
}

/* The rule refusing signed queries no key entry allowed: every key, any address. */
static int query_deny_rule(struct knotmap_ctx *c)
{
	const char *id;

	if (c->query_deny_rule >= 0 || c->n_key_ids == 0) {
		return c->query_deny_rule;
	}
	id = idset_make(c->ids, "nsd-query-tsig-deny");
	if (c->comments) {
		kbuf_puts(&c->acl_out, "  # allow-query: signed queries no key entry allows\n");
	}
	kbuf_printf(&c->acl_out, "  - id: %s\n    key: [", id);
	for (int i = 0; i < c->n_key_ids; i++) {
		if (i > 0) {
			kbuf_puts(&c->acl_out, ", ");
		}
		kbuf_value(&c->acl_out, c->key_ids[i]);
	}
	kbuf_puts(&c->acl_out, "]\n    action: query\n    deny: on\n");
	c->query_deny_rule = knotmap_rule_register(c, id);
	return c->query_deny_rule;
}

/* What a list became: zones share their pattern's list (the same entries, by address). */
struct qlist {
	const char *qid;
	int n;
	int rules[];
};

static const char *query_zone(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                              struct knotmap_acl_list *out);

const char *knotmap_query_zone(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                               struct knotmap_acl_list *out)
{
	const struct nsdconf_acl *head = nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY);
	struct qlist *ql = *strmap_ptr_slot(c->by_ptr, NSDCONF_P_ALLOW_QUERY, head, NULL, NULL);
	int first = out->n;
	const char *qid;

	if (ql != NULL) {
		for (int i = 0; i < ql->n; i++) {
			knotmap_acl_list_add(c, out, ql->rules[i]);
		}
		return ql->qid;
	}
	qid = query_zone(c, p, out);
	if (c->err != 0) {
		return NULL;
	}
	ql = nsdconf_arena_alloc(c->arena, sizeof(*ql) + (out->n - first) * sizeof(int));
	if (ql == NULL) {
		knotmap_nomem(c);
		return NULL;
	}
	ql->qid = qid;
	ql->n = out->n - first;
	if (ql->n > 0) {
		memcpy(ql->rules, out->idx + first, ql->n * sizeof(int));
	}
	/* query_zone() may have grown the map: look the slot up again. */
	*strmap_ptr_slot(c->by_ptr, NSDCONF_P_ALLOW_QUERY, head, NULL, NULL) = ql;
	return qid;
}

static const char *query_zone(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                              struct knotmap_acl_list *out)
{
	struct spans allowed = { 0 }, nokey = { 0 }, blocked = { 0 };
	struct kbuf ranges = { 0 };
	bool any_blocked = false, cut_ranges = true;
	struct qentry *qs;
	const char *qid;
	int n = 0, i;

	for (const struct nsdconf_acl *a = nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY); a; a = a->next) {
		n++;
	}
	qs = nsdconf_calloc(n, sizeof(*qs));
	if (qs == NULL) {
		knotmap_nomem(c);
		return NULL;
	}
	i = 0;
	for (const struct nsdconf_acl *a = nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY); a; a = a->next) {
		qentry_compute(a, &qs[i++]);
	}

	/* Signed queries: BLOCKED first, then key entries in order, then refuse. */
	for (i = 0; i < n; i++) {
		char net[128];

		if (qs[i].a->key != NSDCONF_ACL_BLOCKED || !qs[i].has_net) {
			continue;
		}
		knotmap_net_format(&qs[i].net, net, sizeof(net));
		knotmap_acl_list_add(c, out, knotmap_rule_add(c, NSDCONF_P_ALLOW_QUERY, true, net,
		                                              NULL, qs[i].a));
		if (literal_range(&qs[i].net)) {
			cut_ranges = false;   /* cannot be cut out of the unsigned list */
		} else {
			spans_add_net(&blocked, &qs[i].net);
		}
		any_blocked = true;
	}
	for (i = 0; i < n; i++) {
		const struct knotmap_key *key;
		char net[128];

		if (qs[i].a->key == NSDCONF_ACL_BLOCKED || !qs[i].has_net) {
			continue;
		}
		knotmap_net_format(&qs[i].net, net, sizeof(net));
		if (literal_range(&qs[i].net)) {
			list_item(&ranges, net);
		} else {
			spans_add_net(&allowed, &qs[i].net);
			if (qs[i].a->key == NSDCONF_ACL_NOKEY) {
				spans_add_net(&nokey, &qs[i].net);
			}
		}
		if (qs[i].a->key == NSDCONF_ACL_NOKEY) {
			continue;
		}
		key = knotmap_key_of(c, qs[i].a);
		if (key == NULL) {
			continue;   /* an undefined key: a parse error NSD reports */
		}
		knotmap_acl_list_add(c, out, knotmap_rule_add(c, NSDCONF_P_ALLOW_QUERY, false, net,
		                                              key, qs[i].a));
	}
	if (query_deny_rule(c) >= 0) {
		knotmap_acl_list_add(c, out, c->query_deny_rule);
	}

	/* Unsigned queries: every allowed address except the BLOCKED ones. */
	spans_normalise(&blocked);
	spans_normalise(&allowed);
	spans_normalise(&nokey);
	spans_subtract(&allowed, &blocked);
	spans_subtract(&nokey, &blocked);
	qid = allowed.oom || nokey.oom || blocked.oom ? NULL :
	      queryacl_id(c, &allowed, &ranges, nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY));
	if (qid == NULL) {
		knotmap_nomem(c);
	}

	for (i = 0; c->err == 0 && c->opts->report != NULL && i < n; i++) {
		const char *wider = qentry_wider(c, &qs[i], &blocked, &nokey, any_blocked,
		                                 cut_ranges);

		if (c->err == 0) {
			qentry_note(c, &qs[i], qid, wider);
		}
	}
	knotmap_buf_free(&ranges.b);
	free(qs);
	free(allowed.v);
	free(nokey.v);
	free(blocked.v);
	return qid;
}
