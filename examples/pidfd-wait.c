// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd-wait: wait for many processes at once through their pidfds, as
 * systemd's sd-event and the Go, Rust and Python runtimes do: one epoll
 * set, one pidfd per process, and each process's exit status read from
 * its pidfd (PIDFD_GET_INFO with PIDFD_INFO_EXIT) when it turns readable.
 * The same loop runs on pidfs's pidfds and, with --kernel, on the host
 * kernel's pidfds of real children, so the two can be read side by side.
 *
 *   src/pidfs -f MNT &
 *   examples/pidfd-wait MNT 5          # 5 pidfs tasks, MNT/<pid>/pidfd
 *   examples/pidfd-wait --kernel 5     # 5 real children, pidfd_open()
 *
 * Task i (0-based) exits with status i + 1, last one first, 20 ms apart
 * on a common clock: on pidfs a thread writes "kill CODE" to MNT/ctl, in the kernel
 * the child calls exit().  A real child is reaped with waitid(P_PIDFD)
 * when its pidfd turns readable, since the kernel keeps the exit status
 * in the pidfd from reap on; a pidfs task is killed (exit and reap).
 *
 * Expected output (pids differ; the order is the order of the exits):
 *
 *   pidfd-wait: waiting for 5 tasks on 5 pidfds (pidfs)
 *   task 6: exited with status 5 (wait status 1280)
 *   task 5: exited with status 4 (wait status 1024)
 *   task 4: exited with status 3 (wait status 768)
 *   task 3: exited with status 2 (wait status 512)
 *   task 2: exited with status 1 (wait status 256)
 *   pidfd-wait: 5 of 5 exits seen
 *
 * Exit status: 0 when every exit was seen, 1 otherwise, 2 for usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfs/pidfd.h"

#define STEP_NS 20000000L /* between two exits */
#define TIMEOUT_MS 10000 /* a wait that sees nothing */

struct tasks {
	const char *mnt; /* NULL: real children */
	int n;
	pid_t *pids;
	int *fds;
};

static struct timespec start; /* CLOCK_MONOTONIC, before any task */

/* Sleep until @steps steps after start. */
static void sleep_until_step(int steps)
{
	struct timespec ts = start;
	long long ns = ts.tv_nsec + (long long)steps * STEP_NS;

	ts.tv_sec += (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
		;
}

/* One ctl command; the number it replies into *@nr if wanted. */
static int ctl(const char *mnt, const char *cmd, long *nr)
{
	char path[4096], reply[64];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/ctl", mnt);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (pwrite(fd, cmd, strlen(cmd), 0) < 0)
		err = errno;
	n = pread(fd, reply, sizeof(reply) - 1, 0);
	close(fd);
	reply[n > 0 ? n : 0] = '\0';
	if (nr)
		*nr = strtol(reply, NULL, 10);
	return err;
}

/* pidfs: a thread ends the tasks, last first, with status i + 1. */
static void *pidfs_reaper(void *arg)
{
	struct tasks *t = arg;
	char cmd[64];

	for (int i = t->n - 1; i >= 0; i--) {
		sleep_until_step(t->n - i);
		snprintf(cmd, sizeof(cmd), "kill %d %d", t->pids[i], i + 1);
		ctl(t->mnt, cmd, NULL);
	}
	return NULL;
}

static int start_pidfs(struct tasks *t, pthread_t *thr)
{
	char path[4096];
	long nr;

	for (int i = 0; i < t->n; i++) {
		if (ctl(t->mnt, "fork 1 waited", &nr) || nr <= 0)
			return -1;
		t->pids[i] = (pid_t)nr;
		snprintf(path, sizeof(path), "%s/%ld/pidfd", t->mnt, nr);
		t->fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (t->fds[i] < 0) {
			perror(path);
			return -1;
		}
	}
	return pthread_create(thr, NULL, pidfs_reaper, t) ? -1 : 0;
}

/* Real children: child i sleeps (n - i) steps, then exits with i + 1. */
static int start_kernel(struct tasks *t)
{
	for (int i = 0; i < t->n; i++) {
		t->pids[i] = fork();
		if (t->pids[i] < 0)
			return -1;
		if (!t->pids[i]) {
			sleep_until_step(t->n - i);
			_exit(i + 1);
		}
		t->fds[i] = (int)syscall(SYS_pidfd_open, t->pids[i], 0);
		if (t->fds[i] < 0) {
			perror("pidfd_open");
			return -1;
		}
	}
	return 0;
}

/* The loop both kinds share. */
static int wait_all(struct tasks *t)
{
	struct epoll_event ev, evs[64];
	int ep = epoll_create1(EPOLL_CLOEXEC), seen = 0;

	for (int i = 0; i < t->n; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, t->fds[i], &ev)) {
			perror("epoll_ctl");
			return -1;
		}
	}
	while (seen < t->n) {
		int r = epoll_wait(ep, evs, 64, TIMEOUT_MS);

		if (r <= 0)
			break;
		for (int k = 0; k < r; k++) {
			int i = (int)evs[k].data.u32;
			struct pidfd_info info = { .mask = PIDFD_INFO_EXIT };
			siginfo_t si;

			/* a real child: reap it, its pidfd keeps the status */
			if (!t->mnt)
				waitid(P_PIDFD, (id_t)t->fds[i], &si, WEXITED);
			if (ioctl(t->fds[i], PIDFD_GET_INFO, &info) ||
			    !(info.mask & PIDFD_INFO_EXIT)) {
				printf("task %d: readable, but no exit status"
				       " (%s)\n",
				       t->pids[i], strerror(errno));
			} else {
				printf("task %d: exited with status %d (wait "
				       "status %d)\n",
				       t->pids[i], WEXITSTATUS(info.exit_code),
				       info.exit_code);
			}
			epoll_ctl(ep, EPOLL_CTL_DEL, t->fds[i], NULL);
			seen++;
		}
	}
	close(ep);
	return seen;
}

int main(int argc, char **argv)
{
	struct tasks t = { 0 };
	pthread_t thr;
	int seen;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MNT N | --kernel N\n", argv[0]);
		return 2;
	}
	t.mnt = strcmp(argv[1], "--kernel") ? argv[1] : NULL;
	t.n = atoi(argv[2]);
	if (t.n <= 0 || t.n > 10000) {
		fprintf(stderr, "pidfd-wait: N is 1 .. 10000\n");
		return 2;
	}
	t.pids = calloc((size_t)t.n, sizeof(*t.pids));
	t.fds = calloc((size_t)t.n, sizeof(*t.fds));
	if (!t.pids || !t.fds)
		return 1;
	/* the first exit comes one step after the last task started */
	clock_gettime(CLOCK_MONOTONIC, &start);
	start.tv_nsec += (long)t.n * 1000000; /* a millisecond a task */
	start.tv_sec += start.tv_nsec / 1000000000;
	start.tv_nsec %= 1000000000;
	if (t.mnt ? start_pidfs(&t, &thr) : start_kernel(&t)) {
		fprintf(stderr, "pidfd-wait: could not start the tasks\n");
		return 1;
	}
	printf("pidfd-wait: waiting for %d tasks on %d pidfds (%s)\n", t.n, t.n,
	       t.mnt ? "pidfs" : "kernel");
	fflush(stdout);
	seen = wait_all(&t);
	if (t.mnt)
		pthread_join(thr, NULL);
	printf("pidfd-wait: %d of %d exits seen\n", seen, t.n);
	for (int i = 0; i < t.n; i++)
		close(t.fds[i]);
	free(t.pids);
	free(t.fds);
	return seen == t.n ? 0 : 1;
}
