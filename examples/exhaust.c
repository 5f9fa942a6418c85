// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exhaust: the hostile user of the pidhash patch's commit message, against
 * a mounted pidfs.
 *
 * The patch's motivation: an unprivileged user with ordinary limits (100
 * processes, 1000 open files each) opens a /proc file of a process, lets
 * the process die, keeps the file, and repeats.  If the open file pins the
 * dead task_struct (about 10 KiB with its kernel stack), 100,000 such
 * files pin about 1 GiB and a 32-bit machine runs out of low memory.  If
 * it pins the struct pid, the same files pin a few MiB.
 *
 * exhaust starts P holder processes (real fork()s).  Each sets its own
 * RLIMIT_NOFILE soft limit to F, opens its own MNT/ctl, and repeats: fork a
 * model task through ctl, open MNT/<pid>/stat (the lookups of <pid> and
 * stat pin the task in the mount's model), kill the task through ctl, keep
 * the fd; until it holds F-8 fds (room for stdio, ctl and a pipe) or fork
 * fails.  The parent samples MNT/meminfo, the daemon's VmRSS and the host
 * kernel's Slab every 100 ms (-i) into a CSV, shows one updating progress
 * line on a terminal, and prints a summary once every holder has stopped.
 * Then the holders close their fds and exit, and exhaust waits until the
 * mount's pin counters are back to 0.
 *
 * Run it against a mounted pidfs (scripts/demo.sh does, for all three
 * models):
 *
 *   src/pidfs -f -o pin=task MNT &
 *   examples/exhaust -D $! -c task.csv -s task.sum MNT
 *
 *   -p HOLDERS   holder processes (default 100)
 *   -f FDS       RLIMIT_NOFILE of each holder (default 1000)
 *   -d, --depth D  fork the victims D pid namespaces deep (0 .. 32,
 *                default 0: in the initial namespace), see below
 *   -D PID       the daemon's pid (default: found in /proc by MNT); it
 *                must be a pidfs whose command line names MNT
 *   -m NAME      the model's name in the output (default: from the daemon's
 *                command line, pin=...; else "pid")
 *   -c FILE      write the samples as CSV
 *   -s FILE      write the summary as key=value lines
 *   -i MS        sample every MS milliseconds (default 100)
 *   -t SECONDS   how long to wait for the pins to go (default 30)
 *
 * Expected output with the defaults and the commit message's parameters
 * (lowmem=896M, task_size=10K) on the default i386 machine, with
 * charge_refs=0, abridged; times and the host's numbers vary from run to
 * run.  In the task model fork fails with ENOMEM after 91,747 fds, low
 * memory full at 10 KiB pinned per held fd; in the pid model every
 * holder reaches its limit, 99,200 fds, pinning 36 bytes per held fd,
 * less than the host kernel itself spends on each (its Slab grows by a
 * few KiB per fd); in the nr model nothing is pinned at all.  With
 * charge_refs=1 every model also pays 976 bytes per held fd: the two
 * inodes it looked up (/P and /P/stat), a dentry and a proc_inode each.
 *
 *   exhaust: task model, 100 holders x 1000 fds, daemon 30668
 *     fds held                        91748 (0 of 100 holders full)
 *     fork failures                     100 (Cannot allocate memory)
 *     pinned tasks                    91748
 *     pinned pids                         0
 *     low memory used                 896.0 MiB of 896 MiB (0.0 MiB at start)
 *     OOM events                       1100
 *     daemon RSS                      901.1 MiB (2.1 MiB at start)
 *     RSS growth / low memory         1.003
 *     model bytes pinned per held fd  10240
 *     host kernel bytes per held fd    3987
 *     time to fill                     35.2 s
 *   exhaust: closed every fd; pins back to 0 after 0.0 s (...)
 *
 * OOM events count every failed allocation, not every holder: a holder
 * whose fork fails tries again every 50 ms for half a second (memory
 * may only be waiting for an RCU grace period), so each of the 100
 * holders fails 11 times before it stops: 1100 events, 100 fork failures.
 *
 *   exhaust: pid model, 100 holders x 1000 fds, daemon 30676
 *     fds held                        99200 (100 of 100 holders full)
 *     fork failures                       0
 *     pinned tasks                        0
 *     pinned pids                     99200
 *     low memory used                   3.4 MiB of 896 MiB (0.0 MiB ...)
 *     RSS growth / low memory         2.648
 *     RSS growth / host bytes         1.489 (struct pid: 64 B here, ...)
 *     model bytes pinned per held fd     36
 *     host kernel bytes per held fd    3848
 *
 * Pid namespaces (--depth D).  From 2.6.24 a struct pid carries a number
 * in every namespace from its own up to the initial one: a struct pid of
 * level D is bigger (doc/design.md, "What a struct pid of level L is
 * charged": i386 44 + 16 D bytes from level 1, x86-64 88 + 32 D), and it
 * holds a reference on its namespace, which holds its parent: a held file
 * keeps D namespaces, their pid bitmap pages (4096 bytes each), alive.
 * With -d D each holder first builds its own chain through ctl, before
 * the baseline is sampled: "fork 1" gives chain[0]; then D times
 * "unshare chain[i]" and "fork chain[i]", whose child chain[i + 1] is the
 * new namespace's init.  Victims are forked from chain[D].  Each holder
 * has its own chain, as independent processes of one user would: H
 * holders pay H x D namespaces, and the victims of one holder share its D.
 * (A chain costs D + 1 live tasks and D bitmap pages while it lives: the
 * summary's "the chains, alive".)
 *
 * Once every holder has stopped, each kills its chain (the first
 * namespace's init, whose death kills and reaps everything below it,
 * then chain[0]) and exhaust samples again: what is still charged is what
 * the held files alone keep.  In the task model that is the dead
 * task_structs, the namespaces gone with their tasks; in the pid model,
 * the struct pids of level D and the H x D namespaces they pin, whose
 * pages are shared by the victims of a chain: D x 4096 / (F - 8) bytes
 * per held fd.  With 2 holders x 136 fds (256 files, 128 per chain) at
 * depth 2 on i386, pin=pid: 76 bytes per held fd while the chains live,
 * 76 + 2 x 4096 / 128 = 140 once they are dead; pin=task: 10240 both
 * times.  Low memory is read in kB from /meminfo: a growth that is a
 * multiple of 1024 bytes (256 files of any struct pid on i386) is
 * measured to the byte.  The demo's depth 32 run, 4 holders x 1032 fds
 * on i386 (abridged): 556 bytes a file, 44 + 16 x 32, while the chains
 * live; 684 once they are dead, 556 + 32 x 4096 / 1024:
 *
 *   exhaust: pid model, 4 holders x 1032 fds, daemon 29337
 *     fds held                         4096 (4 of 4 holders full)
 *     pinned pids                      4096
 *     model bytes pinned per held fd    556
 *     depth                              32 (a chain of 32 pid ...)
 *     the chains, alive              1870.0 KiB (132 tasks, 128 ...)
 *     after the chains died          2736.0 KiB still charged, 0 ...
 *     bytes per held fd, then           684
 *
 * Exit status: 0 when the run completed and the pins went back to 0,
 * 1 otherwise, 2 for usage errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024.0 * 1024.0)
#define FD_SLACK 8	/* stdio, ctl, the go and done pipes, spare */
#define MAX_DEPTH 32	/* MAX_PID_NS_LEVEL: the deepest a victim can be */

/* A holder's progress, in memory shared with the parent. */
enum holder_state {
	H_STARTING,
	H_READY,		/* set up, waiting for the go */
	H_RUNNING,
	H_FULL,			/* holds F - FD_SLACK fds */
	H_FORK_FAILED,		/* fork failed ENOMEM or EAGAIN: exhausted */
	H_ERROR,		/* anything else: the run is broken */
};

struct holder {
	long held;		/* ATOMIC: fds held */
	int state;		/* ATOMIC: enum holder_state */
	int stop;		/* ATOMIC: set by the parent when interrupted */
	int zap;		/* ATOMIC: set by the parent: kill the chain */
	int zapped;		/* ATOMIC: its chain is killed (--depth) */
	int err;		/* errno, when state >= H_FORK_FAILED */
	int zap_err;		/* errno of a failed kill of its chain */
	char what[48];		/* what failed, when state == H_ERROR */
};

/* One sample of everything watched. */
struct sample {
	double t;		/* seconds since the start */
	long fds;		/* fds held by all holders */
	long low_total_kb, low_free_kb;
	long tasks, tasks_pinned;
	long pids, pids_pinned;
	long oom_events, fork_failures;
	long kernel_refs;
	long pid_size, pid_host_size;	/* charged, and the daemon's */
	long rss_kb;		/* daemon's VmRSS, -1 when unknown */
	long slab_kb;		/* host kernel's Slab */
};

/*
 * What the RSS comparison compares.  Low memory is charged at the
 * modelled machine's sizes; the daemon's resident memory holds the host's
 * objects.  A task_struct is allocated at its charge, so the two agree;
 * a struct pid is PidStructHostSize bytes in the daemon (64 on x86-64)
 * and PidStructSize charged (36 on i386): the host's bytes for the
 * growth in struct pids are the charge plus that difference per pid.
 */
static double host_bytes(const struct sample *a, const struct sample *p,
			 double low)
{
	return low + (double)(p->pids - a->pids) *
			     (double)(p->pid_host_size - p->pid_size);
}

struct opts {
	const char *mnt;
	const char *csv;
	const char *summary;
	const char *model;
	long holders;
	long fds;
	pid_t daemon;
	double pin_timeout;
	long sample_ms;
	long depth;		/* pid namespaces between init and victims */
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-p HOLDERS] [-f FDS] [-d|--depth DEPTH]\n"
		"       [-D DAEMONPID] [-m MODEL] [-c CSV] [-s SUMMARY]\n"
		"       [-i MS] [-t SECONDS] MOUNTPOINT\n",
		prog);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long load_long(const long *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static int load_state(const struct holder *h)
{
	return __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
}

static void set_state(struct holder *h, int state)
{
	__atomic_store_n(&h->state, state, __ATOMIC_RELEASE);
}

/* ---- the holders ----------------------------------------------------- */

/*
 * One ctl transaction on @fd: write @cmd, read the reply into @reply.
 * Returns 0 or a positive errno (the write's: the command's failure).
 */
static int ctl(int fd, const char *cmd, char *reply, size_t size)
{
	ssize_t n;

	if (pwrite(fd, cmd, strlen(cmd), 0) < 0)
		return errno;
	if (!reply)
		return 0;
	n = pread(fd, reply, size - 1, 0);
	if (n < 0)
		return errno;
	reply[n] = '\0';
	return 0;
}

static void holder_fail(struct holder *h, int state, int err, const char *what)
{
	h->err = err;
	snprintf(h->what, sizeof(h->what), "%s", what);
	set_state(h, state);
}

/*
 * With --depth D, the holder's own chain of D nested pid namespaces:
 * @chain[0] is a task of the initial namespace; for each level, unshare
 * PID on chain[i] and fork it, and the child, chain[i + 1], is the new
 * namespace's init (pid 1 there).  Victims are then forked from chain[D],
 * so each has a struct pid of level D, with a number in D + 1 namespaces.
 * ctl names every task by its number in the initial namespace.  Returns
 * 0, or a positive errno with @what set.
 */
static int build_chain(int ctlfd, long depth, pid_t *chain, const char **what)
{
	char cmd[64], reply[64];
	int err;

	chain[0] = 1;
	if (!depth)
		return 0;
	*what = "ctl fork (chain)";
	err = ctl(ctlfd, "fork 1 nschain\n", reply, sizeof(reply));
	if (err)
		return err;
	chain[0] = atoi(reply);
	for (long i = 0; i < depth; i++) {
		snprintf(cmd, sizeof(cmd), "unshare %d\n", (int)chain[i]);
		*what = "ctl unshare";
		err = ctl(ctlfd, cmd, reply, sizeof(reply));
		if (err)
			return err;
		snprintf(cmd, sizeof(cmd), "fork %d nsinit\n", (int)chain[i]);
		*what = "ctl fork (init)";
		err = ctl(ctlfd, cmd, reply, sizeof(reply));
		if (err)
			return err;
		chain[i + 1] = atoi(reply);
	}
	return 0;
}

/*
 * Kill the chain: chain[1]'s exit, as the init of the first namespace,
 * kills and reaps every task of it and of those below
 * (zap_pid_ns_processes); chain[0] holds the first namespace as its
 * pid_ns_for_children.  What stays are the namespaces the held files'
 * struct pids still pin.  Returns 0 or a positive errno.
 */
static int kill_chain(int ctlfd, long depth, const pid_t *chain)
{
	char cmd[64];
	int err, err0;

	if (!depth)
		return 0;
	snprintf(cmd, sizeof(cmd), "kill %d\n", (int)chain[1]);
	err = ctl(ctlfd, cmd, NULL, 0);
	snprintf(cmd, sizeof(cmd), "kill %d\n", (int)chain[0]);
	err0 = ctl(ctlfd, cmd, NULL, 0);
	return err ? err : err0;
}

/*
 * The attacker's loop.  Runs in a child process; never returns.  @go and
 * @done are the read ends of the parent's pipes: EOF on @go starts the
 * loop, EOF on @done ends the process, which closes every fd held.  In
 * between, h->zap set by the parent kills the holder's namespace chain
 * (with --depth): a flag, not a third pipe, so that the fds the attack
 * holds stay those of the runs without --depth.
 */
static void holder_main(const struct opts *o, struct holder *h, int go,
			int done)
{
	struct timespec tick = { 0, 10000000L };
	struct rlimit rl;
	char path[PATH_MAX], cmd[96], fork_cmd[64], reply[64];
	pid_t chain[MAX_DEPTH + 1];
	long target = o->fds - FD_SLACK;
	const char *what = "";
	bool have_chain = false;
	int ctlfd = -1, fd, err;
	char c;

	signal(SIGINT, SIG_IGN); /* the parent decides when to stop */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = (rlim_t)o->fds;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur; /* root only */
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			holder_fail(h, H_ERROR, errno, "setrlimit");
			goto wait_zap;
		}
	}
	snprintf(path, sizeof(path), "%s/ctl", o->mnt);
	ctlfd = open(path, O_RDWR | O_CLOEXEC);
	if (ctlfd < 0) {
		holder_fail(h, H_ERROR, errno, "open ctl");
		goto wait_zap;
	}
	/* Before the baseline: the chain is the set-up, not a held fd. */
	err = build_chain(ctlfd, o->depth, chain, &what);
	have_chain = o->depth > 0 && chain[0] > 1;
	if (err) {
		holder_fail(h, H_ERROR, err, what);
		goto wait_zap;
	}
	snprintf(fork_cmd, sizeof(fork_cmd), "fork %d holder\n",
		 (int)chain[o->depth]);
	set_state(h, H_READY);
	while (read(go, &c, 1) > 0)
		;
	set_state(h, H_RUNNING);

	while (load_long(&h->held) < target &&
	       !__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
		err = ctl(ctlfd, fork_cmd, reply, sizeof(reply));
		/*
		 * A killed task's memory comes back a grace period after the
		 * kill, so on a loaded machine a fork can find the zone full
		 * of tasks nobody holds.  Retry for half a second before
		 * calling it exhaustion; pinned memory does not come back.
		 */
		for (int tries = 0;
		     (err == ENOMEM || err == EAGAIN) && tries < 10; tries++) {
			usleep(50000);
			err = ctl(ctlfd, fork_cmd, reply, sizeof(reply));
		}
		if (err == ENOMEM || err == EAGAIN) {
			holder_fail(h, H_FORK_FAILED, err, "fork");
			goto wait_zap;
		}
		if (err) {
			holder_fail(h, H_ERROR, err, "ctl fork");
			goto wait_zap;
		}
		reply[strcspn(reply, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s/%s/stat", o->mnt, reply);
		fd = open(path, O_RDONLY);
		/*
		 * With the kernel's references charged (charge_refs), the
		 * lookup's dentry and proc_inode may find low memory full as
		 * the fork may: the same exhaustion, after the same retries.
		 */
		for (int tries = 0; fd < 0 && errno == ENOMEM && tries < 10;
		     tries++) {
			usleep(50000);
			fd = open(path, O_RDONLY);
		}
		if (fd < 0) {
			int e = errno;

			snprintf(cmd, sizeof(cmd), "kill %s\n", reply);
			ctl(ctlfd, cmd, NULL, 0);
			holder_fail(h, e == ENOMEM ? H_FORK_FAILED : H_ERROR, e,
				    "open stat");
			goto wait_zap;
		}
		snprintf(cmd, sizeof(cmd), "kill %s\n", reply);
		err = ctl(ctlfd, cmd, NULL, 0);
		if (err) {
			holder_fail(h, H_ERROR, err, "ctl kill");
			goto wait_zap;
		}
		__atomic_fetch_add(&h->held, 1, __ATOMIC_RELAXED);
	}
	if (load_long(&h->held) >= target)
		set_state(h, H_FULL);

wait_zap:
	while (!__atomic_load_n(&h->zap, __ATOMIC_ACQUIRE))
		nanosleep(&tick, NULL);
	if (have_chain)
		h->zap_err = kill_chain(ctlfd, o->depth, chain);
	__atomic_store_n(&h->zapped, 1, __ATOMIC_RELEASE);
	while (read(done, &c, 1) > 0)
		;
	_exit(0); /* closes every fd: the kernel forgets the inodes */
}

/* ---- sampling ------------------------------------------------------- */

/* Values of "Key: value" lines of @path; keys[i] == NULL ends the list. */
static int read_keys(const char *path, const char *const *keys, long *vals)
{
	char line[256];
	FILE *f = fopen(path, "re");
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		for (int i = 0; keys[i]; i++) {
			if (!strcmp(line, keys[i])) {
				vals[i] = strtol(colon + 1, NULL, 10);
				found++;
			}
		}
	}
	fclose(f);
	return found;
}

static const char *const meminfo_keys[] = {
	"LowTotal",	 "LowFree",	    "TaskStructs",
	"TaskStructsPinned", "PidStructs",    "PidStructsPinned",
	"OomEvents",	 "ForkFailures",    "KernelRefs",
	"PidStructSize",	 "PidStructHostSize", NULL,
};

#define NR_MEMINFO_KEYS (sizeof(meminfo_keys) / sizeof(meminfo_keys[0]) - 1)

static int read_meminfo(const char *mnt, struct sample *s)
{
	long v[NR_MEMINFO_KEYS];
	char path[PATH_MAX];
	int n;

	snprintf(path, sizeof(path), "%s/meminfo", mnt);
	n = read_keys(path, meminfo_keys, v);
	if (n < 0)
		return n;
	if (n != (int)NR_MEMINFO_KEYS)
		return -EPROTO;
	s->low_total_kb = v[0];
	s->low_free_kb = v[1];
	s->tasks = v[2];
	s->tasks_pinned = v[3];
	s->pids = v[4];
	s->pids_pinned = v[5];
	s->oom_events = v[6];
	s->fork_failures = v[7];
	s->kernel_refs = v[8];
	s->pid_size = v[9];
	s->pid_host_size = v[10];
	return 0;
}

static long daemon_rss_kb(pid_t pid)
{
	static const char *const keys[] = { "VmRSS", NULL };
	char path[64];
	long v = -1;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return read_keys(path, keys, &v) == 1 ? v : -1;
}

static long host_slab_kb(void)
{
	static const char *const keys[] = { "Slab", NULL };
	long v = -1;

	return read_keys("/proc/meminfo", keys, &v) == 1 ? v : -1;
}

static long fds_held(const struct holder *hs, long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++)
		sum += load_long(&hs[i].held);
	return sum;
}

static int take_sample(const struct opts *o, const struct holder *hs, double t0,
		       struct sample *s)
{
	s->t = now() - t0;
	s->fds = hs ? fds_held(hs, o->holders) : 0;
	s->rss_kb = daemon_rss_kb(o->daemon);
	s->slab_kb = host_slab_kb();
	return read_meminfo(o->mnt, s);
}

static long low_used_kb(const struct sample *s)
{
	return s->low_total_kb - s->low_free_kb;
}

static void csv_row(FILE *f, const struct sample *s)
{
	if (!f)
		return;
	fprintf(f, "%.3f,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld\n", s->t,
		s->fds, low_used_kb(s), s->tasks, s->tasks_pinned, s->pids,
		s->pids_pinned, s->oom_events, s->fork_failures, s->rss_kb,
		s->slab_kb);
}

/* ---- finding the daemon ---------------------------------------------- */

/*
 * Process @pid's command line, NUL-separated and NUL-terminated, in @buf
 * of @size bytes.  Returns its length, or -1.
 */
static ssize_t read_cmdline(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/*
 * Is process @pid a pidfs whose command line names the directory @want
 * (a realpath()), as src/pidfs [-f] [-o ...] MNT or mount.fuse3's
 * "pidfs MNT" do?
 */
static bool serves(pid_t pid, const char *want)
{
	char arg[PATH_MAX], buf[8192];
	char *p, *end, *base;
	ssize_t n = read_cmdline(pid, buf, sizeof(buf));

	if (n < 0)
		return false;
	end = buf + n;
	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	if (strcmp(base, "pidfs") && strcmp(base, "lt-pidfs"))
		return false;
	for (p = buf + strlen(buf) + 1; p < end; p += strlen(p) + 1)
		if (realpath(p, arg) && !strcmp(arg, want))
			return true;
	return false;
}

/* The pid of the pidfs process serving @mnt, or -1. */
static pid_t find_daemon(const char *mnt)
{
	char want[PATH_MAX];
	struct dirent *d;
	pid_t found = -1;
	DIR *dir;

	if (!realpath(mnt, want))
		return -1;
	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((d = readdir(dir)) && found < 0)
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9' &&
		    serves(atoi(d->d_name), want))
			found = atoi(d->d_name);
	closedir(dir);
	return found;
}

/* The pin= option on the daemon's command line, or NULL. */
static const char *daemon_model(pid_t pid)
{
	static const char *const models[] = { "pid", "task", "nr" };
	char buf[8192];
	ssize_t n = read_cmdline(pid, buf, sizeof(buf));

	if (n < 0)
		return NULL;
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ','; /* "-o,pin=task,lowmem=8M,MNT" */
	buf[n] = '\0';
	for (char *p = strstr(buf, "pin="); p; p = strstr(p + 1, "pin=")) {
		if (p != buf && p[-1] != ',')
			continue;
		for (size_t i = 0; i < 3; i++) {
			size_t len = strlen(models[i]);

			if (!strncmp(p + 4, models[i], len) &&
			    (p[4 + len] == ',' || !p[4 + len]))
				return models[i];
		}
	}
	return NULL;
}

/* ---- the run --------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void progress(const struct opts *o, const struct holder *hs,
		     const struct sample *s)
{
	long full = 0, failed = 0;

	for (long i = 0; i < o->holders; i++) {
		int st = load_state(&hs[i]);

		full += st == H_FULL;
		failed += st >= H_FORK_FAILED;
	}
	fprintf(stderr,
		"\r\033[K%s: %ld fds held, %ld/%ld holders full, %ld failed; "
		"low memory %.1f of %.0f MiB; %.1f s",
		o->model, s->fds, full, o->holders, failed,
		low_used_kb(s) / 1024.0, s->low_total_kb / 1024.0, s->t);
}

static bool all_stopped(const struct opts *o, const struct holder *hs)
{
	for (long i = 0; i < o->holders; i++)
		if (load_state(&hs[i]) < H_FULL)
			return false;
	return true;
}

/* Reap holders that died before their time; true if any did. */
static bool holder_died(const pid_t *kids, long n)
{
	int status;
	pid_t pid = waitpid(-1, &status, WNOHANG);

	if (pid <= 0)
		return false;
	for (long i = 0; i < n; i++)
		if (kids[i] == pid)
			fprintf(stderr,
				"\nexhaust: holder %ld died (status "
				"0x%x)\n",
				i, status);
	return true;
}

/*
 * setup: before the holders (no chain yet); start: holders set up, their
 * chains built; peak: every holder stopped; zapped: the chains killed,
 * only the held fds holding anything (peak, without --depth); end: every
 * fd closed.
 */
struct result {
	struct sample setup, start, peak, zapped, end;
	long full, fork_failed, errors, zap_errors;
	int fork_errno;
	double fill_seconds;
	double release_seconds;	/* -1 when the pins did not go */
};

/* Bytes of low memory charged between samples @a and @b. */
static double grown(const struct sample *a, const struct sample *b)
{
	return (low_used_kb(b) - low_used_kb(a)) * 1024.0;
}

/*
 * --depth: what the chains cost while they live, and what the held fds
 * alone hold once they are dead: the struct pids and, in the pid model,
 * the namespaces those pin (their bitmap pages), shared by the victims of
 * one chain.
 */
static void print_depth(const struct opts *o, const struct result *r)
{
	long fds = r->peak.fds;

	printf("  depth                      %10ld (a chain of %ld pid "
	       "namespaces per holder)\n",
	       o->depth, o->depth);
	printf("  the chains, alive          %10.1f KiB (%ld tasks, %ld "
	       "namespaces)\n",
	       grown(&r->setup, &r->start) / 1024.0,
	       o->holders * (o->depth + 1), o->holders * o->depth);
	printf("  after the chains died      %10.1f KiB still charged, "
	       "%ld tasks and %ld pids pinned\n",
	       grown(&r->setup, &r->zapped) / 1024.0, r->zapped.tasks_pinned,
	       r->zapped.pids_pinned);
	if (fds > 0)
		printf("  bytes per held fd, then    %10.0f\n",
		       grown(&r->setup, &r->zapped) / fds);
	if (r->zap_errors)
		printf("  chains that failed to die  %10ld\n", r->zap_errors);
}

static void print_summary(const struct opts *o, const struct result *r)
{
	const struct sample *a = &r->start, *p = &r->peak;
	double low = (low_used_kb(p) - low_used_kb(a)) * 1024.0;
	double slab = (p->slab_kb - a->slab_kb) * 1024.0;
	double rss = (p->rss_kb - a->rss_kb) * 1024.0;
	long fds = p->fds;

	printf("exhaust: %s model, %ld holders x %ld fds, daemon %d\n",
	       o->model, o->holders, o->fds, (int)o->daemon);
	printf("  fds held                   %10ld (%ld of %ld holders full)\n",
	       fds, r->full, o->holders);
	printf("  fork failures              %10ld", r->fork_failed);
	if (r->fork_failed)
		printf(" (%s)", strerror(r->fork_errno));
	printf("\n");
	printf("  pinned tasks               %10ld\n", p->tasks_pinned);
	printf("  pinned pids                %10ld\n", p->pids_pinned);
	printf("  low memory used            %10.1f MiB of %.0f MiB "
	       "(%.1f MiB at start)\n",
	       low_used_kb(p) / 1024.0, p->low_total_kb / 1024.0,
	       low_used_kb(a) / 1024.0);
	printf("  OOM events                 %10ld\n",
	       p->oom_events - a->oom_events);
	if (p->rss_kb >= 0 && a->rss_kb >= 0) {
		printf("  daemon RSS                 %10.1f MiB (%.1f MiB at "
		       "start)\n",
		       p->rss_kb / 1024.0, a->rss_kb / 1024.0);
		if (low > 0)
			printf("  RSS growth / low memory    %10.3f\n",
			       rss / low);
		/* PidStructHostSize and PidStructSize are level 0's. */
		if (low > 0 && p->pid_host_size != p->pid_size && !o->depth)
			printf("  RSS growth / host bytes    %10.3f "
			       "(struct pid: %ld B here, %ld B charged)\n",
			       rss / host_bytes(a, p, low), p->pid_host_size,
			       p->pid_size);
	}
	if (fds > 0) {
		printf("  model bytes pinned per held fd %6.0f\n", low / fds);
		printf("  host kernel bytes per held fd  %6.0f\n", slab / fds);
	}
	printf("  time to fill               %10.1f s\n", r->fill_seconds);
	if (r->errors)
		printf("  holders broken by errors   %10ld\n", r->errors);
	if (o->depth)
		print_depth(o, r);
}

static int write_summary(const struct opts *o, const struct result *r)
{
	const struct sample *a = &r->start, *p = &r->peak, *e = &r->end;
	long low = (low_used_kb(p) - low_used_kb(a)) * 1024;
	long slab = (p->slab_kb - a->slab_kb) * 1024;
	long rss = (p->rss_kb - a->rss_kb) * 1024;
	FILE *f = fopen(o->summary, "we");

	if (!f)
		return -errno;
	fprintf(f, "model=%s\n", o->model);
	fprintf(f, "holders=%ld\nfds_limit=%ld\n", o->holders, o->fds);
	fprintf(f, "fds_target=%ld\n", o->holders * (o->fds - FD_SLACK));
	fprintf(f, "fds_held=%ld\nholders_full=%ld\n", p->fds, r->full);
	fprintf(f, "fork_failures=%ld\n", r->fork_failed);
	fprintf(f, "fork_errno=%s\n",
		r->fork_failed ?
			(r->fork_errno == ENOMEM ? "ENOMEM" : "EAGAIN") :
			"none");
	fprintf(f, "holder_errors=%ld\n", r->errors);
	fprintf(f, "oom_events=%ld\n", p->oom_events - a->oom_events);
	fprintf(f, "model_fork_failures=%ld\n",
		p->fork_failures - a->fork_failures);
	fprintf(f, "pinned_tasks=%ld\npinned_pids=%ld\n", p->tasks_pinned,
		p->pids_pinned);
	fprintf(f, "lowmem_total_bytes=%ld\n", p->low_total_kb * 1024);
	fprintf(f, "lowmem_used_bytes=%ld\n", low_used_kb(p) * 1024);
	fprintf(f, "lowmem_start_bytes=%ld\n", low_used_kb(a) * 1024);
	fprintf(f, "lowmem_growth_bytes=%ld\n", low);
	fprintf(f, "rss_start_kb=%ld\nrss_peak_kb=%ld\nrss_end_kb=%ld\n",
		a->rss_kb, p->rss_kb, e->rss_kb);
	fprintf(f, "rss_growth_bytes=%ld\n", rss);
	fprintf(f, "rss_over_lowmem=%.3f\n", low > 0 ? (double)rss / low : 0);
	/* The host's size of a level-D struct pid is not in /meminfo. */
	if (o->depth)
		fprintf(f, "rss_over_host_bytes=n/a\n");
	else
		fprintf(f, "rss_over_host_bytes=%.3f\n",
			low > 0 ? (double)rss / host_bytes(a, p, (double)low) :
				  0);
	fprintf(f, "pid_struct_size=%ld\npid_struct_host_size=%ld\n",
		p->pid_size, p->pid_host_size);
	fprintf(f, "slab_start_kb=%ld\nslab_peak_kb=%ld\n", a->slab_kb,
		p->slab_kb);
	fprintf(f, "model_bytes_per_fd=%.1f\n",
		p->fds ? (double)low / p->fds : 0);
	fprintf(f, "host_bytes_per_fd=%.1f\n",
		p->fds ? (double)slab / p->fds : 0);
	fprintf(f, "depth=%ld\n", o->depth);
	fprintf(f, "namespaces=%ld\n", o->holders * o->depth);
	fprintf(f, "victims_per_namespace=%.1f\n",
		o->depth ? (double)p->fds / o->holders : 0);
	fprintf(f, "chain_bytes=%.0f\n", grown(&r->setup, &r->start));
	fprintf(f, "zapped_bytes=%.0f\n", grown(&r->setup, &r->zapped));
	fprintf(f, "pinned_tasks_zapped=%ld\npinned_pids_zapped=%ld\n",
		r->zapped.tasks_pinned, r->zapped.pids_pinned);
	fprintf(f, "zapped_bytes_per_fd=%.1f\n",
		p->fds ? grown(&r->setup, &r->zapped) / p->fds : 0);
	fprintf(f, "chain_errors=%ld\n", r->zap_errors);
	fprintf(f, "fill_seconds=%.1f\n", r->fill_seconds);
	fprintf(f, "release_seconds=%.1f\n", r->release_seconds);
	fprintf(f, "pinned_tasks_after=%ld\npinned_pids_after=%ld\n",
		e->tasks_pinned, e->pids_pinned);
	fprintf(f, "kernel_refs_after=%ld\n", e->kernel_refs);
	fprintf(f, "lowmem_after_bytes=%ld\n", low_used_kb(e) * 1024);
	fprintf(f, "released=%s\n", r->release_seconds >= 0 ? "yes" : "no");
	if (fclose(f))
		return -errno;
	return 0;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	long v;
	int opt;

	*o = (struct opts){
		.holders = 100,
		.fds = 1000,
		.pin_timeout = 30,
		.sample_ms = 100,
	};
	static const struct option longopts[] = {
		{ "depth", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "hp:f:d:D:m:c:s:i:t:", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_long(optarg, 0, MAX_DEPTH, &o->depth))
				return -1;
			break;
		case 'p':
			if (parse_long(optarg, 1, 10000, &o->holders))
				return -1;
			break;
		case 'f':
			if (parse_long(optarg, FD_SLACK + 1, 1 << 20, &o->fds))
				return -1;
			break;
		case 'D':
			if (parse_long(optarg, 1, INT_MAX, &v))
				return -1;
			o->daemon = (pid_t)v;
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'c':
			o->csv = optarg;
			break;
		case 's':
			o->summary = optarg;
			break;
		case 'i':
			if (parse_long(optarg, 1, 60000, &o->sample_ms))
				return -1;
			break;
		case 't':
			if (parse_long(optarg, 0, 3600, &v))
				return -1;
			o->pin_timeout = v;
			break;
		case 'h':
			usage(stdout, argv[0]);
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

static bool same_books(const struct sample *a, const struct sample *b)
{
	return a->low_free_kb == b->low_free_kb && a->tasks == b->tasks &&
	       a->tasks_pinned == b->tasks_pinned && a->pids == b->pids &&
	       a->pids_pinned == b->pids_pinned;
}

/* Do @s's live (unpinned) tasks and pids number @ref's? */
static bool live_as(const struct sample *ref, const struct sample *s)
{
	return s->tasks - s->tasks_pinned == ref->tasks - ref->tasks_pinned &&
	       s->pids - s->pids_pinned == ref->pids - ref->pids_pinned;
}

/*
 * Once the holders have stopped, wait for the model's books to stop
 * moving with as many live tasks and pids as @ref had (up to
 * o->pin_timeout): the last tasks killed are freed after an RCU grace
 * period, and a struct pid counts as pinned only once its task has gone.
 */
static void settle(const struct opts *o, const struct holder *hs, double t0,
		   const struct sample *ref, struct sample *s)
{
	struct timespec tick = { 0, 50000000L };
	double start = now();
	struct sample next;

	while (now() - start <= o->pin_timeout) {
		nanosleep(&tick, NULL);
		if (take_sample(o, hs, t0, &next))
			return;
		if (live_as(ref, &next) && same_books(s, &next)) {
			*s = next;
			return;
		}
		*s = next;
	}
}

/* Wait up to o->pin_timeout seconds for every pin to go; r->end. */
static void wait_unpinned(const struct opts *o, const struct holder *hs,
			  double t0, struct result *r)
{
	struct timespec tick = { 0, 50000000L };
	double start = now();

	r->release_seconds = -1;
	for (;;) {
		if (take_sample(o, hs, t0, &r->end) == 0 &&
		    r->end.tasks_pinned == 0 && r->end.pids_pinned == 0 &&
		    r->end.kernel_refs == 0) {
			r->release_seconds = now() - start;
			return;
		}
		if (now() - start > o->pin_timeout)
			return;
		nanosleep(&tick, NULL);
	}
}

/*
 * With --depth, once every holder has stopped (and hs[].zap is set), the
 * holders kill their chains; wait for that (up to o->pin_timeout) and for
 * the books to settle, into r->zapped.  Without, r->zapped is the peak.
 * Returns 0, or -1 when a holder did not report or a chain failed to die.
 */
static int zap_chains(const struct opts *o, struct holder *hs, double t0,
		      struct result *r)
{
	struct timespec tick = { 0, 20000000L };
	double start = now();

	r->zapped = r->peak;
	if (!o->depth)
		return 0;
	for (long i = 0; i < o->holders; i++) {
		while (!__atomic_load_n(&hs[i].zapped, __ATOMIC_ACQUIRE)) {
			if (interrupted || now() - start > o->pin_timeout) {
				fprintf(stderr,
					"exhaust: holder %ld did not kill its "
					"chain\n",
					i);
				return -1;
			}
			nanosleep(&tick, NULL);
		}
		if (hs[i].zap_err && !r->zap_errors++)
			fprintf(stderr, "exhaust: holder %ld: kill chain: %s\n",
				i, strerror(hs[i].zap_err));
	}
	if (take_sample(o, hs, t0, &r->zapped))
		return -1;
	settle(o, hs, t0, &r->setup, &r->zapped);
	return r->zap_errors ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec tick;
	int go[2], done[2], err, rc = 1;
	struct result r = { 0 };
	bool tty = isatty(2);
	struct holder *hs;
	struct opts o;
	struct sample s;
	FILE *csv = NULL;
	pid_t *kids;
	double t0;
	long i;

	if (parse_args(argc, argv, &o)) {
		usage(stderr, argv[0]);
		return 2;
	}
	tick.tv_sec = o.sample_ms / 1000;
	tick.tv_nsec = o.sample_ms % 1000 * 1000000L;
	if (!o.daemon) {
		o.daemon = find_daemon(o.mnt);
	} else {
		char want[PATH_MAX];

		/* A wrong -D would measure another process's RSS. */
		if (!realpath(o.mnt, want) || !serves(o.daemon, want)) {
			pid_t d = find_daemon(o.mnt);

			fprintf(stderr, "exhaust: -D %d is no pidfs serving %s",
				(int)o.daemon, o.mnt);
			if (d > 0)
				fprintf(stderr, " (pid %d is)\n", (int)d);
			else
				fprintf(stderr, " (is pidfs mounted there?)\n");
			return 2;
		}
	}
	if (!o.model)
		o.model = daemon_model(o.daemon);
	if (!o.model)
		o.model = "pid";
	if (o.daemon <= 0)
		fprintf(stderr,
			"exhaust: no daemon pid for %s (-D): daemon "
			"RSS not measured\n",
			o.mnt);

	t0 = now();
	err = take_sample(&o, NULL, t0, &r.setup);
	if (err) {
		fprintf(stderr, "exhaust: %s/meminfo: %s\n", o.mnt,
			strerror(-err));
		return 1;
	}
	if (o.csv) {
		csv = fopen(o.csv, "we");
		if (!csv) {
			perror(o.csv);
			return 1;
		}
		fprintf(csv,
			"time_s,fds_held,lowmem_used_kb,task_structs,"
			"task_structs_pinned,pid_structs,pid_structs_pinned,"
			"oom_events,fork_failures,daemon_rss_kb,"
			"host_slab_kb\n");
	}

	hs = mmap(NULL, o.holders * sizeof(*hs), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	kids = calloc(o.holders, sizeof(*kids));
	if (hs == MAP_FAILED || !kids || pipe2(go, O_CLOEXEC) ||
	    pipe2(done, O_CLOEXEC)) {
		perror("exhaust");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Holders wait for EOF on go, then for hs[i].zap, then EOF on done. */
	fflush(NULL);
	for (i = 0; i < o.holders; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("exhaust: fork");
			goto out_release;
		}
		if (kids[i] == 0) {
			if (csv)
				fclose(csv);
			close(go[1]);
			close(done[1]);
			holder_main(&o, &hs[i], go[0], done[0]);
		}
	}
	close(go[0]);
	close(done[0]);

	/* The baseline: holders set up, nothing held yet. */
	for (i = 0; i < o.holders && !interrupted; i++) {
		while (load_state(&hs[i]) == H_STARTING && !interrupted)
			nanosleep(&tick, NULL);
	}
	t0 = now();
	if (take_sample(&o, hs, t0, &r.start))
		goto out_release;
	csv_row(csv, &r.start);
	close(go[1]);
	go[1] = -1;

	while (!interrupted) {
		bool stopped = all_stopped(&o, hs);

		if (take_sample(&o, hs, t0, &s))
			break;
		csv_row(csv, &s);
		if (tty)
			progress(&o, hs, &s);
		if (stopped) {
			settle(&o, hs, t0, &r.start, &s);
			csv_row(csv, &s);
			r.peak = s;
			rc = 0;
			break;
		}
		if (holder_died(kids, o.holders))
			break;
		nanosleep(&tick, NULL);
	}
	if (tty)
		fprintf(stderr, "\n");
	r.fill_seconds = r.peak.t;
	for (i = 0; i < o.holders; i++) {
		int st = load_state(&hs[i]);

		r.full += st == H_FULL;
		if (st == H_FORK_FAILED) {
			r.fork_failed++;
			r.fork_errno = hs[i].err;
		}
		if (st == H_ERROR) {
			if (!r.errors++)
				fprintf(stderr, "exhaust: holder %ld: %s: %s\n",
					i, hs[i].what, strerror(hs[i].err));
			rc = 1;
		}
	}
	if (interrupted) {
		fprintf(stderr, "exhaust: interrupted\n");
		rc = 1;
	}
	for (i = 0; i < o.holders; i++)
		__atomic_store_n(&hs[i].zap, 1, __ATOMIC_RELEASE);
	if (!rc && zap_chains(&o, hs, t0, &r))
		rc = 1;
	if (!rc)
		print_summary(&o, &r);

out_release:
	/*
	 * Holders still running (interrupted, or a fork failed here) stop;
	 * then their zap flags and EOF on both pipes: they kill their chains,
	 * close everything and exit.
	 */
	for (i = 0; i < o.holders; i++)
		__atomic_store_n(&hs[i].stop, 1, __ATOMIC_RELAXED);
	if (go[1] >= 0)
		close(go[1]);
	for (i = 0; i < o.holders; i++)
		__atomic_store_n(&hs[i].zap, 1, __ATOMIC_RELEASE);
	close(done[1]);
	for (i = 0; i < o.holders; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	wait_unpinned(&o, hs, t0, &r);
	if (csv && fclose(csv)) {
		perror(o.csv);
		rc = 1;
	}
	if (r.release_seconds >= 0) {
		printf("exhaust: closed every fd; pins back to 0 after %.1f s "
		       "(low memory used %.1f MiB, daemon RSS %.1f MiB)\n",
		       r.release_seconds, low_used_kb(&r.end) / 1024.0,
		       r.end.rss_kb / 1024.0);
	} else {
		printf("exhaust: closed every fd, but after %.0f s "
		       "TaskStructsPinned %ld, PidStructsPinned %ld, "
		       "KernelRefs %ld\n",
		       o.pin_timeout, r.end.tasks_pinned, r.end.pids_pinned,
		       r.end.kernel_refs);
		rc = 1;
	}
	if (o.summary && !interrupted) {
		err = write_summary(&o, &r);
		if (err) {
			fprintf(stderr, "exhaust: %s: %s\n", o.summary,
				strerror(-err));
			rc = 1;
		}
	}
	munmap(hs, o.holders * sizeof(*hs));
	free(kids);
	return rc;
}
