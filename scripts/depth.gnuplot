# SPDX-License-Identifier: GPL-2.0-or-later
#
# The attack of examples/exhaust --depth: bytes pinned per held file
# against the depth of the victims' pid namespace, log scale, for
#
#   pin=task                the dead task_struct, the same at any depth;
#   pin=pid                 the struct pid, which grows by one struct upid
#                           a level (the chains of namespaces alive);
#   pin=pid, chains dead    the struct pid and the namespaces it pins,
#                           their bitmap pages shared by a chain's victims;
#   1/100 of pin=task       where "two orders of magnitude smaller" ends.
#
# scripts/demo.sh runs it on the depth.dat it writes:
#
#   gnuplot -e "dir='OUT'; files=4096; chains=4; machine='i386'; \
#       tsize=10240" scripts/depth.gnuplot
#
# dir holds depth.dat (columns: depth, task, pid, pid with the chains
# dead; bytes per held file); files is how many files each run held,
# chains how many chains of namespaces it built (one per holder).
# Writes dir/depth.png.

set terminal pngcairo size 1000,600 font ",11"
set output dir."/depth.png"
set grid
red = "#c0392b"; blue = "#2471a3"

set title sprintf("Bytes pinned per held file against the victims' pid " . \
	"namespace depth (%s; %d files, %d chains)", machine, files, chains) \
	font ",13"
set xlabel "depth D of the victims' pid namespace (struct pid of level D)"
set ylabel "bytes per held file (log)"
set logscale y 10
set format y "10^{%L}"
set xrange [-1:33]
set yrange [10:tsize * 10]
set key below horizontal maxcols 2 samplen 3

plot dir."/depth.dat" using 1:2 \
	title sprintf("pin=task (/proc to 2.6.17): the task\\_struct, %d", tsize) \
	with linespoints lw 2 pt 7 lc rgb red, \
     dir."/depth.dat" using 1:3 \
	title "pin=pid (/proc from 2.6.18): the struct pid of level D" \
	with linespoints lw 2 pt 7 lc rgb blue, \
     dir."/depth.dat" using 1:4 \
	title "pin=pid, the chains dead: + the D namespaces' pages, shared" \
	with linespoints lw 2 dt 2 pt 6 lc rgb blue, \
     tsize / 100.0 title "1/100 of pin=task: two orders of magnitude" \
	with lines lw 1 dt 3 lc rgb "gray30"
