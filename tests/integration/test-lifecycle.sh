#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The daemon's life: -h/--help and -V/--version exit 0; bad options stop
# it at start with one line naming the option and exit status 1; a clean
# unmount exits 0 with "nothing leaked", in every model, even with dead
# tasks pinned by files still open at a lazy unmount; SIGTERM, SIGINT and
# SIGHUP unmount cleanly (exit 0); -s (one thread) works; without -f it
# daemonizes; and it mounts through mount.fuse3 ("source MOUNTPOINT"
# arguments, -o rw,...) as `mount -t fuse.pidfs pidfs MNT -o ...` runs it.
#
#   top_builddir=build top_srcdir=. tests/integration/test-lifecycle.sh

. "$top_srcdir/tests/integration/lib.sh"

pidfs_require_fuse

# ---- help and version ------------------------------------------------------

for opt in -h --help; do
	"$PIDFS" $opt >"$PIDFS_TMP/help" 2>&1 || fail "$opt: exit $?"
	grep -q '^usage: ' "$PIDFS_TMP/help" || fail "$opt: no usage line"
	grep -q -- '-o pin=pid|task|nr' "$PIDFS_TMP/help" ||
		fail "$opt: no pidfs options"
	pass "$opt prints the usage and exits 0"
done
for opt in -V --version; do
	out=$("$PIDFS" $opt 2>&1) || fail "$opt: exit $?"
	# libfuse adds its own versions
	line=$(echo "$out" | grep -E '^pidfs [0-9]+\.[0-9]+') ||
		fail "$opt: $out"
	pass "$opt prints '$line' and exits 0"
done

# ---- bad options: one line naming the option, exit 1 -------------------------

bad_start() {
	local what=$1 name=$2 rc=0
	shift 2
	mkdir -p "$PIDFS_TMP/mnt-bad"
	timeout 10 "$PIDFS" -f "$@" >"$PIDFS_TMP/bad.out" 2>&1 || rc=$?
	[ $rc -eq 1 ] || fail "$what: exit $rc ($(cat "$PIDFS_TMP/bad.out"))"
	[ "$(wc -l <"$PIDFS_TMP/bad.out")" = 1 ] ||
		fail "$what: not one line: $(cat "$PIDFS_TMP/bad.out")"
	grep -q -- "$name" "$PIDFS_TMP/bad.out" ||
		fail "$what: does not name $name: $(cat "$PIDFS_TMP/bad.out")"
	! mountpoint -q "$PIDFS_TMP/mnt-bad" || fail "$what: mounted"
	pass "$what: exit 1, $(cat "$PIDFS_TMP/bad.out")"
}
M=$PIDFS_TMP/mnt-bad
for o in pin=foo pin= pin lowmem=1 lowmem=63K lowmem=65G lowmem=1T lowmem=x \
	lowmem=-1 task_size=100 task_size=257K task_size=1M task_size=4Q \
	pid_max=0 pid_max=4194305 pid_max=x pid_max=-5 pid_max=0x10 \
	nproc=-1 nproc=x hash_shift=23 hash_shift=-1 max_threads=0 \
	max_threads=1001 timeout=-1 timeout=31536001 timeout=1s \
	pid_max=1 pid_max=300 pid_max=01 pid_max=0400 nproc=01 hash_shift=01 \
	max_threads=01 timeout=01 lowmem=0896M task_size=010K \
	arch=amd64 arch= arch pid_max=32769; do
	bad_start "-o $o" "${o%%=*}" -o "$o" "$M"
done
bad_start "pid_max above i386's limit" pid_max -o pid_max=40000,arch=i386 "$M"

# ---- the modelled machine ---------------------------------------------------

# x86_64: all of its 1 GiB is low memory, pid_max goes past 32768, and a
# struct pid is charged 64 bytes, a hash bucket 8.
pidfs_mount arch=x86_64,pid_max=40000
mi() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/meminfo"; }
ph() { awk -v k="$1:" '$1 == k { print $2 }' "$MNT/pidhash"; }
expect_eq "$(mi MemTotal)" 1048576 "x86_64: low memory is all of 1 GiB"
expect_eq "$(mi PidStructSize)" 64 "x86_64: a struct pid is charged 64"
expect_eq "$(ph pid_max):$(ph pid_max_limit)" 40000:4194304 \
	"x86_64: pid_max above 32768"
if [ "$(pidfs_alloc)" = idr ]; then
	expect_eq "$(mi PidHashBytes)" 0 "x86_64: no hash under the IDR"
	expect_eq "$(ph idr_node_size)" 576 "x86_64: an IDR node is charged 576"
else
	expect_eq "$(mi PidHashBytes)" $((4096 * 8)) "x86_64: 4096 buckets of 8"
fi
expect_eq "$(mi ProcRefSize)" $((208 + 608)) "x86_64: dentry + proc_inode"
pidfs_umount
# charge_refs=0: the kernel's references cost the model nothing.
pidfs_mount charge_refs=0
cat "$MNT/1/status" >/dev/null
expect_eq "$(mi ProcRefSize):$(mi ProcRefs)" 0:0 "charge_refs=0"
[ "$(mi KernelRefs)" -gt 0 ] || fail "charge_refs=0: no kernel reference"
pidfs_umount
bad_start "an unknown option" bogus -o bogus=1 "$M"
bad_start "an unknown flag" -x -x "$M"
bad_start "one bad option among good ones" pid_max -o pin=task,pid_max=0,nproc=5 "$M"
bad_start "no mount point" mountpoint
bad_start "too many arguments" arguments a b "$M"
bad_start "a missing mount point" nonexistent "$PIDFS_TMP/nonexistent"

# ---- clean unmount, in every model -------------------------------------------

# Wait (boundedly) for daemon $1, our child, to end; its exit status.
reap_daemon() {
	local rc=0
	ended() { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat")" = Z ]; }
	wait_for 10 ended "$1" || fail "daemon $1 did not end"
	wait "$1" || rc=$?
	PIDFS_PID=
	return $rc
}

for model in pid task nr; do
	pidfs_mount "pin=$model"
	ctl 'spawn 3' >/dev/null
	cat "$MNT"/*/status >/dev/null
	pidfs_umount
	pass "$model: unmount exits 0: $(tail -1 "$PIDFS_LOG")"
done

# A lazy unmount while a dead task's file is open: the daemon ends when
# the file closes, and releases the pin the kernel still held.
for model in pid task; do
	pidfs_mount "pin=$model"
	a=$(ctl 'fork 1 victim')
	exec 3<"$MNT/$a/status"
	ctl "kill $a" >/dev/null
	fusermount3 -uz "$MNT" || fail "fusermount3 -uz"
	kill -0 "$PIDFS_PID" 2>/dev/null ||
		fail "$model: the daemon ended with a file open"
	exec 3<&-
	rc=0
	reap_daemon "$PIDFS_PID" || rc=$?
	[ $rc -eq 0 ] || fail "$model: lazy unmount: exit $rc"
	grep -q 'nothing leaked' "$PIDFS_LOG" ||
		fail "$model: $(cat "$PIDFS_LOG")"
	pass "$model: lazy unmount with a dead task pinned: $(tail -1 "$PIDFS_LOG")"
done

# ---- signals ----------------------------------------------------------------

# Started with SIGINT, SIGTERM and SIGHUP at their defaults (a
# non-interactive shell starts background jobs with SIGINT ignored, and
# libfuse leaves an ignored signal alone).
start_fg() {
	M=$PIDFS_TMP/mnt-$1
	shift
	mkdir -p "$M"
	PIDFS_LOG=$PIDFS_TMP/daemon-${M##*-}.log
	env --default-signal=INT,TERM,HUP "$PIDFS" -f "$@" "$M" 2>"$PIDFS_LOG" &
	PIDFS_PID=$!
	wait_for 10 mountpoint -q "$M" || fail "pidfs did not mount on $M"
}
for sig in TERM INT HUP; do
	start_fg "$sig"
	p=$("$PIDFS_CTL" "$M" 'fork 1 x')
	cat "$M/$p/stat" >/dev/null
	kill -s "$sig" "$PIDFS_PID"
	rc=0
	reap_daemon "$PIDFS_PID" || rc=$?
	[ $rc -eq 0 ] || fail "SIG$sig: exit $rc: $(cat "$PIDFS_LOG")"
	grep -q 'nothing leaked' "$PIDFS_LOG" ||
		fail "SIG$sig: $(cat "$PIDFS_LOG")"
	! mountpoint -q "$M" || fail "SIG$sig: still mounted"
	pass "SIG$sig unmounts cleanly: $(tail -1 "$PIDFS_LOG")"
done

# SIGTERM while a file of a dead task two pid namespaces deep is open:
# its struct pid is in the level-2 cache ("pid_3"), which the daemon must
# walk too, and the two namespaces it pins go with it.
start_fg nested
p=$("$PIDFS_CTL" "$M" 'fork 1 outer')
"$PIDFS_CTL" "$M" "unshare $p" >/dev/null
i=$("$PIDFS_CTL" "$M" "fork $p")
"$PIDFS_CTL" "$M" "unshare $i" >/dev/null
j=$("$PIDFS_CTL" "$M" "fork $i")
exec 3<"$M/$j/status"
# the outer init's exit zaps both namespaces
"$PIDFS_CTL" "$M" "kill $i" "kill $p" >/dev/null
[ ! -e "$M/$j" ] || fail "nested: $j survived its namespace's init"
kill -s TERM "$PIDFS_PID"
rc=0
reap_daemon "$PIDFS_PID" || rc=$?
exec 3<&-
[ $rc -eq 0 ] || fail "nested: exit $rc: $(cat "$PIDFS_LOG")"
grep -q 'nothing leaked' "$PIDFS_LOG" || fail "nested: $(cat "$PIDFS_LOG")"
pass "SIGTERM with a level-2 struct pid held: $(tail -1 "$PIDFS_LOG")"

# ---- -s: the single-threaded loop --------------------------------------------

start_fg single -s
p=$("$PIDFS_CTL" "$M" 'fork 1 single')
"$PIDFS_CTL" "$M" 'spawn 5' >/dev/null
expect_eq "$(cat "$M/$p/comm")" single "-s: the tree works"
fusermount3 -u "$M"
rc=0
reap_daemon "$PIDFS_PID" || rc=$?
[ $rc -eq 0 ] && grep -q 'nothing leaked' "$PIDFS_LOG" ||
	fail "-s: exit $rc: $(cat "$PIDFS_LOG")"
pass "-s: clean unmount"

# ---- daemonized, and through mount.fuse3 ---------------------------------------

# The daemon of a mount point, found by the unique path in its arguments.
daemon_of() { pgrep -f -- "pidfs.* $1( |$)" || true; }
gone() { [ -z "$(daemon_of "$1")" ]; }

M=$PIDFS_TMP/mnt-daemon
mkdir -p "$M"
"$PIDFS" -o pid_max=1000 "$M" || fail "pidfs without -f: exit $?"
mountpoint -q "$M" || fail "pidfs without -f returned before mounting"
[ -n "$(daemon_of "$M")" ] || fail "no daemon left behind"
expect_eq "$(cat "$M/sys/kernel/pid_max")" 1000 \
	"without -f: daemonized and serving"
fusermount3 -u "$M"
wait_for 10 gone "$M" || fail "the daemon did not exit after the unmount"
pass "without -f: the daemon exits at unmount"

# "source MOUNTPOINT", as mount.fuse3 passes them
M=$PIDFS_TMP/mnt-source
mkdir -p "$M"
"$PIDFS" pidfs "$M" -o pin=nr || fail "pidfs SOURCE MOUNTPOINT: exit $?"
expect_eq "$(findmnt -n -o SOURCE "$M"):$(findmnt -n -o FSTYPE "$M")" "pidfs:fuse.pidfs" \
	"source and type in the mount table"
fusermount3 -u "$M"
wait_for 10 gone "$M" || fail "the daemon did not exit"

# mount(8) runs mount.fuse3 with a PATH of its own, so the type form
# finds pidfs only once installed; mount.fuse3 itself takes ours.
M=$PIDFS_TMP/mnt-helper
mkdir -p "$M"
PATH="$top_builddir/src:$PATH" mount.fuse3 pidfs "$M" -t fuse.pidfs -o rw,pin=task,pid_max=400 ||
	fail "mount.fuse3: exit $?"
expect_eq "$(awk '$1 == "pid_max:" { print $2 }' "$M/pidhash")" 400 \
	"mount.fuse3 -o pid_max=400"
p=$("$PIDFS_CTL" "$M" 'fork 1 victim')
exec 3<"$M/$p/status"
"$PIDFS_CTL" "$M" "kill $p"
wait_for 2 sh -c 'grep -q "^TaskStructsPinned: *1$" "$1/meminfo"' sh "$M" ||
	fail "mount.fuse3 -o pin=task: $(grep Pinned "$M/meminfo")"
pass "mount.fuse3 -o pin=task: a dead task's task_struct is pinned"
exec 3<&-
fusermount3 -u "$M"
wait_for 10 gone "$M" || fail "the daemon did not exit"
pass "mount.fuse3: unmounted"
if [ "$(id -u)" = 0 ]; then
	# mount -t fuse with "PROGRAM#SOURCE" names the program by path
	mount -t fuse "$top_builddir/src/pidfs#pidfs" "$M" -o pin=task,pid_max=500 ||
		fail "mount -t fuse: exit $?"
	expect_eq "$(findmnt -n -o FSTYPE "$M")" fuse.pidfs "mount(8): the type"
	expect_eq "$(cat "$M/sys/kernel/pid_max")" 500 "mount(8): the options"
	umount "$M" || fail "umount"
	wait_for 10 gone "$M" || fail "the daemon did not exit"
	pass "mount(8) and umount(8)"
else
	echo "note: not root: mount(8) is not tried"
fi
