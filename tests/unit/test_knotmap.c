/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: nsd.conf text in, Knot configuration text and mapping report out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libknot/errcode.h>

#include "conf/acl.h"
#include "conf/arena.h"
#include "conf/model.h"
#include "knotmap/knotmap.h"
#include "knotmap/knotmap_int.h"
#include "knotmap/knotmap_target.h"
#include "test_files.h"

#define MAX_NOTES 256

static char dir[64];
static char conf_path[128];
static struct nsdconf_model *model;
static char *text;
/* Parse with the places of options recorded (what knot-nsd convert does). */
static bool locations;

static struct {
	int n;
	char line[MAX_NOTES][700];
	bool security[MAX_NOTES];
	enum nsdconf_knot verdict[MAX_NOTES];
} notes;

static void diag_sink(void *ctx, const char *line)
{
	print_error("nsd.conf: %s\n", line);
}

static void collect(void *ctx, const struct knotmap_note *n)
{
	if (notes.n >= MAX_NOTES)
		return;
	snprintf(notes.line[notes.n], sizeof(notes.line[0]), "%d|%s|%s", n->line, n->option, n->how);
	notes.security[notes.n] = n->security;
	notes.verdict[notes.n] = n->verdict;
	notes.n++;
}

/* The note about option whose text contains what, or -1. */
static int note_find(const char *option, const char *what)
{
	char key[64];

	snprintf(key, sizeof(key), "|%s|", option);
	for (int i = 0; i < notes.n; i++) {
		if (strstr(notes.line[i], key) != NULL && strstr(notes.line[i], what) != NULL)
			return i;
	}
	return -1;
}

static int count_notes(const char *option)
{
	char key[64];
	int n = 0;

	snprintf(key, sizeof(key), "|%s|", option);
	for (int i = 0; i < notes.n; i++)
		n += strstr(notes.line[i], key) != NULL;
	return n;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_knotmap.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/nsd.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	return test_rmtree(dir);
}

static int reset(void **state)
{
	char zonelist[128];

	/* a test's zonelistfile is no other test's */
	snprintf(zonelist, sizeof(zonelist), "%s/zone.list", dir);
	unlink(zonelist);
	locations = false;
	nsdconf_model_free(model);
	model = NULL;
	free(text);
	text = NULL;
	notes.n = 0;
	return 0;
}

static struct nsdconf_model *parse(const char *conf)
{
	struct nsdconf_diag diag = { .sink = diag_sink };
	char zonelist[128];

	test_put(conf_path, conf);
	snprintf(zonelist, sizeof(zonelist), "%s/zone.list", dir);
	nsdconf_model_free(model);
	model = nsdconf_parse_file(conf_path, &(struct nsdconf_parse_opts){
		.max_version = 4150, .read_zonelist = true, .zonelist_override = zonelist,
		.locations = locations,
	}, &diag);
	assert_non_null(model);
	assert_int_equal(diag.errors, 0);
	return model;
}

static const char *render_opts(const char *conf, struct knotmap_opts *o)
{
	struct knotmap_buf b = { 0 };

	parse(conf);
	o->report = collect;
	/* The tests describe knotd 3.2's forms unless they name another knotd. */
	if (o->knot_version == 0)
		o->knot_version = 0x030200;
	notes.n = 0;
	assert_int_equal(knotmap_render(model, o, &b), 0);
	free(text);
	text = b.data;
	return text;
}

static const char *render(const char *conf)
{
	struct knotmap_opts o = { .cwd = "/srv/start" };

	return render_opts(conf, &o);
}

static void assert_has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		/* print_error() truncates long messages. */
		fprintf(stderr, "missing:\n%s\nin:\n%s\n", needle, hay);
		fail();
	}
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL) {
		fprintf(stderr, "unexpected:\n%s\nin:\n%s\n", needle, hay);
		fail();
	}
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Position of needle, failing when absent: for ordering checks. */
static size_t pos(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	if (p == NULL) {
		print_error("missing: %s\n", needle);
		fail();
	}
	return (size_t)(p - hay);
}

#define KEYS \
	"key:\n\tname: \"k1\"\n\talgorithm: sha256\n\tsecret: \"c2VjcmV0c2VjcmV0c2VjcmV0\"\n" \
	"key:\n\tname: \"k2\"\n\talgorithm: HMAC-SHA512\n\tsecret: \"c2VjcmV0c2VjcmV0c2VjcmV1\"\n"

static void test_blocked_rules_come_first(void **state)
{
	const char *t = render(KEYS
		"zone:\n\tname: example.com\n\tzonefile: example.com.zone\n"
		"\tprovide-xfr: 192.0.2.0/24 NOKEY\n"
		"\tprovide-xfr: 198.51.100.1 k1\n"
		"\tprovide-xfr: 192.0.2.7 BLOCKED\n"
		"\tallow-notify: 192.0.2.1 NOKEY\n"
		"\tallow-notify: 192.0.2.0/28 BLOCKED\n");

	/* NSD: BLOCKED wins wherever it stands; Knot: first match, so deny first. */
	assert_has(t, "  - id: nsd-xfr-deny-192.0.2.7\n    address: 192.0.2.7\n"
	              "    action: transfer\n    deny: on\n");
	assert_has(t, "  - id: nsd-notify-deny-192.0.2.0/28\n    address: 192.0.2.0/28\n"
	              "    action: notify\n    deny: on\n");
	assert_has(t, "    acl: [nsd-query-tsig, nsd-xfr-deny-192.0.2.7, nsd-notify-deny-192.0.2.0/28, "
	              "nsd-xfr-192.0.2.0/24-nokey, nsd-xfr-198.51.100.1-key-k1, "
	              "nsd-notify-192.0.2.1-nokey]\n");
	/* Exact forms need no report line of their own. */
	assert_int_equal(note_find("provide-xfr", "mod-nsd narrows"), -1);
}

static void test_nokey_and_key_rules(void **state)
{
	const char *t = render(KEYS
		"zone:\n\tname: example.com\n\tzonefile: example.com.zone\n"
		"\tprovide-xfr: 192.0.2.1 NOKEY\n"
		"\tprovide-xfr: 192.0.2.1 k2\n");

	/* A keyless Knot allow rule matches only unsigned requests, as NOKEY does. */
	assert_has(t, "  - id: nsd-xfr-192.0.2.1-nokey\n    address: 192.0.2.1\n    action: transfer\n");
	assert_has(t, "  - id: nsd-xfr-192.0.2.1-key-k2\n    address: 192.0.2.1\n    key: k2\n"
	              "    action: transfer\n");
	/* NSD's spellings of the algorithm, Knot's hmac- names. */
	assert_has(t, "  - id: k1\n    algorithm: hmac-sha256\n    secret: c2VjcmV0c2VjcmV0c2VjcmV0\n");
	assert_has(t, "  - id: k2\n    algorithm: hmac-sha512\n");
}

static void test_signed_query_rule_leads_every_zone(void **state)
{
	const char *t = render(KEYS
		"zone:\n\tname: a.example\n\tzonefile: a\n\tprovide-xfr: 10.0.0.0/8 BLOCKED\n"
		"zone:\n\tname: b.example\n\tzonefile: b\n");

	/* knotd tests signed queries against the acl ignoring actions: without this
	 * rule the transfer deny would refuse them, and b.example would too. */
	assert_has(t, "  - id: nsd-query-tsig\n    key: [k1, k2]\n    action: query\n");
	assert_has(t, "    acl: [nsd-query-tsig, nsd-xfr-deny-10.0.0.0/8]\n");
	assert_has(t, "    acl: [nsd-query-tsig]\n");

	t = render("zone:\n\tname: a.example\n\tzonefile: a\n");
	assert_lacks(t, "nsd-query-tsig");
	assert_lacks(t, "acl:");
}

static void test_port_and_mask_widen_and_report(void **state)
{
	const char *t = render(KEYS
		"zone:\n\tname: example.com\n\tzonefile: example.com.zone\n"
		"\tprovide-xfr: 192.0.2.1@5353 k1\n"
		"\tprovide-xfr: 10.1.0.0&255.255.0.255 NOKEY\n"
		"\tprovide-xfr: 10.2.0.0&255.255.0.0 NOKEY\n");
	int i;

	assert_has(t, "    address: 192.0.2.1\n    key: k1\n");
	i = note_find("provide-xfr", "192.0.2.1@5353 allowed as 192.0.2.1");
	assert_true(i >= 0);
	assert_true(notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	assert_non_null(strstr(notes.line[i], "mod-nsd narrows it"));
	assert_int_equal(atoi(notes.line[i]), 12);   /* the entry's own line */

	/* A non-contiguous mask: the smallest prefix holding every match (an IPv4 a-b
	 * range would be read byte-swapped by knotd). */
	assert_has(t, "    address: 10.1.0.0/16\n");
	i = note_find("provide-xfr", "10.1.0.0&255.255.0.255 allowed as 10.1.0.0/16");
	assert_true(i >= 0 && notes.security[i]);
	/* A contiguous mask is a prefix, exactly. */
	assert_has(t, "    address: 10.2.0.0/16\n");
	assert_int_equal(note_find("provide-xfr", "10.2.0.0&"), -1);
}

static void test_blocked_never_widens(void **state)
{
	const char *t = render(KEYS
		"zone:\n\tname: example.com\n\tzonefile: example.com.zone\n"
		"\tprovide-xfr: 192.0.2.9@5353 BLOCKED\n"
		"\tprovide-xfr: 10.1.0.0&255.255.0.255 BLOCKED\n"
		"\tprovide-xfr: 192.0.2.0/24 NOKEY\n");
	int i;

	/* Denying 192.0.2.9 on every port would refuse what NSD allows. */
	assert_lacks(t, "deny");
	i = note_find("provide-xfr", "192.0.2.9@5353 BLOCKED");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
	assert_true(note_find("provide-xfr", "10.1.0.0&255.255.0.255 BLOCKED") >= 0);
}

static void test_range_exact_only_when_nsd_agrees(void **state)
{
	const char *t = render(
		"zone:\n\tname: example.com\n\tzonefile: example.com.zone\n"
		"\tprovide-xfr: 1.2.3.4-1.2.3.4 NOKEY\n"
		"\tprovide-xfr: 2001:db8::-2001:db8::ffff:ffff NOKEY\n"
		"\tprovide-xfr: 1.2.3.4-1.2.3.25 NOKEY\n"
		"\tprovide-xfr: 1.2.3.4-1.2.3.25 BLOCKED\n"
		"\tprovide-xfr: 10.0.0.5-10.0.1.3 BLOCKED\n");
	int i;

	assert_has(t, "    address: 1.2.3.4\n");
	/* Whole 32-bit words: NSD's byte order does not matter. */
	assert_has(t, "    address: 2001:db8::/96\n");
	assert_int_equal(note_find("provide-xfr", "2001:db8::-"), -1);
	/* NSD matches 9.9.9.10 with 1.2.3.4-1.2.3.25 (little-endian words), and so does
	 * knotd 3.2.6 (contrib/sockaddr.c cmp_ipv4): the range as written is exact. */
	assert_has(t, "  - id: nsd-xfr-1.2.3.4-1.2.3.25-nokey\n    address: 1.2.3.4-1.2.3.25\n");
	i = note_find("provide-xfr", "acl nsd-xfr-1.2.3.4-1.2.3.25-nokey");
	assert_true(i >= 0 && !notes.security[i]);
	assert_has(t, "  - id: nsd-xfr-deny-1.2.3.4-1.2.3.25\n    address: 1.2.3.4-1.2.3.25\n");
	assert_true(note_find("provide-xfr", "acl nsd-xfr-deny-1.2.3.4-1.2.3.25") >= 0);
	/* Last octet 5 > 3: NSD's comparison matches nothing. */
	assert_lacks(t, "10.0.0.5");
	assert_true(note_find("provide-xfr", "matches no address") >= 0);
}

/* Deterministic xorshift, so a failure can be replayed. */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static bool nsd_matches(const struct nsdconf_acl *a, const uint8_t *x)
{
	struct sockaddr_storage ss = { 0 };

	if (a->ipv6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		memcpy(in6->sin6_addr.s6_addr, x, 16);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr.s_addr, x, 4);
	}
	return nsdconf_acl_addr_matches(a, &ss);
}

/* Whether knotd 3.2.6 matches x against what we write: contrib/sockaddr.c compares
 * IPv4 range ends as host-order (little-endian) words, IPv6 ones with memcmp. */
static bool in_net(const struct knotmap_net *net, const uint8_t *x, int n)
{
	if (net->literal) {
		uint32_t lo, hi, v;

		memcpy(&lo, net->lo, 4);
		memcpy(&hi, net->hi, 4);
		memcpy(&v, x, 4);
		return lo <= v && v <= hi;
	}
	return memcmp(net->lo, x, n) <= 0 && memcmp(x, net->hi, n) <= 0;
}

/* A random address inside [lo, hi] in address order. */
static void random_between(const uint8_t *lo, const uint8_t *hi, int n, uint8_t *x)
{
	bool tl = true, th = true;

	for (int i = 0; i < n; i++) {
		int min = tl ? lo[i] : 0, max = th ? hi[i] : 255;

		x[i] = (uint8_t)(min + rng() % (unsigned)(max - min + 1));
		tl = tl && x[i] == lo[i];
		th = th && x[i] == hi[i];
	}
}

/* A random address NSD's range entry matches: a random key in its byte order. */
static void random_nsd_member(const struct nsdconf_acl *a, int n, uint8_t *x)
{
	uint8_t klo[16], khi[16], k[16];

	for (int i = 0; i < n; i++) {
		int j = (i & ~3) + 3 - (i & 3);

		klo[i] = a->addr[j];
		khi[i] = a->mask[j];
	}
	random_between(klo, khi, n, k);
	for (int i = 0; i < n; i++)
		x[(i & ~3) + 3 - (i & 3)] = k[i];
}

static void random_range(struct nsdconf_acl *a, bool ipv6)
{
	int n = ipv6 ? 16 : 4;

	memset(a, 0, sizeof(*a));
	a->ipv6 = ipv6;
	a->range = NSDCONF_RANGE_MINMAX;
	for (int i = 0; i < n; i++)
		a->addr[i] = a->mask[i] = (uint8_t)rng();
	/* Ends that differ in few bytes are the interesting (and usual) ones. */
	for (int i = 0, diff = 1 + (int)(rng() % n); i < diff; i++) {
		int b = (int)(rng() % n);

		a->mask[b] = (uint8_t)rng();
	}
	if (rng() % 4 == 0)
		a->mask[n - 1] = (uint8_t)(a->addr[n - 1] + rng() % 8);
}

static void test_range_intervals_agree_with_nsd_matcher(void **state)
{
	int exact = 0, narrower = 0;

	for (int round = 0; round < 4000; round++) {
		bool ipv6 = round % 2;
		int n = ipv6 ? 16 : 4;
		struct nsdconf_acl a;
		struct knotmap_net cover, inner;
		enum knotmap_fit fc, fi;
		uint8_t x[16];

		random_range(&a, ipv6);
		fc = knotmap_net_cover(&a, &cover);
		fi = knotmap_net_inner(&a, &inner);
		if (fc == KNOTMAP_FIT_EMPTY) {
			for (int i = 0; i < n; i++)
				x[i] = (uint8_t)rng();
			assert_false(nsd_matches(&a, x));
			assert_false(nsd_matches(&a, a.addr));
			continue;
		}
		/* The cover is tight: both ends are matched by NSD. */
		assert_true(nsd_matches(&a, cover.lo));
		assert_true(nsd_matches(&a, cover.hi));
		/* knotd reads an IPv4 range as NSD does: written as is, exactly. */
		assert_true(ipv6 || (cover.literal && fc == KNOTMAP_FIT_EXACT));
		for (int s = 0; s < 32; s++) {
			random_nsd_member(&a, n, x);
			assert_true(nsd_matches(&a, x));     /* our model of NSD's order */
			assert_true(in_net(&cover, x, n));   /* the allow side holds it */
			for (int i = 0; i < n; i++)
				x[i] = (uint8_t)rng();
			if (fc == KNOTMAP_FIT_EXACT)         /* knotd and NSD agree anywhere */
				assert_true(in_net(&cover, x, n) == nsd_matches(&a, x));
			if (ipv6) {
				random_between(cover.lo, cover.hi, n, x);
				if (fc == KNOTMAP_FIT_EXACT)
					assert_true(nsd_matches(&a, x));
			}
			if (fi == KNOTMAP_FIT_EXACT || fi == KNOTMAP_FIT_NARROWER) {
				if (inner.literal)
					random_nsd_member(&a, n, x);
				else
					random_between(inner.lo, inner.hi, n, x);
				assert_true(in_net(&inner, x, n));
				assert_true(nsd_matches(&a, x)); /* the deny side never widens */
			}
		}
		exact += fc == KNOTMAP_FIT_EXACT;
		narrower += fi == KNOTMAP_FIT_NARROWER;
	}
	assert_true(exact > 0);
	assert_true(narrower > 0);   /* IPv6 ranges */
}

static void test_template_shared_by_pattern(void **state)
{
	char *conf = malloc(100 * 120 + 1024);
	size_t len;
	const char *t;

	len = (size_t)sprintf(conf, KEYS
		"pattern:\n\tname: prim\n\tzonefile: \"%%s.zone\"\n\tprovide-xfr: 192.0.2.0/24 NOKEY\n"
		"\tnotify: 192.0.2.10 k1\n"
		"pattern:\n\tname: sec\n\tzonefile: \"sec/%%s\"\n\trequest-xfr: 192.0.2.1 k1\n"
		"\tallow-notify: 192.0.2.1 k1\n");
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(conf + len, "zone:\n\tname: z%d.example\n\tinclude-pattern: %s\n",
		                       i, i % 2 ? "sec" : "prim");
	t = render(conf);
	free(conf);

	assert_int_equal(count(t, "  - id: nsd-t"), 2);
	assert_int_equal(count(t, "  - domain: "), 100);
	assert_int_equal(count(t, "    template: nsd-t1\n"), 50);
	assert_int_equal(count(t, "    template: nsd-t2\n"), 50);
	assert_has(t, "  - domain: z7.example\n    template: nsd-t2\n"
	              "    file: /etc/nsd/sec/z7.example\n");
	/* One remote and one rule however many zones use them. */
	assert_int_equal(count(t, "  - id: nsd-192.0.2.1@53-key-k1-quiet\n"), 1);
	assert_int_equal(count(t, "  - id: nsd-xfr-192.0.2.0/24-nokey\n"), 1);
	/* The pattern's settings are reported once, not per zone. */
	{
		int n = 0;

		for (int i = 0; i < notes.n; i++)
			n += strstr(notes.line[i], "|provide-xfr|") != NULL;
		assert_int_equal(n, 1);
	}
}

static void test_master_and_notify_remotes(void **state)
{
	const char *t = render(KEYS
		"zone:\n\tname: example.net\n\tzonefile: example.net.zone\n"
		"\trequest-xfr: 192.0.2.1@5300 k1\n"
		"\trequest-xfr: AXFR 2001:db8::1 NOKEY\n"
		"\trequest-xfr: UDP 192.0.2.2 k2\n"
		"\tallow-notify: 192.0.2.1 k1\n"
		"\tnotify: 192.0.2.20@5353 k2\n"
		"\tnotify: 2001:db8::20 NOKEY\n"
		"\toutgoing-interface: 192.0.2.53\n"
		"\toutgoing-interface: 2001:db8::53@5301\n"
		"\toutgoing-interface: 192.0.2.54\n"
		"server:\n\tport: 5399\n");

	/* NSD's own port is never a destination: @port or 53. */
	assert_has(t, "  - id: nsd-192.0.2.1@5300-key-k1-via-192.0.2.53\n"
	              "    address: 192.0.2.1@5300\n    via: 192.0.2.53\n    key: k1\n"
	              "    automatic-acl: off\n");
	assert_has(t, "  - id: nsd-2001:db8::1@53-via-2001:db8::53@5301\n"
	              "    address: 2001:db8::1@53\n    via: 2001:db8::53@5301\n");
	assert_has(t, "    master: [nsd-192.0.2.1@5300-key-k1-via-192.0.2.53, "
	              "nsd-2001:db8::1@53-via-2001:db8::53@5301, "
	              "nsd-192.0.2.2@53-key-k2-via-192.0.2.53]\n");
	assert_has(t, "    notify: [nsd-192.0.2.20@5353-key-k2-via-192.0.2.53, "
	              "nsd-2001:db8::20@53-via-2001:db8::53@5301]\n");
	assert_has(t, "    zonefile-sync: 0\n    journal-content: changes\n");
	assert_lacks(t, "5399");
	assert_true(note_find("request-xfr", "AXFR flag") >= 0);
	assert_true(note_find("request-xfr", "UDP flag") >= 0);
	assert_true(note_find("outgoing-interface", "only the first source address") >= 0);
}

/* knotd plans a NOTIFY a second after each transfer and holds back a NOTIFY-triggered
 * refresh planned for that second: zones that notify nobody get a primary remote with
 * block-notify-after-transfer, zones with a notify list keep the plain one, also when
 * include-pattern shares the request-xfr entries between the two. */
static void test_quiet_primary_without_notify(void **state)
{
	const char *t = render(KEYS
		"pattern:\n\tname: base\n\trequest-xfr: 192.0.2.1 k1\n"
		"zone:\n\tname: quiet.example\n\tinclude-pattern: base\n"
		"zone:\n\tname: loud.example\n\tinclude-pattern: base\n"
		"\tnotify: 192.0.2.20 k1\n");

	assert_has(t, "  - id: nsd-192.0.2.1@53-key-k1-quiet\n    address: 192.0.2.1@53\n"
	              "    key: k1\n    automatic-acl: off\n    block-notify-after-transfer: on\n");
	assert_has(t, "  - id: nsd-192.0.2.1@53-key-k1\n    address: 192.0.2.1@53\n"
	              "    key: k1\n    automatic-acl: off\n  - id: nsd-192.0.2.20@53-key-k1\n");
	assert_has(t, "    master: [nsd-192.0.2.1@53-key-k1-quiet]\n");
	assert_has(t, "    master: [nsd-192.0.2.1@53-key-k1]\n    notify: [");
	/* A notify target is never quiet: the flag is about transfers from a primary. */
	assert_lacks(t, "nsd-192.0.2.20@53-key-k1-quiet");
}

/* mod-nsd's self NOTIFY: a zone with notify: entries NSD would send to notifies knotd
 * itself (the module sends the rounds); a zone without, or with none NSD could send to,
 * has no notify list; the key and the remote are written once. */
static void test_self_notify_remote(void **state)
{
	struct knotmap_self_notify self = { "127.0.0.1@5300", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=" };
	struct knotmap_opts o = { .cwd = "/srv/start", .self_notify = &self };
	const char *t = render_opts(KEYS
		"zone:\n\tname: loud.example\n\tnotify: 192.0.2.20@5353 k2\n"
		"\tnotify: 2001:db8::20 NOKEY\n\trequest-xfr: 192.0.2.1 k1\n"
		"zone:\n\tname: quiet.example\n\tprovide-xfr: 192.0.2.1 k1\n"
		"zone:\n\tname: odd.example\n\tnotify: 192.0.2.21@70000 k2\n", &o);

	assert_has(t, "  - id: mod-nsd.self.invalid.\n    algorithm: hmac-sha256\n"
	              "    secret: c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\n");
	assert_has(t, "  - id: mod-nsd-self\n    address: 127.0.0.1@5300\n"
	              "    key: mod-nsd.self.invalid.\n    automatic-acl: off\n");
	assert_has(t, "    notify: [mod-nsd-self]\n");
	/* once: only loud.example notifies */
	assert_true(strstr(strstr(t, "notify: [mod-nsd-self]") + 1, "notify: [mod-nsd-self]") == NULL);
	assert_lacks(t, "nsd-192.0.2.20");
	assert_lacks(t, "nsd-2001:db8::20");
	/* a primary of a zone that notifies is not quiet (knotd must notify itself) */
	assert_has(t, "    master: [nsd-192.0.2.1@53-key-k1]\n");
	assert_true(note_find("notify", "port out of range") >= 0);
}

static void test_zonefile_paths_absolute(void **state)
{
	struct knotmap_opts o = { .cwd = "/srv/start" };
	const char *t;

	t = render_opts(
		"server:\n\tzonesdir: \"zones\"\n"
		"zone:\n\tname: Example.COM.\n\tzonefile: \"%1/%s.zone\"\n"
		"zone:\n\tname: abs.example\n\tzonefile: \"/var/z/%z/%y\"\n"
		"zone:\n\tname: sp.example\n\tzonefile: \"my zones/%s\"\n"
		"zone:\n\tname: bare.example\n\trequest-xfr: 192.0.2.1 NOKEY\n", &o);
	/* NSD chdir()s to zonesdir (relative to where it started). */
	assert_has(t, "  - domain: Example.COM.\n    template: nsd-t1\n"
	              "    file: /srv/start/zones/E/Example.COM..zone\n");
	assert_has(t, "    file: /var/z/example/abs\n");
	assert_has(t, "    file: \"/srv/start/zones/my zones/sp.example\"\n");
	/* No file for a secondary: the journal keeps the zone, knotd never writes one. */
	assert_has(t, "    master: [nsd-192.0.2.1@53-quiet]\n    zonefile-sync: -1\n"
	              "    zonefile-load: none\n    journal-content: all\n");
	assert_has(t, "  - domain: bare.example\n    template: nsd-t2\n\n");

	o.storage = "/var/lib/knot/nsd";
	t = render_opts("zone:\n\tname: bare.example\n\trequest-xfr: 192.0.2.1 NOKEY\n", &o);
	assert_has(t, "    storage: /var/lib/knot/nsd\n    zonefile-sync: 0\n");
	assert_lacks(t, "file:");
}

static void test_primary_journal_follows_store_ixfr(void **state)
{
	const char *t = render(
		"zone:\n\tname: a.example\n\tzonefile: a\n"
		"zone:\n\tname: b.example\n\tzonefile: b\n\tstore-ixfr: yes\n\tcreate-ixfr: yes\n"
		"\tixfr-number: 1\n\tixfr-size: 5000\n\tsize-limit-xfr: 1000000\n"
		"server:\n\tzonefiles-write: 600\n"
		"zone:\n\tname: c.example\n\tzonefile: c\n\trequest-xfr: 192.0.2.1 NOKEY\n");

	/* No journal, no "inconsistent history" for NSD secondaries (NSD #479). */
	assert_has(t, "  - id: nsd-t1\n    journal-content: none\n");
	assert_has(t, "  - id: nsd-t2\n    zonefile-load: difference\n    journal-content: changes\n"
	              "    journal-max-depth: 2\n    journal-max-usage: 40960\n"
	              "    zone-max-size: 1000000\n");
	assert_has(t, "    zonefile-sync: 600\n    journal-content: changes\n");
	assert_true(note_find("zonefiles-write", "zonefile-sync: 600") >= 0);
	assert_true(note_find("size-limit-xfr", "zone-max-size") >= 0);
}

/* zonefiles-write: 1 writes "after each transfer" too, and knotd's flush a second
 * ahead would hold back NOTIFY-triggered refreshes: it maps to zonefile-sync: 0. */
static void test_one_second_zonefiles_write_is_immediate(void **state)
{
	const char *t = render(
		"server:\n\tzonefiles-write: 1\n"
		"zone:\n\tname: c.example\n\tzonefile: c\n\trequest-xfr: 192.0.2.1 NOKEY\n");

	assert_has(t, "    zonefile-sync: 0\n");
	assert_lacks(t, "zonefile-sync: 1\n");
	assert_true(note_find("zonefiles-write", "hold back knotd's refreshes") >= 0);
}

static void test_refresh_retry_expire_clamps(void **state)
{
	const char *t = render(
		"zone:\n\tname: a.example\n\tzonefile: a\n\trequest-xfr: 192.0.2.1 NOKEY\n"
		"\tmax-refresh-time: 3600\n\tmin-refresh-time: 600\n"
		"\tmax-retry-time: 900\n\tmin-retry-time: 1000\n\tmin-expire-time: 7200\n"
		"zone:\n\tname: b.example\n\tzonefile: b\n\trequest-xfr: 192.0.2.1 NOKEY\n"
		"\tmin-refresh-time: 0\n\tmax-refresh-time: 100\n\tmin-expire-time: refresh+retry+1\n");

	assert_has(t, "    refresh-min-interval: 600\n    refresh-max-interval: 3600\n"
	              "    retry-min-interval: 900\n    retry-max-interval: 900\n"
	              "    expire-min-interval: 7200\n");
	assert_true(note_find("min-retry-time", "minimum above maximum") >= 0);
	/* 0 is NSD's "no minimum": knotd's own floor stays. */
	assert_has(t, "    refresh-max-interval: 100\n    expire-min-interval: 1209701\n");
	assert_true(note_find("min-expire-time", "refresh+retry+1") >= 0);
}

static void test_report_follows_option_table(void **state)
{
	int i;

	render("zone:\n\tname: a.example\n\tzonefile: a\n\tnotify-retry: 3\n"
	       "\tmulti-master-check: yes\n\tallow-query: 192.0.2.0/24 NOKEY\n"
	       "\trequest-xfr: 192.0.2.1 NOKEY\n\tallow-axfr-fallback: no\n");
	i = note_find("notify-retry", "");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
	i = note_find("multi-master-check", "");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_UNSUPPORTED);
	i = note_find("allow-axfr-fallback", "");
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	/* allow-query lives in mod-nsd only: nothing for it in the include. */
	i = note_find("allow-query", "mod-nsd");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
	assert_lacks(text, "query\n    deny");
	assert_int_equal(count(text, "action: query"), 0);
	assert_int_equal(atoi(notes.line[i]), 6);   /* the entry's own line */
}

static void test_values_quoted_for_yparser(void **state)
{
	const char *t = render(
		"key:\n\tname: \"odd\\032key.\"\n\tsecret: \"c2VjcmV0c2VjcmV0c2VjcmV0\"\n"
		"zone:\n\tname: \"ex\\#ample.com\"\n\tzonefile: \"/z/a b#c.zone\"\n"
		"\tprovide-xfr: 192.0.2.1 \"odd\\032key.\"\n");

	assert_has(t, "  - id: odd\\032key.\n    algorithm: hmac-sha256\n");
	assert_has(t, "    file: \"/z/a b#c.zone\"\n");
	assert_has(t, "  - domain: \"ex\\#ample.com\"\n");
	assert_has(t, "    key: odd\\032key.\n");
	/* Ids are sanitised to plain characters. */
	assert_has(t, "  - id: nsd-xfr-192.0.2.1-key-odd_032key\n");
}

static void test_output_deterministic(void **state)
{
	const char *conf = KEYS
		"pattern:\n\tname: p\n\tprovide-xfr: 1.2.3.4-1.2.3.25 NOKEY\n\tnotify: 192.0.2.1 k1\n"
		"zone:\n\tname: a.example\n\tzonefile: a\n\tinclude-pattern: p\n"
		"zone:\n\tname: b.example\n\trequest-xfr: 192.0.2.9 k2\n\tallow-notify: 192.0.2.9 k2\n";
	char *first;

	first = strdup(render(conf));
	assert_string_equal(render(conf), first);
	free(first);
}

static void test_full_config_server_part(void **state)
{
	struct knotmap_opts o = { .full = true, .cwd = "/", .storage = "/var/lib/knot" };
	const char *t = render_opts(
		"server:\n\tip-address: 192.0.2.53\n\tip-address: 2001:db8::53@5353\n"
		"\tport: 5300\n\tserver-count: 4\n\ttcp-count: 250\n\thide-identity: yes\n"
		"\tversion: \"dns\"\n\tnsid: \"ascii_ns1\"\n\tverbosity: 1\n"
		"zone:\n\tname: a.example\n\tzonefile: a\n", &o);

	assert_has(t, "server:\n    identity: \"\"\n    version: dns\n    nsid: 0x6e7331\n"
	              "    udp-workers: 4\n    tcp-workers: 4\n"
	              /* tcp-count is per NSD server process */
	              "    tcp-max-clients: 1000\n"
	              "    listen: [192.0.2.53@5300, 2001:db8::53@5353]\n");
	assert_has(t, "log:\n  - target: syslog\n    any: info\n");
	assert_has(t, "database:\n    storage: /var/lib/knot\n");
	assert_true(pos(t, "server:") < pos(t, "zone:"));
}


/* Native (convert without --module): knotd alone, no mod-nsd. */
static const char *render_native(const char *conf)
{
	struct knotmap_opts o = { .full = true, .cwd = "/", .rundir = "/run/test" };

	return render_opts(conf, &o);
}

static void test_native_allow_query_unsigned_by_queryacl(void **state)
{
	const char *t = render_native(KEYS
		"zone:\n\tname: example.com\n\tzonefile: z\n"
		"\tallow-query: 192.0.2.0/24 NOKEY\n\tallow-query: 192.0.2.7 BLOCKED\n"
		"\tprovide-xfr: 192.0.2.1 k1\n");
	int i;

	/* mod-queryacl has no deny list: the BLOCKED address is cut out of the allowed. */
	assert_has(t, "mod-queryacl:\n  # allow-query at ");
	/* ... as prefixes: knotd would read an IPv4 a-b range byte-swapped. */
	assert_has(t, "  - id: nsd-q1\n    address: [192.0.2.0/30, 192.0.2.4/31, 192.0.2.6, "
	              "192.0.2.8/29, 192.0.2.16/28, 192.0.2.32/27, 192.0.2.64/26, 192.0.2.128/25]\n");
	assert_has(t, "    module: mod-queryacl/nsd-q1\n");
	/* Signed queries: the BLOCKED address denied, every other signed query refused
	 * (NOKEY never matches a signed query), before any transfer rule. */
	assert_has(t, "  - id: nsd-query-deny-192.0.2.7\n    address: 192.0.2.7\n"
	              "    action: query\n    deny: on\n");
	assert_has(t, "  - id: nsd-query-tsig-deny\n    key: [k1, k2]\n    action: query\n"
	              "    deny: on\n");
	assert_has(t, "    acl: [nsd-query-deny-192.0.2.7, nsd-query-tsig-deny, "
	              "nsd-xfr-192.0.2.1-key-k1]\n");
	assert_true(pos(t, "mod-queryacl:") < pos(t, "template:"));
	i = note_find("allow-query", "NOTAUTH");
	assert_true(i >= 0 && !notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
}

static void test_native_allow_query_key_entry_flagged(void **state)
{
	const char *t = render_native(KEYS
		"zone:\n\tname: example.com\n\tzonefile: z\n"
		"\tallow-query: 198.51.100.0/24 k1\n\tallow-query: 192.0.2.0/24 NOKEY\n");
	int i;

	assert_has(t, "  - id: nsd-query-198.51.100.0/24-key-k1\n    address: 198.51.100.0/24\n"
	              "    key: k1\n    action: query\n");
	/* mod-queryacl cannot see keys: the key entry's addresses are open to unsigned too. */
	assert_has(t, "    address: [192.0.2.0/24, 198.51.100.0/24]\n");
	i = note_find("allow-query", "unsigned queries from its addresses are answered too");
	assert_true(i >= 0 && notes.security[i]);
}

static void test_native_allow_query_nobody(void **state)
{
	/* An empty address list would let everybody in; NSD lets nobody in here. */
	const char *t = render_native("zone:\n\tname: example.com\n\tzonefile: z\n"
	                              "\tallow-query: 0.0.0.0/0 BLOCKED\n");

	assert_has(t, "    address: [255.255.255.255]\n");
}

static void test_include_keeps_allow_query_for_mod_nsd(void **state)
{
	const char *t = render(KEYS "zone:\n\tname: example.com\n\tzonefile: z\n"
	                       "\tallow-query: 192.0.2.0/24 NOKEY\n\tallow-query: 192.0.2.7 BLOCKED\n");
	int i;

	assert_lacks(t, "mod-queryacl");
	assert_lacks(t, "nsd-query-deny");
	assert_has(t, "    acl: [nsd-query-tsig]\n");
	i = note_find("allow-query", "mod-nsd applies it");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
	assert_int_equal(atoi(notes.line[i]), 12);   /* each entry at its own line */
	assert_int_equal(count_notes("allow-query"), 2);
}

static void test_module_mode_sections(void **state)
{
	struct knotmap_module mod = {
		.file = "/opt/nsd.so", .config = "/etc/nsd/nsd.conf",
		.include = "/var/lib/knot/nsd/nsd.conf",
	};
	struct knotmap_opts o = { .full = true, .module = &mod, .cwd = "/" };
	const char *t = render_opts(KEYS "zone:\n\tname: example.com\n\tzonefile: z\n"
	                            "\tprovide-xfr: 192.0.2.1@5353 k1\n", &o);

	assert_has(t, "module:\n  - id: mod-nsd\n    file: /opt/nsd.so\n\n"
	              "mod-nsd:\n  - id: default\n    config: /etc/nsd/nsd.conf\n"
	              "    knot-include: /var/lib/knot/nsd/nsd.conf\n");
	assert_has(t, "template:\n  - id: default\n"
	              "    global-module: [mod-nsd/default, mod-rrl/nsd]\n");
	assert_has(t, "include: /var/lib/knot/nsd/*.conf\n");
	/* The module writes these itself; twice would be "duplicate zone". */
	assert_lacks(t, "\nzone:");
	assert_lacks(t, "\nkey:");
	assert_lacks(t, "\nacl:");
	assert_true(pos(t, "module:") < pos(t, "mod-nsd:"));
	assert_true(pos(t, "mod-rrl:") < pos(t, "template:"));
}

static void test_rrl_follows_nsd_default(void **state)
{
	const char *t = render_native("zone:\n\tname: a.example\n\tzonefile: a\n");

	/* Debian's NSD rate-limits at 200 qps unless told otherwise. */
	assert_has(t, "  - id: nsd\n    rate-limit: 200\n    slip: 2\n    table-size: 1000000\n");
	assert_has(t, "    global-module: [mod-rrl/nsd]\n");
	t = render_native("server:\n\trrl-ratelimit: 0\nzone:\n\tname: a.example\n\tzonefile: a\n");
	assert_lacks(t, "mod-rrl");
	assert_lacks(t, "id: default");
}

static void test_cookies_with_secret(void **state)
{
	const char *t = render_native("server:\n\tanswer-cookie: yes\n"
	                              "\tcookie-secret: \"000102030405060708090a0b0c0d0e0f\"\n"
	                              "zone:\n\tname: a.example\n\tzonefile: a\n");

	assert_has(t, "mod-cookies:\n  - id: nsd\n    secret: 0x000102030405060708090a0b0c0d0e0f\n");
	assert_has(t, "    global-module: [mod-rrl/nsd, mod-cookies/nsd]\n");
}

static const char *render_native_for(unsigned knot, const char *conf)
{
	struct knotmap_opts o = { .full = true, .cwd = dir, .rundir = "/run/test",
	                          .knot_version = knot };

	return render_opts(conf, &o);
}

#define RRL_ZONE "zone:\n\tname: a.example\n\tzonefile: a\n"

static void test_rrl_3_4_limits_each_address(void **state)
{
	const char *t = render_native_for(0x030406, RRL_ZONE);

	/* NSD lets a second's rate through at once: instant-limit; NSD limits no TCP. */
	assert_has(t, "  - id: nsd\n    rate-limit: 200\n    instant-limit: 200\n    slip: 2\n"
	              "    time-rate-limit: 0\n    table-size: 1000000\n");
	assert_has(t, "    global-module: [mod-rrl/nsd]\n");
	t = render_native_for(0x030400, "server:\n\trrl-ratelimit: 0\n" RRL_ZONE);
	assert_lacks(t, "mod-rrl");
}

static void test_rrl_3_4_report_per_address(void **state)
{
	int i;

	render_native_for(0x030400, "server:\n\trrl-ratelimit: 50\n\trrl-ipv4-prefix-length: 24\n"
	                  RRL_ZONE);
	i = note_find("rrl-ratelimit", "per client address");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	/* 3.2 counted per /24 as NSD does; 3.4 limits the address and fixed prefixes */
	i = note_find("rrl-ipv4-prefix-length", "/24 (32x)");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	render_native_for(0x030200, "server:\n\trrl-ratelimit: 50\n\trrl-ipv4-prefix-length: 24\n"
	                  RRL_ZONE);
	assert_int_equal(notes.verdict[note_find("rrl-ratelimit", "rate-limit")], NSDCONF_K_EXACT);
	assert_int_equal(notes.verdict[note_find("rrl-ipv4-prefix-length", "/24")], NSDCONF_K_EXACT);
}

static void test_rrl_3_4_huge_rate_within_knot_limits(void **state)
{
	/* knotd 3.4 keeps a /18's limit (768 times instant-limit) in 32 bits and wants
	 * rate-limit <= 1000 * instant-limit */
	const char *t = render_native_for(0x030500, "server:\n\trrl-ratelimit: 99999999999\n"
	                                  RRL_ZONE);

	assert_has(t, "    rate-limit: 5592404000\n    instant-limit: 5592404\n");
}

#define COOKIES "server:\n\tanswer-cookie: yes\n" \
	"\tcookie-secret: \"000102030405060708090a0b0c0d0e0f\"\n" \
	"\tcookie-staging-secret: \"101112131415161718191a1b1c1d1e1f\"\n"

static void test_cookies_staging_secret_from_3_4_2(void **state)
{
	const char *t = render_native_for(0x030401, COOKIES RRL_ZONE);
	int i;

	assert_has(t, "    secret: 0x000102030405060708090a0b0c0d0e0f\n");
	assert_lacks(t, "101112");
	/* knotd creates cookies with the first secret, the second only verifies */
	t = render_native_for(0x030402, COOKIES RRL_ZONE);
	assert_has(t, "    secret: [0x000102030405060708090a0b0c0d0e0f, "
	              "0x101112131415161718191a1b1c1d1e1f]\n");
	i = note_find("cookie-staging-secret", "second secret");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_EXACT);
}

static void test_cookies_secret_file_from_3_4_2(void **state)
{
	char path[160], conf[400];
	const char *t;
	int i;

	snprintf(path, sizeof(path), "%s/secrets.txt", dir);
	test_put(path, "00112233445566778899aabbccddeeff\nffeeddccbbaa99887766554433221100\n");
	snprintf(conf, sizeof(conf), "server:\n\tanswer-cookie: yes\n\tcookie-secret-file: "
	         "\"%s\"\n" RRL_ZONE, path);
	t = render_native_for(0x030200, conf);
	assert_lacks(t, "secret:");
	t = render_native_for(0x030406, conf);
	assert_has(t, "    secret: [0x00112233445566778899aabbccddeeff, "
	              "0xffeeddccbbaa99887766554433221100]\n");
	i = note_find("cookie-secret-file", "the first creates cookies");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	/* a line NSD 4.12 cannot read: it makes its own secrets, and so does knotd */
	test_put(path, "00112233445566778899aabbccddeeff\nnot hex\n");
	t = render_native_for(0x030406, conf);
	assert_lacks(t, "secret:");
	assert_true(note_find("cookie-secret-file", "not 32 hex digits") >= 0);
}

/* NSD reads cookie-secret-file after chdir(zonesdir): a relative name is from there. */
static void test_cookies_secret_file_relative_to_zonesdir(void **state)
{
	char path[160], conf[400];
	const char *t;

	snprintf(path, sizeof(path), "%s/rel-secrets.txt", dir);
	test_put(path, "00112233445566778899aabbccddeeff\n");
	snprintf(conf, sizeof(conf), "server:\n\tanswer-cookie: yes\n\tzonesdir: \"%s\"\n"
	         "\tcookie-secret-file: \"rel-secrets.txt\"\n" RRL_ZONE, dir);
	t = render_native_for(0x030406, conf);
	assert_has(t, "    secret: 0x00112233445566778899aabbccddeeff\n");
}

static const char *dirname_of(const char *path)
{
	static char buf[256];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
	}
	return buf;
}

/* Without the option NSD reads its default file; mod-cookies gets its secrets. The
 * default is a system path: the test writes it only where it is free to (root, no
 * such file), and removes it again. */
static void test_cookies_default_secret_file(void **state)
{
	const char *conf = "server:\n\tanswer-cookie: yes\n" RRL_ZONE;
	const char *path, *t;
	int i;

	parse(conf);
	path = nsdconf_gstr(model, NSDCONF_G_COOKIE_SECRET_FILE);
	assert_non_null(path);
	if (access(path, F_OK) == 0 || geteuid() != 0 || access(dirname_of(path), W_OK) != 0) {
		skip();
	}
	test_put(path, "0f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
	t = render_native_for(0x030406, conf);
	i = note_find("answer-cookie", "default cookie-secret-file");
	unlink(path);
	assert_has(t, "    secret: 0x0f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
	assert_true(i >= 0);
	t = render_native_for(0x030406, conf);
	assert_lacks(t, "secret:");
}

#define XOT "server:\n\ttls-service-key: \"/k.key\"\n\ttls-service-pem: \"/k.pem\"\n" \
	"\tip-address: 192.0.2.53\n\tip-address: 192.0.2.53@853\n\tip-address: 192.0.2.53@8853\n" \
	"\ttls-cert-bundle: \"/ca.pem\"\n\ttls-auth-port: 8853\n" \
	"tls-auth:\n\tname: t\n\tauth-domain-name: \"peer.example\"\n" \
	"zone:\n\tname: a.example\n\tzonefile: a\n\trequest-xfr: 192.0.2.1 NOKEY t\n" \
	"\tprovide-xfr: 192.0.2.3 NOKEY t\n"

static void test_xot_3_2_writes_no_tls(void **state)
{
	const char *t = render_native_for(0x030206, XOT);

	assert_lacks(t, "tls");
	assert_lacks(t, "192.0.2.1");
	assert_lacks(t, "192.0.2.3");
}

static void test_xot_3_4_tls_without_names(void **state)
{
	const char *t = render_native_for(0x030406, XOT);
	int i;

	assert_has(t, "    key-file: /k.key\n");
	assert_has(t, "    cert-file: /k.pem\n");
	/* NSD speaks TLS on the sockets whose port is tls-port or tls-auth-port */
	assert_has(t, "    listen: [192.0.2.53@53]\n");
	assert_has(t, "    listen-tls: [192.0.2.53@853, 192.0.2.53@8853]\n");
	assert_lacks(t, "ca-file");
	/* NSD's request-xfr over TLS goes to 853 */
	assert_has(t, "    address: 192.0.2.1@853\n    tls: on\n");
	assert_has(t, "    address: 192.0.2.3\n    action: transfer\n    protocol: tls\n");
	assert_lacks(t, "cert-hostname");
	/* knotd 3.4 takes any certificate: both are security notes */
	i = note_find("request-xfr", "any certificate is taken");
	assert_true(i >= 0 && notes.security[i]);
	i = note_find("provide-xfr", "protocol tls: knotd does not check");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	/* 3.4.0 has no acl protocol: the entry is left out, so not allowed */
	render_native_for(0x030400, XOT);
	assert_true(note_find("provide-xfr", "needs acl protocol (knotd 3.4.1)") >= 0);
}

static void test_xot_3_5_checks_names(void **state)
{
	const char *t = render_native_for(0x030500, XOT);
	int i;

	/* NSD's xfrd trusts the system's CAs and the bundle for primaries ("" in knotd) */
	assert_has(t, "    ca-file: [ \"\", /ca.pem ]\n");
	assert_has(t, "    tls: on\n    cert-hostname: peer.example\n");
	assert_has(t, "    protocol: tls\n    cert-hostname: peer.example\n");
	i = note_find("request-xfr", "cert-hostname peer.example");
	assert_true(i >= 0 && !notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_EXACT);
	/* knotd alone checks clients against the system's CAs too, and by GnuTLS's rules */
	i = note_find("provide-xfr", "cert-hostname peer.example");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	i = note_find("tls-cert-bundle", "the system's CAs and the bundle");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
}

static void test_xot_3_5_with_mod_nsd_leaves_client_names_to_the_gate(void **state)
{
	struct knotmap_module mod = { .config = "/etc/nsd/nsd.conf",
	                              .include = "/var/lib/knot/nsd/nsd.conf" };
	struct knotmap_opts o = { .full = true, .module = &mod, .cwd = dir,
	                          .knot_version = 0x030500 };
	const char *t = render_opts(XOT, &o);
	int i;

	assert_has(t, "    ca-file: [ \"\", /ca.pem ]\n");
	i = note_find("tls-cert-bundle", "against the bundle alone, as NSD does");
	assert_true(i >= 0 && !notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_EXACT);

	/* the include mod-nsd keeps: the primary's name is knotd's to check, a client's
	 * the gate's, as NSD checks it */
	struct knotmap_opts inc = { .cwd = dir, .knot_version = 0x030500 };
	t = render_opts(XOT, &inc);
	assert_has(t, "    tls: on\n    cert-hostname: peer.example\n");
	assert_has(t, "    action: transfer\n    protocol: tls\n");
	assert_lacks(t, "    protocol: tls\n    cert-hostname");
	i = note_find("provide-xfr", "mod-nsd checks the client certificate");
	assert_true(i >= 0 && !notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
}

/* Without tls-cert-bundle NSD checks primaries against the system's CAs alone. */
static void test_xot_3_5_without_bundle_trusts_the_system_cas(void **state)
{
	const char *conf = "tls-auth:\n\tname: t\n\tauth-domain-name: \"peer.example\"\n"
	                   "zone:\n\tname: a.example\n\tzonefile: a\n"
	                   "\trequest-xfr: 192.0.2.1 NOKEY t\n";
	const char *t = render_native_for(0x030500, conf);

	assert_has(t, "    ca-file: \"\"\n");
	t = render_native_for(0x030500, RRL_ZONE);
	assert_lacks(t, "ca-file");
}

#define XFR_ONLY "server:\n\ttls-service-key: \"/k.key\"\n\ttls-service-pem: \"/k.pem\"\n" \
	"\ttls-auth-port: 8853\n\ttls-auth-xfr-only: yes\n" \
	"zone:\n\tname: a.example\n\tzonefile: a\n\tprovide-xfr: 192.0.2.3 NOKEY\n" \
	"\tprovide-xfr: 192.0.2.4 BLOCKED\n"

static void test_xfr_only_holds_plain_transfers_to_tls(void **state)
{
	const char *t = render_native_for(0x030401, XFR_ONLY);
	int i;

	assert_has(t, "    address: 192.0.2.3\n    action: transfer\n    protocol: tls\n");
	/* a deny rule stays for every protocol */
	assert_has(t, "    address: 192.0.2.4\n    action: transfer\n    deny: on\n");
	/* knotd alone tells neither the tls-auth port nor a certificate apart */
	i = note_find("tls-auth-xfr-only", "every listen-tls address");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_APPROX);
	/* 3.4.0 has no acl protocol: knotd alone transfers over TCP */
	t = render_native_for(0x030400, XFR_ONLY);
	assert_lacks(t, "protocol: tls");
	i = note_find("tls-auth-xfr-only", "no acl protocol");
	assert_true(i >= 0 && notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_UNSUPPORTED);
}

static void test_xfr_only_enforced_by_mod_nsd_in_include(void **state)
{
	struct knotmap_opts o = { .cwd = dir, .knot_version = 0x030406 };
	const char *t = render_opts(XFR_ONLY, &o);
	int i;

	assert_has(t, "    protocol: tls\n");
	i = note_find("tls-auth-xfr-only", "mod-nsd refuses a transfer not over TLS");
	assert_true(i >= 0 && !notes.security[i]);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
	/* knotd 3.2 has no TLS: mod-nsd refuses every transfer, and says so */
	o.knot_version = 0x030206;
	render_opts(XFR_ONLY, &o);
	i = note_find("tls-auth-xfr-only", "so that is every transfer");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_MODULE);
}

static void test_knot_version_outside_3_2_to_3_5_refused(void **state)
{
	struct knotmap_opts o = { .knot_version = 0x030600 };
	struct knotmap_buf b = { 0 };

	parse(RRL_ZONE);
	assert_int_equal(knotmap_render(model, &o, &b), KNOT_EINVAL);
	assert_int_equal(b.len, 0);
	o.knot_version = 0x030106;
	assert_int_equal(knotmap_render(model, &o, &b), KNOT_EINVAL);
	knotmap_buf_free(&b);
}

static void test_knot_version_default_is_the_build(void **state)
{
	struct knotmap_opts o = { .full = true, .cwd = "/" };
	struct knotmap_buf a = { 0 }, b = { 0 };

	parse(RRL_ZONE);
	assert_int_equal(knotmap_render(model, &o, &a), 0);
	o.knot_version = knotmap_knot_build();
	assert_int_equal(knotmap_render(model, &o, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	knotmap_buf_free(&a);
	knotmap_buf_free(&b);
}

static void test_knot_version_text(void **state)
{
	char buf[16];

	assert_int_equal(knotmap_knot_parse("3.2"), 0x030200);
	assert_int_equal(knotmap_knot_parse("3.4.6"), 0x030406);
	assert_int_equal(knotmap_knot_parse("3.5"), 0x030500);
	assert_int_equal(knotmap_knot_parse("3.5.255"), 0x0305ff);
	assert_int_equal(knotmap_knot_parse("3.6"), 0);
	assert_int_equal(knotmap_knot_parse("3.1.9"), 0);
	assert_int_equal(knotmap_knot_parse("3"), 0);
	assert_int_equal(knotmap_knot_parse("3.4."), 0);
	assert_int_equal(knotmap_knot_parse("3.4.6.1"), 0);
	assert_int_equal(knotmap_knot_parse("3.4x"), 0);
	assert_int_equal(knotmap_knot_parse(""), 0);
	knotmap_knot_format(0x030406, buf, sizeof(buf));
	assert_string_equal(buf, "3.4.6");
	knotmap_knot_format(0x030400, buf, sizeof(buf));
	assert_string_equal(buf, "3.4");
}

static void test_row_verdicts_follow_the_target(void **state)
{
	const struct nsdconf_option *tls_port = nsdconf_option_slot(NSDCONF_CL_SERVER,
	                                                            NSDCONF_G_TLS_PORT);
	const struct nsdconf_option *staging = nsdconf_option_slot(NSDCONF_CL_SERVER,
	                                                           NSDCONF_G_COOKIE_STAGING_SECRET);
	const struct nsdconf_option *zonefile = nsdconf_option_slot(NSDCONF_CL_PATTERN,
	                                                            NSDCONF_P_ZONEFILE);

	assert_int_equal(knotmap_row_verdict(0x030206, tls_port).knot, tls_port->knot);
	assert_int_equal(knotmap_row_verdict(0x030400, tls_port).knot, NSDCONF_K_EXACT);
	assert_int_equal(knotmap_row_verdict(0x030401, staging).knot, NSDCONF_K_UNSUPPORTED);
	assert_int_equal(knotmap_row_verdict(0x030402, staging).knot, NSDCONF_K_EXACT);
	/* a row no knotd changed is the table's */
	assert_ptr_equal(knotmap_row_verdict(0x030506, zonefile).note, zonefile->knot_note);
}

static void test_notes_at_the_option_lines(void **state)
{
	const char *t;
	int i;

	locations = true;
	t = render_native("pattern:\n\tname: p\n\tzonefile: \"%s\"\n\tnotify-retry: 3\n"
	                  "zone:\n\tname: a.example\n\tinclude-pattern: p\n"
	                  "zone:\n\tname: b.example\n\tinclude-pattern: p\n"
	                  "zone:\n\tname: c.example\n\tzonefile: c\n\tnotify-retry: 4\n");
	/* The pattern's line, once for the two zones using it; c's own line too. */
	i = note_find("notify-retry", "count limit");
	assert_true(i >= 0);
	assert_int_equal(atoi(notes.line[i]), 4);
	assert_int_equal(count_notes("notify-retry"), 2);
	assert_has(t, "  # zone at ");
	assert_has(t, "nsd.conf:5\n  - domain: a.example\n");
	assert_has(t, "  # settings of zone a.example and every zone with the same\n");
	/* No location recorded (mod-nsd): the clause's line, as before. */
	locations = false;
	render("zone:\n\tname: a.example\n\tzonefile: a\n\tnotify-retry: 3\n");
	assert_int_equal(atoi(notes.line[note_find("notify-retry", "")]), 1);
}

static void test_values_knot_refuses(void **state)
{
	const char *t = render_native(
		"server:\n\tport: 70000\n\tipv6-edns-size: 8192\n"
		"key:\n\tname: k\n\tsecret: \"K2tf 3TRj vQkV CmJF 3/Z9 vA==\"\n"
		"zone:\n\tname: \"\"\n\tzonefile: x\n"
		"zone:\n\tname: a.example\n\tzonefile: a\n");

	/* NSD's base64 skips blanks, Knot's does not. */
	assert_has(t, "    secret: K2tf3TRjvQkVCmJF3/Z9vA==\n");
	assert_has(t, "    listen: [0.0.0.0@53, ::@53]\n");
	assert_true(note_find("port", "53 is used") >= 0);
	assert_has(t, "    udp-max-payload-ipv6: 4096\n");
	/* yparser reads an empty domain as a missing one: the zone is left out. */
	assert_lacks(t, "domain: \"\"");
	assert_true(note_find("name", "zone left out") >= 0);
}

/* knotc must accept what we write, and read back the values we meant. */
static int run(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static const char *knotc_path(void)
{
	static const char *const paths[] = { "/usr/sbin/knotc", "/usr/bin/knotc", "/usr/local/sbin/knotc" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	}
	return NULL;
}

#define RICH_CONF KEYS \
	"key:\n\tname: \"odd\\032key.\"\n\tsecret: \"c2VjcmV0c2VjcmV0c2VjcmV0\"\n" \
	"pattern:\n\tname: sec\n\tzonefile: \"sec/%s\"\n\trequest-xfr: 192.0.2.1@5300 k1\n" \
	"\trequest-xfr: AXFR 2001:db8::1 NOKEY\n\tallow-notify: 192.0.2.1 k1\n" \
	"\tallow-notify: 10.0.0.0/8 BLOCKED\n\toutgoing-interface: 2001:db8::53@5301\n" \
	"\tmax-refresh-time: 3600\n\tmin-refresh-time: 7200\n\tmin-expire-time: refresh+retry+1\n" \
	"pattern:\n\tname: prim\n\tzonefile: \"my zones/%s.zone\"\n" \
	"\tprovide-xfr: 192.0.2.0/24 NOKEY\n\tprovide-xfr: 192.0.2.7 BLOCKED\n" \
	"\tprovide-xfr: 198.51.100.1@5353 k2\n\tprovide-xfr: 10.1.0.0&255.255.0.255 NOKEY\n" \
	"\tprovide-xfr: 1.2.3.4-1.2.3.25 NOKEY\n\tprovide-xfr: 1.2.3.4-1.2.3.25 BLOCKED\n" \
	"\tprovide-xfr: 2001:db8::1-2001:db8::ff NOKEY\n\tprovide-xfr: ::/0 \"odd\\032key.\"\n" \
	"\tnotify: 192.0.2.2@5300 k2\n\tnotify: 2001:db8::2 NOKEY\n" \
	"\tstore-ixfr: yes\n\tcreate-ixfr: yes\n\tsize-limit-xfr: 1000000\n" \
	"zone:\n\tname: example.com\n\tinclude-pattern: prim\n" \
	"zone:\n\tname: example.net\n\tinclude-pattern: sec\n" \
	"zone:\n\tname: \"odd\\032name.example.\"\n\trequest-xfr: 192.0.2.1 NOKEY\n" \
	"zone:\n\tname: plain.example\n\tzonefile: plain.zone\n"

static void test_knotc_accepts_rendered_config(void **state)
{
	const char *knotc = knotc_path();
	struct knotmap_opts o = { .cwd = dir };
	char path[256], cmd[1024], *export;
	const char *t;
	FILE *f;
	long len;

	if (knotc == NULL) {
		skip();
		return;
	}
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/storage' '%s/run'", dir, dir);
	assert_int_equal(run(cmd), 0);

	/* The include, as mod-nsd keeps it, under an operator's knot.conf. */
	t = render_opts(RICH_CONF, &o);
	snprintf(path, sizeof(path), "%s/nsd.inc", dir);
	test_put(path, t);
	snprintf(path, sizeof(path), "%s/knot.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "server:\n    rundir: %s/run\n    listen: 127.0.0.1@53\n"
	        "database:\n    storage: %s/storage\n"
	        "template:\n  - id: default\n    storage: %s/storage\n"
	        "include: %s/nsd.inc\n", dir, dir, dir, dir);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' conf-check >'%s/check.out' 2>&1", knotc, path, dir);
	if (run(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/check.out' >&2", dir);
		(void)run(cmd);
		fail_msg("knotc conf-check rejected the include:\n%s", t);
	}

	/* Knot reads back what was meant: paths with blanks, escaped names, ranges. */
	snprintf(cmd, sizeof(cmd), "%s -c '%s' conf-export '%s/export.conf' >/dev/null 2>&1",
	         knotc, path, dir);
	assert_int_equal(run(cmd), 0);
	snprintf(path, sizeof(path), "%s/export.conf", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	export = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(export, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	assert_has(export, "    file: \"/etc/nsd/my zones/example.com.zone\"");
	assert_has(export, "  - id: \"odd\\032key.\"");
	assert_has(export, "  - domain: \"odd\\032name.example.\"");
	/* NSD's little-endian words widen 2001:db8::1-2001:db8::ff to this: */
	assert_has(export, "\"2001:db8::1-2001:db8::ffff:fffe\"");
	/* ... while knotd reads IPv4 ranges as NSD does. */
	assert_has(export, "\"1.2.3.4-1.2.3.25\"");
	assert_has(export, "    via: \"2001:db8::53@5301\"");
	assert_has(export, "    refresh-min-interval: \"3600\"");
	free(export);

	/* The include with mod-nsd's self NOTIFY key and remote. */
	struct knotmap_self_notify self = { "127.0.0.1@53",
	                                    "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=" };
	o.self_notify = &self;
	t = render_opts(RICH_CONF, &o);
	o.self_notify = NULL;
	assert_has(t, "notify: [mod-nsd-self]");
	snprintf(path, sizeof(path), "%s/nsd.inc", dir);
	test_put(path, t);
	snprintf(path, sizeof(path), "%s/knot.conf", dir);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' conf-check >'%s/check.out' 2>&1", knotc, path, dir);
	if (run(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/check.out' >&2", dir);
		(void)run(cmd);
		fail_msg("knotc conf-check rejected the self-NOTIFY include:\n%s", t);
	}

	/* The complete configuration convert writes. */
	o.full = true;
	o.storage = NULL;
	t = render_opts(RICH_CONF, &o);
	snprintf(path, sizeof(path), "%s/full.conf", dir);
	test_put(path, t);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' conf-check >'%s/check.out' 2>&1", knotc, path, dir);
	if (run(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/check.out' >&2", dir);
		(void)run(cmd);
		fail_msg("knotc conf-check rejected the full configuration:\n%s", t);
	}
}

/* strmap over the model's index: a slot stays where it is while the map grows (callers
 * fill it in after the lookup), keys are copied, and a lookup creates nothing. */
static void test_strmap_slots_stay_put_as_it_grows(void **state)
{
	struct knotmap_ctx c = { .arena = nsdconf_arena_new() };
	struct strmap *m = strmap_new(&c);
	void **first;
	char key[32];
	bool created;

	(void)state;
	assert_non_null(m);
	assert_null(strmap_get(m, "k0", 2));
	first = strmap_slot(m, "k0", 2, &created);
	assert_true(created);
	assert_null(*first);
	*first = (void *)"zero";
	for (int i = 1; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		*strmap_slot(m, key, strlen(key), &created) = (void *)(intptr_t)i;
		assert_true(created);
		key[0] = 'x';   /* the map holds its own copy */
	}
	assert_ptr_equal(strmap_slot(m, "k0", 2, &created), first);
	assert_false(created);
	assert_string_equal(*first, "zero");
	assert_int_equal((intptr_t)strmap_get(m, "k4999", 5), 4999);
	assert_null(strmap_get(m, "x1", 2));
	assert_null(strmap_get(m, "k5000", 5));
	assert_int_equal(c.err, 0);
	strmap_free_all(&c);
	assert_null(c.maps);
	nsdconf_arena_free(c.arena);
}

/* NSD's catalogs (4.9+): the consumer an interpreted catalog whose templates are the
 * patterns a member can get, named as the patterns (catalog-member-pattern first), each
 * with the comment the gate reads back, its zonefile in Knot's per-zone format and its
 * real NOTIFY targets; the producer a generated catalog, an addzone'd zone of a producer
 * pattern its member with the pattern as group; knotc takes all of it. */
#define CATALOG_CONF \
	"pattern:\n\tname: mem\n\tzonefile: \"m/%1/%z/%s.zone%\"\n\trequest-xfr: 192.0.2.1 NOKEY\n" \
	"\tallow-notify: 192.0.2.1 NOKEY\n\tprovide-xfr: 192.0.2.7 NOKEY\n\tnotify: 192.0.2.8 NOKEY\n" \
	"pattern:\n\tname: gold\n\trequest-xfr: 192.0.2.2 NOKEY\n" \
	"pattern:\n\tname: produced\n\tzonefile: \"%s.zone\"\n" \
	"\tcatalog-producer-zone: catalog.example\n\tprovide-xfr: 192.0.2.9 NOKEY\n" \
	"zone:\n\tname: consumed.example\n\tcatalog: consumer\n\tcatalog-member-pattern: mem\n" \
	"\trequest-xfr: 192.0.2.1 NOKEY\n" \
	"zone:\n\tname: catalog.example\n\tcatalog: producer\n\tzonefile: cat.zone\n" \
	"\tnotify: 192.0.2.9 NOKEY\n"

static void test_catalogs(void **state)
{
	struct knotmap_self_notify self = { "127.0.0.1@53",
	                                    "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=" };
	struct knotmap_opts o = { .cwd = dir, .self_notify = &self };
	char path[256], cmd[1024];

	snprintf(path, sizeof(path), "%s/zone.list", dir);
	test_put(path, "# NSD zone list\n# name pattern\ncat a.example produced 30acf942\n");
	const char *t = render_opts("server:\n\tzonesdir: /srv/nsd\n" CATALOG_CONF, &o);

	assert_has(t, "  - id: mem\n    comment: \"" KNOTMAP_MEMBER_COMMENT "mem\"\n"
	              "    file: \"/srv/nsd/m/%c[0]/%l[0]/%s.zone%%\"\n"
	              "    master: [nsd-192.0.2.1@53]\n    notify: [nsd-192.0.2.8@53]\n");
	assert_has(t, "  - id: gold\n    comment: \"" KNOTMAP_MEMBER_COMMENT "gold\"\n");
	/* a producer's member pattern is no member template */
	assert_lacks(t, "  - id: produced\n");
	assert_has(t, "    catalog-role: interpret\n    catalog-template: [mem, gold]\n");
	assert_has(t, "    catalog-role: generate\n    serial-policy: unixtime\n"
	              "    notify: [mod-nsd-self]\n");
	assert_has(t, "    catalog-role: member\n    catalog-zone: catalog.example\n"
	              "    catalog-group: produced\n");
	assert_lacks(t, "cat.zone");
	int i = note_find("catalog-member-pattern", "this pattern first");
	assert_true(i >= 0);
	assert_int_equal(notes.verdict[i], NSDCONF_K_EXACT);
	assert_true(note_find("zonefile", "journal, this file is not written") >= 0);

	/* knotd 3.2 and the knotc here take it */
	const char *knotc = knotc_path();
	if (knotc != NULL) {
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s/storage' '%s/run'", dir, dir);
		assert_int_equal(run(cmd), 0);
		snprintf(path, sizeof(path), "%s/nsd.inc", dir);
		test_put(path, t);
		snprintf(path, sizeof(path), "%s/knot.conf", dir);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "server:\n    rundir: %s/run\n    listen: 127.0.0.1@53\n"
		        "database:\n    storage: %s/storage\n"
		        "include: %s/nsd.inc\n", dir, dir, dir);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "%s -c '%s' conf-check >'%s/check.out' 2>&1", knotc,
		         path, dir);
		if (run(cmd) != 0) {
			snprintf(cmd, sizeof(cmd), "cat '%s/check.out' >&2", dir);
			(void)run(cmd);
			fail_msg("knotc conf-check rejected the catalogs:\n%s", t);
		}
	}

	/* two consumers: NSD processes neither, knotd interprets neither */
	t = render_opts(CATALOG_CONF "zone:\n\tname: second.example\n\tcatalog: consumer\n"
	                "\trequest-xfr: 192.0.2.1 NOKEY\n", &o);
	assert_lacks(t, "interpret");
	assert_lacks(t, "  - id: mem\n");
	assert_true(note_find("catalog", "more than one zone is a consumer") >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_blocked_rules_come_first, reset),
		cmocka_unit_test_teardown(test_nokey_and_key_rules, reset),
		cmocka_unit_test_teardown(test_signed_query_rule_leads_every_zone, reset),
		cmocka_unit_test_teardown(test_port_and_mask_widen_and_report, reset),
		cmocka_unit_test_teardown(test_blocked_never_widens, reset),
		cmocka_unit_test_teardown(test_range_exact_only_when_nsd_agrees, reset),
		cmocka_unit_test(test_range_intervals_agree_with_nsd_matcher),
		cmocka_unit_test_teardown(test_template_shared_by_pattern, reset),
		cmocka_unit_test_teardown(test_master_and_notify_remotes, reset),
		cmocka_unit_test_teardown(test_quiet_primary_without_notify, reset),
		cmocka_unit_test_teardown(test_one_second_zonefiles_write_is_immediate, reset),
		cmocka_unit_test_teardown(test_zonefile_paths_absolute, reset),
		cmocka_unit_test_teardown(test_primary_journal_follows_store_ixfr, reset),
		cmocka_unit_test_teardown(test_refresh_retry_expire_clamps, reset),
		cmocka_unit_test_teardown(test_report_follows_option_table, reset),
		cmocka_unit_test_teardown(test_values_quoted_for_yparser, reset),
		cmocka_unit_test_teardown(test_native_allow_query_unsigned_by_queryacl, reset),
		cmocka_unit_test_teardown(test_native_allow_query_key_entry_flagged, reset),
		cmocka_unit_test_teardown(test_native_allow_query_nobody, reset),
		cmocka_unit_test_teardown(test_include_keeps_allow_query_for_mod_nsd, reset),
		cmocka_unit_test_teardown(test_module_mode_sections, reset),
		cmocka_unit_test_teardown(test_rrl_follows_nsd_default, reset),
		cmocka_unit_test_teardown(test_cookies_with_secret, reset),
		cmocka_unit_test_teardown(test_notes_at_the_option_lines, reset),
		cmocka_unit_test_teardown(test_values_knot_refuses, reset),
		cmocka_unit_test_teardown(test_output_deterministic, reset),
		cmocka_unit_test_teardown(test_rrl_3_4_limits_each_address, reset),
		cmocka_unit_test_teardown(test_rrl_3_4_report_per_address, reset),
		cmocka_unit_test_teardown(test_rrl_3_4_huge_rate_within_knot_limits, reset),
		cmocka_unit_test_teardown(test_cookies_staging_secret_from_3_4_2, reset),
		cmocka_unit_test_teardown(test_cookies_secret_file_from_3_4_2, reset),
		cmocka_unit_test_teardown(test_cookies_secret_file_relative_to_zonesdir, reset),
		cmocka_unit_test_teardown(test_cookies_default_secret_file, reset),
		cmocka_unit_test_teardown(test_xot_3_2_writes_no_tls, reset),
		cmocka_unit_test_teardown(test_xot_3_4_tls_without_names, reset),
		cmocka_unit_test_teardown(test_xot_3_5_checks_names, reset),
		cmocka_unit_test_teardown(test_xot_3_5_with_mod_nsd_leaves_client_names_to_the_gate, reset),
		cmocka_unit_test_teardown(test_xot_3_5_without_bundle_trusts_the_system_cas, reset),
		cmocka_unit_test_teardown(test_xfr_only_holds_plain_transfers_to_tls, reset),
		cmocka_unit_test_teardown(test_xfr_only_enforced_by_mod_nsd_in_include, reset),
		cmocka_unit_test_teardown(test_knot_version_outside_3_2_to_3_5_refused, reset),
		cmocka_unit_test_teardown(test_knot_version_default_is_the_build, reset),
		cmocka_unit_test(test_knot_version_text),
		cmocka_unit_test(test_row_verdicts_follow_the_target),
		cmocka_unit_test_teardown(test_full_config_server_part, reset),
		cmocka_unit_test_teardown(test_knotc_accepts_rendered_config, reset),
		cmocka_unit_test_teardown(test_catalogs, reset),
		cmocka_unit_test(test_strmap_slots_stay_put_as_it_grows),
		cmocka_unit_test_teardown(test_self_notify_remote, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
