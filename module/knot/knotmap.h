/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: an nsd.conf model rendered as Knot DNS 3.2 configuration text. */
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
	bool security;             /* the approximation widens access without mod-nsd */
};
typedef void (*knotmap_report_t)(void *ctx, const struct knotmap_note *note);

struct knotmap_opts {
	/* Sections written: false = only key, remote, acl, template, zone (the include
	 * mod-nsd keeps); true = a complete knot.conf (server, log, database, ...). */
	bool full;
	/* Directory relative zonefile paths are resolved against when zonesdir is
	 * relative or empty (NSD's start directory). */
	const char *cwd;
	/* Where zones that nsd.conf gives no zonefile keep their data (Knot needs a
	 * file); NULL: Knot's default (storage/%s.zone) and zonefile-sync: -1. */
	const char *storage;
	knotmap_report_t report;   /* NULL: no report */
	void *report_ctx;
};

/* Renders m. Returns 0 (KNOT_EOK) or a negative libknot error code. The text is
 * deterministic: the same model gives the same bytes. */
int knotmap_render(const struct nsdconf_model *m, const struct knotmap_opts *opts,
                   struct knotmap_buf *out);
