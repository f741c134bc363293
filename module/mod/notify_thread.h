/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender: the NOTIFYs NSD sends and knotd does not (start-up, new targets). */
#pragma once

#include <knot/module.h>

#include "conf/model.h"

struct notify_thread;

/* The thread calls superseded(ctx) before it sends anything: 1 when this instance will
 * be replaced at once (the keeper asked knotd to reload; its next instance sends
 * instead, and no target hears twice), 0 when not, -1 when it cannot tell yet (asked
 * again shortly, unless the thread is being stopped). Must not block. */
typedef int (*notify_superseded_t)(void *ctx);

/* Called in load, on knotd's main thread. Plans the NOTIFYs of m (a good nsd.conf:
 * notify_plan.h), records its targets in the process's registry (nsd_process) and starts
 * a thread that notifies the targets this process has not notified yet: all of them at
 * knotd's start, afterwards only targets nsd.conf gained. The thread asks knotd for the
 * current SOA at knotd's first listen address. KNOT_EOK with *out NULL when there is
 * nothing to notify; otherwise the error (logged). */
int notify_thread_start(knotd_mod_t *mod, const struct nsdconf_model *m,
                        notify_superseded_t superseded, void *ctx, struct notify_thread **out);

/* Stops and joins the thread (it never waits for knotd's main thread) and frees t.
 * Targets it had not finished stay pending for the next instance. NULL is fine. */
void notify_thread_stop(struct notify_thread *t);
