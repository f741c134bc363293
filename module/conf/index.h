/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hash index of the model: names or wire domain names (byte strings) to objects. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct nsdconf_index;

/* An empty index, or NULL when out of memory. */
struct nsdconf_index *nsdconf_index_new(void);
void nsdconf_index_free(struct nsdconf_index *ix);
/* Keys are len bytes compared as bytes (the caller decides what a key is: a name
 * without its NUL, a wire-format domain name). */
void *nsdconf_index_get(const struct nsdconf_index *ix, const void *key, size_t len);
/* Inserts key -> val unless key is present. KNOT_EOK, KNOT_EEXIST if it is, or
 * KNOT_ENOMEM; nothing changed unless KNOT_EOK. The key must stay valid as long as
 * the index. */
int nsdconf_index_insert(struct nsdconf_index *ix, const void *key, size_t len, void *val);
size_t nsdconf_index_count(const struct nsdconf_index *ix);
