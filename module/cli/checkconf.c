/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd checkconf: nsd-checkconf's command line, flow and exit codes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checkconf.h"
#include "conf/checks.h"

static void usage(const struct nsdconf_release *rel)
{
	fprintf(stderr,
	      "usage: nsd-checkconf [-v|-h] [-o option] [-z zonename]\n"
	      "                     [-s keyname] [-t tlsauthname] <configfilename>\n"
	      "       Checks NSD configuration file for errors.\n"
	      "       Version %s. Report bugs to <%s>.\n\n", rel->name, rel->bugs);
	fputs("Use with a configfile as argument to check syntax.\n"
	      "Use with -o, -z, -t or -s options to query the configuration.\n\n"
	      "-v\t\t\tVerbose, echo settings that take effect to std output.\n"
	      "-h\t\t\tPrint this help information.\n"
	      "-f\t\t\tUse with -o to print final pathnames, ie. with chroot.\n"
	      "-o option\t\tPrint value of the option specified to stdout.\n"
	      "-p pattern\t\tPrint option value for the pattern given.\n"
	      "-z zonename\t\tPrint option value for the zone given.\n"
	      "-a keyname\t\tPrint algorithm name for the TSIG key.\n"
	      "-s keyname\t\tPrint base64 secret blob for the TSIG key.\n"
	      "-t tls-auth-name\tPrint auth domain name for the tls-auth clause.\n", stderr);
	exit(1);
}

static void parse_args(int argc, char **argv, struct checkconf_args *a)
{
	const struct nsdconf_release *rel = a->release;
	int c;
	/* getopt names the program in its messages: nsd-checkconf's words, exactly. */
	char *const name = argv[0];
	argv[0] = "nsd-checkconf";
	optind = 1;
	while ((c = getopt(argc, argv, "vfho:a:p:s:z:t:")) != -1) {
		switch (c) {
		case 'v': a->verbosity++; break;
		case 'o': a->option = optarg; break;
		case 'f': a->final = true; break;
		case 'p': a->pattern = optarg; break;
		case 'a':
			if (a->key != NULL) {
				fprintf(stderr, "Error: cannot combine -a with -s or other -a.\n");
				exit(1);
			}
			a->key = optarg;
			break;
		case 's':
			if (a->key != NULL) {
				fprintf(stderr, "Error: cannot combine -s with -a or other -s.\n");
				exit(1);
			}
			a->key = optarg;
			a->key_secret = true;
			break;
		case 't': a->tls = optarg; break;
		case 'z': a->zone = optarg; break;
		case 'h':
		default:
			usage(rel);
		}
	}
	argv[0] = name;
	if (argc - optind != 1) {
		usage(rel);
	}
	a->file = argv[optind];
}

int checkconf_load(const char *file, const struct nsdconf_parse_opts *opts, FILE *echo,
                   struct nsdconf_model **out)
{
	struct nsdconf_diag diag = { 0 };
	struct nsdconf_model *m = nsdconf_parse_file(file, opts, &diag);
	*out = NULL;
	if (m == NULL) {
		return 2;
	}
	fputs(m->echo ? m->echo : "", echo);
	if (m->fatal != NULL) {
		fprintf(stderr, "%s\n", m->fatal);
	} else if (diag.errors > 0) {
		fprintf(stderr, "read %s failed: %d errors in configuration file\n",
		        file, diag.errors);
	} else {
		*out = m;
		return 0;
	}
	nsdconf_model_free(m);
	return 2;
}

const struct nsdconf_release *checkconf_release(const char *requested)
{
	const char *name = requested;
	if (name == NULL || name[0] == '\0') {
		name = getenv(CHECKCONF_NSD_VERSION_ENV);
	}
	if (name == NULL || name[0] == '\0') {
		return nsdconf_release_build();
	}
	const struct nsdconf_release *rel = nsdconf_release_find(name);
	if (rel == NULL) {
		size_t n;
		const struct nsdconf_release *all = nsdconf_releases(&n);
		fprintf(stderr, "knot-nsd: unknown NSD version '%s' (%s%s), known:", name,
		        requested != NULL && requested[0] != '\0' ? "--nsd-version" :
		        CHECKCONF_NSD_VERSION_ENV, requested != NULL && requested[0] != '\0' ?
		        "" : " in the environment");
		for (size_t i = 0; i < n; i++) {
			fprintf(stderr, " %s", all[i].name);
		}
		fputc('\n', stderr);
	}
	return rel;
}

int checkconf_main(int argc, char **argv, const char *nsd_version)
{
	struct checkconf_args args = { 0 };
	args.release = checkconf_release(nsd_version);
	if (args.release == NULL) {
		return 1;
	}
	parse_args(argc, argv, &args);

	struct nsdconf_diag diag = { 0 };
	struct nsdconf_parse_opts opts = { .max_version = args.release->version,
	                                   .release = args.release };
	struct nsdconf_model *m;
	int rc = checkconf_load(args.file, &opts, stdout, &m);
	if (rc != 0) {
		fflush(stdout);
		return rc;
	}
	if (nsdconf_semantic_checks(m, args.file, &diag) > 0) {
		rc = 2;
	} else if (args.option != NULL || args.key != NULL || args.tls != NULL) {
		rc = checkconf_query(m, &args);
	} else if (args.verbosity > 0) {
		checkconf_print_all(m, args.file, args.verbosity);
	}
	fflush(stdout);
	nsdconf_model_free(m);
	return rc;
}
