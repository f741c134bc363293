/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's presentation-to-wire name parsing, reproduced for nsd.conf compatibility. */
#include <ctype.h>
#include <string.h>

#include "conf/dname.h"

#define MAX_LABEL 63

int nsdconf_dname_parse(const char *name, uint8_t *out)
{
	const unsigned char *s = (const unsigned char *)name;
	uint8_t *h = out, *p = out + 1;

	if (strcmp(name, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	for (; *s; ++s, ++p) {
		if (p - out >= KNOT_DNAME_MAXLEN) {
			return 0;
		}
		switch (*s) {
		case '.':
			if (p == h + 1 || p - h - 1 > MAX_LABEL) {
				return 0;   /* empty or too long label */
			}
			*h = (uint8_t)(p - h - 1);
			h = p;
			break;
		case '\\':
			if (isdigit(s[1]) && isdigit(s[2]) && isdigit(s[3])) {
				int val = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
				if (val <= 255) {
					s += 3;
					*p = (uint8_t)val;
				} else {
					*p = *++s;   /* NSD keeps the first digit */
				}
			} else if (s[1] != '\0') {
				*p = *++s;
			} else {
				*p = '\\';   /* NSD leaves this byte unset; any fixed value will do */
			}
			break;
		default:
			*p = *s;
			break;
		}
	}
	if (p != h + 1) {
		if (p - h - 1 > MAX_LABEL) {
			return 0;
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
