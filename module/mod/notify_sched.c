/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY schedule of one zone: NSD's slots, 3 s spacing and notify-retry, without I/O. */
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "mod/notify_sched.h"

#define RCODE_NOERROR	0
#define RCODE_NOTIMP	4

int nsched_init(struct nsched *s, size_t n, long long notify_retry, nsched_send_t send,
                nsched_end_t end, void *ctx)
{
	*s = (struct nsched){ .n = n, .send = send, .end = end, .ctx = ctx };
	/* NSD: notify-retry is the number of transmissions, and the first one is
	 * always made (xfrd_notify_send_udp is reached before the count is checked). */
	s->max_sends = notify_retry < 1 ? 1 : notify_retry > 255 ? 255 : (unsigned)notify_retry;
	if (n == 0) {
		return KNOT_EOK;
	}
	s->t = calloc(n, sizeof(*s->t));
	if (s->t == NULL) {
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		s->t[i].last_rcode = -1;
	}
	return KNOT_EOK;
}

void nsched_free(struct nsched *s)
{
	free(s->t);
	s->t = NULL;
	s->n = 0;
}

void nsched_restart(struct nsched *s)
{
	for (size_t i = 0; i < s->n; i++) {
		s->t[i] = (struct nsched_target){ .state = NSCHED_WAITING, .last_rcode = -1 };
	}
	s->next_waiting = 0;
	s->inflight = 0;
	s->finished = 0;
}

static void finish(struct nsched *s, size_t i, enum nsched_state state)
{
	struct nsched_target *t = &s->t[i];

	if (t->state == NSCHED_INFLIGHT) {
		s->inflight--;
	}
	t->state = state;
	s->finished++;
	if (s->end != NULL) {
		s->end(s->ctx, i, state);
	}
}

static void transmit(struct nsched *s, size_t i, uint64_t now_ms)
{
	struct nsched_target *t = &s->t[i];

	if (t->sent >= s->max_sends) {   /* resumed with nothing left to send */
		finish(s, i, NSCHED_GAVE_UP);
		return;
	}
	t->sent++;
	t->due_ms = now_ms + NSCHED_SPACING_MS;
	s->send(s->ctx, i, t->sent);
}

void nsched_run(struct nsched *s, uint64_t now_ms)
{
	for (size_t i = 0; i < s->n && s->inflight > 0; i++) {
		struct nsched_target *t = &s->t[i];
		if (t->state != NSCHED_INFLIGHT || t->due_ms > now_ms) {
			continue;
		}
		if (t->sent >= s->max_sends) {
			finish(s, i, NSCHED_GAVE_UP);
		} else {
			transmit(s, i, now_ms);
		}
	}
	/* Slots freed above (or by replies) go to the next waiting targets at once, as
	 * NSD's notify_enable_next does. finish() may be re-entered through send(), so
	 * the loop re-reads the counters every time. */
	while (s->inflight < NSCHED_MAX_INFLIGHT && s->next_waiting < s->n) {
		size_t i = s->next_waiting++;
		if (s->t[i].state != NSCHED_WAITING) {
			continue;
		}
		s->t[i].state = NSCHED_INFLIGHT;
		s->inflight++;
		transmit(s, i, now_ms);
	}
}

void nsched_reply(struct nsched *s, size_t i, int rcode, uint64_t now_ms)
{
	if (i >= s->n || s->t[i].state != NSCHED_INFLIGHT) {
		return;
	}
	struct nsched_target *t = &s->t[i];
	t->last_rcode = rcode;
	if (rcode == RCODE_NOERROR || rcode == RCODE_NOTIMP) {
		finish(s, i, NSCHED_DONE);
	} else if (t->sent >= s->max_sends) {
		finish(s, i, NSCHED_GAVE_UP);
	} else {
		/* NSD resends at once: the error answer used up this transmission. */
		t->due_ms = now_ms;
	}
}

void nsched_resume(struct nsched *s, size_t i, unsigned sent, uint64_t last_ms)
{
	if (i >= s->n || sent == 0 || s->t[i].state != NSCHED_WAITING) {
		return;
	}
	struct nsched_target *t = &s->t[i];
	t->sent = sent < s->max_sends ? sent : s->max_sends;
	if (s->inflight < NSCHED_MAX_INFLIGHT) {
		/* as if still in flight: the next transmission (or giving up) is due 3 s
		 * after the last one */
		t->state = NSCHED_INFLIGHT;
		t->due_ms = last_ms + NSCHED_SPACING_MS;
		s->inflight++;
	}
}

void nsched_skip(struct nsched *s, size_t i)
{
	if (i >= s->n) {
		return;
	}
	enum nsched_state st = s->t[i].state;
	if (st == NSCHED_WAITING || st == NSCHED_INFLIGHT) {
		finish(s, i, NSCHED_SKIPPED);
	}
}

uint64_t nsched_next_ms(const struct nsched *s)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < s->n; i++) {
		if (s->t[i].state == NSCHED_INFLIGHT && s->t[i].due_ms < next) {
			next = s->t[i].due_ms;
		}
	}
	/* Waiting targets with a free slot are due at once. */
	if (s->inflight < NSCHED_MAX_INFLIGHT) {
		for (size_t i = s->next_waiting; i < s->n; i++) {
			if (s->t[i].state == NSCHED_WAITING) {
				return 0;
			}
		}
	}
	return next;
}

/* --- the process-wide registry of notified targets --- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long reg_find(const struct nsched_registry *r, const char *key)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, r->keys[mid]);
		if (c == 0) {
			return (long)mid;
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return -1;
}

int nsched_registry_update(struct nsched_registry *r, const char *const *keys, size_t n,
                           bool *pending)
{
	char **nk = calloc(n > 0 ? n : 1, sizeof(*nk));
	bool *nd = calloc(n > 0 ? n : 1, sizeof(*nd));
	bool *ns = calloc(n > 0 ? n : 1, sizeof(*ns));
	unsigned *nc = calloc(n > 0 ? n : 1, sizeof(*nc));
	uint64_t *nl = calloc(n > 0 ? n : 1, sizeof(*nl));
	int64_t *nv = calloc(n > 0 ? n : 1, sizeof(*nv));
	size_t m = 0;
	if (nk == NULL || nd == NULL || ns == NULL || nc == NULL || nl == NULL || nv == NULL) {
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		nk[i] = strdup(keys[i]);
		if (nk[i] == NULL) {
			goto fail;
		}
	}
	qsort(nk, n, sizeof(*nk), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && strcmp(nk[m - 1], nk[i]) == 0) {
			free(nk[i]);
			continue;
		}
		long old = reg_find(r, nk[i]);
		nk[m] = nk[i];
		nd[m] = old >= 0 && r->done[old];
		ns[m] = old >= 0 ? r->startup[old] : !r->used;
		nc[m] = old >= 0 ? r->sent[old] : 0;
		nl[m] = old >= 0 ? r->last[old] : 0;
		nv[m] = old >= 0 ? r->serial[old] : -1;
		m++;
	}
	nsched_registry_free(r);
	r->keys = nk;
	r->done = nd;
	r->startup = ns;
	r->sent = nc;
	r->last = nl;
	r->serial = nv;
	r->n = m;
	r->used = true;
	if (pending != NULL) {
		for (size_t i = 0; i < n; i++) {
			pending[i] = nsched_registry_pending(r, keys[i]);
		}
	}
	return KNOT_EOK;
fail:
	if (nk != NULL) {
		for (size_t i = 0; i < n; i++) {
			free(nk[i]);
		}
	}
	free(nk);
	free(nd);
	free(ns);
	free(nc);
	free(nl);
	free(nv);
	return KNOT_ENOMEM;
}

bool nsched_registry_pending(const struct nsched_registry *r, const char *key)
{
	long i = reg_find(r, key);
	return i >= 0 && !r->done[i];
}

bool nsched_registry_startup(const struct nsched_registry *r, const char *key)
{
	long i = reg_find(r, key);
	return i >= 0 && r->startup[i];
}

void nsched_registry_sent(struct nsched_registry *r, const char *key, uint64_t now_ms)
{
	long i = reg_find(r, key);
	if (i >= 0) {
		r->sent[i]++;
		r->last[i] = now_ms;
	}
}

void nsched_registry_progress(const struct nsched_registry *r, const char *key,
                              unsigned *sent, uint64_t *last)
{
	long i = reg_find(r, key);
	*sent = i >= 0 ? r->sent[i] : 0;
	*last = i >= 0 ? r->last[i] : 0;
}

void nsched_registry_done(struct nsched_registry *r, const char *key)
{
	long i = reg_find(r, key);
	if (i >= 0) {
		r->done[i] = true;
	}
}

bool nsched_registry_change(struct nsched_registry *r, const char *key, int64_t serial)
{
	long i = reg_find(r, key);
	if (i < 0 || (serial >= 0 && r->serial[i] == serial)) {
		return false;
	}
	if (serial >= 0) {
		r->serial[i] = serial;
	}
	r->done[i] = false;
	r->startup[i] = false;
	r->sent[i] = 0;
	r->last[i] = 0;
	return true;
}

void nsched_registry_serial(struct nsched_registry *r, const char *key, int64_t serial)
{
	long i = reg_find(r, key);
	if (i >= 0) {
		r->serial[i] = serial;
	}
}

void nsched_registry_free(struct nsched_registry *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->keys[i]);
	}
	free(r->keys);
	free(r->done);
	free(r->startup);
	free(r->sent);
	free(r->last);
	free(r->serial);
	r->serial = NULL;
	r->keys = NULL;
	r->done = NULL;
	r->startup = NULL;
	r->sent = NULL;
	r->last = NULL;
	r->n = 0;
}
