/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The knotd versions the Knot mapping writes for, and what each one can express. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/options.h"

/* Versions in KNOT_VERSION_HEX's form, 0xMMmmpp: 0x030406 is 3.4.6. */
#define KNOTMAP_KNOT_OLDEST 0x030200
#define KNOTMAP_KNOT_NEWEST 0x0305ff   /* every 3.5 release */

/* Where a feature the mapping uses appeared (the tags' sources and NEWS):
 * mod-rrl's per-address rate with prefix multipliers, instant-limit, time-rate-limit */
#define KNOTMAP_KNOT_RRL_PER_ADDRESS 0x030400
/* server.listen-tls, key-file, cert-file; remote.tls (XFR over TLS) */
#define KNOTMAP_KNOT_TLS 0x030400
/* acl.protocol: a rule for TLS only */
#define KNOTMAP_KNOT_ACL_PROTOCOL 0x030401
/* mod-cookies secret: a second value that only verifies (NEWS 3.4.2) */
#define KNOTMAP_KNOT_COOKIE_SECRETS 0x030402
/* remote/acl cert-hostname and server.ca-file: certificates checked by name */
#define KNOTMAP_KNOT_CERT_HOSTNAME 0x030500

/* The knotd (libknot) this was built against. */
unsigned knotmap_knot_build(void);
/* "3.4" (3.4.0) or "3.4.6" as a version the mapping writes for; 0 for anything else. */
unsigned knotmap_knot_parse(const char *text);
/* "3.4.6"; "3.4" for 3.4.0 (what --knot-version 3.4 names) */
void knotmap_knot_format(unsigned version, char *buf, size_t len);

/* An option's verdict for a knotd version: its table row's, unless that knotd changed
 * what the option can become (the table holds knotd 3.2's verdicts). */
struct knotmap_verdict {
	enum nsdconf_knot knot;
	const char *note;
};
struct knotmap_verdict knotmap_row_verdict(unsigned version, const struct nsdconf_option *o);
