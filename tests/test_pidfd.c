// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the pure parts of pidfd files and of the pidfs inode
 * table (src/pidfd.c).
 *
 * Covers: the poll mask per state (fs/pidfs.c pidfd_poll()); the text
 * alive, exited and reaped, and its snprintf contract; PIDFD_GET_INFO's
 * sizes and answers (mask bits, ESRCH once reaped unless the exit
 * information is asked for, exit information only after reap, as Linux
 * records it at release_task()); the kill/exit parser; and the inode
 * table: lookups counted, waiters kept, capped, taken and dropped, exit
 * information charged to the zone and uncharged with the inode.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pidfd.h"
#include "pidfs/task.h"

#include "suites.h"

static struct task_info ti;

static void view(struct pidfd_view *v, enum pidfd_state state, int status)
{
	memset(&ti, 0, sizeof(ti));
	ti.pid = 42;
	ti.tgid = 40;
	ti.ppid = 1;
	ti.uid = 1000;
	ti.gid = 100;
	memset(v, 0, sizeof(*v));
	v->state = state;
	v->ti = state == PIDFD_REAPED ? NULL : &ti;
	v->serial = 77;
	v->has_exit = state != PIDFD_ALIVE;
	v->exit_code = status;
}

START_TEST(test_poll_mask)
{
	ck_assert_uint_eq(pidfd_poll_mask(PIDFD_ALIVE), 0);
	ck_assert_uint_eq(pidfd_poll_mask(PIDFD_EXITED), POLLIN | POLLRDNORM);
	ck_assert_uint_eq(pidfd_poll_mask(PIDFD_REAPED),
			  POLLIN | POLLRDNORM | POLLHUP);
}
END_TEST

START_TEST(test_show)
{
	static const struct {
		enum pidfd_state state;
		int status;
		const char *text;
	} cases[] = {
		{ PIDFD_ALIVE, 0,
		  "Pid:\t42\nNSpid:\t42\nTgid:\t40\nPPid:\t1\n"
		  "Uid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
		  "PidSerial:\t77\n" },
		{ PIDFD_REAPED, 9,
		  "Pid:\t-1\nNSpid:\t-1\nTgid:\t-1\nPPid:\t-1\n"
		  "Uid:\t-1\t-1\t-1\t-1\nGid:\t-1\t-1\t-1\t-1\n"
		  "PidSerial:\t77\nExitCode:\t9\n" },
	};
	struct pidfd_view v;
	char buf[512], small[20];
	size_t len = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		view(&v, cases[i].state, cases[i].status);
		len = pidfd_show(buf, sizeof(buf), &v);
		ck_assert_str_eq(buf, cases[i].text);
		ck_assert_uint_eq(len, strlen(buf));
	}

	/* a zombie: the task's numbers, and its exit status */
	view(&v, PIDFD_EXITED, 7 << 8);
	pidfd_show(buf, sizeof(buf), &v);
	ck_assert_ptr_nonnull(strstr(buf, "Pid:\t42\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nExitCode:\t1792\n"));

	/* truncated: a prefix, NUL-terminated, and the full length */
	view(&v, PIDFD_REAPED, 9);
	len = pidfd_show(buf, sizeof(buf), &v);
	ck_assert_uint_eq(pidfd_show(small, sizeof(small), &v), len);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_int_eq(strncmp(small, buf, sizeof(small) - 1), 0);
	ck_assert_uint_eq(pidfd_show(NULL, 0, &v), len);
}
END_TEST

START_TEST(test_info_size)
{
	ck_assert_int_eq(pidfd_info_size(PIDFD_GET_INFO), 64);
	ck_assert_int_eq(
		pidfd_info_size(_IOWR(PIDFS_IOCTL_MAGIC, 11, char[100])), 100);
	ck_assert_int_eq(
		pidfd_info_size(_IOWR(PIDFS_IOCTL_MAGIC, 11, char[32])),
		-ENOTTY);
	ck_assert(pidfd_is_get_info(_IOWR(PIDFS_IOCTL_MAGIC, 11, char[100])));
	ck_assert(!pidfd_is_get_info(_IOWR(PIDFS_IOCTL_MAGIC, 12, char[64])));
	ck_assert(!pidfd_is_get_info(_IOWR('f', 11, char[64])));
}
END_TEST

START_TEST(test_info)
{
	struct pidfd_view v;
	struct pidfd_info in;

	view(&v, PIDFD_ALIVE, 0);
	ck_assert_int_eq(pidfd_get_info(&v, PIDFD_INFO_EXIT, &in), 0);
	ck_assert_uint_eq(in.mask, PIDFD_INFO_PID | PIDFD_INFO_CREDS);
	ck_assert_uint_eq(in.pid, 42);
	ck_assert_uint_eq(in.tgid, 40);
	ck_assert_uint_eq(in.ppid, 1);
	ck_assert_uint_eq(in.ruid, 1000);
	ck_assert_uint_eq(in.fsuid, 1000);
	ck_assert_uint_eq(in.sgid, 100);
	ck_assert_int_eq(in.exit_code, 0);

	/* a zombie: no exit information yet, as Linux records it at reap */
	view(&v, PIDFD_EXITED, 3 << 8);
	ck_assert_int_eq(pidfd_get_info(&v, PIDFD_INFO_EXIT, &in), 0);
	ck_assert_uint_eq(in.mask, PIDFD_INFO_PID | PIDFD_INFO_CREDS);
	ck_assert_int_eq(in.exit_code, 0);

	view(&v, PIDFD_REAPED, 3 << 8);
	ck_assert_int_eq(pidfd_get_info(&v, 0, &in), -ESRCH);
	ck_assert_int_eq(pidfd_get_info(&v, PIDFD_INFO_EXIT, &in), 0);
	ck_assert_uint_eq(in.mask, PIDFD_INFO_EXIT);
	ck_assert_int_eq(in.exit_code, 3 << 8);
	ck_assert_uint_eq(in.pid, 0);

	/* reaped with its information lost: nothing, but no error */
	v.has_exit = false;
	ck_assert_int_eq(pidfd_get_info(&v, PIDFD_INFO_EXIT, &in), 0);
	ck_assert_uint_eq(in.mask, 0);
}
END_TEST

START_TEST(test_parse)
{
	static const char *const bad[] = {
		"",	   "\n",       "kil",	  "killx",
		"kill ",   "kill 256", "kill -1", "kill 1 2",
		"exit  1", "exit 1x",  "stop",	  "kill 99999999",
	};
	struct pidfd_cmd c;

	ck_assert_int_eq(pidfd_parse_cmd("kill", 4, &c), 0);
	ck_assert_int_eq(c.op, PIDFD_OP_KILL);
	ck_assert_int_eq(c.code, 0);
	ck_assert_int_eq(pidfd_parse_cmd("exit 7\n", 7, &c), 0);
	ck_assert_int_eq(c.op, PIDFD_OP_EXIT);
	ck_assert_int_eq(c.code, 7);
	ck_assert_int_eq(pidfd_parse_cmd("kill 255", 8, &c), 0);
	ck_assert_int_eq(c.code, 255);
	/* not NUL-terminated: only @len bytes count */
	ck_assert_int_eq(pidfd_parse_cmd("exit 12345", 6, &c), 0);
	ck_assert_int_eq(c.code, 1);
	/* a NUL inside the verb, found by fuzz-pidfd */
	ck_assert_int_eq(pidfd_parse_cmd("exit\0", 5, &c), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pidfd_parse_cmd(bad[i], strlen(bad[i]), &c) ==
				      -EINVAL,
			      "accepted \"%s\"", bad[i]);
}
END_TEST

/* ---- the inode table ---------------------------------------------------- */

static struct lowmem *lm;
static struct pidfd_table *tab;
static int dropped;

static void drop(void *w)
{
	dropped++;
	free(w);
}

static void table_setup(void)
{
	lm = lowmem_create(UINT64_C(64) << 20);
	ck_assert_ptr_nonnull(lm);
	tab = pidfd_table_create(lm);
	ck_assert_ptr_nonnull(tab);
	dropped = 0;
}

static void table_teardown(void)
{
	pidfd_table_destroy(tab, drop);
	lowmem_destroy(lm);
}

static uint64_t pid_bytes(void)
{
	struct lowmem_stats st;

	lowmem_read_stats(lm, &st);
	return st.kind[LOWMEM_PIDFS].bytes;
}

START_TEST(test_table_lookups)
{
	size_t inodes, exits;
	int status;

	ck_assert_int_eq(pidfd_inode_get(tab, 0x1000), 0);
	ck_assert_int_eq(pidfd_inode_get(tab, 0x1000), 0);
	ck_assert_int_eq(pidfd_inode_get(tab, 0x2000), 0);
	pidfd_table_count(tab, &inodes, &exits);
	ck_assert_uint_eq(inodes, 2);
	ck_assert_uint_eq(exits, 0);

	/* exit information: charged once, kept, uncharged with the inode */
	ck_assert_uint_eq(pid_bytes(), 0);
	pidfd_inode_exit(tab, 0x1000, 5 << 8);
	pidfd_inode_exit(tab, 0x1000, 6 << 8); /* the first stays */
	pidfd_inode_exit(tab, 0x3000, 1); /* no inode: nothing */
	ck_assert_uint_eq(pid_bytes(), PIDFS_EXIT_INFO_SIZE);
	ck_assert(pidfd_inode_exit_code(tab, 0x1000, &status));
	ck_assert_int_eq(status, 5 << 8);
	ck_assert(!pidfd_inode_exit_code(tab, 0x2000, &status));
	ck_assert(!pidfd_inode_exit_code(tab, 0x3000, &status));

	pidfd_inode_put(tab, 0x1000, 1, drop);
	ck_assert(pidfd_inode_exit_code(tab, 0x1000, &status));
	pidfd_inode_put(tab, 0x1000, 1, drop);
	ck_assert(!pidfd_inode_exit_code(tab, 0x1000, &status));
	ck_assert_uint_eq(pid_bytes(), 0);
	pidfd_inode_put(tab, 0x2000, 5, drop); /* more than it has */
	pidfd_inode_put(tab, 0x2000, 1, drop); /* gone: nothing */
	pidfd_table_count(tab, &inodes, &exits);
	ck_assert_uint_eq(inodes, 0);
	ck_assert_uint_eq(exits, 0);
}
END_TEST

START_TEST(test_table_waiters)
{
	void *evicted, **v, *first = NULL;
	size_t n;

	/* no inode: not kept, the caller keeps it */
	first = malloc(1);
	ck_assert_int_eq(pidfd_inode_add_waiter(tab, 0x10, first, &evicted),
			 -ENOENT);
	ck_assert_ptr_null(evicted);
	free(first);
	ck_assert_int_eq(pidfd_inode_get(tab, 0x10), 0);
	for (int i = 0; i < PIDFD_WAITERS_MAX; i++) {
		void *w = malloc(1);

		if (!i)
			first = w;
		ck_assert_int_eq(pidfd_inode_add_waiter(tab, 0x10, w, &evicted),
				 0);
		ck_assert_ptr_null(evicted);
	}
	/* one more: the oldest comes back */
	ck_assert_int_eq(pidfd_inode_add_waiter(tab, 0x10, malloc(1), &evicted),
			 0);
	ck_assert_ptr_eq(evicted, first);
	free(evicted);

	n = pidfd_inode_take_waiters(tab, 0x10, &v);
	ck_assert_uint_eq(n, PIDFD_WAITERS_MAX);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	ck_assert_uint_eq(pidfd_inode_take_waiters(tab, 0x10, &v), 0);
	ck_assert_ptr_null(v);

	/* what an inode still keeps goes through drop, at put or destroy */
	pidfd_inode_add_waiter(tab, 0x10, malloc(1), &evicted);
	pidfd_inode_put(tab, 0x10, 1, drop);
	ck_assert_int_eq(dropped, 1);
	ck_assert_int_eq(pidfd_inode_get(tab, 0x20), 0);
	pidfd_inode_add_waiter(tab, 0x20, malloc(1), &evicted);
	pidfd_inode_exit(tab, 0x20, 0);
}
END_TEST

/* Many inodes, so that buckets hold chains. */
START_TEST(test_table_many)
{
	size_t inodes, exits;

	for (uintptr_t k = 1; k <= 5000; k++)
		ck_assert_int_eq(pidfd_inode_get(tab, k << 4), 0);
	for (uintptr_t k = 1; k <= 5000; k += 2)
		pidfd_inode_exit(tab, k << 4, (int)k);
	pidfd_table_count(tab, &inodes, &exits);
	ck_assert_uint_eq(inodes, 5000);
	ck_assert_uint_eq(exits, 2500);
	for (uintptr_t k = 1; k <= 5000; k++) {
		int status;

		ck_assert(pidfd_inode_exit_code(tab, k << 4, &status) ==
			  (k % 2 == 1));
		if (k % 2)
			ck_assert_int_eq(status, (int)k);
	}
	for (uintptr_t k = 1; k <= 5000; k += 3)
		pidfd_inode_put(tab, k << 4, 1, drop);
	pidfd_table_count(tab, &inodes, &exits);
	ck_assert_uint_eq(inodes, 5000 - 1667);
}
END_TEST

Suite *pidfd_suite(void)
{
	Suite *s = suite_create("pidfd");
	TCase *pure = tcase_create("pure");
	TCase *table = tcase_create("table");

	tcase_add_test(pure, test_poll_mask);
	tcase_add_test(pure, test_show);
	tcase_add_test(pure, test_info_size);
	tcase_add_test(pure, test_info);
	tcase_add_test(pure, test_parse);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(table, table_setup, table_teardown);
	tcase_add_test(table, test_table_lookups);
	tcase_add_test(table, test_table_waiters);
	tcase_add_test(table, test_table_many);
	suite_add_tcase(s, table);
	return s;
}
