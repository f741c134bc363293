/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonelistfile: zones added at run time by nsd-control addzone, read as NSD reads it. */
#pragma once

#include "conf/diag.h"

/* Called once per live entry ("add <zone> <pattern>", 4.9+ "cat <zone> <pattern> <id>"),
 * in file order; line is the 1-based line number; member_id is a cat line's id (without
 * its line end), NULL for an add line. Return non-zero to stop.
 * zone and pattern are passed exactly as NSD splits the line (pattern after the last
 * space, zone may be "" or contain spaces, a '\r' stays in the pattern). The checks NSD
 * then makes are the caller's, with NSD's texts: "pattern does not exist for zone %s
 * pattern %s" and "bad domain name or duplicate zone '%s' pattern %s" (both LOG_ERR,
 * entry skipped, NSD goes on). NSD 4.6.1 itself ignores "cat" lines with the
 * "bad data" warning; they are delivered here as NSD 4.9+ reads them. */
typedef int (*nsdconf_zonelist_cb)(void *ctx, const char *zone, const char *pattern,
                                   const char *member_id, int line);

/* Reads path. A missing file is no error (NSD starts without one) and returns 0.
 * Malformed lines are reported through diag with NSD's texts: "<path>:<line>: error:
 * parse error in <path>: '<line>'" (counted in diag->errors) or "<path>:<line>:
 * warning: bad data in <path>, '<line>'" (a warning in NSD too). Returns the number of
 * malformed lines, or -1 (with an error through diag) if the file exists but cannot be
 * read or lacks the exact header, which NSD 4.6.1 treats as fatal at start, an empty
 * file included. */
int nsdconf_zonelist_read(const char *path, nsdconf_zonelist_cb cb, void *ctx,
                          struct nsdconf_diag *diag);
