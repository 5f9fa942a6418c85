/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers of what users type: mount options and pid names.  Pure (no
 * FUSE, no model), so they are unit-tested and fuzzed.
 *
 * This header and options.h stay in src/, not include/pidfs/: they are
 * the daemon's own surface (its -o options, the names of its tree), not
 * an interface of the model that examples or other programs build on.
 * The daemon, the unit tests and the fuzzers include them by path.
 */
#ifndef PIDFS_PARSE_H
#define PIDFS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidfs/task.h"
#include "options.h"
#include "pin.h"

/* Everything the mount options set. */
struct pidfs_config {
	struct pidfs_kernel_params kp;
	enum pidfs_pin_model model;
	unsigned int max_threads;	/* FUSE workers */
	unsigned int timeout;		/* seconds the kernel may cache */
	bool exact;			/* per-open snapshots, no page cache */
};

#define PIDFS_MAX_THREADS_DEFAULT	10
#define PIDFS_MAX_THREADS_LIMIT		1000
#define PIDFS_TIMEOUT_DEFAULT		86400
#define PIDFS_TIMEOUT_LIMIT		31536000

/* The names of options.h's options, in its order, then NULL. */
extern const char *const pidfs_option_names[PIDFS_NR_OPTIONS + 1];

/* Defaults; @uid and @gid own init and ctl. */
void pidfs_config_init(struct pidfs_config *c, uid_t uid, gid_t gid);

/*
 * Apply one option.  Returns 0; -ENOENT when @key is not pidfs's (it may
 * be libfuse's); -EINVAL for a bad value, with a one-line reason naming
 * the option in @why.  @c is unchanged on error.
 */
int pidfs_config_set(struct pidfs_config *c, const char *key,
		     const char *value, char *why, size_t why_size);

/*
 * What no one option can check alone: pid_max within the modelled
 * machine's limit.  Returns 0, or -EINVAL with a reason in @why.
 */
int pidfs_config_check(const struct pidfs_config *c, char *why,
		       size_t why_size);

/*
 * Apply a comma-separated list of key=value options (the text after -o).
 * Options that are not pidfs's are skipped.  Returns 0 or -EINVAL as
 * pidfs_config_set() does, at the first bad one.
 */
int pidfs_config_parse(struct pidfs_config *c, const char *opts, char *why,
		       size_t why_size);

/* A size: decimal bytes with an optional K, M or G suffix. */
bool pidfs_parse_size(const char *s, uint64_t *out);

/* A plain decimal number from 0 to @max: digits only, no leading zero. */
bool pidfs_parse_uint(const char *s, unsigned long max, unsigned long *out);

/*
 * A directory name that names a pid, as proc's name_to_int() accepts:
 * decimal digits, no sign, no leading zero, below PID_MAX_LIMIT.  Returns
 * the number, or -1.
 */
pid_t pidfs_parse_pid_name(const char *name);

#endif /* PIDFS_PARSE_H */
