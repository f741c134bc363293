/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's statistics (BIND8_STATS): the counters of one server, and print_stats' text. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ctl/ctl_out.h"

/* NSD's struct nsdst, the counters knot-nsd has a source for. Indexes as NSD folds them:
 * a value past the last index counts in the last one (qtype 256: every type above 255;
 * qclass 3: CH and above; opcode 5: UPDATE and above; rcode 16: BADVERS and above). */
struct ctl_stats {
	uint64_t qtype[257], qclass[4], opcode[6], rcode[17];
	uint64_t edns, ednserr, udp, udp6, tcp, tcp6, tls, tls6;
	uint64_t nona, rxerr, txerr, raxfr, rixfr, truncated, dropped;
};

/* a += b, a -= b (NSD subtracts the counters it printed at the last 'stats'). */
void ctl_stats_add(struct ctl_stats *a, const struct ctl_stats *b);
void ctl_stats_sub(struct ctl_stats *a, const struct ctl_stats *b);
/* The queries received: UDP, TCP and TLS, both families (NSD's per-zone num.queries). */
uint64_t ctl_stats_queries(const struct ctl_stats *s);

/* What print_stats prints besides the counters. */
struct ctl_stats_report {
	int release;                    /* release.h's number (461, 4120): key names and order */
	const struct ctl_stats *st;
	const uint64_t *server_queries; /* n_servers values (serverN.queries) */
	size_t n_servers;
	struct timespec boot, elapsed;  /* since start, since the last 'stats' */
	uint64_t config_disk;           /* the zonelist file's size (size.config.disk) */
	size_t zones, secondaries;      /* zone.master = zones - secondaries */
};

/* NSD's answer to stats/stats_noreset: key=value lines in print_stats' order. */
void ctl_stats_print(struct ctl_out *o, const struct ctl_stats_report *r);
