/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pidfs's own -o options: the one place they are named.
 *
 * Each X(NAME, KIND, VALUE, HELP) line is one option, in the order --help and
 * pidfs(8) list them.  From this list come main.c's fuse_opt spec, the
 * option part of `pidfs --help`, pidfs_option_names[] (parse.c, which the
 * fuzzer reads) and the names tests/integration/test-options-doc.sh looks
 * for in pidfs(8) and README.md.  Adding an option is one line here and
 * its value's rule in pidfs_config_set() (parse.c).
 *
 * KIND is VALUE for "-o NAME=VALUE" or FLAG for a bare "-o NAME".  HELP
 * may hold "\n" to continue on the next line of --help.  A NULL HELP
 * means libfuse's own help, which `pidfs --help` prints after pidfs's,
 * describes the option already: pidfs parses it (to check its value) but
 * does not list it a second time.
 */
#ifndef PIDFS_OPTIONS_H
#define PIDFS_OPTIONS_H

#include <stdbool.h>

/* clang-format off */
#define PIDFS_OPTIONS(X)						\
	X(pin, VALUE, "pid|task|nr", "what an inode pins (default: pid)")	\
	X(lowmem, VALUE, "SIZE", "low-memory budget (default: the arch's,\n" \
	  "896M on i386, 1G on x86_64)")				\
	X(task_size, VALUE, "SIZE", "bytes charged per task (default: 10K)") \
	X(pid_max, VALUE, "N", "highest pid + 1 (default: 32768)")	\
	X(nproc, VALUE, "N", "tasks per uid (default: no limit)")	\
	X(hash_shift, VALUE, "N", "pid hash buckets = 2^N (default: sized\n" \
	  "from lowmem as pidhash_init() does)")			\
	X(max_threads, VALUE, "N", NULL)				\
	X(timeout, VALUE, "SECONDS", "how long the kernel may cache\n"	\
	  "entries and attributes (default: 86400)")			\
	X(exact, FLAG, "", "each read(2) one rendering, as procfs:\n"	\
	  "open files of their own, no page cache")			\
	X(arch, VALUE, "i386|x86_64", "the modelled machine (default: i386)") \
	X(charge_refs, VALUE, "0|1", "charge a dentry and a proc_inode per\n" \
	  "kernel reference (default: 1)")				\
	X(alloc, VALUE, "pidmap|idr", "pid allocator: the patch's bitmap\n" \
	  "and hash, or Linux 4.15's IDR (default: pidmap)")
/* clang-format on */

/* clang-format off */
enum pidfs_option {
#define PIDFS_OPTION_ENUM(name, kind, value, help) PIDFS_OPT_##name,
	PIDFS_OPTIONS(PIDFS_OPTION_ENUM)
#undef PIDFS_OPTION_ENUM
	PIDFS_NR_OPTIONS
};
/* clang-format on */

/* One option as --help shows it. */
struct pidfs_option_doc {
	const char *name;	/* "pin" */
	const char *value;	/* "pid|task|nr"; "" for a flag */
	const char *help;	/* NULL: libfuse's help describes it */
	bool flag;		/* "-o name" alone */
};

/* Indexed by enum pidfs_option. */
extern const struct pidfs_option_doc pidfs_options[PIDFS_NR_OPTIONS];

#endif /* PIDFS_OPTIONS_H */
