#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Pid namespaces in the tree: /<pid>/ns/pid and pid_for_children (held
# against this machine's kernel where it can answer), /pidns/ and the
# views /pidns/<id>/: their own numbers, self, globals, readdir,
# inode numbers apart from the root's, PPid 0 at the boundary, pidfd
# files from the view's namespace; a task killed is gone from every view
# at once; an open file of a view in each pin model (nr: the number
# inside the namespace, so its reuse there shows); a view of a namespace
# that is gone is ENOENT; ps, pstree and top over a view show the
# namespace's own numbers, the same as the view's status files.
#
#   top_builddir=build top_srcdir=. tests/integration/test-pidns.sh

. "$top_srcdir/tests/integration/lib.sh"

PIDFDCMP=$HELPERS/pidfdcmp

INIT_NS=4026531836

# The NSpid numbers of status file $1, tab-separated.
nspid() {
	grep '^NSpid:' "$1" | cut -f2-
}

# readlink's target, or "ENOENT" when it fails so.
link() {
	readlink "$1" 2>/dev/null || echo ENOENT
}

# Run "$@" in a mount namespace of its own, with view $1 over /proc.
in_view() {
	local view=$1
	shift
	# shellcheck disable=SC2016
	unshare "${UNSHARE_NS[@]}" sh -c 'mount --bind "$0" /proc && exec "$@"' \
		"$view" "$@"
}

# ---- the kernel's own answers ----------------------------------------------

# unshare(1) -p without --fork execs readlink in the old namespace: its
# pid_for_children is the new one, which has no init yet.
k_own=$(readlink /proc/self/ns/pid)
k_before=$(unshare -p readlink /proc/self/ns/pid_for_children 2>/dev/null ||
	echo ENOENT)
expect_eq "$k_before" ENOENT \
	"kernel: pid_for_children before the first fork is ENOENT"

pidfs_mount

expect_eq "$(link "$MNT/1/ns/pid")" "pid:[$INIT_NS]" "init's ns/pid"
expect_eq "$(link "$MNT/1/ns/pid")" "${k_own%%]*}]" \
	"init's ns/pid names the initial namespace's id, as Linux's"
expect_eq "$(ls "$MNT/1/ns" | tr '\n' ' ')" "pid pid_for_children " \
	"ns/ lists pid and pid_for_children"
expect_eq "$(stat -c %a "$MNT/1/ns")" 511 "ns/ is dr-x--x--x, as Linux's"

p=$(ctl 'fork 1 unsharer')
expect_eq "$(link "$MNT/$p/ns/pid_for_children")" "pid:[$INIT_NS]" \
	"pid_for_children before unshare: the task's own (now cached)"
ns=$(ctl "unshare $p")
expect_eq "$(link "$MNT/$p/ns/pid_for_children")" "$k_before" \
	"pid_for_children after unshare, before the first fork: as the kernel"
expect_eq "$(link "$MNT/$p/task/$p/ns/pid")" "pid:[$INIT_NS]" \
	"task/<tid>/ns/pid: the unsharer stays in its namespace"

# init of the namespace, a child with a second thread, a grandchild
i=$(ctl "fork $p init")
a=$(ctl "fork $i a")
th=$(ctl "thread $a")
b=$(ctl "fork $a b")
expect_eq "$(link "$MNT/$p/ns/pid_for_children")" "pid:[$ns]" \
	"pid_for_children once the namespace has an init"
expect_eq "$(link "$MNT/$i/ns/pid")" "pid:[$ns]" "the init's ns/pid"
expect_eq "$(link "$MNT/$b/ns/pid_for_children")" "pid:[$ns]" \
	"a task inside: pid_for_children is its own namespace"

# ---- /pidns and the views ---------------------------------------------------

expect_eq "$(ls "$MNT/pidns" | tr '\n' ' ')" "$INIT_NS $ns " \
	"/pidns lists the live namespaces by id"
V=$MNT/pidns/$ns
expect_eq "$(ls "$V" | tr '\n' ' ')" \
	"1 2 4 cpuinfo loadavg meminfo self stat sys uptime " \
	"a view lists its leaders by their numbers there, and its globals"
expect_eq "$(ls "$V/2/task" | tr '\n' ' ')" "2 3 " \
	"a view's task/ lists the threads by their numbers there"
expect_eq "$(readlink "$V/self")" 1 "a view's self is its init"
grep -q '^MemTotal:' "$V/meminfo" || fail "a view's meminfo"
grep -q '^btime ' "$V/stat" || fail "a view's stat"
expect_eq "$(ls "$V/sys/kernel" | tr '\n' ' ')" "osrelease pid_max " \
	"a view's sys/kernel"
pass "a view's meminfo, stat and sys/kernel"
for g in ctl pidns pidhash requests; do
	[ ! -e "$V/$g" ] || fail "a view has $g"
done
pass "a view has no ctl, pidns, pidhash or requests"

# /pidhash lists a cache per level: "pid_2" holds the level-1 pids, the
# four of this namespace, each charged 2.6.24's 44 + 16 bytes on i386
ph() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/pidhash"; }
expect_eq "$(ph pid_2_objects):$(ph pid_2_objsize)" 4:60 \
	"pidhash: the level-1 cache pid_2, its pids and their charge"
expect_eq "$(ph pid_objsize)" 36 "pidhash: the level-0 cache pid, the patch's"

expect_eq "$(status_field "$V/1/status" Pid):$(status_field "$V/1/status" PPid)" \
	1:0 "the init in its view: Pid 1, PPid 0 across the boundary"
expect_eq "$(status_field "$V/4/status" NSpid)" 4 \
	"NSpid in a view: from its namespace down"
expect_eq "$(nspid "$MNT/$b/status")" "$(printf '%s\t4' "$b")" \
	"NSpid at the root: every level"
expect_eq "$(stat_field "$V/4/stat" 1):$(stat_field "$V/4/stat" 4)" 4:2 \
	"stat in a view: the numbers there"
expect_eq "$(awk -F '\t' '$1 == "Pid:" { print $2 }' "$V/4/pidfd")" 4 \
	"a pidfd file in a view: Pid from the view's namespace"
expect_eq "$(cat "$V"/[0-9]*/comm | grep -c unsharer)" 0 \
	"the unsharer (outside the namespace) is not in its view"

# a namespace seen from the initial namespace's view: as the root, apart
I=$MNT/pidns/$INIT_NS
expect_eq "$(status_field "$I/$b/status" Pid)" "$b" \
	"the initial namespace's view: initial numbers"
r=$(stat -c %i "$MNT/$b/status")
v0=$(stat -c %i "$I/$b/status")
v1=$(stat -c %i "$V/4/status")
[ "$r" != "$v0" ] && [ "$r" != "$v1" ] && [ "$v0" != "$v1" ] ||
	fail "st_ino of one task's status: root $r, views $v0 $v1"
pass "st_ino differs between the root and each view"
d1=$(ls -i "$V" | awk '$2 == 4 { print $1 }')
[ "$d1" = "$(stat -c %i "$V/4")" ] || fail "readdir's d_ino $d1 against st_ino"
pass "a view's readdir d_ino is the entry's st_ino"

# ---- invalidation in every view ---------------------------------------------

# cached listings and files, then a kill: gone everywhere at once
ls "$MNT" "$I" "$V" >/dev/null
cat "$MNT/$b/status" "$I/$b/status" "$V/4/status" >/dev/null
ctl "kill $b" >/dev/null
for d in "$MNT/$b" "$I/$b" "$V/4"; do
	[ ! -e "$d" ] || fail "$d still there after kill"
done
expect_eq "$(ls "$V" | grep -cx 4)" 0 "a killed task leaves the view's listing"
expect_eq "$(ls "$I" | grep -cx "$b")" 0 "... and the initial view's"
pass "a killed task is gone from every view at once"
ctl "exec $a vim" >/dev/null
expect_eq "$(cat "$V/2/comm")" vim "a change shows in the view at once"
# a thread's exit: gone under the task/ of each other thread of its group
# (the exec took $th; two new threads)
t1=$(ctl "thread $a")
t2=$(ctl "thread $a")
n1=$(nspid "$MNT/$t1/status" | cut -f2)
n2=$(nspid "$MNT/$t2/status" | cut -f2)
cat "$V/$n2/task/$n1/comm" "$V/2/task/$n1/comm" "$V/$n1/comm" >/dev/null ||
	fail "threads $n1 $n2 in the view"
ctl "exit $t1" >/dev/null
for d in "$V/$n2/task/$n1" "$V/2/task/$n1" "$V/$n1" "$MNT/$t1"; do
	[ ! -e "$d" ] || fail "$d still there after the thread's exit"
done
expect_eq "$(ls "$V/$n2/task" | tr '\n' ' ')" "2 $n2 " \
	"a thread's task/ in a view after a sibling's exit"
pass "an exited thread is gone under every thread's task/ in a view"
# a pidfd file of a view acts on its task (ctl's numbers are initial)
w=$(ctl "fork $i worker")
nw=$(nspid "$MNT/$w/status" | cut -f2)
echo kill >"$V/$nw/pidfd" || fail "write to a view's pidfd"
[ ! -e "$MNT/$w" ] && [ ! -e "$V/$nw" ] ||
	fail "kill through a view's pidfd: $w ($nw) still there"
pass "kill through a view's pidfd reaches its task"

# ---- readers of views against forks and kills --------------------------------

# Three readers walk both views while tasks come and go inside: lookups,
# forgets and invalidations of view nodes from several worker threads at
# once (the ThreadSanitizer build's concern); the books balance after.
reader() {
	for _ in $(seq 40); do
		cat "$V"/[0-9]*/status "$V"/[0-9]*/task/*/stat \
			>/dev/null 2>&1 || :
		readlink "$I"/[0-9]*/ns/pid >/dev/null 2>&1 || :
		ls "$MNT/pidns" "$V" "$I" >/dev/null 2>&1 || :
	done
}
reader & r1=$!
reader & r2=$!
reader & r3=$!
for _ in $(seq 60); do
	c=$(ctl "fork $i churn")
	ctl "thread $c" >/dev/null
	ctl "kill $c" >/dev/null
done
wait "$r1" "$r2" "$r3"
pass "readers of two views under 60 forks and kills inside"

# Many nodes of one view at once: its node table doubles several times
# (256 buckets at first) and every node is still found by id and by key.
ctl "spawn 600 $i" >/dev/null
n=0
for d in "$V"/[0-9]*; do
	[ -r "$d/status" ] && [ -r "$d/stat" ] && n=$((n + 1))
done
[ "$(ls "$V" | grep -c '^[0-9]')" -eq "$n" ] ||
	fail "a view of $n tasks: its listing and its lookups disagree"
[ "$n" -gt 600 ] || fail "a view of 600 spawned tasks lists $n"
pass "a view of $n tasks: every node found as its table grows"

# ---- pins per model across levels -------------------------------------------

pidfs_umount

# Spawn $1 children of $2 and kill them: the numbers they took.
spawn_kill() {
	local kills=() x
	for x in $(ctl "spawn $1 $2"); do
		kills+=("kill $x")
	done
	ctl "${kills[@]}" >/dev/null
}

# The number of $1 (an initial-namespace number) one level down.
inner() {
	nspid "$MNT/$1/status" | cut -f2
}

for model in pid task nr; do
	pidfs_mount "pin=$model,pid_max=400"
	p=$(ctl 'fork 1 unsharer')
	ns=$(ctl "unshare $p")
	i=$(ctl "fork $p init")
	V=$MNT/pidns/$ns
	# numbers inside go 2..399, then wrap to RESERVED_PIDS (300)
	spawn_kill 298 "$i"
	c=$(ctl "fork $i victim")
	v=$(inner "$c")
	expect_eq "$v" 300 "$model: the namespace's 300th number"
	exec {fd}<"$V/$v/comm"
	ctl "kill $c" >/dev/null
	spawn_kill 99 "$i"
	for _ in $(seq 20); do
		c2=$(ctl "fork $i reuser")
		[ "$(inner "$c2")" = "$v" ] && break
		ctl "kill $c2" >/dev/null
	done
	expect_eq "$(inner "$c2")" "$v" "$model: number $v came back inside"
	rc=0
	got=$(cat <&"$fd" 2>/dev/null) || rc=$?
	case $model in
	nr) expect_eq "$got" reuser \
		"nr: a view's file follows the number $v reused inside the namespace" ;;
	*) [ "$rc" -ne 0 ] ||
		fail "$model: a view's file of a dead task read '$got'"
	   pass "$model: a view's file of a dead task fails after reuse inside" ;;
	esac
	case $model in
	pid) want=0:1 ;;
	task) want=1:0 ;;
	nr) want=0:0 ;;
	esac
	expect_eq "$(meminfo TaskStructsPinned):$(meminfo PidStructsPinned)" \
		"$want" "$model: what a view's open file of a dead task pins"
	exec {fd}<&-
	expect_pins_zero "$model: a view's closed file"
	# a poller on a view's pidfd is woken by the exit (pidfdcmp's own
	# bound is 10 s: a poller still blocked 5 s after the exit was never
	# woken), and the view's pidfd keeps the exit code after the reap
	w=$(ctl "fork $i waited")
	"$PIDFDCMP" "$V" poll "$(inner "$w")" >"$PIDFS_TMP/woken" &
	poller=$!
	exec {pfd}<"$V/$(inner "$w")/pidfd"
	sleep 0.2
	ctl "kill $w 7" >/dev/null
	poller_done() { ! kill -0 "$poller" 2>/dev/null; }
	wait_for 5 poller_done ||
		fail "$model: a view's pidfd poller not woken by the exit"
	wait "$poller" ||
		fail "$model: a view's pidfd poller: $(cat "$PIDFS_TMP/woken")"
	expect_eq "$(status_field /dev/fd/$pfd ExitCode)" $((7 << 8)) \
		"$model: a view's pidfd keeps the exit code after the reap"
	exec {pfd}<&-
	pass "$model: a view's pidfd: its poller woken, its exit code kept"
	pidfs_umount
done

# ---- a namespace gone, and procps in a view ---------------------------------

pidfs_mount
p=$(ctl 'fork 1 unsharer')
ns=$(ctl "unshare $p")
i=$(ctl "fork $p init")
a=$(ctl "fork $i sshd")
b=$(ctl "fork $a bash")
z=$(ctl "fork $i zomb")
ctl "exit $z" >/dev/null
V=$MNT/pidns/$ns

# The view's numbers, from its status files: "pid ppid comm" lines.
view_table() {
	for d in "$V"/[0-9]*; do
		echo "$(status_field "$d/status" Pid) $(status_field "$d/status" PPid) $(cat "$d/comm")"
	done | sort -n
}
want=$(view_table)
expect_eq "$want" "$(printf '1 0 init\n2 1 sshd\n3 2 bash\n4 1 zomb')" \
	"the view's status files: the namespace's numbers"
expect_eq "$(for t in "$i" "$a" "$b" "$z"; do nspid "$MNT/$t/status" | cut -f2; done)" \
	"$(echo "$want" | awk '{ print $1 }')" \
	"... the numbers NSpid gives at the root, one level down"
got=$(in_view "$V" ps -e -o pid=,ppid=,comm= | awk '{ print $1, $2, $3 }')
expect_eq "$got" "$want" "ps -e -o pid,ppid,comm over a view"
got=$(in_view "$V" ps -ef | awk 'NR > 1 { print $2, $3 }')
expect_eq "$got" "$(echo "$want" | awk '{ print $1, $2 }')" "ps -ef over a view"
got=$(in_view "$V" pstree -p)
expect_eq "$got" "$(printf 'init(1)-+-sshd(2)---bash(3)\n        `-zomb(4)')" \
	"pstree -p over a view"
got=$(in_view "$V" top -b -n 1 | awk '$1 ~ /^[0-9]+$/ { print $1 }' | sort -n |
	tr '\n' ' ')
expect_eq "$got" "1 2 3 4 " "top -b -n 1 over a view"

# the init's exit takes the namespace with it; the unsharer's exit the
# rest; a file of the view held open meanwhile keeps the view's entry
# from being deleted then
exec {fd}<"$V/meminfo"
# the kernel: pid_for_children still names a namespace whose init died
# and was reaped (child_reaper stays set)
k_dead=$(unshare -p sh -c '/bin/true & wait; exec readlink /proc/$$/ns/pid_for_children' 2>/dev/null |
	sed 's/[0-9][0-9]*/ID/' || :)
expect_eq "$k_dead" "pid:[ID]" "kernel: pid_for_children after its init's death"
ctl "kill $i" >/dev/null
expect_eq "$(link "$MNT/$p/ns/pid_for_children")" "pid:[$ns]" \
	"pid_for_children after the init's death: as the kernel"
ctl "kill $p" >/dev/null
exec {fd}<&-
# a lookup held by the kernel keeps a view's namespace, as a proc mount
# does its own: the emptied view's entry was deleted, so it goes with the
# kernel's last reference
gone() { [ ! -e "$V" ]; }
wait_for 2 gone || fail "view of a dead namespace: $(ls "$MNT/pidns")"
expect_eq "$(ls "$MNT/pidns" | tr '\n' ' ')" "$INIT_NS " \
	"/pidns no longer lists a dead namespace"
pass "a view of a namespace that is gone is ENOENT"
expect_pins_zero "views"
pidfs_umount
