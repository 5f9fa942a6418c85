// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/procps: the experiment of commit 95846ecf9dac "pid: replace pid
 * bitmap implementation with IDR API" (Linux 4.15), through the mount.
 * Its message reports, with 10,000 processes:
 *
 *   ps:     IDR 1.479 s, bitmap 2.319 s   (0.64 of the time)
 *   pstree: IDR 1.024 s, bitmap 1.794 s   (0.57 of the time)
 *
 * Here: one pidfs per allocator (-o alloc=pidmap, -o alloc=idr), each with
 * the same 10,000 model tasks (spawn on ctl), and the real procps `ps -e`
 * and psmisc `pstree` run over each with the mount bound on /proc in a
 * private mount namespace (a child does unshare(CLONE_NEWNS), then for
 * each run mount --bind MNT /proc, run, umount).  Each tool runs once
 * per mount untimed ("first": every entry and page is then cached by the
 * kernel), then in rounds alternating the mounts, the order rotating each
 * round; a figure is the median of the rounds, and the ratio the median
 * of the per-round ratios of time, IDR over pidmap (below 1: the IDR is
 * faster, as in the commit's figures), with the middle half of those
 * ratios.  A second pidmap mount ("pidmap#2") runs beside them: its
 * ratio to the first is what two identical mounts differ by on this
 * machine, the yardstick for the IDR's.
 *
 * Beside each run's wall time: the tool's own CPU time (user + system,
 * from wait4: the system part is the kernel's FUSE client and VFS), the
 * daemon's CPU time (from its /proc/PID/stat, opened before the bind),
 * and the FUSE requests the daemon answered (MNT/requests): what the
 * allocator can touch at all is the daemon's share of the run.  Every
 * run's output is checked: ps -e must list every task, pstree must show
 * init.
 *
 * When the daemon does not know -o alloc (`pidfs --help` does not list
 * it), only the default allocator (pidmap) runs, and the program says so.
 *
 * Run:  make bench, or bench/procps [-r ROUNDS] [-n TASKS] [-a LIST]
 *       [-p PIDFS] [-O OPTS] (-a pidmap,idr,pidmap by default; -O adds
 *       mount options to every mount, e.g. exact; BENCH_QUICK=1: 1000
 *       tasks, 3 rounds; BENCH_CSV=FILE: append results).  Needs root (unshare,
 *       mount), /dev/fuse, ps and pstree.
 *
 * Expected output, e.g.
 *
 *   ps -e over 10000 tasks, 5 rounds (median s, CPU s, requests per run)
 *     alloc     first      wall    ps cpu  daemon cpu  requests
 *     pidmap    ...
 *     idr/pidmap time: x 1.00 (rounds 0.97-1.03, ...); the commit: IDR
 *     1.479 s / bitmap 2.319 s = 0.64
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

#define MAX_ROUNDS 31
#define MAX_MOUNTS 4

static struct {
	int rounds;
	int ntasks;
	const char *pidfs;
	const char *allocs; /* comma-separated */
	const char *extra; /* more mount options, or NULL */
} opt;

struct mountv {
	char alloc[16]; /* the option's value */
	char label[24]; /* "idr", or "pidmap#2" for a second pidmap */
	/* requests by opcode, summed over the timed runs of one tool */
	int nops;
	char opname[BENCH_MAX_OPS][16];
	long long byop[BENCH_MAX_OPS];
	char *mnt;
	char *requests;
	pid_t daemon;
	int statfd; /* the daemon's /proc/PID/stat, the real procfs */
};

/* One run of a tool on one mount. */
struct run {
	double wall; /* s */
	double cpu; /* the tool's user + system, s */
	double daemon; /* the daemon's user + system, s */
	double requests;
};

/* The commit's figures: ps and pstree, IDR and bitmap, in seconds. */
static const struct {
	const char *tool;
	double idr, bitmap;
} commit[] = {
	{ "ps", 1.479, 2.319 },
	{ "pstree", 1.024, 1.794 },
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		bench_die("out of memory");
	return d;
}

/* Does the daemon list -o alloc in its --help? */
static bool daemon_has_alloc(const char *pidfs)
{
	char cmd[4300], line[512];
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' --help 2>&1", pidfs);
	f = popen(cmd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, "alloc=") != NULL;
	pclose(f);
	return found;
}

/* The daemon's user + system time, from its stat in the real /proc. */
static double daemon_cpu(int fd)
{
	char buf[1024], *p;
	unsigned long utime, stime;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return NAN;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after "comm)": state is field 3, utime 14, stime 15 */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu",
			 &utime, &stime) != 2)
		return NAN;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* The child's errors: no cleanup of the parent's mounts from here. */
static void __attribute__((noreturn, format(printf, 1, 2)))
child_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench/procps: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	_exit(1);
}

/* Lines of @path that contain @needle (NULL: every line). */
static int count_lines(const char *path, const char *needle)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !needle || strstr(line, needle);
	fclose(f);
	return n;
}

/*
 * Run @tool (ps or pstree) with @mv's mount on /proc; its output goes to
 * @out, checked afterwards.
 */
static struct run run_once(const char *tool, struct mountv *mv, const char *out)
{
	const char *const ps[] = { "ps", "-e", NULL };
	const char *const pstree[] = { "pstree", NULL };
	const char *const *argv = strcmp(tool, "ps") ? pstree : ps;
	char names[BENCH_MAX_OPS][16];
	long long ops0[BENCH_MAX_OPS], ops1[BENCH_MAX_OPS];
	struct rusage ru;
	struct run r;
	long long req0, req1;
	int n0, n1;
	double d0, t0;
	int status;
	pid_t pid;

	if (mount(mv->mnt, "/proc", NULL, MS_BIND, NULL))
		child_die("mount --bind %s /proc: %s", mv->mnt,
			  strerror(errno));
	req0 = bench_requests(mv->requests, NULL);
	n0 = bench_requests_all(mv->requests, names, ops0, BENCH_MAX_OPS);
	d0 = daemon_cpu(mv->statfd);
	t0 = (double)bench_now_ns();
	pid = fork();
	if (pid < 0)
		child_die("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		child_die("wait4: %s", strerror(errno));
	r.wall = ((double)bench_now_ns() - t0) / 1e9;
	r.daemon = daemon_cpu(mv->statfd) - d0;
	req1 = bench_requests(mv->requests, NULL);
	n1 = bench_requests_all(mv->requests, mv->opname, ops1, BENCH_MAX_OPS);
	if (n0 == n1 && n1 > 0) {
		mv->nops = n1;
		for (int i = 0; i < n1; i++)
			mv->byop[i] += ops1[i] - ops0[i];
	}
	if (umount2("/proc", 0))
		child_die("umount /proc: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		child_die("%s on %s failed (status %#x)", tool, mv->alloc,
			  status);
	r.cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	r.requests = (req0 < 0 || req1 < 0) ? NAN : (double)(req1 - req0);
	/* ps -e: a header, init and every task; pstree: init at the top */
	if (!strcmp(tool, "ps") && count_lines(out, NULL) < opt.ntasks + 2)
		child_die("ps -e on %s listed %d lines for %d tasks", mv->alloc,
			  count_lines(out, NULL), opt.ntasks);
	if (strcmp(tool, "ps") && count_lines(out, "init") < 1)
		child_die("pstree on %s did not show init", mv->alloc);
	return r;
}

static double med(struct run (*v)[MAX_MOUNTS], int m, int rounds, size_t field)
{
	double x[MAX_ROUNDS];

	for (int r = 0; r < rounds; r++)
		x[r] = *(double *)((char *)&v[r][m] + field);
	return bench_median(x, rounds);
}

static void measure(const char *tool, struct mountv *mv, int nm)
{
	struct run first[MAX_MOUNTS], runs[MAX_ROUNDS][MAX_MOUNTS];
	char out[4200], variant[96], base[96], name[48];
	int rounds = opt.rounds;

	snprintf(out, sizeof(out), "%s/%s.out", bench_tmpdir(), tool);
	for (int m = 0; m < nm; m++)
		first[m] = run_once(tool, &mv[m], out);
	for (int m = 0; m < nm; m++)
		memset(mv[m].byop, 0, sizeof(mv[m].byop));
	for (int r = 0; r < rounds; r++)
		for (int j = 0; j < nm; j++) {
			int m = (r + j) % nm;

			runs[r][m] = run_once(tool, &mv[m], out);
		}

	printf("\n%s over %d tasks, %d rounds (s; median of the rounds; "
	       "requests per run)\n",
	       strcmp(tool, "ps") ? "pstree" : "ps -e", opt.ntasks, rounds);
	printf("  %-8s %8s %8s %8s %11s %10s\n", "alloc", "first", "wall",
	       "tool cpu", "daemon cpu", "requests");
	for (int m = 0; m < nm; m++) {
		printf("  %-8s %8.3f %8.3f %8.3f %11.3f %10.0f\n", mv[m].label,
		       first[m].wall,
		       med(runs, m, rounds, offsetof(struct run, wall)),
		       med(runs, m, rounds, offsetof(struct run, cpu)),
		       med(runs, m, rounds, offsetof(struct run, daemon)),
		       med(runs, m, rounds, offsetof(struct run, requests)));
		snprintf(variant, sizeof(variant), "%s n=%d", mv[m].label,
			 opt.ntasks);
		snprintf(base, sizeof(base), "%s n=%d", mv[0].label,
			 opt.ntasks);
		for (int k = 0; k < 4; k++) {
			static const char *const what[] = { "", ".cpu",
							    ".daemon_cpu",
							    ".requests" };
			static const size_t field[] = {
				offsetof(struct run, wall),
				offsetof(struct run, cpu),
				offsetof(struct run, daemon),
				offsetof(struct run, requests),
			};
			double q[MAX_ROUNDS];

			for (int r = 0; r < rounds; r++)
				q[r] = *(double *)((char *)&runs[r][m] +
						   field[k]) /
				       *(double *)((char *)&runs[r][0] +
						   field[k]);
			snprintf(name, sizeof(name), "procps.%s%s", tool,
				 what[k]);
			bench_csv(name, variant, med(runs, m, rounds, field[k]),
				  k == 3 ? "requests/run" : "s",
				  m && k < 3 ? bench_median(q, rounds) : NAN,
				  m && k < 3 ? base : NULL);
		}
		snprintf(name, sizeof(name), "procps.%s.first", tool);
		bench_csv(name, variant, first[m].wall, "s",
			  m ? first[m].wall / first[0].wall : NAN,
			  m ? base : NULL);
	}
	for (int m = 0; m < nm; m++) {
		printf("  %-8s requests per run:", mv[m].label);
		for (int i = 0; i < mv[m].nops; i++)
			if (mv[m].byop[i])
				printf(" %s %.0f", mv[m].opname[i],
				       (double)mv[m].byop[i] / rounds);
		printf("\n");
	}
	for (int m = 1; m < nm; m++) {
		double q[MAX_ROUNDS];

		for (int r = 0; r < rounds; r++)
			q[r] = runs[r][m].wall / runs[r][0].wall;
		printf("  %s/%s time: x %.2f (rounds %.2f-%.2f, middle half; "
		       "first run x %.2f)",
		       mv[m].label, mv[0].label, bench_median(q, rounds),
		       bench_quartile(q, rounds, 1),
		       bench_quartile(q, rounds, 3),
		       first[m].wall / first[0].wall);
		for (size_t c = 0; c < sizeof(commit) / sizeof(commit[0]); c++)
			if (!strcmp(commit[c].tool, tool) &&
			    !strcmp(mv[m].alloc, "idr"))
				printf("; the commit: IDR %.3f s / bitmap "
				       "%.3f s = %.2f",
				       commit[c].idr, commit[c].bitmap,
				       commit[c].idr / commit[c].bitmap);
		printf("\n");
		snprintf(name, sizeof(name), "procps.%s.q1", tool);
		snprintf(variant, sizeof(variant), "%s n=%d", mv[m].label,
			 opt.ntasks);
		snprintf(base, sizeof(base), "%s n=%d", mv[0].label,
			 opt.ntasks);
		bench_csv(name, variant, bench_quartile(q, rounds, 1), "ratio",
			  NAN, base);
		name[strlen(name) - 1] = '3';
		bench_csv(name, variant, bench_quartile(q, rounds, 3), "ratio",
			  NAN, base);
	}
}

/* The child: a private mount namespace, then every run. */
static int child_main(struct mountv *mv, int nm)
{
	if (unshare(CLONE_NEWNS))
		child_die("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		child_die("mount --make-rprivate /: %s", strerror(errno));
	measure("ps", mv, nm);
	measure("pstree", mv, nm);
	fflush(stdout);
	return 0;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-r ROUNDS] [-n TASKS] [-a pidmap,idr,pidmap] "
		"[-p PIDFS] "
		"[-O MOUNT-OPTIONS]\n",
		prog);
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_builddir");
	static char pidfs_path[4200];
	struct mountv mv[MAX_MOUNTS];
	char *allocs, *tok, *save = NULL, buf[4200];
	int c, nm = 0, status, rc = 0;
	bool has_alloc;
	pid_t *pids, child;

	opt.rounds = bench_quick() ? 3 : 5;
	opt.ntasks = bench_quick() ? 1000 : 10000;
	/* a second pidmap: what two identical mounts differ by */
	opt.allocs = "pidmap,idr,pidmap";
	while ((c = getopt(argc, argv, "r:n:a:p:O:h")) != -1) {
		switch (c) {
		case 'r':
			opt.rounds = atoi(optarg);
			break;
		case 'n':
			opt.ntasks = atoi(optarg);
			break;
		case 'a':
			opt.allocs = optarg;
			break;
		case 'p':
			opt.pidfs = optarg;
			break;
		case 'O':
			opt.extra = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 64;
		}
	}
	if (opt.rounds < 1 || opt.rounds > MAX_ROUNDS || opt.ntasks < 1) {
		fprintf(stderr, "%s: 1..%d rounds, at least one task\n",
			argv[0], MAX_ROUNDS);
		return 64;
	}
	if (!opt.pidfs) {
		snprintf(pidfs_path, sizeof(pidfs_path), "%s/src/pidfs",
			 top ? top : ".");
		opt.pidfs = pidfs_path;
	}
	if (access("/dev/fuse", R_OK | W_OK))
		bench_die("no /dev/fuse");
	if (geteuid()) {
		printf("bench/procps: needs root (unshare, mount --bind): "
		       "skipped\n");
		return 0;
	}
	has_alloc = daemon_has_alloc(opt.pidfs);
	allocs = xstrdup(has_alloc ? opt.allocs : "pidmap");
	if (!has_alloc)
		printf("bench/procps: %s has no -o alloc: the default "
		       "allocator (pidmap) alone\n",
		       opt.pidfs);
	pids = calloc((size_t)opt.ntasks, sizeof(*pids));
	if (!pids)
		bench_die("out of memory");

	for (tok = strtok_r(allocs, ",", &save); tok && nm < MAX_MOUNTS;
	     tok = strtok_r(NULL, ",", &save), nm++) {
		struct mountv *m = &mv[nm];
		char opts[256], log[4200];
		const char *args[8];
		int ctl, a = 0;

		snprintf(m->alloc, sizeof(m->alloc), "%s", tok);
		snprintf(m->label, sizeof(m->label), "%s", tok);
		for (int k = 0, same = 1; k < nm; k++)
			if (!strcmp(mv[k].alloc, tok))
				snprintf(m->label, sizeof(m->label), "%s#%d",
					 tok, ++same);
		snprintf(buf, sizeof(buf), "%s/%s", bench_tmpdir(), m->label);
		if (mkdir(buf, 0755))
			bench_die("mkdir %s: %s", buf, strerror(errno));
		m->mnt = xstrdup(buf);
		snprintf(buf, sizeof(buf), "%s/requests", m->mnt);
		m->requests = xstrdup(buf);
		snprintf(log, sizeof(log), "%s/%s.log", bench_tmpdir(),
			 m->label);
		snprintf(opts, sizeof(opts), "%s%s%s%s",
			 has_alloc ? "alloc=" : "", has_alloc ? tok : "",
			 opt.extra && has_alloc ? "," : "",
			 opt.extra ? opt.extra : "");
		args[a++] = opt.pidfs;
		args[a++] = "-f";
		if (opts[0]) {
			args[a++] = "-o";
			args[a++] = opts;
		}
		args[a++] = m->mnt;
		args[a] = NULL;
		m->daemon = bench_spawn(args, log);
		if (m->daemon < 0 || bench_wait_mount(m->mnt, m->daemon, 10))
			bench_die("pidfs -o %s did not mount (log: %s)", opts,
				  log);
		bench_track_mount(m->mnt, m->daemon);
		snprintf(buf, sizeof(buf), "/proc/%d/stat", (int)m->daemon);
		m->statfd = open(buf, O_RDONLY | O_CLOEXEC);
		if (m->statfd < 0)
			bench_die("%s: %s", buf, strerror(errno));
		ctl = ctl_open(m->mnt);
		ctl_spawn(ctl, opt.ntasks, pids);
		close(ctl);
	}

	printf("bench/procps: %s, allocators %s%s%s; ps %s, pstree %s\n",
	       opt.pidfs, has_alloc ? opt.allocs : "pidmap",
	       opt.extra ? ", -o " : "", opt.extra ? opt.extra : "", "-e",
	       "(psmisc)");
	fflush(stdout);
	child = fork();
	if (child < 0)
		bench_die("fork: %s", strerror(errno));
	if (!child)
		_exit(child_main(mv, nm));
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		rc = 1;

	for (int m = 0; m < nm; m++) {
		close(mv[m].statfd);
		rc |= bench_umount(mv[m].mnt, mv[m].daemon) ? 1 : 0;
		free(mv[m].mnt);
		free(mv[m].requests);
	}
	bench_cleanup();
	free(pids);
	free(allocs);
	if (rc)
		fprintf(stderr, "bench/procps: failed\n");
	return rc;
}
