/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd: the command-line entry point, dispatching to its subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/checkconf.h"
#include "cli/control.h"
#include "cli/convert.h"

static int usage(FILE *out)
{
	fputs("usage: knot-nsd [--nsd-version=V] <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  checkconf [-v] [-f] [-h] [-o opt] [-z zone] [-p pattern] [-a key] [-s key]\n"
	      "            [-t tls-auth] nsd.conf\n"
	      "                 check nsd.conf and query it, as nsd-checkconf does: the NSD\n"
	      "                 release of --nsd-version (4.6.1 or 4.12.0), else of\n"
	      "                 $KNOT_NSD_NSD_VERSION, else the one installed at build time\n"
	      "  convert [-o file] [-r] [-m|-i] [-z zonelist] [--cwd dir] [--storage dir]\n"
	      "          [--rundir dir] [--module-file nsd.so] [--knot-include file] nsd.conf\n"
	      "                 write a complete knot.conf for nsd.conf, with a report of what\n"
	      "                 changes in meaning (convert --help, convert --list-options)\n"
	      "  control [-c nsd.conf] [-s server[@port]] command [args]\n"
	      "                 send a command to the server of nsd.conf's remote-control\n"
	      "                 (NSD, or knotd with mod-nsd), as nsd-control does\n"
	      "\n"
	      "See knot-nsd(1).\n", out);
	return out == stdout ? 0 : 1;
}

int main(int argc, char **argv)
{
	/* Before the command, so that nsd-checkconf's own options stay as they are. */
	const char *nsd_version = NULL;
	if (argc >= 2 && strncmp(argv[1], "--nsd-version=", 14) == 0) {
		nsd_version = argv[1] + 14;
		argc--;
		argv++;
	} else if (argc >= 3 && strcmp(argv[1], "--nsd-version") == 0) {
		nsd_version = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (nsd_version != NULL && nsd_version[0] == '\0') {
		fprintf(stderr, "knot-nsd: --nsd-version needs a version\n");
		return 1;
	}
	if (argc < 2) {
		return usage(stderr);
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "checkconf") == 0) {
		return checkconf_main(argc - 1, argv + 1, nsd_version);
	}
	if (strcmp(cmd, "convert") == 0) {
		return convert_main(argc - 1, argv + 1, nsd_version);
	}
	if (strcmp(cmd, "control") == 0) {
		return control_main(argc - 1, argv + 1, nsd_version);
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		return usage(stdout);
	}
	fprintf(stderr, "knot-nsd: unknown command '%s'\n", cmd);
	return usage(stderr);
}
