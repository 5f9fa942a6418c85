/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/pidhash's allocator section (bench/pidalloc.c): the pid layer
 * made with -o alloc=pidmap against -o alloc=idr, the same calls and the
 * same numbers, in the same run.  Bench-only code.
 */
#ifndef PIDFS_BENCH_PIDALLOC_H
#define PIDFS_BENCH_PIDALLOC_H

#include "lib.h"

/*
 * With @n live pids (pid_max 4194304): find_pid_ns() and a find_ge_pid_ns()
 * walk under each allocator, and what /meminfo charges for each.
 */
void pidalloc_bench_size(const struct bench_phases *o, int n);

/* alloc_pid()+free_pid() under each, with @occ of @pid_max in use. */
void pidalloc_bench_alloc_free(const struct bench_phases *o, double occ,
			       int pid_max);

#endif /* PIDFS_BENCH_PIDALLOC_H */
