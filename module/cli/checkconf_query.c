/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd-checkconf -o/-z/-p/-s/-a/-t: one value, looked up by the option table's query names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libknot/libknot.h>

#include "cli/checkconf.h"
#include "conf/dname.h"

static void quote(const char *v)
{
	printf("%s\n", v != NULL ? v : "");
}

/* Path options with -f: a relative path is shown under the chroot (not zonesdir). */
static void quotepath(const struct nsdconf_model *m, bool final, const char *f)
{
	const char *chr = nsdconf_gstr(m, NSDCONF_G_CHROOT);
	if (f == NULL || f[0] == '/' || !final || chr == NULL || chr[0] == '\0') {
		quote(f);
		return;
	}
	printf("%s%s\n", chr, f);
}

static void print_query(const struct nsdconf_model *m, const struct nsdconf_option *o,
                        const union nsdconf_val *v, long long num, bool final)
{
	switch (o->qfmt) {
	case NSDCONF_Q_BOOL:
		printf("%s\n", num ? "yes" : "no");
		break;
	case NSDCONF_Q_INT:
		printf("%d\n", (int)num);
		break;
	case NSDCONF_Q_EXPIRE:
		printf("%d\n", num == NSDCONF_EXPIRE_REFRESH_RETRY_1 ? 0 : (int)num);
		break;
	case NSDCONF_Q_STR:
		quote(v->str);
		break;
	case NSDCONF_Q_PATH:
		quotepath(m, final, v->str);
		break;
	case NSDCONF_Q_ACL:
		for (const struct nsdconf_acl *a = v->acl; a != NULL; a = a->next) {
			checkconf_print_acl_entry(a);
		}
		break;
	case NSDCONF_Q_ACL_IPS:
		for (const struct nsdconf_acl *a = v->acl; a != NULL; a = a->next) {
			quote(a->spec);
		}
		break;
	case NSDCONF_Q_IPLIST:
		for (const struct nsdconf_ip *ip = v->ip; ip != NULL; ip = ip->next) {
			quote(ip->address);
		}
		break;
	case NSDCONF_Q_RRL_TYPES:
		checkconf_print_rrl_types("", num);
		break;
	case NSDCONF_Q_INT_LIST:
		for (const struct nsdconf_list *l = m->proxy_ports; l != NULL; l = l->next) {
			printf("%d\n", (int)l->num);
		}
		break;
	default:
		break;
	}
}

/* The row answering -o name among the rows of clause cl in the model's release, or NULL. */
static const struct nsdconf_option *query_row(const struct nsdconf_model *m,
                                              enum nsdconf_clause cl, const char *name)
{
	size_t n;
	const struct nsdconf_option *rows = nsdconf_options(&n);
	for (size_t i = 0; i < n; i++) {
		const struct nsdconf_option *o = nsdconf_release_row(m->release, &rows[i]);
		if ((o->clauses & NSDCONF_IN(cl)) && o->query != NULL && o->qfmt != NSDCONF_Q_NONE &&
		    nsdconf_release_has(m->release, o) && strcasecmp(o->query, name) == 0) {
			return o;
		}
	}
	return NULL;
}

/* A pattern's option; for zones (is_zone) zonefile honours -f. False if unknown. */
static bool query_pattern(const struct nsdconf_model *m, const struct nsdconf_pattern *p,
                          const char *o, bool is_zone, bool final)
{
	const struct nsdconf_option *row = query_row(m, NSDCONF_CL_PATTERN, o);
	if (row == NULL || row->slot == NSDCONF_P_NAME) {
		return false;
	}
	union nsdconf_val v = p->val[row->slot];
	if (row->slot == NSDCONF_P_ZONEFILE && !is_zone) {
		/* nsd-checkconf tests the pattern's zonefile as a plain string first. */
		quote(v.str);
		return true;
	}
	print_query(m, row, &v, nsdconf_pnum(p, row->slot), final);
	return true;
}

static int query_zone(struct nsdconf_model *m, const char *zname, const char *o, bool final)
{
	uint8_t buf[KNOT_DNAME_MAXLEN];
	if (nsdconf_dname_parse(zname, buf) == 0) {
		printf("Could not parse zone name %s\n", zname);
		return 1;
	}
	const struct nsdconf_zone *z = nsdconf_zone_find(m, zname);
	if (z == NULL) {
		printf("Zone does not exist: %s\n", zname);
		return 1;
	}
	if (strcasecmp(o, "name") == 0) {
		quote(z->name);
	} else if (strcasecmp(o, "pattern") == 0) {
		quote(z->pattern->name);
	} else if (strcasecmp(o, "part_of_config") == 0) {
		printf("%s\n", z->part_of_config ? "yes" : "no");
	} else if (!query_pattern(m, z->pattern, o, true, final)) {
		printf("Zone option not handled: %s %s\n", zname, o);
		return 1;
	}
	return 0;
}

static int query_named_pattern(struct nsdconf_model *m, const char *pname, const char *o, bool final)
{
	const struct nsdconf_pattern *p = nsdconf_pattern_find(m, pname);
	if (p == NULL) {
		printf("Pattern does not exist: %s\n", pname);
		return 1;
	}
	if (strcasecmp(o, "name") == 0) {
		quote(p->name);
	} else if (!query_pattern(m, p, o, false, final)) {
		printf("Pattern option not handled: %s %s\n", pname, o);
		return 1;
	}
	return 0;
}

static int query_server(struct nsdconf_model *m, const char *o, bool final)
{
	static const enum nsdconf_clause clauses[] = {
		NSDCONF_CL_SERVER, NSDCONF_CL_DNSTAP, NSDCONF_CL_REMOTE_CONTROL,
	};
	for (size_t i = 0; i < sizeof(clauses) / sizeof(clauses[0]); i++) {
		const struct nsdconf_option *row = query_row(m, clauses[i], o);
		if (row == NULL) {
			continue;
		}
		union nsdconf_val v = m->global[row->slot];
		if (!m->global_set[row->slot]) {
			v.str = row->def;
		}
		print_query(m, row, &v, nsdconf_gnum(m, row->slot), final);
		return 0;
	}
	if (strcasecmp(o, "zones") == 0) {
		int n;
		struct nsdconf_zone **zones = nsdconf_zones_sorted(m, true, &n);
		if (zones == NULL) {
			/* A partial list would pass for the whole one: the CLI may stop. */
			fprintf(stderr, "knot-nsd: out of memory\n");
			exit(2);
		}
		for (int i = 0; i < n; i++) {
			quote(zones[i]->name);
		}
		return 0;
	}
	if (strcasecmp(o, "patterns") == 0) {
		char **names = malloc((m->n_patterns + 1) * sizeof(*names));
		if (names == NULL) {
			abort();
		}
		for (int i = 0; i < m->n_patterns; i++) {
			names[i] = (char *)m->patterns[i]->name;
		}
		qsort(names, m->n_patterns, sizeof(*names), checkconf_strcmp_ptr);
		for (int i = 0; i < m->n_patterns; i++) {
			quote(names[i]);
		}
		free(names);
		return 0;
	}
	printf("Server option not handled: %s\n", o);
	return 1;
}

int checkconf_strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int checkconf_query(struct nsdconf_model *m, const struct checkconf_args *args)
{
	if (args->key != NULL) {
		const struct nsdconf_key *k = nsdconf_key_find(m, args->key);
		if (k == NULL) {
			printf("Could not find key %s\n", args->key);
			return 0;
		}
		quote(k->val[args->key_secret ? NSDCONF_K_SECRET : NSDCONF_K_ALGORITHM].str);
		return 0;
	}
	if (args->tls != NULL) {
		const struct nsdconf_tls_auth *t = nsdconf_tls_auth_find(m, args->tls);
		if (t == NULL) {
			printf("Could not find tls-auth %s\n", args->tls);
			return 0;
		}
		quote(t->val[NSDCONF_T_AUTH_DOMAIN_NAME].str);
		return 0;
	}
	/* nsd-checkconf rewrites -o into an 8 KiB buffer (BUFSIZ); a longer option
	 * comes out as no option at all, so nothing is printed. */
	if (args->option == NULL || strlen(args->option) >= 8192) {
		return 0;
	}
	/* nsd-checkconf compares with '-' turned into '_'. */
	char *o = strdup(args->option);
	if (o == NULL) {
		abort();
	}
	for (char *c = o; *c; c++) {
		if (*c == '-') {
			*c = '_';
		}
	}
	int rc;
	if (args->zone != NULL) {
		rc = query_zone(m, args->zone, o, args->final);
	} else if (args->pattern != NULL) {
		rc = query_named_pattern(m, args->pattern, o, args->final);
	} else {
		rc = query_server(m, o, args->final);
	}
	free(o);
	return rc;
}
