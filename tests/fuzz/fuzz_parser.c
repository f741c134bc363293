/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: arbitrary bytes as an nsd.conf, through the whole parser and printer paths. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/checks.h"
#include "conf/model.h"

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The scanner reads files (includes are relative to the cwd), so the input goes
	 * to a private temporary file; includes of names that exist here may happen. */
	char path[] = "/tmp/fuzz-nsdconf-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		return 0;
	}
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);

	struct nsdconf_diag diag = { .sink = quiet };
	struct nsdconf_parse_opts opts = { .max_version = (size & 1) ? 4150 : 461 };
	struct nsdconf_model *m = nsdconf_parse_file(path, &opts, &diag);
	if (m != NULL) {
		if (diag.errors == 0 && m->fatal == NULL) {
			(void)nsdconf_semantic_checks(m, path, &diag);
			int n;
			(void)nsdconf_zones_sorted(m, false, &n);
		}
		nsdconf_model_free(m);
	}
	unlink(path);
	return 0;
}
