/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd.conf scanner: NSD 4.6.1's configlexer.lex rules (flex -i), include: with glob. */
#pragma once

#include <stdbool.h>

#include "conf/arena.h"
#include "conf/diag.h"

enum nsdconf_tok {
	NSDCONF_TOK_EOF = 0,
	NSDCONF_TOK_KEYWORD,        /* "<keyword>:" (case-insensitive); .kw = keyword id, .value = .text */
	NSDCONF_TOK_STRING,         /* quoted or unquoted word; .value */
	NSDCONF_TOK_AXFR,           /* bare AXFR (any case) */
	NSDCONF_TOK_UDP,            /* bare UDP (any case) */
	/* servers= / bindtodevice= / setfib= (any case): like NSD (flex yyless) the
	 * token is only the prefix up to '='; no .value. Whatever follows is scanned
	 * again as ordinary tokens, so "servers=1-3", "servers= 1" and
	 * servers="0 1" all give SERVERS then STRING (grammar: VAR_SERVERS STRING). */
	NSDCONF_TOK_SERVERS,
	NSDCONF_TOK_BINDTODEVICE,
	NSDCONF_TOK_SETFIB,
	NSDCONF_TOK_SERVER_CPU,     /* server-<N>-cpu-affinity: ; .value = "<N>" (digits, for strtoll) */
	/* flex died (yy_fatal_error). .text is flex's message; the caller prints it
	 * as one line on stderr, prints no "read ... failed" summary, exits 2 (the
	 * scanner also sets diag->fatal). Messages: "fatal flex scanner internal
	 * error--end of buffer missed" (unterminated quote with text pending, after
	 * the counted "EOF inside quoted string" error) and "input in flex scanner
	 * failed" (read error, e.g. a directory). Repeats on every further call. */
	NSDCONF_TOK_FATAL,
	/* Memory ran out (the scanner's or the arena's, which it shares with the parser):
	 * the parse fails. No .text; repeats on every further call. */
	NSDCONF_TOK_NOMEM,
};

struct nsdconf_token {
	enum nsdconf_tok type;
	int kw;              /* keyword id from nsdconf_keyword_lookup() for KEYWORD, else -1 */
	/* Token text as NSD's c_text shows it in "at '...'": the word, the quoted
	 * string's content without quotes, a keyword as written ("Zone:"), a socket
	 * prefix as written ("SERVERS="). NULL when NSD prints no at-part (c_text
	 * empty: EOF, "" or a value starting with a NUL byte), so it can be passed
	 * to nsdconf_diag_error_at() as is. FATAL: flex's message. */
	const char *text;
	/* STRING/KEYWORD/AXFR/UDP/SERVER_CPU: the value (arena memory, stable),
	 * cut at the first NUL byte like NSD's region_strdup(). */
	const char *value;
};

struct nsdconf_lexer;

/* Returns the keyword id of "<name>:" text (len includes the colon), or -1.
 * spelling (may be NULL) is set to the keyword's own "<name>:" (static memory)
 * when text is written exactly so, else to NULL. Implemented by the option table
 * (options.c); the scanner only asks. */
int nsdconf_keyword_lookup(const char *text, size_t len, const char **spelling);

/* Opens the top-level file. On failure returns NULL and sets errno; the caller
 * prints NSD's "Could not open <file>: <strerror>", or reports out of memory when
 * errno is ENOMEM. */
struct nsdconf_lexer *nsdconf_lexer_open(const char *path, struct nsdconf_arena *arena,
                                         struct nsdconf_diag *diag);
void nsdconf_lexer_close(struct nsdconf_lexer *lx);

/* Reads the next token. Includes are spliced in transparently; scanner errors
 * (include problems, "EOF inside ...") go to diag with the current position.
 * After EOF or FATAL the same token is returned again. An included file stays
 * open while it is on the include stack (NSD keeps its FILE), so runaway
 * nesting ends in "cannot open include file ...: Too many open files" as in NSD. */
void nsdconf_lexer_next(struct nsdconf_lexer *lx, struct nsdconf_token *tok);

/* The scanner's current position (NSD's cfg_parser->filename / ->line): the file
 * being scanned and the line after the last token read. Errors are reported here. */
const char *nsdconf_lexer_file(const struct nsdconf_lexer *lx);
int nsdconf_lexer_line(const struct nsdconf_lexer *lx);

/* Every file opened (top-level first, then includes in the order they were read);
 * used by the module's watch mode. NULL-terminated, arena memory. */
const char *const *nsdconf_lexer_files(const struct nsdconf_lexer *lx, int *count);

/* Bytes that flex's default rule would have echoed to stdout (a CR inside a
 * quoted string, with the string's text before it; a backslash before LF or
 * EOF). Never NULL, "" when nothing was echoed; arena memory. nsd-checkconf's
 * stdout starts with them (stdio buffering puts them before any other output).
 * Echoed NUL bytes end the string early (flex would write them). */
const char *nsdconf_lexer_echo(const struct nsdconf_lexer *lx);
