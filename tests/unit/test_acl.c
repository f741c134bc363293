/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ACL ip-spec parsing, key field, copy, matching and -vv detail lines against NSD 4.6.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "conf/acl.h"

#define MAX_ERRS 8

struct errs {
	int n;
	char msg[MAX_ERRS][512];
};

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

static void collect(void *ctx, const char *msg)
{
	struct errs *e = ctx;

	if (e->n < MAX_ERRS)
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	e->n++;
}

/* Parses spec; the entry must be error free. */
static struct nsdconf_acl parse_ok(const char *spec)
{
	struct nsdconf_acl acl = { 0 };
	struct errs e = { 0 };

	int n = nsdconf_acl_parse_spec(&acl, spec, arena, collect, &e);
	if (n != 0)
		print_error("unexpected error for '%s': %s\n", spec, e.msg[0]);
	assert_int_equal(n, 0);
	assert_int_equal(e.n, 0);
	return acl;
}

/* Parses spec and checks it yields exactly one error with NSD's text. */
static struct nsdconf_acl parse_err(const char *spec, const char *want)
{
	struct nsdconf_acl acl = { 0 };
	struct errs e = { 0 };

	assert_int_equal(nsdconf_acl_parse_spec(&acl, spec, arena, collect, &e), 1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], want);
	return acl;
}

static void assert_detail(const struct nsdconf_acl *acl, const char *want)
{
	char buf[256];

	nsdconf_acl_detail(acl, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static struct sockaddr_storage src(const char *addr, unsigned port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	return ss;
}

static bool matches(const char *spec, const char *addr, unsigned port)
{
	struct nsdconf_acl acl = parse_ok(spec);
	struct sockaddr_storage ss = src(addr, port);

	return nsdconf_acl_addr_matches(&acl, &ss);
}

/*
 * Captured from Debian's nsd-checkconf 4.6.1: "zone: name: example.com
 * zonefile: x provide-xfr: SPEC NOKEY" and "nsd-checkconf -vv", the line after
 * each provide-xfr without its leading "\t# ".
 */
static const struct {
	const char *spec;
	const char *detail;
} checkconf_details[] = {
	{ "10.0.0.1", "ip4 noport single addr=10.0.0.1" },
	{ "10.0.0.1@53", "ip4 port=53 single addr=10.0.0.1" },
	{ "10.0.0.1@53x", "ip4 port=53 single addr=10.0.0.1" },
	{ "10.0.0.1@70000", "ip4 port=70000 single addr=10.0.0.1" },
	{ "10.0.0.1@-1", "ip4 port=-1 single addr=10.0.0.1" },
	{ "10.0.0.1@65535", "ip4 port=65535 single addr=10.0.0.1" },
	{ "10.0.0.1@99999999999", "ip4 port=1215752191 single addr=10.0.0.1" },
	{ "10.0.0.1@9999999999999999999999", "ip4 port=-1 single addr=10.0.0.1" },
	{ "10.0.0.1@+53", "ip4 port=53 single addr=10.0.0.1" },
	{ "10.0.0.1@ 53", "ip4 port=53 single addr=10.0.0.1" },
	{ "10.20.30.40/24", "ip4 noport subnet addr=10.20.30.40 rangemask=255.255.255.0" },
	{ "10.20.30.40/24abc", "ip4 noport subnet addr=10.20.30.40 rangemask=255.255.255.0" },
	{ "10.20.30.40/+24", "ip4 noport subnet addr=10.20.30.40 rangemask=255.255.255.0" },
	{ "10.20.30.40/4294967320", "ip4 noport subnet addr=10.20.30.40 rangemask=255.255.255.0" },
	{ "10.0.0.0/ 8", "ip4 noport subnet addr=10.0.0.0 rangemask=255.0.0.0" },
	{ "10.20.30.40/0", "ip4 noport subnet addr=10.20.30.40 rangemask=0.0.0.0" },
	{ "10.20.30.40/32", "ip4 noport subnet addr=10.20.30.40 rangemask=255.255.255.255" },
	{ "10.20.30.40/7", "ip4 noport subnet addr=10.20.30.40 rangemask=254.0.0.0" },
	{ "10.0.0.1&255.255.0.0@53", "ip4 port=53 masked addr=10.0.0.1 rangemask=255.255.0.0" },
	{ "10.0.0.1&255.0.255.0", "ip4 noport masked addr=10.0.0.1 rangemask=255.0.255.0" },
	{ "10.0.0.5-10.0.1.3", "ip4 noport minmax addr=10.0.0.5 rangemask=10.0.1.3" },
	{ "1.2.3.4-1.2.3.25@5300", "ip4 port=5300 minmax addr=1.2.3.4 rangemask=1.2.3.25" },
	{ "10.0.0.1-9.0.0.1", "ip4 noport minmax addr=10.0.0.1 rangemask=9.0.0.1" },
	{ "1.2.3.4/2-4", "ip4 noport subnet addr=1.2.3.4 rangemask=192.0.0.0" },
	{ "1.2.3.4@53/24", "ip4 port=53 single addr=1.2.3.4" },
	{ "1.2.3.4/24@53", "ip4 port=53 subnet addr=1.2.3.4 rangemask=255.255.255.0" },
	{ "0.0.0.0/0", "ip4 noport subnet addr=0.0.0.0 rangemask=0.0.0.0" },
	{ "::1", "ip6 noport single addr=::1" },
	{ "::", "ip6 noport single addr=::" },
	{ "2001:db8::1", "ip6 noport single addr=2001:db8::1" },
	{ "2001:db8::1@53", "ip6 port=53 single addr=2001:db8::1" },
	{ "2001:db8::/32", "ip6 noport subnet addr=2001:db8:: rangemask=ffff:ffff::" },
	{ "2001:db8::5/64", "ip6 noport subnet addr=2001:db8::5 rangemask=ffff:ffff:ffff:ffff::" },
	{ "2001:db8::5/65", "ip6 noport subnet addr=2001:db8::5 rangemask=ffff:ffff:ffff:ffff:8000::" },
	{ "2001:db8::&ffff:ffff::", "ip6 noport masked addr=2001:db8:: rangemask=ffff:ffff::" },
	{ "2001:db8::1-2001:db8::ff", "ip6 noport minmax addr=2001:db8::1 rangemask=2001:db8::ff" },
	{ "2001:db8::1-2001:db8::ff@53", "ip6 port=53 minmax addr=2001:db8::1 rangemask=2001:db8::ff" },
	{ "::ffff:1.2.3.4", "ip6 noport single addr=::ffff:1.2.3.4" },
	{ "::ffff:1.2.3.4/120",
	  "ip6 noport subnet addr=::ffff:1.2.3.4 rangemask=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00" },
	{ "::/0", "ip6 noport subnet addr=:: rangemask=::" },
	{ "1::2:3:4:5:6:7", "ip6 noport single addr=1:0:2:3:4:5:6:7" },
	{ "::1.2.3.4", "ip6 noport single addr=::1.2.3.4" },
};

static void test_detail_lines_match_nsd_checkconf(void **state)
{
	for (size_t i = 0; i < sizeof(checkconf_details) / sizeof(checkconf_details[0]); i++) {
		struct nsdconf_acl acl = parse_ok(checkconf_details[i].spec);
		assert_detail(&acl, checkconf_details[i].detail);
	}
}

static void test_address_is_kept_unmasked(void **state)
{
	struct nsdconf_acl acl = parse_ok("10.20.30.40/24");
	const uint8_t addr[4] = { 10, 20, 30, 40 }, mask[4] = { 255, 255, 255, 0 };

	assert_int_equal(acl.range, NSDCONF_RANGE_SUBNET);
	assert_false(acl.ipv6);
	assert_memory_equal(acl.addr, addr, 4);
	assert_memory_equal(acl.mask, mask, 4);
}

static void test_spec_is_stored_as_written(void **state)
{
	struct nsdconf_acl acl = parse_ok("10.0.0.1&255.255.0.0@53");

	assert_string_equal(acl.spec, "10.0.0.1&255.255.0.0@53");
	assert_int_equal(acl.port, 53);
	assert_int_equal(acl.range, NSDCONF_RANGE_MASK);
}

static void test_port_zero_or_not_a_number_is_an_error(void **state)
{
	const char *specs[] = { "10.0.0.1@0", "10.0.0.1@abc", "10.0.0.1@", "10.0.0.1@0x35" };

	for (size_t i = 0; i < 4; i++) {
		struct nsdconf_acl acl = parse_err(specs[i], "expected port number after '@'");
		/* NSD still cuts the suffix and parses the address. */
		assert_int_equal(acl.port, 0);
		assert_detail(&acl, "ip4 noport single addr=10.0.0.1");
	}
}

static void test_port_is_split_at_the_last_at_sign(void **state)
{
	struct nsdconf_acl acl = parse_err("10.0.0.1@1@53", "Bad ip4 address '10.0.0.1@1'");

	assert_int_equal(acl.port, 53);
}

static void test_port_out_of_range_is_kept_and_never_matches(void **state)
{
	struct nsdconf_acl acl = parse_ok("10.0.0.1@70000");
	struct sockaddr_storage ss = src("10.0.0.1", 70000 & 0xffff);

	assert_int_equal(acl.port, 70000);
	assert_false(nsdconf_acl_addr_matches(&acl, &ss));
}

static void test_subnet_length_text_errors(void **state)
{
	parse_err("10.20.30.40/00", "bad subnet range '00'");
	parse_err("10.20.30.40/abc", "bad subnet range 'abc'");
	parse_err("10.20.30.40/", "bad subnet range ''");
	parse_err("10.20.30.40/-0", "bad subnet range '-0'");
	parse_err("2001:db8::1/x", "bad subnet range 'x'");
}

static void test_subnet_length_out_of_range_errors(void **state)
{
	struct nsdconf_acl acl;
	const uint8_t zero[16] = { 0 };

	acl = parse_err("10.20.30.40/33", "subnet of 33 bits out of range [0..32]");
	assert_memory_equal(acl.mask, zero, 16);
	assert_int_equal(acl.range, NSDCONF_RANGE_SUBNET);
	parse_err("10.20.30.40/-5", "subnet of -5 bits out of range [0..32]");
	parse_err("2001:db8::1/129", "subnet of 129 bits out of range [0..128]");
}

static void test_bad_mask_or_range_end_errors(void **state)
{
	parse_err("10.0.0.1&bad", "Bad ip4 address mask 'bad'");
	/* The family comes from the first address only. */
	parse_err("1.2.3.4-::1", "Bad ip4 address mask '::1'");
	parse_err("2001:db8::1&1.2.3.4", "Bad ip6 address mask '1.2.3.4'");
	parse_err("2001:db8::1-10.0.0.1", "Bad ip6 address mask '10.0.0.1'");
}

static void test_bad_address_errors_quote_the_address_part(void **state)
{
	struct nsdconf_acl acl;
	const uint8_t zero[16] = { 0 };

	acl = parse_err("1.2.3", "Bad ip4 address '1.2.3'");
	assert_memory_equal(acl.addr, zero, 16);
	parse_err("256.1.1.1", "Bad ip4 address '256.1.1.1'");
	parse_err("bad", "Bad ip4 address 'bad'");
	parse_err("@53", "Bad ip4 address ''");
	parse_err("a:b", "Bad ip6 address 'a:b'");
	parse_err("[2001:db8::1]@53", "Bad ip6 address '[2001:db8::1]'");
	parse_err("fe80::1%eth0", "Bad ip6 address 'fe80::1%eth0'");
	/* '&' beats '/', '/' beats '-'. */
	parse_err("1.2.3.4/24&255.0.0.0", "Bad ip4 address '1.2.3.4/24'");
	parse_err("1.2.3.4-5/24", "Bad ip4 address '1.2.3.4-5'");
}

static void test_each_error_is_reported_and_counted(void **state)
{
	struct nsdconf_acl acl = { 0 };
	struct errs e = { 0 };

	assert_int_equal(nsdconf_acl_parse_spec(&acl, "1.2.3&bad@0", arena, collect, &e), 3);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.msg[0], "expected port number after '@'");
	assert_string_equal(e.msg[1], "Bad ip4 address '1.2.3'");
	assert_string_equal(e.msg[2], "Bad ip4 address mask 'bad'");
	/* without a callback only the count is returned */
	assert_int_equal(nsdconf_acl_parse_spec(&acl, "1.2.3&bad@0", arena, NULL, NULL), 3);
}

static void test_v4_mapped_address_is_an_ipv6_entry(void **state)
{
	assert_true(parse_ok("::ffff:1.2.3.4").ipv6);
	assert_true(parse_ok("::1.2.3.4").ipv6);
	assert_false(parse_ok("1.2.3.4").ipv6);
}

static void test_nokey_and_blocked_keywords(void **state)
{
	struct nsdconf_acl acl = { 0 };

	nsdconf_acl_parse_key(&acl, "NOKEY", arena);
	assert_int_equal(acl.key, NSDCONF_ACL_NOKEY);
	assert_null(acl.key_name);
	nsdconf_acl_parse_key(&acl, "BLOCKED", arena);
	assert_int_equal(acl.key, NSDCONF_ACL_BLOCKED);
	assert_null(acl.key_name);
	nsdconf_acl_parse_key(&acl, "tsig.example.", arena);
	assert_int_equal(acl.key, NSDCONF_ACL_KEY);
	assert_string_equal(acl.key_name, "tsig.example.");
}

/* nsd-checkconf: "key Blocked in pattern _implicit_example.com could not be found" */
static void test_blocked_key_field_is_case_sensitive(void **state)
{
	struct nsdconf_acl acl = { 0 };

	nsdconf_acl_parse_key(&acl, "Blocked", arena);
	assert_int_equal(acl.key, NSDCONF_ACL_KEY);
	assert_string_equal(acl.key_name, "Blocked");
}

/* nsd-checkconf: "key nokey in pattern _implicit_example.com could not be found" */
static void test_nokey_key_field_is_case_sensitive(void **state)
{
	struct nsdconf_acl acl = { 0 };

	nsdconf_acl_parse_key(&acl, "nokey", arena);
	assert_int_equal(acl.key, NSDCONF_ACL_KEY);
	assert_string_equal(acl.key_name, "nokey");
}

static void test_key_name_keeps_its_case(void **state)
{
	struct nsdconf_acl acl = { 0 };

	nsdconf_acl_parse_key(&acl, "My-Key", arena);
	assert_string_equal(acl.key_name, "My-Key");
}

static void test_copy_is_unlinked_and_shares_strings(void **state)
{
	struct nsdconf_acl a = parse_ok("10.0.0.0/8@53"), b = { 0 };
	struct nsdconf_acl *c;

	nsdconf_acl_parse_key(&a, "k1", arena);
	a.tls_auth = "tls1";
	a.file = "nsd.conf";
	a.line = 7;
	a.axfr_only = true;
	a.next = &b;
	c = nsdconf_acl_copy(&a, arena);
	assert_null(c->next);
	assert_ptr_equal(c->spec, a.spec);
	assert_ptr_equal(c->key_name, a.key_name);
	assert_ptr_equal(c->tls_auth, a.tls_auth);
	assert_string_equal(c->spec, "10.0.0.0/8@53");
	assert_string_equal(c->key_name, "k1");
	assert_string_equal(c->tls_auth, "tls1");
	assert_string_equal(c->file, "nsd.conf");
	assert_int_equal(c->line, 7);
	assert_true(c->axfr_only);
	assert_int_equal(c->port, 53);
	assert_int_equal(c->range, NSDCONF_RANGE_SUBNET);
	assert_memory_equal(c->mask, a.mask, 16);

	struct nsdconf_acl n = parse_ok("::1");
	nsdconf_acl_parse_key(&n, "NOKEY", arena);
	c = nsdconf_acl_copy(&n, arena);
	assert_null(c->key_name);
	assert_null(c->tls_auth);
	assert_int_equal(c->key, NSDCONF_ACL_NOKEY);
}

static void test_ipv4_entry_never_matches_ipv6_source_even_v4_mapped(void **state)
{
	assert_false(matches("1.2.3.4", "::ffff:1.2.3.4", 53));
	assert_false(matches("0.0.0.0/0", "::ffff:1.2.3.4", 53));
	assert_false(matches("0.0.0.0/0", "::1", 53));
}

static void test_ipv6_entry_never_matches_ipv4_source(void **state)
{
	assert_false(matches("::ffff:1.2.3.4", "1.2.3.4", 53));
	assert_false(matches("::/0", "1.2.3.4", 53));
	assert_true(matches("::ffff:1.2.3.4", "::ffff:1.2.3.4", 53));
}

static void test_entry_port_must_equal_source_port(void **state)
{
	assert_true(matches("192.0.2.1@5300", "192.0.2.1", 5300));
	assert_false(matches("192.0.2.1@5300", "192.0.2.1", 53));
	assert_true(matches("192.0.2.1", "192.0.2.1", 12345));
	assert_true(matches("2001:db8::/32@53", "2001:db8::9", 53));
	assert_false(matches("2001:db8::/32@53", "2001:db8::9", 54));
}

static void test_single_needs_the_exact_address(void **state)
{
	assert_true(matches("192.0.2.1", "192.0.2.1", 1));
	assert_false(matches("192.0.2.1", "192.0.2.2", 1));
	assert_true(matches("2001:db8::1", "2001:db8::1", 1));
	assert_false(matches("2001:db8::1", "2001:db8::2", 1));
}

static void test_subnet_masks_both_sides(void **state)
{
	assert_true(matches("10.20.30.40/24", "10.20.30.1", 1));
	assert_false(matches("10.20.30.40/24", "10.20.31.1", 1));
	assert_true(matches("10.20.30.40/7", "11.0.0.1", 1));
	assert_false(matches("10.20.30.40/7", "12.0.0.1", 1));
	assert_true(matches("0.0.0.0/0", "203.0.113.9", 1));
	assert_true(matches("2001:db8::5/64", "2001:db8::ffff:1", 1));
	assert_false(matches("2001:db8::5/64", "2001:db8:0:1::5", 1));
	assert_true(matches("::/0", "fe80::1", 1));
}

static void test_mask_form_allows_non_contiguous_masks(void **state)
{
	assert_true(matches("10.0.0.1&255.0.255.0", "10.99.0.77", 1));
	assert_false(matches("10.0.0.1&255.0.255.0", "10.99.1.77", 1));
	assert_true(matches("2001:db8::&ffff:ffff::", "2001:db8:1:2::3", 1));
	assert_false(matches("2001:db8::&ffff:ffff::", "2001:db9::", 1));
}

static void test_minmax_range_within_the_last_octet(void **state)
{
	assert_true(matches("127.0.0.0-127.0.0.228", "127.0.0.100", 1));
	assert_true(matches("127.0.0.0-127.0.0.228", "127.0.0.228", 1));
	assert_false(matches("127.0.0.0-127.0.0.228", "127.0.0.229", 1));
	assert_true(matches("1.2.3.4-1.2.3.25", "1.2.3.4", 1));
	assert_false(matches("1.2.3.4-1.2.3.25", "1.2.3.3", 1));
	assert_true(matches("2001:db8::1-2001:db8::ff", "2001:db8::80", 1));
	assert_false(matches("2001:db8::1-2001:db8::ff", "2001:db8::100", 1));
}

/* NSD compares network-order words as little-endian integers (see acl.c). */
static void test_minmax_reproduces_nsd_little_endian_order(void **state)
{
	assert_false(matches("10.0.0.5-10.0.1.3", "10.0.0.200", 1));
	assert_true(matches("1.2.3.4-1.2.3.25", "1.2.4.10", 1));
	/* the last octet weighs most: a "backwards" range holds 200.0.0.1 */
	assert_true(matches("10.0.0.1-9.0.0.2", "200.0.0.1", 1));
	/* per 32-bit word for IPv6 too */
	assert_false(matches("2001:db8::1-2001:db8::1:0", "2001:db8::ff", 1));
	assert_true(matches("2001:db8::1-2001:db8::19", "2001:db8::1:a", 1));
}

/* Verdicts of a running nsd 4.6.1 (Debian, amd64): AXFR with kdig -b SRC
 * against provide-xfr ranges; "refused, no acl matches" where false. */
static void test_minmax_verdicts_match_running_nsd(void **state)
{
	/* low end above high end in NSD's order: not even the bounds match */
	assert_false(matches("127.0.0.5-127.0.1.3", "127.0.0.200", 1));
	assert_false(matches("127.0.0.5-127.0.1.3", "127.0.0.6", 1));
	assert_false(matches("127.0.0.5-127.0.1.3", "127.0.0.5", 1));
	assert_false(matches("127.0.0.5-127.0.1.3", "127.0.1.3", 1));
	assert_false(matches("127.0.0.5-127.0.1.3", "127.0.1.2", 1));
	/* only the last octet has to be within 4..25 here */
	assert_true(matches("127.2.3.4-127.2.3.25", "127.2.4.10", 1));
	assert_true(matches("127.2.3.4-127.2.3.25", "127.0.0.6", 1));
	assert_true(matches("127.2.3.4-127.2.3.25", "127.2.3.10", 1));
	assert_false(matches("127.2.3.4-127.2.3.25", "127.2.3.30", 1));
	assert_true(matches("127.0.5.1-127.0.0.2", "127.0.9.1", 1));
	assert_false(matches("127.0.5.1-127.0.0.2", "127.0.3.1", 1));
	assert_false(matches("127.0.5.1-127.0.0.2", "127.0.5.3", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detail_lines_match_nsd_checkconf),
		cmocka_unit_test(test_address_is_kept_unmasked),
		cmocka_unit_test(test_spec_is_stored_as_written),
		cmocka_unit_test(test_port_zero_or_not_a_number_is_an_error),
		cmocka_unit_test(test_port_is_split_at_the_last_at_sign),
		cmocka_unit_test(test_port_out_of_range_is_kept_and_never_matches),
		cmocka_unit_test(test_subnet_length_text_errors),
		cmocka_unit_test(test_subnet_length_out_of_range_errors),
		cmocka_unit_test(test_bad_mask_or_range_end_errors),
		cmocka_unit_test(test_bad_address_errors_quote_the_address_part),
		cmocka_unit_test(test_each_error_is_reported_and_counted),
		cmocka_unit_test(test_v4_mapped_address_is_an_ipv6_entry),
		cmocka_unit_test(test_nokey_and_blocked_keywords),
		cmocka_unit_test(test_blocked_key_field_is_case_sensitive),
		cmocka_unit_test(test_nokey_key_field_is_case_sensitive),
		cmocka_unit_test(test_key_name_keeps_its_case),
		cmocka_unit_test(test_copy_is_unlinked_and_shares_strings),
		cmocka_unit_test(test_ipv4_entry_never_matches_ipv6_source_even_v4_mapped),
		cmocka_unit_test(test_ipv6_entry_never_matches_ipv4_source),
		cmocka_unit_test(test_entry_port_must_equal_source_port),
		cmocka_unit_test(test_single_needs_the_exact_address),
		cmocka_unit_test(test_subnet_masks_both_sides),
		cmocka_unit_test(test_mask_form_allows_non_contiguous_masks),
		cmocka_unit_test(test_minmax_range_within_the_last_octet),
		cmocka_unit_test(test_minmax_reproduces_nsd_little_endian_order),
		cmocka_unit_test(test_minmax_verdicts_match_running_nsd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
