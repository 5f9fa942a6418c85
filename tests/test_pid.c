// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the pid layer (src/pid.c): the patched kernel/pid.c.
 *
 * Covers: the pidmap allocator (next-fit after last_pid, wrap to
 * RESERVED_PIDS, pid 0 reserved, exhaustion at a small and a large
 * pid_max, bitmap pages allocated lazily and charged, pid_max bounds), the
 * one hash table (sizing as pidhash_init(), a single bucket with long
 * chains), the life of a struct pid (refcounted, freed after the last put
 * and a grace period, the count == 1 shortcut), serials, find_ge_pid(),
 * find_get_pid(), the kernel-named wrappers over the initial namespace,
 * and the allocator and lookups from several threads at once.
 *
 * Each test builds its own zone and namespace (ns_make(), or by hand) and
 * the checked fixture tears them down, so the suite runs the same with
 * CK_FORK=no.  Lookups run under rcu_read_lock() as the API asks; leftover
 * struct pids are released by the teardown's rcu_barrier().
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

#include "suites.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define ZONE_BYTES	(UINT64_C(896) << 20)
#define PAGE_BYTES	4096
#define SMALL_PID_MAX	400
#define LARGE_PID_MAX	100000

static struct lowmem *lm;
static struct pid_namespace *ns, *ns2;
static struct pidfs_kernel *kern;
/* Large arrays stay off the stack (threads, valgrind). */
static struct pid *pids[LARGE_PID_MAX];

static void teardown(void)
{
	pid_ns_destroy(ns2);
	pid_ns_destroy(ns);
	ns = ns2 = NULL;
	if (lm)
		lowmem_destroy(lm);
	lm = NULL;
	if (kern)
		pidfs_kernel_destroy(kern);
	kern = NULL;
	memset(pids, 0, sizeof(pids));
}

/*
 * The allocator's tests run on the x86_64 machine, whose pid_max limit is
 * the bitmap's (PID_MAX_LIMIT) and whose sizes are the host's.
 */
static struct pid_namespace *ns_new(int pid_max, int hash_shift)
{
	struct pid_ns_params p = {
		.lowmem = lm,
		.arch = &pidfs_arch_x86_64,
		.pid_max = pid_max,
		.hash_shift = hash_shift,
	};
	struct pid_namespace *n = pid_ns_create(&p);

	ck_assert_ptr_nonnull(n);
	return n;
}

static void ns_make(int pid_max, int hash_shift)
{
	lm = lowmem_create(ZONE_BYTES);
	ck_assert_ptr_nonnull(lm);
	ns = ns_new(pid_max, hash_shift);
}

static struct lowmem_kind_stats kstats(enum lowmem_kind kind)
{
	struct lowmem_stats st;

	lowmem_read_stats(lm, &st);
	return st.kind[kind];
}

static struct pid_ns_stats nstats(struct pid_namespace *n)
{
	struct pid_ns_stats st;

	pid_ns_read_stats(n, &st);
	return st;
}

static struct pid *lookup(int nr)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	rcu_read_unlock();
	return pid;
}

static struct pid *lookup_ge(int nr)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_ge_pid_ns(nr, ns);
	rcu_read_unlock();
	return pid;
}

static struct pid *alloc_nr(int expect)
{
	struct pid *pid = alloc_pid(ns);

	ck_assert_ptr_nonnull(pid);
	ck_assert_int_eq(pid_nr(pid), expect);
	return pid;
}

/* Reads the refcount as put_pid() does: atomically. */
static int pid_count(struct pid *pid)
{
	return __atomic_load_n(&pid->count, __ATOMIC_ACQUIRE);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- the pidmap allocator ------------------------------------------------ */

START_TEST(test_next_fit)
{
	struct pid *p;

	ns_make(0, -1);
	ck_assert_int_eq(pid_ns_pid_max(ns), PID_MAX_DEFAULT);
	ck_assert_int_eq(pid_ns_last_pid(ns), 0);
	for (int i = 1; i <= 10; i++)
		pids[i] = alloc_nr(i);
	ck_assert_int_eq(pid_ns_last_pid(ns), 10);

	/* A freed number is not reused while numbers after last_pid are. */
	free_pid(pids[2]);
	pids[11] = alloc_nr(11);

	/* From last_pid on, used numbers are skipped. */
	free_pid(pids[4]);
	free_pid(pids[8]);
	pid_ns_set_last_pid(ns, 2);
	ck_assert_int_eq(pid_ns_last_pid(ns), 2);
	pids[4] = alloc_nr(4);
	pids[8] = alloc_nr(8);
	pids[12] = alloc_nr(12);
	ck_assert_int_eq(pid_ns_last_pid(ns), 12);
	pids[2] = NULL;

	for (int i = 1; i <= 12; i++) {
		p = lookup(i);
		if (i == 2) {
			ck_assert_ptr_null(p);
			continue;
		}
		ck_assert_ptr_eq(p, pids[i]);
		free_pid(pids[i]);
	}
	ck_assert_int_eq(nstats(ns).nr_pids, 0);
}
END_TEST

START_TEST(test_wrap)
{
	struct pid_ns_stats st;
	int nr;

	ns_make(SMALL_PID_MAX, -1);
	/* pids 1..299 are handed out on the first pass only. */
	for (int i = 1; i < SMALL_PID_MAX; i++)
		pids[i] = alloc_nr(i);
	ck_assert_uint_eq(nstats(ns).wraps, 0);
	ck_assert_ptr_null(alloc_pid(ns));
	for (int i = 1; i < SMALL_PID_MAX; i++)
		free_pid(pids[i]);

	/* After the wrap, RESERVED_PIDS is where the search starts. */
	pids[RESERVED_PIDS] = alloc_nr(RESERVED_PIDS);
	st = nstats(ns);
	ck_assert_uint_eq(st.wraps, 1);
	ck_assert_int_eq(st.last_pid, RESERVED_PIDS);
	for (int i = RESERVED_PIDS + 1; i < SMALL_PID_MAX; i++)
		pids[i] = alloc_nr(i);
	/* 1..299 are free, yet never handed out again. */
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_int_eq(nstats(ns).nr_pids, SMALL_PID_MAX - RESERVED_PIDS);

	/* Churn: whatever is freed, only numbers >= 300 come back. */
	for (int round = 0; round < 2000; round++) {
		nr = RESERVED_PIDS +
		     (round * 37) % (SMALL_PID_MAX - RESERVED_PIDS);
		free_pid(pids[nr]);
		pids[nr] = alloc_pid(ns);
		ck_assert_ptr_nonnull(pids[nr]);
		ck_assert_int_eq(pid_nr(pids[nr]), nr);
	}
	for (int i = RESERVED_PIDS; i < SMALL_PID_MAX; i++)
		free_pid(pids[i]);
	for (int round = 0; round < 1000; round++) {
		struct pid *p = alloc_pid(ns);

		ck_assert_ptr_nonnull(p);
		ck_assert_int_ge(pid_nr(p), RESERVED_PIDS);
		ck_assert_int_lt(pid_nr(p), SMALL_PID_MAX);
		free_pid(p);
	}
	ck_assert_uint_ge(nstats(ns).wraps, 10);
}
END_TEST

START_TEST(test_pid_zero)
{
	struct pid_ns_stats st;
	struct pid *p;

	ns_make(SMALL_PID_MAX, -1);
	/* A fresh namespace has one bitmap page, with 0 already taken. */
	st = nstats(ns);
	ck_assert_int_eq(st.pidmap_pages, 1);
	ck_assert_int_eq(st.nr_free, BITS_PER_PAGE - 1);
	ck_assert_int_eq(st.nr_pids, 0);
	ck_assert_ptr_null(lookup(0));
	ck_assert_ptr_null(lookup(-1));
	ck_assert_ptr_null(lookup(PID_MAX_LIMIT));
	ck_assert_ptr_null(lookup(1));

	/* Starting the search at 0 still never hands out 0. */
	pid_ns_set_last_pid(ns, -1);
	p = alloc_nr(1);
	ck_assert_ptr_null(lookup(0));
	free_pid(p);
	for (int round = 0; round < 3 * SMALL_PID_MAX; round++) {
		p = alloc_pid(ns);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_gt(pid_nr(p), 0);
		free_pid(p);
	}
	ck_assert_ptr_null(lookup(0));
	ck_assert_int_eq(nstats(ns).nr_free, BITS_PER_PAGE - 1);
}
END_TEST

START_TEST(test_exhaust_small)
{
	struct lowmem_kind_stats before;

	ns_make(SMALL_PID_MAX, -1);
	for (int i = 1; i < SMALL_PID_MAX; i++)
		pids[i] = alloc_nr(i);
	before = kstats(LOWMEM_PID);
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_ptr_null(alloc_pid(ns));
	/* The failed attempts charged nothing and left nothing behind. */
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, before.objects);
	ck_assert_uint_eq(kstats(LOWMEM_PID).bytes, before.bytes);
	ck_assert_int_eq(nstats(ns).nr_pids, SMALL_PID_MAX - 1);
	ck_assert_uint_eq(nstats(ns).serials, SMALL_PID_MAX - 1);

	/* Freeing one number makes exactly that one available. */
	for (int nr = RESERVED_PIDS + 1; nr < SMALL_PID_MAX; nr += 49) {
		free_pid(pids[nr]);
		ck_assert_ptr_null(lookup(nr));
		pids[nr] = alloc_nr(nr);
		ck_assert_ptr_eq(lookup(nr), pids[nr]);
		ck_assert_ptr_null(alloc_pid(ns));
	}
	/* The top number and the wrap point itself. */
	free_pid(pids[SMALL_PID_MAX - 1]);
	pids[SMALL_PID_MAX - 1] = alloc_nr(SMALL_PID_MAX - 1);
	free_pid(pids[RESERVED_PIDS]);
	pids[RESERVED_PIDS] = alloc_nr(RESERVED_PIDS);
	ck_assert_ptr_null(alloc_pid(ns));

	/* Below RESERVED_PIDS a freed number stays free, by design. */
	free_pid(pids[123]);
	pids[123] = NULL;
	ck_assert_ptr_null(alloc_pid(ns));

	for (int i = 1; i < SMALL_PID_MAX; i++)
		if (pids[i])
			free_pid(pids[i]);
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
}
END_TEST

/*
 * The same, freeing the number alloc_pid() handed out last.  The kernel's
 * alloc_pidmap() accepts, on its last pass, only numbers below last_pid,
 * so it never looks at last_pid itself: with every other number in use it
 * fails, and succeeds again once any other number is free.  pidfs keeps
 * that quirk (see alloc_pidmap()).
 */
START_TEST(test_exhaust_free_last_pid)
{
	int nr = RESERVED_PIDS + 50, other = RESERVED_PIDS + 7;

	ns_make(SMALL_PID_MAX, -1);
	for (int i = 1; i < SMALL_PID_MAX; i++)
		pids[i] = alloc_nr(i);
	free_pid(pids[nr]);
	pids[nr] = alloc_nr(nr);
	ck_assert_int_eq(pid_ns_last_pid(ns), nr);
	/* Now @nr is last_pid and the only free number: not found. */
	free_pid(pids[nr]);
	pids[nr] = alloc_pid(ns);
	ck_assert_ptr_null(pids[nr]);
	/* Free another: the next-fit scan finds that one first... */
	free_pid(pids[other]);
	pids[other] = alloc_pid(ns);
	ck_assert_ptr_nonnull(pids[other]);
	ck_assert_int_eq(pid_nr(pids[other]), other);
	/* ...and with last_pid moved on, @nr is found again. */
	pids[nr] = alloc_pid(ns);
	ck_assert_ptr_nonnull(pids[nr]);
	ck_assert_int_eq(pid_nr(pids[nr]), nr);
	for (int i = 1; i < SMALL_PID_MAX; i++)
		free_pid(pids[i]);
}
END_TEST

START_TEST(test_exhaust_large)
{
	struct pid_ns_stats st;
	uint64_t seed = 7;

	/* 2^17 buckets for 10^5 pids: chains of about one. */
	ns_make(LARGE_PID_MAX, 17);
	for (int i = 1; i < LARGE_PID_MAX; i++) {
		pids[i] = alloc_pid(ns);
		ck_assert_ptr_nonnull(pids[i]);
		ck_assert_int_eq(pid_nr(pids[i]), i);
	}
	ck_assert_ptr_null(alloc_pid(ns));
	st = nstats(ns);
	ck_assert_int_eq(st.nr_pids, LARGE_PID_MAX - 1);
	ck_assert_int_eq(st.pidmap_pages,
			 (LARGE_PID_MAX + BITS_PER_PAGE - 1) / BITS_PER_PAGE);
	ck_assert_int_eq(st.hash_shift, 17);
	ck_assert_uint_eq(st.hash_buckets, 1U << 17);
	ck_assert_uint_le(st.longest_chain, 32);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, LARGE_PID_MAX - 1);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes,
			  (uint64_t)st.pidmap_pages * PAGE_BYTES);
	for (int n = 0; n < 1000; n++) {
		int nr = 1 + (int)(rnd(&seed) % (LARGE_PID_MAX - 1));

		ck_assert_ptr_eq(lookup(nr), pids[nr]);
	}
	ck_assert_ptr_null(lookup(LARGE_PID_MAX));

	/* One free number, anywhere above the wrap point, is found. */
	free_pid(pids[77777]);
	pids[77777] = alloc_nr(77777);
	free_pid(pids[40000]);
	pids[40000] = alloc_nr(40000);
	ck_assert_ptr_null(alloc_pid(ns));

	for (int i = 1; i < LARGE_PID_MAX; i++)
		free_pid(pids[i]);
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);
	st = nstats(ns);
	ck_assert_int_eq(st.nr_pids, 0);
	ck_assert_uint_eq(st.longest_chain, 0);
}
END_TEST

START_TEST(test_lazy_pages)
{
	struct pid_ns_stats st;
	struct pid *a, *b, *c;

	ns_make(3 * BITS_PER_PAGE, -1);
	st = nstats(ns);
	ck_assert_int_eq(st.pidmap_pages, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).objects, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes, PAGE_BYTES);

	/* A number in page 2 installs page 2 only. */
	pid_ns_set_last_pid(ns, 2 * BITS_PER_PAGE + 99);
	a = alloc_nr(2 * BITS_PER_PAGE + 100);
	st = nstats(ns);
	ck_assert_int_eq(st.pidmap_pages, 2);
	ck_assert_int_eq(st.nr_free, 2 * BITS_PER_PAGE - 2);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).objects, 2);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes, 2 * PAGE_BYTES);

	/* Numbers in page 0 need nothing new, up to its last one. */
	pid_ns_set_last_pid(ns, BITS_PER_PAGE - 3);
	b = alloc_nr(BITS_PER_PAGE - 2);
	c = alloc_nr(BITS_PER_PAGE - 1);
	ck_assert_int_eq(nstats(ns).pidmap_pages, 2);
	free_pid(c);
	free_pid(b);
	rcu_barrier();

	/*
	 * The next number is in page 1: if its page cannot be had, there is
	 * no pid, and nothing is charged.
	 */
	pid_ns_set_last_pid(ns, BITS_PER_PAGE - 1);
	lowmem_fail_nth(lm, 2);	/* the struct pid, then the page */
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_int_eq(nstats(ns).pidmap_pages, 2);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).failures, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes, 2 * PAGE_BYTES);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	/* Nor when the struct pid itself cannot be had. */
	lowmem_fail_nth(lm, 1);
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_uint_eq(kstats(LOWMEM_PID).failures, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	ck_assert_int_eq(pid_ns_last_pid(ns), BITS_PER_PAGE - 1);

	b = alloc_nr(BITS_PER_PAGE);
	st = nstats(ns);
	ck_assert_int_eq(st.pidmap_pages, 3);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes, 3 * PAGE_BYTES);
	/* Pages stay when their numbers are freed, as the kernel's did. */
	free_pid(a);
	free_pid(b);
	rcu_barrier();
	ck_assert_int_eq(nstats(ns).pidmap_pages, 3);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes, 3 * PAGE_BYTES);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	/* Destroying the namespace gives the pages back. */
	pid_ns_destroy(ns);
	ns = NULL;
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PIDMAP).bytes, 0);
}
END_TEST

START_TEST(test_pid_max)
{
	struct pid_ns_params bad = { .arch = &pidfs_arch_x86_64,
				     .hash_shift = -1 };
	struct pid *p;

	ns_make(0, -1);
	ck_assert_int_eq(pid_ns_set_pid_max(ns, 0), -EINVAL);
	ck_assert_int_eq(pid_ns_set_pid_max(ns, -1), -EINVAL);
	ck_assert_int_eq(pid_ns_set_pid_max(ns, PID_MAX_LIMIT + 1), -EINVAL);
	ck_assert_int_eq(pid_ns_pid_max(ns), PID_MAX_DEFAULT);
	ck_assert_int_eq(pid_ns_set_pid_max(ns, PID_MAX_LIMIT), 0);
	ck_assert_int_eq(pid_ns_pid_max(ns), PID_MAX_LIMIT);
	ck_assert_int_eq(nstats(ns).pid_max, PID_MAX_LIMIT);
	ck_assert_int_eq(pid_ns_set_pid_max(ns, 1), 0);
	ck_assert_int_eq(pid_ns_pid_max(ns), 1);

	/* pid_max = 1: not a single pid. */
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_int_eq(nstats(ns).nr_pids, 0);

	/* pid_max = 2: pid 1, once. */
	ck_assert_int_eq(pid_ns_set_pid_max(ns, 2), 0);
	p = alloc_nr(1);
	ck_assert_ptr_null(alloc_pid(ns));
	free_pid(p);
	ck_assert_ptr_null(alloc_pid(ns));
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);

	/* The limit itself is usable: the last number of the last page. */
	ck_assert_int_eq(pid_ns_set_pid_max(ns, PID_MAX_LIMIT), 0);
	pid_ns_set_last_pid(ns, PID_MAX_LIMIT - 2);
	p = alloc_nr(PID_MAX_LIMIT - 1);
	ck_assert_ptr_eq(lookup(PID_MAX_LIMIT - 1), p);
	ck_assert_int_eq(nstats(ns).pidmap_pages, 2);
	free_pid(p);

	/* The same bounds at creation; 0 is the default. */
	bad.lowmem = lm;
	bad.pid_max = -1;
	errno = 0;
	ck_assert_ptr_null(pid_ns_create(&bad));
	ck_assert_int_eq(errno, EINVAL);
	bad.pid_max = PID_MAX_LIMIT + 1;
	ck_assert_ptr_null(pid_ns_create(&bad));
	/* i386's limit is 32768. */
	bad.arch = &pidfs_arch_i386;
	bad.pid_max = 32769;
	ck_assert_ptr_null(pid_ns_create(&bad));
	bad.pid_max = 32768;
	ns2 = pid_ns_create(&bad);
	ck_assert_ptr_nonnull(ns2);
	ck_assert_int_eq(pid_ns_set_pid_max(ns2, 32769), -EINVAL);
	ck_assert_int_eq(nstats(ns2).pid_max_limit, 32768);
	pid_ns_destroy(ns2);
	bad.arch = NULL;
	bad.pid_max = 1;
	ns2 = pid_ns_create(&bad);
	ck_assert_ptr_nonnull(ns2);
	ck_assert_ptr_null(alloc_pid(ns2));
}
END_TEST

/* Numbers at or above a lowered pid_max stay until freed. */
START_TEST(test_pid_max_lowered)
{
	enum { TOP = 600, LOW = 500 };

	ns_make(1000, -1);
	for (int i = 1; i <= TOP; i++)
		pids[i] = alloc_nr(i);
	ck_assert_int_eq(pid_ns_set_pid_max(ns, LOW), 0);
	for (int i = LOW; i <= TOP; i++)
		ck_assert_ptr_eq(lookup(i), pids[i]);
	ck_assert_ptr_eq(lookup_ge(LOW), pids[LOW]);
	/* Every number below LOW is in use: nothing to hand out. */
	ck_assert_ptr_null(alloc_pid(ns));
	free_pid(pids[TOP]);
	free_pid(pids[LOW]);
	ck_assert_ptr_null(alloc_pid(ns));
	free_pid(pids[RESERVED_PIDS + 1]);
	pids[RESERVED_PIDS + 1] = alloc_nr(RESERVED_PIDS + 1);
	pids[TOP] = pids[LOW] = NULL;
	for (int i = 1; i <= TOP; i++)
		if (pids[i])
			free_pid(pids[i]);
	ck_assert_int_eq(nstats(ns).nr_pids, 0);
}
END_TEST

/* ---- the hash table ------------------------------------------------------ */

START_TEST(test_hash_one_bucket)
{
	enum { N = 2000 };
	struct pid_ns_stats st;
	int order[N];
	uint64_t seed = 12345;

	ns_make(0, 0);
	st = nstats(ns);
	ck_assert_int_eq(st.hash_shift, 0);
	ck_assert_uint_eq(st.hash_buckets, 1);
	ck_assert_uint_eq(st.empty_buckets, 1);
	ck_assert_uint_eq(st.hash_bytes, sizeof(struct pid *));
	for (int i = 1; i <= N; i++)
		pids[i] = alloc_nr(i);
	st = nstats(ns);
	ck_assert_uint_eq(st.longest_chain, N);
	ck_assert_uint_eq(st.empty_buckets, 0);
	ck_assert_int_eq(st.nr_pids, N);
	for (int i = 1; i <= N; i++)
		ck_assert_ptr_eq(lookup(i), pids[i]);

	/* Free in random order; the rest stay found, the freed are not. */
	for (int i = 0; i < N; i++)
		order[i] = i + 1;
	for (int i = N; i > 1; i--) {
		int j = (int)(rnd(&seed) % (uint64_t)i), tmp = order[i - 1];

		order[i - 1] = order[j];
		order[j] = tmp;
	}
	for (int i = 0; i < N; i++) {
		int nr = order[i];

		free_pid(pids[nr]);
		pids[nr] = NULL;
		ck_assert_ptr_null(lookup(nr));
		if (i % 500 == 0) {
			for (int j = 1; j <= N; j++)
				ck_assert_ptr_eq(lookup(j), pids[j]);
			ck_assert_uint_eq(nstats(ns).longest_chain, N - i - 1);
		}
	}
	st = nstats(ns);
	ck_assert_uint_eq(st.longest_chain, 0);
	ck_assert_uint_eq(st.empty_buckets, 1);
	ck_assert_int_eq(st.nr_pids, 0);
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
}
END_TEST

/* Several buckets: chains add up to the number of pids. */
START_TEST(test_hash_buckets)
{
	enum { N = 1000 };
	struct pid_ns_stats st;

	ns_make(0, 4);
	for (int i = 1; i <= N; i++)
		pids[i] = alloc_nr(i);
	st = nstats(ns);
	ck_assert_uint_eq(st.hash_buckets, 16);
	ck_assert_uint_ge(st.longest_chain, N / 16);
	ck_assert_uint_lt(st.longest_chain, N);
	ck_assert_uint_eq(st.empty_buckets, 0);
	for (int i = 1; i <= N; i++)
		ck_assert_ptr_eq(lookup(i), pids[i]);
	/* Free from the middle of chains. */
	for (int i = 2; i <= N; i += 2)
		free_pid(pids[i]);
	for (int i = 1; i <= N; i++)
		ck_assert_ptr_eq(lookup(i), i % 2 ? pids[i] : NULL);
	for (int i = 1; i <= N; i += 2)
		free_pid(pids[i]);
	ck_assert_uint_eq(nstats(ns).empty_buckets, 16);
}
END_TEST

START_TEST(test_pidhash_shift_for)
{
	static const struct {
		unsigned long mb;
		int shift;
	} cases[] = {
		{ 0, 4 },      { 1, 4 },    { 2, 4 },	 { 3, 4 },
		{ 4, 5 },      { 7, 5 },    { 8, 6 },	 { 100, 9 },
		{ 511, 11 },   { 512, 12 }, { 896, 12 }, { 1024, 12 },
		{ 65536, 12 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(pidhash_shift_for(cases[i].mb) == cases[i].shift,
			      "pidhash_shift_for(%lu) = %d, expected %d",
			      cases[i].mb, pidhash_shift_for(cases[i].mb),
			      cases[i].shift);

	lm = lowmem_create(ZONE_BYTES);
	ck_assert_ptr_nonnull(lm);
	/* memory_mb sizes the table; 0 takes the zone's budget. */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pid_ns_params p = {
			.lowmem = lm,
			.arch = i % 2 ? &pidfs_arch_i386 : &pidfs_arch_x86_64,
			.hash_shift = -1,
			.memory_mb = cases[i].mb,
		};
		struct pid_ns_stats st;
		int expect = cases[i].mb ? cases[i].shift : 12;

		ns = pid_ns_create(&p);
		ck_assert_ptr_nonnull(ns);
		st = nstats(ns);
		ck_assert_int_eq(st.hash_shift, expect);
		ck_assert_uint_eq(st.hash_buckets, 1U << expect);
		ck_assert_uint_eq(st.empty_buckets, 1U << expect);
		ck_assert_uint_eq(st.hash_bytes,
				  (1U << expect) * sizeof(struct pid *));
		/* alloc_bootmem() of the modelled machine's hlist_heads */
		ck_assert_uint_eq(st.hash_charged,
				  (1U << expect) * p.arch->hlist_head_size);
		ck_assert_uint_eq(kstats(LOWMEM_PIDHASH).bytes,
				  st.hash_charged);
		ck_assert_uint_eq(kstats(LOWMEM_PIDHASH).objects, 1);
		ck_assert_uint_eq(st.pid_struct_size, p.arch->pid_size);
		pid_ns_destroy(ns);
		ck_assert_uint_eq(kstats(LOWMEM_PIDHASH).bytes, 0);
		ns = NULL;
	}
	lowmem_destroy(lm);

	/* The smallest zone rounds to 0 MB: the minimum table. */
	lm = lowmem_create(LOWMEM_MIN_BUDGET);
	ck_assert_ptr_nonnull(lm);
	ns = ns_new(0, -1);
	ck_assert_int_eq(nstats(ns).hash_shift, PIDHASH_SHIFT_MIN);
	pid_ns_destroy(ns);
	/* A table charged more than the zone holds is refused. */
	errno = 0;
	ck_assert_ptr_null(pid_ns_create(&(struct pid_ns_params){
		.lowmem = lm, .hash_shift = PIDHASH_SHIFT_LIMIT }));
	ck_assert_int_eq(errno, ENOMEM);
	ns = NULL;
	lowmem_destroy(lm);
	/* An explicit shift wins over the memory size. */
	lm = lowmem_create(ZONE_BYTES);
	ck_assert_ptr_nonnull(lm);
	ns = ns_new(0, PIDHASH_SHIFT_LIMIT);
	ck_assert_int_eq(nstats(ns).hash_shift, PIDHASH_SHIFT_LIMIT);
}
END_TEST

START_TEST(test_ns_create_invalid)
{
	struct pid_ns_params p = { .hash_shift = -1 };
	struct lowmem_stats st;

	errno = 0;
	ck_assert_ptr_null(pid_ns_create(&p));	/* no zone */
	ck_assert_int_eq(errno, EINVAL);
	lm = lowmem_create(ZONE_BYTES);
	ck_assert_ptr_nonnull(lm);
	p.lowmem = lm;
	p.hash_shift = -2;
	errno = 0;
	ck_assert_ptr_null(pid_ns_create(&p));
	ck_assert_int_eq(errno, EINVAL);
	p.hash_shift = PIDHASH_SHIFT_LIMIT + 1;
	errno = 0;
	ck_assert_ptr_null(pid_ns_create(&p));
	ck_assert_int_eq(errno, EINVAL);

	/*
	 * No memory for the hash table, then for the first bitmap page:
	 * nothing left behind.
	 */
	p.hash_shift = -1;
	for (unsigned long nth = 1; nth <= 2; nth++) {
		lowmem_fail_nth(lm, nth);
		errno = 0;
		ck_assert_ptr_null(pid_ns_create(&p));
		ck_assert_int_eq(errno, ENOMEM);
		lowmem_read_stats(lm, &st);
		ck_assert_uint_eq(st.used, 0);
		ck_assert_uint_eq(st.slab_bytes, 0);
		ck_assert_uint_eq(st.kind[LOWMEM_PIDHASH].failures, 1);
		ck_assert_uint_eq(st.kind[LOWMEM_PIDHASH].objects, 0);
		ck_assert_uint_eq(st.kind[LOWMEM_PIDMAP].failures, nth - 1);
	}
	pid_ns_destroy(NULL);
}
END_TEST

/* ---- life of a struct pid ------------------------------------------------ */

START_TEST(test_refcount_outlives_free)
{
	struct pid *p, *held;

	ns_make(0, -1);
	p = alloc_nr(1);
	ck_assert_int_eq(pid_count(p), 1);
	held = get_pid(p);
	ck_assert_ptr_eq(held, p);
	ck_assert_int_eq(pid_count(p), 2);
	free_pid(p);
	ck_assert_ptr_null(lookup(1));
	ck_assert_int_eq(nstats(ns).nr_pids, 0);
	rcu_barrier();
	/* The hash's reference is gone; ours keeps it allocated, pinned. */
	ck_assert_int_eq(pid_count(held), 1);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 1);
	ck_assert_int_eq(pid_nr(held), 1);
	ck_assert_ptr_null(lookup(1));
	/* It still reads as itself, and has no task. */
	ck_assert_ptr_null(pid_task(held, PIDTYPE_PID));
	ck_assert_ptr_null(get_pid_task(held, PIDTYPE_PID));
	/* The last put frees at once: the grace period has passed. */
	put_pid(held);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).bytes, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);
}
END_TEST

START_TEST(test_refcount_grace)
{
	struct pid *p;

	ns_make(0, -1);
	p = alloc_nr(1);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);
	free_pid(p);
	ck_assert_ptr_null(lookup(1));
	/* Until the grace period ends, readers may still be on it. */
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).allocs, 1);

	/* put_pid(NULL) is harmless. */
	put_pid(NULL);
	ck_assert_ptr_null(get_pid(NULL));
	ck_assert_int_eq(pid_nr(NULL), 0);
}
END_TEST

/* A holder that puts before the grace period ends: the hash frees. */
START_TEST(test_refcount_put_first)
{
	struct pid *p;

	ns_make(0, -1);
	p = alloc_nr(1);
	get_pid(p);
	get_pid(p);
	ck_assert_int_eq(pid_count(p), 3);
	put_pid(p);
	ck_assert_int_eq(pid_count(p), 2);
	free_pid(p);
	put_pid(p);
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);

	/* Three references: only the last put frees. */
	p = alloc_nr(2);
	get_pid(p);
	get_pid(p);
	free_pid(p);
	rcu_barrier();
	ck_assert_int_eq(pid_count(p), 2);
	put_pid(p);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 1);
	put_pid(p);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);
}
END_TEST

START_TEST(test_serials)
{
	uint64_t last = 0, s;
	struct pid *p;

	ns_make(RESERVED_PIDS + 1, -1);
	for (int i = 1; i <= RESERVED_PIDS; i++) {
		pids[i] = alloc_nr(i);
		s = pid_serial(pids[i]);
		ck_assert_uint_gt(s, last);
		last = s;
	}
	/* Only 300 is left: the same number, a new serial each time. */
	for (int round = 0; round < 200; round++) {
		free_pid(pids[RESERVED_PIDS]);
		pids[RESERVED_PIDS] = alloc_nr(RESERVED_PIDS);
		s = pid_serial(pids[RESERVED_PIDS]);
		ck_assert_uint_gt(s, last);
		last = s;
		ck_assert_ptr_null(alloc_pid(ns));
	}
	ck_assert_uint_eq(nstats(ns).serials, last);
	/* A failed allocation consumed no serial. */
	for (int i = 1; i <= RESERVED_PIDS; i++)
		free_pid(pids[i]);
	pid_ns_set_pid_max(ns, PID_MAX_DEFAULT);
	p = alloc_pid(ns);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(pid_serial(p), last + 1);
	ck_assert_uint_ne(pid_serial(p), 0);
	free_pid(p);

	/* Serials are per namespace. */
	ns2 = ns_new(0, -1);
	p = alloc_pid(ns2);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(pid_serial(p), 1);
	free_pid(p);
}
END_TEST

/* ---- lookups ------------------------------------------------------------- */

START_TEST(test_find_ge)
{
	ns_make(3 * BITS_PER_PAGE, -1);
	ck_assert_ptr_null(lookup_ge(0));
	ck_assert_ptr_null(lookup_ge(1));
	for (int i = 1; i <= 10; i++)
		pids[i] = alloc_nr(i);
	free_pid(pids[3]);
	free_pid(pids[4]);
	free_pid(pids[5]);
	free_pid(pids[10]);

	/* Reserved 0 and negative numbers start at the first pid. */
	ck_assert_ptr_eq(lookup_ge(0), pids[1]);
	ck_assert_ptr_eq(lookup_ge(-100), pids[1]);
	ck_assert_ptr_eq(lookup_ge(1), pids[1]);
	ck_assert_ptr_eq(lookup_ge(2), pids[2]);
	/* Holes are skipped. */
	ck_assert_ptr_eq(lookup_ge(3), pids[6]);
	ck_assert_ptr_eq(lookup_ge(5), pids[6]);
	ck_assert_ptr_eq(lookup_ge(9), pids[9]);
	/* Past the last: NULL, up to and beyond the limit. */
	ck_assert_ptr_null(lookup_ge(10));
	ck_assert_ptr_null(lookup_ge(11));
	ck_assert_ptr_null(lookup_ge(PID_MAX_LIMIT - 1));
	ck_assert_ptr_null(lookup_ge(PID_MAX_LIMIT));
	ck_assert_ptr_null(lookup_ge(0x7fffffff));

	/* Across a missing bitmap page (page 1 is never installed). */
	pid_ns_set_last_pid(ns, 2 * BITS_PER_PAGE + 5);
	pids[11] = alloc_nr(2 * BITS_PER_PAGE + 6);
	ck_assert_int_eq(nstats(ns).pidmap_pages, 2);
	ck_assert_ptr_eq(lookup_ge(10), pids[11]);
	ck_assert_ptr_eq(lookup_ge(BITS_PER_PAGE), pids[11]);
	ck_assert_ptr_eq(lookup_ge(2 * BITS_PER_PAGE + 6), pids[11]);
	ck_assert_ptr_null(lookup_ge(2 * BITS_PER_PAGE + 7));

	/* A walk as readdir does it visits each pid once, in order. */
	{
		int seen[8], n = 0, nr = 0;
		struct pid *p;

		rcu_read_lock();
		while ((p = find_ge_pid_ns(nr, ns)) && n < 8) {
			seen[n++] = pid_nr(p);
			nr = pid_nr(p) + 1;
		}
		rcu_read_unlock();
		ck_assert_int_eq(n, 7);
		ck_assert_int_eq(seen[0], 1);
		ck_assert_int_eq(seen[1], 2);
		ck_assert_int_eq(seen[2], 6);
		ck_assert_int_eq(seen[5], 9);
		ck_assert_int_eq(seen[6], 2 * BITS_PER_PAGE + 6);
	}
	for (int i = 1; i <= 11; i++)
		if (i < 3 || (i > 5 && i != 10))
			free_pid(pids[i]);
	ck_assert_ptr_null(lookup_ge(0));
}
END_TEST

START_TEST(test_find_get_pid)
{
	struct pid *p, *got;

	ns_make(0, -1);
	ck_assert_ptr_null(find_get_pid_ns(1, ns));
	ck_assert_ptr_null(find_get_pid_ns(0, ns));
	p = alloc_nr(1);
	got = find_get_pid_ns(1, ns);
	ck_assert_ptr_eq(got, p);
	ck_assert_int_eq(pid_count(p), 2);
	free_pid(p);
	ck_assert_ptr_null(find_get_pid_ns(1, ns));
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	ck_assert_int_eq(pid_nr(got), 1);
	put_pid(got);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);

	/* No task on a bare pid, of any type; NULL pid, NULL task. */
	p = alloc_nr(2);
	for (int t = 0; t < PIDTYPE_MAX; t++) {
		ck_assert_ptr_null(pid_task(p, t));
		ck_assert_ptr_null(get_pid_task(p, t));
		ck_assert_ptr_null(pid_task(NULL, t));
		ck_assert_ptr_null(get_pid_task(NULL, t));
		rcu_read_lock();
		ck_assert_ptr_null(find_task_by_pid_type_ns(t, 2, ns));
		ck_assert_ptr_null(find_task_by_pid_type_ns(t, 3, ns));
		rcu_read_unlock();
	}
	free_pid(p);
}
END_TEST

/* Two namespaces do not see each other's pids. */
START_TEST(test_ns_separate)
{
	struct pid *a, *b;

	ns_make(0, -1);
	ns2 = ns_new(0, 2);
	a = alloc_nr(1);
	b = alloc_pid(ns2);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(pid_nr(b), 1);
	ck_assert_ptr_ne(a, b);
	rcu_read_lock();
	ck_assert_ptr_eq(find_pid_ns(1, ns), a);
	ck_assert_ptr_eq(find_pid_ns(1, ns2), b);
	rcu_read_unlock();
	free_pid(a);
	rcu_read_lock();
	ck_assert_ptr_null(find_pid_ns(1, ns));
	ck_assert_ptr_eq(find_pid_ns(1, ns2), b);
	rcu_read_unlock();
	free_pid(b);
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
}
END_TEST

/* ---- the initial namespace ----------------------------------------------- */

START_TEST(test_init_pid_ns)
{
	struct pidfs_kernel_params kp = { .hash_shift = -1 };
	struct task_struct *init_task;
	struct pid *p, *q, *got;

	/* Earlier tests left no namespace behind. */
	ck_assert_ptr_null(init_pid_ns);
	ns_make(0, -1);
	ck_assert_ptr_eq(init_pid_ns, ns);
	/* A second namespace does not replace the initial one. */
	ns2 = ns_new(0, -1);
	ck_assert_ptr_eq(init_pid_ns, ns);

	p = alloc_pid(init_pid_ns);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pid_nr(p), 1);
	q = alloc_pid(init_pid_ns);
	ck_assert_int_eq(pid_nr(q), 2);
	rcu_read_lock();
	ck_assert_ptr_eq(find_pid(1), p);
	ck_assert_ptr_eq(find_pid_ns(1, ns), p);
	ck_assert_ptr_null(find_pid_ns(1, ns2));
	ck_assert_ptr_eq(find_ge_pid(0), p);
	ck_assert_ptr_null(find_ge_pid(3));
	ck_assert_ptr_null(find_task_by_pid_type(PIDTYPE_PID, 1));
	rcu_read_unlock();
	got = find_get_pid(2);
	ck_assert_ptr_eq(got, q);
	ck_assert_int_eq(pid_count(q), 2);
	free_pid(p);
	free_pid(q);
	rcu_read_lock();
	ck_assert_ptr_null(find_pid(1));
	ck_assert_ptr_null(find_ge_pid(0));
	rcu_read_unlock();
	ck_assert_ptr_null(find_get_pid(2));
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 1);
	put_pid(got);
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);

	/* Destroying it leaves no initial namespace, not the other one. */
	pid_ns_destroy(ns);
	ns = NULL;
	ck_assert_ptr_null(init_pid_ns);
	pid_ns_destroy(ns2);
	ns2 = NULL;

	/* A kernel made now owns the initial namespace. */
	ck_assert_int_eq(pidfs_kernel_create(&kp, &kern), 0);
	ck_assert_ptr_eq(init_pid_ns, pidfs_kernel_ns(kern));
	rcu_read_lock();
	init_task = find_task_by_pid_type(PIDTYPE_PID, 1);
	ck_assert_ptr_nonnull(init_task);
	ck_assert_int_eq(init_task->pid, 1);
	for (int t = 0; t < PIDTYPE_MAX; t++)
		ck_assert_ptr_eq(find_task_by_pid_type(t, 1), init_task);
	ck_assert_ptr_null(find_task_by_pid_type(PIDTYPE_PID, 2));
	rcu_read_unlock();
	pidfs_kernel_destroy(kern);
	kern = NULL;
	ck_assert_ptr_null(init_pid_ns);
}
END_TEST

/* ---- threads ------------------------------------------------------------- */

#define WRITERS		3
#define READERS		2
#define ROUNDS		20000
#define CONC_PID_MAX	1000
#define HELD		32

static int owner[CONC_PID_MAX];	/* ATOMIC: 1 while a writer holds nr */
static int writers_done;	/* ATOMIC */

struct worker {
	pthread_t thread;
	uint64_t seed;
	unsigned long ops, failed, bad;
};

static void *writer_fn(void *arg)
{
	struct worker *w = arg;
	struct pid *held[HELD] = { NULL };

	for (int r = 0; r < ROUNDS; r++) {
		int i = (int)(rnd(&w->seed) % HELD), nr;

		if (held[i]) {
			nr = pid_nr(held[i]);
			__atomic_store_n(&owner[nr], 0, __ATOMIC_RELAXED);
			free_pid(held[i]);
			held[i] = NULL;
			continue;
		}
		held[i] = alloc_pid(ns);
		if (!held[i]) {
			w->failed++;
			continue;
		}
		w->ops++;
		nr = pid_nr(held[i]);
		/* No number is handed to two holders at once. */
		if (nr <= 0 || nr >= CONC_PID_MAX ||
		    __atomic_exchange_n(&owner[nr], 1, __ATOMIC_RELAXED))
			w->bad++;
	}
	for (int i = 0; i < HELD; i++) {
		if (!held[i])
			continue;
		__atomic_store_n(&owner[pid_nr(held[i])], 0, __ATOMIC_RELAXED);
		free_pid(held[i]);
	}
	return NULL;
}

static void *reader_fn(void *arg)
{
	struct worker *w = arg;

	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE) ||
	       w->ops < 1000) {
		int nr = 1 + (int)(rnd(&w->seed) % (CONC_PID_MAX - 1)), last;
		struct pid *p;

		w->ops++;
		p = find_get_pid_ns(nr, ns);
		if (p) {
			if (pid_nr(p) != nr)
				w->bad++;
			put_pid(p);
		}
		/* A readdir-like walk: strictly increasing numbers. */
		last = 0;
		rcu_read_lock();
		for (int n = 0; n < 20; n++) {
			p = find_ge_pid_ns(last + 1, ns);
			if (!p)
				break;
			if (pid_nr(p) <= last)
				w->bad++;
			last = pid_nr(p);
		}
		rcu_read_unlock();
	}
	return NULL;
}

START_TEST(test_threads)
{
	struct worker w[WRITERS + READERS];
	unsigned long ops = 0, failed = 0;

	ns_make(CONC_PID_MAX, 3);
	memset(owner, 0, sizeof(owner));
	writers_done = 0;
	memset(w, 0, sizeof(w));
	for (int i = 0; i < WRITERS + READERS; i++) {
		w[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
		ck_assert_int_eq(pthread_create(&w[i].thread, NULL,
						i < WRITERS ? writer_fn :
							      reader_fn,
						&w[i]),
				 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
		ops += w[i].ops;
		failed += w[i].failed;
	}
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	for (int i = WRITERS; i < WRITERS + READERS; i++)
		ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
	for (int i = 0; i < WRITERS + READERS; i++)
		ck_assert_uint_eq(w[i].bad, 0);
	ck_assert_uint_gt(ops, 0);
	ck_assert_int_eq(nstats(ns).nr_pids, 0);
	ck_assert_ptr_null(lookup_ge(0));
	rcu_barrier();
	ck_assert_uint_eq(kstats(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kstats(LOWMEM_PID).pinned, 0);
	/* A struct pid that found no number was allocated, not hashed. */
	ck_assert_uint_eq(kstats(LOWMEM_PID).allocs,
			  nstats(ns).serials + failed);
	ck_assert_uint_eq(nstats(ns).serials, ops);
}
END_TEST

Suite *pid_suite(void)
{
	Suite *s = suite_create("pid");
	TCase *tc;

	tc = tcase_create("pidmap");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_next_fit);
	tcase_add_test(tc, test_wrap);
	tcase_add_test(tc, test_pid_zero);
	tcase_add_test(tc, test_exhaust_small);
	tcase_add_test(tc, test_exhaust_free_last_pid);
	tcase_add_test(tc, test_exhaust_large);
	tcase_add_test(tc, test_lazy_pages);
	tcase_add_test(tc, test_pid_max);
	tcase_add_test(tc, test_pid_max_lowered);
	suite_add_tcase(s, tc);

	tc = tcase_create("hash");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hash_one_bucket);
	tcase_add_test(tc, test_hash_buckets);
	tcase_add_test(tc, test_pidhash_shift_for);
	tcase_add_test(tc, test_ns_create_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_refcount_outlives_free);
	tcase_add_test(tc, test_refcount_grace);
	tcase_add_test(tc, test_refcount_put_first);
	tcase_add_test(tc, test_serials);
	tcase_add_test(tc, test_find_ge);
	tcase_add_test(tc, test_find_get_pid);
	tcase_add_test(tc, test_ns_separate);
	tcase_add_test(tc, test_init_pid_ns);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}
