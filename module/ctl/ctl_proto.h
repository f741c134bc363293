/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's remote-control protocol, server side: the magic, the request lines, the arguments,
 * read as NSD's remote.c reads them (doc/studies/control-server.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* NSD reads a request line into a buffer of this size, the NUL included, and the
 * lines of addzones/delzones into one of twice that; a longer line ends the
 * connection without an answer. */
#define CTL_LINE_MAX 1024
#define CTL_BULK_LINE_MAX 2048
/* The magic: "NSDCT" + version digit + ' ', read as the first 7 bytes. */
#define CTL_MAGIC_LEN 7

enum ctl_magic {
	CTL_MAGIC_OK,        /* "NSDCT1 " */
	CTL_MAGIC_BAD,       /* not NSD's tool: NSD closes without a word */
	CTL_MAGIC_VERSION,   /* "NSDCT<other> ": answered "error version mismatch" */
};

enum ctl_magic ctl_magic_check(const char *magic, size_t len);

/* Takes the first line out of buf[0..*len): copies it without its '\n' and NUL-ends it
 * in line (line_max bytes), moves the rest to the front. 1 when a line was taken, 0
 * when more bytes are needed, -1 when the line is too long for NSD's buffer. */
int ctl_take_line(char *buf, size_t *len, char *line, size_t line_max);

/* NSD's helpers for the arguments of a command line, in place. */
char *ctl_skipwhite(char *p);
/* Whether p starts with the command word cmd, followed by the end, a space or a tab. */
bool ctl_cmd_is(const char *p, const char *cmd);
/* Splits "arg1 arg2" as NSD's find_arg2: ends arg at the last space and returns what
 * follows it; NULL (arg untouched) when there is no space. */
char *ctl_split_arg2(char *arg);
