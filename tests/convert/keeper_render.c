/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: writes the include mod-nsd's keeper would write for an nsd.conf (no knotd needed). */
#include <stdarg.h>
#include <stdio.h>

#include "mod/include_keeper.h"

static void log_stderr(void *ctx, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	struct keeper_state st = { 0 };
	uint64_t hash;

	if (argc != 3) {
		fprintf(stderr, "usage: keeper_render nsd.conf include\n");
		return 1;
	}
	/* As knotd runs it: relative paths against the current folder. */
	struct keeper_opts o = { .config = argv[1], .include = argv[2], .log = log_stderr };
	switch (keeper_run(&o, &st, &hash)) {
	case KEEPER_WRITTEN:
	case KEEPER_UNCHANGED:
		return 0;
	default:
		return 2;
	}
}
