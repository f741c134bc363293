/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the queue of changes to announce (knotd's self NOTIFYs, nsd-control notify). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>

#include "mod/notify_changes.h"

static knot_rrset_t *soa_of(const char *zone, uint32_t serial)
{
	knot_dname_t *name = knot_dname_from_str_alloc(zone);
	knot_rrset_t *rr = knot_rrset_new(name, KNOT_RRTYPE_SOA, KNOT_CLASS_IN, 300, NULL);
	knot_dname_free(name, NULL);
	uint8_t rd[64] = "\x03ns1\x00\x02hm\x00";
	size_t off = 9;
	uint32_t v[5] = { serial, 3600, 900, 604800, 300 };
	for (int i = 0; i < 5; i++, off += 4) {
		knot_wire_write_u32(rd + off, v[i]);
	}
	assert_int_equal(knot_rrset_add_rdata(rr, rd, off, NULL), KNOT_EOK);
	return rr;
}

/* Copies are queued (the hook's packet goes away), taken in order, the queue left empty. */
static void test_push_take_in_order(void **state)
{
	struct notify_changes q = { 0 }, got = { 0 };
	knot_rrset_t *a = soa_of("a.example.", 7), *b = soa_of("b.example.", 9);
	assert_int_equal(notify_changes_push(&q, a->owner, a, NOTIFY_CHANGE_SERIAL), KNOT_EOK);
	assert_int_equal(notify_changes_push(&q, b->owner, b, NOTIFY_CHANGE_SERIAL), KNOT_EOK);
	assert_int_equal(notify_changes_push(&q, NULL, NULL, NOTIFY_CHANGE_CONTROL), KNOT_EOK);
	knot_rrset_free(a, NULL);
	knot_rrset_free(b, NULL);

	notify_changes_take(&q, &got);
	assert_int_equal(q.n, 0);
	assert_int_equal(got.n, 3);
	assert_true(knot_dname_is_equal(got.v[0].zone, (const knot_dname_t *)"\x01""a\x07""example"));
	assert_int_equal(knot_soa_serial(got.v[0].soa->rrs.rdata), 7);
	assert_int_equal(knot_soa_serial(got.v[1].soa->rrs.rdata), 9);
	assert_null(got.v[2].zone);
	assert_null(got.v[2].soa);
	assert_int_equal(got.v[2].why, NOTIFY_CHANGE_CONTROL);
	notify_changes_clear(&got);
	assert_int_equal(got.n, 0);
	/* the queue works again after a take */
	assert_int_equal(notify_changes_push(&q, NULL, NULL, NOTIFY_CHANGE_CONTROL), KNOT_EOK);
	assert_int_equal(q.n, 1);
	notify_changes_clear(&q);
}

/* Bounded: past NOTIFY_CHANGES_MAX the queue refuses (knotd is then answered unsigned and
 * tries again later) instead of growing without end. */
static void test_bounded(void **state)
{
	struct notify_changes q = { 0 };
	for (size_t i = 0; i < NOTIFY_CHANGES_MAX; i++) {
		assert_int_equal(notify_changes_push(&q, NULL, NULL, NOTIFY_CHANGE_CONTROL),
		                 KNOT_EOK);
	}
	assert_int_equal(notify_changes_push(&q, NULL, NULL, NOTIFY_CHANGE_CONTROL), KNOT_ESPACE);
	assert_int_equal(q.n, NOTIFY_CHANGES_MAX);
	notify_changes_clear(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_take_in_order),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
