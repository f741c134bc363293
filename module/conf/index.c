/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Open-addressing hash index with hash, key and value side by side: a probe of a
 * 100 000-zone table then costs one cache miss instead of one per array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/dname.h>

#include "conf/bigmem.h"
#include "conf/index.h"

struct slot {
	uint64_t hash;
	const void *key;     /* NULL: empty */
	void *val;
};

struct nsdconf_index {
	struct slot *slots;
	size_t cap, n;
	bool dname;
};

static size_t key_len(const struct nsdconf_index *ix, const void *k)
{
	return ix->dname ? knot_dname_size(k) : strlen(k) + 1;
}

/* Word-at-a-time multiplicative hash (byte-wise FNV showed up in profiles). */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

struct nsdconf_index *nsdconf_index_new(bool dname)
{
	struct nsdconf_index *ix = calloc(1, sizeof(*ix));
	if (ix == NULL) {
		abort();
	}
	ix->dname = dname;
	return ix;
}

void nsdconf_index_free(struct nsdconf_index *ix)
{
	if (ix != NULL) {
		nsdconf_bigmem_free(ix->slots, ix->cap * sizeof(*ix->slots));
		free(ix);
	}
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *find(const struct nsdconf_index *ix, const void *k, size_t len, uint64_t h)
{
	size_t mask = ix->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct slot *s = &ix->slots[i];
		if (s->key == NULL || (s->hash == h && memcmp(s->key, k, len) == 0)) {
			return s;
		}
	}
}

void *nsdconf_index_get(const struct nsdconf_index *ix, const void *key)
{
	if (ix == NULL || ix->cap == 0 || key == NULL) {
		return NULL;
	}
	size_t len = key_len(ix, key);
	const struct slot *s = find(ix, key, len, hash_bytes(key, len));
	return s->key != NULL ? s->val : NULL;
}

static void grow(struct nsdconf_index *ix)
{
	struct slot *old = ix->slots;
	size_t old_cap = ix->cap;
	ix->cap = ix->cap ? ix->cap * 2 : 64;
	/* A 100 000-zone table is 6 MiB: mapped at once (huge pages), not faulted
	 * in page by page while it fills. */
	ix->slots = nsdconf_bigmem_alloc(ix->cap * sizeof(*ix->slots));
	if (ix->slots == NULL) {
		abort();
	}
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].key != NULL) {
			/* Keys are unique: any empty slot on the probe path will do. */
			size_t j = old[i].hash & (ix->cap - 1);
			while (ix->slots[j].key != NULL) {
				j = (j + 1) & (ix->cap - 1);
			}
			ix->slots[j] = old[i];
		}
	}
	nsdconf_bigmem_free(old, old_cap * sizeof(*old));
}

bool nsdconf_index_insert(struct nsdconf_index *ix, const void *key, void *val)
{
	if ((ix->n + 1) * 2 > ix->cap) {
		grow(ix);
	}
	size_t len = key_len(ix, key);
	uint64_t h = hash_bytes(key, len);
	struct slot *s = find(ix, key, len, h);
	if (s->key != NULL) {
		return false;
	}
	*s = (struct slot){ .hash = h, .key = key, .val = val };
	ix->n++;
	return true;
}

size_t nsdconf_index_count(const struct nsdconf_index *ix)
{
	return ix->n;
}
