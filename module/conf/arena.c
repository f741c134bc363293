/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arena allocator: big blocks, bump allocation, one free for the whole model. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "conf/arena.h"

#define ARENA_BLOCK (64 * 1024)
#define ARENA_BLOCK_MAX (4 * 1024 * 1024)
#define ARENA_ALIGN (sizeof(void *) * 2)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	bool mapped;         /* from mmap(): unmap on free */
	max_align_t data[];
};

struct nsdconf_arena {
	struct arena_block *head;
	size_t total;
	size_t next_block;   /* blocks grow so a large config needs few of them */
};

static void *xmalloc(size_t size)
{
	void *p = malloc(size);
	if (p == NULL) {
		/* Nothing sensible can be done with half a configuration. */
		fprintf(stderr, "knot-nsd: out of memory\n");
		abort();
	}
	return p;
}

struct nsdconf_arena *nsdconf_arena_new(void)
{
	struct nsdconf_arena *a = xmalloc(sizeof(*a));
	a->head = NULL;
	a->total = 0;
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
			munmap(b, sizeof(*b) + b->size);
		} else {
			free(b);
		}
		b = next;
	}
	free(arena);
}

/* Big blocks come from mmap() with MAP_POPULATE: one fault-in for the block
 * instead of a page fault per 4 KiB while a large config is parsed. */
static struct arena_block *new_block(size_t cap)
{
	struct arena_block *b;
	if (cap >= 256 * 1024) {
		b = mmap(NULL, sizeof(*b) + cap, PROT_READ | PROT_WRITE,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (b != MAP_FAILED) {
			b->mapped = true;
			b->size = cap;
			b->used = 0;
			return b;
		}
	}
	b = xmalloc(sizeof(*b) + cap);
	b->mapped = false;
	b->size = cap;
	b->used = 0;
	return b;
}

void *nsdconf_arena_alloc(struct nsdconf_arena *arena, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	struct arena_block *b = arena->head;
	if (b == NULL || b->size - b->used < size) {
		/* Large objects get a block of their own so the current block stays usable. */
		bool own_block = size > ARENA_BLOCK / 4;
		size_t cap = own_block ? size : arena->next_block;
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
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	arena->total += size;
	memset(p, 0, size);
	return p;
}

/* Like nsdconf_arena_alloc, without zeroing: for memory the caller fills at once. */
static void *arena_alloc_raw(struct nsdconf_arena *arena, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	struct arena_block *b = arena->head;
	if (b != NULL && b->size - b->used >= size) {
		void *p = (char *)b->data + b->used;
		b->used += size;
		arena->total += size;
		return p;
	}
	return nsdconf_arena_alloc(arena, size);
}

char *nsdconf_arena_strndup(struct nsdconf_arena *arena, const char *s, size_t n)
{
	char *d = arena_alloc_raw(arena, n + 1);
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
