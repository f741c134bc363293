/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NSD releases nsd-checkconf is reproduced for: Debian 12's 4.6.1, Debian 13's 4.12.0. */
#include <pthread.h>
#include <string.h>

#include "conf/release.h"

#define S NSDCONF_CL_SERVER
#define PT NSDCONF_CL_PATTERN

/* NSD 4.12.0 as Debian 13 builds it, where it reads a 4.6.1 row differently. */
static const struct nsdconf_row_change changes_4120[] = {
	/* clause, slot, vprint, query, default, -v label */
	/* 4.8: database is parsed and ignored, neither printed nor queryable */
	{ S, NSDCONF_G_DATABASE, NSDCONF_V_NONE, "", NULL, NULL },
	/* 4.8: no database, so zonefiles are written hourly by default */
	{ S, NSDCONF_G_ZONEFILES_WRITE, -1, NULL, "3600", NULL },
	/* 4.11: the secrets print as "#cookie-secret:" when unset; only 32 hex digits are
	 * accepted, which mod-cookies takes as they are (4.6.1 took any text) */
	{ S, NSDCONF_G_COOKIE_SECRET, NSDCONF_V_STR, NULL, NULL, NULL,
	  NSDCONF_K_EXACT, "mod-cookies secret" },
	{ S, NSDCONF_G_COOKIE_SECRET_FILE, NSDCONF_V_COOKIE_FILE, NULL,
	  "/var/lib/nsd/cookiesecrets.txt", NULL },
	/* 4.9: multi-master-check is spelt multi-primary-check */
	{ PT, NSDCONF_P_MULTI_MASTER_CHECK, -1, "multi_primary_check", NULL, "multi-primary-check:" },
};

/* meson's nsd_version (the NSD installed at build time); 4.6.1 for other builds */
#ifndef KNOT_NSD_NSD_VERSION
#define KNOT_NSD_NSD_VERSION "4.6.1"
#endif

static const struct nsdconf_release releases[] = {
	{ 461, "4.6.1", "nsd-bugs@nlnetlabs.nl", "master", true, false, false, NULL, 0 },
	{ 4120, "4.12.0", "https://github.com/NLnetLabs/nsd/issues or nsd-bugs@nlnetlabs.nl",
	  "primary", false, true, true, changes_4120,
	  sizeof(changes_4120) / sizeof(changes_4120[0]) },
};
#define N_RELEASES (sizeof(releases) / sizeof(releases[0]))
#define MAX_CHANGES 8
/* Every release's changes fit the patched table (a ninth would be dropped in silence). */
_Static_assert(sizeof(changes_4120) / sizeof(changes_4120[0]) <= MAX_CHANGES,
               "MAX_CHANGES is too small for NSD 4.12.0's row changes");

/* The patched rows, built once; release i's change j is patched[i][j]. */
static struct nsdconf_option patched[N_RELEASES][MAX_CHANGES];
static const struct nsdconf_option *patched_of[N_RELEASES][MAX_CHANGES];
static pthread_once_t patch_once = PTHREAD_ONCE_INIT;

static void patch_build(void)
{
	for (size_t r = 0; r < N_RELEASES; r++) {
		for (size_t c = 0; c < releases[r].n_changes && c < MAX_CHANGES; c++) {
			const struct nsdconf_row_change *ch = &releases[r].changes[c];
			const struct nsdconf_option *o = nsdconf_option_slot(ch->clause, ch->slot);
			if (o == NULL) {
				continue;
			}
			struct nsdconf_option *p = &patched[r][c];
			*p = *o;
			if (ch->vprint >= 0) {
				p->vprint = ch->vprint;
			}
			if (ch->query != NULL) {
				p->query = ch->query[0] != '\0' ? ch->query : NULL;
			}
			if (ch->def != NULL) {
				p->def = ch->def;
			}
			if (ch->vlabel != NULL) {
				p->vlabel = ch->vlabel;
			}
			if (ch->knot_note != NULL) {
				p->knot = ch->knot;
				p->knot_note = ch->knot_note;
			}
			patched_of[r][c] = o;
		}
	}
}

const struct nsdconf_release *nsdconf_release_find(const char *name)
{
	for (size_t i = 0; i < N_RELEASES; i++) {
		size_t l = strlen(name);
		/* "4.12" names 4.12.0: a prefix ending at a dot */
		if (strcmp(releases[i].name, name) == 0 ||
		    (l > 0 && strncmp(releases[i].name, name, l) == 0 && releases[i].name[l] == '.')) {
			return &releases[i];
		}
	}
	return NULL;
}

const struct nsdconf_release *nsdconf_release_default(void)
{
	return &releases[0];
}

const struct nsdconf_release *nsdconf_release_build(void)
{
	const struct nsdconf_release *r = nsdconf_release_find(KNOT_NSD_NSD_VERSION);
	return r != NULL ? r : nsdconf_release_default();
}

const struct nsdconf_release *nsdconf_releases(size_t *count)
{
	*count = N_RELEASES;
	return releases;
}

const struct nsdconf_option *nsdconf_release_row(const struct nsdconf_release *r,
                                                 const struct nsdconf_option *o)
{
	if (r == NULL || r->n_changes == 0 || o == NULL) {
		return o;
	}
	pthread_once(&patch_once, patch_build);
	size_t ri = (size_t)(r - releases);
	for (size_t c = 0; c < r->n_changes && c < MAX_CHANGES; c++) {
		if (patched_of[ri][c] == o) {
			return &patched[ri][c];
		}
	}
	return o;
}
