#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The tree: what the root, a task directory and task/ list; the mode and
# owner of every kind of file; /self; /sys/kernel; and the "visitor"
# entry a real process finds under its own pid, which is never listed.
#
#   top_builddir=build top_srcdir=. tests/integration/test-tree.sh

. "$top_srcdir/tests/integration/lib.sh"

pidfs_mount pid_max=1000

GLOBALS="cpuinfo ctl loadavg meminfo pidhash pidns requests self stat sys uptime"

# A fresh mount: init alone.
expect_eq "$(ls "$MNT" | tr '\n' ' ')" "1 $GLOBALS " \
	"fresh root lists init and the globals"
expect_eq "$(ls "$MNT/1" | tr '\n' ' ')" "cmdline comm cwd environ exe fd fdinfo io limits maps ns pidfd root stat statm status task wchan " \
	"a task directory"
expect_eq "$(ls "$MNT/1/task")" "1" "init's task/"
expect_eq "$(ls "$MNT/1/task/1" | tr '\n' ' ')" "cmdline comm cwd environ exe fd fdinfo io limits maps ns pidfd root stat statm status wchan " \
	"a thread directory"
expect_eq "$(ls "$MNT/sys")" "kernel" "/sys"
expect_eq "$(ls "$MNT/sys/kernel" | tr '\n' ' ')" "osrelease pid_max " \
	"/sys/kernel"

# Tasks, a thread, a zombie: leaders are listed (zombies too, as in
# proc), threads only under their leader's task/.
a=$(ctl 'fork 1 sshd')
b=$(ctl "fork $a bash")
t=$(ctl "thread $b worker")
z=$(ctl 'fork 1 defunct')
ctl "exit $z 3" >/dev/null
expect_eq "$(list_pids | tr '\n' ' ')" "1 $a $b $z " \
	"root lists leaders and the zombie"
expect_eq "$(ls "$MNT/$b/task" | tr '\n' ' ')" "$b $t " \
	"task/ lists the thread group"
# A thread's number is not listed ...
ls "$MNT" | grep -qx "$t" && fail "the root lists thread $t"
pass "the root does not list thread $t"
# ... but can be looked up, as in proc.
expect_eq "$(status_field "$MNT/$t/status" Pid)" "$t" \
	"a thread is found by number"
expect_eq "$(status_field "$MNT/$t/status" Tgid)" "$b" \
	"and belongs to its group"
[ ! -e "$MNT/$a/task/$t" ] || fail "thread $t appears under $a/task"
pass "another group's task/ does not have the thread"

# Reaped: gone from the listing and from lookup.
ctl "reap $z" >/dev/null
list_pids | grep -qx "$z" && fail "reaped $z still listed"
[ ! -e "$MNT/$z" ] || fail "reaped $z still found"
pass "a reaped task is gone"

# Names that are not pids, or spell a pid twice, are not found.
for n in 0 01 +1 -1 1x " 1" 4194304 99999999999 nosuch; do
	[ ! -e "$MNT/$n" ] || fail "'$n' was found"
done
pass "only canonical pid names are found"

# Modes and owners: files 0444, directories 0555, ctl 0600, owned by
# the task's uid; globals by the mounting user.
me="$(id -u):$(id -g)"
mode() { stat -c '%A %u:%g' "$1"; }
expect_eq "$(mode "$MNT")" "dr-xr-xr-x $me" "root mode"
expect_eq "$(mode "$MNT/ctl")" "-rw------- $me" "ctl: 0600, the mounting user"
for f in meminfo pidhash requests uptime stat loadavg cpuinfo \
	sys/kernel/pid_max sys/kernel/osrelease; do
	expect_eq "$(mode "$MNT/$f")" "-r--r--r-- $me" "/$f mode"
done
expect_eq "$(stat -c %A "$MNT/sys")" "dr-xr-xr-x" "/sys mode"
for d in "$b" "$b/task" "$b/task/$t"; do
	expect_eq "$(mode "$MNT/$d")" "dr-xr-xr-x $me" "$d/ mode"
done
for d in "$b" "$b/task/$t"; do
	for f in stat status cmdline comm; do
		expect_eq "$(mode "$MNT/$d/$f")" "-r--r--r-- $me" "$d/$f mode"
	done
done

# setuid: the group's files change owner, at once.
ctl "setuid $b 1234 567" >/dev/null
expect_eq "$(stat -c %u:%g "$MNT/$b")" "1234:567" "setuid: directory owner"
expect_eq "$(stat -c %u:%g "$MNT/$b/status")" "1234:567" "setuid: file owner"
expect_eq "$(stat -c %u:%g "$MNT/$b/task/$t/stat")" "1234:567" \
	"setuid: the thread's files"
expect_eq "$(stat -c %u:%g "$MNT/$a/stat")" "$me" \
	"setuid: another group unchanged"

# Writing anything but ctl is refused.
if (echo x >"$MNT/meminfo") 2>/dev/null; then fail "meminfo was writable"; fi
if (echo x >"$MNT/$a/comm") 2>/dev/null; then fail "comm was writable"; fi
if touch "$MNT/newfile" 2>/dev/null; then fail "created a file"; fi
pass "nothing but ctl is writable"

# /self and /sys/kernel.
expect_eq "$(readlink "$MNT/self")" "1" "/self -> 1"
expect_eq "$(cat "$MNT/self/comm")" "init" "/self/comm is init's"
expect_eq "$(cat "$MNT/sys/kernel/pid_max")" "1000" "pid_max is the option's"
expect_eq "$(cat "$MNT/sys/kernel/osrelease")" "$(uname -r)" \
	"osrelease is the host's"

# A visitor: a real process looking itself up, as procps does, finds its
# own entry (when no model task has its number), never listed.
out=$(sh -c 'exec cat "$1/$$/comm"' sh "$MNT")
expect_eq "$out" "cat" "a process finds itself under its own pid"
out=$(sh -c 'exec cat "$1/$$/status"' sh "$MNT" | sed -n 's/^Pid:\t//p')
[ -n "$out" ] && [ "$out" -gt 1 ] || fail "visitor status Pid '$out'"
pass "visitor status names the reader's pid"
out=$(sh -c 'exec cat "$1/$$/task/$$/comm"' sh "$MNT")
expect_eq "$out" "cat" "a process finds itself under its own task/"
sh -c 'exec ls -f "$1"' sh "$MNT" | grep -E '^[0-9]+$' | sort -n >"$PIDFS_TMP/seen"
expect_eq "$(tr '\n' ' ' <"$PIDFS_TMP/seen")" "1 $a $b " \
	"a visitor is never listed"
# and one process does not find another's number (stat(1) is not $$)
! stat "$MNT/$$" >/dev/null 2>&1 ||
	fail "the test shell's pid $$ was found by another process"
pass "a visitor entry is only for the process itself"

pidfs_umount
pass "clean unmount"
