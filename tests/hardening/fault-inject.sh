#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fault injection through the mount: every low-memory allocation of fork,
# thread and spawn fails in turn, and each failure must leave no trace.
#
#   make check TESTS=tests/hardening/fault-inject.sh
#
# For each operation, "failnth N" (ctl.h) makes the Nth allocation from
# the low-memory zone fail, for N = 1, 2, 3, ... until the operation
# succeeds.  Each failed attempt must fail with ENOMEM or EAGAIN and the
# reply "error: <op>: out of low memory", and leave the model as it was:
# the tree, every task's status, the hash and pidmap, last_pid, and the
# zone's counters (model_snapshot in hardening.sh).  One exception, which
# ctl.h documents and the kernel shares: a page of the pid bitmap mapped
# by a fork whose next allocation failed stays mapped.  When the operation
# finally succeeds, its reply is the one it would have had without the
# failures (same pids: last_pid was put back each time), and the number
# of attempts that failed is the number of allocations the operation
# makes: 2 for a fork or a thread (struct pid, task_struct), 2 per child
# for a spawn, 3 for the fork that needs a second page of the pid bitmap.
# Leaks are caught twice: by the zone's counters here, and at unmount by
# the daemon's own books and, in a sanitizer build, by LeakSanitizer,
# which makes the daemon exit non-zero (pidfs_umount fails then).
#
# Lookups and opens are the other paths readers take, and in pidfs's
# design they allocate nothing from the low-memory zone: a lookup takes a
# reference on an object that exists (a struct pid, a task_struct, or
# nothing at all for pin=nr), and an open happens in the kernel, which
# never sends OPEN to this daemon.  So for those paths the test shows the
# opposite: with the next allocation armed to fail, lookups, opens, reads
# and listings of every kind of entry all succeed and change no counter
# of the model, and the armed failure is still there afterwards for the
# fork that follows to trip on.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"

# The pid the next fork will get, from last_pid (loadavg's last field).
next_pid() {
	echo $(($(awk '{ print $5 }' "$MNT/loadavg") + 1))
}

# The one trace a failed fork may leave, as ctl.h says and the kernel
# did: a page of the pid bitmap it mapped before a later allocation
# failed stays mapped (the pid layer never frees one).  $1: the snapshot
# from before the failed fork.  The model must be as it was but for that
# page: one more bitmap page, 4 kB less low memory, its free numbers.
expect_same_but_pidmap() {
	local before=$1 what=$2 now pages0 pages1 free0 free1
	local skip='^(pidmap_pages|nr_free|MemFree|MemAvailable|LowFree):'

	now=$(model_snapshot)
	expect_eq "$(grep -Ev "$skip" <<<"$now")" \
		"$(grep -Ev "$skip" <<<"$before")" \
		"$what: model unchanged but for the pid bitmap"
	pages0=$(awk '$1 == "pidmap_pages:" { print $2 }' <<<"$before")
	pages1=$(awk '$1 == "pidmap_pages:" { print $2 }' <<<"$now")
	free0=$(awk '$1 == "LowFree:" { print $2 }' <<<"$before")
	free1=$(awk '$1 == "LowFree:" { print $2 }' <<<"$now")
	[ "$pages1" = "$pages0" ] && [ "$free1" = "$free0" ] && return 0
	[ "$pages1" -eq $((pages0 + 1)) ] && [ "$free1" -eq $((free0 - 4)) ] ||
		fail "$what: pidmap pages $pages0 -> $pages1," \
			"LowFree $free0 -> $free1 kB"
	pass "$what: left one 4 kB bitmap page mapped, as ctl.h says"
}

# inject OP EXPECTED_ALLOCS EXPECTED_REPLY [pidmap]: fail each allocation
# of OP in turn, then let it succeed.  "pidmap": OP maps a new page of the
# pid bitmap, which a failure after it leaves mapped.
inject() {
	local line=$1 allocs=$2 want=$3 pidmap=${4:-} name=${1%% *}
	local n=1 rc out before oom

	before=$(model_snapshot)
	while :; do
		oom=$(meminfo OomEvents)
		ctl "failnth $n" >/dev/null
		rc=0
		out=$("$PIDFS_CTL" "$MNT" "$line" 2>&1) || rc=$?
		ctl 'failnth 0' >/dev/null
		[ "$rc" -eq 0 ] && break
		[ "$rc" -eq 12 ] || [ "$rc" -eq 11 ] ||
			fail "$line, allocation $n failing: exit $rc ($out)"
		expect_eq "$out" "error: $name: out of low memory" \
			"$line, allocation $n failing: reply"
		expect_eq "$(meminfo OomEvents)" $((oom + 1)) \
			"$line, allocation $n failing: one OOM event"
		if [ -n "$pidmap" ]; then
			expect_same_but_pidmap "$before" \
				"$line, allocation $n failing"
			before=$(model_snapshot)
		else
			expect_same_model "$before" \
				"$line, allocation $n failing"
		fi
		n=$((n + 1))
		[ "$n" -le 64 ] || fail "$line: still failing after 64"
	done
	expect_eq "$(meminfo OomEvents)" "$oom" \
		"$line: succeeded with allocation $n armed, which it never made"
	expect_eq "$((n - 1))" "$allocs" "$line: allocations it makes"
	expect_eq "$out" "$want" "$line: reply as without failures"
}

pidfs_mount
p=$(next_pid)
inject 'fork' 2 "$p"
inject 'fork 1 sshd' 2 "$((p + 1))"
parent=$((p + 1))
inject "fork $parent child" 2 "$((p + 2))"
inject "thread $parent worker" 2 "$((p + 3))"
inject "thread $parent" 2 "$((p + 4))"
inject 'spawn 3' 6 "$(seq $((p + 5)) $((p + 7)))"
inject "spawn 4 $parent" 8 "$(seq $((p + 8)) $((p + 11)))"
expect_eq "$(ls "$MNT/$parent/task" | sort -n | tr '\n' ' ')" \
	"$parent $((p + 3)) $((p + 4)) " "threads of $parent"
expect_serving "after fault injection"

ph() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/pidhash"; }

if [ "$(pidfs_alloc)" = idr ]; then
	pidfs_umount
	# The fork that makes the IDR a level taller (pid 64): four
	# allocations, the struct pid, the two nodes idr_alloc() reserves
	# for the growth (a new top, a second leaf), the task.  A failure at
	# either node gives back what was taken: the model is as it was, and
	# so it is after the task's failure, the pid's number removed.
	pidfs_mount
	ctl "spawn $((64 - $(next_pid)))" >/dev/null
	expect_eq "$(next_pid)" 64 "the IDR's first leaf full"
	expect_eq "$(ph idr_height):$(ph idr_nodes)" 1:1 "one IDR leaf"
	inject 'fork' 4 64
	expect_eq "$(ph idr_height):$(ph idr_nodes):$(ph idr_reserve)" 2:3:0 \
		"a top node and a second leaf once the fork succeeded"
else
	pidfs_umount
	# The fork that needs the pid bitmap's second page: three
	# allocations.  Small tasks keep the 32766 that fill the first page
	# cheap; a pid_max above 32768 needs the x86_64 machine.
	pidfs_mount pid_max=65536,task_size=2K,arch=x86_64
	HD_SNAPSHOT_TASKS=0
	ctl 'spawn 32766' >/dev/null
	expect_eq "$(next_pid)" 32768 "first bitmap page full"
	expect_eq "$(ph pidmap_pages)" 1 "one bitmap page"
	inject 'fork' 3 32768 pidmap
	expect_eq "$(ph pidmap_pages)" 2 \
		"second bitmap page once the fork succeeded"
fi
pidfs_umount
HD_SNAPSHOT_TASKS=1

# Lookups, opens, reads and listings allocate nothing of the model's own
# from the zone, in every pin model (the kernel's references, charged by
# default, are left out here and tested below).
for model in pid task nr; do
	pidfs_mount "pin=$model,charge_refs=0"
	ctl 'fork 1 leader' 'thread 2 thr' 'fork 2 kid' >/dev/null
	ctl 'fork' 'kill 5' >/dev/null	# a dead number: a failed lookup
	settle "4 4"
	before=$(grep -Ev '^KernelRefs:' "$MNT/meminfo")
	refs=$(meminfo KernelRefs)
	ctl 'failnth 1' >/dev/null
	for f in 2 2/stat 2/status 2/cmdline 2/comm 2/task 2/task/2/stat \
		 2/task/3 2/task/3/status 2/task/3/comm 4/cmdline meminfo \
		 pidhash requests uptime stat loadavg cpuinfo \
		 sys/kernel/pid_max sys/kernel/osrelease; do
		[ "$(probe_result stat "$MNT/$f")" = ok ] ||
			fail "pin=$model: lookup of $f with failnth armed"
		if [ -f "$MNT/$f" ]; then
			[ "$(probe_result read "$MNT/$f")" = ok ] ||
				fail "pin=$model: open+read of $f"
		else
			ls "$MNT/$f" >/dev/null ||
				fail "pin=$model: listing of $f"
		fi
	done
	[ "$(probe_result stat "$MNT/5")" = ENOENT ] ||
		fail "pin=$model: lookup of a dead number"
	ls "$MNT" >/dev/null
	expect_eq "$(grep -Ev '^KernelRefs:' "$MNT/meminfo")" "$before" \
		"pin=$model: lookups and opens changed no counter of the model"
	[ "$(meminfo KernelRefs)" -gt "$refs" ] ||
		fail "pin=$model: the kernel holds no new lookup"
	ctl_err 11 fork
	pass "pin=$model: the armed failure was left for the next fork"
	ctl 'failnth 0' 'kill 2' >/dev/null
	pidfs_umount
done

# With the kernel's references charged (the default), a lookup allocates
# a dentry and a proc_inode: the armed failure refuses it, ENOMEM, as
# d_alloc() would, and it costs the model nothing else.
pidfs_mount
ctl 'fork 1 leader' >/dev/null
settle "2 2"
before=$(grep -Ev '^(KernelRefs|OomEvents):' "$MNT/meminfo")
ctl 'failnth 1' >/dev/null
expect_eq "$(probe_result stat "$MNT/2")" ENOMEM \
	"a lookup with its reference refused"
expect_eq "$(grep -Ev '^(KernelRefs|OomEvents):' "$MNT/meminfo")" "$before" \
	"the refused lookup left no charge"
expect_eq "$(probe_result stat "$MNT/2")" ok "the next lookup"
pidfs_umount
