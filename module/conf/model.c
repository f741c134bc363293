/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The model's storage: indexes by name, defaults from the option table, canonical zone order. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "conf/dname.h"
#include "conf/index.h"
#include "conf/mem.h"
#include "conf/model.h"

struct nsdconf_model *nsdconf_model_new(void)
{
	struct nsdconf_arena *a = nsdconf_arena_new();
	struct nsdconf_model *m = a != NULL ? nsdconf_arena_alloc(a, sizeof(*m)) : NULL;
	if (m == NULL) {
		nsdconf_arena_free(a);
		return NULL;
	}
	m->arena = a;
	m->release = nsdconf_release_default();
	m->key_index = nsdconf_index_new();
	m->tls_index = nsdconf_index_new();
	m->pattern_index = nsdconf_index_new();
	m->zone_index = nsdconf_index_new();
	if (m->key_index == NULL || m->tls_index == NULL || m->pattern_index == NULL ||
	    m->zone_index == NULL) {
		nsdconf_model_free(m);
		return NULL;
	}
	return m;
}

void nsdconf_model_free(struct nsdconf_model *m)
{
	if (m == NULL) {
		return;
	}
	free(m->keys);
	free(m->tls_auths);
	free(m->patterns);
	free(m->zones);
	nsdconf_index_free(m->key_index);
	nsdconf_index_free(m->tls_index);
	nsdconf_index_free(m->pattern_index);
	nsdconf_index_free(m->zone_index);
	nsdconf_arena_free(m->arena);
}

/* Room for one more element in a growing array of elements of size bytes: KNOT_EOK
 * or KNOT_ENOMEM (the array unchanged). Room comes before the index insertion, so
 * that whatever is in an index is also in its list. */
static int reserve(void *arrp, int n, int *cap, size_t size)
{
	void **arr = arrp;
	if (n < *cap) {
		return KNOT_EOK;
	}
	if (*cap > INT_MAX / 2) {
		return KNOT_ENOMEM;   /* counts are ints */
	}
	int grown_cap = *cap ? *cap * 2 : 16;
	void *grown = nsdconf_reallocarray(*arr, grown_cap, size);
	if (grown == NULL) {
		return KNOT_ENOMEM;
	}
	*arr = grown;
	*cap = grown_cap;
	return KNOT_EOK;
}

int nsdconf_model_add_key(struct nsdconf_model *m, struct nsdconf_key *k)
{
	const char *name = k->val[NSDCONF_K_NAME].str;
	int ret = reserve(&m->keys, m->n_keys, &m->cap_keys, sizeof(*m->keys));
	if (ret == KNOT_EOK) {
		ret = nsdconf_index_insert(m->key_index, name, strlen(name), k);
	}
	if (ret == KNOT_EOK) {
		m->keys[m->n_keys++] = k;
	}
	return ret;
}

int nsdconf_model_add_tls_auth(struct nsdconf_model *m, struct nsdconf_tls_auth *t)
{
	const char *name = t->val[NSDCONF_T_NAME_SLOT].str;
	int ret = reserve(&m->tls_auths, m->n_tls_auths, &m->cap_tls_auths, sizeof(*m->tls_auths));
	if (ret == KNOT_EOK) {
		ret = nsdconf_index_insert(m->tls_index, name, strlen(name), t);
	}
	if (ret == KNOT_EOK) {
		m->tls_auths[m->n_tls_auths++] = t;
	}
	return ret;
}

#define IMPLICIT "_implicit_"
#define IMPLICIT_LEN (sizeof(IMPLICIT) - 1)

/* A zone's own pattern, found through the zone table: "_implicit_<name as written>".
 * Implicit patterns stay out of the pattern index, which keeps that index small
 * (named patterns only) for the include-pattern look-up every zone makes. */
static struct nsdconf_pattern *implicit_find(const struct nsdconf_model *m, const char *name)
{
	if (strncmp(name, IMPLICIT, IMPLICIT_LEN) != 0) {
		return NULL;
	}
	const struct nsdconf_zone *z = nsdconf_zone_find(m, name + IMPLICIT_LEN);
	if (z == NULL || !z->part_of_config || strcmp(z->name, name + IMPLICIT_LEN) != 0) {
		return NULL;
	}
	return z->pattern;
}

int nsdconf_model_add_pattern(struct nsdconf_model *m, struct nsdconf_pattern *p)
{
	if (reserve(&m->patterns, m->n_patterns, &m->cap_patterns, sizeof(*m->patterns)) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	if (p->implicit) {
		/* Its zone was just added, so only a named pattern can hold the name, and
		 * only if some named pattern's name starts with "_implicit_". */
		if (m->n_implicit_lookalikes > 0 &&
		    nsdconf_index_get(m->pattern_index, p->name, strlen(p->name)) != NULL) {
			return KNOT_EEXIST;
		}
	} else {
		if (implicit_find(m, p->name) != NULL) {
			return KNOT_EEXIST;
		}
		int ret = nsdconf_index_insert(m->pattern_index, p->name, strlen(p->name), p);
		if (ret != KNOT_EOK) {
			return ret;
		}
		if (strncmp(p->name, IMPLICIT, IMPLICIT_LEN) == 0) {
			m->n_implicit_lookalikes++;
		}
	}
	m->patterns[m->n_patterns++] = p;
	return KNOT_EOK;
}

/* Wire form, lower case, in the arena, and its length; NULL when it does not parse
 * (*len is 0 then) or when out of memory (the arena tells). */
static uint8_t *dname_of(struct nsdconf_model *m, const char *name, int *len)
{
	uint8_t buf[KNOT_DNAME_MAXLEN];
	*len = name != NULL ? nsdconf_dname_parse_lower(name, buf) : 0;
	if (*len == 0) {
		return NULL;
	}
	uint8_t *d = nsdconf_arena_bytes(m->arena, *len);
	if (d != NULL) {
		memcpy(d, buf, *len);
	}
	return d;
}

uint8_t *nsdconf_model_dname(struct nsdconf_model *m, const char *name)
{
	int len;
	return dname_of(m, name, &len);
}

/* False for a name that does not parse or a duplicate (NSD says "duplicate zone"). */
bool nsdconf_model_zone_named(struct nsdconf_model *m, struct nsdconf_zone *z,
                              const char *implicit_name)
{
	int dname_len;
	z->name = implicit_name + IMPLICIT_LEN;
	z->dname = dname_of(m, z->name, &dname_len);
	/* A named pattern called "_implicit_<name>". */
	if (m->n_implicit_lookalikes > 0 &&
	    nsdconf_index_get(m->pattern_index, implicit_name, strlen(implicit_name)) != NULL) {
		return true;
	}
	/* The same name string written for an earlier zone: its implicit pattern. */
	const struct nsdconf_zone *prev = z->dname != NULL
		? nsdconf_index_get(m->zone_index, z->dname, dname_len) : NULL;
	return prev != NULL && prev->part_of_config && strcmp(prev->name, z->name) == 0;
}

int nsdconf_model_add_zone(struct nsdconf_model *m, struct nsdconf_zone *z)
{
	if (reserve(&m->zones, m->n_zones, &m->cap_zones, sizeof(*m->zones)) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	if (z->dname == NULL) {
		z->dname = nsdconf_model_dname(m, z->name);
	}
	if (z->dname == NULL) {
		return nsdconf_arena_failed(m->arena) ? KNOT_ENOMEM : KNOT_EINVAL;
	}
	int ret = nsdconf_index_insert(m->zone_index, z->dname, knot_dname_size(z->dname), z);
	if (ret != KNOT_EOK) {
		return ret;
	}
	m->zones[m->n_zones++] = z;
	if (z->part_of_config) {
		m->n_config_zones++;
	}
	return KNOT_EOK;
}

const struct nsdconf_loc *nsdconf_loc_find(const struct nsdconf_loc *list, int slot)
{
	for (; list != NULL; list = list->next) {
		if (list->slot == slot) {
			return list;
		}
	}
	return NULL;
}

struct nsdconf_key *nsdconf_key_find(const struct nsdconf_model *m, const char *name)
{
	return name != NULL ? nsdconf_index_get(m->key_index, name, strlen(name)) : NULL;
}

struct nsdconf_tls_auth *nsdconf_tls_auth_find(const struct nsdconf_model *m, const char *name)
{
	return name != NULL ? nsdconf_index_get(m->tls_index, name, strlen(name)) : NULL;
}

struct nsdconf_pattern *nsdconf_pattern_find(const struct nsdconf_model *m, const char *name)
{
	if (name == NULL) {
		return NULL;
	}
	struct nsdconf_pattern *p = nsdconf_index_get(m->pattern_index, name, strlen(name));
	return p != NULL ? p : implicit_find(m, name);
}

struct nsdconf_zone *nsdconf_zone_find(const struct nsdconf_model *m, const char *name)
{
	uint8_t buf[KNOT_DNAME_MAXLEN];
	int len = name != NULL ? nsdconf_dname_parse_lower(name, buf) : 0;
	return len > 0 ? nsdconf_index_get(m->zone_index, buf, len) : NULL;
}

struct nsdconf_key *nsdconf_acl_key(const struct nsdconf_model *m, const struct nsdconf_acl *a)
{
	return a->key == NSDCONF_ACL_KEY ? nsdconf_key_find(m, a->key_name) : NULL;
}

static long long parse_default_num(const char *def)
{
	if (def == NULL) {
		return 0;
	}
	if (strcmp(def, "yes") == 0) {
		return 1;
	}
	if (strcmp(def, "no") == 0) {
		return 0;
	}
	return atoll(def);
}

long long nsdconf_gnum(const struct nsdconf_model *m, enum nsdconf_gslot s)
{
	if (m->global_set[s]) {
		return m->global[s].num;
	}
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_SERVER, s);
	for (int cl = NSDCONF_CL_SERVER; o == NULL && cl < NSDCONF_CL_COUNT; cl++) {
		if (cl != NSDCONF_CL_KEY && cl != NSDCONF_CL_TLS_AUTH &&
		    cl != NSDCONF_CL_PATTERN && cl != NSDCONF_CL_ZONE) {
			o = nsdconf_option_slot(cl, s);
		}
	}
	o = nsdconf_release_row(m->release, o);
	return o != NULL ? parse_default_num(o->def) : 0;
}

const char *nsdconf_gstr(const struct nsdconf_model *m, enum nsdconf_gslot s)
{
	if (m->global_set[s]) {
		return m->global[s].str;
	}
	const struct nsdconf_option *o = NULL;
	for (int cl = NSDCONF_CL_SERVER; o == NULL && cl < NSDCONF_CL_COUNT; cl++) {
		if (cl != NSDCONF_CL_KEY && cl != NSDCONF_CL_TLS_AUTH &&
		    cl != NSDCONF_CL_PATTERN && cl != NSDCONF_CL_ZONE) {
			o = nsdconf_option_slot(cl, s);
		}
	}
	o = nsdconf_release_row(m->release, o);
	return o != NULL ? o->def : NULL;
}

long long nsdconf_pnum(const struct nsdconf_pattern *p, enum nsdconf_pslot s)
{
	if (nsdconf_pset(p, s)) {
		return p->val[s].num;
	}
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);
	return o != NULL ? parse_default_num(o->def) : 0;
}

const char *nsdconf_pstr(const struct nsdconf_pattern *p, enum nsdconf_pslot s)
{
	return nsdconf_pset(p, s) ? p->val[s].str : NULL;
}

/* Canonical order key: labels from the root, each followed by a 0 byte (libknot's
 * lookup format), so memcmp orders names as NSD's tree does. NULL when out of memory. */
static uint8_t *canonical_key(struct nsdconf_arena *a, const uint8_t *dname)
{
	knot_dname_storage_t storage;
	const uint8_t *lf = knot_dname_lf(dname, storage);
	if (lf == NULL) {
		return NULL;
	}
	uint8_t *k = nsdconf_arena_alloc(a, lf[0] + 1);
	if (k != NULL) {
		memcpy(k, lf, lf[0] + 1);
	}
	return k;
}

struct sort_item {
	const uint8_t *key;
	struct nsdconf_zone *zone;
};

static int zone_cmp(const void *a, const void *b)
{
	const uint8_t *ka = ((const struct sort_item *)a)->key;
	const uint8_t *kb = ((const struct sort_item *)b)->key;
	int c = memcmp(ka + 1, kb + 1, ka[0] < kb[0] ? ka[0] : kb[0]);
	return c != 0 ? c : (int)ka[0] - (int)kb[0];
}

struct nsdconf_zone **nsdconf_zones_sorted(struct nsdconf_model *m, bool config_only, int *n)
{
	*n = 0;
	struct sort_item *items = nsdconf_reallocarray(NULL, m->n_zones + 1, sizeof(*items));
	struct nsdconf_zone **v = nsdconf_arena_alloc(m->arena, (m->n_zones + 1) * sizeof(*v));
	if (items == NULL || v == NULL) {
		free(items);
		return NULL;
	}
	int k = 0;
	for (int i = 0; i < m->n_zones; i++) {
		if (!config_only || m->zones[i]->part_of_config) {
			items[k].zone = m->zones[i];
			items[k].key = canonical_key(m->arena, m->zones[i]->dname);
			if (items[k].key == NULL) {
				free(items);
				return NULL;
			}
			k++;
		}
	}
	qsort(items, k, sizeof(*items), zone_cmp);
	for (int i = 0; i < k; i++) {
		v[i] = items[i].zone;
	}
	free(items);
	*n = k;
	return v;
}

const struct nsdconf_zone *nsdconf_catalog_consumer(const struct nsdconf_model *m, int *count)
{
	const struct nsdconf_zone *found = NULL;
	int n = 0;

	for (int i = 0; i < m->n_zones; i++) {
		if (nsdconf_pattern_is_consumer(m->zones[i]->pattern)) {
			found = m->zones[i];
			n++;
		}
	}
	if (count != NULL) {
		*count = n;
	}
	return n == 1 ? found : NULL;
}

bool nsdconf_pattern_member_capable(const struct nsdconf_pattern *p)
{
	size_t len = strlen(p->name);

	if (p->implicit || nsdconf_pstr(p, NSDCONF_P_CATALOG) != NULL ||
	    nsdconf_pstr(p, NSDCONF_P_CATALOG_PRODUCER_ZONE) != NULL ||
	    len == 0 || len > 255 || strcmp(p->name, "default") == 0) {
		return false;
	}
	for (const char *c = p->name; *c != '\0'; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._@/:+-", *c) != NULL)) {
			return false;
		}
	}
	return true;
}
