/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the NOTIFY schedule: NSD's 3 s spacing, notify-retry, 16 slots per zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "mod/notify_sched.h"

#define MAXT 64
#define MAXLOG 1024

/* What the schedule asked for, in order. */
struct record {
	size_t n_sends;
	struct { size_t i; unsigned nth; uint64_t at; } sends[MAXLOG];
	size_t n_ends;
	struct { size_t i; enum nsched_state st; } ends[MAXLOG];
	uint64_t now;
	struct nsched *s;
	long skip_on_send;   /* target to skip from inside send(), -1: none */
};

static void on_send(void *ctx, size_t i, unsigned nth)
{
	struct record *r = ctx;
	assert_true(r->n_sends < MAXLOG);
	r->sends[r->n_sends].i = i;
	r->sends[r->n_sends].nth = nth;
	r->sends[r->n_sends].at = r->now;
	r->n_sends++;
	if (r->skip_on_send == (long)i)
		nsched_skip(r->s, i);
}

static void on_end(void *ctx, size_t i, enum nsched_state st)
{
	struct record *r = ctx;
	assert_true(r->n_ends < MAXLOG);
	r->ends[r->n_ends].i = i;
	r->ends[r->n_ends].st = st;
	r->n_ends++;
}

static void init(struct nsched *s, struct record *r, size_t n, long long retry)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->skip_on_send = -1;
	assert_int_equal(nsched_init(s, n, retry, on_send, on_end, r), 0);
}

static void run_at(struct nsched *s, struct record *r, uint64_t now)
{
	r->now = now;
	nsched_run(s, now);
}

/* Runs the schedule on its own clock until it is finished or until limit. */
static void run_unanswered(struct nsched *s, struct record *r, uint64_t limit)
{
	uint64_t now = r->now;
	while (!nsched_finished(s) && now <= limit) {
		run_at(s, r, now);
		uint64_t next = nsched_next_ms(s);
		if (next == UINT64_MAX)
			break;
		now = next > now ? next : now;
	}
}

static size_t sends_of(const struct record *r, size_t i)
{
	size_t c = 0;
	for (size_t k = 0; k < r->n_sends; k++)
		c += r->sends[k].i == i;
	return c;
}

static void test_default_five_transmissions_three_seconds_apart(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 1, 5);
	run_unanswered(&s, &r, 60000);

	assert_int_equal(r.n_sends, 5);
	for (unsigned k = 0; k < 5; k++) {
		assert_int_equal(r.sends[k].nth, k + 1);
		assert_int_equal(r.sends[k].at, k * NSCHED_SPACING_MS);
	}
	/* given up 3 s after the last transmission: ~12 s of sending, 15 s in all */
	assert_int_equal(r.n_ends, 1);
	assert_int_equal(r.ends[0].st, NSCHED_GAVE_UP);
	assert_int_equal(r.now, 5 * NSCHED_SPACING_MS);
	assert_true(nsched_finished(&s));
	nsched_free(&s);
}

static void test_notify_retry_zero_still_sends_once(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 1, 0);
	run_unanswered(&s, &r, 60000);
	assert_int_equal(r.n_sends, 1);
	assert_int_equal(r.ends[0].st, NSCHED_GAVE_UP);
	nsched_free(&s);

	init(&s, &r, 1, -3);
	run_unanswered(&s, &r, 60000);
	assert_int_equal(r.n_sends, 1);
	nsched_free(&s);
}

static void test_notify_retry_counts_transmissions(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 2, 3);
	run_unanswered(&s, &r, 60000);
	assert_int_equal(sends_of(&r, 0), 3);
	assert_int_equal(sends_of(&r, 1), 3);
	nsched_free(&s);
}

static void test_noerror_ends_at_once(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 1, 5);
	run_at(&s, &r, 0);
	nsched_reply(&s, 0, 0, 100);
	assert_int_equal(r.n_ends, 1);
	assert_int_equal(r.ends[0].st, NSCHED_DONE);
	assert_true(nsched_finished(&s));
	assert_int_equal(nsched_next_ms(&s), UINT64_MAX);
	run_at(&s, &r, 10000);
	assert_int_equal(r.n_sends, 1);
	nsched_free(&s);
}

static void test_notimp_counts_as_done(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 1, 5);
	run_at(&s, &r, 0);
	nsched_reply(&s, 0, 4 /* NOTIMP */, 50);
	assert_int_equal(r.ends[0].st, NSCHED_DONE);
	nsched_free(&s);
}

static void test_error_rcode_resends_at_once_and_uses_a_retry(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 1, 3);
	run_at(&s, &r, 0);
	nsched_reply(&s, 0, 5 /* REFUSED */, 200);
	assert_int_equal(nsched_next_ms(&s), 200);
	run_at(&s, &r, 200);
	assert_int_equal(r.n_sends, 2);
	assert_int_equal(r.sends[1].nth, 2);
	assert_int_equal(r.sends[1].at, 200);
	nsched_reply(&s, 0, 9 /* NOTAUTH */, 300);
	run_at(&s, &r, 300);
	assert_int_equal(r.n_sends, 3);
	/* the last transmission answered with an error: nothing left, given up at once */
	nsched_reply(&s, 0, 2 /* SERVFAIL */, 400);
	assert_int_equal(r.n_ends, 1);
	assert_int_equal(r.ends[0].st, NSCHED_GAVE_UP);
	assert_int_equal(s.t[0].last_rcode, 2);
	nsched_free(&s);
}

static void test_sixteen_in_flight_per_zone(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 40, 5);
	run_at(&s, &r, 0);
	assert_int_equal(r.n_sends, NSCHED_MAX_INFLIGHT);
	assert_int_equal(s.inflight, NSCHED_MAX_INFLIGHT);
	for (size_t k = 0; k < r.n_sends; k++)
		assert_int_equal(r.sends[k].i, k);   /* list order */

	/* a reply frees a slot: the next target in list order goes out at the next run */
	nsched_reply(&s, 3, 0, 10);
	assert_int_equal(nsched_next_ms(&s), 0);
	run_at(&s, &r, 10);
	assert_int_equal(r.n_sends, NSCHED_MAX_INFLIGHT + 1);
	assert_int_equal(r.sends[NSCHED_MAX_INFLIGHT].i, 16);
	assert_int_equal(s.inflight, NSCHED_MAX_INFLIGHT);
	nsched_free(&s);
}

static void test_slots_never_exceed_sixteen_when_nobody_answers(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 50, 2);
	uint64_t now = 0;
	while (!nsched_finished(&s)) {
		run_at(&s, &r, now);
		assert_true(s.inflight <= NSCHED_MAX_INFLIGHT);
		if (nsched_finished(&s))
			break;
		now = nsched_next_ms(&s);
		assert_true(now != UINT64_MAX);
	}
	for (size_t i = 0; i < 50; i++)
		assert_int_equal(sends_of(&r, i), 2);
	/* 50 targets in waves of 16: 4 waves of 2 transmissions and a 3 s wait each */
	assert_int_equal(r.now, 4 * 2 * NSCHED_SPACING_MS);
	nsched_free(&s);
}

static void test_given_up_target_frees_its_slot(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 17, 1);
	run_at(&s, &r, 0);
	assert_int_equal(r.n_sends, 16);
	run_at(&s, &r, NSCHED_SPACING_MS);
	/* the 16 give up, the 17th goes out in the same run */
	assert_int_equal(r.n_ends, 16);
	assert_int_equal(r.n_sends, 17);
	assert_int_equal(r.sends[16].i, 16);
	nsched_free(&s);
}

static void test_new_serial_restarts_the_list(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 20, 5);
	run_at(&s, &r, 0);
	nsched_reply(&s, 0, 0, 5);
	run_at(&s, &r, 3000);   /* 15 resent, target 16 took 0's slot */
	size_t before = r.n_sends;

	nsched_restart(&s);
	assert_int_equal(s.inflight, 0);
	assert_false(nsched_finished(&s));
	run_at(&s, &r, 3100);
	assert_int_equal(r.n_sends - before, NSCHED_MAX_INFLIGHT);
	for (size_t k = 0; k < NSCHED_MAX_INFLIGHT; k++) {
		assert_int_equal(r.sends[before + k].i, k);   /* from the top, target 0 too */
		assert_int_equal(r.sends[before + k].nth, 1); /* retries counted afresh */
	}
	nsched_free(&s);
}

static void test_replies_from_targets_not_in_flight_are_ignored(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 20, 5);
	run_at(&s, &r, 0);
	nsched_reply(&s, 18, 0, 1);   /* still waiting: never sent to */
	nsched_reply(&s, 99, 0, 1);   /* out of range */
	assert_int_equal(r.n_ends, 0);
	nsched_reply(&s, 1, 0, 1);
	nsched_reply(&s, 1, 5, 2);    /* a late duplicate after the end */
	assert_int_equal(r.n_ends, 1);
	assert_int_equal(r.ends[0].st, NSCHED_DONE);
	nsched_free(&s);
}

static void test_skip_from_send_frees_the_slot(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 18, 5);
	r.skip_on_send = 2;
	run_at(&s, &r, 0);
	/* 2 was skipped as it was sent: its slot went to the 17th target */
	assert_int_equal(r.n_sends, 17);
	assert_int_equal(s.inflight, NSCHED_MAX_INFLIGHT);
	assert_int_equal(s.t[2].state, NSCHED_SKIPPED);
	nsched_skip(&s, 2);           /* twice: counted once */
	assert_int_equal(s.finished, 1);
	nsched_free(&s);
}

static void test_empty_list_is_finished(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 0, 5);
	assert_true(nsched_finished(&s));
	assert_int_equal(nsched_next_ms(&s), UINT64_MAX);
	run_at(&s, &r, 0);
	assert_int_equal(r.n_sends, 0);
	nsched_free(&s);
}

static void test_answered_targets_are_not_resent(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 3, 5);
	run_at(&s, &r, 0);
	nsched_reply(&s, 0, 0, 10);
	nsched_reply(&s, 2, 0, 20);
	run_unanswered(&s, &r, 60000);
	assert_int_equal(sends_of(&r, 0), 1);
	assert_int_equal(sends_of(&r, 1), 5);
	assert_int_equal(sends_of(&r, 2), 1);
	nsched_free(&s);
}

/* --- the registry of what this process notified --- */

static void test_registry_first_configuration_is_start_up(void **state)
{
	struct nsched_registry r = { 0 };
	const char *keys[] = { "b.|192.0.2.2@53|NOKEY", "a.|192.0.2.1@53|k", "a.|192.0.2.1@53|k" };
	bool pending[3];
	assert_int_equal(nsched_registry_update(&r, keys, 3, pending), 0);
	assert_true(pending[0] && pending[1] && pending[2]);
	assert_int_equal(r.n, 2);   /* the duplicate is held once */
	assert_true(nsched_registry_startup(&r, keys[0]));
	assert_true(nsched_registry_startup(&r, keys[1]));
	nsched_registry_free(&r);
}

static void test_registry_reload_does_not_notify_again(void **state)
{
	struct nsched_registry r = { 0 };
	const char *keys[] = { "a.|192.0.2.1@53|NOKEY", "a.|192.0.2.2@5300|NOKEY" };
	bool pending[2];
	assert_int_equal(nsched_registry_update(&r, keys, 2, NULL), 0);
	nsched_registry_done(&r, keys[0]);
	nsched_registry_done(&r, keys[1]);
	/* knotc reload, nsd.conf unchanged: a new instance, nothing owed */
	assert_int_equal(nsched_registry_update(&r, keys, 2, pending), 0);
	assert_false(pending[0]);
	assert_false(pending[1]);
	nsched_registry_free(&r);
}

/* One round per target per serial: a change reaches a target once, whichever path (the
 * start-up round, knotd's self NOTIFY, a later instance) brings it; a new serial makes a
 * finished target pending again from its first transmission; nsd-control notify (-1)
 * always does. */
static void test_registry_one_round_per_serial(void **state)
{
	struct nsched_registry r = { 0 };
	const char *keys[] = { "a.|192.0.2.1@53|NOKEY", "a.|192.0.2.2@53|NOKEY" };
	bool pending[2];
	unsigned sent;
	uint64_t last;
	assert_int_equal(nsched_registry_update(&r, keys, 2, NULL), 0);
	/* the start-up round learnt serial 7 from knotd and sent it */
	nsched_registry_serial(&r, keys[0], 7);
	nsched_registry_serial(&r, keys[1], 7);
	nsched_registry_sent(&r, keys[0], 1000);
	nsched_registry_done(&r, keys[0]);
	/* knotd's self NOTIFY of serial 7 (its load) arrives after: nothing for anyone */
	assert_false(nsched_registry_change(&r, keys[0], 7));
	assert_false(nsched_registry_change(&r, keys[1], 7));
	assert_false(nsched_registry_pending(&r, keys[0]));
	assert_true(nsched_registry_pending(&r, keys[1]));   /* its round goes on */
	/* serial 8: both again, from the first transmission, as a change */
	assert_true(nsched_registry_change(&r, keys[0], 8));
	assert_true(nsched_registry_change(&r, keys[1], 8));
	assert_true(nsched_registry_pending(&r, keys[0]));
	assert_false(nsched_registry_startup(&r, keys[0]));
	nsched_registry_progress(&r, keys[0], &sent, &last);
	assert_int_equal(sent, 0);
	/* a reload (new instance) keeps the serial: 8 again is nothing */
	assert_int_equal(nsched_registry_update(&r, keys, 2, pending), 0);
	assert_true(pending[0] && pending[1]);
	assert_false(nsched_registry_change(&r, keys[0], 8));
	nsched_registry_done(&r, keys[0]);
	/* nsd-control notify: always, and the serial stays */
	assert_true(nsched_registry_change(&r, keys[0], -1));
	assert_false(nsched_registry_change(&r, keys[0], 8));
	/* a key not held */
	assert_false(nsched_registry_change(&r, "b.|192.0.2.9@53|NOKEY", 9));
	nsched_registry_free(&r);
}

static void test_registry_unfinished_start_up_carries_over(void **state)
{
	struct nsched_registry r = { 0 };
	const char *keys[] = { "a.|192.0.2.1@53|NOKEY", "a.|192.0.2.2@53|NOKEY" };
	bool pending[2];
	assert_int_equal(nsched_registry_update(&r, keys, 2, NULL), 0);
	nsched_registry_done(&r, keys[0]);
	/* the first instance was replaced (its own SIGHUP) before 192.0.2.2 answered */
	assert_int_equal(nsched_registry_update(&r, keys, 2, pending), 0);
	assert_false(pending[0]);
	assert_true(pending[1]);
	assert_true(nsched_registry_startup(&r, keys[1]));
	nsched_registry_free(&r);
}

static void test_registry_new_target_only_it(void **state)
{
	struct nsched_registry r = { 0 };
	const char *v1[] = { "a.|192.0.2.1@53|NOKEY" };
	const char *v2[] = { "a.|192.0.2.1@53|NOKEY", "a.|192.0.2.9@53|k" };
	bool pending[2];
	assert_int_equal(nsched_registry_update(&r, v1, 1, NULL), 0);
	nsched_registry_done(&r, v1[0]);
	assert_int_equal(nsched_registry_update(&r, v2, 2, pending), 0);
	assert_false(pending[0]);
	assert_true(pending[1]);
	assert_false(nsched_registry_startup(&r, v2[1]));   /* an edit, not start-up */
	nsched_registry_free(&r);
}

static void test_registry_removed_then_added_is_new_again(void **state)
{
	struct nsched_registry r = { 0 };
	const char *v1[] = { "a.|192.0.2.1@53|NOKEY", "a.|192.0.2.2@53|NOKEY" };
	bool pending[2];
	assert_int_equal(nsched_registry_update(&r, v1, 2, NULL), 0);
	nsched_registry_done(&r, v1[0]);
	nsched_registry_done(&r, v1[1]);
	assert_int_equal(nsched_registry_update(&r, v1, 1, NULL), 0);
	assert_false(nsched_registry_pending(&r, v1[1]));   /* dropped */
	assert_int_equal(nsched_registry_update(&r, v1, 2, pending), 0);
	assert_false(pending[0]);
	assert_true(pending[1]);
	/* a key change is a new target too */
	const char *v3[] = { "a.|192.0.2.1@53|k2" };
	assert_int_equal(nsched_registry_update(&r, v3, 1, pending), 0);
	assert_true(pending[0]);
	nsched_registry_free(&r);
}

static void test_registry_empty_first_configuration_counts(void **state)
{
	struct nsched_registry r = { 0 };
	const char *v[] = { "a.|192.0.2.1@53|NOKEY" };
	/* knotd started with no notify: at all; one added later is a new target */
	assert_int_equal(nsched_registry_update(&r, NULL, 0, NULL), 0);
	assert_int_equal(nsched_registry_update(&r, v, 1, NULL), 0);
	assert_true(nsched_registry_pending(&r, v[0]));
	assert_false(nsched_registry_startup(&r, v[0]));
	nsched_registry_free(&r);
}

static void test_resumed_target_goes_on_from_where_it_was(void **state)
{
	struct nsched s;
	struct record r;
	init(&s, &r, 3, 5);
	/* the previous instance sent twice to 0, the last time at 1000; 1 got all 5 */
	nsched_resume(&s, 0, 2, 1000);
	nsched_resume(&s, 1, 5, 1500);
	assert_int_equal(s.inflight, 2);
	r.now = 1200;
	run_unanswered(&s, &r, 60000);
	assert_int_equal(sends_of(&r, 0), 3);       /* 5 in all */
	assert_int_equal(r.sends[0].i, 2);          /* the fresh one first, at once */
	assert_int_equal(r.sends[0].at, 1200);
	assert_int_equal(r.sends[1].i, 0);
	assert_int_equal(r.sends[1].at, 4000);      /* 3 s after its last transmission */
	assert_int_equal(r.sends[1].nth, 3);
	assert_int_equal(sends_of(&r, 1), 0);       /* nothing left: given up, no resend */
	assert_int_equal(sends_of(&r, 2), 5);
	nsched_free(&s);
}

static void test_registry_keeps_progress(void **state)
{
	struct nsched_registry r = { 0 };
	const char *k[] = { "a.|192.0.2.1@53|NOKEY" };
	unsigned sent;
	uint64_t last;
	assert_int_equal(nsched_registry_update(&r, k, 1, NULL), 0);
	nsched_registry_sent(&r, k[0], 100);
	nsched_registry_sent(&r, k[0], 3100);
	assert_int_equal(nsched_registry_update(&r, k, 1, NULL), 0);   /* a reload */
	nsched_registry_progress(&r, k[0], &sent, &last);
	assert_int_equal(sent, 2);
	assert_int_equal(last, 3100);
	nsched_registry_progress(&r, "b.|x|NOKEY", &sent, &last);
	assert_int_equal(sent, 0);
	nsched_registry_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_five_transmissions_three_seconds_apart),
		cmocka_unit_test(test_notify_retry_zero_still_sends_once),
		cmocka_unit_test(test_notify_retry_counts_transmissions),
		cmocka_unit_test(test_noerror_ends_at_once),
		cmocka_unit_test(test_notimp_counts_as_done),
		cmocka_unit_test(test_error_rcode_resends_at_once_and_uses_a_retry),
		cmocka_unit_test(test_sixteen_in_flight_per_zone),
		cmocka_unit_test(test_slots_never_exceed_sixteen_when_nobody_answers),
		cmocka_unit_test(test_given_up_target_frees_its_slot),
		cmocka_unit_test(test_new_serial_restarts_the_list),
		cmocka_unit_test(test_replies_from_targets_not_in_flight_are_ignored),
		cmocka_unit_test(test_skip_from_send_frees_the_slot),
		cmocka_unit_test(test_empty_list_is_finished),
		cmocka_unit_test(test_answered_targets_are_not_resent),
		cmocka_unit_test(test_registry_first_configuration_is_start_up),
		cmocka_unit_test(test_registry_reload_does_not_notify_again),
		cmocka_unit_test(test_registry_unfinished_start_up_carries_over),
		cmocka_unit_test(test_registry_new_target_only_it),
		cmocka_unit_test(test_registry_removed_then_added_is_new_again),
		cmocka_unit_test(test_registry_empty_first_configuration_counts),
		cmocka_unit_test(test_resumed_target_goes_on_from_where_it_was),
		cmocka_unit_test(test_registry_keeps_progress),
		cmocka_unit_test(test_registry_one_round_per_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
