// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the control language.
 *
 * The parser is pure and is tested alone ("parse").  Everything else runs
 * commands against a real simulated kernel, built in a checked fixture
 * and torn down after each test, in one of four shapes: the defaults; a
 * pid_max of 400, to run out of pid numbers; the smallest low-memory zone,
 * to run out of memory; and a per-uid limit of 3 tasks.  Fault injection
 * (lowmem_fail_nth()) makes one chosen allocation fail, for the failures
 * that must be exact.
 *
 * Every failing command is checked twice: for its errno and its exact
 * reply, and for leaving the model as it found it.  "As it found it" is
 * the state a reader can see: the zone's charge per kind (pinned objects
 * included), the pid namespace (last_pid, hashed pids and their serials,
 * bitmap), and every task's info.  History counters (OOM events, fork
 * failures, serials handed out, tasks ever released) are meant to record
 * the failure and are not compared, nor is the slab memory the daemon
 * keeps mapped, which is the allocator's business and not the model's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/ctl.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

#include "suites.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SMALL_PID_MAX	400	/* pids 2..399 for the tests' children */
#define NPROC		3	/* init and two more for uid 1000 */
#define TEST_UID	1000
#define TEST_GID	100

static struct pidfs_kernel *k;
static struct pidfs_ctl *ctl;
static struct pidfs_ctl_reply reply;
static struct task_info ti;	/* large: kept off the stack */

/* ------------------------------------------------------------------------
 * Fixtures
 */

static void boot(struct pidfs_kernel_params *p)
{
	p->hash_shift = -1;
	p->uid = TEST_UID;
	p->gid = TEST_GID;
	p->alloc = test_pid_alloc();
	ck_assert_int_eq(pidfs_kernel_create(p, &k), 0);
	ck_assert_int_eq(pid_ns_alloc(pidfs_kernel_ns(k)), p->alloc);
	ctl = pidfs_ctl_create(k);
	ck_assert_ptr_nonnull(ctl);
	memset(&reply, 0, sizeof(reply));
}

static void setup_default(void)
{
	struct pidfs_kernel_params p = { 0 };

	boot(&p);
}

static void setup_small(void)
{
	struct pidfs_kernel_params p = { .pid_max = SMALL_PID_MAX };

	boot(&p);
}

static void setup_tiny(void)
{
	struct pidfs_kernel_params p = { .lowmem = LOWMEM_MIN_BUDGET };

	boot(&p);
}

static void setup_nproc(void)
{
	struct pidfs_kernel_params p = { .nproc = NPROC };

	boot(&p);
}

static void teardown(void)
{
	pidfs_ctl_reply_free(&reply);
	pidfs_ctl_destroy(ctl);
	ctl = NULL;
	pidfs_kernel_destroy(k);
	k = NULL;
}

/* ------------------------------------------------------------------------
 * Helpers
 */

/* Run @len bytes of @line; the reply is left in the global. */
static int run_len(const char *line, size_t len)
{
	int err;

	pidfs_ctl_reply_free(&reply);
	err = pidfs_ctl_exec(ctl, line, len, &reply, NULL, NULL);
	ck_assert_ptr_nonnull(reply.buf);
	ck_assert_uint_eq(reply.buf[reply.len], '\0');
	ck_assert_uint_eq(strlen(reply.buf), reply.len);
	return err;
}

static int run(const char *line)
{
	return run_len(line, strlen(line));
}

static void run_ok(const char *line, const char *want)
{
	int err = run(line);

	ck_assert_msg(err == 0, "\"%s\": %d, %s", line, err, reply.buf);
	ck_assert_msg(!strcmp(reply.buf, want), "\"%s\": replied \"%s\"", line,
		      reply.buf);
}

static void run_err(const char *line, int want_err, const char *want)
{
	int err = run(line);

	ck_assert_msg(err == want_err, "\"%s\": %d, want %d (%s)", line, err,
		      want_err, reply.buf);
	ck_assert_msg(!strcmp(reply.buf, want), "\"%s\": replied \"%s\"", line,
		      reply.buf);
}

/* The number a fork-like command replied. */
static pid_t run_pid(const char *line)
{
	char *end;
	long nr;

	ck_assert_msg(run(line) == 0, "\"%s\": %s", line, reply.buf);
	nr = strtol(reply.buf, &end, 10);
	ck_assert_msg(nr > 0 && !strcmp(end, "\n"), "\"%s\": \"%s\"", line,
		      reply.buf);
	return (pid_t)nr;
}

/* Fill the global ti from task @nr; false if there is no such task. */
static bool info(pid_t nr)
{
	struct task_struct *t = pidfs_get_task(k, nr);
	int err;

	if (!t)
		return false;
	err = pidfs_task_info(t, &ti);
	put_task_struct(t);
	return !err;
}

static void info_ok(pid_t nr)
{
	ck_assert_msg(info(nr), "no task %d", nr);
}

/* ------------------------------------------------------------------------
 * Snapshots of what a reader can see of the model
 */

struct snap_pid {
	pid_t nr;
	uint64_t serial;
	bool has_task;
	struct task_info ti;
};

struct snap {
	struct lowmem_stats lm;
	struct pid_ns_stats ns;
	struct pidfs_kernel_stats ks;
	size_t nr_pids;
	struct snap_pid *pids;
};

/* Walk every hashed pid as readdir does, with find_ge_pid(). */
static void snap_take(struct snap *s)
{
	struct pid_namespace *ns = pidfs_kernel_ns(k);
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	lowmem_read_stats(pidfs_kernel_lowmem(k), &s->lm);
	pid_ns_read_stats(ns, &s->ns);
	pidfs_kernel_read_stats(k, &s->ks);
	for (int nr = 1;; nr++) {
		struct task_struct *t = NULL;
		struct snap_pid *e;
		struct pid *pid;
		uint64_t serial = 0;

		rcu_read_lock();
		pid = find_ge_pid_ns(nr, ns);
		if (pid) {
			nr = pid_nr(pid);
			serial = pid_serial(pid);
			t = pid_task(pid, PIDTYPE_PID);
			if (t)
				get_task_struct(t);
		}
		rcu_read_unlock();
		if (!pid)
			break;
		if (s->nr_pids == cap) {
			cap = cap ? 2 * cap : 16;
			s->pids = realloc(s->pids, cap * sizeof(*s->pids));
			ck_assert_ptr_nonnull(s->pids);
		}
		e = &s->pids[s->nr_pids++];
		memset(e, 0, sizeof(*e));
		e->nr = nr;
		e->serial = serial;
		if (t) {
			e->has_task = !pidfs_task_info(t, &e->ti);
			put_task_struct(t);
		}
	}
}

static void snap_free(struct snap *s)
{
	free(s->pids);
	s->pids = NULL;
}

static void ti_same(const struct task_info *a, const struct task_info *b)
{
	ck_assert_int_eq(a->pid, b->pid);
	ck_assert_int_eq(a->tgid, b->tgid);
	ck_assert_int_eq(a->ppid, b->ppid);
	ck_assert_int_eq(a->pgrp, b->pgrp);
	ck_assert_int_eq(a->session, b->session);
	ck_assert_uint_eq(a->uid, b->uid);
	ck_assert_uint_eq(a->gid, b->gid);
	ck_assert_int_eq(a->state, b->state);
	ck_assert_int_eq(a->exit_state, b->exit_state);
	ck_assert_int_eq(a->exit_code, b->exit_code);
	ck_assert_int_eq(a->nr_threads, b->nr_threads);
	ck_assert_int_eq(a->is_leader, b->is_leader);
	ck_assert_uint_eq(a->start_time, b->start_time);
	ck_assert_uint_eq(a->serial, b->serial);
	ck_assert_str_eq(a->comm, b->comm);
	ck_assert_uint_eq(a->args_len, b->args_len);
	ck_assert_mem_eq(a->args, b->args, a->args_len);
}

static void snap_same(const struct snap *a, const struct snap *b,
		      const char *what)
{
	ck_assert_msg(a->lm.used == b->lm.used, "%s: zone used %llu -> %llu",
		      what, (unsigned long long)a->lm.used,
		      (unsigned long long)b->lm.used);
	for (int i = 0; i < LOWMEM_NR_KINDS; i++) {
		const struct lowmem_kind_stats *x = &a->lm.kind[i];
		const struct lowmem_kind_stats *y = &b->lm.kind[i];

		ck_assert_msg(
			x->objects == y->objects && x->bytes == y->bytes &&
				x->pinned == y->pinned,
			"%s: kind %d: objects %llu -> %llu, pinned %llu -> %llu",
			what, i, (unsigned long long)x->objects,
			(unsigned long long)y->objects,
			(unsigned long long)x->pinned,
			(unsigned long long)y->pinned);
	}
	ck_assert_msg(a->ns.last_pid == b->ns.last_pid, "%s: last_pid %d -> %d",
		      what, a->ns.last_pid, b->ns.last_pid);
	ck_assert_int_eq(a->ns.pid_max, b->ns.pid_max);
	ck_assert_int_eq(a->ns.nr_pids, b->ns.nr_pids);
	ck_assert_int_eq(a->ns.pidmap_pages, b->ns.pidmap_pages);
	ck_assert_int_eq(a->ns.nr_free, b->ns.nr_free);
	ck_assert_uint_eq(a->ns.longest_chain, b->ns.longest_chain);
	ck_assert_uint_eq(a->ns.empty_buckets, b->ns.empty_buckets);
	ck_assert_msg(a->ks.nr_tasks == b->ks.nr_tasks, "%s: nr_tasks %u -> %u",
		      what, a->ks.nr_tasks, b->ks.nr_tasks);
	ck_assert_uint_eq(a->ks.nr_zombies, b->ks.nr_zombies);
	ck_assert_uint_eq(a->ks.nproc, b->ks.nproc);
	ck_assert_msg(a->nr_pids == b->nr_pids, "%s: %zu pids -> %zu", what,
		      a->nr_pids, b->nr_pids);
	for (size_t i = 0; i < a->nr_pids; i++) {
		ck_assert_int_eq(a->pids[i].nr, b->pids[i].nr);
		ck_assert_uint_eq(a->pids[i].serial, b->pids[i].serial);
		ck_assert_int_eq(a->pids[i].has_task, b->pids[i].has_task);
		if (a->pids[i].has_task)
			ti_same(&a->pids[i].ti, &b->pids[i].ti);
	}
}

/* Run @line, which must fail with @want_err and reply @want, changing
 * nothing. */
static void run_fails_clean(const char *line, int want_err, const char *want)
{
	struct snap before, after;

	/*
	 * Compare the model at rest: what earlier commands left to RCU
	 * callbacks (a reaped task's struct pid, freed a grace period
	 * later) must not land between the snapshots; and whatever the
	 * failed command queued must show in the second.
	 */
	rcu_barrier();
	snap_take(&before);
	run_err(line, want_err, want);
	rcu_barrier();
	snap_take(&after);
	snap_same(&before, &after, line);
	snap_free(&before);
	snap_free(&after);
}

/* ------------------------------------------------------------------------
 * The parser alone
 */

/* clang-format off */
static const struct parse_case {
	const char *line;
	size_t len;			/* 0: strlen(line) */
	enum pidfs_ctl_op op;
	pid_t pid, pgid;
	int code;
	unsigned int n;
	uid_t uid;
	gid_t gid;
	bool has_gid;
	const char *comm;
	const char *args;		/* NUL-separated */
	size_t args_len;
} parse_cases[] = {
	{ "fork", 0, PIDFS_CTL_FORK, .comm = "" },
	{ "fork\n", 0, PIDFS_CTL_FORK, .comm = "" },
	{ "fork 7", 0, PIDFS_CTL_FORK, .pid = 7, .comm = "" },
	{ "fork 0 sh", 0, PIDFS_CTL_FORK, .comm = "sh" },
	{ "fork 4194303 abcdefghijklmno", 0, PIDFS_CTL_FORK, .pid = 4194303,
	  .comm = "abcdefghijklmno" },
	{ " \tfork\t\t3   x(y)~ \t\n", 0, PIDFS_CTL_FORK, .pid = 3,
	  .comm = "x(y)~" },
	{ "thread 5", 0, PIDFS_CTL_THREAD, .pid = 5, .comm = "" },
	{ "thread 5 w", 0, PIDFS_CTL_THREAD, .pid = 5, .comm = "w" },
	{ "exit 5", 0, PIDFS_CTL_EXIT, .pid = 5, .comm = "" },
	{ "exit 5 255", 0, PIDFS_CTL_EXIT, .pid = 5, .code = 255, .comm = "" },
	{ "exit 5 0", 0, PIDFS_CTL_EXIT, .pid = 5, .comm = "" },
	{ "reap 1", 0, PIDFS_CTL_REAP, .pid = 1, .comm = "" },
	{ "kill 5 9", 0, PIDFS_CTL_KILL, .pid = 5, .code = 9, .comm = "" },
	{ "setpgid 5 0", 0, PIDFS_CTL_SETPGID, .pid = 5, .comm = "" },
	{ "setpgid 5 7", 0, PIDFS_CTL_SETPGID, .pid = 5, .pgid = 7,
	  .comm = "" },
	{ "setsid 5", 0, PIDFS_CTL_SETSID, .pid = 5, .comm = "" },
	{ "exec 5 sh", 0, PIDFS_CTL_EXEC, .pid = 5, .comm = "sh", .args = "sh",
	  .args_len = 3 },
	{ "exec 5 sh -c 'a  b'", 0, PIDFS_CTL_EXEC, .pid = 5, .comm = "sh",
	  .args = "sh\0-c\0'a\0b'", .args_len = 12 },
	{ "exec 5 ls caf\xc3\xa9 \x01\x7f \"\\", 0, PIDFS_CTL_EXEC, .pid = 5,
	  .comm = "ls", .args = "ls\0caf\xc3\xa9\0\x01\x7f\0\"\\",
	  .args_len = 15 },
	{ "spawn 1", 0, PIDFS_CTL_SPAWN, .n = 1, .comm = "" },
	{ "spawn 100000 3", 0, PIDFS_CTL_SPAWN, .pid = 3, .n = 100000,
	  .comm = "" },
	{ "setuid 5 0", 0, PIDFS_CTL_SETUID, .pid = 5, .comm = "" },
	{ "setuid 5 4294967294 4294967294", 0, PIDFS_CTL_SETUID, .pid = 5,
	  .uid = 4294967294u, .gid = 4294967294u, .has_gid = true, .comm = "" },
	{ "setuid 5 1000 0", 0, PIDFS_CTL_SETUID, .pid = 5, .uid = 1000,
	  .has_gid = true, .comm = "" },
	{ "failnth 0", 0, PIDFS_CTL_FAILNTH, .comm = "" },
	{ "failnth 3\n", 0, PIDFS_CTL_FAILNTH, .n = 3, .comm = "" },
	{ "failnth 4294967295", 0, PIDFS_CTL_FAILNTH, .n = 4294967295u,
	  .comm = "" },
};
/* clang-format on */

START_TEST(test_parse_ok)
{
	const struct parse_case *c = &parse_cases[_i];
	static struct pidfs_ctl_cmd cmd;
	size_t len = c->len ? c->len : strlen(c->line);

	ck_assert_msg(pidfs_ctl_parse(c->line, len, &cmd) == 0, "\"%s\": %s",
		      c->line, cmd.reason);
	ck_assert_int_eq(cmd.op, c->op);
	ck_assert_int_eq(cmd.pid, c->pid);
	ck_assert_int_eq(cmd.pgid, c->pgid);
	ck_assert_int_eq(cmd.code, c->code);
	ck_assert_uint_eq(cmd.n, c->n);
	ck_assert_uint_eq(cmd.uid, c->uid);
	ck_assert_uint_eq(cmd.gid, c->gid);
	ck_assert_int_eq(cmd.has_gid, c->has_gid);
	ck_assert_str_eq(cmd.comm, c->comm);
	ck_assert_uint_eq(cmd.args_len, c->args_len);
	if (c->args_len)
		ck_assert_mem_eq(cmd.args, c->args, c->args_len);
	ck_assert_str_eq(cmd.reason, "");
}
END_TEST

/* The longest line is PIDFS_CTL_LINE_MAX bytes, its newline included. */
START_TEST(test_parse_line_max)
{
	static char line[PIDFS_CTL_LINE_MAX + 2];
	static struct pidfs_ctl_cmd cmd;

	memset(line, ' ', sizeof(line));
	memcpy(line, "fork", 4);
	line[PIDFS_CTL_LINE_MAX - 1] = '\n';
	ck_assert_int_eq(pidfs_ctl_parse(line, PIDFS_CTL_LINE_MAX, &cmd), 0);
	line[PIDFS_CTL_LINE_MAX - 1] = ' ';
	ck_assert_int_eq(pidfs_ctl_parse(line, PIDFS_CTL_LINE_MAX, &cmd), 0);
	line[PIDFS_CTL_LINE_MAX] = '\n';
	ck_assert_int_eq(pidfs_ctl_parse(line, PIDFS_CTL_LINE_MAX + 1, &cmd),
			 -EINVAL);
	ck_assert_str_eq(cmd.reason, "syntax: line longer than 8192 bytes");
	ck_assert_int_eq(pidfs_ctl_parse(NULL, 0, &cmd), -EINVAL);
	ck_assert_str_eq(cmd.reason, "syntax: empty line");
}
END_TEST

/*
 * The argv of exec fits whatever the line holds (its bound is the task
 * layer's E2BIG, not the parser's), and a reason never overflows.
 */
START_TEST(test_parse_bounds)
{
	static char line[PIDFS_CTL_LINE_MAX];
	static struct pidfs_ctl_cmd cmd;
	size_t len;

	/* "exec 1 x" then one-byte arguments: the most NULs per byte */
	len = (size_t)sprintf(line, "exec 1 x");
	while (len + 2 <= sizeof(line)) {
		line[len++] = ' ';
		line[len++] = 'a';
	}
	ck_assert_int_eq(pidfs_ctl_parse(line, len, &cmd), 0);
	ck_assert_uint_eq(cmd.args_len, 2 + (len - 8));

	/* a very long unknown word is quoted short */
	memset(line, 'x', sizeof(line));
	ck_assert_int_eq(pidfs_ctl_parse(line, sizeof(line), &cmd), -EINVAL);
	ck_assert_str_eq(cmd.reason, "syntax: unknown command "
				     "\"xxxxxxxxxxxxxxxxxxxxxxxx...\"");
	/* and bytes that would spoil a line are escaped, then cut */
	memset(line, 0x1b, 100);
	ck_assert_int_eq(pidfs_ctl_parse(line, 100, &cmd), -EINVAL);
	ck_assert_uint_lt(strlen(cmd.reason), PIDFS_CTL_REASON_MAX);
	ck_assert_ptr_null(strchr(cmd.reason, 0x1b));
	ck_assert_ptr_nonnull(strstr(cmd.reason, "\\x1b\\x1b"));
}
END_TEST

START_TEST(test_op_names)
{
	static const char *const names[PIDFS_CTL_NR_OPS] = {
		"fork", "thread", "exit", "reap", "kill", "setpgid",
		"setsid", "exec", "spawn", "setuid", "failnth", "unshare",
	};
	static struct pidfs_ctl_cmd cmd;

	for (int op = 0; op < PIDFS_CTL_NR_OPS; op++) {
		ck_assert_str_eq(pidfs_ctl_op_name(op), names[op]);
		/* every name parses back to its op (with a PID if needed) */
		pidfs_ctl_parse(names[op], strlen(names[op]), &cmd);
		ck_assert_ptr_null(strstr(cmd.reason, "unknown command"));
	}
	ck_assert_ptr_null(pidfs_ctl_op_name(PIDFS_CTL_NR_OPS));
	ck_assert_ptr_null(pidfs_ctl_op_name(PIDFS_CTL_NR_OPS + 1));
}
END_TEST

START_TEST(test_reply_free)
{
	struct pidfs_ctl_reply r = { 0 };

	pidfs_ctl_reply_free(&r);
	r.buf = malloc(4);
	r.len = 3;
	pidfs_ctl_reply_free(&r);
	ck_assert_ptr_null(r.buf);
	ck_assert_uint_eq(r.len, 0);
	pidfs_ctl_reply_free(&r);
	pidfs_ctl_destroy(NULL);
}
END_TEST

/* ------------------------------------------------------------------------
 * Syntax errors: one row per class, through pidfs_ctl_exec() with a live
 * kernel, so each also shows that a refused line changes nothing.
 */

/* clang-format off */
#define U(usage)	" (usage: " usage ")\n"
#define R_PID		"is not a decimal in 1..4194303\n"
#define R_PPID		"is not a decimal in 0..4194303\n"
#define R_ID		"is not a decimal in 0..4294967294\n"
#define R_CODE		"is not a decimal in 0..255\n"
#define R_N		"is not a decimal in 1..100000\n"
#define R_NTH		"is not a decimal in 0..4294967295\n"
#define R_COMM		"is not 1..15 printable characters\n"
#define E_SYN		"error: syntax: "

static const struct syntax_case {
	const char *line;
	size_t len;			/* 0: strlen(line) */
	const char *reply;
} syntax_cases[] = {
	/* empty */
	{ "", 0, E_SYN "empty line\n" },
	{ "\n", 0, E_SYN "empty line\n" },
	{ " \t  \n", 0, E_SYN "empty line\n" },
	{ "\t", 0, E_SYN "empty line\n" },
	/* unknown command, case and all */
	{ "frok", 0, E_SYN "unknown command \"frok\"\n" },
	{ "FORK", 0, E_SYN "unknown command \"FORK\"\n" },
	{ "for", 0, E_SYN "unknown command \"for\"\n" },
	{ "forkk 1", 0, E_SYN "unknown command \"forkk\"\n" },
	{ "fr\"o\\k", 0, E_SYN "unknown command \"fr\\x22o\\x5ck\"\n" },
	{ "fork\r\n", 0, E_SYN "unknown command \"fork\\x0d\"\n" },
	{ "fork\v1", 0, E_SYN "unknown command \"fork\\x0b1\"\n" },
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0,
	  E_SYN "unknown command \"xxxxxxxxxxxxxxxxxxxxxxxx...\"\n" },
	/* newlines and NULs */
	{ "fork\n\n", 0, E_SYN "more than one line\n" },
	{ "fork\nfork\n", 0, E_SYN "more than one line\n" },
	{ "\nfork", 0, E_SYN "more than one line\n" },
	{ "fork\0", 5, E_SYN "NUL byte in line\n" },
	{ "fork 1\0 x\n", 10, E_SYN "NUL byte in line\n" },
	{ "\0", 1, E_SYN "NUL byte in line\n" },
	{ "\0\n", 2, E_SYN "NUL byte in line\n" },
	/* missing arguments */
	{ "thread", 0, E_SYN "thread: missing TGID" U("thread TGID [COMM]") },
	{ "exit", 0, E_SYN "exit: missing PID" U("exit PID [CODE]") },
	{ "reap\n", 0, E_SYN "reap: missing PID" U("reap PID") },
	{ "kill", 0, E_SYN "kill: missing PID" U("kill PID [CODE]") },
	{ "setpgid", 0, E_SYN "setpgid: missing PID" U("setpgid PID PGID") },
	{ "setpgid 2", 0, E_SYN "setpgid: missing PGID" U("setpgid PID PGID") },
	{ "setsid", 0, E_SYN "setsid: missing PID" U("setsid PID") },
	{ "exec", 0, E_SYN "exec: missing PID" U("exec PID COMM [ARG...]") },
	{ "exec 2 \n", 0,
	  E_SYN "exec: missing COMM" U("exec PID COMM [ARG...]") },
	{ "spawn", 0, E_SYN "spawn: missing N" U("spawn N [PPID]") },
	{ "setuid", 0, E_SYN "setuid: missing PID" U("setuid PID UID [GID]") },
	{ "setuid 2", 0,
	  E_SYN "setuid: missing UID" U("setuid PID UID [GID]") },
	/* extra arguments */
	{ "fork 1 a b", 0,
	  E_SYN "fork: too many arguments" U("fork [PPID [COMM]]") },
	{ "fork 1 a 1", 0,
	  E_SYN "fork: too many arguments" U("fork [PPID [COMM]]") },
	{ "thread 1 a b", 0,
	  E_SYN "thread: too many arguments" U("thread TGID [COMM]") },
	{ "exit 2 0 0", 0,
	  E_SYN "exit: too many arguments" U("exit PID [CODE]") },
	{ "reap 2 2", 0, E_SYN "reap: too many arguments" U("reap PID") },
	{ "kill 2 9 9", 0,
	  E_SYN "kill: too many arguments" U("kill PID [CODE]") },
	{ "setpgid 2 2 2", 0,
	  E_SYN "setpgid: too many arguments" U("setpgid PID PGID") },
	{ "setsid 2 2", 0, E_SYN "setsid: too many arguments" U("setsid PID") },
	{ "spawn 1 1 1", 0,
	  E_SYN "spawn: too many arguments" U("spawn N [PPID]") },
	{ "setuid 2 0 0 0", 0,
	  E_SYN "setuid: too many arguments" U("setuid PID UID [GID]") },
	/* numbers: sign, leading zeros, other bases, junk, range, overflow */
	{ "fork -1", 0, E_SYN "fork: PPID \"-1\" " R_PPID },
	{ "fork +1", 0, E_SYN "fork: PPID \"+1\" " R_PPID },
	{ "fork -0", 0, E_SYN "fork: PPID \"-0\" " R_PPID },
	{ "fork 01", 0, E_SYN "fork: PPID \"01\" " R_PPID },
	{ "fork 00", 0, E_SYN "fork: PPID \"00\" " R_PPID },
	{ "fork 0x1", 0, E_SYN "fork: PPID \"0x1\" " R_PPID },
	{ "fork 1a", 0, E_SYN "fork: PPID \"1a\" " R_PPID },
	{ "fork 1.0", 0, E_SYN "fork: PPID \"1.0\" " R_PPID },
	{ "fork 1e3", 0, E_SYN "fork: PPID \"1e3\" " R_PPID },
	{ "fork 1\r", 0, E_SYN "fork: PPID \"1\\x0d\" " R_PPID },
	{ "fork \xd9\xa1", 0, E_SYN "fork: PPID \"\\xd9\\xa1\" " R_PPID },
	{ "fork 4194304", 0, E_SYN "fork: PPID \"4194304\" " R_PPID },
	{ "fork 4294967297", 0, E_SYN "fork: PPID \"4294967297\" " R_PPID },
	{ "fork 99999999999", 0, E_SYN "fork: PPID \"99999999999\" " R_PPID },
	{ "fork 18446744073709551617", 0,
	  E_SYN "fork: PPID \"18446744073709551617\" " R_PPID },
	{ "thread 0", 0, E_SYN "thread: TGID \"0\" " R_PID },
	{ "exit 0", 0, E_SYN "exit: PID \"0\" " R_PID },
	{ "exit 2 256", 0, E_SYN "exit: CODE \"256\" " R_CODE },
	{ "exit 2 -1", 0, E_SYN "exit: CODE \"-1\" " R_CODE },
	{ "kill 2 09", 0, E_SYN "kill: CODE \"09\" " R_CODE },
	{ "reap 4194304", 0, E_SYN "reap: PID \"4194304\" " R_PID },
	{ "setpgid 2 -1", 0, E_SYN "setpgid: PGID \"-1\" " R_PPID },
	{ "setpgid 0 2", 0, E_SYN "setpgid: PID \"0\" " R_PID },
	{ "setsid 0", 0, E_SYN "setsid: PID \"0\" " R_PID },
	{ "exec 0 sh", 0, E_SYN "exec: PID \"0\" " R_PID },
	{ "spawn 0", 0, E_SYN "spawn: N \"0\" " R_N },
	{ "spawn 100001", 0, E_SYN "spawn: N \"100001\" " R_N },
	{ "spawn 1 -1", 0, E_SYN "spawn: PPID \"-1\" " R_PPID },
	{ "setuid 2 4294967295", 0, E_SYN "setuid: UID \"4294967295\" " R_ID },
	{ "setuid 2 4294967296", 0, E_SYN "setuid: UID \"4294967296\" " R_ID },
	{ "setuid 2 0 4294967295", 0,
	  E_SYN "setuid: GID \"4294967295\" " R_ID },
	{ "failnth", 0, E_SYN "failnth: missing N" U("failnth N") },
	{ "failnth 1 2", 0,
	  E_SYN "failnth: too many arguments" U("failnth N") },
	{ "failnth -1", 0, E_SYN "failnth: N \"-1\" " R_NTH },
	{ "failnth 4294967296", 0, E_SYN "failnth: N \"4294967296\" " R_NTH },
	{ "setuid 2 -0", 0, E_SYN "setuid: UID \"-0\" " R_ID },
	/* names */
	{ "fork 1 0123456789abcdef", 0,
	  E_SYN "fork: COMM \"0123456789abcdef\" " R_COMM },
	{ "fork 1 a\x01z", 0, E_SYN "fork: COMM \"a\\x01z\" " R_COMM },
	{ "fork 1 caf\xc3\xa9", 0,
	  E_SYN "fork: COMM \"caf\\xc3\\xa9\" " R_COMM },
	{ "thread 1 \x7f", 0, E_SYN "thread: COMM \"\\x7f\" " R_COMM },
	{ "exec 1 0123456789abcdef x", 0,
	  E_SYN "exec: COMM \"0123456789abcdef\" " R_COMM },
	{ "exec 1 \x1b[31m", 0, E_SYN "exec: COMM \"\\x1b[31m\" " R_COMM },
};
/* clang-format on */

START_TEST(test_syntax_error)
{
	const struct syntax_case *c = &syntax_cases[_i];
	size_t len = c->len ? c->len : strlen(c->line);
	static struct pidfs_ctl_cmd cmd;
	struct snap before, after;
	char want[PIDFS_CTL_REASON_MAX + 16];
	int err;

	snap_take(&before);
	err = run_len(c->line, len);
	ck_assert_msg(err == -EINVAL, "case %d: %d (%s)", _i, err, reply.buf);
	ck_assert_msg(!strcmp(reply.buf, c->reply), "case %d: \"%s\"", _i,
		      reply.buf);
	snap_take(&after);
	snap_same(&before, &after, c->reply);
	snap_free(&before);
	snap_free(&after);

	/* the parser alone gives the same reason */
	ck_assert_int_eq(pidfs_ctl_parse(c->line, len, &cmd), -EINVAL);
	snprintf(want, sizeof(want), "error: %s\n", cmd.reason);
	ck_assert_str_eq(want, c->reply);
}
END_TEST

START_TEST(test_line_too_long)
{
	static char line[PIDFS_CTL_LINE_MAX + 1];

	memset(line, ' ', sizeof(line));
	memcpy(line, "fork", 4);
	ck_assert_int_eq(run_len(line, sizeof(line)), -EINVAL);
	ck_assert_str_eq(reply.buf,
			 "error: syntax: line longer than 8192 bytes\n");
	run_fails_clean("", -EINVAL, "error: syntax: empty line\n");
	ck_assert_int_eq(run_len(line, sizeof(line) - 1), 0);
	ck_assert_str_eq(reply.buf, "2\n");
}
END_TEST

START_TEST(test_null_line)
{
	ck_assert_int_eq(pidfs_ctl_exec(ctl, NULL, 0, &reply, NULL, NULL),
			 -EINVAL);
	ck_assert_str_eq(reply.buf, "error: syntax: empty line\n");
	ck_assert_uint_eq(reply.len, strlen(reply.buf));
}
END_TEST

/* ------------------------------------------------------------------------
 * Each command: its reply and its effect
 */

START_TEST(test_fork)
{
	run_ok("fork", "2\n");
	info_ok(2);
	ck_assert_int_eq(ti.ppid, 1);
	ck_assert_int_eq(ti.tgid, 2);
	ck_assert_str_eq(ti.comm, "init");	/* the parent's */
	ck_assert_uint_eq(ti.uid, TEST_UID);
	ck_assert_int_eq(ti.exit_state, 0);

	run_ok("fork 2 sh\n", "3\n");
	info_ok(3);
	ck_assert_int_eq(ti.ppid, 2);
	ck_assert_str_eq(ti.comm, "sh");

	run_ok("fork 0 x", "4\n");		/* 0 is init */
	info_ok(4);
	ck_assert_int_eq(ti.ppid, 1);
	ck_assert_str_eq(ti.comm, "x");

	run_ok(" \t fork \t 3\t  abcdefghijklmno \n", "5\n");
	info_ok(5);
	ck_assert_int_eq(ti.ppid, 3);
	ck_assert_str_eq(ti.comm, "abcdefghijklmno");
}
END_TEST

START_TEST(test_thread)
{
	run_ok("fork 1 app", "2\n");
	run_ok("thread 2 worker", "3\n");
	info_ok(3);
	ck_assert_int_eq(ti.pid, 3);
	ck_assert_int_eq(ti.tgid, 2);
	ck_assert_int_eq(ti.is_leader, false);
	ck_assert_str_eq(ti.comm, "worker");
	run_ok("thread 2", "4\n");
	info_ok(4);
	ck_assert_str_eq(ti.comm, "app");	/* the group's */
	info_ok(2);
	ck_assert_int_eq(ti.nr_threads, 3);
}
END_TEST

START_TEST(test_exit_reap)
{
	run_ok("fork", "2\n");
	run_ok("fork", "3\n");
	run_ok("fork 2", "4\n");
	run_ok("exit 2 7", "");
	info_ok(2);
	ck_assert_int_eq(ti.exit_state, EXIT_ZOMBIE);
	ck_assert_int_eq(ti.exit_code, 7);
	info_ok(4);
	ck_assert_int_eq(ti.ppid, 1);		/* reparented */
	run_ok("exit 3\n", "");
	info_ok(3);
	ck_assert_int_eq(ti.exit_state, EXIT_ZOMBIE);
	ck_assert_int_eq(ti.exit_code, 0);

	run_ok("reap 2", "");
	ck_assert(!info(2));
	run_ok("reap 3", "");
	ck_assert(!info(3));
	ck_assert(info(4));
}
END_TEST

START_TEST(test_kill)
{
	struct pidfs_kernel_stats st;

	run_ok("fork", "2\n");
	run_ok("fork", "3\n");
	run_ok("thread 3", "4\n");
	run_ok("kill 2", "");
	ck_assert(!info(2));
	run_ok("kill 3 9", "");
	ck_assert(!info(3));
	ck_assert(!info(4));			/* its thread went too */
	pidfs_kernel_read_stats(k, &st);
	ck_assert_uint_eq(st.nr_tasks, 1);
	ck_assert_uint_eq(st.nr_zombies, 0);
}
END_TEST

START_TEST(test_setpgid)
{
	run_ok("fork", "2\n");
	run_ok("fork", "3\n");
	run_ok("setpgid 3 3", "");
	info_ok(3);
	ck_assert_int_eq(ti.pgrp, 3);
	run_ok("setpgid 2 3", "");
	info_ok(2);
	ck_assert_int_eq(ti.pgrp, 3);
	run_ok("setpgid 2 0", "");		/* 0 is the pid itself */
	info_ok(2);
	ck_assert_int_eq(ti.pgrp, 2);
	ck_assert_int_eq(ti.session, 1);
}
END_TEST

START_TEST(test_setsid)
{
	run_ok("fork", "2\n");
	run_ok("thread 2", "3\n");
	run_ok("setsid 3", "2\n");		/* a thread: its group's */
	info_ok(2);
	ck_assert_int_eq(ti.session, 2);
	ck_assert_int_eq(ti.pgrp, 2);
	run_ok("fork 2", "4\n");
	info_ok(4);
	ck_assert_int_eq(ti.session, 2);
}
END_TEST

START_TEST(test_exec)
{
	static const char argv[] = "sh\0-c\0true";

	run_ok("fork", "2\n");
	run_ok("thread 2", "3\n");
	run_ok("exec 2 sh -c true", "");
	info_ok(2);
	ck_assert_str_eq(ti.comm, "sh");
	ck_assert_uint_eq(ti.args_len, sizeof(argv));
	ck_assert_mem_eq(ti.args, argv, sizeof(argv));
	ck_assert_int_eq(ti.nr_threads, 1);	/* de_thread() */
	ck_assert(!info(3));

	run_ok("exec 2 ls\n", "");
	info_ok(2);
	ck_assert_str_eq(ti.comm, "ls");
	ck_assert_uint_eq(ti.args_len, 3);
	ck_assert_mem_eq(ti.args, "ls", 3);
}
END_TEST

/* An argv of exactly PIDFS_ARGS_MAX bytes passes; one byte more is E2BIG. */
START_TEST(test_exec_e2big)
{
	static char line[PIDFS_CTL_LINE_MAX];
	size_t len = 0, argv_len = 2;	/* "x\0" */

	run_ok("fork", "2\n");
	len = (size_t)sprintf(line, "exec 2 x");
	while (argv_len + 100 <= PIDFS_ARGS_MAX) {
		len += (size_t)sprintf(line + len, " %099d", 0);
		argv_len += 100;
	}
	line[len++] = ' ';
	while (argv_len + 1 < PIDFS_ARGS_MAX) {
		line[len++] = 'b';
		argv_len++;
	}
	argv_len++;
	ck_assert_uint_eq(argv_len, PIDFS_ARGS_MAX);
	ck_assert_int_eq(run_len(line, len), 0);
	info_ok(2);
	ck_assert_uint_eq(ti.args_len, PIDFS_ARGS_MAX);
	ck_assert_str_eq(ti.comm, "x");

	line[len++] = 'b';
	line[len] = '\0';
	run_fails_clean(line, -E2BIG,
			"error: exec: arguments longer than 4096 bytes\n");

	/* the longest line the parser takes: E2BIG, not a syntax error */
	memset(line + len, 'c', sizeof(line) - len);
	line[sizeof(line) - 1] = '\n';
	ck_assert_int_eq(run_len(line, sizeof(line)), -E2BIG);
}
END_TEST

START_TEST(test_spawn)
{
	run_ok("spawn 3", "2\n3\n4\n");
	for (pid_t nr = 2; nr <= 4; nr++) {
		info_ok(nr);
		ck_assert_int_eq(ti.ppid, 1);
	}
	run_ok("spawn 2 3\n", "5\n6\n");
	info_ok(6);
	ck_assert_int_eq(ti.ppid, 3);
	run_ok("spawn 1 0", "7\n");
}
END_TEST

START_TEST(test_spawn_many)
{
	struct pidfs_kernel_stats st;
	char *p;
	int n = 0;

	ck_assert_int_eq(run("spawn 1000"), 0);
	/* 2..9, 10..99, 100..999, 1000..1001, each with a newline */
	ck_assert_uint_eq(reply.len, 8 * 2 + 90 * 3 + 900 * 4 + 2 * 5);
	for (p = reply.buf; *p; n++) {
		char *end;

		ck_assert_int_eq(strtol(p, &end, 10), n + 2);
		ck_assert_int_eq(*end, '\n');
		p = end + 1;
	}
	ck_assert_int_eq(n, 1000);
	pidfs_kernel_read_stats(k, &st);
	ck_assert_uint_eq(st.nr_tasks, 1001);
}
END_TEST

START_TEST(test_setuid)
{
	run_ok("fork", "2\n");
	run_ok("thread 2", "3\n");
	run_ok("setuid 2 2000 200", "");
	info_ok(2);
	ck_assert_uint_eq(ti.uid, 2000);
	ck_assert_uint_eq(ti.gid, 200);
	info_ok(3);				/* the whole group */
	ck_assert_uint_eq(ti.uid, 2000);
	run_ok("setuid 3 0", "");		/* gid kept */
	info_ok(2);
	ck_assert_uint_eq(ti.uid, 0);
	ck_assert_uint_eq(ti.gid, 200);
	run_ok("setuid 2 4294967294 4294967294", "");
	info_ok(2);
	ck_assert_uint_eq(ti.uid, 4294967294u);
	ck_assert_uint_eq(ti.gid, 4294967294u);
	run_ok("fork 2", "4\n");		/* children inherit */
	info_ok(4);
	ck_assert_uint_eq(ti.uid, 4294967294u);
	info_ok(1);
	ck_assert_uint_eq(ti.uid, TEST_UID);
}
END_TEST

/* ------------------------------------------------------------------------
 * Errors of the task layer, each with its reply and no change
 */

/* clang-format off */
static const struct fail_case {
	const char *prep[4];		/* commands that must succeed first */
	const char *line;
	int err;
	const char *reply;
} fail_cases[] = {
	/* ESRCH */
	{ { NULL }, "fork 42", -ESRCH, "error: fork: no such parent 42\n" },
	{ { NULL }, "fork 4194303 sh", -ESRCH,
	  "error: fork: no such parent 4194303\n" },
	{ { "fork", "exit 2" }, "fork 2", -ESRCH,
	  "error: fork: no such parent 2\n" },
	{ { NULL }, "thread 42 t", -ESRCH,
	  "error: thread: no such thread group 42\n" },
	{ { "fork", "exit 2" }, "thread 2", -ESRCH,
	  "error: thread: no such thread group 2\n" },
	{ { NULL }, "exit 42", -ESRCH, "error: exit: no such task 42\n" },
	{ { "fork", "exit 2" }, "exit 2", -ESRCH,
	  "error: exit: no such task 2\n" },
	{ { NULL }, "reap 42", -ESRCH, "error: reap: no such task 42\n" },
	{ { "fork", "kill 2" }, "reap 2", -ESRCH,
	  "error: reap: no such task 2\n" },
	{ { NULL }, "kill 42 9", -ESRCH, "error: kill: no such task 42\n" },
	{ { "fork", "exit 2" }, "kill 2", -ESRCH,
	  "error: kill: no such task 2\n" },
	{ { NULL }, "setpgid 42 0", -ESRCH,
	  "error: setpgid: no such task 42\n" },
	{ { NULL }, "setsid 42", -ESRCH, "error: setsid: no such task 42\n" },
	{ { NULL }, "exec 42 sh -c x", -ESRCH,
	  "error: exec: no such task 42\n" },
	{ { "fork", "exit 2" }, "exec 2 sh", -ESRCH,
	  "error: exec: no such task 2\n" },
	{ { NULL }, "spawn 3 42", -ESRCH, "error: spawn: no such parent 42\n" },
	{ { NULL }, "setuid 42 0", -ESRCH, "error: setuid: no such task 42\n" },
	{ { NULL }, "setuid 42 0 0", -ESRCH,
	  "error: setuid: no such task 42\n" },
	/* EPERM */
	{ { NULL }, "exit 1", -EPERM, "error: exit: pid 1 cannot exit\n" },
	{ { NULL }, "exit 1 3", -EPERM, "error: exit: pid 1 cannot exit\n" },
	{ { NULL }, "kill 1", -EPERM, "error: kill: pid 1 cannot exit\n" },
	{ { "setsid 1" }, "setsid 1", -EPERM,
	  "error: setsid: 1 is a session leader\n" },
	{ { "fork", "setsid 2" }, "setsid 2", -EPERM,
	  "error: setsid: 2 is a session leader\n" },
	{ { "fork", "setpgid 2 0" }, "setsid 2", -EPERM,
	  "error: setsid: 2 is already a process group leader\n" },
	{ { "setsid 1" }, "setpgid 1 0", -EPERM,
	  "error: setpgid: 1 is a session leader\n" },
	{ { "fork", "thread 2" }, "setpgid 3 0", -EINVAL,
	  "error: setpgid: 3 is a thread, not a group leader\n" },
	{ { "fork", "setsid 2" }, "setpgid 2 0", -EPERM,
	  "error: setpgid: 2 is a session leader\n" },
	{ { "fork" }, "setpgid 2 5", -EPERM,
	  "error: setpgid: no process group 5 in the session of 2\n" },
	{ { "fork", "fork", "setsid 2" }, "setpgid 3 2", -EPERM,
	  "error: setpgid: no process group 2 in the session of 3\n" },
	/* ECHILD */
	{ { NULL }, "reap 1", -ECHILD,
	  "error: reap: task 1 is not a zombie\n" },
	{ { "fork" }, "reap 2", -ECHILD,
	  "error: reap: task 2 is not a zombie\n" },
	{ { "fork", "thread 2" }, "reap 3", -ECHILD,
	  "error: reap: task 3 is not a zombie\n" },
};
/* clang-format on */

START_TEST(test_task_error)
{
	const struct fail_case *c = &fail_cases[_i];

	for (size_t i = 0; i < ARRAY_SIZE(c->prep) && c->prep[i]; i++)
		ck_assert_msg(run(c->prep[i]) == 0, "prep \"%s\": %s",
			      c->prep[i], reply.buf);
	run_fails_clean(c->line, c->err, c->reply);
}
END_TEST

/*
 * Fault injection: the struct pid is fork's first allocation, the
 * task_struct its second.  A failed task allocation comes after the pid
 * number was taken, so last_pid moved and must be put back: the next fork
 * gets the number the failed one would have had.
 */
START_TEST(test_fork_enomem)
{
	struct lowmem *lm = pidfs_kernel_lowmem(k);

	lowmem_fail_nth(lm, 2);
	run_fails_clean("fork", -ENOMEM, "error: fork: out of low memory\n");
	run_ok("fork", "2\n");

	lowmem_fail_nth(lm, 1);
	run_fails_clean("fork 2 x", -EAGAIN,
			"error: fork: out of low memory\n");
	run_ok("fork 2 x", "3\n");

	lowmem_fail_nth(lm, 2);
	run_fails_clean("thread 2", -ENOMEM,
			"error: thread: out of low memory\n");
	run_ok("thread 2", "4\n");
}
END_TEST

/*
 * failnth arms the zone's fault injection for the commands that follow,
 * allocates nothing itself (arming it twice fails the same allocation),
 * and 0 disarms it.
 */
START_TEST(test_failnth)
{
	run_ok("failnth 1", "");
	run_ok("failnth 1", "");
	run_fails_clean("fork", -EAGAIN, "error: fork: out of low memory\n");
	run_ok("fork", "2\n");

	run_ok("failnth 2", "");
	run_fails_clean("fork", -ENOMEM, "error: fork: out of low memory\n");
	run_ok("fork", "3\n");

	run_ok("failnth 1", "");
	run_ok("failnth 0", "");
	run_ok("spawn 2", "4\n5\n");

	/* armed beyond what a command allocates: still armed after it */
	run_ok("failnth 3", "");
	run_ok("fork", "6\n");
	run_fails_clean("fork", -EAGAIN, "error: fork: out of low memory\n");
	run_ok("failnth 0", "");
}
END_TEST

/* A spawn that fails at its fourth child leaves no child behind. */
START_TEST(test_spawn_enomem)
{
	lowmem_fail_nth(pidfs_kernel_lowmem(k), 3 * 2 + 2);
	run_fails_clean("spawn 5", -ENOMEM,
			"error: spawn: out of low memory\n");
	run_ok("spawn 5", "2\n3\n4\n5\n6\n");
}
END_TEST

/* The smallest zone: fork until it is full, for real. */
START_TEST(test_lowmem_exhausted)
{
	struct snap before, after;
	int err = 0, forks = 0;

	while (forks < 100) {
		snap_take(&before);
		err = run("fork");
		if (err)
			break;
		snap_free(&before);
		forks++;
	}
	ck_assert_msg(err == -ENOMEM || err == -EAGAIN, "%d after %d forks",
		      err, forks);
	ck_assert_int_gt(forks, 0);
	ck_assert_str_eq(reply.buf, "error: fork: out of low memory\n");
	snap_take(&after);
	snap_same(&before, &after, "fork on a full zone");
	snap_free(&before);
	snap_free(&after);

	run_fails_clean("fork", err, "error: fork: out of low memory\n");
	run_fails_clean("thread 2", err, "error: thread: out of low memory\n");
	run_fails_clean("spawn 1", err, "error: spawn: out of low memory\n");

	/* memory comes back after a kill and a grace period */
	run_ok("kill 2", "");
	rcu_barrier();
	ck_assert_int_eq(run_pid("fork"), forks + 2);
	run_fails_clean("spawn 10", err, "error: spawn: out of low memory\n");
}
END_TEST

/* pid_max of 400: pids 2..399. */
START_TEST(test_pid_exhausted)
{
	struct pidfs_kernel_stats st;

	run_fails_clean("spawn 399", -EAGAIN, "error: spawn: no free pid\n");
	pidfs_kernel_read_stats(k, &st);
	ck_assert_uint_eq(st.nr_tasks, 1);

	ck_assert_int_eq(run("spawn 398"), 0);
	ck_assert(!strncmp(reply.buf, "2\n3\n", 4));
	ck_assert_uint_eq(reply.len, 8 * 2 + 90 * 3 + 300 * 4);
	run_fails_clean("fork", -EAGAIN, "error: fork: no free pid\n");
	run_fails_clean("thread 1", -EAGAIN, "error: thread: no free pid\n");
	run_fails_clean("spawn 1 7", -EAGAIN, "error: spawn: no free pid\n");

	/* numbers wrap to RESERVED_PIDS: freeing 5 does not help, 350 does */
	run_ok("kill 5", "");
	run_fails_clean("fork", -EAGAIN, "error: fork: no free pid\n");
	run_ok("kill 350", "");
	run_ok("fork", "350\n");
}
END_TEST

/*
 * A failed fork that took a number must give it back where it found it:
 * without the ctl's repair, the fork after a failed one would skip a pid.
 */
START_TEST(test_last_pid_restored)
{
	struct pid_namespace *ns = pidfs_kernel_ns(k);

	run_ok("spawn 3", "2\n3\n4\n");
	ck_assert_int_eq(pid_ns_last_pid(ns), 4);
	lowmem_fail_nth(pidfs_kernel_lowmem(k), 2);
	ck_assert_int_eq(run("fork"), -ENOMEM);
	ck_assert_int_eq(pid_ns_last_pid(ns), 4);
	run_ok("fork", "5\n");

	/* same for a failed spawn, wherever it stopped */
	lowmem_fail_nth(pidfs_kernel_lowmem(k), 5 * 2);
	ck_assert_int_eq(run("spawn 9"), -ENOMEM);
	ck_assert_int_eq(pid_ns_last_pid(ns), 5);
	run_ok("spawn 2", "6\n7\n");
}
END_TEST

/* nproc = 3 for uid 1000, init included. */
START_TEST(test_nproc)
{
	run_ok("fork", "2\n");
	run_ok("thread 2", "3\n");
	run_fails_clean("fork", -EAGAIN,
			"error: fork: process limit reached\n");
	run_fails_clean(
		"thread 2", -EAGAIN,
		"error: thread: process limit reached\n");
	run_fails_clean("spawn 1", -EAGAIN,
			"error: spawn: process limit reached\n");

	/* moving a group to another uid frees its slots */
	run_ok("setuid 2 2000", "");
	info_ok(3);
	ck_assert_uint_eq(ti.uid, 2000);
	ck_assert_uint_eq(ti.gid, TEST_GID);
	run_ok("fork", "4\n");
	run_ok("fork 2", "5\n");		/* uid 2000: its third */
	run_fails_clean(
		"thread 5", -EAGAIN,
		"error: thread: process limit reached\n");
	run_ok("kill 4", "");
	run_ok("fork", "6\n");
}
END_TEST

/* Commands from many threads at once run one at a time, each whole. */
#define CONC_THREADS	4
#define CONC_ROUNDS	100

static void *conc_worker(void *arg)
{
	struct pidfs_ctl_reply r = { 0 };
	char line[64];
	long bad = 0;

	(void)arg;
	for (int i = 0; i < CONC_ROUNDS; i++) {
		int nr = 0, n;

		if (pidfs_ctl_exec(ctl, "fork", 4, &r, NULL, NULL) ||
		    sscanf(r.buf, "%d", &nr) != 1)
			bad++;
		pidfs_ctl_reply_free(&r);
		if (pidfs_ctl_exec(ctl, "fork 4194303", 12, &r, NULL, NULL) !=
		    -ESRCH)
			bad++;
		pidfs_ctl_reply_free(&r);
		n = snprintf(line, sizeof(line), "kill %d\n", nr);
		if (pidfs_ctl_exec(ctl, line, (size_t)n, &r, NULL, NULL) || r.len)
			bad++;
		pidfs_ctl_reply_free(&r);
	}
	return (void *)(intptr_t)bad;
}

START_TEST(test_concurrent)
{
	pthread_t th[CONC_THREADS];
	struct pidfs_kernel_stats st;
	void *bad;

	for (int i = 0; i < CONC_THREADS; i++)
		ck_assert_int_eq(
			pthread_create(&th[i], NULL, conc_worker, NULL), 0);
	for (int i = 0; i < CONC_THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
	pidfs_kernel_read_stats(k, &st);
	ck_assert_uint_eq(st.nr_tasks, 1);
	ck_assert_uint_eq(st.forks, CONC_THREADS * CONC_ROUNDS);
}
END_TEST


/* ------------------------------------------------------------------------
 * unshare: pid namespaces, addressed by initial-namespace numbers
 */

/* The reply of unshare: a namespace id above the initial one's. */
static unsigned long run_nsid(const char *line)
{
	char *end;
	unsigned long id;
	int err = run(line);

	ck_assert_msg(err == 0, "\"%s\": %d, %s", line, err, reply.buf);
	id = strtoul(reply.buf, &end, 10);
	ck_assert_str_eq(end, "\n");
	ck_assert_uint_gt(id, PROC_PID_INIT_INO);
	return id;
}

START_TEST(test_unshare)
{
	unsigned long a, b;
	pid_t p, i, c;
	char line[64];

	p = run_pid("fork");
	snprintf(line, sizeof(line), "unshare %d", p);
	a = run_nsid(line);
	ck_assert_uint_eq(a, PROC_PID_INIT_INO + 1);
	/* copy_pid_ns(): not twice without a fork between */
	snprintf(line, sizeof(line), "unshare %d", p);
	run_err(line, -EINVAL,
		"error: unshare: 2 unshared already and has not forked since\n");
	snprintf(line, sizeof(line), "thread %d", p);
	run_err(line, -EINVAL, "error: thread: 2 unshared its pid namespace\n");

	/* the first child is init there; ctl still answers global numbers */
	snprintf(line, sizeof(line), "fork %d", p);
	i = run_pid(line);
	ck_assert_int_eq(i, p + 1);
	info_ok(i);
	ck_assert_int_eq(ti.ppid, p);
	ck_assert_uint_eq(ti.ns_levels, 2);
	ck_assert_int_eq(ti.nspid[0], i);
	ck_assert_int_eq(ti.nspid[1], 1);
	ck_assert_uint_eq(ti.ns_inum, a);
	snprintf(line, sizeof(line), "fork %d", i);
	c = run_pid(line);
	info_ok(c);
	ck_assert_int_eq(ti.nspid[1], 2);
	/* a second unshare after a fork nests one level deeper */
	snprintf(line, sizeof(line), "unshare %d", c);
	b = run_nsid(line);
	ck_assert_uint_eq(b, a + 1);

	run_err("unshare 300", -ESRCH, "error: unshare: no such task 300\n");

	/* the init's exit empties its namespace; later forks get ENOMEM */
	snprintf(line, sizeof(line), "exit %d", i);
	run_ok(line, "");
	ck_assert(!info(c));
	snprintf(line, sizeof(line), "fork %d", p);
	run_err(line, -ENOMEM,
		"error: fork: the pid namespace 2 forks into has no init\n");
	snprintf(line, sizeof(line), "reap %d", i);
	run_ok(line, "");
}
END_TEST

/* ENOSPC past 32 levels, and the 33 numbers of the deepest task. */
START_TEST(test_unshare_enospc)
{
	pid_t p = run_pid("fork");
	char line[64], want[128];

	for (int level = 1; level <= MAX_PID_NS_LEVEL; level++) {
		snprintf(line, sizeof(line), "unshare %d", p);
		run_nsid(line);
		snprintf(line, sizeof(line), "fork %d", p);
		p = run_pid(line);
	}
	info_ok(p);
	ck_assert_uint_eq(ti.ns_levels, MAX_PID_NS_LEVEL + 1);
	ck_assert_int_eq(ti.nspid[0], p);
	/* the init of level l, then one task a level below: 33 - l of them */
	for (int l = 1; l <= MAX_PID_NS_LEVEL; l++)
		ck_assert_int_eq(ti.nspid[l], MAX_PID_NS_LEVEL + 1 - l);
	snprintf(line, sizeof(line), "unshare %d", p);
	snprintf(want, sizeof(want),
		 "error: unshare: %d is 32 pid namespaces deep already\n", p);
	run_err(line, -ENOSPC, want);
	/* zapping the outermost takes every level with it */
	run_ok("kill 3", "");
	ck_assert(!info(p));
	ck_assert(info(2));
}
END_TEST

/* A failed fork into a namespace puts last_pid back at every level. */
START_TEST(test_unshare_last_pid_restored)
{
	struct pid_namespace *ns;
	int before[2];
	pid_t p = run_pid("fork"), i;
	char line[64];

	snprintf(line, sizeof(line), "unshare %d", p);
	run_nsid(line);
	snprintf(line, sizeof(line), "fork %d", p);
	i = run_pid(line);
	ns = pidfs_get_pid_ns_for_children(k, i);
	ck_assert_ptr_nonnull(ns);
	before[0] = pid_ns_last_pid(ns);
	before[1] = pid_ns_last_pid(pid_ns_parent(ns));
	snprintf(line, sizeof(line), "failnth 1");
	run_ok(line, "");
	snprintf(line, sizeof(line), "fork %d", i);
	ck_assert_int_ne(run(line), 0);
	run_ok("failnth 0", "");
	ck_assert_int_eq(pid_ns_last_pid(ns), before[0]);
	ck_assert_int_eq(pid_ns_last_pid(pid_ns_parent(ns)), before[1]);
	/* and the namespace, which has its init, still forks */
	ck_assert_int_eq(run_pid(line), i + 1);
	put_pid_ns(ns);
}
END_TEST

Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_ok, 0, (int)ARRAY_SIZE(parse_cases));
	tcase_add_test(tc, test_parse_line_max);
	tcase_add_test(tc, test_parse_bounds);
	tcase_add_test(tc, test_op_names);
	tcase_add_test(tc, test_reply_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_checked_fixture(tc, setup_default, teardown);
	tcase_add_loop_test(tc, test_syntax_error, 0,
			    (int)ARRAY_SIZE(syntax_cases));
	tcase_add_test(tc, test_line_too_long);
	tcase_add_test(tc, test_null_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, setup_default, teardown);
	tcase_add_test(tc, test_fork);
	tcase_add_test(tc, test_thread);
	tcase_add_test(tc, test_exit_reap);
	tcase_add_test(tc, test_kill);
	tcase_add_test(tc, test_setpgid);
	tcase_add_test(tc, test_setsid);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_exec_e2big);
	tcase_add_test(tc, test_spawn);
	tcase_add_test(tc, test_spawn_many);
	tcase_add_test(tc, test_setuid);
	tcase_add_test(tc, test_concurrent);
	tcase_add_test(tc, test_unshare);
	tcase_add_test(tc, test_unshare_enospc);
	tcase_add_test(tc, test_unshare_last_pid_restored);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup_default, teardown);
	tcase_add_loop_test(tc, test_task_error, 0,
			    (int)ARRAY_SIZE(fail_cases));
	tcase_add_test(tc, test_fork_enomem);
	tcase_add_test(tc, test_failnth);
	tcase_add_test(tc, test_spawn_enomem);
	suite_add_tcase(s, tc);

	tc = tcase_create("pid_max");
	tcase_add_checked_fixture(tc, setup_small, teardown);
	tcase_add_test(tc, test_pid_exhausted);
	tcase_add_test(tc, test_last_pid_restored);
	suite_add_tcase(s, tc);

	tc = tcase_create("lowmem");
	tcase_add_checked_fixture(tc, setup_tiny, teardown);
	tcase_add_test(tc, test_lowmem_exhausted);
	suite_add_tcase(s, tc);

	tc = tcase_create("nproc");
	tcase_add_checked_fixture(tc, setup_nproc, teardown);
	tcase_add_test(tc, test_nproc);
	suite_add_tcase(s, tc);

	return s;
}
