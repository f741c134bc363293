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

#include "conf/bigmem.h"
#include "conf/hash.h"
#include "conf/index.h"

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

static void *xbigmem(size_t size)
{
	void *p = nsdconf_bigmem_alloc(size);
	if (p == NULL) {
		abort();
	}
	return p;
}

struct nsdconf_index *nsdconf_index_new(void)
{
	struct nsdconf_index *ix = calloc(1, sizeof(*ix));
	if (ix == NULL) {
		abort();
	}
	return ix;
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

/* Doubles the table; entries are re-slotted in order, read sequentially. */
static void grow_slots(struct nsdconf_index *ix)
{
	size_t old_cap = ix->cap;
	nsdconf_bigmem_free(ix->slots, old_cap * sizeof(*ix->slots));
	ix->cap = old_cap ? old_cap * 2 : 64;
	ix->slots = xbigmem(ix->cap * sizeof(*ix->slots));
	size_t mask = ix->cap - 1;
	for (size_t n = 0; n < ix->n; n++) {
		uint64_t h = ix->entries[n].hash;
		size_t i = h & mask;
		/* Keys are unique: any empty slot on the probe path will do. */
		while (ix->slots[i].entry != 0) {
			i = (i + 1) & mask;
		}
		ix->slots[i] = (struct slot){ .tag = (uint32_t)(h >> 32), .entry = (uint32_t)(n + 1) };
	}
}

static void grow_entries(struct nsdconf_index *ix)
{
	size_t cap = ix->entries_cap ? ix->entries_cap * 2 : 32;
	struct entry *e = xbigmem(cap * sizeof(*e));
	if (ix->n > 0) {
		memcpy(e, ix->entries, ix->n * sizeof(*e));
	}
	nsdconf_bigmem_free(ix->entries, ix->entries_cap * sizeof(*e));
	ix->entries = e;
	ix->entries_cap = cap;
}

bool nsdconf_index_insert(struct nsdconf_index *ix, const void *key, size_t len, void *val)
{
	if ((ix->n + 1) * 2 > ix->cap) {
		grow_slots(ix);
	}
	if (ix->n == UINT32_MAX - 1) {
		abort();   /* slots number entries in 32 bits */
	}
	if (ix->n == ix->entries_cap) {
		grow_entries(ix);
	}
	uint64_t h = nsdconf_hash(key, len, 0);
	struct slot *s = find(ix, key, len, h);
	if (s->entry != 0) {
		return false;
	}
	ix->entries[ix->n] = (struct entry){ .key = key, .val = val, .hash = h, .len = len };
	ix->n++;
	*s = (struct slot){ .tag = (uint32_t)(h >> 32), .entry = (uint32_t)ix->n };
	return true;
}

size_t nsdconf_index_count(const struct nsdconf_index *ix)
{
	return ix->n;
}
