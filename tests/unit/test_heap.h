/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exact heap accounting for the out-of-memory tests: a failed parse or render must leave
 * no byte behind.
 *
 * glibc keeps freed chunks in per-thread caches and fast bins, which mallinfo2() counts
 * as in use; without them (tunables, read at start: test_heap_exact() re-executes the
 * test with them) heap bytes in use are exact, and a leak shows as a difference. Under a
 * sanitizer the count stays constant and LeakSanitizer checks at exit. */
#pragma once

#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_EXACT_HEAP "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0"

static bool test_heap_is_exact;

/* Call first in main(): re-executes the test once with the tunables set. */
static inline void test_heap_exact(char **argv)
{
	const char *tunables = getenv("GLIBC_TUNABLES");
	if (tunables == NULL && setenv("GLIBC_TUNABLES", TEST_EXACT_HEAP, 1) == 0) {
		execv("/proc/self/exe", argv);
		/* Not re-executed: the sanitizer run still checks for leaks. */
	}
	test_heap_is_exact = tunables != NULL && strcmp(tunables, TEST_EXACT_HEAP) == 0;
}

/* Heap bytes in use; 0 when the count cannot be exact. */
static inline size_t heap_in_use(void)
{
	return test_heap_is_exact ? mallinfo2().uordblks : 0;
}
