/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NOTIFY rounds in progress: a small table (at most NSD's 128 zones at once per sender). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mod/notify_status.h"
#include "mod/process_state.h"

static long find(const knot_dname_t *zone)
{
	for (size_t i = 0; i < nsd_process.n_notify_rounds; i++) {
		if (knot_dname_is_case_equal(nsd_process.notify_rounds[i].zone, zone)) {
			return (long)i;
		}
	}
	return -1;
}

static void drop(size_t i)
{
	struct notify_round_status *v = nsd_process.notify_rounds;
	knot_dname_free(v[i].zone, NULL);
	free(v[i].text);
	v[i] = v[--nsd_process.n_notify_rounds];
}

void notify_status_set(const knot_dname_t *zone, const char *text)
{
	char *copy = text != NULL ? strdup(text) : NULL;
	pthread_mutex_lock(&nsd_process.notify_lock);
	long i = find(zone);
	if (i >= 0) {
		drop((size_t)i);
	}
	size_t n = nsd_process.n_notify_rounds;
	if (copy != NULL && n == nsd_process.cap_notify_rounds) {
		size_t cap = n > 0 ? 2 * n : 16;
		void *v = realloc(nsd_process.notify_rounds, cap * sizeof(*nsd_process.notify_rounds));
		if (v != NULL) {
			nsd_process.notify_rounds = v;
			nsd_process.cap_notify_rounds = cap;
		}
	}
	knot_dname_t *name = copy != NULL ? knot_dname_copy(zone, NULL) : NULL;
	if (name != NULL && n < nsd_process.cap_notify_rounds) {
		nsd_process.notify_rounds[nsd_process.n_notify_rounds++] =
			(struct notify_round_status){ .zone = name, .text = copy };
		copy = NULL;
		name = NULL;
	}
	pthread_mutex_unlock(&nsd_process.notify_lock);
	knot_dname_free(name, NULL);
	free(copy);
}

bool notify_status_get(const knot_dname_t *zone, char *buf, size_t len)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	long i = find(zone);
	if (i >= 0) {
		snprintf(buf, len, "%s", nsd_process.notify_rounds[i].text);
	}
	pthread_mutex_unlock(&nsd_process.notify_lock);
	return i >= 0;
}
