/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark: access-gate decision time for a 10-entry and a 10 000-entry provide-xfr list. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libknot/libknot.h>

#include "conf/model.h"
#include "mod/gate.h"

#define REQUESTS	4096     /* distinct requests, cycled */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A list shaped like a big real one: mostly secondaries' single addresses and a few
 * networks, NOKEY or a key, a handful of BLOCKED entries, a few ports and ranges. */
static void write_list(FILE *f, const char *zone, unsigned n)
{
	fprintf(f, "zone:\n\tname: %s\n", zone);
	for (unsigned i = 0; i < n; i++) {
		unsigned form = rnd(100);
		const char *key = rnd(3) == 0 ? "k1" : "NOKEY";
		unsigned a = rnd(256), b = rnd(256), c = 1 + rnd(254);

		if (form < 2)
			key = "BLOCKED";
		if (form < 70)
			fprintf(f, "\tprovide-xfr: 10.%u.%u.%u %s\n", a, b, c, key);
		else if (form < 82)
			fprintf(f, "\tprovide-xfr: 10.%u.%u.0/24 %s\n", a, b, key);
		else if (form < 86)
			fprintf(f, "\tprovide-xfr: 10.%u.%u.%u@5300 %s\n", a, b, c, key);
		else if (form < 90)
			fprintf(f, "\tprovide-xfr: 10.%u.%u.%u-10.%u.%u.%u %s\n", a, b, c, a, b,
			        c + (254 - c) / 2, key);
		else
			fprintf(f, "\tprovide-xfr: 2001:db8:%x::%x %s\n", a, c, key);
	}
}

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

typedef struct gate_verdict (*check_f)(const struct gate_acl *, const struct gate_request *);

static struct gate_verdict zone_check(const struct gate *g, const uint8_t *zone,
                                      const struct gate_request *r)
{
	return gate_check(gate_zone_find(g, zone), GATE_AXFR, r);
}

int main(int argc, char **argv)
{
	unsigned iters = 2000000;
	if (argc > 1 && strcmp(argv[1], "--smoke") == 0)
		iters = 20000;

	char dir[] = "/tmp/gate-micro-XXXXXX", path[64];
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/nsd.conf", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return 2;
	fputs("key:\n\tname: k1\n\talgorithm: hmac-sha256\n"
	      "\tsecret: \"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\"\n", f);
	write_list(f, "small.test", 10);
	write_list(f, "big.test", 10000);
	fclose(f);

	struct nsdconf_diag diag = { 0 };
	struct nsdconf_model *m = nsdconf_parse_file(path,
		&(struct nsdconf_parse_opts){ .max_version = 4150 }, &diag);
	unlink(path);
	rmdir(dir);
	if (m == NULL || diag.errors > 0) {
		fprintf(stderr, "gate-micro: the generated nsd.conf does not parse\n");
		return 1;
	}
	double t0 = now_ns();
	struct gate *g = gate_build(m, NULL);
	double build_ms = (now_ns() - t0) / 1e6;
	nsdconf_model_free(m);

	/* requests: from the entries' neighbourhood (a quarter hit something) */
	static struct sockaddr_storage src[REQUESTS];
	static struct gate_request req[REQUESTS];
	const struct gate_key *k1 = gate_key_at(g, 0);
	for (unsigned i = 0; i < REQUESTS; i++) {
		char a[64];
		if (rnd(10) == 0)
			snprintf(a, sizeof(a), "2001:db8:%x::%x", rnd(256), 1 + rnd(254));
		else
			snprintf(a, sizeof(a), "10.%u.%u.%u", rnd(256), rnd(256), 1 + rnd(254));
		memset(&src[i], 0, sizeof(src[i]));
		if (strchr(a, ':') != NULL) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&src[i];
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons(40000 + rnd(1000));
			inet_pton(AF_INET6, a, &in6->sin6_addr);
		} else {
			struct sockaddr_in *in = (struct sockaddr_in *)&src[i];
			in->sin_family = AF_INET;
			in->sin_port = htons(rnd(4) == 0 ? 5300 : 40000 + rnd(1000));
			inet_pton(AF_INET, a, &in->sin_addr);
		}
		req[i] = (struct gate_request){ .src = &src[i], .key = -1 };
		if (rnd(3) == 0) {
			req[i].tsig = GATE_TSIG_OK;
			req[i].key = k1->id;
			req[i].alg = NSDCONF_TSIG_ALG_SHA256;
		}
	}

	printf("gate-micro: %u decisions per list, %u distinct requests; build %.1f ms\n",
	       iters, REQUESTS, build_ms);
	const char *zones[] = { "small.test", "big.test" };
	for (int z = 0; z < 2; z++) {
		knot_dname_storage_t dname;
		knot_dname_from_str(dname, zones[z], sizeof(dname));
		const struct gate_acl *l = gate_zone_acl(gate_zone_find(g, dname), GATE_AXFR);
		struct {
			const char *what;
			check_f fn;
		} ways[] = {
			{ gate_acl_indexed(l) ? "indexed" : "walked", gate_acl_check },
			{ "NSD's walk", gate_acl_check_linear },
		};
		for (int w = 0; w < 2; w++) {
			if (w == 1 && !gate_acl_indexed(l))
				break;
			/* the walk of 10 000 entries is slow: fewer rounds, same per decision */
			unsigned n = w == 1 ? iters / 100 : iters;
			unsigned allowed = 0;
			t0 = now_ns();
			for (unsigned i = 0; i < n; i++)
				allowed += ways[w].fn(l, &req[i % REQUESTS]).allow;
			double ns = (now_ns() - t0) / n;
			printf("  %-10s %5zu entries, %-10s %8.1f ns/decision (%.0f%% allowed)\n",
			       zones[z], gate_acl_size(l), ways[w].what, ns, 100.0 * allowed / n);
		}
		/* what the hook does: zone look-up by name, then the list */
		unsigned allowed = 0;
		t0 = now_ns();
		for (unsigned i = 0; i < iters; i++)
			allowed += zone_check(g, dname, &req[i % REQUESTS]).allow;
		printf("  %-10s %5zu entries, %-10s %8.1f ns/decision\n", zones[z],
		       gate_acl_size(l), "+zone find", (now_ns() - t0) / iters);
	}
	gate_free(g);
	return 0;
}
