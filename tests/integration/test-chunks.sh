#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every kind of file reads the same in 1-byte and 1024-byte chunks as in
# one whole read: task files (stat, status, cmdline, comm, of a process
# and of a thread), every global file, and a ctl reply longer than a
# page.  preadcat -v compares the chunks with one pread(2) of the whole
# on the same open file; files that change only at events are compared
# with a separate whole read (cat) as well.
#
#   top_builddir=build top_srcdir=. tests/integration/test-chunks.sh

. "$top_srcdir/tests/integration/lib.sh"

pidfs_mount

p=$(ctl 'fork 1 sshd')
# a cmdline of nearly a page (the most exec takes): 40 arguments of 99
# bytes
args=$(for i in $(seq 40); do printf '%099d ' "$i"; done)
ctl "exec $p daemon $args" >/dev/null
t=$(ctl "thread $p worker")
ctl 'spawn 20' >/dev/null

chunks() {
	local f=$1 size
	for size in 1 1024; do
		"$PREADCAT" -v -c "$size" "$f" >"$PIDFS_TMP/chunked" ||
			fail "$f in $size-byte chunks differs from one read"
		if [ -n "${2:-}" ]; then
			cmp -s "$PIDFS_TMP/chunked" "$2" ||
				fail "$f in $size-byte chunks differs from cat"
		fi
	done
	[ -s "$PIDFS_TMP/chunked" ] || [ "${f##*/}" = cmdline ] ||
		fail "$f is empty"
	pass "${f#"$MNT"/}: 1-byte and 1024-byte chunks read as one read ($(wc -c <"$PIDFS_TMP/chunked") bytes)"
}

# Files that change only at model events: also equal to a separate read.
for f in "$p/stat" "$p/status" "$p/cmdline" "$p/comm" \
	"$p/task/$t/stat" "$p/task/$t/status" "$p/task/$t/cmdline" \
	"$p/task/$t/comm" 1/stat 1/status 1/cmdline 1/comm \
	pidhash cpuinfo sys/kernel/pid_max sys/kernel/osrelease; do
	cat "$MNT/$f" >"$PIDFS_TMP/whole"
	chunks "$MNT/$f" "$PIDFS_TMP/whole"
done
[ "$(stat -c %s "$MNT/$p/cmdline")" -gt 4000 ] || fail "cmdline is not long"

# Globals rendered at each getattr (no attribute caching): nothing
# changes them during these reads, so the chunks of one open file make
# one whole.  Not /uptime and /requests: they change by themselves (the
# clock; the counts of the very requests that read them), and the kernel
# fetches each chunk after a GETATTR, so they can only be read whole.
for f in meminfo stat loadavg; do
	chunks "$MNT/$f"
done

# A ctl reply: 300 pids, about 1.2 KB.
first=$(($(awk '$1 == "last_pid:" { print $2 }' "$MNT/pidhash") + 1))
for size in 1 1024; do
	"$PREADCAT" -v -c "$size" -w 'spawn 300' "$MNT/ctl" >"$PIDFS_TMP/reply" ||
		fail "a ctl reply in $size-byte chunks differs from one read"
	seq "$first" $((first + 299)) | cmp -s - "$PIDFS_TMP/reply" ||
		fail "a ctl reply in $size-byte chunks: $(head -c 100 "$PIDFS_TMP/reply")"
	pass "ctl reply of spawn 300 in $size-byte chunks"
	first=$((first + 300))
done
# An error reply, read again from an open ctl.
exec 5<>"$MNT/ctl"
"$PREADCAT" -F 5 -w 'exit 1' >/dev/null 2>&1 && fail "exit 1 succeeded"
for size in 1 5 1024; do
	"$PREADCAT" -v -c "$size" -F 5 >"$PIDFS_TMP/reply" ||
		fail "an error reply in $size-byte chunks differs from one read"
	grep -q '^error: exit: ' "$PIDFS_TMP/reply" ||
		fail "error reply: $(cat "$PIDFS_TMP/reply")"
done
exec 5>&-
pass "ctl error reply in 1, 5 and 1024-byte chunks"

pidfs_umount
pass "clean unmount"
