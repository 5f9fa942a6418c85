# SPDX-License-Identifier: GPL-2.0-or-later
#
# Low memory used against fds held, for the three pin models, with the
# low-memory budget drawn as a line: the picture of the pidhash patch's
# first claim.  scripts/demo.sh runs it on examples/exhaust's CSVs:
#
#   gnuplot -e "dir='OUT'; budget=896; holders=100; fds=1000; \
#       task_fds=91748" scripts/plot.gnuplot
#
# dir holds exhaust-{task,pid,nr}.csv; budget is in MiB; task_fds is where
# the task model stopped (0: no mark).  Writes dir/exhaust.png.
#
# What to expect: the task model's line climbs 10 KiB per fd until it
# meets the budget, short of the fd limits; the pid model's stays near the
# floor (72 bytes per fd) all the way to the limits; the nr model's is 0.

set terminal pngcairo size 900,560 font ",11"
set output dir."/exhaust.png"
set datafile separator ","
set key at graph 0.02, graph 0.86 left top box opaque
set grid
set title sprintf("%d processes x %d open files on dead tasks: " . \
	"low memory pinned", holders, fds)
set xlabel "open files held (one per dead task)"
set ylabel "low memory used (MiB)"
set yrange [0:budget * 1.12]
set format x "%.0f"

# Each holder keeps 8 of its fds for itself (stdio, ctl, pipes).
target = holders * (fds - 8)
set xrange [0:target * 1.1]
set arrow 1 from target, graph 0 to target, graph 0.8 nohead lw 2 dt 3 \
	lc rgb "gray40"
set label 1 sprintf("fd limits: %d x %d", holders, fds - 8) at target, \
	graph 0.4 right offset -0.5, 0 tc rgb "gray40"
if (task_fds > 0) {
	set label 2 sprintf("fork fails: ENOMEM at %d fds", task_fds) \
		at task_fds, budget right offset -1, 1 tc rgb "#c0392b"
}

# Column 2: fds_held; column 3: lowmem_used_kb.
plot budget title sprintf("low memory budget (%.0f MiB)", budget) \
	with lines lw 2 dt 2 lc rgb "black", \
     dir."/exhaust-task.csv" using 2:($3/1024) skip 1 \
	title "pin=task (before the patch): task\\_struct, 10 KiB" \
	with lines lw 2 lc rgb "#c0392b", \
     dir."/exhaust-pid.csv" using 2:($3/1024) skip 1 \
	title "pin=pid (after the patch): struct pid, 72 B" \
	with lines lw 2 lc rgb "#2471a3", \
     dir."/exhaust-nr.csv" using 2:($3/1024) skip 1 \
	title "pin=nr: a bare number, nothing pinned" \
	with lines lw 2 dt 3 lc rgb "#27ae60"
