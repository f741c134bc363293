/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd over time: glue between load/unload, the keeper's parse, the NOTIFY thread, the watcher. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "mod/live.h"
#include "mod/notify_thread.h"
#include "mod/watch.h"

#define MOD_WATCH	"\x05""watch"
#define C_SERVER	"\x06""server"
#define C_LISTEN	"\x06""listen"

struct live {
	knotd_mod_t *mod;
	keeper_model_t prev_model;   /* whoever hooked ko before us (the gate) */
	void *prev_ctx;
	struct sockaddr_storage knotd;
	pthread_mutex_t *keeper_lock;
	struct keeper_state *keeper_state;
	unsigned reloads_at_load;    /* reloads the keeper had asked for when load began */
	struct notify_thread *notify;
	struct watch *watch;
};

/* Where the module can ask knotd for a zone's SOA: its first listen address, the
 * loopback address of the family for a wildcard one. Read in load: later the module
 * sees knotd's configuration only under RCU. */
static void knotd_address(knotd_mod_t *mod, struct sockaddr_storage *out)
{
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)C_SERVER,
	                              (const yp_name_t *)C_LISTEN, NULL);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < val.count; i++) {
		const struct sockaddr_storage *a = &val.multi[i].addr;
		if (a->ss_family == AF_INET) {
			*out = *a;
			struct sockaddr_in *s4 = (struct sockaddr_in *)out;
			if (s4->sin_addr.s_addr == htonl(INADDR_ANY))
				s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			break;   /* IPv4 preferred: the usual loopback setup */
		}
		if (a->ss_family == AF_INET6 && out->ss_family == 0) {
			*out = *a;
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
			if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
				s6->sin6_addr = in6addr_loopback;
		}
	}
	knotd_conf_free(&val);
	if (out->ss_family == 0)
		knotd_mod_log(mod, LOG_NOTICE, "knotd listens on no IP address; NOTIFYs sent by "
		              "the module carry no SOA");
}

/* Called by the NOTIFY thread. load holds the keeper's lock until it has asked for a
 * reload or not, so the answer waits for that; a reload asked for since load began
 * (by load, or by an older instance's watcher) brings a new instance at once. Never
 * blocks: unload joins the thread, and a watcher may hold the lock for a whole render. */
static int superseded(void *ctx)
{
	struct live *l = ctx;
	if (pthread_mutex_trylock(l->keeper_lock) != 0)
		return -1;
	bool later = l->keeper_state->n_reloads != l->reloads_at_load;
	pthread_mutex_unlock(l->keeper_lock);
	return later ? 1 : 0;
}

static void on_model(void *ctx, const struct nsdconf_model *m)
{
	struct live *l = ctx;

	if (l->prev_model != NULL)
		l->prev_model(l->prev_ctx, m);
	if (m != NULL && l->notify == NULL)
		l->notify = notify_thread_start(l->mod, m, &l->knotd, superseded, l);
	watch_start(l->watch, m);
}

struct live *live_load(knotd_mod_t *mod, struct keeper_opts *ko, pthread_mutex_t *keeper_lock,
                       struct keeper_state *keeper_state)
{
	struct live *l = calloc(1, sizeof(*l));
	if (l == NULL) {
		knotd_mod_log(mod, LOG_ERR, "no NOTIFY sender and no watch (out of memory)");
		return NULL;
	}
	l->mod = mod;
	l->keeper_lock = keeper_lock;
	l->keeper_state = keeper_state;
	pthread_mutex_lock(keeper_lock);
	l->reloads_at_load = keeper_state->n_reloads;
	pthread_mutex_unlock(keeper_lock);
	knotd_address(mod, &l->knotd);
	if (knotd_conf_mod(mod, (const yp_name_t *)MOD_WATCH).single.boolean) {
		struct watch_opts wo = {
			.mod = mod,
			.config = ko->config,
			.include = ko->include,
			.keeper_lock = keeper_lock,
			.keeper_state = keeper_state,
		};
		l->watch = watch_prepare(&wo);
	}
	l->prev_model = ko->model;
	l->prev_ctx = ko->model_ctx;
	ko->model = on_model;
	ko->model_ctx = l;
	return l;
}

void live_unload(struct live *l)
{
	if (l == NULL)
		return;
	notify_thread_stop(l->notify);
	watch_stop(l->watch);
	free(l);
}
