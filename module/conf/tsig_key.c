/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A TSIG key as NSD understands it (see tsig_key.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libdnssec/binary.h>
#include <libdnssec/error.h>
#include <libknot/errcode.h>

#include "conf/mem.h"
#include "conf/tsig_key.h"

/* NSD refuses larger secrets (tsig.c: TSIG_MAX_SECRET_SIZE is 16 KiB in b64_pton's buffer). */
#define SECRET_MAX 16384

static const char *const knot_names[] = {
	[NSDCONF_TSIG_ALG_MD5] = "hmac-md5",
	[NSDCONF_TSIG_ALG_SHA1] = "hmac-sha1",
	[NSDCONF_TSIG_ALG_SHA224] = "hmac-sha224",
	[NSDCONF_TSIG_ALG_SHA256] = "hmac-sha256",
	[NSDCONF_TSIG_ALG_SHA384] = "hmac-sha384",
	[NSDCONF_TSIG_ALG_SHA512] = "hmac-sha512",
};

enum nsdconf_tsig_alg nsdconf_tsig_alg_from_name(const char *name)
{
	if (name == NULL) {
		return NSDCONF_TSIG_ALG_NONE;
	}
	/* NSD compares the short name ("sha256") and the name after "hmac-". */
	const char *bare = strncasecmp(name, "hmac-", 5) == 0 ? name + 5 : name;
	for (int a = NSDCONF_TSIG_ALG_MD5; a <= NSDCONF_TSIG_ALG_SHA512; a++) {
		if (strcasecmp(bare, knot_names[a] + 5) == 0) {
			return (enum nsdconf_tsig_alg)a;
		}
	}
	return NSDCONF_TSIG_ALG_NONE;
}

const char *nsdconf_tsig_alg_knot_name(enum nsdconf_tsig_alg alg)
{
	if (alg <= NSDCONF_TSIG_ALG_NONE || alg > NSDCONF_TSIG_ALG_SHA512) {
		return NULL;
	}
	return knot_names[alg];
}

size_t nsdconf_tsig_secret_text(const char *secret, char *out)
{
	size_t n = 0;
	for (const char *s = secret; *s != '\0'; s++) {
		if (!isspace((unsigned char)*s)) {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return n;
}

/* Decodes the secret (white space skipped); KNOT_EOK with out filled, or an error. */
static int secret_decode(const char *secret, dnssec_binary_t *out)
{
	size_t len = strlen(secret);
	*out = (dnssec_binary_t){ 0 };
	/* nsdconf_malloc: the out-of-memory tests fail this allocation too */
	char *text = nsdconf_malloc(len + 1);
	if (text == NULL) {
		return KNOT_ENOMEM;
	}
	dnssec_binary_t in = { .data = (uint8_t *)text,
	                       .size = nsdconf_tsig_secret_text(secret, text) };
	int ret = in.size == 0 ? KNOT_EOK : dnssec_binary_from_base64(&in, out);
	free(text);
	if (ret == DNSSEC_ENOMEM) {
		return KNOT_ENOMEM;
	}
	if (ret != DNSSEC_EOK || out->size > SECRET_MAX) {
		dnssec_binary_free(out);
		return KNOT_EINVAL;
	}
	return KNOT_EOK;
}

int nsdconf_tsig_secret_check(const char *secret)
{
	dnssec_binary_t bin;
	int ret = secret_decode(secret, &bin);
	dnssec_binary_free(&bin);
	return ret;
}

int nsdconf_tsig_key_init(knot_tsig_key_t *key, const char *name, const char *algorithm,
                          const char *secret)
{
	memset(key, 0, sizeof(*key));
	enum nsdconf_tsig_alg a = nsdconf_tsig_alg_from_name(algorithm != NULL ? algorithm : "sha256");
	if (a == NSDCONF_TSIG_ALG_NONE) {
		return KNOT_EMALF;
	}
	if (name == NULL || secret == NULL) {
		return KNOT_EINVAL;
	}
	int ret = secret_decode(secret, &key->secret);
	if (ret != KNOT_EOK) {
		return ret;
	}
	if (key->secret.size == 0) {
		return KNOT_EINVAL;   /* no HMAC can be made with it */
	}
	knot_dname_storage_t dname;
	if (knot_dname_from_str(dname, name, sizeof(dname)) == NULL) {
		knot_tsig_key_deinit(key);
		return KNOT_EINVAL;
	}
	key->name = knot_dname_copy(dname, NULL);
	if (key->name == NULL) {
		knot_tsig_key_deinit(key);
		return KNOT_ENOMEM;
	}
	knot_dname_to_lower(key->name);
	key->algorithm = dnssec_tsig_algorithm_from_name(knot_names[a]);
	return KNOT_EOK;
}
