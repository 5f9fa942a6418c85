// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the task layer (src/task.c): simulated processes over the
 * pid layer.
 *
 * Covers: booting a kernel (init, parameter bounds, failures), fork and
 * threads (what a child inherits, thread lists, the three pid links), exit
 * to zombie, reparenting to init, release and reap, kill, process groups
 * and sessions (setpgid, setsid, and a struct pid that lives while any
 * task of any type still uses it), exec, setuid and the per-uid limit,
 * spawn's all or nothing, every failure path of fork (fault injection at
 * each allocation, no free pid, a tiny zone), pid reuse against a held
 * struct pid, a task_struct pinned by a reference (the memory the patch
 * was about), model events, readers racing a writer, and shutdown.
 *
 * Each test boots its own kernel (boot() or boot_with()) and the checked
 * fixture destroys it, so the suite runs the same with CK_FORK=no.  Where
 * a test checks that nothing leaked it first waits for RCU callbacks
 * (rcu_barrier()), since tasks and pids are freed a grace period late.
 * Bitmap pages are never freed once installed (neither were the kernel's),
 * so "nothing leaked" allows the pidmap's own charge to grow by whole
 * pages, and checks struct pids and task_structs exactly.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

#include "suites.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define TEST_UID	1000
#define TEST_GID	100
#define PAGE_BYTES	4096
/* What the default machine (i386) charges: a struct pid, a hash bucket. */
#define PID_CHARGE	36
#define BUCKET_CHARGE	4
/* pidhash_init()'s table for 896 MiB (4096 buckets), for 64 KiB (16) */
#define HASH_CHARGE	(4096 * BUCKET_CHARGE)
#define TINY_HASH_CHARGE (16 * BUCKET_CHARGE)
#define SMALL_PID_MAX	400

static struct pidfs_kernel *k;
static struct lowmem *lm;
static struct pid_namespace *kns;
static struct task_info ti;	/* large: kept off the stack */

/* ---- fixtures and helpers ------------------------------------------------ */

static void teardown(void)
{
	if (k)
		pidfs_kernel_destroy(k);
	k = NULL;
	lm = NULL;
	kns = NULL;
}

static void params_init(struct pidfs_kernel_params *p)
{
	memset(p, 0, sizeof(*p));
	p->hash_shift = -1;
	p->uid = TEST_UID;
	p->gid = TEST_GID;
	p->alloc = test_pid_alloc();
}

static void boot_with(const struct pidfs_kernel_params *p)
{
	ck_assert_int_eq(pidfs_kernel_create(p, &k), 0);
	ck_assert_ptr_nonnull(k);
	lm = pidfs_kernel_lowmem(k);
	kns = pidfs_kernel_ns(k);
	ck_assert_int_eq(pid_ns_alloc(kns), p->alloc);
}

static void boot(void)
{
	struct pidfs_kernel_params p;

	params_init(&p);
	boot_with(&p);
}

/*
 * For the cases that count the pidmap's own charges (its bitmap pages,
 * the hash table): the pidmap whatever the run's allocator.  What the
 * IDR charges is the pid_idr suite's.
 */
static void params_init_pidmap(struct pidfs_kernel_params *p)
{
	params_init(p);
	p->alloc = PID_ALLOC_PIDMAP;
}

static void boot_pidmap(void)
{
	struct pidfs_kernel_params p;

	params_init_pidmap(&p);
	boot_with(&p);
}

static pid_t fork_ok(pid_t ppid, const char *comm)
{
	pid_t c = 0;

	ck_assert_int_eq(pidfs_fork(k, ppid, comm, &c), 0);
	ck_assert_int_gt(c, 0);
	return c;
}

static pid_t thread_ok(pid_t tgid, const char *comm)
{
	pid_t t = 0;

	ck_assert_int_eq(pidfs_thread(k, tgid, comm, &t), 0);
	ck_assert_int_gt(t, 0);
	return t;
}

/*
 * A group's thread ids through pidfs_thread_ids_get(): the count, and the
 * first @max of them, in order, into @out.
 */
static int thread_ids(struct task_struct *t, pid_t *out, int max)
{
	pid_t *tids;
	int n = pidfs_thread_ids_get(t, &tids);

	for (int i = 0; i < n && i < max; i++)
		out[i] = tids[i];
	free(tids);
	return n;
}

/* pidfs_task_info() of task @nr into @out, or -ESRCH. */
static int info(pid_t nr, struct task_info *out)
{
	struct task_struct *t = pidfs_get_task(k, nr);
	int err;

	if (!t)
		return -ESRCH;
	err = pidfs_task_info(t, out);
	put_task_struct(t);
	return err;
}

static const struct task_info *info_ok(pid_t nr)
{
	ck_assert_int_eq(info(nr, &ti), 0);
	ck_assert_int_eq(ti.pid, nr);
	return &ti;
}

static struct lowmem_stats zstats(void)
{
	struct lowmem_stats st;

	lowmem_read_stats(lm, &st);
	return st;
}

static struct pidfs_kernel_stats kstats(void)
{
	struct pidfs_kernel_stats st;

	pidfs_kernel_read_stats(k, &st);
	return st;
}

static struct pid_ns_stats nstats(void)
{
	struct pid_ns_stats st;

	pid_ns_read_stats(kns, &st);
	return st;
}

/* The struct pid numbered @nr, if hashed.  No reference is taken. */
static struct pid *pid_of(pid_t nr)
{
	struct pid *p;

	rcu_read_lock();
	p = find_pid_ns(nr, kns);
	rcu_read_unlock();
	return p;
}

static bool findable(pid_t nr)
{
	return pid_of(nr) != NULL;
}

/* Is @t on @pid's @type list, and how long is the list? */
static bool on_list(struct pid *pid, enum pid_type type, struct task_struct *t)
{
	bool found = false;

	rcu_read_lock();
	for (struct hlist_node *n = hlist_first_rcu(&pid->tasks[type]); n;
	     n = hlist_next_rcu(n))
		if (n == &t->pids[type].node)
			found = true;
	rcu_read_unlock();
	return found;
}

static int list_len(struct pid *pid, enum pid_type type)
{
	int len = 0;

	rcu_read_lock();
	for (struct hlist_node *n = hlist_first_rcu(&pid->tasks[type]); n;
	     n = hlist_next_rcu(n))
		len++;
	rcu_read_unlock();
	return len;
}

/* A task by number, without a reference: the test holds no lock, but
 * nothing else runs, and the task stays until the test kills it. */
static struct task_struct *task_of(pid_t nr)
{
	struct task_struct *t = pidfs_get_task(k, nr);

	ck_assert_ptr_nonnull(t);
	put_task_struct(t);
	return t;
}

/* Exactly what the model charges: struct pids and task_structs. */
static void assert_same_charge(const struct lowmem_stats *a,
			       const struct lowmem_stats *b)
{
	static const enum lowmem_kind kinds[] = { LOWMEM_PID, LOWMEM_TASK };

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		enum lowmem_kind kd = kinds[i];

		ck_assert_uint_eq(a->kind[kd].objects, b->kind[kd].objects);
		ck_assert_uint_eq(a->kind[kd].bytes, b->kind[kd].bytes);
		ck_assert_uint_eq(a->kind[kd].pinned, b->kind[kd].pinned);
	}
	/* Bitmap pages only ever get added; everything else is equal. */
	ck_assert_uint_ge(b->kind[LOWMEM_PIDMAP].bytes,
			  a->kind[LOWMEM_PIDMAP].bytes);
	ck_assert_uint_eq(b->used - b->kind[LOWMEM_PIDMAP].bytes,
			  a->used - a->kind[LOWMEM_PIDMAP].bytes);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- booting ------------------------------------------------------------- */

START_TEST(test_boot)
{
	struct pidfs_kernel_stats ks;
	struct lowmem_stats z;
	struct task_struct *init;
	const struct task_info *i;
	uint64_t up1, up2;
	struct timespec ts;
	time_t now;

	boot_pidmap();
	ks = kstats();
	ck_assert_uint_eq(ks.nr_tasks, 1);
	ck_assert_uint_eq(ks.nr_zombies, 0);
	ck_assert_uint_eq(ks.forks, 0);
	ck_assert_uint_eq(ks.fork_failures, 0);
	ck_assert_uint_eq(ks.released, 0);
	ck_assert_uint_eq(ks.task_size, TASK_SIZE_DEFAULT);
	ck_assert_uint_eq(ks.nproc, 0);

	i = info_ok(1);
	ck_assert_int_eq(i->tgid, 1);
	ck_assert_int_eq(i->ppid, 0);
	ck_assert_int_eq(i->pgrp, 1);
	ck_assert_int_eq(i->session, 1);
	ck_assert_uint_eq(i->uid, TEST_UID);
	ck_assert_uint_eq(i->gid, TEST_GID);
	ck_assert_int_eq(i->state, TASK_INTERRUPTIBLE);
	ck_assert_int_eq(i->exit_state, 0);
	ck_assert_int_eq(i->nr_threads, 1);
	ck_assert(i->is_leader);
	ck_assert_str_eq(i->comm, "init");
	ck_assert_uint_eq(i->args_len, 5);
	ck_assert_mem_eq(i->args, "init", 5);
	ck_assert_uint_eq(i->serial, 1);

	/* init is linked to pid 1 through all three types. */
	init = task_of(1);
	for (int t = 0; t < PIDTYPE_MAX; t++) {
		ck_assert_ptr_eq(task_pid_type(init, t), pid_of(1));
		ck_assert(on_list(pid_of(1), t, init));
		ck_assert_int_eq(list_len(pid_of(1), t), 1);
	}
	ck_assert_ptr_null(pidfs_get_task(k, 0));
	ck_assert_ptr_null(pidfs_get_task(k, 2));
	ck_assert_ptr_null(pidfs_get_task(k, -1));

	z = zstats();
	ck_assert_uint_eq(PID_CHARGE, pidfs_arch_i386.pid_size);
	ck_assert_uint_eq(BUCKET_CHARGE, pidfs_arch_i386.hlist_head_size);
	ck_assert_uint_eq(z.budget, PIDFS_LOWMEM_DEFAULT);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].bytes, TASK_SIZE_DEFAULT);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].bytes, PID_CHARGE);
	ck_assert_uint_eq(z.kind[LOWMEM_PIDMAP].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PIDHASH].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PIDHASH].bytes, HASH_CHARGE);
	ck_assert_uint_eq(z.used, TASK_SIZE_DEFAULT + PID_CHARGE + PAGE_BYTES +
					  HASH_CHARGE);
	ck_assert_int_eq(nstats().nr_pids, 1);
	ck_assert_int_eq(nstats().pid_max, PID_MAX_DEFAULT);
	ck_assert_int_eq(nstats().hash_shift, 12);

	up1 = pidfs_kernel_uptime_ns(k);
	up2 = pidfs_kernel_uptime_ns(k);
	ck_assert_uint_le(up1, up2);
	ck_assert_uint_lt(up2, UINT64_C(60) * 1000000000);
	/*
	 * Not time(NULL): Linux serves it from the coarse clock, which may
	 * lag the CLOCK_REALTIME the boot time was read from by a tick.
	 */
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts), 0);
	now = ts.tv_sec;
	ck_assert_uint_le(pidfs_kernel_boot_time(k), (uint64_t)now);
	ck_assert_uint_ge(pidfs_kernel_boot_time(k), (uint64_t)now - 60);
}
END_TEST

START_TEST(test_create_invalid)
{
	struct pidfs_kernel_params p;

	ck_assert_ptr_null(init_pid_ns);
#define BAD(field, value)                                               \
	do {                                                            \
		params_init(&p);                                        \
		p.field = (value);                                      \
		ck_assert_int_eq(pidfs_kernel_create(&p, &k), -EINVAL); \
		ck_assert_ptr_null(k);                                  \
	} while (0)
	BAD(task_size, 1);
	BAD(task_size, sizeof(struct task_struct) - 1);
	BAD(task_size, TASK_SIZE_MAX + 1);
	BAD(lowmem, LOWMEM_MIN_BUDGET - 1);
	BAD(lowmem, LOWMEM_MAX_BUDGET + 1);
	BAD(pid_max, -1);
	BAD(pid_max, PID_MAX_LIMIT + 1);
	BAD(pid_max, 32769);	/* i386's PID_MAX_LIMIT */
	BAD(hash_shift, -2);
	BAD(hash_shift, PIDHASH_SHIFT_LIMIT + 1);
#undef BAD

	/* No pid for init. */
	params_init(&p);
	p.pid_max = 1;
	ck_assert_int_eq(pidfs_kernel_create(&p, &k), -EAGAIN);
	ck_assert_ptr_null(k);
	/* No memory for init's task_struct. */
	params_init(&p);
	p.lowmem = LOWMEM_MIN_BUDGET;
	p.task_size = 2 * LOWMEM_MIN_BUDGET;
	ck_assert_int_eq(pidfs_kernel_create(&p, &k), -ENOMEM);
	ck_assert_ptr_null(k);
	/* Failures leave no namespace behind. */
	ck_assert_ptr_null(init_pid_ns);

	/* The extremes that are allowed. */
	params_init(&p);
	p.task_size = sizeof(struct task_struct);
	p.pid_max = 2;
	p.hash_shift = 0;
	boot_with(&p);
	ck_assert_uint_eq(kstats().task_size, sizeof(struct task_struct));
	ck_assert_int_eq(nstats().hash_shift, 0);
	/* pid_max 2: init is pid 1, and there is no other. */
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &(pid_t){ 0 }), -EAGAIN);
	pidfs_kernel_destroy(k);
	k = NULL;
	ck_assert_ptr_null(init_pid_ns);

	params_init(&p);
	p.arch = &pidfs_arch_x86_64;
	p.lowmem = LOWMEM_MAX_BUDGET;
	p.pid_max = PID_MAX_LIMIT;
	p.hash_shift = PIDHASH_SHIFT_LIMIT;
	boot_with(&p);
	ck_assert_int_eq(nstats().pid_max, PID_MAX_LIMIT);
	ck_assert_uint_eq(zstats().budget, LOWMEM_MAX_BUDGET);
	pidfs_kernel_destroy(k);
	k = NULL;
	pidfs_kernel_destroy(NULL);
}
END_TEST

/* The largest task size accepted boots too. */
START_TEST(test_create_task_size_max)
{
	struct pidfs_kernel_params p;
	int err;

	params_init(&p);
	p.task_size = TASK_SIZE_MAX;
	err = pidfs_kernel_create(&p, &k);
	ck_assert_msg(err == 0,
		      "task_size = TASK_SIZE_MAX is accepted but fails: %d",
		      err);
	lm = pidfs_kernel_lowmem(k);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].bytes, TASK_SIZE_MAX);
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &(pid_t){ 0 }), 0);
}
END_TEST

/* ---- fork and threads ---------------------------------------------------- */

START_TEST(test_fork)
{
	pid_t a, b, c, d, x = 0;
	uint64_t init_start, serial_a;
	const struct task_info *i;

	boot();
	init_start = info_ok(1)->start_time;
	a = fork_ok(0, NULL);	/* 0: init */
	ck_assert_int_eq(a, 2);
	i = info_ok(a);
	ck_assert_int_eq(i->tgid, a);
	ck_assert_int_eq(i->ppid, 1);
	ck_assert_int_eq(i->pgrp, 1);
	ck_assert_int_eq(i->session, 1);
	ck_assert_uint_eq(i->uid, TEST_UID);
	ck_assert_uint_eq(i->gid, TEST_GID);
	ck_assert_str_eq(i->comm, "init");
	ck_assert_uint_eq(i->args_len, 5);
	ck_assert_mem_eq(i->args, "init", 5);
	ck_assert_int_eq(i->nr_threads, 1);
	ck_assert(i->is_leader);
	ck_assert_int_eq(i->state, TASK_INTERRUPTIBLE);
	ck_assert_int_eq(i->exit_state, 0);
	ck_assert_uint_ge(i->start_time, init_start);
	ck_assert_uint_gt(i->serial, 1);
	serial_a = i->serial;

	b = fork_ok(a, "worker");
	i = info_ok(b);
	ck_assert_int_eq(i->ppid, a);
	ck_assert_str_eq(i->comm, "worker");
	ck_assert_uint_gt(i->serial, serial_a);
	/* No name: the parent's. */
	c = fork_ok(b, NULL);
	ck_assert_int_eq(info_ok(c)->ppid, b);
	ck_assert_str_eq(info_ok(c)->comm, "worker");
	ck_assert_int_eq(info_ok(c)->pgrp, 1);
	/* Names are cut to TASK_COMM_LEN - 1 bytes. */
	d = fork_ok(1, "abcdefghijklmnopqrstuvwxyz");
	ck_assert_str_eq(info_ok(d)->comm, "abcdefghijklmno");

	/* No such parent: no pid consumed, no failure counted. */
	ck_assert_int_eq(pidfs_fork(k, 999, NULL, &x), -ESRCH);
	ck_assert_int_eq(pidfs_fork(k, -5, NULL, &x), -ESRCH);
	ck_assert_int_eq(pid_ns_last_pid(kns), d);
	/* Nor a zombie. */
	ck_assert_int_eq(pidfs_exit(k, d, 0), 0);
	ck_assert_int_eq(pidfs_fork(k, d, NULL, &x), -ESRCH);
	ck_assert_int_eq(pid_ns_last_pid(kns), d);

	ck_assert_uint_eq(kstats().nr_tasks, 5);
	ck_assert_uint_eq(kstats().forks, 4);
	ck_assert_uint_eq(kstats().fork_failures, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 5);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].bytes,
			  5 * TASK_SIZE_DEFAULT);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 5);
}
END_TEST

/* A child inherits its parent's group and session, whatever they are. */
START_TEST(test_fork_inherits_group)
{
	pid_t a, b, c, sid = 0;

	boot();
	a = fork_ok(1, "a");
	ck_assert_int_eq(pidfs_setsid(k, a, &sid), 0);
	b = fork_ok(a, NULL);
	ck_assert_int_eq(info_ok(b)->pgrp, a);
	ck_assert_int_eq(info_ok(b)->session, a);
	ck_assert_int_eq(pidfs_setpgid(k, b, 0), 0);
	c = fork_ok(b, NULL);
	ck_assert_int_eq(info_ok(c)->pgrp, b);
	ck_assert_int_eq(info_ok(c)->session, a);
	ck_assert_int_eq(info_ok(c)->ppid, b);
}
END_TEST

START_TEST(test_thread)
{
	pid_t l, t1, t2, t3, c, x = 0, tids[8];
	pid_t members[4];
	struct task_struct *lt, *tt;

	boot();
	l = fork_ok(1, "leader");
	t1 = thread_ok(l, NULL);
	t2 = thread_ok(l, "w2");
	/* A thread's number names its group too. */
	t3 = thread_ok(t1, NULL);
	members[0] = l;
	members[1] = t1;
	members[2] = t2;
	members[3] = t3;
	for (int m = 0; m < 4; m++) {
		const struct task_info *i = info_ok(members[m]);

		ck_assert_int_eq(i->tgid, l);
		ck_assert_int_eq(i->nr_threads, 4);
		ck_assert_int_eq(i->ppid, 1);
		ck_assert_int_eq(i->pgrp, 1);
		ck_assert_int_eq(i->session, 1);
		ck_assert_uint_eq(i->uid, TEST_UID);
		ck_assert(i->is_leader == (m == 0));
	}
	ck_assert_str_eq(info_ok(t1)->comm, "leader");
	ck_assert_str_eq(info_ok(t2)->comm, "w2");
	ck_assert_str_eq(info_ok(t3)->comm, "leader");

	lt = task_of(l);
	tt = task_of(t2);
	ck_assert(!thread_group_leader(tt));
	ck_assert_ptr_eq(tt->group_leader, lt);
	ck_assert_int_eq(thread_ids(lt, tids, 8), 4);
	for (int m = 0; m < 4; m++)
		ck_assert_int_eq(tids[m], members[m]);
	/* From any member, the same list. */
	memset(tids, 0, sizeof(tids));
	ck_assert_int_eq(thread_ids(tt, tids, 8), 4);
	for (int m = 0; m < 4; m++)
		ck_assert_int_eq(tids[m], members[m]);

	/*
	 * Links: PID its own; PGID and SID the group's.  No pid type for
	 * the group: a thread is on its leader's thread_group list.
	 */
	ck_assert_ptr_eq(task_pid_type(tt, PIDTYPE_PID), pid_of(t2));
	ck_assert_ptr_eq(task_pid_type(tt, PIDTYPE_PGID), pid_of(1));
	ck_assert_ptr_eq(task_pid_type(tt, PIDTYPE_SID), pid_of(1));
	ck_assert_int_eq(list_len(pid_of(l), PIDTYPE_PID), 1);
	ck_assert_int_eq(list_len(pid_of(t2), PIDTYPE_PID), 1);
	ck_assert_ptr_null(tt->pids[PIDTYPE_PGID].pid);
	ck_assert_ptr_null(tt->pids[PIDTYPE_SID].pid);
	ck_assert_int_eq(tt->tgid, l);
	ck_assert(!on_list(pid_of(1), PIDTYPE_PGID, tt));
	ck_assert_int_eq(list_len(pid_of(1), PIDTYPE_PGID), 2);

	/* A child of a thread is a child of its process. */
	c = fork_ok(t2, NULL);
	ck_assert_int_eq(info_ok(c)->ppid, l);
	ck_assert_int_eq(info_ok(c)->nr_threads, 1);

	ck_assert_int_eq(pidfs_thread(k, 0, NULL, &x), -ESRCH);
	ck_assert_int_eq(pidfs_thread(k, -1, NULL, &x), -ESRCH);
	ck_assert_int_eq(pidfs_thread(k, 999, NULL, &x), -ESRCH);
	ck_assert_uint_eq(kstats().nr_tasks, 6);
	ck_assert_uint_eq(kstats().forks, 5);
	ck_assert_uint_eq(kstats().fork_failures, 0);
}
END_TEST

/* Thread ids come sorted even when numbers wrapped meanwhile. */
START_TEST(test_thread_ids_order)
{
	struct pidfs_kernel_params p;
	pid_t l, tids[8], expect[] = { 300, 301, 397, 398, 399 };
	struct task_struct *lt;
	int n;

	params_init(&p);
	p.pid_max = SMALL_PID_MAX;
	boot_with(&p);
	pid_ns_set_last_pid(kns, 396);
	l = fork_ok(1, NULL);
	ck_assert_int_eq(l, 397);
	ck_assert_int_eq(thread_ok(l, NULL), 398);
	ck_assert_int_eq(thread_ok(l, NULL), 399);
	ck_assert_int_eq(thread_ok(l, NULL), 300);
	ck_assert_int_eq(thread_ok(l, NULL), 301);
	lt = task_of(l);
	ck_assert_int_eq(thread_ids(lt, tids, 8), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(tids[i], expect[i]);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(info_ok(expect[i])->nr_threads, 5);

	/* A short buffer: the full count, and what fits, in order. */
	memset(tids, 0, sizeof(tids));
	n = thread_ids(lt, tids, 3);
	ck_assert_int_eq(n, 5);
	ck_assert_int_lt(tids[0], tids[1]);
	ck_assert_int_lt(tids[1], tids[2]);
	ck_assert_int_eq(tids[3], 0);
	for (int i = 0; i < 3; i++)
		ck_assert(tids[i] == l || (tids[i] >= 300 && tids[i] <= 399));
}
END_TEST

/* Asking for the count only, with no buffer (@max 0). */
START_TEST(test_thread_ids_count_only)
{
	pid_t l;

	boot();
	l = fork_ok(1, NULL);
	thread_ok(l, NULL);
	thread_ok(l, NULL);
	ck_assert_int_eq(thread_ids(task_of(l), NULL, 0), 3);
	ck_assert_int_eq(thread_ids(task_of(1), NULL, 0), 1);
}
END_TEST

/* attach_pid()/detach_pid() over the three types. */
START_TEST(test_pid_links)
{
	pid_t a, b, t, sid;
	struct task_struct *at, *bt, *tt;
	struct pid *pa, *pb;

	boot();
	a = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setsid(k, a, &sid), 0);
	b = fork_ok(a, NULL);
	t = thread_ok(b, NULL);
	at = task_of(a);
	bt = task_of(b);
	tt = task_of(t);
	pa = pid_of(a);
	pb = pid_of(b);

	ck_assert(on_list(pa, PIDTYPE_PID, at));
	ck_assert(on_list(pa, PIDTYPE_PGID, at));
	ck_assert(on_list(pa, PIDTYPE_PGID, bt));
	ck_assert(on_list(pa, PIDTYPE_SID, at));
	ck_assert(on_list(pa, PIDTYPE_SID, bt));
	ck_assert_int_eq(list_len(pa, PIDTYPE_PID), 1);
	ck_assert_int_eq(list_len(pa, PIDTYPE_PGID), 2);
	ck_assert_int_eq(list_len(pa, PIDTYPE_SID), 2);
	ck_assert_ptr_eq(pid_task(pa, PIDTYPE_PID), at);

	ck_assert(on_list(pb, PIDTYPE_PID, bt));
	ck_assert_int_eq(list_len(pb, PIDTYPE_PID), 1);
	ck_assert_ptr_eq(tt->group_leader, bt);
	ck_assert_int_eq(list_len(pb, PIDTYPE_PGID), 0);
	ck_assert_int_eq(list_len(pb, PIDTYPE_SID), 0);
	ck_assert_ptr_eq(get_pid_task(pb, PIDTYPE_PID), bt);
	put_task_struct(bt);
	ck_assert_ptr_eq(pid_task(pid_of(t), PIDTYPE_PID), tt);
	ck_assert_ptr_null(pid_task(pid_of(t), PIDTYPE_PGID));
	rcu_read_lock();
	ck_assert_ptr_eq(find_task_by_pid_type_ns(PIDTYPE_PID, t, kns), tt);
	ck_assert_ptr_null(find_task_by_pid_type_ns(PIDTYPE_PGID, b, kns));
	rcu_read_unlock();

	/* Detaching: the thread's pid goes, b's stays; then b leaves a's. */
	ck_assert_int_eq(pidfs_kill(k, t, 0), 0);
	ck_assert_int_eq(list_len(pb, PIDTYPE_PID), 1);
	ck_assert(!findable(t));
	ck_assert_int_eq(pidfs_kill(k, b, 0), 0);
	ck_assert(!findable(b));
	ck_assert_int_eq(list_len(pa, PIDTYPE_PGID), 1);
	ck_assert_int_eq(list_len(pa, PIDTYPE_SID), 1);
	ck_assert(!on_list(pa, PIDTYPE_PGID, bt));
}
END_TEST

/* A struct pid is freed by the last detach of any type. */
START_TEST(test_last_detach_frees)
{
	pid_t a, b, c, d, e, f, sid;
	struct pid *pa;

	boot();
	/* a leads group a; b is in it. */
	a = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setpgid(k, a, 0), 0);
	b = fork_ok(a, NULL);
	ck_assert_int_eq(info_ok(b)->pgrp, a);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 3);

	/* a is reaped, yet its pid stays: b's group still uses it. */
	ck_assert_int_eq(pidfs_kill(k, a, 0), 0);
	rcu_barrier();
	pa = pid_of(a);
	ck_assert_ptr_nonnull(pa);
	ck_assert_ptr_null(pid_task(pa, PIDTYPE_PID));
	ck_assert_ptr_eq(pid_task(pa, PIDTYPE_PGID), task_of(b));
	ck_assert_ptr_null(pidfs_get_task(k, a));
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 3);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 2);
	ck_assert_int_eq(info_ok(b)->pgrp, a);
	ck_assert_int_eq(info_ok(b)->ppid, 1);
	/* The number is not free meanwhile. */
	ck_assert_int_eq(nstats().nr_pids, 3);
	/* A group with no leader can still be joined within its session. */
	c = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setpgid(k, c, a), 0);
	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	/* The group empties: the pid goes. */
	ck_assert_int_eq(pidfs_kill(k, b, 0), 0);
	ck_assert(!findable(a));
	ck_assert(!findable(b));
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 0);

	/* Sessions: c's pid outlives c while d is in its session. */
	c = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setsid(k, c, &sid), 0);
	d = fork_ok(c, NULL);
	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	ck_assert(findable(c));
	ck_assert_int_eq(info_ok(d)->session, c);
	ck_assert_int_eq(info_ok(d)->pgrp, c);
	/* d's own session: the last links to c go, and so does c's pid. */
	ck_assert_int_eq(pidfs_setsid(k, d, &sid), 0);
	ck_assert_int_eq(sid, d);
	ck_assert(!findable(c));
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 2);

	/* Leaving with setpgid frees an emptied group's pid too. */
	e = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setpgid(k, e, 0), 0);
	f = fork_ok(e, NULL);
	ck_assert_int_eq(pidfs_kill(k, e, 0), 0);
	ck_assert(findable(e));
	ck_assert_int_eq(pidfs_setpgid(k, f, 1), 0);
	ck_assert(!findable(e));
	ck_assert_int_eq(info_ok(f)->pgrp, 1);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 3);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 3);
}
END_TEST

/* ---- exit, reap, kill ---------------------------------------------------- */

START_TEST(test_exit_zombie)
{
	struct lowmem_stats z0, z1;
	pid_t c, x = 0;
	const struct task_info *i;

	boot();
	rcu_barrier();
	z0 = zstats();
	c = fork_ok(1, "child");
	ck_assert_int_eq(pidfs_exit(k, c, 7), 0);
	i = info_ok(c);
	ck_assert_int_eq(i->exit_state, EXIT_ZOMBIE);
	ck_assert_int_eq(i->exit_code, 7);
	ck_assert_str_eq(i->comm, "child");
	ck_assert(findable(c));
	ck_assert_uint_eq(kstats().nr_zombies, 1);
	ck_assert_uint_eq(kstats().nr_tasks, 2);

	/* A zombie is found, but not alive. */
	ck_assert_int_eq(pidfs_exit(k, c, 0), -ESRCH);
	ck_assert_int_eq(pidfs_kill(k, c, 0), -ESRCH);
	ck_assert_int_eq(pidfs_fork(k, c, NULL, &x), -ESRCH);
	ck_assert_int_eq(pidfs_thread(k, c, NULL, &x), -ESRCH);
	ck_assert_int_eq(pidfs_setpgid(k, c, 0), -ESRCH);
	ck_assert_int_eq(pidfs_setsid(k, c, &x), -ESRCH);
	ck_assert_int_eq(pidfs_exec(k, c, "x", "x", 2), -ESRCH);
	ck_assert_int_eq(pidfs_setuid(k, c, 1, 1), -ESRCH);
	ck_assert_int_eq(info_ok(c)->exit_code, 7);

	ck_assert_int_eq(pidfs_reap(k, c), 0);
	ck_assert(!findable(c));
	ck_assert_ptr_null(pidfs_get_task(k, c));
	ck_assert_uint_eq(kstats().nr_zombies, 0);
	ck_assert_uint_eq(kstats().nr_tasks, 1);
	ck_assert_uint_eq(kstats().released, 1);
	ck_assert_int_eq(pidfs_reap(k, c), -ESRCH);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);
}
END_TEST

START_TEST(test_reparent)
{
	pid_t p, c1, c2, gc;

	boot();
	p = fork_ok(1, NULL);
	c1 = fork_ok(p, NULL);
	c2 = fork_ok(p, NULL);
	gc = fork_ok(c1, NULL);
	ck_assert_int_eq(pidfs_exit(k, c2, 0), 0);
	ck_assert_int_eq(pidfs_exit(k, p, 0), 0);
	/* p's children, live and zombie, now belong to init. */
	ck_assert_int_eq(info_ok(c1)->ppid, 1);
	ck_assert_int_eq(info_ok(c2)->ppid, 1);
	ck_assert_int_eq(info_ok(c2)->exit_state, EXIT_ZOMBIE);
	/* Grandchildren keep their parent. */
	ck_assert_int_eq(info_ok(gc)->ppid, c1);
	ck_assert_int_eq(info_ok(p)->exit_state, EXIT_ZOMBIE);
	ck_assert_int_eq(pidfs_reap(k, c2), 0);
	ck_assert_int_eq(pidfs_reap(k, p), 0);
	ck_assert_int_eq(info_ok(c1)->ppid, 1);
	/* kill reparents too. */
	ck_assert_int_eq(pidfs_kill(k, c1, 0), 0);
	ck_assert_int_eq(info_ok(gc)->ppid, 1);
	ck_assert_uint_eq(kstats().nr_tasks, 2);
	ck_assert_uint_eq(kstats().nr_zombies, 0);
}
END_TEST

START_TEST(test_exit_thread)
{
	pid_t l, t1, t2, tids[4];

	boot();
	l = fork_ok(1, NULL);
	t1 = thread_ok(l, NULL);
	t2 = thread_ok(l, NULL);
	/* A thread is released at once: never a zombie. */
	ck_assert_int_eq(pidfs_exit(k, t1, 3), 0);
	ck_assert(!findable(t1));
	ck_assert_uint_eq(kstats().nr_zombies, 0);
	ck_assert_uint_eq(kstats().nr_tasks, 3);
	ck_assert_uint_eq(kstats().released, 1);
	ck_assert_int_eq(info_ok(l)->nr_threads, 2);
	ck_assert_int_eq(info_ok(t2)->nr_threads, 2);
	ck_assert_int_eq(info_ok(l)->exit_state, 0);
	ck_assert_int_eq(thread_ids(task_of(l), tids, 4), 2);
	ck_assert_int_eq(tids[0], l);
	ck_assert_int_eq(tids[1], t2);
	/* A live thread cannot be reaped. */
	ck_assert_int_eq(pidfs_reap(k, t2), -ECHILD);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 3);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 3);
}
END_TEST

START_TEST(test_exit_leader_threads)
{
	pid_t l, t[3];

	boot();
	l = fork_ok(1, NULL);
	for (int i = 0; i < 3; i++)
		t[i] = thread_ok(l, NULL);
	ck_assert_int_eq(pidfs_exit(k, l, 9), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert(!findable(t[i]));
		ck_assert_int_eq(info(t[i], &ti), -ESRCH);
	}
	ck_assert_int_eq(info_ok(l)->exit_state, EXIT_ZOMBIE);
	ck_assert_int_eq(info_ok(l)->exit_code, 9);
	ck_assert_int_eq(info_ok(l)->nr_threads, 1);
	ck_assert_uint_eq(kstats().nr_tasks, 2);
	ck_assert_uint_eq(kstats().nr_zombies, 1);
	ck_assert_uint_eq(kstats().released, 3);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 2);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 2);
	ck_assert_int_eq(pidfs_reap(k, l), 0);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 0);
}
END_TEST

START_TEST(test_errors)
{
	pid_t c, t, x = 0;

	boot();
	c = fork_ok(1, NULL);
	t = thread_ok(c, NULL);
	ck_assert_int_eq(pidfs_reap(k, c), -ECHILD);
	ck_assert_int_eq(pidfs_reap(k, t), -ECHILD);
	ck_assert_int_eq(pidfs_reap(k, 1), -ECHILD);
	ck_assert_int_eq(pidfs_reap(k, 999), -ESRCH);
	ck_assert_int_eq(pidfs_reap(k, 0), -ESRCH);
	ck_assert_int_eq(pidfs_exit(k, 1, 0), -EPERM);
	ck_assert_int_eq(pidfs_kill(k, 1, 0), -EPERM);
	ck_assert_int_eq(pidfs_exit(k, 999, 0), -ESRCH);
	ck_assert_int_eq(pidfs_kill(k, 999, 0), -ESRCH);
	ck_assert_int_eq(pidfs_kill(k, -1, 0), -ESRCH);
	ck_assert_int_eq(pidfs_setpgid(k, 999, 0), -ESRCH);
	ck_assert_int_eq(pidfs_setpgid(k, c, -1), -EINVAL);
	ck_assert_int_eq(pidfs_setsid(k, 999, &x), -ESRCH);
	ck_assert_int_eq(pidfs_exec(k, 999, "x", "x", 2), -ESRCH);
	ck_assert_int_eq(pidfs_setuid(k, 999, 0, 0), -ESRCH);
	ck_assert_int_eq(pidfs_spawn(k, 1, 999, &x), -ESRCH);
	/* Nothing changed. */
	ck_assert_uint_eq(kstats().nr_tasks, 3);
	ck_assert_uint_eq(kstats().nr_zombies, 0);
	ck_assert_uint_eq(kstats().fork_failures, 0);
	ck_assert_int_eq(info_ok(c)->exit_state, 0);
	ck_assert_int_eq(info_ok(t)->exit_state, 0);
	ck_assert_int_eq(info_ok(1)->exit_state, 0);
}
END_TEST

START_TEST(test_kill)
{
	struct lowmem_stats z0, z1;
	pid_t c, l, t1, t2, ch;

	boot();
	rcu_barrier();
	z0 = zstats();
	c = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	ck_assert(!findable(c));
	ck_assert_uint_eq(kstats().nr_tasks, 1);
	ck_assert_uint_eq(kstats().nr_zombies, 0);
	ck_assert_uint_eq(kstats().released, 1);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);

	/* Killing a thread leaves its process. */
	l = fork_ok(1, NULL);
	t1 = thread_ok(l, NULL);
	t2 = thread_ok(l, NULL);
	ch = fork_ok(l, NULL);
	ck_assert_int_eq(pidfs_kill(k, t1, 0), 0);
	ck_assert(!findable(t1));
	ck_assert_int_eq(info_ok(l)->nr_threads, 2);
	ck_assert_int_eq(info_ok(l)->exit_state, 0);
	/* Killing a process takes its threads; its children go to init. */
	ck_assert_int_eq(pidfs_kill(k, l, 0), 0);
	ck_assert(!findable(l));
	ck_assert(!findable(t2));
	ck_assert_int_eq(info_ok(ch)->ppid, 1);
	ck_assert_int_eq(pidfs_kill(k, ch, 0), 0);
	ck_assert_uint_eq(kstats().nr_tasks, 1);
	ck_assert_uint_eq(kstats().released, 5);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);
}
END_TEST

/* ---- groups and sessions ------------------------------------------------- */

START_TEST(test_setpgid)
{
	pid_t a, b, c, s, t, sid = 0;

	boot();
	a = fork_ok(1, NULL);
	b = fork_ok(a, NULL);
	c = fork_ok(1, NULL);
	/* 0 means the caller's own pid. */
	ck_assert_int_eq(pidfs_setpgid(k, a, 0), 0);
	ck_assert_int_eq(info_ok(a)->pgrp, a);
	ck_assert_int_eq(info_ok(a)->session, 1);
	ck_assert_int_eq(info_ok(b)->pgrp, 1);
	/* Into an existing group of the same session. */
	ck_assert_int_eq(pidfs_setpgid(k, b, a), 0);
	ck_assert_int_eq(info_ok(b)->pgrp, a);
	/* Its own pid, spelt out. */
	ck_assert_int_eq(pidfs_setpgid(k, b, b), 0);
	ck_assert_int_eq(info_ok(b)->pgrp, b);
	ck_assert_int_eq(pidfs_setpgid(k, b, a), 0);
	/* Where it already is: nothing to do, no error. */
	ck_assert_int_eq(pidfs_setpgid(k, b, a), 0);
	ck_assert_int_eq(info_ok(b)->pgrp, a);
	ck_assert_int_eq(list_len(pid_of(a), PIDTYPE_PGID), 2);

	/*
	 * init is in session 1 without having called setsid (2.6.17's
	 * signal->leader is set by setsid alone): it may stay where it is.
	 * A session leader may not move.
	 */
	ck_assert_int_eq(pidfs_setpgid(k, 1, 0), 0);
	ck_assert_int_eq(pidfs_setsid(k, 1, &sid), 0);
	ck_assert_int_eq(sid, 1);
	ck_assert_int_eq(pidfs_setpgid(k, 1, 0), -EPERM);
	ck_assert_int_eq(pidfs_setpgid(k, 1, a), -EPERM);
	/* No such group: neither a free number nor a pid leading none. */
	ck_assert_int_eq(pidfs_setpgid(k, b, 999), -EPERM);
	ck_assert_int_eq(pidfs_setpgid(k, b, c), -EPERM);
	/* A group of another session. */
	s = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setsid(k, s, &sid), 0);
	ck_assert_int_eq(pidfs_setpgid(k, b, s), -EPERM);
	ck_assert_int_eq(pidfs_setpgid(k, s, 0), -EPERM);
	ck_assert_int_eq(pidfs_setpgid(k, s, a), -EPERM);
	ck_assert_int_eq(pidfs_setpgid(k, 999, 0), -ESRCH);
	ck_assert_int_eq(pidfs_setpgid(k, b, -3), -EINVAL);
	/* Failures changed nothing. */
	ck_assert_int_eq(info_ok(b)->pgrp, a);
	ck_assert_int_eq(info_ok(s)->pgrp, s);
	ck_assert_int_eq(info_ok(1)->pgrp, 1);

	/*
	 * A thread other than the leader: EINVAL, as 2.6.17's
	 * !thread_group_leader(p) check; nothing moves.
	 */
	t = thread_ok(c, NULL);
	ck_assert_int_eq(pidfs_setpgid(k, t, 0), -EINVAL);
	ck_assert_int_eq(pidfs_setpgid(k, t, c), -EINVAL);
	ck_assert_int_eq(info_ok(t)->pgrp, 1);
	ck_assert_int_eq(info_ok(c)->pgrp, 1);
	/* pgid 0 is PID itself: the leader's own pid here. */
	ck_assert_int_eq(pidfs_setpgid(k, c, 0), 0);
	ck_assert_int_eq(info_ok(t)->pgrp, c);
	ck_assert_int_eq(info_ok(c)->pgrp, c);
	ck_assert(!findable(999));
}
END_TEST

START_TEST(test_setsid)
{
	pid_t a, b, c, d, t, sid = 0;

	boot();
	a = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setsid(k, a, &sid), 0);
	ck_assert_int_eq(sid, a);
	ck_assert_int_eq(info_ok(a)->session, a);
	ck_assert_int_eq(info_ok(a)->pgrp, a);
	/* Already a group leader (and a session leader). */
	sid = 0;
	ck_assert_int_eq(pidfs_setsid(k, a, &sid), -EPERM);
	ck_assert_int_eq(sid, 0);
	/*
	 * init: 2.6.17 exempts session 1 from the group check, so it may
	 * call setsid once although it leads process group 1.
	 */
	ck_assert_int_eq(pidfs_setsid(k, 1, &sid), 0);
	ck_assert_int_eq(sid, 1);
	ck_assert_int_eq(info_ok(1)->session, 1);
	ck_assert_int_eq(pidfs_setsid(k, 1, &sid), -EPERM);
	b = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setpgid(k, b, 0), 0);
	ck_assert_int_eq(pidfs_setsid(k, b, &sid), -EPERM);
	ck_assert_int_eq(info_ok(b)->session, 1);

	/* A child of a session leader starts its own. */
	c = fork_ok(a, NULL);
	ck_assert_int_eq(info_ok(c)->session, a);
	ck_assert_int_eq(pidfs_setsid(k, c, &sid), 0);
	ck_assert_int_eq(sid, c);
	ck_assert_int_eq(info_ok(c)->session, c);
	ck_assert_int_eq(info_ok(c)->pgrp, c);
	ck_assert_int_eq(info_ok(a)->session, a);

	/* Through a thread, for its process. */
	d = fork_ok(1, NULL);
	t = thread_ok(d, NULL);
	ck_assert_int_eq(pidfs_setsid(k, t, &sid), 0);
	ck_assert_int_eq(sid, d);
	ck_assert_int_eq(info_ok(t)->session, d);
	ck_assert_int_eq(info_ok(t)->pgrp, d);
	ck_assert_int_eq(pidfs_setsid(k, 999, &sid), -ESRCH);
}
END_TEST

/* ---- exec and credentials ------------------------------------------------ */

START_TEST(test_exec)
{
	static char big[PIDFS_ARGS_MAX + 1];
	static const char args[] = "prog\0-v\0a b\0";
	pid_t l, t1, t2, l2, u1, u2, c;
	const struct task_info *i;

	boot();
	l = fork_ok(1, "old");
	t1 = thread_ok(l, NULL);
	t2 = thread_ok(l, NULL);
	ck_assert_int_eq(pidfs_exec(k, l, "prog", args, sizeof(args) - 1), 0);
	i = info_ok(l);
	ck_assert_str_eq(i->comm, "prog");
	ck_assert_uint_eq(i->args_len, sizeof(args) - 1);
	ck_assert_mem_eq(i->args, args, sizeof(args) - 1);
	ck_assert_int_eq(i->nr_threads, 1);
	ck_assert_int_eq(i->tgid, l);
	ck_assert_int_eq(i->ppid, 1);
	ck_assert(!findable(t1));
	ck_assert(!findable(t2));
	ck_assert_uint_eq(kstats().nr_tasks, 2);
	/* A child inherits the new image. */
	c = fork_ok(l, NULL);
	ck_assert_str_eq(info_ok(c)->comm, "prog");
	ck_assert_mem_eq(info_ok(c)->args, args, sizeof(args) - 1);

	/* exec through a thread: the process goes on alone, as de_thread(). */
	l2 = fork_ok(1, NULL);
	u1 = thread_ok(l2, NULL);
	u2 = thread_ok(l2, NULL);
	ck_assert_int_eq(pidfs_exec(k, u1, "viathread", "z", 2), 0);
	ck_assert_str_eq(info_ok(l2)->comm, "viathread");
	ck_assert_int_eq(info_ok(l2)->nr_threads, 1);
	ck_assert(!findable(u1));
	ck_assert(!findable(u2));

	/* Names are cut; empty args are allowed; the limit is exact. */
	ck_assert_int_eq(pidfs_exec(k, l, "0123456789abcdefXYZ", "", 0), 0);
	ck_assert_str_eq(info_ok(l)->comm, "0123456789abcde");
	ck_assert_uint_eq(info_ok(l)->args_len, 0);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(pidfs_exec(k, l, "big", big, PIDFS_ARGS_MAX + 1),
			 -E2BIG);
	ck_assert_str_eq(info_ok(l)->comm, "0123456789abcde");
	big[PIDFS_ARGS_MAX - 1] = '\0';
	ck_assert_int_eq(pidfs_exec(k, l, "big", big, PIDFS_ARGS_MAX), 0);
	ck_assert_uint_eq(info_ok(l)->args_len, PIDFS_ARGS_MAX);
	ck_assert_mem_eq(info_ok(l)->args, big, PIDFS_ARGS_MAX);

	ck_assert_int_eq(pidfs_exec(k, 999, "x", "x", 2), -ESRCH);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 4);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 0);
}
END_TEST

START_TEST(test_setuid_nproc)
{
	struct pidfs_kernel_params p;
	struct lowmem_stats z0, z1;
	pid_t a, b, c, b1, b2, b3, t, x = 0;

	params_init(&p);
	p.nproc = 3;
	boot_with(&p);
	ck_assert_uint_eq(kstats().nproc, 3);
	a = fork_ok(1, NULL);
	b = fork_ok(1, NULL);
	/* uid 1000 has init, a and b: no fourth, not even a thread. */
	rcu_barrier();
	z0 = zstats();
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &x), -EAGAIN);
	ck_assert_int_eq(pidfs_fork(k, a, NULL, &x), -EAGAIN);
	ck_assert_int_eq(pidfs_thread(k, a, NULL, &x), -EAGAIN);
	ck_assert_uint_eq(kstats().fork_failures, 3);
	ck_assert_uint_eq(kstats().nr_tasks, 3);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);

	/* b becomes uid 2000: room for one more of uid 1000. */
	ck_assert_int_eq(pidfs_setuid(k, b, 2000, 200), 0);
	ck_assert_uint_eq(info_ok(b)->uid, 2000);
	ck_assert_uint_eq(info_ok(b)->gid, 200);
	c = fork_ok(1, NULL);
	ck_assert_uint_eq(info_ok(c)->uid, TEST_UID);
	ck_assert_int_eq(pidfs_fork(k, a, NULL, &x), -EAGAIN);
	/* uid 2000 has its own three. */
	b1 = fork_ok(b, NULL);
	b2 = fork_ok(b, NULL);
	ck_assert_uint_eq(info_ok(b1)->uid, 2000);
	ck_assert_uint_eq(info_ok(b1)->gid, 200);
	ck_assert_int_eq(pidfs_fork(k, b1, NULL, &x), -EAGAIN);

	/* setuid changes every thread of the process. */
	ck_assert_int_eq(pidfs_kill(k, b2, 0), 0);
	t = thread_ok(b, NULL);
	ck_assert_uint_eq(info_ok(t)->uid, 2000);
	ck_assert_int_eq(pidfs_setuid(k, t, 3000, 300), 0);
	ck_assert_uint_eq(info_ok(b)->uid, 3000);
	ck_assert_uint_eq(info_ok(t)->uid, 3000);
	ck_assert_uint_eq(info_ok(t)->gid, 300);
	/* b and t left uid 2000: b1 may fork twice again. */
	b3 = fork_ok(b1, NULL);
	fork_ok(b1, NULL);
	ck_assert_int_eq(pidfs_fork(k, b1, NULL, &x), -EAGAIN);
	/* To a uid that has tasks already: both counts move. */
	ck_assert_int_eq(pidfs_setuid(k, b1, 3000, 300), 0);
	ck_assert_int_eq(pidfs_fork(k, b, NULL, &x), -EAGAIN);
	fork_ok(b3, NULL);
	ck_assert_int_eq(pidfs_fork(k, b3, NULL, &x), -EAGAIN);

	/* A zombie still counts until it is reaped. */
	ck_assert_int_eq(pidfs_exit(k, c, 0), 0);
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &x), -EAGAIN);
	ck_assert_int_eq(pidfs_reap(k, c), 0);
	c = fork_ok(1, NULL);

	/* Every task's info carries the limit, for /<pid>/limits. */
	ck_assert_uint_eq(info_ok(c)->nproc, kstats().nproc);

	/* 0 lifts the limit; existing tasks are untouched. */
	pidfs_kernel_set_nproc(k, 0);
	ck_assert_uint_eq(kstats().nproc, 0);
	ck_assert_uint_eq(info_ok(c)->nproc, 0);
	for (int i = 0; i < 5; i++)
		fork_ok(1, NULL);
	pidfs_kernel_set_nproc(k, 2);
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &x), -EAGAIN);
	ck_assert_int_eq(pidfs_setuid(k, 999, 1, 1), -ESRCH);
}
END_TEST

/* ---- spawn --------------------------------------------------------------- */

START_TEST(test_spawn)
{
	struct pidfs_kernel_params p;
	struct lowmem_stats z0, z1;
	pid_t pids[128], more[128];
	unsigned int nr_tasks;
	int nr_pids;

	params_init(&p);
	p.pid_max = SMALL_PID_MAX;
	p.nproc = 10;
	boot_with(&p);
	ck_assert_int_eq(pidfs_spawn(k, 5, 1, pids), 0);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(info_ok(pids[i])->ppid, 1);
		for (int j = 0; j < i; j++)
			ck_assert_int_ne(pids[i], pids[j]);
	}
	ck_assert_int_eq(pidfs_spawn(k, 0, 1, pids), 0);
	ck_assert_uint_eq(kstats().nr_tasks, 6);

	/* More than the per-uid limit allows: nothing. */
	rcu_barrier();
	z0 = zstats();
	nr_pids = nstats().nr_pids;
	ck_assert_int_eq(pidfs_spawn(k, 5, pids[0], more), -EAGAIN);
	ck_assert_uint_eq(kstats().nr_tasks, 6);
	ck_assert_int_eq(nstats().nr_pids, nr_pids);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);
	ck_assert_int_eq(info_ok(pids[0])->nr_threads, 1);
	/* Exactly what fits. */
	ck_assert_int_eq(pidfs_spawn(k, 4, 1, pids), 0);
	ck_assert_uint_eq(kstats().nr_tasks, 10);

	/* More than there are pids: nothing.  300..399 are the pool. */
	pidfs_kernel_set_nproc(k, 0);
	pid_ns_set_last_pid(kns, RESERVED_PIDS - 1);
	nr_tasks = kstats().nr_tasks;
	rcu_barrier();
	z0 = zstats();
	ck_assert_int_eq(pidfs_spawn(k, 101, 1, pids), -EAGAIN);
	ck_assert_uint_eq(kstats().nr_tasks, nr_tasks);
	ck_assert_int_eq(nstats().nr_pids, nr_pids + 4);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);
	ck_assert_int_eq(pidfs_spawn(k, 100, 1, pids), 0);
	ck_assert_uint_eq(kstats().nr_tasks, nr_tasks + 100);
	for (int i = 0; i < 100; i++)
		ck_assert_int_ge(pids[i], RESERVED_PIDS);
}
END_TEST

/* ---- fork failures ------------------------------------------------------- */

struct fault_run {
	int eagain, enomem;
	bool pidmap_failed;
	unsigned long n_ok;
};

/*
 * Fail the Nth allocation of a fork (or thread) for N = 1, 2, ... until
 * one succeeds.  Each failure must name its cause (-EAGAIN: the struct pid
 * or a bitmap page; -ENOMEM: the task_struct) and leave the model as it
 * was.  @reset_last: start each attempt from that last_pid.
 */
static struct fault_run fork_faults(bool thread, pid_t src, int reset_last)
{
	struct fault_run run = { 0 };

	for (unsigned long n = 1;; n++) {
		struct lowmem_stats z0, z1;
		struct pidfs_kernel_stats k0, k1;
		struct pid_ns_stats n0, n1;
		pid_t c = 0;
		int err;

		ck_assert_uint_lt(n, 16);
		if (reset_last >= 0)
			pid_ns_set_last_pid(kns, reset_last);
		rcu_barrier();
		z0 = zstats();
		k0 = kstats();
		n0 = nstats();
		lowmem_fail_nth(lm, n);
		err = thread ? pidfs_thread(k, src, NULL, &c) :
			       pidfs_fork(k, src, NULL, &c);
		if (!err) {
			/* The fault was beyond this fork: disarm it. */
			ck_assert_uint_gt(lowmem_fail_nth(lm, 0), 0);
			ck_assert_int_gt(c, 0);
			ck_assert_int_eq(info_ok(c)->tgid, thread ? src : c);
			ck_assert_uint_eq(kstats().forks, k0.forks + 1);
			run.n_ok = n;
			return run;
		}
		/* It fired, in this fork. */
		ck_assert_uint_eq(lowmem_fail_nth(lm, 0), 0);
		rcu_barrier();
		z1 = zstats();
		k1 = kstats();
		n1 = nstats();
		ck_assert_uint_eq(z1.oom_events, z0.oom_events + 1);
		if (z1.kind[LOWMEM_TASK].failures >
		    z0.kind[LOWMEM_TASK].failures) {
			ck_assert_int_eq(err, -ENOMEM);
			run.enomem++;
		} else {
			ck_assert_int_eq(err, -EAGAIN);
			run.eagain++;
			if (z1.kind[LOWMEM_PIDMAP].failures >
			    z0.kind[LOWMEM_PIDMAP].failures)
				run.pidmap_failed = true;
			else
				ck_assert_uint_eq(z1.kind[LOWMEM_PID].failures,
						  z0.kind[LOWMEM_PID].failures +
							  1);
		}
		assert_same_charge(&z0, &z1);
		ck_assert_uint_eq(z1.kind[LOWMEM_PIDMAP].objects,
				  (uint64_t)n1.pidmap_pages);
		ck_assert_uint_eq(k1.nr_tasks, k0.nr_tasks);
		ck_assert_uint_eq(k1.nr_zombies, k0.nr_zombies);
		ck_assert_uint_eq(k1.forks, k0.forks);
		ck_assert_uint_eq(k1.fork_failures, k0.fork_failures + 1);
		ck_assert_int_eq(n1.nr_pids, n0.nr_pids);
		ck_assert_uint_eq(z1.kind[LOWMEM_PID].pinned, 0);
		ck_assert_uint_eq(z1.kind[LOWMEM_TASK].pinned, 0);
	}
}

START_TEST(test_fork_faults)
{
	struct fault_run run;
	pid_t l;

	boot();
	/* A fork allocates a struct pid, then a task_struct. */
	run = fork_faults(false, 1, -1);
	ck_assert_int_eq(run.eagain, 1);
	ck_assert_int_eq(run.enomem, 1);
	ck_assert_uint_eq(run.n_ok, 3);
	/* The same from another parent, and for a thread. */
	l = fork_ok(1, NULL);
	run = fork_faults(false, l, -1);
	ck_assert_uint_eq(run.n_ok, 3);
	run = fork_faults(true, l, -1);
	ck_assert_int_eq(run.eagain, 1);
	ck_assert_int_eq(run.enomem, 1);
	ck_assert_uint_eq(run.n_ok, 3);
	ck_assert_int_eq(info_ok(l)->nr_threads, 2);
}
END_TEST

/* At a bitmap page boundary a fork needs a page too. */
START_TEST(test_fork_faults_page)
{
	struct pidfs_kernel_params p;
	struct fault_run run;

	params_init_pidmap(&p);
	p.arch = &pidfs_arch_x86_64;	/* a pid_max above i386's limit */
	p.pid_max = 2 * BITS_PER_PAGE;
	boot_with(&p);
	run = fork_faults(false, 1, BITS_PER_PAGE - 1);
	ck_assert(run.pidmap_failed);
	ck_assert_int_ge(run.eagain, 2);
	ck_assert_int_eq(run.enomem, 1);
	ck_assert_int_eq(nstats().pidmap_pages, 2);
	ck_assert(findable(BITS_PER_PAGE));
}
END_TEST

START_TEST(test_fork_no_pid)
{
	struct pidfs_kernel_params p;
	struct lowmem_stats z0, z1;
	pid_t a, b, x = 0;

	params_init(&p);
	p.pid_max = RESERVED_PIDS + 2;
	boot_with(&p);
	pid_ns_set_last_pid(kns, RESERVED_PIDS - 1);
	a = fork_ok(1, NULL);
	b = fork_ok(1, NULL);
	ck_assert_int_eq(a, RESERVED_PIDS);
	ck_assert_int_eq(b, RESERVED_PIDS + 1);
	rcu_barrier();
	z0 = zstats();
	ck_assert_int_eq(pidfs_fork(k, 1, NULL, &x), -EAGAIN);
	ck_assert_int_eq(pidfs_thread(k, a, NULL, &x), -EAGAIN);
	ck_assert_uint_eq(kstats().fork_failures, 2);
	ck_assert_uint_eq(kstats().nr_tasks, 3);
	ck_assert_uint_eq(kstats().forks, 2);
	rcu_barrier();
	z1 = zstats();
	assert_same_charge(&z0, &z1);
	/* No memory was short: no OOM event. */
	ck_assert_uint_eq(z1.oom_events, 0);
	/* A freed number is the next fork's. */
	ck_assert_int_eq(pidfs_kill(k, b, 0), 0);
	ck_assert_int_eq(fork_ok(1, NULL), b);
}
END_TEST

/*
 * The smallest zone: 64 KiB hold the first bitmap page and five tasks of
 * 10 KiB with their pids; the sixth has a pid but no task_struct.  With
 * tasks cut so that six fit exactly, the seventh has no struct pid.
 */
START_TEST(test_fork_tiny_lowmem)
{
	static const struct {
		size_t task_size;
		unsigned int fit;	/* tasks, init included */
		int err;
		enum lowmem_kind failed;
	} cases[] = {
		{ TASK_SIZE_DEFAULT, 5, -ENOMEM, LOWMEM_TASK },
		{ (LOWMEM_MIN_BUDGET - PAGE_BYTES - TINY_HASH_CHARGE) / 6 -
			  PID_CHARGE,
		  6, -EAGAIN, LOWMEM_PID },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pidfs_kernel_params p;
		struct lowmem_stats z0, z1;
		pid_t c = 0, last = 0;
		int err;

		params_init_pidmap(&p);
		p.lowmem = LOWMEM_MIN_BUDGET;
		p.task_size = cases[i].task_size;
		boot_with(&p);
		for (unsigned int n = 1; n < cases[i].fit; n++)
			last = fork_ok(1, NULL);
		rcu_barrier();
		z0 = zstats();
		err = pidfs_fork(k, 1, NULL, &c);
		ck_assert_int_eq(err, cases[i].err);
		ck_assert_int_eq(pidfs_thread(k, 1, NULL, &c), cases[i].err);
		ck_assert_uint_eq(kstats().fork_failures, 2);
		ck_assert_uint_eq(kstats().nr_tasks, cases[i].fit);
		rcu_barrier();
		z1 = zstats();
		assert_same_charge(&z0, &z1);
		ck_assert_uint_eq(z1.oom_events, 2);
		ck_assert_uint_eq(z1.kind[cases[i].failed].failures, 2);
		ck_assert_uint_le(z1.used, LOWMEM_MIN_BUDGET);
		/* Memory comes back with a reaped task. */
		ck_assert_int_eq(pidfs_kill(k, last, 0), 0);
		rcu_barrier();
		fork_ok(1, NULL);
		pidfs_kernel_destroy(k);
		k = NULL;
	}
}
END_TEST

/* ---- references ---------------------------------------------------------- */

START_TEST(test_pid_reuse)
{
	struct pidfs_kernel_params p;
	struct task_struct *t;
	struct pid *held, *now;
	uint64_t old_serial;
	pid_t v, c = 0;
	int tries;

	params_init(&p);
	p.pid_max = SMALL_PID_MAX;
	boot_with(&p);
	/* Into the numbers that wrap around. */
	pid_ns_set_last_pid(kns, RESERVED_PIDS - 1);
	v = fork_ok(1, "victim");
	t = pidfs_get_task(k, v);
	ck_assert_ptr_nonnull(t);
	held = get_pid(task_pid_type(t, PIDTYPE_PID));
	put_task_struct(t);
	old_serial = pid_serial(held);
	ck_assert_int_eq(pidfs_kill(k, v, 0), 0);

	for (tries = 0; tries < 2 * SMALL_PID_MAX; tries++) {
		c = fork_ok(1, "other");
		if (c == v)
			break;
		ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	}
	ck_assert_int_eq(c, v);
	/* The held pid still says who it was, and leads nowhere. */
	ck_assert_int_eq(pid_nr(held), v);
	ck_assert_uint_eq(pid_serial(held), old_serial);
	ck_assert_ptr_null(get_pid_task(held, PIDTYPE_PID));
	ck_assert_ptr_null(pid_task(held, PIDTYPE_PGID));
	now = find_get_pid_ns(v, kns);
	ck_assert_ptr_nonnull(now);
	ck_assert_ptr_ne(now, held);
	ck_assert_uint_gt(pid_serial(now), old_serial);
	t = get_pid_task(now, PIDTYPE_PID);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->pid, v);
	put_task_struct(t);
	ck_assert_str_eq(info_ok(v)->comm, "other");
	ck_assert_uint_eq(info_ok(v)->serial, pid_serial(now));
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 1);
	put_pid(now);
	put_pid(held);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 2);
}
END_TEST

/* A held task_struct keeps its full charge: what the patch avoids. */
START_TEST(test_task_pinning)
{
	struct task_struct *t, *tt;
	pid_t c, l, th, tids[2];

	boot();
	c = fork_ok(1, NULL);
	t = pidfs_get_task(k, c);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 2);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].bytes,
			  2 * TASK_SIZE_DEFAULT);
	/* The task holds no pid: c's struct pid is gone. */
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 0);
	ck_assert_int_eq(pidfs_task_info(t, &ti), -ESRCH);
	ck_assert_int_eq(thread_ids(t, tids, 2), -ESRCH);
	ck_assert_int_eq(t->exit_state, EXIT_DEAD);
	ck_assert_ptr_null(task_pid_type(t, PIDTYPE_PID));
	ck_assert_uint_eq(kstats().nr_tasks, 1);
	put_task_struct(t);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].bytes, TASK_SIZE_DEFAULT);

	/* A held thread keeps its leader too. */
	l = fork_ok(1, NULL);
	th = thread_ok(l, NULL);
	tt = pidfs_get_task(k, th);
	ck_assert_ptr_nonnull(tt);
	ck_assert_int_eq(pidfs_kill(k, l, 0), 0);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 3);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 2);
	put_task_struct(tt);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 0);
}
END_TEST

/* A held struct pid keeps only itself: the patch's point. */
START_TEST(test_pid_pinning)
{
	struct task_struct *t;
	struct pid *held;
	pid_t c;

	boot();
	c = fork_ok(1, NULL);
	t = pidfs_get_task(k, c);
	held = get_pid(task_pid_type(t, PIDTYPE_PID));
	put_task_struct(t);
	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 2);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].bytes, 2 * PID_CHARGE);
	ck_assert_ptr_null(get_pid_task(held, PIDTYPE_PID));
	ck_assert(!findable(c));
	put_pid(held);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 0);
}
END_TEST

/* ---- events -------------------------------------------------------------- */

struct ev {
	enum pidfs_event ev;
	pid_t nr, tgid, pid_nr, tgid_nr;
	bool leader;
	int info_err;
};

static struct ev evs[64];
static int nev;
static int hook_arg;
static struct task_info hook_ti;

static void hook(void *arg, const struct pidfs_event_rec *r)
{
	struct ev *e;

	ck_assert_ptr_eq(arg, &hook_arg);
	ck_assert_int_lt(nev, (int)ARRAY_SIZE(evs));
	e = &evs[nev++];
	e->ev = r->ev;
	e->nr = r->nr;
	e->tgid = r->tgid;
	e->pid_nr = pid_nr(r->pid);
	e->tgid_nr = pid_nr(r->tgid_pid);
	e->leader = r->leader;
	ck_assert_ptr_nonnull(r->task);
	ck_assert_int_eq(r->task->pid, r->nr);
	/* No lock is held: the hook may read the model. */
	e->info_err = pidfs_task_info(r->task, &hook_ti);
}

static int count_ev(enum pidfs_event ev, pid_t nr)
{
	int n = 0;

	for (int i = 0; i < nev; i++)
		n += evs[i].ev == ev && evs[i].nr == nr;
	return n;
}

static const struct ev *find_ev(enum pidfs_event ev, pid_t nr)
{
	for (int i = 0; i < nev; i++)
		if (evs[i].ev == ev && evs[i].nr == nr)
			return &evs[i];
	ck_abort_msg("no event %d for %d", ev, nr);
	return NULL;
}

START_TEST(test_events)
{
	const struct ev *e;
	pid_t c, t, d, ch, x = 0, sid;

	boot();
	nev = 0;
	pidfs_kernel_set_event_hook(k, hook, &hook_arg);

	c = fork_ok(1, NULL);
	ck_assert_int_eq(nev, 1);
	e = find_ev(PIDFS_EV_FORK, c);
	ck_assert_int_eq(e->tgid, c);
	ck_assert_int_eq(e->pid_nr, c);
	ck_assert_int_eq(e->tgid_nr, c);
	ck_assert(e->leader);
	ck_assert_int_eq(e->info_err, 0);

	/* A thread: its FORK, and a CHANGE for its process (Threads). */
	nev = 0;
	t = thread_ok(c, NULL);
	e = find_ev(PIDFS_EV_FORK, t);
	ck_assert_int_eq(e->tgid, c);
	ck_assert_int_eq(e->tgid_nr, c);
	ck_assert_int_eq(e->pid_nr, t);
	ck_assert(!e->leader);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, c), 1);
	ck_assert_int_eq(count_ev(PIDFS_EV_FORK, c), 0);

	/* setpgid: a CHANGE for every member. */
	nev = 0;
	ck_assert_int_eq(pidfs_setpgid(k, c, 0), 0);
	ck_assert_int_eq(nev, 2);
	e = find_ev(PIDFS_EV_CHANGE, c);
	ck_assert_int_eq(e->tgid, c);
	ck_assert(e->leader);
	e = find_ev(PIDFS_EV_CHANGE, t);
	ck_assert_int_eq(e->tgid, c);
	/* Nothing changed, nothing said; nor on failure. */
	nev = 0;
	ck_assert_int_eq(pidfs_setpgid(k, c, 0), 0);
	ck_assert_int_eq(pidfs_setpgid(k, 999, 0), -ESRCH);
	ck_assert_int_eq(pidfs_fork(k, 999, NULL, &x), -ESRCH);
	ck_assert_int_eq(pidfs_reap(k, c), -ECHILD);
	ck_assert_int_eq(nev, 0);

	/* A thread exits: it is released; its process changed. */
	nev = 0;
	ck_assert_int_eq(pidfs_exit(k, t, 0), 0);
	e = find_ev(PIDFS_EV_RELEASE, t);
	ck_assert_int_eq(e->tgid, c);
	ck_assert_int_eq(e->pid_nr, t);
	ck_assert_int_eq(e->info_err, -ESRCH);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, c), 1);

	/* exit: a CHANGE (zombie), its children's CHANGE (reparented). */
	ch = fork_ok(c, NULL);
	nev = 0;
	ck_assert_int_eq(pidfs_exit(k, c, 0), 0);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, c), 1);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, ch), 1);
	ck_assert_int_eq(count_ev(PIDFS_EV_RELEASE, c), 0);
	/* reap: RELEASE, with the pid still attached for the hook. */
	nev = 0;
	ck_assert_int_eq(pidfs_reap(k, c), 0);
	ck_assert_int_eq(nev, 1);
	e = find_ev(PIDFS_EV_RELEASE, c);
	ck_assert_int_eq(e->tgid, c);
	ck_assert_int_eq(e->pid_nr, c);
	ck_assert_int_eq(e->tgid_nr, c);
	ck_assert(e->leader);
	ck_assert_int_eq(e->info_err, -ESRCH);

	/* kill: both. */
	d = fork_ok(1, NULL);
	nev = 0;
	ck_assert_int_eq(pidfs_kill(k, d, 0), 0);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, d), 1);
	ck_assert_int_eq(count_ev(PIDFS_EV_RELEASE, d), 1);

	/* setsid, setuid, exec: a CHANGE. */
	nev = 0;
	ck_assert_int_eq(pidfs_setsid(k, ch, &sid), 0);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, ch), 1);
	nev = 0;
	ck_assert_int_eq(pidfs_setuid(k, ch, 5, 5), 0);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, ch), 1);
	t = thread_ok(ch, NULL);
	nev = 0;
	ck_assert_int_eq(pidfs_exec(k, ch, "new", "new", 4), 0);
	ck_assert_int_eq(count_ev(PIDFS_EV_CHANGE, ch), 1);
	ck_assert_int_eq(count_ev(PIDFS_EV_RELEASE, t), 1);

	/* Without a hook, nothing is called. */
	pidfs_kernel_set_event_hook(k, NULL, NULL);
	nev = 0;
	fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_kill(k, ch, 0), 0);
	ck_assert_int_eq(nev, 0);
	/* The records' references were all dropped. */
	rcu_barrier();
	ck_assert_uint_eq(zstats().kind[LOWMEM_PID].pinned, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_TASK].objects, 2);
}
END_TEST

/* ---- readers against a writer -------------------------------------------- */

#define CONC_PID_MAX	1000
#define CONC_ROUNDS	4000
#define CONC_LIVE	120
#define READERS		3

static int writer_done;	/* ATOMIC */

struct conc {
	pthread_t thread;
	uint64_t seed;
	unsigned long ops, found, bad;
	unsigned long forks;
};

static void *writer_fn(void *arg)
{
	struct conc *w = arg;
	pid_t live[CONC_LIVE];
	int n = 0;

	for (int r = 0; r < CONC_ROUNDS; r++) {
		unsigned int op = (unsigned int)(rnd(&w->seed) % 8);
		pid_t nr = 0, src = n ? live[rnd(&w->seed) % (uint64_t)n] : 1;
		int err, i;

		w->ops++;
		if (n < CONC_LIVE && (op < 3 || n < 8)) {
			err = pidfs_fork(k, src, NULL, &nr);
		} else if (n < CONC_LIVE && op < 5) {
			err = pidfs_thread(k, src, NULL, &nr);
		} else {
			i = (int)(rnd(&w->seed) % (uint64_t)n);
			nr = live[i];
			if (op == 7) {
				/* Groups and sessions that outlive tasks. */
				err = r % 2 ? pidfs_setpgid(k, nr, 0) :
					      pidfs_setsid(k, nr, &nr);
				/* a thread's setpgid: EINVAL */
				if (err && err != -EPERM && err != -ESRCH &&
				    err != -EINVAL)
					w->bad++;
				continue;
			}
			live[i] = live[--n];
			if (op == 5) {
				err = pidfs_exit(k, nr, 0);
				if (!err)
					err = pidfs_reap(k, nr);
				/* A thread is reaped by its exit. */
				if (err == -ESRCH)
					err = 0;
			} else {
				err = pidfs_kill(k, nr, 0);
			}
			/* Its process may have taken it already. */
			if (err && err != -ESRCH)
				w->bad++;
			continue;
		}
		if (err == -ESRCH)
			continue;	/* the parent went with its process */
		if (err) {
			w->bad++;
			continue;
		}
		w->forks++;
		live[n++] = nr;
	}
	return NULL;
}

static void *reader_fn(void *arg)
{
	struct conc *w = arg;
	struct task_info *info = malloc(sizeof(*info));
	pid_t tids[8];

	if (!info) {
		w->bad++;
		return NULL;
	}
	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE) ||
	       w->ops < 2000) {
		pid_t nr = 1 + (pid_t)(rnd(&w->seed) % (CONC_PID_MAX - 1));
		struct task_struct *t;
		struct pid *p;
		int err, last;

		w->ops++;
		p = find_get_pid_ns(nr, kns);
		if (p) {
			if (pid_nr(p) != nr)
				w->bad++;
			t = get_pid_task(p, PIDTYPE_PID);
			if (t) {
				w->found++;
				if (t->pid != nr)
					w->bad++;
				err = pidfs_task_info(t, info);
				if (!err &&
				    (info->pid != nr || info->nr_threads < 1 ||
				     info->tgid <= 0 || info->pgrp <= 0 ||
				     info->session <= 0 ||
				     info->serial != pid_serial(p)))
					w->bad++;
				else if (err && err != -ESRCH)
					w->bad++;
				err = thread_ids(t, tids, 8);
				if (err != -ESRCH && err < 1)
					w->bad++;
				put_task_struct(t);
			}
			put_pid(p);
		}
		t = pidfs_get_task(k, nr);
		if (t) {
			if (t->pid != nr)
				w->bad++;
			put_task_struct(t);
		}
		/* A readdir: strictly increasing tgids. */
		last = 0;
		rcu_read_lock();
		for (int i = 0; i < 16; i++) {
			p = find_ge_pid_ns(last + 1, kns);
			if (!p)
				break;
			if (pid_nr(p) <= last)
				w->bad++;
			last = pid_nr(p);
			pid_task(p, PIDTYPE_PID);
		}
		rcu_read_unlock();
	}
	free(info);
	return NULL;
}

START_TEST(test_concurrent)
{
	struct pidfs_kernel_params p;
	struct conc w[1 + READERS];
	struct pidfs_kernel_stats ks;
	struct lowmem_stats z;
	struct pid *pid;
	unsigned long found = 0;

	params_init(&p);
	p.pid_max = CONC_PID_MAX;
	boot_with(&p);
	writer_done = 0;
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 1 + READERS; i++) {
		w[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 3);
		ck_assert_int_eq(pthread_create(&w[i].thread, NULL,
						i ? reader_fn : writer_fn,
						&w[i]),
				 0);
	}
	ck_assert_int_eq(pthread_join(w[0].thread, NULL), 0);
	__atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
	for (int i = 1; i < 1 + READERS; i++) {
		ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
		found += w[i].found;
	}
	for (int i = 0; i < 1 + READERS; i++)
		ck_assert_msg(w[i].bad == 0, "thread %d: %lu bad", i, w[i].bad);
	ck_assert_uint_gt(w[0].forks, CONC_ROUNDS / 4);
	ck_assert_uint_gt(found, 0);

	/*
	 * The end state is consistent: kill every task left, and every
	 * struct pid goes, those of groups and sessions included.
	 */
	ks = kstats();
	ck_assert_uint_eq(ks.forks, w[0].forks);
	ck_assert_uint_eq(ks.fork_failures, 0);
	ck_assert_uint_eq(ks.nr_zombies, 0);
	for (;;) {
		pid_t victim = 0;
		int nr = 2;

		rcu_read_lock();
		while ((pid = find_ge_pid_ns(nr, kns))) {
			if (pid_task(pid, PIDTYPE_PID)) {
				victim = pid_nr(pid);
				break;
			}
			nr = pid_nr(pid) + 1;
		}
		rcu_read_unlock();
		if (!victim)
			break;
		ck_assert_int_eq(pidfs_kill(k, victim, 0), 0);
	}
	ks = kstats();
	ck_assert_uint_eq(ks.nr_tasks, 1);
	ck_assert_uint_eq(ks.released, ks.forks);
	rcu_barrier();
	z = zstats();
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].pinned, 0);
	ck_assert_int_eq(nstats().nr_pids, 1);
}
END_TEST

/* ---- shutdown ------------------------------------------------------------ */

static void count_fn(void *obj, void *arg)
{
	(void)obj;
	(*(unsigned long *)arg)++;
}

static unsigned long count_objects(struct kmem_cache *c)
{
	unsigned long n = 0;

	kmem_cache_for_each(c, count_fn, &n);
	return n;
}

START_TEST(test_destroy_clean)
{
	struct lowmem_stats z;
	pid_t a, b, c, sid;
	int pages;

	boot_pidmap();
	a = fork_ok(1, NULL);
	ck_assert_int_eq(pidfs_setsid(k, a, &sid), 0);
	b = fork_ok(a, NULL);
	thread_ok(b, NULL);
	ck_assert_int_eq(pidfs_setpgid(k, b, 0), 0);
	c = fork_ok(b, NULL);
	ck_assert_int_eq(pidfs_exec(k, c, "c", "c", 2), 0);
	ck_assert_int_eq(pidfs_exit(k, c, 0), 0);
	/* Kill all but init: only init's charge is left. */
	ck_assert_int_eq(pidfs_reap(k, c), 0);
	ck_assert_int_eq(pidfs_kill(k, a, 0), 0);
	ck_assert_int_eq(pidfs_kill(k, b, 0), 0);
	rcu_barrier();
	z = zstats();
	pages = nstats().pidmap_pages;
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].pinned, 0);
	ck_assert_uint_eq(z.used, TASK_SIZE_DEFAULT + PID_CHARGE +
					  (uint64_t)pages * PAGE_BYTES +
					  HASH_CHARGE);
	ck_assert_uint_eq(count_objects(pidfs_kernel_task_cache(k)), 1);
	ck_assert_uint_eq(count_objects(pid_ns_pid_cache(kns)), 1);

	/*
	 * Shutdown releases init too: nothing is left but the bitmap and
	 * the hash table.
	 */
	pidfs_kernel_release_all(k);
	z = zstats();
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].objects, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].objects, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].pinned, 0);
	ck_assert_uint_eq(z.used, (uint64_t)pages * PAGE_BYTES + HASH_CHARGE);
	ck_assert_uint_eq(count_objects(pidfs_kernel_task_cache(k)), 0);
	ck_assert_uint_eq(count_objects(pid_ns_pid_cache(kns)), 0);
	ck_assert_uint_eq(kstats().nr_tasks, 0);
}
END_TEST

/* Shutdown with tasks of every kind still there. */
START_TEST(test_destroy_busy)
{
	struct task_struct *held_task;
	struct pid *held_pid;
	struct lowmem_stats z;
	pid_t a, b, sid;

	boot();
	a = fork_ok(1, NULL);
	b = fork_ok(a, NULL);
	thread_ok(a, NULL);
	thread_ok(b, NULL);
	ck_assert_int_eq(pidfs_setsid(k, b, &sid), 0);
	fork_ok(b, NULL);
	ck_assert_int_eq(pidfs_exit(k, fork_ok(b, NULL), 0), 0);
	held_task = pidfs_get_task(k, a);
	held_pid = find_get_pid_ns(b, kns);
	ck_assert_ptr_nonnull(held_task);
	ck_assert_ptr_nonnull(held_pid);

	pidfs_kernel_release_all(k);
	/* Exactly what the references hold stays. */
	z = zstats();
	ck_assert_uint_eq(kstats().nr_tasks, 0);
	ck_assert_uint_eq(kstats().nr_zombies, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].pinned, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].objects, 1);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].pinned, 1);
	ck_assert_uint_eq(count_objects(pidfs_kernel_task_cache(k)), 1);
	ck_assert_uint_eq(count_objects(pid_ns_pid_cache(kns)), 1);
	ck_assert_int_eq(pidfs_task_info(held_task, &ti), -ESRCH);
	ck_assert_ptr_null(get_pid_task(held_pid, PIDTYPE_PID));
	put_task_struct(held_task);
	put_pid(held_pid);
	z = zstats();
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].objects, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].objects, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_TASK].pinned, 0);
	ck_assert_uint_eq(z.kind[LOWMEM_PID].pinned, 0);
	ck_assert_uint_eq(z.used, z.kind[LOWMEM_PIDMAP].bytes +
					  z.kind[LOWMEM_PIDHASH].bytes);
}
END_TEST

/*
 * The modelled machine decides the charges and the pid_max limit; the
 * objects are the host's either way.
 */
START_TEST(test_arch)
{
	const struct pidfs_arch *archs[] = { &pidfs_arch_i386,
					     &pidfs_arch_x86_64 };

	for (size_t i = 0; i < ARRAY_SIZE(archs); i++) {
		const struct pidfs_arch *a = archs[i];
		struct pidfs_kernel_params p;
		struct lowmem_stats z;
		pid_t c;

		params_init_pidmap(&p);
		p.arch = a;
		/* One more than the limit is refused, the limit is not. */
		p.pid_max = a->pid_max_limit + 1;
		ck_assert_int_eq(pidfs_kernel_create(&p, &k), -EINVAL);
		p.pid_max = a->pid_max_limit;
		boot_with(&p);
		ck_assert_ptr_eq(kstats().arch, a);
		ck_assert_uint_eq(kstats().task_size, a->task_size);
		ck_assert_int_eq(nstats().pid_max_limit, a->pid_max_limit);
		ck_assert_int_eq(pid_ns_set_pid_max(kns, a->pid_max_limit + 1),
				 -EINVAL);
		c = fork_ok(1, NULL);
		rcu_barrier();
		z = zstats();
		/* low memory is the arch's: 896 MiB of 1 GiB, or all of it */
		ck_assert_uint_eq(z.budget, a->lowmem);
		ck_assert_uint_eq(kmem_cache_size(pid_ns_pid_cache(kns)),
				  a->pid_size);
		ck_assert_uint_eq(z.kind[LOWMEM_PID].bytes, 2 * a->pid_size);
		ck_assert_uint_eq(z.kind[LOWMEM_TASK].bytes, 2 * a->task_size);
		/* 896 MiB or 1 GiB: 4096 buckets either way */
		ck_assert_int_eq(nstats().hash_shift, 12);
		ck_assert_uint_eq(z.kind[LOWMEM_PIDHASH].bytes,
				  4096 * a->hlist_head_size);
		ck_assert_uint_eq(z.used, z.kind[LOWMEM_PID].bytes +
						  z.kind[LOWMEM_TASK].bytes +
						  z.kind[LOWMEM_PIDMAP].bytes +
						  z.kind[LOWMEM_PIDHASH].bytes);
		ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
		pidfs_kernel_destroy(k);
		k = NULL;
	}
	ck_assert_str_eq(pidfs_arch_i386.name, "i386");
	ck_assert_uint_eq(pidfs_arch_i386.pid_size, 36);
	ck_assert_uint_eq(pidfs_arch_x86_64.pid_size, 64);
	ck_assert_int_eq(pidfs_arch_i386.pid_max_limit, 32768);
	ck_assert_int_eq(pidfs_arch_x86_64.pid_max_limit, PID_MAX_LIMIT);
	ck_assert_ptr_eq(pidfs_arch_by_name("x86_64"), &pidfs_arch_x86_64);
	ck_assert_ptr_eq(pidfs_arch_by_name("i386"), &pidfs_arch_i386);
	ck_assert_ptr_null(pidfs_arch_by_name("amd64"));
	ck_assert_ptr_null(pidfs_arch_by_name(""));
}
END_TEST

/*
 * The referrers: a dentry and a proc_inode per kernel reference, charged
 * at the arch's sizes until the kernel forgets them; refused when low
 * memory is full; nothing at all with no_ref_charge.
 */
START_TEST(test_ref_charge)
{
	struct pidfs_kernel_params p;
	struct lowmem_stats z0, z;
	const size_t ref = 132 + 356;	/* i386's dentry and proc_inode */

	boot();
	ck_assert_uint_eq(kstats().ref_size, ref);
	z0 = zstats();
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pidfs_ref_charge(k), 0);
	z = zstats();
	ck_assert_uint_eq(z.kind[LOWMEM_REF].objects, 3);
	ck_assert_uint_eq(z.kind[LOWMEM_REF].bytes, 3 * ref);
	ck_assert_uint_eq(z.used, z0.used + 3 * ref);
	pidfs_ref_uncharge(k, 2);
	ck_assert_uint_eq(zstats().kind[LOWMEM_REF].objects, 1);
	pidfs_ref_uncharge(k, 1);
	ck_assert_uint_eq(zstats().kind[LOWMEM_REF].bytes, 0);
	ck_assert_uint_eq(zstats().used, z0.used);
	pidfs_kernel_destroy(k);
	k = NULL;

	/* A full zone refuses one, as d_alloc() would fail. */
	params_init(&p);
	p.lowmem = LOWMEM_MIN_BUDGET;
	boot_with(&p);
	while (!pidfs_ref_charge(k))
		;
	z = zstats();
	ck_assert_uint_gt(z.used + ref, z.budget);
	ck_assert_uint_eq(z.kind[LOWMEM_REF].failures, 1);
	ck_assert_int_eq(pidfs_ref_charge(k), -ENOMEM);
	pidfs_ref_uncharge(k, z.kind[LOWMEM_REF].objects);
	ck_assert_uint_eq(zstats().kind[LOWMEM_REF].objects, 0);
	pidfs_kernel_destroy(k);
	k = NULL;

	/* x86_64's sizes; and none at all when not charged. */
	params_init(&p);
	p.arch = &pidfs_arch_x86_64;
	boot_with(&p);
	ck_assert_uint_eq(kstats().ref_size, 208 + 608);
	pidfs_kernel_destroy(k);
	k = NULL;
	params_init(&p);
	p.no_ref_charge = true;
	boot_with(&p);
	ck_assert_uint_eq(kstats().ref_size, 0);
	ck_assert_int_eq(pidfs_ref_charge(k), 0);
	ck_assert_uint_eq(zstats().kind[LOWMEM_REF].objects, 0);
	pidfs_ref_uncharge(k, 5);
	ck_assert_uint_eq(zstats().kind[LOWMEM_REF].bytes, 0);
}
END_TEST

Suite *task_suite(void)
{
	Suite *s = suite_create("task");
	TCase *tc;

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_boot);
	tcase_add_test(tc, test_create_invalid);
	tcase_add_test(tc, test_create_task_size_max);
	tcase_add_test(tc, test_fork);
	tcase_add_test(tc, test_fork_inherits_group);
	tcase_add_test(tc, test_thread);
	tcase_add_test(tc, test_thread_ids_order);
	tcase_add_test(tc, test_thread_ids_count_only);
	tcase_add_test(tc, test_pid_links);
	tcase_add_test(tc, test_last_detach_frees);
	tcase_add_test(tc, test_exit_zombie);
	tcase_add_test(tc, test_reparent);
	tcase_add_test(tc, test_exit_thread);
	tcase_add_test(tc, test_exit_leader_threads);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_kill);
	suite_add_tcase(s, tc);

	tc = tcase_create("operations");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_setpgid);
	tcase_add_test(tc, test_setsid);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_setuid_nproc);
	tcase_add_test(tc, test_spawn);
	tcase_add_test(tc, test_events);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_fork_faults);
	tcase_add_test(tc, test_fork_faults_page);
	tcase_add_test(tc, test_fork_no_pid);
	tcase_add_test(tc, test_fork_tiny_lowmem);
	suite_add_tcase(s, tc);

	tc = tcase_create("references");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pid_reuse);
	tcase_add_test(tc, test_task_pinning);
	tcase_add_test(tc, test_pid_pinning);
	tcase_add_test(tc, test_concurrent);
	tcase_add_test(tc, test_destroy_clean);
	tcase_add_test(tc, test_destroy_busy);
	tcase_add_test(tc, test_arch);
	tcase_add_test(tc, test_ref_charge);
	suite_add_tcase(s, tc);
	return s;
}
