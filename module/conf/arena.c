/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arena allocator: big blocks, bump allocation, one free for the whole model. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/arena.h"
#include "conf/bigmem.h"
#include "conf/mem.h"

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
	bool failed;         /* an allocation failed: every later one fails too */
};

struct nsdconf_arena *nsdconf_arena_new(void)
{
	struct nsdconf_arena *a = nsdconf_calloc(1, sizeof(*a));
	if (a != NULL) {
		a->next_block = ARENA_BLOCK;
	}
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

/* A block of cap bytes, zeroed, or NULL. Big blocks are mapped (bigmem.c: populated
 * at once or backed by huge pages) instead of faulted in 4 KiB at a time. */
static struct arena_block *new_block(size_t cap)
{
	struct arena_block *b = NULL;
	if (cap > SIZE_MAX - sizeof(*b)) {
		return NULL;
	}
	if (cap >= ARENA_MAPPED_MIN) {
		b = nsdconf_bigmem_alloc(sizeof(*b) + cap);
		if (b != NULL) {
			b->mapped = true;
		}
	}
	if (b == NULL) {
		b = nsdconf_calloc(1, sizeof(*b) + cap);
		if (b == NULL) {
			return NULL;
		}
	}
	b->size = cap;
	return b;
}

/* A new current block with room for size bytes (or, for a large object, a block
 * of its own behind the current one, which stays current); NULL when out of memory. */
static struct arena_block *add_block(struct nsdconf_arena *arena, size_t size)
{
	struct arena_block *b = arena->head;
	bool own_block = size > ARENA_BLOCK / 4;
	/* Growing blocks are sized so that block and header fill whole pages. */
	size_t cap = own_block ? size : arena->next_block - sizeof(*b);
	struct arena_block *nb = new_block(cap);
	if (nb == NULL) {
		return NULL;
	}
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

/* The slow path of take(): a new block, or the arena's sticky failure. */
static void *take_new_block(struct nsdconf_arena *arena, size_t size)
{
	struct arena_block *b = arena->failed ? NULL : add_block(arena, size);
	if (b == NULL) {
		arena->failed = true;
		return NULL;
	}
	b->used = size;
	arena->total += size;
	return b->data;
}

/* Every block starts zeroed and nothing is handed out twice, so allocations need
 * no memset of their own. align is a power of two. A failed arena has no block
 * with room (take_new_block() refuses), whatever the current block still holds. */
__attribute__((always_inline))
static inline void *take(struct nsdconf_arena *arena, size_t size, size_t align)
{
	struct arena_block *b = arena->head;
	size_t off = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
	/* Tests fail single allocations, not only blocks: every caller's check runs. */
	if (nsdconf_mem_injected_failure()) {
		arena->failed = true;
	}
	if (b == NULL || arena->failed || off > b->size || b->size - off < size) {
		return take_new_block(arena, size);
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
	char *d = n < SIZE_MAX ? take(arena, n + 1, 1) : NULL;
	if (d == NULL) {
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *nsdconf_arena_strdup(struct nsdconf_arena *arena, const char *s)
{
	return s == NULL ? NULL : nsdconf_arena_strndup(arena, s, strlen(s));
}

bool nsdconf_arena_failed(const struct nsdconf_arena *arena)
{
	return arena->failed;
}

size_t nsdconf_arena_used(const struct nsdconf_arena *arena)
{
	return arena->total;
}
