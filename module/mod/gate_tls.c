/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, TLS: which requests NSD 4.12 calls tls-auth, and whose certificate names fit. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <libknot/errcode.h>

#include "conf/zonefile.h"
#include "mod/gate_tls.h"

/* A peer sends its chain in one TLS message; a longer one than this is no chain a CA
 * bundle vouches for, and the cap bounds the work a peer can ask for (at most this many
 * DER decodes and signature checks a request). A longer chain is unverified, silently:
 * the refusal logs as any other. NSD has no cap of its own (OpenSSL's default depth);
 * doc/mod-nsd.md "XFR over TLS" says so. */
#define CHAIN_MAX	16

static const char *str_of(const struct nsdconf_model *m, int slot)
{
	const char *s = m->global_set[slot] ? m->global[slot].str : NULL;
	return s != NULL && s[0] != '\0' ? s : NULL;
}

int gate_tls_conf_init(struct gate_tls_conf *c, const struct nsdconf_model *m,
                       const char *cwd, struct nsdconf_arena *arena)
{
	memset(c, 0, sizeof(*c));
	/* NSD opens its tls-auth port only with a service key and certificate
	 * (nsd.c: tls_auth_ctx); without them nobody is tls-authenticated. */
	c->auth_port_on = m->global_set[NSDCONF_G_TLS_AUTH_PORT] &&
	                  str_of(m, NSDCONF_G_TLS_SERVICE_KEY) != NULL &&
	                  str_of(m, NSDCONF_G_TLS_SERVICE_PEM) != NULL;
	c->auth_port = (unsigned)m->global[NSDCONF_G_TLS_AUTH_PORT].num;
	c->xfr_only = m->global_set[NSDCONF_G_TLS_AUTH_XFR_ONLY] &&
	              m->global[NSDCONF_G_TLS_AUTH_XFR_ONLY].num != 0;

	const char *bundle = str_of(m, NSDCONF_G_TLS_CERT_BUNDLE);
	if (!c->auth_port_on || bundle == NULL) {
		return KNOT_EOK;
	}
	/* NSD chdir()s to zonesdir before it creates its TLS contexts (nsd.c), so a
	 * relative bundle is relative to zonesdir, as a relative zonefile is. */
	const char *own = nsdconf_arena_strdup(arena, bundle);
	c->bundle = own != NULL ? nsdconf_zonefile_path(own, nsdconf_gstr(m, NSDCONF_G_ZONESDIR),
	                                                cwd, arena) : NULL;
	if (c->bundle == NULL || gnutls_x509_trust_list_init(&c->trust, 0) < 0) {
		c->trust = NULL;
		return KNOT_ENOMEM;
	}
	int ret = gnutls_x509_trust_list_add_trust_file(c->trust, c->bundle, NULL,
	                                                GNUTLS_X509_FMT_PEM, 0, 0);
	if (ret <= 0) {
		/* NSD would not start; here nothing verifies, so nothing is let in. */
		c->bundle_err = ret < 0 ? ret : GNUTLS_E_NO_CERTIFICATE_FOUND;
	}
	return KNOT_EOK;
}

void gate_tls_conf_clear(struct gate_tls_conf *c)
{
	if (c->trust != NULL) {
		gnutls_x509_trust_list_deinit(c->trust, 1);
		c->trust = NULL;
	}
}

/* OpenSSL's ssl_client purpose also looks at the leaf's key usage, which GnuTLS's
 * purpose check does not: when the extension is there it must allow signing or key
 * agreement. A CA certificate (keyCertSign alone) is no client, however it chains. */
static bool client_key_usage(gnutls_x509_crt_t leaf)
{
	unsigned usage = 0, critical = 0;
	int ret = gnutls_x509_crt_get_key_usage(leaf, &usage, &critical);

	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
		return true;
	}
	return ret >= 0 && (usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_AGREEMENT));
}

/* The chain verifies against the bundle for a TLS client, as OpenSSL's SSL_VERIFY_PEER
 * on NSD's server side does (purpose ssl_client: the extended key usage, if any, allows
 * TLS clients, and the key usage, if any, signing). The leaf is kept for the names. */
static bool verify(const struct gate_tls_conf *c, struct gate_tls_peer *p)
{
	unsigned n = 0;
	const gnutls_datum_t *der = p->chain != NULL ? p->chain(p->ctx, &n) : NULL;
	gnutls_x509_crt_t crt[CHAIN_MAX];
	unsigned got = 0;
	bool ok = false;

	if (der == NULL || n == 0 || n > CHAIN_MAX || c->bundle_err != 0) {
		return false;
	}
	for (; got < n; got++) {
		if (gnutls_x509_crt_init(&crt[got]) < 0) {
			break;
		}
		if (gnutls_x509_crt_import(crt[got], &der[got], GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crt[got]);
			break;
		}
	}
	if (got == n) {
		gnutls_typed_vdata_st purpose = {
			.type = GNUTLS_DT_KEY_PURPOSE_OID,
			.data = (void *)GNUTLS_KP_TLS_WWW_CLIENT,
		};
		unsigned status = 0;
		ok = gnutls_x509_trust_list_verify_crt2(c->trust, crt, n, &purpose, 1, 0,
		                                        &status, NULL) >= 0 && status == 0 &&
		     client_key_usage(crt[0]);
	}
	for (unsigned i = 0; i < got; i++) {
		if (ok && i == 0) {
			p->leaf = crt[0];
		} else {
			gnutls_x509_crt_deinit(crt[i]);
		}
	}
	return ok;
}

enum gate_tls_state gate_tls_state(const struct gate_tls_conf *c, struct gate_tls_peer *p)
{
	if (p == NULL || !c->auth_port_on || p->local_port != c->auth_port) {
		return GATE_TLS_PLAIN;
	}
	if (p->state == 0) {
		/* Without a bundle NSD asks for no certificate: authenticated, nameless. */
		bool ok = c->trust == NULL || verify(c, p);
		p->state = 1 + (ok ? GATE_TLS_AUTH : GATE_TLS_UNVERIFIED);
	}
	return (enum gate_tls_state)(p->state - 1);
}

/* NSD compares length and then strncasecmp: a name with a NUL inside never matches. */
static bool same_name(const char *got, size_t len, const char *name, size_t name_len)
{
	return len == name_len && strncasecmp(got, name, len) == 0;
}

/* The ASN.1 string types a CN is written in whose content octets OpenSSL keeps as they
 * are (ASN1_STRING data, never converted), which is what NSD compares. Other tags (a
 * SEQUENCE, say, kept by OpenSSL with its tag and length) are no name here. */
static bool cn_string_tag(uint8_t tag)
{
	switch (tag) {
	case 0x0c:   /* UTF8String */
	case 0x12:   /* NumericString */
	case 0x13:   /* PrintableString */
	case 0x14:   /* T61String */
	case 0x16:   /* IA5String */
	case 0x1a:   /* VisibleString */
	case 0x1c:   /* UniversalString: 4 octets a character */
	case 0x1e:   /* BMPString: 2 octets a character */
		return true;
	default:
		return false;
	}
}

/* The content octets of the DER string der (tag, length, content), which must span
 * len exactly; false for anything else. */
static bool der_string(const uint8_t *der, size_t len, const uint8_t **val, size_t *val_len)
{
	size_t hdr = 2, n;

	if (len < 2 || !cn_string_tag(der[0])) {
		return false;
	}
	n = der[1];
	if (n & 0x80) {
		/* long form; more than 2 length octets cannot fit the caller's buffer */
		size_t k = n & 0x7f;
		if (k == 0 || k > 2 || len < hdr + k) {
			return false;
		}
		n = 0;
		for (size_t i = 0; i < k; i++) {
			n = (n << 8) | der[hdr + i];
		}
		hdr += k;
	}
	if (n != len - hdr) {
		return false;
	}
	*val = der + hdr;
	*val_len = n;
	return true;
}

bool gate_tls_cert_matches(gnutls_x509_crt_t cert, const char *name)
{
	size_t name_len = strlen(name);
	char buf[256];

	/* SAN DNS entries first; NSD stops at a malformed one (a NUL inside). */
	for (unsigned seq = 0;; seq++) {
		size_t len = sizeof(buf);
		unsigned critical;
		int type = gnutls_x509_crt_get_subject_alt_name(cert, seq, buf, &len, &critical);
		if (type == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			continue;   /* longer than any name that can match */
		}
		if (type < 0) {
			break;
		}
		if (type != GNUTLS_SAN_DNSNAME) {
			continue;
		}
		if (same_name(buf, len, name, name_len)) {
			return true;
		}
		if (memchr(buf, '\0', len) != NULL) {
			break;
		}
	}

	/* Then the first CN of the subject, whatever the SANs said, compared as NSD does:
	 * its ASN.1 content octets as they are. GnuTLS would convert a BMPString or
	 * UniversalString to UTF-8 (raw flag 0), making "secondary.example" in UCS-2 match
	 * where NSD sees 34 octets with NULs; the raw flag gives the DER instead. */
	uint8_t der[520];
	size_t len = sizeof(der), val_len;
	const uint8_t *val;
	if (gnutls_x509_crt_get_dn_by_oid(cert, GNUTLS_OID_X520_COMMON_NAME, 0, 1,
	                                  der, &len) < 0 ||
	    !der_string(der, len, &val, &val_len)) {
		return false;
	}
	return same_name((const char *)val, val_len, name, name_len);
}

bool gate_tls_name_matches(const struct gate_tls_peer *p, const char *name)
{
	return p != NULL && p->leaf != NULL && name != NULL && gate_tls_cert_matches(p->leaf, name);
}

void gate_tls_peer_done(struct gate_tls_peer *p)
{
	if (p != NULL && p->leaf != NULL) {
		gnutls_x509_crt_deinit(p->leaf);
		p->leaf = NULL;
	}
}
