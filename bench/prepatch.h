/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pid hash before "pidhash: Refactor the pid hash table", rebuilt from
 * the '-' lines of the patch, for bench/pidhash to compare against.
 * Bench-only code.
 *
 * Before the patch there was no struct pid of its own: each task embedded
 * PIDTYPE_MAX of them, and there were PIDTYPE_MAX hash tables, one per
 * type.  The first task to use a number under some type hashed its own
 * embedded struct pid into that type's table; later tasks with the same
 * number (the other members of a process group, of a session) queued
 * theirs on the first one's pid_list.  So hash entries moved at every
 * attach and detach: when the hashed task left, __detach_pid() put the
 * next task of the list in its place with hlist_replace_rcu(), and a
 * number was free again only when find_pid() found it under no type.
 * The patch's parent already had "pids: kill PIDTYPE_TGID": PIDTYPE_MAX
 * was 3 (PID, PGID, SID) there, as in pidfs, so the old design had three
 * tables and the new one a third of their memory.
 *
 * Names follow the old kernel with an old_ prefix, so they do not clash
 * with pidfs's; the state lives in a struct old_pidhash instead of
 * globals, so a benchmark can build several.
 *
 * Locking, as in 2.6.17: readers (old_find_pid, old_find_task_by_pid_type)
 * run under rcu_read_lock(); writers (attach, detach, and the pidmap's
 * alloc and free) hold the table's writer lock, the old tasklist_lock.
 */
#ifndef PIDFS_BENCH_PREPATCH_H
#define PIDFS_BENCH_PREPATCH_H

#include "pidfs/pid.h"
#include "pidfs/rcu.h"

/* 2.6.17's struct pid: embedded in the task, one per type. */
struct old_pid {
	int nr;
	struct hlist_node pid_chain; /* in pid_hash[type], if first */
	struct cds_list_head pid_list; /* the others with this nr */
};

/* What of the old task_struct the pid hash touches. */
struct old_task {
	int usage; /* ATOMIC: get/put_task_struct() */
	struct old_pid pids[PIDTYPE_MAX];
};

struct old_pidhash; /* opaque */

/*
 * PIDTYPE_MAX tables of 1 << @shift buckets each, and a pid bitmap of
 * @pid_max numbers.  Returns NULL on ENOMEM.
 */
struct old_pidhash *old_pidhash_create(int shift, int pid_max);
void old_pidhash_destroy(struct old_pidhash *h);

/* Bytes of the hash tables (all PIDTYPE_MAX of them). */
size_t old_pidhash_bytes(const struct old_pidhash *h);

/* The writer lock (the old tasklist_lock). */
void old_write_lock(struct old_pidhash *h);
void old_write_unlock(struct old_pidhash *h);

/*
 * alloc_pidmap()/free_pidmap(): next-fit from last_pid, wrapping to
 * RESERVED_PIDS.  Returns a number or -1.  Writer lock held.
 */
int old_alloc_pidmap(struct old_pidhash *h);
void old_free_pidmap(struct old_pidhash *h, int nr);
/* Mark @nr in use, as if allocated (to give two maps the same holes). */
void old_set_pidmap(struct old_pidhash *h, int nr);

/* Must be called under rcu_read_lock() or with the writer lock held. */
struct old_pid *old_find_pid(struct old_pidhash *h, enum pid_type type, int nr);
struct old_task *old_find_task_by_pid_type(struct old_pidhash *h, int type,
					   int nr);

/* Writer lock held. */
int old_attach_pid(struct old_pidhash *h, struct old_task *task,
		   enum pid_type type, int nr);
void old_detach_pid(struct old_pidhash *h, struct old_task *task,
		    enum pid_type type);

#endif /* PIDFS_BENCH_PREPATCH_H */
