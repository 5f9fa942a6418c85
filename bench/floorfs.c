// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floorfs: the floor under any FUSE file system that serves fresh data at
 * every open.  Bench-only code, for bench/fs.
 *
 * The smallest low-level FUSE file system that could stand in for a
 * /proc file: one constant file of 150 bytes, "file", that every open
 * reads through FUSE (OPEN answered with direct_io and without
 * keep_cache, so the kernel trusts no cached page), and a "requests" file
 * with its per-opcode request counters in pidfs's format.  Everything
 * else is as cheap as FUSE allows: entries and attributes cached for a
 * day, FLUSH suppressed (noflush), a multi-threaded loop.  So an
 * open+read+close costs exactly OPEN, READ and RELEASE: three round trips
 * to a daemon that does no work.  A file system that must ask its daemon
 * at each open cannot be faster than this; pidfs does not ask (it answers
 * OPEN with ENOSYS and invalidates the kernel's caches at model events),
 * which is what bench/fs shows.
 *
 * Run it:  bench/floorfs [-f] [-s] [-o max_threads=N] MOUNTPOINT
 *          cat MOUNTPOINT/file MOUNTPOINT/requests
 *          fusermount3 -u MOUNTPOINT
 *
 * Expected: "file" reads as a 150-byte /proc/<pid>/stat-like line, and
 * every cat of it adds one to open, read and release in "requests".
 */
#define FUSE_USE_VERSION 314

#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT 86400.0
#define NR_OPCODES 64

enum { INO_ROOT = FUSE_ROOT_ID, INO_FILE, INO_REQUESTS, NR_INODES };

/* 52 fields in 150 bytes, newline included: a short /proc/<pid>/stat. */
static const char content[] =
	"2 (floor) S 1 1 1 0 -1 4194560 12 0 0 0 0 0 0 0 20 0 1 0 50 "
	"12345678901 0 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 "
	"0 0 0 0 0 0 0 0 0 0 0 0 0\n";
_Static_assert(sizeof(content) - 1 == 150, "content is 150 bytes");

static const char *const names[NR_INODES] = {
	[INO_FILE] = "file",
	[INO_REQUESTS] = "requests",
};

/* FUSE opcode numbers, as pidfs names them in its own requests file. */
static const char *const opcode_names[NR_OPCODES] = {
	[1] = "lookup",	     [2] = "forget",	    [3] = "getattr",
	[14] = "open",	     [15] = "read",	    [18] = "release",
	[25] = "flush",	     [27] = "opendir",	    [28] = "readdir",
	[29] = "releasedir", [42] = "batch_forget",
};

static unsigned long long requests[NR_OPCODES]; /* ATOMIC */

static void count(int opcode)
{
	__atomic_fetch_add(&requests[opcode], 1, __ATOMIC_RELAXED);
}

static size_t render_requests(char *buf, size_t size)
{
	size_t len = 0;

	for (int i = 0; i < NR_OPCODES; i++) {
		if (!opcode_names[i])
			continue;
		len += (size_t)snprintf(
			buf + len, size - len, "%s %llu\n", opcode_names[i],
			__atomic_load_n(&requests[i], __ATOMIC_RELAXED));
		if (len >= size)
			return size - 1;
	}
	return len;
}

static int floor_stat(fuse_ino_t ino, struct stat *st)
{
	char buf[1024];

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_nlink = 1;
	st->st_uid = getuid();
	st->st_gid = getgid();
	switch (ino) {
	case INO_ROOT:
		st->st_mode = S_IFDIR | 0555;
		return 0;
	case INO_FILE:
		st->st_mode = S_IFREG | 0444;
		st->st_size = sizeof(content) - 1;
		return 0;
	case INO_REQUESTS:
		st->st_mode = S_IFREG | 0444;
		st->st_size = (off_t)render_requests(buf, sizeof(buf));
		return 0;
	}
	return -ENOENT;
}

static void floor_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;

	count(1);
	memset(&e, 0, sizeof(e));
	for (fuse_ino_t ino = INO_FILE; ino < NR_INODES; ino++) {
		if (parent != INO_ROOT || strcmp(name, names[ino]))
			continue;
		e.ino = ino;
		e.entry_timeout = TIMEOUT;
		e.attr_timeout = TIMEOUT;
		floor_stat(ino, &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void floor_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	count(2);
	fuse_reply_none(req);
}

static void floor_forget_multi(fuse_req_t req, size_t count_,
			       struct fuse_forget_data *forgets)
{
	count(42);
	fuse_reply_none(req);
}

static void floor_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct stat st;
	int err;

	count(3);
	err = floor_stat(ino, &st);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, TIMEOUT);
}

/* Every open reads through FUSE: no cached page is trusted, no flush. */
static void floor_open(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	count(14);
	if (ino == INO_ROOT)
		return (void)fuse_reply_err(req, EISDIR);
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fi->noflush = 1;
	fuse_reply_open(req, fi);
}

static void floor_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char buf[1024];
	const char *p = content;
	size_t len = sizeof(content) - 1;

	count(15);
	if (ino == INO_REQUESTS) {
		len = render_requests(buf, sizeof(buf));
		p = buf;
	}
	if (off < 0 || (size_t)off >= len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, p + off,
			       len - (size_t)off < size ? len - (size_t)off :
							  size);
}

static void floor_release(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	count(18);
	fuse_reply_err(req, 0);
}

static void floor_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	char buf[512];
	size_t used = 0;

	count(28);
	if (ino != INO_ROOT)
		return (void)fuse_reply_err(req, ENOTDIR);
	for (fuse_ino_t i = INO_FILE; i < NR_INODES; i++) {
		struct stat st = { .st_ino = i, .st_mode = S_IFREG };
		size_t need =
			fuse_add_direntry(req, NULL, 0, names[i], NULL, 0);

		if ((off_t)i <= off)
			continue;
		if (used + need > size || used + need > sizeof(buf))
			break;
		fuse_add_direntry(req, buf + used, sizeof(buf) - used, names[i],
				  &st, (off_t)i);
		used += need;
	}
	fuse_reply_buf(req, buf, used);
}

static const struct fuse_lowlevel_ops floor_ops = {
	.lookup = floor_lookup,
	.forget = floor_forget,
	.forget_multi = floor_forget_multi,
	.getattr = floor_getattr,
	.open = floor_open,
	.read = floor_read,
	.release = floor_release,
	.readdir = floor_readdir,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config *lc;
	struct fuse_session *se;
	int ret = 1;

	if (fuse_parse_cmdline(&args, &opts) != 0)
		return 1;
	if (opts.show_help || !opts.mountpoint) {
		printf("usage: %s [-f] [-s] [-o max_threads=N] MOUNTPOINT\n",
		       argv[0]);
		fuse_cmdline_help();
		ret = opts.show_help ? 0 : 1;
		goto out_args;
	}
	se = fuse_session_new(&args, &floor_ops, sizeof(floor_ops), NULL);
	if (!se)
		goto out_args;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out_signals;
	fuse_daemonize(opts.foreground);
	if (opts.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		lc = fuse_loop_cfg_create();
		if (!lc)
			goto out_unmount;
		fuse_loop_cfg_set_clone_fd(lc, opts.clone_fd);
		fuse_loop_cfg_set_max_threads(lc, opts.max_threads);
		ret = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
	}
	ret = ret ? 1 : 0;
out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_args:
	free(opts.mountpoint);
	fuse_opt_free_args(&args);
	return ret;
}
