#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The control file: every command's reply, and that a read right after a
# command sees its effect although the kernel caches every task file
# (each file is read once before the command, so that it is cached);
# then the transaction rules: each open is its own transaction with its
# own reply, a reply reads again, writes at an offset fail EINVAL, and
# only the mounting user may open ctl.
#
#   top_builddir=build top_srcdir=. tests/integration/test-ctl.sh

. "$top_srcdir/tests/integration/lib.sh"

if [ "$(id -u)" = 0 ]; then
	# so that another user reaches ctl's permission bits at all
	pidfs_mount allow_other
else
	pidfs_mount
fi

# The exact bytes of a reply (command substitution would eat newlines).
# od prints a newline as \n; spaces and od's own newlines go.
reply() { "$PREADCAT" -w "$1" "$MNT/ctl" | od -An -c | tr -d ' \n'; }

# ---- fork ------------------------------------------------------------------

ls "$MNT" >/dev/null
[ ! -e "$MNT/2" ] || fail "2 exists before the fork"
expect_eq "$(reply 'fork 1 sshd')" "2\\n" "fork: reply is the pid and a newline"
expect_eq "$(list_pids | tr '\n' ' ')" "1 2 " \
	"fork: the listing shows it at once"
expect_eq "$(cat "$MNT/2/comm")" sshd \
	"fork: a looked-up-before name is found now"
expect_eq "$(status_field "$MNT/2/status" PPid)" 1 "fork 1: child of init"
p=$(ctl 'fork')
expect_eq "$(status_field "$MNT/$p/status" PPid)" 1 \
	"fork without PPID: child of init"
expect_eq "$(cat "$MNT/$p/comm")" init "fork without COMM: the parent's name"
q=$(ctl 'fork 0 zero')
expect_eq "$(status_field "$MNT/$q/status" PPid)" 1 "fork 0: child of init"
c=$(ctl 'fork 2 child')
expect_eq "$(status_field "$MNT/$c/status" PPid)" 2 "fork PPID: child of PPID"

# ---- thread ----------------------------------------------------------------

cat "$MNT/2/status" "$MNT/2/stat" >/dev/null
ls "$MNT/2/task" >/dev/null
t=$(ctl 'thread 2 worker')
expect_eq "$(status_field "$MNT/2/status" Threads)" 2 \
	"thread: the leader's Threads, at once"
expect_eq "$(stat_field "$MNT/2/stat" 20)" 2 \
	"thread: the leader's num_threads, at once"
expect_eq "$(ls "$MNT/2/task" | tr '\n' ' ')" "2 $t " \
	"thread: task/ lists it at once"
expect_eq "$(cat "$MNT/2/task/$t/comm")" worker "thread COMM: its name"
expect_eq "$(status_field "$MNT/2/task/$t/status" Tgid)" 2 \
	"thread: in the leader's group"
t2=$(ctl 'thread 2')
expect_eq "$(cat "$MNT/2/task/$t2/comm")" sshd \
	"thread without COMM: the leader's name"
expect_eq "$(status_field "$MNT/2/status" Threads)" 3 "thread: Threads 3"

# ---- exit, reap ------------------------------------------------------------

e=$(ctl 'fork 1 exiter')
cat "$MNT/$e/status" "$MNT/$e/stat" "$MNT/$e/cmdline" >/dev/null
expect_eq "$(reply "exit $e 42")" "" "exit: empty reply"
expect_eq "$(status_field "$MNT/$e/status" State)" "Z (zombie)" \
	"exit: status says zombie at once"
expect_eq "$(stat_field "$MNT/$e/stat" 3)" Z "exit: stat says Z at once"
expect_eq "$(stat_field "$MNT/$e/stat" 52)" 42 "exit CODE: the exit code"
expect_eq "$(wc -c <"$MNT/$e/cmdline")" 0 "exit: cmdline empty at once"
list_pids | grep -qx "$e" || fail "a zombie is not listed"
pass "exit: the zombie is still listed"
e2=$(ctl 'fork 1 exiter2')
ctl "exit $e2" >/dev/null
expect_eq "$(stat_field "$MNT/$e2/stat" 52)" 0 "exit without CODE: code 0"
expect_eq "$(reply "reap $e")" "" "reap: empty reply"
list_pids | grep -qx "$e" && fail "reap: still listed"
pass "reap: gone from the listing at once"
if ls "$MNT/$e" >/dev/null 2>&1; then fail "reap: ls $e works"; fi
pass "reap: ls of it fails at once"
# A thread's exit: gone from its group at once.
cat "$MNT/2/status" >/dev/null
ctl "exit $t2" >/dev/null
expect_eq "$(ls "$MNT/2/task" | tr '\n' ' ')" "2 $t " \
	"exit of a thread: task/ drops it"
expect_eq "$(status_field "$MNT/2/status" Threads)" 2 \
	"exit of a thread: the leader's Threads"

# ---- kill ------------------------------------------------------------------

k=$(ctl 'fork 1 victim')
cat "$MNT/$k/status" >/dev/null
ls "$MNT/$k" >/dev/null
expect_eq "$(reply "kill $k")" "" "kill: empty reply"
list_pids | grep -qx "$k" && fail "kill: still listed"
pass "kill: gone from the listing at once"
if ls "$MNT/$k" >/dev/null 2>&1; then fail "kill: ls $k works"; fi
pass "kill: ls of it fails at once"
if cat "$MNT/$k/status" >/dev/null 2>&1; then fail "kill: its status reads"; fi
pass "kill: its status no longer reads"
k2=$(ctl 'fork 1 victim2')
ctl "kill $k2 9" >/dev/null
[ ! -e "$MNT/$k2" ] || fail "kill CODE: still there"
pass "kill CODE: gone"
# kill of a thread ends the thread, not the group
cat "$MNT/2/status" >/dev/null
ctl "kill $t" >/dev/null
expect_eq "$(ls "$MNT/2/task")" 2 "kill of a thread: task/ drops it"
expect_eq "$(status_field "$MNT/2/status" Threads)" 1 \
	"kill of a thread: the leader's Threads"

# ---- setpgid, setsid -------------------------------------------------------

g=$(ctl 'fork 1 leader')
m=$(ctl 'fork 1 member')
cat "$MNT/$g/stat" "$MNT/$m/stat" "$MNT/$m/status" >/dev/null
expect_eq "$(reply "setpgid $g 0")" "" "setpgid: empty reply"
expect_eq "$(stat_field "$MNT/$g/stat" 5)" "$g" \
	"setpgid PID 0: its own group, at once"
ctl "setpgid $m $g" >/dev/null
expect_eq "$(stat_field "$MNT/$m/stat" 5)" "$g" \
	"setpgid PID PGID: stat's pgrp at once"
expect_eq "$(status_field "$MNT/$m/status" NSpgid)" "$g" \
	"setpgid: status NSpgid at once"
ctl "setpgid $m $m" >/dev/null
expect_eq "$(stat_field "$MNT/$m/stat" 5)" "$m" \
	"setpgid PID PID: a group of its own"
s=$(ctl 'fork 1 daemon')
cat "$MNT/$s/stat" "$MNT/$s/status" >/dev/null
expect_eq "$(reply "setsid $s")" "$s\\n" \
	"setsid: reply is the sid and a newline"
expect_eq "$(stat_field "$MNT/$s/stat" 6)" "$s" "setsid: stat's session at once"
expect_eq "$(stat_field "$MNT/$s/stat" 5)" "$s" "setsid: stat's pgrp at once"
expect_eq "$(status_field "$MNT/$s/status" NSsid)" "$s" \
	"setsid: status NSsid at once"
# a thread's setsid acts on its group
th=$(ctl "thread $g")
cat "$MNT/$g/task/$th/stat" >/dev/null
ctl "setpgid $g 1" >/dev/null
expect_eq "$(stat_field "$MNT/$g/task/$th/stat" 5)" 1 \
	"setpgid: the thread's stat at once"

# ---- exec ------------------------------------------------------------------

x=$(ctl 'fork 1 shell')
cat "$MNT/$x/comm" "$MNT/$x/cmdline" "$MNT/$x/status" "$MNT/$x/stat" >/dev/null
expect_eq "$(reply "exec $x vim -u NONE file")" "" "exec: empty reply"
expect_eq "$(cat "$MNT/$x/comm")" vim "exec: comm at once"
expect_eq "$(tr '\0' ' ' <"$MNT/$x/cmdline")" "vim -u NONE file " \
	"exec: cmdline at once"
expect_eq "$(status_field "$MNT/$x/status" Name)" vim \
	"exec: status Name at once"
expect_eq "$(stat_field "$MNT/$x/stat" 2)" "(vim)" "exec: stat comm at once"
expect_eq "$(stat -c %s "$MNT/$x/cmdline")" 17 "exec: cmdline's size at once"
ctl "exec $x top" >/dev/null
expect_eq "$(tr '\0' ' ' <"$MNT/$x/cmdline")" "top " \
	"exec COMM alone: argv is COMM"
# exec ends the other threads of the group
xt=$(ctl "thread $x")
ls "$MNT/$x/task" >/dev/null
ctl "exec $xt bash" >/dev/null
expect_eq "$(ls "$MNT/$x/task")" "$x" "exec in a thread: the group runs alone"
expect_eq "$(cat "$MNT/$x/comm")" bash \
	"exec in a thread: the leader has the new image"

# ---- spawn -----------------------------------------------------------------

before=$(list_pids | wc -l)
out=$(ctl 'spawn 5')
expect_eq "$(echo "$out" | wc -l)" 5 "spawn N: N lines"
for sp in $out; do
	expect_eq "$(status_field "$MNT/$sp/status" PPid)" 1 \
		"spawn: $sp is init's child"
done
expect_eq "$(list_pids | wc -l)" $((before + 5)) "spawn: all listed at once"
out=$(ctl "spawn 3 $g")
for sp in $out; do
	expect_eq "$(status_field "$MNT/$sp/status" PPid)" "$g" \
		"spawn N PPID: $sp is $g's child"
done

# ---- setuid ----------------------------------------------------------------

u=$(ctl 'fork 1 user')
cat "$MNT/$u/status" >/dev/null
expect_eq "$(reply "setuid $u 1000 100")" "" "setuid: empty reply"
expect_eq "$(grep '^Uid:' "$MNT/$u/status")" "$(printf 'Uid:\t1000\t1000\t1000\t1000')" \
	"setuid: status Uid at once"
expect_eq "$(grep '^Gid:' "$MNT/$u/status")" "$(printf 'Gid:\t100\t100\t100\t100')" \
	"setuid: status Gid at once"
ctl "setuid $u 2000" >/dev/null
expect_eq "$(stat -c %u:%g "$MNT/$u/stat")" "2000:100" \
	"setuid without GID keeps the gid"

# ---- syntax the language accepts -------------------------------------------

n=$("$PIDFS_CTL" "$MNT" "$(printf 'fork\t1 \t tabs')")
expect_eq "$(cat "$MNT/$n/comm")" tabs "blanks and tabs separate tokens"
n=$("$PREADCAT" -w '  fork 1 spaced  ' "$MNT/ctl")
expect_eq "$(cat "$MNT/$n/comm")" spaced \
	"leading and trailing blanks are ignored"

# ---- transactions ----------------------------------------------------------

expect_eq "$("$PREADCAT" "$MNT/ctl" | wc -c)" 0 \
	"a fresh open of ctl reads an empty reply"
exec 5<>"$MNT/ctl" 6<>"$MNT/ctl"
r5=$("$PREADCAT" -F 5 -w 'fork 1 five')
r6=$("$PREADCAT" -F 6 -w 'fork 1 six')
[ "$r5" != "$r6" ] || fail "two transactions gave one reply"
expect_eq "$("$PREADCAT" -F 5)" "$r5" "each open keeps its own reply"
expect_eq "$("$PREADCAT" -F 6)" "$r6" "and the other keeps its own"
expect_eq "$(cat "$MNT/$r5/comm")" five "the first open's reply names its task"
"$PREADCAT" -F 5 -w 'exit 1' >/dev/null 2>&1 && fail "exit 1 succeeded"
expect_eq "$("$PREADCAT" -F 5 | cut -c1-7)" "error: " \
	"a failed command replaces the reply"
expect_eq "$("$PREADCAT" -F 6)" "$r6" "without touching another open's"
"$PREADCAT" -F 5 -w 'fork 1 again' >/dev/null
expect_eq "$("$PREADCAT" -F 5 | grep -c '^[0-9][0-9]*$')" 1 \
	"a success replaces an error reply"
exec 5>&- 6>&-
expect_errno $EINVAL "a write at offset 1" "$PREADCAT" -w 'fork' -o 1 "$MNT/ctl"
expect_errno $EINVAL "a write at offset 4096" "$PREADCAT" -w 'fork' -o 4096 \
	"$MNT/ctl"

# Only the mounting user opens ctl: the kernel checks its 0600 mode.
expect_eq "$(stat -c '%a %u' "$MNT/ctl")" "600 $(id -u)" \
	"ctl: 0600, the mounting user"
if [ "$(id -u)" = 0 ]; then
	# nobody must reach the mount point, and the helper wherever the
	# build directory is
	chmod 711 "$PIDFS_TMP"
	install -m 755 "$PREADCAT" "$PIDFS_TMP/preadcat"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	as_nobody cat "$MNT/meminfo" >/dev/null ||
		fail "another user cannot read meminfo"
	pass "another user reads meminfo (allow_other)"
	expect_errno $EACCES "another user writing ctl" as_nobody "$PIDFS_TMP/preadcat" -w 'fork' \
		"$MNT/ctl"
	expect_errno $EACCES "another user reading ctl" as_nobody "$PIDFS_TMP/preadcat" \
		"$MNT/ctl"
else
	echo "note: not root: another user's access to ctl is not tried"
fi

pidfs_umount
pass "clean unmount"
