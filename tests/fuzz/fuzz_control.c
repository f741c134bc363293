/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: arbitrary bytes as what an nsd-control client sends, through the
 * server's request state machine (ctl/ctl_request.c, what mod/ctl_server.c runs) and
 * the command table, on a fake server held in memory. The first byte is not sent: its low 5 bits are the size of the
 * pieces the bytes arrive in (0: all at once), the others pick NSD 4.12 and failures. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_out.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_request.h"

#define FAKE_ZONES 8

struct fake_zone {
	struct ctl_zone z;
	knot_dname_storage_t dname;
	char *name, *pattern;   /* owned */
};

struct fake {
	struct fake_zone zones[FAKE_ZONES];
	size_t n;
	int verbosity;
	bool commit_fails, status_fails;
	struct ctl_zone_status status;
};

static const struct ctl_key keys[] = {
	{ "k1", "hmac-sha256", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=" },
	{ "tsig.example", "hmac-sha1", "ZWZnaGlqa2xtbm9wcXJzdHV2d3g=" },
};

static bool zone_put(struct fake *f, const uint8_t *dname, const char *name,
                     const char *pattern, bool secondary, bool from_zonelist)
{
	if (f->n == FAKE_ZONES) {
		return false;  /* staging full: the "cannot stage" answers */
	}
	struct fake_zone *fz = &f->zones[f->n];
	fz->name = strdup(name);
	fz->pattern = strdup(pattern);
	if (fz->name == NULL || fz->pattern == NULL) {
		free(fz->name);
		free(fz->pattern);
		return false;
	}
	memcpy(fz->dname, dname, knot_dname_size(dname));
	fz->z = (struct ctl_zone){ .name = fz->name, .pattern = fz->pattern,
	                           .secondary = secondary, .from_zonelist = from_zonelist };
	f->n++;
	return true;
}

static void zone_put_str(struct fake *f, const char *name, const char *pattern,
                         bool secondary, bool from_zonelist)
{
	knot_dname_storage_t dn;
	if (knot_dname_from_str(dn, name, sizeof(dn)) != NULL) {
		knot_dname_to_lower(dn);
		(void)zone_put(f, dn, name, pattern, secondary, from_zonelist);
	}
}

static struct fake_zone *find(struct fake *f, const uint8_t *dname)
{
	for (size_t i = 0; i < f->n; i++) {
		if (knot_dname_is_equal(f->zones[i].dname, dname)) {
			return &f->zones[i];
		}
	}
	return NULL;
}

static size_t n_zones(void *ctx)
{
	return ((struct fake *)ctx)->n;
}

static const struct ctl_zone *zone_at(void *ctx, size_t i)
{
	return &((struct fake *)ctx)->zones[i].z;
}

static const struct ctl_zone *zone_find(void *ctx, const uint8_t *dname)
{
	struct fake_zone *fz = find(ctx, dname);
	return fz != NULL ? &fz->z : NULL;
}

static bool pattern_exists(void *ctx, const char *pattern)
{
	return strcmp(pattern, "p") == 0 || strcmp(pattern, "sec") == 0;
}

static size_t n_keys(void *ctx)
{
	return sizeof(keys) / sizeof(keys[0]);
}

static const struct ctl_key *key_at(void *ctx, size_t i)
{
	return &keys[i];
}

static int verbosity(void *ctx)
{
	return ((struct fake *)ctx)->verbosity;
}

static void set_verbosity(void *ctx, int v)
{
	((struct fake *)ctx)->verbosity = v;
}

static long ratelimit(void *ctx)
{
	return 200;
}

static const char *no_zone_action(void *ctx)
{
	return NULL;
}

static const char *zone_action(void *ctx, const struct ctl_zone *z)
{
	return z != NULL && z->from_zonelist ? "knotd said no" : NULL;
}

static const char *transfer(void *ctx, const struct ctl_zone *z, bool force)
{
	return force ? "knotd said no" : NULL;
}

static void reconfig(void *ctx, struct ctl_out *o)
{
	ctl_out_printf(o, "reconfig start, read nsd.conf\nok\n");
}

static int zone_status(void *ctx, const struct ctl_zone *z, struct ctl_zone_status *st,
                       char *err, size_t errlen)
{
	struct fake *f = ctx;
	if (f->status_fails) {
		snprintf(err, errlen, "knotd does not answer for %s", z->name);
		return -1;
	}
	*st = f->status;
	return 0;
}

static bool add_zone(void *ctx, const uint8_t *dname, const char *name, const char *pattern)
{
	return zone_put(ctx, dname, name, pattern, strcmp(pattern, "sec") == 0, true);
}

static bool del_zone(void *ctx, const uint8_t *dname)
{
	struct fake *f = ctx;
	struct fake_zone *fz = find(f, dname);
	if (fz == NULL) {
		return true;
	}
	free(fz->name);
	free(fz->pattern);
	size_t i = (size_t)(fz - f->zones);
	memmove(fz, fz + 1, (f->n - i - 1) * sizeof(*fz));
	f->n--;
	return true;
}

static const char *commit(void *ctx)
{
	return ((struct fake *)ctx)->commit_fails ? "could not add zonelist entry" : NULL;
}

static unsigned long pid(void *ctx)
{
	return 4242;
}

static const char *unsupported(void *ctx, const char *cmd)
{
	return "not served by knot-nsd: TSIG keys and cookies are nsd.conf's";
}

/* Counters with every field set, types and rcodes in every slot NSD folds into. */
static int stats(void *ctx, bool reset, struct ctl_stats_report *r, char *err, size_t errlen)
{
	static struct ctl_stats st;
	static const uint64_t servers[3] = { 1, 2, 3 };
	(void)ctx;
	(void)err;
	(void)errlen;
	uint64_t *w = (uint64_t *)&st;
	for (size_t i = 0; i < sizeof(st) / sizeof(*w); i++) {
		w[i] = reset ? 0 : i * 1000003u;
	}
	*r = (struct ctl_stats_report){ .st = &st, .server_queries = servers, .n_servers = 3,
	                                .boot = { 5, 7 }, .elapsed = { 1, 999999999 },
	                                .zones = 3, .secondaries = 1 };
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0) {
		return 0;
	}
	size_t piece = data[0] & 0x1f;
	struct fake f = {
		.verbosity = 1,
		.commit_fails = (data[0] & 0x40) != 0,
		.status_fails = (data[0] & 0xc0) == 0xc0,
		.status = {
			.state = (enum ctl_zone_state)(size % 4),
			.served = (data[0] & 0x80) != 0,
			.served_serial = 2024010101,
			/* now and then a time localtime cannot take */
			.served_since = (size & 8) ? (time_t)INT64_MAX : 1700000000,
			.wait = (long)(size % 3) - 1,
		},
	};
	struct ctl_ops ops = {
		.ctx = &f,
		.version = (data[0] & 0x20) ? "4.12.0" : "4.6.1",
		.release = (data[0] & 0x20) ? 4120 : 461,
		.n_zones = n_zones, .zone_at = zone_at, .zone_find = zone_find,
		.pattern_exists = pattern_exists,
		.n_keys = n_keys, .key_at = key_at,
		.verbosity = verbosity, .set_verbosity = set_verbosity, .ratelimit = ratelimit,
		.stop = no_zone_action, .reload = zone_action, .write = zone_action,
		.notify = zone_action, .transfer = transfer, .log_reopen = no_zone_action,
		.reconfig = reconfig, .zone_status = zone_status, .stats = stats,
		.add_zone = add_zone, .del_zone = del_zone, .commit = commit,
		.pid = pid, .unsupported = unsupported,
	};
	zone_put_str(&f, "sec.example", "_implicit_1", true, false);
	zone_put_str(&f, "example.org", "_implicit_2", false, false);
	zone_put_str(&f, "a.test", "p", false, true);

	struct ctl_request *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return 0;
	}
	data++;
	size--;
	/* the server reads what fits in its buffer; a full buffer closes the connection */
	bool open = true;
	while (size > 0 && c->state != CTL_REQ_ANSWERED) {
		size_t room = sizeof(c->in) - c->in_len;
		if (room == 0) {
			open = false;
			break;
		}
		size_t n = piece == 0 || piece > size ? size : piece;
		n = n < room ? n : room;
		memcpy(c->in + c->in_len, data, n);
		c->in_len += n;
		data += n;
		size -= n;
		if (!ctl_request_input(c, &ops, NULL, NULL)) {
			open = false;
			break;
		}
	}
	/* the client's stream ends here (or the server cut it: addzones applied so far) */
	if (open) {
		(void)ctl_request_eof(c, &ops, NULL, NULL);
	} else {
		ctl_request_cut(c, &ops);
	}
	if (c->out.len > 0 && strlen(c->out.data) != c->out.len) {
		abort();  /* the answer is text: no NUL inside, none missing at its end */
	}
	ctl_request_free(c);
	free(c);
	for (size_t i = 0; i < f.n; i++) {
		free(f.zones[i].name);
		free(f.zones[i].pattern);
	}
	return 0;
}
