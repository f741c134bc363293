/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate: NSD's acl_check_incoming verdicts from nsd.conf text, walked and indexed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libknot/libknot.h>

#include "conf/model.h"
#include "mod/gate.h"
#include "mod/gate_tsig.h"

#define SECRET1 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
#define SECRET2 "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q="

static char dir[] = "/tmp/test-gate-XXXXXX";
static char conf_path[128];
/* Every configuration is compiled twice: lists walked (the default for short lists)
 * and lists indexed (index_min 1); both must give every verdict the same. */
static struct gate *walked, *indexed;

static void diag_sink(void *ctx, const char *line)
{
	print_error("nsd.conf: %s\n", line);
}

static int setup_dir(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/nsd.conf", dir);
	return 0;
}

static int teardown_dir(void **state)
{
	unlink(conf_path);
	rmdir(dir);
	return 0;
}

static int teardown_gates(void **state)
{
	gate_free(walked);
	gate_free(indexed);
	walked = indexed = NULL;
	return 0;
}

static struct nsdconf_model *parse_file(void)
{
	struct nsdconf_diag diag = { .sink = diag_sink };
	struct nsdconf_model *m = nsdconf_parse_file(conf_path, &(struct nsdconf_parse_opts){
		.max_version = 4150,
	}, &diag);

	assert_non_null(m);
	assert_int_equal(diag.errors, 0);
	return m;
}

static const char *keys_text =
	"key:\n\tname: \"k1\"\n\talgorithm: hmac-sha256\n\tsecret: \"" SECRET1 "\"\n"
	"key:\n\tname: \"k2\"\n\talgorithm: sha512\n\tsecret: \"" SECRET2 "\"\n";

/* Compiles keys_text + body. */
static void load(const char *body)
{
	FILE *f = fopen(conf_path, "w");

	assert_non_null(f);
	fputs(keys_text, f);
	fputs(body, f);
	fclose(f);
	teardown_gates(NULL);

	struct nsdconf_model *m = parse_file();
	walked = gate_build(m, NULL);
	indexed = gate_build(m, &(struct gate_build_opts){ .index_min = 1 });
	nsdconf_model_free(m);
	assert_non_null(walked);
	assert_non_null(indexed);
}

static void sockaddr_of(const char *addr, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
}

static const struct gate_zone *zone_of(const struct gate *g, const char *name)
{
	knot_dname_storage_t d;

	assert_non_null(knot_dname_from_str(d, name, sizeof(d)));
	knot_dname_to_lower(d);
	return gate_zone_find(g, d);
}

static int key_class(const struct gate *g, const char *name)
{
	knot_dname_storage_t d;

	assert_non_null(knot_dname_from_str(d, name, sizeof(d)));
	const struct gate_key *k = gate_key_find(g, d);
	return k != NULL ? k->id : -1;
}

/* The verdict for a request from addr@port; tsig "" unsigned, "!" a TSIG error, else
 * "keyname:algorithm" verified. Both compilations must agree. */
static struct gate_verdict check(const char *zone, enum gate_kind kind, const char *addr,
                                 unsigned port, const char *tsig)
{
	struct sockaddr_storage ss;
	struct gate_verdict v[2];
	const struct gate *gs[2] = { walked, indexed };

	sockaddr_of(addr, port, &ss);
	for (int i = 0; i < 2; i++) {
		struct gate_request r = { .src = &ss, .tsig = GATE_TSIG_NONE, .key = -1 };
		if (strcmp(tsig, "!") == 0) {
			r.tsig = GATE_TSIG_ERROR;
		} else if (tsig[0] != '\0') {
			char name[64];
			const char *colon = strchr(tsig, ':');
			assert_non_null(colon);
			snprintf(name, sizeof(name), "%.*s", (int)(colon - tsig), tsig);
			r.tsig = GATE_TSIG_OK;
			r.key = key_class(gs[i], name);
			r.alg = nsdconf_tsig_alg_from_name(colon + 1);
		}
		const struct gate_zone *z = zone_of(gs[i], zone);
		assert_non_null(z);
		v[i] = gate_check(z, kind, &r);
	}
	assert_int_equal(v[0].allow, v[1].allow);
	assert_int_equal(v[0].reason, v[1].reason);
	assert_int_equal(v[0].entry, v[1].entry);
	return v[0];
}

#define ALLOWED(entry_, ...) do { \
	struct gate_verdict v_ = check(__VA_ARGS__); \
	assert_true(v_.allow); \
	assert_int_equal(v_.entry, (entry_)); \
} while (0)

#define DENIED(reason_, ...) do { \
	struct gate_verdict v_ = check(__VA_ARGS__); \
	assert_false(v_.allow); \
	assert_int_equal(v_.reason, (reason_)); \
} while (0)

static void test_single_address_matches_that_address_only(void **state)
{
	load("zone:\n\tname: example.com\n\tprovide-xfr: 192.0.2.1 NOKEY\n");
	ALLOWED(0, "example.com", GATE_AXFR, "192.0.2.1", 40000, "");
	ALLOWED(0, "example.com", GATE_IXFR, "192.0.2.1", 40000, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "192.0.2.2", 40000, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "192.0.3.1", 40000, "");
}

static void test_subnet_and_contiguous_mask(void **state)
{
	load("zone:\n\tname: example.com\n"
	     "\tprovide-xfr: 10.20.30.40/24 NOKEY\n"     /* the address is not masked first */
	     "\tprovide-xfr: 172.16.0.0&255.255.0.0 NOKEY\n"
	     "\tprovide-xfr: 0.0.0.0/0 k1\n");
	ALLOWED(0, "example.com", GATE_AXFR, "10.20.30.1", 1, "");
	ALLOWED(0, "example.com", GATE_AXFR, "10.20.30.255", 1, "");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "10.20.31.1", 1, "");
	ALLOWED(1, "example.com", GATE_AXFR, "172.16.200.3", 1, "");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "172.17.0.1", 1, "");
	ALLOWED(2, "example.com", GATE_AXFR, "172.17.0.1", 1, "k1:hmac-sha256");
}

static void test_noncontiguous_mask_matches_masked_bits_only(void **state)
{
	load("zone:\n\tname: example.com\n\tprovide-xfr: 10.1.0.7&255.255.0.255 NOKEY\n");
	ALLOWED(0, "example.com", GATE_AXFR, "10.1.0.7", 1, "");
	ALLOWED(0, "example.com", GATE_AXFR, "10.1.99.7", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "10.1.99.8", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "10.2.0.7", 1, "");
}

static void test_range_reproduces_nsd_byte_order(void **state)
{
	/* NSD compares 32-bit words read little-endian: the last byte counts first. */
	load("zone:\n\tname: example.com\n"
	     "\tprovide-xfr: 1.2.3.4-1.2.3.25 NOKEY\n"
	     "\tprovide-xfr: 10.0.0.5-10.0.1.3 NOKEY\n");
	ALLOWED(0, "example.com", GATE_AXFR, "1.2.3.4", 1, "");
	ALLOWED(0, "example.com", GATE_AXFR, "1.2.3.25", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "1.2.3.26", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "1.2.3.3", 1, "");
	ALLOWED(0, "example.com", GATE_AXFR, "1.2.4.10", 1, "");
	ALLOWED(0, "example.com", GATE_AXFR, "9.9.9.10", 1, "");
	/* 5 > 3 in the last byte: the second range matches nothing at all */
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "10.0.0.200", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "10.0.1.3", 1, "");
	/* while the first one takes 10.0.0.5 (last byte 5 lies in 4..25) */
	ALLOWED(0, "example.com", GATE_AXFR, "10.0.0.5", 1, "");
}

static void test_ipv6_forms(void **state)
{
	load("zone:\n\tname: example.com\n"
	     "\tprovide-xfr: ::1 NOKEY\n"
	     "\tprovide-xfr: 2001:db8::/32 NOKEY\n"
	     "\tprovide-xfr: 2001:db9::&ffff:ffff::ff NOKEY\n"
	     "\tprovide-xfr: fd00::10-fd00::20 NOKEY\n");
	ALLOWED(0, "example.com", GATE_AXFR, "::1", 1, "");
	ALLOWED(1, "example.com", GATE_AXFR, "2001:db8:1::5", 1, "");
	ALLOWED(2, "example.com", GATE_AXFR, "2001:db9:5::", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "2001:db9:5::1", 1, "");
	ALLOWED(3, "example.com", GATE_AXFR, "fd00::15", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "fd00::21", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "::2", 1, "");
}

static void test_families_never_cross(void **state)
{
	load("zone:\n\tname: example.com\n"
	     "\tprovide-xfr: 0.0.0.0/0 NOKEY\n"
	     "\tallow-notify: ::/0 NOKEY\n"
	     "\tallow-notify: ::ffff:127.0.0.1 NOKEY\n");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.1", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "::ffff:127.0.0.1", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "::1", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_NOTIFY, "127.0.0.1", 1, "");
	ALLOWED(0, "example.com", GATE_NOTIFY, "::ffff:127.0.0.1", 1, "");
}

static void test_port_entry_matches_that_source_port_only(void **state)
{
	load("zone:\n\tname: example.com\n"
	     "\tallow-notify: 127.0.0.2@5300 NOKEY\n"
	     "\tallow-notify: ::1@5301 k1\n"
	     "\tallow-notify: 127.0.0.3@70000 NOKEY\n");   /* atoi's value: never a port */
	ALLOWED(0, "example.com", GATE_NOTIFY, "127.0.0.2", 5300, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_NOTIFY, "127.0.0.2", 5301, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_NOTIFY, "127.0.0.2", 53, "");
	ALLOWED(1, "example.com", GATE_NOTIFY, "::1", 5301, "k1:sha256");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_NOTIFY, "::1", 5300, "k1:sha256");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_NOTIFY, "127.0.0.3", 70000 & 0xffff, "");
}

static void test_blocked_wins_before_a_match(void **state)
{
	load("zone:\n\tname: example.com\n"
	     "\tprovide-xfr: 127.0.0.2 BLOCKED\n"
	     "\tprovide-xfr: 127.0.0.0/8 NOKEY\n");
	DENIED(GATE_R_BLOCKED, "example.com", GATE_AXFR, "127.0.0.2", 1, "");
	ALLOWED(1, "example.com", GATE_AXFR, "127.0.0.3", 1, "");
}

static void test_blocked_wins_after_match(void **state)
{
	load("zone:\n\tname: example.com\n"
	     "\tprovide-xfr: 127.0.0.0/8 NOKEY\n"
	     "\tprovide-xfr: 127.0.0.0/8 k1\n"
	     "\tprovide-xfr: 127.0.0.2-127.0.0.4 BLOCKED\n"
	     "\tprovide-xfr: 127.0.0.9@5300 BLOCKED\n");
	struct gate_verdict v = check("example.com", GATE_AXFR, "127.0.0.3", 1, "");
	assert_false(v.allow);
	assert_int_equal(v.reason, GATE_R_BLOCKED);
	assert_int_equal(v.entry, 2);
	/* BLOCKED matches signed requests too (its key test always passes) */
	DENIED(GATE_R_BLOCKED, "example.com", GATE_AXFR, "127.0.0.3", 1, "k1:sha256");
	DENIED(GATE_R_BLOCKED, "example.com", GATE_AXFR, "127.0.0.3", 1, "!");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.5", 1, "");
	ALLOWED(1, "example.com", GATE_AXFR, "127.0.0.5", 1, "k1:sha256");
	/* the port counts for BLOCKED as for any entry */
	DENIED(GATE_R_BLOCKED, "example.com", GATE_AXFR, "127.0.0.9", 5300, "");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.9", 5301, "");
}

static void test_nokey_matches_unsigned_requests_only(void **state)
{
	/* tpkg notify_nokey: NOKEY first, a key after; a signed notify passes on the key */
	load("zone:\n\tname: example.com\n"
	     "\tallow-notify: 127.0.0.1 NOKEY\n"
	     "\tallow-notify: 127.0.0.1 k1\n");
	ALLOWED(0, "example.com", GATE_NOTIFY, "127.0.0.1", 1, "");
	ALLOWED(1, "example.com", GATE_NOTIFY, "127.0.0.1", 1, "k1:sha256");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_NOTIFY, "127.0.0.1", 1, "k2:sha512");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_NOTIFY, "127.0.0.1", 1, "!");
}

static void test_key_entry_needs_that_key_verified(void **state)
{
	load("zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.1 k1\n");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.1", 1, "k1:hmac-sha256");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "!");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "k2:sha512");
}

static void test_key_name_compares_as_domain_name(void **state)
{
	load("key:\n\tname: \"Mixed.Case.\"\n\talgorithm: sha256\n\tsecret: \"" SECRET1 "\"\n"
	     "zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.1 Mixed.Case.\n");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.1", 1, "mixed.case:hmac-sha256");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.1", 1, "MIXED.CASE.:sha256");
}

static void test_algorithm_mismatch_denies(void **state)
{
	/* Right name and secret, another algorithm: the MAC verifies (NSD verifies with
	 * the algorithm the request names), the ACL's key test does not. */
	load("zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.1 k1\n");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "k1:hmac-sha512");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "k1:md5");
}

static void test_algorithm_names_short_and_hmac(void **state)
{
	assert_int_equal(nsdconf_tsig_alg_from_name("hmac-sha256"), NSDCONF_TSIG_ALG_SHA256);
	assert_int_equal(nsdconf_tsig_alg_from_name("SHA256"), NSDCONF_TSIG_ALG_SHA256);
	assert_int_equal(nsdconf_tsig_alg_from_name("HMAC-MD5"), NSDCONF_TSIG_ALG_MD5);
	assert_int_equal(nsdconf_tsig_alg_from_name("hmac-md5.sig-alg.reg.int"), NSDCONF_TSIG_ALG_NONE);
	assert_int_equal(nsdconf_tsig_alg_from_name("hmac-sha3"), NSDCONF_TSIG_ALG_NONE);
	load("zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.1 k2\n");
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.1", 1, "k2:hmac-sha512");
}

static void test_empty_lists(void **state)
{
	load("zone:\n\tname: example.com\n");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_IXFR, "127.0.0.1", 1, "k1:sha256");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_NOTIFY, "127.0.0.1", 1, "");
	ALLOWED(-1, "example.com", GATE_QUERY, "127.0.0.1", 1, "");
	ALLOWED(-1, "example.com", GATE_QUERY, "::1", 1, "k2:sha512");
	assert_false(gate_has_query_acl(walked));
	assert_false(gate_zone_has_query_acl(zone_of(walked, "example.com")));
}

static void test_allow_query_refuses_the_rest(void **state)
{
	load("zone:\n\tname: example.com\n\tallow-query: 127.0.0.1 NOKEY\n"
	     "zone:\n\tname: example.net\n");
	assert_true(gate_has_query_acl(walked));
	ALLOWED(0, "example.com", GATE_QUERY, "127.0.0.1", 1, "");
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_QUERY, "127.0.0.2", 1, "");
	DENIED(GATE_R_KEY_MISMATCH, "example.com", GATE_QUERY, "127.0.0.1", 1, "k1:sha256");
	assert_false(gate_zone_has_query_acl(zone_of(walked, "example.net")));
	/* allow-query says nothing about transfers */
	DENIED(GATE_R_NO_MATCH, "example.com", GATE_AXFR, "127.0.0.1", 1, "");
}

static void test_patterns_merge_and_zones_found_by_name(void **state)
{
	load("pattern:\n\tname: p\n\tprovide-xfr: 127.0.0.2 NOKEY\n"
	     "zone:\n\tname: a.example\n\tinclude-pattern: p\n"
	     "zone:\n\tname: B.Example.\n\tprovide-xfr: 127.0.0.3 NOKEY\n\tinclude-pattern: p\n");
	ALLOWED(0, "a.example", GATE_AXFR, "127.0.0.2", 1, "");
	ALLOWED(0, "b.example", GATE_AXFR, "127.0.0.3", 1, "");
	ALLOWED(1, "b.example", GATE_AXFR, "127.0.0.2", 1, "");
	assert_non_null(zone_of(walked, "B.EXAMPLE"));
	assert_null(zone_of(walked, "c.example"));
	assert_int_equal(gate_zone_count(walked), 2);
}

static void test_duplicate_key_names_nsd_loads_first_in_strcmp_order(void **state)
{
	load("key:\n\tname: \"dup\"\n\talgorithm: sha256\n\tsecret: \"" SECRET1 "\"\n"
	     "key:\n\tname: \"DUP\"\n\talgorithm: sha256\n\tsecret: \"" SECRET2 "\"\n"
	     "zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.1 dup\n");
	knot_dname_storage_t d;
	knot_dname_from_str(d, "dup", sizeof(d));
	const struct gate_key *k = gate_key_find(walked, d);
	assert_non_null(k);
	assert_string_equal(k->name, "DUP");   /* "DUP" < "dup" */
	/* either spelling is the same key to the ACL */
	ALLOWED(0, "example.com", GATE_AXFR, "127.0.0.1", 1, "Dup:sha256");
}

static void test_entry_text_for_logs(void **state)
{
	load("zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.0/8 NOKEY\n"
	     "\tprovide-xfr: 127.0.0.2 BLOCKED\n\tprovide-xfr: ::1 k1\n");
	const struct gate_acl *l = gate_zone_acl(zone_of(walked, "example.com"), GATE_AXFR);
	assert_string_equal(gate_acl_entry_text(l, 1), "127.0.0.2 BLOCKED");
	assert_string_equal(gate_acl_entry_text(l, 2), "::1 k1");
	assert_string_equal(gate_acl_entry_text(l, 3), "");
	assert_int_equal(gate_acl_size(l), 3);
}

/* --- random lists: the index against NSD's walk --- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Addresses from a small set, so that entries overlap and requests hit them; a wider
 * one for long lists (or every request would meet some BLOCKED entry). */
static bool wide;

static void random_v4(char *buf, size_t len)
{
	if (wide)
		snprintf(buf, len, "10.%u.%u.%u", rnd(16), rnd(16), rnd(256));
	else
		snprintf(buf, len, "10.%u.%u.%u", rnd(2), rnd(4), rnd(16) * (rnd(4) == 0 ? 16 : 1));
}

static void random_entry(FILE *f)
{
	static const char *const masks[] = {
		"255.255.0.255", "255.0.255.0", "255.255.255.0", "255.255.252.0", "0.0.0.0",
	};
	static const char *const keys[] = { "NOKEY", "NOKEY", "NOKEY", "k1", "k2", "BLOCKED" };
	static const unsigned ports[] = { 0, 0, 0, 0, 5300, 5301 };
	char a[64], b[64], port[16] = "";
	unsigned form = rnd(100);

	if (ports[rnd(6)] != 0)
		snprintf(port, sizeof(port), "@%u", rnd(2) ? 5300 : 5301);
	random_v4(a, sizeof(a));
	random_v4(b, sizeof(b));
	const char *key = keys[rnd(6)];
	if (strcmp(key, "BLOCKED") == 0 && rnd(wide ? 40 : 4) != 0)
		key = "NOKEY";   /* a few BLOCKED, or every request is blocked */
	/* an entry for tls-auth transfers only (tls_text): it matches only on the
	 * tls-auth port, and there its name decides the whole request */
	char keytext[32];
	snprintf(keytext, sizeof(keytext), "%s%s", key,
	         strcmp(key, "BLOCKED") != 0 && rnd(wide ? 200 : 8) == 0 ? " sec" : "");
	key = keytext;
	if (strcmp(key, "BLOCKED") == 0 && wide && form >= 35)
		form = rnd(35);  /* and only single addresses among many entries */
	if (form < 35)
		fprintf(f, "\tprovide-xfr: %s%s %s\n", a, port, key);
	else if (form < 55)
		fprintf(f, "\tprovide-xfr: %s/%u%s %s\n", a, (wide ? 16 : 20) + rnd(wide ? 17 : 13),
		        port, key);
	else if (form < 65)
		fprintf(f, "\tprovide-xfr: %s&%s%s %s\n", a, masks[rnd(5)], port, key);
	else if (form < 82)
		fprintf(f, "\tprovide-xfr: %s-%s%s %s\n", a, b, port, key);
	else if (form < 90)
		fprintf(f, "\tprovide-xfr: fd00::%x%s %s\n", rnd(64), port, key);
	else if (form < 95)
		fprintf(f, "\tprovide-xfr: fd00::%x/%u%s %s\n", rnd(64), 122 + rnd(7), port, key);
	else
		fprintf(f, "\tprovide-xfr: fd00::%x-fd00::%x%s %s\n", rnd(64), rnd(64), port, key);
}

/* The server part that makes tls-auth entries live: a tls-auth port (NSD opens it with
 * a service key and certificate) and the tls-auth the entries name. Without a bundle NSD
 * asks for no certificate: a request on that port is authenticated but nameless, so an
 * entry of "sec" that matches its address denies it, wherever it stands in the list. */
static const char *tls_text =
	"server:\n\ttls-service-key: \"/k.key\"\n\ttls-service-pem: \"/k.pem\"\n"
	"\ttls-auth-port: 8853\n"
	"tls-auth:\n\tname: sec\n\tauth-domain-name: \"secondary.example\"\n";

static void random_request(struct sockaddr_storage *ss, struct gate_request *r,
                           const struct gate *g, struct gate_tls_peer *peer)
{
	static const unsigned ports[] = { 5300, 5301, 40000 };
	char a[64];

	if (rnd(5) == 0)
		snprintf(a, sizeof(a), "fd00::%x", rnd(64));
	else
		random_v4(a, sizeof(a));
	sockaddr_of(a, ports[rnd(3)], ss);
	*r = (struct gate_request){ .src = ss, .tsig = GATE_TSIG_NONE, .key = -1 };
	/* over TLS to the tls-auth port, to another TLS port, or plain */
	switch (rnd(6)) {
	case 0:
	case 1:
		*peer = (struct gate_tls_peer){ .local_port = 8853 };
		r->tls = peer;
		break;
	case 2:
		*peer = (struct gate_tls_peer){ .local_port = 853 };
		r->tls = peer;
		break;
	default:
		break;
	}
	switch (rnd(5)) {
	case 0:
	case 1:
		break;
	case 2:
		r->tsig = GATE_TSIG_OK;
		r->key = key_class(g, "k1");
		r->alg = NSDCONF_TSIG_ALG_SHA256;
		break;
	case 3:
		r->tsig = GATE_TSIG_OK;
		r->key = key_class(g, "k2");
		r->alg = rnd(2) ? NSDCONF_TSIG_ALG_SHA512 : NSDCONF_TSIG_ALG_SHA256;   /* and a mismatch */
		break;
	default:
		r->tsig = GATE_TSIG_ERROR;
	}
}

static void random_lists_agree(unsigned entries, unsigned lists, unsigned requests)
{
	wide = entries > 1000;
	unsigned allowed = 0, blocked = 0, keyfail = 0, tls_denied = 0;

	for (unsigned l = 0; l < lists; l++) {
		FILE *f = fopen(conf_path, "w");
		assert_non_null(f);
		fputs(tls_text, f);
		fputs(keys_text, f);
		fputs("zone:\n\tname: example.com\n", f);
		for (unsigned i = 0; i < entries; i++)
			random_entry(f);
		fclose(f);

		struct nsdconf_model *m = parse_file();
		struct gate *g = gate_build(m, &(struct gate_build_opts){ .index_min = 1 });
		nsdconf_model_free(m);
		assert_non_null(g);
		const struct gate_acl *acl = gate_zone_acl(zone_of(g, "example.com"), GATE_AXFR);
		assert_true(gate_acl_indexed(acl));
		assert_int_equal(gate_acl_size(acl), entries);

		for (unsigned q = 0; q < requests; q++) {
			struct sockaddr_storage ss;
			struct gate_request r;
			struct gate_tls_peer peer;
			random_request(&ss, &r, g, &peer);
			struct gate_verdict a = gate_acl_check(acl, &r);
			struct gate_verdict b = gate_acl_check_linear(acl, &r);
			if (a.allow != b.allow || a.reason != b.reason || a.entry != b.entry) {
				char text[INET6_ADDRSTRLEN];
				inet_ntop(ss.ss_family, ss.ss_family == AF_INET6 ?
				          (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
				          (void *)&((struct sockaddr_in *)&ss)->sin_addr, text, sizeof(text));
				print_error("%s tsig %d key %d alg %d: indexed %d/%d/%d, walked %d/%d/%d\n",
				            text, r.tsig, r.key, r.alg, a.allow, a.reason, a.entry,
				            b.allow, b.reason, b.entry);
				fail();
			}
			allowed += a.allow;
			blocked += a.reason == GATE_R_BLOCKED;
			keyfail += a.reason == GATE_R_KEY_MISMATCH;
			tls_denied += a.reason == GATE_R_TLS_NAME;
		}
		gate_free(g);
	}
	/* the random mix must exercise every outcome */
	assert_true(allowed > 0);
	assert_true(blocked > 0);
	assert_true(keyfail > 0);
	assert_true(tls_denied > 0);
	assert_true(allowed < lists * requests);
}

static void test_index_agrees_with_walk_on_10000_entries(void **state)
{
	random_lists_agree(10000, 2, 4000);
}

static void test_index_agrees_with_walk_on_short_lists(void **state)
{
	random_lists_agree(30, 200, 300);
}

/* --- TSIG --- */

static knot_pkt_t *signed_query(const char *key, const char *alg, const char *secret)
{
	knot_tsig_key_t k;
	knot_dname_storage_t zone;
	uint8_t digest[64];
	size_t dlen = sizeof(digest);
	knot_pkt_t *q = knot_pkt_new(NULL, 512, NULL);

	assert_non_null(q);
	knot_dname_from_str(zone, "example.com", sizeof(zone));
	assert_int_equal(knot_pkt_put_question(q, zone, KNOT_CLASS_IN, KNOT_RRTYPE_AXFR), KNOT_EOK);
	knot_wire_set_id(q->wire, 4242);
	assert_int_equal(knot_tsig_key_init(&k, alg, key, secret), KNOT_EOK);
	assert_int_equal(knot_tsig_sign(q->wire, &q->size, q->max_size, NULL, 0, digest, &dlen,
	                                &k, 0, 0), KNOT_EOK);
	knot_tsig_key_deinit(&k);

	/* as knotd receives it: parsed, the TSIG cut off the wire */
	knot_pkt_t *p = knot_pkt_new(NULL, q->size, NULL);
	memcpy(p->wire, q->wire, q->size);
	p->size = q->size;
	knot_pkt_free(q);
	assert_int_equal(knot_pkt_parse(p, 0), KNOT_EOK);
	assert_non_null(p->tsig_rr);
	return p;
}

static struct gate_tsig_check tsig_check(const char *key, const char *alg, const char *secret,
                                         uint64_t skew)
{
	struct gate_tsig_check c;
	struct gate_tsig *t = gate_tsig_new(walked, NULL, NULL);
	knot_pkt_t *p = signed_query(key, alg, secret);

	assert_non_null(t);
	gate_tsig_verify(t, p->tsig_rr, p->wire, p->size, (uint64_t)time(NULL) + skew, &c);
	knot_pkt_free(p);
	gate_tsig_free(t);
	return c;
}

static void test_tsig_verifies_like_nsd(void **state)
{
	load("key:\n\tname: \"K3\"\n\talgorithm: hmac-sha256\n\tsecret: \"" SECRET1 "\"\n"
	     "zone:\n\tname: example.com\n");
	struct gate_tsig_check c = tsig_check("k1", "hmac-sha256", SECRET1, 0);
	assert_int_equal(c.result, GATE_TSIG_R_OK);
	assert_true(c.mac_ok);
	assert_string_equal(c.key->name, "k1");
	assert_int_equal(c.alg, NSDCONF_TSIG_ALG_SHA256);

	/* the key name in any case */
	c = tsig_check("k3", "hmac-sha256", SECRET1, 0);
	assert_int_equal(c.result, GATE_TSIG_R_OK);

	c = tsig_check("k1", "hmac-sha256", SECRET2, 0);
	assert_int_equal(c.result, GATE_TSIG_R_BADSIG);
	assert_false(c.mac_ok);

	c = tsig_check("other", "hmac-sha256", SECRET1, 0);
	assert_int_equal(c.result, GATE_TSIG_R_BADKEY);
	assert_null(c.key);

	/* another algorithm with the right secret verifies; the ACL refuses it later */
	c = tsig_check("k1", "hmac-sha512", SECRET1, 0);
	assert_int_equal(c.result, GATE_TSIG_R_OK);
	assert_int_equal(c.alg, NSDCONF_TSIG_ALG_SHA512);

	/* NSD looks at the time before the MAC */
	c = tsig_check("k1", "hmac-sha256", SECRET1, 1000);
	assert_int_equal(c.result, GATE_TSIG_R_BADTIME);
	assert_true(c.mac_ok);
	c = tsig_check("k1", "hmac-sha256", SECRET2, 1000);
	assert_int_equal(c.result, GATE_TSIG_R_BADTIME);
	assert_false(c.mac_ok);
	/* inside the fudge (300 s) */
	c = tsig_check("k1", "hmac-sha256", SECRET1, 290);
	assert_int_equal(c.result, GATE_TSIG_R_OK);

	assert_int_equal(gate_tsig_rcode(GATE_TSIG_R_BADTIME), KNOT_RCODE_BADTIME);
}

/* NSD decodes a secret with blanks in it (b64_pton skips white space); a peer signs with
 * the same bytes, written without the blanks. */
static void test_tsig_secret_written_with_blanks_verifies(void **state)
{
	load("key:\n\tname: \"spaced\"\n\talgorithm: sha256\n"
	     "\tsecret: \"AQIDBAUGBwgJCgsM DQ4PEBESExQV\tFhcYGRobHB0eHyA=\"\n"
	     "zone:\n\tname: example.com\n\tprovide-xfr: 127.0.0.1 spaced\n");
	struct gate_tsig_check c = tsig_check("spaced", "hmac-sha256", SECRET1, 0);
	assert_int_equal(c.result, GATE_TSIG_R_OK);
	assert_true(c.mac_ok);
	c = tsig_check("spaced", "hmac-sha256", SECRET2, 0);
	assert_int_equal(c.result, GATE_TSIG_R_BADSIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_single_address_matches_that_address_only, teardown_gates),
		cmocka_unit_test_teardown(test_subnet_and_contiguous_mask, teardown_gates),
		cmocka_unit_test_teardown(test_noncontiguous_mask_matches_masked_bits_only, teardown_gates),
		cmocka_unit_test_teardown(test_range_reproduces_nsd_byte_order, teardown_gates),
		cmocka_unit_test_teardown(test_ipv6_forms, teardown_gates),
		cmocka_unit_test_teardown(test_families_never_cross, teardown_gates),
		cmocka_unit_test_teardown(test_port_entry_matches_that_source_port_only, teardown_gates),
		cmocka_unit_test_teardown(test_blocked_wins_before_a_match, teardown_gates),
		cmocka_unit_test_teardown(test_blocked_wins_after_match, teardown_gates),
		cmocka_unit_test_teardown(test_nokey_matches_unsigned_requests_only, teardown_gates),
		cmocka_unit_test_teardown(test_key_entry_needs_that_key_verified, teardown_gates),
		cmocka_unit_test_teardown(test_key_name_compares_as_domain_name, teardown_gates),
		cmocka_unit_test_teardown(test_algorithm_mismatch_denies, teardown_gates),
		cmocka_unit_test_teardown(test_algorithm_names_short_and_hmac, teardown_gates),
		cmocka_unit_test_teardown(test_empty_lists, teardown_gates),
		cmocka_unit_test_teardown(test_allow_query_refuses_the_rest, teardown_gates),
		cmocka_unit_test_teardown(test_patterns_merge_and_zones_found_by_name, teardown_gates),
		cmocka_unit_test_teardown(test_duplicate_key_names_nsd_loads_first_in_strcmp_order,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_entry_text_for_logs, teardown_gates),
		cmocka_unit_test(test_index_agrees_with_walk_on_10000_entries),
		cmocka_unit_test(test_index_agrees_with_walk_on_short_lists),
		cmocka_unit_test_teardown(test_tsig_verifies_like_nsd, teardown_gates),
		cmocka_unit_test_teardown(test_tsig_secret_written_with_blanks_verifies, teardown_gates),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
