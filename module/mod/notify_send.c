/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY and SOA messages with libknot: build, TSIG-sign, recognise and verify answers. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mod/notify_send.h"

static int build(struct notify_msg *m, const knot_dname_t *zone, uint16_t id, bool notify,
                 const knot_rrset_t *soa)
{
	memset(m, 0, sizeof(*m));
	/* libknot writes into a buffer of its own: one handed to knot_pkt_new is taken
	 * as a received message to parse. */
	knot_pkt_t *pkt = knot_pkt_new(NULL, sizeof(m->wire), NULL);
	if (pkt == NULL) {
		return KNOT_ENOMEM;
	}

	knot_wire_set_id(pkt->wire, id);
	int ret = knot_pkt_put_question(pkt, zone, KNOT_CLASS_IN, KNOT_RRTYPE_SOA);
	if (ret == KNOT_EOK && notify) {
		knot_wire_set_opcode(pkt->wire, KNOT_OPCODE_NOTIFY);
		knot_wire_set_aa(pkt->wire);
		/* NSD treats serial 0 as "unknown" and leaves the SOA out. */
		if (soa != NULL && soa->type == KNOT_RRTYPE_SOA && soa->rrs.count > 0 &&
		    knot_soa_serial(soa->rrs.rdata) != 0) {
			ret = knot_pkt_begin(pkt, KNOT_ANSWER);
			if (ret == KNOT_EOK) {
				ret = knot_pkt_put(pkt, KNOT_COMPR_HINT_QNAME, soa, 0);
			}
		}
	}
	if (ret == KNOT_EOK) {
		memcpy(m->wire, pkt->wire, pkt->size);
		m->len = pkt->size;
		m->id = id;
	}
	knot_pkt_free(pkt);
	return ret;
}

int notify_build(struct notify_msg *m, const knot_dname_t *zone, const knot_rrset_t *soa,
                 const knot_tsig_key_t *key, uint16_t id)
{
	int ret = build(m, zone, id, true, soa);
	if (ret != KNOT_EOK || key == NULL) {
		return ret;
	}

	m->mac_len = sizeof(m->mac);
	ret = knot_tsig_sign(m->wire, &m->len, sizeof(m->wire), NULL, 0, m->mac, &m->mac_len,
	                     key, 0, 0);
	if (ret != KNOT_EOK) {
		return ret;
	}
	m->signed_ = true;
	return KNOT_EOK;
}

int notify_build_soa_query(struct notify_msg *m, const knot_dname_t *zone, uint16_t id)
{
	return build(m, zone, id, false, NULL);
}

/* The header, question and (for signed requests) TSIG checks shared by both answers.
 * *pkt is the parsed answer on NOTIFY_ANSWER_OK and NOTIFY_ANSWER_BADTSIG. */
static enum notify_answer check(const struct notify_msg *m, const knot_dname_t *zone,
                                uint16_t opcode, const knot_tsig_key_t *key,
                                uint8_t *wire, size_t len, knot_pkt_t **pkt)
{
	*pkt = NULL;
	if (len < KNOT_WIRE_HEADER_SIZE) {
		return NOTIFY_ANSWER_MALFORMED;
	}
	if (knot_wire_get_id(wire) != m->id || !knot_wire_get_qr(wire) ||
	    knot_wire_get_opcode(wire) != opcode) {
		return NOTIFY_ANSWER_FOREIGN;
	}

	knot_pkt_t *p = knot_pkt_new(wire, len, NULL);
	if (p == NULL) {
		return NOTIFY_ANSWER_MALFORMED;
	}
	int ret = knot_pkt_parse(p, 0);
	if (ret != KNOT_EOK && ret != KNOT_ETRAIL) {
		knot_pkt_free(p);
		return NOTIFY_ANSWER_MALFORMED;
	}
	/* An answer without a question (some servers' errors) still answers our ID; one
	 * with a question must name our zone. */
	if (knot_wire_get_qdcount(wire) > 0 &&
	    (!knot_dname_is_case_equal(knot_pkt_qname(p), zone) ||
	     knot_pkt_qtype(p) != KNOT_RRTYPE_SOA)) {
		knot_pkt_free(p);
		return NOTIFY_ANSWER_FOREIGN;
	}
	*pkt = p;
	if (!m->signed_) {
		return NOTIFY_ANSWER_OK;
	}
	if (p->tsig_rr == NULL || key == NULL) {
		return NOTIFY_ANSWER_BADTSIG;
	}
	/* The peer signs with the key name as its own nsd.conf spells it; libknot compares
	 * names byte for byte, so take the answer's spelling of the same name. */
	if (!knot_dname_is_case_equal(p->tsig_rr->owner, key->name)) {
		return NOTIFY_ANSWER_BADTSIG;
	}
	knot_tsig_key_t k = *key;
	k.name = p->tsig_rr->owner;
	ret = knot_tsig_client_check(p->tsig_rr, p->wire, p->size, m->mac, m->mac_len, &k, 0);
	return ret == KNOT_EOK ? NOTIFY_ANSWER_OK : NOTIFY_ANSWER_BADTSIG;
}

enum notify_answer notify_check_answer(const struct notify_msg *m, const knot_dname_t *zone,
                                       const knot_tsig_key_t *key, uint8_t *wire, size_t len,
                                       int *rcode)
{
	knot_pkt_t *p;
	enum notify_answer a = check(m, zone, KNOT_OPCODE_NOTIFY, key, wire, len, &p);
	if (p != NULL) {
		*rcode = knot_wire_get_rcode(wire);
		knot_pkt_free(p);
	}
	return a;
}

enum notify_answer notify_parse_soa_answer(const struct notify_msg *m, const knot_dname_t *zone,
                                           uint8_t *wire, size_t len, int *rcode,
                                           knot_rrset_t **soa)
{
	*soa = NULL;
	knot_pkt_t *p;
	enum notify_answer a = check(m, zone, KNOT_OPCODE_QUERY, NULL, wire, len, &p);
	if (p == NULL) {
		return a;
	}
	*rcode = knot_wire_get_rcode(wire);
	if (*rcode == KNOT_RCODE_NOERROR && knot_wire_get_aa(wire)) {
		const knot_pktsection_t *an = knot_pkt_section(p, KNOT_ANSWER);
		for (uint16_t i = 0; i < an->count; i++) {
			const knot_rrset_t *rr = knot_pkt_rr(an, i);
			if (rr->type == KNOT_RRTYPE_SOA && rr->rrs.count == 1 &&
			    knot_dname_is_case_equal(rr->owner, zone)) {
				*soa = knot_rrset_copy(rr, NULL);
				break;
			}
		}
	}
	knot_pkt_free(p);
	return a;
}

void notify_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s@%u", ip, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s@%u", ip, ntohs(s4->sin_port));
	}
}

bool notify_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family) {
		return false;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	const struct sockaddr_in *x = (const struct sockaddr_in *)a;
	const struct sockaddr_in *y = (const struct sockaddr_in *)b;
	return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}

int notify_socket(int family, const struct sockaddr_storage *bind_to)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return knot_map_errno();
	}
	if (family == AF_INET6) {
		int on = 1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (bind_to != NULL) {
		socklen_t sl = family == AF_INET6 ? sizeof(struct sockaddr_in6)
		                                  : sizeof(struct sockaddr_in);
		if (bind(fd, (const struct sockaddr *)bind_to, sl) != 0) {
			int ret = knot_map_errno();
			close(fd);
			return ret;
		}
	}
	return fd;
}
