// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs-soak: readers against churn on a mounted pidfs, every read
 * verified against the task it was opened for.
 *
 *   pidfs-soak -m pid|task|nr [-r READERS] [-t SECONDS] [-s SEED] [-v] MNT
 *
 * MNT is a pidfs mounted with that pin model, ideally with a small
 * pid_max (tests/soak/soak.sh uses 400) so that pid numbers wrap many
 * times.  For SECONDS (default 60), one churn process forks, spawns,
 * makes threads, exits, reaps, kills, setpgids, setsids and execs through
 * /ctl as fast as it can, and READERS (default 4) reader processes loop
 * over lookup, open, read, re-read, close and readdir of task files.
 * SEED replays a run's random choices (not the scheduling).
 *
 * How a read is verified.  A reader opens a task directory, /<n> or
 * /<n>/task/<tid>, with O_PATH: that is the lookup, and the inode it
 * returns holds the mount's pin.  In the pid and task models a task
 * inode's number is the pin's serial (that of the struct pid pinned,
 * never reused) shifted left four bits, so the reader knows which task it
 * pinned before it reads anything.  It opens status and stat under that
 * directory and reads status first: Pid must be the number looked up and
 * PidSerial the pinned serial; Tgid is learned.  Then it re-reads both
 * files, again and again while the churn goes on: every successful read
 * must show the same Pid, Tgid and PidSerial (status), the same pid and
 * starttime (stat); a failed one must fail with ESRCH (the task is gone)
 * and nothing else.  A read that shows another task is a wrong-task read.
 * In the nr model the inode number is the bare pid, so the first read of
 * status defines the serial, and wrong-task reads are the bug the patch
 * fixed: counted, not failed.  Readers also open, read and close files by
 * path (Pid must be the path's, PidSerial the file's pin), and list the
 * root and task/ directories (names must be canonical pids, strictly
 * increasing, below pid_max, and task/ must list its leader: a listing
 * never breaks under churn).
 *
 * A read whose text is cut short is "torn", and verifies nothing: the
 * kernel serves a file's size from its attribute cache, so a read that
 * races with the command that changes the file (before the command's
 * invalidation reaches the kernel) returns the new text cut to the old
 * size.  Torn reads are counted and shown with -v; they are not failures.
 *
 * The churn verifies its side: a new pid is never one it still holds, and
 * commands fail only as they may (EAGAIN when no pid is free, EPERM for
 * setpgid and setsid).  At the end it kills and reaps everything it made,
 * the readers close everything, and this program waits up to 10 s for the
 * mount to hold init alone, with nothing pinned.
 *
 * Output: totals, e.g. (30 s, ASan build)
 *
 *	pidfs-soak: model pid, 4 readers, 30 s, pid_max 400, seed 17955
 *	churn:   commands 73060 (fork 12648 spawn 1292 ...), no free pid 0,
 *	         refused 7030, errors 0
 *	readers: reads 1420695 verified, 45346 ESRCH, 0 wrong-task, 77 torn;
 *	         261131 tasks pinned, ... errors 0
 *	pidhash: wraps 365, serials 19519
 *	after:   TaskStructs 1 PidStructs 1 pinned 0/0 KernelRefs 4
 *	pidfs-soak: ok
 *
 * Exit status: 0 when every check held (wrong-task reads included, except
 * in the nr model), 1 otherwise, 2 for usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_READERS	64
#define NR_HANDLES	16	/* task directories a reader keeps open */
#define MAX_PROCS	96	/* processes the churn keeps (and zombies) */
#define LOW_PROCS	20	/* fewer live: the churn mostly forks */
#define HIGH_PROCS	60	/* more: it mostly exits and kills */
#define MAX_THREADS	3	/* per process, besides its leader */
#define BIG_MIN		65	/* the big group's threads: past 64, */
#define BIG_MAX		90	/* the bound an old readdir overflowed */
#define MAX_REPORTS	10	/* failures printed per process */
#define ENTRY_BITS	6	/* low bits of a task inode: which file */
#define SETTLE_SECONDS	10	/* for the pins to drain at the end */

enum model { MODEL_PID, MODEL_TASK, MODEL_NR };

/* One process's tallies, in memory shared with the parent. */
struct tally {
	/* readers */
	uint64_t handles;		/* task directories opened */
	uint64_t misses;		/* lookups of numbers no task had */
	uint64_t verified;		/* reads of the task pinned */
	uint64_t esrch;			/* reads of a task that had gone */
	uint64_t wrong;			/* reads that showed another task */
	uint64_t torn;			/* reads cut short (see read_file()) */
	uint64_t paths;			/* open+read+close by path */
	uint64_t listings;		/* directory listings checked */
	uint64_t errors;		/* any other failure */
	/* churn */
	uint64_t commands, forks, threads, exits, reaps, kills;
	uint64_t setpgids, setsids, execs, spawns, eagain, refused;
	uint64_t shared_replies;	/* replies read on the shared fd */
};

struct shared {
	volatile int stop;
	volatile pid_t big;		/* the big group's leader, or 0 */
	struct tally t[MAX_READERS + 1];	/* [0]: the churn */
};

static struct shared *sh;
static struct tally *me;
static enum model model;
static const char *mnt;
static int root; /* O_PATH of the mount */
static int pid_max = 32768;
static const char *who = "main";
static unsigned int reports;	/* ATOMIC */
static uint64_t rng;

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A failed check: counted, and printed for the first few. */
static void report(const char *fmt, ...)
{
	va_list ap;

	/* atomic: the churn's ctl-sharing threads report too */
	__atomic_fetch_add(&me->errors, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&reports, 1, __ATOMIC_RELAXED) >= MAX_REPORTS)
		return;
	fprintf(stderr, "pidfs-soak: %s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t rnd(void)
{
	/* xorshift64*: cheap, and a seed replays a run's choices */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int pick(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* ---- reading task files -------------------------------------------------- */

static bool verbose;
static bool exact;	/* -x: the mount has -o exact: no read may tear */

/* A read cut short: counted; shown with -v. */
static void torn(const char *what, const char *text)
{
	me->torn++;
	if (verbose)
		fprintf(stderr, "pidfs-soak: %s: torn read of %s:\n%s\n", who,
			what, text);
}

enum outcome { READ_OK, READ_GONE, READ_TORN, READ_FAILED };

/*
 * Read a whole task file with one pread, so that it is one rendering.
 * READ_GONE: ESRCH.  READ_TORN: the text does not end in a newline,
 * which happens when the kernel's cached size of the file is older than
 * its content (the task changed between a getattr and the read), and the
 * read was cut to the old size: its identity lines may be cut, so it
 * verifies nothing.
 */
static enum outcome read_file(int fd, char *buf, size_t size, const char *what)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0 && errno == ESRCH)
		return READ_GONE;
	if (n < 0) {
		report("read %s: %s", what, strerror(errno));
		return READ_FAILED;
	}
	buf[n] = '\0';
	if (!n || buf[n - 1] != '\n') {
		torn(what, buf);
		return READ_TORN;
	}
	return READ_OK;
}

/* The number after "\n<key>:\t", or -1. */
static long long field(const char *text, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s:\t", key);
	p = strstr(text, pat);
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

struct status {
	long long pid, tgid, serial;
};

static bool parse_status(const char *text, struct status *s)
{
	s->pid = field(text, "Pid");
	s->tgid = field(text, "Tgid");
	s->serial = field(text, "PidSerial");
	return s->pid > 0 && s->tgid > 0 && s->serial > 0;
}

struct stat_line {
	long long pid;
	unsigned long long start;
};

/* proc(5)'s stat: comm is found by the last ')'; 52 fields in all. */
static bool parse_stat(const char *text, struct stat_line *s)
{
	const char *close = strrchr(text, ')'), *p;
	int fields = 2;

	s->start = 0;
	if (!close)
		return false;
	s->pid = strtoll(text, NULL, 10);
	for (p = close + 1; *p; p++) {
		if (*p != ' ')
			continue;
		if (++fields == 22)
			s->start = strtoull(p + 1, NULL, 10);
	}
	return fields == 52 && s->pid > 0;
}

/* ---- readers ------------------------------------------------------------- */

/* An open task directory and its two files, and what they showed. */
struct handle {
	int dir, status, stat;		/* -1: unused */
	pid_t pid;			/* what the path named */
	pid_t tgid;			/* its group (0: not read yet) */
	uint64_t pinned;		/* serial of the pin (pid, task) */
	uint64_t serial;		/* PidSerial first read (0: none yet) */
	unsigned long long start;	/* starttime first read */
	bool have_start;
};

static struct handle handles[NR_HANDLES];
static pid_t seen[1024]; /* the last root listing */
static unsigned int nr_seen;

static void handle_close(struct handle *h)
{
	if (h->dir < 0)
		return;
	close(h->stat);
	close(h->status);
	close(h->dir);
	h->dir = h->status = h->stat = -1;
}

/* The pin serial of @fd's inode: its number, less the entry bits. */
static int pin_of(int fd, uint64_t *serial, const char *what)
{
	struct stat st;

	if (fstat(fd, &st)) {
		if (errno == ESRCH)
			return -ESRCH;
		report("fstat %s: %s", what, strerror(errno));
		return -errno;
	}
	*serial = (uint64_t)st.st_ino >> ENTRY_BITS;
	return 0;
}

/* One read of status: the task pinned, or a wrong-task read. */
static void check_status(struct handle *h, const char *text)
{
	struct status s;

	/* cut right after a newline, it may lack its last lines */
	if (!parse_status(text, &s))
		return torn("status", text);
	if (s.pid != h->pid || (h->tgid && s.tgid != h->tgid) ||
	    (model != MODEL_NR && (uint64_t)s.serial != h->pinned) ||
	    (h->serial && (uint64_t)s.serial != h->serial)) {
		me->wrong++;
		if (model != MODEL_NR)
			report("wrong task: %d/%d pinned serial %llu, read Pid "
			       "%lld Tgid %lld PidSerial %lld",
			       h->tgid, h->pid,
			       (unsigned long long)(h->serial ? h->serial :
								h->pinned),
			       s.pid, s.tgid, s.serial);
		return;
	}
	h->serial = (uint64_t)s.serial;
	h->tgid = (pid_t)s.tgid;
	me->verified++;
}

/* One read of stat: the pid and start time first seen. */
static void check_stat(struct handle *h, const char *text)
{
	struct stat_line s;

	if (!parse_stat(text, &s))
		return torn("stat", text);
	if (s.pid != h->pid || (h->have_start && s.start != h->start)) {
		me->wrong++;
		if (model != MODEL_NR)
			report("wrong task: %d opened, stat shows %lld started "
			       "at %llu (first read: %llu)",
			       h->pid, s.pid, s.start, h->start);
		return;
	}
	h->start = s.start;
	h->have_start = true;
	me->verified++;
}

/* Read @fd whole and check it with @check; ESRCH is the task gone. */
static void verify(struct handle *h, int fd, const char *what,
		   void (*check)(struct handle *h, const char *text))
{
	char buf[8192];

	switch (read_file(fd, buf, sizeof(buf), what)) {
	case READ_OK:
		check(h, buf);
		break;
	case READ_GONE:
		me->esrch++;
		break;
	case READ_TORN:
	case READ_FAILED:
		break;
	}
}

static void reread(struct handle *h)
{
	verify(h, h->status, "status", check_status);
	verify(h, h->stat, "stat", check_stat);
}

/* ENOENT and ESRCH: the task went away, which churn makes common. */
static bool gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* A random thread id of the group in @dir other than @leader, or 0. */
static pid_t pick_thread(int dir, pid_t leader)
{
	pid_t tids[16], last = 0;
	unsigned int n = 0;
	struct dirent *d;
	DIR *dp;
	int fd = openat(dir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool has_leader = false;

	if (fd < 0) {
		if (!gone(errno))
			report("open %d/task: %s", leader, strerror(errno));
		return 0;
	}
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return 0;
	}
	errno = 0;
	while ((d = readdir(dp))) {
		char *end;
		long v;

		if (d->d_name[0] == '.')
			continue;
		v = strtol(d->d_name, &end, 10);
		if (*end || v <= last || v >= pid_max) {
			report("%d/task lists \"%s\" after %d", leader,
			       d->d_name, last);
			break;
		}
		last = (pid_t)v;
		has_leader |= v == leader;
		if (v != leader && n < 16)
			tids[n++] = (pid_t)v;
	}
	if (errno && !gone(errno))
		report("readdir %d/task: %s", leader, strerror(errno));
	closedir(dp);
	me->listings++;
	if (last && !has_leader)
		report("%d/task does not list its leader", leader);
	return n ? tids[pick(n)] : 0;
}

static pid_t pick_pid(void)
{
	if (nr_seen && pick(10) < 7)
		return seen[pick(nr_seen)];
	return (pid_t)(1 + pick((unsigned int)pid_max - 1));
}

/*
 * Pin the task directory @path under @at, open its files, and read them
 * a first time.  @tgid: the group it must be in, 0 to learn it from that
 * first read.  False when the task was not there.
 */
static bool handle_pin(struct handle *h, int at, const char *path, pid_t pid,
		       pid_t tgid)
{
	int dir = openat(at, path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0) {
		if (!gone(errno))
			report("open %s: %s", path, strerror(errno));
		me->misses++;
		return false;
	}
	if (pin_of(dir, &h->pinned, path)) {
		close(dir);
		return false;
	}
	h->status = openat(dir, "status", O_RDONLY | O_CLOEXEC);
	h->stat = h->status < 0 ? -1 :
				  openat(dir, "stat", O_RDONLY | O_CLOEXEC);
	if (h->stat < 0) {
		if (!gone(errno))
			report("open %s's files: %s", path, strerror(errno));
		if (h->status >= 0)
			close(h->status);
		close(dir);
		return false;
	}
	h->dir = dir;
	h->pid = pid;
	h->tgid = tgid;
	h->serial = 0;
	h->have_start = false;
	me->handles++;
	reread(h);
	return true;
}

/*
 * Pin a task: /<n>, or a quarter of the time one of its threads, as
 * /<n>/task/<tid>.  A thread is reached only through its group leader's
 * task/ (n a leader: its Tgid is n), as ps does: the daemon deletes a
 * released thread's entry under its leader's task/ and nowhere else, so
 * a lookup of /<tid>/task/<other> (legal: /<tid> is any thread's own
 * directory) would leave a directory entry in the kernel's cache after
 * the thread is gone, pinning it until memory pressure evicts it, and
 * the end of the run would find pins that nothing holds open.
 */
static void handle_open(struct handle *h)
{
	struct handle t;
	char path[64];
	pid_t n = pick_pid(), tid;

	handle_close(h);
	snprintf(path, sizeof(path), "%d", n);
	if (!handle_pin(h, root, path, n, 0) || pick(4) || h->tgid != n)
		return;
	tid = pick_thread(h->dir, n);
	snprintf(path, sizeof(path), "task/%d", tid);
	if (tid && handle_pin(&t, h->dir, path, tid, n)) {
		handle_close(h);
		*h = t;
	}
}

/* Open, read, close by path: the file must be the path's task's. */
static void by_path(void)
{
	char path[64];
	pid_t n = pick_pid();
	struct handle h = { .pid = n };
	bool status = pick(2);
	const char *file = status ? "status" : "stat";
	int fd;

	snprintf(path, sizeof(path), "%d/%s", n, file);
	fd = openat(root, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!gone(errno))
			report("open %s: %s", path, strerror(errno));
		return;
	}
	me->paths++;
	if (!pin_of(fd, &h.pinned, path))
		verify(&h, fd, path, status ? check_status : check_stat);
	close(fd);
}

/* List the root: task names are canonical, increasing, below pid_max. */
static void list_root(void)
{
	int fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *d;
	long last = 0;
	DIR *dp;

	if (fd < 0 || !(dp = fdopendir(fd))) {
		report("open the root: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	nr_seen = 0;
	errno = 0;
	while ((d = readdir(dp))) {
		char *end;
		long v;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		v = strtol(d->d_name, &end, 10);
		if (*end || d->d_name[0] == '0' || v <= last || v >= pid_max) {
			report("the root lists \"%s\" after %ld", d->d_name,
			       last);
			break;
		}
		last = v;
		if (nr_seen < sizeof(seen) / sizeof(seen[0]))
			seen[nr_seen++] = (pid_t)v;
	}
	if (errno)
		report("readdir of the root: %s", strerror(errno));
	closedir(dp);
	me->listings++;
}

/* List the big group's task/ directory (more than 64 threads). */
static void list_big(void)
{
	pid_t big = sh->big;
	char name[16];
	int dir;

	if (!big)
		return;
	snprintf(name, sizeof(name), "%d", big);
	dir = openat(root, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		if (!gone(errno))
			report("open %s: %s", name, strerror(errno));
		return;
	}
	pick_thread(dir, big);
	close(dir);
}

static void reader(void)
{
	for (int i = 0; i < NR_HANDLES; i++)
		handles[i].dir = handles[i].status = handles[i].stat = -1;
	while (!sh->stop) {
		unsigned int r = pick(100);
		struct handle *h = &handles[pick(NR_HANDLES)];

		if (r < 30)
			handle_open(h);
		else if (r < 80 && h->dir >= 0)
			reread(h);
		else if (r < 80)
			handle_open(h);
		else if (r < 92)
			by_path();
		else if (r < 94)
			list_root();
		else if (r < 96)
			list_big();
		else if (h->dir >= 0 && h->tgid)
			pick_thread(h->dir, h->tgid);
	}
	for (int i = 0; i < NR_HANDLES; i++)
		handle_close(&handles[i]);
}

/* ---- churn --------------------------------------------------------------- */

struct proc {
	pid_t pid;
	bool zombie;
	int nr_threads;
	pid_t threads[MAX_THREADS];
};

static struct proc procs[MAX_PROCS];
static int nr_procs, ctl_fd;

/*
 * The big group: one process whose thread count stays between BIG_MIN
 * and BIG_MAX while threads come and go, for the readers' task/ listings.
 */
static struct {
	pid_t leader;
	int nr;
	pid_t tids[BIG_MAX];
} big;


/* Run one command; 0 or the errno it failed with.  @reply may be NULL. */
static int ctl(char *reply, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ctl(char *reply, size_t size, const char *fmt, ...)
{
	char line[256], buf[256];
	va_list ap;
	ssize_t n;
	int len, err = 0;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[len++] = '\n';
	me->commands++;
	if (pwrite(ctl_fd, line, (size_t)len, 0) < 0)
		err = errno;
	if (!reply) {
		reply = buf;
		size = sizeof(buf);
	}
	n = pread(ctl_fd, reply, size - 1, 0);
	if (n < 0) {
		report("read ctl after \"%.*s\": %s", len - 1, line,
		       strerror(errno));
		return err ? err : errno;
	}
	reply[n] = '\0';
	if (err && strncmp(reply, "error: ", 7))
		report("\"%.*s\" failed (%s) with reply \"%s\"", len - 1, line,
		       strerror(err), reply);
	return err;
}

/* @err from command @what: expected ones are tallied, others reported. */
static void refused(int err, const char *what, bool may_eperm)
{
	if (err == EAGAIN && !strncmp(what, "fork", 4)) {
		me->eagain++;
		return;
	}
	if (err == EPERM && may_eperm) {
		me->refused++;
		return;
	}
	report("%s: %s", what, strerror(err));
}

static bool holds(pid_t nr)
{
	for (int i = 0; i < nr_procs; i++) {
		if (procs[i].pid == nr)
			return true;
		for (int j = 0; j < procs[i].nr_threads; j++)
			if (procs[i].threads[j] == nr)
				return true;
	}
	for (int j = 0; j < big.nr; j++)
		if (big.tids[j] == nr)
			return true;
	return nr == 1 || nr == big.leader;
}

/* A pid the model replied with: new, in range, never one we hold. */
static pid_t new_pid(const char *reply, const char *what)
{
	long v = strtol(reply, NULL, 10);

	if (v < 2 || v >= pid_max || holds((pid_t)v)) {
		report("%s made pid \"%s\", which is in use or out of range",
		       what, reply);
		return 0;
	}
	return (pid_t)v;
}

static void add_proc(pid_t pid)
{
	if (!pid || nr_procs == MAX_PROCS)
		return;
	procs[nr_procs++] = (struct proc){ .pid = pid };
}

static void drop_proc(int i)
{
	procs[i] = procs[--nr_procs];
}

static struct proc *random_live(void)
{
	int live = 0, k;

	for (int i = 0; i < nr_procs; i++)
		live += !procs[i].zombie;
	if (!live)
		return NULL;
	k = (int)pick((unsigned int)live);
	for (int i = 0; i < nr_procs; i++)
		if (!procs[i].zombie && !k--)
			return &procs[i];
	return NULL;
}

static void do_fork(void)
{
	struct proc *parent = pick(2) ? random_live() : NULL;
	pid_t ppid = parent ? parent->pid : 1;
	char reply[64];
	int err;

	if (nr_procs == MAX_PROCS)
		return;
	if (pick(2))
		err = ctl(reply, sizeof(reply), "fork %d c%u", ppid,
			  pick(100000));
	else
		err = ctl(reply, sizeof(reply), "fork %d", ppid);
	if (err)
		return refused(err, "fork", false);
	me->forks++;
	add_proc(new_pid(reply, "fork"));
}

static void do_spawn(void)
{
	struct proc *parent = random_live();
	char reply[256], *p = reply;
	int err;

	if (nr_procs + 3 > MAX_PROCS)
		return;
	err = ctl(reply, sizeof(reply), "spawn 3 %d", parent ? parent->pid : 0);
	if (err)
		return refused(err, "fork (spawn)", false);
	me->spawns++;
	for (int i = 0; i < 3; i++) {
		char *nl = strchr(p, '\n');

		if (!nl) {
			report("spawn 3 replied \"%s\"", reply);
			return;
		}
		*nl = '\0';
		add_proc(new_pid(p, "spawn"));
		p = nl + 1;
	}
}

static void do_thread(struct proc *pr)
{
	char reply[64];
	pid_t tid;
	int err;

	if (pr->nr_threads == MAX_THREADS)
		return;
	err = ctl(reply, sizeof(reply), "thread %d", pr->pid);
	if (err)
		return refused(err, "fork (thread)", false);
	me->threads++;
	tid = new_pid(reply, "thread");
	if (tid)
		pr->threads[pr->nr_threads++] = tid;
}

static void do_exit_thread(struct proc *pr)
{
	int i, err;

	if (!pr->nr_threads)
		return;
	i = (int)pick((unsigned int)pr->nr_threads);
	err = ctl(NULL, 0, "exit %d %u", pr->threads[i], pick(256));
	if (err)
		return refused(err, "exit (thread)", false);
	me->exits++;
	pr->threads[i] = pr->threads[--pr->nr_threads];
}

static void do_exec(struct proc *pr)
{
	/* Through a thread a third of the time: de_thread() all the same. */
	pid_t via = pr->nr_threads && !pick(3) ? pr->threads[0] : pr->pid;
	int err = ctl(NULL, 0, "exec %d e%u -a %u --long-argument-%u", via,
		      pick(1000), pick(1000), pick(1000));

	if (err)
		return refused(err, "exec", false);
	me->execs++;
	pr->nr_threads = 0;
}

static void big_thread(void)
{
	char reply[64];
	pid_t tid;
	int err = ctl(reply, sizeof(reply), "thread %d", big.leader);

	if (err)
		return refused(err, "fork (big thread)", false);
	me->threads++;
	tid = new_pid(reply, "big thread");
	if (tid)
		big.tids[big.nr++] = tid;
}

static void big_step(void)
{
	int i, err;

	if (!big.leader)
		return;
	if (big.nr < BIG_MIN || (big.nr < BIG_MAX && pick(2)))
		return big_thread();
	i = (int)pick((unsigned int)big.nr);
	err = ctl(NULL, 0, "kill %d", big.tids[i]);
	if (err)
		return refused(err, "kill (big thread)", false);
	me->kills++;
	big.tids[i] = big.tids[--big.nr];
}

static void big_start(void)
{
	char reply[64];
	int err = ctl(reply, sizeof(reply), "fork 1 big");

	if (err)
		return refused(err, "fork (big)", false);
	me->forks++;
	big.leader = new_pid(reply, "fork (big)");
	while (big.leader && big.nr < BIG_MIN && !sh->stop)
		big_thread();
	sh->big = big.leader;
}

static void churn_step(void)
{
	int live = 0;
	unsigned int r;
	struct proc *pr;
	int err;

	for (int i = 0; i < nr_procs; i++)
		live += !procs[i].zombie;
	if (!pick(10))
		return big_step();
	r = pick(100);
	if (live < LOW_PROCS && r >= 40)
		r = pick(40);
	else if (nr_procs > HIGH_PROCS && r < 40)
		r = 40 + pick(60);

	if (r < 30)
		return do_fork();
	if (r < 33)
		return do_spawn();
	pr = random_live();
	if (r < 40)
		return pr ? do_thread(pr) : (void)0;
	if (r < 50) {
		/* a zombie to reap, if there is one */
		for (int i = 0; i < nr_procs; i++) {
			if (!procs[i].zombie)
				continue;
			err = ctl(NULL, 0, "reap %d", procs[i].pid);
			if (err)
				return refused(err, "reap", false);
			me->reaps++;
			return drop_proc(i);
		}
		return;
	}
	if (!pr)
		return;
	if (r < 58) {
		err = ctl(NULL, 0, "exit %d %u", pr->pid, pick(256));
		if (err)
			return refused(err, "exit", false);
		me->exits++;
		pr->zombie = true;
		pr->nr_threads = 0;
	} else if (r < 62) {
		do_exit_thread(pr);
	} else if (r < 70) {
		err = ctl(NULL, 0, "kill %d 9", pr->pid);
		if (err)
			return refused(err, "kill", false);
		me->kills++;
		drop_proc((int)(pr - procs));
	} else if (r < 80) {
		struct proc *g = pick(2) ? random_live() : NULL;

		err = ctl(NULL, 0, "setpgid %d %d", pr->pid, g ? g->pid : 0);
		if (err)
			return refused(err, "setpgid", true);
		me->setpgids++;
	} else if (r < 84) {
		err = ctl(NULL, 0, "setsid %d", pr->pid);
		if (err)
			return refused(err, "setsid", true);
		me->setsids++;
	} else {
		do_exec(pr);
	}
}

/* Kill and reap all we made: the mount goes back to init alone. */
static void churn_cleanup(void)
{
	sh->big = 0;
	if (big.leader && ctl(NULL, 0, "kill %d", big.leader))
		report("cleanup: kill %d (big)", big.leader);
	big.leader = 0;
	big.nr = 0;
	while (nr_procs) {
		struct proc *pr = &procs[nr_procs - 1];
		int err = ctl(NULL, 0, "%s %d", pr->zombie ? "reap" : "kill",
			      pr->pid);

		if (err)
			report("cleanup: %s %d: %s",
			       pr->zombie ? "reap" : "kill", pr->pid,
			       strerror(err));
		nr_procs--;
	}
}

/*
 * With -x, two threads of the churn share one ctl file, each writing a
 * command whose reply is known ("setsid 1" fails EPERM with its error
 * reply; "setpgid BIG BIG" succeeds with none) and reading back whatever
 * reply the file holds: its own or the other's, but always a whole one.
 */
static int shared_fd;
static char setsid_reply[256];
static char sharer_setsid[] = "setsid 1", sharer_setpgid[] = "setpgid";

static void *sharer(void *arg)
{
	const char *cmd = arg;
	char buf[4096], cmd_line[64];
	ssize_t n;

	while (!sh->stop) {
		if (!strcmp(cmd, "setpgid")) {
			pid_t b = sh->big;

			if (!b)
				break;
			snprintf(cmd_line, sizeof(cmd_line), "setpgid %d %d", b,
				 b);
			(void)!pwrite(shared_fd, cmd_line, strlen(cmd_line), 0);
		} else {
			(void)!pwrite(shared_fd, cmd, strlen(cmd), 0);
		}
		n = pread(shared_fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			report("read the shared ctl: %s", strerror(errno));
			continue;
		}
		buf[n] = '\0';
		__atomic_fetch_add(&me->shared_replies, 1, __ATOMIC_RELAXED);
		/* any error reply is whole too (the big group may go) */
		if (n && strcmp(buf, setsid_reply) && strncmp(buf, "error: ", 7))
			report("the shared ctl holds a mixed reply: \"%.60s\"",
			       buf);
	}
	return NULL;
}

static void churn(void)
{
	pthread_t sharers[2];
	char path[4096];

	snprintf(path, sizeof(path), "%s/ctl", mnt);
	ctl_fd = open(path, O_RDWR | O_CLOEXEC);
	shared_fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctl_fd < 0 || shared_fd < 0) {
		report("open %s: %s", path, strerror(errno));
		return;
	}
	big_start();
	if (exact) {
		/* init may lead no session yet (2.6.17): make it, once */
		ctl(NULL, 0, "setsid 1");
		if (!ctl(setsid_reply, sizeof(setsid_reply), "setsid 1"))
			report("setsid 1 succeeded twice");
		pthread_create(&sharers[0], NULL, sharer, sharer_setsid);
		pthread_create(&sharers[1], NULL, sharer, sharer_setpgid);
	}
	while (!sh->stop)
		churn_step();
	if (exact) {
		pthread_join(sharers[0], NULL);
		pthread_join(sharers[1], NULL);
	}
	churn_cleanup();
	close(shared_fd);
	close(ctl_fd);
}

/* ---- the parent ---------------------------------------------------------- */

/* The value of "@key:" (meminfo) or "@key: " (pidhash) in file @name. */
static long long value_of(const char *name, const char *key)
{
	char path[4096], line[256];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", mnt, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtoll(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/* /sys/kernel/pid_max of the mount, or -1. */
static int read_pid_max(void)
{
	char path[4096];
	int v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/kernel/pid_max", mnt);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The tallies of processes @first .. @last. */
static void sum(struct tally *s, int first, int last)
{
	memset(s, 0, sizeof(*s));
	for (int i = first; i <= last; i++) {
		uint64_t *dst = (uint64_t *)s;
		const uint64_t *src = (const uint64_t *)&sh->t[i];

		for (size_t j = 0; j < sizeof(*s) / sizeof(uint64_t); j++)
			dst[j] += src[j];
	}
}

static pid_t start(int index, void (*fn)(void), uint64_t seed)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	/* Die with the parent, whatever kills it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	me = &sh->t[index];
	who = index ? "reader" : "churn";
	rng = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)index + 1;
	fn();
	_exit(0);
}

/*
 * Wait for the @n children in @pids (0: already reaped), up to @seconds;
 * false on a timeout or a failed child.
 */
static bool wait_all(pid_t *pids, int n, int seconds)
{
	int left = 0, status;
	bool ok = true;
	struct timespec tick = { 0, 50 * 1000 * 1000 };

	for (int i = 0; i < n; i++)
		left += pids[i] > 0;
	for (long t = 0; left && t < seconds * 20L; t++) {
		pid_t p;

		while (left && (p = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int i = 0; i < n; i++)
				if (pids[i] == p)
					pids[i] = 0;
			left--;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				fprintf(stderr,
					"pidfs-soak: a child died "
					"(status %#x)\n",
					status);
				ok = false;
			}
		}
		if (left)
			nanosleep(&tick, NULL);
	}
	if (left) {
		fprintf(stderr,
			"pidfs-soak: %d children still running after "
			"%d s: the mount hangs\n",
			left, seconds);
		for (int i = 0; i < n; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGKILL);
		ok = false;
	}
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: pidfs-soak -m pid|task|nr [-r READERS] "
			"[-t SECONDS] [-s SEED] [-x] MOUNTPOINT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	pid_t pids[MAX_READERS + 1];
	struct tally churned, read;
	struct tally self = { 0 };
	long long tasks = -1, pids_left = -1, tpin = -1, ppin = -1;
	int readers = 4, seconds = 60, opt;
	uint64_t seed = (uint64_t)time(NULL);
	const char *model_name = NULL;
	bool ok = true, settled = false;
	struct timespec tick = { 0, 100 * 1000 * 1000 };

	while ((opt = getopt(argc, argv, "m:r:t:s:vx")) != -1) {
		switch (opt) {
		case 'm':
			model_name = optarg;
			break;
		case 'r':
			readers = atoi(optarg);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'v':
			verbose = true;
			break;
		case 'x':
			exact = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !model_name || readers < 1 ||
	    readers > MAX_READERS || seconds < 1)
		usage();
	if (!strcmp(model_name, "pid"))
		model = MODEL_PID;
	else if (!strcmp(model_name, "task"))
		model = MODEL_TASK;
	else if (!strcmp(model_name, "nr"))
		model = MODEL_NR;
	else
		usage();
	mnt = argv[optind];
	me = &self;
	root = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		fprintf(stderr, "pidfs-soak: %s: %s\n", mnt, strerror(errno));
		return 1;
	}
	pid_max = read_pid_max();
	if (pid_max < 2) {
		fprintf(stderr, "pidfs-soak: %s: not a pidfs\n", mnt);
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("pidfs-soak: mmap");
		return 1;
	}
	/* The last resort against a hung mount: SIGALRM ends us. */
	alarm((unsigned int)seconds + 300);
	printf("pidfs-soak: model %s, %d readers, %d s, pid_max %d, seed "
	       "%llu\n",
	       model_name, readers, seconds, pid_max, (unsigned long long)seed);
	fflush(stdout);

	pids[0] = start(0, churn, seed);
	for (int i = 1; i <= readers; i++)
		pids[i] = start(i, reader, seed);
	for (int t = 0; t < seconds * 10 && !sh->stop; t++) {
		nanosleep(&tick, NULL);
		/* a child gone early has failed: stop the rest */
		for (int i = 0; i <= readers; i++)
			if (pids[i] > 0 &&
			    waitpid(pids[i], NULL, WNOHANG) == pids[i]) {
				fprintf(stderr, "pidfs-soak: a child exited "
						"early\n");
				pids[i] = 0;
				ok = false;
				sh->stop = 1;
			}
	}
	sh->stop = 1;
	ok &= wait_all(pids, readers + 1, 60);

	/* Every file is closed: the kernel forgets, the pins go. */
	for (int t = 0; t < SETTLE_SECONDS * 10 && !settled; t++) {
		tasks = value_of("meminfo", "TaskStructs");
		pids_left = value_of("meminfo", "PidStructs");
		tpin = value_of("meminfo", "TaskStructsPinned");
		ppin = value_of("meminfo", "PidStructsPinned");
		settled = tasks == 1 && pids_left == 1 && !tpin && !ppin;
		if (!settled)
			nanosleep(&tick, NULL);
	}

	sum(&churned, 0, 0);
	sum(&read, 1, readers);
	printf("churn:   commands %llu (fork %llu spawn %llu thread %llu "
	       "exit %llu reap %llu kill %llu setpgid %llu setsid %llu "
	       "exec %llu), no free pid %llu, refused %llu, errors %llu\n",
	       (unsigned long long)churned.commands,
	       (unsigned long long)churned.forks,
	       (unsigned long long)churned.spawns,
	       (unsigned long long)churned.threads,
	       (unsigned long long)churned.exits,
	       (unsigned long long)churned.reaps,
	       (unsigned long long)churned.kills,
	       (unsigned long long)churned.setpgids,
	       (unsigned long long)churned.setsids,
	       (unsigned long long)churned.execs,
	       (unsigned long long)churned.eagain,
	       (unsigned long long)churned.refused,
	       (unsigned long long)churned.errors);
	printf("readers: reads %llu verified, %llu ESRCH, %llu wrong-task, "
	       "%llu torn; %llu tasks pinned, %llu lookups missed, %llu "
	       "path reads, %llu listings; errors %llu\n",
	       (unsigned long long)read.verified,
	       (unsigned long long)read.esrch, (unsigned long long)read.wrong,
	       (unsigned long long)read.torn, (unsigned long long)read.handles,
	       (unsigned long long)read.misses, (unsigned long long)read.paths,
	       (unsigned long long)read.listings,
	       (unsigned long long)read.errors);
	printf("pidhash: wraps %lld, serials %lld\n",
	       value_of("pidhash", "wraps"), value_of("pidhash", "serials"));
	printf("after:   TaskStructs %lld PidStructs %lld pinned %lld/%lld "
	       "KernelRefs %lld\n",
	       tasks, pids_left, tpin, ppin, value_of("meminfo", "KernelRefs"));

	if (!settled) {
		fprintf(stderr,
			"pidfs-soak: after %d s the mount still holds "
			"more than init, or pins\n",
			SETTLE_SECONDS);
		ok = false;
	}
	if (churned.errors || read.errors || self.errors)
		ok = false;
	if (read.wrong && model != MODEL_NR)
		ok = false;
	if (exact && read.torn) {
		fprintf(stderr, "pidfs-soak: %llu torn reads with -o exact\n",
			(unsigned long long)read.torn);
		ok = false;
	}
	if (exact)
		printf("shared:  %llu replies read on one ctl file by two "
		       "threads, each whole\n",
		       (unsigned long long)churned.shared_replies);
	if (!read.verified) {
		fprintf(stderr, "pidfs-soak: no read was verified\n");
		ok = false;
	}
	printf("pidfs-soak: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
