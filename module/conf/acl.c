/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ACL entries: NSD 4.6.1's ip-spec parser, address matching and -vv detail line. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/acl.h"

/*
 * NSD parses every number in an ip-spec with atoi(). glibc's atoi is exactly
 * (int)strtol(s, NULL, 10): leading blanks and a sign are accepted, trailing
 * junk is ignored, and values beyond int are truncated to 32 bits
 * ("@99999999999" gives port 1215752191, verified with nsd-checkconf 4.6.1).
 * Spelling it out keeps that behaviour defined for us.
 */
static int nsd_atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

struct spec_errors {
	nsdconf_acl_err_t fn;
	void *ctx;
	int count;
};

static void __attribute__((format(printf, 2, 3)))
spec_error(struct spec_errors *e, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	e->count++;
	if (e->fn == NULL) {
		return;
	}
	va_start(ap, fmt);
	/* The quoted part is user text of any length; NSD's checkconf does not
	 * truncate it either (it prints with vfprintf). */
	if (vasprintf(&msg, fmt, ap) < 0) {
		msg = NULL;
	}
	va_end(ap);
	e->fn(e->ctx, msg != NULL ? msg : "out of memory");
	free(msg);
}

/* NSD (parse_acl_is_ipv6): the first '.' or ':' decides; neither means IPv4. */
static bool spec_is_ipv6(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			return false;
		}
		if (*p == ':') {
			return true;
		}
	}
	return false;
}

/* NSD (parse_acl_range_type): '&' beats '/', which beats '-'; the first
 * occurrence of the winning character splits the text in place. */
static enum nsdconf_acl_range split_range(char *ip, char **second)
{
	static const struct {
		char sep;
		enum nsdconf_acl_range range;
	} order[] = {
		{ '&', NSDCONF_RANGE_MASK },
		{ '/', NSDCONF_RANGE_SUBNET },
		{ '-', NSDCONF_RANGE_MINMAX },
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		char *p = strchr(ip, order[i].sep);
		if (p != NULL) {
			*p = '\0';
			*second = p + 1;
			return order[i].range;
		}
	}
	*second = NULL;
	return NSDCONF_RANGE_SINGLE;
}

/* NSD (parse_acl_range_subnet): on error the mask stays all zero. */
static void parse_subnet(const char *text, uint8_t *mask, int maxbits,
                         struct spec_errors *e)
{
	int bits = nsd_atoi(text);

	if (bits == 0 && strcmp(text, "0") != 0) {
		spec_error(e, "bad subnet range '%s'", text);
		return;
	}
	if (bits < 0 || bits > maxbits) {
		spec_error(e, "subnet of %d bits out of range [0..%d]", bits, maxbits);
		return;
	}
	for (; bits >= 8; bits -= 8) {
		*mask++ = 0xff;
	}
	if (bits > 0) {
		*mask = (uint8_t)(0xff00 >> bits);
	}
}

/* Port suffix: split at the last '@'. NSD keeps atoi()'s value unchecked, so
 * "@70000" stays 70000 (never equal to a real port) and "@-1" is 4294967295. */
static void parse_port(struct nsdconf_acl *acl, char *ip, struct spec_errors *e)
{
	char *at = strrchr(ip, '@');
	int port;

	if (at == NULL) {
		return;
	}
	port = nsd_atoi(at + 1);
	if (port == 0) {
		spec_error(e, "expected port number after '@'");
	} else {
		acl->port = (uint32_t)port;
	}
	*at = '\0';
}

static void parse_addresses(struct nsdconf_acl *acl, const char *ip,
                            const char *second, struct spec_errors *e)
{
	int af = acl->ipv6 ? AF_INET6 : AF_INET;
	const char *fam = acl->ipv6 ? "ip6" : "ip4";

	/* inet_pton leaves the destination untouched on failure, which keeps
	 * NSD's all-zero address for a bad entry. */
	if (inet_pton(af, ip, acl->addr) != 1) {
		spec_error(e, "Bad %s address '%s'", fam, ip);
	}
	switch (acl->range) {
	case NSDCONF_RANGE_MASK:
	case NSDCONF_RANGE_MINMAX:
		if (inet_pton(af, second, acl->mask) != 1) {
			spec_error(e, "Bad %s address mask '%s'", fam, second);
		}
		break;
	case NSDCONF_RANGE_SUBNET:
		parse_subnet(second, acl->mask, acl->ipv6 ? 128 : 32, e);
		break;
	case NSDCONF_RANGE_SINGLE:
		break;
	}
}

int nsdconf_acl_parse_spec(struct nsdconf_acl *acl, const char *spec,
                           struct nsdconf_arena *arena, nsdconf_acl_err_t err, void *ctx)
{
	struct spec_errors e = { .fn = err, .ctx = ctx };
	char *ip = nsdconf_arena_strdup(arena, spec);   /* scratch, cut in place */
	char *second;

	acl->spec = nsdconf_arena_strdup(arena, spec);
	acl->port = 0;
	memset(acl->addr, 0, sizeof(acl->addr));
	memset(acl->mask, 0, sizeof(acl->mask));
	if (ip == NULL || acl->spec == NULL) {
		return KNOT_ENOMEM;
	}

	/* NSD's order matters: "@port" is cut off first (at the last '@'), so
	 * "1.2.3.4/24@53" works and "1.2.3.4@53/24" is a single address with
	 * port 53 (atoi stops at '/'); then the range, then the family of what
	 * is left of the first address. */
	parse_port(acl, ip, &e);
	acl->range = split_range(ip, &second);
	acl->ipv6 = spec_is_ipv6(ip);
	parse_addresses(acl, ip, second, &e);
	return e.count;
}

int nsdconf_acl_parse_key(struct nsdconf_acl *acl, const char *key,
                          struct nsdconf_arena *arena)
{
	/* strcmp in NSD: "nokey" or "Blocked" are key names (and then fail the
	 * key look-up), not the keywords. */
	acl->key_name = NULL;
	if (strcmp(key, "NOKEY") == 0) {
		acl->key = NSDCONF_ACL_NOKEY;
	} else if (strcmp(key, "BLOCKED") == 0) {
		acl->key = NSDCONF_ACL_BLOCKED;
	} else {
		acl->key = NSDCONF_ACL_KEY;
		acl->key_name = nsdconf_arena_strdup(arena, key);
		if (acl->key_name == NULL) {
			return KNOT_ENOMEM;
		}
	}
	return KNOT_EOK;
}

struct nsdconf_acl *nsdconf_acl_copy(const struct nsdconf_acl *src,
                                     struct nsdconf_arena *arena)
{
	struct nsdconf_acl *acl = nsdconf_arena_alloc(arena, sizeof(*acl));

	if (acl == NULL) {
		return NULL;
	}
	/* The strings stay shared: they are the model's, never changed, and freed
	 * with it. include-pattern copies a pattern's entries into every zone that
	 * includes it; copying the strings too cost four allocations per entry. */
	*acl = *src;
	acl->next = NULL;
	return acl;
}

/*
 * NSD's min-max test loads each 32-bit word of the addresses through a
 * uint32_t pointer and compares them as host integers.  The words hold
 * network byte order, so on little-endian CPUs (x86, arm64: everything
 * Debian runs NSD on in practice) the last octet of a word is its most
 * significant byte.  We promise NSD's verdicts, so we reproduce the
 * little-endian reading explicitly, independent of our own CPU:
 * 10.0.0.5-10.0.1.3 does NOT contain 10.0.0.200, while 1.2.3.4-1.2.3.25
 * DOES contain 1.2.4.10.  Unchanged up to NSD 4.15.
 */
static uint32_t nsd_word(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 |
	       (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* NSD acl_addr_match_range_v4 / _v6: word by word, a bound stops being
 * checked once x differs from it in an earlier word. */
static bool match_minmax(const uint8_t *min, const uint8_t *x,
                         const uint8_t *max, size_t words)
{
	bool checkmin = true, checkmax = true;

	for (size_t i = 0; i < words; i++) {
		uint32_t lo = nsd_word(min + 4 * i);
		uint32_t hi = nsd_word(max + 4 * i);
		uint32_t v = nsd_word(x + 4 * i);

		if (checkmin && lo > v) {
			return false;
		}
		if (checkmax && hi < v) {
			return false;
		}
		if (lo != v) {
			checkmin = false;
		}
		if (hi != v) {
			checkmax = false;
		}
		if (!checkmin && !checkmax) {
			return true;
		}
	}
	return true;
}

static bool match_mask(const uint8_t *a, const uint8_t *b, const uint8_t *mask,
                       size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((a[i] & mask[i]) != (b[i] & mask[i])) {
			return false;
		}
	}
	return true;
}

static bool match_host(const struct nsdconf_acl *acl, const uint8_t *src,
                       size_t len, unsigned int port)
{
	/* A port in the entry is the request's *source* port. */
	if (acl->port != 0 && acl->port != port) {
		return false;
	}
	switch (acl->range) {
	case NSDCONF_RANGE_MASK:
	case NSDCONF_RANGE_SUBNET:
		return match_mask(acl->addr, src, acl->mask, len);
	case NSDCONF_RANGE_MINMAX:
		return match_minmax(acl->addr, src, acl->mask, len / 4);
	case NSDCONF_RANGE_SINGLE:
	default:
		return memcmp(acl->addr, src, len) == 0;
	}
}

bool nsdconf_acl_addr_matches(const struct nsdconf_acl *acl,
                              const struct sockaddr_storage *src)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)src;
	const struct sockaddr_in *in = (const struct sockaddr_in *)src;

	/* Families must be equal: an IPv4 entry never matches a v4-mapped IPv6
	 * source, and "::ffff:1.2.3.4" is an IPv6 entry. */
	if (acl->ipv6) {
		if (src->ss_family != AF_INET6) {
			return false;
		}
		return match_host(acl, in6->sin6_addr.s6_addr, 16, ntohs(in6->sin6_port));
	}
	if (src->ss_family != AF_INET) {
		return false;
	}
	return match_host(acl, (const uint8_t *)&in->sin_addr.s_addr, 4,
	                  ntohs(in->sin_port));
}

static const char *range_word(enum nsdconf_acl_range range)
{
	switch (range) {
	case NSDCONF_RANGE_MASK:
		return "masked";
	case NSDCONF_RANGE_SUBNET:
		return "subnet";
	case NSDCONF_RANGE_MINMAX:
		return "minmax";
	case NSDCONF_RANGE_SINGLE:
	default:
		return "single";
	}
}

void nsdconf_acl_detail(const struct nsdconf_acl *acl, char *buf, size_t len)
{
	int af = acl->ipv6 ? AF_INET6 : AF_INET;
	char port[24] = "noport";
	char addr[INET6_ADDRSTRLEN] = "";
	char mask[INET6_ADDRSTRLEN] = "";

	/* nsd-checkconf prints the unsigned port with %d: "@-1" shows port=-1. */
	if (acl->port != 0) {
		snprintf(port, sizeof(port), "port=%d", (int)acl->port);
	}
	inet_ntop(af, acl->addr, addr, sizeof(addr));
	if (acl->range == NSDCONF_RANGE_SINGLE) {
		snprintf(buf, len, "%s %s %s addr=%s", acl->ipv6 ? "ip6" : "ip4",
		         port, range_word(acl->range), addr);
		return;
	}
	inet_ntop(af, acl->mask, mask, sizeof(mask));
	snprintf(buf, len, "%s %s %s addr=%s rangemask=%s", acl->ipv6 ? "ip6" : "ip4",
	         port, range_word(acl->range), addr, mask);
}
