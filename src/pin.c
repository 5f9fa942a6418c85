// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The three pin models behind one interface (see pin.h).
 *
 * pid: proc_pid_make_inode() as of 2.6.18, which the patch made possible:
 * the inode holds get_pid() of the task's struct pid and every use calls
 * get_pid_task().  task: the same inode until 2.6.18, holding
 * get_task_struct() of the task.  nr: a pid_t kept in the inode, as a
 * stored pid_t elsewhere in the kernel did (the commit message names the
 * wrap-around it suffers).
 *
 * Lookups run under rcu_read_lock(): find_pid() and pid_task() need it,
 * and a task found that way cannot be freed before the reference is taken
 * (its task list reference is dropped only after a grace period).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"

#include "pin.h"

/* The task numbered @nr in @ns, with a reference, or NULL. */
static struct task_struct *get_task_ns(struct pid_namespace *ns, pid_t nr)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_pid_ns(nr, ns), PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	return t;
}

/* ---- pid: the patch ---------------------------------------------------- */

static pidfs_pin_t pid_lookup(struct pidfs_kernel *k, struct pid_namespace *ns,
			      pid_t nr)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	if (pid && pid_task(pid, PIDTYPE_PID))
		get_pid(pid);
	else
		pid = NULL;
	rcu_read_unlock();
	return (pidfs_pin_t)pid;
}

static void pid_get(pidfs_pin_t pin)
{
	get_pid((struct pid *)pin);
}

static void pid_put(pidfs_pin_t pin, uint64_t n)
{
	while (n--)
		put_pid((struct pid *)pin);
}

static struct task_struct *pid_pin_task(struct pidfs_kernel *k,
					struct pid_namespace *ns,
					pidfs_pin_t pin)
{
	return get_pid_task((struct pid *)pin, PIDTYPE_PID);
}

static uint64_t pid_pin_serial(pidfs_pin_t pin)
{
	return pid_serial((struct pid *)pin);
}

/* pid and task pins both number their inodes by the pid's serial. */
static uint64_t serial_of_pid(const struct pid *pid,
			      const struct pid_namespace *ns)
{
	return pid_serial(pid);
}

static pidfs_pin_t pid_of_event(const struct pidfs_event_rec *ev, int leader,
				const struct pid_namespace *ns)
{
	return (pidfs_pin_t)(leader ? ev->tgid_pid : ev->pid);
}

/* ---- task: before the patch -------------------------------------------- */

static pidfs_pin_t task_lookup(struct pidfs_kernel *k,
			       struct pid_namespace *ns, pid_t nr)
{
	return (pidfs_pin_t)get_task_ns(ns, nr);
}

static void task_get(pidfs_pin_t pin)
{
	get_task_struct((struct task_struct *)pin);
}

static void task_put(pidfs_pin_t pin, uint64_t n)
{
	while (n--)
		put_task_struct((struct task_struct *)pin);
}

/*
 * A released task is dead: its struct stays, its data does not, as the
 * old proc_pid_*() checked pid_alive().  Reads of it get ESRCH.
 */
static struct task_struct *task_pin_task(struct pidfs_kernel *k,
					 struct pid_namespace *ns,
					 pidfs_pin_t pin)
{
	struct task_struct *t = (struct task_struct *)pin;

	if (__atomic_load_n(&t->released, __ATOMIC_RELAXED))
		return NULL;
	return get_task_struct(t);
}

static uint64_t task_pin_serial(pidfs_pin_t pin)
{
	return ((struct task_struct *)pin)->serial;
}

static pidfs_pin_t task_of_event(const struct pidfs_event_rec *ev, int leader,
				 const struct pid_namespace *ns)
{
	return (pidfs_pin_t)(leader ? ev->task->group_leader : ev->task);
}

/* ---- nr: a bare number ------------------------------------------------- */

/*
 * The pin is the number; what the inode keeps to resolve it is nothing
 * more.  The kernel, though, must see a new inode for each task that
 * comes to have the number (a dead task's inode is deleted, and a deleted
 * directory cannot come back to life), so the pin word also carries the
 * low bits of the serial of the pid it was looked up through.  Resolution
 * ignores them: that is the model.
 */
#define NR_SERIAL_BITS	(PIDFS_PIN_BITS - PID_NR_BITS)

static pidfs_pin_t nr_pin(pid_t nr, const struct pid *pid)
{
	uint64_t serial = pid ? pid_serial(pid) : 0;

	return (pidfs_pin_t)((serial & ((UINT64_C(1) << NR_SERIAL_BITS) - 1))
				     << PID_NR_BITS |
			     (uint64_t)nr);
}

static pid_t nr_of(pidfs_pin_t pin)
{
	return (pid_t)(pin & PID_NR_MASK);
}

static pidfs_pin_t nr_lookup(struct pidfs_kernel *k, struct pid_namespace *ns,
			     pid_t nr)
{
	pidfs_pin_t pin = 0;
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	if (pid && pid_task(pid, PIDTYPE_PID))
		pin = nr_pin(nr, pid);
	rcu_read_unlock();
	return pin;
}

static void nr_get(pidfs_pin_t pin)
{
}

static void nr_put(pidfs_pin_t pin, uint64_t n)
{
}

/*
 * Whatever has the number in @ns now: after reuse, another task.  The
 * bug, in every namespace.
 */
static struct task_struct *nr_pin_task(struct pidfs_kernel *k,
				       struct pid_namespace *ns,
				       pidfs_pin_t pin)
{
	return get_task_ns(ns, nr_of(pin));
}

/* Inode numbers of the nr model are the number: reused with it. */
static uint64_t nr_pin_serial(pidfs_pin_t pin)
{
	return (uint64_t)nr_of(pin);
}

static uint64_t nr_serial_of_pid(const struct pid *pid,
				 const struct pid_namespace *ns)
{
	return (uint64_t)pid_nr_ns(pid, ns);
}

static pidfs_pin_t nr_of_event(const struct pidfs_event_rec *ev, int leader,
			       const struct pid_namespace *ns)
{
	const struct pid *pid = leader ? ev->tgid_pid : ev->pid;
	pid_t nr = pid_nr_ns(pid, ns);

	return nr ? nr_pin(nr, pid) : 0;
}

/* ---- the books at shutdown ---------------------------------------------- */

static bool pid_balanced(const struct pidfs_pin_audit *a, uint64_t refs)
{
	return a->pid_refs == refs && !a->tasks;
}

static bool task_balanced(const struct pidfs_pin_audit *a, uint64_t refs)
{
	return a->task_refs == refs && !a->pids;
}

static bool nr_balanced(const struct pidfs_pin_audit *a, uint64_t refs)
{
	return !a->pids && !a->tasks;
}

struct pid_walk {
	struct pid **v;
	size_t n, cap;
	bool oom;
};

static void pid_walk_add(void *obj, void *arg)
{
	struct pid_walk *w = arg;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct pid **v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->oom = true;
			return;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = obj;
}

int pidfs_pin_release_leftovers(const struct pidfs_pin_ops *ops,
				struct pidfs_kernel *k, uint64_t refs,
				struct pidfs_pin_audit *a)
{
	struct pid_walk pids = { 0 };
	struct task_leftover *tasks = NULL;
	ssize_t nr_tasks;

	memset(a, 0, sizeof(*a));
	/*
	 * Every task is released, so no task links a struct pid: what
	 * holds one now holds it from outside the model.
	 */
	for (unsigned int level = 0; level <= MAX_PID_NS_LEVEL; level++) {
		struct kmem_cache *cachep =
			pid_ns_pid_cache_level(pidfs_kernel_ns(k), level);

		/* Each level's cache: a namespace's pids pin it, too. */
		if (cachep)
			kmem_cache_for_each(cachep, pid_walk_add, &pids);
	}
	nr_tasks = pidfs_kernel_leftover_tasks(k, &tasks);
	if (pids.oom || nr_tasks < 0) {
		free(pids.v);
		free(tasks);
		return -ENOMEM;
	}
	a->pids = pids.n;
	a->tasks = (size_t)nr_tasks;
	for (size_t i = 0; i < pids.n; i++)
		a->pid_refs += (uint64_t)pids.v[i]->count;
	for (ssize_t i = 0; i < nr_tasks; i++)
		a->task_refs += (uint64_t)tasks[i].refs;

	/* Counted first, then dropped: a put may free what a later one names. */
	for (size_t i = 0; i < pids.n; i++)
		for (int n = pids.v[i]->count; n > 0; n--)
			put_pid(pids.v[i]);
	for (ssize_t i = 0; i < nr_tasks; i++)
		for (int n = tasks[i].refs; n > 0; n--)
			put_task_struct(tasks[i].task);
	free(pids.v);
	free(tasks);
	return ops->balanced(a, refs) ? 0 : -EBADE;
}

static const struct pidfs_pin_ops pin_models[] = {
	[PIDFS_PIN_PID] = {
		.name = "pid",
		.lookup = pid_lookup,
		.get = pid_get,
		.put = pid_put,
		.task = pid_pin_task,
		.serial = pid_pin_serial,
		.serial_of_pid = serial_of_pid,
		.of_event = pid_of_event,
		.balanced = pid_balanced,
	},
	[PIDFS_PIN_TASK] = {
		.name = "task",
		.lookup = task_lookup,
		.get = task_get,
		.put = task_put,
		.task = task_pin_task,
		.serial = task_pin_serial,
		.serial_of_pid = serial_of_pid,
		.of_event = task_of_event,
		.balanced = task_balanced,
	},
	[PIDFS_PIN_NR] = {
		.name = "nr",
		.lookup = nr_lookup,
		.get = nr_get,
		.put = nr_put,
		.task = nr_pin_task,
		.serial = nr_pin_serial,
		.serial_of_pid = nr_serial_of_pid,
		.of_event = nr_of_event,
		.balanced = nr_balanced,
	},
};

const struct pidfs_pin_ops *pidfs_pin_ops(enum pidfs_pin_model model)
{
	return &pin_models[model];
}

int pidfs_pin_parse(const char *name)
{
	size_t n = sizeof(pin_models) / sizeof(pin_models[0]);

	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(name, pin_models[i].name))
			return (int)i;
	return -1;
}
