/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The task layer's private layout, shared by its files as kernel/ shares
 * include/linux/sched.h's private parts:
 *
 *   task.c    task_struct's life, the pid links, lookups, task_info,
 *             the events and the per-uid counts
 *   fork.c    fork, threads, spawn, unshare (kernel/fork.c)
 *   exit.c    exit, reparenting, zap, release, reap (kernel/exit.c)
 *   sys.c     setpgid, setsid, setuid (kernel/sys.c), exec (fs/exec.c)
 *   kernel.c  the simulated kernel: boot, shutdown, statistics, hooks
 *
 * Locking (all of them): tasklist_lock is a rwlock: readers (task_info,
 * thread lists) are many and short, writers (every operation) change
 * several links at once and must look atomic to readers.  It protects all
 * task links, the per-uid counts and the kernel's counters; it is taken
 * before pidmap_lock (free_pid() runs under it).  Lookups from number to
 * task use RCU only.  Model events are collected under the lock and
 * delivered after it is dropped, so the file system may do anything in
 * its hook.
 */
#ifndef PIDFS_TASK_INTERNAL_H
#define PIDFS_TASK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pidfs/task.h"

struct uid_count {
	uid_t uid;
	unsigned int tasks;
};

struct pidfs_kernel {
	struct lowmem *lowmem;			/* immutable */
	struct pid_namespace *ns;		/* immutable */
	struct kmem_cache *task_cachep;		/* immutable */
	const struct pidfs_arch *arch;		/* immutable */
	size_t task_size;			/* immutable */
	size_t ref_size;			/* immutable: 0 = not charged */
	uint64_t boot_mono_ns;			/* immutable */
	uint64_t boot_real;			/* immutable */
	pidfs_event_fn hook;			/* set before use */
	void *hook_arg;

	/*
	 * op_lock serialises runs (pidfs_kernel_begin()); it is taken
	 * before tasklist_lock.  op and op_owner are set under it and read
	 * by the operations, which compare the owner with their own thread.
	 */
	pthread_mutex_t op_lock;
	struct pidfs_op *op;			/* ATOMIC */
	pthread_t op_owner;			/* ATOMIC */

	/*
	 * tasklist_lock: see the top of this file.  Everything below it is
	 * protected by it.
	 */
	pthread_rwlock_t tasklist_lock;
	struct task_struct *init;
	struct cds_list_head tasks;
	struct uid_count *uids;
	size_t nr_uids, uids_cap;
	unsigned int nproc;
	unsigned int nr_tasks, nr_zombies;
	uint64_t forks, fork_failures, released;
};

/* Events collected under tasklist_lock, delivered after it is dropped. */
struct evbatch {
	struct pidfs_event_rec *v;
	size_t n, cap;
};


/* task.c: helpers the operations share.  Call with tasklist_lock held
 * where they touch links or counts (ev_add*, uid_*, release_task, task_by_nr
 * with live set, nr_threads, do_exit). */
uint64_t now_ns(clockid_t clk);
pid_t process_group(struct task_struct *t);
pid_t process_session(struct task_struct *t);
void exit_task_namespaces(struct task_struct *t);
void ev_add(struct pidfs_kernel *k, struct evbatch *b,
	    enum pidfs_event ev, struct task_struct *t);
void ev_add_group(struct pidfs_kernel *k, struct evbatch *b,
		  enum pidfs_event ev, struct task_struct *leader);
void ev_flush(struct pidfs_kernel *k, struct evbatch *b);
struct uid_count *uid_find(struct pidfs_kernel *k, uid_t uid);
unsigned int uid_tasks(struct pidfs_kernel *k, uid_t uid);
int uid_reserve(struct pidfs_kernel *k, uid_t uid);
void uid_charge(struct pidfs_kernel *k, uid_t uid, int d);
struct task_image *image_alloc(const char *comm, const char *args,
			       size_t args_len);
void free_task(struct task_struct *t);
/* call_rcu() callbacks: an image replaced, a task released. */
void image_free_rcu(struct rcu_head *rhp);
void delayed_put_task_struct(struct rcu_head *rhp);
struct task_struct *task_by_nr(struct pidfs_kernel *k, pid_t nr,
			       bool live);
int nr_threads(struct task_struct *leader);
void count_failure(struct pidfs_kernel *k);
/* The calling thread's run (pidfs_kernel_begin()), or NULL. */
struct pidfs_op *current_op(struct pidfs_kernel *k);
/* Leave @why in the calling thread's run, if it is in one. */
void set_why(struct pidfs_kernel *k, enum pidfs_why why);
void release_task(struct pidfs_kernel *k, struct evbatch *b,
		  struct task_struct *p);
void do_exit(struct pidfs_kernel *k, struct evbatch *b,
	     struct task_struct *t, int code);

#endif /* PIDFS_TASK_INTERNAL_H */
