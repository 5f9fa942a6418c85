#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SIGTERM while 10,000 files are open: the daemon must unmount and exit
# within 5 seconds, release every pin, say "nothing leaked" and exit 0.
#
#   make check TESTS=tests/hardening/sigterm.sh
#
# 10,000 tasks are spawned and five holder processes (hd-hold) open the
# stat file of 2,000 each, which costs the kernel two lookups per file
# (the task's directory and its stat): KernelRefs is 20,000.  Then every
# task is killed: the files pin 10,000 dead struct pids (PidStructsPinned)
# and nothing else, as DESIGN.md's attack does.  On SIGTERM libfuse leaves
# its loop, the mount is detached while the files are still open (root's
# unmount is lazy), and the daemon drops the references the kernel still
# held, checks its books and exits.  The holders' descriptors then point
# at a dead connection: reading them fails, and they are closed by killing
# the holders.  A second round does the same with SIGINT and live tasks
# (task_structs pinned in the task model).

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"

NTASKS=10000
PER_HOLDER=2000

# hold FIRST LAST FILE: start holders of MNT/<pid>/FILE for pids FIRST..LAST
# and wait until they hold them all.
hold() {
	local first=$1 last=$2 file=$3 from h=0 ready=$PIDFS_TMP/ready

	mkdir -p "$ready"
	HOLDERS=()
	for ((from = first; from <= last; from += PER_HOLDER)); do
		seq "$from" $((from + PER_HOLDER - 1 > last ? last :
			from + PER_HOLDER - 1)) |
			sed "s|.*|$MNT/&/$file|" |
			"$HD_HOLD" "$ready/$h" 2>>"$PIDFS_TMP/hold.err" &
		HOLDERS+=($!)
		hd_defer "hd_kill $!"
		h=$((h + 1))
	done
	HOLDERS_READY=$h
	wait_for 60 eval '[ "$(cat "$ready"/* 2>/dev/null | wc -l)" -eq \
		$HOLDERS_READY ]' ||
		fail "holders did not open their files:" \
			"$(cat "$PIDFS_TMP/hold.err")"
	expect_eq "$(cat "$ready"/* | awk '{ n += $1 } END { print n }')" \
		$((last - first + 1)) \
		"files held by $h processes"
	rm -rf "$ready"
}

# stop SIGNAL: signal the daemon, which must be gone within 5 seconds,
# with status 0, its books clean and the mount gone.
stop() {
	local sig=$1 rc=0 t0 t1

	t0=$(date +%s%N)
	kill -s "$sig" "$PIDFS_PID"
	wait_for 5 eval '! kill -0 $PIDFS_PID 2>/dev/null' ||
		fail "SIG$sig: the daemon still runs after 5 s"
	t1=$(date +%s%N)
	wait "$PIDFS_PID" || rc=$?
	PIDFS_PID=
	echo "SIG$sig: the daemon exited in $(((t1 - t0) / 1000000)) ms," \
		"status $rc: $(tail -n 1 "$PIDFS_LOG")"
	is_mounted "$MNT" && fail "SIG$sig: still mounted"
	pass "SIG$sig: unmounted"
	grep -q 'nothing leaked' "$PIDFS_LOG" ||
		fail "SIG$sig: books: $(cat "$PIDFS_LOG")"
	pass "SIG$sig: nothing leaked"
	expect_eq "$rc" 0 "SIG$sig: exit status"
}

# ---- SIGTERM, dead tasks pinned by struct pid ------------------------------

pidfs_mount
ctl "spawn $NTASKS" >/dev/null
hold 2 $((NTASKS + 1)) stat
expect_eq "$(meminfo KernelRefs)" $((2 * NTASKS)) \
	"the kernel holds 2 lookups a file"
mapfile -t kills < <(seq 2 $((NTASKS + 1)) | sed 's/^/kill /')
ctl "${kills[@]}" >/dev/null
wait_for 10 eval '[ "$(meminfo PidStructsPinned)" -eq '$NTASKS' ]' ||
	fail "PidStructsPinned: $(meminfo PidStructsPinned)"
pass "$NTASKS dead tasks pinned by the open files"
expect_eq "$(ls "$MNT" | grep -c '^[0-9]')" 1 "init alone is listed"
stop TERM
expect_eq "$(grep -o 'released [0-9]* references' "$PIDFS_LOG")" \
	"released $((2 * NTASKS)) references" "the daemon released them all"
# the holders' files now lead nowhere
h=${HOLDERS[0]}
expect_errno "a held file after SIGTERM" "ENOTCONN ECONNABORTED ENOENT" \
	read "/proc/$h/fd/3"
kill "${HOLDERS[@]}"
wait "${HOLDERS[@]}" 2>/dev/null || true

# ---- SIGINT, live tasks pinned by task_struct ------------------------------

# A command run in the background of a script starts with SIGINT ignored,
# and libfuse leaves an ignored signal alone: start the daemon with the
# default action restored, as from a terminal.
printf '#!/bin/sh\nexec env --default-signal=INT "%s" "$@"\n' "$PIDFS" \
	>"$PIDFS_TMP/pidfs-int"
chmod +x "$PIDFS_TMP/pidfs-int"
PIDFS=$PIDFS_TMP/pidfs-int pidfs_mount pin=task
ctl "spawn $NTASKS" >/dev/null
hold 2 $((NTASKS + 1)) status
expect_eq "$(meminfo TaskStructs)" $((NTASKS + 1)) "live tasks"
stop INT
kill "${HOLDERS[@]}"
wait "${HOLDERS[@]}" 2>/dev/null || true
