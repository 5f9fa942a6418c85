// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs: the /proc-like tree over the simulated kernel, on the FUSE
 * low-level API.  This file is the dispatcher, as lxcfs.c is over its
 * rooms: the operations table, getattr, setattr, statfs, the refusals of
 * every change but ctl's, and the life cycle.  fs-internal.h lists the
 * rooms and the node-id design; doc/caching.md says why files are served
 * the way they are.
 *
 * Models fs/proc/base.c and fs/proc/root.c: a directory per thread-group
 * leader, whose inodes hold a pin on the task (pin.h: a struct pid, a
 * task_struct or a bare number, by mount option).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "fs-internal.h"
#include "pidfs/lowmem.h"
#include "pidfs/pidfd.h"

static void pidfs_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct stat st;
	double timeout;
	int err;

	count(fs, FUSE_GETATTR);
	err = node_attr(fs, req, ino, &st, &timeout);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, timeout);
}

static void pidfs_opendir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	count(fs_of(req), FUSE_OPENDIR);
	fuse_reply_err(req, ENOSYS);
}

/*
 * The tree is the model's to change, through ctl: every other change is
 * refused with EPERM, as procfs refuses unlink and chmod.  One exception:
 * ctl may be truncated, since a shell's "> ctl" opens it with O_TRUNC.
 */
static void pidfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct node_key k;
	struct stat st;

	count(fs, FUSE_SETATTR);
	if (node_key_of(fs, ino, &k) && key_is_pidfd(&k) &&
	    to_set == FUSE_SET_ATTR_SIZE) {
		/* O_TRUNC of a command file: nothing to truncate */
		pidfd_attr(fs, &k, &st);
		return (void)fuse_reply_attr(req, &st, 0);
	}
	if (!is_ctl_node(ino) || (to_set & ~(FUSE_SET_ATTR_SIZE |
					     FUSE_SET_ATTR_ATIME_NOW |
					     FUSE_SET_ATTR_MTIME_NOW |
					     FUSE_SET_ATTR_ATIME |
					     FUSE_SET_ATTR_MTIME)))
		return (void)fuse_reply_err(req, EPERM);
	if (fuse_req_ctx(req)->uid != fs->uid)
		return (void)fuse_reply_err(req, EACCES);
	if (ctl_node_attr(fs, ino, &st))
		return (void)fuse_reply_err(req, ENOENT);
	fuse_reply_attr(req, &st, 0);
}

static void pidfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, dev_t rdev)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			  const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			 fuse_ino_t newparent, const char *newname,
			 unsigned int flags)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		       const char *newname)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
			 mode_t mode, struct fuse_file_info *fi)
{
	fuse_reply_err(req, EPERM);
}

static void pidfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct pidfs_fs *fs = fs_of(req);
	struct lowmem_stats ls;
	struct statvfs sv;

	count(fs, FUSE_STATFS);
	lowmem_read_stats(pidfs_kernel_lowmem(fs->k), &ls);
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = sv.f_frsize = 1024;
	sv.f_blocks = ls.budget >> 10;
	sv.f_bfree = sv.f_bavail = (ls.budget - ls.used) >> 10;
	sv.f_files = (fsfilcnt_t)pid_ns_pid_max(pidfs_kernel_ns(fs->k));
	sv.f_namemax = NAME_MAX;
	fuse_reply_statfs(req, &sv);
}

static void pidfs_init(void *userdata, struct fuse_conn_info *conn)
{
	/* Parallel lookups and reads; nothing to gain from readdirplus. */
	conn->want &= ~FUSE_CAP_READDIRPLUS;
	conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
	if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
		conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
#ifdef FUSE_CAP_CACHE_SYMLINKS
	/* Links in the page cache too, invalidated with the task's files. */
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
#endif
}

const struct fuse_lowlevel_ops pidfs_fs_ops = {
	.init = pidfs_init,
	.lookup = pidfs_lookup,
	.forget = pidfs_forget,
	.forget_multi = pidfs_forget_multi,
	.getattr = pidfs_getattr,
	.setattr = pidfs_setattr,
	.readlink = pidfs_readlink,
	.mknod = pidfs_mknod,
	.mkdir = pidfs_mkdir,
	.unlink = pidfs_unlink,
	.rmdir = pidfs_unlink,
	.symlink = pidfs_symlink,
	.rename = pidfs_rename,
	.link = pidfs_link,
	.create = pidfs_create,
	.open = pidfs_open,
	.release = pidfs_release,
	.read = pidfs_read,
	.write = pidfs_write,
	.opendir = pidfs_opendir,
	.readdir = pidfs_readdir,
	.statfs = pidfs_statfs,
	.poll = pidfs_poll,
	.ioctl = pidfs_ioctl,
};

/* ---- life cycle --------------------------------------------------------- */

struct pidfs_fs *pidfs_fs_create(const struct pidfs_fs_params *params)
{
	struct pidfs_fs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->k = params->kernel;
	fs->pin = pidfs_pin_ops(params->model);
	fs->uid = params->uid;
	fs->gid = params->gid;
	fs->timeout = params->timeout;
	fs->exact = params->exact;
	fs->ctl = pidfs_ctl_create(fs->k);
	fs->pidfds = pidfd_table_create(pidfs_kernel_lowmem(fs->k));
	if (!fs->ctl || !fs->pidfds) {
		pidfd_table_destroy(fs->pidfds, pollhandle_drop);
		if (fs->ctl)
			pidfs_ctl_destroy(fs->ctl);
		free(fs);
		return NULL;
	}
	for (int g = 0; g < NR_GLOBALS; g++)
		pthread_mutex_init(&fs->snaps[g].lock, NULL);
	pthread_mutex_init(&fs->ctl_lock, NULL);
	pthread_mutex_init(&fs->view_lock, NULL);
	pthread_mutex_init(&fs->nq_lock, NULL);
	pthread_cond_init(&fs->nq_cond, NULL);
	return fs;
}

int pidfs_fs_start(struct pidfs_fs *fs, struct fuse_session *se)
{
	fs->se = se;
	return inval_start(fs);
}

void pidfs_fs_stop(struct pidfs_fs *fs)
{
	inval_stop(fs);
}

int pidfs_fs_shutdown(struct pidfs_fs *fs, char *why, size_t why_size)
{
	struct lowmem *lm = pidfs_kernel_lowmem(fs->k);
	uint64_t refs = __atomic_load_n(&fs->kernel_refs, __ATOMIC_RELAXED);
	struct pidfs_pin_audit a;
	struct lowmem_stats ls;
	int err;

	inval_stop(fs);
	/* the kernel's pidfs inodes went with the mount: their exit info too */
	pidfd_table_destroy(fs->pidfds, pollhandle_drop);
	fs->pidfds = NULL;
	pidfs_kernel_release_all(fs->k);
	/* the views' nodes: their namespaces; their pins count below */
	view_release_all(fs, false);

	/*
	 * What is still allocated now is held by the inodes the kernel had
	 * not forgotten when the mount went away, and nothing else: the pin
	 * model counts their references against our own count of lookups,
	 * then drops them.
	 */
	err = pidfs_pin_release_leftovers(fs->pin, fs->k, refs, &a);
	rcu_barrier();
	if (err == -ENOMEM) {
		snprintf(why, why_size, "out of memory auditing the leftovers");
		return err;
	}
	if (err)
		snprintf(why, why_size,
			 "kernel held %llu references; found %zu pids "
			 "(%llu refs), %zu tasks (%llu refs)",
			 (unsigned long long)refs, a.pids,
			 (unsigned long long)a.pid_refs, a.tasks,
			 (unsigned long long)a.task_refs);

	lowmem_read_stats(lm, &ls);
	if (!err && (ls.kind[LOWMEM_PID].objects || ls.kind[LOWMEM_TASK].objects ||
		     ls.kind[LOWMEM_PID].pinned ||
		     ls.kind[LOWMEM_TASK].pinned)) {
		err = -EBADE;
		snprintf(why, why_size,
			 "after release: %llu pids (%llu pinned), %llu tasks "
			 "(%llu pinned) still allocated",
			 (unsigned long long)ls.kind[LOWMEM_PID].objects,
			 (unsigned long long)ls.kind[LOWMEM_PID].pinned,
			 (unsigned long long)ls.kind[LOWMEM_TASK].objects,
			 (unsigned long long)ls.kind[LOWMEM_TASK].pinned);
	}
	if (!err)
		snprintf(why, why_size,
			 "released %llu references the kernel held; nothing "
			 "leaked",
			 (unsigned long long)refs);
	return err;
}

void pidfs_fs_destroy(struct pidfs_fs *fs)
{
	if (!fs)
		return;
	inval_stop(fs);
	ctl_destroy_all(fs);
	view_release_all(fs, true);
	free(fs->view_ids);
	free(fs->view_keys);
	for (int g = 0; g < NR_GLOBALS; g++) {
		free(fs->snaps[g].buf);
		pthread_mutex_destroy(&fs->snaps[g].lock);
	}
	pidfd_table_destroy(fs->pidfds, pollhandle_drop);
	pidfs_ctl_destroy(fs->ctl);
	pthread_mutex_destroy(&fs->ctl_lock);
	pthread_mutex_destroy(&fs->view_lock);
	pthread_mutex_destroy(&fs->nq_lock);
	pthread_cond_destroy(&fs->nq_cond);
	free(fs);
}
