// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the pid layer under PID_ALLOC_IDR (src/pid_idr.c): Linux
 * 4.15's alloc_pid(), free_pid(), find_pid_ns() and find_ge_pid() over
 * one IDR per namespace.
 *
 * Covers: numbers from 1, cyclic from the cursor, the wrap to
 * RESERVED_PIDS (and the wrap counter, last_pid), EAGAIN when full with
 * nothing changed, free_pid() at every level of a nested pid, lookups
 * across holes and out of range, find_ge_pid() against a plain scan,
 * each namespace with its own IDR (and the tree's totals), no hash table
 * and no bitmap charged, the nodes charged at the machine's size, fault
 * injection at every allocation of alloc_pid() (node or struct pid) with
 * the model unchanged after each, a namespace closed to allocation, and
 * RCU readers against an allocating and freeing writer.  Through the task
 * layer: fork, kill and zap_pid_ns_processes() on a kernel booted with
 * the IDR (tests/test_pidns.c runs its task cases under both).
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

#include "pidtest.h"
#include "suites.h"

static struct lowmem *lm;
static struct pid_namespace *root;

static void make_root(const struct pidfs_arch *arch, int pid_max)
{
	root = pidtest_ns_create(arch, pid_max, PID_ALLOC_IDR, &lm);
}

static void setup(void)
{
	make_root(&pidfs_arch_i386, 0);
}

static void teardown(void)
{
	pidtest_ns_destroy(&root, &lm);
}

#define kind(kd) pidtest_kind(lm, kd)
#define nstats(ns) pidtest_nstats(ns)

static struct pid *alloc_ok(struct pid_namespace *ns)
{
	struct pid *pid = alloc_pid(ns);

	ck_assert_ptr_nonnull(pid);
	return pid;
}

/* The pids of @ns's numbers 1..@n, in @pids[1..n]. */
static void fill(struct pid_namespace *ns, struct pid **pids, int n)
{
	for (int nr = 1; nr <= n; nr++) {
		pids[nr] = alloc_ok(ns);
		ck_assert_int_eq(pid_nr_ns(pids[nr], ns), nr);
	}
}

static struct pid *find(int nr, struct pid_namespace *ns)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	rcu_read_unlock();
	return pid;
}

static struct pid *find_ge(int nr, struct pid_namespace *ns)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_ge_pid_ns(nr, ns);
	rcu_read_unlock();
	return pid;
}

/* The IDR's nodes are all the zone holds of LOWMEM_IDR, tree and reserve. */
static void check_charged(void)
{
	struct pid_ns_stats st = nstats(root);

	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_IDR).objects, st.tree_idr_nodes);
	ck_assert_uint_eq(kind(LOWMEM_IDR).bytes,
			  st.tree_idr_nodes *
				  pidfs_arch_i386.radix_tree_node_size);
	ck_assert_uint_eq(st.tree_idr_bytes, kind(LOWMEM_IDR).bytes);
}

START_TEST(test_no_hash_no_bitmap)
{
	struct pid_ns_stats st = nstats(root);
	struct pid *pid;

	/* 4.15 has neither: nothing is made or charged for them */
	ck_assert_int_eq(st.alloc, PID_ALLOC_IDR);
	ck_assert_uint_eq(kind(LOWMEM_PIDHASH).bytes, 0);
	ck_assert_uint_eq(kind(LOWMEM_PIDHASH).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects, 0);
	ck_assert_uint_eq(st.hash_buckets, 0);
	ck_assert_uint_eq(st.hash_charged, 0);
	ck_assert_int_eq(st.pidmap_pages, 0);
	ck_assert_uint_eq(st.idr.nodes, 0);
	ck_assert_uint_eq(st.idr.height, 0);
	ck_assert_int_eq(pid_ns_last_pid(root), 0);

	/* the first pid makes one leaf, charged as i386's radix_tree_node */
	pid = alloc_ok(root);
	ck_assert_int_eq(pid_nr(pid), 1);
	st = nstats(root);
	ck_assert_uint_eq(st.idr.nodes, 1);
	ck_assert_uint_eq(st.idr.height, 1);
	ck_assert_uint_eq(st.idr.ids, 1);
	ck_assert_uint_eq(st.idr.node_bytes, 300);
	ck_assert_uint_eq(kind(LOWMEM_IDR).bytes, 300);
	ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects, 0);
	ck_assert_int_eq(st.nr_pids, 1);
	ck_assert_int_eq(pid_ns_last_pid(root), 1);
	check_charged();
	free_pid(pid);
	rcu_barrier();
	/* the last id gone, so is the leaf */
	ck_assert_uint_eq(nstats(root).idr.nodes, 0);
	ck_assert_uint_eq(kind(LOWMEM_IDR).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
}
END_TEST

START_TEST(test_x86_64_node)
{
	struct pid *pid;

	teardown();
	make_root(&pidfs_arch_x86_64, 0);
	pid = alloc_ok(root);
	ck_assert_uint_eq(nstats(root).idr.node_bytes, 576);
	ck_assert_uint_eq(kind(LOWMEM_IDR).bytes, 576);
	free_pid(pid);
}
END_TEST

#define WRAP_MAX 400

START_TEST(test_cyclic_wrap)
{
	static struct pid *pids[WRAP_MAX];
	struct pid *p;

	ck_assert_int_eq(pid_ns_set_pid_max(root, WRAP_MAX), 0);
	fill(root, pids, WRAP_MAX - 1);
	ck_assert_int_eq(pid_ns_last_pid(root), WRAP_MAX - 1);
	ck_assert_uint_eq(nstats(root).wraps, 0);
	/* a freed number is not handed out again at once: cyclic */
	free_pid(pids[10]);
	free_pid(pids[299]);
	free_pid(pids[300]);
	free_pid(pids[350]);
	free_pid(pids[351]);
	/* nothing free from the cursor: wrap to RESERVED_PIDS, not to 1 */
	p = alloc_ok(root);
	ck_assert_int_eq(pid_nr(p), RESERVED_PIDS);
	ck_assert_uint_eq(nstats(root).wraps, 1);
	pids[300] = p;
	/* from the cursor on: 350, then 351, skipping the used ones */
	p = alloc_ok(root);
	ck_assert_int_eq(pid_nr(p), 350);
	pids[350] = p;
	p = alloc_ok(root);
	ck_assert_int_eq(pid_nr(p), 351);
	pids[351] = p;
	ck_assert_uint_eq(nstats(root).wraps, 1);
	ck_assert_int_eq(pid_ns_last_pid(root), 351);
	/* 10 and 299 are below RESERVED_PIDS: the namespace is full */
	errno = 0;
	ck_assert_ptr_null(alloc_pid(root));
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_ptr_null(find(10, root));
	ck_assert_ptr_null(find(299, root));
	for (int nr = 1; nr < WRAP_MAX; nr++)
		if (nr != 10 && nr != 299)
			free_pid(pids[nr]);
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_IDR).objects, 0);
}
END_TEST

#define FULL_MAX 310

START_TEST(test_full_eagain)
{
	static struct pid *pids[FULL_MAX];
	struct pid_ns_stats before, after;
	struct lowmem_kind_stats kb, ka;

	ck_assert_int_eq(pid_ns_set_pid_max(root, FULL_MAX), 0);
	fill(root, pids, FULL_MAX - 1);
	before = nstats(root);
	kb = kind(LOWMEM_PID);
	errno = 0;
	ck_assert_ptr_null(alloc_pid(root));
	ck_assert_int_eq(errno, EAGAIN);
	rcu_barrier();
	/* nothing changed: no number, no node, no struct pid kept */
	after = nstats(root);
	ka = kind(LOWMEM_PID);
	ck_assert_uint_eq(after.idr.ids, before.idr.ids);
	ck_assert_uint_eq(after.idr.nodes, before.idr.nodes);
	ck_assert_int_eq(after.nr_pids, before.nr_pids);
	ck_assert_int_eq(after.last_pid, before.last_pid);
	ck_assert_uint_eq(ka.objects, kb.objects);
	/* one number freed: exactly that one comes back */
	free_pid(pids[305]);
	pids[305] = alloc_ok(root);
	ck_assert_int_eq(pid_nr(pids[305]), 305);
	for (int nr = 1; nr < FULL_MAX; nr++)
		free_pid(pids[nr]);
}
END_TEST

#define HOLES 1000

/* The first of @pids[1..HOLES] at or after @nr, by a plain scan. */
static struct pid *scan_ge(struct pid **pids, int nr)
{
	for (int m = nr < 1 ? 1 : nr; m <= HOLES; m++)
		if (pids[m])
			return pids[m];
	return NULL;
}

START_TEST(test_find_across_holes)
{
	static struct pid *pids[HOLES + 1];

	fill(root, pids, HOLES);
	/* sixteen leaves and a top node */
	ck_assert_uint_eq(nstats(root).idr.height, 2);
	ck_assert_uint_eq(nstats(root).idr.nodes, 1 + (HOLES + 64) / 64);
	for (int nr = 1; nr <= HOLES; nr++)
		if (nr % 3 || (nr >= 128 && nr < 256)) {
			free_pid(pids[nr]);
			pids[nr] = NULL;
		}
	for (int nr = 1; nr <= HOLES; nr++)
		ck_assert_ptr_eq(find(nr, root), pids[nr]);
	/* numbers no pid can have */
	ck_assert_ptr_null(find(0, root));
	ck_assert_ptr_null(find(-1, root));
	ck_assert_ptr_null(find(HOLES + 1, root));
	ck_assert_ptr_null(find(PID_MAX_DEFAULT, root));
	ck_assert_ptr_null(find(PID_MAX_LIMIT, root));
	ck_assert_ptr_null(find(INT32_MAX, root));
	/* find_ge_pid() and next_pidmap() against a plain scan */
	for (int nr = -2; nr <= HOLES + 2; nr++) {
		struct pid *next = scan_ge(pids, nr + 1);

		ck_assert_ptr_eq(find_ge(nr, root), scan_ge(pids, nr));
		ck_assert_int_eq(pid_ns_next_pidmap(root, nr),
				 next ? pid_nr(next) : -1);
	}
	/* the leaves of 128..255, empty, are gone; their neighbours stay */
	ck_assert_uint_eq(nstats(root).idr.nodes, (HOLES + 64) / 64 - 1);
	for (int nr = 1; nr <= HOLES; nr++)
		if (pids[nr])
			free_pid(pids[nr]);
	check_charged();
}
END_TEST

START_TEST(test_levels)
{
	struct pid_namespace *ns[4];
	struct pid *pid, *other, *second;
	struct pid_ns_stats st;

	ns[0] = root;
	for (int l = 1; l < 4; l++) {
		ns[l] = create_pid_namespace(ns[l - 1]);
		ck_assert_ptr_nonnull(ns[l]);
		ck_assert_int_eq(pid_ns_alloc(ns[l]), PID_ALLOC_IDR);
	}
	other = alloc_ok(root); /* 1 in the initial namespace */
	pid = alloc_ok(ns[3]);
	/* a number at each level, each from its own namespace's IDR */
	ck_assert_int_eq(pid_nr_ns(pid, ns[0]), 2);
	for (int l = 1; l < 4; l++)
		ck_assert_int_eq(pid_nr_ns(pid, ns[l]), 1);
	for (int l = 0; l < 4; l++)
		ck_assert_ptr_eq(find(pid_nr_ns(pid, ns[l]), ns[l]), pid);
	ck_assert_ptr_eq(find(1, root), other);
	ck_assert_ptr_null(find(2, ns[1]));
	/* one leaf per namespace, summed over the tree */
	st = nstats(ns[2]);
	ck_assert_uint_eq(st.idr.nodes, 1);
	ck_assert_uint_eq(st.idr.ids, 1);
	ck_assert_uint_eq(st.tree_idr_nodes, 4);
	ck_assert_uint_eq(st.tree_idr_bytes, 4 * 300);
	ck_assert_uint_eq(nstats(root).idr.ids, 2);
	check_charged();
	/*
	 * free_pid() removes the number at every level.  (The namespace's
	 * first pid stays: with it gone and no init, the namespace would
	 * close, as Linux 3.8's.)
	 */
	second = alloc_ok(ns[3]);
	ck_assert_int_eq(pid_nr_ns(second, ns[0]), 3);
	free_pid(second);
	for (int l = 0; l < 4; l++)
		ck_assert_ptr_null(find(l ? 2 : 3, ns[l]));
	ck_assert_ptr_eq(find(1, root), other);
	ck_assert_ptr_eq(find(1, ns[3]), pid);
	ck_assert_uint_eq(nstats(ns[3]).idr.ids, 1);
	/* each namespace's cursor is its own: cyclic, 2 is not reused */
	second = alloc_ok(ns[3]);
	ck_assert_int_eq(pid_nr_ns(second, ns[3]), 3);
	ck_assert_int_eq(pid_nr_ns(second, ns[0]), 4);
	ck_assert_int_eq(pid_ns_last_pid(ns[3]), 3);
	ck_assert_int_eq(pid_ns_last_pid(ns[0]), 4);
	free_pid(second);
	free_pid(pid);
	rcu_barrier();
	ck_assert_uint_eq(nstats(root).tree_idr_nodes, 1);
	free_pid(other);
	for (int l = 3; l >= 1; l--)
		put_pid_ns(ns[l]);
	rcu_barrier();
	ck_assert_int_eq(nstats(root).nr_namespaces, 1);
	ck_assert_uint_eq(kind(LOWMEM_IDR).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
}
END_TEST

START_TEST(test_closed_namespace)
{
	struct pid_namespace *ns = create_pid_namespace(root);
	struct pid *init;
	struct pid_ns_stats before;

	ck_assert_ptr_nonnull(ns);
	init = alloc_ok(ns);
	before = nstats(root);
	disable_pid_allocation(ns);
	/* numbers taken at both levels, then given back: ENOMEM */
	errno = 0;
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(nstats(root).idr.ids, before.idr.ids);
	ck_assert_uint_eq(nstats(ns).idr.ids, 1);
	ck_assert_ptr_null(find(2, ns));
	ck_assert_ptr_null(find(3, root));
	free_pid(init);
	put_pid_ns(ns);
}
END_TEST

/*
 * Fault injection: with the IDR's first leaf of every namespace full, a
 * pid at level 2 needs a struct pid and two new nodes at each level (a
 * top and a leaf).  Fail each allocation in turn: ENOMEM, and the model
 * as it was; then it succeeds with the numbers it would have had.
 */
START_TEST(test_fault_injection)
{
	struct pid_namespace *ns[3];
	static struct pid *pids[3][64];
	struct pid *pid;
	int failures = 0;

	ns[0] = root;
	for (int l = 1; l < 3; l++) {
		ns[l] = create_pid_namespace(ns[l - 1]);
		ck_assert_ptr_nonnull(ns[l]);
	}
	/* 1..63 at every level (the lower levels' pids take numbers above) */
	for (int l = 2; l >= 0; l--)
		for (int i = 0; pid_ns_last_pid(ns[l]) < 63; i++)
			pids[l][i] = alloc_ok(ns[l]);
	for (unsigned long nth = 1;; nth++) {
		struct pid_ns_stats before[3], after;
		struct lowmem_stats lb, la;
		int last[3];

		rcu_barrier();
		for (int l = 0; l < 3; l++) {
			before[l] = nstats(ns[l]);
			last[l] = pid_ns_last_pid(ns[l]);
		}
		lowmem_read_stats(lm, &lb);
		lowmem_fail_nth(lm, nth);
		pid = alloc_pid(ns[2]);
		lowmem_fail_nth(lm, 0);
		if (pid)
			break;
		ck_assert_int_eq(errno, ENOMEM);
		failures++;
		rcu_barrier();
		lowmem_read_stats(lm, &la);
		ck_assert_msg(la.used == lb.used,
			      "nth %lu: used %llu, was %llu", nth,
			      (unsigned long long)la.used,
			      (unsigned long long)lb.used);
		ck_assert_uint_eq(la.oom_events, lb.oom_events + 1);
		for (int k = 0; k < LOWMEM_NR_KINDS; k++)
			ck_assert_uint_eq(la.kind[k].objects,
					  lb.kind[k].objects);
		for (int l = 0; l < 3; l++) {
			after = nstats(ns[l]);
			ck_assert_uint_eq(after.idr.ids, before[l].idr.ids);
			ck_assert_uint_eq(after.idr.nodes, before[l].idr.nodes);
			ck_assert_uint_eq(after.idr.height,
					  before[l].idr.height);
			ck_assert_uint_eq(after.idr.reserve,
					  before[l].idr.reserve);
			ck_assert_int_eq(after.nr_pids, before[l].nr_pids);
			/* the cursor of a level that took no number stays */
			if (pid_ns_last_pid(ns[l]) != last[l])
				pid_ns_set_last_pid(ns[l], last[l]);
		}
		ck_assert_int_lt(failures, 16);
	}
	/* the struct pid, then a top and a leaf at each of three levels */
	ck_assert_int_eq(failures, 7);
	for (int l = 0; l < 3; l++) {
		ck_assert_int_eq(pid_nr_ns(pid, ns[l]), 64);
		ck_assert_ptr_eq(find(64, ns[l]), pid);
		ck_assert_uint_eq(nstats(ns[l]).idr.height, 2);
	}
	check_charged();
	free_pid(pid);
	for (int l = 0; l < 3; l++)
		for (int i = 0; i < 64; i++)
			if (pids[l][i])
				free_pid(pids[l][i]);
	put_pid_ns(ns[2]);
	put_pid_ns(ns[1]);
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_IDR).objects, 0);
}
END_TEST

/* ---- RCU readers against a writer ---------------------------------------- */

#define RW_MAX 3000 /* pid_max: numbers 1..2999, an IDR of two levels */
#define RW_STABLE 97 /* pids kept throughout: 97, 194, ... */
#define RW_OPS 30000
#define RW_READERS 2

static struct pid *stable[RW_MAX];
static int rw_done; /* ATOMIC */

static void *reader_fn(void *arg)
{
	struct pidtest_reader *r = arg;

	do {
		for (int i = 0; i < 256; i++) {
			int nr =
				1 + (int)(pidtest_rnd(&r->seed) % (RW_MAX - 1));
			struct pid *p;

			rcu_read_lock();
			p = find_pid_ns(nr, root);
			/* never a half-built pid: whole, and its own number */
			if (p &&
			    (pid_nr(p) != nr || !pid_serial(p) ||
			     __atomic_load_n(&p->count, __ATOMIC_RELAXED) < 1))
				r->bad++;
			if (nr % RW_STABLE == 0 && p != stable[nr])
				r->bad++;
			p = find_ge_pid_ns(nr, root);
			if (p && pid_nr(p) < nr)
				r->bad++;
			rcu_read_unlock();
			r->reads++;
		}
	} while (!__atomic_load_n(&rw_done, __ATOMIC_ACQUIRE));
	return NULL;
}

START_TEST(test_rcu_readers)
{
	static struct pid *live[RW_MAX];
	struct pidtest_reader r[RW_READERS];
	uint64_t seed = 0x452821e638d01377ULL;

	ck_assert_int_eq(pid_ns_set_pid_max(root, RW_MAX), 0);
	memset(stable, 0, sizeof(stable));
	memset(live, 0, sizeof(live));
	/* the stable pids first, at their numbers */
	for (int nr = 1; nr < RW_MAX; nr++) {
		struct pid *p = alloc_ok(root);

		if (nr % RW_STABLE)
			free_pid(p);
		else
			stable[nr] = p;
	}
	rw_done = 0;
	memset(r, 0, sizeof(r));
	for (int i = 0; i < RW_READERS; i++) {
		r[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
		ck_assert_int_eq(pthread_create(&r[i].thread, NULL, reader_fn,
						&r[i]),
				 0);
	}
	for (int op = 0; op < RW_OPS; op++) {
		int nr = 1 + (int)(pidtest_rnd(&seed) % (RW_MAX - 1));

		if (pidtest_rnd(&seed) % 2) {
			struct pid *p = alloc_pid(root);

			if (p)
				live[pid_nr(p)] = p;
		} else if (live[nr]) {
			free_pid(live[nr]);
			live[nr] = NULL;
		}
	}
	__atomic_store_n(&rw_done, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < RW_READERS; i++) {
		ck_assert_int_eq(pthread_join(r[i].thread, NULL), 0);
		ck_assert_uint_eq(r[i].bad, 0);
		ck_assert_uint_gt(r[i].reads, 0);
	}
	for (int nr = 1; nr < RW_MAX; nr++) {
		ck_assert_ptr_eq(find(nr, root),
				 live[nr] ? live[nr] : stable[nr]);
		if (live[nr])
			free_pid(live[nr]);
		if (stable[nr])
			free_pid(stable[nr]);
	}
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_IDR).objects, 0);
}
END_TEST

/* ---- through the task layer ---------------------------------------------- */

START_TEST(test_kernel_idr)
{
	struct pidfs_kernel_params p = { 0 };
	struct pidfs_kernel *k;
	struct pid_namespace *ns;
	pid_t a = 0, b = 0, c = 0, d = 0;
	unsigned int inum = 0;

	teardown();
	p.hash_shift = -1;
	p.alloc = PID_ALLOC_IDR;
	ck_assert_int_eq(pidfs_kernel_create(&p, &k), 0);
	lm = pidfs_kernel_lowmem(k);
	ns = pidfs_kernel_ns(k);
	ck_assert_int_eq(pid_ns_alloc(ns), PID_ALLOC_IDR);
	ck_assert_uint_eq(kind(LOWMEM_PIDHASH).bytes, 0);
	ck_assert_ptr_nonnull(find(1, ns));
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &a), 0);
	ck_assert_int_eq(a, 2);
	ck_assert_int_eq(pidfs_kill(k, a, 0), 0);
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &b), 0);
	ck_assert_int_eq(b, 3); /* cyclic: 2 is not reused */
	rcu_barrier();
	ck_assert_ptr_null(find(2, ns));
	/* a namespace: its init is 1 there; killing it zaps the rest */
	ck_assert_int_eq(pidfs_unshare_pid(k, b, &inum), 0);
	ck_assert_int_eq(pidfs_fork(k, b, NULL, &c), 0);
	ck_assert_int_eq(pidfs_fork(k, c, NULL, &d), 0);
	ck_assert_int_eq(nstats(ns).nr_namespaces, 2);
	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	rcu_barrier();
	ck_assert_ptr_null(find(c, ns));
	ck_assert_ptr_null(find(d, ns));
	ck_assert_int_eq(pidfs_kill(k, b, 0), 0);
	rcu_barrier();
	ck_assert_int_eq(nstats(ns).nr_namespaces, 1);
	ck_assert_int_eq(nstats(ns).nr_pids, 1);
	pidfs_kernel_destroy(k);
	lm = NULL;
	root = NULL;
}
END_TEST

static void kernel_teardown(void)
{
	if (root)
		teardown();
}

Suite *pid_idr_suite(void)
{
	Suite *s = suite_create("pid_idr");
	TCase *tc = tcase_create("pid");

	tcase_add_checked_fixture(tc, setup, kernel_teardown);
	tcase_add_test(tc, test_no_hash_no_bitmap);
	tcase_add_test(tc, test_x86_64_node);
	tcase_add_test(tc, test_cyclic_wrap);
	tcase_add_test(tc, test_full_eagain);
	tcase_add_test(tc, test_find_across_holes);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_closed_namespace);
	tcase_add_test(tc, test_fault_injection);
	tcase_add_test(tc, test_rcu_readers);
	tcase_add_test(tc, test_kernel_idr);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
