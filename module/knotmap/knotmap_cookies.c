/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of NSD's DNS cookies: the mod-cookies section, its secrets and their report. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/zonefile.h"
#include "knotmap/knotmap_int.h"

#define G(x) NSDCONF_G_##x
#define SECRET_HEX 32

bool knotmap_cookies_on(const struct knotmap_ctx *c)
{
	return nsdconf_gnum(c->m, G(ANSWER_COOKIE)) != 0;
}

/* mod-cookies takes a secret of exactly 32 hex digits (NSD 4.11 requires the same). */
bool knotmap_cookie_secret_ok(const char *s)
{
	size_t n = 0;

	for (; s != NULL && s[n] != '\0'; n++) {
		if (!isxdigit((unsigned char)s[n])) {
			return false;
		}
	}
	return n == SECRET_HEX;
}

/* NSD's cookie-secret-file as NSD 4.12 reads it at start (util.c reconfig_cookies): up
 * to two lines of 32 hex digits, the first the active secret; any other line and it
 * makes its own secrets. NSD reads it after chdir(zonesdir), so a relative name is
 * relative to zonesdir. The file is read now: knotd gets the values, not the path.
 * False when there is no such file (ENOENT), which NSD does not count as an error. */
static bool secrets_from_file(struct knotmap_ctx *c, struct knotmap_cookies *k,
                              const char *name)
{
	char line[SECRET_HEX + 3];
	const char *path;
	FILE *f;

	if (name == NULL || name[0] == '\0') {
		k->why = "an empty name switches the file off";
		return true;
	}
	path = nsdconf_zonefile_path(name, nsdconf_gstr(c->m, G(ZONESDIR)), c->opts->cwd,
	                             c->arena);
	if (path == NULL) {
		knotmap_nomem(c);
		return true;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		k->why = errno == ENOENT ? "it does not exist now" : "it cannot be read now";
		return errno != ENOENT;
	}
	k->path = path;
	while (k->n < KNOTMAP_COOKIE_SECRETS && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (!knotmap_cookie_secret_ok(line)) {
			k->n = 0;
			k->why = "a line is not 32 hex digits";
			break;
		}
		memcpy(k->secret[k->n++], line, SECRET_HEX + 1);
	}
	fclose(f);
	if (k->n == 0 && k->why == NULL) {
		k->why = "it holds no secret";
	}
	return true;
}

/* NSD reads its default cookie-secret-file when the option is not set (4.6.1:
 * /etc/nsd/nsd_cookiesecrets.txt; Debian's 4.12: /var/lib/nsd/cookiesecrets.txt, and at
 * start the old place when that one does not exist). */
static void secrets_from_default_file(struct knotmap_ctx *c, struct knotmap_cookies *k)
{
	static const char old_place[] = "/etc/nsd/nsd_cookiesecrets.txt";
	const char *name = nsdconf_gstr(c->m, G(COOKIE_SECRET_FILE));

	if (name == NULL || name[0] == '\0') {
		return;
	}
	if (secrets_from_file(c, k, name) || strcmp(name, old_place) == 0 ||
	    c->m->release->version < 4120) {
		return;
	}
	k->why = NULL;
	secrets_from_file(c, k, old_place);
}

/*
 * The secrets mod-cookies gets, in NSD's order of use. knotd 3.4.2 takes a second
 * secret that only verifies (cookies.c tries it before the first and creates with the
 * first), which is NSD's staging secret; before, it takes one.
 */
const struct knotmap_cookies *knotmap_cookies(struct knotmap_ctx *c)
{
	struct knotmap_cookies *k = &c->cookies;
	const char *active = nsdconf_gstr(c->m, G(COOKIE_SECRET));
	const char *staging = nsdconf_gstr(c->m, G(COOKIE_STAGING_SECRET));

	if (k->done) {
		return k;
	}
	k->done = true;
	/* NSD: secrets in nsd.conf take precedence over the file. */
	if (c->m->global_set[G(COOKIE_SECRET)] && knotmap_cookie_secret_ok(active)) {
		memcpy(k->secret[k->n++], active, SECRET_HEX + 1);
		if (knotmap_cookie_secrets(c) && c->m->global_set[G(COOKIE_STAGING_SECRET)] &&
		    knotmap_cookie_secret_ok(staging)) {
			memcpy(k->secret[k->n++], staging, SECRET_HEX + 1);
		}
		return k;
	}
	if (!knotmap_cookie_secrets(c) || c->m->global_set[G(COOKIE_SECRET)]) {
		return k;
	}
	if (c->m->global_set[G(COOKIE_SECRET_FILE)]) {
		k->file = true;
		secrets_from_file(c, k, nsdconf_gstr(c->m, G(COOKIE_SECRET_FILE)));
	} else if (knotmap_cookies_on(c)) {
		secrets_from_default_file(c, k);
		k->file = k->n > 0;
	}
	return k;
}

void knotmap_cookies_section(struct knotmap_ctx *c, struct kbuf *out)
{
	const struct knotmap_cookies *k;

	if (!knotmap_cookies_on(c)) {
		return;
	}
	k = knotmap_cookies(c);
	kbuf_puts(out, "mod-cookies:\n  - id: " KNOTMAP_COOKIES_ID "\n");
	if (k->n == 1) {
		kbuf_printf(out, "    secret: 0x%s\n", k->secret[0]);
	} else if (k->n == 2) {
		kbuf_printf(out, "    secret: [0x%s, 0x%s]\n", k->secret[0], k->secret[1]);
	}
	kbuf_puts(out, "\n");
}

/* The report line of a cookie option; false: not a cookie option. */
bool knotmap_cookies_note(struct knotmap_ctx *c, const struct nsdconf_option *o,
                          enum nsdconf_knot *verdict, char *how, size_t len)
{
	long long v = nsdconf_gnum(c->m, o->slot);
	const struct knotmap_cookies *k;

	switch (o->slot) {
	case G(ANSWER_COOKIE):
		*verdict = v ? NSDCONF_K_APPROX : NSDCONF_K_EXACT;
		k = v ? knotmap_cookies(c) : NULL;
		if (k != NULL && k->file && !c->m->global_set[G(COOKIE_SECRET_FILE)]) {
			/* the default file, which NSD reads without a cookie-secret-file line */
			snprintf(how, len, "mod-cookies (its own secret rotation and BADCOOKIE "
			         "slip), secret%s from NSD's default cookie-secret-file %s as read "
			         "now: convert again when it changes", k->n > 1 ? "s" : "", k->path);
		} else {
			snprintf(how, len, v ? "mod-cookies (its own secret rotation and BADCOOKIE "
			         "slip)" : "no mod-cookies");
		}
		return true;
	case G(COOKIE_SECRET):
		*verdict = !knotmap_cookies_on(c) ? NSDCONF_K_NONE :
		           knotmap_cookie_secret_ok(nsdconf_gstr(c->m, o->slot)) ? NSDCONF_K_EXACT :
		           NSDCONF_K_APPROX;
		snprintf(how, len, *verdict == NSDCONF_K_NONE ? "answer-cookie is off" :
		         *verdict == NSDCONF_K_EXACT ? "mod-cookies secret" :
		         "not 32 hex digits, which mod-cookies needs: it makes its own");
		return true;
	case G(COOKIE_STAGING_SECRET):
	case G(COOKIE_SECRET_FILE):
		break;
	default:
		return false;
	}
	if (!knotmap_cookie_secrets(c)) {
		return false;   /* the table's verdict for knotd before 3.4.2 */
	}
	k = knotmap_cookies(c);
	*verdict = NSDCONF_K_NONE;
	if (!knotmap_cookies_on(c)) {
		snprintf(how, len, "answer-cookie is off");
	} else if (o->slot == G(COOKIE_STAGING_SECRET)) {
		if (k->n == 2) {
			*verdict = NSDCONF_K_EXACT;
			snprintf(how, len, "%s", knotmap_verdict(c, o).note);
		} else {
			snprintf(how, len, "NSD uses it only beside a cookie-secret");
		}
	} else if (!k->file) {
		snprintf(how, len, "cookie-secret takes precedence, as in NSD");
	} else if (k->n > 0) {
		*verdict = NSDCONF_K_APPROX;
		snprintf(how, len, "mod-cookies secret: %s as read now, where NSD reads the "
		         "file at start: convert again when it changes", k->n > 1 ?
		         "the file's 2 secrets, the first creates cookies" : "the file's secret");
	} else {
		*verdict = NSDCONF_K_APPROX;
		snprintf(how, len, "%s: mod-cookies makes its own secret (NSD: its own too, "
		         "if the file is still so at start)", k->why);
	}
	return true;
}
