// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn: readers of a pidfs tree against a writer that forks and kills.
 *
 *   churn [-k] MOUNTPOINT READERS ROUNDS
 *
 * Starts READERS reader processes, then writes ROUNDS rounds of commands
 * to MOUNTPOINT/ctl: each round forks a child of init named "w", execs it
 * as "n<pid>", gives it a thread, and kills the oldest of the last 4 such
 * tasks.  Meanwhile each reader lists the root and, for every pid listed,
 * opens the directory and reads through that one directory its status
 * (kept open to the end), stat, comm, cmdline, task/ listing, every
 * task/<tid>/status, status again, and the open status once more.
 *
 * What must hold, whatever the interleaving:
 *
 *  - the root lists only the global files and increasing pids, init too;
 *  - every file read is whole and well formed: status has Linux's keys in
 *    Linux's order and ends with PidSerial, stat has 52 fields;
 *  - every file is of the task that was opened: Pid and Tgid are the
 *    directory's number, the name is "init", "w" or "n<that number>", and
 *    every status read through one open directory or one open file has
 *    one PidSerial: what is open pins one struct pid, so after pid reuse
 *    it still names the old task (whose reads fail with ESRCH), never the
 *    new one;
 *  - a task that went away fails with ENOENT (lookup) or ESRCH (read),
 *    never anything else.
 *
 * The identity checks hold in the pid and task models; in the nr model
 * their failure is the bug (a directory opened before a pid was reused
 * reads the new task), so run churn on those two.
 *
 * -k counts, instead of checking, torn reads: reads during which an
 * exec changed the file.  pidfs renders a file at each READ request, not
 * once per open as proc's seq_file does, and the kernel caches its size;
 * so such a read is cut to the old size (a text file without its final
 * newline, a cmdline that is a strict prefix of the task's), or has old
 * bytes followed by new ones (the file grew between two read(2) calls,
 * which a file that does not change never needs: every task file fits in
 * one).
 *
 * Prints one line of counts; the first violation is printed with what was
 * read, and the exit status is 1.  Exit status 0 when every check held.
 *
 *   $ churn -k /mnt/pidfs 4 2000
 *   churn: 2000 rounds; 4 readers made 18630 checks (1290 of tasks gone,
 *   2 torn reads)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIVE_MAX	4		/* tasks the writer keeps alive */
#define READERS_MAX	64
#define LIST_MAX	4096		/* pids a reader checks per listing */
#define FILE_MAX	16384		/* bigger than any task file */
#define READY_WAIT_US	(10 * 1000 * 1000)

/* Shared by the writer and the readers (an anonymous shared mapping). */
struct shared {
	int ready;			/* ATOMIC: readers that have started */
	int done;			/* ATOMIC: the writer has finished */
	unsigned long checks;		/* ATOMIC */
	unsigned long gone;		/* ATOMIC */
	unsigned long torn;		/* ATOMIC: torn reads (-k) */
};

static struct shared *sh;
static const char *mnt;
static bool tolerate_torn;		/* -k */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "churn[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- reader ------------------------------------------------------------- */

/* Count a torn read, if -k tolerates them. */
static bool torn(void)
{
	if (!tolerate_torn)
		return false;
	__atomic_fetch_add(&sh->torn, 1, __ATOMIC_SEQ_CST);
	return true;
}

/*
 * Read open file @fd (@name of task @pid) whole, from its start, into
 * @buf.  Returns its length, or -1 when the task is gone (ESRCH) or the
 * read was torn (with -k; see the top); dies on anything else.
 */
static ssize_t read_fd(int fd, const char *name, char *buf, pid_t pid,
		       bool text)
{
	size_t len = 0;
	ssize_t n;
	int reads = 0;

	while ((n = pread(fd, buf + len, FILE_MAX - 1 - len, (off_t)len)) > 0) {
		len += (size_t)n;
		reads++;
	}
	if (n < 0) {
		if (errno == ESRCH)
			return -1;
		die("read %d/%s: %s", (int)pid, name, strerror(errno));
	}
	buf[len] = '\0';
	if ((reads > 1 || (text && len && buf[len - 1] != '\n')) && torn())
		return -1;
	return (ssize_t)len;
}

/* Open @name under directory @dfd; -1 when the task is gone. */
static int open_at(int dfd, const char *name, pid_t pid)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno != ENOENT && errno != ESRCH)
		die("open %d/%s: %s", (int)pid, name, strerror(errno));
	return fd;
}

/* read_fd() of @name under @dfd, opened for the read alone. */
static ssize_t read_at(int dfd, const char *name, char *buf, pid_t pid,
		       bool text)
{
	int fd = open_at(dfd, name, pid);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_fd(fd, name, buf, pid, text);
	close(fd);
	return n;
}

/* A name task @tgid may have: init's, the writer's two. */
static bool name_ok(const char *name, size_t len, pid_t tgid)
{
	char want[32];

	if (tgid == 1)
		return len == 4 && !memcmp(name, "init", 4);
	if (len == 1 && name[0] == 'w')
		return true;
	snprintf(want, sizeof(want), "n%d", (int)tgid);
	return len == strlen(want) && !memcmp(name, want, len);
}

/* Umask is there while the task lives: a zombie has no fs_struct. */
static const char *const status_keys[] = {
	"Name",
	"Umask",
	"State",
	"Tgid",
	"Ngid",
	"Pid",
	"PPid",
	"TracerPid",
	"Uid",
	"Gid",
	"FDSize",
	"Groups",
	"NStgid",
	"NSpid",
	"NSpgid",
	"NSsid",
	"Threads",
	"SigQ",
	"SigPnd",
	"ShdPnd",
	"SigBlk",
	"SigIgn",
	"SigCgt",
	"CapInh",
	"CapPrm",
	"CapEff",
	"CapBnd",
	"CapAmb",
	"NoNewPrivs",
	"Seccomp",
	"Seccomp_filters",
	"Cpus_allowed",
	"Cpus_allowed_list",
	"Mems_allowed",
	"Mems_allowed_list",
	"voluntary_ctxt_switches",
	"nonvoluntary_ctxt_switches",
	"PidSerial",
	NULL,
};

/*
 * Check a status file of task @pid in group @tgid; return its serial.
 * Dies, printing the file, when it is malformed or another task's.
 */
static uint64_t check_status(const char *buf, size_t len, pid_t pid, pid_t tgid,
			     const char *what)
{
	const char *p = buf, *end = buf + len, *nl, *why = "no final newline";
	long v_pid = -1, v_tgid = -1;
	uint64_t serial = 0;
	int i;

	if (!len || buf[len - 1] != '\n')
		goto bad;
	for (i = 0; status_keys[i]; i++) {
		size_t klen = strlen(status_keys[i]);
		const char *val = p + klen + 2;

		why = status_keys[i];
		if (!strcmp(status_keys[i], "Umask") &&
		    ((size_t)(end - p) <= klen || memcmp(p, "Umask:", klen + 1)))
			continue;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || (size_t)(nl - p) < klen + 2 ||
		    memcmp(p, status_keys[i], klen) || p[klen] != ':' ||
		    p[klen + 1] != '\t')
			goto bad;
		if (!strcmp(status_keys[i], "Name") &&
		    !name_ok(val, (size_t)(nl - val), tgid))
			goto bad;
		if (!strcmp(status_keys[i], "Pid"))
			v_pid = strtol(val, NULL, 10);
		if (!strcmp(status_keys[i], "Tgid"))
			v_tgid = strtol(val, NULL, 10);
		if (!strcmp(status_keys[i], "PidSerial"))
			serial = strtoull(val, NULL, 10);
		p = nl + 1;
	}
	if (p != end)
		why = "bytes after PidSerial";
	else if (v_pid != pid)
		why = "Pid";
	else if (v_tgid != tgid)
		why = "Tgid";
	else if (!serial)
		why = "PidSerial";
	else
		return serial;
bad:
	die("%s: malformed or not task %d of group %d (%s; %zu bytes, "
	    "%zu before a NUL):\n%.*s",
	    what, (int)pid, (int)tgid, why, len, strnlen(buf, len), (int)len,
	    buf);
	return 0;
}

/* stat: "pid (comm) S" and 49 more fields, one line. */
static void check_stat(const char *buf, size_t len, pid_t pid, const char *what)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	int fields = 2;

	if (!len || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1) ||
	    strtol(buf, NULL, 10) != pid || !open || !close || close < open ||
	    !name_ok(open + 1, (size_t)(close - open - 1), pid) ||
	    close[1] != ' ' || !strchr("RSZX", close[2]))
		goto bad;
	for (const char *p = close + 1; *p; p++)
		if (*p == ' ')
			fields++;
	if (fields != 52)
		goto bad;
	return;
bad:
	die("%s: malformed or not task %d: %.*s", what, (int)pid, (int)len,
	    buf);
}

/* @len bytes at @buf are @want (of @n bytes), or with -k a prefix of it. */
static bool is_or_cut(const char *buf, size_t len, const char *want, size_t n)
{
	if (len > n || memcmp(buf, want, len))
		return false;
	return len == n || torn();
}

/* cmdline: empty (a zombie), "w", or "n<pid>" "n<pid>" "x". */
static void check_cmdline(const char *buf, size_t len, pid_t pid)
{
	char want[64];
	int n;

	if (!len)
		return;
	n = snprintf(want, sizeof(want), "n%d%cn%d%cx%c", (int)pid, 0, (int)pid,
		     0, 0);
	if (is_or_cut(buf, len, "w", 2) ||
	    (pid == 1 && is_or_cut(buf, len, "init", 5)) ||
	    is_or_cut(buf, len, want, (size_t)n))
		return;
	die("%d/cmdline: not the task's (%zu bytes)", (int)pid, len);
}

/* Every thread listed under @dfd/task is of group @tgid. */
static bool check_threads(int dfd, pid_t tgid, char *buf)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int tfd;

	tfd = openat(dfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0) {
		if (errno == ENOENT || errno == ESRCH)
			return false;
		die("open %d/task: %s", (int)tgid, strerror(errno));
	}
	/* fdopendir() fstat()s: the task may be gone by then. */
	d = fdopendir(tfd);
	if (!d) {
		if (errno != ENOENT && errno != ESRCH)
			die("fdopendir %d/task: %s", (int)tgid,
			    strerror(errno));
		close(tfd);
		return false;
	}
	errno = 0;
	while ((de = readdir(d))) {
		pid_t tid;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		tid = (pid_t)strtol(de->d_name, NULL, 10);
		if (tid <= 0)
			die("%d/task lists \"%s\"", (int)tgid, de->d_name);
		snprintf(path, sizeof(path), "%d/status", (int)tid);
		n = read_at(tfd, path, buf, tgid, true);
		if (n >= 0)
			check_status(buf, (size_t)n, tid, tgid,
				     "task/<tid>/status");
	}
	if (errno && errno != ENOENT && errno != ESRCH)
		die("readdir %d/task: %s", (int)tgid, strerror(errno));
	closedir(d);
	return true;
}

/* Returns false when the task was gone at some point of the check. */
static bool check_task(int rootfd, pid_t pid, char *buf)
{
	char name[32];
	uint64_t serial, again;
	ssize_t n;
	int dfd, sfd = -1;

	snprintf(name, sizeof(name), "%d", (int)pid);
	dfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT || errno == ESRCH)
			return false;
		die("open %d: %s", (int)pid, strerror(errno));
	}
	/* status stays open to the end, and is read again then */
	sfd = open_at(dfd, "status", pid);
	if (sfd < 0)
		goto gone;
	n = read_fd(sfd, "status", buf, pid, true);
	if (n < 0)
		goto gone;
	serial = check_status(buf, (size_t)n, pid, pid, "status");

	n = read_at(dfd, "stat", buf, pid, true);
	if (n < 0)
		goto gone;
	check_stat(buf, (size_t)n, pid, "stat");

	n = read_at(dfd, "comm", buf, pid, true);
	if (n < 0)
		goto gone;
	if (n < 2 || buf[n - 1] != '\n' || !name_ok(buf, (size_t)n - 1, pid))
		die("%d/comm: not the task's: %s", (int)pid, buf);

	n = read_at(dfd, "cmdline", buf, pid, false);
	if (n < 0)
		goto gone;
	check_cmdline(buf, (size_t)n, pid);

	if (!check_threads(dfd, pid, buf))
		goto gone;

	snprintf(name, sizeof(name), "task/%d/status", (int)pid);
	n = read_at(dfd, name, buf, pid, true);
	if (n >= 0) {
		again = check_status(buf, (size_t)n, pid, pid, name);
		if (again != serial)
			die("%d/%s: PidSerial %" PRIu64 ", expected %" PRIu64,
			    (int)pid, name, again, serial);
	}
	n = read_at(dfd, "status", buf, pid, true);
	if (n < 0)
		goto gone;
	again = check_status(buf, (size_t)n, pid, pid, "status again");
	if (again != serial)
		die("%d/status: PidSerial %" PRIu64 " after %" PRIu64
		    " through one open directory",
		    (int)pid, again, serial);
	n = read_fd(sfd, "status", buf, pid, true);
	if (n < 0)
		goto gone;
	again = check_status(buf, (size_t)n, pid, pid, "status reread");
	if (again != serial)
		die("%d/status: PidSerial %" PRIu64 " after %" PRIu64
		    " through one open file",
		    (int)pid, again, serial);
	close(sfd);
	close(dfd);
	return true;
gone:
	if (sfd >= 0)
		close(sfd);
	close(dfd);
	return false;
}

static const char *const globals[] = {
	"ctl",	"meminfo", "pidhash", "requests", "self", "uptime",
	"stat", "loadavg", "cpuinfo", "sys", "pidns", NULL,
};

/* List the root; return the pids listed, after checking the listing. */
static size_t list_root(int rootfd, pid_t *pids)
{
	struct dirent *de;
	size_t n = 0;
	pid_t last = 0;
	bool init = false;
	DIR *d;
	int fd;

	fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", mnt, strerror(errno));
	d = fdopendir(fd);
	if (!d)
		die("fdopendir: %s", strerror(errno));
	errno = 0;
	while ((de = readdir(d))) {
		const char *s = de->d_name;
		pid_t pid;
		int i;

		if (!strcmp(s, ".") || !strcmp(s, ".."))
			continue;
		for (i = 0; globals[i] && strcmp(globals[i], s); i++)
			;
		if (globals[i])
			continue;
		pid = (pid_t)strtol(s, NULL, 10);
		if (pid <= 0 || s[strspn(s, "0123456789")])
			die("the root lists \"%s\"", s);
		if (pid <= last)
			die("the root lists %d after %d", (int)pid, (int)last);
		last = pid;
		if (pid == 1)
			init = true;
		if (n < LIST_MAX)
			pids[n++] = pid;
	}
	if (errno)
		die("readdir %s: %s", mnt, strerror(errno));
	closedir(d);
	if (!init)
		die("the root does not list init");
	return n;
}

static void reader(void)
{
	pid_t *pids = calloc(LIST_MAX, sizeof(*pids));
	char *buf = malloc(FILE_MAX);
	unsigned long checks = 0, gone = 0;
	int rootfd;

	if (!pids || !buf)
		die("out of memory");
	rootfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die("open %s: %s", mnt, strerror(errno));
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_SEQ_CST);
	do {
		size_t n = list_root(rootfd, pids);

		for (size_t i = 0; i < n; i++) {
			if (!check_task(rootfd, pids[i], buf))
				gone++;
			checks++;
		}
	} while (!__atomic_load_n(&sh->done, __ATOMIC_SEQ_CST));
	__atomic_fetch_add(&sh->checks, checks, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&sh->gone, gone, __ATOMIC_SEQ_CST);
	close(rootfd);
	free(buf);
	free(pids);
	exit(0);
}

/* ---- writer ------------------------------------------------------------- */

/* Run one command; return the number its reply starts with (or 0). */
static long ctl(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static long ctl(int fd, const char *fmt, ...)
{
	char line[256], reply[256];
	va_list ap;
	ssize_t n;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[len++] = '\n';
	if (pwrite(fd, line, (size_t)len, 0) != len) {
		int err = errno;

		n = pread(fd, reply, sizeof(reply) - 1, 0);
		reply[n > 0 ? n : 0] = '\0';
		die("ctl %.*s: %s: %s", len - 1, line, strerror(err), reply);
	}
	n = pread(fd, reply, sizeof(reply) - 1, 0);
	if (n < 0)
		die("ctl reply: %s", strerror(errno));
	reply[n] = '\0';
	return strtol(reply, NULL, 10);
}

static void writer(int rounds)
{
	pid_t live[LIVE_MAX];
	char path[4096];
	int fd, head = 0, count = 0;

	snprintf(path, sizeof(path), "%s/ctl", mnt);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	for (int r = 0; r < rounds; r++) {
		pid_t p = (pid_t)ctl(fd, "fork 1 w");

		if (p <= 1)
			die("fork gave %d", (int)p);
		ctl(fd, "exec %d n%d n%d x", (int)p, (int)p, (int)p);
		ctl(fd, "thread %d", (int)p);
		if (count == LIVE_MAX) {
			ctl(fd, "kill %d", (int)live[head]);
			head = (head + 1) % LIVE_MAX;
			count--;
		}
		live[(head + count) % LIVE_MAX] = p;
		count++;
	}
	for (; count; count--, head = (head + 1) % LIVE_MAX)
		ctl(fd, "kill %d", (int)live[head]);
	close(fd);
	exit(0);
}

/* A child that dies with us: a killed test must leave no reader behind. */
static pid_t spawn(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		exit(1);
	fn(arg);
	exit(0);
}

static void run_reader(void *arg)
{
	reader();
}

static void run_writer(void *arg)
{
	writer(*(int *)arg);
}

static bool exited_ok(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	pid_t kids[READERS_MAX];
	int readers, rounds, failed = 0;
	long waited = 0;

	if (argc > 1 && !strcmp(argv[1], "-k")) {
		tolerate_torn = true;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr,
			"usage: churn [-k] MOUNTPOINT READERS ROUNDS\n");
		return 64;
	}
	mnt = argv[1];
	readers = atoi(argv[2]);
	rounds = atoi(argv[3]);
	if (readers < 1 || readers > READERS_MAX || rounds < 1)
		return 64;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));

	for (int i = 0; i < readers; i++)
		kids[i] = spawn(run_reader, NULL);
	/* Start writing once every reader reads: that is the point. */
	while (__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) < readers &&
	       waited < READY_WAIT_US) {
		usleep(1000);
		waited += 1000;
	}
	/* The writer is a child too, so that its failure still ends this. */
	if (!exited_ok(spawn(run_writer, &rounds)))
		failed = 1;
	__atomic_store_n(&sh->done, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < readers; i++)
		if (!exited_ok(kids[i]))
			failed = 1;
	printf("churn: %d rounds; %d readers made %lu checks (%lu of tasks "
	       "gone, %lu torn reads)\n",
	       rounds, readers, sh->checks, sh->gone, sh->torn);
	return failed;
}
