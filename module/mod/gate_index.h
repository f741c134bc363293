/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, address index: a long ACL list's entries by address, for gate.c only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/arena.h"
#include "mod/gate.h"

/* One entry of a list, with what the key test needs resolved at build time. */
struct gate_entry {
	struct nsdconf_acl acl;  /* a copy: the address test is nsdconf_acl_addr_matches */
	const char *text;        /* "spec KEY" for logs */
	int index;               /* position in the list as written (NSD's acl number) */
	int key;                 /* NSDCONF_ACL_KEY: key class; -1 for an undefined key */
	enum nsdconf_tsig_alg alg;       /* NSDCONF_ACL_KEY: the key's configured algorithm */
	const char *tls_name;    /* the entry's tls-auth name, NULL: none */
	const char *tls_domain;  /* that tls-auth's auth-domain-name, NULL: none to check */
};

/* A request's source address and port. */
struct gate_src {
	const uint8_t *addr;
	unsigned port;
	bool ipv6;
};

/* NSD acl_key_matches. */
static inline bool gate_entry_key_ok(const struct gate_entry *e, const struct gate_request *r)
{
	switch (e->acl.key) {
	case NSDCONF_ACL_BLOCKED:
		return true;
	case NSDCONF_ACL_NOKEY:
		return r->tsig == GATE_TSIG_NONE;
	default:
		return r->tsig == GATE_TSIG_OK && e->key >= 0 && e->key == r->key &&
		       e->alg != NSDCONF_TSIG_ALG_NONE && e->alg == r->alg;
	}
}

static inline bool gate_entry_port_ok(const struct gate_entry *e, unsigned port)
{
	return e->acl.port == 0 || e->acl.port == port;
}

/* Table sizes: a power of two, at least 8. */
static inline size_t gate_pow2_at_least(size_t n)
{
	size_t p = 8;

	while (p < n) {
		p <<= 1;
	}
	return p;
}

struct gate_index;

/* A search over one or more indexes of the same list: the least entry position whose
 * address, port and key match. */
struct gate_index_search {
	const struct gate_entry *e;   /* the list's entries */
	const struct gate_request *r;
	unsigned port;
	uint32_t best;                /* least position found; UINT32_MAX: none (set it) */
	bool addr_matched;            /* some candidate passed the address and port tests */
};

/* Indexes the entries e[pos[0..n)] (pos ascending), in arena a. KNOT_EOK with *out
 * set, or KNOT_ENOMEM. */
int gate_index_build(struct nsdconf_arena *a, const struct gate_entry *e, const uint32_t *pos,
                     uint32_t n, struct gate_index **out);

/* Narrows s->best to the least candidate of x that matches src. */
void gate_index_search(const struct gate_index *x, const struct gate_src *src,
                       struct gate_index_search *s);
