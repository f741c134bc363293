/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping of server-wide options: server, log, database sections and their report. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/arena.h"
#include "knot/knotmap_int.h"

#define G(x) NSDCONF_G_##x
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
	if (alen >= sizeof(addr))
		return false;
	memcpy(addr, spec, alen);
	addr[alen] = '\0';
	is6 = strchr(addr, ':') != NULL;
	if (inet_pton(is6 ? AF_INET6 : AF_INET, addr, bin) != 1)
		return false;
	/* NSD opens no socket of a family switched off with do-ip4/do-ip6. */
	*skip = is6 ? !v6 : !v4;
	snprintf(buf, len, "%s@%s", addr, at != NULL ? at + 1 : port);
	return true;
}

static void server_listen(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *port = nsdconf_gstr(c->m, G(PORT));
	bool v4 = nsdconf_gnum(c->m, G(DO_IP4)), v6 = nsdconf_gnum(c->m, G(DO_IP6));
	const struct nsdconf_ip *ip = c->m->global[G(IP_ADDRESS)].ip;
	char buf[128];
	int n = 0;

	kbuf_puts(out, "    listen: [");
	if (!gset(c, G(IP_ADDRESS)) || ip == NULL) {
		if (v4)
			kbuf_printf(out, "%s0.0.0.0@%s", n++ ? ", " : "", port);
		if (v6)
			kbuf_printf(out, "%s::@%s", n++ ? ", " : "", port);
	}
	for (; ip != NULL; ip = ip->next) {
		bool skip;

		if (!listen_addr(ip->address, port, v4, v6, buf, sizeof(buf), &skip)) {
			knotmap_note(c, conf_file(c), 0, "ip-address", NSDCONF_K_UNSUPPORTED, false,
			             "interface names are not accepted by server.listen: write its address");
			continue;
		}
		if (ip->servers != NULL || ip->bindtodevice || ip->setfib >= 0)
			knotmap_note(c, conf_file(c), 0, "ip-address", NSDCONF_K_UNSUPPORTED, false,
			             "servers=, bindtodevice= and setfib= have no Knot equivalent");
		if (!skip)
			kbuf_printf(out, "%s%s", n++ ? ", " : "", buf);
	}
	if (n == 0)
		kbuf_printf(out, "127.0.0.1@%s", port);   /* yparser has no empty list */
	kbuf_puts(out, "]\n");
}

static void server_string(struct knotmap_ctx *c, struct kbuf *out, const char *item,
                          enum nsdconf_gslot hide, enum nsdconf_gslot value)
{
	if (nsdconf_gnum(c->m, hide)) {
		kbuf_printf(out, "    %s: \"\"\n", item);
	} else if (gset(c, value) && knotmap_value_ok(nsdconf_gstr(c->m, value))) {
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
	if (!gset(c, s) || v == NULL || v[0] == '\0' || !knotmap_value_ok(v))
		return;
	kbuf_printf(out, "    %s: ", item);
	kbuf_value(out, v);
	kbuf_puts(out, "\n");
}

static long long clamp(long long v, long long min, long long max)
{
	return v < min ? min : v > max ? max : v;
}

static void server_section(struct knotmap_ctx *c, struct kbuf *out)
{
	kbuf_puts(out, "server:\n");
	server_string(c, out, "identity", G(HIDE_IDENTITY), G(IDENTITY));
	server_string(c, out, "version", G(HIDE_VERSION), G(VERSION));
	if (gset(c, G(NSID)) && nsdconf_gstr(c->m, G(NSID)) != NULL)
		kbuf_printf(out, "    nsid: 0x%s\n", nsdconf_gstr(c->m, G(NSID)));
	server_path(c, out, "user", G(USERNAME));
	server_path(c, out, "pidfile", G(PIDFILE));
	if (gset(c, G(SERVER_COUNT)))
		kbuf_printf(out, "    udp-workers: %lld\n",
		            clamp(nsdconf_gnum(c->m, G(SERVER_COUNT)), 1, 255));
	if (gset(c, G(TCP_COUNT)))
		kbuf_printf(out, "    tcp-max-clients: %lld\n",
		            clamp(nsdconf_gnum(c->m, G(TCP_COUNT)), 0, INT32_MAX));
	if (gset(c, G(TCP_TIMEOUT)))
		kbuf_printf(out, "    tcp-idle-timeout: %lld\n",
		            clamp(nsdconf_gnum(c->m, G(TCP_TIMEOUT)), 1, INT32_MAX));
	if (gset(c, G(IPV4_EDNS_SIZE)))
		kbuf_printf(out, "    udp-max-payload-ipv4: %lld\n",
		            clamp(nsdconf_gnum(c->m, G(IPV4_EDNS_SIZE)), 1220, 65535));
	if (gset(c, G(IPV6_EDNS_SIZE)))
		kbuf_printf(out, "    udp-max-payload-ipv6: %lld\n",
		            clamp(nsdconf_gnum(c->m, G(IPV6_EDNS_SIZE)), 1220, 65535));
	server_listen(c, out);
	kbuf_puts(out, "\n");
}

static void log_section(struct knotmap_ctx *c, struct kbuf *out)
{
	static const char *const severity[] = { "notice", "info", "debug" };
	long long v = clamp(nsdconf_gnum(c->m, G(VERBOSITY)), 0, 2);
	const char *file = nsdconf_gstr(c->m, G(LOGFILE));

	kbuf_puts(out, "log:\n  - target: ");
	if (gset(c, G(LOGFILE)) && file != NULL && file[0] != '\0' &&
	    !nsdconf_gnum(c->m, G(LOG_ONLY_SYSLOG)) && knotmap_value_ok(file))
		kbuf_value(out, file);
	else
		kbuf_puts(out, "syslog");
	kbuf_printf(out, "\n    any: %s\n\n", severity[v]);
}

static void database_section(struct knotmap_ctx *c, struct kbuf *out)
{
	const char *storage = c->opts->storage != NULL ? c->opts->storage : "/var/lib/knot";

	kbuf_puts(out, "database:\n    storage: ");
	if (!kbuf_value(out, storage))
		kbuf_puts(out, "/var/lib/knot");
	kbuf_puts(out, "\n\n");
}

void knotmap_server(struct knotmap_ctx *c, struct kbuf *out)
{
	server_section(c, out);
	log_section(c, out);
	database_section(c, out);
}

/* The include holds no server section; these server options still shape it. */
static bool shapes_include(enum nsdconf_gslot s)
{
	return s == G(ZONESDIR) || s == G(ZONELISTFILE) || s == G(ZONEFILES_WRITE) ||
	       s == G(ZONEFILES_CHECK) || s == G(DATABASE);
}

static void global_note(struct knotmap_ctx *c, const struct nsdconf_option *o)
{
	char how[256];

	switch (o->slot) {
	case G(ZONEFILES_WRITE):
		if (nsdconf_gnum(c->m, G(ZONEFILES_WRITE)) > 0)
			snprintf(how, sizeof(how), "secondaries: zonefile-sync: %lld (knotd's journal "
			         "keeps changes in between)", nsdconf_gnum(c->m, G(ZONEFILES_WRITE)));
		else
			snprintf(how, sizeof(how), "secondaries: zonefile-sync: 0, the zonefile is "
			         "written after every transfer (NSD 4.6.1 kept it in nsd.db)");
		knotmap_note(c, conf_file(c), 0, o->name, NSDCONF_K_APPROX, false, how);
		return;
	case G(ZONEFILES_CHECK):
		knotmap_note(c, conf_file(c), 0, o->name,
		             nsdconf_gnum(c->m, G(ZONEFILES_CHECK)) ? NSDCONF_K_EXACT : NSDCONF_K_APPROX,
		             false, "knotd reads changed zonefiles at start and reload (zonefile-load: whole)");
		return;
	default:
		knotmap_note(c, conf_file(c), 0, o->name, o->knot, false, o->knot_note);
		return;
	}
}

void knotmap_report_globals(struct knotmap_ctx *c)
{
	size_t n;
	const struct nsdconf_option *rows = nsdconf_options(&n);

	if (c->opts->report == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct nsdconf_option *o = &rows[i];

		if (!(o->clauses & GLOBAL_CLAUSES) || !gset(c, o->slot))
			continue;
		if (!c->opts->full && !((o->clauses & NSDCONF_IN(NSDCONF_CL_SERVER)) &&
		                        shapes_include(o->slot)))
			continue;
		global_note(c, o);
	}
}
