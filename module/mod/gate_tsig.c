/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, TSIG: NSD's key/algorithm/time/MAC order over libknot's knot_tsig_server_check. */
#include <stdlib.h>
#include <string.h>

#include <libdnssec/tsig.h>

#include "mod/gate_tsig.h"

struct gate_tsig {
	const struct gate *g;
	knot_tsig_key_t *keys;   /* parallel to gate_key_at(); secret.size 0: unusable */
	size_t n;
};

static enum nsdconf_tsig_alg alg_from_knot(dnssec_tsig_algorithm_t a)
{
	switch (a) {
	case DNSSEC_TSIG_HMAC_MD5:    return NSDCONF_TSIG_ALG_MD5;
	case DNSSEC_TSIG_HMAC_SHA1:   return NSDCONF_TSIG_ALG_SHA1;
	case DNSSEC_TSIG_HMAC_SHA224: return NSDCONF_TSIG_ALG_SHA224;
	case DNSSEC_TSIG_HMAC_SHA256: return NSDCONF_TSIG_ALG_SHA256;
	case DNSSEC_TSIG_HMAC_SHA384: return NSDCONF_TSIG_ALG_SHA384;
	case DNSSEC_TSIG_HMAC_SHA512: return NSDCONF_TSIG_ALG_SHA512;
	default:                      return NSDCONF_TSIG_ALG_NONE;
	}
}

struct gate_tsig *gate_tsig_new(const struct gate *g,
                                void (*bad)(void *ctx, const struct gate_key *key),
                                void *ctx)
{
	struct gate_tsig *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->g = g;
	t->n = gate_key_count(g);
	t->keys = calloc(t->n ? t->n : 1, sizeof(*t->keys));
	if (t->keys == NULL) {
		free(t);
		return NULL;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct gate_key *k = gate_key_at(g, i);
		/* Only the secret is kept: the algorithm a request is verified with is the
		 * one it names, as in NSD; the configured one counts in the ACL only. */
		int ret = nsdconf_tsig_key_init(&t->keys[i], k->name, NULL, k->secret);
		if (ret == KNOT_ENOMEM) {
			gate_tsig_free(t);
			return NULL;
		}
		if (ret != KNOT_EOK) {
			memset(&t->keys[i], 0, sizeof(t->keys[i]));
			if (bad != NULL) {
				bad(ctx, k);
			}
		}
	}
	return t;
}

void gate_tsig_free(struct gate_tsig *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		knot_tsig_key_deinit(&t->keys[i]);
	}
	free(t->keys);
	free(t);
}

void gate_tsig_verify(const struct gate_tsig *t, const knot_rrset_t *tsig_rr,
                      const uint8_t *wire, size_t size, uint64_t now,
                      struct gate_tsig_check *out)
{
	memset(out, 0, sizeof(*out));
	out->result = GATE_TSIG_R_BADKEY;

	const struct gate_key *k = gate_key_find(t->g, tsig_rr->owner);
	dnssec_tsig_algorithm_t alg =
		dnssec_tsig_algorithm_from_dname(knot_tsig_rdata_alg_name(tsig_rr));
	if (k == NULL || alg_from_knot(alg) == NSDCONF_TSIG_ALG_NONE) {
		return;
	}
	out->key = k;
	out->alg = alg_from_knot(alg);

	const knot_tsig_key_t *secret = &t->keys[k - gate_key_at(t->g, 0)];
	out->sign_key = (knot_tsig_key_t){
		.algorithm = alg,
		/* the name as the request spells it: libknot compares it byte for byte
		 * and knotd itself signs with it */
		.name = tsig_rr->owner,
		.secret = secret->secret,
	};

	/* libknot checks the MAC first and the time after it; NSD the time first, in
	 * unsigned arithmetic (tsig_from_query). */
	uint64_t signed_time = knot_tsig_rdata_time_signed(tsig_rr);
	uint64_t fudge = knot_tsig_rdata_fudge(tsig_rr);
	bool time_ok = !(now < signed_time - fudge || now > signed_time + fudge);

	int ret = secret->secret.size == 0 ? KNOT_TSIG_EBADSIG :
	          knot_tsig_server_check(tsig_rr, wire, size, &out->sign_key);
	/* BADTIME from libknot comes after a good MAC (and for fudge 0, which NSD
	 * accepts at the exact second; knotd would answer BADTIME later anyway). */
	out->mac_ok = ret == KNOT_EOK || ret == KNOT_TSIG_EBADTIME;
	if (!time_ok) {
		out->result = GATE_TSIG_R_BADTIME;
	} else if (ret == KNOT_EOK) {
		out->result = GATE_TSIG_R_OK;
	} else if (ret == KNOT_TSIG_EBADTIME) {
		out->result = GATE_TSIG_R_BADTIME;
	} else if (ret == KNOT_TSIG_EBADKEY) {
		out->result = GATE_TSIG_R_BADKEY;
	} else {
		out->result = GATE_TSIG_R_BADSIG;
	}
}

uint16_t gate_tsig_rcode(enum gate_tsig_result r)
{
	switch (r) {
	case GATE_TSIG_R_BADKEY:  return KNOT_RCODE_BADKEY;
	case GATE_TSIG_R_BADSIG:  return KNOT_RCODE_BADSIG;
	case GATE_TSIG_R_BADTIME: return KNOT_RCODE_BADTIME;
	default:                  return KNOT_RCODE_NOERROR;
	}
}

const char *gate_tsig_str(enum gate_tsig_result r)
{
	switch (r) {
	case GATE_TSIG_R_OK:      return "ok";
	case GATE_TSIG_R_BADKEY:  return "BADKEY";
	case GATE_TSIG_R_BADSIG:  return "BADSIG";
	case GATE_TSIG_R_BADTIME: return "BADTIME";
	default:                  return "?";
	}
}
