/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd control: an nsd-control client (its options, protocol, output and exit codes)
 * for hosts without NSD installed. */
#pragma once

#include <gnutls/gnutls.h>
#include <stdbool.h>
#include <stddef.h>

/* NSD's remote control protocol, version 1 (nsd-control.c, remote.c): the command line
 * "NSDCT1" + " <arg>" per argument + "\n", then for addzones/delzones the lines of
 * standard input and this end marker; the answer is text up to the end of the stream. */
#define CONTROL_MAGIC "NSDCT1 "
#define CONTROL_EOF_MARK "\x04\n"
/* nsd-control's wait for a connection, in milliseconds */
#define CONTROL_CONNECT_TIMEOUT_MS 5000

/* Where and how to reach the server, from nsd.conf and -s (nsd-control's rules). */
struct control_target {
	char host[512];          /* address text or unix socket path */
	int port;                /* 0 for a unix socket */
	bool is_unix;
	bool tls;                /* from the configuration's first control-interface */
	const char *server_cert; /* files for TLS, absolute or relative to cwd */
	const char *client_key;
	const char *client_cert;
};

/* A connection: the socket, and the TLS session on it when there is one. */
struct control_conn {
	int fd;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
};

int control_main(int argc, char **argv, const char *nsd_version);

/* Connects as nsd-control does; on failure prints nsd-control's message and returns
 * the exit code it would have (1, or 3 for a refused `status`), else 0. */
int control_connect(const struct control_target *t, bool status_cmd, struct control_conn *c);
/* TLS on the connection with the client certificate, trusting the server certificate
 * file; on failure prints an "error: ..." line and returns 1, else 0. */
int control_tls_start(const struct control_target *t, struct control_conn *c);
/* Writes all of buf; false after a message on failure. */
bool control_write(struct control_conn *c, const char *buf, size_t len);
/* Reads up to len bytes: >0 read, 0 end of stream, -1 after a message on failure. */
long control_read(struct control_conn *c, char *buf, size_t len);
void control_close(struct control_conn *c);
