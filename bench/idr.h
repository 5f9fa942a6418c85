/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/pidhash's IDR section (bench/idr.c): Linux 4.15's IDR against
 * pidfs's pidmap and pid hash, in the same run.  Bench-only code.
 */
#ifndef PIDFS_BENCH_IDR_H
#define PIDFS_BENCH_IDR_H

#include "lib.h"

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

#endif /* PIDFS_BENCH_IDR_H */
