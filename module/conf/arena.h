/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arena allocator: the whole nsd.conf model lives in one arena and is freed at once. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct nsdconf_arena;

/* A new arena, or NULL when out of memory. */
struct nsdconf_arena *nsdconf_arena_new(void);
void nsdconf_arena_free(struct nsdconf_arena *arena);

/*
 * Zeroed memory, aligned for any type, or NULL when out of memory. A failure is
 * sticky: the arena then refuses every later allocation too, so that whoever builds
 * in it can check nsdconf_arena_failed() once at the end of a step instead of
 * checking results it only stores (results it writes through must still be checked).
 * The core runs inside knotd: out of memory is a failed parse, never an abort.
 */
void *nsdconf_arena_alloc(struct nsdconf_arena *arena, size_t size);
/* n bytes, zeroed, with no alignment (strings, wire-format names); NULL as above. */
void *nsdconf_arena_bytes(struct nsdconf_arena *arena, size_t n);
/* Copies in the arena; NULL when out of memory (and strdup(NULL) is NULL). */
char *nsdconf_arena_strdup(struct nsdconf_arena *arena, const char *s);
char *nsdconf_arena_strndup(struct nsdconf_arena *arena, const char *s, size_t n);
/* True once an allocation has failed (sticky). */
bool nsdconf_arena_failed(const struct nsdconf_arena *arena);
/* Bytes handed out so far (for memory accounting in benchmarks). */
size_t nsdconf_arena_used(const struct nsdconf_arena *arena);
