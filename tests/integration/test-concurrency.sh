#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Readers against a writer: four reader processes list the root and read
# every task's files through an open directory while a writer forks,
# execs, threads and kills as fast as it can, with pid_max=330 so that
# numbers are reused every few milliseconds.  churn (churn.c) checks that
# no reader ever sees a malformed file or another task's data (Pid, Tgid,
# name and PidSerial against what was opened), and that a task that went
# away fails only with ENOENT or ESRCH; in the pid and task models, where
# that must hold.  Afterwards nothing stays pinned and the books balance.
#
# Torn reads, during which an exec changed the file (cut to the size the
# kernel had cached, or old bytes then new ones), are counted, not
# failed: see churn.c.  Their number is printed.
#
#   top_builddir=build top_srcdir=. tests/integration/test-concurrency.sh

. "$top_srcdir/tests/integration/lib.sh"

READERS=4
ROUNDS=2000

for model in pid task; do
	pidfs_mount "pin=$model,pid_max=330"
	"$CHURN" -k "$MNT" $READERS $ROUNDS >"$PIDFS_TMP/churn.out" 2>&1 ||
		fail "$model: $(cat "$PIDFS_TMP/churn.out")"
	pass "$model: $(cat "$PIDFS_TMP/churn.out")"
	expect_eq "$(list_pids | tr '\n' ' ')" "1 " \
		"$model: the writer killed all it made"
	expect_pins_zero "$model: after the churn"
	only_init() { [ "$(meminfo TaskStructs):$(meminfo PidStructs)" = 1:1 ]; }
	wait_for 2 only_init ||
		fail "$model: $(meminfo TaskStructs) tasks, $(meminfo PidStructs) pids left"
	pass "$model: every task and struct pid freed"
	pidfs_umount
	pass "$model: clean unmount"
done
