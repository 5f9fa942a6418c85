/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers the pid-layer suites share (test_pidns.c, test_pid_idr.c,
 * test_idr.c): a tree of namespaces on a zone of its own, the counters
 * they read, and the readers of their RCU tests.
 */
#ifndef PIDFS_TESTS_PIDTEST_H
#define PIDFS_TESTS_PIDTEST_H

#include <check.h>
#include <pthread.h>
#include <stdint.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"

/*
 * A zone of @arch's low memory in *@lmp and the initial namespace of a
 * tree on it, with @pid_max (0: the default) and @alloc.
 */
static inline struct pid_namespace *
pidtest_ns_create(const struct pidfs_arch *arch, int pid_max,
		  enum pid_alloc alloc, struct lowmem **lmp)
{
	struct pid_ns_params p = { 0 };
	struct pid_namespace *ns;

	*lmp = lowmem_create(arch->lowmem);
	ck_assert_ptr_nonnull(*lmp);
	p.lowmem = *lmp;
	p.arch = arch;
	p.pid_max = pid_max;
	p.hash_shift = -1;
	p.alloc = alloc;
	ns = pid_ns_create(&p);
	ck_assert_ptr_nonnull(ns);
	ck_assert_int_eq(pid_ns_alloc(ns), alloc);
	return ns;
}

/* Undo pidtest_ns_create(): the tree (every pid freed) and its zone. */
static inline void pidtest_ns_destroy(struct pid_namespace **nsp,
				      struct lowmem **lmp)
{
	pid_ns_destroy(*nsp);
	*nsp = NULL;
	lowmem_destroy(*lmp);
	*lmp = NULL;
}

/* The counters of one kind of object of @lm. */
static inline struct lowmem_kind_stats pidtest_kind(struct lowmem *lm,
						    enum lowmem_kind kd)
{
	struct lowmem_stats st;

	lowmem_read_stats(lm, &st);
	return st.kind[kd];
}

static inline struct pid_ns_stats pidtest_nstats(struct pid_namespace *ns)
{
	struct pid_ns_stats st;

	pid_ns_read_stats(ns, &st);
	return st;
}

/* xorshift64: the suites' reproducible pseudo-random numbers. */
static inline uint64_t pidtest_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One reader thread of an RCU test: what it saw wrong, and how often. */
struct pidtest_reader {
	pthread_t thread;
	uint64_t seed;
	unsigned long bad, reads;
};

#endif /* PIDFS_TESTS_PIDTEST_H */
