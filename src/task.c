// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Simulated processes: the task_struct's life (kernel/fork.c's
 * put_task_struct(), kernel/exit.c's delayed_put_task_struct()), its pid
 * links (kernel/pid.c's attach_pid()/detach_pid() side), lookups from
 * number to task, what /proc shows of a task, the model's events and the
 * per-uid counts.  The operations are in fork.c, exit.c and sys.c; the
 * kernel object in kernel.c; task-internal.h lists them and the locking.
 *
 * A task is charged task_size bytes from the low-memory zone.  It holds
 * one reference on itself for the task list; release_task() drops it
 * after a grace period, so lock-free readers that found the task through
 * a pid link can still take a reference.  A released task that somebody
 * still references is "pinned": the state the patch made rare.
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

uint64_t now_ns(clockid_t clk)
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

pid_t process_group(struct task_struct *t)
{
	return pid_nr(t->group_leader->pids[PIDTYPE_PGID].pid);
}

pid_t process_session(struct task_struct *t)
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
void exit_task_namespaces(struct task_struct *t)
{
	put_pid_ns(t->pid_ns_for_children);
	t->pid_ns_for_children = NULL;
}

/* ---- events ----------------------------------------------------------- */

/*
 * Record an event about @t.  Call with tasklist_lock held, before any
 * detach: the records take references on the task and both pids.
 */
struct pidfs_op *current_op(struct pidfs_kernel *k)
{
	struct pidfs_op *op = __atomic_load_n(&k->op, __ATOMIC_ACQUIRE);

	if (op && pthread_equal(__atomic_load_n(&k->op_owner, __ATOMIC_RELAXED),
				pthread_self()))
		return op;
	return NULL;
}

void set_why(struct pidfs_kernel *k, enum pidfs_why why)
{
	struct pidfs_op *op = current_op(k);

	if (op)
		op->why = why;
}

/* Where the calling thread's events go: its run's sink, else the hook. */
static pidfs_event_fn event_sink(struct pidfs_kernel *k, void **arg)
{
	struct pidfs_op *op = current_op(k);

	*arg = op ? op->arg : k->hook_arg;
	return op ? op->event : k->hook;
}

void ev_add(struct pidfs_kernel *k, struct evbatch *b,
	    enum pidfs_event ev, struct task_struct *t)
{
	struct pidfs_event_rec *r;
	void *arg;

	if (!event_sink(k, &arg))
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
void ev_add_group(struct pidfs_kernel *k, struct evbatch *b,
		  enum pidfs_event ev, struct task_struct *leader)
{
	struct task_struct *t;

	ev_add(k, b, ev, leader);
	cds_list_for_each_entry(t, &leader->thread_group, thread_group)
		ev_add(k, b, ev, t);
}

/* Deliver and free a batch.  Call with no lock held. */
void ev_flush(struct pidfs_kernel *k, struct evbatch *b)
{
	void *arg;
	pidfs_event_fn fn = event_sink(k, &arg);

	for (size_t i = 0; i < b->n; i++) {
		struct pidfs_event_rec *r = &b->v[i];

		if (fn)
			fn(arg, r);
		put_pid(r->pid);
		put_pid(r->tgid_pid);
		put_task_struct(r->task);
	}
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

/* ---- per-uid counts (tasklist_lock) ------------------------------------ */

struct uid_count *uid_find(struct pidfs_kernel *k, uid_t uid)
{
	for (size_t i = 0; i < k->nr_uids; i++)
		if (k->uids[i].uid == uid)
			return &k->uids[i];
	return NULL;
}

unsigned int uid_tasks(struct pidfs_kernel *k, uid_t uid)
{
	struct uid_count *u = uid_find(k, uid);

	return u ? u->tasks : 0;
}

/* Make sure @uid has a slot, so a later charge cannot fail. */
int uid_reserve(struct pidfs_kernel *k, uid_t uid)
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

void uid_charge(struct pidfs_kernel *k, uid_t uid, int d)
{
	struct uid_count *u = uid_find(k, uid);

	if (u)
		u->tasks += (unsigned int)d;
}

/* ---- task_struct lifetime ---------------------------------------------- */

struct task_image *image_alloc(const char *comm, const char *args,
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

void image_free_rcu(struct rcu_head *rhp)
{
	rcu_callback_enter(rhp);
	free(container_of(rhp, struct task_image, rcu));
	rcu_callback_exit();
}

void free_task(struct task_struct *t)
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
void delayed_put_task_struct(struct rcu_head *rhp)
{
	struct task_struct *t = container_of(rhp, struct task_struct, rcu);

	rcu_callback_enter(rhp);
	lowmem_pin(kmem_cache_zone(kmem_cache_of(t)), LOWMEM_TASK);
	put_task_struct(t);
	rcu_callback_exit();
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
struct task_struct *task_by_nr(struct pidfs_kernel *k, pid_t nr,
			       bool live)
{
	struct task_struct *t;

	t = pid_task(find_pid_ns(nr, k->ns), PIDTYPE_PID);
	if (t && live && t->exit_state)
		return NULL;
	return t;
}

int nr_threads(struct task_struct *leader)
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
	/*
	 * pidns_for_children_get(): none until the namespace has had an
	 * init.  Linux keeps child_reaper after the init's death, the model
	 * clears it at zap_pid_ns_processes(), so a namespace that no longer
	 * allocates counts as having had one (a failed first fork too).
	 */
	if (t->pid_ns_for_children &&
	    (pid_ns_child_reaper(t->pid_ns_for_children) ||
	     !pid_ns_allocating(t->pid_ns_for_children)))
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
