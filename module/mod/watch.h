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
};

/* In load, before the keeper parses nsd.conf: watches the files the previous instance
 * watched (nsd.conf alone at start) and remembers their contents, so an edit made
 * while knotd reloads is not lost. This instance's watcher becomes the one that acts.
 * The watcher runs the keeper under nsd_process.keeper_lock, as load does. KNOT_EOK,
 * or the error (logged; *out NULL). */
int watch_prepare(const struct watch_opts *o, struct watch **out);

/* With the keeper's model of nsd.conf (NULL when it is broken: the files watched so far
 * stay watched, so that the fix is seen), watches its files and starts the thread.
 * KNOT_EOK, or the error of the thread's start (logged). NULL w is fine. */
int watch_start(struct watch *w, const struct nsdconf_model *m);

/* Stops and joins the thread, frees w. NULL is fine. */
void watch_stop(struct watch *w);
