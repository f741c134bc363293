/* SPDX-License-Identifier: GPL-3.0-or-later */
/* zonefile: templates (%s %1 %2 %3 %z %y %x) expanded as NSD 4.6.1's config_make_zonefile. */
#pragma once

#include "conf/arena.h"

/* Expands tmpl for the zone named name (as written in the config: case and trailing
 * dot kept). Returns tmpl itself when it contains no '%', else arena memory (NULL
 * when out of memory). */
const char *nsdconf_zonefile_expand(const char *tmpl, const char *name,
                                    struct nsdconf_arena *arena);

/* Absolute path of a zonefile as NSD opens it: relative paths are relative to
 * zonesdir (NSD chdir()s there; "" or NULL means the start directory, cwd). NULL
 * when out of memory. */
const char *nsdconf_zonefile_path(const char *expanded, const char *zonesdir,
                                  const char *cwd, struct nsdconf_arena *arena);
