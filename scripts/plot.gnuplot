# SPDX-License-Identifier: GPL-2.0-or-later
#
# The attack of examples/exhaust on the three pin models, in two panels
# over the same x axis (open files held, one per dead task):
#
#   top     low memory used, MiB, linear, with the budget: the task
#           model's line climbs to the budget and stops there (fork fails);
#   bottom  bytes pinned by dead tasks (TaskStructsPinned x TaskStructSize
#           + PidStructsPinned x PidStructSize), log scale, so that the
#           pid model's line (72 bytes a file) is as readable as the task
#           model's (10 KiB a file).  The nr model pins nothing, which a
#           log axis cannot draw: its dotted line there is its low memory
#           used, as in the top panel.
#
# The nr model's line is never pins: it is the low memory of the live
# tasks each holder has forked and not yet killed (a few per holder at any
# moment), and its legend says so.  The legends sit below the data.
#
# scripts/demo.sh runs it on examples/exhaust's CSVs:
#
#   gnuplot -e "dir='OUT'; budget=896; holders=100; fds=1000; \
#       task_fds=91748; tsize=10240; psize=72" scripts/plot.gnuplot
#
# dir holds exhaust-{task,pid,nr}.csv; budget is in MiB; task_fds is where
# the task model stopped (0: no mark); tsize and psize are the mounts'
# TaskStructSize and PidStructSize (/meminfo).  Writes dir/exhaust.png.

set terminal pngcairo size 1000,900 font ",11"
set output dir."/exhaust.png"
set datafile separator ","
set grid
set format x "%.0f"

# Each holder keeps 8 of its fds for itself (stdio, ctl, pipes).
target = holders * (fds - 8)
set xrange [0:target * 1.08]
red = "#c0392b"; blue = "#2471a3"; green = "#1e8449"

# CSV columns: 2 fds_held, 3 lowmem_used_kb, 5 task_structs_pinned,
# 7 pid_structs_pinned.
pinned(t, p) = (t * tsize + p * psize > 0) ? t * tsize + p * psize : 1/0

set multiplot layout 2, 1 title sprintf("%d processes x %d open files, " . \
	"each on a task that then died", holders, fds) font ",13"

# ---- top: low memory used, linear ----
set key below horizontal maxcols 2 samplen 3
set ylabel "low memory used (MiB)"
set yrange [0:budget * 1.15]
set xlabel ""
set arrow 1 from target, graph 0 to target, graph 1 nohead lw 2 dt 3 \
	lc rgb "gray40"
set label 1 sprintf("fd limits: %d x %d", holders, fds - 8) at target, \
	graph 0.5 right offset -0.5, 0 tc rgb "gray40"
if (task_fds > 0) {
	set label 2 sprintf("fork fails (ENOMEM) at %d files", task_fds) \
		at task_fds, budget right offset -1, 0.8 tc rgb red
}
set label 4 "pin=pid and pin=nr stay near 0 here:\nthe log panel below separates them" \
	at target, graph 0.25 right offset -1, 0 tc rgb "gray30"
plot budget title sprintf("low-memory budget, %.0f MiB", budget) \
	with lines lw 2 dt 2 lc rgb "black", \
     dir."/exhaust-task.csv" using 2:($3/1024) skip 1 \
	title "pin=task (/proc to 2.6.17): holds task\\_structs" \
	with lines lw 2 lc rgb red, \
     dir."/exhaust-pid.csv" using 2:($3/1024) skip 1 \
	title "pin=pid (/proc from 2.6.18): holds struct pids" \
	with lines lw 2 lc rgb blue, \
     dir."/exhaust-nr.csv" using 2:($3/1024) skip 1 \
	title "pin=nr (a stored pid\\_t): pins nothing; its line is live in-flight tasks" \
	with lines lw 2 dt 3 lc rgb green
unset label 2
unset label 4

# ---- bottom: bytes pinned, log scale ----
set logscale y 10
set format y "10^{%L}"
set xlabel "open files held (one per dead task)"
set yrange [10000:budget * 1048576 * 4]
set label 1 sprintf("fd limits: %d x %d", holders, fds - 8) at target, \
	graph 0.15 right offset -0.5, 0 tc rgb "gray40"
set ylabel "bytes (log)"
plot dir."/exhaust-task.csv" using 2:(pinned($5, $7)) skip 1 \
	title sprintf("pin=task: bytes pinned, %d a file", tsize) \
	with lines lw 2 lc rgb red, \
     dir."/exhaust-pid.csv" using 2:(pinned($5, $7)) skip 1 \
	title sprintf("pin=pid: bytes pinned, %d a file", psize) \
	with lines lw 2 lc rgb blue, \
     dir."/exhaust-nr.csv" using 2:($3 > 0 ? $3 * 1024 : 1/0) skip 1 \
	title "pin=nr: pins 0 bytes; dotted, the low memory of its live in-flight tasks" \
	with lines lw 2 dt 3 lc rgb green
unset multiplot
