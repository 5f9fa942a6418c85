// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files: read, readlink, write, open and release.
 *
 * In the default, cached mode pidfs answers no OPEN (doc/caching.md): the
 * kernel opens files itself and serves reads from its page cache, which
 * the invalidations (inval.c) keep exact.  With -o exact, OPEN is
 * answered with direct I/O and an open file of pidfs's own, a seq_file in
 * effect: a read at offset 0 renders anew, later reads continue that
 * rendering.
 *
 * ctl is a transaction file, as the kernel's simple_transaction files:
 * write(2) one command, read(2) the reply from offset 0.  Each lookup of
 * "ctl" makes an instance of its own (a node id and a reply buffer), so
 * separate opens never share a reply; with -o exact the reply also
 * belongs to the open file, so threads sharing one descriptor read whole
 * replies.  A write is answered by the invalidation thread, once the
 * kernel has dropped what the command changed.
 *
 * Locking: fs->ctl_lock protects the ctl instances; an open file has its
 * own lock.  Reads copy what they return under the lock and reply after
 * dropping it: a reply wakes the reader, whose close may free the open
 * file (RELEASE) or the ctl instance (FORGET) at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "daemonlog.h"
#include "fs-internal.h"

/* ---- ctl instances --------------------------------------------------------- */

static struct ctl_file *ctl_find(struct pidfs_fs *fs, fuse_ino_t ino)
{
	struct ctl_file *c = fs->ctls[ino % CTL_BUCKETS];

	while (c && c->nodeid != ino)
		c = c->next;
	return c;
}

static void ctl_attr(struct pidfs_fs *fs, struct ctl_file *c, struct stat *st)
{
	attr_init(fs, st, globals[G_CTL].mode, G_CTL);
	st->st_size = (off_t)c->reply.len;
	attr_time_ns(st, pidfs_kernel_boot_time(fs->k), c->version);
}

int ctl_node_attr(struct pidfs_fs *fs, fuse_ino_t ino, struct stat *st)
{
	struct ctl_file *c;

	pthread_mutex_lock(&fs->ctl_lock);
	c = ctl_find(fs, ino);
	if (c)
		ctl_attr(fs, c, st);
	pthread_mutex_unlock(&fs->ctl_lock);
	return c ? 0 : -ENOENT;
}

/* A fresh ctl instance, looked up once: its node id and attributes. */
int ctl_new(struct pidfs_fs *fs, struct stat *st, fuse_ino_t *ino)
{
	struct ctl_file *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	pthread_mutex_lock(&fs->ctl_lock);
	c->nodeid = NODE_CTL | ++fs->ctl_seq;
	c->nlookup = 1;
	c->next = fs->ctls[c->nodeid % CTL_BUCKETS];
	fs->ctls[c->nodeid % CTL_BUCKETS] = c;
	ctl_attr(fs, c, st);
	pthread_mutex_unlock(&fs->ctl_lock);
	*ino = c->nodeid;
	return 0;
}

/* Drop @n lookups of ctl instance @ino: the last frees it. */
void ctl_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n)
{
	struct ctl_file *c, **pp;

	pthread_mutex_lock(&fs->ctl_lock);
	for (pp = &fs->ctls[ino % CTL_BUCKETS]; (c = *pp); pp = &c->next) {
		if (c->nodeid != ino)
			continue;
		if (c->nlookup > n) {
			c->nlookup -= n;
			break;
		}
		*pp = c->next;
		pidfs_ctl_reply_free(&c->reply);
		free(c);
		break;
	}
	pthread_mutex_unlock(&fs->ctl_lock);
}

/* At the end: the instances the kernel had not forgotten. */
void ctl_destroy_all(struct pidfs_fs *fs)
{
	for (int b = 0; b < CTL_BUCKETS; b++) {
		struct ctl_file *c, *next;

		for (c = fs->ctls[b]; c; c = next) {
			next = c->next;
			pidfs_ctl_reply_free(&c->reply);
			free(c);
		}
		fs->ctls[b] = NULL;
	}
}

/* ---- read ------------------------------------------------------------------ */

static void reply_slice(fuse_req_t req, const char *buf, size_t len,
			size_t size, off_t off)
{
	if (off < 0 || (size_t)off >= len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, buf + off,
			       len - (size_t)off < size ? len - (size_t)off :
							  size);
}

/*
 * The part of @buf a read of @size at @off returns, copied, so that it
 * can be replied once the lock guarding @buf is dropped: a reply wakes
 * the reader, whose close(2) may free the buffer (RELEASE) or its node
 * (FORGET) before the replying thread runs again.  NULL and *@n = 0 for
 * nothing to return; NULL with *@n != 0 when out of memory.
 */
static char *slice_dup(const char *buf, size_t len, size_t size, off_t off,
		       size_t *n)
{
	char *copy;

	*n = (off < 0 || (size_t)off >= len) ? 0 :
	     len - (size_t)off < size	     ? len - (size_t)off :
					       size;
	if (!*n)
		return NULL;
	copy = malloc(*n);
	if (copy)
		memcpy(copy, buf + off, *n);
	return copy;
}

/* Reply with @n bytes at @copy (from slice_dup()), and free them. */
static void reply_dup(fuse_req_t req, char *copy, size_t n)
{
	if (n && !copy)
		fuse_reply_err(req, ENOMEM);
	else
		fuse_reply_buf(req, copy, n);
	free(copy);
}

/*
 * -o exact: an open file of its own, as a seq_file.  A read at offset 0
 * renders the file anew into the open file's buffer; reads further on
 * are served from that buffer, so each read(2) is one rendering and a
 * file read in pieces is one rendering too, as in procfs.  ctl keeps its
 * transaction here: a write's reply belongs to the open file, so
 * threads sharing one ctl fd see whole replies, each theirs or another's.
 * Nothing of it is touched once a read is answered: the reader's close
 * may free it (RELEASE) at once.
 */
struct open_file {
	pthread_mutex_t lock;
	char *buf;			/* lock */
	size_t len;			/* lock */
	bool filled;			/* lock */
};

static struct open_file *open_file_of(const struct fuse_file_info *fi)
{
	return fi ? (struct open_file *)(uintptr_t)fi->fh : NULL;
}

static void open_file_free(struct open_file *of)
{
	if (!of)
		return;
	pthread_mutex_destroy(&of->lock);
	free(of->buf);
	free(of);
}

/* Make @len bytes at @buf what @of serves.  Call with @of->lock held. */
static int open_file_store(struct open_file *of, const char *buf, size_t len)
{
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	free(of->buf);
	of->buf = copy;
	of->len = len;
	of->filled = true;
	return 0;
}

static void read_exact(fuse_req_t req, struct pidfs_fs *fs, fuse_ino_t ino,
		       struct open_file *of, size_t size, off_t off)
{
	char buf[RENDER_MAX], *copy = NULL;
	size_t len, n = 0;
	int err = 0;

	pthread_mutex_lock(&of->lock);
	if (!is_ctl_node(ino) && (off == 0 || !of->filled)) {
		err = node_render(fs, req, ino, true, buf, sizeof(buf), &len);
		if (!err)
			err = open_file_store(of, buf, len);
	}
	if (!err)
		copy = slice_dup(of->buf, of->len, size, off, &n);
	pthread_mutex_unlock(&of->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		reply_dup(req, copy, n);
}

void pidfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct open_file *of = open_file_of(fi);
	char buf[RENDER_MAX], *copy;
	size_t len;
	int err;

	count(fs, FUSE_READ);
	if (of)
		return read_exact(req, fs, ino, of, size, off);
	if (is_ctl_node(ino)) {
		struct ctl_file *c;

		pthread_mutex_lock(&fs->ctl_lock);
		c = ctl_find(fs, ino);
		if (!c || fuse_req_ctx(req)->uid != fs->uid) {
			pthread_mutex_unlock(&fs->ctl_lock);
			return (void)fuse_reply_err(req, c ? EACCES : ENOENT);
		}
		copy = slice_dup(c->reply.buf, c->reply.len, size, off, &len);
		pthread_mutex_unlock(&fs->ctl_lock);
		return reply_dup(req, copy, len);
	}
	err = node_render(fs, req, ino, false, buf, sizeof(buf), &len);
	if (err)
		return (void)fuse_reply_err(req, -err);
	reply_slice(req, buf, len, size, off);
}

/* ---- readlink, write, open, release ----------------------------------------- */

/* A task's or a visitor's link: the rendered target, ENOENT if empty. */
void pidfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct pidfs_fs *fs = fs_of(req);
	struct task_info ti;
	struct node_key k;
	char buf[RENDER_MAX];
	size_t len = 0;
	int err;

	count(fs, FUSE_READLINK);
	if (is_visitor_node(ino)) {
		if (!S_ISLNK(pid_entries[node_entry(ino)].mode))
			return (void)fuse_reply_err(req, EINVAL);
		len = visitor_render(req, ino, &ti, buf, sizeof(buf));
	} else if (!node_key_of(fs, ino, &k)) {
		return (void)fuse_reply_err(req, EINVAL);
	} else if (!key_is_task(&k)) {
		if (key_global(&k) != G_SELF)
			return (void)fuse_reply_err(req, EINVAL);
		len = global_render(fs, G_SELF, false, buf, sizeof(buf));
	} else {
		if (!S_ISLNK(pid_entries[k.slot].mode))
			return (void)fuse_reply_err(req, EINVAL);
		err = task_render(fs, &k, &ti, buf, sizeof(buf), &len);
		if (err)
			return (void)fuse_reply_err(req, -err);
	}
	if (!len)
		return (void)fuse_reply_err(req, ENOENT);
	buf[len] = '\0';
	fuse_reply_readlink(req, buf);
}

/*
 * A write to anything but ctl is refused.  The kernel may hold the
 * refused bytes in its page cache already: a root process that opened a
 * task file for writing (root passes the 0444 check) and wrote through a
 * shared mapping has changed the cached page before its writeback asks
 * us.  So the file's cached pages are dropped once the refusal is sent
 * (the page is under writeback until then), and the next reader gets the
 * file as the model has it.
 */
void pidfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		 off_t off, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct pidfs_ctl_reply reply = { 0 };
	struct open_file *of;
	struct inval_job *j;
	struct ctl_file *c;
	int err;

	count(fs, FUSE_WRITE);
	if (node_is_pidfd(fs, ino))
		return pidfd_write(req, fs, ino, buf, size);
	if (!is_ctl_node(ino))
		return inval_after_reply(fs, req, EACCES, ino);
	if (fuse_req_ctx(req)->uid != fs->uid)
		return (void)fuse_reply_err(req, EACCES);
	/* One command per write(2), from the start of the file. */
	if (off != 0) {
		static const char why[] =
			"a write at an offset past 0: one command per "
			"write(2), from offset 0 (a command written before "
			"it on the same open file ran)";

		pidfs_log_refused(fuse_req_ctx(req)->pid, why,
				  sizeof(why) - 1);
		return (void)fuse_reply_err(req, EINVAL);
	}
	j = inval_job_new(fs);
	if (!j)
		return (void)fuse_reply_err(req, ENOMEM);

	err = pidfs_ctl_exec(fs->ctl, buf, size, &reply, inval_on_event, j);
	inval_job_delete_siblings(fs, j);
	if (err)
		pidfs_log_refused(fuse_req_ctx(req)->pid, reply.buf, reply.len);

	of = open_file_of(fi);
	if (of) {
		pthread_mutex_lock(&of->lock);
		open_file_store(of, reply.buf ? reply.buf : "", reply.len);
		pthread_mutex_unlock(&of->lock);
	}
	pthread_mutex_lock(&fs->ctl_lock);
	c = ctl_find(fs, ino);
	if (c) {
		pidfs_ctl_reply_free(&c->reply);
		c->reply = reply;
		c->version++;
		reply.buf = NULL;
	}
	pthread_mutex_unlock(&fs->ctl_lock);
	pidfs_ctl_reply_free(&reply);

	inval_job_answer(j, req, -err, size);
	inval_job_queue(fs, j);
}

/*
 * No OPEN and no FLUSH: the kernel then opens and closes files itself and
 * reads them from its page cache.  ENOSYS here is remembered by the kernel
 * for the whole connection.
 */
void pidfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pidfs_fs *fs = fs_of(req);
	struct open_file *of;

	count(fs, FUSE_OPEN);
	if (!fs->exact)
		return (void)fuse_reply_err(req, ENOSYS);
	/*
	 * -o exact: an open file of our own, read past the page cache.
	 * Only ctl and pidfds may be written: refused here, no byte
	 * reaches a cache.
	 */
	if ((fi->flags & O_ACCMODE) != O_RDONLY && !is_ctl_node(ino) &&
	    !node_is_pidfd(fs, ino))
		return (void)fuse_reply_err(req, EACCES);
	of = calloc(1, sizeof(*of));
	if (!of)
		return (void)fuse_reply_err(req, ENOMEM);
	pthread_mutex_init(&of->lock, NULL);
	fi->fh = (uintptr_t)of;
	fi->direct_io = 1;
	if (fuse_reply_open(req, fi))
		open_file_free(of);
}

void pidfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	count(fs_of(req), FUSE_RELEASE);
	open_file_free(open_file_of(fi));
	fuse_reply_err(req, 0);
}
