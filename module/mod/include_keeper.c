/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Include keeper: nsd.conf -> Knot include text -> atomic replacement of the file on disk. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <libknot/errcode.h>
#include <libknot/error.h>

#include "conf/checks.h"
#include "conf/file_replace.h"
#include "conf/hash.h"
#include "conf/model.h"
#include "knotmap/knotmap.h"
#include "mod/include_keeper.h"

/* NSD syntax accepted in the module: everything the core knows (4.6.1 up to 4.15). */
#define KEEPER_NSD_VERSION	4150
/* Mapping notes logged per configuration: 100 000 zones must not flood the log. */
#define KEEPER_NOTES_MAX	100

uint64_t keeper_hash(const char *text, size_t len)
{
	return nsdconf_hash(text, len, 0);
}

/* Reloads asked for within the window before now (the ring holds the last EDITS). */
static unsigned asked_within(const struct keeper_state *st, time_t now)
{
	unsigned n = st->n_reloads < KEEPER_GUARD_EDITS ? st->n_reloads : KEEPER_GUARD_EDITS;
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++) {
		count += now - st->reloads[i] < KEEPER_GUARD_WINDOW;
	}
	return count;
}

bool keeper_guard_allow(struct keeper_state *st, uint64_t hash, uint64_t input, time_t now)
{
	if (st->n_reloads > 0) {
		time_t last = st->reloads[(st->n_reloads - 1) % KEEPER_GUARD_EDITS];
		/* The reload asked for this text already happened (or is under way) and
		 * rendered it again: asking again cannot help and may loop. */
		if (hash == st->reload_hash && now - last < KEEPER_GUARD_WINDOW) {
			return false;
		}
	}
	bool edited = st->n_reloads == 0 || input != st->reload_input;
	if (asked_within(st, now) >= (edited ? KEEPER_GUARD_EDITS : KEEPER_GUARD_MAX)) {
		return false;
	}
	st->reloads[st->n_reloads % KEEPER_GUARD_EDITS] = now;
	st->n_reloads++;
	st->reload_hash = hash;
	st->reload_input = input;
	return true;
}

uint64_t keeper_input_hash(const struct nsdconf_model *m)
{
	uint64_t h = 0x6e73642e636f6e66ULL;
	char buf[65536];

	for (int i = 0; i < m->n_files; i++) {
		const char *name = m->files[i];
		int fd = open(name, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		h = nsdconf_hash(name, strlen(name) + 1, h);
		if (fd < 0) {
			continue;   /* gone since the parse: the next edit is another fingerprint */
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			h = nsdconf_hash(buf, (size_t)n, h);
		}
		close(fd);
	}
	for (int i = 0; i < m->n_zones; i++) {
		const struct nsdconf_zone *z = m->zones[i];

		if (!z->part_of_config) {
			h = nsdconf_hash(z->name, strlen(z->name) + 1, h);
			h = nsdconf_hash(z->pattern->name, strlen(z->pattern->name) + 1, h);
		}
	}
	return h;
}

/* --- the file on disk --- */

/* Whether path holds exactly text (a missing or unreadable file does not). */
static bool file_equals(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}

	struct stat s;
	bool same = fstat(fd, &s) == 0 && S_ISREG(s.st_mode) && (size_t)s.st_size == len;
	char buf[65536];
	size_t off = 0;
	while (same && off < len) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0 || off + (size_t)n > len || memcmp(buf, text + off, n) != 0) {
			same = false;
		} else {
			off += n;
		}
	}
	close(fd);
	return same;
}

static void log_write_error(const struct keeper_opts *o, const char *what, const char *path,
                            int err)
{
	if (err == EACCES || err == EPERM || err == EROFS) {
		o->log(o->log_ctx, LOG_ERR, "cannot %s '%s' (%s): the folder of knot-include "
		       "must be writable by the user knotd runs as (uid %u)", what, path,
		       strerror(err), (unsigned)geteuid());
	} else {
		o->log(o->log_ctx, LOG_ERR, "cannot %s '%s' (%s)", what, path, strerror(err));
	}
}

/* A knotd killed between writing "<include>.tmp.<pid>" and the rename leaves that file
 * behind (the include's glob, *.conf, does not match it, so knotd never reads it).
 * Removes those of processes that no longer exist; another live knotd's is its own. */
static void remove_stale_temps(const struct keeper_opts *o, const char *dir)
{
	const char *base = strrchr(o->include, '/');
	base = base != NULL ? base + 1 : o->include;
	size_t blen = strlen(base);
	DIR *d = opendir(dir);
	if (d == NULL) {
		return;
	}
	for (struct dirent *e; (e = readdir(d)) != NULL; ) {
		const char *name = e->d_name;
		if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp.", 5) != 0) {
			continue;
		}
		char *end;
		errno = 0;
		long pid = strtol(name + blen + 5, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || end == name + blen + 5 ||
		    pid == (long)getpid() || pid != (long)(pid_t)pid) {
			continue;
		}
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) {
			continue;
		}
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
			continue;
		}
		if (unlink(path) == 0) {
			o->log(o->log_ctx, LOG_NOTICE, "removed '%s', left by a write that did "
			       "not finish (process %ld is gone)", path, pid);
		}
	}
	closedir(d);
}

enum keeper_result keeper_apply(const struct keeper_opts *o, const char *text, size_t len)
{
	char dir[PATH_MAX];
	nsdconf_dir_of(o->include, dir, sizeof(dir));
	remove_stale_temps(o, dir);

	if (file_equals(o->include, text, len)) {
		return KEEPER_UNCHANGED;
	}

	if (mkdir(dir, 0750) == 0) {
		o->log(o->log_ctx, LOG_INFO, "created folder '%s'", dir);
	} else if (errno != EEXIST) {
		log_write_error(o, "create folder", dir, errno);
		return KEEPER_FAILED;
	}

	/* Secrets of nsd.conf end up in the include: not for others to read. */
	char failed[PATH_MAX + 32];
	int dir_err = 0;
	int err = nsdconf_file_replace(o->include, text, len, 0640, failed, sizeof(failed),
	                               &dir_err);
	if (err != 0) {
		log_write_error(o, strcmp(failed, o->include) == 0 ? "replace" : "write",
		                failed, err);
		return KEEPER_FAILED;
	}
	if (dir_err != 0) {
		o->log(o->log_ctx, LOG_WARNING, "cannot sync folder '%s' (%s)", dir,
		       strerror(dir_err));
	}
	return KEEPER_WRITTEN;
}

/* --- nsd.conf -> text --- */

struct diag_ctx {
	const struct keeper_opts *o;
	bool semantic;  /* nsd-checkconf's extra checks: NSD itself runs such a config */
};

/* NSD's own lines ("file:line: error: ..."), at the level NSD gives them. */
static void diag_sink(void *ctx, const char *line)
{
	struct diag_ctx *dc = ctx;
	int prio = dc->semantic || strstr(line, ": warning: ") != NULL ? LOG_WARNING : LOG_ERR;
	dc->o->log(dc->o->log_ctx, prio, "%s", line);
}

/* Mapping notes, held back until it is known whether this text was reported already. */
struct notes {
	struct note {
		int prio;
		char *text;
	} *v;
	size_t n, cap;
	size_t dropped;  /* beyond KEEPER_NOTES_MAX */
};

static void notes_free(struct notes *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->v[i].text);
	}
	free(ns->v);
}

static void note_collect(void *ctx, const struct knotmap_note *note)
{
	struct notes *ns = ctx;
	int prio;
	const char *verdict;

	switch (note->verdict) {
	case NSDCONF_K_APPROX:
		prio = note->security ? LOG_WARNING : LOG_NOTICE;
		verdict = note->security ? "approximated, wider without mod-nsd" : "approximated";
		break;
	case NSDCONF_K_UNSUPPORTED:
		prio = LOG_WARNING;
		verdict = "not supported";
		break;
	case NSDCONF_K_MODULE:
		prio = LOG_INFO;
		verdict = "enforced by mod-nsd";
		break;
	default:
		return; /* exact, or no effect on serving */
	}
	if (ns->n == KEEPER_NOTES_MAX) {
		ns->dropped++;
		return;
	}
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 16;
		struct note *v = realloc(ns->v, cap * sizeof(*v));
		if (v == NULL) {
			return;
		}
		ns->v = v;
		ns->cap = cap;
	}
	char where[32] = "";
	if (note->line > 0) {
		snprintf(where, sizeof(where), ":%d", note->line);
	}
	char *text = NULL;
	if (asprintf(&text, "%s%s: %s: %s, %s", note->file ? note->file : "nsd.conf", where,
	             note->option ? note->option : "?", verdict,
	             note->how ? note->how : "") < 0) {
		return;
	}
	ns->v[ns->n++] = (struct note){ prio, text };
}

static int render(const struct keeper_opts *o, const struct keeper_state *st,
                  const struct nsdconf_model *m, struct notes *ns, struct knotmap_buf *out)
{
	char cwd[PATH_MAX];
	const char *start = o->cwd;
	if (start == NULL) {
		start = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "/";
	}

	struct knotmap_self_notify self = { st->self_address, st->self_secret };
	struct knotmap_opts mo = {
		.full = false,
		.cwd = start,
		.self_notify = st->self_address[0] != '\0' ? &self : NULL,
		.report = note_collect,
		.report_ctx = ns,
	};
	return knotmap_render(m, &mo, out);
}

/* The id of the first template section of a rendered include: mod-nsd looks it up in
 * knotd's configuration to tell whether knot.conf includes the file at all. */
static void first_template(const char *text, char *out, size_t size)
{
	static const char head[] = "\ntemplate:\n  - id: ";
	const char *p = strstr(text, head);
	out[0] = '\0';
	if (p == NULL) {
		return;
	}
	p += sizeof(head) - 1;
	size_t n = strcspn(p, "\n");
	if (n < size) {
		snprintf(out, size, "%.*s", (int)n, p);
	}
}

struct nsdconf_model *keeper_parse(const struct keeper_opts *o)
{
	struct diag_ctx dc = { o, false };
	struct nsdconf_diag diag = { .sink = diag_sink, .ctx = &dc };
	/* nsd.conf read as the NSD beside knotd reads it (its checks and defaults) */
	struct nsdconf_parse_opts po = { .max_version = KEEPER_NSD_VERSION, .read_zonelist = true,
	                                 .release = nsdconf_release_build() };

	struct nsdconf_model *m = nsdconf_parse_file(o->config, &po, &diag);
	if (m != NULL && diag.errors == 0 && !diag.fatal) {
		return m;
	}
	if (m == NULL && access(o->config, R_OK) != 0 && errno == EACCES) {
		o->log(o->log_ctx, LOG_ERR, "'%s' must be readable by the user knotd runs "
		       "as (uid %u)", o->config, (unsigned)geteuid());
	}
	o->log(o->log_ctx, LOG_ERR, "%s has errors; '%s' left as it is, knotd keeps "
	       "serving what it has", o->config, o->include);
	nsdconf_model_free(m);
	return NULL;
}

/* Mapping notes once per distinct text: a reload that renders the same text again
 * (every 'knotc reload') must not log them again. */
static void report_notes(const struct keeper_opts *o, struct keeper_state *st,
                         const struct notes *ns, uint64_t hash)
{
	if (hash == st->reported_hash) {
		return;
	}
	for (size_t i = 0; i < ns->n; i++) {
		o->log(o->log_ctx, ns->v[i].prio, "%s", ns->v[i].text);
	}
	if (ns->dropped > 0) {
		o->log(o->log_ctx, LOG_NOTICE, "%zu more options of %s cannot be honoured "
		       "exactly (not logged)", ns->dropped, o->config);
	}
	st->reported_hash = hash;
}

enum keeper_result keeper_update(const struct keeper_opts *o, struct keeper_state *st,
                                 struct nsdconf_model *m, uint64_t *hash)
{
	struct diag_ctx dc = { o, true };
	struct nsdconf_diag diag = { .sink = diag_sink, .ctx = &dc };
	struct notes ns = { 0 };
	struct knotmap_buf text = { 0 };
	*hash = 0;

	int ret = render(o, st, m, &ns, &text);
	/* nsd-checkconf would reject these, NSD starts with them: so do we. After the
	 * rendering: the checks touch the model as nsd-checkconf does (chroot slashes). */
	nsdconf_semantic_checks(m, o->config, &diag);
	/* No text at all, never a part: the include and knotd's configuration stay. */
	if (ret == KNOT_ENOMEM) {
		o->log(o->log_ctx, LOG_ERR, "out of memory rendering the Knot configuration of "
		       "%s; '%s' left as it is, knotd keeps serving what it has", o->config,
		       o->include);
	} else if (ret != KNOT_EOK) {
		o->log(o->log_ctx, LOG_ERR, "cannot render the Knot configuration of %s (%s); "
		       "'%s' left as it is", o->config, knot_strerror(ret), o->include);
	}
	if (ret != KNOT_EOK) {
		notes_free(&ns);
		knotmap_buf_free(&text);
		return KEEPER_FAILED;
	}

	*hash = keeper_hash(text.data, text.len);
	first_template(text.data, st->first_template, sizeof(st->first_template));
	report_notes(o, st, &ns, *hash);
	notes_free(&ns);

	enum keeper_result res = keeper_apply(o, text.data, text.len);
	knotmap_buf_free(&text);
	return res;
}

enum keeper_result keeper_run(const struct keeper_opts *o, struct keeper_state *st,
                              uint64_t *hash)
{
	*hash = 0;
	struct nsdconf_model *m = keeper_parse(o);
	if (m == NULL) {
		return KEEPER_BROKEN;
	}
	enum keeper_result res = keeper_update(o, st, m, hash);
	nsdconf_model_free(m);
	return res;
}
