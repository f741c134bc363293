/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender thread: start-up and new-target NOTIFYs over UDP, as NSD sends them. */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <urcu.h>

#include "mod/notify_io.h"
#include "mod/notify_plan.h"
#include "mod/notify_thread.h"
#include "mod/notify_zone.h"
#include "mod/process_state.h"

/* NSD 4.6.1 XFRD_MAX_UDP_NOTIFY: zones notifying at the same time. */
#define ACTIVE_ZONES_MAX	128
#define POLL_MAX_MS		1000

struct notify_thread {
	knotd_mod_t *mod;
	unsigned gen;              /* nsd_process.notify_gen when this one became the newest */
	struct notify_plan *plan;
	struct notify_io io;
	struct nzone *zones;       /* plan->n_zones */
	uint32_t *active;          /* zones notifying now, at most ACTIVE_ZONES_MAX */
	size_t n_active, next;     /* next: the first zone not activated yet */
	struct pollfd *pfd;        /* stop_fd, knotd_fd, the sockets */
	size_t pfd_socks;          /* io.n_socks when pfd was sized */

	notify_superseded_t superseded;
	void *superseded_ctx;
	int stop_fd;
	atomic_bool stop;
	pthread_t tid;
	bool running;
};

static void thread_free(struct notify_thread *t)
{
	for (size_t i = 0; t->zones != NULL && i < t->plan->n_zones; i++) {
		nzone_free(&t->zones[i]);
	}
	free(t->zones);
	notify_plan_free(t->plan);
	notify_io_deinit(&t->io);
	free(t->pfd);
	free(t->active);
	if (t->stop_fd >= 0) {
		close(t->stop_fd);
	}
	free(t);
}

/* --- whose turn it is: the process's registry (nsd_process, notify_lock) --- */

static bool current(const struct notify_thread *t)
{
	return !atomic_load(&t->stop) && atomic_load(&nsd_process.notify_gen) == t->gen;
}

/* Makes the registry hold the plan's targets and this thread the one that sends.
 * *pending: how many targets this process has not notified yet. */
static int registry_take(struct notify_thread *t, size_t *pending)
{
	const char **keys = NULL;
	size_t n = t->plan->n_targets;
	int ret = notify_plan_reg_keys(t->plan, &keys);
	bool *pend = calloc(n > 0 ? n : 1, sizeof(*pend));
	if (ret != KNOT_EOK || pend == NULL) {
		free(keys);
		free(pend);
		return KNOT_ENOMEM;
	}
	pthread_mutex_lock(&nsd_process.notify_lock);
	ret = nsched_registry_update(&nsd_process.notify_registry, keys, n, pend);
	/* The instance a reload creates takes over; the older thread stops sending. */
	t->gen = atomic_fetch_add(&nsd_process.notify_gen, 1) + 1;
	pthread_mutex_unlock(&nsd_process.notify_lock);
	*pending = 0;
	for (size_t i = 0; i < n; i++) {
		*pending += pend[i];
	}
	free(keys);
	free(pend);
	return ret;
}

/* --- the thread --- */

static void receive(struct notify_thread *t, int fd)
{
	uint8_t buf[65535];

	for (int n = 0; n < 256; n++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (len < 0) {
			return;
		}
		if (len < KNOT_WIRE_HEADER_SIZE) {
			continue;
		}
		const struct notify_io_owner *o = notify_io_owner(&t->io, knot_wire_get_id(buf));
		if (o != NULL) {
			nzone_answer(&t->zones[o->zone], o->target, fd, &from, buf, len,
			             notify_now_ms());
		}
	}
}

/* Zones start in nsd.conf's order, at most ACTIVE_ZONES_MAX at a time (NSD's limit). */
static void activate_zones(struct notify_thread *t, uint64_t now)
{
	while (t->n_active < ACTIVE_ZONES_MAX && t->next < t->plan->n_zones) {
		struct nzone *z = &t->zones[t->next];
		int ret = nzone_activate(z, now);
		if (ret != KNOT_EOK) {
			knotd_mod_log(t->mod, LOG_ERR, "zone %s, no NOTIFY (%s)", z->p->txt,
			              knot_strerror(ret));
			nzone_abandon(z);
		}
		if (!nzone_finished(z)) {
			t->active[t->n_active++] = (uint32_t)t->next;
		}
		t->next++;
	}
}

/* Does what is due in the active zones; drops the finished ones. When the next thing
 * is due. */
static uint64_t step_zones(struct notify_thread *t, uint64_t now)
{
	uint64_t due = UINT64_MAX;
	for (size_t i = 0; i < t->n_active;) {
		struct nzone *z = &t->zones[t->active[i]];
		nzone_step(z, now);
		if (nzone_finished(z)) {
			t->active[i] = t->active[--t->n_active];
			continue;
		}
		uint64_t d = nzone_due(z);
		due = d < due ? d : due;
		i++;
	}
	return due;
}

/* The descriptors to wait on: the stop event first. Their number, 0 on ENOMEM. */
static size_t poll_set(struct notify_thread *t)
{
	if (t->pfd == NULL || t->pfd_socks != t->io.n_socks) {
		struct pollfd *np = realloc(t->pfd, (t->io.n_socks + 2) * sizeof(*np));
		if (np == NULL) {
			return 0;
		}
		t->pfd = np;
		t->pfd_socks = t->io.n_socks;
	}
	size_t nfd = 0;
	t->pfd[nfd++] = (struct pollfd){ .fd = t->stop_fd, .events = POLLIN };
	if (t->io.knotd_fd >= 0) {
		t->pfd[nfd++] = (struct pollfd){ .fd = t->io.knotd_fd, .events = POLLIN };
	}
	for (size_t i = 0; i < t->io.n_socks; i++) {
		if (t->io.socks[i].fd >= 0) {
			t->pfd[nfd++] = (struct pollfd){ .fd = t->io.socks[i].fd,
			                                 .events = POLLIN };
		}
	}
	return nfd;
}

/* Waits for answers until due (POLL_MAX_MS at most) and reads them. false: stop. */
static bool wait_answers(struct notify_thread *t, uint64_t due)
{
	size_t nfd = poll_set(t);
	if (nfd == 0) {
		knotd_mod_log(t->mod, LOG_ERR, "NOTIFY sender stopped (%s)",
		              knot_strerror(KNOT_ENOMEM));
		return false;
	}
	uint64_t now = notify_now_ms();
	int timeout = due <= now ? 0 : due - now > POLL_MAX_MS ? POLL_MAX_MS : (int)(due - now);
	if (poll(t->pfd, nfd, timeout) <= 0) {
		return true;
	}
	if (t->pfd[0].revents != 0) {
		return false;   /* unload */
	}
	for (size_t i = 1; i < nfd; i++) {
		if (t->pfd[i].revents & POLLIN) {
			receive(t, t->pfd[i].fd);
		}
	}
	return true;
}

static void run(struct notify_thread *t)
{
	while (current(t)) {
		uint64_t now = notify_now_ms();
		activate_zones(t, now);
		if (t->n_active == 0) {
			break;   /* every zone done */
		}
		uint64_t due = step_zones(t, now);
		if (t->n_active > 0 && !wait_answers(t, due)) {
			break;
		}
	}
}

static void *thread_main(void *arg)
{
	struct notify_thread *t = arg;

	/* knotd's logger is read under RCU: a thread that logs must be registered, or
	 * a reload frees the log target under it. */
	rcu_register_thread();
	int later = t->superseded != NULL ? t->superseded(t->superseded_ctx) : 0;
	while (later < 0 && !atomic_load(&t->stop)) {
		struct pollfd p = { .fd = t->stop_fd, .events = POLLIN };
		(void)poll(&p, 1, 20);
		later = t->superseded(t->superseded_ctx);
	}
	if (later == 0) {
		run(t);
	}
	rcu_unregister_thread();
	return NULL;
}

/* --- start and stop (knotd's main thread) --- */

static void bad_key(void *ctx, const char *name, int ret)
{
	knotd_mod_log(ctx, LOG_WARNING, "key '%s' cannot be used to sign NOTIFY (%s)", name,
	              knot_strerror(ret));
}

/* What the thread needs besides the plan: its zones, the stop event, its I/O. */
static int thread_prepare(struct notify_thread *t)
{
	t->zones = calloc(t->plan->n_zones > 0 ? t->plan->n_zones : 1, sizeof(*t->zones));
	t->active = calloc(ACTIVE_ZONES_MAX, sizeof(*t->active));
	if (t->zones == NULL || t->active == NULL) {
		return KNOT_ENOMEM;
	}
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->stop_fd < 0) {
		return knot_map_errno();
	}
	int ret = notify_io_init(&t->io, t->mod);
	for (size_t i = 0; i < t->plan->n_zones && ret == KNOT_EOK; i++) {
		nzone_init(&t->zones[i], t->mod, &t->io, t->plan, (uint32_t)i);
	}
	return ret;
}

static int thread_spawn(struct notify_thread *t)
{
	/* The thread must not take knotd's signals (SIGHUP reloads on the main thread). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int ret = pthread_create(&t->tid, NULL, thread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0) {
		return knot_map_errno_code(ret);
	}
	t->running = true;
	return KNOT_EOK;
}

int notify_thread_start(knotd_mod_t *mod, const struct nsdconf_model *m,
                        notify_superseded_t superseded, void *ctx, struct notify_thread **out)
{
	*out = NULL;
	struct notify_thread *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY at start-up or to new targets (%s)",
		              knot_strerror(KNOT_ENOMEM));
		return KNOT_ENOMEM;
	}
	t->mod = mod;
	t->superseded = superseded;
	t->superseded_ctx = ctx;
	t->io.knotd_fd = -1;
	t->stop_fd = -1;

	size_t pending = 0;
	int ret = notify_plan_build(m, bad_key, mod, &t->plan);
	if (ret == KNOT_EOK) {
		ret = registry_take(t, &pending);
	}
	if (ret == KNOT_EOK && pending > 0) {
		ret = thread_prepare(t);
	}
	if (ret == KNOT_EOK && pending > 0) {
		ret = thread_spawn(t);
	}
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY at start-up or to new targets (%s)",
		              knot_strerror(ret));
	}
	if (ret != KNOT_EOK || pending == 0) {
		thread_free(t);
		return ret;
	}
	*out = t;
	return KNOT_EOK;
}

void notify_thread_stop(struct notify_thread *t)
{
	if (t == NULL) {
		return;
	}
	if (t->running) {
		atomic_store(&t->stop, true);
		uint64_t one = 1;
		if (write(t->stop_fd, &one, sizeof(one)) < 0) {
			/* the flag is checked at least every POLL_MAX_MS */
		}
		pthread_join(t->tid, NULL);
	}
	thread_free(t);
}
