/* SPDX-License-Identifier: GPL-3.0-or-later */
/* knot-nsd convert -o: the output file replaced atomically, or left alone. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/convert.h"

static int write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The rename is durable only once the folder's entry is on disk too. */
static void sync_folder(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (copy == NULL)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int convert_write_file(const char *path, const char *text, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
	int fd, err;

	if (tmp == NULL) {
		fprintf(stderr, "knot-nsd convert: out of memory\n");
		return -1;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "knot-nsd convert: cannot create a file beside %s: %s\n", path,
		        strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0640) != 0 || write_all(fd, text, len) != 0 || fsync(fd) != 0) {
		err = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		err = errno;
		goto fail;
	}
	sync_folder(path);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	fprintf(stderr, "knot-nsd convert: cannot write %s: %s\n", path, strerror(err));
	free(tmp);
	return -1;
}
