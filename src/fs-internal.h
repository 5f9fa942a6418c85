/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file system's private layout, shared by its rooms:
 *
 *   fs.c       the FUSE operations table, getattr, statfs, the refusals,
 *              and the life cycle (create, start, stop, shutdown)
 *   tree.c     the tree as data: the per-pid and global tables, their
 *              one walker, node ids, attributes, rendering, visitors
 *   dir.c      lookup, forget, readdir
 *   file.c     read, readlink, write, open and release: ctl's
 *              transactions and -o exact's open files
 *   inval.c    model events into kernel invalidations, and the thread
 *              that sends them and answers ctl writes
 *   globals.c  the global files (/meminfo, /pidhash, /stat, ...)
 *   view.c     /pidns/<id>/: a pid namespace's view, its node table
 *
 * Node ids carry their object.  A task node id is the pin itself shifted
 * left ENTRY_BITS bits, ORed with the index of its entry and the NODE_OBJ
 * tag; the kernel's lookup count on that node id is the number of
 * references the pin holds (one per successful lookup reply, dropped by
 * FORGET).  So the daemon keeps no inode table: a pinned dead task costs
 * the model's object and nothing else.  Global files have small fixed
 * node ids (their index in globals[]).  ctl gets a fresh node id at every
 * lookup, with its reply buffer behind it, so two open ctl files never
 * share a page cache.  Visitors (a reader's own pid) carry the number.
 *
 * Views (/pidns/<id>/, view.c) are the one place with an inode table.  A
 * view's node must name its namespace besides its pin and entry, and a
 * namespace pointer does not fit in the bits the root's node ids leave
 * (bit 63 alone is free).  So a view node gets NODE_VIEW | a serial from
 * view.c's table, hashed both by node id and by its key (namespace, pin,
 * slot); the entry keeps the kernel's lookup count, a reference on the
 * namespace, and as many references of the pin as lookups, as a root
 * node's pin does, and goes at the FORGET that ends its count.  The root
 * tree keeps its table-free ids: a mount that never opens a view
 * allocates nothing more than before.  Requests and the invalidations
 * speak of nodes through struct node_key, whatever tree they are in.
 *
 * Locking: the model locks itself.  fs->ctl_lock protects the ctl
 * instances; each dynamic file's snapshot has its own mutex; the
 * invalidation queue has fs->nq_lock; an -o exact open file has its own.
 * The request counters and kernel_refs are atomics.  No lock is held
 * across a call into the model that can sleep on another, and none across
 * a reply: a reply wakes the reader, whose close may free what the lock
 * guards.
 */
#ifndef PIDFS_FS_INTERNAL_H
#define PIDFS_FS_INTERNAL_H

#include <linux/fuse.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fs.h"
#include "pidfs/ctl.h"
#include "pidfs/pid.h"
#include "pin.h"

/* ---- node ids ---------------------------------------------------------- */

#define NODE_VIEW	(UINT64_C(1) << 63)	/* | serial: view.c's */
#define NODE_OBJ	(UINT64_C(1) << 62)	/* | pin << 6 | entry */
#define NODE_CTL	(UINT64_C(1) << 61)	/* | instance serial */
#define NODE_VISITOR	(UINT64_C(1) << 60)	/* | pid << 6 | entry */
#define ENTRY_BITS	6
#define ENTRY_MASK	((UINT64_C(1) << ENTRY_BITS) - 1)

/* A pin, shifted past the entry, stays below the tag bit. */
_Static_assert(PIDFS_PIN_BITS + ENTRY_BITS <= 62,
	       "a task node id holds a pin and an entry below NODE_OBJ");
/* A visitor's number likewise below NODE_VISITOR. */
_Static_assert(PID_NR_BITS + ENTRY_BITS <= 60,
	       "a visitor node id holds a pid and an entry");

/* readdir offsets: globals by index, then pids above PID_OFFSET */
#define PID_OFFSET	256

#define RENDER_MAX	(PIDFS_ARGS_MAX + 4096)

/* ---- the per-pid table (tree.c) ---------------------------------------- */

/*
 * A task's entries: /<tgid>'s, then task/<tid>'s, each directory before
 * its files.
 */
enum pid_entry_id {
	E_DIR,		/* /<tgid> */
	E_STAT,
	E_STATUS,
	E_CMDLINE,
	E_COMM,
	E_STATM,
	E_ENVIRON,
	E_FD,
	E_FDINFO,
	E_CWD,
	E_EXE,
	E_ROOT,
	E_LIMITS,
	E_IO,
	E_WCHAN,
	E_MAPS,
	E_NS,		/* /<tgid>/ns */
	E_NS_PID,
	E_NS_PID_FOR_CHILDREN,
	E_PIDFD,	/* a pidfd: pidfdfs.c */
	E_TASK,		/* /<tgid>/task */
	T_DIR,		/* /<tgid>/task/<tid> */
	T_STAT,
	T_STATUS,
	T_CMDLINE,
	T_COMM,
	T_STATM,
	T_ENVIRON,
	T_FD,
	T_FDINFO,
	T_CWD,
	T_EXE,
	T_ROOT,
	T_LIMITS,
	T_IO,
	T_WCHAN,
	T_MAPS,
	T_NS,
	T_NS_PID,
	T_NS_PID_FOR_CHILDREN,
	T_PIDFD,
	NR_PID_ENTRIES,
};

_Static_assert(NR_PID_ENTRIES <= 1 << ENTRY_BITS,
	       "a task node id has ENTRY_BITS for its entry");

typedef size_t (*task_show_fn)(char *buf, size_t size,
			       const struct task_info *ti);

/*
 * @mode says what the entry is: a directory (listing the entries whose
 * parent it is, which may be none), a regular file (@show renders it) or
 * a symbolic link (@show renders its target; an empty target is ENOENT,
 * as Linux's links of an exited task).
 */
struct pid_entry {
	const char *name;
	mode_t mode;
	enum pid_entry_id parent;
	task_show_fn show;
};

extern const struct pid_entry pid_entries[NR_PID_ENTRIES];

/* ---- the global table (globals.c) -------------------------------------- */

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
	G_PIDNS,	/* /pidns: the views (view.c) */
	NR_GLOBALS,
};

_Static_assert(NR_GLOBALS <= PID_OFFSET - 2,
	       "root readdir offsets: ., .., globals, then pids");

struct pidfs_fs;
typedef size_t (*global_show_fn)(struct pidfs_fs *fs, char *buf, size_t size);

struct global_entry {
	const char *name;
	mode_t mode;
	enum global_id parent;
	global_show_fn show;
	bool dynamic;		/* changes without model events */
	bool in_view;		/* also in every /pidns/<id>/ */
};

extern const struct global_entry globals[NR_GLOBALS];

/* ---- state ------------------------------------------------------------- */

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

struct view_node;

struct inval_job;

/* FUSE opcodes are below this (<linux/fuse.h>); counted per opcode. */
enum { NR_OPCODES = 64 };

struct pidfs_fs {
	struct pidfs_kernel *k;			/* immutable */
	struct pidfs_ctl *ctl;			/* immutable */
	const struct pidfs_pin_ops *pin;	/* immutable */
	struct fuse_session *se;		/* set before the loop */
	uid_t uid;				/* immutable */
	gid_t gid;				/* immutable */
	double timeout;				/* immutable */
	bool exact;				/* immutable: -o exact */
	struct pidfd_table *pidfds;		/* its own lock; src/pidfd.c */

	uint64_t kernel_refs;			/* ATOMIC: unforgotten lookups */
	uint64_t requests[NR_OPCODES];		/* ATOMIC */

	struct snapshot snaps[NR_GLOBALS];

	/*
	 * The views' node table (view.c): view_lock protects both hashes,
	 * every entry's count, view_shift and view_seq.  The hashes are
	 * allocated at the first view node and doubled whenever the nodes
	 * outnumber the buckets, so a chain stays short however many nodes
	 * the kernel holds (ps over 10,000 tasks of a view holds 40,000).
	 * A mutex, taken by workers and
	 * the event hook after the task layer has dropped its locks; no call
	 * into the model is made under it (a namespace's or pin's last
	 * reference is dropped after it is released).
	 */
	pthread_mutex_t view_lock;
	struct view_node **view_ids;			/* view_lock */
	struct view_node **view_keys;			/* view_lock */
	unsigned int view_shift;	/* view_lock: 1 << it buckets, or 0 */
	uint64_t view_seq;				/* view_lock */
	/* written under view_lock, read without: events skip views at 0 */
	uint64_t view_nodes;				/* ATOMIC */

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

static inline struct pidfs_fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* The root's namespace: the initial one, where ctl's numbers live. */
static inline struct pid_namespace *root_ns(struct pidfs_fs *fs)
{
	return pidfs_kernel_ns(fs->k);
}

/* One more request of @opcode (FUSE_LOOKUP, ...) for /requests. */
static inline void count(struct pidfs_fs *fs, unsigned int opcode)
{
	if (opcode < NR_OPCODES)
		__atomic_fetch_add(&fs->requests[opcode], 1, __ATOMIC_RELAXED);
}

/* ---- node ids ---------------------------------------------------------- */

static inline fuse_ino_t task_node(pidfs_pin_t pin, enum pid_entry_id e)
{
	return NODE_OBJ | (uint64_t)pin << ENTRY_BITS | (uint64_t)e;
}

static inline bool is_view_node(fuse_ino_t ino)
{
	return ino & NODE_VIEW;
}

static inline bool is_task_node(fuse_ino_t ino)
{
	return (ino & (NODE_VIEW | NODE_OBJ)) == NODE_OBJ;
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

/* A visitor (a process outside the model) has no pidfd file. */
static inline bool visitor_has(enum pid_entry_id e)
{
	return e != E_PIDFD && e != T_PIDFD;
}

static inline bool is_ctl_node(fuse_ino_t ino)
{
	return !(ino & (NODE_VIEW | NODE_OBJ)) && (ino & NODE_CTL);
}

static inline bool is_visitor_node(fuse_ino_t ino)
{
	return !(ino & (NODE_VIEW | NODE_OBJ | NODE_CTL)) &&
	       (ino & NODE_VISITOR);
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

/* ---- node keys (view.c) ------------------------------------------------ */

/* A key's slot: a pid entry below SLOT_GLOBAL, a global at and above. */
#define SLOT_GLOBAL	64

_Static_assert(NR_PID_ENTRIES <= SLOT_GLOBAL, "slots: entries, then globals");

/*
 * What a node is, in whichever tree: the root (view 0, the initial
 * namespace, node ids computed) or a namespace's view (view.c's table).
 * @ns is valid while the kernel holds the node: a view node keeps a
 * reference on it, and the initial one lives as long as the mount.
 */
struct node_key {
	struct pid_namespace *ns;	/* the namespace the tree shows */
	unsigned int view;		/* 0: the root; else viewof(ns) */
	pidfs_pin_t pin;		/* a task node's pin, taken in @ns */
	unsigned int slot;		/* pid entry, SLOT_GLOBAL + global */
};

static inline bool key_is_task(const struct node_key *k)
{
	return k->slot < SLOT_GLOBAL;
}

static inline enum global_id key_global(const struct node_key *k)
{
	return (enum global_id)(k->slot - SLOT_GLOBAL);
}

static inline bool key_is_pidfd(const struct node_key *k)
{
	return k->slot == E_PIDFD || k->slot == T_PIDFD;
}

/*
 * A view's index: 1 + its namespace's id less the initial one's, so the
 * view of the initial namespace (/pidns/4026531836/) is not the root.
 */
static inline unsigned int viewof(const struct pid_namespace *ns)
{
	return pid_ns_inum(ns) - PROC_PID_INIT_INO + 1;
}

/*
 * st_ino of the node @k names whose pin's serial is @serial: the root's
 * as before (serial << ENTRY_BITS | entry, a global's index); a view's
 * with bit 63, the view's index in bits 40..62 and the serial's low 34
 * bits, so that the same task's files differ between views.  Unique
 * while views stay below 2^23 and serials below 2^34.
 */
#define VIEW_INO_SHIFT	40
#define VIEW_SERIAL_MASK ((UINT64_C(1) << (VIEW_INO_SHIFT - ENTRY_BITS)) - 1)

static inline uint64_t key_ino(const struct node_key *k, uint64_t serial)
{
	uint64_t low = key_is_task(k) ? serial << ENTRY_BITS | k->slot :
					(uint64_t)key_global(k);

	if (!k->view)
		return low;
	if (key_is_task(k))
		low = (serial & VIEW_SERIAL_MASK) << ENTRY_BITS | k->slot;
	return NODE_VIEW | (uint64_t)k->view << VIEW_INO_SHIFT | low;
}

/*
 * The key of node @ino (a task, global or view node); false for ctl,
 * visitors and unknown ids.  Any worker thread; takes view_lock.
 */
bool node_key_of(struct pidfs_fs *fs, fuse_ino_t ino, struct node_key *k);
/*
 * The node id for @k, counting one lookup of it: a task key's pin
 * reference becomes the node's.  -ENOMEM when a view's node cannot be
 * made (the caller still owns its reference).  Takes view_lock.
 */
int node_key_get(struct pidfs_fs *fs, const struct node_key *k,
		 fuse_ino_t *ino);
/* The node id the kernel may hold for @k, 0 if none.  Takes view_lock. */
fuse_ino_t node_key_find(struct pidfs_fs *fs, const struct node_key *k);
/* Whether @ino is a pidfd file, in any tree. */
bool node_is_pidfd(struct pidfs_fs *fs, fuse_ino_t ino);
/* @n lookups of view node @ino forgotten: its pin's references go. */
void view_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n);
/*
 * /pidns/<name>: the key of that view's root, with a namespace found by
 * its id (no reference taken: node_key_get() takes the node's); false
 * if no such namespace lives.  *@put gets the reference to drop after.
 */
bool view_root_key(struct pidfs_fs *fs, const char *name, struct node_key *k,
		   struct pid_namespace **put);
/*
 * The same by id.  A namespace that can never have a task again (closed
 * to forks and empty) has no view, though it may live on.
 */
bool view_root_key_id(struct pidfs_fs *fs, unsigned int id,
		      struct node_key *k, struct pid_namespace **put);
/*
 * At shutdown, or at the end: forget every view node; with @pins, drop
 * their pins' references too (else the caller's audit counts them).
 */
void view_release_all(struct pidfs_fs *fs, bool pins);

/* ---- tree.c ------------------------------------------------------------ */

/*
 * The one walker of the tables.  pid_entry_next(): the first entry of
 * directory @dir at index @from or later, NR_PID_ENTRIES when none;
 * pid_entry_find(): @dir's entry named @name, NR_PID_ENTRIES when none.
 * global_next() and global_find() do the same for globals[] (G_NONE
 * when none).  Lookup, readdir, getattr and the invalidations all walk
 * the tables through these.
 */
enum pid_entry_id pid_entry_next(enum pid_entry_id dir, int from);
enum pid_entry_id pid_entry_find(enum pid_entry_id dir, const char *name);
enum global_id global_next(enum global_id dir, int from);
enum global_id global_find(enum global_id dir, const char *name);

#define for_each_pid_entry(e, dir)                                   \
	for ((e) = pid_entry_next((dir), 0); (e) < NR_PID_ENTRIES; \
	     (e) = pid_entry_next((dir), (int)(e) + 1))

void attr_init(struct pidfs_fs *fs, struct stat *st, mode_t mode,
	       uint64_t ino);
void attr_time_ns(struct stat *st, uint64_t boot, uint64_t ns);
int task_info_of(struct pidfs_fs *fs, const struct node_key *k,
		 struct task_info *ti);
int task_render(struct pidfs_fs *fs, const struct node_key *k,
		struct task_info *ti, char *buf, size_t size, size_t *len);
int task_attr(struct pidfs_fs *fs, const struct node_key *k, struct stat *st);
size_t visitor_render(fuse_req_t req, fuse_ino_t ino, struct task_info *ti,
		      char *buf, size_t size);
int visitor_attr(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
		 struct stat *st);
int node_attr(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
	      struct stat *st, double *timeout);
int node_render(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
		bool fresh, char *buf, size_t size, size_t *len);

/* ---- globals.c --------------------------------------------------------- */

void snapshot_refresh(struct pidfs_fs *fs, enum global_id g, struct stat *st);
int global_attr(struct pidfs_fs *fs, enum global_id g, struct stat *st);
size_t global_render(struct pidfs_fs *fs, enum global_id g, bool fresh,
		     char *buf, size_t size);

/* ---- dir.c ------------------------------------------------------------- */

void node_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n);
/* @n lookups of a task node of @pin forgotten, in any tree. */
void task_refs_put(struct pidfs_fs *fs, pidfs_pin_t pin, bool pidfd,
		   uint64_t n);
void pidfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void pidfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void pidfs_forget_multi(fuse_req_t req, size_t n,
			struct fuse_forget_data *forgets);
void pidfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi);

/* ---- file.c ------------------------------------------------------------ */

/* ctl's instances: one per lookup, each a transaction of its own. */
int ctl_new(struct pidfs_fs *fs, struct stat *st, fuse_ino_t *ino);
int ctl_node_attr(struct pidfs_fs *fs, fuse_ino_t ino, struct stat *st);
void ctl_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n);
void ctl_destroy_all(struct pidfs_fs *fs);
void pidfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi);
void pidfs_readlink(fuse_req_t req, fuse_ino_t ino);
void pidfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		 off_t off, struct fuse_file_info *fi);
void pidfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void pidfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

/* ---- pidfdfs.c --------------------------------------------------------- */

struct pidfd_view;
void pidfd_view_of(struct pidfs_fs *fs, const struct node_key *k,
		   struct task_info *ti, struct pidfd_view *v);
size_t pidfd_render(struct pidfs_fs *fs, const struct node_key *k,
		    struct task_info *ti, char *buf, size_t size);
void pidfd_attr(struct pidfs_fs *fs, const struct node_key *k,
		struct stat *st);
/* A pidfd node looked up, forgotten: its pidfs inode (pidfd.c). */
int pidfd_node_get(struct pidfs_fs *fs, pidfs_pin_t pin);
void pidfd_node_put(struct pidfs_fs *fs, pidfs_pin_t pin, uint64_t n);
void pidfd_write(fuse_req_t req, struct pidfs_fs *fs, fuse_ino_t ino,
		 const char *buf, size_t size);
void pidfs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		struct fuse_pollhandle *ph);
void pidfs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
		 struct fuse_file_info *fi, unsigned int flags,
		 const void *in_buf, size_t in_bufsz, size_t out_bufsz);
/* pidfd_table's drop callback: a poll handle no longer kept. */
void pollhandle_drop(void *ph);

/* ---- inval.c ----------------------------------------------------------- */

/*
 * A command's invalidations: a writer (ctl, a pidfd) makes a job, passes
 * it with inval_on_event() as its run's event sink (pidfs_ctl_exec(),
 * pidfs_kernel_begin()), then queues it with the write to answer once
 * the kernel has dropped what the command changed.
 */
struct inval_job *inval_job_new(struct pidfs_fs *fs);
void inval_job_delete_siblings(struct pidfs_fs *fs, struct inval_job *j);
/*
 * Move what concerns node @ino itself from @j to @later: the writer of a
 * file holds its inode's lock and pages until its reply, so the written
 * file's own invalidations must follow the reply.
 */
void inval_job_split_self(struct inval_job *j, struct inval_job *later,
			  fuse_ino_t ino);
void inval_job_answer(struct inval_job *j, fuse_req_t req, int err,
		      size_t written);
void inval_job_queue(struct pidfs_fs *fs, struct inval_job *j);
/* Drop @ino's cached data once the reply to @req (sent here) is out. */
void inval_after_reply(struct pidfs_fs *fs, fuse_req_t req, int err,
		       fuse_ino_t ino);
/* An event sink (@arg: the job): records the event's invalidations. */
void inval_on_event(void *arg, const struct pidfs_event_rec *ev);
int inval_start(struct pidfs_fs *fs);
void inval_stop(struct pidfs_fs *fs);

#endif /* PIDFS_FS_INTERNAL_H */
