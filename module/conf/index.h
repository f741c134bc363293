/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hash index of the model: names (exact strings) or wire domain names to objects. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct nsdconf_index;

/* dname: keys are wire-format domain names (compared as bytes), else C strings. */
struct nsdconf_index *nsdconf_index_new(bool dname);
void nsdconf_index_free(struct nsdconf_index *ix);
void *nsdconf_index_get(const struct nsdconf_index *ix, const void *key);
/* Inserts key -> val unless key is present; false (nothing changed) if it is.
 * The key must stay valid as long as the index. */
bool nsdconf_index_insert(struct nsdconf_index *ix, const void *key, void *val);
size_t nsdconf_index_count(const struct nsdconf_index *ix);
