/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files and temporary folders for the unit tests (include after cmocka.h). */
#pragma once

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* path now holds exactly text. */
static inline void test_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* dir/name now holds exactly text. */
static inline void test_put_in(const char *dir, const char *name, const char *text)
{
	char path[4096];
	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	test_put(path, text);
}

static inline int test_rm_one(const char *path, const struct stat *st, int flag,
                              struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf dir, without a shell. Returns 0 or -1. */
static inline int test_rmtree(const char *dir)
{
	return nftw(dir, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
