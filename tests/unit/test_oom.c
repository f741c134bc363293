/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Out of memory in the nsd.conf core: every allocation of a parse made to fail in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/checks.h"
#include "conf/mem.h"
#include "conf/model.h"
#include "test_files.h"
#include "test_heap.h"

/*
 * The core runs inside knotd: a reload that runs out of memory must leave knotd
 * serving, so the parse has to fail like a syntax error (one "out of memory" line,
 * no model, nothing left allocated) wherever the allocation was. The configuration
 * below touches every part that allocates: the scanner (include: with and without a
 * glob, quoted and unquoted values), keys, patterns, include-pattern merging shared
 * and copied ACL lists, every ACL form, ip-address socket options, cpu lists, a
 * verifier, nsid, enough zones to grow the arrays and indexes, the zonelistfile.
 * It stays below the arena's mapped-block size, so that no failure is absorbed by
 * the fallback from a mapping to calloc(): every allocation is load-bearing.
 */
#define N_ZONES 120
#define N_LISTED 40

static char dir[] = "/tmp/test-oom-XXXXXX";
static char conf[600];
static char lines[4096];
static int n_lines;

static void capture(void *ctx, const char *line)
{
	(void)ctx;
	n_lines++;
	strncat(lines, line, sizeof(lines) - strlen(lines) - 2);
	strcat(lines, "\n");
}

static void put(const char *name, const char *text)
{
	test_put_in(dir, name, text);
}

static void write_config(void)
{
	static char text[64 * 1024];
	int n = snprintf(text, sizeof(text),
		"# nsd.conf with something of everything\n"
		"server:\n"
		"\tip-address: 127.0.0.1@5353 servers=\"1 2-3\" bindtodevice=no setfib=2\n"
		"\tip-address: ::1\n"
		"\tip4-only: no\n"
		"\tnsid: ascii_knot-nsd\n"
		"\tdatabase: \"\"\n"
		"\tcpu-affinity: 0 1\n"
		"\txfrd-cpu-affinity: 1\n"
		"\tserver-1-cpu-affinity: 0\n"
		"\tport: 5353\n"
		"\tidentity: \"oom test\"\n"
		"\tzonelistfile: \"%s/zone.list\"\n"
		"remote-control:\n"
		"\tcontrol-enable: yes\n"
		"\tcontrol-interface: 127.0.0.1\n"
		"include: \"%s/keys.conf\"\n"
		"include: %s/patterns/*.conf\n", dir, dir, dir);
	for (int i = 0; i < N_ZONES; i++) {
		n += snprintf(text + n, sizeof(text) - n,
			"zone:\n\tname: \"zone%d.example.\"\n\tinclude-pattern: \"%s\"\n%s",
			i, i % 3 == 0 ? "primary" : i % 3 == 1 ? "secondary" : "both",
			i % 7 == 0 ? "\tnotify: 203.0.113.9@5300 tsig1.\n" : "");
	}
	put("nsd.conf", text);
	put("keys.conf",
		"key:\n\tname: tsig1.\n\talgorithm: hmac-sha256\n"
		"\tsecret: \"K2tf3TRjvQkVCmJF3/Z9vA==\"\n"
		"key:\n\tname: \"tsig2.\"\n\tsecret: K2tf3TRjvQkVCmJF3/Z9vA==\n");
	put("patterns/a.conf",
		"pattern:\n\tname: \"primary\"\n\tzonefile: \"%s.zone\"\n"
		"\tnotify: 192.0.2.1 tsig1.\n"
		"\tprovide-xfr: 192.0.2.0/24 tsig1.\n"
		"\tprovide-xfr: 198.51.100.1-198.51.100.9 NOKEY\n"
		"\tprovide-xfr: ::1 BLOCKED\n"
		"\tallow-query: 0.0.0.0/0 NOKEY\n"
		"\toutgoing-interface: 192.0.2.53\n");
	put("patterns/b.conf",
		"pattern:\n\tname: \"secondary\"\n"
		"\trequest-xfr: AXFR 192.0.2.1@53 tsig2.\n"
		"\trequest-xfr: UDP 192.0.2.2 NOKEY\n"
		"\tallow-notify: 192.0.2.1 tsig2.\n"
		"\tallow-notify: 10.0.0.0&255.0.0.0 BLOCKED\n"
		"\tmin-expire-time: refresh+retry+1\n"
		"\tverifier: /bin/true -x\n"
		"pattern:\n\tname: both\n"
		"\tinclude-pattern: \"primary\"\n\tinclude-pattern: secondary\n"
		"\tnotify: 203.0.113.5 NOKEY\n");
	n = snprintf(text, sizeof(text), "# NSD zone list\n# name pattern\n");
	for (int i = 0; i < N_LISTED; i++) {
		n += snprintf(text + n, sizeof(text) - n, "add listed%d.example. %s\n", i,
		              i % 2 == 0 ? "primary" : "secondary");
	}
	put("zone.list", text);
	snprintf(conf, sizeof(conf), "%s/nsd.conf", dir);
}

static int setup(void **state)
{
	(void)state;
	char path[600];
	if (mkdtemp(dir) == NULL) {
		return -1;
	}
	snprintf(path, sizeof(path), "%s/patterns", dir);
	if (mkdir(path, 0700) != 0) {
		return -1;
	}
	write_config();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_rmtree(dir);
}

/* Parses conf with the nth allocation failing (0: none); true if that failure was
 * injected (the parse made at least n allocations). */
static bool parse_failing(long n, const struct nsdconf_parse_opts *opts, struct nsdconf_diag *d,
                          struct nsdconf_model **m)
{
	lines[0] = '\0';
	n_lines = 0;
	*d = (struct nsdconf_diag){ .sink = capture };
	nsdconf_test_fail_after = n;
	*m = nsdconf_parse_file(conf, opts, d);
	bool injected = n > 0 && nsdconf_test_fail_after == 0;
	nsdconf_test_fail_after = 0;
	return injected;
}

/* The one line a failed parse reports: "<file>[:<line>]: error: out of memory". */
static void assert_one_oom_line(const struct nsdconf_diag *d)
{
	static const char tail[] = ": error: out of memory\n";
	size_t len = strlen(lines);
	assert_int_equal(n_lines, 1);
	assert_int_equal(d->errors, 1);
	assert_true(d->oom);
	assert_true(len > sizeof(tail) - 1);
	assert_string_equal(lines + len - (sizeof(tail) - 1), tail);
	assert_int_equal(strncmp(lines, dir, strlen(dir)), 0);
}

/* Every allocation point in turn, until the parse makes fewer allocations than n. */
static long fail_each_allocation(const struct nsdconf_parse_opts *opts)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m;

	/* Once unfailed first: libc's one-time allocations (stdio, glob, locale) are
	 * then out of the heap comparison. */
	assert_false(parse_failing(0, opts, &d, &m));
	assert_non_null(m);
	assert_int_equal(d.errors, 0);
	assert_int_equal(m->n_zones, N_ZONES + (opts->read_zonelist ? N_LISTED : 0));
	nsdconf_model_free(m);

	size_t heap = heap_in_use();
	for (long n = 1;; n++) {
		if (!parse_failing(n, opts, &d, &m)) {
			assert_non_null(m);
			assert_int_equal(d.errors, 0);
			nsdconf_model_free(m);
			assert_int_equal(heap_in_use(), heap);
			return n - 1;
		}
		if (m != NULL) {
			fail_msg("allocation %ld failed and the parse succeeded", n);
		}
		assert_one_oom_line(&d);
		if (heap_in_use() != heap) {
			fail_msg("allocation %ld failed: %zd heap bytes more (%s)", n,
			         (ssize_t)(heap_in_use() - heap), lines);
		}
	}
}

static void test_any_failed_allocation_fails_the_parse_cleanly(void **state)
{
	(void)state;
	struct nsdconf_parse_opts module = { .max_version = 4150, .read_zonelist = true };
	struct nsdconf_parse_opts convert = { .max_version = 4150, .locations = true,
	                                      .read_zonelist = true };
	struct nsdconf_parse_opts checkconf = { .max_version = 461 };
	long n_module = fail_each_allocation(&module);
	long n_convert = fail_each_allocation(&convert);
	long n_checkconf = fail_each_allocation(&checkconf);
	print_message("allocation points failed: %ld (module), %ld (convert), %ld (checkconf)\n",
	              n_module, n_convert, n_checkconf);
	/* Arrays, indexes and arena blocks grow several times with these zones. */
	assert_true(n_module > 20);
	assert_true(n_convert > n_module);
}

/* What callers do with a parsed model: the canonical zone order, and the checks,
 * which must not pass on an arena that failed. */
static void test_failed_allocation_after_the_parse_is_reported(void **state)
{
	(void)state;
	struct nsdconf_parse_opts opts = { .max_version = 461 };
	struct nsdconf_diag d;
	struct nsdconf_model *m;
	long n = 1;
	bool injected;
	do {
		assert_false(parse_failing(0, &opts, &d, &m));
		assert_non_null(m);
		int nz = -1;
		nsdconf_test_fail_after = n;
		struct nsdconf_zone **zones = nsdconf_zones_sorted(m, false, &nz);
		injected = nsdconf_test_fail_after == 0;
		nsdconf_test_fail_after = 0;
		if (!injected) {
			assert_non_null(zones);
			assert_int_equal(nz, N_ZONES);
		} else {
			assert_null(zones);
			assert_int_equal(nz, 0);
		}
		lines[0] = '\0';
		n_lines = 0;
		d = (struct nsdconf_diag){ .sink = capture };
		int errors = nsdconf_semantic_checks(m, conf, &d);
		if (nsdconf_arena_failed(m->arena)) {
			assert_int_equal(errors, 1);
			assert_true(d.oom);
			assert_non_null(strstr(lines, ": error: out of memory\n"));
		} else {
			assert_int_equal(errors, 0);
		}
		nsdconf_model_free(m);
		n++;
	} while (injected);
	assert_true(n > 2);
}

static void test_unfailed_parse_makes_no_difference(void **state)
{
	(void)state;
	struct nsdconf_parse_opts opts = { .max_version = 4150, .read_zonelist = true };
	struct nsdconf_diag d = { 0 };
	struct nsdconf_model *m;
	/* A count larger than the parse needs is left unspent and fails nothing. */
	nsdconf_test_fail_after = 1L << 40;
	m = nsdconf_parse_file(conf, &opts, &d);
	assert_true(nsdconf_test_fail_after > 0);
	nsdconf_test_fail_after = 0;
	assert_non_null(m);
	assert_int_equal(m->n_zones, N_ZONES + N_LISTED);
	assert_non_null(nsdconf_zone_find(m, "listed7.example"));
	assert_non_null(nsdconf_acl_key(m, nsdconf_pattern_find(m, "both")
	                                       ->val[NSDCONF_P_REQUEST_XFR].acl));
	nsdconf_model_free(m);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_heap_exact(argv);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unfailed_parse_makes_no_difference),
		cmocka_unit_test(test_any_failed_allocation_fails_the_parse_cleanly),
		cmocka_unit_test(test_failed_allocation_after_the_parse_is_reported),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
