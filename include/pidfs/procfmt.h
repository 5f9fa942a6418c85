/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering: the model's files in the formats of Linux's /proc.
 *
 * Tools written for /proc (procps's ps, top, pgrep, free, uptime; psmisc's
 * pstree) must parse pidfs's files unchanged when the tree is bind-mounted
 * over /proc.  So every renderer here prints what Linux 6.1 prints for the
 * same file, field for field and separator for separator, filling what
 * the model does not have as Linux does for a task without memory (a
 * kernel thread or a zombie): zeros, mostly.  Where a line or a field is
 * pidfs's own (PidSerial in status, the model's lines in meminfo, the
 * whole of pidhash), the comment on the renderer says so.
 *
 * Per-task files take a struct task_info, the copy the task layer makes
 * under tasklist_lock (pidfs_task_info()); global files take the counters
 * of the layer they describe.  Nothing here locks, allocates, sleeps or
 * prints: every function is pure, a function of its arguments alone, and
 * may be called from any thread in any context.
 *
 * Every renderer writes into a caller's buffer with snprintf's contract:
 *
 *  - it returns the length of the whole output, whatever @size is;
 *  - it writes at most @size bytes, and when @size > 0 the output is
 *    NUL-terminated: the return value is >= @size exactly when the output
 *    was truncated, and then @buf holds the first @size - 1 bytes of it;
 *  - @buf may be NULL when @size is 0, to ask for the length.
 *
 * cmdline's output contains NUL bytes of its own; the terminating NUL is
 * still written after the returned length when it fits.
 */
#ifndef PIDFS_PROCFMT_H
#define PIDFS_PROCFMT_H

#include <stddef.h>
#include <stdint.h>

struct task_info;
struct lowmem_stats;
struct pidfs_kernel_stats;
struct pid_ns_stats;
struct pid_cache_stats;

/* Linux's USER_HZ: the unit of every clock_t /proc prints. */
#define PROCFMT_USER_HZ		100

/*
 * /proc/<pid>/stat: one line, the 52 fields of proc(5).  comm is printed
 * raw inside parentheses, as Linux does, so a comm holding spaces or ')'
 * is found by the LAST ')' of the line.  State letters: X for EXIT_DEAD,
 * Z for EXIT_ZOMBIE, R for TASK_RUNNING, S otherwise.  starttime is in
 * clock ticks since boot; tty_nr is 0 and tpgid -1 (no terminal);
 * priority 20 and nice 0; rsslim is RLIM_INFINITY, which Linux prints
 * for every task whose limit was never lowered; exit_code is the last
 * field.  Everything else the model lacks is 0.
 */
size_t procfmt_stat(char *buf, size_t size, const struct task_info *ti);

/*
 * /proc/<pid>/status: Linux's "Key:\tvalue" lines, in Linux's order, from
 * Name to nonvoluntary_ctxt_switches, as Linux prints them for a task
 * without a memory map (a model task has none, see statm): no Vm*, Rss*
 * or HugetlbPages lines, for any task.  What the model charges per task
 * (task_size) is kernel memory, the task_struct and its stack, which
 * Linux never counts in VmRSS either.  Umask (0022, init's) while the
 * task lives; a zombie has no fs_struct and no Umask line.  SigQ's limit
 * is unlimited, as in limits; no capabilities, no seccomp; the model's
 * one CPU and memory node in Cpus_allowed* and Mems_allowed*; 0 context
 * switches.  The host's speculation-mitigation lines are left out: they
 * describe the host's CPU, not the model.  Name escapes '\n' and '\\' as
 * Linux does.  A last line, pidfs's own, gives the serial of the task's
 * struct pid, for tools that verify identity across pid reuse:
 *
 *	PidSerial:\t<serial>
 */
size_t procfmt_status(char *buf, size_t size, const struct task_info *ti);

/*
 * /proc/<pid>/cmdline: the NUL-separated arguments, exactly args_len
 * bytes.  Empty for a zombie or a dead task, as on Linux (its memory map,
 * which held the arguments, is gone), and for a task with no arguments
 * (which ps then shows as "[comm]", as it shows kernel threads).
 */
size_t procfmt_cmdline(char *buf, size_t size, const struct task_info *ti);

/* /proc/<pid>/comm: comm, raw, and a newline. */
size_t procfmt_comm(char *buf, size_t size, const struct task_info *ti);

/*
 * What follows is what Linux prints for a task that has no memory map
 * (a kernel thread's view), since a model task has none: no code, no
 * arguments kept in memory, no environment, no open files, no I/O.
 */

/* /proc/<pid>/statm: "0 0 0 0 0 0 0\n", proc_pid_statm() without an mm. */
size_t procfmt_statm(char *buf, size_t size, const struct task_info *ti);

/*
 * An empty file: /proc/<pid>/environ and maps of a task without an mm,
 * and mounts of a task in a namespace with nothing mounted: the model has
 * no environment, no mappings and no file systems.
 */
size_t procfmt_empty(char *buf, size_t size, const struct task_info *ti);

/*
 * The target of the cwd and root links: "/", the root of init_fs every
 * task inherits (the model has no chdir or chroot).  Empty for a zombie
 * or a dead task, whose fs_struct is gone: Linux's readlink then fails
 * with ENOENT, and so does pidfs's for an empty target.
 */
size_t procfmt_fs_root(char *buf, size_t size, const struct task_info *ti);

/*
 * The target of the exe link: "pidfs:[<comm>]", in the form Linux gives
 * objects that are no file (a pipe's "pipe:[<ino>]"), since a model task
 * runs no file: it names the program the model says it runs, and no file
 * of the host.  Empty for a zombie or a dead task (ENOENT, as Linux's).
 */
size_t procfmt_exe(char *buf, size_t size, const struct task_info *ti);

/*
 * The targets of the ns/pid and ns/pid_for_children links: "pid:[<id>]",
 * the namespace's id as Linux's nsfs names it (the initial one's is
 * 4026531836).  pid_for_children is empty (ENOENT, as Linux's) once the
 * task has exited, and while the namespace it unshared has no init yet:
 * Linux's pidns_for_children_get() refuses a namespace without a
 * child_reaper.  A visitor has neither (its ids are 0).
 */
size_t procfmt_ns_pid(char *buf, size_t size, const struct task_info *ti);
size_t procfmt_ns_pid_for_children(char *buf, size_t size,
				   const struct task_info *ti);

/*
 * /proc/<pid>/limits: Linux's table, header and sixteen rows, column for
 * column.  The model limits one resource, the tasks per uid (its nproc,
 * "Max processes" when non-zero); every other row is "unlimited", except
 * the nice and real-time priority ceilings, 0 as Linux's defaults.
 */
size_t procfmt_limits(char *buf, size_t size, const struct task_info *ti);

/* /proc/<pid>/io: the seven counters, all 0: the model does no I/O. */
size_t procfmt_io(char *buf, size_t size, const struct task_info *ti);

/*
 * /proc/<pid>/wchan: "0" without a newline, what Linux prints when it has
 * no kernel function to name: a model task waits in none.
 */
size_t procfmt_wchan(char *buf, size_t size, const struct task_info *ti);

/*
 * One line of meminfo's layout: "Key:", spaces to column 16 (at least
 * one), the value right-aligned to column 24 where it fits, then " @unit"
 * if @unit is not NULL, then a newline.  For keys of up to 15 characters
 * that is exactly Linux's "%-16s%8lu kB" layout.  @value is printed as
 * given: pass kB for a "kB" line (Linux rounds down: bytes >> 10).
 */
size_t procfmt_kv(char *buf, size_t size, const char *key, uint64_t value,
		  const char *unit);

/* One extra line for procfmt_meminfo(), printed with procfmt_kv(). */
struct procfmt_line {
	const char *key;
	uint64_t value;
	const char *unit;		/* "kB" or NULL */
};

/*
 * /meminfo: Linux's /proc/meminfo layout, the lines procps's free and top
 * read, then the model's.  The low-memory zone is the machine's memory:
 *
 *	MemTotal, LowTotal		the budget (kB)
 *	MemFree, MemAvailable, LowFree	the budget less what is charged
 *	Slab, SUnreclaim		what is charged (kB)
 *	Buffers, Cached, SwapCached, Active, Inactive, SwapTotal, SwapFree,
 *	Shmem, SReclaimable		0 kB
 *
 * in Linux's order (LowTotal and LowFree where a 32-bit kernel with
 * highmem puts them).  Then pidfs's lines, counts and byte sizes without
 * a unit (a "kB" would lie):
 *
 *	TaskStructs, TaskStructsPinned, PidStructs, PidStructsPinned,
 *	TaskStructSize, PidStructSize, OomEvents, ForkFailures,
 *	PidStructHostSize, PidHashBytes, ProcRefs, ProcRefSize
 *
 * where the sizes are what the modelled machine (@ks->arch, NULL for the
 * default) charges, PidStructHostSize is @pid_host_size, the bytes the
 * daemon really allocates per struct pid, and PidHashBytes what the pid
 * hash table is charged, ProcRefs the kernel references charged
 * (pidfs_ref_charge()) and ProcRefSize the bytes of each (0 when they
 * are not charged); then the @nr_extra lines of @extra (NULL when
 * @nr_extra is 0), the caller's own, in the same layout.
 */
size_t procfmt_meminfo(char *buf, size_t size, const struct lowmem_stats *lm,
		       const struct pidfs_kernel_stats *ks,
		       size_t pid_host_size, const struct procfmt_line *extra,
		       size_t nr_extra);

/*
 * /pidhash: pidfs's own, "key: value" per line (alloc's value is a word,
 * the others numbers): alloc (pidmap or idr), pid_max, last_pid,
 * nr_pids, then the allocator's structures, then serials, wraps and the
 * modelled machine's limit and struct pid size.  Under the pidmap, in the
 * order of struct pid_ns_stats: hash_shift, hash_buckets, hash_bytes,
 * longest_chain, empty_buckets, pidmap_pages, nr_free, serials, wraps,
 * hash_charged (the table's bytes on the modelled machine; hash_bytes is
 * the daemon's own table), pid_max_limit, pid_struct_size.  Under the
 * IDR: idr_nodes, idr_height, idr_ids, idr_reserve, idr_node_size,
 * idr_bytes (the namespace's IDR: nodes in the tree, levels, allocated
 * ids, spare nodes, the charged node size and what its nodes are
 * charged), tree_idr_nodes and tree_idr_bytes (every namespace's), then
 * serials, wraps, pid_max_limit, pid_struct_size.
 */
size_t procfmt_pidhash(char *buf, size_t size, const struct pid_ns_stats *st);

/*
 * /pidhash's tail: the struct pid caches of a namespace tree, one per
 * level that has one (pid_ns_read_cache_stats()), three lines each,
 * "<cache>_objects" (its pids now), "<cache>_objsize" (what each is
 * charged on the modelled machine) and "<cache>_host_size" (the daemon's
 * object), the cache named as Linux
 * 2.6.24's: "pid", "pid_2", ... "pid_33".  @n caches from @st.
 */
size_t procfmt_pid_caches(char *buf, size_t size,
			  const struct pid_cache_stats *st, int n);

/* /proc/uptime: "<uptime> <idle>\n", seconds with two decimals. */
size_t procfmt_uptime(char *buf, size_t size, uint64_t uptime_ns,
		      uint64_t idle_ns);

/*
 * /proc/loadavg: the model has no load, so "0.00 0.00 0.00", then
 * "@running/@total" (runnable and all tasks) and the last pid allocated.
 */
size_t procfmt_loadavg(char *buf, size_t size, unsigned int running,
		       unsigned int total, int last_pid);

/*
 * /proc/stat, what procps needs of it: a "cpu" line and one "cpu0" line
 * of ten zero counters each, "intr 0", "ctxt 0", "btime @btime" (seconds
 * since the epoch at boot), "processes @forks", "procs_running @running",
 * "procs_blocked 0", and a "softirq" line of zeros.
 */
size_t procfmt_stat_global(char *buf, size_t size, uint64_t btime,
			   uint64_t forks, unsigned int running);

/* /proc/sys/kernel/pid_max: "<pid_max>\n". */
size_t procfmt_pid_max(char *buf, size_t size, int pid_max);

#endif /* PIDFS_PROCFMT_H */
