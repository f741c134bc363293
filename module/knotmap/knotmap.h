/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: an nsd.conf model rendered as configuration text for one knotd version (3.2 to 3.5). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"

/* A growable text buffer (the module compares it byte for byte with the file on disk). */
struct knotmap_buf {
	char *data;
	size_t len, cap;
};
void knotmap_buf_free(struct knotmap_buf *b);

/* One line of the mapping report: what became of an option written in nsd.conf. */
struct knotmap_note {
	const char *file;          /* where the option was written */
	int line;
	const char *option;        /* "provide-xfr", "notify-retry", ... */
	enum nsdconf_knot verdict; /* exact / approximated / unsupported / module */
	const char *how;           /* how it maps, or why it cannot */
	bool security;             /* knotd allows what NSD refuses: without mod-nsd loaded
	                            * (include, module), or at all (native) */
};
typedef void (*knotmap_report_t)(void *ctx, const struct knotmap_note *note);

/* A complete knot.conf that loads mod-nsd, which keeps the zones in an include. */
struct knotmap_module {
	const char *file;          /* nsd.so for a module: section; NULL: knotd's module dir */
	const char *config;        /* the nsd.conf mod-nsd reads (absolute) */
	const char *include;       /* its knot-include (absolute); knot.conf includes the
	                            * folder's *.conf, which matches while it is missing */
};

/* mod-nsd hears of every zone change by a NOTIFY knotd sends to itself (mod/notify_self.c):
 * the zones with notify: targets notify only this remote, signed with this key, and
 * mod-nsd sends NSD's rounds to the real targets. */
#define KNOTMAP_SELF_KEY "mod-nsd.self.invalid."
#define KNOTMAP_SELF_REMOTE "mod-nsd-self"
/* The comment of the template a consumed catalog's members get from an nsd.conf
 * pattern: this prefix and the pattern's name (the gate reads it back from knotd). */
#define KNOTMAP_MEMBER_COMMENT "mod-nsd member pattern "
struct knotmap_self_notify {
	const char *address;       /* knotd's own listen address, "127.0.0.1@53" */
	const char *secret;        /* base64, hmac-sha256 */
};

struct knotmap_opts {
	/* Sections written: false = only key, remote, acl, template, zone (the include
	 * mod-nsd keeps); true = a complete knot.conf (server, log, database, ...). */
	bool full;
	/* With full: NULL = native, the zones and every rule written here, knotd alone
	 * enforces them (allow-query through mod-queryacl); else mod-nsd is loaded and
	 * keeps key..zone itself, so they are not written. */
	const struct knotmap_module *module;
	/* With full: server.rundir (knotd's control socket lives there); NULL: knotd's
	 * built-in default. */
	const char *rundir;
	/* Directory relative zonefile paths are resolved against when zonesdir is
	 * relative or empty (NSD's start directory). */
	const char *cwd;
	/* Where zones that nsd.conf gives no zonefile keep their data (Knot needs a
	 * file); NULL: Knot's default (storage/%s.zone) and zonefile-sync: -1. */
	const char *storage;
	/* The knotd the text is for, in KNOT_VERSION_HEX's form (0x030406 = 3.4.6; see
	 * knotmap_target.h); 0: the knotd this was built against. What it cannot load is
	 * never written, what it can express is (mod-rrl, mod-cookies, XFR over TLS). */
	unsigned knot_version;
	/* Without full: NULL = the zones' notify: lists name the real targets (knotd
	 * notifies them); else every zone with targets notifies KNOTMAP_SELF_REMOTE. */
	const struct knotmap_self_notify *self_notify;
	knotmap_report_t report;   /* NULL: no report */
	void *report_ctx;
};

/* Renders m into out (its buffer is reused; the caller frees it with knotmap_buf_free,
 * also after a failure). Returns 0 (KNOT_EOK) or a negative libknot error code:
 * KNOT_ENOMEM when an allocation failed, KNOT_EINVAL for NULL arguments. A failed
 * render leaves out empty (len 0), never a part of a configuration; report lines given
 * before the failure are incomplete. The text is deterministic: the same model gives
 * the same bytes. */
/* KNOT_EINVAL also for a knot_version outside KNOTMAP_KNOT_OLDEST..NEWEST. */
int knotmap_render(const struct nsdconf_model *m, const struct knotmap_opts *opts,
                   struct knotmap_buf *out);
