/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What nsd-control's commands do on knotd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <libknot/libknot.h>

#include "conf/file_replace.h"
#include "conf/model.h"
#include "ctl/ctl_out.h"
#include "mod/ctl_exec.h"
#include "mod/ctl_knotd.h"
#include "mod/ctl_view.h"
#include "mod/include_keeper.h"
#include "mod/process_state.h"

static void elog(struct ctl_exec *e, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void elog(struct ctl_exec *e, int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	e->log(e->log_ctx, prio, fmt, ap);
	va_end(ap);
}

/* --- the zones --- */

static size_t n_zones(void *ctx)
{
	struct ctl_exec *e = ctx;
	return e->view != NULL ? e->view->n_zones : 0;
}

static const struct ctl_zone *zone_at(void *ctx, size_t i)
{
	struct ctl_exec *e = ctx;
	return &e->view->zones[i].z;
}

static const struct ctl_zone *zone_find(void *ctx, const uint8_t *dname)
{
	struct ctl_exec *e = ctx;
	const struct ctl_view_zone *z = e->view != NULL ? ctl_view_find(e->view, dname) : NULL;
	return z != NULL ? &z->z : NULL;
}

static bool pattern_exists(void *ctx, const char *name)
{
	struct ctl_exec *e = ctx;
	return e->view != NULL && ctl_view_has_pattern(e->view, name);
}

static size_t n_keys(void *ctx)
{
	struct ctl_exec *e = ctx;
	return e->view != NULL ? e->view->n_keys : 0;
}

static const struct ctl_key *key_at(void *ctx, size_t i)
{
	struct ctl_exec *e = ctx;
	return &e->view->keys[i];
}

static int verbosity(void *ctx)
{
	struct ctl_exec *e = ctx;
	return e->verbosity;
}

/* NSD's verbosity sets how much NSD logs; knotd's logging is knot.conf's, so this is
 * remembered and answered only (doc/mod-nsd.md). */
static void set_verbosity(void *ctx, int v)
{
	struct ctl_exec *e = ctx;
	e->verbosity = v;
}

static long ratelimit(void *ctx)
{
	struct ctl_exec *e = ctx;
	return e->view != NULL ? e->view->ratelimit : 200;
}

static unsigned long pid(void *ctx)
{
	(void)ctx;
	return (unsigned long)getpid();
}

/* --- knotd's control socket --- */

/* Runs cmd on one zone or on all; NULL, or the text for "error <text>". */
static const char *knotd_zone_cmd(struct ctl_exec *e, const char *cmd, const char *flags,
                                  const struct ctl_zone *z)
{
	static __thread char err[512];
	if (e->knotd_socket == NULL) {
		return "knotd's control socket is not known";
	}
	if (ctl_knotd_call(e->knotd_socket, cmd, z != NULL ? z->name : NULL, flags, NULL,
	                   NULL, err, sizeof(err)) != 0) {
		/* all zones: knotd says so for a part of them; NSD answers ok regardless */
		if (strstr(err, "knotd control socket") == NULL &&
		    (z == NULL || strcmp(err, "operation not supported") == 0)) {
			elog(e, LOG_NOTICE, "remote control: knotd %s: %s", cmd, err);
			return NULL;
		}
		return err;
	}
	return NULL;
}

static const char *reload(void *ctx, const struct ctl_zone *z)
{
	return knotd_zone_cmd(ctx, "zone-reload", NULL, z);
}

static const char *write_zone(void *ctx, const struct ctl_zone *z)
{
	/* F: as NSD's write, even when knot.conf has zonefile-sync: -1 */
	return knotd_zone_cmd(ctx, "zone-flush", "F", z);
}

static const char *notify(void *ctx, const struct ctl_zone *z)
{
	return knotd_zone_cmd(ctx, "zone-notify", NULL, z);
}

static const char *transfer(void *ctx, const struct ctl_zone *z, bool force)
{
	return knotd_zone_cmd(ctx, force ? "zone-retransfer" : "zone-refresh", NULL, z);
}

static const char *log_reopen(void *ctx)
{
	(void)ctx;
	return NULL;  /* knotd's log targets need no reopening: syslog, journald, or files
	               * knotd reopens itself on reload */
}

static const char *stop(void *ctx)
{
	struct ctl_exec *e = ctx;
	e->stop_after = true;   /* once the answer is out (ctl_server.c) */
	return NULL;
}

static const char *unsupported(void *ctx, const char *cmd)
{
	(void)ctx;
	(void)cmd;
	return "not supported by knot-nsd: edit the keys or cookie secrets in nsd.conf, "
	       "then reconfig";
}

/* --- zonestatus --- */

/* knotd's relative time ("+6D23h59m58s", 3.4 "pending(+1s)"): seconds, or -1. */
static long parse_rel_time(const char *s)
{
	const char *p = strchr(s, '(');
	p = p != NULL ? p + 1 : s;
	if (*p != '+' && *p != '-') {
		return -1;
	}
	int sign = *p++ == '-' ? -1 : 1;
	long total = 0;
	while (*p >= '0' && *p <= '9') {
		long v = strtol(p, (char **)&p, 10);
		long unit;
		switch (*p++) {
		case 'Y': unit = 365L * 86400; break;
		case 'M': unit = 30L * 86400; break;
		case 'D': unit = 86400; break;
		case 'h': unit = 3600; break;
		case 'm': unit = 60; break;
		case 's': unit = 1; break;
		default: return -1;
		}
		total += v * unit;
	}
	return sign * total;
}

struct status_ctx {
	struct ctl_zone_status *st;
	bool have_serial;
};

static bool status_unit(void *ctx, knot_ctl_data_t *data)
{
	struct status_ctx *sc = ctx;
	const char *type = (*data)[KNOT_CTL_IDX_TYPE];
	const char *val = (*data)[KNOT_CTL_IDX_DATA];
	if (type == NULL || val == NULL) {
		return true;
	}
	if (strcmp(type, "serial") == 0 && strcmp(val, "-") != 0) {
		sc->st->served = true;
		sc->st->served_serial = (uint32_t)strtoul(val, NULL, 10);
		sc->have_serial = true;
	} else if (strcmp(type, "refresh") == 0) {
		if (strncmp(val, "running", 7) == 0) {
			sc->st->state = CTL_ZS_REFRESHING;
		} else {
			long t = parse_rel_time(val);
			sc->st->wait = t >= 0 ? t : (strncmp(val, "pending", 7) == 0 ? 0 : -1);
		}
	}
	return true;
}

/* When the served serial came: knotd writes the zone file after a transfer (and keeps
 * no time of its own), so its modification time; else unknown (printed as 1970). */
static time_t zone_file_time(const struct ctl_view_zone *vz)
{
	struct stat st;
	if (vz->zonefile != NULL && stat(vz->zonefile, &st) == 0) {
		return st.st_mtime;
	}
	return 0;
}

static int zone_status(void *ctx, const struct ctl_zone *z, struct ctl_zone_status *st,
                       char *err, size_t errlen)
{
	struct ctl_exec *e = ctx;
	if (e->knotd_socket == NULL) {
		snprintf(err, errlen, "knotd's control socket is not known");
		return -1;
	}
	st->state = CTL_ZS_OK;
	struct status_ctx sc = { .st = st };
	if (ctl_knotd_call(e->knotd_socket, "zone-status", z->name, NULL, status_unit, &sc,
	                   err, errlen) != 0) {
		return -1;
	}
	if (!sc.have_serial && st->state == CTL_ZS_OK) {
		/* nothing served: never transferred yet, or expired (knotd empties it) */
		st->state = CTL_ZS_REFRESHING;
	}
	const struct ctl_view_zone *vz = (const struct ctl_view_zone *)z;
	st->served_since = zone_file_time(vz);
	return 0;
}

/* --- the zone list --- */

static bool add_zone(void *ctx, const uint8_t *dname, const char *name, const char *pattern)
{
	struct ctl_exec *e = ctx;
	if (e->view == NULL || !ctl_view_add(e->view, dname, name, pattern)) {
		return false;
	}
	e->dirty = true;
	return true;
}

static bool del_zone(void *ctx, const uint8_t *dname)
{
	struct ctl_exec *e = ctx;
	if (e->view == NULL) {
		return false;
	}
	ctl_view_del(e->view, dname);
	e->dirty = true;
	return true;
}

/* The keeper's log lines, into knotd's log. */
static void keeper_log(void *ctx, int prio, const char *fmt, ...)
{
	struct ctl_exec *e = ctx;
	va_list ap;
	va_start(ap, fmt);
	e->log(e->log_ctx, prio, fmt, ap);
	va_end(ap);
}

/* As 'knotc reload' with mod-nsd: the include rendered from nsd.conf (and the
 * zonelistfile), then knotd reloads, which brings a new instance of the module with the
 * gate and NOTIFY sender for the new zones. An operator's command, so the reload-loop
 * guard does not apply. NULL, or why not. */
static const char *rerender_and_reload(struct ctl_exec *e, struct ctl_out *o)
{
	if (e->config == NULL || e->include == NULL) {
		return "the module's paths are not known";
	}
	struct keeper_opts ko = {
		.config = e->config,
		.include = e->include,
		.log = keeper_log,
		.log_ctx = e,
	};
	pthread_mutex_lock(&nsd_process.keeper_lock);
	struct nsdconf_model *m = keeper_parse(&ko);
	enum keeper_result res = KEEPER_BROKEN;
	uint64_t hash = 0;
	if (m != NULL) {
		struct ctl_view *v = ctl_view_new(m);
		if (v != NULL) {
			ctl_exec_set_view(e, v);
		}
		res = keeper_update(&ko, &nsd_process.keeper, m, &hash);
	}
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	nsdconf_model_free(m);
	if (res == KEEPER_BROKEN) {
		if (o != NULL) {
			ctl_out_printf(o, "error %s has errors, see knotd's log\n", e->config);
		}
		return "";
	}
	if (res == KEEPER_FAILED) {
		return "could not write the Knot include, see knotd's log";
	}
	kill(getpid(), SIGHUP);
	return NULL;
}

static void reconfig(void *ctx, struct ctl_out *o)
{
	struct ctl_exec *e = ctx;
	ctl_out_printf(o, "reconfig start, read %s\n", e->config != NULL ? e->config : "");
	const char *err = rerender_and_reload(e, o);
	if (err == NULL) {
		ctl_out_printf(o, "ok\n");
	} else if (err[0] != '\0') {
		ctl_out_printf(o, "error %s\n", err);
	}
}

static const char *commit(void *ctx)
{
	struct ctl_exec *e = ctx;
	if (!e->dirty) {
		return NULL;
	}
	e->dirty = false;
	if (e->view == NULL || e->view->zonelistfile == NULL) {
		return "no zonelistfile configured";
	}
	struct ctl_out text = { 0 };
	ctl_view_zonelist_text(e->view, &text);
	if (text.failed) {
		ctl_out_free(&text);
		return "out of memory";
	}
	char failed[4200];
	int dir_err = 0;
	int err = nsdconf_file_replace(e->view->zonelistfile, text.data, text.len, 0644,
	                               failed, sizeof(failed), &dir_err);
	ctl_out_free(&text);
	if (err != 0) {
		elog(e, LOG_ERR, "remote control: cannot write '%s' (%s)", failed, strerror(err));
		return "could not add zonelist entry";
	}
	const char *r = rerender_and_reload(e, NULL);
	return r != NULL && r[0] == '\0' ? "nsd.conf has errors, see knotd's log" : r;
}

/* --- set-up --- */

void ctl_exec_init(struct ctl_exec *e, ctl_exec_log_t log, void *log_ctx)
{
	memset(e, 0, sizeof(*e));
	e->log = log;
	e->log_ctx = log_ctx;
	e->verbosity = -1;
	e->ops = (struct ctl_ops){
		.ctx = e,
		.version = "",
		.n_zones = n_zones,
		.zone_at = zone_at,
		.zone_find = zone_find,
		.pattern_exists = pattern_exists,
		.n_keys = n_keys,
		.key_at = key_at,
		.verbosity = verbosity,
		.set_verbosity = set_verbosity,
		.ratelimit = ratelimit,
		.stop = stop,
		.reload = reload,
		.write = write_zone,
		.notify = notify,
		.transfer = transfer,
		.log_reopen = log_reopen,
		.reconfig = reconfig,
		.zone_status = zone_status,
		.add_zone = add_zone,
		.del_zone = del_zone,
		.commit = commit,
		.pid = pid,
		.unsupported = unsupported,
	};
}

void ctl_exec_deinit(struct ctl_exec *e)
{
	ctl_view_free(e->view);
	free(e->knotd_socket);
	free(e->config);
	free(e->include);
	memset(e, 0, sizeof(*e));
}

void ctl_exec_set_view(struct ctl_exec *e, struct ctl_view *v)
{
	ctl_view_free(e->view);
	e->view = v;
	e->ops.version = v->version;
	e->ops.release = v->release;
	if (e->verbosity < 0) {
		e->verbosity = (int)v->verbosity;
	}
}

void ctl_exec_set_paths(struct ctl_exec *e, char *knotd_socket, char *config, char *include)
{
	if (knotd_socket != NULL) {
		free(e->knotd_socket);
		e->knotd_socket = knotd_socket;
	}
	if (config != NULL) {
		free(e->config);
		e->config = config;
	}
	if (include != NULL) {
		free(e->include);
		e->include = include;
	}
}

const struct ctl_ops *ctl_exec_ops(struct ctl_exec *e)
{
	return &e->ops;
}
