/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Large zeroed memory: anonymous mappings, huge pages for the big ones.
 *
 * A 100 000-zone nsd.conf makes a model of some 50 MiB. With 4 KiB pages the kernel
 * spent more time faulting in, charging and finally unmapping those pages than we
 * spent parsing; with 2 MiB pages it is one fault per 2 MiB and the TLB covers the
 * zone index. Memory is populated at once (one call, no fault per page). */
#include <stdint.h>
#include <sys/mman.h>

#include "conf/bigmem.h"
#include "conf/mem.h"

#define HUGE_SIZE ((size_t)2 * 1024 * 1024)

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

static size_t mapped_size(size_t size)
{
	return size >= HUGE_SIZE ? round_up(size, HUGE_SIZE) : round_up(size, 4096);
}

void *nsdconf_bigmem_alloc(size_t size)
{
	if (size > SIZE_MAX - 2 * HUGE_SIZE || nsdconf_mem_injected_failure()) {
		return NULL;
	}
	size_t len = mapped_size(size);
	if (len < HUGE_SIZE) {
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		return p != MAP_FAILED ? p : NULL;
	}
	/* Map one huge page more than needed and trim both ends to the alignment
	 * the kernel needs before it can back the range with huge pages. */
	uint8_t *raw = mmap(NULL, len + HUGE_SIZE, PROT_READ | PROT_WRITE,
	                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		return NULL;
	}
	uint8_t *p = (uint8_t *)round_up((uintptr_t)raw, HUGE_SIZE);
	if (p > raw) {
		munmap(raw, (size_t)(p - raw));
	}
	size_t tail = (size_t)(raw + len + HUGE_SIZE - (p + len));
	if (tail > 0) {
		munmap(p + len, tail);
	}
	/* Only advice: without transparent huge pages this is ordinary memory, which
	 * is then at least populated in one call (Linux 5.14+; else faulted in). */
	(void)madvise(p, len, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
	(void)madvise(p, len, MADV_POPULATE_WRITE);
#endif
	return p;
}

void nsdconf_bigmem_free(void *p, size_t size)
{
	if (p != NULL) {
		munmap(p, mapped_size(size));
	}
}
