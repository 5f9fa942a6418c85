// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel-transcription test: 2.6.17's alloc_pidmap() and
 * free_pidmap(), as kernel/pid.c has them once "pidhash: Refactor the pid
 * hash table" is applied (the patch makes them static and takes
 * pidmap_lock with interrupts off; their logic is the parent's), written
 * out below line for line with the kernel's names, and run in lockstep
 * with pidfs's allocator (alloc_pid()/free_pid()) under random
 * workloads: every allocation must give the same number, or fail in
 * both, and last_pid must agree throughout.
 *
 * The oracle is single-threaded and test-only: no locks, no atomics, no
 * struct pid.  pid_max stays within the kernel's bounds (301, RESERVED_PIDS
 * + 1, up to the machine's PID_MAX_LIMIT): below that pidfs departs on
 * purpose (doc/design.md).
 *
 * Size: PIDFS_ORACLE_OPS operations (default 400000, which make check
 * runs) from seed PIDFS_ORACLE_SEED (default 17); `make regtest` runs a
 * larger count.  The suite prints how many allocations it compared.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "suites.h"

/* ---- the kernel's, transcribed -------------------------------------- */

#define K_BITS_PER_LONG		(8 * (int)sizeof(unsigned long))

typedef struct pidmap {
	int nr_free;		/* atomic_t in the kernel */
	void *page;
} pidmap_t;

static int pid_max;
static int last_pid;
static pidmap_t pidmap_array[PIDMAP_ENTRIES];

/* clang-format off */
#define mk_pid(map, off) (((map) - pidmap_array) * BITS_PER_PAGE + (off))
#define find_next_offset(map, off) \
	find_next_zero_bit((map)->page, BITS_PER_PAGE, off)
/* clang-format on */

static int test_and_set_bit(int nr, void *addr)
{
	unsigned long *w = (unsigned long *)addr + nr / K_BITS_PER_LONG;
	unsigned long mask = 1UL << (nr % K_BITS_PER_LONG);
	int old = !!(*w & mask);

	*w |= mask;
	return old;
}

static void clear_bit(int nr, void *addr)
{
	((unsigned long *)addr)[nr / K_BITS_PER_LONG] &=
		~(1UL << (nr % K_BITS_PER_LONG));
}

/* The generic find_next_zero_bit(): @size if there is none. */
static int find_next_zero_bit(const void *addr, int size, int offset)
{
	const unsigned long *p = addr;

	for (; offset < size; offset++)
		if (!(p[offset / K_BITS_PER_LONG] &
		      (1UL << (offset % K_BITS_PER_LONG))))
			return offset;
	return size;
}

static void free_pidmap(int pid)
{
	pidmap_t *map = pidmap_array + pid / BITS_PER_PAGE;
	int offset = pid & BITS_PER_PAGE_MASK;

	clear_bit(offset, map->page);
	map->nr_free++;
}

static int alloc_pidmap(void)
{
	int i, offset, max_scan, pid, last = last_pid;
	pidmap_t *map;

	pid = last + 1;
	if (pid >= pid_max)
		pid = RESERVED_PIDS;
	offset = pid & BITS_PER_PAGE_MASK;
	map = &pidmap_array[pid / BITS_PER_PAGE];
	max_scan = (pid_max + BITS_PER_PAGE - 1) / BITS_PER_PAGE - !offset;
	for (i = 0; i <= max_scan; ++i) {
		if (!map->page) {
			/* get_zeroed_page(); the race with others is moot */
			map->page = calloc(1, PAGE_SIZE);
			if (map->page)
				map->nr_free = BITS_PER_PAGE;
			if (!map->page)
				break;
		}
		if (map->nr_free) {
			do {
				if (!test_and_set_bit(offset, map->page)) {
					map->nr_free--;
					last_pid = pid;
					return pid;
				}
				offset = find_next_offset(map, offset);
				pid = mk_pid(map, offset);
				/*
				 * find_next_offset() found a bit, the pid from
				 * it is in-bounds, and if we fell back to the
				 * last bitmap block and the final block was
				 * the same as the starting point, pid is
				 * before last_pid.
				 */
			} while (offset < BITS_PER_PAGE && pid < pid_max &&
				 (i != max_scan || pid < last ||
				  !((last + 1) & BITS_PER_PAGE_MASK)));
		}
		if (map < &pidmap_array[(pid_max - 1) / BITS_PER_PAGE]) {
			++map;
			offset = 0;
		} else {
			map = &pidmap_array[0];
			offset = RESERVED_PIDS;
			if (last == offset)
				break;
		}
		pid = mk_pid(map, offset);
	}
	return -1;
}

/* pidmap_init(): reserve PID 0.  We never call free_pidmap(0). */
static void pidmap_init(int max)
{
	for (int i = 0; i < PIDMAP_ENTRIES; i++) {
		free(pidmap_array[i].page);
		pidmap_array[i].page = NULL;
		pidmap_array[i].nr_free = BITS_PER_PAGE;
	}
	pidmap_array[0].page = calloc(1, PAGE_SIZE);
	ck_assert_ptr_nonnull(pidmap_array[0].page);
	test_and_set_bit(0, pidmap_array[0].page);
	pidmap_array[0].nr_free--;
	pid_max = max;
	last_pid = 0;
}

static void pidmap_exit(void)
{
	for (int i = 0; i < PIDMAP_ENTRIES; i++) {
		free(pidmap_array[i].page);
		pidmap_array[i].page = NULL;
	}
}

/* ---- the lockstep run ------------------------------------------------- */

struct held {
	struct pid *pid;	/* the model's */
	int nr;			/* the oracle's */
};

struct run {
	uint64_t seed;		/* xorshift state */
	unsigned long ops;
	unsigned long allocs;	/* allocations compared */
	unsigned long failed;	/* of which both failed */
	unsigned long wraps;	/* oracle numbers below the one before */
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

/*
 * Run @r->ops operations with pid_max among @maxes (changed now and
 * then, both sides at once), aiming at occupancies from 10% to full so
 * that nearly full maps and the last pass's quirk come up.
 */
static void lockstep(struct run *r, const int *maxes, size_t nr_maxes)
{
	struct lowmem *lm = lowmem_create(UINT64_C(8) << 30);
	struct pid_namespace *ns;
	struct held *held;
	size_t n = 0, cap = 0;
	int max = maxes[0], prev = 0;
	unsigned int target = 50;

	ck_assert_ptr_nonnull(lm);
	for (size_t i = 0; i < nr_maxes; i++)
		cap = cap > (size_t)maxes[i] ? cap : (size_t)maxes[i];
	held = calloc(cap, sizeof(*held));
	ck_assert_ptr_nonnull(held);
	ns = pid_ns_create(&(struct pid_ns_params){
		.lowmem = lm,
		.arch = &pidfs_arch_x86_64,
		.pid_max = max,
		.hash_shift = -1,
		.alloc = test_pid_alloc(),
	});
	ck_assert_ptr_nonnull(ns);
	ck_assert_int_eq(pid_ns_alloc(ns), test_pid_alloc());
	pidmap_init(max);

	for (unsigned long op = 0; op < r->ops; op++) {
		uint64_t x = rnd(&r->seed);
		bool below = n * 100 < (size_t)(max - 1) * target;
		bool alloc = below ? x % 8 != 0 : x % 8 == 0;

		if (x % 4096 == 1) {
			/* a new occupancy to aim at; full now and then */
			static const unsigned int targets[] = {
				10, 50, 90, 99, 100,
			};

			target = targets[(x >> 12) % 5];
		}
		if (x % 20011 == 7) {
			max = maxes[(x >> 20) % nr_maxes];
			ck_assert_int_eq(pid_ns_set_pid_max(ns, max), 0);
			pid_max = max;
		}
		if (alloc || !n) {
			struct pid *pid = alloc_pid(ns);
			int nr = alloc_pidmap();

			r->allocs++;
			if ((nr < 0) != !pid || (pid && pid_nr(pid) != nr))
				ck_abort_msg(
					"op %lu, pid_max %d: pidfs gave %d, "
					"the kernel %d",
					op, max, pid ? pid_nr(pid) : -1, nr);
			if (nr < 0) {
				r->failed++;
			} else {
				r->wraps += nr < prev;
				prev = nr;
				ck_assert_uint_lt(n, cap);
				held[n++] = (struct held){ pid, nr };
			}
		} else {
			size_t i = (size_t)((x >> 8) % n);

			free_pid(held[i].pid);
			free_pidmap(held[i].nr);
			held[i] = held[--n];
		}
		if (pid_ns_last_pid(ns) != last_pid)
			ck_abort_msg("op %lu, pid_max %d: last_pid %d, the "
				     "kernel's %d",
				     op, max, pid_ns_last_pid(ns), last_pid);
	}
	while (n--)
		free_pid(held[n].pid);
	pid_ns_destroy(ns);
	lowmem_destroy(lm);
	pidmap_exit();
	free(held);
}

START_TEST(test_oracle_lockstep)
{
	/*
	 * Small maps wrap often and fill; 32768 is the default; 65536 and
	 * 70000 take a second and a third bitmap page (x86_64's pid_max).
	 */
	static const int small[] = { 301, 400, 1000 };
	static const int large[] = { 32768, 65536, 70000, 40000 };
	unsigned long ops = env_ulong("PIDFS_ORACLE_OPS", 400000);
	struct run r = { .seed = env_ulong("PIDFS_ORACLE_SEED", 17) };
	unsigned long allocs = 0, failed = 0, wraps = 0;

	r.seed = r.seed ? r.seed : 17;
	r.ops = ops / 2;
	lockstep(&r, small, sizeof(small) / sizeof(small[0]));
	allocs += r.allocs;
	failed += r.failed;
	wraps += r.wraps;
	r.allocs = r.failed = r.wraps = 0;
	lockstep(&r, large, sizeof(large) / sizeof(large[0]));
	allocs += r.allocs;
	failed += r.failed;
	wraps += r.wraps;
	/*
	 * Every allocation agreed (a mismatch aborts); the workload must
	 * have reached the cases that matter.
	 */
	ck_assert_uint_gt(allocs, ops / 4);
	ck_assert_uint_gt(failed, 0);
	ck_assert_uint_gt(wraps, 0);
	fprintf(stderr,
		"oracle: %lu allocations compared (%lu failed in both, %lu "
		"wraps), 0 mismatches (seed %lu)\n",
		allocs, failed, wraps, env_ulong("PIDFS_ORACLE_SEED", 17));
}
END_TEST

Suite *oracle_suite(void)
{
	Suite *s = suite_create("oracle");
	TCase *tc = tcase_create("pidmap");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_oracle_lockstep);
	suite_add_tcase(s, tc);
	return s;
}
