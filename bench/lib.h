/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the benchmarks share: clocks, medians, the results file, and the
 * plumbing to start FUSE daemons and real processes and always stop them.
 *
 * Every figure the benchmarks report is a ratio measured in one run:
 * absolute times on a shared machine drift by 20% from run to run, but
 * two things measured in alternating rounds a fraction of a second apart
 * drift together.  So each benchmark runs its variants in interleaved
 * rounds and reports the median of the per-round ratios.
 *
 * Results are appended to a CSV file (BENCH_CSV, else none) with the
 * columns name,variant,value,unit,ratio,baseline; bench/run.sh starts the
 * file and summarises it.
 *
 * Not thread-safe unless said otherwise: the benchmarks call all of this
 * from their main thread.
 */
#ifndef PIDFS_BENCH_LIB_H
#define PIDFS_BENCH_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* BENCH_QUICK=1 in the environment: a look in seconds, not minutes. */
bool bench_quick(void);

/* CLOCK_MONOTONIC in nanoseconds.  Any thread. */
uint64_t bench_now_ns(void);

/* The median of @n values (sorts a copy; @n > 0). */
double bench_median(const double *v, int n);
/* The first (q = 1) or third (q = 3) quartile of @v, by rank. */
double bench_quartile(const double *v, int n, int q);

/*
 * How long each phase of a section runs: @rounds of @seconds, or (@count
 * non-zero, for callgrind) of @count operations.
 */
struct bench_phases {
	int rounds;
	double seconds;
	unsigned long count;
};

/* Has a phase that began at @start (bench_now_ns()) and did @ops ended? */
bool bench_phase_done(const struct bench_phases *ph, uint64_t start,
		      uint64_t ops);

/* The median over @n rounds of @a[r] / @b[r] (@n <= 64). */
double bench_ratio_median(const double *a, const double *b, int n);

/* The smallest shift with 1 << shift >= @n: a table sized to the load. */
int bench_shift_for(long n);

/* Least-squares slope of @y over @x, @n >= 2 points. */
double bench_slope(const double *x, const double *y, int n);

/*
 * Append one row to the results file named by $BENCH_CSV (nothing if it is
 * unset).  @ratio is omitted when NaN, @baseline when NULL.
 */
void bench_csv(const char *name, const char *variant, double value,
	       const char *unit, double ratio, const char *baseline);

/* A temporary directory for mount points, removed by bench_cleanup(). */
const char *bench_tmpdir(void);

/*
 * Start @argv[0] with @argv, stdout and stderr to @log (NULL: /dev/null).
 * The child gets SIGTERM if this process dies first, so a crashed
 * benchmark leaves no daemon behind (FUSE daemons unmount on SIGTERM).
 * Returns the child's pid, or -1.
 */
pid_t bench_spawn(const char *const argv[], const char *log);

/*
 * Wait up to @timeout_s for @mnt to be a FUSE mount served by @daemon.
 * Returns 0, or -1 when @daemon died or the time ran out.
 */
int bench_wait_mount(const char *mnt, pid_t daemon, double timeout_s);

/*
 * Unmount @mnt (fusermount3 -u) and reap @daemon.  Returns its exit
 * status (0..255), or -1 when it had to be killed.
 */
int bench_umount(const char *mnt, pid_t daemon);

/*
 * Register a mount for bench_cleanup() to unmount should the benchmark
 * stop early; bench_umount() forgets it.
 */
void bench_track_mount(const char *mnt, pid_t daemon);

/* Unmount what is still mounted, kill what still runs, remove the tmpdir. */
void bench_cleanup(void);

/* Die with a message, cleaning up first. */
void bench_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * Real processes for kernel /proc to show: @n more children that sleep in
 * pause() until bench_sleepers_kill(), named "sleeper".  Returns the pids
 * of all of them so far (the array moves as it grows) and their count in
 * *@count; dies on failure.  They also die with the benchmark.
 */
pid_t *bench_sleepers_spawn(int n, int *count);
void bench_sleepers_kill(void);

/*
 * pidfs's control file.  ctl_open() opens MNT/ctl (one transaction file
 * for the whole run); ctl_cmd() writes @cmd and reads the reply into @buf,
 * NUL-terminated.  Returns 0 or the failed command's errno.
 */
int ctl_open(const char *mnt);
int ctl_cmd(int fd, const char *cmd, char *buf, size_t size);

/* "spawn N" in one command: the new pids in @pids.  Dies on error. */
void ctl_spawn(int fd, int n, pid_t *pids);

/* A "Key:  value" line of a meminfo-style file; -1 if absent. */
long long bench_meminfo(const char *path, const char *key);

/* A field ("RssAnon:") of /proc/PID/status, in kB; -1 if absent. */
long long bench_proc_status_kb(pid_t pid, const char *key);

/*
 * A counter of a "name count" file (MNT/requests of pidfs and of
 * bench/floorfs): opcode @op, or with @op NULL the sum of all opcodes but
 * the forgets (which the kernel sends when it evicts inodes, not on
 * behalf of the operation measured).  Returns -1 on error.
 */
long long bench_requests(const char *path, const char *op);

/*
 * Every counter of such a file: up to @max names (15 characters at most)
 * and values.  Returns how many, or -1 on error.
 */
#define BENCH_MAX_OPS 24
int bench_requests_all(const char *path, char names[][16], long long *v,
		       int max);

/* Raise RLIMIT_NOFILE's soft limit towards @want; returns what it is. */
long bench_raise_nofile(long want);

#endif /* PIDFS_BENCH_LIB_H */
