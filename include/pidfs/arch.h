/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The modelled machine.
 *
 * pidfs runs on whatever host it runs on, but what it charges to low
 * memory, and the limits it enforces, are those of the 2006 machine it
 * models: a kernel of 2.6.17, on i386 (the commit message's 1 GiB machine
 * with 896 MiB of low memory, the default) or on x86-64.  The daemon's
 * objects are the host's (a struct pid is 64 bytes here whatever is
 * modelled); the charges are the modelled machine's.  doc/design.md
 * ("The modelled machine") has the layouts each size below is summed from.
 *
 * The sizes travel as one struct, in struct pidfs_kernel_params and
 * struct pid_ns_params, so that a layer that adds an object (a later
 * pid-namespace level, say) adds its size here.
 */
#ifndef PIDFS_ARCH_H
#define PIDFS_ARCH_H

#include <stddef.h>
#include <stdint.h>

struct pidfs_arch {
	const char *name;		/* "i386", "x86_64" */
	size_t pid_size;		/* struct pid of the patch */
	size_t pid_ns_pid_size;		/* 2.6.24's struct pid, one upid */
	size_t upid_size;		/* 2.6.24's struct upid, per level */
	size_t task_size;		/* task_struct and its kernel stack */
	size_t hlist_head_size;		/* one pid hash bucket */
	size_t dentry_size;		/* struct dentry */
	size_t proc_inode_size;		/* struct proc_inode, inode included */
	/*
	 * Linux 4.15's struct radix_tree_node, a node of the IDR that
	 * -o alloc=idr uses (include/pidfs/idr.h sums it).
	 */
	size_t radix_tree_node_size;
	int pid_max_limit;		/* PID_MAX_LIMIT */
	uint64_t lowmem;		/* bytes the kernel's objects may use */
};

extern const struct pidfs_arch pidfs_arch_i386;
extern const struct pidfs_arch pidfs_arch_x86_64;

/* The default machine: i386. */
#define pidfs_arch_default pidfs_arch_i386

/* A machine by name ("i386", "x86_64"), or NULL. */
const struct pidfs_arch *pidfs_arch_by_name(const char *name);

/* @arch, or the default machine for NULL. */
static inline const struct pidfs_arch *
pidfs_arch_or_default(const struct pidfs_arch *arch)
{
	return arch ? arch : &pidfs_arch_default;
}

#endif /* PIDFS_ARCH_H */
