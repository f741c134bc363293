/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What differs between knotd 3.2 (module ABI 400), 3.3 (500) and 3.4/3.5 (600) for mod-nsd. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gnutls/gnutls.h>
#include <knot/module.h>

/* knotd 3.4 added DNS over TLS (XoT): KNOTD_QUERY_PROTO_TLS and params->tls_conn, whose
 * struct is public in libknot's <libknot/quic/tls.h> (3.4.6 and 3.5.6 alike). */
#if KNOTD_MOD_ABI_VERSION >= 600
#define KNOTD_COMPAT_TLS	1
#include <libknot/quic/tls.h>
#else
#define KNOTD_COMPAT_TLS	0
#endif

/* A request on a stream (TCP, TLS, QUIC): one request, possibly many answer messages,
 * and where NSD serves AXFR. Only UDP is not (knotd has QUIC in its enum from 3.2). */
static inline bool knotd_compat_stream(const knotd_qdata_t *qdata)
{
	return qdata->params->proto != KNOTD_QUERY_PROTO_UDP;
}

/* A request that came over TLS (never before knotd 3.4). */
static inline bool knotd_compat_tls(const knotd_qdata_t *qdata)
{
#if KNOTD_COMPAT_TLS
	return qdata->params->proto == KNOTD_QUERY_PROTO_TLS && qdata->params->tls_conn != NULL &&
	       qdata->params->tls_conn->session != NULL;
#else
	(void)qdata;
	return false;
#endif
}

/* The certificate chain the client of a TLS request sent (DER, leaf first; knotd 3.4 asks
 * for one, GNUTLS_CERT_REQUEST, and verifies none). NULL and *n 0 when none. */
static inline const gnutls_datum_t *knotd_compat_tls_peers(const knotd_qdata_t *qdata,
                                                           unsigned *n)
{
	*n = 0;
#if KNOTD_COMPAT_TLS
	if (knotd_compat_tls(qdata)) {
		return gnutls_certificate_get_peers(qdata->params->tls_conn->session, n);
	}
#endif
	return NULL;
}

/* The local port of a TLS request (knotd fills params->local for TCP and TLS from 3.3);
 * 0 for anything else. */
static inline unsigned knotd_compat_tls_local_port(const knotd_qdata_t *qdata)
{
#if KNOTD_COMPAT_TLS
	const struct sockaddr_storage *ss = qdata->params->local;
	if (knotd_compat_tls(qdata) && ss != NULL) {
		if (ss->ss_family == AF_INET6) {
			return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
		}
		if (ss->ss_family == AF_INET) {
			return ntohs(((const struct sockaddr_in *)ss)->sin_port);
		}
	}
#endif
	(void)qdata;
	return 0;
}
