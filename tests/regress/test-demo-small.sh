#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/demo.sh --small, asserted: the pidhash patch's two claims hold
# at small scale (10 holders x 200 fds, 8 MiB of low memory, 10 KiB
# task_structs).
#
#   make check TESTS=tests/regress/test-demo-small.sh
#
# - task model: low memory runs out (fork fails, OOM events) before the
#   holders fill their fd limits;
# - pid model: every holder fills its limit, with no failure, pinning at
#   most 1/100 of what the task model pins per fd, and less than the host
#   kernel itself spends per held fd;
# - wrap-around: the old file fails ESRCH in the pid model, fails ESRCH
#   with the task still charged in the task model, and shows the new task
#   in the nr model;
# - every pin is gone once the files are closed, and every daemon exits
#   with clean books (demo.sh checks that);
# - at pid-namespace depths 0 to 4 and 32: pin=task pins the same at
#   every depth, pin=pid more at each, the verdict on "two orders of
#   magnitude" is printed, and every chain of namespaces dies.

: "${top_srcdir:?run by make check}" "${top_builddir:?run by make check}"
# shellcheck source=tests/lib/pidfs.sh
. "$top_srcdir/tests/lib/pidfs.sh"

pidfs_require_fuse
out=$PIDFS_TMP/out
bash "$top_srcdir/scripts/demo.sh" --small --builddir "$top_builddir" \
	--out "$out" >"$PIDFS_TMP/demo.txt" 2>&1 || {
	cat "$PIDFS_TMP/demo.txt" >&2
	fail "scripts/demo.sh --small failed"
}
cat "$PIDFS_TMP/demo.txt"

# The value of KEY in $out/NAME.sum.
val() {
	summary_value "$out/$1.sum" "$2"
}

# awk's verdict on a numeric comparison of its arguments.
holds() {
	awk "BEGIN { exit !($1) }"
}

target=$(val exhaust-pid fds_target)
expect_eq "$target" 1920 "10 holders x (200 - 8) fds wanted"

# The task model runs out of low memory first.
held=$(val exhaust-task fds_held)
holds "$held < $target" || fail "task model held every fd ($held)"
pass "task model: $held of $target fds before low memory ran out"
holds "$(val exhaust-task fork_failures) > 0" ||
	fail "task model: no fork failure"
holds "$(val exhaust-task oom_events) > 0" || fail "task model: no OOM event"
expect_eq "$(val exhaust-task fork_errno)" ENOMEM \
	"task model: fork fails ENOMEM"
expect_eq "$(val exhaust-task pinned_tasks)" "$held" \
	"task model: one dead task_struct pinned per held fd"

# The pid model holds every fd, and pins little.
expect_eq "$(val exhaust-pid fds_held)" "$target" "pid model: every fd held"
expect_eq "$(val exhaust-pid holders_full)" 10 "pid model: every holder full"
expect_eq "$(val exhaust-pid fork_failures)" 0 "pid model: no fork failure"
expect_eq "$(val exhaust-pid oom_events)" 0 "pid model: no OOM event"
expect_eq "$(val exhaust-pid pinned_pids)" "$target" \
	"pid model: one struct pid pinned per held fd"
task_b=$(val exhaust-task model_bytes_per_fd)
pid_b=$(val exhaust-pid model_bytes_per_fd)
holds "$task_b >= 100 * $pid_b" ||
	fail "bytes per fd: task $task_b, pid $pid_b: ratio under 100"
pass "bytes per fd: task $task_b, pid $pid_b"

# The nr model pins nothing at all.
expect_eq "$(val exhaust-nr fds_held)" "$target" "nr model: every fd held"
expect_eq "$(val exhaust-nr lowmem_growth_bytes)" 0 "nr model: nothing pinned"

for m in task pid nr; do
	expect_eq "$(val "exhaust-$m" holder_errors)" 0 \
		"$m model: no holder error"
	expect_eq "$(val "exhaust-$m" released)" yes "$m model: pins back to 0"
	expect_eq "$(val "wraparound-$m" released)" yes \
		"$m model: wrap-around left nothing pinned"
done

# Wrap-around.
expect_eq "$(val wraparound-pid verdict)" safe "pid model: old fd ESRCH, safe"
expect_eq "$(val wraparound-task verdict)" costly \
	"task model: old fd ESRCH, task still charged"
expect_eq "$(val wraparound-task bytes_charged_while_open)" 10240 \
	"task model: the dead task_struct is charged while the file is open"
expect_eq "$(val wraparound-nr verdict)" wrong \
	"nr model: old fd reads the new task"
expect_eq "$(val wraparound-nr old_fd_name)" impostor \
	"nr model: the new task's Name"

# The depth table: pin=task pins its task_struct at any depth; pin=pid
# pins more the deeper its victims, more still once the chains are dead
# (the namespaces then stay for the files); every chain dies, every pin
# goes.  (tests/integration/test-exhaust-depth.sh checks the bytes
# against the charges.)
prev=0
for d in 0 1 2 3 4 32; do
	t=$(val "depth-task-$d" model_bytes_per_fd)
	expect_eq "$t" "$(val exhaust-task model_bytes_per_fd)" \
		"depth $d: pin=task pins what it pins at depth 0"
	p=$(val "depth-pid-$d" model_bytes_per_fd)
	z=$(val "depth-pid-$d" zapped_bytes_per_fd)
	holds "$p > $prev" || fail "depth $d: pin=pid $p bytes, not above $prev"
	if [ "$d" = 0 ]; then
		expect_eq "$z" "$p" "depth 0: no namespace to pin"
	else
		holds "$z > $p" || fail "depth $d: chains dead $z, alive $p"
	fi
	prev=$p
	for m in task pid; do
		expect_eq "$(val "depth-$m-$d" chain_errors):$(val "depth-$m-$d" released)" \
			0:yes "depth $d, pin=$m: the chains died, the pins went"
	done
done
grep -q "Two orders of magnitude smaller.*stops at depth" \
	"$out/table-depth.md" || fail "the depth table has no verdict"
pass "depth table: $(grep -o 'holds to depth [0-9]* and stops at depth [0-9]* for the struct pid alone' "$out/table-depth.md")"

[ -s "$out/table.md" ] || fail "no table"
if command -v gnuplot >/dev/null; then
	[ -s "$out/exhaust.png" ] || fail "no plot"
	[ -s "$out/depth.png" ] || fail "no depth plot"
	pass "plots written"
fi
