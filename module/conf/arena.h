/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arena allocator: the whole nsd.conf model lives in one arena and is freed at once. */
#pragma once

#include <stddef.h>

struct nsdconf_arena;

struct nsdconf_arena *nsdconf_arena_new(void);
void nsdconf_arena_free(struct nsdconf_arena *arena);

/* Zeroed memory, aligned for any type; aborts the process on ENOMEM
 * (configuration loading has no sensible partial result). */
void *nsdconf_arena_alloc(struct nsdconf_arena *arena, size_t size);
/* n bytes, zeroed, with no alignment (strings, wire-format names). */
void *nsdconf_arena_bytes(struct nsdconf_arena *arena, size_t n);
char *nsdconf_arena_strdup(struct nsdconf_arena *arena, const char *s);
char *nsdconf_arena_strndup(struct nsdconf_arena *arena, const char *s, size_t n);
/* Bytes handed out so far (for memory accounting in benchmarks). */
size_t nsdconf_arena_used(const struct nsdconf_arena *arena);
