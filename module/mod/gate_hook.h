/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access gate, knotd glue: the BEGIN hook, counters and logging of mod-nsd's gate. */
#pragma once

#include <knot/module.h>

#include "conf/model.h"

struct gate_hook;

/* The gate registers the module's first counters (knotd numbers a module's counters
 * in the order they are registered): "allowed" and "refused" (per axfr, ixfr, notify,
 * query) and "tsig-error" (per badkey, badsig, badtime). Counters other parts add come
 * after these. */
#define GATE_HOOK_COUNTERS	3

/* Registers the counters and the global BEGIN hook of mod. Until gate_hook_apply
 * compiles this instance's nsd.conf, the gate enforces the rules of the last good
 * nsd.conf an earlier instance compiled, or is off (knotd's ACL from the generated
 * include applies alone). KNOT_EOK, or the error (logged; *out NULL, the gate off). */
int gate_hook_load(knotd_mod_t *mod, struct gate_hook **out);

/* Compiles the keeper's parse of nsd.conf into the gate's rules. m NULL (a broken
 * nsd.conf): the rules in force stay. KNOT_EOK, or KNOT_ENOMEM: the rules in force stay
 * too (logged), as for a broken nsd.conf. */
int gate_hook_apply(struct gate_hook *h, const struct nsdconf_model *m);

/* Drops h's reference to its rules and frees h. NULL is fine. */
void gate_hook_unload(struct gate_hook *h);

/* Defined in nsd.c: the gate of a mod-nsd instance, kept in its module context. */
struct gate_hook *nsd_gate(knotd_mod_t *mod);
