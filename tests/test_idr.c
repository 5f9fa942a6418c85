// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the IDR (src/idr.c): Linux 4.15's lib/idr.c over its
 * radix tree.
 *
 * Covers: idr_alloc() ranges and errors, idr_alloc_cyclic() as 4.15's
 * alloc_pid() uses it (wrap to RESERVED_PIDS past used ids, -ENOSPC when
 * full), idr_remove(), idr_replace() of an id stored as NULL,
 * idr_get_next() across holes and node boundaries, the tree's height as
 * it grows and shrinks with nodes charged to the zone at the size asked,
 * a failure injected at each node allocation (the tree unchanged, nothing
 * leaked), RCU readers in threads against writers (never a torn or
 * missing result), and a long random run in lockstep with a bitmap.
 *
 * Each test builds its zone and IDR with idr_make(); the checked fixture
 * tears them down (pidfs_idr_exit() waits for the RCU callbacks), so the
 * suite runs the same with CK_FORK=no.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/idr.h"
#include "pidfs/lowmem.h"
#include "pidfs/rcu.h"

#include "pidtest.h"
#include "suites.h"

#define ZONE_BYTES (UINT64_C(64) << 20)
#define RESERVED_PIDS 300

static struct lowmem *lm;
static struct idr idr;

static void teardown(void)
{
	pidfs_idr_exit(&idr);
	if (lm)
		lowmem_destroy(lm);
	lm = NULL;
}

static void idr_make(size_t node_bytes)
{
	lm = lowmem_create(ZONE_BYTES);
	ck_assert_ptr_nonnull(lm);
	ck_assert_int_eq(idr_init(&idr, lm, node_bytes), 0);
}

/* A pointer that says which id it was stored at; never dereferenced. */
static void *val(int id)
{
	return (void *)(uintptr_t)(((uintptr_t)id << 4) | 8);
}

static int val_id(const void *p)
{
	return (int)((uintptr_t)p >> 4);
}

static struct idr_stats stats(void)
{
	struct idr_stats st;

	pidfs_idr_read_stats(&idr, &st);
	return st;
}

static struct lowmem_kind_stats kstats(void)
{
	struct lowmem_stats st;

	lowmem_read_stats(lm, &st);
	return st.kind[LOWMEM_IDR];
}

/*
 * The zone holds exactly the IDR's nodes, tree and reserve, once the
 * nodes it let go have passed their grace period.
 */
static void check_charged(void)
{
	struct idr_stats st = stats();

	rcu_barrier();
	ck_assert_uint_eq(kstats().objects, st.nodes + st.reserve);
	ck_assert_uint_eq(kstats().bytes, st.bytes);
}

static void *find(int id)
{
	void *p;

	rcu_read_lock();
	p = idr_find(&idr, id);
	rcu_read_unlock();
	return p;
}

/* 4.15's alloc_pid(): init needs pid 1; after the cursor passes
 * RESERVED_PIDS, wrap back to it. */
static int alloc_pid_nr(void *ptr, int pid_max)
{
	int pid_min = 1;

	if (idr_get_cursor(&idr) > RESERVED_PIDS)
		pid_min = RESERVED_PIDS;
	return idr_alloc_cyclic(&idr, ptr, pid_min, pid_max);
}

START_TEST(test_alloc_range)
{
	idr_make(0);
	ck_assert(idr_is_empty(&idr));
	ck_assert_int_eq(idr_alloc(&idr, val(0), 0, 0), 0);
	ck_assert_int_eq(idr_alloc(&idr, val(1), 0, 0), 1);
	ck_assert_int_eq(idr_alloc(&idr, val(10), 10, 20), 10);
	ck_assert_int_eq(idr_alloc(&idr, val(11), 10, 20), 11);
	ck_assert_int_eq(idr_alloc(&idr, val(2), 0, 0), 2);
	ck_assert_int_eq(idr_alloc(&idr, NULL, -1, 0), -EINVAL);
	ck_assert_int_eq(idr_alloc(&idr, NULL, 5, 5), -ENOSPC);
	ck_assert_int_eq(idr_alloc(&idr, NULL, 10, 12), -ENOSPC);
	ck_assert_int_eq(idr_alloc(&idr, val(INT_MAX), INT_MAX, 0), INT_MAX);
	ck_assert_int_eq(idr_alloc(&idr, NULL, INT_MAX, 0), -ENOSPC);
	for (int id = 0; id < 3; id++)
		ck_assert_ptr_eq(find(id), val(id));
	ck_assert_ptr_null(find(3));
	ck_assert_ptr_null(find(-1));
	ck_assert_ptr_eq(find(INT_MAX), val(INT_MAX));
	ck_assert_uint_eq(stats().ids, 6);
	ck_assert_uint_eq(stats().height, 6); /* 31 bits, 6 per level */
	check_charged();
}
END_TEST

START_TEST(test_cyclic_wrap)
{
	const int pid_max = 1000;

	idr_make(0);
	/* init gets 1, then 2, 3, ... up to pid_max - 1 */
	for (int nr = 1; nr < pid_max; nr++)
		ck_assert_int_eq(alloc_pid_nr(val(nr), pid_max), nr);
	ck_assert_uint_eq(idr_get_cursor(&idr), (unsigned int)pid_max);
	/* Free some below RESERVED_PIDS, at it and above it. */
	ck_assert_ptr_eq(idr_remove(&idr, 5), val(5));
	ck_assert_ptr_eq(idr_remove(&idr, 299), val(299));
	ck_assert_ptr_eq(idr_remove(&idr, 300), val(300));
	ck_assert_ptr_eq(idr_remove(&idr, 301), val(301));
	ck_assert_ptr_eq(idr_remove(&idr, 640), val(640));
	ck_assert_ptr_eq(idr_remove(&idr, 998), val(998));
	/* Nothing free from the cursor: wrap to 300, skipping used ids. */
	ck_assert_int_eq(alloc_pid_nr(val(300), pid_max), 300);
	ck_assert_int_eq(alloc_pid_nr(val(301), pid_max), 301);
	ck_assert_int_eq(alloc_pid_nr(val(640), pid_max), 640);
	/* From the cursor on, not from the start. */
	ck_assert_int_eq(alloc_pid_nr(val(998), pid_max), 998);
	/* 5 and 299 are below RESERVED_PIDS: never handed out again. */
	ck_assert_int_eq(alloc_pid_nr(NULL, pid_max), -ENOSPC);
	ck_assert_ptr_null(find(5));
	ck_assert_ptr_null(find(299));
	/* -ENOSPC leaves the cursor alone. */
	ck_assert_uint_eq(idr_get_cursor(&idr), 999);
	/*
	 * A lowered end (pid_max) below the cursor: the wrap's pass stops
	 * at the end, not at the cursor, so 640 stays out.
	 */
	ck_assert_ptr_eq(idr_remove(&idr, 640), val(640));
	ck_assert_ptr_eq(idr_remove(&idr, 400), val(400));
	ck_assert_int_eq(idr_alloc_cyclic(&idr, val(400), RESERVED_PIDS, 500),
			 400);
	ck_assert_int_eq(idr_alloc_cyclic(&idr, NULL, RESERVED_PIDS, 500),
			 -ENOSPC);
	ck_assert_ptr_null(find(640));
	check_charged();
}
END_TEST

START_TEST(test_full)
{
	const int end = 200;

	idr_make(0);
	for (int i = 0; i < end; i++)
		ck_assert_int_eq(idr_alloc_cyclic(&idr, val(i), 0, end), i);
	ck_assert_int_eq(idr_alloc_cyclic(&idr, NULL, 0, end), -ENOSPC);
	ck_assert_int_eq(idr_alloc(&idr, NULL, 0, end), -ENOSPC);
	ck_assert_uint_eq(stats().ids, (unsigned long)end);
	ck_assert_ptr_eq(idr_remove(&idr, 77), val(77));
	ck_assert_int_eq(idr_alloc_cyclic(&idr, val(77), 0, end), 77);
	ck_assert_int_eq(idr_alloc_cyclic(&idr, NULL, 0, end), -ENOSPC);
	/* Beyond the range the tree grows on. */
	ck_assert_int_eq(idr_alloc(&idr, val(end), 0, 0), end);
	check_charged();
}
END_TEST

START_TEST(test_remove)
{
	idr_make(0);
	for (int i = 0; i < 130; i++)
		ck_assert_int_eq(idr_alloc(&idr, val(i), 0, 0), i);
	ck_assert_ptr_eq(idr_remove(&idr, 64), val(64));
	ck_assert_ptr_null(idr_remove(&idr, 64)); /* twice */
	ck_assert_ptr_null(idr_remove(&idr, 1000)); /* never */
	ck_assert_ptr_null(idr_remove(&idr, -3));
	ck_assert_ptr_null(find(64));
	ck_assert_ptr_eq(find(63), val(63));
	ck_assert_ptr_eq(find(65), val(65));
	/* The lowest free id is the hole. */
	ck_assert_int_eq(idr_alloc(&idr, val(64), 0, 0), 64);
	/* An id holding NULL is allocated, and removing it frees it. */
	ck_assert_int_eq(idr_alloc(&idr, NULL, 0, 0), 130);
	ck_assert_ptr_null(find(130));
	ck_assert_int_eq(idr_alloc(&idr, val(131), 0, 0), 131);
	ck_assert_ptr_null(idr_remove(&idr, 130));
	ck_assert_int_eq(idr_alloc(&idr, val(130), 0, 0), 130);
	for (int i = 0; i < 132; i++)
		ck_assert_ptr_eq(idr_remove(&idr, i), val(i));
	ck_assert(idr_is_empty(&idr));
	ck_assert_uint_eq(stats().nodes, 0);
	ck_assert_uint_eq(stats().height, 0);
	check_charged();
}
END_TEST

START_TEST(test_replace)
{
	int id = 0;

	idr_make(0);
	ck_assert_int_eq(idr_alloc(&idr, val(0), 0, 0), 0);
	/* 4.15's alloc_pid(): NULL first, the pid once it is ready */
	ck_assert_int_eq(idr_alloc(&idr, NULL, 0, 0), 1);
	ck_assert_int_eq(idr_alloc(&idr, val(2), 0, 0), 2);
	ck_assert_ptr_null(find(1));
	rcu_read_lock();
	ck_assert_ptr_eq(idr_get_next(&idr, &id), val(0));
	id = 1;
	ck_assert_ptr_eq(idr_get_next(&idr, &id), val(2));
	ck_assert_int_eq(id, 2);
	rcu_read_unlock();
	ck_assert_ptr_null(idr_replace(&idr, val(1), 1));
	ck_assert_ptr_eq(find(1), val(1));
	ck_assert_ptr_eq(idr_replace(&idr, val(100), 1), val(1));
	ck_assert_ptr_eq(idr_replace(&idr, val(1), 1), val(100));
	ck_assert_ptr_eq(idr_replace(&idr, val(3), 3), ERR_PTR(-ENOENT));
	ck_assert(IS_ERR(idr_replace(&idr, val(3), 3)));
	ck_assert_int_eq(PTR_ERR(idr_replace(&idr, val(3), -1)), -EINVAL);
	ck_assert_ptr_eq(idr_replace(&idr, val(9), 1 << 20), ERR_PTR(-ENOENT));
	/* replace never allocates: 3 is still free */
	ck_assert_int_eq(idr_alloc(&idr, val(3), 0, 0), 3);
	ck_assert_uint_eq(stats().ids, 4);
}
END_TEST

static int collect(int id, void *p, void *data)
{
	int **out = data;

	ck_assert_int_eq(val_id(p), id);
	*(*out)++ = id;
	return id == 262144 ? 7 : 0;
}

START_TEST(test_get_next)
{
	/* both sides of every node boundary up to three levels */
	static const int ids[] = {
		1, 63, 64, 127, 128, 4095, 4096, 4097, 262143, 262144, 1 << 20,
	};
	const int n = (int)(sizeof(ids) / sizeof(ids[0]));
	int got[16], *out = got;

	idr_make(0);
	for (int i = n - 1; i >= 0; i--)
		ck_assert_int_eq(idr_alloc(&idr, val(ids[i]), ids[i], 0),
				 ids[i]);
	/* an allocated NULL between, which the walk skips */
	ck_assert_int_eq(idr_alloc(&idr, NULL, 2000, 0), 2000);
	rcu_read_lock();
	for (int i = 0, id = 0; i <= n; i++, id++) {
		void *p = idr_get_next(&idr, &id);

		if (i == n) {
			ck_assert_ptr_null(p);
			break;
		}
		ck_assert_ptr_eq(p, val(ids[i]));
		ck_assert_int_eq(id, ids[i]);
	}
	/* from each id + 1, and from the middle of every hole */
	for (int i = 0; i < n - 1; i++) {
		int id = ids[i] + 1;

		ck_assert_ptr_eq(idr_get_next(&idr, &id), val(ids[i + 1]));
		ck_assert_int_eq(id, ids[i + 1]);
		id = ids[i] + (ids[i + 1] - ids[i] + 1) / 2;
		if (id > ids[i])
			ck_assert_ptr_eq(idr_get_next(&idr, &id),
					 val(ids[i + 1]));
	}
	{
		int id = (1 << 20) + 1;

		ck_assert_ptr_null(idr_get_next(&idr, &id));
		id = INT_MAX;
		ck_assert_ptr_null(idr_get_next(&idr, &id));
	}
	/* idr_for_each: in order, stopping where fn says */
	ck_assert_int_eq(idr_for_each(&idr, collect, &out), 7);
	ck_assert_int_eq((int)(out - got), 10);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(got[i], ids[i]);
	rcu_read_unlock();
}
END_TEST

START_TEST(test_height)
{
	const size_t bytes = IDR_NODE_BYTES_I386;

	idr_make(bytes);
	ck_assert_uint_eq(stats().height, 0);
	ck_assert_int_eq(idr_alloc(&idr, val(0), 0, 0), 0);
	ck_assert_uint_eq(stats().height, 1);
	ck_assert_uint_eq(stats().nodes, 1);
	/* id 64: a level on top, a leaf beside the first */
	ck_assert_int_eq(idr_alloc(&idr, val(64), 64, 0), 64);
	ck_assert_uint_eq(stats().height, 2);
	ck_assert_uint_eq(stats().nodes, 3);
	/* id 4096: one more level and a path of two below it */
	ck_assert_int_eq(idr_alloc(&idr, val(4096), 4096, 0), 4096);
	ck_assert_uint_eq(stats().height, 3);
	ck_assert_uint_eq(stats().nodes, 6);
	ck_assert_uint_eq(stats().node_bytes, bytes);
	check_charged();
	ck_assert_uint_eq(kstats().bytes % bytes, 0);
	/* Removing the high ids shrinks the tree back to one leaf. */
	ck_assert_ptr_eq(idr_remove(&idr, 4096), val(4096));
	ck_assert_uint_eq(stats().height, 2);
	ck_assert_uint_eq(stats().nodes, 3);
	ck_assert_ptr_eq(idr_remove(&idr, 64), val(64));
	ck_assert_uint_eq(stats().height, 1);
	ck_assert_uint_eq(stats().nodes, 1);
	ck_assert_ptr_eq(find(0), val(0));
	/* Not while an id sits away from slot 0 at the top. */
	ck_assert_int_eq(idr_alloc(&idr, val(70), 70, 0), 70);
	ck_assert_ptr_eq(idr_remove(&idr, 0), val(0));
	ck_assert_uint_eq(stats().height, 2);
	ck_assert_uint_eq(stats().nodes, 2);
	ck_assert_ptr_eq(find(70), val(70));
	ck_assert_ptr_eq(idr_remove(&idr, 70), val(70));
	ck_assert_uint_eq(stats().height, 0);
	ck_assert_uint_eq(stats().nodes, 0);
	/* The freed nodes go back after a grace period. */
	pidfs_idr_drop_reserve(&idr);
	rcu_barrier();
	ck_assert_uint_eq(kstats().objects, 0);
	ck_assert_uint_eq(kstats().bytes, 0);
	/* 32768 pids: a tree of three levels, 1 + 8 + 512 nodes */
	for (int i = 0; i < 32768; i++)
		ck_assert_int_eq(idr_alloc_cyclic(&idr, val(i), 0, 32768), i);
	ck_assert_uint_eq(stats().height, 3);
	ck_assert_uint_eq(stats().nodes, 1 + 8 + 512);
	check_charged();
}
END_TEST

/* Every id and value, and the tree's shape, to compare after a failure. */
struct snap {
	int n;
	int ids[64];
	struct idr_stats st;
	unsigned int cursor;
};

static void take(struct snap *s)
{
	s->n = 0;
	rcu_read_lock();
	for (int id = 0; idr_get_next(&idr, &id); id++) {
		ck_assert_int_lt(s->n, 64);
		s->ids[s->n++] = id;
	}
	rcu_read_unlock();
	s->st = stats();
	s->cursor = idr_get_cursor(&idr);
}

static void same(const struct snap *a, const struct snap *b)
{
	ck_assert_int_eq(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->ids[i], b->ids[i]);
		ck_assert_ptr_eq(find(a->ids[i]), val(a->ids[i]));
	}
	ck_assert_uint_eq(a->st.nodes, b->st.nodes);
	ck_assert_uint_eq(a->st.height, b->st.height);
	ck_assert_uint_eq(a->st.ids, b->st.ids);
	ck_assert_uint_eq(a->cursor, b->cursor);
}

/*
 * Build the tree of @nr_ids ids, empty the reserve, then try the
 * allocation of [@start, @end) with the 1st, 2nd, ... node allocation
 * failing until it succeeds.  Returns how many failures it saw.
 */
static int fail_each(const int *ids, int nr_ids, int start, int end,
		     bool cyclic)
{
	int failures = 0;

	for (unsigned long nth = 1;; nth++) {
		struct snap before, after;
		int id;

		idr_make(0);
		for (int i = 0; i < nr_ids; i++)
			ck_assert_int_eq(idr_alloc(&idr, val(ids[i]), ids[i],
						   ids[i] + 1),
					 ids[i]);
		if (cyclic)
			idr_set_cursor(&idr, (unsigned int)end);
		pidfs_idr_drop_reserve(&idr);
		take(&before);
		lowmem_fail_nth(lm, nth);
		id = cyclic ? idr_alloc_cyclic(&idr, NULL, start, end) :
			      idr_alloc(&idr, NULL, start, end);
		lowmem_fail_nth(lm, 0);
		if (id >= 0) {
			ck_assert_int_ge(id, start);
			ck_assert_ptr_eq(idr_replace(&idr, val(id), id), NULL);
			ck_assert_ptr_eq(find(id), val(id));
			check_charged();
			teardown();
			return failures;
		}
		ck_assert_int_eq(id, -ENOMEM);
		failures++;
		take(&after);
		same(&before, &after);
		/* Nothing leaked: what the zone holds, the IDR holds. */
		check_charged();
		ck_assert_uint_eq(kstats().failures, 1);
		teardown();
		ck_assert_int_lt(failures, 20);
	}
}

START_TEST(test_fault_injection)
{
	static const int low[] = { 0, 1, 2, 3 };
	static const int row[] = { 0, 64, 128 };
	static const int high[] = { 5, 1 << 20 };

	/* an empty tree: every level of the path */
	ck_assert_int_eq(fail_each(NULL, 0, 1 << 20, 0, false), 4);
	/* extend one level from a single leaf, and a leaf beside it */
	ck_assert_int_ge(fail_each(low, 4, 64, 0, false), 2);
	/* extend three levels from a single leaf */
	ck_assert_int_ge(fail_each(low, 4, 1 << 20, 0, false), 4);
	/* a new leaf inside a tree of two levels */
	ck_assert_int_ge(fail_each(row, 3, 200, 0, false), 1);
	/* a missing middle node in a tree of four levels */
	ck_assert_int_ge(fail_each(high, 2, 70000, 0, false), 2);
	/* idr_alloc_cyclic's wrap: the second idr_alloc allocates */
	ck_assert_int_ge(fail_each(row, 3, 300, 400, true), 1);
}
END_TEST

/* ---- RCU readers against writers ----------------------------------------- */

#define STABLE_STEP 97 /* ids that never change: 0, 97, 194, ... */
#define RW_RANGE 5000
#define WRITER_OPS 40000
#define NR_READERS 2

static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static int writers_done; /* ATOMIC */

static void *reader_fn(void *arg)
{
	struct pidtest_reader *r = arg;

	do {
		for (int k = 0; k < 256; k++) {
			int id = (int)(pidtest_rnd(&r->seed) % RW_RANGE);
			void *p;

			if (k % 16 == 0)
				id = (1 << 18) +
				     (int)(pidtest_rnd(&r->seed) % 64);
			rcu_read_lock();
			p = idr_find(&idr, id);
			/* a value is always its own id's, never torn */
			if (p && val_id(p) != id)
				r->bad++;
			/* the stable ids survive growth and shrinking */
			if (id % STABLE_STEP == 0 && id < RW_RANGE && !p)
				r->bad++;
			p = idr_get_next(&idr, &id);
			if (p && val_id(p) != id)
				r->bad++;
			rcu_read_unlock();
			r->reads++;
		}
	} while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE));
	return NULL;
}

START_TEST(test_rcu_readers)
{
	struct pidtest_reader r[NR_READERS];
	uint64_t seed = 0x243f6a8885a308d3ULL;
	int high = -1;

	idr_make(0);
	writers_done = 0;
	for (int id = 0; id < RW_RANGE; id += STABLE_STEP)
		ck_assert_int_eq(idr_alloc(&idr, val(id), id, id + 1), id);
	memset(r, 0, sizeof(r));
	for (int i = 0; i < NR_READERS; i++) {
		r[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
		ck_assert_int_eq(pthread_create(&r[i].thread, NULL, reader_fn,
						&r[i]),
				 0);
	}
	for (int op = 0; op < WRITER_OPS; op++) {
		int id = (int)(pidtest_rnd(&seed) % RW_RANGE);

		pthread_mutex_lock(&wlock);
		switch (pidtest_rnd(&seed) % 4) {
		case 0:
		case 1:
			/* as alloc_pid(): NULL, then the value */
			id = idr_alloc_cyclic(&idr, NULL, 1, RW_RANGE);
			if (id >= 0)
				idr_replace(&idr, val(id), id);
			break;
		case 2:
			if (id % STABLE_STEP)
				idr_remove(&idr, id);
			break;
		default:
			/* grow a level on top, or shrink it back */
			if (high < 0) {
				high = idr_alloc(&idr, val(1 << 18), 1 << 18,
						 0);
			} else {
				idr_remove(&idr, high);
				high = -1;
			}
			break;
		}
		pthread_mutex_unlock(&wlock);
	}
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < NR_READERS; i++) {
		ck_assert_int_eq(pthread_join(r[i].thread, NULL), 0);
		ck_assert_uint_eq(r[i].bad, 0);
		ck_assert_uint_gt(r[i].reads, 0);
	}
	for (int id = 0; id < RW_RANGE; id += STABLE_STEP)
		ck_assert_ptr_eq(find(id), val(id));
	check_charged();
}
END_TEST

/* ---- lockstep with a bitmap ---------------------------------------------- */

#define LS_MAX 700 /* ids 0..LS_MAX-1: three leaves */
#define LS_OPS 200000

struct ref {
	unsigned char used[LS_MAX];
	bool null[LS_MAX]; /* allocated, holding NULL */
	unsigned int cursor;
	int n;
};

static int ref_first_free(const struct ref *ref, int from, int to)
{
	for (int id = from; id < to; id++)
		if (!ref->used[id])
			return id;
	return -ENOSPC;
}

static int ref_cyclic(struct ref *ref, int start, int end)
{
	int curr = (int)ref->cursor, id;

	if (curr < start)
		curr = start;
	id = curr < end ? ref_first_free(ref, curr, end) : -ENOSPC;
	/* 4.15: the second pass is bounded by @end too */
	if (id == -ENOSPC && curr > start)
		id = ref_first_free(ref, start, end);
	if (id >= 0) {
		ref->used[id] = 1;
		ref->cursor = (unsigned int)id + 1;
		ref->n++;
	}
	return id;
}

static int ref_next(const struct ref *ref, int from)
{
	for (int id = from; id < LS_MAX; id++)
		if (ref->used[id] && !ref->null[id])
			return id;
	return -1;
}

START_TEST(test_lockstep)
{
	static struct ref ref;
	uint64_t seed = 0x13198a2e03707344ULL;

	memset(&ref, 0, sizeof(ref));
	idr_make(0);
	for (int op = 0; op < LS_OPS; op++) {
		uint64_t r = pidtest_rnd(&seed);
		int id = (int)(pidtest_rnd(&seed) % LS_MAX), got, want;
		/* phases: mostly allocating, then mostly freeing */
		bool filling = (op / 20000) % 2 == 0;

		switch (r % 8) {
		case 0:
		case 1:
		case 2: {
			int start = r % 64 ? RESERVED_PIDS : 1;
			bool null = r % 5 == 0;

			if (!filling && r % 2)
				break;
			want = ref_cyclic(&ref, start, LS_MAX);
			got = idr_alloc_cyclic(&idr, null ? NULL : val(want),
					       start, LS_MAX);
			ck_assert_int_eq(got, want);
			if (got >= 0)
				ref.null[got] = null;
			break;
		}
		case 3:
		case 4:
			if (filling && r % 2)
				break;
			got = idr_remove(&idr, id) != NULL;
			want = ref.used[id] && !ref.null[id];
			ck_assert_int_eq(got, want);
			if (ref.used[id])
				ref.n--;
			ref.used[id] = 0;
			ref.null[id] = false;
			break;
		case 5:
			if (ref.used[id] && ref.null[id]) {
				ck_assert_ptr_null(
					idr_replace(&idr, val(id), id));
				ref.null[id] = false;
			} else if (!ref.used[id]) {
				ck_assert_ptr_eq(idr_replace(&idr, val(id), id),
						 ERR_PTR(-ENOENT));
			}
			break;
		case 6: {
			int next = id;
			void *p = idr_get_next(&idr, &next);

			want = ref_next(&ref, id);
			if (want < 0) {
				ck_assert_ptr_null(p);
			} else {
				ck_assert_ptr_eq(p, val(want));
				ck_assert_int_eq(next, want);
			}
			break;
		}
		default:
			ck_assert_ptr_eq(
				find(id),
				ref.used[id] && !ref.null[id] ? val(id) : NULL);
			break;
		}
		ck_assert_uint_eq(stats().ids, (unsigned long)ref.n);
		ck_assert_uint_eq(idr_get_cursor(&idr), ref.cursor);
	}
	/* the whole walk, once more */
	for (int id = 0, want = ref_next(&ref, 0); want >= 0;
	     want = ref_next(&ref, want + 1), id++) {
		ck_assert_ptr_eq(idr_get_next(&idr, &id), val(want));
		ck_assert_int_eq(id, want);
	}
	check_charged();
}
END_TEST

Suite *idr_suite(void)
{
	Suite *s = suite_create("idr");
	TCase *tc;

	tc = tcase_create("api");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_alloc_range);
	tcase_add_test(tc, test_cyclic_wrap);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_get_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_height);
	tcase_add_test(tc, test_fault_injection);
	tcase_add_test(tc, test_lockstep);
	suite_add_tcase(s, tc);

	tc = tcase_create("rcu");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rcu_readers);
	suite_add_tcase(s, tc);
	return s;
}
