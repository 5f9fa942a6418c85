#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Errors that say what to do: pidfs-ctl's usage, its refusal of a command
# split over arguments (nothing runs), its standard-input mode, its
# longest line (the daemon's own limit, PIDFS_CTL_LINE_MAX = 8192 bytes
# with the newline), its "is pidfs mounted there?"; the daemon's log line
# for each refused ctl write, and its rate limit; the daemon's checks of
# the mountpoint: not a directory, missing, already a pidfs, not empty,
# and one whose daemon was killed; and exhaust -D with a pid that does
# not serve the mount.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/integration/lib.sh"

# --- the scripts answer --help with their usage, and do nothing else ------

for sc in scripts/test.sh scripts/demo.sh scripts/check-style.sh \
	scripts/package-test.sh; do
	out=$(BUILDDIR=$PIDFS_TMP/b bash "$top_srcdir/$sc" --help) ||
		fail "$sc --help: exit $?"
	grep -q "${sc##*/}" <<<"$out" || fail "$sc --help: no usage line"
	[ ! -e "$PIDFS_TMP/b" ] || fail "$sc --help built something"
done
pass "scripts/{test,demo,check-style,package-test}.sh --help print their usage"

# --- pidfs-ctl without a mount ------------------------------------------

out=$("$PIDFS_CTL" --help) || fail "pidfs-ctl --help: exit $?"
for want in 'fork \[PPID \[COMM\]\]' 'failnth N' 'pidfs(8)' 'Quote each command' \
	'standard input'; do
	grep -q "$want" <<<"$out" || fail "pidfs-ctl --help lacks '$want'"
done
pass "pidfs-ctl --help lists the commands and points to pidfs(8)"

rc=0
"$PIDFS_CTL" >/dev/null 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 64 "pidfs-ctl with no argument: usage, exit 64"
grep -q 'spawn N \[PPID\]' "$PIDFS_TMP/err" || fail "no command list on stderr"

empty=$PIDFS_TMP/empty
mkdir -p "$empty"
rc=0
"$PIDFS_CTL" "$empty" fork >/dev/null 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 2 "pidfs-ctl on a plain directory: ENOENT"
grep -q 'is pidfs mounted there?' "$PIDFS_TMP/err" ||
	fail "no 'is pidfs mounted there?': $(cat "$PIDFS_TMP/err")"
pass "pidfs-ctl on a plain directory asks whether pidfs is mounted there"

# --- pidfs-ctl against a mount -------------------------------------------

pidfs_mount
before=$(meminfo TaskStructs)

rc=0
"$PIDFS_CTL" "$MNT" fork 1 sshd >/dev/null 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 64 "an unquoted 'fork 1 sshd': usage, exit 64"
grep -q "quote each command, e.g. .* 'fork 1 sshd'" "$PIDFS_TMP/err" ||
	fail "no 'quote each command': $(cat "$PIDFS_TMP/err")"
expect_eq "$(meminfo TaskStructs)" "$before" "... and nothing ran"

rc=0
"$PIDFS_CTL" "$MNT" 'frok 1' >/dev/null 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" "$EINVAL" "an unknown command: the daemon's EINVAL"
grep -q 'error: syntax: unknown command "frok"' "$PIDFS_TMP/err" ||
	fail "unknown command: $(cat "$PIDFS_TMP/err")"

out=$(printf 'fork 1 a\n\nfork 2 b\n' | "$PIDFS_CTL" "$MNT") ||
	fail "commands on stdin: exit $?"
expect_eq "$(echo "$out" | tr '\n' ' ')" "2 3 " "commands on standard input, one a line"

rc=0
printf 'kill 3\nkill 3\nfork 1\n' | "$PIDFS_CTL" "$MNT" >/dev/null \
	2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" "$ESRCH" "stdin: the second 'kill 3' fails ESRCH"
grep -q 'stopped at command 2 (kill 3); command 1 ran' "$PIDFS_TMP/err" ||
	fail "no word of what ran: $(cat "$PIDFS_TMP/err")"
# (A killed task's task_struct is freed after an RCU grace period.)
tasks_are() { [ "$(meminfo TaskStructs)" = "$1" ]; }
wait_for 10 tasks_are "$((before + 1))" ||
	fail "TaskStructs $(meminfo TaskStructs), not $((before + 1))"
[ ! -e "$MNT/3" ] && [ ! -e "$MNT/4" ] ||
	fail "3 is still there, or 'fork 1' ran"
pass "... the first ran, the third did not"

# The longest line: 8191 bytes and a newline.  Blanks pad "fork 1".
long=$(printf 'fork%8185s1' '')
expect_eq "${#long}" 8190 "a command of 8190 bytes"
out=$("$PIDFS_CTL" "$MNT" "$long " 2>&1) || fail "8191 bytes: $out"
pass "pidfs-ctl passes a command of 8191 bytes (8192 with its newline): $out"
rc=0
"$PIDFS_CTL" "$MNT" "$long  " >/dev/null 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" "$EINVAL" "a command of 8192 bytes: EINVAL"
grep -q 'the longest is 8191' "$PIDFS_TMP/err" ||
	fail "8192 bytes: $(cat "$PIDFS_TMP/err")"

# --- the daemon's log ------------------------------------------------------

(echo frok >"$MNT/ctl") 2>/dev/null && fail "'echo frok > ctl' succeeded"
wait_for 5 grep -q 'ctl: refused a write from pid [0-9]*: syntax: unknown command "frok"' \
	"$PIDFS_LOG" || fail "no log line for 'frok': $(cat "$PIDFS_LOG")"
pass "the daemon logs a refused write with its reason"

# A writer refused in a loop: at most 10 lines a 5-second window (the
# loop takes well under 5 s; one line more if a window ends inside it).
for _ in $(seq 50); do
	(echo 'kill 99' >"$MNT/ctl") 2>/dev/null || true
done
n=$(grep -c 'refused a write' "$PIDFS_LOG")
[ "$n" -le 21 ] || fail "$n lines for 51 refused writes: not rate-limited"
pass "51 refused writes: $n log lines (rate-limited)"

# exhaust -D checks that the pid it is given serves the mountpoint.
rc=0
"$top_builddir/examples/exhaust" -D 1 -p 1 -f 16 "$MNT" >/dev/null \
	2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 2 "exhaust -D 1: refused"
grep -q "no pidfs serving $MNT (pid $PIDFS_PID is)" "$PIDFS_TMP/err" ||
	fail "exhaust -D 1: $(cat "$PIDFS_TMP/err")"

# --- the mountpoint ----------------------------------------------------------

rc=0
"$PIDFS" -f "$MNT" 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 1 "a second pidfs on a mounted pidfs is refused"
grep -q 'already mounted on' "$PIDFS_TMP/err" || fail "$(cat "$PIDFS_TMP/err")"
pidfs_umount

touch "$PIDFS_TMP/file"
rc=0
"$PIDFS" -f "$PIDFS_TMP/file" 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 1 "a regular file as mountpoint is refused"
grep -q 'is not a directory' "$PIDFS_TMP/err" || fail "$(cat "$PIDFS_TMP/err")"

rc=0
"$PIDFS" -f "$PIDFS_TMP/none" 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 1 "a missing mountpoint is refused"
grep -q 'mkdir -p' "$PIDFS_TMP/err" || fail "$(cat "$PIDFS_TMP/err")"

# Not empty: a warning, and the mount goes ahead.
touch "$empty/hidden"
"$PIDFS" -f "$empty" 2>"$PIDFS_TMP/ne.log" &
ne_pid=$!
wait_for 10 mountpoint -q "$empty" || fail "no mount on a non-empty directory"
grep -q 'warning: .* is not empty: its 1 entry will be hidden' "$PIDFS_TMP/ne.log" ||
	fail "no warning: $(cat "$PIDFS_TMP/ne.log")"
pass "a non-empty mountpoint: a warning, and the mount"

# Its daemon killed: the remount says what to do.
kill -9 "$ne_pid"
wait "$ne_pid" 2>/dev/null || true
rc=0
"$PIDFS" -f "$empty" 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 1 "a remount over a killed daemon's mount is refused"
grep -q "has gone (killed?)" "$PIDFS_TMP/err" && grep -q "fusermount3 -u $empty" "$PIDFS_TMP/err" &&
	grep -q '/sys/fs/fuse/connections/[0-9]*/abort' "$PIDFS_TMP/err" ||
	fail "$(cat "$PIDFS_TMP/err")"
rc=0
"$PIDFS_CTL" "$empty" 'fork 1' 2>"$PIDFS_TMP/err" || rc=$?
expect_eq "$rc" 107 "pidfs-ctl on it: ENOTCONN"
grep -q 'has gone; unmount it' "$PIDFS_TMP/err" || fail "$(cat "$PIDFS_TMP/err")"
fusermount3 -u "$empty" || fail "fusermount3 -u after the kill"
pass "after the daemon was killed: fusermount3 -u, as the message says"
