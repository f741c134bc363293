/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd.conf scanner: NSD 4.6.1's configlexer.lex rules (flex -i), include: with glob. */
#pragma once

#include <stdbool.h>

#include "conf/arena.h"
#include "conf/diag.h"

enum nsdconf_tok {
	NSDCONF_TOK_EOF = 0,
	NSDCONF_TOK_KEYWORD,        /* "<keyword>:" (case-insensitive); .kw = keyword id */
	NSDCONF_TOK_STRING,         /* quoted or unquoted word; .value */
	NSDCONF_TOK_AXFR,           /* bare AXFR (any case) */
	NSDCONF_TOK_UDP,            /* bare UDP (any case) */
	NSDCONF_TOK_SERVERS,        /* servers=<letters>; .value = text after '=' */
	NSDCONF_TOK_BINDTODEVICE,   /* bindtodevice=<letters>; .value = text after '=' */
	NSDCONF_TOK_SETFIB,         /* setfib=<letters>; .value = text after '=' */
	NSDCONF_TOK_SERVER_CPU,     /* server-<N>-cpu-affinity: ; .value = "<N>" */
	NSDCONF_TOK_FATAL,          /* scanner gave up (flex fatal error): stop, exit 2, no summary */
};

struct nsdconf_token {
	enum nsdconf_tok type;
	int kw;              /* keyword id from nsdconf_keyword_lookup() for KEYWORD */
	const char *text;    /* token text as NSD's c_text shows it in "at '...'" */
	const char *value;   /* STRING/SERVERS/...: the value (arena memory, stable) */
};

struct nsdconf_lexer;

/* Returns the keyword id of "<name>:" text (len includes the colon), or -1.
 * Implemented by the option table (options.c); the scanner only asks. */
int nsdconf_keyword_lookup(const char *text, size_t len);

/* Opens the top-level file. On failure returns NULL and sets errno; the caller
 * prints NSD's "Could not open <file>: <strerror>". */
struct nsdconf_lexer *nsdconf_lexer_open(const char *path, struct nsdconf_arena *arena,
                                         struct nsdconf_diag *diag);
void nsdconf_lexer_close(struct nsdconf_lexer *lx);

/* Reads the next token. Includes are spliced in transparently. */
void nsdconf_lexer_next(struct nsdconf_lexer *lx, struct nsdconf_token *tok);

/* The scanner's current position (NSD's cfg_parser->filename / ->line): the file
 * being scanned and the line after the last token read. Errors are reported here. */
const char *nsdconf_lexer_file(const struct nsdconf_lexer *lx);
int nsdconf_lexer_line(const struct nsdconf_lexer *lx);

/* Every file opened (top-level first, then includes in the order they were read);
 * used by the module's watch mode. NULL-terminated, arena memory. */
const char *const *nsdconf_lexer_files(const struct nsdconf_lexer *lx, int *count);

/* Bytes that flex's default rule would have echoed to stdout (a CR inside a
 * quoted string); the checkconf tool prints them, the module ignores them. */
const char *nsdconf_lexer_echo(const struct nsdconf_lexer *lx);
