// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Simulated processes: task_struct, fork, exit, release, process groups
 * and sessions, exec, over the pid layer.
 *
 * Models kernel/fork.c (copy_process(), do_fork()'s failure handling as
 * the patch left it), kernel/exit.c (exit_notify()'s reparenting to init,
 * release_task(), delayed_put_task_struct()), kernel/sys.c (setpgid,
 * setsid) and fs/exec.c's de_thread(), of 2.6.17, reduced to what the
 * pid hash sees.
 *
 * A task is charged task_size bytes from the low-memory zone.  It holds
 * one reference on itself for the task list; release_task() drops it
 * after a grace period, so lock-free readers that found the task through
 * a pid link can still take a reference.  A released task that somebody
 * still references is "pinned": the state the patch made rare.
 *
 * Locking: tasklist_lock is a rwlock: readers (task_info, thread lists)
 * are many and short, writers (every operation here) change several links
 * at once and must look atomic to readers.  It protects all task links,
 * the per-uid counts and the kernel's counters; it is taken before
 * pidmap_lock (free_pid() runs under it).  Lookups from number to task
 * use RCU only.  Model events are collected under the lock and delivered
 * after it is dropped, so the file system may do anything in its hook.
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

struct uid_count {
	uid_t uid;
	unsigned int tasks;
};

struct pidfs_kernel {
	struct lowmem *lowmem;			/* immutable */
	struct pid_namespace *ns;		/* immutable */
	struct kmem_cache *task_cachep;		/* immutable */
	const struct pidfs_arch *arch;		/* immutable */
	size_t task_size;			/* immutable */
	size_t ref_size;			/* immutable: 0 = not charged */
	uint64_t boot_mono_ns;			/* immutable */
	uint64_t boot_real;			/* immutable */
	pidfs_event_fn hook;			/* set before use */
	void *hook_arg;

	/*
	 * tasklist_lock: see the top of this file.  Everything below it is
	 * protected by it.
	 */
	pthread_rwlock_t tasklist_lock;
	struct task_struct *init;
	struct cds_list_head tasks;
	struct uid_count *uids;
	size_t nr_uids, uids_cap;
	unsigned int nproc;
	unsigned int nr_tasks, nr_zombies;
	uint64_t forks, fork_failures, released;
};

/* Events collected under tasklist_lock, delivered after it is dropped. */
struct evbatch {
	struct pidfs_event_rec *v;
	size_t n, cap;
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct pid *task_pid_type(struct task_struct *t, enum pid_type type)
{
	if (type != PIDTYPE_PID)
		t = t->group_leader;
	return t->pids[type].pid;
}

static pid_t process_group(struct task_struct *t)
{
	return pid_nr(t->group_leader->pids[PIDTYPE_PGID].pid);
}

static pid_t process_session(struct task_struct *t)
{
	return pid_nr(t->group_leader->pids[PIDTYPE_SID].pid);
}

pid_t task_pgrp_nr_ns(struct task_struct *t, struct pid_namespace *ns)
{
	return pid_nr_ns(t->group_leader->pids[PIDTYPE_PGID].pid, ns);
}

pid_t task_session_nr_ns(struct task_struct *t, struct pid_namespace *ns)
{
	return pid_nr_ns(t->group_leader->pids[PIDTYPE_SID].pid, ns);
}

pid_t task_ppid_nr_ns(struct task_struct *t, struct pid_namespace *ns)
{
	struct task_struct *parent = t->group_leader->real_parent;

	return parent ? task_tgid_nr_ns(parent, ns) : 0;
}

/* ---- the pid links ---------------------------------------------------- */

int attach_pid(struct task_struct *task, enum pid_type type, struct pid *pid)
{
	pid_link_attach(&task->pids[type], type, pid);
	return 0;
}

void detach_pid(struct task_struct *task, enum pid_type type)
{
	pid_link_detach(&task->pids[type]);
}

struct task_struct *find_task_by_pid_type_ns(int type, int nr,
					     struct pid_namespace *ns)
{
	return pid_task(find_pid_ns(nr, ns), type);
}

struct task_struct *find_task_by_pid_type(int type, int nr)
{
	return find_task_by_pid_type_ns(type, nr, init_pid_ns);
}

struct task_struct *get_pid_task(struct pid *pid, enum pid_type type)
{
	struct task_struct *result;

	rcu_read_lock();
	result = pid_task(pid, type);
	if (result)
		get_task_struct(result);
	rcu_read_unlock();
	return result;
}

/* exit_task_namespaces(): the reference on the children's namespace. */
static void exit_task_namespaces(struct task_struct *t)
{
	put_pid_ns(t->pid_ns_for_children);
	t->pid_ns_for_children = NULL;
}

/* ---- events ----------------------------------------------------------- */

/* Record an event about @t.  Call with tasklist_lock held, before any
 * detach: the records take references on the task and both pids. */
static void ev_add(struct pidfs_kernel *k, struct evbatch *b,
		   enum pidfs_event ev, struct task_struct *t)
{
	struct pidfs_event_rec *r;

	if (!k->hook)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		struct pidfs_event_rec *v = realloc(b->v, cap * sizeof(*v));

		/*
		 * Out of memory for the record: the file system misses this
		 * event and may serve stale cached data about @t until its
		 * timeout.  Nothing in the model itself is lost.
		 */
		if (!v)
			return;
		b->v = v;
		b->cap = cap;
	}
	r = &b->v[b->n++];
	r->ev = ev;
	r->task = get_task_struct(t);
	r->pid = get_pid(task_pid(t));
	r->tgid_pid = get_pid(task_pid(t->group_leader));
	r->nr = t->pid;
	r->tgid = t->tgid;
	r->leader = thread_group_leader(t);
	r->exit_state = t->exit_state;
	r->exit_code = t->exit_code;
}

/* Every member of @leader's group, leader first. */
static void ev_add_group(struct pidfs_kernel *k, struct evbatch *b,
			 enum pidfs_event ev, struct task_struct *leader)
{
	struct task_struct *t;

	ev_add(k, b, ev, leader);
	cds_list_for_each_entry(t, &leader->thread_group, thread_group)
		ev_add(k, b, ev, t);
}

/* Deliver and free a batch.  Call with no lock held. */
static void ev_flush(struct pidfs_kernel *k, struct evbatch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct pidfs_event_rec *r = &b->v[i];

		k->hook(k->hook_arg, r);
		put_pid(r->pid);
		put_pid(r->tgid_pid);
		put_task_struct(r->task);
	}
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

/* ---- per-uid counts (tasklist_lock) ------------------------------------ */

static struct uid_count *uid_find(struct pidfs_kernel *k, uid_t uid)
{
	for (size_t i = 0; i < k->nr_uids; i++)
		if (k->uids[i].uid == uid)
			return &k->uids[i];
	return NULL;
}

static unsigned int uid_tasks(struct pidfs_kernel *k, uid_t uid)
{
	struct uid_count *u = uid_find(k, uid);

	return u ? u->tasks : 0;
}

/* Make sure @uid has a slot, so a later charge cannot fail. */
static int uid_reserve(struct pidfs_kernel *k, uid_t uid)
{
	struct uid_count *v;

	if (uid_find(k, uid))
		return 0;
	if (k->nr_uids == k->uids_cap) {
		size_t cap = k->uids_cap ? 2 * k->uids_cap : 4;

		v = realloc(k->uids, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		k->uids = v;
		k->uids_cap = cap;
	}
	k->uids[k->nr_uids].uid = uid;
	k->uids[k->nr_uids].tasks = 0;
	k->nr_uids++;
	return 0;
}

static void uid_charge(struct pidfs_kernel *k, uid_t uid, int d)
{
	struct uid_count *u = uid_find(k, uid);

	if (u)
		u->tasks += (unsigned int)d;
}

/* ---- task_struct lifetime ---------------------------------------------- */

static struct task_image *image_alloc(const char *comm, const char *args,
				      size_t args_len)
{
	struct task_image *img = malloc(sizeof(*img) + args_len);

	if (!img)
		return NULL;
	memset(img, 0, sizeof(*img));
	strncpy(img->comm, comm, TASK_COMM_LEN - 1);
	img->args_len = args_len;
	if (args_len)
		memcpy(img->args, args, args_len);
	return img;
}

static void image_free_rcu(struct rcu_head *rhp)
{
	rcu_callback_enter(rhp);
	free(container_of(rhp, struct task_image, rcu));
	rcu_callback_exit();
}

static void free_task(struct task_struct *t)
{
	struct kmem_cache *cachep = kmem_cache_of(t);

	if (__atomic_load_n(&t->released, __ATOMIC_RELAXED))
		lowmem_unpin(kmem_cache_zone(cachep), LOWMEM_TASK);
	free(t->image);
	kmem_cache_free(cachep, t);
}

void put_task_struct(struct task_struct *t)
{
	struct task_struct *leader;

	if (__atomic_sub_fetch(&t->usage, 1, __ATOMIC_ACQ_REL))
		return;
	leader = t->group_leader;
	free_task(t);
	/* A thread holds its leader, as the kernel's signal struct did. */
	if (leader != t)
		put_task_struct(leader);
}

/*
 * The task list's reference goes a grace period after release_task(): from
 * then on only references hold the task, and it counts as pinned until
 * the last one is put.
 */
static void delayed_put_task_struct(struct rcu_head *rhp)
{
	struct task_struct *t = container_of(rhp, struct task_struct, rcu);

	rcu_callback_enter(rhp);
	lowmem_pin(kmem_cache_zone(kmem_cache_of(t)), LOWMEM_TASK);
	put_task_struct(t);
	rcu_callback_exit();
}

/*
 * The kernel's release_task(): detach every pid link, unlink, and drop
 * the task list's reference after a grace period.  The unlinking is
 * 2.6.17's __unhash_process(), in its order: PID first, then a leader's
 * PGID and SID, then the thread group and the parent's children list, so
 * that RCU readers see the same intermediate states as the kernel's (a
 * task no longer found by its number while its group still finds it).
 * Call with tasklist_lock write-held, on a zombie or an exited thread.
 */
static void release_task(struct pidfs_kernel *k, struct evbatch *b,
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

/* ---- lookups ------------------------------------------------------------ */

struct task_struct *pidfs_get_task(struct pidfs_kernel *k, pid_t nr)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_pid_ns(nr, k->ns), PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	return t;
}

/* A task by number under tasklist_lock; @live: not a zombie. */
static struct task_struct *task_by_nr(struct pidfs_kernel *k, pid_t nr,
				      bool live)
{
	struct task_struct *t;

	t = pid_task(find_pid_ns(nr, k->ns), PIDTYPE_PID);
	if (t && live && t->exit_state)
		return NULL;
	return t;
}

static int nr_threads(struct task_struct *leader)
{
	struct task_struct *t;
	int n = 1;

	cds_list_for_each_entry(t, &leader->thread_group, thread_group)
		n++;
	return n;
}

/* NSpid and friends: from @ns's level down to @t's.  tasklist_lock. */
static void task_info_levels(struct task_struct *t, struct pid_namespace *ns,
			     struct task_info *info)
{
	struct pid *pid = task_pid(t);
	unsigned int from = pid_ns_level(ns), n = 0;

	for (unsigned int l = from; l <= pid->level; l++, n++) {
		struct pid_namespace *lns = pid->numbers[l].ns;

		info->nspid[n] = pid->numbers[l].nr;
		info->nstgid[n] = task_tgid_nr_ns(t, lns);
		info->nspgid[n] = task_pgrp_nr_ns(t, lns);
		info->nssid[n] = task_session_nr_ns(t, lns);
	}
	info->ns_levels = n;
}

int pidfs_task_info_ns(struct task_struct *t, struct pid_namespace *ns,
		       struct task_info *info)
{
	struct pidfs_kernel *k = t->kernel;
	struct task_struct *leader;
	struct task_image *img;

	pthread_rwlock_rdlock(&k->tasklist_lock);
	if (t->released || !task_pid_nr_ns(t, ns)) {
		pthread_rwlock_unlock(&k->tasklist_lock);
		return -ESRCH;
	}
	leader = t->group_leader;
	memset(info, 0, offsetof(struct task_info, args));
	info->pid = task_pid_nr_ns(t, ns);
	info->tgid = task_tgid_nr_ns(t, ns);
	info->ppid = task_ppid_nr_ns(t, ns);
	info->pgrp = task_pgrp_nr_ns(t, ns);
	info->session = task_session_nr_ns(t, ns);
	task_info_levels(t, ns, info);
	info->ns_inum = pid_ns_inum(task_active_pid_ns(t));
	if (t->pid_ns_for_children)
		info->ns_for_children_inum =
			pid_ns_inum(t->pid_ns_for_children);
	info->uid = t->uid;
	info->gid = t->gid;
	info->state = t->state;
	info->exit_state = t->exit_state;
	info->exit_code = t->exit_code;
	info->nr_threads = nr_threads(leader);
	info->is_leader = thread_group_leader(t);
	info->session_leader = leader->session_leader;
	info->start_time = t->start_time;
	info->serial = pid_serial(task_pid(t));
	info->nproc = k->nproc;
	img = t->image;
	if (img) {
		memcpy(info->comm, img->comm, TASK_COMM_LEN);
		info->args_len = img->args_len < PIDFS_ARGS_MAX ?
					 img->args_len :
					 PIDFS_ARGS_MAX;
		memcpy(info->args, img->args, info->args_len);
	}
	pthread_rwlock_unlock(&k->tasklist_lock);
	return 0;
}

int pidfs_task_info(struct task_struct *t, struct task_info *info)
{
	return pidfs_task_info_ns(t, t->kernel->ns, info);
}

struct pid_namespace *pidfs_get_pid_ns_for_children(struct pidfs_kernel *k,
						    pid_t pid)
{
	struct pid_namespace *ns = NULL;
	struct task_struct *t;

	pthread_rwlock_rdlock(&k->tasklist_lock);
	t = task_by_nr(k, pid, true);
	if (t)
		ns = get_pid_ns(t->pid_ns_for_children);
	pthread_rwlock_unlock(&k->tasklist_lock);
	return ns;
}

static int tid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int pidfs_thread_ids(struct task_struct *leader, pid_t *tids, int max)
{
	struct pidfs_kernel *k = leader->kernel;
	struct task_struct *t;
	int n = 0;

	pthread_rwlock_rdlock(&k->tasklist_lock);
	if (leader->released) {
		pthread_rwlock_unlock(&k->tasklist_lock);
		return -ESRCH;
	}
	leader = leader->group_leader;
	if (n < max)
		tids[n] = leader->pid;
	n++;
	cds_list_for_each_entry(t, &leader->thread_group, thread_group) {
		if (n < max)
			tids[n] = t->pid;
		n++;
	}
	pthread_rwlock_unlock(&k->tasklist_lock);
	if (n && max > 0)
		qsort(tids, (size_t)(n < max ? n : max), sizeof(*tids),
		      tid_cmp);
	return n;
}

int pidfs_thread_ids_get(struct task_struct *leader, pid_t **tidsp)
{
	struct pidfs_kernel *k = leader->kernel;
	struct task_struct *t;
	pid_t *tids;
	int n = 0;

	*tidsp = NULL;
	pthread_rwlock_rdlock(&k->tasklist_lock);
	if (leader->released) {
		pthread_rwlock_unlock(&k->tasklist_lock);
		return -ESRCH;
	}
	leader = leader->group_leader;
	/* Counted and copied under one hold of the lock: one group, one size. */
	tids = malloc((size_t)nr_threads(leader) * sizeof(*tids));
	if (!tids) {
		pthread_rwlock_unlock(&k->tasklist_lock);
		return -ENOMEM;
	}
	tids[n++] = leader->pid;
	cds_list_for_each_entry(t, &leader->thread_group, thread_group)
		tids[n++] = t->pid;
	pthread_rwlock_unlock(&k->tasklist_lock);
	qsort(tids, (size_t)n, sizeof(*tids), tid_cmp);
	*tidsp = tids;
	return n;
}

/* ---- fork --------------------------------------------------------------- */

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
		err = errno == ENOMEM ? -ENOMEM : -EAGAIN;
		put_pid_ns(ns);
		return err;
	}
	nr = pid_nr(pid);

	err = -ENOMEM;
	p = kmem_cache_alloc(k->task_cachep);
	if (!p)
		goto bad_fork_free_pid;

	pthread_rwlock_wrlock(&k->tasklist_lock);
	err = -ESRCH;
	src = task_by_nr(k, src_nr, true);
	if (!src)
		goto bad_fork_unlock;
	leader = src->group_leader;
	err = -EAGAIN;
	if (k->nproc && uid_tasks(k, src->uid) >= k->nproc)
		goto bad_fork_unlock;
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

static void count_failure(struct pidfs_kernel *k)
{
	pthread_rwlock_wrlock(&k->tasklist_lock);
	k->fork_failures++;
	pthread_rwlock_unlock(&k->tasklist_lock);
}

static int fork_common(struct pidfs_kernel *k, pid_t src, bool thread,
		       const char *comm, pid_t *nrp)
{
	struct evbatch b = { 0 };
	int err;

	if (!src)
		src = 1;
	err = do_fork(k, src, thread, comm, nrp, &b);
	if (err && err != -ESRCH)
		count_failure(k);
	ev_flush(k, &b);
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

/* ---- exit and release --------------------------------------------------- */

/* SIGKILL's exit code, as a killed task's wait status carries it. */
#define EXIT_CODE_SIGKILL	9

static void do_exit(struct pidfs_kernel *k, struct evbatch *b,
		    struct task_struct *t, int code);

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
static void do_exit(struct pidfs_kernel *k, struct evbatch *b,
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

/* ---- process groups and sessions ------------------------------------------ */

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
	if (leader->session_leader)
		goto out;
	if (pgid != leader->pid) {
		g = pid_task(find_pid_ns(pgid, k->ns), PIDTYPE_PGID);
		if (!g || process_session(g) != process_session(leader))
			goto out;
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
	if (leader->session_leader)
		goto out;
	session = leader->pid;
	if (session > 1 && pid_task(find_pid_ns(session, k->ns), PIDTYPE_PGID))
		goto out;
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

/* ---- exec and credentials ------------------------------------------------- */

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

int pidfs_unshare_pid(struct pidfs_kernel *k, pid_t pid, unsigned int *inum)
{
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
	err = 0;
out:
	pthread_rwlock_unlock(&k->tasklist_lock);
	return err;
}

int pidfs_spawn(struct pidfs_kernel *k, unsigned int n, pid_t ppid,
		pid_t *pids)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		err = pidfs_fork(k, ppid, NULL, &pids[i]);
		if (err)
			break;
	}
	if (!err)
		return 0;
	/* All or nothing: undo what was made, youngest first. */
	while (i--)
		pidfs_kill(k, pids[i], 0);
	return err;
}

/* ---- the kernel ----------------------------------------------------------- */

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
	    params->hash_shift > PIDHASH_SHIFT_LIMIT)
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
	CDS_INIT_LIST_HEAD(&k->tasks);

	err = -ENOMEM;
	k->lowmem = lowmem_create(lowmem);
	if (!k->lowmem)
		goto out_free;
	nsp.lowmem = k->lowmem;
	nsp.arch = arch;
	nsp.pid_max = params->pid_max;
	nsp.hash_shift = params->hash_shift;
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

void pidfs_kernel_set_event_hook(struct pidfs_kernel *k, pidfs_event_fn fn,
				 void *arg)
{
	k->hook = fn;
	k->hook_arg = arg;
}
