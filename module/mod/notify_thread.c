/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender thread: start-up and new-target NOTIFYs over UDP, as NSD sends them. */
#include <arpa/inet.h>
#include <errno.h>
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

#include "mod/notify_sched.h"
#include "conf/tsig_key.h"
#include "mod/notify_send.h"
#include "mod/notify_thread.h"

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

/* What this process has notified, and which instance's thread is the one sending. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nsched_registry registry;
static atomic_uint notify_gen;

struct nt_key {
	const char *name;          /* as nsd.conf spells it */
	knot_tsig_key_t k;
	bool ok;
};

struct nt_target {
	struct sockaddr_storage dst;
	int key;                   /* index into keys, -1: NOKEY */
	char *reg;                 /* registry key */
	struct notify_msg *msg;    /* the transmission in flight (active zones only) */
	int fd;                    /* -1: not chosen yet, -2: no socket could be bound */
	bool live;                 /* msg->id is registered in by_id */
};

enum nt_phase { Z_WAITING, Z_SOA, Z_NOTIFY, Z_FINISHED };

struct notify_thread;

struct nt_zone {
	struct notify_thread *t;   /* the schedule's callbacks get the zone */
	uint32_t zi;
	knot_dname_t *name;
	char *txt;
	struct nt_target *tg;
	size_t n;
	long long retry;
	struct sockaddr_storage *via;  /* outgoing-interface, in order */
	size_t n_via;

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
	int fd;                    /* -errno when binding failed */
};

struct notify_thread {
	knotd_mod_t *mod;
	unsigned gen;
	struct sockaddr_storage knotd;
	int knotd_fd;

	struct nt_key *keys;
	size_t n_keys;
	struct nt_zone *zones;
	size_t n_zones;

	struct nt_sock *socks;
	size_t n_socks;

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

/* --- building the work list from nsd.conf (main thread, in load) --- */

static int key_index(struct notify_thread *t, const struct nsdconf_model *m,
                     const struct nsdconf_acl *a)
{
	const struct nsdconf_key *k = nsdconf_acl_key(m, a);
	if (k == NULL)
		return -1;
	const char *name = k->val[NSDCONF_K_NAME].str;
	for (size_t i = 0; i < t->n_keys; i++) {
		if (strcmp(t->keys[i].name, name) == 0)
			return (int)i;
	}
	struct nt_key *nk = realloc(t->keys, (t->n_keys + 1) * sizeof(*nk));
	if (nk == NULL)
		return -2;
	t->keys = nk;
	struct nt_key *e = &t->keys[t->n_keys];
	*e = (struct nt_key){ .name = strdup(name) };
	if (e->name == NULL)
		return -2;
	int ret = nsdconf_tsig_key_init(&e->k, name, k->val[NSDCONF_K_ALGORITHM].str,
	                          k->val[NSDCONF_K_SECRET].str);
	e->ok = ret == KNOT_EOK;
	if (!e->ok)
		knotd_mod_log(t->mod, LOG_WARNING, "key '%s' cannot be used to sign NOTIFY (%s)",
		              name, knot_strerror(ret));
	return (int)t->n_keys++;
}

static void acl_sockaddr(const struct nsdconf_acl *a, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->addr, 16);
		s6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->addr, 4);
		s4->sin_port = htons(port);
	}
}

static int zone_add(struct notify_thread *t, const struct nsdconf_model *m,
                    const struct nsdconf_zone *z, size_t *cap)
{
	const struct nsdconf_pattern *p = z->pattern;
	size_t n = 0;
	for (const struct nsdconf_acl *a = nsdconf_pacl(p, NSDCONF_P_NOTIFY); a; a = a->next)
		n++;
	if (n == 0)
		return 0;

	if (t->n_zones == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct nt_zone *nz = realloc(t->zones, c * sizeof(*nz));
		if (nz == NULL)
			return -1;
		t->zones = nz;
		*cap = c;
	}
	struct nt_zone *zz = &t->zones[t->n_zones];
	*zz = (struct nt_zone){ .retry = nsdconf_pnum(p, NSDCONF_P_NOTIFY_RETRY) };
	t->n_zones++;   /* from here on freed with the rest */
	zz->name = knot_dname_copy(z->dname, NULL);
	zz->txt = zz->name ? knot_dname_to_str_alloc(zz->name) : NULL;
	zz->tg = calloc(n, sizeof(*zz->tg));
	if (zz->name == NULL || zz->txt == NULL || zz->tg == NULL)
		return -1;

	size_t nv = 0;
	for (const struct nsdconf_acl *o = nsdconf_pacl(p, NSDCONF_P_OUTGOING_INTERFACE); o;
	     o = o->next)
		nv++;
	if (nv > 0) {
		zz->via = calloc(nv, sizeof(*zz->via));
		if (zz->via == NULL)
			return -1;
		for (const struct nsdconf_acl *o = nsdconf_pacl(p, NSDCONF_P_OUTGOING_INTERFACE);
		     o; o = o->next)
			acl_sockaddr(o, o->port <= 65535 ? o->port : 0, &zz->via[zz->n_via++]);
	}

	for (const struct nsdconf_acl *a = nsdconf_pacl(p, NSDCONF_P_NOTIFY); a; a = a->next) {
		if (a->key == NSDCONF_ACL_BLOCKED || a->port > 65535)
			continue;   /* nsd-checkconf's business; nothing NSD could send to */
		int key = -1;
		if (a->key == NSDCONF_ACL_KEY) {
			key = key_index(t, m, a);
			if (key == -2)
				return -1;
			if (key < 0 || !t->keys[key].ok)
				continue;   /* an unknown key fails nsd.conf's parse already */
		}
		struct nt_target *tg = &zz->tg[zz->n];
		/* NSD sends to @port or 53, never to its own port: setting. */
		acl_sockaddr(a, a->port != 0 ? a->port : 53, &tg->dst);
		tg->key = key;
		tg->fd = -1;
		char addr[80];
		notify_addr_str(&tg->dst, addr, sizeof(addr));
		if (asprintf(&tg->reg, "%s|%s|%s", zz->txt, addr,
		             key >= 0 ? t->keys[key].name : "NOKEY") < 0) {
			tg->reg = NULL;
			return -1;
		}
		zz->n++;
	}
	return 0;
}

static void zone_release(struct nt_zone *z)
{
	for (size_t i = 0; i < z->n; i++) {
		free(z->tg[i].msg);
		z->tg[i].msg = NULL;
	}
	free(z->soa_q);
	z->soa_q = NULL;
	knot_rrset_free(z->soa, NULL);
	z->soa = NULL;
	if (z->sched_init)
		nsched_free(&z->sched);
	z->sched_init = false;
}

static void thread_free(struct notify_thread *t)
{
	for (size_t i = 0; i < t->n_zones; i++) {
		struct nt_zone *z = &t->zones[i];
		zone_release(z);
		for (size_t k = 0; k < z->n; k++)
			free(z->tg[k].reg);
		free(z->tg);
		free(z->via);
		free(z->txt);
		knot_dname_free(z->name, NULL);
	}
	free(t->zones);
	for (size_t i = 0; i < t->n_keys; i++) {
		if (t->keys[i].ok)
			knot_tsig_key_deinit(&t->keys[i].k);
		free((char *)t->keys[i].name);
	}
	free(t->keys);
	for (size_t i = 0; i < t->n_socks; i++) {
		if (t->socks[i].fd >= 0)
			close(t->socks[i].fd);
	}
	free(t->socks);
	if (t->knotd_fd >= 0)
		close(t->knotd_fd);
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	free(t->by_id);
	free(t);
}

/* --- sockets and IDs --- */

static uint16_t random_id(struct notify_thread *t)
{
	if (t->rnd_pos + 2 > sizeof(t->rnd) || t->rnd_pos == 0) {
		if (getrandom(t->rnd, sizeof(t->rnd), 0) != (ssize_t)sizeof(t->rnd)) {
			/* no entropy source: still unique, less unguessable */
			for (size_t i = 0; i < sizeof(t->rnd); i++)
				t->rnd[i] = (uint8_t)(now_ms() * 2654435761u >> (i % 24));
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
	while (t->by_id[id].zone != ID_FREE)
		id++;
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

/* The socket a NOTIFY to dst leaves from: NSD binds the first outgoing-interface of the
 * destination's family that binds; none of that family: the OS chooses. */
static int socket_for(struct notify_thread *t, const struct nt_zone *z,
                      const struct sockaddr_storage *dst)
{
	int family = dst->ss_family;
	bool have_family = false;

	for (size_t v = 0; v <= z->n_via; v++) {
		const struct sockaddr_storage *want = NULL;
		if (v < z->n_via) {
			if (z->via[v].ss_family != family)
				continue;
			want = &z->via[v];
			have_family = true;
		} else if (have_family) {
			break;   /* entries of this family exist, none binds: NSD fails */
		}
		for (size_t i = 0; i < t->n_socks; i++) {
			struct nt_sock *s = &t->socks[i];
			if (s->family == family && s->bound == (want != NULL) &&
			    (want == NULL || notify_addr_equal(&s->addr, want))) {
				if (s->fd >= 0)
					return s->fd;
				goto next;   /* failed before, logged then */
			}
		}
		struct nt_sock *ns = realloc(t->socks, (t->n_socks + 1) * sizeof(*ns));
		if (ns == NULL)
			return -1;
		t->socks = ns;
		struct nt_sock *s = &t->socks[t->n_socks++];
		*s = (struct nt_sock){ .family = family, .bound = want != NULL };
		if (want != NULL)
			s->addr = *want;
		s->fd = notify_socket(family, want);
		if (s->fd >= 0)
			return s->fd;
		if (want != NULL) {
			char a[80];
			notify_addr_str(want, a, sizeof(a));
			knotd_mod_log(t->mod, LOG_WARNING, "zone %s, could not bind source address "
			              "%s for NOTIFY (%s)", z->txt, a, strerror(-s->fd));
		} else {
			knotd_mod_log(t->mod, LOG_WARNING, "cannot open a UDP socket for NOTIFY (%s)",
			              strerror(-s->fd));
		}
next:
		;
	}
	return -1;
}

/* --- one zone --- */

static bool current(const struct notify_thread *t)
{
	return !atomic_load(&t->stop) && atomic_load(&notify_gen) == t->gen;
}

static void registry_done(const char *reg)
{
	pthread_mutex_lock(&registry_lock);
	nsched_registry_done(&registry, reg);
	pthread_mutex_unlock(&registry_lock);
}

static void on_send(void *ctx, size_t i, unsigned nth)
{
	struct nt_zone *z = ctx;
	struct notify_thread *t = z->t;
	struct nt_target *tg = &z->tg[i];

	if (tg->fd == -1) {
		tg->fd = socket_for(t, z, &tg->dst);
		if (tg->fd < 0)
			tg->fd = -2;
	}
	if (tg->fd == -2) {
		nsched_skip(&z->sched, i);
		return;
	}
	if (tg->live)
		drop_id(t, tg->msg->id);
	tg->live = false;

	const knot_tsig_key_t *key = tg->key >= 0 ? &t->keys[tg->key].k : NULL;
	uint16_t id = take_id(t, z->zi, (int32_t)i);
	int ret = notify_build(tg->msg, z->name, z->soa, key, id);
	if (ret != KNOT_EOK) {
		drop_id(t, id);
		knotd_mod_log(t->mod, LOG_ERR, "zone %s, cannot build NOTIFY (%s)", z->txt,
		              knot_strerror(ret));
		nsched_skip(&z->sched, i);
		return;
	}
	tg->live = true;
	pthread_mutex_lock(&registry_lock);
	nsched_registry_sent(&registry, tg->reg, now_ms());
	pthread_mutex_unlock(&registry_lock);
	/* A failed send is a lost datagram: the 3 s timer sends again, as in NSD. */
	if (sendto(tg->fd, tg->msg->wire, tg->msg->len, 0, (const struct sockaddr *)&tg->dst,
	           ss_len(&tg->dst)) < 0 && nth == 1) {
		char a[80];
		notify_addr_str(&tg->dst, a, sizeof(a));
		knotd_mod_log(t->mod, LOG_DEBUG, "zone %s, NOTIFY to %s not sent (%s)", z->txt, a,
		              strerror(errno));
	}
}

static void on_end(void *ctx, size_t i, enum nsched_state st)
{
	struct nt_zone *z = ctx;
	struct notify_thread *t = z->t;
	struct nt_target *tg = &z->tg[i];
	char a[80];

	if (tg->live)
		drop_id(t, tg->msg->id);
	tg->live = false;
	notify_addr_str(&tg->dst, a, sizeof(a));
	switch (st) {
	case NSCHED_DONE:
		z->answered++;
		knotd_mod_log(t->mod, LOG_DEBUG, "zone %s, NOTIFY to %s answered %s", z->txt, a,
		              z->sched.t[i].last_rcode == KNOT_RCODE_NOTIMPL ? "NOTIMP" : "NOERROR");
		break;
	case NSCHED_GAVE_UP:
		z->unreachable++;
		knotd_mod_log(t->mod, LOG_NOTICE, "zone %s, NOTIFY to %s: max notify send count "
		              "reached, %s unreachable", z->txt, a, a);
		break;
	default:
		break;
	}
	/* Given up counts as done too: NSD does not try again before the next serial. */
	registry_done(tg->reg);
}

static void zone_finish(struct notify_thread *t, struct nt_zone *z)
{
	if (z->phase == Z_NOTIFY && z->answered + z->unreachable > 0)
		knotd_mod_log(t->mod, LOG_INFO, "zone %s, NOTIFY done, %zu answered, %zu unreachable",
		              z->txt, z->answered, z->unreachable);
	if (z->soa_live)
		drop_id(t, z->soa_q->id);
	z->soa_live = false;
	zone_release(z);
	z->phase = Z_FINISHED;
}

/* Targets another instance finished meanwhile are not sent to again. */
static bool zone_activate(struct notify_thread *t, struct nt_zone *z, uint32_t zi,
                          uint64_t now)
{
	size_t pending = 0;

	z->t = t;
	z->zi = zi;
	if (nsched_init(&z->sched, z->n, z->retry, on_send, on_end, z) != 0)
		return false;
	z->sched_init = true;
	z->soa_q = calloc(1, sizeof(*z->soa_q));
	if (z->soa_q == NULL)
		return false;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < z->n; i++) {
		z->tg[i].fd = -1;
		if (!nsched_registry_pending(&registry, z->tg[i].reg)) {
			z->sched.t[i].state = NSCHED_SKIPPED;
			z->sched.finished++;
			continue;
		}
		z->startup |= nsched_registry_startup(&registry, z->tg[i].reg);
		unsigned sent;
		uint64_t last;
		nsched_registry_progress(&registry, z->tg[i].reg, &sent, &last);
		nsched_resume(&z->sched, i, sent, last);
		z->tg[i].msg = calloc(1, sizeof(*z->tg[i].msg));
		if (z->tg[i].msg == NULL) {
			pthread_mutex_unlock(&registry_lock);
			return false;
		}
		pending++;
	}
	pthread_mutex_unlock(&registry_lock);
	if (pending == 0) {
		zone_finish(t, z);
		return true;
	}
	z->soa_first = now;
	z->soa_due = now;
	z->phase = t->knotd.ss_family != 0 ? Z_SOA : Z_NOTIFY;
	return true;
}

static void zone_notify(struct notify_thread *t, struct nt_zone *z, uint64_t now)
{
	size_t pending = z->n - z->sched.finished;
	char serial[32] = "unknown (no SOA sent)";
	z->phase = Z_NOTIFY;
	if (z->soa != NULL)
		snprintf(serial, sizeof(serial), "%u", knot_soa_serial(z->soa->rrs.rdata));
	knotd_mod_log(t->mod, LOG_INFO, "zone %s, NOTIFY %s, %zu target%s, serial %s", z->txt,
	              z->startup ? "at start-up" : "to new notify targets", pending,
	              pending == 1 ? "" : "s", serial);
	(void)now;
}

static void soa_retry(struct nt_zone *z, uint64_t now)
{
	uint64_t pause = SOA_BACKOFF_MIN_MS;
	for (unsigned i = 1; i < z->soa_tries && pause < SOA_BACKOFF_MAX_MS; i++)
		pause *= 2;
	z->soa_due = now + (pause < SOA_BACKOFF_MAX_MS ? pause : SOA_BACKOFF_MAX_MS);
}

static void zone_give_up(struct notify_thread *t, struct nt_zone *z)
{
	knotd_mod_log(t->mod, LOG_NOTICE, "zone %s, not served by knotd after %d s; no NOTIFY "
	              "%s", z->txt, SOA_GIVEUP_MS / 1000,
	              z->startup ? "at start-up" : "to new notify targets");
	for (size_t i = 0; i < z->n; i++)
		nsched_skip(&z->sched, i);
	zone_finish(t, z);
}

static void zone_step(struct notify_thread *t, struct nt_zone *z, uint32_t zi, uint64_t now)
{
	if (z->phase == Z_SOA) {
		if (z->soa_live && now >= z->soa_sent + SOA_TIMEOUT_MS) {
			drop_id(t, z->soa_q->id);
			z->soa_live = false;
			soa_retry(z, now);
		}
		if (!z->soa_live && now >= z->soa_due) {
			if (now - z->soa_first >= SOA_GIVEUP_MS) {
				zone_give_up(t, z);
				return;
			}
			uint16_t id = take_id(t, zi, -1);
			if (notify_build_soa_query(z->soa_q, z->name, id) != KNOT_EOK) {
				drop_id(t, id);
				zone_notify(t, z, now);
			} else {
				(void)sendto(t->knotd_fd, z->soa_q->wire, z->soa_q->len, 0,
				             (const struct sockaddr *)&t->knotd, ss_len(&t->knotd));
				z->soa_live = true;
				z->soa_sent = now;
				z->soa_tries++;
			}
		}
	}
	if (z->phase == Z_NOTIFY) {
		nsched_run(&z->sched, now);
		if (nsched_finished(&z->sched))
			zone_finish(t, z);
	}
}

static uint64_t zone_due(const struct nt_zone *z)
{
	if (z->phase == Z_SOA)
		return z->soa_live ? z->soa_sent + SOA_TIMEOUT_MS : z->soa_due;
	if (z->phase == Z_NOTIFY)
		return nsched_next_ms(&z->sched);
	return UINT64_MAX;
}

/* --- answers --- */

static void soa_answer(struct notify_thread *t, struct nt_zone *z, uint8_t *wire, size_t len,
                       uint64_t now)
{
	int rcode = -1;
	knot_rrset_t *soa = NULL;
	enum notify_answer a = notify_parse_soa_answer(z->soa_q, z->name, wire, len, &rcode, &soa);
	if (a != NOTIFY_ANSWER_OK)
		return;
	drop_id(t, z->soa_q->id);
	z->soa_live = false;
	if (soa != NULL) {
		z->soa = soa;
		zone_notify(t, z, now);
	} else if (rcode == KNOT_RCODE_SERVFAIL) {
		soa_retry(z, now);   /* configured, not loaded (yet): wait for it */
	} else if (++z->soa_refused >= SOA_REFUSED_MAX) {
		zone_notify(t, z, now);
	} else {
		soa_retry(z, now);
	}
}

static void target_answer(struct notify_thread *t, struct nt_zone *z, size_t i, int fd,
                          const struct sockaddr_storage *from, uint8_t *wire, size_t len,
                          uint64_t now)
{
	struct nt_target *tg = &z->tg[i];
	if (!tg->live || tg->fd != fd || !notify_addr_equal(from, &tg->dst))
		return;   /* NSD: only from the destination's address and port */
	const knot_tsig_key_t *key = tg->key >= 0 ? &t->keys[tg->key].k : NULL;
	int rcode = -1;
	switch (notify_check_answer(tg->msg, z->name, key, wire, len, &rcode)) {
	case NOTIFY_ANSWER_OK:
		break;
	case NOTIFY_ANSWER_BADTSIG: {
		/* NSD does not check; we do, and take an unverified answer for no answer,
		 * so a forged one can neither end nor hurry the retries. */
		char a[80];
		notify_addr_str(from, a, sizeof(a));
		knotd_mod_log(t->mod, LOG_WARNING, "zone %s, NOTIFY answer from %s with a bad or "
		              "missing TSIG, ignored", z->txt, a);
		return;
	}
	default:
		return;
	}
	if (rcode != KNOT_RCODE_NOERROR && rcode != KNOT_RCODE_NOTIMPL) {
		char a[80];
		notify_addr_str(from, a, sizeof(a));
		const knot_lookup_t *r = knot_lookup_by_id(knot_rcode_names, rcode);
		knotd_mod_log(t->mod, LOG_INFO, "zone %s, NOTIFY to %s answered %s", z->txt, a,
		              r != NULL ? r->name : "?");
	}
	nsched_reply(&z->sched, i, rcode, now);
	if (nsched_finished(&z->sched))
		zone_finish(t, z);
}

static void receive(struct notify_thread *t, int fd)
{
	uint8_t buf[65535];

	for (int n = 0; n < 256; n++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (len < 0)
			return;
		if (len < KNOT_WIRE_HEADER_SIZE)
			continue;
		uint16_t id = knot_wire_get_id(buf);
		if (t->by_id[id].zone == ID_FREE)
			continue;
		struct nt_zone *z = &t->zones[t->by_id[id].zone];
		int32_t ti = t->by_id[id].target;
		uint64_t now = now_ms();
		if (ti < 0) {
			if (fd == t->knotd_fd && notify_addr_equal(&from, &t->knotd) && z->soa_live)
				soa_answer(t, z, buf, len, now);
		} else {
			target_answer(t, z, ti, fd, &from, buf, len, now);
		}
	}
}

/* --- the thread --- */

static void run(struct notify_thread *t)
{
	uint32_t *active = calloc(ACTIVE_ZONES_MAX, sizeof(*active));
	struct pollfd *pfd = NULL;
	size_t n_active = 0, next = 0, pfd_socks = SIZE_MAX;
	if (active == NULL)
		goto out;

	while (current(t)) {
		uint64_t now = now_ms();
		while (n_active < ACTIVE_ZONES_MAX && next < t->n_zones) {
			struct nt_zone *z = &t->zones[next];
			if (!zone_activate(t, z, (uint32_t)next, now)) {
				knotd_mod_log(t->mod, LOG_ERR, "zone %s, no NOTIFY (out of memory)",
				              z->txt);
				zone_release(z);
				z->phase = Z_FINISHED;
			}
			if (z->phase != Z_FINISHED)
				active[n_active++] = (uint32_t)next;
			next++;
		}
		if (n_active == 0)
			break;

		uint64_t due = UINT64_MAX;
		for (size_t i = 0; i < n_active;) {
			struct nt_zone *z = &t->zones[active[i]];
			zone_step(t, z, active[i], now);
			if (z->phase == Z_FINISHED) {
				active[i] = active[--n_active];
				continue;
			}
			uint64_t d = zone_due(z);
			due = d < due ? d : due;
			i++;
		}
		if (n_active == 0)
			continue;   /* activate more, or end */

		if (pfd_socks != t->n_socks) {
			struct pollfd *np = realloc(pfd, (t->n_socks + 2) * sizeof(*np));
			if (np == NULL)
				break;
			pfd = np;
			pfd_socks = t->n_socks;
		}
		size_t nfd = 0;
		pfd[nfd++] = (struct pollfd){ .fd = t->stop_fd, .events = POLLIN };
		if (t->knotd_fd >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = t->knotd_fd, .events = POLLIN };
		for (size_t i = 0; i < t->n_socks; i++) {
			if (t->socks[i].fd >= 0)
				pfd[nfd++] = (struct pollfd){ .fd = t->socks[i].fd, .events = POLLIN };
		}
		now = now_ms();
		int timeout = due <= now ? 0 : due - now > POLL_MAX_MS ? POLL_MAX_MS : (int)(due - now);
		if (poll(pfd, nfd, timeout) <= 0)
			continue;
		if (pfd[0].revents != 0)
			break;   /* unload */
		for (size_t i = 1; i < nfd; i++) {
			if (pfd[i].revents & POLLIN)
				receive(t, pfd[i].fd);
		}
	}
out:
	free(active);
	free(pfd);
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
	if (later == 0)
		run(t);
	rcu_unregister_thread();
	return NULL;
}

struct notify_thread *notify_thread_start(knotd_mod_t *mod, const struct nsdconf_model *m,
                                          const struct sockaddr_storage *knotd,
                                          notify_superseded_t superseded, void *ctx)
{
	struct notify_thread *t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto nomem;
	t->mod = mod;
	t->superseded = superseded;
	t->superseded_ctx = ctx;
	t->knotd_fd = -1;
	t->stop_fd = -1;
	if (knotd != NULL)
		t->knotd = *knotd;

	size_t cap = 0;
	for (int i = 0; i < m->n_zones; i++) {
		if (zone_add(t, m, m->zones[i], &cap) != 0)
			goto nomem;
	}

	/* Every target in the registry; those it had not seen are pending. */
	size_t n_keys = 0;
	for (size_t i = 0; i < t->n_zones; i++)
		n_keys += t->zones[i].n;
	const char **keys = calloc(n_keys > 0 ? n_keys : 1, sizeof(*keys));
	bool *pending = calloc(n_keys > 0 ? n_keys : 1, sizeof(*pending));
	if (keys == NULL || pending == NULL) {
		free(keys);
		free(pending);
		goto nomem;
	}
	size_t k = 0;
	for (size_t i = 0; i < t->n_zones; i++) {
		for (size_t j = 0; j < t->zones[i].n; j++)
			keys[k++] = t->zones[i].tg[j].reg;
	}
	pthread_mutex_lock(&registry_lock);
	int ret = nsched_registry_update(&registry, keys, n_keys, pending);
	/* The instance a reload creates takes over; the older thread stops sending. */
	t->gen = atomic_fetch_add(&notify_gen, 1) + 1;
	pthread_mutex_unlock(&registry_lock);
	size_t n_pending = 0;
	for (size_t i = 0; i < n_keys; i++)
		n_pending += pending[i];
	free(keys);
	free(pending);
	if (ret != 0)
		goto nomem;
	if (n_pending == 0) {
		thread_free(t);
		return NULL;
	}

	t->by_id = malloc(65536 * sizeof(*t->by_id));
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->by_id == NULL || t->stop_fd < 0)
		goto nomem;
	for (size_t i = 0; i < 65536; i++)
		t->by_id[i].zone = ID_FREE;
	if (t->knotd.ss_family != 0) {
		t->knotd_fd = notify_socket(t->knotd.ss_family, NULL);
		if (t->knotd_fd < 0) {
			knotd_mod_log(mod, LOG_WARNING, "cannot open a socket to ask knotd for "
			              "serials (%s); NOTIFY without SOA", strerror(-t->knotd_fd));
			t->knotd.ss_family = 0;
		}
	}

	/* The thread must not take knotd's signals (SIGHUP reloads on the main thread). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&t->tid, NULL, thread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0) {
		knotd_mod_log(mod, LOG_ERR, "cannot start the NOTIFY thread (%s)", strerror(ret));
		thread_free(t);
		return NULL;
	}
	t->running = true;
	return t;

nomem:
	knotd_mod_log(mod, LOG_ERR, "no NOTIFY at start-up or to new targets (out of memory)");
	if (t != NULL)
		thread_free(t);
	return NULL;
}

void notify_thread_stop(struct notify_thread *t)
{
	if (t == NULL)
		return;
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
