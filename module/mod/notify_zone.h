/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender, one zone: its SOA from knotd, then NSD's rounds to its targets. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <knot/module.h>

#include "mod/notify_io.h"
#include "mod/notify_plan.h"
#include "mod/notify_sched.h"

enum nzone_phase {
	NZONE_WAITING,             /* not activated yet */
	NZONE_SOA,                 /* asking knotd for the serial */
	NZONE_NOTIFY,              /* NSD's rounds (notify_sched.c) */
	NZONE_FINISHED,
};

/* A target of the plan while its zone notifies. */
struct nzone_target {
	struct notify_msg *msg;    /* the transmission in flight */
	int fd;                    /* -1: not chosen yet, -2: no socket could be bound */
	bool live;                 /* msg->id is owned in the I/O's ID table */
};

/* Why the zone notifies (its log line). */
enum nzone_why {
	NZONE_WHY_TARGETS,         /* start-up, or targets nsd.conf gained (the registry says) */
	NZONE_WHY_CHANGE,          /* a new serial (knotd's self NOTIFY) */
	NZONE_WHY_CONTROL,         /* nsd-control notify */
};

/* A zone of the plan and its progress (the NOTIFY thread's only). */
struct nzone {
	knotd_mod_t *mod;
	struct notify_io *io;
	const struct notify_plan *plan;
	const struct notify_plan_zone *p;
	uint32_t zi;               /* index in the plan: the owner of its IDs */
	struct nzone_target *tg;   /* p->n, from activation on */

	enum nzone_phase phase;
	struct notify_msg *soa_q;
	bool soa_live;
	unsigned soa_tries, soa_refused;
	uint64_t soa_first, soa_sent, soa_due;
	knot_rrset_t *soa;
	struct nsched sched;
	bool sched_init;
	bool startup;              /* owed the start-up NOTIFY (else: new notify targets) */
	enum nzone_why why, next_why;
	bool given;                /* the next activation sends given_soa, knotd not asked */
	knot_rrset_t *given_soa;   /* NULL with given: NOTIFY without SOA */
	bool queued;               /* waits in the thread's queue of changed zones */
	char *status;              /* what zonestatus shows of the round (notify_status.h) */
	size_t answered, unreachable;
};

/* Zone zi of plan, waiting. */
void nzone_init(struct nzone *z, knotd_mod_t *mod, struct notify_io *io,
                const struct notify_plan *plan, uint32_t zi);

/* The next activation sends soa (taken; NULL: no SOA) to the pending targets, without
 * asking knotd, for why. Replaces what an earlier call gave. */
void nzone_give(struct nzone *z, knot_rrset_t *soa, enum nzone_why why);

/* The next activation asks knotd for the SOA (as at start-up), for why. */
void nzone_ask(struct nzone *z, enum nzone_why why);

/* An active zone starts again from the top with what nzone_give gave: NSD restarts a
 * round on a new serial. The answers to what was in flight are not taken any more. */
int nzone_restart(struct nzone *z, uint64_t now);

static inline bool nzone_active(const struct nzone *z)
{
	return z->phase == NZONE_SOA || z->phase == NZONE_NOTIFY;
}

/* Starts the zone where the process's registry says its targets are (targets another
 * instance finished are not sent to again): asks knotd for the SOA, or notifies at
 * once when knotd cannot be asked; finished at once when no target is pending.
 * KNOT_EOK or KNOT_ENOMEM (then nzone_abandon). */
int nzone_activate(struct nzone *z, uint64_t now);

/* Does what is due at now; the zone may finish. */
void nzone_step(struct nzone *z, uint64_t now);

/* When the zone has something to do next; UINT64_MAX: nothing. */
uint64_t nzone_due(const struct nzone *z);

/* A datagram with an ID the zone owns, for target (-1: the SOA query) from the socket fd:
 * taken only from the address it was sent to, and (signed) with a good TSIG. */
void nzone_answer(struct nzone *z, int32_t target, int fd, const struct sockaddr_storage *from,
                  uint8_t *wire, size_t len, uint64_t now);

static inline bool nzone_finished(const struct nzone *z)
{
	return z->phase == NZONE_FINISHED;
}

/* Publishes the round's zonestatus line when it changed (the targets in flight). */
void nzone_publish(struct nzone *z);

/* Frees what only an active zone needs. */
void nzone_release(struct nzone *z);
/* Gives the zone up (its pending targets stay pending for the next instance). */
void nzone_abandon(struct nzone *z);
/* Frees all the zone holds. */
void nzone_free(struct nzone *z);
