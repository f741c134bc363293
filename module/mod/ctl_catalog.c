/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A catalog zone's members from knotd's zone-read records (see ctl_catalog.h). */
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "mod/ctl_catalog.h"
#include "mod/ctl_view.h"

/* "<label>.zones.<catalog>": the label's wire length, or -1 when owner is not so. */
static int under_zones(const uint8_t *owner, const uint8_t *catalog, size_t skip_labels)
{
	const uint8_t *p = owner;
	for (size_t i = 0; i < skip_labels; i++) {
		if (*p == 0) {
			return -1;
		}
		p += *p + 1;
	}
	/* p: "<id>.zones.<catalog>" */
	if (*p == 0) {
		return -1;
	}
	const uint8_t *zones = p + *p + 1;
	if (zones[0] != 5 || strncasecmp((const char *)zones + 1, "zones", 5) != 0) {
		return -1;
	}
	return knot_dname_is_equal(zones + 6, catalog) ? (int)(zones - owner) : -1;
}

/* A TXT of one string in presentation form ("value" or value): the value unquoted. */
static char *one_string(const char *data)
{
	size_t len = strlen(data);
	if (len >= 2 && data[0] == '"' && data[len - 1] == '"') {
		if (memchr(data + 1, '"', len - 2) != NULL) {
			return NULL;   /* more than one string */
		}
		return strndup(data + 1, len - 2);
	}
	return strchr(data, ' ') == NULL ? strdup(data) : NULL;
}

static void member_add(struct ctl_catalog *c, const uint8_t *id, const char *owner,
                       const char *data)
{
	knot_dname_storage_t dn;
	if (knot_dname_from_str(dn, data, sizeof(dn)) == NULL) {
		return;
	}
	knot_dname_to_lower(dn);
	if (!ctl_grow((void **)&c->m, c->n, &c->cap, sizeof(*c->m), 64)) {
		c->oom = true;
		return;
	}
	struct ctl_catalog_member *m = &c->m[c->n];
	size_t len = strlen(data);
	m->dname = knot_dname_copy(dn, NULL);
	m->name = strndup(data, len > 1 && data[len - 1] == '.' ? len - 1 : len);
	m->id = strdup(owner);
	/* the group is joined later by id; the id's wire form rides in group until then */
	m->group = (char *)knot_dname_copy(id, NULL);
	if (m->dname == NULL || m->name == NULL || m->id == NULL || m->group == NULL) {
		free(m->dname);
		free(m->name);
		free(m->id);
		free(m->group);
		c->oom = true;
		return;
	}
	c->n++;
}

static void group_add(struct ctl_catalog *c, const uint8_t *id, const char *data)
{
	char *value = one_string(data);
	if (value == NULL) {
		return;
	}
	if (!ctl_grow((void **)&c->g, c->n_g, &c->cap_g, sizeof(*c->g), 64)) {
		free(value);
		c->oom = true;
		return;
	}
	c->g[c->n_g].id = knot_dname_copy(id, NULL);
	c->g[c->n_g].value = value;
	if (c->g[c->n_g].id == NULL) {
		free(value);
		c->oom = true;
		return;
	}
	c->n_g++;
}

void ctl_catalog_record(struct ctl_catalog *c, const uint8_t *catalog, const char *owner,
                        const char *type, const char *data)
{
	knot_dname_storage_t dn;
	if (c->oom || owner == NULL || type == NULL || data == NULL ||
	    knot_dname_from_str(dn, owner, sizeof(dn)) == NULL) {
		return;
	}
	knot_dname_to_lower(dn);
	if (strcmp(type, "SOA") == 0 && knot_dname_is_equal(dn, catalog)) {
		/* "mname rname serial refresh retry expire minimum" */
		const char *p = data;
		for (int i = 0; i < 2 && p != NULL; i++) {
			p = strchr(p, ' ');
			p = p != NULL ? p + 1 : NULL;
		}
		if (p != NULL) {
			c->serial = (uint32_t)strtoul(p, NULL, 10);
			c->have_serial = true;
		}
	} else if (strcmp(type, "PTR") == 0 && under_zones(dn, catalog, 0) >= 0) {
		member_add(c, dn, owner, data);
	} else if (strcmp(type, "TXT") == 0 && dn[0] == 5 &&
	           strncasecmp((const char *)dn + 1, "group", 5) == 0 &&
	           under_zones(dn, catalog, 1) >= 0) {
		group_add(c, dn + 6, data);
	}
}

static int cmp_member(const void *a, const void *b)
{
	return knot_dname_cmp(((const struct ctl_catalog_member *)a)->dname,
	                      ((const struct ctl_catalog_member *)b)->dname);
}

static int cmp_group(const void *a, const void *b)
{
	return knot_dname_cmp(((const struct ctl_catalog_group *)a)->id,
	                      ((const struct ctl_catalog_group *)b)->id);
}

bool ctl_catalog_done(struct ctl_catalog *c)
{
	if (c->oom) {
		ctl_catalog_clear(c);
		return false;
	}
	/* each member's group by its id: the groups sorted, one search a member */
	if (c->n_g > 0) {
		qsort(c->g, c->n_g, sizeof(*c->g), cmp_group);
	}
	for (size_t i = 0; i < c->n; i++) {
		struct ctl_catalog_group key = { .id = (uint8_t *)c->m[i].group };
		struct ctl_catalog_group *g = c->n_g > 0 ?
			bsearch(&key, c->g, c->n_g, sizeof(key), cmp_group) : NULL;
		free(key.id);
		c->m[i].group = NULL;
		if (g != NULL && g->value != NULL) {
			c->m[i].group = g->value;   /* taken: the first member of an id gets it */
			g->value = NULL;
		}
	}
	for (size_t j = 0; j < c->n_g; j++) {
		free(c->g[j].id);
		free(c->g[j].value);
	}
	free(c->g);
	c->g = NULL;
	c->n_g = c->cap_g = 0;
	if (c->n > 0) {
		qsort(c->m, c->n, sizeof(*c->m), cmp_member);
	}
	return true;
}

const struct ctl_catalog_member *ctl_catalog_find(const struct ctl_catalog *c,
                                                  const uint8_t *dname)
{
	struct ctl_catalog_member key = { .dname = (uint8_t *)dname };
	return c->n > 0 ? bsearch(&key, c->m, c->n, sizeof(key), cmp_member) : NULL;
}

void ctl_catalog_clear(struct ctl_catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->m[i].dname);
		free(c->m[i].name);
		free(c->m[i].id);
		free(c->m[i].group);
	}
	free(c->m);
	for (size_t j = 0; j < c->n_g; j++) {
		free(c->g[j].id);
		free(c->g[j].value);
	}
	free(c->g);
	memset(c, 0, sizeof(*c));
}
