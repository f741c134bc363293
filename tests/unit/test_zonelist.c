/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonelistfile reading as NSD 4.6.1's parse_zone_list_file (plus 4.9+ "cat" lines). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/zonelist.h"

#define HEADER "# NSD zone list\n# name pattern\n"
#define MAX_SEEN 16

struct seen {
	int n;
	int stop_after;         /* 0: never stop */
	char zone[MAX_SEEN][1100];
	char pattern[MAX_SEEN][64];
	char member[MAX_SEEN][64];   /* "-": an add line */
	int line[MAX_SEEN];
	int ndiag;
	char diag[MAX_SEEN][2300];
};

static char dir[64];
static char path[128];
static struct seen seen;
static struct nsdconf_diag diag;

static void sink(void *ctx, const char *line)
{
	struct seen *s = ctx;

	if (s->ndiag < MAX_SEEN)
		snprintf(s->diag[s->ndiag], sizeof(s->diag[0]), "%s", line);
	s->ndiag++;
}

static int entry(void *ctx, const char *zone, const char *pattern, const char *member_id,
                 int line)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN) {
		snprintf(s->zone[s->n], sizeof(s->zone[0]), "%s", zone);
		snprintf(s->pattern[s->n], sizeof(s->pattern[0]), "%s", pattern);
		snprintf(s->member[s->n], sizeof(s->member[0]), "%s", member_id ? member_id : "-");
		s->line[s->n] = line;
	}
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_zonelist.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/zone.list", dir);
	memset(&seen, 0, sizeof(seen));
	memset(&diag, 0, sizeof(diag));
	diag.sink = sink;
	diag.ctx = &seen;
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	rmdir(path);
	return rmdir(dir);
}

static void write_file(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int read_text(const char *text)
{
	write_file(text, strlen(text));
	return nsdconf_zonelist_read(path, entry, &seen, &diag);
}

/* "<path>:<line>: <rest>" with the test file's path filled in twice. */
static void assert_diag(int i, int line, const char *kind, const char *fmt_rest)
{
	char want[2600];
	char rest[2200];

	snprintf(rest, sizeof(rest), fmt_rest, path);
	snprintf(want, sizeof(want), "%s:%d: %s: %s", path, line, kind, rest);
	assert_string_equal(seen.diag[i], want);
}

static void test_missing_file_is_no_error(void **state)
{
	assert_int_equal(nsdconf_zonelist_read(path, entry, &seen, &diag), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(seen.ndiag, 0);
	assert_int_equal(diag.errors, 0);
}

/* NSD 4.6.1 refuses to start ("could not read zonelist file"), verified. */
static void test_empty_file_has_a_bad_header(void **state)
{
	assert_int_equal(read_text(""), -1);
	assert_int_equal(seen.ndiag, 1);
	assert_int_equal(diag.errors, 1);
	assert_diag(0, 1, "error", "zone list %s contains bad header");
}

static void test_header_must_match_exactly(void **state)
{
	assert_int_equal(read_text("# NSD zone list\n# name patterns\nadd a.com p\n"), -1);
	assert_int_equal(seen.n, 0);
	assert_diag(0, 1, "error", "zone list %s contains bad header");
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(read_text("# NSD zone list\r\n# name pattern\r\n"), -1);
}

static void test_header_only_file_has_no_zones(void **state)
{
	assert_int_equal(read_text(HEADER), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(seen.ndiag, 0);
}

static void test_a_directory_cannot_be_opened(void **state)
{
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(nsdconf_zonelist_read(path, entry, &seen, &diag), -1);
	assert_int_equal(diag.errors, 1);
	char want[400];
	snprintf(want, sizeof(want), "%s: error: could not open zone list %s: Is a directory",
	         path, path);
	assert_string_equal(seen.diag[0], want);
}

static void test_add_lines_are_delivered_in_file_order(void **state)
{
	assert_int_equal(read_text(HEADER "add example.com master\nadd example.net slave\n"), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.zone[0], "example.com");
	assert_string_equal(seen.pattern[0], "master");
	assert_int_equal(seen.line[0], 3);
	assert_string_equal(seen.zone[1], "example.net");
	assert_string_equal(seen.pattern[1], "slave");
	assert_int_equal(seen.line[1], 4);
}

/* nsd-control delzone overwrites "add" with "del"; the slot stays. */
static void test_deleted_entries_are_skipped(void **state)
{
	assert_int_equal(read_text(HEADER "add a.com p\ndel b.com p\nadd c.com p\n"), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.zone[0], "a.com");
	assert_string_equal(seen.zone[1], "c.com");
	assert_int_equal(seen.line[1], 5);
}

static void test_comments_and_empty_lines_are_skipped(void **state)
{
	assert_int_equal(read_text(HEADER "\n# note\nadd a.com p\n#add b.com p\n"), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.line[0], 5);
}

static void test_pattern_is_after_the_last_space(void **state)
{
	assert_int_equal(read_text(HEADER "add ex 5.com p1\nadd ex3.com  p1\nadd  p1\n"
	                           "add trail.com \n"), 0);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.zone[0], "ex 5.com");
	assert_string_equal(seen.pattern[0], "p1");
	assert_string_equal(seen.zone[1], "ex3.com ");
	assert_string_equal(seen.zone[2], "");
	assert_string_equal(seen.pattern[2], "p1");
	assert_string_equal(seen.zone[3], "trail.com");
	assert_string_equal(seen.pattern[3], "");
}

/* NSD then says "pattern does not exist for zone ex4.com pattern p1\r". */
static void test_carriage_return_stays_in_the_pattern(void **state)
{
	assert_int_equal(read_text(HEADER "add ex4.com p1\r\n"), 0);
	assert_string_equal(seen.pattern[0], "p1\r");
}

static void test_last_line_needs_no_newline(void **state)
{
	assert_int_equal(read_text(HEADER "add a.com p\nadd b.com q"), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.pattern[1], "q");
}

static void test_add_without_pattern_is_a_parse_error(void **state)
{
	assert_int_equal(read_text(HEADER "add nospace\nadd \nadd ok.com p\n"), 2);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.line[0], 5);
	assert_int_equal(diag.errors, 2);
	assert_diag(0, 3, "error", "parse error in %s: 'add nospace'");
	assert_diag(1, 4, "error", "parse error in %s: 'add '");
}

static void test_unknown_lines_are_bad_data_warnings(void **state)
{
	assert_int_equal(read_text(HEADER "addx foo\n del x\nDEL x p1\nadd a.com p\n"), 3);
	assert_int_equal(seen.n, 1);
	/* warnings in NSD, so not counted as diag errors */
	assert_int_equal(diag.errors, 0);
	assert_int_equal(seen.ndiag, 3);
	assert_diag(0, 3, "warning", "bad data in %s, 'addx foo'");
	assert_diag(1, 4, "warning", "bad data in %s, ' del x'");
	assert_diag(2, 5, "warning", "bad data in %s, 'DEL x p1'");
}

static void test_cat_lines_give_zone_and_pattern(void **state)
{
	assert_int_equal(read_text(HEADER "cat m1.example.com cat-pat 1a2b3c\n"
	                           "cat my zone.com p id\n"), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.zone[0], "m1.example.com");
	assert_string_equal(seen.pattern[0], "cat-pat");
	assert_string_equal(seen.zone[1], "my zone.com");
	assert_string_equal(seen.pattern[1], "p");
	/* the member id, without the line end, for the module to keep */
	assert_string_equal(seen.member[0], "1a2b3c");
	assert_string_equal(seen.member[1], "id");
}

static void test_cat_line_needs_pattern_and_member_id(void **state)
{
	assert_int_equal(read_text(HEADER "cat a.com p\ncat a.com\n"), 2);
	assert_int_equal(seen.n, 0);
	/* the whole line is quoted, the cut space restored */
	assert_diag(0, 3, "error", "parse error in %s: 'cat a.com p'");
	assert_diag(1, 4, "error", "parse error in %s: 'cat a.com'");
}

/* NSD reads 1023-byte pieces; each piece is judged as a line (verified). */
static void test_long_line_is_read_in_1023_byte_pieces(void **state)
{
	static char text[1300];
	char name[1101];
	char want[1100];

	memset(name, 'a', 1100);
	name[1100] = '\0';
	snprintf(text, sizeof(text), HEADER "add %s p1\nadd ok.com p\n", name);
	assert_int_equal(read_text(text), 2);

	snprintf(want, sizeof(want), "parse error in %%s: 'add %.*s'", 1019, text + 35);
	assert_diag(0, 3, "error", want);
	snprintf(want, sizeof(want), "bad data in %%s, '%.*s p1'", 1100 - 1019, text + 35);
	assert_diag(1, 3, "warning", want);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.zone[0], "ok.com");
	assert_int_equal(seen.line[0], 4);
}

static void test_nul_byte_hides_the_rest_of_the_line(void **state)
{
	static const char text[] = HEADER "add a.com p\0junk\nadd b.com q\n";

	write_file(text, sizeof(text) - 1);
	assert_int_equal(nsdconf_zonelist_read(path, entry, &seen, &diag), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.pattern[0], "p");
	assert_int_equal(seen.line[1], 4);
}

static void test_callback_can_stop_reading(void **state)
{
	seen.stop_after = 1;
	assert_int_equal(read_text(HEADER "add a.com p\nadd b.com p\nbad\n"), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.ndiag, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_file_is_no_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file_has_a_bad_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_must_match_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_only_file_has_no_zones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_directory_cannot_be_opened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_lines_are_delivered_in_file_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_entries_are_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments_and_empty_lines_are_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pattern_is_after_the_last_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carriage_return_stays_in_the_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_line_needs_no_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_without_pattern_is_a_parse_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_lines_are_bad_data_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cat_lines_give_zone_and_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cat_line_needs_pattern_and_member_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_is_read_in_1023_byte_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte_hides_the_rest_of_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_can_stop_reading, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
