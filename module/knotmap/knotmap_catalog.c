/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of NSD's catalog zones (NSD 4.9+): consumer, producer and their members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/arena.h"
#include "knotmap/knotmap_int.h"

/*
 * NSD consumes one catalog: with two consumer zones it processes neither (xfrd
 * "only one single catalog consumer zone allowed"). A member takes the pattern its
 * group property names, else catalog-member-pattern. knotd takes the catalog-template
 * whose id equals the group, else the first: so the member pattern's template comes
 * first and every pattern a group may name is a template of its own name.
 */

/* NSD's zonefile template in Knot's per-zone format (%1 -> %c[0], %z -> %l[0], ...);
 * a '%' NSD keeps as written is "%%" for knotd. Arena memory, NULL out of memory. */
const char *knotmap_zonefile_format(struct knotmap_ctx *c, const char *tmpl)
{
	size_t len = strlen(tmpl);
	char *out = nsdconf_arena_alloc(c->arena, 3 * len + 1), *o = out;

	if (out == NULL) {
		return NULL;
	}
	for (const char *s = tmpl; *s != '\0'; s++) {
		const char *f = NULL;

		if (s[0] == '%') {
			switch (s[1]) {
			case 's': f = "%s"; break;
			case '1': f = "%c[0]"; break;
			case '2': f = "%c[1]"; break;
			case '3': f = "%c[2]"; break;
			case 'z': f = "%l[0]"; break;
			case 'y': f = "%l[1]"; break;
			case 'x': f = "%l[2]"; break;
			default: break;
			}
		}
		if (f != NULL) {
			/* the longest replacement (5) is never more than 3 per input char */
			memcpy(o, f, strlen(f));
			o += strlen(f);
			s++;
		} else if (s[0] == '%') {
			*o++ = '%';
			*o++ = '%';
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static void catalog_note(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                         enum nsdconf_pslot s, enum nsdconf_knot verdict, const char *how)
{
	const char *f = p->file;
	int l = p->line;

	knotmap_where(p->loc, s, &f, &l);
	knotmap_note(c, f, l, knotmap_pname(s), verdict, false, how);
}

/* One pattern as the template of the members that get it. */
static bool member_template(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                            struct kbuf *out)
{
	struct knotmap_zone_plan zp;
	struct knotmap_acl_list acl = { 0 };
	const char *queryacl;
	bool ok = false;

	/* nsdconf_pattern_member_capable() vouched for the name; pattern names are
	 * unique, and the templates' own ids are claimed after these */
	if (!idset_claim(c->template_ids, p->name)) {
		catalog_note(c, p, NSDCONF_P_NAME, NSDCONF_K_UNSUPPORTED,
		             "no template of this name can be written: a member whose group names "
		             "this pattern gets catalog-member-pattern's");
		return false;
	}
	if (!knotmap_plan_pattern(c, p, NULL, &zp)) {
		return false;
	}
	if (zp.file != NULL && !knotmap_value_ok(zp.file)) {
		catalog_note(c, p, NSDCONF_P_ZONEFILE, NSDCONF_K_UNSUPPORTED,
		             "cannot be written in Knot's configuration: the members keep knotd's "
		             "default file");
		zp.file = NULL;
	}
	queryacl = knotmap_acl_zone(c, p, &acl);
	if (c->err == 0) {
		knotmap_comment(c, out, "  ", "members of a catalog with pattern", p->file, p->line);
		kbuf_puts(out, "  - id: ");
		kbuf_value(out, p->name);
		kbuf_puts(out, "\n    comment: ");
		kbuf_puts(out, "\"" KNOTMAP_MEMBER_COMMENT);
		kbuf_puts(out, p->name);
		kbuf_puts(out, "\"\n");
		if (zp.file != NULL) {
			kbuf_puts(out, "    file: ");
			kbuf_value(out, zp.file);
			kbuf_puts(out, "\n");
		}
		/* NSD's NOTIFY rounds are the module's for nsd.conf's zones only: knotd
		 * notifies a member's targets itself */
		c->catalog_member = true;
		knotmap_body_render(c, p, &zp, &acl, queryacl, out);
		c->catalog_member = false;
		ok = true;
		if (zp.file_relative) {
			catalog_note(c, p, NSDCONF_P_ZONEFILE, NSDCONF_K_APPROX,
			             "relative path and no start directory known: Knot resolves it "
			             "against its storage");
		}
		const char *zf = nsdconf_pstr(p, NSDCONF_P_ZONEFILE);
		if (zf != NULL &&
		    (strstr(zf, "%1") || strstr(zf, "%2") || strstr(zf, "%3") ||
		     strstr(zf, "%z") || strstr(zf, "%y") || strstr(zf, "%x"))) {
			catalog_note(c, p, NSDCONF_P_ZONEFILE, NSDCONF_K_APPROX,
			             "for a member: %1 %2 %3 %z %y %x are Knot's %c[N] and %l[N]; a "
			             "name too short for one gives knotd no zonefile (NSD puts '.')");
		}
	}
	free(acl.idx);
	return ok;
}

void knotmap_catalog_templates(struct knotmap_ctx *c, struct kbuf *out)
{
	const struct nsdconf_model *m = c->m;
	const struct nsdconf_pattern *mp;
	const struct nsdconf_zone *cz;
	const char *mp_name;
	int consumers;
	struct kbuf list = { 0 };
	int n = 0;

	/* the user's default template, and ours (nsd-t<N>), are not pattern names */
	(void)idset_claim(c->template_ids, "default");
	cz = nsdconf_catalog_consumer(m, &consumers);
	if (consumers > 1) {
		for (int i = 0; i < m->n_zones; i++) {
			if (nsdconf_pattern_is_consumer(m->zones[i]->pattern)) {
				catalog_note(c, m->zones[i]->pattern, NSDCONF_P_CATALOG,
				             NSDCONF_K_UNSUPPORTED, "NSD processes no catalog when more "
				             "than one zone is a consumer: served as a plain zone, its "
				             "members are not added");
			}
		}
	}
	if (cz == NULL) {
		return;
	}
	mp_name = nsdconf_pstr(cz->pattern, NSDCONF_P_CATALOG_MEMBER_PATTERN);
	mp = mp_name != NULL ? nsdconf_pattern_find(m, mp_name) : NULL;
	if (mp != NULL && !nsdconf_pattern_member_capable(mp)) {
		catalog_note(c, cz->pattern, NSDCONF_P_CATALOG_MEMBER_PATTERN, NSDCONF_K_UNSUPPORTED,
		             "names a catalog or producer pattern, or one whose name cannot be a "
		             "Knot template id: members without a group naming a pattern are not "
		             "served");
		mp = NULL;
	} else if (mp == NULL) {
		catalog_note(c, cz->pattern, mp_name != NULL ? NSDCONF_P_CATALOG_MEMBER_PATTERN
		                                             : NSDCONF_P_CATALOG, NSDCONF_K_APPROX,
		             mp_name != NULL ? "no such pattern: as NSD, a member without a group "
		             "property naming a pattern is not served" :
		             "no catalog-member-pattern: as NSD, a member without a group property "
		             "naming a pattern is not served");
	}
	if (mp != NULL && member_template(c, mp, out)) {
		kbuf_puts(&list, "[");
		kbuf_value(&list, mp->name);
		n++;
		catalog_note(c, cz->pattern, NSDCONF_P_CATALOG_MEMBER_PATTERN, NSDCONF_K_EXACT,
		             "zone.catalog-template: this pattern first, then every pattern a "
		             "group property may name");
	} else if (c->err == 0) {
		/* knotd gives a member without a matching group the first template: NSD adds
		 * no such member (an invalid catalog), so the first is one that serves
		 * nothing, no transfer, no data, and no pattern for the gate */
		const char *id = idset_make(c->template_ids, "nsd-no-member-pattern");
		kbuf_puts(out, "  - id: ");
		kbuf_puts(out, id);
		kbuf_puts(out, "\n    comment: \"no catalog-member-pattern: NSD adds no such "
		               "member\"\n    zonefile-load: none\n    zonefile-sync: -1\n"
		               "    journal-content: none\n");
		kbuf_puts(&list, "[");
		kbuf_puts(&list, id);
		n++;
	}
	for (int i = 0; i < m->n_patterns && c->err == 0; i++) {
		const struct nsdconf_pattern *p = m->patterns[i];

		if (p == mp || !nsdconf_pattern_member_capable(p) || !member_template(c, p, out)) {
			continue;
		}
		kbuf_puts(&list, n++ == 0 ? "[" : ", ");
		kbuf_value(&list, p->name);
	}
	if (list.oom) {
		knotmap_nomem(c);
	}
	if (c->err != 0) {
		knotmap_buf_free(&list.b);
		return;
	}
	kbuf_puts(&list, "]");
	c->consumer = cz;
	c->catalog_templates = nsdconf_arena_strdup(c->arena, list.b.data);
	knotmap_buf_free(&list.b);
	if (c->catalog_templates == NULL) {
		knotmap_nomem(c);
	}
}

/* knotd crashes on a member whose catalog-zone is a zone that is not generated
 * (generate.c, 3.2-3.4): the parser refuses that, and this makes sure. */
static bool producer_ok(struct knotmap_ctx *c, const char *name)
{
	const struct nsdconf_zone *z = nsdconf_zone_find(c->m, name);

	return z != NULL && nsdconf_pattern_is_producer(z->pattern) && knotmap_value_ok(z->name);
}

/* The zone-level items of pattern p's catalog role. */
void knotmap_catalog_items(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                           struct kbuf *b)
{
	const char *role = nsdconf_pstr(p, NSDCONF_P_CATALOG);
	const char *producer = nsdconf_pstr(p, NSDCONF_P_CATALOG_PRODUCER_ZONE);

	if (nsdconf_pattern_is_consumer(p)) {
		/* only the consumer NSD processes is a catalog for knotd */
		if (c->consumer != NULL && c->consumer->pattern == p && c->catalog_templates != NULL) {
			kbuf_puts(b, "    catalog-role: interpret\n    catalog-template: ");
			kbuf_puts(b, c->catalog_templates);
			kbuf_puts(b, "\n");
		}
	} else if (role != NULL && strcmp(role, "producer") == 0) {
		/* NSD's serial: the time, or one more when that is not larger */
		kbuf_puts(b, "    catalog-role: generate\n    serial-policy: unixtime\n");
	} else if (producer != NULL && producer_ok(c, producer)) {
		kbuf_puts(b, "    catalog-role: member\n    catalog-zone: ");
		kbuf_value(b, producer);
		kbuf_puts(b, "\n");
		/* NSD's producer gives every member its pattern's name as group property */
		if (strlen(p->name) <= 255 && knotmap_value_ok(p->name)) {
			kbuf_puts(b, "    catalog-group: ");
			kbuf_value(b, p->name);
			kbuf_puts(b, "\n");
		}
	}
}
