/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonelistfile: zones added at run time by nsd-control addzone, read as NSD reads it. */
#pragma once

#include "conf/diag.h"

/* Called once per live entry ("add <zone> <pattern>", 4.9+ "cat <zone> <pattern> <id>"),
 * in file order; line is the 1-based line number. Return non-zero to stop. */
typedef int (*nsdconf_zonelist_cb)(void *ctx, const char *zone, const char *pattern,
                                   int line);

/* Reads path. A missing file is no error (NSD starts without one) and returns 0.
 * Malformed lines are reported through diag as "<path>:<line>: error: ..." and
 * counted. Returns the number of errors, or -1 if the file exists but cannot be read. */
int nsdconf_zonelist_read(const char *path, nsdconf_zonelist_cb cb, void *ctx,
                          struct nsdconf_diag *diag);
