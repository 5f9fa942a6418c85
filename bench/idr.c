// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/pidhash, section i: the IDR of Linux 4.15 (src/idr.c) beside the
 * structures it replaced in commit 95846ecf9dac, the pidmap and the pid
 * hash (src/pid.c), measured in the same run in interleaved rounds, each
 * figure the median of the per-round ratios (bench/lib.h says why).
 *
 *   lookup  rcu_read_lock + idr_find + rcu_read_unlock against the same
 *           around find_pid_ns(), random live numbers, 1 reader, the hash
 *           sized as the patch does (4096 buckets, "patch") and to the
 *           load ("load"), the live numbers 1..n; and (up to 32768 pids)
 *           with the hash sized to the load but the numbers spread over
 *           4n, three in four freed at random ("spread"), as they are
 *           once the allocator has wrapped: the IDR then has sparse
 *           leaves;
 *   walk    the live pids in order, one call per pid as proc's readdir
 *           makes them (next_tgid): idr_get_next() against
 *           find_ge_pid_ns(), each under its own rcu_read_lock, ns per
 *           pid (a walk goes on from phase to phase: at 1000000 pids in
 *           4096 buckets a whole one takes most of a minute);
 *   memory  the IDR's nodes (tree and reserve, at 576 bytes) against the
 *           pidmap's pages plus the hash table, and against those plus
 *           the hash chain's link in every struct pid (the kernel's
 *           hlist_node, 16 bytes, which 4.15 dropped with the hash);
 *   alloc   idr_alloc_cyclic() + idr_remove() pairs against the pidmap's
 *           alloc_pidmap() + free_pidmap() (bench/prepatch.c's, the
 *           2.6.17 next-fit bitmap) at 10%, 50% and 90% of pid_max 32768
 *           (and of 4194304, 3.8 million live ids at 90%) in use, the
 *           same numbers in both, without the caller's lock
 *           (the same for both) and with the IDR's RCU frees waited for.
 *
 * A ratio above 1.00 means the IDR takes longer (or more bytes).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/idr.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"

#include "idr.h"
#include "lib.h"
#include "prepatch.h"

#define MAX_ROUNDS 31
#define BATCH 256
#define HLIST_NODE_BYTES 16

/* One namespace with @n live pids, and an IDR mapping the same numbers. */
struct both {
	struct lowmem *lm;
	struct pid_namespace *ns;
	struct idr idr;
	struct pid **pids;
	int *keys;
	int n;
};

static void shuffle(struct pid **v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(random() % (i + 1));
		struct pid *t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/*
 * @n live pids, numbered 1..n (dense), or (@spread) the survivors of
 * 4 * @n numbers of which three in four were freed at random: what a
 * system looks like once the allocator has wrapped.
 */
static void both_build(struct both *b, int n, int hash_shift, bool spread)
{
	int made = spread ? 4 * n : n;

	b->n = n;
	b->lm = lowmem_create(LOWMEM_MAX_BUDGET);
	b->pids = calloc((size_t)made, sizeof(*b->pids));
	b->keys = malloc((size_t)n * sizeof(*b->keys));
	if (!b->lm || !b->pids || !b->keys)
		bench_die("out of memory");
	/* 1M live ids: a 64-bit machine's pid_max */
	b->ns = pid_ns_create(&(struct pid_ns_params){
		.arch = &pidfs_arch_x86_64,
		.lowmem = b->lm,
		.pid_max = PID_MAX_LIMIT,
		.hash_shift = hash_shift,
	});
	if (!b->ns)
		bench_die("pid_ns_create: %s", strerror(errno));
	if (idr_init(&b->idr, b->lm, IDR_NODE_BYTES_X86_64))
		bench_die("idr_init: out of memory");
	for (int i = 0; i < made; i++) {
		b->pids[i] = alloc_pid(b->ns);
		if (!b->pids[i])
			bench_die("alloc_pid failed at %d", i);
	}
	shuffle(b->pids, made);
	for (int i = n; i < made; i++)
		free_pid(b->pids[i]);
	for (int i = 0; i < n; i++) {
		int nr = pid_nr(b->pids[i]);

		/* as 4.15's alloc_pid(): NULL first, then the pid */
		if (idr_alloc(&b->idr, NULL, nr, nr + 1) != nr)
			bench_die("idr_alloc %d failed", nr);
		idr_replace(&b->idr, b->pids[i], nr);
		b->keys[i] = nr;
	}
	rcu_barrier();
}

static void both_destroy(struct both *b)
{
	for (int i = 0; i < b->n; i++)
		free_pid(b->pids[i]);
	rcu_barrier();
	pidfs_idr_exit(&b->idr);
	pid_ns_destroy(b->ns);
	lowmem_destroy(b->lm);
	free(b->pids);
	free(b->keys);
}

/* ns per lookup of the keys, in batches, for the phase's time. */
static double time_lookups(const struct bench_phases *o, struct both *b,
			   bool idr, uint64_t *misses)
{
	uint64_t start = bench_now_ns(), ops = 0;
	int k = 0;

	do {
		for (int i = 0; i < BATCH; i++) {
			void *p;

			rcu_read_lock();
			if (idr)
				p = idr_find(&b->idr, b->keys[k]);
			else
				p = find_pid_ns(b->keys[k], b->ns);
			rcu_read_unlock();
			*misses += !p;
			if (++k == b->n)
				k = 0;
		}
		ops += BATCH;
	} while (!bench_phase_done(o, start, ops));
	return (double)(bench_now_ns() - start) / (double)ops;
}

/*
 * A walk in order, resumed where the last phase left it: at 1000000 pids
 * and 4096 buckets one find_ge_pid() costs tens of microseconds, and a
 * whole walk would outlast any phase.
 */

double idr_bench_walk(const struct bench_phases *o, struct pid_namespace *ns,
		      const struct idr *idr, int n, struct idr_bench_walk *w)
{
	uint64_t start = bench_now_ns(), ops = 0;

	do {
		for (int i = 0; i < 64; i++) {
			void *p;
			int nr = w->nr;

			rcu_read_lock();
			if (idr) {
				p = idr_get_next(idr, &nr);
			} else {
				p = find_ge_pid_ns(nr, ns);
				if (p)
					nr = pid_nr(p);
			}
			rcu_read_unlock();
			if (!p) {
				/* the end: every pid seen once, start again */
				w->bad += w->seen != n;
				w->nr = w->seen = 0;
				continue;
			}
			w->bad += nr < w->nr;
			w->nr = nr + 1;
			w->seen++;
			ops++;
		}
	} while (!bench_phase_done(o, start, ops));
	return (double)(bench_now_ns() - start) / (double)ops;
}

/*
 * Print and record one comparison: @t[0] the pid hash's times, @t[1] the
 * IDR's, and their ratio (above 1: the IDR takes longer).
 */
static void report(const struct bench_phases *o, const char *what,
		   const char *theirs, const char *mine, const char *unit,
		   double t[2][MAX_ROUNDS], int n, const char *sizing)
{
	double q = bench_ratio_median(t[1], t[0], o->rounds);
	char name[64], variant[96], base[96];

	printf("  %-8s %7d %-6s %-11s %6.1f  %-12s %6.1f  x %6.3f  (%s)\n",
	       what, n, sizing, theirs, bench_median(t[0], o->rounds), mine,
	       bench_median(t[1], o->rounds), q, unit);
	snprintf(name, sizeof(name), "pidhash.idr.%s", what);
	snprintf(variant, sizeof(variant), "%s n=%d hash=%s", mine, n, sizing);
	snprintf(base, sizeof(base), "%s n=%d hash=%s", theirs, n, sizing);
	bench_csv(name, base, bench_median(t[0], o->rounds), unit, NAN, NULL);
	bench_csv(name, variant, bench_median(t[1], o->rounds), unit, q, base);
}

static void lookups_and_walks(const struct bench_phases *o, struct both *b,
			      const char *sizing)
{
	double look[2][MAX_ROUNDS], walk[2][MAX_ROUNDS];
	struct idr_bench_walk w[2] = { { 0 }, { 0 } };
	uint64_t misses = 0;

	for (int r = 0; r < o->rounds; r++)
		for (int j = 0; j < 2; j++) {
			bool idr = (r + j) % 2;

			look[idr][r] = time_lookups(o, b, idr, &misses);
		}
	for (int r = 0; r < o->rounds; r++)
		for (int j = 0; j < 2; j++) {
			bool idr = (r + j) % 2;

			walk[idr][r] = idr_bench_walk(
				o, b->ns, idr ? &b->idr : NULL, b->n, &w[idr]);
		}
	misses += w[0].bad + w[1].bad;
	if (misses)
		bench_die("idr: %llu lookups or walks missed live pids",
			  (unsigned long long)misses);
	report(o, "lookup", "find_pid", "idr_find", "ns/op", look, b->n,
	       sizing);
	report(o, "walk", "find_ge_pid", "idr_get_next", "ns/pid", walk, b->n,
	       sizing);
}

static void memory(struct both *b, const char *sizing)
{
	struct pid_ns_stats ps;
	struct idr_stats is;
	double old, links;
	char variant[96], base[96];

	pid_ns_read_stats(b->ns, &ps);
	pidfs_idr_read_stats(&b->idr, &is);
	old = (double)ps.pidmap_pages * PAGE_SIZE + (double)ps.hash_bytes;
	links = old + (double)b->n * HLIST_NODE_BYTES;
	printf("  %-8s %7d %-6s pidmap+hash %.0f B (+ chain links %.0f B); "
	       "idr %zu B, %lu nodes (+%lu reserve), height %u: x %.2f, "
	       "x %.2f with links\n",
	       "memory", b->n, sizing, old, links, is.bytes, is.nodes,
	       is.reserve, is.height, (double)is.bytes / old,
	       (double)is.bytes / links);
	snprintf(variant, sizeof(variant), "idr n=%d", b->n);
	snprintf(base, sizeof(base), "pidmap+hash n=%d hash=%s", b->n, sizing);
	bench_csv("pidhash.idr.memory", base, old, "bytes", NAN, NULL);
	bench_csv("pidhash.idr.memory", variant, (double)is.bytes, "bytes",
		  (double)is.bytes / old, base);
	snprintf(base, sizeof(base), "pidmap+hash+hlist n=%d hash=%s", b->n,
		 sizing);
	bench_csv("pidhash.idr.memory", base, links, "bytes", NAN, NULL);
	bench_csv("pidhash.idr.memory", variant, (double)is.bytes, "bytes",
		  (double)is.bytes / links, base);
}

void idr_bench_size(const struct bench_phases *o, int n)
{
	const int shifts[3] = { pidhash_shift_for(896), bench_shift_for(n),
				bench_shift_for(n) };
	const char *sizing[3] = { "patch", "load", "spread" };

	for (int z = 0; z < 3; z++) {
		struct both b;

		if (z == 1 && shifts[z] == shifts[0])
			continue;
		/* spread: 4n struct pids made first; not for a million */
		if (z == 2 && n > 32768)
			continue;
		both_build(&b, n, shifts[z], z == 2);
		lookups_and_walks(o, &b, sizing[z]);
		if (z != 1)
			memory(&b, sizing[z]);
		both_destroy(&b);
	}
}

/* 4.15's alloc_pid(): pid 1 first, then wrap to RESERVED_PIDS. */
static int idr_alloc_pid_nr(struct idr *idr, int pid_max)
{
	int pid_min = idr_get_cursor(idr) > RESERVED_PIDS ? RESERVED_PIDS : 1;

	return idr_alloc_cyclic(idr, NULL, pid_min, pid_max);
}

void idr_bench_alloc_free(const struct bench_phases *o, double occ, int pid_max)
{
	struct lowmem *lm = lowmem_create(UINT64_C(1) << 30);
	struct old_pidhash *oh = old_pidhash_create(12, pid_max);
	int *nrs = malloc((size_t)pid_max * sizeof(*nrs));
	double rate[2][MAX_ROUNDS];
	struct idr idr;
	struct idr_stats st;
	int n = 0, keep = (int)(occ * pid_max);
	char variant[64], base[64], max[32] = "";

	if (pid_max != PID_MAX_DEFAULT)
		snprintf(max, sizeof(max), " pid_max=%d", pid_max);
	if (!lm || !oh || !nrs || idr_init(&idr, lm, IDR_NODE_BYTES_X86_64))
		bench_die("out of memory");
	/* Fill the IDR, then free a random part; the same in the bitmap. */
	for (int nr; (nr = idr_alloc_pid_nr(&idr, pid_max)) >= 0;)
		nrs[n++] = nr;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(random() % (i + 1)), t = nrs[i];

		nrs[i] = nrs[j];
		nrs[j] = t;
	}
	for (int i = 0; i < n; i++) {
		if (i < keep) {
			old_write_lock(oh);
			old_set_pidmap(oh, nrs[i]);
			old_write_unlock(oh);
		} else {
			idr_remove(&idr, nrs[i]);
		}
	}
	rcu_barrier();

	for (int r = 0; r < o->rounds; r++) {
		for (int j = 0; j < 2; j++) {
			int idr_side = (r + j) % 2;
			uint64_t start = bench_now_ns(), now, ops = 0;

			do {
				for (int i = 0; i < 64; i++) {
					int nr;

					if (idr_side) {
						nr = idr_alloc_pid_nr(&idr,
								      pid_max);
						if (nr < 0)
							bench_die("idr_alloc");
						idr_remove(&idr, nr);
					} else {
						nr = old_alloc_pidmap(oh);
						if (nr < 0)
							bench_die(
								"alloc_pidmap");
						old_free_pidmap(oh, nr);
					}
				}
				ops += 64;
			} while (!bench_phase_done(o, start, ops));
			/* nodes the removes let go count too */
			if (idr_side)
				rcu_barrier();
			now = bench_now_ns();
			rate[idr_side][r] =
				(double)ops * 1e9 / (double)(now - start);
		}
	}
	pidfs_idr_read_stats(&idr, &st);
	printf("  %7d %3.0f%% in use: pidmap alloc+free %6.1f M/s, idr "
	       "alloc_cyclic+remove %6.1f M/s: x %.2f the time "
	       "(idr %lu nodes, %zu B)\n",
	       pid_max, occ * 100, bench_median(rate[0], o->rounds) / 1e6,
	       bench_median(rate[1], o->rounds) / 1e6,
	       bench_ratio_median(rate[0], rate[1], o->rounds), st.nodes,
	       st.bytes);
	snprintf(variant, sizeof(variant), "idr occupancy=%.0f%%%s", occ * 100,
		 max);
	snprintf(base, sizeof(base), "pidmap occupancy=%.0f%%%s", occ * 100,
		 max);
	bench_csv("pidhash.idr.alloc_free", base,
		  bench_median(rate[0], o->rounds), "pairs/s", NAN, NULL);
	/* the ratio of times: pidmap's rate over the IDR's */
	bench_csv("pidhash.idr.alloc_free", variant,
		  bench_median(rate[1], o->rounds), "pairs/s",
		  bench_ratio_median(rate[0], rate[1], o->rounds), base);

	pidfs_idr_exit(&idr);
	lowmem_destroy(lm);
	old_pidhash_destroy(oh);
	free(nrs);
}
