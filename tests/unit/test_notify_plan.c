/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the NOTIFY plan: which zones of nsd.conf notify which targets, with which key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/model.h"
#include "mod/notify_plan.h"
#include "test_files.h"

static char dir[] = "/tmp/test-notify-plan-XXXXXX";
static struct nsdconf_model *model;
static struct notify_plan *plan;

/* Keys the plan could not sign with, as the bad-key callback heard of them. */
static char bad_keys[512];

static void bad_key(void *ctx, const char *name, int ret)
{
	(void)ctx;
	(void)ret;
	strncat(bad_keys, name, sizeof(bad_keys) - strlen(bad_keys) - 2);
	strcat(bad_keys, " ");
}

static void diag_sink(void *ctx, const char *line)
{
	(void)ctx;
	print_error("nsd.conf: %s\n", line);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return test_rmtree(dir);
}

/* Parses text as nsd.conf (it must be good) and builds its plan. */
static struct notify_plan *plan_of(const char *text)
{
	char path[600];
	struct nsdconf_parse_opts po = { .max_version = 4150 };
	struct nsdconf_diag d = { .sink = diag_sink };

	notify_plan_free(plan);
	nsdconf_model_free(model);
	plan = NULL;
	bad_keys[0] = '\0';
	snprintf(path, sizeof(path), "%s/nsd.conf", dir);
	test_put(path, text);
	model = nsdconf_parse_file(path, &po, &d);
	assert_non_null(model);
	assert_int_equal(d.errors, 0);
	assert_int_equal(notify_plan_build(model, bad_key, NULL, &plan), KNOT_EOK);
	assert_non_null(plan);
	return plan;
}

static int free_plan(void **state)
{
	(void)state;
	notify_plan_free(plan);
	nsdconf_model_free(model);
	plan = NULL;
	model = NULL;
	return 0;
}

static unsigned port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port)
	                                 : ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static const struct notify_plan_zone *zone_named(const struct notify_plan *p, const char *txt)
{
	for (size_t i = 0; i < p->n_zones; i++) {
		if (strcmp(p->zones[i].txt, txt) == 0) {
			return &p->zones[i];
		}
	}
	return NULL;
}

#define K1 "key:\n\tname: k1.\n\talgorithm: hmac-sha256\n\tsecret: \"K2tf3TRjvQkVCmJF3/Z9vA==\"\n"

static void test_targets_follow_notify_lines_with_port_and_key(void **state)
{
	(void)state;
	const struct notify_plan *p = plan_of(K1
		"zone:\n\tname: example.org\n\tzonefile: example.org.zone\n"
		"\tnotify: 192.0.2.1 k1.\n"
		"\tnotify: 192.0.2.2@5300 NOKEY\n"
		"\tnotify: 2001:db8::1@5353 k1.\n");

	assert_int_equal(p->n_zones, 1);
	const struct notify_plan_zone *z = &p->zones[0];
	assert_string_equal(z->txt, "example.org.");
	assert_int_equal(z->n, 3);
	assert_int_equal(p->n_targets, 3);
	/* In the order of the notify: lines; no @port: 53. */
	assert_int_equal(z->tg[0].dst.ss_family, AF_INET);
	assert_int_equal(port_of(&z->tg[0].dst), 53);
	assert_int_equal(port_of(&z->tg[1].dst), 5300);
	assert_int_equal(z->tg[2].dst.ss_family, AF_INET6);
	assert_int_equal(port_of(&z->tg[2].dst), 5353);
	/* One key, shared by the entries that name it; NOKEY: none. */
	assert_int_equal(p->n_keys, 1);
	assert_string_equal(p->keys[0].name, "k1.");
	assert_true(p->keys[0].ok);
	assert_int_equal(z->tg[0].key, 0);
	assert_int_equal(z->tg[1].key, -1);
	assert_int_equal(z->tg[2].key, 0);
	assert_string_equal(z->tg[0].reg, "example.org.|192.0.2.1@53|k1.");
	assert_string_equal(z->tg[1].reg, "example.org.|192.0.2.2@5300|NOKEY");
	assert_string_equal(z->tg[2].reg, "example.org.|2001:db8::1@5353|k1.");
	assert_string_equal(bad_keys, "");
}

static void test_zones_without_notify_get_no_plan(void **state)
{
	(void)state;
	const struct notify_plan *p = plan_of(
		"zone:\n\tname: quiet.example\n\tzonefile: quiet.zone\n"
		"zone:\n\tname: loud.example\n\tzonefile: loud.zone\n\tnotify: 192.0.2.1 NOKEY\n"
		"zone:\n\tname: secondary.example\n\trequest-xfr: 192.0.2.9 NOKEY\n"
		"\tallow-notify: 192.0.2.9 NOKEY\n");

	assert_int_equal(p->n_zones, 1);
	assert_non_null(zone_named(p, "loud.example."));
	assert_null(zone_named(p, "quiet.example."));
	assert_null(zone_named(p, "secondary.example."));
	assert_int_equal(p->n_keys, 0);
}

static void test_no_zone_notifies_gives_an_empty_plan(void **state)
{
	(void)state;
	const char **reg = NULL;
	const struct notify_plan *p = plan_of("zone:\n\tname: example.org\n\tzonefile: z\n");

	assert_int_equal(p->n_zones, 0);
	assert_int_equal(p->n_targets, 0);
	assert_int_equal(notify_plan_reg_keys(p, &reg), KNOT_EOK);
	free(reg);
}

static void test_pattern_notify_applies_to_each_zone_using_it(void **state)
{
	(void)state;
	const struct notify_plan *p = plan_of(K1
		"pattern:\n\tname: primary\n\tzonefile: %s.zone\n\tnotify: 192.0.2.1 k1.\n"
		"\tnotify-retry: 7\n"
		"\toutgoing-interface: 192.0.2.53\n\toutgoing-interface: 2001:db8::53\n"
		"zone:\n\tname: a.example\n\tinclude-pattern: primary\n"
		"zone:\n\tname: b.example\n\tinclude-pattern: primary\n"
		"\tnotify: 198.51.100.1@5300 NOKEY\n");
	const struct notify_plan_zone *a = zone_named(p, "a.example.");
	const struct notify_plan_zone *b = zone_named(p, "b.example.");

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->n, 1);
	/* The zone's own line after the pattern's. */
	assert_int_equal(b->n, 2);
	assert_string_equal(b->tg[0].reg, "b.example.|192.0.2.1@53|k1.");
	assert_string_equal(b->tg[1].reg, "b.example.|198.51.100.1@5300|NOKEY");
	/* Both zones sign with the one key of the plan. */
	assert_int_equal(p->n_keys, 1);
	assert_int_equal(a->retry, 7);
	/* outgoing-interface: the sources, in order. */
	assert_int_equal(a->n_via, 2);
	assert_int_equal(a->via[0].ss_family, AF_INET);
	assert_int_equal(a->via[1].ss_family, AF_INET6);

	const char **reg = NULL;
	assert_int_equal(notify_plan_reg_keys(p, &reg), KNOT_EOK);
	assert_int_equal(p->n_targets, 3);
	/* Zone by zone in plan order: every target once. */
	size_t seen_b = 0;
	for (size_t i = 0; i < p->n_targets; i++) {
		assert_non_null(reg[i]);
		seen_b += strncmp(reg[i], "b.example.|", 11) == 0;
	}
	assert_int_equal(seen_b, 2);
	free(reg);
}

static void test_secret_written_with_blanks_gives_a_usable_key(void **state)
{
	(void)state;
	const struct notify_plan *p = plan_of(
		"key:\n\tname: blanks.\n\tsecret: \"K2tf 3TRj vQkV CmJF 3/Z9vA==\"\n"
		"key:\n\tname: plain.\n\tsecret: \"K2tf3TRjvQkVCmJF3/Z9vA==\"\n"
		"zone:\n\tname: example.org\n\tzonefile: z\n"
		"\tnotify: 192.0.2.1 blanks.\n\tnotify: 192.0.2.2 plain.\n");

	assert_int_equal(p->n_zones, 1);
	assert_int_equal(p->zones[0].n, 2);
	assert_int_equal(p->n_keys, 2);
	assert_true(p->keys[0].ok);
	assert_true(p->keys[1].ok);
	assert_string_equal(bad_keys, "");
	/* The same 16 bytes as the secret written without blanks. */
	assert_int_equal(p->keys[0].k.secret.size, 16);
	assert_int_equal(p->keys[0].k.secret.size, p->keys[1].k.secret.size);
	assert_memory_equal(p->keys[0].k.secret.data, p->keys[1].k.secret.data, 16);
	assert_int_equal(p->keys[0].k.algorithm, DNSSEC_TSIG_HMAC_SHA256);
}

static void test_key_that_cannot_sign_is_reported_and_its_targets_left_out(void **state)
{
	(void)state;
	const struct notify_plan *p = plan_of(K1
		"key:\n\tname: empty.\n\tsecret: \"\"\n"
		"zone:\n\tname: example.org\n\tzonefile: z\n"
		"\tnotify: 192.0.2.1 empty.\n\tnotify: 192.0.2.2 k1.\n");

	assert_string_equal(bad_keys, "empty. ");
	assert_int_equal(p->n_zones, 1);
	/* The zone still notifies the targets it can sign for. */
	assert_int_equal(p->zones[0].n, 1);
	assert_string_equal(p->zones[0].tg[0].reg, "example.org.|192.0.2.2@53|k1.");
	assert_int_equal(p->n_targets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_targets_follow_notify_lines_with_port_and_key, free_plan),
		cmocka_unit_test_teardown(test_zones_without_notify_get_no_plan, free_plan),
		cmocka_unit_test_teardown(test_no_zone_notifies_gives_an_empty_plan, free_plan),
		cmocka_unit_test_teardown(test_pattern_notify_applies_to_each_zone_using_it, free_plan),
		cmocka_unit_test_teardown(test_secret_written_with_blanks_gives_a_usable_key, free_plan),
		cmocka_unit_test_teardown(test_key_that_cannot_sign_is_reported_and_its_targets_left_out,
		                          free_plan),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
