/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arena allocator: big blocks, bump allocation, one free for the whole model. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/arena.h"
#include "conf/bigmem.h"

#define ARENA_BLOCK (64 * 1024)
#define ARENA_BLOCK_MAX (4 * 1024 * 1024)
#define ARENA_ALIGN (sizeof(void *) * 2)
#define ARENA_MAPPED_MIN (256 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	bool mapped;         /* from nsdconf_bigmem_alloc() */
	max_align_t data[];
};

struct nsdconf_arena {
	struct arena_block *head;
	size_t total;
	size_t next_block;   /* blocks grow so a large config needs few of them */
};

static void *xcalloc(size_t size)
{
	void *p = calloc(1, size);
	if (p == NULL) {
		/* Nothing sensible can be done with half a configuration. */
		fprintf(stderr, "knot-nsd: out of memory\n");
		abort();
	}
	return p;
}

struct nsdconf_arena *nsdconf_arena_new(void)
{
	struct nsdconf_arena *a = xcalloc(sizeof(*a));
	a->next_block = ARENA_BLOCK;
	return a;
}

void nsdconf_arena_free(struct nsdconf_arena *arena)
{
	if (arena == NULL) {
		return;
	}
	struct arena_block *b = arena->head;
	while (b != NULL) {
		struct arena_block *next = b->next;
		if (b->mapped) {
			nsdconf_bigmem_free(b, sizeof(*b) + b->size);
		} else {
			free(b);
		}
		b = next;
	}
	free(arena);
}

/* A block of cap bytes, zeroed. Big blocks are mapped (bigmem.c: populated at once
 * or backed by huge pages) instead of faulted in 4 KiB at a time. */
static struct arena_block *new_block(size_t cap)
{
	struct arena_block *b = NULL;
	if (cap >= ARENA_MAPPED_MIN) {
		b = nsdconf_bigmem_alloc(sizeof(*b) + cap);
		if (b != NULL) {
			b->mapped = true;
		}
	}
	if (b == NULL) {
		b = xcalloc(sizeof(*b) + cap);
	}
	b->size = cap;
	return b;
}

/* A new current block with room for size bytes (or, for a large object, a block
 * of its own behind the current one, which stays current). */
static struct arena_block *add_block(struct nsdconf_arena *arena, size_t size)
{
	struct arena_block *b = arena->head;
	bool own_block = size > ARENA_BLOCK / 4;
	/* Growing blocks are sized so that block and header fill whole pages. */
	size_t cap = own_block ? size : arena->next_block - sizeof(*b);
	struct arena_block *nb = new_block(cap);
	if (!own_block && arena->next_block < ARENA_BLOCK_MAX) {
		arena->next_block *= 2;
	}
	if (b != NULL && own_block) {
		nb->next = b->next;
		b->next = nb;
	} else {
		nb->next = b;
		arena->head = nb;
	}
	return nb;
}

/* Every block starts zeroed and nothing is handed out twice, so allocations need
 * no memset of their own. align is a power of two. */
__attribute__((always_inline))
static inline void *take(struct nsdconf_arena *arena, size_t size, size_t align)
{
	struct arena_block *b = arena->head;
	size_t off = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
	if (b == NULL || off > b->size || b->size - off < size) {
		b = add_block(arena, size);
		off = 0;
	}
	b->used = off + size;
	arena->total += size;
	return (char *)b->data + off;
}

void *nsdconf_arena_alloc(struct nsdconf_arena *arena, size_t size)
{
	return take(arena, size, ARENA_ALIGN);
}

/* Strings and wire names need no alignment: 100 000 zone names, their implicit
 * pattern names and domain names would waste 3 MiB in padding. */
void *nsdconf_arena_bytes(struct nsdconf_arena *arena, size_t n)
{
	return take(arena, n, 1);
}

char *nsdconf_arena_strndup(struct nsdconf_arena *arena, const char *s, size_t n)
{
	char *d = take(arena, n + 1, 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *nsdconf_arena_strdup(struct nsdconf_arena *arena, const char *s)
{
	return s == NULL ? NULL : nsdconf_arena_strndup(arena, s, strlen(s));
}

size_t nsdconf_arena_used(const struct nsdconf_arena *arena)
{
	return arena->total;
}
