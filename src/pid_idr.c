// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pid allocator of Linux 4.15: commit 95846ecf9dac "pid: replace pid
 * bitmap implementation with IDR API", for trees of namespaces made with
 * PID_ALLOC_IDR (-o alloc=idr).  Each namespace has one IDR (src/idr.c),
 * which does the work of both the patch's structures:
 *
 *  - alloc_pid() takes a number at each level with idr_alloc_cyclic()
 *    from the namespace's cursor (last_pid + 1), from 1 until the cursor
 *    has passed RESERVED_PIDS and from RESERVED_PIDS after ("init really
 *    needs pid 1"), storing NULL; once the struct pid is whole it
 *    idr_replace()s the pid in at every level, so that find_pid_ns()
 *    never finds a half-built pid (pid.c does both steps);
 *  - free_pid() does idr_remove() at every level (pid.c);
 *  - find_pid_ns() is idr_find() (pid_idr_find(), called from the inline
 *    lookup of pid.h when a namespace has no hash table), find_ge_pid()
 *    is idr_get_next(), and zap_pid_ns_processes()'s walk too.
 *
 * There is no hash table: nothing is hashed, nothing charged for one.
 * The IDR's nodes come from one cache per tree ("radix_tree_node", the
 * kernel has one for the machine), charged LOWMEM_IDR at the modelled
 * machine's sizeof(struct radix_tree_node).
 *
 * Where pidfs departs from 4.15, and why:
 *  - a full namespace fails with EAGAIN: 4.15 returned idr_alloc's
 *    -ENOSPC to fork(), which Linux 4.17 turned into -EAGAIN ("fork:
 *    report pid reservation failure properly"); the pidmap of the model
 *    says EAGAIN, and so does this;
 *  - a failed alloc_pid() frees each level's number in that level's own
 *    IDR: 4.15 removed every one from the new namespace's IDR, leaving
 *    the numbers of the levels above allocated, which a later kernel
 *    fixed;
 *  - no idr_preload(): idr_alloc() fills its own reserve under
 *    pidmap_lock, a mutex (idr.h says why that is equivalent);
 *  - pids are charged the patch's (2.6.24's) struct pid, hash link
 *    included, whatever the allocator, so that the two mounts differ by
 *    the allocators' own structures only.
 *
 * Locking: every IDR of a tree changes under its pidmap_lock, as 4.15's
 * global pidmap_lock; readers use RCU (idr.h).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pid_internal.h"

void pid_idr_ns_init(struct pid_namespace *ns)
{
	pidfs_idr_init_cache(&ns->idr, ns->tree->idr_cachep);
	ns->head.idr = &ns->idr;
}

void pid_idr_ns_exit(struct pid_namespace *ns)
{
	/* Every pid of @ns is gone, so is every node: idr_destroy() is cheap */
	idr_destroy(&ns->idr);
	pidfs_idr_drop_reserve(&ns->idr);
}

int pid_idr_alloc_nr(struct pid_namespace *ns)
{
	struct pid_tree *tree = ns->tree;
	int pid_max = __atomic_load_n(&tree->pid_max, __ATOMIC_RELAXED);
	unsigned int cursor;
	int pid_min = 1, nr;

	pthread_mutex_lock(&tree->pidmap_lock);
	cursor = idr_get_cursor(&ns->idr);
	/*
	 * init really needs pid 1, but after reaching the maximum wrap
	 * back to RESERVED_PIDS.
	 */
	if (cursor > RESERVED_PIDS)
		pid_min = RESERVED_PIDS;
	/* NULL: find_pid_ns() must not find a partially initialised pid. */
	nr = idr_alloc_cyclic(&ns->idr, NULL, pid_min, pid_max);
	pthread_mutex_unlock(&tree->pidmap_lock);

	if (nr == -ENOSPC)
		return -EAGAIN;
	if (nr >= 0 && (unsigned int)nr < cursor)
		__atomic_fetch_add(&ns->wraps, 1, __ATOMIC_RELAXED);
	return nr;
}

void pid_idr_undo(struct pid_namespace *ns, struct pid *pid, int from)
{
	struct pid_tree *tree = ns->tree;

	/* pid->level is not set yet: @ns is the pid's namespace */
	pthread_mutex_lock(&tree->pidmap_lock);
	for (int i = from; i <= (int)ns->head.level; i++)
		idr_remove(&pid->numbers[i].ns->idr, pid->numbers[i].nr);
	/* On failure to allocate the first pid, reset the state. */
	if (ns->adding && !ns->nr_allocated)
		idr_set_cursor(&ns->idr, 0);
	pthread_mutex_unlock(&tree->pidmap_lock);
}

struct pid *pid_idr_find_ge(struct pid_namespace *ns, int nr)
{
	if (nr < 1)
		nr = 1;
	return idr_get_next(&ns->idr, &nr);
}

int pid_idr_next(struct pid_namespace *ns, int last)
{
	int nr = last < 0 ? 0 : last + 1;
	void *p;

	if (last >= PID_MAX_LIMIT - 1)
		return -1;
	rcu_read_lock();
	p = idr_get_next(&ns->idr, &nr);
	rcu_read_unlock();
	return p ? nr : -1;
}

int pid_idr_last_pid(const struct pid_namespace *ns)
{
	unsigned int cursor = idr_get_cursor(&ns->idr);

	/* A fresh IDR's cursor is 0: nothing handed out, last_pid 0. */
	return cursor ? (int)cursor - 1 : 0;
}

void pid_idr_set_last_pid(struct pid_namespace *ns, int last_pid)
{
	idr_set_cursor(&ns->idr, (unsigned int)last_pid + 1);
}

void pid_idr_read_stats(struct pid_namespace *ns, struct pid_ns_stats *st)
{
	struct pid_namespace *pns;

	pidfs_idr_read_stats(&ns->idr, &st->idr);
	cds_list_for_each_entry(pns, &ns->tree->namespaces, list) {
		struct idr_stats is;

		pidfs_idr_read_stats(&pns->idr, &is);
		st->tree_idr_nodes += is.nodes + is.reserve;
		st->tree_idr_bytes += is.bytes;
	}
}

struct pid *pid_idr_find(const struct idr *idr, int nr)
{
	return idr_find(idr, nr);
}
