/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd: the knotd module that serves and replicates the zones of an unchanged nsd.conf. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <knot/module.h>

#include "mod/gate_hook.h"
#include "mod/include_keeper.h"
#include "mod/live.h"

#define MOD_CONFIG	"\x06""config"
#define MOD_INCLUDE	"\x0c""knot-include"
#define MOD_WATCH	"\x05""watch"

static const yp_item_t nsd_conf[] = {
	{ MOD_CONFIG,  YP_TSTR,  YP_VSTR = { "/etc/nsd/nsd.conf" } },
	{ MOD_INCLUDE, YP_TSTR,  YP_VSTR = { "/var/lib/knot/nsd/nsd.conf" } },
	/* Follow edits of nsd.conf without 'knotc reload' (live.c, watch.c). */
	{ MOD_WATCH,   YP_TBOOL, YP_VNONE },
	{ NULL }
};

static int nsd_conf_check(knotd_conf_check_args_t *args)
{
	static const char *const items[] = { MOD_CONFIG, MOD_INCLUDE };

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		knotd_conf_t val = knotd_conf_check_item(args, (const yp_name_t *)items[i]);
		if (val.count == 1 && val.single.string[0] != '/') {
			args->err_str = "'config' and 'knot-include' must be absolute paths";
			return KNOT_EINVAL;
		}
	}
	return KNOT_EOK;
}

typedef struct {
	char *config;   /* nsd.conf */
	char *include;  /* the Knot include kept in step with it */
	struct gate_hook *gate;  /* the access gate (gate_hook.c) */
	struct live *live;       /* NOTIFY sender and watch mode (live.c) */
} nsd_ctx_t;

struct gate_hook *nsd_gate(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = knotd_mod_ctx(mod);
	return ctx != NULL ? ctx->gate : NULL;
}

/* What the instances of this .so have done so far: reloads overlap instances, and the
 * instance a reload creates must know what the previous one wrote and asked for. */
static pthread_mutex_t keeper_lock = PTHREAD_MUTEX_INITIALIZER;
static struct keeper_state keeper_state;

static void keeper_log(void *ctx, int priority, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	knotd_mod_vlog(ctx, priority, fmt, ap);
	va_end(ap);
}

/* knotd installs its SIGHUP handler before it loads modules and keeps the signal blocked
 * until its main loop runs (then it reloads at once); during a reload the signal only
 * sets a flag and the main loop reloads once more afterwards. */
static void ask_reload(knotd_mod_t *mod, const nsd_ctx_t *ctx, uint64_t hash)
{
	struct sigaction sa;
	if (sigaction(SIGHUP, NULL, &sa) != 0 || sa.sa_handler == SIG_DFL ||
	    sa.sa_handler == SIG_IGN) {
		knotd_mod_log(mod, LOG_ERR, "'%s' updated, but knotd has no SIGHUP handler; "
		              "run 'knotc reload'", ctx->include);
		return;
	}

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!keeper_guard_allow(&keeper_state, hash, now.tv_sec)) {
		knotd_mod_log(mod, LOG_WARNING, "'%s' updated, but knotd was asked to reload "
		              "for it already (reload loop?); not reloading, run 'knotc reload'",
		              ctx->include);
		return;
	}
	knotd_mod_log(mod, LOG_NOTICE, "'%s' updated from %s, reloading", ctx->include,
	              ctx->config);
	kill(getpid(), SIGHUP);
}

/* The include is in step with nsd.conf, so knotd has read it, unless knot.conf does not
 * include it: then knotd serves none of nsd.conf's zones and nothing else would say so.
 * Every rendered template sets journal-content, so the first one is found if loaded. */
static void check_included(knotd_mod_t *mod, const nsd_ctx_t *ctx)
{
	const char *tpl = keeper_state.first_template;
	if (tpl[0] == '\0')
		return;  /* no zones */
	knotd_conf_t id = { .single = { .data = (const uint8_t *)tpl,
	                                .data_len = strlen(tpl) + 1 } };
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)"\x08""template",
	                              (const yp_name_t *)"\x0f""journal-content", &id);
	if (val.count == 0)
		knotd_mod_log(mod, LOG_ERR, "'%s' is not part of knotd's configuration (no "
		              "template '%s'): knotd serves none of the zones of %s; add "
		              "'include: <its folder>/*.conf' to knot.conf", ctx->include, tpl,
		              ctx->config);
}

static void nsd_ctx_free(nsd_ctx_t *ctx)
{
	if (ctx == NULL)
		return;
	free(ctx->config);
	free(ctx->include);
	free(ctx);
}

/* Never fails for a bad nsd.conf: knotd would drop the module silently and go on. */
static int nsd_load(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return KNOT_ENOMEM;
	ctx->config = strdup(knotd_conf_mod(mod, MOD_CONFIG).single.string);
	ctx->include = strdup(knotd_conf_mod(mod, MOD_INCLUDE).single.string);
	if (ctx->config == NULL || ctx->include == NULL) {
		nsd_ctx_free(ctx);
		return KNOT_ENOMEM;
	}
	knotd_mod_ctx_set(mod, ctx);

	struct keeper_opts ko = {
		.config = ctx->config,
		.include = ctx->include,
		.log = keeper_log,
		.log_ctx = mod,
	};
	ctx->gate = gate_hook_load(mod, &ko);  /* compiled from keeper_run's parse */
	ctx->live = live_load(mod, &ko, &keeper_lock, &keeper_state);  /* started from it */
	uint64_t hash;
	pthread_mutex_lock(&keeper_lock);
	switch (keeper_run(&ko, &keeper_state, &hash)) {
	case KEEPER_WRITTEN:
		ask_reload(mod, ctx, hash);
		break;
	case KEEPER_UNCHANGED:
		knotd_mod_log(mod, LOG_INFO, "'%s' is in step with %s", ctx->include,
		              ctx->config);
		check_included(mod, ctx);
		break;
	default:
		break; /* logged; knotd keeps the configuration it has */
	}
	pthread_mutex_unlock(&keeper_lock);

	return KNOT_EOK;
}

static void nsd_unload(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = knotd_mod_ctx(mod);
	if (ctx != NULL) {
		live_unload(ctx->live);
		gate_hook_unload(ctx->gate);
	}
	nsd_ctx_free(ctx);
}

KNOTD_MOD_API(nsd, KNOTD_MOD_FLAG_SCOPE_GLOBAL, nsd_load, nsd_unload, nsd_conf, nsd_conf_check);
