/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate: NSD's acl_check_incoming over compiled, indexed per-zone lists. */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libknot/errcode.h>

#include "conf/arena.h"
#include "conf/dname.h"
#include "conf/hash.h"
#include "mod/gate.h"
#include "mod/gate_index.h"

struct gate_acl {
	struct gate_entry *e;    /* in list order */
	uint32_t n;
	struct gate_index *allow, *blocked;  /* NULL: walked (gate_index.c) */
	/* Entries with a tls-auth name, ascending: walked, never indexed (they are few,
	 * and count only for tls-auth transfers) */
	uint32_t *tls_pos;
	uint32_t n_tls;
	const struct gate_tls_conf *tls;
};

enum { LIST_XFR, LIST_NOTIFY, LIST_QUERY, LISTS };

struct gate_zone {
	const uint8_t *dname;
	size_t dname_len;
	const char *name;
	const struct gate_acl *acl[LISTS];
};

struct gate {
	struct nsdconf_arena *arena;
	struct gate_zone **zone_tab;   /* open addressing by dname */
	size_t zone_mask, n_zones;
	struct gate_key *keys;         /* model order */
	size_t n_keys;
	const struct gate_key **key_tab;  /* one per class, by dname */
	size_t key_mask;
	bool query_acl;
	struct gate_tls_conf tls;
	/* The patterns a consumed catalog's members can get, by name (strcmp order) */
	struct gate_zone *members;
	size_t n_members;
};

/* --- small helpers --- */

static size_t dname_len(const uint8_t *d)
{
	size_t len = 1;

	while (*d != 0) {
		len += *d + 1;
		d += *d + 1;
	}
	return len;
}

/* Domain names compare without case; label lengths (< 64) are below 'A'. */
static void dname_lower(uint8_t *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (d[i] >= 'A' && d[i] <= 'Z') {
			d[i] += 'a' - 'A';
		}
	}
}

/* Keys are found by name in any case: the hash of the lower-case name. */
static uint64_t dname_hash_lower(const uint8_t *d, size_t len)
{
	uint8_t lower[KNOT_DNAME_MAXLEN];

	if (len > sizeof(lower)) {
		len = sizeof(lower);   /* not a name: found nowhere anyway */
	}
	memcpy(lower, d, len);
	dname_lower(lower, len);
	return nsdconf_hash(lower, len, 0);
}

static bool dname_eq_lower(const uint8_t *lower, const uint8_t *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = d[i] >= 'A' && d[i] <= 'Z' ? d[i] + 'a' - 'A' : d[i];
		if (c != lower[i]) {
			return false;
		}
	}
	return true;
}

const char *gate_kind_str(enum gate_kind kind)
{
	switch (kind) {
	case GATE_AXFR:   return "axfr";
	case GATE_IXFR:   return "ixfr";
	case GATE_NOTIFY: return "notify";
	case GATE_QUERY:  return "query";
	default:          return "?";
	}
}

const char *gate_reason_str(enum gate_reason reason)
{
	switch (reason) {
	case GATE_R_MATCH:        return "allowed";
	case GATE_R_NO_MATCH:     return "no acl matches";
	case GATE_R_KEY_MISMATCH: return "no acl matches (key mismatch)";
	case GATE_R_BLOCKED:      return "blocked";
	case GATE_R_TSIG_ERROR:   return "tsig error";
	case GATE_R_TLS_XFR_ONLY: return "tls-auth-xfr-only";
	case GATE_R_TLS_UNVERIFIED: return "client certificate not verified";
	case GATE_R_TLS_NAME:     return "client certificate does not match";
	default:                  return "?";
	}
}

/* --- the request --- */

static bool src_of(const struct sockaddr_storage *ss, struct gate_src *s)
{
	if (ss == NULL) {
		return false;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		s->addr = in6->sin6_addr.s6_addr;
		s->port = ntohs(in6->sin6_port);
		s->ipv6 = true;
		return true;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		s->addr = (const uint8_t *)&in->sin_addr.s_addr;
		s->port = ntohs(in->sin_port);
		s->ipv6 = false;
		return true;
	}
	return false;
}

static struct gate_verdict verdict(bool allow, enum gate_reason reason, int entry)
{
	return (struct gate_verdict){ .allow = allow, .reason = reason, .entry = entry };
}

/* Whether a tls-auth entry counts for r: NSD 4.14.3 skips it unless the request came
 * over its tls-auth port (4.10.1-4.14.2 tested its address anyway: see doc/mod-nsd.md). */
static bool tls_auth_of(const struct gate_acl *l, const struct gate_request *r)
{
	return l->n_tls > 0 && gate_tls_state(l->tls, r->tls) == GATE_TLS_AUTH;
}

/* A tls-auth entry's certificate test; it runs whether or not the entry matched. */
static bool tls_name_denies(const struct gate_entry *e, const struct gate_request *r)
{
	return e->tls_domain != NULL && !gate_tls_name_matches(r->tls, e->tls_domain);
}

struct gate_verdict gate_acl_check_linear(const struct gate_acl *l, const struct gate_request *r)
{
	bool addr_matched = false, tls_auth = tls_auth_of(l, r);
	int first = -1;

	for (uint32_t i = 0; i < l->n; i++) {
		const struct gate_entry *e = &l->e[i];

		if (e->tls_name != NULL && !tls_auth) {
			continue;
		}
		if (r->src != NULL && nsdconf_acl_addr_matches(&e->acl, r->src)) {
			if (!gate_entry_key_ok(e, r)) {
				addr_matched = true;
			} else if (e->acl.key == NSDCONF_ACL_BLOCKED) {
				return verdict(false, GATE_R_BLOCKED, e->index);
			} else if (first < 0) {
				first = (int)i;
			}
		}
		if (e->tls_name != NULL && tls_name_denies(e, r)) {
			return verdict(false, GATE_R_TLS_NAME, e->index);
		}
	}
	if (first >= 0) {
		return verdict(true, GATE_R_MATCH, l->e[first].index);
	}
	return verdict(false, addr_matched ? GATE_R_KEY_MISMATCH : GATE_R_NO_MATCH, -1);
}

struct gate_verdict gate_acl_check(const struct gate_acl *l, const struct gate_request *r)
{
	struct gate_src src;

	if (l->allow == NULL) {
		return gate_acl_check_linear(l, r);
	}
	if (!src_of(r->src, &src)) {
		return verdict(false, GATE_R_NO_MATCH, -1);
	}

	/* The tls-auth entries, walked up to the first whose name test denies (NSD's
	 * walk stops there; a BLOCKED match at or before it still answers first). */
	uint32_t tls_deny = UINT32_MAX, tls_blocked = UINT32_MAX, tls_first = UINT32_MAX;
	bool tls_addr_matched = false;
	if (tls_auth_of(l, r)) {
		for (uint32_t j = 0; j < l->n_tls; j++) {
			const struct gate_entry *e = &l->e[l->tls_pos[j]];
			if (nsdconf_acl_addr_matches(&e->acl, r->src)) {
				if (!gate_entry_key_ok(e, r)) {
					tls_addr_matched = true;
				} else if (e->acl.key == NSDCONF_ACL_BLOCKED) {
					tls_blocked = tls_blocked < l->tls_pos[j] ? tls_blocked : l->tls_pos[j];
				} else if (tls_first == UINT32_MAX) {
					tls_first = l->tls_pos[j];
				}
			}
			if (tls_name_denies(e, r)) {
				tls_deny = l->tls_pos[j];
				break;
			}
		}
	}

	struct gate_index_search s = { .e = l->e, .r = r, .port = src.port, .best = UINT32_MAX };
	gate_index_search(l->blocked, &src, &s);
	uint32_t blocked = s.best < tls_blocked ? s.best : tls_blocked;
	if (blocked != UINT32_MAX && blocked <= tls_deny) {
		return verdict(false, GATE_R_BLOCKED, l->e[blocked].index);
	}
	if (tls_deny != UINT32_MAX) {
		return verdict(false, GATE_R_TLS_NAME, l->e[tls_deny].index);
	}

	s.addr_matched = false;
	s.best = UINT32_MAX;
	gate_index_search(l->allow, &src, &s);
	uint32_t first = s.best < tls_first ? s.best : tls_first;
	if (first != UINT32_MAX) {
		return verdict(true, GATE_R_MATCH, l->e[first].index);
	}
	return verdict(false, s.addr_matched || tls_addr_matched ? GATE_R_KEY_MISMATCH :
	               GATE_R_NO_MATCH, -1);
}

/* --- compiling the model --- */

/*
 * The zone and key tables are open addressing of their own, not conf/index.c: a
 * look-up on the query path compares the name stored in the slot's object itself
 * (the general index goes through an entry array first), and a build that runs out
 * of memory inside knotd must fail softly, with every allocation checked.
 */
struct build {
	struct gate *g;
	const struct nsdconf_model *m;
	unsigned index_min;
	int err;                 /* KNOT_ENOMEM once an allocation failed */
	/* compiled lists by the model's list head: included patterns share lists */
	const struct nsdconf_acl **list_keys;
	const struct gate_acl **list_vals;
	size_t list_mask, n_lists;
};

/* Arena memory the build writes through; on failure b->err is set. */
static void *build_alloc(struct build *b, size_t size)
{
	void *p = nsdconf_arena_alloc(b->g->arena, size);
	if (p == NULL) {
		b->err = KNOT_ENOMEM;
	}
	return p;
}

static const char *build_strdup(struct build *b, const char *str)
{
	char *p = nsdconf_arena_strdup(b->g->arena, str);
	if (p == NULL) {
		b->err = KNOT_ENOMEM;
	}
	return p;
}

static const struct gate_key *key_lookup(const struct gate *g, const uint8_t *dname, size_t len)
{
	if (g->key_tab == NULL) {
		return NULL;
	}
	for (uint64_t h = dname_hash_lower(dname, len);; h++) {
		const struct gate_key *k = g->key_tab[h & g->key_mask];

		if (k == NULL) {
			return NULL;
		}
		if (dname_len(k->dname) == len && dname_eq_lower(k->dname, dname, len)) {
			return k;
		}
	}
}

const struct gate_key *gate_key_find(const struct gate *g, const uint8_t *dname)
{
	return dname == NULL ? NULL : key_lookup(g, dname, dname_len(dname));
}

/* NSD's key table is filled walking the keys in strcmp order of their names and keeps
 * the first of equal domain names. */
static void key_insert(struct gate *g, struct gate_key *k, size_t len)
{
	for (uint64_t h = dname_hash_lower(k->dname, len);; h++) {
		const struct gate_key **slot = &g->key_tab[h & g->key_mask];

		if (*slot == NULL) {
			k->id = (int)(k - g->keys);
			*slot = k;
			return;
		}
		if (dname_len((*slot)->dname) == len &&
		    memcmp((*slot)->dname, k->dname, len) == 0) {
			k->id = (*slot)->id;
			if (strcmp(k->name, (*slot)->name) < 0) {
				*slot = k;
			}
			return;
		}
	}
}

static void key_add(struct build *b, const struct nsdconf_key *mk)
{
	struct gate *g = b->g;
	uint8_t wire[KNOT_DNAME_MAXLEN];
	const char *name = mk->val[NSDCONF_K_NAME].str;
	const char *alg = mk->val[NSDCONF_K_ALGORITHM].str;
	const char *secret = mk->val[NSDCONF_K_SECRET].str;

	if (name == NULL || nsdconf_dname_parse(name, wire) <= 0) {
		return;   /* NSD refuses to start with such a key */
	}
	size_t len = dname_len(wire);
	dname_lower(wire, len);

	struct gate_key *k = &g->keys[g->n_keys];
	uint8_t *d = build_alloc(b, len);
	k->name = build_strdup(b, name);
	k->algorithm = build_strdup(b, alg != NULL ? alg : "");
	k->secret = build_strdup(b, secret != NULL ? secret : "");
	if (b->err != KNOT_EOK) {
		return;
	}
	memcpy(d, wire, len);
	k->dname = d;
	k->alg = nsdconf_tsig_alg_from_name(k->algorithm);
	g->n_keys++;
	key_insert(g, k, len);
}

static void keys_build(struct build *b)
{
	struct gate *g = b->g;
	const struct nsdconf_model *m = b->m;

	g->keys = build_alloc(b, (m->n_keys ? m->n_keys : 1) * sizeof(*g->keys));
	g->key_mask = gate_pow2_at_least(2 * (size_t)m->n_keys) - 1;
	g->key_tab = build_alloc(b, (g->key_mask + 1) * sizeof(*g->key_tab));
	for (int i = 0; i < m->n_keys && b->err == KNOT_EOK; i++) {
		key_add(b, m->keys[i]);
	}
}

static int entry_key_class(struct build *b, const struct nsdconf_acl *a,
                           enum nsdconf_tsig_alg *alg)
{
	const struct nsdconf_key *mk = nsdconf_acl_key(b->m, a);
	uint8_t wire[KNOT_DNAME_MAXLEN];

	*alg = NSDCONF_TSIG_ALG_NONE;
	if (mk == NULL || mk->val[NSDCONF_K_NAME].str == NULL ||
	    nsdconf_dname_parse(mk->val[NSDCONF_K_NAME].str, wire) <= 0) {
		return -1;
	}
	const struct gate_key *k = key_lookup(b->g, wire, dname_len(wire));
	if (k == NULL) {
		return -1;
	}
	*alg = nsdconf_tsig_alg_from_name(mk->val[NSDCONF_K_ALGORITHM].str);
	return k->id;
}

/* Entry x at list position index, as e. */
static void entry_compile(struct build *b, struct gate_entry *e, const struct nsdconf_acl *x,
                          int index)
{
	e->acl = *x;
	e->acl.next = NULL;
	e->acl.spec = build_strdup(b, x->spec ? x->spec : "");
	e->acl.key_name = x->key_name ? build_strdup(b, x->key_name) : NULL;
	e->acl.tls_auth = NULL;
	e->acl.file = NULL;
	e->tls_name = NULL;
	e->tls_domain = NULL;
	if (x->tls_auth != NULL) {
		/* NSD refuses to start when the tls-auth is missing; without an
		 * auth-domain-name it logs and checks no name (acl_check_incoming). */
		const struct nsdconf_tls_auth *t = nsdconf_tls_auth_find(b->m, x->tls_auth);
		const char *domain = t != NULL ? t->val[NSDCONF_T_AUTH_DOMAIN_NAME].str : NULL;
		e->tls_name = build_strdup(b, x->tls_auth);
		e->tls_domain = domain != NULL ? build_strdup(b, domain) : NULL;
	}
	e->index = index;
	e->key = -1;
	e->alg = NSDCONF_TSIG_ALG_NONE;
	if (x->key == NSDCONF_ACL_KEY) {
		e->key = entry_key_class(b, x, &e->alg);
	}

	const char *k = x->key == NSDCONF_ACL_NOKEY ? "NOKEY" :
	                x->key == NSDCONF_ACL_BLOCKED ? "BLOCKED" :
	                (x->key_name ? x->key_name : "?");
	const char *tls = x->tls_auth != NULL ? x->tls_auth : "";
	size_t len = strlen(x->spec ? x->spec : "") + strlen(k) + strlen(tls) + 3;
	char *text = build_alloc(b, len);
	if (text != NULL) {
		snprintf(text, len, "%s %s%s%s", x->spec ? x->spec : "", k, tls[0] ? " " : "", tls);
	}
	e->text = text;
}

/* The list's index: one of the allowing entries, one of the BLOCKED ones. */
static void acl_index(struct build *b, struct gate_acl *l)
{
	uint32_t *pos[2], np[2] = { 0, 0 };

	pos[0] = malloc(l->n * sizeof(uint32_t));
	pos[1] = malloc(l->n * sizeof(uint32_t));
	if (pos[0] == NULL || pos[1] == NULL) {
		b->err = KNOT_ENOMEM;
	}
	for (uint32_t i = 0; i < l->n && b->err == KNOT_EOK; i++) {
		int blocked = l->e[i].acl.key == NSDCONF_ACL_BLOCKED;
		if (l->e[i].tls_name == NULL) {
			pos[blocked][np[blocked]++] = i;
		}
	}
	if (b->err == KNOT_EOK) {
		b->err = gate_index_build(b->g->arena, l->e, pos[0], np[0], &l->allow);
	}
	if (b->err == KNOT_EOK) {
		b->err = gate_index_build(b->g->arena, l->e, pos[1], np[1], &l->blocked);
	}
	free(pos[0]);
	free(pos[1]);
}

static const struct gate_acl *acl_compile(struct build *b, const struct nsdconf_acl *head)
{
	struct gate_acl *l = build_alloc(b, sizeof(*l));
	uint32_t n = 0;

	for (const struct nsdconf_acl *x = head; x != NULL; x = x->next) {
		n++;
	}
	if (l != NULL) {
		l->e = build_alloc(b, (n ? n : 1) * sizeof(*l->e));
	}
	if (b->err != KNOT_EOK) {
		return NULL;
	}

	int index = 0;
	for (const struct nsdconf_acl *x = head; x != NULL; x = x->next, index++) {
		entry_compile(b, &l->e[l->n++], x, index);
		if (x->tls_auth != NULL) {
			l->n_tls++;
		}
	}
	l->tls = &b->g->tls;
	if (b->err == KNOT_EOK && l->n_tls > 0) {
		uint32_t *pos = build_alloc(b, l->n_tls * sizeof(*pos)), j = 0;
		for (uint32_t i = 0; pos != NULL && i < l->n; i++) {
			if (l->e[i].tls_name != NULL) {
				pos[j++] = i;
			}
		}
		l->tls_pos = pos;
	}
	if (b->err == KNOT_EOK && l->n >= b->index_min) {
		acl_index(b, l);
	}
	return b->err == KNOT_EOK ? l : NULL;
}

static uint64_t ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Room for one more compiled list in the table by list head. */
static int lists_grow(struct build *b)
{
	if (2 * (b->n_lists + 1) <= b->list_mask + 1) {
		return KNOT_EOK;
	}
	size_t size = gate_pow2_at_least(4 * (b->n_lists + 1));
	const struct nsdconf_acl **keys = calloc(size, sizeof(*keys));
	const struct gate_acl **vals = calloc(size, sizeof(*vals));
	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; b->list_keys != NULL && i <= b->list_mask; i++) {
		if (b->list_keys[i] == NULL) {
			continue;
		}
		for (uint64_t h = ptr_hash(b->list_keys[i]);; h++) {
			if (keys[h & (size - 1)] == NULL) {
				keys[h & (size - 1)] = b->list_keys[i];
				vals[h & (size - 1)] = b->list_vals[i];
				break;
			}
		}
	}
	free(b->list_keys);
	free(b->list_vals);
	b->list_keys = keys;
	b->list_vals = vals;
	b->list_mask = size - 1;
	return KNOT_EOK;
}

/* The compiled list of a model list; NULL for an empty one (or on failure, b->err). */
static const struct gate_acl *acl_get(struct build *b, const struct nsdconf_acl *head)
{
	if (head == NULL || b->err != KNOT_EOK) {
		return NULL;
	}
	b->err = lists_grow(b);
	if (b->err != KNOT_EOK) {
		return NULL;
	}
	for (uint64_t h = ptr_hash(head);; h++) {
		size_t i = h & b->list_mask;

		if (b->list_keys[i] == head) {
			return b->list_vals[i];
		}
		if (b->list_keys[i] == NULL) {
			b->list_keys[i] = head;
			b->list_vals[i] = acl_compile(b, head);
			b->n_lists++;
			return b->list_vals[i];
		}
	}
}

static uint64_t zone_hash(const uint8_t *dname, size_t len)
{
	return nsdconf_hash(dname, len, 0);
}

static void zone_insert(struct gate *g, struct gate_zone *z)
{
	for (uint64_t h = zone_hash(z->dname, z->dname_len);; h++) {
		struct gate_zone **slot = &g->zone_tab[h & g->zone_mask];

		if (*slot == NULL) {
			*slot = z;
			g->n_zones++;
			return;
		}
		if ((*slot)->dname_len == z->dname_len &&
		    memcmp((*slot)->dname, z->dname, z->dname_len) == 0) {
			return;   /* NSD keeps the first zone of a name */
		}
	}
}

/* The three lists of pattern p into z. */
static void zone_lists(struct build *b, struct gate_zone *z, const struct nsdconf_pattern *p)
{
	z->acl[LIST_XFR] = acl_get(b, nsdconf_pacl(p, NSDCONF_P_PROVIDE_XFR));
	z->acl[LIST_NOTIFY] = acl_get(b, nsdconf_pacl(p, NSDCONF_P_ALLOW_NOTIFY));
	z->acl[LIST_QUERY] = acl_get(b, nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY));
	if (b->err == KNOT_EOK && z->acl[LIST_QUERY] != NULL) {
		b->g->query_acl = true;
	}
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct gate_zone *)a)->name, ((const struct gate_zone *)b)->name);
}

/* NSD's catalog members get the lists of the pattern knotd's template names
 * (knotmap_catalog.c renders one template per such pattern). Only for the one
 * consumer NSD processes. */
static void members_build(struct build *b)
{
	const struct nsdconf_model *m = b->m;
	struct gate *g = b->g;
	size_t n = 0;

	if (nsdconf_catalog_consumer(m, NULL) == NULL) {
		return;
	}
	for (int i = 0; i < m->n_patterns; i++) {
		n += nsdconf_pattern_member_capable(m->patterns[i]);
	}
	g->members = build_alloc(b, (n + 1) * sizeof(*g->members));
	for (int i = 0; i < m->n_patterns && b->err == KNOT_EOK; i++) {
		const struct nsdconf_pattern *p = m->patterns[i];
		if (!nsdconf_pattern_member_capable(p)) {
			continue;
		}
		struct gate_zone *z = &g->members[g->n_members];
		memset(z, 0, sizeof(*z));
		z->name = build_strdup(b, p->name);
		zone_lists(b, z, p);
		g->n_members++;
	}
	if (b->err == KNOT_EOK) {
		qsort(g->members, g->n_members, sizeof(*g->members), cmp_member);
	}
}

static void zone_add(struct build *b, const struct nsdconf_zone *mz)
{
	struct gate *g = b->g;
	if (mz->dname == NULL || mz->pattern == NULL) {
		return;
	}

	size_t len = dname_len(mz->dname);
	struct gate_zone *z = build_alloc(b, sizeof(*z));
	uint8_t *d = build_alloc(b, len);
	const char *name = build_strdup(b, mz->name ? mz->name : "");
	if (b->err != KNOT_EOK) {
		return;
	}
	memcpy(d, mz->dname, len);
	dname_lower(d, len);
	z->dname = d;
	z->dname_len = len;
	z->name = name;
	zone_lists(b, z, mz->pattern);
	if (b->err != KNOT_EOK) {
		return;
	}
	zone_insert(g, z);
}

struct gate *gate_build(const struct nsdconf_model *m, const struct gate_build_opts *o)
{
	struct gate *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		return NULL;
	}
	g->arena = nsdconf_arena_new();
	if (g->arena == NULL) {
		free(g);
		return NULL;
	}

	struct build b = {
		.g = g,
		.m = m,
		.index_min = o != NULL && o->index_min > 0 ? o->index_min : GATE_INDEX_MIN_DEFAULT,
	};
	char cwd_buf[PATH_MAX];
	const char *cwd = o != NULL ? o->cwd : NULL;
	if (cwd == NULL) {
		/* knotd's start directory is NSD's (doc/mod-nsd.md "config") */
		cwd = getcwd(cwd_buf, sizeof(cwd_buf));
	}
	b.err = gate_tls_conf_init(&g->tls, m, cwd, g->arena);
	keys_build(&b);
	g->zone_mask = gate_pow2_at_least(2 * (size_t)m->n_zones) - 1;
	g->zone_tab = build_alloc(&b, (g->zone_mask + 1) * sizeof(*g->zone_tab));
	for (int i = 0; i < m->n_zones && b.err == KNOT_EOK; i++) {
		zone_add(&b, m->zones[i]);
	}
	if (b.err == KNOT_EOK) {
		members_build(&b);
	}
	free(b.list_keys);
	free(b.list_vals);
	if (b.err != KNOT_EOK) {
		gate_free(g);
		return NULL;
	}
	return g;
}

void gate_free(struct gate *g)
{
	if (g == NULL) {
		return;
	}
	gate_tls_conf_clear(&g->tls);
	nsdconf_arena_free(g->arena);
	free(g);
}

/* --- queries --- */

size_t gate_zone_count(const struct gate *g)
{
	return g->n_zones;
}

bool gate_has_query_acl(const struct gate *g)
{
	return g->query_acl;
}

const struct gate_zone *gate_zone_find(const struct gate *g, const uint8_t *dname)
{
	if (dname == NULL) {
		return NULL;
	}
	size_t len = dname_len(dname);
	for (uint64_t h = zone_hash(dname, len);; h++) {
		const struct gate_zone *z = g->zone_tab[h & g->zone_mask];

		if (z == NULL) {
			return NULL;
		}
		if (z->dname_len == len && memcmp(z->dname, dname, len) == 0) {
			return z;
		}
	}
}

bool gate_has_members(const struct gate *g)
{
	return g->n_members > 0;
}

const struct gate_zone *gate_member_pattern(const struct gate *g, const char *name, size_t len)
{
	size_t lo = 0, hi = g->n_members;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *mn = g->members[mid].name;
		int c = strncmp(mn, name, len);
		if (c == 0 && mn[len] != '\0') {
			c = 1;   /* longer: after */
		}
		if (c == 0) {
			return &g->members[mid];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

const char *gate_zone_name(const struct gate_zone *z)
{
	return z->name;
}

bool gate_zone_has_query_acl(const struct gate_zone *z)
{
	return z->acl[LIST_QUERY] != NULL;
}

static int list_of(enum gate_kind kind)
{
	switch (kind) {
	case GATE_NOTIFY: return LIST_NOTIFY;
	case GATE_QUERY:  return LIST_QUERY;
	default:          return LIST_XFR;
	}
}

const struct gate_acl *gate_zone_acl(const struct gate_zone *z, enum gate_kind kind)
{
	return z->acl[list_of(kind)];
}

const struct gate_tls_conf *gate_tls(const struct gate *g)
{
	return &g->tls;
}

struct gate_verdict gate_tls_admit(const struct gate *g, struct gate_tls_peer *p)
{
	/* UNVERIFIED only with a bundle: without one NSD asks for no certificate. */
	if (gate_tls_state(&g->tls, p) == GATE_TLS_UNVERIFIED) {
		return verdict(false, GATE_R_TLS_UNVERIFIED, -1);
	}
	return verdict(true, GATE_R_MATCH, -1);
}

struct gate_verdict gate_xfr_admit(const struct gate *g, const struct gate_request *r)
{
	if (!g->tls.xfr_only) {
		return verdict(true, GATE_R_MATCH, -1);
	}
	switch (gate_tls_state(&g->tls, r->tls)) {
	case GATE_TLS_AUTH:
		return verdict(true, GATE_R_MATCH, -1);
	case GATE_TLS_UNVERIFIED:
		return verdict(false, GATE_R_TLS_UNVERIFIED, -1);
	default:
		return verdict(false, GATE_R_TLS_XFR_ONLY, -1);
	}
}

struct gate_verdict gate_check(const struct gate_zone *z, enum gate_kind kind,
                               const struct gate_request *r)
{
	const struct gate_acl *l = z->acl[list_of(kind)];

	/* NSD ends the handshake on its tls-auth port without a client certificate that
	 * verifies, so not even a plain NOKEY entry lets such a client in. The glue asked
	 * gate_tls_admit() already; asked again so that gate_check() alone is never
	 * more lenient (the state is memoized in r->tls: no second verification). A NULL
	 * list denies transfers and NOTIFY anyway. */
	if (l != NULL && kind != GATE_QUERY && r->tls != NULL &&
	    gate_tls_state(l->tls, r->tls) == GATE_TLS_UNVERIFIED) {
		return verdict(false, GATE_R_TLS_UNVERIFIED, -1);
	}

	if (l == NULL) {
		/* NSD: no allow-query lets everybody query; no provide-xfr or
		 * allow-notify lets nobody transfer or notify. */
		if (kind == GATE_QUERY) {
			return verdict(true, GATE_R_MATCH, -1);
		}
		return verdict(false, GATE_R_NO_MATCH, -1);
	}
	return gate_acl_check(l, r);
}

size_t gate_key_count(const struct gate *g)
{
	return g->n_keys;
}

const struct gate_key *gate_key_at(const struct gate *g, size_t i)
{
	return i < g->n_keys ? &g->keys[i] : NULL;
}

bool gate_acl_indexed(const struct gate_acl *l)
{
	return l->allow != NULL;
}

size_t gate_acl_size(const struct gate_acl *l)
{
	return l->n;
}

void gate_acl_entry_tls(const struct gate_acl *l, int i, const char **name,
                        const char **domain)
{
	/* every entry is compiled: position i is e[i] */
	const struct gate_entry *e = l != NULL && i >= 0 && (uint32_t)i < l->n ? &l->e[i] : NULL;

	*name = e != NULL && e->tls_name != NULL ? e->tls_name : "?";
	*domain = e != NULL && e->tls_domain != NULL ? e->tls_domain : "?";
}

const char *gate_acl_entry_text(const struct gate_acl *l, int i)
{
	/* Find the entry by its index (ascending). */
	uint32_t lo = 0, hi = l != NULL ? l->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->e[mid].index < i) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return l != NULL && lo < l->n && l->e[lo].index == i ? l->e[lo].text : "";
}
