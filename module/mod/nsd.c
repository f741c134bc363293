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

#include "conf/model.h"
#include "mod/ctl_server.h"
#include "mod/gate_hook.h"
#include "mod/include_keeper.h"
#include "mod/notify_self.h"
#include "mod/notify_thread.h"
#include "mod/process_state.h"
#include "mod/stats_hook.h"
#include "mod/watch.h"

#define MOD_CONFIG	"\x06""config"
#define MOD_INCLUDE	"\x0c""knot-include"
#define MOD_WATCH	"\x05""watch"

static const yp_item_t nsd_conf[] = {
	{ MOD_CONFIG,  YP_TSTR,  YP_VSTR = { "/etc/nsd/nsd.conf" } },
	{ MOD_INCLUDE, YP_TSTR,  YP_VSTR = { "/var/lib/knot/nsd/nsd.conf" } },
	/* Follow edits of nsd.conf without 'knotc reload' (watch.c). */
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
	unsigned reloads_at_load;        /* reloads the keeper had asked for when load began */
	struct gate_hook *gate;          /* the access gate (gate_hook.c) */
	struct notify_thread *notify;    /* NSD's NOTIFY rounds (notify_thread.c) */
	struct notify_self self;         /* the key of knotd's change NOTIFYs (notify_self.c) */
	struct watch *watch;             /* 'watch: on' (watch.c) */
} nsd_ctx_t;

struct gate_hook *nsd_gate(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = knotd_mod_ctx(mod);
	return ctx != NULL ? ctx->gate : NULL;
}

const struct notify_self *nsd_self(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = knotd_mod_ctx(mod);
	return ctx != NULL ? &ctx->self : NULL;
}

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
static void ask_reload(knotd_mod_t *mod, const nsd_ctx_t *ctx, uint64_t hash, uint64_t input)
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
	if (!keeper_guard_allow(&nsd_process.keeper, hash, input, now.tv_sec)) {
		knotd_mod_log(mod, LOG_WARNING, "'%s' updated, but knotd was asked to reload "
		              "for it already or too often (reload loop?); not reloading, run "
		              "'knotc reload'",
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
	const char *tpl = nsd_process.keeper.first_template;
	if (tpl[0] == '\0') {
		return;  /* no zones */
	}
	knotd_conf_t id = { .single = { .data = (const uint8_t *)tpl,
	                                .data_len = strlen(tpl) + 1 } };
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)"\x08""template",
	                              (const yp_name_t *)"\x0f""journal-content", &id);
	if (val.count == 0) {
		knotd_mod_log(mod, LOG_ERR, "'%s' is not part of knotd's configuration (no "
		              "template '%s'): knotd serves none of the zones of %s; add "
		              "'include: <its folder>/*.conf' to knot.conf", ctx->include, tpl,
		              ctx->config);
	}
}

/* Called by the NOTIFY thread. load holds the keeper's lock until it has asked for a
 * reload or not, so the answer waits for that; a reload asked for since load began
 * (by load, or by an older instance's watcher) brings a new instance at once. Never
 * blocks: unload joins the thread, and a watcher may hold the lock for a whole render. */
static int superseded(void *arg)
{
	const nsd_ctx_t *ctx = arg;
	if (pthread_mutex_trylock(&nsd_process.keeper_lock) != 0) {
		return -1;
	}
	bool later = nsd_process.keeper.n_reloads != ctx->reloads_at_load;
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	return later ? 1 : 0;
}

/* What the keeper's update of the include means for knotd. */
static void keeper_result(knotd_mod_t *mod, const nsd_ctx_t *ctx, enum keeper_result res,
                          uint64_t hash, uint64_t input)
{
	switch (res) {
	case KEEPER_WRITTEN:
		ask_reload(mod, ctx, hash, input);
		break;
	case KEEPER_UNCHANGED:
		knotd_mod_log(mod, LOG_INFO, "'%s' is in step with %s", ctx->include,
		              ctx->config);
		check_included(mod, ctx);
		break;
	default:
		break; /* logged; knotd keeps the configuration it has */
	}
}

static void nsd_ctx_free(nsd_ctx_t *ctx)
{
	if (ctx == NULL) {
		return;
	}
	free(ctx->config);
	free(ctx->include);
	free(ctx);
}

static int nsd_ctx_new(knotd_mod_t *mod, nsd_ctx_t **out)
{
	nsd_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		return KNOT_ENOMEM;
	}
	ctx->config = strdup(knotd_conf_mod(mod, MOD_CONFIG).single.string);
	ctx->include = strdup(knotd_conf_mod(mod, MOD_INCLUDE).single.string);
	if (ctx->config == NULL || ctx->include == NULL) {
		nsd_ctx_free(ctx);
		return KNOT_ENOMEM;
	}
	pthread_mutex_lock(&nsd_process.keeper_lock);
	ctx->reloads_at_load = nsd_process.keeper.n_reloads;
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	*out = ctx;
	return KNOT_EOK;
}

/*
 * One load, in order:
 *  1. the gate hooks into knotd, enforcing the last good nsd.conf's rules (if any),
 *     and the statistics count from the END stage;
 *  2. with 'watch: on', the watcher watches what the last instance read, so that an
 *     edit made during this reload is seen;
 *  3. under the keeper's lock (the watcher runs the keeper too): the self-NOTIFY key
 *     is read from knotd's configuration (or made); nsd.conf is parsed
 *     once and every part takes its share of the model: the gate compiles its rules,
 *     the NOTIFY thread starts, the watcher starts; then the keeper renders the Knot
 *     include and, when it changed, asks knotd to reload.
 * A part that fails logs and stays off; the others go on. load fails only without
 * memory for the module's context: for anything else, knotd would drop the module
 * silently (its own ACL from the include still applies) and nobody would know.
 */
static int nsd_load(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = NULL;
	int ret = nsd_ctx_new(mod, &ctx);
	if (ret != KNOT_EOK) {
		return ret;
	}
	knotd_mod_ctx_set(mod, ctx);

	(void)gate_hook_load(mod, &ctx->gate);
	(void)stats_hook_load(mod);
	if (knotd_conf_mod(mod, (const yp_name_t *)MOD_WATCH).single.boolean) {
		struct watch_opts wo = {
			.mod = mod,
			.config = ctx->config,
			.include = ctx->include,
		};
		(void)watch_prepare(&wo, &ctx->watch);
	}

	struct keeper_opts ko = {
		.config = ctx->config,
		.include = ctx->include,
		.log = keeper_log,
		.log_ctx = mod,
	};
	enum keeper_result res = KEEPER_BROKEN;
	uint64_t hash = 0, input = 0;
	pthread_mutex_lock(&nsd_process.keeper_lock);
	notify_self_prepare(mod, &nsd_process.keeper, &ctx->self);
	struct nsdconf_model *m = keeper_parse(&ko);
	if (ctx->gate != NULL) {
		(void)gate_hook_apply(ctx->gate, m);
	}
	if (m != NULL) {
		(void)notify_thread_start(mod, m, superseded, ctx, &ctx->notify);
	}
	(void)watch_start(ctx->watch, m);
	ctl_server_load(mod, m, ctx->config, ctx->include);
	if (m != NULL) {
		res = keeper_update(&ko, &nsd_process.keeper, m, &hash);
		/* read again only when a reload is to be asked for */
		input = res == KEEPER_WRITTEN ? keeper_input_hash(m) : 0;
	}
	keeper_result(mod, ctx, res, hash, input);
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	nsdconf_model_free(m);
	return KNOT_EOK;
}

/* The threads first: they log through mod and read ctx. */
static void nsd_unload(knotd_mod_t *mod)
{
	nsd_ctx_t *ctx = knotd_mod_ctx(mod);
	if (ctx == NULL) {
		return;
	}
	notify_thread_stop(ctx->notify);
	watch_stop(ctx->watch);
	ctl_server_unload(mod);
	gate_hook_unload(ctx->gate);
	notify_self_clear(&ctx->self);
	nsd_ctx_free(ctx);
}

KNOTD_MOD_API(nsd, KNOTD_MOD_FLAG_SCOPE_GLOBAL, nsd_load, nsd_unload, nsd_conf, nsd_conf_check);
