// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wraparound: what an open /proc file reads once its process's number
 * has been given to another process.
 *
 * The second problem of the pidhash patch's commit message: a reference
 * that keeps only a pid_t silently points at whatever process has the
 * number now.  A reference to struct pid cannot: the old struct pid stays
 * distinct from the new one that reuses its number, and once its task is
 * gone every use fails with ESRCH.
 *
 * Against a mounted pidfs, wraparound forks a "victim" task through ctl,
 * opens MNT/<victim>/status and reads it, kills the victim, then forks
 * and kills tasks until the victim's number is handed out again, to a
 * live task named "impostor", and reads the old fd again.  It also holds
 * the victim's pidfd (MNT/<victim>/pidfd) open from before the kill, and
 * writes "kill" through that old handle once the impostor has the number:
 * the race pidfds were made to close.  Numbers below
 * 300 are handed out only on the first pass, as in Linux, so the victim is
 * chosen at 300 or above.  A small pid_max keeps the wait short.
 *
 *   src/pidfs -f -o pin=nr,pid_max=1000 MNT &
 *   examples/wraparound -m nr MNT
 *
 *   -m NAME   the model's name in the verdict line (default: none)
 *   -s FILE   write the result as key=value lines
 *   -t SECS   how long to wait for the pins to go at the end (default 10)
 *
 * Expected output with pid_max=1000 (the first two lines are the same in
 * every model, the impostor's PidSerial included: the old file's
 * reference does not hide the new task's directory), then one verdict
 * line per model (each line of output folded here to fit):
 *
 *   wraparound: pid_max 1000; victim 300 "victim" (PidSerial 300),
 *     300/status open
 *   wraparound: killed 300; 700 forks later 300 is "impostor"
 *     (PidSerial 1000)
 *
 *   pid: the old fd fails ESRCH: safe
 *   task: the old fd fails ESRCH, 10240 bytes of task memory still
 *         charged: safe but costly
 *   nr: the old fd shows the new task's Name (impostor, PidSerial 1000):
 *       wrong task
 *
 * and the kill through the old pidfd handle, per model:
 *
 *   pid: kill through the old handle: ESRCH
 *   task: kill through the old handle: ESRCH
 *   nr: kill through the old handle: killed the impostor
 *
 * Exit status: 0 when the experiment ran to its verdict and cleaned up,
 * 1 otherwise, 2 for usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RESERVED_PIDS 300	/* numbers below are not reused: pid.c */

struct opts {
	const char *mnt;
	const char *model;
	const char *summary;
	long pin_timeout;
};

/*
 * One transaction on the open ctl file @fd; the reply's number in *@nr if
 * @nr.  Returns 0 or the command's positive errno.
 */
static int ctl(int fd, long *nr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ctl(int fd, long *nr, const char *fmt, ...)
{
	char cmd[128], reply[64];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (pwrite(fd, cmd, strlen(cmd), 0) < 0)
		return errno;
	if (!nr)
		return 0;
	n = pread(fd, reply, sizeof(reply) - 1, 0);
	if (n < 0)
		return errno;
	reply[n] = '\0';
	*nr = strtol(reply, NULL, 10);
	return *nr > 0 ? 0 : EPROTO;
}

/*
 * A fork that waits for memory: a killed task's memory comes back a grace
 * period after the kill, so on a small zone a fast fork/kill loop can
 * briefly find it full.  Retry for up to 5 s before giving up.
 */
static int ctl_fork(int fd, long *nr, const char *name)
{
	int err;

	for (int tries = 0; tries < 500; tries++) {
		err = ctl(fd, nr, "fork 1 %s\n", name);
		if (err != ENOMEM && err != EAGAIN)
			break;
		usleep(10000);
	}
	return err;
}

/* The number after "@key" (e.g. "Name:", "LowFree:") in @buf, or -1. */
static long field_long(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The word after "@key" in @buf into @out ("" when absent). */
static void field_word(const char *buf, const char *key, char *out, size_t size)
{
	const char *p = strstr(buf, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, " \t");
	n = strcspn(p, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Read the whole of MNT/@name into @buf. */
static int read_file(const char *mnt, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", mnt, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		err = errno;
	else
		buf[n] = '\0';
	close(fd);
	return err;
}

static long meminfo(const char *mnt, const char *key)
{
	char buf[4096], k[64];

	if (read_file(mnt, "meminfo", buf, sizeof(buf)))
		return -1;
	snprintf(k, sizeof(k), "\n%s:", key);
	return field_long(buf, k);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	char *end;
	int opt;

	*o = (struct opts){ .pin_timeout = 10 };
	while ((opt = getopt(argc, argv, "hm:s:t:")) != -1) {
		switch (opt) {
		case 'm':
			o->model = optarg;
			break;
		case 's':
			o->summary = optarg;
			break;
		case 't':
			o->pin_timeout = strtol(optarg, &end, 10);
			if (*end || o->pin_timeout < 0)
				return -1;
			break;
		case 'h':
			printf("usage: %s [-m MODEL] [-s SUMMARY] [-t SECONDS] "
			       "MOUNTPOINT\n",
			       argv[0]);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	o->mnt = argv[optind];
	return 0;
}

static int pins_gone(const char *mnt, long timeout)
{
	struct timespec tick = { 0, 50000000L };
	time_t end = time(NULL) + timeout;

	for (;;) {
		if (meminfo(mnt, "TaskStructsPinned") == 0 &&
		    meminfo(mnt, "PidStructsPinned") == 0 &&
		    meminfo(mnt, "KernelRefs") == 0)
			return 1;
		if (time(NULL) > end)
			return 0;
		nanosleep(&tick, NULL);
	}
}

int main(int argc, char **argv)
{
	char buf[8192], path[PATH_MAX], name[64] = "", old_name[64];
	long pid_max, victim = 0, nr, impostor = 0, forks = 0;
	long old_serial, new_serial = -1, read_serial = -1;
	long tasks_pinned, charged = 0;
	const char *verdict, *result, *handle_kill;
	int cfd, fd, pfd, err, read_err = 0, rc = 1;
	struct opts o;
	FILE *f;
	ssize_t n;

	if (parse_args(argc, argv, &o)) {
		fprintf(stderr,
			"usage: %s [-m MODEL] [-s SUMMARY] [-t SECONDS] "
			"MOUNTPOINT\n",
			argv[0]);
		return 2;
	}
	err = read_file(o.mnt, "sys/kernel/pid_max", buf, sizeof(buf));
	if (err) {
		fprintf(stderr, "wraparound: %s/sys/kernel/pid_max: %s\n",
			o.mnt, strerror(err));
		return 1;
	}
	pid_max = strtol(buf, NULL, 10);
	if (pid_max <= RESERVED_PIDS + 1) {
		fprintf(stderr,
			"wraparound: pid_max %ld: numbers below %d are never "
			"reused\n",
			pid_max, RESERVED_PIDS);
		return 1;
	}

	snprintf(path, sizeof(path), "%s/ctl", o.mnt);
	cfd = open(path, O_RDWR | O_CLOEXEC);
	if (cfd < 0) {
		perror(path);
		return 1;
	}

	/* A victim whose number will come round again. */
	for (forks = 0; forks <= pid_max; forks++) {
		err = ctl_fork(cfd, &victim, "victim");
		if (err)
			goto ctl_failed;
		if (victim >= RESERVED_PIDS)
			break;
		err = ctl(cfd, NULL, "kill %ld\n", victim);
		if (err)
			goto ctl_failed;
	}
	if (victim < RESERVED_PIDS) {
		fprintf(stderr, "wraparound: no pid above %d handed out\n",
			RESERVED_PIDS);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%ld/status", o.mnt, victim);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		perror(path);
		return 1;
	}
	buf[n] = '\0';
	snprintf(path, sizeof(path), "%s/%ld/pidfd", o.mnt, victim);
	pfd = open(path, O_WRONLY | O_CLOEXEC);
	if (pfd < 0) {
		perror(path);
		return 1;
	}
	field_word(buf, "Name:", old_name, sizeof(old_name));
	old_serial = field_long(buf, "PidSerial:");
	printf("wraparound: pid_max %ld; victim %ld \"%s\" (PidSerial %ld), "
	       "%ld/status open\n",
	       pid_max, victim, old_name, old_serial, victim);

	/* Kill it, keeping the file; go round until its number is reused. */
	err = ctl(cfd, NULL, "kill %ld\n", victim);
	if (err)
		goto ctl_failed;
	for (forks = 1; forks <= pid_max; forks++) {
		err = ctl_fork(cfd, &nr, "impostor");
		if (err)
			goto ctl_failed;
		if (nr == victim) {
			impostor = nr;
			break;
		}
		err = ctl(cfd, NULL, "kill %ld\n", nr);
		if (err)
			goto ctl_failed;
	}
	if (!impostor) {
		fprintf(stderr,
			"wraparound: %ld never came back in %ld forks\n",
			victim, pid_max);
		return 1;
	}
	snprintf(path, sizeof(path), "%ld/status", impostor);
	if (!read_file(o.mnt, path, buf, sizeof(buf)))
		new_serial = field_long(buf, "PidSerial:");
	printf("wraparound: killed %ld; %ld forks later %ld is \"impostor\"",
	       victim, forks, impostor);
	if (new_serial >= 0)
		printf(" (PidSerial %ld)", new_serial);
	printf("\n");

	/* The question: what does the old file say now? */
	tasks_pinned = meminfo(o.mnt, "TaskStructsPinned");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		read_err = errno;
	} else {
		buf[n] = '\0';
		field_word(buf, "Name:", name, sizeof(name));
		read_serial = field_long(buf, "PidSerial:");
	}
	if (tasks_pinned > 0)
		charged = tasks_pinned * meminfo(o.mnt, "TaskStructSize");

	printf("%s%s", o.model ? o.model : "", o.model ? ": " : "");
	if (read_err == ESRCH && charged > 0) {
		verdict = "costly";
		result = "ESRCH";
		printf("the old fd fails ESRCH, %ld bytes of task memory "
		       "still charged: safe but costly\n",
		       charged);
	} else if (read_err == ESRCH) {
		verdict = "safe";
		result = "ESRCH";
		printf("the old fd fails ESRCH: safe\n");
	} else if (!read_err && strcmp(name, old_name)) {
		verdict = "wrong";
		result = "read";
		printf("the old fd shows the new task's Name (%s, PidSerial "
		       "%ld): wrong task\n",
		       name, read_serial);
	} else {
		verdict = "unexpected";
		result = read_err ? strerror(read_err) : "read";
		printf("the old fd: %s, Name \"%s\": unexpected\n", result,
		       name);
	}

	close(fd);

	/* And what a kill through the old pidfd handle reaches. */
	if (pwrite(pfd, "kill", 4, 0) == 4)
		handle_kill = "killed the impostor";
	else
		handle_kill = errno == ESRCH ? "ESRCH" : strerror(errno);
	close(pfd);
	printf("%s%skill through the old handle: %s\n", o.model ? o.model : "",
	       o.model ? ": " : "", handle_kill);
	err = ctl(cfd, NULL, "kill %ld\n", impostor);
	if (err && !(err == ESRCH && handle_kill[0] == 'k'))
		goto ctl_failed;
	close(cfd);
	rc = pins_gone(o.mnt, o.pin_timeout) ? 0 : 1;
	if (rc)
		fprintf(stderr, "wraparound: pins still held after %ld s\n",
			o.pin_timeout);
	if (!strcmp(verdict, "unexpected"))
		rc = 1;

	if (o.summary) {
		f = fopen(o.summary, "we");
		if (!f) {
			perror(o.summary);
			return 1;
		}
		fprintf(f, "model=%s\n", o.model ? o.model : "");
		fprintf(f, "pid_max=%ld\nvictim=%ld\n", pid_max, victim);
		fprintf(f, "victim_serial=%ld\nimpostor_serial=%ld\n",
			old_serial, new_serial);
		fprintf(f, "forks_to_reuse=%ld\n", forks);
		fprintf(f, "old_fd_read=%s\nold_fd_name=%s\n", result, name);
		fprintf(f, "old_fd_serial=%ld\n", read_serial);
		fprintf(f, "tasks_pinned_while_open=%ld\n", tasks_pinned);
		fprintf(f, "bytes_charged_while_open=%ld\n", charged);
		fprintf(f, "verdict=%s\n", verdict);
		fprintf(f, "old_handle_kill=%s\n", handle_kill);
		fprintf(f, "released=%s\n", rc ? "no" : "yes");
		if (fclose(f)) {
			perror(o.summary);
			return 1;
		}
	}
	return rc;

ctl_failed:
	fprintf(stderr, "wraparound: ctl: %s\n", strerror(err));
	return 1;
}
