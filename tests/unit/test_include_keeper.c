/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of mod-nsd's include keeper: atomic replacement, reload guard, broken nsd.conf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "conf/mem.h"
#include "conf/model.h"
#include "mod/include_keeper.h"
#include "test_files.h"

/* Everything logged, one line after the other. */
static char logged[16384];

static void collect(void *ctx, int priority, const char *fmt, ...)
{
	size_t len = strlen(logged);
	va_list ap;
	va_start(ap, fmt);
	len += snprintf(logged + len, sizeof(logged) - len, "%d ", priority);
	if (len < sizeof(logged))
		len += vsnprintf(logged + len, sizeof(logged) - len, fmt, ap);
	if (len < sizeof(logged) - 1)
		strcat(logged, "\n");
	va_end(ap);
}

struct fixture {
	char dir[64];
	char include[128];
	char config[128];
	struct keeper_opts o;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/keeper-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->include, sizeof(f->include), "%s/inc/nsd.conf", f->dir);
	snprintf(f->config, sizeof(f->config), "%s/nsd.conf", f->dir);
	f->o = (struct keeper_opts){ .config = f->config, .include = f->include,
	                             .cwd = f->dir, .log = collect };
	logged[0] = '\0';
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

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL; )
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

static void test_apply_creates_folder_and_file(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(keeper_apply(&f->o, "zone: []\n", 9), KEEPER_WRITTEN);
	assert_string_equal(slurp(f->include), "zone: []\n");

	struct stat s;
	assert_int_equal(stat(f->include, &s), 0);
	assert_int_equal(s.st_mode & 0007, 0); /* secrets: not for others */
}

static void test_apply_same_text_leaves_file_alone(void **state)
{
	struct fixture *f = *state;
	struct stat a, b;
	assert_int_equal(keeper_apply(&f->o, "same\n", 5), KEEPER_WRITTEN);
	assert_int_equal(stat(f->include, &a), 0);
	assert_int_equal(keeper_apply(&f->o, "same\n", 5), KEEPER_UNCHANGED);
	assert_int_equal(stat(f->include, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
}

static void test_apply_replaces_by_rename_without_leftovers(void **state)
{
	struct fixture *f = *state;
	struct stat a, b;
	assert_int_equal(keeper_apply(&f->o, "old text\n", 9), KEEPER_WRITTEN);
	assert_int_equal(stat(f->include, &a), 0);
	/* same length, other bytes: must still be seen as different */
	assert_int_equal(keeper_apply(&f->o, "new text\n", 9), KEEPER_WRITTEN);
	assert_int_equal(stat(f->include, &b), 0);
	assert_int_not_equal(a.st_ino, b.st_ino); /* a new file took the name */
	assert_string_equal(slurp(f->include), "new text\n");

	char inc_dir[160];
	snprintf(inc_dir, sizeof(inc_dir), "%s/inc", f->dir);
	assert_int_equal(count_entries(inc_dir), 1);
}

/* A pid above the kernel's pid_max never names a process. */
static long dead_pid(void)
{
	long max = 4194304;
	FILE *fp = fopen("/proc/sys/kernel/pid_max", "r");
	if (fp != NULL) {
		assert_int_equal(fscanf(fp, "%ld", &max), 1);
		fclose(fp);
	}
	return max + 1;
}

static void test_apply_removes_temps_of_gone_processes_only(void **state)
{
	struct fixture *f = *state;
	char stale[256], live[256], other[256], inc_dir[160];

	assert_int_equal(keeper_apply(&f->o, "text\n", 5), KEEPER_WRITTEN);
	snprintf(stale, sizeof(stale), "%s.tmp.%ld", f->include, dead_pid());
	snprintf(live, sizeof(live), "%s.tmp.%ld", f->include, (long)getppid());
	snprintf(other, sizeof(other), "%s/inc/other.conf.tmp.%ld", f->dir, dead_pid());
	test_put(stale, "half a");
	test_put(live, "another knotd's write");
	test_put(other, "not ours");

	/* Also when the include itself is unchanged. */
	assert_int_equal(keeper_apply(&f->o, "text\n", 5), KEEPER_UNCHANGED);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_non_null(strstr(logged, "left by a write that did not finish"));
	snprintf(inc_dir, sizeof(inc_dir), "%s/inc", f->dir);
	assert_int_equal(count_entries(inc_dir), 3);
}

static void test_apply_unwritable_folder_says_so(void **state)
{
	struct fixture *f = *state;
	char inc_dir[160];
	snprintf(inc_dir, sizeof(inc_dir), "%s/inc", f->dir);
	assert_int_equal(mkdir(inc_dir, 0755), 0);
	chmod(f->dir, 0755);

	/* root writes anywhere: try as nobody, as knotd's 'knot' user would */
	pid_t pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && setuid(65534) != 0)
			_exit(3);
		logged[0] = '\0';
		enum keeper_result r = keeper_apply(&f->o, "x\n", 2);
		_exit(r == KEEPER_FAILED && strstr(logged, "must be writable") != NULL ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_entries(inc_dir), 0);
}

static void test_guard_one_reload_per_text(void **state)
{
	struct keeper_state st = { 0 };
	assert_true(keeper_guard_allow(&st, 1, 11, 1000));
	/* the reload renders the same text again: no second SIGHUP */
	assert_false(keeper_guard_allow(&st, 1, 11, 1001));
	assert_false(keeper_guard_allow(&st, 1, 11, 1000 + KEEPER_GUARD_WINDOW - 1));
	/* another text is another edit */
	assert_true(keeper_guard_allow(&st, 2, 12, 1002));
	/* and going back is one too */
	assert_true(keeper_guard_allow(&st, 1, 11, 1003));
}

static void test_guard_same_text_again_after_window(void **state)
{
	struct keeper_state st = { 0 };
	assert_true(keeper_guard_allow(&st, 7, 1, 1000));
	assert_true(keeper_guard_allow(&st, 7, 1, 1000 + KEEPER_GUARD_WINDOW));
}

/* A text that changes while the files do not: a loop, cut off after a few. */
static void test_guard_caps_unexplained_reloads(void **state)
{
	struct keeper_state st = { 0 };
	for (int i = 0; i < KEEPER_GUARD_MAX; i++)
		assert_true(keeper_guard_allow(&st, 100 + i, 42, 1000 + i));
	assert_false(keeper_guard_allow(&st, 999, 42, 1000 + KEEPER_GUARD_MAX));
	/* the oldest drops out of the window */
	assert_true(keeper_guard_allow(&st, 999, 42, 1000 + KEEPER_GUARD_WINDOW));
}

/* Edits of the files, one after another (a script adding zones and reloading each
 * time): each is reloaded for, up to the edit cap in a window. */
static void test_guard_edits_are_not_cut_off_after_five(void **state)
{
	struct keeper_state st = { 0 };
	for (int i = 0; i < KEEPER_GUARD_EDITS; i++)
		assert_true(keeper_guard_allow(&st, 100 + i, 500 + i, 1000));
	assert_false(keeper_guard_allow(&st, 999, 999, 1001));
	/* a changed text without an edit meets the loop cap, which counts them all */
	assert_false(keeper_guard_allow(&st, 999, 500 + KEEPER_GUARD_EDITS - 1, 1001));
	assert_true(keeper_guard_allow(&st, 999, 999, 1000 + KEEPER_GUARD_WINDOW));
}

/* The fingerprint follows the files' contents and the zonelist's zones. */
static void test_input_hash_follows_the_files(void **state)
{
	struct fixture *f = *state;
	char inc[512], list[512];
	snprintf(inc, sizeof(inc), "%s/part.conf", f->dir);
	snprintf(list, sizeof(list), "%s/zone.list", f->dir);
	test_put(inc, "zone:\n\tname: a.example\n\tzonefile: a.zone\n");
	test_put(list, "# NSD zone list\n# name pattern\n");
	char conf[2048];
	snprintf(conf, sizeof(conf), "server:\n\tzonelistfile: \"%s\"\npattern:\n\tname: p\n"
	         "\tzonefile: \"%%s.zone\"\ninclude: \"%s\"\n", list, inc);
	test_put(f->config, conf);

	struct nsdconf_model *m = keeper_parse(&f->o);
	if (m == NULL)
		print_error("%s\n", logged);
	assert_non_null(m);
	uint64_t h1 = keeper_input_hash(m);
	assert_true(keeper_input_hash(m) == h1);
	nsdconf_model_free(m);
	/* the included file's text changes */
	test_put(inc, "zone:\n\tname: b.example\n\tzonefile: a.zone\n");
	m = keeper_parse(&f->o);
	uint64_t h2 = keeper_input_hash(m);
	nsdconf_model_free(m);
	assert_true(h2 != h1);
	/* a zone added to the zonelistfile */
	test_put(list, "# NSD zone list\n# name pattern\nadd c.example p\n");
	m = keeper_parse(&f->o);
	uint64_t h3 = keeper_input_hash(m);
	nsdconf_model_free(m);
	assert_true(h3 != h2);
}

static void test_first_start_sequence_reloads_once(void **state)
{
	struct fixture *f = *state;
	struct keeper_state st = { 0 };
	test_put(f->config, "key:\n\tname: k\n\talgorithm: hmac-sha256\n\tsecret: \"AAAA\"\n"
	               "zone:\n\tname: example.org\n\tzonefile: example.org.zone\n"
	               "\tprovide-xfr: 127.0.0.1 k\n");
	uint64_t h1, h2;

	/* knotd starts, the folder is empty: write, ask for one reload */
	assert_int_equal(keeper_run(&f->o, &st, &h1), KEEPER_WRITTEN);
	assert_true(keeper_guard_allow(&st, h1, 0, 10));
	assert_non_null(strstr(slurp(f->include), "example.org"));
	/* the reload's new instance renders the same text: nothing to do */
	assert_int_equal(keeper_run(&f->o, &st, &h2), KEEPER_UNCHANGED);
	assert_true(h1 == h2);
}

static void test_broken_conf_keeps_include_and_logs_lines(void **state)
{
	struct fixture *f = *state;
	struct keeper_state st = { 0 };
	uint64_t h;
	assert_int_equal(keeper_apply(&f->o, "# last good\n", 12), KEEPER_WRITTEN);
	test_put(f->config, "zone:\n\tname: example.org\n\tbogus-option: yes\n");
	logged[0] = '\0';
	assert_int_equal(keeper_run(&f->o, &st, &h), KEEPER_BROKEN);
	assert_string_equal(slurp(f->include), "# last good\n");

	char want[200];
	snprintf(want, sizeof(want), "%d %s:3: ", LOG_ERR, f->config);
	assert_non_null(strstr(logged, want));
}

static void test_checkconf_only_problem_is_a_warning_not_a_stop(void **state)
{
	struct fixture *f = *state;
	struct keeper_state st = { 0 };
	uint64_t h;
	/* nsd-checkconf rejects allow-notify without request-xfr; nsd runs it */
	test_put(f->config, "zone:\n\tname: example.org\n\tzonefile: example.org.zone\n"
	               "\tallow-notify: 127.0.0.1 NOKEY\n");
	assert_int_equal(keeper_run(&f->o, &st, &h), KEEPER_WRITTEN);
	assert_non_null(strstr(slurp(f->include), "example.org"));

	char want[200];
	snprintf(want, sizeof(want), "%d %s: zone example.org has allow-notify", LOG_WARNING,
	         f->config);
	assert_non_null(strstr(logged, want));
}

static void test_missing_conf_keeps_include(void **state)
{
	struct fixture *f = *state;
	struct keeper_state st = { 0 };
	uint64_t h;
	assert_int_equal(keeper_apply(&f->o, "# last good\n", 12), KEEPER_WRITTEN);
	assert_int_equal(keeper_run(&f->o, &st, &h), KEEPER_BROKEN);
	assert_string_equal(slurp(f->include), "# last good\n");
	assert_non_null(strstr(logged, "Could not open"));
}

static void test_render_out_of_memory_keeps_include_byte_for_byte(void **state)
{
	struct fixture *f = *state;
	struct keeper_state st = { 0 };
	uint64_t h;
	test_put(f->config, "key:\n\tname: k\n\tsecret: \"AAAA\"\n"
	               "zone:\n\tname: example.org\n\tzonefile: example.org.zone\n"
	               "\tprovide-xfr: 127.0.0.1 k\n");
	assert_int_equal(keeper_run(&f->o, &st, &h), KEEPER_WRITTEN);
	static char before[sizeof(logged)];
	assert_true(strlen(slurp(f->include)) < sizeof(before));
	strcpy(before, slurp(f->include));

	/* nsd.conf changes: a render that succeeded would replace the include. */
	test_put(f->config, "key:\n\tname: k\n\tsecret: \"AAAA\"\n"
	               "zone:\n\tname: example.org\n\tzonefile: example.org.zone\n"
	               "\tprovide-xfr: 127.0.0.1 k\n\tprovide-xfr: 192.0.2.0/24 BLOCKED\n"
	               "zone:\n\tname: example.net\n\trequest-xfr: 192.0.2.1 k\n"
	               "\tallow-notify: 192.0.2.1 k\n");
	enum keeper_result res = KEEPER_FAILED;
	long n;
	for (n = 1; res == KEEPER_FAILED; n++) {
		struct nsdconf_model *m = keeper_parse(&f->o);
		assert_non_null(m);
		logged[0] = '\0';
		nsdconf_test_fail_after = n;
		res = keeper_update(&f->o, &st, m, &h);
		nsdconf_test_fail_after = 0;
		nsdconf_model_free(m);
		if (res != KEEPER_FAILED)
			break;
		assert_string_equal(slurp(f->include), before);
		assert_true(h == 0);
		char want[512];
		snprintf(want, sizeof(want), "%d out of memory rendering the Knot configuration "
		         "of %s; '%s' left as it is", LOG_ERR, f->config, f->include);
		assert_non_null(strstr(logged, want));
		/* No temporary file either: only the include in its folder. */
		char inc_dir[160];
		snprintf(inc_dir, sizeof(inc_dir), "%s/inc", f->dir);
		assert_int_equal(count_entries(inc_dir), 1);
	}
	print_message("keeper renders failed: %ld\n", n - 1);
	assert_true(n > 50);
	/* Memory again: the include follows nsd.conf, whole: a render with no failure at
	 * all finds the same text on disk. */
	assert_int_equal(res, KEEPER_WRITTEN);
	assert_non_null(strstr(slurp(f->include), "example.net"));
	struct nsdconf_model *m = keeper_parse(&f->o);
	assert_non_null(m);
	assert_int_equal(keeper_update(&f->o, &st, m, &h), KEEPER_UNCHANGED);
	nsdconf_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_creates_folder_and_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_same_text_leaves_file_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_replaces_by_rename_without_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_removes_temps_of_gone_processes_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_unwritable_folder_says_so, setup, teardown),
		cmocka_unit_test(test_guard_one_reload_per_text),
		cmocka_unit_test(test_guard_same_text_again_after_window),
		cmocka_unit_test(test_guard_caps_unexplained_reloads),
		cmocka_unit_test(test_guard_edits_are_not_cut_off_after_five),
		cmocka_unit_test_setup_teardown(test_first_start_sequence_reloads_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_hash_follows_the_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_conf_keeps_include_and_logs_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkconf_only_problem_is_a_warning_not_a_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_conf_keeps_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_out_of_memory_keeps_include_byte_for_byte,
		                                setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
