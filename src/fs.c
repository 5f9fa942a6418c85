// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs: the /proc-like tree over the simulated kernel, on the FUSE
 * low-level API.
 *
 * Models fs/proc/base.c and fs/proc/root.c: a directory per thread-group
 * leader, listed by walking pid numbers with find_ge_pid() (next_tgid()),
 * whose inodes hold a pin on the task (pin.h: a struct pid, a task_struct
 * or a bare number, by mount option).  The per-pid directory is a table
 * (pid_entries[]), walked alike by lookup, readdir and getattr, and so is
 * the root (globals[]).
 *
 * Node ids carry their object.  A task node id is the pin itself shifted
 * left four bits, ORed with the index of its entry and a tag bit; the
 * kernel's lookup count on that node id is the number of references the
 * pin holds (one per successful lookup reply, dropped by FORGET).  So the
 * daemon keeps no inode table: a pinned dead task costs the model's object
 * and nothing else.  Global files have small fixed node ids.  ctl gets a
 * fresh node id at every lookup, with its reply buffer behind it, so two
 * open ctl files never share a page cache (see below).
 *
 * Caching (doc/caching.md).  OPEN and FLUSH are answered ENOSYS, so the
 * kernel opens files itself and serves stat and read from its dentry,
 * attribute and page caches: an open+read+close of a cached file costs no
 * request at all.  Task files change only at model events, which the task
 * layer reports (pidfs_kernel_set_event_hook()); the daemon turns each
 * into kernel invalidations, and a ctl write is answered only after its
 * invalidations are done, by a thread that serves no request (the
 * deadlock libfuse's documentation warns of).  So a read after a ctl
 * command sees its effect.  Files that change without events (meminfo,
 * uptime...) have no attribute caching and a modification time that moves
 * when their content does, which makes the kernel drop their pages.
 *
 * Locking: the model locks itself.  fs->ctl_lock protects the ctl
 * instances; each dynamic file's snapshot has its own mutex; the
 * invalidation queue has fs->nq_lock.  The kernel's request counters are
 * atomics.  No lock is held across a call into the model or a reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "fs.h"
#include "parse.h"
#include "pidfs/ctl.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/pidfd.h"
#include "pidfs/procfmt.h"

#define NODE_OBJ	(UINT64_C(1) << 62)	/* | pin << 4 | entry */
#define NODE_CTL	(UINT64_C(1) << 61)	/* | instance serial */
#define NODE_VISITOR	(UINT64_C(1) << 60)	/* | pid << 4 | entry */
#define ENTRY_BITS	4
#define ENTRY_MASK	((UINT64_C(1) << ENTRY_BITS) - 1)

/* readdir offsets: globals by index, then pids above PID_OFFSET */
#define PID_OFFSET	256

#define RENDER_MAX	(PIDFS_ARGS_MAX + 4096)

/* ---- the per-pid table ------------------------------------------------- */

enum pid_entry_id {
	E_DIR,		/* /<tgid> */
	E_STAT,
	E_STATUS,
	E_CMDLINE,
	E_COMM,
	E_PIDFD,	/* a pidfd: src/pidfd.c */
	E_TASK,		/* /<tgid>/task */
	T_DIR,		/* /<tgid>/task/<tid> */
	T_STAT,
	T_STATUS,
	T_CMDLINE,
	T_COMM,
	T_PIDFD,	/* the last: on_event() deletes T_DIR's down from it */
	NR_PID_ENTRIES,
};

typedef size_t (*task_show_fn)(char *buf, size_t size,
			       const struct task_info *ti);

struct pid_entry {
	const char *name;
	mode_t mode;
	enum pid_entry_id parent;
	task_show_fn show;
};

static const struct pid_entry pid_entries[NR_PID_ENTRIES] = {
	[E_DIR] = { NULL, S_IFDIR | 0555, E_DIR, NULL },
	[E_STAT] = { "stat", S_IFREG | 0444, E_DIR, procfmt_stat },
	[E_STATUS] = { "status", S_IFREG | 0444, E_DIR, procfmt_status },
	[E_CMDLINE] = { "cmdline", S_IFREG | 0444, E_DIR, procfmt_cmdline },
	[E_COMM] = { "comm", S_IFREG | 0444, E_DIR, procfmt_comm },
	/* read and write for the owner, as a pidfs inode's S_IRWXU */
	[E_PIDFD] = { "pidfd", S_IFREG | 0600, E_DIR, NULL },
	[E_TASK] = { "task", S_IFDIR | 0555, E_DIR, NULL },
	[T_DIR] = { NULL, S_IFDIR | 0555, E_TASK, NULL },
	[T_STAT] = { "stat", S_IFREG | 0444, T_DIR, procfmt_stat },
	[T_STATUS] = { "status", S_IFREG | 0444, T_DIR, procfmt_status },
	[T_CMDLINE] = { "cmdline", S_IFREG | 0444, T_DIR, procfmt_cmdline },
	[T_COMM] = { "comm", S_IFREG | 0444, T_DIR, procfmt_comm },
	[T_PIDFD] = { "pidfd", S_IFREG | 0600, T_DIR, NULL },
};

/* ---- the global table -------------------------------------------------- */

enum global_id {
	G_NONE,
	G_ROOT,		/* FUSE_ROOT_ID */
	G_CTL,
	G_MEMINFO,
	G_PIDHASH,
	G_REQUESTS,
	G_SELF,
	G_UPTIME,
	G_STAT,
	G_LOADAVG,
	G_CPUINFO,
	G_SYS,
	G_SYS_KERNEL,
	G_PID_MAX,
	G_OSRELEASE,
	NR_GLOBALS,
};

struct pidfs_fs;
typedef size_t (*global_show_fn)(struct pidfs_fs *fs, char *buf, size_t size);

struct global_entry {
	const char *name;
	mode_t mode;
	enum global_id parent;
	global_show_fn show;
	bool dynamic;		/* changes without model events */
};

static size_t show_meminfo(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_pidhash(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_requests(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_self(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_uptime(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_stat(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_loadavg(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_pid_max(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_cpuinfo(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_osrelease(struct pidfs_fs *fs, char *buf, size_t size);

static const struct global_entry globals[NR_GLOBALS] = {
	[G_ROOT] = { NULL, S_IFDIR | 0555, G_NONE, NULL, false },
	[G_CTL] = { "ctl", S_IFREG | 0600, G_ROOT, NULL, true },
	[G_MEMINFO] = { "meminfo", S_IFREG | 0444, G_ROOT, show_meminfo, true },
	[G_PIDHASH] = { "pidhash", S_IFREG | 0444, G_ROOT, show_pidhash, true },
	[G_REQUESTS] = { "requests", S_IFREG | 0444, G_ROOT, show_requests,
			 true },
	[G_SELF] = { "self", S_IFLNK | 0777, G_ROOT, show_self, false },
	[G_UPTIME] = { "uptime", S_IFREG | 0444, G_ROOT, show_uptime, true },
	[G_STAT] = { "stat", S_IFREG | 0444, G_ROOT, show_stat, true },
	[G_LOADAVG] = { "loadavg", S_IFREG | 0444, G_ROOT, show_loadavg, true },
	[G_CPUINFO] = { "cpuinfo", S_IFREG | 0444, G_ROOT, show_cpuinfo, false },
	[G_SYS] = { "sys", S_IFDIR | 0555, G_ROOT, NULL, false },
	[G_SYS_KERNEL] = { "kernel", S_IFDIR | 0555, G_SYS, NULL, false },
	[G_PID_MAX] = { "pid_max", S_IFREG | 0444, G_SYS_KERNEL, show_pid_max,
			false },
	[G_OSRELEASE] = { "osrelease", S_IFREG | 0444, G_SYS_KERNEL,
			  show_osrelease, false },
};

/* ---- state ----------------------------------------------------------------- */

/* A dynamic file's last rendering, served to the reads that follow. */
struct snapshot {
	pthread_mutex_t lock;
	char *buf;		/* lock */
	size_t len;		/* lock */
	uint64_t version;	/* lock: moves when the content does */
};

/* One looked-up ctl: a transaction buffer of its own. */
struct ctl_file {
	uint64_t nodeid;		/* immutable */
	uint64_t nlookup;		/* fs->ctl_lock */
	struct pidfs_ctl_reply reply;	/* fs->ctl_lock */
	uint64_t version;		/* fs->ctl_lock */
	struct ctl_file *next;		/* fs->ctl_lock */
};

#define CTL_BUCKETS 64

enum inval_kind { INVAL_INODE, INVAL_DELETE, INVAL_POLL };

struct inval {
	enum inval_kind kind;
	fuse_ino_t ino;			/* the inode, or the entry's parent */
	struct fuse_pollhandle *ph;	/* INVAL_POLL: woken, then destroyed */
	fuse_ino_t child;		/* INVAL_DELETE: the entry's inode */
	char name[16];			/* INVAL_DELETE: the entry's name */
};

/* A task released by the job's command. */
struct released {
	pid_t tgid, nr;
	pidfs_pin_t pin;
};

/* Invalidations to do, then a ctl write to answer (if @req). */
struct inval_job {
	struct inval *v;
	size_t n, cap;
	struct released *rel;
	size_t nr_rel, rel_cap;
	fuse_req_t req;
	int err;			/* positive errno, or 0 */
	size_t written;
	struct inval_job *next;
};

enum { NR_OPCODES = 64 };

struct pidfs_fs {
	struct pidfs_kernel *k;			/* immutable */
	struct pidfs_ctl *ctl;			/* immutable */
	const struct pidfs_pin_ops *pin;	/* immutable */
	enum pidfs_pin_model model;		/* immutable */
	struct fuse_session *se;		/* set before the loop */
	uid_t uid;				/* immutable */
	gid_t gid;				/* immutable */
	double timeout;				/* immutable */
	bool exact;				/* immutable: -o exact */
	struct pidfd_table *pidfds;		/* its own lock; src/pidfd.c */

	uint64_t kernel_refs;			/* ATOMIC: unforgotten lookups */
	uint64_t requests[NR_OPCODES];		/* ATOMIC */

	struct snapshot snaps[NR_GLOBALS];

	pthread_mutex_t ctl_lock;
	struct ctl_file *ctls[CTL_BUCKETS];	/* ctl_lock */
	uint64_t ctl_seq;			/* ctl_lock */

	/*
	 * The invalidation queue: FIFO, so ctl writes are answered in the
	 * order they ran.  nq_lock protects it; the thread sleeps on nq_cond.
	 */
	pthread_mutex_t nq_lock;
	pthread_cond_t nq_cond;
	struct inval_job *nq_head, *nq_tail;	/* nq_lock */
	/*
	 * Set under nq_lock; read by the notifier without it between two
	 * notifications, so that it stops sending at once.
	 */
	bool nq_stop;				/* ATOMIC */
	bool nq_running;
	pthread_t notifier;
};

/* The batch the current thread's ctl command fills, if any. */
static __thread struct inval_job *cur_job;

static inline struct pidfs_fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static const char *const opcode_names[NR_OPCODES] = {
	[1] = "lookup", [2] = "forget", [3] = "getattr", [4] = "setattr",
	[5] = "readlink",
	[14] = "open", [15] = "read", [16] = "write", [17] = "statfs",
	[18] = "release", [25] = "flush", [27] = "opendir", [28] = "readdir",
	[29] = "releasedir", [39] = "ioctl", [40] = "poll",
	[42] = "batch_forget", [99 % NR_OPCODES] = NULL,
};

static void count(struct pidfs_fs *fs, int opcode)
{
	__atomic_fetch_add(&fs->requests[opcode], 1, __ATOMIC_RELAXED);
}

/* ---- node ids ---------------------------------------------------------------- */

static inline fuse_ino_t task_node(pidfs_pin_t pin, enum pid_entry_id e)
{
	return NODE_OBJ | (uint64_t)pin << ENTRY_BITS | (uint64_t)e;
}

static inline bool is_task_node(fuse_ino_t ino)
{
	return ino & NODE_OBJ;
}

static inline pidfs_pin_t node_pin(fuse_ino_t ino)
{
	return (pidfs_pin_t)((ino & ~NODE_OBJ) >> ENTRY_BITS);
}

static inline enum pid_entry_id node_entry(fuse_ino_t ino)
{
	return (enum pid_entry_id)(ino & ENTRY_MASK);
}

static inline bool is_pidfd_node(fuse_ino_t ino)
{
	return is_task_node(ino) &&
	       (node_entry(ino) == E_PIDFD || node_entry(ino) == T_PIDFD);
}

static inline bool is_ctl_node(fuse_ino_t ino)
{
	return !(ino & NODE_OBJ) && (ino & NODE_CTL);
}

static inline bool is_visitor_node(fuse_ino_t ino)
{
	return !(ino & (NODE_OBJ | NODE_CTL)) && (ino & NODE_VISITOR);
}

static inline fuse_ino_t visitor_node(pid_t nr, enum pid_entry_id e)
{
	return NODE_VISITOR | (uint64_t)nr << ENTRY_BITS | (uint64_t)e;
}

static inline pid_t visitor_nr(fuse_ino_t ino)
{
	return (pid_t)((ino & ~NODE_VISITOR) >> ENTRY_BITS);
}

static inline bool is_global_node(fuse_ino_t ino)
{
	return ino >= G_ROOT && ino < NR_GLOBALS;
}


/* ---- attributes -------------------------------------------------------------- */

static void attr_init(struct pidfs_fs *fs, struct stat *st, mode_t mode,
		      uint64_t ino)
{
	time_t boot = (time_t)pidfs_kernel_boot_time(fs->k);

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = mode;
	/* Directories say 1: their subdirectory count is not known. */
	st->st_nlink = 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_blksize = 4096;
	st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = boot;
}

static void attr_time_ns(struct stat *st, uint64_t boot, uint64_t ns)
{
	st->st_mtim.tv_sec = (time_t)(boot + ns / 1000000000u);
	st->st_mtim.tv_nsec = (long)(ns % 1000000000u);
	st->st_ctim = st->st_atim = st->st_mtim;
}

/* What the task @pin names shows now; -ESRCH when it is gone. */
static int task_info_of(struct pidfs_fs *fs, pidfs_pin_t pin,
			struct task_info *ti)
{
	struct task_struct *t = fs->pin->task(fs->k, pin);
	int err;

	if (!t)
		return -ESRCH;
	err = pidfs_task_info(t, ti);
	put_task_struct(t);
	return err;
}

/*
 * A pidfd file's view of the task @pin names: the task's state and, once
 * it has exited, its exit status (the task's own while it is a zombie,
 * its pidfs inode's once reaped).  Never fails: a reaped task is a state.
 */
static void pidfd_view_of(struct pidfs_fs *fs, pidfs_pin_t pin,
			  struct task_info *ti, struct pidfd_view *v)
{
	memset(v, 0, sizeof(*v));
	v->ti = ti;
	v->serial = fs->pin->serial(pin);
	if (task_info_of(fs, pin, ti)) {
		v->state = PIDFD_REAPED;
		v->has_exit =
			pidfd_inode_exit_code(fs->pidfds, pin, &v->exit_code);
	} else if (ti->exit_state) {
		v->state = PIDFD_EXITED;
		v->has_exit = true;
		v->exit_code = pidfd_wait_status(ti->exit_code);
	}
}

/* A pidfd file's text, and its attributes; any thread. */
static size_t pidfd_render(struct pidfs_fs *fs, pidfs_pin_t pin,
			   struct task_info *ti, char *buf, size_t size)
{
	struct pidfd_view v;
	size_t len;

	pidfd_view_of(fs, pin, ti, &v);
	len = pidfd_show(buf, size, &v);
	return len < size ? len : size - 1;
}

static void pidfd_attr(struct pidfs_fs *fs, fuse_ino_t ino, struct stat *st)
{
	pidfs_pin_t pin = node_pin(ino);
	struct task_info ti;
	struct pidfd_view v;
	char buf[512];

	pidfd_view_of(fs, pin, &ti, &v);
	attr_init(fs, st, pid_entries[node_entry(ino)].mode,
		  fs->pin->serial(pin) << ENTRY_BITS | node_entry(ino));
	st->st_size = (off_t)pidfd_show(buf, sizeof(buf), &v);
	if (v.state != PIDFD_REAPED) {
		st->st_uid = ti.uid;
		st->st_gid = ti.gid;
		attr_time_ns(st, pidfs_kernel_boot_time(fs->k), ti.start_time);
	}
}

/* Render task entry @e of the task @pin names, into @buf. */
static int task_render(struct pidfs_fs *fs, pidfs_pin_t pin,
		       enum pid_entry_id e, struct task_info *ti, char *buf,
		       size_t size, size_t *len)
{
	int err;

	if (e == E_PIDFD || e == T_PIDFD) {
		*len = pidfd_render(fs, pin, ti, buf, size);
		return 0;
	}
	err = task_info_of(fs, pin, ti);
	if (err)
		return err;
	*len = 0;
	if (pid_entries[e].show) {
		*len = pid_entries[e].show(buf, size, ti);
		if (*len >= size)
			*len = size - 1;
	}
	return 0;
}

static int task_attr(struct pidfs_fs *fs, fuse_ino_t ino, struct stat *st)
{
	pidfs_pin_t pin = node_pin(ino);
	enum pid_entry_id e = node_entry(ino);
	struct task_info ti;
	int err;

	if (e >= NR_PID_ENTRIES)
		return -ENOENT;
	if (is_pidfd_node(ino)) {
		pidfd_attr(fs, ino, st);
		return 0;
	}
	err = task_info_of(fs, pin, &ti);
	if (err)
		return err;
	attr_init(fs, st, pid_entries[e].mode,
		  fs->pin->serial(pin) << ENTRY_BITS | e);
	st->st_uid = ti.uid;
	st->st_gid = ti.gid;
	/*
	 * The exact length, since tools trust it (tail seeks to it).  The
	 * price: a read that passed its size check just before an event
	 * invalidated the file may get the new content cut to the old
	 * length (doc/caching.md, "Races").
	 */
	if (S_ISREG(st->st_mode)) {
		char buf[RENDER_MAX];
		size_t len = pid_entries[e].show(buf, sizeof(buf), &ti);

		st->st_size = (off_t)(len < sizeof(buf) ? len : sizeof(buf) - 1);
	}
	attr_time_ns(st, pidfs_kernel_boot_time(fs->k), ti.start_time);
	return 0;
}

/* Render a dynamic global and make it the snapshot reads are served from. */
static void snapshot_refresh(struct pidfs_fs *fs, enum global_id g,
			     struct stat *st)
{
	struct snapshot *s = &fs->snaps[g];
	char buf[RENDER_MAX];
	size_t len = globals[g].show(fs, buf, sizeof(buf));

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	pthread_mutex_lock(&s->lock);
	if (!s->buf || s->len != len || memcmp(s->buf, buf, len)) {
		char *copy = malloc(len ? len : 1);

		if (copy) {
			memcpy(copy, buf, len);
			free(s->buf);
			s->buf = copy;
			s->len = len;
			s->version++;
		}
	}
	if (st) {
		st->st_size = (off_t)s->len;
		attr_time_ns(st, pidfs_kernel_boot_time(fs->k), s->version);
	}
	pthread_mutex_unlock(&s->lock);
}

static struct ctl_file *ctl_find(struct pidfs_fs *fs, fuse_ino_t ino)
{
	struct ctl_file *c = fs->ctls[ino % CTL_BUCKETS];

	while (c && c->nodeid != ino)
		c = c->next;
	return c;
}

static void ctl_attr(struct pidfs_fs *fs, struct ctl_file *c, struct stat *st)
{
	attr_init(fs, st, globals[G_CTL].mode, G_CTL);
	st->st_size = (off_t)c->reply.len;
	attr_time_ns(st, pidfs_kernel_boot_time(fs->k), c->version);
}

/*
 * Visitors.  A reader of the tree is a real process, not one of the
 * model's, yet tools look themselves up: procps reads /proc/self and then
 * /proc/<getpid()>, and gives up if that is missing.  So a lookup of the
 * caller's own number, when no model task has it, finds a read-only
 * "visitor" entry describing the caller (its name from the host's proc).
 * Visitors are never listed, pin nothing and are never cached.
 */
static void visitor_info(fuse_req_t req, pid_t nr, struct task_info *ti)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	char path[64];
	FILE *f;

	memset(ti, 0, offsetof(struct task_info, args));
	ti->pid = ti->tgid = ti->pgrp = ti->session = nr;
	ti->uid = ctx->uid;
	ti->gid = ctx->gid;
	ti->state = TASK_RUNNING;
	ti->nr_threads = 1;
	ti->is_leader = true;
	snprintf(ti->comm, sizeof(ti->comm), "visitor");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)nr);
	f = fopen(path, "re");
	if (f) {
		if (fgets(ti->comm, sizeof(ti->comm), f))
			ti->comm[strcspn(ti->comm, "\n")] = '\0';
		fclose(f);
	}
}

static size_t visitor_render(fuse_req_t req, fuse_ino_t ino,
			     struct task_info *ti, char *buf, size_t size)
{
	enum pid_entry_id e = node_entry(ino);
	size_t len = 0;

	visitor_info(req, visitor_nr(ino), ti);
	if (e < NR_PID_ENTRIES && pid_entries[e].show) {
		len = pid_entries[e].show(buf, size, ti);
		if (len >= size)
			len = size - 1;
	}
	return len;
}

static int visitor_attr(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
			struct stat *st)
{
	enum pid_entry_id e = node_entry(ino);
	struct task_info ti;
	char buf[RENDER_MAX];
	size_t len;

	if (e >= NR_PID_ENTRIES)
		return -ENOENT;
	len = visitor_render(req, ino, &ti, buf, sizeof(buf));
	attr_init(fs, st, pid_entries[e].mode, 0);
	st->st_uid = ti.uid;
	st->st_gid = ti.gid;
	if (S_ISREG(st->st_mode))
		st->st_size = (off_t)len;
	attr_time_ns(st, pidfs_kernel_boot_time(fs->k),
		     pidfs_kernel_uptime_ns(fs->k));
	return 0;
}

static int global_attr(struct pidfs_fs *fs, enum global_id g, struct stat *st)
{
	const struct global_entry *ge = &globals[g];

	attr_init(fs, st, ge->mode, g);
	if (ge->dynamic) {
		snapshot_refresh(fs, g, st);
	} else if (ge->show) {
		char buf[64];

		st->st_size = (off_t)ge->show(fs, buf, sizeof(buf));
	}
	return 0;
}

static int node_attr(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
		     struct stat *st, double *timeout)
{
	*timeout = fs->timeout;
	if (is_task_node(ino))
		return task_attr(fs, ino, st);
	if (is_visitor_node(ino)) {
		*timeout = 0;
		return visitor_attr(fs, req, ino, st);
	}
	if (is_ctl_node(ino)) {
		struct ctl_file *c;

		*timeout = 0;
		pthread_mutex_lock(&fs->ctl_lock);
		c = ctl_find(fs, ino);
		if (c)
			ctl_attr(fs, c, st);
		pthread_mutex_unlock(&fs->ctl_lock);
		return c ? 0 : -ENOENT;
	}
	if (!is_global_node(ino))
		return -ENOENT;
	if (globals[ino].dynamic)
		*timeout = 0;
	return global_attr(fs, (enum global_id)ino, st);
}

/* ---- lookup and forget ----------------------------------------------------------- */

/*
 * Every LOOKUP gets exactly one reply, and it is one of these two calls
 * or a fuse_reply_err() on a path that took no reference.  When
 * fuse_reply_entry() fails the request is gone all the same (interrupted,
 * or the connection aborted): nothing may reply to it again.
 */
static int reply_entry(fuse_req_t req, fuse_ino_t ino, const struct stat *st,
		       double entry_timeout, double attr_timeout)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = ino;
	e.attr = *st;
	e.entry_timeout = entry_timeout;
	e.attr_timeout = attr_timeout;
	return fuse_reply_entry(req, &e);
}

/* A poll handle no longer kept: pidfd_table's drop callback. */
static void pollhandle_drop(void *ph)
{
	fuse_pollhandle_destroy(ph);
}

/* Drop @n lookups of node @ino. */
static void node_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n)
{
	if (is_task_node(ino)) {
		if (is_pidfd_node(ino))
			pidfd_inode_put(fs->pidfds, node_pin(ino), n,
					pollhandle_drop);
		fs->pin->put(node_pin(ino), n);
		__atomic_fetch_sub(&fs->kernel_refs, n, __ATOMIC_RELAXED);
	} else if (is_ctl_node(ino)) {
		struct ctl_file *c, **pp;

		pthread_mutex_lock(&fs->ctl_lock);
		for (pp = &fs->ctls[ino % CTL_BUCKETS]; (c = *pp);
		     pp = &c->next) {
			if (c->nodeid != ino)
				continue;
			if (c->nlookup > n) {
				c->nlookup -= n;
				break;
			}
			*pp = c->next;
			pidfs_ctl_reply_free(&c->reply);
			free(c);
			break;
		}
		pthread_mutex_unlock(&fs->ctl_lock);
	}
}

/*
 * The same for a node that holds a reference for the kernel (a pin, a
 * ctl instance): if the reply was not delivered the kernel never learnt
 * of the node and will send no FORGET for it, so the reference goes here.
 */
static void reply_entry_ref(fuse_req_t req, struct pidfs_fs *fs,
			    fuse_ino_t ino, const struct stat *st,
			    double entry_timeout, double attr_timeout)
{
	if (reply_entry(req, ino, st, entry_timeout, attr_timeout))
		node_forget(fs, ino, 1);
}

/* A fresh ctl node: each lookup of "ctl" is a transaction of its own. */
static void lookup_ctl(fuse_req_t req, struct pidfs_fs *fs)
{
	struct ctl_file *c = calloc(1, sizeof(*c));
	struct stat st;

	if (!c) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&fs->ctl_lock);
	c->nodeid = NODE_CTL | ++fs->ctl_seq;
	c->nlookup = 1;
	c->next = fs->ctls[c->nodeid % CTL_BUCKETS];
	fs->ctls[c->nodeid % CTL_BUCKETS] = c;
	ctl_attr(fs, c, &st);
	pthread_mutex_unlock(&fs->ctl_lock);
	reply_entry_ref(req, fs, c->nodeid, &st, 0, 0);
}

/*
 * Reply to a lookup with entry @e of the task @pin names, @pin holding
 * one reference that becomes the kernel's.  A task gone meanwhile has no
 * entry, as in proc_pident_lookup().
 */
static void reply_task_entry(fuse_req_t req, struct pidfs_fs *fs,
			     pidfs_pin_t pin, enum pid_entry_id e)
{
	fuse_ino_t ino = task_node(pin, e);
	struct stat st;

	if (is_pidfd_node(ino) && pidfd_inode_get(fs->pidfds, pin)) {
		fs->pin->put(pin, 1);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	__atomic_fetch_add(&fs->kernel_refs, 1, __ATOMIC_RELAXED);
	if (task_attr(fs, ino, &st)) {
		node_forget(fs, ino, 1);
		fuse_reply_err(req, ENOENT);
		return;
	}
	reply_entry_ref(req, fs, ino, &st, fs->timeout, fs->timeout);
}

static void lookup_global(fuse_req_t req, struct pidfs_fs *fs,
			  enum global_id parent, const char *name)
{
	struct stat st;
	double timeout;
	pid_t nr;

	for (int g = G_ROOT + 1; g < NR_GLOBALS; g++) {
		if (globals[g].parent != parent || strcmp(globals[g].name, name))
			continue;
		if (g == G_CTL)
			return lookup_ctl(req, fs);
		node_attr(fs, req, (fuse_ino_t)g, &st, &timeout);
		reply_entry(req, (fuse_ino_t)g, &st, fs->timeout, timeout);
		return;
	}
	nr = parent == G_ROOT ? pidfs_parse_pid_name(name) : -1;
	if (nr > 0) {
		pidfs_pin_t pin = fs->pin->lookup(fs->k, nr);

		if (pin)
			return reply_task_entry(req, fs, pin, E_DIR);
		if (nr == fuse_req_ctx(req)->pid) {
			fuse_ino_t ino = visitor_node(nr, E_DIR);

			visitor_attr(fs, req, ino, &st);
			reply_entry(req, ino, &st, 0, 0);
			return;
		}
	}
	fuse_reply_err(req, ENOENT);
}

/* A visitor (a process outside the model) has no pidfd file. */
static inline bool visitor_has(int e)
{
	return e != E_PIDFD && e != T_PIDFD;
}

static void lookup_visitor(fuse_req_t req, struct pidfs_fs *fs,
			   fuse_ino_t parent, const char *name)
{
	enum pid_entry_id dir = node_entry(parent), e = NR_PID_ENTRIES;
	pid_t nr = visitor_nr(parent);
	struct stat st;

	if (dir == E_TASK) {
		if (pidfs_parse_pid_name(name) != nr)
			return (void)fuse_reply_err(req, ENOENT);
		e = T_DIR;
	} else {
		for (int i = 0; i < NR_PID_ENTRIES; i++)
			if (pid_entries[i].parent == dir && pid_entries[i].name &&
			    (enum pid_entry_id)i != dir && visitor_has(i) &&
			    !strcmp(pid_entries[i].name, name))
				e = (enum pid_entry_id)i;
		if (e == NR_PID_ENTRIES)
			return (void)fuse_reply_err(req, ENOENT);
	}
	visitor_attr(fs, req, visitor_node(nr, e), &st);
	reply_entry(req, visitor_node(nr, e), &st, 0, 0);
}

static void lookup_task(fuse_req_t req, struct pidfs_fs *fs,
			fuse_ino_t parent, const char *name)
{
	pidfs_pin_t pin = node_pin(parent), child_pin = pin;
	enum pid_entry_id dir = node_entry(parent), e = NR_PID_ENTRIES;

	if (dir == E_TASK) {
		/*
		 * task/<tid>: a thread of this group, pinned by its own pid.
		 * The group is checked on the task the pin names, so that a
		 * number reused between two lookups cannot tie this entry to
		 * another process.
		 */
		pid_t tid = pidfs_parse_pid_name(name);
		struct task_struct *t, *th;
		bool ours = false;

		child_pin = tid > 0 ? fs->pin->lookup(fs->k, tid) : 0;
		if (!child_pin)
			return (void)fuse_reply_err(req, ENOENT);
		t = fs->pin->task(fs->k, pin);
		th = fs->pin->task(fs->k, child_pin);
		ours = t && th && th->tgid == t->tgid;
		if (th)
			put_task_struct(th);
		if (t)
			put_task_struct(t);
		if (!ours) {
			fs->pin->put(child_pin, 1);
			return (void)fuse_reply_err(req, ENOENT);
		}
		e = T_DIR;
	} else {
		for (int i = 0; i < NR_PID_ENTRIES; i++) {
			if (pid_entries[i].parent == dir && pid_entries[i].name &&
			    (enum pid_entry_id)i != dir &&
			    !strcmp(pid_entries[i].name, name)) {
				e = (enum pid_entry_id)i;
				break;
			}
		}
		if (e == NR_PID_ENTRIES)
			return (void)fuse_reply_err(req, ENOENT);
		fs->pin->get(child_pin);
	}
	reply_task_entry(req, fs, child_pin, e);
}

static void pidfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct pidfs_fs *fs = fs_of(req);

	count(fs, 1);
	if (strlen(name) > NAME_MAX)
		return (void)fuse_reply_err(req, ENAMETOOLONG);
	if (is_task_node(parent))
		return lookup_task(req, fs, parent, name);
	if (is_visitor_node(parent))
		return lookup_visitor(req, fs, parent, name);
	if (is_global_node(parent) && S_ISDIR(globals[parent].mode))
		return lookup_global(req, fs, (enum global_id)parent, name);
	fuse_reply_err(req, ENOTDIR);
}

static void pidfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct pidfs_fs *fs = fs_of(req);

	count(fs, 2);
	node_forget(fs, ino, nlookup);
	fuse_reply_none(req);
}

static void pidfs_forget_multi(fuse_req_t req, size_t n,
			       struct fuse_forget_data *forgets)
{
	struct pidfs_fs *fs = fs_of(req);

	count(fs, 42);
	for (size_t i = 0; i < n; i++)
		node_forget(fs, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

/* ---- getattr, readlink ------------------------------------------------------- */

static void pidfs_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct stat st;
	double timeout;
	int err;

	count(fs, 3);
	err = node_attr(fs, req, ino, &st, &timeout);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, timeout);
}

static void pidfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct pidfs_fs *fs = fs_of(req);
	char buf[64];

	count(fs, 5);
	if (ino != G_SELF)
		return (void)fuse_reply_err(req, EINVAL);
	show_self(fs, buf, sizeof(buf));
	fuse_reply_readlink(req, buf);
}

/* ---- read ------------------------------------------------------------------------ */

static void reply_slice(fuse_req_t req, const char *buf, size_t len,
			size_t size, off_t off)
{
	if (off < 0 || (size_t)off >= len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, buf + off,
			       len - (size_t)off < size ? len - (size_t)off :
							  size);
}

/*
 * The part of @buf a read of @size at @off returns, copied, so that it
 * can be replied once the lock guarding @buf is dropped: a reply wakes
 * the reader, whose close(2) may free the buffer (RELEASE) or its node
 * (FORGET) before the replying thread runs again.  NULL and *@n = 0 for
 * nothing to return; NULL with *@n != 0 when out of memory.
 */
static char *slice_dup(const char *buf, size_t len, size_t size, off_t off,
		       size_t *n)
{
	char *copy;

	*n = (off < 0 || (size_t)off >= len) ? 0 :
	     len - (size_t)off < size	     ? len - (size_t)off :
					       size;
	if (!*n)
		return NULL;
	copy = malloc(*n);
	if (copy)
		memcpy(copy, buf + off, *n);
	return copy;
}

/* Reply with @n bytes at @copy (from slice_dup()), and free them. */
static void reply_dup(fuse_req_t req, char *copy, size_t n)
{
	if (n && !copy)
		fuse_reply_err(req, ENOMEM);
	else
		fuse_reply_buf(req, copy, n);
	free(copy);
}

/*
 * Render file node @ino into @buf as a read now sees it: a task or
 * visitor file rendered now; a dynamic global from its snapshot, made
 * anew first if @fresh.  Not for ctl, whose content is its reply.
 * Returns 0 or -errno.
 */
static int node_render(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
		       bool fresh, char *buf, size_t size, size_t *len)
{
	struct task_info ti;

	if (is_task_node(ino)) {
		enum pid_entry_id e = node_entry(ino);

		if (e >= NR_PID_ENTRIES || S_ISDIR(pid_entries[e].mode))
			return -EISDIR;
		return task_render(fs, node_pin(ino), e, &ti, buf, size, len);
	}
	if (is_visitor_node(ino)) {
		*len = visitor_render(req, ino, &ti, buf, size);
		return 0;
	}
	if (!is_global_node(ino) || !globals[ino].show ||
	    !S_ISREG(globals[ino].mode))
		return -EISDIR;
	if (globals[ino].dynamic) {
		struct snapshot *s = &fs->snaps[ino];

		if (fresh)
			snapshot_refresh(fs, (enum global_id)ino, NULL);
		pthread_mutex_lock(&s->lock);
		if (!s->buf) {
			pthread_mutex_unlock(&s->lock);
			snapshot_refresh(fs, (enum global_id)ino, NULL);
			pthread_mutex_lock(&s->lock);
		}
		*len = s->len < size ? s->len : size;
		memcpy(buf, s->buf ? s->buf : "", *len);
		pthread_mutex_unlock(&s->lock);
	} else {
		*len = globals[ino].show(fs, buf, size);
		if (*len >= size)
			*len = size - 1;
	}
	return 0;
}

/*
 * -o exact: an open file of its own, as a seq_file.  A read at offset 0
 * renders the file anew into the open file's buffer; reads further on
 * are served from that buffer, so each read(2) is one rendering and a
 * file read in pieces is one rendering too, as in procfs.  ctl keeps its
 * transaction here: a write's reply belongs to the open file, so
 * threads sharing one ctl fd see whole replies, each theirs or another's.
 * Nothing of it is touched once a read is answered: the reader's close
 * may free it (RELEASE) at once.
 */
struct open_file {
	pthread_mutex_t lock;
	char *buf;			/* lock */
	size_t len;			/* lock */
	bool filled;			/* lock */
};

static struct open_file *open_file_of(const struct fuse_file_info *fi)
{
	return fi ? (struct open_file *)(uintptr_t)fi->fh : NULL;
}

static void open_file_free(struct open_file *of)
{
	if (!of)
		return;
	pthread_mutex_destroy(&of->lock);
	free(of->buf);
	free(of);
}

/* Make @len bytes at @buf what @of serves.  Call with @of->lock held. */
static int open_file_store(struct open_file *of, const char *buf, size_t len)
{
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	free(of->buf);
	of->buf = copy;
	of->len = len;
	of->filled = true;
	return 0;
}

static void read_exact(fuse_req_t req, struct pidfs_fs *fs, fuse_ino_t ino,
		       struct open_file *of, size_t size, off_t off)
{
	char buf[RENDER_MAX], *copy = NULL;
	size_t len, n = 0;
	int err = 0;

	pthread_mutex_lock(&of->lock);
	if (!is_ctl_node(ino) && (off == 0 || !of->filled)) {
		err = node_render(fs, req, ino, true, buf, sizeof(buf), &len);
		if (!err)
			err = open_file_store(of, buf, len);
	}
	if (!err)
		copy = slice_dup(of->buf, of->len, size, off, &n);
	pthread_mutex_unlock(&of->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		reply_dup(req, copy, n);
}

static void pidfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct open_file *of = open_file_of(fi);
	char buf[RENDER_MAX], *copy;
	size_t len;
	int err;

	count(fs, 15);
	if (of)
		return read_exact(req, fs, ino, of, size, off);
	if (is_ctl_node(ino)) {
		struct ctl_file *c;

		pthread_mutex_lock(&fs->ctl_lock);
		c = ctl_find(fs, ino);
		if (!c || fuse_req_ctx(req)->uid != fs->uid) {
			pthread_mutex_unlock(&fs->ctl_lock);
			return (void)fuse_reply_err(req, c ? EACCES : ENOENT);
		}
		copy = slice_dup(c->reply.buf, c->reply.len, size, off, &len);
		pthread_mutex_unlock(&fs->ctl_lock);
		return reply_dup(req, copy, len);
	}
	err = node_render(fs, req, ino, false, buf, sizeof(buf), &len);
	if (err)
		return (void)fuse_reply_err(req, -err);
	reply_slice(req, buf, len, size, off);
}

/* ---- readdir ---------------------------------------------------------------- */

struct dirbuf {
	fuse_req_t req;
	char *p;
	size_t size, used;
};

/* Add one entry whose successor is at @next; false when full. */
static bool dir_add(struct dirbuf *d, const char *name, mode_t mode,
		    uint64_t ino, off_t next)
{
	struct stat st = { .st_ino = ino, .st_mode = mode };
	size_t need = fuse_add_direntry(d->req, NULL, 0, name, NULL, 0);

	if (d->used + need > d->size)
		return false;
	fuse_add_direntry(d->req, d->p + d->used, d->size - d->used, name, &st,
			  next);
	d->used += need;
	return true;
}

static void readdir_root(struct pidfs_fs *fs, struct dirbuf *d,
			 enum global_id dir, off_t off)
{
	struct pid_namespace *ns = pidfs_kernel_ns(fs->k);
	char name[16];
	int g;

	if (off < 1 && !dir_add(d, ".", S_IFDIR, dir, 1))
		return;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, globals[dir].parent ?
							   globals[dir].parent :
							   dir,
				2))
		return;
	for (g = G_ROOT + 1; g < NR_GLOBALS; g++) {
		if (globals[g].parent != dir || off >= g + 2)
			continue;
		if (!dir_add(d, globals[g].name, globals[g].mode, (uint64_t)g,
			     g + 2))
			return;
	}
	if (dir != G_ROOT)
		return;
	/*
	 * next_tgid(): walk the numbers, list thread-group leaders.  An
	 * offset past every possible number (a seek far beyond the end)
	 * is the end, not a number cut to an int.
	 */
	if (off - PID_OFFSET >= PID_MAX_LIMIT)
		return;
	for (int nr = off > PID_OFFSET ? (int)(off - PID_OFFSET) : 1;;) {
		struct task_struct *t;
		uint64_t serial = 0;
		bool leader = false;
		struct pid *pid;

		rcu_read_lock();
		pid = find_ge_pid_ns(nr, ns);
		if (pid) {
			nr = pid_nr(pid);
			t = pid_task(pid, PIDTYPE_PID);
			leader = t && t->group_leader == t;
			serial = pid_serial(pid);
		}
		rcu_read_unlock();
		if (!pid)
			return;
		snprintf(name, sizeof(name), "%d", nr);
		if (leader && !dir_add(d, name, S_IFDIR,
				       fs->model == PIDFS_PIN_NR ?
					       (uint64_t)nr << ENTRY_BITS :
					       serial << ENTRY_BITS,
				       PID_OFFSET + nr + 1))
			return;
		nr++;
	}
}

static void readdir_task(struct pidfs_fs *fs, struct dirbuf *d,
			 fuse_ino_t ino, off_t off)
{
	pidfs_pin_t pin = node_pin(ino);
	enum pid_entry_id dir = node_entry(ino);
	struct task_struct *t = fs->pin->task(fs->k, pin);
	pid_t *tids;
	char name[16];
	int n;

	if (!t)
		return;
	if (off < 1 && !dir_add(d, ".", S_IFDIR, 0, 1))
		goto out;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, 0, 2))
		goto out;
	if (dir != E_TASK) {
		for (int i = 0; i < NR_PID_ENTRIES; i++) {
			if (pid_entries[i].parent != dir || i == (int)dir ||
			    off >= i + 2)
				continue;
			if (!dir_add(d, pid_entries[i].name,
				     pid_entries[i].mode,
				     fs->pin->serial(pin) << ENTRY_BITS |
					     (uint64_t)i,
				     i + 2))
				goto out;
		}
		goto out;
	}
	n = pidfs_thread_ids_get(t, &tids);
	for (int i = 0; i < n; i++) {
		uint64_t serial = (uint64_t)tids[i];

		if (off >= PID_OFFSET + tids[i] + 1)
			continue;
		if (fs->model != PIDFS_PIN_NR) {
			/* st_ino derives from the serial, as lookup's does */
			struct pid *pid;

			rcu_read_lock();
			pid = find_pid_ns(tids[i], pidfs_kernel_ns(fs->k));
			serial = pid ? pid_serial(pid) : 0;
			rcu_read_unlock();
		}
		snprintf(name, sizeof(name), "%d", tids[i]);
		if (!dir_add(d, name, S_IFDIR, serial << ENTRY_BITS | T_DIR,
			     PID_OFFSET + tids[i] + 1))
			break;
	}
	free(tids);
out:
	put_task_struct(t);
}

static void readdir_visitor(struct dirbuf *d, fuse_ino_t ino, off_t off)
{
	enum pid_entry_id dir = node_entry(ino);
	char name[16];

	if (off < 1 && !dir_add(d, ".", S_IFDIR, 0, 1))
		return;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, 0, 2))
		return;
	/* glibc hides entries of inode 0: number them as their nodes. */
	if (dir == E_TASK) {
		snprintf(name, sizeof(name), "%d", visitor_nr(ino));
		if (off < 3)
			dir_add(d, name, S_IFDIR,
				visitor_node(visitor_nr(ino), T_DIR), 3);
		return;
	}
	for (int i = 0; i < NR_PID_ENTRIES; i++) {
		if (pid_entries[i].parent != dir || i == (int)dir ||
		    off >= i + 2 || !visitor_has(i))
			continue;
		if (!dir_add(d, pid_entries[i].name, pid_entries[i].mode,
			     visitor_node(visitor_nr(ino), i), i + 2))
			return;
	}
}

static void pidfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct dirbuf d = { .req = req, .size = size };

	count(fs, 28);
	d.p = malloc(size ? size : 1);
	if (!d.p)
		return (void)fuse_reply_err(req, ENOMEM);
	if (is_task_node(ino)) {
		enum pid_entry_id e = node_entry(ino);

		if (e >= NR_PID_ENTRIES || !S_ISDIR(pid_entries[e].mode)) {
			free(d.p);
			return (void)fuse_reply_err(req, ENOTDIR);
		}
		readdir_task(fs, &d, ino, off);
	} else if (is_visitor_node(ino)) {
		readdir_visitor(&d, ino, off);
	} else if (is_global_node(ino) && S_ISDIR(globals[ino].mode)) {
		readdir_root(fs, &d, (enum global_id)ino, off);
	} else {
		free(d.p);
		return (void)fuse_reply_err(req, ENOTDIR);
	}
	fuse_reply_buf(req, d.p, d.used);
	free(d.p);
}

/* ---- ctl ------------------------------------------------------------------------ */

static struct inval *job_add(struct inval_job *j, enum inval_kind kind,
			     fuse_ino_t ino)
{
	struct inval *v;

	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 32;

		v = realloc(j->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		j->v = v;
		j->cap = cap;
	}
	v = &j->v[j->n++];
	v->kind = kind;
	v->ino = ino;
	return v;
}

static void job_inval(struct inval_job *j, fuse_ino_t ino)
{
	job_add(j, INVAL_INODE, ino);
}

/*
 * Wake the pollers of the pidfs inode of @pin: its poll handles go into
 * the job, for the notifier to send and destroy.
 */
static void job_wake_pidfd(struct pidfs_fs *fs, struct inval_job *j,
			   pidfs_pin_t pin)
{
	void **v;
	size_t n = pidfd_inode_take_waiters(fs->pidfds, pin, &v);

	for (size_t i = 0; i < n; i++) {
		struct inval *w = job_add(j, INVAL_POLL, 0);

		if (w)
			w->ph = v[i];
		else
			fuse_pollhandle_destroy(v[i]);
	}
	free(v);
}

/* Entry @name of @parent, which must be @child, is gone. */
static void job_delete(struct inval_job *j, fuse_ino_t parent,
		       const char *name, pid_t nr, fuse_ino_t child)
{
	struct inval *v = job_add(j, INVAL_DELETE, parent);

	if (!v)
		return;
	v->child = child;
	if (name)
		snprintf(v->name, sizeof(v->name), "%s", name);
	else
		snprintf(v->name, sizeof(v->name), "%d", nr);
}

static void job_released(struct inval_job *j,
			 const struct pidfs_event_rec *ev, pidfs_pin_t pin)
{
	if (j->nr_rel == j->rel_cap) {
		size_t cap = j->rel_cap ? 2 * j->rel_cap : 8;
		struct released *v = realloc(j->rel, cap * sizeof(*v));

		if (!v)
			return;
		j->rel = v;
		j->rel_cap = cap;
	}
	j->rel[j->nr_rel++] = (struct released){ ev->tgid, ev->nr, pin };
}

/*
 * A thread is listed under /<tid>/task/ of every thread of its group
 * (Linux resolves /<tid> for any thread), and the kernel keeps its
 * directory under whichever it was last looked up through.  So once the
 * command is done, delete each released thread under every thread of
 * its group: those released with it, and those still alive.
 */
static void job_delete_siblings(struct pidfs_fs *fs, struct inval_job *j)
{
	for (size_t a = 0; a < j->nr_rel; a++) {
		struct released *r = &j->rel[a];
		pid_t *tids = NULL;
		int n = 0;
		pidfs_pin_t lp = fs->pin->lookup(fs->k, r->tgid);
		struct task_struct *leader = lp ? fs->pin->task(fs->k, lp) :
						  NULL;

		for (size_t b = 0; b < j->nr_rel; b++)
			if (b != a && j->rel[b].tgid == r->tgid &&
			    j->rel[b].nr != r->tgid)
				job_delete(j, task_node(j->rel[b].pin, E_TASK),
					   NULL, r->nr, task_node(r->pin, T_DIR));
		if (leader && leader->pid == r->tgid)
			n = pidfs_thread_ids_get(leader, &tids);
		for (int i = 0; i < n; i++) {
			pidfs_pin_t sib;

			if (tids[i] == r->tgid || tids[i] == r->nr)
				continue;
			sib = fs->pin->lookup(fs->k, tids[i]);
			if (!sib)
				continue;
			job_delete(j, task_node(sib, E_TASK), NULL, r->nr,
				   task_node(r->pin, T_DIR));
			fs->pin->put(sib, 1);
		}
		free(tids);
		if (leader)
			put_task_struct(leader);
		if (lp)
			fs->pin->put(lp, 1);
	}
}

/*
 * The task layer's event hook: what the kernel may have cached that the
 * event changed.  Runs in the thread executing a ctl command.
 *
 * A released task's entries are deleted, not merely invalidated, children
 * before parents: the kernel then drops each inode when its last user
 * goes (an open file's close) and sends FORGET, where an invalidated one
 * would sit in the inode cache, pinning, until memory pressure evicted it.
 * Its inodes are invalidated as well, so an open file's cached pages go
 * and its next read asks, and gets ESRCH.
 */
static void on_event(void *arg, const struct pidfs_event_rec *ev)
{
	struct pidfs_fs *fs = arg;
	struct inval_job *j = cur_job;
	pidfs_pin_t pin, gpin;

	if (!j)
		return;
	pin = fs->pin->of_event(ev, 0);
	gpin = fs->pin->of_event(ev, 1);
	switch (ev->ev) {
	case PIDFS_EV_FORK:
		job_inval(j, ev->leader ? FUSE_ROOT_ID : task_node(gpin, E_TASK));
		break;
	case PIDFS_EV_RELEASE:
		/* task/<tid>/ and its files, under the leader's task/ */
		for (int e = T_PIDFD; e > T_DIR; e--)
			job_delete(j, task_node(pin, T_DIR), pid_entries[e].name,
				   0, task_node(pin, e));
		job_delete(j, task_node(gpin, E_TASK), NULL, ev->nr,
			   task_node(pin, T_DIR));
		job_released(j, ev, pin);
		/* then /<nr>/ (a thread's too: Linux resolves /<tid>) */
		for (int e = E_TASK; e > E_DIR; e--)
			job_delete(j, task_node(pin, E_DIR), pid_entries[e].name,
				   0, task_node(pin, e));
		job_delete(j, FUSE_ROOT_ID, NULL, ev->nr, task_node(pin, E_DIR));
		job_inval(j, ev->leader ? FUSE_ROOT_ID : task_node(gpin, E_TASK));
		/* its pidfds keep the exit status, as pidfs_exit() does */
		pidfd_inode_exit(fs->pidfds, pin,
				 pidfd_wait_status(ev->exit_code));
		job_wake_pidfd(fs, j, pin);
		/* and every cached inode of the task: */
		__attribute__((fallthrough));
	case PIDFS_EV_CHANGE:
		if (ev->ev == PIDFS_EV_CHANGE && ev->exit_state)
			job_wake_pidfd(fs, j, pin);
		for (int e = 0; e < NR_PID_ENTRIES; e++)
			job_inval(j, task_node(pin, e));
		break;
	}
}

/*
 * Send one invalidation; false when the connection is going or gone
 * (EBADF, ENODEV, ENOTCONN) and nothing more can be sent.  The kernel's
 * other answers (ENOENT: nothing cached there; ENOTEMPTY, EBUSY: an entry
 * it keeps) concern that entry alone.
 */
static bool send_inval(struct pidfs_fs *fs, const struct inval *v)
{
	int err;

	if (v->kind == INVAL_POLL)
		err = fuse_lowlevel_notify_poll(v->ph);
	else if (v->kind == INVAL_INODE)
		err = fuse_lowlevel_notify_inval_inode(fs->se, v->ino, 0, 0);
	else
		err = fuse_lowlevel_notify_delete(fs->se, v->ino, v->child,
						  v->name, strlen(v->name));
	return err != -EBADF && err != -ENODEV && err != -ENOTCONN;
}

/*
 * The invalidation thread.  It serves no request, so it may wait in the
 * kernel for locks a request holds.  Once the file system is stopping
 * (pidfs_fs_stop(), or a dead connection) it sends no more
 * invalidations, whatever is queued, but still answers the ctl writes
 * waiting on them: their commands ran.
 */
static void *notifier_main(void *arg)
{
	struct pidfs_fs *fs = arg;
	struct inval_job *j;
	bool sending = true;

	for (;;) {
		pthread_mutex_lock(&fs->nq_lock);
		while (!fs->nq_head && !fs->nq_stop)
			pthread_cond_wait(&fs->nq_cond, &fs->nq_lock);
		j = fs->nq_head;
		if (j) {
			fs->nq_head = j->next;
			if (!fs->nq_head)
				fs->nq_tail = NULL;
		}
		pthread_mutex_unlock(&fs->nq_lock);
		if (!j)
			return NULL;

		for (size_t i = 0; i < j->n && sending; i++)
			sending = !__atomic_load_n(&fs->nq_stop,
						   __ATOMIC_RELAXED) &&
				  send_inval(fs, &j->v[i]);
		for (size_t i = 0; i < j->n; i++)
			if (j->v[i].kind == INVAL_POLL)
				fuse_pollhandle_destroy(j->v[i].ph);
		if (j->req) {
			if (j->err)
				fuse_reply_err(j->req, j->err);
			else
				fuse_reply_write(j->req, j->written);
		}
		free(j->v);
		free(j->rel);
		free(j);
	}
}

static void job_queue(struct pidfs_fs *fs, struct inval_job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&fs->nq_lock);
	if (fs->nq_tail)
		fs->nq_tail->next = j;
	else
		fs->nq_head = j;
	fs->nq_tail = j;
	pthread_cond_signal(&fs->nq_cond);
	pthread_mutex_unlock(&fs->nq_lock);
}

/*
 * A write to anything but ctl is refused.  The kernel may hold the
 * refused bytes in its page cache already: a root process that opened a
 * task file for writing (root passes the 0444 check) and wrote through a
 * shared mapping has changed the cached page before its writeback asks
 * us.  So the file's cached pages are dropped once the refusal is sent
 * (the page is under writeback until then), and the next reader gets the
 * file as the model has it.
 */
static void refuse_write(fuse_req_t req, struct pidfs_fs *fs, fuse_ino_t ino)
{
	struct inval_job *j = calloc(1, sizeof(*j));

	fuse_reply_err(req, EACCES);
	if (j && job_add(j, INVAL_INODE, ino))
		return job_queue(fs, j);
	free(j);
}

/*
 * Move what concerns node @ino itself from @j to @later.  The writer of
 * a file holds its inode's lock and pages until its reply, and the
 * kernel takes them to invalidate or delete that inode: so the written
 * file's own invalidations must follow the reply, not precede it.
 */
static void job_split_self(struct inval_job *j, struct inval_job *later,
			   fuse_ino_t ino)
{
	size_t keep = 0;

	for (size_t i = 0; i < j->n; i++) {
		struct inval *v = &j->v[i], *w;

		if (v->ino != ino &&
		    !(v->kind == INVAL_DELETE && v->child == ino)) {
			j->v[keep++] = *v;
			continue;
		}
		w = job_add(later, v->kind, v->ino);
		if (w)
			*w = *v;
	}
	j->n = keep;
}

/*
 * A pidfd's "kill [CODE]" or "exit [CODE]": the command ctl would run,
 * on the task the file's pin names now, so each pin model answers its
 * way: pid, ESRCH once the struct pid has no task; task, ESRCH for a
 * released task, still charged; nr, whoever has the number now.  The
 * task is resolved, then acted on by its number (the task layer acts on
 * numbers only), and answered once its invalidations are out, as ctl is.
 * So one window is left open, which a task-layer call taking the task
 * itself would close: a command run between the two that reaps the task
 * and hands its number to a new one makes this write reach the new one.
 * Permission as kill(2)'s: root, the mount's owner, or the task's owner.
 */
static void pidfd_write(fuse_req_t req, struct pidfs_fs *fs, fuse_ino_t ino,
			const char *buf, size_t size)
{
	uid_t uid = fuse_req_ctx(req)->uid;
	struct task_struct *t;
	struct pidfd_cmd cmd;
	struct task_info ti;
	struct inval_job *j, *later;
	int err;

	if (pidfd_parse_cmd(buf, size, &cmd))
		return (void)fuse_reply_err(req, EINVAL);
	t = fs->pin->task(fs->k, node_pin(ino));
	if (!t)
		return (void)fuse_reply_err(req, ESRCH);
	err = pidfs_task_info(t, &ti);
	put_task_struct(t);
	if (err)
		return (void)fuse_reply_err(req, -err);
	if (uid && uid != fs->uid && uid != ti.uid)
		return (void)fuse_reply_err(req, EPERM);
	j = calloc(1, sizeof(*j));
	later = calloc(1, sizeof(*later));
	if (!j || !later) {
		free(j);
		free(later);
		return (void)fuse_reply_err(req, ENOMEM);
	}
	cur_job = j;
	if (cmd.op == PIDFD_OP_KILL)
		err = pidfs_kill(fs->k, ti.pid, cmd.code);
	else
		err = pidfs_exit(fs->k, ti.pid, cmd.code);
	cur_job = NULL;
	job_delete_siblings(fs, j);
	job_split_self(j, later, ino);
	j->req = req;
	j->err = -err;
	j->written = size;
	job_queue(fs, j);
	job_queue(fs, later);
}

static void pidfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
			size_t size, off_t off, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct pidfs_ctl_reply reply = { 0 };
	struct open_file *of;
	struct inval_job *j;
	struct ctl_file *c;
	int err;

	count(fs, 16);
	if (is_pidfd_node(ino))
		return pidfd_write(req, fs, ino, buf, size);
	if (!is_ctl_node(ino))
		return refuse_write(req, fs, ino);
	if (fuse_req_ctx(req)->uid != fs->uid)
		return (void)fuse_reply_err(req, EACCES);
	/* One command per write(2), from the start of the file. */
	if (off != 0)
		return (void)fuse_reply_err(req, EINVAL);
	j = calloc(1, sizeof(*j));
	if (!j)
		return (void)fuse_reply_err(req, ENOMEM);

	cur_job = j;
	err = pidfs_ctl_exec(fs->ctl, buf, size, &reply);
	cur_job = NULL;
	job_delete_siblings(fs, j);

	of = open_file_of(fi);
	if (of) {
		pthread_mutex_lock(&of->lock);
		open_file_store(of, reply.buf ? reply.buf : "", reply.len);
		pthread_mutex_unlock(&of->lock);
	}
	pthread_mutex_lock(&fs->ctl_lock);
	c = ctl_find(fs, ino);
	if (c) {
		pidfs_ctl_reply_free(&c->reply);
		c->reply = reply;
		c->version++;
		reply.buf = NULL;
	}
	pthread_mutex_unlock(&fs->ctl_lock);
	pidfs_ctl_reply_free(&reply);

	j->req = req;
	j->err = -err;
	j->written = size;
	job_queue(fs, j);
}

/* ---- the rest ----------------------------------------------------------------- */

/*
 * No OPEN and no FLUSH: the kernel then opens and closes files itself and
 * reads them from its page cache.  ENOSYS here is remembered by the kernel
 * for the whole connection.
 */
static void pidfs_open(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct open_file *of;

	count(fs, 14);
	if (!fs->exact)
		return (void)fuse_reply_err(req, ENOSYS);
	/*
	 * -o exact: an open file of our own, read past the page cache.
	 * Only ctl may be written: refused here, no byte reaches a cache.
	 */
	if ((fi->flags & O_ACCMODE) != O_RDONLY && !is_ctl_node(ino) &&
	    !is_pidfd_node(ino))
		return (void)fuse_reply_err(req, EACCES);
	of = calloc(1, sizeof(*of));
	if (!of)
		return (void)fuse_reply_err(req, ENOMEM);
	pthread_mutex_init(&of->lock, NULL);
	fi->fh = (uintptr_t)of;
	fi->direct_io = 1;
	if (fuse_reply_open(req, fi))
		open_file_free(of);
}

static void pidfs_release(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	count(fs_of(req), 18);
	open_file_free(open_file_of(fi));
	fuse_reply_err(req, 0);
}

static void pidfs_opendir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	count(fs_of(req), 27);
	fuse_reply_err(req, ENOSYS);
}

/*
 * The tree is the model's to change, through ctl: every other change is
 * refused with EPERM, as procfs refuses unlink and chmod.  One exception:
 * ctl may be truncated, since a shell's "> ctl" opens it with O_TRUNC.
 */
static void pidfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct ctl_file *c;
	struct stat st;

	count(fs, 4);
	if (is_pidfd_node(ino) && to_set == FUSE_SET_ATTR_SIZE) {
		/* O_TRUNC of a command file: nothing to truncate */
		pidfd_attr(fs, ino, &st);
		return (void)fuse_reply_attr(req, &st, 0);
	}
	if (!is_ctl_node(ino) || (to_set & ~(FUSE_SET_ATTR_SIZE |
					     FUSE_SET_ATTR_ATIME_NOW |
					     FUSE_SET_ATTR_MTIME_NOW |
					     FUSE_SET_ATTR_ATIME |
					     FUSE_SET_ATTR_MTIME)))
		return (void)fuse_reply_err(req, EPERM);
	if (fuse_req_ctx(req)->uid != fs->uid)
		return (void)fuse_reply_err(req, EACCES);
	pthread_mutex_lock(&fs->ctl_lock);
	c = ctl_find(fs, ino);
	if (c)
		ctl_attr(fs, c, &st);
	pthread_mutex_unlock(&fs->ctl_lock);
	if (!c)
		return (void)fuse_reply_err(req, ENOENT);
	fuse_reply_attr(req, &st, 0);
}

static void pidfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, dev_t rdev)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			  const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			 fuse_ino_t newparent, const char *newname,
			 unsigned int flags)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		       const char *newname)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
			 mode_t mode, struct fuse_file_info *fi)
{
	fuse_reply_err(req, EPERM);
}

/*
 * poll: every file answers, since one ENOSYS would turn poll off for the
 * whole mount.  Files are always ready (ctl for writing too); a pidfd
 * answers as pidfd_poll() and keeps the handle in its pidfs inode, which
 * the notifier wakes at the task's exit and at its reap.  The handle is
 * kept before the state is read, so an exit between the two still wakes
 * it.  Always reaches the daemon: the kernel caches no poll answer.
 */
static void pidfs_poll(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, struct fuse_pollhandle *ph)
{
	struct pidfs_fs *fs = fs_of(req);
	unsigned int mask = POLLIN | POLLRDNORM;
	struct pidfd_view v;
	struct task_info ti;
	void *evicted = NULL;

	count(fs, 40);
	if (!is_pidfd_node(ino)) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		if (is_ctl_node(ino))
			mask |= POLLOUT | POLLWRNORM;
		return (void)fuse_reply_poll(req, mask);
	}
	if (ph &&
	    pidfd_inode_add_waiter(fs->pidfds, node_pin(ino), ph, &evicted))
		fuse_pollhandle_destroy(ph);
	if (evicted) {
		/* its poller polls again and hands a fresh handle */
		fuse_lowlevel_notify_poll(evicted);
		fuse_pollhandle_destroy(evicted);
	}
	pidfd_view_of(fs, node_pin(ino), &ti, &v);
	fuse_reply_poll(req, pidfd_poll_mask(v.state));
}

/*
 * ioctl: PIDFD_GET_INFO on a pidfd, through FUSE's restricted ioctl (the
 * kernel copies _IOC_SIZE bytes each way).  Like copy_struct_to_user(),
 * the reply is the caller's size: ours, then zeroes.  ENOTTY otherwise.
 */
static void pidfs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
			void *arg, struct fuse_file_info *fi,
			unsigned int flags, const void *in_buf, size_t in_bufsz,
			size_t out_bufsz)
{
	struct pidfs_fs *fs = fs_of(req);
	struct pidfd_info info;
	struct pidfd_view v;
	struct task_info ti;
	uint64_t mask = 0;
	int usize, err;
	char *out;

	count(fs, 39);
	if (!is_pidfd_node(ino) || !pidfd_is_get_info(cmd))
		return (void)fuse_reply_err(req, ENOTTY);
	usize = pidfd_info_size(cmd);
	if (usize < 0)
		return (void)fuse_reply_err(req, -usize);
	if (in_bufsz < sizeof(mask) || out_bufsz < (size_t)usize)
		return (void)fuse_reply_err(req, EINVAL);
	memcpy(&mask, in_buf, sizeof(mask));
	pidfd_view_of(fs, node_pin(ino), &ti, &v);
	err = pidfd_get_info(&v, mask, &info);
	if (err)
		return (void)fuse_reply_err(req, -err);
	out = calloc(1, (size_t)usize);
	if (!out)
		return (void)fuse_reply_err(req, ENOMEM);
	memcpy(out, &info,
	       (size_t)usize < sizeof(info) ? (size_t)usize : sizeof(info));
	fuse_reply_ioctl(req, 0, out, (size_t)usize);
	free(out);
}

static void pidfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct pidfs_fs *fs = fs_of(req);
	struct lowmem_stats ls;
	struct statvfs sv;

	count(fs, 17);
	lowmem_read_stats(pidfs_kernel_lowmem(fs->k), &ls);
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = sv.f_frsize = 1024;
	sv.f_blocks = ls.budget >> 10;
	sv.f_bfree = sv.f_bavail = (ls.budget - ls.used) >> 10;
	sv.f_files = (fsfilcnt_t)pid_ns_pid_max(pidfs_kernel_ns(fs->k));
	sv.f_namemax = NAME_MAX;
	fuse_reply_statfs(req, &sv);
}

static void pidfs_init(void *userdata, struct fuse_conn_info *conn)
{
	/* Parallel lookups and reads; nothing to gain from readdirplus. */
	conn->want &= ~FUSE_CAP_READDIRPLUS;
	conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
	if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
		conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

const struct fuse_lowlevel_ops pidfs_fs_ops = {
	.init = pidfs_init,
	.lookup = pidfs_lookup,
	.forget = pidfs_forget,
	.forget_multi = pidfs_forget_multi,
	.getattr = pidfs_getattr,
	.setattr = pidfs_setattr,
	.readlink = pidfs_readlink,
	.mknod = pidfs_mknod,
	.mkdir = pidfs_mkdir,
	.unlink = pidfs_unlink,
	.rmdir = pidfs_unlink,
	.symlink = pidfs_symlink,
	.rename = pidfs_rename,
	.link = pidfs_link,
	.create = pidfs_create,
	.open = pidfs_open,
	.release = pidfs_release,
	.read = pidfs_read,
	.write = pidfs_write,
	.opendir = pidfs_opendir,
	.readdir = pidfs_readdir,
	.statfs = pidfs_statfs,
	.poll = pidfs_poll,
	.ioctl = pidfs_ioctl,
};

/* ---- global files ------------------------------------------------------------- */

static size_t show_meminfo(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct lowmem_stats ls;
	struct pidfs_kernel_stats ks;
	struct procfmt_line extra[] = {
		{ "KernelRefs",
		  __atomic_load_n(&fs->kernel_refs, __ATOMIC_RELAXED), NULL },
		{ "PidfdExitInfos", 0, NULL },
	};

	lowmem_read_stats(pidfs_kernel_lowmem(fs->k), &ls);
	extra[1].value = ls.kind[LOWMEM_PIDFS].objects;
	pidfs_kernel_read_stats(fs->k, &ks);
	return procfmt_meminfo(buf, size, &ls, &ks, sizeof(struct pid), extra,
			       sizeof(extra) / sizeof(extra[0]));
}

static size_t show_pidhash(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct pid_ns_stats st;

	pid_ns_read_stats(pidfs_kernel_ns(fs->k), &st);
	return procfmt_pidhash(buf, size, &st);
}

static size_t show_requests(struct pidfs_fs *fs, char *buf, size_t size)
{
	size_t len = 0;

	for (int i = 0; i < NR_OPCODES; i++) {
		uint64_t n = __atomic_load_n(&fs->requests[i],
					     __ATOMIC_RELAXED);

		if (!opcode_names[i])
			continue;
		len += (size_t)snprintf(buf + (len < size ? len : size),
					len < size ? size - len : 0,
					"%s %llu\n", opcode_names[i],
					(unsigned long long)n);
	}
	return len;
}

/*
 * /self: the reader is a real process, not one of the model's, so there
 * is no "self" to name.  It points at init, the one task that always
 * exists and the ancestor of all others: tools that read their own entry
 * (procps does) find a sane one.
 */
static size_t show_self(struct pidfs_fs *fs, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size, "1");
}

static size_t show_uptime(struct pidfs_fs *fs, char *buf, size_t size)
{
	uint64_t up = pidfs_kernel_uptime_ns(fs->k);

	return procfmt_uptime(buf, size, up, up);
}

static size_t show_stat(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct pidfs_kernel_stats ks;

	pidfs_kernel_read_stats(fs->k, &ks);
	return procfmt_stat_global(buf, size, pidfs_kernel_boot_time(fs->k),
				   ks.forks, 0);
}

static size_t show_loadavg(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct pidfs_kernel_stats ks;

	pidfs_kernel_read_stats(fs->k, &ks);
	return procfmt_loadavg(buf, size, 0, ks.nr_tasks,
			       pid_ns_last_pid(pidfs_kernel_ns(fs->k)));
}

/* What top needs to find: one processor, the model's. */
static size_t show_cpuinfo(struct pidfs_fs *fs, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size,
				"processor\t: 0\nmodel name\t: pidfs model\n\n");
}

/* procps reads the release to pick formats: the host's is the truth. */
static size_t show_osrelease(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return (size_t)snprintf(buf, size, "unknown\n");
	return (size_t)snprintf(buf, size, "%s\n", u.release);
}

static size_t show_pid_max(struct pidfs_fs *fs, char *buf, size_t size)
{
	return procfmt_pid_max(buf, size,
			       pid_ns_pid_max(pidfs_kernel_ns(fs->k)));
}

/* ---- life cycle ------------------------------------------------------------------ */

struct pidfs_fs *pidfs_fs_create(const struct pidfs_fs_params *params)
{
	struct pidfs_fs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->k = params->kernel;
	fs->model = params->model;
	fs->pin = pidfs_pin_ops(params->model);
	fs->uid = params->uid;
	fs->gid = params->gid;
	fs->timeout = params->timeout;
	fs->exact = params->exact;
	fs->ctl = pidfs_ctl_create(fs->k);
	fs->pidfds = pidfd_table_create(pidfs_kernel_lowmem(fs->k));
	if (!fs->ctl || !fs->pidfds) {
		pidfd_table_destroy(fs->pidfds, pollhandle_drop);
		if (fs->ctl)
			pidfs_ctl_destroy(fs->ctl);
		free(fs);
		return NULL;
	}
	for (int g = 0; g < NR_GLOBALS; g++)
		pthread_mutex_init(&fs->snaps[g].lock, NULL);
	pthread_mutex_init(&fs->ctl_lock, NULL);
	pthread_mutex_init(&fs->nq_lock, NULL);
	pthread_cond_init(&fs->nq_cond, NULL);
	pidfs_kernel_set_event_hook(fs->k, on_event, fs);
	return fs;
}

int pidfs_fs_start(struct pidfs_fs *fs, struct fuse_session *se)
{
	int err;

	fs->se = se;
	err = pthread_create(&fs->notifier, NULL, notifier_main, fs);
	if (err)
		return -err;
	fs->nq_running = true;
	return 0;
}

static void stop_notifier(struct pidfs_fs *fs)
{
	if (!fs->nq_running)
		return;
	pthread_mutex_lock(&fs->nq_lock);
	__atomic_store_n(&fs->nq_stop, true, __ATOMIC_RELAXED);
	pthread_cond_signal(&fs->nq_cond);
	pthread_mutex_unlock(&fs->nq_lock);
	pthread_join(fs->notifier, NULL);
	fs->nq_running = false;
}

void pidfs_fs_stop(struct pidfs_fs *fs)
{
	stop_notifier(fs);
}

int pidfs_fs_shutdown(struct pidfs_fs *fs, char *why, size_t why_size)
{
	struct lowmem *lm = pidfs_kernel_lowmem(fs->k);
	uint64_t refs = __atomic_load_n(&fs->kernel_refs, __ATOMIC_RELAXED);
	struct pidfs_pin_audit a;
	struct lowmem_stats ls;
	int err;

	stop_notifier(fs);
	pidfs_kernel_set_event_hook(fs->k, NULL, NULL);
	/* the kernel's pidfs inodes went with the mount: their exit info too */
	pidfd_table_destroy(fs->pidfds, pollhandle_drop);
	fs->pidfds = NULL;
	pidfs_kernel_release_all(fs->k);

	/*
	 * What is still allocated now is held by the inodes the kernel had
	 * not forgotten when the mount went away, and nothing else: the pin
	 * model counts their references against our own count of lookups,
	 * then drops them.
	 */
	err = pidfs_pin_release_leftovers(fs->pin, fs->k, refs, &a);
	rcu_barrier();
	if (err == -ENOMEM) {
		snprintf(why, why_size, "out of memory auditing the leftovers");
		return err;
	}
	if (err)
		snprintf(why, why_size,
			 "kernel held %llu references; found %zu pids "
			 "(%llu refs), %zu tasks (%llu refs)",
			 (unsigned long long)refs, a.pids,
			 (unsigned long long)a.pid_refs, a.tasks,
			 (unsigned long long)a.task_refs);

	lowmem_read_stats(lm, &ls);
	if (!err && (ls.kind[LOWMEM_PID].objects || ls.kind[LOWMEM_TASK].objects ||
		     ls.kind[LOWMEM_PID].pinned ||
		     ls.kind[LOWMEM_TASK].pinned)) {
		err = -EBADE;
		snprintf(why, why_size,
			 "after release: %llu pids (%llu pinned), %llu tasks "
			 "(%llu pinned) still allocated",
			 (unsigned long long)ls.kind[LOWMEM_PID].objects,
			 (unsigned long long)ls.kind[LOWMEM_PID].pinned,
			 (unsigned long long)ls.kind[LOWMEM_TASK].objects,
			 (unsigned long long)ls.kind[LOWMEM_TASK].pinned);
	}
	if (!err)
		snprintf(why, why_size,
			 "released %llu references the kernel held; nothing "
			 "leaked",
			 (unsigned long long)refs);
	return err;
}

void pidfs_fs_destroy(struct pidfs_fs *fs)
{
	if (!fs)
		return;
	stop_notifier(fs);
	for (int b = 0; b < CTL_BUCKETS; b++) {
		struct ctl_file *c, *next;

		for (c = fs->ctls[b]; c; c = next) {
			next = c->next;
			pidfs_ctl_reply_free(&c->reply);
			free(c);
		}
	}
	for (int g = 0; g < NR_GLOBALS; g++) {
		free(fs->snaps[g].buf);
		pthread_mutex_destroy(&fs->snaps[g].lock);
	}
	pidfd_table_destroy(fs->pidfds, pollhandle_drop);
	pidfs_ctl_destroy(fs->ctl);
	pthread_mutex_destroy(&fs->ctl_lock);
	pthread_mutex_destroy(&fs->nq_lock);
	pthread_cond_destroy(&fs->nq_cond);
	free(fs);
}
