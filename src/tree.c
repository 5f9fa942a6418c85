// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tree as data, as fs/proc/base.c has it: the per-pid directory is a
 * table (pid_entries[], like tgid_base_stuff[] and tid_base_stuff[] in
 * one), walked in exactly one place (pid_entry_next(), the counterpart of
 * proc_pident_lookup() and proc_pident_readdir()) by lookup, readdir,
 * getattr and the invalidations alike.  The root's table is globals[]
 * (globals.c), walked likewise.  Show functions (procfmt.c) receive the
 * task's information and know nothing of FUSE.
 *
 * Also here: attributes and rendering of task files, and visitors.  A
 * reader of the tree is a real process, not one of the model's, yet tools
 * look themselves up: procps reads /proc/self and then /proc/<getpid()>,
 * and gives up if that is missing.  So a lookup of the caller's own
 * number, when no model task has it, finds a read-only "visitor" entry
 * describing the caller (its name from the host's proc).  Visitors are
 * never listed, pin nothing and are never cached.
 *
 * Nothing here locks: the model locks itself, and the tables are
 * constant.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fs-internal.h"
#include "pidfs/procfmt.h"

/* ---- the per-pid table ------------------------------------------------ */

const struct pid_entry pid_entries[NR_PID_ENTRIES] = {
	[E_DIR] = { NULL, S_IFDIR | 0555, E_DIR, NULL },
	[E_STAT] = { "stat", S_IFREG | 0444, E_DIR, procfmt_stat },
	[E_STATUS] = { "status", S_IFREG | 0444, E_DIR, procfmt_status },
	[E_CMDLINE] = { "cmdline", S_IFREG | 0444, E_DIR, procfmt_cmdline },
	[E_COMM] = { "comm", S_IFREG | 0444, E_DIR, procfmt_comm },
	[E_STATM] = { "statm", S_IFREG | 0444, E_DIR, procfmt_statm },
	[E_ENVIRON] = { "environ", S_IFREG | 0400, E_DIR, procfmt_empty },
	[E_FD] = { "fd", S_IFDIR | 0500, E_DIR, NULL },
	[E_FDINFO] = { "fdinfo", S_IFDIR | 0555, E_DIR, NULL },
	[E_CWD] = { "cwd", S_IFLNK | 0777, E_DIR, procfmt_fs_root },
	[E_EXE] = { "exe", S_IFLNK | 0777, E_DIR, procfmt_exe },
	[E_ROOT] = { "root", S_IFLNK | 0777, E_DIR, procfmt_fs_root },
	[E_LIMITS] = { "limits", S_IFREG | 0444, E_DIR, procfmt_limits },
	[E_IO] = { "io", S_IFREG | 0400, E_DIR, procfmt_io },
	[E_WCHAN] = { "wchan", S_IFREG | 0444, E_DIR, procfmt_wchan },
	[E_MAPS] = { "maps", S_IFREG | 0444, E_DIR, procfmt_empty },
	/* dr-x--x--x, as Linux's ns directory */
	[E_NS] = { "ns", S_IFDIR | 0511, E_DIR, NULL },
	[E_NS_PID] = { "pid", S_IFLNK | 0777, E_NS, procfmt_ns_pid },
	[E_NS_PID_FOR_CHILDREN] = { "pid_for_children", S_IFLNK | 0777, E_NS,
				    procfmt_ns_pid_for_children },
	/* read and write for the owner, as a pidfs inode's S_IRWXU */
	[E_PIDFD] = { "pidfd", S_IFREG | 0600, E_DIR, NULL },
	[E_TASK] = { "task", S_IFDIR | 0555, E_DIR, NULL },
	[T_DIR] = { NULL, S_IFDIR | 0555, E_TASK, NULL },
	[T_STAT] = { "stat", S_IFREG | 0444, T_DIR, procfmt_stat },
	[T_STATUS] = { "status", S_IFREG | 0444, T_DIR, procfmt_status },
	[T_CMDLINE] = { "cmdline", S_IFREG | 0444, T_DIR, procfmt_cmdline },
	[T_COMM] = { "comm", S_IFREG | 0444, T_DIR, procfmt_comm },
	[T_STATM] = { "statm", S_IFREG | 0444, T_DIR, procfmt_statm },
	[T_ENVIRON] = { "environ", S_IFREG | 0400, T_DIR, procfmt_empty },
	[T_FD] = { "fd", S_IFDIR | 0500, T_DIR, NULL },
	[T_FDINFO] = { "fdinfo", S_IFDIR | 0555, T_DIR, NULL },
	[T_CWD] = { "cwd", S_IFLNK | 0777, T_DIR, procfmt_fs_root },
	[T_EXE] = { "exe", S_IFLNK | 0777, T_DIR, procfmt_exe },
	[T_ROOT] = { "root", S_IFLNK | 0777, T_DIR, procfmt_fs_root },
	[T_LIMITS] = { "limits", S_IFREG | 0444, T_DIR, procfmt_limits },
	[T_IO] = { "io", S_IFREG | 0400, T_DIR, procfmt_io },
	[T_WCHAN] = { "wchan", S_IFREG | 0444, T_DIR, procfmt_wchan },
	[T_MAPS] = { "maps", S_IFREG | 0444, T_DIR, procfmt_empty },
	[T_NS] = { "ns", S_IFDIR | 0511, T_DIR, NULL },
	[T_NS_PID] = { "pid", S_IFLNK | 0777, T_NS, procfmt_ns_pid },
	[T_NS_PID_FOR_CHILDREN] = { "pid_for_children", S_IFLNK | 0777, T_NS,
				    procfmt_ns_pid_for_children },
	[T_PIDFD] = { "pidfd", S_IFREG | 0600, T_DIR, NULL },
};

enum pid_entry_id pid_entry_next(enum pid_entry_id dir, int from)
{
	for (int i = from < 0 ? 0 : from; i < NR_PID_ENTRIES; i++)
		if (pid_entries[i].parent == dir && i != (int)dir)
			return (enum pid_entry_id)i;
	return NR_PID_ENTRIES;
}

enum pid_entry_id pid_entry_find(enum pid_entry_id dir, const char *name)
{
	enum pid_entry_id e;

	for_each_pid_entry(e, dir)
		if (pid_entries[e].name && !strcmp(pid_entries[e].name, name))
			return e;
	return NR_PID_ENTRIES;
}

enum global_id global_next(enum global_id dir, int from)
{
	for (int g = from <= G_ROOT ? G_ROOT + 1 : from; g < NR_GLOBALS; g++)
		if (globals[g].parent == dir)
			return (enum global_id)g;
	return G_NONE;
}

enum global_id global_find(enum global_id dir, const char *name)
{
	for (enum global_id g = global_next(dir, 0); g != G_NONE;
	     g = global_next(dir, (int)g + 1))
		if (!strcmp(globals[g].name, name))
			return g;
	return G_NONE;
}

/* ---- attributes and rendering ------------------------------------------ */

void attr_init(struct pidfs_fs *fs, struct stat *st, mode_t mode,
	       uint64_t ino)
{
	time_t boot = (time_t)pidfs_kernel_boot_time(fs->k);

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = mode;
	/* Directories say 1: their subdirectory count is not known. */
	st->st_nlink = 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_blksize = 4096;
	st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = boot;
}

void attr_time_ns(struct stat *st, uint64_t boot, uint64_t ns)
{
	st->st_mtim.tv_sec = (time_t)(boot + ns / 1000000000u);
	st->st_mtim.tv_nsec = (long)(ns % 1000000000u);
	st->st_ctim = st->st_atim = st->st_mtim;
}

/*
 * What the task @k's pin names shows now, seen from @k's namespace;
 * -ESRCH when it is gone (or has no number there).
 */
int task_info_of(struct pidfs_fs *fs, const struct node_key *k,
		 struct task_info *ti)
{
	struct task_struct *t = fs->pin->task(fs->k, k->ns, k->pin);
	int err;

	if (!t)
		return -ESRCH;
	err = pidfs_task_info_ns(t, k->ns, ti);
	put_task_struct(t);
	return err;
}

/* Render task entry @k of the task its pin names, into @buf. */
int task_render(struct pidfs_fs *fs, const struct node_key *k,
		struct task_info *ti, char *buf, size_t size, size_t *len)
{
	int err;

	if (key_is_pidfd(k)) {
		*len = pidfd_render(fs, k, ti, buf, size);
		return 0;
	}
	err = task_info_of(fs, k, ti);

	if (err)
		return err;
	*len = 0;
	if (pid_entries[k->slot].show) {
		*len = pid_entries[k->slot].show(buf, size, ti);
		if (*len >= size)
			*len = size - 1;
	}
	return 0;
}

int task_attr(struct pidfs_fs *fs, const struct node_key *k, struct stat *st)
{
	enum pid_entry_id e = (enum pid_entry_id)k->slot;
	struct task_info ti;
	int err;

	if (e >= NR_PID_ENTRIES)
		return -ENOENT;
	if (key_is_pidfd(k)) {
		pidfd_attr(fs, k, st);
		return 0;
	}
	err = task_info_of(fs, k, &ti);
	if (err)
		return err;
	attr_init(fs, st, pid_entries[e].mode,
		  key_ino(k, fs->pin->serial(k->pin)));
	st->st_uid = ti.uid;
	st->st_gid = ti.gid;
	/*
	 * The exact length, since tools trust it (tail seeks to it).  The
	 * price: a read that passed its size check just before an event
	 * invalidated the file may get the new content cut to the old
	 * length (doc/caching.md, "Races, and -o exact").
	 */
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) {
		char buf[RENDER_MAX];
		size_t len = pid_entries[e].show(buf, sizeof(buf), &ti);

		st->st_size = (off_t)(len < sizeof(buf) ? len : sizeof(buf) - 1);
	}
	attr_time_ns(st, pidfs_kernel_boot_time(fs->k), ti.start_time);
	return 0;
}

/* The visitor's task: the caller, by its number and its host name. */
static void visitor_info(fuse_req_t req, pid_t nr, struct task_info *ti)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	char path[64];
	FILE *f;

	memset(ti, 0, offsetof(struct task_info, args));
	ti->pid = ti->tgid = ti->pgrp = ti->session = nr;
	ti->uid = ctx->uid;
	ti->gid = ctx->gid;
	ti->state = TASK_RUNNING;
	ti->nr_threads = 1;
	ti->is_leader = true;
	snprintf(ti->comm, sizeof(ti->comm), "visitor");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)nr);
	f = fopen(path, "re");
	if (f) {
		if (fgets(ti->comm, sizeof(ti->comm), f))
			ti->comm[strcspn(ti->comm, "\n")] = '\0';
		fclose(f);
	}
}

size_t visitor_render(fuse_req_t req, fuse_ino_t ino, struct task_info *ti,
		      char *buf, size_t size)
{
	enum pid_entry_id e = node_entry(ino);
	size_t len = 0;

	visitor_info(req, visitor_nr(ino), ti);
	if (e < NR_PID_ENTRIES && pid_entries[e].show) {
		len = pid_entries[e].show(buf, size, ti);
		if (len >= size)
			len = size - 1;
	}
	return len;
}

int visitor_attr(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
		 struct stat *st)
{
	enum pid_entry_id e = node_entry(ino);
	struct task_info ti;
	char buf[RENDER_MAX];
	size_t len;

	if (e >= NR_PID_ENTRIES)
		return -ENOENT;
	len = visitor_render(req, ino, &ti, buf, sizeof(buf));
	attr_init(fs, st, pid_entries[e].mode, 0);
	st->st_uid = ti.uid;
	st->st_gid = ti.gid;
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode))
		st->st_size = (off_t)len;
	attr_time_ns(st, pidfs_kernel_boot_time(fs->k),
		     pidfs_kernel_uptime_ns(fs->k));
	return 0;
}

int node_attr(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
	      struct stat *st, double *timeout)
{
	struct node_key k;
	enum global_id g;
	int err;

	*timeout = fs->timeout;
	if (is_visitor_node(ino)) {
		*timeout = 0;
		return visitor_attr(fs, req, ino, st);
	}
	if (is_ctl_node(ino)) {
		*timeout = 0;
		return ctl_node_attr(fs, ino, st);
	}
	if (!node_key_of(fs, ino, &k))
		return -ENOENT;
	if (key_is_task(&k))
		return task_attr(fs, &k, st);
	g = key_global(&k);
	if (globals[g].dynamic)
		*timeout = 0;
	err = global_attr(fs, g, st);
	st->st_ino = key_ino(&k, 0);
	return err;
}

/*
 * Render file node @ino into @buf as a read now sees it: a task or
 * visitor file rendered now; a dynamic global from its snapshot, made
 * anew first if @fresh.  Not for ctl, whose content is its reply.
 * Returns 0 or -errno.
 */
int node_render(struct pidfs_fs *fs, fuse_req_t req, fuse_ino_t ino,
		bool fresh, char *buf, size_t size, size_t *len)
{
	struct task_info ti;
	struct node_key k;
	enum global_id g;

	if (is_visitor_node(ino)) {
		*len = visitor_render(req, ino, &ti, buf, size);
		return 0;
	}
	if (!node_key_of(fs, ino, &k))
		return -EISDIR;
	if (key_is_task(&k)) {
		if (!S_ISREG(pid_entries[k.slot].mode))
			return -EISDIR;
		return task_render(fs, &k, &ti, buf, size, len);
	}
	g = key_global(&k);
	if (!globals[g].show || !S_ISREG(globals[g].mode))
		return -EISDIR;
	*len = global_render(fs, g, fresh, buf, size);
	return 0;
}
