// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/pidfd: pidfs's pidfds against the host kernel's, in one run.
 *
 *   wakeup   a thread blocks in poll() on a pidfd; another ends the task
 *            (kernel: writes to the pipe a real child waits on, and the
 *            child exits; pidfs: "exit PID" to MNT/ctl); the time from
 *            that write to the poller's wakeup.  Median of R rounds.
 *            Target: pidfs within 3 times the kernel's.
 *   epoll    N pidfds in one epoll set; every task is ended (kernel: the
 *            pipe the children all wait on is closed; pidfs: "kill PID"
 *            for each through MNT/ctl); the time until every wakeup has
 *            been delivered, which is checked.  Target: within 5 times.
 *
 *   bench/pidfd [-r ROUNDS] [-n N] [-p PIDFS]
 *
 * Defaults: 200 rounds and N = 10000 (BENCH_QUICK=1: 50 and 1000).  Rows
 * go to $BENCH_CSV with ratio = kernel time / pidfs time (above 1, pidfs
 * is faster), as the other benchmarks' ratios.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

#define BOUND_MS 30000 /* a wakeup that never comes */

static const char *mnt;
static int ctlfd;

/* A real child that exits when its pipe has data or is closed. */
static pid_t child_start(int rfd, int wfd_close)
{
	pid_t pid = fork();
	char b;

	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (!pid) {
		if (wfd_close >= 0)
			close(wfd_close);
		if (read(rfd, &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static int pidfd_of_child(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		bench_die("pidfd_open: %s", strerror(errno));
	return fd;
}

static int pidfd_of_task(pid_t pid)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%d/pidfd", mnt, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_die("%s: %s", path, strerror(errno));
	return fd;
}

static pid_t task_start(void)
{
	char buf[64];
	int err = ctl_cmd(ctlfd, "fork 1 bench", buf, sizeof(buf));

	if (err)
		bench_die("ctl fork: %s", strerror(err));
	return (pid_t)atoi(buf);
}

static void task_end(const char *verb, pid_t pid)
{
	char cmd[64], buf[64];
	int err;

	snprintf(cmd, sizeof(cmd), "%s %d", verb, (int)pid);
	err = ctl_cmd(ctlfd, cmd, buf, sizeof(buf));
	if (err)
		bench_die("ctl %s: %s", cmd, strerror(err));
}

/* ---- wakeup latency ------------------------------------------------------- */

struct round {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go; /* lock: a trigger is wanted */
	bool kernel; /* lock */
	int wfd; /* lock: kernel: the child's pipe */
	pid_t pid; /* lock: pidfs: the task */
	uint64_t t0; /* lock: when the trigger was written */
};

/* The trigger thread: waits until the poller blocks, then ends the task. */
static void *trigger_main(void *arg)
{
	struct round *r = arg;
	struct timespec settle = { 0, 2000000 }; /* 2 ms */

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->go)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->go < 0)
			break;
		pthread_mutex_unlock(&r->lock);
		nanosleep(&settle, NULL);
		r->t0 = bench_now_ns();
		if (r->kernel) {
			if (write(r->wfd, "x", 1) != 1)
				bench_die("write: %s", strerror(errno));
		} else {
			task_end("exit", r->pid);
		}
		pthread_mutex_lock(&r->lock);
		r->go = 0;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* One round: microseconds from the trigger to the wakeup. */
static double wakeup_round(struct round *r, bool kernel)
{
	struct pollfd p = { .events = POLLIN };
	int pfd[2] = { -1, -1 };
	pid_t pid;
	uint64_t t1;

	if (kernel) {
		if (pipe2(pfd, O_CLOEXEC))
			bench_die("pipe: %s", strerror(errno));
		pid = child_start(pfd[0], pfd[1]);
		close(pfd[0]);
		p.fd = pidfd_of_child(pid);
	} else {
		pid = task_start();
		p.fd = pidfd_of_task(pid);
	}
	pthread_mutex_lock(&r->lock);
	r->kernel = kernel;
	r->wfd = pfd[1];
	r->pid = pid;
	r->go = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);

	if (poll(&p, 1, BOUND_MS) != 1 || !(p.revents & POLLIN))
		bench_die("%s: no wakeup", kernel ? "kernel" : "pidfs");
	t1 = bench_now_ns();
	pthread_mutex_lock(&r->lock);
	while (r->go)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	if (kernel) {
		waitpid(pid, NULL, 0);
		close(pfd[1]);
	} else {
		task_end("reap", pid);
	}
	close(p.fd);
	return (double)(t1 - r->t0) / 1e3;
}

static void bench_wakeup(int rounds)
{
	struct round r = { .lock = PTHREAD_MUTEX_INITIALIZER,
			   .cond = PTHREAD_COND_INITIALIZER };
	double *k = calloc((size_t)rounds, sizeof(double));
	double *p = calloc((size_t)rounds, sizeof(double));
	double mk, mp;
	pthread_t thr;

	if (!k || !p || pthread_create(&thr, NULL, trigger_main, &r))
		bench_die("out of memory");
	/* alternate, so that both see the same machine */
	for (int i = 0; i < rounds; i++) {
		k[i] = wakeup_round(&r, true);
		p[i] = wakeup_round(&r, false);
	}
	pthread_mutex_lock(&r.lock);
	r.go = -1;
	pthread_cond_broadcast(&r.cond);
	pthread_mutex_unlock(&r.lock);
	pthread_join(thr, NULL);

	mk = bench_median(k, rounds);
	mp = bench_median(p, rounds);
	printf("exit -> poll wakeup, median of %d rounds (quartiles)\n",
	       rounds);
	printf("  kernel pidfd  %9.1f us  (%.1f - %.1f)\n", mk,
	       bench_quartile(k, rounds, 1), bench_quartile(k, rounds, 3));
	printf("  pidfs pidfd   %9.1f us  (%.1f - %.1f)\n", mp,
	       bench_quartile(p, rounds, 1), bench_quartile(p, rounds, 3));
	printf("  pidfs / kernel: %.2f (target <= 3)\n", mp / mk);
	bench_csv("pidfd.wakeup", "kernel", mk, "us", NAN, NULL);
	bench_csv("pidfd.wakeup", "pidfs", mp, "us", mk / mp, "kernel");
	free(k);
	free(p);
}

/* ---- N pidfds in one epoll -------------------------------------------------- */

/* Wait for @n wakeups of the set; returns how many came. */
static int epoll_drain(int ep, int n)
{
	struct epoll_event evs[256];
	int got = 0;

	while (got < n) {
		int r = epoll_wait(ep, evs, 256, BOUND_MS);

		if (r <= 0)
			break;
		for (int i = 0; i < r; i++)
			epoll_ctl(ep, EPOLL_CTL_DEL, evs[i].data.fd, NULL);
		got += r;
	}
	return got;
}

static int epoll_set(const int *fds, int n)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	for (int i = 0; i < n; i++) {
		ev.data.fd = fds[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev))
			bench_die("epoll_ctl: %s", strerror(errno));
	}
	return ep;
}

static double epoll_kernel(int n, int *got)
{
	pid_t *pids = calloc((size_t)n, sizeof(pid_t));
	int *fds = calloc((size_t)n, sizeof(int));
	int pfd[2], ep;
	uint64_t t0, t1;

	if (!pids || !fds || pipe2(pfd, O_CLOEXEC))
		bench_die("out of memory");
	for (int i = 0; i < n; i++) {
		pids[i] = child_start(pfd[0], pfd[1]);
		fds[i] = pidfd_of_child(pids[i]);
	}
	close(pfd[0]);
	ep = epoll_set(fds, n);
	t0 = bench_now_ns();
	close(pfd[1]); /* every child reads EOF and exits */
	*got = epoll_drain(ep, n);
	t1 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		waitpid(pids[i], NULL, 0);
		close(fds[i]);
	}
	close(ep);
	free(pids);
	free(fds);
	return (double)(t1 - t0) / 1e9;
}

struct killer {
	const pid_t *pids;
	int n;
};

static void *killer_main(void *arg)
{
	struct killer *k = arg;

	for (int i = 0; i < k->n; i++)
		task_end("kill", k->pids[i]);
	return NULL;
}

static double epoll_pidfs(int n, int *got)
{
	pid_t *pids = calloc((size_t)n, sizeof(pid_t));
	int *fds = calloc((size_t)n, sizeof(int));
	struct killer k = { pids, n };
	pthread_t thr;
	uint64_t t0, t1;
	int ep;

	if (!pids || !fds)
		bench_die("out of memory");
	ctl_spawn(ctlfd, n, pids);
	for (int i = 0; i < n; i++)
		fds[i] = pidfd_of_task(pids[i]);
	ep = epoll_set(fds, n);
	t0 = bench_now_ns();
	if (pthread_create(&thr, NULL, killer_main, &k))
		bench_die("pthread_create");
	*got = epoll_drain(ep, n);
	t1 = bench_now_ns();
	pthread_join(thr, NULL);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(ep);
	free(pids);
	free(fds);
	return (double)(t1 - t0) / 1e9;
}

static void bench_epoll(int n)
{
	int kgot, pgot;
	double tk = epoll_kernel(n, &kgot);
	double tp = epoll_pidfs(n, &pgot);

	printf("%d pidfds in one epoll, every task ended\n", n);
	printf("  kernel pidfds %9.3f s, %d of %d wakeups\n", tk, kgot, n);
	printf("  pidfs pidfds  %9.3f s, %d of %d wakeups\n", tp, pgot, n);
	printf("  pidfs / kernel: %.2f (target <= 5)\n", tp / tk);
	if (kgot != n || pgot != n)
		bench_die("wakeups lost: kernel %d, pidfs %d of %d", kgot, pgot,
			  n);
	bench_csv("pidfd.epoll", "kernel", tk, "s", NAN, NULL);
	bench_csv("pidfd.epoll", "pidfs", tp, "s", tk / tp, "kernel");
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_builddir");
	char pidfs[4200], log[4200], dir[4200];
	int rounds = bench_quick() ? 50 : 200;
	int n = bench_quick() ? 1000 : 10000, c;
	const char *bin = NULL;
	pid_t daemon;

	while ((c = getopt(argc, argv, "r:n:p:")) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'p':
			bin = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-r ROUNDS] [-n N] [-p PIDFS]\n",
				argv[0]);
			return 64;
		}
	}
	if (rounds < 1 || n < 1) {
		fprintf(stderr, "%s: ROUNDS and N are at least 1\n", argv[0]);
		return 64;
	}
	if (!bin) {
		snprintf(pidfs, sizeof(pidfs), "%s/src/pidfs", top ? top : ".");
		bin = pidfs;
	}
	if (bench_raise_nofile(n + 64) < n + 64)
		bench_die("RLIMIT_NOFILE too small for %d pidfds", n);
	snprintf(dir, sizeof(dir), "%s/pidfd", bench_tmpdir());
	snprintf(log, sizeof(log), "%s/pidfd.log", bench_tmpdir());
	mkdir(dir, 0755);
	daemon = bench_spawn((const char *[]){ bin, "-f", dir, NULL }, log);
	if (daemon < 0 || bench_wait_mount(dir, daemon, 10))
		bench_die("pidfs did not mount (log: %s)", log);
	bench_track_mount(dir, daemon);
	mnt = dir;
	ctlfd = ctl_open(mnt);

	bench_wakeup(rounds);
	bench_epoll(n);

	close(ctlfd);
	if (bench_umount(dir, daemon))
		bench_die("pidfs did not exit cleanly (log: %s)", log);
	bench_cleanup();
	return 0;
}
