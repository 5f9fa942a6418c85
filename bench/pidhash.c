// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/pidhash: the pid hash itself, in process, no FUSE: pidfs's
 * patched kernel/pid.c side by side with the design it replaced and with
 * other RCU hash tables.
 *
 *   pid       pidfs's model (src/pid.c): one table of struct pids, found
 *             with find_pid()/find_get_pid(), tasks linked to them by
 *             attach_pid()/detach_pid();
 *   prepatch  the pre-patch design rebuilt from the patch's '-' lines
 *             (bench/prepatch.c): PIDTYPE_MAX tables of struct pids
 *             embedded in the tasks, entries moved at attach and detach;
 *             "find_get" is find_task_by_pid_type() + get_task_struct(),
 *             the reference /proc held then;
 *   lfht      liburcu's lock-free resizable hash table (cds_lfht) keyed by
 *             pid, not resized, with a refcount in the node;
 *   hlist     the patch's own find_pid() on the kernel's 64-byte struct
 *             pid with its doubly linked hlist chain, all inline: a plain
 *             RCU hlist lookup, the floor for the others;
 *   h2006     the same with the 2006 hash multiplier
 *             (GOLDEN_RATIO_PRIME_64), which reaches only about 8192
 *             buckets with consecutive numbers, where the others (and
 *             pid.c) use the one Linux has used since 4.7
 *             (GOLDEN_RATIO_64): what the old hash costs.
 *
 * Measured, each in interleaved rounds (median of the per-round ratios):
 *
 *   lookup    ns per lookup of a random live pid, at 1000, 32768 and
 *             1000000 live pids (pid_max 4194304), with the hash sized as
 *             the patch does (pidhash_shift_for(896 MiB) = 12: 4096
 *             buckets), sized to the load (buckets >= live pids) and
 *             sized to pid_max (4194304 buckets); at 32768 pids, the
 *             targets' size, single-reader lookups run at least 15
 *             rounds, since pid and the plain hlist come out within 1%;
 *             "find" is rcu_read_lock + lookup + rcu_read_unlock, and
 *             "find_get" also takes and drops a reference; 1 and 2 reader
 *             threads, with and without a writer doing fork+reap's hash
 *             work in a loop (on this 2-CPU machine, 2 readers and a
 *             writer share 2 CPUs);
 *   fork+reap what a fork and a reap do to the hash: allocate a number,
 *             attach PID, PGID and SID, detach all three, including
 *             the RCU callbacks they queue;
 *   alloc     alloc_pid()+free_pid() pairs per second at 10%, 50% and 90%
 *             of pid_max 32768 in use, the same holes in the map each
 *             time, including the RCU callbacks; beside it, for scale, the bitmap alone (a next-fit
 *             alloc and free on prepatch.c's flat bitmap: no struct pid,
 *             no hash, no RCU);
 *   memory    bytes of hash table, old and new, at both sizings;
 *   chains    how the numbers spread over the buckets, with pid.c's
 *             multiplier and with the 2006 one;
 *   idr       Linux 4.15's IDR (src/idr.c), which replaced the pidmap
 *             and the hash, against them: lookup, a full walk in order,
 *             memory, and allocation at 10%, 50% and 90% (bench/idr.c);
 *   levels    find_pid_ns(), find_get_pid_ns() and alloc_pid()+free_pid()
 *             at pid namespace levels 0, 1, 8 and 32, and level 0
 *             against pidfs's lookup before namespaces (bench/pidns.c);
 *   allocators the pid layer made with -o alloc=pidmap against
 *             -o alloc=idr: find_pid_ns(), a find_ge_pid_ns() walk, the
 *             charged memory, and alloc_pid()+free_pid() at 10%, 50% and
 *             90% occupancy (bench/pidalloc.c).
 *
 * Run:  make bench, or bench/pidhash [-r ROUNDS] [-t SECONDS] [-s]
 *       (-s: sizes 1000 and 32768 only; BENCH_QUICK=1: 5 short rounds
 *       and those two sizes; BENCH_CSV=FILE: append results; -h for the
 *       options that pick sections and sizes, and -n OPS, which makes
 *       every phase a count of operations, for callgrind).
 *
 * Expected output: tables of ns/op per design with "x pid" lines (how
 * many times slower than pid each one is: above 1.00, pid is faster),
 * the chain and memory lines and the pair rates, e.g. (this machine)
 *
 *   1 reader    32768 load      5.8   10.2    7.1   11.1   13.6 ...
 *     x pid                    1.00   1.00   1.22   1.09   2.34 ...
 *   hash memory at 4096 buckets (patch): prepatch 98304 B, pid 32768 B
 *   50% in use: alloc_pid+free_pid   6.96 M pairs/s; ...
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

#include <urcu/rculfhash.h>

#include "idr.h"
#include "lib.h"
#include "pidalloc.h"
#include "pidns.h"
#include "prepatch.h"

/* hash_long()'s multiplier in 2006; pid.h has the one of Linux >= 4.7. */
#define GOLDEN_RATIO_PRIME_64 0x9e37fffffffc0001ULL
#define PID_MAX_BENCH PID_MAX_LIMIT
#define MAX_ROUNDS 31
/* Rounds of the targets' lookups (32768 pids, one reader) at least. */
#define TARGET_ROUNDS 15
#define MAX_READERS 2
#define BATCH 256

static struct {
	int rounds;
	double seconds;
	bool small;
	int only_size; /* -N: this many live pids only */
	const char *only_sizing; /* -Z: "patch", "load" or "pidmax" only */
	/* For callgrind: phases of a fixed count of operations, not time. */
	unsigned long count;
	const char *sections; /* letters: see usage() */
} opt;

static bool section(char c)
{
	return strchr(opt.sections, c) != NULL;
}

/* Has a phase that started at @start and did @ops operations ended? */
static bool phase_done(uint64_t start, uint64_t now, uint64_t ops)
{
	if (opt.count)
		return ops >= opt.count;
	return now - start >= (uint64_t)(opt.seconds * 1e9);
}

/* ---- the designs -------------------------------------------------------- */

/*
 * Every design's hash nodes come from pidfs's slab allocator (lowmem.h),
 * as struct pids do.  Where they lie in memory matters as much as the
 * code that walks them: nodes of one calloc'd array, numbered in order,
 * make every hash chain a perfectly regular stride that the CPU's
 * prefetcher learns, and chains of 244 nodes then walk 3 to 4 times
 * faster than the same chains in slabs (doc/performance.md).  The same
 * allocator for all compares the designs, not the allocators.
 */
static struct lowmem *zone;

static struct kmem_cache *cache_for(const char *name, size_t size)
{
	struct kmem_cache *c = kmem_cache_create(zone, name, LOWMEM_TASK, size);

	if (!c)
		bench_die("kmem_cache_create %s: out of memory", name);
	return c;
}

static void *zalloc(struct kmem_cache *c)
{
	void *p = kmem_cache_alloc(c);

	if (!p)
		bench_die("kmem_cache_alloc: out of memory");
	return p;
}

/* An RCU callback's free: the cache is found from the object. */
static void zfree(void *p)
{
	kmem_cache_free(kmem_cache_of(p), p);
}

struct design {
	const char *name;
	void *(*build)(int n, int shift);
	void (*destroy)(void *h);
	/*
	 * What a reader holds to look up in @h, as a caller of the real
	 * thing would (pid: the namespace); NULL: @h itself.
	 */
	void *(*find_arg)(void *h);
	/* rcu_read_lock, look up, rcu_read_unlock: found? */
	bool (*find)(void *arg, int nr);
	/* the same, taking a reference, then dropping it */
	bool (*find_get)(void *arg, int nr);
	/* a fork's and a reap's work on the hash: writer side */
	void (*churn)(void *h);
};

/* -- pid: pidfs's model --------------------------------------------------- */

struct pid_h {
	struct pidfs_kernel *k;
	struct pid_namespace *ns;
	struct kmem_cache *task_cache;
	struct task_struct **tasks;
	int n;
	/* Our tasklist_lock: this benchmark is the kernel's only writer. */
	pthread_mutex_t lock;
};

/* copy_process()'s part: a number, a struct pid, three links. */
static int pid_fork(struct pid_h *h, struct task_struct *t)
{
	struct pid *pid = alloc_pid(h->ns);

	if (!pid)
		return -1;
	t->kernel = h->k;
	t->pid = t->tgid = pid_nr(pid);
	attach_pid(t, PIDTYPE_PID, pid);
	attach_pid(t, PIDTYPE_PGID, find_pid_ns(1, h->ns));
	attach_pid(t, PIDTYPE_SID, find_pid_ns(1, h->ns));
	return 0;
}

/* release_task()'s part: the last detach frees the struct pid. */
static void pid_reap(struct task_struct *t)
{
	for (int type = 0; type < PIDTYPE_MAX; type++)
		detach_pid(t, (enum pid_type)type);
}

static void *pid_build(int n, int shift)
{
	struct pidfs_kernel_params params = {
		/* the machine whose pid_max reaches PID_MAX_LIMIT */
		.arch = &pidfs_arch_x86_64,
		.lowmem = UINT64_C(8) << 30,
		.pid_max = PID_MAX_BENCH,
		.hash_shift = shift,
		.uid = getuid(),
		.gid = getgid(),
	};
	struct pid_h *h = calloc(1, sizeof(*h));
	int err;

	if (!h)
		bench_die("out of memory");
	err = pidfs_kernel_create(&params, &h->k);
	if (err)
		bench_die("pidfs_kernel_create: %s", strerror(-err));
	h->ns = pidfs_kernel_ns(h->k);
	h->task_cache = cache_for("task", sizeof(struct task_struct));
	h->tasks = calloc((size_t)n, sizeof(*h->tasks));
	if (!h->tasks)
		bench_die("out of memory");
	h->n = n;
	pthread_mutex_init(&h->lock, NULL);
	for (int i = 0; i < n; i++) {
		h->tasks[i] = zalloc(h->task_cache);
		if (pid_fork(h, h->tasks[i]))
			bench_die("pid: alloc_pid failed at %d", i);
	}
	return h;
}

static void pid_destroy(void *arg)
{
	struct pid_h *h = arg;

	for (int i = 0; i < h->n; i++)
		pid_reap(h->tasks[i]);
	rcu_barrier();
	for (int i = 0; i < h->n; i++)
		zfree(h->tasks[i]);
	free(h->tasks);
	kmem_cache_destroy(h->task_cache);
	pidfs_kernel_destroy(h->k);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static void *pid_find_arg(void *arg)
{
	return ((struct pid_h *)arg)->ns;
}

static bool pid_find(void *ns, int nr)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	rcu_read_unlock();
	return pid != NULL;
}

static bool pid_find_get(void *ns, int nr)
{
	struct pid *pid = find_get_pid_ns(nr, ns);

	put_pid(pid);
	return pid != NULL;
}

static void free_task_rcu(struct rcu_head *head)
{
	zfree(container_of(head, struct task_struct, rcu));
}

static void pid_churn(void *arg)
{
	struct pid_h *h = arg;
	struct task_struct *t = zalloc(h->task_cache);

	pthread_mutex_lock(&h->lock);
	if (pid_fork(h, t))
		bench_die("pid: alloc_pid failed");
	pthread_mutex_unlock(&h->lock);
	pthread_mutex_lock(&h->lock);
	pid_reap(t);
	pthread_mutex_unlock(&h->lock);
	/* Readers may still be on its links: as the kernel frees a task. */
	call_rcu(&t->rcu, free_task_rcu);
}

/* -- prepatch: the design the patch replaced ------------------------------ */

struct old_h {
	struct old_pidhash *ph;
	struct kmem_cache *task_cache;
	struct old_task init;
	struct old_task **tasks;
	int n;
};

struct old_wtask {
	struct old_task t;
	struct rcu_head rcu;
};

static int old_fork(struct old_pidhash *ph, struct old_task *t)
{
	int nr = old_alloc_pidmap(ph);

	if (nr < 0)
		return -1;
	old_attach_pid(ph, t, PIDTYPE_PID, nr);
	old_attach_pid(ph, t, PIDTYPE_PGID, 1);
	old_attach_pid(ph, t, PIDTYPE_SID, 1);
	return 0;
}

static void old_reap(struct old_pidhash *ph, struct old_task *t)
{
	for (int type = 0; type < PIDTYPE_MAX; type++)
		old_detach_pid(ph, t, (enum pid_type)type);
}

static void *old_build(int n, int shift)
{
	struct old_h *h = calloc(1, sizeof(*h));
	int nr;

	if (!h)
		bench_die("out of memory");
	h->ph = old_pidhash_create(shift, PID_MAX_BENCH);
	h->task_cache = cache_for("old_task", sizeof(struct old_wtask));
	h->tasks = calloc((size_t)n, sizeof(*h->tasks));
	if (!h->ph || !h->tasks)
		bench_die("out of memory");
	h->n = n;
	/* init, pid 1, leader of process group 1 and session 1 */
	nr = old_alloc_pidmap(h->ph);
	for (int type = 0; type < PIDTYPE_MAX; type++)
		old_attach_pid(h->ph, &h->init, (enum pid_type)type, nr);
	for (int i = 0; i < n; i++) {
		h->tasks[i] = zalloc(h->task_cache);
		if (old_fork(h->ph, h->tasks[i]))
			bench_die("prepatch: alloc_pidmap failed at %d", i);
	}
	return h;
}

static void old_destroy(void *arg)
{
	struct old_h *h = arg;

	rcu_barrier();
	old_pidhash_destroy(h->ph);
	for (int i = 0; i < h->n; i++)
		zfree(h->tasks[i]);
	free(h->tasks);
	kmem_cache_destroy(h->task_cache);
	free(h);
}

static bool old_find(void *arg, int nr)
{
	struct old_h *h = arg;
	struct old_pid *pid;

	rcu_read_lock();
	pid = old_find_pid(h->ph, PIDTYPE_PID, nr);
	rcu_read_unlock();
	return pid != NULL;
}

static bool old_find_get(void *arg, int nr)
{
	struct old_h *h = arg;
	struct old_task *t;

	rcu_read_lock();
	t = old_find_task_by_pid_type(h->ph, PIDTYPE_PID, nr);
	if (t)
		__atomic_fetch_add(&t->usage, 1, __ATOMIC_RELAXED);
	rcu_read_unlock();
	if (t)
		__atomic_fetch_sub(&t->usage, 1, __ATOMIC_ACQ_REL);
	return t != NULL;
}

static void free_old_rcu(struct rcu_head *head)
{
	zfree(container_of(head, struct old_wtask, rcu));
}

static void old_churn(void *arg)
{
	struct old_h *h = arg;
	struct old_wtask *w = zalloc(h->task_cache);

	old_write_lock(h->ph);
	if (old_fork(h->ph, &w->t))
		bench_die("prepatch: alloc_pidmap failed");
	old_write_unlock(h->ph);
	old_write_lock(h->ph);
	old_reap(h->ph, &w->t);
	old_write_unlock(h->ph);
	call_rcu(&w->rcu, free_old_rcu);
}

/* -- lfht: liburcu's cds_lfht --------------------------------------------- */

struct lnode {
	struct cds_lfht_node node;
	int nr;
	int count; /* ATOMIC */
	struct rcu_head rcu;
};

struct lfht_h {
	struct cds_lfht *ht;
	struct kmem_cache *cache;
	struct lnode **nodes;
	int n;
	int next_nr; /* writer's */
};

static unsigned long lfht_hash(int nr)
{
	return (unsigned long)((uint64_t)nr * GOLDEN_RATIO_64);
}

static int lfht_match(struct cds_lfht_node *node, const void *key)
{
	return caa_container_of(node, struct lnode, node)->nr ==
	       *(const int *)key;
}

static void lfht_add(struct lfht_h *h, struct lnode *ln, int nr)
{
	ln->nr = nr;
	ln->count = 1;
	cds_lfht_node_init(&ln->node);
	rcu_read_lock();
	cds_lfht_add(h->ht, lfht_hash(nr), &ln->node);
	rcu_read_unlock();
}

static void *lfht_build(int n, int shift)
{
	struct lfht_h *h = calloc(1, sizeof(*h));
	unsigned long buckets = 1UL << shift;

	if (!h)
		bench_die("out of memory");
	/* A fixed size, as the others: no CDS_LFHT_AUTO_RESIZE. */
	h->ht = cds_lfht_new(buckets, 1, 0, 0, NULL);
	h->cache = cache_for("lnode", sizeof(struct lnode));
	h->nodes = calloc((size_t)n, sizeof(*h->nodes));
	if (!h->ht || !h->nodes)
		bench_die("cds_lfht_new: out of memory");
	h->n = n;
	h->next_nr = n + 2;
	for (int i = 0; i < n; i++) {
		h->nodes[i] = zalloc(h->cache);
		lfht_add(h, h->nodes[i], i + 2);
	}
	return h;
}

static void lfht_destroy(void *arg)
{
	struct lfht_h *h = arg;

	rcu_read_lock();
	for (int i = 0; i < h->n; i++)
		cds_lfht_del(h->ht, &h->nodes[i]->node);
	rcu_read_unlock();
	rcu_barrier();
	if (cds_lfht_destroy(h->ht, NULL))
		bench_die("cds_lfht_destroy failed");
	for (int i = 0; i < h->n; i++)
		zfree(h->nodes[i]);
	free(h->nodes);
	kmem_cache_destroy(h->cache);
	free(h);
}

static struct lnode *lfht_lookup(struct lfht_h *h, int nr)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;

	cds_lfht_lookup(h->ht, lfht_hash(nr), lfht_match, &nr, &iter);
	node = cds_lfht_iter_get_node(&iter);
	return node ? caa_container_of(node, struct lnode, node) : NULL;
}

static bool lfht_find(void *arg, int nr)
{
	struct lnode *ln;

	rcu_read_lock();
	ln = lfht_lookup(arg, nr);
	rcu_read_unlock();
	return ln != NULL;
}

static bool lfht_find_get(void *arg, int nr)
{
	struct lnode *ln;

	rcu_read_lock();
	ln = lfht_lookup(arg, nr);
	if (ln)
		__atomic_fetch_add(&ln->count, 1, __ATOMIC_RELAXED);
	rcu_read_unlock();
	if (ln)
		__atomic_fetch_sub(&ln->count, 1, __ATOMIC_ACQ_REL);
	return ln != NULL;
}

static void free_lnode_rcu(struct rcu_head *head)
{
	zfree(container_of(head, struct lnode, rcu));
}

/* Insert and delete one entry, numbers cycling above the live ones. */
static void lfht_churn(void *arg)
{
	struct lfht_h *h = arg;
	struct lnode *ln = zalloc(h->cache);

	lfht_add(h, ln, h->next_nr);
	if (++h->next_nr >= h->n + 2 + 65536)
		h->next_nr = h->n + 2;
	rcu_read_lock();
	cds_lfht_del(h->ht, &ln->node);
	rcu_read_unlock();
	call_rcu(&ln->rcu, free_lnode_rcu);
}

/* -- hlist: the patch's find_pid() on the kernel's struct pid ------------- */

/* struct pid of the patch, on x86-64: 64 bytes, as pidfs's. */
struct kpid {
	int count; /* ATOMIC */
	int nr;
	struct hlist_node pid_chain;
	struct hlist_head tasks[PIDTYPE_MAX];
	struct rcu_head rcu;
};
_Static_assert(sizeof(struct kpid) == 64, "the kernel's struct pid");

struct hlist_h {
	struct hlist_head *hash;
	int shift;
	uint64_t mul; /* the hash multiplier */
	struct kmem_cache *cache;
	struct kpid **pids;
	int n;
	int next_nr; /* lock */
	pthread_mutex_t lock; /* the pidmap_lock */
};

static unsigned int kpid_hashfn(const struct hlist_h *h, int nr)
{
	if (!h->shift)
		return 0;
	return (unsigned int)(((uint64_t)nr * h->mul) >> (64 - h->shift));
}

static void kpid_hash(struct hlist_h *h, struct kpid *p, int nr)
{
	p->count = 1;
	p->nr = nr;
	pthread_mutex_lock(&h->lock);
	hlist_add_head_rcu(&p->pid_chain, &h->hash[kpid_hashfn(h, nr)]);
	pthread_mutex_unlock(&h->lock);
}

static void *hlist_build_mul(int n, int shift, uint64_t mul)
{
	struct hlist_h *h = calloc(1, sizeof(*h));

	if (!h)
		bench_die("out of memory");
	h->shift = shift;
	h->mul = mul;
	h->hash = calloc((size_t)1 << shift, sizeof(*h->hash));
	h->cache = cache_for("kpid", sizeof(struct kpid));
	h->pids = calloc((size_t)n, sizeof(*h->pids));
	if (!h->hash || !h->pids)
		bench_die("out of memory");
	h->n = n;
	h->next_nr = n + 2;
	pthread_mutex_init(&h->lock, NULL);
	for (int i = 0; i < n; i++) {
		h->pids[i] = zalloc(h->cache);
		kpid_hash(h, h->pids[i], i + 2);
	}
	return h;
}

static void hlist_destroy(void *arg)
{
	struct hlist_h *h = arg;

	rcu_barrier();
	free(h->hash);
	for (int i = 0; i < h->n; i++)
		zfree(h->pids[i]);
	free(h->pids);
	kmem_cache_destroy(h->cache);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* The patch's find_pid(), word for word. */
static struct kpid *kpid_find(struct hlist_h *h, int nr)
{
	struct kpid *pid;

	hlist_for_each_entry_rcu(pid, &h->hash[kpid_hashfn(h, nr)], pid_chain) {
		if (pid->nr == nr)
			return pid;
	}
	return NULL;
}

static bool hlist_find(void *arg, int nr)
{
	struct kpid *p;

	rcu_read_lock();
	p = kpid_find(arg, nr);
	rcu_read_unlock();
	return p != NULL;
}

static bool hlist_find_get(void *arg, int nr)
{
	struct kpid *p;

	/* The patch's find_get_pid() and put_pid(), inline. */
	rcu_read_lock();
	p = kpid_find(arg, nr);
	if (p)
		__atomic_fetch_add(&p->count, 1, __ATOMIC_RELAXED);
	rcu_read_unlock();
	/* The table holds a reference: never the last one here. */
	if (p && __atomic_load_n(&p->count, __ATOMIC_ACQUIRE) != 1)
		__atomic_sub_fetch(&p->count, 1, __ATOMIC_ACQ_REL);
	return p != NULL;
}

static void free_kpid_rcu(struct rcu_head *head)
{
	zfree(container_of(head, struct kpid, rcu));
}

static void hlist_churn(void *arg)
{
	struct hlist_h *h = arg;
	struct kpid *p = zalloc(h->cache);

	kpid_hash(h, p, h->next_nr);
	if (++h->next_nr >= h->n + 2 + 65536)
		h->next_nr = h->n + 2;
	pthread_mutex_lock(&h->lock);
	hlist_del_rcu(&p->pid_chain);
	pthread_mutex_unlock(&h->lock);
	call_rcu(&p->rcu, free_kpid_rcu);
}

static void *hlist_build(int n, int shift)
{
	return hlist_build_mul(n, shift, GOLDEN_RATIO_64);
}

/* The same with the 2006 multiplier: what the old hash costs. */
static void *h2006_build(int n, int shift)
{
	return hlist_build_mul(n, shift, GOLDEN_RATIO_PRIME_64);
}

enum { D_PID, D_OLD, D_LFHT, D_HLIST, D_H2006, NR_DESIGNS };

static const struct design designs[NR_DESIGNS] = {
	[D_PID] = { "pid", pid_build, pid_destroy, pid_find_arg, pid_find,
		    pid_find_get, pid_churn },
	[D_OLD] = { "prepatch", old_build, old_destroy, NULL, old_find,
		    old_find_get, old_churn },
	[D_LFHT] = { "lfht", lfht_build, lfht_destroy, NULL, lfht_find,
		     lfht_find_get, lfht_churn },
	[D_HLIST] = { "hlist", hlist_build, hlist_destroy, NULL, hlist_find,
		      hlist_find_get, hlist_churn },
	[D_H2006] = { "h2006", h2006_build, hlist_destroy, NULL, hlist_find,
		      hlist_find_get, hlist_churn },
};

/* ---- running ------------------------------------------------------------- */

/* One variant: a design, its table, and which lookup. */
struct variant {
	const struct design *d;
	void *h;
	bool get;
	char label[32];
};

struct run {
	const struct variant *v;
	const int *keys;
	int n;
	int stop; /* ATOMIC: the writer's */
	pthread_barrier_t start;
};

struct reader {
	pthread_t thread;
	struct run *run;
	int id;
	uint64_t ops, misses, elapsed_ns;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct run *run = r->run;
	const struct variant *v = run->v;
	bool (*fn)(void *, int) = v->get ? v->d->find_get : v->d->find;
	void *h = v->d->find_arg ? v->d->find_arg(v->h) : v->h;
	int k = (int)((long)r->id * run->n / MAX_READERS), n = run->n;
	uint64_t start, now;

	pthread_barrier_wait(&run->start);
	start = bench_now_ns();
	do {
		for (int i = 0; i < BATCH; i++) {
			if (!fn(h, run->keys[k]))
				r->misses++;
			if (++k == n)
				k = 0;
		}
		r->ops += BATCH;
		now = bench_now_ns();
	} while (!phase_done(start, now, r->ops));
	r->elapsed_ns = now - start;
	return NULL;
}

struct writer {
	pthread_t thread;
	struct run *run;
	uint64_t ops, elapsed_ns;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct run *run = w->run;
	uint64_t start;

	pthread_barrier_wait(&run->start);
	start = bench_now_ns();
	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED)) {
		run->v->d->churn(run->v->h);
		w->ops++;
	}
	w->elapsed_ns = bench_now_ns() - start;
	return NULL;
}

/*
 * @readers threads look up @keys for the phase's time, with a writer if
 * @writer.  Returns ns per lookup (per thread), and the writer's rate.
 */
static double run_lookups(const struct variant *v, const int *keys, int n,
			  int readers, bool writer, double *wrate,
			  uint64_t *misses)
{
	struct reader r[MAX_READERS];
	struct writer w = { 0 };
	struct run run = {
		.v = v,
		.keys = keys,
		.n = n,
	};
	double ns = 0;

	memset(r, 0, sizeof(r));
	pthread_barrier_init(&run.start, NULL,
			     (unsigned int)(readers + writer));
	if (writer) {
		w.run = &run;
		if (pthread_create(&w.thread, NULL, writer_main, &w))
			bench_die("pthread_create: %s", strerror(errno));
	}
	for (int i = 0; i < readers; i++) {
		r[i].run = &run;
		r[i].id = i;
		if (i && pthread_create(&r[i].thread, NULL, reader_main, &r[i]))
			bench_die("pthread_create: %s", strerror(errno));
	}
	reader_main(&r[0]);
	for (int i = 1; i < readers; i++)
		pthread_join(r[i].thread, NULL);
	if (writer) {
		__atomic_store_n(&run.stop, 1, __ATOMIC_RELAXED);
		pthread_join(w.thread, NULL);
		*wrate = (double)w.ops * 1e9 / (double)w.elapsed_ns;
	}
	pthread_barrier_destroy(&run.start);
	for (int i = 0; i < readers; i++) {
		ns += (double)r[i].elapsed_ns / (double)r[i].ops;
		*misses += r[i].misses;
	}
	return ns / readers;
}

/* Writer work alone, for the phase's time: ns per fork+reap. */
static double run_churn(const struct variant *v)
{
	uint64_t start = bench_now_ns(), now, ops = 0;

	do {
		for (int i = 0; i < 64; i++)
			v->d->churn(v->h);
		ops += 64;
		now = bench_now_ns();
	} while (!phase_done(start, now, ops));
	/*
	 * What the reaps handed to call_rcu() is part of their cost: wait
	 * for it, inside the measurement, so that a short phase does not
	 * leave work behind uncounted.
	 */
	rcu_barrier();
	now = bench_now_ns();
	return (double)(now - start) / (double)ops;
}

/* The per-round ratios a[r] / b[r]. */
static void ratios(const double *a, const double *b, double *q)
{
	for (int r = 0; r < opt.rounds; r++)
		q[r] = a[r] / b[r];
}

static double ratio_median(const double *a, const double *b)
{
	double q[MAX_ROUNDS];

	ratios(a, b, q);
	return bench_median(q, opt.rounds);
}

/* The first (q = 1) or third (q = 3) quartile of the per-round ratios. */
static double ratio_quartile(const double *a, const double *b, int quart)
{
	double q[MAX_ROUNDS];

	ratios(a, b, q);
	return bench_quartile(q, opt.rounds, quart);
}

/* A random order of the live numbers 2..n+1. */
static int *make_keys(int n)
{
	int *k = malloc((size_t)n * sizeof(*k));

	if (!k)
		bench_die("out of memory");
	for (int i = 0; i < n; i++)
		k[i] = i + 2;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(random() % (i + 1)), t = k[i];

		k[i] = k[j];
		k[j] = t;
	}
	return k;
}

static int shift_for_load(int n)
{
	int s = 0;

	while ((1 << s) < n)
		s++;
	return s;
}

/* ---- the sections --------------------------------------------------------- */

#define NR_LOOKUP_VARIANTS (2 * NR_DESIGNS)

/* Lookup latency, 1 reader, no writer: every design, find and find_get. */
static void lookup_latency(void *tables[], const int *keys, int n,
			   const char *sizing)
{
	struct variant v[NR_LOOKUP_VARIANTS];
	double ns[NR_LOOKUP_VARIANTS][MAX_ROUNDS];
	uint64_t misses = 0;
	char variant[96], base[96];

	for (int i = 0; i < NR_LOOKUP_VARIANTS; i++) {
		v[i].d = &designs[i / 2];
		v[i].h = tables[i / 2];
		v[i].get = i % 2;
		snprintf(v[i].label, sizeof(v[i].label), "%s.%s", v[i].d->name,
			 v[i].get ? "find_get" : "find");
	}
	for (int r = 0; r < opt.rounds; r++)
		for (int j = 0; j < NR_LOOKUP_VARIANTS; j++) {
			int i = (r + j) % NR_LOOKUP_VARIANTS;

			ns[i][r] = run_lookups(&v[i], keys, n, 1, false, NULL,
					       &misses);
		}
	printf("  %-9s %7d %-6s", "1 reader", n, sizing);
	for (int i = 0; i < NR_LOOKUP_VARIANTS; i++)
		printf(" %6.1f", bench_median(ns[i], opt.rounds));
	printf("   misses %llu\n", (unsigned long long)misses);
	printf("  %-9s %7s %-6s", "  x pid", "", "");
	for (int i = 0; i < NR_LOOKUP_VARIANTS; i++)
		printf(" %6.2f", ratio_median(ns[i], ns[i % 2]));
	printf("\n");

	for (int i = 0; i < NR_LOOKUP_VARIANTS; i++) {
		snprintf(variant, sizeof(variant), "%s n=%d hash=%s r=1 w=0",
			 v[i].label, n, sizing);
		if (i < 2) {
			bench_csv("pidhash.lookup", variant,
				  bench_median(ns[i], opt.rounds), "ns/op", NAN,
				  NULL);
			continue;
		}
		/* ratio: the other design's time over pid's, same lookup */
		snprintf(base, sizeof(base), "%s n=%d hash=%s r=1 w=0",
			 v[i % 2].label, n, sizing);
		bench_csv("pidhash.lookup", variant,
			  bench_median(ns[i], opt.rounds), "ns/op",
			  ratio_median(ns[i], ns[i % 2]), base);
	}
	/*
	 * The target's comparisons: find_get_pid() against the same lookup
	 * and reference on a plain RCU hlist, find_pid() against the plain
	 * lookup ("vs_hlist"), and for the record find_get_pid() against
	 * the plain lookup that takes no reference ("vs_hlist_noref").
	 */
	for (int k = 0; k < 3; k++) {
		int mine = k == 1 ? 0 : 1, theirs = k == 0 ? 1 : 0;

		snprintf(variant, sizeof(variant),
			 "pid.%s n=%d hash=%s r=1 w=0",
			 mine ? "find_get" : "find", n, sizing);
		snprintf(base, sizeof(base), "hlist.%s n=%d hash=%s r=1 w=0",
			 theirs ? "find_get" : "find", n, sizing);
		bench_csv(
			k == 2 ? "pidhash.vs_hlist_noref" : "pidhash.vs_hlist",
			variant, bench_median(ns[mine], opt.rounds), "ns/op",
			ratio_median(ns[2 * D_HLIST + theirs], ns[mine]), base);
		if (k == 2)
			continue;
		/* How the rounds spread: pid and the hlist come out close. */
		for (int q = 1; q <= 3; q += 2) {
			char name[40];

			snprintf(name, sizeof(name), "pidhash.vs_hlist.q%d", q);
			bench_csv(name, variant,
				  ratio_quartile(ns[2 * D_HLIST + theirs],
						 ns[mine], q),
				  "ratio", NAN, base);
		}
	}
	if (misses)
		bench_die("%llu lookups of live pids failed",
			  (unsigned long long)misses);
}

/* find_get of every design, under concurrency. */
static void lookup_concurrent(void *tables[], const int *keys, int n,
			      const char *sizing, int readers, bool writer)
{
	struct variant v[NR_DESIGNS];
	double ns[NR_DESIGNS][MAX_ROUNDS], wr[NR_DESIGNS][MAX_ROUNDS];
	uint64_t misses = 0;
	char label[32], variant[96], base[96];

	for (int i = 0; i < NR_DESIGNS; i++) {
		v[i].d = &designs[i];
		v[i].h = tables[i];
		v[i].get = true;
	}
	for (int r = 0; r < opt.rounds; r++)
		for (int j = 0; j < NR_DESIGNS; j++) {
			int i = (r + j) % NR_DESIGNS;

			wr[i][r] = 0;
			ns[i][r] = run_lookups(&v[i], keys, n, readers, writer,
					       &wr[i][r], &misses);
			if (writer)
				rcu_barrier();
		}
	snprintf(label, sizeof(label), "%d reader%s%s", readers,
		 readers > 1 ? "s" : "", writer ? "+w" : "");
	printf("  %-11s %7d %-6s", label, n, sizing);
	for (int i = 0; i < NR_DESIGNS; i++)
		printf(" %6.1f %5.2fx", bench_median(ns[i], opt.rounds),
		       ratio_median(ns[i], ns[D_PID]));
	if (writer)
		printf("  writer/s pid %.0f prepatch %.0f",
		       bench_median(wr[D_PID], opt.rounds),
		       bench_median(wr[D_OLD], opt.rounds));
	printf("%s\n", misses ? "  MISSES" : "");
	if (misses)
		bench_die("%llu lookups of live pids failed",
			  (unsigned long long)misses);

	for (int i = 0; i < NR_DESIGNS; i++) {
		snprintf(variant, sizeof(variant),
			 "%s.find_get n=%d hash=%s r=%d w=%d", v[i].d->name, n,
			 sizing, readers, writer);
		snprintf(base, sizeof(base),
			 "pid.find_get n=%d hash=%s r=%d w=%d", n, sizing,
			 readers, writer);
		bench_csv("pidhash.lookup", variant,
			  bench_median(ns[i], opt.rounds), "ns/op",
			  i ? ratio_median(ns[i], ns[D_PID]) : NAN,
			  i ? base : NULL);
	}
}

/* fork+reap's hash work, single thread, in the table of @n live pids. */
static void fork_reap(void *tables[], int n, const char *sizing)
{
	struct variant v[NR_DESIGNS];
	double ns[NR_DESIGNS][MAX_ROUNDS];
	char variant[96], base[96];

	for (int i = 0; i < NR_DESIGNS; i++) {
		v[i].d = &designs[i];
		v[i].h = tables[i];
	}
	for (int r = 0; r < opt.rounds; r++)
		for (int j = 0; j < NR_DESIGNS; j++) {
			int i = (r + j) % NR_DESIGNS;

			ns[i][r] = run_churn(&v[i]);
		}
	printf("  %-11s %7d %-6s", "fork+reap", n, sizing);
	for (int i = 0; i < NR_DESIGNS; i++)
		printf(" %6.1f %5.2fx", bench_median(ns[i], opt.rounds),
		       ratio_median(ns[i], ns[D_PID]));
	printf("   (ns per fork+reap; lfht, hlist: insert+delete)\n");
	for (int i = 0; i < NR_DESIGNS; i++) {
		snprintf(variant, sizeof(variant), "%s n=%d hash=%s",
			 v[i].d->name, n, sizing);
		snprintf(base, sizeof(base), "pid n=%d hash=%s", n, sizing);
		bench_csv("pidhash.fork_reap", variant,
			  bench_median(ns[i], opt.rounds), "ns/op",
			  i ? ratio_median(ns[i], ns[D_PID]) : NAN,
			  i ? base : NULL);
	}
}

/*
 * How numbers 2..n+1 spread over 1 << @shift buckets with multiplier @mul:
 * nodes a successful lookup visits on average, the longest chain, and
 * the empty buckets.
 */
static double chain_quality(int n, int shift, uint64_t mul,
			    unsigned int *longest, unsigned int *empty)
{
	unsigned int *c = calloc((size_t)1 << shift, sizeof(*c));
	double visits = 0;

	if (!c)
		bench_die("out of memory");
	for (int nr = 2; nr < n + 2; nr++)
		c[shift ? (unsigned int)(((uint64_t)nr * mul) >> (64 - shift)) :
			  0]++;
	*longest = *empty = 0;
	for (size_t b = 0; b < (size_t)1 << shift; b++) {
		if (c[b] > *longest)
			*longest = c[b];
		*empty += !c[b];
		visits += (double)c[b] * (c[b] + 1) / 2;
	}
	free(c);
	return visits / n;
}

/*
 * The hash function itself.  The kernel of 2006 multiplied by
 * GOLDEN_RATIO_PRIME_64, a multiplier so sparse that consecutive numbers
 * reach only about 8192 buckets however many there are; Linux 4.7
 * replaced it with GOLDEN_RATIO_64 for that reason, and pid.c uses the
 * newer one.  Shown for the numbers this benchmark uses, from the table's
 * own statistics and computed for the 2006 multiplier.
 */
static void hash_chains(void *tables[], int n, int shift, const char *sizing)
{
	struct pid_h *ph = tables[D_PID];
	struct pid_ns_stats st;
	unsigned int l06, e06, l16, e16;
	double v06 = chain_quality(n, shift, GOLDEN_RATIO_PRIME_64, &l06, &e06);
	double v16 = chain_quality(n, shift, GOLDEN_RATIO_64, &l16, &e16);
	char variant[64], base[64];

	pid_ns_read_stats(ph->ns, &st);
	printf("  chains      %7d %-6s pid: longest %u, %u of %u buckets "
	       "empty, %.2f nodes per lookup; with the 2006 multiplier: "
	       "longest %u, %u empty, %.2f\n",
	       n, sizing, st.longest_chain, st.empty_buckets, st.hash_buckets,
	       v16, l06, e06, v06);
	(void)l16;
	(void)e16;
	snprintf(variant, sizeof(variant), "GOLDEN_RATIO_PRIME_64 n=%d hash=%s",
		 n, sizing);
	snprintf(base, sizeof(base), "pid n=%d hash=%s", n, sizing);
	bench_csv("pidhash.chain", base, v16, "nodes/lookup", NAN, NULL);
	bench_csv("pidhash.chain", variant, v06, "nodes/lookup", v06 / v16,
		  base);
}

static void hash_memory(void *tables[], int shift, const char *sizing)
{
	struct pid_h *ph = tables[D_PID];
	struct old_h *oh = tables[D_OLD];
	struct pid_ns_stats st;
	size_t oldb = old_pidhash_bytes(oh->ph);
	char variant[64], base[64];

	pid_ns_read_stats(ph->ns, &st);
	printf("  hash memory at %u buckets (%s): prepatch %zu B, pid %zu B "
	       "(%.2f of it); longest pid chain %u\n",
	       st.hash_buckets, sizing, oldb, st.hash_bytes,
	       (double)st.hash_bytes / (double)oldb, st.longest_chain);
	snprintf(variant, sizeof(variant), "pid shift=%d", shift);
	snprintf(base, sizeof(base), "prepatch shift=%d", shift);
	bench_csv("pidhash.memory", variant, (double)st.hash_bytes, "bytes",
		  (double)st.hash_bytes / (double)oldb, base);
	bench_csv("pidhash.memory", base, (double)oldb, "bytes", NAN, NULL);
}

/* alloc_pid+free_pid at @occ of pid_max in use. */
static void alloc_free(double occ)
{
	const int pid_max = PID_MAX_DEFAULT;
	struct lowmem *lm = lowmem_create(UINT64_C(1) << 30);
	struct pid_namespace *ns;
	struct old_pidhash *oh = old_pidhash_create(12, pid_max);
	struct pid **pids = calloc((size_t)pid_max, sizeof(*pids));
	double rate[2][MAX_ROUNDS];
	int n = 0, keep;
	char variant[64], base[64];

	if (!lm || !oh || !pids)
		bench_die("out of memory");
	ns = pid_ns_create(&(struct pid_ns_params){
		.lowmem = lm,
		.pid_max = pid_max,
		.hash_shift = pidhash_shift_for(896),
	});
	if (!ns)
		bench_die("pid_ns_create: %s", strerror(errno));
	/* Fill the map, then free a random part of it. */
	while (n < pid_max && (pids[n] = alloc_pid(ns)))
		n++;
	keep = (int)(occ * pid_max);
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(random() % (i + 1));
		struct pid *t = pids[i];

		pids[i] = pids[j];
		pids[j] = t;
	}
	for (int i = 0; i < n; i++) {
		if (i < keep) {
			/* the same numbers in use in the old bitmap */
			int nr = pid_nr(pids[i]);

			old_write_lock(oh);
			old_set_pidmap(oh, nr);
			old_write_unlock(oh);
		} else {
			free_pid(pids[i]);
			pids[i] = NULL;
		}
	}
	rcu_barrier();

	for (int r = 0; r < opt.rounds; r++) {
		for (int j = 0; j < 2; j++) {
			int which = (r + j) % 2;
			uint64_t start = bench_now_ns(), now, ops = 0;

			do {
				for (int i = 0; i < 64; i++) {
					if (which == 0) {
						struct pid *p = alloc_pid(ns);

						if (!p)
							bench_die("alloc_pid");
						free_pid(p);
					} else {
						int nr = old_alloc_pidmap(oh);

						if (nr < 0)
							bench_die(
								"alloc_pidmap");
						old_free_pidmap(oh, nr);
					}
				}
				ops += 64;
				now = bench_now_ns();
			} while (!phase_done(start, now, ops));
			/* free_pid()'s deferred half counts too (run_churn) */
			if (which == 0) {
				rcu_barrier();
				now = bench_now_ns();
			}
			rate[which][r] =
				(double)ops * 1e9 / (double)(now - start);
		}
	}
	printf("  %3.0f%% in use: alloc_pid+free_pid %6.2f M pairs/s; "
	       "the bitmap alone %6.1f M/s\n",
	       occ * 100, bench_median(rate[0], opt.rounds) / 1e6,
	       bench_median(rate[1], opt.rounds) / 1e6);
	snprintf(variant, sizeof(variant), "pid occupancy=%.0f%%", occ * 100);
	snprintf(base, sizeof(base), "bitmap alone occupancy=%.0f%%",
		 occ * 100);
	bench_csv("pidhash.alloc_free", variant,
		  bench_median(rate[0], opt.rounds), "pairs/s",
		  ratio_median(rate[0], rate[1]), base);
	bench_csv("pidhash.alloc_free", base, bench_median(rate[1], opt.rounds),
		  "pairs/s", NAN, NULL);

	for (int i = 0; i < keep && i < n; i++)
		free_pid(pids[i]);
	rcu_barrier();
	pid_ns_destroy(ns);
	lowmem_destroy(lm);
	old_pidhash_destroy(oh);
	free(pids);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-r ROUNDS] [-t SECONDS | -n OPS] [-s | -N PIDS] "
		"[-Z SIZING] [-o SECTIONS]\n"
		"  -s           sizes 1000 and 32768 only\n"
		"  -N PIDS      this many live pids only\n"
		"  -Z SIZING    hash sized \"patch\", \"load\" or \"pidmax\" only\n"
		"  -n OPS       phases of OPS operations, not of a time: for\n"
		"               valgrind --tool=callgrind (instructions per op)\n"
		"  -o SECTIONS  letters of the sections to run (default lcfmainp):\n"
		"               l lookup, c concurrent lookups, f fork+reap,\n"
		"               m memory, a alloc_pid+free_pid, i the IDR alone,\n"
		"               n pid namespace levels 0, 1, 8, 32,\n"
		"               p the pid layer under each allocator\n",
		prog);
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 1000, 32768, 1000000 };
	struct bench_phases ph;
	int c, nsizes = 3;

	opt.rounds = bench_quick() ? 5 : 7;
	opt.seconds = bench_quick() ? 0.01 : 0.05;
	opt.sections = "lcfmainp";
	while ((c = getopt(argc, argv, "r:t:n:N:Z:so:h")) != -1) {
		switch (c) {
		case 'r':
			opt.rounds = atoi(optarg);
			break;
		case 't':
			opt.seconds = atof(optarg);
			break;
		case 's':
			opt.small = true;
			break;
		case 'n':
			opt.count = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			opt.sections = optarg;
			break;
		case 'N':
			opt.only_size = atoi(optarg);
			break;
		case 'Z':
			opt.only_sizing = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 64;
		}
	}
	if (opt.rounds < 5 || opt.rounds > MAX_ROUNDS || opt.seconds <= 0) {
		fprintf(stderr, "%s: 5..%d rounds of a positive time\n",
			argv[0], MAX_ROUNDS);
		return 64;
	}
	/* 1000000 pids take a while to build, four times: not for a look. */
	if (opt.small || bench_quick())
		nsizes = 2;
	if (opt.only_size > 0)
		nsizes = 1;
	ph = (struct bench_phases){ opt.rounds, opt.seconds, opt.count };
	srandom(1);
	zone = lowmem_create(LOWMEM_MAX_BUDGET);
	if (!zone)
		bench_die("lowmem_create: %s", strerror(errno));

	printf("bench/pidhash: %d rounds of %.3f s per variant; "
	       "pid_max %d; ns per lookup, per reader thread\n",
	       opt.rounds, opt.seconds, PID_MAX_BENCH);
	if (section('l')) {
		printf("\n  %-9s %7s %-6s", "lookup", "pids", "hash");
		for (int i = 0; i < NR_LOOKUP_VARIANTS; i++)
			printf(" %6.6s", i % 2 ? "+get" : designs[i / 2].name);
	}
	printf("\n");

	for (int si = 0; si < nsizes; si++) {
		int n = opt.only_size ? opt.only_size : sizes[si];
		int *keys = make_keys(n);
		const int shifts[3] = { pidhash_shift_for(896),
					shift_for_load(n),
					shift_for_load(PID_MAX_BENCH) };
		const char *sizing[3] = { "patch", "load", "pidmax" };

		for (int z = 0; z < 3; z++) {
			void *tables[NR_DESIGNS];

			if (z > 0 && shifts[z] == shifts[z - 1])
				continue;
			if (opt.only_sizing &&
			    strcmp(opt.only_sizing, sizing[z]))
				continue;
			if (!section('l') && !section('c') && !section('f') &&
			    !section('m'))
				continue;
			for (int d = 0; d < NR_DESIGNS; d++)
				tables[d] = designs[d].build(n, shifts[z]);
			if (section('l')) {
				int rounds = opt.rounds;

				if (n == 32768 && !bench_quick() &&
				    opt.rounds < TARGET_ROUNDS)
					opt.rounds = TARGET_ROUNDS;
				lookup_latency(tables, keys, n, sizing[z]);
				opt.rounds = rounds;
			}
			if (section('c')) {
				printf("  %-11s %7s %-6s", "find_get", "", "");
				for (int d = 0; d < NR_DESIGNS; d++)
					printf(" %13s", designs[d].name);
				printf("\n");
				lookup_concurrent(tables, keys, n, sizing[z], 1,
						  true);
				lookup_concurrent(tables, keys, n, sizing[z], 2,
						  false);
				lookup_concurrent(tables, keys, n, sizing[z], 2,
						  true);
			}
			if (section('f') && n == 32768)
				fork_reap(tables, n, sizing[z]);
			if (section('m')) {
				hash_chains(tables, n, shifts[z], sizing[z]);
				if (z == 0 || n == 1000000)
					hash_memory(tables, shifts[z],
						    sizing[z]);
			}
			for (int d = 0; d < NR_DESIGNS; d++)
				designs[d].destroy(tables[d]);
			printf("\n");
		}
		if (section('i')) {
			idr_bench_size(&ph, n);
			printf("\n");
		}
		if (section('p')) {
			printf("the pid layer, -o alloc=pidmap against "
			       "-o alloc=idr (x: the IDR's time or bytes over "
			       "the pidmap's):\n");
			pidalloc_bench_size(&ph, n);
			printf("\n");
		}
		/* 32 levels of a million pids: 800 MiB; not that size */
		if (section('n') && n <= 32768) {
			pidns_bench_levels(&ph, n);
			printf("\n");
		}
		free(keys);
	}

	if (section('a')) {
		printf("alloc_pid+free_pid, pid_max %d, %d buckets:\n",
		       PID_MAX_DEFAULT, 1 << pidhash_shift_for(896));
		alloc_free(0.10);
		alloc_free(0.50);
		alloc_free(0.90);
	}
	if (section('i')) {
		printf("the IDR's alloc_cyclic+remove against the pidmap, "
		       "pid_max %d%s:\n",
		       PID_MAX_DEFAULT, nsizes > 2 ? " and 4194304" : "");
		idr_bench_alloc_free(&ph, 0.10, PID_MAX_DEFAULT);
		idr_bench_alloc_free(&ph, 0.50, PID_MAX_DEFAULT);
		idr_bench_alloc_free(&ph, 0.90, PID_MAX_DEFAULT);
		/* millions of live ids: not for a look */
		for (int i = 0; nsizes > 2 && i < 3; i++)
			idr_bench_alloc_free(&ph, (double)(1 + 4 * i) / 10,
					     PID_MAX_LIMIT);
	}
	if (section('p')) {
		printf("alloc_pid+free_pid through the pid layer, -o "
		       "alloc=pidmap against -o alloc=idr:\n");
		for (int i = 0; i < 3; i++)
			pidalloc_bench_alloc_free(&ph, (double)(1 + 4 * i) / 10,
						  PID_MAX_DEFAULT);
		for (int i = 0; nsizes > 2 && i < 3; i++)
			pidalloc_bench_alloc_free(&ph, (double)(1 + 4 * i) / 10,
						  PID_MAX_LIMIT);
	}
	return 0;
}
