// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/fs: how fast a mounted pidfs serves its tree, side by side with
 * what a reader would otherwise use, in the same run.
 *
 * Three workloads, each run by 1 and 2 client threads (and the first
 * once more on a second pidfs mounted with -o exact, beside the cached
 * default):
 *
 *   open+read+close  open(2), one read(2) of 4 KiB, close(2) of a task's
 *                    stat file, cycling over 1 or 1000 distinct tasks;
 *                    every read is checked against the task it names
 *                    (pid and comm), and each round first renames one task
 *                    (exec) so that a stale cache would be caught;
 *   stat             stat(2) of a task's status file, 1 or 1000 tasks;
 *   readdir          opendir+readdir to the end+closedir of the root, with
 *                    1000 and 10000 tasks.
 *
 * against:
 *
 *   procfs   the kernel's /proc, with as many real processes (children
 *            sleeping in pause(), named "sleeper") as pidfs has tasks;
 *   floor    bench/floorfs, a FUSE file system that does nothing but
 *            answer OPEN+READ+RELEASE for one constant 150-byte file: the
 *            least any FUSE file system that reads at each open pays;
 *   lxcfs    lxcfs's /proc/uptime, if lxcfs is installed and starts (it
 *            has no per-process files; uptime is its cheapest file, so the
 *            comparison favours lxcfs), and, for scale, the kernel's own
 *            /proc/uptime.
 *
 * Method: the variants of one case run in interleaved rounds (the order
 * rotates each round), each for a fixed time; a case's figure is the
 * median over rounds of the per-round ratio.  Paths are opened relative
 * to a descriptor of each file system's root (openat, fstatat), so that
 * MNT/<pid>/stat and /proc/<pid>/stat cost the same path walk wherever
 * MNT is.  FUSE requests per operation come from the daemons' own
 * counters (MNT/requests), less what reading the counters costs; the
 * opcodes are printed under a case that cost any.
 *
 * Run:  make bench, or bench/fs [-r ROUNDS] [-t SECONDS] [-p PIDFS]
 *       [-F FLOORFS] [-L LXCFS|-] (BENCH_QUICK=1: 5 short rounds,
 *       BENCH_CSV=FILE: append results).  Needs /dev/fuse, and root or
 *       enough RLIMIT_NPROC for 10000 children.
 *
 * Expected output: one table per workload, e.g. (this machine, 2 CPUs)
 *
 *   open+read+close of a task's stat file ... 7 rounds of 0.20 s
 *   thr tasks   pidfs/s  procfs/s x procfs  floor/s x floor ... req/op
 *     1     1    317080    168178     1.89    15909   18.37 ... 0.0000
 *       pidfs requests: getattr 14 read 7 (in 433200 ops)
 *
 * (the few requests are the re-reads after each round's rename), and the
 * daemon's verdict at unmount ("nothing leaked").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib.h"

#define MAX_VARIANTS 5
#define MAX_ROUNDS 31
#define MAX_THREADS 2
#define BATCH 16

enum workload { W_ORC, W_STAT, W_READDIR };

/*
 * One thing to measure: a set of files or a directory, and its checks.
 * Paths are relative to the root of the file system measured (@dirfd), so
 * that every file system is walked to the same depth: /proc/<pid>/stat and
 * MNT/<pid>/stat cost the same path walk, wherever MNT is.
 */
struct target {
	const char *name; /* "pidfs", "procfs", ... */
	int dirfd; /* the file system's root */
	char **paths; /* W_ORC, W_STAT: cycled through */
	char **prefix; /* W_ORC: what each read must start with */
	int n; /* paths in use */
	int min_entries; /* W_READDIR: a listing shorter is an error */
	const char *requests; /* the daemon's counters, or NULL */
};

struct phase {
	enum workload w;
	struct target *t;
	uint64_t duration_ns;
	pthread_barrier_t start;
	int nthreads;
};

struct worker {
	pthread_t thread;
	struct phase *ph;
	int id;
	uint64_t ops;
	uint64_t errors;
	uint64_t elapsed_ns;
	char bad[96]; /* the first wrong read, for the report */
};

/* Per case and variant: the rates of each round and what they cost. */
struct series {
	double rate[MAX_ROUNDS];
	uint64_t ops, errors;
	long long requests;
	int nops; /* counters of the daemon */
	char opname[BENCH_MAX_OPS][16];
	long long byop[BENCH_MAX_OPS]; /* requests by opcode */
	char bad[96];
};

static struct {
	int rounds;
	double seconds;
	const char *pidfs;
	const char *floorfs;
	const char *lxcfs;
} opt;

/* The model tasks and the real processes, in the same order. */
static struct {
	char *mnt;
	int ctl;
	pid_t *pids; /* model tasks */
	int n;
	pid_t *procs; /* sleepers */
	int nprocs;
	char comm[16]; /* of pids[0], renamed at each round */
} pidfs;

static void orc(struct worker *w, struct target *t, int *k)
{
	char buf[4096];
	ssize_t r;
	int fd, i = *k;

	fd = openat(t->dirfd, t->paths[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		w->errors++;
		goto next;
	}
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0) {
		w->errors++;
	} else if (t->prefix &&
		   strncmp(buf, t->prefix[i], strlen(t->prefix[i]))) {
		if (!w->errors++) {
			buf[r] = '\0';
			snprintf(w->bad, sizeof(w->bad), "%s: \"%.60s\"",
				 t->paths[i], buf);
		}
	}
next:
	if (++*k == t->n)
		*k = 0;
}

static void do_stat(struct worker *w, struct target *t, int *k)
{
	struct stat st;

	if (fstatat(t->dirfd, t->paths[*k], &st, 0) || !S_ISREG(st.st_mode))
		w->errors++;
	if (++*k == t->n)
		*k = 0;
}

static void do_readdir(struct worker *w, struct target *t)
{
	int fd = openat(t->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	int n = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		w->errors++;
		return;
	}
	while (readdir(d))
		n++;
	closedir(d);
	if (n < t->min_entries)
		w->errors++;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct phase *ph = w->ph;
	struct target *t = ph->t;
	uint64_t start, end, now;
	int k = t->n ? (int)((long)w->id * t->n / ph->nthreads) : 0;

	pthread_barrier_wait(&ph->start);
	start = bench_now_ns();
	end = start + ph->duration_ns;
	do {
		for (int i = 0; i < BATCH; i++) {
			switch (ph->w) {
			case W_ORC:
				orc(w, t, &k);
				break;
			case W_STAT:
				do_stat(w, t, &k);
				break;
			case W_READDIR:
				do_readdir(w, t);
				break;
			}
		}
		w->ops += BATCH;
		now = bench_now_ns();
	} while (now < end);
	w->elapsed_ns = now - start;
	return NULL;
}

/* Run @w on @t with @nthreads for the phase duration; returns ops/s. */
static double run_phase(enum workload wl, struct target *t, int nthreads,
			struct series *s)
{
	struct worker w[MAX_THREADS];
	struct phase ph = {
		.w = wl,
		.t = t,
		.duration_ns = (uint64_t)(opt.seconds * 1e9),
		.nthreads = nthreads,
	};
	double rate = 0;

	memset(w, 0, sizeof(w));
	pthread_barrier_init(&ph.start, NULL, (unsigned int)nthreads);
	for (int i = 0; i < nthreads; i++) {
		w[i].ph = &ph;
		w[i].id = i;
		if (i && pthread_create(&w[i].thread, NULL, worker_main, &w[i]))
			bench_die("pthread_create: %s", strerror(errno));
	}
	worker_main(&w[0]);
	for (int i = 1; i < nthreads; i++)
		pthread_join(w[i].thread, NULL);
	pthread_barrier_destroy(&ph.start);
	for (int i = 0; i < nthreads; i++) {
		rate += (double)w[i].ops * 1e9 / (double)w[i].elapsed_ns;
		s->ops += w[i].ops;
		if (w[i].errors && !s->errors)
			snprintf(s->bad, sizeof(s->bad), "%s", w[i].bad);
		s->errors += w[i].errors;
	}
	return rate;
}

struct counters {
	int n;
	char name[BENCH_MAX_OPS][16];
	long long v[BENCH_MAX_OPS];
};

static void read_counters(const char *path, struct counters *c)
{
	c->n = bench_requests_all(path, c->name, c->v, BENCH_MAX_OPS);
	if (c->n < 0)
		bench_die("%s: %s", path, strerror(errno));
}

/* Forgets come when the kernel evicts, not from the operation measured. */
static bool counted(const char *op)
{
	return strcmp(op, "forget") && strcmp(op, "batch_forget");
}

/*
 * What reading a requests file costs in requests, by opcode: read it three
 * times, the last difference is one read's own.
 */
static void requests_overhead(const char *path, struct counters *over)
{
	struct counters a;

	read_counters(path, &a);
	read_counters(path, &a);
	read_counters(path, over);
	for (int i = 0; i < over->n; i++)
		over->v[i] -= a.v[i];
}

/* Rename pidfs's first task, so that a read served stale fails. */
static void rename_first(int round)
{
	char cmd[64], reply[256];
	int err;

	snprintf(pidfs.comm, sizeof(pidfs.comm), "round%d", round);
	snprintf(cmd, sizeof(cmd), "exec %d %s", (int)pidfs.pids[0],
		 pidfs.comm);
	err = ctl_cmd(pidfs.ctl, cmd, reply, sizeof(reply));
	if (err)
		bench_die("ctl %s: %s", cmd, reply);
}

/*
 * One case: @nv variants of workload @wl on @nthreads threads, in
 * interleaved rounds.  @tv[0] is pidfs, whose first task is renamed at
 * each round when @wl reads.
 */
static void run_case(enum workload wl, int nthreads, struct target **tv, int nv,
		     struct series *sv)
{
	struct counters over[MAX_VARIANTS], before, after;

	memset(sv, 0, (size_t)nv * sizeof(*sv));
	for (int v = 0; v < nv; v++)
		if (tv[v]->requests)
			requests_overhead(tv[v]->requests, &over[v]);
	for (int r = 0; r < opt.rounds; r++) {
		if (wl == W_ORC) {
			rename_first(r);
			snprintf(tv[0]->prefix[0], 64, "%d (%s) ",
				 (int)pidfs.pids[0], pidfs.comm);
		}
		for (int i = 0; i < nv; i++) {
			int v = (r + i) % nv;

			if (tv[v]->requests)
				read_counters(tv[v]->requests, &before);
			sv[v].rate[r] = run_phase(wl, tv[v], nthreads, &sv[v]);
			if (!tv[v]->requests)
				continue;
			read_counters(tv[v]->requests, &after);
			sv[v].nops = after.n;
			for (int o = 0; o < after.n; o++) {
				long long d =
					after.v[o] - before.v[o] - over[v].v[o];

				memcpy(sv[v].opname[o], after.name[o], 16);
				sv[v].byop[o] += d;
				if (counted(after.name[o]))
					sv[v].requests += d;
			}
		}
	}
}

static double ratio(const struct series *a, const struct series *b)
{
	double q[MAX_ROUNDS];

	for (int r = 0; r < opt.rounds; r++)
		q[r] = a->rate[r] / b->rate[r];
	return bench_median(q, opt.rounds);
}

static double median_rate(const struct series *s)
{
	return bench_median(s->rate, opt.rounds);
}

static double per_op(const struct series *s)
{
	return s->ops ? (double)s->requests / (double)s->ops : NAN;
}

/* A target over the first @n of @paths, under @dirfd. */
static struct target make_target(const char *name, int dirfd, char **paths,
				 char **prefix, int n, const char *requests)
{
	return (struct target){ .name = name,
				.dirfd = dirfd,
				.paths = paths,
				.prefix = prefix,
				.n = n,
				.requests = requests };
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		bench_die("out of memory");
	return p;
}

/* <pid>/FILE for each of @pids */
static char **path_list(const pid_t *pids, int n, const char *file)
{
	char **v = calloc((size_t)n, sizeof(*v)), buf[64];

	if (!v)
		bench_die("out of memory");
	for (int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%d/%s", (int)pids[i], file);
		v[i] = xstrdup(buf);
	}
	return v;
}

static char **prefix_list(const pid_t *pids, int n, const char *comm)
{
	char **v = calloc((size_t)n, sizeof(*v));

	if (!v)
		bench_die("out of memory");
	for (int i = 0; i < n; i++) {
		v[i] = malloc(64);
		if (!v[i])
			bench_die("out of memory");
		snprintf(v[i], 64, "%d (%s) ", (int)pids[i], comm);
	}
	return v;
}

/* Which requests a series cost, when it cost any. */
static void print_requests(const char *what, const struct series *s)
{
	if (!s->requests)
		return;
	printf("    %s requests:", what);
	for (int o = 0; o < s->nops; o++)
		if (s->byop[o])
			printf(" %s %lld", s->opname[o], s->byop[o]);
	printf(" (in %llu ops)\n", (unsigned long long)s->ops);
}

static void print_bad(const char *what, const struct series *s)
{
	if (s->errors)
		printf("    %s: %llu failed or inexact, first: %s\n", what,
		       (unsigned long long)s->errors, s->bad);
}

/* ---- the cases ---------------------------------------------------------- */

struct setup {
	int pidfs_fd, proc_fd, floor_fd, lxcfs_fd, root_fd;
	char *pidfs_requests;
	int exact_fd;			/* a second pidfs, with -o exact */
	char *exact_mnt, *exact_requests;
	char **exact_paths, **exact_prefix;
	char *floor_mnt, *floor_requests, *floor_file;
	char *lxcfs_mnt, *lxcfs_file;
	char **pidfs_paths, **pidfs_prefix;
	char **proc_paths, **proc_prefix;
	char **pidfs_stat_paths, **proc_stat_paths;
	int ntasks;
};

static void bench_orc(struct setup *su)
{
	static const int tasks[] = { 1, 1000 };
	char kup_path[] = "proc/uptime", *kup = kup_path;
	struct series sv[MAX_VARIANTS];
	char variant[64], base[64];

	printf("\nopen+read+close of a task's stat file, one read(2) of "
	       "4 KiB; %d rounds of %.2f s\n",
	       opt.rounds, opt.seconds);
	printf("%3s %5s %11s %11s %8s %11s %8s %11s %8s %8s %8s %5s\n", "thr",
	       "tasks", "pidfs/s", "procfs/s", "x procfs", "floor/s", "x floor",
	       "lxcfs/s", "x lxcfs", "req/op", "flreq/op", "bad");
	for (int thr = 1; thr <= MAX_THREADS; thr++) {
		for (size_t ti = 0; ti < sizeof(tasks) / sizeof(*tasks); ti++) {
			int n = tasks[ti];
			struct target t[MAX_VARIANTS], *tv[MAX_VARIANTS];
			int nv = 3;

			t[0] = make_target("pidfs", su->pidfs_fd,
					   su->pidfs_paths, su->pidfs_prefix, n,
					   su->pidfs_requests);
			t[1] = make_target("procfs", su->proc_fd,
					   su->proc_paths, su->proc_prefix, n,
					   NULL);
			t[2] = make_target("floor", su->floor_fd,
					   &su->floor_file, NULL, 1,
					   su->floor_requests);
			if (su->lxcfs_file) {
				t[3] = make_target("lxcfs", su->lxcfs_fd,
						   &su->lxcfs_file, NULL, 1,
						   NULL);
				t[4] = make_target("kuptime", su->root_fd, &kup,
						   NULL, 1, NULL);
				nv = 5;
			}
			for (int v = 0; v < nv; v++)
				tv[v] = &t[v];
			run_case(W_ORC, thr, tv, nv, sv);

			printf("%3d %5d %11.0f %11.0f %8.2f %11.0f %8.2f ", thr,
			       n, median_rate(&sv[0]), median_rate(&sv[1]),
			       ratio(&sv[0], &sv[1]), median_rate(&sv[2]),
			       ratio(&sv[0], &sv[2]));
			if (nv == 5)
				printf("%11.0f %8.2f ", median_rate(&sv[3]),
				       ratio(&sv[0], &sv[3]));
			else
				printf("%11s %8s ", "-", "-");
			printf("%8.4f %8.2f %5llu\n", per_op(&sv[0]),
			       per_op(&sv[2]),
			       (unsigned long long)(sv[0].errors +
						    sv[1].errors));
			print_bad("pidfs", &sv[0]);
			print_bad("procfs", &sv[1]);
			print_requests("pidfs", &sv[0]);

			snprintf(variant, sizeof(variant), "pidfs t=%d n=%d",
				 thr, n);
			snprintf(base, sizeof(base), "procfs t=%d n=%d", thr,
				 n);
			bench_csv("fs.orc", variant, median_rate(&sv[0]),
				  "ops/s", ratio(&sv[0], &sv[1]), base);
			bench_csv("fs.orc", base, median_rate(&sv[1]), "ops/s",
				  NAN, NULL);
			/* the same file each case: say which case it ran in */
			snprintf(base, sizeof(base), "floor t=%d beside n=%d",
				 thr, n);
			bench_csv("fs.orc.vs_floor", variant,
				  median_rate(&sv[0]), "ops/s",
				  ratio(&sv[0], &sv[2]), base);
			bench_csv("fs.orc", base, median_rate(&sv[2]), "ops/s",
				  NAN, NULL);
			bench_csv("fs.orc.requests", variant, per_op(&sv[0]),
				  "requests/op", NAN, NULL);
			bench_csv("fs.orc.requests", base, per_op(&sv[2]),
				  "requests/op", NAN, NULL);
			bench_csv("fs.orc.bad", variant, (double)sv[0].errors,
				  "reads", NAN, NULL);
			if (nv == 5) {
				snprintf(base, sizeof(base),
					 "lxcfs /proc/uptime t=%d beside n=%d",
					 thr, n);
				bench_csv("fs.orc.vs_lxcfs", variant,
					  median_rate(&sv[0]), "ops/s",
					  ratio(&sv[0], &sv[3]), base);
				snprintf(variant, sizeof(variant),
					 "kernel /proc/uptime t=%d beside n=%d",
					 thr, n);
				bench_csv("fs.orc.lxcfs", base,
					  median_rate(&sv[3]), "ops/s",
					  ratio(&sv[3], &sv[4]), variant);
				bench_csv("fs.orc.lxcfs", variant,
					  median_rate(&sv[4]), "ops/s", NAN,
					  NULL);
			}
		}
	}
	if (!su->lxcfs_file)
		printf("    lxcfs: not measured (%s)\n",
		       opt.lxcfs ? "it did not start" : "not installed");
}

/*
 * -o exact beside the cached default: the same workload on a second
 * pidfs mounted with -o exact, which answers OPEN and serves each open
 * file a rendering of its own (OPEN+READ+RELEASE per open+read+close).
 */
static void bench_exact(struct setup *su)
{
	static const int tasks[] = { 1, 1000 };
	struct series sv[3];
	char variant[64], base[64];

	printf("\nopen+read+close of a task's stat file, -o exact beside the "
	       "cached default; %d rounds of %.2f s\n",
	       opt.rounds, opt.seconds);
	printf("%3s %5s %11s %11s %8s %11s %8s %8s %5s\n", "thr", "tasks",
	       "cached/s", "exact/s", "x cached", "procfs/s", "x procfs",
	       "req/op", "bad");
	for (int thr = 1; thr <= MAX_THREADS; thr++) {
		for (size_t ti = 0; ti < sizeof(tasks) / sizeof(*tasks); ti++) {
			int n = tasks[ti];
			struct target t[3], *tv[3] = { &t[0], &t[1], &t[2] };

			t[0] = make_target("pidfs", su->pidfs_fd,
					   su->pidfs_paths, su->pidfs_prefix, n,
					   su->pidfs_requests);
			t[1] = make_target("exact", su->exact_fd,
					   su->exact_paths, su->exact_prefix, n,
					   su->exact_requests);
			t[2] = make_target("procfs", su->proc_fd,
					   su->proc_paths, su->proc_prefix, n,
					   NULL);
			run_case(W_ORC, thr, tv, 3, sv);
			printf("%3d %5d %11.0f %11.0f %8.2f %11.0f %8.2f %8.2f "
			       "%5llu\n",
			       thr, n, median_rate(&sv[0]), median_rate(&sv[1]),
			       ratio(&sv[1], &sv[0]), median_rate(&sv[2]),
			       ratio(&sv[1], &sv[2]), per_op(&sv[1]),
			       (unsigned long long)(sv[0].errors +
						    sv[1].errors));
			print_bad("exact", &sv[1]);
			print_requests("exact", &sv[1]);

			snprintf(variant, sizeof(variant),
				 "pidfs -o exact t=%d n=%d", thr, n);
			snprintf(base, sizeof(base), "pidfs cached t=%d n=%d",
				 thr, n);
			bench_csv("fs.orc.exact", variant, median_rate(&sv[1]),
				  "ops/s", ratio(&sv[1], &sv[0]), base);
			snprintf(base, sizeof(base), "procfs t=%d n=%d", thr,
				 n);
			bench_csv("fs.orc.exact.vs_procfs", variant,
				  median_rate(&sv[1]), "ops/s",
				  ratio(&sv[1], &sv[2]), base);
			bench_csv("fs.orc.exact.requests", variant,
				  per_op(&sv[1]), "requests/op", NAN, NULL);
		}
	}
}

static void bench_stat(struct setup *su)
{
	static const int tasks[] = { 1, 1000 };
	struct series sv[2];
	char variant[64], base[64];

	printf("\nstat(2) of a task's status file; %d rounds of %.2f s\n",
	       opt.rounds, opt.seconds);
	printf("%3s %5s %11s %11s %8s %8s %5s\n", "thr", "tasks", "pidfs/s",
	       "procfs/s", "x procfs", "req/op", "bad");
	for (int thr = 1; thr <= MAX_THREADS; thr++) {
		for (size_t ti = 0; ti < sizeof(tasks) / sizeof(*tasks); ti++) {
			int n = tasks[ti];
			struct target t[2] = {
				make_target("pidfs", su->pidfs_fd,
					    su->pidfs_stat_paths, NULL, n,
					    su->pidfs_requests),
				make_target("procfs", su->proc_fd,
					    su->proc_stat_paths, NULL, n, NULL),
			};
			struct target *tv[2] = { &t[0], &t[1] };

			run_case(W_STAT, thr, tv, 2, sv);
			printf("%3d %5d %11.0f %11.0f %8.2f %8.4f %5llu\n", thr,
			       n, median_rate(&sv[0]), median_rate(&sv[1]),
			       ratio(&sv[0], &sv[1]), per_op(&sv[0]),
			       (unsigned long long)(sv[0].errors +
						    sv[1].errors));
			print_requests("pidfs", &sv[0]);
			snprintf(variant, sizeof(variant), "pidfs t=%d n=%d",
				 thr, n);
			snprintf(base, sizeof(base), "procfs t=%d n=%d", thr,
				 n);
			bench_csv("fs.stat", variant, median_rate(&sv[0]),
				  "ops/s", ratio(&sv[0], &sv[1]), base);
			bench_csv("fs.stat", base, median_rate(&sv[1]), "ops/s",
				  NAN, NULL);
			bench_csv("fs.stat.requests", variant, per_op(&sv[0]),
				  "requests/op", NAN, NULL);
		}
	}
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		bench_die("%s: %s", dir, strerror(errno));
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void bench_readdir(struct setup *su, int ntasks, bool header)
{
	struct series sv[2];
	char variant[64], base[64];

	if (header) {
		printf("\nreaddir of the root to the end; %d rounds of "
		       "%.2f s\n",
		       opt.rounds, opt.seconds);
		printf("%3s %5s %7s %7s %11s %11s %8s %8s %5s\n", "thr",
		       "tasks", "pidfs", "procfs", "pidfs/s", "procfs/s",
		       "x procfs", "req/op", "bad");
	}
	for (int thr = 1; thr <= MAX_THREADS; thr++) {
		struct target t[2] = {
			{ .name = "pidfs",
			  .dirfd = su->pidfs_fd,
			  .min_entries = ntasks,
			  .requests = su->pidfs_requests },
			{ .name = "procfs",
			  .dirfd = su->proc_fd,
			  .min_entries = ntasks },
		};
		struct target *tv[2] = { &t[0], &t[1] };
		int ep = count_entries(pidfs.mnt), ek = count_entries("/proc");

		run_case(W_READDIR, thr, tv, 2, sv);
		printf("%3d %5d %7d %7d %11.0f %11.0f %8.2f %8.4f %5llu\n", thr,
		       ntasks, ep, ek, median_rate(&sv[0]), median_rate(&sv[1]),
		       ratio(&sv[0], &sv[1]), per_op(&sv[0]),
		       (unsigned long long)(sv[0].errors + sv[1].errors));
		print_requests("pidfs", &sv[0]);
		snprintf(variant, sizeof(variant), "pidfs t=%d n=%d", thr,
			 ntasks);
		snprintf(base, sizeof(base), "procfs t=%d n=%d", thr, ntasks);
		bench_csv("fs.readdir", variant, median_rate(&sv[0]),
			  "listings/s", ratio(&sv[0], &sv[1]), base);
		bench_csv("fs.readdir", base, median_rate(&sv[1]), "listings/s",
			  NAN, NULL);
		bench_csv("fs.readdir.requests", variant, per_op(&sv[0]),
			  "requests/op", NAN, NULL);
		bench_csv("fs.readdir.entries", variant, ep, "entries", NAN,
			  NULL);
		bench_csv("fs.readdir.entries", base, ek, "entries", NAN, NULL);
	}
}

/* ---- set-up ------------------------------------------------------------- */

static char *mount_dir(const char *name)
{
	char buf[4200];

	snprintf(buf, sizeof(buf), "%s/%s", bench_tmpdir(), name);
	if (mkdir(buf, 0755))
		bench_die("mkdir %s: %s", buf, strerror(errno));
	return xstrdup(buf);
}

static pid_t start_fuse(const char *const argv[], const char *mnt,
			const char *log, bool must)
{
	pid_t pid = bench_spawn(argv, log);

	if (pid < 0 || bench_wait_mount(mnt, pid, 10)) {
		if (must)
			bench_die("%s did not mount on %s (log: %s)", argv[0],
				  mnt, log);
		return -1;
	}
	bench_track_mount(mnt, pid);
	return pid;
}

/* Read every file once, so that every cache the measure relies on is warm. */
static void warm(int dirfd, char **paths, int n)
{
	char buf[4096];

	for (int i = 0; i < n; i++) {
		int fd = openat(dirfd, paths[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			bench_die("%s: %s", paths[i], strerror(errno));
		if (read(fd, buf, sizeof(buf)) <= 0)
			bench_die("%s: empty", paths[i]);
		close(fd);
	}
}

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		bench_die("%s: %s", path, strerror(errno));
	return fd;
}

static void warm_stat(int dirfd, char **paths, int n)
{
	struct stat st;

	for (int i = 0; i < n; i++)
		if (fstatat(dirfd, paths[i], &st, 0))
			bench_die("%s: %s", paths[i], strerror(errno));
}

static bool in_path(const char *prog)
{
	char buf[4200], *path, *dir, *save = NULL;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	path = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	for (dir = strtok_r(path, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", dir, prog);
		if (!access(buf, X_OK)) {
			free(path);
			return true;
		}
	}
	free(path);
	return false;
}

static void free_list(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_setup(struct setup *su, int n)
{
	free_list(su->pidfs_paths, n);
	free_list(su->pidfs_prefix, n);
	free_list(su->proc_paths, n);
	free_list(su->proc_prefix, n);
	free_list(su->pidfs_stat_paths, n);
	free_list(su->proc_stat_paths, n);
	free_list(su->exact_paths, n);
	free_list(su->exact_prefix, n);
	free(su->exact_mnt);
	free(su->exact_requests);
	free(su->pidfs_requests);
	free(su->floor_mnt);
	free(su->floor_requests);
	free(su->floor_file);
	free(su->lxcfs_mnt);
	free(su->lxcfs_file);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-r ROUNDS] [-t SECONDS] [-p PIDFS] [-F FLOORFS] "
		"[-L LXCFS|-]\n",
		prog);
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_builddir");
	static char pidfs_path[4200], floor_path[4200];
	char buf[4200], log_pidfs[4200], log_floor[4200], log_lxcfs[4200];
	char log_exact[4200];
	pid_t d_pidfs, d_floor, d_exact, d_lxcfs = -1, *exact_pids;
	struct setup su = { 0 };
	int c, rc, exact_ctl, ntasks = 1000, nmore = 9000;

	opt.rounds = bench_quick() ? 5 : 7;
	opt.seconds = bench_quick() ? 0.05 : 0.2;
	opt.lxcfs = "lxcfs";
	while ((c = getopt(argc, argv, "r:t:p:F:L:h")) != -1) {
		switch (c) {
		case 'r':
			opt.rounds = atoi(optarg);
			break;
		case 't':
			opt.seconds = atof(optarg);
			break;
		case 'p':
			opt.pidfs = optarg;
			break;
		case 'F':
			opt.floorfs = optarg;
			break;
		case 'L':
			opt.lxcfs = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 64;
		}
	}
	if (opt.rounds < 5 || opt.rounds > MAX_ROUNDS || opt.seconds <= 0) {
		fprintf(stderr, "%s: 5..%d rounds of a positive time\n",
			argv[0], MAX_ROUNDS);
		return 64;
	}
	if (!opt.pidfs) {
		snprintf(pidfs_path, sizeof(pidfs_path), "%s/src/pidfs",
			 top ? top : ".");
		opt.pidfs = pidfs_path;
	}
	if (!opt.floorfs) {
		snprintf(floor_path, sizeof(floor_path), "%s/bench/floorfs",
			 top ? top : ".");
		opt.floorfs = floor_path;
	}
	if (access("/dev/fuse", R_OK | W_OK))
		bench_die("no /dev/fuse");
	if (opt.lxcfs && !in_path(opt.lxcfs))
		opt.lxcfs = NULL;

	pidfs.mnt = mount_dir("pidfs");
	su.floor_mnt = mount_dir("floor");
	snprintf(log_pidfs, sizeof(log_pidfs), "%s/pidfs.log", bench_tmpdir());
	snprintf(log_floor, sizeof(log_floor), "%s/floor.log", bench_tmpdir());
	snprintf(log_lxcfs, sizeof(log_lxcfs), "%s/lxcfs.log", bench_tmpdir());
	d_pidfs =
		start_fuse((const char *[]){ opt.pidfs, "-f", pidfs.mnt, NULL },
			   pidfs.mnt, log_pidfs, true);
	d_floor = start_fuse((const char *[]){ opt.floorfs, "-f", su.floor_mnt,
					       NULL },
			     su.floor_mnt, log_floor, true);
	su.exact_mnt = mount_dir("exact");
	snprintf(log_exact, sizeof(log_exact), "%s/exact.log", bench_tmpdir());
	d_exact = start_fuse((const char *[]){ opt.pidfs, "-f", "-o", "exact",
					       su.exact_mnt, NULL },
			     su.exact_mnt, log_exact, true);
	if (opt.lxcfs) {
		char pidfile[4200];

		su.lxcfs_mnt = mount_dir("lxcfs");
		snprintf(pidfile, sizeof(pidfile), "%s/lxcfs.pid",
			 bench_tmpdir());
		d_lxcfs = start_fuse((const char *[]){ opt.lxcfs, "-f", "-p",
						       pidfile, su.lxcfs_mnt,
						       NULL },
				     su.lxcfs_mnt, log_lxcfs, false);
		if (d_lxcfs > 0)
			su.lxcfs_file = xstrdup("proc/uptime");
	}

	snprintf(buf, sizeof(buf), "%s/requests", pidfs.mnt);
	su.pidfs_requests = xstrdup(buf);
	snprintf(buf, sizeof(buf), "%s/requests", su.floor_mnt);
	su.floor_requests = xstrdup(buf);
	su.floor_file = xstrdup("file");
	snprintf(buf, sizeof(buf), "%s/requests", su.exact_mnt);
	su.exact_requests = xstrdup(buf);
	su.exact_fd = open_dir(su.exact_mnt);
	su.pidfs_fd = open_dir(pidfs.mnt);
	su.proc_fd = open_dir("/proc");
	su.floor_fd = open_dir(su.floor_mnt);
	su.root_fd = open_dir("/");
	su.lxcfs_fd = su.lxcfs_file ? open_dir(su.lxcfs_mnt) : -1;

	/* 1000 model tasks and 1000 real processes. */
	pidfs.ctl = ctl_open(pidfs.mnt);
	pidfs.pids = calloc((size_t)(ntasks + nmore), sizeof(pid_t));
	if (!pidfs.pids)
		bench_die("out of memory");
	ctl_spawn(pidfs.ctl, ntasks, pidfs.pids);
	pidfs.n = ntasks;
	pidfs.procs = bench_sleepers_spawn(ntasks, &pidfs.nprocs);

	su.pidfs_paths = path_list(pidfs.pids, ntasks, "stat");
	su.pidfs_prefix = prefix_list(pidfs.pids, ntasks, "init");
	exact_ctl = ctl_open(su.exact_mnt);
	exact_pids = calloc((size_t)ntasks, sizeof(pid_t));
	if (!exact_pids)
		bench_die("out of memory");
	ctl_spawn(exact_ctl, ntasks, exact_pids);
	close(exact_ctl);
	su.exact_paths = path_list(exact_pids, ntasks, "stat");
	su.exact_prefix = prefix_list(exact_pids, ntasks, "init");
	free(exact_pids);
	su.proc_paths = path_list(pidfs.procs, ntasks, "stat");
	su.proc_prefix = prefix_list(pidfs.procs, ntasks, "sleeper");
	/* stat(2) on other tasks' files than those read, as a reader would. */
	su.pidfs_stat_paths = path_list(pidfs.pids, ntasks, "status");
	su.proc_stat_paths = path_list(pidfs.procs, ntasks, "status");
	warm(su.pidfs_fd, su.pidfs_paths, ntasks);
	warm(su.proc_fd, su.proc_paths, ntasks);
	warm(su.exact_fd, su.exact_paths, ntasks);
	warm(su.pidfs_fd, su.pidfs_stat_paths, ntasks);
	warm(su.proc_fd, su.proc_stat_paths, ntasks);
	/*
	 * A FUSE read marks the inode's atime stale, so the first stat(2)
	 * after a read asks the daemon (GETATTR); do those here, once.
	 */
	warm_stat(su.pidfs_fd, su.pidfs_stat_paths, ntasks);
	warm_stat(su.proc_fd, su.proc_stat_paths, ntasks);
	warm(su.floor_fd, &su.floor_file, 1);

	printf("bench/fs: pidfs %s, floor %s, lxcfs %s\n", opt.pidfs,
	       opt.floorfs, su.lxcfs_file ? opt.lxcfs : "(none)");
	printf("%d model tasks in pidfs, %d sleeping processes for /proc\n",
	       ntasks, ntasks);

	bench_orc(&su);
	bench_exact(&su);
	bench_stat(&su);
	bench_readdir(&su, ntasks, true);

	/* 10000 of each for readdir. */
	ctl_spawn(pidfs.ctl, nmore, pidfs.pids + ntasks);
	pidfs.procs = bench_sleepers_spawn(nmore, &pidfs.nprocs);
	bench_readdir(&su, ntasks + nmore, false);

	close(pidfs.ctl);
	close(su.pidfs_fd);
	close(su.proc_fd);
	close(su.floor_fd);
	close(su.root_fd);
	close(su.exact_fd);
	if (su.lxcfs_fd >= 0)
		close(su.lxcfs_fd);
	bench_sleepers_kill();
	if (d_lxcfs > 0)
		bench_umount(su.lxcfs_mnt, d_lxcfs);
	bench_umount(su.floor_mnt, d_floor);
	rc = bench_umount(su.exact_mnt, d_exact);
	rc |= bench_umount(pidfs.mnt, d_pidfs);
	{
		FILE *f = fopen(log_pidfs, "re");
		char line[512];

		while (f && fgets(line, sizeof(line), f))
			printf("pidfs daemon: %s", line);
		if (f)
			fclose(f);
	}
	bench_cleanup();
	free_setup(&su, ntasks);
	free(pidfs.pids);
	free(pidfs.mnt);
	if (rc) {
		fprintf(stderr, "bench/fs: pidfs exited with %d\n", rc);
		return 1;
	}
	return 0;
}
