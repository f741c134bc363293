/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of server-wide options: server, log, database sections and their report. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/arena.h"
#include "knotmap/knotmap_int.h"

#define G(x) NSDCONF_G_##x
/* server.udp-max-payload-*: Knot 3.2 takes 1220 (the DNSSEC minimum) to 4096. */
#define EDNS_MIN 1220
#define EDNS_MAX 4096
#define GLOBAL_CLAUSES (NSDCONF_IN(NSDCONF_CL_SERVER) | NSDCONF_IN(NSDCONF_CL_REMOTE_CONTROL) | \
                        NSDCONF_IN(NSDCONF_CL_VERIFY) | NSDCONF_IN(NSDCONF_CL_DNSTAP))

static const char *conf_file(const struct knotmap_ctx *c)
{
	return c->m->configfile != NULL ? c->m->configfile : "nsd.conf";
}

static bool gset(const struct knotmap_ctx *c, enum nsdconf_gslot s)
{
	return c->m->global_set[s];
}

/* Where server-wide option s was written (the file when not recorded). */
static void gwhere(const struct knotmap_ctx *c, enum nsdconf_gslot s, const char **file, int *line)
{
	*file = conf_file(c);
	*line = 0;
	knotmap_where(c->m->global_loc, s, file, line);
}

/* "    # <option> at file:line" above the item it became. */
static void gcomment(struct knotmap_ctx *c, struct kbuf *out, enum nsdconf_gslot s)
{
	const struct nsdconf_option *o = nsdconf_option_slot(NSDCONF_CL_SERVER, s);
	const char *file;
	int line;

	gwhere(c, s, &file, &line);
	if (o != NULL && line > 0) {
		knotmap_comment(c, out, "    ", o->name, file, line);
	}
}

/* One ip-address: entry as "addr@port", or false for an interface name. */
static bool listen_addr(const char *spec, const char *port, bool v4, bool v6,
                        char *buf, size_t len, bool *skip)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *at = strrchr(spec, '@');
	size_t alen = at != NULL ? (size_t)(at - spec) : strlen(spec);
	unsigned char bin[16];
	bool is6;

	*skip = false;
	if (alen >= sizeof(addr)) {
		return false;
	}
	memcpy(addr, spec, alen);
	addr[alen] = '\0';
	is6 = strchr(addr, ':') != NULL;
	if (inet_pton(is6 ? AF_INET6 : AF_INET, addr, bin) != 1) {
		return false;
	}
	/* NSD opens no socket of a family switched off with do-ip4/do-ip6. */
	*skip = is6 ? !v6 : !v4;
	snprintf(buf, len, "%s@%s", addr, at != NULL ? at + 1 : port);
	return true;
}

/* A port Knot takes: 1 to 65535, digits only (NSD passes the text on to getaddrinfo). */
static bool port_ok(const char *port)
{
	char *end;
	long v;

	if (port == NULL || port[0] < '0' || port[0] > '9') {
		return false;
	}
	v = strtol(port, &end, 10);
	return *end == '\0' && v > 0 && v <= 65535;
}

static void listen_note(struct knotmap_ctx *c, const struct nsdconf_ip *ip, const char *buf,
                        bool ok, bool skip)
{
	const char *file = ip->file != NULL ? ip->file : conf_file(c);
	char how[256];

	if (!ok) {
		knotmap_note(c, file, ip->line, knotmap_gname(G(IP_ADDRESS)), NSDCONF_K_UNSUPPORTED, false,
		             "interface names are not accepted by server.listen: write its address");
	} else if (!port_ok(strrchr(buf, '@') + 1)) {
		snprintf(how, sizeof(how), "%s: not a port Knot (or a socket) takes; not listened on",
		         buf);
		knotmap_note(c, file, ip->line, knotmap_gname(G(IP_ADDRESS)), NSDCONF_K_UNSUPPORTED, false, how);
	} else if (ip->servers != NULL || ip->bindtodevice || ip->setfib >= 0) {
		snprintf(how, sizeof(how), "server.listen %s; servers=, bindtodevice= and setfib= "
		         "have no Knot equivalent", buf);
		knotmap_note(c, file, ip->line, knotmap_gname(G(IP_ADDRESS)), NSDCONF_K_APPROX, false, how);
	} else if (skip) {
		knotmap_note(c, file, ip->line, knotmap_gname(G(IP_ADDRESS)), NSDCONF_K_EXACT, false,
		             "its family is switched off (do-ip4/do-ip6): not listened on, as in NSD");
	} else {
		snprintf(how, sizeof(how), "server.listen %s", buf);
		knotmap_note(c, file, ip->line, knotmap_gname(G(IP_ADDRESS)), NSDCONF_K_EXACT, false, how);
	}
}

/* The ports NSD serves TLS on (knotd 3.4+, tls-service-key and -pem set): a TCP socket
 * whose port is tls-port or tls-auth-port speaks TLS (NSD's using_tls_port); NSD opens
 * no socket of its own for them. */
struct tls_ports {
	int n;
	char port[2][24];
};

static bool is_tls_port(const struct tls_ports *t, const char *port)
{
	for (int i = 0; t != NULL && i < t->n; i++) {
		if (atoi(t->port[i]) == atoi(port)) {
			return true;
		}
	}
	return false;
}

static void listen_one(struct kbuf *out, const char *addr, const struct tls_ports *t,
                       bool tls, int *n)
{
	if (is_tls_port(t, strrchr(addr, '@') + 1) == tls) {
		kbuf_printf(out, "%s%s", (*n)++ ? ", " : "", addr);
	}
}

/* "    <item>: [addr@port, ...]": the addresses NSD listens on, those on a TLS port in
 * listen-tls (knotd refuses a TCP and a TLS listener on one address and port). */
static int listen_item(struct knotmap_ctx *c, struct kbuf *out, const char *item,
                       const struct tls_ports *t, bool tls)
{
	const char *port = nsdconf_gstr(c->m, G(PORT));
	bool v4 = nsdconf_gnum(c->m, G(DO_IP4)), v6 = nsdconf_gnum(c->m, G(DO_IP6));
	const struct nsdconf_ip *ip = c->m->global[G(IP_ADDRESS)].ip;
	size_t mark = out->b.len;
	char buf[128];
	int n = 0;

	if (!port_ok(port)) {
		port = "53";
	}
	kbuf_printf(out, "    %s: [", item);
	if (!gset(c, G(IP_ADDRESS)) || ip == NULL) {
		if (v4) {
			snprintf(buf, sizeof(buf), "0.0.0.0@%s", port);
			listen_one(out, buf, t, tls, &n);
		}
		if (v6) {
			snprintf(buf, sizeof(buf), "::@%s", port);
			listen_one(out, buf, t, tls, &n);
		}
	}
	for (; ip != NULL; ip = ip->next) {
		bool skip, ok = listen_addr(ip->address, port, v4, v6, buf, sizeof(buf), &skip);

		if (!tls) {
			listen_note(c, ip, buf, ok, skip);
		}
		if (ok && !skip && port_ok(strrchr(buf, '@') + 1)) {
			listen_one(out, buf, t, tls, &n);
		}
	}
	if (n == 0 && tls) {
		out->b.len = mark;   /* no TLS socket in NSD either */
		return 0;
	}
	if (n == 0) {
		kbuf_printf(out, "127.0.0.1@%s", port);   /* yparser has no empty list */
	}
	kbuf_puts(out, "]\n");
	return n;
}

/*
 * DNS over TLS (knotd 3.4): NSD serves TLS on tls-port, and on tls-auth-port for
 * clients with a certificate, when it has tls-service-key and -pem. knotd asks every
 * TLS client for a certificate without demanding one: mod-nsd checks it for the
 * tls-auth entries of provide-xfr. knotd 3.5 checks certificates' names against
 * server.ca-file, NSD's tls-cert-bundle.
 */
static bool tls_written(const struct knotmap_ctx *c)
{
	const char *key = nsdconf_gstr(c->m, G(TLS_SERVICE_KEY));
	const char *pem = nsdconf_gstr(c->m, G(TLS_SERVICE_PEM));

	return knotmap_has_tls(c) && key != NULL && key[0] != '\0' && pem != NULL &&
	       pem[0] != '\0' && knotmap_value_ok(key) && knotmap_value_ok(pem);
}

static void tls_ports_of(const struct knotmap_ctx *c, struct tls_ports *t)
{
	const char *port = nsdconf_gstr(c->m, G(TLS_PORT));

	t->n = 0;
	if (!tls_written(c)) {
		return;
	}
	if (port_ok(port)) {
		snprintf(t->port[t->n++], sizeof(t->port[0]), "%s", port);
	}
	if (gset(c, G(TLS_AUTH_PORT))) {
		snprintf(t->port[t->n], sizeof(t->port[0]), "%lld", nsdconf_gnum(c->m, G(TLS_AUTH_PORT)));
		t->n += port_ok(t->port[t->n]);
	}
}

/* Whether a tls-auth names a certificate: knotd 3.5 then checks primaries' certificates
 * (remote cert-hostname), which needs trusted CAs. */
static bool names_certificates(const struct knotmap_ctx *c)
{
	for (int i = 0; i < c->m->n_tls_auths; i++) {
		const char *name = c->m->tls_auths[i]->val[NSDCONF_T_AUTH_DOMAIN_NAME].str;

		if (name != NULL && name[0] != '\0') {
			return true;
		}
	}
	return false;
}

/*
 * knotd 3.5's server.ca-file serves both directions, NSD's bundle does not: NSD's xfrd
 * checks a primary against the system's CAs and tls-cert-bundle (xfrd-tcp.c: default
 * verify paths, then the bundle), its tls-auth-port checks clients against the bundle
 * alone. "" is knotd's name for the system's CAs. Clients are mod-nsd's to check
 * (gate_tls.c, the bundle alone); natively knotd takes more (the report says so).
 */
static void server_ca_file(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *bundle = nsdconf_gstr(c->m, G(TLS_CERT_BUNDLE));
	bool has_bundle = gset(c, G(TLS_CERT_BUNDLE)) && bundle != NULL && bundle[0] != '\0' &&
	                  knotmap_value_ok(bundle);

	if (!knotmap_cert_hostname(c) || (!has_bundle && !names_certificates(c))) {
		return;
	}
	if (!has_bundle) {
		kbuf_puts(out, "    ca-file: \"\"\n");
		return;
	}
	gcomment(c, out, G(TLS_CERT_BUNDLE));
	kbuf_puts(out, "    ca-file: [ \"\", ");
	kbuf_value(out, bundle);
	kbuf_puts(out, " ]\n");
}

static void server_tls(struct knotmap_ctx *c, struct kbuf *out)
{
	struct tls_ports t;
	size_t mark;

	server_ca_file(c, out);
	if (!tls_written(c)) {
		return;
	}
	gcomment(c, out, G(TLS_SERVICE_KEY));
	kbuf_puts(out, "    key-file: ");
	kbuf_value(out, nsdconf_gstr(c->m, G(TLS_SERVICE_KEY)));
	kbuf_puts(out, "\n");
	gcomment(c, out, G(TLS_SERVICE_PEM));
	kbuf_puts(out, "    cert-file: ");
	kbuf_value(out, nsdconf_gstr(c->m, G(TLS_SERVICE_PEM)));
	kbuf_puts(out, "\n");
	tls_ports_of(c, &t);
	mark = out->b.len;
	gcomment(c, out, G(TLS_PORT));
	gcomment(c, out, G(TLS_AUTH_PORT));
	if (listen_item(c, out, "listen-tls", &t, true) == 0 && !out->oom) {
		out->b.len = mark;   /* no address on a TLS port: nothing to say where */
	}
}

static void server_listen(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *port = nsdconf_gstr(c->m, G(PORT));
	struct tls_ports t;

	if (!port_ok(port)) {
		const char *file;
		char how[128];
		int line;

		gwhere(c, G(PORT), &file, &line);
		snprintf(how, sizeof(how), "%s is not a port Knot (or a socket) takes: 53 is used",
		         port != NULL ? port : "(none)");
		knotmap_note(c, file, line, knotmap_gname(G(PORT)), NSDCONF_K_UNSUPPORTED, false, how);
	}
	tls_ports_of(c, &t);
	gcomment(c, out, G(IP_ADDRESS));
	gcomment(c, out, G(PORT));
	listen_item(c, out, "listen", &t, false);
}

static void server_string(struct knotmap_ctx *c, struct kbuf *out, const char *item,
                          enum nsdconf_gslot hide, enum nsdconf_gslot value)
{
	if (nsdconf_gnum(c->m, hide)) {
		gcomment(c, out, hide);
		kbuf_printf(out, "    %s: \"\"\n", item);
	} else if (gset(c, value) && knotmap_value_ok(nsdconf_gstr(c->m, value))) {
		gcomment(c, out, value);
		kbuf_printf(out, "    %s: ", item);
		kbuf_value(out, nsdconf_gstr(c->m, value));
		kbuf_puts(out, "\n");
	}
}

static void server_path(struct knotmap_ctx *c, struct kbuf *out, const char *item,
                        enum nsdconf_gslot s)
{
	const char *v = nsdconf_gstr(c->m, s);

	/* Only what the operator wrote: NSD's defaults name NSD's own paths. */
	if (!gset(c, s) || v == NULL || v[0] == '\0' || !knotmap_value_ok(v)) {
		return;
	}
	gcomment(c, out, s);
	kbuf_printf(out, "    %s: ", item);
	kbuf_value(out, v);
	kbuf_puts(out, "\n");
}

static long long clamp(long long v, long long min, long long max)
{
	return v < min ? min : v > max ? max : v;
}

static void server_num(struct knotmap_ctx *c, struct kbuf *out, const char *item,
                       enum nsdconf_gslot s, long long v)
{
	gcomment(c, out, s);
	kbuf_printf(out, "    %s: %lld\n", item, v);
}

/*
 * NSD forks server-count processes, each serving UDP and TCP with up to
 * tcp-count connections; knotd runs udp-workers and tcp-workers threads and
 * tcp-max-clients connections in all.
 */
static void server_workers(struct knotmap_ctx *c, struct kbuf *out)
{
	long long servers = clamp(nsdconf_gnum(c->m, G(SERVER_COUNT)), 1, 255);

	if (gset(c, G(SERVER_COUNT))) {
		server_num(c, out, "udp-workers", G(SERVER_COUNT), servers);
		kbuf_printf(out, "    tcp-workers: %lld\n", servers);
	}
	if (gset(c, G(TCP_COUNT))) {
		server_num(c, out, "tcp-max-clients", G(TCP_COUNT),
		           clamp(nsdconf_gnum(c->m, G(TCP_COUNT)) * servers, 0, INT32_MAX));
	}
}

static void server_section(struct knotmap_ctx *c, struct kbuf *out)
{
	kbuf_puts(out, "server:\n");
	if (c->opts->rundir != NULL && knotmap_value_ok(c->opts->rundir)) {
		kbuf_puts(out, "    rundir: ");
		kbuf_value(out, c->opts->rundir);
		kbuf_puts(out, "\n");
	}
	server_string(c, out, "identity", G(HIDE_IDENTITY), G(IDENTITY));
	server_string(c, out, "version", G(HIDE_VERSION), G(VERSION));
	if (gset(c, G(NSID)) && nsdconf_gstr(c->m, G(NSID)) != NULL) {
		gcomment(c, out, G(NSID));
		kbuf_printf(out, "    nsid: 0x%s\n", nsdconf_gstr(c->m, G(NSID)));
	}
	server_path(c, out, "user", G(USERNAME));
	server_path(c, out, "pidfile", G(PIDFILE));
	server_workers(c, out);
	if (gset(c, G(TCP_TIMEOUT))) {
		server_num(c, out, "tcp-idle-timeout", G(TCP_TIMEOUT),
		           clamp(nsdconf_gnum(c->m, G(TCP_TIMEOUT)), 1, INT32_MAX));
	}
	if (gset(c, G(IPV4_EDNS_SIZE))) {
		server_num(c, out, "udp-max-payload-ipv4", G(IPV4_EDNS_SIZE),
		           clamp(nsdconf_gnum(c->m, G(IPV4_EDNS_SIZE)), EDNS_MIN, EDNS_MAX));
	}
	if (gset(c, G(IPV6_EDNS_SIZE))) {
		server_num(c, out, "udp-max-payload-ipv6", G(IPV6_EDNS_SIZE),
		           clamp(nsdconf_gnum(c->m, G(IPV6_EDNS_SIZE)), EDNS_MIN, EDNS_MAX));
	}
	server_listen(c, out);
	server_tls(c, out);
	kbuf_puts(out, "\n");
}

static void log_section(struct knotmap_ctx *c, struct kbuf *out)
{
	static const char *const severity[] = { "notice", "info", "debug" };
	long long v = clamp(nsdconf_gnum(c->m, G(VERBOSITY)), 0, 2);
	const char *file = nsdconf_gstr(c->m, G(LOGFILE));

	kbuf_puts(out, "log:\n");
	gcomment(c, out, G(LOGFILE));
	gcomment(c, out, G(VERBOSITY));
	kbuf_puts(out, "  - target: ");
	if (gset(c, G(LOGFILE)) && file != NULL && file[0] != '\0' &&
	    !nsdconf_gnum(c->m, G(LOG_ONLY_SYSLOG)) && knotmap_value_ok(file)) {
		kbuf_value(out, file);
	} else {
		kbuf_puts(out, "syslog");
	}
	kbuf_printf(out, "\n    any: %s\n\n", severity[v]);
}

static void database_section(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *storage = c->opts->storage != NULL ? c->opts->storage : "/var/lib/knot";

	kbuf_puts(out, "database:\n    storage: ");
	if (!kbuf_value(out, storage)) {
		kbuf_puts(out, "/var/lib/knot");
	}
	kbuf_puts(out, "\n\n");
}

void knotmap_server(struct knotmap_ctx *c, struct kbuf *out)
{
	server_section(c, out);
	log_section(c, out);
	database_section(c, out);
}

/* The include holds no server section; these server options still shape it
 * (tls-auth-xfr-only: its acl, and mod-nsd applies it). */
static bool shapes_include(enum nsdconf_gslot s)
{
	return s == G(ZONESDIR) || s == G(ZONELISTFILE) || s == G(ZONEFILES_WRITE) ||
	       s == G(ZONEFILES_CHECK) || s == G(DATABASE) || s == G(TLS_AUTH_XFR_ONLY);
}

/* The verdict of a server-wide value as this configuration renders it; false: the
 * option table's. */
static bool global_value_note(struct knotmap_ctx *c, const struct nsdconf_option *o,
                              enum nsdconf_knot *verdict, char *how, size_t len)
{
	long long v = nsdconf_gnum(c->m, o->slot);
	long long servers = clamp(nsdconf_gnum(c->m, G(SERVER_COUNT)), 1, 255);

	if (knotmap_cookies_note(c, o, verdict, how, len)) {
		return true;
	}
	switch (o->slot) {
	case G(ZONEFILES_WRITE):
		*verdict = NSDCONF_K_APPROX;
		if (knotmap_zonefile_sync(c->m) > 0) {
			snprintf(how, len, "secondaries: zonefile-sync: %lld (knotd's journal keeps "
			         "changes in between)", v);
		} else if (v > 0) {
			snprintf(how, len, "secondaries: zonefile-sync: 0, the zonefile is written "
			         "after every transfer (a 1 s flush would hold back knotd's refreshes)");
		} else {
			snprintf(how, len, "secondaries: zonefile-sync: 0, the zonefile is written "
			         "after every transfer (NSD 4.6.1 kept it in nsd.db)");
		}
		return true;
	case G(ZONEFILES_CHECK):
		*verdict = v ? NSDCONF_K_EXACT : NSDCONF_K_APPROX;
		snprintf(how, len, "knotd reads changed zonefiles at start and reload (zonefile-load: whole)");
		return true;
	case G(SERVER_COUNT):
		*verdict = v > 255 ? NSDCONF_K_APPROX : NSDCONF_K_EXACT;
		snprintf(how, len, "server.udp-workers and tcp-workers: %lld threads (NSD: processes)",
		         servers);
		return true;
	case G(TCP_COUNT):
		*verdict = NSDCONF_K_EXACT;
		snprintf(how, len, "server.tcp-max-clients: %lld (NSD counts per server process)",
		         clamp(v * servers, 0, INT32_MAX));
		return true;
	case G(RRL_RATELIMIT):
	case G(RRL_SLIP):
	case G(RRL_SIZE):
		if (!c->opts->full) {
			return false;
		}
		*verdict = knotmap_verdict(c, o).knot;
		snprintf(how, len, "%s", knotmap_verdict(c, o).note);
		if (nsdconf_gnum(c->m, G(RRL_RATELIMIT)) == 0) {
			snprintf(how, len, "rate limiting is off (rrl-ratelimit: 0): no mod-rrl");
		} else if (o->slot == G(RRL_SLIP) && v > 100) {
			*verdict = NSDCONF_K_APPROX;
			snprintf(how, len, "mod-rrl slip: 100, Knot's maximum");
		}
		return true;
	case G(RRL_IPV4_PREFIX_LENGTH):
	case G(RRL_IPV6_PREFIX_LENGTH):
		if (knotmap_rrl_per_address(c)) {
			return false;   /* fixed prefixes with multipliers: the row says it */
		}
		break;
	default:
		break;
	}
	switch (o->slot) {
	case G(RRL_IPV4_PREFIX_LENGTH):
		/* mod-rrl's netblocks are fixed: /24 for IPv4, /56 for IPv6. */
		*verdict = v == 24 ? NSDCONF_K_EXACT : NSDCONF_K_APPROX;
		snprintf(how, len, "mod-rrl counts IPv4 clients per /24%s", v == 24 ? "" : ", always");
		return true;
	case G(RRL_IPV6_PREFIX_LENGTH):
		*verdict = v == 56 ? NSDCONF_K_EXACT : NSDCONF_K_APPROX;
		snprintf(how, len, "mod-rrl counts IPv6 clients per /56%s", v == 56 ? "" : ", always");
		return true;
	case G(IP_ADDRESS):
		*verdict = NSDCONF_K_NONE;   /* entry by entry, at their own lines */
		return true;
	case G(IPV4_EDNS_SIZE):
	case G(IPV6_EDNS_SIZE):
		if (v >= EDNS_MIN && v <= EDNS_MAX) {
			return false;
		}
		*verdict = NSDCONF_K_APPROX;
		snprintf(how, len, "%s: %lld, Knot's %s", o->knot_note, clamp(v, EDNS_MIN, EDNS_MAX),
		         v < EDNS_MIN ? "minimum" : "maximum");
		return true;
	case G(PORT):
		if (port_ok(nsdconf_gstr(c->m, G(PORT)))) {
			return false;
		}
		*verdict = NSDCONF_K_NONE;   /* reported with the listen addresses */
		return true;
	case G(CHROOT):
	case G(USERNAME):
	case G(PIDFILE): {
		const char *str = nsdconf_gstr(c->m, o->slot);

		if (str == NULL || str[0] != '\0') {
			return false;
		}
		/* "" switches the feature off in NSD: nothing to carry over. */
		*verdict = NSDCONF_K_NONE;
		snprintf(how, len, "\"\" switches it off: %s",
		         o->slot == G(CHROOT) ? "no chroot" : o->slot == G(USERNAME) ?
		         "knotd keeps the user it is started as" : "knotd's default pidfile");
		return true;
	}
	case G(DO_IP4):
	case G(DO_IP6):
		*verdict = NSDCONF_K_EXACT;
		snprintf(how, len, v ? "IPv%c addresses are listened on" :
		         "no IPv%c listen address is written, as NSD opens no such socket",
		         o->slot == G(DO_IP4) ? '4' : '6');
		return true;
	default:
		break;
	}
	if (o->clauses & NSDCONF_IN(NSDCONF_CL_DNSTAP)) {
		/* Debian's knotd 3.2.6 has no mod-dnstap built in (package knot-module-dnstap):
		 * while dnstap is on, each option is the table's "not converted". */
		if (nsdconf_gnum(c->m, G(DNSTAP_ENABLE))) {
			return false;
		}
		*verdict = o->slot == G(DNSTAP_ENABLE) ? NSDCONF_K_EXACT : NSDCONF_K_NONE;
		snprintf(how, len, o->slot == G(DNSTAP_ENABLE) ? "no dnstap" : "dnstap-enable is off");
		return true;
	}
	return false;
}

/* tls-cert-bundle where its verdict depends on mod-nsd: it checks tls-auth-port clients
 * against the bundle (gate_tls.c), knotd checks primaries (3.5) and, natively, clients
 * against server.ca-file, which also holds the system's CAs (server_ca_file). */
static bool bundle_note(struct knotmap_ctx *c, const char *file, int line)
{
	const char *option = knotmap_gname(G(TLS_CERT_BUNDLE));

	if (knotmap_cert_hostname(c) && c->native) {
		knotmap_note(c, file, line, option, NSDCONF_K_APPROX, true,
		             "server.ca-file: the system's CAs and the bundle, as NSD checks "
		             "primaries; NSD checks tls-auth-port clients against the bundle alone, "
		             "knotd against both: knotd alone allows more than NSD");
	} else if (knotmap_cert_hostname(c)) {
		knotmap_note(c, file, line, option, NSDCONF_K_EXACT, false,
		             "server.ca-file: the system's CAs and the bundle, as NSD checks "
		             "primaries; mod-nsd checks tls-auth-port clients against the bundle "
		             "alone, as NSD does");
	} else if (knotmap_has_tls(c) && !c->native) {
		knotmap_note(c, file, line, option, NSDCONF_K_APPROX, false,
		             "mod-nsd checks tls-auth-port clients against it, as NSD does; knotd "
		             "3.4 checks no primary's certificate (server.ca-file is 3.5)");
	} else if (knotmap_has_tls(c)) {
		knotmap_note(c, file, line, option, NSDCONF_K_UNSUPPORTED, false,
		             "knotd 3.4 checks no certificate against a CA (server.ca-file is 3.5)");
	} else {
		return false;
	}
	return true;
}

static void global_note(struct knotmap_ctx *c, const struct nsdconf_option *o)
{
	enum nsdconf_knot verdict = knotmap_verdict(c, o).knot;
	const char *file, *how = knotmap_verdict(c, o).note;
	char text[256];
	int line;

	gwhere(c, o->slot, &file, &line);
	if (o->slot == G(TLS_AUTH_XFR_ONLY)) {
		knotmap_xfr_only_note(c, file, line);
		return;
	}
	if (o->slot == G(TLS_CERT_BUNDLE) && bundle_note(c, file, line)) {
		return;
	}
	if (global_value_note(c, o, &verdict, text, sizeof(text))) {
		if (o->slot == G(IP_ADDRESS) || (o->slot == G(PORT) && verdict == NSDCONF_K_NONE)) {
			return;
		}
		how = text;
	}
	knotmap_note(c, file, line, o->name, verdict, false, how);
}

void knotmap_report_globals(struct knotmap_ctx *c)
{
	size_t n;
	const struct nsdconf_option *rows = nsdconf_options(&n);

	if (c->opts->report == NULL) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct nsdconf_option *o = &rows[i];

		if (!(o->clauses & GLOBAL_CLAUSES) || !gset(c, o->slot)) {
			continue;
		}
		if (!c->opts->full && !((o->clauses & NSDCONF_IN(NSDCONF_CL_SERVER)) &&
		                        shapes_include(o->slot))) {
			continue;
		}
		global_note(c, o);
	}
}
