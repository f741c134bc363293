/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's NOTIFY sender, I/O: UDP sockets by source address, random DNS IDs, knotd's address. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "mod/notify_io.h"
#include "mod/notify_send.h"

#define ID_FREE			UINT32_MAX
#define C_SERVER		"\x06""server"
#define C_LISTEN		"\x06""listen"

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* Where the module can ask knotd for a zone's SOA: its first listen address, the
 * loopback address of the family for a wildcard one. */
void notify_io_knotd_address(knotd_mod_t *mod, struct sockaddr_storage *out)
{
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)C_SERVER,
	                              (const yp_name_t *)C_LISTEN, NULL);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < val.count; i++) {
		const struct sockaddr_storage *a = &val.multi[i].addr;
		if (a->ss_family == AF_INET) {
			*out = *a;
			struct sockaddr_in *s4 = (struct sockaddr_in *)out;
			if (s4->sin_addr.s_addr == htonl(INADDR_ANY)) {
				s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			}
			break;   /* IPv4 preferred: the usual loopback setup */
		}
		if (a->ss_family == AF_INET6 && out->ss_family == 0) {
			*out = *a;
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
			if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr)) {
				s6->sin6_addr = in6addr_loopback;
			}
		}
	}
	knotd_conf_free(&val);
}

int notify_io_init(struct notify_io *io, knotd_mod_t *mod)
{
	*io = (struct notify_io){ .mod = mod, .knotd_fd = -1 };
	notify_io_knotd_address(mod, &io->knotd);
	if (io->knotd.ss_family == 0) {
		knotd_mod_log(mod, LOG_NOTICE, "knotd listens on no IP address; NOTIFYs sent by "
		              "the module carry no SOA");
	}
	io->by_id = malloc(65536 * sizeof(*io->by_id));
	if (io->by_id == NULL) {
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; i < 65536; i++) {
		io->by_id[i].zone = ID_FREE;
	}
	if (io->knotd.ss_family != 0) {
		io->knotd_fd = notify_socket(io->knotd.ss_family, NULL);
		if (io->knotd_fd < 0) {
			knotd_mod_log(mod, LOG_WARNING, "cannot open a socket to ask knotd for "
			              "serials (%s); NOTIFY without SOA",
			              knot_strerror(io->knotd_fd));
			io->knotd.ss_family = 0;
		}
	}
	return KNOT_EOK;
}

void notify_io_deinit(struct notify_io *io)
{
	for (size_t i = 0; i < io->n_socks; i++) {
		if (io->socks[i].fd >= 0) {
			close(io->socks[i].fd);
		}
	}
	free(io->socks);
	if (io->knotd_fd >= 0) {
		close(io->knotd_fd);
	}
	free(io->by_id);
	memset(io, 0, sizeof(*io));
	io->knotd_fd = -1;
}

/* --- IDs --- */

static uint16_t random_id(struct notify_io *io)
{
	if (io->rnd_pos + 2 > sizeof(io->rnd) || io->rnd_pos == 0) {
		if (getrandom(io->rnd, sizeof(io->rnd), 0) != (ssize_t)sizeof(io->rnd)) {
			/* no entropy source: still unique, less unguessable */
			for (size_t i = 0; i < sizeof(io->rnd); i++) {
				io->rnd[i] = (uint8_t)(notify_now_ms() * 2654435761u >> (i % 24));
			}
		}
		io->rnd_pos = 0;
	}
	uint16_t id;
	memcpy(&id, io->rnd + io->rnd_pos, 2);
	io->rnd_pos += 2;
	return id;
}

uint16_t notify_io_take_id(struct notify_io *io, uint32_t zone, int32_t target)
{
	uint16_t id = random_id(io);
	while (io->by_id[id].zone != ID_FREE) {
		id++;
	}
	io->by_id[id].zone = zone;
	io->by_id[id].target = target;
	return id;
}

void notify_io_drop_id(struct notify_io *io, uint16_t id)
{
	io->by_id[id].zone = ID_FREE;
}

const struct notify_io_owner *notify_io_owner(const struct notify_io *io, uint16_t id)
{
	return io->by_id[id].zone != ID_FREE ? &io->by_id[id] : NULL;
}

/* --- sockets --- */

/* The socket of this family bound to want (NULL: unbound), opened when new. Its fd, or
 * a KNOT_E* error (a failed bind is remembered and logged once). */
static int sock_get(struct notify_io *io, const struct notify_plan_zone *z, int family,
                    const struct sockaddr_storage *want)
{
	for (size_t i = 0; i < io->n_socks; i++) {
		struct notify_io_sock *s = &io->socks[i];
		if (s->family == family && s->bound == (want != NULL) &&
		    (want == NULL || notify_addr_equal(&s->addr, want))) {
			return s->fd;
		}
	}
	struct notify_io_sock *ns = realloc(io->socks, (io->n_socks + 1) * sizeof(*ns));
	if (ns == NULL) {
		return KNOT_ENOMEM;
	}
	io->socks = ns;
	struct notify_io_sock *s = &io->socks[io->n_socks++];
	*s = (struct notify_io_sock){ .family = family, .bound = want != NULL };
	if (want != NULL) {
		s->addr = *want;
	}
	s->fd = notify_socket(family, want);
	if (s->fd >= 0) {
		return s->fd;
	}
	if (want != NULL) {
		char a[80];
		notify_addr_str(want, a, sizeof(a));
		knotd_mod_log(io->mod, LOG_WARNING, "zone %s, could not bind source address "
		              "%s for NOTIFY (%s)", z->txt, a, knot_strerror(s->fd));
	} else {
		knotd_mod_log(io->mod, LOG_WARNING, "cannot open a UDP socket for NOTIFY (%s)",
		              knot_strerror(s->fd));
	}
	return s->fd;
}

int notify_io_socket_for(struct notify_io *io, const struct notify_plan_zone *z,
                         const struct sockaddr_storage *dst)
{
	int family = dst->ss_family;
	int ret = KNOT_EOK;

	for (size_t v = 0; v < z->n_via; v++) {
		if (z->via[v].ss_family == family) {
			ret = sock_get(io, z, family, &z->via[v]);
			if (ret >= 0) {
				return ret;
			}
		}
	}
	if (ret != KNOT_EOK) {
		return ret;   /* entries of this family exist, none binds: NSD fails */
	}
	return sock_get(io, z, family, NULL);
}

int notify_io_send(int fd, const uint8_t *wire, size_t len, const struct sockaddr_storage *dst)
{
	if (sendto(fd, wire, len, 0, (const struct sockaddr *)dst, ss_len(dst)) < 0) {
		return knot_map_errno();
	}
	return KNOT_EOK;
}
