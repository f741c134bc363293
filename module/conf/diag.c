/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnostics sink: formats NSD's error lines and counts errors. */
#include <stdio.h>

#include "conf/diag.h"

void nsdconf_diag_vline(struct nsdconf_diag *d, const char *fmt, va_list ap)
{
	char buf[4096];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (d->sink != NULL) {
		d->sink(d->ctx, buf);
	} else {
		fprintf(stderr, "%s\n", buf);
	}
}

void nsdconf_diag_line(struct nsdconf_diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	nsdconf_diag_vline(d, fmt, ap);
	va_end(ap);
}

void nsdconf_diag_error(struct nsdconf_diag *d, const char *file, int line,
                        const char *fmt, ...)
{
	char msg[3072];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->errors++;
	nsdconf_diag_line(d, "%s:%d: error: %s", file, line, msg);
}

void nsdconf_diag_error_at(struct nsdconf_diag *d, const char *file, int line,
                           const char *token, const char *msg)
{
	d->errors++;
	if (token != NULL) {
		nsdconf_diag_line(d, "%s:%d: at '%s': error: %s", file, line, token, msg);
	} else {
		nsdconf_diag_line(d, "%s:%d: error: %s", file, line, msg);
	}
}

void nsdconf_diag_oom(struct nsdconf_diag *d, const char *file, int line)
{
	if (d->oom) {
		return;
	}
	d->oom = 1;
	d->errors++;
	if (line > 0) {
		nsdconf_diag_line(d, "%s:%d: error: out of memory", file, line);
	} else {
		nsdconf_diag_line(d, "%s: error: out of memory", file);
	}
}
