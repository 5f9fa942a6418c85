#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every file format: per-task stat (52 fields), status (Linux's keys in
# Linux's order, then PidSerial), cmdline (NUL-separated), comm; and the
# globals meminfo, pidhash, requests, uptime, loadavg, stat, cpuinfo and
# sys/kernel/*, with values checked against the mount options and the
# model's state.
#
#   top_builddir=build top_srcdir=. tests/integration/test-formats.sh

. "$top_srcdir/tests/integration/lib.sh"

pidfs_mount lowmem=64M,task_size=4K,pid_max=5000,hash_shift=5

a=$(ctl 'fork 1 sshd')
b=$(ctl "fork $a x)y(z")	# a comm with parentheses: parse by the last ')'
c=$(ctl "fork $a")		# no name: the parent's, and its cmdline
ctl "exec $a vim -u NONE /etc/motd" >/dev/null
t=$(ctl "thread $a")		# after exec, which ends every other thread
z=$(ctl 'fork 1 zomb')
ctl "exit $z 7" >/dev/null

# ---- stat ------------------------------------------------------------------

for p in 1 "$a" "$b" "$c" "$z" "$a/task/$t"; do
	line=$(cat "$MNT/$p/stat")
	rest=${line##*) }
	n=$(echo "$rest" | wc -w)
	expect_eq "$((n + 2))" 52 "$p/stat has 52 fields"
	[ "$(wc -l <"$MNT/$p/stat")" = 1 ] || fail "$p/stat is not one line"
done
expect_eq "$(stat_field "$MNT/1/stat" 1)" 1 "init stat: pid"
expect_eq "$(stat_field "$MNT/1/stat" 2)" "(init)" "init stat: comm"
expect_eq "$(stat_field "$MNT/1/stat" 4)" 0 "init stat: ppid"
expect_eq "$(stat_field "$MNT/$b/stat" 2)" "(x)y(z)" \
	"stat: comm raw in parentheses"
expect_eq "$(stat_field "$MNT/$b/stat" 4)" "$a" "stat: ppid after an odd comm"
expect_eq "$(stat_field "$MNT/$a/stat" 2)" "(vim)" "stat: comm after exec"
expect_eq "$(stat_field "$MNT/$a/stat" 5)" 1 "stat: pgrp inherited from init"
expect_eq "$(stat_field "$MNT/$a/stat" 6)" 1 "stat: session inherited from init"
expect_eq "$(stat_field "$MNT/$a/stat" 7)" 0 "stat: tty_nr"
expect_eq "$(stat_field "$MNT/$a/stat" 8)" -1 "stat: tpgid"
expect_eq "$(stat_field "$MNT/$a/stat" 18)" 20 "stat: priority"
expect_eq "$(stat_field "$MNT/$a/stat" 19)" 0 "stat: nice"
expect_eq "$(stat_field "$MNT/$a/stat" 20)" 2 \
	"stat: num_threads of a group of two"
expect_eq "$(stat_field "$MNT/$a/stat" 25)" 18446744073709551615 "stat: rsslim"
expect_eq "$(stat_field "$MNT/$a/task/$t/stat" 1)" "$t" \
	"thread stat: its own pid"
expect_eq "$(stat_field "$MNT/$z/stat" 3)" Z "stat: a zombie is Z"
expect_eq "$(stat_field "$MNT/$z/stat" 52)" 7 "stat: exit_code of the zombie"
case $(stat_field "$MNT/$a/stat" 3) in
R | S) pass "stat: a live task is R or S" ;;
*) fail "stat: state of a live task: $(stat_field "$MNT/$a/stat" 3)" ;;
esac
start=$(stat_field "$MNT/$a/stat" 22)
[[ $start =~ ^[0-9]+$ ]] || fail "stat: starttime '$start'"
pass "stat: starttime is a number of ticks"

# ---- status ----------------------------------------------------------------

keys="Name Umask State Tgid Ngid Pid PPid TracerPid Uid Gid FDSize Groups NStgid NSpid NSpgid NSsid Threads SigQ SigPnd ShdPnd SigBlk SigIgn SigCgt CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp Seccomp_filters Cpus_allowed Cpus_allowed_list Mems_allowed Mems_allowed_list voluntary_ctxt_switches nonvoluntary_ctxt_switches PidSerial"
for p in 1 "$a" "$b" "$z" "$a/task/$t"; do
	got=$(cut -d: -f1 "$MNT/$p/status" | tr '\n' ' ')
	want="$keys "
	# a zombie has no fs_struct, so no Umask, as on Linux
	[ "$p" = "$z" ] && want=${want/Umask /}
	expect_eq "$got" "$want" \
		"$p/status: Linux's keys in order, then PidSerial"
	grep -qvP '^[A-Za-z_]+:\t' "$MNT/$p/status" &&
		fail "$p/status: a line without Key:<tab>"
	[ "$(tail -c 1 "$MNT/$p/status" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "$p/status does not end in a newline"
done
s=$MNT/$a/status
expect_eq "$(status_field "$s" Name)" vim "status: Name"
expect_eq "$(status_field "$s" Tgid)" "$a" "status: Tgid"
expect_eq "$(status_field "$s" Pid)" "$a" "status: Pid"
expect_eq "$(status_field "$s" PPid)" 1 "status: PPid"
expect_eq "$(status_field "$s" Threads)" 2 "status: Threads"
me_u=$(id -u)
me_g=$(id -g)
expect_eq "$(grep '^Uid:' "$s")" "$(printf 'Uid:\t%s\t%s\t%s\t%s' "$me_u" "$me_u" "$me_u" "$me_u")" \
	"status: Uid, four times"
expect_eq "$(grep '^Gid:' "$s")" "$(printf 'Gid:\t%s\t%s\t%s\t%s' "$me_g" "$me_g" "$me_g" "$me_g")" \
	"status: Gid, four times"
expect_eq "$(status_field "$MNT/$b/status" Name)" "x)y(z" "status: Name raw"
expect_eq "$(status_field "$MNT/$z/status" State)" "Z (zombie)" \
	"status: a zombie's State"
case $(status_field "$s" State) in
"R (running)" | "S (sleeping)") pass "status: a live task's State" ;;
*) fail "status: State '$(status_field "$s" State)'" ;;
esac
expect_eq "$(status_field "$MNT/$a/task/$t/status" Pid)" "$t" \
	"thread status: Pid"
expect_eq "$(status_field "$MNT/$a/task/$t/status" Tgid)" "$a" \
	"thread status: Tgid"
# The host's own status has the same keys in the same order (pidfs's are
# a subset: no Vm*, as for a task without memory, no host CPU lines).
host_keys=$(cut -d: -f1 /proc/self/status | tr '\n' ' ')
for k in ${keys% PidSerial}; do
	case " $host_keys" in
	*" $k "*) host_keys=${host_keys#*"$k" } ;;
	*) fail "status: $k is not in the host's status, or out of its order" ;;
	esac
done
pass "status: the host kernel's keys, in its order"
expect_eq "$(status_field "$s" Umask)" 0022 "status: Umask, init's"
expect_eq "$(status_field "$s" voluntary_ctxt_switches)/$(status_field "$s" nonvoluntary_ctxt_switches)" \
	0/0 "status: no context switches"
expect_eq "$(status_field "$s" Cpus_allowed_list)/$(status_field "$s" Mems_allowed_list)" \
	0/0 "status: the model's one CPU and node"
grep -q '^Vm' "$s" && fail "status: Vm lines for a task without memory"
pass "status: no Vm lines"
# Serials: one per struct pid, never reused, in allocation order.
s1=$(status_field "$MNT/1/status" PidSerial)
sa=$(status_field "$MNT/$a/status" PidSerial)
sz=$(status_field "$MNT/$z/status" PidSerial)
expect_eq "$s1" 1 "PidSerial of init"
[ "$sa" -gt "$s1" ] && [ "$sz" -gt "$sa" ] ||
	fail "serials $s1 $sa $sz not increasing"
pass "PidSerial grows with each fork"
expect_eq "$(status_field "$MNT/$a/task/$a/status" PidSerial)" "$sa" \
	"task/<pid> has the same serial"

# ---- cmdline, comm ---------------------------------------------------------

nul_args() { od -An -c "$1" | tr -s ' \n' ' '; }
expect_eq "$(nul_args "$MNT/$a/cmdline")" " v i m \\0 - u \\0 N O N E \\0 / e t c / m o t d \\0 " \
	"cmdline: NUL after each argument"
expect_eq "$(nul_args "$MNT/1/cmdline")" " i n i t \\0 " "init's cmdline"
expect_eq "$(nul_args "$MNT/$b/cmdline")" " x ) y ( z \\0 " \
	"fork with a name: cmdline is the name"
expect_eq "$(stat -c %s "$MNT/$z/cmdline"):$(wc -c <"$MNT/$z/cmdline")" "0:0" \
	"a zombie's cmdline is empty"
expect_eq "$(status_field "$MNT/$c/status" Name)" sshd \
	"fork without a name: the parent's"
expect_eq "$(nul_args "$MNT/$c/cmdline")" " s s h d \\0 " \
	"fork without a name: the parent's cmdline"
expect_eq "$(od -An -c "$MNT/$a/comm" | tr -s ' \n' ' ')" " v i m \\n " \
	"comm: the name and a newline"
expect_eq "$(cat "$MNT/$b/comm")" "x)y(z" "comm raw"
# st_size is the length of what a read returns
for f in stat status cmdline comm; do
	expect_eq "$(stat -c %s "$MNT/$a/$f")" "$(wc -c <"$MNT/$a/$f")" \
		"$f: st_size is the content's length"
done

# ---- the files htop, psutil and procps read besides ----------------------

for p in "$a" "$a/task/$t" "$z"; do
	d=$MNT/$p
	expect_eq "$(cat "$d/statm")" "0 0 0 0 0 0 0" "$p/statm: no memory"
	expect_eq "$(wc -c <"$d/environ"):$(wc -c <"$d/maps")" 0:0 \
		"$p/environ and maps are empty"
	expect_eq "$(ls -A "$d/fd" | wc -l):$(ls -A "$d/fdinfo" | wc -l)" 0:0 \
		"$p/fd and fdinfo are empty directories"
	expect_eq "$(stat -c %A "$d/fd"):$(stat -c %A "$d/fdinfo")" \
		"dr-x------:dr-xr-xr-x" "$p/fd and fdinfo: Linux's modes"
	expect_eq "$(stat -c %A "$d/environ"):$(stat -c %A "$d/io")" \
		"-r--------:-r--------" "$p/environ and io: Linux's modes"
	expect_eq "$(cat "$d/wchan")" 0 "$p/wchan: no kernel function"
	expect_eq "$(tr -d '0-9\n' <"$d/io")" "$(tr -d '0-9\n' </proc/self/io)" \
		"$p/io: the host's keys"
	expect_eq "$(awk '{ s += $2 } END { print s }' "$d/io")" 0 "$p/io: no I/O"
	# Linux's table: the host's header, row names and units, to the byte
	expect_eq "$(cut -c1-26 "$d/limits")" "$(cut -c1-26 /proc/self/limits)" \
		"$p/limits: the host's rows"
	expect_eq "$(awk '{ print length($0) }' "$d/limits" | sort -u | tr '\n' ' ')" \
		"$(awk '{ print length($0) }' /proc/self/limits | sort -u | tr '\n' ' ')" \
		"$p/limits: the host's column widths"
	expect_eq "$(sed -n 3p "$d/limits" | tr -s ' ')" \
		"Max file size unlimited unlimited bytes " "$p/limits: unlimited"
	for f in statm environ maps limits io wchan; do
		expect_eq "$(stat -c %s "$d/$f")" "$(wc -c <"$d/$f")" \
			"$p/$f: st_size is the content's length"
	done
done
for p in "$a" "$a/task/$t"; do
	expect_eq "$(readlink "$MNT/$p/cwd"):$(readlink "$MNT/$p/root")" "/:/" \
		"$p/cwd and root: /"
	expect_eq "$(readlink "$MNT/$p/exe")" "pidfs:[vim]" "$p/exe: the model's"
done
for l in cwd exe root; do
	expect_eq "$(stat -c %F "$MNT/$z/$l")" "symbolic link" "zombie $l is a link"
	msg=$(readlink -v "$MNT/$z/$l" 2>&1) && fail "zombie $l: target '$msg'"
	case $msg in
	*"No such file or directory") pass "zombie $l has no target: ENOENT" ;;
	*) fail "zombie $l: $msg" ;;
	esac
done

# ---- meminfo ---------------------------------------------------------------

mkeys="MemTotal MemFree MemAvailable Buffers Cached SwapCached Active Inactive LowTotal LowFree SwapTotal SwapFree Shmem Slab SReclaimable SUnreclaim TaskStructs TaskStructsPinned PidStructs PidStructsPinned TaskStructSize PidStructSize OomEvents ForkFailures PidStructHostSize PidHashBytes IdrNodeBytes ProcRefs ProcRefSize KernelRefs PidfdExitInfos"
expect_eq "$(cut -d: -f1 "$MNT/meminfo" | tr '\n' ' ')" "$mkeys " \
	"meminfo: keys in order"
# Linux's layout: key and colon padded to 16 columns, value to 24.
awk '
	$1 ~ /^(Mem|Low|Swap)/ || $1 ~ /^(Buffers|Cached|SwapCached|Active|Inactive|Shmem|Slab|SReclaimable|SUnreclaim):$/ {
		if (NF != 3 || $3 != "kB") exit 1
		if (length($0) != 27 || substr($0, 17, 8) !~ /^ *[0-9]+$/) exit 1
		next
	}
	{ if (NF != 2 || $2 !~ /^[0-9]+$/ || length($0) != 24) exit 1 }
' "$MNT/meminfo" || fail "meminfo layout: $(cat "$MNT/meminfo")"
pass "meminfo: Linux's column layout"
expect_eq "$(meminfo MemTotal)" 65536 "meminfo: MemTotal is lowmem"
expect_eq "$(meminfo LowTotal)" 65536 "meminfo: LowTotal is lowmem"
expect_eq "$(meminfo MemFree)" "$(meminfo LowFree)" \
	"meminfo: MemFree is LowFree"
expect_eq "$(meminfo TaskStructSize)" 4096 \
	"meminfo: TaskStructSize is task_size"
# The default machine's charges (i386): a 36-byte struct pid, 4-byte
# buckets (hash_shift=5: 32 of them); the daemon's struct pid is its own.
expect_eq "$(meminfo PidStructSize)" 36 "meminfo: PidStructSize is i386's"
[ "$(meminfo PidStructHostSize)" -gt 0 ] || fail "PidStructHostSize"
alloc=$(pidfs_alloc)
if [ "$alloc" = idr ]; then
	expect_eq "$(meminfo PidHashBytes)" 0 "meminfo: no hash under the IDR"
	# six pids below 64: one leaf of i386's 300 bytes, perhaps a spare
	case $(meminfo IdrNodeBytes) in
	300 | 600) pass "meminfo: the IDR's nodes are charged" ;;
	*) fail "meminfo: IdrNodeBytes $(meminfo IdrNodeBytes)" ;;
	esac
else
	expect_eq "$(meminfo PidHashBytes)" 128 "meminfo: the hash is charged"
	expect_eq "$(meminfo IdrNodeBytes)" 0 "meminfo: no IDR under the pidmap"
fi
# Each reference the kernel holds on a task inode: a dentry and a
# proc_inode of i386 (132 + 356 bytes).
expect_eq "$(meminfo ProcRefSize)" 488 "meminfo: ProcRefSize is i386's"
expect_eq "$(meminfo ProcRefs)" "$(meminfo KernelRefs)" \
	"meminfo: every kernel reference is charged"
# init, sshd(vim), x)y(z, c, the thread, the zombie
expect_eq "$(meminfo TaskStructs)" 6 "meminfo: TaskStructs counts every task"
expect_eq "$(meminfo PidStructs)" 6 \
	"meminfo: PidStructs counts every struct pid"
# Each line rounds its own byte count down, so free + used may miss 1 kB.
used=$(($(meminfo LowTotal) - $(meminfo LowFree)))
slab=$(meminfo Slab)
[ "$used" -eq "$slab" ] || [ "$used" -eq $((slab + 1)) ] ||
	fail "meminfo: LowTotal - LowFree = $used kB, Slab $slab kB"
pass "meminfo: LowTotal - LowFree is Slab"
[ $((slab * 1024)) -ge $((6 * 4096 + 6 * $(meminfo PidStructSize))) ] ||
	fail "meminfo: Slab $slab kB for 6 tasks and pids"
pass "meminfo: Slab holds the tasks and pids"
# One more fork charges one task_struct and one struct pid (PidStructSize).
extra=$(ctl 'fork 1 extra')
delta=$(($(meminfo Slab) - slab))
[ "$delta" -eq 4 ] || [ "$delta" -eq 5 ] ||
	fail "meminfo: a fork charged $delta kB"
pass "meminfo: a fork charges task_size and a struct pid"
ctl "kill $extra" >/dev/null
# freed after an RCU grace period, as in the kernel
slab_back() { [ "$(meminfo Slab)" = "$slab" ]; }
wait_for 2 slab_back ||
	fail "meminfo: Slab $(meminfo Slab) kB after the kill, not $slab"
pass "meminfo: a reaped task gives it back"

# ---- pidhash ---------------------------------------------------------------

if [ "$alloc" = idr ]; then
	pkeys="alloc pid_max last_pid nr_pids idr_nodes idr_height idr_ids idr_reserve idr_node_size idr_bytes tree_idr_nodes tree_idr_bytes serials wraps pid_max_limit pid_struct_size"
else
	pkeys="alloc pid_max last_pid nr_pids hash_shift hash_buckets hash_bytes longest_chain empty_buckets pidmap_pages nr_free serials wraps hash_charged pid_max_limit pid_struct_size"
fi
# then the struct pid caches: only level 0's in a mount that never unshared
pkeys="$pkeys pid_objects pid_objsize pid_host_size"
expect_eq "$(cut -d: -f1 "$MNT/pidhash" | tr '\n' ' ')" "$pkeys " \
	"pidhash: keys in order"
sed 1d "$MNT/pidhash" | grep -qvE '^[a-z0-9_]+: [0-9]+$' &&
	fail "pidhash: a line not 'key: N'"
ph() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/pidhash"; }
expect_eq "$(ph pid_max)" 5000 "pidhash: pid_max"
expect_eq "$(ph last_pid)" "$extra" "pidhash: last_pid"
expect_eq "$(ph nr_pids)" 6 "pidhash: nr_pids"
if [ "$alloc" = idr ]; then
	expect_eq "$(ph idr_nodes)" 1 "pidhash: one IDR leaf for pids below 64"
	expect_eq "$(ph idr_height)" 1 "pidhash: one level"
	expect_eq "$(ph idr_ids)" 6 "pidhash: the IDR's ids are the pids"
	expect_eq "$(ph idr_node_size)" 300 "pidhash: i386's radix_tree_node"
	expect_eq "$(ph idr_bytes)" $((300 * ($(ph idr_nodes) + $(ph idr_reserve)))) \
		"pidhash: idr_bytes is every node at i386's size"
	expect_eq "$(ph idr_bytes)" "$(meminfo IdrNodeBytes)" \
		"pidhash: the IDR's bytes are what meminfo charges"
else
	expect_eq "$(ph hash_shift)" 5 "pidhash: hash_shift is the option's"
	expect_eq "$(ph hash_buckets)" 32 "pidhash: 2^hash_shift buckets"
	expect_eq "$(ph hash_charged)" 128 "pidhash: 32 buckets of i386's 4 bytes"
fi
expect_eq "$(ph serials)" "$extra" "pidhash: serials handed out"
expect_eq "$(ph wraps)" 0 "pidhash: no wrap yet"
expect_eq "$(ph pid_max_limit)" 32768 "pidhash: i386's PID_MAX_LIMIT"
expect_eq "$(ph pid_struct_size)" 36 "pidhash: i386's struct pid"
expect_eq "$(ph pid_objects)" 6 "pidhash: the pid cache holds every pid"
expect_eq "$(ph pid_objsize)" 36 "pidhash: the pid cache's objects, i386's"

# ---- the rest --------------------------------------------------------------

grep -qvE '^[a-z_]+ [0-9]+$' "$MNT/requests" && fail "requests: a line not 'name N'"
for op in lookup forget getattr read write readdir; do
	grep -q "^$op " "$MNT/requests" || fail "requests: no $op line"
done
pass "requests: one 'opcode count' line each"
grep -qE '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}$' "$MNT/uptime" ||
	fail "uptime: $(cat "$MNT/uptime")"
pass "uptime: two decimals, twice"
expect_eq "$(cat "$MNT/loadavg")" "0.00 0.00 0.00 0/6 $extra" \
	"loadavg: 0 running, 6 tasks, the last pid"
expect_eq "$(cut -d' ' -f1 "$MNT/stat" | tr '\n' ' ')" "cpu cpu0 intr ctxt btime processes procs_running procs_blocked softirq " \
	"stat: the lines procps reads"
# five forks and a thread since boot; init was not forked
expect_eq "$(awk '$1 == "processes" { print $2 }' "$MNT/stat")" 6 \
	"stat: processes counts forks and threads"
btime=$(awk '$1 == "btime" { print $2 }' "$MNT/stat")
now=$(date +%s)
[ "$btime" -le "$now" ] && [ "$btime" -gt $((now - 600)) ] ||
	fail "stat: btime $btime"
pass "stat: btime is the mount's start"
grep -q "^processor"$'\t'": 0$" "$MNT/cpuinfo" ||
	fail "cpuinfo: $(cat "$MNT/cpuinfo")"
pass "cpuinfo: one processor"
expect_eq "$(cat "$MNT/sys/kernel/pid_max")" 5000 "sys/kernel/pid_max"
expect_eq "$(cat "$MNT/sys/kernel/osrelease")" "$(uname -r)" \
	"sys/kernel/osrelease"

pidfs_umount
pass "clean unmount"
