/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What outlives a module instance: mod-nsd's process-wide stores, each with its lock. */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "mod/include_keeper.h"
#include "mod/notify_changes.h"
#include "mod/notify_sched.h"

/*
 * knotd loads the module again for every reload, and the new instance is loaded before
 * the old one is unloaded; the .so stays mapped, so its statics outlive both. What an
 * instance must learn from the ones before it lives here, and nowhere else.
 *
 * Lock order (a lock may be taken while holding the ones above it, never the reverse):
 *
 *   1. keeper_lock   held by load (main thread) and by the watcher thread across a
 *                    whole parse and render of nsd.conf;
 *   2. gate_lock, notify_lock, watch_lock, ctl_lock
 *                    leaves: each held for a few pointer or counter updates, never two
 *                    of them at once, never while waiting for anything.
 *
 * knotd's workers take notify_lock in the BEGIN hook for a self NOTIFY (a push to the
 * change queue), the remote control for nsd-control notify and zonestatus; both alone.
 * The NOTIFY thread takes notify_lock alone, and keeper_lock only with trylock (load
 * may hold it while it starts that thread; unload joins the thread). knotd's main
 * thread takes keeper_lock with a blocking lock: a watcher holds it for a render at
 * most, and never waits on the main thread while it does (it reloads by SIGHUP).
 */
struct gate_set;
struct ctl_server;
struct stats_block;
struct notify_round_status;

struct process_state {
	/* 1. The include keeper: what the instances wrote and asked knotd to reload
	 * for, so that a reload does not ask for itself again (the reload-loop guard)
	 * and mapping notes are logged once per text. */
	pthread_mutex_t keeper_lock;
	struct keeper_state keeper;
	/* zonelistfile writes of the remote control, under keeper_lock: a parse made
	 * before the last one is older than what the remote control knows */
	unsigned ctl_zonelist_writes;

	/* 2. The access gate: the rules of the last nsd.conf that parsed, kept by an
	 * instance whose nsd.conf is broken (a bad edit must not open or close the
	 * gate); how many instances need normal queries looked at (allow-query): read
	 * without the lock by the BEGIN hook, so an atomic. */
	pthread_mutex_t gate_lock;
	struct gate_set *gate_last_good;
	atomic_int gate_query_users;

	/* 3. The NOTIFY sender: which targets this process has notified with which
	 * serial (knotd's start notifies all, a reload only new ones, a change those
	 * that have not heard of its serial) and which instance's thread sends (the
	 * newest: notify_gen); the changes to announce, queued by the hook (knotd's
	 * self NOTIFY) and by nsd-control notify, and the eventfd that wakes the thread
	 * for them (made once, never closed: instances come and go around it). */
	pthread_mutex_t notify_lock;
	struct nsched_registry notify_registry;
	atomic_uint notify_gen;
	struct notify_changes notify_changes;
	int notify_wake;
	struct notify_round_status *notify_rounds;   /* zonestatus (notify_status.c) */
	size_t n_notify_rounds, cap_notify_rounds;

	/* 4. The watcher: the files the last instance watched (the next one watches
	 * them before its own parse, so that an edit made during a reload is not lost)
	 * and which instance's watcher acts (the newest: watch_gen). */
	pthread_mutex_t watch_lock;
	char **watch_files;
	size_t watch_n_files;
	char *watch_zonelist;
	atomic_uint watch_gen;

	/* 5. The remote control: one thread for the process, so that its port stays
	 * open across reloads (ctl_server.c); the live instances, and what the newest
	 * asks it to listen on and knows of nsd.conf. The thread takes ctl_lock for its
	 * log lines too, which keeps an instance from unloading under it. */
	pthread_mutex_t ctl_lock;
	struct ctl_server *ctl;

	/* 6. NSD's statistics (stats_hook.c): one counter block per knotd worker, made by
	 * the first load (on knotd's main thread) and never freed, so that counts survive
	 * reloads as NSD's do; published with a release store, read without a lock. */
	struct stats_block *stats;
	unsigned stats_threads;
	struct timespec stats_boot;
};

/* The one instance, a static of the .so. Hidden: the hook reads it without the GOT. */
extern struct process_state nsd_process __attribute__((visibility("hidden")));
