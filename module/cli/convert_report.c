/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd convert --report: one line per option written in nsd.conf, in text order, and the exit status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/convert.h"
#include "knotmap/knotmap_target.h"

struct line {
	const char *file;
	int line;
	size_t seq;                /* arrival order, for a stable sort */
	const char *option;
	enum nsdconf_knot verdict;
	bool security;
	char *how;
};

struct convert_report {
	const struct nsdconf_model *m;
	enum convert_mode mode;
	unsigned knot;             /* the target knotd */
	bool keep;                 /* keep every line (to print), not only the verdicts */
	struct line *v;
	size_t n, cap;
	enum convert_exit status;  /* of the lines not kept */
	bool oom;
};

struct convert_report *convert_report_new(const struct nsdconf_model *m, enum convert_mode mode,
                                          unsigned knot_version, bool keep)
{
	struct convert_report *r = calloc(1, sizeof(*r));

	if (r != NULL) {
		r->m = m;
		r->mode = mode;
		r->knot = knot_version;
		r->keep = keep;
	}
	return r;
}

void convert_report_free(struct convert_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].how);
	free(r->v);
	free(r);
}

static enum convert_exit line_status(enum nsdconf_knot verdict, bool security)
{
	if (security || verdict == NSDCONF_K_UNSUPPORTED)
		return CONVERT_SECURITY;
	return verdict == NSDCONF_K_APPROX ? CONVERT_APPROX : CONVERT_EXACT;
}

static void add(struct convert_report *r, const char *file, int line, const char *option,
                enum nsdconf_knot verdict, bool security, const char *how, bool keep)
{
	if (!keep) {
		enum convert_exit st;

		if (r->mode != CONVERT_NATIVE && (verdict == NSDCONF_K_MODULE ||
		                                  (verdict == NSDCONF_K_APPROX && security)))
			return;
		st = line_status(verdict == NSDCONF_K_MODULE ? NSDCONF_K_APPROX : verdict, security);
		if (st > r->status)
			r->status = st;
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct line *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL) {
			r->oom = true;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	/* What a verdict means depends on who enforces it: with mod-nsd loaded, what
	 * knotd's own acl holds too wide the module narrows to NSD's answer. */
	if (r->mode != CONVERT_NATIVE && (verdict == NSDCONF_K_MODULE ||
	                                  (verdict == NSDCONF_K_APPROX && security))) {
		verdict = NSDCONF_K_MODULE;
		security = false;
	} else if (r->mode == CONVERT_NATIVE && verdict == NSDCONF_K_MODULE) {
		verdict = NSDCONF_K_APPROX;
	}
	r->v[r->n] = (struct line){
		.file = file, .line = line, .seq = r->n, .option = option, .verdict = verdict,
		.security = security, .how = strdup(how != NULL ? how : ""),
	};
	if (r->v[r->n].how == NULL) {
		r->oom = true;
		return;
	}
	r->n++;
}

bool convert_report_failed(const struct convert_report *r)
{
	return r->oom;
}

void convert_report_note(void *ctx, const struct knotmap_note *note)
{
	struct convert_report *r = ctx;

	/* Notes are kept: they decide which occurrences need a line of their own. */
	add(r, note->file, note->line, note->option, note->verdict, note->security, note->how, true);
}

/* Occurrences: which ones a note already covers. */

static int line_key_cmp(const struct line *a, const char *file, int line, const char *option)
{
	int c = strcmp(a->file != NULL ? a->file : "", file != NULL ? file : "");

	if (c != 0)
		return c;
	if (a->line != line)
		return a->line < line ? -1 : 1;
	return strcmp(a->option, option);
}

static const struct convert_report *sort_report;

static int line_idx_cmp(const void *x, const void *y)
{
	const struct line *a = &sort_report->v[*(const size_t *)x];
	const struct line *b = &sort_report->v[*(const size_t *)y];

	return line_key_cmp(a, b->file, b->line, b->option);
}

static bool covered(const struct convert_report *r, const size_t *idx, size_t n,
                    const struct nsdconf_occurrence *o)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = line_key_cmp(&r->v[idx[mid]], o->file, o->line, o->name);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Patterns some zone uses, directly or through include-pattern. */
struct used {
	const void **v;
	size_t n, cap;
};

static int ptr_cmp(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)*(const void *const *)x, b = (uintptr_t)*(const void *const *)y;

	return a < b ? -1 : a > b;
}

static bool used_has(const struct used *u, const void *p)
{
	return p != NULL && bsearch(&p, u->v, u->n, sizeof(*u->v), ptr_cmp) != NULL;
}

static void used_add(struct used *u, const void *p)
{
	size_t i;

	if (p == NULL || used_has(u, p))
		return;
	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 64;
		const void **v = realloc(u->v, cap * sizeof(*v));

		if (v == NULL)
			return;
		u->v = v;
		u->cap = cap;
	}
	/* Kept sorted: there are few named patterns, and zones' own are added in bulk. */
	for (i = u->n; i > 0 && (uintptr_t)u->v[i - 1] > (uintptr_t)p; i--)
		u->v[i] = u->v[i - 1];
	u->v[i] = p;
	u->n++;
}

static void used_build(const struct nsdconf_model *m, const struct nsdconf_occurrence **occ,
                       size_t n_occ, struct used *u)
{
	/* Zone patterns first, sorted at once (100 000 zones). */
	u->v = malloc((m->n_zones + 1) * sizeof(*u->v));
	u->cap = u->v != NULL ? (size_t)m->n_zones + 1 : 0;
	for (int i = 0; u->v != NULL && i < m->n_zones; i++)
		u->v[u->n++] = m->zones[i]->pattern;
	if (u->n > 0)
		qsort(u->v, u->n, sizeof(*u->v), ptr_cmp);
	/* the consumed catalog's members can get any such pattern (knotmap_catalog.c) */
	if (nsdconf_catalog_consumer(m, NULL) != NULL) {
		for (int i = 0; i < m->n_patterns; i++) {
			if (nsdconf_pattern_member_capable(m->patterns[i]))
				used_add(u, m->patterns[i]);
		}
	}
	/* include-pattern names an earlier pattern: walking back, an including pattern's
	 * use is known before the patterns it includes are reached. */
	for (size_t i = n_occ; i > 0; i--) {
		const struct nsdconf_occurrence *o = occ[i - 1];

		if (o->ref != NULL && used_has(u, o->owner))
			used_add(u, o->ref);
	}
}

static const struct nsdconf_loc *owner_locs(const struct nsdconf_model *m,
                                            const struct nsdconf_occurrence *o)
{
	switch (o->clause) {
	case NSDCONF_CL_KEY: return ((const struct nsdconf_key *)o->owner)->loc;
	case NSDCONF_CL_PATTERN:
	case NSDCONF_CL_ZONE: return ((const struct nsdconf_pattern *)o->owner)->loc;
	case NSDCONF_CL_TLS_AUTH: return NULL;
	default: return m->global_loc;
	}
}

/* Options whose occurrences add up rather than replace each other. */
static bool accumulates(const struct nsdconf_option *row)
{
	switch (row->type) {
	case NSDCONF_T_ACL:
	case NSDCONF_T_ACL_XFR:
	case NSDCONF_T_ACL_NOTIFY:
	case NSDCONF_T_ACL_OUT:
	case NSDCONF_T_IPLIST:
	case NSDCONF_T_RRL_TYPES:
	case NSDCONF_T_INCLUDE_PATTERN:
	case NSDCONF_T_SERVICE_CPU:
	case NSDCONF_T_IP_ONLY:
	case NSDCONF_T_IGNORED_BOOL:
	case NSDCONF_T_IGNORED_STR:
		return true;
	default:
		return row->merge == NSDCONF_M_OR;
	}
}

static void add_occ(struct convert_report *r, const struct nsdconf_occurrence *o,
                    enum nsdconf_knot verdict, bool security, const char *how)
{
	add(r, o->file, o->line, o->name, verdict, security, how, r->keep);
}

/* The line of an occurrence no note covers. */
static void fallback(struct convert_report *r, const struct used *u,
                     const struct nsdconf_occurrence *o)
{
	const struct nsdconf_option *row = o->row;
	const struct nsdconf_loc *now;
	struct knotmap_verdict verdict;
	char how[512];

	if (row == NULL) {   /* server-<N>-cpu-affinity */
		row = nsdconf_option_slot(NSDCONF_CL_SERVER, NSDCONF_G_SERVICE_CPU_AFFINITY);
		verdict = knotmap_row_verdict(r->knot, row);
		add_occ(r, o, verdict.knot, false, verdict.note);
		return;
	}
	if (!accumulates(row) && o->loc != NULL) {
		now = nsdconf_loc_find(owner_locs(r->m, o), row->slot);
		if (now != NULL && now != o->loc) {
			snprintf(how, sizeof(how), "overridden by the value at %s:%d", now->file,
			         now->line);
			add_occ(r, o, NSDCONF_K_NONE, false, how);
			return;
		}
	}
	switch (o->clause) {
	case NSDCONF_CL_PATTERN:
		if (!used_has(u, o->owner)) {
			snprintf(how, sizeof(how), "pattern %s is used by no zone",
			         ((const struct nsdconf_pattern *)o->owner)->name);
			add_occ(r, o, NSDCONF_K_NONE, false, how);
			return;
		}
		/* fall through */
	case NSDCONF_CL_ZONE:
		if (o->clause == NSDCONF_CL_PATTERN && row->merge == NSDCONF_M_NEVER) {
			add_occ(r, o, NSDCONF_K_NONE, false,
			        "NSD does not pass it on to the zones that include the pattern");
			return;
		}
		if (row->slot != NSDCONF_P_NAME && !accumulates(row) &&
		    !nsdconf_pset((const struct nsdconf_pattern *)o->owner, row->slot)) {
			add_occ(r, o, NSDCONF_K_NONE, false,
			    "reset by a later include-pattern");
			return;
		}
		break;
	case NSDCONF_CL_KEY:
	case NSDCONF_CL_TLS_AUTH:
		break;
	default:
		if (r->mode == CONVERT_INCLUDE) {
			add_occ(r, o, NSDCONF_K_NONE, false,
			    "server-wide: it belongs in your knot.conf, the include holds none");
			return;
		}
		break;
	}
	verdict = knotmap_row_verdict(r->knot, row);
	add_occ(r, o, verdict.knot, false, verdict.note);
}

/* The occurrences as an array, in text order (one walk of the list). */
static const struct nsdconf_occurrence **occurrences(const struct nsdconf_model *m, size_t *n)
{
	const struct nsdconf_occurrence **v = NULL, **grown;
	size_t cap = 0;

	*n = 0;
	for (const struct nsdconf_occurrence *o = m->occurrences; o != NULL; o = o->next) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			grown = realloc(v, cap * sizeof(*v));
			if (grown == NULL) {
				free(v);
				return NULL;
			}
			v = grown;
		}
		v[(*n)++] = o;
	}
	return v != NULL ? v : calloc(1, sizeof(*v));
}

void convert_report_finish(struct convert_report *r)
{
	const struct nsdconf_occurrence **occ;
	struct used u = { 0 };
	size_t n_occ, n_notes = r->n, *idx;

	occ = occurrences(r->m, &n_occ);
	idx = malloc((n_notes + 1) * sizeof(*idx));
	if (occ == NULL || idx == NULL) {
		r->oom = true;
		goto out;
	}
	/* The notes' places, sorted: indexes stay valid while lines are added. */
	for (size_t i = 0; i < n_notes; i++)
		idx[i] = i;
	sort_report = r;
	qsort(idx, n_notes, sizeof(*idx), line_idx_cmp);
	used_build(r->m, occ, n_occ, &u);
	for (size_t i = 0; i < n_occ; i++) {
		if (!covered(r, idx, n_notes, occ[i]))
			fallback(r, &u, occ[i]);
	}
out:
	free(u.v);
	free(idx);
	free(occ);
}

/* Printing: in the order of the files as read (nsd.conf, its includes), then line. */

static int file_rank(const struct nsdconf_model *m, const char *file)
{
	for (int i = 0; file != NULL && i < m->n_files; i++) {
		if (m->files[i] == file || strcmp(m->files[i], file) == 0)
			return i;
	}
	return m->n_files;   /* the zonelistfile, or a note without a place */
}

static const struct nsdconf_model *sort_model;

static int line_order_cmp(const void *x, const void *y)
{
	const struct line *a = x, *b = y;
	int fa = file_rank(sort_model, a->file), fb = file_rank(sort_model, b->file);

	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (fa == sort_model->n_files) {
		int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

		if (c != 0)
			return c;
	}
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *verdict_word(enum nsdconf_knot v)
{
	switch (v) {
	case NSDCONF_K_EXACT: return "exact";
	case NSDCONF_K_APPROX: return "approximated";
	case NSDCONF_K_UNSUPPORTED: return "not supported";
	case NSDCONF_K_MODULE: return "enforced by mod-nsd";
	default: return "not needed";
	}
}

void convert_report_print(const struct convert_report *r, FILE *out)
{
	struct line *v;

	if (r->n == 0)
		return;
	v = malloc(r->n * sizeof(*v));
	if (v == NULL)
		return;
	memcpy(v, r->v, r->n * sizeof(*v));
	sort_model = r->m;
	qsort(v, r->n, sizeof(*v), line_order_cmp);
	for (size_t i = 0; i < r->n; i++) {
		fprintf(out, "%s%s", v[i].security ? "SECURITY: " : "",
		        v[i].file != NULL ? v[i].file : "nsd.conf");
		if (v[i].line > 0)
			fprintf(out, ":%d", v[i].line);
		fprintf(out, ": %s: %s", v[i].option, verdict_word(v[i].verdict));
		fprintf(out, v[i].how[0] != '\0' ? " (%s)\n" : "\n", v[i].how);
	}
	free(v);
}

enum convert_exit convert_report_status(const struct convert_report *r)
{
	enum convert_exit worst = r->status, st;

	for (size_t i = 0; i < r->n; i++) {
		st = line_status(r->v[i].verdict, r->v[i].security);
		if (st > worst)
			worst = st;
	}
	return worst;
}

/* --list-options */

static const char *clause_text(uint16_t clauses)
{
	if ((clauses & NSDCONF_IN_PZ) == NSDCONF_IN_PZ)
		return "zone, pattern";
	if (clauses & NSDCONF_IN(NSDCONF_CL_PATTERN))
		return "pattern";
	if (clauses & NSDCONF_IN(NSDCONF_CL_REMOTE_CONTROL))
		return "remote-control";
	if (clauses & NSDCONF_IN(NSDCONF_CL_KEY))
		return "key";
	if (clauses & NSDCONF_IN(NSDCONF_CL_TLS_AUTH))
		return "tls-auth";
	if (clauses & NSDCONF_IN(NSDCONF_CL_VERIFY))
		return "verify";
	if (clauses & NSDCONF_IN(NSDCONF_CL_DNSTAP))
		return "dnstap";
	return "server";
}

static void cell(FILE *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void convert_list_options(FILE *out, const struct nsdconf_release *release,
                          unsigned knot_version)
{
	size_t n;
	const struct nsdconf_option *rows = nsdconf_options(&n);
	char knot[16];

	knotmap_knot_format(knot_version, knot, sizeof(knot));
	fprintf(out, "| option | clause | NSD | verdict | Knot DNS %s |\n|---|---|---|---|---|\n",
	        knot);
	for (size_t i = 0; i < n; i++) {
		/* the row as the target NSD release reads it (its checks may narrow the values) */
		const struct nsdconf_option *row = nsdconf_release_row(release, &rows[i]);
		struct knotmap_verdict verdict = knotmap_row_verdict(knot_version, row);
		unsigned v = row->since;

		fprintf(out, "| `%s` | %s | ", rows[i].name, clause_text(rows[i].clauses));
		/* since: 461 = 4.6.1, 4101 = 4.10.1 */
		if (v >= 1000)
			fprintf(out, "%u.%u.%u", v / 1000, v / 10 % 100, v % 10);
		else
			fprintf(out, "%u.%u.%u", v / 100, v / 10 % 10, v % 10);
		fprintf(out, " | %s | ", verdict_word(verdict.knot));
		cell(out, verdict.note);
		fputs(" |\n", out);
	}
}
