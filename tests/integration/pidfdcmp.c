// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs each step on a real pidfd (pidfd_open() on a real child) and on a
 * pidfs pidfd (MNT/<pid>/pidfd of a task made through MNT/ctl), prints
 * both answers side by side, and exits 1 if they differ where they must
 * not.  The one difference allowed: pidfs has no cgroups, so it never
 * sets PIDFD_INFO_CGROUPID; masks are compared without that bit.
 *
 *   pidfdcmp MNT compare     poll masks and PIDFD_GET_INFO, alive, zombie,
 *                            reaped; a blocking poll woken by exit
 *   pidfdcmp MNT epoll N     N pidfds of each kind in one epoll, every
 *                            task exits: every wakeup arrives
 *   pidfdcmp MNT poll PID    block in poll() on MNT/PID/pidfd (at most
 *                            BOUND_MS), then print the return and revents
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfs/pidfd.h"

#define POLL_ASK (POLLIN | POLLRDNORM | POLLPRI | POLLOUT)
#define BOUND_MS 10000 /* generous: a wakeup that never comes */

static const char *mnt;
static int failures;

static int ctl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One ctl command; returns the first number of its reply, or -errno. */
static int ctl(const char *fmt, ...)
{
	char path[4096], cmd[256], reply[4096];
	va_list ap;
	ssize_t n;
	int fd, ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/ctl", mnt);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pwrite(fd, cmd, strlen(cmd), 0) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	n = pread(fd, reply, sizeof(reply) - 1, 0);
	close(fd);
	reply[n > 0 ? n : 0] = '\0';
	return atoi(reply);
}

static int pidfs_pidfd(int pid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%d/pidfd", mnt, pid);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* A real child that exits with @code when its pipe is written. */
struct child {
	pid_t pid;
	int go; /* write end */
	int pidfd;
};

static void child_start(struct child *c, int code)
{
	int p[2];
	char b;

	if (pipe2(p, O_CLOEXEC))
		exit(2);
	c->pid = fork();
	if (c->pid < 0)
		exit(2);
	if (!c->pid) {
		close(p[1]);
		if (read(p[0], &b, 1) < 0)
			_exit(99);
		_exit(code);
	}
	close(p[0]);
	c->go = p[1];
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0) {
		perror("pidfd_open");
		exit(2);
	}
}

static void child_exit(struct child *c)
{
	siginfo_t si;

	if (write(c->go, "x", 1) != 1)
		exit(2);
	close(c->go);
	/* a zombie: waited for, not reaped */
	waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOWAIT);
}

static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLL_ASK };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* PIDFD_GET_INFO of @size bytes asking @mask: errno or 0 into *@err. */
static void get_info(int fd, uint64_t mask, size_t size, unsigned char *buf,
		     int *err)
{
	memset(buf, 0xaa, size);
	memcpy(buf, &mask, sizeof(mask));
	*err = ioctl(fd,
		     _IOC(_IOC_READ | _IOC_WRITE, PIDFS_IOCTL_MAGIC, 11, size),
		     buf) ?
		       errno :
		       0;
}

static void row(const char *state, const char *what, long long k, long long p,
		int must_match)
{
	const char *verdict = k == p	 ? "same" :
			      must_match ? "DIFFERS" :
					   "differs";

	printf("%-8s %-26s %12lld %12lld  %s\n", state, what, k, p, verdict);
	if (k != p && must_match)
		failures++;
}

/* Every answer of both pidfds in one state. */
static void compare(const char *state, struct child *c, int pfd, int ppid)
{
	unsigned char kb[100], pb[100];
	struct pidfd_info ki, pi;
	int ke, pe;

	row(state, "poll revents", poll_now(c->pidfd), poll_now(pfd), 1);

	get_info(c->pidfd, PIDFD_INFO_EXIT, sizeof(ki), kb, &ke);
	get_info(pfd, PIDFD_INFO_EXIT, sizeof(pi), pb, &pe);
	memcpy(&ki, kb, sizeof(ki));
	memcpy(&pi, pb, sizeof(pi));
	row(state, "GET_INFO(EXIT) errno", ke, pe, 1);
	row(state, "  mask & ~CGROUPID",
	    (long long)(ki.mask & ~PIDFD_INFO_CGROUPID),
	    (long long)(pi.mask & ~PIDFD_INFO_CGROUPID), 1);
	row(state, "  mask & CGROUPID",
	    (long long)(ki.mask & PIDFD_INFO_CGROUPID),
	    (long long)(pi.mask & PIDFD_INFO_CGROUPID), 0);
	row(state, "  exit_code", ki.exit_code, pi.exit_code, 1);
	row(state, "  pid is the task's", ki.pid == (uint32_t)c->pid,
	    pi.pid == (uint32_t)ppid, 1);
	row(state, "  tgid == pid", ki.tgid == ki.pid, pi.tgid == pi.pid, 1);
	row(state, "  ppid is the parent's",
	    ki.pid ? ki.ppid == (uint32_t)getpid() : 0,
	    pi.pid ? pi.ppid == 1 : 0, 1);
	row(state, "  ruid", ki.ruid, pi.ruid, 1);

	get_info(c->pidfd, 0, sizeof(ki), kb, &ke);
	get_info(pfd, 0, sizeof(pi), pb, &pe);
	row(state, "GET_INFO(0) errno", ke, pe, 1);

	get_info(c->pidfd, PIDFD_INFO_EXIT, 100, kb, &ke);
	get_info(pfd, PIDFD_INFO_EXIT, 100, pb, &pe);
	row(state, "GET_INFO 100 bytes errno", ke, pe, 1);
	row(state, "  byte 70 (beyond ours)", kb[70], pb[70], 1);

	get_info(c->pidfd, PIDFD_INFO_EXIT, 32, kb, &ke);
	get_info(pfd, PIDFD_INFO_EXIT, 32, pb, &pe);
	row(state, "GET_INFO 32 bytes errno", ke, pe, 1);
}

struct waiter {
	int fd;
	int ret;
	short revents;
};

static void *wait_poll(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };

	w->ret = poll(&p, 1, BOUND_MS);
	w->revents = p.revents;
	return NULL;
}

/* A poll blocked on each pidfd, woken by the task's exit. */
static void blocking(void)
{
	struct waiter kw, pw;
	pthread_t kt, pt;
	struct child c;
	int pid = ctl("fork");

	child_start(&c, 3);
	kw.fd = c.pidfd;
	pw.fd = pidfs_pidfd(pid);
	if (pid <= 0 || pw.fd < 0) {
		fprintf(stderr, "pidfs pidfd: %s\n", strerror(errno));
		exit(2);
	}
	pthread_create(&kt, NULL, wait_poll, &kw);
	pthread_create(&pt, NULL, wait_poll, &pw);
	usleep(100000); /* let both block; either order is right */
	child_exit(&c);
	ctl("exit %d 3", pid);
	pthread_join(kt, NULL);
	pthread_join(pt, NULL);
	row("blocked", "poll returned (1 = woken)", kw.ret, pw.ret, 1);
	row("blocked", "  revents", kw.revents, pw.revents, 1);
	waitpid(c.pid, NULL, 0);
	ctl("reap %d", pid);
	close(c.pidfd);
	close(pw.fd);
}

static int cmd_compare(void)
{
	struct child c;
	int pid, pfd;

	printf("%-8s %-26s %12s %12s\n", "state", "answer", "kernel", "pidfs");
	child_start(&c, 7);
	pid = ctl("fork");
	pfd = pid > 0 ? pidfs_pidfd(pid) : -1;
	if (pfd < 0) {
		fprintf(stderr, "pidfs pidfd of %d: %s\n", pid,
			strerror(errno));
		return 2;
	}
	compare("alive", &c, pfd, pid);
	child_exit(&c);
	ctl("exit %d 7", pid);
	compare("zombie", &c, pfd, pid);
	waitpid(c.pid, NULL, 0);
	ctl("reap %d", pid);
	compare("reaped", &c, pfd, pid);
	close(pfd);
	close(c.pidfd);
	blocking();
	printf("%d answers differ where they must not\n", failures);
	return failures ? 1 : 0;
}

/* @n pidfds in one epoll; end them all; count the wakeups. */
static int epoll_all(int *fds, int n, int (*end)(int i, void *arg), void *arg)
{
	struct epoll_event ev, *evs = calloc((size_t)n, sizeof(*evs));
	int ep = epoll_create1(EPOLL_CLOEXEC), got = 0;
	char *seen = calloc((size_t)n, 1);

	for (int i = 0; i < n; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev))
			return -errno;
	}
	for (int i = 0; i < n; i++)
		end(i, arg);
	while (got < n) {
		int r = epoll_wait(ep, evs, n, BOUND_MS);

		if (r <= 0)
			break;
		for (int i = 0; i < r; i++) {
			if (!seen[evs[i].data.u32]) {
				seen[evs[i].data.u32] = 1;
				got++;
			}
			epoll_ctl(ep, EPOLL_CTL_DEL, fds[evs[i].data.u32],
				  NULL);
		}
	}
	close(ep);
	free(evs);
	free(seen);
	return got;
}

static int end_child(int i, void *arg)
{
	struct child *c = arg;

	return kill(c[i].pid, SIGKILL);
}

static int end_task(int i, void *arg)
{
	int *pids = arg;

	return ctl("kill %d", pids[i]);
}

static int cmd_epoll(int n)
{
	struct child *c = calloc((size_t)n, sizeof(*c));
	int *kfds = calloc((size_t)n, sizeof(int));
	int *pfds = calloc((size_t)n, sizeof(int));
	int *pids = calloc((size_t)n, sizeof(int));
	int kgot, pgot;

	for (int i = 0; i < n; i++) {
		child_start(&c[i], 0);
		kfds[i] = c[i].pidfd;
		pids[i] = ctl("fork");
		pfds[i] = pids[i] > 0 ? pidfs_pidfd(pids[i]) : -1;
		if (pfds[i] < 0) {
			fprintf(stderr, "pidfd %d: %s\n", i, strerror(errno));
			return 2;
		}
	}
	kgot = epoll_all(kfds, n, end_child, c);
	pgot = epoll_all(pfds, n, end_task, pids);
	row("epoll", "wakeups delivered", kgot, pgot, 1);
	row("epoll", "  of", n, n, 1);
	for (int i = 0; i < n; i++) {
		waitpid(c[i].pid, NULL, 0);
		close(c[i].go);
		close(kfds[i]);
		close(pfds[i]);
	}
	if (kgot != n || pgot != n)
		failures++;
	free(c);
	free(kfds);
	free(pfds);
	free(pids);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s MNT compare | epoll N | poll PID\n",
			argv[0]);
		return 64;
	}
	mnt = argv[1];
	if (!strcmp(argv[2], "compare"))
		return cmd_compare();
	if (!strcmp(argv[2], "epoll") && argc == 4)
		return cmd_epoll(atoi(argv[3]));
	if (!strcmp(argv[2], "poll") && argc == 4) {
		struct waiter w = { .fd = pidfs_pidfd(atoi(argv[3])) };

		if (w.fd < 0)
			return 2;
		wait_poll(&w);
		printf("%d %#x\n", w.ret, w.revents);
		return w.ret == 1 ? 0 : 1;
	}
	return 64;
}
