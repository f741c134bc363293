/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The remote control's catalog zones (NSD 4.9+): what knotd serves in the catalogs of
 * nsd.conf, read with zone-read at most once a second, for zonestatus; the members of
 * the consumed catalog as zones of the command layer (listed, found, refused to
 * delzone as NSD refuses them). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libknot/libknot.h>

#include "mod/ctl_catalog.h"
#include "mod/ctl_exec.h"
#include "mod/ctl_knotd.h"
#include "mod/ctl_view.h"

struct exec_cat {
	uint8_t *dname;          /* a catalog zone of the view */
	bool producer;
	bool ok;                 /* read from knotd */
	struct ctl_catalog cat;
};

struct ctl_exec_cats {
	time_t read_at;          /* CLOCK_MONOTONIC seconds when the last read ended */
	bool valid;
	bool hold;               /* zonestatus of all zones: read once, kept to its end */
	const struct ctl_view *view;     /* the view the members were made from */
	struct exec_cat *c;
	size_t n;
	struct ctl_view_zone *members;   /* the consumed catalog's, by name */
	size_t n_members;
	const struct ctl_zone **merged;  /* zonestatus of all: the view's and the members */
	size_t n_merged;
};

static void cats_clear(struct ctl_exec_cats *s)
{
	bool hold = s->hold;
	for (size_t i = 0; i < s->n; i++) {
		free(s->c[i].dname);
		ctl_catalog_clear(&s->c[i].cat);
	}
	free(s->c);
	for (size_t i = 0; i < s->n_members; i++) {
		ctl_view_zone_clear(&s->members[i]);
	}
	free(s->members);
	free(s->merged);
	memset(s, 0, sizeof(*s));
	s->hold = hold;
}

void ctl_exec_catalogs_free(struct ctl_exec *e)
{
	if (e->cats != NULL) {
		cats_clear(e->cats);
		free(e->cats);
		e->cats = NULL;
	}
}

struct read_ctx {
	struct ctl_catalog *cat;
	const uint8_t *dname;
};

static bool read_unit(void *ctx, knot_ctl_data_t *data)
{
	struct read_ctx *r = ctx;
	ctl_catalog_record(r->cat, r->dname, (*data)[KNOT_CTL_IDX_OWNER],
	                   (*data)[KNOT_CTL_IDX_TYPE], (*data)[KNOT_CTL_IDX_DATA]);
	return !r->cat->oom;
}

static bool read_catalog(struct ctl_exec *e, struct exec_cat *c, const char *name)
{
	char err[256];
	struct read_ctx r = { .cat = &c->cat, .dname = c->dname };
	if (e->knotd_socket == NULL ||
	    ctl_knotd_call(e->knotd_socket, "zone-read", name, NULL, read_unit, &r, err,
	                   sizeof(err)) != 0) {
		ctl_catalog_clear(&c->cat);
		return false;
	}
	return ctl_catalog_done(&c->cat);
}

/* The consumed catalog's members that nsd.conf does not name (NSD and knotd both leave
 * a member out that is a configured zone), as zones of the view. */
static void make_members(struct ctl_exec_cats *s, const struct ctl_view *v,
                         const struct exec_cat *c)
{
	s->members = calloc(c->cat.n + 1, sizeof(*s->members));
	if (s->members == NULL) {
		return;
	}
	for (size_t i = 0; i < c->cat.n; i++) {
		const struct ctl_catalog_member *m = &c->cat.m[i];
		/* a name twice in the catalog (sorted: adjacent) is one zone, the first */
		if (ctl_view_find(v, m->dname) != NULL ||
		    (i > 0 && knot_dname_is_equal(c->cat.m[i - 1].dname, m->dname))) {
			continue;
		}
		if (ctl_view_member_zone(v, m->dname, m->name, m->group, m->id,
		                         &s->members[s->n_members])) {
			s->n_members++;
		}
	}
}

/* Reads the view's catalogs again when the last read is a second old (or was of
 * another view). The view must be settled. */
static void refresh(struct ctl_exec *e)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (e->view == NULL) {
		return;
	}
	if (e->cats == NULL) {
		e->cats = calloc(1, sizeof(*e->cats));
		if (e->cats == NULL) {
			return;
		}
	}
	struct ctl_exec_cats *s = e->cats;
	/* read once for zonestatus of all zones (it walks the members), else at most
	 * once a second: a command's many zones never read a large catalog each */
	if (s->valid && (s->hold || (s->view == e->view && now.tv_sec - s->read_at < 1))) {
		return;
	}
	cats_clear(s);
	const struct ctl_view *v = e->view;
	size_t n = 0;
	for (size_t i = 0; i < v->n_zones; i++) {
		n += v->zones[i].z.catalog != NULL;
	}
	s->c = calloc(n + 1, sizeof(*s->c));
	if (s->c == NULL) {
		return;
	}
	for (size_t i = 0; i < v->n_zones; i++) {
		const struct ctl_view_zone *z = &v->zones[i];
		bool producer = z->z.catalog != NULL && strcmp(z->z.catalog, "producer") == 0;
		/* a consumer is a catalog for knotd only when NSD would process it; the
		 * others are read for their serial */
		bool consumer = z->z.catalog != NULL && !producer && v->consumer != NULL &&
		                knot_dname_is_equal(v->consumer, z->dname);
		if (z->z.catalog == NULL) {
			continue;
		}
		struct exec_cat *c = &s->c[s->n++];
		c->producer = producer;
		c->dname = knot_dname_copy(z->dname, NULL);
		c->ok = c->dname != NULL && read_catalog(e, c, z->z.name);
		if (c->ok && consumer) {
			make_members(s, v, c);
		}
	}
	s->view = v;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->read_at = now.tv_sec;
	s->valid = true;
}

void ctl_exec_catalogs_hold(struct ctl_exec *e, bool hold)
{
	if (e->cats == NULL && hold) {
		e->cats = calloc(1, sizeof(*e->cats));
	}
	if (e->cats != NULL) {
		e->cats->hold = hold;
		/* the first read under hold is a fresh one */
		if (hold) {
			e->cats->valid = false;
		}
	}
}

static const struct exec_cat *cat_of(const struct ctl_exec_cats *s, const uint8_t *dname)
{
	for (size_t i = 0; s != NULL && i < s->n; i++) {
		if (s->c[i].ok && knot_dname_is_equal(s->c[i].dname, dname)) {
			return &s->c[i];
		}
	}
	return NULL;
}

static int cmp_member_zone(const void *a, const void *b)
{
	return knot_dname_cmp(((const struct ctl_view_zone *)a)->dname,
	                      ((const struct ctl_view_zone *)b)->dname);
}

const struct ctl_zone *ctl_exec_member_find(struct ctl_exec *e, const uint8_t *dname)
{
	if (e->view == NULL || e->view->consumer == NULL) {
		return NULL;
	}
	refresh(e);
	struct ctl_exec_cats *s = e->cats;
	struct ctl_view_zone key = { .dname = (uint8_t *)dname };
	const struct ctl_view_zone *z = s != NULL && s->n_members > 0 ?
		bsearch(&key, s->members, s->n_members, sizeof(key), cmp_member_zone) : NULL;
	return z != NULL ? &z->z : NULL;
}

bool ctl_exec_catalog_status(void *ctx, const struct ctl_zone *z, struct ctl_catalog_status *st)
{
	struct ctl_exec *e = ctx;
	const struct ctl_view_zone *vz = (const struct ctl_view_zone *)z;
	bool member = e->view != NULL && ctl_view_pattern_is_member(e->view, z->pattern);
	if (z->catalog == NULL && !member) {
		return false;
	}
	refresh(e);
	if (z->catalog != NULL) {
		const struct exec_cat *c = cat_of(e->cats, vz->dname);
		bool producer = strcmp(z->catalog, "producer") == 0;
		bool processed = producer || (e->view->consumer != NULL &&
		                              knot_dname_is_equal(e->view->consumer, vz->dname));
		if (!processed) {
			st->invalid = "not processing: more than one catalog consumer zone "
			              "configured and only a single one allowed";
		}
		if (c != NULL && c->cat.have_serial) {
			st->counts = true;
			st->serial = c->cat.serial;
			/* NSD counts the members it added (a consumer it does not process has
			 * none); a producer's are all it has */
			st->members = producer ? c->cat.n : processed ? e->cats->n_members : 0;
		}
		return st->counts || st->invalid != NULL;
	}
	/* a member of a catalog knotd produces: the id knotd gave it */
	for (size_t i = 0; e->cats != NULL && i < e->cats->n; i++) {
		const struct exec_cat *c = &e->cats->c[i];
		const struct ctl_catalog_member *m = c->ok && c->producer ?
			ctl_catalog_find(&c->cat, vz->dname) : NULL;
		if (m != NULL) {
			st->member_id = m->id;
			return true;
		}
	}
	return false;
}

void ctl_exec_members_merge(struct ctl_exec *e)
{
	if (e->view == NULL || e->view->consumer == NULL) {
		return;
	}
	refresh(e);
	struct ctl_exec_cats *s = e->cats;
	const struct ctl_view *v = e->view;
	if (s == NULL || s->n_members == 0) {
		return;
	}
	free(s->merged);
	s->n_merged = 0;
	s->merged = malloc((v->n_zones + s->n_members) * sizeof(*s->merged));
	if (s->merged == NULL) {
		return;
	}
	/* both in canonical order: NSD lists every zone so */
	size_t i = 0, j = 0;
	while (i < v->n_zones || j < s->n_members) {
		bool take_view = j == s->n_members ||
			(i < v->n_zones && knot_dname_cmp(v->zones[i].dname, s->members[j].dname) < 0);
		s->merged[s->n_merged++] = take_view ? &v->zones[i++].z : &s->members[j++].z;
	}
}

void ctl_exec_members_unmerge(struct ctl_exec *e)
{
	if (e->cats != NULL) {
		free(e->cats->merged);
		e->cats->merged = NULL;
		e->cats->n_merged = 0;
	}
}

bool ctl_exec_merged(const struct ctl_exec *e, size_t *n, const struct ctl_zone *const **zones)
{
	if (e->cats == NULL || e->cats->merged == NULL) {
		return false;
	}
	*n = e->cats->n_merged;
	*zones = e->cats->merged;
	return true;
}
