/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every parse-time error message of NSD 4.6.1, one small nsd.conf each; the expected
 * first line was captured from Debian's nsd-checkconf on the same text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/model.h"

static const struct {
	const char *conf;
	const char *first_message;
} cases[] = {
	{ "server:\n verbosity: x\n",
	  "t.conf:2: error: expected a number" },
	{ "server:\n hide-version: maybe\n",
	  "t.conf:2: error: expected yes or no" },
	{ "server:\n server-count: 0\n",
	  "t.conf:2: error: expected a number greater than zero" },
	{ "server:\n rrl-ipv4-prefix-length: 33\n",
	  "t.conf:2: error: invalid IPv4 prefix length" },
	{ "server:\n rrl-ipv6-prefix-length: 65\n",
	  "t.conf:2: error: invalid IPv6 prefix length" },
	{ "server:\n nsid: abc\n",
	  "t.conf:2: error: the NSID must be a hex string of an even length." },
	{ "server:\n nsid: zz\n",
	  "t.conf:2: error: hex string cannot be parsed in NSID." },
	{ "remote-control:\n control-port: 0\n",
	  "t.conf:2: error: control port number expected" },
	{ "server:\n cpu-affinity: 1 x\n",
	  "t.conf:2: error: expected a positive number" },
	{ "server:\n ip-address: 1.2.3.4 servers=\"1-x\"\n",
	  "t.conf:2: error: invalid server range '1-x'" },
	{ "key:\n algorithm: sha256\n secret: \"AAAA\"\nzone:\n",
	  "t.conf:4: error: tsig key has no name" },
	{ "key:\n name: k\nzone:\n",
	  "t.conf:3: error: tsig key k has no secret blob" },
	{ "key:\n name: k\n secret: \"AAAA\"\nkey:\n name: k\n secret: \"AAAA\"\n",
	  "t.conf:7: error: duplicate tsig key k" },
	{ "key:\n name: a..b\n secret: \"AAAA\"\n",
	  "t.conf:2: error: bad tsig key name a..b" },
	{ "key:\n name: k\n algorithm: sha999\n secret: \"AAAA\"\n",
	  "t.conf:3: error: bad tsig key algorithm sha999" },
	{ "key:\n name: k\n secret: \"!!!\"\n",
	  "t.conf:3: error: cannot base64 decode tsig secret k" },
	{ "tls-auth:\n auth-domain-name: x\n",
	  "t.conf:3: error: tls-auth has no name" },
	{ "tls-auth:\n name: t\n",
	  "t.conf:3: error: tls-auth t has no auth-domain-name" },
	{ "zone:\n zonefile: x\n",
	  "t.conf:3: error: zone has no name" },
	{ "zone:\n name: a.\n zonefile: x\nzone:\n name: A\n zonefile: y\n",
	  "t.conf:7: error: duplicate zone A" },
	{ "pattern:\n zonefile: x\n",
	  "t.conf:3: error: pattern has no name" },
	{ "pattern:\n name: \"a b\"\n",
	  "t.conf:2: error: space is not allowed in pattern name: 'a b'" },
	{ "pattern:\n name: p\npattern:\n name: p\n",
	  "t.conf:5: error: duplicate pattern p" },
	{ "zone:\n name: a.\n include-pattern: nope\n",
	  "t.conf:3: error: could not find pattern nope" },
	{ "zone:\n name: a.\n size-limit-xfr: 0\n",
	  "t.conf:3: error: expected a number greater than zero" },
	{ "zone:\n name: a.\n min-expire-time: soon\n",
	  "t.conf:3: error: expected an expire time in seconds or \"refresh+retry+1\"" },
	{ "zone:\n name: a.\n notify: 1.2.3.0/24 NOKEY\n",
	  "t.conf:3: error: address range used for notify" },
	{ "zone:\n name: a.\n notify: 1.2.3.4 BLOCKED\n",
	  "t.conf:3: error: blocked address used for notify" },
	{ "zone:\n name: a.\n request-xfr: 1.2.3.4-1.2.3.5 NOKEY\n",
	  "t.conf:3: error: address range used for request-xfr" },
	{ "zone:\n name: a.\n provide-xfr: 1.2.3 NOKEY\n",
	  "t.conf:3: error: Bad ip4 address '1.2.3'" },
	{ "zone:\n name: a.\n provide-xfr: ::g NOKEY\n",
	  "t.conf:3: error: Bad ip6 address '::g'" },
	{ "zone:\n name: a.\n provide-xfr: 1.2.3.4&255.0 NOKEY\n",
	  "t.conf:3: error: Bad ip4 address mask '255.0'" },
	{ "zone:\n name: a.\n provide-xfr: ::1&::g NOKEY\n",
	  "t.conf:3: error: Bad ip6 address mask '::g'" },
	{ "zone:\n name: a.\n provide-xfr: 1.2.3.4/x NOKEY\n",
	  "t.conf:3: error: bad subnet range 'x'" },
	{ "zone:\n name: a.\n provide-xfr: 1.2.3.4/33 NOKEY\n",
	  "t.conf:3: error: subnet of 33 bits out of range [0..32]" },
	{ "zone:\n name: a.\n provide-xfr: 1.2.3.4@x NOKEY\n",
	  "t.conf:3: error: expected port number after '@'" },
	{ "zone:\n name: a.\n provide-xfr: 1.2.3.4 nokey\n",
	  "t.conf:4: error: key nokey in pattern _implicit_a. could not be found" },
	{ "zone:\n name: a.\n request-xfr: 1.2.3.4 NOKEY tls\n",
	  "t.conf:4: error: tls_auth tls in pattern _implicit_a. could not be found" },
	{ "include: \"\"\n",
	  "t.conf:1: error: empty include file name" },
	{ "include: \"/nonexistent/file.conf\"\n",
	  "t.conf:1: error: cannot open include file '/nonexistent/file.conf': No such file or directory" },
	{ "bogus:\n",
	  "t.conf:1: at 'bogus:': error: syntax error" },
};

static char first[1024];

static void keep_first(void *ctx, const char *line)
{
	(void)ctx;
	if (first[0] == '\0') {
		snprintf(first, sizeof(first), "%s", line);
	}
}

static void test_each_error_message_matches_nsd(void **state)
{
	char dir[] = "/tmp/test-messages-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);   /* messages name the file as given: t.conf */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen("t.conf", "w");
		assert_non_null(f);
		fputs(cases[i].conf, f);
		fclose(f);
		first[0] = '\0';
		struct nsdconf_diag d = { .sink = keep_first };
		struct nsdconf_parse_opts o = { .max_version = 461 };
		struct nsdconf_model *m = nsdconf_parse_file("t.conf", &o, &d);
		assert_non_null(m);
		if (strcmp(first, cases[i].first_message) != 0) {
			print_error("case %zu: got '%s', want '%s'\n", i + 1, first,
			            cases[i].first_message);
			fail();
		}
		assert_true(d.errors > 0);
		nsdconf_model_free(m);
	}
	unlink("t.conf");
	assert_int_equal(chdir("/"), 0);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_error_message_matches_nsd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
