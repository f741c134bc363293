/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender thread: NSD's UDP rounds at start-up, to new targets, on every change. */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <string.h>
#include <unistd.h>

#include <urcu.h>

#include "conf/hash.h"
#include "mod/notify_io.h"
#include "mod/notify_plan.h"
#include "mod/notify_self.h"
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
	uint32_t *changed;         /* ring of zones waiting with a change (nzone.queued) */
	size_t changed_head, n_changed;
	uint32_t *by_name;         /* zone index + 1 by name hash, open addressing */
	size_t by_name_mask;
	int wake_fd;               /* nsd_process.notify_wake, -1: none */
	struct pollfd *pfd;        /* stop_fd, wake_fd, knotd_fd, the sockets */
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
	free(t->changed);
	free(t->by_name);
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

/* Makes the registry hold the plan's targets and this thread the one that sends (the
 * targets it owes a NOTIFY stay pending there: nzone_activate reads them). */
static int registry_take(struct notify_thread *t)
{
	const char **keys = NULL;
	int ret = notify_plan_reg_keys(t->plan, &keys);
	if (ret != KNOT_EOK) {
		return ret;
	}
	pthread_mutex_lock(&nsd_process.notify_lock);
	ret = nsched_registry_update(&nsd_process.notify_registry, keys, t->plan->n_targets,
	                             NULL);
	/* The instance a reload creates takes over; the older thread stops sending. */
	t->gen = atomic_fetch_add(&nsd_process.notify_gen, 1) + 1;
	pthread_mutex_unlock(&nsd_process.notify_lock);
	free(keys);
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

/* --- zones by name (the changes name them) --- */

static uint64_t name_hash(const knot_dname_t *name)
{
	knot_dname_storage_t low;
	size_t len = knot_dname_to_wire(low, name, sizeof(low));
	knot_dname_to_lower(low);
	return nsdconf_hash(low, len, 0);
}

static int index_names(struct notify_thread *t)
{
	size_t cap = 16;
	while (cap < 2 * t->plan->n_zones) {
		cap *= 2;
	}
	t->by_name = calloc(cap, sizeof(*t->by_name));
	if (t->by_name == NULL) {
		return KNOT_ENOMEM;
	}
	t->by_name_mask = cap - 1;
	for (size_t i = 0; i < t->plan->n_zones; i++) {
		size_t h = name_hash(t->plan->zones[i].name) & t->by_name_mask;
		while (t->by_name[h] != 0) {
			h = (h + 1) & t->by_name_mask;
		}
		t->by_name[h] = (uint32_t)i + 1;
	}
	return KNOT_EOK;
}

/* The plan's index of the zone, -1: not a zone with notify: targets. */
static long zone_by_name(const struct notify_thread *t, const knot_dname_t *name)
{
	size_t h = name_hash(name) & t->by_name_mask;
	for (; t->by_name[h] != 0; h = (h + 1) & t->by_name_mask) {
		uint32_t zi = t->by_name[h] - 1;
		if (knot_dname_is_case_equal(t->plan->zones[zi].name, name)) {
			return zi;
		}
	}
	return -1;
}

/* --- changes: knotd's self NOTIFYs and nsd-control notify (notify_self.c) --- */

static void activate(struct notify_thread *t, uint32_t zi, uint64_t now, bool restart)
{
	struct nzone *z = &t->zones[zi];
	int ret = restart ? nzone_restart(z, now) : nzone_activate(z, now);
	if (ret != KNOT_EOK) {
		knotd_mod_log(t->mod, LOG_ERR, "zone %s, no NOTIFY (%s)", z->p->txt,
		              knot_strerror(ret));
		nzone_abandon(z);
	}
	if (!restart && !nzone_finished(z)) {
		t->active[t->n_active++] = zi;
	}
	/* a restarted zone that finished at once leaves at the next step */
}

/* One zone hears of a change: the targets that have not been sent its serial get a
 * round, at once when the zone notifies already (NSD restarts its round), else when a
 * slot is free. */
static void zone_change(struct notify_thread *t, uint32_t zi, const struct notify_change *c,
                        uint64_t now)
{
	struct nzone *z = &t->zones[zi];
	bool control = c->why == NOTIFY_CHANGE_CONTROL;
	if (control && (nzone_active(z) || z->queued)) {
		return;   /* NSD: nsd-control notify does nothing while a round runs */
	}
	int64_t serial = c->soa != NULL ? (int64_t)knot_soa_serial(c->soa->rrs.rdata) : -1;
	size_t need = 0;
	pthread_mutex_lock(&nsd_process.notify_lock);
	for (size_t i = 0; i < z->p->n; i++) {
		need += nsched_registry_change(&nsd_process.notify_registry, z->p->tg[i].reg,
		                               serial);
	}
	pthread_mutex_unlock(&nsd_process.notify_lock);
	if (need == 0) {
		knotd_mod_log(t->mod, LOG_DEBUG, "zone %s, serial %lld announced already",
		              z->p->txt, (long long)serial);
		return;
	}
	if (control && z->p->secondary) {
		nzone_ask(z, NZONE_WHY_CONTROL);   /* NSD sends a secondary's SOA */
	} else if (control) {
		nzone_give(z, NULL, NZONE_WHY_CONTROL);   /* NSD 4.6-4.12: a primary's without */
	} else {
		knot_rrset_t *soa = knot_rrset_copy(c->soa, NULL);
		if (soa == NULL) {
			knotd_mod_log(t->mod, LOG_ERR, "zone %s, no NOTIFY of serial %lld (%s)",
			              z->p->txt, (long long)serial, knot_strerror(KNOT_ENOMEM));
			return;
		}
		nzone_give(z, soa, NZONE_WHY_CHANGE);
	}
	if (nzone_active(z)) {
		activate(t, zi, now, true);
	} else if (!z->queued) {
		z->queued = true;
		size_t n = t->plan->n_zones;
		t->changed[(t->changed_head + t->n_changed++) % n] = zi;
	}
}

static void apply_change(struct notify_thread *t, const struct notify_change *c, uint64_t now)
{
	if (c->zone == NULL) {
		for (size_t i = 0; i < t->plan->n_zones; i++) {
			zone_change(t, (uint32_t)i, c, now);
		}
		return;
	}
	long zi = zone_by_name(t, c->zone);
	if (zi >= 0) {
		zone_change(t, (uint32_t)zi, c, now);
	}
}

/* Takes the queued changes, if this thread is the one that sends. */
static void take_changes(struct notify_thread *t, uint64_t now)
{
	struct notify_changes got = { 0 };
	uint64_t v;
	/* Only the thread that sends clears the wake-up: an older one must not swallow it. */
	if (t->wake_fd >= 0 && current(t) && read(t->wake_fd, &v, sizeof(v)) < 0) {
		/* nothing new since the last read: the queue is looked at anyway */
	}
	pthread_mutex_lock(&nsd_process.notify_lock);
	if (atomic_load(&nsd_process.notify_gen) == t->gen) {
		notify_changes_take(&nsd_process.notify_changes, &got);
	}
	pthread_mutex_unlock(&nsd_process.notify_lock);
	for (size_t i = 0; i < got.n; i++) {
		apply_change(t, &got.v[i], now);
	}
	notify_changes_clear(&got);
}

/* Changed zones first, then nsd.conf's order; at most ACTIVE_ZONES_MAX at a time (NSD's
 * limit). */
static void activate_zones(struct notify_thread *t, uint64_t now)
{
	while (t->n_active < ACTIVE_ZONES_MAX) {
		uint32_t zi;
		if (t->n_changed > 0) {
			zi = t->changed[t->changed_head];
			t->changed_head = (t->changed_head + 1) % t->plan->n_zones;
			t->n_changed--;
			t->zones[zi].queued = false;
		} else if (t->next < t->plan->n_zones) {
			zi = (uint32_t)t->next++;
			if (t->zones[zi].queued || nzone_active(&t->zones[zi])) {
				continue;
			}
		} else {
			break;
		}
		activate(t, zi, now, false);
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
		nzone_publish(z);
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
		struct pollfd *np = realloc(t->pfd, (t->io.n_socks + 3) * sizeof(*np));
		if (np == NULL) {
			return 0;
		}
		t->pfd = np;
		t->pfd_socks = t->io.n_socks;
	}
	size_t nfd = 0;
	t->pfd[nfd++] = (struct pollfd){ .fd = t->stop_fd, .events = POLLIN };
	if (t->wake_fd >= 0) {
		t->pfd[nfd++] = (struct pollfd){ .fd = t->wake_fd, .events = POLLIN };
	}
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
		if ((t->pfd[i].revents & POLLIN) && t->pfd[i].fd != t->wake_fd) {
			receive(t, t->pfd[i].fd);
		}
	}
	return true;   /* the wake-up is read where the changes are taken */
}

/* Until unloaded or replaced by a newer instance: when idle, it sleeps in poll until
 * a change wakes it (or a second passes: the generation is looked at). */
static void run(struct notify_thread *t)
{
	while (current(t)) {
		uint64_t now = notify_now_ms();
		take_changes(t, now);
		activate_zones(t, now);
		uint64_t due = step_zones(t, now);
		if (!wait_answers(t, due)) {
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
	t->changed = calloc(t->plan->n_zones > 0 ? t->plan->n_zones : 1, sizeof(*t->changed));
	if (t->zones == NULL || t->active == NULL || t->changed == NULL ||
	    index_names(t) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	t->wake_fd = notify_self_wake_fd();
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
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY rounds (%s)", knot_strerror(KNOT_ENOMEM));
		return KNOT_ENOMEM;
	}
	t->mod = mod;
	t->superseded = superseded;
	t->superseded_ctx = ctx;
	t->io.knotd_fd = -1;
	t->stop_fd = -1;
	t->wake_fd = -1;

	int ret = notify_plan_build(m, bad_key, mod, &t->plan);
	if (ret == KNOT_EOK) {
		ret = registry_take(t);
	}
	/* Zones with targets: the thread runs until unload, for their changes too. */
	bool zones = ret == KNOT_EOK && t->plan->n_zones > 0;
	if (zones) {
		ret = thread_prepare(t);
	}
	if (zones && ret == KNOT_EOK) {
		ret = thread_spawn(t);
	}
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY rounds (%s)", knot_strerror(ret));
	}
	if (ret == KNOT_EOK && !zones) {
		/* nothing to announce: what nsd-control notify queued goes */
		pthread_mutex_lock(&nsd_process.notify_lock);
		notify_changes_clear(&nsd_process.notify_changes);
		pthread_mutex_unlock(&nsd_process.notify_lock);
	}
	if (ret != KNOT_EOK || !zones) {
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
