/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonefile templates as NSD 4.6.1's config_make_zonefile, and zonesdir-relative paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "conf/zonefile.h"

static struct nsdconf_arena *arena;

static int setup(void **state)
{
	arena = nsdconf_arena_new();
	return arena == NULL;
}

static int teardown(void **state)
{
	nsdconf_arena_free(arena);
	return 0;
}

static const char *expand(const char *tmpl, const char *name)
{
	return nsdconf_zonefile_expand(tmpl, name, arena);
}

static char *repeat(char c, size_t n)
{
	char *s = nsdconf_arena_alloc(arena, n + 1);

	memset(s, c, n);
	return s;
}

static char *cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = nsdconf_arena_alloc(arena, la + lb + 1);

	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	return s;
}

static void test_template_without_percent_is_returned_as_is(void **state)
{
	const char *t = "/etc/nsd/example.com.zone";

	assert_ptr_equal(expand(t, "example.com"), t);
}

static void test_s_is_the_name_as_written_with_trailing_dot(void **state)
{
	assert_string_equal(expand("%s.zone", "example.com."), "example.com..zone");
	assert_string_equal(expand("%s.zone", "Example.COM"), "Example.COM.zone");
}

static void test_digits_are_characters_of_the_name_as_written(void **state)
{
	assert_string_equal(expand("%1/%2/%3/%s", "Example.com"), "E/x/a/Example.com");
	assert_string_equal(expand("%1%2%3", "ab"), "ab.");
	assert_string_equal(expand("%1%2%3", "."), "...");
}

static void test_label_tokens_count_from_the_root_lowercased(void **state)
{
	assert_string_equal(expand("%z/%y/%x", "www.Example.COM"), "com/example/www");
	assert_string_equal(expand("%z/%y/%x", "a.b.c.d.e"), "e/d/c");
	assert_string_equal(expand("%z/%y/%x", "com"), "com/./.");
	assert_string_equal(expand("%z/%y/%x", "com."), "com/./.");
	assert_string_equal(expand("%z/%y/%x", "."), "././.");
}

static void test_every_occurrence_is_replaced(void **state)
{
	assert_string_equal(expand("%z/%z/%s-%s", "example.org"),
	                    "org/org/example.org-example.org");
}

static void test_unknown_sequences_stay_literal(void **state)
{
	assert_string_equal(expand("%q%%/%s%", "example.com"), "%q%%/example.com%");
	assert_string_equal(expand("%S %Z", "example.com"), "%S %Z");
}

/* %1 runs before %y: a '%' taken from the name starts a later token. */
static void test_percent_from_the_name_can_start_a_later_token(void **state)
{
	assert_string_equal(expand("%1y", "%y.com"), "\\037y");
}

/* %s runs last, so the name itself is never expanded. */
static void test_name_text_is_not_expanded(void **state)
{
	assert_string_equal(expand("%s", "a%z.com"), "a%z.com");
}

static void test_labels_use_nsd_presentation_escapes(void **state)
{
	assert_string_equal(expand("%x", "a\\.b.example.com"), "a\\.b");
	assert_string_equal(expand("%y", "my\\ zone.com"), "my\\032zone");
	assert_string_equal(expand("%y", "\\065Bc.com"), "abc");
	assert_string_equal(expand("%y", "x_y-*.com"), "x_y-*");
	/* \DDD above 255 only quotes its first digit */
	assert_string_equal(expand("%y", "a\\300.com"), "a300");
}

/* 4.6.1 inserts the name unchanged; \047 for '/' in %s came in 4.14.1.
 * In a label NSD's presentation format always escapes it. */
static void test_slash_in_name_is_not_escaped_by_s(void **state)
{
	assert_string_equal(expand("%s.zone", "a/b.com"), "a/b.com.zone");
	assert_string_equal(expand("%y", "a/b.com"), "a\\047b");
}

static void test_unparsable_name_has_no_labels(void **state)
{
	assert_string_equal(expand("%z-%s", "a..b"), ".-a..b");
	assert_string_equal(expand("%z", cat(repeat('a', 64), ".com")), ".");
}

static void test_replacement_stops_before_1024_bytes(void **state)
{
	/* 1000 + 11 + 2 + 2 = 1015 fits; the next would need 1024 bytes */
	const char *got = expand(cat(repeat('A', 1000), "%s%s%s"), "example.com");

	assert_string_equal(got, cat(repeat('A', 1000), "example.com%s%s"));
}

static void test_a_token_that_does_not_fit_leaves_later_tokens_working(void **state)
{
	const char *got = expand(cat(repeat('A', 1018), "%y%x"), "a.bbbbbb.c");

	assert_string_equal(got, cat(repeat('A', 1018), "%ya"));
}

static void test_template_is_cut_to_1023_bytes(void **state)
{
	const char *tmpl = cat("%s", repeat('B', 1100));

	assert_string_equal(expand(tmpl, "ab"), cat("ab", repeat('B', 1021)));
	assert_string_equal(expand(tmpl, "abc"), cat("%s", repeat('B', 1021)));
}

/* nsd 4.6.1 started with these zones and no files logs "zonefile X does not
 * exist" with the expanded name; names are as written between the quotes. */
static void test_expansions_match_running_nsd(void **state)
{
	static const struct {
		const char *name, *tmpl, *logged;
	} cases[] = {
		{ "www.Example.COM.", "%z/%y/%x/%1%2%3/%s.zone",
		  "com/example/www/www/www.Example.COM..zone" },
		{ "%y.com", "%1y|%s", "\\037y|%y.com" },
		{ "a\\.b.my\\ zone.a/b.com", "%x|%y|%z|%s",
		  "my\\032zone|a\\047b|com|a\\.b.my\\ zone.a/b.com" },
		{ "a\\300.com", "%y|%q%%|%s%", "a300|%q%%|a\\300.com%" },
		{ "\\065Bc.com", "%y|%1%2%3", "abc|\\06" },
		{ "x_y-*.org", "%y", "x_y-*" },
		{ "ab", "%1%2%3|%z|%y", "ab.|ab|." },
		{ "a%z.net", "%s", "a%z.net" },
		{ "a.b.c.d.e", "%z/%y/%x", "e/d/c" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(expand(cases[i].tmpl, cases[i].name), cases[i].logged);
}

static void test_absolute_path_is_kept(void **state)
{
	assert_string_equal(nsdconf_zonefile_path("/var/z/a.zone", "/etc/nsd", "/", arena),
	                    "/var/z/a.zone");
}

static void test_relative_path_is_under_zonesdir(void **state)
{
	assert_string_equal(nsdconf_zonefile_path("a.zone", "/etc/nsd", "/root", arena),
	                    "/etc/nsd/a.zone");
	assert_string_equal(nsdconf_zonefile_path("sub/a.zone", "/etc/nsd/", "/root", arena),
	                    "/etc/nsd/sub/a.zone");
}

static void test_empty_zonesdir_means_the_start_directory(void **state)
{
	assert_string_equal(nsdconf_zonefile_path("a.zone", "", "/srv", arena), "/srv/a.zone");
	assert_string_equal(nsdconf_zonefile_path("a.zone", NULL, "/srv", arena), "/srv/a.zone");
}

static void test_relative_zonesdir_is_under_the_start_directory(void **state)
{
	assert_string_equal(nsdconf_zonefile_path("a.zone", "zones", "/srv", arena),
	                    "/srv/zones/a.zone");
	assert_string_equal(nsdconf_zonefile_path("../a.zone", "zones", "/srv/", arena),
	                    "/srv/zones/../a.zone");
}

static void test_empty_zonefile_names_no_file(void **state)
{
	assert_string_equal(nsdconf_zonefile_path("", "/etc/nsd", "/", arena), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_without_percent_is_returned_as_is),
		cmocka_unit_test(test_s_is_the_name_as_written_with_trailing_dot),
		cmocka_unit_test(test_digits_are_characters_of_the_name_as_written),
		cmocka_unit_test(test_label_tokens_count_from_the_root_lowercased),
		cmocka_unit_test(test_every_occurrence_is_replaced),
		cmocka_unit_test(test_unknown_sequences_stay_literal),
		cmocka_unit_test(test_percent_from_the_name_can_start_a_later_token),
		cmocka_unit_test(test_name_text_is_not_expanded),
		cmocka_unit_test(test_labels_use_nsd_presentation_escapes),
		cmocka_unit_test(test_slash_in_name_is_not_escaped_by_s),
		cmocka_unit_test(test_unparsable_name_has_no_labels),
		cmocka_unit_test(test_replacement_stops_before_1024_bytes),
		cmocka_unit_test(test_a_token_that_does_not_fit_leaves_later_tokens_working),
		cmocka_unit_test(test_template_is_cut_to_1023_bytes),
		cmocka_unit_test(test_expansions_match_running_nsd),
		cmocka_unit_test(test_absolute_path_is_kept),
		cmocka_unit_test(test_relative_path_is_under_zonesdir),
		cmocka_unit_test(test_empty_zonesdir_means_the_start_directory),
		cmocka_unit_test(test_relative_zonesdir_is_under_the_start_directory),
		cmocka_unit_test(test_empty_zonefile_names_no_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
