// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The global files, as fs/proc/root.c's and the generic proc files':
 * /meminfo (the model's memory and pins), /pidhash, /requests (FUSE
 * requests by opcode), /self, /uptime, /stat, /loadavg, /cpuinfo,
 * /sys/kernel/pid_max and osrelease.  The table is data (globals[]),
 * walked by global_next() like the per-pid one.
 *
 * Files that change without model events (dynamic: meminfo, uptime...)
 * are served from a snapshot: GETATTR renders the file, keeps the
 * rendering and reports its size and a modification time that moves
 * exactly when the content does, so the kernel (auto_inval_data) drops
 * its pages then, and the READ that follows is served from the same
 * snapshot (doc/caching.md).  Each snapshot has its own mutex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "fs-internal.h"
#include "pidfs/lowmem.h"
#include "pidfs/procfmt.h"

static size_t show_meminfo(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_pidhash(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_requests(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_self(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_uptime(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_stat(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_loadavg(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_pid_max(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_cpuinfo(struct pidfs_fs *fs, char *buf, size_t size);
static size_t show_osrelease(struct pidfs_fs *fs, char *buf, size_t size);

/*
 * A view (/pidns/<id>/) has what proc(5) readers need: self, meminfo,
 * uptime, stat, loadavg, cpuinfo and sys/kernel.  Not ctl (its numbers
 * are the initial namespace's, whatever tree it would sit in), not
 * pidhash and requests (the whole mount's, read at the root), not pidns
 * (a view inside a view would be the same view again).
 */
const struct global_entry globals[NR_GLOBALS] = {
	[G_ROOT] = { NULL, S_IFDIR | 0555, G_NONE, NULL, false, true },
	[G_CTL] = { "ctl", S_IFREG | 0600, G_ROOT, NULL, true, false },
	[G_MEMINFO] = { "meminfo", S_IFREG | 0444, G_ROOT, show_meminfo, true,
			true },
	[G_PIDHASH] = { "pidhash", S_IFREG | 0444, G_ROOT, show_pidhash, true,
			false },
	[G_REQUESTS] = { "requests", S_IFREG | 0444, G_ROOT, show_requests,
			 true, false },
	[G_SELF] = { "self", S_IFLNK | 0777, G_ROOT, show_self, false, true },
	[G_UPTIME] = { "uptime", S_IFREG | 0444, G_ROOT, show_uptime, true,
		       true },
	[G_STAT] = { "stat", S_IFREG | 0444, G_ROOT, show_stat, true, true },
	[G_LOADAVG] = { "loadavg", S_IFREG | 0444, G_ROOT, show_loadavg, true,
			true },
	[G_CPUINFO] = { "cpuinfo", S_IFREG | 0444, G_ROOT, show_cpuinfo, false,
			true },
	[G_SYS] = { "sys", S_IFDIR | 0555, G_ROOT, NULL, false, true },
	[G_SYS_KERNEL] = { "kernel", S_IFDIR | 0555, G_SYS, NULL, false,
			   true },
	[G_PID_MAX] = { "pid_max", S_IFREG | 0444, G_SYS_KERNEL, show_pid_max,
			false, true },
	[G_OSRELEASE] = { "osrelease", S_IFREG | 0444, G_SYS_KERNEL,
			  show_osrelease, false, true },
	[G_PIDNS] = { "pidns", S_IFDIR | 0555, G_ROOT, NULL, false, false },
};

/* The opcodes /requests names (<linux/fuse.h>); others are not served. */
static const char *const opcode_names[NR_OPCODES] = {
	[FUSE_LOOKUP] = "lookup",
	[FUSE_FORGET] = "forget",
	[FUSE_GETATTR] = "getattr",
	[FUSE_SETATTR] = "setattr",
	[FUSE_READLINK] = "readlink",
	[FUSE_OPEN] = "open",
	[FUSE_READ] = "read",
	[FUSE_WRITE] = "write",
	[FUSE_STATFS] = "statfs",
	[FUSE_RELEASE] = "release",
	[FUSE_FLUSH] = "flush",
	[FUSE_OPENDIR] = "opendir",
	[FUSE_READDIR] = "readdir",
	[FUSE_RELEASEDIR] = "releasedir",
	[FUSE_IOCTL] = "ioctl",
	[FUSE_POLL] = "poll",
	[FUSE_BATCH_FORGET] = "batch_forget",
};

/* Render a dynamic global and make it the snapshot reads are served from. */
void snapshot_refresh(struct pidfs_fs *fs, enum global_id g, struct stat *st)
{
	struct snapshot *s = &fs->snaps[g];
	char buf[RENDER_MAX];
	size_t len = globals[g].show(fs, buf, sizeof(buf));

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	pthread_mutex_lock(&s->lock);
	if (!s->buf || s->len != len || memcmp(s->buf, buf, len)) {
		char *copy = malloc(len ? len : 1);

		if (copy) {
			memcpy(copy, buf, len);
			free(s->buf);
			s->buf = copy;
			s->len = len;
			s->version++;
		}
	}
	if (st) {
		st->st_size = (off_t)s->len;
		attr_time_ns(st, pidfs_kernel_boot_time(fs->k), s->version);
	}
	pthread_mutex_unlock(&s->lock);
}

int global_attr(struct pidfs_fs *fs, enum global_id g, struct stat *st)
{
	const struct global_entry *ge = &globals[g];

	attr_init(fs, st, ge->mode, g);
	if (ge->dynamic) {
		snapshot_refresh(fs, g, st);
	} else if (ge->show) {
		char buf[64];

		st->st_size = (off_t)ge->show(fs, buf, sizeof(buf));
	}
	return 0;
}

/*
 * Global file @g as a read now sees it: a dynamic one from its snapshot,
 * made anew first if @fresh (or if there is none yet); a constant one
 * rendered.  Returns the length.
 */
size_t global_render(struct pidfs_fs *fs, enum global_id g, bool fresh,
		     char *buf, size_t size)
{
	struct snapshot *s = &fs->snaps[g];
	size_t len;

	if (!globals[g].dynamic) {
		len = globals[g].show(fs, buf, size);
		return len < size ? len : size - 1;
	}
	pthread_mutex_lock(&s->lock);
	if (fresh || !s->buf) {
		pthread_mutex_unlock(&s->lock);
		snapshot_refresh(fs, g, NULL);
		pthread_mutex_lock(&s->lock);
	}
	len = s->len < size ? s->len : size;
	memcpy(buf, s->buf ? s->buf : "", len);
	pthread_mutex_unlock(&s->lock);
	return len;
}

/* ---- the files ---------------------------------------------------------- */

static size_t show_meminfo(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct lowmem_stats ls;
	struct pidfs_kernel_stats ks;
	struct procfmt_line extra[] = {
		{ "KernelRefs",
		  __atomic_load_n(&fs->kernel_refs, __ATOMIC_RELAXED), NULL },
		{ "PidfdExitInfos", 0, NULL },
	};

	lowmem_read_stats(pidfs_kernel_lowmem(fs->k), &ls);
	extra[1].value = ls.kind[LOWMEM_PIDFS].objects;
	pidfs_kernel_read_stats(fs->k, &ks);
	return procfmt_meminfo(buf, size, &ls, &ks, sizeof(struct pid), extra,
			       sizeof(extra) / sizeof(extra[0]));
}

static size_t show_pidhash(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct pid_cache_stats caches[MAX_PID_NS_LEVEL + 1];
	struct pid_namespace *ns = pidfs_kernel_ns(fs->k);
	struct pid_ns_stats st;
	size_t len;
	int n;

	pid_ns_read_stats(ns, &st);
	n = pid_ns_read_cache_stats(ns, caches);
	len = procfmt_pidhash(buf, size, &st);
	return len + procfmt_pid_caches(buf + (len < size ? len : size),
					len < size ? size - len : 0, caches, n);
}

static size_t show_requests(struct pidfs_fs *fs, char *buf, size_t size)
{
	size_t len = 0;

	for (int i = 0; i < NR_OPCODES; i++) {
		uint64_t n = __atomic_load_n(&fs->requests[i],
					     __ATOMIC_RELAXED);

		if (!opcode_names[i])
			continue;
		len += (size_t)snprintf(buf + (len < size ? len : size),
					len < size ? size - len : 0,
					"%s %llu\n", opcode_names[i],
					(unsigned long long)n);
	}
	return len;
}

/*
 * /self: the reader is a real process, not one of the model's, so there
 * is no "self" to name.  It points at init, the one task that always
 * exists and the ancestor of all others: tools that read their own entry
 * (procps does) find a sane one.  A view's self is "1" as well, its
 * namespace's init: Linux answers a reader outside the namespace ENOENT
 * (fs/proc/self.c), and ps then gives up ("Error, do this: mount -t proc
 * proc /proc", procps-ng 4.0.2 on Linux 6.18).
 */
static size_t show_self(struct pidfs_fs *fs, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size, "1");
}

static size_t show_uptime(struct pidfs_fs *fs, char *buf, size_t size)
{
	uint64_t up = pidfs_kernel_uptime_ns(fs->k);

	return procfmt_uptime(buf, size, up, up);
}

static size_t show_stat(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct pidfs_kernel_stats ks;

	pidfs_kernel_read_stats(fs->k, &ks);
	return procfmt_stat_global(buf, size, pidfs_kernel_boot_time(fs->k),
				   ks.forks, 0);
}

static size_t show_loadavg(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct pidfs_kernel_stats ks;

	pidfs_kernel_read_stats(fs->k, &ks);
	return procfmt_loadavg(buf, size, 0, ks.nr_tasks,
			       pid_ns_last_pid(pidfs_kernel_ns(fs->k)));
}

/* What top needs to find: one processor, the model's. */
static size_t show_cpuinfo(struct pidfs_fs *fs, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size,
				"processor\t: 0\nmodel name\t: pidfs model\n\n");
}

/* procps reads the release to pick formats: the host's is the truth. */
static size_t show_osrelease(struct pidfs_fs *fs, char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return (size_t)snprintf(buf, size, "unknown\n");
	return (size_t)snprintf(buf, size, "%s\n", u.release);
}

static size_t show_pid_max(struct pidfs_fs *fs, char *buf, size_t size)
{
	return procfmt_pid_max(buf, size,
			       pid_ns_pid_max(pidfs_kernel_ns(fs->k)));
}
