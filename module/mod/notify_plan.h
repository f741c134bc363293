/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY plan: which zones of nsd.conf notify which targets, with which key, from where. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <libknot/libknot.h>

#include "conf/model.h"

/* A key: clause a notify: entry names, secret decoded. */
struct notify_plan_key {
	char *name;                    /* as nsd.conf spells it */
	knot_tsig_key_t k;
	bool ok;                       /* k decoded: NOTIFYs can be signed with it */
};

/* One notify: entry NSD would send to. */
struct notify_plan_target {
	struct sockaddr_storage dst;   /* @port, else 53 (never NSD's own port: setting) */
	int key;                       /* index into notify_plan.keys, -1: NOKEY */
	char *spec;                    /* the address as nsd.conf writes it (zonestatus) */
	char *reg;                     /* registry key: "<zone>|<address>@<port>|<key>" */
};

struct notify_plan_zone {
	knot_dname_t *name;
	char *txt;
	struct notify_plan_target *tg; /* in the order of the notify: list */
	size_t n;
	long long retry;               /* notify-retry as nsd.conf says it */
	bool secondary;                /* request-xfr: nsd-control notify sends its SOA */
	struct sockaddr_storage *via;  /* outgoing-interface, in order */
	size_t n_via;
};

struct notify_plan {
	struct notify_plan_key *keys;
	size_t n_keys;
	struct notify_plan_zone *zones; /* zones whose pattern has a notify: list */
	size_t n_zones;
	size_t n_targets;               /* over all zones */
};

/* A key the plan cannot sign with: its NOTIFYs are not sent (ret: the libknot error). */
typedef void (*notify_plan_bad_key_t)(void *ctx, const char *name, int ret);

/* The plan of m (a good nsd.conf): every zone with a notify: list, its targets but
 * BLOCKED ones, those with a port NSD could not send to and those whose key cannot
 * sign. bad(ctx, ...) hears of each key that cannot sign (may be NULL). KNOT_EOK with
 * *out set, or KNOT_ENOMEM. */
int notify_plan_build(const struct nsdconf_model *m, notify_plan_bad_key_t bad, void *ctx,
                      struct notify_plan **out);
void notify_plan_free(struct notify_plan *p);

/* The registry keys of every target, zone by zone in plan order: an array of
 * p->n_targets pointers into p (free the array only). KNOT_EOK or KNOT_ENOMEM. */
int notify_plan_reg_keys(const struct notify_plan *p, const char ***out);
