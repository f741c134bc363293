/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Watch mode: inotify on nsd.conf, its includes and zonelistfile; debounced re-render, SIGHUP. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <urcu.h>

#include "mod/process_state.h"
#include "mod/watch.h"
#include "mod/watch_set.h"

/* An editor's save is a burst of events (backup, write, rename): act once it is quiet,
 * and at the latest after MAX_WAIT_MS of a file that keeps changing. */
#define QUIET_MS	500
#define MAX_WAIT_MS	3000
/* The reload guard said no, or the include could not be written: look again later. */
#define RETRY_MS	10000
#define EVENTS		(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | \
			 IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

struct wd {
	int wd;
	char *dir;
};

struct watch {
	knotd_mod_t *mod;
	char *config;
	char *include;
	char cwd[PATH_MAX];
	unsigned gen;             /* nsd_process.watch_gen when this one became the newest */

	int ifd;
	int stop_fd;
	struct wd *wds;
	size_t n_wds;
	struct watch_set set;    /* what knotd's running configuration was read from */
	struct watch_set seen;   /* what the last look found (may hold a broken state) */
	bool seen_model;         /* the keeper's parse delivered a model */

	pthread_t tid;
	bool running;
	atomic_bool stop;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void watch_log(void *ctx, int priority, const char *fmt, ...)
{
	struct watch *w = ctx;
	va_list ap;
	va_start(ap, fmt);
	knotd_mod_vlog(w->mod, priority, fmt, ap);
	va_end(ap);
}

static void sync_watches(struct watch *w, const struct watch_set *s)
{
	for (size_t i = 0; i < s->nd; i++) {
		bool have = false;
		for (size_t k = 0; k < w->n_wds && !have; k++) {
			have = strcmp(w->wds[k].dir, s->dirs[i]) == 0;
		}
		if (have) {
			continue;
		}
		int wd = inotify_add_watch(w->ifd, s->dirs[i], EVENTS | IN_ONLYDIR);
		if (wd < 0) {
			knotd_mod_log(w->mod, LOG_DEBUG, "watch: cannot watch folder '%s' (%s)",
			              s->dirs[i], strerror(errno));
			continue;
		}
		struct wd *nw = realloc(w->wds, (w->n_wds + 1) * sizeof(*nw));
		char *dir = strdup(s->dirs[i]);
		if (nw == NULL || dir == NULL) {
			free(dir);
			if (nw != NULL) {
				w->wds = nw;
			}
			inotify_rm_watch(w->ifd, wd);
			continue;
		}
		w->wds = nw;
		w->wds[w->n_wds++] = (struct wd){ wd, dir };
	}
}

static const char *wd_dir(const struct watch *w, int wd)
{
	for (size_t k = 0; k < w->n_wds; k++) {
		if (w->wds[k].wd == wd) {
			return w->wds[k].dir;
		}
	}
	return NULL;
}

static void wd_forget(struct watch *w, int wd)
{
	for (size_t k = 0; k < w->n_wds; k++) {
		if (w->wds[k].wd == wd) {
			free(w->wds[k].dir);
			w->wds[k] = w->wds[--w->n_wds];
			return;
		}
	}
}

/* The paths of a model (nsd.conf and its includes) and its zonelistfile. */
static int model_set(struct watch *w, const struct nsdconf_model *m, struct watch_set *out,
                     const struct watch_set *prev)
{
	const char *zl = nsdconf_gstr(m, NSDCONF_G_ZONELISTFILE);
	return watch_set_build(out, (const char *const *)m->files, m->n_files, zl, w->cwd, prev);
}

/* The same files again, read now (nsd.conf broken: no model to say more). */
static int reread_set(struct watch *w, const struct watch_set *from, struct watch_set *out)
{
	const char **paths = calloc(from->nf + 1, sizeof(*paths));
	if (paths == NULL) {
		return KNOT_ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < from->nf; i++) {
		paths[n++] = from->f[i].path;
	}
	int ret = watch_set_build(out, paths, n, NULL, w->cwd, NULL);
	free(paths);
	return ret;
}

/* What the next instance watches before its parse (nsd_process, watch_lock). The
 * zonelistfile is among the files (watch_set_build drops the second copy). */
static void remember(const struct watch_set *s, const char *zonelist)
{
	struct process_state *ps = &nsd_process;
	pthread_mutex_lock(&ps->watch_lock);
	for (size_t i = 0; i < ps->watch_n_files; i++) {
		free(ps->watch_files[i]);
	}
	free(ps->watch_files);
	free(ps->watch_zonelist);
	ps->watch_n_files = 0;
	ps->watch_zonelist = zonelist != NULL ? strdup(zonelist) : NULL;
	ps->watch_files = calloc(s->nf > 0 ? s->nf : 1, sizeof(*ps->watch_files));
	for (size_t i = 0; ps->watch_files != NULL && i < s->nf; i++) {
		ps->watch_files[ps->watch_n_files] = strdup(s->f[i].path);
		if (ps->watch_files[ps->watch_n_files] != NULL) {
			ps->watch_n_files++;
		}
	}
	pthread_mutex_unlock(&ps->watch_lock);
}

/* --- acting on a change --- */

/* The files the model was read from: what a reload would run on. */
static void capture_model(struct watch *w, const struct nsdconf_model *m)
{
	struct watch_set s;
	if (model_set(w, m, &s, NULL) != KNOT_EOK) {
		return;
	}
	watch_set_free(&w->seen);
	w->seen = s;
	w->seen_model = true;
	remember(&w->seen, nsdconf_gstr(m, NSDCONF_G_ZONELISTFILE));
}

/* As nsd.c asks for a reload: only with knotd's handler installed, within the guard. */
static bool ask_reload(struct watch *w, uint64_t hash, uint64_t input, bool written)
{
	struct sigaction sa;
	if (sigaction(SIGHUP, NULL, &sa) != 0 || sa.sa_handler == SIG_DFL ||
	    sa.sa_handler == SIG_IGN) {
		knotd_mod_log(w->mod, LOG_ERR, "watch: %s changed, but knotd has no SIGHUP "
		              "handler; run 'knotc reload'", w->config);
		return true;   /* nothing to try again */
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!keeper_guard_allow(&nsd_process.keeper, hash, input, now.tv_sec)) {
		knotd_mod_log(w->mod, LOG_WARNING, "watch: %s changed, but knotd was asked to "
		              "reload too often; trying again in %d s", w->config, RETRY_MS / 1000);
		return false;
	}
	if (written) {
		knotd_mod_log(w->mod, LOG_NOTICE, "watch: %s changed, '%s' updated, reloading",
		              w->config, w->include);
	} else {
		knotd_mod_log(w->mod, LOG_NOTICE, "watch: %s changed, reloading", w->config);
	}
	kill(getpid(), SIGHUP);
	return true;
}

/* What 'knotc reload' would do: render, compare, write, reload; but a reload only when
 * something changed. Returns false to be called again later. */
static bool settle(struct watch *w)
{
	if (atomic_load(&nsd_process.watch_gen) != w->gen) {
		return true;   /* a newer instance watches (our SIGHUP, or knotc reload) */
	}

	struct keeper_opts ko = {
		.config = w->config,
		.include = w->include,
		.log = watch_log,
		.log_ctx = w,
	};
	uint64_t hash = 0;
	bool done = true;

	pthread_mutex_lock(&nsd_process.keeper_lock);
	if (atomic_load(&nsd_process.watch_gen) != w->gen) {
		/* a load ran while we waited for the lock: it read the edit already */
		pthread_mutex_unlock(&nsd_process.keeper_lock);
		return true;
	}
	w->seen_model = false;
	enum keeper_result res = KEEPER_BROKEN;
	uint64_t input = 0;
	struct nsdconf_model *m = keeper_parse(&ko);
	if (m != NULL) {
		capture_model(w, m);
		res = keeper_update(&ko, &nsd_process.keeper, m, &hash);
		/* the fingerprint a load takes too, so that the guard compares like with like */
		input = res == KEEPER_WRITTEN ? keeper_input_hash(m) : 0;
		nsdconf_model_free(m);
	}
	if (!w->seen_model) {
		struct watch_set s;
		if (reread_set(w, &w->set, &s) == KNOT_EOK) {
			watch_set_free(&w->seen);
			w->seen = s;
		}
	}
	sync_watches(w, &w->seen);   /* a folder an include now names is watched from now */
	uint64_t sig = watch_set_signature(&w->seen);
	bool changed = res == KEEPER_WRITTEN || sig != watch_set_signature(&w->set);

	switch (res) {
	case KEEPER_BROKEN:
		break;   /* logged; the next edit (the fix) is seen */
	case KEEPER_FAILED:
		done = false;   /* e.g. the include folder not writable yet */
		break;
	default:
		if (changed) {
			/* without a new text, the watcher's signature of the files it saw
			 * is their fingerprint */
			done = ask_reload(w, res == KEEPER_WRITTEN ? hash : sig,
			                  res == KEEPER_WRITTEN ? input : sig, res == KEEPER_WRITTEN);
		}
		if (done && w->seen_model) {
			/* the running configuration is now what was seen */
			watch_set_free(&w->set);
			w->set = w->seen;
			memset(&w->seen, 0, sizeof(w->seen));
		}
		break;
	}
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	return done;
}

static bool relevant(struct watch *w, char *buf, ssize_t len)
{
	bool any = false;

	for (char *p = buf; p < buf + len;) {
		struct inotify_event *ev = (struct inotify_event *)p;
		p += sizeof(*ev) + ev->len;
		if (ev->mask & IN_Q_OVERFLOW) {
			any = true;
			continue;
		}
		if (ev->mask & IN_IGNORED) {
			wd_forget(w, ev->wd);   /* the folder went away: watched again at settle */
			any = true;
			continue;
		}
		const char *dir = wd_dir(w, ev->wd);
		if (dir == NULL) {
			continue;
		}
		if (ev->len == 0 || ev->name[0] == '\0') {
			any |= (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0;
			continue;
		}
		if (watch_set_relevant(&w->set, dir, ev->name) ||
		    watch_set_relevant(&w->seen, dir, ev->name)) {
			any = true;
		}
	}
	return any;
}

static uint64_t settle_due(uint64_t first, uint64_t last, uint64_t retry_at)
{
	uint64_t due = last + QUIET_MS < first + MAX_WAIT_MS ? last + QUIET_MS
	                                                     : first + MAX_WAIT_MS;
	return retry_at > due ? retry_at : due;
}

static void loop(struct watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	uint64_t first = 0, last = 0, retry_at = 0;
	bool dirty = false;

	while (!atomic_load(&w->stop)) {
		int timeout = -1;
		if (dirty) {
			uint64_t now = now_ms(), due = settle_due(first, last, retry_at);
			timeout = due > now ? (int)(due - now) : 0;
		}
		struct pollfd p[2] = {
			{ .fd = w->stop_fd, .events = POLLIN },
			{ .fd = w->ifd, .events = POLLIN },
		};
		int r = poll(p, 2, timeout);
		if (atomic_load(&w->stop) || (r > 0 && p[0].revents != 0)) {
			break;
		}
		if (r > 0 && (p[1].revents & POLLIN)) {
			ssize_t len;
			while ((len = read(w->ifd, buf, sizeof(buf))) > 0) {
				if (relevant(w, buf, len)) {
					uint64_t now = now_ms();
					if (!dirty) {
						first = now;
					}
					dirty = true;
					last = now;
				}
			}
		}
		if (dirty && now_ms() >= settle_due(first, last, retry_at)) {
			if (settle(w)) {
				dirty = false;
				retry_at = 0;
			} else {
				retry_at = now_ms() + RETRY_MS;
			}
		}
	}
}

static void *thread_main(void *arg)
{
	struct watch *w = arg;

	rcu_register_thread();   /* it logs: knotd's logger is read under RCU */
	loop(w);
	rcu_unregister_thread();
	return NULL;
}

static void watch_free(struct watch *w)
{
	for (size_t k = 0; k < w->n_wds; k++) {
		free(w->wds[k].dir);
	}
	free(w->wds);
	watch_set_free(&w->set);
	watch_set_free(&w->seen);
	if (w->ifd >= 0) {
		close(w->ifd);
	}
	if (w->stop_fd >= 0) {
		close(w->stop_fd);
	}
	free(w->config);
	free(w->include);
	free(w);
}

/* The files the previous instance watched (nsd.conf alone at start), as they are now;
 * this instance becomes the one whose watcher acts once it has them. The names are
 * copied under watch_lock and the files read after it (the lock is a leaf, held for
 * no I/O: the watcher takes it under keeper_lock). */
static int watch_take_over(struct watch *w)
{
	struct process_state *ps = &nsd_process;
	pthread_mutex_lock(&ps->watch_lock);
	size_t n = ps->watch_n_files, k = 0;
	char **files = calloc(n + 1, sizeof(*files));
	char *zonelist = ps->watch_zonelist != NULL ? strdup(ps->watch_zonelist) : NULL;
	bool copied = files != NULL && (ps->watch_zonelist == NULL || zonelist != NULL);
	if (copied) {
		files[k++] = w->config;   /* first: the nsd.conf of this instance */
		for (size_t i = 0; i < n && copied; i++) {
			if (strcmp(ps->watch_files[i], w->config) != 0) {
				files[k] = strdup(ps->watch_files[i]);
				copied = files[k++] != NULL;
			}
		}
	}
	pthread_mutex_unlock(&ps->watch_lock);

	int ret = copied ? watch_set_build(&w->set, (const char *const *)files, k, zonelist, w->cwd,
	                                   NULL) : KNOT_ENOMEM;
	if (ret == KNOT_EOK) {
		/* only now: a failed take-over leaves the older watcher acting */
		w->gen = atomic_fetch_add(&ps->watch_gen, 1) + 1;
	}
	for (size_t i = 1; files != NULL && i < k; i++) {
		free(files[i]);
	}
	free(files);
	free(zonelist);
	return ret;
}

static int watch_new(const struct watch_opts *o, struct watch **out)
{
	struct watch *w = calloc(1, sizeof(*w));
	*out = w;
	if (w == NULL) {
		return KNOT_ENOMEM;
	}
	w->ifd = -1;
	w->stop_fd = -1;
	w->mod = o->mod;
	w->config = strdup(o->config);
	w->include = strdup(o->include);
	if (w->config == NULL || w->include == NULL) {
		return KNOT_ENOMEM;
	}
	if (getcwd(w->cwd, sizeof(w->cwd)) == NULL) {
		strcpy(w->cwd, "/");
	}
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0) {
		return knot_map_errno();
	}
	w->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->stop_fd < 0) {
		return knot_map_errno();
	}
	return KNOT_EOK;
}

int watch_prepare(const struct watch_opts *o, struct watch **out)
{
	struct watch *w = NULL;
	int ret = watch_new(o, &w);
	if (ret == KNOT_EOK) {
		ret = watch_take_over(w);
	}
	if (ret != KNOT_EOK) {
		knotd_mod_log(o->mod, LOG_ERR, "watch: cannot watch %s (%s); apply edits with "
		              "'knotc reload'", o->config, knot_strerror(ret));
		if (w != NULL) {
			watch_free(w);
		}
		*out = NULL;
		return ret;
	}
	sync_watches(w, &w->set);
	*out = w;
	return KNOT_EOK;
}

int watch_start(struct watch *w, const struct nsdconf_model *m)
{
	if (w == NULL || w->running) {
		return KNOT_EOK;
	}
	struct watch_set s;
	if (m != NULL) {
		if (model_set(w, m, &s, &w->set) == KNOT_EOK) {
			watch_set_free(&w->set);
			w->set = s;
			remember(&w->set, nsdconf_gstr(m, NSDCONF_G_ZONELISTFILE));
		}
	} else {
		/* broken: the include: names in the files say where a fix may come from */
		if (reread_set(w, &w->set, &s) == KNOT_EOK) {
			w->seen = s;
		}
		sync_watches(w, &w->seen);
	}
	sync_watches(w, &w->set);

	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int ret = pthread_create(&w->tid, NULL, thread_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0) {
		ret = knot_map_errno_code(ret);
		knotd_mod_log(w->mod, LOG_ERR, "watch: cannot start the thread (%s); apply edits "
		              "with 'knotc reload'", knot_strerror(ret));
		return ret;
	}
	w->running = true;
	knotd_mod_log(w->mod, LOG_INFO, "watch: following %zu file%s of %s", w->set.nf,
	              w->set.nf == 1 ? "" : "s", w->config);
	return KNOT_EOK;
}

void watch_stop(struct watch *w)
{
	if (w == NULL) {
		return;
	}
	if (w->running) {
		atomic_store(&w->stop, true);
		uint64_t one = 1;
		if (write(w->stop_fd, &one, sizeof(one)) < 0) {
			/* poll also wakes for inotify; the flag is read after each wake-up */
		}
		pthread_join(w->tid, NULL);
	}
	watch_free(w);
}
