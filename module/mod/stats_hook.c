/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's statistics counted in knotd's query pipeline: one counter block per worker thread. */
#include <stdlib.h>
#include <string.h>

#include "mod/knotd_compat.h"
#include "mod/notify_self.h"
#include "mod/process_state.h"
#include "mod/stats_hook.h"

/* knotd's KNOT_STATE_PRODUCE in the END stage: more messages of this answer follow (an
 * AXFR or IXFR stream); knotd_state_t does not name it. */
#define STATE_PRODUCE 2

/* One worker's counters: written by that worker only, read by the remote control. */
struct stats_block {
	struct ctl_stats st;
	bool in_xfr;               /* the next messages continue a counted request */
} __attribute__((aligned(64)));

/* Relaxed: one writer per block; the reader sums while they count. */
#define INC(x) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + 1, \
                                __ATOMIC_RELAXED)

static void count_transport(struct stats_block *b, knotd_qdata_t *qdata)
{
	const struct sockaddr_storage *ss = knotd_qdata_remote_addr(qdata);
	bool v6 = ss != NULL && ss->ss_family == AF_INET6;
	switch (qdata->params->proto) {
	case KNOTD_QUERY_PROTO_UDP:
		v6 ? INC(b->st.udp6) : INC(b->st.udp);
		break;
	case KNOTD_QUERY_PROTO_TCP:
		v6 ? INC(b->st.tcp6) : INC(b->st.tcp);
		break;
	default:   /* TLS, QUIC: encrypted, NSD's tls counters */
		v6 ? INC(b->st.tls6) : INC(b->st.tls);
		break;
	}
}

/* What query.c counts once the question parsed (QUERY and NOTIFY only). */
static void count_question(struct stats_block *b, const knot_pkt_t *q)
{
	unsigned opcode = knot_wire_get_opcode(q->wire);
	if ((opcode != KNOT_OPCODE_QUERY && opcode != KNOT_OPCODE_NOTIFY) ||
	    knot_wire_get_qdcount(q->wire) != 1 || knot_wire_get_rcode(q->wire) != 0 ||
	    q->qname_size == 0) {
		return;   /* NSD answers FORMERR or NOTIMP before it counts */
	}
	unsigned type = knot_pkt_qtype(q), cls = knot_pkt_qclass(q);
	INC(b->st.opcode[opcode < 5 ? opcode : 5]);
	INC(b->st.qtype[type < 256 ? type : 256]);
	INC(b->st.qclass[cls < 3 ? cls : 3]);
}

/* What server.c counts of the answer. */
static void count_answer(struct stats_block *b, const knotd_qdata_t *qdata, const knot_pkt_t *pkt)
{
	unsigned rcode = knot_wire_get_rcode(pkt->wire);
	INC(b->st.rcode[rcode]);
	if (knot_wire_get_tc(pkt->wire)) {
		INC(b->st.truncated);
	}
	if (rcode == KNOT_RCODE_NOERROR && !knot_wire_get_aa(pkt->wire)) {
		INC(b->st.nona);
	}
	if (pkt->opt_rr != NULL) {
		/* knotd writes BADVERS's upper bits into the OPT record on the wire only; its
		 * whole rcode is in qdata */
		qdata->rcode == KNOT_RCODE_BADVERS ? INC(b->st.ednserr) : INC(b->st.edns);
	}
	if (rcode == KNOT_RCODE_NOERROR && qdata->type == KNOTD_QUERY_TYPE_AXFR) {
		INC(b->st.raxfr);
	} else if (rcode == KNOT_RCODE_NOERROR && qdata->type == KNOTD_QUERY_TYPE_IXFR) {
		INC(b->st.rixfr);
	}
}

static knotd_state_t stats_end(knotd_state_t state, knot_pkt_t *pkt, knotd_qdata_t *qdata,
                               knotd_mod_t *mod)
{
	(void)mod;
	struct stats_block *blocks = __atomic_load_n(&nsd_process.stats, __ATOMIC_ACQUIRE);
	unsigned tid = qdata->params->thread_id;
	if (blocks == NULL || tid >= nsd_process.stats_threads) {
		return state;
	}
	struct stats_block *b = &blocks[tid];
	if (b->in_xfr) {
		b->in_xfr = (int)state == STATE_PRODUCE;   /* counted at its first message */
		return state;
	}
	/* knotd telling the module of a change is not a query NSD would see */
	if (qdata->type == KNOTD_QUERY_TYPE_NOTIFY && notify_self_named(qdata)) {
		return state;
	}
	count_transport(b, qdata);
	if (state == KNOTD_STATE_NOOP) {
		INC(b->st.dropped);
		return state;
	}
	count_question(b, qdata->query);
	count_answer(b, qdata, pkt);
	b->in_xfr = (int)state == STATE_PRODUCE;
	return state;
}

static void make_blocks(knotd_mod_t *mod)
{
	if (__atomic_load_n(&nsd_process.stats, __ATOMIC_ACQUIRE) != NULL) {
		return;   /* a reload: counting goes on (knotd's worker count needs a restart) */
	}
	unsigned n = knotd_mod_threads(mod);
	n = n > 0 ? n : 1;
	struct stats_block *b = aligned_alloc(64, n * sizeof(*b));
	if (b == NULL) {
		return;
	}
	memset(b, 0, n * sizeof(*b));
	clock_gettime(CLOCK_MONOTONIC, &nsd_process.stats_boot);
	nsd_process.stats_threads = n;
	__atomic_store_n(&nsd_process.stats, b, __ATOMIC_RELEASE);
}

int stats_hook_load(knotd_mod_t *mod)
{
	make_blocks(mod);   /* load runs on knotd's main thread, one at a time */
	if (__atomic_load_n(&nsd_process.stats, __ATOMIC_ACQUIRE) == NULL) {
		knotd_mod_log(mod, LOG_ERR, "statistics: %s; nsd-control stats stays at 0",
		              knot_strerror(KNOT_ENOMEM));
		return KNOT_ENOMEM;
	}
	int ret = knotd_mod_hook(mod, KNOTD_STAGE_END, stats_end);
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "statistics: cannot hook into knotd (%s)",
		              knot_strerror(ret));
	}
	return ret;
}

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

bool stats_sum(struct ctl_stats *out, uint64_t *per_thread, size_t n_per_thread)
{
	memset(out, 0, sizeof(*out));
	struct stats_block *blocks = __atomic_load_n(&nsd_process.stats, __ATOMIC_ACQUIRE);
	if (blocks == NULL) {
		return false;
	}
	for (unsigned t = 0; t < nsd_process.stats_threads; t++) {
		struct ctl_stats s;
		const uint64_t *src = (const uint64_t *)&blocks[t].st;
		uint64_t *dst = (uint64_t *)&s;
		for (size_t i = 0; i < sizeof(s) / sizeof(uint64_t); i++) {
			dst[i] = LOAD(src[i]);
		}
		ctl_stats_add(out, &s);
		if (t < n_per_thread) {
			per_thread[t] = ctl_stats_queries(&s);
		}
	}
	return true;
}

size_t stats_threads(void)
{
	return __atomic_load_n(&nsd_process.stats, __ATOMIC_ACQUIRE) != NULL ?
	       nsd_process.stats_threads : 0;
}

struct timespec stats_boot(void)
{
	return nsd_process.stats_boot;
}
