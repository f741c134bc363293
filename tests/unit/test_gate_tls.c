/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate over TLS: tls-auth entries, the tls-auth port and tls-auth-xfr-only, with real
 * certificates made here with GnuTLS. */
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

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libknot/libknot.h>

#include "conf/model.h"
#include "mod/gate.h"
#include "test_files.h"

#define AUTH_PORT	8853
#define TLS_PORT	853
#define NAME		"secondary.example"

static char dir[] = "/tmp/test-gate-tls-XXXXXX";
static struct gate *walked, *indexed;
static const char *build_cwd;   /* gate_build_opts.cwd: NSD's start directory */

/* --- certificates --- */

struct cert {
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t der;
};

static struct cert ca, other_ca, right, right_cn, wrong, prefix, stranger, server_only;
static struct cert bmp_cn, bmp_abcd, utf8_cn, seq_cn;
static struct cert cn_only, cn_only_wrong, nul_san, nul_san_cn, ca_as_leaf, signing_leaf;

/* The gate's cap on a client chain (gate_tls.c CHAIN_MAX, doc/mod-nsd.md) */
#define CAP	16
/* A chain under ca: inter[0] signed by ca, inter[i] by inter[i - 1]; deep_leaf[k] signed
 * by inter[k - 1], so that deep_leaf[k] and inter[k - 1] .. inter[0] are k + 1 certs. */
static struct cert inter[CAP], deep_leaf[CAP + 1];

/* How a certificate is made beyond its CN: cn_der, the CN's DER (tag, length, octets)
 * instead of a text CN; ca, a CA signed by its issuer (an intermediate). */
struct cert_opts {
	const uint8_t *cn_der;
	size_t cn_der_len;
	bool ca;
	const uint8_t *san_der;   /* the subjectAltName extension's DER, written as is */
	size_t san_der_len;
	unsigned key_usage;       /* a key usage extension on a leaf; 0: none */
};

static void make_cert_with(struct cert *c, const char *cn, const char *san,
                           struct cert *issuer, const char *purpose, struct cert_opts o);

/* A certificate for cn (and a SAN DNS entry san, if any), signed by issuer or by itself
 * as a CA. purpose: an extended key usage OID, or NULL for none. */
static void make_cert(struct cert *c, const char *cn, const char *san, struct cert *issuer,
                      const char *purpose)
{
	make_cert_with(c, cn, san, issuer, purpose, (struct cert_opts){ 0 });
}

static void make_cert_with(struct cert *c, const char *cn, const char *san,
                           struct cert *issuer, const char *purpose, struct cert_opts o)
{
	static unsigned serial = 1;
	time_t now = time(NULL);

	assert_int_equal(gnutls_x509_privkey_init(&c->key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(c->key, GNUTLS_PK_ECDSA,
	                 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&c->crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(c->crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(c->crt, &serial, sizeof(serial)), 0);
	serial++;
	assert_int_equal(gnutls_x509_crt_set_activation_time(c->crt, now - 3600), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(c->crt, now + 86400), 0);
	if (o.cn_der != NULL) {
		assert_int_equal(gnutls_x509_crt_set_dn_by_oid(c->crt, GNUTLS_OID_X520_COMMON_NAME,
		                 1, o.cn_der, o.cn_der_len), 0);
	} else {
		assert_int_equal(gnutls_x509_crt_set_dn_by_oid(c->crt, GNUTLS_OID_X520_COMMON_NAME,
		                 0, cn, strlen(cn)), 0);
	}
	assert_int_equal(gnutls_x509_crt_set_key(c->crt, c->key), 0);
	if (san != NULL) {
		assert_int_equal(gnutls_x509_crt_set_subject_alt_name(c->crt, GNUTLS_SAN_DNSNAME,
		                 san, strlen(san), GNUTLS_FSAN_SET), 0);
	}
	if (o.san_der != NULL) {
		/* GnuTLS's SAN setter stops at a NUL; the extension as bytes does not */
		assert_int_equal(gnutls_x509_crt_set_extension_by_oid(c->crt, "2.5.29.17",
		                 o.san_der, o.san_der_len, 0), 0);
	}
	if (purpose != NULL) {
		assert_int_equal(gnutls_x509_crt_set_key_purpose_oid(c->crt, purpose, 0), 0);
	}
	if (issuer == NULL) {
		assert_int_equal(gnutls_x509_crt_set_basic_constraints(c->crt, 1, -1), 0);
		assert_int_equal(gnutls_x509_crt_set_key_usage(c->crt, GNUTLS_KEY_KEY_CERT_SIGN), 0);
		assert_int_equal(gnutls_x509_crt_sign2(c->crt, c->crt, c->key,
		                 GNUTLS_DIG_SHA256, 0), 0);
	} else {
		assert_int_equal(gnutls_x509_crt_set_basic_constraints(c->crt, o.ca, -1), 0);
		if (o.ca || o.key_usage != 0) {
			assert_int_equal(gnutls_x509_crt_set_key_usage(c->crt,
			                 o.ca ? GNUTLS_KEY_KEY_CERT_SIGN : o.key_usage), 0);
		}
		assert_int_equal(gnutls_x509_crt_sign2(c->crt, issuer->crt, issuer->key,
		                 GNUTLS_DIG_SHA256, 0), 0);
	}
	assert_int_equal(gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_DER, &c->der), 0);
}

static void free_cert(struct cert *c)
{
	gnutls_free(c->der.data);
	gnutls_x509_crt_deinit(c->crt);
	gnutls_x509_privkey_deinit(c->key);
}

static void put_pem(const char *name, const struct cert *c)
{
	gnutls_datum_t pem;
	char text[4096];

	assert_int_equal(gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_PEM, &pem), 0);
	assert_true(pem.size < sizeof(text));
	memcpy(text, pem.data, pem.size);
	text[pem.size] = '\0';
	gnutls_free(pem.data);
	test_put_in(dir, name, text);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	make_cert(&ca, "Test CA", NULL, NULL, NULL);
	make_cert(&other_ca, "Other CA", NULL, NULL, NULL);
	make_cert(&right, "whatever", NAME, &ca, GNUTLS_KP_TLS_WWW_CLIENT);
	make_cert(&right_cn, "SECONDARY.example", "other.example", &ca, NULL);
	make_cert(&wrong, "intruder.example", "intruder.example", &ca, GNUTLS_KP_TLS_WWW_CLIENT);
	make_cert(&prefix, "secondary.example.com", "secondary.example.com", &ca, NULL);
	make_cert(&stranger, NAME, NAME, &other_ca, NULL);
	make_cert(&server_only, NAME, NAME, &ca, GNUTLS_KP_TLS_WWW_SERVER);
	put_pem("ca.pem", &ca);

	/* CNs written as raw DER: NAME as BMPString (UCS-2, a NUL before each letter),
	 * U+6162 U+6364 as BMPString (octets "abcd"), NAME as UTF8String, and a SEQUENCE */
	uint8_t der[64];
	size_t n = strlen(NAME);
	der[0] = 0x1e;
	der[1] = (uint8_t)(2 * n);
	for (size_t i = 0; i < n; i++) {
		der[2 + 2 * i] = 0;
		der[3 + 2 * i] = (uint8_t)NAME[i];
	}
	make_cert_with(&bmp_cn, NULL, NULL, &ca, NULL,
	               (struct cert_opts){ .cn_der = der, .cn_der_len = 2 + 2 * n });
	static const uint8_t abcd[] = { 0x1e, 4, 'a', 'b', 'c', 'd' };
	make_cert_with(&bmp_abcd, NULL, NULL, &ca, NULL,
	               (struct cert_opts){ .cn_der = abcd, .cn_der_len = sizeof(abcd) });
	der[0] = 0x0c;
	der[1] = (uint8_t)n;
	memcpy(der + 2, NAME, n);
	make_cert_with(&utf8_cn, NULL, NULL, &ca, NULL,
	               (struct cert_opts){ .cn_der = der, .cn_der_len = 2 + n });
	static const uint8_t seq[] = { 0x30, 4, 0x16, 2, 'a', 'b' };
	make_cert_with(&seq_cn, NULL, NULL, &ca, NULL,
	               (struct cert_opts){ .cn_der = seq, .cn_der_len = sizeof(seq) });

	make_cert(&cn_only, NAME, NULL, &ca, GNUTLS_KP_TLS_WWW_CLIENT);
	make_cert(&cn_only_wrong, "intruder.example", NULL, &ca, GNUTLS_KP_TLS_WWW_CLIENT);

	/* SAN: dNSName NAME "\0.evil.test", then dNSName NAME */
	static const char evil[] = NAME "\0.evil.test";
	uint8_t san[128];
	size_t k = 0, ne = sizeof(evil) - 1;
	san[k++] = 0x30;
	san[k++] = (uint8_t)(2 + ne + 2 + n);
	san[k++] = 0x82;
	san[k++] = (uint8_t)ne;
	memcpy(san + k, evil, ne);
	k += ne;
	san[k++] = 0x82;
	san[k++] = (uint8_t)n;
	memcpy(san + k, NAME, n);
	k += n;
	make_cert_with(&nul_san, "intruder.example", NULL, &ca, GNUTLS_KP_TLS_WWW_CLIENT,
	               (struct cert_opts){ .san_der = san, .san_der_len = k });
	make_cert_with(&nul_san_cn, NAME, NULL, &ca, GNUTLS_KP_TLS_WWW_CLIENT,
	               (struct cert_opts){ .san_der = san, .san_der_len = k });

	make_cert_with(&ca_as_leaf, NAME, NAME, &ca, NULL,
	               (struct cert_opts){ .key_usage = GNUTLS_KEY_KEY_CERT_SIGN });
	make_cert_with(&signing_leaf, NAME, NAME, &ca, NULL,
	               (struct cert_opts){ .key_usage = GNUTLS_KEY_DIGITAL_SIGNATURE });

	for (unsigned i = 0; i < CAP; i++) {
		make_cert_with(&inter[i], "Intermediate", NULL, i == 0 ? &ca : &inter[i - 1], NULL,
		               (struct cert_opts){ .ca = true });
	}
	for (unsigned i = 1; i <= CAP; i++) {
		make_cert(&deep_leaf[i], "leaf", NAME, &inter[i - 1], GNUTLS_KP_TLS_WWW_CLIENT);
	}
	return 0;
}

static int teardown(void **state)
{
	struct cert *all[] = { &ca, &other_ca, &right, &right_cn, &wrong, &prefix, &stranger,
	                       &server_only, &bmp_cn, &bmp_abcd, &utf8_cn, &seq_cn, &cn_only,
	                       &cn_only_wrong, &nul_san, &nul_san_cn, &ca_as_leaf, &signing_leaf };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free_cert(all[i]);
	}
	for (unsigned i = 0; i < CAP; i++) {
		free_cert(&inter[i]);
		free_cert(&deep_leaf[i + 1]);
	}
	test_rmtree(dir);
	return 0;
}

/* --- configurations and requests --- */

static int teardown_gates(void **state)
{
	gate_free(walked);
	gate_free(indexed);
	walked = indexed = NULL;
	return 0;
}

static void diag_sink(void *ctx, const char *line)
{
	print_error("nsd.conf: %s\n", line);
}

/* The server clause of an NSD primary with a tls-auth port; bundle: its tls-cert-bundle
 * line ("" for none). */
static void load(const char *server_extra, const char *zone_body)
{
	char path[256], text[4096];

	snprintf(text, sizeof(text),
	         "server:\n\ttls-service-key: \"%s/server.key\"\n"
	         "\ttls-service-pem: \"%s/server.pem\"\n\ttls-port: %d\n%s"
	         "tls-auth:\n\tname: sec\n\tauth-domain-name: \"" NAME "\"\n"
	         "tls-auth:\n\tname: other\n\tauth-domain-name: \"other.example\"\n"
	         "tls-auth:\n\tname: nodomain\n"
	         "zone:\n\tname: example.com\n%s",
	         dir, dir, TLS_PORT, server_extra, zone_body);
	test_put_in(dir, "nsd.conf", text);
	snprintf(path, sizeof(path), "%s/nsd.conf", dir);
	teardown_gates(NULL);

	struct nsdconf_diag diag = { .sink = diag_sink };
	struct nsdconf_model *m = nsdconf_parse_file(path, &(struct nsdconf_parse_opts){
		.max_version = 4120,
	}, &diag);
	assert_non_null(m);
	walked = gate_build(m, &(struct gate_build_opts){ .cwd = build_cwd });
	indexed = gate_build(m, &(struct gate_build_opts){ .index_min = 1, .cwd = build_cwd });
	nsdconf_model_free(m);
	assert_non_null(walked);
	assert_non_null(indexed);
}

static char auth_port_text[256];

/* tls-auth-port with the test CA as tls-cert-bundle. */
static const char *with_bundle(void)
{
	snprintf(auth_port_text, sizeof(auth_port_text),
	         "\ttls-auth-port: %d\n\ttls-cert-bundle: \"%s/ca.pem\"\n", AUTH_PORT, dir);
	return auth_port_text;
}

/* What a TLS client sent: its chain, and how often the gate asked for it. */
struct chain {
	gnutls_datum_t der[CAP + 1];
	unsigned n;
	unsigned asked;
};

static const gnutls_datum_t *chain_of(const void *ctx, unsigned *n)
{
	struct chain *c = (struct chain *)ctx;
	c->asked++;
	*n = c->n;
	return c->n > 0 ? c->der : NULL;
}

/* A request: TLS to port (0: plain TCP) with the client certificate cert (NULL: none);
 * kind: AXFR unless said. */
struct req {
	unsigned port;
	const struct cert *cert;
	const char *src;
	enum gate_kind kind;
	const gnutls_datum_t *chain;   /* instead of cert: these n DER certificates */
	unsigned n;
};

static struct gate_verdict decide(const struct gate *g, struct req q, struct chain *c)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct gate_tls_peer peer = { .local_port = q.port, .chain = chain_of, .ctx = c };
	struct gate_request r = { .src = &ss, .tsig = GATE_TSIG_NONE, .key = -1,
	                          .tls = q.port != 0 ? &peer : NULL };
	knot_dname_storage_t d;

	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	in->sin_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET, q.src != NULL ? q.src : "127.0.0.1",
	                           &in->sin_addr), 1);
	memset(c, 0, sizeof(*c));
	if (q.cert != NULL) {
		c->der[c->n++] = q.cert->der;
	}
	assert_true(q.n <= sizeof(c->der) / sizeof(c->der[0]));
	for (unsigned i = 0; i < q.n; i++) {
		c->der[c->n++] = q.chain[i];
	}
	assert_non_null(knot_dname_from_str(d, "example.com", sizeof(d)));

	/* the glue's order: the handshake, tls-auth-xfr-only for transfers, the zone's ACL */
	struct gate_verdict v = gate_tls_admit(g, r.tls);
	if (v.allow && q.kind != GATE_NOTIFY) {
		v = gate_xfr_admit(g, &r);
	}
	if (v.allow) {
		v = gate_check(gate_zone_find(g, d), q.kind, &r);
	}
	gate_tls_peer_done(r.tls);
	return v;
}

/* The verdict, the same from the walked and the indexed compilation. */
static struct gate_verdict check(struct req q)
{
	struct chain c;
	struct gate_verdict a = decide(walked, q, &c), b = decide(indexed, q, &c);

	assert_int_equal(a.allow, b.allow);
	assert_int_equal(a.reason, b.reason);
	assert_int_equal(a.entry, b.entry);
	return a;
}

#define ALLOWED(entry_, ...) do { \
	struct gate_verdict v_ = check((struct req){ __VA_ARGS__ }); \
	assert_true(v_.allow); \
	assert_int_equal(v_.entry, (entry_)); \
} while (0)

#define DENIED(reason_, ...) do { \
	struct gate_verdict v_ = check((struct req){ __VA_ARGS__ }); \
	assert_false(v_.allow); \
	assert_int_equal(v_.reason, (reason_)); \
} while (0)

/* --- tests --- */

static void test_tls_auth_entry_allows_its_name_on_the_auth_port(void **state)
{
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);
	/* the name may be the first CN, in any case, when no SAN DNS entry fits */
	ALLOWED(0, .port = AUTH_PORT, .cert = &right_cn);
	/* the entry's address still has to match */
	DENIED(GATE_R_NO_MATCH, .port = AUTH_PORT, .cert = &right, .src = "127.0.0.2");
}

static void test_tls_auth_entry_skipped_off_the_auth_port(void **state)
{
	/* NSD 4.14.3 and later skip it; 4.10.1-4.14.2 let the address decide */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	DENIED(GATE_R_NO_MATCH, .port = 0);
	DENIED(GATE_R_NO_MATCH, .port = 0, .cert = &right);
	DENIED(GATE_R_NO_MATCH, .port = TLS_PORT, .cert = &right);
	/* a plain entry beside it serves the other ports */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n"
	     "\tprovide-xfr: 127.0.0.1 NOKEY\n");
	ALLOWED(1, .port = 0);
	ALLOWED(1, .port = TLS_PORT, .cert = &wrong);
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);
}

static void test_wrong_name_denies_the_whole_request(void **state)
{
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY\n"
	     "\tprovide-xfr: 10.0.0.1 NOKEY sec\n");
	/* the plain entry matched first, and the tls-auth entry of another address
	 * still checks the certificate */
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &wrong);
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &prefix);
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);
	/* two tls-auth names: no certificate here has both, so both deny */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n"
	     "\tprovide-xfr: 127.0.0.1 NOKEY other\n");
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &right);
	/* a tls-auth without auth-domain-name checks no name (NSD logs an error) */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY nodomain\n");
	ALLOWED(0, .port = AUTH_PORT, .cert = &wrong);
}

static void test_blocked_before_the_name_test_answers_first(void **state)
{
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 BLOCKED\n"
	     "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	DENIED(GATE_R_BLOCKED, .port = AUTH_PORT, .cert = &wrong);
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n"
	     "\tprovide-xfr: 127.0.0.1 BLOCKED\n");
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &wrong);
	DENIED(GATE_R_BLOCKED, .port = AUTH_PORT, .cert = &right);
}

static void test_unverified_client_gets_no_transfer_on_the_auth_port(void **state)
{
	/* NSD ends the handshake: no certificate, another CA's, or one for servers
	 * only; a plain entry for the address does not help */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n"
	     "\tprovide-xfr: 127.0.0.1 NOKEY\n");
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &stranger);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &server_only);
	ALLOWED(1, .port = 0);
}

static void test_unverified_client_refused_on_the_auth_port_whatever_the_acl(void **state)
{
	/* No tls-auth entry at all: NSD still ends the handshake of a client whose chain
	 * does not verify, so a plain NOKEY entry gives it no transfer and takes no NOTIFY */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY\n\tallow-notify: 127.0.0.1 NOKEY\n");
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &stranger);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &server_only, .kind = GATE_IXFR);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .kind = GATE_NOTIFY);
	/* a verified client goes on to the list; elsewhere nobody is asked for one */
	ALLOWED(0, .port = AUTH_PORT, .cert = &wrong);
	ALLOWED(0, .port = AUTH_PORT, .cert = &right, .kind = GATE_NOTIFY);
	ALLOWED(0, .port = TLS_PORT);
	ALLOWED(0, .port = TLS_PORT, .kind = GATE_NOTIFY);
	ALLOWED(0, .port = 0);

	/* gate_check() alone is as strict as with gate_tls_admit() before it */
	struct chain c = { 0 };
	struct gate_tls_peer peer = { .local_port = AUTH_PORT, .chain = chain_of, .ctx = &c };
	struct sockaddr_storage ss = { .ss_family = AF_INET };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct gate_request r = { .src = &ss, .tsig = GATE_TSIG_NONE, .key = -1, .tls = &peer };
	knot_dname_storage_t d;
	assert_non_null(knot_dname_from_str(d, "example.com", sizeof(d)));
	for (enum gate_kind k = GATE_AXFR; k <= GATE_NOTIFY; k++) {
		struct gate_verdict v = gate_check(gate_zone_find(walked, d), k, &r);
		assert_false(v.allow);
		assert_int_equal(v.reason, GATE_R_TLS_UNVERIFIED);
	}
	assert_int_equal(c.asked, 1);   /* memoized over the three */
	gate_tls_peer_done(&peer);
}

static void test_unverified_check_costs_only_on_the_auth_port(void **state)
{
	struct chain c;

	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY\n\tallow-notify: 127.0.0.1 NOKEY\n");
	/* the ordinary TLS port never reads the chain; the tls-auth port reads it once
	 * for the handshake test and the ACL together */
	assert_true(decide(walked, (struct req){ .port = TLS_PORT, .cert = &right }, &c).allow);
	assert_int_equal(c.asked, 0);
	assert_true(decide(walked, (struct req){ .port = AUTH_PORT, .cert = &right }, &c).allow);
	assert_int_equal(c.asked, 1);
	assert_true(decide(walked, (struct req){ .port = AUTH_PORT, .cert = &right,
	                                         .kind = GATE_NOTIFY }, &c).allow);
	assert_int_equal(c.asked, 1);
	assert_false(decide(walked, (struct req){ .port = AUTH_PORT }, &c).allow);
	assert_int_equal(c.asked, 1);
}

static void test_without_bundle_no_certificate_is_asked_so_names_fail(void **state)
{
	/* NSD sets no SSL_VERIFY_PEER without tls-cert-bundle: the client sends no
	 * certificate and every tls-auth entry's name test fails */
	snprintf(auth_port_text, sizeof(auth_port_text), "\ttls-auth-port: %d\n", AUTH_PORT);
	load(auth_port_text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n"
	     "\tprovide-xfr: 127.0.0.1 NOKEY\n");
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &right);
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT);
	ALLOWED(1, .port = 0);
	/* and no handshake ends: a plain entry lets a client without one in there */
	load(auth_port_text, "\tprovide-xfr: 127.0.0.1 NOKEY\n\tallow-notify: 127.0.0.1 NOKEY\n");
	ALLOWED(0, .port = AUTH_PORT);
	ALLOWED(0, .port = AUTH_PORT, .kind = GATE_NOTIFY);
}

static void test_no_auth_port_without_service_key(void **state)
{
	char text[512];

	/* nsd.c creates the tls-auth context only with tls-service-key and -pem: the
	 * load() server clause has them; without, nobody is tls-authenticated */
	snprintf(text, sizeof(text), "server:\n\ttls-service-key: \"\"\n%s", with_bundle());
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	DENIED(GATE_R_NO_MATCH, .port = AUTH_PORT, .cert = &right);
}

static void test_xfr_only_refuses_all_but_tls_auth(void **state)
{
	char text[512];

	snprintf(text, sizeof(text), "%s\ttls-auth-xfr-only: yes\n", with_bundle());
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n\tprovide-xfr: 127.0.0.1 NOKEY\n");
	DENIED(GATE_R_TLS_XFR_ONLY, .port = 0);
	DENIED(GATE_R_TLS_XFR_ONLY, .port = TLS_PORT, .cert = &right);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &stranger);
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);
	/* without a tls-auth entry, a verified client passes on a plain entry */
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY\n");
	ALLOWED(0, .port = AUTH_PORT, .cert = &wrong);
}

static void test_chain_is_verified_once_per_request(void **state)
{
	char text[512];
	struct chain c;

	snprintf(text, sizeof(text), "%s\ttls-auth-xfr-only: yes\n", with_bundle());
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n\tprovide-xfr: 127.0.0.2 NOKEY sec\n"
	     "\tprovide-xfr: 127.0.0.3 NOKEY sec\n");
	assert_true(decide(walked, (struct req){ .port = AUTH_PORT, .cert = &right }, &c).allow);
	assert_int_equal(c.asked, 1);
	/* without tls-cert-bundle NSD asks for no certificate: nothing to read there */
	snprintf(text, sizeof(text), "\ttls-auth-port: %d\n", AUTH_PORT);
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY\n");
	assert_true(decide(walked, (struct req){ .port = AUTH_PORT, .cert = &right }, &c).allow);
	assert_int_equal(c.asked, 0);
}

static void test_unreadable_bundle_lets_nothing_verify(void **state)
{
	char text[512];

	snprintf(text, sizeof(text), "\ttls-auth-port: %d\n\ttls-cert-bundle: \"%s/none.pem\"\n",
	         AUTH_PORT, dir);
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	assert_int_not_equal(gate_tls(walked)->bundle_err, 0);
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &right);
}

static void test_relative_bundle_is_taken_from_zonesdir(void **state)
{
	char text[512];

	/* NSD chdir()s to zonesdir before it reads tls-cert-bundle: "ca.pem" is
	 * <zonesdir>/ca.pem, not in this process's working directory */
	snprintf(text, sizeof(text), "\tzonesdir: \"%s\"\n\ttls-auth-port: %d\n"
	         "\ttls-cert-bundle: \"ca.pem\"\n", dir, AUTH_PORT);
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	assert_int_equal(gate_tls(walked)->bundle_err, 0);
	char want[256];
	snprintf(want, sizeof(want), "%s/ca.pem", dir);
	assert_string_equal(gate_tls(walked)->bundle, want);
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);

	/* a relative zonesdir is itself taken from NSD's start directory */
	build_cwd = "/tmp";
	snprintf(text, sizeof(text), "\tzonesdir: \"%s\"\n\ttls-auth-port: %d\n"
	         "\ttls-cert-bundle: \"ca.pem\"\n", dir + strlen("/tmp/"), AUTH_PORT);
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	build_cwd = NULL;
	assert_string_equal(gate_tls(walked)->bundle, want);
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);

	/* an absolute bundle stays where it is, whatever zonesdir says */
	snprintf(text, sizeof(text), "\tzonesdir: \"/nonexistent\"\n%s", with_bundle());
	load(text, "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	ALLOWED(0, .port = AUTH_PORT, .cert = &right);
}

static void test_cn_is_compared_as_its_asn1_octets(void **state)
{
	/* NSD compares the CN's ASN.1 octets: NAME in UCS-2 is 34 octets with NULs and
	 * never equals NAME, though GnuTLS would convert it to NAME in UTF-8 */
	assert_false(gate_tls_cert_matches(bmp_cn.crt, NAME));
	/* and UCS-2 octets that happen to spell a name do equal it, in NSD too */
	assert_true(gate_tls_cert_matches(bmp_abcd.crt, "abcd"));
	assert_true(gate_tls_cert_matches(bmp_abcd.crt, "ABCD"));
	assert_true(gate_tls_cert_matches(utf8_cn.crt, NAME));
	/* not a character string: no name */
	assert_false(gate_tls_cert_matches(seq_cn.crt, "ab"));

	/* through the gate: the BMPString certificate verifies and gets no transfer */
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &bmp_cn);
	ALLOWED(0, .port = AUTH_PORT, .cert = &utf8_cn);
}

/* deep_leaf[k] with the k intermediates above it, leaf first: k + 1 certificates */
static unsigned deep_chain(unsigned k, gnutls_datum_t *der)
{
	der[0] = deep_leaf[k].der;
	for (unsigned i = 1; i <= k; i++) {
		der[i] = inter[k - i].der;
	}
	return k + 1;
}

static void test_intermediate_sent_by_the_client_verifies(void **state)
{
	gnutls_datum_t der[CAP + 1];

	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	/* leaf and intermediate (n = 2) up to the bundle's CA */
	ALLOWED(0, .port = AUTH_PORT, .chain = der, .n = deep_chain(1, der));
	ALLOWED(0, .port = AUTH_PORT, .chain = der, .n = deep_chain(2, der));
	/* the leaf alone: the bundle holds no intermediate */
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &deep_leaf[1]);
	/* an intermediate of another CA's tree does not help */
	der[0] = deep_leaf[1].der;
	der[1] = other_ca.der;
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .chain = der, .n = 2);
}

static void test_chain_longer_than_the_cap_is_unverified(void **state)
{
	gnutls_datum_t der[CAP + 1];

	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	/* CAP certificates that verify; one more intermediate (which GnuTLS itself
	 * would accept) and the gate does not look */
	ALLOWED(0, .port = AUTH_PORT, .chain = der, .n = deep_chain(CAP - 1, der));
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .chain = der,
	       .n = deep_chain(CAP, der));
}

static void test_undecodable_der_is_unverified(void **state)
{
	static uint8_t junk[] = { 0x30, 0x82, 0x01, 0x00, 0xde, 0xad };
	gnutls_datum_t der[3] = {
		{ .data = junk, .size = sizeof(junk) },
	};

	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n\tprovide-xfr: 127.0.0.1 NOKEY\n");
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .chain = der, .n = 1);
	/* a good leaf and intermediate, then junk: the certificates decoded so far are
	 * freed (ASan) and nothing verifies */
	deep_chain(1, der);
	der[2] = (gnutls_datum_t){ .data = junk, .size = sizeof(junk) };
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .chain = der, .n = 3);
	der[0] = (gnutls_datum_t){ .data = junk, .size = 0 };
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .chain = der, .n = 1);
}

static void test_certificate_without_san_matches_by_cn(void **state)
{
	assert_true(gate_tls_cert_matches(cn_only.crt, NAME));
	assert_true(gate_tls_cert_matches(cn_only.crt, "SECONDARY.EXAMPLE"));
	assert_false(gate_tls_cert_matches(cn_only.crt, "secondary.exampl"));
	assert_false(gate_tls_cert_matches(cn_only_wrong.crt, NAME));
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	ALLOWED(0, .port = AUTH_PORT, .cert = &cn_only);
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &cn_only_wrong);
}

static void test_san_with_a_nul_matches_nothing(void **state)
{
	/* NAME "\0.evil.test" is not NAME, and NSD stops at such an entry: the good
	 * SAN after it is not looked at; the CN still is */
	assert_false(gate_tls_cert_matches(nul_san.crt, NAME));
	assert_false(gate_tls_cert_matches(nul_san.crt, NAME "\\0.evil.test"));
	assert_true(gate_tls_cert_matches(nul_san_cn.crt, NAME));
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	DENIED(GATE_R_TLS_NAME, .port = AUTH_PORT, .cert = &nul_san);
	ALLOWED(0, .port = AUTH_PORT, .cert = &nul_san_cn);
}

/* OpenSSL's ssl_client purpose: a key usage without signing is no client's. */
static void test_leaf_key_usage_must_allow_signing(void **state)
{
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	DENIED(GATE_R_TLS_UNVERIFIED, .port = AUTH_PORT, .cert = &ca_as_leaf);
	ALLOWED(0, .port = AUTH_PORT, .cert = &signing_leaf);
}

static void test_entry_text_names_the_tls_auth(void **state)
{
	load(with_bundle(), "\tprovide-xfr: 127.0.0.1 NOKEY sec\n");
	knot_dname_storage_t d;
	assert_non_null(knot_dname_from_str(d, "example.com", sizeof(d)));
	const struct gate_acl *l = gate_zone_acl(gate_zone_find(walked, d), GATE_AXFR);
	assert_string_equal(gate_acl_entry_text(l, 0), "127.0.0.1 NOKEY sec");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_leaf_key_usage_must_allow_signing, teardown_gates),
		cmocka_unit_test_teardown(test_tls_auth_entry_allows_its_name_on_the_auth_port,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_tls_auth_entry_skipped_off_the_auth_port,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_wrong_name_denies_the_whole_request, teardown_gates),
		cmocka_unit_test_teardown(test_blocked_before_the_name_test_answers_first,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_unverified_client_gets_no_transfer_on_the_auth_port,
		                          teardown_gates),
		cmocka_unit_test_teardown(
			test_unverified_client_refused_on_the_auth_port_whatever_the_acl,
			teardown_gates),
		cmocka_unit_test_teardown(test_unverified_check_costs_only_on_the_auth_port,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_without_bundle_no_certificate_is_asked_so_names_fail,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_no_auth_port_without_service_key, teardown_gates),
		cmocka_unit_test_teardown(test_xfr_only_refuses_all_but_tls_auth, teardown_gates),
		cmocka_unit_test_teardown(test_chain_is_verified_once_per_request, teardown_gates),
		cmocka_unit_test_teardown(test_unreadable_bundle_lets_nothing_verify, teardown_gates),
		cmocka_unit_test_teardown(test_relative_bundle_is_taken_from_zonesdir,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_cn_is_compared_as_its_asn1_octets, teardown_gates),
		cmocka_unit_test_teardown(test_intermediate_sent_by_the_client_verifies,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_chain_longer_than_the_cap_is_unverified,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_undecodable_der_is_unverified, teardown_gates),
		cmocka_unit_test_teardown(test_certificate_without_san_matches_by_cn,
		                          teardown_gates),
		cmocka_unit_test_teardown(test_san_with_a_nul_matches_nothing, teardown_gates),
		cmocka_unit_test_teardown(test_entry_text_names_the_tls_auth, teardown_gates),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
