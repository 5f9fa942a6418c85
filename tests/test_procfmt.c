// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the rendering layer.
 *
 * The renderers are pure, so every input is built by hand here: no model,
 * no RCU, nothing to set up or tear down.  The tests parse the output the
 * way procps does (stat by its last ')', status by "Key:\t", meminfo by
 * "Key:" and strtoul) and check Linux's exact layouts where tools depend
 * on them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/procfmt.h"
#include "pidfs/task.h"

#include "suites.h"

#define BUF_SIZE	8192
#define STAT_FIELDS	52

static const char test_args[] = "worker\0--verbose\0a b\0";

static void make_task(struct task_info *ti)
{
	memset(ti, 0, sizeof(*ti));
	ti->pid = 1234;
	ti->tgid = 1234;
	ti->ppid = 1;
	ti->pgrp = 1200;
	ti->session = 1100;
	ti->uid = 1000;
	ti->gid = 100;
	ti->state = TASK_INTERRUPTIBLE;
	ti->exit_code = 0;
	ti->nr_threads = 3;
	ti->is_leader = true;
	ti->start_time = UINT64_C(123456789012);	/* 12345 ticks */
	ti->serial = UINT64_C(77);
	strcpy(ti->comm, "worker");
	ti->args_len = sizeof(test_args) - 1;
	memcpy(ti->args, test_args, ti->args_len);
}

/*
 * Split a stat line as procps's stat2proc() does: pid before " (", comm up
 * to the LAST ')', then space-separated fields.  Returns the number of
 * fields (pid and comm included); @field[i] is field i + 1 of proc(5).
 */
static int split_stat(char *line, char *comm, size_t comm_size, char **field,
		      int max)
{
	char *lp = strchr(line, '(');
	char *rp = strrchr(line, ')');
	int n = 2;

	ck_assert_ptr_nonnull(lp);
	ck_assert_ptr_nonnull(rp);
	ck_assert_int_eq(lp[-1], ' ');
	ck_assert_int_eq(rp[1], ' ');
	ck_assert_uint_lt((size_t)(rp - lp - 1), comm_size);
	memcpy(comm, lp + 1, rp - lp - 1);
	comm[rp - lp - 1] = '\0';
	lp[-1] = '\0';
	field[0] = line;
	field[1] = comm;
	/* Exactly one space between fields: strtok would hide doubles. */
	for (char *p = rp + 2; n < max; n++) {
		char *sp = strchr(p, ' ');

		field[n] = p;
		if (!sp)
			break;
		ck_assert_msg(sp != p, "empty field %d", n + 1);
		*sp = '\0';
		p = sp + 1;
	}
	return n + 1;
}

START_TEST(test_stat_fields)
{
	struct task_info ti;
	char buf[BUF_SIZE], comm[64];
	char *f[STAT_FIELDS + 8];
	size_t len;
	int n;

	make_task(&ti);
	ti.exit_code = 3 << 8;
	len = procfmt_stat(buf, sizeof(buf), &ti);
	ck_assert_uint_eq(len, strlen(buf));
	ck_assert_int_eq(buf[len - 1], '\n');
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + len - 1);
	buf[len - 1] = '\0';

	n = split_stat(buf, comm, sizeof(comm), f, STAT_FIELDS + 8);
	ck_assert_int_eq(n, STAT_FIELDS);
	ck_assert_str_eq(f[0], "1234");
	ck_assert_str_eq(f[1], "worker");
	ck_assert_str_eq(f[2], "S");
	ck_assert_str_eq(f[3], "1");		/* ppid */
	ck_assert_str_eq(f[4], "1200");		/* pgrp */
	ck_assert_str_eq(f[5], "1100");		/* session */
	ck_assert_str_eq(f[6], "0");		/* tty_nr */
	ck_assert_str_eq(f[7], "-1");		/* tpgid */
	for (int i = 8; i <= 16; i++)		/* flags .. cstime */
		ck_assert_str_eq(f[i], "0");
	ck_assert_str_eq(f[17], "20");		/* priority */
	ck_assert_str_eq(f[18], "0");		/* nice */
	ck_assert_str_eq(f[19], "3");		/* num_threads */
	ck_assert_str_eq(f[20], "0");		/* itrealvalue */
	ck_assert_str_eq(f[21], "12345");	/* starttime */
	ck_assert_str_eq(f[22], "0");		/* vsize */
	ck_assert_str_eq(f[23], "0");		/* rss */
	ck_assert_str_eq(f[24], "18446744073709551615"); /* rsslim */
	for (int i = 25; i <= 50; i++)		/* startcode .. env_end */
		ck_assert_msg(!strcmp(f[i], "0"), "field %d is '%s'", i + 1,
			      f[i]);
	ck_assert_str_eq(f[51], "768");		/* exit_code */
}
END_TEST

START_TEST(test_stat_comm_parens)
{
	static const char *const comms[] = {
		"a) (b c) ) x",	/* ')' and spaces: the last ')' wins */
		") R 1 2 3",	/* looks like the start of the fields */
		"(",
		"",
		"fifteen chars!!",
	};
	struct task_info ti;
	char buf[BUF_SIZE], comm[64];
	char *f[STAT_FIELDS + 8];

	make_task(&ti);
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		snprintf(ti.comm, sizeof(ti.comm), "%s", comms[i]);
		procfmt_stat(buf, sizeof(buf), &ti);
		buf[strlen(buf) - 1] = '\0';
		ck_assert_int_eq(split_stat(buf, comm, sizeof(comm), f,
					    STAT_FIELDS + 8),
				 STAT_FIELDS);
		ck_assert_str_eq(comm, comms[i]);
		ck_assert_str_eq(f[2], "S");
		ck_assert_str_eq(f[3], "1");
	}
}
END_TEST

static const struct {
	int state, exit_state;
	char letter;
	const char *name;
} states[] = {
	{ TASK_RUNNING, 0, 'R', "R (running)" },
	{ TASK_INTERRUPTIBLE, 0, 'S', "S (sleeping)" },
	{ TASK_RUNNING, EXIT_ZOMBIE, 'Z', "Z (zombie)" },
	{ TASK_INTERRUPTIBLE, EXIT_ZOMBIE, 'Z', "Z (zombie)" },
	{ TASK_RUNNING, EXIT_DEAD, 'X', "X (dead)" },
	{ TASK_INTERRUPTIBLE, EXIT_DEAD, 'X', "X (dead)" },
};

START_TEST(test_stat_state)
{
	struct task_info ti;
	char buf[BUF_SIZE], want[32];

	make_task(&ti);
	ti.state = states[_i].state;
	ti.exit_state = states[_i].exit_state;
	procfmt_stat(buf, sizeof(buf), &ti);
	snprintf(want, sizeof(want), ") %c ", states[_i].letter);
	ck_assert_ptr_eq(strstr(buf, want), strrchr(buf, ')'));

	procfmt_status(buf, sizeof(buf), &ti);
	snprintf(want, sizeof(want), "\nState:\t%s\n", states[_i].name);
	ck_assert_msg(strstr(buf, want), "no '%s' in status", want);
}
END_TEST

START_TEST(test_stat_starttime)
{
	static const struct {
		uint64_t ns;
		const char *ticks;
	} t[] = {
		{ 0, "0" },
		{ 9999999, "0" },			/* under one tick */
		{ 10000000, "1" },			/* 1/USER_HZ s */
		{ UINT64_C(1000000000), "100" },	/* 1 s */
		{ UINT64_C(86400000000000), "8640000" },	/* 1 day */
		{ UINT64_MAX, "1844674407370" },
	};
	struct task_info ti;
	char buf[BUF_SIZE], comm[64];
	char *f[STAT_FIELDS + 8];

	make_task(&ti);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ti.start_time = t[i].ns;
		procfmt_stat(buf, sizeof(buf), &ti);
		buf[strlen(buf) - 1] = '\0';
		split_stat(buf, comm, sizeof(comm), f, STAT_FIELDS + 8);
		ck_assert_str_eq(f[21], t[i].ticks);
	}
}
END_TEST

/* Every line "Key:\tvalue": procps's status2proc() stops at the first
 * line that is not. */
static int split_status(char *s, char **key, char **val, int max)
{
	int n = 0;

	while (*s) {
		char *nl = strchr(s, '\n');
		char *colon = strchr(s, ':');

		ck_assert_ptr_nonnull(nl);
		ck_assert_ptr_nonnull(colon);
		ck_assert(colon < nl);
		ck_assert_int_eq(colon[1], '\t');
		ck_assert_int_lt(n, max);
		*nl = '\0';
		*colon = '\0';
		key[n] = s;
		val[n] = colon + 2;
		n++;
		s = nl + 1;
	}
	return n;
}

START_TEST(test_status_layout)
{
	/* clang-format off */
	static const char *const keys[] = {
		"Name", "Umask", "State", "Tgid", "Ngid", "Pid", "PPid",
		"TracerPid", "Uid", "Gid", "FDSize", "Groups", "NStgid",
		"NSpid", "NSpgid", "NSsid", "Threads", "SigQ", "SigPnd",
		"ShdPnd", "SigBlk", "SigIgn", "SigCgt", "CapInh", "CapPrm",
		"CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp",
		"Seccomp_filters", "Cpus_allowed", "Cpus_allowed_list",
		"Mems_allowed", "Mems_allowed_list",
		"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches",
		"PidSerial",
	};
	/* clang-format on */
	const int nkeys = sizeof(keys) / sizeof(keys[0]);
	struct task_info ti;
	char buf[BUF_SIZE];
	char *key[64], *val[64];
	size_t len;
	int n;

	make_task(&ti);
	ti.pid = 1236;			/* a thread of 1234 */
	ti.state = TASK_RUNNING;
	ti.serial = UINT64_C(1) << 41;
	len = procfmt_status(buf, sizeof(buf), &ti);
	ck_assert_uint_eq(len, strlen(buf));
	ck_assert_int_eq(buf[len - 1], '\n');

	n = split_status(buf, key, val, 64);
	ck_assert_int_eq(n, nkeys);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(key[i], keys[i]);
	ck_assert_str_eq(val[0], "worker");
	ck_assert_str_eq(val[1], "0022");		/* Umask, init's */
	ck_assert_str_eq(val[2], "R (running)");
	ck_assert_str_eq(val[3], "1234");		/* Tgid */
	ck_assert_str_eq(val[4], "0");			/* Ngid */
	ck_assert_str_eq(val[5], "1236");		/* Pid */
	ck_assert_str_eq(val[6], "1");			/* PPid */
	ck_assert_str_eq(val[7], "0");			/* TracerPid */
	ck_assert_str_eq(val[8], "1000\t1000\t1000\t1000");
	ck_assert_str_eq(val[9], "100\t100\t100\t100");
	ck_assert_str_eq(val[10], "0");		/* FDSize */
	ck_assert_str_eq(val[11], " ");		/* Linux's space */
	ck_assert_str_eq(val[12], "1234");		/* NStgid */
	ck_assert_str_eq(val[13], "1236");		/* NSpid */
	ck_assert_str_eq(val[14], "1200");		/* NSpgid */
	ck_assert_str_eq(val[15], "1100");		/* NSsid */
	ck_assert_str_eq(val[16], "3");			/* Threads */
	ck_assert_str_eq(val[17], "0/18446744073709551615");	/* SigQ */
	for (int i = 18; i <= 27; i++)			/* Sig*, Cap* */
		ck_assert_str_eq(val[i], "0000000000000000");
	for (int i = 28; i <= 30; i++)			/* no seccomp */
		ck_assert_str_eq(val[i], "0");
	ck_assert_str_eq(val[31], "1");			/* Cpus_allowed */
	ck_assert_str_eq(val[32], "0");
	ck_assert_str_eq(val[33], "1");			/* Mems_allowed */
	ck_assert_str_eq(val[34], "0");
	ck_assert_str_eq(val[35], "0");			/* ctxt switches */
	ck_assert_str_eq(val[36], "0");
	ck_assert_str_eq(val[37], "2199023255552");	/* PidSerial */
}
END_TEST

/*
 * A task two namespaces deep, seen from the initial one: each NS line has
 * a number per level, 0 where the level cannot see that pid (a group or
 * session from above), as Linux 4.1's proc_pid_status().
 */
START_TEST(test_status_ns_levels)
{
	static const pid_t pid[] = { 1236, 7, 1 }, tgid[] = { 1234, 5, 1 };
	static const pid_t pgid[] = { 1200, 0, 0 }, sid[] = { 1100, 0, 0 };
	struct task_info ti;
	char buf[BUF_SIZE];
	char *key[64], *val[64];
	int n;

	make_task(&ti);
	ti.ns_levels = 3;
	memcpy(ti.nspid, pid, sizeof(pid));
	memcpy(ti.nstgid, tgid, sizeof(tgid));
	memcpy(ti.nspgid, pgid, sizeof(pgid));
	memcpy(ti.nssid, sid, sizeof(sid));
	procfmt_status(buf, sizeof(buf), &ti);
	n = split_status(buf, key, val, 64);
	ck_assert_int_ge(n, 16);
	ck_assert_str_eq(key[12], "NStgid");
	ck_assert_str_eq(val[12], "1234\t5\t1");
	ck_assert_str_eq(val[13], "1236\t7\t1");
	ck_assert_str_eq(val[14], "1200\t0\t0");
	ck_assert_str_eq(val[15], "1100\t0\t0");
}
END_TEST

/* A zombie has no fs_struct: no Umask line, everything else as before. */
START_TEST(test_status_zombie)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	ti.exit_state = EXIT_ZOMBIE;
	procfmt_status(buf, sizeof(buf), &ti);
	ck_assert_ptr_null(strstr(buf, "Umask:"));
	ck_assert_ptr_eq(strstr(buf, "Name:\tworker\nState:\tZ (zombie)\n"),
			 buf);
	ck_assert_ptr_nonnull(strstr(buf, "\nvoluntary_ctxt_switches:\t0\n"));
	ck_assert_ptr_null(strstr(buf, "\nVm"));
}
END_TEST

START_TEST(test_status_name_escape)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	strcpy(ti.comm, "a\\b\nc d\t(e)");
	procfmt_status(buf, sizeof(buf), &ti);
	/* Linux escapes '\n' and '\\' only; tab and space stay raw. */
	ck_assert_ptr_eq(strstr(buf, "Name:\ta\\\\b\\nc d\t(e)\nUmask:\t"),
			 buf);

	/* stat and comm print comm raw. */
	procfmt_stat(buf, sizeof(buf), &ti);
	ck_assert_ptr_eq(strstr(buf, "1234 (a\\b\nc d\t(e)) S 1 "), buf);
	procfmt_comm(buf, sizeof(buf), &ti);
	ck_assert_str_eq(buf, "a\\b\nc d\t(e)\n");
}
END_TEST

START_TEST(test_cmdline)
{
	struct task_info ti;
	char buf[BUF_SIZE];
	size_t len;

	make_task(&ti);
	memset(buf, 'x', sizeof(buf));
	len = procfmt_cmdline(buf, sizeof(buf), &ti);
	ck_assert_uint_eq(len, sizeof(test_args) - 1);
	ck_assert_mem_eq(buf, test_args, len);
	ck_assert_int_eq(buf[len], '\0');
	/* Each argument NUL-ended: "worker" "--verbose" "a b". */
	ck_assert_int_eq(buf[6], '\0');
	ck_assert_int_eq(buf[16], '\0');
	ck_assert_int_eq(buf[20], '\0');
	ck_assert_str_eq(buf + 17, "a b");

	/* No arguments, as a kernel thread: empty. */
	ti.args_len = 0;
	buf[0] = 'x';
	ck_assert_uint_eq(procfmt_cmdline(buf, sizeof(buf), &ti), 0);
	ck_assert_int_eq(buf[0], '\0');

	/* A full PIDFS_ARGS_MAX of arguments. */
	memset(ti.args, 'y', sizeof(ti.args));
	ti.args[sizeof(ti.args) - 1] = '\0';
	ti.args_len = sizeof(ti.args);
	len = procfmt_cmdline(buf, sizeof(buf), &ti);
	ck_assert_uint_eq(len, PIDFS_ARGS_MAX);
	ck_assert_mem_eq(buf, ti.args, len);
}
END_TEST

START_TEST(test_cmdline_exited)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	ti.exit_state = _i ? EXIT_DEAD : EXIT_ZOMBIE;
	buf[0] = 'x';
	ck_assert_uint_eq(procfmt_cmdline(buf, sizeof(buf), &ti), 0);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_uint_eq(procfmt_cmdline(NULL, 0, &ti), 0);
}
END_TEST

START_TEST(test_comm)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	ck_assert_uint_eq(procfmt_comm(buf, sizeof(buf), &ti), 7);
	ck_assert_str_eq(buf, "worker\n");

	strcpy(ti.comm, "fifteen chars!!");
	ck_assert_uint_eq(procfmt_comm(buf, sizeof(buf), &ti), 16);
	ck_assert_str_eq(buf, "fifteen chars!!\n");

	/* An unterminated comm is cut at TASK_COMM_LEN - 1. */
	memset(ti.comm, 'z', sizeof(ti.comm));
	ck_assert_uint_eq(procfmt_comm(buf, sizeof(buf), &ti), TASK_COMM_LEN);
	ck_assert_str_eq(buf, "zzzzzzzzzzzzzzz\n");
}
END_TEST

START_TEST(test_statm)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	ck_assert_uint_eq(procfmt_statm(buf, sizeof(buf), &ti), 14);
	ck_assert_str_eq(buf, "0 0 0 0 0 0 0\n");
}
END_TEST

START_TEST(test_empty)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	buf[0] = 'x';
	ck_assert_uint_eq(procfmt_empty(buf, sizeof(buf), &ti), 0);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_uint_eq(procfmt_empty(NULL, 0, &ti), 0);
}
END_TEST

/* The links: "/" and the model's program while alive, nothing after. */
START_TEST(test_links)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	ck_assert_uint_eq(procfmt_fs_root(buf, sizeof(buf), &ti), 1);
	ck_assert_str_eq(buf, "/");
	ck_assert_uint_eq(procfmt_exe(buf, sizeof(buf), &ti), 14);
	ck_assert_str_eq(buf, "pidfs:[worker]");
	strcpy(ti.comm, "a]b");
	procfmt_exe(buf, sizeof(buf), &ti);
	ck_assert_str_eq(buf, "pidfs:[a]b]");

	for (int i = 0; i < 2; i++) {
		ti.exit_state = i ? EXIT_DEAD : EXIT_ZOMBIE;
		buf[0] = 'x';
		ck_assert_uint_eq(procfmt_fs_root(buf, sizeof(buf), &ti), 0);
		ck_assert_int_eq(buf[0], '\0');
		ck_assert_uint_eq(procfmt_exe(buf, sizeof(buf), &ti), 0);
		ck_assert_int_eq(buf[0], '\0');
	}
}
END_TEST

/* Linux's table, byte for byte, as a task of init's limits prints it. */
START_TEST(test_limits)
{
	static const char want[] =
		"Limit                     Soft Limit           "
		"Hard Limit           Units     \n"
		"Max cpu time              unlimited            "
		"unlimited            seconds   \n";
	struct task_info ti;
	char buf[BUF_SIZE], *line;
	int rows = 0;

	make_task(&ti);
	procfmt_limits(buf, sizeof(buf), &ti);
	ck_assert_mem_eq(buf, want, sizeof(want) - 1);
	ck_assert_ptr_nonnull(strstr(buf, "\nMax processes             "
					  "unlimited            "
					  "unlimited            processes \n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nMax nice priority         "
					  "0                    "
					  "0                    \n"));
	for (line = buf; (line = strchr(line, '\n')); line++)
		rows++;
	ck_assert_int_eq(rows, 17);

	/* The model's one limit: tasks per uid. */
	ti.nproc = 400;
	procfmt_limits(buf, sizeof(buf), &ti);
	ck_assert_ptr_nonnull(strstr(buf, "\nMax processes             "
					  "400                  "
					  "400                  processes \n"));
}
END_TEST

START_TEST(test_io_wchan)
{
	struct task_info ti;
	char buf[BUF_SIZE];

	make_task(&ti);
	procfmt_io(buf, sizeof(buf), &ti);
	ck_assert_str_eq(buf, "rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\n"
			      "read_bytes: 0\nwrite_bytes: 0\n"
			      "cancelled_write_bytes: 0\n");
	/* "0" and no newline, as Linux's */
	ck_assert_uint_eq(procfmt_wchan(buf, sizeof(buf), &ti), 1);
	ck_assert_str_eq(buf, "0");
}
END_TEST

static void make_mem(struct lowmem_stats *lm, struct pidfs_kernel_stats *ks)
{
	memset(lm, 0, sizeof(*lm));
	memset(ks, 0, sizeof(*ks));
	lm->budget = UINT64_C(896) << 20;
	/* 300 tasks of 10 KiB, 1000 pids of 36 B, 2 pidmap pages, a hash */
	lm->used = 300 * 10240 + 1000 * 36 + 2 * 4096 + 16384;
	lm->oom_events = 5;
	lm->kind[LOWMEM_TASK].objects = 300;
	lm->kind[LOWMEM_TASK].pinned = 40;
	lm->kind[LOWMEM_PID].objects = 1000;
	lm->kind[LOWMEM_PID].pinned = 700;
	lm->kind[LOWMEM_PIDMAP].objects = 2;
	lm->kind[LOWMEM_PIDHASH].objects = 1;
	lm->kind[LOWMEM_PIDHASH].bytes = 16384;
	ks->task_size = 10240;
	ks->fork_failures = 6;
}

/* clang-format off */
static const struct {
	const char *key;
	const char *unit;
} meminfo_keys[] = {
	{ "MemTotal", "kB" },
	{ "MemFree", "kB" },
	{ "MemAvailable", "kB" },
	{ "Buffers", "kB" },
	{ "Cached", "kB" },
	{ "SwapCached", "kB" },
	{ "Active", "kB" },
	{ "Inactive", "kB" },
	{ "LowTotal", "kB" },
	{ "LowFree", "kB" },
	{ "SwapTotal", "kB" },
	{ "SwapFree", "kB" },
	{ "Shmem", "kB" },
	{ "Slab", "kB" },
	{ "SReclaimable", "kB" },
	{ "SUnreclaim", "kB" },
	{ "TaskStructs", NULL },
	{ "TaskStructsPinned", NULL },
	{ "PidStructs", NULL },
	{ "PidStructsPinned", NULL },
	{ "TaskStructSize", NULL },
	{ "PidStructSize", NULL },
	{ "OomEvents", NULL },
	{ "ForkFailures", NULL },
	{ "PidStructHostSize", NULL },
	{ "PidHashBytes", NULL },
	{ "IdrNodeBytes", NULL },
	{ "ProcRefs", NULL },
	{ "ProcRefSize", NULL },
	{ "KernelLookups", NULL },	/* the caller's extra lines */
	{ "CacheBytes", "kB" },
};
/* clang-format on */

#define NR_MEMINFO_KEYS	(sizeof(meminfo_keys) / sizeof(meminfo_keys[0]))

/* The value of @key, parsed as procps's meminfo does; -1 if absent. */
static long long meminfo_value(const char *s, const char *key)
{
	size_t klen = strlen(key);
	long long v = -1;

	for (; *s; s = strchr(s, '\n') + 1) {
		if (!strncmp(s, key, klen) && s[klen] == ':') {
			ck_assert_int_eq(v, -1);	/* once only */
			v = strtoll(s + klen + 1, NULL, 10);
		}
	}
	return v;
}

START_TEST(test_meminfo)
{
	static const struct procfmt_line extra[] = {
		{ "KernelLookups", 123456789, NULL },
		{ "CacheBytes", 64, "kB" },
	};
	struct lowmem_stats lm;
	struct pidfs_kernel_stats ks;
	char buf[BUF_SIZE];
	const char *s = buf;
	size_t len, i = 0;
	uint64_t free_kb;

	make_mem(&lm, &ks);
	len = procfmt_meminfo(buf, sizeof(buf), &lm, &ks, 64, extra, 2);
	ck_assert_uint_eq(len, strlen(buf));

	/* Every key once, in order, each line with its unit or none. */
	for (; *s; i++) {
		const char *nl = strchr(s, '\n');
		size_t klen = strlen(meminfo_keys[i].key);
		const char *unit = meminfo_keys[i].unit;

		ck_assert_uint_lt(i, NR_MEMINFO_KEYS);
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(!strncmp(s, meminfo_keys[i].key, klen) &&
				      s[klen] == ':',
			      "line %zu is not %s", i, meminfo_keys[i].key);
		if (unit)
			ck_assert_int_eq(strncmp(nl - 3, " kB", 3), 0);
		else
			ck_assert(nl[-1] >= '0' && nl[-1] <= '9');
		s = nl + 1;
	}
	ck_assert_uint_eq(i, NR_MEMINFO_KEYS);

	free_kb = ((UINT64_C(896) << 20) - lm.used) >> 10;
	ck_assert_int_eq(meminfo_value(buf, "MemTotal"), 917504);
	ck_assert_int_eq(meminfo_value(buf, "MemFree"), free_kb);
	ck_assert_int_eq(meminfo_value(buf, "MemAvailable"), free_kb);
	ck_assert_int_eq(meminfo_value(buf, "LowTotal"), 917504);
	ck_assert_int_eq(meminfo_value(buf, "LowFree"), free_kb);
	ck_assert_int_eq(meminfo_value(buf, "Slab"), lm.used >> 10);
	ck_assert_int_eq(meminfo_value(buf, "SUnreclaim"), lm.used >> 10);
	ck_assert_int_eq(meminfo_value(buf, "SReclaimable"), 0);
	ck_assert_int_eq(meminfo_value(buf, "Cached"), 0);
	ck_assert_int_eq(meminfo_value(buf, "SwapTotal"), 0);
	ck_assert_int_eq(meminfo_value(buf, "TaskStructs"), 300);
	ck_assert_int_eq(meminfo_value(buf, "TaskStructsPinned"), 40);
	ck_assert_int_eq(meminfo_value(buf, "PidStructs"), 1000);
	ck_assert_int_eq(meminfo_value(buf, "PidStructsPinned"), 700);
	ck_assert_int_eq(meminfo_value(buf, "TaskStructSize"), 10240);
	/* The modelled machine's charge (ks.arch NULL: i386), the host's */
	ck_assert_int_eq(meminfo_value(buf, "PidStructSize"), 36);
	ck_assert_int_eq(meminfo_value(buf, "PidStructHostSize"), 64);
	ck_assert_int_eq(meminfo_value(buf, "PidHashBytes"), 16384);
	ks.arch = &pidfs_arch_x86_64;
	procfmt_meminfo(buf, sizeof(buf), &lm, &ks, 64, extra, 2);
	ck_assert_int_eq(meminfo_value(buf, "PidStructSize"), 64);
	ck_assert_int_eq(meminfo_value(buf, "OomEvents"), 5);
	ck_assert_int_eq(meminfo_value(buf, "ForkFailures"), 6);
	ck_assert_int_eq(meminfo_value(buf, "KernelLookups"), 123456789);
	ck_assert_int_eq(meminfo_value(buf, "CacheBytes"), 64);

	/* Linux's exact layout for its own lines. */
	ck_assert_ptr_eq(strstr(buf, "MemTotal:         917504 kB\n"), buf);
	ck_assert_ptr_nonnull(strstr(buf, "\nSwapCached:            0 kB\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nSReclaimable:          0 kB\n"));
	/* Ours right-align with them. */
	ck_assert_ptr_nonnull(strstr(buf, "\nTaskStructs:         300\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nTaskStructsPinned:    40\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nPidStructsPinned:    700\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nKernelLookups:  123456789\n"));
}
END_TEST

START_TEST(test_meminfo_overcommitted)
{
	struct lowmem_stats lm;
	struct pidfs_kernel_stats ks;
	char buf[BUF_SIZE];

	/* Used above the budget must not wrap MemFree around. */
	make_mem(&lm, &ks);
	lm.budget = 1 << 20;
	lm.used = 2 << 20;
	procfmt_meminfo(buf, sizeof(buf), &lm, &ks, 64, NULL, 0);
	ck_assert_int_eq(meminfo_value(buf, "MemTotal"), 1024);
	ck_assert_int_eq(meminfo_value(buf, "MemFree"), 0);
	ck_assert_int_eq(meminfo_value(buf, "LowFree"), 0);
	ck_assert_int_eq(meminfo_value(buf, "Slab"), 2048);
	ck_assert_int_eq(meminfo_value(buf, "KernelLookups"), -1);
}
END_TEST

START_TEST(test_kv_layout)
{
	char buf[128], want[128];

	/* Keys of up to 15 characters: Linux's "%-16s%8lu kB". */
	snprintf(want, sizeof(want), "%-16s%8u kB\n", "Buffers:", 564);
	ck_assert_uint_eq(procfmt_kv(buf, sizeof(buf), "Buffers", 564, "kB"),
			  strlen(want));
	ck_assert_str_eq(buf, want);
	procfmt_kv(buf, sizeof(buf), "VmallocTotal", UINT64_C(34359738367),
		   "kB");
	ck_assert_str_eq(buf, "VmallocTotal:   34359738367 kB\n");
	procfmt_kv(buf, sizeof(buf), "ShmemPmdMapped", 0, "kB");
	ck_assert_str_eq(buf, "ShmemPmdMapped:        0 kB\n");
	/* Longer keys: one space, still right-aligned to column 24. */
	procfmt_kv(buf, sizeof(buf), "HugePages_Total", 0, NULL);
	ck_assert_str_eq(buf, "HugePages_Total:       0\n");
	procfmt_kv(buf, sizeof(buf), "AVeryLongKeyIndeedYes", 7, NULL);
	ck_assert_str_eq(buf, "AVeryLongKeyIndeedYes: 7\n");
	procfmt_kv(buf, sizeof(buf), "AVeryLongKeyIndeedYes", 12345, "kB");
	ck_assert_str_eq(buf, "AVeryLongKeyIndeedYes: 12345 kB\n");
}
END_TEST

static void make_ns_stats(struct pid_ns_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->pid_max = 32768;
	st->last_pid = 4242;
	st->nr_pids = 1000;
	st->hash_shift = 12;
	st->hash_buckets = 4096;
	st->hash_bytes = 32768;
	st->longest_chain = 3;
	st->empty_buckets = 3200;
	st->pidmap_pages = 1;
	st->nr_free = 31767;
	st->serials = UINT64_C(5000000000);
	st->wraps = 2;
	st->hash_charged = 16384;
	st->pid_max_limit = 32768;
	st->pid_struct_size = 36;
}

START_TEST(test_pidhash)
{
	static const char want[] = "alloc: pidmap\n"
				   "pid_max: 32768\n"
				   "last_pid: 4242\n"
				   "nr_pids: 1000\n"
				   "hash_shift: 12\n"
				   "hash_buckets: 4096\n"
				   "hash_bytes: 32768\n"
				   "longest_chain: 3\n"
				   "empty_buckets: 3200\n"
				   "pidmap_pages: 1\n"
				   "nr_free: 31767\n"
				   "serials: 5000000000\n"
				   "wraps: 2\n"
				   "hash_charged: 16384\n"
				   "pid_max_limit: 32768\n"
				   "pid_struct_size: 36\n";
	struct pid_ns_stats st;
	char buf[BUF_SIZE];

	make_ns_stats(&st);
	ck_assert_uint_eq(procfmt_pidhash(buf, sizeof(buf), &st),
			  sizeof(want) - 1);
	ck_assert_str_eq(buf, want);
}
END_TEST

/* Under the IDR: its structure instead of the hash's and the bitmap's. */
START_TEST(test_pidhash_idr)
{
	static const char want[] = "alloc: idr\n"
				   "pid_max: 32768\n"
				   "last_pid: 4242\n"
				   "nr_pids: 1000\n"
				   "idr_nodes: 18\n"
				   "idr_height: 2\n"
				   "idr_ids: 1001\n"
				   "idr_reserve: 1\n"
				   "idr_node_size: 300\n"
				   "idr_bytes: 5700\n"
				   "tree_idr_nodes: 21\n"
				   "tree_idr_bytes: 6300\n"
				   "serials: 5000000000\n"
				   "wraps: 2\n"
				   "pid_max_limit: 32768\n"
				   "pid_struct_size: 36\n";
	struct pid_ns_stats st;
	char buf[BUF_SIZE];

	make_ns_stats(&st);
	st.alloc = PID_ALLOC_IDR;
	st.idr.nodes = 18;
	st.idr.height = 2;
	st.idr.ids = 1001;
	st.idr.reserve = 1;
	st.idr.node_bytes = 300;
	st.idr.bytes = 19 * 300;
	st.tree_idr_nodes = 21;
	st.tree_idr_bytes = 21 * 300;
	ck_assert_uint_eq(procfmt_pidhash(buf, sizeof(buf), &st),
			  sizeof(want) - 1);
	ck_assert_str_eq(buf, want);
}
END_TEST

/* The per-level caches: four lines each, named as 2.6.24's slabs. */
START_TEST(test_pid_caches)
{
	static const char want[] = "pid_objects: 7\n"
				   "pid_objsize: 36\n"
				   "pid_host_size: 80\n"
				   "pid_33_objects: 1\n"
				   "pid_33_objsize: 556\n"
				   "pid_33_host_size: 848\n";
	struct pid_cache_stats st[2] = {
		{ "pid", 0, 80, 36, 7, 9 },
		{ "pid_33", 32, 848, 556, 1, UINT64_C(5000000000) },
	};
	char buf[BUF_SIZE], small[20];

	ck_assert_uint_eq(procfmt_pid_caches(buf, sizeof(buf), st, 2),
			  sizeof(want) - 1);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(procfmt_pid_caches(buf, sizeof(buf), st, 0), 0);
	/* truncated: the length it wanted, and what fits */
	ck_assert_uint_eq(procfmt_pid_caches(small, sizeof(small), st, 2),
			  sizeof(want) - 1);
	ck_assert_str_eq(small, "pid_objects: 7\npid_");
}
END_TEST

START_TEST(test_uptime)
{
	char buf[64];

	ck_assert_uint_eq(procfmt_uptime(buf, sizeof(buf), 0, 0), 10);
	ck_assert_str_eq(buf, "0.00 0.00\n");
	procfmt_uptime(buf, sizeof(buf), UINT64_C(664609999999),
		       UINT64_C(1294980000000));
	ck_assert_str_eq(buf, "664.60 1294.98\n");
	procfmt_uptime(buf, sizeof(buf), UINT64_C(5050000000),
		       UINT64_C(9999999));
	ck_assert_str_eq(buf, "5.05 0.00\n");
}
END_TEST

START_TEST(test_loadavg)
{
	char buf[64];

	ck_assert_uint_eq(procfmt_loadavg(buf, sizeof(buf), 1, 85, 4667), 25);
	ck_assert_str_eq(buf, "0.00 0.00 0.00 1/85 4667\n");
}
END_TEST

START_TEST(test_stat_global)
{
	static const char want[] = "cpu  0 0 0 0 0 0 0 0 0 0\n"
				   "cpu0 0 0 0 0 0 0 0 0 0 0\n"
				   "intr 0\n"
				   "ctxt 0\n"
				   "btime 1795569107\n"
				   "processes 4668\n"
				   "procs_running 2\n"
				   "procs_blocked 0\n"
				   "softirq 0 0 0 0 0 0 0 0 0 0 0\n";
	char buf[BUF_SIZE];

	ck_assert_uint_eq(procfmt_stat_global(buf, sizeof(buf),
					      UINT64_C(1795569107), 4668, 2),
			  sizeof(want) - 1);
	ck_assert_str_eq(buf, want);
}
END_TEST

START_TEST(test_pid_max)
{
	char buf[16];

	ck_assert_uint_eq(procfmt_pid_max(buf, sizeof(buf), 32768), 6);
	ck_assert_str_eq(buf, "32768\n");
	ck_assert_uint_eq(procfmt_pid_max(buf, sizeof(buf), PID_MAX_LIMIT), 8);
	ck_assert_str_eq(buf, "4194304\n");
}
END_TEST

/*
 * Truncation: for every size from 0 to past the end, the return value is
 * the full length, nothing is written past @size, the output is
 * NUL-terminated and a prefix of the full one.
 */
enum render_kind {
	R_STAT,
	R_STATUS,
	R_CMDLINE,
	R_COMM,
	R_MEMINFO,
	R_KV,
	R_PIDHASH,
	R_UPTIME,
	R_LOADAVG,
	R_STAT_GLOBAL,
	R_PID_MAX,
	R_STATM,
	R_EXE,
	R_FS_ROOT,
	R_LIMITS,
	R_IO,
	R_WCHAN,
	R_NR_KINDS,
};

static size_t render(enum render_kind kind, char *buf, size_t size)
{
	static const struct procfmt_line extra[] = {
		{ "KernelLookups", 42, NULL },
	};
	struct task_info ti;
	struct lowmem_stats lm;
	struct pidfs_kernel_stats ks;
	struct pid_ns_stats ns;

	make_task(&ti);
	make_mem(&lm, &ks);
	make_ns_stats(&ns);
	switch (kind) {
	case R_STAT:
		return procfmt_stat(buf, size, &ti);
	case R_STATUS:
		return procfmt_status(buf, size, &ti);
	case R_CMDLINE:
		return procfmt_cmdline(buf, size, &ti);
	case R_COMM:
		return procfmt_comm(buf, size, &ti);
	case R_MEMINFO:
		return procfmt_meminfo(buf, size, &lm, &ks, 64, extra, 1);
	case R_KV:
		return procfmt_kv(buf, size, "MemTotal", 917504, "kB");
	case R_PIDHASH:
		return procfmt_pidhash(buf, size, &ns);
	case R_UPTIME:
		return procfmt_uptime(buf, size, UINT64_C(12345678901),
				      UINT64_C(22345678901));
	case R_LOADAVG:
		return procfmt_loadavg(buf, size, 1, 300, 32767);
	case R_STAT_GLOBAL:
		return procfmt_stat_global(buf, size, 1795569107, 4668, 1);
	case R_PID_MAX:
		return procfmt_pid_max(buf, size, 32768);
	case R_STATM:
		return procfmt_statm(buf, size, &ti);
	case R_EXE:
		return procfmt_exe(buf, size, &ti);
	case R_FS_ROOT:
		return procfmt_fs_root(buf, size, &ti);
	case R_LIMITS:
		return procfmt_limits(buf, size, &ti);
	case R_IO:
		return procfmt_io(buf, size, &ti);
	case R_WCHAN:
		return procfmt_wchan(buf, size, &ti);
	case R_NR_KINDS:
		break;
	}
	ck_abort();
	return 0;
}

START_TEST(test_truncation)
{
	enum render_kind kind = _i;
	char full[BUF_SIZE];
	size_t len = render(kind, full, sizeof(full));

	ck_assert_uint_gt(len, 0);
	ck_assert_uint_lt(len, sizeof(full));
	ck_assert_uint_eq(render(kind, NULL, 0), len);

	for (size_t size = 0; size <= len + 2; size++) {
		/* Exactly @size bytes of heap, so valgrind sees overruns. */
		char *buf = malloc(size ? size : 1);
		size_t kept = size ? (len < size ? len : size - 1) : 0;

		ck_assert_ptr_nonnull(buf);
		memset(buf, '#', size ? size : 1);
		ck_assert_uint_eq(render(kind, buf, size), len);
		if (size) {
			ck_assert_mem_eq(buf, full, kept);
			ck_assert_int_eq(buf[kept], '\0');
		} else {
			ck_assert_int_eq(buf[0], '#');	/* untouched */
		}
		free(buf);
	}
}
END_TEST

Suite *procfmt_suite(void)
{
	Suite *s = suite_create("procfmt");
	TCase *tc;

	tc = tcase_create("task");
	tcase_add_test(tc, test_stat_fields);
	tcase_add_test(tc, test_status_ns_levels);
	tcase_add_test(tc, test_stat_comm_parens);
	tcase_add_loop_test(tc, test_stat_state, 0,
			    sizeof(states) / sizeof(states[0]));
	tcase_add_test(tc, test_stat_starttime);
	tcase_add_test(tc, test_status_layout);
	tcase_add_test(tc, test_status_name_escape);
	tcase_add_test(tc, test_cmdline);
	tcase_add_loop_test(tc, test_cmdline_exited, 0, 2);
	tcase_add_test(tc, test_comm);
	tcase_add_test(tc, test_status_zombie);
	tcase_add_test(tc, test_statm);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_io_wchan);
	suite_add_tcase(s, tc);

	tc = tcase_create("global");
	tcase_add_test(tc, test_meminfo);
	tcase_add_test(tc, test_meminfo_overcommitted);
	tcase_add_test(tc, test_kv_layout);
	tcase_add_test(tc, test_pidhash);
	tcase_add_test(tc, test_pidhash_idr);
	tcase_add_test(tc, test_pid_caches);
	tcase_add_test(tc, test_uptime);
	tcase_add_test(tc, test_loadavg);
	tcase_add_test(tc, test_stat_global);
	tcase_add_test(tc, test_pid_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_loop_test(tc, test_truncation, 0, R_NR_KINDS);
	suite_add_tcase(s, tc);

	return s;
}
