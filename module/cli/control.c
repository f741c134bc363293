/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd control: nsd-control's command line, its reading of nsd.conf, and the
 * command sent and answered as nsd-control does (exit 1 when the answer starts with
 * "error"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/checkconf.h"
#include "cli/control.h"
#include "conf/zonefile.h"

#define DEFAULT_CONFIG "/etc/nsd/nsd.conf"

static void usage(const struct nsdconf_release *rel)
{
	/* 4.9 renamed slave to secondary in these lines */
	const char *sec = rel->version >= 4120 ? "secondary" : "slave";

	printf("Usage:\tnsd-control [options] command\n"
	       "\tRemote control utility for nsd server.\n"
	       "Version %s. Report bugs to <%s>.\n", rel->name, rel->bugs);
	printf("Options:\n"
	       "  -c file\tconfig file, default is %s\n"
	       "  -s ip[@port]\tserver address, if omitted config is used.\n"
	       "  -h\t\tshow this usage help.\n", DEFAULT_CONFIG);
	printf("Commands:\n"
	       "  start\t\t\t\tstart server; runs nsd(8)\n"
	       "  stop\t\t\t\tstops the server\n"
	       "  reload [<zone>]\t\treload modified zonefiles from disk\n"
	       "  reconfig\t\t\treload the config file\n"
	       "  repattern\t\t\tthe same as reconfig\n"
	       "  log_reopen\t\t\treopen logfile (for log rotate)\n"
	       "  status\t\t\tdisplay status of server\n"
	       "  stats\t\t\t\tprint statistics\n"
	       "  stats_noreset\t\t\tpeek at statistics\n"
	       "  addzone <name> <pattern>\tadd a new zone\n"
	       "  delzone <name>\t\tremove a zone\n"
	       "  changezone <name> <pattern>\tchange zone to use pattern\n"
	       "  addzones\t\t\tadd zone list on stdin {name space pattern newline}\n"
	       "  delzones\t\t\tremove zone list on stdin {name newline}\n"
	       "  write [<zone>]\t\twrite changed zonefiles to disk\n");
	printf("  notify [<zone>]\t\tsend NOTIFY messages to %s servers\n"
	       "  transfer [<zone>]\t\ttry to update %s zones to newer serial\n"
	       "  force_transfer [<zone>]\tupdate %s zones with AXFR, no serial check\n",
	       sec, sec, sec);
	printf("  zonestatus [<zone>]\t\tprint state, serial, activity\n"
	       "  serverpid\t\t\tget pid of server process\n"
	       "  verbosity <number>\t\tchange logging detail\n"
	       "  print_tsig [<key_name>]\tprint tsig with <name> the secret and algo\n"
	       "  update_tsig <name> <secret>\tchange existing tsig with <name> to a new <secret>\n"
	       "  add_tsig <name> <secret> [algo] add new key with the given parameters\n"
	       "  assoc_tsig <zone> <key_name>\tassociate <zone> with given tsig <key_name> name\n"
	       "  del_tsig <key_name>\t\tdelete tsig <key_name> from configuration\n"
	       "  add_cookie_secret <secret>\tadd (or replace) a new cookie secret <secret>\n"
	       "  drop_cookie_secret\t\tdrop a staging cookie secret\n"
	       "  activate_cookie_secret\tmake a staging cookie secret active\n"
	       "  print_cookie_secrets\t\tshow all cookie secrets with their status\n");
	exit(1);
}

/* A file of the remote-control clause: nsd-control chdir()s to zonesdir when one of
 * them is relative, so relative names are taken from there. */
static const char *control_file(struct nsdconf_model *m, enum nsdconf_gslot s,
                                const char *cwd)
{
	const char *path = nsdconf_zonefile_path(nsdconf_gstr(m, s),
	                                         nsdconf_gstr(m, NSDCONF_G_ZONESDIR), cwd,
	                                         m->arena);
	if (path == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	return path;
}

/* The server to contact: -s, else the first control-interface, else the loopback of
 * the first address family in use; "host@port" sets the port. 0, or 1 after a message. */
static int resolve_target(struct nsdconf_model *m, const char *svr, struct control_target *t)
{
	const struct nsdconf_ip *first = m->global[NSDCONF_G_CONTROL_INTERFACE].ip;
	char cwd[4096];
	char *at;

	memset(t, 0, sizeof(*t));
	t->port = (int)nsdconf_gnum(m, NSDCONF_G_CONTROL_PORT);
	/* TLS follows the configuration, whatever -s names (options_remote_is_address) */
	t->tls = first == NULL || first->address[0] != '/';
	if (svr == NULL) {
		if (first != NULL) {
			svr = first->address;
		} else {
			svr = nsdconf_gnum(m, NSDCONF_G_DO_IP4) ? "127.0.0.1" : "::1";
		}
		/* a wildcard address means this host */
		if (strcmp(svr, "0.0.0.0") == 0) {
			svr = "127.0.0.1";
		} else if (strcmp(svr, "::0") == 0 || strcmp(svr, "0::0") == 0 ||
		           strcmp(svr, "0::") == 0 || strcmp(svr, "::") == 0) {
			svr = "::1";
		}
	}
	snprintf(t->host, sizeof(t->host), "%s", svr);
	at = strchr(t->host, '@');
	if (at != NULL) {
		*at++ = '\0';
		t->port = atoi(at);
		if (t->port == 0) {
			fprintf(stderr, "could not parse port %s\n", at);
			return 1;
		}
	}
	if (t->host[0] == '/') {
		t->is_unix = true;
		t->port = 0;
	}
	if (t->tls) {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			snprintf(cwd, sizeof(cwd), ".");
		}
		t->server_cert = control_file(m, NSDCONF_G_SERVER_CERT_FILE, cwd);
		t->client_key = control_file(m, NSDCONF_G_CONTROL_KEY_FILE, cwd);
		t->client_cert = control_file(m, NSDCONF_G_CONTROL_CERT_FILE, cwd);
	}
	return 0;
}

/* Sends the command (and standard input for addzones/delzones), prints the answer;
 * returns nsd-control's exit code. */
static int run_command(struct control_conn *c, int argc, char **argv)
{
	char buf[1024];
	bool first = true;
	int was_error = 0;

	if (!control_write(c, CONTROL_MAGIC, strlen(CONTROL_MAGIC))) {
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		if (!control_write(c, " ", 1) || !control_write(c, argv[i], strlen(argv[i]))) {
			return 1;
		}
	}
	if (!control_write(c, "\n", 1)) {
		return 1;
	}
	if (argc == 1 && (strcmp(argv[0], "addzones") == 0 || strcmp(argv[0], "delzones") == 0)) {
		while (fgets(buf, sizeof(buf), stdin) != NULL) {
			if (!control_write(c, buf, strlen(buf))) {
				return 1;
			}
		}
		if (!control_write(c, CONTROL_EOF_MARK, strlen(CONTROL_EOF_MARK))) {
			return 1;
		}
	}
	for (;;) {
		long n = control_read(c, buf, sizeof(buf) - 1);

		if (n < 0) {
			return 1;
		}
		if (n == 0) {
			break;
		}
		buf[n] = '\0';
		/* nsd-control prints each piece as a C string and judges the first */
		fputs(buf, stdout);
		if (first && strncmp(buf, "error", 5) == 0) {
			was_error = 1;
		}
		first = false;
	}
	return was_error;
}

int control_main(int argc, char **argv, const char *nsd_version)
{
	const struct nsdconf_release *rel = checkconf_release(nsd_version);
	const char *config = DEFAULT_CONFIG;
	const char *svr = NULL;
	struct control_target target;
	struct control_conn conn = { .fd = -1 };
	int c, rc;

	if (rel == NULL) {
		return 1;
	}
	/* getopt's messages name nsd-control, and glibc permutes as for Debian's */
	argv[0] = "nsd-control";
	while ((c = getopt(argc, argv, "c:s:h")) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			svr = optarg;
			break;
		default:
			usage(rel);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(rel);
	}
	if (strcmp(argv[0], "start") == 0) {
		fprintf(stderr, "error: knot-nsd control does not start knotd: start it with "
		        "its service (systemctl start knot)\n");
		return 1;
	}

	struct nsdconf_parse_opts opts = { .max_version = rel->version, .release = rel };
	struct nsdconf_diag diag = { 0 };
	struct nsdconf_model *m = nsdconf_parse_file(config, &opts, &diag);
	if (m == NULL || m->fatal != NULL || diag.errors > 0) {
		if (m != NULL && m->fatal != NULL) {
			fprintf(stderr, "%s\n", m->fatal);
		}
		fprintf(stderr, "could not read config file\n");
		nsdconf_model_free(m);
		return 1;
	}
	if (!nsdconf_gnum(m, NSDCONF_G_CONTROL_ENABLE)) {
		fprintf(stderr, "warning: control-enable is 'no' in the config file.\n");
	}
	rc = resolve_target(m, svr, &target);
	if (rc == 0) {
		rc = control_connect(&target, strcmp(argv[0], "status") == 0, &conn);
	}
	if (rc == 0 && target.tls) {
		rc = control_tls_start(&target, &conn);
	}
	if (rc == 0) {
		rc = run_command(&conn, argc, argv);
	}
	control_close(&conn);
	nsdconf_model_free(m);
	return rc;
}
