// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exit, reparenting, zap and release: kernel/exit.c's do_exit() and
 * exit_notify() (orphans to their namespace's child reaper),
 * zap_pid_ns_processes() when a namespace's init exits, release_task()
 * with __unhash_process()'s order of detaches, and wait()'s reap.
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

/* The exit code of a task zap_pid_ns_processes() kills: SIGKILL. */
#define EXIT_CODE_SIGKILL	9

/*
 * The kernel's release_task(): detach every pid link, unlink, and drop
 * the task list's reference after a grace period.  The unlinking is
 * 2.6.17's __unhash_process(), in its order: PID first, then a leader's
 * PGID and SID, then the thread group and the parent's children list, so
 * that RCU readers see the same intermediate states as the kernel's (a
 * task no longer found by its number while its group still finds it).
 * Call with tasklist_lock write-held, on a zombie or an exited thread.
 */
void release_task(struct pidfs_kernel *k, struct evbatch *b,
		  struct task_struct *p)
{
	struct task_image *img;

	ev_add(k, b, PIDFS_EV_RELEASE, p);
	exit_task_namespaces(p);
	detach_pid(p, PIDTYPE_PID);
	if (thread_group_leader(p)) {
		detach_pid(p, PIDTYPE_PGID);
		detach_pid(p, PIDTYPE_SID);
	}
	cds_list_del(&p->tasks);
	cds_list_del(&p->thread_group);
	/* remove_parent(): a thread's sibling entry is empty. */
	cds_list_del_init(&p->sibling);

	if (p->exit_state == EXIT_ZOMBIE)
		k->nr_zombies--;
	p->exit_state = EXIT_DEAD;
	__atomic_store_n(&p->released, true, __ATOMIC_RELAXED);
	k->nr_tasks--;
	k->released++;
	uid_charge(k, p->uid, -1);

	/* The mm goes at exit: a pinned task keeps only its task_struct. */
	img = p->image;
	rcu_publish(p->image, NULL);
	if (img)
		call_rcu(&img->rcu, image_free_rcu);
	call_rcu(&p->rcu, delayed_put_task_struct);
}

/*
 * zap_pid_ns_processes(): the init of @ns, @reaper, is exiting.  Kill
 * every task with a number in @ns (those of the namespaces below have one
 * too; killing their inits zaps those first, recursively), then reap
 * every zombie child of @reaper, the orphans of the namespace having come
 * to it, as its wait4(-1) loop does.  No fork gets in meanwhile: the
 * namespace is closed first.  Call with tasklist_lock write-held.
 */
static void zap_pid_ns_processes(struct pidfs_kernel *k, struct evbatch *b,
				 struct pid_namespace *ns,
				 struct task_struct *reaper)
{
	struct task_struct *c, *tmp;
	int nr;

	disable_pid_allocation(ns);
	for (nr = pid_ns_next_pidmap(ns, 1); nr > 0;
	     nr = pid_ns_next_pidmap(ns, nr)) {
		struct task_struct *t = find_task_by_pid_type_ns(PIDTYPE_PID,
								 nr, ns);

		if (!t)
			continue;
		t = t->group_leader;
		if (t != reaper && !t->exit_state)
			do_exit(k, b, t, EXIT_CODE_SIGKILL);
	}
	cds_list_for_each_entry_safe(c, tmp, &reaper->children, sibling)
		if (c->exit_state == EXIT_ZOMBIE)
			release_task(k, b, c);
	pid_ns_set_child_reaper(ns, NULL);
}

/*
 * Where @father's children go: its namespace's child_reaper, as
 * forget_original_parent() finds it (init for the initial namespace).
 * Call with tasklist_lock held.
 */
static struct task_struct *find_new_reaper(struct pidfs_kernel *k,
					   struct task_struct *father)
{
	struct pid_namespace *ns = task_active_pid_ns(father);
	struct task_struct *reaper = pid_ns_child_reaper(ns);

	return reaper && reaper != father ? reaper : k->init;
}

/*
 * exit_notify() for one task: threads other than the leader are released
 * at once (the kernel reaps them itself); a leader becomes a zombie after
 * its other threads are gone, and its children go to its namespace's
 * init.  The exit of a namespace's init zaps the namespace first, as
 * exit_child_reaper() does.  Call with tasklist_lock write-held, on a
 * live task.
 */
void do_exit(struct pidfs_kernel *k, struct evbatch *b,
	     struct task_struct *t, int code)
{
	struct task_struct *leader = t->group_leader, *c, *tmp, *reaper;
	struct pid_namespace *ns = task_active_pid_ns(t);

	t->exit_code = code;
	if (!thread_group_leader(t)) {
		release_task(k, b, t);
		ev_add_group(k, b, PIDFS_EV_CHANGE, leader);
		return;
	}
	cds_list_for_each_entry_safe(c, tmp, &t->thread_group, thread_group) {
		c->exit_code = code;
		release_task(k, b, c);
	}
	exit_task_namespaces(t);
	if (pid_ns_level(ns) && pid_ns_child_reaper(ns) == t)
		zap_pid_ns_processes(k, b, ns, t);
	reaper = find_new_reaper(k, t);
	cds_list_for_each_entry_safe(c, tmp, &t->children, sibling) {
		struct task_struct *th;

		c->real_parent = reaper;
		cds_list_for_each_entry(th, &c->thread_group, thread_group)
			th->real_parent = reaper;
		cds_list_del(&c->sibling);
		cds_list_add_tail(&c->sibling, &reaper->children);
		ev_add_group(k, b, PIDFS_EV_CHANGE, c);
	}
	t->state = TASK_RUNNING;
	t->exit_state = EXIT_ZOMBIE;
	k->nr_zombies++;
	ev_add(k, b, PIDFS_EV_CHANGE, t);
}

/* Shared frame of the operations on one task: look up, check, act. */
static int exit_checks(struct pidfs_kernel *k, pid_t nr,
		       struct task_struct **tp)
{
	struct task_struct *t = task_by_nr(k, nr, false);

	if (!t || t->exit_state)
		return -ESRCH;
	if (t == k->init)
		return -EPERM;
	*tp = t;
	return 0;
}

int pidfs_exit(struct pidfs_kernel *k, pid_t pid, int code)
{
	struct evbatch b = { 0 };
	struct task_struct *t;
	int err;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	err = exit_checks(k, pid, &t);
	if (!err)
		do_exit(k, &b, t, code);
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}

int pidfs_reap(struct pidfs_kernel *k, pid_t pid)
{
	struct evbatch b = { 0 };
	struct task_struct *t;
	int err = 0;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	t = task_by_nr(k, pid, false);
	if (!t)
		err = -ESRCH;
	else if (t->exit_state != EXIT_ZOMBIE)
		err = -ECHILD;
	else
		release_task(k, &b, t);
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}

int pidfs_kill(struct pidfs_kernel *k, pid_t pid, int code)
{
	struct evbatch b = { 0 };
	struct task_struct *t;
	int err;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	err = exit_checks(k, pid, &t);
	if (!err) {
		bool leader = thread_group_leader(t);

		do_exit(k, &b, t, code);
		if (leader)
			release_task(k, &b, t);
	}
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}
