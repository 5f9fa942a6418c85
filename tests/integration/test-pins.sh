#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What an open file pins, in each of the three models, and that every pin
# goes once every file is closed (the kernel forgets a dead task's inodes
# at last close, within moments; polled for up to 2 s):
#
#   pin=pid   a dead task with an open file pins its struct pid;
#   pin=task  it pins its whole task_struct (task_size bytes);
#   pin=nr    it pins nothing.
#
# In all three a read through the open file of a dead task fails ESRCH.
# A dead task whose files were only looked up (not held open) pins
# nothing: its entries are deleted from the kernel's caches.
#
#   top_builddir=build top_srcdir=. tests/integration/test-pins.sh

. "$top_srcdir/tests/integration/lib.sh"

N=5

# The model's own objects, without the kernel's references (charge_refs,
# counted in test-formats.sh), which every model pays alike.
for model in pid task nr; do
	pidfs_mount "pin=$model,charge_refs=0"
	base_slab=$(meminfo Slab)
	refs0=$(meminfo KernelRefs)

	pids=$(ctl "spawn $N")
	fds=()
	for p in $pids; do
		for f in status stat "task/$p/comm"; do
			exec {fd}<"$MNT/$p/$f"
			fds+=("$fd")
		done
	done
	[ "$(meminfo KernelRefs)" -gt "$refs0" ] ||
		fail "$model: no KernelRefs for open files"
	pass "$model: open files hold KernelRefs ($(meminfo KernelRefs))"
	expect_eq "$(meminfo TaskStructsPinned):$(meminfo PidStructsPinned)" 0:0 \
		"$model: live tasks are not counted as pinned"

	for p in $pids; do
		ctl "kill $p" >/dev/null
	done
	# what the dead tasks pin while their files are open
	case $model in
	pid) want="0:$N:1:$((N + 1))" ;;
	task) want="$N:0:$((N + 1)):1" ;;
	nr) want="0:0:1:1" ;;
	esac
	pinned() {
		echo "$(meminfo TaskStructsPinned):$(meminfo PidStructsPinned):$(meminfo TaskStructs):$(meminfo PidStructs)"
	}
	# objects nobody pins are freed after an RCU grace period
	settled() { [ "$(pinned)" = "$want" ]; }
	wait_for 2 settled || true
	expect_eq "$(pinned)" "$want" \
		"$model: TaskStructsPinned:PidStructsPinned:TaskStructs:PidStructs with $N dead tasks' files open"
	held=$(($(meminfo Slab) - base_slab))
	case $model in
	pid) [ $((held * 1024)) -lt $((N * 1024)) ] ||
		fail "pid: $N dead tasks hold $held kB" ;;
	task) [ $((held * 1024)) -ge $((N * $(meminfo TaskStructSize))) ] ||
		fail "task: $N dead tasks hold only $held kB" ;;
	nr) [ "$held" -le 0 ] || fail "nr: $N dead tasks hold $held kB" ;;
	esac
	pass "$model: $N dead tasks with open files hold $held kB of low memory"

	for fd in "${fds[@]}"; do
		rc=0
		cat <&"$fd" >/dev/null 2>"$PIDFS_TMP/read.err" || rc=$?
		[ $rc -ne 0 ] && grep -q 'No such process' "$PIDFS_TMP/read.err" ||
			fail "$model: read of a dead task's open file: $rc $(cat "$PIDFS_TMP/read.err")"
	done
	pass "$model: reads of dead tasks' open files fail ESRCH"

	for fd in "${fds[@]}"; do
		exec {fd}<&-
	done
	expect_pins_zero "$model: every file closed"
	back() {
		[ "$(meminfo TaskStructs):$(meminfo PidStructs)" = 1:1 ] &&
			[ "$(meminfo Slab)" = "$base_slab" ] &&
			[ "$(meminfo KernelRefs)" = "$refs0" ]
	}
	wait_for 2 back ||
		fail "$model: after close: $(pinned) slab $(meminfo Slab) (was $base_slab) KernelRefs $(meminfo KernelRefs) (was $refs0)"
	pass "$model: memory and KernelRefs are back where they started"

	# Looked up but not held open: the kernel drops the entries at the
	# kill, and nothing stays pinned.
	pids=$(ctl "spawn $N")
	for p in $pids; do
		cat "$MNT/$p/status" "$MNT/$p/task/$p/stat" >/dev/null
		ls "$MNT/$p" "$MNT/$p/task" >/dev/null
	done
	t=$(ctl "thread 1")
	cat "$MNT/1/task/$t/status" >/dev/null
	[ "$(meminfo KernelRefs)" -gt "$refs0" ] ||
		fail "$model: lookups hold no KernelRefs"
	for p in $pids $t; do
		ctl "kill $p" >/dev/null
	done
	expect_pins_zero "$model: dead tasks only looked up"
	# init's own entries, looked up for the thread, stay cached
	wait_for 2 back || true
	[ "$(meminfo TaskStructs):$(meminfo PidStructs)" = 1:1 ] ||
		fail "$model: $(pinned) after the kills"
	pass "$model: dead tasks only looked up are freed"

	# A thread's open file pins like a process's.
	t=$(ctl "thread 1")
	exec {fd}<"$MNT/1/task/$t/status"
	ctl "kill $t" >/dev/null
	case $model in
	pid) want="0:1" ;;
	task) want="1:0" ;;
	nr) want="0:0" ;;
	esac
	thread_pinned() { [ "$(meminfo TaskStructsPinned):$(meminfo PidStructsPinned)" = "$want" ]; }
	wait_for 2 thread_pinned || true
	expect_eq "$(meminfo TaskStructsPinned):$(meminfo PidStructsPinned)" "$want" \
		"$model: TaskStructsPinned:PidStructsPinned of a dead thread's open file"
	exec {fd}<&-
	expect_pins_zero "$model: the thread's file closed"

	pidfs_umount
	pass "$model: clean unmount"
done
