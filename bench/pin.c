// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/pin: what one held file descriptor of a dead process costs, per
 * pin model, and what it costs the host kernel, measured on a mounted
 * pidfs and on the kernel's own /proc.
 *
 * For each model (pin=pid, the patch; pin=task, before it; pin=nr, the
 * number alone), on a fresh mount, in batches, one task at a time: fork a
 * task (ctl "fork"), open and read its MNT/<pid>/stat, kill it (ctl
 * "kill": exit and reap), keep the fd.  After each batch it records
 *
 *   charged     LowTotal - LowFree of MNT/meminfo: the model's low memory;
 *   daemon RSS  RssAnon of the daemon (/proc/PID/status);
 *   host slab   Slab of the host's /proc/meminfo, and the bytes of active
 *               objects summed over /proc/slabinfo (when readable): the
 *               kernel's file, dentries and FUSE inodes behind each fd;
 *
 * and reports the slope of each over the fds held (least squares over
 * the batches, so constant costs drop out).  Then it closes the fds and
 * times how long the daemon takes to see every pin released.
 *
 * The same for kernel /proc: real children (forked by a helper process
 * that holds no fds, so they do not inherit thousands), /proc/<pid>/stat
 * opened and read, the child killed and reaped, the fd kept: the host
 * slab slope is what Linux itself pins per held fd of a dead process.
 *
 * Run:  make bench, or bench/pin [-n FDS] [-b BATCHES] [-r ROUNDS]
 *       [-p PIDFS] (BENCH_QUICK=1: 2000 fds, 1 round; BENCH_CSV=FILE:
 *       append results).  Raises RLIMIT_NOFILE to what it needs (at most
 *       20000 fds, one process).
 *
 * Expected output: the host's objects per fd for each model, then one
 * line per model (this machine, 10000 fds), e.g.
 *
 *   model  charged B/fd  daemon RSS B/fd  host Slab B/fd  host slab ...
 *   pid            36.0             81.8            2592            ...
 *   task        10240.0          10260.5            2682            ...
 *   nr              0.0              4.1            2704            ...
 *   procfs            -                -            6276            ...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

#define MAX_BATCHES 50
#define MAX_ROUNDS 15
#define MAX_CACHES 512

enum { M_PID, M_TASK, M_NR, M_PROCFS, NR_MODELS };

static const char *const model_name[NR_MODELS] = {
	[M_PID] = "pid",
	[M_TASK] = "task",
	[M_NR] = "nr",
	[M_PROCFS] = "procfs",
};

enum { Y_CHARGED, Y_RSS, Y_SLAB, Y_SLABINFO, NR_Y };

static const char *const y_name[NR_Y] = {
	[Y_CHARGED] = "charged",
	[Y_RSS] = "rss",
	[Y_SLAB] = "host_slab",
	[Y_SLABINFO] = "host_slab_active",
};

static struct {
	int fds;
	int batches;
	int rounds;
	const char *pidfs;
} opt;

/* One run: a slope per measure, and how long releasing took. */
struct result {
	double slope[NR_Y];
	double release_s;
	long long kernel_refs;
	int leaked; /* daemon's exit status */
};

/* ---- host kernel memory ------------------------------------------------- */

struct slabinfo {
	int n;
	char name[MAX_CACHES][64];
	double objs[MAX_CACHES]; /* active objects */
	double size[MAX_CACHES]; /* bytes per object */
};

/* Sum of active objects times their size; -1 if unreadable (not root). */
static double read_slabinfo(struct slabinfo *si)
{
	FILE *f = fopen("/proc/slabinfo", "re");
	char line[512], name[64];
	unsigned long active, num, size;
	double sum = 0;

	si->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &num,
			   &size) != 4)
			continue;
		if (si->n < MAX_CACHES) {
			snprintf(si->name[si->n], sizeof(si->name[0]), "%s",
				 name);
			si->objs[si->n] = (double)active;
			si->size[si->n++] = (double)size;
		}
		sum += (double)active * (double)size;
	}
	fclose(f);
	return sum;
}

static double host_slab(void)
{
	return (double)bench_meminfo("/proc/meminfo", "Slab") * 1024;
}

/*
 * What an fd is made of in the host kernel: objects per fd of the caches
 * an open file of a dead task involves, between @a and @b.  Other
 * processes allocate from the same caches, so this is an estimate; the
 * object counts (2 inodes and 2 dentries: the file's and its
 * directory's; 1 file) are what to look for.
 */
static void print_caches(const struct slabinfo *a, const struct slabinfo *b,
			 int fds)
{
	static const char *const caches[] = {
		"fuse_inode",	 "proc_inode_cache",
		"dentry",	 "filp",
		"pid",		 "kmalloc-cg-192",
		"kmalloc-192",	 "kmalloc-cg-32",
		"kmalloc-cg-4k",
	};

	printf("          host objects per fd:");
	for (size_t c = 0; c < sizeof(caches) / sizeof(*caches); c++) {
		for (int i = 0; i < b->n; i++) {
			double before = 0, per;

			if (strcmp(b->name[i], caches[c]))
				continue;
			for (int j = 0; j < a->n; j++)
				if (!strcmp(a->name[j], b->name[i]))
					before = a->objs[j];
			per = (b->objs[i] - before) / fds;
			if (per >= 0.05)
				printf(" %s %.2fx%.0fB", caches[c], per,
				       b->size[i]);
		}
	}
	printf("\n");
}

/* ---- a helper that forks children holding no fds ---------------------- */

static struct {
	pid_t pid;
	int to, from;
} forker;

static void forker_main(int in, int out)
{
	char cmd;
	pid_t pid;

	for (;;) {
		if (read(in, &cmd, 1) != 1)
			_exit(0);
		if (cmd == 'f') {
			pid = fork();
			if (!pid) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				close(in);
				close(out);
				prctl(PR_SET_NAME, "sleeper");
				for (;;)
					pause();
			}
		} else {
			if (read(in, &pid, sizeof(pid)) != sizeof(pid))
				_exit(1);
			waitpid(pid, NULL, 0);
		}
		if (write(out, &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
	}
}

static void forker_start(void)
{
	int a[2], b[2];

	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
		bench_die("pipe: %s", strerror(errno));
	fflush(NULL);
	forker.pid = fork();
	if (forker.pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (!forker.pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(a[1]);
		close(b[0]);
		forker_main(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	forker.to = a[1];
	forker.from = b[0];
}

static pid_t forker_fork(void)
{
	pid_t pid;

	if (write(forker.to, "f", 1) != 1 ||
	    read(forker.from, &pid, sizeof(pid)) != sizeof(pid) || pid <= 0)
		bench_die("forker: fork failed");
	return pid;
}

static void forker_reap(pid_t pid)
{
	pid_t ack;

	if (write(forker.to, "r", 1) != 1 ||
	    write(forker.to, &pid, sizeof(pid)) != sizeof(pid) ||
	    read(forker.from, &ack, sizeof(ack)) != sizeof(ack))
		bench_die("forker: reap failed");
}

static void forker_stop(void)
{
	close(forker.to);
	close(forker.from);
	waitpid(forker.pid, NULL, 0);
}

/* ---- one run ------------------------------------------------------------- */

static int open_read(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		bench_die("%s: %s", path, strerror(errno));
	if (read(fd, buf, sizeof(buf)) <= 0)
		bench_die("%s: nothing read", path);
	return fd;
}

static const char *mnt_file(const char *mnt, const char *name)
{
	static char buf[4400];

	snprintf(buf, sizeof(buf), "%s/%s", mnt, name);
	return buf;
}

static double charged(const char *mnt)
{
	const char *mi = mnt_file(mnt, "meminfo");

	return (double)(bench_meminfo(mi, "LowTotal") -
			bench_meminfo(mi, "LowFree")) *
	       1024;
}

/* Wait until @key of MNT/meminfo is @want; false after @timeout_s. */
static bool wait_meminfo(const char *mnt, const char *key, long long want,
			 double timeout_s)
{
	uint64_t end = bench_now_ns() + (uint64_t)(timeout_s * 1e9);

	while (bench_meminfo(mnt_file(mnt, "meminfo"), key) != want) {
		if (bench_now_ns() > end)
			return false;
		usleep(1000);
	}
	return true;
}

static void measure(int model, const char *mnt, pid_t daemon,
		    struct slabinfo *si, double y[NR_Y])
{
	y[Y_CHARGED] = model == M_PROCFS ? 0 : charged(mnt);
	y[Y_RSS] =
		model == M_PROCFS ?
			0 :
			(double)bench_proc_status_kb(daemon, "RssAnon") * 1024;
	y[Y_SLAB] = host_slab();
	y[Y_SLABINFO] = read_slabinfo(si);
	if (y[Y_SLABINFO] < 0) /* not root */
		y[Y_SLABINFO] = NAN;
}

/*
 * Reaped task_structs are freed after an RCU grace period, by liburcu's
 * callback thread; on a busy machine hundreds can wait for it, and the
 * task_struct slab then maps another 2 MiB that stays resident: a step
 * in the daemon's RSS that has nothing to do with pins.  So keep the
 * backlog (task_structs neither live nor pinned) under what init's own
 * slab has room for, and the RSS moves only by what the pins hold.
 */
#define BACKLOG_MAX 100

static void bound_backlog(const char *mnt)
{
	const char *mi = mnt_file(mnt, "meminfo");
	uint64_t end = bench_now_ns() + 10 * UINT64_C(1000000000);
	long long backlog;

	for (;;) {
		backlog = bench_meminfo(mi, "TaskStructs") -
			  bench_meminfo(mi, "TaskStructsPinned") - 1;
		if (backlog <= BACKLOG_MAX)
			return;
		if (bench_now_ns() > end)
			bench_die("%lld task_structs wait for RCU", backlog);
		usleep(1000);
	}
}

/*
 * @per dead tasks, an fd held on each: fork, open and read its stat, kill
 * and reap, keep the fd.  Waits until the model has freed what reaping
 * frees (after an RCU grace period).
 */
static void batch(int model, const char *mnt, int ctl, int per, pid_t *pids,
		  int *fds, int *nfd)
{
	char buf[4400], cmd[64];

	if (model == M_PROCFS) {
		for (int i = 0; i < per; i++) {
			pids[i] = forker_fork();
			snprintf(buf, sizeof(buf), "/proc/%d/stat",
				 (int)pids[i]);
			fds[(*nfd)++] = open_read(buf);
			kill(pids[i], SIGKILL);
			forker_reap(pids[i]);
		}
		return;
	}
	/*
	 * One task at a time, as an attacker with a process limit would: the
	 * task_struct slab then stays as it is, the next fork reusing the
	 * slot the last reap freed, so the daemon's resident set moves by
	 * what the pins hold and not by slabs mapped and unmapped.
	 */
	for (int i = 0; i < per; i++) {
		if (!(i % 16))
			bound_backlog(mnt);
		if (ctl_cmd(ctl, "fork", buf, sizeof(buf)))
			bench_die("ctl fork: %s", buf);
		pids[i] = (pid_t)atoi(buf);
		snprintf(buf, sizeof(buf), "%s/%d/stat", mnt, (int)pids[i]);
		fds[(*nfd)++] = open_read(buf);
		snprintf(cmd, sizeof(cmd), "kill %d", (int)pids[i]);
		if (ctl_cmd(ctl, cmd, buf, sizeof(buf)))
			bench_die("ctl %s: %s", cmd, buf);
	}
	if (model == M_PID && !wait_meminfo(mnt, "PidStructsPinned", *nfd, 10))
		bench_die("pid model: pins did not settle");
	if (model == M_TASK &&
	    !wait_meminfo(mnt, "TaskStructsPinned", *nfd, 10))
		bench_die("task model: pins did not settle");
	if (model == M_NR && !wait_meminfo(mnt, "TaskStructs", 1, 10))
		bench_die("nr model: tasks did not go");
}

static void run_model(int model, bool verbose, struct result *res)
{
	int per = opt.fds / opt.batches, nfd = 0;
	double x[MAX_BATCHES + 1], y[NR_Y][MAX_BATCHES + 1], p[NR_Y];
	char log[4200], buf[4400], mnt[4200];
	static struct slabinfo si0, si1;
	pid_t daemon = 0, *pids;
	int *fds, ctl = -1;
	const char *opts = NULL;
	uint64_t t0;

	fds = calloc((size_t)opt.fds, sizeof(*fds));
	pids = calloc((size_t)per, sizeof(*pids));
	if (!fds || !pids)
		bench_die("out of memory");
	memset(res, 0, sizeof(*res));

	if (model != M_PROCFS) {
		snprintf(mnt, sizeof(mnt), "%s/%s", bench_tmpdir(),
			 model_name[model]);
		snprintf(log, sizeof(log), "%s/%s.log", bench_tmpdir(),
			 model_name[model]);
		mkdir(mnt, 0755);
		/* the model's own pin, without the kernel's references */
		opts = model == M_PID  ? "pin=pid,charge_refs=0" :
		       model == M_TASK ? "pin=task,charge_refs=0" :
					 "pin=nr,charge_refs=0";
		daemon = bench_spawn((const char *[]){ opt.pidfs, "-f", "-o",
						       opts, mnt, NULL },
				     log);
		if (daemon < 0 || bench_wait_mount(mnt, daemon, 10))
			bench_die("pidfs did not mount (log: %s)", log);
		bench_track_mount(mnt, daemon);
		ctl = ctl_open(mnt);
	} else {
		snprintf(mnt, sizeof(mnt), "/proc");
	}

	/*
	 * A first batch whose fds are closed at once: the daemon's slabs and
	 * heap, and the host's slab caches, reach the state that fork and
	 * exit churn keeps them in, so that what the measured batches add is
	 * what the held fds pin and nothing else.
	 */
	batch(model, mnt, ctl, per, pids, fds, &nfd);
	for (int i = 0; i < nfd; i++)
		close(fds[i]);
	nfd = 0;
	if (model != M_PROCFS &&
	    !(wait_meminfo(mnt, "KernelRefs", 0, 5) &&
	      wait_meminfo(mnt, "PidStructsPinned", 0, 5) &&
	      wait_meminfo(mnt, "TaskStructsPinned", 0, 5)))
		bench_die("pin=%s: warm-up pins were not released",
			  model_name[model]);

	measure(model, mnt, daemon, &si0, p);
	for (int i = 0; i < NR_Y; i++)
		y[i][0] = p[i];
	x[0] = 0;
	for (int b = 1; b <= opt.batches; b++) {
		batch(model, mnt, ctl, per, pids, fds, &nfd);
		measure(model, mnt, daemon, &si1, p);
		x[b] = nfd;
		for (int i = 0; i < NR_Y; i++)
			y[i][b] = p[i];
	}
	/*
	 * The first batch may reuse memory the warm-up freed: fit the batches
	 * after it, the marginal cost of one more held fd.
	 */
	for (int i = 0; i < NR_Y; i++)
		res->slope[i] = bench_slope(x + 1, y[i] + 1, opt.batches);
	if (verbose && si0.n && si1.n)
		print_caches(&si0, &si1, nfd);

	/* Close them all, and time until nothing is pinned any more. */
	if (model != M_PROCFS)
		res->kernel_refs =
			bench_meminfo(mnt_file(mnt, "meminfo"), "KernelRefs");
	t0 = bench_now_ns();
	for (int i = 0; i < nfd; i++)
		close(fds[i]);
	if (model != M_PROCFS) {
		bool ok = wait_meminfo(mnt, "KernelRefs", 0, 5) &&
			  wait_meminfo(mnt, "PidStructsPinned", 0, 5) &&
			  wait_meminfo(mnt, "TaskStructsPinned", 0, 5);

		res->release_s = ok ? (double)(bench_now_ns() - t0) / 1e9 : NAN;
		close(ctl);
		res->leaked = bench_umount(mnt, daemon);
		if (res->leaked) {
			FILE *f = fopen(log, "re");

			while (f && fgets(buf, sizeof(buf), f))
				fprintf(stderr, "pidfs: %s", buf);
			if (f)
				fclose(f);
		}
	}
	free(fds);
	free(pids);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [-n FDS] [-b BATCHES] [-r ROUNDS] [-p PIDFS]\n",
		prog);
}

int main(int argc, char **argv)
{
	double v[NR_MODELS][NR_Y][MAX_ROUNDS], rel[NR_MODELS][MAX_ROUNDS];
	double med[NR_MODELS][NR_Y];
	struct result res;
	const char *top = getenv("top_builddir");
	char buf[4200], variant[64], base[64], name[64];
	int c, failed = 0;
	long lim;

	opt.fds = bench_quick() ? 2000 : 10000;
	opt.batches = bench_quick() ? 4 : 10;
	opt.rounds = bench_quick() ? 1 : 3;
	while ((c = getopt(argc, argv, "n:b:r:p:h")) != -1) {
		switch (c) {
		case 'n':
			opt.fds = atoi(optarg);
			break;
		case 'b':
			opt.batches = atoi(optarg);
			break;
		case 'r':
			opt.rounds = atoi(optarg);
			break;
		case 'p':
			opt.pidfs = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 64;
		}
	}
	if (opt.batches < 3 || opt.batches > MAX_BATCHES || opt.rounds < 1 ||
	    opt.rounds > MAX_ROUNDS || opt.fds < opt.batches) {
		usage(stderr, argv[0]);
		return 64;
	}
	if (!opt.pidfs) {
		snprintf(buf, sizeof(buf), "%s/src/pidfs", top ? top : ".");
		opt.pidfs = strdup(buf);
	}
	lim = bench_raise_nofile(opt.fds + 64);
	if (lim < opt.fds + 64)
		bench_die("RLIMIT_NOFILE is %ld; %d fds need %d", lim, opt.fds,
			  opt.fds + 64);
	forker_start();

	printf("bench/pin: %d fds of dead tasks held, in %d batches; "
	       "bytes per fd (slope), median of %d round%s\n",
	       opt.fds, opt.batches, opt.rounds, opt.rounds > 1 ? "s" : "");
	for (int r = 0; r < opt.rounds; r++) {
		for (int j = 0; j < NR_MODELS; j++) {
			int m = (r + j) % NR_MODELS;

			if (r == 0)
				printf("  %s:\n", model_name[m]);
			run_model(m, r == 0, &res);
			for (int i = 0; i < NR_Y; i++)
				v[m][i][r] = res.slope[i];
			rel[m][r] = res.release_s;
			if (res.leaked) {
				fprintf(stderr,
					"bench/pin: pin=%s: daemon "
					"exited %d\n",
					model_name[m], res.leaked);
				failed = 1;
			}
			if (r == 0 && m != M_PROCFS)
				printf("          KernelRefs with every fd "
				       "held: %lld; all released %.3f s after "
				       "the last close\n",
				       res.kernel_refs, res.release_s);
		}
	}
	forker_stop();

	printf("\n  %-7s %14s %16s %15s %20s\n", "model", "charged B/fd",
	       "daemon RSS B/fd", "host Slab B/fd", "host slab active B/fd");
	for (int m = 0; m < NR_MODELS; m++) {
		for (int i = 0; i < NR_Y; i++)
			med[m][i] = bench_median(v[m][i], opt.rounds);
		if (m == M_PROCFS)
			printf("  %-7s %14s %16s %15.0f %20.0f\n", "procfs",
			       "-", "-", med[m][Y_SLAB], med[m][Y_SLABINFO]);
		else
			printf("  %-7s %14.1f %16.1f %15.0f %20.0f\n",
			       model_name[m], med[m][Y_CHARGED], med[m][Y_RSS],
			       med[m][Y_SLAB], med[m][Y_SLABINFO]);
	}
	printf("  a pinned task_struct costs %.0f times a pinned struct pid "
	       "(charged)\n",
	       med[M_TASK][Y_CHARGED] / med[M_PID][Y_CHARGED]);

	for (int m = 0; m < NR_MODELS; m++) {
		for (int i = 0; i < NR_Y; i++) {
			if (m == M_PROCFS && i < Y_SLAB)
				continue;
			snprintf(variant, sizeof(variant), "%s fds=%d",
				 model_name[m], opt.fds);
			snprintf(base, sizeof(base), "task fds=%d", opt.fds);
			snprintf(name, sizeof(name), "pin.%s", y_name[i]);
			bench_csv(name, variant, med[m][i], "bytes/fd",
				  m == M_PID && i < Y_SLAB ?
					  med[m][i] / med[M_TASK][i] :
					  NAN,
				  m == M_PID && i < Y_SLAB ? base : NULL);
		}
		if (m != M_PROCFS) {
			snprintf(variant, sizeof(variant), "%s fds=%d",
				 model_name[m], opt.fds);
			bench_csv("pin.release", variant,
				  bench_median(rel[m], opt.rounds), "s", NAN,
				  NULL);
		}
	}
	bench_cleanup();
	return failed;
}
