/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replacing a file atomically: temporary file, fsync, rename, fsync of the folder. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf/file_replace.h"

static int write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return errno;
		}
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

void nsdconf_dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		snprintf(dir, size, ".");
	} else if (slash == path) {
		snprintf(dir, size, "/");
	} else {
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
	}
}

int nsdconf_file_replace(const char *path, const char *text, size_t len, mode_t mode,
                         char *failed, size_t failed_len, int *dir_sync_err)
{
	char tmp[PATH_MAX + 32], dir[PATH_MAX];
	*dir_sync_err = 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    sizeof(tmp)) {
		snprintf(failed, failed_len, "%s", path);
		return ENAMETOOLONG;
	}
	snprintf(failed, failed_len, "%s", tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		return errno;
	}
	int err = write_all(fd, text, len);
	if (err == 0 && fsync(fd) != 0) {
		err = errno;
	}
	if (close(fd) != 0 && err == 0) {
		err = errno;
	}
	if (err == 0 && rename(tmp, path) != 0) {
		err = errno;
		snprintf(failed, failed_len, "%s", path);
	}
	if (err != 0) {
		unlink(tmp);
		return err;
	}
	/* The rename itself must survive a crash, or a reboot could bring back the old file. */
	nsdconf_dir_of(path, dir, sizeof(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) != 0) {
			*dir_sync_err = errno;
		}
		close(dfd);
	}
	return 0;
}
