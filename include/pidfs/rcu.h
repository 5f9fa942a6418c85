/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place pidfs picks its liburcu flavour.
 *
 * libfuse creates and destroys its worker threads itself and tells the
 * filesystem nothing, so readers on those threads must work without
 * registering.  The "bulletproof" flavour (liburcu-bp) registers a reader
 * lazily on its first rcu_read_lock() and forgets it when the thread exits,
 * which is exactly that.  Its read side costs a little more than the other
 * flavours; pidfs reads far more than it writes, but every read is also a
 * FUSE request or a kernel page-cache hit, so the difference does not show.
 *
 * Every file that needs RCU includes this header and nothing else from
 * liburcu's flavour headers.
 */
#ifndef PIDFS_RCU_H
#define PIDFS_RCU_H

#include <urcu-bp.h>
#include <urcu/rcuhlist.h>
#include <urcu/rculist.h>
#include <urcu/compiler.h>

#ifndef container_of
#define container_of(ptr, type, member) caa_container_of(ptr, type, member)
#endif

#endif /* PIDFS_RCU_H */
