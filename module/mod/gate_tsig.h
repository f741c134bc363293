/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, TSIG: a request's TSIG checked as NSD checks it, with libknot's MAC code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libknot/libknot.h>

#include "mod/gate.h"

enum gate_tsig_result {
	GATE_TSIG_R_OK,
	GATE_TSIG_R_BADKEY,      /* key name not in nsd.conf, or an algorithm NSD lacks */
	GATE_TSIG_R_BADSIG,      /* the MAC does not verify with the key's secret */
	GATE_TSIG_R_BADTIME,     /* signed outside the request's fudge */
};

/* The keys of a gate, secrets decoded once. */
struct gate_tsig;

struct gate_tsig_check {
	enum gate_tsig_result result;
	const struct gate_key *key;  /* the nsd.conf key of that name (not for BADKEY) */
	enum nsdconf_tsig_alg alg;           /* the algorithm the request names (not for BADKEY) */
	/* The MAC verified (OK; or BADTIME after a good MAC): a reply can be signed with
	 * sign_key, as knotd signs a reply after its own check. */
	bool mac_ok;
	knot_tsig_key_t sign_key;    /* the request's algorithm and name, the key's secret */
};

/* Decodes the secrets of g's keys. A secret libknot cannot decode is logged through
 * bad(ctx, key) and the key verifies nothing (NSD would not start with it). NULL on
 * ENOMEM. The result refers to g: free it before g. */
struct gate_tsig *gate_tsig_new(const struct gate *g,
                                void (*bad)(void *ctx, const struct gate_key *key),
                                void *ctx);
void gate_tsig_free(struct gate_tsig *t);

/* NSD's order (tsig.c tsig_from_query, then tsig_verify): the key by name (BADKEY),
 * the algorithm by its wire name (BADKEY), the time against the request's fudge
 * (BADTIME), then the MAC (BADSIG). wire/size as knotd parsed the request: the TSIG
 * RR already cut off (qdata->query->wire, ->size). Only valid for the first message
 * of a request: knotd overwrites the request's MAC while it signs an answer. */
void gate_tsig_verify(const struct gate_tsig *t, const knot_rrset_t *tsig_rr,
                      const uint8_t *wire, size_t size, uint64_t now,
                      struct gate_tsig_check *out);

/* The TSIG error code (KNOT_RCODE_BADKEY, ...) of a result, 0 for OK. */
uint16_t gate_tsig_rcode(enum gate_tsig_result r);
const char *gate_tsig_str(enum gate_tsig_result r);
