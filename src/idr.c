// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IDR of Linux 4.15 (lib/idr.c) over its radix tree (lib/radix-tree.c),
 * reduced to what an IDR uses: one tag (IDR_FREE), no multi-order or
 * exceptional entries, no entry stored in the root pointer.  The header
 * says what it models, where it differs, and why.
 *
 * Locking.  Everything that changes the tree runs under the caller's
 * lock; readers (idr_find, idr_get_next, idr_for_each) take none.  For
 * them:
 *  - a node is filled in before the store that publishes it (rcu_publish,
 *    a release store) and its shift and offset never change after;
 *  - a slot changes with one store, so an id reads as before or after;
 *  - a node leaves the tree with one store in its parent (or the root)
 *    and is freed by call_rcu(), so a reader already inside it finishes
 *    on memory that is still the node, unchanged but for its parent link,
 *    which readers never follow;
 *  - shrinking moves the root down a level and keeps the old top node's
 *    slot 0 as it was until the grace period ends, so a reader that
 *    started from the old top still reaches the child.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "pidfs/idr.h"
#include "pidfs/lowmem.h"

/* The kernel's layout, so the kernel's size on a 64-bit host. */
_Static_assert(sizeof(void *) != 8 ||
		       sizeof(struct radix_tree_node) == IDR_NODE_BYTES_X86_64,
	       "struct radix_tree_node of Linux 4.15");

/* The largest id below any node of @shift, relative to its first. */
static unsigned long shift_maxindex(unsigned int shift)
{
	return (RADIX_TREE_MAP_SIZE << shift) - 1;
}

static unsigned long node_maxindex(const struct radix_tree_node *node)
{
	return shift_maxindex(node->shift);
}

/* The first id below slot @offset of @node, on the path to @index. */
static unsigned long next_index(unsigned long index,
				const struct radix_tree_node *node,
				unsigned long offset)
{
	return (index & ~node_maxindex(node)) + (offset << node->shift);
}

static unsigned int slot_offset(const struct radix_tree_node *node,
				unsigned long index)
{
	return (index >> node->shift) & RADIX_TREE_MAP_MASK;
}

/* ---- tags ---------------------------------------------------------------- */

static bool tag_get(const struct radix_tree_node *node, unsigned int offset)
{
	return node->tags[IDR_FREE][offset / RADIX_TREE_BITS_PER_LONG] >>
		       (offset % RADIX_TREE_BITS_PER_LONG) &
	       1;
}

static void tag_set(struct radix_tree_node *node, unsigned int offset)
{
	node->tags[IDR_FREE][offset / RADIX_TREE_BITS_PER_LONG] |=
		1UL << (offset % RADIX_TREE_BITS_PER_LONG);
}

static void tag_clear(struct radix_tree_node *node, unsigned int offset)
{
	node->tags[IDR_FREE][offset / RADIX_TREE_BITS_PER_LONG] &=
		~(1UL << (offset % RADIX_TREE_BITS_PER_LONG));
}

static bool any_tag_set(const struct radix_tree_node *node)
{
	for (unsigned int i = 0; i < RADIX_TREE_TAG_LONGS; i++)
		if (node->tags[IDR_FREE][i])
			return true;
	return false;
}

static void all_tag_set(struct radix_tree_node *node)
{
	for (unsigned int i = 0; i < RADIX_TREE_TAG_LONGS; i++)
		node->tags[IDR_FREE][i] = ~0UL;
}

/* The first tagged slot at or after @offset, or RADIX_TREE_MAP_SIZE. */
static unsigned int find_next_bit(const struct radix_tree_node *node,
				  unsigned int offset)
{
	while (offset < RADIX_TREE_MAP_SIZE) {
		unsigned long word =
			node->tags[IDR_FREE]
				  [offset / RADIX_TREE_BITS_PER_LONG] >>
			(offset % RADIX_TREE_BITS_PER_LONG);

		if (word)
			return offset + (unsigned int)__builtin_ctzl(word);
		offset = (offset + RADIX_TREE_BITS_PER_LONG) &
			 ~(unsigned int)(RADIX_TREE_BITS_PER_LONG - 1);
	}
	return RADIX_TREE_MAP_SIZE;
}

/* Mark slot @offset of @node free, and every ancestor on its way up. */
static void node_tag_set(struct idr *idr, struct radix_tree_node *node,
			 unsigned int offset)
{
	while (node) {
		if (tag_get(node, offset))
			return;
		tag_set(node, offset);
		offset = node->offset;
		node = node->parent;
	}
	idr->root_free = true;
}

/* Mark it used; ancestors too, as far as a node has nothing else free. */
static void node_tag_clear(struct idr *idr, struct radix_tree_node *node,
			   unsigned int offset)
{
	while (node) {
		if (!tag_get(node, offset))
			return;
		tag_clear(node, offset);
		if (any_tag_set(node))
			return;
		offset = node->offset;
		node = node->parent;
	}
	idr->root_free = false;
}

/* ---- nodes --------------------------------------------------------------- */

/*
 * Fill the reserve to @nr nodes.  The only place the IDR allocates, so
 * the only place it can fail, always before the tree changes; a failure
 * frees the nodes it had taken, so the zone too is as it was.
 */
static int idr_reserve(struct idr *idr, unsigned int nr)
{
	unsigned int had = idr->nr_reserve;

	while (idr->nr_reserve < nr) {
		struct radix_tree_node *node = kmem_cache_alloc(idr->cachep);

		if (!node)
			goto fail;
		node->parent = idr->reserve;
		idr->reserve = node;
		idr->nr_reserve++;
	}
	return 0;

fail:
	/* Give back what this call took: the zone is as it was. */
	while (idr->nr_reserve > had) {
		struct radix_tree_node *node = idr->reserve;

		idr->reserve = node->parent;
		idr->nr_reserve--;
		kmem_cache_free(idr->cachep, node);
	}
	return -ENOMEM;
}

/* radix_tree_node_alloc(), from the reserve idr_reserve() filled. */
static struct radix_tree_node *
node_alloc(struct idr *idr, struct radix_tree_node *parent, unsigned int shift,
	   unsigned int offset, unsigned int count)
{
	struct radix_tree_node *node = idr->reserve;

	idr->reserve = node->parent;
	idr->nr_reserve--;
	memset(node, 0, sizeof(*node));
	node->shift = (unsigned char)shift;
	node->offset = (unsigned char)offset;
	node->count = (unsigned char)count;
	node->parent = parent;
	node->root = idr;
	all_tag_set(node);
	idr->nr_nodes++;
	return node;
}

static void node_rcu_free(struct rcu_head *head)
{
	struct radix_tree_node *node =
		container_of(head, struct radix_tree_node, rcu_head);

	rcu_callback_enter(head);
	kmem_cache_free(kmem_cache_of(node), node);
	rcu_callback_exit();
}

static void node_free(struct idr *idr, struct radix_tree_node *node)
{
	idr->nr_nodes--;
	call_rcu(&node->rcu_head, node_rcu_free);
}

/* ---- growing and shrinking ----------------------------------------------- */

/* Levels of a tree whose top node has @shift. */
static unsigned int shift_levels(unsigned int shift)
{
	return shift / RADIX_TREE_MAP_SHIFT + 1;
}

/*
 * radix_tree_extend(): add levels on top until the tree reaches @index.
 * @shift is the shift a new top node would have (0 for an empty tree,
 * which gets its nodes on the way down instead).  Returns the shift of
 * the level above the new top, as radix_tree_load_root() counts.
 */
static unsigned int radix_tree_extend(struct idr *idr, unsigned long index,
				      unsigned int shift)
{
	struct radix_tree_node *entry = idr->idr_rt;
	unsigned int maxshift = shift;

	while (index > shift_maxindex(maxshift))
		maxshift += RADIX_TREE_MAP_SHIFT;
	if (!entry)
		return maxshift + RADIX_TREE_MAP_SHIFT;

	do {
		struct radix_tree_node *node =
			node_alloc(idr, NULL, shift, 0, 1);

		/* Slot 0 is the old tree: free if anything in it is. */
		if (!idr->root_free) {
			tag_clear(node, 0);
			idr->root_free = true;
		}
		entry->parent = node;
		node->slots[0] = entry;
		rcu_publish(idr->idr_rt, node);
		entry = node;
		shift += RADIX_TREE_MAP_SHIFT;
	} while (shift <= maxshift);
	return maxshift + RADIX_TREE_MAP_SHIFT;
}

/* radix_tree_shrink(): drop top nodes whose only child is in slot 0. */
static void radix_tree_shrink(struct idr *idr)
{
	for (;;) {
		struct radix_tree_node *node = idr->idr_rt, *child;

		if (!node || node->count != 1 || !node->shift)
			return;
		child = node->slots[0];
		if (!child)
			return;
		child->parent = NULL;
		rcu_publish(idr->idr_rt, child);
		if (!tag_get(node, 0))
			idr->root_free = false;
		/* slots[0] stays: readers on @node still reach @child. */
		node->count = 0;
		node_free(idr, node);
	}
}

/* delete_node(): free @node and its ancestors while they are empty. */
static void delete_node(struct idr *idr, struct radix_tree_node *node)
{
	do {
		struct radix_tree_node *parent;

		if (node->count) {
			if (node == idr->idr_rt)
				radix_tree_shrink(idr);
			return;
		}
		parent = node->parent;
		if (parent) {
			rcu_publish(parent->slots[node->offset], NULL);
			parent->count--;
		} else {
			rcu_publish(idr->idr_rt, NULL);
		}
		node_free(idr, node);
		node = parent;
	} while (node);
}

/* ---- allocation ---------------------------------------------------------- */

/*
 * idr_get_free(): the slot of the first free id in [*@startp, @max],
 * creating the nodes on its path; the id in *@startp, its leaf in *@nodep.
 * Nodes are created only once the search has succeeded (below a missing
 * child, or above the old top, every id is free), so the reserve is
 * filled there, before the first change: -ENOMEM leaves the tree as it
 * was, and so does -ENOSPC.
 */
static int idr_get_free(struct idr *idr, unsigned long *startp,
			unsigned long max, struct radix_tree_node **nodep)
{
	struct radix_tree_node *node = NULL, *child;
	void **slot = (void **)&idr->idr_rt;
	unsigned long start = *startp, maxindex;
	unsigned int shift, offset = 0;
	int err;

grow:
	child = idr->idr_rt;
	shift = child ? child->shift + RADIX_TREE_MAP_SHIFT : 0;
	maxindex = child ? node_maxindex(child) : 0;
	if (child && !idr->root_free)
		start = start > maxindex + 1 ? start : maxindex + 1;
	if (start > max)
		return -ENOSPC;
	if (!child || start > maxindex) {
		unsigned int top = shift, levels;

		while (start > shift_maxindex(top))
			top += RADIX_TREE_MAP_SHIFT;
		/*
		 * One node per level of the path down from the top: all of
		 * them new, since @start is beyond the old top's reach, and
		 * above the old top every level is new too.
		 */
		levels = shift_levels(top);
		if (child)
			levels += (top - shift) / RADIX_TREE_MAP_SHIFT;
		err = idr_reserve(idr, levels);
		if (err)
			return err;
		shift = radix_tree_extend(idr, start, shift);
		child = idr->idr_rt;
	}

	while (shift) {
		shift -= RADIX_TREE_MAP_SHIFT;
		if (!child) {
			/* Everything below is free: the search is over. */
			err = idr_reserve(idr, shift_levels(shift));
			if (err)
				return err;
			child = node_alloc(idr, node, shift, offset, 0);
			rcu_publish(*slot, child);
			if (node)
				node->count++;
		}
		node = child;
		offset = slot_offset(node, start);
		child = node->slots[offset];
		if (!tag_get(node, offset)) {
			offset = find_next_bit(node, offset + 1);
			start = next_index(start, node, offset);
			if (start > max)
				return -ENOSPC;
			while (offset == RADIX_TREE_MAP_SIZE) {
				offset = node->offset + 1u;
				node = node->parent;
				if (!node)
					goto grow;
				shift = node->shift;
			}
			child = node->slots[offset];
		}
		slot = &node->slots[offset];
	}
	*startp = start;
	*nodep = node;
	return (int)offset;
}

int idr_alloc(struct idr *idr, void *ptr, int start, int end)
{
	struct radix_tree_node *node = NULL;
	unsigned long index = (unsigned long)start;
	unsigned long max = end > 0 ? (unsigned long)end - 1 : INT_MAX;
	int offset;

	if (start < 0)
		return -EINVAL;
	offset = idr_get_free(idr, &index, max, &node);
	if (offset < 0)
		return offset;
	/* The slot was free: it now counts, whatever it holds. */
	node->count++;
	idr->nr_ids++;
	rcu_publish(node->slots[offset], ptr);
	node_tag_clear(idr, node, (unsigned int)offset);
	return (int)index;
}

int idr_alloc_cyclic(struct idr *idr, void *ptr, int start, int end)
{
	int id, curr = (int)idr_get_cursor(idr);

	if (curr < start)
		curr = start;
	id = idr_alloc(idr, ptr, curr, end);
	/*
	 * The second pass is bounded by @end, not by the cursor, as 4.15's:
	 * a cursor left above a lowered @end (pid_max) must not let an id
	 * at or above @end out.
	 */
	if (id == -ENOSPC && curr > start)
		id = idr_alloc(idr, ptr, start, end);
	if (id >= 0)
		idr_set_cursor(idr, (unsigned int)id + 1u);
	return id;
}

/*
 * __radix_tree_lookup() for the writer: the leaf and slot of @id, or NULL
 * when no leaf covers it (then @id is free).
 */
static struct radix_tree_node *lookup_leaf(const struct idr *idr, int id,
					   unsigned int *offsetp)
{
	struct radix_tree_node *node = idr->idr_rt;
	unsigned long index = (unsigned long)id;

	if (id < 0 || !node || index > node_maxindex(node))
		return NULL;
	while (node->shift) {
		node = node->slots[slot_offset(node, index)];
		if (!node)
			return NULL;
	}
	*offsetp = slot_offset(node, index);
	return node;
}

void *idr_remove(struct idr *idr, int id)
{
	unsigned int offset;
	struct radix_tree_node *node = lookup_leaf(idr, id, &offset);
	void *entry;

	if (!node || tag_get(node, offset))
		return NULL;
	entry = node->slots[offset];
	node_tag_set(idr, node, offset);
	rcu_publish(node->slots[offset], NULL);
	node->count--;
	idr->nr_ids--;
	delete_node(idr, node);
	return entry;
}

void *idr_replace(struct idr *idr, void *ptr, int id)
{
	unsigned int offset;
	struct radix_tree_node *node;
	void *old;

	if (id < 0)
		return ERR_PTR(-EINVAL);
	node = lookup_leaf(idr, id, &offset);
	if (!node || tag_get(node, offset))
		return ERR_PTR(-ENOENT);
	old = node->slots[offset];
	rcu_publish(node->slots[offset], ptr);
	return old;
}

/* ---- readers ------------------------------------------------------------- */

/*
 * The first non-NULL entry at or after *@index below @node, whose first
 * id is @base; *@index is moved to it.  Recursion is at most six deep (a
 * 31-bit id in 6-bit levels).  Under rcu_read_lock() or the writer's lock.
 */
static void *next_entry(const struct radix_tree_node *node, unsigned long base,
			unsigned long *index)
{
	unsigned int offset = slot_offset(node, *index);

	for (; offset < RADIX_TREE_MAP_SIZE; offset++) {
		unsigned long first =
			base + ((unsigned long)offset << node->shift);
		void *entry = rcu_access(node->slots[offset]);

		if (first > *index)
			*index = first;
		if (!entry)
			continue;
		if (!node->shift)
			return entry;
		entry = next_entry(entry, first, index);
		if (entry)
			return entry;
	}
	return NULL;
}

void *idr_get_next(const struct idr *idr, int *nextid)
{
	const struct radix_tree_node *node = rcu_access(idr->idr_rt);
	unsigned long index = *nextid > 0 ? (unsigned long)*nextid : 0;
	void *entry;

	if (!node || index > node_maxindex(node))
		return NULL;
	entry = next_entry(node, 0, &index);
	if (!entry || index > INT_MAX)
		return NULL;
	*nextid = (int)index;
	return entry;
}

int idr_for_each(const struct idr *idr, int (*fn)(int id, void *p, void *data),
		 void *data)
{
	int id = 0;
	void *p;

	while ((p = idr_get_next(idr, &id))) {
		int ret = fn(id, p, data);

		if (ret)
			return ret;
		if (id == INT_MAX)
			break;
		id++;
	}
	return 0;
}

/* ---- life ---------------------------------------------------------------- */

struct kmem_cache *pidfs_idr_cache_create(struct lowmem *lm, size_t node_bytes)
{
	return kmem_cache_create_charged(
		lm, "radix_tree_node", LOWMEM_IDR,
		sizeof(struct radix_tree_node),
		node_bytes ? node_bytes : sizeof(struct radix_tree_node));
}

void pidfs_idr_init_cache(struct idr *idr, struct kmem_cache *cachep)
{
	memset(idr, 0, sizeof(*idr));
	idr->cachep = cachep;
	idr->root_free = true;
}

int idr_init(struct idr *idr, struct lowmem *lm, size_t node_bytes)
{
	struct kmem_cache *cachep;

	memset(idr, 0, sizeof(*idr));
	if (!lm)
		return -EINVAL;
	cachep = pidfs_idr_cache_create(lm, node_bytes);
	if (!cachep)
		return -ENOMEM;
	pidfs_idr_init_cache(idr, cachep);
	return 0;
}

/* radix_tree_free_nodes(): @node and everything below it. */
static void free_nodes(struct idr *idr, struct radix_tree_node *node)
{
	if (node->shift)
		for (unsigned int i = 0; i < RADIX_TREE_MAP_SIZE; i++)
			if (node->slots[i])
				free_nodes(idr, node->slots[i]);
	node_free(idr, node);
}

void idr_destroy(struct idr *idr)
{
	struct radix_tree_node *node = idr->idr_rt;

	if (node) {
		rcu_publish(idr->idr_rt, NULL);
		free_nodes(idr, node);
	}
	idr->root_free = true;
	idr->nr_ids = 0;
}

void pidfs_idr_drop_reserve(struct idr *idr)
{
	while (idr->reserve) {
		struct radix_tree_node *node = idr->reserve;

		idr->reserve = node->parent;
		kmem_cache_free(idr->cachep, node);
	}
	idr->nr_reserve = 0;
}

void pidfs_idr_exit(struct idr *idr)
{
	if (!idr->cachep)
		return;
	idr_destroy(idr);
	pidfs_idr_drop_reserve(idr);
	rcu_barrier();
	kmem_cache_destroy(idr->cachep);
	idr->cachep = NULL;
}

void pidfs_idr_read_stats(const struct idr *idr, struct idr_stats *st)
{
	const struct radix_tree_node *top = idr->idr_rt;

	st->nodes = idr->nr_nodes;
	st->reserve = idr->nr_reserve;
	st->height = top ? shift_levels(top->shift) : 0;
	st->ids = idr->nr_ids;
	st->node_bytes = idr->cachep ? kmem_cache_size(idr->cachep) : 0;
	st->bytes = (st->nodes + st->reserve) * st->node_bytes;
}
