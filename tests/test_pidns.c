// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of pid namespaces, as 2.6.24 built them.
 *
 * Covers, in the pid layer: alloc_pid() at every level and the numbers
 * it takes per level, the hash keyed by (nr, namespace), free_pid() of
 * every level, the charges of the per-level caches, a namespace's
 * lifetime after its last pid and its last reference, ENOSPC below
 * MAX_PID_NS_LEVEL, and fault injection at each allocation of alloc_pid()
 * below the initial namespace.  In the task layer: unshare and fork into
 * the namespace, its init as child_reaper, PPid 0 across the boundary,
 * orphans reparented inside a namespace, zap_pid_ns_processes() (nested
 * too), ENOMEM after the init's death, the lifetime of a namespace after
 * its last task, and RCU readers against writers across levels; the
 * task layer's cases run under both allocators (task and task_idr).
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

/* ---- the pid layer alone -------------------------------------------------- */

static struct lowmem *lm;
static struct pid_namespace *root;

static void pid_setup_arch(const struct pidfs_arch *arch, int pid_max)
{
	root = pidtest_ns_create(arch, pid_max, PID_ALLOC_PIDMAP, &lm);
}

static void pid_setup(void)
{
	pid_setup_arch(&pidfs_arch_x86_64, 0);
}

static void pid_teardown(void)
{
	pidtest_ns_destroy(&root, &lm);
}

#define kind(kd) pidtest_kind(lm, kd)
#define nstats(ns) pidtest_nstats(ns)

/* A chain of namespaces root = ns[0], ns[1] below it, ... ns[depth]. */
static void make_chain(struct pid_namespace **ns, unsigned int depth)
{
	ns[0] = root;
	for (unsigned int l = 1; l <= depth; l++) {
		ns[l] = create_pid_namespace(ns[l - 1]);
		ck_assert_ptr_nonnull(ns[l]);
		ck_assert_uint_eq(pid_ns_level(ns[l]), l);
		ck_assert_ptr_eq(pid_ns_parent(ns[l]), ns[l - 1]);
		ck_assert_ptr_eq(pid_ns_init_ns(ns[l]), root);
		ck_assert_uint_eq(pid_ns_inum(ns[l]), PROC_PID_INIT_INO + l);
	}
}

static void put_chain(struct pid_namespace **ns, unsigned int depth)
{
	/* The creators' references: each namespace holds its parent. */
	for (unsigned int l = depth; l >= 1; l--)
		put_pid_ns(ns[l]);
}

START_TEST(test_alloc_each_level)
{
	struct pid_namespace *ns[MAX_PID_NS_LEVEL + 1];
	struct pid *pids[MAX_PID_NS_LEVEL + 1];
	struct pid_cache_stats cs[MAX_PID_NS_LEVEL + 1];
	uint64_t bytes = kind(LOWMEM_PID).bytes;

	ck_assert_uint_eq(pid_ns_inum(root), 4026531836U);
	make_chain(ns, MAX_PID_NS_LEVEL);
	/* 33 levels is all: a 34th namespace is ENOSPC */
	errno = 0;
	ck_assert_ptr_null(create_pid_namespace(ns[MAX_PID_NS_LEVEL]));
	ck_assert_int_eq(errno, ENOSPC);

	for (unsigned int l = 0; l <= MAX_PID_NS_LEVEL; l++) {
		struct pid *pid = alloc_pid(ns[l]);

		ck_assert_ptr_nonnull(pid);
		pids[l] = pid;
		ck_assert_uint_eq(pid->level, l);
		ck_assert_ptr_eq(ns_of_pid(pid), ns[l]);
		ck_assert_int_eq(pid_vnr(pid), 1);
		/* a number at every level above, each the next there */
		for (unsigned int i = 0; i <= l; i++) {
			ck_assert_ptr_eq(pid->numbers[i].ns, ns[i]);
			ck_assert_int_eq(pid_nr_ns(pid, ns[i]),
					 (int)(l - i) + 1);
			ck_assert_ptr_eq(
				find_pid_ns(pid_nr_ns(pid, ns[i]), ns[i]), pid);
		}
		/* and none below its own */
		for (unsigned int i = l + 1; i <= MAX_PID_NS_LEVEL; i++)
			ck_assert_int_eq(pid_nr_ns(pid, ns[i]), 0);
		bytes += l ? 88 + 32 * l : 64;
		ck_assert_uint_eq(kind(LOWMEM_PID).bytes, bytes);
		ck_assert_uint_eq(pid_charged_size(&pidfs_arch_x86_64, l),
				  l ? 88 + 32 * l : 64);
		ck_assert_uint_eq(pid_charged_size(&pidfs_arch_i386, l),
				  l ? 44 + 16 * l : 36);
	}
	ck_assert_int_eq(nstats(root).nr_pids, MAX_PID_NS_LEVEL + 1);
	ck_assert_int_eq(nstats(root).nr_namespaces, MAX_PID_NS_LEVEL + 1);
	ck_assert_int_eq(pid_ns_read_cache_stats(root, cs),
			 MAX_PID_NS_LEVEL + 1);
	ck_assert_str_eq(cs[0].name, "pid");
	ck_assert_str_eq(cs[1].name, "pid_2");
	ck_assert_str_eq(cs[MAX_PID_NS_LEVEL].name, "pid_33");
	ck_assert_uint_eq(cs[MAX_PID_NS_LEVEL].charged_size, 88 + 32 * 32);
	ck_assert_int_eq(cs[MAX_PID_NS_LEVEL].nr_pids, 1);

	/* free_pid() of every level gives every number back */
	for (unsigned int l = 0; l <= MAX_PID_NS_LEVEL; l++)
		free_pid(pids[l]);
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
	for (unsigned int l = 0; l <= MAX_PID_NS_LEVEL; l++) {
		ck_assert_int_eq(pid_ns_next_pidmap(ns[l], 0), -1);
		ck_assert_ptr_null(find_pid_ns(1, ns[l]));
	}
	put_chain(ns, MAX_PID_NS_LEVEL);
	ck_assert_int_eq(nstats(root).nr_namespaces, 1);
	ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects, 1);
}
END_TEST

/* Two sibling namespaces both have a 1: the hash tells them apart. */
START_TEST(test_hash_keyed_by_ns)
{
	struct pid_namespace *a = create_pid_namespace(root);
	struct pid_namespace *b = create_pid_namespace(root);
	struct pid *pa, *pb, *p0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	pa = alloc_pid(a);
	pb = alloc_pid(b);
	ck_assert_ptr_nonnull(pa);
	ck_assert_ptr_nonnull(pb);
	ck_assert_int_eq(pid_vnr(pa), 1);
	ck_assert_int_eq(pid_vnr(pb), 1);
	ck_assert_int_eq(pid_nr(pa), 1);
	ck_assert_int_eq(pid_nr(pb), 2);
	rcu_read_lock();
	/* three 1s: one per namespace, each its own */
	ck_assert_ptr_eq(find_pid_ns(1, a), pa);
	ck_assert_ptr_eq(find_pid_ns(1, b), pb);
	ck_assert_ptr_eq(find_pid_ns(1, root), pa);
	ck_assert_ptr_eq(find_pid_ns(2, root), pb);
	ck_assert_ptr_null(find_pid_ns(2, a));
	ck_assert_ptr_null(find_pid_ns(2, b));
	ck_assert_ptr_eq(find_ge_pid_ns(1, a), pa);
	ck_assert_ptr_null(find_ge_pid_ns(2, a));
	rcu_read_unlock();
	ck_assert_int_eq(pid_nr_ns(pa, b), 0);

	p0 = alloc_pid(root);
	ck_assert_int_eq(pid_nr(p0), 3);
	free_pid(pa);
	rcu_read_lock();
	ck_assert_ptr_null(find_pid_ns(1, a));
	ck_assert_ptr_eq(find_pid_ns(1, b), pb);
	rcu_read_unlock();
	free_pid(pb);
	free_pid(p0);
	put_pid_ns(a);
	put_pid_ns(b);
	rcu_barrier();
	ck_assert_int_eq(nstats(root).nr_namespaces, 1);
	ck_assert_int_eq(nstats(root).nr_pids, 0);
}
END_TEST

/* A namespace lives while a pid of it or a reference does. */
START_TEST(test_ns_lifetime)
{
	struct pid_namespace *ns = create_pid_namespace(root);
	struct pid_namespace *child, *found;
	unsigned int inum, cinum;
	struct pid *pid, *held;

	ck_assert_ptr_nonnull(ns);
	inum = pid_ns_inum(ns);
	child = create_pid_namespace(ns);
	ck_assert_ptr_nonnull(child);
	cinum = pid_ns_inum(child);
	pid = alloc_pid(child);
	ck_assert_ptr_nonnull(pid);
	held = get_pid(pid);

	/* the creators let go: the pid holds child, child holds ns */
	put_pid_ns(child);
	put_pid_ns(ns);
	found = pid_ns_find_get(root, inum);
	ck_assert_ptr_eq(found, ns);
	put_pid_ns(found);
	ck_assert_int_eq(nstats(root).nr_namespaces, 3);

	/* unhashed, but a reference holds the pid and so both namespaces */
	free_pid(pid);
	rcu_barrier();
	ck_assert_int_eq(nstats(root).nr_namespaces, 3);
	ck_assert_ptr_eq(ns_of_pid(held), child);
	ck_assert_int_eq(pid_nr_ns(held, child), 1);
	put_pid(held);
	ck_assert_int_eq(nstats(root).nr_namespaces, 1);
	ck_assert_ptr_null(pid_ns_find_get(root, inum));
	ck_assert_ptr_null(pid_ns_find_get(root, cinum));
	ck_assert_ptr_eq(pid_ns_find_get(root, PROC_PID_INIT_INO), root);
	/* ids are never reused */
	ns = create_pid_namespace(root);
	ck_assert_uint_gt(pid_ns_inum(ns), cinum);
	{
		unsigned int *ids;

		ck_assert_int_eq(pid_ns_ids(root, &ids), 2);
		ck_assert_uint_eq(ids[0], PROC_PID_INIT_INO);
		ck_assert_uint_eq(ids[1], pid_ns_inum(ns));
		free(ids);
	}
	put_pid_ns(ns);
	ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects, 1);
}
END_TEST

/*
 * Every allocation alloc_pid() makes below the initial namespace fails in
 * turn: the struct pid, then a fresh bitmap page at each level from the
 * deepest up.  Attempt n starts each level's search on page n, which no
 * level has mapped yet, so attempt n fails at exactly its nth allocation.
 * Each failure leaves no number taken at any level and nothing charged
 * but the pages mapped, which the namespaces own and free with them.
 */
START_TEST(test_alloc_fault_injection)
{
	enum { DEPTH = 3 };
	struct pid_namespace *ns[DEPTH + 1];
	struct pid *pid = NULL;
	unsigned long nth;

	ck_assert_int_eq(pid_ns_set_pid_max(root, PID_MAX_LIMIT), 0);
	make_chain(ns, DEPTH);
	for (nth = 1; nth < 16; nth++) {
		struct lowmem_kind_stats before = kind(LOWMEM_PID);

		for (unsigned int l = 0; l <= DEPTH; l++)
			pid_ns_set_last_pid(ns[l],
					    (int)nth * BITS_PER_PAGE - 1);
		lowmem_fail_nth(lm, nth);
		pid = alloc_pid(ns[DEPTH]);
		lowmem_fail_nth(lm, 0);
		if (pid)
			break;
		/* the zone refused the struct pid or a bitmap page */
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_uint_eq(kind(LOWMEM_PID).objects, before.objects);
		ck_assert_uint_eq(kind(LOWMEM_PID).failures,
				  before.failures + (nth == 1));
		ck_assert_int_eq(nstats(root).nr_pids, 0);
		for (unsigned int l = 0; l <= DEPTH; l++)
			ck_assert_int_eq(pid_ns_next_pidmap(ns[l], 0), -1);
	}
	/* the struct pid and one page a level: five sites, then success */
	ck_assert_ptr_nonnull(pid);
	ck_assert_uint_eq(nth, DEPTH + 3);
	for (unsigned int l = 0; l <= DEPTH; l++)
		ck_assert_int_eq(pid_nr_ns(pid, ns[l]),
				 (int)nth * BITS_PER_PAGE);
	free_pid(pid);
	rcu_barrier();
	put_chain(ns, DEPTH);
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
	ck_assert_int_eq(nstats(root).nr_namespaces, 1);
	ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects,
			  (uint64_t)nstats(root).pidmap_pages);
	ck_assert_int_eq(nstats(root).tree_pidmap_pages,
			 nstats(root).pidmap_pages);
}
END_TEST

/* A number taken at a lower level is given back when a higher one fails. */
START_TEST(test_alloc_undo_on_full_parent)
{
	enum { MAX = RESERVED_PIDS + 4 };
	static struct pid *pids[MAX];
	struct pid_namespace *ns;
	struct pid *p;

	pid_teardown();
	pid_setup_arch(&pidfs_arch_i386, MAX);
	ns = create_pid_namespace(root);
	ck_assert_ptr_nonnull(ns);
	/* the initial namespace has 1 .. MAX - 1: fill it */
	for (int nr = 1; nr < MAX; nr++) {
		pids[nr] = alloc_pid(root);
		ck_assert_int_eq(pid_nr(pids[nr]), nr);
	}
	/* no number left above: the level-1 number must be given back */
	ck_assert_ptr_null(alloc_pid(ns));
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(pid_ns_next_pidmap(ns, 0), -1);
	/*
	 * With room above (after the wrap to RESERVED_PIDS), it takes 2:
	 * the failed attempt moved its last_pid, as the kernel's does.
	 */
	free_pid(pids[RESERVED_PIDS + 1]);
	p = alloc_pid(ns);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pid_vnr(p), 2);
	ck_assert_int_eq(pid_nr(p), RESERVED_PIDS + 1);
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_PID).bytes, (MAX - 2) * 36 + 60);
	free_pid(p);
	for (int nr = 1; nr < MAX; nr++)
		if (nr != RESERVED_PIDS + 1)
			free_pid(pids[nr]);
	put_pid_ns(ns);
	rcu_barrier();
	ck_assert_int_eq(nstats(root).nr_namespaces, 1);
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
}
END_TEST

/* ---- the task layer -------------------------------------------------------- */

static struct pidfs_kernel *k;
static struct task_info ti; /* large: kept off the stack */

static void task_setup_alloc(enum pid_alloc alloc)
{
	struct pidfs_kernel_params p = { 0 };

	p.hash_shift = -1;
	p.alloc = alloc;
	ck_assert_int_eq(pidfs_kernel_create(&p, &k), 0);
	lm = pidfs_kernel_lowmem(k);
	root = pidfs_kernel_ns(k);
	ck_assert_int_eq(pid_ns_alloc(root), alloc);
}

static void task_setup(void)
{
	task_setup_alloc(PID_ALLOC_PIDMAP);
}

/* The same cases on Linux 4.15's allocator: an IDR per namespace. */
static void task_setup_idr(void)
{
	task_setup_alloc(PID_ALLOC_IDR);
}

static void task_teardown(void)
{
	pidfs_kernel_destroy(k);
	k = NULL;
	lm = NULL;
	root = NULL;
}

static pid_t fork_ok(pid_t ppid)
{
	pid_t c = 0;

	ck_assert_int_eq(pidfs_fork(k, ppid, NULL, &c), 0);
	return c;
}

static unsigned int unshare_ok(pid_t pid)
{
	unsigned int inum = 0;

	ck_assert_int_eq(pidfs_unshare_pid(k, pid, &inum), 0);
	return inum;
}

/* @nr's info as seen from @ns (NULL: the initial namespace), or -ESRCH. */
static int info_ns(pid_t nr, struct pid_namespace *ns)
{
	struct task_struct *t = pidfs_get_task(k, nr);
	int err;

	if (!t)
		return -ESRCH;
	err = pidfs_task_info_ns(t, ns ? ns : root, &ti);
	put_task_struct(t);
	return err;
}

static bool alive(pid_t nr)
{
	return info_ns(nr, NULL) == 0;
}

/* The namespace of @nr (its children's, unless it unshared since). */
static struct pid_namespace *ns_of(pid_t nr)
{
	struct pid_namespace *ns = pidfs_get_pid_ns_for_children(k, nr);

	ck_assert_ptr_nonnull(ns);
	put_pid_ns(ns); /* the task holds it */
	return ns;
}

START_TEST(test_fork_into_ns)
{
	pid_t p = fork_ok(1), i, c, t;
	unsigned int inum = unshare_ok(p);
	struct pid_namespace *ns;

	ck_assert_uint_eq(inum, PROC_PID_INIT_INO + 1);
	ck_assert_int_eq(info_ns(p, NULL), 0);
	ck_assert_uint_eq(ti.ns_inum, PROC_PID_INIT_INO);
	ck_assert_uint_eq(ti.ns_for_children_inum, inum);
	/* unshare twice without a fork, or a thread of it: EINVAL */
	ck_assert_int_eq(pidfs_unshare_pid(k, p, &inum), -EINVAL);
	ck_assert_int_eq(pidfs_thread(k, p, NULL, &t), -EINVAL);
	ck_assert_int_eq(pidfs_unshare_pid(k, 999, &inum), -ESRCH);

	i = fork_ok(p);
	ns = ns_of(p);
	ck_assert_uint_eq(pid_ns_inum(ns), PROC_PID_INIT_INO + 1);
	ck_assert_ptr_eq(ns_of(i), ns);
	/* from inside: pid 1, PPid 0 */
	ck_assert_int_eq(info_ns(i, ns), 0);
	ck_assert_int_eq(ti.pid, 1);
	ck_assert_int_eq(ti.tgid, 1);
	ck_assert_int_eq(ti.ppid, 0);
	/* its group and session are its parent's, outside: not visible */
	ck_assert_int_eq(ti.pgrp, 0);
	ck_assert_int_eq(ti.session, 0);
	ck_assert_uint_eq(ti.ns_levels, 1);
	ck_assert_int_eq(ti.nspid[0], 1);
	/* from the initial namespace: its numbers, then NSpid i 1 */
	ck_assert_int_eq(info_ns(i, NULL), 0);
	ck_assert_int_eq(ti.pid, i);
	ck_assert_int_eq(ti.ppid, p);
	ck_assert_uint_eq(ti.ns_levels, 2);
	ck_assert_int_eq(ti.nspid[0], i);
	ck_assert_int_eq(ti.nspid[1], 1);
	ck_assert_int_eq(ti.nspgid[0], 1);
	ck_assert_int_eq(ti.nspgid[1], 0);
	/* the outsider is not visible inside */
	ck_assert_int_eq(info_ns(p, ns), -ESRCH);

	c = fork_ok(i);
	ck_assert_int_eq(info_ns(c, ns), 0);
	ck_assert_int_eq(ti.pid, 2);
	ck_assert_int_eq(ti.ppid, 1);
	/* a second child of the unsharer is a sibling of init, inside */
	c = fork_ok(p);
	ck_assert_int_eq(info_ns(c, ns), 0);
	ck_assert_int_eq(ti.pid, 3);
	ck_assert_int_eq(ti.ppid, 0);
	/* a thread of init is in its namespace */
	ck_assert_int_eq(pidfs_thread(k, i, NULL, &t), 0);
	ck_assert_int_eq(info_ns(t, ns), 0);
	ck_assert_int_eq(ti.pid, 4);
	ck_assert_int_eq(ti.tgid, 1);
}
END_TEST

/* Orphans inside a namespace go to its init, not to the initial one. */
START_TEST(test_reparent_in_ns)
{
	pid_t p = fork_ok(1), i, a, b;
	struct pid_namespace *ns;

	unshare_ok(p);
	i = fork_ok(p);
	ns = ns_of(i);
	a = fork_ok(i);
	b = fork_ok(a);
	ck_assert_int_eq(pidfs_exit(k, a, 0), 0);
	ck_assert_int_eq(info_ns(b, NULL), 0);
	ck_assert_int_eq(ti.ppid, i);
	ck_assert_int_eq(info_ns(b, ns), 0);
	ck_assert_int_eq(ti.ppid, 1);
	/* outside a namespace, orphans still go to pid 1 */
	a = fork_ok(p);
	ck_assert_int_eq(pidfs_exit(k, p, 0), 0);
	ck_assert_int_eq(info_ns(i, NULL), 0);
	ck_assert_int_eq(ti.ppid, 1);
	/* a's number is in the new namespace: its parent there is init's */
	ck_assert_int_eq(info_ns(a, NULL), 0);
	ck_assert_int_eq(ti.ppid, 1);
	ck_assert_int_eq(info_ns(a, ns), 0);
	ck_assert_int_eq(ti.ppid, 0);
}
END_TEST

/*
 * The init's exit kills and reaps the namespace and those below it; it
 * is left a zombie; forks into the namespace fail ENOMEM afterwards; the
 * namespaces go when the last task and reference do.
 */
START_TEST(test_zap_nested)
{
	pid_t p = fork_ok(1), i, a, b, c, j, d, e, th, x;
	struct pid_namespace *ns, *ns2;
	struct pid_ns_stats st;
	unsigned int inum, inum2;

	inum = unshare_ok(p);
	i = fork_ok(p);
	ns = ns_of(i);
	a = fork_ok(i);
	b = fork_ok(i);
	c = fork_ok(b);
	ck_assert_int_eq(pidfs_exit(k, c, 3), 0); /* a zombie inside */
	th = 0;
	ck_assert_int_eq(pidfs_thread(k, b, NULL, &th), 0);
	inum2 = unshare_ok(a);
	j = fork_ok(a);
	ns2 = ns_of(j);
	ck_assert_ptr_eq(pid_ns_parent(ns2), ns);
	d = fork_ok(j);
	e = fork_ok(d);
	/* a sibling of the inner init, from its unsharer */
	x = fork_ok(a);
	ck_assert_int_eq(info_ns(e, NULL), 0);
	ck_assert_uint_eq(ti.ns_levels, 3);
	ck_assert_int_eq(ti.nspid[2], 3);
	st = nstats(root);
	ck_assert_int_eq(st.nr_namespaces, 3);

	ck_assert_int_eq(pidfs_exit(k, i, 7), 0);
	/* every task of both namespaces is gone; init is a zombie */
	ck_assert(!alive(a) && !alive(b) && !alive(c) && !alive(th));
	ck_assert(!alive(j) && !alive(d) && !alive(e) && !alive(x));
	ck_assert_int_eq(info_ns(i, NULL), 0);
	ck_assert_int_eq(ti.exit_state, EXIT_ZOMBIE);
	ck_assert_int_eq(ti.exit_code, 7);
	ck_assert_int_eq(pid_ns_next_pidmap(ns, 1), -1);
	ck_assert_ptr_null(pid_ns_child_reaper(ns));
	/* ns2 had nothing left to hold it: gone after the grace period */
	rcu_barrier();
	ck_assert_ptr_null(pid_ns_find_get(root, inum2));

	/* forks into the dead namespace: ENOMEM, nothing charged */
	ck_assert_int_eq(pidfs_fork(k, p, NULL, &x), -ENOMEM);
	ck_assert_int_eq(pidfs_spawn(k, 2, p, (pid_t[2]){ 0 }), -ENOMEM);

	/* the zombie init holds its pid; the unsharer holds the namespace */
	ck_assert_int_eq(pidfs_reap(k, i), 0);
	rcu_barrier();
	ns = pid_ns_find_get(root, inum);
	ck_assert_ptr_nonnull(ns);
	put_pid_ns(ns);
	ck_assert_int_eq(pidfs_kill(k, p, 0), 0);
	rcu_barrier();
	ck_assert_ptr_null(pid_ns_find_get(root, inum));
	st = nstats(root);
	ck_assert_int_eq(st.nr_namespaces, 1);
	ck_assert_int_eq(st.nr_pids, 1);
	/* init's: its bitmap page, or its IDR's one leaf */
	if (pid_ns_alloc(root) == PID_ALLOC_IDR) {
		ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects, 0);
		ck_assert_uint_eq(kind(LOWMEM_IDR).objects, 1);
	} else {
		ck_assert_uint_eq(kind(LOWMEM_PIDMAP).objects, 1);
	}
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 1);
}
END_TEST

/* A failed first fork leaves a namespace that will never have an init. */
START_TEST(test_first_fork_failed)
{
	pid_t p = fork_ok(1), c;

	unshare_ok(p);
	/*
	 * the task_struct's allocation fails, after the struct pid's (and
	 * under the IDR after the new namespace's first leaf)
	 */
	lowmem_fail_nth(lm, pid_ns_alloc(root) == PID_ALLOC_IDR ? 3 : 2);
	ck_assert_int_eq(pidfs_fork(k, p, NULL, &c), -ENOMEM);
	lowmem_fail_nth(lm, 0);
	ck_assert_int_eq(pidfs_fork(k, p, NULL, &c), -ENOMEM);
	/* a new unshare is allowed: the children's namespace is not its own */
	ck_assert_int_eq(pidfs_unshare_pid(k, p, &(unsigned int){ 0 }),
			 -EINVAL);
}
END_TEST

/* ENOSPC past 32 levels, through the task layer. */
START_TEST(test_unshare_enospc)
{
	pid_t p = fork_ok(1);
	unsigned int inum;

	for (int l = 1; l <= MAX_PID_NS_LEVEL; l++) {
		unshare_ok(p);
		p = fork_ok(p);
	}
	ck_assert_int_eq(info_ns(p, NULL), 0);
	ck_assert_uint_eq(ti.ns_levels, MAX_PID_NS_LEVEL + 1);
	ck_assert_uint_eq(pid_ns_level(ns_of(p)), MAX_PID_NS_LEVEL);
	ck_assert_int_eq(pidfs_unshare_pid(k, p, &inum), -ENOSPC);
	/* the charge of its struct pid is level 32's: 44 + 16 * 32 on i386 */
	ck_assert_uint_eq(pid_charged_size(NULL, MAX_PID_NS_LEVEL), 556);
}
END_TEST

/*
 * RCU readers against writers across levels: readers look numbers up in
 * a level-2 namespace and check each pid they find against itself while
 * the writer forks and kills in it and in the level above.
 */
#define RCU_READERS 2
#define RCU_ROUNDS 3000

struct ns_reader {
	pthread_t thread;
	struct pid_namespace *ns[3];
	unsigned long found, bad;
};

static int writer_done;

static void *reader_fn(void *arg)
{
	struct ns_reader *r = arg;
	unsigned long ops = 0;

	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE) || ops < 1000) {
		int nr = 1 + (int)(ops++ % 16);
		struct pid *pid = find_get_pid_ns(nr, r->ns[2]);
		struct task_struct *t;

		if (!pid)
			continue;
		r->found++;
		if (pid_nr_ns(pid, r->ns[2]) != nr || pid->level != 2 ||
		    ns_of_pid(pid) != r->ns[2] || !pid_nr_ns(pid, r->ns[1]) ||
		    pid_nr(pid) <= 0)
			r->bad++;
		/* the task's own link goes NULL at release: t->pid stays */
		t = get_pid_task(pid, PIDTYPE_PID);
		if (t) {
			if (t->pid != pid_nr(pid))
				r->bad++;
			put_task_struct(t);
		}
		put_pid(pid);
	}
	return NULL;
}

START_TEST(test_rcu_across_levels)
{
	struct ns_reader r[RCU_READERS];
	pid_t p = fork_ok(1), i1, i2, kids[8];
	struct pid_namespace *ns1, *ns2;

	unshare_ok(p);
	i1 = fork_ok(p);
	ns1 = ns_of(i1);
	unshare_ok(i1);
	i2 = fork_ok(i1);
	ns2 = ns_of(i2);
	writer_done = 0;
	for (int n = 0; n < RCU_READERS; n++) {
		memset(&r[n], 0, sizeof(r[n]));
		r[n].ns[0] = root;
		r[n].ns[1] = ns1;
		r[n].ns[2] = ns2;
		ck_assert_int_eq(pthread_create(&r[n].thread, NULL, reader_fn,
						&r[n]),
				 0);
	}
	for (int round = 0; round < RCU_ROUNDS; round++) {
		pid_t parent = round % 3 ? i2 : i1;

		for (int n = 0; n < 8; n++)
			kids[n] = fork_ok(parent);
		for (int n = 0; n < 8; n++)
			ck_assert_int_eq(pidfs_kill(k, kids[n], 0), 0);
	}
	__atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
	for (int n = 0; n < RCU_READERS; n++) {
		pthread_join(r[n].thread, NULL);
		ck_assert_uint_eq(r[n].bad, 0);
		/* init of ns2 at least was always there */
		ck_assert_uint_gt(r[n].found, 0);
	}
}
END_TEST

/* The task layer's cases, under the fixture of @tc's allocator. */
static void add_task_cases(Suite *s, TCase *tc)
{
	tcase_add_test(tc, test_fork_into_ns);
	tcase_add_test(tc, test_reparent_in_ns);
	tcase_add_test(tc, test_zap_nested);
	tcase_add_test(tc, test_first_fork_failed);
	tcase_add_test(tc, test_unshare_enospc);
	tcase_add_test(tc, test_rcu_across_levels);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
}

Suite *pidns_suite(void)
{
	Suite *s = suite_create("pidns");
	TCase *tc;

	tc = tcase_create("pid");
	tcase_add_checked_fixture(tc, pid_setup, pid_teardown);
	tcase_add_test(tc, test_alloc_each_level);
	tcase_add_test(tc, test_hash_keyed_by_ns);
	tcase_add_test(tc, test_ns_lifetime);
	tcase_add_test(tc, test_alloc_fault_injection);
	tcase_add_test(tc, test_alloc_undo_on_full_parent);
	suite_add_tcase(s, tc);

	tc = tcase_create("task");
	tcase_add_checked_fixture(tc, task_setup, task_teardown);
	add_task_cases(s, tc);

	tc = tcase_create("task_idr");
	tcase_add_checked_fixture(tc, task_setup_idr, task_teardown);
	add_task_cases(s, tc);
	return s;
}
