// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Model events into kernel invalidations, as proc_flush_pid() does for
 * procfs, and the thread that sends them.
 *
 * Task files change only at model events, which the task layer reports
 * (pidfs_kernel_set_event_hook()).  For each event of a ctl command the
 * node ids the kernel may hold for that task are computed, without any
 * table (node ids carry their pin) at the root, found in view.c's table
 * in each view that sees the task, and queued with the write that ran
 * the command: inval_inode for every file and directory of the task; on
 * release, notify_delete for each of its entries, children before
 * parents, and under task/ of every other thread of its group.
 *
 * A dedicated thread sends them: libfuse's documentation warns that a
 * notification sent from a thread serving a request can deadlock (the
 * kernel may need the very lock that request holds).  The ctl write is
 * answered by that thread once its notifications are done, so a read
 * issued after write(2) returns sees the command's effect.  Once the file
 * system stops (or the connection is gone) it sends no more, whatever is
 * queued, but still answers the writes waiting: their commands ran.
 *
 * Locking: fs->nq_lock protects the queue; the thread sleeps on
 * fs->nq_cond.  A job belongs to the worker that fills it until it is
 * queued, then to the thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs-internal.h"
#include "pidfs/pidfd.h"

enum inval_kind { INVAL_INODE, INVAL_DELETE, INVAL_POLL };

struct inval {
	enum inval_kind kind;
	fuse_ino_t ino;			/* the inode, or the entry's parent */
	struct fuse_pollhandle *ph;	/* INVAL_POLL: woken, then destroyed */
	fuse_ino_t child;		/* INVAL_DELETE: the entry's inode */
	char name[16];			/* INVAL_DELETE: the entry's name */
};

/* A task released by the job's command, as one tree names it. */
struct released {
	struct node_key tree;		/* the root's, or a view's */
	pid_t tgid, nr;			/* numbers in tree.ns */
	pidfs_pin_t pin;		/* taken in tree.ns */
};

/* Invalidations to do, then a ctl write to answer (if @req). */
struct inval_job {
	struct pidfs_fs *fs;
	struct inval *v;
	size_t n, cap;
	struct released *rel;
	size_t nr_rel, rel_cap;
	fuse_req_t req;
	int err;			/* positive errno, or 0 */
	size_t written;
	struct inval_job *next;
};

static struct inval *job_add(struct inval_job *j, enum inval_kind kind,
			     fuse_ino_t ino)
{
	struct inval *v;

	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 32;

		v = realloc(j->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		j->v = v;
		j->cap = cap;
	}
	v = &j->v[j->n++];
	v->kind = kind;
	v->ino = ino;
	return v;
}

/* Node @ino's cache; nothing for 0 (a view node the kernel lacks). */
static void job_inval(struct inval_job *j, fuse_ino_t ino)
{
	if (ino)
		job_add(j, INVAL_INODE, ino);
}

/*
 * The node id of slot @slot of @pin in @tree (a root or view key): the
 * root's computed, a view's found in its table, 0 if the kernel holds
 * none there.
 */
static fuse_ino_t tnode(struct pidfs_fs *fs, const struct node_key *tree,
			pidfs_pin_t pin, unsigned int slot)
{
	struct node_key k = *tree;

	k.pin = pin;
	k.slot = slot;
	return node_key_find(fs, &k);
}

/*
 * Wake the pollers of the pidfs inode of @pin: its poll handles go into
 * the job, for the notifier to send and destroy.
 */
static void job_wake_pidfd(struct pidfs_fs *fs, struct inval_job *j,
			   pidfs_pin_t pin)
{
	void **v;
	size_t n = pidfd_inode_take_waiters(fs->pidfds, pin, &v);

	for (size_t i = 0; i < n; i++) {
		struct inval *w = job_add(j, INVAL_POLL, 0);

		if (w)
			w->ph = v[i];
		else
			fuse_pollhandle_destroy(v[i]);
	}
	free(v);
}

/* Entry @name of @parent, which must be @child, is gone. */
static void job_delete(struct inval_job *j, fuse_ino_t parent,
		       const char *name, pid_t nr, fuse_ino_t child)
{
	struct inval *v;

	if (!parent || !child)
		return;
	v = job_add(j, INVAL_DELETE, parent);
	if (!v)
		return;
	v->child = child;
	if (name)
		snprintf(v->name, sizeof(v->name), "%s", name);
	else
		snprintf(v->name, sizeof(v->name), "%d", nr);
}

/* Each entry of task directory @dir of @pin in @tree is gone. */
static void job_delete_entries(struct inval_job *j, const struct node_key *tree,
			       pidfs_pin_t pin, enum pid_entry_id dir)
{
	fuse_ino_t parent = tnode(j->fs, tree, pin, dir);
	enum pid_entry_id e;

	if (!parent)
		return;
	for_each_pid_entry(e, dir)
		job_delete(j, parent, pid_entries[e].name, 0,
			   tnode(j->fs, tree, pin, e));
}

static void job_released(struct inval_job *j, const struct node_key *tree,
			 pid_t tgid, pid_t nr, pidfs_pin_t pin)
{
	if (j->nr_rel == j->rel_cap) {
		size_t cap = j->rel_cap ? 2 * j->rel_cap : 8;
		struct released *v = realloc(j->rel, cap * sizeof(*v));

		if (!v)
			return;
		j->rel = v;
		j->rel_cap = cap;
	}
	j->rel[j->nr_rel++] = (struct released){ *tree, tgid, nr, pin };
}

/*
 * A thread is listed under /<tid>/task/ of every thread of its group
 * (Linux resolves /<tid> for any thread), and the kernel keeps its
 * directory under whichever it was last looked up through.  So once the
 * command is done, delete each released thread under every thread of
 * its group: those released with it, and those still alive.
 */
static int released_cmp(const void *a, const void *b)
{
	const struct released *x = a, *y = b;

	if (x->tree.view != y->tree.view)
		return (x->tree.view > y->tree.view) -
		       (x->tree.view < y->tree.view);
	return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

/* Thread @tid (an initial number) as @tree's namespace numbers it. */
static pid_t tid_in(struct pidfs_fs *fs, const struct node_key *tree,
		    pid_t tid)
{
	pid_t nr;

	if (!tree->view)
		return tid;
	rcu_read_lock();
	nr = pid_nr_ns(find_pid_ns(tid, root_ns(fs)), tree->ns);
	rcu_read_unlock();
	return nr;
}

/*
 * One thread group's released tasks, @rel[0..@n): delete each under the
 * task/ of the others released with it and of the group's live threads.
 * The live threads are listed and looked up once for the group.
 */
static void job_delete_group(struct pidfs_fs *fs, struct inval_job *j,
			     const struct released *rel, size_t n)
{
	const struct node_key *tree = &rel[0].tree;
	pid_t tgid = rel[0].tgid, *tids = NULL;
	pidfs_pin_t *sibs = NULL;
	pidfs_pin_t lp = fs->pin->lookup(fs->k, tree->ns, tgid);
	struct task_struct *leader =
		lp ? fs->pin->task(fs->k, tree->ns, lp) : NULL;
	int nr_tids = 0, nr_sibs = 0;

	if (leader && task_pid_nr_ns(leader, tree->ns) == tgid)
		nr_tids = pidfs_thread_ids_get(leader, &tids);
	if (nr_tids > 0)
		sibs = calloc((size_t)nr_tids, sizeof(*sibs));
	for (int i = 0; sibs && i < nr_tids; i++) {
		pid_t nr = tid_in(fs, tree, tids[i]);
		pidfs_pin_t sib = nr && nr != tgid ?
					  fs->pin->lookup(fs->k, tree->ns, nr) :
					  0;

		if (sib)
			sibs[nr_sibs++] = sib;
	}

	for (size_t a = 0; a < n; a++) {
		fuse_ino_t dir = tnode(fs, tree, rel[a].pin, T_DIR);

		for (size_t b = 0; b < n; b++)
			if (b != a && rel[b].nr != tgid)
				job_delete(j, tnode(fs, tree, rel[b].pin,
						    E_TASK),
					   NULL, rel[a].nr, dir);
		for (int i = 0; i < nr_sibs; i++)
			job_delete(j, tnode(fs, tree, sibs[i], E_TASK), NULL,
				   rel[a].nr, dir);
	}

	for (int i = 0; i < nr_sibs; i++)
		fs->pin->put(sibs[i], 1);
	free(sibs);
	free(tids);
	if (leader)
		put_task_struct(leader);
	if (lp)
		fs->pin->put(lp, 1);
}

/*
 * The released tasks are sorted by group first, so the work is linear in
 * what was released plus the pairs within each group (those deletions
 * are owed), not quadratic in all a command released: a failed spawn
 * undoes tens of thousands of forks at once.
 */
void inval_job_delete_siblings(struct pidfs_fs *fs, struct inval_job *j)
{
	size_t a = 0, end;

	if (j->nr_rel > 1)
		qsort(j->rel, j->nr_rel, sizeof(*j->rel), released_cmp);
	for (; a < j->nr_rel; a = end) {
		for (end = a + 1; end < j->nr_rel &&
				  j->rel[end].tree.view == j->rel[a].tree.view &&
				  j->rel[end].tgid == j->rel[a].tgid;
		     end++)
			;
		job_delete_group(fs, j, &j->rel[a], end - a);
	}
}

/*
 * A view whose namespace has no task left: its /pidns/<id> entry goes,
 * so that the kernel forgets the view's nodes and their references on
 * the namespace, which may then end (a lookup then finds it while it
 * lives).  @top: the view's root node.
 */
static void job_view_emptied(struct inval_job *j, const struct node_key *tree,
			     fuse_ino_t top)
{
	char name[16];
	struct pid *pid;

	rcu_read_lock();
	pid = find_ge_pid_ns(1, tree->ns);
	rcu_read_unlock();
	if (pid)
		return;
	snprintf(name, sizeof(name), "%u", pid_ns_inum(tree->ns));
	job_delete(j, G_PIDNS, name, 0, top);
}

/*
 * The event's invalidations in one tree (@tree: the root's key, or a
 * view's): the same in each, under the names the task has there.
 */
static void tree_event(struct inval_job *j, const struct node_key *tree,
		       const struct pidfs_event_rec *ev)
{
	struct pidfs_fs *fs = j->fs;
	pidfs_pin_t pin, gpin;
	fuse_ino_t top;
	pid_t nr;

	/*
	 * A view whose root the kernel does not hold has no node held at
	 * all (a node's parent is held while it is): one look-up, then
	 * nothing, for every view never opened.
	 */
	top = tnode(fs, tree, 0, SLOT_GLOBAL + G_ROOT);
	if (!top)
		return;
	pin = fs->pin->of_event(ev, 0, tree->ns);
	gpin = fs->pin->of_event(ev, 1, tree->ns);
	nr = tree->view ? pid_nr_ns(ev->pid, tree->ns) : ev->nr;
	if (!pin || !nr)
		return;
	switch (ev->ev) {
	case PIDFS_EV_FORK:
		job_inval(j, ev->leader ? top : tnode(fs, tree, gpin, E_TASK));
		break;
	case PIDFS_EV_RELEASE:
		/* task/<tid>/ and its files, under the leader's task/ */
		job_delete_entries(j, tree, pin, T_DIR);
		job_delete(j, tnode(fs, tree, gpin, E_TASK), NULL, nr,
			   tnode(fs, tree, pin, T_DIR));
		/* then /<nr>/ (a thread's too: Linux resolves /<tid>) */
		job_delete_entries(j, tree, pin, E_DIR);
		job_delete(j, top, NULL, nr, tnode(fs, tree, pin, E_DIR));
		job_inval(j, ev->leader ? top : tnode(fs, tree, gpin, E_TASK));
		job_released(j, tree,
			     tree->view ? pid_nr_ns(ev->tgid_pid, tree->ns) :
					  ev->tgid,
			     nr, pin);
		if (tree->view)
			job_view_emptied(j, tree, top);
		/* and every cached inode of the task: */
		__attribute__((fallthrough));
	case PIDFS_EV_CHANGE:
		for (int e = 0; e < NR_PID_ENTRIES; e++)
			job_inval(j, tnode(fs, tree, pin, (unsigned int)e));
		break;
	}
}

/*
 * The task layer's event hook: what the kernel may have cached that the
 * event changed.  Runs in the thread executing a ctl command.
 *
 * A released task's entries are deleted, not merely invalidated, children
 * before parents: the kernel then drops each inode when its last user
 * goes (an open file's close) and sends FORGET, where an invalidated one
 * would sit in the inode cache, pinning, until memory pressure evicted it.
 * Its inodes are invalidated as well, so an open file's cached pages go
 * and its next read asks, and gets ESRCH.
 *
 * The same goes to every view in which the task is seen: one per level
 * of its struct pid (the view of each namespace from the initial one
 * down to its own), under its number there, for the nodes the kernel
 * holds of it there (view.c's table).  The pidfs inodes are the pins':
 * the pid and task models' pins are the same objects in every view; an
 * nr pin is the number in its view's namespace, so a view's pidfd files
 * have pidfs inodes of their own, told of the exit as the root's are.
 */
/* What the event tells the pidfs inode of @pin: an exit, a release. */
static void pidfd_event(struct pidfs_fs *fs, struct inval_job *j,
			const struct pidfs_event_rec *ev, pidfs_pin_t pin)
{
	switch (ev->ev) {
	case PIDFS_EV_FORK:
		break;
	case PIDFS_EV_RELEASE:
		/* its pidfds keep the exit status, as pidfs_exit() does */
		pidfd_inode_exit(fs->pidfds, pin,
				 pidfd_wait_status(ev->exit_code));
		job_wake_pidfd(fs, j, pin);
		break;
	case PIDFS_EV_CHANGE:
		if (ev->exit_state)
			job_wake_pidfd(fs, j, pin);
		break;
	}
}

void inval_on_event(void *arg, const struct pidfs_event_rec *ev)
{
	struct inval_job *j = arg;
	struct pidfs_fs *fs = j->fs;
	struct node_key tree = { .ns = root_ns(fs) };
	pidfs_pin_t pin = fs->pin->of_event(ev, 0, root_ns(fs));

	bool views;

	tree_event(j, &tree, ev);
	/* a mount whose views were never opened pays one load here */
	views = __atomic_load_n(&fs->view_nodes, __ATOMIC_RELAXED) && ev->pid;
	for (unsigned int i = 0; views && i <= ev->pid->level; i++) {
		tree.ns = ev->pid->numbers[i].ns;
		tree.view = viewof(tree.ns);
		tree_event(j, &tree, ev);
	}
	/* pollers last, once every tree's invalidations are queued */
	pidfd_event(fs, j, ev, pin);
	for (unsigned int i = 0; views && i <= ev->pid->level; i++) {
		pidfs_pin_t vpin = fs->pin->of_event(ev, 0,
						     ev->pid->numbers[i].ns);

		if (vpin && vpin != pin)
			pidfd_event(fs, j, ev, vpin);
	}
}

/*
 * Send one invalidation; false when the connection is going or gone
 * (EBADF, ENODEV, ENOTCONN) and nothing more can be sent.  The kernel's
 * other answers (ENOENT: nothing cached there; ENOTEMPTY, EBUSY: an entry
 * it keeps) concern that entry alone.
 */
static bool send_inval(struct pidfs_fs *fs, const struct inval *v)
{
	int err;

	if (v->kind == INVAL_POLL)
		err = fuse_lowlevel_notify_poll(v->ph);
	else if (v->kind == INVAL_INODE)
		err = fuse_lowlevel_notify_inval_inode(fs->se, v->ino, 0, 0);
	else
		err = fuse_lowlevel_notify_delete(fs->se, v->ino, v->child,
						  v->name, strlen(v->name));
	return err != -EBADF && err != -ENODEV && err != -ENOTCONN;
}

/*
 * The invalidation thread.  It serves no request, so it may wait in the
 * kernel for locks a request holds.  Once the file system is stopping
 * (pidfs_fs_stop(), or a dead connection) it sends no more
 * invalidations, whatever is queued, but still answers the ctl writes
 * waiting on them: their commands ran.
 */
static void *notifier_main(void *arg)
{
	struct pidfs_fs *fs = arg;
	struct inval_job *j;
	bool sending = true;

	for (;;) {
		pthread_mutex_lock(&fs->nq_lock);
		while (!fs->nq_head && !fs->nq_stop)
			pthread_cond_wait(&fs->nq_cond, &fs->nq_lock);
		j = fs->nq_head;
		if (j) {
			fs->nq_head = j->next;
			if (!fs->nq_head)
				fs->nq_tail = NULL;
		}
		pthread_mutex_unlock(&fs->nq_lock);
		if (!j)
			return NULL;

		for (size_t i = 0; i < j->n && sending; i++)
			sending = !__atomic_load_n(&fs->nq_stop,
						   __ATOMIC_RELAXED) &&
				  send_inval(fs, &j->v[i]);
		for (size_t i = 0; i < j->n; i++)
			if (j->v[i].kind == INVAL_POLL)
				fuse_pollhandle_destroy(j->v[i].ph);
		if (j->req) {
			if (j->err)
				fuse_reply_err(j->req, j->err);
			else
				fuse_reply_write(j->req, j->written);
		}
		free(j->v);
		free(j->rel);
		free(j);
	}
}

void inval_job_queue(struct pidfs_fs *fs, struct inval_job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&fs->nq_lock);
	if (fs->nq_tail)
		fs->nq_tail->next = j;
	else
		fs->nq_head = j;
	fs->nq_tail = j;
	pthread_cond_signal(&fs->nq_cond);
	pthread_mutex_unlock(&fs->nq_lock);
}

void inval_stop(struct pidfs_fs *fs)
{
	if (!fs->nq_running)
		return;
	pthread_mutex_lock(&fs->nq_lock);
	__atomic_store_n(&fs->nq_stop, true, __ATOMIC_RELAXED);
	pthread_cond_signal(&fs->nq_cond);
	pthread_mutex_unlock(&fs->nq_lock);
	pthread_join(fs->notifier, NULL);
	fs->nq_running = false;
}

struct inval_job *inval_job_new(struct pidfs_fs *fs)
{
	struct inval_job *j = calloc(1, sizeof(*j));

	if (j)
		j->fs = fs;
	return j;
}

void inval_job_answer(struct inval_job *j, fuse_req_t req, int err,
		      size_t written)
{
	j->req = req;
	j->err = err;
	j->written = written;
}

void inval_after_reply(struct pidfs_fs *fs, fuse_req_t req, int err,
		       fuse_ino_t ino)
{
	struct inval_job *j = inval_job_new(fs);

	fuse_reply_err(req, err);
	if (j && job_add(j, INVAL_INODE, ino))
		return inval_job_queue(fs, j);
	free(j);
}

int inval_start(struct pidfs_fs *fs)
{
	int err = pthread_create(&fs->notifier, NULL, notifier_main, fs);

	if (err)
		return -err;
	fs->nq_running = true;
	return 0;
}

void inval_job_split_self(struct inval_job *j, struct inval_job *later,
			  fuse_ino_t ino)
{
	size_t keep = 0;

	for (size_t i = 0; i < j->n; i++) {
		struct inval *v = &j->v[i], *w;

		if (v->ino != ino &&
		    !(v->kind == INVAL_DELETE && v->child == ino)) {
			j->v[keep++] = *v;
			continue;
		}
		w = job_add(later, v->kind, v->ino);
		if (w)
			*w = *v;
	}
	j->n = keep;
}
