/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the remote control knows of nsd.conf between reloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "conf/model.h"
#include "conf/release.h"
#include "conf/zonefile.h"
#include "mod/ctl_view.h"

bool ctl_grow(void **arr, size_t n, size_t *cap, size_t elem, size_t first)
{
	if (n < *cap) {
		return true;
	}
	size_t c = *cap ? *cap * 2 : first;
	void *a = reallocarray(*arr, c, elem);
	if (a == NULL) {
		return false;
	}
	*arr = a;
	*cap = c;
	return true;
}

static void zone_clear(struct ctl_view_zone *z)
{
	free((char *)z->z.name);
	free((char *)z->z.pattern);
	free((char *)z->z.member_id);
	free(z->dname);
	free(z->zonefile);
}

void ctl_view_zone_clear(struct ctl_view_zone *z)
{
	zone_clear(z);
	memset(z, 0, sizeof(*z));
}

void ctl_view_free(struct ctl_view *v)
{
	if (v == NULL) {
		return;
	}
	for (size_t i = 0; i < v->n_zones; i++) {
		zone_clear(&v->zones[i]);
	}
	free(v->zones);
	for (size_t i = 0; i < v->n_pending; i++) {
		zone_clear(&v->pending[i]);
	}
	free(v->pending);
	free(v->hash);
	for (size_t i = 0; i < v->n_patterns; i++) {
		free(v->patterns[i].name);
		free(v->patterns[i].zonefile);
	}
	free(v->patterns);
	free(v->consumer);
	free(v->member_pattern);
	for (size_t i = 0; i < v->n_keys; i++) {
		free((char *)v->keys[i].name);
		free((char *)v->keys[i].algorithm);
		free((char *)v->keys[i].secret);
	}
	free(v->keys);
	free(v->zonesdir);
	free(v->zonelistfile);
	free(v);
}

static int cmp_zone(const void *a, const void *b)
{
	const struct ctl_view_zone *za = a, *zb = b;
	return knot_dname_cmp(za->dname, zb->dname);
}

/* Binary search in canonical order: the index of dname, or where it would go. */
static size_t find_pos(const struct ctl_view *v, const uint8_t *dname, bool *found)
{
	size_t lo = 0, hi = v->n_zones;
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = knot_dname_cmp(v->zones[mid].dname, dname);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static const struct ctl_view_pattern *pattern_find(const struct ctl_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_patterns; i++) {
		if (strcmp(v->patterns[i].name, name) == 0) {
			return &v->patterns[i];
		}
	}
	return NULL;
}

/* NSD's zonefile for a zone: the template's %-escapes expanded, relative to zonesdir. */
static char *zonefile_of(const struct ctl_view *v, const char *tmpl, const char *name)
{
	if (tmpl == NULL || tmpl[0] == '\0') {
		return NULL;
	}
	struct nsdconf_arena *a = nsdconf_arena_new();
	if (a == NULL) {
		return NULL;
	}
	const char *exp = nsdconf_zonefile_expand(tmpl, name, a);
	const char *path = exp != NULL ? nsdconf_zonefile_path(exp, v->zonesdir, "/", a) : NULL;
	char *out = path != NULL ? strdup(path) : NULL;
	nsdconf_arena_free(a);
	return out;
}

static bool zone_fill(const struct ctl_view *v, struct ctl_view_zone *z, const uint8_t *dname,
                      const char *name, const char *pattern, const char *zonefile_tmpl,
                      bool secondary, bool from_zonelist, const char *catalog)
{
	z->z.catalog = catalog;
	z->dname = knot_dname_copy(dname, NULL);
	z->z.name = strdup(name);
	z->z.pattern = strdup(pattern);
	z->z.secondary = secondary;
	z->z.from_zonelist = from_zonelist;
	/* only zonestatus of a secondary reads it (the time its serial came) */
	z->zonefile = secondary ? zonefile_of(v, zonefile_tmpl, name) : NULL;
	if (z->dname == NULL || z->z.name == NULL || z->z.pattern == NULL) {
		zone_clear(z);
		return false;
	}
	knot_dname_to_lower(z->dname);
	return true;
}

static const char *catalog_of(const struct nsdconf_pattern *p)
{
	return nsdconf_pattern_is_consumer(p) ? "consumer" :
	       nsdconf_pattern_is_producer(p) ? "producer" : NULL;
}

static bool fill_patterns(struct ctl_view *v, const struct nsdconf_model *m)
{
	v->patterns = calloc(m->n_patterns > 0 ? (size_t)m->n_patterns : 1,
	                     sizeof(*v->patterns));
	if (v->patterns == NULL) {
		return false;
	}
	for (int i = 0; i < m->n_patterns; i++) {
		const struct nsdconf_pattern *p = m->patterns[i];
		if (p->implicit) {
			continue;
		}
		struct ctl_view_pattern *vp = &v->patterns[v->n_patterns++];
		const char *zf = nsdconf_pstr(p, NSDCONF_P_ZONEFILE);
		vp->name = strdup(p->name);
		vp->zonefile = zf != NULL ? strdup(zf) : NULL;
		vp->secondary = p->val[NSDCONF_P_REQUEST_XFR].acl != NULL;
		vp->catalog = catalog_of(p);
		vp->producer_member = nsdconf_pstr(p, NSDCONF_P_CATALOG_PRODUCER_ZONE) != NULL;
		vp->member_capable = nsdconf_pattern_member_capable(p);
		if (vp->name == NULL || (zf != NULL && vp->zonefile == NULL)) {
			return false;
		}
	}
	return true;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct ctl_key *)a)->name, ((const struct ctl_key *)b)->name);
}

static bool fill_keys(struct ctl_view *v, const struct nsdconf_model *m)
{
	v->keys = calloc(m->n_keys > 0 ? (size_t)m->n_keys : 1, sizeof(*v->keys));
	if (v->keys == NULL) {
		return false;
	}
	for (int i = 0; i < m->n_keys; i++) {
		const union nsdconf_val *kv = m->keys[i]->val;
		struct ctl_key *k = &v->keys[v->n_keys++];
		k->name = strdup(kv[NSDCONF_K_NAME].str ? kv[NSDCONF_K_NAME].str : "");
		k->algorithm = strdup(kv[NSDCONF_K_ALGORITHM].str ? kv[NSDCONF_K_ALGORITHM].str : "");
		k->secret = strdup(kv[NSDCONF_K_SECRET].str ? kv[NSDCONF_K_SECRET].str : "");
		if (k->name == NULL || k->algorithm == NULL || k->secret == NULL) {
			return false;
		}
	}
	qsort(v->keys, v->n_keys, sizeof(*v->keys), cmp_key);
	return true;
}

struct ctl_view *ctl_view_new(const struct nsdconf_model *m)
{
	struct ctl_view *v = calloc(1, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	/* the NSD this knot-nsd was built beside (Debian's), whose answers nsd-control
	 * and the tools there expect */
	const struct nsdconf_release *rel = nsdconf_release_build();
	v->version = rel->name;
	v->release = (int)rel->version;
	v->verbosity = (long)nsdconf_gnum(m, NSDCONF_G_VERBOSITY);
	v->ratelimit = (long)nsdconf_gnum(m, NSDCONF_G_RRL_RATELIMIT);
	v->server_count = (long)nsdconf_gnum(m, NSDCONF_G_SERVER_COUNT);
	const char *zd = nsdconf_gstr(m, NSDCONF_G_ZONESDIR);
	const char *zl = nsdconf_gstr(m, NSDCONF_G_ZONELISTFILE);
	v->zonesdir = strdup(zd != NULL ? zd : "");
	/* read from knotd's cwd, as the model reads it (parser.c) */
	v->zonelistfile = zl != NULL && zl[0] != '\0' ? strdup(zl) : NULL;
	v->cap_zones = m->n_zones > 0 ? (size_t)m->n_zones : 1;
	v->zones = calloc(v->cap_zones, sizeof(*v->zones));
	if (v->zonesdir == NULL || v->zones == NULL || !fill_patterns(v, m) || !fill_keys(v, m) ||
	    (zl != NULL && zl[0] != '\0' && v->zonelistfile == NULL)) {
		ctl_view_free(v);
		return NULL;
	}
	for (int i = 0; i < m->n_zones; i++) {
		const struct nsdconf_zone *z = m->zones[i];
		if (z->dname == NULL) {
			continue;
		}
		if (!zone_fill(v, &v->zones[v->n_zones], z->dname, z->name, z->pattern->name,
		               nsdconf_pstr(z->pattern, NSDCONF_P_ZONEFILE),
		               nsdconf_zone_is_secondary(z), !z->part_of_config,
		               catalog_of(z->pattern))) {
			ctl_view_free(v);
			return NULL;
		}
		v->n_zones++;
	}
	qsort(v->zones, v->n_zones, sizeof(*v->zones), cmp_zone);
	const struct nsdconf_zone *cz = nsdconf_catalog_consumer(m, &v->n_consumers);
	if (cz != NULL && cz->dname != NULL) {
		const char *mp = nsdconf_pstr(cz->pattern, NSDCONF_P_CATALOG_MEMBER_PATTERN);
		v->consumer = knot_dname_copy(cz->dname, NULL);
		v->member_pattern = mp != NULL ? strdup(mp) : NULL;
		if (v->consumer == NULL || (mp != NULL && v->member_pattern == NULL)) {
			ctl_view_free(v);
			return NULL;
		}
		knot_dname_to_lower(v->consumer);
	}
	return v;
}

bool ctl_view_member_zone(const struct ctl_view *v, const uint8_t *dname, const char *name,
                          const char *group, const char *member_id,
                          struct ctl_view_zone *out)
{
	const struct ctl_view_pattern *p = group != NULL ? pattern_find(v, group) : NULL;
	if (p == NULL || !p->member_capable) {
		p = v->member_pattern != NULL ? pattern_find(v, v->member_pattern) : NULL;
	}
	memset(out, 0, sizeof(*out));
	if (p == NULL || !p->member_capable) {
		return false;   /* NSD: an invalid catalog, the member is not added */
	}
	/* "pattern:" is printed for every zone nsd.conf does not name */
	if (!zone_fill(v, out, dname, name, p->name, p->zonefile, p->secondary, true, NULL)) {
		return false;
	}
	out->z.member_id = strdup(member_id);
	if (out->z.member_id == NULL) {
		ctl_view_zone_clear(out);
		return false;
	}
	return true;
}

static size_t dname_hash(const uint8_t *dname)
{
	/* FNV-1a over the wire form (lower case already) */
	size_t h = 2166136261u;
	for (size_t i = 0, n = knot_dname_size(dname); i < n; i++) {
		h = (h ^ dname[i]) * 16777619u;
	}
	return h;
}

static struct ctl_view_zone *pending_find(const struct ctl_view *v, const uint8_t *dname)
{
	if (v->hash_size == 0) {
		return NULL;
	}
	size_t mask = v->hash_size - 1;
	for (size_t i = dname_hash(dname) & mask; v->hash[i] != 0; i = (i + 1) & mask) {
		struct ctl_view_zone *z = &v->pending[v->hash[i] - 1];
		if (knot_dname_is_equal(z->dname, dname)) {
			return z;
		}
	}
	return NULL;
}

static bool hash_grow(struct ctl_view *v)
{
	size_t size = v->hash_size ? v->hash_size * 2 : 64;
	uint32_t *h = calloc(size, sizeof(*h));
	if (h == NULL || v->n_pending >= UINT32_MAX) {
		free(h);
		return false;
	}
	for (size_t j = 0; j < v->n_pending; j++) {
		size_t i = dname_hash(v->pending[j].dname) & (size - 1);
		while (h[i] != 0) {
			i = (i + 1) & (size - 1);
		}
		h[i] = (uint32_t)(j + 1);
	}
	free(v->hash);
	v->hash = h;
	v->hash_size = size;
	return true;
}

/* The live zone of that name, sorted or pending. */
static struct ctl_view_zone *find_live(const struct ctl_view *v, const uint8_t *dname)
{
	bool found;
	size_t i = find_pos(v, dname, &found);
	if (found && !v->zones[i].gone) {
		return &v->zones[i];
	}
	struct ctl_view_zone *z = pending_find(v, dname);
	return z != NULL && !z->gone ? z : NULL;
}

const struct ctl_view_zone *ctl_view_find(const struct ctl_view *v, const uint8_t *dname)
{
	return find_live(v, dname);
}

bool ctl_view_has_pattern(const struct ctl_view *v, const char *name)
{
	return pattern_find(v, name) != NULL;
}

bool ctl_view_pattern_is_member(const struct ctl_view *v, const char *name)
{
	const struct ctl_view_pattern *p = pattern_find(v, name);
	return p != NULL && p->producer_member;
}

bool ctl_view_add(struct ctl_view *v, const uint8_t *dname, const char *name,
                  const char *pattern)
{
	const struct ctl_view_pattern *p = pattern_find(v, pattern);
	if (p == NULL) {
		return false;
	}
	if (find_live(v, dname) != NULL) {
		return true;
	}
	struct ctl_view_zone *old = pending_find(v, dname);
	if (old != NULL) {
		/* deleted earlier in this command, added again (changezone) */
		struct ctl_view_zone nz = { 0 };
		if (!zone_fill(v, &nz, dname, name, pattern, p->zonefile, p->secondary, true, p->catalog)) {
			return false;
		}
		zone_clear(old);
		*old = nz;
		v->n_gone--;
		return true;
	}
	if ((v->n_pending + 1) * 2 > v->hash_size && !hash_grow(v)) {
		return false;
	}
	if (!ctl_grow((void **)&v->pending, v->n_pending, &v->cap_pending, sizeof(*v->pending),
	               16)) {
		return false;
	}
	struct ctl_view_zone *nz = &v->pending[v->n_pending];
	*nz = (struct ctl_view_zone){ 0 };
	if (!zone_fill(v, nz, dname, name, pattern, p->zonefile, p->secondary, true, p->catalog)) {
		return false;
	}
	size_t mask = v->hash_size - 1;
	size_t i = dname_hash(nz->dname) & mask;
	while (v->hash[i] != 0) {
		i = (i + 1) & mask;
	}
	v->hash[i] = (uint32_t)(++v->n_pending);
	return true;
}

void ctl_view_del(struct ctl_view *v, const uint8_t *dname)
{
	struct ctl_view_zone *z = find_live(v, dname);
	if (z != NULL) {
		z->gone = true;
		v->n_gone++;
	}
}

bool ctl_view_settle(struct ctl_view *v)
{
	if (v->n_pending == 0 && v->n_gone == 0) {
		return true;
	}
	size_t cap = v->n_zones + v->n_pending;
	struct ctl_view_zone *out = calloc(cap > 0 ? cap : 1, sizeof(*out));
	if (out == NULL) {
		return false;
	}
	qsort(v->pending, v->n_pending, sizeof(*v->pending), cmp_zone);
	size_t i = 0, j = 0, n = 0;
	while (i < v->n_zones || j < v->n_pending) {
		struct ctl_view_zone *z;
		if (j == v->n_pending ||
		    (i < v->n_zones && knot_dname_cmp(v->zones[i].dname,
		                                      v->pending[j].dname) < 0)) {
			z = &v->zones[i++];
		} else {
			z = &v->pending[j++];
		}
		if (z->gone) {
			zone_clear(z);
		} else {
			out[n++] = *z;
		}
	}
	free(v->zones);
	v->zones = out;
	v->n_zones = n;
	v->cap_zones = cap > 0 ? cap : 1;
	v->n_pending = 0;
	v->n_gone = 0;
	if (v->hash != NULL) {
		memset(v->hash, 0, v->hash_size * sizeof(*v->hash));
	}
	return true;
}
