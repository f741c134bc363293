/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The option table: name, clause, syntax, default, merge rule, printing and Knot mapping of every option. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lexer.h"
#include "conf/options.h"
#include "conf/unaligned.h"

#define S NSDCONF_IN(NSDCONF_CL_SERVER)
#define RC NSDCONF_IN(NSDCONF_CL_REMOTE_CONTROL)
#define KY NSDCONF_IN(NSDCONF_CL_KEY)
#define TA NSDCONF_IN(NSDCONF_CL_TLS_AUTH)
#define PT NSDCONF_IN(NSDCONF_CL_PATTERN)
#define ZN NSDCONF_IN(NSDCONF_CL_ZONE)
#define PZ NSDCONF_IN_PZ
#define VF NSDCONF_IN(NSDCONF_CL_VERIFY)
#define DT NSDCONF_IN(NSDCONF_CL_DNSTAP)

#define T(x) NSDCONF_T_##x
#define CK(x) NSDCONF_CHK_##x
#define C(x) NSDCONF_C_##x
#define G(x) NSDCONF_G_##x
#define P(x) NSDCONF_P_##x
#define M(x) NSDCONF_M_##x
#define V(x) NSDCONF_V_##x
#define Q(x) NSDCONF_Q_##x
#define K(x) NSDCONF_K_##x

/* Order matters twice: server rows are in nsd-checkconf -v order (the printer walks
 * them), pattern rows in print_zone_content_elems order. */
static const struct nsdconf_option options[] = {
	/* name, clauses, type, check, ctype, slot, merge, vprint, since, query, qfmt, default, knot, note */
	{ "debug-mode", S, T(BOOL), 0, 0, G(DEBUG_MODE), 0, V(BOOL), 461, "debug_mode", Q(BOOL), "no", K(NONE), "knotd runs in the foreground unless daemonized by its service manager" },
	{ "ip-transparent", S, T(BOOL), 0, 0, G(IP_TRANSPARENT), 0, V(BOOL), 461, "ip_transparent", Q(BOOL), "no", K(APPROX), "server.listen binds non-local addresses on Linux anyway (IP_FREEBIND)" },
	{ "ip-freebind", S, T(BOOL), 0, 0, G(IP_FREEBIND), 0, V(BOOL), 461, "ip_freebind", Q(BOOL), "no", K(APPROX), "knotd sets IP_FREEBIND on its sockets" },
	{ "reuseport", S, T(BOOL), 0, 0, G(REUSEPORT), 0, V(BOOL), 461, "reuseport", Q(BOOL), "no", K(EXACT), "server.udp-workers share SO_REUSEPORT sockets" },
	{ "do-ip4", S, T(BOOL), 0, 0, G(DO_IP4), 0, V(BOOL), 461, "do_ip4", Q(BOOL), "yes", K(EXACT), "no: its listen addresses are left out, as NSD opens no IPv4 socket" },
	{ "do-ip6", S, T(BOOL), 0, 0, G(DO_IP6), 0, V(BOOL), 461, "do_ip6", Q(BOOL), "yes", K(EXACT), "no: its listen addresses are left out, as NSD opens no IPv6 socket" },
	{ "send-buffer-size", S, T(NUM), 0, C(INT), G(SEND_BUFFER_SIZE), 0, V(INT), 461, "send_buffer_size", Q(INT), "0", K(UNSUPPORTED), "knotd sizes its socket buffers itself" },
	{ "receive-buffer-size", S, T(NUM), 0, C(INT), G(RECEIVE_BUFFER_SIZE), 0, V(INT), 461, "receive_buffer_size", Q(INT), "0", K(UNSUPPORTED), "knotd sizes its socket buffers itself" },
	{ "hide-version", S, T(BOOL), 0, 0, G(HIDE_VERSION), 0, V(BOOL), 461, "hide_version", Q(BOOL), "no", K(EXACT), "server.version: \"\"" },
	{ "hide-identity", S, T(BOOL), 0, 0, G(HIDE_IDENTITY), 0, V(BOOL), 461, "hide_identity", Q(BOOL), "no", K(EXACT), "server.identity: \"\"" },
	{ "drop-updates", S, T(BOOL), 0, 0, G(DROP_UPDATES), 0, V(BOOL), 461, "drop_updates", Q(BOOL), "no", K(APPROX), "knotd refuses UPDATE without an update ACL (REFUSED/NOTAUTH instead of a drop)" },
	{ "tcp-reject-overflow", S, T(BOOL), 0, 0, G(TCP_REJECT_OVERFLOW), 0, V(BOOL), 461, "tcp_reject_overflow", Q(BOOL), "no", K(UNSUPPORTED), "knotd has no equivalent" },
	{ "database", S, T(STR), CK(DATABASE), 0, G(DATABASE), 0, V(STR), 300, "database", Q(PATH), "/var/lib/nsd/nsd.db", K(NONE), "Knot keeps zones in its journal and timer database (database.storage)" },
	{ "identity", S, T(STR), 0, 0, G(IDENTITY), 0, V(STR), 300, "identity", Q(STR), NULL, K(EXACT), "server.identity" },
	{ "version", S, T(STR), 0, 0, G(VERSION), 0, V(STR), 461, "version", Q(STR), NULL, K(EXACT), "server.version" },
	{ "nsid", S, T(NSID), 0, 0, G(NSID), 0, V(STR), 461, "nsid", Q(STR), NULL, K(EXACT), "server.nsid (hex)" },
	{ "logfile", S, T(STR), 0, 0, G(LOGFILE), 0, V(STR), 300, "logfile", Q(PATH), NULL, K(EXACT), "log.target" },
	{ "log-only-syslog", S, T(BOOL), 0, 0, G(LOG_ONLY_SYSLOG), 0, V(BOOL), 461, "log_only_syslog", Q(BOOL), "no", K(EXACT), "log.target: syslog" },
	{ "server-count", S, T(NUM), CK(GT0), C(INT), G(SERVER_COUNT), 0, V(INT), 300, "server_count", Q(INT), "1", K(EXACT), "server.udp-workers and tcp-workers (threads; NSD: processes)" },
	{ "cpu-affinity", S, T(CPUS), 0, 0, G(CPU_AFFINITY), 0, V(SPECIAL), 461, NULL, 0, NULL, K(UNSUPPORTED), "knotd has no CPU pinning" },
	{ "xfrd-cpu-affinity", S, T(SERVICE_CPU), 0, 0, G(SERVICE_CPU_AFFINITY), 0, V(NONE), 461, NULL, 0, NULL, K(UNSUPPORTED), "knotd has no CPU pinning" },
	{ "tcp-count", S, T(NUM), CK(GT0), C(INT), G(TCP_COUNT), 0, V(INT), 300, "tcp_count", Q(INT), "100", K(EXACT), "server.tcp-max-clients" },
	{ "tcp-query-count", S, T(NUM), 0, C(INT), G(TCP_QUERY_COUNT), 0, V(INT), 461, "tcp_query_count", Q(INT), "0", K(UNSUPPORTED), "knotd has no per-connection query limit" },
	{ "tcp-timeout", S, T(NUM), 0, C(INT), G(TCP_TIMEOUT), 0, V(INT), 461, "tcp_timeout", Q(INT), "120", K(APPROX), "server.tcp-idle-timeout (also tcp-io-timeout for transfers)" },
	{ "tcp-mss", S, T(NUM), 0, C(INT), G(TCP_MSS), 0, V(INT), 461, "tcp_mss", Q(INT), "0", K(UNSUPPORTED), "knotd does not set TCP_MAXSEG" },
	{ "outgoing-tcp-mss", S, T(NUM), 0, C(INT), G(OUTGOING_TCP_MSS), 0, V(INT), 461, "outgoing_tcp_mss", Q(INT), "0", K(UNSUPPORTED), "knotd does not set TCP_MAXSEG" },
	{ "xfrd-tcp-max", S, T(NUM), 0, C(INT), G(XFRD_TCP_MAX), 0, V(INT), 461, "xfrd_tcp_max", Q(INT), "128", K(UNSUPPORTED), "knotd's background workers bound concurrent transfers" },
	{ "xfrd-tcp-pipeline", S, T(NUM), 0, C(INT), G(XFRD_TCP_PIPELINE), 0, V(INT), 461, "xfrd_tcp_pipeline", Q(INT), "128", K(UNSUPPORTED), "knotd does not pipeline transfers" },
	{ "ipv4-edns-size", S, T(NUM), 0, C(SIZE), G(IPV4_EDNS_SIZE), 0, V(INT), 461, "ipv4_edns_size", Q(INT), "1232", K(EXACT), "server.udp-max-payload-ipv4" },
	{ "ipv6-edns-size", S, T(NUM), 0, C(SIZE), G(IPV6_EDNS_SIZE), 0, V(INT), 461, "ipv6_edns_size", Q(INT), "1232", K(EXACT), "server.udp-max-payload-ipv6" },
	{ "pidfile", S, T(STR), 0, 0, G(PIDFILE), 0, V(STR), 300, "pidfile", Q(PATH), "/run/nsd/nsd.pid", K(EXACT), "server.pidfile" },
	{ "port", S, T(PORT), 0, 0, G(PORT), 0, V(STR), 300, "port", Q(STR), "53", K(EXACT), "server.listen addr@port" },
	{ "statistics", S, T(NUM), 0, C(INT), G(STATISTICS), 0, V(INT), 300, "statistics", Q(INT), "0", K(APPROX), "knotc stats on demand" },
	{ "chroot", S, T(STR), 0, 0, G(CHROOT), 0, V(CHROOT), 300, "chroot", Q(STR), NULL, K(UNSUPPORTED), "knotd has no chroot" },
	{ "username", S, T(STR), 0, 0, G(USERNAME), 0, V(STR), 300, "username", Q(STR), "nsd", K(EXACT), "server.user" },
	{ "zonesdir", S, T(STR), 0, 0, G(ZONESDIR), 0, V(STR), 300, "zonesdir", Q(PATH), "/etc/nsd", K(EXACT), "relative zonefiles are written as absolute zone.file paths" },
	{ "xfrdfile", S, T(STR), 0, 0, G(XFRDFILE), 0, V(STR), 300, "xfrdfile", Q(PATH), "/var/lib/nsd/xfrd.state", K(APPROX), "Knot's timer database in database.storage" },
	{ "zonelistfile", S, T(STR), 0, 0, G(ZONELISTFILE), 0, V(STR), 400, "zonelistfile", Q(PATH), "/var/lib/nsd/zone.list", K(EXACT), "its zones are read and configured like the others" },
	{ "xfrdir", S, T(STR), 0, 0, G(XFRDIR), 0, V(STR), 400, "xfrdir", Q(PATH), "/tmp", K(NONE), "knotd applies transfers in memory" },
	{ "xfrd-reload-timeout", S, T(NUM), 0, C(INT), G(XFRD_RELOAD_TIMEOUT), 0, V(INT), 300, "xfrd_reload_timeout", Q(INT), "1", K(APPROX), "knotd applies each transfer at once" },
	{ "log-time-ascii", S, T(BOOL), 0, 0, G(LOG_TIME_ASCII), 0, V(BOOL), 461, "log_time_ascii", Q(BOOL), "yes", K(NONE), "knotd's log format is fixed" },
	{ "log-time-iso", S, T(BOOL), 0, 0, G(LOG_TIME_ISO), 0, V(BOOL), 4110, "log_time_iso", Q(BOOL), "no", K(NONE), "knotd logs ISO time stamps" },
	{ "round-robin", S, T(BOOL), 0, 0, G(ROUND_ROBIN), 0, V(BOOL), 461, "round_robin", Q(BOOL), "no", K(UNSUPPORTED), "knotd has no RRset rotation in 3.2" },
	{ "minimal-responses", S, T(BOOL), 0, 0, G(MINIMAL_RESPONSES), 0, V(BOOL), 461, "minimal_responses", Q(BOOL), "no", K(APPROX), "knotd answers minimally by default" },
	{ "confine-to-zone", S, T(BOOL), 0, 0, G(CONFINE_TO_ZONE), 0, V(BOOL), 461, "confine_to_zone", Q(BOOL), "no", K(APPROX), "knotd never adds out-of-zone data" },
	{ "refuse-any", S, T(BOOL), 0, 0, G(REFUSE_ANY), 0, V(BOOL), 461, "refuse_any", Q(BOOL), "no", K(APPROX), "mod-noudp/minimal ANY: knotd answers ANY with one RRset" },
	{ "verbosity", S, T(NUM), 0, C(INT), G(VERBOSITY), 0, V(INT), 300, "verbosity", Q(INT), "0", K(APPROX), "log severity: 0 notice, 1 info, 2+ debug" },
	{ "ip-address", S, T(IPLIST), 0, 0, G(IP_ADDRESS), 0, V(SPECIAL), 300, "ip_address", Q(IPLIST), NULL, K(EXACT), "server.listen" },
	{ "rrl-size", S, T(NUM), CK(GT0), C(SIZE), G(RRL_SIZE), 0, V(INT), 461, "rrl_size", Q(INT), "1000000", K(EXACT), "mod-rrl table-size" },
	{ "rrl-ratelimit", S, T(NUM), 0, C(SIZE), G(RRL_RATELIMIT), 0, V(INT), 461, "rrl_ratelimit", Q(INT), "200", K(EXACT), "mod-rrl rate-limit" },
	{ "rrl-slip", S, T(NUM), 0, C(SIZE), G(RRL_SLIP), 0, V(INT), 461, "rrl_slip", Q(INT), "2", K(EXACT), "mod-rrl slip" },
	{ "rrl-ipv4-prefix-length", S, T(NUM), CK(LE32), C(SIZE), G(RRL_IPV4_PREFIX_LENGTH), 0, V(INT), 461, "rrl_ipv4_prefix_length", Q(INT), "24", K(APPROX), "mod-rrl counts IPv4 clients per /24, always" },
	{ "rrl-ipv6-prefix-length", S, T(NUM), CK(LE64), C(SIZE), G(RRL_IPV6_PREFIX_LENGTH), 0, V(INT), 461, "rrl_ipv6_prefix_length", Q(INT), "64", K(APPROX), "mod-rrl counts IPv6 clients per /56, always" },
	{ "rrl-whitelist-ratelimit", S, T(NUM), 0, C(SIZE), G(RRL_WHITELIST_RATELIMIT), 0, V(INT), 461, "rrl_whitelist_ratelimit", Q(INT), "2000", K(UNSUPPORTED), "mod-rrl has a whitelist by address only" },
	{ "reload-config", S, T(BOOL), 0, 0, G(RELOAD_CONFIG), 0, V(BOOL), 4110, "reload_config", Q(BOOL), "no", K(EXACT), "knotd always re-reads its configuration on SIGHUP" },
	{ "zonefiles-check", S, T(BOOL), 0, 0, G(ZONEFILES_CHECK), 0, V(BOOL), 461, "zonefiles_check", Q(BOOL), "yes", K(APPROX), "knotd always loads changed zonefiles on reload; no cannot be honoured" },
	{ "zonefiles-write", S, T(NUM), 0, C(INT), G(ZONEFILES_WRITE), 0, V(INT), 461, "zonefiles_write", Q(INT), "0", K(APPROX), "zone.zonefile-sync" },
	{ "tls-service-key", S, T(STR), 0, 0, G(TLS_SERVICE_KEY), 0, V(STR), 461, "tls_service_key", Q(STR), NULL, K(UNSUPPORTED), "DNS over TLS needs Knot 3.4" },
	{ "tls-service-pem", S, T(STR), 0, 0, G(TLS_SERVICE_PEM), 0, V(STR), 461, "tls_service_pem", Q(STR), NULL, K(UNSUPPORTED), "DNS over TLS needs Knot 3.4" },
	{ "tls-service-ocsp", S, T(STR), 0, 0, G(TLS_SERVICE_OCSP), 0, V(STR), 461, "tls_service_ocsp", Q(STR), NULL, K(UNSUPPORTED), "DNS over TLS needs Knot 3.4" },
	{ "tls-port", S, T(PORT), 0, 0, G(TLS_PORT), 0, V(STR), 461, "tls_port", Q(STR), "853", K(UNSUPPORTED), "DNS over TLS needs Knot 3.4" },
	{ "tls-cert-bundle", S, T(STR), 0, 0, G(TLS_CERT_BUNDLE), 0, V(STR), 461, "tls_cert_bundle", Q(STR), NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },
	{ "tls-auth-port", S, T(NUM), 0, C(INT), G(TLS_AUTH_PORT), 0, V(NONE), 4101, NULL, 0, NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },
	{ "tls-auth-xfr-only", S, T(BOOL), CK(AFTER_TLS_AUTH_PORT), 0, G(TLS_AUTH_XFR_ONLY), 0, V(NONE), 4101, NULL, 0, "no", K(MODULE), "mod-nsd refuses every transfer (REFUSED, EDE 18): knotd 3.2 has no TLS, so none is tls-auth; knotd alone: not supported" },
	{ "proxy-protocol-port", S, T(NUM), CK(PORT_LIST), C(INT), G(PROXY_PROTOCOL_PORT), 0, V(SPECIAL), 480, "proxy_protocol_port", Q(INT_LIST), NULL, K(UNSUPPORTED), "knotd 3.2 has no PROXYv2" },
	{ "answer-cookie", S, T(BOOL), 0, 0, G(ANSWER_COOKIE), 0, V(BOOL), 461, "answer_cookie", Q(BOOL), "no", K(APPROX), "mod-cookies" },
	{ "cookie-secret", S, T(STR), CK(COOKIE), 0, G(COOKIE_SECRET), 0, V(STR_IF_SET), 461, "cookie_secret", Q(STR), NULL, K(APPROX), "mod-cookies secret" },
	{ "cookie-staging-secret", S, T(STR), CK(COOKIE), 0, G(COOKIE_STAGING_SECRET), 0, V(STR), 4110, "cookie_staging_secret", Q(STR), NULL, K(UNSUPPORTED), "mod-cookies rotates its own secret" },
	{ "cookie-secret-file", S, T(STR), 0, 0, G(COOKIE_SECRET_FILE), 0, V(STR_IF_SET), 461, "cookie_secret_file", Q(STR), "/etc/nsd/nsd_cookiesecrets.txt", K(UNSUPPORTED), "mod-cookies takes the secret inline" },
	{ "use-systemd", S, T(IGNORED_BOOL), 0, 0, G(USE_SYSTEMD), 0, V(NONE), 461, NULL, 0, NULL, K(NONE), "ignored by NSD too" },
	{ "ip4-only", S, T(IP_ONLY), 0, 0, G(IP4_ONLY), 0, V(NONE), 300, NULL, 0, NULL, K(EXACT), "sets do-ip4/do-ip6" },
	{ "ip6-only", S, T(IP_ONLY), 0, 0, G(IP6_ONLY), 0, V(NONE), 300, NULL, 0, NULL, K(EXACT), "sets do-ip4/do-ip6" },
	{ "difffile", S, T(IGNORED_STR), 0, 0, G(DIFFFILE), 0, V(NONE), 300, NULL, 0, NULL, K(NONE), "ignored by NSD too" },
	{ "tcp-listen-queue", S, T(NUM), 0, C(INT), G(TCP_LISTEN_QUEUE), 0, V(NONE), 4140, NULL, 0, NULL, K(UNSUPPORTED), "knotd's listen backlog is fixed" },
	{ "xdp-interface", S, T(STR), 0, 0, G(XDP_INTERFACE), 0, V(NONE), 4130, NULL, 0, NULL, K(UNSUPPORTED), "not converted: xdp.listen by hand (needs knotd built with XDP)" },
	{ "xdp-program-path", S, T(STR), 0, 0, G(XDP_PROGRAM_PATH), 0, V(NONE), 4130, NULL, 0, NULL, K(UNSUPPORTED), "knotd loads its own XDP program" },
	{ "xdp-program-load", S, T(BOOL), 0, 0, G(XDP_PROGRAM_LOAD), 0, V(NONE), 4130, NULL, 0, NULL, K(UNSUPPORTED), "knotd loads its own XDP program" },
	{ "xdp-bpffs-path", S, T(STR), 0, 0, G(XDP_BPFFS_PATH), 0, V(NONE), 4130, NULL, 0, NULL, K(UNSUPPORTED), "knotd loads its own XDP program" },
	{ "xdp-force-copy", S, T(BOOL), 0, 0, G(XDP_FORCE_COPY), 0, V(NONE), 4130, NULL, 0, NULL, K(UNSUPPORTED), "knotd loads its own XDP program" },
	{ "metrics-enable", S, T(BOOL), 0, 0, G(METRICS_ENABLE), 0, V(BOOL), 4120, "metrics_enable", Q(BOOL), "no", K(APPROX), "knotc stats / a Prometheus exporter" },
	{ "metrics-interface", S, T(IPLIST), 0, 0, G(METRICS_INTERFACE), 0, V(IPLIST), 4120, "metrics_interface", Q(IPLIST), NULL, K(UNSUPPORTED), "no HTTP metrics endpoint in knotd" },
	{ "metrics-port", S, T(NUM), CK(METRICS_PORT), C(INT), G(METRICS_PORT), 0, V(INT), 4120, "metrics_port", Q(INT), "9100", K(UNSUPPORTED), "no HTTP metrics endpoint in knotd" },
	{ "metrics-path", S, T(STR), 0, 0, G(METRICS_PATH), 0, V(STR), 4120, "metrics_path", Q(STR), "/metrics", K(UNSUPPORTED), "no HTTP metrics endpoint in knotd" },

	/* dnstap: (Debian builds NSD with dnstap) */
	{ "dnstap-enable", DT, T(BOOL), 0, 0, G(DNSTAP_ENABLE), 0, V(BOOL), 461, "dnstap_enable", Q(BOOL), "no", K(UNSUPPORTED), "not converted: mod-dnstap by hand (Debian: package knot-module-dnstap)" },
	{ "dnstap-socket-path", DT, T(STR), 0, 0, G(DNSTAP_SOCKET_PATH), 0, V(STR), 461, "dnstap_socket_path", Q(STR), "/var/run/nsd-dnstap.sock", K(UNSUPPORTED), "not converted: mod-dnstap sink: unix:<path> by hand" },
	{ "dnstap-ip", DT, T(STR), 0, 0, G(DNSTAP_IP), 0, V(STR), 470, "dnstap_ip", Q(STR), "", K(UNSUPPORTED), "mod-dnstap 3.2 writes to a file or unix socket" },
	{ "dnstap-tls", DT, T(BOOL), 0, 0, G(DNSTAP_TLS), 0, V(BOOL), 470, "dnstap_tls", Q(BOOL), "yes", K(UNSUPPORTED), "mod-dnstap 3.2 has no TLS" },
	{ "dnstap-tls-server-name", DT, T(STR), 0, 0, G(DNSTAP_TLS_SERVER_NAME), 0, V(STR), 470, "dnstap_tls_server_name", Q(STR), NULL, K(UNSUPPORTED), "mod-dnstap 3.2 has no TLS" },
	{ "dnstap-tls-cert-bundle", DT, T(STR), 0, 0, G(DNSTAP_TLS_CERT_BUNDLE), 0, V(STR), 470, "dnstap_tls_cert_bundle", Q(STR), NULL, K(UNSUPPORTED), "mod-dnstap 3.2 has no TLS" },
	{ "dnstap-tls-client-key-file", DT, T(STR), 0, 0, G(DNSTAP_TLS_CLIENT_KEY_FILE), 0, V(STR), 470, "dnstap_tls_client_key_file", Q(STR), NULL, K(UNSUPPORTED), "mod-dnstap 3.2 has no TLS" },
	{ "dnstap-tls-client-cert-file", DT, T(STR), 0, 0, G(DNSTAP_TLS_CLIENT_CERT_FILE), 0, V(STR), 470, "dnstap_tls_client_cert_file", Q(STR), NULL, K(UNSUPPORTED), "mod-dnstap 3.2 has no TLS" },
	{ "dnstap-send-identity", DT, T(BOOL), 0, 0, G(DNSTAP_SEND_IDENTITY), 0, V(BOOL), 461, "dnstap_send_identity", Q(BOOL), "no", K(UNSUPPORTED), "not converted: mod-dnstap identity by hand" },
	{ "dnstap-send-version", DT, T(BOOL), 0, 0, G(DNSTAP_SEND_VERSION), 0, V(BOOL), 461, "dnstap_send_version", Q(BOOL), "no", K(UNSUPPORTED), "not converted: mod-dnstap version by hand" },
	{ "dnstap-identity", DT, T(STR), 0, 0, G(DNSTAP_IDENTITY), 0, V(STR), 461, "dnstap_identity", Q(STR), NULL, K(UNSUPPORTED), "not converted: mod-dnstap identity by hand" },
	{ "dnstap-version", DT, T(STR), 0, 0, G(DNSTAP_VERSION), 0, V(STR), 461, "dnstap_version", Q(STR), NULL, K(UNSUPPORTED), "not converted: mod-dnstap version by hand" },
	{ "dnstap-log-auth-query-messages", DT, T(BOOL), 0, 0, G(DNSTAP_LOG_AUTH_QUERY_MESSAGES), 0, V(BOOL), 461, "dnstap_log_auth_query_messages", Q(BOOL), "no", K(UNSUPPORTED), "not converted: mod-dnstap log-queries by hand" },
	{ "dnstap-log-auth-response-messages", DT, T(BOOL), 0, 0, G(DNSTAP_LOG_AUTH_RESPONSE_MESSAGES), 0, V(BOOL), 461, "dnstap_log_auth_response_messages", Q(BOOL), "no", K(UNSUPPORTED), "not converted: mod-dnstap log-responses by hand" },

	/* remote-control: */
	{ "control-enable", RC, T(BOOL), 0, 0, G(CONTROL_ENABLE), 0, V(BOOL), 400, "control_enable", Q(BOOL), "yes", K(APPROX), "knotc over control.listen (a unix socket)" },
	{ "control-interface", RC, T(IPLIST), 0, 0, G(CONTROL_INTERFACE), 0, V(IPLIST), 400, "control_interface", Q(IPLIST), NULL, K(APPROX), "control.listen is a unix socket" },
	{ "control-port", RC, T(NUM), CK(CONTROL_PORT), C(INT), G(CONTROL_PORT), 0, V(INT), 400, "control_port", Q(INT), "8952", K(UNSUPPORTED), "control.listen is a unix socket" },
	{ "server-key-file", RC, T(STR), 0, 0, G(SERVER_KEY_FILE), 0, V(STR), 400, "server_key_file", Q(STR), "/etc/nsd/nsd_server.key", K(UNSUPPORTED), "knotc needs no TLS" },
	{ "server-cert-file", RC, T(STR), 0, 0, G(SERVER_CERT_FILE), 0, V(STR), 400, "server_cert_file", Q(STR), "/etc/nsd/nsd_server.pem", K(UNSUPPORTED), "knotc needs no TLS" },
	{ "control-key-file", RC, T(STR), 0, 0, G(CONTROL_KEY_FILE), 0, V(STR), 400, "control_key_file", Q(STR), "/etc/nsd/nsd_control.key", K(UNSUPPORTED), "knotc needs no TLS" },
	{ "control-cert-file", RC, T(STR), 0, 0, G(CONTROL_CERT_FILE), 0, V(STR), 400, "control_cert_file", Q(STR), "/etc/nsd/nsd_control.pem", K(UNSUPPORTED), "knotc needs no TLS" },

	/* verify: */
	{ "enable", VF, T(BOOL), 0, 0, G(VERIFY_ENABLE), 0, V(BOOL), 460, NULL, 0, "no", K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "ip-address", VF, T(IPLIST), 0, 0, G(VERIFY_IP_ADDRESS), 0, V(IPLIST), 460, NULL, 0, NULL, K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "port", VF, T(PORT), 0, 0, G(VERIFY_PORT), 0, V(SPECIAL), 460, NULL, 0, "5347", K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verify-zones", VF, T(BOOL), 0, 0, G(VERIFY_ZONES), 0, V(BOOL), 460, NULL, 0, "yes", K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier", VF, T(COMMAND), 0, 0, G(VERIFIER), 0, V(COMMAND), 460, NULL, 0, NULL, K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier-count", VF, T(NUM), 0, C(INT), G(VERIFIER_COUNT), 0, V(INT), 460, NULL, 0, "1", K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier-feed-zone", VF, T(BOOL), 0, 0, G(VERIFIER_FEED_ZONE), 0, V(BOOL), 460, NULL, 0, "yes", K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier-timeout", VF, T(NUM), 0, C(INT), G(VERIFIER_TIMEOUT), 0, V(INT), 460, NULL, 0, "0", K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },

	/* key: */
	{ "name", KY, T(NAME), 0, 0, NSDCONF_K_NAME, 0, V(STR), 300, NULL, 0, NULL, K(EXACT), "key.id (the exact string)" },
	{ "algorithm", KY, T(ALGORITHM), 0, 0, NSDCONF_K_ALGORITHM, 0, V(STR), 300, NULL, 0, "sha256", K(EXACT), "key.algorithm hmac-*" },
	{ "secret", KY, T(SECRET), 0, 0, NSDCONF_K_SECRET, 0, V(STR), 300, NULL, 0, NULL, K(EXACT), "key.secret" },

	/* tls-auth: */
	{ "name", TA, T(NAME), 0, 0, NSDCONF_T_NAME_SLOT, 0, V(STR), 437, NULL, 0, NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },
	{ "auth-domain-name", TA, T(STR), 0, 0, NSDCONF_T_AUTH_DOMAIN_NAME, 0, V(STR), 437, NULL, 0, NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },
	{ "client-cert", TA, T(STR), 0, 0, NSDCONF_T_CLIENT_CERT, 0, V(NONE), 438, NULL, 0, NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },
	{ "client-key", TA, T(STR), 0, 0, NSDCONF_T_CLIENT_KEY, 0, V(NONE), 438, NULL, 0, NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },
	{ "client-key-pw", TA, T(STR), 0, 0, NSDCONF_T_CLIENT_KEY_PW, 0, V(NONE), 438, NULL, 0, NULL, K(UNSUPPORTED), "XoT needs Knot 3.4" },

	/* pattern: and zone: (pattern rows in nsd-checkconf's print order) */
	{ "name", PZ, T(NAME), 0, 0, P(NAME), 0, V(NONE), 300, "name", Q(STR), NULL, K(EXACT), "zone.domain / template" },
	{ "zonefile", PZ, T(STR), 0, 0, P(ZONEFILE), M(IF_SET), V(STR_IF_SET), 300, "zonefile", Q(PATH), NULL, K(EXACT), "zone.file, % templates expanded, absolute" },
	{ "rrl-whitelist", PZ, T(RRL_TYPES), 0, 0, P(RRL_WHITELIST), M(OR), V(RRL_TYPES), 461, "rrl_whitelist", Q(RRL_TYPES), NULL, K(UNSUPPORTED), "mod-rrl whitelists addresses, not answer types" },
	{ "allow-query", PZ, T(ACL), 0, 0, P(ALLOW_QUERY), M(APPEND), V(ACL), 436, "allow_query", Q(ACL), NULL, K(MODULE), "mod-nsd gate (knotd's acl only sees signed queries)", "allow_query:" },
	{ "allow-notify", PZ, T(ACL), 0, 0, P(ALLOW_NOTIFY), M(APPEND), V(ACL), 300, "allow_notify", Q(ACL), NULL, K(EXACT), "acl action notify (deny rules first); @port, &mask: mod-nsd" },
	{ "request-xfr", PZ, T(ACL_XFR), 0, 0, P(REQUEST_XFR), M(APPEND), V(ACL), 300, "request_xfr", Q(ACL), NULL, K(EXACT), "remote + zone.master; AXFR/UDP flags approximated" },
	{ "multi-master-check", PZ, T(BOOL), 0, 0, P(MULTI_MASTER_CHECK), M(IF_YES), V(BOOL_IF_TRUE), 461, "multi_master_check", Q(BOOL), "no", K(UNSUPPORTED), "knotd 3.2 uses the first primary that answers" },
	{ "notify-retry", PZ, T(NUM), 0, C(U8), P(NOTIFY_RETRY), M(IF_SET), V(INT_IF_SET), 300, "notify_retry", Q(BOOL), "5", K(MODULE), "knotd retries without a count limit; mod-nsd's own NOTIFYs honour it" },
	{ "notify", PZ, T(ACL_NOTIFY), 0, 0, P(NOTIFY), M(APPEND), V(ACL), 300, "notify", Q(ACL), NULL, K(EXACT), "remote + zone.notify (knotd sends NOTIFY over TCP)" },
	{ "provide-xfr", PZ, T(ACL), 0, 0, P(PROVIDE_XFR), M(APPEND), V(ACL), 300, "provide_xfr", Q(ACL), NULL, K(EXACT), "acl action transfer (deny rules first); @port, &mask: mod-nsd" },
	{ "zonestats", PZ, T(STR), 0, 0, P(ZONESTATS), M(IF_SET), V(STR_IF_SET), 461, "zonestats", Q(STR), NULL, K(APPROX), "mod-stats per zone" },
	{ "outgoing-interface", PZ, T(ACL_OUT), 0, 0, P(OUTGOING_INTERFACE), M(APPEND), V(ACL_IPS), 300, "outgoing_interface", Q(ACL_IPS), NULL, K(EXACT), "remote.via" },
	{ "allow-axfr-fallback", PZ, T(BOOL), 0, 0, P(ALLOW_AXFR_FALLBACK), M(IF_SET), V(BOOL_IF_SET), 321, "allow_axfr_fallback", Q(BOOL), "yes", K(APPROX), "knotd always falls back to AXFR" },
	{ "max-refresh-time", PZ, T(NUM), 0, C(U32), P(MAX_REFRESH_TIME), M(IF_SET), V(INT_IF_SET), 461, "max_refresh_time", Q(INT), "2419200", K(EXACT), "zone.refresh-max-interval" },
	{ "min-refresh-time", PZ, T(NUM), 0, C(U32), P(MIN_REFRESH_TIME), M(IF_SET), V(INT_IF_SET), 461, "min_refresh_time", Q(INT), "0", K(EXACT), "zone.refresh-min-interval" },
	{ "max-retry-time", PZ, T(NUM), 0, C(U32), P(MAX_RETRY_TIME), M(IF_SET), V(INT_IF_SET), 461, "max_retry_time", Q(INT), "1209600", K(EXACT), "zone.retry-max-interval" },
	{ "min-retry-time", PZ, T(NUM), 0, C(U32), P(MIN_RETRY_TIME), M(IF_SET), V(INT_IF_SET), 461, "min_retry_time", Q(INT), "0", K(EXACT), "zone.retry-min-interval" },
	{ "min-expire-time", PZ, T(EXPIRE), 0, C(U32), P(MIN_EXPIRE_TIME), M(IF_SET), V(EXPIRE), 461, "min_expire_time", Q(EXPIRE), NULL, K(APPROX), "zone.expire-min-interval; refresh+retry+1 uses the clamped maxima" },
	{ "size-limit-xfr", PZ, T(NUM), CK(GT0), C(U64_VIA_INT), P(SIZE_LIMIT_XFR), M(ALWAYS), V(LLU_IF_NONZERO), 461, "size_limit_xfr", Q(INT), "0", K(APPROX), "zone.zone-max-size limits the zone, not the transfer" },
	{ "store-ixfr", PZ, T(BOOL), 0, 0, P(STORE_IXFR), M(IF_SET), V(BOOL_IF_SET), 450, "store_ixfr", Q(BOOL), "no", K(APPROX), "knotd keeps IXFR history in its journal" },
	{ "ixfr-number", PZ, T(NUM), 0, C(U32), P(IXFR_NUMBER), M(IF_SET), V(UNSIGNED_IF_SET), 450, "ixfr_number", Q(INT), "5", K(APPROX), "zone.journal-max-depth" },
	{ "ixfr-size", PZ, T(NUM), 0, C(U64), P(IXFR_SIZE), M(IF_SET), V(UNSIGNED_IF_SET), 450, "ixfr_size", Q(INT), "1048576", K(APPROX), "zone.journal-max-usage" },
	{ "create-ixfr", PZ, T(BOOL), 0, 0, P(CREATE_IXFR), M(IF_SET), V(BOOL_IF_SET), 450, "create_ixfr", Q(BOOL), "no", K(APPROX), "with store-ixfr: zone.journal-content: changes, zone.zonefile-load: difference" },
	{ "verify-zone", PZ, T(BOOL), 0, 0, P(VERIFY_ZONE), M(NEVER), V(BOOL_IF_SET), 460, NULL, 0, NULL, K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier", PZ, T(COMMAND), 0, 0, P(VERIFIER), M(IF_SET), V(COMMAND), 460, NULL, 0, NULL, K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier-feed-zone", PZ, T(BOOL), 0, 0, P(VERIFIER_FEED_ZONE), M(NEVER), V(BOOL_IF_SET), 460, NULL, 0, NULL, K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "verifier-timeout", PZ, T(NUM), 0, C(I32), P(VERIFIER_TIMEOUT), M(NEVER), V(INT_IF_SET), 460, NULL, 0, NULL, K(UNSUPPORTED), "knotd 3.2 has no external zone verifier" },
	{ "catalog", PZ, T(CATALOG), 0, 0, P(CATALOG), M(IF_SET), V(CATALOG), 490, NULL, 0, NULL, K(APPROX), "zone.catalog-role: interpret (consumer) or generate (producer); knotd deletes a member that leaves the catalog with its data, NSD keeps its zonefile" },
	{ "catalog-member-pattern", PZ, T(STR), 0, 0, P(CATALOG_MEMBER_PATTERN), M(IF_SET), V(STR_IF_SET), 490, NULL, 0, NULL, K(EXACT), "zone.catalog-template: this pattern first, then every pattern a group property may name" },
	{ "catalog-producer-zone", PT, T(STR), CK(PRODUCER_ZONE), 0, P(CATALOG_PRODUCER_ZONE), M(IF_SET), V(STR_IF_SET), 490, NULL, 0, NULL, K(APPROX), "zone.catalog-role: member, catalog-zone, catalog-group (the pattern name, as NSD); knotd's member ids are a hash of the name, NSD's random" },
	{ "include-pattern", PZ, T(INCLUDE_PATTERN), 0, 0, P(INCLUDE_PATTERN), 0, V(NONE), 400, NULL, 0, NULL, K(EXACT), "flattened into the zone's template" },
};

/* Keywords that are other spellings of a row (same storage). */
static const struct {
	const char *name, *canonical;
	uint16_t since;
} aliases[] = {
	{ "interface", "ip-address", 401 },
	{ "multi-primary-check", "multi-master-check", 490 },
};

static const char *const clause_names[NSDCONF_KW_OPTIONS] = {
	"server", "remote-control", "key", "tls-auth", "pattern", "zone", "verify", "dnstap",
};
static const enum nsdconf_clause clause_of_kw[NSDCONF_KW_OPTIONS] = {
	NSDCONF_CL_SERVER, NSDCONF_CL_REMOTE_CONTROL, NSDCONF_CL_KEY, NSDCONF_CL_TLS_AUTH,
	NSDCONF_CL_PATTERN, NSDCONF_CL_ZONE, NSDCONF_CL_VERIFY, NSDCONF_CL_DNSTAP,
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))
#define N_ALIASES (sizeof(aliases) / sizeof(aliases[0]))
#define MAX_KW (NSDCONF_KW_OPTIONS + N_OPTIONS + N_ALIASES)

/* Keyword registry built once from the table: distinct names, and per keyword the
 * rows that accept it (one per clause at most). */
#define KW_TEXT_MAX 40   /* longest keyword text, "dnstap-log-auth-response-messages:" */
struct kw_entry {
	const char *name;
	size_t len;
	unsigned since;
	const struct nsdconf_option *row[NSDCONF_CL_COUNT];
	char text[KW_TEXT_MAX];  /* "<name>:", what the scanner sees most of the time */
};
static struct kw_entry kws[MAX_KW];
static int n_kws;
/* Keyword texts hashed case-insensitively: the scanner asks once per word. */
#define KW_HASH 1024
static int16_t kw_hash[KW_HASH];
static const struct nsdconf_option *slot_rows[NSDCONF_CL_COUNT][NSDCONF_G_SLOTS];
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;
/* Set once kw_build has run: the scanner and parser ask for every keyword, and
 * an inline check is cheaper than a pthread_once call each time. */
static bool kw_ready;

static int kw_find_exact(const char *name)
{
	for (int i = 0; i < n_kws; i++) {
		if (strcmp(kws[i].name, name) == 0) {
			return i;
		}
	}
	return -1;
}

static int kw_add(const char *name, unsigned since)
{
	int i = kw_find_exact(name);
	if (i < 0) {
		i = n_kws++;
		kws[i].name = name;
		kws[i].len = strlen(name);
		kws[i].since = since;
	} else if (since < kws[i].since) {
		kws[i].since = since;
	}
	return i;
}

static void kw_attach(int kw, const struct nsdconf_option *o)
{
	for (int cl = 1; cl < NSDCONF_CL_COUNT; cl++) {
		if (o->clauses & NSDCONF_IN(cl)) {
			kws[kw].row[cl] = o;
		}
	}
}

/* Hash of a keyword text (without its colon) from its length and its first and
 * last eight bytes, read a word at a time. Setting bit 5 of every byte folds
 * ASCII case (and merges some other bytes, which the comparison separates). */
static inline unsigned kw_hash_of(const char *s, size_t len)
{
	uint64_t a, b;
	if (len >= 8) {
		a = nsdconf_load64(s);
		b = nsdconf_load64(s + len - 8);
	} else if (len >= 4) {
		a = nsdconf_load32(s);
		b = nsdconf_load32(s + len - 4);
	} else {
		a = len > 0 ? (unsigned char)s[0] | (unsigned)(unsigned char)s[len - 1] << 8 : 0;
		b = len > 1 ? (unsigned char)s[1] : 0;
	}
	a |= 0x2020202020202020ULL;
	b |= 0x2020202020202020ULL;
	uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^ len;
	h *= 0xff51afd7ed558ccdULL;
	return (unsigned)(h >> 40) & (KW_HASH - 1);
}

/* memcmp(a, b, len) == 0 for len >= 4, inline: keyword texts are short and
 * compared once per keyword in nsd.conf. Overlapping loads cover the tail. */
static inline bool same_text(const char *a, const char *b, size_t len)
{
	if (len < 8) {
		return nsdconf_load32(a) == nsdconf_load32(b) && nsdconf_load32(a + len - 4) == nsdconf_load32(b + len - 4);
	}
	for (size_t i = 0; i + 8 < len; i += 8) {
		if (nsdconf_load64(a + i) != nsdconf_load64(b + i)) {
			return false;
		}
	}
	return nsdconf_load64(a + len - 8) == nsdconf_load64(b + len - 8);
}

/* flex -i: ASCII letters match either case, every other byte only itself. name
 * is lower case. */
static bool kw_ieq(const char *text, const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];
		if ((unsigned)(c - 'A') < 26u) {
			c += 'a' - 'A';
		}
		if (c != (unsigned char)name[i]) {
			return false;
		}
	}
	return true;
}

static void kw_build(void)
{
	for (int i = 0; i < NSDCONF_KW_OPTIONS; i++) {
		kw_add(clause_names[i], 300);
	}
	kws[NSDCONF_KW_TLS_AUTH].since = 437;
	kws[NSDCONF_KW_VERIFY].since = 460;
	kws[NSDCONF_KW_PATTERN].since = 400;
	kws[NSDCONF_KW_REMOTE_CONTROL].since = 400;
	kws[NSDCONF_KW_DNSTAP].since = 461;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct nsdconf_option *o = &options[i];
		kw_attach(kw_add(o->name, o->since), o);
		for (int cl = 1; cl < NSDCONF_CL_COUNT; cl++) {
			if (o->clauses & NSDCONF_IN(cl)) {
				slot_rows[cl][o->slot] = o;
			}
		}
	}
	for (size_t i = 0; i < N_ALIASES; i++) {
		int canon = kw_find_exact(aliases[i].canonical);
		int kw = kw_add(aliases[i].name, aliases[i].since);
		for (int cl = 1; cl < NSDCONF_CL_COUNT; cl++) {
			kws[kw].row[cl] = kws[canon].row[cl];
		}
	}
	for (int i = 0; i < KW_HASH; i++) {
		kw_hash[i] = -1;
	}
	for (int i = 0; i < n_kws; i++) {
		if (kws[i].len + 2 > KW_TEXT_MAX || kws[i].len < 3) {
			abort();   /* KW_TEXT_MAX must grow with the table; same_text needs 4 bytes */
		}
		memcpy(kws[i].text, kws[i].name, kws[i].len);
		kws[i].text[kws[i].len] = ':';
		unsigned h = kw_hash_of(kws[i].name, kws[i].len);
		while (kw_hash[h] >= 0) {
			h = (h + 1) & (KW_HASH - 1);
		}
		kw_hash[h] = (int16_t)i;
	}
}

static void kw_build_once(void)
{
	kw_build();
	__atomic_store_n(&kw_ready, true, __ATOMIC_RELEASE);
}

static inline void kw_init(void)
{
	if (!__atomic_load_n(&kw_ready, __ATOMIC_ACQUIRE)) {
		pthread_once(&kw_once, kw_build_once);
	}
}

int nsdconf_keyword_lookup(const char *text, size_t len, const char **spelling)
{
	kw_init();
	if (spelling != NULL) {
		*spelling = NULL;
	}
	if (len < 2 || len > KW_TEXT_MAX - 1 || text[len - 1] != ':') {
		return -1;
	}
	for (unsigned h = kw_hash_of(text, len - 1); kw_hash[h] >= 0; h = (h + 1) & (KW_HASH - 1)) {
		const struct kw_entry *e = &kws[kw_hash[h]];
		if (e->len != len - 1) {
			continue;
		}
		/* Most configs write keywords in lower case: one comparison settles it.
		 * Every keyword text is at least "key:", four bytes. */
		if (same_text(text, e->text, len)) {
			if (spelling != NULL) {
				*spelling = e->text;
			}
			return kw_hash[h];
		}
		if (kw_ieq(text, e->name, len - 1)) {
			return kw_hash[h];
		}
	}
	return -1;
}

enum nsdconf_clause nsdconf_kw_clause(int kw)
{
	return (kw >= 0 && kw < NSDCONF_KW_OPTIONS) ? clause_of_kw[kw] : NSDCONF_CL_NONE;
}

const struct nsdconf_option *nsdconf_option_in(int kw, enum nsdconf_clause cl)
{
	kw_init();
	if (kw < NSDCONF_KW_OPTIONS || kw >= n_kws || cl <= NSDCONF_CL_NONE || cl >= NSDCONF_CL_COUNT) {
		return NULL;
	}
	return kws[kw].row[cl];
}

const struct nsdconf_option *nsdconf_options(size_t *count)
{
	*count = N_OPTIONS;
	return options;
}

const struct nsdconf_option *nsdconf_option_slot(enum nsdconf_clause cl, int slot)
{
	kw_init();
	if (cl <= NSDCONF_CL_NONE || cl >= NSDCONF_CL_COUNT || slot < 0 || slot >= NSDCONF_G_SLOTS) {
		return NULL;
	}
	return slot_rows[cl][slot];
}

const char *nsdconf_kw_name(int kw)
{
	kw_init();
	return (kw >= 0 && kw < n_kws) ? kws[kw].name : "?";
}

unsigned nsdconf_kw_since(int kw)
{
	kw_init();
	return (kw >= 0 && kw < n_kws) ? kws[kw].since : 0;
}

long long nsdconf_ctype_store(enum nsdconf_ctype ct, long long v)
{
	switch (ct) {
	case NSDCONF_C_U8: return (uint8_t)v;
	case NSDCONF_C_U16: return (uint16_t)v;
	case NSDCONF_C_U32: return (uint32_t)v;
	case NSDCONF_C_I32: return (int32_t)v;
	case NSDCONF_C_U64: return v;
	case NSDCONF_C_U64_VIA_INT: return (int)v;
	case NSDCONF_C_SIZE: return v;
	case NSDCONF_C_INT:
	default: return (int)v;
	}
}

static const char *const rrl_names[] = {
	"nxdomain", "error", "referral", "any", "wildcard", "nodata", "dnskey", "positive", "rrsig",
};

const char *nsdconf_rrl_type_name(unsigned bit)
{
	for (unsigned i = 0; i < sizeof(rrl_names) / sizeof(rrl_names[0]); i++) {
		if (bit == (1u << i)) {
			return rrl_names[i];
		}
	}
	return bit == NSDCONF_RRL_ALL ? "all" : "unknown";
}

unsigned nsdconf_rrl_type_bits(const char *name)
{
	/* NSD's rrlstr2type: exact, case-sensitive; unknown words are silently 0. */
	if (strcmp(name, "all") == 0) {
		return NSDCONF_RRL_ALL;
	}
	for (unsigned i = 0; i < sizeof(rrl_names) / sizeof(rrl_names[0]); i++) {
		if (strcmp(name, rrl_names[i]) == 0) {
			return 1u << i;
		}
	}
	return 0;
}
