/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of nsd-control, with NSD's arguments and answer texts; what each does to
 * the server is behind ctl_ops (mod/ctl_exec.c runs them on knotd, the unit tests on a
 * recording fake). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ctl/ctl_out.h"
#include "ctl/ctl_stats.h"

struct ctl_zone {
	const char *name;      /* as configured */
	const char *pattern;   /* NSD's name for it ("_implicit_…" hidden by the caller) */
	bool secondary;        /* has request-xfr */
	bool from_zonelist;    /* added by addzone: delzone may remove it */
	const char *catalog;   /* "consumer", "producer" (NSD 4.9+ catalog: of its pattern),
	                        * NULL: none */
	const char *member_id; /* a consumed catalog's member: its id ("<id>.zones.<cat>.") */
};

/* What zonestatus says of a catalog zone or a catalog member (NSD 4.9+). */
struct ctl_catalog_status {
	bool counts;            /* serial and members known */
	uint32_t serial;
	size_t members;
	const char *member_id;  /* a produced catalog's member: its id, NULL: none */
	const char *invalid;    /* a consumer NSD does not process: why ("catalog-invalid:") */
};

/* A TSIG key as nsd.conf writes it (print_tsig). */
struct ctl_key {
	const char *name, *algorithm, *secret;
};

enum ctl_zone_state { CTL_ZS_PRIMARY, CTL_ZS_OK, CTL_ZS_REFRESHING, CTL_ZS_EXPIRED };

/* What knotd says of a secondary zone, in NSD's terms. */
struct ctl_zone_status {
	enum ctl_zone_state state;
	bool served;            /* a serial is served: served-serial */
	uint32_t served_serial;
	time_t served_since;    /* 0: unknown */
	long wait;              /* seconds to the next refresh attempt, -1: none */
};

struct ctl_ops {
	void *ctx;
	const char *version;   /* the NSD release answered for (status) */
	int release;           /* the same as release.h numbers it (461, 4120) */
	/* The zones in NSD's order (canonical), and a lookup by wire name. */
	size_t (*n_zones)(void *ctx);
	const struct ctl_zone *(*zone_at)(void *ctx, size_t i);
	const struct ctl_zone *(*zone_find)(void *ctx, const uint8_t *dname);
	bool (*pattern_exists)(void *ctx, const char *pattern);
	/* The keys in NSD's order (by name, strcmp). */
	size_t (*n_keys)(void *ctx);
	const struct ctl_key *(*key_at)(void *ctx, size_t i);
	int (*verbosity)(void *ctx);
	void (*set_verbosity)(void *ctx, int v);
	long (*ratelimit)(void *ctx);
	/* Actions on knotd; 0 or an error text for NSD's "error <text>" answer. A zone of
	 * NULL means every zone. */
	const char *(*stop)(void *ctx);
	const char *(*reload)(void *ctx, const struct ctl_zone *z);
	const char *(*write)(void *ctx, const struct ctl_zone *z);
	const char *(*notify)(void *ctx, const struct ctl_zone *z);
	const char *(*transfer)(void *ctx, const struct ctl_zone *z, bool force);
	const char *(*log_reopen)(void *ctx);
	/* Re-reads nsd.conf; the answer's lines are the implementation's. */
	void (*reconfig)(void *ctx, struct ctl_out *o);
	/* 0, or -1 with an error text for the answer. */
	int (*zone_status)(void *ctx, const struct ctl_zone *z, struct ctl_zone_status *st,
	                   char *err, size_t errlen);
	/* The counters for stats (reset: 'stats', the next one counts from now on);
	 * r's pointers stay valid until the next call. 0, or -1 with an error text. */
	int (*stats)(void *ctx, bool reset, struct ctl_stats_report *r, char *err,
	             size_t errlen);
	/* Optional: the zone's NOTIFY round in progress as zonestatus's notify: line
	 * ("send <targets in flight> with serial N") into buf; false: none running. */
	bool (*notify_status)(void *ctx, const struct ctl_zone *z, char *buf, size_t len);
	/* Optional: the catalog of z (z->catalog set), or z's member id in a produced
	 * catalog; false: nothing known. */
	bool (*catalog_status)(void *ctx, const struct ctl_zone *z, struct ctl_catalog_status *st);
	/* Optional: around zone_status of every zone, to ask the server once for all. */
	void (*zone_status_all_begin)(void *ctx);
	void (*zone_status_all_end)(void *ctx);
	/* Zone list changes are staged (false: no memory), then applied by commit (one
	 * zonelistfile write, one update of knotd) at the end of the command; commit
	 * gives NULL or the error text. */
	bool (*add_zone)(void *ctx, const uint8_t *dname, const char *name,
	                 const char *pattern);
	bool (*del_zone)(void *ctx, const uint8_t *dname);
	const char *(*commit)(void *ctx);
	unsigned long (*pid)(void *ctx);
	/* TSIG and cookie commands: NULL when supported, else why not. */
	const char *(*unsupported)(void *ctx, const char *cmd);
};

/* Runs one request line (after the magic), appends the answer. */
void ctl_execute(const struct ctl_ops *ops, char *line, struct ctl_out *o);

/* addzones and delzones read lines after the request line until the end marker. */
enum ctl_bulk { CTL_BULK_NONE, CTL_BULK_ADD, CTL_BULK_DEL };
enum ctl_bulk ctl_bulk_kind(const char *line);
/* One line of the bulk input (without '\n'); true when it was the end marker. */
bool ctl_bulk_line(const struct ctl_ops *ops, enum ctl_bulk kind, char *line,
                   struct ctl_out *o);
/* The end of the bulk input: applies the staged changes, answers. */
void ctl_bulk_end(const struct ctl_ops *ops, enum ctl_bulk kind, struct ctl_out *o);
