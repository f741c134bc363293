/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd-checkconf -v: the effective configuration, rendered by walking the option table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checkconf.h"

static void print_string_var(const char *label, const char *value)
{
	if (value == NULL) {
		printf("\t#%s\n", label);
	} else {
		printf("\t%s \"%s\"\n", label, value);
	}
}

static const char *key_word(const struct nsdconf_acl *a)
{
	switch (a->key) {
	case NSDCONF_ACL_NOKEY: return "NOKEY";
	case NSDCONF_ACL_BLOCKED: return "BLOCKED";
	default: return a->key_name ? a->key_name : "(null)";
	}
}

void checkconf_print_acl_entry(const struct nsdconf_acl *a)
{
	if (a->tls_auth != NULL) {
		printf("%s %s %s\n", a->spec, key_word(a), a->tls_auth);
	} else {
		printf("%s %s\n", a->spec, key_word(a));
	}
}

static void print_acl(const char *label, const struct nsdconf_acl *a, int verbosity)
{
	for (; a != NULL; a = a->next) {
		printf("\t%s ", label);
		if (a->axfr_only) {
			printf("AXFR ");
		}
		if (a->udp) {
			printf("UDP ");
		}
		checkconf_print_acl_entry(a);
		if (verbosity > 1) {
			char detail[256];
			nsdconf_acl_detail(a, detail, sizeof(detail));
			printf("\t# %s\n", detail);
		}
	}
}

void checkconf_print_rrl_types(const char *prefix, long long w)
{
	if (w == NSDCONF_RRL_ALL) {
		printf("%sall\n", prefix);
		return;
	}
	/* NSD's loop stops at 0x80: rrsig alone prints nothing. */
	for (unsigned bit = 0x01; bit <= 0x80; bit <<= 1) {
		if (w & bit) {
			printf("%s%s\n", prefix, nsdconf_rrl_type_name(bit));
		}
	}
}

static void print_command(const char *label, const struct nsdconf_list *argv)
{
	if (argv == NULL) {
		return;
	}
	printf("\t%s", label);
	for (; argv != NULL; argv = argv->next) {
		printf(" \"%s\"", argv->str);
	}
	printf("\n");
}

/* One option of a clause block; label is "<name>:" unless the row says otherwise. */
static void print_value(const struct nsdconf_option *o, const union nsdconf_val *v, bool set,
                        long long num, int verbosity)
{
	char label[96];
	snprintf(label, sizeof(label), "%s:", o->name);
	if (o->vlabel != NULL) {
		snprintf(label, sizeof(label), "%s", o->vlabel);
	}
	switch (o->vprint) {
	case NSDCONF_V_BOOL:
		printf("\t%s %s\n", label, num ? "yes" : "no");
		break;
	case NSDCONF_V_INT:
		printf("\t%s %d\n", label, (int)num);
		break;
	case NSDCONF_V_STR:
	case NSDCONF_V_CHROOT:
		print_string_var(label, v->str);
		break;
	case NSDCONF_V_STR_IF_SET:
		if (v->str != NULL) {
			print_string_var(label, v->str);
		}
		break;
	case NSDCONF_V_BOOL_IF_SET:
		if (set) {
			printf("\t%s %s\n", label, num ? "yes" : "no");
		}
		break;
	case NSDCONF_V_BOOL_IF_TRUE:
		if (num) {
			printf("\t%s yes\n", label);
		}
		break;
	case NSDCONF_V_INT_IF_SET:
		if (set) {
			printf("\t%s %d\n", label, (int)num);
		}
		break;
	case NSDCONF_V_UNSIGNED_IF_SET:
		if (set) {
			printf("\t%s %u\n", label, (unsigned)num);
		}
		break;
	case NSDCONF_V_LLU_IF_NONZERO:
		if (num != 0) {
			printf("\t%s %llu\n", label, (unsigned long long)num);
		}
		break;
	case NSDCONF_V_EXPIRE:
		if (set && num == NSDCONF_EXPIRE_REFRESH_RETRY_1) {
			printf("\t%s refresh+retry+1\n", label);
		} else if (set) {
			printf("\t%s %d\n", label, (int)num);
		}
		break;
	case NSDCONF_V_RRL_TYPES: {
		char prefix[128];
		snprintf(prefix, sizeof(prefix), "\t%s ", label);
		checkconf_print_rrl_types(prefix, num);
		break;
	}
	case NSDCONF_V_ACL:
		print_acl(label, v->acl, verbosity);
		break;
	case NSDCONF_V_ACL_IPS:
		for (const struct nsdconf_acl *a = v->acl; a != NULL; a = a->next) {
			printf("\t%s %s\n", label, a->spec);
		}
		break;
	case NSDCONF_V_IPLIST:
		for (const struct nsdconf_ip *ip = v->ip; ip != NULL; ip = ip->next) {
			print_string_var(label, ip->address);
		}
		break;
	case NSDCONF_V_COMMAND:
		print_command(label, v->list);
		break;
	case NSDCONF_V_COOKIE_FILE:
		if (!set) {
			char unset[100];
			snprintf(unset, sizeof(unset), "#%s", label);
			print_string_var(unset, o->def);
		} else {
			print_string_var(label, v->str != NULL ? v->str : "");
		}
		break;
	case NSDCONF_V_CATALOG:
		/* NSD reads "Consumer" as consumer and prints its own word */
		if (set && v->str != NULL) {
			printf("\t%s %s\n", label, strcmp(v->str, "producer") == 0 ? "producer" : "consumer");
		}
		break;
	default:
		break;
	}
}

static void print_ip_addresses(const struct nsdconf_ip *ip)
{
	for (; ip != NULL; ip = ip->next) {
		printf("\tip-address: %s", ip->address);
		if (ip->servers != NULL) {
			printf(" servers=\"%s\"", ip->servers);
		}
		if (ip->setfib != -1) {
			printf(" setfib=%d", (int)ip->setfib);
		}
		printf("\n");
	}
}

static void print_cpu_affinity(const struct nsdconf_model *m)
{
	const struct nsdconf_list *cpus = m->global[NSDCONF_G_CPU_AFFINITY].list;
	if (cpus == NULL) {
		return;
	}
	printf("\tcpu-affinity:");
	for (const struct nsdconf_list *c = cpus; c != NULL; c = c->next) {
		printf(" %d", (int)c->num);
	}
	printf("\n");
	/* NSD prints the per-service pins only when cpu-affinity is set too. */
	for (const struct nsdconf_list *s = m->global[NSDCONF_G_SERVICE_CPU_AFFINITY].list; s; s = s->next) {
		if (s->num > 0) {
			printf("\tserver-%d-cpu-affinity: %d\n", (int)s->num, (int)s->num2);
		} else if (s->num == -1) {
			printf("\txfrd-cpu-affinity: %d\n", (int)s->num2);
		}
	}
}

static void print_global_clause(const struct nsdconf_model *m, enum nsdconf_clause cl, int verbosity)
{
	size_t n;
	const struct nsdconf_option *rows = nsdconf_options(&n);
	for (size_t i = 0; i < n; i++) {
		const struct nsdconf_option *o = nsdconf_release_row(m->release, &rows[i]);
		if (!(o->clauses & NSDCONF_IN(cl)) || o->vprint == NSDCONF_V_NONE ||
		    !nsdconf_release_has(m->release, o)) {
			continue;
		}
		if (o->vprint == NSDCONF_V_SPECIAL) {
			if (o->slot == NSDCONF_G_IP_ADDRESS) {
				print_ip_addresses(m->global[o->slot].ip);
			} else if (o->slot == NSDCONF_G_CPU_AFFINITY) {
				print_cpu_affinity(m);
			} else if (o->slot == NSDCONF_G_VERIFY_PORT) {
				printf("\tport: %s\n", nsdconf_gstr(m, o->slot));
			}
			/* proxy-protocol-port: NSD prints it after cookie-secret-file, below */
			continue;
		}
		union nsdconf_val v = m->global[o->slot];
		if (!m->global_set[o->slot]) {
			v.str = o->def;
		}
		print_value(o, &v, m->global_set[o->slot], nsdconf_gnum(m, o->slot), verbosity);
		if (cl == NSDCONF_CL_SERVER && o->slot == NSDCONF_G_COOKIE_SECRET_FILE) {
			for (const struct nsdconf_list *p = m->proxy_ports; p != NULL; p = p->next) {
				printf("\tproxy-protocol-port: %d\n", (int)p->num);
			}
		}
	}
}

static void print_pattern_elems(const struct nsdconf_model *m, const struct nsdconf_pattern *p,
                                int verbosity)
{
	for (int s = 0; s < NSDCONF_P_SLOTS; s++) {
		const struct nsdconf_option *o =
			nsdconf_release_row(m->release, nsdconf_option_slot(NSDCONF_CL_PATTERN, s));
		if (o == NULL || o->vprint == NSDCONF_V_NONE || !nsdconf_release_has(m->release, o)) {
			continue;
		}
		print_value(o, &p->val[s], nsdconf_pset(p, s), nsdconf_pnum(p, s), verbosity);
	}
}

static int pattern_cmp(const void *a, const void *b)
{
	return strcmp((*(struct nsdconf_pattern *const *)a)->name,
	              (*(struct nsdconf_pattern *const *)b)->name);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp((*(struct nsdconf_key *const *)a)->val[NSDCONF_K_NAME].str,
	              (*(struct nsdconf_key *const *)b)->val[NSDCONF_K_NAME].str);
}

static int tls_cmp(const void *a, const void *b)
{
	return strcmp((*(struct nsdconf_tls_auth *const *)a)->val[NSDCONF_T_NAME_SLOT].str,
	              (*(struct nsdconf_tls_auth *const *)b)->val[NSDCONF_T_NAME_SLOT].str);
}

/* A sorted copy of an array of pointers (NSD keeps these in red-black trees). */
static void *sorted(void *items, int n, int (*cmp)(const void *, const void *))
{
	void **v = malloc((n + 1) * sizeof(void *));
	if (v == NULL) {
		abort();
	}
	if (n > 0) {   /* items is NULL for an empty list */
		memcpy(v, items, n * sizeof(void *));
		qsort(v, n, sizeof(void *), cmp);
	}
	return v;
}

void checkconf_print_all(struct nsdconf_model *m, const char *file, int verbosity)
{
	printf("# Read file %s: %d patterns, %d fixed-zones, %d keys, %d tls-auth.\n",
	       file, m->n_patterns, m->n_config_zones, m->n_keys, m->n_tls_auths);
	printf("# Config settings.\nserver:\n");
	print_global_clause(m, NSDCONF_CL_SERVER, verbosity);
	printf("\ndnstap:\n");
	print_global_clause(m, NSDCONF_CL_DNSTAP, verbosity);
	printf("\nremote-control:\n");
	print_global_clause(m, NSDCONF_CL_REMOTE_CONTROL, verbosity);
	printf("\nverify:\n");
	print_global_clause(m, NSDCONF_CL_VERIFY, verbosity);

	struct nsdconf_key **keys = sorted(m->keys, m->n_keys, key_cmp);
	for (int i = 0; i < m->n_keys; i++) {
		printf("\nkey:\n");
		print_string_var("name:", keys[i]->val[NSDCONF_K_NAME].str);
		print_string_var("algorithm:", keys[i]->val[NSDCONF_K_ALGORITHM].str);
		print_string_var("secret:", keys[i]->val[NSDCONF_K_SECRET].str);
	}
	free(keys);
	struct nsdconf_tls_auth **tls = sorted(m->tls_auths, m->n_tls_auths, tls_cmp);
	for (int i = 0; i < m->n_tls_auths; i++) {
		printf("\ntls-auth:\n");
		print_string_var("name:", tls[i]->val[NSDCONF_T_NAME_SLOT].str);
		print_string_var("auth-domain-name:", tls[i]->val[NSDCONF_T_AUTH_DOMAIN_NAME].str);
	}
	free(tls);
	struct nsdconf_pattern **pats = sorted(m->patterns, m->n_patterns, pattern_cmp);
	for (int i = 0; i < m->n_patterns; i++) {
		if (pats[i]->implicit) {
			continue;
		}
		printf("\npattern:\n");
		print_string_var("name:", pats[i]->name);
		print_pattern_elems(m, pats[i], verbosity);
	}
	free(pats);
	int nz;
	struct nsdconf_zone **zones = nsdconf_zones_sorted(m, true, &nz);
	if (zones == NULL) {
		/* Output without the zones would pass for the whole: the CLI may stop. */
		fprintf(stderr, "knot-nsd: out of memory\n");
		exit(2);
	}
	for (int i = 0; i < nz; i++) {
		printf("\nzone:\n");
		print_string_var("name:", zones[i]->name);
		print_pattern_elems(m, zones[i]->pattern, verbosity);
	}
}
