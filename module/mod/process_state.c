/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What outlives a module instance: the one definition of mod-nsd's process-wide stores. */
#include "mod/process_state.h"

/* Zero-initialised but for the locks. Never freed: every instance may be followed by
 * another; when knot.conf drops the module, knotd unmaps the .so after the last unload
 * and the little held here (a gate, a registry, a file list) is left behind once. */
struct process_state nsd_process = {
	.keeper_lock = PTHREAD_MUTEX_INITIALIZER,
	.gate_lock = PTHREAD_MUTEX_INITIALIZER,
	.notify_lock = PTHREAD_MUTEX_INITIALIZER,
	.watch_lock = PTHREAD_MUTEX_INITIALIZER,
	.ctl_lock = PTHREAD_MUTEX_INITIALIZER,
	.notify_wake = -1,
};
