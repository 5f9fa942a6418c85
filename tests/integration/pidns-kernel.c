// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ask this machine's kernel what pid namespaces do, in the words
 * test-pidns-kernel.sh asks the model: one line per question, numbers
 * only (errno values, 0 for success), so that the two answers compare
 * with diff.
 *
 *   levels N                  NSpid's numbers at the deepest level reached
 *                             by unshare(CLONE_NEWPID) + fork from here
 *   unshare-deepest E         unshare(CLONE_NEWPID) there: its errno
 *   unshare-twice E           a second unshare without a fork between
 *   thread-after-unshare E    pthread_create() after unshare
 *   fork-after-init-exit E    fork into a namespace whose init is a zombie
 *   fork-after-init-reap E    the same once it is reaped
 *   zapped E E                kill(0) of a task of that namespace and of
 *                             one a namespace below, after its init died
 *
 * Needs root in the initial pid namespace (the model's numbers start
 * there); exits 77 otherwise.  Every process it makes is reaped before it
 * exits.
 *
 *   tests/integration/pidns-kernel
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_PID_NS "pid:[4026531836]"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Wait for @pid and pass on its exit status (1 if it did not exit). */
static int wait_exit(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* Run @fn in a child and wait for it: every question in its own process. */
static int in_child(int (*fn)(void))
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		int rc = fn();

		fflush(stdout);
		_exit(rc);
	}
	return wait_exit(pid);
}

/* How many numbers /proc/self/status's NSpid line holds. */
static int nspid_count(void)
{
	char line[1024];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save;

		if (strncmp(line, "NSpid:", 6))
			continue;
		n = 0;
		for (tok = strtok_r(line + 6, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			n++;
	}
	fclose(f);
	return n;
}

/*
 * unshare + fork until unshare fails; the deepest process prints.  Each
 * process in the chain is the init of its namespace and waits for the
 * next.
 */
static int nest(void)
{
	for (;;) {
		pid_t child;

		if (unshare(CLONE_NEWPID)) {
			printf("levels %d\nunshare-deepest %d\n", nspid_count(),
			       errno);
			return 0;
		}
		fflush(stdout);
		child = fork();
		if (child < 0)
			die("fork");
		if (child)
			return wait_exit(child);
	}
}

static int unshare_twice(void)
{
	int err = 0;

	if (unshare(CLONE_NEWPID))
		die("unshare");
	if (unshare(CLONE_NEWPID))
		err = errno;
	printf("unshare-twice %d\n", err);
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int thread_after_unshare(void)
{
	pthread_t t;
	int err;

	if (unshare(CLONE_NEWPID))
		die("unshare");
	err = pthread_create(&t, NULL, thread_fn, NULL);
	if (!err)
		pthread_join(t, NULL);
	printf("thread-after-unshare %d\n", err);
	return 0;
}

/* unshare(CLONE_NEWPID) and fork: the child is the new namespace's init. */
static pid_t unshare_fork(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		die("unshare");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

/* fork() from the unsharer: 0 (and the child reaped) or its errno. */
static int try_fork(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid)
		_exit(0);
	if (pid < 0)
		return errno;
	wait_exit(pid);
	return 0;
}

static int dead_init(void)
{
	siginfo_t si;
	pid_t init = unshare_fork();

	if (!init)
		_exit(0);
	/* a zombie, not yet reaped */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)init, &si, WEXITED | WNOWAIT))
		die("waitid");
	printf("fork-after-init-exit %d\n", try_fork());
	wait_exit(init);
	printf("fork-after-init-reap %d\n", try_fork());
	return 0;
}

/* This process's number in the initial namespace: /proc is the host's. */
static pid_t global_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		die("readlink /proc/self");
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

/*
 * The init forks A; A unshares and forks B, a namespace below.  Both
 * report their global numbers and wait; the init is killed; once it is
 * reaped, both are gone.
 */
static int zap(void)
{
	pid_t init, nrs[2];
	int fds[2];

	if (pipe(fds))
		die("pipe");
	init = unshare_fork();
	if (!init) {
		pid_t a = fork();

		if (a < 0)
			_exit(1);
		if (!a) {
			pid_t me = global_pid(), b;

			if (unshare(CLONE_NEWPID))
				_exit(1);
			b = fork();
			if (b < 0)
				_exit(1);
			if (!b) {
				me = global_pid();
				if (write(fds[1], &me, sizeof(me)) < 0)
					_exit(1);
				for (;;)
					pause();
			}
			if (write(fds[1], &me, sizeof(me)) < 0)
				_exit(1);
			for (;;)
				pause();
		}
		for (;;)
			pause();
	}
	close(fds[1]);
	for (int i = 0; i < 2; i++)
		if (read(fds[0], &nrs[i], sizeof(nrs[i])) != sizeof(nrs[i]))
			die("read");
	close(fds[0]);
	kill(init, SIGKILL);
	wait_exit(init);
	printf("zapped %d %d\n", kill(nrs[0], 0) ? errno : 0,
	       kill(nrs[1], 0) ? errno : 0);
	return 0;
}

int main(void)
{
	char ns[64];
	ssize_t n;
	int rc = 0;

	n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	if (n < 0 || geteuid()) {
		fprintf(stderr, "pidns-kernel: needs root\n");
		return 77;
	}
	ns[n] = '\0';
	if (strcmp(ns, INIT_PID_NS)) {
		fprintf(stderr,
			"pidns-kernel: not in the initial pid namespace\n");
		return 77;
	}
	rc |= in_child(nest);
	rc |= in_child(unshare_twice);
	rc |= in_child(thread_after_unshare);
	rc |= in_child(dead_init);
	rc |= in_child(zap);
	return rc;
}
