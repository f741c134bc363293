/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: zones and the templates they share, and the whole configuration put together. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/arena.h"
#include "conf/zonefile.h"
#include "knotmap/knotmap_int.h"

/* A comment line cannot hold control characters (nor may it end early). */
static void comment_text(struct kbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		kbuf_add(out, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
	}
}

void knotmap_comment(struct knotmap_ctx *c, struct kbuf *out, const char *indent,
                     const char *what, const char *file, int line)
{
	if (!c->comments) {
		return;
	}
	kbuf_puts(out, indent);
	kbuf_puts(out, "# ");
	kbuf_puts(out, what);
	kbuf_puts(out, " at ");
	comment_text(out, file != NULL ? file : "?");
	kbuf_puts(out, ":");
	kbuf_num(out, line);
	kbuf_puts(out, "\n");
}

/* Per zone: what its template says. */

/*
 * NSD clamps the SOA timers into [min, max] with a floor of 1 s; Knot does the
 * same but its floors are 2 s (refresh), 1 s (retry), and it refuses min > max,
 * where NSD would use max above it and min below it.
 */
static void plan_interval(const struct nsdconf_pattern *p, enum nsdconf_pslot smin,
                          enum nsdconf_pslot smax, long long floor, struct knotmap_interval *iv)
{
	iv->has_min = nsdconf_pset(p, smin);
	iv->has_max = nsdconf_pset(p, smax);
	iv->min = nsdconf_pnum(p, smin);
	iv->max = nsdconf_pnum(p, smax);
	iv->why_min = iv->why_max = NULL;
	if (iv->has_min && iv->min < floor) {
		iv->has_min = false;
		/* Both floor the timers at 1 s anyway: no difference then. */
		if (floor > 1) {
			iv->why_min = "below knotd's floor: knotd's own minimum applies";
		}
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

static void plan_ixfr(const struct nsdconf_pattern *p, struct knotmap_zone_plan *zp)
{
	long long number = nsdconf_pnum(p, NSDCONF_P_IXFR_NUMBER);
	long long size = nsdconf_pnum(p, NSDCONF_P_IXFR_SIZE);

	if (!nsdconf_pnum(p, NSDCONF_P_STORE_IXFR) || number == 0) {
		return;
	}
	zp->depth = number < 2 ? 2 : number;
	/* journal-content: all keeps the zone itself in the journal: no byte cap. */
	if (size > 0 && strcmp(zp->journal, "all") != 0) {
		zp->usage = size < 40960 ? 40960 : size;
	}
}

/* The settings of pattern p for the zone named name, or (name NULL) for every zone a
 * catalog gives it: the zonefile is then Knot's per-zone format of NSD's template.
 * False when out of memory (c->err set). */
bool knotmap_plan_pattern(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                          const char *name, struct knotmap_zone_plan *zp)
{
	const char *zf = nsdconf_pstr(p, NSDCONF_P_ZONEFILE);
	long long v;

	memset(zp, 0, sizeof(*zp));
	zp->sync = LLONG_MIN;
	zp->secondary = nsdconf_pacl(p, NSDCONF_P_REQUEST_XFR) != NULL;
	if (zf != NULL && zf[0] != '\0' && name == NULL && !nsdconf_pattern_is_producer(p)) {
		const char *e = knotmap_zonefile_format(c, zf);

		zp->file = e != NULL ? nsdconf_zonefile_path(e, nsdconf_gstr(c->m, NSDCONF_G_ZONESDIR),
		                                             c->opts->cwd, c->arena) : NULL;
		if (zp->file == NULL) {
			knotmap_nomem(c);
			return false;
		}
		zp->file_relative = zp->file[0] != '/';
	} else if (zf != NULL && zf[0] != '\0' && !nsdconf_pattern_is_producer(p)) {
		const char *e = nsdconf_zonefile_expand(zf, name, c->arena);

		if (e != NULL) {
			zp->file = nsdconf_zonefile_path(e, nsdconf_gstr(c->m, NSDCONF_G_ZONESDIR),
			                                 c->opts->cwd, c->arena);
		}
		if (zp->file == NULL) {
			knotmap_nomem(c);
			return false;
		}
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
	if (nsdconf_pset(p, NSDCONF_P_SIZE_LIMIT_XFR) && v > 0) {
		zp->max_size = v;
	}
	plan_interval(p, NSDCONF_P_MIN_REFRESH_TIME, NSDCONF_P_MAX_REFRESH_TIME, 2, &zp->refresh);
	plan_interval(p, NSDCONF_P_MIN_RETRY_TIME, NSDCONF_P_MAX_RETRY_TIME, 1, &zp->retry);
	if (nsdconf_pattern_is_producer(p)) {
		/* knotd makes the catalog from its members and keeps it in the journal
		 * (it forces that); NSD only ever writes its file */
		zp->load = NULL;
		zp->journal = "all";
	}
	if (nsdconf_pset(p, NSDCONF_P_MIN_EXPIRE_TIME)) {
		v = nsdconf_pnum(p, NSDCONF_P_MIN_EXPIRE_TIME);
		if (v == NSDCONF_EXPIRE_REFRESH_RETRY_1) {
			/* The zone's clamped refresh + retry + 1 is at most this. */
			v = nsdconf_pnum(p, NSDCONF_P_MAX_REFRESH_TIME) +
			    nsdconf_pnum(p, NSDCONF_P_MAX_RETRY_TIME) + 1;
			if (v > UINT32_MAX) {
				v = UINT32_MAX;
			}
		}
		zp->expire_min = v < 3 ? 3 : v;
	}
	return true;
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

static void body_interval(struct kbuf *b, const char *name, const struct knotmap_interval *iv)
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

void knotmap_body_render(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                         const struct knotmap_zone_plan *zp, const struct knotmap_acl_list *acl,
                         const char *queryacl, struct kbuf *b)
{
	knotmap_catalog_items(c, p, b);
	if (zp->secondary) {
		knotmap_remote_item(c, p, NSDCONF_P_REQUEST_XFR, "master", b);
	}
	knotmap_remote_item(c, p, NSDCONF_P_NOTIFY, "notify", b);
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
	if (zp->sync != LLONG_MIN) {
		item_num(b, "zonefile-sync", zp->sync);
	}
	if (zp->load != NULL) {
		item_str(b, "zonefile-load", zp->load);
	}
	item_str(b, "journal-content", zp->journal);
	if (zp->depth > 0) {
		item_num(b, "journal-max-depth", zp->depth);
	}
	if (zp->usage > 0) {
		item_num(b, "journal-max-usage", zp->usage);
	}
	if (zp->max_size > 0) {
		item_num(b, "zone-max-size", zp->max_size);
	}
	body_interval(b, "refresh", &zp->refresh);
	body_interval(b, "retry", &zp->retry);
	if (zp->expire_min > 0) {
		item_num(b, "expire-min-interval", zp->expire_min);
	}
	if (queryacl != NULL) {
		kbuf_puts(b, "    module: mod-queryacl/");
		kbuf_puts(b, queryacl);
		kbuf_puts(b, "\n");
	}
}

/* Templates and zones. */

struct render {
	struct strmap *templates;  /* body -> id */
	struct kbuf tmpl_out, zone_out, body;
	struct knotmap_acl_list acl;
	int n_templates;
};

static const char *template_id(struct knotmap_ctx *c, struct render *r,
                               const struct nsdconf_zone *z)
{
	bool created;
	void **slot = strmap_slot(r->templates, r->body.b.data, r->body.b.len, &created);
	char text[32];

	if (!created) {
		return *slot;
	}
	snprintf(text, sizeof(text), "nsd-t%d", ++r->n_templates);
	*slot = (void *)idset_make(c->template_ids, text);
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


static void zone_one(struct knotmap_ctx *c, struct render *r, const struct nsdconf_zone *z)
{
	struct knotmap_zone_plan zp;
	const char *tid, *queryacl;

	/* The model holds each zone name once (nsdconf_model_add_zone). */
	if (!knotmap_plan_pattern(c, z->pattern, z->name, &zp)) {
		return;
	}
	/* yparser reads an empty value as a missing one. */
	if (z->name[0] == '\0' || !knotmap_value_ok(z->name) ||
	    (zp.file != NULL && !knotmap_value_ok(zp.file))) {
		knotmap_note(c, z->file, z->line, knotmap_pname(NSDCONF_P_NAME), NSDCONF_K_UNSUPPORTED, false,
		             "zone name or zonefile cannot be written in Knot's configuration: zone left out");
		return;
	}
	queryacl = knotmap_acl_zone(c, z->pattern, &r->acl);
	if (c->err != 0) {
		return;
	}
	r->body.b.len = 0;
	knotmap_body_render(c, z->pattern, &zp, &r->acl, queryacl, &r->body);
	if (r->body.oom) {
		knotmap_nomem(c);
	}
	if (c->err != 0) {
		return;
	}
	tid = template_id(c, r, z);
	knotmap_notes_zone(c, z, &zp, tid);

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
	r->templates = strmap_new(c);
	knotmap_catalog_templates(c, &r->tmpl_out);
	for (int i = 0; i < c->m->n_zones && c->err == 0; i++) {
		zone_one(c, r, c->m->zones[i]);
	}
}

static void section(struct kbuf *out, const char *name, const struct kbuf *items)
{
	if (items->b.len == 0) {
		return;
	}
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
	if (!c->opts->full) {
		kbuf_puts(out, "; edits here are overwritten.\n\n");
	} else if (c->native) {
		kbuf_puts(out, "\n# Native: knotd alone enforces every rule below; "
		               "'knot-nsd convert --report' lists what differs from NSD.\n\n");
	} else {
		kbuf_puts(out, "\n# mod-nsd keeps keys, remotes, acls and zones of nsd.conf in the "
		               "included file\n# and applies NSD's access rules exactly.\n\n");
	}
}

static void kbuf_release(struct kbuf *k)
{
	knotmap_buf_free(&k->b);
}

/* The parts put together in Knot's section order (the parts are complete). */
static void assemble(struct knotmap_ctx *c, const struct render *r, const struct kbuf *keys,
                     const struct kbuf *server, const struct kbuf *head,
                     const struct kbuf *deflt, const struct kbuf *tail, struct kbuf *res)
{
	/* With mod-nsd, the module writes key..zone itself (the include). */
	bool zones = !c->opts->full || c->opts->module == NULL;

	res->b.len = 0;
	header(c, res);
	kbuf_add(res, server->b.data ? server->b.data : "", server->b.len);
	kbuf_add(res, head->b.data ? head->b.data : "", head->b.len);
	if (zones) {
		section(res, "mod-queryacl", &c->module_out);
		section(res, "key", keys);
		section(res, "remote", &c->remote_out);
		section(res, "acl", &c->acl_out);
	}
	if (deflt->b.len > 0 || (zones && r->tmpl_out.b.len > 0)) {
		kbuf_puts(res, "template:\n");
		kbuf_add(res, deflt->b.data ? deflt->b.data : "", deflt->b.len);
		if (zones) {
			kbuf_add(res, r->tmpl_out.b.data ? r->tmpl_out.b.data : "", r->tmpl_out.b.len);
		}
		kbuf_puts(res, "\n");
	}
	if (zones) {
		section(res, "zone", &r->zone_out);
	}
	kbuf_add(res, tail->b.data ? tail->b.data : "", tail->b.len);
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
	struct kbuf res;
	int ret;

	if (m == NULL || opts == NULL || out == NULL) {
		return KNOT_EINVAL;
	}
	c.knot = opts->knot_version != 0 ? opts->knot_version : knotmap_knot_build();
	if (c.knot < KNOTMAP_KNOT_OLDEST || c.knot > KNOTMAP_KNOT_NEWEST) {
		out->len = 0;
		return KNOT_EINVAL;
	}
	res = (struct kbuf){ .b = *out };
	c.arena = nsdconf_arena_new();
	if (c.arena == NULL) {
		out->len = 0;
		return KNOT_ENOMEM;
	}
	c.ids = idset_new(&c);
	c.template_ids = idset_new(&c);
	c.keys = strmap_new(&c);
	c.remotes = strmap_new(&c);
	c.entries = strmap_new(&c);
	c.by_ptr = strmap_new(&c);
	c.rules = strmap_new(&c);
	c.notes = strmap_new(&c);
	c.queryacls = strmap_new(&c);
	c.note_sigs = strmap_new(&c);

	/* Each part stops at the first failure; the next is not begun. */
	if (c.err == 0) {
		knotmap_keys(&c, &keys);
		knotmap_self_notify(&c, &keys);
	}
	if (c.err == 0) {
		knotmap_acl_query_rule(&c);
	}
	if (c.err == 0) {
		zones_render(&c, &r);
	}
	if (c.err == 0 && opts->full) {
		knotmap_server(&c, &server);
		knotmap_modules_head(&c, &head);
		knotmap_modules_default(&c, &deflt);
		knotmap_modules_tail(&c, &tail);
	}
	if (c.err == 0) {
		knotmap_report_globals(&c);
	}
	if (keys.oom || server.oom || head.oom || deflt.oom || tail.oom || c.remote_out.oom ||
	    c.acl_out.oom || c.module_out.oom || r.tmpl_out.oom || r.zone_out.oom ||
	    c.note_sig.oom || nsdconf_arena_failed(c.arena)) {
		knotmap_nomem(&c);
	}
	if (c.err == 0) {
		assemble(&c, &r, &keys, &server, &head, &deflt, &tail, &res);
		if (res.oom) {
			knotmap_nomem(&c);
		}
	}
	ret = c.err;
	/* A failed render gives no text at all: never a part of a configuration. */
	if (ret != KNOT_EOK) {
		res.b.len = 0;
		if (res.b.data != NULL) {
			res.b.data[0] = '\0';
		}
	}
	*out = res.b;

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
	kbuf_release(&c.note_sig);
	free(r.acl.idx);
	strmap_free_all(&c);
	nsdconf_arena_free(c.arena);
	return ret;
}
