/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender thread: start-up and new-target NOTIFYs over UDP, as NSD sends them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <urcu.h>

#include "mod/notify_plan.h"
#include "mod/notify_sched.h"
#include "mod/notify_send.h"
#include "mod/notify_thread.h"
#include "mod/process_state.h"

/* NSD 4.6.1 XFRD_MAX_UDP_NOTIFY: zones notifying at the same time. */
#define ACTIVE_ZONES_MAX	128
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
#define POLL_MAX_MS		1000
#define ID_FREE			UINT32_MAX
#define C_SERVER		"\x06""server"
#define C_LISTEN		"\x06""listen"

/* A target of the plan while its zone notifies. */
struct nt_target {
	struct notify_msg *msg;    /* the transmission in flight */
	int fd;                    /* -1: not chosen yet, -2: no socket could be bound */
	bool live;                 /* msg->id is registered in by_id */
};

enum nt_phase { Z_WAITING, Z_SOA, Z_NOTIFY, Z_FINISHED };

struct notify_thread;

/* A zone of the plan and its progress. */
struct nt_zone {
	struct notify_thread *t;   /* the schedule's callbacks get the zone */
	const struct notify_plan_zone *p;
	uint32_t zi;
	struct nt_target *tg;      /* p->n, from activation on */

	enum nt_phase phase;
	struct notify_msg *soa_q;
	bool soa_live;
	unsigned soa_tries, soa_refused;
	uint64_t soa_first, soa_sent, soa_due;
	knot_rrset_t *soa;
	struct nsched sched;
	bool sched_init;
	bool startup;              /* owed the start-up NOTIFY (else: new notify targets) */
	size_t answered, unreachable;
};

struct nt_sock {
	int family;
	bool bound;
	struct sockaddr_storage addr;
	int fd;                    /* a KNOT_E* error when binding failed */
};

struct notify_thread {
	knotd_mod_t *mod;
	unsigned gen;              /* nsd_process.notify_gen when this one became the newest */
	struct sockaddr_storage knotd;
	int knotd_fd;

	struct notify_plan *plan;
	struct nt_zone *zones;     /* plan->n_zones */
	uint32_t *active;          /* zones notifying now, at most ACTIVE_ZONES_MAX */
	size_t n_active, next;     /* next: the first zone not activated yet */

	struct nt_sock *socks;
	size_t n_socks;
	struct pollfd *pfd;        /* stop_fd, knotd_fd, the sockets */
	size_t pfd_socks;          /* n_socks when pfd was sized */

	/* DNS ID -> (zone, target); target -1: the zone's SOA query */
	struct { uint32_t zone; int32_t target; } *by_id;
	uint8_t rnd[256];
	size_t rnd_pos;

	notify_superseded_t superseded;
	void *superseded_ctx;
	int stop_fd;
	atomic_bool stop;
	pthread_t tid;
	bool running;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where the module can ask knotd for a zone's SOA: its first listen address, the
 * loopback address of the family for a wildcard one. Read in load: later the module
 * sees knotd's configuration only under RCU. */
static void knotd_address(knotd_mod_t *mod, struct sockaddr_storage *out)
{
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)C_SERVER,
	                              (const yp_name_t *)C_LISTEN, NULL);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < val.count; i++) {
		const struct sockaddr_storage *a = &val.multi[i].addr;
		if (a->ss_family == AF_INET) {
			*out = *a;
			struct sockaddr_in *s4 = (struct sockaddr_in *)out;
			if (s4->sin_addr.s_addr == htonl(INADDR_ANY)) {
				s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			}
			break;   /* IPv4 preferred: the usual loopback setup */
		}
		if (a->ss_family == AF_INET6 && out->ss_family == 0) {
			*out = *a;
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
			if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr)) {
				s6->sin6_addr = in6addr_loopback;
			}
		}
	}
	knotd_conf_free(&val);
	if (out->ss_family == 0) {
		knotd_mod_log(mod, LOG_NOTICE, "knotd listens on no IP address; NOTIFYs sent by "
		              "the module carry no SOA");
	}
}

static void zone_release(struct nt_zone *z)
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

static void thread_free(struct notify_thread *t)
{
	for (size_t i = 0; t->zones != NULL && i < t->plan->n_zones; i++) {
		zone_release(&t->zones[i]);
		free(t->zones[i].tg);
	}
	free(t->zones);
	notify_plan_free(t->plan);
	for (size_t i = 0; i < t->n_socks; i++) {
		if (t->socks[i].fd >= 0) {
			close(t->socks[i].fd);
		}
	}
	free(t->socks);
	free(t->pfd);
	free(t->active);
	if (t->knotd_fd >= 0) {
		close(t->knotd_fd);
	}
	if (t->stop_fd >= 0) {
		close(t->stop_fd);
	}
	free(t->by_id);
	free(t);
}

/* --- sockets and IDs --- */

static uint16_t random_id(struct notify_thread *t)
{
	if (t->rnd_pos + 2 > sizeof(t->rnd) || t->rnd_pos == 0) {
		if (getrandom(t->rnd, sizeof(t->rnd), 0) != (ssize_t)sizeof(t->rnd)) {
			/* no entropy source: still unique, less unguessable */
			for (size_t i = 0; i < sizeof(t->rnd); i++) {
				t->rnd[i] = (uint8_t)(now_ms() * 2654435761u >> (i % 24));
			}
		}
		t->rnd_pos = 0;
	}
	uint16_t id;
	memcpy(&id, t->rnd + t->rnd_pos, 2);
	t->rnd_pos += 2;
	return id;
}

/* An ID no message in flight uses. There are at most 128 * 17 in flight. */
static uint16_t take_id(struct notify_thread *t, uint32_t zone, int32_t target)
{
	uint16_t id = random_id(t);
	while (t->by_id[id].zone != ID_FREE) {
		id++;
	}
	t->by_id[id].zone = zone;
	t->by_id[id].target = target;
	return id;
}

static void drop_id(struct notify_thread *t, uint16_t id)
{
	t->by_id[id].zone = ID_FREE;
}

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* The socket of this family bound to want (NULL: unbound), opened when new. Its fd, or
 * a KNOT_E* error (a failed bind is remembered and logged once). */
static int sock_get(struct notify_thread *t, const struct nt_zone *z, int family,
                    const struct sockaddr_storage *want)
{
	for (size_t i = 0; i < t->n_socks; i++) {
		struct nt_sock *s = &t->socks[i];
		if (s->family == family && s->bound == (want != NULL) &&
		    (want == NULL || notify_addr_equal(&s->addr, want))) {
			return s->fd;
		}
	}
	struct nt_sock *ns = realloc(t->socks, (t->n_socks + 1) * sizeof(*ns));
	if (ns == NULL) {
		return KNOT_ENOMEM;
	}
	t->socks = ns;
	struct nt_sock *s = &t->socks[t->n_socks++];
	*s = (struct nt_sock){ .family = family, .bound = want != NULL };
	if (want != NULL) {
		s->addr = *want;
	}
	s->fd = notify_socket(family, want);
	if (s->fd >= 0) {
		return s->fd;
	}
	if (want != NULL) {
		char a[80];
		notify_addr_str(want, a, sizeof(a));
		knotd_mod_log(t->mod, LOG_WARNING, "zone %s, could not bind source address "
		              "%s for NOTIFY (%s)", z->p->txt, a, knot_strerror(s->fd));
	} else {
		knotd_mod_log(t->mod, LOG_WARNING, "cannot open a UDP socket for NOTIFY (%s)",
		              knot_strerror(s->fd));
	}
	return s->fd;
}

/* The socket a NOTIFY to dst leaves from: NSD binds the first outgoing-interface of the
 * destination's family that binds; none of that family: the OS chooses. Its fd, or the
 * error of the last socket tried. */
static int socket_for(struct notify_thread *t, const struct nt_zone *z,
                      const struct sockaddr_storage *dst)
{
	const struct notify_plan_zone *p = z->p;
	int family = dst->ss_family;
	int ret = KNOT_EOK;

	for (size_t v = 0; v < p->n_via; v++) {
		if (p->via[v].ss_family == family) {
			ret = sock_get(t, z, family, &p->via[v]);
			if (ret >= 0) {
				return ret;
			}
		}
	}
	if (ret != KNOT_EOK) {
		return ret;   /* entries of this family exist, none binds: NSD fails */
	}
	return sock_get(t, z, family, NULL);
}

/* --- the process's registry of notified targets (nsd_process, notify_lock) --- */

static bool current(const struct notify_thread *t)
{
	return !atomic_load(&t->stop) && atomic_load(&nsd_process.notify_gen) == t->gen;
}

static void registry_sent(const char *reg)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	nsched_registry_sent(&nsd_process.notify_registry, reg, now_ms());
	pthread_mutex_unlock(&nsd_process.notify_lock);
}

static void registry_done(const char *reg)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	nsched_registry_done(&nsd_process.notify_registry, reg);
	pthread_mutex_unlock(&nsd_process.notify_lock);
}

/* Makes the registry hold the plan's targets and this thread the one that sends.
 * *pending: how many targets this process has not notified yet. */
static int registry_take(struct notify_thread *t, size_t *pending)
{
	const char **keys = NULL;
	size_t n = t->plan->n_targets;
	int ret = notify_plan_reg_keys(t->plan, &keys);
	bool *pend = calloc(n > 0 ? n : 1, sizeof(*pend));
	if (ret != KNOT_EOK || pend == NULL) {
		free(keys);
		free(pend);
		return KNOT_ENOMEM;
	}
	pthread_mutex_lock(&nsd_process.notify_lock);
	ret = nsched_registry_update(&nsd_process.notify_registry, keys, n, pend);
	/* The instance a reload creates takes over; the older thread stops sending. */
	t->gen = atomic_fetch_add(&nsd_process.notify_gen, 1) + 1;
	pthread_mutex_unlock(&nsd_process.notify_lock);
	*pending = 0;
	for (size_t i = 0; i < n; i++) {
		*pending += pend[i];
	}
	free(keys);
	free(pend);
	return ret;
}

/* --- one zone --- */

static void on_send(void *ctx, size_t i, unsigned nth)
{
	struct nt_zone *z = ctx;
	struct notify_thread *t = z->t;
	const struct notify_plan_target *pt = &z->p->tg[i];
	struct nt_target *tg = &z->tg[i];

	if (tg->fd == -1) {
		tg->fd = socket_for(t, z, &pt->dst);
		if (tg->fd < 0) {
			tg->fd = -2;
		}
	}
	if (tg->fd == -2) {
		nsched_skip(&z->sched, i);
		return;
	}
	if (tg->live) {
		drop_id(t, tg->msg->id);
	}
	tg->live = false;

	const knot_tsig_key_t *key = pt->key >= 0 ? &t->plan->keys[pt->key].k : NULL;
	uint16_t id = take_id(t, z->zi, (int32_t)i);
	int ret = notify_build(tg->msg, z->p->name, z->soa, key, id);
	if (ret != KNOT_EOK) {
		drop_id(t, id);
		knotd_mod_log(t->mod, LOG_ERR, "zone %s, cannot build NOTIFY (%s)", z->p->txt,
		              knot_strerror(ret));
		nsched_skip(&z->sched, i);
		return;
	}
	tg->live = true;
	registry_sent(pt->reg);
	/* A failed send is a lost datagram: the 3 s timer sends again, as in NSD. */
	if (sendto(tg->fd, tg->msg->wire, tg->msg->len, 0, (const struct sockaddr *)&pt->dst,
	           ss_len(&pt->dst)) < 0 && nth == 1) {
		char a[80];
		ret = knot_map_errno();
		notify_addr_str(&pt->dst, a, sizeof(a));
		knotd_mod_log(t->mod, LOG_DEBUG, "zone %s, NOTIFY to %s not sent (%s)", z->p->txt,
		              a, knot_strerror(ret));
	}
}

static void on_end(void *ctx, size_t i, enum nsched_state st)
{
	struct nt_zone *z = ctx;
	struct notify_thread *t = z->t;
	const struct notify_plan_target *pt = &z->p->tg[i];
	struct nt_target *tg = &z->tg[i];
	char a[80];

	if (tg->live) {
		drop_id(t, tg->msg->id);
	}
	tg->live = false;
	notify_addr_str(&pt->dst, a, sizeof(a));
	switch (st) {
	case NSCHED_DONE:
		z->answered++;
		knotd_mod_log(t->mod, LOG_DEBUG, "zone %s, NOTIFY to %s answered %s", z->p->txt, a,
		              z->sched.t[i].last_rcode == KNOT_RCODE_NOTIMPL ? "NOTIMP" :
		              "NOERROR");
		break;
	case NSCHED_GAVE_UP:
		z->unreachable++;
		knotd_mod_log(t->mod, LOG_NOTICE, "zone %s, NOTIFY to %s: max notify send count "
		              "reached, %s unreachable", z->p->txt, a, a);
		break;
	default:
		break;
	}
	/* Given up counts as done too: NSD does not try again before the next serial. */
	registry_done(pt->reg);
}

static void zone_finish(struct notify_thread *t, struct nt_zone *z)
{
	if (z->phase == Z_NOTIFY && z->answered + z->unreachable > 0) {
		knotd_mod_log(t->mod, LOG_INFO, "zone %s, NOTIFY done, %zu answered, %zu "
		              "unreachable", z->p->txt, z->answered, z->unreachable);
	}
	if (z->soa_live) {
		drop_id(t, z->soa_q->id);
	}
	z->soa_live = false;
	zone_release(z);
	z->phase = Z_FINISHED;
}

/* Each target goes on where the registry says this process left it: targets another
 * instance finished meanwhile are not sent to again. *pending: targets left. */
static int zone_resume(struct nt_zone *z, size_t *pending)
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

static int zone_activate(struct notify_thread *t, struct nt_zone *z, uint32_t zi,
                         uint64_t now)
{
	z->t = t;
	z->zi = zi;
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
	if (pending == 0) {
		zone_finish(t, z);
		return KNOT_EOK;
	}
	z->soa_first = now;
	z->soa_due = now;
	z->phase = t->knotd.ss_family != 0 ? Z_SOA : Z_NOTIFY;
	return KNOT_EOK;
}

static void zone_notify(struct notify_thread *t, struct nt_zone *z)
{
	size_t pending = z->p->n - z->sched.finished;
	char serial[32] = "unknown (no SOA sent)";
	z->phase = Z_NOTIFY;
	if (z->soa != NULL) {
		snprintf(serial, sizeof(serial), "%u", knot_soa_serial(z->soa->rrs.rdata));
	}
	knotd_mod_log(t->mod, LOG_INFO, "zone %s, NOTIFY %s, %zu target%s, serial %s",
	              z->p->txt, z->startup ? "at start-up" : "to new notify targets", pending,
	              pending == 1 ? "" : "s", serial);
}

static void soa_retry(struct nt_zone *z, uint64_t now)
{
	uint64_t pause = SOA_BACKOFF_MIN_MS;
	for (unsigned i = 1; i < z->soa_tries && pause < SOA_BACKOFF_MAX_MS; i++) {
		pause *= 2;
	}
	z->soa_due = now + (pause < SOA_BACKOFF_MAX_MS ? pause : SOA_BACKOFF_MAX_MS);
}

static void zone_give_up(struct notify_thread *t, struct nt_zone *z)
{
	knotd_mod_log(t->mod, LOG_NOTICE, "zone %s, not served by knotd after %d s; no NOTIFY "
	              "%s", z->p->txt, SOA_GIVEUP_MS / 1000,
	              z->startup ? "at start-up" : "to new notify targets");
	for (size_t i = 0; i < z->p->n; i++) {
		nsched_skip(&z->sched, i);
	}
	zone_finish(t, z);
}

/* The SOA phase: ask knotd for the serial, again after a timeout, until it answers or
 * SOA_GIVEUP_MS have passed. */
static void zone_step_soa(struct notify_thread *t, struct nt_zone *z, uint64_t now)
{
	if (z->soa_live && now >= z->soa_sent + SOA_TIMEOUT_MS) {
		drop_id(t, z->soa_q->id);
		z->soa_live = false;
		soa_retry(z, now);
	}
	if (z->soa_live || now < z->soa_due) {
		return;
	}
	if (now - z->soa_first >= SOA_GIVEUP_MS) {
		zone_give_up(t, z);
		return;
	}
	uint16_t id = take_id(t, z->zi, -1);
	if (notify_build_soa_query(z->soa_q, z->p->name, id) != KNOT_EOK) {
		drop_id(t, id);
		zone_notify(t, z);
		return;
	}
	(void)sendto(t->knotd_fd, z->soa_q->wire, z->soa_q->len, 0,
	             (const struct sockaddr *)&t->knotd, ss_len(&t->knotd));
	z->soa_live = true;
	z->soa_sent = now;
	z->soa_tries++;
}

static void zone_step(struct notify_thread *t, struct nt_zone *z, uint64_t now)
{
	if (z->phase == Z_SOA) {
		zone_step_soa(t, z, now);
	}
	if (z->phase == Z_NOTIFY) {
		nsched_run(&z->sched, now);
		if (nsched_finished(&z->sched)) {
			zone_finish(t, z);
		}
	}
}

static uint64_t zone_due(const struct nt_zone *z)
{
	if (z->phase == Z_SOA) {
		return z->soa_live ? z->soa_sent + SOA_TIMEOUT_MS : z->soa_due;
	}
	if (z->phase == Z_NOTIFY) {
		return nsched_next_ms(&z->sched);
	}
	return UINT64_MAX;
}

/* --- answers --- */

static void soa_answer(struct notify_thread *t, struct nt_zone *z, uint8_t *wire, size_t len,
                       uint64_t now)
{
	int rcode = -1;
	knot_rrset_t *soa = NULL;
	enum notify_answer a = notify_parse_soa_answer(z->soa_q, z->p->name, wire, len, &rcode,
	                                               &soa);
	if (a != NOTIFY_ANSWER_OK) {
		return;
	}
	drop_id(t, z->soa_q->id);
	z->soa_live = false;
	if (soa != NULL) {
		z->soa = soa;
		zone_notify(t, z);
	} else if (rcode == KNOT_RCODE_SERVFAIL) {
		soa_retry(z, now);   /* configured, not loaded (yet): wait for it */
	} else if (++z->soa_refused >= SOA_REFUSED_MAX) {
		zone_notify(t, z);
	} else {
		soa_retry(z, now);
	}
}

static void log_answer(struct notify_thread *t, const struct nt_zone *z,
                       const struct sockaddr_storage *from, enum notify_answer res, int rcode)
{
	char a[80];
	notify_addr_str(from, a, sizeof(a));
	if (res == NOTIFY_ANSWER_BADTSIG) {
		knotd_mod_log(t->mod, LOG_WARNING, "zone %s, NOTIFY answer from %s with a bad "
		              "or missing TSIG, ignored", z->p->txt, a);
		return;
	}
	const knot_lookup_t *r = knot_lookup_by_id(knot_rcode_names, rcode);
	knotd_mod_log(t->mod, LOG_INFO, "zone %s, NOTIFY to %s answered %s", z->p->txt, a,
	              r != NULL ? r->name : "?");
}

static void target_answer(struct notify_thread *t, struct nt_zone *z, size_t i, int fd,
                          const struct sockaddr_storage *from, uint8_t *wire, size_t len,
                          uint64_t now)
{
	const struct notify_plan_target *pt = &z->p->tg[i];
	struct nt_target *tg = &z->tg[i];
	if (!tg->live || tg->fd != fd || !notify_addr_equal(from, &pt->dst)) {
		return;   /* NSD: only from the destination's address and port */
	}
	const knot_tsig_key_t *key = pt->key >= 0 ? &t->plan->keys[pt->key].k : NULL;
	int rcode = -1;
	enum notify_answer res = notify_check_answer(tg->msg, z->p->name, key, wire, len,
	                                             &rcode);
	if (res == NOTIFY_ANSWER_BADTSIG) {
		/* NSD does not check; we do, and take an unverified answer for no answer,
		 * so a forged one can neither end nor hurry the retries. */
		log_answer(t, z, from, res, rcode);
		return;
	}
	if (res != NOTIFY_ANSWER_OK) {
		return;
	}
	if (rcode != KNOT_RCODE_NOERROR && rcode != KNOT_RCODE_NOTIMPL) {
		log_answer(t, z, from, res, rcode);
	}
	nsched_reply(&z->sched, i, rcode, now);
	if (nsched_finished(&z->sched)) {
		zone_finish(t, z);
	}
}

static void receive(struct notify_thread *t, int fd)
{
	uint8_t buf[65535];

	for (int n = 0; n < 256; n++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (len < 0) {
			return;
		}
		if (len < KNOT_WIRE_HEADER_SIZE) {
			continue;
		}
		uint16_t id = knot_wire_get_id(buf);
		if (t->by_id[id].zone == ID_FREE) {
			continue;
		}
		struct nt_zone *z = &t->zones[t->by_id[id].zone];
		int32_t ti = t->by_id[id].target;
		uint64_t now = now_ms();
		if (ti >= 0) {
			target_answer(t, z, ti, fd, &from, buf, len, now);
		} else if (fd == t->knotd_fd && notify_addr_equal(&from, &t->knotd) &&
		           z->soa_live) {
			soa_answer(t, z, buf, len, now);
		}
	}
}

/* --- the thread --- */

/* Zones start in nsd.conf's order, at most ACTIVE_ZONES_MAX at a time (NSD's limit). */
static void activate_zones(struct notify_thread *t, uint64_t now)
{
	while (t->n_active < ACTIVE_ZONES_MAX && t->next < t->plan->n_zones) {
		struct nt_zone *z = &t->zones[t->next];
		int ret = zone_activate(t, z, (uint32_t)t->next, now);
		if (ret != KNOT_EOK) {
			knotd_mod_log(t->mod, LOG_ERR, "zone %s, no NOTIFY (%s)", z->p->txt,
			              knot_strerror(ret));
			zone_release(z);
			z->phase = Z_FINISHED;
		}
		if (z->phase != Z_FINISHED) {
			t->active[t->n_active++] = (uint32_t)t->next;
		}
		t->next++;
	}
}

/* Does what is due in the active zones; drops the finished ones. When the next thing
 * is due. */
static uint64_t step_zones(struct notify_thread *t, uint64_t now)
{
	uint64_t due = UINT64_MAX;
	for (size_t i = 0; i < t->n_active;) {
		struct nt_zone *z = &t->zones[t->active[i]];
		zone_step(t, z, now);
		if (z->phase == Z_FINISHED) {
			t->active[i] = t->active[--t->n_active];
			continue;
		}
		uint64_t d = zone_due(z);
		due = d < due ? d : due;
		i++;
	}
	return due;
}

/* The descriptors to wait on: the stop event first. Their number, 0 on ENOMEM. */
static size_t poll_set(struct notify_thread *t)
{
	if (t->pfd == NULL || t->pfd_socks != t->n_socks) {
		struct pollfd *np = realloc(t->pfd, (t->n_socks + 2) * sizeof(*np));
		if (np == NULL) {
			return 0;
		}
		t->pfd = np;
		t->pfd_socks = t->n_socks;
	}
	size_t nfd = 0;
	t->pfd[nfd++] = (struct pollfd){ .fd = t->stop_fd, .events = POLLIN };
	if (t->knotd_fd >= 0) {
		t->pfd[nfd++] = (struct pollfd){ .fd = t->knotd_fd, .events = POLLIN };
	}
	for (size_t i = 0; i < t->n_socks; i++) {
		if (t->socks[i].fd >= 0) {
			t->pfd[nfd++] = (struct pollfd){ .fd = t->socks[i].fd, .events = POLLIN };
		}
	}
	return nfd;
}

/* Waits for answers until due (POLL_MAX_MS at most) and reads them. false: stop. */
static bool wait_answers(struct notify_thread *t, uint64_t due)
{
	size_t nfd = poll_set(t);
	if (nfd == 0) {
		knotd_mod_log(t->mod, LOG_ERR, "NOTIFY sender stopped (%s)",
		              knot_strerror(KNOT_ENOMEM));
		return false;
	}
	uint64_t now = now_ms();
	int timeout = due <= now ? 0 : due - now > POLL_MAX_MS ? POLL_MAX_MS : (int)(due - now);
	if (poll(t->pfd, nfd, timeout) <= 0) {
		return true;
	}
	if (t->pfd[0].revents != 0) {
		return false;   /* unload */
	}
	for (size_t i = 1; i < nfd; i++) {
		if (t->pfd[i].revents & POLLIN) {
			receive(t, t->pfd[i].fd);
		}
	}
	return true;
}

static void run(struct notify_thread *t)
{
	while (current(t)) {
		uint64_t now = now_ms();
		activate_zones(t, now);
		if (t->n_active == 0) {
			break;   /* every zone done */
		}
		uint64_t due = step_zones(t, now);
		if (t->n_active > 0 && !wait_answers(t, due)) {
			break;
		}
	}
}

static void *thread_main(void *arg)
{
	struct notify_thread *t = arg;

	/* knotd's logger is read under RCU: a thread that logs must be registered, or
	 * a reload frees the log target under it. */
	rcu_register_thread();
	int later = t->superseded != NULL ? t->superseded(t->superseded_ctx) : 0;
	while (later < 0 && !atomic_load(&t->stop)) {
		struct pollfd p = { .fd = t->stop_fd, .events = POLLIN };
		(void)poll(&p, 1, 20);
		later = t->superseded(t->superseded_ctx);
	}
	if (later == 0) {
		run(t);
	}
	rcu_unregister_thread();
	return NULL;
}

/* --- start and stop (knotd's main thread) --- */

static void bad_key(void *ctx, const char *name, int ret)
{
	knotd_mod_log(ctx, LOG_WARNING, "key '%s' cannot be used to sign NOTIFY (%s)", name,
	              knot_strerror(ret));
}

/* What the thread needs besides the plan: IDs, the stop event, the socket to knotd. */
static int thread_prepare(struct notify_thread *t)
{
	t->zones = calloc(t->plan->n_zones > 0 ? t->plan->n_zones : 1, sizeof(*t->zones));
	t->active = calloc(ACTIVE_ZONES_MAX, sizeof(*t->active));
	t->by_id = malloc(65536 * sizeof(*t->by_id));
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->zones == NULL || t->active == NULL || t->by_id == NULL) {
		return KNOT_ENOMEM;
	}
	if (t->stop_fd < 0) {
		return knot_map_errno();
	}
	for (size_t i = 0; i < t->plan->n_zones; i++) {
		t->zones[i].p = &t->plan->zones[i];
	}
	for (size_t i = 0; i < 65536; i++) {
		t->by_id[i].zone = ID_FREE;
	}
	if (t->knotd.ss_family != 0) {
		t->knotd_fd = notify_socket(t->knotd.ss_family, NULL);
		if (t->knotd_fd < 0) {
			knotd_mod_log(t->mod, LOG_WARNING, "cannot open a socket to ask knotd "
			              "for serials (%s); NOTIFY without SOA",
			              knot_strerror(t->knotd_fd));
			t->knotd.ss_family = 0;
		}
	}
	return KNOT_EOK;
}

static int thread_spawn(struct notify_thread *t)
{
	/* The thread must not take knotd's signals (SIGHUP reloads on the main thread). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int ret = pthread_create(&t->tid, NULL, thread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0) {
		return knot_map_errno_code(ret);
	}
	t->running = true;
	return KNOT_EOK;
}

int notify_thread_start(knotd_mod_t *mod, const struct nsdconf_model *m,
                        notify_superseded_t superseded, void *ctx, struct notify_thread **out)
{
	*out = NULL;
	struct notify_thread *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY at start-up or to new targets (%s)",
		              knot_strerror(KNOT_ENOMEM));
		return KNOT_ENOMEM;
	}
	t->mod = mod;
	t->superseded = superseded;
	t->superseded_ctx = ctx;
	t->knotd_fd = -1;
	t->stop_fd = -1;
	knotd_address(mod, &t->knotd);

	size_t pending = 0;
	int ret = notify_plan_build(m, bad_key, mod, &t->plan);
	if (ret == KNOT_EOK) {
		ret = registry_take(t, &pending);
	}
	if (ret == KNOT_EOK && pending > 0) {
		ret = thread_prepare(t);
	}
	if (ret == KNOT_EOK && pending > 0) {
		ret = thread_spawn(t);
	}
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY at start-up or to new targets (%s)",
		              knot_strerror(ret));
	}
	if (ret != KNOT_EOK || pending == 0) {
		thread_free(t);
		return ret;
	}
	*out = t;
	return KNOT_EOK;
}

void notify_thread_stop(struct notify_thread *t)
{
	if (t == NULL) {
		return;
	}
	if (t->running) {
		atomic_store(&t->stop, true);
		uint64_t one = 1;
		if (write(t->stop_fd, &one, sizeof(one)) < 0) {
			/* the flag is checked at least every POLL_MAX_MS */
		}
		pthread_join(t->tid, NULL);
	}
	thread_free(t);
}
