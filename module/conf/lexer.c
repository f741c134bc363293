/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd.conf scanner: NSD 4.6.1's flex scanner (configlexer.lex, flex -i) rewritten by hand. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/hash.h"
#include "conf/lexer.h"
#include "conf/mem.h"

/* NSD's nesting limit (config_start_include); resources run out long before. */
#define INCLUDE_DEPTH_MAX 10000000L

/* flex's own fatal messages (yy_fatal_error prints them and exits 2). */
#define FATAL_EOB   "fatal flex scanner internal error--end of buffer missed"
#define FATAL_INPUT "input in flex scanner failed"

#define TEXT_CACHE 64
#define KW_TEXT_CACHE 256

/* One file on the include stack (NSD: struct inc_state plus its flex buffer). */
struct frame {
	const char *name;   /* arena; as written in include: or as globbed */
	int fd;             /* open while on the stack, as NSD keeps its FILE */
	int line;
	char *buf;          /* the whole file, read when first scanned */
	size_t len, pos;
	bool loaded;
	bool mapped;        /* buf is an mmap() of the file */
	bool read_failed;   /* flex would die with "input in flex scanner failed" */
};

struct text_slot {
	const char *text;
	size_t len;
};

struct nsdconf_lexer {
	struct nsdconf_arena *arena;
	struct nsdconf_diag *diag;
	struct frame *stack;
	size_t depth, cap;
	long inc_depth;             /* NSD's inc_depth: attempts minus pops */
	const char **files;         /* arena, NULL-terminated */
	int nfiles, files_cap;
	char *echo;                 /* arena, NUL-terminated */
	size_t echo_len, echo_cap;
	bool done;                  /* EOF, FATAL or NOMEM returned: repeat it */
	bool oom;                   /* an allocation of the scanner's own failed */
	enum nsdconf_tok done_type;
	const char *fatal_msg;
	/* keyword texts repeat endlessly in big configs: share one copy */
	struct text_slot text_cache[TEXT_CACHE];
	struct text_slot kw_text[KW_TEXT_CACHE];
};

/* Bytes that end an unquoted word ({UNQUOTEDLETTER} excludes them), and the NUL
 * byte, which belongs to the word but cuts its value (looked at on the slow path,
 * so that values need no strnlen). */
static const unsigned char word_stop[256] = {
	['"'] = 1, ['\r'] = 1, ['\n'] = 1, [' '] = 1, ['\t'] = 1, ['\\'] = 1, ['\0'] = 1,
};

/* Bytes a quoted string cannot simply continue over ({ANY} excludes them), and
 * the NUL byte as above. */
static const unsigned char quote_stop[256] = {
	['"'] = 1, ['\r'] = 1, ['\n'] = 1, ['\\'] = 1, ['\0'] = 1,
};

/* The first byte in [p, end) that table marks, or end. Four bytes per bound
 * check: values and keywords are most of nsd.conf's bytes. */
static inline const char *find_stop(const char *p, const char *end, const unsigned char *table)
{
	while (end - p >= 4) {
		if (table[(unsigned char)p[0]]) {
			return p;
		}
		if (table[(unsigned char)p[1]]) {
			return p + 1;
		}
		if (table[(unsigned char)p[2]]) {
			return p + 2;
		}
		if (table[(unsigned char)p[3]]) {
			return p + 3;
		}
		p += 4;
	}
	while (p < end && !table[(unsigned char)*p]) {
		p++;
	}
	return p;
}

static struct frame *top(const struct nsdconf_lexer *lx)
{
	return &lx->stack[lx->depth - 1];
}

static const char *cur_file(const struct nsdconf_lexer *lx)
{
	return top(lx)->name;
}

static int cur_line(const struct nsdconf_lexer *lx)
{
	return top(lx)->line;
}

/* Notes a failed allocation of the scanner's own; the next token is NOMEM. */
static void nomem(struct nsdconf_lexer *lx)
{
	lx->oom = true;
}

/* flex -i compares ASCII letters only, whatever the locale says. */
static bool ascii_ieq(const char *s, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = s[i], b = lit[i];
		if (a >= 'A' && a <= 'Z') {
			a += 'a' - 'A';
		}
		if (a != b) {
			return false;
		}
	}
	return true;
}

/* lit is a string literal: its length is known at compile time. */
#define word_is(w, n, lit) ((n) == sizeof(lit) - 1 && ascii_ieq((w), (lit), sizeof(lit) - 1))

/* NSD prints no "at '...'" part when c_text is empty. s is NULL when out of memory
 * (the token becomes NOMEM). */
static const char *at_text(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static const char *intern_text(struct nsdconf_lexer *lx, const char *s, size_t n)
{
	struct text_slot *slot = &lx->text_cache[nsdconf_hash(s, n, 0) % TEXT_CACHE];
	if (slot->text == NULL || slot->len != n || memcmp(slot->text, s, n) != 0) {
		slot->text = nsdconf_arena_strndup(lx->arena, s, n);
		slot->len = n;
	}
	return slot->text;
}

/* A keyword's text as written, shared by every occurrence spelled the same way. */
static const char *keyword_text(struct nsdconf_lexer *lx, int kw, const char *s, size_t n)
{
	if (kw < KW_TEXT_CACHE) {
		struct text_slot *slot = &lx->kw_text[kw];
		if (slot->text == NULL || slot->len != n || memcmp(slot->text, s, n) != 0) {
			slot->text = nsdconf_arena_strndup(lx->arena, s, n);
			slot->len = n;
		}
		return slot->text;
	}
	return intern_text(lx, s, n);
}

/* flex's default rule: unmatched text goes to stdout; we keep it for the caller. */
static void echo(struct nsdconf_lexer *lx, const char *s, size_t n)
{
	if (lx->echo_len + n + 1 > lx->echo_cap) {
		size_t cap = lx->echo_cap ? lx->echo_cap : 64;
		while (cap < lx->echo_len + n + 1) {
			cap *= 2;
		}
		char *nb = nsdconf_arena_alloc(lx->arena, cap);
		if (nb == NULL) {
			return;   /* the arena's failure is sticky: the next token is NOMEM */
		}
		if (lx->echo_len > 0) {
			memcpy(nb, lx->echo, lx->echo_len);
		}
		lx->echo = nb;
		lx->echo_cap = cap;
	}
	if (n > 0) {
		memcpy(lx->echo + lx->echo_len, s, n);
		lx->echo_len += n;
	}
	lx->echo[lx->echo_len] = '\0';
}

static void add_file(struct nsdconf_lexer *lx, const char *name)
{
	if (lx->nfiles + 1 >= lx->files_cap) {
		int cap = lx->files_cap ? lx->files_cap * 2 : 8;
		const char **nf = nsdconf_arena_alloc(lx->arena, cap * sizeof(*nf));
		if (nf == NULL) {
			return;   /* sticky, as in echo() */
		}
		if (lx->nfiles > 0) {
			memcpy(nf, lx->files, lx->nfiles * sizeof(*nf));
		}
		lx->files = nf;
		lx->files_cap = cap;
	}
	lx->files[lx->nfiles++] = name;
	lx->files[lx->nfiles] = NULL;
}

/* False when out of memory; fd is then still the caller's. */
static bool push_frame(struct nsdconf_lexer *lx, const char *name, int fd)
{
	if (lx->depth == lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 8;
		struct frame *stack = nsdconf_reallocarray(lx->stack, cap, sizeof(*stack));
		if (stack == NULL) {
			nomem(lx);
			return false;
		}
		lx->stack = stack;
		lx->cap = cap;
	}
	lx->stack[lx->depth++] = (struct frame){ .name = name, .fd = fd, .line = 1 };
	return true;
}

static void drop_frame(struct frame *f)
{
	if (f->mapped) {
		munmap(f->buf, f->len);
	} else {
		free(f->buf);
	}
	f->buf = NULL;
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
}

/* NSD's config_end_include: back to the including file at its saved line. */
static void pop_frame(struct nsdconf_lexer *lx)
{
	drop_frame(top(lx));
	lx->depth--;
	lx->inc_depth--;
}

/* Reads the whole file at once: one read() for a regular file, no stdio. Out of
 * memory leaves the frame empty (and the lexer failed). */
static void load_frame(struct nsdconf_lexer *lx, struct frame *f)
{
	struct stat st;
	size_t cap = 4096;
	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		/* A regular file is mapped, not copied: big configs scan straight from
		 * the page cache. The scanner never writes to the buffer. */
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		                 f->fd, 0);
		if (map != MAP_FAILED) {
			f->buf = map;
			f->len = (size_t)st.st_size;
			f->mapped = true;
			f->loaded = true;
			if (lx->depth > 1) {
				add_file(lx, f->name);
			}
			return;
		}
		cap = (size_t)st.st_size + 1;
	}
	f->buf = nsdconf_malloc(cap);
	f->loaded = true;
	if (f->buf == NULL) {
		nomem(lx);
		return;
	}
	for (;;) {
		if (f->len == cap) {
			char *grown = cap < SIZE_MAX / 2 ? nsdconf_realloc(f->buf, cap * 2) : NULL;
			if (grown == NULL) {
				nomem(lx);
				f->len = 0;
				return;
			}
			f->buf = grown;
			cap *= 2;
		}
		ssize_t r = read(f->fd, f->buf + f->len, cap - f->len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			f->read_failed = true;
			break;
		}
		if (r == 0) {
			break;
		}
		f->len += (size_t)r;
	}
	if (lx->depth > 1) {
		add_file(lx, f->name);
	}
}

static void set_fatal(struct nsdconf_lexer *lx, struct nsdconf_token *tok, const char *msg)
{
	lx->done = true;
	lx->done_type = NSDCONF_TOK_FATAL;
	lx->fatal_msg = msg;
	lx->diag->fatal = 1;
	tok->type = NSDCONF_TOK_FATAL;
	tok->text = msg;
}

/* NSD's config_start_include: the name is reported as given. */
static void start_include(struct nsdconf_lexer *lx, const char *name)
{
	if (lx->inc_depth++ > INCLUDE_DEPTH_MAX) {
		nsdconf_diag_error(lx->diag, cur_file(lx), cur_line(lx), "too many include files");
		return;
	}
	if (name[0] == '\0') {
		nsdconf_diag_error(lx->diag, cur_file(lx), cur_line(lx), "empty include file name");
		return;
	}
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		nsdconf_diag_error(lx->diag, cur_file(lx), cur_line(lx),
		                   "cannot open include file '%s': %s", name, strerror(errno));
		return;
	}
	if (!push_frame(lx, name, fd)) {
		close(fd);
	}
}

/*
 * NSD's config_start_include_glob. Matches are pushed last to first so the
 * first is scanned first; an unopenable match is therefore reported at line 1
 * of the match pushed just before it, exactly as NSD does.
 */
static void start_include_glob(struct nsdconf_lexer *lx, const char *name)
{
	if (strpbrk(name, "*?[{~") == NULL) {
		start_include(lx, name);
		return;
	}
	glob_t g;
	memset(&g, 0, sizeof(g));
	int r = glob(name, GLOB_ERR | GLOB_BRACE | GLOB_TILDE, NULL, &g);
	if (r != 0) {
		globfree(&g);
		if (r != GLOB_NOMATCH) {
			start_include(lx, name);
		}
		return;
	}
	for (size_t i = g.gl_pathc; i-- > 0;) {
		const char *match = nsdconf_arena_strdup(lx->arena, g.gl_pathv[i]);
		if (match == NULL) {
			break;   /* the next token is NOMEM */
		}
		start_include(lx, match);
	}
	globfree(&g);
}

/*
 * Length of the unquoted word at p; backslash + any byte but LF belongs to it.
 * *value_len is the length of its value: up to the first NUL byte, as NSD's
 * region_strdup() of yytext keeps it.
 */
static size_t word_len(const char *p, const char *end, size_t *value_len)
{
	const char *s = p, *nul = NULL;
	for (;;) {
		s = find_stop(s, end, word_stop);
		if (s == end) {
			break;
		}
		if (*s == '\0') {
			nul = nul != NULL ? nul : s;
			s++;
		} else if (*s == '\\' && s + 1 < end && s[1] != '\n') {
			s += 2;
		} else {
			break;
		}
	}
	*value_len = (size_t)((nul != NULL ? nul : s) - p);
	return (size_t)(s - p);
}

enum qs_result {
	QS_DONE,
	QS_EOF,          /* EOF right after the quote or an echo: flex recovers */
	QS_EOF_PENDING,  /* EOF with yymore() text pending: flex dies */
};

/*
 * Scans from after an opening quote to the closing one. The value is what
 * follows the last byte flex's default rule had to echo (a CR in a string, or
 * a backslash before LF/EOF): the echo flushes the yymore() text with it.
 */
static enum qs_result scan_quoted(struct nsdconf_lexer *lx, struct frame *f, bool cr_counts,
                                  const char **val, size_t *val_len)
{
	const char *buf = f->buf;
	size_t p = f->pos, seg = p, end = f->len;
	size_t nul = SIZE_MAX;   /* first NUL byte of the value: it ends the value */
	for (;;) {
		p = (size_t)(find_stop(buf + p, buf + end, quote_stop) - buf);
		if (p == end) {
			break;
		}
		char c = buf[p];
		if (c == '"') {
			*val = buf + seg;
			*val_len = (nul != SIZE_MAX ? nul : p) - seg;
			f->pos = p + 1;
			return QS_DONE;
		} else if (c == '\0') {
			nul = nul != SIZE_MAX ? nul : p;
			p++;
		} else if (c == '\n' || (c == '\r' && cr_counts)) {
			f->line++;
			p++;
		} else if (c == '\\' && p + 1 < end && buf[p + 1] != '\n') {
			p += 2;
		} else {
			echo(lx, buf + seg, p + 1 - seg);
			seg = ++p;
			nul = SIZE_MAX;
		}
	}
	f->pos = p;
	return p > seg ? QS_EOF_PENDING : QS_EOF;
}

/* Unterminated quote: NSD's error, then flex either recovers or aborts. */
static bool quoted_eof(struct nsdconf_lexer *lx, enum qs_result r, struct nsdconf_token *tok)
{
	nsdconf_diag_error(lx->diag, cur_file(lx), cur_line(lx), "EOF inside quoted string");
	if (r == QS_EOF_PENDING) {
		set_fatal(lx, tok, FATAL_EOB);
		return true;
	}
	return false;
}

/* The <include> and <include_quoted> states: skip blanks/newlines, take one name. */
static bool include_directive(struct nsdconf_lexer *lx, struct frame *f, struct nsdconf_token *tok)
{
	for (;;) {
		if (f->pos >= f->len) {
			nsdconf_diag_error(lx->diag, cur_file(lx), cur_line(lx),
			                   "EOF inside include directive");
			return false;
		}
		char c = f->buf[f->pos];
		if (c == ' ' || c == '\t') {
			f->pos++;
			continue;
		}
		if (c == '\r' || c == '\n') {
			f->line++;
			f->pos++;
			continue;
		}
		const char *name;
		size_t n;
		if (c == '"') {
			f->pos++;
			enum qs_result r = scan_quoted(lx, f, true, &name, &n);
			if (r != QS_DONE) {
				return quoted_eof(lx, r, tok);
			}
		} else {
			name = f->buf + f->pos;
			size_t wn = word_len(name, f->buf + f->len, &n);
			if (wn == 0) {
				echo(lx, "\\", 1);
				f->pos++;
				continue;
			}
			f->pos += wn;
		}
		/* f may move when frames are pushed: it is not used after this. */
		const char *copy = nsdconf_arena_strndup(lx->arena, name, n);
		if (copy != NULL) {
			start_include_glob(lx, copy);
		}
		return false;
	}
}

/* server-[1-9][0-9]*-cpu-affinity: ; the number goes to digits, dlen. */
static bool is_server_cpu(const char *w, size_t n, const char **digits, size_t *dlen)
{
	static const char pre[] = "server-", post[] = "-cpu-affinity:";
	size_t lpre = sizeof(pre) - 1, lpost = sizeof(post) - 1;
	if (n < lpre + 1 + lpost || !ascii_ieq(w, pre, lpre) ||
	    !ascii_ieq(w + n - lpost, post, lpost)) {
		return false;
	}
	const char *d = w + lpre, *e = w + n - lpost;
	if (*d < '1' || *d > '9') {
		return false;
	}
	for (const char *p = d; p < e; p++) {
		if (*p < '0' || *p > '9') {
			return false;
		}
	}
	*digits = d;
	*dlen = (size_t)(e - d);
	return true;
}

/* servers= / bindtodevice= / setfib=: flex yyless()es back to the '=' so the
 * rest of the word is scanned again as ordinary tokens. */
static bool socket_prefix(struct nsdconf_lexer *lx, struct frame *f, size_t n,
                          struct nsdconf_token *tok)
{
	static const struct {
		const char *lit;
		size_t len;
		enum nsdconf_tok type;
	} pfx[] = {
		{ "servers=", 8, NSDCONF_TOK_SERVERS },
		{ "bindtodevice=", 13, NSDCONF_TOK_BINDTODEVICE },
		{ "setfib=", 7, NSDCONF_TOK_SETFIB },
	};
	const char *w = f->buf + f->pos;
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		size_t l = pfx[i].len;
		if (n >= l && ascii_ieq(w, pfx[i].lit, l)) {
			tok->type = pfx[i].type;
			tok->text = intern_text(lx, w, l);
			f->pos += l;
			return true;
		}
	}
	return false;
}

/*
 * A maximal unquoted word: flex's longest match picks a keyword rule only when
 * it covers the whole word (ties go to the rule listed first, all before the
 * generic word rule).
 */
static bool classify_word(struct nsdconf_lexer *lx, struct frame *f, size_t n, size_t value_len,
                          struct nsdconf_token *tok)
{
	const char *w = f->buf + f->pos;
	const char *digits, *spelling;
	size_t dlen;

	/* Most words are plain values or keywords: only words starting with s or b can
	 * be socket prefixes, only 3- or 4-letter words AXFR/UDP, only words ending in
	 * ':' keywords. */
	if (((w[0] | 0x20) == 's' || (w[0] | 0x20) == 'b') && socket_prefix(lx, f, n, tok)) {
		return true;
	}
	f->pos += n;
	if (w[n - 1] == ':') {
		/* No option is called "include" or "server-<N>-cpu-affinity", so the
		 * keyword look-up can come first. */
		int kw = nsdconf_keyword_lookup(w, n, &spelling);
		if (kw >= 0) {
			tok->type = NSDCONF_TOK_KEYWORD;
			tok->kw = kw;
			tok->text = tok->value = spelling != NULL ? spelling : keyword_text(lx, kw, w, n);
			return true;
		}
		if (word_is(w, n, "include:")) {
			return include_directive(lx, f, tok);
		}
		if (is_server_cpu(w, n, &digits, &dlen)) {
			tok->type = NSDCONF_TOK_SERVER_CPU;
			tok->text = intern_text(lx, w, n);
			tok->value = nsdconf_arena_strndup(lx->arena, digits, dlen);
			return true;
		}
	} else if ((n == 4 && word_is(w, n, "axfr")) || (n == 3 && word_is(w, n, "udp"))) {
		tok->type = n == 4 ? NSDCONF_TOK_AXFR : NSDCONF_TOK_UDP;
		tok->text = tok->value = intern_text(lx, w, n);
		return true;
	}
	tok->type = NSDCONF_TOK_STRING;
	tok->value = nsdconf_arena_strndup(lx->arena, w, value_len);
	tok->text = at_text(tok->value);
	return true;
}

/*
 * Blanks, line ends and comments up to the next token, in one loop (they are most
 * of the bytes between tokens). {SPACE}*{COMMENT}.* : a comment runs to LF and
 * swallows a CR before it; CR and LF each count a line.
 */
static void skip_between_tokens(struct frame *f)
{
	const char *buf = f->buf;
	size_t pos = f->pos, len = f->len;
	int line = f->line;
	while (pos < len) {
		char c = buf[pos];
		if (c == ' ' || c == '\t') {
			pos++;
		} else if (c == '\n' || c == '\r') {
			line++;
			pos++;
		} else if (c == '#') {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			pos = nl != NULL ? (size_t)(nl - buf) : len;
		} else {
			break;
		}
	}
	f->pos = pos;
	f->line = line;
}

static bool scan_string(struct nsdconf_lexer *lx, struct frame *f, struct nsdconf_token *tok)
{
	const char *val;
	size_t n;
	f->pos++;
	enum qs_result r = scan_quoted(lx, f, false, &val, &n);
	if (r != QS_DONE) {
		return quoted_eof(lx, r, tok);
	}
	tok->type = NSDCONF_TOK_STRING;
	tok->value = nsdconf_arena_strndup(lx->arena, val, n);
	tok->text = at_text(tok->value);
	return true;
}

/* One flex match in the INITIAL state at a token's first byte; true when it
 * produced a token. */
static bool scan_one(struct nsdconf_lexer *lx, struct frame *f, struct nsdconf_token *tok)
{
	if (f->buf[f->pos] == '"') {
		return scan_string(lx, f, tok);
	}
	size_t value_len;
	size_t n = word_len(f->buf + f->pos, f->buf + f->len, &value_len);
	if (n == 0) {
		/* A backslash before LF or EOF matches no rule: flex echoes it. */
		echo(lx, "\\", 1);
		f->pos++;
		return false;
	}
	return classify_word(lx, f, n, value_len, tok);
}

static bool out_of_memory(const struct nsdconf_lexer *lx)
{
	return lx->oom || nsdconf_arena_failed(lx->arena);
}

/* Ends the scan: a token whose value could not be stored, or any allocation of the
 * parser's in the shared arena, is the end of the configuration. */
static void set_nomem(struct nsdconf_lexer *lx, struct nsdconf_token *tok)
{
	lx->done = true;
	lx->done_type = NSDCONF_TOK_NOMEM;
	*tok = (struct nsdconf_token){ .type = NSDCONF_TOK_NOMEM, .kw = -1 };
}

void nsdconf_lexer_next(struct nsdconf_lexer *lx, struct nsdconf_token *tok)
{
	*tok = (struct nsdconf_token){ .type = NSDCONF_TOK_EOF, .kw = -1 };
	if (lx->done) {
		tok->type = lx->done_type;
		tok->text = lx->done_type == NSDCONF_TOK_FATAL ? lx->fatal_msg : NULL;
		return;
	}
	for (;;) {
		if (out_of_memory(lx)) {
			set_nomem(lx, tok);
			return;
		}
		struct frame *f = top(lx);
		if (!f->loaded) {
			load_frame(lx, f);
		}
		skip_between_tokens(f);
		if (f->pos >= f->len) {
			if (f->read_failed) {
				set_fatal(lx, tok, FATAL_INPUT);
				return;
			}
			if (lx->depth == 1) {
				lx->done = true;
				lx->done_type = NSDCONF_TOK_EOF;
				return;
			}
			pop_frame(lx);
			continue;
		}
		if (scan_one(lx, f, tok)) {
			if (out_of_memory(lx)) {
				set_nomem(lx, tok);
			}
			return;
		}
	}
}

struct nsdconf_lexer *nsdconf_lexer_open(const char *path, struct nsdconf_arena *arena,
                                         struct nsdconf_diag *diag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return NULL;
	}
	struct nsdconf_lexer *lx = nsdconf_calloc(1, sizeof(*lx));
	if (lx == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	lx->arena = arena;
	lx->diag = diag;
	const char *name = nsdconf_arena_strdup(arena, path);
	if (name == NULL || !push_frame(lx, name, fd)) {
		close(fd);
		nsdconf_lexer_close(lx);
		errno = ENOMEM;
		return NULL;
	}
	add_file(lx, name);
	echo(lx, "", 0);
	if (out_of_memory(lx)) {
		nsdconf_lexer_close(lx);
		errno = ENOMEM;
		return NULL;
	}
	return lx;
}

void nsdconf_lexer_close(struct nsdconf_lexer *lx)
{
	if (lx == NULL) {
		return;
	}
	for (size_t i = 0; i < lx->depth; i++) {
		drop_frame(&lx->stack[i]);
	}
	free(lx->stack);
	free(lx);
}

const char *nsdconf_lexer_file(const struct nsdconf_lexer *lx)
{
	return cur_file(lx);
}

int nsdconf_lexer_line(const struct nsdconf_lexer *lx)
{
	return cur_line(lx);
}

const char *const *nsdconf_lexer_files(const struct nsdconf_lexer *lx, int *count)
{
	if (count != NULL) {
		*count = lx->nfiles;
	}
	return lx->files;
}

const char *nsdconf_lexer_echo(const struct nsdconf_lexer *lx)
{
	return lx->echo;
}
