// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the parsers of what users type (src/parse.c): numbers,
 * sizes, pid names and mount options.  Pure: no kernel, no FUSE.
 *
 * Each accepts exactly one spelling per value (no sign, no leading zero,
 * no space, no overflow), and a bad option leaves the configuration as it
 * was, with a one-line reason that names the option.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "parse.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"

#include "suites.h"

START_TEST(test_uint)
{
	static const struct {
		const char *s;
		unsigned long max;
		bool ok;
		unsigned long v;
	} cases[] = {
		{ "0", 10, true, 0 },	     { "7", 10, true, 7 },
		{ "10", 10, true, 10 },	     { "11", 10, false, 0 },
		{ "", 10, false, 0 },	     { "01", 10, false, 0 },
		{ "00", 10, false, 0 },	     { "-1", 10, false, 0 },
		{ "+1", 10, false, 0 },	     { " 1", 10, false, 0 },
		{ "1 ", 10, false, 0 },	     { "0x1", 100, false, 0 },
		{ "1e3", 10000, false, 0 },  { "4294967295", UINT_MAX, true, UINT_MAX },
		{ "4294967296", UINT_MAX, false, 0 },
		{ "18446744073709551615", ULONG_MAX, true, ULONG_MAX },
		{ "18446744073709551616", ULONG_MAX, false, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long v = 12345;

		ck_assert_msg(pidfs_parse_uint(cases[i].s, cases[i].max, &v) ==
				      cases[i].ok,
			      "\"%s\" max %lu", cases[i].s, cases[i].max);
		if (cases[i].ok)
			ck_assert_uint_eq(v, cases[i].v);
		else
			ck_assert_uint_eq(v, 12345);
	}
	ck_assert(!pidfs_parse_uint(NULL, 10, &(unsigned long){ 0 }));
}
END_TEST

START_TEST(test_size)
{
	uint64_t v = 0;

	ck_assert(pidfs_parse_size("0", &v) && v == 0);
	ck_assert(pidfs_parse_size("4096", &v) && v == 4096);
	ck_assert(pidfs_parse_size("10K", &v) && v == 10240);
	ck_assert(pidfs_parse_size("10k", &v) && v == 10240);
	ck_assert(pidfs_parse_size("896M", &v) && v == 896ULL << 20);
	ck_assert(pidfs_parse_size("64G", &v) && v == 64ULL << 30);
	ck_assert(!pidfs_parse_size("", &v));
	ck_assert(!pidfs_parse_size("K", &v));
	ck_assert(!pidfs_parse_size("10KB", &v));
	ck_assert(!pidfs_parse_size("10T", &v));
	ck_assert(!pidfs_parse_size("010K", &v));
	ck_assert(!pidfs_parse_size("-1K", &v));
	ck_assert(!pidfs_parse_size("1.5M", &v));
	ck_assert(!pidfs_parse_size("99999999999999999999999", &v));
	ck_assert(!pidfs_parse_size(NULL, &v));
	/* the suffix must not overflow the value */
	ck_assert(!pidfs_parse_size("18446744073709551615K", &v));
}
END_TEST

START_TEST(test_pid_name)
{
	ck_assert_int_eq(pidfs_parse_pid_name("1"), 1);
	ck_assert_int_eq(pidfs_parse_pid_name("32767"), 32767);
	ck_assert_int_eq(pidfs_parse_pid_name("4194303"), PID_MAX_LIMIT - 1);
	ck_assert_int_eq(pidfs_parse_pid_name("4194304"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name("0"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name("01"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name("-1"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name("+1"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name("1a"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name(""), -1);
	ck_assert_int_eq(pidfs_parse_pid_name("self"), -1);
	ck_assert_int_eq(pidfs_parse_pid_name(NULL), -1);
}
END_TEST

static struct pidfs_config c;
static char why[160];

static void config_fresh(void)
{
	pidfs_config_init(&c, 1000, 100);
	why[0] = '\0';
}

START_TEST(test_config_defaults)
{
	config_fresh();
	ck_assert_int_eq(c.model, PIDFS_PIN_PID);
	ck_assert_int_eq(c.kp.hash_shift, -1);
	ck_assert_uint_eq(c.kp.uid, 1000);
	ck_assert_uint_eq(c.kp.gid, 100);
	ck_assert_uint_eq(c.max_threads, PIDFS_MAX_THREADS_DEFAULT);
	ck_assert_uint_eq(c.timeout, PIDFS_TIMEOUT_DEFAULT);
	ck_assert(!c.exact);
}
END_TEST

START_TEST(test_config_good)
{
	config_fresh();
	ck_assert_int_eq(pidfs_config_parse(&c,
					    "pin=task,lowmem=64M,task_size=8K,"
					    "pid_max=400,nproc=50,hash_shift=4,"
					    "max_threads=2,timeout=0,exact,"
					    "allow_other,fsname=x",
					    why, sizeof(why)),
			 0);
	ck_assert_int_eq(c.model, PIDFS_PIN_TASK);
	ck_assert_uint_eq(c.kp.lowmem, 64ULL << 20);
	ck_assert_uint_eq(c.kp.task_size, 8192);
	ck_assert_int_eq(c.kp.pid_max, 400);
	ck_assert_uint_eq(c.kp.nproc, 50);
	ck_assert_int_eq(c.kp.hash_shift, 4);
	ck_assert_uint_eq(c.max_threads, 2);
	ck_assert_uint_eq(c.timeout, 0);
	ck_assert(c.exact);
	/* the least pid_max the kernel's sysctl allows */
	ck_assert_int_eq(pidfs_config_set(&c, "pid_max", "301", why,
					  sizeof(why)),
			 0);
	ck_assert_int_eq(pidfs_config_set(&c, "pid_max", "4194304", why,
					  sizeof(why)),
			 0);
}
END_TEST

START_TEST(test_config_bad)
{
	static const char *const bad[][2] = {
		{ "pin", "foo" },	   { "pin", NULL },
		{ "lowmem", "63K" },	   { "lowmem", "65G" },
		{ "lowmem", "0896M" },	   { "task_size", "100" },
		{ "task_size", "257K" },   { "pid_max", "0" },
		{ "pid_max", "1" },	   { "pid_max", "300" },
		{ "pid_max", "4194305" },  { "pid_max", "01" },
		{ "nproc", "-1" },	   { "nproc", "01" },
		{ "hash_shift", "23" },	   { "hash_shift", "01" },
		{ "max_threads", "0" },	   { "max_threads", "1001" },
		{ "timeout", "31536001" }, { "timeout", "1s" },
		{ "exact", "1" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pidfs_config before;

		config_fresh();
		before = c;
		ck_assert_msg(pidfs_config_set(&c, bad[i][0], bad[i][1], why,
					       sizeof(why)) == -EINVAL,
			      "%s=%s", bad[i][0], bad[i][1]);
		ck_assert_msg(!memcmp(&before, &c, sizeof(c)),
			      "%s=%s changed the configuration", bad[i][0],
			      bad[i][1]);
		ck_assert_msg(strstr(why, bad[i][0]) && !strchr(why, '\n'),
			      "reason \"%s\"", why);
	}
	/* not ours: libfuse's */
	config_fresh();
	ck_assert_int_eq(pidfs_config_set(&c, "allow_other", NULL, why,
					  sizeof(why)),
			 -ENOENT);
	/* the first bad one stops a list */
	ck_assert_int_eq(pidfs_config_parse(&c, "pin=nr,pid_max=0,nproc=5",
					    why, sizeof(why)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "pid_max"));
	/* an unprintable value is shown safely */
	ck_assert_int_eq(pidfs_config_set(&c, "pin", "a\x01\x7f", why,
					  sizeof(why)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "a??"));
}
END_TEST

/* The modelled machine, the referrer charge, and what one option cannot check. */
START_TEST(test_config_machine)
{
	config_fresh();
	ck_assert_ptr_null(c.kp.arch);
	ck_assert_int_eq(pidfs_config_set(&c, "arch", "x86_64", why,
					  sizeof(why)),
			 0);
	ck_assert_ptr_eq(c.kp.arch, &pidfs_arch_x86_64);
	ck_assert_int_eq(pidfs_config_set(&c, "arch", "i386", why,
					  sizeof(why)),
			 0);
	ck_assert_ptr_eq(c.kp.arch, &pidfs_arch_i386);
	ck_assert_int_eq(pidfs_config_set(&c, "arch", "amd64", why,
					  sizeof(why)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "arch"));
	ck_assert_int_eq(pidfs_config_set(&c, "arch", NULL, why, sizeof(why)),
			 -EINVAL);

	ck_assert(!c.kp.no_ref_charge);
	ck_assert_int_eq(pidfs_config_set(&c, "charge_refs", "0", why,
					  sizeof(why)),
			 0);
	ck_assert(c.kp.no_ref_charge);
	ck_assert_int_eq(pidfs_config_set(&c, "charge_refs", "2", why,
					  sizeof(why)),
			 -EINVAL);

	/* i386's pid_max stops at 32768; x86_64's at PID_MAX_LIMIT */
	config_fresh();
	ck_assert_int_eq(pidfs_config_parse(&c, "pid_max=65536", why,
					    sizeof(why)),
			 0);
	ck_assert_int_eq(pidfs_config_check(&c, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "pid_max=65536"));
	ck_assert_int_eq(pidfs_config_parse(&c, "arch=x86_64", why,
					    sizeof(why)),
			 0);
	ck_assert_int_eq(pidfs_config_check(&c, why, sizeof(why)), 0);
	config_fresh();
	ck_assert_int_eq(pidfs_config_check(&c, why, sizeof(why)), 0);
}
END_TEST

/* The option table's names, as --help and the doc check read them. */
START_TEST(test_option_names)
{
	size_t n = 0;

	for (; pidfs_option_names[n]; n++) {
		ck_assert_str_eq(pidfs_option_names[n], pidfs_options[n].name);
		ck_assert_int_eq(pidfs_options[n].flag,
				 !strcmp(pidfs_options[n].name, "exact"));
	}
	ck_assert_uint_eq(n, PIDFS_NR_OPTIONS);
}
END_TEST

Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, test_uint);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_pid_name);
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_good);
	tcase_add_test(tc, test_config_bad);
	tcase_add_test(tc, test_config_machine);
	tcase_add_test(tc, test_option_names);
	suite_add_tcase(s, tc);
	return s;
}
