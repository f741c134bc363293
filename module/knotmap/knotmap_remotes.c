/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knot mapping: remotes, one per (address, port, key, source), and the zone lists naming them. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "knotmap/knotmap_int.h"

#define DNS_PORT 53
/* NSD's request-xfr over TLS goes to port 853 unless @port says otherwise. */
#define TLS_PORT 853

/* NSD binds the first outgoing-interface of the peer's family that it can;
 * Knot binds remote.via, of which only one per family can apply here. */
static const struct nsdconf_acl *via_for(const struct nsdconf_pattern *p, bool ipv6)
{
	for (const struct nsdconf_acl *o = nsdconf_pacl(p, NSDCONF_P_OUTGOING_INTERFACE);
	     o != NULL; o = o->next) {
		if (o->ipv6 == ipv6) {
			return o;
		}
	}
	return NULL;
}

static void addr_text(const struct nsdconf_acl *a, unsigned port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(a->ipv6 ? AF_INET6 : AF_INET, a->addr, ip, sizeof(ip));
	if (port != 0) {
		snprintf(buf, len, "%s@%u", ip, port);
	} else {
		snprintf(buf, len, "%s", ip);
	}
}

static const char *remote_id(struct knotmap_ctx *c, const char *option, const struct nsdconf_acl *a,
                             const struct knotmap_key *key, const struct nsdconf_acl *via,
                             bool quiet)
{
	char addr[64], vtext[64] = "", content[768], idtext[512];
	bool tls = a->tls_auth != NULL;
	const char *hostname = tls ? knotmap_tls_hostname(c, a->tls_auth) : NULL;
	bool created;
	void **slot;
	const char *id;

	/* NSD never sends to its own port: setting, but to @port or 53 (853 over TLS). */
	addr_text(a, a->port != 0 ? a->port : tls ? TLS_PORT : DNS_PORT, addr, sizeof(addr));
	if (via != NULL) {
		addr_text(via, via->port <= 65535 ? via->port : 0, vtext, sizeof(vtext));
	}
	snprintf(content, sizeof(content), "%s|%s|%s|%d|%d|%s", addr, key ? key->name : "", vtext,
	         quiet, tls, hostname != NULL ? hostname : "");
	slot = strmap_slot(c->remotes, content, strlen(content), &created);
	if (!created) {
		return *slot;
	}

	snprintf(idtext, sizeof(idtext), "nsd-%s%s%s%s%s%s%s", addr, key ? "-key-" : "",
	         key ? key->tag : "", via ? "-via-" : "", vtext, tls ? "-tls" : "",
	         quiet ? "-quiet" : "");
	id = idset_make(c->ids, idtext);
	*slot = (void *)id;
	knotmap_comment(c, &c->remote_out, "  ", option, a->file, a->line);
	kbuf_printf(&c->remote_out, "  - id: %s\n    address: %s\n", id, addr);
	if (via != NULL) {
		kbuf_printf(&c->remote_out, "    via: %s\n", vtext);
	}
	if (key != NULL) {
		kbuf_puts(&c->remote_out, "    key: ");
		kbuf_value(&c->remote_out, key->name);
		kbuf_puts(&c->remote_out, "\n");
	}
	if (tls) {
		kbuf_puts(&c->remote_out, "    tls: on\n");
	}
	if (hostname != NULL) {
		kbuf_puts(&c->remote_out, "    cert-hostname: ");
		kbuf_value(&c->remote_out, hostname);
		kbuf_puts(&c->remote_out, "\n");
	}
	/* server.automatic-acl: on in knot.conf would let masters notify and notify
	 * targets transfer; NSD allows only what allow-notify/provide-xfr say. */
	kbuf_puts(&c->remote_out, "    automatic-acl: off\n");
	/* A transfer from a primary makes knotd 3.2 plan a NOTIFY event one second
	 * ahead even when the zone has no notify list, and knotd starts no event planned
	 * for the current second early (events.c reschedules only when the earliest
	 * whole-second time changes): a NOTIFY arriving in that second waits up to 1 s
	 * for its refresh. Zones with nothing to notify use a remote that tells knotd
	 * not to plan that NOTIFY. */
	if (quiet) {
		kbuf_puts(&c->remote_out, "    block-notify-after-transfer: on\n");
	}
	return id;
}

/* A primary over TLS: knotd 3.5 checks its certificate's name as NSD does (against
 * server.ca-file); knotd 3.4 takes any certificate, so an attacker on the path could
 * serve the zone. */
static void tls_note(struct knotmap_ctx *c, const char *option, const struct nsdconf_acl *a)
{
	const char *hostname = knotmap_tls_hostname(c, a->tls_auth);
	char how[512];

	if (hostname != NULL) {
		snprintf(how, sizeof(how), "remote tls: on, cert-hostname %s, checked against "
		         "server.ca-file", hostname);
		knotmap_note(c, a->file, a->line, option, NSDCONF_K_EXACT, false, how);
		return;
	}
	snprintf(how, sizeof(how), "remote tls: on, but knotd %s does not check the primary's "
	         "certificate against tls-auth %s's auth-domain-name: any certificate is taken",
	         knotmap_cert_hostname(c) ? "without an auth-domain-name Knot holds" : "3.4",
	         a->tls_auth);
	knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, true, how);
}

/* request-xfr or notify entries as a list of remote ids ("[a, b]"); false when empty.
 * With mod-nsd's self NOTIFY, a notify list with any entry NSD sends to is knotd's own
 * remote alone: the module notifies the entries. */
static bool remote_list(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                        enum nsdconf_pslot s, struct kbuf *out)
{
	const char *option = nsdconf_option_slot(NSDCONF_CL_PATTERN, s)->name;
	bool self = s == NSDCONF_P_NOTIFY && c->opts->self_notify != NULL && !c->catalog_member;
	/* A primary of a zone that notifies nobody (see remote_id). */
	bool quiet = s == NSDCONF_P_REQUEST_XFR && nsdconf_pacl(p, NSDCONF_P_NOTIFY) == NULL;
	int n = 0;

	for (const struct nsdconf_acl *a = nsdconf_pacl(p, s); a != NULL; a = a->next) {
		const struct knotmap_key *key = knotmap_key_of(c, a);
		const struct nsdconf_acl *via;
		const char *id;
		bool created;
		void **slot;

		if (a->tls_auth != NULL && !knotmap_has_tls(c)) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
			             "XoT (tls-auth) needs Knot 3.4: this primary is not used");
			continue;
		}
		if (a->tls_auth != NULL) {
			tls_note(c, option, a);
		}
		if (a->key == NSDCONF_ACL_KEY && key == NULL) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
			             "its key is not defined: entry not written");
			continue;
		}
		if (a->port > 65535) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_UNSUPPORTED, false,
			             "port out of range: entry not written");
			continue;
		}
		if (a->axfr_only) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, false,
			             "AXFR flag: knotd asks for IXFR and falls back to AXFR itself "
			             "(no AXFR-only primary in Knot 3.2)");
		}
		if (a->udp) {
			knotmap_note(c, a->file, a->line, option, NSDCONF_K_APPROX, false,
			             "UDP flag: knotd transfers over TCP only");
		}
		if (self) {
			n++;
			continue;
		}
		via = via_for(p, a->ipv6);
		/* Patterns share ACL lists through include-pattern, so the same entry can
		 * be the primary of a quiet zone and of one that notifies. */
		slot = strmap_ptr_slot(c->by_ptr, quiet ? -1 - (int)s : (int)s, a, via, &created);
		if (created) {
			*slot = (void *)remote_id(c, option, a, key, via, quiet);
		}
		id = *slot;
		kbuf_puts(out, n++ == 0 ? "[" : ", ");
		kbuf_puts(out, id);
	}
	if (self && n > 0) {
		kbuf_puts(out, "[" KNOTMAP_SELF_REMOTE);
	}
	if (n > 0) {
		kbuf_puts(out, "]");
	}
	return n > 0;
}

/* "    master: [a, b]" when at least one entry could be written (yparser has no
 * empty list; a zone left without primaries is served from its file). */
void knotmap_remote_item(struct knotmap_ctx *c, const struct nsdconf_pattern *p,
                         enum nsdconf_pslot s, const char *item, struct kbuf *b)
{
	size_t mark = b->b.len;

	if (nsdconf_pacl(p, s) == NULL) {
		return;
	}
	kbuf_puts(b, "    ");
	kbuf_puts(b, item);
	kbuf_puts(b, ": ");
	if (remote_list(c, p, s, b)) {
		kbuf_puts(b, "\n");
	} else if (!b->oom) {
		b->b.len = mark;
	}
}

void knotmap_self_notify(struct knotmap_ctx *c, struct kbuf *keys)
{
	const struct knotmap_self_notify *sn = c->opts->self_notify;
	if (sn == NULL) {
		return;
	}
	/* A name in the reserved .invalid TLD: no key of nsd.conf can be meant. */
	kbuf_puts(keys, "  - id: " KNOTMAP_SELF_KEY "\n    algorithm: hmac-sha256\n"
	                "    secret: ");
	kbuf_value(keys, sn->secret);
	kbuf_puts(keys, "\n");
	/* No acl names the key: only mod-nsd takes these NOTIFYs. */
	kbuf_puts(&c->remote_out, "  - id: " KNOTMAP_SELF_REMOTE "\n    address: ");
	kbuf_value(&c->remote_out, sn->address);
	kbuf_puts(&c->remote_out, "\n    key: " KNOTMAP_SELF_KEY "\n    automatic-acl: off\n");
}
