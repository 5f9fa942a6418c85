// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rendering: the model's files in the formats of Linux's /proc.
 *
 * Models fs/proc/array.c (do_task_stat(), proc_pid_status()), fs/proc/
 * base.c (cmdline, comm), fs/proc/meminfo.c, uptime.c, loadavg.c and
 * stat.c, as Linux 6.1 prints them, because that is what procps 4 and
 * psmisc parse.  Where Linux reads a field from something the model does
 * not have (a memory map, signal state, CPU time), the field is printed as
 * Linux prints it for a kernel thread: 0, mostly.
 *
 * Everything here is pure: no locks, no allocation, no output but the
 * caller's buffer.  Each renderer appends pieces to a struct pbuf that
 * keeps snprintf's contract for the whole file (see procfmt.h): it counts
 * every byte the file needs, writes those that fit, and keeps the buffer
 * NUL-terminated after each piece, so a truncated render is a prefix of
 * the full one.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/procfmt.h"
#include "pidfs/task.h"

#define NSEC_PER_SEC		UINT64_C(1000000000)
#define NSEC_PER_TICK		(NSEC_PER_SEC / PROCFMT_USER_HZ)

/* Linux's meminfo layout: values end at column 24 (16 + "%8lu"). */
#define MEMINFO_KEY_COLS	16
#define MEMINFO_VALUE_END	24

/* Linux's counters of /proc/stat: cpu time kinds, and softirqs (6.1). */
#define STAT_CPU_FIELDS		10
#define STAT_NR_SOFTIRQS	10

/* init_fs's umask, which every task inherits and none changes. */
#define INIT_UMASK		0022

/* Linux's resource numbers, the rows of /proc/<pid>/limits. */
enum { RLIMIT_NPROC = 6, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14 };

struct pbuf {
	char *buf;
	size_t size;
	size_t len;		/* bytes the output needs so far */
};

static void pb_init(struct pbuf *pb, char *buf, size_t size)
{
	pb->buf = buf;
	pb->size = size;
	pb->len = 0;
	if (size)
		buf[0] = '\0';
}

/* Append @n bytes, which may hold NULs; keep the buffer NUL-terminated. */
static void pb_putmem(struct pbuf *pb, const void *p, size_t n)
{
	if (pb->len + 1 < pb->size) {
		size_t room = pb->size - 1 - pb->len;
		size_t copy = n < room ? n : room;

		memcpy(pb->buf + pb->len, p, copy);
		pb->buf[pb->len + copy] = '\0';
	}
	pb->len += n;
}

static void pb_puts(struct pbuf *pb, const char *s)
{
	pb_putmem(pb, s, strlen(s));
}

static void pb_putc(struct pbuf *pb, char c)
{
	pb_putmem(pb, &c, 1);
}

static void pb_printf(struct pbuf *pb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void pb_printf(struct pbuf *pb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (pb->len < pb->size)
		n = vsnprintf(pb->buf + pb->len, pb->size - pb->len, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* Only an invalid format fails; the formats here are constants. */
	if (n > 0)
		pb->len += (size_t)n;
}

/*
 * "KEY:\tn0\tn1...\n": a task's numbers from the viewing namespace down
 * to its own, as Linux 4.1's NSpid lines; @one alone when the task_info
 * carries no levels (a visitor).
 */
static void pb_nslist(struct pbuf *pb, const char *key, const pid_t *v,
		      unsigned int levels, pid_t one)
{
	pb_printf(pb, "%s:", key);
	if (!levels)
		pb_printf(pb, "\t%d", (int)one);
	for (unsigned int i = 0; i < levels; i++)
		pb_printf(pb, "\t%d", (int)v[i]);
	pb_puts(pb, "\n");
}

/* comm is NUL-terminated by the task layer; do not trust it past 15. */
static size_t comm_len(const struct task_info *ti)
{
	return strnlen(ti->comm, TASK_COMM_LEN - 1);
}

/*
 * The state letter and its status name.  The exit state wins over the
 * run state, as in Linux, and EXIT_DEAD over EXIT_ZOMBIE (the higher bit
 * wins in the 2.6.17 fs/proc/array.c).  The model has only two run
 * states; anything not running sleeps.
 */
static const char *task_state_name(const struct task_info *ti)
{
	if (ti->exit_state & EXIT_DEAD)
		return "X (dead)";
	if (ti->exit_state & EXIT_ZOMBIE)
		return "Z (zombie)";
	if (ti->state == TASK_RUNNING)
		return "R (running)";
	return "S (sleeping)";
}

/* Exited (a zombie or dead): its mm and fs_struct are gone. */
static bool task_exited(const struct task_info *ti)
{
	return ti->exit_state & (EXIT_ZOMBIE | EXIT_DEAD);
}

size_t procfmt_stat(char *buf, size_t size, const struct task_info *ti)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	/* 1-3: pid (comm) state; comm raw, as proc_task_name(m, p, false) */
	pb_printf(&pb, "%d (", (int)ti->pid);
	pb_putmem(&pb, ti->comm, comm_len(ti));
	pb_printf(&pb, ") %c", task_state_name(ti)[0]);
	/* 4-8: ppid pgrp session tty_nr tpgid (-1: no controlling tty) */
	pb_printf(&pb, " %d %d %d 0 -1", (int)ti->ppid, (int)ti->pgrp,
		  (int)ti->session);
	/* 9-17: flags, minflt cminflt majflt cmajflt, utime stime cutime
	 * cstime */
	pb_puts(&pb, " 0 0 0 0 0 0 0 0 0");
	/* 18-22: priority nice num_threads itrealvalue starttime */
	pb_printf(&pb, " 20 0 %d 0 %" PRIu64, ti->nr_threads,
		  ti->start_time / NSEC_PER_TICK);
	/* 23-25: vsize rss rsslim (RLIM_INFINITY, as Linux prints it) */
	pb_printf(&pb, " 0 0 %" PRIu64, UINT64_MAX);
	/* 26-30: startcode endcode startstack kstkesp kstkeip */
	pb_puts(&pb, " 0 0 0 0 0");
	/* 31-35: signal blocked sigignore sigcatch wchan */
	pb_puts(&pb, " 0 0 0 0 0");
	/* 36-41: nswap cnswap exit_signal processor rt_priority policy */
	pb_puts(&pb, " 0 0 0 0 0 0");
	/* 42-44: delayacct_blkio_ticks guest_time cguest_time */
	pb_puts(&pb, " 0 0 0");
	/* 45-51: start_data end_data start_brk arg_start arg_end env_start
	 * env_end: Linux's " 0 0 0 0 0 0 0" for a task without mm */
	pb_puts(&pb, " 0 0 0 0 0 0 0");
	/* 52: exit_code */
	pb_printf(&pb, " %d\n", ti->exit_code);
	return pb.len;
}

/* Linux's Name: escapes only '\n' and '\\' (proc_task_name(m, p, true)). */
static void put_escaped_comm(struct pbuf *pb, const struct task_info *ti)
{
	size_t n = comm_len(ti);

	for (size_t i = 0; i < n; i++) {
		char c = ti->comm[i];

		if (c == '\n')
			pb_puts(pb, "\\n");
		else if (c == '\\')
			pb_puts(pb, "\\\\");
		else
			pb_putc(pb, c);
	}
}

size_t procfmt_status(char *buf, size_t size, const struct task_info *ti)
{
	static const char no_signals[] = "0000000000000000";
	unsigned int uid = ti->uid, gid = ti->gid;
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_puts(&pb, "Name:\t");
	put_escaped_comm(&pb, ti);
	/* task_state(): Umask while the task has its fs_struct (init's
	 * 0022, which nothing in the model changes); a zombie has none */
	pb_putc(&pb, '\n');
	if (!task_exited(ti))
		pb_printf(&pb, "Umask:\t%04o\n", INIT_UMASK);
	pb_printf(&pb, "State:\t%s\n", task_state_name(ti));
	pb_printf(&pb, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n",
		  (int)ti->tgid, (int)ti->pid, (int)ti->ppid);
	pb_puts(&pb, "TracerPid:\t0\n");
	pb_printf(&pb, "Uid:\t%u\t%u\t%u\t%u\n", uid, uid, uid, uid);
	pb_printf(&pb, "Gid:\t%u\t%u\t%u\t%u\n", gid, gid, gid, gid);
	/* No supplementary groups: Linux still prints its trailing space. */
	pb_puts(&pb, "FDSize:\t0\nGroups:\t \n");
	pb_nslist(&pb, "NStgid", ti->nstgid, ti->ns_levels, ti->tgid);
	pb_nslist(&pb, "NSpid", ti->nspid, ti->ns_levels, ti->pid);
	pb_nslist(&pb, "NSpgid", ti->nspgid, ti->ns_levels, ti->pgrp);
	pb_nslist(&pb, "NSsid", ti->nssid, ti->ns_levels, ti->session);
	/* task_sig() */
	pb_printf(&pb, "Threads:\t%d\nSigQ:\t0/%" PRIu64 "\n", ti->nr_threads,
		  UINT64_MAX);
	pb_printf(&pb, "SigPnd:\t%s\nShdPnd:\t%s\nSigBlk:\t%s\n", no_signals,
		  no_signals, no_signals);
	pb_printf(&pb, "SigIgn:\t%s\nSigCgt:\t%s\n", no_signals, no_signals);
	/* task_cap(), task_seccomp(): no capabilities, no filters */
	pb_printf(&pb, "CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\n", no_signals,
		  no_signals, no_signals);
	pb_printf(&pb, "CapBnd:\t%s\nCapAmb:\t%s\n", no_signals, no_signals);
	pb_puts(&pb, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
	/* task_cpus_allowed(), cpuset_task_status_allowed(): the model's one
	 * CPU and one memory node, as /cpuinfo shows them */
	pb_puts(&pb, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
	pb_puts(&pb, "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
	/* task_context_switch_counts(): the model schedules nothing */
	pb_puts(&pb, "voluntary_ctxt_switches:\t0\n"
		     "nonvoluntary_ctxt_switches:\t0\n");
	/* pidfs's own; "Key:\t" like the rest, or procps stops parsing. */
	pb_printf(&pb, "PidSerial:\t%" PRIu64 "\n", ti->serial);
	return pb.len;
}

size_t procfmt_cmdline(char *buf, size_t size, const struct task_info *ti)
{
	struct pbuf pb;
	size_t n = ti->args_len;

	pb_init(&pb, buf, size);
	if (task_exited(ti))
		return 0;
	if (n > sizeof(ti->args))
		n = sizeof(ti->args);
	pb_putmem(&pb, ti->args, n);
	return pb.len;
}

size_t procfmt_comm(char *buf, size_t size, const struct task_info *ti)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_putmem(&pb, ti->comm, comm_len(ti));
	pb_putc(&pb, '\n');
	return pb.len;
}

/* A file whose content is the constant @text. */
static size_t put_const(char *buf, size_t size, const char *text)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_puts(&pb, text);
	return pb.len;
}

size_t procfmt_statm(char *buf, size_t size, const struct task_info *ti)
{
	/* proc_pid_statm() without an mm: size resident shared text lib
	 * data dt, all 0 */
	return put_const(buf, size, "0 0 0 0 0 0 0\n");
}

size_t procfmt_empty(char *buf, size_t size, const struct task_info *ti)
{
	return put_const(buf, size, "");
}

size_t procfmt_fs_root(char *buf, size_t size, const struct task_info *ti)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	if (!task_exited(ti))
		pb_putc(&pb, '/');
	return pb.len;
}

size_t procfmt_exe(char *buf, size_t size, const struct task_info *ti)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	if (task_exited(ti))
		return 0;
	pb_puts(&pb, "pidfs:[");
	pb_putmem(&pb, ti->comm, comm_len(ti));
	pb_putc(&pb, ']');
	return pb.len;
}

static size_t ns_link(char *buf, size_t size, unsigned int inum)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	if (inum)
		pb_printf(&pb, "pid:[%u]", inum);
	return pb.len;
}

size_t procfmt_ns_pid(char *buf, size_t size, const struct task_info *ti)
{
	return ns_link(buf, size, ti->ns_inum);
}

size_t procfmt_ns_pid_for_children(char *buf, size_t size,
				   const struct task_info *ti)
{
	return ns_link(buf, size, ti->ns_for_children_inum);
}

/* A limit as proc_pid_limits() prints it: a number or "unlimited". */
static void put_limit(struct pbuf *pb, uint64_t value)
{
	if (value == UINT64_MAX)
		pb_printf(pb, "%-20s ", "unlimited");
	else
		pb_printf(pb, "%-20" PRIu64 " ", value);
}

size_t procfmt_limits(char *buf, size_t size, const struct task_info *ti)
{
	/* Linux's RLIMIT_* order, names and units (fs/proc/base.c) */
	static const struct {
		const char *name, *unit;
	} lim[] = {
		{ "Max cpu time", "seconds" },
		{ "Max file size", "bytes" },
		{ "Max data size", "bytes" },
		{ "Max stack size", "bytes" },
		{ "Max core file size", "bytes" },
		{ "Max resident set", "bytes" },
		{ "Max processes", "processes" },
		{ "Max open files", "files" },
		{ "Max locked memory", "bytes" },
		{ "Max address space", "bytes" },
		{ "Max file locks", "locks" },
		{ "Max pending signals", "signals" },
		{ "Max msgqueue size", "bytes" },
		{ "Max nice priority", NULL },
		{ "Max realtime priority", NULL },
		{ "Max realtime timeout", "us" },
	};
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_printf(&pb, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit",
		  "Hard Limit", "Units");
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		uint64_t v = UINT64_MAX;

		/* the model's one limit; nice and rtprio are ceilings: 0 */
		if (i == RLIMIT_NPROC && ti->nproc)
			v = ti->nproc;
		else if (i == RLIMIT_NICE || i == RLIMIT_RTPRIO)
			v = 0;
		pb_printf(&pb, "%-25s ", lim[i].name);
		put_limit(&pb, v);
		put_limit(&pb, v);
		if (lim[i].unit)
			pb_printf(&pb, "%-10s\n", lim[i].unit);
		else
			pb_putc(&pb, '\n');
	}
	return pb.len;
}

size_t procfmt_io(char *buf, size_t size, const struct task_info *ti)
{
	return put_const(buf, size,
			 "rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\n"
			 "read_bytes: 0\nwrite_bytes: 0\n"
			 "cancelled_write_bytes: 0\n");
}

size_t procfmt_wchan(char *buf, size_t size, const struct task_info *ti)
{
	/* proc_pid_wchan() with no kernel function to name: "0", no
	 * newline */
	return put_const(buf, size, "0");
}

static void put_kv(struct pbuf *pb, const char *key, uint64_t value,
		   const char *unit)
{
	size_t klen = strlen(key) + 1;	/* with its colon */
	size_t col = MEMINFO_KEY_COLS;	/* where the value's field starts */
	int width = 0;			/* how wide that field is */

	/* A long key keeps one space, and the value as much as is left. */
	if (klen >= col)
		col = klen + 1;
	if (col < MEMINFO_VALUE_END)
		width = (int)(MEMINFO_VALUE_END - col);

	pb_printf(pb, "%s:%*s%*" PRIu64 "%s%s\n", key, (int)(col - klen), "",
		  width, value, unit ? " " : "", unit ? unit : "");
}

size_t procfmt_kv(char *buf, size_t size, const char *key, uint64_t value,
		  const char *unit)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	put_kv(&pb, key, value, unit);
	return pb.len;
}

size_t procfmt_meminfo(char *buf, size_t size, const struct lowmem_stats *lm,
		       const struct pidfs_kernel_stats *ks,
		       size_t pid_host_size, const struct procfmt_line *extra,
		       size_t nr_extra)
{
	const struct pidfs_arch *arch = pidfs_arch_or_default(ks->arch);
	const struct lowmem_kind_stats *task = &lm->kind[LOWMEM_TASK];
	const struct lowmem_kind_stats *pid = &lm->kind[LOWMEM_PID];
	uint64_t total = lm->budget >> 10;
	uint64_t used = lm->used >> 10;
	uint64_t avail = 0;
	struct pbuf pb;

	/* Each line converts its own byte count to kB, rounding down, so
	 * MemFree may be MemTotal - Slab - 1. */
	if (lm->used < lm->budget)
		avail = (lm->budget - lm->used) >> 10;
	pb_init(&pb, buf, size);
	put_kv(&pb, "MemTotal", total, "kB");
	put_kv(&pb, "MemFree", avail, "kB");
	put_kv(&pb, "MemAvailable", avail, "kB");
	put_kv(&pb, "Buffers", 0, "kB");
	put_kv(&pb, "Cached", 0, "kB");
	put_kv(&pb, "SwapCached", 0, "kB");
	put_kv(&pb, "Active", 0, "kB");
	put_kv(&pb, "Inactive", 0, "kB");
	put_kv(&pb, "LowTotal", total, "kB");
	put_kv(&pb, "LowFree", avail, "kB");
	put_kv(&pb, "SwapTotal", 0, "kB");
	put_kv(&pb, "SwapFree", 0, "kB");
	put_kv(&pb, "Shmem", 0, "kB");
	put_kv(&pb, "Slab", used, "kB");
	put_kv(&pb, "SReclaimable", 0, "kB");
	put_kv(&pb, "SUnreclaim", used, "kB");

	put_kv(&pb, "TaskStructs", task->objects, NULL);
	put_kv(&pb, "TaskStructsPinned", task->pinned, NULL);
	put_kv(&pb, "PidStructs", pid->objects, NULL);
	put_kv(&pb, "PidStructsPinned", pid->pinned, NULL);
	put_kv(&pb, "TaskStructSize", ks->task_size, NULL);
	put_kv(&pb, "PidStructSize", arch->pid_size, NULL);
	put_kv(&pb, "OomEvents", lm->oom_events, NULL);
	put_kv(&pb, "ForkFailures", ks->fork_failures, NULL);
	put_kv(&pb, "PidStructHostSize", pid_host_size, NULL);
	put_kv(&pb, "PidHashBytes", lm->kind[LOWMEM_PIDHASH].bytes, NULL);
	put_kv(&pb, "IdrNodeBytes", lm->kind[LOWMEM_IDR].bytes, NULL);
	put_kv(&pb, "ProcRefs", lm->kind[LOWMEM_REF].objects, NULL);
	put_kv(&pb, "ProcRefSize", ks->ref_size, NULL);

	for (size_t i = 0; i < nr_extra; i++)
		put_kv(&pb, extra[i].key, extra[i].value, extra[i].unit);
	return pb.len;
}

size_t procfmt_pidhash(char *buf, size_t size, const struct pid_ns_stats *st)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_printf(&pb, "alloc: %s\n", pid_alloc_name(st->alloc));
	pb_printf(&pb, "pid_max: %d\nlast_pid: %d\nnr_pids: %d\n", st->pid_max,
		  st->last_pid, st->nr_pids);
	if (st->alloc == PID_ALLOC_IDR) {
		pb_printf(&pb, "idr_nodes: %lu\nidr_height: %u\nidr_ids: %lu\n",
			  st->idr.nodes, st->idr.height, st->idr.ids);
		pb_printf(&pb, "idr_reserve: %lu\nidr_node_size: %zu\n",
			  st->idr.reserve, st->idr.node_bytes);
		pb_printf(&pb, "idr_bytes: %zu\ntree_idr_nodes: %lu\n",
			  st->idr.bytes, st->tree_idr_nodes);
		pb_printf(&pb, "tree_idr_bytes: %zu\n", st->tree_idr_bytes);
		pb_printf(&pb, "serials: %" PRIu64 "\nwraps: %" PRIu64 "\n",
			  st->serials, st->wraps);
		pb_printf(&pb, "pid_max_limit: %d\npid_struct_size: %zu\n",
			  st->pid_max_limit, st->pid_struct_size);
		return pb.len;
	}
	pb_printf(&pb, "hash_shift: %d\nhash_buckets: %u\nhash_bytes: %zu\n",
		  st->hash_shift, st->hash_buckets, st->hash_bytes);
	pb_printf(&pb, "longest_chain: %u\nempty_buckets: %u\n",
		  st->longest_chain, st->empty_buckets);
	pb_printf(&pb, "pidmap_pages: %d\nnr_free: %d\n", st->pidmap_pages,
		  st->nr_free);
	pb_printf(&pb, "serials: %" PRIu64 "\nwraps: %" PRIu64 "\n",
		  st->serials, st->wraps);
	pb_printf(&pb, "hash_charged: %zu\npid_max_limit: %d\n",
		  st->hash_charged, st->pid_max_limit);
	pb_printf(&pb, "pid_struct_size: %zu\n", st->pid_struct_size);
	return pb.len;
}

size_t procfmt_pid_caches(char *buf, size_t size,
			  const struct pid_cache_stats *st, int n)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	for (int i = 0; i < n; i++) {
		const char *c = st[i].name;

		pb_printf(&pb, "%s_objects: %d\n%s_objsize: %zu\n", c,
			  st[i].nr_pids, c, st[i].charged_size);
		pb_printf(&pb, "%s_host_size: %zu\n", c, st[i].host_size);
	}
	return pb.len;
}

size_t procfmt_uptime(char *buf, size_t size, uint64_t uptime_ns,
		      uint64_t idle_ns)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_printf(&pb, "%" PRIu64 ".%02" PRIu64 " %" PRIu64 ".%02" PRIu64 "\n",
		  uptime_ns / NSEC_PER_SEC,
		  uptime_ns % NSEC_PER_SEC / (NSEC_PER_SEC / 100),
		  idle_ns / NSEC_PER_SEC,
		  idle_ns % NSEC_PER_SEC / (NSEC_PER_SEC / 100));
	return pb.len;
}

size_t procfmt_loadavg(char *buf, size_t size, unsigned int running,
		       unsigned int total, int last_pid)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_printf(&pb, "0.00 0.00 0.00 %u/%u %d\n", running, total, last_pid);
	return pb.len;
}

static void put_zeros(struct pbuf *pb, int n)
{
	while (n-- > 0)
		pb_puts(pb, " 0");
}

size_t procfmt_stat_global(char *buf, size_t size, uint64_t btime,
			   uint64_t forks, unsigned int running)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	/* "cpu" and its counters are two spaces apart, as on Linux. */
	pb_puts(&pb, "cpu ");
	put_zeros(&pb, STAT_CPU_FIELDS);
	pb_puts(&pb, "\ncpu0");
	put_zeros(&pb, STAT_CPU_FIELDS);
	pb_puts(&pb, "\nintr 0\nctxt 0\n");
	pb_printf(&pb, "btime %" PRIu64 "\nprocesses %" PRIu64 "\n", btime,
		  forks);
	pb_printf(&pb, "procs_running %u\nprocs_blocked 0\n", running);
	pb_puts(&pb, "softirq 0");
	put_zeros(&pb, STAT_NR_SOFTIRQS);
	pb_putc(&pb, '\n');
	return pb.len;
}

size_t procfmt_pid_max(char *buf, size_t size, int pid_max)
{
	struct pbuf pb;

	pb_init(&pb, buf, size);
	pb_printf(&pb, "%d\n", pid_max);
	return pb.len;
}
