/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of the knotd modules a complete knot.conf loads: mod-rrl, mod-nsd, the default template. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "conf/arena.h"
#include "knotmap/knotmap_int.h"

#define G(x) NSDCONF_G_##x
#define RRL_ID "nsd"

/* Debian builds NSD with --enable-ratelimit: RRL runs at 200 qps unless rrl-ratelimit is 0. */
static bool rrl_on(const struct knotmap_ctx *c)
{
	return nsdconf_gnum(c->m, G(RRL_RATELIMIT)) > 0;
}

/* knotd 3.4's mod-rrl keeps a prefix's limit, up to 768 times the address's, in 32 bits. */
#define RRL_INSTANT_MAX ((1LL << 32) / 768 - 1)

static long long clamp(long long v, long long min, long long max)
{
	return v < min ? min : v > max ? max : v;
}

/*
 * knotd 3.4 limits each client address at rate-limit (its prefixes at fixed multiples)
 * with a counter that drains every millisecond and holds instant-limit. NSD counts
 * the responses of a prefix within each second, so a whole second's rate may come at
 * once: that is instant-limit. NSD limits no TCP; knotd's time limit (on by default)
 * would slow TCP and TLS clients, transfers included, so it is switched off.
 */
static void rrl_per_address(struct knotmap_ctx *c, struct kbuf *out)
{
	long long rate = clamp(nsdconf_gnum(c->m, G(RRL_RATELIMIT)), 1, RRL_INSTANT_MAX * 1000);

	kbuf_printf(out, "  - id: " RRL_ID "\n    rate-limit: %lld\n    instant-limit: %lld\n"
	            "    slip: %lld\n    time-rate-limit: 0\n    table-size: %lld\n\n", rate,
	            clamp(rate, 1, RRL_INSTANT_MAX),
	            clamp(nsdconf_gnum(c->m, G(RRL_SLIP)), 0, 100),
	            clamp(nsdconf_gnum(c->m, G(RRL_SIZE)), 1, INT_MAX));
}

static void rrl_section(struct knotmap_ctx *c, struct kbuf *out)
{
	long long rate = nsdconf_gnum(c->m, G(RRL_RATELIMIT));
	long long slip = nsdconf_gnum(c->m, G(RRL_SLIP));
	long long size = nsdconf_gnum(c->m, G(RRL_SIZE));

	if (!rrl_on(c)) {
		return;
	}
	kbuf_puts(out, "mod-rrl:\n");
	if (!c->m->global_set[G(RRL_RATELIMIT)]) {
		kbuf_puts(out, "  # NSD's default (Debian builds it with rate limiting on)\n");
	}
	if (knotmap_rrl_per_address(c)) {
		rrl_per_address(c, out);
		return;
	}
	kbuf_printf(out, "  - id: " RRL_ID "\n    rate-limit: %lld\n    slip: %lld\n"
	            "    table-size: %lld\n\n", rate > INT_MAX ? INT_MAX : rate,
	            slip > 100 ? 100 : slip, size > INT_MAX ? INT_MAX : size);
}

/* The include mod-nsd keeps is read through a glob of its folder: knotd accepts a glob
 * that matches nothing, so the first start works before the module has written it. */
static void include_glob(const char *include, struct kbuf *out)
{
	const char *slash = strrchr(include, '/');
	size_t dir = slash != NULL ? (size_t)(slash - include) : 0;

	kbuf_add(out, include, dir);
	kbuf_puts(out, "/*.conf");
}

void knotmap_modules_head(struct knotmap_ctx *c, struct kbuf *out)
{
	const struct knotmap_module *mod = c->opts->module;

	if (mod != NULL) {
		/* module: must come before mod-nsd:, both before the template using them. */
		if (mod->file != NULL) {
			kbuf_puts(out, "module:\n  - id: mod-nsd\n    file: ");
			kbuf_value(out, mod->file);
			kbuf_puts(out, "\n\n");
		}
		kbuf_puts(out, "mod-nsd:\n  - id: default\n    config: ");
		kbuf_value(out, mod->config);
		kbuf_puts(out, "\n    knot-include: ");
		kbuf_value(out, mod->include);
		kbuf_puts(out, "\n\n");
	}
	rrl_section(c, out);
	knotmap_cookies_section(c, out);
}

void knotmap_modules_default(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *mods[3];
	int n = 0;

	/* mod-nsd first: what it refuses needs no rate limiting or cookie. */
	if (c->opts->module != NULL) {
		mods[n++] = "mod-nsd/default";
	}
	if (rrl_on(c)) {
		mods[n++] = "mod-rrl/" RRL_ID;
	}
	if (knotmap_cookies_on(c)) {
		mods[n++] = "mod-cookies/" KNOTMAP_COOKIES_ID;
	}
	/* Only global modules of the default template apply to every zone. */
	if (n == 0) {
		return;
	}
	kbuf_puts(out, "  - id: default\n    global-module: [");
	for (int i = 0; i < n; i++) {
		kbuf_puts(out, i > 0 ? ", " : "");
		kbuf_puts(out, mods[i]);
	}
	kbuf_puts(out, "]\n");
}

void knotmap_modules_tail(struct knotmap_ctx *c, struct kbuf *out)
{
	struct kbuf glob = { 0 };

	if (c->opts->module == NULL) {
		return;
	}
	include_glob(c->opts->module->include, &glob);
	if (glob.oom) {
		/* "include: " alone would load without the zones. */
		knotmap_nomem(c);
	} else {
		kbuf_puts(out, "include: ");
		kbuf_value(out, glob.b.data);
		kbuf_puts(out, "\n");
	}
	knotmap_buf_free(&glob.b);
}
