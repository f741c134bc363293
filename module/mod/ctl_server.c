/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod-nsd's remote control: one thread, outliving reloads, that accepts nsd-control's
 * connections (TLS with client certificates, or a unix socket), reads NSD's request,
 * runs it (ctl_exec.c) and answers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <urcu.h>

#include "conf/model.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_request.h"
#include "mod/ctl_exec.h"
#include "mod/ctl_listen.h"
#include "mod/ctl_server.h"
#include "mod/ctl_view.h"
#include "mod/process_state.h"

/* NSD serves a few control connections at once; a client gets this long between two
 * reads or writes of its request and answer before it is dropped. */
#define CONN_MAX        32
#define IDLE_MS         10000
#define POLL_MS         1000
#define MODS_MAX        8
/* a port that could not be opened (NSD still on it during a migration) */
#define LISTEN_RETRY_S  5
/* reads of one connection per poll round, so that one fast client does not keep the
 * others (and the stop flag) waiting */
#define READS_PER_ROUND 32

/* The TLS handshake, then the request (module/ctl/ctl_request.c), then the answer. */
enum conn_step { STEP_HANDSHAKE, STEP_REQUEST, STEP_WRITE };

struct conn {
	int fd;
	gnutls_session_t tls;          /* NULL on a unix socket */
	enum conn_step step;
	struct timespec deadline;
	struct ctl_request req;
	bool stop_knotd;               /* 'stop' ran: knotd stops once this is answered */
	size_t out_off;                /* of req.out written */
};

struct ctl_server {
	pthread_t tid;
	int wake[2];
	atomic_bool stop;

	/* Under nsd_process.ctl_lock: the live instances (newest last), what the newest
	 * asks for, and a counter the thread compares to see that it changed. */
	knotd_mod_t *mods[MODS_MAX];
	size_t n_mods;
	struct ctl_listen_cfg want;
	bool want_valid;               /* from a good nsd.conf: a broken one keeps the port */
	struct ctl_view *view_new;     /* handed to the thread */
	char *knotd_socket_new, *config_new, *include_new;
	unsigned gen;

	/* The thread's own. */
	struct ctl_listen_cfg have;
	int lfd[CTL_LISTEN_MAX];
	int n_lfd;
	time_t listen_retry_at;
	struct timespec accept_pause;  /* out of descriptors: accept again after it */
	gnutls_certificate_credentials_t cred;
	struct conn conns[CONN_MAX];
	size_t n_conns;
	unsigned seen_gen;
	struct ctl_exec exec;
};

/* Logs through the newest live instance (an instance is not unloaded while its pointer
 * is used: unload takes ctl_lock to remove it). */
static void srv_log(struct ctl_server *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void srv_log(struct ctl_server *s, int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&nsd_process.ctl_lock);
	if (s->n_mods > 0) {
		knotd_mod_vlog(s->mods[s->n_mods - 1], prio, fmt, ap);
	}
	pthread_mutex_unlock(&nsd_process.ctl_lock);
	va_end(ap);
}

static void exec_log(void *ctx, int prio, const char *fmt, va_list ap)
{
	struct ctl_server *s = ctx;
	pthread_mutex_lock(&nsd_process.ctl_lock);
	if (s->n_mods > 0) {
		knotd_mod_vlog(s->mods[s->n_mods - 1], prio, fmt, ap);
	}
	pthread_mutex_unlock(&nsd_process.ctl_lock);
}

static void deadline_set(struct conn *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += IDLE_MS / 1000;
}

static long ms_left(const struct conn *c, const struct timespec *now)
{
	return (c->deadline.tv_sec - now->tv_sec) * 1000 +
	       (c->deadline.tv_nsec - now->tv_nsec) / 1000000;
}

static void conn_close(struct ctl_server *s, size_t i)
{
	struct conn *c = &s->conns[i];
	if (c->step == STEP_REQUEST && !atomic_load(&s->stop)) {
		/* cut off in addzones (too long a line, silence, a failed read): not when
		 * knotd stops (nothing was written yet, and knotd is not to reload then) */
		ctl_request_cut(&c->req, ctl_exec_ops(&s->exec));
	}
	if (c->tls != NULL) {
		if (c->step == STEP_WRITE) {
			(void)gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		}
		gnutls_deinit(c->tls);
	}
	close(c->fd);
	ctl_request_free(&c->req);
	if (c->stop_knotd) {
		/* as knotc stop; knotd's main thread then unloads the module */
		srv_log(s, LOG_NOTICE, "remote control: stopping knotd");
		kill(getpid(), SIGTERM);
	}
	s->conns[i] = s->conns[--s->n_conns];
}

/* --- listening --- */

static void tls_clear(struct ctl_server *s)
{
	if (s->cred != NULL) {
		gnutls_certificate_free_credentials(s->cred);
		s->cred = NULL;
	}
}

/* The server's certificate and key, and the same certificate as the only trust anchor
 * for clients: nsd-control-setup signs the control certificate with the server's. */
static bool tls_prepare(struct ctl_server *s, const struct ctl_listen_cfg *c, bool quiet)
{
	int ret = gnutls_certificate_allocate_credentials(&s->cred);
	if (ret == GNUTLS_E_SUCCESS) {
		ret = gnutls_certificate_set_x509_key_file(s->cred, c->cert_file, c->key_file,
		                                           GNUTLS_X509_FMT_PEM);
	}
	if (ret == GNUTLS_E_SUCCESS) {
		ret = gnutls_certificate_set_x509_trust_file(s->cred, c->cert_file,
		                                             GNUTLS_X509_FMT_PEM);
		ret = ret > 0 ? GNUTLS_E_SUCCESS : (ret == 0 ? GNUTLS_E_NO_CERTIFICATE_FOUND : ret);
	}
	if (ret != GNUTLS_E_SUCCESS) {
		if (!quiet) {
			srv_log(s, LOG_ERR, "remote control: cannot use server-key-file '%s' "
			        "and server-cert-file '%s' (%s); not listening, trying again "
			        "every %d s", c->key_file, c->cert_file, gnutls_strerror(ret),
			        LISTEN_RETRY_S);
		}
		tls_clear(s);
		return false;
	}
	return true;
}

static void listen_stop(struct ctl_server *s)
{
	ctl_listen_close(&s->have, s->lfd, s->n_lfd);
	s->n_lfd = 0;
	tls_clear(s);
	ctl_listen_cfg_clear(&s->have);
}

/* Opens what s->have says; failures are logged unless quiet (a retry). */
static void listen_open(struct ctl_server *s, bool quiet)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->listen_retry_at = now.tv_sec + LISTEN_RETRY_S;
	if (s->have.tls && s->cred == NULL && !tls_prepare(s, &s->have, quiet)) {
		return;
	}
	char err[512];
	int n = ctl_listen_open(&s->have, s->lfd, err, sizeof(err));
	if (n < 0) {
		if (!quiet) {
			srv_log(s, LOG_ERR, "remote control: could not open remote control port "
			        "%s; trying again every %d s", err, LISTEN_RETRY_S);
		}
		return;
	}
	s->n_lfd = n;
	for (size_t i = 0; i < s->have.n; i++) {
		srv_log(s, LOG_INFO, "remote control: listening on %s%s%.0d%s", s->have.addr[i],
		        s->have.addr[i][0] == '/' ? "" : "@",
		        s->have.addr[i][0] == '/' ? 0 : s->have.port,
		        s->have.tls ? " (TLS)" : "");
	}
}

/* Called with the new wish, outside ctl_lock: keeps the sockets when nothing changed. */
static void listen_sync(struct ctl_server *s, struct ctl_listen_cfg *want)
{
	if (ctl_listen_cfg_equal(&s->have, want)) {
		return;   /* the same clause: the same sockets (or the same retries) */
	}
	listen_stop(s);
	s->have = *want;
	memset(want, 0, sizeof(*want));
	if (s->have.enable) {
		listen_open(s, false);
	}
}

/* Takes what the newest instance published. */
static void take_update(struct ctl_server *s)
{
	struct ctl_listen_cfg want = { 0 };
	struct ctl_view *view = NULL;
	char *sock = NULL, *config = NULL, *include = NULL;
	bool changed = false, want_valid = false;
	pthread_mutex_lock(&nsd_process.ctl_lock);
	if (s->gen != s->seen_gen) {
		s->seen_gen = s->gen;
		want = s->want;
		want_valid = s->want_valid;
		s->want_valid = false;
		memset(&s->want, 0, sizeof(s->want));
		view = s->view_new;
		s->view_new = NULL;
		sock = s->knotd_socket_new;
		config = s->config_new;
		include = s->include_new;
		s->knotd_socket_new = s->config_new = s->include_new = NULL;
		changed = true;
	}
	pthread_mutex_unlock(&nsd_process.ctl_lock);
	if (!changed) {
		return;
	}
	if (view != NULL) {
		ctl_exec_set_view(&s->exec, view);
	}
	ctl_exec_set_paths(&s->exec, sock, config, include);
	if (want_valid) {
		listen_sync(s, &want);
	}
	ctl_listen_cfg_clear(&want);
}

/* --- connections --- */

static void conn_accept(struct ctl_server *s, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* the connection stays queued; poll would wake at once, again and again */
			clock_gettime(CLOCK_MONOTONIC, &s->accept_pause);
			s->accept_pause.tv_nsec += 100000000;
			if (s->accept_pause.tv_nsec >= 1000000000) {
				s->accept_pause.tv_sec++;
				s->accept_pause.tv_nsec -= 1000000000;
			}
		}
		return;
	}
	if (s->n_conns == CONN_MAX) {
		/* a flood must not lock others out for long: the oldest that has not sent a
		 * request yet goes; when every one is busy with a command, the new one */
		size_t old = CONN_MAX;
		for (size_t i = 0; i < s->n_conns; i++) {
			const struct conn *c = &s->conns[i];
			bool waiting = c->step == STEP_HANDSHAKE ||
			               (c->step == STEP_REQUEST && (c->req.state == CTL_REQ_MAGIC ||
			                                            c->req.state == CTL_REQ_LINE));
			if (!waiting) {
				continue;
			}
			if (old == CONN_MAX || c->deadline.tv_sec < s->conns[old].deadline.tv_sec) {
				old = i;
			}
		}
		if (old == CONN_MAX) {
			close(fd);
			return;
		}
		conn_close(s, old);
	}
	struct conn *c = &s->conns[s->n_conns];
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->step = STEP_REQUEST;
	deadline_set(c);
	bool tcp = s->have.tls;
	if (tcp) {
		int ret = gnutls_init(&c->tls, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
		if (ret == GNUTLS_E_SUCCESS) {
			ret = gnutls_set_default_priority(c->tls);
		}
		if (ret == GNUTLS_E_SUCCESS) {
			ret = gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, s->cred);
		}
		if (ret != GNUTLS_E_SUCCESS) {
			if (c->tls != NULL) {
				gnutls_deinit(c->tls);
			}
			close(fd);
			return;
		}
		/* as NSD: a client without a certificate signed by the server's is refused */
		gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_REQUIRE);
		gnutls_transport_set_int(c->tls, fd);
		c->step = STEP_HANDSHAKE;
	}
	s->n_conns++;
}

static bool peer_verified(struct ctl_server *s, struct conn *c)
{
	unsigned status = 0;
	int ret = gnutls_certificate_verify_peers2(c->tls, &status);
	if (ret != GNUTLS_E_SUCCESS || status != 0) {
		srv_log(s, LOG_NOTICE, "remote control: client certificate refused (%s)",
		        ret != GNUTLS_E_SUCCESS ? gnutls_strerror(ret) : "not signed by "
		        "server-cert-file");
		return false;
	}
	return true;
}

#define READ_EOF	(-2)

/* Reads what is there: >0 bytes, 0 nothing now, READ_EOF at the end of the client's
 * stream, -1 failed. */
static long conn_read(struct conn *c, char *buf, size_t len)
{
	if (c->tls != NULL) {
		ssize_t n = gnutls_record_recv(c->tls, buf, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			return 0;
		}
		if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
			return READ_EOF;
		}
		return n > 0 ? n : -1;
	}
	ssize_t n = recv(c->fd, buf, len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		return 0;
	}
	return n > 0 ? n : (n == 0 ? READ_EOF : -1);
}

static long conn_write(struct conn *c, const char *buf, size_t len)
{
	if (c->tls != NULL) {
		ssize_t n = gnutls_record_send(c->tls, buf, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			return 0;
		}
		return n >= 0 ? n : -1;
	}
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		return 0;
	}
	return n >= 0 ? n : -1;
}

static bool conn_step(struct ctl_server *s, struct conn *c);

static void to_write(struct conn *c)
{
	c->step = STEP_WRITE;
	c->out_off = 0;
	deadline_set(c);
}

static void log_command(void *ctx, const char *line)
{
	srv_log(ctx, LOG_INFO, "remote control: command: %s", line);
}

/* The request is answered: the answer goes out, and knotd stops after it for 'stop'. */
static void answered(struct ctl_server *s, struct conn *c)
{
	if (c->req.state != CTL_REQ_ANSWERED) {
		return;
	}
	c->stop_knotd = s->exec.stop_after;
	s->exec.stop_after = false;
	to_write(c);
}

/* Works on the request bytes received: false when the connection is to be closed. */
static bool conn_input(struct ctl_server *s, struct conn *c)
{
	if (!ctl_request_input(&c->req, ctl_exec_ops(&s->exec), log_command, s)) {
		return false;
	}
	answered(s, c);
	return true;
}

/* The client's stream ended: the request's last line, then the answer, if the client
 * still reads it. */
static bool conn_eof(struct ctl_server *s, struct conn *c)
{
	if (c->step != STEP_REQUEST ||
	    !ctl_request_eof(&c->req, ctl_exec_ops(&s->exec), log_command, s)) {
		return false;
	}
	answered(s, c);
	return conn_step(s, c);
}

/* One poll event on a connection: false when it is to be closed. */
static bool conn_step(struct ctl_server *s, struct conn *c)
{
	if (c->step == STEP_HANDSHAKE) {
		int ret = gnutls_handshake(c->tls);
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
			return true;
		}
		if (ret != GNUTLS_E_SUCCESS) {
			srv_log(s, LOG_NOTICE, "remote control: TLS handshake failed (%s)",
			        gnutls_strerror(ret));
			return false;
		}
		if (!peer_verified(s, c)) {
			return false;
		}
		c->step = STEP_REQUEST;
		deadline_set(c);
	}
	if (c->step == STEP_WRITE) {
		const struct ctl_out *out = &c->req.out;
		while (c->out_off < out->len) {
			long n = conn_write(c, out->data + c->out_off, out->len - c->out_off);
			if (n < 0) {
				return false;
			}
			if (n == 0) {
				return true;
			}
			c->out_off += (size_t)n;
			deadline_set(c);
		}
		return false;  /* all written: close, as NSD does */
	}
	for (int reads = 0; reads < READS_PER_ROUND; reads++) {
		size_t room = sizeof(c->req.in) - c->req.in_len;
		if (room == 0) {
			return false;
		}
		long n = conn_read(c, c->req.in + c->req.in_len, room);
		if (n == READ_EOF) {
			return conn_eof(s, c);
		}
		if (n < 0) {
			return false;
		}
		if (n == 0) {
			return true;
		}
		c->req.in_len += (size_t)n;
		deadline_set(c);
		if (!conn_input(s, c)) {
			return false;
		}
		if (c->step == STEP_WRITE) {
			return conn_step(s, c);
		}
	}
	return true;   /* more next round (conn_pending) */
}

/* Whether a connection has input to work on that poll will not announce: records
 * GnuTLS already decrypted, or a round that stopped at READS_PER_ROUND. */
static bool conn_pending(const struct conn *c)
{
	if (c->step != STEP_REQUEST) {
		return false;
	}
	return c->tls != NULL && gnutls_record_check_pending(c->tls) > 0;
}

static short conn_events(const struct conn *c)
{
	if (c->step == STEP_HANDSHAKE) {
		return gnutls_record_get_direction(c->tls) == 1 ? POLLOUT : POLLIN;
	}
	return c->step == STEP_WRITE ? POLLOUT : POLLIN;
}

static void *thread_main(void *arg)
{
	struct ctl_server *s = arg;
	rcu_register_thread();
	struct pollfd pfd[1 + CTL_LISTEN_MAX + CONN_MAX];
	while (!atomic_load(&s->stop)) {
		take_update(s);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (s->have.enable && s->n_lfd == 0 && now.tv_sec >= s->listen_retry_at) {
			listen_open(s, true);
		}
		bool paused = now.tv_sec < s->accept_pause.tv_sec ||
		              (now.tv_sec == s->accept_pause.tv_sec &&
		               now.tv_nsec < s->accept_pause.tv_nsec);
		size_t n = 0;
		pfd[n++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		for (int i = 0; i < s->n_lfd; i++) {
			/* fd -1: poll skips it (out of descriptors, for a moment) */
			pfd[n++] = (struct pollfd){ .fd = paused ? -1 : s->lfd[i], .events = POLLIN };
		}
		for (size_t i = 0; i < s->n_conns; i++) {
			pfd[n++] = (struct pollfd){ .fd = s->conns[i].fd,
			                            .events = conn_events(&s->conns[i]) };
		}
		long wait = paused ? 100 : POLL_MS;
		for (size_t i = 0; i < s->n_conns; i++) {
			long left = ms_left(&s->conns[i], &now);
			wait = left < wait ? (left < 0 ? 0 : left) : wait;
			if (conn_pending(&s->conns[i])) {
				wait = 0;
			}
		}
		int r = poll(pfd, n, (int)wait);
		if (r < 0 && errno != EINTR) {
			srv_log(s, LOG_ERR, "remote control: poll failed (%s)", strerror(errno));
			break;
		}
		if (r > 0 && (pfd[0].revents & POLLIN)) {
			char buf[64];
			while (read(s->wake[0], buf, sizeof(buf)) > 0) {
			}
		}
		/* connections first (their indexes in pfd are known before accepts add more) */
		size_t base = 1 + (size_t)s->n_lfd;
		size_t nc = s->n_conns;
		bool *ready = calloc(nc > 0 ? nc : 1, sizeof(bool));
		for (size_t i = 0; ready != NULL && i < nc; i++) {
			ready[i] = pfd[base + i].revents != 0 || conn_pending(&s->conns[i]);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (size_t i = nc; i-- > 0; ) {
			bool keep = ready == NULL || !ready[i] || conn_step(s, &s->conns[i]);
			if (keep && ms_left(&s->conns[i], &now) <= 0) {
				keep = false;
			}
			if (!keep) {
				conn_close(s, i);
			}
		}
		free(ready);
		for (int i = 0; i < s->n_lfd; i++) {
			if (pfd[1 + i].revents & POLLIN) {
				conn_accept(s, s->lfd[i]);
			}
		}
	}
	while (s->n_conns > 0) {
		conn_close(s, s->n_conns - 1);
	}
	listen_stop(s);
	rcu_unregister_thread();
	return NULL;
}

/* --- the instances --- */

static void server_free(struct ctl_server *s)
{
	if (s == NULL) {
		return;
	}
	ctl_listen_cfg_clear(&s->want);
	ctl_view_free(s->view_new);
	free(s->knotd_socket_new);
	free(s->config_new);
	free(s->include_new);
	ctl_exec_deinit(&s->exec);
	if (s->wake[0] >= 0) {
		close(s->wake[0]);
		close(s->wake[1]);
	}
	free(s);
}

static struct ctl_server *server_start(knotd_mod_t *mod)
{
	struct ctl_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return NULL;
	}
	s->wake[0] = s->wake[1] = -1;
	if (pipe2(s->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(s);
		return NULL;
	}
	ctl_exec_init(&s->exec, exec_log, s);
	s->mods[s->n_mods++] = mod;
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int ret = pthread_create(&s->tid, NULL, thread_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0) {
		server_free(s);
		return NULL;
	}
	return s;
}

/* knotd's control socket: control.listen, relative to server.rundir. */
static char *knotd_socket(knotd_mod_t *mod)
{
	knotd_conf_t l = knotd_conf(mod, (const yp_name_t *)"\x07""control",
	                            (const yp_name_t *)"\x06""listen", NULL);
	const char *path = l.count > 0 ? l.single.string : "knot.sock";
	char *out = NULL;
	if (path[0] == '/') {
		out = strdup(path);
	} else {
		knotd_conf_t r = knotd_conf(mod, (const yp_name_t *)"\x06""server",
		                            (const yp_name_t *)"\x06""rundir", NULL);
		const char *dir = r.count > 0 ? r.single.string : "/run/knot";
		size_t n = strlen(dir) + strlen(path) + 2;
		out = malloc(n);
		if (out != NULL) {
			snprintf(out, n, "%s/%s", dir, path);
		}
	}
	knotd_conf_free(&l);
	return out;
}

void ctl_server_load(knotd_mod_t *mod, const struct nsdconf_model *m, const char *config,
                     const char *include)
{
	struct ctl_listen_cfg want = { 0 };
	const char *err = NULL;
	if (m != NULL && !ctl_listen_cfg_from(m, &want, &err)) {
		knotd_mod_log(mod, LOG_ERR, "remote control: %s", err);
	}
	/* a copy of the zones only when the remote control is or will be there */
	pthread_mutex_lock(&nsd_process.ctl_lock);
	bool wanted = nsd_process.ctl != NULL || want.enable;
	pthread_mutex_unlock(&nsd_process.ctl_lock);
	struct ctl_view *view = m != NULL && wanted ? ctl_view_new(m) : NULL;
	if (view != NULL) {
		/* load holds keeper_lock: the counter says which zonelistfile it read */
		view->stamp = nsd_process.ctl_zonelist_writes;
	}
	char *sock = knotd_socket(mod);
	char *cfg = strdup(config), *inc = strdup(include);

	pthread_mutex_lock(&nsd_process.ctl_lock);
	struct ctl_server *s = nsd_process.ctl;
	if (s == NULL && m != NULL && want.enable) {
		s = nsd_process.ctl = server_start(mod);
		if (s == NULL) {
			knotd_mod_log(mod, LOG_ERR, "remote control: cannot start (%s)",
			              strerror(errno));
		}
	} else if (s != NULL && s->n_mods < MODS_MAX) {
		s->mods[s->n_mods++] = mod;
	} else if (s != NULL) {
		/* more overlapping instances than ever seen: the newest logs */
		s->mods[MODS_MAX - 1] = mod;
	}
	if (s != NULL) {
		if (m != NULL) {
			ctl_listen_cfg_clear(&s->want);
			s->want = want;
			s->want_valid = true;
			memset(&want, 0, sizeof(want));
			ctl_view_free(s->view_new);
			s->view_new = view;
			view = NULL;
		}
		free(s->knotd_socket_new);
		free(s->config_new);
		free(s->include_new);
		s->knotd_socket_new = sock;
		s->config_new = cfg;
		s->include_new = inc;
		sock = cfg = inc = NULL;
		s->gen++;
		if (write(s->wake[1], "", 1) < 0) {
			/* the thread looks at least every POLL_MS */
		}
	}
	pthread_mutex_unlock(&nsd_process.ctl_lock);
	ctl_listen_cfg_clear(&want);
	ctl_view_free(view);
	free(sock);
	free(cfg);
	free(inc);
}

void ctl_server_unload(knotd_mod_t *mod)
{
	pthread_mutex_lock(&nsd_process.ctl_lock);
	struct ctl_server *s = nsd_process.ctl;
	if (s == NULL) {
		pthread_mutex_unlock(&nsd_process.ctl_lock);
		return;
	}
	for (size_t i = 0; i < s->n_mods; i++) {
		if (s->mods[i] == mod) {
			memmove(&s->mods[i], &s->mods[i + 1], (s->n_mods - i - 1) * sizeof(mod));
			s->n_mods--;
			break;
		}
	}
	bool last = s->n_mods == 0;
	if (last) {
		nsd_process.ctl = NULL;
	}
	pthread_mutex_unlock(&nsd_process.ctl_lock);
	if (!last) {
		return;
	}
	atomic_store(&s->stop, true);
	if (write(s->wake[1], "", 1) < 0) {
		/* the flag is looked at every POLL_MS */
	}
	pthread_join(s->tid, NULL);
	server_free(s);
}
