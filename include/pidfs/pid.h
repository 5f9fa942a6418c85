/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What is struct pid?
 *
 * A struct pid is the kernel's internal notion of a process identifier.
 * It refers to individual tasks, process groups, and sessions.  While
 * there are processes attached to it the struct pid lives in a hash
 * table, so it and then the processes that it refers to can be found
 * quickly from the numeric pid value.  The attached processes may be
 * quickly accessed by following pointers from struct pid.
 *
 * Storing pid_t values in the kernel and referring to them later has a
 * problem: the process originally with that pid may have exited and the
 * pid allocator wrapped, and another process may have come along and been
 * assigned that pid.  Referring to user space processes by holding a
 * reference to struct task_struct has a problem too: when the user space
 * process exits the now useless task_struct stays in memory, about 10 KiB
 * of low memory each on a 2006 kernel.  A struct pid is two orders of
 * magnitude smaller, cannot be confused with a later pid of the same
 * number, and so is the right thing to hold.
 *
 * This header is the patched kernel/pid.c of "pidhash: Refactor the pid
 * hash table" in userspace: the same names, the same semantics.  Where a
 * signature differs from the kernel's, the comment above it says why.
 *
 * pidfs adds one thing the kernel of that patch did not have: a 64-bit
 * serial, never reused, from which file systems derive inode numbers.  It
 * lives in the word the kernel spent on the hash chain's pprev (the chain
 * is singly linked here), so the host's struct pid is the kernel's 64
 * bytes on x86-64, with count and nr first, as the kernel has them.  What
 * it costs: free_pid() finds a pid's predecessor by walking its chain
 * under pidmap_lock instead of following pprev (chains the table's sizing
 * keeps short), and nothing else.  The low-memory charge is not the host's
 * sizeof but the modelled machine's (36 bytes on i386, 64 on x86-64: see
 * doc/design.md), which has no serial.
 *
 * Three pid types, as in 2.6.17: Oleg Nesterov's "pids: kill" of the TGID
 * type (2.6.17-rc1) had already replaced it with a thread_group list in
 * the task when the patch went in; the type came back only in 4.19.
 *
 * State lives in a struct pid_namespace (the kernel grew that object later,
 * in 2.6.19, and kept the old names as wrappers over the initial one, as
 * pidfs does): the pid bitmap, the hash table, the pidmap_lock and the
 * slab cache of struct pids.
 */
#ifndef PIDFS_PID_H
#define PIDFS_PID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidfs/arch.h"
#include "pidfs/rcu.h"

struct lowmem;
struct task_struct;
struct pid_namespace;		/* opaque */

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

#define PID_MAX_DEFAULT		0x8000		/* 32768 */
/*
 * The largest pid_max of any modelled machine (x86-64's; i386's was
 * 32768): the bitmap's size.  A namespace's own limit is its arch's.
 */
#define PID_MAX_LIMIT		(4 * 1024 * 1024)
#define RESERVED_PIDS		300
#define PAGE_SIZE		4096
#define BITS_PER_PAGE		(PAGE_SIZE * 8)
#define BITS_PER_PAGE_MASK	(BITS_PER_PAGE - 1)
#define PIDMAP_ENTRIES		((PID_MAX_LIMIT + BITS_PER_PAGE - 1) / BITS_PER_PAGE)

/* Every pid number fits in PID_NR_BITS bits (PID_MAX_LIMIT is 2^22). */
#define PID_NR_BITS		22
#define PID_NR_MASK		((UINT64_C(1) << PID_NR_BITS) - 1)

/* Hash table sizing: pidhash_init()'s clamp, and pidfs's override range. */
#define PIDHASH_SHIFT_MIN	4
#define PIDHASH_SHIFT_MAX	12
#define PIDHASH_SHIFT_LIMIT	22

struct pid {
	int count;			/* ATOMIC: get_pid()/put_pid() */
	int nr;				/* immutable */
	/*
	 * Hash chain.  Singly linked where the kernel used an hlist: the
	 * kernel's pprev word is what pays for the serial.  free_pid() finds
	 * the predecessor by walking the chain under pidmap_lock, a chain the
	 * table sizing keeps short.  Readers follow it under RCU.
	 */
	struct pid *pid_chain;
	/*
	 * Immutable: counts every struct pid the namespace ever allocated,
	 * from 1, never reused (alloc_pid() fails rather than wrap it).
	 */
	uint64_t serial;
	/* Lists of tasks that use this pid: RCU, written under tasklist_lock */
	struct hlist_head tasks[PIDTYPE_MAX];
	struct rcu_head rcu;
};

/* The per-task linkage into a struct pid's task lists (in task_struct). */
struct pid_link {
	struct hlist_node node;
	struct pid *pid;
};

struct pid_ns_params {
	struct lowmem *lowmem;		/* zone to charge; required */
	/*
	 * The modelled machine (NULL: the default, i386): what a struct
	 * pid, a hash bucket and a bitmap page are charged, and the limit
	 * of pid_max.
	 */
	const struct pidfs_arch *arch;
	int pid_max;			/* 1..arch's limit; 0 = default */
	/*
	 * Hash table: -1 sizes it as pidhash_init() does from @memory_mb;
	 * 0..PIDHASH_SHIFT_LIMIT forces 1 << hash_shift buckets.
	 */
	int hash_shift;
	unsigned long memory_mb;	/* 0: the zone's budget */
};

struct pid_ns_stats {
	int pid_max;
	int last_pid;
	int nr_pids;			/* in the hash now */
	int hash_shift;
	unsigned int hash_buckets;
	size_t hash_bytes;		/* the host's table */
	size_t hash_charged;		/* the modelled machine's, charged */
	int pid_max_limit;		/* the modelled machine's */
	size_t pid_struct_size;		/* charged per struct pid */
	unsigned int longest_chain;
	unsigned int empty_buckets;
	int pidmap_pages;		/* allocated bitmap pages */
	int nr_free;			/* free numbers in allocated pages */
	uint64_t serials;		/* struct pids ever allocated */
	uint64_t wraps;			/* times alloc_pidmap() wrapped */
};

/*
 * Namespaces.  The first namespace created becomes the initial one, on
 * which the kernel-named functions act, until it is destroyed.
 * pid_ns_create() returns NULL with errno set (EINVAL, ENOMEM).
 * pid_ns_destroy() needs every struct pid freed and waits for pending RCU
 * callbacks (rcu_barrier()), so it must not be called under rcu_read_lock.
 */
struct pid_namespace *pid_ns_create(const struct pid_ns_params *params);
void pid_ns_destroy(struct pid_namespace *ns);
extern struct pid_namespace *init_pid_ns;

/* pidhash_init()'s sizing: log2 buckets for @megabytes of memory. */
int pidhash_shift_for(unsigned long megabytes);

/*
 * pid_max: 1..the arch's pid_max_limit, else -EINVAL.  Numbers at or above a lowered
 * pid_max stay in use until freed; none is handed out again.
 */
int pid_ns_set_pid_max(struct pid_namespace *ns, int pid_max);
int pid_ns_pid_max(const struct pid_namespace *ns);

/* last_pid, for callers that must undo a failed operation's side effect. */
int pid_ns_last_pid(const struct pid_namespace *ns);
void pid_ns_set_last_pid(struct pid_namespace *ns, int last_pid);

/* The slab cache of struct pids, for walking what is left at shutdown. */
struct kmem_cache *pid_ns_pid_cache(const struct pid_namespace *ns);

/* Statistics for /pidhash.  Takes pidmap_lock. */
void pid_ns_read_stats(struct pid_namespace *ns, struct pid_ns_stats *st);

/* Set by pidfs; the kernel's nr is an int in struct pid. */
static inline pid_t pid_nr(const struct pid *pid)
{
	return pid ? pid->nr : 0;
}

/* Never reused within a namespace, never 0. */
static inline uint64_t pid_serial(const struct pid *pid)
{
	return pid->serial;
}

/* Take a reference.  Any context; the caller must already hold one, or be
 * under rcu_read_lock with a pid found in the hash. */
static inline struct pid *get_pid(struct pid *pid)
{
	if (pid)
		__atomic_fetch_add(&pid->count, 1, __ATOMIC_RELAXED);
	return pid;
}

/* put_pid()'s slow path: the last reference is gone; free it. */
void __put_pid(struct pid *pid) __attribute__((cold));

/*
 * Drop a reference; the last one frees the struct pid at once (it has
 * already left the hash, and a grace period has passed since, see
 * free_pid()).  Any context, NULL allowed.  Inline, because
 * find_get_pid() + put_pid() is the lookup path of every open file.
 */
static inline void put_pid(struct pid *pid)
{
	if (!pid)
		return;
	/* The patch's shortcut: the last holder needs no atomic decrement. */
	if (__atomic_load_n(&pid->count, __ATOMIC_ACQUIRE) == 1 ||
	    __atomic_sub_fetch(&pid->count, 1, __ATOMIC_ACQ_REL) == 0)
		__put_pid(pid);
}

/*
 * Allocate a pid number and a struct pid, and hash it.  Returns NULL when
 * no number is found (or serials are exhausted) or the low-memory zone is
 * full.  As in the kernel, a number is not found when the only free one is
 * last_pid itself (see alloc_pidmap()).
 * The kernel's alloc_pid() took no namespace: it had one.
 * May be called from any thread, with no locks held.
 */
struct pid *alloc_pid_ns(struct pid_namespace *ns);
struct pid *alloc_pid(void);

/*
 * Unhash @pid, free its number, and drop the hash's reference after an
 * RCU grace period.  May be called with tasklist_lock write-held.  Takes
 * pidmap_lock.  The namespace is explicit because struct pid does not
 * point back to it (the kernel's pid.c had only one).
 */
void free_pid_ns(struct pid_namespace *ns, struct pid *pid);
void free_pid(struct pid *pid);

/*
 * The hash table: one of the namespace's private fields, made public here
 * (it is the first member of struct pid_namespace) so that find_pid() and
 * find_get_pid() can be inlined into their callers.
 */
struct pidhash {
	struct pid **table;		/* immutable; chains: pidmap_lock */
	int shift;			/* immutable: 1 << shift buckets */
};

static inline const struct pidhash *pid_ns_hash(const struct pid_namespace *ns)
{
	return (const struct pidhash *)(const void *)ns;
}

/*
 * hash_long(nr, shift), as the patch has it, with the multiplier hash_64()
 * has used since Linux 4.7.  The 2006 one, GOLDEN_RATIO_PRIME_64
 * (0x9e37fffffffc0001), has so few bits set that consecutive numbers
 * reach only about 8192 buckets: harmless at the patch's 4096, but with
 * the table sized to pid_max a lookup walked chains of 2.5 nodes at 32k
 * pids and 61 at a million (doc/design.md).  A zero shift is one bucket.
 */
#define GOLDEN_RATIO_64		UINT64_C(0x61C8864680B583EB)

static inline unsigned int pid_hashfn(const struct pidhash *hash, int nr)
{
	if (!hash->shift)
		return 0;
	return (unsigned int)(((uint64_t)nr * GOLDEN_RATIO_64) >>
			      (64 - hash->shift));
}

/* Must be called under rcu_read_lock() or with pidmap_lock held. */
static inline struct pid *find_pid_ns(int nr, struct pid_namespace *ns)
{
	const struct pidhash *hash = pid_ns_hash(ns);
	struct pid *pid;

	/* Any nr: one outside 1..pid_max - 1 is in no chain. */
	for (pid = rcu_access(hash->table[pid_hashfn(hash, nr)]); pid;
	     pid = rcu_access(pid->pid_chain))
		if (pid_nr(pid) == nr)
			return pid;
	return NULL;
}

struct pid *find_pid(int nr);

/*
 * The first hashed pid whose number is >= @nr, or NULL.  Walks the bitmap
 * as the kernel's next_pidmap() does.  Call under rcu_read_lock().
 * Not the patch's: next_pidmap() came in 2.6.18 and find_ge_pid() in
 * 2.6.19, for proc's readdir; 2.6.17's proc walked the task list.  pidfs
 * lists its root with them because it has no task list of processes.
 */
struct pid *find_ge_pid_ns(int nr, struct pid_namespace *ns);
struct pid *find_ge_pid(int nr);

/* find_pid() plus a reference.  Takes and drops rcu_read_lock. */
static inline struct pid *find_get_pid_ns(pid_t nr, struct pid_namespace *ns)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	/*
	 * Two exits, so that a caller's put_pid() inlined after this knows
	 * the pid it got is not NULL: 2% of a lookup at 32k pids.
	 */
	if (!pid) {
		rcu_read_unlock();
		return NULL;
	}
	get_pid(pid);
	rcu_read_unlock();
	return pid;
}

struct pid *find_get_pid(pid_t nr);

/*
 * Link @task into the task list of the hashed pid numbered @nr, which must
 * exist.  Call with tasklist_lock write-held.  Returns 0.
 */
int attach_pid(struct task_struct *task, enum pid_type type, int nr);

/*
 * Unlink @task's @type link, and free_pid() the struct pid when it has no
 * task of any type left.  Call with tasklist_lock write-held.
 */
void detach_pid(struct task_struct *task, enum pid_type type);

/*
 * First task in @pid's @type list, or NULL.  Must be called under
 * rcu_read_lock() or with tasklist_lock held; no reference is taken.
 */
struct task_struct *pid_task(struct pid *pid, enum pid_type type);

/* Must be called under rcu_read_lock() or with tasklist_lock read-held. */
struct task_struct *find_task_by_pid_type_ns(int type, int nr,
					     struct pid_namespace *ns);
struct task_struct *find_task_by_pid_type(int type, int nr);

/* pid_task() plus a task reference.  Takes and drops rcu_read_lock. */
struct task_struct *get_pid_task(struct pid *pid, enum pid_type type);

#endif /* PIDFS_PID_H */
