/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An answer being built. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl/ctl_out.h"

static bool reserve(struct ctl_out *o, size_t extra)
{
	if (o->failed || extra > CTL_OUT_MAX - o->len) {
		o->failed = true;
		return false;
	}
	size_t need = o->len + extra + 1;
	if (need <= o->cap) {
		return true;
	}
	size_t cap = o->cap < 256 ? 256 : o->cap;
	while (cap < need) {
		cap *= 2;
	}
	char *d = realloc(o->data, cap);
	if (d == NULL) {
		o->failed = true;
		return false;
	}
	o->data = d;
	o->cap = cap;
	return true;
}

void ctl_out_printf(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(o, (size_t)n)) {
		o->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(o->data + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void ctl_out_free(struct ctl_out *o)
{
	free(o->data);
	*o = (struct ctl_out){ 0 };
}
