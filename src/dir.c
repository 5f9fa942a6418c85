// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Directories: lookup, forget and readdir, as fs/proc/base.c's
 * proc_pident_lookup()/proc_pident_readdir() and fs/proc/root.c's
 * proc_root_lookup()/proc_root_readdir().
 *
 * A looked-up task node holds one reference of the mount's pin per
 * lookup the kernel has not forgotten (pin.h); FORGET drops them.  Every
 * LOOKUP gets exactly one reply: reply_entry(), reply_entry_ref() or a
 * fuse_reply_err() on a path that took no reference.  When
 * fuse_reply_entry() fails the request is gone all the same (interrupted,
 * or the connection aborted): nothing may reply to it again, and a
 * reference taken for it goes back at once, since the kernel never
 * learnt of the node and will send no FORGET for it.
 *
 * The root is listed by walking pid numbers with find_ge_pid(), as
 * next_tgid() does, so a listing never breaks under fork and exit; its
 * offsets are the globals' indices, then PID_OFFSET + pid.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs-internal.h"
#include "parse.h"

/*
 * Every LOOKUP gets exactly one reply, and it is one of these two calls
 * or a fuse_reply_err() on a path that took no reference.  When
 * fuse_reply_entry() fails the request is gone all the same (interrupted,
 * or the connection aborted): nothing may reply to it again.
 */
static int reply_entry(fuse_req_t req, fuse_ino_t ino, const struct stat *st,
		       double entry_timeout, double attr_timeout)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = ino;
	e.attr = *st;
	e.entry_timeout = entry_timeout;
	e.attr_timeout = attr_timeout;
	return fuse_reply_entry(req, &e);
}

/* Drop @n lookups of node @ino. */
void node_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n)
{
	if (is_task_node(ino)) {
		if (is_pidfd_node(ino))
			pidfd_node_put(fs, ino, n);
		fs->pin->put(node_pin(ino), n);
		__atomic_fetch_sub(&fs->kernel_refs, n, __ATOMIC_RELAXED);
		pidfs_ref_uncharge(fs->k, n);
	} else if (is_ctl_node(ino)) {
		ctl_forget(fs, ino, n);
	}
}

/* For a node that holds a reference for the kernel (a pin, a ctl). */
static void reply_entry_ref(fuse_req_t req, struct pidfs_fs *fs,
			    fuse_ino_t ino, const struct stat *st,
			    double entry_timeout, double attr_timeout)
{
	if (reply_entry(req, ino, st, entry_timeout, attr_timeout))
		node_forget(fs, ino, 1);
}

/*
 * Reply to a lookup with entry @e of the task @pin names, @pin holding
 * one reference that becomes the kernel's.  A task gone meanwhile has no
 * entry, as in proc_pident_lookup().
 */
static void reply_task_entry(fuse_req_t req, struct pidfs_fs *fs,
			     pidfs_pin_t pin, enum pid_entry_id e)
{
	fuse_ino_t ino = task_node(pin, e);
	struct stat st;

	/* A dentry and a proc_inode, as the modelled kernel allocates */
	if (pidfs_ref_charge(fs->k)) {
		fs->pin->put(pin, 1);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* A pidfd's pidfs inode, which keeps its exit status after reap */
	if (is_pidfd_node(ino) && pidfd_node_get(fs, ino)) {
		pidfs_ref_uncharge(fs->k, 1);
		fs->pin->put(pin, 1);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	__atomic_fetch_add(&fs->kernel_refs, 1, __ATOMIC_RELAXED);
	if (task_attr(fs, ino, &st)) {
		node_forget(fs, ino, 1);
		fuse_reply_err(req, ENOENT);
		return;
	}
	reply_entry_ref(req, fs, ino, &st, fs->timeout, fs->timeout);
}

static void lookup_global(fuse_req_t req, struct pidfs_fs *fs,
			  enum global_id parent, const char *name)
{
	enum global_id g = global_find(parent, name);
	struct stat st;
	fuse_ino_t ino;
	double timeout;
	pid_t nr;
	int err;

	if (g == G_CTL) {
		err = ctl_new(fs, &st, &ino);
		if (err)
			return (void)fuse_reply_err(req, -err);
		return reply_entry_ref(req, fs, ino, &st, 0, 0);
	}
	if (g != G_NONE) {
		node_attr(fs, req, (fuse_ino_t)g, &st, &timeout);
		reply_entry(req, (fuse_ino_t)g, &st, fs->timeout, timeout);
		return;
	}
	nr = parent == G_ROOT ? pidfs_parse_pid_name(name) : -1;
	if (nr > 0) {
		pidfs_pin_t pin = fs->pin->lookup(fs->k, root_ns(fs), nr);

		if (pin)
			return reply_task_entry(req, fs, pin, E_DIR);
		if (nr == fuse_req_ctx(req)->pid) {
			ino = visitor_node(nr, E_DIR);
			visitor_attr(fs, req, ino, &st);
			reply_entry(req, ino, &st, 0, 0);
			return;
		}
	}
	fuse_reply_err(req, ENOENT);
}

static void lookup_visitor(fuse_req_t req, struct pidfs_fs *fs,
			   fuse_ino_t parent, const char *name)
{
	enum pid_entry_id dir = node_entry(parent), e;
	pid_t nr = visitor_nr(parent);
	struct stat st;

	if (dir == E_TASK)
		e = pidfs_parse_pid_name(name) == nr ? T_DIR : NR_PID_ENTRIES;
	else
		e = pid_entry_find(dir, name);
	if (e == NR_PID_ENTRIES || !visitor_has(e))
		return (void)fuse_reply_err(req, ENOENT);
	visitor_attr(fs, req, visitor_node(nr, e), &st);
	reply_entry(req, visitor_node(nr, e), &st, 0, 0);
}

static void lookup_task(fuse_req_t req, struct pidfs_fs *fs,
			fuse_ino_t parent, const char *name)
{
	pidfs_pin_t pin = node_pin(parent), child_pin = pin;
	enum pid_entry_id dir = node_entry(parent), e = NR_PID_ENTRIES;

	if (dir == E_TASK) {
		/*
		 * task/<tid>: a thread of this group, pinned by its own pid.
		 * The group is checked on the task the pin names, so that a
		 * number reused between two lookups cannot tie this entry to
		 * another process.
		 */
		pid_t tid = pidfs_parse_pid_name(name);
		struct task_struct *t, *th;
		bool ours = false;

		child_pin = tid > 0 ? fs->pin->lookup(fs->k, root_ns(fs), tid) : 0;
		if (!child_pin)
			return (void)fuse_reply_err(req, ENOENT);
		t = fs->pin->task(fs->k, root_ns(fs), pin);
		th = fs->pin->task(fs->k, root_ns(fs), child_pin);
		ours = t && th && th->tgid == t->tgid;
		if (th)
			put_task_struct(th);
		if (t)
			put_task_struct(t);
		if (!ours) {
			fs->pin->put(child_pin, 1);
			return (void)fuse_reply_err(req, ENOENT);
		}
		e = T_DIR;
	} else {
		e = pid_entry_find(dir, name);
		if (e == NR_PID_ENTRIES)
			return (void)fuse_reply_err(req, ENOENT);
		fs->pin->get(child_pin);
	}
	reply_task_entry(req, fs, child_pin, e);
}

void pidfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct pidfs_fs *fs = fs_of(req);

	count(fs, FUSE_LOOKUP);
	if (strlen(name) > NAME_MAX)
		return (void)fuse_reply_err(req, ENAMETOOLONG);
	if (is_task_node(parent))
		return lookup_task(req, fs, parent, name);
	if (is_visitor_node(parent))
		return lookup_visitor(req, fs, parent, name);
	if (is_global_node(parent) && S_ISDIR(globals[parent].mode))
		return lookup_global(req, fs, (enum global_id)parent, name);
	fuse_reply_err(req, ENOTDIR);
}

void pidfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct pidfs_fs *fs = fs_of(req);

	count(fs, FUSE_FORGET);
	node_forget(fs, ino, nlookup);
	fuse_reply_none(req);
}

void pidfs_forget_multi(fuse_req_t req, size_t n,
			       struct fuse_forget_data *forgets)
{
	struct pidfs_fs *fs = fs_of(req);

	count(fs, FUSE_BATCH_FORGET);
	for (size_t i = 0; i < n; i++)
		node_forget(fs, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

/* ---- readdir ------------------------------------------------------------ */

struct dirbuf {
	fuse_req_t req;
	char *p;
	size_t size, used;
};

/* Add one entry whose successor is at @next; false when full. */
static bool dir_add(struct dirbuf *d, const char *name, mode_t mode,
		    uint64_t ino, off_t next)
{
	struct stat st = { .st_ino = ino, .st_mode = mode };
	size_t need = fuse_add_direntry(d->req, NULL, 0, name, NULL, 0);

	if (d->used + need > d->size)
		return false;
	fuse_add_direntry(d->req, d->p + d->used, d->size - d->used, name, &st,
			  next);
	d->used += need;
	return true;
}

/*
 * The entries of task directory @dir, from offset @off: each numbered
 * @ino_base | its index (a task's serial or a visitor's node), at offset
 * index + 2 (after "." and "..").  A visitor's lists no pidfd.  False
 * when @d is full.
 */
static bool list_entries(struct dirbuf *d, enum pid_entry_id dir, off_t off,
			 uint64_t ino_base, bool visitor)
{
	enum pid_entry_id e;

	for_each_pid_entry(e, dir) {
		if (off >= (off_t)e + 2 || (visitor && !visitor_has(e)))
			continue;
		if (!dir_add(d, pid_entries[e].name, pid_entries[e].mode,
			     ino_base | (uint64_t)e, (off_t)e + 2))
			return false;
	}
	return true;
}

static void readdir_root(struct pidfs_fs *fs, struct dirbuf *d,
			 enum global_id dir, off_t off)
{
	struct pid_namespace *ns = pidfs_kernel_ns(fs->k);
	enum global_id g;
	char name[16];

	if (off < 1 && !dir_add(d, ".", S_IFDIR, dir, 1))
		return;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, globals[dir].parent ?
							   globals[dir].parent :
							   dir,
				2))
		return;
	for (g = global_next(dir, 0); g != G_NONE; g = global_next(dir, g + 1)) {
		if (off >= g + 2)
			continue;
		if (!dir_add(d, globals[g].name, globals[g].mode, (uint64_t)g,
			     g + 2))
			return;
	}
	if (dir != G_ROOT)
		return;
	/*
	 * next_tgid(): walk the numbers, list thread-group leaders.  An
	 * offset past every possible number (a seek far beyond the end)
	 * is the end, not a number cut to an int.
	 */
	if (off - PID_OFFSET >= PID_MAX_LIMIT)
		return;
	for (int nr = off > PID_OFFSET ? (int)(off - PID_OFFSET) : 1;;) {
		struct task_struct *t;
		uint64_t serial = 0;
		bool leader = false;
		struct pid *pid;

		rcu_read_lock();
		pid = find_ge_pid_ns(nr, ns);
		if (pid) {
			nr = pid_nr(pid);
			t = pid_task(pid, PIDTYPE_PID);
			leader = t && t->group_leader == t;
			serial = fs->pin->serial_of_pid(pid, root_ns(fs));
		}
		rcu_read_unlock();
		if (!pid)
			return;
		snprintf(name, sizeof(name), "%d", nr);
		if (leader && !dir_add(d, name, S_IFDIR, serial << ENTRY_BITS,
				       PID_OFFSET + nr + 1))
			return;
		nr++;
	}
}

static void readdir_task(struct pidfs_fs *fs, struct dirbuf *d,
			 fuse_ino_t ino, off_t off)
{
	pidfs_pin_t pin = node_pin(ino);
	enum pid_entry_id dir = node_entry(ino);
	struct task_struct *t = fs->pin->task(fs->k, root_ns(fs), pin);
	pid_t *tids;
	char name[16];
	int n;

	if (!t)
		return;
	if (off < 1 && !dir_add(d, ".", S_IFDIR, 0, 1))
		goto out;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, 0, 2))
		goto out;
	if (dir != E_TASK) {
		list_entries(d, dir, off, fs->pin->serial(pin) << ENTRY_BITS,
			     false);
		goto out;
	}
	n = pidfs_thread_ids_get(t, &tids);
	for (int i = 0; i < n; i++) {
		uint64_t serial = 0;
		struct pid *pid;

		if (off >= PID_OFFSET + tids[i] + 1)
			continue;
		/* st_ino derives from the pin's serial, as lookup's does */
		rcu_read_lock();
		pid = find_pid_ns(tids[i], pidfs_kernel_ns(fs->k));
		if (pid)
			serial = fs->pin->serial_of_pid(pid, root_ns(fs));
		rcu_read_unlock();
		snprintf(name, sizeof(name), "%d", tids[i]);
		if (!dir_add(d, name, S_IFDIR, serial << ENTRY_BITS | T_DIR,
			     PID_OFFSET + tids[i] + 1))
			break;
	}
	free(tids);
out:
	put_task_struct(t);
}

static void readdir_visitor(struct dirbuf *d, fuse_ino_t ino, off_t off)
{
	enum pid_entry_id dir = node_entry(ino);
	char name[16];

	if (off < 1 && !dir_add(d, ".", S_IFDIR, 0, 1))
		return;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, 0, 2))
		return;
	/* glibc hides entries of inode 0: number them as their nodes. */
	if (dir == E_TASK) {
		snprintf(name, sizeof(name), "%d", visitor_nr(ino));
		if (off < 3)
			dir_add(d, name, S_IFDIR,
				visitor_node(visitor_nr(ino), T_DIR), 3);
		return;
	}
	list_entries(d, dir, off, visitor_node(visitor_nr(ino), 0), true);
}

void pidfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct dirbuf d = { .req = req, .size = size };

	count(fs, FUSE_READDIR);
	d.p = malloc(size ? size : 1);
	if (!d.p)
		return (void)fuse_reply_err(req, ENOMEM);
	if (is_task_node(ino)) {
		enum pid_entry_id e = node_entry(ino);

		if (e >= NR_PID_ENTRIES || !S_ISDIR(pid_entries[e].mode)) {
			free(d.p);
			return (void)fuse_reply_err(req, ENOTDIR);
		}
		readdir_task(fs, &d, ino, off);
	} else if (is_visitor_node(ino)) {
		readdir_visitor(&d, ino, off);
	} else if (is_global_node(ino) && S_ISDIR(globals[ino].mode)) {
		readdir_root(fs, &d, (enum global_id)ino, off);
	} else {
		free(d.p);
		return (void)fuse_reply_err(req, ENOTDIR);
	}
	fuse_reply_buf(req, d.p, d.used);
	free(d.p);
}
