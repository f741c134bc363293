/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, TLS: NSD's tls-auth port, its client certificate check and tls-auth names. */
#pragma once

#include <stdbool.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "conf/model.h"

/* The TLS side of a transfer request (knotd 3.4+), filled by the caller; the state and
 * leaf are the gate's memo, so that a request's chain is verified at most once. */
struct gate_tls_peer {
	unsigned local_port;    /* the port the request came to */
	/* The client's certificate chain, DER, leaf first (*n 0: it sent none). Asked only
	 * when a rule needs it. */
	const gnutls_datum_t *(*chain)(const void *ctx, unsigned *n);
	const void *ctx;
	int state;              /* enum gate_tls_state + 1; 0: not yet known */
	gnutls_x509_crt_t leaf; /* the verified client certificate, NULL if none */
};

/* What NSD would have made of the connection. */
enum gate_tls_state {
	GATE_TLS_PLAIN,         /* not TLS on the tls-auth port: tls-auth entries skipped */
	GATE_TLS_UNVERIFIED,    /* on the tls-auth port, no client certificate that
	                         * verifies against tls-cert-bundle: NSD ends the handshake */
	GATE_TLS_AUTH,          /* NSD's q->tls_auth: tls-auth entries check the name */
};

/* server: tls-auth-port, tls-auth-xfr-only and tls-cert-bundle, as NSD 4.12 uses them. */
struct gate_tls_conf {
	bool auth_port_on;      /* NSD listens there: tls-auth-port, tls-service-key, -pem */
	unsigned auth_port;
	bool xfr_only;          /* tls-auth-xfr-only */
	/* tls-cert-bundle's certificates; NULL when unset: NSD then asks for no client
	 * certificate, so no tls-auth name can match */
	gnutls_x509_trust_list_t trust;
	const char *bundle;     /* its path as opened (zonesdir joined), for the log */
	int bundle_err;         /* GnuTLS error reading it (nothing then verifies), or 0 */
};

/* Reads the model's settings and the bundle (at build time, never on the query path).
 * A relative tls-cert-bundle is taken from zonesdir, itself from cwd (NSD's start
 * directory) when relative. KNOT_EOK or KNOT_ENOMEM; a bundle that cannot be read sets
 * bundle_err. */
int gate_tls_conf_init(struct gate_tls_conf *c, const struct nsdconf_model *m,
                       const char *cwd, struct nsdconf_arena *arena);
void gate_tls_conf_clear(struct gate_tls_conf *c);

/* The request's state (p NULL: not TLS), computed once per p. */
enum gate_tls_state gate_tls_state(const struct gate_tls_conf *c, struct gate_tls_peer *p);

/* NSD's acl_tls_hostname_matches on the verified client certificate: a SAN DNS entry,
 * else the first CN, equal to name in length and without case. False without one. */
bool gate_tls_name_matches(const struct gate_tls_peer *p, const char *name);

/* The same test on one certificate (unit tests). */
bool gate_tls_cert_matches(gnutls_x509_crt_t cert, const char *name);

/* Frees the memo (the leaf). p NULL is fine. */
void gate_tls_peer_done(struct gate_tls_peer *p);
