#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Pid reuse, the second problem the patch solved, in each model, with
# pid_max=400 so that numbers wrap around to 300 quickly.  A victim gets
# pid 300; a file and the directory of it are held open; it is killed;
# the numbers wrap and a newcomer gets 300.  Then, reading through what
# was held open:
#
#   pin=pid   ESRCH: the open file pins the victim's struct pid, which the
#             newcomer does not share; one struct pid stays pinned; the
#             open directory has no status any more.
#   pin=task  the same, and the victim's whole task_struct is still
#             charged to low memory (TaskStructsPinned 1).
#   pin=nr    the open file reads the NEWCOMER's data: the bug the patch
#             fixed.
#
# A fresh lookup of 300 finds the newcomer in every model, while the
# victim's files are still held.
#
#   top_builddir=build top_srcdir=. tests/integration/test-reuse.sh

. "$top_srcdir/tests/integration/lib.sh"

ph() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/pidhash"; }

for model in pid task nr; do
	pidfs_mount "pin=$model,pid_max=400"

	ctl 'spawn 298' >/dev/null		# 2..299
	victim=$(ctl 'fork 1 victim')
	expect_eq "$victim" 300 "$model: the victim is 300"
	old_serial=$(status_field "$MNT/300/status" PidSerial)
	exec 3<"$MNT/300/status"		# held open, not read yet
	exec 4<"$MNT/300"			# and its directory
	ctl 'kill 300' >/dev/null
	ctl 'spawn 99' >/dev/null		# 301..399: the map is full
	expect_eq "$(ctl 'fork 1 newcomer')" 300 \
		"$model: after the wrap, the newcomer is 300"
	expect_eq "$(ph wraps)" 1 "$model: one wrap"

	new_serial=$(status_field "$MNT/300/status" PidSerial)
	[ "$new_serial" -gt "$old_serial" ] ||
		fail "$model: serials $old_serial, $new_serial"
	expect_eq "$(status_field "$MNT/300/status" Name)" newcomer \
		"$model: a fresh lookup of 300 finds the newcomer"

	rc=0
	cat <&3 >"$PIDFS_TMP/held" 2>"$PIDFS_TMP/held.err" || rc=$?
	listed=$(list_pids | wc -l)
	case $model in
	pid | task)
		[ $rc -ne 0 ] && grep -q 'No such process' "$PIDFS_TMP/held.err" ||
			fail "$model: the held file read: $(cat "$PIDFS_TMP/held" "$PIDFS_TMP/held.err")"
		pass "$model: the victim's held file fails ESRCH"
		rc=0
		cat /dev/fd/4/status >"$PIDFS_TMP/dir" 2>"$PIDFS_TMP/dir.err" || rc=$?
		[ $rc -ne 0 ] ||
			fail "$model: the victim's held directory read: $(cat "$PIDFS_TMP/dir")"
		pass "$model: the victim's held directory has no status: $(cat "$PIDFS_TMP/dir.err")"
		;;
	nr)
		[ $rc -eq 0 ] ||
			fail "nr: the held file: $(cat "$PIDFS_TMP/held.err")"
		expect_eq "$(status_field "$PIDFS_TMP/held" Name)" newcomer \
			"nr: the victim's held file reads the newcomer"
		expect_eq "$(status_field "$PIDFS_TMP/held" PidSerial)" "$new_serial" \
			"nr: with the newcomer's serial"
		;;
	esac

	# what the victim still costs
	case $model in
	pid) want="0:1:$listed" ;;
	task) want="1:0:$((listed + 1))" ;;
	nr) want="0:0:$listed" ;;
	esac
	got() { echo "$(meminfo TaskStructsPinned):$(meminfo PidStructsPinned):$(meminfo TaskStructs)"; }
	settled() { [ "$(got)" = "$want" ]; }
	wait_for 2 settled || true
	expect_eq "$(got)" "$want" \
		"$model: TaskStructsPinned:PidStructsPinned:TaskStructs with $listed tasks alive"
	if [ "$model" = task ]; then
		used=$((($(meminfo LowTotal) - $(meminfo LowFree)) * 1024))
		need=$(((listed + 1) * $(meminfo TaskStructSize)))
		[ "$used" -ge "$need" ] ||
			fail "task: $used bytes used, $need for the live and the victim"
		pass "task: LowTotal - LowFree includes the victim's task_struct"
	fi

	exec 3<&- 4<&-
	expect_pins_zero "$model: the held files closed"
	expect_eq "$(status_field "$MNT/300/status" PidSerial)" "$new_serial" \
		"$model: 300 is still the newcomer"
	pidfs_umount
	pass "$model: clean unmount"
done
