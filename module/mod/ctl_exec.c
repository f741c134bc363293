/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What nsd-control's commands do on knotd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <libknot/libknot.h>
#include <libzscanner/scanner.h>

#include "conf/file_replace.h"
#include "conf/model.h"
#include "conf/zonelist.h"
#include "ctl/ctl_out.h"
#include "mod/ctl_exec.h"
#include "mod/ctl_knotd.h"
#include "mod/ctl_view.h"
#include "mod/include_keeper.h"
#include "mod/notify_self.h"
#include "mod/notify_status.h"
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
	size_t n;
	const struct ctl_zone *const *merged;
	/* zonestatus of all zones: the consumed catalog's members among them */
	if (ctl_exec_merged(e, &n, &merged)) {
		return n;
	}
	/* every zone in order: what the command added or deleted so far merged in */
	return e->view != NULL && ctl_view_settle(e->view) ? e->view->n_zones : 0;
}

static const struct ctl_zone *zone_at(void *ctx, size_t i)
{
	struct ctl_exec *e = ctx;
	size_t n;
	const struct ctl_zone *const *merged;
	if (ctl_exec_merged(e, &n, &merged)) {
		return merged[i];
	}
	return &e->view->zones[i].z;
}

static const struct ctl_zone *zone_find(void *ctx, const uint8_t *dname)
{
	struct ctl_exec *e = ctx;
	const struct ctl_view_zone *z = e->view != NULL ? ctl_view_find(e->view, dname) : NULL;
	if (z == NULL && e->view != NULL && e->view->consumer != NULL) {
		return ctl_exec_member_find(e, dname);   /* NULL but for a consumed member */
	}
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
		/* all zones: knotd says so for a part of them; a zone just added is not
		 * loaded until knotd's reload; NSD answers ok regardless */
		if (strstr(err, "knotd control socket") == NULL &&
		    (z == NULL || strcmp(err, "operation not supported") == 0 ||
		     strcmp(err, "no such zone found") == 0)) {
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

/* NSD's round from the module's sender (notify_thread.c), not knotd's TCP NOTIFY. */
static const char *notify(void *ctx, const struct ctl_zone *z)
{
	(void)ctx;
	knot_dname_storage_t name;
	if (z != NULL && knot_dname_from_str(name, z->name, sizeof(name)) == NULL) {
		return "zone name";
	}
	int ret = notify_self_queue(z != NULL ? name : NULL, NULL, NOTIFY_CHANGE_CONTROL);
	return ret == KNOT_EOK ? NULL : knot_strerror(ret);
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

static bool status_apply(struct status_ctx *sc, knot_ctl_data_t *data);

static bool status_unit(void *ctx, knot_ctl_data_t *data)
{
	return status_apply(ctx, data);
}

static bool status_apply(struct status_ctx *sc, knot_ctl_data_t *data)
{
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

/* zone-status of every zone in one call: the units come zone by zone, in knotd's
 * order; kept sorted for lookups. */
static bool all_unit(void *ctx, knot_ctl_data_t *data)
{
	struct ctl_exec *e = ctx;
	const char *zone = (*data)[KNOT_CTL_IDX_ZONE];
	knot_dname_storage_t dn;
	if (zone == NULL || knot_dname_from_str(dn, zone, sizeof(dn)) == NULL) {
		return true;
	}
	knot_dname_to_lower(dn);
	struct status_all *last = e->n_all > 0 ? &e->all[e->n_all - 1] : NULL;
	if (last == NULL || !knot_dname_is_equal(last->dname, dn)) {
		if (!ctl_grow((void **)&e->all, e->n_all, &e->cap_all, sizeof(*e->all), 256)) {
			return false;
		}
		last = &e->all[e->n_all];
		*last = (struct status_all){ .st = { .state = CTL_ZS_OK, .wait = -1 } };
		last->dname = knot_dname_copy(dn, NULL);
		if (last->dname == NULL) {
			return false;
		}
		e->n_all++;
	}
	struct status_ctx sc = { .st = &last->st, .have_serial = last->have_serial };
	(void)status_apply(&sc, data);
	last->have_serial = sc.have_serial;
	return true;
}

static int cmp_all(const void *a, const void *b)
{
	return knot_dname_cmp(((const struct status_all *)a)->dname,
	                      ((const struct status_all *)b)->dname);
}

static const struct status_all *all_find(const struct ctl_exec *e, const uint8_t *dname)
{
	struct status_all key = { .dname = (uint8_t *)dname };
	return bsearch(&key, e->all, e->n_all, sizeof(key), cmp_all);
}

static void zone_status_all_end(void *ctx)
{
	struct ctl_exec *e = ctx;
	ctl_exec_members_unmerge(e);
	ctl_exec_catalogs_hold(e, false);
	for (size_t i = 0; i < e->n_all; i++) {
		free(e->all[i].dname);
	}
	free(e->all);
	e->all = NULL;
	e->n_all = e->cap_all = 0;
	e->all_valid = false;
}

static void zone_status_all_begin(void *ctx)
{
	struct ctl_exec *e = ctx;
	char err[256];
	zone_status_all_end(e);
	if (e->knotd_socket == NULL ||
	    ctl_knotd_call(e->knotd_socket, "zone-status", NULL, NULL, all_unit, e, err,
	                   sizeof(err)) != 0) {
		zone_status_all_end(e);   /* zone by zone then, each with its error */
		return;
	}
	qsort(e->all, e->n_all, sizeof(*e->all), cmp_all);
	e->all_valid = true;
	if (e->view != NULL && ctl_view_settle(e->view)) {
		ctl_exec_catalogs_hold(e, true);
		ctl_exec_members_merge(e);
	}
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

/* The serial of the zone file knotd wrote (its SOA comes first): what an expired zone
 * last served. false: no file, or no SOA among its first records. */
static bool zone_file_serial(const struct ctl_view_zone *vz, uint32_t *serial)
{
	zs_scanner_t sc;
	if (vz->zonefile == NULL || zs_init(&sc, vz->z.name, KNOT_CLASS_IN, 3600) != 0) {
		return false;
	}
	bool found = false;
	if (zs_set_input_file(&sc, vz->zonefile) == 0) {
		for (int n = 0; n < 16 && !found && zs_parse_record(&sc) == 0 &&
		                sc.state == ZS_STATE_DATA; n++) {
			if (sc.r_type != KNOT_RRTYPE_SOA) {
				continue;
			}
			/* MNAME, RNAME, then the serial */
			size_t off = knot_dname_size(sc.r_data);
			off += knot_dname_size(sc.r_data + off);
			if (off + 4 <= sc.r_data_length) {
				*serial = knot_wire_read_u32(sc.r_data + off);
				found = true;
			}
		}
	}
	zs_deinit(&sc);
	return found;
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
	const struct ctl_view_zone *vz0 = (const struct ctl_view_zone *)z;
	if (e->all_valid) {
		/* zonestatus of every zone: knotd was asked once */
		const struct status_all *a = all_find(e, vz0->dname);
		if (a != NULL) {
			*st = a->st;
			sc.have_serial = a->have_serial;
		}
	} else if (ctl_knotd_call(e->knotd_socket, "zone-status", z->name, NULL, status_unit,
	                          &sc, err, errlen) != 0) {
		return -1;
	}
	const struct ctl_view_zone *vz = (const struct ctl_view_zone *)z;
	st->served_since = zone_file_time(vz);
	if (!sc.have_serial) {
		/* nothing served: never transferred yet (NSD: refreshing), or expired: knotd
		 * drops the contents and keeps the zone file it wrote (NSD: expired, also
		 * while it tries the primaries again) */
		st->state = st->served_since != 0 ? CTL_ZS_EXPIRED : CTL_ZS_REFRESHING;
		/* NSD shows the serial an expired zone last had */
		st->served = st->state == CTL_ZS_EXPIRED && zone_file_serial(vz, &st->served_serial);
	}
	return 0;
}

/* --- the zone list --- */

static void jop_free(struct ctl_jop *op)
{
	free(op->dname);
	free(op->name);
	free(op->pattern);
	free(op->member);
}

/* The member id NSD gives a zone added with a catalog-producer-zone pattern: eight hex
 * digits of a random number. knotd's catalog names the member by its own id (a hash of
 * the name); this one is what NSD would find in the zonelistfile. */
static char *member_id_new(void)
{
	uint32_t r = 0;
	char *id = malloc(9);
	if (id == NULL) {
		return NULL;
	}
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		r = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	}
	snprintf(id, 9, "%08x", r);
	return id;
}

/* A zone change is made in the view at once (the next command, or the next addzones
 * line, sees it) and kept in the journal until commit applies the journal to the
 * zonelistfile as it is on disk then. A view a load publishes later is from a parse
 * that may predate uncommitted changes: they are replayed onto it. */
static bool journal_push(struct ctl_exec *e, bool add, const uint8_t *dname,
                         const char *name, const char *pattern)
{
	if (!ctl_grow((void **)&e->jops, e->n_jops, &e->cap_jops, sizeof(*e->jops), 16)) {
		return false;
	}
	struct ctl_jop *op = &e->jops[e->n_jops];
	op->add = add;
	op->dname = knot_dname_copy(dname, NULL);
	op->name = strdup(name != NULL ? name : "");
	op->pattern = strdup(pattern != NULL ? pattern : "");
	bool member = add && e->view != NULL && ctl_view_pattern_is_member(e->view, op->pattern);
	op->member = member ? member_id_new() : NULL;
	if (op->dname == NULL || op->name == NULL || op->pattern == NULL ||
	    (member && op->member == NULL)) {
		jop_free(op);
		return false;
	}
	knot_dname_to_lower(op->dname);
	e->n_jops++;
	return true;
}

static void journal_clear(struct ctl_exec *e)
{
	for (size_t i = 0; i < e->n_jops; i++) {
		jop_free(&e->jops[i]);
	}
	e->n_jops = 0;
}

static void journal_replay(struct ctl_exec *e, struct ctl_view *v)
{
	for (size_t i = 0; i < e->n_jops; i++) {
		const struct ctl_jop *op = &e->jops[i];
		if (op->add) {
			(void)ctl_view_add(v, op->dname, op->name, op->pattern);
		} else {
			ctl_view_del(v, op->dname);
		}
	}
}

static bool add_zone(void *ctx, const uint8_t *dname, const char *name, const char *pattern)
{
	struct ctl_exec *e = ctx;
	if (e->view == NULL || !journal_push(e, true, dname, name, pattern)) {
		return false;
	}
	if (!ctl_view_add(e->view, dname, name, pattern)) {
		jop_free(&e->jops[e->n_jops - 1]);
		e->n_jops--;
		return false;
	}
	return true;
}

static bool del_zone(void *ctx, const uint8_t *dname)
{
	struct ctl_exec *e = ctx;
	if (e->view == NULL || !journal_push(e, false, dname, NULL, NULL)) {
		return false;
	}
	ctl_view_del(e->view, dname);
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

/* As 'knotc reload' with mod-nsd, keeper_lock held: the include rendered from nsd.conf
 * (and the zonelistfile), and the view from the same parse. */
static enum keeper_result rerender_locked(struct ctl_exec *e)
{
	struct keeper_opts ko = {
		.config = e->config,
		.include = e->include,
		.log = keeper_log,
		.log_ctx = e,
	};
	struct nsdconf_model *m = keeper_parse(&ko);
	enum keeper_result res = KEEPER_BROKEN;
	uint64_t hash = 0;
	if (m != NULL) {
		struct ctl_view *v = ctl_view_new(m);
		if (v != NULL) {
			v->stamp = nsd_process.ctl_zonelist_writes;
			ctl_exec_set_view(e, v);
		}
		res = keeper_update(&ko, &nsd_process.keeper, m, &hash);
	}
	nsdconf_model_free(m);
	return res;
}

/* Then knotd reloads, which brings a new instance of the module with the gate and the
 * NOTIFY sender for the new zones. An operator's command, so the reload-loop guard does
 * not apply. NULL, "" (nsd.conf broken, logged), or why not. */
static const char *reload_for(struct ctl_exec *e, enum keeper_result res)
{
	(void)e;
	if (res == KEEPER_BROKEN) {
		return "";
	}
	if (res == KEEPER_FAILED) {
		return "could not write the Knot include, see knotd's log";
	}
	kill(getpid(), SIGHUP);
	return NULL;
}

static const char *rerender_and_reload(struct ctl_exec *e, struct ctl_out *o)
{
	if (e->config == NULL || e->include == NULL) {
		return "the module's paths are not known";
	}
	pthread_mutex_lock(&nsd_process.keeper_lock);
	enum keeper_result res = rerender_locked(e);
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	const char *err = reload_for(e, res);
	if (err != NULL && err[0] == '\0' && o != NULL) {
		ctl_out_printf(o, "error %s has errors, see knotd's log\n", e->config);
	}
	return err;
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

struct file_zones {
	struct ctl_jop *z;     /* add entries of the file, then the journal's */
	size_t n, cap;
	bool oom;
};

static bool file_zones_add(struct file_zones *f, const char *name, const char *pattern,
                           const char *member)
{
	knot_dname_storage_t dn;
	if (!ctl_grow((void **)&f->z, f->n, &f->cap, sizeof(*f->z), 64)) {
		f->oom = true;
		return false;
	}
	struct ctl_jop *e = &f->z[f->n];
	/* a name NSD could not read stays as written; it matches no journal entry */
	e->dname = knot_dname_from_str(dn, name, sizeof(dn)) != NULL ?
	           knot_dname_copy(dn, NULL) : NULL;
	e->name = strdup(name);
	e->pattern = strdup(pattern);
	e->member = member != NULL ? strdup(member) : NULL;
	if (e->name == NULL || e->pattern == NULL || (member != NULL && e->member == NULL)) {
		jop_free(e);
		f->oom = true;
		return false;
	}
	if (e->dname != NULL) {
		knot_dname_to_lower(e->dname);
	}
	e->add = true;
	f->n++;
	return true;
}

static int file_zone_cb(void *ctx, const char *zone, const char *pattern,
                        const char *member_id, int line)
{
	(void)line;
	return file_zones_add(ctx, zone, pattern, member_id) ? 0 : 1;
}

/* A live line as NSD writes it: "add <zone> <pattern>", or "cat <zone> <pattern> <id>"
 * for a catalog producer's member. */
static void zonelist_line(struct ctl_out *text, const char *name, const char *pattern,
                          const char *member)
{
	if (member != NULL) {
		ctl_out_printf(text, "cat %s %s %s\n", name, pattern, member);
	} else {
		ctl_out_printf(text, "add %s %s\n", name, pattern);
	}
}

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

/* What the journal does to one zone, all its changes taken together. */
struct jfinal {
	const struct ctl_jop *last;  /* the last change: add (with its pattern) or del */
	bool had_del;                /* a del before it: an add then replaces the line */
	bool used;                   /* matched a line of the file */
};

static int cmp_jop_ptr(const void *a, const void *b)
{
	const struct ctl_jop *x = *(const struct ctl_jop *const *)a;
	const struct ctl_jop *y = *(const struct ctl_jop *const *)b;
	int c = knot_dname_cmp(x->dname, y->dname);
	return c != 0 ? c : (x < y ? -1 : x > y);   /* journal order within a zone */
}

static int cmp_jfinal(const void *a, const void *b)
{
	return knot_dname_cmp(((const struct jfinal *)a)->last->dname,
	                      ((const struct jfinal *)b)->last->dname);
}

/* The journal folded per zone, sorted by name: n log n for any number of lines. */
static struct jfinal *journal_fold(const struct ctl_exec *e, size_t *n_out)
{
	const struct ctl_jop **ops = malloc((e->n_jops + 1) * sizeof(*ops));
	struct jfinal *f = calloc(e->n_jops + 1, sizeof(*f));
	if (ops == NULL || f == NULL) {
		free(ops);
		free(f);
		return NULL;
	}
	for (size_t i = 0; i < e->n_jops; i++) {
		ops[i] = &e->jops[i];
	}
	qsort(ops, e->n_jops, sizeof(*ops), cmp_jop_ptr);
	size_t n = 0;
	for (size_t i = 0; i < e->n_jops; i++) {
		if (n == 0 || !knot_dname_is_equal(f[n - 1].last->dname, ops[i]->dname)) {
			f[n++] = (struct jfinal){ .last = ops[i] };
		} else {
			f[n - 1].had_del |= !f[n - 1].last->add;
			f[n - 1].last = ops[i];
		}
	}
	free(ops);
	*n_out = n;
	return f;
}

static struct jfinal *jfinal_find(struct jfinal *f, size_t n, const uint8_t *dname)
{
	struct ctl_jop key_op = { .dname = (uint8_t *)dname };
	struct jfinal key = { .last = &key_op };
	return bsearch(&key, f, n, sizeof(key), cmp_jfinal);
}

/* The zonelistfile now on disk with the journal applied, as text (NSD's format,
 * compacted: live lines in file order, new zones after them). 0, or an errno. */
static int zonelist_text(struct ctl_exec *e, const char *path, struct ctl_out *text)
{
	struct file_zones f = { 0 };
	struct nsdconf_diag diag = { .sink = quiet };
	int ret = nsdconf_zonelist_read(path, file_zone_cb, &f, &diag);
	int err = ret < 0 ? EIO : (f.oom ? ENOMEM : 0);
	size_t nj = 0;
	struct jfinal *j = err == 0 ? journal_fold(e, &nj) : NULL;
	if (err == 0 && j == NULL) {
		err = ENOMEM;
	}
	ctl_out_printf(text, "# NSD zone list\n# name pattern\n");
	for (size_t i = 0; err == 0 && i < f.n; i++) {
		struct jfinal *op = f.z[i].dname != NULL ? jfinal_find(j, nj, f.z[i].dname) : NULL;
		if (op == NULL) {
			zonelist_line(text, f.z[i].name, f.z[i].pattern, f.z[i].member);
			continue;
		}
		if (op->used || !op->last->add) {
			continue;   /* deleted (or a second line of the same zone) */
		}
		op->used = true;
		/* changezone: the new pattern; an add of a zone there already: unchanged */
		if (op->had_del) {
			zonelist_line(text, op->last->name, op->last->pattern, op->last->member);
		} else {
			zonelist_line(text, f.z[i].name, f.z[i].pattern, f.z[i].member);
		}
	}
	for (size_t i = 0; err == 0 && i < nj; i++) {
		if (j[i].last->add && !j[i].used) {
			zonelist_line(text, j[i].last->name, j[i].last->pattern, j[i].last->member);
		}
	}
	for (size_t i = 0; i < f.n; i++) {
		jop_free(&f.z[i]);
	}
	free(f.z);
	free(j);
	return err != 0 ? err : (text->failed ? ENOMEM : 0);
}

/* Applies the journal to the zonelistfile, under keeper_lock so that a load reads the
 * file before or after, never between; the view then comes from a parse of the new
 * file (or of the old one, when the write failed: the view says what the file says). */
static const char *commit(void *ctx)
{
	struct ctl_exec *e = ctx;
	if (e->n_jops == 0) {
		return NULL;
	}
	if (e->view == NULL || e->view->zonelistfile == NULL || e->config == NULL ||
	    e->include == NULL) {
		journal_clear(e);
		return "no zonelistfile configured";
	}
	char *path = strdup(e->view->zonelistfile);
	if (path == NULL) {
		journal_clear(e);
		return "out of memory";
	}
	pthread_mutex_lock(&nsd_process.keeper_lock);
	struct ctl_out text = { 0 };
	char failed[4200];
	int dir_err = 0;
	int err = zonelist_text(e, path, &text);
	if (err == 0) {
		err = nsdconf_file_replace(path, text.data, text.len, 0644, failed,
		                           sizeof(failed), &dir_err);
	} else {
		snprintf(failed, sizeof(failed), "%s", path);
	}
	if (err == 0) {
		nsd_process.ctl_zonelist_writes++;
	}
	journal_clear(e);
	enum keeper_result res = rerender_locked(e);
	pthread_mutex_unlock(&nsd_process.keeper_lock);
	ctl_out_free(&text);
	free(path);
	if (err != 0) {
		elog(e, LOG_ERR, "remote control: cannot write '%s' (%s)", failed, strerror(err));
		return "could not add zonelist entry";
	}
	const char *r = reload_for(e, res);
	return r != NULL && r[0] == '\0' ? "nsd.conf has errors, see knotd's log" : r;
}

/* The zones the command layer gets are the view's (zone_at, zone_find). */
static bool notify_status(void *ctx, const struct ctl_zone *z, char *buf, size_t len)
{
	(void)ctx;
	const struct ctl_view_zone *vz = (const struct ctl_view_zone *)z;
	return notify_status_get(vz->dname, buf, len);
}

static int stats(void *ctx, bool reset, struct ctl_stats_report *r, char *err, size_t errlen)
{
	return ctl_exec_stats(ctx, reset, r, err, errlen);
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
		.notify_status = notify_status,
		.stats = stats,
		.zone_status_all_begin = zone_status_all_begin,
		.catalog_status = ctl_exec_catalog_status,
		.zone_status_all_end = zone_status_all_end,
		.add_zone = add_zone,
		.del_zone = del_zone,
		.commit = commit,
		.pid = pid,
		.unsupported = unsupported,
	};
}

void ctl_exec_deinit(struct ctl_exec *e)
{
	zone_status_all_end(e);
	journal_clear(e);
	ctl_exec_stats_free(e);
	ctl_exec_catalogs_free(e);
	free(e->jops);
	ctl_view_free(e->view);
	free(e->knotd_socket);
	free(e->config);
	free(e->include);
	memset(e, 0, sizeof(*e));
}

void ctl_exec_set_view(struct ctl_exec *e, struct ctl_view *v)
{
	if (e->view != NULL && v->stamp < e->view->stamp) {
		/* parsed before this thread's last zonelistfile write */
		ctl_view_free(v);
		return;
	}
	ctl_view_free(e->view);
	/* what was read of the catalogs was matched to the old view (never in a command) */
	ctl_exec_catalogs_free(e);
	journal_replay(e, v);
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
