/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd-control stats / stats_noreset on knotd: the counters of stats_hook.c as NSD reports them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mod/ctl_exec.h"
#include "mod/ctl_view.h"
#include "mod/stats_hook.h"

/* What the last 'stats' printed: the next answer counts from there (NSD's clear). */
struct ctl_exec_stats {
	struct ctl_stats base, shown;
	uint64_t *base_t, *now_t;    /* queries per worker thread */
	size_t n_t;
	uint64_t *servers;           /* serverN.queries */
	size_t n_servers;
	struct timespec since;       /* the last reset (CLOCK_MONOTONIC), 0: none */
};

static struct timespec ts_sub(struct timespec a, struct timespec b)
{
	struct timespec d = { a.tv_sec - b.tv_sec, a.tv_nsec - b.tv_nsec };
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += 1000000000L;
	}
	return d.tv_sec < 0 ? (struct timespec){ 0 } : d;
}

static struct ctl_exec_stats *state(struct ctl_exec *e, size_t threads, size_t servers)
{
	struct ctl_exec_stats *s = e->stats;
	if (s == NULL) {
		s = e->stats = calloc(1, sizeof(*s));
		if (s == NULL) {
			return NULL;
		}
		s->base_t = calloc(threads, sizeof(*s->base_t));
		s->now_t = calloc(threads, sizeof(*s->now_t));
		s->n_t = threads;
		if (s->base_t == NULL || s->now_t == NULL) {
			ctl_exec_stats_free(e);
			return NULL;
		}
	}
	if (s->n_servers != servers) {
		uint64_t *n = realloc(s->servers, servers * sizeof(*n));
		if (n == NULL) {
			return NULL;
		}
		s->servers = n;
		s->n_servers = servers;
	}
	return s;
}

int ctl_exec_stats(struct ctl_exec *e, bool reset, struct ctl_stats_report *r, char *err,
                   size_t errlen)
{
	size_t threads = stats_threads();
	const struct ctl_view *v = e->view;
	size_t servers = v != NULL && v->server_count > 0 ? (size_t)v->server_count : 1;
	struct ctl_exec_stats *s = threads > 0 ? state(e, threads, servers) : NULL;
	if (s == NULL) {
		snprintf(err, errlen, "%s", threads == 0 ? "statistics are not counted (see "
		         "knotd's log)" : "out of memory");
		return -1;
	}
	struct ctl_stats now;
	stats_sum(&now, s->now_t, s->n_t);
	s->shown = now;
	ctl_stats_sub(&s->shown, &s->base);
	/* NSD counts per server process; knotd's workers are threads, given out in turn */
	memset(s->servers, 0, s->n_servers * sizeof(*s->servers));
	for (size_t t = 0; t < s->n_t; t++) {
		s->servers[t % s->n_servers] += s->now_t[t] - s->base_t[t];
	}

	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	struct timespec boot = stats_boot();
	*r = (struct ctl_stats_report){
		.st = &s->shown,
		.server_queries = s->servers,
		.n_servers = s->n_servers,
		.boot = ts_sub(mono, boot),
		.elapsed = ts_sub(mono, s->since.tv_sec != 0 ? s->since : boot),
	};
	struct stat st;
	if (v != NULL && v->zonelistfile != NULL && stat(v->zonelistfile, &st) == 0) {
		r->config_disk = (uint64_t)st.st_size;
	}
	for (size_t i = 0; v != NULL && i < v->n_zones; i++) {
		if (!v->zones[i].gone) {
			r->zones++;
			r->secondaries += v->zones[i].z.secondary;
		}
	}
	if (reset) {
		s->base = now;
		memcpy(s->base_t, s->now_t, s->n_t * sizeof(*s->now_t));
		s->since = mono;
	}
	return 0;
}

void ctl_exec_stats_free(struct ctl_exec *e)
{
	struct ctl_exec_stats *s = e->stats;
	if (s != NULL) {
		free(s->base_t);
		free(s->now_t);
		free(s->servers);
		free(s);
	}
	e->stats = NULL;
}
