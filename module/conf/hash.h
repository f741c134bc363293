/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one hash function of knot-nsd: zone and key indexes, the gate's tables, the Knot
 * mapping's string maps, the include keeper's content check. Not cryptographic: its
 * inputs come from nsd.conf and knotd, and every table that uses it probes linearly. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "conf/unaligned.h"

/* Word-at-a-time multiplicative hash (byte-wise FNV showed up in profiles). The last
 * word overlaps the one before it rather than being copied byte by byte. seed separates
 * tables that hash the same bytes (0 where there is no need). */
static inline uint64_t nsdconf_hash(const void *data, size_t n, uint64_t seed)
{
	const uint8_t *p = data, *end = p + n;
	uint64_t h = (0x9e3779b97f4a7c15ULL ^ n ^ seed), w;

	while (end - p > 8) {
		h = (h ^ nsdconf_load64(p)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
	}
	if (n >= 8) {
		w = nsdconf_load64(end - 8);
	} else if (n >= 4) {
		w = nsdconf_load32(p) | (uint64_t)nsdconf_load32(end - 4) << 32;
	} else {
		w = n > 0 ? p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16 : 0;
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}
