/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where mod-nsd's remote control listens: NSD's control-interface / control-port rules,
 * and the sockets for them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct nsdconf_model;

#define CTL_LISTEN_MAX 16

/* What nsd.conf's remote-control clause asks for; compared between reloads so that an
 * unchanged clause keeps its sockets (and no client is refused during a reload). */
struct ctl_listen_cfg {
	bool enable;
	bool tls;                      /* TCP: TLS with client certificates */
	int port;
	size_t n;
	char *addr[CTL_LISTEN_MAX];    /* addresses, or one unix socket path */
	char *key_file, *cert_file;    /* server-key-file, server-cert-file (absolute) */
};

/* From the model; false (with *err) when nsd.conf asks for what NSD would refuse. */
bool ctl_listen_cfg_from(const struct nsdconf_model *m, struct ctl_listen_cfg *c,
                         const char **err);
bool ctl_listen_cfg_equal(const struct ctl_listen_cfg *a, const struct ctl_listen_cfg *b);
void ctl_listen_cfg_clear(struct ctl_listen_cfg *c);

/* Opens the sockets, non-blocking, listening. Returns how many were opened; on a
 * failure fills err (address and reason) and closes what it opened. */
int ctl_listen_open(const struct ctl_listen_cfg *c, int *fds, char *err, size_t errlen);
void ctl_listen_close(const struct ctl_listen_cfg *c, int *fds, int n);
