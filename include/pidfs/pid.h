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
 * This header is kernel/pid.c in userspace: the patch "pidhash: Refactor
 * the pid hash table" as 2.6.24 extended it with pid namespaces (struct
 * upid, one number per level; one slab cache per level): the same names,
 * the same semantics.  Where a signature differs from the kernel's, the
 * comment above it says why.
 *
 * pidfs adds one thing the kernel did not have: a 64-bit serial, never
 * reused, from which file systems derive inode numbers.  It lives in the
 * struct pid's header, beside level; the hash chain of each level is
 * singly linked, which saves the kernel's pprev word per level.  What it
 * costs: free_pid() finds each level's predecessor by walking its chain
 * under pidmap_lock instead of following pprev (chains the table's sizing
 * keeps short), and 8 bytes of the host's object.  The low-memory charge
 * is not the host's sizeof but the modelled machine's (see
 * pid_charged_size() and doc/design.md), which has no serial.
 *
 * Three pid types, as in 2.6.17: Oleg Nesterov's "pids: kill" of the TGID
 * type (2.6.17-rc1) had already replaced it with a thread_group list in
 * the task when the patch went in; the type came back only in 4.19.
 *
 * State lives in a tree of struct pid_namespace (the kernel grew that
 * object in 2.6.19 and nested it in 2.6.24): each has its bitmap and
 * last_pid; the tree shares the hash table, the pidmap_lock, the serials
 * and the slab caches.  The kernel-named wrappers without a namespace act
 * on the initial one.
 *
 * The allocator.  A tree is made with one of two (struct pid_ns_params'
 * alloc, fixed for its life): the patch's bitmap and hash above, or the
 * IDR of Linux 4.15 (commit 95846ecf9dac), one per namespace, which does
 * both jobs: idr_alloc_cyclic() hands out the numbers, idr_find() is
 * find_pid_ns(), idr_get_next() is find_ge_pid(); an IDR tree has no hash
 * table and no bitmap (src/pid_idr.c).  Every function below works with
 * either and says so where they differ.
 */
#ifndef PIDFS_PID_H
#define PIDFS_PID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidfs/arch.h"
#include "pidfs/idr.h"
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

/*
 * The number of a struct pid in one namespace (2.6.24's struct upid).  The
 * chain is singly linked where the kernel's was an hlist: free_pid()
 * finds each predecessor under pidmap_lock, walking a chain the table's
 * sizing keeps short, and the word saved per level pays for the serial.
 */
struct upid {
	int nr;				/* immutable */
	struct pid_namespace *ns;	/* immutable */
	struct upid *pid_chain;		/* pidmap_lock; RCU readers */
};

#define MAX_PID_NS_LEVEL	32
/* The initial namespace's id, Linux's PROC_PID_INIT_INO. */
#define PROC_PID_INIT_INO	0xEFFFFFFCU

struct pid {
	int count;			/* ATOMIC: get_pid()/put_pid() */
	unsigned int level;		/* immutable: numbers[0 .. level] */
	/*
	 * Immutable: counts every struct pid the tree of namespaces ever
	 * allocated, from 1, never reused (alloc_pid() fails rather than
	 * wrap it).  2.6.24 has no such field: 8 bytes of the host's object,
	 * never charged.
	 */
	uint64_t serial;
	/* Lists of tasks that use this pid: RCU, written under tasklist_lock */
	struct hlist_head tasks[PIDTYPE_MAX];
	struct rcu_head rcu;
	/* One number per level, from the initial namespace (0) down. */
	struct upid numbers[];
};

/* Which structures number and find the pids of a tree of namespaces. */
enum pid_alloc {
	PID_ALLOC_PIDMAP,	/* the patch's bitmap and hash (the default) */
	PID_ALLOC_IDR,		/* Linux 4.15's IDR, one per namespace */
	PID_ALLOC_NR,
};

/* "pidmap", "idr"; pid_alloc_by_name() returns -1 for any other name. */
const char *pid_alloc_name(enum pid_alloc alloc);
int pid_alloc_by_name(const char *name);

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
	/*
	 * PID_ALLOC_IDR: no hash table is made or charged (hash_shift and
	 * memory_mb are checked, then unused), each namespace has an IDR.
	 */
	enum pid_alloc alloc;
};

struct pid_ns_stats {
	enum pid_alloc alloc;
	int pid_max;
	int last_pid;
	int nr_pids;			/* in the hash now, every level */
	int hash_shift;
	unsigned int hash_buckets;
	size_t hash_bytes;		/* the host's table */
	size_t hash_charged;		/* the modelled machine's, charged */
	int pid_max_limit;		/* the modelled machine's */
	size_t pid_struct_size;		/* charged per level-0 struct pid */
	unsigned int longest_chain;
	unsigned int empty_buckets;
	int pidmap_pages;		/* allocated bitmap pages */
	int nr_free;			/* free numbers in allocated pages */
	uint64_t serials;		/* struct pids ever allocated */
	uint64_t wraps;			/* times alloc_pidmap() wrapped */
	int nr_namespaces;		/* alive in the tree, the initial one too */
	int tree_pidmap_pages;		/* bitmap pages of every namespace */
	size_t pids_charged;		/* bytes charged for the hashed pids */
	/*
	 * PID_ALLOC_IDR (all 0 under the pidmap, as the hash's and the
	 * bitmap's fields are 0 under the IDR): the namespace's IDR, its
	 * nodes in the tree and in its reserve, and the same summed over
	 * every namespace of the tree.  Bytes are the charged size.
	 */
	struct idr_stats idr;
	unsigned long tree_idr_nodes;	/* tree and reserve, every namespace */
	size_t tree_idr_bytes;
};

/* One level's slab cache of struct pids ("pid", "pid_2", ... "pid_33"). */
struct pid_cache_stats {
	char name[8];
	unsigned int level;
	size_t host_size;		/* the daemon's object */
	size_t charged_size;		/* the modelled machine's */
	int nr_pids;			/* of this level, in the hash now */
	uint64_t allocated;		/* of this level, ever */
};

/*
 * Namespaces.  pid_ns_create() makes the initial namespace of a tree (the
 * kernel's init_pid_ns): it owns the hash table, pidmap_lock, the serials
 * and the slab caches of every level.  The first one created becomes
 * init_pid_ns, on which the kernel-named wrappers without a namespace
 * act, until it is destroyed.  pid_ns_create() returns NULL with errno set
 * (EINVAL, ENOMEM).  pid_ns_destroy() needs every struct pid freed and
 * every child namespace gone, and waits for pending RCU callbacks
 * (rcu_barrier()), so it must not be called under rcu_read_lock.
 */
struct pid_namespace *pid_ns_create(const struct pid_ns_params *params);
void pid_ns_destroy(struct pid_namespace *ns);
extern struct pid_namespace *init_pid_ns;

/*
 * copy_pid_ns()'s create_pid_namespace(): a namespace one level below
 * @parent, holding a reference on it, with a count of one for the caller.
 * Its id is the next of the tree (PROC_PID_INIT_INO for the initial one,
 * then increasing, never reused).  Returns NULL with errno ENOSPC below
 * MAX_PID_NS_LEVEL, ENOMEM without memory.  Any thread, no lock held.
 */
struct pid_namespace *create_pid_namespace(struct pid_namespace *parent);

/*
 * References.  The last put_pid_ns() of a namespace below the initial one
 * frees it (its bitmap pages with it) and puts its parent; on the initial
 * one both are no-ops, pid_ns_destroy() ends it.  Every struct pid holds
 * one on the namespace of its level until it is freed.  Any context.
 */
struct pid_namespace *get_pid_ns(struct pid_namespace *ns);
void put_pid_ns(struct pid_namespace *ns);

/* Immutable facts of a namespace; any context with a reference held. */
unsigned int pid_ns_level(const struct pid_namespace *ns);
struct pid_namespace *pid_ns_parent(const struct pid_namespace *ns);
unsigned int pid_ns_inum(const struct pid_namespace *ns);
struct pid_namespace *pid_ns_init_ns(const struct pid_namespace *ns);

/*
 * The namespace of the tree (the one @ns belongs to) whose id is @inum,
 * with a reference, or NULL.  Takes pidmap_lock.
 */
struct pid_namespace *pid_ns_find_get(struct pid_namespace *ns,
				      unsigned int inum);

/*
 * The ids of every namespace alive in @ns's tree, the initial one first,
 * in increasing order, in a malloc()ed array at *@idsp that the caller
 * frees: what a listing of namespaces (readdir of /pidns) walks.  Returns
 * the count, or -ENOMEM.  Takes pidmap_lock.
 */
int pid_ns_ids(struct pid_namespace *ns, unsigned int **idsp);

/*
 * child_reaper: the task the task layer made init of @ns, or NULL.  The
 * pid layer only keeps the pointer; the task layer sets and reads it
 * under its tasklist_lock.
 */
struct task_struct *pid_ns_child_reaper(const struct pid_namespace *ns);
void pid_ns_set_child_reaper(struct pid_namespace *ns,
			     struct task_struct *reaper);

/*
 * disable_pid_allocation() (Linux 3.8's PIDNS_ADDING cleared): later
 * alloc_pid()s in @ns fail with ENOMEM.  Takes pidmap_lock.
 */
void disable_pid_allocation(struct pid_namespace *ns);

/* Whether @ns still allows allocation.  Takes pidmap_lock. */
bool pid_ns_allocating(struct pid_namespace *ns);

/* pidhash_init()'s sizing: log2 buckets for @megabytes of memory. */
int pidhash_shift_for(unsigned long megabytes);

/*
 * pid_max: 1..the arch's pid_max_limit, else -EINVAL.  Numbers at or
 * above a lowered pid_max stay in use until freed; none is handed out
 * again.  One sysctl for the whole tree, as the kernel's.
 */
int pid_ns_set_pid_max(struct pid_namespace *ns, int pid_max);
int pid_ns_pid_max(const struct pid_namespace *ns);

/* last_pid, for callers that must undo a failed operation's side effect. */
int pid_ns_last_pid(const struct pid_namespace *ns);
void pid_ns_set_last_pid(struct pid_namespace *ns, int last_pid);

/*
 * The slab cache of the struct pids of @level (0: "pid"), for walking
 * what is left at shutdown; NULL if no namespace of that level was ever
 * made.  pid_ns_pid_cache() is level 0's.
 */
struct kmem_cache *pid_ns_pid_cache(const struct pid_namespace *ns);
struct kmem_cache *pid_ns_pid_cache_level(const struct pid_namespace *ns,
					  unsigned int level);

/*
 * What a struct pid of @level is charged on @arch: 2.6.17's layout at
 * level 0 (the patch's, so that a tree that never unshares reproduces
 * it), 2.6.24's above: pid_ns_pid_size + level * upid_size.
 */
size_t pid_charged_size(const struct pidfs_arch *arch, unsigned int level);

/* Which allocator @ns's tree uses.  Any context. */
enum pid_alloc pid_ns_alloc(const struct pid_namespace *ns);

/*
 * Statistics for /pidhash: of the tree's hash and @ns's bitmap, or of
 * @ns's IDR and the tree's IDRs, with st->alloc saying which.  Takes
 * pidmap_lock.
 */
void pid_ns_read_stats(struct pid_namespace *ns, struct pid_ns_stats *st);

/*
 * The caches of @ns's tree, one per level that has one, into @st (room
 * for MAX_PID_NS_LEVEL + 1).  Returns how many.  Takes pidmap_lock.
 */
int pid_ns_read_cache_stats(struct pid_namespace *ns,
			    struct pid_cache_stats *st);

/* The number in the initial namespace (2.6.24's pid_nr()), 0 for NULL. */
static inline pid_t pid_nr(const struct pid *pid)
{
	return pid ? pid->numbers[0].nr : 0;
}

/* The namespace the pid was allocated in: its deepest level's. */
static inline struct pid_namespace *ns_of_pid(const struct pid *pid)
{
	return pid ? pid->numbers[pid->level].ns : NULL;
}

/*
 * @pid's number as seen from @ns, 0 if not visible there (@ns is not one
 * of its namespaces).  Any context with a reference or under RCU.
 */
pid_t pid_nr_ns(const struct pid *pid, const struct pid_namespace *ns);

/* Never reused within a tree of namespaces, never 0. */
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
 * free_pid()) and puts its namespace.  Any context, NULL allowed.
 * Inline, because find_get_pid() + put_pid() is the lookup path of every
 * open file.
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
 * Allocate a struct pid in @ns: a number in @ns and in each namespace
 * above it up to the initial one, undoing every one taken on failure, and
 * hash every level.  Returns NULL with errno EAGAIN when a level has no
 * free number (or serials are exhausted), ENOMEM when the zone refused the
 * struct pid or a bitmap page, or @ns no longer allows allocation (its
 * init has died: pid_ns_allocating() tells which).  As in the kernel,
 * a number is not found when the only free one is last_pid itself (see
 * alloc_pidmap()).  Any thread, no lock held.
 */
struct pid *alloc_pid(struct pid_namespace *ns);

/*
 * Unhash every level of @pid, free its numbers, and drop the hash's
 * reference after an RCU grace period.  The namespaces come from the
 * pid itself.  May be called with tasklist_lock write-held.  Takes
 * pidmap_lock.
 */
void free_pid(struct pid *pid);

/*
 * The hash table: one for a tree of namespaces, keyed by (nr, namespace);
 * none under PID_ALLOC_IDR.  Each namespace begins with this head, so
 * that find_pid_ns() and find_get_pid() can be inlined into their callers.
 */
struct pidhash {
	struct upid **table;		/* immutable; chains: pidmap_lock */
	int shift;			/* immutable: 1 << shift buckets */
};

struct pid_ns_head {
	struct pidhash hash;		/* a copy of the tree's: immutable */
	unsigned int level;		/* immutable */
	/*
	 * Immutable: added to a number before hashing, so (nr, ns) is the
	 * key, as the kernel's nr + ns.  0 in the initial namespace, whose
	 * chains are then exactly the patch's; (id - PROC_PID_INIT_INO) <<
	 * PID_NR_BITS below, which no two namespaces share.
	 */
	uint64_t hash_key;
	/*
	 * Immutable: the namespace's IDR under PID_ALLOC_IDR, NULL under
	 * the pidmap (then the hash above is the tree's).  Its slots hold
	 * the struct pids themselves, NULL while one is being built.
	 */
	struct idr *idr;
};

static inline const struct pid_ns_head *
pid_ns_head(const struct pid_namespace *ns)
{
	return (const struct pid_ns_head *)(const void *)ns;
}

/*
 * hash_long(nr + key, shift), as the kernel has it, with the multiplier
 * hash_64() has used since Linux 4.7.  The 2006 one, GOLDEN_RATIO_PRIME_64
 * (0x9e37fffffffc0001), has so few bits set that consecutive numbers
 * reach only about 8192 buckets: harmless at the patch's 4096, but with
 * the table sized to pid_max a lookup walked chains of 2.5 nodes at 32k
 * pids and 61 at a million (doc/design.md).  A zero shift is one bucket.
 */
#define GOLDEN_RATIO_64		UINT64_C(0x61C8864680B583EB)

static inline unsigned int pid_hashfn(const struct pidhash *hash, int nr,
				      uint64_t key)
{
	if (!hash->shift)
		return 0;
	return (unsigned int)((((uint64_t)nr + key) * GOLDEN_RATIO_64) >>
			      (64 - hash->shift));
}

/* The struct pid whose numbers[@level] is @upid: container_of(). */
static inline struct pid *upid_pid(struct upid *upid, unsigned int level)
{
	char *numbers = (char *)(upid - level);

	return (struct pid *)(void *)(numbers - offsetof(struct pid, numbers));
}

/*
 * find_pid_ns() under PID_ALLOC_IDR: idr_find() out of line, as 4.15's
 * called radix_tree_lookup(), so that the inlined hash path keeps its
 * registers.  Under rcu_read_lock() or with pidmap_lock held.
 */
struct pid *pid_idr_find(const struct idr *idr, int nr);

/*
 * Must be called under rcu_read_lock() or with pidmap_lock held.  Under
 * PID_ALLOC_IDR, 4.15's: idr_find() in the namespace's IDR, which finds
 * no pid until alloc_pid() has published it whole.
 */
static inline struct pid *find_pid_ns(int nr, struct pid_namespace *ns)
{
	const struct pid_ns_head *h = pid_ns_head(ns);
	unsigned int b = pid_hashfn(&h->hash, nr, h->hash_key);
	struct upid **table = h->hash.table;
	struct upid *upid;

	/*
	 * No table: the IDR's namespace.  One test of what the hash's path
	 * loads anyway, predicted; that path is otherwise unchanged.
	 */
	if (__builtin_expect(!table, 0))
		return pid_idr_find(h->idr, nr);
	/* Any nr: one outside 1..pid_max - 1 is in no chain. */
	for (upid = rcu_access(table[b]); upid;
	     upid = rcu_access(upid->pid_chain))
		if (upid->nr == nr && upid->ns == ns)
			return upid_pid(upid, h->level);
	return NULL;
}

struct pid *find_pid(int nr);

/*
 * The first pid hashed in @ns whose number there is >= @nr, or NULL.
 * Walks @ns's bitmap as the kernel's next_pidmap() does; under
 * PID_ALLOC_IDR it is 4.15's idr_get_next().  Call under
 * rcu_read_lock().  Not the patch's: next_pidmap() came in 2.6.18 and
 * find_ge_pid() in 2.6.19, for proc's readdir; 2.6.17's proc walked the
 * task list.  pidfs lists its root with them because it has no task list
 * of processes.
 */
struct pid *find_ge_pid_ns(int nr, struct pid_namespace *ns);
struct pid *find_ge_pid(int nr);

/*
 * The first number in use in @ns after @last, or -1 (next_pidmap(), for
 * zap_pid_ns_processes()).  Under PID_ALLOC_IDR the first published pid
 * after @last, as 4.15's zap walks the IDR (idr_get_next()): a number
 * still being set up is not in use yet.  Any context (takes
 * rcu_read_lock under the IDR).
 */
int pid_ns_next_pidmap(struct pid_namespace *ns, int last);

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

/* The per-task linkage into a struct pid's task lists (in task_struct). */
struct pid_link {
	struct hlist_node node;
	struct pid *pid;
};

/*
 * Link @link (a task's link of one type) into @pid's list of @type, as
 * 2.6.24's attach_pid() does with the task's.  Call with tasklist_lock
 * write-held.  The task layer wraps it (pid_task() is there too).
 */
void pid_link_attach(struct pid_link *link, enum pid_type type,
		     struct pid *pid);

/*
 * Unlink @link, and free_pid() its struct pid when it has no task of any
 * type left.  Call with tasklist_lock write-held.
 */
void pid_link_detach(struct pid_link *link);

#endif /* PIDFS_PID_H */
