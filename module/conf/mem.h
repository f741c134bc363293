/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core's heap allocations, in one place so that tests can make any one of them fail. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Test hook: when set to N > 0, the Nth allocation from then on fails (malloc, calloc,
 * realloc below, nsdconf_bigmem_alloc() and every nsdconf_arena_*() allocation); it
 * counts down to 0, which means off.
 * Never set outside tests: the core runs inside knotd, where a failed allocation must
 * end in a failed parse, and tests/unit/test_oom.c proves it does for every allocation.
 */
extern long nsdconf_test_fail_after;

/* True when the test hook says this allocation fails (and counts it). */
static inline bool nsdconf_mem_injected_failure(void)
{
	return __builtin_expect(nsdconf_test_fail_after > 0, 0) &&
	       --nsdconf_test_fail_after == 0;
}

void *nsdconf_malloc(size_t size);
void *nsdconf_calloc(size_t n, size_t size);
void *nsdconf_realloc(void *p, size_t size);
/* realloc() of an array of n elements of size bytes, NULL also when n * size overflows. */
void *nsdconf_reallocarray(void *p, size_t n, size_t size);
