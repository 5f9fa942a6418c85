#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pidfd files against the host kernel's pidfds (pidfdcmp runs each step on
# a real pidfd of a real child and on a pidfs pidfd, and fails where the
# answers differ): poll masks alive, zombie and reaped; PIDFD_GET_INFO
# fields, returned mask, sizes, and exit_code as the wait status; a
# blocking poll woken by exit; 200 pidfds of each kind in one epoll.  In
# the default caching mode and with -o exact.
#
# Then what a stale pidfd does, per pin model (pid_max=400: numbers wrap
# to 300 quickly).  The victim 300 is killed while its pidfd is held, a
# newcomer gets 300, and "kill" is written to the victim's pidfd:
#
#   pin=pid   ESRCH; the newcomer lives.
#   pin=task  ESRCH; the victim's task_struct is still charged.
#   pin=nr    the newcomer is killed: the race pidfds closed.
#
#   top_builddir=build top_srcdir=. tests/integration/test-pidfd.sh

. "$top_srcdir/tests/integration/lib.sh"

PIDFDCMP=$HELPERS/pidfdcmp

for opts in "" exact; do
	pidfs_mount "$opts"
	"$PIDFDCMP" "$MNT" compare >"$PIDFS_TMP/cmp" ||
		fail "${opts:-cached}: pidfs answers as the kernel does: $(cat "$PIDFS_TMP/cmp")"
	pass "${opts:-cached}: $(tail -1 "$PIDFS_TMP/cmp")"
	"$PIDFDCMP" "$MNT" epoll 200 >"$PIDFS_TMP/ep" ||
		fail "${opts:-cached}: epoll of 200: $(cat "$PIDFS_TMP/ep")"
	pass "${opts:-cached}: epoll of 200: $(head -1 "$PIDFS_TMP/ep")"

	# the text, alive and after reap, read through one open file
	p=$(ctl 'fork 1 reader')
	exec 3<"$MNT/$p/pidfd"
	expect_eq "$(status_field /dev/fd/3 Pid):$(status_field /dev/fd/3 Tgid)" \
		"$p:$p" "${opts:-cached}: Pid and Tgid"
	[ -z "$(status_field /dev/fd/3 ExitCode)" ] ||
		fail "${opts:-cached}: ExitCode while alive"
	ctl "exit $p 5" >/dev/null
	expect_eq "$(status_field /dev/fd/3 ExitCode)" $((5 << 8)) \
		"${opts:-cached}: ExitCode of a zombie is its wait status"
	ctl "reap $p" >/dev/null
	expect_eq "$(status_field /dev/fd/3 Pid):$(status_field /dev/fd/3 ExitCode)" \
		"-1:$((5 << 8))" "${opts:-cached}: after reap, Pid -1 and ExitCode kept"
	expect_eq "$(meminfo PidfdExitInfos)" 1 \
		"${opts:-cached}: the exit status is charged while the pidfd is open"
	exec 3<&-
	no_exit_infos() { [ "$(meminfo PidfdExitInfos)" = 0 ]; }
	wait_for 5 no_exit_infos ||
		fail "${opts:-cached}: PidfdExitInfos $(meminfo PidfdExitInfos) after the last close"
	pass "${opts:-cached}: and freed when the kernel forgets the pidfd"

	# a thread's pidfd, and a write through it
	t=$(ctl "thread 1")
	exec 3<>"$MNT/1/task/$t/pidfd"
	expect_eq "$(status_field /dev/fd/3 Pid):$(status_field /dev/fd/3 Tgid)" \
		"$t:1" "${opts:-cached}: a thread's pidfd"
	echo "exit 2" >&3 || fail "${opts:-cached}: exit through a thread's pidfd"
	[ ! -e "$MNT/1/task/$t" ] || fail "${opts:-cached}: the thread is still listed"
	pass "${opts:-cached}: a thread exits through its pidfd"
	exec 3<&-

	# pollers that went away leave their handles in the daemon: freed
	# at unmount (the sanitizer builds check the daemon leaks none)
	p=$(ctl 'fork 1 polled')
	pollers=()
	for i in 1 2 3; do
		"$PIDFDCMP" "$MNT" poll "$p" >/dev/null &
		pollers+=($!)
	done
	"$PIDFDCMP" "$MNT" poll "$p" >"$PIDFS_TMP/woken" &
	woken=$!
	sleep 0.2
	kill -KILL "${pollers[@]}"
	wait "${pollers[@]}" 2>/dev/null || true
	ctl "exit $p 1" >/dev/null
	wait "$woken" || fail "${opts:-cached}: the remaining poller: $(cat "$PIDFS_TMP/woken")"
	pass "${opts:-cached}: a poller woken among dead ones: $(cat "$PIDFS_TMP/woken")"
	p=$(ctl 'fork 1 polled')
	"$PIDFDCMP" "$MNT" poll "$p" >/dev/null &
	poller=$!
	sleep 0.2
	kill -KILL "$poller"
	wait "$poller" 2>/dev/null || true
	pidfs_umount
	pass "${opts:-cached}: unmounted with a dead poller's handle kept"
done

for model in pid task nr; do
	pidfs_mount "pin=$model,pid_max=400"
	ctl 'spawn 298' >/dev/null		# 2..299
	expect_eq "$(ctl 'fork 1 victim')" 300 "$model: the victim is 300"
	exec 3<>"$MNT/300/pidfd"
	ctl 'kill 300' >/dev/null
	ctl 'spawn 99' >/dev/null		# 301..399: the map is full
	expect_eq "$(ctl 'fork 1 newcomer')" 300 "$model: the newcomer is 300"
	rc=0
	echo kill 2>"$PIDFS_TMP/kill.err" >&3 || rc=$?
	case $model in
	pid | task)
		[ $rc -ne 0 ] && grep -q 'No such process' "$PIDFS_TMP/kill.err" ||
			fail "$model: kill through the old handle: rc $rc $(cat "$PIDFS_TMP/kill.err")"
		expect_eq "$(status_field "$MNT/300/status" Name)" newcomer \
			"$model: kill through the old handle fails ESRCH; the newcomer lives"
		;;
	nr)
		[ $rc -eq 0 ] || fail "nr: kill through the old handle: $(cat "$PIDFS_TMP/kill.err")"
		[ ! -e "$MNT/300" ] || fail "nr: 300 still exists"
		pass "nr: kill through the old handle killed the newcomer"
		;;
	esac
	if [ $model = task ]; then
		# A dead task counts as pinned once its grace period is over.
		one_pinned() { [ "$(meminfo TaskStructsPinned)" = 1 ]; }
		wait_for 2 one_pinned || true
		expect_eq "$(meminfo TaskStructsPinned)" 1 \
			"task: the victim's task_struct is still charged"
	fi
	exec 3<&-
	pidfs_umount
done
