/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where mod-nsd's remote control listens, and its sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf/model.h"
#include "conf/zonefile.h"
#include "mod/ctl_listen.h"

static char *abs_file(const struct nsdconf_model *m, enum nsdconf_gslot s)
{
	/* NSD reads these after its chdir to zonesdir: relative names are from there */
	const char *f = nsdconf_gstr(m, s);
	const char *dir = nsdconf_gstr(m, NSDCONF_G_ZONESDIR);
	if (f == NULL) {
		return NULL;
	}
	if (f[0] == '/' || dir == NULL || dir[0] == '\0') {
		return strdup(f);
	}
	size_t n = strlen(dir) + strlen(f) + 2;
	char *p = malloc(n);
	if (p != NULL) {
		snprintf(p, n, "%s/%s", dir, f);
	}
	return p;
}

bool ctl_listen_cfg_from(const struct nsdconf_model *m, struct ctl_listen_cfg *c,
                         const char **err)
{
	memset(c, 0, sizeof(*c));
	*err = NULL;
	c->enable = nsdconf_gnum(m, NSDCONF_G_CONTROL_ENABLE) != 0;
	if (!c->enable) {
		return true;
	}
	c->port = (int)nsdconf_gnum(m, NSDCONF_G_CONTROL_PORT);
	const struct nsdconf_ip *ip = m->global[NSDCONF_G_CONTROL_INTERFACE].ip;
	for (; ip != NULL; ip = ip->next) {
		if (c->n == CTL_LISTEN_MAX) {
			*err = "too many control-interface addresses";
			goto fail;
		}
		c->addr[c->n] = strdup(ip->address);
		if (c->addr[c->n++] == NULL) {
			goto nomem;
		}
	}
	if (c->n == 0) {
		/* NSD's default: the loopback of each address family in use */
		if (nsdconf_gnum(m, NSDCONF_G_DO_IP6)) {
			c->addr[c->n++] = strdup("::1");
		}
		if (nsdconf_gnum(m, NSDCONF_G_DO_IP4)) {
			c->addr[c->n++] = strdup("127.0.0.1");
		}
		for (size_t i = 0; i < c->n; i++) {
			if (c->addr[i] == NULL) {
				goto nomem;
			}
		}
	}
	/* NSD takes TLS or not from the first interface: a path is a unix socket */
	c->tls = c->n > 0 && c->addr[0][0] != '/';
	if (c->tls) {
		c->key_file = abs_file(m, NSDCONF_G_SERVER_KEY_FILE);
		c->cert_file = abs_file(m, NSDCONF_G_SERVER_CERT_FILE);
		if (c->key_file == NULL || c->cert_file == NULL) {
			goto nomem;
		}
	}
	return true;
nomem:
	*err = "out of memory";
fail:
	ctl_listen_cfg_clear(c);
	return false;
}

static bool str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool ctl_listen_cfg_equal(const struct ctl_listen_cfg *a, const struct ctl_listen_cfg *b)
{
	if (a->enable != b->enable || a->tls != b->tls || a->port != b->port || a->n != b->n ||
	    !str_eq(a->key_file, b->key_file) || !str_eq(a->cert_file, b->cert_file)) {
		return false;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->addr[i], b->addr[i]) != 0) {
			return false;
		}
	}
	return true;
}

void ctl_listen_cfg_clear(struct ctl_listen_cfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->addr[i]);
	}
	free(c->key_file);
	free(c->cert_file);
	memset(c, 0, sizeof(*c));
}

static int open_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* as NSD: a socket file left by a previous server is replaced */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		(void)unlink(path);
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, 64) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int open_tcp(const char *addr, int port, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*s6);
	} else {
		/* NSD resolves names with getaddrinfo; addresses are what nsd.conf holds
		 * in practice, and a name lookup has no place in knotd's process */
		snprintf(err, errlen, "%s: not an IP address", addr);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s@%d: %s", addr, port, strerror(errno));
		return -1;
	}
	int on = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss.ss_family == AF_INET6) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 64) != 0) {
		snprintf(err, errlen, "%s@%d: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int ctl_listen_open(const struct ctl_listen_cfg *c, int *fds, char *err, size_t errlen)
{
	int n = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *a = c->addr[i];
		int fd = a[0] == '/' ? open_unix(a, err, errlen) : open_tcp(a, c->port, err, errlen);
		if (fd < 0) {
			ctl_listen_close(c, fds, n);
			return -1;
		}
		fds[n++] = fd;
	}
	return n;
}

void ctl_listen_close(const struct ctl_listen_cfg *c, int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		close(fds[i]);
		if (c->addr[i][0] == '/') {
			(void)unlink(c->addr[i]);
		}
	}
}
