/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, knotd glue: the BEGIN hook, counters and logging of mod-nsd's gate. */
#pragma once

#include <knot/module.h>

#include "mod/include_keeper.h"

struct gate_hook;

/* The gate registers the module's first counters (knotd numbers a module's counters
 * in the order they are registered): "allowed" and "refused" (per axfr, ixfr, notify,
 * query) and "tsig-error" (per badkey, badsig, badtime). Counters other parts add come
 * after these. */
#define GATE_HOOK_COUNTERS	3

/* Registers the counters and the global BEGIN hook of mod, and hooks itself into ko so
 * that the keeper's parse of nsd.conf (keeper_run with ko, right after this call)
 * compiles the gate. Until a good nsd.conf has been parsed once the gate is off
 * (knotd's ACL from the generated include applies alone); while nsd.conf is broken it
 * keeps enforcing the last good one. NULL on ENOMEM (logged; the gate is off). */
struct gate_hook *gate_hook_load(knotd_mod_t *mod, struct keeper_opts *ko);
void gate_hook_unload(struct gate_hook *h);

/* Defined in nsd.c: the gate of a mod-nsd instance, kept in its module context. */
struct gate_hook *nsd_gate(knotd_mod_t *mod);
