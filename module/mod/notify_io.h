/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender, I/O: its UDP sockets, its DNS IDs in flight, knotd's address. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include <knot/module.h>

#include "mod/notify_plan.h"

/* What an ID in flight belongs to: a zone (its index in the plan), and the target
 * (its index in the zone) or -1 for the zone's SOA query to knotd. */
struct notify_io_owner {
	uint32_t zone;
	int32_t target;
};

struct notify_io_sock {
	int family;
	bool bound;
	struct sockaddr_storage addr;
	int fd;                    /* a KNOT_E* error when binding failed */
};

struct notify_io {
	knotd_mod_t *mod;
	struct sockaddr_storage knotd;   /* where to ask for SOAs; ss_family 0: nowhere */
	int knotd_fd;
	struct notify_io_sock *socks;
	size_t n_socks;
	struct notify_io_owner *by_id;   /* 65536, zone UINT32_MAX: free */
	uint8_t rnd[256];
	size_t rnd_pos;
};

static inline uint64_t notify_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In load: knotd's first listen address (the loopback address of the family for a
 * wildcard one: later the module sees knotd's configuration only under RCU), a socket
 * to it, the ID table. KNOT_EOK or KNOT_ENOMEM; no socket to knotd is logged and
 * leaves ss_family 0 (NOTIFYs then go without SOA). */
int notify_io_init(struct notify_io *io, knotd_mod_t *mod);
/* knotd's first listen address (IPv4 first; a wildcard one as the family's loopback
 * address); ss_family 0 when knotd listens on no IP address. */
void notify_io_knotd_address(knotd_mod_t *mod, struct sockaddr_storage *out);
void notify_io_deinit(struct notify_io *io);

/* An ID no message in flight uses, now owned by (zone, target). There are at most
 * 128 * 17 in flight. */
uint16_t notify_io_take_id(struct notify_io *io, uint32_t zone, int32_t target);
void notify_io_drop_id(struct notify_io *io, uint16_t id);
/* The owner of id, NULL when it is free. */
const struct notify_io_owner *notify_io_owner(const struct notify_io *io, uint16_t id);

/* The socket a NOTIFY of zone z to dst leaves from: NSD binds the first
 * outgoing-interface of the destination's family that binds; none of that family: the
 * OS chooses. Its fd, or the error of the last socket tried (logged once per socket). */
int notify_io_socket_for(struct notify_io *io, const struct notify_plan_zone *z,
                         const struct sockaddr_storage *dst);

/* Sends len bytes of wire to dst from fd: KNOT_EOK or the error. */
int notify_io_send(int fd, const uint8_t *wire, size_t len, const struct sockaddr_storage *dst);
