/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/pidhash's namespace section (bench/pidns.c): find_pid_ns() and
 * alloc_pid()+free_pid() at pid namespace levels 0, 1, 8 and 32, and
 * level 0 against pidfs's lookup before namespaces.  Bench-only code.
 */
#ifndef PIDFS_BENCH_PIDNS_H
#define PIDFS_BENCH_PIDNS_H

#include "lib.h"

/*
 * @n live pids allocated at each level (one tree of namespaces per
 * level, the hash sized to the upids it holds): lookups and alloc+free
 * pairs, each level's time over level 0's in the same rounds.
 */
void pidns_bench_levels(const struct bench_phases *o, int n);

#endif /* PIDFS_BENCH_PIDNS_H */
