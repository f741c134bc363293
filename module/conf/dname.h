/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Domain names from nsd.conf text, parsed by NSD's rules (dname_parse_wire). */
#pragma once

#include <stdint.h>

#include <libknot/dname.h>

/* Parses a presentation-format name the way NSD 4.6.1 does, into wire form (out has
 * room for KNOT_DNAME_MAXLEN bytes). Returns the wire length, 0 if NSD rejects it.
 * Not knot_dname_from_str(): the two disagree on edge cases that decide whether
 * nsd.conf is valid ("" is the root for NSD, a lone trailing backslash is accepted,
 * \DDD above 255 is the digit itself), and checkconf must say what NSD says. */
int nsdconf_dname_parse(const char *name, uint8_t *out);
/* The same, lower-cased as knot_dname_to_lower() would (the zone index's key form). */
int nsdconf_dname_parse_lower(const char *name, uint8_t *out);
