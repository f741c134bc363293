/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnostics: NSD-format error lines ("file:line: error: msg"), counted, sent to a sink. */
#pragma once

#include <stdarg.h>

/* Receives one complete message line without the trailing newline. */
typedef void (*nsdconf_diag_sink_t)(void *ctx, const char *line);

struct nsdconf_diag {
	nsdconf_diag_sink_t sink;   /* NULL: write to stderr */
	void *ctx;
	int errors;                 /* counted errors (warnings are not counted) */
	int aborted;                /* the grammar stopped (syntax error, bad bool/number) */
	int fatal;                  /* flex-style fatal error: no summary line, exit 2 */
	int oom;                    /* out of memory: the parse failed, reported once */
};

/* "file:line: error: msg" */
void nsdconf_diag_error(struct nsdconf_diag *d, const char *file, int line,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "file:line: at 'token': error: msg" (bison's syntax error form) */
void nsdconf_diag_error_at(struct nsdconf_diag *d, const char *file, int line,
                           const char *token, const char *msg);
/* A line as is (no counting): summaries, semantic-check messages. */
void nsdconf_diag_line(struct nsdconf_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nsdconf_diag_vline(struct nsdconf_diag *d, const char *fmt, va_list ap);
/* "file:line: error: out of memory" ("file: error: out of memory" for line 0), once per
 * diag however many allocations fail; counted, and sets oom. */
void nsdconf_diag_oom(struct nsdconf_diag *d, const char *file, int line);
