/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Large zeroed memory (arena blocks, index tables) straight from the kernel. */
#pragma once

#include <stddef.h>

/* Zeroed, page-aligned memory of at least size bytes, or NULL. Sizes of 2 MiB and
 * more are aligned to 2 MiB and advised for transparent huge pages. */
void *nsdconf_bigmem_alloc(size_t size);
/* Frees what nsdconf_bigmem_alloc(size) returned (the same size). */
void nsdconf_bigmem_free(void *p, size_t size);
