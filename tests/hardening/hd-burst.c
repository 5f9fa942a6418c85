// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hd-burst: many threads reading a pidfs tree at once, for the hardening
 * tests: a burst of parallel requests to count the daemon's threads under,
 * and readers to kill in the middle of their requests.
 *
 *   hd-burst THREADS SECONDS PATH...
 *
 * Each of THREADS threads loops over the PATHs until SECONDS have passed
 * (0: until killed).  A PATH that names a directory is listed, and every
 * numeric entry of it read as a task: <n>/stat, <n>/status and
 * <n>/task/<n>/stat, each a lookup of a name the kernel may not have
 * cached; any other PATH is stat(2)ed and read whole, each of which asks
 * the daemon again when the file is one it renders afresh (meminfo).
 * Failures are expected (tasks die under a reader) and only counted.
 * SIGURG interrupts a request and nothing else (its handler does nothing,
 * without SA_RESTART), so a storm of it makes the kernel send
 * FUSE_INTERRUPT for requests in flight; SIGURG rather than SIGUSR1 since
 * its default action, before the handler is in place, is to be ignored.
 *
 * Prints "<operations> <failures>" when the time is up.  Exit status 0,
 * 64 for a usage error.
 *
 *   $ hd-burst 32 2 /mnt/pidfs/meminfo
 *   412345 0
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/readall.h"

#define MAX_THREADS	256

static char **paths;
static int npaths;
static double deadline;			/* CLOCK_MONOTONIC seconds; 0: none */
static unsigned long total_ops;		/* ATOMIC */
static unsigned long total_fails;	/* ATOMIC */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void scan_dir(const char *dir, unsigned long *ops, unsigned long *fails)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		(*fails)++;
		return;
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name;

		if (name[0] < '1' || name[0] > '9')
			continue;
		for (int i = 0; i < 3; i++) {
			if (i == 0)
				snprintf(path, sizeof(path), "%s/%s/stat", dir,
					 name);
			else if (i == 1)
				snprintf(path, sizeof(path), "%s/%s/status",
					 dir, name);
			else
				snprintf(path, sizeof(path),
					 "%s/%s/task/%s/stat", dir, name, name);
			(*ops)++;
			if (read_all(path))
				(*fails)++;
		}
	}
	closedir(d);
}

static void *reader(void *arg)
{
	unsigned long ops = 0, fails = 0;
	struct stat st;

	(void)arg;
	do {
		for (int i = 0; i < npaths; i++) {
			if (stat(paths[i], &st)) {
				ops++;
				fails++;
			} else if (S_ISDIR(st.st_mode)) {
				scan_dir(paths[i], &ops, &fails);
			} else {
				ops++;
				if (read_all(paths[i]))
					fails++;
			}
		}
	} while (!deadline || now() < deadline);
	__atomic_fetch_add(&total_ops, ops, __ATOMIC_RELAXED);
	__atomic_fetch_add(&total_fails, fails, __ATOMIC_RELAXED);
	return NULL;
}

static void on_urg(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_urg };
	pthread_t th[MAX_THREADS];
	int nthreads;
	double secs;

	if (argc < 4) {
		fprintf(stderr, "usage: hd-burst THREADS SECONDS PATH...\n");
		return 64;
	}
	nthreads = atoi(argv[1]);
	secs = atof(argv[2]);
	if (nthreads < 1 || nthreads > MAX_THREADS || secs < 0) {
		fprintf(stderr, "hd-burst: 1..%d threads, SECONDS >= 0\n",
			MAX_THREADS);
		return 64;
	}
	paths = argv + 3;
	npaths = argc - 3;
	deadline = secs > 0 ? now() + secs : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGURG, &sa, NULL);

	for (int i = 0; i < nthreads; i++) {
		int err = pthread_create(&th[i], NULL, reader, NULL);

		if (err) {
			fprintf(stderr, "hd-burst: thread %d: %s\n", i,
				strerror(err));
			nthreads = i;
			break;
		}
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	printf("%lu %lu\n", total_ops, total_fails);
	return 0;
}
