/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd checkconf: a drop-in for the nsd-checkconf beside it (Debian 12's 4.6.1,
 * Debian 13's 4.12.0). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "conf/model.h"

struct checkconf_args {
	int verbosity;          /* -v count */
	bool final;             /* -f */
	const char *option;     /* -o */
	const char *zone;       /* -z */
	const char *pattern;    /* -p */
	const char *key;        /* -a / -s */
	bool key_secret;        /* -s */
	const char *tls;        /* -t */
	const char *file;
	const struct nsdconf_release *release;  /* the nsd-checkconf answered as */
};

/* Names the NSD release to answer as, when --nsd-version does not. */
#define CHECKCONF_NSD_VERSION_ENV "KNOT_NSD_NSD_VERSION"

/* The release to answer as: requested (knot-nsd --nsd-version), else the environment,
 * else the build's default (the NSD installed at build time). NULL, after a message,
 * for an unknown version. */
const struct nsdconf_release *checkconf_release(const char *requested);
int checkconf_main(int argc, char **argv, const char *nsd_version);
/* Parses file and reports a broken one as nsd-checkconf does (its messages on stderr,
 * what NSD's scanner echoes on echo): returns 0 with the model in *out, or 2. */
int checkconf_load(const char *file, const struct nsdconf_parse_opts *opts, FILE *echo,
                   struct nsdconf_model **out);
int checkconf_query(struct nsdconf_model *m, const struct checkconf_args *args);
void checkconf_print_all(struct nsdconf_model *m, const char *file, int verbosity);
void checkconf_print_acl_entry(const struct nsdconf_acl *a);
void checkconf_print_rrl_types(const char *prefix, long long w);
int checkconf_strcmp_ptr(const void *a, const void *b);
