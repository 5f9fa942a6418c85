// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Generic pidhash and scalable, time-bounded PID allocator: kernel/pid.c
 * as the patch "pidhash: Refactor the pid hash table" left it, in
 * userspace.
 *
 * One hash table of struct pid numbers keyed by (number, namespace), as
 * 2.6.24 left it after "pid namespaces: introduce struct upid": a struct
 * pid has a number in its own namespace and in each one above it, each
 * hashed.  A struct pid is allocated with its numbers by alloc_pid(),
 * hashed at once, and lives until its last reference is put; free_pid()
 * unhashes every level and frees the numbers, and a grace period later
 * drops the hash's reference.  Tasks link to it through their pid_links
 * (pid_link_attach()/pid_link_detach(), wrapped by the task layer's
 * attach_pid()/detach_pid()); the last detach frees it.  The pid layer
 * knows nothing of tasks beyond the pointer it keeps as child_reaper.
 *
 * A tree of namespaces shares one hash table, one pidmap_lock, one serial
 * counter and one slab cache per level (baf8f0f82dd7: "pid", then
 * "pid_<level + 1>"); each namespace has its own bitmap and last_pid.
 *
 * A tree made with PID_ALLOC_IDR has neither bitmaps nor hash: each
 * namespace's IDR numbers and holds its pids, as in Linux 4.15.  The
 * functions below branch once on the namespace's allocator; the IDR's
 * side is in src/pid_idr.c, whose top comment has its semantics.
 *
 * Where pidfs departs from the kernel, and why:
 *  - the tree's state hangs off its initial namespace (the kernel has
 *    globals), so tests and several mounts each have their own;
 *  - the hash chain is singly linked: the word saved per level pays for
 *    the serial (see pid.h), and free_pid() finds each predecessor under
 *    pidmap_lock, walking a chain that the table's sizing keeps short;
 *  - the hash key is nr plus a per-namespace constant, 0 in the initial
 *    namespace (the kernel adds the namespace's address), so that a tree
 *    that never unshares hashes exactly as the patch did;
 *  - hash_long() multiplies by the constant Linux adopted in 4.7, which
 *    spreads consecutive numbers over any table size (pid_hashfn() in pid.h);
 *  - pidmap_lock is a mutex, not a spinlock: userspace threads can be
 *    preempted while holding it, and spinning on a 2-CPU machine would
 *    then burn the other CPU;
 *  - pid_max may be set below RESERVED_PIDS + 1 (the kernel's minimum):
 *    numbers below it are then handed out once each, on the first pass,
 *    and alloc_pidmap() fails once they are used up;
 *  - a namespace whose init has died refuses allocation with ENOMEM, as
 *    Linux 3.8 and later do (2.6.24 let forks in);
 *  - the namespace object and its bitmap pages are charged the bitmap
 *    pages only (the slab object of struct pid_namespace is not).
 *
 * Locking: the bitmaps are lock-free (atomic test-and-set, atomic
 * nr_free); the tree's pidmap_lock serialises hash-chain updates, every
 * change to a namespace's IDR, bitmap-page installation, the tree's list
 * of namespaces and its counters; lookups walk chains, or the IDR, under
 * rcu_read_lock().  Order: tasklist_lock, then pidmap_lock, then the
 * slab caches' locks (the IDR allocates its nodes under pidmap_lock).
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pid_internal.h"

#ifdef PIDFS_TSAN
char pidfs_rcu_tsan_gp;
char pidfs_rcu_tsan_cb;
#endif

#define BITS_PER_LONG		(8 * (int)sizeof(unsigned long))
#define LONGS_PER_PAGE		(BITS_PER_PAGE / BITS_PER_LONG)

struct pid_namespace *init_pid_ns;

/*
 * The host's objects: 80 bytes for a level-0 struct pid on x86-64 (count,
 * level, serial, three list heads, an rcu_head) and 24 per level; the
 * charges are the modelled machine's (pid_charged_size()).
 */
_Static_assert(sizeof(void *) != 8 || sizeof(struct pid) == 56,
	       "struct pid without its numbers is 56 bytes on x86-64");
_Static_assert(sizeof(void *) != 8 || sizeof(struct upid) == 24,
	       "struct upid is 24 bytes on x86-64");
_Static_assert(offsetof(struct pid_namespace, head) == 0,
	       "pid_ns_head() casts the namespace to its head");


static inline int mk_pid(const struct pid_namespace *ns,
			 const struct pidmap *map, int off)
{
	return (int)(map - ns->pidmap) * BITS_PER_PAGE + off;
}

static inline unsigned long *map_page(struct pidmap *map)
{
	return __atomic_load_n(&map->page, __ATOMIC_ACQUIRE);
}

static int test_and_set_bit(int nr, unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);
	unsigned long old = __atomic_fetch_or(addr + nr / BITS_PER_LONG, mask,
					      __ATOMIC_ACQ_REL);

	return !!(old & mask);
}

static void clear_bit(int nr, unsigned long *addr)
{
	__atomic_fetch_and(addr + nr / BITS_PER_LONG,
			   ~(1UL << (nr % BITS_PER_LONG)), __ATOMIC_RELEASE);
}

/* First bit at or after @off equal to @set, or BITS_PER_PAGE. */
static int find_next_bit_val(unsigned long *page, int off, bool set)
{
	while (off < BITS_PER_PAGE) {
		unsigned long w = __atomic_load_n(&page[off / BITS_PER_LONG],
						  __ATOMIC_RELAXED);

		if (!set)
			w = ~w;
		w &= ~0UL << (off % BITS_PER_LONG);
		if (w)
			return (off & ~(BITS_PER_LONG - 1)) + __builtin_ctzl(w);
		off = (off | (BITS_PER_LONG - 1)) + 1;
	}
	return BITS_PER_PAGE;
}

static void free_pidmap(struct pid_namespace *ns, int pid)
{
	struct pidmap *map = ns->pidmap + pid / BITS_PER_PAGE;
	int offset = pid & BITS_PER_PAGE_MASK;

	clear_bit(offset, map_page(map));
	__atomic_fetch_add(&map->nr_free, 1, __ATOMIC_RELAXED);
}

/* Install a zeroed bitmap page; false if there is no memory for one. */
static bool pidmap_fill(struct pid_namespace *ns, struct pidmap *map)
{
	struct pid_tree *tree = ns->tree;
	void *page = lowmem_get_page(tree->lowmem, LOWMEM_PIDMAP);

	/* Free the page if someone raced with us installing it. */
	pthread_mutex_lock(&tree->pidmap_lock);
	if (map->page) {
		lowmem_free_page(tree->lowmem, LOWMEM_PIDMAP, page);
	} else if (page) {
		__atomic_store_n(&map->nr_free, BITS_PER_PAGE,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&map->page, page, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&tree->pidmap_lock);
	return map_page(map) != NULL;
}

/*
 * Next-fit from last_pid + 1, wrapping to RESERVED_PIDS.  As in every
 * kernel from 2.6.10 to 4.14, the last pass stops short of last_pid
 * itself: with every other number in use, the number just handed out and
 * freed again is not found, and the allocation fails.  pidfs keeps that.
 */
static int alloc_pidmap(struct pid_namespace *ns)
{
	int pid_max = __atomic_load_n(&ns->tree->pid_max, __ATOMIC_RELAXED);
	int last = __atomic_load_n(&ns->last_pid, __ATOMIC_RELAXED);
	int i, offset, max_scan, pid;
	struct pidmap *map;

	pid = last + 1;
	if (pid >= pid_max)
		pid = RESERVED_PIDS;
	offset = pid & BITS_PER_PAGE_MASK;
	map = &ns->pidmap[pid / BITS_PER_PAGE];
	max_scan = (pid_max + BITS_PER_PAGE - 1) / BITS_PER_PAGE - !offset;
	for (i = 0; i <= max_scan; ++i) {
		/* 2.6.17 gives up as for a full map; say which it was */
		if (!map_page(map) && !pidmap_fill(ns, map))
			return -ENOMEM;
		if (__atomic_load_n(&map->nr_free, __ATOMIC_RELAXED)) {
			/*
			 * Below a small pid_max the wrap point itself may be
			 * out of range: check before the first try, which the
			 * kernel could skip because its pid_max was > 300.
			 */
			while (pid < pid_max) {
				if (!test_and_set_bit(offset, map_page(map))) {
					__atomic_fetch_sub(&map->nr_free, 1,
							   __ATOMIC_RELAXED);
					if (pid <= last)
						__atomic_fetch_add(
							&ns->wraps, 1,
							__ATOMIC_RELAXED);
					__atomic_store_n(&ns->last_pid, pid,
							 __ATOMIC_RELAXED);
					return pid;
				}
				offset = find_next_bit_val(map_page(map),
							   offset, false);
				pid = mk_pid(ns, map, offset);
				/*
				 * find_next_bit_val() found a bit, the pid
				 * from it is in bounds, and if we fell back
				 * to the last bitmap block and the final
				 * block was the same as the starting point,
				 * pid is before last_pid.
				 */
				if (!(offset < BITS_PER_PAGE &&
				      (i != max_scan || pid < last ||
				       !((last + 1) & BITS_PER_PAGE_MASK))))
					break;
			}
		}
		if (map < &ns->pidmap[(pid_max - 1) / BITS_PER_PAGE]) {
			++map;
			offset = 0;
		} else {
			map = &ns->pidmap[0];
			offset = RESERVED_PIDS;
			if (last == offset)
				break;
		}
		pid = mk_pid(ns, map, offset);
	}
	return -1;
}

/*
 * The first number in use after @last, or -1.  A 2.6.18 addition (for
 * find_ge_pid(), 2.6.19, and proc's readdir), not the patch's.
 */
static int next_pidmap(struct pid_namespace *ns, int last)
{
	int offset;
	struct pidmap *map, *end;

	if (last < 0)
		last = -1;
	if (last >= PID_MAX_LIMIT - 1)
		return -1;
	offset = (last + 1) & BITS_PER_PAGE_MASK;
	map = &ns->pidmap[(last + 1) / BITS_PER_PAGE];
	end = &ns->pidmap[PIDMAP_ENTRIES];
	for (; map < end; map++, offset = 0) {
		unsigned long *page = map_page(map);

		if (!page)
			continue;
		offset = find_next_bit_val(page, offset, true);
		if (offset < BITS_PER_PAGE)
			return mk_pid(ns, map, offset);
	}
	return -1;
}

bool pidmap_reserve_zero(struct pid_namespace *ns)
{
	/* We never call free_pidmap(0). */
	if (!pidmap_fill(ns, &ns->pidmap[0]))
		return false;
	test_and_set_bit(0, ns->pidmap[0].page);
	ns->pidmap[0].nr_free--;
	return true;
}

int pid_ns_next_pidmap(struct pid_namespace *ns, int last)
{
	if (pid_ns_uses_idr(ns))
		return pid_idr_next(ns, last);
	return next_pidmap(ns, last);
}


/* ---- struct pid ------------------------------------------------------- */

pid_t pid_nr_ns(const struct pid *pid, const struct pid_namespace *ns)
{
	unsigned int level = ns->head.level;

	if (pid && level <= pid->level && pid->numbers[level].ns == ns)
		return pid->numbers[level].nr;
	return 0;
}

void __put_pid(struct pid *pid)
{
	struct kmem_cache *cachep = kmem_cache_of(pid);
	struct pid_namespace *ns = ns_of_pid(pid);

	/* Every struct pid that reaches here was pinned by delayed_put_pid(). */
	lowmem_unpin(kmem_cache_zone(cachep), LOWMEM_PID);
	kmem_cache_free(cachep, pid);
	put_pid_ns(ns);
}

static void delayed_put_pid(struct rcu_head *rhp)
{
	struct pid *pid = container_of(rhp, struct pid, rcu);

	rcu_callback_enter(rhp);
	/*
	 * From here on the pid is out of the hash for good and only
	 * references hold it: pinned, until put_pid() frees it.
	 */
	lowmem_pin(kmem_cache_zone(kmem_cache_of(pid)), LOWMEM_PID);
	put_pid(pid);
	rcu_callback_exit();
}

static inline struct upid **upid_bucket(struct pid_tree *tree,
					const struct upid *upid)
{
	const struct pid_ns_head *h = pid_ns_head(upid->ns);

	return &tree->table[pid_hashfn(&h->hash, upid->nr, h->hash_key)];
}

/* Unhash @upid.  Call with pidmap_lock held. */
static void upid_unhash(struct pid_tree *tree, struct upid *upid)
{
	struct upid **pp = upid_bucket(tree, upid);

	while (*pp != upid)
		pp = &(*pp)->pid_chain;
	/* Readers on @upid still follow its pid_chain: leave it. */
	__atomic_store_n(pp, upid->pid_chain, __ATOMIC_RELAXED);
}

void free_pid(struct pid *pid)
{
	struct pid_tree *tree = pid->numbers[0].ns->tree;
	bool idr = tree->alloc == PID_ALLOC_IDR;
	unsigned int i;

	pthread_mutex_lock(&tree->pidmap_lock);
	for (i = 0; i <= pid->level; i++) {
		struct upid *upid = &pid->numbers[i];

		/* 4.15: the number and the pid leave the IDR at once. */
		if (idr)
			idr_remove(&upid->ns->idr, upid->nr);
		else
			upid_unhash(tree, upid);
		/*
		 * The first fork into a namespace failed: no init will
		 * ever come, and Linux (3.8+) closes the namespace.
		 */
		if (!--upid->ns->nr_allocated && upid->ns->parent &&
		    !upid->ns->child_reaper)
			upid->ns->adding = false;
	}
	tree->nr_pids[pid->level]--;
	pthread_mutex_unlock(&tree->pidmap_lock);

	for (i = 0; !idr && i <= pid->level; i++)
		free_pidmap(pid->numbers[i].ns, pid->numbers[i].nr);
	call_rcu(&pid->rcu, delayed_put_pid);
}

struct pid *alloc_pid(struct pid_namespace *ns)
{
	struct pid_tree *tree = ns->tree;
	unsigned int level = ns->head.level;
	bool idr = tree->alloc == PID_ALLOC_IDR;
	struct pid_namespace *tmp;
	struct kmem_cache *cachep;
	enum pid_type type;
	struct pid *pid;
	int i, err = EAGAIN;

	cachep = __atomic_load_n(&tree->pid_cachep[level], __ATOMIC_ACQUIRE);
	pid = kmem_cache_alloc(cachep);
	if (!pid) {
		err = ENOMEM;
		goto out;
	}

	tmp = ns;
	for (i = (int)level; i >= 0; i--) {
		int nr = idr ? pid_idr_alloc_nr(tmp) : alloc_pidmap(tmp);

		if (nr < 0) {
			if (nr == -ENOMEM)
				err = ENOMEM;
			goto out_free;
		}
		pid->numbers[i].nr = nr;
		pid->numbers[i].ns = tmp;
		tmp = tmp->parent;
	}

	pid->count = 1;
	pid->level = level;
	for (type = 0; type < PIDTYPE_MAX; ++type)
		INIT_HLIST_HEAD(&pid->tasks[type]);

	pthread_mutex_lock(&tree->pidmap_lock);
	if (!ns->adding || tree->next_serial == UINT64_MAX) {
		if (!ns->adding)
			err = ENOMEM;
		pthread_mutex_unlock(&tree->pidmap_lock);
		goto out_free;	/* i is -1: every level is given back */
	}
	get_pid_ns(ns);
	pid->serial = tree->next_serial++;
	for (i = (int)level; i >= 0; i--) {
		struct upid *upid = &pid->numbers[i];
		struct upid **head;

		upid->ns->nr_allocated++;
		/* 4.15: make the pid, whole now, visible to find_pid_ns(). */
		if (idr) {
			idr_replace(&upid->ns->idr, pid, upid->nr);
			continue;
		}
		head = upid_bucket(tree, upid);
		upid->pid_chain = *head;
		rcu_publish(*head, upid);
	}
	tree->nr_pids[level]++;
	tree->allocated[level]++;
	pthread_mutex_unlock(&tree->pidmap_lock);
	return pid;

out_free:
	if (idr)
		pid_idr_undo(ns, pid, i + 1);
	for (i++; !idr && i <= (int)level; i++)
		free_pidmap(pid->numbers[i].ns, pid->numbers[i].nr);
	kmem_cache_free(cachep, pid);
	pid = NULL;
out:
	errno = err;
	return pid;
}

struct pid *find_pid(int nr)
{
	return find_pid_ns(nr, init_pid_ns);
}

struct pid *find_ge_pid_ns(int nr, struct pid_namespace *ns)
{
	struct pid *pid;

	if (pid_ns_uses_idr(ns))
		return pid_idr_find_ge(ns, nr);
	if (nr < 1)
		nr = 1;
	do {
		pid = find_pid_ns(nr, ns);
		if (pid)
			break;
		nr = next_pidmap(ns, nr);
	} while (nr > 0);
	return pid;
}

struct pid *find_ge_pid(int nr)
{
	return find_ge_pid_ns(nr, init_pid_ns);
}

struct pid *find_get_pid(pid_t nr)
{
	return find_get_pid_ns(nr, init_pid_ns);
}

void pid_link_attach(struct pid_link *link, enum pid_type type,
		     struct pid *pid)
{
	link->pid = pid;
	hlist_add_head_rcu(&link->node, &pid->tasks[type]);
}

void pid_link_detach(struct pid_link *link)
{
	struct pid *pid = link->pid;
	int tmp;

	hlist_del_rcu(&link->node);
	link->pid = NULL;

	for (tmp = PIDTYPE_MAX; --tmp >= 0;)
		if (!hlist_empty(&pid->tasks[tmp]))
			return;

	free_pid(pid);
}
