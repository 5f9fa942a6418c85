#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every error of the control language, as the write(2) errno and an
# "error: ..." reply: ESRCH, EPERM, ECHILD, E2BIG and EINVAL (syntax) on
# a default mount; EAGAIN when pid_max leaves no free pid; EAGAIN at the
# nproc limit; ENOMEM or EAGAIN when low memory runs out; spawn all or
# nothing under each limit.  A failed command must leave the simulated
# kernel as it was: tasks, pids, memory and last_pid.
#
#   top_builddir=build top_srcdir=. tests/integration/test-errno.sh

. "$top_srcdir/tests/integration/lib.sh"

ph() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/pidhash"; }

# What a failed command must not change.
state() {
	echo "pids: $(list_pids | tr '\n' ' ')"
	echo "tasks $(meminfo TaskStructs) pids $(meminfo PidStructs) slab $(meminfo Slab)"
	echo "last_pid $(ph last_pid) nr_pids $(ph nr_pids)"
}

# ctl_err, and the reply names the command.
err() {
	local want=$1
	ctl_err "$@"
	shift
	grep -q "^error: ${1%% *}: \|^error: syntax: " "$PIDFS_TMP/ctl.err" ||
		fail "ctl $*: reply '$(cat "$PIDFS_TMP/ctl.err")'"
	[ "$(wc -l <"$PIDFS_TMP/ctl.err")" = 1 ] ||
		fail "ctl $*: reply not one line"
	pass "$* fails with errno $want: $(cat "$PIDFS_TMP/ctl.err")"
}

# ---- a default mount: ESRCH, EPERM, ECHILD, E2BIG, EINVAL --------------------

pidfs_mount
a=$(ctl 'fork 1 alive')
z=$(ctl 'fork 1 zombie')
ctl "exit $z" >/dev/null
s=$(ctl 'fork 1 sess')
ctl "setsid $s" >/dev/null
# init's first setsid succeeds (2.6.17 exempts session 1); then it leads
ctl 'setsid 1' >/dev/null
th=$(ctl "thread $a")
before=$(state)

err $ESRCH 'fork 999'
err $ESRCH 'fork 999 name'
err $ESRCH 'spawn 3 999'
err $ESRCH 'thread 999'
err $ESRCH "thread $z"		# a zombie takes no new thread
err $ESRCH 'exit 999'
err $ESRCH "exit $z"		# exits once
err $EPERM 'exit 1'
err $ESRCH 'reap 999'
err $ECHILD "reap $a"		# alive: not a zombie
err $ECHILD 'reap 1'
err $ESRCH 'kill 999'
err $ESRCH "kill $z"
err $EPERM 'kill 1'
err $ESRCH 'setpgid 999 0'
err $EPERM 'setpgid 1 0'	# a session leader
err $EPERM "setpgid $s 0"	# so is a setsid's task
err $EPERM "setpgid $a $s"	# a group of another session
err $EPERM "setpgid $a 999"	# no such group
err $EINVAL "setpgid $th 0"	# a thread, not its group's leader
err $ESRCH 'setsid 999'
err $EPERM 'setsid 1'		# already a session leader
err $EPERM "setsid $s"
err $ESRCH 'exec 999 vim'
err $ESRCH 'setuid 999 1000'
long=$(head -c 4100 /dev/zero | tr '\0' a)
err $E2BIG "exec $a x $long"

# Syntax: EINVAL, whatever the command.
for line in 'frok' 'FORK' 'fork1' '' ' ' \
	'thread' 'exit' 'reap' 'kill' 'setpgid 2' 'setsid' 'exec 2' \
	'spawn' 'setuid 2' \
	'fork 1 a b' 'thread 1 a b' 'exit 2 0 0' 'reap 2 3' 'kill 2 0 0' \
	'setpgid 2 0 0' 'setsid 1 2' 'spawn 1 1 1' 'setuid 2 0 0 0' \
	'kill +2' 'kill 02' 'kill 0x2' 'kill -1' 'kill 2a' 'kill 0' \
	'exit 2 256' 'exit 2 -1' 'spawn 0' 'spawn 100001' 'fork 4194304' \
	'kill 4194304' 'setuid 2 4294967295' 'setuid 2 0 4294967295' \
	'fork 1 sixteen_chars_xx' "fork 1 $(printf 'a\001b')" \
	"exec 2 $(printf 'a\177')"; do
	err $EINVAL "$line"
done
# (longer than pidfs-ctl takes)
expect_errno $EINVAL "a line longer than 8192 bytes" \
	"$PREADCAT" -w "fork 1 $(head -c 9000 /dev/zero | tr '\0' a)" "$MNT/ctl"
expect_errno $EINVAL "two lines in one write" \
	"$PREADCAT" -w "$(printf 'fork 1 a\nfork 1 b')" "$MNT/ctl"
# A NUL byte: bash's printf writes a line with one write(2) (appended:
# at offset 0, the size of a fresh ctl).
for bad in 'fork\0' 'fork 1\0x'; do
	# shellcheck disable=SC2059
	if (printf "$bad\n" >>"$MNT/ctl") 2>"$PIDFS_TMP/w.err"; then
		fail "'$bad' was accepted"
	fi
	grep -q 'Invalid argument' "$PIDFS_TMP/w.err" ||
		fail "'$bad': $(cat "$PIDFS_TMP/w.err")"
	pass "'$bad' fails EINVAL"
done
expect_eq "$(state)" "$before" "failed commands changed nothing"
pidfs_umount

# ---- pid_max: no free pid --------------------------------------------------

# pid_max=310: pids 1..309, and 300..309 again after the wrap.
pidfs_mount pid_max=310
ctl 'spawn 300' >/dev/null
before=$(state)
err $EAGAIN 'spawn 9'		# 8 pids left: all or nothing
expect_eq "$(state)" "$before" "a spawn that failed created nothing"
ctl 'spawn 8' >/dev/null
expect_eq "$(ph last_pid)" 309 "every pid below pid_max in use"
before=$(state)
err $EAGAIN 'fork'
err $EAGAIN 'fork 1 name'
err $EAGAIN 'thread 2'
err $EAGAIN 'spawn 1'
expect_eq "$(state)" "$before" "failed forks changed nothing"
grep -q "no free pid" "$PIDFS_TMP/ctl.err" ||
	fail "reason: $(cat "$PIDFS_TMP/ctl.err")"
# a freed pid at or above RESERVED_PIDS (300) is found again after a wrap
ctl 'kill 305' >/dev/null
expect_eq "$(ctl 'fork 1 wrapped')" 305 "after the wrap, the freed pid"
expect_eq "$(ph wraps)" 1 "pidhash counts the wrap"
err $EAGAIN 'fork'
expect_eq "$(meminfo ForkFailures)" 6 "ForkFailures counts each failed fork"
pidfs_umount

# ---- nproc: the per-user process limit ---------------------------------------

pidfs_mount nproc=4
ctl 'spawn 2' >/dev/null	# with init: 3 of 4
before=$(state)
err $EAGAIN 'spawn 2'		# one left: all or nothing
expect_eq "$(state)" "$before" "a spawn over nproc created nothing"
t=$(ctl 'thread 2')		# a thread counts as a process
before=$(state)
err $EAGAIN 'fork'
err $EAGAIN 'thread 2'
err $EAGAIN 'spawn 1'
expect_eq "$(state)" "$before" "failed forks at nproc changed nothing"
grep -q "process limit" "$PIDFS_TMP/ctl.err" ||
	fail "reason: $(cat "$PIDFS_TMP/ctl.err")"
# another uid has its own count: moving a task there frees a slot
ctl "setuid 3 1000" >/dev/null
ctl 'fork 3 other' >/dev/null
pass "a task of another uid forks"
ctl 'fork 1 again' >/dev/null
pass "setuid moved a task to another uid's count"
err $EAGAIN 'fork'
ctl "kill $t" >/dev/null
ctl 'fork 1 again' >/dev/null
pass "a slot freed by a kill can be used again"
err $EAGAIN 'fork'
pidfs_umount

# ---- lowmem: the zone runs out -----------------------------------------------

# 64 KiB holds the pid map and a handful of 10 KiB tasks.
pidfs_mount lowmem=64K
n=0
while ctl_pid=$("$PIDFS_CTL" "$MNT" 'fork 1 hog' 2>/dev/null); do
	n=$((n + 1))
	[ $n -lt 100 ] || fail "64K of low memory held 100 tasks"
done
[ $n -ge 1 ] || fail "no fork succeeded in 64K"
pass "low memory held $n forks of 10 KiB"
before=$(state)
for cmd in 'fork' 'fork 1 more' 'thread 1' 'spawn 1' 'spawn 3'; do
	rc=0
	"$PIDFS_CTL" "$MNT" "$cmd" >/dev/null 2>"$PIDFS_TMP/ctl.err" || rc=$?
	[ $rc -eq $ENOMEM ] || [ $rc -eq $EAGAIN ] || fail "$cmd: exit $rc"
	grep -q "^error: ${cmd%% *}: out of low memory$" "$PIDFS_TMP/ctl.err" ||
		fail "$cmd: reply $(cat "$PIDFS_TMP/ctl.err")"
	pass "$cmd fails with errno $rc: out of low memory"
done
expect_eq "$(state)" "$before" "failed forks in low memory changed nothing"
[ "$(meminfo OomEvents)" -ge 5 ] || fail "OomEvents $(meminfo OomEvents)"
pass "OomEvents counts the failures"
# free two tasks' worth: a spawn of more fails whole, giving all back
first=$(list_pids | sed -n 2p)
second=$(list_pids | sed -n 3p)
ctl "kill $first" "kill $second" >/dev/null
freed() { [ "$(meminfo TaskStructs)" = $((n - 1)) ]; }
wait_for 2 freed || fail "the killed tasks' memory did not come back"
before=$(state)
rc=0
"$PIDFS_CTL" "$MNT" 'spawn 5' >/dev/null 2>&1 || rc=$?
[ $rc -eq $ENOMEM ] || [ $rc -eq $EAGAIN ] || fail "spawn 5: exit $rc"
expect_eq "$(state)" "$before" "a spawn beyond low memory gave everything back"
ctl 'spawn 2' >/dev/null
pass "the room it gave back can be used"
pidfs_umount
