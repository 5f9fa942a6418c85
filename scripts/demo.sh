#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Reproduce the two problems a struct pid reference avoids, on this machine.
#
#   scripts/demo.sh [--small] [--out DIR] [--builddir DIR]
#
#   --small         a scaled-down run (10 holders x 200 fds, 8 MiB of low
#                   memory) for CI and quick looks; a few seconds
#   --out DIR       where the results go (default: BUILDDIR/demo)
#   --builddir DIR  use the programs already built in DIR: install and
#                   build nothing (what `make check` does)
#
# Installs what is missing of what it uses (the compiler, autotools,
# libfuse3, liburcu, Check, gnuplot; not the tests' valgrind and clang)
# and builds as scripts/test.sh does (in build/, or BUILDDIR; a build
# directory already configured is kept as it is).
# Then mounts three pidfs instances in temporary directories, one per
# model of what an open file holds (pin=task: the task_struct, as /proc
# did until 2.6.18; pin=pid: the struct pid, as /proc has since, which the
# 2.6.17 pidhash patch made possible; pin=nr: a bare number, as a stored
# pid_t does), with the commit message's parameters: low memory 896 MiB (the
# low memory of a 32-bit x86 machine with 1 GiB of RAM), task_struct 10
# KiB with its kernel stack, and a hostile user with 100 processes of
# 1000 open files each.  Against each it runs examples/exhaust (pin dead
# tasks with open files until something gives) and examples/wraparound
# (read an open file of a dead process whose number has been reused),
# then prints one comparison table.  Everything is unmounted at the end,
# on failure and on Ctrl-C.
#
# The main table charges the model's own objects alone (CHARGE_REFS=1
# charges the kernel's references there too); a second table then runs
# the attack on pin=task and pin=pid again with -o charge_refs=1, a
# dentry and a proc_inode charged per looked-up inode, as the modelled
# kernel paid for them: the referrers that dwarf a struct pid.
#
# A third table runs the attack with its victims in pid namespaces
# (2.6.24's, examples/exhaust --depth D), on pin=task and pin=pid, for
# several depths up to 32 (MAX_PID_NS_LEVEL), with fewer holders and
# files (4 x 1024; --small: 2 x 128): bytes pinned per held fd against
# depth, while the holders' chains of namespaces live and once they are
# dead (then the files alone keep the namespaces), and the depth at which
# pin=pid stops being two orders of magnitude smaller than pin=task,
# read off the measured runs.  ARCH=x86_64 models that machine instead
# of i386 (-o arch) for every mount.
#
# In DIR: exhaust-MODEL.csv (samples: fds held, low memory used, ...),
# exhaust-MODEL.sum and wraparound-MODEL.sum (key=value), *.txt (each
# program's output), daemon-MODEL.log, table.md (the table, as Markdown),
# table-refs.md, table-depth.md, depth-MODEL-D.sum (each depth's run),
# depth.dat, exhaust.png (low memory used against fds held) and depth.png
# (bytes per held fd against depth); the plots need gnuplot.
#
# The full run takes a few minutes on a 2-core VM.  The pid space is the
# 2006 default of 32768, so the attack's 99,200 forks wrap it three times.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The demo builds and plots; the test tools (valgrind, clang) it leaves.
PIDFS_PACKAGES=("${PIDFS_BUILD_PACKAGES[@]}")

usage() {
	sed -n '4,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

small=no
out=
builddir=
while [ $# -gt 0 ]; do
	case $1 in
	--small)
		small=yes
		;;
	--out | --builddir)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		[ "$1" = --out ] && out=$2 || builddir=$2
		shift
		;;
	--out=*)
		out=${1#--out=}
		;;
	--builddir=*)
		builddir=${1#--builddir=}
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		pidfs_say "unknown option: $1"
		usage >&2
		exit 2
		;;
	esac
	shift
done

if [ -n "$builddir" ]; then
	PIDFS_BUILDDIR=$(cd "$builddir" && pwd)
else
	pidfs_build_as_is
fi
B=$PIDFS_BUILDDIR
for p in src/pidfs examples/exhaust examples/wraparound; do
	[ -x "$B/$p" ] || pidfs_die "$B/$p is not built"
done

out=${out:-$B/demo}
mkdir -p "$out"
out=$(cd "$out" && pwd)

models=(task pid nr)
if [ $small = yes ]; then
	# 8 MiB holds 819 task_structs of 10 KiB: fewer than the 10 x 192
	# fds the holders want, so the task model runs out; 1920 struct
	# pids take 135 KiB.
	holders=10 fds=200 lowmem=8M pid_max=4096 ms=10
else
	holders=100 fds=1000 lowmem=896M pid_max=32768 ms=100
fi
task_size=10K
arch=${ARCH:-i386}
opts="arch=$arch,lowmem=$lowmem,task_size=$task_size,pid_max=$pid_max"

# ---- mounts, and their cleanup whatever happens ------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pidfs-demo.XXXXXX")
declare -A daemon=()

cleanup() {
	local m

	for m in "${!daemon[@]}"; do
		if mountpoint -q "$tmp/$m" 2>/dev/null; then
			fusermount3 -u "$tmp/$m" 2>/dev/null ||
				fusermount3 -uz "$tmp/$m" 2>/dev/null || true
		fi
		if [ -n "${daemon[$m]:-}" ]; then
			kill "${daemon[$m]}" 2>/dev/null || true
			wait "${daemon[$m]}" 2>/dev/null || true
		fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# mount_model NAME [PIN [MORE-OPTIONS]]: PIN defaults to NAME.
mount_model() {
	local m=$1 pin=${2:-$1} more=${3:+,$3} i

	mkdir -p "$tmp/$m"
	"$B/src/pidfs" -f -o "pin=$pin,$opts$more" "$tmp/$m" \
		2>"$out/daemon-$m.log" &
	daemon[$m]=$!
	for ((i = 0; i < 200; i++)); do
		mountpoint -q "$tmp/$m" && return 0
		kill -0 "${daemon[$m]}" 2>/dev/null || break
		sleep 0.05
	done
	cat "$out/daemon-$m.log" >&2
	pidfs_die "pidfs -o pin=$m did not mount"
}

# Unmount and insist on the daemon's clean books.
umount_model() {
	local m=$1 rc=0

	fusermount3 -u "$tmp/$m" || pidfs_die "fusermount3 -u $tmp/$m"
	wait "${daemon[$m]}" || rc=$?
	daemon[$m]=
	if [ $rc -ne 0 ] ||
	   ! grep -q "nothing leaked" "$out/daemon-$m.log"; then
		cat "$out/daemon-$m.log" >&2
		pidfs_die "pidfs -o pin=$m exited with $rc"
	fi
}

# Run a program, showing its output and keeping a copy in $out/NAME.txt.
run() {
	local name=$1

	shift
	"$@" | tee "$out/$name.txt"
	return "${PIPESTATUS[0]}"
}

# ---- the runs ---------------------------------------------------------

# The value of one /meminfo line of model M's mount: meminfo_of M KEY.
meminfo_of() {
	awk -v k="$2:" '$1 == k { print $2 }' "$tmp/$1/meminfo"
}

# awk does the arithmetic: bash has no floating point.
calc() {
	awk "BEGIN { printf \"$1\", $2 }"
}

holds() {
	awk "BEGIN { exit !($1) }"
}

declare -A steps=()
started=$SECONDS
echo "pidfs demo: $holders holders x $fds fds; lowmem=$lowmem" \
	"task_size=$task_size pid_max=$pid_max; results in $out"
for m in "${models[@]}"; do
	mount_model "$m" "$m" "charge_refs=${CHARGE_REFS:-0}"
done

# The sizes, as the model has them (its /meminfo), and the arithmetic.
tsize=$(meminfo_of task TaskStructSize)
psize=$(meminfo_of task PidStructSize)
budget_b=$(calc "%.0f" "$(meminfo_of task LowTotal) * 1024")
want=$((holders * (fds - 8)))
echo
echo "Sizes, from the mounts' /meminfo: a task_struct with its kernel stack" \
	"is $tsize bytes, a struct pid $psize bytes."
echo "  Low memory: $(calc "%.0f MiB / %d B = %.0f task_structs fit" \
	"$budget_b / 1048576, $tsize, $budget_b / $tsize")."
echo "  The attack: $holders holders x $((fds - 8)) files (8 of $fds" \
	"fds are the holder's own) = $want dead tasks held."
echo "  Held as task_structs: $(calc "%d x %d B = %.1f MiB" \
	"$want, $tsize, $want * $tsize / 1048576"); as struct pids:" \
	"$(calc "%d x %d B = %.1f MiB" "$want, $psize, $want * $psize / 1048576")."
echo "  A pin: what an open file keeps alive of its process after the" \
	"process died.  A holder: one of the attacker's processes."
echo "  PidSerial: a number pidfs gives each struct pid and never reuses" \
	"(in /PID/status), so a reader can tell two processes of one pid apart."

# What the reader just saw, in one line, from the summaries of model M.
saw() {
	local m=$1 e w

	e() { awk -F= -v k="$1" '$1 == k { print $2 }' "$out/exhaust-$m.sum"; }
	w() { awk -F= -v k="$1" '$1 == k { print $2 }' "$out/wraparound-$m.sum"; }
	printf 'What you just saw (pin=%s): ' "$m"
	case $m in
	task)
		echo "open files kept $(e pinned_tasks) dead task_structs" \
			"($(calc "%.1f MiB" "$(e lowmem_used_bytes) / 1048576")) in" \
			"low memory; fork failed ($(e fork_errno)) after $(e fds_held)" \
			"of $(e fds_target) files, and the old file of a reused pid" \
			"failed ESRCH but still held its $tsize bytes."
		;;
	pid)
		echo "every holder filled its limit: $(e pinned_pids) dead struct" \
			"pids ($(calc "%.1f MiB" "$(e pinned_pids) * $psize / 1048576"))" \
			"pinned for $pid_max pid numbers, none of them in the pid hash" \
			"(a struct pid leaves it when its task is reaped); the old file" \
			"of a reused pid failed ESRCH."
		;;
	nr)
		echo "nothing was pinned (the low memory in use was the holders'" \
			"live, in-flight tasks), and the old file of a reused pid" \
			"read the new process's status (Name: $(w old_fd_name))."
		;;
	esac
}

for m in "${models[@]}"; do
	echo
	echo "### pin=$m"
	t=$SECONDS
	run "exhaust-$m" "$B/examples/exhaust" -p "$holders" -f "$fds" \
		-i "$ms" -D "${daemon[$m]}" -m "$m" -c "$out/exhaust-$m.csv" \
		-s "$out/exhaust-$m.sum" "$tmp/$m" ||
		pidfs_die "exhaust failed on pin=$m"
	steps[$m]=$((SECONDS - t))
	t=$SECONDS
	run "wraparound-$m" "$B/examples/wraparound" -m "$m" \
		-s "$out/wraparound-$m.sum" "$tmp/$m" ||
		pidfs_die "wraparound failed on pin=$m"
	steps[$m]="${steps[$m]} + $((SECONDS - t))"
	umount_model "$m"
	saw "$m"
done
elapsed=$((SECONDS - started))

# ---- the table --------------------------------------------------------

declare -A v=()
for m in "${models[@]}"; do
	for f in exhaust wraparound; do
		while IFS='=' read -r k val; do
			v[$m.$f.$k]=$val
		done <"$out/$f-$m.sum"
	done
done

# One row of the table: tab-separated cells; markdown() lays them out.
row() {
	local IFS=$'\t'

	printf '%s\n' "$*"
}

# A Markdown table whose columns line up in a terminal too: the first
# column left-aligned, the others right-aligned.
markdown() {
	awk -F '\t' '
	{ for (i = 1; i <= NF; i++) {
		cell[NR, i] = $i
		if (length($i) > w[i]) w[i] = length($i)
	  }
	  if (NF > nf) nf = NF
	}
	END {
		for (r = 1; r <= NR; r++) {
			line = "|"
			for (i = 1; i <= nf; i++) {
				c = cell[r, i]
				if (r == 2) {
					c = ""
					for (k = 1; k < w[i]; k++) c = c "-"
					c = c (i == 1 ? "-" : ":")
				} else if (i == 1) {
					c = sprintf("%-" w[i] "s", c)
				} else {
					c = sprintf("%" w[i] "s", c)
				}
				line = line " " c " |"
			}
			print line
		}
	}'
}

# The value of KEY in the summary of program P (exhaust, wraparound) for
# model M: get M P KEY.
get() {
	echo "${v[$1.$2.$3]}"
}

# One cell: what the row WHAT says of model M.
cell() {
	local m=$1 what=$2
	local e="get $m exhaust" w="get $m wraparound"

	case $what in
	fds) echo "$($e fds_held) of $($e fds_target)" ;;
	full) echo "$($e holders_full) of $($e holders)" ;;
	forkfail)
		if [ "$($e fork_failures)" -gt 0 ]; then
			echo "$($e fork_failures) ($($e fork_errno))"
		else
			echo 0
		fi
		;;
	lowmem)
		calc "%.1f MiB of %.0f" "$($e lowmem_used_bytes) / 1048576, \
			$($e lowmem_total_bytes) / 1048576"
		;;
	rss)
		calc "%.1f -> %.1f MiB" "$($e rss_start_kb) / 1024, \
			$($e rss_peak_kb) / 1024"
		;;
	rssratio)
		# Below 1 MiB the daemon's own buffers and thread stacks,
		# not the model, decide the RSS.
		if [ "$($e lowmem_growth_bytes)" -gt 1048576 ]; then
			calc "%.1f / %.1f MiB = %.3f" \
				"$($e rss_growth_bytes) / 1048576, \
				$($e lowmem_growth_bytes) / 1048576, \
				$($e rss_over_lowmem)"
		else
			echo "n/a (< 1 MiB)"
		fi
		;;
	after)
		echo "$($e pinned_tasks_after) tasks," \
			"$($e pinned_pids_after) pids ($($e release_seconds) s)"
		;;
	wrapread)
		if [ "$($w old_fd_read)" = read ]; then
			echo "Name: $($w old_fd_name)"
		else
			$w old_fd_read
		fi
		;;
	verdict)
		case $($w verdict) in
		safe) echo "safe" ;;
		costly)
			echo "safe but costly" \
				"($($w bytes_charged_while_open) B charged)"
			;;
		wrong) echo "wrong task" ;;
		*) $w verdict ;;
		esac
		;;
	handlekill) $w old_handle_kill ;;
	*_per_fd) calc "%.0f" "$($e "$what")" ;;
	steps) echo "${steps[$m]}" ;;
	*) $e "$what" ;;
	esac
}

table() {
	local m what label
	local -a cells

	row "" "pin=task: before (/proc to 2.6.17)" \
		"pin=pid: after (/proc from 2.6.18)" "pin=nr: a stored pid_t"
	row "-" "${models[@]}"
	while IFS='|' read -r what label; do
		cells=()
		for m in "${models[@]}"; do
			cells+=("$(cell "$m" "$what")")
		done
		row "$label" "${cells[@]}"
	done <<-'EOF'
	fds|fds held
	full|holders that filled their fd limit
	forkfail|fork failures
	oom_events|OOM events (a failed fork is retried for 0.5 s)
	pinned_tasks|dead task_structs pinned
	pinned_pids|dead struct pids pinned
	lowmem|low memory used
	model_bytes_per_fd|model bytes pinned per held fd
	host_bytes_per_fd|host kernel bytes (Slab) per held fd
	rss|daemon RSS, start -> all fds held
	rssratio|daemon RSS growth / low memory growth
	fill_seconds|seconds to fill
	after|pinned after closing every fd
	wrapread|wrap-around: the old fd reads
	verdict|wrap-around verdict
	handlekill|kill through the old handle
	steps|seconds, exhaust + wraparound
	EOF
}

table | markdown | tee "$out/table.md"
{
	echo
	task_b=$(get task exhaust model_bytes_per_fd)
	pid_b=$(get pid exhaust model_bytes_per_fd)
	if holds "$pid_b > 0"; then
		echo "Bytes pinned per held fd, task model / pid model:" \
			"$(calc "%.1f" "$task_b / $pid_b")" \
			"($tsize-byte task_struct, $psize-byte struct pid)."
	fi
	echo "Low memory: $(calc "%.0f MiB / %d B = %.0f" \
		"$budget_b / 1048576, $tsize, $budget_b / $tsize") task_structs" \
		"fit; the attack holds $want files."
	echo "The pid column: $(get pid exhaust pinned_pids) dead struct pids" \
		"alive at once for $pid_max pid numbers, none of them in the" \
		"hash, each held by an open file alone."
	echo "$(nproc) CPUs, $(uname -sr); whole run $elapsed s."
} | tee -a "$out/table.md"

# ---- the referrers ------------------------------------------------------

# The same attack with the kernel's referring structures charged: every
# looked-up inode costs a dentry and a proc_inode, as it did the modelled
# kernel.  "struct pid is small enough that most other kernel data
# structures dwarf it": here they do, inside the model.
echo
echo "### the referrers: pin=task and pin=pid with -o charge_refs=1"
for m in task pid; do
	mount_model "refs-$m" "$m" charge_refs=1
	rsize=$(meminfo_of "refs-$m" ProcRefSize)
	run "exhaust-refs-$m" "$B/examples/exhaust" -p "$holders" -f "$fds" \
		-i "$ms" -D "${daemon[refs-$m]}" -m "$m" \
		-c "$out/exhaust-refs-$m.csv" -s "$out/exhaust-refs-$m.sum" \
		"$tmp/refs-$m" || pidfs_die "exhaust failed on pin=$m, charge_refs=1"
	umount_model "refs-$m"
	while IFS='=' read -r k val; do
		v[refs-$m.exhaust.$k]=$val
	done <"$out/exhaust-refs-$m.sum"
done
{
	row "charge_refs=1" "pin=task: before" "pin=pid: after"
	row "-" task pid
	while IFS='|' read -r what label; do
		row "$label" "$(cell refs-task "$what")" "$(cell refs-pid "$what")"
	done <<-'EOF'
	fds|fds held
	forkfail|fork failures
	lowmem|low memory used
	model_bytes_per_fd|model bytes pinned per held fd
	EOF
} | markdown | tee "$out/table-refs.md"
{
	echo
	echo "Each looked-up inode charges a dentry and a proc_inode, $rsize" \
		"bytes together, and a held file has two (its directory and" \
		"itself): $(calc "%.0f" "$(get refs-pid exhaust model_bytes_per_fd)")" \
		"bytes a file in the pid column, of which the struct pid is" \
		"$psize.  The referrers dwarf it, and the fd limit bounds them."
} | tee -a "$out/table-refs.md"

# ---- the depth table ---------------------------------------------------

# The attack again with its victims in pid namespaces (2.6.24): each
# holder builds a chain of D nested namespaces through ctl and forks its
# victims from the deepest init, so each held file's struct pid is of
# level D, bigger by one struct upid a level.  Fewer holders and files
# than the attack: what matters is the bytes per held fd, and the victims
# per chain (who share its namespaces' bitmap pages) stay near the
# attack's 992.  One mount per model; exhaust runs once per depth on it.
echo
echo "### pid namespaces: the attack at depth D (exhaust --depth)"
if [ $small = yes ]; then
	dholders=2 dfds=136 depths=(0 1 2 3 4 32)
else
	dholders=4 dfds=1032 depths=(0 1 2 3 4 8 16 32)
fi
dfiles=$((dholders * (dfds - 8)))
echo "$dholders holders x $((dfds - 8)) files each ($dfiles files)," \
	"one chain of D namespaces per holder; machine $arch;" \
	"depths ${depths[*]}"
declare -A db=()
for m in task pid; do
	mount_model "depth-$m" "$m" "charge_refs=${CHARGE_REFS:-0}"
	for d in "${depths[@]}"; do
		sum=$out/depth-$m-$d.sum
		"$B/examples/exhaust" -p "$dholders" -f "$dfds" --depth "$d" \
			-i "$ms" -D "${daemon[depth-$m]}" -m "$m" -s "$sum" \
			"$tmp/depth-$m" >"$out/depth-$m-$d.txt" 2>&1 || {
			cat "$out/depth-$m-$d.txt" >&2
			pidfs_die "exhaust --depth $d failed on pin=$m"
		}
		while IFS='=' read -r k val; do
			db[$m.$d.$k]=$val
		done <"$sum"
		[ "${db[$m.$d.fds_held]}" = "$dfiles" ] ||
			pidfs_die "pin=$m depth $d: ${db[$m.$d.fds_held]} of $dfiles files held"
		printf '  pin=%-4s depth %2d: %6.0f bytes per held fd, %6.0f once the chains are dead\n' \
			"$m" "$d" "${db[$m.$d.model_bytes_per_fd]}" \
			"${db[$m.$d.zapped_bytes_per_fd]}"
	done
	umount_model "depth-$m"
done

# depth.dat: one line per depth, for the plot and the verdicts below.
{
	echo "# depth task_bytes_per_fd pid_bytes_per_fd pid_bytes_per_fd_chains_dead"
	for d in "${depths[@]}"; do
		echo "$d ${db[task.$d.model_bytes_per_fd]}" \
			"${db[pid.$d.model_bytes_per_fd]}" \
			"${db[pid.$d.zapped_bytes_per_fd]}"
	done
} >"$out/depth.dat"

# The first depth measured at which task / pid < 100, for depth.dat's
# pid column COL (3: the struct pid, the chains alive; 4: with the
# namespaces pinned), as "LAST FIRST": the deepest depth before it that
# held ("none" if none did), and it ("-" if it always held).
stops() {
	awk -v c="$1" 'BEGIN { last = "none" }
	!/^#/ {
		if ($2 / $c < 100) { print last, $1; found = 1; exit }
		last = $1
	}
	END { if (!found) print last, "-" }' "$out/depth.dat"
}

# What the stop means, in words: stop_words LAST FIRST.
stop_words() {
	if [ "$2" = - ]; then
		echo "holds at every depth measured (up to $1)"
	elif [ "$1" = none ]; then
		echo "fails already at depth $2"
	elif [ $(($2 - $1)) -eq 1 ]; then
		echo "holds to depth $1 and stops at depth $2"
	else
		echo "holds at depth $1 and stops between depths $(($1 + 1))" \
			"and $2 (not measured between)"
	fi
}

{
	row "depth D" "pin=task: bytes per held fd" \
		"pin=pid: bytes per held fd" "task / pid" \
		"pin=pid, chains dead: + namespaces pinned" \
		"task / pid, chains dead"
	row "-" task pid ratio dead ratio
	for d in 0 1 4 32; do
		[ -n "${db[pid.$d.model_bytes_per_fd]:-}" ] || continue
		t=${db[task.$d.model_bytes_per_fd]}
		p=${db[pid.$d.model_bytes_per_fd]}
		z=${db[pid.$d.zapped_bytes_per_fd]}
		row "$d" "$(calc "%.0f" "$t")" "$(calc "%.0f" "$p")" \
			"$(calc "%.1f" "$t / $p")" "$(calc "%.0f" "$z")" \
			"$(calc "%.1f" "$t / $z")"
	done
} | markdown | tee "$out/table-depth.md"
{
	read -r alive_last alive_first < <(stops 3)
	read -r dead_last dead_first < <(stops 4)
	p1=${db[pid.1.model_bytes_per_fd]}
	p32=${db[pid.32.model_bytes_per_fd]}
	echo
	echo "Machine: $arch (-o arch=$arch), task_size=$task_size," \
		"charge_refs=${CHARGE_REFS:-0}.  A struct pid grows by" \
		"$(calc "%.1f" "($p32 - $p1) / 31") bytes a level (measured," \
		"depth 1 to 32).  pin=pid, chains dead: the holders have killed" \
		"their chains (each namespace's init, whose death kills what is" \
		"below it); the held files alone keep the struct pids and the" \
		"$((dholders)) x D namespaces those pin, a 4096-byte bitmap page" \
		"each, shared by the $((dfds - 8)) victims of a chain."
	echo "\"Two orders of magnitude smaller\" (task / pid >= 100)" \
		"$(stop_words "$alive_last" "$alive_first") for the struct pid" \
		"alone; counting the namespaces the files pin, it" \
		"$(stop_words "$dead_last" "$dead_first")."
} | tee -a "$out/table-depth.md"

# ---- the plot ---------------------------------------------------------

if command -v gnuplot >/dev/null; then
	budget=$(calc "%.1f" "$(get pid exhaust lowmem_total_bytes) / 1048576")
	task_fds=0
	[ "$(get task exhaust fork_failures)" -gt 0 ] &&
		task_fds=$(get task exhaust fds_held)
	gnuplot -e "dir='$out'; budget=$budget; holders=$holders" \
		-e "fds=$fds; task_fds=$task_fds; tsize=$tsize; psize=$psize" \
		"$PIDFS_SRCDIR/scripts/plot.gnuplot" ||
		pidfs_die "gnuplot failed"
	echo "plot: $out/exhaust.png"
	gnuplot -e "dir='$out'; files=$dfiles; chains=$dholders" \
		-e "machine='$arch'; tsize=$tsize" \
		"$PIDFS_SRCDIR/scripts/depth.gnuplot" ||
		pidfs_die "gnuplot failed (depth)"
	echo "plot: $out/depth.png"
else
	pidfs_say "gnuplot not found: no plot (apt-get install gnuplot-nox)"
fi
