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
 * Locking: cache->lock (a mutex: callers may be any thread, including the
 * RCU callback thread, and hold it for a few list operations) protects the
 * slab lists and every slab's free list, bitmap and counts.  The zone's
 * counters are atomics; the charge is a compare-and-swap loop so the budget
 * is never exceeded, even transiently.  No lock is held while calling out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

struct kmem_cache {
	struct lowmem *zone;		/* immutable */
	const char *name;		/* immutable */
	enum lowmem_kind kind;		/* immutable */
	size_t size;			/* immutable: bytes charged */
	size_t stride;			/* immutable: size rounded to OBJ_ALIGN */
	size_t first;			/* immutable: offset of object 0 */
	unsigned int per_slab;		/* immutable */
	pthread_mutex_t lock;
	struct cds_list_head partial;	/* lock: slabs with room */
	struct cds_list_head full;	/* lock */
	struct slab *spare;		/* lock: one empty slab kept */
	unsigned long nr_slabs;		/* lock */
};

struct lowmem {
	uint64_t budget;		/* immutable */
	uint64_t used;			/* ATOMIC */
	uint64_t oom_events;		/* ATOMIC */
	uint64_t slab_bytes;		/* ATOMIC */
	unsigned long fail_nth;		/* ATOMIC */
	struct lowmem_kind_stats kind[LOWMEM_NR_KINDS];	/* ATOMIC each */
};

#define BITS_PER_LONG	(8 * sizeof(unsigned long))

static void stat_add(uint64_t *v, int64_t d)
{
	__atomic_fetch_add(v, (uint64_t)d, __ATOMIC_RELAXED);
}

static uint64_t stat_read(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

struct lowmem *lowmem_create(uint64_t budget)
{
	struct lowmem *lm;

	if (budget < LOWMEM_MIN_BUDGET || budget > LOWMEM_MAX_BUDGET) {
		errno = EINVAL;
		return NULL;
	}
	lm = calloc(1, sizeof(*lm));
	if (!lm)
		return NULL;
	lm->budget = budget;
	return lm;
}

void lowmem_destroy(struct lowmem *lm)
{
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

static bool charge(struct lowmem *lm, enum lowmem_kind kind, size_t size)
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
	stat_add(&lm->kind[kind].objects, 1);
	stat_add(&lm->kind[kind].bytes, (int64_t)size);
	stat_add(&lm->kind[kind].allocs, 1);
	return true;

fail:
	stat_add(&lm->oom_events, 1);
	stat_add(&lm->kind[kind].failures, 1);
	return false;
}

static void uncharge(struct lowmem *lm, enum lowmem_kind kind, size_t size)
{
	stat_add(&lm->used, -(int64_t)size);
	stat_add(&lm->kind[kind].objects, -1);
	stat_add(&lm->kind[kind].bytes, -(int64_t)size);
}

struct kmem_cache *kmem_cache_create(struct lowmem *lm, const char *name,
				     enum lowmem_kind kind, size_t size)
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
	c->zone = lm;
	c->name = name;
	c->kind = kind;
	c->size = size;
	c->stride = stride;
	c->first = hdr;
	c->per_slab = n;
	pthread_mutex_init(&c->lock, NULL);
	CDS_INIT_LIST_HEAD(&c->partial);
	CDS_INIT_LIST_HEAD(&c->full);
	return c;
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
	/* Objects still allocated here are a caller's leak; unmap anyway. */
	cds_list_for_each_entry_safe(s, tmp, &c->partial, list)
		slab_unmap(c, s);
	cds_list_for_each_entry_safe(s, tmp, &c->full, list)
		slab_unmap(c, s);
	if (c->spare)
		slab_unmap(c, c->spare);
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

void *kmem_cache_alloc(struct kmem_cache *c)
{
	struct slab *s;
	unsigned int i;
	void *obj;

	if (!charge(c->zone, c->kind, c->size))
		return NULL;

	pthread_mutex_lock(&c->lock);
	if (cds_list_empty(&c->partial)) {
		s = c->spare;
		c->spare = NULL;
		if (!s)
			s = slab_map(c);
		if (!s) {
			pthread_mutex_unlock(&c->lock);
			uncharge(c->zone, c->kind, c->size);
			stat_add(&c->zone->oom_events, 1);
			return NULL;
		}
		cds_list_add(&s->list, &c->partial);
	}
	s = cds_list_first_entry(&c->partial, struct slab, list);
	if (s->freelist) {
		obj = s->freelist;
		unpoison(obj, c->stride);
		s->freelist = *(void **)obj;
	} else {
		obj = slab_obj(c, s, s->fresh++);
		unpoison(obj, c->stride);
	}
	i = slab_index(c, s, obj);
	s->bitmap[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
	if (++s->inuse == c->per_slab)
		cds_list_move(&s->list, &c->full);
	pthread_mutex_unlock(&c->lock);

	/* Touch it: the charge must be resident, as kernel memory is. */
	memset(obj, 0, c->size);
	return obj;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab *s = slab_of(obj);
	struct slab *unmap = NULL;
	unsigned int i;

	if (!obj)
		return;
	pthread_mutex_lock(&c->lock);
	i = slab_index(c, s, obj);
	s->bitmap[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
	*(void **)obj = s->freelist;
	s->freelist = obj;
	poison(obj, c->stride);
	if (s->inuse-- == c->per_slab)
		cds_list_move(&s->list, &c->partial);
	if (!s->inuse) {
		cds_list_del(&s->list);
		if (c->spare)
			unmap = s;
		else
			c->spare = s;
	}
	if (unmap)
		slab_unmap(c, unmap);
	pthread_mutex_unlock(&c->lock);
	uncharge(c->zone, c->kind, c->size);
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
	return c->size;
}

static void slab_for_each(struct kmem_cache *c, struct slab *s,
			  void (*fn)(void *obj, void *arg), void *arg)
{
	for (unsigned int i = 0; i < s->fresh; i++)
		if (s->bitmap[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG)))
			fn(slab_obj(c, s, i), arg);
}

void kmem_cache_for_each(struct kmem_cache *c,
			 void (*fn)(void *obj, void *arg), void *arg)
{
	struct slab *s;

	pthread_mutex_lock(&c->lock);
	cds_list_for_each_entry(s, &c->partial, list)
		slab_for_each(c, s, fn, arg);
	cds_list_for_each_entry(s, &c->full, list)
		slab_for_each(c, s, fn, arg);
	pthread_mutex_unlock(&c->lock);
}

void *lowmem_get_page(struct lowmem *lm, enum lowmem_kind kind)
{
	void *page;

	if (!charge(lm, kind, LOWMEM_PAGE))
		return NULL;
	page = aligned_alloc(LOWMEM_PAGE, LOWMEM_PAGE);
	if (!page) {
		uncharge(lm, kind, LOWMEM_PAGE);
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
	uncharge(lm, kind, LOWMEM_PAGE);
}

void lowmem_pin(struct lowmem *lm, enum lowmem_kind kind)
{
	stat_add(&lm->kind[kind].pinned, 1);
}

void lowmem_unpin(struct lowmem *lm, enum lowmem_kind kind)
{
	stat_add(&lm->kind[kind].pinned, -1);
}

unsigned long lowmem_fail_nth(struct lowmem *lm, unsigned long nth)
{
	return __atomic_exchange_n(&lm->fail_nth, nth, __ATOMIC_RELAXED);
}

void lowmem_read_stats(struct lowmem *lm, struct lowmem_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->budget = lm->budget;
	st->used = stat_read(&lm->used);
	st->oom_events = stat_read(&lm->oom_events);
	st->slab_bytes = stat_read(&lm->slab_bytes);
	for (int k = 0; k < LOWMEM_NR_KINDS; k++) {
		const struct lowmem_kind_stats *ks = &lm->kind[k];

		st->kind[k].objects = stat_read(&ks->objects);
		st->kind[k].bytes = stat_read(&ks->bytes);
		st->kind[k].pinned = stat_read(&ks->pinned);
		st->kind[k].allocs = stat_read(&ks->allocs);
		st->kind[k].failures = stat_read(&ks->failures);
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
