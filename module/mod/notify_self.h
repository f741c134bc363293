/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Self NOTIFY: how knotd tells mod-nsd of every zone change, and how the module takes it. */
#pragma once

#include <stdbool.h>

#include <knot/module.h>

#include "mod/include_keeper.h"
#include "mod/notify_changes.h"

/*
 * knotd has no zone-change callback for modules (3.2 to 3.5). What it does on every
 * new serial (load, transfer, zone-commit, DDNS) is send NOTIFY to the zone's notify:
 * list. So the include gives each zone with notify: targets one remote only: knotd's
 * own listen address, with a key no acl names (KNOTMAP_SELF_KEY). The NOTIFY comes back
 * through knotd's query pipeline, where the module's BEGIN hook takes it: the MAC checks
 * with the key, the serial is in the SOA knotd puts in the answer section, and the zone
 * goes to the NOTIFY thread, which sends NSD's UDP rounds to the real targets. knotd
 * gets a signed NOERROR (its NOTIFY succeeded: no retry, last notified serial kept).
 *
 * The secret is made once, kept in the include (read by knot and root only, beside
 * nsd.conf's own secrets) and read back from knotd's configuration at each load, so
 * knotd and every module instance use the same one. A NOTIFY with the key's name and a
 * wrong MAC is not taken: it goes on to the gate and knotd's acl, which refuse it.
 */
struct notify_self {
	knot_tsig_key_t key;       /* as in knotd's configuration now */
	bool on;                   /* key is set */
};

/* In load (knotd's main thread, keeper_lock held): what the next render writes (st:
 * knotd's address for the remote, the secret: knotd's if it has one, else the one
 * this process made, else a new one) and the key this instance verifies with (off
 * until knotd's configuration holds the key: the first start renders it and reloads).
 * No IP address to listen on: st->self_address "", knotd notifies the targets itself. */
void notify_self_prepare(knotd_mod_t *mod, struct keeper_state *st, struct notify_self *self);
void notify_self_clear(struct notify_self *self);
/* The instance's key (nsd.c). */
const struct notify_self *nsd_self(knotd_mod_t *mod);

/* BEGIN hook, a NOTIFY signed with the self key's name. Taken (the zone queued, a
 * signed NOERROR): *answer is the state to return and true. Not taken (wrong MAC:
 * forged): false, the gate decides as for any NOTIFY. self NULL or off, or the queue
 * refuses: taken, answered unsigned, so that knotd tries again later. */
bool notify_self_take(const struct notify_self *self, knotd_mod_t *mod, knot_pkt_t *pkt,
                      knotd_qdata_t *qdata, knotd_state_t *answer);
/* Whether the request's TSIG has the self key's name (cheap; the hook asks first). */
bool notify_self_named(const knotd_qdata_t *qdata);

/* Queues a change for the NOTIFY thread and wakes it (any thread). KNOT_EOK or the
 * queue's error. */
int notify_self_queue(const knot_dname_t *zone, const knot_rrset_t *soa,
                      enum notify_change_why why);
/* The eventfd the queue wakes (made on first use, never closed), -1 when it cannot be
 * made (the thread then looks at the queue every second). */
int notify_self_wake_fd(void);
