/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Watch mode: nsd.conf edits applied as 'knotc reload' would apply them, without the command. */
#pragma once

#include <pthread.h>

#include <knot/module.h>

#include "conf/model.h"
#include "mod/include_keeper.h"

struct watch;

struct watch_opts {
	knotd_mod_t *mod;
	const char *config;               /* nsd.conf */
	const char *include;              /* the Knot include */
	pthread_mutex_t *keeper_lock;     /* the keeper's: one writer of the include at a time */
	struct keeper_state *keeper_state;
};

/* Before the keeper parses nsd.conf in load: watches the files the previous instance
 * watched (nsd.conf alone at start) and remembers their contents, so an edit made
 * while knotd reloads is not lost. This instance's watcher becomes the one that acts.
 * NULL on failure (logged). */
struct watch *watch_prepare(const struct watch_opts *o);

/* With the keeper's model of nsd.conf (NULL when it is broken: the files watched so far
 * stay watched, so that the fix is seen), watches its files and starts the thread. */
void watch_start(struct watch *w, const struct nsdconf_model *m);

/* Stops and joins the thread, frees w. NULL is fine. */
void watch_stop(struct watch *w);
