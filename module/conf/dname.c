/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's presentation-to-wire name parsing, reproduced for nsd.conf compatibility. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "conf/dname.h"

#define MAX_LABEL 63

/* knot_dname_to_lower's rule: ASCII letters only, escaped bytes included. */
static inline uint8_t ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* NSD's \DDD: three digits; above 255 NSD keeps only the first digit. */
static const unsigned char *escape(const unsigned char *s, uint8_t *p)
{
	if (isdigit(s[1]) && isdigit(s[2]) && isdigit(s[3])) {
		int val = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (val <= 255) {
			*p = (uint8_t)val;
			return s + 3;
		}
		*p = s[1];
		return s + 1;
	}
	if (s[1] != '\0') {
		*p = s[1];
		return s + 1;
	}
	*p = '\\';   /* NSD leaves this byte unset; any fixed value will do */
	return s;
}

/* Bytes that end a run of plain label bytes. */
static const uint8_t special[256] = { ['\0'] = 1, ['.'] = 1, ['\\'] = 1 };

/* One pass: labels, escapes and (when lower) case folding, so a zone's look-up
 * key needs no second walk to fold its case or a third to find its length.
 * Every way a name can fail gives 0, so a label is cut off as soon as it is too
 * long for either limit, the label's or the name's. Inlined into both callers so
 * that each gets a loop without the lower test. */
__attribute__((always_inline))
static inline int parse(const char *name, uint8_t *out, bool lower)
{
	const unsigned char *s = (const unsigned char *)name;
	uint8_t *h = out, *p = out + 1;
	const uint8_t *const end = out + KNOT_DNAME_MAXLEN;
	const uint8_t *lim = out + 1 + MAX_LABEL;

	if (s[0] == '.' && s[1] == '\0') {
		out[0] = 0;
		return 1;
	}
	for (;; s++) {
		/* The run of plain bytes up to the next '.', '\\' or the end. */
		for (unsigned char c = *s; !special[c]; c = *++s) {
			if (p >= lim) {
				return 0;   /* label or name too long */
			}
			*p++ = lower ? ascii_lower(c) : c;
		}
		if (*s == '\\') {
			if (p >= lim) {
				return 0;
			}
			s = escape(s, p);
			if (lower) {
				*p = ascii_lower(*p);
			}
			p++;
			continue;
		}
		if (*s == '\0') {
			break;
		}
		if (p == h + 1 || p >= end) {
			return 0;   /* empty label, or no room for another */
		}
		*h = (uint8_t)(p - h - 1);
		h = p++;
		lim = end - p > MAX_LABEL ? p + MAX_LABEL : end;
	}
	if (p != h + 1) {
		if (p >= end) {
			return 0;   /* no room for the root label */
		}
		*h = (uint8_t)(p - h - 1);
		h = p;
		p++;
	}
	if (h - out >= KNOT_DNAME_MAXLEN) {
		return 0;
	}
	*h = 0;
	return (int)(p - out);
}

int nsdconf_dname_parse(const char *name, uint8_t *out)
{
	return parse(name, out, false);
}

int nsdconf_dname_parse_lower(const char *name, uint8_t *out)
{
	return parse(name, out, true);
}
