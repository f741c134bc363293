/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arena allocator: big blocks, bump allocation, one free for the whole model. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/arena.h"

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN (sizeof(void *) * 2)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	max_align_t data[];
};

struct nsdconf_arena {
	struct arena_block *head;
	size_t total;
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
		free(b);
		b = next;
	}
	free(arena);
}

void *nsdconf_arena_alloc(struct nsdconf_arena *arena, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	struct arena_block *b = arena->head;
	if (b == NULL || b->size - b->used < size) {
		/* Large objects get a block of their own so the current block stays usable. */
		size_t cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
		struct arena_block *nb = xmalloc(sizeof(*nb) + cap);
		nb->size = cap;
		nb->used = 0;
		if (b != NULL && cap != ARENA_BLOCK) {
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

char *nsdconf_arena_strndup(struct nsdconf_arena *arena, const char *s, size_t n)
{
	char *d = nsdconf_arena_alloc(arena, n + 1);
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
