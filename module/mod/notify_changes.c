/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The changes the NOTIFY sender is to announce: appended by knotd's workers, taken at once. */
#include <stdlib.h>

#include "mod/notify_changes.h"

int notify_changes_push(struct notify_changes *q, const knot_dname_t *zone,
                        const knot_rrset_t *soa, enum notify_change_why why)
{
	if (q->n >= NOTIFY_CHANGES_MAX) {
		return KNOT_ESPACE;
	}
	if (q->n == q->cap) {
		size_t cap = q->cap > 0 ? 2 * q->cap : 64;
		struct notify_change *v = realloc(q->v, cap * sizeof(*v));
		if (v == NULL) {
			return KNOT_ENOMEM;
		}
		q->v = v;
		q->cap = cap;
	}
	struct notify_change c = { .why = why };
	if (zone != NULL && (c.zone = knot_dname_copy(zone, NULL)) == NULL) {
		return KNOT_ENOMEM;
	}
	if (soa != NULL && (c.soa = knot_rrset_copy(soa, NULL)) == NULL) {
		knot_dname_free(c.zone, NULL);
		return KNOT_ENOMEM;
	}
	q->v[q->n++] = c;
	return KNOT_EOK;
}

void notify_changes_take(struct notify_changes *q, struct notify_changes *out)
{
	*out = *q;
	*q = (struct notify_changes){ 0 };
}

void notify_changes_clear(struct notify_changes *q)
{
	for (size_t i = 0; i < q->n; i++) {
		knot_dname_free(q->v[i].zone, NULL);
		knot_rrset_free(q->v[i].soa, NULL);
	}
	free(q->v);
	*q = (struct notify_changes){ 0 };
}
