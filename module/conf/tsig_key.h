/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A TSIG key as NSD understands it: its algorithm name and its base64 secret. The one
 * place that reads `key: algorithm:` and `key: secret:` for the parser, the Knot mapping,
 * the access gate and the NOTIFY signer, so that all four agree with NSD. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <libknot/tsig.h>

/* The algorithms NSD 4.6.1 knows (tsig-openssl.c); NONE never matches anything. */
enum nsdconf_tsig_alg {
	NSDCONF_TSIG_ALG_NONE = 0,
	NSDCONF_TSIG_ALG_MD5,
	NSDCONF_TSIG_ALG_SHA1,
	NSDCONF_TSIG_ALG_SHA224,
	NSDCONF_TSIG_ALG_SHA256,
	NSDCONF_TSIG_ALG_SHA384,
	NSDCONF_TSIG_ALG_SHA512,
};

/* NSD's tsig_get_algorithm_by_name: "sha256" or "hmac-sha256", any case. NULL and
 * every other name give NSDCONF_TSIG_ALG_NONE. */
enum nsdconf_tsig_alg nsdconf_tsig_alg_from_name(const char *name);

/* Knot's (and the wire's short) spelling, "hmac-sha256"; NULL for NONE. */
const char *nsdconf_tsig_alg_knot_name(enum nsdconf_tsig_alg alg);

/* The secret's base64 text as NSD decodes it (b64_pton skips white space), written to
 * out (room for strlen(secret) + 1 bytes). Returns the length written. */
size_t nsdconf_tsig_secret_text(const char *secret, char *out);

/* KNOT_EOK when NSD accepts the secret: it decodes (white space skipped) to at most
 * 16 KiB; an empty secret decodes to nothing and is accepted, as NSD accepts it.
 * KNOT_EINVAL when NSD refuses it, KNOT_ENOMEM when that could not be decided. */
int nsdconf_tsig_secret_check(const char *secret);

/* A libknot key for a key of nsd.conf: the name, the algorithm as NSD reads it (NULL: NSD's
 * default, sha256) and the secret with its white space skipped. Returns KNOT_EOK,
 * KNOT_EMALF for an algorithm NSD does not know, KNOT_EINVAL for a secret that does not
 * decode or is empty, KNOT_ENOMEM. The key is freed with knot_tsig_key_deinit(). */
int nsdconf_tsig_key_init(knot_tsig_key_t *key, const char *name, const char *algorithm,
                          const char *secret);
