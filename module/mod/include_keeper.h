/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Include keeper: keeps knotd's generated include in step with nsd.conf, without knotd. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Logging with syslog priorities (LOG_ERR, LOG_WARNING, ...): mod-nsd routes it to
 * knotd_mod_log, the unit tests collect it. */
typedef void (*keeper_log_t)(void *ctx, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What keeper_run and keeper_apply did. */
enum keeper_result {
	KEEPER_UNCHANGED,  /* the include already says what nsd.conf says */
	KEEPER_WRITTEN,    /* the include was replaced: knotd must reload to see it */
	KEEPER_BROKEN,     /* nsd.conf has errors: the include was left as it was */
	KEEPER_FAILED,     /* rendering or writing failed: the include was left as it was */
};

/* A SIGHUP is not sent again within KEEPER_GUARD_WINDOW seconds for the same text. One
 * whose text changed while nsd.conf and its files did not (a rendering that differs every
 * time: a loop) is sent at most KEEPER_GUARD_MAX times in the window; one for an edit of
 * the files at most KEEPER_GUARD_EDITS times (a writer that never stops must not keep
 * knotd reloading without end, but a script that adds zones one by one, as nsd-control
 * reconfig takes them, must not be cut off after five). */
#define KEEPER_GUARD_MAX	5
#define KEEPER_GUARD_EDITS	60
#define KEEPER_GUARD_WINDOW	60

/* State that outlives a module instance (a static in the .so: reloads overlap instances
 * and a reload must see what the previous instance did). Zero-initialised. */
struct keeper_state {
	uint64_t reported_hash;           /* text whose mapping notes were last logged */
	uint64_t reload_hash;             /* text the last reload was asked for */
	uint64_t reload_input;            /* the files' fingerprint then (keeper_input_hash) */
	time_t reloads[KEEPER_GUARD_EDITS]; /* when reloads were asked for, ring */
	unsigned n_reloads;               /* reloads asked for in total */
	char first_template[64];          /* id of the last text's first template, "": none */
	/* mod-nsd's self NOTIFY (notify_self.c), set by load: knotd's address for it and
	 * the key's secret (base64); "" address: off, knotd notifies the targets itself */
	char self_address[80];
	char self_secret[64];
};

struct nsdconf_model;

struct keeper_opts {
	const char *config;   /* nsd.conf */
	const char *include;  /* the Knot include kept in step with it */
	const char *cwd;      /* NSD's start directory for relative paths (NULL: getcwd) */
	keeper_log_t log;
	void *log_ctx;
};

/* Parses nsd.conf (with its includes and zonelistfile). A broken nsd.conf is logged line
 * by line ("file:line: error: ...") and gives NULL: the include is then left alone. The
 * model is the caller's (nsdconf_model_free): the other parts of the module (the gate,
 * the NOTIFY sender, the watcher) read it before keeper_update. */
struct nsdconf_model *keeper_parse(const struct keeper_opts *o);

/* Renders the Knot include of m and applies it (keeper_apply). Mapping notes (options
 * Knot cannot honour exactly) are logged once per distinct text. NSD's semantic checks
 * run on m afterwards and may alter it as nsd-checkconf does (chroot slashes): read m
 * before. *hash receives the rendered text's hash (0 when nothing was rendered). */
enum keeper_result keeper_update(const struct keeper_opts *o, struct keeper_state *st,
                                 struct nsdconf_model *m, uint64_t *hash);

/* keeper_parse, then keeper_update (KEEPER_BROKEN when nsd.conf has errors). */
enum keeper_result keeper_run(const struct keeper_opts *o, struct keeper_state *st,
                              uint64_t *hash);

/* Writes text to the include if the file does not hold exactly these bytes already:
 * a temporary file "<include>.tmp.<pid>" beside it, fsync, rename over the include,
 * fsync of the folder. Readers see the old or the new file, never a part. The folder
 * is created (one level) when missing. Temporary files of processes that are gone (a
 * knotd killed in the middle of a write) are removed first. */
enum keeper_result keeper_apply(const struct keeper_opts *o, const char *text, size_t len);

/* Whether a reload may be asked for the text with this hash now, nsd.conf's files being
 * as input says (keeper_input_hash, or the watcher's signature); records it if so. */
bool keeper_guard_allow(struct keeper_state *st, uint64_t hash, uint64_t input, time_t now);

/* A fingerprint of what the model was read from: the contents of nsd.conf and of every
 * file it includes, and the zones of the zonelistfile. */
uint64_t keeper_input_hash(const struct nsdconf_model *m);

/* The hash of a rendered text (nsdconf_hash). */
uint64_t keeper_hash(const char *text, size_t len);
