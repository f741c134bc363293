/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd over time: the NOTIFY sender and watch mode, started from load, stopped in unload. */
#pragma once

#include <pthread.h>

#include <knot/module.h>

#include "mod/include_keeper.h"

struct live;

/* Call in load, after whatever else hooks ko and before keeper_run(ko): hooks itself
 * into ko's model callback (calling the previous one first) and, from the keeper's
 * parse of nsd.conf, starts the NOTIFY thread (start-up and new-target NOTIFYs) and,
 * with 'watch: on', the watcher. keeper_lock and keeper_state are the keeper's (the
 * watcher runs the keeper too). NULL on ENOMEM (logged; the rest works). */
struct live *live_load(knotd_mod_t *mod, struct keeper_opts *ko, pthread_mutex_t *keeper_lock,
                       struct keeper_state *keeper_state);

/* Stops and joins both threads; never waits for knotd's main thread. NULL is fine. */
void live_unload(struct live *l);
