/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY schedule of one zone as NSD's xfrd-notify.c runs it: spacing, retries, slots. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NSD 4.6.1: XFRD_NOTIFY_RETRY_TIMOUT and NOTIFY_CONCURRENT_MAX. */
#define NSCHED_SPACING_MS	3000
#define NSCHED_MAX_INFLIGHT	16

enum nsched_state {
	NSCHED_WAITING,   /* not sent yet: waits for one of the zone's slots */
	NSCHED_INFLIGHT,  /* sent, waiting for the reply or the next transmission */
	NSCHED_DONE,      /* answered NOERROR or NOTIMP */
	NSCHED_GAVE_UP,   /* every transmission used up ("max notify send count reached") */
	NSCHED_SKIPPED,   /* taken off the list by the caller (nothing to send to) */
};

struct nsched_target {
	enum nsched_state state;
	unsigned sent;     /* transmissions for the current serial */
	uint64_t due_ms;   /* in flight: when to send again or give up */
	int last_rcode;    /* rcode of the last reply, -1: none */
};

/* Transmission number nth (1-based) of target i is due now: send it. */
typedef void (*nsched_send_t)(void *ctx, size_t i, unsigned nth);
/* Target i left the list (DONE, GAVE_UP or SKIPPED). */
typedef void (*nsched_end_t)(void *ctx, size_t i, enum nsched_state state);

struct nsched {
	struct nsched_target *t;  /* in the order of the zone's notify: list */
	size_t n;
	unsigned max_sends;       /* max(notify-retry, 1) */
	size_t next_waiting;      /* no target before this one is waiting */
	size_t inflight;
	size_t finished;          /* DONE + GAVE_UP + SKIPPED */
	nsched_send_t send;
	nsched_end_t end;
	void *ctx;
};

/* n targets, all waiting; notify_retry as nsd.conf says it (NSD sends at least once).
 * KNOT_EOK or KNOT_ENOMEM. */
int nsched_init(struct nsched *s, size_t n, long long notify_retry, nsched_send_t send,
                nsched_end_t end, void *ctx);
void nsched_free(struct nsched *s);

/* A new serial: NSD starts the list again from the top, every target waiting. Targets
 * in flight lose their slot (their pending reply is for the old serial). */
void nsched_restart(struct nsched *s);

/* Does what is due at now_ms: gives up targets whose last transmission went unanswered
 * for NSCHED_SPACING_MS, sends again those whose spacing has passed, and fills free
 * slots from the waiting targets in list order. */
void nsched_run(struct nsched *s, uint64_t now_ms);

/* A reply from target i (only a target in flight listens). NOERROR and NOTIMP (RFC
 * 1996) end it; any other rcode costs the transmission it answered: the next is sent at
 * the next nsched_run, or the target is given up when none is left. */
void nsched_reply(struct nsched *s, size_t i, int rcode, uint64_t now_ms);

/* Target i was sent to `sent` times already (by an instance a reload replaced), the
 * last time at last_ms: it goes on from there instead of from the top, so reloads do
 * not multiply the transmissions to a target that does not answer. */
void nsched_resume(struct nsched *s, size_t i, unsigned sent, uint64_t last_ms);

/* Takes a waiting or in-flight target off the list (e.g. no socket can be bound). */
void nsched_skip(struct nsched *s, size_t i);

/* When nsched_run has something to do next; UINT64_MAX: nothing (finished or idle). */
uint64_t nsched_next_ms(const struct nsched *s);

static inline bool nsched_finished(const struct nsched *s)
{
	return s->finished == s->n;
}

/* Which notify targets this knotd process has served since it started. NSD notifies
 * every target at start-up; knotd does not when the serial was notified before the
 * restart, and a 'knotc reload' (a new module instance) must not notify again. A key
 * names one target of one zone ("<zone>|<address>@<port>|<key>"). Lives in a .so
 * static: it starts empty with the process and survives reloads. Not locked. */
struct nsched_registry {
	char **keys;    /* sorted, strcmp */
	bool *done;
	bool *startup;  /* held since the first update: owed the start-up NOTIFY */
	unsigned *sent; /* transmissions made so far */
	uint64_t *last; /* when the last one was made (CLOCK_MONOTONIC ms) */
	int64_t *serial;/* the serial sent (or being sent), -1: not known */
	size_t n;
	bool used;      /* updated at least once: later keys are new targets */
};

/* Makes the registry hold exactly keys[0..n) (any order, duplicates allowed): keys
 * already held keep their state, new ones are pending, keys no longer listed are
 * dropped (a target removed and added again is notified again). pending[i] (may be
 * NULL) tells whether keys[i] still needs its NOTIFY. KNOT_EOK, or KNOT_ENOMEM (the
 * registry is then unchanged). */
int nsched_registry_update(struct nsched_registry *r, const char *const *keys, size_t n,
                           bool *pending);
/* Whether key is held and not done yet. */
bool nsched_registry_pending(const struct nsched_registry *r, const char *key);
/* Whether key came with the process's first configuration (its NOTIFY is the start-up
 * one, even when a later instance sends it) rather than with a later edit. */
bool nsched_registry_startup(const struct nsched_registry *r, const char *key);
/* A transmission to key was made at now_ms. progress: how many were made so far and
 * when the last one was (0 if none, or key is not held). */
void nsched_registry_sent(struct nsched_registry *r, const char *key, uint64_t now_ms);
void nsched_registry_progress(const struct nsched_registry *r, const char *key,
                              unsigned *sent, uint64_t *last);
/* key's NOTIFY was answered or given up: not again in this process. */
void nsched_registry_done(struct nsched_registry *r, const char *key);
/* The zone of key changed to serial: true when key must hear of it, and then it is
 * pending again from its first transmission (a change, not the start-up NOTIFY); false
 * when key is not held or was sent this serial already (one round per serial, whichever
 * instance or path started it). serial -1: a round without serial (nsd-control notify),
 * always. */
bool nsched_registry_change(struct nsched_registry *r, const char *key, int64_t serial);
/* key is being sent serial (-1: without SOA). */
void nsched_registry_serial(struct nsched_registry *r, const char *key, int64_t serial);
void nsched_registry_free(struct nsched_registry *r);
