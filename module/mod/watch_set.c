/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Watch mode's file set: nsd.conf, its includes and the zonelistfile, hashed; their folders. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libknot/errcode.h>

#include "conf/hash.h"
#include "mod/watch_set.h"


static char *abs_path(const char *cwd, const char *name)
{
	char *out = NULL;
	if (name[0] == '/') {
		return strdup(name);
	}
	if (asprintf(&out, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, name) < 0) {
		return NULL;
	}
	return out;
}

/* --- include: names --- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void watch_scan_includes(const char *text, size_t len,
                         void (*cb)(void *ctx, const char *name), void *ctx)
{
	size_t i = 0;
	bool want_name = false;
	char name[PATH_MAX];

	while (i < len) {
		if (is_space(text[i])) {
			i++;
			continue;
		}
		if (text[i] == '#' && !want_name) {
			while (i < len && text[i] != '\n') {
				i++;
			}
			continue;
		}
		size_t start = i, end;
		bool quoted = text[i] == '"';
		if (quoted) {
			start = ++i;
			while (i < len && text[i] != '"' && text[i] != '\n') {
				i++;
			}
			end = i;
			if (i < len && text[i] == '"') {
				i++;
			}
		} else {
			while (i < len && !is_space(text[i])) {
				i++;
			}
			end = i;
		}
		size_t n = end - start;
		if (want_name) {
			want_name = false;
			if (n > 0 && n < sizeof(name)) {
				memcpy(name, text + start, n);
				name[n] = '\0';
				cb(ctx, name);
			}
			continue;
		}
		/* "include:" alone, or glued to its name ("include:/etc/x.conf") */
		if (!quoted && n >= 8 && strncasecmp(text + start, "include:", 8) == 0) {
			if (n == 8) {
				want_name = true;
			} else if (n - 8 < sizeof(name)) {
				memcpy(name, text + start + 8, n - 8);
				name[n - 8] = '\0';
				cb(ctx, name);
			}
		}
	}
}

/* --- the set --- */

struct build {
	struct watch_set *s;
	const char *cwd;
	int err;
};

static int push_str(char ***v, size_t *n, char *str)
{
	if (str == NULL) {
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i], str) == 0) {
			free(str);
			return KNOT_EOK;
		}
	}
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (nv == NULL) {
		free(str);
		return KNOT_ENOMEM;
	}
	*v = nv;
	(*v)[(*n)++] = str;
	return KNOT_EOK;
}

static void add_glob(void *ctx, const char *name)
{
	struct build *b = ctx;
	if (push_str(&b->s->globs, &b->s->ng, abs_path(b->cwd, name)) != KNOT_EOK) {
		b->err = KNOT_ENOMEM;
	}
}

/* Reads path: its hash, and the include: names in it. */
static void read_file(struct build *b, struct watch_file *f, bool scan)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	f->exists = false;
	f->hash = 0;
	if (fd < 0) {
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, len = 0;
	char *text = malloc(cap);
	while (text != NULL) {
		if (len == cap) {
			char *nt = realloc(text, cap * 2);
			if (nt == NULL) {
				free(text);
				text = NULL;
				break;
			}
			text = nt;
			cap *= 2;
		}
		ssize_t r = read(fd, text + len, cap - len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			break;
		}
		len += r;
	}
	close(fd);
	if (text == NULL) {
		b->err = KNOT_ENOMEM;
		return;
	}
	f->exists = true;
	f->hash = nsdconf_hash(text, len, 0);
	if (scan) {
		watch_scan_includes(text, len, add_glob, b);
	}
	free(text);
}

static const struct watch_file *find(const struct watch_set *s, const char *path)
{
	for (size_t i = 0; s != NULL && i < s->nf; i++) {
		if (strcmp(s->f[i].path, path) == 0) {
			return &s->f[i];
		}
	}
	return NULL;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		return strdup(".");
	}
	if (slash == path) {
		return strdup("/");
	}
	return strndup(path, slash - path);
}

static int add_file(struct build *b, const char *name, bool scan, const struct watch_set *prev)
{
	struct watch_set *s = b->s;
	char *path = abs_path(b->cwd, name);
	if (path == NULL) {
		return KNOT_ENOMEM;
	}
	if (find(s, path) != NULL) {
		free(path);
		return KNOT_EOK;
	}
	struct watch_file *nf = realloc(s->f, (s->nf + 1) * sizeof(*nf));
	if (nf == NULL) {
		free(path);
		return KNOT_ENOMEM;
	}
	s->f = nf;
	struct watch_file *f = &s->f[s->nf++];
	*f = (struct watch_file){ .path = path };
	read_file(b, f, scan);
	const struct watch_file *old = find(prev, path);
	if (old != NULL) {
		f->hash = old->hash;
		f->exists = old->exists;
	}
	char real[PATH_MAX];
	if (realpath(path, real) != NULL && strcmp(real, path) != KNOT_EOK) {
		f->real = strdup(real);
		if (f->real == NULL) {
			return KNOT_ENOMEM;
		}
	}
	if (push_str(&s->dirs, &s->nd, dir_of(path)) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	if (f->real != NULL && push_str(&s->dirs, &s->nd, dir_of(f->real)) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	return KNOT_EOK;
}

int watch_set_build(struct watch_set *s, const char *const *files, size_t n,
                    const char *zonelist, const char *cwd, const struct watch_set *prev)
{
	struct build b = { .s = s, .cwd = cwd };
	memset(s, 0, sizeof(*s));

	for (size_t i = 0; i < n && b.err == KNOT_EOK; i++) {
		if (add_file(&b, files[i], true, prev) != KNOT_EOK) {
			b.err = KNOT_ENOMEM;
		}
	}
	if (b.err == KNOT_EOK && zonelist != NULL && zonelist[0] != '\0' &&
	    add_file(&b, zonelist, false, prev) != KNOT_EOK) {
		b.err = KNOT_ENOMEM;
	}
	/* A file that appears where an include: glob points is a change too: watch the
	 * glob's folder when that part has no wildcard. */
	for (size_t i = 0; i < s->ng && b.err == KNOT_EOK; i++) {
		char *dir = dir_of(s->globs[i]);
		if (dir != NULL && strpbrk(dir, "*?[{~") != NULL) {
			free(dir);
			continue;
		}
		if (push_str(&s->dirs, &s->nd, dir) != KNOT_EOK) {
			b.err = KNOT_ENOMEM;
		}
	}
	if (b.err != KNOT_EOK) {
		watch_set_free(s);
	}
	return b.err;
}

void watch_set_free(struct watch_set *s)
{
	for (size_t i = 0; i < s->nf; i++) {
		free(s->f[i].path);
		free(s->f[i].real);
	}
	free(s->f);
	for (size_t i = 0; i < s->ng; i++) {
		free(s->globs[i]);
	}
	free(s->globs);
	for (size_t i = 0; i < s->nd; i++) {
		free(s->dirs[i]);
	}
	free(s->dirs);
	memset(s, 0, sizeof(*s));
}

uint64_t watch_set_signature(const struct watch_set *s)
{
	uint64_t h = 0;
	for (size_t i = 0; i < s->nf; i++) {
		const struct watch_file *f = &s->f[i];
		/* each hash seeds the next: the order of the files counts */
		h = nsdconf_hash(f->path, strlen(f->path) + 1, h);
		h = nsdconf_hash(&f->exists, sizeof(f->exists), h);
		h = nsdconf_hash(&f->hash, sizeof(f->hash), h);
	}
	return h;
}

bool watch_set_relevant(const struct watch_set *s, const char *dir, const char *name)
{
	char full[PATH_MAX];
	if (snprintf(full, sizeof(full), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name) >=
	    (int)sizeof(full)) {
		return true;
	}
	for (size_t i = 0; i < s->nf; i++) {
		if (strcmp(s->f[i].path, full) == 0 ||
		    (s->f[i].real != NULL && strcmp(s->f[i].real, full) == 0)) {
			return true;
		}
	}
	for (size_t i = 0; i < s->ng; i++) {
		/* glob(3) with GLOB_BRACE or GLOB_TILDE: fnmatch cannot say, take it */
		if (strpbrk(s->globs[i], "{~") != NULL) {
			return true;
		}
		if (fnmatch(s->globs[i], full, FNM_PATHNAME | FNM_PERIOD) == 0) {
			return true;
		}
	}
	return false;
}
