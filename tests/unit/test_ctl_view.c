/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The remote control's copy of nsd.conf (mod/ctl_view.c): zones in NSD's order, the
 * changes of a command (addzone, delzone, changezone) seen at once and merged in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libknot/libknot.h>
#include <time.h>
#include <unistd.h>

#include "conf/model.h"
#include "mod/ctl_view.h"
#include "test_files.h"

static const char *CONF =
	"server:\n"
	"\tzonelistfile: \"zone.list\"\n"
	"pattern:\n\tname: \"pri\"\n\tzonefile: \"%s.zone\"\n"
	"pattern:\n\tname: \"sec\"\n\trequest-xfr: 192.0.2.1 NOKEY\n\tzonefile: \"%s.zone\"\n"
	"zone:\n\tname: \"example.org\"\n\tinclude-pattern: \"pri\"\n"
	"zone:\n\tname: \"sec.example\"\n\tinclude-pattern: \"sec\"\n";

struct fixture {
	char dir[64];
	struct ctl_view *v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-ctl-view-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	test_put_in(f->dir, "nsd.conf", CONF);
	char path[128];
	snprintf(path, sizeof(path), "%s/nsd.conf", f->dir);
	struct nsdconf_diag diag = { 0 };
	struct nsdconf_parse_opts opts = { .max_version = 4150 };
	struct nsdconf_model *m = nsdconf_parse_file(path, &opts, &diag);
	assert_non_null(m);
	f->v = ctl_view_new(m);
	assert_non_null(f->v);
	nsdconf_model_free(m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ctl_view_free(f->v);
	test_rmtree(f->dir);
	free(f);
	return 0;
}

static const uint8_t *dn(const char *name)
{
	static knot_dname_storage_t buf;
	assert_non_null(knot_dname_from_str(buf, name, sizeof(buf)));
	knot_dname_to_lower(buf);
	return buf;
}

static void test_zones_are_in_canonical_order_with_their_patterns(void **state)
{
	struct fixture *f = *state;
	assert_true(ctl_view_settle(f->v));
	assert_int_equal(f->v->n_zones, 2);
	/* label by label from the root, as NSD prints them: sec.example (example) before
	 * example.org (org) */
	assert_string_equal(f->v->zones[0].z.name, "sec.example");
	assert_true(f->v->zones[0].z.secondary);
	assert_false(f->v->zones[0].z.from_zonelist);
	assert_string_equal(f->v->zones[1].z.name, "example.org");
	assert_false(f->v->zones[1].z.secondary);
	assert_true(ctl_view_has_pattern(f->v, "pri"));
	assert_false(ctl_view_has_pattern(f->v, "_implicit_example.org"));
}

static void test_an_added_zone_is_found_at_once_and_merged_in_order(void **state)
{
	struct fixture *f = *state;
	assert_true(ctl_view_add(f->v, dn("b.test"), "b.test", "sec"));
	const struct ctl_view_zone *z = ctl_view_find(f->v, dn("B.TEST."));
	assert_non_null(z);
	assert_true(z->z.from_zonelist);
	assert_true(z->z.secondary);
	assert_string_equal(z->z.pattern, "sec");
	assert_true(ctl_view_add(f->v, dn("a.aaa"), "a.aaa", "pri"));
	assert_true(ctl_view_settle(f->v));
	assert_int_equal(f->v->n_zones, 4);
	/* from the root: aaa < example < org < test */
	assert_string_equal(f->v->zones[0].z.name, "a.aaa");
	assert_string_equal(f->v->zones[1].z.name, "sec.example");
	assert_string_equal(f->v->zones[2].z.name, "example.org");
	assert_string_equal(f->v->zones[3].z.name, "b.test");
}

static void test_an_add_with_an_unknown_pattern_fails(void **state)
{
	struct fixture *f = *state;
	assert_false(ctl_view_add(f->v, dn("x.test"), "x.test", "nopat"));
	assert_null(ctl_view_find(f->v, dn("x.test")));
}

static void test_a_zone_there_already_is_left_as_it_is(void **state)
{
	struct fixture *f = *state;
	assert_true(ctl_view_add(f->v, dn("example.org"), "example.org", "sec"));
	const struct ctl_view_zone *z = ctl_view_find(f->v, dn("example.org"));
	assert_false(z->z.secondary);
	assert_false(z->z.from_zonelist);
	assert_true(ctl_view_settle(f->v));
	assert_int_equal(f->v->n_zones, 2);
}

static void test_a_deleted_zone_is_gone_at_once_and_after_the_merge(void **state)
{
	struct fixture *f = *state;
	assert_true(ctl_view_add(f->v, dn("b.test"), "b.test", "pri"));
	ctl_view_del(f->v, dn("b.test"));
	ctl_view_del(f->v, dn("sec.example"));
	assert_null(ctl_view_find(f->v, dn("b.test")));
	assert_null(ctl_view_find(f->v, dn("sec.example")));
	assert_true(ctl_view_settle(f->v));
	assert_int_equal(f->v->n_zones, 1);
	assert_string_equal(f->v->zones[0].z.name, "example.org");
}

static void test_changezone_deletes_then_adds_with_the_new_pattern(void **state)
{
	struct fixture *f = *state;
	assert_true(ctl_view_add(f->v, dn("c.test"), "c.test", "pri"));
	assert_true(ctl_view_settle(f->v));
	ctl_view_del(f->v, dn("c.test"));
	assert_true(ctl_view_add(f->v, dn("c.test"), "c.test", "sec"));
	const struct ctl_view_zone *z = ctl_view_find(f->v, dn("c.test"));
	assert_non_null(z);
	assert_string_equal(z->z.pattern, "sec");
	/* and within one command, before any merge */
	assert_true(ctl_view_add(f->v, dn("d.test"), "d.test", "pri"));
	ctl_view_del(f->v, dn("d.test"));
	assert_true(ctl_view_add(f->v, dn("d.test"), "d.test", "sec"));
	assert_string_equal(ctl_view_find(f->v, dn("d.test"))->z.pattern, "sec");
	assert_true(ctl_view_settle(f->v));
	assert_int_equal(f->v->n_zones, 4);
	assert_string_equal(f->v->zones[2].z.name, "c.test");
	assert_string_equal(f->v->zones[2].z.pattern, "sec");
	assert_string_equal(f->v->zones[3].z.pattern, "sec");
}

static void test_twenty_thousand_adds_cost_a_lookup_each(void **state)
{
	struct fixture *f = *state;
	char name[64];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "z%d.bulk", i);
		assert_true(ctl_view_add(f->v, dn(name), name, "pri"));
		assert_non_null(ctl_view_find(f->v, dn(name)));
	}
	for (int i = 0; i < 20000; i += 2) {
		snprintf(name, sizeof(name), "z%d.bulk", i);
		ctl_view_del(f->v, dn(name));
	}
	assert_true(ctl_view_settle(f->v));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(f->v->n_zones, 2 + 10000);
	for (size_t i = 1; i < f->v->n_zones; i++) {
		assert_true(knot_dname_cmp(f->v->zones[i - 1].dname, f->v->zones[i].dname) < 0);
	}
	/* an array insert per add took seconds at this size under ASan; a hash takes ms */
	double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s < 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zones_are_in_canonical_order_with_their_patterns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_added_zone_is_found_at_once_and_merged_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_add_with_an_unknown_pattern_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_zone_there_already_is_left_as_it_is, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_deleted_zone_is_gone_at_once_and_after_the_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changezone_deletes_then_adds_with_the_new_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twenty_thousand_adds_cost_a_lookup_each, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
