// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the command parser of pidfd files, pidfd_parse_cmd(), and
 * the text renderer pidfd_show().
 *
 * Anyone who may write a pidfd file chooses its bytes.  The parser is
 * checked against a reference written the obvious way: "kill" or
 * "exit", then optionally one space and a decimal CODE of at most three
 * digits, 0 to 255 (leading zeros allowed), then optionally one newline,
 * and nothing else.  The renderer is run on a view built from the input
 * (state, ids, serial, exit status) into buffers of every small size: it
 * must keep snprintf's contract, a NUL-terminated prefix of the whole
 * text and the whole length returned.
 *
 *   make fuzz-pidfd                  run it (FUZZ_SECONDS, default 60)
 *   tests/fuzz/fuzz-pidfd CRASH      replay one input
 *
 * Seeds: tests/fuzz/corpus/pidfd/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pidfs/pidfd.h"
#include "pidfs/task.h"

static int reference(const char *s, size_t n, struct pidfd_cmd *c)
{
	size_t i = 4, digits = 0;
	int code = 0;

	if (n && s[n - 1] == '\n')
		n--;
	if (n < 4)
		return -EINVAL;
	if (!memcmp(s, "kill", 4))
		c->op = PIDFD_OP_KILL;
	else if (!memcmp(s, "exit", 4))
		c->op = PIDFD_OP_EXIT;
	else
		return -EINVAL;
	if (i < n) {
		if (s[i++] != ' ')
			return -EINVAL;
		for (; i < n; i++, digits++) {
			if (s[i] < '0' || s[i] > '9' || digits == 7)
				return -EINVAL;
			code = code * 10 + (s[i] - '0');
		}
		if (!digits || code > 255)
			return -EINVAL;
	}
	c->code = code;
	return 0;
}

static uint64_t take(const uint8_t **p, size_t *n, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v = v << 8 | **p;
	return v;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pidfd_cmd got = { 0 }, want = { 0 };
	const uint8_t *p = data;
	struct pidfd_view v = { 0 };
	struct task_info ti;
	char full[512], part[512];
	size_t n = size, len;
	int rg, rw;

	rg = pidfd_parse_cmd((const char *)data, size, &got);
	rw = reference((const char *)data, size, &want);
	fuzz_check(rg == rw, "\"%.*s\": parser %d, reference %d",
		   (int)(size < 40 ? size : 40), (const char *)data, rg, rw);
	if (!rg)
		fuzz_check(got.op == want.op && got.code == want.code,
			   "\"%.*s\": parsed %d %d, reference %d %d",
			   (int)(size < 40 ? size : 40), (const char *)data,
			   got.op, got.code, want.op, want.code);

	memset(&ti, 0, sizeof(ti));
	v.state = (enum pidfd_state)(take(&p, &n, 1) % 3);
	ti.pid = (pid_t)take(&p, &n, 4);
	ti.tgid = (pid_t)take(&p, &n, 4);
	ti.ppid = (pid_t)take(&p, &n, 4);
	ti.uid = (uid_t)take(&p, &n, 4);
	ti.gid = (gid_t)take(&p, &n, 4);
	v.serial = take(&p, &n, 8);
	v.has_exit = take(&p, &n, 1) & 1;
	v.exit_code = (int)take(&p, &n, 4);
	v.ti = v.state == PIDFD_REAPED ? NULL : &ti;
	len = pidfd_show(full, sizeof(full), &v);
	fuzz_check(len < sizeof(full), "text of %zu bytes", len);
	for (size_t sz = 1; sz <= len + 1; sz++) {
		size_t l = pidfd_show(part, sz, &v);

		fuzz_check(l == len, "size %zu: length %zu, not %zu", sz, l,
			   len);
		fuzz_check(strlen(part) == (sz <= len ? sz - 1 : len) &&
				   !strncmp(part, full, strlen(part)),
			   "size %zu: not a prefix", sz);
	}
	return 0;
}
