/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, address index: masked-address slot tables and range trees over ACL entries. */
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/hash.h"
#include "mod/gate_index.h"

typedef unsigned __int128 u128;

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
 *
 * The slot table is open addressing of its own, not conf/index.c: its key is a mask
 * group and 16 address bytes compared in place, and a slot holds its candidates'
 * span; the general index would add an entry array to every probe on the query path.
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

struct gate_index {
	struct group *groups;
	uint32_t n_groups;
	struct slot *slots;
	uint32_t slot_mask;
	uint32_t *ids;           /* entry positions in the list */
	struct range_tree ranges[2];  /* IPv4, IPv6 */
};

static uint32_t nsd_word(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* An address as NSD's low-high test orders it (see conf/acl.c match_minmax). */
static u128 range_key(const uint8_t *addr, bool ipv6)
{
	if (!ipv6) {
		return nsd_word(addr);
	}
	u128 k = 0;
	for (int w = 0; w < 4; w++) {
		k = k << 32 | nsd_word(addr + 4 * w);
	}
	return k;
}

static u128 range_key_max(bool ipv6)
{
	return ipv6 ? ~(u128)0 : 0xffffffffu;
}

/* The group is the seed: (group, address) without building a 20-byte key. */
static uint64_t slot_hash(uint32_t group, const uint8_t *addr)
{
	return nsdconf_hash(addr, 16, group);
}

/* --- look-up --- */

/* Candidates ids[0..n) all match the address: the first that passes port and key. */
static void scan(struct gate_index_search *s, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n && ids[i] < s->best; i++) {
		const struct gate_entry *e = &s->e[ids[i]];

		if (!gate_entry_port_ok(e, s->port)) {
			continue;
		}
		s->addr_matched = true;
		if (gate_entry_key_ok(e, s->r)) {
			s->best = ids[i];
			return;
		}
	}
}

static void slots_search(const struct gate_index *x, const struct gate_src *src,
                         struct gate_index_search *s)
{
	int len = src->ipv6 ? 16 : 4;

	for (uint32_t g = 0; g < x->n_groups; g++) {
		const struct group *grp = &x->groups[g];
		uint8_t masked[16] = { 0 };

		if (grp->ipv6 != src->ipv6) {
			continue;
		}
		for (int i = 0; i < len; i++) {
			masked[i] = src->addr[i] & grp->mask[i];
		}
		for (uint64_t h = slot_hash(g + 1, masked);; h++) {
			const struct slot *sl = &x->slots[h & x->slot_mask];

			if (sl->group == 0) {
				break;
			}
			if (sl->group == g + 1 && memcmp(sl->addr, masked, 16) == 0) {
				scan(s, x->ids + sl->start, sl->count);
				break;
			}
		}
	}
}

static void ranges_search(const struct range_tree *t, const struct gate_src *src,
                          struct gate_index_search *s)
{
	if (t->n_points == 0) {
		return;
	}
	u128 k = range_key(src->addr, src->ipv6);
	if (k < t->points[0]) {
		return;
	}
	uint32_t lo = 0, hi = t->n_points;   /* the last point <= k */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->points[mid] <= k) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	for (uint32_t node = lo + t->size; node >= 1; node >>= 1) {
		scan(s, t->ids + t->start[node], t->start[node + 1] - t->start[node]);
	}
}

void gate_index_search(const struct gate_index *x, const struct gate_src *src,
                       struct gate_index_search *s)
{
	slots_search(x, src, s);
	ranges_search(&x->ranges[src->ipv6], src, s);
}

/* --- build --- */

static bool mask_ones(const struct gate_entry *e, uint8_t *mask)
{
	int len = e->acl.ipv6 ? 16 : 4;

	memset(mask, 0, 16);
	if (e->acl.range == NSDCONF_RANGE_MINMAX) {
		return false;
	}
	for (int i = 0; i < len; i++) {
		mask[i] = e->acl.range == NSDCONF_RANGE_SINGLE ? 0xff : e->acl.mask[i];
	}
	return true;
}

static uint32_t group_of(struct gate_index *x, uint32_t *tab, uint32_t tab_mask,
                         const uint8_t *mask, bool ipv6)
{
	for (uint64_t h = nsdconf_hash(mask, 16, ipv6);; h++) {
		uint32_t *t = &tab[h & tab_mask];

		if (*t == 0) {
			struct group *g = &x->groups[x->n_groups++];
			memcpy(g->mask, mask, 16);
			g->ipv6 = ipv6;
			*t = x->n_groups;
			return x->n_groups - 1;
		}
		const struct group *g = &x->groups[*t - 1];
		if (g->ipv6 == ipv6 && memcmp(g->mask, mask, 16) == 0) {
			return *t - 1;
		}
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
		if (t->points[mid] < k) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
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

/* The ends of the ranges e[pos[0..n)], sorted, once each, into t->points. */
static int range_points(struct nsdconf_arena *a, const struct gate_entry *e,
                        const uint32_t *pos, uint32_t n, bool ipv6, struct range_tree *t)
{
	u128 max = range_key_max(ipv6);
	u128 *pts = malloc((2 * (size_t)n + 1) * sizeof(*pts));
	uint32_t np = 0;

	if (pts == NULL) {
		return KNOT_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		u128 lo = range_key(e[pos[i]].acl.addr, ipv6);
		u128 hi = range_key(e[pos[i]].acl.mask, ipv6);

		if (lo > hi) {
			continue;   /* NSD's comparison matches nothing */
		}
		pts[np++] = lo;
		if (hi != max) {
			pts[np++] = hi + 1;
		}
	}
	qsort(pts, np, sizeof(*pts), cmp_u128);
	uint32_t m = 0;
	for (uint32_t i = 0; i < np; i++) {
		if (m == 0 || pts[i] != pts[m - 1]) {
			pts[m++] = pts[i];
		}
	}
	if (m > 0) {
		t->points = nsdconf_arena_alloc(a, m * sizeof(*t->points));
		if (t->points == NULL) {
			free(pts);
			return KNOT_ENOMEM;
		}
		memcpy(t->points, pts, m * sizeof(*pts));
	}
	free(pts);
	t->n_points = m;
	t->size = (uint32_t)gate_pow2_at_least(m);
	return KNOT_EOK;
}

static int range_build(struct nsdconf_arena *a, const struct gate_entry *e,
                       const uint32_t *pos, uint32_t n, bool ipv6, struct range_tree *t)
{
	memset(t, 0, sizeof(*t));
	int ret = range_points(a, e, pos, n, ipv6, t);
	if (ret != KNOT_EOK || t->n_points == 0) {
		return ret;
	}

	/* Two passes in list order: counts, then ids, so every node's ids are sorted. */
	u128 max = range_key_max(ipv6);
	uint32_t *count = calloc(2 * (size_t)t->size + 1, sizeof(*count));
	if (count == NULL) {
		return KNOT_ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			u128 lo = range_key(e[pos[i]].acl.addr, ipv6);
			u128 hi = range_key(e[pos[i]].acl.mask, ipv6);

			if (lo > hi) {
				continue;
			}
			uint32_t first = point_index(t, lo);
			uint32_t end = hi == max ? t->n_points : point_index(t, hi + 1);
			if (pass == 0) {
				TREE_COVER(t, first, end, count[n_]++);
			} else {
				TREE_COVER(t, first, end, t->ids[count[n_]++] = pos[i]);
			}
		}
		if (pass > 0) {
			break;
		}
		uint32_t sum = 0;
		t->start = nsdconf_arena_alloc(a, (2 * (size_t)t->size + 1) * sizeof(*t->start));
		if (t->start == NULL) {
			free(count);
			return KNOT_ENOMEM;
		}
		for (uint32_t nd = 0; nd <= 2 * t->size; nd++) {
			t->start[nd] = sum;
			sum += count[nd];
			count[nd] = t->start[nd];
		}
		t->ids = nsdconf_arena_alloc(a, (sum ? sum : 1) * sizeof(*t->ids));
		if (t->ids == NULL) {
			free(count);
			return KNOT_ENOMEM;
		}
	}
	free(count);
	return KNOT_EOK;
}

/* Temporary tables of one build. */
struct slots_tmp {
	uint32_t *slot_of;       /* entry i's slot; UINT32_MAX: a range */
	uint32_t *gtab;          /* mask groups by mask */
	size_t gtab_size;
	uint32_t *range_pos[2];  /* the ranges, IPv4 and IPv6 */
	uint32_t n_range[2];
};

/* Puts entry pos (i-th of the build) into the slot of its masked address. */
static void slot_add(struct gate_index *x, struct slots_tmp *tmp, const struct gate_entry *e,
                     uint32_t i, uint32_t pos)
{
	uint8_t mask[16], masked[16] = { 0 };

	tmp->slot_of[i] = UINT32_MAX;
	if (!mask_ones(e, mask)) {
		tmp->range_pos[e->acl.ipv6][tmp->n_range[e->acl.ipv6]++] = pos;
		return;
	}
	uint32_t g = group_of(x, tmp->gtab, (uint32_t)(tmp->gtab_size - 1), mask, e->acl.ipv6);
	for (int b = 0; b < 16; b++) {
		masked[b] = e->acl.addr[b] & mask[b];
	}
	for (uint64_t h = slot_hash(g + 1, masked);; h++) {
		struct slot *sl = &x->slots[h & x->slot_mask];

		if (sl->group == 0) {
			sl->group = g + 1;
			memcpy(sl->addr, masked, 16);
		}
		if (sl->group == g + 1 && memcmp(sl->addr, masked, 16) == 0) {
			sl->count++;
			tmp->slot_of[i] = (uint32_t)(sl - x->slots);
			return;
		}
	}
}

static int slots_build(struct nsdconf_arena *a, struct gate_index *x, struct slots_tmp *tmp,
                       const struct gate_entry *e, const uint32_t *pos, uint32_t n)
{
	size_t slots = gate_pow2_at_least(2 * (size_t)n);
	x->groups = nsdconf_arena_alloc(a, (n ? n : 1) * sizeof(*x->groups));
	x->slots = nsdconf_arena_alloc(a, slots * sizeof(*x->slots));
	if (x->groups == NULL || x->slots == NULL) {
		return KNOT_ENOMEM;
	}
	x->slot_mask = (uint32_t)(slots - 1);
	for (uint32_t i = 0; i < n; i++) {
		slot_add(x, tmp, &e[pos[i]], i, pos[i]);
	}

	uint32_t sum = 0;
	for (size_t s = 0; s < slots; s++) {
		x->slots[s].start = sum;
		sum += x->slots[s].count;
		x->slots[s].count = 0;
	}
	x->ids = nsdconf_arena_alloc(a, (sum ? sum : 1) * sizeof(*x->ids));
	if (x->ids == NULL) {
		return KNOT_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (tmp->slot_of[i] != UINT32_MAX) {
			struct slot *sl = &x->slots[tmp->slot_of[i]];
			x->ids[sl->start + sl->count++] = pos[i];
		}
	}
	return KNOT_EOK;
}

int gate_index_build(struct nsdconf_arena *a, const struct gate_entry *e, const uint32_t *pos,
                     uint32_t n, struct gate_index **out)
{
	struct gate_index *x = nsdconf_arena_alloc(a, sizeof(*x));
	struct slots_tmp tmp = { .gtab_size = gate_pow2_at_least(2 * (size_t)n) };
	tmp.slot_of = malloc((n ? n : 1) * sizeof(*tmp.slot_of));
	tmp.gtab = calloc(tmp.gtab_size, sizeof(*tmp.gtab));
	tmp.range_pos[0] = malloc((n ? n : 1) * sizeof(uint32_t));
	tmp.range_pos[1] = malloc((n ? n : 1) * sizeof(uint32_t));

	int ret = KNOT_ENOMEM;
	if (x != NULL && tmp.slot_of != NULL && tmp.gtab != NULL && tmp.range_pos[0] != NULL &&
	    tmp.range_pos[1] != NULL) {
		ret = slots_build(a, x, &tmp, e, pos, n);
	}
	for (int f = 0; f < 2 && ret == KNOT_EOK; f++) {
		ret = range_build(a, e, tmp.range_pos[f], tmp.n_range[f], f, &x->ranges[f]);
	}
	free(tmp.range_pos[0]);
	free(tmp.range_pos[1]);
	free(tmp.gtab);
	free(tmp.slot_of);
	*out = ret == KNOT_EOK ? x : NULL;
	return ret;
}
