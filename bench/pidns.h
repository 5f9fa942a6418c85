/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/pidhash's namespace section (bench/pidns.c): find_pid_ns() and
 * alloc_pid()+free_pid() at pid namespace levels 0, 1, 8 and 32, and
 * level 0 against pidfs's lookup before namespaces.  Bench-only code.
 */
#ifndef PIDFS_BENCH_PIDNS_H
#define PIDFS_BENCH_PIDNS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib.h"

struct pid_namespace;

/*
 * @n live pids allocated at each level (one tree of namespaces per
 * level, the hash sized to the upids it holds): lookups and alloc+free
 * pairs, each level's time over level 0's in the same rounds.
 */
void pidns_bench_levels(const struct bench_phases *o, int n);

/*
 * ns per lookup of @keys[0 .. @n - 1] in turn in @ns, for a phase:
 * rcu_read_lock + find_pid_ns() + rcu_read_unlock, or (@get)
 * find_get_pid_ns() + put_pid().  Lookups that found nothing are added
 * to *@misses.  Out of line, so that a profile tells it apart.
 */
__attribute__((noinline)) double
pidns_time_lookups(const struct bench_phases *o, struct pid_namespace *ns,
		   const int *keys, int n, bool get, uint64_t *misses);

#endif /* PIDFS_BENCH_PIDNS_H */
