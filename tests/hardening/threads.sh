#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Worker threads and interrupted requests.
#
#   make check TESTS=tests/hardening/threads.sh
#
# 1. The daemon's threads stay bounded under a burst of parallel requests:
#    at most max_threads FUSE workers (-o max_threads=N, default 10) plus
#    three threads of its own: main (waiting for the loop to end), the
#    invalidation thread, and liburcu's call_rcu thread; a ThreadSanitizer
#    build adds the sanitizer's background thread.  64 reader threads
#    (hd-burst) stat and read /meminfo, whose attributes are never cached,
#    so that every one of their calls is a request; the daemon's thread
#    count is sampled all along.
# 2. Readers killed in the middle of their requests leak nothing.  While
#    tasks are forked and killed in a loop, 16 reader threads list the tree
#    and read every task's files (lookups of names the kernel has not
#    cached, reads of files invalidated under them) through a daemon with
#    two workers, so that requests queue and are in flight when the
#    readers are hit: first by SIGURG, which they catch, so that the
#    kernel sends FUSE_INTERRUPT for a request in flight, then by SIGKILL,
#    40 times.
#    Then, with the loop stopped and its tasks gone, the pins must return
#    to 0 and KernelRefs to what it was before the readers came, within
#    5 seconds, and the books balance at unmount.  Done in the pid and the
#    task models.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"

# The daemon's own threads besides its workers.
internal=3
if grep -qa -e libtsan -e __tsan_init "$PIDFS"; then
	internal=4
fi

# Sample the daemon's thread count every few ms for $1 seconds; print
# the highest.  read(1) of /proc, not a process per sample.
max_threads_seen() {
	local end=$((SECONDS + $1)) max=0 k v

	while [ $SECONDS -lt $end ]; do
		while read -r k v _; do
			if [ "$k" = Threads: ]; then
				[ "$v" -gt "$max" ] && max=$v
				break
			fi
		done <"/proc/$PIDFS_PID/status"
		sleep 0.005
	done
	echo "$max"
}

# ---- 1. thread bound -------------------------------------------------------

for n in default 4 1; do
	if [ "$n" = default ]; then
		pidfs_mount
		n=10
	else
		pidfs_mount "max_threads=$n"
	fi
	ctl 'fork' 'kill 2' >/dev/null	# the call_rcu thread exists now
	"$HD_BURST" 64 3 "$MNT/meminfo" >"$PIDFS_TMP/burst.out" &
	burst=$!
	hd_defer "hd_kill $burst"
	max=$(max_threads_seen 3)
	wait "$burst"
	echo "max_threads=$n: at most $max threads under 64 readers" \
		"($(cut -d' ' -f1 "$PIDFS_TMP/burst.out") operations)"
	[ "$max" -le $((n + internal)) ] ||
		fail "max_threads=$n: $max threads, more than $n + $internal"
	pass "max_threads=$n: $max threads <= $n workers + $internal"
	[ "$max" -ge $((internal + (n > 1 ? 2 : 1))) ] ||
		fail "max_threads=$n: only $max threads: was there a burst?"
	pidfs_umount
done

# ---- 2. interrupted requests -----------------------------------------------

# Does process $1 catch SIGURG yet (SigCgt bit 23)?
catches_urg() {
	local k v

	while read -r k v _; do
		[ "$k" = SigCgt: ] && return $((!(16#$v & (1 << 22))))
	done <"/proc/$1/status"
	return 1
}

# Fork and kill tasks until $1 appears; leaves no task of its own behind.
churn() {
	local stop=$1 out pids

	while [ ! -e "$stop" ]; do
		out=$("$PIDFS_CTL" "$MNT" 'spawn 20' 'fork 1 t') || return 1
		mapfile -t pids <<<"$out"
		# threads too; they go with their group's leader
		"$PIDFS_CTL" "$MNT" "thread ${pids[20]} w" "thread ${pids[0]}" \
			>/dev/null || return 1
		"$PIDFS_CTL" "$MNT" "${pids[@]/#/kill }" >/dev/null || return 1
	done
}

for model in pid task; do
	pidfs_mount "pin=$model,max_threads=2"
	# pid 1's entries, which the readers will look up and which stay
	# cached: looked up once before the count is taken
	"$HD_BURST" 1 0.2 "$MNT" >/dev/null
	refs=$(meminfo KernelRefs)
	rm -f "$PIDFS_TMP/stop"
	churn "$PIDFS_TMP/stop" &
	churner=$!
	hd_defer "touch '$PIDFS_TMP/stop'; wait $churner"
	waiting=0
	for round in $(seq 40); do
		"$HD_BURST" 16 0 "$MNT" "$MNT/meminfo" >/dev/null &
		reader=$!
		# a SIGURG before its handler is in place interrupts nothing
		wait_for 10 catches_urg "$reader" ||
			fail "hd-burst does not catch SIGURG"
		sleep "0.0$((RANDOM % 9 + 1))"
		kill -URG "$reader" 2>/dev/null || true
		kill -URG "$reader" 2>/dev/null || true
		sleep "0.00$((RANDOM % 9 + 1))"
		# how many of its threads wait on a FUSE request right now
		if grep -qs request_wait_answer \
			/proc/"$reader"/task/*/wchan; then
			waiting=$((waiting + 1))
		fi
		kill -KILL "$reader"
		wait "$reader" 2>/dev/null || true
	done
	touch "$PIDFS_TMP/stop"
	wait "$churner" || fail "pin=$model: the fork/kill loop failed"
	echo "pin=$model: 40 readers killed, $waiting of them while one of" \
		"their threads waited on a request"
	expect_eq "$(ls "$MNT" | grep -c '^[0-9]')" 1 "pin=$model: init alone"
	wait_for 5 eval 'pins_zero && [ "$(meminfo KernelRefs)" = "$refs" ]' ||
		fail "pin=$model: pins $(meminfo PidStructsPinned)" \
			"$(meminfo TaskStructsPinned), KernelRefs" \
			"$(meminfo KernelRefs), expected 0 0 $refs"
	pass "pin=$model: no pins, KernelRefs back to $refs"
	pidfs_umount
done
