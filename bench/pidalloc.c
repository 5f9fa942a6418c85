// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/pidhash, section p: the pid layer with each allocator.  Two trees
 * of namespaces, one made with PID_ALLOC_PIDMAP (the patch's bitmap and
 * hash) and one with PID_ALLOC_IDR (Linux 4.15's IDR, commit
 * 95846ecf9dac), holding the same live numbers, measured through the
 * same calls a caller of the pid layer makes, in interleaved rounds, each
 * figure the median of the per-round ratios (bench/lib.h says why):
 *
 *   lookup  rcu_read_lock + find_pid_ns() + rcu_read_unlock, random live
 *           numbers (and "lookup_get": find_get_pid_ns() + put_pid(),
 *           which touch the struct pid found: idr_find() alone never
 *           does, where a hash chain is made of the struct pids), at 1000, 32768 and 1000000 live pids (pid_max
 *           4194304, the x86-64 machine's), the hash sized as the patch
 *           does (4096 buckets, "patch") and to the load ("load"); and up
 *           to 32768 pids with the numbers spread over 4n, three in four
 *           freed at random ("spread"), as after the allocator has
 *           wrapped;
 *   walk    the live pids in order, one find_ge_pid_ns() per pid, each
 *           under its own rcu_read_lock, as proc's readdir (next_tgid)
 *           makes them; ns per pid;
 *   memory  what /meminfo charges each: the bitmap's pages and the hash
 *           table (the modelled machine's bytes) against the IDR's nodes
 *           (tree and reserve, 576 bytes each on x86-64);
 *   alloc   alloc_pid() + free_pid() pairs with 10%, 50% and 90% of
 *           pid_max in use (32768 with the patch's 4096 buckets, and
 *           4194304 with as many outside -s), the same
 *           numbers in use in both trees, including the RCU callbacks
 *           free_pid() queues.
 *
 * The ratio is the IDR's time (or bytes) over the pidmap's: above 1 the
 * IDR takes longer.  The target: IDR lookup within 1.5 times the hash's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/arch.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"

#include "idr.h"
#include "lib.h"
#include "pidalloc.h"
#include "pidns.h"

#define MAX_ROUNDS 31
#define LOOKUP_TARGET 1.5

/* One tree of one allocator with @n live pids. */
struct side {
	enum pid_alloc alloc;
	struct lowmem *lm;
	struct pid_namespace *ns;
	struct pid **pids; /* the live ones first */
	int *keys; /* their numbers, shuffled */
	int made, n;
};

static struct pid_namespace *make_ns(struct lowmem *lm, enum pid_alloc alloc,
				     int pid_max, int shift)
{
	struct pid_namespace *ns = pid_ns_create(&(struct pid_ns_params){
		.lowmem = lm,
		.arch = &pidfs_arch_x86_64,
		.pid_max = pid_max,
		.hash_shift = shift,
		.alloc = alloc,
	});

	if (!ns)
		bench_die("pid_ns_create(%s): %s", pid_alloc_name(alloc),
			  strerror(errno));
	return ns;
}

/*
 * @made pids allocated from 1, then all but @n freed in an order drawn
 * from @seed: both sides draw the same, so the same numbers survive.
 */
static void side_build(struct side *s, enum pid_alloc alloc, int n, int made,
		       int pid_max, int shift, unsigned int seed)
{
	memset(s, 0, sizeof(*s));
	s->alloc = alloc;
	s->n = n;
	s->made = made;
	s->lm = lowmem_create(LOWMEM_MAX_BUDGET);
	s->pids = calloc((size_t)made, sizeof(*s->pids));
	s->keys = malloc((size_t)n * sizeof(*s->keys));
	if (!s->lm || !s->pids || !s->keys)
		bench_die("out of memory");
	s->ns = make_ns(s->lm, alloc, pid_max, shift);
	for (int i = 0; i < made; i++) {
		s->pids[i] = alloc_pid(s->ns);
		if (!s->pids[i])
			bench_die("alloc_pid(%s) failed at %d: %s",
				  pid_alloc_name(alloc), i, strerror(errno));
	}
	srandom(seed);
	for (int i = made - 1; i > 0; i--) {
		int j = (int)(random() % (i + 1));
		struct pid *t = s->pids[i];

		s->pids[i] = s->pids[j];
		s->pids[j] = t;
	}
	for (int i = n; i < made; i++)
		free_pid(s->pids[i]);
	for (int i = 0; i < n; i++)
		s->keys[i] = pid_nr(s->pids[i]);
	rcu_barrier();
}

static void side_destroy(struct side *s)
{
	for (int i = 0; i < s->n; i++)
		free_pid(s->pids[i]);
	rcu_barrier();
	pid_ns_destroy(s->ns);
	lowmem_destroy(s->lm);
	free(s->pids);
	free(s->keys);
}

static void report(int rounds, const char *what, const char *unit,
		   double t[2][MAX_ROUNDS], int n, const char *sizing)
{
	double q = bench_ratio_median(t[1], t[0], rounds);
	char name[64], variant[96], base[96];

	printf("  %-10s %7d %-6s pidmap %8.1f  idr %8.1f  x %6.3f (%s)", what,
	       n, sizing, bench_median(t[0], rounds),
	       bench_median(t[1], rounds), q, unit);
	if (!strncmp(what, "lookup", 6))
		printf(" target <= %.1f: %s", LOOKUP_TARGET,
		       q <= LOOKUP_TARGET ? "met" : "MISSED");
	printf("\n");
	snprintf(name, sizeof(name), "pidhash.alloc.%s", what);
	snprintf(base, sizeof(base), "pidmap n=%d hash=%s", n, sizing);
	snprintf(variant, sizeof(variant), "idr n=%d hash=%s", n, sizing);
	bench_csv(name, base, bench_median(t[0], rounds), unit, NAN, NULL);
	bench_csv(name, variant, bench_median(t[1], rounds), unit, q, base);
}

/* Bytes /meminfo charges for the numbering and finding structures. */
static double charged(struct pid_namespace *ns, struct pid_ns_stats *st)
{
	pid_ns_read_stats(ns, st);
	if (st->alloc == PID_ALLOC_IDR)
		return (double)st->tree_idr_bytes;
	return (double)st->tree_pidmap_pages * PAGE_SIZE +
	       (double)st->hash_charged;
}

static void memory(struct side s[2], const char *sizing)
{
	struct pid_ns_stats st[2];
	double b[2] = { charged(s[0].ns, &st[0]), charged(s[1].ns, &st[1]) };
	char variant[96], base[96];

	printf("  %-10s %7d %-6s pidmap %.0f B (%d bitmap pages, %u buckets); "
	       "idr %.0f B (%lu nodes, height %u): x %.2f\n",
	       "memory", s[0].n, sizing, b[0], st[0].tree_pidmap_pages,
	       st[0].hash_buckets, b[1], st[1].tree_idr_nodes, st[1].idr.height,
	       b[1] / b[0]);
	snprintf(base, sizeof(base), "pidmap n=%d hash=%s", s[0].n, sizing);
	snprintf(variant, sizeof(variant), "idr n=%d hash=%s", s[0].n, sizing);
	bench_csv("pidhash.alloc.memory", base, b[0], "bytes", NAN, NULL);
	bench_csv("pidhash.alloc.memory", variant, b[1], "bytes", b[1] / b[0],
		  base);
}

void pidalloc_bench_size(const struct bench_phases *o, int n)
{
	const int shifts[3] = { pidhash_shift_for(896), bench_shift_for(n),
				bench_shift_for(n) };
	const char *sizing[3] = { "patch", "load", "spread" };

	for (int z = 0; z < 3; z++) {
		double look[2][MAX_ROUNDS], get[2][MAX_ROUNDS];
		double walk[2][MAX_ROUNDS];
		struct idr_bench_walk w[2] = { { 0 }, { 0 } };
		uint64_t misses = 0;
		struct side s[2];
		int made = z == 2 ? 4 * n : n;

		if (z == 1 && shifts[1] == shifts[0])
			continue;
		if (z == 2 && n > 32768)
			continue;
		for (int a = 0; a < 2; a++)
			side_build(&s[a], a ? PID_ALLOC_IDR : PID_ALLOC_PIDMAP,
				   n, made, PID_MAX_LIMIT, shifts[z], 1);
		for (int r = 0; r < o->rounds; r++)
			for (int j = 0; j < 2; j++) {
				int a = (r + j) % 2;

				look[a][r] = pidns_time_lookups(o, s[a].ns,
								s[a].keys,
								s[a].n, false,
								&misses);
				get[a][r] = pidns_time_lookups(o, s[a].ns,
							       s[a].keys,
							       s[a].n, true,
							       &misses);
			}
		for (int r = 0; r < o->rounds; r++)
			for (int j = 0; j < 2; j++) {
				int a = (r + j) % 2;

				walk[a][r] = idr_bench_walk(o, s[a].ns, NULL,
							    s[a].n, &w[a]);
			}
		if (misses || w[0].bad || w[1].bad)
			bench_die("alloc: lookups or walks missed live pids");
		report(o->rounds, "lookup", "ns/op", look, n, sizing[z]);
		report(o->rounds, "lookup_get", "ns/op", get, n, sizing[z]);
		report(o->rounds, "walk", "ns/pid", walk, n, sizing[z]);
		/* the IDR's bytes do not depend on the hash's sizing */
		if (z != 1)
			memory(s, sizing[z]);
		for (int a = 0; a < 2; a++)
			side_destroy(&s[a]);
	}
}

void pidalloc_bench_alloc_free(const struct bench_phases *o, double occ,
			       int pid_max)
{
	double t[2][MAX_ROUNDS];
	struct side s[2];
	char variant[96], base[96];
	/*
	 * The patch's 4096 buckets at pid_max 32768; sized to pid_max
	 * above, or every free_pid() of millions of pids walks a chain of
	 * a thousand to find its predecessor.
	 */
	int full, shift = pid_max > PID_MAX_DEFAULT ? bench_shift_for(pid_max) :
						      pidhash_shift_for(896);

	/* How many numbers a full tree holds: fill one and count. */
	{
		struct lowmem *lm = lowmem_create(LOWMEM_MAX_BUDGET);
		struct pid_namespace *ns;
		struct pid **v = calloc((size_t)pid_max, sizeof(*v));

		if (!lm || !v)
			bench_die("out of memory");
		ns = make_ns(lm, PID_ALLOC_PIDMAP, pid_max, shift);
		for (full = 0; full < pid_max && (v[full] = alloc_pid(ns));)
			full++;
		for (int i = 0; i < full; i++)
			free_pid(v[i]);
		rcu_barrier();
		pid_ns_destroy(ns);
		lowmem_destroy(lm);
		free(v);
	}
	for (int a = 0; a < 2; a++)
		side_build(&s[a], a ? PID_ALLOC_IDR : PID_ALLOC_PIDMAP,
			   (int)(occ * pid_max), full, pid_max, shift, 2);
	for (int r = 0; r < o->rounds; r++)
		for (int j = 0; j < 2; j++) {
			int a = (r + j) % 2;
			uint64_t start = bench_now_ns(), ops = 0;

			do {
				for (int i = 0; i < 64; i++) {
					struct pid *p = alloc_pid(s[a].ns);

					if (!p)
						bench_die("alloc_pid(%s): %s",
							  pid_alloc_name(
								  s[a].alloc),
							  strerror(errno));
					free_pid(p);
				}
				ops += 64;
			} while (!bench_phase_done(o, start, ops));
			/* free_pid()'s deferred half counts too */
			rcu_barrier();
			t[a][r] =
				(double)(bench_now_ns() - start) / (double)ops;
		}
	printf("  %7d %3.0f%% in use: alloc_pid+free_pid pidmap %7.1f ns, "
	       "idr %7.1f ns: x %.2f\n",
	       pid_max, occ * 100, bench_median(t[0], o->rounds),
	       bench_median(t[1], o->rounds),
	       bench_ratio_median(t[1], t[0], o->rounds));
	snprintf(base, sizeof(base), "pidmap occupancy=%.0f%% pid_max=%d",
		 occ * 100, pid_max);
	snprintf(variant, sizeof(variant), "idr occupancy=%.0f%% pid_max=%d",
		 occ * 100, pid_max);
	bench_csv("pidhash.alloc.alloc_free", base,
		  bench_median(t[0], o->rounds), "ns/pair", NAN, NULL);
	bench_csv("pidhash.alloc.alloc_free", variant,
		  bench_median(t[1], o->rounds), "ns/pair",
		  bench_ratio_median(t[1], t[0], o->rounds), base);
	for (int a = 0; a < 2; a++)
		side_destroy(&s[a]);
}
