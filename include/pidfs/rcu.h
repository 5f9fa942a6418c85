/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place pidfs picks its liburcu flavour, and its RCU list helpers.
 *
 * Flavour.  libfuse creates and destroys its worker threads itself and
 * tells the file system nothing, so readers on those threads must work
 * without registering.  The "bulletproof" flavour (liburcu-bp) registers a
 * reader lazily on its first rcu_read_lock() and forgets it when the thread
 * exits, which is exactly that.
 *
 * Inline read side.  _LGPL_SOURCE makes rcu_read_lock() and
 * rcu_read_unlock() liburcu's static inlines (a thread-local load, a
 * store and a compiler barrier each, since the kernel has membarrier)
 * instead of two calls into liburcu-bp.so that each look their reader up
 * through __tls_get_addr: 84 of the 136 instructions a find_pid() took
 * before (doc/performance.md).  liburcu is LGPL-2.1-or-later, so its
 * inlines may be compiled into this GPL-2.0-or-later code.  It must be
 * defined before any liburcu header: include liburcu only through here.
 *
 * Publication.  Pointers that RCU readers follow are published and read
 * with the compiler's __atomic builtins (release store, consume load), not
 * with liburcu's volatile accesses: on x86-64 both compile to plain moves,
 * but ThreadSanitizer understands only the former.  For the same reason a
 * TSan build tells TSan that every read-side critical section, and
 * whatever a writer did before call_rcu(), happens before the callback
 * runs (see rcu_read_unlock, call_rcu and rcu_callback_enter below):
 * liburcu's grace-period machinery lives in an uninstrumented library.
 * Every RCU callback starts with rcu_callback_enter(its rcu_head) and ends
 * with rcu_callback_exit(), which rcu_barrier() waits for.
 *
 * Lists.  hlist with the kernel's names and semantics: writers serialise
 * with a lock of their own; readers walk under rcu_read_lock().
 */
#ifndef PIDFS_RCU_H
#define PIDFS_RCU_H

#include <stddef.h>

/*
 * Not under ASan and UBSan: liburcu 0.13 declares struct urcu_bp_reader
 * aligned to 128 bytes but hands readers out of its registry at 32-byte
 * offsets.  Its own code is not instrumented, so nothing notices while the
 * read side is a call into the library; inlined, UBSan's alignment check
 * stops the program at the first rcu_read_lock(), and both compilers
 * instrument liburcu's inline bodies as they are, whatever the caller's
 * attributes.  Those builds call the library: the same code, uninlined.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PIDFS_RCU_CALLS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || \
	__has_feature(undefined_behavior_sanitizer)
#define PIDFS_RCU_CALLS 1
#endif
#endif
#if !defined(_LGPL_SOURCE) && !defined(PIDFS_RCU_CALLS)
#define _LGPL_SOURCE
#endif
#include <urcu-bp.h>
#include <urcu/list.h>

#ifndef container_of
#define container_of(ptr, type, member) caa_container_of(ptr, type, member)
#endif

#define rcu_publish(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define rcu_access(p)		__atomic_load_n(&(p), __ATOMIC_CONSUME)

#ifdef PIDFS_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char pidfs_rcu_tsan_gp;
#undef rcu_read_unlock
#define rcu_read_unlock()                                                     \
	do {                                                                  \
		__tsan_release(&pidfs_rcu_tsan_gp);                           \
		urcu_bp_read_unlock();                                        \
	} while (0)
#undef call_rcu
#define call_rcu(head, fn)                                                    \
	do {                                                                  \
		__tsan_release(head);                                         \
		urcu_bp_call_rcu(head, fn);                                   \
	} while (0)
#define rcu_callback_enter(head)                                              \
	do {                                                                  \
		__tsan_acquire(&pidfs_rcu_tsan_gp);                           \
		__tsan_acquire(head);                                         \
	} while (0)
#define rcu_callback_exit()	__tsan_release(&pidfs_rcu_tsan_cb)
#undef rcu_barrier
#define rcu_barrier()                                                         \
	do {                                                                  \
		urcu_bp_barrier();                                            \
		__tsan_acquire(&pidfs_rcu_tsan_cb);                           \
	} while (0)
extern char pidfs_rcu_tsan_cb;
#else
#define rcu_callback_enter(head)	do { (void)(head); } while (0)
#define rcu_callback_exit()		do { } while (0)
#endif

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

static inline void INIT_HLIST_HEAD(struct hlist_head *h)
{
	h->first = NULL;
}

static inline int hlist_empty(const struct hlist_head *h)
{
	return !__atomic_load_n(&h->first, __ATOMIC_RELAXED);
}

static inline int hlist_unhashed(const struct hlist_node *n)
{
	return !n->pprev;
}

/* Call with the list's writer lock held. */
static inline void hlist_add_head_rcu(struct hlist_node *n,
				      struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	n->pprev = &h->first;
	if (first)
		first->pprev = &n->next;
	rcu_publish(h->first, n);
}

/*
 * Call with the list's writer lock held.  Readers already on @n may still
 * follow n->next, so it is left alone until a grace period has passed.
 */
static inline void hlist_del_rcu(struct hlist_node *n)
{
	struct hlist_node *next = n->next;

	__atomic_store_n(n->pprev, next, __ATOMIC_RELAXED);
	if (next)
		next->pprev = n->pprev;
	n->pprev = NULL;
}

#define hlist_first_rcu(h)	rcu_access((h)->first)
#define hlist_next_rcu(n)	rcu_access((n)->next)

#define hlist_entry(ptr, type, member) container_of(ptr, type, member)

/* Walk under rcu_read_lock() (or the writer lock). */
#define hlist_for_each_entry_rcu(pos, head, member)                           \
	for (struct hlist_node *__n = hlist_first_rcu(head);                  \
	     __n && ((pos = hlist_entry(__n, __typeof__(*pos), member)), 1);  \
	     __n = hlist_next_rcu(__n))

#endif /* PIDFS_RCU_H */
