/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping helpers: text buffer, yparser value quoting, string map, section ids. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "conf/arena.h"
#include "conf/index.h"
#include "conf/mem.h"
#include "knotmap/knotmap_int.h"

void knotmap_nomem(struct knotmap_ctx *c)
{
	if (c->err == 0) {
		c->err = KNOT_ENOMEM;
	}
}

void knotmap_buf_free(struct knotmap_buf *b)
{
	if (b == NULL) {
		return;
	}
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static bool kbuf_grow(struct kbuf *k, size_t more)
{
	struct knotmap_buf *b = &k->b;
	size_t cap;
	char *data;

	if (k->oom) {
		return false;
	}
	if (b->len + more + 1 <= b->cap) {
		return true;
	}
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1 && cap <= SIZE_MAX / 2) {
		cap *= 2;
	}
	data = cap >= b->len + more + 1 ? nsdconf_realloc(b->data, cap) : NULL;
	if (data == NULL) {
		k->oom = true;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

void kbuf_add(struct kbuf *k, const char *s, size_t len)
{
	if (!kbuf_grow(k, len)) {
		return;
	}
	memcpy(k->b.data + k->b.len, s, len);
	k->b.len += len;
	k->b.data[k->b.len] = '\0';
}

void kbuf_puts(struct kbuf *k, const char *s)
{
	kbuf_add(k, s, strlen(s));
}

void kbuf_printf(struct kbuf *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !kbuf_grow(k, (size_t)n)) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(k->b.data + k->b.len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	k->b.len += (size_t)n;
}

void kbuf_num(struct kbuf *k, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0) {
		*--p = '-';
	}
	kbuf_add(k, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * Knot's yparser (libknot/yparser/ypbody.rl) is not YAML: a value is a run of
 * printable characters without blanks, '#', '"', '[', ',', ']', or a "..."
 * string that may hold those (a quote as \").  A backslash followed by any
 * other printable ASCII character is kept together with it, which is what a
 * domain name's \DDD escapes need.  Control characters, a backslash before a
 * quote and a trailing backslash have no spelling at all.
 */
bool knotmap_value_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			return false;
		}
		if (*p == '\\') {
			if (p[1] < 0x20 || p[1] > 0x7e || p[1] == '"') {
				return false;
			}
			p++;
		}
	}
	return true;
}

static bool needs_quotes(const char *s)
{
	if (*s == '\0') {
		return true;
	}
	return strpbrk(s, " #\"[,]") != NULL;
}

bool kbuf_value(struct kbuf *k, const char *s)
{
	if (!knotmap_value_ok(s)) {
		return false;
	}
	if (!needs_quotes(s)) {
		kbuf_puts(k, s);
		return true;
	}
	kbuf_add(k, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"') {
			kbuf_add(k, "\\", 1);
		}
		kbuf_add(k, p, 1);
	}
	kbuf_add(k, "\"", 1);
	return true;
}

/*
 * The model's hash index (conf/index.h) with the map's keys and value cells in the
 * render's arena: a slot is a cell that stays put, so callers fill it in after the
 * lookup. Against strmap's own open addressing table this costs no measurable time
 * (convert of 100 000 zones: 0.33 s CPU either way) and some 9 MiB less memory, as
 * no outgrown table is left in the arena.
 */
struct strmap {
	struct nsdconf_index *ix;
	struct nsdconf_arena *arena;
	int *err;                  /* the render's first error */
	struct strmap *next;       /* the render's maps, freed together */
};

/* What a map that ran out of memory hands out: written, never read (the render fails). */
static __thread void *lost_cell;

struct strmap *strmap_new(struct knotmap_ctx *c)
{
	struct strmap *m = nsdconf_calloc(1, sizeof(*m));

	if (m != NULL) {
		m->ix = nsdconf_index_new();
	}
	if (m == NULL || m->ix == NULL) {
		free(m);
		knotmap_nomem(c);
		return NULL;
	}
	m->arena = c->arena;
	m->err = &c->err;
	m->next = c->maps;
	c->maps = m;
	return m;
}

void strmap_free_all(struct knotmap_ctx *c)
{
	while (c->maps != NULL) {
		struct strmap *m = c->maps;

		c->maps = m->next;
		nsdconf_index_free(m->ix);
		free(m);
	}
}

void **strmap_slot(struct strmap *m, const char *key, size_t len, bool *created)
{
	if (created != NULL) {
		*created = true;
	}
	if (m != NULL) {
		void **cell = nsdconf_index_get(m->ix, key, len);
		char *copy;

		if (cell != NULL) {
			if (created != NULL) {
				*created = false;
			}
			return cell;
		}
		copy = nsdconf_arena_strndup(m->arena, key, len);
		cell = nsdconf_arena_alloc(m->arena, sizeof(*cell));
		if (copy != NULL && cell != NULL &&
		    nsdconf_index_insert(m->ix, copy, len, cell) == KNOT_EOK) {
			return cell;
		}
		if (*m->err == 0) {
			*m->err = KNOT_ENOMEM;
		}
	}
	lost_cell = NULL;
	return &lost_cell;
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	void **cell = m != NULL ? nsdconf_index_get(m->ix, key, len) : NULL;

	return cell != NULL ? *cell : NULL;
}

struct idset {
	struct nsdconf_arena *arena;
	struct strmap *used;
	int *err;                  /* the render's first error */
};

struct idset *idset_new(struct knotmap_ctx *c)
{
	struct idset *s = nsdconf_arena_alloc(c->arena, sizeof(*s));

	if (s == NULL) {
		knotmap_nomem(c);
		return NULL;
	}
	s->arena = c->arena;
	s->used = strmap_new(c);
	s->err = &c->err;
	return s;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._@/:+-", c) != NULL;
}

/* What an idset out of memory hands out: the render fails, so the id is never read. */
static const char lost_id[] = "nsd-lost";

const char *idset_make(struct idset *s, const char *text)
{
	size_t len = strlen(text);
	char *id = s != NULL ? nsdconf_arena_alloc(s->arena, len + 16) : NULL;
	bool created;

	if (id == NULL) {
		/* idset_new() failed and said so; otherwise say it here. */
		if (s != NULL && *s->err == 0) {
			*s->err = KNOT_ENOMEM;
		}
		return lost_id;
	}
	for (size_t i = 0; i < len; i++) {
		id[i] = id_char(text[i]) ? text[i] : '_';
	}
	id[len] = '\0';
	/* Two texts can sanitise alike (key names differing in an escape). */
	for (unsigned n = 2; ; n++) {
		strmap_slot(s->used, id, strlen(id), &created);
		if (created) {
			return id;
		}
		snprintf(id + len, 16, "~%u", n);
	}
}

bool idset_claim(struct idset *s, const char *text)
{
	bool created = false;

	if (s == NULL || text[0] == '\0') {
		return false;
	}
	for (const char *t = text; *t != '\0'; t++) {
		if (!id_char(*t)) {
			return false;
		}
	}
	strmap_slot(s->used, text, strlen(text), &created);
	return created;
}

void **strmap_ptr_slot(struct strmap *m, int tag, const void *a, const void *b, bool *created)
{
	struct { const void *a, *b; intptr_t tag; } key = { a, b, tag };

	return strmap_slot(m, (const char *)&key, sizeof(key), created);
}
