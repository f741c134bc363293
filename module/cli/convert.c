/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd convert: command line and flow (parse, check, render, report, write). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libknot/libknot.h>

#include "cli/checkconf.h"
#include "cli/convert.h"
#include "conf/checks.h"
#include "knotmap/knotmap_target.h"

/* Newest NSD syntax accepted, as mod-nsd accepts it. */
#define CONVERT_NSD_VERSION 4150
#define DEFAULT_KNOT_INCLUDE "/var/lib/knot/nsd/nsd.conf"

struct convert_args {
	const char *file;
	const char *output;        /* -o; NULL or "-": stdout */
	bool report;
	bool list_options;
	enum convert_mode mode;
	const char *zonelist;
	const char *cwd;
	const char *storage;
	const char *rundir;
	const char *module_file;
	const char *knot_include;
	/* nsd.conf is judged as the NSD release beside knot-nsd reads it (checkconf's
	 * choice: --nsd-version, KNOT_NSD_NSD_VERSION, the build's NSD), so that convert
	 * refuses what that nsd-checkconf refuses, with its words. */
	const struct nsdconf_release *release;
	/* --knot-version: the knotd the configuration is for (KNOT_VERSION_HEX form);
	 * by default the one knot-nsd was built against, as mod-nsd's include is. */
	unsigned knot_version;
};

static int usage(FILE *out)
{
	static const char text[] =
	      "usage: knot-nsd convert [options] nsd.conf\n"
	      "       knot-nsd convert --list-options\n"
	      "\n"
	      "Writes a complete knot.conf with the meaning of nsd.conf, for knotd 3.2 to 3.5.\n"
	      "\n"
	      "  -o, --output FILE       write the configuration to FILE, atomically (default: stdout)\n"
	      "  -r, --report            print one line per option of nsd.conf: exact, approximated,\n"
	      "                          not supported, enforced by mod-nsd or not needed (on stdout;\n"
	      "                          the configuration is then written only with -o)\n"
	      "  -m, --module            a knot.conf that loads mod-nsd, which keeps the zones and\n"
	      "                          applies NSD's access rules exactly (default: native)\n"
	      "  -i, --include           only the include mod-nsd writes (key, remote, acl, template, zone)\n"
	      "  -z, --zonelist FILE     read this zonelistfile instead of the one nsd.conf names\n"
	      "      --cwd DIR           NSD's start folder, for relative paths (default: the current one)\n"
	      "      --storage DIR       database.storage, and where secondaries without zonefile live\n"
	      "      --rundir DIR        server.rundir (knotd's control socket)\n"
	      "      --module-file FILE  with --module: nsd.so to load (default: knotd's module folder)\n"
	      "      --knot-include FILE with --module: the include mod-nsd keeps\n"
	      "                          (default: " DEFAULT_KNOT_INCLUDE ")\n"
	      "      --knot-version X.Y[.Z]  the knotd to write for, 3.2 to 3.5 (X.Y: X.Y.0;\n"
	      "                          default: the knotd knot-nsd was built against, %s)\n"
	      "      --list-options      print the option table with Knot verdicts (Markdown)\n"
	      "  -h, --help              this text\n"
	      "\n"
	      "Exit status: 0 everything exact, 1 usage or output error, 2 nsd.conf has errors\n"
	      "(nothing written), 3 converted with approximations, 4 converted, but knotd allows\n"
	      "something NSD refuses or options are not supported. See knot-nsd(1).\n";
	char build[16];

	knotmap_knot_format(knotmap_knot_build(), build, sizeof(build));
	fprintf(out, text, build);
	return out == stdout ? CONVERT_EXACT : CONVERT_USAGE;
}

enum { OPT_CWD = 256, OPT_STORAGE, OPT_RUNDIR, OPT_MODULE_FILE, OPT_KNOT_INCLUDE, OPT_LIST,
       OPT_KNOT_VERSION };

static int parse_args(int argc, char **argv, struct convert_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "report", no_argument, NULL, 'r' },
		{ "module", no_argument, NULL, 'm' },
		{ "include", no_argument, NULL, 'i' },
		{ "zonelist", required_argument, NULL, 'z' },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "storage", required_argument, NULL, OPT_STORAGE },
		{ "rundir", required_argument, NULL, OPT_RUNDIR },
		{ "module-file", required_argument, NULL, OPT_MODULE_FILE },
		{ "knot-include", required_argument, NULL, OPT_KNOT_INCLUDE },
		{ "list-options", no_argument, NULL, OPT_LIST },
		{ "knot-version", required_argument, NULL, OPT_KNOT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool module = false, include = false;
	int c;

	a->knot_version = knotmap_knot_build();
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:rmiz:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': a->output = optarg; break;
		case 'r': a->report = true; break;
		case 'm': module = true; break;
		case 'i': include = true; break;
		case 'z': a->zonelist = optarg; break;
		case OPT_CWD: a->cwd = optarg; break;
		case OPT_STORAGE: a->storage = optarg; break;
		case OPT_RUNDIR: a->rundir = optarg; break;
		case OPT_MODULE_FILE: a->module_file = optarg; break;
		case OPT_KNOT_INCLUDE: a->knot_include = optarg; break;
		case OPT_LIST: a->list_options = true; break;
		case OPT_KNOT_VERSION:
			a->knot_version = knotmap_knot_parse(optarg);
			if (a->knot_version == 0) {
				fprintf(stderr, "knot-nsd convert: --knot-version %s: not a knotd version "
				        "knot-nsd writes for (3.2 to 3.5, as X.Y or X.Y.Z)\n", optarg);
				return CONVERT_USAGE;
			}
			break;
		case 'h': exit(usage(stdout));
		default: return usage(stderr);
		}
	}
	if (a->list_options)
		return argc == optind ? CONVERT_EXACT : usage(stderr);
	if (argc - optind != 1)
		return usage(stderr);
	a->file = argv[optind];
	if (module && include) {
		fprintf(stderr, "knot-nsd convert: --module and --include exclude each other\n");
		return CONVERT_USAGE;
	}
	/* The include is exactly what mod-nsd writes, and mod-nsd takes none of these. */
	if (include && (a->storage || a->rundir || a->module_file || a->knot_include)) {
		fprintf(stderr, "knot-nsd convert: --include writes what mod-nsd writes: "
		        "--storage, --rundir, --module-file and --knot-include do not apply\n");
		return CONVERT_USAGE;
	}
	if (!module && (a->module_file || a->knot_include)) {
		fprintf(stderr, "knot-nsd convert: --module-file and --knot-include need --module\n");
		return CONVERT_USAGE;
	}
	if (a->knot_include != NULL && a->knot_include[0] != '/') {
		fprintf(stderr, "knot-nsd convert: --knot-include must be an absolute path\n");
		return CONVERT_USAGE;
	}
	a->mode = module ? CONVERT_MODULE : include ? CONVERT_INCLUDE : CONVERT_NATIVE;
	return CONVERT_EXACT;
}

/* mod-nsd needs nsd.conf's absolute path (where this process found it, whatever --cwd
 * says); NSD's own relative paths stay as they are. */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *out;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL || asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

/* nsd.conf as NSD reads it: checkconf's messages and status on errors. */
static int load(const struct convert_args *a, struct nsdconf_model **out)
{
	struct nsdconf_parse_opts po = { .max_version = CONVERT_NSD_VERSION, .locations = true,
	                                 .release = a->release };
	struct nsdconf_diag diag = { 0 };
	struct nsdconf_model *m;

	/* stdout carries the configuration: what NSD's scanner echoes goes to stderr. */
	if (checkconf_load(a->file, &po, stderr, &m) != 0)
		return CONVERT_BAD_CONF;
	/* Before the zonelistfile, so that the checks see what nsd-checkconf sees. */
	if (nsdconf_semantic_checks(m, a->file, &diag) > 0 ||
	    nsdconf_model_read_zonelist(m, a->zonelist, &diag) < 0 || diag.errors > 0) {
		nsdconf_model_free(m);
		return CONVERT_BAD_CONF;
	}
	*out = m;
	return CONVERT_EXACT;
}

static int emit(const struct convert_args *a, const struct knotmap_buf *text,
                const struct convert_report *rep)
{
	bool to_stdout = a->output == NULL || strcmp(a->output, "-") == 0;

	if (!to_stdout && convert_write_file(a->output, text->data, text->len) != 0)
		return CONVERT_USAGE;
	if (to_stdout && !a->report)
		fwrite(text->data, 1, text->len, stdout);
	if (a->report)
		convert_report_print(rep, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("knot-nsd convert: stdout");
		return CONVERT_USAGE;
	}
	return convert_report_status(rep);
}

static int convert(const struct convert_args *a, const char *cwd)
{
	struct knotmap_module module = {
		.file = a->module_file,
		.include = a->knot_include != NULL ? a->knot_include : DEFAULT_KNOT_INCLUDE,
	};
	struct knotmap_opts mo = {
		.full = a->mode != CONVERT_INCLUDE,
		.module = a->mode == CONVERT_MODULE ? &module : NULL,
		.cwd = cwd,
		.storage = a->storage,
		.rundir = a->rundir,
		.knot_version = a->knot_version,
		.report = convert_report_note,
	};
	struct knotmap_buf text = { 0 };
	struct nsdconf_model *m = NULL;
	struct convert_report *rep = NULL;
	char *config = NULL;
	int rc, ret;

	rc = load(a, &m);
	if (rc != CONVERT_EXACT)
		return rc;
	rep = convert_report_new(m, a->mode, a->knot_version, a->report);
	config = absolute(a->file);
	if (rep == NULL || config == NULL) {
		fprintf(stderr, "knot-nsd convert: out of memory\n");
		rc = CONVERT_USAGE;
		goto out;
	}
	module.config = config;
	mo.report_ctx = rep;
	/* mod-nsd is configured with nsd.conf's absolute path, and its header names it. */
	if (a->mode == CONVERT_INCLUDE)
		m->configfile = config;
	ret = knotmap_render(m, &mo, &text);
	if (ret == KNOT_ENOMEM) {
		/* Nothing is written: a part of a configuration is worse than none. */
		fprintf(stderr, "knot-nsd: out of memory\n");
		rc = CONVERT_USAGE;
		goto out;
	}
	if (ret != KNOT_EOK) {
		fprintf(stderr, "knot-nsd convert: cannot render %s: %s\n", a->file,
		        knot_strerror(ret));
		rc = CONVERT_USAGE;
		goto out;
	}
	convert_report_finish(rep);
	if (convert_report_failed(rep)) {
		fprintf(stderr, "knot-nsd: out of memory\n");
		rc = CONVERT_USAGE;
		goto out;
	}
	rc = emit(a, &text, rep);
out:
	knotmap_buf_free(&text);
	convert_report_free(rep);
	nsdconf_model_free(m);
	free(config);
	return rc;
}

int convert_main(int argc, char **argv, const char *nsd_version)
{
	struct convert_args a = { 0 };
	char cwd[PATH_MAX];
	int rc = parse_args(argc, argv, &a);

	if (rc == CONVERT_EXACT) {
		a.release = checkconf_release(nsd_version);
		if (a.release == NULL)
			rc = CONVERT_USAGE;
	}

	if (rc != CONVERT_EXACT)
		return rc;
	if (a.list_options) {
		convert_list_options(stdout, a.release, a.knot_version);
		return fflush(stdout) == 0 ? CONVERT_EXACT : CONVERT_USAGE;
	}
	if (a.cwd == NULL) {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			perror("knot-nsd convert: getcwd");
			return CONVERT_USAGE;
		}
		a.cwd = cwd;
	}
	return convert(&a, a.cwd);
}
