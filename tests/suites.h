/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One Check suite per unit; tests/check_main.c runs them all.
 *
 * Check forks each test by default, and liburcu dislikes a fork without
 * exec, so suites build their RCU-using state in checked fixtures
 * (tcase_add_checked_fixture), never in main().  Every suite must also
 * pass with CK_FORK=no, which valgrind needs: each test tears down all it
 * built.
 */
#ifndef PIDFS_TESTS_SUITES_H
#define PIDFS_TESTS_SUITES_H

#include <check.h>

Suite *lowmem_suite(void);
Suite *pid_suite(void);
Suite *idr_suite(void);
Suite *pid_idr_suite(void);
Suite *task_suite(void);
Suite *procfmt_suite(void);
Suite *ctl_suite(void);
Suite *pin_suite(void);
Suite *parse_suite(void);
Suite *oracle_suite(void);
Suite *pidfd_suite(void);
Suite *pidns_suite(void);

#endif /* PIDFS_TESTS_SUITES_H */
