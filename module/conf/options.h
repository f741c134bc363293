/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The option table: every nsd.conf option described once; parser, printer and mapper walk it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Clauses. */
enum nsdconf_clause {
	NSDCONF_CL_NONE = 0,
	NSDCONF_CL_SERVER,
	NSDCONF_CL_REMOTE_CONTROL,
	NSDCONF_CL_KEY,
	NSDCONF_CL_TLS_AUTH,
	NSDCONF_CL_PATTERN,
	NSDCONF_CL_ZONE,
	NSDCONF_CL_VERIFY,
	NSDCONF_CL_DNSTAP,
	NSDCONF_CL_COUNT,
};
#define NSDCONF_IN(cl) (1u << (cl))
#define NSDCONF_IN_PZ (NSDCONF_IN(NSDCONF_CL_PATTERN) | NSDCONF_IN(NSDCONF_CL_ZONE))

/* Value syntax (and what the parser does with it). */
enum nsdconf_type {
	NSDCONF_T_BOOL,         /* yes|no, else "expected yes or no" and abort */
	NSDCONF_T_NUM,          /* digits only, else "expected a number" and abort */
	NSDCONF_T_STR,
	NSDCONF_T_PORT,         /* number, stored as its decimal text (NSD's char* port) */
	NSDCONF_T_IPLIST,       /* ip-address, control-interface: appended strings */
	NSDCONF_T_ACL,          /* <spec> <key|NOKEY|BLOCKED>, appended */
	NSDCONF_T_ACL_XFR,      /* request-xfr: [AXFR|UDP] <spec> <key> [tls-auth] */
	NSDCONF_T_ACL_NOTIFY,   /* notify: single address, no BLOCKED */
	NSDCONF_T_ACL_OUT,      /* outgoing-interface: <spec> */
	NSDCONF_T_EXPIRE,       /* number or "refresh+retry+1" */
	NSDCONF_T_RRL_TYPES,    /* rrl-whitelist: OR of type bits */
	NSDCONF_T_COMMAND,      /* verifier: 1+ strings */
	NSDCONF_T_CPUS,         /* cpu-affinity: strings of numbers */
	NSDCONF_T_SERVICE_CPU,  /* xfrd-cpu-affinity:, server-N-cpu-affinity: number */
	NSDCONF_T_NSID,         /* hex or ascii_<text> */
	NSDCONF_T_NAME,         /* name: of key/tls-auth/zone/pattern (clause-specific checks) */
	NSDCONF_T_ALGORITHM,    /* key algorithm: checked against known HMACs */
	NSDCONF_T_SECRET,       /* base64 */
	NSDCONF_T_INCLUDE_PATTERN,
	NSDCONF_T_CATALOG,      /* consumer|producer (4.9+) */
	NSDCONF_T_IGNORED_BOOL, /* parsed, no effect (use-systemd) */
	NSDCONF_T_IGNORED_STR,  /* parsed, no effect (difffile) */
	NSDCONF_T_IP_ONLY,      /* ip4-only/ip6-only: yes sets do-ip4/do-ip6 */
};

/* Extra value checks after the syntax. */
enum nsdconf_check {
	NSDCONF_CHK_NONE,
	NSDCONF_CHK_GT0,        /* "expected a number greater than zero" (no abort) */
	NSDCONF_CHK_CONTROL_PORT, /* "control port number expected" for 0 */
	NSDCONF_CHK_METRICS_PORT,
	NSDCONF_CHK_LE32,       /* "invalid IPv4 prefix length" */
	NSDCONF_CHK_LE64,       /* "invalid IPv6 prefix length" */
	NSDCONF_CHK_DATABASE,   /* database "" switches zonefiles-write on */
	NSDCONF_CHK_COOKIE,     /* 4.11+: 32 hex digits */
	NSDCONF_CHK_AFTER_TLS_AUTH_PORT, /* tls-auth-xfr-only must follow tls-auth-port */
	NSDCONF_CHK_PRODUCER_ZONE, /* 4.9: patterns only, a domain name, looked up after */
	NSDCONF_CHK_PORT_LIST,  /* proxy-protocol-port: every value kept, newest first */
};

/* The C type NSD stores the number in: what a huge value turns into. */
enum nsdconf_ctype {
	NSDCONF_C_INT = 0,
	NSDCONF_C_U8,
	NSDCONF_C_U16,
	NSDCONF_C_U32,
	NSDCONF_C_I32,
	NSDCONF_C_U64,
	NSDCONF_C_U64_VIA_INT,  /* (int) then widened: size-limit-xfr */
	NSDCONF_C_SIZE,
};

/* include-pattern: how a pattern's value lands in the including clause. */
enum nsdconf_merge {
	NSDCONF_M_NONE = 0,     /* not a pattern option */
	NSDCONF_M_IF_SET,       /* copied when explicitly set in the pattern */
	NSDCONF_M_ALWAYS,       /* always copied, even the default (size-limit-xfr quirk) */
	NSDCONF_M_IF_YES,       /* copied only when yes (multi-master-check) */
	NSDCONF_M_OR,           /* bitwise OR (rrl-whitelist) */
	NSDCONF_M_APPEND,       /* ACL lists: copies appended */
	NSDCONF_M_NEVER,        /* never copied (verify-zone & co: NSD's forgotten flag) */
};

/* How nsd-checkconf -v prints the option. */
enum nsdconf_vprint {
	NSDCONF_V_NONE = 0,     /* not printed */
	NSDCONF_V_BOOL,         /* "\tname: yes|no" */
	NSDCONF_V_INT,          /* "\tname: %d" */
	NSDCONF_V_STR,          /* "\tname: \"v\"" or "\t#name:" when unset */
	NSDCONF_V_STR_IF_SET,   /* only when set */
	NSDCONF_V_BOOL_IF_SET,
	NSDCONF_V_INT_IF_SET,
	NSDCONF_V_UNSIGNED_IF_SET,
	NSDCONF_V_LLU_IF_NONZERO,
	NSDCONF_V_BOOL_IF_TRUE,
	NSDCONF_V_ACL,          /* one line per entry (+ -vv detail) */
	NSDCONF_V_ACL_IPS,      /* outgoing-interface: specs only */
	NSDCONF_V_IPLIST,       /* control-interface / verify ip-address lines */
	NSDCONF_V_SPECIAL,      /* printed by hand (ip-address, cpu-affinity, ...) */
	NSDCONF_V_EXPIRE,
	NSDCONF_V_RRL_TYPES,
	NSDCONF_V_COMMAND,
	NSDCONF_V_CHROOT,       /* string, and nsd-checkconf appends '/' */
	NSDCONF_V_COOKIE_FILE,  /* 4.12: '#name: "default"' when unset, 'name: ""' set empty */
	NSDCONF_V_CATALOG,      /* "catalog: consumer|producer" when set */
};

/* How nsd-checkconf -o prints the option. */
enum nsdconf_qfmt {
	NSDCONF_Q_NONE = 0,
	NSDCONF_Q_BOOL,
	NSDCONF_Q_INT,
	NSDCONF_Q_STR,
	NSDCONF_Q_PATH,         /* string, with -f: chroot prefix */
	NSDCONF_Q_ACL,
	NSDCONF_Q_ACL_IPS,
	NSDCONF_Q_IPLIST,
	NSDCONF_Q_RRL_TYPES,
	NSDCONF_Q_EXPIRE,       /* stored integer (0 for refresh+retry+1) */
	NSDCONF_Q_INT_LIST,     /* proxy-protocol-port: one line per value, none unset */
};

/* What knot-nsd does with the option in Knot (convert --report, module log). */
enum nsdconf_knot {
	NSDCONF_K_NONE = 0,     /* no effect on serving (NSD-internal) */
	NSDCONF_K_EXACT,
	NSDCONF_K_APPROX,
	NSDCONF_K_UNSUPPORTED,
	NSDCONF_K_MODULE,       /* enforced by mod-nsd */
};

struct nsdconf_option {
	const char *name;       /* keyword without the colon */
	uint16_t clauses;       /* NSDCONF_IN(...) bits */
	uint8_t type;           /* enum nsdconf_type */
	uint8_t check;          /* enum nsdconf_check */
	uint8_t ctype;          /* enum nsdconf_ctype */
	uint8_t slot;           /* value index in the clause object */
	uint8_t merge;          /* enum nsdconf_merge */
	uint8_t vprint;         /* enum nsdconf_vprint */
	uint16_t since;         /* first NSD release accepting it: 461 = 4.6.1, 4101 = 4.10.1 */
	const char *query;      /* nsd-checkconf -o name, NULL when not queryable */
	uint8_t qfmt;           /* enum nsdconf_qfmt */
	const char *def;        /* default as Debian 12's nsd-checkconf shows it; NULL = unset */
	uint8_t knot;           /* enum nsdconf_knot */
	const char *knot_note;  /* how it maps, or why not */
	const char *vlabel;     /* -v label when it is not "<name>:" */
};

/* Server-wide values (server:, remote-control:, verify:, dnstap:), one slot each. */
enum nsdconf_gslot {
	NSDCONF_G_IP_ADDRESS, NSDCONF_G_IP_TRANSPARENT, NSDCONF_G_IP_FREEBIND, NSDCONF_G_REUSEPORT,
	NSDCONF_G_SEND_BUFFER_SIZE, NSDCONF_G_RECEIVE_BUFFER_SIZE, NSDCONF_G_DEBUG_MODE,
	NSDCONF_G_USE_SYSTEMD, NSDCONF_G_HIDE_VERSION, NSDCONF_G_HIDE_IDENTITY,
	NSDCONF_G_DROP_UPDATES, NSDCONF_G_IP4_ONLY, NSDCONF_G_IP6_ONLY, NSDCONF_G_DO_IP4,
	NSDCONF_G_DO_IP6, NSDCONF_G_DATABASE, NSDCONF_G_IDENTITY, NSDCONF_G_VERSION,
	NSDCONF_G_NSID, NSDCONF_G_LOGFILE, NSDCONF_G_LOG_ONLY_SYSLOG, NSDCONF_G_LOG_TIME_ASCII,
	NSDCONF_G_LOG_TIME_ISO, NSDCONF_G_SERVER_COUNT, NSDCONF_G_CPU_AFFINITY,
	NSDCONF_G_SERVICE_CPU_AFFINITY, NSDCONF_G_TCP_COUNT, NSDCONF_G_TCP_REJECT_OVERFLOW,
	NSDCONF_G_TCP_QUERY_COUNT, NSDCONF_G_TCP_TIMEOUT, NSDCONF_G_TCP_MSS,
	NSDCONF_G_OUTGOING_TCP_MSS, NSDCONF_G_TCP_LISTEN_QUEUE, NSDCONF_G_IPV4_EDNS_SIZE,
	NSDCONF_G_IPV6_EDNS_SIZE, NSDCONF_G_PIDFILE, NSDCONF_G_PORT, NSDCONF_G_STATISTICS,
	NSDCONF_G_CHROOT, NSDCONF_G_USERNAME, NSDCONF_G_ZONESDIR, NSDCONF_G_ZONELISTFILE,
	NSDCONF_G_DIFFFILE, NSDCONF_G_XFRDFILE, NSDCONF_G_XFRDIR, NSDCONF_G_XFRD_RELOAD_TIMEOUT,
	NSDCONF_G_XFRD_TCP_MAX, NSDCONF_G_XFRD_TCP_PIPELINE, NSDCONF_G_VERBOSITY,
	NSDCONF_G_ZONEFILES_CHECK, NSDCONF_G_ZONEFILES_WRITE, NSDCONF_G_RELOAD_CONFIG,
	NSDCONF_G_ROUND_ROBIN, NSDCONF_G_MINIMAL_RESPONSES, NSDCONF_G_CONFINE_TO_ZONE,
	NSDCONF_G_REFUSE_ANY, NSDCONF_G_RRL_SIZE, NSDCONF_G_RRL_RATELIMIT, NSDCONF_G_RRL_SLIP,
	NSDCONF_G_RRL_IPV4_PREFIX_LENGTH, NSDCONF_G_RRL_IPV6_PREFIX_LENGTH,
	NSDCONF_G_RRL_WHITELIST_RATELIMIT, NSDCONF_G_TLS_SERVICE_KEY, NSDCONF_G_TLS_SERVICE_PEM,
	NSDCONF_G_TLS_SERVICE_OCSP, NSDCONF_G_TLS_PORT, NSDCONF_G_TLS_CERT_BUNDLE,
	NSDCONF_G_TLS_AUTH_PORT, NSDCONF_G_TLS_AUTH_XFR_ONLY, NSDCONF_G_PROXY_PROTOCOL_PORT,
	NSDCONF_G_ANSWER_COOKIE, NSDCONF_G_COOKIE_SECRET, NSDCONF_G_COOKIE_STAGING_SECRET,
	NSDCONF_G_COOKIE_SECRET_FILE, NSDCONF_G_XDP_INTERFACE, NSDCONF_G_XDP_PROGRAM_PATH,
	NSDCONF_G_XDP_PROGRAM_LOAD, NSDCONF_G_XDP_BPFFS_PATH, NSDCONF_G_XDP_FORCE_COPY,
	NSDCONF_G_METRICS_ENABLE, NSDCONF_G_METRICS_INTERFACE, NSDCONF_G_METRICS_PORT,
	NSDCONF_G_METRICS_PATH,
	/* remote-control: */
	NSDCONF_G_CONTROL_ENABLE, NSDCONF_G_CONTROL_INTERFACE, NSDCONF_G_CONTROL_PORT,
	NSDCONF_G_SERVER_KEY_FILE, NSDCONF_G_SERVER_CERT_FILE, NSDCONF_G_CONTROL_KEY_FILE,
	NSDCONF_G_CONTROL_CERT_FILE,
	/* verify: */
	NSDCONF_G_VERIFY_ENABLE, NSDCONF_G_VERIFY_IP_ADDRESS, NSDCONF_G_VERIFY_PORT,
	NSDCONF_G_VERIFY_ZONES, NSDCONF_G_VERIFIER, NSDCONF_G_VERIFIER_COUNT,
	NSDCONF_G_VERIFIER_FEED_ZONE, NSDCONF_G_VERIFIER_TIMEOUT,
	/* dnstap: */
	NSDCONF_G_DNSTAP_ENABLE, NSDCONF_G_DNSTAP_SOCKET_PATH, NSDCONF_G_DNSTAP_IP,
	NSDCONF_G_DNSTAP_TLS, NSDCONF_G_DNSTAP_TLS_SERVER_NAME, NSDCONF_G_DNSTAP_TLS_CERT_BUNDLE,
	NSDCONF_G_DNSTAP_TLS_CLIENT_KEY_FILE, NSDCONF_G_DNSTAP_TLS_CLIENT_CERT_FILE,
	NSDCONF_G_DNSTAP_SEND_IDENTITY, NSDCONF_G_DNSTAP_SEND_VERSION, NSDCONF_G_DNSTAP_IDENTITY,
	NSDCONF_G_DNSTAP_VERSION, NSDCONF_G_DNSTAP_LOG_AUTH_QUERY_MESSAGES,
	NSDCONF_G_DNSTAP_LOG_AUTH_RESPONSE_MESSAGES,
	NSDCONF_G_SLOTS
};

enum nsdconf_kslot { NSDCONF_K_NAME, NSDCONF_K_ALGORITHM, NSDCONF_K_SECRET, NSDCONF_K_SLOTS };

enum nsdconf_tslot {
	NSDCONF_T_NAME_SLOT, NSDCONF_T_AUTH_DOMAIN_NAME, NSDCONF_T_CLIENT_CERT,
	NSDCONF_T_CLIENT_KEY, NSDCONF_T_CLIENT_KEY_PW, NSDCONF_T_SLOTS
};

/* Pattern (and zone) values, in nsd-checkconf -v print order. */
enum nsdconf_pslot {
	NSDCONF_P_NAME,
	NSDCONF_P_ZONEFILE, NSDCONF_P_RRL_WHITELIST, NSDCONF_P_ALLOW_QUERY,
	NSDCONF_P_ALLOW_NOTIFY, NSDCONF_P_REQUEST_XFR, NSDCONF_P_MULTI_MASTER_CHECK,
	NSDCONF_P_NOTIFY_RETRY, NSDCONF_P_NOTIFY, NSDCONF_P_PROVIDE_XFR, NSDCONF_P_ZONESTATS,
	NSDCONF_P_OUTGOING_INTERFACE, NSDCONF_P_ALLOW_AXFR_FALLBACK, NSDCONF_P_MAX_REFRESH_TIME,
	NSDCONF_P_MIN_REFRESH_TIME, NSDCONF_P_MAX_RETRY_TIME, NSDCONF_P_MIN_RETRY_TIME,
	NSDCONF_P_MIN_EXPIRE_TIME, NSDCONF_P_SIZE_LIMIT_XFR, NSDCONF_P_STORE_IXFR,
	NSDCONF_P_IXFR_NUMBER, NSDCONF_P_IXFR_SIZE, NSDCONF_P_CREATE_IXFR, NSDCONF_P_VERIFY_ZONE,
	NSDCONF_P_VERIFIER, NSDCONF_P_VERIFIER_FEED_ZONE, NSDCONF_P_VERIFIER_TIMEOUT,
	NSDCONF_P_CATALOG, NSDCONF_P_CATALOG_MEMBER_PATTERN, NSDCONF_P_CATALOG_PRODUCER_ZONE,
	NSDCONF_P_INCLUDE_PATTERN,
	NSDCONF_P_SLOTS
};

/* Keyword ids below NSDCONF_KW_OPTIONS are clause starts. */
enum nsdconf_kw_clause {
	NSDCONF_KW_SERVER = 0, NSDCONF_KW_REMOTE_CONTROL, NSDCONF_KW_KEY, NSDCONF_KW_TLS_AUTH,
	NSDCONF_KW_PATTERN, NSDCONF_KW_ZONE, NSDCONF_KW_VERIFY, NSDCONF_KW_DNSTAP,
	NSDCONF_KW_OPTIONS
};

/* min-expire-time "refresh+retry+1" is stored as this value. */
#define NSDCONF_EXPIRE_REFRESH_RETRY_1 (-1LL)

/* The clause a clause-start keyword opens. */
enum nsdconf_clause nsdconf_kw_clause(int kw);
/* The table row of keyword kw inside clause cl, or NULL (a syntax error there). */
const struct nsdconf_option *nsdconf_option_in(int kw, enum nsdconf_clause cl);
/* All rows, for walkers (printer, mapper, report). */
const struct nsdconf_option *nsdconf_options(size_t *count);
/* The row of a slot of a clause. */
const struct nsdconf_option *nsdconf_option_slot(enum nsdconf_clause cl, int slot);
/* The keyword text of a keyword id ("zonefile"), for messages. */
const char *nsdconf_kw_name(int kw);
/* The NSD release a keyword appeared in (461 for everything 4.6.1 has). */
unsigned nsdconf_kw_since(int kw);

/* Stores a number as NSD's C type would hold it. */
long long nsdconf_ctype_store(enum nsdconf_ctype ct, long long v);

/* rrl-whitelist type names, NSD's bit order. */
const char *nsdconf_rrl_type_name(unsigned bit);
unsigned nsdconf_rrl_type_bits(const char *name);
#define NSDCONF_RRL_ALL 0x1ff
