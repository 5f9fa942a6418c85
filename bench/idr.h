/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/pidhash's IDR section (bench/idr.c): Linux 4.15's IDR against
 * pidfs's pidmap and pid hash, in the same run.  Bench-only code.
 */
#ifndef PIDFS_BENCH_IDR_H
#define PIDFS_BENCH_IDR_H

#include <stdint.h>

#include "lib.h"

struct idr;
struct pid_namespace;

/*
 * With @n live pids (pid_max PID_MAX_LIMIT): idr_find() against
 * find_pid_ns() (hash sized as the patch does and to the load), a full
 * idr_get_next() walk against a find_ge_pid_ns() walk, and the bytes
 * each structure takes.
 */
void idr_bench_size(const struct bench_phases *o, int n);

/*
 * idr_alloc_cyclic()+idr_remove() against the pidmap's alloc+free, with
 * @occ of @pid_max in use, the same numbers in both.
 */
void idr_bench_alloc_free(const struct bench_phases *o, double occ,
			  int pid_max);

/*
 * A walk of the live pids in order, one call per pid as proc's readdir
 * makes them (next_tgid), resumed where the last phase left it: at
 * 1000000 pids in 4096 buckets one find_ge_pid() costs tens of
 * microseconds, and a whole walk would outlast any phase.
 */
struct idr_bench_walk {
	int nr; /* next number to ask for */
	int seen; /* pids found since the walk began */
	uint64_t bad; /* out of order, or a walk that missed pids */
};

/*
 * Walk on for a phase, each call under its own rcu_read_lock:
 * idr_get_next() on @idr, or with @idr NULL find_ge_pid_ns() in @ns (of
 * either allocator); @n pids are live.  Returns ns per pid found.
 */
double idr_bench_walk(const struct bench_phases *o, struct pid_namespace *ns,
		      const struct idr *idr, int n, struct idr_bench_walk *w);

#endif /* PIDFS_BENCH_IDR_H */
