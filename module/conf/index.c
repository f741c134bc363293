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
#include "conf/index.h"
#include "conf/unaligned.h"

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

/* Word-at-a-time multiplicative hash (byte-wise FNV showed up in profiles). The
 * last word overlaps the one before it rather than being copied byte by byte. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	while (end - p > 8) {
		h = (h ^ nsdconf_load64(p)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
	}
	if (n >= 8) {
		w = nsdconf_load64(end - 8);
	} else if (n >= 4) {
		w = nsdconf_load32(p) | (uint64_t)nsdconf_load32(end - 4) << 32;
	} else {
		w = n > 0 ? p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16 : 0;
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

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
	const struct slot *s = find(ix, key, len, hash_bytes(key, len));
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
	uint64_t h = hash_bytes(key, len);
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
