/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY and SOA messages as NSD sends them, built, signed and checked with libknot. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libknot/libknot.h>

/* A UDP message and what is needed to recognise its answer. */
struct notify_msg {
	uint8_t wire[1232];      /* a SOA and a TSIG fit many times over */
	size_t len;
	uint16_t id;
	uint8_t mac[64];         /* the request's TSIG MAC: the answer's MAC covers it */
	size_t mac_len;
	bool signed_;
};

/* NSD's outgoing NOTIFY (xfrd-notify.c xfrd_send_notify): opcode NOTIFY, AA, the given
 * ID, question <zone> SOA IN, the SOA in the answer section when there is one and its
 * serial is not 0, TSIG-signed with key unless key is NULL. KNOT_E* on failure. */
int notify_build(struct notify_msg *m, const knot_dname_t *zone, const knot_rrset_t *soa,
                 const knot_tsig_key_t *key, uint16_t id);

/* A SOA query for zone (RD clear): what the module asks knotd for the serial. */
int notify_build_soa_query(struct notify_msg *m, const knot_dname_t *zone, uint16_t id);

enum notify_answer {
	NOTIFY_ANSWER_OK,        /* an answer to m: rcode set */
	NOTIFY_ANSWER_FOREIGN,   /* not an answer to m (wrong ID, opcode, question, QR) */
	NOTIFY_ANSWER_BADTSIG,   /* an answer to m whose TSIG does not verify (or is missing) */
	NOTIFY_ANSWER_MALFORMED,
};

/* Checks that wire is the answer to m (NSD: same ID, QR, opcode and question), and
 * when m was signed that its TSIG verifies with key (knot_tsig_client_check). key may
 * be NULL for unsigned m. Parsing strips the TSIG from wire (libknot does so). */
enum notify_answer notify_check_answer(const struct notify_msg *m, const knot_dname_t *zone,
                                       const knot_tsig_key_t *key, uint8_t *wire, size_t len,
                                       int *rcode);

/* The SOA of an authoritative NOERROR answer to a SOA query; *soa is a copy to free
 * with knot_rrset_free (NULL with the rcode when the answer has none). */
enum notify_answer notify_parse_soa_answer(const struct notify_msg *m, const knot_dname_t *zone,
                                           uint8_t *wire, size_t len, int *rcode,
                                           knot_rrset_t **soa);

/* "192.0.2.1@53", "[2001:db8::1]@53" */
void notify_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len);
/* Address and port equal (the family's part only). */
bool notify_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* A non-blocking UDP socket of the family, bound to bind_to when it is not NULL.
 * Returns the fd, or a KNOT_E* error (negative, knot_map_errno). */
int notify_socket(int family, const struct sockaddr_storage *bind_to);
