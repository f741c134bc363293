/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Watch mode's file set: which files nsd.conf was read from, their contents' hashes, folders. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct watch_file {
	char *path;      /* absolute, as nsd.conf names it */
	char *real;      /* realpath() when it differs (a symlink's target), else NULL */
	uint64_t hash;   /* of the contents; 0 with exists false */
	bool exists;
};

struct watch_set {
	struct watch_file *f;   /* nsd.conf first, then its includes, then the zonelistfile */
	size_t nf;
	char **globs;           /* every include: name (absolute): a file that appears there counts */
	size_t ng;
	char **dirs;            /* folders to watch (editors replace files by rename) */
	size_t nd;
};

/* Builds the set of files (relative names taken from cwd) plus zonelist (may be NULL or
 * ""). Files that prev holds keep prev's hash: prev is what the running configuration
 * was read from, and a change since then must still count as one. KNOT_EOK or
 * KNOT_ENOMEM. */
int watch_set_build(struct watch_set *s, const char *const *files, size_t n,
                    const char *zonelist, const char *cwd, const struct watch_set *prev);
void watch_set_free(struct watch_set *s);

/* One number for the whole set: paths, existence and contents. */
uint64_t watch_set_signature(const struct watch_set *s);

/* Whether an event for name in folder dir can change the configuration: a file of the
 * set (or its symlink target), or a name an include: glob matches. */
bool watch_set_relevant(const struct watch_set *s, const char *dir, const char *name);

/* Calls cb for every include: name in an nsd.conf text (comments skipped, quotes
 * removed). NSD takes include: anywhere, so does this. */
void watch_scan_includes(const char *text, size_t len,
                         void (*cb)(void *ctx, const char *name), void *ctx);
