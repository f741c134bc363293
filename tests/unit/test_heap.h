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
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_EXACT_HEAP "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0"

static bool test_heap_is_exact;

/* Call first in main(): re-executes the test once with the tunables added to any the
 * caller set (the later setting of a tunable wins). Says so when the count cannot be
 * exact, rather than checking less in silence. */
static inline void test_heap_exact(char **argv)
{
	const char *tunables = getenv("GLIBC_TUNABLES");
	if (tunables == NULL || strstr(tunables, TEST_EXACT_HEAP) == NULL) {
		char *both = NULL;
		if (tunables == NULL || tunables[0] == '\0') {
			both = strdup(TEST_EXACT_HEAP);
		} else if (asprintf(&both, "%s:%s", tunables, TEST_EXACT_HEAP) < 0) {
			both = NULL;
		}
		if (both != NULL && setenv("GLIBC_TUNABLES", both, 1) == 0) {
			execv("/proc/self/exe", argv);
		}
		free(both);
		fprintf(stderr, "note: heap counts are not exact (not re-executed with %s); "
		        "leaks are left to a sanitizer run\n", TEST_EXACT_HEAP);
		test_heap_is_exact = false;
		return;
	}
	test_heap_is_exact = true;
}

/* Heap bytes in use; 0 when the count cannot be exact. */
static inline size_t heap_in_use(void)
{
	return test_heap_is_exact ? mallinfo2().uordblks : 0;
}
