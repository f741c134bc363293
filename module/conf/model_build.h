/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Building the model (parser, zonelist reader, include-pattern merge); not for readers. */
#pragma once

#include "conf/model.h"

/* An empty model, or NULL when out of memory. */
struct nsdconf_model *nsdconf_model_new(void);
/* Adding to the model: KNOT_EOK, KNOT_EEXIST (the name is taken: NSD's "duplicate"),
 * KNOT_EINVAL (a zone name that does not parse) or KNOT_ENOMEM. */
int nsdconf_model_add_key(struct nsdconf_model *m, struct nsdconf_key *k);
int nsdconf_model_add_tls_auth(struct nsdconf_model *m, struct nsdconf_tls_auth *t);
int nsdconf_model_add_pattern(struct nsdconf_model *m, struct nsdconf_pattern *p);
int nsdconf_model_add_zone(struct nsdconf_model *m, struct nsdconf_zone *z);
/* Names zone z after its implicit pattern's name "_implicit_<name>" (computing its
 * domain name once) and tells whether that pattern already exists (NSD refuses to
 * create the zone then). Out of memory leaves z->dname NULL (the arena tells). */
bool nsdconf_model_zone_named(struct nsdconf_model *m, struct nsdconf_zone *z,
                              const char *implicit_name);
/* Wire form, lower case, in the arena; NULL if it does not parse or out of memory. */
uint8_t *nsdconf_model_dname(struct nsdconf_model *m, const char *name);

/* Appends entry at the end of the ACL list of slot s: KNOT_EOK or KNOT_ENOMEM (a list
 * shared with an included pattern is copied first). */
int nsdconf_pattern_append_acl(struct nsdconf_pattern *p, enum nsdconf_pslot s,
                               struct nsdconf_acl *entry, struct nsdconf_arena *arena);
/* include-pattern: merges src into dst by each option's table merge rule: KNOT_EOK
 * or KNOT_ENOMEM (dst is then half merged: the parse fails). */
int nsdconf_pattern_apply(struct nsdconf_pattern *dst, const struct nsdconf_pattern *src,
                          struct nsdconf_arena *arena);
