/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd convert: nsd.conf to a complete knot.conf, with a report of what changed in meaning. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conf/model.h"
#include "knotmap/knotmap.h"

/* Exit status (documented in knot-nsd(1) and doc/migration.md). */
enum convert_exit {
	CONVERT_EXACT = 0,       /* every option means in Knot what it meant in NSD */
	CONVERT_USAGE = 1,       /* bad command line, or the output could not be written */
	CONVERT_BAD_CONF = 2,    /* nsd.conf (or its zonelistfile) has errors: nothing written */
	CONVERT_APPROX = 3,      /* converted; some options approximated */
	CONVERT_SECURITY = 4,    /* converted; an approximation lets knotd allow what NSD
	                          * refuses, or options are not supported */
};

/* What the configuration is for: it decides what a report line means. */
enum convert_mode {
	CONVERT_NATIVE,          /* a complete knot.conf, knotd alone */
	CONVERT_MODULE,          /* a complete knot.conf loading mod-nsd */
	CONVERT_INCLUDE,         /* the include mod-nsd writes */
};

int convert_main(int argc, char **argv, const char *nsd_version);

/* The report: knotmap's notes plus one line for every option occurrence they do not
 * cover, in text order. */
struct convert_report;
/* keep: every line is kept for printing; else only the notes and the worst verdict.
 * knot_version: the target knotd, whose verdicts the lines without a note take. */
struct convert_report *convert_report_new(const struct nsdconf_model *m, enum convert_mode mode,
                                          unsigned knot_version, bool keep);
void convert_report_free(struct convert_report *r);
/* knotmap_report_t */
void convert_report_note(void *ctx, const struct knotmap_note *note);
/* Adds the lines for occurrences no note covered; call once, after rendering. */
void convert_report_finish(struct convert_report *r);
/* True when a line could not be kept (out of memory): the report is incomplete. */
bool convert_report_failed(const struct convert_report *r);
void convert_report_print(const struct convert_report *r, FILE *out);
/* The exit status the report's worst line calls for. */
enum convert_exit convert_report_status(const struct convert_report *r);

/* The option table as a Markdown table, with the verdicts of knotd knot_version
 * (--list-options; doc/migration.md holds knotd 3.2's). */
void convert_list_options(FILE *out, const struct nsdconf_release *release,
                          unsigned knot_version);

/* Writes text to path atomically: a temporary file in the same folder, fsync, rename,
 * fsync of the folder; mode 0640 (it holds TSIG secrets). Nothing is left behind on
 * failure. Returns 0 or -1 with a message on stderr. */
int convert_write_file(const char *path, const char *text, size_t len);
