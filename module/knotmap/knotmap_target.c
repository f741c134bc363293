/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The knotd versions the mapping writes for, and the option verdicts that change with them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/version.h>

#include "knotmap/knotmap_target.h"

#define S NSDCONF_CL_SERVER
#define TA NSDCONF_CL_TLS_AUTH
#define G(x) NSDCONF_G_##x
#define K(x) NSDCONF_K_##x

/* A row's verdict from knotd <since> on. The option table holds knotd 3.2's verdicts;
 * for one option, later changes come after earlier ones (the last that applies wins). */
struct target_change {
	enum nsdconf_clause clause;
	int slot;
	unsigned since;
	enum nsdconf_knot knot;
	const char *note;
};

static const struct target_change changes[] = {
	/* mod-rrl 3.4: rate-limit is per client address, prefixes get fixed multiples */
	{ S, G(RRL_RATELIMIT), KNOTMAP_KNOT_RRL_PER_ADDRESS, K(APPROX),
	  "mod-rrl rate-limit and instant-limit per client address, where NSD counts per "
	  "prefix and answer kind; time-rate-limit: 0, as NSD limits no TCP" },
	{ S, G(RRL_SIZE), KNOTMAP_KNOT_RRL_PER_ADDRESS, K(EXACT),
	  "mod-rrl table-size, which knotd rounds up to a power of two" },
	{ S, G(RRL_IPV4_PREFIX_LENGTH), KNOTMAP_KNOT_RRL_PER_ADDRESS, K(APPROX),
	  "mod-rrl limits each IPv4 address, its /24 (32x), /20 (256x) and /18 (768x), always" },
	{ S, G(RRL_IPV6_PREFIX_LENGTH), KNOTMAP_KNOT_RRL_PER_ADDRESS, K(APPROX),
	  "mod-rrl limits each IPv6 address, its /64 (2x), /56 (3x), /48 (4x) and /32 (64x), always" },

	/* XFR over TLS, 3.4 */
	{ S, G(TLS_SERVICE_KEY), KNOTMAP_KNOT_TLS, K(EXACT), "server.key-file" },
	{ S, G(TLS_SERVICE_PEM), KNOTMAP_KNOT_TLS, K(EXACT), "server.cert-file" },
	{ S, G(TLS_SERVICE_OCSP), KNOTMAP_KNOT_TLS, K(UNSUPPORTED), "knotd staples no OCSP response" },
	{ S, G(TLS_PORT), KNOTMAP_KNOT_TLS, K(EXACT), "server.listen-tls addr@port" },
	{ S, G(TLS_CERT_BUNDLE), KNOTMAP_KNOT_TLS, K(APPROX),
	  "mod-nsd checks tls-auth-port clients against it; knotd 3.4 checks no certificate "
	  "against a CA (server.ca-file is 3.5)" },
	{ S, G(TLS_AUTH_PORT), KNOTMAP_KNOT_TLS, K(APPROX),
	  "server.listen-tls addr@port; knotd asks for a client certificate but does not demand it" },
	{ S, G(TLS_AUTH_XFR_ONLY), KNOTMAP_KNOT_TLS, K(MODULE),
	  "mod-nsd refuses a transfer not over TLS to tls-auth-port with a verified client "
	  "certificate (REFUSED, EDE 18); knotd alone: not supported (acl protocol is 3.4.1)" },
	{ TA, NSDCONF_T_NAME_SLOT, KNOTMAP_KNOT_TLS, K(APPROX),
	  "request-xfr: remote tls: on, the primary's certificate is not checked by name; "
	  "provide-xfr: needs acl protocol (knotd 3.4.1)" },
	{ TA, NSDCONF_T_AUTH_DOMAIN_NAME, KNOTMAP_KNOT_TLS, K(UNSUPPORTED),
	  "knotd 3.4 checks no certificate name (cert-hostname is 3.5); with mod-nsd, "
	  "provide-xfr clients are checked as NSD checks them (see each provide-xfr)" },
	{ TA, NSDCONF_T_CLIENT_CERT, KNOTMAP_KNOT_TLS, K(APPROX),
	  "knotd presents its server.cert-file as client certificate" },
	{ TA, NSDCONF_T_CLIENT_KEY, KNOTMAP_KNOT_TLS, K(APPROX),
	  "knotd uses its server.key-file for the client certificate" },
	{ TA, NSDCONF_T_CLIENT_KEY_PW, KNOTMAP_KNOT_TLS, K(UNSUPPORTED),
	  "knotd reads no encrypted key" },
	{ S, G(TLS_AUTH_XFR_ONLY), KNOTMAP_KNOT_ACL_PROTOCOL, K(MODULE),
	  "mod-nsd refuses a transfer not over TLS to tls-auth-port with a verified client "
	  "certificate (REFUSED, EDE 18); knotd alone: acl protocol: tls on every transfer "
	  "rule, on any listen-tls address, without a client certificate" },
	{ TA, NSDCONF_T_NAME_SLOT, KNOTMAP_KNOT_ACL_PROTOCOL, K(APPROX),
	  "request-xfr: remote tls: on; provide-xfr: acl protocol: tls; knotd 3.4 checks no "
	  "certificate name" },

	/* mod-cookies 3.4.2: a second secret, which only verifies */
	{ S, G(COOKIE_STAGING_SECRET), KNOTMAP_KNOT_COOKIE_SECRETS, K(EXACT),
	  "mod-cookies second secret: it verifies, the first creates" },
	{ S, G(COOKIE_SECRET_FILE), KNOTMAP_KNOT_COOKIE_SECRETS, K(APPROX),
	  "mod-cookies secret: the file's secrets as they read at conversion" },

	/* 3.5: certificates checked by name against server.ca-file */
	{ S, G(TLS_CERT_BUNDLE), KNOTMAP_KNOT_CERT_HOSTNAME, K(APPROX),
	  "server.ca-file with the system's CAs, which NSD uses for primaries only" },
	{ TA, NSDCONF_T_NAME_SLOT, KNOTMAP_KNOT_CERT_HOSTNAME, K(EXACT),
	  "request-xfr: remote tls + cert-hostname; provide-xfr: acl protocol: tls, and "
	  "the name checked by mod-nsd (natively acl cert-hostname)" },
	{ TA, NSDCONF_T_AUTH_DOMAIN_NAME, KNOTMAP_KNOT_CERT_HOSTNAME, K(APPROX),
	  "remote cert-hostname, as NSD checks primaries; provide-xfr: mod-nsd compares it "
	  "as NSD does, knotd alone (acl cert-hostname) as GnuTLS does (see each provide-xfr)" },
};

unsigned knotmap_knot_build(void)
{
	return KNOT_VERSION_HEX;
}

/* One decimal number of a version text, up to the next dot or the end. */
static bool version_part(const char **s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (**s < '0' || **s > '9') {
		return false;
	}
	v = strtoul(*s, &end, 10);
	if (v > max || (*end != '\0' && *end != '.')) {
		return false;
	}
	*out = (unsigned)v;
	*s = *end == '.' ? end + 1 : end;
	return *end == '.' ? **s != '\0' : true;
}

unsigned knotmap_knot_parse(const char *text)
{
	unsigned major, minor, patch = 0, v;
	const char *s = text;

	if (s == NULL || !version_part(&s, 255, &major) || *s == '\0' ||
	    !version_part(&s, 255, &minor)) {
		return 0;
	}
	if (*s != '\0' && (!version_part(&s, 255, &patch) || *s != '\0')) {
		return 0;
	}
	v = major << 16 | minor << 8 | patch;
	return v >= KNOTMAP_KNOT_OLDEST && v <= KNOTMAP_KNOT_NEWEST ? v : 0;
}

void knotmap_knot_format(unsigned version, char *buf, size_t len)
{
	/* X.Y.0 is what --knot-version X.Y names, and reads back as it */
	if ((version & 0xff) == 0) {
		snprintf(buf, len, "%u.%u", version >> 16, version >> 8 & 0xff);
	} else {
		snprintf(buf, len, "%u.%u.%u", version >> 16, version >> 8 & 0xff, version & 0xff);
	}
}

struct knotmap_verdict knotmap_row_verdict(unsigned version, const struct nsdconf_option *o)
{
	struct knotmap_verdict v = { (enum nsdconf_knot)o->knot, o->knot_note };

	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		const struct target_change *ch = &changes[i];

		if ((o->clauses & NSDCONF_IN(ch->clause)) && o->slot == ch->slot &&
		    version >= ch->since) {
			v.knot = ch->knot;
			v.note = ch->note;
		}
	}
	return v;
}
