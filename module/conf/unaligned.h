/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unaligned little words from byte strings, for the hashes and comparisons that read a
 * word at a time (memcpy compiles to one load). */
#pragma once

#include <stdint.h>
#include <string.h>

static inline uint64_t nsdconf_load64(const void *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

static inline uint32_t nsdconf_load32(const void *p)
{
	uint32_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}
