/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: the key section, one Knot key per TSIG name, and what an ACL entry's key became. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/dname.h>

#include "conf/arena.h"
#include "conf/tsig_key.h"
#include "knotmap/knotmap_int.h"

/* The report lines of a key's options (name, algorithm, secret) at their lines. */
static void key_notes(struct knotmap_ctx *c, const struct nsdconf_key *k, const char *id,
                      const char *alg)
{
	char how[256];

	for (int s = 0; s < NSDCONF_K_SLOTS; s++) {
		const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_KEY, s);
		const char *file = k->file;
		int line = k->line;

		if (nsdconf_loc_find(k->loc, s) == NULL && s != NSDCONF_K_NAME) {
			continue;   /* not written (the default algorithm) */
		}
		knotmap_where(k->loc, s, &file, &line);
		if (s == NSDCONF_K_ALGORITHM) {
			snprintf(how, sizeof(how), "key %s algorithm %s", id, alg);
		} else {
			snprintf(how, sizeof(how), "key %s %s", id, s == NSDCONF_K_NAME ? "id" : "secret");
		}
		knotmap_note(c, file, line, o->name, NSDCONF_K_EXACT, false, how);
	}
}

/* The secret as Knot's configuration takes it: NSD's decoder skips white space, Knot's does
 * not (the parser checked that the rest decodes). NULL when out of memory (c->err set). */
static const char *key_secret(struct knotmap_ctx *c, const char *secret)
{
	char *out = nsdconf_arena_alloc(c->arena, strlen(secret) + 1);

	if (out == NULL) {
		knotmap_nomem(c);
		return NULL;
	}
	nsdconf_tsig_secret_text(secret, out);
	return out;
}

/* A knotmap_key for a key written as id name; NULL when out of memory (c->err set). */
static struct knotmap_key *key_new(struct knotmap_ctx *c, const struct nsdconf_key *k,
                                   const char *name, const char *alg)
{
	struct knotmap_key *mk = nsdconf_arena_alloc(c->arena, sizeof(*mk));
	size_t len = strlen(name);

	if (mk != NULL) {
		mk->tag = nsdconf_arena_strndup(c->arena, name, len - (len > 1 && name[len - 1] == '.'));
	}
	if (mk == NULL || mk->tag == NULL) {
		knotmap_nomem(c);
		return NULL;
	}
	mk->name = name;
	mk->alg = alg;
	mk->src = k;
	return mk;
}

static void key_one(struct knotmap_ctx *c, struct strmap *by_dname, const struct nsdconf_key *k,
                    struct kbuf *out)
{
	const char *name = k->val[NSDCONF_K_NAME].str, *secret = k->val[NSDCONF_K_SECRET].str;
	const char *file = k->file, *alg_written = k->val[NSDCONF_K_ALGORITHM].str, *alg;
	int line = k->line;
	struct knotmap_key *mk;
	knot_dname_t dn[KNOT_DNAME_MAXLEN];
	bool created;
	void **slot;
	char how[256];

	if (name == NULL || secret == NULL) {
		return;   /* a parse error NSD reports */
	}
	knotmap_where(k->loc, NSDCONF_K_NAME, &file, &line);
	secret = key_secret(c, secret);
	if (secret == NULL) {
		return;
	}
	/* On the stack: a name that is not one and no memory must not look alike. */
	if (knot_dname_from_str(dn, name, sizeof(dn)) == NULL || !knotmap_value_ok(name) ||
	    secret[0] == '\0') {
		knotmap_note(c, file, line, knotmap_kname(NSDCONF_K_NAME), NSDCONF_K_UNSUPPORTED, false,
		             "key name or secret cannot be written in Knot's configuration");
		return;
	}
	alg = nsdconf_tsig_alg_knot_name(nsdconf_tsig_alg_from_name(alg_written ? alg_written : "sha256"));
	if (alg == NULL) {
		knotmap_where(k->loc, NSDCONF_K_ALGORITHM, &file, &line);
		snprintf(how, sizeof(how), "knotd has no %s: key %s not written, requests "
		         "signed with it are refused and its primaries not used", alg_written, name);
		knotmap_note(c, file, line, knotmap_kname(NSDCONF_K_ALGORITHM), NSDCONF_K_UNSUPPORTED, true, how);
		return;
	}
	knot_dname_to_lower(dn);
	slot = strmap_slot(by_dname, (const char *)dn, knot_dname_size(dn), &created);
	if (!created) {
		/* NSD refers to keys by the exact string but looks TSIG up by name. */
		mk = *slot;
		*strmap_slot(c->keys, name, strlen(name), NULL) = mk;
		snprintf(how, sizeof(how), "same TSIG name as key %s: Knot holds one key per name, "
		         "the first (%s:%d) is used", mk->name, mk->src->file, mk->src->line);
		knotmap_note(c, file, line, knotmap_kname(NSDCONF_K_NAME), NSDCONF_K_APPROX, false, how);
		snprintf(how, sizeof(how), "key %s is not written: its TSIG name is key %s's",
		         name, mk->name);
		for (int s = NSDCONF_K_ALGORITHM; s <= NSDCONF_K_SECRET; s++) {
			file = NULL;
			knotmap_where(k->loc, s, &file, &line);
			if (file != NULL) {
				knotmap_note(c, file, line, nsdconf_option_slot(NSDCONF_CL_KEY, s)->name,
				             NSDCONF_K_NONE, false, how);
			}
		}
		return;
	}
	mk = key_new(c, k, name, alg);
	if (mk == NULL) {
		return;
	}
	*slot = mk;
	*strmap_slot(c->keys, name, strlen(name), NULL) = mk;
	c->key_ids[c->n_key_ids++] = name;
	key_notes(c, k, name, alg);

	knotmap_comment(c, out, "  ", "key", k->file, k->line);
	kbuf_puts(out, "  - id: ");
	kbuf_value(out, name);
	kbuf_printf(out, "\n    algorithm: %s\n    secret: ", mk->alg);
	kbuf_value(out, secret);
	kbuf_puts(out, "\n");
}

/* Every key, used or not: NSD loads them all and answers queries signed with any. */
void knotmap_keys(struct knotmap_ctx *c, struct kbuf *out)
{
	struct strmap *by_dname = strmap_new(c);

	c->key_ids = nsdconf_arena_alloc(c->arena, (c->m->n_keys + 1) * sizeof(*c->key_ids));
	if (c->key_ids == NULL) {
		knotmap_nomem(c);
		return;
	}
	for (int i = 0; i < c->m->n_keys && c->err == 0; i++) {
		key_one(c, by_dname, c->m->keys[i], out);
	}
	for (int i = 0; i < c->m->n_tls_auths; i++) {
		const struct nsdconf_tls_auth *t = c->m->tls_auths[i];
		struct knotmap_verdict v = knotmap_verdict(c, nsdconf_option_slot(NSDCONF_CL_TLS_AUTH,
		                                                                  NSDCONF_T_NAME_SLOT));

		/* the clause says what its name's row says: what its entries become */
		knotmap_note(c, t->file, t->line, "tls-auth", v.knot, false, knotmap_has_tls(c) ? v.note :
		             "XoT needs Knot 3.4: its request-xfr/provide-xfr entries are not written");
	}
}

const struct knotmap_key *knotmap_key_of(struct knotmap_ctx *c, const struct nsdconf_acl *a)
{
	if (a->key != NSDCONF_ACL_KEY) {
		return NULL;
	}
	return strmap_get(c->keys, a->key_name, strlen(a->key_name));
}
