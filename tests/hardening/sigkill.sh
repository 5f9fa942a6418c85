#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SIGKILL: a daemon killed outright leaves its mount behind, dead.  The
# documented way back is
#
#   fusermount3 -uz MOUNTPOINT
#
# (lazy: it detaches the mount even while files on it are still open),
# after which a new daemon mounts on the same directory.  This test does
# both, with files held open across the kill.
#
#   make check TESTS=tests/hardening/sigkill.sh
#
# While the dead mount is there, anything on it fails with ENOTCONN
# ("Transport endpoint is not connected"); a plain fusermount3 -u
# refuses with EBUSY while files are open, -uz does not.  The new
# daemon starts from a fresh model (pid 1 alone) and its books balance at
# unmount: nothing of the dead one's reaches it.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"

pidfs_mount
ctl 'spawn 100' 'kill 50' >/dev/null
seq 2 101 | grep -vx 50 | sed "s|.*|$MNT/&/status|" |
	"$HD_HOLD" "$PIDFS_TMP/ready" &
holder=$!
hd_defer "hd_kill $holder"
wait_for 30 test -f "$PIDFS_TMP/ready" || fail "the holder did not start"
expect_eq "$(cat "$PIDFS_TMP/ready")" 99 "99 files held open"

kill -KILL "$PIDFS_PID"
rc=0
wait "$PIDFS_PID" || rc=$?
PIDFS_PID=
expect_eq "$rc" $((128 + 9)) "the daemon died of SIGKILL"
is_mounted "$MNT" || fail "the dead mount went away by itself"
expect_errno "stat on the dead mount" ENOTCONN stat "$MNT/1"
expect_errno "read on the dead mount" ENOTCONN read "$MNT/meminfo"
expect_errno "read of a held file" ENOTCONN read "/proc/$holder/fd/3"

# a plain unmount is refused while files on the mount are open
if fusermount3 -u "$MNT" 2>"$PIDFS_TMP/umount.err"; then
	fail "fusermount3 -u succeeded with files open"
fi
grep -q busy "$PIDFS_TMP/umount.err" ||
	fail "fusermount3 -u: $(cat "$PIDFS_TMP/umount.err")"
pass "fusermount3 -u: busy while files are open"

# the documented recovery
fusermount3 -uz "$MNT" || fail "fusermount3 -uz $MNT"
is_mounted "$MNT" && fail "still mounted after fusermount3 -uz"
pass "fusermount3 -uz detached the dead mount"
[ -d "$MNT" ] && [ -z "$(ls -A "$MNT")" ] ||
	fail "$MNT is not an empty directory again"

# a new daemon on the same directory
PIDFS_LOG=$PIDFS_TMP/daemon-again.log
"$PIDFS" -f "$MNT" 2>"$PIDFS_LOG" &
PIDFS_PID=$!
wait_for 10 mountpoint -q "$MNT" || fail "no new mount on $MNT"
pass "a new daemon mounted on $MNT"
expect_eq "$(ls "$MNT" | grep -c '^[0-9]')" 1 "a fresh model: init alone"
expect_eq "$(ctl 'fork 1 again')" 2 "the new daemon forks"
expect_eq "$(awk '$1 == "Name:" { print $2 }' "$MNT/2/status")" again \
	"and serves the new task"
expect_eq "$(meminfo PidStructsPinned)" 0 "no pins from before"
expect_errno "the old held file still leads nowhere" "ENOTCONN" \
	read "/proc/$holder/fd/3"
kill "$holder"
wait "$holder" 2>/dev/null || true
pidfs_umount
pass "the new daemon's books are clean"
