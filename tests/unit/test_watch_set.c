/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of watch mode's file set: include: names, relevance of events, change detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mod/watch_set.h"
#include "test_files.h"

struct names {
	char v[16][256];
	int n;
};

static void collect(void *ctx, const char *name)
{
	struct names *ns = ctx;
	if (ns->n < 16)
		snprintf(ns->v[ns->n++], sizeof(ns->v[0]), "%s", name);
}

static void test_include_names_as_nsd_reads_them(void **state)
{
	const char *text =
		"server:\n"
		"\tinclude: \"/etc/nsd/keys.conf\"\n"
		"# include: /not/this.conf\n"
		"zone: name: \"x\" include-pattern: \"p\"\n"
		"INCLUDE: /etc/nsd/nsd.conf.d/*.conf # a comment after\n"
		"include:/glued.conf\n"
		"\tzonefile: \"include:\"\n"
		"include: \"/with space/a.conf\"\n";
	struct names ns = { 0 };
	watch_scan_includes(text, strlen(text), collect, &ns);
	assert_int_equal(ns.n, 4);
	assert_string_equal(ns.v[0], "/etc/nsd/keys.conf");
	assert_string_equal(ns.v[1], "/etc/nsd/nsd.conf.d/*.conf");
	assert_string_equal(ns.v[2], "/glued.conf");
	assert_string_equal(ns.v[3], "/with space/a.conf");
}

struct fixture {
	char dir[64];
	char conf[128];
	char inc[128];
	char zl[128];
	char incdir[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/watchset-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->conf, sizeof(f->conf), "%s/nsd.conf", f->dir);
	snprintf(f->inc, sizeof(f->inc), "%s/keys.conf", f->dir);
	snprintf(f->zl, sizeof(f->zl), "%s/zone.list", f->dir);
	snprintf(f->incdir, sizeof(f->incdir), "%s/conf.d", f->dir);
	char text[512];
	snprintf(text, sizeof(text), "include: \"keys.conf\"\ninclude: \"%s/*.conf\"\n",
	         f->incdir);
	test_put(f->conf, text);
	test_put(f->inc, "key: name: k\n");
	test_put(f->zl, "# NSD zone list\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(test_rmtree(f->dir), 0);
	free(f);
	return 0;
}

static void build(struct fixture *f, struct watch_set *s, const struct watch_set *prev)
{
	const char *files[] = { "nsd.conf", "keys.conf" };   /* relative: taken from cwd */
	assert_int_equal(watch_set_build(s, files, 2, "zone.list", f->dir, prev), 0);
}

static void test_set_holds_files_folders_and_globs(void **state)
{
	struct fixture *f = *state;
	struct watch_set s;
	build(f, &s, NULL);
	assert_int_equal(s.nf, 3);
	assert_string_equal(s.f[0].path, f->conf);
	assert_string_equal(s.f[2].path, f->zl);
	assert_true(s.f[0].exists && s.f[1].exists && s.f[2].exists);
	/* both include: names count, the glob's folder is watched */
	assert_int_equal(s.ng, 2);
	bool dir = false, incdir = false;
	for (size_t i = 0; i < s.nd; i++) {
		dir |= strcmp(s.dirs[i], f->dir) == 0;
		incdir |= strcmp(s.dirs[i], f->incdir) == 0;
	}
	assert_true(dir && incdir);
	watch_set_free(&s);
}

static void test_relevant_events(void **state)
{
	struct fixture *f = *state;
	struct watch_set s;
	build(f, &s, NULL);
	assert_true(watch_set_relevant(&s, f->dir, "nsd.conf"));
	assert_true(watch_set_relevant(&s, f->dir, "keys.conf"));
	assert_true(watch_set_relevant(&s, f->dir, "zone.list"));
	assert_true(watch_set_relevant(&s, f->incdir, "new.conf"));   /* the glob */
	/* editors' and knotd's own files around them */
	assert_false(watch_set_relevant(&s, f->dir, ".nsd.conf.swp"));
	assert_false(watch_set_relevant(&s, f->dir, "nsd.conf~"));
	assert_false(watch_set_relevant(&s, f->dir, "4913"));
	assert_false(watch_set_relevant(&s, f->dir, "example.com.zone"));
	assert_false(watch_set_relevant(&s, f->incdir, "new.conf.bak"));
	assert_false(watch_set_relevant(&s, f->incdir, ".hidden.conf"));   /* glob(3) skips it */
	watch_set_free(&s);
}

static void test_signature_follows_contents(void **state)
{
	struct fixture *f = *state;
	struct watch_set a, b;
	build(f, &a, NULL);
	build(f, &b, NULL);
	assert_true(watch_set_signature(&a) == watch_set_signature(&b));
	watch_set_free(&b);

	test_put(f->inc, "key: name: k2\n");
	build(f, &b, NULL);
	assert_true(watch_set_signature(&a) != watch_set_signature(&b));
	watch_set_free(&b);

	unlink(f->zl);
	build(f, &b, NULL);
	assert_false(b.f[2].exists);
	assert_true(watch_set_signature(&a) != watch_set_signature(&b));
	watch_set_free(&b);
	watch_set_free(&a);
}

static void test_prev_hashes_keep_a_change_visible(void **state)
{
	struct fixture *f = *state;
	struct watch_set before, during, after;
	build(f, &before, NULL);
	/* an edit between the keeper's parse and the watcher's start */
	test_put(f->inc, "key: name: k3\n");
	build(f, &during, &before);   /* takes the hash of what the keeper read */
	assert_true(watch_set_signature(&during) == watch_set_signature(&before));
	build(f, &after, NULL);       /* the next look sees the edit as a change */
	assert_true(watch_set_signature(&after) != watch_set_signature(&during));
	watch_set_free(&before);
	watch_set_free(&during);
	watch_set_free(&after);
}

static void test_symlinked_file_is_watched_at_its_target(void **state)
{
	struct fixture *f = *state;
	char real_dir[160], real[192], link[160];
	snprintf(real_dir, sizeof(real_dir), "%s/real", f->dir);
	snprintf(real, sizeof(real), "%s/nsd.conf", real_dir);
	snprintf(link, sizeof(link), "%s/link.conf", f->dir);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s' && ln -s '%s' '%s'", real_dir,
	         f->conf, real, real, link);
	assert_int_equal(system(cmd), 0);
	const char *files[] = { link };
	struct watch_set s;
	assert_int_equal(watch_set_build(&s, files, 1, NULL, "/", NULL), 0);
	assert_non_null(s.f[0].real);
	assert_true(watch_set_relevant(&s, real_dir, "nsd.conf"));
	assert_true(watch_set_relevant(&s, f->dir, "link.conf"));
	bool watched = false;
	for (size_t i = 0; i < s.nd; i++)
		watched |= strcmp(s.dirs[i], real_dir) == 0;
	assert_true(watched);
	watch_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_include_names_as_nsd_reads_them),
		cmocka_unit_test_setup_teardown(test_set_holds_files_folders_and_globs, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_relevant_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signature_follows_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prev_hashes_keep_a_change_visible, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_symlinked_file_is_watched_at_its_target, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
