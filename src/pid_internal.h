/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What src/pid.c (struct pid, the bitmaps, the hash) and
 * src/pid_namespace.c (the namespaces, the tree they share, the caches)
 * both see: the objects include/pidfs/pid.h keeps opaque.  Locking rules
 * are in the fields' comments and at the top of src/pid.c.
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
	struct upid **table;		/* immutable; chains: pidmap_lock */
	int shift;			/* immutable */
	size_t hash_charged;		/* immutable: bytes charged */
	int pid_max;			/* ATOMIC */
	/*
	 * pidmap_lock protects the hash chains (readers use RCU), the
	 * installation of bitmap pages (readers see them published or NULL),
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
	struct pidmap pidmap[PIDMAP_ENTRIES];
};


/*
 * Map a namespace's first bitmap page and reserve number 0 in it, which
 * is never handed out (create_pid_namespace() does it at once).  Returns
 * false without memory for the page.  Any thread.
 */
bool pidmap_reserve_zero(struct pid_namespace *ns);

#endif /* PIDFS_PID_INTERNAL_H */
