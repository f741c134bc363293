/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What nsd-control's commands do on knotd: the ctl_ops of ctl/ctl_cmd.h, run by the
 * remote control's thread through knotd's control socket, the zonelistfile and the
 * include keeper. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctl/ctl_cmd.h"

struct ctl_view;

typedef void (*ctl_exec_log_t)(void *ctx, int prio, const char *fmt, va_list ap);

/* A staged zone-list change (addzone, delzone; changezone is both). */
struct ctl_jop {
	bool add;
	uint8_t *dname;          /* wire, lower case */
	char *name, *pattern;
	char *member;            /* a catalog member's id ("cat" line), NULL: an "add" line */
};

/* One zone's status from zone-status of every zone. */
struct status_all {
	uint8_t *dname;
	struct ctl_zone_status st;
	bool have_serial;
};

struct ctl_exec {
	struct ctl_ops ops;
	struct ctl_view *view;   /* the newest instance's, with this thread's zone changes */
	char *knotd_socket;
	char *config, *include;  /* nsd.conf and the Knot include (the keeper's) */
	int verbosity;
	struct ctl_jop *jops;    /* changes staged since the last commit, in order */
	size_t n_jops, cap_jops;
	bool stop_after;         /* 'stop': SIGTERM once the answer is out */
	struct status_all *all;  /* zonestatus of every zone: knotd's answer, sorted */
	size_t n_all, cap_all;
	bool all_valid;
	struct ctl_exec_stats *stats;   /* stats: what the last reset printed (ctl_exec_stats.c) */
	struct ctl_exec_cats *cats;     /* catalogs as knotd serves them (ctl_exec_catalog.c) */
	ctl_exec_log_t log;
	void *log_ctx;
};

void ctl_exec_init(struct ctl_exec *e, ctl_exec_log_t log, void *log_ctx);
void ctl_exec_deinit(struct ctl_exec *e);
/* Takes ownership of the new state a load published. */
void ctl_exec_set_view(struct ctl_exec *e, struct ctl_view *v);
void ctl_exec_set_paths(struct ctl_exec *e, char *knotd_socket, char *config, char *include);
const struct ctl_ops *ctl_exec_ops(struct ctl_exec *e);

/* nsd-control stats (reset) and stats_noreset: the ctl_ops callback. */
int ctl_exec_stats(struct ctl_exec *e, bool reset, struct ctl_stats_report *r, char *err,
                   size_t errlen);
void ctl_exec_stats_free(struct ctl_exec *e);

/* Catalog zones (ctl_exec_catalog.c): the ctl_ops callback, a member of the consumed
 * catalog by name, the members merged into the zone list for zonestatus of all zones
 * (until unmerge; ctl_exec_merged() says whether and what). */
struct ctl_catalog_status;
bool ctl_exec_catalog_status(void *ctx, const struct ctl_zone *z, struct ctl_catalog_status *st);
const struct ctl_zone *ctl_exec_member_find(struct ctl_exec *e, const uint8_t *dname);
void ctl_exec_members_merge(struct ctl_exec *e);
void ctl_exec_members_unmerge(struct ctl_exec *e);
bool ctl_exec_merged(const struct ctl_exec *e, size_t *n, const struct ctl_zone *const **zones);
void ctl_exec_catalogs_free(struct ctl_exec *e);
/* While held (zonestatus of all zones), the catalogs are read once and kept. */
void ctl_exec_catalogs_hold(struct ctl_exec *e, bool hold);
