/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender, one zone: its SOA from knotd, then NSD's rounds to its targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mod/notify_send.h"
#include "mod/notify_status.h"
#include "mod/notify_zone.h"
#include "mod/process_state.h"

/* Asking knotd for the SOA: knotd may not serve yet (load() runs before the workers
 * start) or may still be loading the zone, so ask again with a growing pause. */
#define SOA_TIMEOUT_MS		1000
#define SOA_BACKOFF_MIN_MS	200
#define SOA_BACKOFF_MAX_MS	5000
/* REFUSED: the zone is not (yet) in knotd's configuration, or allow-query refuses
 * the module's own source address. Then NOTIFY without SOA, as for an unknown serial. */
#define SOA_REFUSED_MAX		8
/* A zone knotd does not serve after this long (SERVFAIL: not loaded or expired) gets
 * no start-up NOTIFY: NSD does not notify a zone it has not loaded either. */
#define SOA_GIVEUP_MS		120000

void nzone_init(struct nzone *z, knotd_mod_t *mod, struct notify_io *io,
                const struct notify_plan *plan, uint32_t zi)
{
	*z = (struct nzone){ .mod = mod, .io = io, .plan = plan, .p = &plan->zones[zi],
	                     .zi = zi };
}

void nzone_release(struct nzone *z)
{
	for (size_t i = 0; z->tg != NULL && i < z->p->n; i++) {
		free(z->tg[i].msg);
		z->tg[i].msg = NULL;
	}
	free(z->soa_q);
	z->soa_q = NULL;
	knot_rrset_free(z->soa, NULL);
	z->soa = NULL;
	if (z->sched_init) {
		nsched_free(&z->sched);
	}
	z->sched_init = false;
}

/* The IDs the zone has in flight go back to the I/O: their answers are not taken. */
static void drop_ids(struct nzone *z)
{
	for (size_t i = 0; z->tg != NULL && i < z->p->n; i++) {
		if (z->tg[i].live) {
			notify_io_drop_id(z->io, z->tg[i].msg->id);
		}
		z->tg[i].live = false;
	}
	if (z->soa_live) {
		notify_io_drop_id(z->io, z->soa_q->id);
	}
	z->soa_live = false;
}

static void registry_sent(const char *reg)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	nsched_registry_sent(&nsd_process.notify_registry, reg, notify_now_ms());
	pthread_mutex_unlock(&nsd_process.notify_lock);
}

static void registry_done(const char *reg)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	nsched_registry_done(&nsd_process.notify_registry, reg);
	pthread_mutex_unlock(&nsd_process.notify_lock);
}

static void on_send(void *ctx, size_t i, unsigned nth)
{
	struct nzone *z = ctx;
	const struct notify_plan_target *pt = &z->p->tg[i];
	struct nzone_target *tg = &z->tg[i];

	if (tg->fd == -1) {
		tg->fd = notify_io_socket_for(z->io, z->p, &pt->dst);
		if (tg->fd < 0) {
			tg->fd = -2;
		}
	}
	if (tg->fd == -2) {
		nsched_skip(&z->sched, i);
		return;
	}
	if (tg->live) {
		notify_io_drop_id(z->io, tg->msg->id);
	}
	tg->live = false;

	const knot_tsig_key_t *key = pt->key >= 0 ? &z->plan->keys[pt->key].k : NULL;
	uint16_t id = notify_io_take_id(z->io, z->zi, (int32_t)i);
	int ret = notify_build(tg->msg, z->p->name, z->soa, key, id);
	if (ret != KNOT_EOK) {
		notify_io_drop_id(z->io, id);
		knotd_mod_log(z->mod, LOG_ERR, "zone %s, cannot build NOTIFY (%s)", z->p->txt,
		              knot_strerror(ret));
		nsched_skip(&z->sched, i);
		return;
	}
	tg->live = true;
	registry_sent(pt->reg);
	/* A failed send is a lost datagram: the 3 s timer sends again, as in NSD. */
	ret = notify_io_send(tg->fd, tg->msg->wire, tg->msg->len, &pt->dst);
	if (ret != KNOT_EOK && nth == 1) {
		char a[80];
		notify_addr_str(&pt->dst, a, sizeof(a));
		knotd_mod_log(z->mod, LOG_DEBUG, "zone %s, NOTIFY to %s not sent (%s)", z->p->txt,
		              a, knot_strerror(ret));
	}
}

static void on_end(void *ctx, size_t i, enum nsched_state st)
{
	struct nzone *z = ctx;
	const struct notify_plan_target *pt = &z->p->tg[i];
	struct nzone_target *tg = &z->tg[i];
	char a[80];

	if (tg->live) {
		notify_io_drop_id(z->io, tg->msg->id);
	}
	tg->live = false;
	notify_addr_str(&pt->dst, a, sizeof(a));
	switch (st) {
	case NSCHED_DONE:
		z->answered++;
		knotd_mod_log(z->mod, LOG_DEBUG, "zone %s, NOTIFY to %s answered %s", z->p->txt, a,
		              z->sched.t[i].last_rcode == KNOT_RCODE_NOTIMPL ? "NOTIMP" :
		              "NOERROR");
		break;
	case NSCHED_GAVE_UP:
		z->unreachable++;
		knotd_mod_log(z->mod, LOG_NOTICE, "zone %s, NOTIFY to %s: max notify send count "
		              "reached, %s unreachable", z->p->txt, a, a);
		break;
	default:
		break;
	}
	/* Given up counts as done too: NSD does not try again before the next serial. */
	registry_done(pt->reg);
}

/* NSD's zonestatus line of a round: the targets in flight and the serial sent. */
static char *status_text(const struct nzone *z)
{
	size_t len = 32;
	for (size_t i = 0; i < z->p->n; i++) {
		len += strlen(z->p->tg[i].spec) + 1;
	}
	char *t = malloc(len), *p = t;
	if (t == NULL) {
		return NULL;
	}
	p += sprintf(p, "send");
	for (size_t i = 0; i < z->p->n; i++) {
		if (z->sched.t[i].state == NSCHED_INFLIGHT) {
			p += sprintf(p, " %s", z->p->tg[i].spec);
		}
	}
	sprintf(p, " with serial %u", z->soa != NULL ? knot_soa_serial(z->soa->rrs.rdata) : 0);
	return t;
}

void nzone_publish(struct nzone *z)
{
	char *t = z->phase == NZONE_NOTIFY && z->sched_init ? status_text(z) : NULL;
	if (t == NULL && z->status == NULL) {
		return;
	}
	if (t != NULL && z->status != NULL && strcmp(t, z->status) == 0) {
		free(t);
		return;
	}
	notify_status_set(z->p->name, t);
	free(z->status);
	z->status = t;
}

static void zone_finish(struct nzone *z)
{
	if (z->phase == NZONE_NOTIFY && z->answered + z->unreachable > 0) {
		knotd_mod_log(z->mod, LOG_INFO, "zone %s, NOTIFY done, %zu answered, %zu "
		              "unreachable", z->p->txt, z->answered, z->unreachable);
	}
	if (z->soa_live) {
		notify_io_drop_id(z->io, z->soa_q->id);
	}
	z->soa_live = false;
	nzone_release(z);
	z->phase = NZONE_FINISHED;
	nzone_publish(z);
}

static void zone_notify(struct nzone *z);

/* Each target goes on where the registry says this process left it: targets another
 * instance finished meanwhile are not sent to again. *pending: targets left. */
static int zone_resume(struct nzone *z, size_t *pending)
{
	const struct nsched_registry *r = &nsd_process.notify_registry;
	int ret = KNOT_EOK;

	*pending = 0;
	pthread_mutex_lock(&nsd_process.notify_lock);
	for (size_t i = 0; i < z->p->n && ret == KNOT_EOK; i++) {
		const char *reg = z->p->tg[i].reg;
		z->tg[i].fd = -1;
		if (!nsched_registry_pending(r, reg)) {
			z->sched.t[i].state = NSCHED_SKIPPED;
			z->sched.finished++;
			continue;
		}
		z->startup |= nsched_registry_startup(r, reg);
		unsigned sent;
		uint64_t last;
		nsched_registry_progress(r, reg, &sent, &last);
		nsched_resume(&z->sched, i, sent, last);
		z->tg[i].msg = calloc(1, sizeof(*z->tg[i].msg));
		ret = z->tg[i].msg != NULL ? KNOT_EOK : KNOT_ENOMEM;
		*pending += 1;
	}
	pthread_mutex_unlock(&nsd_process.notify_lock);
	return ret;
}

int nzone_activate(struct nzone *z, uint64_t now)
{
	free(z->tg);   /* from an earlier round */
	z->startup = false;
	z->why = z->next_why;
	z->next_why = NZONE_WHY_TARGETS;
	z->answered = z->unreachable = 0;
	z->soa_tries = z->soa_refused = 0;
	z->tg = calloc(z->p->n > 0 ? z->p->n : 1, sizeof(*z->tg));
	if (z->tg == NULL) {
		return KNOT_ENOMEM;
	}
	int ret = nsched_init(&z->sched, z->p->n, z->p->retry, on_send, on_end, z);
	if (ret != KNOT_EOK) {
		return ret;
	}
	z->sched_init = true;
	z->soa_q = calloc(1, sizeof(*z->soa_q));
	if (z->soa_q == NULL) {
		return KNOT_ENOMEM;
	}
	size_t pending;
	ret = zone_resume(z, &pending);
	if (ret != KNOT_EOK) {
		return ret;
	}
	bool given = z->given;
	z->given = false;
	if (pending == 0) {
		zone_finish(z);
		return KNOT_EOK;
	}
	if (given) {
		z->soa = z->given_soa;
		z->given_soa = NULL;
		zone_notify(z);
		return KNOT_EOK;
	}
	z->soa_first = now;
	z->soa_due = now;
	z->phase = z->io->knotd.ss_family != 0 ? NZONE_SOA : NZONE_NOTIFY;
	return KNOT_EOK;
}

/* The serial the targets are sent: a later change to the same serial is not sent again. */
static void registry_serial(struct nzone *z)
{
	int64_t serial = z->soa != NULL ? (int64_t)knot_soa_serial(z->soa->rrs.rdata) : -1;
	pthread_mutex_lock(&nsd_process.notify_lock);
	for (size_t i = 0; i < z->p->n; i++) {
		if (z->sched.t[i].state != NSCHED_SKIPPED) {
			nsched_registry_serial(&nsd_process.notify_registry, z->p->tg[i].reg, serial);
		}
	}
	pthread_mutex_unlock(&nsd_process.notify_lock);
}

static void zone_notify(struct nzone *z)
{
	static const char *const why[] = {
		[NZONE_WHY_CHANGE] = "of a new serial",
		[NZONE_WHY_CONTROL] = "by nsd-control notify",
	};
	size_t pending = z->p->n - z->sched.finished;
	char serial[32] = "unknown (no SOA sent)";
	z->phase = NZONE_NOTIFY;
	if (z->soa != NULL) {
		snprintf(serial, sizeof(serial), "%u", knot_soa_serial(z->soa->rrs.rdata));
	}
	knotd_mod_log(z->mod, LOG_INFO, "zone %s, NOTIFY %s, %zu target%s, serial %s",
	              z->p->txt, z->why != NZONE_WHY_TARGETS ? why[z->why] :
	              z->startup ? "at start-up" : "to new notify targets", pending,
	              pending == 1 ? "" : "s", serial);
}

static void soa_retry(struct nzone *z, uint64_t now)
{
	uint64_t pause = SOA_BACKOFF_MIN_MS;
	for (unsigned i = 1; i < z->soa_tries && pause < SOA_BACKOFF_MAX_MS; i++) {
		pause *= 2;
	}
	z->soa_due = now + (pause < SOA_BACKOFF_MAX_MS ? pause : SOA_BACKOFF_MAX_MS);
}

static void zone_give_up(struct nzone *z)
{
	knotd_mod_log(z->mod, LOG_NOTICE, "zone %s, not served by knotd after %d s; no NOTIFY "
	              "%s", z->p->txt, SOA_GIVEUP_MS / 1000,
	              z->startup ? "at start-up" : "to new notify targets");
	for (size_t i = 0; i < z->p->n; i++) {
		nsched_skip(&z->sched, i);
	}
	zone_finish(z);
}

/* The SOA phase: ask knotd for the serial, again after a timeout, until it answers or
 * SOA_GIVEUP_MS have passed. */
static void zone_step_soa(struct nzone *z, uint64_t now)
{
	if (z->soa_live && now >= z->soa_sent + SOA_TIMEOUT_MS) {
		notify_io_drop_id(z->io, z->soa_q->id);
		z->soa_live = false;
		soa_retry(z, now);
	}
	if (z->soa_live || now < z->soa_due) {
		return;
	}
	if (now - z->soa_first >= SOA_GIVEUP_MS) {
		zone_give_up(z);
		return;
	}
	uint16_t id = notify_io_take_id(z->io, z->zi, -1);
	if (notify_build_soa_query(z->soa_q, z->p->name, id) != KNOT_EOK) {
		notify_io_drop_id(z->io, id);
		zone_notify(z);
		return;
	}
	/* a lost query is asked again after SOA_TIMEOUT_MS */
	(void)notify_io_send(z->io->knotd_fd, z->soa_q->wire, z->soa_q->len, &z->io->knotd);
	z->soa_live = true;
	z->soa_sent = now;
	z->soa_tries++;
}

void nzone_step(struct nzone *z, uint64_t now)
{
	if (z->phase == NZONE_SOA) {
		zone_step_soa(z, now);
	}
	if (z->phase == NZONE_NOTIFY) {
		nsched_run(&z->sched, now);
		if (nsched_finished(&z->sched)) {
			zone_finish(z);
		}
	}
}

uint64_t nzone_due(const struct nzone *z)
{
	if (z->phase == NZONE_SOA) {
		return z->soa_live ? z->soa_sent + SOA_TIMEOUT_MS : z->soa_due;
	}
	if (z->phase == NZONE_NOTIFY) {
		return nsched_next_ms(&z->sched);
	}
	return UINT64_MAX;
}

static void soa_answer(struct nzone *z, uint8_t *wire, size_t len, uint64_t now)
{
	int rcode = -1;
	knot_rrset_t *soa = NULL;
	enum notify_answer a = notify_parse_soa_answer(z->soa_q, z->p->name, wire, len, &rcode,
	                                               &soa);
	if (a != NOTIFY_ANSWER_OK) {
		return;
	}
	notify_io_drop_id(z->io, z->soa_q->id);
	z->soa_live = false;
	if (soa != NULL) {
		z->soa = soa;
		registry_serial(z);
		zone_notify(z);
	} else if (rcode == KNOT_RCODE_SERVFAIL) {
		soa_retry(z, now);   /* configured, not loaded (yet): wait for it */
	} else if (++z->soa_refused >= SOA_REFUSED_MAX) {
		zone_notify(z);
	} else {
		soa_retry(z, now);
	}
}

static void log_answer(const struct nzone *z, const struct sockaddr_storage *from,
                       enum notify_answer res, int rcode)
{
	char a[80];
	notify_addr_str(from, a, sizeof(a));
	if (res == NOTIFY_ANSWER_BADTSIG) {
		knotd_mod_log(z->mod, LOG_WARNING, "zone %s, NOTIFY answer from %s with a bad "
		              "or missing TSIG, ignored", z->p->txt, a);
		return;
	}
	const knot_lookup_t *r = knot_lookup_by_id(knot_rcode_names, rcode);
	knotd_mod_log(z->mod, LOG_INFO, "zone %s, NOTIFY to %s answered %s", z->p->txt, a,
	              r != NULL ? r->name : "?");
}

static void target_answer(struct nzone *z, size_t i, int fd,
                          const struct sockaddr_storage *from, uint8_t *wire, size_t len,
                          uint64_t now)
{
	const struct notify_plan_target *pt = &z->p->tg[i];
	struct nzone_target *tg = &z->tg[i];
	if (!tg->live || tg->fd != fd || !notify_addr_equal(from, &pt->dst)) {
		return;   /* NSD: only from the destination's address and port */
	}
	const knot_tsig_key_t *key = pt->key >= 0 ? &z->plan->keys[pt->key].k : NULL;
	int rcode = -1;
	enum notify_answer res = notify_check_answer(tg->msg, z->p->name, key, wire, len,
	                                             &rcode);
	if (res == NOTIFY_ANSWER_BADTSIG) {
		/* NSD does not check; we do, and take an unverified answer for no answer,
		 * so a forged one can neither end nor hurry the retries. */
		log_answer(z, from, res, rcode);
		return;
	}
	if (res != NOTIFY_ANSWER_OK) {
		return;
	}
	if (rcode != KNOT_RCODE_NOERROR && rcode != KNOT_RCODE_NOTIMPL) {
		log_answer(z, from, res, rcode);
	}
	nsched_reply(&z->sched, i, rcode, now);
	if (nsched_finished(&z->sched)) {
		zone_finish(z);
	}
}

void nzone_abandon(struct nzone *z)
{
	drop_ids(z);
	nzone_release(z);
	z->phase = NZONE_FINISHED;
	nzone_publish(z);
}

void nzone_free(struct nzone *z)
{
	nzone_release(z);
	free(z->tg);
	z->tg = NULL;
	knot_rrset_free(z->given_soa, NULL);
	z->given_soa = NULL;
	if (z->status != NULL) {
		notify_status_set(z->p->name, NULL);   /* the next instance goes on with it */
		free(z->status);
		z->status = NULL;
	}
}

void nzone_give(struct nzone *z, knot_rrset_t *soa, enum nzone_why why)
{
	knot_rrset_free(z->given_soa, NULL);
	z->given_soa = soa;
	z->given = true;
	z->next_why = why;
}

void nzone_ask(struct nzone *z, enum nzone_why why)
{
	knot_rrset_free(z->given_soa, NULL);
	z->given_soa = NULL;
	z->given = false;
	z->next_why = why;
}

int nzone_restart(struct nzone *z, uint64_t now)
{
	drop_ids(z);
	nzone_release(z);
	z->phase = NZONE_WAITING;
	return nzone_activate(z, now);
}

void nzone_answer(struct nzone *z, int32_t target, int fd, const struct sockaddr_storage *from,
                  uint8_t *wire, size_t len, uint64_t now)
{
	if (target >= 0) {
		target_answer(z, target, fd, from, wire, len, now);
	} else if (fd == z->io->knotd_fd && notify_addr_equal(from, &z->io->knotd) &&
	           z->soa_live) {
		soa_answer(z, wire, len, now);
	}
}
