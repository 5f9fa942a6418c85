/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What src/pid.c (struct pid, the bitmaps, the hash),
 * src/pid_namespace.c (the namespaces, the tree they share, the caches)
 * and src/pid_idr.c (the IDR allocator of Linux 4.15) all see: the
 * objects include/pidfs/pid.h keeps opaque.  Locking rules are in the
 * fields' comments and at the top of src/pid.c.
 */
#ifndef PIDFS_PID_INTERNAL_H
#define PIDFS_PID_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pidfs/pid.h"

struct pidmap {
	int nr_free;		/* ATOMIC */
	unsigned long *page;	/* published once, under pidmap_lock */
};

/* What a tree of namespaces shares: the kernel's globals of kernel/pid.c. */
struct pid_tree {
	struct lowmem *lowmem;		/* immutable */
	const struct pidfs_arch *arch;	/* immutable */
	enum pid_alloc alloc;		/* immutable */
	/* Immutable: every namespace's IDR nodes; NULL under the pidmap. */
	struct kmem_cache *idr_cachep;
	struct upid **table;		/* immutable; NULL under the IDR */
	int shift;			/* immutable */
	size_t hash_charged;		/* immutable: bytes charged */
	int pid_max;			/* ATOMIC */
	/*
	 * pidmap_lock protects the hash chains (readers use RCU), every
	 * namespace's IDR (readers use RCU: idr.h), the installation of
	 * bitmap pages (readers see them published or NULL),
	 * a namespace's adding flag, the list of namespaces, the caches'
	 * installation and the counters below.  It nests inside
	 * tasklist_lock, since detach_pid() calls free_pid() with that held.
	 */
	pthread_mutex_t pidmap_lock;
	uint64_t next_serial;				/* pidmap_lock */
	unsigned int next_inum;				/* pidmap_lock */
	int nr_namespaces;				/* pidmap_lock */
	int nr_pids[MAX_PID_NS_LEVEL + 1];		/* pidmap_lock */
	uint64_t allocated[MAX_PID_NS_LEVEL + 1];	/* pidmap_lock */
	/* Installed once under pidmap_lock, read with acquire. */
	struct kmem_cache *pid_cachep[MAX_PID_NS_LEVEL + 1];
	struct cds_list_head namespaces;		/* pidmap_lock */
};

struct pid_namespace {
	/* First: pid.h's inline lookups find it at the namespace's address. */
	struct pid_ns_head head;	/* immutable */
	/* ATOMIC: get/put_pid_ns(); meaningless on the initial namespace */
	int count;
	struct pid_namespace *parent;	/* immutable; holds a reference */
	struct pid_tree *tree;		/* immutable */
	unsigned int inum;		/* immutable */
	bool adding;			/* pidmap_lock: alloc_pid() allowed */
	int nr_allocated;		/* pidmap_lock: pids with a number here */
	struct task_struct *child_reaper; /* the task layer's tasklist_lock */
	int last_pid;			/* ATOMIC; racy by design, as the kernel's */
	uint64_t wraps;			/* ATOMIC */
	struct cds_list_head list;	/* pidmap_lock: tree->namespaces */
	/*
	 * PID_ALLOC_IDR: the numbers and the pids (head.idr points here);
	 * changed under pidmap_lock, read under RCU.  The bitmap below then
	 * stays unmapped, as the hash stays unmade.
	 */
	struct idr idr;
	struct pidmap pidmap[PIDMAP_ENTRIES];
};


/*
 * Map a namespace's first bitmap page and reserve number 0 in it, which
 * is never handed out (create_pid_namespace() does it at once).  Returns
 * false without memory for the page.  Any thread.
 */
bool pidmap_reserve_zero(struct pid_namespace *ns);

/* ---- src/pid_idr.c: the IDR allocator (PID_ALLOC_IDR) ------------------ */

static inline bool pid_ns_uses_idr(const struct pid_namespace *ns)
{
	return ns->head.idr != NULL;
}

/* Make @ns's IDR empty over the tree's node cache.  Any thread. */
void pid_idr_ns_init(struct pid_namespace *ns);

/*
 * Give back what @ns's IDR holds (its reserve: an IDR with no id left
 * has no node) when @ns is freed.  No one else may use @ns any more.
 */
void pid_idr_ns_exit(struct pid_namespace *ns);

/*
 * A number in @ns, mapped to NULL until pid_idr_publish() (4.15's
 * alloc_pid() loop body).  Returns it, or -EAGAIN when none is free,
 * -ENOMEM when the zone refused an IDR node.  Takes pidmap_lock.
 */
int pid_idr_alloc_nr(struct pid_namespace *ns);

/*
 * Free the numbers of levels @from..@ns's level of a struct pid that
 * alloc_pid() could not finish in @ns, and on the first pid of @ns reset
 * its cursor, as 4.15's out_free path.  Takes pidmap_lock.
 */
void pid_idr_undo(struct pid_namespace *ns, struct pid *pid, int from);

/* find_ge_pid() and next_pidmap() over the IDR: idr_get_next(). */
struct pid *pid_idr_find_ge(struct pid_namespace *ns, int nr);
int pid_idr_next(struct pid_namespace *ns, int last);

/* last_pid is the cursor less one, as 4.15's ns_last_pid sysctl. */
int pid_idr_last_pid(const struct pid_namespace *ns);
void pid_idr_set_last_pid(struct pid_namespace *ns, int last_pid);

/* The IDR part of pid_ns_read_stats().  Call with pidmap_lock held. */
void pid_idr_read_stats(struct pid_namespace *ns, struct pid_ns_stats *st);

#endif /* PIDFS_PID_INTERNAL_H */
