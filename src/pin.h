/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pin models: what a looked-up inode of a task directory or file holds.
 *
 *   pid   a struct pid reference, resolved with get_pid_task() at each use
 *         (the patch's design: a dead task costs one struct pid);
 *   task  a task_struct reference, as /proc held until 2.6.18 (a dead
 *         task keeps its whole task_struct charged);
 *   nr    a bare number, looked up again at each use, as a stored pid_t
 *         does (nothing is pinned, and after pid reuse the number names
 *         another task).
 *
 * A pin is one machine word, so the file system can carry it inside the
 * FUSE node id and keep no table of inodes: the kernel's lookup count on a
 * node id is exactly the number of references the pin holds.
 *
 * Pins are taken in a namespace (a view's, /pidns/<id>/; the initial one
 * for the root): pid and task pins are the same objects in every view;
 * an nr pin is the number in the view's namespace, resolved there, so
 * the reuse of a number inside a namespace shows in its view.
 *
 * All operations may be called from any thread with no lock held; none
 * sleeps except on the task layer's locks.
 *
 * It stays in src/, not include/pidfs/: pin models are how the file
 * system holds the model, an interface between fs.c and the library, not
 * one that programs outside the daemon build on.
 */
#ifndef PIDFS_PIN_H
#define PIDFS_PIN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidfs/task.h"

enum pidfs_pin_model {
	PIDFS_PIN_PID,
	PIDFS_PIN_TASK,
	PIDFS_PIN_NR,
};

typedef uintptr_t pidfs_pin_t;		/* 0: none */

/*
 * The bits a pin may use: file-system node ids carry it (fs-internal.h
 * asserts that it fits beside the entry index and the tag).  A pointer
 * pin (pid, task) is a user-space address, below 2^47 on x86-64 (2^56
 * with five-level paging); an nr pin packs the number and serial bits
 * into the same budget.
 */
#define PIDFS_PIN_BITS	56

/* What a shutdown found still allocated, and the references on it. */
struct pidfs_pin_audit {
	size_t pids, tasks;		/* objects */
	uint64_t pid_refs, task_refs;	/* held from outside the model */
};

struct pidfs_pin_ops {
	const char *name;
	/*
	 * A pin on the task numbered @nr in namespace @ns, if one exists
	 * now, holding one reference; 0 if none.  The namespace is the
	 * view's: the root's is the initial one (pidfs_kernel_ns()).
	 */
	pidfs_pin_t (*lookup)(struct pidfs_kernel *k, struct pid_namespace *ns,
			      pid_t nr);
	/* One more reference on a pin that already holds one. */
	void (*get)(pidfs_pin_t pin);
	/* Drop @n references. */
	void (*put)(pidfs_pin_t pin, uint64_t n);
	/*
	 * The task the pin (taken in @ns) names now, with a reference;
	 * NULL if none.
	 */
	struct task_struct *(*task)(struct pidfs_kernel *k,
				    struct pid_namespace *ns, pidfs_pin_t pin);
	/* A number never shared by two tasks' pins (for inode numbers). */
	uint64_t (*serial)(pidfs_pin_t pin);
	/*
	 * The same number for the pin a lookup of @pid's task would take,
	 * in @ns, without taking one (readdir's inode numbers).  Call under
	 * rcu_read_lock().
	 */
	uint64_t (*serial_of_pid)(const struct pid *pid,
				  const struct pid_namespace *ns);
	/*
	 * The pin an event's task has in this model in @ns (no reference
	 * taken); 0 if the task has no number there.
	 */
	pidfs_pin_t (*of_event)(const struct pidfs_event_rec *ev, int leader,
				const struct pid_namespace *ns);
	/*
	 * Whether what a shutdown found (@a) is exactly what @refs pins of
	 * this model hold, and nothing else.
	 */
	bool (*balanced)(const struct pidfs_pin_audit *a, uint64_t refs);
};

const struct pidfs_pin_ops *pidfs_pin_ops(enum pidfs_pin_model model);

/*
 * At shutdown, after pidfs_kernel_release_all() and with nothing else
 * running: count into @a what is still allocated and the references held
 * on it, then drop those references, which frees it all.  Returns 0 when
 * the books balance (@ops->balanced() with @refs, the references the
 * file system's client held); -EBADE when they do not; -ENOMEM when the
 * walk could not be made (nothing is dropped then).
 */
int pidfs_pin_release_leftovers(const struct pidfs_pin_ops *ops,
				struct pidfs_kernel *k, uint64_t refs,
				struct pidfs_pin_audit *a);

/* "pid", "task" or "nr" to a model; -1 if none. */
int pidfs_pin_parse(const char *name);

#endif /* PIDFS_PIN_H */
