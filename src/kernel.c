// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulated kernel: boot (init, the namespaces, the caches),
 * shutdown (release every task, count what callers still hold),
 * statistics, the referrer charges and the event hook.
 * Locking: task-internal.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/task.h"
#include "task-internal.h"

int pidfs_kernel_create(const struct pidfs_kernel_params *params,
			struct pidfs_kernel **kp)
{
	const struct pidfs_arch *arch = pidfs_arch_or_default(params->arch);
	struct pid_ns_params nsp = { 0 };
	struct pidfs_kernel *k;
	struct task_struct *init;
	struct pid *pid;
	uint64_t lowmem = params->lowmem ? params->lowmem : arch->lowmem;
	size_t task_size = params->task_size ? params->task_size :
					       arch->task_size;
	int err = -EINVAL;

	if (task_size < sizeof(struct task_struct) ||
	    task_size > TASK_SIZE_MAX || lowmem < LOWMEM_MIN_BUDGET ||
	    lowmem > LOWMEM_MAX_BUDGET || params->pid_max < 0 ||
	    params->pid_max > arch->pid_max_limit || params->hash_shift < -1 ||
	    params->hash_shift > PIDHASH_SHIFT_LIMIT ||
	    (unsigned int)params->alloc >= PID_ALLOC_NR)
		return -EINVAL;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->arch = arch;
	k->task_size = task_size;
	if (!params->no_ref_charge)
		k->ref_size = arch->dentry_size + arch->proc_inode_size;
	k->nproc = params->nproc;
	k->boot_mono_ns = now_ns(CLOCK_MONOTONIC);
	k->boot_real = now_ns(CLOCK_REALTIME) / 1000000000ULL;
	pthread_rwlock_init(&k->tasklist_lock, NULL);
	pthread_mutex_init(&k->op_lock, NULL);
	CDS_INIT_LIST_HEAD(&k->tasks);

	err = -ENOMEM;
	k->lowmem = lowmem_create(lowmem);
	if (!k->lowmem)
		goto out_free;
	nsp.lowmem = k->lowmem;
	nsp.arch = arch;
	nsp.pid_max = params->pid_max;
	nsp.hash_shift = params->hash_shift;
	nsp.alloc = params->alloc;
	k->ns = pid_ns_create(&nsp);
	if (!k->ns)
		goto out_lowmem;
	k->task_cachep = kmem_cache_create(k->lowmem, "task_struct",
					   LOWMEM_TASK, task_size);
	if (!k->task_cachep)
		goto out_ns;
	if (uid_reserve(k, params->uid))
		goto out_cache;

	/* init: the one task made by hand, as the kernel's was. */
	err = -EAGAIN;
	pid = alloc_pid(k->ns);
	if (!pid)
		goto out_cache;
	err = -ENOMEM;
	init = kmem_cache_alloc(k->task_cachep);
	if (!init)
		goto out_pid;
	init->image = image_alloc("init", "init", 5);
	if (!init->image)
		goto out_task;
	init->usage = 1;
	init->state = TASK_INTERRUPTIBLE;
	init->pid = init->tgid = pid_nr(pid);
	init->serial = pid_serial(pid);
	init->uid = params->uid;
	init->gid = params->gid;
	init->kernel = k;
	init->group_leader = init;
	CDS_INIT_LIST_HEAD(&init->children);
	CDS_INIT_LIST_HEAD(&init->sibling);
	CDS_INIT_LIST_HEAD(&init->thread_group);
	pthread_rwlock_wrlock(&k->tasklist_lock);
	init->pid_ns_for_children = k->ns;
	attach_pid(init, PIDTYPE_PID, pid);
	attach_pid(init, PIDTYPE_PGID, pid);
	attach_pid(init, PIDTYPE_SID, pid);
	pid_ns_set_child_reaper(k->ns, init);
	cds_list_add_tail(&init->tasks, &k->tasks);
	k->init = init;
	k->nr_tasks = 1;
	uid_charge(k, init->uid, 1);
	pthread_rwlock_unlock(&k->tasklist_lock);
	*kp = k;
	return 0;

out_task:
	kmem_cache_free(k->task_cachep, init);
out_pid:
	free_pid(pid);
out_cache:
	rcu_barrier();
	kmem_cache_destroy(k->task_cachep);
out_ns:
	pid_ns_destroy(k->ns);
out_lowmem:
	lowmem_destroy(k->lowmem);
out_free:
	free(k->uids);
	pthread_rwlock_destroy(&k->tasklist_lock);
	pthread_mutex_destroy(&k->op_lock);
	free(k);
	return err;
}

void pidfs_kernel_release_all(struct pidfs_kernel *k)
{
	struct evbatch b = { 0 };
	struct task_struct *t, *tmp;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	/*
	 * Parents go before their children here, and each release lets a
	 * grace period free the task: hold one off until every link to a
	 * released parent is gone.
	 */
	rcu_read_lock();
	cds_list_for_each_entry_safe(t, tmp, &k->tasks, tasks) {
		if (!t->exit_state) {
			t->exit_state = EXIT_ZOMBIE;
			k->nr_zombies++;
		}
	}
	cds_list_for_each_entry_safe(t, tmp, &k->tasks, tasks)
		if (!thread_group_leader(t))
			release_task(k, &b, t);
	cds_list_for_each_entry_safe(t, tmp, &k->tasks, tasks)
		release_task(k, &b, t);
	rcu_read_unlock();
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);

	/* delayed_put_task_struct() and delayed_put_pid() run here. */
	rcu_barrier();
}

struct kmem_cache *pidfs_kernel_task_cache(const struct pidfs_kernel *k)
{
	return k->task_cachep;
}

struct leftover_walk {
	struct task_leftover *v;
	size_t n, cap;
	bool oom;
};

static void leftover_add(void *obj, void *arg)
{
	struct leftover_walk *w = arg;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct task_leftover *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->oom = true;
			return;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n].task = obj;
	w->v[w->n].refs = ((struct task_struct *)obj)->usage;
	w->n++;
}

static int leftover_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct task_leftover *)a)->task;
	uintptr_t y = (uintptr_t)((const struct task_leftover *)b)->task;

	return (x > y) - (x < y);
}

ssize_t pidfs_kernel_leftover_tasks(struct pidfs_kernel *k,
				    struct task_leftover **vp)
{
	struct leftover_walk w = { 0 };

	kmem_cache_for_each(k->task_cachep, leftover_add, &w);
	if (w.oom) {
		free(w.v);
		return -ENOMEM;
	}
	/*
	 * A thread holds its group leader (put_task_struct()): that
	 * reference is the layer's own, not one of the callers'.  Sorted by
	 * address, each thread finds its leader by bisection.
	 */
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), leftover_cmp);
	for (size_t i = 0; i < w.n; i++) {
		struct task_leftover key = { w.v[i].task->group_leader, 0 };
		struct task_leftover *l;

		if (key.task == w.v[i].task)
			continue;
		l = bsearch(&key, w.v, w.n, sizeof(*w.v), leftover_cmp);
		if (l)
			l->refs--;
	}
	*vp = w.v;
	return (ssize_t)w.n;
}

void pidfs_kernel_destroy(struct pidfs_kernel *k)
{
	if (!k)
		return;
	/* Shut down: every task is released, init included. */
	pidfs_kernel_release_all(k);
	kmem_cache_destroy(k->task_cachep);
	pid_ns_destroy(k->ns);
	lowmem_destroy(k->lowmem);
	free(k->uids);
	pthread_rwlock_destroy(&k->tasklist_lock);
	pthread_mutex_destroy(&k->op_lock);
	free(k);
}

struct pid_namespace *pidfs_kernel_ns(const struct pidfs_kernel *k)
{
	return k->ns;
}

struct lowmem *pidfs_kernel_lowmem(const struct pidfs_kernel *k)
{
	return k->lowmem;
}

void pidfs_kernel_read_stats(struct pidfs_kernel *k,
			     struct pidfs_kernel_stats *st)
{
	memset(st, 0, sizeof(*st));
	pthread_rwlock_rdlock(&k->tasklist_lock);
	st->nr_tasks = k->nr_tasks;
	st->nr_zombies = k->nr_zombies;
	st->forks = k->forks;
	st->fork_failures = k->fork_failures;
	st->released = k->released;
	st->nproc = k->nproc;
	pthread_rwlock_unlock(&k->tasklist_lock);
	st->task_size = k->task_size;
	st->arch = k->arch;
	st->ref_size = k->ref_size;
}

int pidfs_ref_charge(struct pidfs_kernel *k)
{
	if (!k->ref_size)
		return 0;
	return lowmem_charge(k->lowmem, LOWMEM_REF, k->ref_size) ? 0 : -ENOMEM;
}

void pidfs_ref_uncharge(struct pidfs_kernel *k, uint64_t n)
{
	if (!k->ref_size)
		return;
	while (n--)
		lowmem_uncharge(k->lowmem, LOWMEM_REF, k->ref_size);
}

uint64_t pidfs_kernel_uptime_ns(const struct pidfs_kernel *k)
{
	return now_ns(CLOCK_MONOTONIC) - k->boot_mono_ns;
}

uint64_t pidfs_kernel_boot_time(const struct pidfs_kernel *k)
{
	return k->boot_real;
}

void pidfs_kernel_set_nproc(struct pidfs_kernel *k, unsigned int nproc)
{
	pthread_rwlock_wrlock(&k->tasklist_lock);
	k->nproc = nproc;
	pthread_rwlock_unlock(&k->tasklist_lock);
}

void pidfs_kernel_begin(struct pidfs_kernel *k, struct pidfs_op *op)
{
	pthread_mutex_lock(&k->op_lock);
	op->why = PIDFS_WHY_NONE;
	__atomic_store_n(&k->op_owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(&k->op, op, __ATOMIC_RELEASE);
}

void pidfs_kernel_end(struct pidfs_kernel *k)
{
	__atomic_store_n(&k->op, NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&k->op_lock);
}

void pidfs_kernel_set_event_hook(struct pidfs_kernel *k, pidfs_event_fn fn,
				 void *arg)
{
	k->hook = fn;
	k->hook_arg = arg;
}
