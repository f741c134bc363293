/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping helpers: text buffer, yparser value quoting, string map, section ids. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/arena.h"
#include "conf/hash.h"
#include "knotmap/knotmap_int.h"

void knotmap_buf_free(struct knotmap_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static bool kbuf_grow(struct kbuf *k, size_t more)
{
	struct knotmap_buf *b = &k->b;
	size_t cap;
	char *data;

	if (k->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	data = realloc(b->data, cap);
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
	if (!kbuf_grow(k, len))
		return;
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
	if (n < 0 || !kbuf_grow(k, (size_t)n))
		return;
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
	if (v < 0)
		*--p = '-';
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
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p == '\\') {
			if (p[1] < 0x20 || p[1] > 0x7e || p[1] == '"')
				return false;
			p++;
		}
	}
	return true;
}

static bool needs_quotes(const char *s)
{
	if (*s == '\0')
		return true;
	return strpbrk(s, " #\"[,]") != NULL;
}

bool kbuf_value(struct kbuf *k, const char *s)
{
	if (!knotmap_value_ok(s))
		return false;
	if (!needs_quotes(s)) {
		kbuf_puts(k, s);
		return true;
	}
	kbuf_add(k, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			kbuf_add(k, "\\", 1);
		kbuf_add(k, p, 1);
	}
	kbuf_add(k, "\"", 1);
	return true;
}

/* Open addressing over conf/hash.h; the renderer looks up every zone's settings here. */
struct strmap_ent {
	const char *key;
	size_t len;
	uint64_t hash;
	void *val;
};

struct strmap {
	struct nsdconf_arena *arena;
	struct strmap_ent *ent;
	size_t cap, count;
};

struct strmap *strmap_new(struct nsdconf_arena *arena)
{
	struct strmap *m = nsdconf_arena_alloc(arena, sizeof(*m));

	m->arena = arena;
	m->cap = 64;
	m->ent = nsdconf_arena_alloc(arena, m->cap * sizeof(*m->ent));
	return m;
}

static void strmap_grow(struct strmap *m)
{
	size_t cap = m->cap * 2;
	/* Old tables stay in the arena: at most as much again as the last one. */
	struct strmap_ent *ent = nsdconf_arena_alloc(m->arena, cap * sizeof(*ent));

	for (size_t i = 0; i < m->cap; i++) {
		struct strmap_ent *e = &m->ent[i];
		size_t j;

		if (e->key == NULL)
			continue;
		for (j = e->hash & (cap - 1); ent[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		ent[j] = *e;
	}
	m->ent = ent;
	m->cap = cap;
}

void **strmap_slot(struct strmap *m, const char *key, size_t len, bool *created)
{
	uint64_t h = nsdconf_hash(key, len, 0);
	size_t i;

	if (2 * (m->count + 1) > m->cap)
		strmap_grow(m);
	for (i = h & (m->cap - 1); m->ent[i].key != NULL; i = (i + 1) & (m->cap - 1)) {
		struct strmap_ent *e = &m->ent[i];

		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0) {
			if (created != NULL)
				*created = false;
			return &e->val;
		}
	}
	m->ent[i].key = nsdconf_arena_strndup(m->arena, key, len);
	m->ent[i].len = len;
	m->ent[i].hash = h;
	m->ent[i].val = NULL;
	m->count++;
	if (created != NULL)
		*created = true;
	return &m->ent[i].val;
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	uint64_t h = nsdconf_hash(key, len, 0);

	for (size_t i = h & (m->cap - 1); m->ent[i].key != NULL; i = (i + 1) & (m->cap - 1)) {
		const struct strmap_ent *e = &m->ent[i];

		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
			return e->val;
	}
	return NULL;
}

size_t strmap_count(const struct strmap *m)
{
	return m->count;
}

struct idset {
	struct nsdconf_arena *arena;
	struct strmap *used;
};

struct idset *idset_new(struct nsdconf_arena *arena)
{
	struct idset *s = nsdconf_arena_alloc(arena, sizeof(*s));

	s->arena = arena;
	s->used = strmap_new(arena);
	return s;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._@/:+-", c) != NULL;
}

const char *idset_make(struct idset *s, const char *text)
{
	size_t len = strlen(text);
	char *id = nsdconf_arena_alloc(s->arena, len + 16);
	bool created;

	for (size_t i = 0; i < len; i++)
		id[i] = id_char(text[i]) ? text[i] : '_';
	id[len] = '\0';
	/* Two texts can sanitise alike (key names differing in an escape). */
	for (unsigned n = 2; ; n++) {
		strmap_slot(s->used, id, strlen(id), &created);
		if (created)
			return id;
		snprintf(id + len, 16, "~%u", n);
	}
}

void **strmap_ptr_slot(struct strmap *m, int tag, const void *a, const void *b, bool *created)
{
	struct { const void *a, *b; intptr_t tag; } key = { a, b, tag };

	return strmap_slot(m, (const char *)&key, sizeof(key), created);
}
