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

#include "pidfs/pid.h"

/*
 * The allocator the model-building suites (task, ctl, pin, oracle) boot
 * their kernels with: PIDFS_TEST_ALLOC=idr in the environment picks
 * Linux 4.15's IDR, anything else the patch's pidmap and hash.  make
 * check runs those suites once each way (tests/check-idr.sh).
 */
enum pid_alloc test_pid_alloc(void);

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
