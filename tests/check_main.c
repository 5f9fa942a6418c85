// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unit test runner: one suite per unit of the model.
 *
 *   tests/check_pidfs            all suites
 *   tests/check_pidfs pid task   only the named suites
 *   CK_FORK=no tests/check_pidfs (what `make valgrind` runs)
 *   PIDFS_TEST_ALLOC=idr tests/check_pidfs task ctl pin
 *                                the model under the IDR allocator
 */
#include <stdlib.h>
#include <string.h>

#include "suites.h"

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
	{ "lowmem", lowmem_suite },
	{ "pid", pid_suite },
	{ "idr", idr_suite },
	{ "pid_idr", pid_idr_suite },
	{ "task", task_suite },
	{ "procfmt", procfmt_suite },
	{ "ctl", ctl_suite },
	{ "pin", pin_suite },
	{ "parse", parse_suite },
	{ "oracle", oracle_suite },
	{ "pidfd", pidfd_suite },
	{ "pidns", pidns_suite },
};

enum pid_alloc test_pid_alloc(void)
{
	const char *a = getenv("PIDFS_TEST_ALLOC");

	return a && !strcmp(a, "idr") ? PID_ALLOC_IDR : PID_ALLOC_PIDMAP;
}

static int wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!wanted(argc, argv, suites[i].name))
			continue;
		if (!sr)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (!sr)
		return EXIT_FAILURE;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
