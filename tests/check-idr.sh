#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The suites that boot a whole model (task, ctl, pin) once more, under
# Linux 4.15's IDR (-o alloc=idr) instead of the patch's pidmap and
# hash; tests/check_pidfs runs them under the pidmap.  The cases that
# count the pidmap's own charges stay on it (boot_pidmap() in
# test_task.c).  The pid-layer suites test each allocator's own
# structures: pid (the hash and the pidmap), pid_idr (the IDR), pidns
# (both); oracle holds the pidmap to 2.6.17's allocation order, which
# the IDR of 4.15 does not keep: with every other number taken, the IDR
# gives back the last number handed out, freed since, which 2.6.17's
# alloc_pidmap() never scans again (it stops below last_pid).
exec env PIDFS_TEST_ALLOC=idr "${top_builddir:-.}/tests/check_pidfs" \
	task ctl pin
