/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonefile: NSD 4.6.1's template expansion (config_make_zonefile) and path resolution. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf/zonefile.h"

/* NSD expands into a static char[1024]. */
#define ZF_BUF 1024
#define MAX_DNAME 255
#define MAX_LABEL 63
/* NSD's wirelabel2str: worst case every byte becomes "\DDD". */
#define LABEL_TEXT (MAX_LABEL * 4 + 1)

/* Labels of a zone name as NSD's dname_parse sees them: wire format,
 * lowercased (dname_make normalises), counted from the left. */
struct wire_name {
	uint8_t wire[MAX_DNAME];
	const uint8_t *label[MAX_DNAME / 2 + 1];
	int count;              /* without the root label */
};

static int digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static uint8_t ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/*
 * One character of a presentation name, with NSD's escape rules
 * (dname_parse_wire): "\DDD" only when the value is <= 255, otherwise the
 * backslash just quotes the first digit; "\X" is X.  A lone trailing
 * backslash leaves an uninitialised byte in NSD; we store the backslash.
 */
static uint8_t unescape(const char **sp)
{
	const uint8_t *s = (const uint8_t *)*sp;
	uint8_t ch = s[0];

	if (ch == '\\' && digit(s[1]) && digit(s[2]) && digit(s[3])) {
		int val = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (val <= 255) {
			*sp += 4;
			return (uint8_t)val;
		}
		*sp += 2;
		return s[1];
	}
	if (ch == '\\' && s[1] != '\0') {
		*sp += 2;
		return s[1];
	}
	*sp += 1;
	return ch;
}

/* Closes the label that starts at wire[*h]; false if NSD would refuse it. */
static bool close_label(struct wire_name *n, size_t *h, size_t p)
{
	size_t len = p - *h - 1;

	if (len == 0 || len > MAX_LABEL) {
		return false;
	}
	n->wire[*h] = (uint8_t)len;
	n->label[n->count++] = &n->wire[*h];
	*h = p;
	return true;
}

/* NSD's dname_parse_wire + dname_make(normalize): false for names NSD
 * rejects (empty label, label > 63, name > 255 octets).  "." and "" are
 * the root. */
static bool parse_name(struct wire_name *n, const char *name)
{
	size_t h = 0, p = 1;

	n->count = 0;
	if (strcmp(name, ".") == 0) {
		return true;
	}
	while (*name != '\0') {
		if (p >= MAX_DNAME) {
			return false;
		}
		if (*name == '.') {
			name++;
			if (!close_label(n, &h, p)) {
				return false;
			}
		} else {
			n->wire[p] = ascii_lower(unescape(&name));
		}
		p++;
	}
	if (p != h + 1) {
		if (!close_label(n, &h, p)) {
			return false;
		}
		p++;
	}
	return h < MAX_DNAME;
}

/* NSD's wirelabel2str: letters, digits, '-', '_' and '*' as is; '.' and
 * '\' backslashed; everything else as \DDD (C locale isalnum). */
static void label_to_text(const uint8_t *label, char *out)
{
	uint8_t len = *label++;

	while (len--) {
		uint8_t ch = *label++;
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		             digit(ch) || ch == '-' || ch == '_' || ch == '*';
		if (plain) {
			*out++ = (char)ch;
		} else if (ch == '.' || ch == '\\') {
			*out++ = '\\';
			*out++ = (char)ch;
		} else {
			out += sprintf(out, "\\%03u", (unsigned int)ch);
		}
	}
	*out = '\0';
}

/* %z, %y, %x: label 1, 2, 3 counted from the root, or "." if absent.  A name
 * NSD cannot parse never gets this far in NSD; here it has no labels. */
static void end_label(const struct wire_name *n, bool valid, int from_root,
                      char *out)
{
	if (!valid || from_root > n->count) {
		strcpy(out, ".");
		return;
	}
	label_to_text(n->label[n->count - from_root], out);
}

/* %1, %2, %3: a character of the name as written, or "." past its end. */
static void name_char(const char *name, size_t i, char *out)
{
	if (i >= strlen(name)) {
		strcpy(out, ".");
		return;
	}
	out[0] = name[i];
	out[1] = '\0';
}

/*
 * NSD's replace_str: replaces every occurrence of one, scanning on after
 * the inserted text (so a replacement is never expanded by itself).  When
 * the result would no longer fit the buffer (length + 1 > size) it stops,
 * leaving this and later occurrences of the token as they are; later
 * tokens are still tried.
 */
static void replace_all(char *str, size_t size, const char *one, const char *two)
{
	size_t l1 = strlen(one), l2 = strlen(two);
	char *at = str, *pos;

	while ((pos = strstr(at, one)) != NULL) {
		if (strlen(str) + l2 - l1 >= size) {
			return;
		}
		memmove(pos + l2, pos + l1, strlen(pos + l1) + 1);
		memcpy(pos, two, l2);
		at = pos + l2;
	}
}

const char *nsdconf_zonefile_expand(const char *tmpl, const char *name,
                                    struct nsdconf_arena *arena)
{
	static const char *const char_tokens[] = { "%1", "%2", "%3" };
	static const char *const label_tokens[] = { "%z", "%y", "%x" };
	char buf[ZF_BUF];
	char value[LABEL_TEXT];
	struct wire_name n;
	bool valid;

	if (strchr(tmpl, '%') == NULL) {
		return tmpl;
	}
	valid = parse_name(&n, name);
	/* NSD's strlcpy: templates longer than 1023 bytes are cut. */
	snprintf(buf, sizeof(buf), "%s", tmpl);
	/* NSD's fixed order; %s is last so the name as written is never
	 * expanded, while a '%' produced by %1..%3 can start a later token.
	 * 4.6.1 inserts the name unchanged ('/' is only escaped from 4.14.1). */
	for (int i = 0; i < 3; i++) {
		name_char(name, (size_t)i, value);
		replace_all(buf, sizeof(buf), char_tokens[i], value);
	}
	for (int i = 0; i < 3; i++) {
		end_label(&n, valid, i + 1, value);
		replace_all(buf, sizeof(buf), label_tokens[i], value);
	}
	replace_all(buf, sizeof(buf), "%s", name);
	return nsdconf_arena_strdup(arena, buf);
}

static const char *join(const char *dir, const char *rel, struct nsdconf_arena *arena)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] == '/';
	size_t len = dl + (slash ? 0 : 1) + strlen(rel) + 1;
	char *out = nsdconf_arena_alloc(arena, len);

	if (out == NULL) {
		return NULL;
	}
	snprintf(out, len, "%s%s%s", dir, slash ? "" : "/", rel);
	return out;
}

const char *nsdconf_zonefile_path(const char *expanded, const char *zonesdir,
                                  const char *cwd, struct nsdconf_arena *arena)
{
	const char *base;

	/* NSD opens "" as is (and fails); there is no file to name. */
	if (expanded[0] == '\0' || expanded[0] == '/') {
		return expanded;
	}
	/* NSD chdir()s to zonesdir, itself taken relative to the start directory
	 * when not absolute; "" means no chdir.  No "." / ".." folding: with
	 * symlinks that would change which file is meant. */
	base = cwd;
	if (zonesdir != NULL && zonesdir[0] != '\0' && (zonesdir[0] == '/' || cwd == NULL)) {
		base = zonesdir;
	} else if (zonesdir != NULL && zonesdir[0] != '\0') {
		base = join(cwd, zonesdir, arena);
		if (base == NULL) {
			return NULL;
		}
	}
	if (base == NULL) {
		return expanded;
	}
	return join(base, expanded, arena);
}
