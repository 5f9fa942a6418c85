/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Simulated processes.
 *
 * A struct pidfs_kernel is a small simulated kernel: one pid namespace,
 * the tasks in it, the tasklist lock, and the low-memory zone every
 * task_struct and struct pid is charged to.  It boots with one task,
 * pid 1 ("init"), which cannot exit.
 *
 * task_struct follows the kernel of the pidhash patch (2.6.17): it is
 * refcounted (get_task_struct()/put_task_struct()), RCU-freed, charged
 * task_size bytes (task_struct plus kernel stack, 10 KiB by default), and
 * linked to three struct pids through pid_links: PID for every task, PGID
 * and SID for thread-group leaders, as copy_process() did.  A thread finds
 * its group through the thread_group list, which replaced the TGID pid
 * type in 2.6.17-rc1 (Oleg Nesterov's "pids: kill" of it).
 *
 * Life of a task: pidfs_fork() or pidfs_thread() creates it; pidfs_exit()
 * makes it a zombie (a thread other than the leader is released at once,
 * as the kernel auto-reaps threads; exiting a leader exits its group) and
 * reparents its children to pid 1; pidfs_reap() releases a zombie
 * (release_task()): every pid link is detached, so a struct pid left with
 * no task is freed, and the tasklist's reference is dropped after a grace
 * period.  A reference taken before that keeps the task_struct, and its
 * full charge, alive: the problem the patch solved.
 *
 * Locking: tasklist_lock (a rwlock in struct pidfs_kernel) protects every
 * link between tasks and the fields marked so below; it is taken before
 * pidmap_lock.  Lookups from pid to task need only rcu_read_lock().  Every
 * pidfs_*() operation here takes the locks it needs itself; none may be
 * called with tasklist_lock held.  The layer never prints.
 */
#ifndef PIDFS_TASK_H
#define PIDFS_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidfs/arch.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"

struct lowmem;
struct pidfs_kernel;		/* opaque */

#define TASK_COMM_LEN		16
#define TASK_SIZE_DEFAULT	(10 * 1024)	/* the default machine's (i386) */
#define TASK_SIZE_MAX		(256 * 1024)
#define PIDFS_ARGS_MAX		4096	/* bytes of NUL-separated argv */

/* task->state and task->exit_state, as the kernel of 2006 spelled them */
#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define EXIT_ZOMBIE		16
#define EXIT_DEAD		32

/*
 * What exec installs: immutable once published, replaced as a whole under
 * RCU, so renderers read comm and argv without locks.
 */
struct task_image {
	struct rcu_head rcu;
	char comm[TASK_COMM_LEN];	/* NUL-terminated */
	size_t args_len;		/* bytes in args, each arg NUL-ended */
	char args[];
};

struct task_struct {
	int usage;			/* ATOMIC: get/put_task_struct() */
	int state;			/* tasklist_lock */
	int exit_state;			/* tasklist_lock */
	int exit_code;			/* tasklist_lock */
	pid_t pid, tgid;		/* immutable */
	uid_t uid;			/* tasklist_lock */
	gid_t gid;			/* tasklist_lock */
	bool released;			/* tasklist_lock: release_task() ran */
	/* tasklist_lock: 2.6.17's signal->leader, set by setsid() alone */
	bool session_leader;
	uint64_t start_time;		/* immutable: ns since the model booted */
	uint64_t serial;		/* immutable: pid_serial() of its pid */
	struct pidfs_kernel *kernel;	/* immutable */
	struct task_image *image;	/* RCU; replaced under tasklist_lock */

	struct pid_link pids[PIDTYPE_MAX];	/* tasklist_lock; RCU readers */
	/*
	 * tasklist_lock; a reference, dropped at exit (NULL after): the
	 * namespace this task's later children go into, its own unless it
	 * unshared (Linux 3.8's nsproxy->pid_ns_for_children).
	 */
	struct pid_namespace *pid_ns_for_children;

	struct task_struct *real_parent;	/* tasklist_lock */
	struct task_struct *group_leader;	/* immutable */
	struct cds_list_head children;		/* tasklist_lock */
	struct cds_list_head sibling;		/* tasklist_lock */
	struct cds_list_head thread_group;	/* tasklist_lock */
	struct cds_list_head tasks;		/* tasklist_lock: all tasks */

	struct rcu_head rcu;
};

struct pidfs_kernel_params {
	/*
	 * The modelled machine (NULL: i386): its sizes are what every
	 * object is charged, its pid_max limit is enforced, and its low
	 * memory is the default budget.
	 */
	const struct pidfs_arch *arch;
	uint64_t lowmem;		/* bytes; 0 = the arch's low memory */
	size_t task_size;		/* bytes; 0 = the arch's */
	int pid_max;			/* 0 = PID_MAX_DEFAULT */
	int hash_shift;			/* -1 = pidhash_init()'s sizing */
	/* PID_ALLOC_PIDMAP (0, the patch's) or PID_ALLOC_IDR (4.15's) */
	enum pid_alloc alloc;
	unsigned int nproc;		/* tasks per uid; 0 = no limit */
	/* Do not charge kernel references (pidfs_ref_charge()). */
	bool no_ref_charge;
	uid_t uid;			/* owner of init */
	gid_t gid;
};

#define PIDFS_LOWMEM_DEFAULT	(UINT64_C(896) << 20)	/* i386's */

/*
 * A copy of what a renderer needs, taken under tasklist_lock.  Numbers
 * are as seen from one namespace (the initial one for pidfs_task_info()),
 * 0 where the task they name is not visible there: PPid 0 for the init of
 * a namespace seen from inside it.
 */
struct task_info {
	pid_t pid, tgid, ppid, pgrp, session;
	/*
	 * NSpid, NStgid, NSpgid, NSsid: ns_levels numbers each, from the
	 * viewing namespace's level down to the task's own.
	 */
	unsigned int ns_levels;
	pid_t nspid[MAX_PID_NS_LEVEL + 1];
	pid_t nstgid[MAX_PID_NS_LEVEL + 1];
	pid_t nspgid[MAX_PID_NS_LEVEL + 1];
	pid_t nssid[MAX_PID_NS_LEVEL + 1];
	unsigned int ns_inum;		/* the task's pid namespace */
	unsigned int ns_for_children_inum;	/* 0 once it has exited */
	uid_t uid;
	gid_t gid;
	int state, exit_state, exit_code;
	int nr_threads;
	bool is_leader;
	bool session_leader;		/* of its group leader: setsid() ran */
	uint64_t start_time;		/* ns since boot */
	uint64_t serial;		/* of the task's PIDTYPE_PID struct pid */
	unsigned int nproc;		/* tasks per uid limit; 0 = none */
	char comm[TASK_COMM_LEN];
	size_t args_len;
	char args[PIDFS_ARGS_MAX];
};

/* Counters of the task layer, for /meminfo. */
struct pidfs_kernel_stats {
	unsigned int nr_tasks;		/* live and zombie */
	unsigned int nr_zombies;
	uint64_t forks;			/* successful, ever */
	uint64_t fork_failures;		/* ever */
	uint64_t released;		/* tasks reaped, ever */
	size_t task_size;		/* bytes charged per task */
	unsigned int nproc;
	const struct pidfs_arch *arch;	/* the modelled machine */
	size_t ref_size;		/* charged per kernel reference, or 0 */
};

/*
 * Create a kernel: zone, namespace, caches, and init.  Returns 0 or
 * -EINVAL (a parameter out of range), -ENOMEM.
 */
int pidfs_kernel_create(const struct pidfs_kernel_params *params,
			struct pidfs_kernel **kp);

/*
 * Release every task, wait for RCU callbacks, and free everything.  Every
 * reference taken through the API must have been dropped.
 */
void pidfs_kernel_destroy(struct pidfs_kernel *k);

/*
 * Shutting down with references outstanding (a file system whose kernel
 * client went away): release every task, init included, and wait for RCU
 * callbacks.  What stays allocated afterwards is exactly what references
 * still hold; walk it with kmem_cache_for_each() on the caches below.
 * Only pidfs_kernel_destroy() may follow.
 */
void pidfs_kernel_release_all(struct pidfs_kernel *k);
struct kmem_cache *pidfs_kernel_task_cache(const struct pidfs_kernel *k);

/* A task_struct left after pidfs_kernel_release_all(). */
struct task_leftover {
	struct task_struct *task;
	int refs;			/* held from outside the task layer */
};

/*
 * After pidfs_kernel_release_all(): every task_struct still allocated,
 * with the references on it that callers hold (a thread's reference on
 * its group leader is the layer's own and not counted), in a malloc()ed
 * array at *@vp that the caller frees.  Dropping each task's @refs, in
 * any order, frees them all.  Returns the count or -ENOMEM.  Call with
 * nothing else using the kernel.
 */
ssize_t pidfs_kernel_leftover_tasks(struct pidfs_kernel *k,
				    struct task_leftover **vp);

struct pid_namespace *pidfs_kernel_ns(const struct pidfs_kernel *k);
struct lowmem *pidfs_kernel_lowmem(const struct pidfs_kernel *k);
void pidfs_kernel_read_stats(struct pidfs_kernel *k,
			     struct pidfs_kernel_stats *st);
/* Nanoseconds since the kernel booted (CLOCK_MONOTONIC). */
uint64_t pidfs_kernel_uptime_ns(const struct pidfs_kernel *k);
/* CLOCK_REALTIME seconds at boot, for /stat's btime. */
uint64_t pidfs_kernel_boot_time(const struct pidfs_kernel *k);

/*
 * The referrers.  The kernel's /proc pins a dentry and a proc_inode for
 * every inode it has looked up and not forgotten: the data structures
 * that, in the patch's words, dwarf a struct pid.  A file system built on
 * the model charges each reference it hands out (a lookup reply) to low
 * memory at the modelled machine's sizes, as the kind LOWMEM_REF, and
 * uncharges it when the kernel forgets it.  pidfs_ref_charge() returns
 * 0, or -ENOMEM when low memory is full (the kernel's d_alloc() or
 * new_inode() failing); both are no-ops for a kernel made with
 * no_ref_charge.  Lock-free; any thread.
 */
int pidfs_ref_charge(struct pidfs_kernel *k);
void pidfs_ref_uncharge(struct pidfs_kernel *k, uint64_t n);

/* Per-uid task limit; 0 disables.  Existing tasks are not touched. */
void pidfs_kernel_set_nproc(struct pidfs_kernel *k, unsigned int nproc);

static inline struct task_struct *get_task_struct(struct task_struct *t)
{
	__atomic_fetch_add(&t->usage, 1, __ATOMIC_RELAXED);
	return t;
}

/* Drop a reference; the last one frees and uncharges.  Any context. */
void put_task_struct(struct task_struct *t);

/* The kernel's thread_group_leader() */
static inline bool thread_group_leader(const struct task_struct *t)
{
	return t->group_leader == t;
}

/* The struct pid of @t's @type link, under RCU or tasklist_lock. */
struct pid *task_pid_type(struct task_struct *t, enum pid_type type);

/*
 * 2.6.24's pid_task(): the first task in @pid's @type list, or NULL, by
 * hlist_entry().  Must be called under rcu_read_lock() or with
 * tasklist_lock held; no reference is taken.
 */
static inline struct task_struct *pid_task(struct pid *pid, enum pid_type type)
{
	struct hlist_node *first;

	if (!pid)
		return NULL;
	first = hlist_first_rcu(&pid->tasks[type]);
	if (!first)
		return NULL;
	return (struct task_struct *)(void *)((char *)first -
					      offsetof(struct task_struct,
						       pids) -
					      (size_t)type *
						      sizeof(struct pid_link) -
					      offsetof(struct pid_link, node));
}

/*
 * Link @task's @type link to @pid, which must be hashed.  Call with
 * tasklist_lock write-held.  Returns 0.
 */
int attach_pid(struct task_struct *task, enum pid_type type, struct pid *pid);

/*
 * Unlink @task's @type link, and free_pid() the struct pid when it has no
 * task of any type left.  Call with tasklist_lock write-held.
 */
void detach_pid(struct task_struct *task, enum pid_type type);

/* Must be called under rcu_read_lock() or with tasklist_lock read-held. */
struct task_struct *find_task_by_pid_type_ns(int type, int nr,
					     struct pid_namespace *ns);
struct task_struct *find_task_by_pid_type(int type, int nr);

/* pid_task() plus a task reference.  Takes and drops rcu_read_lock. */
struct task_struct *get_pid_task(struct pid *pid, enum pid_type type);

/* The kernel's task_pid(): @t's own struct pid, immutable. */
static inline struct pid *task_pid(struct task_struct *t)
{
	return t->pids[PIDTYPE_PID].pid;
}

/* The namespace @t was born in: that of its pid (task_active_pid_ns()). */
static inline struct pid_namespace *task_active_pid_ns(struct task_struct *t)
{
	return ns_of_pid(task_pid(t));
}

/*
 * Numbers of @t as seen from @ns, 0 where not visible, with the kernel's
 * names; task_pid_nr() and friends are the initial namespace's.  Call
 * under rcu_read_lock() or tasklist_lock (pgrp, session and ppid read
 * links that change under it).
 */
static inline pid_t task_pid_nr_ns(struct task_struct *t,
				   struct pid_namespace *ns)
{
	return pid_nr_ns(task_pid(t), ns);
}

static inline pid_t task_tgid_nr_ns(struct task_struct *t,
				    struct pid_namespace *ns)
{
	return pid_nr_ns(task_pid(t->group_leader), ns);
}

pid_t task_pgrp_nr_ns(struct task_struct *t, struct pid_namespace *ns);
pid_t task_session_nr_ns(struct task_struct *t, struct pid_namespace *ns);
/* The parent's tgid as seen from @ns; 0 across a namespace's boundary. */
pid_t task_ppid_nr_ns(struct task_struct *t, struct pid_namespace *ns);

/*
 * The number in the namespace the pid was allocated in, as tasks of that
 * namespace see it.  The kernel's pid_vnr() reads current's namespace;
 * the model has no current, so the namespace is the pid's own.
 */
static inline pid_t pid_vnr(const struct pid *pid)
{
	return pid ? pid->numbers[pid->level].nr : 0;
}

static inline pid_t task_pid_vnr(struct task_struct *t)
{
	return pid_vnr(task_pid(t));
}

/* A task by number with a reference, or NULL (the kernel's find+get). */
struct task_struct *pidfs_get_task(struct pidfs_kernel *k, pid_t nr);

/*
 * Fill @info from @t.  Takes tasklist_lock for reading.  Returns 0, or
 * -ESRCH when @t has been released.
 */
int pidfs_task_info(struct task_struct *t, struct task_info *info);

/*
 * Fill @info from @t as seen from @ns: its numbers there (0 where not
 * visible), and the NS* lists from @ns's level down to @t's.  Takes
 * tasklist_lock for reading.  Returns 0, -ESRCH when @t has been released
 * or is not visible in @ns.
 */
int pidfs_task_info_ns(struct task_struct *t, struct pid_namespace *ns,
		       struct task_info *info);

/*
 * The namespace @pid's later children go into, with a reference
 * (put_pid_ns()), or NULL when no live task has that number.  Takes
 * tasklist_lock for reading.
 */
struct pid_namespace *pidfs_get_pid_ns_for_children(struct pidfs_kernel *k,
						    pid_t pid);

/*
 * Thread ids of @leader's group in ascending order, as one snapshot:
 * *@tidsp gets a malloc()ed array of every thread id of the group,
 * counted and copied under one hold of tasklist_lock, so the count
 * returned is the array's length whatever forks and exits run
 * meanwhile.  The caller frees it.  Returns the count (at least 1),
 * -ESRCH if the group is gone, or -ENOMEM.  Takes tasklist_lock for
 * reading.
 */
int pidfs_thread_ids_get(struct task_struct *leader, pid_t **tidsp);

/*
 * The operations of the control language.  Each returns 0 or a negative
 * errno and changes nothing on failure, except that outside a run
 * (pidfs_kernel_begin()) a failed fork may have advanced last_pid, as the
 * kernel's does; inside one it puts it back, and the run's why says
 * which of the kernel's reasons an ambiguous errno was.
 *
 * fork: child of @ppid (0 = init), named @comm (NULL = parent's).
 *   -ESRCH no such live parent; -EAGAIN no free pid, no memory for the
 *   struct pid, or the per-uid limit; -ENOMEM no memory for the task.
 * thread: a new thread in @tgid's group; errors as fork.
 * exit: -ESRCH no such live task; -EPERM pid 1.
 * reap: -ESRCH no such task; -ECHILD not a zombie.
 * kill: exit then reap, as one step.
 * setpgid: @pgid 0 means @pid.  -ESRCH; -EINVAL for a thread other than
 *   its group's leader, or a negative @pgid; -EPERM for a session leader,
 *   or a group that does not exist in @pid's session.  (2.6.17's checks
 *   of the caller, ESRCH for a task neither the caller nor its child,
 *   EPERM across sessions and EACCES after the child's exec, have no
 *   counterpart: the model has no calling process.)
 * setsid: @pid's group leader becomes a session and group leader.
 *   -ESRCH; -EPERM when it already leads a session, or when a process
 *   group numbered @pid exists and @pid is not 1 (2.6.17's exemption for
 *   init).
 * exec: installs @comm and @args (NUL-separated, @args_len bytes, at most
 *   PIDFS_ARGS_MAX); other threads of the group are released, as
 *   de_thread() does.  -ESRCH; -E2BIG for long args.
 * spawn: @n children of @ppid, all or nothing; @pids gets their numbers.
 * setuid: changes @pid's group's owner, for the per-uid limit.  -ESRCH.
 * unshare_pid: @pid's later children go into a new pid namespace below
 *   its own, as unshare(CLONE_NEWPID); *@inum gets the new namespace's
 *   id.  -ESRCH; -EINVAL when @pid has unshared already and not forked
 *   since (its children's namespace is not its own: copy_pid_ns());
 *   -ENOSPC below MAX_PID_NS_LEVEL; -ENOMEM.
 *
 * Namespaces: the first child forked into a new namespace is its init
 * (number 1 there) and child_reaper; orphans of the namespace go to it;
 * when its thread group exits, every task of the namespace and of those
 * below it is killed and reaped (zap_pid_ns_processes()), the init last
 * left a zombie, and later forks into the namespace fail -ENOMEM, as
 * they do when the first fork into it failed.  A thread may not be
 * created by a task that unshared (-EINVAL, as copy_process()).
 */
int pidfs_fork(struct pidfs_kernel *k, pid_t ppid, const char *comm,
	       pid_t *child);
int pidfs_thread(struct pidfs_kernel *k, pid_t tgid, const char *comm,
		 pid_t *tid);
int pidfs_exit(struct pidfs_kernel *k, pid_t pid, int code);
int pidfs_reap(struct pidfs_kernel *k, pid_t pid);
int pidfs_kill(struct pidfs_kernel *k, pid_t pid, int code);
int pidfs_setpgid(struct pidfs_kernel *k, pid_t pid, pid_t pgid);
int pidfs_setsid(struct pidfs_kernel *k, pid_t pid, pid_t *sid);
int pidfs_exec(struct pidfs_kernel *k, pid_t pid, const char *comm,
	       const char *args, size_t args_len);
int pidfs_spawn(struct pidfs_kernel *k, unsigned int n, pid_t ppid,
		pid_t *pids);
int pidfs_setuid(struct pidfs_kernel *k, pid_t pid, uid_t uid, gid_t gid);
int pidfs_unshare_pid(struct pidfs_kernel *k, pid_t pid, unsigned int *inum);

/*
 * Model events, for a file system that caches what it renders.  After an
 * operation changes the model, and with no lock held, the kernel calls the
 * hook once per task concerned, from the thread that made the change.
 * The record's references are held for the duration of the call only.
 */
enum pidfs_event {
	PIDFS_EV_FORK,		/* the task is new */
	PIDFS_EV_CHANGE,	/* what stat/status show of it changed */
	PIDFS_EV_RELEASE,	/* it was released (reaped) */
};

struct pidfs_event_rec {
	enum pidfs_event ev;
	struct task_struct *task;
	struct pid *pid;		/* the task's PIDTYPE_PID pid */
	struct pid *tgid_pid;		/* its group leader's */
	pid_t nr, tgid;
	bool leader;
	int exit_state;			/* the task's, when recorded */
	int exit_code;			/* the task's, when recorded */
};

typedef void (*pidfs_event_fn)(void *arg, const struct pidfs_event_rec *ev);

/*
 * Install the hook that receives the events of operations run outside a
 * run of pidfs_kernel_begin() (NULL removes it).  Call before any
 * operation runs.
 */
void pidfs_kernel_set_event_hook(struct pidfs_kernel *k, pidfs_event_fn fn,
				 void *arg);

/*
 * Why an operation failed, where its errno alone does not say which of
 * the kernel's reasons it was.
 */
enum pidfs_why {
	PIDFS_WHY_NONE,
	PIDFS_WHY_NO_PID,		/* fork: -EAGAIN, no free number */
	PIDFS_WHY_NPROC,		/* fork: -EAGAIN, the uid's limit */
	PIDFS_WHY_LOWMEM,		/* fork: low memory refused an object */
	PIDFS_WHY_NS_DEAD,		/* fork: -ENOMEM, the namespace's init
					   has died (or its first fork failed) */
	PIDFS_WHY_SESSION_LEADER,	/* setpgid, setsid: -EPERM */
	PIDFS_WHY_GROUP_LEADER,		/* setsid: -EPERM, leads a group */
	PIDFS_WHY_NO_GROUP,		/* setpgid: -EPERM, no such group in
					   the session */
};

/*
 * A caller's run of operations, between pidfs_kernel_begin() and
 * pidfs_kernel_end(), on the caller's thread: their events go to
 * @event(@arg, ...) instead of the hook (NULL: nowhere), a failure
 * leaves its cause in @why, and a failed fork leaves the kernel as it
 * found it (last_pid back at every level of its namespace, what it undid
 * freed after a grace period), so that a failed command changes nothing.
 * Outside a run a failed fork leaves last_pid advanced, as the kernel's
 * do_fork() does.
 */
struct pidfs_op {
	pidfs_event_fn event;
	void *arg;
	enum pidfs_why why;		/* out */
};

/*
 * Start a run: takes the kernel's operation lock, which serialises runs
 * (operations outside runs are not held back), and resets @op->why.
 * Not from inside a run or an RCU read-side section (a failed fork waits
 * for a grace period).
 */
void pidfs_kernel_begin(struct pidfs_kernel *k, struct pidfs_op *op);

/* End the calling thread's run: drops the operation lock. */
void pidfs_kernel_end(struct pidfs_kernel *k);

#endif /* PIDFS_TASK_H */
