/* SPDX-License-Identifier: GPL-3.0-or-later */
/* include-pattern: NSD's config_apply_pattern, driven by the option table's merge rules. */
#include <pthread.h>

#include <libknot/errcode.h>

#include "conf/model_build.h"

/* Gives p its own copy of an ACL list it shares with an included pattern. On
 * KNOT_ENOMEM the list stays shared (and complete). */
static int acl_list_unshare(struct nsdconf_pattern *p, enum nsdconf_pslot s,
                            struct nsdconf_arena *arena)
{
	if (!((p->shared >> s) & 1)) {
		return KNOT_EOK;
	}
	struct nsdconf_acl *head = NULL, **tail = &head;
	for (const struct nsdconf_acl *a = p->val[s].acl; a != NULL; a = a->next) {
		*tail = nsdconf_acl_copy(a, arena);
		if (*tail == NULL) {
			return KNOT_ENOMEM;
		}
		tail = &(*tail)->next;
	}
	p->val[s].acl = head;
	p->shared &= ~(1ULL << s);
	return KNOT_EOK;
}

int nsdconf_pattern_append_acl(struct nsdconf_pattern *p, enum nsdconf_pslot s,
                               struct nsdconf_acl *entry, struct nsdconf_arena *arena)
{
	if (acl_list_unshare(p, s, arena) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}
	/* Lists are short (a handful of entries), so walking to the tail is cheap. */
	struct nsdconf_acl **tail = &p->val[s].acl;
	while (*tail != NULL) {
		tail = &(*tail)->next;
	}
	entry->next = NULL;
	*tail = entry;
	p->set |= 1ULL << s;
	return KNOT_EOK;
}

/* The merge rule of each pattern slot, read from the option table once. */
static uint8_t merge_rule[NSDCONF_P_SLOTS];
static uint64_t always_copied;   /* slots merged even when the pattern left them unset */
static pthread_once_t merge_once = PTHREAD_ONCE_INIT;
static bool merge_ready;          /* checked inline: include-pattern runs once per zone */

static void merge_rules_init(void)
{
	for (int s = 0; s < NSDCONF_P_SLOTS; s++) {
		const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_PATTERN, s);
		merge_rule[s] = o != NULL ? o->merge : NSDCONF_M_NONE;
		if (merge_rule[s] == NSDCONF_M_ALWAYS) {
			always_copied |= 1ULL << s;
		}
	}
	__atomic_store_n(&merge_ready, true, __ATOMIC_RELEASE);
}

/* dst's value of slot s now comes from src: so does where it was written. */
static void loc_copy(struct nsdconf_pattern *dst, const struct nsdconf_pattern *src, int s,
                     struct nsdconf_arena *arena)
{
	const struct nsdconf_loc *from = nsdconf_loc_find(src->loc, s);
	if (from == NULL) {
		return;
	}
	struct nsdconf_loc *l = nsdconf_arena_alloc(arena, sizeof(*l));
	if (l == NULL) {
		return;   /* the arena's failure is sticky: the caller sees it */
	}
	*l = *from;
	l->next = dst->loc;
	dst->loc = l;
}

int nsdconf_pattern_apply(struct nsdconf_pattern *dst, const struct nsdconf_pattern *src,
                          struct nsdconf_arena *arena)
{
	if (!__atomic_load_n(&merge_ready, __ATOMIC_ACQUIRE)) {
		pthread_once(&merge_once, merge_rules_init);
	}
	/* Only set slots can change dst, apart from those NSD always copies. */
	uint64_t todo = src->set | always_copied;
	while (todo != 0) {
		int s = __builtin_ctzll(todo);
		todo &= todo - 1;
		bool set = nsdconf_pset(src, s);
		/* Value merges (not the lists, whose entries carry their own lines). */
		bool copied = set && (merge_rule[s] == NSDCONF_M_IF_SET ||
		                      merge_rule[s] == NSDCONF_M_ALWAYS ||
		                      merge_rule[s] == NSDCONF_M_OR ||
		                      (merge_rule[s] == NSDCONF_M_IF_YES && src->val[s].num));
		if (copied && src->loc != NULL) {
			loc_copy(dst, src, s, arena);
		}
		switch (merge_rule[s]) {
		case NSDCONF_M_IF_SET:
			if (set) {
				dst->val[s] = src->val[s];
				dst->set |= 1ULL << s;
			}
			break;
		case NSDCONF_M_ALWAYS:
			/* NSD copies size-limit-xfr unconditionally: an unset pattern resets it. */
			dst->val[s] = src->val[s];
			dst->set = (dst->set & ~(1ULL << s)) | (src->set & (1ULL << s));
			break;
		case NSDCONF_M_IF_YES:
			if (set && src->val[s].num) {
				dst->val[s].num = 1;
				dst->set |= 1ULL << s;
			}
			break;
		case NSDCONF_M_OR:
			if (set) {
				dst->val[s].num |= src->val[s].num;
				dst->set |= 1ULL << s;
			}
			break;
		case NSDCONF_M_APPEND:
			if (dst->val[s].acl == NULL) {
				/* NSD copies the entries; sharing the finished list of the
				 * pattern until dst appends its own saves a copy per zone. */
				dst->val[s].acl = src->val[s].acl;
				dst->shared |= 1ULL << s;
				dst->set |= 1ULL << s;
				break;
			}
			for (const struct nsdconf_acl *a = src->val[s].acl; a != NULL; a = a->next) {
				struct nsdconf_acl *copy = nsdconf_acl_copy(a, arena);
				if (copy == NULL ||
				    nsdconf_pattern_append_acl(dst, s, copy, arena) != KNOT_EOK) {
					return KNOT_ENOMEM;
				}
			}
			break;
		case NSDCONF_M_NEVER:
		case NSDCONF_M_NONE:
		default:
			break;
		}
	}
	return nsdconf_arena_failed(arena) ? KNOT_ENOMEM : KNOT_EOK;
}
