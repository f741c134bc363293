/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd-checkconf's semantic checks: zones without data source, chroot paths, lengths, port. */
#include <stdlib.h>
#include <string.h>

#include "conf/checks.h"

/* NSD's append_trailing_slash on a server path value. Out of memory leaves the value
 * as it was; the arena remembers the failure for nsdconf_semantic_checks(). */
static void add_slash(struct nsdconf_model *m, enum nsdconf_gslot s)
{
	const char *v = nsdconf_gstr(m, s);
	size_t l = v ? strlen(v) : 0;
	if (l > 0 && v[l - 1] != '/') {
		char *w = nsdconf_arena_alloc(m->arena, l + 2);
		if (w == NULL) {
			return;
		}
		memcpy(w, v, l);
		w[l] = '/';
		m->global[s].str = w;
		m->global_set[s] = true;
	}
}

/* True if fname starts with the chroot or is not absolute (util.c file_inside_chroot). */
static bool inside_chroot(const char *fname, const char *chr)
{
	return (fname && fname[0] && strncmp(fname, chr, strlen(chr)) == 0) ||
	       (fname && fname[0] != '/');
}

/* catalog: producer (4.9): the zone's data is made from its members, no zonefile. */
/* The zone checks; reports only when d is given. */
static int check_zone(const struct nsdconf_model *m, const struct nsdconf_zone *z,
                      const char *file, struct nsdconf_diag *d)
{
	int errors = 0;
	const struct nsdconf_pattern *p = z->pattern;
	if (p->val[NSDCONF_P_ALLOW_NOTIFY].acl && !p->val[NSDCONF_P_REQUEST_XFR].acl) {
		if (d != NULL) {
			nsdconf_diag_line(d, "%s: zone %s has allow-notify but no request-xfr items. "
			                  "Where can it get a zone transfer when a notify is received?",
			                  file, z->name);
		}
		errors++;
	}
	const char *zf = nsdconf_pstr(p, NSDCONF_P_ZONEFILE);
	if (!nsdconf_zone_is_secondary(z) && !(m->release->catalog_checks && nsdconf_pattern_is_producer(p)) &&
	    (zf == NULL || zf[0] == '\0')) {
		if (d != NULL) {
			nsdconf_diag_line(d, "%s: zone %s is a %s zone but has no zonefile. "
			                  "Where can the data come from?", file, z->name,
			                  m->release->zone_role);
		}
		errors++;
	}
	return errors;
}

/* *oom is set when the zones could not be put in order for their report. */
static int check_zones(struct nsdconf_model *m, const char *file, struct nsdconf_diag *d,
                       bool *oom)
{
	int errors = 0, n;
	for (int i = 0; i < m->n_zones; i++) {
		errors += check_zone(m, m->zones[i], file, NULL);
	}
	if (errors == 0) {
		return 0;   /* the canonical-order pass is only needed to report */
	}
	struct nsdconf_zone **zones = nsdconf_zones_sorted(m, false, &n);
	if (zones == NULL) {
		*oom = true;
		return errors;
	}
	for (int i = 0; i < n; i++) {
		check_zone(m, zones[i], file, d);
	}
	return errors;
}

static int check_chroot(struct nsdconf_model *m, const char *file, struct nsdconf_diag *d)
{
	static const struct {
		enum nsdconf_gslot slot;
		const char *what;
	} paths[] = {
		{ NSDCONF_G_PIDFILE, "pidfile" }, { NSDCONF_G_DATABASE, "database" },
		{ NSDCONF_G_XFRDFILE, "xfrdfile" }, { NSDCONF_G_ZONELISTFILE, "zonelistfile" },
		{ NSDCONF_G_XFRDIR, "xfrdir" },
	};
	int errors = 0;
	const char *chr = nsdconf_gstr(m, NSDCONF_G_CHROOT);
	if (chr == NULL || chr[0] == '\0') {
		return 0;
	}
	add_slash(m, NSDCONF_G_CHROOT);
	add_slash(m, NSDCONF_G_XFRDIR);
	add_slash(m, NSDCONF_G_ZONESDIR);
	chr = nsdconf_gstr(m, NSDCONF_G_CHROOT);
	const char *zd = nsdconf_gstr(m, NSDCONF_G_ZONESDIR);
	if (zd == NULL || strncmp(zd, chr, strlen(chr)) != 0) {
		nsdconf_diag_line(d, "%s: zonesdir %s has to be an absolute path that starts with "
		                  "the chroot path %s", file, zd ? zd : "(null)", chr);
		errors++;
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i].slot == NSDCONF_G_DATABASE && !m->release->database_read) {
			continue;
		}
		const char *v = nsdconf_gstr(m, paths[i].slot);
		if (!inside_chroot(v, chr)) {
			nsdconf_diag_line(d, "%s: %s %s is not relative to chroot %s.", file,
			                  paths[i].what, v ? v : "(null)", chr);
			errors++;
		}
	}
	return errors;
}

int nsdconf_semantic_checks(struct nsdconf_model *m, const char *file, struct nsdconf_diag *d)
{
	bool oom = false;
	int errors = check_zones(m, file, d, &oom);
	const char *id = nsdconf_gstr(m, NSDCONF_G_IDENTITY);
	if (id != NULL && strlen(id) > 255) {
		nsdconf_diag_line(d, "%s: server identity too long (%u characters)", file,
		                  (unsigned)strlen(id));
		errors++;
	}
	const char *ver = nsdconf_gstr(m, NSDCONF_G_VERSION);
	if (ver != NULL && strlen(ver) > 255) {
		nsdconf_diag_line(d, "%s: server version too long (%u characters)", file,
		                  (unsigned)strlen(ver));
		errors++;
	}
	errors += check_chroot(m, file, d);
	const char *port = nsdconf_gstr(m, NSDCONF_G_PORT);
	if (atoi(port ? port : "0") <= 0) {
		nsdconf_diag_line(d, "%s: port number '%s' is not a positive number.", file,
		                  port ? port : "(null)");
		errors++;
	}
	if (oom || nsdconf_arena_failed(m->arena)) {
		/* Checks that ran without their memory prove nothing: one error more. */
		nsdconf_diag_oom(d, file, 0);
		errors++;
	}
	if (errors != 0) {
		nsdconf_diag_line(d, "%s: %d semantic errors in %d zones, %d keys, %d tls-auth.",
		                  file, errors, m->n_config_zones, m->n_keys, m->n_tls_auths);
	}
	return errors;
}
