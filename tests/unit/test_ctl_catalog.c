/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A catalog's members from knotd's zone-read records (mod/ctl_catalog.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libknot/libknot.h>

#include "mod/ctl_catalog.h"

static const uint8_t CAT[] = "\x03""cat\x07""example";

static void rec(struct ctl_catalog *c, const char *owner, const char *type, const char *data)
{
	ctl_catalog_record(c, CAT, owner, type, data);
}

static const struct ctl_catalog_member *find(const struct ctl_catalog *c, const char *name)
{
	knot_dname_storage_t dn;
	assert_non_null(knot_dname_from_str(dn, name, sizeof(dn)));
	knot_dname_to_lower(dn);
	return ctl_catalog_find(c, dn);
}

/* What NSD 4.12's producer serves (seen on the wire), in knotd's zone-read order: the
 * group TXT may come before or after its PTR. */
static void test_nsd_catalog(void **state)
{
	(void)state;
	struct ctl_catalog c = { 0 };
	rec(&c, "cat.example.", "SOA", "invalid. invalid. 1796297290 3600 600 2147483646 0");
	rec(&c, "cat.example.", "NS", "invalid.");
	rec(&c, "version.cat.example.", "TXT", "\"2\"");
	rec(&c, "group.30acf942.zones.cat.example.", "TXT", "\"members\"");
	rec(&c, "30acf942.zones.cat.example.", "PTR", "A.example.");
	rec(&c, "a9868e2b.zones.cat.example.", "PTR", "b.example.");
	rec(&c, "group.a9868e2b.zones.cat.example.", "TXT", "\"special\"");
	rec(&c, "1234.zones.cat.example.", "PTR", "c.example.");
	/* not members: deeper, other zones, a second string */
	rec(&c, "x.1234.zones.cat.example.", "PTR", "d.example.");
	rec(&c, "1234.zones.other.example.", "PTR", "e.example.");
	rec(&c, "group.1234.zones.cat.example.", "TXT", "\"a\" \"b\"");
	assert_true(ctl_catalog_done(&c));

	assert_true(c.have_serial);
	assert_int_equal(c.serial, 1796297290u);
	assert_int_equal(c.n, 3);
	const struct ctl_catalog_member *a = find(&c, "a.example");
	assert_non_null(a);
	assert_string_equal(a->name, "A.example");
	assert_string_equal(a->id, "30acf942.zones.cat.example.");
	assert_string_equal(a->group, "members");
	const struct ctl_catalog_member *b = find(&c, "b.example");
	assert_non_null(b);
	assert_string_equal(b->group, "special");
	const struct ctl_catalog_member *m = find(&c, "c.example");
	assert_non_null(m);
	assert_null(m->group);
	assert_null(find(&c, "d.example"));
	assert_null(find(&c, "e.example"));
	ctl_catalog_clear(&c);
	assert_int_equal(c.n, 0);
}

/* knotd's own catalog: 16-digit ids; an empty catalog has a serial and no member. */
static void test_knotd_catalog(void **state)
{
	(void)state;
	struct ctl_catalog c = { 0 };
	rec(&c, "cat.example.", "SOA", "invalid. invalid. 7 3600 600 2147483646 0");
	assert_true(ctl_catalog_done(&c));
	assert_true(c.have_serial);
	assert_int_equal(c.n, 0);
	assert_null(find(&c, "a.example"));
	ctl_catalog_clear(&c);

	rec(&c, "0123456789abcdef.zones.cat.example.", "PTR", "a.example.");
	rec(&c, "group.0123456789abcdef.zones.cat.example.", "TXT", "members");
	assert_true(ctl_catalog_done(&c));
	assert_false(c.have_serial);
	assert_string_equal(find(&c, "a.example")->id, "0123456789abcdef.zones.cat.example.");
	assert_string_equal(find(&c, "a.example")->group, "members");
	ctl_catalog_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsd_catalog),
		cmocka_unit_test(test_knotd_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
