// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the benchmarks share (see lib.h): clocks, medians, the results
 * file, daemons, real processes, pidfs's control file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

#define FUSE_SUPER_MAGIC 0x65735546
#define MAX_MOUNTS 8

static struct {
	char path[4096];
	pid_t daemon;
} mounts[MAX_MOUNTS];

static char tmpdir[64];
static pid_t *sleepers;
static int nr_sleepers;

bool bench_quick(void)
{
	const char *q = getenv("BENCH_QUICK");

	return q && *q && strcmp(q, "0");
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A sorted copy of @v, to be freed. */
static double *sorted(const double *v, int n)
{
	double *c = malloc((size_t)n * sizeof(*c));

	if (!c)
		bench_die("out of memory");
	memcpy(c, v, (size_t)n * sizeof(*c));
	qsort(c, (size_t)n, sizeof(*c), cmp_double);
	return c;
}

double bench_median(const double *v, int n)
{
	double *c = sorted(v, n), m;

	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

bool bench_phase_done(const struct bench_phases *ph, uint64_t start,
		      uint64_t ops)
{
	if (ph->count)
		return ops >= ph->count;
	return bench_now_ns() - start >= (uint64_t)(ph->seconds * 1e9);
}

double bench_ratio_median(const double *a, const double *b, int n)
{
	double q[64];

	if (n > 64)
		bench_die("bench_ratio_median: %d rounds", n);
	for (int r = 0; r < n; r++)
		q[r] = a[r] / b[r];
	return bench_median(q, n);
}

int bench_shift_for(long n)
{
	int s = 0;

	while ((1L << s) < n)
		s++;
	return s;
}

double bench_quartile(const double *v, int n, int q)
{
	double *c = sorted(v, n), m;

	m = c[(n - 1) * q / 4];
	free(c);
	return m;
}

double bench_slope(const double *x, const double *y, int n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0;

	for (int i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	for (int i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
	}
	return sxx ? sxy / sxx : NAN;
}

void bench_csv(const char *name, const char *variant, double value,
	       const char *unit, double ratio, const char *baseline)
{
	const char *path = getenv("BENCH_CSV");
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "ae");
	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	fprintf(f, "%s,%s,%.6g,%s,", name, variant, value, unit);
	if (!isnan(ratio))
		fprintf(f, "%.4g", ratio);
	fprintf(f, ",%s\n", baseline ? baseline : "");
	fclose(f);
}

const char *bench_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/pidfs-bench.XXXXXX");
		if (!mkdtemp(tmpdir)) {
			tmpdir[0] = '\0';
			bench_die("mkdtemp: %s", strerror(errno));
		}
	}
	return tmpdir;
}

pid_t bench_spawn(const char *const argv[], const char *log)
{
	pid_t parent = getpid(), pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	/* Die with the benchmark, however it ends. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	/* exec*() take char *const[]; they do not write to it. */
	execv(argv[0], (char *const *)argv);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int bench_wait_mount(const char *mnt, pid_t daemon, double timeout_s)
{
	uint64_t end = bench_now_ns() + (uint64_t)(timeout_s * 1e9);
	struct statfs sf;
	int status;

	for (;;) {
		if (!statfs(mnt, &sf) && sf.f_type == FUSE_SUPER_MAGIC)
			return 0;
		if (waitpid(daemon, &status, WNOHANG) == daemon)
			return -1;
		if (bench_now_ns() > end)
			return -1;
		usleep(10000);
	}
}

void bench_track_mount(const char *mnt, pid_t daemon)
{
	for (int i = 0; i < MAX_MOUNTS; i++) {
		if (!mounts[i].daemon) {
			snprintf(mounts[i].path, sizeof(mounts[i].path), "%s",
				 mnt);
			mounts[i].daemon = daemon;
			return;
		}
	}
}

static int fusermount(const char *mnt, bool lazy)
{
	const char *argv[] = { "fusermount3", lazy ? "-uz" : "-u", mnt, NULL };
	pid_t pid = bench_spawn(argv, NULL);
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Reap @pid within @timeout_s; its exit status, or -1. */
static int reap(pid_t pid, double timeout_s)
{
	uint64_t end = bench_now_ns() + (uint64_t)(timeout_s * 1e9);
	int status;

	while (bench_now_ns() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int bench_umount(const char *mnt, pid_t daemon)
{
	int rc;

	for (int i = 0; i < MAX_MOUNTS; i++)
		if (mounts[i].daemon == daemon)
			mounts[i].daemon = 0;
	if (fusermount(mnt, false))
		fusermount(mnt, true);
	rc = reap(daemon, 20);
	rmdir(mnt);
	return rc;
}

static void rm_tree(const char *dir)
{
	/* never into a mount that failed to go away */
	const char *argv[] = { "rm", "-rf", "--one-file-system", dir, NULL };
	pid_t pid = bench_spawn(argv, NULL);

	if (pid > 0)
		waitpid(pid, NULL, 0);
}

void bench_cleanup(void)
{
	for (int i = 0; i < MAX_MOUNTS; i++) {
		if (!mounts[i].daemon)
			continue;
		if (fusermount(mounts[i].path, false))
			fusermount(mounts[i].path, true);
		kill(mounts[i].daemon, SIGTERM);
		reap(mounts[i].daemon, 10);
		mounts[i].daemon = 0;
	}
	bench_sleepers_kill();
	if (tmpdir[0]) {
		rm_tree(tmpdir);
		tmpdir[0] = '\0';
	}
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	bench_cleanup();
	exit(EXIT_FAILURE);
}

pid_t *bench_sleepers_spawn(int n, int *count)
{
	pid_t parent = getpid();
	pid_t *v = realloc(sleepers, (size_t)(nr_sleepers + n) * sizeof(*v));

	if (!v)
		bench_die("out of memory");
	sleepers = v;
	fflush(NULL);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			bench_die("fork: %s", strerror(errno));
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			prctl(PR_SET_NAME, "sleeper");
			for (;;)
				pause();
		}
		sleepers[nr_sleepers++] = pid;
	}
	*count = nr_sleepers;
	return sleepers;
}

void bench_sleepers_kill(void)
{
	for (int i = 0; i < nr_sleepers; i++)
		kill(sleepers[i], SIGKILL);
	for (int i = 0; i < nr_sleepers; i++)
		waitpid(sleepers[i], NULL, 0);
	free(sleepers);
	sleepers = NULL;
	nr_sleepers = 0;
}

int ctl_open(const char *mnt)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/ctl", mnt);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		bench_die("%s: %s", path, strerror(errno));
	return fd;
}

int ctl_cmd(int fd, const char *cmd, char *buf, size_t size)
{
	char line[256];
	size_t len = strlen(cmd);
	int err = 0;
	ssize_t n;

	if (len + 2 > sizeof(line))
		return EINVAL;
	memcpy(line, cmd, len);
	line[len++] = '\n';
	if (pwrite(fd, line, len, 0) < 0)
		err = errno;
	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return err;
}

void ctl_spawn(int fd, int n, pid_t *pids)
{
	size_t size = (size_t)n * 12 + 64;
	char *buf = malloc(size), *p, cmd[64];
	int err, i = 0;

	if (!buf)
		bench_die("out of memory");
	snprintf(cmd, sizeof(cmd), "spawn %d", n);
	err = ctl_cmd(fd, cmd, buf, size);
	if (err)
		bench_die("ctl %s: %s: %s", cmd, strerror(err), buf);
	for (p = buf; i < n && *p; i++) {
		pids[i] = (pid_t)strtol(p, &p, 10);
		while (*p == '\n')
			p++;
	}
	if (i != n)
		bench_die("ctl %s: %d pids in the reply", cmd, i);
	free(buf);
}

long long bench_meminfo(const char *path, const char *key)
{
	size_t klen = strlen(key);
	long long v = -1;
	char line[256];
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

long long bench_proc_status_kb(pid_t pid, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return bench_meminfo(path, key);
}

long long bench_requests(const char *path, const char *op)
{
	char name[64];
	long long n, sum = 0, found = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &n) == 2) {
		if (op) {
			if (!strcmp(name, op))
				found = n;
		} else if (strcmp(name, "forget") &&
			   strcmp(name, "batch_forget")) {
			sum += n;
		}
	}
	fclose(f);
	return op ? found : sum;
}

int bench_requests_all(const char *path, char names[][16], long long *v,
		       int max)
{
	long long n;
	int i = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (i < max && fscanf(f, "%15s %lld", names[i], &n) == 2)
		v[i++] = n;
	fclose(f);
	return i;
}

long bench_raise_nofile(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if ((rlim_t)want > rl.rlim_max)
		want = (long)rl.rlim_max;
	if ((rlim_t)want > rl.rlim_cur) {
		rl.rlim_cur = (rlim_t)want;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return -1;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	return (long)rl.rlim_cur;
}
