/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of mod-nsd's NOTIFY messages: NSD's format, TSIG both ways, answer matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "conf/tsig_key.h"
#include "mod/notify_send.h"

#define SECRET "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

static knot_dname_t *zone(void)
{
	static knot_dname_storage_t z;
	return knot_dname_from_str(z, "example.net.", sizeof(z));
}

/* example.net. SOA ns1.example.net. hostmaster.example.net. serial 3600 900 604800 300 */
static knot_rrset_t *soa(uint32_t serial)
{
	uint8_t rd[128];
	size_t len = 0;
	knot_dname_storage_t n;
	size_t l = knot_dname_to_wire(rd, knot_dname_from_str(n, "ns1.example.net.", sizeof(n)),
	                              sizeof(rd));
	len += l;
	l = knot_dname_to_wire(rd + len, knot_dname_from_str(n, "hostmaster.example.net.",
	                                                     sizeof(n)), sizeof(rd) - len);
	len += l;
	uint32_t v[5] = { htonl(serial), htonl(3600), htonl(900), htonl(604800), htonl(300) };
	memcpy(rd + len, v, sizeof(v));
	len += sizeof(v);
	knot_rrset_t *rr = knot_rrset_new(zone(), KNOT_RRTYPE_SOA, KNOT_CLASS_IN, 300, NULL);
	assert_non_null(rr);
	assert_int_equal(knot_rrset_add_rdata(rr, rd, len, NULL), KNOT_EOK);
	return rr;
}

static knot_pkt_t *parse(uint8_t *wire, size_t len)
{
	knot_pkt_t *p = knot_pkt_new(wire, len, NULL);
	assert_non_null(p);
	assert_int_equal(knot_pkt_parse(p, 0), KNOT_EOK);
	return p;
}

static void test_notify_is_nsd_format_with_soa(void **state)
{
	struct notify_msg m;
	knot_rrset_t *s = soa(7);
	assert_int_equal(notify_build(&m, zone(), s, NULL, 0x1234), KNOT_EOK);
	uint8_t copy[sizeof(m.wire)];
	memcpy(copy, m.wire, m.len);
	knot_pkt_t *p = parse(copy, m.len);
	assert_int_equal(knot_wire_get_id(p->wire), 0x1234);
	assert_int_equal(knot_wire_get_opcode(p->wire), KNOT_OPCODE_NOTIFY);
	assert_true(knot_wire_get_aa(p->wire));
	assert_false(knot_wire_get_qr(p->wire));
	assert_false(knot_wire_get_rd(p->wire));
	assert_int_equal(knot_wire_get_qdcount(p->wire), 1);
	assert_true(knot_dname_is_equal(knot_pkt_qname(p), zone()));
	assert_int_equal(knot_pkt_qtype(p), KNOT_RRTYPE_SOA);
	assert_int_equal(knot_pkt_qclass(p), KNOT_CLASS_IN);
	const knot_pktsection_t *an = knot_pkt_section(p, KNOT_ANSWER);
	assert_int_equal(an->count, 1);
	assert_int_equal(knot_soa_serial(knot_pkt_rr(an, 0)->rrs.rdata), 7);
	assert_int_equal(knot_wire_get_arcount(p->wire), 0);
	assert_false(m.signed_);
	knot_pkt_free(p);
	knot_rrset_free(s, NULL);
}

static void test_serial_zero_or_unknown_sends_no_soa(void **state)
{
	struct notify_msg m;
	knot_rrset_t *s = soa(0);
	assert_int_equal(notify_build(&m, zone(), s, NULL, 1), KNOT_EOK);
	assert_int_equal(knot_wire_get_ancount(m.wire), 0);
	assert_int_equal(notify_build(&m, zone(), NULL, NULL, 1), KNOT_EOK);
	assert_int_equal(knot_wire_get_ancount(m.wire), 0);
	knot_rrset_free(s, NULL);
}

static void test_signed_notify_verifies_as_server(void **state)
{
	knot_tsig_key_t key;
	assert_int_equal(nsdconf_tsig_key_init(&key, "tkey", "hmac-sha256", SECRET), KNOT_EOK);
	struct notify_msg m;
	knot_rrset_t *s = soa(9);
	assert_int_equal(notify_build(&m, zone(), s, &key, 77), KNOT_EOK);
	assert_true(m.signed_);
	assert_true(m.mac_len > 0);
	uint8_t copy[sizeof(m.wire)];
	memcpy(copy, m.wire, m.len);
	knot_pkt_t *p = parse(copy, m.len);
	assert_non_null(p->tsig_rr);
	assert_int_equal(knot_tsig_server_check(p->tsig_rr, p->wire, p->size, &key), KNOT_EOK);
	knot_pkt_free(p);

	/* another secret: the receiver finds a bad MAC */
	knot_tsig_key_t other;
	assert_int_equal(nsdconf_tsig_key_init(&other, "tkey", "hmac-sha256",
	                                 "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3OA=="), KNOT_EOK);
	memcpy(copy, m.wire, m.len);
	p = parse(copy, m.len);
	assert_int_not_equal(knot_tsig_server_check(p->tsig_rr, p->wire, p->size, &other),
	                     KNOT_EOK);
	knot_pkt_free(p);
	knot_tsig_key_deinit(&other);
	knot_tsig_key_deinit(&key);
	knot_rrset_free(s, NULL);
}

static void test_key_algorithm_as_nsd_writes_it(void **state)
{
	knot_tsig_key_t key;
	assert_int_equal(nsdconf_tsig_key_init(&key, "k", "sha256", SECRET), KNOT_EOK);
	assert_int_equal(key.algorithm, DNSSEC_TSIG_HMAC_SHA256);
	knot_tsig_key_deinit(&key);
	assert_int_equal(nsdconf_tsig_key_init(&key, "k", "HMAC-SHA512", SECRET), KNOT_EOK);
	assert_int_equal(key.algorithm, DNSSEC_TSIG_HMAC_SHA512);
	knot_tsig_key_deinit(&key);
	assert_int_not_equal(nsdconf_tsig_key_init(&key, "k", "rot13", SECRET), KNOT_EOK);
}

/* A secret NSD accepts with blanks in it signs as the same secret without them. */
static void test_key_secret_with_blanks_signs_as_nsd_decodes_it(void **state)
{
	knot_tsig_key_t spaced, plain;
	assert_int_equal(nsdconf_tsig_key_init(&spaced, "k", "sha256",
	                                       " 5XEkMsGCRH6pelu0 n6DFwhIUnt1Ku/2C\nGTBlpUOYHpQ= "),
	                 KNOT_EOK);
	assert_int_equal(nsdconf_tsig_key_init(&plain, "k", "sha256",
	                                       "5XEkMsGCRH6pelu0n6DFwhIUnt1Ku/2CGTBlpUOYHpQ="),
	                 KNOT_EOK);
	assert_int_equal(spaced.secret.size, plain.secret.size);
	assert_memory_equal(spaced.secret.data, plain.secret.data, plain.secret.size);

	struct notify_msg m;
	knot_rrset_t *s = soa(3);
	assert_int_equal(notify_build(&m, zone(), s, &spaced, 5), KNOT_EOK);
	knot_pkt_t *p = parse(m.wire, m.len);
	assert_int_equal(knot_tsig_server_check(p->tsig_rr, p->wire, p->size, &plain), KNOT_EOK);
	knot_pkt_free(p);
	knot_rrset_free(s, NULL);
	knot_tsig_key_deinit(&spaced);
	knot_tsig_key_deinit(&plain);

	/* nothing left once the blanks are gone: no key */
	assert_int_equal(nsdconf_tsig_key_init(&spaced, "k", "sha256", " \t"), KNOT_EINVAL);
}

/* The answer a secondary sends: the request's header with QR, signed with its MAC. */
static size_t answer(const struct notify_msg *req, uint8_t *out, size_t max, int rcode,
                     const knot_tsig_key_t *key)
{
	struct notify_msg a;
	assert_int_equal(notify_build(&a, zone(), NULL, NULL, req->id), KNOT_EOK);
	knot_wire_set_qr(a.wire);
	knot_wire_set_rcode(a.wire, rcode);
	memcpy(out, a.wire, a.len);
	size_t len = a.len;
	if (key != NULL) {
		uint8_t digest[64];
		size_t dlen = sizeof(digest);
		assert_int_equal(knot_tsig_sign(out, &len, max, req->mac, req->mac_len, digest,
		                                &dlen, key, 0, 0), KNOT_EOK);
	}
	return len;
}

static void test_answer_matching_and_tsig(void **state)
{
	knot_tsig_key_t key;
	assert_int_equal(nsdconf_tsig_key_init(&key, "tkey", "hmac-sha256", SECRET), KNOT_EOK);
	struct notify_msg req;
	assert_int_equal(notify_build(&req, zone(), NULL, &key, 4242), KNOT_EOK);
	uint8_t buf[1232];
	int rcode = -1;

	size_t len = answer(&req, buf, sizeof(buf), KNOT_RCODE_NOERROR, &key);
	assert_int_equal(notify_check_answer(&req, zone(), &key, buf, len, &rcode),
	                 NOTIFY_ANSWER_OK);
	assert_int_equal(rcode, KNOT_RCODE_NOERROR);

	len = answer(&req, buf, sizeof(buf), KNOT_RCODE_REFUSED, &key);
	assert_int_equal(notify_check_answer(&req, zone(), &key, buf, len, &rcode),
	                 NOTIFY_ANSWER_OK);
	assert_int_equal(rcode, KNOT_RCODE_REFUSED);

	/* unsigned answer to a signed NOTIFY: not taken */
	len = answer(&req, buf, sizeof(buf), KNOT_RCODE_NOERROR, NULL);
	assert_int_equal(notify_check_answer(&req, zone(), &key, buf, len, &rcode),
	                 NOTIFY_ANSWER_BADTSIG);

	/* a byte changed after signing */
	len = answer(&req, buf, sizeof(buf), KNOT_RCODE_NOERROR, &key);
	buf[3] ^= 0x01;   /* rcode NOERROR -> FORMERR */
	assert_int_equal(notify_check_answer(&req, zone(), &key, buf, len, &rcode),
	                 NOTIFY_ANSWER_BADTSIG);

	/* signed with the MAC of another request */
	struct notify_msg req2;
	assert_int_equal(notify_build(&req2, zone(), NULL, &key, 4242), KNOT_EOK);
	len = answer(&req2, buf, sizeof(buf), KNOT_RCODE_NOERROR, &key);
	if (memcmp(req.mac, req2.mac, req.mac_len) != 0)
		assert_int_equal(notify_check_answer(&req, zone(), &key, buf, len, &rcode),
		                 NOTIFY_ANSWER_BADTSIG);

	/* another ID, no QR, a query opcode: not ours */
	len = answer(&req, buf, sizeof(buf), KNOT_RCODE_NOERROR, &key);
	knot_wire_set_id(buf, 4243);
	assert_int_equal(notify_check_answer(&req, zone(), &key, buf, len, &rcode),
	                 NOTIFY_ANSWER_FOREIGN);
	len = answer(&req, buf, sizeof(buf), KNOT_RCODE_NOERROR, NULL);
	knot_wire_clear_qr(buf);
	assert_int_equal(notify_check_answer(&req, zone(), NULL, buf, len, &rcode),
	                 NOTIFY_ANSWER_FOREIGN);
	knot_wire_set_qr(buf);
	knot_wire_set_opcode(buf, KNOT_OPCODE_QUERY);
	assert_int_equal(notify_check_answer(&req, zone(), NULL, buf, len, &rcode),
	                 NOTIFY_ANSWER_FOREIGN);
	assert_int_equal(notify_check_answer(&req, zone(), NULL, buf, 5, &rcode),
	                 NOTIFY_ANSWER_MALFORMED);
	knot_tsig_key_deinit(&key);
}

static void test_unsigned_notify_takes_unsigned_answer(void **state)
{
	struct notify_msg req;
	assert_int_equal(notify_build(&req, zone(), NULL, NULL, 9), KNOT_EOK);
	uint8_t buf[1232];
	int rcode = -1;
	size_t len = answer(&req, buf, sizeof(buf), KNOT_RCODE_NOTIMPL, NULL);
	assert_int_equal(notify_check_answer(&req, zone(), NULL, buf, len, &rcode),
	                 NOTIFY_ANSWER_OK);
	assert_int_equal(rcode, KNOT_RCODE_NOTIMPL);
}

static void test_soa_query_and_answer(void **state)
{
	struct notify_msg q;
	assert_int_equal(notify_build_soa_query(&q, zone(), 555), KNOT_EOK);
	assert_int_equal(knot_wire_get_opcode(q.wire), KNOT_OPCODE_QUERY);
	assert_false(knot_wire_get_aa(q.wire));
	assert_false(knot_wire_get_rd(q.wire));

	/* knotd's answer: AA, the SOA in the answer section */
	knot_pkt_t *a = knot_pkt_new(NULL, 1232, NULL);
	knot_wire_set_id(a->wire, 555);
	assert_int_equal(knot_pkt_put_question(a, zone(), KNOT_CLASS_IN, KNOT_RRTYPE_SOA),
	                 KNOT_EOK);
	knot_wire_set_qr(a->wire);
	knot_wire_set_aa(a->wire);
	knot_rrset_t *s = soa(2024010101);
	assert_int_equal(knot_pkt_begin(a, KNOT_ANSWER), KNOT_EOK);
	assert_int_equal(knot_pkt_put(a, KNOT_COMPR_HINT_QNAME, s, 0), KNOT_EOK);
	uint8_t buf[1232];
	memcpy(buf, a->wire, a->size);
	size_t len = a->size;
	int rcode = -1;
	knot_rrset_t *got = NULL;
	assert_int_equal(notify_parse_soa_answer(&q, zone(), buf, len, &rcode, &got),
	                 NOTIFY_ANSWER_OK);
	assert_int_equal(rcode, KNOT_RCODE_NOERROR);
	assert_non_null(got);
	assert_int_equal(knot_soa_serial(got->rrs.rdata), 2024010101);
	/* the copy outlives the answer's buffer: it goes into the NOTIFY */
	memset(buf, 0, sizeof(buf));
	struct notify_msg n;
	assert_int_equal(notify_build(&n, zone(), got, NULL, 1), KNOT_EOK);
	assert_int_equal(knot_wire_get_ancount(n.wire), 1);
	knot_rrset_free(got, NULL);

	/* not authoritative (or SERVFAIL): no SOA taken */
	memcpy(buf, a->wire, a->size);
	knot_wire_clear_aa(buf);
	assert_int_equal(notify_parse_soa_answer(&q, zone(), buf, len, &rcode, &got),
	                 NOTIFY_ANSWER_OK);
	assert_null(got);
	memcpy(buf, a->wire, a->size);
	knot_wire_set_rcode(buf, KNOT_RCODE_SERVFAIL);
	assert_int_equal(notify_parse_soa_answer(&q, zone(), buf, len, &rcode, &got),
	                 NOTIFY_ANSWER_OK);
	assert_int_equal(rcode, KNOT_RCODE_SERVFAIL);
	assert_null(got);
	knot_pkt_free(a);
	knot_rrset_free(s, NULL);
}

static void test_addresses(void **state)
{
	struct sockaddr_storage a = { 0 }, b = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&a, *b4 = (struct sockaddr_in *)&b;
	a4->sin_family = b4->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &a4->sin_addr);
	inet_pton(AF_INET, "192.0.2.1", &b4->sin_addr);
	a4->sin_port = htons(53);
	b4->sin_port = htons(5353);
	assert_false(notify_addr_equal(&a, &b));   /* NSD: the answer's port must match */
	b4->sin_port = htons(53);
	assert_true(notify_addr_equal(&a, &b));
	char text[64];
	notify_addr_str(&a, text, sizeof(text));
	assert_string_equal(text, "192.0.2.1@53");
	struct sockaddr_in6 *c6 = (struct sockaddr_in6 *)&b;
	memset(&b, 0, sizeof(b));
	c6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &c6->sin6_addr);
	c6->sin6_port = htons(5300);
	notify_addr_str(&b, text, sizeof(text));
	assert_string_equal(text, "2001:db8::1@5300");
	assert_false(notify_addr_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_is_nsd_format_with_soa),
		cmocka_unit_test(test_serial_zero_or_unknown_sends_no_soa),
		cmocka_unit_test(test_signed_notify_verifies_as_server),
		cmocka_unit_test(test_key_algorithm_as_nsd_writes_it),
		cmocka_unit_test(test_key_secret_with_blanks_signs_as_nsd_decodes_it),
		cmocka_unit_test(test_answer_matching_and_tsig),
		cmocka_unit_test(test_unsigned_notify_takes_unsigned_answer),
		cmocka_unit_test(test_soa_query_and_answer),
		cmocka_unit_test(test_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
