// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hd-race: the read races of a mounted pidfs, counted.
 *
 *   hd-race ctlshare MNT SECONDS
 *	Two threads share one open ctl file: one alternates two commands
 *	with pwrite at offset 0 ("exec 1 init" with a long argument, which
 *	succeeds with an empty reply, and "setsid 1", which fails EPERM
 *	with an error reply), the other preads the reply at offset 0.
 *	Every reply read must be one of the two whole replies.
 *   hd-race torn MNT PID SECONDS
 *	One thread renames task PID through ctl ("exec PID a" and "exec PID
 *	abcdefghijklmno", so that status changes size), others pread
 *	/PID/status whole: every read must be exactly one of the two
 *	renderings, read at rest before the race.
 *   hd-race mmapwrite MNT PID
 *	Open /PID/status for writing (root passes the 0444 check), write
 *	"EVIL" through a shared mapping and msync it (pidfs refuses the
 *	write); then /PID/status, opened anew, must not show it.  With -o
 *	exact the open itself is refused, which passes too.
 *   hd-race dirseek DIR OFFSET
 *	Seek directory DIR to OFFSET and list it: an offset past every
 *	entry must list nothing (exit 1 when it lists something).
 *
 * Prints one line of counts.  Exit status: 0 when every read was whole
 * (ctlshare, torn) or nothing refused stayed visible (mmapwrite), 1 when
 * not, 2 for usage or a system call that failed.  Run it against a mount
 * with -o exact to check that mode's promise; in the default cached mode
 * tests run it with -c (count only, exit 0) to measure.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *mnt;
static bool stop;	/* ATOMIC: set by the main thread when time is up */
static bool count_only;

static void die(const char *what)
{
	fprintf(stderr, "hd-race: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int open_at(const char *rel, int flags)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", mnt, rel);
	fd = open(path, flags);
	if (fd < 0)
		die(path);
	return fd;
}

/* One control transaction on a fresh ctl file; the command must succeed. */
static void ctl(const char *cmd)
{
	int fd = open_at("ctl", O_RDWR);

	if (pwrite(fd, cmd, strlen(cmd), 0) < 0)
		die(cmd);
	close(fd);
}

/* The whole content of @rel, read at rest, into @buf. */
static size_t slurp(const char *rel, char *buf, size_t size)
{
	int fd = open_at(rel, O_RDONLY);
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		die(rel);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- ctlshare --------------------------------------------------------- */

static int ctl_fd;
static char cmd_exec[4096];
static const char cmd_setsid[] = "setsid 1";
static char reply_err[256];	/* setsid 1's error reply, read at rest */

static void *ctl_writer(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++) {
		const char *c = (i & 1) ? cmd_setsid : cmd_exec;

		/* setsid fails (EPERM), as it must: its reply is the error */
		(void)!pwrite(ctl_fd, c, strlen(c), 0);
	}
	return NULL;
}

static int ctlshare(double seconds)
{
	unsigned long reads = 0, bad = 0;
	pthread_t w;
	char buf[8192];
	double end;
	int fd;

	/* exec's long argument makes the command longer than any reply */
	snprintf(cmd_exec, sizeof(cmd_exec), "exec 1 init %0*d", 3000, 0);
	fd = open_at("ctl", O_RDWR);
	/* init may lead no session yet (2.6.17): the first one makes it */
	(void)!pwrite(fd, cmd_setsid, strlen(cmd_setsid), 0);
	if (pwrite(fd, cmd_setsid, strlen(cmd_setsid), 0) >= 0 ||
	    errno != EPERM) {
		fprintf(stderr, "hd-race: setsid 1 did not fail EPERM\n");
		return 2;
	}
	if (pread(fd, reply_err, sizeof(reply_err) - 1, 0) <= 0)
		die("read the error reply");
	close(fd);

	ctl_fd = open_at("ctl", O_RDWR);
	if (pthread_create(&w, NULL, ctl_writer, NULL))
		die("pthread_create");
	for (end = now() + seconds; now() < end; reads++) {
		ssize_t n = pread(ctl_fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			die("pread ctl");
		buf[n] = '\0';
		if (n && strcmp(buf, reply_err)) {
			if (bad++ < 3)
				fprintf(stderr, "hd-race: mixed reply (%zd bytes): %.60s\n",
					n, buf);
		}
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	pthread_join(w, NULL);
	close(ctl_fd);
	printf("ctlshare: %lu replies read, %lu not whole\n", reads, bad);
	return bad && !count_only;
}

/* ---- torn ------------------------------------------------------------- */

static char path_status[64], cmd_a[64], cmd_b[64];
static char text_a[8192], text_b[8192];
static unsigned long torn_reads, torn_bad;
static pthread_mutex_t torn_lock = PTHREAD_MUTEX_INITIALIZER;

static void *torn_writer(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++)
		ctl(i & 1 ? cmd_a : cmd_b);
	return NULL;
}

static void *torn_reader(void *arg)
{
	int fd = open_at(path_status, O_RDONLY);
	unsigned long reads = 0, bad = 0;
	char buf[8192];

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			die("pread status");
		buf[n] = '\0';
		reads++;
		if (strcmp(buf, text_a) && strcmp(buf, text_b))
			bad++;
	}
	close(fd);
	pthread_mutex_lock(&torn_lock);
	torn_reads += reads;
	torn_bad += bad;
	pthread_mutex_unlock(&torn_lock);
	return NULL;
}

static int torn(int pid, double seconds)
{
	pthread_t w, r[3];

	snprintf(path_status, sizeof(path_status), "%d/status", pid);
	snprintf(cmd_a, sizeof(cmd_a), "exec %d a", pid);
	snprintf(cmd_b, sizeof(cmd_b), "exec %d abcdefghijklmno", pid);
	ctl(cmd_a);
	slurp(path_status, text_a, sizeof(text_a));
	ctl(cmd_b);
	slurp(path_status, text_b, sizeof(text_b));
	if (!strcmp(text_a, text_b)) {
		fprintf(stderr, "hd-race: exec did not change status\n");
		return 2;
	}
	if (pthread_create(&w, NULL, torn_writer, NULL))
		die("pthread_create");
	for (int i = 0; i < 3; i++)
		if (pthread_create(&r[i], NULL, torn_reader, NULL))
			die("pthread_create");
	usleep((useconds_t)(seconds * 1e6));
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	pthread_join(w, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(r[i], NULL);
	printf("torn: %lu reads, %lu not one whole rendering\n", torn_reads,
	       torn_bad);
	return torn_bad && !count_only;
}

/* ---- mmapwrite -------------------------------------------------------- */

static int mmapwrite(int pid)
{
	char rel[64], path[4096], before[8192], after[8192];
	int fd, synced;
	char *p;

	snprintf(rel, sizeof(rel), "%d/status", pid);
	slurp(rel, before, sizeof(before));
	snprintf(path, sizeof(path), "%s/%s", mnt, rel);
	fd = open(path, O_RDWR);
	if (fd < 0 && errno == EACCES) {
		/* -o exact refuses the open itself: nothing can be written */
		printf("mmapwrite: open for writing refused (%s)\n",
		       strerror(errno));
		return 0;
	}
	if (fd < 0)
		die(path);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	memcpy(p, "EVIL", 4);
	synced = msync(p, 4096, MS_SYNC);
	munmap(p, 4096);
	close(fd);
	if (!synced) {
		fprintf(stderr, "hd-race: msync of a refused write succeeded\n");
		return 1;
	}
	/* The refusal's invalidation runs after the reply: wait for it. */
	for (int i = 0; i < 100; i++) {
		slurp(rel, after, sizeof(after));
		if (!strcmp(after, before))
			break;
		usleep(20000);
	}
	printf("mmapwrite: msync refused (%s); status afterwards %s\n",
	       strerror(errno), strcmp(after, before) ? "CHANGED" : "intact");
	return strcmp(after, before) != 0;
}

/* ---- dirseek ---------------------------------------------------------- */

/* Entries getdents64(2) returns from directory MNT after a seek to @off. */
static int dirseek(const char *off_text)
{
	long long off = strtoll(off_text, NULL, 0);
	char buf[65536];
	long n, entries = 0;
	int fd = open(mnt, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		die(mnt);
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		die("lseek");
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n;) {
			unsigned short reclen;

			/* struct linux_dirent64: ino, off, reclen, ... */
			memcpy(&reclen, buf + i + 16, sizeof(reclen));
			entries++;
			i += reclen;
		}
	}
	if (n < 0)
		die("getdents64");
	close(fd);
	printf("dirseek: %ld entries after offset %lld\n", entries, off);
	return entries != 0;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "c")) != -1) {
		if (opt != 'c')
			goto usage;
		count_only = true;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 3)
		goto usage;
	mnt = argv[2];
	if (!strcmp(argv[1], "ctlshare") && argc == 4)
		return ctlshare(atof(argv[3]));
	if (!strcmp(argv[1], "torn") && argc == 5)
		return torn(atoi(argv[3]), atof(argv[4]));
	if (!strcmp(argv[1], "mmapwrite") && argc == 4)
		return mmapwrite(atoi(argv[3]));
	if (!strcmp(argv[1], "dirseek") && argc == 4)
		return dirseek(argv[3]);
usage:
	fprintf(stderr, "usage: hd-race [-c] ctlshare MNT SECONDS\n"
			"       hd-race [-c] torn MNT PID SECONDS\n"
			"       hd-race mmapwrite MNT PID\n"
			"       hd-race dirseek DIR OFFSET\n");
	return 2;
}
