// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the name parser of lookup, pidfs_parse_pid_name().
 *
 * Every lookup in the root of a mount parses a name the caller chose, so
 * the parser must be right for every string: a pid has exactly one
 * spelling, as in proc, or "01" and "1" would be two paths to one task
 * (and two inodes pinning it).  The input, cut at its first NUL as the
 * kernel's names are, is checked against a reference written the obvious
 * way: accepted exactly when it is a canonical decimal (no sign, no
 * blank, no leading zero) from 1 to PID_MAX_LIMIT - 1 = 4194303, and then
 * parsed to that number.
 *
 *   make fuzz-pidname                  run it (FUZZ_SECONDS, default 60)
 *   tests/fuzz/fuzz-pidname CRASH      replay one input
 *
 * Seeds: tests/fuzz/corpus/pidname/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"
#include "pidfs/pid.h"

/* The longest canonical pid, 4194303, has seven digits. */
#define PID_DIGITS_MAX	7

static pid_t reference(const char *s)
{
	size_t n = strlen(s);
	long v = 0;

	if (n < 1 || n > PID_DIGITS_MAX || s[0] < '1' || s[0] > '9')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= PID_MAX_LIMIT - 1 ? (pid_t)v : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1), back[16];
	pid_t got, want;

	fuzz_check(name, "%s", "out of memory");
	memcpy(name, data, size);
	name[size] = '\0';

	got = pidfs_parse_pid_name(name);
	want = reference(name);
	fuzz_check(got == want, "\"%.40s\": parsed %d, reference %d", name,
		   (int)got, (int)want);
	/* What is accepted is the canonical spelling of its number. */
	if (got > 0) {
		snprintf(back, sizeof(back), "%d", (int)got);
		fuzz_check(!strcmp(back, name), "\"%.40s\" is not canonical",
			   name);
	}
	free(name);
	return 0;
}
