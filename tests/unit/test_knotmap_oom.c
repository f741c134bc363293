/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Out of memory in the Knot mapping: every allocation of a render made to fail in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libknot/errcode.h>

#include "conf/mem.h"
#include "conf/model.h"
#include "knotmap/knotmap.h"
#include "test_files.h"
#include "test_heap.h"

/*
 * mod-nsd renders the include inside knotd: a render that runs out of memory must
 * fail (KNOT_ENOMEM, no text) wherever the allocation was, never write through a
 * NULL, never leave memory behind. The configuration touches every part of the
 * mapping that allocates: keys (two with one TSIG name, one with blanks in its
 * secret), remotes with ports, keys and source addresses, every ACL form, BLOCKED
 * and NOKEY, allow-query (mod-queryacl lists, natively), zonefile templates, RRL and
 * cookies, and more distinct rules than the rule table's first size (64).
 */
#define N_ZONES 80

static char dir[] = "/tmp/test-knotmap-oom-XXXXXX";
static struct nsdconf_model *model;
static int n_notes;

static void note_count(void *ctx, const struct knotmap_note *note)
{
	(void)ctx;
	(void)note;
	n_notes++;
}

static void diag_sink(void *ctx, const char *line)
{
	(void)ctx;
	print_error("nsd.conf: %s\n", line);
}

static void put(const char *name, const char *text)
{
	test_put_in(dir, name, text);
}

static void write_config(void)
{
	static char text[64 * 1024];
	int n = snprintf(text, sizeof(text),
		"server:\n"
		"\tip-address: 127.0.0.1@5353\n"
		"\tip-address: ::1\n"
		"\tport: 5353\n"
		"\tzonesdir: \"%s\"\n"
		"\tzonefiles-write: 3600\n"
		"\trrl-ratelimit: 200\n"
		"\tanswer-cookie: yes\n"
		"key:\n\tname: tsig1.\n\talgorithm: hmac-sha256\n"
		"\tsecret: \"K2tf3TRjvQkVCmJF3/Z9vA==\"\n"
		"key:\n\tname: \"TSIG1\"\n\tsecret: K2tf3TRjvQkVCmJF3/Z9vA==\n"
		"key:\n\tname: tsig2.\n\talgorithm: hmac-sha512\n"
		"\tsecret: \"K2tf 3TRj vQkV CmJF 3/Z9vA==\"\n"
		"pattern:\n\tname: primary\n\tzonefile: \"%%s.zone\"\n"
		"\tnotify: 192.0.2.1 tsig1.\n"
		"\tnotify: 192.0.2.2@5300 NOKEY\n"
		"\tprovide-xfr: 192.0.2.0/24 tsig1.\n"
		"\tprovide-xfr: 198.51.100.1-198.51.100.9 NOKEY\n"
		"\tprovide-xfr: 2001:db8::1-2001:db8::ff NOKEY\n"
		"\tprovide-xfr: 10.0.0.0&255.0.255.0 tsig2.\n"
		"\tprovide-xfr: ::1 BLOCKED\n"
		"\tprovide-xfr: 192.0.2.7@53 BLOCKED\n"
		"\tallow-query: 0.0.0.0/0 NOKEY\n"
		"\tallow-query: 203.0.113.0/24 BLOCKED\n"
		"\tallow-query: 198.51.100.0/24 tsig1.\n"
		"\toutgoing-interface: 192.0.2.53\n"
		"\tstore-ixfr: yes\n\tcreate-ixfr: yes\n"
		"pattern:\n\tname: secondary\n\tzonefile: \"%%1/%%s\"\n"
		"\trequest-xfr: AXFR 192.0.2.1@53 tsig2.\n"
		"\trequest-xfr: UDP 192.0.2.2 NOKEY\n"
		"\tallow-notify: 192.0.2.1 tsig2.\n"
		"\tallow-notify: 10.0.0.0/8 BLOCKED\n"
		"\tmin-refresh-time: 1\n\tmax-refresh-time: 600\n"
		"\tmin-expire-time: refresh+retry+1\n"
		"pattern:\n\tname: both\n"
		"\tinclude-pattern: primary\n\tinclude-pattern: secondary\n"
		"\tnotify: 203.0.113.5 NOKEY\n", dir);
	for (int i = 0; i < N_ZONES; i++) {
		/* Each zone its own rule, so the rule table grows. */
		n += snprintf(text + n, sizeof(text) - n,
			"zone:\n\tname: \"zone%d.example.\"\n\tinclude-pattern: \"%s\"\n"
			"\tprovide-xfr: 172.16.%d.0/24 %s\n",
			i, i % 3 == 0 ? "primary" : i % 3 == 1 ? "secondary" : "both", i,
			i % 2 == 0 ? "tsig1." : "NOKEY");
	}
	n += snprintf(text + n, sizeof(text) - n,
		"zone:\n\tname: storage.example.\n\trequest-xfr: 192.0.2.9 NOKEY\n"
		"\tallow-notify: 192.0.2.9 NOKEY\n");
	put("nsd.conf", text);
}

static int setup(void **state)
{
	(void)state;
	char path[600];
	struct nsdconf_parse_opts po = { .max_version = 4150, .locations = true };
	struct nsdconf_diag d = { .sink = diag_sink };

	if (mkdtemp(dir) == NULL) {
		return -1;
	}
	write_config();
	snprintf(path, sizeof(path), "%s/nsd.conf", dir);
	model = nsdconf_parse_file(path, &po, &d);
	return model != NULL && d.errors == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nsdconf_model_free(model);
	return test_rmtree(dir);
}

/* The three configurations the mapping writes. */
static const struct knotmap_module mod_nsd = {
	.config = "/etc/nsd/nsd.conf", .include = "/var/lib/knot/nsd/nsd.conf",
};

static struct knotmap_opts mode_opts(const char *mode)
{
	struct knotmap_opts o = {
		.cwd = "/etc/nsd", .storage = "/var/lib/knot", .rundir = "/run/knot",
		.report = note_count,
	};
	if (strcmp(mode, "include") != 0) {
		o.full = true;
		o.module = strcmp(mode, "module") == 0 ? &mod_nsd : NULL;
	}
	if (strcmp(mode, "include") == 0) {
		o.storage = NULL;   /* as mod-nsd renders it */
	}
	return o;
}

/* Renders with the nth allocation failing (0: none); true if the failure was injected. */
static bool render_failing(long n, const struct knotmap_opts *o, struct knotmap_buf *out,
                           int *ret)
{
	n_notes = 0;
	nsdconf_test_fail_after = n;
	*ret = knotmap_render(model, o, out);
	bool injected = n > 0 && nsdconf_test_fail_after == 0;
	nsdconf_test_fail_after = 0;
	return injected;
}

/* Every allocation point in turn, until the render makes fewer than n; returns how many. */
static long fail_each_allocation(const char *mode)
{
	struct knotmap_opts o = mode_opts(mode);
	struct knotmap_buf good = { 0 }, b;
	int ret;

	/* Unfailed first: the text every later render must give, and libc warmed up. */
	assert_false(render_failing(0, &o, &good, &ret));
	assert_int_equal(ret, KNOT_EOK);
	assert_true(good.len > 0);
	assert_true(n_notes > 0);

	size_t heap = heap_in_use();
	for (long n = 1;; n++) {
		b = (struct knotmap_buf){ 0 };
		if (!render_failing(n, &o, &b, &ret)) {
			assert_int_equal(ret, KNOT_EOK);
			assert_int_equal(b.len, good.len);
			assert_memory_equal(b.data, good.data, good.len);
			knotmap_buf_free(&b);
			assert_int_equal(heap_in_use(), heap);
			knotmap_buf_free(&good);
			return n - 1;
		}
		if (ret != KNOT_ENOMEM) {
			fail_msg("%s: allocation %ld failed and the render returned %d", mode, n, ret);
		}
		/* No part of a configuration: nothing at all. */
		assert_int_equal(b.len, 0);
		assert_true(b.data == NULL || b.data[0] == '\0');
		knotmap_buf_free(&b);
		if (heap_in_use() != heap) {
			fail_msg("%s: allocation %ld failed: %zd heap bytes more", mode, n,
			         (ssize_t)(heap_in_use() - heap));
		}
	}
}

static void test_any_failed_allocation_fails_the_render_cleanly(void **state)
{
	(void)state;
	long n_include = fail_each_allocation("include");
	long n_module = fail_each_allocation("module");
	long n_native = fail_each_allocation("native");

	print_message("render allocation points failed: %ld (include), %ld (module), "
	              "%ld (native)\n", n_include, n_module, n_native);
	/* Maps, ids, rules, buffers and arena blocks: far more than a handful. */
	assert_true(n_include > 100);
	assert_true(n_module > 100);
	/* Natively also the server sections and mod-queryacl lists. */
	assert_true(n_native > n_include);
}

static void test_failed_render_empties_a_reused_buffer(void **state)
{
	(void)state;
	struct knotmap_opts o = mode_opts("include");
	struct knotmap_buf b = { 0 };
	int ret;

	assert_false(render_failing(0, &o, &b, &ret));
	assert_int_equal(ret, KNOT_EOK);
	assert_true(b.len > 0);
	/* A late failure: the buffer held a whole text a moment ago. */
	assert_true(render_failing(50, &o, &b, &ret));
	assert_int_equal(ret, KNOT_ENOMEM);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	knotmap_buf_free(&b);
}

static void test_render_after_a_failed_one_is_whole(void **state)
{
	(void)state;
	struct knotmap_opts o = mode_opts("native");
	struct knotmap_buf first = { 0 }, b = { 0 };
	int ret;

	assert_false(render_failing(0, &o, &first, &ret));
	assert_true(render_failing(3, &o, &b, &ret));
	assert_int_equal(ret, KNOT_ENOMEM);
	/* Nothing of the failed render lingers (thread-local scratch, maps). */
	assert_false(render_failing(0, &o, &b, &ret));
	assert_int_equal(ret, KNOT_EOK);
	assert_int_equal(b.len, first.len);
	assert_memory_equal(b.data, first.data, first.len);
	knotmap_buf_free(&b);
	knotmap_buf_free(&first);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_heap_exact(argv);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_render_empties_a_reused_buffer),
		cmocka_unit_test(test_render_after_a_failed_one_is_whole),
		cmocka_unit_test(test_any_failed_allocation_fails_the_render_cleanly),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
