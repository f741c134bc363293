/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: the report, one line per option written, and each zone's option verdicts. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "knotmap/knotmap_int.h"

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

	/* A failed render's report is thrown away with it. */
	if (c->opts->report == NULL || c->err != 0) {
		return;
	}
	len = snprintf(key, sizeof(key), "%s|%d|%s|%d|%s", file ? file : "", line, option,
	               verdict, how);
	if (len > 0 && (size_t)len < sizeof(key)) {
		strmap_slot(c->notes, key, (size_t)len, &created);
		if (!created) {
			return;
		}
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

/* Which option notes a zone's settings give: every zone with the same set
 * options (and numbers) gives the same ones, so they are given once. */
static bool notes_new(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                      const struct knotmap_zone_plan *zp, const char *tid)
{
	const struct nsdconf_pattern *p = z->pattern;
	bool created;

	c->note_sig.b.len = 0;
	kbuf_puts(&c->note_sig, tid);
	kbuf_num(&c->note_sig, zp->secondary * 100 + (zp->file != NULL) * 10 + zp->file_relative);
	for (int s = 1; s < NSDCONF_P_SLOTS; s++) {
		const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);

		if (!nsdconf_pset(p, s) || o == NULL) {
			continue;
		}
		kbuf_puts(&c->note_sig, "|");
		kbuf_num(&c->note_sig, s);
		if (p->loc != NULL) {
			/* The same values written elsewhere get their own report lines;
			 * include-pattern copies a pattern's places, so compare places. */
			const struct nsdconf_loc *l = nsdconf_loc_find(p->loc, s);

			kbuf_puts(&c->note_sig, "@");
			kbuf_num(&c->note_sig, l != NULL ? (long long)(intptr_t)l->file : 0);
			kbuf_puts(&c->note_sig, ":");
			kbuf_num(&c->note_sig, l != NULL ? l->line : 0);
		}
		if (o->type == NSDCONF_T_BOOL || o->type == NSDCONF_T_NUM || o->type == NSDCONF_T_EXPIRE) {
			kbuf_puts(&c->note_sig, "=");
			kbuf_num(&c->note_sig, p->val[s].num);
		}
	}
	if (c->note_sig.oom) {
		knotmap_nomem(c);
		return false;
	}
	strmap_slot(c->note_sigs, c->note_sig.b.data, c->note_sig.b.len, &created);
	return created && c->err == 0;
}

static void note_interval(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                          enum nsdconf_pslot s, const struct knotmap_interval *iv)
{
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);
	const char *f = p->file;
	int l = p->line;

	bool is_min = s == NSDCONF_P_MIN_REFRESH_TIME || s == NSDCONF_P_MIN_RETRY_TIME;
	const char *why = is_min ? iv->why_min : iv->why_max;

	knotmap_where(p->loc, s, &f, &l);
	if (why != NULL) {
		knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false, why);
	} else {
		knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
	}
}

/* allow-query, entry by entry: mod-nsd applies it (natively knotmap_query.c reports). */
static void note_allow_query(struct knotmap_ctx *c, const struct nsdconf_pattern *p)
{
	if (c->native) {
		return;
	}
	for (const struct nsdconf_acl *a = nsdconf_pacl(p, NSDCONF_P_ALLOW_QUERY); a; a = a->next) {
		knotmap_note(c, a->file, a->line, knotmap_pname(NSDCONF_P_ALLOW_QUERY), NSDCONF_K_MODULE, true,
		             "mod-nsd applies it; knotd alone would answer every query");
	}
}

/* The report line of one option set for a zone (its value's verdict, not only the table's). */
static void note_option(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                        const struct knotmap_zone_plan *zp, enum nsdconf_pslot s)
{
	const struct nsdconf_pattern *p = z->pattern;
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);
	const char *f = p->file;
	int l = p->line;

	knotmap_where(p->loc, s, &f, &l);
	switch (s) {
	case NSDCONF_P_CATALOG_MEMBER_PATTERN:
		return;   /* knotmap_catalog.c says what became of it */
	case NSDCONF_P_ZONEFILE:
		if (nsdconf_pattern_is_producer(p)) {
			knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false, "a catalog producer: "
			             "knotd keeps the catalog in its journal, this file is not written");
		} else if (zp->file_relative) {
			knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false,
			             "relative path and no start directory known: Knot resolves it against its storage");
		} else {
			knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
		}
		return;
	case NSDCONF_P_ALLOW_QUERY:
		note_allow_query(c, p);
		return;
	case NSDCONF_P_NOTIFY_RETRY:
		if (c->native) {
			knotmap_note(c, f, l, o->name, NSDCONF_K_APPROX, false, "knotd retries a "
			             "failed NOTIFY at the zone's SOA retry interval, without a count limit");
		} else {
			knotmap_note(c, f, l, o->name, o->knot, false, o->knot_note);
		}
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
                       const struct knotmap_zone_plan *zp)
{
	const struct nsdconf_pattern *p = z->pattern;
	int count[2] = { 0, 0 };

	for (int s = 1; s < NSDCONF_P_SLOTS; s++) {
		if (nsdconf_pset(p, s) && nsdconf_option_slot(NSDCONF_CL_PATTERN, s) != NULL) {
			note_option(c, z, zp, s);
		}
	}
	if (zp->secondary && zp->file == NULL) {
		knotmap_note(c, p->file, p->line, knotmap_pname(NSDCONF_P_ZONEFILE), NSDCONF_K_APPROX, false,
		             c->opts->storage != NULL ?
		             "secondary without zonefile: knotd keeps it in storage/<zone>.zone" :
		             "secondary without zonefile: knotd keeps it in its journal only (journal-content: all)");
	}
	if (!zp->secondary && zp->file == NULL && !nsdconf_pattern_is_producer(p)) {
		knotmap_note(c, p->file, p->line, knotmap_pname(NSDCONF_P_ZONEFILE), NSDCONF_K_UNSUPPORTED, false,
		             "a primary zone without zonefile (NSD refuses it): knotd finds no data");
	}
	for (const struct nsdconf_acl *o = nsdconf_pacl(p, NSDCONF_P_OUTGOING_INTERFACE);
	     o != NULL; o = o->next) {
		if (++count[o->ipv6] == 2) {
			knotmap_note(c, o->file, o->line, knotmap_pname(NSDCONF_P_OUTGOING_INTERFACE), NSDCONF_K_APPROX, false,
			             "knotd uses only the first source address of a family (remote.via); "
			             "NSD tries the next when binding fails");
		}
	}
}

void knotmap_notes_zone(struct knotmap_ctx *c, const struct nsdconf_zone *z,
                        const struct knotmap_zone_plan *zp, const char *tid)
{
	if (c->opts->report != NULL && notes_new(c, z, zp, tid)) {
		notes_zone(c, z, zp);
	}
}
