// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Process groups, sessions, credentials and exec: kernel/sys.c's
 * sys_setpgid() and sys_setsid() of 2.6.17 (the caller-relationship
 * checks are absent: the model has no caller), a setuid for the per-uid
 * limit, and fs/exec.c's de_thread() as the model keeps it (doc/design.md
 * says where it departs).  Locking: task-internal.h.
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

static void change_pid(struct task_struct *leader, enum pid_type type,
		       pid_t nr)
{
	/* Nothing to do keeps the detach from freeing the pid we want. */
	if (pid_nr(leader->pids[type].pid) == nr)
		return;
	/* The group or session's pid, hashed while a task holds it. */
	struct pid *pid = find_pid_ns(nr, leader->kernel->ns);

	detach_pid(leader, type);
	attach_pid(leader, type, pid);
}

/*
 * sys_setpgid() of 2.6.17, for the task @pid as if its parent called it.
 * The checks against the caller are left out: the model has no caller.
 */
int pidfs_setpgid(struct pidfs_kernel *k, pid_t pid, pid_t pgid)
{
	struct evbatch b = { 0 };
	struct task_struct *leader, *g;
	int err = -ESRCH;

	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	pthread_rwlock_wrlock(&k->tasklist_lock);
	leader = task_by_nr(k, pid, true);
	if (!leader)
		goto out;
	err = -EINVAL;
	if (!thread_group_leader(leader))
		goto out;
	err = -EPERM;
	if (leader->session_leader) {
		set_why(k, PIDFS_WHY_SESSION_LEADER);
		goto out;
	}
	if (pgid != leader->pid) {
		g = pid_task(find_pid_ns(pgid, k->ns), PIDTYPE_PGID);
		if (!g || process_session(g) != process_session(leader)) {
			set_why(k, PIDFS_WHY_NO_GROUP);
			goto out;
		}
	}
	err = 0;
	if (process_group(leader) != pgid) {
		change_pid(leader, PIDTYPE_PGID, pgid);
		ev_add_group(k, &b, PIDFS_EV_CHANGE, leader);
	}
out:
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}

/*
 * sys_setsid() of 2.6.17 ("Make setsid more robust"), for @pid's group
 * leader: a session leader may not start another session, and a group
 * numbered like the new session must not exist, except for session 1,
 * which init may take although kernel threads share its group.
 */
int pidfs_setsid(struct pidfs_kernel *k, pid_t pid, pid_t *sid)
{
	struct evbatch b = { 0 };
	struct task_struct *t, *leader;
	pid_t session;
	int err = -ESRCH;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	t = task_by_nr(k, pid, true);
	if (!t)
		goto out;
	leader = t->group_leader;
	err = -EPERM;
	if (leader->session_leader) {
		set_why(k, PIDFS_WHY_SESSION_LEADER);
		goto out;
	}
	session = leader->pid;
	if (session > 1 &&
	    pid_task(find_pid_ns(session, k->ns), PIDTYPE_PGID)) {
		set_why(k, PIDFS_WHY_GROUP_LEADER);
		goto out;
	}
	err = 0;
	leader->session_leader = true;
	change_pid(leader, PIDTYPE_SID, session);
	change_pid(leader, PIDTYPE_PGID, session);
	*sid = session;
	ev_add_group(k, &b, PIDFS_EV_CHANGE, leader);
out:
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}

int pidfs_exec(struct pidfs_kernel *k, pid_t pid, const char *comm,
	       const char *args, size_t args_len)
{
	struct evbatch b = { 0 };
	struct task_struct *t, *leader, *c, *tmp;
	struct task_image *img, *old;
	int err = -ESRCH;

	if (args_len > PIDFS_ARGS_MAX)
		return -E2BIG;
	img = image_alloc(comm, args, args_len);
	if (!img)
		return -ENOMEM;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	t = task_by_nr(k, pid, true);
	if (!t)
		goto out;
	leader = t->group_leader;
	/*
	 * de_thread(): the new image runs alone.  Departure: when a thread
	 * other than the leader execs, 2.6.17 gives it the leader's pid
	 * and releases the old leader's task_struct; pidfs keeps the
	 * leader's task_struct and releases the thread's.  Pid numbers come
	 * out the same; under pin=task, an fd on /P/status opened before
	 * the exec reads on here where the kernel's fails ESRCH, and one on
	 * /P/task/T/status fails where the kernel's reads on.  Doing it the
	 * kernel's way needs an event the file system does not have yet: a
	 * struct pid that stays and changes task, whose names must not be
	 * deleted in the pid model while the task model must delete them
	 * (doc/design.md, "Threads in the model").
	 */
	cds_list_for_each_entry_safe(c, tmp, &leader->thread_group,
				     thread_group)
		release_task(k, &b, c);
	old = leader->image;
	rcu_publish(leader->image, img);
	img = NULL;
	if (old)
		call_rcu(&old->rcu, image_free_rcu);
	ev_add(k, &b, PIDFS_EV_CHANGE, leader);
	err = 0;
out:
	pthread_rwlock_unlock(&k->tasklist_lock);
	free(img);
	ev_flush(k, &b);
	return err;
}

int pidfs_setuid(struct pidfs_kernel *k, pid_t pid, uid_t uid, gid_t gid)
{
	struct evbatch b = { 0 };
	struct task_struct *t, *leader, *c;
	int err = -ESRCH;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	t = task_by_nr(k, pid, true);
	if (!t)
		goto out;
	err = uid_reserve(k, uid);
	if (err)
		goto out;
	leader = t->group_leader;
	uid_charge(k, leader->uid, -1);
	uid_charge(k, uid, 1);
	leader->uid = uid;
	leader->gid = gid;
	cds_list_for_each_entry(c, &leader->thread_group, thread_group) {
		uid_charge(k, c->uid, -1);
		uid_charge(k, uid, 1);
		c->uid = uid;
		c->gid = gid;
	}
	ev_add_group(k, &b, PIDFS_EV_CHANGE, leader);
out:
	pthread_rwlock_unlock(&k->tasklist_lock);
	ev_flush(k, &b);
	return err;
}
