// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/pid.c before "pidhash: Refactor the pid hash table" (2.6.17),
 * from the '-' lines of the patch, in userspace.  Bench-only code: see
 * prepatch.h for what the old design was.
 *
 * The functions below are the old ones line for line, except:
 *  - the tables and the bitmap live in a struct old_pidhash, not globals;
 *  - the pid bitmap is one flat array, not pages installed on demand: its
 *    next-fit search is the same, and the benchmarks that use it keep it
 *    out of what they compare, or say so;
 *  - hlist_del_rcu() leaves pprev NULL, as pidfs's does, where the kernel
 *    poisoned it; __detach_pid() tests it only before deleting.
 *
 * Locking: see prepatch.h.  The writer lock is a mutex for the reason
 * pidfs's pidmap_lock is one: a preempted holder must not make the other
 * CPU spin.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "prepatch.h"

/* after pidfs/rcu.h, which defines _LGPL_SOURCE for every liburcu header */
#include <urcu/rculist.h>

#define LONG_BITS (8 * (int)sizeof(unsigned long))

struct old_pidhash {
	struct hlist_head *pid_hash[PIDTYPE_MAX]; /* chains: lock */
	int pidhash_shift; /* immutable */
	int pid_max; /* immutable */
	int last_pid; /* lock */
	unsigned long *map; /* lock */
	pthread_mutex_t lock; /* the old tasklist_lock, for writers */
};

/* hash_long() with pid.c's multiplier: only the tables' design differs. */
static inline unsigned int old_pid_hashfn(const struct old_pidhash *h, int nr)
{
	if (!h->pidhash_shift)
		return 0;
	return (unsigned int)(((uint64_t)nr * GOLDEN_RATIO_64) >>
			      (64 - h->pidhash_shift));
}

/* 2.6.17's include/linux/list.h, with pidfs's publication. */
static inline void hlist_replace_rcu(struct hlist_node *old,
				     struct hlist_node *new)
{
	struct hlist_node *next = old->next;

	new->next = next;
	new->pprev = old->pprev;
	rcu_publish(*new->pprev, new);
	if (next)
		new->next->pprev = &new->next;
	old->pprev = NULL;
}

static inline void INIT_HLIST_NODE(struct hlist_node *n)
{
	n->next = NULL;
	n->pprev = NULL;
}

struct old_pidhash *old_pidhash_create(int shift, int pid_max)
{
	struct old_pidhash *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->pidhash_shift = shift;
	h->pid_max = pid_max;
	pthread_mutex_init(&h->lock, NULL);
	h->map = calloc((size_t)(pid_max + LONG_BITS - 1) / LONG_BITS,
			sizeof(*h->map));
	if (!h->map)
		goto out_free;
	for (int i = 0; i < PIDTYPE_MAX; i++) {
		h->pid_hash[i] =
			calloc((size_t)1 << shift, sizeof(struct hlist_head));
		if (!h->pid_hash[i])
			goto out_free;
	}
	/* Reserve PID 0. */
	h->map[0] = 1;
	return h;

out_free:
	old_pidhash_destroy(h);
	return NULL;
}

void old_pidhash_destroy(struct old_pidhash *h)
{
	if (!h)
		return;
	for (int i = 0; i < PIDTYPE_MAX; i++)
		free(h->pid_hash[i]);
	free(h->map);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

size_t old_pidhash_bytes(const struct old_pidhash *h)
{
	return PIDTYPE_MAX * ((size_t)1 << h->pidhash_shift) *
	       sizeof(struct hlist_head);
}

void old_write_lock(struct old_pidhash *h)
{
	pthread_mutex_lock(&h->lock);
}

void old_write_unlock(struct old_pidhash *h)
{
	pthread_mutex_unlock(&h->lock);
}

/* First clear bit in [from, to), or -1. */
static int find_zero(const unsigned long *map, int from, int to)
{
	for (int i = from; i < to;) {
		unsigned long w = ~map[i / LONG_BITS] >> (i % LONG_BITS);

		if (w) {
			int nr = i + __builtin_ctzl(w);

			return nr < to ? nr : -1;
		}
		i = (i | (LONG_BITS - 1)) + 1;
	}
	return -1;
}

int old_alloc_pidmap(struct old_pidhash *h)
{
	int last = h->last_pid, nr;

	nr = find_zero(h->map, last + 1, h->pid_max);
	if (nr < 0)
		nr = find_zero(h->map, RESERVED_PIDS, last + 1);
	if (nr < 0 || nr == last)
		return -1;
	h->map[nr / LONG_BITS] |= 1UL << (nr % LONG_BITS);
	h->last_pid = nr;
	return nr;
}

void old_free_pidmap(struct old_pidhash *h, int nr)
{
	h->map[nr / LONG_BITS] &= ~(1UL << (nr % LONG_BITS));
}

void old_set_pidmap(struct old_pidhash *h, int nr)
{
	h->map[nr / LONG_BITS] |= 1UL << (nr % LONG_BITS);
}

struct old_pid *old_find_pid(struct old_pidhash *h, enum pid_type type, int nr)
{
	struct old_pid *pid;

	hlist_for_each_entry_rcu(pid, &h->pid_hash[type][old_pid_hashfn(h, nr)],
				 pid_chain) {
		if (pid->nr == nr)
			return pid;
	}
	return NULL;
}

int old_attach_pid(struct old_pidhash *h, struct old_task *task,
		   enum pid_type type, int nr)
{
	struct old_pid *pid, *task_pid;

	task_pid = &task->pids[type];
	pid = old_find_pid(h, type, nr);
	task_pid->nr = nr;
	if (pid == NULL) {
		CDS_INIT_LIST_HEAD(&task_pid->pid_list);
		hlist_add_head_rcu(&task_pid->pid_chain,
				   &h->pid_hash[type][old_pid_hashfn(h, nr)]);
	} else {
		INIT_HLIST_NODE(&task_pid->pid_chain);
		cds_list_add_tail_rcu(&task_pid->pid_list, &pid->pid_list);
	}
	return 0;
}

static int __detach_pid(struct old_task *task, enum pid_type type)
{
	struct old_pid *pid, *pid_next;
	int nr = 0;

	pid = &task->pids[type];
	if (!hlist_unhashed(&pid->pid_chain)) {
		if (cds_list_empty(&pid->pid_list)) {
			nr = pid->nr;
			hlist_del_rcu(&pid->pid_chain);
		} else {
			pid_next = cds_list_entry(pid->pid_list.next,
						  struct old_pid, pid_list);
			/* insert next pid from pid_list to hash */
			hlist_replace_rcu(&pid->pid_chain,
					  &pid_next->pid_chain);
		}
	}

	cds_list_del_rcu(&pid->pid_list);
	pid->nr = 0;

	return nr;
}

void old_detach_pid(struct old_pidhash *h, struct old_task *task,
		    enum pid_type type)
{
	int tmp, nr;

	nr = __detach_pid(task, type);
	if (!nr)
		return;

	for (tmp = PIDTYPE_MAX; --tmp >= 0;)
		if (tmp != (int)type && old_find_pid(h, tmp, nr))
			return;

	old_free_pidmap(h, nr);
}

struct old_task *old_find_task_by_pid_type(struct old_pidhash *h, int type,
					   int nr)
{
	struct old_pid *pid;

	pid = old_find_pid(h, type, nr);
	if (!pid)
		return NULL;
	/* 2.6.17's pid_task(&pid->pid_list, type): the task around it */
	return (struct old_task *)((char *)pid -
				   offsetof(struct old_task, pids) -
				   (size_t)type * sizeof(struct old_pid));
}
