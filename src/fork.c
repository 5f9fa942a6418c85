// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fork, threads, spawn and unshare: kernel/fork.c's copy_process() and
 * do_fork() failure handling as the patch left it (a failed fork frees
 * its struct pid: -EAGAIN when there was none, -ENOMEM when the
 * task_struct could not be had), and unshare(CLONE_NEWPID)'s
 * pid_ns_for_children.  Locking: task-internal.h.
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

/*
 * copy_process() and do_fork() in one.  @thread: join @src's thread
 * group; else become a child of @src.  Allocation happens before the
 * lock, as in the kernel; the parent is looked up again under it.
 */
static int do_fork(struct pidfs_kernel *k, pid_t src_nr, bool thread,
		   const char *comm, pid_t *nrp, struct evbatch *b)
{
	struct task_struct *src, *p, *leader;
	struct pid_namespace *ns = NULL;
	struct task_image *img;
	struct pid *pid;
	int err, nr;

	/* A missing parent is no reason to consume a pid. */
	pthread_rwlock_rdlock(&k->tasklist_lock);
	src = task_by_nr(k, src_nr, true);
	if (src) {
		ns = get_pid_ns(src->pid_ns_for_children);
		/* copy_process(): a thread stays in its group's namespace. */
		if (thread && ns != task_active_pid_ns(src))
			src = NULL;
	}
	pthread_rwlock_unlock(&k->tasklist_lock);
	if (!src) {
		put_pid_ns(ns);
		return ns ? -EINVAL : -ESRCH;
	}

	pid = alloc_pid(ns);
	if (!pid) {
		/*
		 * 2.6.17's do_fork(): no struct pid is -EAGAIN, whether the
		 * numbers or the memory ran out; a namespace whose init
		 * died refuses with -ENOMEM (Linux 3.8's PIDNS_ADDING).
		 */
		err = -EAGAIN;
		if (!pid_ns_allocating(ns)) {
			err = -ENOMEM;
			set_why(k, PIDFS_WHY_NS_DEAD);
		} else {
			set_why(k, errno == ENOMEM ? PIDFS_WHY_LOWMEM :
						     PIDFS_WHY_NO_PID);
		}
		put_pid_ns(ns);
		return err;
	}
	nr = pid_nr(pid);

	err = -ENOMEM;
	p = kmem_cache_alloc(k->task_cachep);
	if (!p) {
		set_why(k, PIDFS_WHY_LOWMEM);
		goto bad_fork_free_pid;
	}

	pthread_rwlock_wrlock(&k->tasklist_lock);
	err = -ESRCH;
	src = task_by_nr(k, src_nr, true);
	if (!src)
		goto bad_fork_unlock;
	leader = src->group_leader;
	err = -EAGAIN;
	if (k->nproc && uid_tasks(k, src->uid) >= k->nproc) {
		set_why(k, PIDFS_WHY_NPROC);
		goto bad_fork_unlock;
	}
	err = -ENOMEM;
	/*
	 * A child named at fork is what fork+exec of that name would make,
	 * so its command line is the name; else it shares its parent's.
	 */
	if (comm && !thread) {
		char arg0[TASK_COMM_LEN];

		snprintf(arg0, sizeof(arg0), "%s", comm);
		img = image_alloc(arg0, arg0, strlen(arg0) + 1);
	} else {
		img = image_alloc(comm ? comm : leader->image->comm,
				  leader->image->args, leader->image->args_len);
	}
	if (!img)
		goto bad_fork_unlock;

	p->usage = 1;
	p->state = TASK_INTERRUPTIBLE;
	p->pid = nr;
	p->uid = src->uid;
	p->gid = src->gid;
	p->start_time = now_ns(CLOCK_MONOTONIC) - k->boot_mono_ns;
	p->serial = pid_serial(pid);
	p->kernel = k;
	p->image = img;
	/* The child's children go where it went: into its own namespace. */
	p->pid_ns_for_children = ns;
	ns = NULL;
	CDS_INIT_LIST_HEAD(&p->children);
	CDS_INIT_LIST_HEAD(&p->sibling);
	CDS_INIT_LIST_HEAD(&p->thread_group);
	if (thread) {
		p->tgid = leader->tgid;
		p->group_leader = get_task_struct(leader);
		p->real_parent = leader->real_parent;
		cds_list_add_tail(&p->thread_group, &leader->thread_group);
	} else {
		p->tgid = nr;
		p->group_leader = p;
		p->real_parent = leader;
		cds_list_add_tail(&p->sibling, &leader->children);
		attach_pid(p, PIDTYPE_PGID, leader->pids[PIDTYPE_PGID].pid);
		attach_pid(p, PIDTYPE_SID, leader->pids[PIDTYPE_SID].pid);
	}
	attach_pid(p, PIDTYPE_PID, pid);
	/* is_child_reaper(): number 1 in its namespace below the initial. */
	if (pid->level && pid_vnr(pid) == 1)
		pid_ns_set_child_reaper(ns_of_pid(pid), p);
	cds_list_add_tail(&p->tasks, &k->tasks);
	uid_charge(k, p->uid, 1);
	k->nr_tasks++;
	k->forks++;
	ev_add(k, b, PIDFS_EV_FORK, p);
	if (thread)
		ev_add_group(k, b, PIDFS_EV_CHANGE, leader);
	pthread_rwlock_unlock(&k->tasklist_lock);
	*nrp = nr;
	return 0;

bad_fork_unlock:
	pthread_rwlock_unlock(&k->tasklist_lock);
	kmem_cache_free(k->task_cachep, p);
bad_fork_free_pid:
	free_pid(pid);
	put_pid_ns(ns);
	return err;
}

void count_failure(struct pidfs_kernel *k)
{
	pthread_rwlock_wrlock(&k->tasklist_lock);
	k->fork_failures++;
	pthread_rwlock_unlock(&k->tasklist_lock);
}

/*
 * In a run (pidfs_kernel_begin()), a failed fork puts the allocator back:
 * what fork_undo_save() noted of the namespace @src forks into, every
 * level's last_pid, fork_undo_finish() restores after a failure that
 * took something, and waits for the grace period that frees what was
 * given back, so that a reader after the failure finds the zone as it
 * was.  Runs are serialised, so nothing else has forked in between.
 */
struct fork_undo {
	struct pid_namespace *ns;		/* NULL: nothing to undo */
	int last_pid[MAX_PID_NS_LEVEL + 1];
};

static void fork_undo_save(struct pidfs_kernel *k, pid_t src,
			   struct fork_undo *u)
{
	struct pid_namespace *ns;
	int n = 0;

	u->ns = current_op(k) ? pidfs_get_pid_ns_for_children(k, src) : NULL;
	for (ns = u->ns; ns; ns = pid_ns_parent(ns))
		u->last_pid[n++] = pid_ns_last_pid(ns);
}

static void fork_undo_finish(struct fork_undo *u, int err)
{
	struct pid_namespace *ns;
	int n = 0;

	/* A missing parent or an unshared thread took nothing. */
	if (u->ns && err && err != -ESRCH && err != -EINVAL) {
		for (ns = u->ns; ns; ns = pid_ns_parent(ns))
			pid_ns_set_last_pid(ns, u->last_pid[n++]);
		rcu_barrier();
	}
	put_pid_ns(u->ns);
}

static int fork_common(struct pidfs_kernel *k, pid_t src, bool thread,
		       const char *comm, pid_t *nrp)
{
	struct evbatch b = { 0 };
	struct fork_undo u;
	int err;

	if (!src)
		src = 1;
	fork_undo_save(k, src, &u);
	err = do_fork(k, src, thread, comm, nrp, &b);
	if (err && err != -ESRCH)
		count_failure(k);
	ev_flush(k, &b);
	fork_undo_finish(&u, err);
	return err;
}

int pidfs_fork(struct pidfs_kernel *k, pid_t ppid, const char *comm,
	       pid_t *child)
{
	return fork_common(k, ppid, false, comm, child);
}

int pidfs_thread(struct pidfs_kernel *k, pid_t tgid, const char *comm,
		 pid_t *tid)
{
	if (tgid <= 0)
		return -ESRCH;
	return fork_common(k, tgid, true, comm, tid);
}

int pidfs_unshare_pid(struct pidfs_kernel *k, pid_t pid, unsigned int *inum)
{
	struct evbatch b = { 0 };
	struct pid_namespace *ns;
	struct task_struct *t;
	int err = -ESRCH;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	t = task_by_nr(k, pid, true);
	if (!t)
		goto out;
	/* copy_pid_ns(): unshare once, then fork, before unsharing again. */
	err = -EINVAL;
	if (t->pid_ns_for_children != task_active_pid_ns(t))
		goto out;
	ns = create_pid_namespace(t->pid_ns_for_children);
	if (!ns) {
		err = -errno;
		goto out;
	}
	put_pid_ns(t->pid_ns_for_children);
	t->pid_ns_for_children = ns;
	*inum = pid_ns_inum(ns);
	/* its ns/pid_for_children link changed */
	ev_add(k, &b, PIDFS_EV_CHANGE, t);
	err = 0;
out:
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}

int pidfs_spawn(struct pidfs_kernel *k, unsigned int n, pid_t ppid,
		pid_t *pids)
{
	struct fork_undo u;
	unsigned int i;
	int err = 0;

	fork_undo_save(k, ppid ? ppid : 1, &u);
	for (i = 0; i < n; i++) {
		err = pidfs_fork(k, ppid, NULL, &pids[i]);
		if (err)
			break;
	}
	/* All or nothing: undo what was made, youngest first. */
	if (err)
		while (i--)
			pidfs_kill(k, pids[i], 0);
	fork_undo_finish(&u, err);
	return err;
}
