/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY plan: nsd.conf's notify: lists as NSD reads them, built once per load, no I/O. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/tsig_key.h"
#include "mod/notify_plan.h"
#include "mod/notify_send.h"

struct build {
	struct notify_plan *p;
	const struct nsdconf_model *m;
	size_t cap;                    /* of p->zones */
	notify_plan_bad_key_t bad;
	void *bad_ctx;
};

/* The index of a's key in the plan, added when new: KNOT_EOK with *out set (-1 for a
 * key nsd.conf does not define), or KNOT_ENOMEM. */
static int key_index(struct build *b, const struct nsdconf_acl *a, int *out)
{
	struct notify_plan *p = b->p;
	const struct nsdconf_key *k = nsdconf_acl_key(b->m, a);
	*out = -1;
	if (k == NULL) {
		return KNOT_EOK;
	}
	const char *name = k->val[NSDCONF_K_NAME].str;
	for (size_t i = 0; i < p->n_keys; i++) {
		if (strcmp(p->keys[i].name, name) == 0) {
			*out = (int)i;
			return KNOT_EOK;
		}
	}
	struct notify_plan_key *nk = realloc(p->keys, (p->n_keys + 1) * sizeof(*nk));
	if (nk == NULL) {
		return KNOT_ENOMEM;
	}
	p->keys = nk;
	struct notify_plan_key *e = &p->keys[p->n_keys];
	*e = (struct notify_plan_key){ .name = strdup(name) };
	if (e->name == NULL) {
		return KNOT_ENOMEM;
	}
	int ret = nsdconf_tsig_key_init(&e->k, name, k->val[NSDCONF_K_ALGORITHM].str,
	                                k->val[NSDCONF_K_SECRET].str);
	e->ok = ret == KNOT_EOK;
	if (!e->ok && b->bad != NULL) {
		b->bad(b->bad_ctx, name, ret);
	}
	*out = (int)p->n_keys++;
	return KNOT_EOK;
}

static void acl_sockaddr(const struct nsdconf_acl *a, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->addr, 16);
		s6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->addr, 4);
		s4->sin_port = htons(port);
	}
}

static size_t acl_count(const struct nsdconf_acl *a)
{
	size_t n = 0;
	for (; a != NULL; a = a->next) {
		n++;
	}
	return n;
}

/* A new zone at the end of the plan (freed with the plan from here on). */
static struct notify_plan_zone *zone_new(struct build *b)
{
	struct notify_plan *p = b->p;
	if (p->n_zones == b->cap) {
		size_t c = b->cap ? 2 * b->cap : 64;
		struct notify_plan_zone *nz = realloc(p->zones, c * sizeof(*nz));
		if (nz == NULL) {
			return NULL;
		}
		p->zones = nz;
		b->cap = c;
	}
	struct notify_plan_zone *z = &p->zones[p->n_zones++];
	*z = (struct notify_plan_zone){ 0 };
	return z;
}

static int zone_via(struct notify_plan_zone *z, const struct nsdconf_pattern *pat)
{
	const struct nsdconf_acl *head = nsdconf_pacl(pat, NSDCONF_P_OUTGOING_INTERFACE);
	size_t nv = acl_count(head);
	if (nv == 0) {
		return KNOT_EOK;
	}
	z->via = calloc(nv, sizeof(*z->via));
	if (z->via == NULL) {
		return KNOT_ENOMEM;
	}
	for (const struct nsdconf_acl *o = head; o != NULL; o = o->next) {
		acl_sockaddr(o, o->port <= 65535 ? o->port : 0, &z->via[z->n_via++]);
	}
	return KNOT_EOK;
}

/* The target of entry a, unless NSD could not send to it: KNOT_EOK (z->n grown or
 * not) or KNOT_ENOMEM. */
static int target_add(struct build *b, struct notify_plan_zone *z, const struct nsdconf_acl *a)
{
	if (a->key == NSDCONF_ACL_BLOCKED || a->port > 65535) {
		return KNOT_EOK;   /* nsd-checkconf's business; nothing NSD could send to */
	}
	int key = -1;
	if (a->key == NSDCONF_ACL_KEY) {
		int ret = key_index(b, a, &key);
		if (ret != KNOT_EOK) {
			return ret;
		}
		if (key < 0 || !b->p->keys[key].ok) {
			return KNOT_EOK;   /* an unknown key fails nsd.conf's parse already */
		}
	}
	struct notify_plan_target *tg = &z->tg[z->n];
	acl_sockaddr(a, a->port != 0 ? a->port : 53, &tg->dst);
	tg->key = key;
	tg->spec = strdup(a->spec != NULL ? a->spec : "");
	if (tg->spec == NULL) {
		return KNOT_ENOMEM;
	}
	char addr[80];
	notify_addr_str(&tg->dst, addr, sizeof(addr));
	if (asprintf(&tg->reg, "%s|%s|%s", z->txt, addr,
	             key >= 0 ? b->p->keys[key].name : "NOKEY") < 0) {
		tg->reg = NULL;
		free(tg->spec);
		tg->spec = NULL;
		return KNOT_ENOMEM;
	}
	z->n++;
	b->p->n_targets++;
	return KNOT_EOK;
}

static int zone_add(struct build *b, const struct nsdconf_zone *mz)
{
	const struct nsdconf_pattern *pat = mz->pattern;
	const struct nsdconf_acl *head = nsdconf_pacl(pat, NSDCONF_P_NOTIFY);
	size_t n = acl_count(head);
	if (n == 0) {
		return KNOT_EOK;
	}

	struct notify_plan_zone *z = zone_new(b);
	if (z == NULL) {
		return KNOT_ENOMEM;
	}
	z->retry = nsdconf_pnum(pat, NSDCONF_P_NOTIFY_RETRY);
	z->secondary = nsdconf_pacl(pat, NSDCONF_P_REQUEST_XFR) != NULL;
	z->name = knot_dname_copy(mz->dname, NULL);
	z->txt = z->name != NULL ? knot_dname_to_str_alloc(z->name) : NULL;
	z->tg = calloc(n, sizeof(*z->tg));
	if (z->name == NULL || z->txt == NULL || z->tg == NULL) {
		return KNOT_ENOMEM;
	}
	int ret = zone_via(z, pat);
	for (const struct nsdconf_acl *a = head; a != NULL && ret == KNOT_EOK; a = a->next) {
		ret = target_add(b, z, a);
	}
	return ret;
}

int notify_plan_build(const struct nsdconf_model *m, notify_plan_bad_key_t bad, void *ctx,
                      struct notify_plan **out)
{
	*out = NULL;
	struct build b = { .m = m, .bad = bad, .bad_ctx = ctx };
	b.p = calloc(1, sizeof(*b.p));
	if (b.p == NULL) {
		return KNOT_ENOMEM;
	}
	for (int i = 0; i < m->n_zones; i++) {
		int ret = zone_add(&b, m->zones[i]);
		if (ret != KNOT_EOK) {
			notify_plan_free(b.p);
			return ret;
		}
	}
	*out = b.p;
	return KNOT_EOK;
}

void notify_plan_free(struct notify_plan *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->n_zones; i++) {
		struct notify_plan_zone *z = &p->zones[i];
		for (size_t k = 0; k < z->n; k++) {
			free(z->tg[k].reg);
			free(z->tg[k].spec);
		}
		free(z->tg);
		free(z->via);
		free(z->txt);
		knot_dname_free(z->name, NULL);
	}
	free(p->zones);
	for (size_t i = 0; i < p->n_keys; i++) {
		if (p->keys[i].ok) {
			knot_tsig_key_deinit(&p->keys[i].k);
		}
		free(p->keys[i].name);
	}
	free(p->keys);
	free(p);
}

int notify_plan_reg_keys(const struct notify_plan *p, const char ***out)
{
	const char **keys = calloc(p->n_targets > 0 ? p->n_targets : 1, sizeof(*keys));
	if (keys == NULL) {
		return KNOT_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < p->n_zones; i++) {
		for (size_t j = 0; j < p->zones[i].n; j++) {
			keys[k++] = p->zones[i].tg[j].reg;
		}
	}
	*out = keys;
	return KNOT_EOK;
}
