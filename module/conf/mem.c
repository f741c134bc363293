/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Heap allocations of the core, failing on demand for the out-of-memory tests. */
#include <stdint.h>
#include <stdlib.h>

#include "conf/mem.h"

long nsdconf_test_fail_after;

void *nsdconf_malloc(size_t size)
{
	return nsdconf_mem_injected_failure() ? NULL : malloc(size);
}

void *nsdconf_calloc(size_t n, size_t size)
{
	return nsdconf_mem_injected_failure() ? NULL : calloc(n, size);
}

void *nsdconf_realloc(void *p, size_t size)
{
	return nsdconf_mem_injected_failure() ? NULL : realloc(p, size);
}

void *nsdconf_reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		return NULL;
	}
	return nsdconf_realloc(p, n * size);
}
