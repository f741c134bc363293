/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate: NSD's acl_check_incoming over compiled, indexed per-zone lists. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/arena.h"
#include "conf/dname.h"
#include "mod/gate.h"

typedef unsigned __int128 u128;

/* One entry of a list, with what the key test needs resolved at build time. */
struct gate_entry {
	struct nsdconf_acl acl;  /* a copy: the address test is nsdconf_acl_addr_matches */
	const char *text;        /* "spec KEY" for logs */
	int index;               /* position in the list as written (NSD's acl number) */
	int key;                 /* NSDCONF_ACL_KEY: key class; -1 for an undefined key */
	enum nsdconf_tsig_alg alg;       /* NSDCONF_ACL_KEY: the key's configured algorithm */
};

/*
 * The index of a long list.  An entry matches when its address form, its port
 * and its key match; the address form is what is indexed:
 *  - single, addr/len and addr&mask are all "x & mask == addr & mask" (a single
 *    address has an all-ones mask): one hash table keyed by (mask group, masked
 *    address); a look-up masks the source once per distinct mask (at most 33 for
 *    IPv4 and 129 for IPv6 prefixes, plus any non-contiguous masks);
 *  - low-high ranges are intervals in NSD's own order (conf/acl.c: 32-bit words
 *    read little-endian): a segment tree over the interval ends, each node holding
 *    the ranges covering it; a look-up walks one leaf-to-root path.
 * Every candidate list is in list order, so the first candidate that passes the
 * port and key tests is that structure's first match; the answer is the least
 * of them.  BLOCKED entries have their own index: any match denies.
 */
struct slot {
	uint8_t addr[16];        /* masked address */
	uint32_t group;          /* mask group + 1; 0: free slot */
	uint32_t start, count;   /* candidates: ids[start .. start + count) */
};

struct group {
	uint8_t mask[16];
	bool ipv6;
};

struct range_tree {
	u128 *points;            /* sorted starts of the elementary intervals */
	uint32_t n_points;
	uint32_t size;           /* leaves, a power of two */
	uint32_t *start;         /* node n's candidates: ids[start[n] .. start[n + 1]) */
	uint32_t *ids;
};

struct acl_index {
	struct group *groups;
	uint32_t n_groups;
	struct slot *slots;
	uint32_t slot_mask;
	uint32_t *ids;           /* entry positions in gate_acl.e */
	struct range_tree ranges[2];  /* IPv4, IPv6 */
};

struct gate_acl {
	struct gate_entry *e;    /* in list order; tls-auth entries left out (no XoT) */
	uint32_t n;
	struct acl_index *allow, *blocked;  /* NULL: walked */
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
};

/* --- small helpers --- */

static uint64_t hash_bytes(const uint8_t *p, size_t len, uint64_t h)
{
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define HASH_SEED	0xcbf29ce484222325ULL

static size_t pow2_at_least(size_t n)
{
	size_t p = 8;

	while (p < n)
		p <<= 1;
	return p;
}

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
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] += 'a' - 'A';
	}
}

static uint64_t dname_hash_lower(const uint8_t *d, size_t len)
{
	uint64_t h = HASH_SEED;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = d[i] >= 'A' && d[i] <= 'Z' ? d[i] + 'a' - 'A' : d[i];
		h ^= c;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool dname_eq_lower(const uint8_t *lower, const uint8_t *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = d[i] >= 'A' && d[i] <= 'Z' ? d[i] + 'a' - 'A' : d[i];
		if (c != lower[i])
			return false;
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
	default:                  return "?";
	}
}

/* --- the request --- */

struct src {
	const uint8_t *addr;
	unsigned port;
	bool ipv6;
};

static bool src_of(const struct sockaddr_storage *ss, struct src *s)
{
	if (ss == NULL)
		return false;
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

/* NSD acl_key_matches. */
static inline bool key_ok(const struct gate_entry *e, const struct gate_request *r)
{
	switch (e->acl.key) {
	case NSDCONF_ACL_BLOCKED:
		return true;
	case NSDCONF_ACL_NOKEY:
		return r->tsig == GATE_TSIG_NONE;
	default:
		return r->tsig == GATE_TSIG_OK && e->key >= 0 && e->key == r->key &&
		       e->alg != NSDCONF_TSIG_ALG_NONE && e->alg == r->alg;
	}
}

static inline bool port_ok(const struct gate_entry *e, unsigned port)
{
	return e->acl.port == 0 || e->acl.port == port;
}

static struct gate_verdict verdict(bool allow, enum gate_reason reason, int entry)
{
	return (struct gate_verdict){ .allow = allow, .reason = reason, .entry = entry };
}

struct gate_verdict gate_acl_check_linear(const struct gate_acl *l, const struct gate_request *r)
{
	bool addr_matched = false;
	int first = -1;

	for (uint32_t i = 0; i < l->n; i++) {
		const struct gate_entry *e = &l->e[i];

		if (r->src == NULL || !nsdconf_acl_addr_matches(&e->acl, r->src))
			continue;
		if (!key_ok(e, r)) {
			addr_matched = true;
			continue;
		}
		if (e->acl.key == NSDCONF_ACL_BLOCKED)
			return verdict(false, GATE_R_BLOCKED, e->index);
		if (first < 0)
			first = (int)i;
	}
	if (first >= 0)
		return verdict(true, GATE_R_MATCH, l->e[first].index);
	return verdict(false, addr_matched ? GATE_R_KEY_MISMATCH : GATE_R_NO_MATCH, -1);
}

/* --- the index: look-up --- */

static uint32_t nsd_word(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* An address as NSD's low-high test orders it (see conf/acl.c match_minmax). */
static u128 range_key(const uint8_t *addr, bool ipv6)
{
	if (!ipv6)
		return nsd_word(addr);
	u128 k = 0;
	for (int w = 0; w < 4; w++)
		k = k << 32 | nsd_word(addr + 4 * w);
	return k;
}

static u128 range_key_max(bool ipv6)
{
	return ipv6 ? ~(u128)0 : 0xffffffffu;
}

static uint64_t slot_hash(uint32_t group, const uint8_t *addr)
{
	uint64_t h = hash_bytes((const uint8_t *)&group, sizeof(group), HASH_SEED);
	return hash_bytes(addr, 16, h);
}

struct search {
	const struct gate_acl *l;
	const struct gate_request *r;
	unsigned port;
	uint32_t best;           /* least entry position found; UINT32_MAX: none */
	bool addr_matched;       /* some candidate passed the port test */
};

/* Candidates ids[0..n) all match the address: the first that passes port and key. */
static void scan(struct search *s, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n && ids[i] < s->best; i++) {
		const struct gate_entry *e = &s->l->e[ids[i]];

		if (!port_ok(e, s->port))
			continue;
		s->addr_matched = true;
		if (key_ok(e, s->r)) {
			s->best = ids[i];
			return;
		}
	}
}

static void index_search(const struct acl_index *x, const struct src *src, struct search *s)
{
	int len = src->ipv6 ? 16 : 4;

	for (uint32_t g = 0; g < x->n_groups; g++) {
		const struct group *grp = &x->groups[g];
		uint8_t masked[16] = { 0 };

		if (grp->ipv6 != src->ipv6)
			continue;
		for (int i = 0; i < len; i++)
			masked[i] = src->addr[i] & grp->mask[i];
		for (uint64_t h = slot_hash(g + 1, masked);; h++) {
			const struct slot *sl = &x->slots[h & x->slot_mask];

			if (sl->group == 0)
				break;
			if (sl->group == g + 1 && memcmp(sl->addr, masked, 16) == 0) {
				scan(s, x->ids + sl->start, sl->count);
				break;
			}
		}
	}

	const struct range_tree *t = &x->ranges[src->ipv6];
	if (t->n_points == 0)
		return;
	u128 k = range_key(src->addr, src->ipv6);
	if (k < t->points[0])
		return;
	uint32_t lo = 0, hi = t->n_points;   /* the last point <= k */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->points[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	for (uint32_t node = lo + t->size; node >= 1; node >>= 1)
		scan(s, t->ids + t->start[node], t->start[node + 1] - t->start[node]);
}

struct gate_verdict gate_acl_check(const struct gate_acl *l, const struct gate_request *r)
{
	struct src src;

	if (l->allow == NULL)
		return gate_acl_check_linear(l, r);
	if (!src_of(r->src, &src))
		return verdict(false, GATE_R_NO_MATCH, -1);

	struct search s = { .l = l, .r = r, .port = src.port, .best = UINT32_MAX };
	index_search(l->blocked, &src, &s);
	if (s.best != UINT32_MAX)
		return verdict(false, GATE_R_BLOCKED, l->e[s.best].index);

	s.addr_matched = false;
	index_search(l->allow, &src, &s);
	if (s.best != UINT32_MAX)
		return verdict(true, GATE_R_MATCH, l->e[s.best].index);
	return verdict(false, s.addr_matched ? GATE_R_KEY_MISMATCH : GATE_R_NO_MATCH, -1);
}

/* --- the index: build --- */

static bool mask_ones(const struct gate_entry *e, uint8_t *mask)
{
	int len = e->acl.ipv6 ? 16 : 4;

	memset(mask, 0, 16);
	if (e->acl.range == NSDCONF_RANGE_MINMAX)
		return false;
	for (int i = 0; i < len; i++)
		mask[i] = e->acl.range == NSDCONF_RANGE_SINGLE ? 0xff : e->acl.mask[i];
	return true;
}

static uint32_t group_of(struct nsdconf_arena *a, struct acl_index *x, uint32_t *tab,
                         uint32_t tab_mask, const uint8_t *mask, bool ipv6)
{
	uint64_t h = hash_bytes(mask, 16, HASH_SEED ^ ipv6);

	for (;; h++) {
		uint32_t *t = &tab[h & tab_mask];

		if (*t == 0) {
			struct group *g = &x->groups[x->n_groups++];
			memcpy(g->mask, mask, 16);
			g->ipv6 = ipv6;
			*t = x->n_groups;
			return x->n_groups - 1;
		}
		const struct group *g = &x->groups[*t - 1];
		if (g->ipv6 == ipv6 && memcmp(g->mask, mask, 16) == 0)
			return *t - 1;
	}
}

static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return x < y ? -1 : x > y;
}

static uint32_t point_index(const struct range_tree *t, u128 k)
{
	uint32_t lo = 0, hi = t->n_points;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->points[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Calls add(node) for the canonical nodes of the leaves [l, r). */
#define TREE_COVER(t, l, r, add) do { \
	for (uint32_t l_ = (l) + (t)->size, r_ = (r) + (t)->size; l_ < r_; l_ >>= 1, r_ >>= 1) { \
		if (l_ & 1) { uint32_t n_ = l_++; add; } \
		if (r_ & 1) { uint32_t n_ = --r_; add; } \
	} \
} while (0)

static void range_build(struct nsdconf_arena *a, const struct gate_acl *l,
                        const uint32_t *pos, uint32_t n, bool ipv6, struct range_tree *t)
{
	u128 max = range_key_max(ipv6);
	u128 *pts = malloc((2 * (size_t)n + 1) * sizeof(*pts));
	uint32_t np = 0;

	memset(t, 0, sizeof(*t));
	if (pts == NULL)
		abort();   /* as the arena does: loading has no partial result */
	for (uint32_t i = 0; i < n; i++) {
		const struct gate_entry *e = &l->e[pos[i]];
		u128 lo = range_key(e->acl.addr, ipv6), hi = range_key(e->acl.mask, ipv6);

		if (lo > hi)
			continue;   /* NSD's comparison matches nothing */
		pts[np++] = lo;
		if (hi != max)
			pts[np++] = hi + 1;
	}
	if (np == 0) {
		free(pts);
		return;
	}
	qsort(pts, np, sizeof(*pts), cmp_u128);
	uint32_t m = 0;
	for (uint32_t i = 0; i < np; i++) {
		if (m == 0 || pts[i] != pts[m - 1])
			pts[m++] = pts[i];
	}
	t->points = nsdconf_arena_alloc(a, m * sizeof(*t->points));
	memcpy(t->points, pts, m * sizeof(*pts));
	free(pts);
	t->n_points = m;
	t->size = (uint32_t)pow2_at_least(m);

	/* Two passes in list order: counts, then ids, so every node's ids are sorted. */
	uint32_t *count = calloc(2 * (size_t)t->size + 1, sizeof(*count));
	if (count == NULL)
		abort();
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			const struct gate_entry *e = &l->e[pos[i]];
			u128 lo = range_key(e->acl.addr, ipv6), hi = range_key(e->acl.mask, ipv6);

			if (lo > hi)
				continue;
			uint32_t first = point_index(t, lo);
			uint32_t end = hi == max ? m : point_index(t, hi + 1);
			if (pass == 0)
				TREE_COVER(t, first, end, count[n_]++);
			else
				TREE_COVER(t, first, end, t->ids[count[n_]++] = pos[i]);
		}
		if (pass == 0) {
			uint32_t sum = 0;
			t->start = nsdconf_arena_alloc(a, (2 * (size_t)t->size + 1) * sizeof(*t->start));
			for (uint32_t nd = 0; nd <= 2 * t->size; nd++) {
				t->start[nd] = sum;
				sum += count[nd];
				count[nd] = t->start[nd];
			}
			t->ids = nsdconf_arena_alloc(a, (sum ? sum : 1) * sizeof(*t->ids));
		}
	}
	free(count);
}

/* Indexes the entries of l at positions pos[0..n) (ascending). */
static struct acl_index *index_build(struct nsdconf_arena *a, const struct gate_acl *l,
                                     const uint32_t *pos, uint32_t n)
{
	struct acl_index *x = nsdconf_arena_alloc(a, sizeof(*x));
	uint32_t *range_pos[2], n_range[2] = { 0, 0 };
	uint32_t *slot_of = malloc((n ? n : 1) * sizeof(*slot_of));
	size_t gtab_size = pow2_at_least(2 * (size_t)n);
	uint32_t *gtab = calloc(gtab_size, sizeof(*gtab));

	range_pos[0] = malloc((n ? n : 1) * sizeof(uint32_t));
	range_pos[1] = malloc((n ? n : 1) * sizeof(uint32_t));
	if (slot_of == NULL || gtab == NULL || range_pos[0] == NULL || range_pos[1] == NULL)
		abort();

	x->groups = nsdconf_arena_alloc(a, (n ? n : 1) * sizeof(*x->groups));
	size_t slots = pow2_at_least(2 * (size_t)n);
	x->slots = nsdconf_arena_alloc(a, slots * sizeof(*x->slots));
	x->slot_mask = (uint32_t)(slots - 1);

	for (uint32_t i = 0; i < n; i++) {
		const struct gate_entry *e = &l->e[pos[i]];
		uint8_t mask[16], masked[16] = { 0 };

		slot_of[i] = UINT32_MAX;
		if (!mask_ones(e, mask)) {
			range_pos[e->acl.ipv6][n_range[e->acl.ipv6]++] = pos[i];
			continue;
		}
		uint32_t g = group_of(a, x, gtab, (uint32_t)(gtab_size - 1), mask, e->acl.ipv6);
		for (int b = 0; b < 16; b++)
			masked[b] = e->acl.addr[b] & mask[b];
		for (uint64_t h = slot_hash(g + 1, masked);; h++) {
			struct slot *sl = &x->slots[h & x->slot_mask];

			if (sl->group == 0) {
				sl->group = g + 1;
				memcpy(sl->addr, masked, 16);
			}
			if (sl->group == g + 1 && memcmp(sl->addr, masked, 16) == 0) {
				sl->count++;
				slot_of[i] = (uint32_t)(sl - x->slots);
				break;
			}
		}
	}
	uint32_t sum = 0;
	for (size_t s = 0; s < slots; s++) {
		x->slots[s].start = sum;
		sum += x->slots[s].count;
		x->slots[s].count = 0;
	}
	x->ids = nsdconf_arena_alloc(a, (sum ? sum : 1) * sizeof(*x->ids));
	for (uint32_t i = 0; i < n; i++) {
		if (slot_of[i] != UINT32_MAX) {
			struct slot *sl = &x->slots[slot_of[i]];
			x->ids[sl->start + sl->count++] = pos[i];
		}
	}
	for (int f = 0; f < 2; f++)
		range_build(a, l, range_pos[f], n_range[f], f, &x->ranges[f]);

	free(range_pos[0]);
	free(range_pos[1]);
	free(gtab);
	free(slot_of);
	return x;
}

/* --- compiling the model --- */

struct build {
	struct gate *g;
	const struct nsdconf_model *m;
	unsigned index_min;
	/* compiled lists by the model's list head: included patterns share lists */
	const struct nsdconf_acl **list_keys;
	const struct gate_acl **list_vals;
	size_t list_mask, n_lists;
};

static const struct gate_key *key_lookup(const struct gate *g, const uint8_t *dname, size_t len)
{
	if (g->key_tab == NULL)
		return NULL;
	for (uint64_t h = dname_hash_lower(dname, len);; h++) {
		const struct gate_key *k = g->key_tab[h & g->key_mask];

		if (k == NULL)
			return NULL;
		if (dname_len(k->dname) == len && dname_eq_lower(k->dname, dname, len))
			return k;
	}
}

const struct gate_key *gate_key_find(const struct gate *g, const uint8_t *dname)
{
	return dname == NULL ? NULL : key_lookup(g, dname, dname_len(dname));
}

static void keys_build(struct build *b)
{
	struct gate *g = b->g;
	const struct nsdconf_model *m = b->m;

	g->keys = nsdconf_arena_alloc(g->arena, (m->n_keys ? m->n_keys : 1) * sizeof(*g->keys));
	g->key_mask = pow2_at_least(2 * (size_t)m->n_keys) - 1;
	g->key_tab = nsdconf_arena_alloc(g->arena, (g->key_mask + 1) * sizeof(*g->key_tab));
	for (int i = 0; i < m->n_keys; i++) {
		const struct nsdconf_key *mk = m->keys[i];
		uint8_t wire[KNOT_DNAME_MAXLEN];
		const char *name = mk->val[NSDCONF_K_NAME].str;

		if (name == NULL || nsdconf_dname_parse(name, wire) <= 0)
			continue;   /* NSD refuses to start with such a key */
		size_t len = dname_len(wire);
		dname_lower(wire, len);

		struct gate_key *k = &g->keys[g->n_keys++];
		uint8_t *d = nsdconf_arena_alloc(g->arena, len);
		memcpy(d, wire, len);
		k->name = nsdconf_arena_strdup(g->arena, name);
		k->dname = d;
		k->algorithm = nsdconf_arena_strdup(g->arena, mk->val[NSDCONF_K_ALGORITHM].str ?
		                                    mk->val[NSDCONF_K_ALGORITHM].str : "");
		k->secret = nsdconf_arena_strdup(g->arena, mk->val[NSDCONF_K_SECRET].str ?
		                                 mk->val[NSDCONF_K_SECRET].str : "");
		k->alg = nsdconf_tsig_alg_from_name(k->algorithm);

		/* NSD's key table is filled walking the keys in strcmp order of their
		 * names and keeps the first of equal domain names. */
		for (uint64_t h = dname_hash_lower(d, len);; h++) {
			const struct gate_key **slot = &g->key_tab[h & g->key_mask];

			if (*slot == NULL) {
				k->id = (int)(k - g->keys);
				*slot = k;
				break;
			}
			if (dname_len((*slot)->dname) == len && memcmp((*slot)->dname, d, len) == 0) {
				k->id = (*slot)->id;
				if (strcmp(k->name, (*slot)->name) < 0)
					*slot = k;
				break;
			}
		}
	}
}

static int entry_key_class(struct build *b, const struct nsdconf_acl *a, enum nsdconf_tsig_alg *alg)
{
	const struct nsdconf_key *mk = nsdconf_acl_key(b->m, a);
	uint8_t wire[KNOT_DNAME_MAXLEN];

	*alg = NSDCONF_TSIG_ALG_NONE;
	if (mk == NULL || mk->val[NSDCONF_K_NAME].str == NULL ||
	    nsdconf_dname_parse(mk->val[NSDCONF_K_NAME].str, wire) <= 0)
		return -1;
	const struct gate_key *k = key_lookup(b->g, wire, dname_len(wire));
	if (k == NULL)
		return -1;
	*alg = nsdconf_tsig_alg_from_name(mk->val[NSDCONF_K_ALGORITHM].str);
	return k->id;
}

static const struct gate_acl *acl_compile(struct build *b, const struct nsdconf_acl *head)
{
	struct nsdconf_arena *a = b->g->arena;
	struct gate_acl *l = nsdconf_arena_alloc(a, sizeof(*l));
	uint32_t n = 0;

	for (const struct nsdconf_acl *x = head; x != NULL; x = x->next)
		n++;
	l->e = nsdconf_arena_alloc(a, (n ? n : 1) * sizeof(*l->e));

	int index = 0;
	for (const struct nsdconf_acl *x = head; x != NULL; x = x->next, index++) {
		/* NSD skips entries with a tls-auth name for requests that did not come
		 * over an authenticated TLS port; there is no XoT in Knot 3.2. */
		if (x->tls_auth != NULL)
			continue;

		struct gate_entry *e = &l->e[l->n++];
		e->acl = *x;
		e->acl.next = NULL;
		e->acl.spec = nsdconf_arena_strdup(a, x->spec ? x->spec : "");
		e->acl.key_name = x->key_name ? nsdconf_arena_strdup(a, x->key_name) : NULL;
		e->acl.tls_auth = NULL;
		e->acl.file = NULL;
		e->index = index;
		e->key = -1;
		e->alg = NSDCONF_TSIG_ALG_NONE;
		if (x->key == NSDCONF_ACL_KEY)
			e->key = entry_key_class(b, x, &e->alg);

		const char *k = x->key == NSDCONF_ACL_NOKEY ? "NOKEY" :
		                x->key == NSDCONF_ACL_BLOCKED ? "BLOCKED" :
		                (x->key_name ? x->key_name : "?");
		size_t len = strlen(e->acl.spec) + strlen(k) + 2;
		char *text = nsdconf_arena_alloc(a, len);
		snprintf(text, len, "%s %s", e->acl.spec, k);
		e->text = text;
	}

	if (l->n >= b->index_min) {
		uint32_t *pos[2], np[2] = { 0, 0 };

		pos[0] = malloc(l->n * sizeof(uint32_t));
		pos[1] = malloc(l->n * sizeof(uint32_t));
		if (pos[0] == NULL || pos[1] == NULL)
			abort();
		for (uint32_t i = 0; i < l->n; i++) {
			int blocked = l->e[i].acl.key == NSDCONF_ACL_BLOCKED;
			pos[blocked][np[blocked]++] = i;
		}
		l->allow = index_build(a, l, pos[0], np[0]);
		l->blocked = index_build(a, l, pos[1], np[1]);
		free(pos[0]);
		free(pos[1]);
	}
	return l;
}

static uint64_t ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* The compiled list of a model list; NULL for an empty one. */
static const struct gate_acl *acl_get(struct build *b, const struct nsdconf_acl *head)
{
	if (head == NULL)
		return NULL;
	if (2 * (b->n_lists + 1) > b->list_mask + 1) {
		size_t size = pow2_at_least(4 * (b->n_lists + 1));
		const struct nsdconf_acl **keys = calloc(size, sizeof(*keys));
		const struct gate_acl **vals = calloc(size, sizeof(*vals));

		if (keys == NULL || vals == NULL)
			abort();
		for (size_t i = 0; b->list_keys != NULL && i <= b->list_mask; i++) {
			if (b->list_keys[i] == NULL)
				continue;
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
	}
	for (uint64_t h = ptr_hash(head);; h++) {
		size_t i = h & b->list_mask;

		if (b->list_keys[i] == head)
			return b->list_vals[i];
		if (b->list_keys[i] == NULL) {
			b->list_keys[i] = head;
			b->list_vals[i] = acl_compile(b, head);
			b->n_lists++;
			return b->list_vals[i];
		}
	}
}

static void zone_insert(struct gate *g, struct gate_zone *z)
{
	for (uint64_t h = hash_bytes(z->dname, z->dname_len, HASH_SEED);; h++) {
		struct gate_zone **slot = &g->zone_tab[h & g->zone_mask];

		if (*slot == NULL) {
			*slot = z;
			g->n_zones++;
			return;
		}
		if ((*slot)->dname_len == z->dname_len &&
		    memcmp((*slot)->dname, z->dname, z->dname_len) == 0)
			return;   /* NSD keeps the first zone of a name */
	}
}

struct gate *gate_build(const struct nsdconf_model *m, const struct gate_build_opts *o)
{
	struct gate *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
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
	keys_build(&b);

	g->zone_mask = pow2_at_least(2 * (size_t)m->n_zones) - 1;
	g->zone_tab = nsdconf_arena_alloc(g->arena, (g->zone_mask + 1) * sizeof(*g->zone_tab));
	for (int i = 0; i < m->n_zones; i++) {
		const struct nsdconf_zone *mz = m->zones[i];
		if (mz->dname == NULL || mz->pattern == NULL)
			continue;

		struct gate_zone *z = nsdconf_arena_alloc(g->arena, sizeof(*z));
		z->dname_len = dname_len(mz->dname);
		uint8_t *d = nsdconf_arena_alloc(g->arena, z->dname_len);
		memcpy(d, mz->dname, z->dname_len);
		dname_lower(d, z->dname_len);
		z->dname = d;
		z->name = nsdconf_arena_strdup(g->arena, mz->name ? mz->name : "");
		z->acl[LIST_XFR] = acl_get(&b, nsdconf_pacl(mz->pattern, NSDCONF_P_PROVIDE_XFR));
		z->acl[LIST_NOTIFY] = acl_get(&b, nsdconf_pacl(mz->pattern, NSDCONF_P_ALLOW_NOTIFY));
		z->acl[LIST_QUERY] = acl_get(&b, nsdconf_pacl(mz->pattern, NSDCONF_P_ALLOW_QUERY));
		if (z->acl[LIST_QUERY] != NULL)
			g->query_acl = true;
		zone_insert(g, z);
	}
	free(b.list_keys);
	free(b.list_vals);
	return g;
}

void gate_free(struct gate *g)
{
	if (g == NULL)
		return;
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
	if (dname == NULL)
		return NULL;
	size_t len = dname_len(dname);
	for (uint64_t h = hash_bytes(dname, len, HASH_SEED);; h++) {
		const struct gate_zone *z = g->zone_tab[h & g->zone_mask];

		if (z == NULL)
			return NULL;
		if (z->dname_len == len && memcmp(z->dname, dname, len) == 0)
			return z;
	}
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

struct gate_verdict gate_check(const struct gate_zone *z, enum gate_kind kind,
                               const struct gate_request *r)
{
	const struct gate_acl *l = z->acl[list_of(kind)];

	if (l == NULL) {
		/* NSD: no allow-query lets everybody query; no provide-xfr or
		 * allow-notify lets nobody transfer or notify. */
		if (kind == GATE_QUERY)
			return verdict(true, GATE_R_MATCH, -1);
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

const char *gate_acl_entry_text(const struct gate_acl *l, int i)
{
	/* Positions skip tls-auth entries: find the entry by its index (ascending). */
	uint32_t lo = 0, hi = l != NULL ? l->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->e[mid].index < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return l != NULL && lo < l->n && l->e[lo].index == i ? l->e[lo].text : "";
}
