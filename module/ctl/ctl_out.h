/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An answer being built: text that grows, with a cap so that no command can take the
 * process's memory (zonestatus of 100 000 zones is about 10 MB). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CTL_OUT_MAX (64u << 20)

struct ctl_out {
	char *data;
	size_t len, cap;
	bool failed;   /* out of memory or over the cap: the answer is cut short */
	size_t count;  /* addzones/delzones: the lines that took effect */
};

void ctl_out_printf(struct ctl_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctl_out_free(struct ctl_out *o);
