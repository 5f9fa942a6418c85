// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The modelled machines: sizes from 2.6.17's layouts (2.6.24's for the
 * struct pid of a namespace below the initial one; 4.15's for the IDR's
 * node), summed in doc/design.md ("The modelled machine") and idr.h.
 */
#include <string.h>

#include "pidfs/arch.h"

#define KIB	1024ULL
#define MIB	(1024 * KIB)

/*
 * The commit message's machine: 1 GiB of RAM, of which the kernel maps
 * 896 MiB permanently (low memory); every slab object and the boot-time
 * pid hash come from there.  PID_MAX_LIMIT was PID_MAX_DEFAULT on 32-bit.
 */
const struct pidfs_arch pidfs_arch_i386 = {
	.name = "i386",
	.pid_size = 36,
	.pid_ns_pid_size = 44,
	.upid_size = 16,
	.task_size = 10 * KIB,
	.hlist_head_size = 4,
	.dentry_size = 132,
	.proc_inode_size = 356,
	.radix_tree_node_size = 300,	/* idr.h's IDR_NODE_BYTES_I386 */
	.pid_max_limit = 32768,
	.lowmem = 896 * MIB,
};

/*
 * The same 1 GiB on x86-64: no highmem split, the kernel maps all of it,
 * so "low memory" is all of memory.  PID_MAX_LIMIT was 4M on 64-bit.
 */
const struct pidfs_arch pidfs_arch_x86_64 = {
	.name = "x86_64",
	.pid_size = 64,
	.pid_ns_pid_size = 88,
	.upid_size = 32,
	.task_size = 10 * KIB,
	.hlist_head_size = 8,
	.dentry_size = 208,
	.proc_inode_size = 608,
	.radix_tree_node_size = 576,	/* IDR_NODE_BYTES_X86_64 */
	.pid_max_limit = 4 * 1024 * 1024,
	.lowmem = 1024 * MIB,
};

const struct pidfs_arch *pidfs_arch_by_name(const char *name)
{
	if (!strcmp(name, "i386"))
		return &pidfs_arch_i386;
	if (!strcmp(name, "x86_64"))
		return &pidfs_arch_x86_64;
	return NULL;
}
