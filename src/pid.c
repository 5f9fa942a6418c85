// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Generic pidhash and scalable, time-bounded PID allocator: kernel/pid.c
 * as the patch "pidhash: Refactor the pid hash table" left it, in
 * userspace.
 *
 * One hash table of struct pids keyed by number (the patch's change: the
 * old code kept PIDTYPE_MAX tables of task links).  A struct pid is
 * allocated with its number by alloc_pid(), hashed at once, and lives
 * until its last reference is put; free_pid() unhashes it and frees the
 * number, and a grace period later drops the hash's reference.  Tasks link
 * to it through their pid_links (attach_pid()/detach_pid()); the last
 * detach frees it.
 *
 * Where pidfs departs from the kernel, and why:
 *  - the state is a struct pid_namespace (as the kernel did from 2.6.19),
 *    so tests and several mounts each have their own;
 *  - the hash chain is singly linked: the kernel's pprev word holds the
 *    serial instead (see pid.h), and free_pid() finds the predecessor under
 *    pidmap_lock, walking a chain that the table's sizing keeps short;
 *  - hash_long() multiplies by the constant Linux adopted in 4.7, which
 *    spreads consecutive numbers over any table size (pid_hashfn() in pid.h);
 *  - pidmap_lock is a mutex, not a spinlock: userspace threads can be
 *    preempted while holding it, and spinning on a 2-CPU machine would
 *    then burn the other CPU;
 *  - pid_max may be set below RESERVED_PIDS + 1 (the kernel's minimum):
 *    numbers below it are then handed out once each, on the first pass,
 *    and alloc_pidmap() fails once they are used up.
 *
 * Locking: the bitmap is lock-free (atomic test-and-set, atomic nr_free);
 * pidmap_lock serialises hash-chain updates and bitmap-page installation;
 * lookups walk chains under rcu_read_lock().  Order: tasklist_lock, then
 * pidmap_lock.
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/task.h"

#ifdef PIDFS_TSAN
char pidfs_rcu_tsan_gp;
char pidfs_rcu_tsan_cb;
#endif

#define BITS_PER_LONG		(8 * (int)sizeof(unsigned long))
#define LONGS_PER_PAGE		(BITS_PER_PAGE / BITS_PER_LONG)

struct pidmap {
	int nr_free;		/* ATOMIC */
	unsigned long *page;	/* published once, under pidmap_lock */
};

struct pid_namespace {
	/* First: pid.h's inline lookups find it at the namespace's address. */
	struct pidhash hash;		/* chains: see pidmap_lock */
	struct lowmem *lowmem;		/* immutable */
	const struct pidfs_arch *arch;	/* immutable */
	size_t hash_charged;		/* immutable: bytes charged */
	struct kmem_cache *pid_cachep;	/* immutable */
	int pid_max;			/* ATOMIC */
	int last_pid;			/* ATOMIC; racy by design, as the kernel's */
	uint64_t wraps;			/* ATOMIC */
	/*
	 * pidmap_lock protects the hash chains (readers use RCU), the
	 * installation of bitmap pages (readers see them published or NULL),
	 * and the two counters below.  It nests inside tasklist_lock, since
	 * detach_pid() calls free_pid() with that held.
	 */
	pthread_mutex_t pidmap_lock;
	uint64_t next_serial;		/* pidmap_lock */
	int nr_pids;			/* pidmap_lock */
	struct pidmap pidmap[PIDMAP_ENTRIES];
};

struct pid_namespace *init_pid_ns;

_Static_assert(sizeof(void *) != 8 || sizeof(struct pid) == 64,
	       "the patch's struct pid is 64 bytes on x86-64");
_Static_assert(offsetof(struct pid_namespace, hash) == 0,
	       "pid_ns_hash() casts the namespace to its hash");

static int fls_ul(unsigned long x)
{
	return x ? BITS_PER_LONG - __builtin_clzl(x) : 0;
}

int pidhash_shift_for(unsigned long megabytes)
{
	int shift = fls_ul(megabytes * 4);

	if (shift < PIDHASH_SHIFT_MIN)
		shift = PIDHASH_SHIFT_MIN;
	if (shift > PIDHASH_SHIFT_MAX)
		shift = PIDHASH_SHIFT_MAX;
	return shift;
}

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
	void *page = lowmem_get_page(ns->lowmem, LOWMEM_PIDMAP);

	/* Free the page if someone raced with us installing it. */
	pthread_mutex_lock(&ns->pidmap_lock);
	if (map->page) {
		lowmem_free_page(ns->lowmem, LOWMEM_PIDMAP, page);
	} else if (page) {
		__atomic_store_n(&map->nr_free, BITS_PER_PAGE,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&map->page, page, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&ns->pidmap_lock);
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
	int pid_max = __atomic_load_n(&ns->pid_max, __ATOMIC_RELAXED);
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
		if (!map_page(map) && !pidmap_fill(ns, map))
			break;
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

void __put_pid(struct pid *pid)
{
	struct kmem_cache *cachep = kmem_cache_of(pid);

	/* Every struct pid that reaches here was pinned by delayed_put_pid(). */
	lowmem_unpin(kmem_cache_zone(cachep), LOWMEM_PID);
	kmem_cache_free(cachep, pid);
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

void free_pid_ns(struct pid_namespace *ns, struct pid *pid)
{
	struct pid **pp;

	pthread_mutex_lock(&ns->pidmap_lock);
	pp = &ns->hash.table[pid_hashfn(&ns->hash, pid_nr(pid))];
	while (*pp != pid)
		pp = &(*pp)->pid_chain;
	/* Readers on @pid still follow pid->pid_chain: leave it. */
	__atomic_store_n(pp, pid->pid_chain, __ATOMIC_RELAXED);
	ns->nr_pids--;
	pthread_mutex_unlock(&ns->pidmap_lock);

	free_pidmap(ns, pid_nr(pid));
	call_rcu(&pid->rcu, delayed_put_pid);
}

void free_pid(struct pid *pid)
{
	free_pid_ns(init_pid_ns, pid);
}

struct pid *alloc_pid_ns(struct pid_namespace *ns)
{
	struct pid *pid;
	enum pid_type type;
	unsigned int h;
	int nr = -1;

	pid = kmem_cache_alloc(ns->pid_cachep);
	if (!pid)
		goto out;

	nr = alloc_pidmap(ns);
	if (nr < 0)
		goto out_free;

	pid->count = 1;
	for (type = 0; type < PIDTYPE_MAX; ++type)
		INIT_HLIST_HEAD(&pid->tasks[type]);

	pthread_mutex_lock(&ns->pidmap_lock);
	if (ns->next_serial == UINT64_MAX) {
		pthread_mutex_unlock(&ns->pidmap_lock);
		free_pidmap(ns, nr);
		goto out_free;
	}
	pid->nr = nr;
	pid->serial = ns->next_serial++;
	h = pid_hashfn(&ns->hash, nr);
	pid->pid_chain = ns->hash.table[h];
	rcu_publish(ns->hash.table[h], pid);
	ns->nr_pids++;
	pthread_mutex_unlock(&ns->pidmap_lock);

out:
	return pid;

out_free:
	kmem_cache_free(ns->pid_cachep, pid);
	pid = NULL;
	goto out;
}

struct pid *alloc_pid(void)
{
	return alloc_pid_ns(init_pid_ns);
}

struct pid *find_pid(int nr)
{
	return find_pid_ns(nr, init_pid_ns);
}

struct pid *find_ge_pid_ns(int nr, struct pid_namespace *ns)
{
	struct pid *pid;

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

int attach_pid(struct task_struct *task, enum pid_type type, int nr)
{
	struct pid_link *link;
	struct pid *pid;

	link = &task->pids[type];
	link->pid = pid = find_pid_ns(nr, pidfs_kernel_ns(task->kernel));
	hlist_add_head_rcu(&link->node, &pid->tasks[type]);
	return 0;
}

void detach_pid(struct task_struct *task, enum pid_type type)
{
	struct pid_link *link;
	struct pid *pid;
	int tmp;

	link = &task->pids[type];
	pid = link->pid;

	hlist_del_rcu(&link->node);
	link->pid = NULL;

	for (tmp = PIDTYPE_MAX; --tmp >= 0;)
		if (!hlist_empty(&pid->tasks[tmp]))
			return;

	free_pid_ns(pidfs_kernel_ns(task->kernel), pid);
}

struct task_struct *pid_task(struct pid *pid, enum pid_type type)
{
	struct hlist_node *first;

	if (!pid)
		return NULL;
	first = hlist_first_rcu(&pid->tasks[type]);
	if (!first)
		return NULL;
	return (struct task_struct *)((char *)first -
				      offsetof(struct task_struct, pids) -
				      (size_t)type * sizeof(struct pid_link) -
				      offsetof(struct pid_link, node));
}

struct task_struct *find_task_by_pid_type_ns(int type, int nr,
					     struct pid_namespace *ns)
{
	return pid_task(find_pid_ns(nr, ns), type);
}

struct task_struct *find_task_by_pid_type(int type, int nr)
{
	return find_task_by_pid_type_ns(type, nr, init_pid_ns);
}

struct task_struct *get_pid_task(struct pid *pid, enum pid_type type)
{
	struct task_struct *result;

	rcu_read_lock();
	result = pid_task(pid, type);
	if (result)
		get_task_struct(result);
	rcu_read_unlock();
	return result;
}

struct pid_namespace *pid_ns_create(const struct pid_ns_params *params)
{
	struct pid_namespace *ns;
	unsigned long mb;
	int shift;

	const struct pidfs_arch *arch = pidfs_arch_or_default(params->arch);

	if (!params->lowmem || params->pid_max < 0 ||
	    params->pid_max > arch->pid_max_limit || params->hash_shift < -1 ||
	    params->hash_shift > PIDHASH_SHIFT_LIMIT) {
		errno = EINVAL;
		return NULL;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->lowmem = params->lowmem;
	ns->arch = arch;
	ns->pid_max = params->pid_max ? params->pid_max : PID_MAX_DEFAULT;
	mb = params->memory_mb ? params->memory_mb :
				 (unsigned long)(lowmem_budget(ns->lowmem) >> 20);
	shift = params->hash_shift >= 0 ? params->hash_shift :
					  pidhash_shift_for(mb);
	ns->hash.shift = shift;
	ns->next_serial = 1;
	pthread_mutex_init(&ns->pidmap_lock, NULL);

	ns->hash.table = calloc((size_t)1 << shift, sizeof(*ns->hash.table));
	if (!ns->hash.table)
		goto out_free;
	/*
	 * pidhash_init()'s alloc_bootmem(): low memory on i386, charged as
	 * the modelled machine's buckets, for as long as the namespace.
	 */
	ns->hash_charged = ((size_t)1 << shift) * arch->hlist_head_size;
	if (!lowmem_charge(ns->lowmem, LOWMEM_PIDHASH, ns->hash_charged))
		goto out_free_hash;
	/* The host's struct pid, charged at the modelled machine's size. */
	ns->pid_cachep =
		kmem_cache_create_charged(ns->lowmem, "pid", LOWMEM_PID,
					  sizeof(struct pid), arch->pid_size);
	if (!ns->pid_cachep)
		goto out_uncharge_hash;
	/* Reserve PID 0.  We never call free_pidmap(0). */
	if (!pidmap_fill(ns, &ns->pidmap[0]))
		goto out_free_cache;
	test_and_set_bit(0, ns->pidmap[0].page);
	ns->pidmap[0].nr_free--;

	if (!init_pid_ns)
		init_pid_ns = ns;
	return ns;

out_free_cache:
	kmem_cache_destroy(ns->pid_cachep);
out_uncharge_hash:
	lowmem_uncharge(ns->lowmem, LOWMEM_PIDHASH, ns->hash_charged);
out_free_hash:
	free(ns->hash.table);
out_free:
	pthread_mutex_destroy(&ns->pidmap_lock);
	free(ns);
	errno = ENOMEM;
	return NULL;
}

void pid_ns_destroy(struct pid_namespace *ns)
{
	if (!ns)
		return;
	/* Wait for delayed_put_pid() callbacks that may still touch us. */
	rcu_barrier();
	for (int i = 0; i < PIDMAP_ENTRIES; i++)
		lowmem_free_page(ns->lowmem, LOWMEM_PIDMAP, ns->pidmap[i].page);
	kmem_cache_destroy(ns->pid_cachep);
	lowmem_uncharge(ns->lowmem, LOWMEM_PIDHASH, ns->hash_charged);
	free(ns->hash.table);
	pthread_mutex_destroy(&ns->pidmap_lock);
	if (init_pid_ns == ns)
		init_pid_ns = NULL;
	free(ns);
}

struct kmem_cache *pid_ns_pid_cache(const struct pid_namespace *ns)
{
	return ns->pid_cachep;
}

int pid_ns_set_pid_max(struct pid_namespace *ns, int pid_max)
{
	if (pid_max < 1 || pid_max > ns->arch->pid_max_limit)
		return -EINVAL;
	__atomic_store_n(&ns->pid_max, pid_max, __ATOMIC_RELAXED);
	return 0;
}

int pid_ns_pid_max(const struct pid_namespace *ns)
{
	return __atomic_load_n(&ns->pid_max, __ATOMIC_RELAXED);
}

int pid_ns_last_pid(const struct pid_namespace *ns)
{
	return __atomic_load_n(&ns->last_pid, __ATOMIC_RELAXED);
}

void pid_ns_set_last_pid(struct pid_namespace *ns, int last_pid)
{
	if (last_pid < 0 || last_pid >= PID_MAX_LIMIT)
		last_pid = 0;
	__atomic_store_n(&ns->last_pid, last_pid, __ATOMIC_RELAXED);
}

void pid_ns_read_stats(struct pid_namespace *ns, struct pid_ns_stats *st)
{
	unsigned int buckets = 1U << ns->hash.shift;

	memset(st, 0, sizeof(*st));
	st->pid_max = pid_ns_pid_max(ns);
	st->last_pid = pid_ns_last_pid(ns);
	st->hash_shift = ns->hash.shift;
	st->hash_buckets = buckets;
	st->hash_bytes = (size_t)buckets * sizeof(*ns->hash.table);
	st->hash_charged = ns->hash_charged;
	st->pid_max_limit = ns->arch->pid_max_limit;
	st->pid_struct_size = ns->arch->pid_size;
	st->wraps = __atomic_load_n(&ns->wraps, __ATOMIC_RELAXED);

	pthread_mutex_lock(&ns->pidmap_lock);
	st->nr_pids = ns->nr_pids;
	st->serials = ns->next_serial - 1;
	for (unsigned int b = 0; b < buckets; b++) {
		unsigned int len = 0;

		for (struct pid *p = ns->hash.table[b]; p; p = p->pid_chain)
			len++;
		if (!len)
			st->empty_buckets++;
		if (len > st->longest_chain)
			st->longest_chain = len;
	}
	for (int i = 0; i < PIDMAP_ENTRIES; i++) {
		if (!ns->pidmap[i].page)
			continue;
		st->pidmap_pages++;
		st->nr_free += __atomic_load_n(&ns->pidmap[i].nr_free,
					       __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&ns->pidmap_lock);
}
