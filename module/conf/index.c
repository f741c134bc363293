/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Open-addressing hash index: a table of 8-byte slots over an array of entries.
 *
 * A 100 000-zone config makes 200 000 zone-table probes at random places, and
 * profiles showed nearly all of their time in cache misses. A slot holds only
 * 32 bits of the hash and the entry's number, so the table is 2 MiB instead of
 * 6 MiB and a probe for a new name (the common case: a duplicate check) touches
 * one cache line; entries are appended in insertion order and only read when the
 * hash bits match. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/bigmem.h"
#include "conf/hash.h"
#include "conf/index.h"
#include "conf/mem.h"

struct slot {
	uint32_t tag;        /* high half of the hash */
	uint32_t entry;      /* entry number + 1; 0: empty */
};

struct entry {
	const void *key;
	void *val;
	uint64_t hash;
	size_t len;
};

struct nsdconf_index {
	struct slot *slots;
	size_t cap;          /* slots, a power of two */
	struct entry *entries;
	size_t n, entries_cap;
};

struct nsdconf_index *nsdconf_index_new(void)
{
	return nsdconf_calloc(1, sizeof(struct nsdconf_index));
}

void nsdconf_index_free(struct nsdconf_index *ix)
{
	if (ix != NULL) {
		nsdconf_bigmem_free(ix->slots, ix->cap * sizeof(*ix->slots));
		nsdconf_bigmem_free(ix->entries, ix->entries_cap * sizeof(*ix->entries));
		free(ix);
	}
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *find(const struct nsdconf_index *ix, const void *k, size_t len, uint64_t h)
{
	size_t mask = ix->cap - 1;
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct slot *s = &ix->slots[i];
		if (s->entry == 0) {
			return s;
		}
		if (s->tag == tag) {
			const struct entry *e = &ix->entries[s->entry - 1];
			if (e->hash == h && e->len == len && memcmp(e->key, k, len) == 0) {
				return s;
			}
		}
	}
}

void *nsdconf_index_get(const struct nsdconf_index *ix, const void *key, size_t len)
{
	if (ix == NULL || ix->cap == 0 || key == NULL) {
		return NULL;
	}
	const struct slot *s = find(ix, key, len, nsdconf_hash(key, len, 0));
	return s->entry != 0 ? ix->entries[s->entry - 1].val : NULL;
}

/* Doubles the table; entries are re-slotted in order, read sequentially. The old
 * table stays until the new one is there, so a failure leaves the index as it was. */
static int grow_slots(struct nsdconf_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64;
	struct slot *slots = nsdconf_bigmem_alloc(cap * sizeof(*slots));
	if (slots == NULL) {
		return KNOT_ENOMEM;
	}
	size_t mask = cap - 1;
	for (size_t n = 0; n < ix->n; n++) {
		uint64_t h = ix->entries[n].hash;
		size_t i = h & mask;
		/* Keys are unique: any empty slot on the probe path will do. */
		while (slots[i].entry != 0) {
			i = (i + 1) & mask;
		}
		slots[i] = (struct slot){ .tag = (uint32_t)(h >> 32), .entry = (uint32_t)(n + 1) };
	}
	nsdconf_bigmem_free(ix->slots, ix->cap * sizeof(*ix->slots));
	ix->slots = slots;
	ix->cap = cap;
	return KNOT_EOK;
}

static int grow_entries(struct nsdconf_index *ix)
{
	size_t cap = ix->entries_cap ? ix->entries_cap * 2 : 32;
	struct entry *e = nsdconf_bigmem_alloc(cap * sizeof(*e));
	if (e == NULL) {
		return KNOT_ENOMEM;
	}
	if (ix->n > 0) {
		memcpy(e, ix->entries, ix->n * sizeof(*e));
	}
	nsdconf_bigmem_free(ix->entries, ix->entries_cap * sizeof(*e));
	ix->entries = e;
	ix->entries_cap = cap;
	return KNOT_EOK;
}

int nsdconf_index_insert(struct nsdconf_index *ix, const void *key, size_t len, void *val)
{
	/* Slots number entries in 32 bits; an index that full (4 G names, 128 GiB
	 * of entries) could not have been allocated anyway. */
	if (ix->n == UINT32_MAX - 1) {
		return KNOT_ENOMEM;
	}
	if ((ix->n + 1) * 2 > ix->cap && grow_slots(ix) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	if (ix->n == ix->entries_cap && grow_entries(ix) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	uint64_t h = nsdconf_hash(key, len, 0);
	struct slot *s = find(ix, key, len, h);
	if (s->entry != 0) {
		return KNOT_EEXIST;
	}
	ix->entries[ix->n] = (struct entry){ .key = key, .val = val, .hash = h, .len = len };
	ix->n++;
	*s = (struct slot){ .tag = (uint32_t)(h >> 32), .entry = (uint32_t)ix->n };
	return KNOT_EOK;
}

size_t nsdconf_index_count(const struct nsdconf_index *ix)
{
	return ix->n;
}
