/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NSD's remote-control protocol, server side: magic, lines and arguments. */
#include <string.h>

#include "ctl/ctl_proto.h"

enum ctl_magic ctl_magic_check(const char *magic, size_t len)
{
	/* NSD compares "NSDCT" and then the whole magic with "NSDCT1 ": anything else
	 * after "NSDCT" is a version mismatch, answered. */
	if (len != CTL_MAGIC_LEN || memcmp(magic, "NSDCT", 5) != 0) {
		return CTL_MAGIC_BAD;
	}
	return memcmp(magic, "NSDCT1 ", CTL_MAGIC_LEN) == 0 ? CTL_MAGIC_OK : CTL_MAGIC_VERSION;
}

int ctl_take_line(char *buf, size_t *len, char *line, size_t line_max)
{
	char *nl = memchr(buf, '\n', *len);
	size_t n = nl != NULL ? (size_t)(nl - buf) : *len;
	if (n >= line_max) {
		return -1;
	}
	if (nl == NULL) {
		return 0;
	}
	memcpy(line, buf, n);
	line[n] = '\0';
	*len -= n + 1;
	memmove(buf, nl + 1, *len);
	return 1;
}

static bool is_blank(char c)
{
	/* isspace() in the C locale, as NSD's skipwhite */
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char *ctl_skipwhite(char *p)
{
	while (is_blank(*p)) {
		p++;
	}
	return p;
}

bool ctl_cmd_is(const char *p, const char *cmd)
{
	/* NSD's cmdcmp: only a space or a tab ends the word, so "status\r" (a CR kept
	 * from the line) is an unknown command, unlike skipwhite's isspace */
	size_t n = strlen(cmd);
	return strncmp(p, cmd, n) == 0 && (p[n] == '\0' || p[n] == ' ' || p[n] == '\t');
}

char *ctl_split_arg2(char *arg)
{
	/* NSD splits at the last space (tabs do not count) and trims nothing: "a  b"
	 * names the zone "a " */
	char *as = strrchr(arg, ' ');
	if (as == NULL) {
		return NULL;
	}
	*as = '\0';
	return as + 1;
}
