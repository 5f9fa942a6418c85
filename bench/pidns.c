// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/pidhash, section n: the pid layer at pid namespace levels 0, 1,
 * 8 and 32 (MAX_PID_NS_LEVEL), as 2.6.24 built it: a struct pid of level
 * L has L + 1 numbers (struct upid), each hashed in the one table keyed
 * by (nr, namespace).  For each level, one tree of namespaces (a chain
 * from the initial one down to level L, create_pid_namespace()) with @n
 * live pids allocated at its deepest level, and the hash sized to what it
 * holds (the smallest power of two >= n * (L + 1) upids), so that chains
 * stay as short at every level and the figures show the per-level work,
 * not a crowded table.  Measured in interleaved rounds, the order
 * rotating each round, each figure the median of the per-round ratios:
 *
 *   find      rcu_read_lock + find_pid_ns(nr, ns) + rcu_read_unlock,
 *             random live numbers of the deepest namespace;
 *   find_get  find_get_pid_ns() + put_pid(), the lookup of every open
 *             file;
 *   alloc     alloc_pid(ns) + free_pid() pairs at the deepest level,
 *             including the RCU callbacks they queue (waited for at the
 *             end of each phase, as section a does);
 *   flat      level 0 against pidfs's lookup before namespaces, the
 *             struct pid of the patch with its number beside its count
 *             and a singly linked chain of struct pids (pid.h until
 *             namespaces came), transcribed below, with the same numbers
 *             in a table of the same size: what namespaces cost a tree
 *             that never unshares.  The target: level 0's find_get at
 *             least 0.95 times as fast.
 *
 * What the kernel does per level (2.6.24's kernel/pid.c, and this
 * model): alloc_pid() takes one number in each namespace from its own up
 * to the initial one (alloc_pidmap() per level) and hashes each upid;
 * free_pid() unhashes each and frees each number; find_pid_ns() hashes
 * (nr, ns) once and walks one chain.  So alloc and free should grow by a
 * constant per level and a lookup should not grow at all, but for the
 * memory: a deeper struct pid is larger (24 bytes a level on the host)
 * and its upid at numbers[L] lies away from its count, on another cache
 * line once L >= 1, and the table holds L + 1 times as many entries.
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

#include "lib.h"
#include "pidns.h"

#define MAX_ROUNDS 31
#define BATCH 256
/* The target's comparison is a near tie: at least this many rounds. */
#define FLAT_ROUNDS 15
#define FLAT_TARGET 0.95

static const unsigned int levels[] = { 0, 1, 8, MAX_PID_NS_LEVEL };
#define NR_LEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static void shuffle(int *v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(random() % (i + 1)), t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* -- a tree of namespaces, n pids at its deepest level -------------------- */

struct tree {
	struct lowmem *lm;
	struct pid_namespace *ns[MAX_PID_NS_LEVEL + 1];
	unsigned int level;
	struct pid **pids;
	int *keys; /* the pids' numbers in ns[level], shuffled */
	int n;
	int shift;
};

static void tree_build(struct tree *t, unsigned int level, int n)
{
	memset(t, 0, sizeof(*t));
	t->level = level;
	t->n = n;
	t->shift = bench_shift_for((long)n * (level + 1));
	t->lm = lowmem_create(LOWMEM_MAX_BUDGET);
	t->pids = calloc((size_t)n, sizeof(*t->pids));
	t->keys = malloc((size_t)n * sizeof(*t->keys));
	if (!t->lm || !t->pids || !t->keys)
		bench_die("out of memory");
	/* x86-64: the machine whose pid_max leaves room for 32768 pids */
	t->ns[0] = pid_ns_create(&(struct pid_ns_params){
		.lowmem = t->lm,
		.arch = &pidfs_arch_x86_64,
		.pid_max = PID_MAX_LIMIT,
		.hash_shift = t->shift,
	});
	if (!t->ns[0])
		bench_die("pid_ns_create: %s", strerror(errno));
	for (unsigned int l = 1; l <= level; l++) {
		t->ns[l] = create_pid_namespace(t->ns[l - 1]);
		if (!t->ns[l])
			bench_die("create_pid_namespace at level %u: %s", l,
				  strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		t->pids[i] = alloc_pid(t->ns[level]);
		if (!t->pids[i])
			bench_die("alloc_pid at level %u failed at %d: %s",
				  level, i, strerror(errno));
		t->keys[i] = pid_nr_ns(t->pids[i], t->ns[level]);
	}
	shuffle(t->keys, n);
	rcu_barrier();
}

static void tree_destroy(struct tree *t)
{
	for (int i = 0; i < t->n; i++)
		free_pid(t->pids[i]);
	rcu_barrier();
	for (unsigned int l = t->level; l >= 1; l--)
		put_pid_ns(t->ns[l]);
	pid_ns_destroy(t->ns[0]);
	lowmem_destroy(t->lm);
	free(t->pids);
	free(t->keys);
}

/* -- flat: pidfs's struct pid and lookup before namespaces ---------------- */

/*
 * pid.h's struct pid before namespaces, field for field: the number
 * beside the count, a singly linked chain of struct pids, the serial.
 */
struct flat_pid {
	int count; /* ATOMIC */
	int nr;
	struct flat_pid *pid_chain; /* RCU readers */
	uint64_t serial;
	struct hlist_head tasks[PIDTYPE_MAX];
	struct rcu_head rcu;
};

struct flat {
	struct lowmem *lm;
	struct kmem_cache *cache;
	struct flat_pid **table;
	int shift;
	struct flat_pid **pids;
	int n;
};

static unsigned int flat_hashfn(const struct flat *f, int nr)
{
	if (!f->shift)
		return 0;
	return (unsigned int)(((uint64_t)nr * GOLDEN_RATIO_64) >>
			      (64 - f->shift));
}

/* The old find_pid_ns(), word for word but for the table's type. */
static inline struct flat_pid *flat_find(const struct flat *f, int nr)
{
	struct flat_pid *pid;

	for (pid = rcu_access(f->table[flat_hashfn(f, nr)]); pid;
	     pid = rcu_access(pid->pid_chain))
		if (pid->nr == nr)
			return pid;
	return NULL;
}

/* The same numbers as @t (a level 0 tree), in a table of its size. */
static void flat_build(struct flat *f, const struct tree *t)
{
	memset(f, 0, sizeof(*f));
	f->lm = lowmem_create(LOWMEM_MAX_BUDGET);
	f->shift = t->shift;
	f->n = t->n;
	f->table = calloc((size_t)1 << f->shift, sizeof(*f->table));
	f->pids = calloc((size_t)f->n, sizeof(*f->pids));
	if (!f->lm || !f->table || !f->pids)
		bench_die("out of memory");
	f->cache = kmem_cache_create(f->lm, "flat_pid", LOWMEM_TASK,
				     sizeof(struct flat_pid));
	if (!f->cache)
		bench_die("kmem_cache_create: out of memory");
	/* in the order alloc_pid() made them, as the tree's */
	for (int i = 0; i < f->n; i++) {
		struct flat_pid *p = kmem_cache_alloc(f->cache);
		unsigned int b;

		if (!p)
			bench_die("kmem_cache_alloc: out of memory");
		memset(p, 0, sizeof(*p));
		p->count = 1;
		p->nr = pid_nr(t->pids[i]);
		p->serial = (uint64_t)i + 1;
		b = flat_hashfn(f, p->nr);
		p->pid_chain = f->table[b];
		rcu_publish(f->table[b], p);
		f->pids[i] = p;
	}
}

static void flat_destroy(struct flat *f)
{
	for (int i = 0; i < f->n; i++)
		kmem_cache_free(f->cache, f->pids[i]);
	kmem_cache_destroy(f->cache);
	lowmem_destroy(f->lm);
	free(f->table);
	free(f->pids);
}

/* -- the timed loops ------------------------------------------------------ */

double pidns_time_lookups(const struct bench_phases *o,
			  struct pid_namespace *ns, const int *keys, int n,
			  bool get, uint64_t *misses)
{
	uint64_t start = bench_now_ns(), ops = 0;
	int k = 0;

	do {
		for (int i = 0; i < BATCH; i++) {
			struct pid *pid;

			if (get) {
				pid = find_get_pid_ns(keys[k], ns);
				*misses += !pid;
				put_pid(pid);
			} else {
				rcu_read_lock();
				pid = find_pid_ns(keys[k], ns);
				rcu_read_unlock();
				*misses += !pid;
			}
			if (++k == n)
				k = 0;
		}
		ops += BATCH;
	} while (!bench_phase_done(o, start, ops));
	return (double)(bench_now_ns() - start) / (double)ops;
}

/* The same on the flat table, with the old find_get_pid() and put_pid(). */
static __attribute__((noinline)) double
time_flat_lookups(const struct bench_phases *o, const struct flat *f,
		  const int *keys, bool get, uint64_t *misses)
{
	uint64_t start = bench_now_ns(), ops = 0;
	int k = 0;

	do {
		for (int i = 0; i < BATCH; i++) {
			struct flat_pid *pid;

			rcu_read_lock();
			pid = flat_find(f, keys[k]);
			if (get && pid) {
				__atomic_fetch_add(&pid->count, 1,
						   __ATOMIC_RELAXED);
				rcu_read_unlock();
				/* the table's reference: never the last */
				if (__atomic_load_n(&pid->count,
						    __ATOMIC_ACQUIRE) == 1 ||
				    __atomic_sub_fetch(&pid->count, 1,
						       __ATOMIC_ACQ_REL) == 0)
					bench_die("flat: last reference");
			} else {
				rcu_read_unlock();
			}
			*misses += !pid;
			if (++k == f->n)
				k = 0;
		}
		ops += BATCH;
	} while (!bench_phase_done(o, start, ops));
	return (double)(bench_now_ns() - start) / (double)ops;
}

/* ns per alloc_pid()+free_pid() pair at @t's deepest level. */
static double time_alloc_free(const struct bench_phases *o,
			      const struct tree *t)
{
	struct pid_namespace *ns = t->ns[t->level];
	uint64_t start = bench_now_ns(), ops = 0;

	do {
		for (int i = 0; i < 64; i++) {
			struct pid *pid = alloc_pid(ns);

			if (!pid)
				bench_die("alloc_pid at level %u: %s", t->level,
					  strerror(errno));
			free_pid(pid);
		}
		ops += 64;
	} while (!bench_phase_done(o, start, ops));
	/* free_pid()'s deferred half counts too */
	rcu_barrier();
	return (double)(bench_now_ns() - start) / (double)ops;
}

/* -- the section ---------------------------------------------------------- */

enum { V_FIND, V_GET, V_ALLOC, NR_KINDS };
static const char *const kind_name[NR_KINDS] = { "find", "find_get",
						 "alloc_free" };

void pidns_bench_levels(const struct bench_phases *o, int n)
{
	struct tree t[NR_LEVELS];
	struct flat f;
	/* [kind][level] and the flat table's two lookups */
	double ns[NR_KINDS][NR_LEVELS][MAX_ROUNDS], flat[2][MAX_ROUNDS];
	int rounds = o->rounds, nv = NR_LEVELS * NR_KINDS + 2;
	uint64_t misses = 0;
	char variant[96], base[96];

	if (n >= 32768 && !bench_quick() && rounds < FLAT_ROUNDS)
		rounds = FLAT_ROUNDS;
	for (int l = 0; l < NR_LEVELS; l++)
		tree_build(&t[l], levels[l], n);
	flat_build(&f, &t[0]);

	/*
	 * Every variant once per round, in an order rotated by one each
	 * round: the flat table's find and find_get, then each level's
	 * find, find_get and alloc+free.
	 */
	for (int r = 0; r < rounds; r++)
		for (int j = 0; j < nv; j++) {
			int v = (r + j) % nv, l = (v - 2) / NR_KINDS,
			    kind = (v - 2) % NR_KINDS;

			if (v < 2)
				flat[v][r] = time_flat_lookups(o, &f, t[0].keys,
							       v == 1, &misses);
			else if (kind == V_ALLOC)
				ns[kind][l][r] = time_alloc_free(o, &t[l]);
			else
				ns[kind][l][r] = pidns_time_lookups(
					o, t[l].ns[t[l].level], t[l].keys,
					t[l].n, kind == V_GET, &misses);
		}
	if (misses)
		bench_die("pidns: %llu lookups of live pids failed",
			  (unsigned long long)misses);

	printf("  pid namespaces: %d pids allocated at each level, %d rounds; "
	       "ns per op, \"x L0\" = time over level 0's\n",
	       n, rounds);
	printf("  %-6s %6s %8s %8s %6s %6s %9s %6s %11s %6s %8s\n", "level",
	       "upids", "pid B", "charged", "find", "x L0", "find_get", "x L0",
	       "alloc+free", "x L0", "buckets");
	for (int l = 0; l < NR_LEVELS; l++) {
		size_t host = sizeof(struct pid) +
			      (levels[l] + 1) * sizeof(struct upid);

		printf("  %-6u %6u %8zu %8zu", levels[l], levels[l] + 1, host,
		       pid_charged_size(&pidfs_arch_x86_64, levels[l]));
		for (int k = 0; k < NR_KINDS; k++)
			printf(" %*.1f %6.2f",
			       k == V_GET ? 9 :
			       k	  ? 11 :
					    6,
			       bench_median(ns[k][l], rounds),
			       bench_ratio_median(ns[k][l], ns[k][0], rounds));
		printf(" %8d\n", 1 << t[l].shift);
		for (int k = 0; k < NR_KINDS; k++) {
			snprintf(variant, sizeof(variant), "level=%u n=%d",
				 levels[l], n);
			snprintf(base, sizeof(base), "level=0 n=%d", n);
			bench_csv(k == V_FIND ? "pidhash.levels.find" :
				  k == V_GET  ? "pidhash.levels.find_get" :
						"pidhash.levels.alloc_free",
				  variant, bench_median(ns[k][l], rounds),
				  k == V_ALLOC ? "ns/pair" : "ns/op",
				  l ? bench_ratio_median(ns[k][l], ns[k][0],
							 rounds) :
				      NAN,
				  l ? base : NULL);
		}
	}

	/* The target: level 0 against the lookup before namespaces. */
	for (int k = 0; k < 2; k++) {
		double q = bench_ratio_median(flat[k], ns[k][0], rounds);

		printf("  level 0 %-8s %6.1f ns, before namespaces %6.1f ns: "
		       "x %.3f as fast",
		       kind_name[k], bench_median(ns[k][0], rounds),
		       bench_median(flat[k], rounds), q);
		if (k == V_GET)
			printf(" (target >= %.2f: %s)", FLAT_TARGET,
			       q >= FLAT_TARGET ? "met" : "MISSED");
		printf("\n");
		snprintf(variant, sizeof(variant), "pid.%s level=0 n=%d",
			 kind_name[k], n);
		snprintf(base, sizeof(base), "flat.%s n=%d", kind_name[k], n);
		bench_csv("pidhash.levels.vs_flat", base,
			  bench_median(flat[k], rounds), "ns/op", NAN, NULL);
		bench_csv("pidhash.levels.vs_flat", variant,
			  bench_median(ns[k][0], rounds), "ns/op", q, base);
	}

	flat_destroy(&f);
	for (int l = 0; l < NR_LEVELS; l++)
		tree_destroy(&t[l]);
}
