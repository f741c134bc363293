/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd control: the connection to the server, plain (unix socket) or TLS (GnuTLS),
 * with nsd-control's connect timeout and messages. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/control.h"

static int connect_error(const struct control_target *t, int err, bool status_cmd)
{
	if (t->port == 0) {
		fprintf(stderr, "error: connect (%s): %s\n", t->host, strerror(err));
	} else {
		fprintf(stderr, "error: connect (%s@%d): %s\n", t->host, t->port, strerror(err));
	}
	if (err == ECONNREFUSED && status_cmd) {
		/* the answer scripts test for: the server is not running */
		printf("nsd is stopped\n");
		return 3;
	}
	return 1;
}

/* The socket address of t, as nsd-control parses it; 0, or 1 after its message. */
static int target_address(const struct control_target *t, struct sockaddr_storage *ss,
                          socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (t->is_unix) {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;

		un->sun_family = AF_UNIX;
		/* nsd-control cuts a long path (strlcpy); so does this */
		size_t n = strnlen(t->host, sizeof(un->sun_path) - 1);
		memcpy(un->sun_path, t->host, n);
		un->sun_path[n] = '\0';
		*len = sizeof(*un);
		return 0;
	}
	if (strchr(t->host, ':') != NULL) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)t->port);
		if (inet_pton(AF_INET6, t->host, &in6->sin6_addr) <= 0) {
			fprintf(stderr, "could not parse IP: %s\n", t->host);
			return 1;
		}
		*len = sizeof(*in6);
		return 0;
	}
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)t->port);
	if (inet_pton(AF_INET, t->host, &in->sin_addr) <= 0) {
		fprintf(stderr, "could not parse IP: %s\n", t->host);
		return 1;
	}
	*len = sizeof(*in);
	return 0;
}

int control_connect(const struct control_target *t, bool status_cmd, struct control_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int rc = target_address(t, &ss, &len);

	c->fd = -1;
	c->tls = NULL;
	c->cred = NULL;
	if (rc != 0) {
		return rc;
	}
	c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		fprintf(stderr, "socket: %s\n", strerror(errno));
		return 1;
	}
	if (connect(c->fd, (struct sockaddr *)&ss, len) < 0) {
		if (errno != EINPROGRESS) {
			return connect_error(t, errno, status_cmd);
		}
		struct pollfd p = { .fd = c->fd, .events = POLLOUT };
		int n;

		while ((n = poll(&p, 1, CONTROL_CONNECT_TIMEOUT_MS)) < 0 && errno == EINTR) {
		}
		if (n < 0) {
			fprintf(stderr, "select: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0) {
			fprintf(stderr, "timeout: could not connect to server\n");
			return 1;
		}
		int err = 0;
		socklen_t elen = sizeof(err);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) {
			err = errno;
		}
		if (err != 0) {
			return connect_error(t, err, status_cmd);
		}
	}
	/* blocking from here on, as nsd-control: the server ends the answer */
	if (fcntl(c->fd, F_SETFL, 0) == -1) {
		fprintf(stderr, "error: set blocking: fcntl: %s", strerror(errno));
	}
	return 0;
}

static int tls_error(const char *what, const char *path, int ret)
{
	if (path != NULL) {
		fprintf(stderr, "error: %s\n%s: %s\n", what, path, gnutls_strerror(ret));
	} else {
		fprintf(stderr, "error: %s\n%s\n", what, gnutls_strerror(ret));
	}
	return 1;
}

int control_tls_start(const struct control_target *t, struct control_conn *c)
{
	unsigned status = 0;
	int ret = gnutls_certificate_allocate_credentials(&c->cred);

	if (ret < 0) {
		return tls_error("could not allocate SSL_CTX pointer", NULL, ret);
	}
	ret = gnutls_certificate_set_x509_key_file(c->cred, t->client_cert, t->client_key,
	                                           GNUTLS_X509_FMT_PEM);
	if (ret < 0) {
		return tls_error("Error setting up SSL_CTX client cert", t->client_cert, ret);
	}
	/* The server's own certificate is the trust anchor (nsd-control-setup makes it). */
	ret = gnutls_certificate_set_x509_trust_file(c->cred, t->server_cert,
	                                             GNUTLS_X509_FMT_PEM);
	if (ret <= 0) {
		return tls_error("Error setting up SSL_CTX verify, server cert", t->server_cert,
		                 ret < 0 ? ret : GNUTLS_E_NO_CERTIFICATE_FOUND);
	}
	if ((ret = gnutls_init(&c->tls, GNUTLS_CLIENT)) < 0 ||
	    (ret = gnutls_set_default_priority(c->tls)) < 0 ||
	    (ret = gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->cred)) < 0) {
		return tls_error("could not SSL_new", NULL, ret);
	}
	gnutls_transport_set_int(c->tls, c->fd);
	gnutls_handshake_set_timeout(c->tls, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
	do {
		ret = gnutls_handshake(c->tls);
	} while (ret < 0 && gnutls_error_is_fatal(ret) == 0);
	if (ret < 0) {
		return tls_error("SSL handshake failed", NULL, ret);
	}
	/* As OpenSSL's SSL_VERIFY_PEER without a host name: the chain, not the name. */
	ret = gnutls_certificate_verify_peers2(c->tls, &status);
	if (ret < 0 || status != 0) {
		return tls_error("SSL verification failed", NULL,
		                 ret < 0 ? ret : GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR);
	}
	return 0;
}

bool control_write(struct control_conn *c, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = c->tls != NULL ? gnutls_record_send(c->tls, buf, len)
		                           : write(c->fd, buf, len);
		if (n < 0 && (c->tls != NULL ? (n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN)
		                             : errno == EINTR)) {
			continue;
		}
		if (n <= 0) {
			if (c->tls != NULL) {
				fprintf(stderr, "error: could not SSL_write\n%s\n",
				        gnutls_strerror((int)n));
			} else {
				fprintf(stderr, "could not write: %s\n", strerror(errno));
			}
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

long control_read(struct control_conn *c, char *buf, size_t len)
{
	for (;;) {
		ssize_t n = c->tls != NULL ? gnutls_record_recv(c->tls, buf, len)
		                           : read(c->fd, buf, len);
		if (n >= 0) {
			return (long)n;
		}
		if (c->tls != NULL) {
			if (n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN) {
				continue;
			}
			/* a server that closes without close_notify ends the answer, as for
			 * OpenSSL before 3.0 */
			if (n == GNUTLS_E_PREMATURE_TERMINATION) {
				return 0;
			}
			fprintf(stderr, "error: could not SSL_read\n%s\n", gnutls_strerror((int)n));
			return -1;
		}
		if (errno == EINTR) {
			continue;
		}
		fprintf(stderr, "could not read: %s\n", strerror(errno));
		return -1;
	}
}

void control_close(struct control_conn *c)
{
	if (c->tls != NULL) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->cred != NULL) {
		gnutls_certificate_free_credentials(c->cred);
		c->cred = NULL;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}
