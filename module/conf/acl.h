/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ACL entries: NSD's ip-spec syntax (parse_acl_info) and matching (acl_check_incoming). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/arena.h"

enum nsdconf_acl_range {
	NSDCONF_RANGE_SINGLE = 0,
	NSDCONF_RANGE_MASK,     /* addr&mask */
	NSDCONF_RANGE_SUBNET,   /* addr/len (mask computed) */
	NSDCONF_RANGE_MINMAX,   /* low-high */
};

enum nsdconf_acl_key {
	NSDCONF_ACL_KEY = 0,    /* key_name names a key: clause */
	NSDCONF_ACL_NOKEY,
	NSDCONF_ACL_BLOCKED,
};

struct nsdconf_acl {
	struct nsdconf_acl *next;
	const char *spec;        /* ip-address-spec as written, "@port" included */
	const char *key_name;    /* for NSDCONF_ACL_KEY: exact string from the config */
	const char *tls_auth;    /* optional tls-auth name, NULL if none */
	enum nsdconf_acl_key key;
	bool axfr_only;          /* request-xfr: AXFR */
	bool udp;                /* request-xfr: UDP */
	bool ipv6;
	enum nsdconf_acl_range range;
	uint32_t port;           /* 0 = any source port; NSD keeps atoi()'s value
	                          * unchecked (@70000 never matches, @-1 is
	                          * 4294967295), so 16 bits would change verdicts */
	uint8_t addr[16];        /* network byte order; IPv4 in the first 4 bytes */
	uint8_t mask[16];        /* mask (MASK, SUBNET) or high end (MINMAX) */
	const char *file;        /* where the entry was written */
	int line;
};

/* Reports one parse error; msg is NSD's exact text (e.g. "Bad ip4 address '1.2.3'"). */
typedef void (*nsdconf_acl_err_t)(void *ctx, const char *msg);

/* Parses an ip-spec into acl (spec stored in arena). NSD reports errors and still
 * keeps the entry, so this always fills what it can; returns the number of errors,
 * or KNOT_ENOMEM (nothing reported). Sets spec, ipv6, range, port, addr and mask
 * only; err may be NULL. */
int nsdconf_acl_parse_spec(struct nsdconf_acl *acl, const char *spec,
                           struct nsdconf_arena *arena, nsdconf_acl_err_t err, void *ctx);

/* Parses the key field: "NOKEY", "BLOCKED" (exact case) or a key name (copied into
 * arena): KNOT_EOK or KNOT_ENOMEM. */
int nsdconf_acl_parse_key(struct nsdconf_acl *acl, const char *key, struct nsdconf_arena *arena);

/* Copy of one entry, unlinked, for a list of the same model (include-pattern
 * appends copies), or NULL when out of memory: its strings are shared with src, so
 * src's must live in that model's arena (or longer). */
struct nsdconf_acl *nsdconf_acl_copy(const struct nsdconf_acl *src, struct nsdconf_arena *arena);

/* Address test of one entry against a request's source (NSD acl_addr_matches, with
 * its port rule and, for MINMAX, NSD's host-byte-order comparison; see acl.c). */
bool nsdconf_acl_addr_matches(const struct nsdconf_acl *acl, const struct sockaddr_storage *src);

/* "ip4|ip6 noport|port=N single|masked|subnet|minmax addr=A [rangemask=M]" as
 * nsd-checkconf -vv prints it (without the leading "\t# " and newline). */
void nsdconf_acl_detail(const struct nsdconf_acl *acl, char *buf, size_t len);
