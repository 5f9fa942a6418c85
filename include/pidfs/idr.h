/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IDR of Linux 4.15: integer ids mapped to pointers in a radix tree.
 *
 * Commit 95846ecf9dac "pid: replace pid bitmap implementation with IDR
 * API" (4.15) replaced the pidmap and the pid hash with one of these per
 * pid namespace: idr_alloc_cyclic() hands out pid numbers, idr_find() is
 * find_pid_ns(), idr_get_next() is find_ge_pid().  This is that IDR, over
 * the radix tree of 4.15's lib/radix-tree.c, not the xarray that replaced
 * both in 4.20: the commit's ps/pstree figures were measured on the radix
 * tree, so that is the structure whose claim pidfs can check.  The two
 * are close (64-slot nodes of 576 bytes on x86-64, a "free" mark per slot
 * summarised up the tree), but the xarray's node layout, locking and
 * allocation (no preload) differ.
 *
 * The tree.  Each node has 64 slots (RADIX_TREE_MAP_SHIFT 6) and covers
 * 64 << shift ids; the leaves (shift 0) hold the pointers.  The tree is
 * as tall as the largest id needs: it grows a level at the top when an id
 * beyond its reach is allocated (radix_tree_extend) and loses its top
 * level when only the leftmost child is left (radix_tree_shrink).  Each
 * node carries a bitmap, the IDR_FREE tag, of slots below which some id
 * is free; the root keeps a tag of its own.  Allocation follows the tags
 * down to the first free id at or above the start, so it visits one path,
 * not a bitmap page.  An allocated id may hold NULL: 4.15's alloc_pid()
 * stores NULL and idr_replace()s the pid in once it is ready, so that
 * idr_find() never returns a half-built pid.
 *
 * Where the model differs from the kernel, and why:
 *
 *  - No entry lives in the root pointer itself: id 0 alone in a tree gets
 *    a node, as in the kernel since 4.20 (4.15 kept a lone id 0 in the
 *    root).  No pid is 0 outside the idle task, so the pid IDR never had
 *    that case.
 *  - No idr_preload()/idr_preload_end().  The kernel needs them because
 *    alloc_pid() allocates under a spinlock with interrupts off, where
 *    only GFP_ATOMIC is allowed, so it fills a per-CPU pool of nodes with
 *    GFP_KERNEL beforehand.  Here the caller's lock is a mutex and the
 *    slab allocator may be called under it, so idr_alloc() fills the
 *    IDR's own reserve itself, with as many nodes as the allocation can
 *    need, before it changes anything; nodes it does not use stay in the
 *    reserve for the next call, as preloaded nodes stay in the per-CPU
 *    pool.  Like the kernel's preload, allocation therefore either fails
 *    cleanly with -ENOMEM or cannot fail; unlike it, a failure leaves the
 *    tree exactly as it was (the kernel may keep empty nodes it made),
 *    and the reserve and the zone too: the nodes the failed call had
 *    taken go back (the kernel's stay in the per-CPU pool).
 *  - No gfp_t argument, for the same reason.  idr_init() takes the zone
 *    to charge and the node size to charge, and can fail.
 *  - Nodes are charged at the modelled machine's sizeof(struct
 *    radix_tree_node): 576 bytes on x86-64, 300 on i386 (the arithmetic
 *    is below), whatever this host's node takes.
 *
 * Locking, as in the kernel: the caller serialises every function that
 * changes the IDR with a lock of its own (4.15's pid.c: pidmap_lock).
 * idr_find() and idr_get_next() may run under rcu_read_lock() alone,
 * concurrently with a writer: nodes are published with release stores and
 * freed with call_rcu(), and an id's slot changes with one store, so a
 * reader sees each id either before or after a change, never torn.
 */
#ifndef PIDFS_IDR_H
#define PIDFS_IDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pidfs/rcu.h"

struct kmem_cache;
struct lowmem;

#define RADIX_TREE_MAP_SHIFT 6
#define RADIX_TREE_MAP_SIZE (1UL << RADIX_TREE_MAP_SHIFT)
#define RADIX_TREE_MAP_MASK (RADIX_TREE_MAP_SIZE - 1)
#define RADIX_TREE_MAX_TAGS 3
#define RADIX_TREE_BITS_PER_LONG (8 * sizeof(unsigned long))
#define RADIX_TREE_TAG_LONGS                                    \
	((RADIX_TREE_MAP_SIZE + RADIX_TREE_BITS_PER_LONG - 1) / \
	 RADIX_TREE_BITS_PER_LONG)
#define IDR_FREE 0 /* the one tag the IDR uses */

/*
 * sizeof(struct radix_tree_node) in Linux 4.15, the layout below with
 * RADIX_TREE_MAP_SHIFT 6 (CONFIG_BASE_SMALL off), RADIX_TREE_MAX_TAGS 3:
 *
 *                              x86-64          i386
 *   shift, offset, count,
 *   exceptional (4 chars)      4 + 4 padding   4
 *   parent, root               2 * 8           2 * 4
 *   union { list_head,
 *           rcu_head }         2 * 8           2 * 4
 *   slots[64]                  64 * 8          64 * 4
 *   tags[3][TAG_LONGS]         3 * 1 * 8       3 * 2 * 4
 *                              ---             ---
 *                              576             300
 *
 * (RADIX_TREE_TAG_LONGS is 64 bits in longs: 1 on x86-64, 2 on i386.)
 * The slab adds nothing: the cache is made with no alignment, and both
 * sizes are multiples of the word.  Linux 6.18 on x86-64 still reports
 * object_size 576 for its radix_tree_node cache (the xarray's xa_node).
 */
#define IDR_NODE_BYTES_X86_64	576
#define IDR_NODE_BYTES_I386	300

/*
 * The kernel's node, field for field, so that on a 64-bit host it has the
 * kernel's 576 bytes.  @exceptional is unused by the IDR and @root is
 * kept only for the layout; tags 1 and 2 likewise.
 */
struct radix_tree_node {
	unsigned char shift; /* immutable: bits below each slot */
	unsigned char offset; /* immutable: slot in the parent */
	unsigned char count; /* writer: allocated ids + children */
	unsigned char exceptional;
	struct radix_tree_node *parent; /* writer; readers never follow it */
	void *root; /* immutable: the struct idr */
	struct rcu_head rcu_head; /* the kernel's union with a list_head */
	void *slots[RADIX_TREE_MAP_SIZE]; /* RCU: children, or entries */
	unsigned long tags[RADIX_TREE_MAX_TAGS][RADIX_TREE_TAG_LONGS];
	/* writer */
};

struct idr {
	struct radix_tree_node *idr_rt; /* RCU: the top node, NULL if empty */
	bool root_free; /* writer: the root's IDR_FREE tag */
	unsigned int idr_next; /* writer: idr_alloc_cyclic() cursor */
	/* pidfs: */
	struct kmem_cache *cachep; /* immutable: nodes */
	struct radix_tree_node *reserve; /* writer: spare nodes, by ->parent */
	unsigned int nr_reserve; /* writer */
	unsigned long nr_nodes; /* writer: nodes in the tree */
	unsigned long nr_ids; /* writer: allocated ids */
};

/*
 * Statistics, for /pidhash.  @bytes is every node the IDR holds, tree and
 * reserve, at the charged size; @height counts levels (0: empty).
 */
struct idr_stats {
	unsigned long nodes;
	unsigned long reserve;
	unsigned int height;
	unsigned long ids;
	size_t node_bytes;
	size_t bytes;
};

/* The kernel's error pointers, for idr_replace(). */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/*
 * Make @idr empty, its nodes charged @node_bytes each to @lm (0: this
 * host's sizeof(struct radix_tree_node)).  Returns 0, or -EINVAL (no
 * zone), -ENOMEM.  The kernel's idr_init() cannot fail: it has one global
 * node cache.  Any context.
 */
int idr_init(struct idr *idr, struct lowmem *lm, size_t node_bytes);

/*
 * Several IDRs may share one node cache, as every IDR of the kernel
 * shares radix_tree_node_cachep: pidfs_idr_cache_create() makes one
 * (NULL without memory), pidfs_idr_init_cache() makes @idr empty over
 * it.  Such an IDR ends with idr_destroy() and pidfs_idr_drop_reserve();
 * the cache's owner destroys the cache once every IDR over it has ended
 * and a grace period has passed (rcu_barrier()), never pidfs_idr_exit().
 * Any context.
 */
struct kmem_cache *pidfs_idr_cache_create(struct lowmem *lm, size_t node_bytes);
void pidfs_idr_init_cache(struct idr *idr, struct kmem_cache *cachep);

/*
 * Free every node (after a grace period, for readers still in them);
 * @idr is empty and usable again, as in the kernel.  What the ids pointed
 * to is the caller's.  Call with the writer's lock (or alone).
 */
void idr_destroy(struct idr *idr);

/*
 * idr_destroy(), then free the reserve, wait for the grace period and
 * destroy the node cache (idr_init()'s own): @idr is gone.  Must not be called under
 * rcu_read_lock(); no reader may still use @idr.
 */
void pidfs_idr_exit(struct idr *idr);

/*
 * Allocate the lowest free id in [@start, @end) (@end <= 0: up to
 * INT_MAX) and map it to @ptr, which may be NULL.  Returns the id, or
 * -EINVAL (@start < 0), -ENOSPC (none free), -ENOMEM (the zone refused a
 * node; nothing changed).  Call with the writer's lock.
 */
int idr_alloc(struct idr *idr, void *ptr, int start, int end);

/*
 * idr_alloc() from the cursor (the id after the last one handed out), and
 * when nothing is free from there to @end, from @start up to the cursor.
 * Returns as idr_alloc(); -ENOSPC when full (alloc_pid() makes that
 * -EAGAIN).  Call with the writer's lock.
 */
int idr_alloc_cyclic(struct idr *idr, void *ptr, int start, int end);

/* The cursor of idr_alloc_cyclic(), as 4.15's pid.c reads and sets it. */
static inline unsigned int idr_get_cursor(const struct idr *idr)
{
	return __atomic_load_n(&idr->idr_next, __ATOMIC_RELAXED);
}

static inline void idr_set_cursor(struct idr *idr, unsigned int val)
{
	__atomic_store_n(&idr->idr_next, val, __ATOMIC_RELAXED);
}

/*
 * The pointer mapped to @id: NULL when @id is free, or allocated and
 * holding NULL.  Call under rcu_read_lock() or with the writer's lock.
 */
static inline void *idr_find(const struct idr *idr, int id)
{
	struct radix_tree_node *node = rcu_access(idr->idr_rt);
	unsigned long index = (unsigned long)id;

	if (id < 0 || !node || index >= (RADIX_TREE_MAP_SIZE << node->shift))
		return NULL;
	for (;;) {
		void *entry = rcu_access(node->slots[(index >> node->shift) &
						     RADIX_TREE_MAP_MASK]);

		if (!node->shift || !entry)
			return entry;
		node = entry;
	}
}

/*
 * The first non-NULL pointer at an id >= *@nextid, with its id stored in
 * *@nextid; NULL when there is none.  Ids that hold NULL are skipped.
 * Call under rcu_read_lock() or with the writer's lock.
 */
void *idr_get_next(const struct idr *idr, int *nextid);

/*
 * Call @fn(id, pointer, @data) for each non-NULL pointer in id order;
 * stops at and returns the first non-zero return of @fn, else 0.  Call
 * under rcu_read_lock() or with the writer's lock.
 */
int idr_for_each(const struct idr *idr, int (*fn)(int id, void *p, void *data),
		 void *data);

/*
 * Free @id.  Returns what it held, NULL also when it was not allocated
 * (4.15 returns the entry, as here).  Call with the writer's lock.
 */
void *idr_remove(struct idr *idr, int id);

/*
 * Map the allocated @id to @ptr.  Returns the old pointer, or
 * ERR_PTR(-EINVAL) for a negative @id, ERR_PTR(-ENOENT) when @id is not
 * allocated.  Readers see the old pointer or the new one.  Call with the
 * writer's lock.
 */
void *idr_replace(struct idr *idr, void *ptr, int id);

/* No id allocated.  Call with the writer's lock. */
static inline bool idr_is_empty(const struct idr *idr)
{
	return !idr->nr_ids;
}

/*
 * Give the reserve's nodes back to the cache, as the kernel frees a dead
 * CPU's preloaded nodes.  Call with the writer's lock.
 */
void pidfs_idr_drop_reserve(struct idr *idr);

/* Statistics.  Call with the writer's lock. */
void pidfs_idr_read_stats(const struct idr *idr, struct idr_stats *st);

#endif /* PIDFS_IDR_H */
