// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pid namespaces: kernel/pid_namespace.c of 2.6.24 (create_pid_namespace(),
 * one slab cache per level as create_pid_cachep() makes them, the
 * refcount that frees a namespace with its last pid and reference) and
 * the initial namespace, with the tree it owns: the hash table,
 * pidmap_lock, the serials, the caches (pidmap_init() and pidhash_init()
 * of kernel/pid.c), or under PID_ALLOC_IDR the IDRs' node cache instead
 * of the hash.  Statistics for /pidhash.  src/pid.c has struct pid,
 * the bitmaps and the hash's users; its top comment has the locking and
 * the departures from the kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pid_internal.h"

#define BITS_PER_LONG		(8 * (int)sizeof(unsigned long))

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

static const char *const pid_alloc_names[PID_ALLOC_NR] = {
	[PID_ALLOC_PIDMAP] = "pidmap",
	[PID_ALLOC_IDR] = "idr",
};

const char *pid_alloc_name(enum pid_alloc alloc)
{
	return alloc < PID_ALLOC_NR ? pid_alloc_names[alloc] : "?";
}

int pid_alloc_by_name(const char *name)
{
	for (int a = 0; a < PID_ALLOC_NR; a++)
		if (!strcmp(name, pid_alloc_names[a]))
			return a;
	return -1;
}

size_t pid_charged_size(const struct pidfs_arch *arch, unsigned int level)
{
	arch = pidfs_arch_or_default(arch);
	if (!level)
		return arch->pid_size;
	return arch->pid_ns_pid_size + level * arch->upid_size;
}

static void pid_ns_free_pages(struct pid_namespace *ns)
{
	for (int i = 0; i < PIDMAP_ENTRIES; i++)
		lowmem_free_page(ns->tree->lowmem, LOWMEM_PIDMAP,
				 ns->pidmap[i].page);
}

/*
 * A namespace's own fields; its bitmap gets page 0 with pid 0 reserved,
 * or under the IDR its IDR is made empty (4.15 never hands out 0: pid_min
 * is 1).
 */
static bool pid_ns_init_common(struct pid_namespace *ns, struct pid_tree *tree,
			       struct pid_namespace *parent)
{
	ns->tree = tree;
	ns->parent = parent;
	ns->count = 1;
	ns->adding = true;
	ns->head.hash.table = tree->table;
	ns->head.hash.shift = tree->shift;
	ns->head.level = parent ? parent->head.level + 1 : 0;
	CDS_INIT_LIST_HEAD(&ns->list);
	if (tree->alloc == PID_ALLOC_IDR) {
		pid_idr_ns_init(ns);
		return true;
	}
	return pidmap_reserve_zero(ns);
}

/*
 * The cache of @level's struct pids, made on first use as
 * create_pid_cachep() does ("pid_<level + 1>").  Takes pidmap_lock.
 */
static struct kmem_cache *pid_cache_get(struct pid_tree *tree,
					unsigned int level)
{
	struct kmem_cache *cachep;
	char name[8];

	pthread_mutex_lock(&tree->pidmap_lock);
	cachep = tree->pid_cachep[level];
	if (!cachep) {
		snprintf(name, sizeof(name), "pid_%u", level + 1);
		cachep = kmem_cache_create_charged(
			tree->lowmem, name, LOWMEM_PID,
			sizeof(struct pid) +
				(level + 1) * sizeof(struct upid),
			pid_charged_size(tree->arch, level));
		if (cachep)
			__atomic_store_n(&tree->pid_cachep[level], cachep,
					 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&tree->pidmap_lock);
	return cachep;
}

struct pid_namespace *create_pid_namespace(struct pid_namespace *parent)
{
	struct pid_tree *tree = parent->tree;
	struct pid_namespace *ns;
	unsigned int level = parent->head.level + 1;

	if (level > MAX_PID_NS_LEVEL) {
		errno = ENOSPC;
		return NULL;
	}
	if (!pid_cache_get(tree, level))
		goto out_nomem;
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		goto out_nomem;
	if (!pid_ns_init_common(ns, tree, parent)) {
		pid_ns_free_pages(ns);
		free(ns);
		goto out_nomem;
	}
	get_pid_ns(parent);
	pthread_mutex_lock(&tree->pidmap_lock);
	ns->inum = tree->next_inum++;
	ns->head.hash_key = (uint64_t)(ns->inum - PROC_PID_INIT_INO)
			    << PID_NR_BITS;
	cds_list_add_tail(&ns->list, &tree->namespaces);
	tree->nr_namespaces++;
	pthread_mutex_unlock(&tree->pidmap_lock);
	return ns;

out_nomem:
	errno = ENOMEM;
	return NULL;
}

struct pid_namespace *get_pid_ns(struct pid_namespace *ns)
{
	if (ns && ns->parent)
		__atomic_fetch_add(&ns->count, 1, __ATOMIC_RELAXED);
	return ns;
}

void put_pid_ns(struct pid_namespace *ns)
{
	/* The last put of each level frees it and puts the one above. */
	while (ns && ns->parent &&
	       !__atomic_sub_fetch(&ns->count, 1, __ATOMIC_ACQ_REL)) {
		struct pid_namespace *parent = ns->parent;
		struct pid_tree *tree = ns->tree;

		pthread_mutex_lock(&tree->pidmap_lock);
		cds_list_del(&ns->list);
		tree->nr_namespaces--;
		pthread_mutex_unlock(&tree->pidmap_lock);
		if (pid_ns_uses_idr(ns))
			pid_idr_ns_exit(ns);
		pid_ns_free_pages(ns);
		free(ns);
		ns = parent;
	}
}

unsigned int pid_ns_level(const struct pid_namespace *ns)
{
	return ns->head.level;
}

struct pid_namespace *pid_ns_parent(const struct pid_namespace *ns)
{
	return ns->parent;
}

unsigned int pid_ns_inum(const struct pid_namespace *ns)
{
	return ns->inum;
}

struct pid_namespace *pid_ns_init_ns(const struct pid_namespace *ns)
{
	while (ns->parent)
		ns = ns->parent;
	return (struct pid_namespace *)ns;
}

struct pid_namespace *pid_ns_find_get(struct pid_namespace *ns,
				      unsigned int inum)
{
	struct pid_tree *tree = ns->tree;
	struct pid_namespace *p, *found = NULL;

	pthread_mutex_lock(&tree->pidmap_lock);
	cds_list_for_each_entry(p, &tree->namespaces, list) {
		int c;

		if (p->inum != inum)
			continue;
		if (!p->parent) {
			found = p;
			break;
		}
		/* Only a namespace not already on its way out. */
		c = __atomic_load_n(&p->count, __ATOMIC_RELAXED);
		while (c && !__atomic_compare_exchange_n(&p->count, &c, c + 1,
							 false,
							 __ATOMIC_ACQ_REL,
							 __ATOMIC_RELAXED))
			;
		if (c)
			found = p;
		break;
	}
	pthread_mutex_unlock(&tree->pidmap_lock);
	return found;
}

int pid_ns_ids(struct pid_namespace *ns, unsigned int **idsp)
{
	struct pid_tree *tree = ns->tree;
	struct pid_namespace *p;
	unsigned int *ids;
	int n = 0;

	*idsp = NULL;
	pthread_mutex_lock(&tree->pidmap_lock);
	ids = malloc((size_t)tree->nr_namespaces * sizeof(*ids));
	if (!ids) {
		pthread_mutex_unlock(&tree->pidmap_lock);
		return -ENOMEM;
	}
	/* The list is in creation order, so ids increase along it. */
	cds_list_for_each_entry(p, &tree->namespaces, list)
		ids[n++] = p->inum;
	pthread_mutex_unlock(&tree->pidmap_lock);
	*idsp = ids;
	return n;
}

struct task_struct *pid_ns_child_reaper(const struct pid_namespace *ns)
{
	return ns->child_reaper;
}

void pid_ns_set_child_reaper(struct pid_namespace *ns,
			     struct task_struct *reaper)
{
	ns->child_reaper = reaper;
}

void disable_pid_allocation(struct pid_namespace *ns)
{
	pthread_mutex_lock(&ns->tree->pidmap_lock);
	ns->adding = false;
	pthread_mutex_unlock(&ns->tree->pidmap_lock);
}

bool pid_ns_allocating(struct pid_namespace *ns)
{
	bool adding;

	pthread_mutex_lock(&ns->tree->pidmap_lock);
	adding = ns->adding;
	pthread_mutex_unlock(&ns->tree->pidmap_lock);
	return adding;
}

/*
 * What finds a pid from its number: pidhash_init()'s table, allocated and
 * charged (alloc_bootmem(): low memory on i386, the modelled machine's
 * buckets, for as long as the tree), or under PID_ALLOC_IDR the IDRs'
 * node cache (4.15 has no hash table).  False without memory.
 */
static bool pid_tree_index_init(struct pid_tree *tree)
{
	if (tree->alloc == PID_ALLOC_IDR) {
		tree->shift = 0;
		tree->idr_cachep = pidfs_idr_cache_create(
			tree->lowmem, tree->arch->radix_tree_node_size);
		return tree->idr_cachep != NULL;
	}
	tree->table = calloc((size_t)1 << tree->shift, sizeof(*tree->table));
	if (!tree->table)
		return false;
	tree->hash_charged =
		((size_t)1 << tree->shift) * tree->arch->hlist_head_size;
	if (!lowmem_charge(tree->lowmem, LOWMEM_PIDHASH, tree->hash_charged)) {
		free(tree->table);
		return false;
	}
	return true;
}

/* Undo pid_tree_index_init(), after a grace period for the IDR's nodes. */
static void pid_tree_index_exit(struct pid_tree *tree)
{
	if (tree->alloc == PID_ALLOC_IDR) {
		kmem_cache_destroy(tree->idr_cachep);
		return;
	}
	lowmem_uncharge(tree->lowmem, LOWMEM_PIDHASH, tree->hash_charged);
	free(tree->table);
}

struct pid_namespace *pid_ns_create(const struct pid_ns_params *params)
{
	const struct pidfs_arch *arch = pidfs_arch_or_default(params->arch);
	struct pid_namespace *ns;
	struct pid_tree *tree;
	unsigned long mb;
	int shift;

	if (!params->lowmem || params->pid_max < 0 ||
	    params->pid_max > arch->pid_max_limit || params->hash_shift < -1 ||
	    params->hash_shift > PIDHASH_SHIFT_LIMIT ||
	    (unsigned int)params->alloc >= PID_ALLOC_NR) {
		errno = EINVAL;
		return NULL;
	}
	ns = calloc(1, sizeof(*ns));
	tree = calloc(1, sizeof(*tree));
	if (!ns || !tree)
		goto out_free;
	tree->lowmem = params->lowmem;
	tree->arch = arch;
	tree->alloc = params->alloc;
	tree->pid_max = params->pid_max ? params->pid_max : PID_MAX_DEFAULT;
	mb = params->memory_mb ?
		     params->memory_mb :
		     (unsigned long)(lowmem_budget(tree->lowmem) >> 20);
	shift = params->hash_shift >= 0 ? params->hash_shift :
					  pidhash_shift_for(mb);
	tree->shift = shift;
	tree->next_serial = 1;
	tree->next_inum = PROC_PID_INIT_INO + 1;
	tree->nr_namespaces = 1;
	CDS_INIT_LIST_HEAD(&tree->namespaces);
	pthread_mutex_init(&tree->pidmap_lock, NULL);

	if (!pid_tree_index_init(tree))
		goto out_free_lock;
	/*
	 * The host's struct pid, charged at the modelled machine's size;
	 * named "pid" as pidmap_init()'s KMEM_CACHE(pid).
	 */
	tree->pid_cachep[0] = kmem_cache_create_charged(
		tree->lowmem, "pid", LOWMEM_PID,
		sizeof(struct pid) + sizeof(struct upid),
		pid_charged_size(arch, 0));
	if (!tree->pid_cachep[0])
		goto out_free_index;
	if (!pid_ns_init_common(ns, tree, NULL))
		goto out_free_cache;
	ns->inum = PROC_PID_INIT_INO;
	cds_list_add_tail(&ns->list, &tree->namespaces);

	if (!init_pid_ns)
		init_pid_ns = ns;
	return ns;

out_free_cache:
	kmem_cache_destroy(tree->pid_cachep[0]);
out_free_index:
	pid_tree_index_exit(tree);
out_free_lock:
	pthread_mutex_destroy(&tree->pidmap_lock);
out_free:
	free(tree);
	free(ns);
	errno = ENOMEM;
	return NULL;
}

void pid_ns_destroy(struct pid_namespace *ns)
{
	struct pid_tree *tree;

	if (!ns)
		return;
	tree = ns->tree;
	if (pid_ns_uses_idr(ns))
		pid_idr_ns_exit(ns);
	/*
	 * Wait for delayed_put_pid() callbacks that may still touch us, and
	 * for the IDR nodes' frees.
	 */
	rcu_barrier();
	pid_ns_free_pages(ns);
	for (int i = 0; i <= MAX_PID_NS_LEVEL; i++)
		kmem_cache_destroy(tree->pid_cachep[i]);
	pid_tree_index_exit(tree);
	pthread_mutex_destroy(&tree->pidmap_lock);
	if (init_pid_ns == ns)
		init_pid_ns = NULL;
	free(tree);
	free(ns);
}

struct kmem_cache *pid_ns_pid_cache(const struct pid_namespace *ns)
{
	return ns->tree->pid_cachep[0];
}

struct kmem_cache *pid_ns_pid_cache_level(const struct pid_namespace *ns,
					  unsigned int level)
{
	if (level > MAX_PID_NS_LEVEL)
		return NULL;
	return __atomic_load_n(&ns->tree->pid_cachep[level], __ATOMIC_ACQUIRE);
}

int pid_ns_set_pid_max(struct pid_namespace *ns, int pid_max)
{
	if (pid_max < 1 || pid_max > ns->tree->arch->pid_max_limit)
		return -EINVAL;
	__atomic_store_n(&ns->tree->pid_max, pid_max, __ATOMIC_RELAXED);
	return 0;
}

int pid_ns_pid_max(const struct pid_namespace *ns)
{
	return __atomic_load_n(&ns->tree->pid_max, __ATOMIC_RELAXED);
}

int pid_ns_last_pid(const struct pid_namespace *ns)
{
	if (pid_ns_uses_idr(ns))
		return pid_idr_last_pid(ns);
	return __atomic_load_n(&ns->last_pid, __ATOMIC_RELAXED);
}

void pid_ns_set_last_pid(struct pid_namespace *ns, int last_pid)
{
	if (last_pid < 0 || last_pid >= PID_MAX_LIMIT)
		last_pid = 0;
	if (pid_ns_uses_idr(ns))
		pid_idr_set_last_pid(ns, last_pid);
	else
		__atomic_store_n(&ns->last_pid, last_pid, __ATOMIC_RELAXED);
}

enum pid_alloc pid_ns_alloc(const struct pid_namespace *ns)
{
	return ns->tree->alloc;
}

void pid_ns_read_stats(struct pid_namespace *ns, struct pid_ns_stats *st)
{
	struct pid_tree *tree = ns->tree;
	unsigned int buckets = 1U << tree->shift;
	struct pid_namespace *pns;

	memset(st, 0, sizeof(*st));
	st->alloc = tree->alloc;
	st->pid_max = pid_ns_pid_max(ns);
	st->last_pid = pid_ns_last_pid(ns);
	if (tree->table) {
		st->hash_shift = tree->shift;
		st->hash_buckets = buckets;
		st->hash_bytes = (size_t)buckets * sizeof(*tree->table);
	}
	st->hash_charged = tree->hash_charged;
	st->pid_max_limit = tree->arch->pid_max_limit;
	st->pid_struct_size = pid_charged_size(tree->arch, 0);
	st->wraps = __atomic_load_n(&ns->wraps, __ATOMIC_RELAXED);

	pthread_mutex_lock(&tree->pidmap_lock);
	for (int l = 0; l <= MAX_PID_NS_LEVEL; l++) {
		st->nr_pids += tree->nr_pids[l];
		st->pids_charged += (size_t)tree->nr_pids[l] *
				    pid_charged_size(tree->arch, (unsigned)l);
	}
	cds_list_for_each_entry(pns, &tree->namespaces, list)
		for (int i = 0; i < PIDMAP_ENTRIES; i++)
			st->tree_pidmap_pages += !!pns->pidmap[i].page;
	st->serials = tree->next_serial - 1;
	st->nr_namespaces = tree->nr_namespaces;
	if (!tree->table) {
		pid_idr_read_stats(ns, st);
		pthread_mutex_unlock(&tree->pidmap_lock);
		return;
	}
	for (unsigned int b = 0; b < buckets; b++) {
		unsigned int len = 0;

		for (struct upid *p = tree->table[b]; p; p = p->pid_chain)
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
	pthread_mutex_unlock(&tree->pidmap_lock);
}

int pid_ns_read_cache_stats(struct pid_namespace *ns,
			    struct pid_cache_stats *st)
{
	struct pid_tree *tree = ns->tree;
	int n = 0;

	pthread_mutex_lock(&tree->pidmap_lock);
	for (unsigned int l = 0; l <= MAX_PID_NS_LEVEL; l++) {
		struct pid_cache_stats *c = &st[n];

		if (!tree->pid_cachep[l])
			continue;
		memset(c, 0, sizeof(*c));
		if (l)
			snprintf(c->name, sizeof(c->name), "pid_%u", l + 1);
		else
			snprintf(c->name, sizeof(c->name), "pid");
		c->level = l;
		c->host_size = sizeof(struct pid) + (l + 1) * sizeof(struct upid);
		c->charged_size = pid_charged_size(tree->arch, l);
		c->nr_pids = tree->nr_pids[l];
		c->allocated = tree->allocated[l];
		n++;
	}
	pthread_mutex_unlock(&tree->pidmap_lock);
	return n;
}

