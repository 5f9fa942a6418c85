/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated low-memory zone.
 *
 * On a 32-bit x86 kernel with 1 GiB of RAM, every kernel object lives in
 * the 896 MiB of "low memory" the kernel maps permanently.  task_structs,
 * kernel stacks and struct pids are all carved from it by slab caches.
 * Exhaust it and the OOM killer runs, whatever the rest of the machine has.
 * (On the x86_64 machine of pidfs/arch.h there is no such split: the zone
 * is all of memory.)
 *
 * struct lowmem is that zone: a byte budget that every allocation of the
 * model is charged against.  struct kmem_cache carves fixed-size objects
 * out of slabs, as the kernel's slab allocator does, so that:
 *
 *  - allocations are real and touched: the daemon's resident set grows by
 *    what the zone says it charged, plus a slab header per slab;
 *  - the cache of any object can be found from its address (slabs are
 *    aligned to their size), which is how put_pid() can free a struct pid
 *    without the struct carrying a pointer back to its cache;
 *  - every live object can be walked, to verify at shutdown that nothing
 *    leaked.
 *
 * Allocation past the budget fails and counts an OOM event.  A fault
 * injection hook fails the Nth allocation from now, for tests.
 *
 * Locking: each cache has its own mutex over its slab lists and one per
 * CPU over that CPU's array of free objects; the zone's counters are
 * atomics.  Everything here may be called from any thread, and
 * none of it sleeps except on those mutexes.  The zone never prints.
 */
#ifndef PIDFS_LOWMEM_H
#define PIDFS_LOWMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an object is, for the per-kind counters of /meminfo. */
enum lowmem_kind {
	LOWMEM_PIDMAP,	/* pages of the pid bitmap */
	LOWMEM_PID,	/* struct pid */
	LOWMEM_TASK,	/* task_struct and its kernel stack */
	LOWMEM_PIDHASH,	/* the pid hash table (pidhash_init()'s bootmem) */
	LOWMEM_REF,	/* a dentry and proc_inode the kernel holds */
	LOWMEM_IDR,	/* radix_tree_node of the IDR (Linux 4.15) */
	LOWMEM_PIDFS,	/* pidfs inodes' exit information (pidfd.h) */
	LOWMEM_NR_KINDS,
};

struct lowmem;		/* the zone: opaque */
struct kmem_cache;	/* one object size inside a zone: opaque */

struct lowmem_kind_stats {
	uint64_t objects;	/* allocated now */
	uint64_t bytes;		/* charged now */
	uint64_t pinned;	/* released by the model, still referenced */
	uint64_t allocs;	/* successful allocations, ever */
	uint64_t failures;	/* failed allocations, ever */
};

struct lowmem_stats {
	uint64_t budget;	/* bytes */
	uint64_t used;		/* bytes charged now */
	uint64_t oom_events;	/* allocations refused, ever */
	uint64_t slab_bytes;	/* bytes of slab memory mapped now */
	struct lowmem_kind_stats kind[LOWMEM_NR_KINDS];
};

/* Smallest and largest budgets accepted by lowmem_create(). */
#define LOWMEM_MIN_BUDGET	(64UL << 10)
#define LOWMEM_MAX_BUDGET	(64UL << 30)

/*
 * Create a zone of @budget bytes.  Returns NULL with errno set (EINVAL for
 * a budget out of range, ENOMEM).
 */
struct lowmem *lowmem_create(uint64_t budget);

/* Destroy a zone whose caches have all been destroyed. */
void lowmem_destroy(struct lowmem *lm);

/*
 * Create a cache of @size-byte objects charged to @kind.  @name is for
 * statistics only and must outlive the cache.  Returns NULL on ENOMEM or
 * when @size is 0.
 */
struct kmem_cache *kmem_cache_create(struct lowmem *lm, const char *name,
				     enum lowmem_kind kind, size_t size);

/*
 * The same, for objects of @size bytes on the host that the modelled
 * machine charges @charge bytes each (a struct pid is 64 bytes here and
 * 36 on i386): the zone, the per-kind counts and kmem_cache_size() say
 * @charge; the slabs hold @size.  @charge 0 is @size.
 */
struct kmem_cache *kmem_cache_create_charged(struct lowmem *lm,
					     const char *name,
					     enum lowmem_kind kind, size_t size,
					     size_t charge);

/* Destroy a cache; every object must have been freed. */
void kmem_cache_destroy(struct kmem_cache *cachep);

/*
 * Allocate one zeroed object, charging its size to the zone.  Returns NULL
 * when the charge would exceed the budget or an injected fault fires.
 * Takes the calling CPU's array lock, and the cache's mutex once per batch.
 */
void *kmem_cache_alloc(struct kmem_cache *cachep);

/*
 * Free an object from kmem_cache_alloc() and uncharge it.  The object
 * waits in the calling CPU's array until a batch goes back to its slab.
 */
void kmem_cache_free(struct kmem_cache *cachep, void *obj);

/*
 * Give every object waiting in the per-CPU arrays back to its slab, so
 * that empty slabs are unmapped (the kernel's kmem_cache_shrink()).
 */
void kmem_cache_shrink(struct kmem_cache *cachep);

/* The cache an object was allocated from: constant time, lock-free. */
struct kmem_cache *kmem_cache_of(const void *obj);

/* The zone a cache charges. */
struct lowmem *kmem_cache_zone(const struct kmem_cache *cachep);

/* Object size of a cache, as charged (the modelled machine's). */
size_t kmem_cache_size(const struct kmem_cache *cachep);

/*
 * Call @fn on every allocated object of @cachep, under the cache's locks
 * (so @fn must not allocate from or free to @cachep).
 */
void kmem_cache_for_each(struct kmem_cache *cachep,
			 void (*fn)(void *obj, void *arg), void *arg);

/* A zeroed page charged to @kind (the pidmap's get_zeroed_page()). */
void *lowmem_get_page(struct lowmem *lm, enum lowmem_kind kind);
void lowmem_free_page(struct lowmem *lm, enum lowmem_kind kind, void *page);

/*
 * A charge with no object behind it in the zone (the pid hash, which the
 * host allocates itself): @bytes charged to @kind as one object, as
 * kmem_cache_alloc() would, fault injection included.  Returns false when
 * the zone is full.  Lock-free.
 */
bool lowmem_charge(struct lowmem *lm, enum lowmem_kind kind, uint64_t bytes);
void lowmem_uncharge(struct lowmem *lm, enum lowmem_kind kind, uint64_t bytes);

/*
 * Pinned objects: released by the model (a reaped task, a freed pid) but
 * still referenced.  The pid and task layers say when an object enters and
 * leaves that state.  Lock-free.
 */
void lowmem_pin(struct lowmem *lm, enum lowmem_kind kind);
void lowmem_unpin(struct lowmem *lm, enum lowmem_kind kind);

/*
 * Fault injection: make the @nth allocation from now fail (1 = the next
 * one), whatever its cache.  0 disables.  Returns how many allocations
 * were left before the previous setting would have fired (0 if none).
 */
unsigned long lowmem_fail_nth(struct lowmem *lm, unsigned long nth);

/* A consistent-enough snapshot of the counters (each one is exact). */
void lowmem_read_stats(struct lowmem *lm, struct lowmem_stats *st);

/* The zone's budget and what is left of it, in bytes. */
uint64_t lowmem_budget(const struct lowmem *lm);
uint64_t lowmem_free_bytes(const struct lowmem *lm);

#endif /* PIDFS_LOWMEM_H */
