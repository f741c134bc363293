/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replacing a file so that readers (and a crash) see the old or the new contents, never a
 * part: the Knot include the keeper writes, the zonelistfile the control server writes. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Writes "<path>.tmp.<pid>" beside path with mode, fsyncs it, renames it over path and
 * fsyncs the folder. Returns 0, or an errno with *failed naming the step's file (the
 * temporary file, or path for the rename) in buf; the temporary file is removed. A
 * failed folder sync after the rename is not an error (the new contents are in place)
 * but sets *dir_sync_err. */
int nsdconf_file_replace(const char *path, const char *text, size_t len, mode_t mode,
                         char *failed, size_t failed_len, int *dir_sync_err);

/* The folder of path: "." when it has none, "/" for a file in the root. */
void nsdconf_dir_of(const char *path, char *dir, size_t size);
