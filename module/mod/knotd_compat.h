/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What differs between knotd 3.2 (module ABI 400), 3.3 (500) and 3.4/3.5 (600) for mod-nsd. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <knot/module.h>

/* knotd 3.4 added DNS over TLS (XoT): KNOTD_QUERY_PROTO_TLS and params->tls_conn, whose
 * struct is public in libknot's <libknot/quic/tls.h> (3.4.6 and 3.5.6 alike). */
#if KNOTD_MOD_ABI_VERSION >= 600
#define KNOTD_COMPAT_TLS	1
#include <gnutls/gnutls.h>
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
	return qdata->params->proto == KNOTD_QUERY_PROTO_TLS && qdata->params->tls_conn != NULL;
#else
	(void)qdata;
	return false;
#endif
}

#if KNOTD_COMPAT_TLS
/* The GnuTLS session of a TLS request (knotd_compat_tls() true), its handshake done. */
static inline gnutls_session_t knotd_compat_tls_session(const knotd_qdata_t *qdata)
{
	return qdata->params->tls_conn->session;
}

/* The local address a TLS request came to (knotd fills it for TCP and TLS from 3.3). */
static inline const struct sockaddr_storage *knotd_compat_local_addr(const knotd_qdata_t *qdata)
{
	return qdata->params->local;
}
#endif
