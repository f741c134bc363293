/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NOTIFY rounds in progress, for zonestatus's notify: line (NSD's "send ... with serial"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <libknot/libknot.h>

/* An entry per zone whose round is running, process-wide (nsd_process, notify_lock):
 * the NOTIFY thread publishes, the remote control reads. */
struct notify_round_status {
	knot_dname_t *zone;        /* lower case */
	char *text;                /* "send 192.0.2.1 192.0.2.2@5300 with serial 7" */
};

/* The zone's round is now text (NULL: no round). Any thread; no memory: the line is
 * left out (logged nowhere: zonestatus only). */
void notify_status_set(const knot_dname_t *zone, const char *text);
/* The zone's line into buf (false: no round running). */
bool notify_status_get(const knot_dname_t *zone, char *buf, size_t len);
