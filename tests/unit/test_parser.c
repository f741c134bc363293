/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parser and model: option types, NSD's error lines, include-pattern merging, zonelist zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/checks.h"
#include "conf/model.h"
#include "test_files.h"

static char dir[] = "/tmp/test-parser-XXXXXX";
static char lines[8192];

static void capture(void *ctx, const char *line)
{
	(void)ctx;
	strncat(lines, line, sizeof(lines) - strlen(lines) - 2);
	strcat(lines, "\n");
}

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Parses text as "<dir>/t.conf" (NSD 4.6.1 syntax unless version says otherwise). */
static struct nsdconf_model *parse_v(const char *text, unsigned version, struct nsdconf_diag *d)
{
	lines[0] = '\0';
	memset(d, 0, sizeof(*d));
	d->sink = capture;
	const char *path = write_file("t.conf", text);
	struct nsdconf_parse_opts o = { .max_version = version };
	struct nsdconf_model *m = nsdconf_parse_file(path, &o, d);
	assert_non_null(m);
	return m;
}

static struct nsdconf_model *parse(const char *text, struct nsdconf_diag *d)
{
	return parse_v(text, 461, d);
}

/* The captured messages with the temp dir prefix removed, for exact comparisons. */
static const char *msgs(void)
{
	static char out[8192];
	char *o = out;
	size_t dl = strlen(dir) + 1;
	for (const char *s = lines; *s; ) {
		if (strncmp(s, dir, dl - 1) == 0 && s[dl - 1] == '/') {
			s += dl;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static void test_bad_boolean_stops_at_its_line(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("server:\n\thide-version: maybe\n\tverbosity: x\n", &d);
	assert_int_equal(d.errors, 1);
	assert_true(d.aborted);
	assert_string_equal(msgs(), "t.conf:2: error: expected yes or no\n");
	nsdconf_model_free(m);
}

static void test_clause_end_error_reported_at_next_clause(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("key:\n\tname: k\n\n\nzone:\n\tname: a.\n\tzonefile: x\n", &d);
	assert_int_equal(d.errors, 1);
	assert_string_equal(msgs(), "t.conf:5: error: tsig key k has no secret blob\n");
	nsdconf_model_free(m);
}

static void test_default_reduction_before_syntax_error(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("zone:\n\tzonefile: x\n\n bogus\n", &d);
	assert_string_equal(msgs(), "t.conf:4: error: zone has no name\n"
	                            "t.conf:4: at 'bogus': error: syntax error\n");
	assert_int_equal(d.errors, 2);
	nsdconf_model_free(m);
}

static void test_missing_key_reported_at_eof_line(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("zone:\n\tname: a.\n\tzonefile: x\n\tprovide-xfr: 1.2.3.4 kk\n", &d);
	assert_string_equal(msgs(), "t.conf:5: error: key kk in pattern _implicit_a. could not be found\n");
	nsdconf_model_free(m);
}

static void test_key_may_be_defined_after_use(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("zone:\n name: a.\n zonefile: x\n notify: 1.2.3.4 k\n"
	                                "key:\n name: k\n secret: \"AAAA\"\n", &d);
	assert_int_equal(d.errors, 0);
	const struct nsdconf_zone *z = nsdconf_zone_find(m, "A.");
	assert_non_null(z);
	assert_non_null(nsdconf_acl_key(m, nsdconf_pacl(z->pattern, NSDCONF_P_NOTIFY)));
	nsdconf_model_free(m);
}

static void test_zone_names_compare_as_domain_names(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("zone:\n name: Example.COM\n zonefile: a\n"
	                                "zone:\n name: example.com.\n zonefile: b\n", &d);
	assert_string_equal(msgs(), "t.conf:7: error: duplicate zone example.com.\n");
	nsdconf_model_free(m);
}

static void test_include_pattern_appends_acls_in_order(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse(
		"pattern:\n name: p\n provide-xfr: 10.0.0.2 NOKEY\n"
		"zone:\n name: a.\n zonefile: x\n provide-xfr: 10.0.0.1 NOKEY\n include-pattern: p\n"
		" provide-xfr: 10.0.0.3 BLOCKED\n", &d);
	assert_int_equal(d.errors, 0);
	const struct nsdconf_acl *a = nsdconf_pacl(nsdconf_zone_find(m, "a")->pattern, NSDCONF_P_PROVIDE_XFR);
	assert_string_equal(a->spec, "10.0.0.1");
	assert_string_equal(a->next->spec, "10.0.0.2");
	assert_string_equal(a->next->next->spec, "10.0.0.3");
	assert_int_equal(a->next->next->key, NSDCONF_ACL_BLOCKED);
	assert_null(a->next->next->next);
	nsdconf_model_free(m);
}

static void test_include_pattern_resets_size_limit_xfr(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("pattern:\n name: p1\n"
	                                "zone:\n name: a.\n zonefile: x\n size-limit-xfr: 5000\n"
	                                " include-pattern: p1\n", &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(nsdconf_pnum(nsdconf_zone_find(m, "a")->pattern, NSDCONF_P_SIZE_LIMIT_XFR), 0);
	nsdconf_model_free(m);
}

static void test_pattern_cannot_switch_multi_master_check_off(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("pattern:\n name: off\n multi-master-check: no\n"
	                                "zone:\n name: a.\n zonefile: x\n multi-master-check: yes\n"
	                                " include-pattern: off\n", &d);
	assert_int_equal(nsdconf_pnum(nsdconf_zone_find(m, "a")->pattern, NSDCONF_P_MULTI_MASTER_CHECK), 1);
	nsdconf_model_free(m);
}

static void test_verify_options_are_never_copied(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("pattern:\n name: v\n verify-zone: yes\n verifier-timeout: 7\n"
	                                " allow-axfr-fallback: no\n"
	                                "zone:\n name: a.\n zonefile: x\n include-pattern: v\n", &d);
	const struct nsdconf_pattern *p = nsdconf_zone_find(m, "a")->pattern;
	assert_false(nsdconf_pset(p, NSDCONF_P_VERIFY_ZONE));
	assert_false(nsdconf_pset(p, NSDCONF_P_VERIFIER_TIMEOUT));
	assert_true(nsdconf_pset(p, NSDCONF_P_ALLOW_AXFR_FALLBACK));
	assert_int_equal(nsdconf_pnum(p, NSDCONF_P_ALLOW_AXFR_FALLBACK), 0);
	nsdconf_model_free(m);
}

static void test_undefined_pattern_is_an_error(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("zone:\n name: a.\n zonefile: x\n include-pattern: later\n"
	                                "pattern:\n name: later\n", &d);
	assert_string_equal(msgs(), "t.conf:4: error: could not find pattern later\n");
	nsdconf_model_free(m);
}

static void test_implicit_pattern_name_collision(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("pattern:\n name: _implicit_a.\nzone:\n name: a.\n zonefile: x\n", &d);
	assert_string_equal(msgs(),
		"t.conf:4: error: zone a. cannot be created because implicit pattern _implicit_a. already exists\n"
		"t.conf:6: error: duplicate pattern _implicit_a.\n");
	nsdconf_model_free(m);
}

static void test_numbers_are_digits_only(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("server:\n xfrd-reload-timeout: -1\n", &d);
	assert_string_equal(msgs(), "t.conf:2: error: expected a number\n");
	nsdconf_model_free(m);
	m = parse("zone:\n name: a.\n zonefile: x\n size-limit-xfr: 0\n", &d);
	assert_string_equal(msgs(), "t.conf:4: error: expected a number greater than zero\n");
	assert_false(d.aborted);
	nsdconf_model_free(m);
}

static void test_port_keeps_nsd_text_truncation(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("server:\n port: 99999999999999999999\n", &d);
	assert_int_equal(d.errors, 0);
	assert_string_equal(nsdconf_gstr(m, NSDCONF_G_PORT), "922337203685477");
	nsdconf_model_free(m);
}

static void test_empty_database_turns_zonefile_writing_on(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("server:\n database: \"\"\n", &d);
	assert_int_equal(nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE), 3600);
	nsdconf_model_free(m);
	m = parse("server:\n zonefiles-write: 5\n database: \"\"\n", &d);
	assert_int_equal(nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE), 5);
	nsdconf_model_free(m);
}

static void test_nsid_ascii_is_stored_as_hex(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("server:\n nsid: ASCII_ns1\n", &d);
	assert_string_equal(nsdconf_gstr(m, NSDCONF_G_NSID), "6e7331");
	nsdconf_model_free(m);
	m = parse("server:\n nsid: abc\n", &d);
	assert_string_equal(msgs(), "t.conf:2: error: the NSID must be a hex string of an even length.\n");
	nsdconf_model_free(m);
}

static void test_newer_keywords_only_in_newer_syntax(void **state)
{
	const char *conf = "zone:\n name: a.\n zonefile: x\n multi-primary-check: yes\n";
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse(conf, &d);
	assert_string_equal(msgs(), "t.conf:4: at 'multi-primary-check:': error: syntax error\n");
	nsdconf_model_free(m);
	m = parse_v(conf, 4150, &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(nsdconf_pnum(nsdconf_zone_find(m, "a")->pattern, NSDCONF_P_MULTI_MASTER_CHECK), 1);
	nsdconf_model_free(m);
}

static void test_request_xfr_flags_and_tls_name(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("tls-auth:\n name: t\n auth-domain-name: p.example\n"
	                                "zone:\n name: a.\n request-xfr: AXFR 192.0.2.1@5300 NOKEY t\n"
	                                " request-xfr: UDP 192.0.2.2 NOKEY\n", &d);
	assert_int_equal(d.errors, 0);
	const struct nsdconf_acl *a = nsdconf_pacl(nsdconf_zone_find(m, "a")->pattern, NSDCONF_P_REQUEST_XFR);
	assert_true(a->axfr_only);
	assert_string_equal(a->tls_auth, "t");
	assert_int_equal(a->port, 5300);
	assert_true(a->next->udp);
	assert_null(a->next->tls_auth);
	nsdconf_model_free(m);
}

static void test_semantic_checks_as_nsd_checkconf(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse("zone:\n name: b.\n allow-notify: 1.2.3.4 NOKEY\n"
	                                "zone:\n name: a.\n request-xfr: 1.2.3.4 NOKEY\n", &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(nsdconf_semantic_checks(m, "f", &d), 2);
	assert_string_equal(msgs(),
		"f: zone b. has allow-notify but no request-xfr items. Where can it get a zone "
		"transfer when a notify is received?\n"
		"f: zone b. is a master zone but has no zonefile. Where can the data come from?\n"
		"f: 2 semantic errors in 2 zones, 0 keys, 0 tls-auth.\n");
	nsdconf_model_free(m);
}

/* Parses as nsd-checkconf of release name does. */
static struct nsdconf_model *parse_release(const char *text, const char *name, struct nsdconf_diag *d)
{
	lines[0] = '\0';
	memset(d, 0, sizeof(*d));
	d->sink = capture;
	const char *path = write_file("t.conf", text);
	const struct nsdconf_release *r = nsdconf_release_find(name);
	assert_non_null(r);
	struct nsdconf_parse_opts o = { .max_version = r->version, .release = r };
	struct nsdconf_model *m = nsdconf_parse_file(path, &o, d);
	assert_non_null(m);
	return m;
}

static void test_release_names_and_prefixes(void **state)
{
	assert_int_equal(nsdconf_release_find("4.6.1")->version, 461);
	assert_int_equal(nsdconf_release_find("4.12")->version, 4120);
	assert_null(nsdconf_release_find("4.1"));
	assert_null(nsdconf_release_find("4.9.0"));
	assert_ptr_equal(nsdconf_release_default(), nsdconf_release_find("4.6.1"));
}

static void test_database_is_ignored_from_4_8(void **state)
{
	struct nsdconf_diag d;
	const char *conf = "server:\n zonefiles-write: 0\n database: \"\"\n chroot: /c\n"
	                   " database: /elsewhere/nsd.db\n zonesdir: /c/z\n pidfile: p\n"
	                   " xfrdfile: x\n zonelistfile: l\n xfrdir: /c/t\n";
	struct nsdconf_model *m = parse_release(conf, "4.12.0", &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE), 0);
	assert_int_equal(nsdconf_semantic_checks(m, "f", &d), 0);
	nsdconf_model_free(m);
	m = parse_release(conf, "4.6.1", &d);
	assert_int_equal(nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE), 3600);
	assert_int_equal(nsdconf_semantic_checks(m, "f", &d), 1);
	nsdconf_model_free(m);
}

static void test_release_defaults_differ(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse_release("server:\n", "4.12.0", &d);
	assert_int_equal(nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE), 3600);
	assert_string_equal(nsdconf_gstr(m, NSDCONF_G_COOKIE_SECRET_FILE),
	                    "/var/lib/nsd/cookiesecrets.txt");
	nsdconf_model_free(m);
	m = parse_release("server:\n", "4.6.1", &d);
	assert_int_equal(nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE), 0);
	assert_string_equal(nsdconf_gstr(m, NSDCONF_G_COOKIE_SECRET_FILE),
	                    "/etc/nsd/nsd_cookiesecrets.txt");
	nsdconf_model_free(m);
}

static void test_cookie_secret_must_be_hex_from_4_11(void **state)
{
	struct nsdconf_diag d;
	struct nsdconf_model *m = parse_release("server:\n cookie-secret: \"nothex\"\n", "4.12.0", &d);
	assert_string_equal(msgs(), "t.conf:2: error: expected a 128 bit hex string\n");
	assert_null(nsdconf_gstr(m, NSDCONF_G_COOKIE_SECRET));
	nsdconf_model_free(m);
	m = parse_release("server:\n cookie-secret: \"nothex\"\n", "4.6.1", &d);
	assert_int_equal(d.errors, 0);
	nsdconf_model_free(m);
	m = parse_release("server:\n cookie-staging-secret: 0123456789abcdef0123456789ABCDEF\n",
	                  "4.12.0", &d);
	/* after the parse: at the end of the file, as NSD */
	assert_string_equal(msgs(), "t.conf:3: error: a cookie-staging-secret cannot be "
	                    "configured without also providing a cookie-secret\n");
	nsdconf_model_free(m);
}

static void test_primary_zone_and_catalog_producer_from_4_9(void **state)
{
	struct nsdconf_diag d;
	const char *conf = "zone:\n name: a.\nzone:\n name: cat.\n catalog: producer\n";
	struct nsdconf_model *m = parse_release(conf, "4.12.0", &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(nsdconf_semantic_checks(m, "f", &d), 1);
	assert_string_equal(msgs(),
		"f: zone a. is a primary zone but has no zonefile. Where can the data come from?\n"
		"f: 1 semantic errors in 2 zones, 0 keys, 0 tls-auth.\n");
	nsdconf_model_free(m);
	m = parse_release("pattern:\n name: p\n catalog-producer-zone: cat.example\n", "4.12.0", &d);
	assert_string_equal(msgs(), "t.conf:4: error: catalog producer zone cat.example in "
	                    "pattern p could not be found\n");
	nsdconf_model_free(m);
}

static void test_zonelist_zones_use_the_named_pattern(void **state)
{
	struct nsdconf_diag d = { .sink = capture };
	char conf[1024];
	const char *zl = write_file("zone.list", "# NSD zone list\n# name pattern\n"
	                            "add dyn.example. sec\nadd other.example. nosuch\n");
	char zlpath[512];
	snprintf(zlpath, sizeof(zlpath), "%s", zl);
	snprintf(conf, sizeof(conf), "server:\n zonelistfile: \"%s\"\npattern:\n name: sec\n"
	         " request-xfr: 192.0.2.1 NOKEY\n", zlpath);
	lines[0] = '\0';
	const char *path = write_file("t.conf", conf);
	struct nsdconf_parse_opts o = { .max_version = 4150, .read_zonelist = true };
	struct nsdconf_model *m = nsdconf_parse_file(path, &o, &d);
	assert_non_null(m);
	const struct nsdconf_zone *z = nsdconf_zone_find(m, "dyn.example");
	assert_non_null(z);
	assert_false(z->part_of_config);
	assert_string_equal(z->pattern->name, "sec");
	assert_null(nsdconf_zone_find(m, "other.example"));
	assert_non_null(strstr(msgs(), "zone.list:4: error: pattern does not exist for zone other.example. pattern nosuch"));
	assert_int_equal(m->n_config_zones, 0);
	nsdconf_model_free(m);
}

static void test_unopenable_file_is_reported(void **state)
{
	struct nsdconf_diag d = { .sink = capture };
	lines[0] = '\0';
	assert_null(nsdconf_parse_file("/nonexistent/nsd.conf", NULL, &d));
	assert_string_equal(lines, "Could not open /nonexistent/nsd.conf: No such file or directory\n");
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_boolean_stops_at_its_line),
		cmocka_unit_test(test_clause_end_error_reported_at_next_clause),
		cmocka_unit_test(test_default_reduction_before_syntax_error),
		cmocka_unit_test(test_missing_key_reported_at_eof_line),
		cmocka_unit_test(test_key_may_be_defined_after_use),
		cmocka_unit_test(test_zone_names_compare_as_domain_names),
		cmocka_unit_test(test_include_pattern_appends_acls_in_order),
		cmocka_unit_test(test_include_pattern_resets_size_limit_xfr),
		cmocka_unit_test(test_pattern_cannot_switch_multi_master_check_off),
		cmocka_unit_test(test_verify_options_are_never_copied),
		cmocka_unit_test(test_undefined_pattern_is_an_error),
		cmocka_unit_test(test_implicit_pattern_name_collision),
		cmocka_unit_test(test_numbers_are_digits_only),
		cmocka_unit_test(test_port_keeps_nsd_text_truncation),
		cmocka_unit_test(test_empty_database_turns_zonefile_writing_on),
		cmocka_unit_test(test_nsid_ascii_is_stored_as_hex),
		cmocka_unit_test(test_newer_keywords_only_in_newer_syntax),
		cmocka_unit_test(test_request_xfr_flags_and_tls_name),
		cmocka_unit_test(test_semantic_checks_as_nsd_checkconf),
		cmocka_unit_test(test_zonelist_zones_use_the_named_pattern),
		cmocka_unit_test(test_release_names_and_prefixes),
		cmocka_unit_test(test_database_is_ignored_from_4_8),
		cmocka_unit_test(test_release_defaults_differ),
		cmocka_unit_test(test_cookie_secret_must_be_hex_from_4_11),
		cmocka_unit_test(test_primary_zone_and_catalog_producer_from_4_9),
		cmocka_unit_test(test_unopenable_file_is_reported),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (test_rmtree(dir) != 0) {
		rc = rc ? rc : 1;
	}
	return rc;
}
