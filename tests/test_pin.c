// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the pin models (src/pin.c): what a looked-up inode holds.
 *
 * Each behaviour runs in all three models (a loop test over pid, task and
 * nr) and checks what the model promises: a pin resolves to its task
 * while it lives; after the task is reaped the pid model holds a struct
 * pid and resolves to nothing, the task model holds the dead task_struct
 * (charged, "pinned") and resolves to nothing, the nr model holds nothing
 * and, once the number is reused, resolves to the new task (the bug it
 * exists to show).  Also: serials (inode numbers) per model, the pin of
 * an event, references, the shutdown books, and the names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"
#include "pin.h"

#include "suites.h"

#define SMALL_PID_MAX	310

static struct pidfs_kernel *k;
static const struct pidfs_pin_ops *ops;
static struct task_info ti;	/* large: kept off the stack */

/* The root view's namespace: the initial one. */
#define NS pidfs_kernel_ns(k)

static void teardown(void)
{
	if (k)
		pidfs_kernel_destroy(k);
	k = NULL;
	ops = NULL;
}

static void boot(int model)
{
	struct pidfs_kernel_params p;

	memset(&p, 0, sizeof(p));
	p.hash_shift = -1;
	p.uid = 1000;
	p.gid = 100;
	p.pid_max = SMALL_PID_MAX;
	p.alloc = test_pid_alloc();
	ck_assert_int_eq(pidfs_kernel_create(&p, &k), 0);
	ck_assert_int_eq(pid_ns_alloc(pidfs_kernel_ns(k)), p.alloc);
	ops = pidfs_pin_ops((enum pidfs_pin_model)model);
	ck_assert_ptr_nonnull(ops);
}

static pid_t fork_ok(const char *comm)
{
	pid_t c = 0;

	ck_assert_int_eq(pidfs_fork(k, 1, comm, &c), 0);
	return c;
}

static struct lowmem_kind_stats kind(enum lowmem_kind which)
{
	struct lowmem_stats ls;

	rcu_barrier();
	lowmem_read_stats(pidfs_kernel_lowmem(k), &ls);
	return ls.kind[which];
}

/* The serial a lookup of @nr's pin would carry, from its struct pid. */
static uint64_t serial_of_nr(pid_t nr)
{
	uint64_t serial = 0;
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, pidfs_kernel_ns(k));
	if (pid)
		serial = ops->serial_of_pid(pid, NS);
	rcu_read_unlock();
	return serial;
}

/*
 * A task whose number can come back: the allocator wraps to
 * RESERVED_PIDS, so numbers below it are given out once only.
 */
static pid_t fork_reusable(const char *comm)
{
	for (;;) {
		pid_t c = fork_ok(comm);

		if (c >= RESERVED_PIDS)
			return c;
		ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	}
}

/* Fork until a task gets number @nr again; its pid. */
static pid_t reuse(pid_t nr)
{
	for (int i = 0; i < 4 * SMALL_PID_MAX; i++) {
		pid_t c = fork_ok("reuser");

		if (c == nr)
			return c;
		ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	}
	ck_abort_msg("number %d never came back", nr);
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(test_names)
{
	static const char *const names[] = { "pid", "task", "nr" };

	for (int m = 0; m < 3; m++) {
		ck_assert_int_eq(pidfs_pin_parse(names[m]), m);
		ck_assert_str_eq(pidfs_pin_ops((enum pidfs_pin_model)m)->name,
				 names[m]);
	}
	ck_assert_int_eq(pidfs_pin_parse(""), -1);
	ck_assert_int_eq(pidfs_pin_parse("PID"), -1);
	ck_assert_int_eq(pidfs_pin_parse("pids"), -1);
	ck_assert_int_eq(pidfs_pin_parse(NULL), -1);
}
END_TEST

START_TEST(test_lookup_live)
{
	struct task_struct *t;
	pidfs_pin_t pin;
	pid_t c;

	boot(_i);
	ck_assert_uint_eq(ops->lookup(k, NS, 5), 0);
	c = fork_ok("live");
	pin = ops->lookup(k, NS, c);
	ck_assert_uint_ne(pin, 0);
	ck_assert_uint_lt(pin, (pidfs_pin_t)1 << PIDFS_PIN_BITS);
	t = ops->task(k, NS, pin);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->pid, c);
	put_task_struct(t);
	/* the serial the inode gets is the one readdir gives it */
	ck_assert_uint_eq(ops->serial(pin), serial_of_nr(c));
	ops->get(pin);
	ops->put(pin, 2);
}
END_TEST

/* What each model resolves to and holds after reap, then after reuse. */
START_TEST(test_after_reap_and_reuse)
{
	struct task_struct *t;
	pidfs_pin_t pin;
	uint64_t serial;
	pid_t c, again;

	boot(_i);
	c = fork_reusable("victim");
	pin = ops->lookup(k, NS, c);
	serial = ops->serial(pin);
	ck_assert_int_eq(pidfs_kill(k, c, 9), 0);
	ck_assert_ptr_null(ops->task(k, NS, pin));

	switch ((enum pidfs_pin_model)_i) {
	case PIDFS_PIN_PID:
		ck_assert_uint_eq(kind(LOWMEM_PID).pinned, 1);
		ck_assert_uint_eq(kind(LOWMEM_TASK).pinned, 0);
		break;
	case PIDFS_PIN_TASK:
		ck_assert_uint_eq(kind(LOWMEM_TASK).pinned, 1);
		ck_assert_uint_eq(kind(LOWMEM_PID).pinned, 0);
		break;
	case PIDFS_PIN_NR:
		ck_assert_uint_eq(kind(LOWMEM_TASK).pinned, 0);
		ck_assert_uint_eq(kind(LOWMEM_PID).pinned, 0);
		break;
	}

	again = reuse(c);
	t = ops->task(k, NS, pin);
	if (_i == PIDFS_PIN_NR) {
		/* the bare number now names the new task */
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(t->pid, again);
		ck_assert_int_eq(pidfs_task_info(t, &ti), 0);
		ck_assert_str_eq(ti.comm, "reuser");
		put_task_struct(t);
		/* and its inode number is the number: reused with it */
		ck_assert_uint_eq(ops->serial(pin), serial_of_nr(again));
	} else {
		ck_assert_ptr_null(t);
		ck_assert_uint_ne(ops->serial(pin), serial_of_nr(again));
	}
	ck_assert_uint_eq(ops->serial(pin), serial);

	ops->put(pin, 1);
	ck_assert_uint_eq(kind(LOWMEM_PID).pinned, 0);
	ck_assert_uint_eq(kind(LOWMEM_TASK).pinned, 0);
}
END_TEST

static pidfs_pin_t event_pin;
static pid_t event_nr;

static void capture(void *arg, const struct pidfs_event_rec *ev)
{
	if (ev->ev == PIDFS_EV_FORK && ev->nr == event_nr)
		event_pin = ops->of_event(ev, 0, NS);
}

/* An event names the task by the pin a lookup of it takes. */
START_TEST(test_of_event)
{
	pidfs_pin_t pin;
	pid_t c;

	boot(_i);
	pidfs_kernel_set_event_hook(k, capture, NULL);
	event_pin = 0;
	/* the next number the allocator gives out */
	event_nr = 2;
	c = fork_ok("evented");
	ck_assert_int_eq(c, 2);
	pin = ops->lookup(k, NS, c);
	ck_assert_uint_eq(event_pin, pin);
	ops->put(pin, 1);
	pidfs_kernel_set_event_hook(k, NULL, NULL);
}
END_TEST

/* @nr's number in @ns, 0 if it has none there. */
static pid_t nr_in(pid_t nr, struct pid_namespace *ns)
{
	pid_t v = 0;

	rcu_read_lock();
	v = pid_nr_ns(find_pid_ns(nr, NS), ns);
	rcu_read_unlock();
	return v;
}

/* A child of @parent whose number in @ns is @want (0: any reusable). */
static pid_t fork_in_ns(pid_t parent, struct pid_namespace *ns, pid_t want)
{
	for (int i = 0; i < 4 * SMALL_PID_MAX; i++) {
		pid_t c = 0, v;

		ck_assert_int_eq(pidfs_fork(k, parent, "inner", &c), 0);
		v = nr_in(c, ns);
		if (want ? v == want : v >= RESERVED_PIDS)
			return c;
		ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	}
	ck_abort_msg("number %d never came in the namespace", want);
	return 0;
}

/*
 * Pins taken in a namespace below the initial one: a lookup by the
 * number there finds the task; an nr pin resolves in that namespace, so
 * the reuse of a number inside it shows; pid and task pins do not follow.
 */
START_TEST(test_pin_in_ns)
{
	struct pid_namespace *ns;
	struct task_struct *t;
	unsigned int inum;
	pidfs_pin_t pin;
	pid_t p, init, c, again, v;
	uint64_t serial;

	boot(_i);
	p = fork_ok("unsharer");
	ck_assert_int_eq(pidfs_unshare_pid(k, p, &inum), 0);
	ck_assert_int_eq(pidfs_fork(k, p, "init", &init), 0);
	ns = pidfs_get_pid_ns_for_children(k, p);
	ck_assert_ptr_nonnull(ns);
	ck_assert_int_eq(nr_in(init, ns), 1);
	/* the unsharer has no number inside */
	ck_assert_int_eq(nr_in(p, ns), 0);

	c = fork_in_ns(init, ns, 0);
	v = nr_in(c, ns);
	ck_assert_int_ne(v, c);
	pin = ops->lookup(k, ns, v);
	ck_assert_uint_ne(pin, 0);
	t = ops->task(k, ns, pin);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->pid, c);
	put_task_struct(t);
	serial = ops->serial(pin);
	rcu_read_lock();
	ck_assert_uint_eq(ops->serial_of_pid(find_pid_ns(v, ns), ns), serial);
	rcu_read_unlock();

	ck_assert_int_eq(pidfs_kill(k, c, 0), 0);
	again = fork_in_ns(init, ns, v);
	t = ops->task(k, ns, pin);
	if (_i == PIDFS_PIN_NR) {
		/* the number inside the namespace names the newcomer */
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(t->pid, again);
		put_task_struct(t);
	} else {
		ck_assert_ptr_null(t);
	}
	ops->put(pin, 1);
	put_pid_ns(ns);
}
END_TEST

/* The shutdown audit: what callers held, counted, then dropped. */
START_TEST(test_leftovers)
{
	struct pidfs_pin_audit a;
	pidfs_pin_t pins[3];
	pid_t c[3];

	boot(_i);
	for (int i = 0; i < 3; i++) {
		c[i] = fork_ok("held");
		pins[i] = ops->lookup(k, NS, c[i]);
	}
	ops->get(pins[0]);
	pidfs_kernel_release_all(k);
	rcu_barrier();
	/* four references held: the books balance with 4, not with 3 */
	ck_assert_int_eq(pidfs_pin_release_leftovers(ops, k, 4, &a), 0);
	switch ((enum pidfs_pin_model)_i) {
	case PIDFS_PIN_PID:
		ck_assert_uint_eq(a.pids, 3);
		ck_assert_uint_eq(a.pid_refs, 4);
		ck_assert_uint_eq(a.tasks, 0);
		break;
	case PIDFS_PIN_TASK:
		ck_assert_uint_eq(a.tasks, 3);
		ck_assert_uint_eq(a.task_refs, 4);
		ck_assert_uint_eq(a.pids, 0);
		break;
	case PIDFS_PIN_NR:
		ck_assert_uint_eq(a.pids + a.tasks, 0);
		break;
	}
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_TASK).objects, 0);
}
END_TEST

START_TEST(test_leftovers_unbalanced)
{
	struct pidfs_pin_audit a;
	pidfs_pin_t pin;

	boot(_i);
	pin = ops->lookup(k, NS, fork_ok("held"));
	ck_assert_uint_ne(pin, 0);
	pidfs_kernel_release_all(k);
	rcu_barrier();
	/* the caller claims 2 references where it holds 1 */
	ck_assert_int_eq(pidfs_pin_release_leftovers(ops, k, 2, &a),
			 _i == PIDFS_PIN_NR ? 0 : -EBADE);
	rcu_barrier();
	ck_assert_uint_eq(kind(LOWMEM_PID).objects, 0);
	ck_assert_uint_eq(kind(LOWMEM_TASK).objects, 0);
}
END_TEST

Suite *pin_suite(void)
{
	Suite *s = suite_create("pin");
	TCase *tc = tcase_create("models");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_loop_test(tc, test_pin_in_ns, 0, 3);
	tcase_add_loop_test(tc, test_lookup_live, 0, 3);
	tcase_add_loop_test(tc, test_after_reap_and_reuse, 0, 3);
	tcase_add_loop_test(tc, test_of_event, 0, 3);
	tcase_add_loop_test(tc, test_leftovers, 0, 3);
	tcase_add_loop_test(tc, test_leftovers_unbalanced, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
