# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by the mount tests (sourced): mount a real pidfs in a temporary
# directory, drive it, check it, and always clean up.
#
#   . "$top_srcdir/tests/lib/pidfs.sh"
#   pidfs_mount pin=task,pid_max=400    # sets MNT and PIDFS_PID
#   pid=$(ctl 'fork 1 victim')
#   expect_eq "$(meminfo TaskStructs)" 2 "two tasks"
#   pidfs_umount                        # fails if the daemon exited non-zero
#
# Exit 77 (skipped) only when the machine has no FUSE at all.
#
# PIDFS_MOUNT_OPTS (e.g. alloc=idr) is put before the options of every
# pidfs_mount, which may override it: scripts/test.sh runs the
# integration tests a second time so, under the other pid allocator.

set -euo pipefail

: "${top_builddir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
PIDFS=${PIDFS:-$top_builddir/src/pidfs}
PIDFS_CTL=${PIDFS_CTL:-$top_builddir/src/pidfs-ctl}
MNT=
PIDFS_PID=
PIDFS_LOG=
PIDFS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pidfs-test.XXXXXX")

pidfs_cleanup() {
	local m
	for m in "$PIDFS_TMP"/mnt*; do
		[ -d "$m" ] || continue
		if mountpoint -q "$m" 2>/dev/null; then
			fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true
		fi
	done
	if [ -n "$PIDFS_PID" ] && kill -0 "$PIDFS_PID" 2>/dev/null; then
		kill "$PIDFS_PID" 2>/dev/null || true
		wait "$PIDFS_PID" 2>/dev/null || true
	fi
	rm -rf "$PIDFS_TMP"
}
trap pidfs_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -n "$PIDFS_LOG" ] && [ -s "$PIDFS_LOG" ]; then
		echo "--- daemon log:" >&2
		tail -20 "$PIDFS_LOG" >&2
	fi
	exit 1
}

pass() {
	echo "ok: $*"
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
	pass "$3"
}

pidfs_require_fuse() {
	if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
		echo "SKIP: no FUSE on this machine (/dev/fuse, fusermount3)"
		exit 77
	fi
}

# Wait up to $1 seconds for the command that follows to succeed.
wait_for() {
	local t=$1 end
	shift
	end=$((SECONDS + t))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

# Mount in the foreground, in the background of this shell.  $1: -o list,
# after $PIDFS_MOUNT_OPTS.
pidfs_mount() {
	local opts=${PIDFS_MOUNT_OPTS:-} n
	opts=$opts${1:+${opts:+,}$1}
	pidfs_require_fuse
	n=$(find "$PIDFS_TMP" -maxdepth 1 -name 'mnt*' | wc -l)
	MNT=$PIDFS_TMP/mnt$n
	PIDFS_LOG=$PIDFS_TMP/daemon$n.log
	mkdir -p "$MNT"
	"$PIDFS" -f ${opts:+-o "$opts"} "$MNT" 2>"$PIDFS_LOG" &
	PIDFS_PID=$!
	wait_for 10 mountpoint -q "$MNT" || fail "pidfs did not mount ($opts)"
}

# Unmount and check the daemon's verdict on its books.
pidfs_umount() {
	local rc=0
	fusermount3 -u "$MNT" || fail "fusermount3 -u $MNT"
	wait "$PIDFS_PID" || rc=$?
	PIDFS_PID=
	[ "$rc" -eq 0 ] || fail "daemon exited with $rc"
	grep -q "nothing leaked" "$PIDFS_LOG" || fail "daemon did not report clean books"
}

# Run control commands; print the replies.  Fails the test on error.
ctl() {
	"$PIDFS_CTL" "$MNT" "$@" || fail "ctl $* failed ($?)"
}

# Run one control command expected to fail with errno $1 (a number).
ctl_err() {
	local want=$1 rc=0
	shift
	"$PIDFS_CTL" "$MNT" "$@" 2>"$PIDFS_TMP/ctl.err" >/dev/null || rc=$?
	[ "$rc" -eq "$want" ] || fail "ctl $*: exit $rc, expected errno $want"
	grep -q '^error: ' "$PIDFS_TMP/ctl.err" || fail "ctl $*: no error reply"
}

# The pid allocator of the mount at $MNT: pidmap or idr (/pidhash).
pidfs_alloc() {
	awk '$1 == "alloc:" { print $2 }' "$MNT/pidhash"
}

# The value of one /meminfo line.
meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' "$MNT/meminfo"
}

pins_zero() {
	[ "$(meminfo TaskStructsPinned)" = 0 ] && [ "$(meminfo PidStructsPinned)" = 0 ]
}
