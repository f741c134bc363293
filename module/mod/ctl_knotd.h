/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One command to knotd's own control socket (libknot's control API, as knotc sends it),
 * from the remote control's thread: short timeouts, never from knotd's main thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <libknot/control/control.h>

/* knotd answers its control socket on the main thread, which is also the thread that
 * loads and unloads modules: a command waits at most this long for it. */
#define CTL_KNOTD_TIMEOUT_MS 3000

/* Called for each data unit of the answer; return false to stop reading. */
typedef bool (*ctl_knotd_cb)(void *ctx, knot_ctl_data_t *data);

/* Sends cmd (with zone and flags when not NULL) to the socket at path and reads the
 * answer up to its end. 0, or -1 with err filled (knotd's error text, or why the
 * socket could not be used). */
int ctl_knotd_call(const char *path, const char *cmd, const char *zone, const char *flags,
                   ctl_knotd_cb cb, void *cb_ctx, char *err, size_t errlen);
