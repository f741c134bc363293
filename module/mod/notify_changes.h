/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The changes the NOTIFY sender is to announce: a queue from knotd's workers to its thread. */
#pragma once

#include <stddef.h>

#include <libknot/libknot.h>

/* Bounded: a full queue refuses (the self NOTIFY is then answered unsigned and knotd
 * tries again at the zone's retry interval). Only knotd and nsd-control fill it. */
#define NOTIFY_CHANGES_MAX (1u << 20)

enum notify_change_why {
	NOTIFY_CHANGE_SERIAL,      /* knotd loaded or received a new serial (self NOTIFY) */
	NOTIFY_CHANGE_CONTROL,     /* nsd-control notify */
};

struct notify_change {
	knot_dname_t *zone;        /* NULL: every zone (nsd-control notify without a zone) */
	knot_rrset_t *soa;         /* SERIAL: the zone's new SOA; CONTROL: NULL */
	enum notify_change_why why;
};

struct notify_changes {
	struct notify_change *v;
	size_t n, cap;
};

/* Appends copies of zone and soa (either may be NULL). KNOT_EOK, KNOT_ENOMEM, or
 * KNOT_ESPACE when NOTIFY_CHANGES_MAX are queued. */
int notify_changes_push(struct notify_changes *q, const knot_dname_t *zone,
                        const knot_rrset_t *soa, enum notify_change_why why);
/* Moves everything queued to *out (empty before) and leaves q empty. */
void notify_changes_take(struct notify_changes *q, struct notify_changes *out);
/* Frees what q holds; q is empty afterwards. */
void notify_changes_clear(struct notify_changes *q);
