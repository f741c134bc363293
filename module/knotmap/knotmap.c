/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: keys, remotes, shared templates and zones rendered from the nsd.conf model. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "conf/arena.h"
#include "conf/tsig_key.h"
#include "conf/zonefile.h"
#include "knotmap/knotmap_int.h"

#define DNS_PORT 53

void knotmap_note(struct knotmap_ctx *c, const char *file, int line, const char *option,
                  enum nsdconf_knot verdict, bool security, const char *how)
{
	struct knotmap_note note = {
		.file = file, .line = line, .option = option, .verdict = verdict,
		.how = how, .security = security,
	};
	char key[1024];
	bool created;
	int len;

	if (c->opts->report == NULL)
		return;
	len = snprintf(key, sizeof(key), "%s|%d|%s|%d|%s", file ? file : "", line, option,
	               verdict, how);
	if (len > 0 && (size_t)len < sizeof(key)) {
		strmap_slot(c->notes, key, (size_t)len, &created);
		if (!created)
			return;
	}
	c->opts->report(c->opts->report_ctx, &note);
}

void knotmap_where(const struct nsdconf_loc *loc, int s, const char **file, int *line)
{
	const struct nsdconf_loc *l = nsdconf_loc_find(loc, s);

	if (l != NULL) {
		*file = l->file;
		*line = l->line;
	}
}

/* A comment line cannot hold control characters (nor may it end early). */
static void comment_text(struct kbuf *out, const char *s)
{
	for (; *s != '\0'; s++)
		kbuf_add(out, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
}

void knotmap_comment(struct knotmap_ctx *c, struct kbuf *out, const char *indent,
                     const char *what, const char *file, int line)
{
	if (!c->comments)
		return;
	kbuf_puts(out, indent);
	kbuf_puts(out, "# ");
	kbuf_puts(out, what);
	kbuf_puts(out, " at ");
	comment_text(out, file != NULL ? file : "?");
	kbuf_puts(out, ":");
	kbuf_num(out, line);
	kbuf_puts(out, "\n");
}

/* Keys. */

/* The report lines of a key's options (name, algorithm, secret) at their lines. */
static void key_notes(struct knotmap_ctx *c, const struct nsdconf_key *k, const char *id,
                      const char *alg)
{
	char how[256];

	for (int s = 0; s < NSDCONF_K_SLOTS; s++) {
		const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_KEY, s);
		const char *file = k->file;
		int line = k->line;

		if (nsdconf_loc_find(k->loc, s) == NULL && s != NSDCONF_K_NAME)
			continue;   /* not written (the default algorithm) */
		knotmap_where(k->loc, s, &file, &line);
		if (s == NSDCONF_K_ALGORITHM)
			snprintf(how, sizeof(how), "key %s algorithm %s", id, alg);
		else
			snprintf(how, sizeof(how), "key %s %s", id, s == NSDCONF_K_NAME ? "id" : "secret");
		knotmap_note(c, file, line, o->name, NSDCONF_K_EXACT, false, how);
	}
}

/* The secret as Knot's configuration takes it: NSD's decoder skips white space, Knot's does
 * not (the parser checked that the rest decodes). */
static const char *key_secret(struct knotmap_ctx *c, const char *secret)
{
	char *out = nsdconf_arena_alloc(c->arena, strlen(secret) + 1);

	nsdconf_tsig_secret_text(secret, out);
	return out;
}

static void key_one(struct knotmap_ctx *c, struct strmap *by_dname, const struct nsdconf_key *k,
                    struct kbuf *out)
{
	const char *name = k->val[NSDCONF_K_NAME].str, *secret = k->val[NSDCONF_K_SECRET].str;
	const char *file = k->file, *alg_written = k->val[NSDCONF_K_ALGORITHM].str, *alg;
	int line = k->line;
	struct knotmap_key *mk;
	knot_dname_t *dn;
	bool created;
	void **slot;
	char how[256];

	if (name == NULL || secret == NULL)
		return;   /* a parse error NSD reports */
	knotmap_where(k->loc, NSDCONF_K_NAME, &file, &line);
	secret = key_secret(c, secret);
	dn = knot_dname_from_str_alloc(name);
	if (dn == NULL || !knotmap_value_ok(name) || secret[0] == '\0') {
		free(dn);
		knotmap_note(c, file, line, knotmap_kname(NSDCONF_K_NAME), NSDCONF_K_UNSUPPORTED, false,
		             "key name or secret cannot be written in Knot's configuration");
		return;
	}
	alg = nsdconf_tsig_alg_knot_name(nsdconf_tsig_alg_from_name(alg_written ? alg_written : "sha256"));
	if (alg == NULL) {
		free(dn);
		knotmap_where(k->loc, NSDCONF_K_ALGORITHM, &file, &line);
		snprintf(how, sizeof(how), "knotd has no %s: key %s not written, requests "
		         "signed with it are refused and its primaries not used", alg_written, name);
		knotmap_note(c, file, line, knotmap_kname(NSDCONF_K_ALGORITHM), NSDCONF_K_UNSUPPORTED, true, how);
		return;
	}
	knot_dname_to_lower(dn);
	slot = strmap_slot(by_dname, (const char *)dn, knot_dname_size(dn), &created);
	free(dn);
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
			if (file != NULL)
				knotmap_note(c, file, line, nsdconf_option_slot(NSDCONF_CL_KEY, s)->name,
				             NSDCONF_K_NONE, false, how);
		}
		return;
	}
	mk = nsdconf_arena_alloc(c->arena, sizeof(*mk));
	mk->name = name;
	mk->tag = nsdconf_arena_strndup(c->arena, name, strlen(name) -
	                                (strlen(name) > 1 && name[strlen(name) - 1] == '.'));
	mk->alg = alg;
	mk->src = k;
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
static void keys_render(struct knotmap_ctx *c, struct kbuf *out)
{
	struct strmap *by_dname = strmap_new(c->arena);

	c->key_ids = nsdconf_arena_alloc(c->arena, (c->m->n_keys + 1) * sizeof(*c->key_ids));
	for (int i = 0; i < c->m->n_keys; i++)
		key_one(c, by_dname, c->m->keys[i], out);
	for (int i = 0; i < c->m->n_tls_auths; i++) {
		const struct nsdconf_tls_auth *t = c->m->tls_auths[i];

		knotmap_note(c, t->file, t->line, "tls-auth", NSDCONF_K_UNSUPPORTED, false,
		             "XoT needs Knot 3.4: its request-xfr/provide-xfr entries are not written");
	}
}

/* Remotes: one per (address, port, key, source address). */

static const struct knotmap_key *entry_key(struct knotmap_ctx *c, const struct nsdconf_acl *a)
{
	if (a->key != NSDCONF_ACL_KEY)
		return NULL;
	return *strmap_slot(c->keys, a->key_name, strlen(a->key_name), NULL);
}

/* NSD binds the first outgoing-interface of the peer's family that it can;
 * Knot binds remote.via, of which only one per family can apply here. */
static const struct nsdconf_acl *via_for(const struct nsdconf_pattern *p, bool ipv6)
{
	for (const struct nsdconf_acl *o = nsdconf_pacl(p, NSDCONF_P_OUTGOING_INTERFACE);
	     o != NULL; o = o->next) {
		if (o->ipv6 == ipv6)
			return o;
	}
	return NULL;
}

static void addr_text(const struct nsdconf_acl *a, unsigned port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(a->ipv6 ? AF_INET6 : AF_INET, a->addr, ip, sizeof(ip));
	if (port != 0)
		snprintf(buf, len, "%s@%u", ip, port);
	else
		snprintf(buf, len, "%s", ip);
}

static const char *remote_id(struct knotmap_ctx *c, const char *option, const struct nsdconf_acl *a,
                             const struct knotmap_key *key, const struct nsdconf_acl *via,
                             bool quiet)
{
	char addr[64], vtext[64] = "", content[512], idtext[512];
	bool created;
	void **slot;
	const char *id;

	/* NSD never sends to its own port: setting, but to @port or 53. */
	addr_text(a, a->port != 0 ? a->port : DNS_PORT, addr, sizeof(addr));
	if (via != NULL)
		addr_text(via, via->port <= 65535 ? via->port : 0, vtext, sizeof(vtext));
	snprintf(content, sizeof(content), "%s|%s|%s|%d", addr, key ? key->name : "", vtext, quiet);
	slot = strmap_slot(c->remotes, content, strlen(content), &created);
	if (!created)
		return *slot;

	snprintf(idtext, sizeof(idtext), "nsd-%s%s%s%s%s%s", addr, key ? "-key-" : "",
	         key ? key->tag : "", via ? "-via-" : "", vtext, quiet ? "-quiet" : "");
	id = idset_make(c->ids, idtext);
	*slot = (void *)id;
	knotmap_comment(c, &c->remote_out, "  ", option, a->file, a->line);
	kbuf_printf(&c->remote_out, "  - id: %s\n    address: %s\n", id, addr);
	if (via != NULL)
		kbuf_printf(&c->remote_out, "    via: %s\n", vtext);
	if (key != NULL) {
		kbuf_puts(&c->remote_out, "    key: ");
		kbuf_value(&c->remote_out, key->name);
		kbuf_puts(&c->remote_out, "\n");
	}
	/* server.automatic-acl: on in knot.conf would let masters notify and notify
	 * targets transfer; NSD allows only what allow-notify/provide-xfr say. */
	kbuf_puts(&c->remote_out, "    automatic-acl: off\n");
	/* A transfer from a primary makes knotd 3.2 plan a NOTIFY event one second
	 * ahead even when the zone has no notify list, and knotd starts no event planned
	 * for the current second early (events.c reschedules only when the earliest
	 * whole-second time changes): a NOTIFY arriving in that second waits up to 1 s
	 * for its refresh. Zones with nothing to notify use a remote that tells knotd
	 * not to plan that NOTIFY. */
	if (quiet)
		kbuf_puts(&c->remote_out, "    block-notify-after-transfer: on\n");
	return id;
}

/* request-xfr or notify entries as a list of remote ids ("[a, b]"); false when empty. */
static bool remote_list(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                        enum nsdconf_pslot s, struct kbuf *out)
{
	const char *option = nsdconf_option_slot(NSDCONF_CL_PATTERN, s)->name;
	/* A primary of a zone that notifies nobody (see remote_id). */
	bool quiet = s == NSDCONF_P_REQUEST_XFR && nsdconf_pacl(p, NSDCONF_P_NOTIFY) == NULL;
	int n = 0;

	for (const struct nsdconf_acl *a = nsdconf_pacl(p, s); a != NULL; a = a->next) {
		const struct knotmap_key *key = entry_key(c, a);
		const struct nsdconf_acl *via;
		const char *id;
		bool created;
		void **slot;

		if (a->tls_auth != NULL) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
			             "XoT (tls-auth) needs Knot 3.4: this primary is not used");
			continue;
		}
		if (a->key == NSDCONF_ACL_KEY && key == NULL) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
			             "its key is not defined: entry not written");
			continue;
		}
		if (a->port > 65535) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
			             "port out of range: entry not written");
			continue;
		}
		if (a->axfr_only)
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, false,
			             "AXFR flag: knotd asks for IXFR and falls back to AXFR itself "
			             "(no AXFR-only primary in Knot 3.2)");
		if (a->udp)
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, false,
			             "UDP flag: knotd transfers over TCP only");
		via = via_for(p, a->ipv6);
		/* Patterns share ACL lists through include-pattern, so the same entry can
		 * be the primary of a quiet zone and of one that notifies. */
		slot = strmap_ptr_slot(c->by_ptr, quiet ? -1 - (int)s : (int)s, a, via, &created);
		if (created)
			*slot = (void *)remote_id(c, option, a, key, via, quiet);
		id = *slot;
		kbuf_puts(out, n++ == 0 ? "[" : ", ");
		kbuf_puts(out, id);
	}
	if (n > 0)
		kbuf_puts(out, "]");
	return n > 0;
}

/* "    master: [a, b]" when at least one entry could be written (yparser has no
 * empty list; a zone left without primaries is served from its file). */
static void remote_item(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                        enum nsdconf_pslot s, const char *item, struct kbuf *b)
{
	size_t mark = b->b.len;

	if (nsdconf_pacl(p, s) == NULL)
		return;
	kbuf_puts(b, "    ");
	kbuf_puts(b, item);
	kbuf_puts(b, ": ");
	if (remote_list(c, p, s, b))
		kbuf_puts(b, "\n");
	else if (!b->oom)
		b->b.len = mark;
}

/* Per zone: what its template says. */

struct interval {
	bool has_min, has_max;
	long long min, max;
	const char *why_min, *why_max;  /* set when that bound was adjusted */
};

struct zone_plan {
	bool secondary;
	const char *file;          /* absolute path, NULL: none */
	bool file_relative;        /* no cwd to resolve it against */
	bool storage;              /* file under opts->storage (Knot's default name) */
	long long sync;            /* zonefile-sync, LLONG_MIN: not written */
	const char *load;          /* zonefile-load, NULL: Knot's default (whole) */
	const char *journal;       /* journal-content */
	long long depth, usage;    /* journal-max-depth/-usage, 0: not written */
	long long max_size;        /* zone-max-size, 0: not written */
	struct interval refresh, retry;
	long long expire_min;      /* 0: not written */
};

/*
 * NSD clamps the SOA timers into [min, max] with a floor of 1 s; Knot does the
 * same but its floors are 2 s (refresh), 1 s (retry), and it refuses min > max,
 * where NSD would use max above it and min below it.
 */
static void plan_interval(const struct nsdconf_pattern *p, enum nsdconf_pslot smin,
                          enum nsdconf_pslot smax, long long floor, struct interval *iv)
{
	iv->has_min = nsdconf_pset(p, smin);
	iv->has_max = nsdconf_pset(p, smax);
	iv->min = nsdconf_pnum(p, smin);
	iv->max = nsdconf_pnum(p, smax);
	iv->why_min = iv->why_max = NULL;
	if (iv->has_min && iv->min < floor) {
		iv->has_min = false;
		/* Both floor the timers at 1 s anyway: no difference then. */
		if (floor > 1)
			iv->why_min = "below knotd's floor: knotd's own minimum applies";
	}
	if (iv->has_max && iv->max < floor) {
		iv->max = floor;
		iv->why_max = "raised to knotd's floor";
	}
	if (iv->has_min && iv->has_max && iv->min > iv->max) {
		iv->min = iv->max;
		iv->why_min = "minimum above maximum: knotd requires min <= max, the maximum is used";
	}
}

long long knotmap_zonefile_sync(const struct nsdconf_model *m)
{
	long long w = nsdconf_gnum(m, NSDCONF_G_ZONEFILES_WRITE);

	/* NSD 4.6.1 keeps transfers in nsd.db and writes zonefiles every
	 * zonefiles-write seconds, 0 (its default) never; operators expect the
	 * file nsd.conf names to hold the zone, so knotd writes it after each
	 * transfer unless a period is configured. A period of one second is also
	 * "after each transfer": knotd's flush planned for the next second would
	 * hold back a NOTIFY-triggered refresh that falls in that second (knotd
	 * starts no event planned for the current second early). */
	return w > 1 ? w : 0;
}

static void plan_ixfr(const struct nsdconf_pattern *p, struct zone_plan *zp)
{
	long long number = nsdconf_pnum(p, NSDCONF_P_IXFR_NUMBER);
	long long size = nsdconf_pnum(p, NSDCONF_P_IXFR_SIZE);

	if (!nsdconf_pnum(p, NSDCONF_P_STORE_IXFR) || number == 0)
		return;
	zp->depth = number < 2 ? 2 : number;
	/* journal-content: all keeps the zone itself in the journal: no byte cap. */
	if (size > 0 && strcmp(zp->journal, "all") != 0)
		zp->usage = size < 40960 ? 40960 : size;
}

static void plan_zone(struct knotmap_ctx *c, const struct nsdconf_zone *z, struct zone_plan *zp)
{
	const struct nsdconf_pattern *p = z->pattern;
	const char *zf = nsdconf_pstr(p, NSDCONF_P_ZONEFILE);
	long long v;

	memset(zp, 0, sizeof(*zp));
	zp->sync = LLONG_MIN;
	zp->secondary = nsdconf_zone_is_secondary(z);
	if (zf != NULL && zf[0] != '\0') {
		const char *e = nsdconf_zonefile_expand(zf, z->name, c->arena);

		zp->file = nsdconf_zonefile_path(e, nsdconf_gstr(c->m, NSDCONF_G_ZONESDIR),
		                                 c->opts->cwd, c->arena);
		zp->file_relative = zp->file[0] != '/';
	}
	if (zp->secondary) {
		if (zp->file != NULL || c->opts->storage != NULL) {
			zp->storage = zp->file == NULL;
			zp->sync = knotmap_zonefile_sync(c->m);
			zp->journal = "changes";
		} else {
			/* No file anywhere: the journal holds the zone, as nsd.db did. */
			zp->sync = -1;
			zp->journal = "all";
			zp->load = "none";
		}
	} else if (nsdconf_pnum(p, NSDCONF_P_STORE_IXFR) && nsdconf_pnum(p, NSDCONF_P_CREATE_IXFR) &&
	           nsdconf_pnum(p, NSDCONF_P_IXFR_NUMBER) != 0) {
		/* NSD computes IXFR from zonefile changes: the same in Knot. */
		zp->journal = "changes";
		zp->load = "difference";
	} else {
		/*
		 * NSD answers IXFR with the whole zone unless it stores IXFR.  Without a
		 * journal knotd does the same, and can never answer "inconsistent
		 * history" (SERVFAIL) to an NSD secondary, which would not fall back to
		 * AXFR (NSD issue #479).
		 */
		zp->journal = "none";
	}
	plan_ixfr(p, zp);
	v = nsdconf_pnum(p, NSDCONF_P_SIZE_LIMIT_XFR);
	if (nsdconf_pset(p, NSDCONF_P_SIZE_LIMIT_XFR) && v > 0)
		zp->max_size = v;
	plan_interval(p, NSDCONF_P_MIN_REFRESH_TIME, NSDCONF_P_MAX_REFRESH_TIME, 2, &zp->refresh);
	plan_interval(p, NSDCONF_P_MIN_RETRY_TIME, NSDCONF_P_MAX_RETRY_TIME, 1, &zp->retry);
	if (nsdconf_pset(p, NSDCONF_P_MIN_EXPIRE_TIME)) {
		v = nsdconf_pnum(p, NSDCONF_P_MIN_EXPIRE_TIME);
		if (v == NSDCONF_EXPIRE_REFRESH_RETRY_1) {
			/* The zone's clamped refresh + retry + 1 is at most this. */
			v = nsdconf_pnum(p, NSDCONF_P_MAX_REFRESH_TIME) +
			    nsdconf_pnum(p, NSDCONF_P_MAX_RETRY_TIME) + 1;
			if (v > UINT32_MAX)
				v = UINT32_MAX;
		}
		zp->expire_min = v < 3 ? 3 : v;
	}
}

/* "    <name>: <v>" (printf is a tenth of the time with 100 000 zones). */
static void item_num(struct kbuf *b, const char *name, long long v)
{
	kbuf_puts(b, "    ");
	kbuf_puts(b, name);
	kbuf_puts(b, ": ");
	kbuf_num(b, v);
	kbuf_puts(b, "\n");
}

static void item_str(struct kbuf *b, const char *name, const char *v)
{
	kbuf_puts(b, "    ");
	kbuf_puts(b, name);
	kbuf_puts(b, ": ");
	kbuf_puts(b, v);
	kbuf_puts(b, "\n");
}

static void body_interval(struct kbuf *b, const char *name, const struct interval *iv)
{
	char item[32];

	if (iv->has_min) {
		snprintf(item, sizeof(item), "%s-min-interval", name);
		item_num(b, item, iv->min);
	}
	if (iv->has_max) {
		snprintf(item, sizeof(item), "%s-max-interval", name);
		item_num(b, item, iv->max);
	}
}

static void body_render(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                        const struct zone_plan *zp, const struct knotmap_acl_list *acl,
                        const char *queryacl, struct kbuf *b)
{
	const struct nsdconf_pattern *p = z->pattern;

	if (zp->secondary)
		remote_item(c, p, NSDCONF_P_REQUEST_XFR, "master", b);
	remote_item(c, p, NSDCONF_P_NOTIFY, "notify", b);
	if (acl->n > 0) {
		kbuf_puts(b, "    acl: [");
		for (int i = 0; i < acl->n; i++) {
			kbuf_puts(b, i > 0 ? ", " : "");
			kbuf_puts(b, c->rule_ids[acl->idx[i]]);
		}
		kbuf_puts(b, "]\n");
	}
	if (zp->storage) {
		kbuf_puts(b, "    storage: ");
		kbuf_value(b, c->opts->storage);
		kbuf_puts(b, "\n");
	}
	if (zp->sync != LLONG_MIN)
		item_num(b, "zonefile-sync", zp->sync);
	if (zp->load != NULL)
		item_str(b, "zonefile-load", zp->load);
	item_str(b, "journal-content", zp->journal);
	if (zp->depth > 0)
		item_num(b, "journal-max-depth", zp->depth);
	if (zp->usage > 0)
		item_num(b, "journal-max-usage", zp->usage);
	if (zp->max_size > 0)
		item_num(b, "zone-max-size", zp->max_size);
	body_interval(b, "refresh", &zp->refresh);
	body_interval(b, "retry", &zp->retry);
	if (zp->expire_min > 0)
		item_num(b, "expire-min-interval", zp->expire_min);
	if (queryacl != NULL) {
		kbuf_puts(b, "    module: mod-queryacl/");
		kbuf_puts(b, queryacl);
		kbuf_puts(b, "\n");
	}
}

/* Templates and zones. */

struct render {
	struct strmap *templates;  /* body -> id */
	struct strmap *sigs;       /* option-report signature -> seen */
	struct kbuf tmpl_out, zone_out, body, sig;
	struct knotmap_acl_list acl;
	int n_templates;
};

static const char *template_id(struct knotmap_ctx *c, struct render *r,
                               const struct nsdconf_zone *z)
{
	bool created;
	void **slot = strmap_slot(r->templates, r->body.b.data, r->body.b.len, &created);
	char text[32];

	if (!created)
		return *slot;
	snprintf(text, sizeof(text), "nsd-t%d", ++r->n_templates);
	*slot = (void *)idset_make(c->ids, text);
	if (c->comments) {
		/* A template is what zones with equal settings share: name the first. */
		kbuf_puts(&r->tmpl_out, "  # settings of zone ");
		comment_text(&r->tmpl_out, z->name);
		kbuf_puts(&r->tmpl_out, " and every zone with the same\n");
	}
	kbuf_printf(&r->tmpl_out, "  - id: %s\n", (const char *)*slot);
	kbuf_add(&r->tmpl_out, r->body.b.data, r->body.b.len);
	return *slot;
}

/* Which option notes a zone's settings give: every zone with the same set
 * options (and numbers) gives the same ones, so they are given once. */
static bool notes_new(struct render *r, const struct nsdconf_zone *z, const struct zone_plan *zp,
                      const char *tid)
{
	const struct nsdconf_pattern *p = z->pattern;
	bool created;

	r->sig.b.len = 0;
	kbuf_puts(&r->sig, tid);
	kbuf_num(&r->sig, zp->secondary * 100 + (zp->file != NULL) * 10 + zp->file_relative);
	for (int s = 1; s < NSDCONF_P_SLOTS; s++) {
		const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);

		if (!nsdconf_pset(p, s) || o == NULL)
			continue;
		kbuf_puts(&r->sig, "|");
		kbuf_num(&r->sig, s);
		if (p->loc != NULL) {
			/* The same values written elsewhere get their own report lines;
			 * include-pattern copies a pattern's places, so compare places. */
			const struct nsdconf_loc *l = nsdconf_loc_find(p->loc, s);

			kbuf_puts(&r->sig, "@");
			kbuf_num(&r->sig, l != NULL ? (long long)(intptr_t)l->file : 0);
			kbuf_puts(&r->sig, ":");
			kbuf_num(&r->sig, l != NULL ? l->line : 0);
		}
		if (o->type == NSDCONF_T_BOOL || o->type == NSDCONF_T_NUM || o->type == NSDCONF_T_EXPIRE) {
			kbuf_puts(&r->sig, "=");
			kbuf_num(&r->sig, p->val[s].num);
		}
	}
	if (r->sig.oom)
		return true;
	strmap_slot(r->sigs, r->sig.b.data, r->sig.b.len, &created);
	return created;
}

static void note_interval(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                          enum nsdconf_pslot s, const struct interval *iv)
{
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);
	const char *f = p->file;
	int l = p->line;

	bool is_min = s == NSDCONF_P_MIN_REFRESH_TIME || s == NSDCONF_P_MIN_RETRY_TIME;
	const char *why = is_min ? iv->why_min : iv->why_max;

	knotmap_where(p->loc, s, &f, &l);
	if (why != NULL)
		knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false, why);
	else
		knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
}

/* allow-query, entry by entry: mod-nsd applies it (natively knotmap_query.c reports). */
static void note_allow_query(struct knotmap_ctx *c, const struct nsdconf_pattern *p)
{
	if (c->native)
		return;
	for (const struct nsdconf_acl *a = nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY); a; a = a->next)
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_MODULE, true,
		             "mod-nsd applies it; knotd alone would answer every query");
}

/* The report line of one option set for a zone (its value's verdict, not only the table's). */
static void note_option(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                        const struct zone_plan *zp, enum nsdconf_pslot s)
{
	const struct nsdconf_pattern *p = z->pattern;
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);
	const char *f = p->file;
	int l = p->line;

	knotmap_where(p->loc, s, &f, &l);
	switch (s) {
	case NSDCONF_P_ZONEFILE:
		if (zp->file_relative)
			knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false,
			             "relative path and no start directory known: Knot resolves it against its storage");
		else
			knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
		return;
	case NSDCONF_P_ALLOW_QUERY:
		note_allow_query(c, p);
		return;
	case NSDCONF_P_NOTIFY_RETRY:
		if (c->native)
			knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false, "knotd retries a "
			             "failed NOTIFY at the zone's SOA retry interval, without a count limit");
		else
			knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
		return;
	case NSDCONF_P_PROVIDE_XFR:
	case NSDCONF_P_ALLOW_NOTIFY:
	case NSDCONF_P_REQUEST_XFR:
	case NSDCONF_P_NOTIFY:
	case NSDCONF_P_OUTGOING_INTERFACE:
		return;   /* entry by entry, at their own lines (knotmap_acl.c, remote_list) */
	case NSDCONF_P_ALLOW_AXFR_FALLBACK:
		knotmap_note(c, f, l, o->name, nsdconf_pnum(p, s) ? NSDCONF_K_EXACT : NSDCONF_K_APPROX,
		             false, o->knot_note);
		return;
	case NSDCONF_P_MIN_REFRESH_TIME:
	case NSDCONF_P_MAX_REFRESH_TIME:
		note_interval(c, p, s, &zp->refresh);
		return;
	case NSDCONF_P_MIN_RETRY_TIME:
	case NSDCONF_P_MAX_RETRY_TIME:
		note_interval(c, p, s, &zp->retry);
		return;
	case NSDCONF_P_MIN_EXPIRE_TIME:
		knotmap_note(c, f, l, o->name,
		             nsdconf_pnum(p, s) == NSDCONF_EXPIRE_REFRESH_RETRY_1 ? NSDCONF_K_APPROX
		                                                                 : NSDCONF_K_EXACT,
		             false, nsdconf_pnum(p, s) == NSDCONF_EXPIRE_REFRESH_RETRY_1 ?
		             "refresh+retry+1: expire-min-interval = max-refresh-time + max-retry-time + 1" :
		             "zone.expire-min-interval");
		return;
	case NSDCONF_P_STORE_IXFR:
	case NSDCONF_P_CREATE_IXFR:
	case NSDCONF_P_IXFR_NUMBER:
	case NSDCONF_P_IXFR_SIZE:
		knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false, zp->secondary ?
		             "secondaries keep received changes in knotd's journal (journal-max-depth/-usage)" :
		             !strcmp(zp->journal, "changes") ?
		             "journal-content: changes + zonefile-load: difference (IXFR from zonefile changes)" :
		             "no journal: IXFR is answered with the whole zone, as NSD does without stored IXFR");
		return;
	default:
		knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
		return;
	}
}

static void notes_zone(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                       const struct zone_plan *zp)
{
	const struct nsdconf_pattern *p = z->pattern;
	int count[2] = { 0, 0 };

	for (int s = 1; s < NSDCONF_P_SLOTS; s++) {
		if (nsdconf_pset(p, s) && nsdconf_option_slot(NSDCONF_CL_PATTERN, s) != NULL)
			note_option(c, z, zp, s);
	}
	if (zp->secondary && zp->file == NULL)
		knotmap_note(c, p->file, p->line, knotmap_pname(NSDCONF_P_ZONEFILE), NSDCONF_K_APPROX, false,
		             c->opts->storage != NULL ?
		             "secondary without zonefile: knotd keeps it in storage/<zone>.zone" :
		             "secondary without zonefile: knotd keeps it in its journal only (journal-content: all)");
	if (!zp->secondary && zp->file == NULL)
		knotmap_note(c, p->file, p->line, knotmap_pname(NSDCONF_P_ZONEFILE), NSDCONF_K_UNSUPPORTED, false,
		             "a primary zone without zonefile (NSD refuses it): knotd finds no data");
	for (const struct nsdconf_acl *o = nsdconf_pacl(p, NSDCONF_P_OUTGOING_INTERFACE);
	     o != NULL; o = o->next) {
		if (++count[o->ipv6] == 2)
			knotmap_note(c, o->file, o->line, knotmap_pname(NSDCONF_P_OUTGOING_INTERFACE), NSDCONF_K_APPROX, false,
			             "knotd uses only the first source address of a family (remote.via); "
			             "NSD tries the next when binding fails");
	}
}

static void zone_one(struct knotmap_ctx *c, struct render *r, const struct nsdconf_zone *z)
{
	struct zone_plan zp;
	const char *tid, *queryacl;

	/* The model holds each zone name once (nsdconf_model_add_zone). */
	plan_zone(c, z, &zp);
	/* yparser reads an empty value as a missing one. */
	if (z->name[0] == '\0' || !knotmap_value_ok(z->name) ||
	    (zp.file != NULL && !knotmap_value_ok(zp.file))) {
		knotmap_note(c, z->file, z->line, knotmap_pname(NSDCONF_P_NAME), NSDCONF_K_UNSUPPORTED, false,
		             "zone name or zonefile cannot be written in Knot's configuration: zone left out");
		return;
	}
	queryacl = knotmap_acl_zone(c, z->pattern, &r->acl);
	r->body.b.len = 0;
	body_render(c, z, &zp, &r->acl, queryacl, &r->body);
	if (r->body.oom) {
		c->err = KNOT_ENOMEM;
		return;
	}
	tid = template_id(c, r, z);
	if (c->opts->report != NULL && notes_new(r, z, &zp, tid))
		notes_zone(c, z, &zp);

	knotmap_comment(c, &r->zone_out, "  ", "zone", z->file, z->line);
	kbuf_puts(&r->zone_out, "  - domain: ");
	kbuf_value(&r->zone_out, z->name);
	kbuf_puts(&r->zone_out, "\n    template: ");
	kbuf_puts(&r->zone_out, tid);
	kbuf_puts(&r->zone_out, "\n");
	if (zp.file != NULL) {
		kbuf_puts(&r->zone_out, "    file: ");
		kbuf_value(&r->zone_out, zp.file);
		kbuf_puts(&r->zone_out, "\n");
	}
}

static void zones_render(struct knotmap_ctx *c, struct render *r)
{
	r->templates = strmap_new(c->arena);
	r->sigs = strmap_new(c->arena);
	for (int i = 0; i < c->m->n_zones && c->err == 0; i++)
		zone_one(c, r, c->m->zones[i]);
}

static void section(struct kbuf *out, const char *name, const struct kbuf *items)
{
	if (items->b.len == 0)
		return;
	kbuf_printf(out, "%s:\n", name);
	kbuf_add(out, items->b.data, items->b.len);
	kbuf_puts(out, "\n");
}

/* The header names the source and says what kind of configuration this is. */
static void header(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *f = c->m->configfile != NULL ? c->m->configfile : "nsd.conf";

	kbuf_puts(out, c->opts->full ? "# Knot DNS configuration converted by knot-nsd from "
	                             : "# Generated by knot-nsd (mod-nsd) from ");
	comment_text(out, f);
	if (!c->opts->full)
		kbuf_puts(out, "; edits here are overwritten.\n\n");
	else if (c->native)
		kbuf_puts(out, "\n# Native: knotd alone enforces every rule below; "
		               "'knot-nsd convert --report' lists what differs from NSD.\n\n");
	else
		kbuf_puts(out, "\n# mod-nsd keeps keys, remotes, acls and zones of nsd.conf in the "
		               "included file\n# and applies NSD's access rules exactly.\n\n");
}

static void kbuf_release(struct kbuf *k)
{
	knotmap_buf_free(&k->b);
}

int knotmap_render(const struct nsdconf_model *m, const struct knotmap_opts *opts,
                   struct knotmap_buf *out)
{
	struct knotmap_ctx c = {
		.m = m, .opts = opts, .query_rule = -1, .query_deny_rule = -1,
		.native = opts != NULL && opts->full && opts->module == NULL,
		.comments = opts != NULL && opts->full,
	};
	struct render r = { 0 };
	struct kbuf keys = { 0 }, server = { 0 }, head = { 0 }, deflt = { 0 }, tail = { 0 };
	struct kbuf res = { .b = *out };
	bool oom, zones;

	if (m == NULL || opts == NULL || out == NULL)
		return KNOT_EINVAL;
	c.arena = nsdconf_arena_new();
	c.ids = idset_new(c.arena);
	c.keys = strmap_new(c.arena);
	c.remotes = strmap_new(c.arena);
	c.entries = strmap_new(c.arena);
	c.by_ptr = strmap_new(c.arena);
	c.rules = strmap_new(c.arena);
	c.notes = strmap_new(c.arena);
	c.queryacls = strmap_new(c.arena);

	keys_render(&c, &keys);
	knotmap_acl_query_rule(&c);
	zones_render(&c, &r);
	if (opts->full) {
		knotmap_server(&c, &server);
		knotmap_modules_head(&c, &head);
		knotmap_modules_default(&c, &deflt);
		knotmap_modules_tail(&c, &tail);
	}
	knotmap_report_globals(&c);

	/* With mod-nsd, the module writes key..zone itself (the include). */
	zones = !opts->full || opts->module == NULL;
	res.b.len = 0;
	header(&c, &res);
	kbuf_add(&res, server.b.data ? server.b.data : "", server.b.len);
	kbuf_add(&res, head.b.data ? head.b.data : "", head.b.len);
	if (zones) {
		section(&res, "mod-queryacl", &c.module_out);
		section(&res, "key", &keys);
		section(&res, "remote", &c.remote_out);
		section(&res, "acl", &c.acl_out);
	}
	if (deflt.b.len > 0 || (zones && r.tmpl_out.b.len > 0)) {
		kbuf_puts(&res, "template:\n");
		kbuf_add(&res, deflt.b.data ? deflt.b.data : "", deflt.b.len);
		if (zones)
			kbuf_add(&res, r.tmpl_out.b.data ? r.tmpl_out.b.data : "", r.tmpl_out.b.len);
		kbuf_puts(&res, "\n");
	}
	if (zones)
		section(&res, "zone", &r.zone_out);
	kbuf_add(&res, tail.b.data ? tail.b.data : "", tail.b.len);
	*out = res.b;

	oom = res.oom || keys.oom || server.oom || head.oom || deflt.oom || tail.oom ||
	      c.remote_out.oom || c.acl_out.oom || c.module_out.oom || r.tmpl_out.oom ||
	      r.zone_out.oom || r.sig.oom;
	kbuf_release(&keys);
	kbuf_release(&server);
	kbuf_release(&head);
	kbuf_release(&deflt);
	kbuf_release(&tail);
	kbuf_release(&c.remote_out);
	kbuf_release(&c.acl_out);
	kbuf_release(&c.module_out);
	kbuf_release(&r.tmpl_out);
	kbuf_release(&r.zone_out);
	kbuf_release(&r.body);
	kbuf_release(&r.sig);
	free(r.acl.idx);
	nsdconf_arena_free(c.arena);
	if (c.err != 0)
		return c.err;
	return oom ? KNOT_ENOMEM : KNOT_EOK;
}
