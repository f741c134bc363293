/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's statistics text (remote.c print_stats, print_stat_block) from knot-nsd's counters. */
#include <inttypes.h>
#include <stdio.h>

#include "ctl/ctl_stats.h"

/* The releases that renamed things (release.h numbering). */
#define REL_4_9 490    /* zone.primary / zone.secondary printed too */
#define REL_4_12 4120  /* more RR types known by name */

/* The RR types NSD knows by name below 256: NSD prints each one even when 0 and the
 * others ("TYPEn") only when not 0. Read off 'nsd-control stats_noreset' of NSD 4.6.1
 * and 4.12.0 (doc/studies/control-answers.md); since: the release that named it. */
static const struct {
	uint8_t type;
	const char *name;
	int since;
} type_names[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" }, { 6, "SOA" },
	{ 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" }, { 11, "WKS" }, { 12, "PTR" },
	{ 13, "HINFO" }, { 14, "MINFO" }, { 15, "MX" }, { 16, "TXT" }, { 17, "RP" },
	{ 18, "AFSDB" }, { 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 23, "NSAP-PTR", REL_4_12 }, { 24, "SIG" }, { 25, "KEY" }, { 26, "PX" },
	{ 27, "GPOS", REL_4_12 }, { 28, "AAAA" }, { 29, "LOC" }, { 30, "NXT" },
	{ 31, "EID", REL_4_12 }, { 32, "NIMLOC", REL_4_12 }, { 33, "SRV" },
	{ 34, "ATMA", REL_4_12 }, { 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" },
	{ 39, "DNAME" }, { 40, "SINK", REL_4_12 }, { 41, "OPT" }, { 42, "APL" }, { 43, "DS" },
	{ 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" },
	{ 49, "DHCID" }, { 50, "NSEC3" }, { 51, "NSEC3PARAM" }, { 52, "TLSA" },
	{ 53, "SMIMEA" }, { 55, "HIP", REL_4_12 }, { 56, "NINFO", REL_4_12 },
	{ 57, "RKEY", REL_4_12 }, { 58, "TALINK", REL_4_12 }, { 59, "CDS" }, { 60, "CDNSKEY" },
	{ 61, "OPENPGPKEY" }, { 62, "CSYNC" }, { 63, "ZONEMD" }, { 64, "SVCB" },
	{ 65, "HTTPS" }, { 66, "DSYNC", REL_4_12 }, { 99, "SPF" }, { 104, "NID" },
	{ 105, "L32" }, { 106, "L64" }, { 107, "LP" }, { 108, "EUI48" }, { 109, "EUI64" },
};

static const char *type_name(unsigned t, int release)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (type_names[i].type == t) {
			return release >= type_names[i].since ? type_names[i].name : NULL;
		}
	}
	return NULL;
}

static const char *const opcode_names[6] = { "QUERY", "IQUERY", "STATUS", "OTHER", "NOTIFY",
                                             "UPDATE" };
static const char *const class_names[4] = { "CLASS0", "IN", "CS", "CH" };
static const char *const rcode_names[17] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14",
	"RCODE15", "BADVERS"
};

#define FIELDS(X) X(edns) X(ednserr) X(udp) X(udp6) X(tcp) X(tcp6) X(tls) X(tls6) \
	X(nona) X(rxerr) X(txerr) X(raxfr) X(rixfr) X(truncated) X(dropped)

#define N(a) (sizeof(a) / sizeof((a)[0]))

void ctl_stats_add(struct ctl_stats *a, const struct ctl_stats *b)
{
	for (size_t i = 0; i < N(a->qtype); i++) a->qtype[i] += b->qtype[i];
	for (size_t i = 0; i < N(a->qclass); i++) a->qclass[i] += b->qclass[i];
	for (size_t i = 0; i < N(a->opcode); i++) a->opcode[i] += b->opcode[i];
	for (size_t i = 0; i < N(a->rcode); i++) a->rcode[i] += b->rcode[i];
#define ADD(f) a->f += b->f;
	FIELDS(ADD)
#undef ADD
}

void ctl_stats_sub(struct ctl_stats *a, const struct ctl_stats *b)
{
	for (size_t i = 0; i < N(a->qtype); i++) a->qtype[i] -= b->qtype[i];
	for (size_t i = 0; i < N(a->qclass); i++) a->qclass[i] -= b->qclass[i];
	for (size_t i = 0; i < N(a->opcode); i++) a->opcode[i] -= b->opcode[i];
	for (size_t i = 0; i < N(a->rcode); i++) a->rcode[i] -= b->rcode[i];
#define SUB(f) a->f -= b->f;
	FIELDS(SUB)
#undef SUB
}

uint64_t ctl_stats_queries(const struct ctl_stats *s)
{
	return s->udp + s->udp6 + s->tcp + s->tcp6 + s->tls + s->tls6;
}

/* print_stat_block with inhibit_zero, as NSD always runs it. */
static void print_block(struct ctl_out *o, const struct ctl_stats *st, int release)
{
	for (unsigned i = 0; i <= 255; i++) {
		const char *name = type_name(i, release);
		if (name != NULL) {
			ctl_out_printf(o, "num.type.%s=%" PRIu64 "\n", name, st->qtype[i]);
		} else if (st->qtype[i] != 0) {
			ctl_out_printf(o, "num.type.TYPE%u=%" PRIu64 "\n", i, st->qtype[i]);
		}
	}
	for (size_t i = 0; i < N(st->opcode); i++) {
		if (st->opcode[i] != 0 || i == 0) {
			ctl_out_printf(o, "num.opcode.%s=%" PRIu64 "\n", opcode_names[i],
			               st->opcode[i]);
		}
	}
	for (size_t i = 0; i < N(st->qclass); i++) {
		if (st->qclass[i] != 0 || i == 1) {
			ctl_out_printf(o, "num.class.%s=%" PRIu64 "\n", class_names[i],
			               st->qclass[i]);
		}
	}
	for (size_t i = 0; i < N(st->rcode); i++) {
		if (st->rcode[i] != 0 || i <= 6) {   /* NSD prints up to YXDOMAIN always */
			ctl_out_printf(o, "num.rcode.%s=%" PRIu64 "\n", rcode_names[i],
			               st->rcode[i]);
		}
	}
	ctl_out_printf(o, "num.edns=%" PRIu64 "\nnum.ednserr=%" PRIu64 "\n", st->edns,
	               st->ednserr);
	ctl_out_printf(o, "num.udp=%" PRIu64 "\nnum.udp6=%" PRIu64 "\nnum.tcp=%" PRIu64 "\n"
	               "num.tcp6=%" PRIu64 "\nnum.tls=%" PRIu64 "\nnum.tls6=%" PRIu64 "\n",
	               st->udp, st->udp6, st->tcp, st->tcp6, st->tls, st->tls6);
	ctl_out_printf(o, "num.answer_wo_aa=%" PRIu64 "\nnum.rxerr=%" PRIu64 "\n"
	               "num.txerr=%" PRIu64 "\nnum.raxfr=%" PRIu64 "\nnum.rixfr=%" PRIu64 "\n"
	               "num.truncated=%" PRIu64 "\nnum.dropped=%" PRIu64 "\n", st->nona,
	               st->rxerr, st->txerr, st->raxfr, st->rixfr, st->truncated, st->dropped);
}

void ctl_stats_print(struct ctl_out *o, const struct ctl_stats_report *r)
{
	uint64_t total = 0;
	for (size_t i = 0; i < r->n_servers; i++) {
		ctl_out_printf(o, "server%zu.queries=%" PRIu64 "\n", i, r->server_queries[i]);
		total += r->server_queries[i];
	}
	ctl_out_printf(o, "num.queries=%" PRIu64 "\n", total);
	ctl_out_printf(o, "time.boot=%lu.%6.6lu\ntime.elapsed=%lu.%6.6lu\n",
	               (unsigned long)r->boot.tv_sec, (unsigned long)(r->boot.tv_nsec / 1000),
	               (unsigned long)r->elapsed.tv_sec,
	               (unsigned long)(r->elapsed.tv_nsec / 1000));
	/* NSD's memory figures have no counterpart in knotd: 0 (doc/mod-nsd.md) */
	ctl_out_printf(o, "size.db.disk=0\nsize.db.mem=0\nsize.xfrd.mem=0\n"
	               "size.config.disk=%" PRIu64 "\nsize.config.mem=0\n", r->config_disk);
	print_block(o, r->st, r->release);
	size_t primaries = r->zones - r->secondaries;
	if (r->release >= REL_4_9) {
		ctl_out_printf(o, "zone.primary=%zu\nzone.secondary=%zu\n", primaries,
		               r->secondaries);
	}
	ctl_out_printf(o, "zone.master=%zu\nzone.slave=%zu\n", primaries, r->secondaries);
}
