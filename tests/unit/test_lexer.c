/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the nsd.conf scanner against NSD 4.6.1 behaviour (checked with nsd-checkconf). */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/lexer.h"

#define FATAL_EOB "fatal flex scanner internal error--end of buffer missed"
#define MAX_TOKS 64
#define MAX_MSGS 16

/* One scanned token with the scanner position right after it. */
struct seen {
	struct nsdconf_token tok;
	const char *file;
	int line;
};

struct fixture {
	char dir[64];
	char old_cwd[PATH_MAX];
	struct nsdconf_arena *arena;
	struct nsdconf_diag diag;
	struct nsdconf_lexer *lx;
	char *msgs[MAX_MSGS];
	int n_msgs;
	struct seen toks[MAX_TOKS];
	int n_toks;
};

static void collect(void *ctx, const char *line)
{
	struct fixture *fx = ctx;
	if (fx->n_msgs < MAX_MSGS) {
		fx->msgs[fx->n_msgs++] = strdup(line);
	}
}

/* Relative include names resolve against the cwd, so every test runs in its own dir. */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/test_lexer.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_non_null(getcwd(fx->old_cwd, sizeof(fx->old_cwd)));
	assert_int_equal(chdir(fx->dir), 0);
	fx->arena = nsdconf_arena_new();
	fx->diag.sink = collect;
	fx->diag.ctx = fx;
	*state = fx;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	nsdconf_lexer_close(fx->lx);
	nsdconf_arena_free(fx->arena);
	for (int i = 0; i < fx->n_msgs; i++) {
		free(fx->msgs[i]);
	}
	if (chdir(fx->old_cwd) != 0) {
		return -1;
	}
	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void write_bytes(const char *name, const char *data, size_t len)
{
	FILE *f = fopen(name, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void write_file(const char *name, const char *text)
{
	write_bytes(name, text, strlen(text));
}

static void open_lexer(struct fixture *fx, const char *name)
{
	fx->lx = nsdconf_lexer_open(name, fx->arena, &fx->diag);
	assert_non_null(fx->lx);
}

/* Scans to EOF or FATAL, recording each token with the position after it. */
static void scan_all(struct fixture *fx, const char *name)
{
	open_lexer(fx, name);
	for (;;) {
		assert_true(fx->n_toks < MAX_TOKS);
		struct seen *s = &fx->toks[fx->n_toks++];
		nsdconf_lexer_next(fx->lx, &s->tok);
		s->file = nsdconf_lexer_file(fx->lx);
		s->line = nsdconf_lexer_line(fx->lx);
		if (s->tok.type == NSDCONF_TOK_EOF || s->tok.type == NSDCONF_TOK_FATAL) {
			return;
		}
	}
}

static void scan_text(struct fixture *fx, const char *text)
{
	write_file("t.conf", text);
	scan_all(fx, "t.conf");
}

static int kw(const char *text)
{
	return nsdconf_keyword_lookup(text, strlen(text), NULL);
}

static void check_string(const struct seen *s, const char *value)
{
	assert_int_equal(s->tok.type, NSDCONF_TOK_STRING);
	assert_string_equal(s->tok.value, value);
}

static void check_keyword(const struct seen *s, const char *text, const char *canon)
{
	assert_int_equal(s->tok.type, NSDCONF_TOK_KEYWORD);
	assert_string_equal(s->tok.text, text);
	assert_int_equal(s->tok.kw, kw(canon));
}

static void check_at(const struct seen *s, const char *file, int line)
{
	assert_string_equal(s->file, file);
	assert_int_equal(s->line, line);
}

static void check_eof(const struct fixture *fx, int idx)
{
	assert_int_equal(fx->n_toks, idx + 1);
	assert_int_equal(fx->toks[idx].tok.type, NSDCONF_TOK_EOF);
}

/* ---- tokens ---- */

static void test_keyword_with_attached_colon(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "server:\n\tidentity: foo\n");
	check_keyword(&fx->toks[0], "server:", "server:");
	check_keyword(&fx->toks[1], "identity:", "identity:");
	check_string(&fx->toks[2], "foo");
	assert_string_equal(fx->toks[2].tok.text, "foo");
	check_eof(fx, 3);
	assert_int_equal(fx->diag.errors, 0);
}

static void test_keyword_any_case_keeps_written_text(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "Zone: NAME: x");
	check_keyword(&fx->toks[0], "Zone:", "zone:");
	check_keyword(&fx->toks[1], "NAME:", "name:");
	assert_string_equal(fx->toks[1].tok.value, "NAME:");
	check_string(&fx->toks[2], "x");
}

/* flex -i folds ASCII letters only: a control byte one case-bit away from a digit
 * does not make a keyword ("\x14" | 0x20 is '4'). */
static void test_keyword_case_folds_letters_only(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "IP4-ONLY: ip\x14-only: Ip4-Only:");
	check_keyword(&fx->toks[0], "IP4-ONLY:", "ip4-only:");
	check_string(&fx->toks[1], "ip\x14-only:");
	check_keyword(&fx->toks[2], "Ip4-Only:", "ip4-only:");
	check_eof(fx, 3);
	assert_int_equal(kw("ip4-only"), -1);
	assert_int_equal(kw("ZONE:"), kw("zone:"));
	assert_true(kw("zone:") >= 0);
}

static void test_keyword_glued_to_value_is_one_string(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "name:example.com zone:name: include:file.conf verbosity:2");
	check_string(&fx->toks[0], "name:example.com");
	check_string(&fx->toks[1], "zone:name:");
	check_string(&fx->toks[2], "include:file.conf");
	check_string(&fx->toks[3], "verbosity:2");
	assert_string_equal(fx->toks[3].tok.text, "verbosity:2");
	check_eof(fx, 4);
}

static void test_keyword_before_quote_is_keyword(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "name:\"example.com\"");
	check_keyword(&fx->toks[0], "name:", "name:");
	check_string(&fx->toks[1], "example.com");
	check_eof(fx, 2);
}

static void test_unknown_keyword_is_string(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "bogus: 1 server");
	check_string(&fx->toks[0], "bogus:");
	check_string(&fx->toks[1], "1");
	check_string(&fx->toks[2], "server");
}

static void test_axfr_udp_whole_word_any_case(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "aXfR UDP AXFRx udp: \"AXFR\"");
	assert_int_equal(fx->toks[0].tok.type, NSDCONF_TOK_AXFR);
	assert_string_equal(fx->toks[0].tok.text, "aXfR");
	assert_int_equal(fx->toks[1].tok.type, NSDCONF_TOK_UDP);
	check_string(&fx->toks[2], "AXFRx");
	check_string(&fx->toks[3], "udp:");
	check_string(&fx->toks[4], "AXFR");
	check_eof(fx, 5);
}

/* flex yyless()es back to the '=': the rest is scanned again as tokens. */
static void test_socket_prefix_rescans_rest(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "servers=1-3 SERVERS=\"0 1\" servers= 2 bindtodevice=yes setfib=5 "
	              "servers=zone: servers=#c\nservers=servers=4");
	assert_int_equal(fx->toks[0].tok.type, NSDCONF_TOK_SERVERS);
	assert_string_equal(fx->toks[0].tok.text, "servers=");
	assert_null(fx->toks[0].tok.value);
	check_string(&fx->toks[1], "1-3");
	assert_int_equal(fx->toks[2].tok.type, NSDCONF_TOK_SERVERS);
	assert_string_equal(fx->toks[2].tok.text, "SERVERS=");
	check_string(&fx->toks[3], "0 1");
	assert_int_equal(fx->toks[4].tok.type, NSDCONF_TOK_SERVERS);
	check_string(&fx->toks[5], "2");
	assert_int_equal(fx->toks[6].tok.type, NSDCONF_TOK_BINDTODEVICE);
	assert_string_equal(fx->toks[6].tok.text, "bindtodevice=");
	check_string(&fx->toks[7], "yes");
	assert_int_equal(fx->toks[8].tok.type, NSDCONF_TOK_SETFIB);
	assert_string_equal(fx->toks[8].tok.text, "setfib=");
	check_string(&fx->toks[9], "5");
	assert_int_equal(fx->toks[10].tok.type, NSDCONF_TOK_SERVERS);
	check_keyword(&fx->toks[11], "zone:", "zone:");
	/* the rest after '=' starts at a token boundary: "#c" is a comment */
	assert_int_equal(fx->toks[12].tok.type, NSDCONF_TOK_SERVERS);
	assert_int_equal(fx->toks[13].tok.type, NSDCONF_TOK_SERVERS);
	check_at(&fx->toks[13], "t.conf", 2);
	assert_int_equal(fx->toks[14].tok.type, NSDCONF_TOK_SERVERS);
	check_string(&fx->toks[15], "4");
	check_eof(fx, 16);
}

static void test_server_cpu_affinity_token(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "server-12-cpu-affinity: Server-3-CPU-Affinity: "
	              "server-0-cpu-affinity: server-1x-cpu-affinity: server--cpu-affinity:");
	assert_int_equal(fx->toks[0].tok.type, NSDCONF_TOK_SERVER_CPU);
	assert_string_equal(fx->toks[0].tok.value, "12");
	assert_string_equal(fx->toks[0].tok.text, "server-12-cpu-affinity:");
	assert_int_equal(fx->toks[1].tok.type, NSDCONF_TOK_SERVER_CPU);
	assert_string_equal(fx->toks[1].tok.value, "3");
	assert_string_equal(fx->toks[1].tok.text, "Server-3-CPU-Affinity:");
	check_string(&fx->toks[2], "server-0-cpu-affinity:");
	check_string(&fx->toks[3], "server-1x-cpu-affinity:");
	check_string(&fx->toks[4], "server--cpu-affinity:");
}

static void test_backslash_pairs_kept_verbatim(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "a\\ b \"a\\\"b\" x\\\"y");
	check_string(&fx->toks[0], "a\\ b");
	check_string(&fx->toks[1], "a\\\"b");
	check_string(&fx->toks[2], "x\\\"y");
	check_eof(fx, 3);
	assert_string_equal(nsdconf_lexer_echo(fx->lx), "");
}

static void test_quoted_string_text_is_content(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "\"foo bar\" \"\" x\"y\"");
	check_string(&fx->toks[0], "foo bar");
	assert_string_equal(fx->toks[0].tok.text, "foo bar");
	check_string(&fx->toks[1], "");
	assert_null(fx->toks[1].tok.text);   /* NSD prints no at-part */
	check_string(&fx->toks[2], "x");
	check_string(&fx->toks[3], "y");
}

static void test_nul_byte_cuts_value(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "a\0b \"c\0d\" \0e axfr";
	write_bytes("t.conf", text, sizeof(text) - 1);
	scan_all(fx, "t.conf");
	check_string(&fx->toks[0], "a");
	check_string(&fx->toks[1], "c");
	check_string(&fx->toks[2], "");
	assert_null(fx->toks[2].tok.text);
	assert_int_equal(fx->toks[3].tok.type, NSDCONF_TOK_AXFR);
	check_eof(fx, 4);
}

/* ---- comments ---- */

static void test_hash_inside_word_is_data(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "x#comment identity:#x");
	check_string(&fx->toks[0], "x#comment");
	check_string(&fx->toks[1], "identity:#x");
	check_eof(fx, 2);
}

static void test_hash_at_token_boundary_is_comment(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "# first\nx # c \"q\"\n\"y\"#c\n\t#\tz\nw");
	check_string(&fx->toks[0], "x");
	check_string(&fx->toks[1], "y");
	check_at(&fx->toks[1], "t.conf", 3);
	check_string(&fx->toks[2], "w");
	check_at(&fx->toks[2], "t.conf", 5);
	check_eof(fx, 3);
}

static void test_hash_inside_quotes_is_data(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "\"a # b\"");
	check_string(&fx->toks[0], "a # b");
}

/* ---- line counting ---- */

static void test_crlf_counts_two_lines(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "server:\r\nidentity:\r\nx\r\n");
	check_at(&fx->toks[0], "t.conf", 1);
	check_at(&fx->toks[1], "t.conf", 3);
	check_at(&fx->toks[2], "t.conf", 5);
	check_at(&fx->toks[3], "t.conf", 7);
	check_eof(fx, 3);
}

/* ".*" in the comment rule matches CR, so only the LF is counted. */
static void test_comment_swallows_cr_of_crlf(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "server:\r\n # comment\r\nx");
	check_at(&fx->toks[1], "t.conf", 4);
}

static void test_lf_in_quotes_counted_and_kept(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "\"a\nb\"\nx");
	check_string(&fx->toks[0], "a\nb");
	check_at(&fx->toks[0], "t.conf", 2);
	check_at(&fx->toks[1], "t.conf", 3);
}

static void test_value_on_next_line(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "verbosity:\n\n  2\n");
	check_keyword(&fx->toks[0], "verbosity:", "verbosity:");
	check_at(&fx->toks[0], "t.conf", 1);
	check_string(&fx->toks[1], "2");
	check_at(&fx->toks[1], "t.conf", 3);
	check_at(&fx->toks[2], "t.conf", 4);
}

/* ---- default-rule echo ---- */

static void test_cr_in_quotes_is_echoed_and_dropped(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "\"ab\rcd\" \"a\rb\r\nc\"\nx");
	check_string(&fx->toks[0], "cd");
	check_string(&fx->toks[1], "\nc");
	/* CR inside quotes is not a line, the LF is */
	check_at(&fx->toks[1], "t.conf", 2);
	check_at(&fx->toks[2], "t.conf", 3);
	assert_string_equal(nsdconf_lexer_echo(fx->lx), "ab\ra\rb\r");
}

static void test_backslash_before_lf_is_echoed(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "a\\\nb \"c\\\nd\" e\\");
	check_string(&fx->toks[0], "a");
	check_string(&fx->toks[1], "b");
	check_at(&fx->toks[1], "t.conf", 2);
	check_string(&fx->toks[2], "\nd");
	check_string(&fx->toks[3], "e");
	check_eof(fx, 4);
	assert_string_equal(nsdconf_lexer_echo(fx->lx), "\\c\\\\");
}

static void test_backslash_before_cr_joins_word(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "a\\\r\nb");
	check_string(&fx->toks[0], "a\\\r");
	check_string(&fx->toks[1], "b");
	check_at(&fx->toks[1], "t.conf", 2);
}

/* ---- unterminated quotes ---- */

static void test_unterminated_quote_with_text_is_fatal(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "identity: \"abc\n");
	assert_int_equal(fx->toks[1].tok.type, NSDCONF_TOK_FATAL);
	assert_string_equal(fx->toks[1].tok.text, FATAL_EOB);
	assert_int_equal(fx->n_msgs, 1);
	assert_string_equal(fx->msgs[0], "t.conf:2: error: EOF inside quoted string");
	assert_int_equal(fx->diag.errors, 1);
	assert_int_equal(fx->diag.fatal, 1);
	struct nsdconf_token again;
	nsdconf_lexer_next(fx->lx, &again);
	assert_int_equal(again.type, NSDCONF_TOK_FATAL);
}

/* No yymore() text pending (just the quote, or text flushed by an echo):
 * flex recovers and scanning goes on at EOF. */
static void test_unterminated_empty_quote_recovers(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "identity: \"abc\\");
	check_eof(fx, 1);
	assert_int_equal(fx->n_msgs, 1);
	assert_string_equal(fx->msgs[0], "t.conf:1: error: EOF inside quoted string");
	assert_int_equal(fx->diag.fatal, 0);
	assert_string_equal(nsdconf_lexer_echo(fx->lx), "abc\\");
}

static void test_unterminated_quote_in_include_returns_to_parent(void **state)
{
	struct fixture *fx = *state;
	write_file("inc.conf", "identity: \"");
	scan_text(fx, "include: inc.conf\nverbosity: x\n");
	check_keyword(&fx->toks[0], "identity:", "identity:");
	check_keyword(&fx->toks[1], "verbosity:", "verbosity:");
	check_at(&fx->toks[1], "t.conf", 2);
	assert_string_equal(fx->msgs[0], "inc.conf:1: error: EOF inside quoted string");
}

/* ---- include: ---- */

static void test_include_between_keyword_and_value(void **state)
{
	struct fixture *fx = *state;
	write_file("v.conf", "4\n\n");
	scan_text(fx, "server:\n verbosity: include: \"v.conf\" port: 5\n");
	check_keyword(&fx->toks[1], "verbosity:", "verbosity:");
	check_string(&fx->toks[2], "4");
	/* the last token of an included file is reported in that file */
	check_at(&fx->toks[2], "v.conf", 1);
	check_keyword(&fx->toks[3], "port:", "port:");
	check_at(&fx->toks[3], "t.conf", 2);
	check_string(&fx->toks[4], "5");
	check_at(&fx->toks[5], "t.conf", 3);
	check_eof(fx, 5);
	assert_int_equal(fx->diag.errors, 0);
}

static void test_include_name_after_newlines_unquoted(void **state)
{
	struct fixture *fx = *state;
	write_file("inc.conf", "a\nb");
	scan_text(fx, "include:\n\n  inc.conf x\n");
	check_string(&fx->toks[0], "a");
	check_string(&fx->toks[1], "b");
	check_at(&fx->toks[1], "inc.conf", 2);
	check_string(&fx->toks[2], "x");
	check_at(&fx->toks[2], "t.conf", 3);
	check_eof(fx, 3);
}

static void test_include_quoted_name_counts_cr_and_lf(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "include: \"a\r\nb\" x");
	assert_string_equal(fx->msgs[0],
	                    "t.conf:3: error: cannot open include file 'a\r\nb': "
	                    "No such file or directory");
	check_string(&fx->toks[0], "x");
}

static void test_include_glob_in_sorted_order(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(mkdir("g", 0755), 0);
	write_file("g/b.conf", "b\n");
	write_file("g/a.conf", "a\n");
	write_file("g/c.conf", "c\n");
	write_file("g/skip.txt", "no\n");
	scan_text(fx, "include: \"g/*.conf\" end");
	check_string(&fx->toks[0], "a");
	check_at(&fx->toks[0], "g/a.conf", 1);
	check_string(&fx->toks[1], "b");
	check_string(&fx->toks[2], "c");
	check_at(&fx->toks[2], "g/c.conf", 1);
	check_string(&fx->toks[3], "end");
	check_eof(fx, 4);
	int n;
	const char *const *files = nsdconf_lexer_files(fx->lx, &n);
	assert_int_equal(n, 4);
	assert_string_equal(files[0], "t.conf");
	assert_string_equal(files[1], "g/a.conf");
	assert_string_equal(files[2], "g/b.conf");
	assert_string_equal(files[3], "g/c.conf");
	assert_null(files[4]);
}

static void test_include_glob_brace(void **state)
{
	struct fixture *fx = *state;
	write_file("x.conf", "x\n");
	write_file("y.conf", "y\n");
	scan_text(fx, "include: {y,x}.conf");
	/* GLOB_BRACE expands in the order written */
	check_string(&fx->toks[0], "y");
	check_string(&fx->toks[1], "x");
	check_eof(fx, 2);
}

static void test_include_glob_no_match_is_silent(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(mkdir("nsd.conf.d", 0755), 0);
	scan_text(fx, "include: \"nsd.conf.d/*.conf\" x");
	check_string(&fx->toks[0], "x");
	check_eof(fx, 1);
	assert_int_equal(fx->diag.errors, 0);
	assert_int_equal(fx->n_msgs, 0);
}

/* GLOB_ERR turns a missing directory into GLOB_ABORTED, not GLOB_NOMATCH:
 * NSD then tries the pattern itself as a file name. */
static void test_include_glob_in_missing_dir_opens_pattern(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "include: \"nsd.conf.d/*.conf\" x");
	assert_int_equal(fx->n_msgs, 1);
	assert_string_equal(fx->msgs[0],
	                    "t.conf:1: error: cannot open include file 'nsd.conf.d/*.conf': "
	                    "No such file or directory");
	check_string(&fx->toks[0], "x");
}

static void test_include_missing_file_reports_and_continues(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "server:\n include: \"nonexist.conf\"\n x\n");
	assert_int_equal(fx->n_msgs, 1);
	assert_string_equal(fx->msgs[0],
	                    "t.conf:2: error: cannot open include file 'nonexist.conf': "
	                    "No such file or directory");
	assert_int_equal(fx->diag.errors, 1);
	check_string(&fx->toks[1], "x");
	check_eof(fx, 2);
}

static void test_include_empty_name_is_error(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "include: \"\" x");
	assert_string_equal(fx->msgs[0], "t.conf:1: error: empty include file name");
	check_string(&fx->toks[0], "x");
}

/* NSD pushes glob matches last to first: a match that cannot be opened is
 * reported at line 1 of the match pushed just before it. */
static void test_include_glob_unopenable_match_blames_next_match(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(mkdir("g", 0755), 0);
	write_file("g/a.conf", "a\n");
	assert_int_equal(symlink("/nonexistent/x", "g/b.conf"), 0);
	write_file("g/c.conf", "\n\nc\n");
	scan_text(fx, "include: \"g/[abc].conf\"\nx");
	assert_int_equal(fx->n_msgs, 1);
	assert_string_equal(fx->msgs[0],
	                    "g/c.conf:1: error: cannot open include file 'g/b.conf': "
	                    "No such file or directory");
	check_string(&fx->toks[0], "a");
	check_string(&fx->toks[1], "c");
	check_at(&fx->toks[1], "g/c.conf", 3);
	check_string(&fx->toks[2], "x");
	check_at(&fx->toks[2], "t.conf", 2);
}

static void test_include_nested_errors_name_the_included_file(void **state)
{
	struct fixture *fx = *state;
	write_file("a.conf", "a1\ninclude: b.conf\na2\n");
	write_file("b.conf", "\n\ninclude: missing.conf b1\n");
	scan_text(fx, "top\ninclude: a.conf\nend");
	check_string(&fx->toks[0], "top");
	check_string(&fx->toks[1], "a1");
	check_string(&fx->toks[2], "b1");
	check_at(&fx->toks[2], "b.conf", 3);
	check_string(&fx->toks[3], "a2");
	check_at(&fx->toks[3], "a.conf", 3);
	check_string(&fx->toks[4], "end");
	check_at(&fx->toks[4], "t.conf", 3);
	assert_string_equal(fx->msgs[0],
	                    "b.conf:3: error: cannot open include file 'missing.conf': "
	                    "No such file or directory");
	int n;
	nsdconf_lexer_files(fx->lx, &n);
	assert_int_equal(n, 3);
}

static void test_include_chain_deep(void **state)
{
	struct fixture *fx = *state;
	enum { DEPTH = 200 };
	char name[32], body[64];
	for (int i = 0; i < DEPTH; i++) {
		snprintf(name, sizeof(name), "i%d.conf", i);
		snprintf(body, sizeof(body), "include: i%d.conf\nv%d\n", i + 1, i);
		write_file(name, body);
	}
	snprintf(name, sizeof(name), "i%d.conf", DEPTH);
	write_file(name, "leaf\n");
	open_lexer(fx, "i0.conf");
	struct nsdconf_token tok;
	nsdconf_lexer_next(fx->lx, &tok);
	assert_string_equal(tok.value, "leaf");
	for (int i = DEPTH - 1; i >= 0; i--) {
		nsdconf_lexer_next(fx->lx, &tok);
		snprintf(body, sizeof(body), "v%d", i);
		assert_string_equal(tok.value, body);
		assert_int_equal(nsdconf_lexer_line(fx->lx), 2);
	}
	nsdconf_lexer_next(fx->lx, &tok);
	assert_int_equal(tok.type, NSDCONF_TOK_EOF);
	assert_int_equal(fx->diag.errors, 0);
}

static void test_include_eof_inside_directive(void **state)
{
	struct fixture *fx = *state;
	write_file("inc.conf", "include:\n");
	scan_text(fx, "include: inc.conf x");
	assert_string_equal(fx->msgs[0], "inc.conf:2: error: EOF inside include directive");
	check_string(&fx->toks[0], "x");
	check_eof(fx, 1);
}

static void test_include_hash_is_a_file_name(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "include: # foo");
	assert_string_equal(fx->msgs[0],
	                    "t.conf:1: error: cannot open include file '#': No such file or directory");
	check_string(&fx->toks[0], "foo");
}

static void test_include_directory_is_fatal(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(mkdir("d", 0755), 0);
	scan_text(fx, "a include: d b");
	check_string(&fx->toks[0], "a");
	assert_int_equal(fx->toks[1].tok.type, NSDCONF_TOK_FATAL);
	assert_string_equal(fx->toks[1].tok.text, "input in flex scanner failed");
	assert_int_equal(fx->diag.errors, 0);
	assert_int_equal(fx->diag.fatal, 1);
}

static void test_include_unterminated_quoted_name_is_fatal(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "include: \"abc");
	assert_int_equal(fx->toks[0].tok.type, NSDCONF_TOK_FATAL);
	assert_string_equal(fx->msgs[0], "t.conf:1: error: EOF inside quoted string");
}

/* ---- open / positions ---- */

static void test_open_missing_file_sets_errno(void **state)
{
	struct fixture *fx = *state;
	errno = 0;
	assert_null(nsdconf_lexer_open("missing.conf", fx->arena, &fx->diag));
	assert_int_equal(errno, ENOENT);
}

static void test_eof_line_after_trailing_newline(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "zone:\n\tname: x\n");
	check_at(&fx->toks[2], "t.conf", 2);
	check_at(&fx->toks[3], "t.conf", 3);
	assert_null(fx->toks[3].tok.text);
	struct nsdconf_token again;
	nsdconf_lexer_next(fx->lx, &again);
	assert_int_equal(again.type, NSDCONF_TOK_EOF);
}

static void test_values_outlive_the_scanner(void **state)
{
	struct fixture *fx = *state;
	scan_text(fx, "identity: \"kept value\"");
	const char *v = fx->toks[1].tok.value;
	nsdconf_lexer_close(fx->lx);
	fx->lx = NULL;
	assert_string_equal(v, "kept value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_keyword_with_attached_colon),
		T(test_keyword_any_case_keeps_written_text),
		T(test_keyword_case_folds_letters_only),
		T(test_keyword_glued_to_value_is_one_string),
		T(test_keyword_before_quote_is_keyword),
		T(test_unknown_keyword_is_string),
		T(test_axfr_udp_whole_word_any_case),
		T(test_socket_prefix_rescans_rest),
		T(test_server_cpu_affinity_token),
		T(test_backslash_pairs_kept_verbatim),
		T(test_quoted_string_text_is_content),
		T(test_nul_byte_cuts_value),
		T(test_hash_inside_word_is_data),
		T(test_hash_at_token_boundary_is_comment),
		T(test_hash_inside_quotes_is_data),
		T(test_crlf_counts_two_lines),
		T(test_comment_swallows_cr_of_crlf),
		T(test_lf_in_quotes_counted_and_kept),
		T(test_value_on_next_line),
		T(test_cr_in_quotes_is_echoed_and_dropped),
		T(test_backslash_before_lf_is_echoed),
		T(test_backslash_before_cr_joins_word),
		T(test_unterminated_quote_with_text_is_fatal),
		T(test_unterminated_empty_quote_recovers),
		T(test_unterminated_quote_in_include_returns_to_parent),
		T(test_include_between_keyword_and_value),
		T(test_include_name_after_newlines_unquoted),
		T(test_include_quoted_name_counts_cr_and_lf),
		T(test_include_glob_in_sorted_order),
		T(test_include_glob_brace),
		T(test_include_glob_no_match_is_silent),
		T(test_include_glob_in_missing_dir_opens_pattern),
		T(test_include_missing_file_reports_and_continues),
		T(test_include_empty_name_is_error),
		T(test_include_glob_unopenable_match_blames_next_match),
		T(test_include_nested_errors_name_the_included_file),
		T(test_include_chain_deep),
		T(test_include_eof_inside_directive),
		T(test_include_hash_is_a_file_name),
		T(test_include_directory_is_fatal),
		T(test_include_unterminated_quoted_name_is_fatal),
		T(test_open_missing_file_sets_errno),
		T(test_eof_line_after_trailing_newline),
		T(test_values_outlive_the_scanner),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
