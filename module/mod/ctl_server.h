/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's remote control: NSD's control port (NSDCT1 over TLS, or a unix socket)
 * served in knotd by one thread that outlives reloads. */
#pragma once

#include <knot/module.h>

struct nsdconf_model;

/* At load, with the model of the nsd.conf this instance read (NULL: broken, the last
 * good one stays in force): the thread starts, or is told what to listen on and which
 * zones and patterns there are. */
void ctl_server_load(knotd_mod_t *mod, const struct nsdconf_model *m, const char *config,
                     const char *include);

/* At unload: the last instance stops the thread (a command in progress ends first,
 * bounded by the knotd control timeout) and closes the sockets. */
void ctl_server_unload(knotd_mod_t *mod);
