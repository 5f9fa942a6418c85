/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pidfs file system: FUSE low-level operations over a simulated
 * kernel.  See fs.c for the design, doc/caching.md for why it caches the
 * way it does.
 */
#ifndef PIDFS_FS_H
#define PIDFS_FS_H

#include <stdbool.h>
#include <stdint.h>

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include "pidfs/task.h"
#include "pin.h"

struct pidfs_fs;

struct pidfs_fs_params {
	struct pidfs_kernel *kernel;	/* owned by the caller */
	enum pidfs_pin_model model;
	uid_t uid;			/* mount owner: owns ctl */
	gid_t gid;
	double timeout;			/* seconds the kernel may cache */
	bool exact;			/* per-open snapshots (-o exact) */
};

/* The operations table, for fuse_session_new(). */
extern const struct fuse_lowlevel_ops pidfs_fs_ops;

/* Returns NULL on ENOMEM. */
struct pidfs_fs *pidfs_fs_create(const struct pidfs_fs_params *params);

/*
 * Start serving @se: starts the invalidation thread.  Call once the
 * session exists and before its loop runs.  Returns 0 or -errno.
 */
int pidfs_fs_start(struct pidfs_fs *fs, struct fuse_session *se);

/*
 * After the session loop has returned and before the session is
 * unmounted: stop the invalidation thread.  Invalidations still queued
 * are dropped (the caches they concern go with the mount); the ctl
 * writes waiting on them are answered.  Idempotent.
 */
void pidfs_fs_stop(struct pidfs_fs *fs);

/*
 * After the session loop has returned: stop the invalidation thread,
 * release every task, drop the references the kernel's inodes held, and
 * check the books.  Returns 0 when nothing leaked; otherwise -EBADE with
 * @why describing it.
 */
int pidfs_fs_shutdown(struct pidfs_fs *fs, char *why, size_t why_size);

void pidfs_fs_destroy(struct pidfs_fs *fs);

#endif /* PIDFS_FS_H */
