// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Support for the fuzz targets: fuzz_fail(), and the inline RCU shim
 * described in fuzz.h.
 *
 * The shim replaces liburcu-bp's call_rcu() and rcu_barrier() at link
 * time (-Wl,--wrap=urcu_bp_call_rcu -Wl,--wrap=urcu_bp_barrier), for the
 * model's objects only: liburcu itself is untouched, and rcu_read_lock()
 * is still liburcu's.  A callback runs no earlier than the next
 * rcu_barrier() or fuzz_rcu_quiesce(), which must not be called inside a
 * read-side critical section; in a single-threaded program that is a
 * grace period, so the model sees RCU semantics it is entitled to.  What
 * the shim cannot show is a race between a reader and a callback: the
 * TSan build and the soak test look for those.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "pidfs/rcu.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s:%d: check failed: %s\nfuzz: ", file, line,
		cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Queued callbacks, oldest first, linked through their own rcu_head. */
static struct rcu_head *rcu_first;
static struct rcu_head **rcu_last = &rcu_first;
static size_t rcu_queued;

static struct rcu_head **rcu_link(struct rcu_head *head)
{
	return (struct rcu_head **)&head->next.next;
}

void __wrap_urcu_bp_call_rcu(struct rcu_head *head,
			     void (*func)(struct rcu_head *head));
void __wrap_urcu_bp_barrier(void);

void __wrap_urcu_bp_call_rcu(struct rcu_head *head,
			     void (*func)(struct rcu_head *head))
{
	head->func = func;
	*rcu_link(head) = NULL;
	*rcu_last = head;
	rcu_last = rcu_link(head);
	rcu_queued++;
}

void fuzz_rcu_quiesce(void)
{
	fuzz_check(!rcu_read_ongoing(), "%s",
		   "grace period waited for inside rcu_read_lock()");
	/* A callback may queue another: run until the queue stays empty. */
	while (rcu_first) {
		struct rcu_head *head = rcu_first;

		rcu_first = *rcu_link(head);
		if (!rcu_first)
			rcu_last = &rcu_first;
		rcu_queued--;
		head->func(head);
	}
}

void __wrap_urcu_bp_barrier(void)
{
	fuzz_rcu_quiesce();
}

size_t fuzz_rcu_pending(void)
{
	return rcu_queued;
}
