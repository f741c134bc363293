/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd.conf grammar: NSD 4.6.1's configparser.y as a table-driven recursive descent.
 *
 * Error lines must match NSD's, and NSD reports at the scanner's current line, which
 * depends on when bison reads its lookahead. So this parser reads a token only where
 * bison would: a value's checks run right after the value token, and a clause's end
 * checks run once the next token (that ends the clause) has been read. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libdnssec/binary.h>
#include <libdnssec/error.h>
#include <libknot/libknot.h>

#include "conf/dname.h"
#include "conf/lexer.h"
#include "conf/mem.h"
#include "conf/model_build.h"
#include "conf/tsig_key.h"
#include "conf/zonelist.h"

struct parser {
	struct nsdconf_lexer *lx;
	struct nsdconf_diag *diag;
	struct nsdconf_model *m;
	unsigned max_version;
	struct nsdconf_token tok;    /* the lookahead */
	bool aborted;                /* YYABORT: nothing more is parsed */
	bool oom;                    /* memory ran out: the parse fails */
	enum nsdconf_clause cl;
	struct nsdconf_key *key;
	struct nsdconf_tls_auth *tls;
	struct nsdconf_pattern *pat;
	struct nsdconf_zone *zone;
	struct nsdconf_ip *ip;       /* ip-address being given socket options */
	bool locations;              /* record where options are written */
	bool producer_refs;          /* a pattern names a catalog-producer-zone */
	struct nsdconf_occurrence **occ_tail;
	struct nsdconf_occurrence *occ;  /* the option being parsed, when recorded */
	/* Patterns with an ACL list of their own (not one shared with an included
	 * pattern): the only ones whose key references need counting after the parse.
	 * Noted while each is still in cache, so that 100 000 zones that only
	 * include a pattern are not visited again. */
	const struct nsdconf_pattern **own_acls;
	size_t n_own_acls, cap_own_acls;
};

#define ATTR_FMT(a, b) __attribute__((format(printf, a, b)))

static void perr(struct parser *p, const char *fmt, ...) ATTR_FMT(2, 3);
static void perr(struct parser *p, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nsdconf_diag_error(p->diag, nsdconf_lexer_file(p->lx), nsdconf_lexer_line(p->lx), "%s", msg);
}

/* YYABORT: nothing more is parsed. */
static void abort_parse(struct parser *p)
{
	p->aborted = true;
	p->diag->aborted = 1;
}

/* Memory ran out: reported once, at the scanner's position, and the parse stops as
 * for a syntax error. Whatever was built is freed with the model. */
static void out_of_memory(struct parser *p)
{
	nsdconf_diag_oom(p->diag, nsdconf_lexer_file(p->lx), nsdconf_lexer_line(p->lx));
	p->oom = true;
	abort_parse(p);
}

static void syntax_error(struct parser *p)
{
	const char *at = p->tok.type == NSDCONF_TOK_EOF ? NULL : p->tok.text;
	if (at != NULL && at[0] == '\0') {
		at = NULL;
	}
	nsdconf_diag_error_at(p->diag, nsdconf_lexer_file(p->lx), nsdconf_lexer_line(p->lx),
	                      at, "syntax error");
	abort_parse(p);
}

/* Reads the lookahead. A keyword newer than the accepted syntax is the plain word
 * it was in NSD 4.6.1's scanner. */
static void next(struct parser *p)
{
	nsdconf_lexer_next(p->lx, &p->tok);
	if (p->tok.type == NSDCONF_TOK_KEYWORD && nsdconf_kw_since(p->tok.kw) > p->max_version) {
		p->tok.type = NSDCONF_TOK_STRING;
		p->tok.value = p->tok.text;
	}
	if (p->tok.type == NSDCONF_TOK_FATAL) {
		p->aborted = true;
		p->diag->fatal = 1;
	} else if (p->tok.type == NSDCONF_TOK_NOMEM) {
		/* The scanner's memory, or the parser's: allocations whose result is only
		 * stored are caught here, at the next token. */
		out_of_memory(p);
	}
}

static bool is_string(const struct parser *p)
{
	return p->tok.type == NSDCONF_TOK_STRING;
}

/* Reads one STRING; anything else is a syntax error. */
static const char *expect_string(struct parser *p)
{
	next(p);
	if (p->aborted) {
		return NULL;
	}
	if (!is_string(p)) {
		syntax_error(p);
		return NULL;
	}
	return p->tok.value;
}

/* Token values already live in the model's arena and stay valid: values are kept by
 * pointer; dup() is for text the parser builds itself. */
static char *dup(struct parser *p, const char *s)
{
	return nsdconf_arena_strdup(p->m->arena, s);
}

/* NSD's parse_number: digits only, strtoll (saturating). */
static bool parse_number(const char *s, long long *out)
{
	size_t i = 0;
	while (s[i] >= '0' && s[i] <= '9') {
		i++;
	}
	if (i == 0 || s[i] != '\0') {
		return false;
	}
	errno = 0;
	*out = strtoll(s, NULL, 10);
	return true;
}

static bool read_number(struct parser *p, long long *out)
{
	const char *s = expect_string(p);
	if (s == NULL) {
		return false;
	}
	if (!parse_number(s, out)) {
		perr(p, "expected a number");
		abort_parse(p);
		return false;
	}
	return true;
}

static bool read_bool(struct parser *p, long long *out)
{
	const char *s = expect_string(p);
	if (s == NULL) {
		return false;
	}
	if (strcmp(s, "yes") == 0) {
		*out = 1;
	} else if (strcmp(s, "no") == 0) {
		*out = 0;
	} else {
		perr(p, "expected yes or no");
		abort_parse(p);
		return false;
	}
	return true;
}

/* Where a value of row o lives for the clause being parsed. */
static union nsdconf_val *slot_of(struct parser *p, const struct nsdconf_option *o)
{
	switch (p->cl) {
	case NSDCONF_CL_KEY: return &p->key->val[o->slot];
	case NSDCONF_CL_TLS_AUTH: return &p->tls->val[o->slot];
	case NSDCONF_CL_PATTERN:
	case NSDCONF_CL_ZONE:
		p->pat->set |= 1ULL << o->slot;
		return &p->pat->val[o->slot];
	default:
		p->m->global_set[o->slot] = true;
		return &p->m->global[o->slot];
	}
}

/* A value another option implies (ip4-only sets do-ip4 and do-ip6): written where that
 * option is. */
static void set_global_num(struct parser *p, enum nsdconf_gslot s, long long v)
{
	p->m->global[s].num = v;
	p->m->global_set[s] = true;
	if (p->locations) {
		struct nsdconf_loc *l = nsdconf_arena_alloc(p->m->arena, sizeof(*l));
		if (l == NULL) {
			out_of_memory(p);
			return;
		}
		l->file = nsdconf_lexer_file(p->lx);
		l->line = nsdconf_lexer_line(p->lx);
		l->slot = s;
		l->next = p->m->global_loc;
		p->m->global_loc = l;
	}
}

static const char *port_text(struct parser *p, long long v)
{
	char buf[16];   /* NSD's buffer: 15 digits at most */
	snprintf(buf, sizeof(buf), "%lld", v);
	return dup(p, buf);
}

static bool check_number(struct parser *p, const struct nsdconf_option *o, long long v)
{
	switch (o->check) {
	case NSDCONF_CHK_GT0:
		if (v <= 0) {
			perr(p, "expected a number greater than zero");
			return false;
		}
		return true;
	case NSDCONF_CHK_CONTROL_PORT:
		if (v == 0) {
			perr(p, "control port number expected");
			return false;
		}
		return true;
	case NSDCONF_CHK_METRICS_PORT:
		if (v == 0) {
			perr(p, "metrics port number expected");
			return false;
		}
		return true;
	case NSDCONF_CHK_LE32:
		if (v > 32) {
			perr(p, "invalid IPv4 prefix length");
			return false;
		}
		return true;
	case NSDCONF_CHK_LE64:
		if (v > 64) {
			perr(p, "invalid IPv6 prefix length");
			return false;
		}
		return true;
	default:
		return true;
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static void nsid_value(struct parser *p, union nsdconf_val *v, const char *s)
{
	size_t len = strlen(s);
	if (strncasecmp(s, "ascii_", 6) == 0) {
		len -= 6;
		if (len >= 65535) {
			perr(p, "NSID too long");
			return;
		}
		char *hex = nsdconf_arena_alloc(p->m->arena, len * 2 + 1);
		static const char digits[] = "0123456789abcdef";
		if (hex == NULL) {
			out_of_memory(p);
			return;
		}
		for (size_t i = 0; i < len; i++) {
			hex[2 * i] = digits[(unsigned char)s[6 + i] >> 4];
			hex[2 * i + 1] = digits[(unsigned char)s[6 + i] & 15];
		}
		v->str = hex;
	} else if (len % 2 != 0) {
		perr(p, "the NSID must be a hex string of an even length.");
	} else if (len / 2 >= 65535) {
		perr(p, "NSID too long");
	} else {
		for (size_t i = 0; i < len; i++) {
			if (hexval((unsigned char)s[i]) < 0) {
				perr(p, "hex string cannot be parsed in NSID.");
				return;
			}
		}
		v->str = s;
	}
}

static void acl_error(void *ctx, const char *msg)
{
	perr(ctx, "%s", msg);
}

/* The entry, or NULL when out of memory (reported). */
static struct nsdconf_acl *make_acl(struct parser *p, const char *spec, const char *key)
{
	struct nsdconf_acl *a = nsdconf_arena_alloc(p->m->arena, sizeof(*a));
	if (a == NULL || nsdconf_acl_parse_spec(a, spec, p->m->arena, acl_error, p) < 0 ||
	    nsdconf_acl_parse_key(a, key, p->m->arena) != KNOT_EOK) {
		out_of_memory(p);
		return NULL;
	}
	a->file = nsdconf_lexer_file(p->lx);
	a->line = nsdconf_lexer_line(p->lx);
	return a;
}

/* Appends a to the list of o's slot in the pattern being parsed; false when out of
 * memory (reported). */
static bool append_acl(struct parser *p, const struct nsdconf_option *o, struct nsdconf_acl *a)
{
	if (nsdconf_pattern_append_acl(p->pat, o->slot, a, p->m->arena) != KNOT_EOK) {
		out_of_memory(p);
		return false;
	}
	return true;
}

static void check_single(struct parser *p, const struct nsdconf_acl *a, const char *what)
{
	if (a->key == NSDCONF_ACL_BLOCKED) {
		perr(p, "blocked address used for %s", what);
	}
	if (a->range != NSDCONF_RANGE_SINGLE) {
		perr(p, "address range used for %s", what);
	}
}

/* request-xfr: [AXFR|UDP] <spec> <key> [tls-auth] */
static void option_request_xfr(struct parser *p, const struct nsdconf_option *o)
{
	next(p);
	if (p->aborted) {
		return;
	}
	bool axfr = p->tok.type == NSDCONF_TOK_AXFR;
	bool udp = p->tok.type == NSDCONF_TOK_UDP;
	const char *spec;
	if (axfr || udp) {
		spec = expect_string(p);
	} else if (is_string(p)) {
		spec = p->tok.value;
	} else {
		syntax_error(p);
		return;
	}
	if (spec == NULL) {
		return;
	}
	const char *key = expect_string(p);
	if (key == NULL) {
		return;
	}
	struct nsdconf_acl *a = make_acl(p, spec, key);
	if (a == NULL) {
		return;
	}
	a->axfr_only = axfr;
	a->udp = udp;
	if (!axfr && !udp && p->m->release->catalog_checks && nsdconf_pattern_is_producer(p->pat)) {
		/* NSD 4.9+ checks the plain form only */
		perr(p, "catalog producer zones cannot be secondary zones");
	}
	check_single(p, a, "request-xfr");
	if (!append_acl(p, o, a)) {
		return;
	}
	next(p);
	if (!udp && is_string(p)) {
		/* NSD takes any following word as the tls-auth name. */
		a->tls_auth = p->tok.value;
		next(p);
	}
}

static void option_acl(struct parser *p, const struct nsdconf_option *o)
{
	const char *spec = expect_string(p);
	if (spec == NULL) {
		return;
	}
	const char *key = "NOKEY";
	if (o->type != NSDCONF_T_ACL_OUT && (key = expect_string(p)) == NULL) {
		return;
	}
	struct nsdconf_acl *a = make_acl(p, spec, key);
	if (a == NULL) {
		return;
	}
	if (o->type == NSDCONF_T_ACL_NOTIFY) {
		check_single(p, a, "notify");
	}
	if (!append_acl(p, o, a)) {
		return;
	}
	next(p);
	/* 4.10.1+: provide-xfr takes an optional tls-auth name. */
	if (o->slot == NSDCONF_P_PROVIDE_XFR && p->max_version >= 4101 && is_string(p)) {
		a->tls_auth = p->tok.value;
		next(p);
	}
}

/* NSD's parse_range for servers= entries. */
static bool parse_range(const char *s, long long *lo, long long *hi)
{
	char *end;
	if (*s < '0' || *s > '9') {
		return false;
	}
	long long a = strtoll(s, &end, 10);
	if (*end == '\0') {
		*lo = *hi = a;
		return true;
	}
	if (*end != '-' || end[1] < '0' || end[1] > '9') {
		return false;
	}
	long long b = strtoll(end + 1, &end, 10);
	if (*end != '\0') {
		return false;
	}
	*lo = a < b ? a : b;
	*hi = a < b ? b : a;
	return true;
}

static void socket_option_servers(struct parser *p, const char *value)
{
	char *copy = dup(p, value), *save = NULL, *tok;
	char out[4096] = "";
	size_t used = 0;
	if (copy == NULL) {
		out_of_memory(p);
		return;
	}
	for (char *str = copy; (tok = strtok_r(str, " \t", &save)) != NULL; str = NULL) {
		long long lo, hi;
		if (!parse_range(tok, &lo, &hi)) {
			perr(p, "invalid server range '%s'", tok);
			abort_parse(p);
			return;
		}
		used += lo == hi
			? snprintf(out + used, sizeof(out) - used, "%s%d", used ? " " : "", (int)lo)
			: snprintf(out + used, sizeof(out) - used, "%s%d-%d", used ? " " : "", (int)lo, (int)hi);
		if (used >= sizeof(out)) {
			used = sizeof(out) - 1;
		}
	}
	p->ip->servers = used ? dup(p, out) : NULL;
}

/* The new entry, or NULL when out of memory (reported). */
static struct nsdconf_ip *append_ip(struct parser *p, union nsdconf_val *v, const char *addr)
{
	struct nsdconf_ip *ip = nsdconf_arena_alloc(p->m->arena, sizeof(*ip));
	if (ip == NULL) {
		out_of_memory(p);
		return NULL;
	}
	ip->address = addr;
	ip->setfib = -1;
	ip->file = nsdconf_lexer_file(p->lx);
	ip->line = nsdconf_lexer_line(p->lx);
	struct nsdconf_ip **tail = &v->ip;
	while (*tail != NULL) {
		tail = &(*tail)->next;
	}
	*tail = ip;
	return ip;
}

/* ip-address: <addr> [servers=<list>] [bindtodevice=<bool>] [setfib=<num>]... */
static void option_iplist(struct parser *p, const struct nsdconf_option *o)
{
	const char *addr = expect_string(p);
	if (addr == NULL) {
		return;
	}
	p->ip = append_ip(p, slot_of(p, o), addr);
	if (p->ip == NULL) {
		return;
	}
	bool socket_opts = o->slot == NSDCONF_G_IP_ADDRESS;
	next(p);
	while (socket_opts && !p->aborted) {
		long long n;
		if (p->tok.type == NSDCONF_TOK_SERVERS) {
			const char *v = expect_string(p);
			if (v == NULL) {
				return;
			}
			socket_option_servers(p, v);
		} else if (p->tok.type == NSDCONF_TOK_BINDTODEVICE) {
			if (!read_bool(p, &n)) {
				return;
			}
			p->ip->bindtodevice = n;
		} else if (p->tok.type == NSDCONF_TOK_SETFIB) {
			if (!read_number(p, &n)) {
				return;
			}
			p->ip->setfib = n;
		} else {
			break;
		}
		if (p->aborted) {
			return;
		}
		next(p);
	}
	p->ip = NULL;
}

/* The new element, or NULL when out of memory (reported). */
static struct nsdconf_list *list_append(struct parser *p, struct nsdconf_list **head)
{
	struct nsdconf_list *e = nsdconf_arena_alloc(p->m->arena, sizeof(*e));
	if (e == NULL) {
		out_of_memory(p);
		return NULL;
	}
	while (*head != NULL) {
		head = &(*head)->next;
	}
	*head = e;
	return e;
}

/* cpu-affinity: swallows every following word. */
static void option_cpus(struct parser *p, const struct nsdconf_option *o)
{
	struct nsdconf_list *cpus = NULL;
	for (next(p); !p->aborted && is_string(p); next(p)) {
		char *copy = dup(p, p->tok.value), *save = NULL, *tok;
		if (copy == NULL) {
			out_of_memory(p);
			return;
		}
		for (char *str = copy; (tok = strtok_r(str, " \t", &save)) != NULL; str = NULL) {
			long long cpu = 0;
			struct nsdconf_list *e;
			if (!parse_number(tok, &cpu) || cpu < 0) {
				perr(p, "expected a positive number");
				abort_parse(p);
				return;
			}
			if ((e = list_append(p, &cpus)) == NULL) {
				return;
			}
			e->num = (int)cpu;
		}
	}
	if (!p->aborted) {
		slot_of(p, o)->list = cpus;
	}
}

/* xfrd-cpu-affinity: N and server-<I>-cpu-affinity: N */
static void option_service_cpu(struct parser *p, long long service)
{
	long long cpu;
	if (!read_number(p, &cpu)) {
		return;
	}
	union nsdconf_val *v = &p->m->global[NSDCONF_G_SERVICE_CPU_AFFINITY];
	p->m->global_set[NSDCONF_G_SERVICE_CPU_AFFINITY] = true;
	struct nsdconf_list *e = v->list;
	while (e != NULL && e->num != service) {
		e = e->next;
	}
	if (e == NULL) {
		e = list_append(p, &v->list);
		if (e == NULL) {
			return;
		}
		e->num = (int)service;
	}
	e->num2 = (int)cpu;
	next(p);
}

/* verifier: one word, then every following word. */
static void option_command(struct parser *p, const struct nsdconf_option *o)
{
	const char *first = expect_string(p);
	if (first == NULL) {
		return;
	}
	struct nsdconf_list *argv = NULL, *e = list_append(p, &argv);
	if (e == NULL) {
		return;
	}
	e->str = first;
	for (next(p); !p->aborted && is_string(p); next(p)) {
		if ((e = list_append(p, &argv)) == NULL) {
			return;
		}
		e->str = p->tok.value;
	}
	slot_of(p, o)->list = argv;
}

static void name_value(struct parser *p, const char *s)
{
	uint8_t buf[KNOT_DNAME_MAXLEN];
	switch (p->cl) {
	case NSDCONF_CL_KEY:
		p->key->val[NSDCONF_K_NAME].str = s;
		if (nsdconf_dname_parse(s, buf) == 0) {
			perr(p, "bad tsig key name %s", s);
		}
		break;
	case NSDCONF_CL_TLS_AUTH:
		p->tls->val[NSDCONF_T_NAME_SLOT].str = s;
		if (nsdconf_dname_parse(s, buf) == 0) {
			perr(p, "bad tls-auth name %s", s);
		}
		break;
	case NSDCONF_CL_PATTERN:
		if (strchr(s, ' ') != NULL) {
			perr(p, "space is not allowed in pattern name: '%s'", s);
		}
		p->pat->name = s;
		break;
	case NSDCONF_CL_ZONE: {
		size_t len = strlen(s);
		char *pname = nsdconf_arena_bytes(p->m->arena, len + sizeof("_implicit_"));
		if (pname == NULL) {
			out_of_memory(p);
			return;
		}
		memcpy(pname, "_implicit_", sizeof("_implicit_") - 1);
		memcpy(pname + sizeof("_implicit_") - 1, s, len + 1);
		p->pat->name = pname;
		/* Out of memory here leaves the zone unnamed: the next token is NOMEM. */
		if (nsdconf_model_zone_named(p->m, p->zone, pname)) {
			perr(p, "zone %s cannot be created because implicit pattern %s already exists",
			     s, pname);
		}
		break;
	}
	default:
		break;
	}
}

/* Where option o (name: the keyword as the report names it) is written: the keyword's
 * line, in the owner's location list and in the model's list of occurrences. */
static void record_option(struct parser *p, const struct nsdconf_option *o, const char *name)
{
	struct nsdconf_arena *a = p->m->arena;
	const struct nsdconf_loc **list = NULL;
	const void *owner = NULL;

	switch (p->cl) {
	case NSDCONF_CL_KEY: list = &p->key->loc; owner = p->key; break;
	case NSDCONF_CL_TLS_AUTH: owner = p->tls; break;
	case NSDCONF_CL_PATTERN:
	case NSDCONF_CL_ZONE: list = &p->pat->loc; owner = p->pat; break;
	default: list = &p->m->global_loc; break;
	}
	struct nsdconf_occurrence *occ = nsdconf_arena_alloc(a, sizeof(*occ));
	if (occ == NULL) {
		out_of_memory(p);
		return;
	}
	occ->name = name;
	occ->row = o;
	occ->clause = p->cl;
	occ->owner = owner;
	occ->file = nsdconf_lexer_file(p->lx);
	occ->line = nsdconf_lexer_line(p->lx);
	if (list != NULL && o != NULL) {
		struct nsdconf_loc *l = nsdconf_arena_alloc(a, sizeof(*l));
		if (l == NULL) {
			out_of_memory(p);
			return;
		}
		l->file = occ->file;
		l->line = occ->line;
		l->slot = o->slot;
		l->next = *list;
		*list = l;
		occ->loc = l;
	}
	*p->occ_tail = occ;
	p->occ_tail = &occ->next;
	p->occ = occ;
}

/* An ACL option's report line is its entry's (the value may follow on a later line). */
static void record_acl_line(struct parser *p, const struct nsdconf_option *o)
{
	const struct nsdconf_acl *a = p->pat != NULL ? p->pat->val[o->slot].acl : NULL;
	while (a != NULL && a->next != NULL) {
		a = a->next;
	}
	if (a != NULL) {
		p->occ->file = a->file;
		p->occ->line = a->line;
	}
}

/*
 * The value of each option type. A handler is called with the option's keyword just
 * read; it reads the value, stores it and reads the next lookahead into p->tok, unless
 * the parse aborted (an error NSD counts and goes on past still reads the lookahead).
 */
typedef void (*option_fn)(struct parser *p, const struct nsdconf_option *o);

static void option_bool(struct parser *p, const struct nsdconf_option *o)
{
	long long n;
	if (!read_bool(p, &n)) {
		return;
	}
	if (o->check == NSDCONF_CHK_AFTER_TLS_AUTH_PORT &&
	    !p->m->global_set[NSDCONF_G_TLS_AUTH_PORT]) {
		perr(p, "tls-auth-xfr-only set without or before tls-auth-port");
		abort_parse(p);
		return;
	}
	slot_of(p, o)->num = n;
	next(p);
}

static void option_ignored_bool(struct parser *p, const struct nsdconf_option *o)
{
	long long n;
	(void)o;
	if (read_bool(p, &n)) {
		next(p);
	}
}

/* ip4-only: / ip6-only: yes sets do-ip4 and do-ip6; no changes nothing. */
static void option_ip_only(struct parser *p, const struct nsdconf_option *o)
{
	long long n;
	if (!read_bool(p, &n)) {
		return;
	}
	if (n) {
		bool v4 = o->slot == NSDCONF_G_IP4_ONLY;
		set_global_num(p, NSDCONF_G_DO_IP4, v4);
		set_global_num(p, NSDCONF_G_DO_IP6, !v4);
	}
	next(p);
}

static void option_num(struct parser *p, const struct nsdconf_option *o)
{
	long long n;
	if (!read_number(p, &n)) {
		return;
	}
	if (check_number(p, o, n)) {
		slot_of(p, o)->num = nsdconf_ctype_store(o->ctype, n);
	}
	if (o->check == NSDCONF_CHK_PORT_LIST) {
		struct nsdconf_list *e = nsdconf_arena_alloc(p->m->arena, sizeof(*e));
		if (e == NULL) {
			out_of_memory(p);
			return;
		}
		memset(e, 0, sizeof(*e));
		e->num = nsdconf_ctype_store(o->ctype, n);
		e->next = p->m->proxy_ports;
		p->m->proxy_ports = e;
	}
	next(p);
}

static void option_port(struct parser *p, const struct nsdconf_option *o)
{
	long long n;
	if (!read_number(p, &n)) {
		return;
	}
	slot_of(p, o)->str = port_text(p, n);
	next(p);
}

static void option_expire(struct parser *p, const struct nsdconf_option *o)
{
	long long n;
	const char *s = expect_string(p);
	if (s == NULL) {
		return;
	}
	if (parse_number(s, &n)) {
		slot_of(p, o)->num = nsdconf_ctype_store(o->ctype, n);
	} else if (strcmp(s, "refresh+retry+1") == 0) {
		slot_of(p, o)->num = NSDCONF_EXPIRE_REFRESH_RETRY_1;
	} else {
		perr(p, "expected an expire time in seconds or \"refresh+retry+1\"");
		abort_parse(p);
		return;
	}
	next(p);
}

/* NSD's hex_pton(s) == 16: exactly 32 hex digits. */
static bool is_cookie_secret(const char *s)
{
	size_t l = strlen(s);
	for (size_t i = 0; i < l; i++) {
		if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return l == 32;
}

static void option_str(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	if (s == NULL) {
		return;
	}
	if (o->check == NSDCONF_CHK_PRODUCER_ZONE && p->m->release->catalog_checks) {
		uint8_t buf[KNOT_DNAME_MAXLEN];
		if (p->cl == NSDCONF_CL_ZONE) {
			perr(p, "catalog-producer-zone option is for patterns only and cannot be used "
			     "in a zone clause");
		} else if (nsdconf_dname_parse(s, buf) == 0) {
			perr(p, "bad catalog producer name %s", s);
		} else {
			slot_of(p, o)->str = s;
			p->producer_refs = true;
		}
		next(p);
		return;
	}
	if (o->check == NSDCONF_CHK_COOKIE && p->m->release->cookie_secret_hex &&
	    !is_cookie_secret(s)) {
		perr(p, "expected a 128 bit hex string");
		next(p);
		return;
	}
	slot_of(p, o)->str = s;
	if (o->check == NSDCONF_CHK_DATABASE && p->m->release->database_read && s[0] == '\0' &&
	    nsdconf_gnum(p->m, NSDCONF_G_ZONEFILES_WRITE) == 0) {
		/* NSD 4.6.1: no database means zonefiles are written hourly. */
		set_global_num(p, NSDCONF_G_ZONEFILES_WRITE, 3600);
	}
	next(p);
}

static void option_ignored_str(struct parser *p, const struct nsdconf_option *o)
{
	(void)o;
	if (expect_string(p) != NULL) {
		next(p);
	}
}

static void option_nsid(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	if (s == NULL) {
		return;
	}
	nsid_value(p, &p->m->global[o->slot], s);
	if (p->m->global[o->slot].str != NULL) {
		p->m->global_set[o->slot] = true;
	}
	next(p);
}

static void option_name(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	(void)o;
	if (s == NULL) {
		return;
	}
	name_value(p, s);
	next(p);
}

static void option_algorithm(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	(void)o;
	if (s == NULL) {
		return;
	}
	if (nsdconf_tsig_alg_from_name(s) == NSDCONF_TSIG_ALG_NONE) {
		perr(p, "bad tsig key algorithm %s", s);
	} else {
		p->key->val[NSDCONF_K_ALGORITHM].str = s;
	}
	next(p);
}

static void option_secret(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	(void)o;
	if (s == NULL) {
		return;
	}
	p->key->val[NSDCONF_K_SECRET].str = s;
	int ret = nsdconf_tsig_secret_check(s);
	if (ret == KNOT_ENOMEM) {
		out_of_memory(p);
		return;
	}
	if (ret != KNOT_EOK) {
		const char *kn = p->key->val[NSDCONF_K_NAME].str;
		perr(p, "cannot base64 decode tsig secret %s", kn ? kn : "");
	}
	next(p);
}

static void option_rrl_types(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	if (s == NULL) {
		return;
	}
	slot_of(p, o)->num |= nsdconf_rrl_type_bits(s);
	next(p);
}

static void option_include_pattern(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	(void)o;
	if (s == NULL) {
		return;
	}
	const struct nsdconf_pattern *src = nsdconf_pattern_find(p->m, s);
	if (p->occ != NULL) {
		p->occ->ref = src;
	}
	const char *dest = p->pat->name;
	if (src == NULL) {
		perr(p, "could not find pattern %s", s);
		next(p);
		return;
	}
	/* NSD 4.9+ (config_apply_pattern); only reachable with 4.9 keywords */
	if (p->m->release->catalog_checks && (dest == NULL || strncmp(dest, "_implicit_", 10) == 0) &&
	    nsdconf_pstr(src, NSDCONF_P_CATALOG_PRODUCER_ZONE) != NULL) {
		perr(p, "patterns with an catalog-producer-zone option are to be used with "
		     "\"nsd-control addzone\" only and cannot be included from zone clauses in "
		     "the config file");
		next(p);
		return;
	}
	if (p->m->release->catalog_checks &&
	    ((nsdconf_pattern_is_producer(p->pat) && src->val[NSDCONF_P_REQUEST_XFR].acl != NULL) ||
	     (nsdconf_pattern_is_producer(src) && p->pat->val[NSDCONF_P_REQUEST_XFR].acl != NULL))) {
		perr(p, "catalog producer zones cannot be secondary zones");
	}
	if (nsdconf_pattern_apply(p->pat, src, p->m->arena) != KNOT_EOK) {
		out_of_memory(p);
		return;
	}
	next(p);
}

static void option_catalog(struct parser *p, const struct nsdconf_option *o)
{
	const char *s = expect_string(p);
	if (s == NULL) {
		return;
	}
	if (strcasecmp(s, "consumer") != 0 && strcmp(s, "producer") != 0) {
		perr(p, "expected consumer or producer");
		abort_parse(p);   /* YYABORT */
		return;
	}
	if (p->m->release->catalog_checks && strcmp(s, "producer") == 0 &&
	    p->pat->val[NSDCONF_P_REQUEST_XFR].acl != NULL) {
		perr(p, "catalog producer zones cannot be secondary zones");
	}
	slot_of(p, o)->str = s;
	next(p);
}

static void option_acl_list(struct parser *p, const struct nsdconf_option *o)
{
	option_acl(p, o);
	if (p->occ != NULL) {
		record_acl_line(p, o);
	}
}

static void option_request_xfr_list(struct parser *p, const struct nsdconf_option *o)
{
	option_request_xfr(p, o);
	if (p->occ != NULL) {
		record_acl_line(p, o);
	}
}

static void option_xfrd_cpu(struct parser *p, const struct nsdconf_option *o)
{
	(void)o;
	option_service_cpu(p, -1);
}

static const option_fn option_handlers[] = {
	[NSDCONF_T_BOOL] = option_bool,
	[NSDCONF_T_NUM] = option_num,
	[NSDCONF_T_STR] = option_str,
	[NSDCONF_T_PORT] = option_port,
	[NSDCONF_T_IPLIST] = option_iplist,
	[NSDCONF_T_ACL] = option_acl_list,
	[NSDCONF_T_ACL_XFR] = option_request_xfr_list,
	[NSDCONF_T_ACL_NOTIFY] = option_acl_list,
	[NSDCONF_T_ACL_OUT] = option_acl_list,
	[NSDCONF_T_EXPIRE] = option_expire,
	[NSDCONF_T_RRL_TYPES] = option_rrl_types,
	[NSDCONF_T_COMMAND] = option_command,
	[NSDCONF_T_CPUS] = option_cpus,
	[NSDCONF_T_SERVICE_CPU] = option_xfrd_cpu,
	[NSDCONF_T_NSID] = option_nsid,
	[NSDCONF_T_NAME] = option_name,
	[NSDCONF_T_ALGORITHM] = option_algorithm,
	[NSDCONF_T_SECRET] = option_secret,
	[NSDCONF_T_INCLUDE_PATTERN] = option_include_pattern,
	[NSDCONF_T_CATALOG] = option_catalog,
	[NSDCONF_T_IGNORED_BOOL] = option_ignored_bool,
	[NSDCONF_T_IGNORED_STR] = option_ignored_str,
	[NSDCONF_T_IP_ONLY] = option_ip_only,
};

/* One option whose keyword has just been read; leaves the next lookahead in p->tok. */
static void parse_option(struct parser *p, const struct nsdconf_option *o)
{
	p->occ = NULL;
	if (p->locations) {
		record_option(p, o, o->name);
		if (p->aborted) {
			return;
		}
	}
	size_t n = sizeof(option_handlers) / sizeof(option_handlers[0]);
	if (o->type >= n || option_handlers[o->type] == NULL) {
		syntax_error(p);
		return;
	}
	option_handlers[o->type](p, o);
}

/* The objects a clause fills; false when out of memory (reported). */
static bool clause_begin(struct parser *p, enum nsdconf_clause cl)
{
	struct nsdconf_arena *a = p->m->arena;
	const char *file = nsdconf_lexer_file(p->lx);
	int line = nsdconf_lexer_line(p->lx);
	p->cl = cl;
	switch (cl) {
	case NSDCONF_CL_KEY:
		if ((p->key = nsdconf_arena_alloc(a, sizeof(*p->key))) == NULL) {
			break;
		}
		p->key->val[NSDCONF_K_ALGORITHM].str = "sha256";
		p->key->file = file;
		p->key->line = line;
		return true;
	case NSDCONF_CL_TLS_AUTH:
		if ((p->tls = nsdconf_arena_alloc(a, sizeof(*p->tls))) == NULL) {
			break;
		}
		p->tls->file = file;
		p->tls->line = line;
		return true;
	case NSDCONF_CL_ZONE:
		if ((p->zone = nsdconf_arena_alloc(a, sizeof(*p->zone))) == NULL) {
			break;
		}
		p->zone->part_of_config = true;
		p->zone->file = file;
		p->zone->line = line;
		/* The zone's options live in its implicit pattern. */
		/* fall through */
	case NSDCONF_CL_PATTERN:
		if ((p->pat = nsdconf_arena_alloc(a, sizeof(*p->pat))) == NULL) {
			break;
		}
		p->pat->implicit = cl == NSDCONF_CL_ZONE;
		p->pat->file = file;
		p->pat->line = line;
		if (p->zone != NULL) {
			p->zone->pattern = p->pat;
		}
		return true;
	default:
		return true;
	}
	out_of_memory(p);
	return false;
}

/* The ACL lists whose key and tls-auth names are looked up after the parse. */
static const enum nsdconf_pslot ref_lists[] = {
	NSDCONF_P_ALLOW_NOTIFY, NSDCONF_P_NOTIFY, NSDCONF_P_REQUEST_XFR,
	NSDCONF_P_PROVIDE_XFR, NSDCONF_P_ALLOW_QUERY,
};
#define N_REF_LISTS (sizeof(ref_lists) / sizeof(ref_lists[0]))

/* Notes a pattern just added to the model if it has an ACL list of its own. */
static void note_own_acls(struct parser *p, const struct nsdconf_pattern *pat)
{
	size_t l = 0;
	while (l < N_REF_LISTS &&
	       (pat->val[ref_lists[l]].acl == NULL || ((pat->shared >> ref_lists[l]) & 1))) {
		l++;
	}
	if (l == N_REF_LISTS) {
		return;
	}
	if (p->n_own_acls == p->cap_own_acls) {
		size_t cap = p->cap_own_acls ? p->cap_own_acls * 2 : 64;
		void *grown = nsdconf_reallocarray(p->own_acls, cap, sizeof(*p->own_acls));
		if (grown == NULL) {
			out_of_memory(p);
			return;
		}
		p->own_acls = grown;
		p->cap_own_acls = cap;
	}
	p->own_acls[p->n_own_acls++] = pat;
}

/* A clause's object could not be added to the model: NSD's "duplicate <what> <name>",
 * unless memory ran out. */
static void add_failed(struct parser *p, int ret, const char *what, const char *name)
{
	if (ret == KNOT_ENOMEM) {
		out_of_memory(p);
	} else {
		perr(p, "duplicate %s %s", what, name);
	}
}

/* Adds the pattern being parsed (a zone's implicit one too) and notes its ACLs. */
static void add_pattern(struct parser *p)
{
	int ret = nsdconf_model_add_pattern(p->m, p->pat);
	if (ret != KNOT_EOK) {
		add_failed(p, ret, "pattern", p->pat->name);
	} else {
		note_own_acls(p, p->pat);
	}
}

/* Checks NSD runs when a clause is reduced (at the line of the token that ended it). */
static void clause_end(struct parser *p)
{
	const char *name;
	int ret;
	switch (p->cl) {
	case NSDCONF_CL_KEY:
		name = p->key->val[NSDCONF_K_NAME].str;
		if (name == NULL) {
			perr(p, "tsig key has no name");
		} else if (p->key->val[NSDCONF_K_SECRET].str == NULL) {
			perr(p, "tsig key %s has no secret blob", name);
		} else if ((ret = nsdconf_model_add_key(p->m, p->key)) != KNOT_EOK) {
			add_failed(p, ret, "tsig key", name);
		}
		break;
	case NSDCONF_CL_TLS_AUTH:
		name = p->tls->val[NSDCONF_T_NAME_SLOT].str;
		if (name == NULL) {
			perr(p, "tls-auth has no name");
		} else if (p->tls->val[NSDCONF_T_AUTH_DOMAIN_NAME].str == NULL) {
			perr(p, "tls-auth %s has no auth-domain-name", name);
		} else if ((ret = nsdconf_model_add_tls_auth(p->m, p->tls)) != KNOT_EOK) {
			add_failed(p, ret, "tls-auth", name);
		}
		break;
	case NSDCONF_CL_PATTERN:
		if (p->pat->name == NULL) {
			perr(p, "pattern has no name");
		} else {
			add_pattern(p);
		}
		break;
	case NSDCONF_CL_ZONE:
		if (p->zone->name == NULL) {
			perr(p, "zone has no name");
		} else if ((ret = nsdconf_model_add_zone(p->m, p->zone)) != KNOT_EOK) {
			add_failed(p, ret, "zone", p->zone->name);
		} else {
			add_pattern(p);
		}
		break;
	default:
		break;
	}
	p->key = NULL;
	p->tls = NULL;
	p->pat = NULL;
	p->zone = NULL;
	p->cl = NSDCONF_CL_NONE;
}

static void parse_clause(struct parser *p, enum nsdconf_clause cl)
{
	if (!clause_begin(p, cl)) {
		return;
	}
	next(p);
	while (!p->aborted) {
		const struct nsdconf_option *o = NULL;
		if (p->tok.type == NSDCONF_TOK_KEYWORD) {
			o = nsdconf_option_in(p->tok.kw, cl);
			/* NSD 4.9+'s grammar takes catalog-producer-zone in zones too, to
			 * refuse it there with its own message (option_str). */
			if (o == NULL && cl == NSDCONF_CL_ZONE && p->m->release->catalog_checks) {
				o = nsdconf_option_in(p->tok.kw, NSDCONF_CL_PATTERN);
				o = o != NULL && o->check == NSDCONF_CHK_PRODUCER_ZONE ? o : NULL;
			}
		}
		if (o != NULL) {
			parse_option(p, o);
		} else if (p->tok.type == NSDCONF_TOK_SERVER_CPU && cl == NSDCONF_CL_SERVER) {
			long long id = atoll(p->tok.value ? p->tok.value : "0");
			if (id <= 0) {
				perr(p, "invalid server identifier");
				abort_parse(p);
				return;
			}
			if (p->locations) {
				/* "server-2-cpu-affinity", as written, without the colon; a name
				 * lost to memory is caught with the next token */
				size_t len = strlen(p->tok.text);
				record_option(p, NULL, nsdconf_arena_strndup(p->m->arena, p->tok.text,
				                                             len > 0 ? len - 1 : 0));
			}
			if (!p->aborted) {
				option_service_cpu(p, id);
			}
		} else {
			break;
		}
	}
	if (!p->aborted) {
		clause_end(p);
	}
}

static void parse_blocks(struct parser *p)
{
	next(p);
	while (!p->aborted && p->tok.type != NSDCONF_TOK_EOF) {
		enum nsdconf_clause cl = NSDCONF_CL_NONE;
		if (p->tok.type == NSDCONF_TOK_KEYWORD) {
			cl = nsdconf_kw_clause(p->tok.kw);
		}
		if (cl == NSDCONF_CL_NONE) {
			syntax_error(p);
			return;
		}
		parse_clause(p, cl);
	}
}

static int pattern_name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct nsdconf_pattern *const *)a)->name,
	              (*(struct nsdconf_pattern *const *)b)->name);
}

/* Post-parse look-ups of every key and tls-auth an ACL names (options.c
 * parse_options_file), reported at the scanner's final position. Returns the number
 * of missing references; reports them only when report is set. */
static int check_references(struct parser *p, const struct nsdconf_pattern *pat, bool report)
{
	const enum nsdconf_pslot *lists = ref_lists;
	int missing = 0;
	for (size_t l = 0; l < N_REF_LISTS; l++) {
		if (!report && ((pat->shared >> lists[l]) & 1)) {
			continue;   /* the included pattern's own list is counted once */
		}
		bool tls_checked = lists[l] == NSDCONF_P_REQUEST_XFR ||
		                   (lists[l] == NSDCONF_P_PROVIDE_XFR && p->max_version >= 4101);
		for (const struct nsdconf_acl *a = pat->val[lists[l]].acl; a; a = a->next) {
			if (tls_checked && a->tls_auth != NULL &&
			    nsdconf_tls_auth_find(p->m, a->tls_auth) == NULL) {
				if (report) {
					perr(p, "tls_auth %s in pattern %s could not be found",
					     a->tls_auth, pat->name);
				}
				missing++;
			}
			if (a->key == NSDCONF_ACL_KEY && nsdconf_key_find(p->m, a->key_name) == NULL) {
				if (report) {
					perr(p, "key %s in pattern %s could not be found",
					     a->key_name, pat->name);
				}
				missing++;
			}
		}
	}
	const char *producer = nsdconf_pstr(pat, NSDCONF_P_CATALOG_PRODUCER_ZONE);
	if (report && producer != NULL && p->m->release->catalog_checks) {
		/* NSD 4.9+: the member pattern's producer must be a configured producer. */
		const struct nsdconf_zone *z = nsdconf_zone_find(p->m, producer);
		if (z == NULL) {
			perr(p, "catalog producer zone %s in pattern %s could not be found",
			     producer, pat->name);
		} else if (!nsdconf_pattern_is_producer(z->pattern)) {
			/* sic: NSD's spelling */
			perr(p, "catalog-producer-zone %s in pattern %s is not configered as a "
			     "catalog: producer", producer, pat->name);
		}
	}
	return missing;
}

static void resolve_references(struct parser *p)
{
	struct nsdconf_model *m = p->m;
	int missing = 0;
	/* The other patterns' lists are all shared ones, counted with their owner. */
	for (size_t i = 0; i < p->n_own_acls; i++) {
		missing += check_references(p, p->own_acls[i], false);
	}
	if (missing == 0 && !p->producer_refs) {
		return;
	}
	/* NSD walks its pattern tree in name order: report in that order. */
	struct nsdconf_pattern **v = nsdconf_reallocarray(NULL, m->n_patterns + 1, sizeof(*v));
	if (v == NULL) {
		out_of_memory(p);
		return;
	}
	memcpy(v, m->patterns, m->n_patterns * sizeof(*v));
	qsort(v, m->n_patterns, sizeof(*v), pattern_name_cmp);
	for (int i = 0; i < m->n_patterns; i++) {
		check_references(p, v[i], true);
	}
	free(v);
}

struct zonelist_ctx {
	struct nsdconf_model *m;
	struct nsdconf_diag *diag;
	const char *path;
	bool oom;
};

static int zonelist_entry(void *ctx, const char *zone, const char *pattern,
                          const char *member_id, int line)
{
	(void)member_id;   /* knotd makes its own member ids (the zonelist keeps NSD's) */
	struct zonelist_ctx *zc = ctx;
	struct nsdconf_model *m = zc->m;
	struct nsdconf_pattern *pat = nsdconf_pattern_find(m, pattern);
	if (pat == NULL) {
		nsdconf_diag_error(zc->diag, zc->path, line,
		                   "pattern does not exist for zone %s pattern %s", zone, pattern);
		return 0;
	}
	struct nsdconf_zone *z = nsdconf_arena_alloc(m->arena, sizeof(*z));
	int ret = KNOT_ENOMEM;
	if (z != NULL && (z->name = nsdconf_arena_strdup(m->arena, zone)) != NULL) {
		z->pattern = pat;   /* zonelist zones point at the pattern itself, as in NSD */
		z->file = zc->path;
		z->line = line;
		ret = nsdconf_model_add_zone(m, z);
	}
	if (ret == KNOT_ENOMEM) {
		nsdconf_diag_oom(zc->diag, zc->path, line);
		zc->oom = true;
		return KNOT_ENOMEM;   /* stops the reader */
	}
	if (ret != KNOT_EOK) {
		nsdconf_diag_error(zc->diag, zc->path, line,
		                   "bad domain name or duplicate zone '%s' pattern %s", zone, pattern);
	}
	return 0;
}

int nsdconf_model_read_zonelist(struct nsdconf_model *m, const char *path,
                                struct nsdconf_diag *diag)
{
	const char *zl = path != NULL ? path : nsdconf_gstr(m, NSDCONF_G_ZONELISTFILE);
	if (zl == NULL || zl[0] == '\0') {
		return 0;
	}
	struct zonelist_ctx zc = { .m = m, .diag = diag,
	                           .path = nsdconf_arena_strdup(m->arena, zl) };
	if (zc.path == NULL) {
		nsdconf_diag_oom(diag, zl, 0);
		return KNOT_ENOMEM;
	}
	/* Unreadable files and bad lines are reported by the reader itself. */
	int ret = nsdconf_zonelist_read(zc.path, zonelist_entry, &zc, diag);
	return zc.oom ? KNOT_ENOMEM : ret;
}

/* The model's lexer and what it leaves to the model. */
static struct nsdconf_lexer *open_config(struct nsdconf_model *m, const char *path,
                                         struct nsdconf_diag *diag)
{
	struct nsdconf_lexer *lx = nsdconf_lexer_open(path, m->arena, diag);
	if (lx == NULL && errno == ENOMEM) {
		nsdconf_diag_oom(diag, path, 0);
	} else if (lx == NULL) {
		nsdconf_diag_line(diag, "Could not open %s: %s", path, strerror(errno));
	}
	return lx;
}

struct nsdconf_model *nsdconf_parse_file(const char *path, const struct nsdconf_parse_opts *opts,
                                         struct nsdconf_diag *diag)
{
	struct nsdconf_model *m = nsdconf_model_new();
	struct nsdconf_lexer *lx = m != NULL ? open_config(m, path, diag) : NULL;
	if (lx == NULL) {
		if (m == NULL) {
			nsdconf_diag_oom(diag, path, 0);
		}
		nsdconf_model_free(m);
		return NULL;
	}
	struct parser p = {
		.lx = lx, .diag = diag, .m = m,
		.max_version = opts && opts->max_version ? opts->max_version : 461,
		.locations = opts && opts->locations,
		.occ_tail = &m->occurrences,
	};
	if (opts != NULL && opts->release != NULL) {
		m->release = opts->release;
	}
	m->configfile = nsdconf_arena_strdup(m->arena, path);
	parse_blocks(&p);
	if (!p.diag->fatal && !p.oom && m->release->cookie_secret_hex &&
	    m->global_set[NSDCONF_G_COOKIE_STAGING_SECRET] && !m->global_set[NSDCONF_G_COOKIE_SECRET]) {
		perr(&p, "a cookie-staging-secret cannot be configured without also providing a "
		     "cookie-secret");
	}
	if (!p.diag->fatal && !p.oom) {
		resolve_references(&p);
	}
	if (nsdconf_arena_failed(m->arena)) {
		out_of_memory(&p);   /* an allocation after the last token */
	}
	free(p.own_acls);
	m->files = nsdconf_lexer_files(lx, &m->n_files);
	m->echo = nsdconf_lexer_echo(lx);
	if (diag->fatal && p.tok.type == NSDCONF_TOK_FATAL) {
		m->fatal = p.tok.text;
	}
	nsdconf_lexer_close(lx);

	if (!p.oom && opts != NULL && opts->read_zonelist && diag->errors == 0 &&
	    nsdconf_model_read_zonelist(m, opts->zonelist_override, diag) == KNOT_ENOMEM) {
		p.oom = true;
	}
	if (p.oom) {
		/* A partial model is no configuration: the caller keeps what it has. */
		nsdconf_model_free(m);
		return NULL;
	}
	return m;
}
