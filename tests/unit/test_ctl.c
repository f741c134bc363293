/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd-control's protocol and commands (module/ctl) against a recording fake server:
 * the texts NSD 4.6.1 and 4.12.0 answer (doc/studies/control-answers.md 1, 2, 3, 5). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libknot/libknot.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_out.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_request.h"

#define MAX_ZONES 8
/* 2023-11-14T22:13:20 in UTC */
#define SINCE 1700000000

/* --- the fake server --- */

struct fake_zone {
	struct ctl_zone z;
	knot_dname_storage_t dname;
	char name[64];
	char pattern[16];
};

struct fake {
	/* in NSD's (canonical) order until a test adds one: additions go last */
	struct fake_zone zones[MAX_ZONES];
	size_t n_zones;
	size_t n_keys;
	int verbosity;
	const char *action_err;     /* what stop/reload/write/notify/transfer answer */
	const char *commit_err;
	bool stage_fails;
	int status_rc;
	struct ctl_zone_status status;
	size_t adds, dels, commits;
	size_t staged;              /* adds and deletes since the last commit */
	size_t staged_at_commit;    /* what the last commit had to apply */
	char log[2048];             /* each action with its zone, ';'-ended */
	char why[128];
	struct ctl_stats stats;
	bool stats_reset;
	uint64_t servers[2];
};

static struct fake f;
static struct ctl_ops ops;
static struct ctl_out out;

static const struct ctl_key keys[] = {
	{ "k1", "hmac-sha256", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=" },
	{ "tsig.example", "hmac-sha1", "ZWZnaGlqa2xtbm9wcXJzdHV2d3g=" },
};

static void record(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
	size_t len = strlen(f.log);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f.log + len, sizeof(f.log) - len, fmt, ap);
	va_end(ap);
	len = strlen(f.log);
	snprintf(f.log + len, sizeof(f.log) - len, ";");
}

/* The ctl_zone points into its own slot, which moves when a zone before it goes. */
static const struct ctl_zone *view(struct fake_zone *fz)
{
	fz->z.name = fz->name;
	fz->z.pattern = fz->pattern;
	return &fz->z;
}

static void fake_zone_add(const char *name, const char *pattern, bool secondary,
                          bool from_zonelist)
{
	struct fake_zone *fz = &f.zones[f.n_zones++];
	snprintf(fz->name, sizeof(fz->name), "%s", name);
	snprintf(fz->pattern, sizeof(fz->pattern), "%s", pattern);
	assert_non_null(knot_dname_from_str(fz->dname, name, sizeof(fz->dname)));
	knot_dname_to_lower(fz->dname);
	fz->z.secondary = secondary;
	fz->z.from_zonelist = from_zonelist;
}

static const char *zone_label(const struct ctl_zone *z)
{
	return z != NULL ? z->name : "*";
}

static size_t n_zones(void *ctx)
{
	return f.n_zones;
}

static const struct ctl_zone *zone_at(void *ctx, size_t i)
{
	return view(&f.zones[i]);
}

static struct fake_zone *find(const uint8_t *dname)
{
	for (size_t i = 0; i < f.n_zones; i++) {
		if (knot_dname_is_equal(f.zones[i].dname, dname)) {
			return &f.zones[i];
		}
	}
	return NULL;
}

static const struct ctl_zone *zone_find(void *ctx, const uint8_t *dname)
{
	struct fake_zone *fz = find(dname);
	return fz != NULL ? view(fz) : NULL;
}

static bool pattern_exists(void *ctx, const char *pattern)
{
	return strcmp(pattern, "pri") == 0 || strcmp(pattern, "sec") == 0;
}

static size_t n_keys(void *ctx)
{
	return f.n_keys;
}

static const struct ctl_key *key_at(void *ctx, size_t i)
{
	return &keys[i];
}

static int verbosity(void *ctx)
{
	return f.verbosity;
}

static void set_verbosity(void *ctx, int v)
{
	record("verbosity %d", v);
	f.verbosity = v;
}

static long ratelimit(void *ctx)
{
	return 200;
}

static const char *stop(void *ctx)
{
	record("stop");
	return f.action_err;
}

static const char *reload(void *ctx, const struct ctl_zone *z)
{
	record("reload %s", zone_label(z));
	return f.action_err;
}

static const char *write_zone(void *ctx, const struct ctl_zone *z)
{
	record("write %s", zone_label(z));
	return f.action_err;
}

static const char *notify(void *ctx, const struct ctl_zone *z)
{
	record("notify %s", zone_label(z));
	return f.action_err;
}

static const char *transfer(void *ctx, const struct ctl_zone *z, bool force)
{
	record("%s %s", force ? "force_transfer" : "transfer", zone_label(z));
	return f.action_err;
}

static const char *log_reopen(void *ctx)
{
	record("log_reopen");
	return f.action_err;
}

static void reconfig(void *ctx, struct ctl_out *o)
{
	record("reconfig");
	ctl_out_printf(o, "reconfig start, read nsd.conf\nok\n");
}

static int zone_status(void *ctx, const struct ctl_zone *z, struct ctl_zone_status *st,
                       char *err, size_t errlen)
{
	record("zone_status %s", z->name);
	if (f.status_rc != 0) {
		snprintf(err, errlen, "knotd does not answer");
		return f.status_rc;
	}
	*st = f.status;
	return 0;
}

static bool add_zone(void *ctx, const uint8_t *dname, const char *name, const char *pattern)
{
	if (f.stage_fails || f.n_zones == MAX_ZONES) {
		return false;
	}
	record("add %s %s", name, pattern);
	fake_zone_add(name, pattern, strcmp(pattern, "sec") == 0, true);
	assert_true(knot_dname_is_equal(f.zones[f.n_zones - 1].dname, dname));
	f.adds++;
	f.staged++;
	return true;
}

static bool del_zone(void *ctx, const uint8_t *dname)
{
	if (f.stage_fails) {
		return false;
	}
	struct fake_zone *fz = find(dname);
	assert_non_null(fz);
	record("del %s", fz->name);
	size_t i = (size_t)(fz - f.zones);
	memmove(&f.zones[i], &f.zones[i + 1], (f.n_zones - i - 1) * sizeof(f.zones[0]));
	f.n_zones--;
	f.dels++;
	f.staged++;
	return true;
}

static const char *commit(void *ctx)
{
	record("commit");
	f.commits++;
	f.staged_at_commit = f.staged;
	f.staged = 0;
	return f.commit_err;
}

static unsigned long pid(void *ctx)
{
	return 12918;
}

static const char *unsupported(void *ctx, const char *cmd)
{
	snprintf(f.why, sizeof(f.why), "%s: TSIG keys and cookies are nsd.conf's", cmd);
	return f.why;
}

static int stats(void *ctx, bool reset, struct ctl_stats_report *r, char *err, size_t errlen)
{
	if (f.status_rc != 0) {
		snprintf(err, errlen, "counting is off");
		return -1;
	}
	f.stats_reset = reset;
	f.servers[0] = 3;
	f.servers[1] = 1;
	*r = (struct ctl_stats_report){
		.st = &f.stats, .server_queries = f.servers, .n_servers = 2,
		.boot = { 12, 345000 }, .elapsed = { 2, 500000000 },
		.config_disk = 77, .zones = 3, .secondaries = 1,
	};
	return 0;
}

static void use_release(int release)
{
	ops.release = release;
	ops.version = release >= 4120 ? "4.12.0" : "4.6.1";
}

static int setup(void **state)
{
	/* zonestatus prints local time, as NSD */
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&f, 0, sizeof(f));
	memset(&out, 0, sizeof(out));
	/* canonical order: example < org < test by the last label */
	fake_zone_add("sec.example", "_implicit_1", true, false);
	fake_zone_add("example.org", "_implicit_2", false, false);
	fake_zone_add("a.test", "pri", false, true);
	f.n_keys = 2;
	f.verbosity = 1;
	f.status = (struct ctl_zone_status){
		.state = CTL_ZS_OK, .served = true, .served_serial = 2024010101,
		.served_since = SINCE, .wait = 3600,
	};
	ops = (struct ctl_ops){
		.ctx = &f,
		.n_zones = n_zones, .zone_at = zone_at, .zone_find = zone_find,
		.pattern_exists = pattern_exists,
		.n_keys = n_keys, .key_at = key_at,
		.verbosity = verbosity, .set_verbosity = set_verbosity, .ratelimit = ratelimit,
		.stop = stop, .reload = reload, .write = write_zone, .notify = notify,
		.transfer = transfer, .log_reopen = log_reopen, .reconfig = reconfig,
		.zone_status = zone_status, .stats = stats,
		.add_zone = add_zone, .del_zone = del_zone, .commit = commit,
		.pid = pid, .unsupported = unsupported,
	};
	use_release(461);
	return 0;
}

static int teardown(void **state)
{
	ctl_out_free(&out);
	return 0;
}

/* One request line (what follows the magic), as the server runs it. */
static const char *run(const char *request)
{
	char line[CTL_LINE_MAX];
	snprintf(line, sizeof(line), "%s", request);
	ctl_out_free(&out);
	ctl_execute(&ops, line, &out);
	assert_false(out.failed);
	return out.data != NULL ? out.data : "";
}

/* addzones/delzones: the request line, then the lines until the end marker (which the
 * list must hold) */
static const char *run_bulk(const char *request, const char *const *lines)
{
	enum ctl_bulk kind = ctl_bulk_kind(request);
	assert_int_not_equal(kind, CTL_BULK_NONE);
	ctl_out_free(&out);
	for (size_t i = 0;; i++) {
		assert_non_null(lines[i]);
		char line[CTL_BULK_LINE_MAX];
		snprintf(line, sizeof(line), "%s", lines[i]);
		if (ctl_bulk_line(&ops, kind, line, &out)) {
			break;
		}
	}
	ctl_bulk_end(&ops, kind, &out);
	assert_false(out.failed);
	return out.data != NULL ? out.data : "";
}

/* --- a whole request as the server feeds it (ctl_request.c) --- */

static struct ctl_request req;

/* Feeds bytes n at a time (0: all at once); eof: the client's stream ends after them.
 * The answer, or NULL when the connection is closed unanswered. */
static const char *feed(const char *bytes, size_t n, bool eof)
{
	ctl_request_free(&req);
	memset(&req, 0, sizeof(req));
	size_t len = strlen(bytes);
	for (size_t off = 0; off < len && req.state != CTL_REQ_ANSWERED;) {
		size_t k = n == 0 || n > len - off ? len - off : n;
		memcpy(req.in + req.in_len, bytes + off, k);
		req.in_len += k;
		off += k;
		if (!ctl_request_input(&req, &ops, NULL, NULL)) {
			return NULL;
		}
	}
	if (eof && !ctl_request_eof(&req, &ops, NULL, NULL)) {
		return NULL;
	}
	return req.state == CTL_REQ_ANSWERED ? req.out.data : "(waiting)";
}

static void test_request_in_pieces_is_answered_once_complete(void **state)
{
	assert_string_equal(feed("NSDCT1 verbosity\n", 1, false), "verbosity 1\n");
	assert_string_equal(feed("NSDCT1 verbos", 0, false), "(waiting)");
	assert_string_equal(feed("NSDCT1 verbosity\nNSDCT1 status\n", 0, false),
	                    "verbosity 1\n");   /* one request per connection */
}

static void test_request_wrong_magic_is_dropped_version_answered(void **state)
{
	assert_null(feed("HELLO! verbosity\n", 0, false));
	assert_string_equal(feed("NSDCT2 verbosity\n", 3, false), "error version mismatch\n");
}

/* NSD's line reader: a last line without its newline is a line; nothing at all after
 * the magic is the empty command. */
static void test_request_eof_ends_the_last_line(void **state)
{
	assert_string_equal(feed("NSDCT1 verbosity", 0, true), "verbosity 1\n");
	assert_string_equal(feed("NSDCT1 ", 0, true), "error unknown command ''\n");
	assert_null(feed("NSDC", 0, true));
}

/* addzones ends at the end marker, at the end of the stream, or where the server cuts
 * the connection: the lines taken so far are applied and counted each time. */
static void test_request_addzones_ends_three_ways(void **state)
{
	assert_string_equal(feed("NSDCT1 addzones\nz1.test pri\n\x04\n", 5, false),
	                    "added: z1.test\nadded 1 zones\n");
	assert_string_equal(feed("NSDCT1 addzones\nz2.test pri\nz3.test pri", 0, true),
	                    "added: z2.test\nadded: z3.test\nadded 2 zones\n");
	assert_string_equal(feed("NSDCT1 addzones\nz4.test pri\nz5.te", 0, false),
	                    "(waiting)");
	ctl_request_cut(&req, &ops);
	assert_int_equal(req.state, CTL_REQ_ANSWERED);
	assert_string_equal(req.out.data, "added: z4.test\nadded 1 zones\n");
	ctl_request_free(&req);
	memset(&req, 0, sizeof(req));
}

/* --- the magic --- */

static void test_magic_nsdct1_and_a_space_is_accepted(void **state)
{
	assert_int_equal(ctl_magic_check("NSDCT1 ", 7), CTL_MAGIC_OK);
}

static void test_magic_of_fewer_than_seven_bytes_is_dropped(void **state)
{
	assert_int_equal(ctl_magic_check("NSDCT1", 6), CTL_MAGIC_BAD);
	assert_int_equal(ctl_magic_check("", 0), CTL_MAGIC_BAD);
}

static void test_magic_not_starting_with_nsdct_is_dropped(void **state)
{
	assert_int_equal(ctl_magic_check("hello w", 7), CTL_MAGIC_BAD);
	assert_int_equal(ctl_magic_check("nsdct1 ", 7), CTL_MAGIC_BAD);
	assert_int_equal(ctl_magic_check("UBCT1  ", 7), CTL_MAGIC_BAD);
}

static void test_magic_of_another_version_is_a_version_mismatch(void **state)
{
	assert_int_equal(ctl_magic_check("NSDCT2 ", 7), CTL_MAGIC_VERSION);
	assert_int_equal(ctl_magic_check("NSDCTx ", 7), CTL_MAGIC_VERSION);
	assert_int_equal(ctl_magic_check("NSDCT1X", 7), CTL_MAGIC_VERSION);
	assert_int_equal(ctl_magic_check("NSDCT1\t", 7), CTL_MAGIC_VERSION);
}

/* --- lines --- */

static void test_take_line_needs_the_newline(void **state)
{
	char buf[64] = "status";
	size_t len = strlen(buf);
	char line[CTL_LINE_MAX];
	assert_int_equal(ctl_take_line(buf, &len, line, sizeof(line)), 0);
	assert_int_equal(len, 6);
}

static void test_take_line_takes_two_lines_from_one_buffer(void **state)
{
	char buf[64] = " addzones\na.test pri\n\x04";
	size_t len = strlen(buf);
	char line[CTL_BULK_LINE_MAX];
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_LINE_MAX), 1);
	assert_string_equal(line, " addzones");
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_BULK_LINE_MAX), 1);
	assert_string_equal(line, "a.test pri");
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_BULK_LINE_MAX), 0);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 0x04);
}

static void test_take_line_keeps_the_carriage_return(void **state)
{
	char buf[64] = "status\r\n";
	size_t len = strlen(buf);
	char line[CTL_LINE_MAX];
	assert_int_equal(ctl_take_line(buf, &len, line, sizeof(line)), 1);
	assert_string_equal(line, "status\r");
	assert_int_equal(len, 0);
}

static void test_take_line_fits_nsd_buffer_with_its_nul(void **state)
{
	static char buf[CTL_LINE_MAX + 8];
	static char line[CTL_LINE_MAX];
	/* 1023 bytes and the newline: NSD's 1024-byte buffer holds it */
	memset(buf, 'x', CTL_LINE_MAX - 1);
	buf[CTL_LINE_MAX - 1] = '\n';
	size_t len = CTL_LINE_MAX;
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_LINE_MAX), 1);
	assert_int_equal(strlen(line), CTL_LINE_MAX - 1);
	/* 1023 bytes, no newline yet: wait for more */
	memset(buf, 'x', CTL_LINE_MAX - 1);
	len = CTL_LINE_MAX - 1;
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_LINE_MAX), 0);
}

static void test_take_line_too_long_for_nsd_buffer_is_refused(void **state)
{
	static char buf[CTL_LINE_MAX + 8];
	static char line[CTL_LINE_MAX];
	memset(buf, 'x', CTL_LINE_MAX);
	buf[CTL_LINE_MAX] = '\n';
	size_t len = CTL_LINE_MAX + 1;
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_LINE_MAX), -1);
	/* known too long before the newline comes */
	len = CTL_LINE_MAX;
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_LINE_MAX), -1);
}

static void test_bulk_lines_may_be_twice_as_long(void **state)
{
	static char buf[CTL_BULK_LINE_MAX + 8];
	static char line[CTL_BULK_LINE_MAX];
	memset(buf, 'x', CTL_BULK_LINE_MAX - 1);
	buf[CTL_BULK_LINE_MAX - 1] = '\n';
	size_t len = CTL_BULK_LINE_MAX;
	assert_int_equal(ctl_take_line(buf, &len, line, CTL_BULK_LINE_MAX), 1);
	assert_int_equal(strlen(line), CTL_BULK_LINE_MAX - 1);
}

static void test_split_arg2_cuts_at_the_last_space_only(void **state)
{
	char a[] = "g.test  pri";
	assert_string_equal(ctl_split_arg2(a), "pri");
	assert_string_equal(a, "g.test ");
	char b[] = "a.test\tpri";
	assert_null(ctl_split_arg2(b));
	assert_string_equal(b, "a.test\tpri");
}

/* --- the command word --- */

static void test_status_prints_version_verbosity_and_ratelimit(void **state)
{
	assert_string_equal(run(" status"), "version: 4.6.1\nverbosity: 1\nratelimit: 200\n");
	use_release(4120);
	assert_string_equal(run(" status"), "version: 4.12.0\nverbosity: 1\nratelimit: 200\n");
}

static void test_command_word_needs_a_blank_or_the_end_after_it(void **state)
{
	assert_string_equal(run("statusx"), "error unknown command 'statusx'\n");
	assert_string_equal(run("status\textra"),
	                    "version: 4.6.1\nverbosity: 1\nratelimit: 200\n");
}

static void test_extra_words_after_a_command_without_argument_are_ignored(void **state)
{
	assert_string_equal(run("status extra"),
	                    "version: 4.6.1\nverbosity: 1\nratelimit: 200\n");
}

static void test_command_words_are_case_sensitive(void **state)
{
	assert_string_equal(run("STATUS"), "error unknown command 'STATUS'\n");
}

static void test_carriage_return_after_the_command_makes_it_unknown(void **state)
{
	/* NSD's cmdcmp takes only NUL, space or tab after the word (seen) */
	assert_string_equal(run("status\r"), "error unknown command 'status\r'\n");
	assert_string_equal(run("reload\r"), "error unknown command 'reload\r'\n");
	assert_string_equal(f.log, "");
	assert_int_equal(ctl_bulk_kind("addzones\r"), CTL_BULK_NONE);
}

static void test_blanks_before_the_command_are_skipped(void **state)
{
	assert_string_equal(run(" \t stop"), "ok\n");
	assert_string_equal(f.log, "stop;");
}

static void test_empty_request_is_an_unknown_command(void **state)
{
	assert_string_equal(run(""), "error unknown command ''\n");
	assert_string_equal(run("  "), "error unknown command ''\n");
}

static void test_unknown_command_shows_the_rest_of_the_line(void **state)
{
	assert_string_equal(run(" frobnicate a b "), "error unknown command 'frobnicate a b '\n");
}

static const char *line_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p != NULL ? p + strlen(key) : "";
}

/* NSD's print_stats: its keys in its order, the named types always, other types only
 * when counted, NSD's folding of large values into the last slot, the time format; the
 * reset is the implementation's (asked for by 'stats', not by 'stats_noreset'). */
static void test_stats_in_nsd_order(void **state)
{
	f.stats.qtype[KNOT_RRTYPE_SOA] = 3;
	f.stats.qtype[252] = 1;      /* AXFR: no name in NSD's table */
	f.stats.qtype[256] = 9;      /* above 255: not printed */
	f.stats.opcode[4] = 2;
	f.stats.qclass[1] = 4;
	f.stats.rcode[5] = 1;
	f.stats.udp = 3;
	f.stats.tcp6 = 1;
	f.stats.raxfr = 1;
	const char *a = run("stats_noreset");
	assert_false(f.stats_reset);
	static const char head[] = "server0.queries=3\nserver1.queries=1\nnum.queries=4\n"
		"time.boot=12.000345\ntime.elapsed=2.500000\n"
		"size.db.disk=0\nsize.db.mem=0\nsize.xfrd.mem=0\n"
		"size.config.disk=77\nsize.config.mem=0\nnum.type.A=0\nnum.type.NS=0\n";
	assert_int_equal(strncmp(a, head, strlen(head)), 0);
	assert_non_null(strstr(a, "\nnum.type.SOA=3\n"));
	assert_non_null(strstr(a, "\nnum.type.TYPE252=1\n"));
	assert_null(strstr(a, "TYPE256"));
	assert_null(strstr(a, "TYPE251"));
	assert_null(strstr(a, "NSAP-PTR"));   /* named from NSD 4.12 on */
	assert_non_null(strstr(a, "\nnum.type.EUI64=0\nnum.type.TYPE252=1\n"
	                          "num.opcode.QUERY=0\nnum.opcode.NOTIFY=2\nnum.class.IN=4\n"
	                          "num.rcode.NOERROR=0\n"));
	assert_non_null(strstr(a, "\nnum.rcode.YXDOMAIN=0\nnum.edns=0\nnum.ednserr=0\n"
	                          "num.udp=3\nnum.udp6=0\nnum.tcp=0\nnum.tcp6=1\nnum.tls=0\n"
	                          "num.tls6=0\nnum.answer_wo_aa=0\nnum.rxerr=0\nnum.txerr=0\n"
	                          "num.raxfr=1\nnum.rixfr=0\nnum.truncated=0\n"
	                          "num.dropped=0\nzone.master=2\nzone.slave=1\n"));
	assert_string_equal(line_after(a, "num.rcode.REFUSED="), "1\nnum.rcode.YXDOMAIN=0\n"
	                    "num.edns=0\nnum.ednserr=0\nnum.udp=3\nnum.udp6=0\nnum.tcp=0\n"
	                    "num.tcp6=1\nnum.tls=0\nnum.tls6=0\nnum.answer_wo_aa=0\n"
	                    "num.rxerr=0\nnum.txerr=0\nnum.raxfr=1\nnum.rixfr=0\n"
	                    "num.truncated=0\nnum.dropped=0\nzone.master=2\nzone.slave=1\n");
	run("stats");
	assert_true(f.stats_reset);
	/* NSD 4.12: more named types, zone.primary/secondary before master/slave */
	use_release(4120);
	a = run("stats_noreset");
	assert_non_null(strstr(a, "\nnum.type.NSAP=0\nnum.type.NSAP-PTR=0\n"));
	assert_non_null(strstr(a, "\nnum.type.HTTPS=0\nnum.type.DSYNC=0\nnum.type.SPF=0\n"));
	assert_non_null(strstr(a, "\nzone.primary=2\nzone.secondary=1\nzone.master=2\n"
	                          "zone.slave=1\n"));
	f.status_rc = -1;
	assert_string_equal(run("stats"), "error counting is off\n");
}

static void test_tsig_and_cookie_commands_say_why_they_are_unsupported(void **state)
{
	static const char *const cmds[] = {
		"update_tsig", "add_tsig", "assoc_tsig", "del_tsig", "add_cookie_secret",
		"drop_cookie_secret", "activate_cookie_secret", "print_cookie_secrets",
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char req[64], want[128];
		snprintf(req, sizeof(req), "%s k1 secret", cmds[i]);
		snprintf(want, sizeof(want), "error %s: TSIG keys and cookies are nsd.conf's\n",
		         cmds[i]);
		assert_string_equal(run(req), want);
	}
	assert_string_equal(run("add_tsigx"), "error unknown command 'add_tsigx'\n");
}

static void test_serverpid_prints_the_serving_pid(void **state)
{
	assert_string_equal(run("serverpid"), "12918\n");
}

static void test_reconfig_and_repattern_answer_what_the_server_says(void **state)
{
	assert_string_equal(run("reconfig"), "reconfig start, read nsd.conf\nok\n");
	assert_string_equal(run("repattern"), "reconfig start, read nsd.conf\nok\n");
	assert_string_equal(f.log, "reconfig;reconfig;");
}

static void test_stop_and_log_reopen_answer_ok(void **state)
{
	assert_string_equal(run("stop"), "ok\n");
	assert_string_equal(run("log_reopen"), "ok\n");
	assert_string_equal(f.log, "stop;log_reopen;");
}

static void test_action_failure_is_an_error_answer(void **state)
{
	f.action_err = "knotd does not answer";
	assert_string_equal(run("stop"), "error knotd does not answer\n");
	assert_string_equal(run("reload example.org"), "error knotd does not answer\n");
	assert_string_equal(run("transfer"), "error knotd does not answer\n");
}

/* --- zone arguments --- */

static void test_reload_write_notify_without_zone_act_on_every_zone(void **state)
{
	assert_string_equal(run("reload"), "ok\n");
	assert_string_equal(run("write"), "ok\n");
	assert_string_equal(run("notify"), "ok\n");
	assert_string_equal(f.log, "reload *;write *;notify *;");
}

static void test_reload_write_notify_of_a_zone_act_on_it(void **state)
{
	assert_string_equal(run("reload example.org"), "ok\n");
	assert_string_equal(run("write sec.example"), "ok\n");
	assert_string_equal(run("notify a.test"), "ok\n");
	assert_string_equal(f.log, "reload example.org;write sec.example;notify a.test;");
}

static void test_zone_name_that_does_not_parse_is_an_error(void **state)
{
	assert_string_equal(run("zonestatus a..b"), "error cannot parse zone name 'a..b'\n");
	assert_string_equal(run("reload .example.org"),
	                    "error cannot parse zone name '.example.org'\n");
	assert_string_equal(f.log, "");
}

static void test_zone_not_configured_is_an_error(void **state)
{
	assert_string_equal(run("reload x"), "error zone x not configured\n");
	assert_string_equal(run("reload example.org extra"),
	                    "error zone example.org extra not configured\n");
	assert_string_equal(f.log, "");
}

static void test_zone_lookup_ignores_case_and_the_final_dot(void **state)
{
	assert_string_equal(run("reload EXAMPLE.ORG."), "ok\n");
	assert_string_equal(run("reload Example.Org"), "ok\n");
	assert_string_equal(f.log, "reload example.org;reload example.org;");
}

static void test_trailing_space_is_part_of_the_zone_name(void **state)
{
	assert_string_equal(run("zonestatus example.org "),
	                    "error zone example.org  not configured\n");
}

/* --- transfer --- */

static void test_transfer_without_zone_counts_the_secondaries(void **state)
{
	assert_string_equal(run("transfer"), "ok, 1 zones\n");
	assert_string_equal(run("force_transfer"), "ok, 1 zones\n");
	assert_string_equal(f.log, "transfer *;force_transfer *;");
}

static void test_transfer_without_secondaries_is_ok_0_zones(void **state)
{
	f.zones[0].z.secondary = false;
	assert_string_equal(run("transfer"), "ok, 0 zones\n");
}

static void test_transfer_of_a_secondary_answers_ok(void **state)
{
	assert_string_equal(run("transfer sec.example"), "ok\n");
	assert_string_equal(run("force_transfer SEC.example."), "ok\n");
	assert_string_equal(f.log, "transfer sec.example;force_transfer sec.example;");
}

static void test_transfer_of_a_primary_is_not_slave_in_4_6(void **state)
{
	assert_string_equal(run("transfer example.org"), "error zone not slave\n");
	assert_string_equal(run("force_transfer a.test"), "error zone not slave\n");
	assert_string_equal(f.log, "");
}

static void test_transfer_of_a_primary_is_not_secondary_in_4_12(void **state)
{
	use_release(4120);
	assert_string_equal(run("transfer example.org"), "error zone not secondary\n");
	assert_string_equal(run("force_transfer example.org"), "error zone not secondary\n");
	assert_string_equal(f.log, "");
}

static void test_transfer_of_an_unknown_zone_is_not_configured(void **state)
{
	assert_string_equal(run("transfer x.example"), "error zone x.example not configured\n");
}

/* --- zonestatus --- */

static void test_zonestatus_of_a_primary_says_master_in_4_6(void **state)
{
	assert_string_equal(run("zonestatus example.org"), "zone:\texample.org\n\tstate: master\n");
	assert_string_equal(f.log, "");
}

static void test_zonestatus_of_a_primary_says_primary_in_4_12(void **state)
{
	use_release(4120);
	assert_string_equal(run("zonestatus example.org"),
	                    "zone:\texample.org\n\tstate: primary\n");
}

static void test_zonestatus_of_a_zonelist_zone_shows_its_pattern(void **state)
{
	assert_string_equal(run("zonestatus a.test"),
	                    "zone:\ta.test\n\tpattern: pri\n\tstate: master\n");
}

static bool round_of_a_test(void *ctx, const struct ctl_zone *z, char *buf, size_t len)
{
	(void)ctx;
	if (strcmp(z->name, "a.test") != 0) {
		return false;
	}
	snprintf(buf, len, "send 192.0.2.1 192.0.2.2@5300 with serial 7");
	return true;
}

/* NSD's notify: line of a round in progress: after the pattern, before the state. */
static void test_zonestatus_shows_a_notify_round(void **state)
{
	ops.notify_status = round_of_a_test;
	assert_string_equal(run("zonestatus a.test"), "zone:\ta.test\n\tpattern: pri\n"
	                    "\tnotify: \"send 192.0.2.1 192.0.2.2@5300 with serial 7\"\n"
	                    "\tstate: master\n");
	assert_null(strstr(run("zonestatus example.org"), "notify:"));
}

static bool catalog_of_a_test(void *ctx, const struct ctl_zone *z, struct ctl_catalog_status *st)
{
	(void)ctx;
	if (strcmp(z->name, "a.test") == 0) {
		st->member_id = "0123456789abcdef.zones.cat.example.";
		return true;
	}
	if (strcmp(z->name, "example.org") == 0) {
		*st = (struct ctl_catalog_status){ .counts = true, .serial = 7, .members = 2 };
		return true;
	}
	if (strcmp(z->name, "sec.example") == 0) {
		*st = (struct ctl_catalog_status){ .counts = true, .serial = 9, .members = 0,
		                                   .invalid = "not processing: why" };
		return true;
	}
	return false;
}

/* NSD 4.12's catalog lines: after the pattern, before notify and state; a producer's
 * numbers once it has members, a consumer's whenever its serial is known. */
static void test_zonestatus_shows_catalogs(void **state)
{
	use_release(4120);
	ops.catalog_status = catalog_of_a_test;
	f.zones[1].z.catalog = "producer";
	f.zones[0].z.catalog = "consumer";
	assert_string_equal(run("zonestatus example.org"), "zone:\texample.org\n"
	                    "\tcatalog: producer (serial: 7, # members: 2)\n\tstate: primary\n");
	assert_string_equal(run("zonestatus a.test"), "zone:\ta.test\n\tpattern: pri\n"
	                    "\tcatalog-member-id: 0123456789abcdef.zones.cat.example.\n"
	                    "\tstate: primary\n");
	assert_non_null(strstr(run("zonestatus sec.example"), "zone:\tsec.example\n"
	                       "\tcatalog: consumer (serial: 9, # members: 0)\n"
	                       "\tcatalog-invalid: not processing: why\n\tstate: ok\n"));
	/* a producer without members: no numbers */
	ops.catalog_status = NULL;
	assert_string_equal(run("zonestatus example.org"), "zone:\texample.org\n"
	                    "\tcatalog: producer\n\tstate: primary\n");
}

/* A consumed catalog's member: NSD's refusals of delzone and changezone. */
static void test_consumed_member_cannot_be_deleted(void **state)
{
	f.zones[2].z.member_id = "30acf942.zones.cat.example.";
	assert_string_equal(run("delzone a.test"), "Error: Zone is a catalog consumer member zone "
	                    "with id 30acf942.zones.cat.example.\nRemove the member id from the "
	                    "catalog to delete this zone.\n");
	assert_string_equal(run("changezone a.test sec"), "Error: Zone is a catalog consumer "
	                    "member zone with id 30acf942.zones.cat.example.\nRepattern in the "
	                    "catalog with a group property.\n");
	assert_int_equal(f.dels + f.adds, 0);
}

static void test_zonestatus_of_a_secondary_shows_serials_since_local_time(void **state)
{
	assert_string_equal(run("zonestatus sec.example"),
	                    "zone:\tsec.example\n"
	                    "\tstate: ok\n"
	                    "\tserved-serial: \"2024010101 since 2023-11-14T22:13:20\"\n"
	                    "\tcommit-serial: \"2024010101 since 2023-11-14T22:13:20\"\n"
	                    "\twait: \"3600 sec between attempts\"\n");
	assert_string_equal(f.log, "zone_status sec.example;");
}

static void test_zonestatus_time_follows_the_local_time_zone(void **state)
{
	setenv("TZ", "CET-1", 1);
	tzset();
	const char *a = run("zonestatus sec.example");
	assert_non_null(strstr(a, "since 2023-11-14T23:13:20\""));
}

static void test_zonestatus_of_a_secondary_not_served_yet_shows_none(void **state)
{
	f.status = (struct ctl_zone_status){
		.state = CTL_ZS_REFRESHING, .served = false, .wait = 23,
	};
	/* NSD 4.6.1, seen */
	assert_string_equal(run("zonestatus sec.example"),
	                    "zone:\tsec.example\n\tstate: refreshing\n\tserved-serial: none\n"
	                    "\tcommit-serial: none\n\twait: \"23 sec between attempts\"\n");
}

static void test_zonestatus_of_an_expired_secondary_without_timer(void **state)
{
	f.status = (struct ctl_zone_status){ .state = CTL_ZS_EXPIRED, .wait = -1 };
	assert_string_equal(run("zonestatus sec.example"),
	                    "zone:\tsec.example\n\tstate: expired\n\tserved-serial: none\n"
	                    "\tcommit-serial: none\n");
}

static void test_zonestatus_of_a_secondary_zonelist_zone_shows_pattern_first(void **state)
{
	assert_string_equal(run("addzone b.test sec"), "ok\n");
	f.status.wait = -1;
	assert_string_equal(run("zonestatus b.test"),
	                    "zone:\tb.test\n\tpattern: sec\n\tstate: ok\n"
	                    "\tserved-serial: \"2024010101 since 2023-11-14T22:13:20\"\n"
	                    "\tcommit-serial: \"2024010101 since 2023-11-14T22:13:20\"\n");
}

static void test_zonestatus_when_knotd_fails_says_so_in_the_state_line(void **state)
{
	f.status_rc = -1;
	assert_string_equal(run("zonestatus sec.example"),
	                    "zone:\tsec.example\n\tstate: error knotd does not answer\n");
}

static void test_zonestatus_without_zone_lists_every_zone_in_order(void **state)
{
	f.status = (struct ctl_zone_status){
		.state = CTL_ZS_REFRESHING, .served = false, .wait = 23,
	};
	assert_string_equal(run("zonestatus"),
	                    "zone:\tsec.example\n\tstate: refreshing\n\tserved-serial: none\n"
	                    "\tcommit-serial: none\n\twait: \"23 sec between attempts\"\n"
	                    "zone:\texample.org\n\tstate: master\n"
	                    "zone:\ta.test\n\tpattern: pri\n\tstate: master\n");
}

/* --- verbosity --- */

static void test_verbosity_without_argument_prints_it(void **state)
{
	assert_string_equal(run("verbosity"), "verbosity 1\n");
	assert_string_equal(f.log, "");
}

static void test_verbosity_with_a_number_sets_it(void **state)
{
	assert_string_equal(run("verbosity 3"), "ok\n");
	assert_string_equal(run("verbosity"), "verbosity 3\n");
	assert_string_equal(run("verbosity 0"), "ok\n");
	/* atoi: a number followed by anything is that number */
	assert_string_equal(run("verbosity 2x"), "ok\n");
	assert_string_equal(f.log, "verbosity 3;verbosity 0;verbosity 2;");
}

static void test_verbosity_that_is_no_number_is_an_error(void **state)
{
	assert_string_equal(run("verbosity x"), "error in verbosity number syntax: x\n");
	assert_string_equal(run("verbosity 00"), "error in verbosity number syntax: 00\n");
	assert_string_equal(f.log, "");
}

/* --- print_tsig --- */

static void test_print_tsig_lists_every_key(void **state)
{
	assert_string_equal(run("print_tsig"),
	                    "key: name: \"k1\" secret: \"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\" "
	                    "algorithm: hmac-sha256\n"
	                    "key: name: \"tsig.example\" secret: \"ZWZnaGlqa2xtbm9wcXJzdHV2d3g=\" "
	                    "algorithm: hmac-sha1\n");
}

static void test_print_tsig_without_keys_answers_nothing(void **state)
{
	f.n_keys = 0;
	assert_string_equal(run("print_tsig"), "");
}

static void test_print_tsig_of_one_key(void **state)
{
	assert_string_equal(run("print_tsig tsig.example"),
	                    "key: name: \"tsig.example\" secret: \"ZWZnaGlqa2xtbm9wcXJzdHV2d3g=\" "
	                    "algorithm: hmac-sha1\n");
}

static void test_print_tsig_of_an_unknown_key_is_an_error(void **state)
{
	assert_string_equal(run("print_tsig k"), "error: no such key with name: k\n");
	/* key names are compared as typed */
	assert_string_equal(run("print_tsig K1"), "error: no such key with name: K1\n");
}

/* --- addzone, delzone, changezone --- */

static void test_addzone_adds_and_commits(void **state)
{
	assert_string_equal(run("addzone b.test pri"), "ok\n");
	assert_string_equal(f.log, "add b.test pri;commit;");
	assert_int_equal(f.staged_at_commit, 1);
}

static void test_addzone_splits_at_the_last_space(void **state)
{
	assert_string_equal(run("addzone a b c"), "error pattern c does not exist\n");
	/* two spaces: the name keeps one (seen) */
	assert_string_equal(run("addzone g.test  pri"), "ok\n");
	assert_string_equal(f.zones[f.n_zones - 1].name, "g.test ");
	assert_string_equal(f.log, "add g.test  pri;commit;");
}

static void test_addzone_without_pattern_says_what_is_missing(void **state)
{
	assert_string_equal(run("addzone x"), "error could not find next argument after x\n");
	assert_string_equal(run("addzone"), "error could not find next argument after \n");
	/* a tab does not split */
	assert_string_equal(run("addzone x\tpri"),
	                    "error could not find next argument after x\tpri\n");
	assert_string_equal(f.log, "");
}

static void test_addzone_of_an_unknown_pattern_is_an_error(void **state)
{
	assert_string_equal(run("addzone b.test nopat"), "error pattern nopat does not exist\n");
	/* the pattern is checked before the name */
	assert_string_equal(run("addzone a..b nopat"), "error pattern nopat does not exist\n");
	assert_string_equal(f.log, "");
}

static void test_addzone_name_that_does_not_parse_is_an_error(void **state)
{
	assert_string_equal(run("addzone a..b pri"), "error cannot parse zone name\n");
	assert_string_equal(f.log, "");
}

static void test_addzone_of_an_existing_zone_answers_ok_and_changes_nothing(void **state)
{
	assert_string_equal(run("addzone a.test sec"), "zone a.test already exists\nok\n");
	/* zones of nsd.conf too (seen), whatever the case */
	assert_string_equal(run("addzone EXAMPLE.org pri"),
	                    "zone EXAMPLE.org already exists\nok\n");
	assert_int_equal(f.adds + f.dels, 0);
	assert_int_equal(f.staged_at_commit, 0);
	assert_string_equal(f.zones[2].pattern, "pri");
}

static void test_addzone_commit_failure_is_an_error(void **state)
{
	f.commit_err = "could not add zonelist entry";
	assert_string_equal(run("addzone b.test pri"), "error could not add zonelist entry\n");
}

static void test_addzone_that_cannot_be_staged_is_an_error(void **state)
{
	f.stage_fails = true;
	assert_string_equal(run("addzone b.test pri"), "error could not add zonelist entry\n");
	assert_int_equal(f.commits, 0);
}

static void test_delzone_of_a_zonelist_zone_deletes_and_commits(void **state)
{
	assert_string_equal(run("delzone A.test."), "ok\n");
	assert_string_equal(f.log, "del a.test;commit;");
	assert_int_equal(f.n_zones, 2);
}

static void test_delzone_of_an_absent_zone_is_a_warning(void **state)
{
	assert_string_equal(run("delzone x.test"), "warning zone x.test not present\n");
	assert_string_equal(f.log, "");
}

static void test_delzone_without_a_name_warns_of_the_empty_name(void **state)
{
	/* NSD parses "" as the root, which is not there (seen): a warning, exit 0 */
	assert_string_equal(run("delzone"), "warning zone  not present\n");
	assert_string_equal(f.log, "");
}

static void test_delzone_name_that_does_not_parse_is_an_error(void **state)
{
	assert_string_equal(run("delzone a..b"), "error cannot parse zone name\n");
}

static void test_delzone_of_a_config_zone_is_refused(void **state)
{
	assert_string_equal(run("delzone example.org"),
	                    "error zone defined in nsd.conf, cannot delete it in this manner: "
	                    "remove it from nsd.conf yourself and repattern\n");
	assert_string_equal(f.log, "");
}

static void test_delzone_failure_to_stage_is_an_error(void **state)
{
	f.stage_fails = true;
	assert_string_equal(run("delzone a.test"), "error out of memory\n");
	assert_int_equal(f.commits, 0);
}

static void test_changezone_of_an_unknown_zone_creates_it_without_newline(void **state)
{
	assert_string_equal(run("changezone d.test pri"), "zone d.test did not exist, creatingok\n");
	assert_string_equal(f.log, "add d.test pri;commit;");
}

static void test_changezone_of_a_zonelist_zone_replaces_it(void **state)
{
	assert_string_equal(run("changezone a.test sec"), "ok\n");
	assert_string_equal(f.log, "del a.test;add a.test sec;commit;");
	assert_int_equal(f.staged_at_commit, 2);
	assert_true(f.zones[f.n_zones - 1].z.secondary);
}

static void test_changezone_of_a_config_zone_is_refused(void **state)
{
	assert_string_equal(run("changezone example.org pri"),
	                    "error zone defined in nsd.conf, cannot delete it in this manner: "
	                    "remove it from nsd.conf yourself and repattern\n");
	assert_string_equal(f.log, "");
}

static void test_changezone_checks_split_pattern_and_name_as_addzone(void **state)
{
	assert_string_equal(run("changezone a.test"),
	                    "error could not find next argument after a.test\n");
	assert_string_equal(run("changezone a.test nopat"), "error pattern nopat does not exist\n");
	assert_string_equal(run("changezone a..b pri"), "error cannot parse zone name\n");
	assert_string_equal(f.log, "");
}

/* --- addzones, delzones --- */

static void test_bulk_kind_is_addzones_or_delzones(void **state)
{
	assert_int_equal(ctl_bulk_kind(" addzones"), CTL_BULK_ADD);
	assert_int_equal(ctl_bulk_kind("\t delzones"), CTL_BULK_DEL);
	assert_int_equal(ctl_bulk_kind("addzones extra"), CTL_BULK_ADD);
	assert_int_equal(ctl_bulk_kind("addzone"), CTL_BULK_NONE);
	assert_int_equal(ctl_bulk_kind("addzonesx"), CTL_BULK_NONE);
	assert_int_equal(ctl_bulk_kind("ADDZONES"), CTL_BULK_NONE);
	assert_int_equal(ctl_bulk_kind("status"), CTL_BULK_NONE);
}

static void test_addzones_reports_each_line_and_commits_once(void **state)
{
	static const char *const lines[] = {
		"b.test pri", "e.test nopat", "badline", "a.test pri", "", "f.test pri",
		"\x04", NULL,
	};
	/* NSD 4.6.1, seen */
	assert_string_equal(run_bulk(" addzones", lines),
	                    "added: b.test\n"
	                    "error pattern nopat does not exist\n"
	                    "error for input line 'e.test'\n"
	                    "error could not find next argument after badline\n"
	                    "error for input line 'badline'\n"
	                    "zone a.test already exists\n"
	                    "added: a.test\n"
	                    "error could not find next argument after \n"
	                    "error for input line ''\n"
	                    "added: f.test\n"
	                    "added 3 zones\n");
	assert_string_equal(f.log, "add b.test pri;add f.test pri;commit;");
	assert_int_equal(f.staged_at_commit, 2);
}

static void test_addzones_of_no_lines_adds_0_zones(void **state)
{
	static const char *const lines[] = { "\x04", NULL };
	assert_string_equal(run_bulk(" addzones", lines), "added 0 zones\n");
}

static void test_bulk_end_marker_is_the_lone_0x04_byte(void **state)
{
	char line[8] = "\x04";
	assert_true(ctl_bulk_line(&ops, CTL_BULK_ADD, line, &out));
	assert_string_equal(line, "\x04");
	snprintf(line, sizeof(line), "\x04 pri");
	assert_false(ctl_bulk_line(&ops, CTL_BULK_ADD, line, &out));
	snprintf(line, sizeof(line), "\x04\r");
	assert_false(ctl_bulk_line(&ops, CTL_BULK_DEL, line, &out));
}

static void test_delzones_reports_each_line_and_commits_once(void **state)
{
	static const char *const lines[] = {
		"e.test", "a.test", "example.org", "\x04", NULL,
	};
	assert_string_equal(run_bulk(" delzones", lines),
	                    "warning zone e.test not present\n"
	                    "error for input line 'e.test'\n"
	                    "removed: a.test\n"
	                    "error zone defined in nsd.conf, cannot delete it in this manner: "
	                    "remove it from nsd.conf yourself and repattern\n"
	                    "error for input line 'example.org'\n"
	                    "deleted 1 zones\n");
	assert_string_equal(f.log, "del a.test;commit;");
}

static void test_bulk_commit_failure_comes_before_the_count(void **state)
{
	static const char *const lines[] = { "b.test pri", "\x04", NULL };
	f.commit_err = "could not add zonelist entry";
	assert_string_equal(run_bulk("addzones", lines),
	                    "added: b.test\nerror could not add zonelist entry\nadded 1 zones\n");
}

/* --- the answer buffer --- */

static void test_out_grows_as_the_answer_does(void **state)
{
	for (int i = 0; i < 1000; i++) {
		ctl_out_printf(&out, "zone:\tz%d.test\n", i);
	}
	assert_false(out.failed);
	assert_int_equal(strncmp(out.data, "zone:\tz0.test\nzone:\tz1.test\n", 28), 0);
	assert_non_null(strstr(out.data, "zone:\tz999.test\n"));
	assert_int_equal(out.len, strlen(out.data));
	ctl_out_free(&out);
	assert_null(out.data);
	assert_int_equal(out.len, 0);
}

static void test_out_over_the_cap_fails_instead_of_growing(void **state)
{
	ctl_out_printf(&out, "ok\n");
	size_t cap = out.cap;
	/* one byte too many for the cap: nothing is allocated for it */
	ctl_out_printf(&out, "%*s", (int)(CTL_OUT_MAX - out.len + 1), "");
	assert_true(out.failed);
	assert_int_equal(out.cap, cap);
	assert_int_equal(out.len, 3);
	/* cut short for good: later text does not land after the gap */
	ctl_out_printf(&out, "more\n");
	assert_int_equal(out.len, 3);
	assert_string_equal(out.data, "ok\n");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_magic_nsdct1_and_a_space_is_accepted),
		T(test_magic_of_fewer_than_seven_bytes_is_dropped),
		T(test_magic_not_starting_with_nsdct_is_dropped),
		T(test_magic_of_another_version_is_a_version_mismatch),
		T(test_take_line_needs_the_newline),
		T(test_take_line_takes_two_lines_from_one_buffer),
		T(test_take_line_keeps_the_carriage_return),
		T(test_take_line_fits_nsd_buffer_with_its_nul),
		T(test_take_line_too_long_for_nsd_buffer_is_refused),
		T(test_bulk_lines_may_be_twice_as_long),
		T(test_split_arg2_cuts_at_the_last_space_only),
		T(test_status_prints_version_verbosity_and_ratelimit),
		T(test_command_word_needs_a_blank_or_the_end_after_it),
		T(test_extra_words_after_a_command_without_argument_are_ignored),
		T(test_command_words_are_case_sensitive),
		T(test_carriage_return_after_the_command_makes_it_unknown),
		T(test_blanks_before_the_command_are_skipped),
		T(test_empty_request_is_an_unknown_command),
		T(test_unknown_command_shows_the_rest_of_the_line),
		T(test_stats_in_nsd_order),
		T(test_zonestatus_shows_a_notify_round),
		T(test_zonestatus_shows_catalogs),
		T(test_consumed_member_cannot_be_deleted),
		T(test_request_in_pieces_is_answered_once_complete),
		T(test_request_wrong_magic_is_dropped_version_answered),
		T(test_request_eof_ends_the_last_line),
		T(test_request_addzones_ends_three_ways),
		T(test_tsig_and_cookie_commands_say_why_they_are_unsupported),
		T(test_serverpid_prints_the_serving_pid),
		T(test_reconfig_and_repattern_answer_what_the_server_says),
		T(test_stop_and_log_reopen_answer_ok),
		T(test_action_failure_is_an_error_answer),
		T(test_reload_write_notify_without_zone_act_on_every_zone),
		T(test_reload_write_notify_of_a_zone_act_on_it),
		T(test_zone_name_that_does_not_parse_is_an_error),
		T(test_zone_not_configured_is_an_error),
		T(test_zone_lookup_ignores_case_and_the_final_dot),
		T(test_trailing_space_is_part_of_the_zone_name),
		T(test_transfer_without_zone_counts_the_secondaries),
		T(test_transfer_without_secondaries_is_ok_0_zones),
		T(test_transfer_of_a_secondary_answers_ok),
		T(test_transfer_of_a_primary_is_not_slave_in_4_6),
		T(test_transfer_of_a_primary_is_not_secondary_in_4_12),
		T(test_transfer_of_an_unknown_zone_is_not_configured),
		T(test_zonestatus_of_a_primary_says_master_in_4_6),
		T(test_zonestatus_of_a_primary_says_primary_in_4_12),
		T(test_zonestatus_of_a_zonelist_zone_shows_its_pattern),
		T(test_zonestatus_of_a_secondary_shows_serials_since_local_time),
		T(test_zonestatus_time_follows_the_local_time_zone),
		T(test_zonestatus_of_a_secondary_not_served_yet_shows_none),
		T(test_zonestatus_of_an_expired_secondary_without_timer),
		T(test_zonestatus_of_a_secondary_zonelist_zone_shows_pattern_first),
		T(test_zonestatus_when_knotd_fails_says_so_in_the_state_line),
		T(test_zonestatus_without_zone_lists_every_zone_in_order),
		T(test_verbosity_without_argument_prints_it),
		T(test_verbosity_with_a_number_sets_it),
		T(test_verbosity_that_is_no_number_is_an_error),
		T(test_print_tsig_lists_every_key),
		T(test_print_tsig_without_keys_answers_nothing),
		T(test_print_tsig_of_one_key),
		T(test_print_tsig_of_an_unknown_key_is_an_error),
		T(test_addzone_adds_and_commits),
		T(test_addzone_splits_at_the_last_space),
		T(test_addzone_without_pattern_says_what_is_missing),
		T(test_addzone_of_an_unknown_pattern_is_an_error),
		T(test_addzone_name_that_does_not_parse_is_an_error),
		T(test_addzone_of_an_existing_zone_answers_ok_and_changes_nothing),
		T(test_addzone_commit_failure_is_an_error),
		T(test_addzone_that_cannot_be_staged_is_an_error),
		T(test_delzone_of_a_zonelist_zone_deletes_and_commits),
		T(test_delzone_of_an_absent_zone_is_a_warning),
		T(test_delzone_without_a_name_warns_of_the_empty_name),
		T(test_delzone_name_that_does_not_parse_is_an_error),
		T(test_delzone_of_a_config_zone_is_refused),
		T(test_delzone_failure_to_stage_is_an_error),
		T(test_changezone_of_an_unknown_zone_creates_it_without_newline),
		T(test_changezone_of_a_zonelist_zone_replaces_it),
		T(test_changezone_of_a_config_zone_is_refused),
		T(test_changezone_checks_split_pattern_and_name_as_addzone),
		T(test_bulk_kind_is_addzones_or_delzones),
		T(test_addzones_reports_each_line_and_commits_once),
		T(test_addzones_of_no_lines_adds_0_zones),
		T(test_bulk_end_marker_is_the_lone_0x04_byte),
		T(test_delzones_reports_each_line_and_commits_once),
		T(test_bulk_commit_failure_comes_before_the_count),
		T(test_out_grows_as_the_answer_does),
		T(test_out_over_the_cap_fails_instead_of_growing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
