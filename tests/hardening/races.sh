#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The faults a hostile probe found, each kept fixed:
#
#   make check TESTS=tests/hardening/races.sh
#
# 1. A group of more than 64 threads listed while two writers add and
#    remove its threads on separate ctl files (the task/ listing's thread
#    ids are one snapshot now; they overflowed a buffer before).
# 2. Shutdown books with threads, in every pin model: a thread's status
#    read, then unmount; a leader's and a thread's status held open, the
#    leader killed, then SIGTERM.  Exit 0 and "nothing leaked" each time.
# 3. The connection aborted (fusectl) while lookups are in flight: the
#    daemon must end by itself, not by a signal (a failed reply was
#    followed by a second one on the freed request before).
# 4. A ctl file shared by two threads, and task files read while ctl
#    changes them: with -o exact every read is one whole reply or
#    rendering; the default cached mode is measured and reported.
# 5. A refused write through a shared mapping leaves nothing visible.
# 6. SIGTERM with tens of thousands of invalidations queued: the daemon
#    exits within a generous bound and its log stays a few lines.
# 7. Seeking the root far past its end lists nothing.
# 8. A daemon killed by a fatal signal aborts its own connection first.
#
# Each runs under whatever build the test suite uses: under ASan+UBSan
# a memory fault fails the test through the daemon's log.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"


# Wait up to $1 seconds for the daemon to end by itself; its exit status
# in $rc.  Fails the test with $2 if it does not.
daemon_ends() {
	wait_for "$1" sh -c "! kill -0 $PIDFS_PID 2>/dev/null" || fail "$2"
	rc=0
	wait "$PIDFS_PID" || rc=$?
	PIDFS_PID=
}

# The daemon's log must hold no sanitizer report.
expect_clean_log() {
	! grep -q -E 'Sanitizer|runtime error' "$PIDFS_LOG" ||
		fail "$1: a sanitizer report in the daemon's log"
}

# ---- 1. thread listing against thread churn ---------------------------------

pidfs_mount
leader=$(ctl 'fork 1 big')
for _ in $(seq 70); do ctl "thread $leader" >/dev/null; done
churn() {
	local end=$((SECONDS + 4)) tid
	while [ $SECONDS -lt $end ]; do
		tid=$("$PIDFS_CTL" "$MNT" "thread $leader") || continue
		"$PIDFS_CTL" "$MNT" "kill $tid" >/dev/null 2>&1 || true
	done
}
lister() {
	local end=$((SECONDS + 4))
	while [ $SECONDS -lt $end ]; do
		ls "$MNT/$leader/task" >/dev/null 2>&1 || true
	done
}
churn &
c1=$!
churn &
c2=$!
lister &
l1=$!
lister &
l2=$!
lister &
l3=$!
wait $c1 $c2 $l1 $l2 $l3
kill -0 "$PIDFS_PID" || fail "the daemon died listing a churning group"
n=$(ls "$MNT/$leader/task" | wc -l)
expect_eq "$n" 71 "task/ lists the leader and its 70 threads after the churn"
expect_clean_log "thread listing"
pidfs_umount
pass "thread listing against churn: daemon alive, books balanced"

# ---- 2. shutdown books with threads, every pin model ------------------------

for model in pid task nr; do
	pidfs_mount "pin=$model"
	leader=$(ctl 'fork 1 leader')
	tid=$(ctl "thread $leader")
	cat "$MNT/$leader/task/$tid/status" >/dev/null
	pidfs_umount
	pass "pin=$model: a thread's file read, unmount balances"

	pidfs_mount "pin=$model"
	leader=$(ctl 'fork 1 leader')
	tid=$(ctl "thread $leader")
	exec 7<"$MNT/$leader/status" 8<"$MNT/$tid/status"
	ctl "kill $leader" >/dev/null
	kill -TERM "$PIDFS_PID"
	rc=0
	wait "$PIDFS_PID" || rc=$?
	PIDFS_PID=
	exec 7<&- 8<&-
	fusermount3 -u "$MNT" 2>/dev/null || true
	expect_clean_log "pin=$model SIGTERM with files held"
	[ "$rc" -eq 0 ] || fail "pin=$model: SIGTERM with files held: exit $rc"
	grep -q "nothing leaked" "$PIDFS_LOG" ||
		fail "pin=$model: books did not balance: $(tail -1 "$PIDFS_LOG")"
	pass "pin=$model: leader killed with files held, SIGTERM balances"
done

# ---- 3. connection aborted during lookups -----------------------------------

ctldir=/sys/fs/fuse/connections
if ! mountpoint -q "$ctldir"; then
	mount -t fusectl none "$ctldir" 2>/dev/null ||
		fail "cannot mount fusectl on $ctldir (needed to abort)"
	hd_defer "umount $ctldir"
fi
pidfs_mount
ctl 'spawn 50' >/dev/null
dev=$(mountpoint -d "$MNT")
conn=$ctldir/${dev#*:}
[ -e "$conn/abort" ] || fail "no fusectl entry $conn for $MNT"
looker() {
	local i=0
	while [ $i -lt 100000 ]; do
		stat "$MNT/$((i % 60 + 1))/status" "$MNT/nonexistent$i" \
			>/dev/null 2>&1 || true
		i=$((i + 1))
	done
}
looker &
k1=$!
looker &
k2=$!
sleep 0.5
echo 1 >"$conn/abort"
daemon_ends 10 "the daemon did not end after the abort"
kill $k1 $k2 2>/dev/null || true
wait $k1 $k2 2>/dev/null || true
fusermount3 -uz "$MNT" 2>/dev/null || true
expect_clean_log "abort during lookups"
[ "$rc" -lt 128 ] || fail "the daemon was killed by signal $((rc - 128)) after the abort"
pass "abort during lookups: the daemon ended by itself (exit $rc)"

# ---- 4. shared ctl file, torn reads ------------------------------------------

pidfs_mount exact
victim=$(ctl 'fork 1 victim')
out=$(timeout 60 "$HD_RACE" ctlshare "$MNT" 3) || fail "-o exact: $out"
pass "-o exact: $out"
out=$(timeout 60 "$HD_RACE" torn "$MNT" "$victim" 3) || fail "-o exact: $out"
pass "-o exact: $out"
out=$(timeout 30 "$HD_RACE" mmapwrite "$MNT" "$victim") || fail "-o exact: $out"
pass "-o exact: $out"
expect_clean_log "-o exact races"
pidfs_umount

pidfs_mount
victim=$(ctl 'fork 1 victim')
# The cached mode cannot promise these (doc/caching.md): measured only.
out=$(timeout 60 "$HD_RACE" -c ctlshare "$MNT" 2) || fail "$out"
echo "cached mode (measured, not a failure): $out"
out=$(timeout 60 "$HD_RACE" -c torn "$MNT" "$victim" 2) || fail "$out"
echo "cached mode (measured, not a failure): $out"

# ---- 5. a refused write through a shared mapping -----------------------------

out=$(timeout 30 "$HD_RACE" mmapwrite "$MNT" "$victim") || fail "$out"
pass "cached mode: $out"

# ---- 7. seeking the root past its end ----------------------------------------

for off in $((2 ** 31 + 256)) $((2 ** 32 + 258)) $((2 ** 62)) $((2 ** 63 - 1)); do
	out=$("$HD_RACE" dirseek "$MNT" "$off") || fail "$out"
	pass "$out"
done
expect_clean_log "cached races"
pidfs_umount

# ---- 6. SIGTERM with the invalidation queue full -----------------------------

pidfs_mount pid_max=32768
# Fails when the numbers run out: tens of thousands of forks undone, each
# with its invalidations queued, and the write is answered only once they
# are sent.  SIGTERM once the command has run (the model holds init alone
# again) while its invalidations are still being sent, if they still are.
"$PIDFS_CTL" "$MNT" 'spawn 100000' >/dev/null 2>&1 &
spawner=$!
wait_for 60 sh -c "[ \"\$(awk '\$1 == \"TaskStructs:\" { print \$2 }' '$MNT/meminfo')\" = 1 ] &&
	grep -q '^ForkFailures: *[1-9]' '$MNT/meminfo'" ||
	fail "the failed spawn was not undone"
kill -0 $spawner 2>/dev/null && queued="while its invalidations were sent" ||
	queued="after its invalidations were sent"
start=$SECONDS
kill -TERM "$PIDFS_PID"
daemon_ends 10 "the daemon did not exit within 10 s of SIGTERM ($queued)"
wait $spawner 2>/dev/null || true
fusermount3 -u "$MNT" 2>/dev/null || true
lines=$(wc -l <"$PIDFS_LOG")
[ "$lines" -le 20 ] || fail "SIGTERM with a full queue: $lines log lines: $(head -3 "$PIDFS_LOG")"
expect_clean_log "SIGTERM with a full queue"
pass "SIGTERM $queued: exit $rc after $((SECONDS - start)) s, $lines log lines"

# ---- 8. the crash guard ------------------------------------------------------

# A daemon dying of a fatal signal aborts its own connection first
# (src/guard.c), so a reader waiting on it is freed even when a thread of
# the daemon sleeps in the kernel and the process cannot finish dying.
# Here: a reader waits on a stopped daemon, which is then killed by
# SIGSEGV and continued.
pidfs_mount
dev=$(mountpoint -d "$MNT")
conn=$ctldir/${dev#*:}
[ -e "$conn/abort" ] || fail "no fusectl entry $conn for $MNT"
kill -STOP "$PIDFS_PID"
cat "$MNT/meminfo" >/dev/null 2>&1 &
reader=$!
sleep 0.3
kill -0 "$reader" 2>/dev/null || fail "the reader did not wait for the stopped daemon"
kill -SEGV "$PIDFS_PID"
kill -CONT "$PIDFS_PID"
wait_for 10 sh -c "! kill -0 $reader 2>/dev/null" ||
	fail "the reader still waits after the daemon's crash"
daemon_ends 10 "the daemon did not end after SIGSEGV"
fusermount3 -uz "$MNT" 2>/dev/null || true
grep -q "aborted the FUSE connection" "$PIDFS_LOG" ||
	fail "the daemon did not abort its connection: $(tail -3 "$PIDFS_LOG")"
wait_for 10 sh -c "[ ! -e '$conn' ]" || fail "the connection $conn is still there"
pass "crash guard: SIGSEGV aborted the connection (exit $rc), the reader was freed"
