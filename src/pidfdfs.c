// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pidfd files of the tree: /<pid>/pidfd and task/<tid>/pidfd, a
 * pidfd of the kernel's pidfs (fs/pidfs.c, 5.3 to 6.15) on this one.
 *
 * A looked-up pidfd node holds a pin, as every task node does, and a
 * pidfs inode (src/pidfd.c), as the kernel's pidfd holds a struct pid
 * and its pidfs inode keeps the exit status after reap (pidfs_exit()).
 * read: Key:\tvalue lines (pidfd_show()); poll: pidfd_poll()'s mask, the
 * handle kept in the pidfs inode and woken by the notifier (inval.c) at
 * exit and reap; ioctl(PIDFD_GET_INFO) through FUSE's restricted ioctl;
 * write: "kill [CODE]" or "exit [CODE]" on the task the pin finds.
 *
 * Locking: the pidfs inodes have their table's lock (pidfd.c); nothing
 * else here locks.  Poll and ioctl always reach the daemon, in both
 * serving modes: the kernel caches neither answer.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "fs-internal.h"
#include "pidfs/pidfd.h"

/*
 * A pidfd file's view of the task @pin names: the task's state and, once
 * it has exited, its exit status (the task's own while it is a zombie,
 * its pidfs inode's once reaped).  Never fails: a reaped task is a state.
 */
void pidfd_view_of(struct pidfs_fs *fs, const struct node_key *k,
		   struct task_info *ti, struct pidfd_view *v)
{
	memset(v, 0, sizeof(*v));
	v->ti = ti;
	v->serial = fs->pin->serial(k->pin);
	if (task_info_of(fs, k, ti)) {
		v->state = PIDFD_REAPED;
		v->has_exit = pidfd_inode_exit_code(fs->pidfds, k->pin,
						    &v->exit_code);
	} else if (ti->exit_state) {
		v->state = PIDFD_EXITED;
		v->has_exit = true;
		v->exit_code = pidfd_wait_status(ti->exit_code);
	}
}

/* A pidfd file's text, and its attributes; any thread. */
size_t pidfd_render(struct pidfs_fs *fs, const struct node_key *k,
		    struct task_info *ti, char *buf, size_t size)
{
	struct pidfd_view v;
	size_t len;

	pidfd_view_of(fs, k, ti, &v);
	len = pidfd_show(buf, size, &v);
	return len < size ? len : size - 1;
}

void pidfd_attr(struct pidfs_fs *fs, const struct node_key *k,
		struct stat *st)
{
	struct task_info ti;
	struct pidfd_view v;
	char buf[512];

	pidfd_view_of(fs, k, &ti, &v);
	attr_init(fs, st, pid_entries[k->slot].mode,
		  key_ino(k, fs->pin->serial(k->pin)));
	st->st_size = (off_t)pidfd_show(buf, sizeof(buf), &v);
	if (v.state != PIDFD_REAPED) {
		st->st_uid = ti.uid;
		st->st_gid = ti.gid;
		attr_time_ns(st, pidfs_kernel_boot_time(fs->k), ti.start_time);
	}
}

/* A poll handle no longer kept: pidfd_table's drop callback. */
void pollhandle_drop(void *ph)
{
	fuse_pollhandle_destroy(ph);
}

int pidfd_node_get(struct pidfs_fs *fs, pidfs_pin_t pin)
{
	return pidfd_inode_get(fs->pidfds, pin);
}

void pidfd_node_put(struct pidfs_fs *fs, pidfs_pin_t pin, uint64_t n)
{
	pidfd_inode_put(fs->pidfds, pin, n, pollhandle_drop);
}

/*
 * A pidfd's "kill [CODE]" or "exit [CODE]": the command ctl would run,
 * on the task the file's pin names now, so each pin model answers its
 * way: pid, ESRCH once the struct pid has no task; task, ESRCH for a
 * released task, still charged; nr, whoever has the number now.  The
 * task is resolved, then acted on by its number (the task layer acts on
 * numbers only), and answered once its invalidations are out, as ctl is.
 * So one window is left open, which a task-layer call taking the task
 * itself would close: a command run between the two that reaps the task
 * and hands its number to a new one makes this write reach the new one.
 * Permission as kill(2)'s: root, the mount's owner, or the task's owner.
 */
void pidfd_write(fuse_req_t req, struct pidfs_fs *fs, fuse_ino_t ino,
			const char *buf, size_t size)
{
	uid_t uid = fuse_req_ctx(req)->uid;
	struct task_struct *t;
	struct pidfd_cmd cmd;
	struct task_info ti;
	struct inval_job *j, *later;
	struct pidfs_op op = { .event = inval_on_event };
	struct node_key k;
	int err;

	if (pidfd_parse_cmd(buf, size, &cmd))
		return (void)fuse_reply_err(req, EINVAL);
	if (!node_key_of(fs, ino, &k))
		return (void)fuse_reply_err(req, ENOENT);
	/* resolved in the file's own namespace, acted on by the initial's */
	t = fs->pin->task(fs->k, k.ns, k.pin);
	if (!t)
		return (void)fuse_reply_err(req, ESRCH);
	err = pidfs_task_info(t, &ti);
	put_task_struct(t);
	if (err)
		return (void)fuse_reply_err(req, -err);
	if (uid && uid != fs->uid && uid != ti.uid)
		return (void)fuse_reply_err(req, EPERM);
	j = inval_job_new(fs);
	later = inval_job_new(fs);
	if (!j || !later) {
		free(j);
		free(later);
		return (void)fuse_reply_err(req, ENOMEM);
	}
	op.arg = j;
	pidfs_kernel_begin(fs->k, &op);
	if (cmd.op == PIDFD_OP_KILL)
		err = pidfs_kill(fs->k, ti.pid, cmd.code);
	else
		err = pidfs_exit(fs->k, ti.pid, cmd.code);
	pidfs_kernel_end(fs->k);
	inval_job_delete_siblings(fs, j);
	inval_job_split_self(j, later, ino);
	inval_job_answer(j, req, -err, size);
	inval_job_queue(fs, j);
	inval_job_queue(fs, later);
}

/*
 * poll: every file answers, since one ENOSYS would turn poll off for the
 * whole mount.  Files are always ready (ctl for writing too); a pidfd
 * answers as pidfd_poll() and keeps the handle in its pidfs inode, which
 * the notifier wakes at the task's exit and at its reap.  The handle is
 * kept before the state is read, so an exit between the two still wakes
 * it.  Always reaches the daemon: the kernel caches no poll answer.
 */
void pidfs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		struct fuse_pollhandle *ph)
{
	struct pidfs_fs *fs = fs_of(req);
	unsigned int mask = POLLIN | POLLRDNORM;
	struct pidfd_view v;
	struct task_info ti;
	struct node_key k;
	void *evicted = NULL;

	count(fs, FUSE_POLL);
	if (!node_key_of(fs, ino, &k) || !key_is_pidfd(&k)) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		if (is_ctl_node(ino))
			mask |= POLLOUT | POLLWRNORM;
		return (void)fuse_reply_poll(req, mask);
	}
	if (ph && pidfd_inode_add_waiter(fs->pidfds, k.pin, ph, &evicted))
		fuse_pollhandle_destroy(ph);
	if (evicted) {
		/* its poller polls again and hands a fresh handle */
		fuse_lowlevel_notify_poll(evicted);
		fuse_pollhandle_destroy(evicted);
	}
	pidfd_view_of(fs, &k, &ti, &v);
	fuse_reply_poll(req, pidfd_poll_mask(v.state));
}

/*
 * ioctl: PIDFD_GET_INFO on a pidfd, through FUSE's restricted ioctl (the
 * kernel copies _IOC_SIZE bytes each way).  Like copy_struct_to_user(),
 * the reply is the caller's size: ours, then zeroes.  ENOTTY otherwise.
 */
void pidfs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
		 struct fuse_file_info *fi, unsigned int flags,
		 const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct pidfs_fs *fs = fs_of(req);
	struct pidfd_info info;
	struct pidfd_view v;
	struct task_info ti;
	struct node_key k;
	uint64_t mask = 0;
	int usize, err;
	char *out;

	count(fs, FUSE_IOCTL);
	if (!node_key_of(fs, ino, &k) || !key_is_pidfd(&k) ||
	    !pidfd_is_get_info(cmd))
		return (void)fuse_reply_err(req, ENOTTY);
	usize = pidfd_info_size(cmd);
	if (usize < 0)
		return (void)fuse_reply_err(req, -usize);
	if (in_bufsz < sizeof(mask) || out_bufsz < (size_t)usize)
		return (void)fuse_reply_err(req, EINVAL);
	memcpy(&mask, in_buf, sizeof(mask));
	pidfd_view_of(fs, &k, &ti, &v);
	err = pidfd_get_info(&v, mask, &info);
	if (err)
		return (void)fuse_reply_err(req, -err);
	out = calloc(1, (size_t)usize);
	if (!out)
		return (void)fuse_reply_err(req, ENOMEM);
	memcpy(out, &info,
	       (size_t)usize < sizeof(info) ? (size_t)usize : sizeof(info));
	fuse_reply_ioctl(req, 0, out, (size_t)usize);
	free(out);
}
