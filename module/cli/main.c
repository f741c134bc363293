/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd: the command-line entry point, dispatching to its subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/checkconf.h"
#include "cli/convert.h"

static int usage(FILE *out)
{
	fputs("usage: knot-nsd <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  checkconf [-v] [-f] [-h] [-o opt] [-z zone] [-p pattern] [-a key] [-s key]\n"
	      "            [-t tls-auth] nsd.conf\n"
	      "                 check nsd.conf and query it, as NSD 4.6.1's nsd-checkconf does\n"
	      "  convert [-o file] [-r] [-m|-i] [-z zonelist] [--cwd dir] [--storage dir]\n"
	      "          [--rundir dir] [--module-file nsd.so] [--knot-include file] nsd.conf\n"
	      "                 write a complete knot.conf for nsd.conf, with a report of what\n"
	      "                 changes in meaning (convert --help, convert --list-options)\n"
	      "\n"
	      "See knot-nsd(1).\n", out);
	return out == stdout ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		return usage(stderr);
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "checkconf") == 0) {
		return checkconf_main(argc - 1, argv + 1);
	}
	if (strcmp(cmd, "convert") == 0) {
		return convert_main(argc - 1, argv + 1);
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		return usage(stdout);
	}
	fprintf(stderr, "knot-nsd: unknown command '%s'\n", cmd);
	return usage(stderr);
}
