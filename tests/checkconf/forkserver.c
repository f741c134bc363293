/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * checkconf-forkserver: runs `knot-nsd` invocations for run.py in forked children of one
 * process, for the sanitizer builds.
 *
 * Why: under AddressSanitizer every exec of knot-nsd pays for ASan's start (shadow
 * memory, interceptors, relocating the sanitizer runtimes) and LeakSanitizer's exit-time
 * scan, about 80 ms on this kind of machine against 10 ms for the plain build, so the
 * differential's 15 000 invocations took 15 minutes per release.  A fork of an already
 * started process costs about 2 ms.  The child runs the very code `knot-nsd` runs (main.c
 * is compiled in as knot_nsd_main), with the same argv, cwd, environment and standard
 * streams; only the leak scan is left to the requests that ask for it (run.py samples
 * them), because it alone costs 40 ms.  The plain build keeps running the real
 * executable: that is the drop-in behaviour under test, exec included.
 *
 * Protocol on stdin/stdout (binary safe, nothing but read(2)/write(2) in this process,
 * so that no stdio buffer is ever duplicated into a child):
 *   request:  "<leakcheck 0|1> <timeout s> <nfields>\n", then per field "<len>\n<bytes>";
 *             the fields are the working directory, then argv (argv[0] included)
 *   response: "<status>\n<len>\n<stdout><len>\n<stderr>", status being the exit code,
 *             "signal N" or "timeout"
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

int knot_nsd_main(int argc, char **argv);

enum { MAX_FIELDS = 256, MAX_FIELD = 1 << 20 };

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One header line of decimal numbers separated by single spaces; -1 at end of input. */
static int read_numbers(long *vals, int count)
{
	char line[64];
	size_t len = 0;
	for (;;) {
		if (len == sizeof(line) - 1 || read_full(0, line + len, 1) != 0) {
			return -1;
		}
		if (line[len] == '\n') {
			break;
		}
		len++;
	}
	line[len] = '\0';
	char *p = line;
	for (int i = 0; i < count; i++) {
		char *end;
		errno = 0;
		vals[i] = strtol(p, &end, 10);
		if (errno != 0 || end == p || vals[i] < 0 || (*end != ' ' && *end != '\0')) {
			return -1;
		}
		p = end + (*end == ' ');
	}
	return *p == '\0' ? 0 : -1;
}

/*
 * Every way out of knot-nsd (its return, or exit() deep inside) ends here, through
 * on_exit(): the leak scan when asked for, the streams flushed, and then _exit(), which
 * skips the libraries' destructors (GnuTLS's deinitialisation alone is half of what a
 * child costs under ASan). knot-nsd registers no exit handler of its own.
 */
static void child_exit(int status, void *leakcheck)
{
#if defined(__SANITIZE_ADDRESS__)
	if (leakcheck != NULL) {
		/* Reports and ends the child with ASan's exit code when something leaked. */
		__lsan_do_leak_check();
	}
#else
	(void)leakcheck;
#endif
	fflush(NULL);
	_exit(status);
}

static void run_child(char **fields, int nfields, int leakcheck, int timeout, int out, int err)
{
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    chdir(fields[0]) != 0 || on_exit(child_exit, leakcheck ? "" : NULL) != 0) {
		_exit(126);
	}
	signal(SIGPIPE, SIG_DFL);   /* knot-nsd runs with the disposition it gets from exec */
	alarm((unsigned)timeout);
	exit(knot_nsd_main(nfields - 1, fields + 1));
}

static int send_stream(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		return -1;
	}
	char head[32];
	int n = snprintf(head, sizeof(head), "%lld\n", (long long)size);
	if (write_full(1, head, (size_t)n) != 0) {
		return -1;
	}
	char buf[65536];
	while (size > 0) {
		size_t chunk = size < (off_t)sizeof(buf) ? (size_t)size : sizeof(buf);
		if (read_full(fd, buf, chunk) != 0 || write_full(1, buf, chunk) != 0) {
			return -1;
		}
		size -= (off_t)chunk;
	}
	return 0;
}

static int serve_one(void)
{
	long head[3];
	if (read_numbers(head, 3) != 0 || head[2] < 2 || head[2] > MAX_FIELDS) {
		return -1;
	}
	int nfields = (int)head[2];
	char *fields[MAX_FIELDS + 1] = { NULL };
	int rc = -1;
	int out = -1, err = -1;
	for (int i = 0; i < nfields; i++) {
		long len;
		if (read_numbers(&len, 1) != 0 || len > MAX_FIELD ||
		    (fields[i] = malloc((size_t)len + 1)) == NULL ||
		    read_full(0, fields[i], (size_t)len) != 0) {
			goto done;
		}
		fields[i][len] = '\0';
	}
	out = memfd_create("stdout", 0);
	err = memfd_create("stderr", 0);
	if (out < 0 || err < 0) {
		goto done;
	}
	pid_t pid = fork();
	if (pid < 0) {
		goto done;
	}
	if (pid == 0) {
		run_child(fields, nfields, head[0] != 0, (int)head[1], out, err);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			goto done;
		}
	}
	char line[32];
	if (WIFEXITED(status)) {
		snprintf(line, sizeof(line), "%d\n", WEXITSTATUS(status));
	} else if (WTERMSIG(status) == SIGALRM) {
		snprintf(line, sizeof(line), "timeout\n");
	} else {
		snprintf(line, sizeof(line), "signal %d\n", WTERMSIG(status));
	}
	if (write_full(1, line, strlen(line)) == 0 && send_stream(out) == 0 &&
	    send_stream(err) == 0) {
		rc = 0;
	}
done:
	if (out >= 0) {
		close(out);
	}
	if (err >= 0) {
		close(err);
	}
	for (int i = 0; i < nfields; i++) {
		free(fields[i]);
	}
	return rc;
}

int main(void)
{
	/* A closed pipe to run.py ends the server; it must not kill it mid-answer. */
	signal(SIGPIPE, SIG_IGN);
	while (serve_one() == 0) {
	}
	return 0;
}
