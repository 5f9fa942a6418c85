// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulated low-memory zone and its slab caches.
 *
 * Models: the zone of low memory a 32-bit kernel allocates its objects
 * from, and mm/slab.c's kmem_cache_create()/kmem_cache_alloc()/
 * kmem_cache_free() on top of it, reduced to what pidfs measures.
 *
 * Slabs are SLAB_SIZE bytes of anonymous memory, aligned to SLAB_SIZE, so
 * the slab (and through it the cache) of any object is its address rounded
 * down: put_pid() frees a struct pid without a back pointer, as the kernel
 * found an object's cache through its page.  A slab starts with a header
 * and an allocation bitmap; objects follow, packed.  Objects are handed out
 * first from the free list of recycled objects, then from never-used space
 * (so a fresh slab's pages are touched only as objects are allocated, and
 * the resident set follows the charge).  A slab that becomes empty is
 * unmapped, except one kept per cache to absorb fork/exit churn.
 *
 * Per-CPU arrays.  As mm/slab.c's array_cache, each cache keeps, for each
 * CPU, a short stack of free objects (the limit and batch sizes are
 * enable_cpucache()'s of 2.6.17: 120 objects of up to 256 bytes, 8 of
 * task_struct's size, moved to and from the slabs 60 or 4 at a time).
 * kmem_cache_alloc() and kmem_cache_free() work on the array of the CPU
 * they run on and take the cache's lock only once per batch.  Without them
 * every struct pid freed by the RCU callback thread contended for the
 * lock with the thread allocating the next one (doc/performance.md).  The
 * zone's charge is still taken and dropped per object, so the counters
 * and the budget do not see the arrays; the slab statistics do
 * (kmem_cache_shrink() drains them).
 *
 * Locking: cache->lock (a mutex: callers may be any thread, including the
 * RCU callback thread, and hold it for a few list operations) protects the
 * slab lists and every slab's free list, bitmap and counts.  Each array
 * has a lock of its own, taken before cache->lock; a thread that moves to
 * another CPU while holding one only makes the next user of that array
 * wait.  The zone's counters are atomics; the charge is a compare-and-swap
 * loop so the budget is never exceeded, even transiently.  No lock is held
 * while calling out.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pidfs/lowmem.h"
#include "pidfs/rcu.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define poison(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define unpoison(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define poison(p, n)	do { (void)(p); (void)(n); } while (0)
#define unpoison(p, n)	do { (void)(p); (void)(n); } while (0)
#endif

#define SLAB_SIZE	(2UL << 20)
#define SLAB_MIN_OBJS	4
#define OBJ_ALIGN	8
#define LOWMEM_PAGE	4096

struct slab {
	struct kmem_cache *cache;	/* immutable */
	struct cds_list_head list;	/* cache->lock: partial or full list */
	void *freelist;			/* cache->lock: recycled objects */
	unsigned int inuse;		/* cache->lock */
	unsigned int fresh;		/* cache->lock: first never-used index */
	unsigned long bitmap[];		/* cache->lock: allocated objects */
};

/*
 * A CPU's free objects, most recently freed last (mm/slab.c), and what
 * was allocated and freed through it: the cache's object counts, kept
 * under the lock the allocator takes anyway, so that counting costs no
 * atomic operation (lowmem_read_stats() sums them).
 */
struct array_cache {
	pthread_mutex_t lock;
	unsigned int avail;		/* lock */
	uint64_t allocs, frees;		/* lock; read racily: ATOMIC */
	void *entry[];			/* lock: cache->limit of them */
};

struct kmem_cache {
	struct lowmem *zone;		/* immutable */
	const char *name;		/* immutable */
	enum lowmem_kind kind;		/* immutable */
	size_t size;			/* immutable: bytes of each object */
	size_t charge;			/* immutable: bytes charged for one */
	size_t stride;			/* immutable: size rounded to OBJ_ALIGN */
	size_t first;			/* immutable: offset of object 0 */
	unsigned int per_slab;		/* immutable */
	unsigned int limit, batch;	/* immutable: array sizes */
	unsigned int nr_arrays;		/* immutable: CPUs, up to AC_MAX_CPUS */
	size_t ac_stride;		/* immutable: bytes per array */
	char *arrays;			/* immutable: nr_arrays of them */
	struct cds_list_head zone_list;	/* zone->caches_lock */
	pthread_mutex_t lock;
	struct cds_list_head partial;	/* lock: slabs with room */
	struct cds_list_head full;	/* lock */
	struct slab *spare;		/* lock: one empty slab kept */
	unsigned long nr_slabs;		/* lock */
};

#define BITS_PER_LONG	(8 * sizeof(unsigned long))
#define AC_MAX_CPUS	64
#define CACHELINE	64

/*
 * The per-kind counters, one set per CPU, summed when read: the thread
 * that allocates and the RCU callback thread that frees would otherwise
 * pass their cache line back and forth on every object.
 */
struct lowmem_cpu {
	struct lowmem_kind_stats kind[LOWMEM_NR_KINDS];	/* ATOMIC each */
} __attribute__((aligned(CACHELINE)));

struct lowmem {
	uint64_t budget;		/* immutable */
	unsigned int nr_cpus;		/* immutable: up to AC_MAX_CPUS */
	struct lowmem_cpu *cpu;		/* immutable: nr_cpus of them */
	/* The caches, whose arrays count their objects; and the counts of
	 * destroyed ones. */
	pthread_mutex_t caches_lock;
	struct cds_list_head caches;	/* caches_lock */
	struct lowmem_kind_stats retired[LOWMEM_NR_KINDS]; /* caches_lock */
	uint64_t used __attribute__((aligned(CACHELINE)));	/* ATOMIC */
	uint64_t oom_events;		/* ATOMIC */
	uint64_t slab_bytes;		/* ATOMIC */
	unsigned long fail_nth;		/* ATOMIC */
};

/* The online CPUs, as far as per-CPU data goes. */
static unsigned int nr_cpus(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	return cpus < 1 ? 1 :
	       cpus > AC_MAX_CPUS ? AC_MAX_CPUS : (unsigned int)cpus;
}

/* sched_getcpu() is a read of glibc's rseq area; any index will do. */
static unsigned int this_cpu(unsigned int nr)
{
	int cpu = sched_getcpu();

	return cpu > 0 ? (unsigned int)cpu % nr : 0;
}

static struct lowmem_kind_stats *kind_stats(struct lowmem *lm,
					    enum lowmem_kind kind)
{
	return &lm->cpu[this_cpu(lm->nr_cpus)].kind[kind];
}

static void stat_add(uint64_t *v, int64_t d)
{
	__atomic_fetch_add(v, (uint64_t)d, __ATOMIC_RELAXED);
}

static uint64_t stat_read(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

/* A sum of per-CPU deltas of a count that cannot be negative. */
static uint64_t gauge(uint64_t sum)
{
	return (int64_t)sum < 0 ? 0 : sum;
}

struct lowmem *lowmem_create(uint64_t budget)
{
	struct lowmem *lm;

	if (budget < LOWMEM_MIN_BUDGET || budget > LOWMEM_MAX_BUDGET) {
		errno = EINVAL;
		return NULL;
	}
	lm = aligned_alloc(CACHELINE, sizeof(*lm));
	if (!lm)
		return NULL;
	memset(lm, 0, sizeof(*lm));
	lm->budget = budget;
	lm->nr_cpus = nr_cpus();
	lm->cpu = aligned_alloc(CACHELINE, lm->nr_cpus * sizeof(*lm->cpu));
	if (!lm->cpu) {
		free(lm);
		return NULL;
	}
	memset(lm->cpu, 0, lm->nr_cpus * sizeof(*lm->cpu));
	pthread_mutex_init(&lm->caches_lock, NULL);
	CDS_INIT_LIST_HEAD(&lm->caches);
	return lm;
}

void lowmem_destroy(struct lowmem *lm)
{
	if (!lm)
		return;
	pthread_mutex_destroy(&lm->caches_lock);
	free(lm->cpu);
	free(lm);
}

/*
 * Fault injection first, then the budget: an injected failure must fire
 * on the allocation it names even when the zone has room.
 */
static bool injected_failure(struct lowmem *lm)
{
	unsigned long n = __atomic_load_n(&lm->fail_nth, __ATOMIC_RELAXED);

	while (n) {
		if (__atomic_compare_exchange_n(&lm->fail_nth, &n, n - 1, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return n == 1;
	}
	return false;
}

/* Charge @size bytes to the zone; on failure, count it against @kind. */
static bool charge(struct lowmem *lm, enum lowmem_kind kind, uint64_t size)
{
	uint64_t used = __atomic_load_n(&lm->used, __ATOMIC_RELAXED);

	if (injected_failure(lm))
		goto fail;
	do {
		if (used + size > lm->budget)
			goto fail;
	} while (!__atomic_compare_exchange_n(&lm->used, &used, used + size,
					      false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;

fail:
	stat_add(&lm->oom_events, 1);
	stat_add(&kind_stats(lm, kind)->failures, 1);
	return false;
}

static void uncharge(struct lowmem *lm, uint64_t size)
{
	stat_add(&lm->used, -(int64_t)size);
}

/* For pages and raw charges: the per-kind counts of the zone itself. */
bool lowmem_charge(struct lowmem *lm, enum lowmem_kind kind, uint64_t bytes)
{
	struct lowmem_kind_stats *ks;

	if (!charge(lm, kind, bytes))
		return false;
	ks = kind_stats(lm, kind);
	stat_add(&ks->objects, 1);
	stat_add(&ks->bytes, (int64_t)bytes);
	stat_add(&ks->allocs, 1);
	return true;
}

void lowmem_uncharge(struct lowmem *lm, enum lowmem_kind kind, uint64_t bytes)
{
	struct lowmem_kind_stats *ks = kind_stats(lm, kind);

	uncharge(lm, bytes);
	stat_add(&ks->objects, -1);
	stat_add(&ks->bytes, -(int64_t)bytes);
}

static inline struct array_cache *cpu_array(const struct kmem_cache *c,
					    unsigned int i)
{
	return (struct array_cache *)(c->arrays + (size_t)i * c->ac_stride);
}

static struct array_cache *this_cpu_array(const struct kmem_cache *c)
{
	return cpu_array(c, this_cpu(c->nr_arrays));
}

/* enable_cpucache() of 2.6.17, by object size. */
static bool arrays_init(struct kmem_cache *c, size_t stride)
{
	if (stride > 131072)
		c->limit = 1;
	else if (stride > LOWMEM_PAGE)
		c->limit = 8;
	else if (stride > 1024)
		c->limit = 24;
	else if (stride > 256)
		c->limit = 54;
	else
		c->limit = 120;
	c->batch = (c->limit + 1) / 2;
	c->nr_arrays = nr_cpus();
	c->ac_stride = (sizeof(struct array_cache) +
			c->limit * sizeof(void *) + CACHELINE - 1) &
		       ~(size_t)(CACHELINE - 1);
	c->arrays = aligned_alloc(CACHELINE, c->nr_arrays * c->ac_stride);
	if (!c->arrays)
		return false;
	memset(c->arrays, 0, c->nr_arrays * c->ac_stride);
	for (unsigned int i = 0; i < c->nr_arrays; i++)
		pthread_mutex_init(&cpu_array(c, i)->lock, NULL);
	return true;
}

static void arrays_destroy(struct kmem_cache *c)
{
	for (unsigned int i = 0; i < c->nr_arrays; i++)
		pthread_mutex_destroy(&cpu_array(c, i)->lock);
	free(c->arrays);
}

struct kmem_cache *kmem_cache_create(struct lowmem *lm, const char *name,
				     enum lowmem_kind kind, size_t size)
{
	return kmem_cache_create_charged(lm, name, kind, size, size);
}

struct kmem_cache *kmem_cache_create_charged(struct lowmem *lm,
					     const char *name,
					     enum lowmem_kind kind, size_t size,
					     size_t charge)
{
	struct kmem_cache *c;
	size_t stride, hdr;
	unsigned int n;

	if (!size || kind >= LOWMEM_NR_KINDS)
		return NULL;
	stride = (size + OBJ_ALIGN - 1) & ~(size_t)(OBJ_ALIGN - 1);
	/* The largest count whose header and bitmap still fit beside it. */
	n = (unsigned int)(SLAB_SIZE / stride);
	for (;;) {
		hdr = sizeof(struct slab) +
		      (n + BITS_PER_LONG - 1) / BITS_PER_LONG *
			      sizeof(unsigned long);
		hdr = (hdr + 63) & ~(size_t)63;
		if (hdr + (size_t)n * stride <= SLAB_SIZE)
			break;
		n--;
	}
	if (n < SLAB_MIN_OBJS)
		return NULL;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (!arrays_init(c, stride)) {
		free(c);
		return NULL;
	}
	c->zone = lm;
	c->name = name;
	c->kind = kind;
	c->size = size;
	c->charge = charge ? charge : size;
	c->stride = stride;
	c->first = hdr;
	c->per_slab = n;
	pthread_mutex_init(&c->lock, NULL);
	CDS_INIT_LIST_HEAD(&c->partial);
	CDS_INIT_LIST_HEAD(&c->full);
	pthread_mutex_lock(&lm->caches_lock);
	cds_list_add_tail(&c->zone_list, &lm->caches);
	pthread_mutex_unlock(&lm->caches_lock);
	return c;
}

/* Add what @c's arrays counted to @ks. */
static void cache_stats(struct kmem_cache *c, struct lowmem_kind_stats *ks)
{
	for (unsigned int i = 0; i < c->nr_arrays; i++) {
		struct array_cache *ac = cpu_array(c, i);
		uint64_t allocs = stat_read(&ac->allocs);
		uint64_t frees = stat_read(&ac->frees);

		ks->allocs += allocs;
		ks->objects += allocs - frees;
		ks->bytes += (allocs - frees) * c->charge;
	}
}

static void slab_unmap(struct kmem_cache *c, struct slab *s)
{
	unpoison(s, SLAB_SIZE);
	munmap(s, SLAB_SIZE);
	c->nr_slabs--;
	stat_add(&c->zone->slab_bytes, -(int64_t)SLAB_SIZE);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	struct slab *s, *tmp;

	if (!c)
		return;
	/* Its counts outlive it, leaks included (their charge stays too). */
	pthread_mutex_lock(&c->zone->caches_lock);
	cds_list_del(&c->zone_list);
	cache_stats(c, &c->zone->retired[c->kind]);
	pthread_mutex_unlock(&c->zone->caches_lock);
	/* Objects still allocated here are a caller's leak; unmap anyway. */
	cds_list_for_each_entry_safe(s, tmp, &c->partial, list)
		slab_unmap(c, s);
	cds_list_for_each_entry_safe(s, tmp, &c->full, list)
		slab_unmap(c, s);
	if (c->spare)
		slab_unmap(c, c->spare);
	arrays_destroy(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* A new slab, aligned to SLAB_SIZE.  Call with c->lock held. */
static struct slab *slab_map(struct kmem_cache *c)
{
	char *raw, *aligned;
	uintptr_t addr;
	struct slab *s;

	raw = mmap(NULL, 2 * SLAB_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	addr = ((uintptr_t)raw + SLAB_SIZE - 1) & ~(uintptr_t)(SLAB_SIZE - 1);
	aligned = (char *)addr;
	if (aligned > raw)
		munmap(raw, (size_t)(aligned - raw));
	munmap(aligned + SLAB_SIZE, (size_t)(raw + SLAB_SIZE - aligned));
	/*
	 * Pages must become resident one at a time as objects are touched,
	 * or the resident set would jump by 2 MiB and stop following the
	 * charge.
	 */
	madvise(aligned, SLAB_SIZE, MADV_NOHUGEPAGE);

	s = (struct slab *)aligned;
	s->cache = c;
	s->freelist = NULL;
	s->inuse = 0;
	s->fresh = 0;
	poison(aligned + c->first, SLAB_SIZE - c->first);
	c->nr_slabs++;
	stat_add(&c->zone->slab_bytes, SLAB_SIZE);
	return s;
}

static inline void *slab_obj(const struct kmem_cache *c, struct slab *s,
			     unsigned int i)
{
	return (char *)s + c->first + (size_t)i * c->stride;
}

static inline unsigned int slab_index(const struct kmem_cache *c,
				      const struct slab *s, const void *obj)
{
	return (unsigned int)(((const char *)obj - (const char *)s - c->first) /
			      c->stride);
}

static inline struct slab *slab_of(const void *obj)
{
	return (struct slab *)((uintptr_t)obj & ~(uintptr_t)(SLAB_SIZE - 1));
}

/*
 * Move up to c->batch objects from the slabs to @ac, mapping a slab only
 * if none has room (cache_alloc_refill()).  Objects stay poisoned: they
 * are free until handed out.  Call with ac->lock held; false if nothing
 * could be had.
 */
static bool cache_refill(struct kmem_cache *c, struct array_cache *ac)
{
	struct slab *s;
	unsigned int i;
	void *obj;

	pthread_mutex_lock(&c->lock);
	while (ac->avail < c->batch) {
		if (cds_list_empty(&c->partial)) {
			if (ac->avail)
				break;
			s = c->spare;
			c->spare = NULL;
			if (!s)
				s = slab_map(c);
			if (!s)
				break;
			cds_list_add(&s->list, &c->partial);
		}
		s = cds_list_first_entry(&c->partial, struct slab, list);
		if (s->freelist) {
			obj = s->freelist;
			unpoison(obj, sizeof(void *));
			s->freelist = *(void **)obj;
			poison(obj, sizeof(void *));
		} else {
			obj = slab_obj(c, s, s->fresh++);
		}
		i = slab_index(c, s, obj);
		s->bitmap[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
		if (++s->inuse == c->per_slab)
			cds_list_move(&s->list, &c->full);
		ac->entry[ac->avail++] = obj;
	}
	pthread_mutex_unlock(&c->lock);
	return ac->avail > 0;
}

/* Give @n objects back to their slabs (free_block()).  c->lock held. */
static void free_block(struct kmem_cache *c, void **objs, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		void *obj = objs[k];
		struct slab *s = slab_of(obj);
		unsigned int i = slab_index(c, s, obj);

		s->bitmap[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
		unpoison(obj, sizeof(void *));
		*(void **)obj = s->freelist;
		poison(obj, sizeof(void *));
		s->freelist = obj;
		if (s->inuse-- == c->per_slab)
			cds_list_move(&s->list, &c->partial);
		if (!s->inuse) {
			cds_list_del(&s->list);
			if (c->spare)
				slab_unmap(c, s);
			else
				c->spare = s;
		}
	}
}

/* Give the oldest c->batch objects of a full @ac back.  ac->lock held. */
static void cache_flusharray(struct kmem_cache *c, struct array_cache *ac)
{
	pthread_mutex_lock(&c->lock);
	free_block(c, ac->entry, c->batch);
	pthread_mutex_unlock(&c->lock);
	ac->avail -= c->batch;
	memmove(ac->entry, ac->entry + c->batch, ac->avail * sizeof(void *));
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	struct array_cache *ac;
	void *obj = NULL;

	if (!charge(c->zone, c->kind, c->charge))
		return NULL;

	ac = this_cpu_array(c);
	pthread_mutex_lock(&ac->lock);
	if (ac->avail || cache_refill(c, ac)) {
		obj = ac->entry[--ac->avail];
		__atomic_store_n(&ac->allocs, ac->allocs + 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&ac->lock);
	if (!obj) {
		uncharge(c->zone, c->charge);
		stat_add(&c->zone->oom_events, 1);
		stat_add(&kind_stats(c->zone, c->kind)->failures, 1);
		return NULL;
	}

	/* Touch it: the charge must be resident, as kernel memory is. */
	unpoison(obj, c->stride);
	memset(obj, 0, c->size);
	return obj;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct array_cache *ac;

	if (!obj)
		return;
	poison(obj, c->stride);
	ac = this_cpu_array(c);
	pthread_mutex_lock(&ac->lock);
	if (ac->avail == c->limit)
		cache_flusharray(c, ac);
	ac->entry[ac->avail++] = obj;
	__atomic_store_n(&ac->frees, ac->frees + 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&ac->lock);
	uncharge(c->zone, c->charge);
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	for (unsigned int i = 0; i < c->nr_arrays; i++) {
		struct array_cache *ac = cpu_array(c, i);

		pthread_mutex_lock(&ac->lock);
		pthread_mutex_lock(&c->lock);
		free_block(c, ac->entry, ac->avail);
		pthread_mutex_unlock(&c->lock);
		ac->avail = 0;
		pthread_mutex_unlock(&ac->lock);
	}
}

struct kmem_cache *kmem_cache_of(const void *obj)
{
	return slab_of(obj)->cache;
}

struct lowmem *kmem_cache_zone(const struct kmem_cache *c)
{
	return c->zone;
}

size_t kmem_cache_size(const struct kmem_cache *c)
{
	return c->charge;
}

static void slab_for_each(struct kmem_cache *c, struct slab *s,
			  void (*fn)(void *obj, void *arg), void *arg)
{
	for (unsigned int i = 0; i < s->fresh; i++)
		if (s->bitmap[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG)))
			fn(slab_obj(c, s, i), arg);
}

/* Mark the objects of every array free (@set false) or taken again. */
static void arrays_mark(struct kmem_cache *c, bool set)
{
	for (unsigned int k = 0; k < c->nr_arrays; k++) {
		struct array_cache *ac = cpu_array(c, k);

		for (unsigned int j = 0; j < ac->avail; j++) {
			struct slab *s = slab_of(ac->entry[j]);
			unsigned int i = slab_index(c, s, ac->entry[j]);
			unsigned long bit = 1UL << (i % BITS_PER_LONG);

			if (set)
				s->bitmap[i / BITS_PER_LONG] |= bit;
			else
				s->bitmap[i / BITS_PER_LONG] &= ~bit;
		}
	}
}

void kmem_cache_for_each(struct kmem_cache *c,
			 void (*fn)(void *obj, void *arg), void *arg)
{
	struct slab *s;

	/* Every array, then the cache: the order the allocator takes them. */
	for (unsigned int k = 0; k < c->nr_arrays; k++)
		pthread_mutex_lock(&cpu_array(c, k)->lock);
	pthread_mutex_lock(&c->lock);
	/* Objects waiting in the arrays are free: hide them from the walk. */
	arrays_mark(c, false);
	cds_list_for_each_entry(s, &c->partial, list)
		slab_for_each(c, s, fn, arg);
	cds_list_for_each_entry(s, &c->full, list)
		slab_for_each(c, s, fn, arg);
	arrays_mark(c, true);
	pthread_mutex_unlock(&c->lock);
	for (unsigned int k = c->nr_arrays; k-- > 0;)
		pthread_mutex_unlock(&cpu_array(c, k)->lock);
}

void *lowmem_get_page(struct lowmem *lm, enum lowmem_kind kind)
{
	void *page;

	if (!lowmem_charge(lm, kind, LOWMEM_PAGE))
		return NULL;
	page = aligned_alloc(LOWMEM_PAGE, LOWMEM_PAGE);
	if (!page) {
		lowmem_uncharge(lm, kind, LOWMEM_PAGE);
		stat_add(&lm->oom_events, 1);
		return NULL;
	}
	memset(page, 0, LOWMEM_PAGE);
	return page;
}

void lowmem_free_page(struct lowmem *lm, enum lowmem_kind kind, void *page)
{
	if (!page)
		return;
	free(page);
	lowmem_uncharge(lm, kind, LOWMEM_PAGE);
}

void lowmem_pin(struct lowmem *lm, enum lowmem_kind kind)
{
	stat_add(&kind_stats(lm, kind)->pinned, 1);
}

void lowmem_unpin(struct lowmem *lm, enum lowmem_kind kind)
{
	stat_add(&kind_stats(lm, kind)->pinned, -1);
}

unsigned long lowmem_fail_nth(struct lowmem *lm, unsigned long nth)
{
	return __atomic_exchange_n(&lm->fail_nth, nth, __ATOMIC_RELAXED);
}

void lowmem_read_stats(struct lowmem *lm, struct lowmem_stats *st)
{
	struct lowmem_kind_stats retired[LOWMEM_NR_KINDS];
	struct kmem_cache *c;

	memset(st, 0, sizeof(*st));
	st->budget = lm->budget;
	st->used = stat_read(&lm->used);
	st->oom_events = stat_read(&lm->oom_events);
	st->slab_bytes = stat_read(&lm->slab_bytes);
	pthread_mutex_lock(&lm->caches_lock);
	cds_list_for_each_entry(c, &lm->caches, zone_list)
		cache_stats(c, &st->kind[c->kind]);
	memcpy(retired, lm->retired, sizeof(retired));
	pthread_mutex_unlock(&lm->caches_lock);
	for (int k = 0; k < LOWMEM_NR_KINDS; k++) {
		struct lowmem_kind_stats *sum = &st->kind[k];

		sum->objects += retired[k].objects;
		sum->bytes += retired[k].bytes;
		sum->allocs += retired[k].allocs;
		for (unsigned int cpu = 0; cpu < lm->nr_cpus; cpu++) {
			const struct lowmem_kind_stats *ks =
				&lm->cpu[cpu].kind[k];

			sum->objects += stat_read(&ks->objects);
			sum->bytes += stat_read(&ks->bytes);
			sum->pinned += stat_read(&ks->pinned);
			sum->allocs += stat_read(&ks->allocs);
			sum->failures += stat_read(&ks->failures);
		}
		/*
		 * Read while others count, a sum may catch an object's free
		 * on one CPU and not its allocation on another: never let
		 * that show as a wrapped gauge.
		 */
		sum->objects = gauge(sum->objects);
		sum->bytes = gauge(sum->bytes);
		sum->pinned = gauge(sum->pinned);
	}
}

uint64_t lowmem_budget(const struct lowmem *lm)
{
	return lm->budget;
}

uint64_t lowmem_free_bytes(const struct lowmem *lm)
{
	return lm->budget - stat_read(&lm->used);
}
