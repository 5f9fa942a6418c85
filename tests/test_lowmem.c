// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the simulated low-memory zone (src/lowmem.c).
 *
 * Covers: the budget (an allocation past it fails, counts an OOM event and
 * a failure of its kind, and charges nothing), the per-kind counters
 * (objects, bytes, allocs, failures, pinned), the slab caches (objects
 * zeroed, the cache of an object found from its address across slabs,
 * kmem_cache_for_each() visiting exactly the live objects, slabs mapped
 * and unmapped with one spare kept), the per-CPU arrays (last freed, first
 * reused; batches back to the slabs; kmem_cache_shrink()), bitmap pages,
 * fault injection, and a round trip of many objects.  A last test
 * allocates from several threads at once, for the sanitizers.
 *
 * The zone uses no RCU, but each test still builds its zone in a checked
 * fixture and tears it down, so the suite runs the same with CK_FORK=no.
 * Slabs are mmap()ed, which valgrind does not track: leaks show in the
 * zone's counters, which the tests check instead.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"

#include "suites.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define BIG_BUDGET	(UINT64_C(256) << 20)
#define PAGE_BYTES	4096
/* Few objects per 2 MiB slab, to make several slabs cheaply. */
#define BIG_OBJ		200000
#define MANY		100000

static struct lowmem *lm;
static struct kmem_cache *cache_a, *cache_b;

static void teardown(void)
{
	kmem_cache_destroy(cache_a);
	kmem_cache_destroy(cache_b);
	cache_a = cache_b = NULL;
	if (lm)
		lowmem_destroy(lm);
	lm = NULL;
}

static void zone(uint64_t budget)
{
	lm = lowmem_create(budget);
	ck_assert_ptr_nonnull(lm);
}

static struct lowmem_stats stats(void)
{
	struct lowmem_stats st;

	lowmem_read_stats(lm, &st);
	return st;
}

/* A small deterministic generator, one state per user. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void shuffle(void **v, size_t n, uint64_t seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rnd(&seed) % i);
		void *tmp = v[i - 1];

		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a;
	uintptr_t y = (uintptr_t) * (void *const *)b;

	return (x > y) - (x < y);
}

/* ---- creation ------------------------------------------------------------ */

START_TEST(test_create_bounds)
{
	struct lowmem_stats st;

	errno = 0;
	ck_assert_ptr_null(lowmem_create(LOWMEM_MIN_BUDGET - 1));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(lowmem_create(LOWMEM_MAX_BUDGET + 1));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(lowmem_create(0));

	zone(LOWMEM_MIN_BUDGET);
	ck_assert_uint_eq(lowmem_budget(lm), LOWMEM_MIN_BUDGET);
	ck_assert_uint_eq(lowmem_free_bytes(lm), LOWMEM_MIN_BUDGET);
	st = stats();
	ck_assert_uint_eq(st.budget, LOWMEM_MIN_BUDGET);
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.oom_events, 0);
	ck_assert_uint_eq(st.slab_bytes, 0);
	for (int k = 0; k < LOWMEM_NR_KINDS; k++) {
		ck_assert_uint_eq(st.kind[k].objects, 0);
		ck_assert_uint_eq(st.kind[k].bytes, 0);
		ck_assert_uint_eq(st.kind[k].pinned, 0);
		ck_assert_uint_eq(st.kind[k].allocs, 0);
		ck_assert_uint_eq(st.kind[k].failures, 0);
	}
	lowmem_destroy(lm);

	zone(LOWMEM_MAX_BUDGET);
	ck_assert_uint_eq(lowmem_budget(lm), LOWMEM_MAX_BUDGET);
}
END_TEST

START_TEST(test_cache_create)
{
	zone(BIG_BUDGET);
	/* No empty objects, no unknown kind, at least 8 objects a slab. */
	ck_assert_ptr_null(kmem_cache_create(lm, "x", LOWMEM_PID, 0));
	ck_assert_ptr_null(kmem_cache_create(lm, "x", LOWMEM_NR_KINDS, 64));
	/* Nor objects that no slab can hold. */
	ck_assert_ptr_null(kmem_cache_create(lm, "x", LOWMEM_TASK, 1UL << 30));
	/* The task layer's largest task_struct is fine. */
	cache_b = kmem_cache_create(lm, "x", LOWMEM_TASK, 256 << 10);
	ck_assert_ptr_nonnull(cache_b);
	kmem_cache_destroy(cache_b);

	cache_a = kmem_cache_create(lm, "a", LOWMEM_TASK, BIG_OBJ);
	ck_assert_ptr_nonnull(cache_a);
	ck_assert_uint_eq(kmem_cache_size(cache_a), BIG_OBJ);
	ck_assert_ptr_eq(kmem_cache_zone(cache_a), lm);
	cache_b = kmem_cache_create(lm, "b", LOWMEM_PID, 1);
	ck_assert_ptr_nonnull(cache_b);
	ck_assert_uint_eq(kmem_cache_size(cache_b), 1);
	/* Creating caches charges nothing and maps nothing. */
	ck_assert_uint_eq(stats().used, 0);
	ck_assert_uint_eq(stats().slab_bytes, 0);
	/* Destroying NULL is harmless. */
	kmem_cache_destroy(NULL);
}
END_TEST

/* ---- the budget ---------------------------------------------------------- */

START_TEST(test_budget)
{
	void *obj[LOWMEM_MIN_BUDGET / 1000 + 1], *extra;
	struct lowmem_stats st;
	size_t n = 0;

	zone(LOWMEM_MIN_BUDGET);
	cache_a = kmem_cache_create(lm, "k", LOWMEM_TASK, 1000);
	ck_assert_ptr_nonnull(cache_a);
	/* 65 objects of 1000 bytes fit in 64 KiB; the 66th does not. */
	while (n < ARRAY_SIZE(obj) && (obj[n] = kmem_cache_alloc(cache_a)))
		n++;
	ck_assert_uint_eq(n, LOWMEM_MIN_BUDGET / 1000);
	st = stats();
	ck_assert_uint_eq(st.used, n * 1000);
	ck_assert_uint_eq(st.oom_events, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].objects, n);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].bytes, n * 1000);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].allocs, n);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].failures, 1);
	ck_assert_uint_eq(lowmem_free_bytes(lm), LOWMEM_MIN_BUDGET - n * 1000);

	/* Failing again changes nothing but the failure counters. */
	ck_assert_ptr_null(kmem_cache_alloc(cache_a));
	ck_assert_ptr_null(lowmem_get_page(lm, LOWMEM_PIDMAP));
	st = stats();
	ck_assert_uint_eq(st.used, n * 1000);
	ck_assert_uint_eq(st.oom_events, 3);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].failures, 2);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].failures, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].objects, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].bytes, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].allocs, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].objects, n);

	/* Room for exactly one more once one is freed. */
	kmem_cache_free(cache_a, obj[--n]);
	extra = kmem_cache_alloc(cache_a);
	ck_assert_ptr_nonnull(extra);
	ck_assert_ptr_null(kmem_cache_alloc(cache_a));
	kmem_cache_free(cache_a, extra);

	while (n)
		kmem_cache_free(cache_a, obj[--n]);
	st = stats();
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].objects, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].bytes, 0);
	ck_assert_uint_eq(lowmem_free_bytes(lm), LOWMEM_MIN_BUDGET);
}
END_TEST

/* An allocation that would end exactly at the budget succeeds. */
START_TEST(test_budget_exact)
{
	void *a, *b;

	zone(LOWMEM_MIN_BUDGET);
	cache_a = kmem_cache_create(lm, "half", LOWMEM_TASK,
				    LOWMEM_MIN_BUDGET / 2);
	ck_assert_ptr_nonnull(cache_a);
	a = kmem_cache_alloc(cache_a);
	b = kmem_cache_alloc(cache_a);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(lowmem_free_bytes(lm), 0);
	ck_assert_ptr_null(kmem_cache_alloc(cache_a));
	ck_assert_uint_eq(stats().used, LOWMEM_MIN_BUDGET);
	kmem_cache_free(cache_a, a);
	kmem_cache_free(cache_a, b);
	ck_assert_uint_eq(stats().used, 0);
}
END_TEST

/* ---- counters ------------------------------------------------------------ */

START_TEST(test_charge_per_kind)
{
	void *p[10], *t[4], *pg[3];
	struct lowmem_stats st;

	zone(BIG_BUDGET);
	/* 13 bytes are charged as 13, whatever the slab rounds them to. */
	cache_a = kmem_cache_create(lm, "pid", LOWMEM_PID, 13);
	cache_b = kmem_cache_create(lm, "task", LOWMEM_TASK, 10240);
	ck_assert_ptr_nonnull(cache_a);
	ck_assert_ptr_nonnull(cache_b);

	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		ck_assert_ptr_nonnull(p[i] = kmem_cache_alloc(cache_a));
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		ck_assert_ptr_nonnull(t[i] = kmem_cache_alloc(cache_b));
	for (size_t i = 0; i < ARRAY_SIZE(pg); i++)
		ck_assert_ptr_nonnull(
			pg[i] = lowmem_get_page(lm, LOWMEM_PIDMAP));
	st = stats();
	ck_assert_uint_eq(st.kind[LOWMEM_PID].objects, 10);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].bytes, 10 * 13);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].allocs, 10);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].objects, 4);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].bytes, 4 * 10240);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].allocs, 4);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].objects, 3);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].bytes, 3 * PAGE_BYTES);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].allocs, 3);
	ck_assert_uint_eq(st.used, 10 * 13 + 4 * 10240 + 3 * PAGE_BYTES);
	ck_assert_uint_eq(st.oom_events, 0);
	for (int k = 0; k < LOWMEM_NR_KINDS; k++) {
		ck_assert_uint_eq(st.kind[k].failures, 0);
		ck_assert_uint_eq(st.kind[k].pinned, 0);
	}

	/* Frees uncharge their own kind only; "allocs" is history. */
	for (size_t i = 0; i < 4; i++)
		kmem_cache_free(cache_a, p[i]);
	kmem_cache_free(cache_b, t[0]);
	lowmem_free_page(lm, LOWMEM_PIDMAP, pg[0]);
	st = stats();
	ck_assert_uint_eq(st.kind[LOWMEM_PID].objects, 6);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].bytes, 6 * 13);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].allocs, 10);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].objects, 3);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].bytes, 3 * 10240);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].allocs, 4);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].objects, 2);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].bytes, 2 * PAGE_BYTES);
	ck_assert_uint_eq(st.used, 6 * 13 + 3 * 10240 + 2 * PAGE_BYTES);
	ck_assert_uint_eq(lowmem_free_bytes(lm), BIG_BUDGET - st.used);

	for (size_t i = 4; i < ARRAY_SIZE(p); i++)
		kmem_cache_free(cache_a, p[i]);
	for (size_t i = 1; i < ARRAY_SIZE(t); i++)
		kmem_cache_free(cache_b, t[i]);
	for (size_t i = 1; i < ARRAY_SIZE(pg); i++)
		lowmem_free_page(lm, LOWMEM_PIDMAP, pg[i]);
	st = stats();
	ck_assert_uint_eq(st.used, 0);
	for (int k = 0; k < LOWMEM_NR_KINDS; k++) {
		ck_assert_uint_eq(st.kind[k].objects, 0);
		ck_assert_uint_eq(st.kind[k].bytes, 0);
	}
}
END_TEST

START_TEST(test_pin)
{
	struct lowmem_stats st;

	zone(BIG_BUDGET);
	lowmem_pin(lm, LOWMEM_PID);
	lowmem_pin(lm, LOWMEM_PID);
	lowmem_pin(lm, LOWMEM_TASK);
	st = stats();
	ck_assert_uint_eq(st.kind[LOWMEM_PID].pinned, 2);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].pinned, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].pinned, 0);
	/* Pins are a count of states, not a charge. */
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].objects, 0);

	lowmem_unpin(lm, LOWMEM_PID);
	st = stats();
	ck_assert_uint_eq(st.kind[LOWMEM_PID].pinned, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].pinned, 1);
	lowmem_unpin(lm, LOWMEM_PID);
	lowmem_unpin(lm, LOWMEM_TASK);
	st = stats();
	for (int k = 0; k < LOWMEM_NR_KINDS; k++)
		ck_assert_uint_eq(st.kind[k].pinned, 0);
}
END_TEST

/* ---- slab caches --------------------------------------------------------- */

START_TEST(test_zeroed)
{
	enum { N = 64, SIZE = 100 };
	void *obj[N], *again[N];
	unsigned int reused = 0;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "z", LOWMEM_PID, SIZE);
	ck_assert_ptr_nonnull(cache_a);
	for (int i = 0; i < N; i++) {
		obj[i] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(obj[i]);
		for (int b = 0; b < SIZE; b++)
			ck_assert_uint_eq(((unsigned char *)obj[i])[b], 0);
		memset(obj[i], 0xa5, SIZE);
	}
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	/* Recycled objects come back zeroed too. */
	for (int i = 0; i < N; i++) {
		again[i] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(again[i]);
		for (int b = 0; b < SIZE; b++)
			ck_assert_uint_eq(((unsigned char *)again[i])[b], 0);
		for (int j = 0; j < N; j++)
			reused += again[i] == obj[j];
	}
	/* Otherwise the test above proved nothing about recycling. */
	ck_assert_uint_gt(reused, 0);
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, again[i]);
	ck_assert_uint_eq(stats().used, 0);
}
END_TEST

/*
 * A cache charged less than its objects take (a 32-bit kernel's object
 * built on a 64-bit host): the zone counts the charge, the object is
 * whole and zeroed, and the slabs hold the larger size.
 */
START_TEST(test_charged_size)
{
	enum { N = 64, OBJ = 576, CHARGE = 300 };
	void *obj[N];

	zone(BIG_BUDGET);
	ck_assert_ptr_null(
		kmem_cache_create_charged(lm, "c", LOWMEM_IDR, 0, CHARGE));
	/* a charge of 0 is the object's own size */
	cache_b = kmem_cache_create_charged(lm, "d", LOWMEM_IDR, OBJ, 0);
	ck_assert_ptr_nonnull(cache_b);
	ck_assert_uint_eq(kmem_cache_size(cache_b), OBJ);
	cache_a = kmem_cache_create_charged(lm, "c", LOWMEM_IDR, OBJ, CHARGE);
	ck_assert_ptr_nonnull(cache_a);
	ck_assert_uint_eq(kmem_cache_size(cache_a), CHARGE);
	for (int i = 0; i < N; i++) {
		obj[i] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(obj[i]);
		for (int b = 0; b < OBJ; b++)
			ck_assert_uint_eq(((unsigned char *)obj[i])[b], 0);
		memset(obj[i], 0xa5, OBJ);
	}
	/* no two objects overlap */
	qsort(obj, N, sizeof(obj[0]), ptr_cmp);
	for (int i = 1; i < N; i++)
		ck_assert_uint_ge((uintptr_t)obj[i] - (uintptr_t)obj[i - 1],
				  OBJ);
	ck_assert_uint_eq(stats().used, (uint64_t)N * CHARGE);
	ck_assert_uint_eq(stats().kind[LOWMEM_IDR].bytes, (uint64_t)N * CHARGE);
	ck_assert_uint_eq(stats().kind[LOWMEM_IDR].objects, N);
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	ck_assert_uint_eq(stats().used, 0);
	ck_assert_uint_eq(stats().kind[LOWMEM_IDR].bytes, 0);
}
END_TEST

START_TEST(test_cache_of)
{
	enum { N = 60 };	/* six slabs of ten per cache */
	void *a[N], *b[N];
	struct lowmem_stats st;
	uint64_t slab;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "a", LOWMEM_TASK, BIG_OBJ);
	cache_b = kmem_cache_create(lm, "b", LOWMEM_TASK, BIG_OBJ + 8);
	ck_assert_ptr_nonnull(cache_a);
	ck_assert_ptr_nonnull(cache_b);
	a[0] = kmem_cache_alloc(cache_a);
	ck_assert_ptr_nonnull(a[0]);
	slab = stats().slab_bytes;
	ck_assert_uint_gt(slab, BIG_OBJ);
	b[0] = kmem_cache_alloc(cache_b);
	ck_assert_ptr_nonnull(b[0]);
	/* Interleaved, so the two caches' slabs interleave in memory. */
	for (int i = 1; i < N; i++) {
		a[i] = kmem_cache_alloc(cache_a);
		b[i] = kmem_cache_alloc(cache_b);
		ck_assert_ptr_nonnull(a[i]);
		ck_assert_ptr_nonnull(b[i]);
	}
	st = stats();
	ck_assert_uint_ge(st.slab_bytes, 2 * 3 * slab);
	for (int i = 0; i < N; i++) {
		ck_assert_ptr_eq(kmem_cache_of(a[i]), cache_a);
		ck_assert_ptr_eq(kmem_cache_of(b[i]), cache_b);
		/* Any byte of the object leads to its cache. */
		ck_assert_ptr_eq(kmem_cache_of((char *)a[i] + BIG_OBJ - 1),
				 cache_a);
	}
	for (int i = 0; i < N; i++) {
		kmem_cache_free(kmem_cache_of(a[i]), a[i]);
		kmem_cache_free(kmem_cache_of(b[i]), b[i]);
	}
	ck_assert_uint_eq(stats().used, 0);
}
END_TEST

struct visit {
	void **seen;
	size_t n, max;
};

static void visit_fn(void *obj, void *arg)
{
	struct visit *v = arg;

	if (v->n < v->max)
		v->seen[v->n] = obj;
	v->n++;
}

START_TEST(test_for_each)
{
	enum { N = 300 };	/* per_slab is about 41: several slabs */
	void *obj[N], *live[N], *seen[N + 1], *foreign;
	struct visit v = { .seen = seen, .max = N + 1 };
	size_t nlive = 0;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "e", LOWMEM_TASK, 50000);
	cache_b = kmem_cache_create(lm, "other", LOWMEM_TASK, 50000);
	ck_assert_ptr_nonnull(cache_a);
	ck_assert_ptr_nonnull(cache_b);

	kmem_cache_for_each(cache_a, visit_fn, &v);
	ck_assert_uint_eq(v.n, 0);

	for (int i = 0; i < N; i++) {
		obj[i] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(obj[i]);
	}
	/* Objects of another cache are not visited. */
	foreign = kmem_cache_alloc(cache_b);
	ck_assert_ptr_nonnull(foreign);
	/* Free every third, and a whole slab's worth at the start. */
	for (int i = 0; i < N; i++) {
		if (i % 3 == 0 || i < 50)
			kmem_cache_free(cache_a, obj[i]);
		else
			live[nlive++] = obj[i];
	}
	kmem_cache_for_each(cache_a, visit_fn, &v);
	ck_assert_uint_eq(v.n, nlive);
	qsort(live, nlive, sizeof(*live), ptr_cmp);
	qsort(seen, v.n, sizeof(*seen), ptr_cmp);
	for (size_t i = 0; i < nlive; i++)
		ck_assert_ptr_eq(seen[i], live[i]);

	/* Reallocated objects are visited again, exactly once each. */
	for (int i = 0; i < N; i++) {
		if (i % 3 == 0 || i < 50) {
			obj[i] = kmem_cache_alloc(cache_a);
			ck_assert_ptr_nonnull(obj[i]);
		}
	}
	v.n = 0;
	kmem_cache_for_each(cache_a, visit_fn, &v);
	ck_assert_uint_eq(v.n, N);
	qsort(seen, v.n, sizeof(*seen), ptr_cmp);
	for (size_t i = 1; i < v.n; i++)
		ck_assert_ptr_ne(seen[i - 1], seen[i]);

	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	kmem_cache_free(cache_b, foreign);
	v.n = 0;
	kmem_cache_for_each(cache_a, visit_fn, &v);
	ck_assert_uint_eq(v.n, 0);
	ck_assert_uint_eq(stats().used, 0);
}
END_TEST

START_TEST(test_slab_bytes)
{
	enum { N = 30 };	/* per_slab is 10: three slabs */
	void *obj[N];
	uint64_t slab;
	uintptr_t mask, base[3];
	int nbase = 0;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "s", LOWMEM_TASK, BIG_OBJ);
	ck_assert_ptr_nonnull(cache_a);
	obj[0] = kmem_cache_alloc(cache_a);
	ck_assert_ptr_nonnull(obj[0]);
	slab = stats().slab_bytes;
	/* One slab, a power of two, to which objects are aligned down. */
	ck_assert_uint_gt(slab, 0);
	ck_assert_uint_eq(slab & (slab - 1), 0);
	mask = ~(uintptr_t)(slab - 1);
	for (int i = 1; i < N; i++) {
		obj[i] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(obj[i]);
	}
	ck_assert_uint_eq(slab / BIG_OBJ, 10);
	ck_assert_uint_eq(stats().slab_bytes, 3 * slab);

	/*
	 * Empty the slabs one by one: the first empty one is kept as the
	 * spare, the next are unmapped.
	 */
	for (int i = 0; i < N; i++) {
		uintptr_t s = (uintptr_t)obj[i] & mask;
		int j;

		for (j = 0; j < nbase && base[j] != s; j++)
			;
		if (j == nbase) {
			ck_assert_int_lt(nbase, 3);
			base[nbase++] = s;
		}
	}
	ck_assert_int_eq(nbase, 3);
	for (int j = 0; j < 3; j++) {
		for (int i = 0; i < N; i++)
			if (((uintptr_t)obj[i] & mask) == base[j])
				kmem_cache_free(cache_a, obj[i]);
		/* Freed objects wait in the per-CPU arrays until drained. */
		kmem_cache_shrink(cache_a);
		ck_assert_uint_eq(stats().slab_bytes,
				  (j == 0 ? 3 : 3 - j) * slab);
	}
	ck_assert_uint_eq(stats().used, 0);

	/* The spare is used again before anything new is mapped. */
	obj[0] = kmem_cache_alloc(cache_a);
	ck_assert_ptr_nonnull(obj[0]);
	ck_assert_uint_eq(stats().slab_bytes, slab);
	kmem_cache_free(cache_a, obj[0]);
	ck_assert_uint_eq(stats().slab_bytes, slab);

	/* Destroying the cache unmaps the spare. */
	kmem_cache_destroy(cache_a);
	cache_a = NULL;
	ck_assert_uint_eq(stats().slab_bytes, 0);
}
END_TEST

/* Destroying a cache unmaps its slabs, even with objects left in them. */
START_TEST(test_destroy_leaky)
{
	enum { N = 25 };	/* two full slabs and a partial one */
	void *obj[N];
	uint64_t slab;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "leak", LOWMEM_TASK, BIG_OBJ);
	ck_assert_ptr_nonnull(cache_a);
	ck_assert_ptr_nonnull(obj[0] = kmem_cache_alloc(cache_a));
	slab = stats().slab_bytes;
	for (int i = 1; i < N; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(cache_a));
	ck_assert_uint_eq(stats().slab_bytes, 3 * slab);
	/* One empty slab as the spare, too. */
	for (int i = 20; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	ck_assert_uint_eq(stats().slab_bytes, 3 * slab);
	kmem_cache_destroy(cache_a);
	cache_a = NULL;
	ck_assert_uint_eq(stats().slab_bytes, 0);
}
END_TEST

/* A full slab that gets room again goes back to the allocator's use. */
START_TEST(test_full_slab)
{
	enum { N = 10 };	/* exactly one slab */
	void *obj[N], *x;
	uint64_t one;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "f", LOWMEM_TASK, BIG_OBJ);
	ck_assert_ptr_nonnull(cache_a);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(cache_a));
	one = stats().slab_bytes;

	/* The slab is full: freeing one makes room in the same slab. */
	for (int round = 0; round < 3; round++) {
		kmem_cache_free(cache_a, obj[4]);
		obj[4] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(obj[4]);
		ck_assert_ptr_eq(kmem_cache_of(obj[4]), cache_a);
		ck_assert_uint_eq(stats().slab_bytes, one);
	}
	/* Full again: the next object needs a second slab. */
	x = kmem_cache_alloc(cache_a);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(stats().slab_bytes, 2 * one);
	kmem_cache_free(cache_a, x);
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	ck_assert_uint_eq(stats().used, 0);
	ck_assert_uint_eq(stats().kind[LOWMEM_TASK].objects, 0);
}
END_TEST

/* Run the calling thread on one CPU only, so that it has one array. */
static void stay_on_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	ck_assert_int_ge(cpu, 0);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(set), &set), 0);
}

/*
 * The per-CPU arrays (mm/slab.c's array_cache): the object freed last is
 * the first handed out again; a freed object is uncharged and uncounted at
 * once but goes back to its slab only in a batch, when the array is full
 * (120 objects of 72 bytes, 60 at a time), or when the cache is shrunk;
 * and kmem_cache_for_each() never visits an object waiting in an array.
 */
START_TEST(test_cpu_arrays)
{
	enum { N = 200 };
	void *obj[N], *x;
	struct visit v = { 0 };
	uint64_t one;

	stay_on_this_cpu();
	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "pid", LOWMEM_PID, 72);
	ck_assert_ptr_nonnull(cache_a);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(cache_a));
	one = stats().slab_bytes;
	ck_assert_uint_eq(one, 2UL << 20);

	/* Last freed, first reused: the cache-hot one. */
	kmem_cache_free(cache_a, obj[7]);
	kmem_cache_free(cache_a, obj[3]);
	ck_assert_uint_eq(stats().kind[LOWMEM_PID].objects, N - 2);
	ck_assert_uint_eq(stats().used, (N - 2) * 72);
	x = kmem_cache_alloc(cache_a);
	ck_assert_ptr_eq(x, obj[3]);
	x = kmem_cache_alloc(cache_a);
	ck_assert_ptr_eq(x, obj[7]);

	/* Everything freed: counted at once, no longer visited ... */
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	ck_assert_uint_eq(stats().kind[LOWMEM_PID].objects, 0);
	ck_assert_uint_eq(stats().kind[LOWMEM_PID].bytes, 0);
	ck_assert_uint_eq(stats().kind[LOWMEM_PID].allocs, N + 2);
	ck_assert_uint_eq(stats().used, 0);
	kmem_cache_for_each(cache_a, visit_fn, &v);
	ck_assert_uint_eq(v.n, 0);
	/* ... but the slab still holds what waits in the array ... */
	ck_assert_uint_eq(stats().slab_bytes, one);
	/* ... until the array is drained; the slab stays, as the spare. */
	kmem_cache_shrink(cache_a);
	ck_assert_uint_eq(stats().slab_bytes, one);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(cache_a));
	ck_assert_uint_eq(stats().slab_bytes, one);
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache_a, obj[i]);
	kmem_cache_shrink(cache_a);
	kmem_cache_destroy(cache_a);
	cache_a = NULL;
	ck_assert_uint_eq(stats().slab_bytes, 0);
	ck_assert_uint_eq(stats().kind[LOWMEM_PID].allocs, 2 * N + 2);
}
END_TEST

START_TEST(test_many)
{
	void **obj = malloc(MANY * sizeof(*obj));
	struct lowmem_stats st;
	uint64_t slab;

	ck_assert_ptr_nonnull(obj);
	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "pid", LOWMEM_PID, 72);
	ck_assert_ptr_nonnull(cache_a);
	for (size_t i = 0; i < MANY; i++) {
		obj[i] = kmem_cache_alloc(cache_a);
		ck_assert_ptr_nonnull(obj[i]);
		*(size_t *)obj[i] = i;
	}
	st = stats();
	ck_assert_uint_eq(st.used, (uint64_t)MANY * 72);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].objects, MANY);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].allocs, MANY);
	/* 7.2 MB of objects in 2 MiB slabs: at least four slabs. */
	ck_assert_uint_ge(st.slab_bytes, (uint64_t)MANY * 72);
	/* Nothing overlapped: every object still holds its own index. */
	for (size_t i = 0; i < MANY; i++)
		ck_assert_uint_eq(*(size_t *)obj[i], i);

	shuffle(obj, MANY, 42);
	for (size_t i = 0; i < MANY; i++)
		kmem_cache_free(cache_a, obj[i]);
	st = stats();
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].objects, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].bytes, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].allocs, MANY);
	ck_assert_uint_eq(st.oom_events, 0);
	/* Drained of the per-CPU arrays, one spare slab is all that stays. */
	kmem_cache_shrink(cache_a);
	slab = stats().slab_bytes;
	ck_assert_uint_gt(slab, 0);
	ck_assert_uint_lt(slab, (uint64_t)MANY * 72 / 2);
	free(obj);
}
END_TEST

/* ---- pages and fault injection ------------------------------------------- */

START_TEST(test_pages)
{
	unsigned char *pg[4], *more[12], *other;
	struct lowmem_stats st;

	zone(LOWMEM_MIN_BUDGET);
	for (int i = 0; i < 4; i++) {
		pg[i] = lowmem_get_page(lm, LOWMEM_PIDMAP);
		ck_assert_ptr_nonnull(pg[i]);
		ck_assert_uint_eq((uintptr_t)pg[i] % PAGE_BYTES, 0);
		for (int b = 0; b < PAGE_BYTES; b++)
			ck_assert_uint_eq(pg[i][b], 0);
		memset(pg[i], 0xff, PAGE_BYTES);
	}
	st = stats();
	ck_assert_uint_eq(st.used, 4 * PAGE_BYTES);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].objects, 4);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].bytes, 4 * PAGE_BYTES);
	ck_assert_uint_eq(st.slab_bytes, 0);

	/* A page may be charged to any kind. */
	other = lowmem_get_page(lm, LOWMEM_TASK);
	ck_assert_ptr_nonnull(other);
	ck_assert_uint_eq(stats().kind[LOWMEM_TASK].bytes, PAGE_BYTES);
	lowmem_free_page(lm, LOWMEM_TASK, other);
	ck_assert_uint_eq(stats().kind[LOWMEM_TASK].bytes, 0);

	/* 64 KiB hold sixteen pages, not seventeen. */
	for (int i = 0; i < 12; i++)
		ck_assert_ptr_nonnull(
			more[i] = lowmem_get_page(lm, LOWMEM_PIDMAP));
	ck_assert_ptr_null(lowmem_get_page(lm, LOWMEM_PIDMAP));
	ck_assert_uint_eq(stats().kind[LOWMEM_PIDMAP].failures, 1);
	for (int i = 0; i < 12; i++)
		lowmem_free_page(lm, LOWMEM_PIDMAP, more[i]);

	lowmem_free_page(lm, LOWMEM_PIDMAP, NULL);
	for (int i = 0; i < 4; i++)
		lowmem_free_page(lm, LOWMEM_PIDMAP, pg[i]);
	st = stats();
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].objects, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].bytes, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].allocs, 16);
}
END_TEST

START_TEST(test_fail_nth)
{
	void *obj[8], *page;
	struct lowmem_stats st;

	zone(BIG_BUDGET);
	cache_a = kmem_cache_create(lm, "f", LOWMEM_PID, 72);
	ck_assert_ptr_nonnull(cache_a);

	/* The third allocation from now fails, and only that one. */
	ck_assert_uint_eq(lowmem_fail_nth(lm, 3), 0);
	ck_assert_ptr_nonnull(obj[0] = kmem_cache_alloc(cache_a));
	ck_assert_ptr_nonnull(obj[1] = kmem_cache_alloc(cache_a));
	ck_assert_ptr_null(kmem_cache_alloc(cache_a));
	st = stats();
	ck_assert_uint_eq(st.oom_events, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].failures, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].objects, 2);
	ck_assert_uint_eq(st.used, 2 * 72);
	for (int i = 2; i < 8; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(cache_a));
	ck_assert_uint_eq(stats().kind[LOWMEM_PID].failures, 1);
	/* It has fired: nothing is left armed. */
	ck_assert_uint_eq(lowmem_fail_nth(lm, 0), 0);

	/* 1 is the very next allocation, whatever its kind. */
	lowmem_fail_nth(lm, 1);
	ck_assert_ptr_null(lowmem_get_page(lm, LOWMEM_PIDMAP));
	ck_assert_uint_eq(stats().kind[LOWMEM_PIDMAP].failures, 1);
	page = lowmem_get_page(lm, LOWMEM_PIDMAP);
	ck_assert_ptr_nonnull(page);
	lowmem_free_page(lm, LOWMEM_PIDMAP, page);

	/* It counts allocations of every cache and page together. */
	lowmem_fail_nth(lm, 2);
	kmem_cache_free(cache_a, obj[7]);
	ck_assert_ptr_nonnull(obj[7] = kmem_cache_alloc(cache_a));
	ck_assert_ptr_null(lowmem_get_page(lm, LOWMEM_PIDMAP));

	/* 0 disables; the previous setting's countdown is returned. */
	lowmem_fail_nth(lm, 5);
	kmem_cache_free(cache_a, obj[0]);
	ck_assert_ptr_nonnull(obj[0] = kmem_cache_alloc(cache_a));
	kmem_cache_free(cache_a, obj[1]);
	ck_assert_ptr_nonnull(obj[1] = kmem_cache_alloc(cache_a));
	ck_assert_uint_eq(lowmem_fail_nth(lm, 0), 3);
	for (int i = 0; i < 8; i++)
		kmem_cache_free(cache_a, obj[i]);
	for (int i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(cache_a));
	st = stats();
	ck_assert_uint_eq(st.oom_events, 3);
	ck_assert_uint_eq(st.kind[LOWMEM_PID].failures, 1);
	ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].failures, 2);

	/* Re-arming replaces the previous setting. */
	lowmem_fail_nth(lm, 100);
	ck_assert_uint_eq(lowmem_fail_nth(lm, 1), 100);
	kmem_cache_free(cache_a, obj[0]);
	ck_assert_ptr_null(obj[0] = kmem_cache_alloc(cache_a));
	ck_assert_ptr_nonnull(obj[0] = kmem_cache_alloc(cache_a));

	for (int i = 0; i < 8; i++)
		kmem_cache_free(cache_a, obj[i]);
	ck_assert_uint_eq(stats().used, 0);
}
END_TEST

/* An injected failure fires even when the zone has room. */
START_TEST(test_fail_nth_before_budget)
{
	zone(LOWMEM_MIN_BUDGET);
	cache_a = kmem_cache_create(lm, "f", LOWMEM_TASK, 1000);
	ck_assert_ptr_nonnull(cache_a);
	lowmem_fail_nth(lm, 1);
	ck_assert_ptr_null(kmem_cache_alloc(cache_a));
	ck_assert_uint_eq(stats().used, 0);
	ck_assert_uint_eq(stats().kind[LOWMEM_TASK].failures, 1);
	ck_assert_uint_eq(stats().kind[LOWMEM_TASK].allocs, 0);
}
END_TEST

/* ---- threads ------------------------------------------------------------- */

#define THREADS		4
#define ROUNDS		20000
#define HELD		64

struct worker {
	pthread_t thread;
	uint64_t seed;
	unsigned long ok, failed, bad;
};

static uint64_t stamp(const struct worker *w, int i)
{
	return (uint64_t)(uintptr_t)w * 131 + (uint64_t)i;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	void *held[HELD] = { NULL };
	struct lowmem_stats st;

	for (int r = 0; r < ROUNDS; r++) {
		int i = (int)(rnd(&w->seed) % HELD);

		if (held[i]) {
			/* Still ours: nobody else was handed it meanwhile. */
			if (*(uint64_t *)held[i] != stamp(w, i))
				w->bad++;
			kmem_cache_free(cache_a, held[i]);
			held[i] = NULL;
			continue;
		}
		held[i] = kmem_cache_alloc(cache_a);
		if (!held[i]) {
			w->failed++;
			continue;
		}
		w->ok++;
		*(uint64_t *)held[i] = stamp(w, i);
		/* The charge never exceeds the budget, even transiently. */
		lowmem_read_stats(lm, &st);
		if (st.used > st.budget)
			w->bad++;
	}
	for (int i = 0; i < HELD; i++)
		kmem_cache_free(cache_a, held[i]);
	return NULL;
}

START_TEST(test_threads)
{
	struct worker w[THREADS];
	unsigned long ok = 0, failed = 0;
	struct lowmem_stats st;

	/* Room for about half of what the threads would like to hold. */
	zone(LOWMEM_MIN_BUDGET * 2);
	cache_a = kmem_cache_create(lm, "t", LOWMEM_TASK, 1024);
	ck_assert_ptr_nonnull(cache_a);
	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
		ck_assert_int_eq(pthread_create(&w[i].thread, NULL, worker_fn,
						&w[i]),
				 0);
	}
	for (int i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
		ck_assert_uint_eq(w[i].bad, 0);
		ok += w[i].ok;
		failed += w[i].failed;
	}
	st = stats();
	ck_assert_uint_eq(st.used, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].objects, 0);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].allocs, ok);
	ck_assert_uint_eq(st.kind[LOWMEM_TASK].failures, failed);
	ck_assert_uint_eq(st.oom_events, failed);
}
END_TEST

Suite *lowmem_suite(void)
{
	Suite *s = suite_create("lowmem");
	TCase *tc;

	tc = tcase_create("zone");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_create_bounds);
	tcase_add_test(tc, test_cache_create);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_budget_exact);
	tcase_add_test(tc, test_charge_per_kind);
	tcase_add_test(tc, test_pin);
	tcase_add_test(tc, test_pages);
	tcase_add_test(tc, test_fail_nth);
	tcase_add_test(tc, test_fail_nth_before_budget);
	suite_add_tcase(s, tc);

	tc = tcase_create("slab");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_zeroed);
	tcase_add_test(tc, test_charged_size);
	tcase_add_test(tc, test_cache_of);
	tcase_add_test(tc, test_for_each);
	tcase_add_test(tc, test_slab_bytes);
	tcase_add_test(tc, test_full_slab);
	tcase_add_test(tc, test_destroy_leaky);
	tcase_add_test(tc, test_cpu_arrays);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}
