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
 * offsets are the globals' indices, then PID_OFFSET + pid.  A view's
 * root (/pidns/<id>/, view.c) is the same walk in its namespace, by the
 * numbers there; /pidns lists the views at offsets from their ids.  Every
 * request speaks of its node through a struct node_key, whichever tree
 * it is in.
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

void task_refs_put(struct pidfs_fs *fs, pidfs_pin_t pin, bool pidfd,
		   uint64_t n)
{
	if (pidfd)
		pidfd_node_put(fs, pin, n);
	fs->pin->put(pin, n);
	__atomic_fetch_sub(&fs->kernel_refs, n, __ATOMIC_RELAXED);
	pidfs_ref_uncharge(fs->k, n);
}

/* Drop @n lookups of node @ino. */
void node_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n)
{
	if (is_view_node(ino))
		view_forget(fs, ino, n);
	else if (is_task_node(ino))
		task_refs_put(fs, node_pin(ino), is_pidfd_node(ino), n);
	else if (is_ctl_node(ino))
		ctl_forget(fs, ino, n);
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
 * Reply to a lookup with task entry @k, its pin holding one reference
 * that becomes the kernel's.  A task gone meanwhile has no entry, as in
 * proc_pident_lookup().
 */
static void reply_task_entry(fuse_req_t req, struct pidfs_fs *fs,
			     const struct node_key *k)
{
	bool pidfd = key_is_pidfd(k);
	struct stat st;
	fuse_ino_t ino;

	/* A dentry and a proc_inode, as the modelled kernel allocates */
	if (pidfs_ref_charge(fs->k)) {
		fs->pin->put(k->pin, 1);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* A pidfd's pidfs inode, which keeps its exit status after reap */
	if (pidfd && pidfd_node_get(fs, k->pin)) {
		pidfs_ref_uncharge(fs->k, 1);
		fs->pin->put(k->pin, 1);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	__atomic_fetch_add(&fs->kernel_refs, 1, __ATOMIC_RELAXED);
	if (node_key_get(fs, k, &ino)) {
		task_refs_put(fs, k->pin, pidfd, 1);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (task_attr(fs, k, &st)) {
		node_forget(fs, ino, 1);
		fuse_reply_err(req, ENOENT);
		return;
	}
	reply_entry_ref(req, fs, ino, &st, fs->timeout, fs->timeout);
}

/* A global of @k's tree, or a view's root: a node, its attributes. */
static void reply_global_entry(fuse_req_t req, struct pidfs_fs *fs,
			       const struct node_key *k)
{
	enum global_id g = key_global(k);
	struct stat st;
	fuse_ino_t ino;

	if (node_key_get(fs, k, &ino))
		return (void)fuse_reply_err(req, ENOMEM);
	global_attr(fs, g, &st);
	st.st_ino = key_ino(k, 0);
	/*
	 * A view's root is looked up again at each walk through it, so
	 * that the kernel learns at once when its namespace is gone (and
	 * then forgets the view, and drops its hold on the namespace).
	 */
	reply_entry_ref(req, fs, ino, &st,
			k->view && g == G_ROOT ? 0 : fs->timeout,
			globals[g].dynamic ? 0 : fs->timeout);
}

/* /pidns/<id>: the view of a namespace alive now, else ENOENT. */
static void lookup_pidns(fuse_req_t req, struct pidfs_fs *fs,
			 const char *name)
{
	struct pid_namespace *put;
	struct node_key k;

	if (!view_root_key(fs, name, &k, &put))
		return (void)fuse_reply_err(req, ENOENT);
	reply_global_entry(req, fs, &k);
	put_pid_ns(put);
}

static void lookup_global(fuse_req_t req, struct pidfs_fs *fs,
			  const struct node_key *pk, const char *name)
{
	enum global_id parent = key_global(pk), g;
	struct node_key k = *pk;
	struct stat st;
	fuse_ino_t ino;
	pid_t nr;
	int err;

	if (!pk->view && parent == G_PIDNS)
		return lookup_pidns(req, fs, name);
	g = global_find(parent, name);
	if (g != G_NONE && pk->view && !globals[g].in_view)
		g = G_NONE;
	if (g == G_CTL) {
		err = ctl_new(fs, &st, &ino);
		if (err)
			return (void)fuse_reply_err(req, -err);
		return reply_entry_ref(req, fs, ino, &st, 0, 0);
	}
	if (g != G_NONE) {
		k.slot = SLOT_GLOBAL + g;
		return reply_global_entry(req, fs, &k);
	}
	nr = parent == G_ROOT ? pidfs_parse_pid_name(name) : -1;
	if (nr > 0) {
		k.pin = fs->pin->lookup(fs->k, pk->ns, nr);
		k.slot = E_DIR;
		if (k.pin)
			return reply_task_entry(req, fs, &k);
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

/*
 * A name a task's directory (other than task/) can never hold: pid_entries[]
 * is fixed, and a node stays the same task's for life.  A negative entry
 * (node id 0) lets the kernel cache that answer as a negative dentry, so
 * the names procps and psmisc probe for that pidfs lacks (ns/net, ns/mnt,
 * ...: pstree tries seven per process) cost one LOOKUP per timeout, not
 * one per walk.
 */
static void reply_never(fuse_req_t req, struct pidfs_fs *fs)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.entry_timeout = fs->timeout;
	fuse_reply_entry(req, &e);
}

static void lookup_task(fuse_req_t req, struct pidfs_fs *fs,
			const struct node_key *pk, const char *name)
{
	struct node_key k = *pk;

	if (pk->slot == E_TASK) {
		/*
		 * task/<tid>: a thread of this group, pinned by its own pid.
		 * The group is checked on the task the pin names, so that a
		 * number reused between two lookups cannot tie this entry to
		 * another process.
		 */
		pid_t tid = pidfs_parse_pid_name(name);
		struct task_struct *t, *th;
		bool ours = false;

		k.pin = tid > 0 ? fs->pin->lookup(fs->k, pk->ns, tid) : 0;
		if (!k.pin)
			return (void)fuse_reply_err(req, ENOENT);
		t = fs->pin->task(fs->k, pk->ns, pk->pin);
		th = fs->pin->task(fs->k, pk->ns, k.pin);
		ours = t && th && th->tgid == t->tgid;
		if (th)
			put_task_struct(th);
		if (t)
			put_task_struct(t);
		if (!ours) {
			fs->pin->put(k.pin, 1);
			return (void)fuse_reply_err(req, ENOENT);
		}
		k.slot = T_DIR;
	} else {
		k.slot = pid_entry_find((enum pid_entry_id)pk->slot, name);
		if (k.slot == NR_PID_ENTRIES)
			return reply_never(req, fs);
		fs->pin->get(k.pin);
	}
	reply_task_entry(req, fs, &k);
}

void pidfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct pidfs_fs *fs = fs_of(req);
	struct node_key pk;

	count(fs, FUSE_LOOKUP);
	if (strlen(name) > NAME_MAX)
		return (void)fuse_reply_err(req, ENAMETOOLONG);
	if (is_visitor_node(parent))
		return lookup_visitor(req, fs, parent, name);
	if (!node_key_of(fs, parent, &pk))
		return (void)fuse_reply_err(req, ENOTDIR);
	if (key_is_task(&pk)) {
		if (!S_ISDIR(pid_entries[pk.slot].mode))
			return (void)fuse_reply_err(req, ENOTDIR);
		return lookup_task(req, fs, &pk, name);
	}
	if (!S_ISDIR(globals[key_global(&pk)].mode))
		return (void)fuse_reply_err(req, ENOTDIR);
	lookup_global(req, fs, &pk, name);
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

/* The key of @k's tree for slot @slot, pin @pin. */
static struct node_key key_at(const struct node_key *k, pidfs_pin_t pin,
			      unsigned int slot)
{
	struct node_key at = *k;

	at.pin = pin;
	at.slot = slot;
	return at;
}

/*
 * A global directory of the root or of a view (@k): its globals, then,
 * for a root, the thread-group leaders with a number in @k's namespace,
 * by that number.
 */
static void readdir_root(struct pidfs_fs *fs, struct dirbuf *d,
			 const struct node_key *k, off_t off)
{
	enum global_id dir = key_global(k), g;
	struct node_key at;
	char name[16];

	if (off < 1 && !dir_add(d, ".", S_IFDIR, key_ino(k, 0), 1))
		return;
	at = key_at(k, 0, SLOT_GLOBAL + (globals[dir].parent ?
						 globals[dir].parent :
						 dir));
	if (off < 2 && !dir_add(d, "..", S_IFDIR, key_ino(&at, 0), 2))
		return;
	for (g = global_next(dir, 0); g != G_NONE; g = global_next(dir, g + 1)) {
		if (off >= g + 2 || (k->view && !globals[g].in_view))
			continue;
		at = key_at(k, 0, SLOT_GLOBAL + g);
		if (!dir_add(d, globals[g].name, globals[g].mode,
			     key_ino(&at, 0), g + 2))
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
	at = key_at(k, 0, E_DIR);
	for (int nr = off > PID_OFFSET ? (int)(off - PID_OFFSET) : 1;;) {
		struct task_struct *t;
		uint64_t serial = 0;
		bool leader = false;
		struct pid *pid;

		rcu_read_lock();
		pid = find_ge_pid_ns(nr, k->ns);
		if (pid) {
			nr = pid_nr_ns(pid, k->ns);
			t = pid_task(pid, PIDTYPE_PID);
			leader = t && t->group_leader == t;
			serial = fs->pin->serial_of_pid(pid, k->ns);
		}
		rcu_read_unlock();
		if (!pid)
			return;
		snprintf(name, sizeof(name), "%d", nr);
		if (leader && !dir_add(d, name, S_IFDIR, key_ino(&at, serial),
				       PID_OFFSET + nr + 1))
			return;
		nr++;
	}
}

/* /pidns: the views of the namespaces alive, by id, offsets from them. */
static void readdir_pidns(struct pidfs_fs *fs, struct dirbuf *d, off_t off)
{
	unsigned int *ids = NULL;
	struct node_key at;
	char name[16];
	int n;

	if (off < 1 && !dir_add(d, ".", S_IFDIR, G_PIDNS, 1))
		return;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, G_ROOT, 2))
		return;
	n = pid_ns_ids(root_ns(fs), &ids);
	for (int i = 0; i < n; i++) {
		off_t next = (off_t)(ids[i] - PROC_PID_INIT_INO) + 3;
		struct pid_namespace *put;
		bool ok;

		if (off >= next || !view_root_key_id(fs, ids[i], &at, &put))
			continue;
		put_pid_ns(put);
		snprintf(name, sizeof(name), "%u", ids[i]);
		ok = dir_add(d, name, S_IFDIR, key_ino(&at, 0), next);
		if (!ok)
			break;
	}
	free(ids);
}

struct tid_ent {
	pid_t nr;
	uint64_t serial;
};

static int tid_ent_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct tid_ent *)a)->nr;
	pid_t y = ((const struct tid_ent *)b)->nr;

	return (x > y) - (x < y);
}

static void readdir_task(struct pidfs_fs *fs, struct dirbuf *d,
			 const struct node_key *k, off_t off)
{
	struct task_struct *t = fs->pin->task(fs->k, k->ns, k->pin);
	struct node_key at;
	struct tid_ent *v;
	pid_t *tids;
	char name[16];
	int n, m = 0;

	if (!t)
		return;
	if (off < 1 && !dir_add(d, ".", S_IFDIR, 0, 1))
		goto out;
	if (off < 2 && !dir_add(d, "..", S_IFDIR, 0, 2))
		goto out;
	if (k->slot != E_TASK) {
		at = key_at(k, k->pin, 0);
		list_entries(d, (enum pid_entry_id)k->slot, off,
			     key_ino(&at, fs->pin->serial(k->pin)), false);
		goto out;
	}
	n = pidfs_thread_ids_get(t, &tids);
	v = n > 0 ? calloc((size_t)n, sizeof(*v)) : NULL;
	/* each thread by its number in the tree's namespace, ascending */
	for (int i = 0; v && i < n; i++) {
		struct pid *pid;

		rcu_read_lock();
		pid = find_pid_ns(tids[i], root_ns(fs));
		v[m].nr = pid_nr_ns(pid, k->ns);
		/* st_ino derives from the pin's serial, as lookup's does */
		if (v[m].nr)
			v[m++].serial = fs->pin->serial_of_pid(pid, k->ns);
		rcu_read_unlock();
	}
	if (k->view && m > 1)
		qsort(v, (size_t)m, sizeof(*v), tid_ent_cmp);
	at = key_at(k, 0, T_DIR);
	for (int i = 0; i < m; i++) {
		if (off >= PID_OFFSET + v[i].nr + 1)
			continue;
		snprintf(name, sizeof(name), "%d", v[i].nr);
		if (!dir_add(d, name, S_IFDIR, key_ino(&at, v[i].serial),
			     PID_OFFSET + v[i].nr + 1))
			break;
	}
	free(v);
	if (n > 0)
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
	struct node_key k;
	bool dir;

	count(fs, FUSE_READDIR);
	if (is_visitor_node(ino)) {
		dir = S_ISDIR(pid_entries[node_entry(ino)].mode);
	} else if (!node_key_of(fs, ino, &k)) {
		dir = false;
	} else {
		dir = S_ISDIR(key_is_task(&k) ?
				      pid_entries[k.slot].mode :
				      globals[key_global(&k)].mode);
	}
	if (!dir)
		return (void)fuse_reply_err(req, ENOTDIR);
	d.p = malloc(size ? size : 1);
	if (!d.p)
		return (void)fuse_reply_err(req, ENOMEM);
	if (is_visitor_node(ino))
		readdir_visitor(&d, ino, off);
	else if (key_is_task(&k))
		readdir_task(fs, &d, &k, off);
	else if (!k.view && key_global(&k) == G_PIDNS)
		readdir_pidns(fs, &d, off);
	else
		readdir_root(fs, &d, &k, off);
	fuse_reply_buf(req, d.p, d.used);
	free(d.p);
}
