/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonelistfile: read the nsd-control addzone list as NSD's parse_zone_list_file does. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/zonelist.h"

/*
 * File format (options.c: zone_list_add, zone_list_del, zone_list_compact):
 *   "# NSD zone list\n# name pattern\n"   exact 31-byte header, always written
 *   "add <zone> <pattern>\n"              one line per addzone
 *   "cat <zone> <pattern> <member-id>\n"  catalog member (NSD 4.9+)
 *   "del ..."                              delzone overwrites the first three
 *                                          bytes of the entry's line with "del";
 *                                          the slot is reused by a later add of
 *                                          the same line length
 * When free slots outnumber live zones NSD rewrites the file without them.
 */
#define ZONELIST_HEADER "# NSD zone list\n# name pattern\n"
/* NSD reads with fgets into char[1024]: longer lines arrive in pieces and
 * every piece is judged as a line of its own. */
#define ZONELIST_BUF 1024

struct reader {
	const char *path;
	nsdconf_zonelist_cb cb;
	void *ctx;
	struct nsdconf_diag *diag;
	int malformed;
};

/* NSD logs the line with its newline inside the quotes; diag lines are one
 * line each, so the newline is left out of the quoted text. */
static int quoted_len(const char *text)
{
	size_t len = strlen(text);

	if (len > 0 && text[len - 1] == '\n') {
		len--;
	}
	return (int)len;
}

/* NSD: log_msg(LOG_ERR, ...); the entry is skipped. */
static void parse_error(struct reader *r, int line, const char *text)
{
	r->malformed++;
	nsdconf_diag_error(r->diag, r->path, line, "parse error in %s: '%.*s'",
	                   r->path, quoted_len(text), text);
}

/* NSD: log_msg(LOG_WARNING, ...); a warning, so not in diag->errors. */
static void bad_data(struct reader *r, int line, const char *text)
{
	r->malformed++;
	nsdconf_diag_line(r->diag, "%s:%d: warning: bad data in %s, '%.*s'",
	                  r->path, line, r->path, quoted_len(text), text);
}

static void strip_newline(char *buf, size_t linesize)
{
	if (linesize > 0 && buf[linesize - 1] == '\n') {
		buf[linesize - 1] = '\0';
	}
}

/* "add <zone> <pattern>": the pattern is after the last space, so a zone
 * name may contain spaces (and "add  p" names the zone ""). */
static int parse_add(struct reader *r, char *buf, int line)
{
	size_t linesize = strlen(buf);
	char *space = strrchr(buf + 4, ' ');

	if (space == NULL) {
		parse_error(r, line, buf);
		return 0;
	}
	*space = '\0';
	strip_newline(buf, linesize);
	return r->cb(r->ctx, buf + 4, space + 1, NULL, line);
}

/* "cat <zone> <pattern> <member-id>" (4.9+): split at the last two spaces. */
static int parse_cat(struct reader *r, char *buf, int line)
{
	size_t linesize = strlen(buf);
	char *member = strrchr(buf + 4, ' ');
	char *pattern;

	if (member == NULL) {
		parse_error(r, line, buf);
		return 0;
	}
	*member = '\0';
	pattern = strrchr(buf + 4, ' ');
	if (pattern == NULL) {
		*member = ' ';  /* NSD restores it so the whole line is logged */
		parse_error(r, line, buf);
		return 0;
	}
	*pattern = '\0';
	strip_newline(member + 1, strlen(member + 1));
	(void)linesize;
	return r->cb(r->ctx, buf + 4, pattern + 1, member + 1, line);
}

/* One fgets piece; returns non-zero when the callback asks to stop. */
static int parse_piece(struct reader *r, char *buf, int line)
{
	/* Comments and empty lines; a NUL byte also ends NSD's view of a line. */
	if (buf[0] == '\0' || buf[0] == '\n' || buf[0] == '#') {
		return 0;
	}
	if (strncmp(buf, "add ", 4) == 0) {
		return parse_add(r, buf, line);
	}
	if (strncmp(buf, "cat ", 4) == 0) {
		return parse_cat(r, buf, line);
	}
	if (strncmp(buf, "del ", 4) == 0) {
		return 0;       /* free slot left by delzone */
	}
	/* NSD warns and goes on.  NSD 4.6.1 itself ends up here for "cat"
	 * lines; we accept them as 4.9+ does (see zonelist.h). */
	bad_data(r, line, buf);
	return 0;
}

static bool header_ok(FILE *f)
{
	char hdr[sizeof(ZONELIST_HEADER)];
	size_t len = strlen(ZONELIST_HEADER);

	/* Even an empty file fails this: NSD 4.6.1 then refuses to start
	 * ("could not read zonelist file"), despite its comment. */
	return fread(hdr, 1, len, f) == len && memcmp(hdr, ZONELIST_HEADER, len) == 0;
}

/* fgets as NSD uses it, but returning the byte count: a NUL byte hides the
 * rest of a piece from NSD (strlen) yet its newline still ends the line. */
static size_t read_piece(FILE *f, char *buf, size_t size)
{
	size_t n = 0;
	int c;

	/* the FILE is private to this reader: no locking per byte */
	while (n + 1 < size && (c = getc_unlocked(f)) != EOF) {
		buf[n++] = (char)c;
		if (c == '\n') {
			break;
		}
	}
	buf[n] = '\0';
	return n;
}

static void read_entries(struct reader *r, FILE *f)
{
	char buf[ZONELIST_BUF];
	int line = 3;   /* the header takes lines 1 and 2 */
	size_t n;

	while ((n = read_piece(f, buf, sizeof(buf))) > 0) {
		bool ends_line = buf[n - 1] == '\n';

		if (parse_piece(r, buf, line) != 0) {
			return;
		}
		if (ends_line) {
			line++;
		}
	}
}

/* NSD opens with "r+" (it appends later), which fails on a directory with
 * EISDIR; we only read, so "r" plus an explicit directory check. */
static FILE *open_list(const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "r");

	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	return f;
}

int nsdconf_zonelist_read(const char *path, nsdconf_zonelist_cb cb, void *ctx,
                          struct nsdconf_diag *diag)
{
	struct reader r = { .path = path, .cb = cb, .ctx = ctx, .diag = diag };
	FILE *f = open_list(path);

	if (f == NULL) {
		if (errno == ENOENT) {
			return 0;       /* NSD creates it on the first addzone */
		}
		diag->errors++;
		nsdconf_diag_line(diag, "%s: error: could not open zone list %s: %s",
		                  path, path, strerror(errno));
		return -1;
	}
	if (!header_ok(f)) {
		nsdconf_diag_error(diag, path, 1, "zone list %s contains bad header", path);
		fclose(f);
		return -1;
	}
	read_entries(&r, f);
	if (ferror(f)) {
		diag->errors++;
		nsdconf_diag_line(diag, "%s: error: read error: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return r.malformed;
}
