/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of nsd-control with NSD's arguments and answers (NSD 4.6.1 and 4.12.0
 * remote.c; doc/studies/control-answers.md has every text and where it was seen). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libknot/libknot.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

/* 4.9 renamed slave to secondary and master to primary in these texts */
static const char *word_secondary(const struct ctl_ops *ops)
{
	return ops->release >= 490 ? "secondary" : "slave";
}

static const char *word_primary(const struct ctl_ops *ops)
{
	return ops->release >= 490 ? "primary" : "master";
}

static void ok(struct ctl_out *o)
{
	ctl_out_printf(o, "ok\n");
}

/* NSD's get_zone_arg: the whole argument is one name (blanks included); false after
 * the error answer. *z NULL with an empty argument: every zone. */
static bool zone_arg(const struct ctl_ops *ops, const char *arg, const struct ctl_zone **z,
                     struct ctl_out *o)
{
	*z = NULL;
	if (arg[0] == '\0') {
		return true;
	}
	knot_dname_storage_t dn;
	if (knot_dname_from_str(dn, arg, sizeof(dn)) == NULL) {
		ctl_out_printf(o, "error cannot parse zone name '%s'\n", arg);
		return false;
	}
	knot_dname_to_lower(dn);
	*z = ops->zone_find(ops->ctx, dn);
	if (*z == NULL) {
		ctl_out_printf(o, "error zone %s not configured\n", arg);
		return false;
	}
	return true;
}

static void answer(const char *err, struct ctl_out *o)
{
	if (err != NULL) {
		ctl_out_printf(o, "error %s\n", err);
	} else {
		ok(o);
	}
}

typedef const char *(*zone_action)(void *ctx, const struct ctl_zone *z);

/* reload, write, notify: "ok" with or without a zone */
static void do_zone_action(const struct ctl_ops *ops, char *arg, zone_action act,
                           struct ctl_out *o)
{
	const struct ctl_zone *z;
	if (zone_arg(ops, arg, &z, o)) {
		answer(act(ops->ctx, z), o);
	}
}

static void do_transfer(const struct ctl_ops *ops, char *arg, bool force, struct ctl_out *o)
{
	const struct ctl_zone *z;
	if (!zone_arg(ops, arg, &z, o)) {
		return;
	}
	if (z != NULL && !z->secondary) {
		ctl_out_printf(o, "error zone not %s\n", word_secondary(ops));
		return;
	}
	const char *err = ops->transfer(ops->ctx, z, force);
	if (err != NULL || z != NULL) {
		answer(err, o);
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < ops->n_zones(ops->ctx); i++) {
		n += ops->zone_at(ops->ctx, i)->secondary;
	}
	ctl_out_printf(o, "ok, %zu zones\n", n);
}

static void print_time(struct ctl_out *o, time_t t)
{
	struct tm tm;
	char buf[64];
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		ctl_out_printf(o, "strftime-err-%lld", (long long)t);
		return;
	}
	ctl_out_printf(o, "%s", buf);
}

static void print_serial(struct ctl_out *o, const char *what, const struct ctl_zone_status *st)
{
	if (!st->served) {
		ctl_out_printf(o, "\t%s: none\n", what);
		return;
	}
	ctl_out_printf(o, "\t%s: \"%u since ", what, st->served_serial);
	print_time(o, st->served_since);
	ctl_out_printf(o, "\"\n");
}

static void zone_status(const struct ctl_ops *ops, const struct ctl_zone *z,
                        struct ctl_out *o)
{
	ctl_out_printf(o, "zone:\t%s\n", z->name);
	if (z->from_zonelist) {
		ctl_out_printf(o, "\tpattern: %s\n", z->pattern);
	}
	struct ctl_catalog_status cs = { 0 };
	bool have_cs = ops->catalog_status != NULL && ops->catalog_status(ops->ctx, z, &cs);
	if (z->catalog != NULL) {
		/* NSD shows a producer's numbers once it has members */
		if (have_cs && cs.counts && (strcmp(z->catalog, "consumer") == 0 || cs.members > 0)) {
			ctl_out_printf(o, "\tcatalog: %s (serial: %u, # members: %zu)\n", z->catalog,
			               cs.serial, cs.members);
		} else {
			ctl_out_printf(o, "\tcatalog: %s\n", z->catalog);
		}
		if (have_cs && cs.invalid != NULL) {
			ctl_out_printf(o, "\tcatalog-invalid: %s\n", cs.invalid);
		}
	}
	const char *member_id = z->member_id != NULL ? z->member_id :
	                        have_cs ? cs.member_id : NULL;
	if (member_id != NULL) {
		ctl_out_printf(o, "\tcatalog-member-id: %s\n", member_id);
	}
	char round[1024];
	if (ops->notify_status != NULL && ops->notify_status(ops->ctx, z, round, sizeof(round))) {
		ctl_out_printf(o, "\tnotify: \"%s\"\n", round);
	}
	if (!z->secondary) {
		ctl_out_printf(o, "\tstate: %s\n", word_primary(ops));
		return;
	}
	struct ctl_zone_status st = { .wait = -1 };
	char err[256];
	if (ops->zone_status(ops->ctx, z, &st, err, sizeof(err)) != 0) {
		ctl_out_printf(o, "\tstate: error %s\n", err);
		return;
	}
	static const char *const states[] = {
		[CTL_ZS_OK] = "ok", [CTL_ZS_REFRESHING] = "refreshing",
		[CTL_ZS_EXPIRED] = "expired", [CTL_ZS_PRIMARY] = "ok",
	};
	ctl_out_printf(o, "\tstate: %s\n", states[st.state]);
	/* knotd applies a transfer at once: what it commits is what it serves */
	print_serial(o, "served-serial", &st);
	print_serial(o, "commit-serial", &st);
	if (st.wait >= 0) {
		ctl_out_printf(o, "\twait: \"%ld sec between attempts\"\n", st.wait);
	}
}

static void do_zonestatus(const struct ctl_ops *ops, char *arg, struct ctl_out *o)
{
	const struct ctl_zone *z;
	if (!zone_arg(ops, arg, &z, o)) {
		return;
	}
	if (z != NULL) {
		zone_status(ops, z, o);
		return;
	}
	if (ops->zone_status_all_begin != NULL) {
		ops->zone_status_all_begin(ops->ctx);
	}
	for (size_t i = 0; i < ops->n_zones(ops->ctx) && !o->failed; i++) {
		zone_status(ops, ops->zone_at(ops->ctx, i), o);
	}
	if (ops->zone_status_all_end != NULL) {
		ops->zone_status_all_end(ops->ctx);
	}
}

static void do_verbosity(const struct ctl_ops *ops, char *arg, struct ctl_out *o)
{
	if (arg[0] == '\0') {
		ctl_out_printf(o, "verbosity %d\n", ops->verbosity(ops->ctx));
		return;
	}
	int v = atoi(arg);
	if (v == 0 && strcmp(arg, "0") != 0) {
		ctl_out_printf(o, "error in verbosity number syntax: %s\n", arg);
		return;
	}
	ops->set_verbosity(ops->ctx, v);
	ok(o);
}

static void do_status(const struct ctl_ops *ops, struct ctl_out *o)
{
	ctl_out_printf(o, "version: %s\nverbosity: %d\nratelimit: %ld\n", ops->version,
	               ops->verbosity(ops->ctx), ops->ratelimit(ops->ctx));
}

static void print_key(const struct ctl_key *k, struct ctl_out *o)
{
	ctl_out_printf(o, "key: name: \"%s\" secret: \"%s\" algorithm: %s\n", k->name,
	               k->secret, k->algorithm);
}

static void do_print_tsig(const struct ctl_ops *ops, const char *arg, struct ctl_out *o)
{
	size_t n = ops->n_keys(ops->ctx);
	for (size_t i = 0; i < n; i++) {
		const struct ctl_key *k = ops->key_at(ops->ctx, i);
		if (arg[0] == '\0') {
			print_key(k, o);
		} else if (strcmp(k->name, arg) == 0) {
			print_key(k, o);
			return;
		}
	}
	if (arg[0] != '\0') {
		ctl_out_printf(o, "error: no such key with name: %s\n", arg);
	}
}

/* --- the zone list --- */

/* perform_addzone: false after the error answer */
static bool add_one(const struct ctl_ops *ops, char *arg, bool change, struct ctl_out *o)
{
	char *pattern = ctl_split_arg2(arg);
	if (pattern == NULL) {
		ctl_out_printf(o, "error could not find next argument after %s\n", arg);
		return false;
	}
	if (!ops->pattern_exists(ops->ctx, pattern)) {
		ctl_out_printf(o, "error pattern %s does not exist\n", pattern);
		return false;
	}
	knot_dname_storage_t dn;
	if (knot_dname_from_str(dn, arg, sizeof(dn)) == NULL) {
		ctl_out_printf(o, "error cannot parse zone name\n");
		return false;
	}
	knot_dname_to_lower(dn);
	const struct ctl_zone *z = ops->zone_find(ops->ctx, dn);
	if (change) {
		if (z != NULL && !z->from_zonelist) {
			ctl_out_printf(o, "error zone defined in nsd.conf, cannot delete it in "
			               "this manner: remove it from nsd.conf yourself and "
			               "repattern\n");
			return false;
		}
		if (z != NULL && z->member_id != NULL) {
			ctl_out_printf(o, "Error: Zone is a catalog consumer member zone with id "
			               "%s\nRepattern in the catalog with a group property.\n",
			               z->member_id);
			return false;
		}
		if (z == NULL) {
			/* no newline: NSD's text runs into its "ok" */
			ctl_out_printf(o, "zone %s did not exist, creating", arg);
		} else if (!ops->del_zone(ops->ctx, dn)) {
			ctl_out_printf(o, "error out of memory\n");
			return false;
		}
	} else if (z != NULL) {
		ctl_out_printf(o, "zone %s already exists\n", arg);
		return true;
	}
	if (!ops->add_zone(ops->ctx, dn, arg, pattern)) {
		ctl_out_printf(o, "error could not add zonelist entry\n");
		return false;
	}
	return true;
}

/* perform_delzone: false after the error or warning answer */
static bool del_one(const struct ctl_ops *ops, const char *arg, struct ctl_out *o)
{
	/* NSD's dname_parse reads "" as the root, so delzone without a name (or an empty
	 * delzones line) is a warning that no zone "" is present, not a parse error */
	knot_dname_storage_t dn;
	if (knot_dname_from_str(dn, arg[0] != '\0' ? arg : ".", sizeof(dn)) == NULL) {
		ctl_out_printf(o, "error cannot parse zone name\n");
		return false;
	}
	knot_dname_to_lower(dn);
	const struct ctl_zone *z = ops->zone_find(ops->ctx, dn);
	if (z == NULL) {
		ctl_out_printf(o, "warning zone %s not present\n", arg);
		return false;
	}
	if (!z->from_zonelist) {
		ctl_out_printf(o, "error zone defined in nsd.conf, cannot delete it in this "
		               "manner: remove it from nsd.conf yourself and repattern\n");
		return false;
	}
	if (z->member_id != NULL) {
		ctl_out_printf(o, "Error: Zone is a catalog consumer member zone with id %s\n"
		               "Remove the member id from the catalog to delete this zone.\n",
		               z->member_id);
		return false;
	}
	if (!ops->del_zone(ops->ctx, dn)) {
		ctl_out_printf(o, "error out of memory\n");
		return false;
	}
	return true;
}

static void commit_answer(const struct ctl_ops *ops, struct ctl_out *o)
{
	const char *err = ops->commit(ops->ctx);
	if (err != NULL) {
		ctl_out_printf(o, "error %s\n", err);
	} else {
		ok(o);
	}
}

enum ctl_bulk ctl_bulk_kind(const char *line)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\v' || *p == '\f' ||
	       *p == '\r') {
		p++;
	}
	if (ctl_cmd_is(p, "addzones")) {
		return CTL_BULK_ADD;
	}
	if (ctl_cmd_is(p, "delzones")) {
		return CTL_BULK_DEL;
	}
	return CTL_BULK_NONE;
}

bool ctl_bulk_line(const struct ctl_ops *ops, enum ctl_bulk kind, char *line,
                   struct ctl_out *o)
{
	if (strcmp(line, "\x04") == 0) {
		return true;
	}
	bool done = kind == CTL_BULK_ADD ? add_one(ops, line, false, o) : del_one(ops, line, o);
	if (done) {
		ctl_out_printf(o, "%s: %s\n", kind == CTL_BULK_ADD ? "added" : "removed", line);
		o->count++;
	} else {
		ctl_out_printf(o, "error for input line '%s'\n", line);
	}
	return false;
}

void ctl_bulk_end(const struct ctl_ops *ops, enum ctl_bulk kind, struct ctl_out *o)
{
	const char *err = ops->commit(ops->ctx);
	if (err != NULL) {
		ctl_out_printf(o, "error %s\n", err);
	}
	ctl_out_printf(o, "%s %zu zones\n", kind == CTL_BULK_ADD ? "added" : "deleted",
	               o->count);
}

static void do_stats(const struct ctl_ops *ops, bool reset, struct ctl_out *o)
{
	struct ctl_stats_report r = { 0 };
	char err[256] = "statistics are not counted";
	if (ops->stats == NULL || ops->stats(ops->ctx, reset, &r, err, sizeof(err)) != 0) {
		ctl_out_printf(o, "error %s\n", err);
		return;
	}
	r.release = ops->release;
	ctl_stats_print(o, &r);
}

/* --- the table --- */

static const char *const tsig_cookie_cmds[] = {
	"update_tsig", "add_tsig", "assoc_tsig", "del_tsig",
	"add_cookie_secret", "drop_cookie_secret", "activate_cookie_secret",
	"print_cookie_secrets",
};

void ctl_execute(const struct ctl_ops *ops, char *line, struct ctl_out *o)
{
	char *p = ctl_skipwhite(line);
#define ARG(cmd) ctl_skipwhite(p + strlen(cmd))
	if (ctl_cmd_is(p, "stop")) {
		answer(ops->stop(ops->ctx), o);
	} else if (ctl_cmd_is(p, "reload")) {
		do_zone_action(ops, ARG("reload"), ops->reload, o);
	} else if (ctl_cmd_is(p, "write")) {
		do_zone_action(ops, ARG("write"), ops->write, o);
	} else if (ctl_cmd_is(p, "status")) {
		do_status(ops, o);
	} else if (ctl_cmd_is(p, "stats") || ctl_cmd_is(p, "stats_noreset")) {
		do_stats(ops, ctl_cmd_is(p, "stats"), o);
	} else if (ctl_cmd_is(p, "log_reopen")) {
		answer(ops->log_reopen(ops->ctx), o);
	} else if (ctl_cmd_is(p, "reconfig") || ctl_cmd_is(p, "repattern")) {
		ops->reconfig(ops->ctx, o);
	} else if (ctl_cmd_is(p, "notify")) {
		do_zone_action(ops, ARG("notify"), ops->notify, o);
	} else if (ctl_cmd_is(p, "transfer")) {
		do_transfer(ops, ARG("transfer"), false, o);
	} else if (ctl_cmd_is(p, "force_transfer")) {
		do_transfer(ops, ARG("force_transfer"), true, o);
	} else if (ctl_cmd_is(p, "zonestatus")) {
		do_zonestatus(ops, ARG("zonestatus"), o);
	} else if (ctl_cmd_is(p, "serverpid")) {
		ctl_out_printf(o, "%lu\n", ops->pid(ops->ctx));
	} else if (ctl_cmd_is(p, "verbosity")) {
		do_verbosity(ops, ARG("verbosity"), o);
	} else if (ctl_cmd_is(p, "print_tsig")) {
		do_print_tsig(ops, ARG("print_tsig"), o);
	} else if (ctl_cmd_is(p, "addzone")) {
		if (add_one(ops, ARG("addzone"), false, o)) {
			commit_answer(ops, o);
		}
	} else if (ctl_cmd_is(p, "delzone")) {
		if (del_one(ops, ARG("delzone"), o)) {
			commit_answer(ops, o);
		}
	} else if (ctl_cmd_is(p, "changezone")) {
		if (add_one(ops, ARG("changezone"), true, o)) {
			commit_answer(ops, o);
		}
	} else {
		for (size_t i = 0; i < sizeof(tsig_cookie_cmds) / sizeof(tsig_cookie_cmds[0]); i++) {
			if (ctl_cmd_is(p, tsig_cookie_cmds[i])) {
				ctl_out_printf(o, "error %s\n",
				               ops->unsupported(ops->ctx, tsig_cookie_cmds[i]));
				return;
			}
		}
		ctl_out_printf(o, "error unknown command '%s'\n", p);
	}
#undef ARG
}
