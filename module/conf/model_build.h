/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Building the model (parser, zonelist reader, include-pattern merge); not for readers. */
#pragma once

#include "conf/model.h"

struct nsdconf_model *nsdconf_model_new(void);
bool nsdconf_model_add_key(struct nsdconf_model *m, struct nsdconf_key *k);
bool nsdconf_model_add_tls_auth(struct nsdconf_model *m, struct nsdconf_tls_auth *t);
bool nsdconf_model_add_pattern(struct nsdconf_model *m, struct nsdconf_pattern *p);
bool nsdconf_model_add_zone(struct nsdconf_model *m, struct nsdconf_zone *z);
/* Names zone z (computing its domain name once) and tells whether the implicit
 * pattern "_implicit_<name>" already exists (NSD refuses to create the zone then). */
bool nsdconf_model_zone_named(struct nsdconf_model *m, struct nsdconf_zone *z, const char *name);
uint8_t *nsdconf_model_dname(struct nsdconf_model *m, const char *name);

/* Appends entry at the end of the ACL list of slot s. */
void nsdconf_pattern_append_acl(struct nsdconf_pattern *p, enum nsdconf_pslot s,
                                struct nsdconf_acl *entry, struct nsdconf_arena *arena);
/* include-pattern: merges src into dst by each option's table merge rule. */
void nsdconf_pattern_apply(struct nsdconf_pattern *dst, const struct nsdconf_pattern *src,
                           struct nsdconf_arena *arena);
