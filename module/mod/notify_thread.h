/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender: the NOTIFYs NSD sends and knotd does not (start-up, new targets). */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>

#include <knot/module.h>

#include "conf/model.h"

struct notify_thread;

/* Reads the zones' notify: lists from m (a good nsd.conf), records them in the
 * process-wide registry and starts a thread that notifies the targets this process
 * has not notified yet: all of them at knotd's start, afterwards only targets nsd.conf
 * gained. knotd, where the module asks for the current SOA, listens on *knotd
 * (ss_family 0: nowhere; the NOTIFYs then go without SOA). Called on knotd's main
 * thread in load (through the keeper's model hook). NULL when there is nothing to
 * notify (or on ENOMEM, logged). */
/* The thread calls superseded(ctx) before it sends anything: 1 when this instance will
 * be replaced at once (the keeper asked knotd to reload; its next instance sends
 * instead, and no target hears twice), 0 when not, -1 when it cannot tell yet (asked
 * again shortly, unless the thread is being stopped). */
typedef int (*notify_superseded_t)(void *ctx);

struct notify_thread *notify_thread_start(knotd_mod_t *mod, const struct nsdconf_model *m,
                                          const struct sockaddr_storage *knotd,
                                          notify_superseded_t superseded, void *ctx);

/* Stops and joins the thread (it never waits for knotd's main thread) and frees t.
 * Targets it had not finished stay pending for the next instance. NULL is fine. */
void notify_thread_stop(struct notify_thread *t);
