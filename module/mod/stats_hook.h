/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's statistics counted in knotd's query pipeline, for nsd-control stats. */
#pragma once

#include <time.h>

#include <knot/module.h>

#include "ctl/ctl_stats.h"

/* Makes the process's counters (once: one block per knotd worker, kept across reloads as
 * NSD keeps its counters across reloads) and hooks the END stage, which counts every
 * answered or dropped request as NSD's server.c and query.c count it. KNOT_EOK or the
 * error (logged; stats then stay at 0). */
int stats_hook_load(knotd_mod_t *mod);

/* The counters of every worker added up (any thread). false: none made yet. */
bool stats_sum(struct ctl_stats *out, uint64_t *per_thread, size_t n_per_thread);
/* Workers counted (per_thread's useful length). */
size_t stats_threads(void);
/* When the first instance loaded (CLOCK_MONOTONIC): NSD's boot time. */
struct timespec stats_boot(void);
