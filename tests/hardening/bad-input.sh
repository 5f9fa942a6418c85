#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bad input through the mount: malformed control lines, odd names, and
# every way of trying to change a read-only tree.  Each must fail with a
# clear errno, never ENOSYS and never a hang (hd-probe runs under a
# timeout), leave the model as it was (model_snapshot in hardening.sh:
# the listing, every task's status, the hash, last_pid and the memory
# counters), and leave the daemon serving.
#
#   make check TESTS=tests/hardening/bad-input.sh
#
# Control lines are written with one pwrite(2) each and the reply read
# back from offset 0 of the same open file; the exact replies come from
# ctl.h's grammar.  Two cases never reach the daemon: a write of 0 bytes
# (the kernel returns 0 without a request, so nothing runs and the reply
# stays empty) and the read of a ctl opened but never written (empty).
#
# Modifications are tried as root, the mounting user here: root passes the
# kernel's permission checks (default_permissions), so every request
# reaches the daemon and the answer is the daemon's own.  What each
# returns on Linux 6.x, and what is accepted:
#
#   write, append to a read-only file   EACCES (the daemon's write)
#   open O_TRUNC of a read-only file    ok, and nothing truncated: the
#                                       kernel hands O_TRUNC to OPEN,
#                                       which pidfs leaves to the kernel
#                                       (ENOSYS); EACCES/EPERM/EROFS also
#   truncate, chmod, chown, utimes      EPERM (setattr); EROFS also
#   mkdir, mknod, create, symlink,      EPERM; EROFS or EACCES also
#     link, rename, unlink, rmdir
#   setxattr, removexattr               EOPNOTSUPP (no xattr ops: the
#                                       kernel stops asking); EROFS, EPERM
#   ctl: truncate, utimes               ok: "> ctl" opens with O_TRUNC
#
# Another uid's view (EACCES from the permission bits first) is in
# privilege.sh.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"

pidfs_mount
# 2 and its thread 3, 4 a child of 2, 5 dead and reaped, 6 a zombie
ctl 'fork 1 leader' 'thread 2 worker' 'fork 2 kid' 'exec 4 kid -v' \
	'fork' 'kill 5' 'fork' 'exit 6' >/dev/null
settle "5 5"
before=$(model_snapshot)

# ---- control lines ---------------------------------------------------------

E='error: syntax:'
R0='is not a decimal in 0..4194303'
R1='is not a decimal in 1..4194303'
RU='is not a decimal in 0..4294967294'
# line (hd-probe escapes) | errno | reply
while IFS='|' read -r line want reply; do
	[ -n "$want" ] || continue
	out=$(probe ctl-write "$MNT/ctl" 0 "$line")
	expect_eq "$(head -n 1 <<<"$out")" "$want" "ctl '$line': errno"
	expect_eq "$(tail -n +2 <<<"$out")" "$reply" "ctl '$line': reply"
done <<EOF
|ok|
\n|EINVAL|$E empty line
 \t  \n|EINVAL|$E empty line
frok\n|EINVAL|$E unknown command "frok"
FORK 1\n|EINVAL|$E unknown command "FORK"
\x1b[2J\n|EINVAL|$E unknown command "\x1b[2J"
thread\n|EINVAL|$E thread: missing TGID (usage: thread TGID [COMM])
setpgid 2\n|EINVAL|$E setpgid: missing PGID (usage: setpgid PID PGID)
exec 2\n|EINVAL|$E exec: missing COMM (usage: exec PID COMM [ARG...])
fork 1 a b\n|EINVAL|$E fork: too many arguments (usage: fork [PPID [COMM]])
reap 2 2\n|EINVAL|$E reap: too many arguments (usage: reap PID)
kill 2 9 9\n|EINVAL|$E kill: too many arguments (usage: kill PID [CODE])
fork abc\n|EINVAL|$E fork: PPID "abc" $R0
kill 1a\n|EINVAL|$E kill: PID "1a" $R1
kill 0x2\n|EINVAL|$E kill: PID "0x2" $R1
kill 02\n|EINVAL|$E kill: PID "02" $R1
fork -1\n|EINVAL|$E fork: PPID "-1" $R0
exit -5\n|EINVAL|$E exit: PID "-5" $R1
exit 2 -1\n|EINVAL|$E exit: CODE "-1" is not a decimal in 0..255
fork 2147483648\n|EINVAL|$E fork: PPID "2147483648" $R0
kill 2147483648\n|EINVAL|$E kill: PID "2147483648" $R1
fork 18446744073709551616\n|EINVAL|$E fork: PPID "18446744073709551616" $R0
exit 2 4294967296\n|EINVAL|$E exit: CODE "4294967296" is not a decimal in 0..255
spawn 100001\n|EINVAL|$E spawn: N "100001" is not a decimal in 1..100000
setuid 2 4294967295\n|EINVAL|$E setuid: UID "4294967295" $RU
fork\0 1\n|EINVAL|$E NUL byte in line
fork 1\0\n|EINVAL|$E NUL byte in line
\0|EINVAL|$E NUL byte in line
fork\n\n|EINVAL|$E more than one line
fork\nkill 2\n|EINVAL|$E more than one line
EOF

# Commands the grammar takes but the model refuses: their own errnos.
expect_eq "$(probe ctl-write "$MNT/ctl" 0 'kill 1\n')" \
	"$(printf 'EPERM\nerror: kill: pid 1 cannot exit')" "ctl 'kill 1'"
expect_eq "$(probe ctl-write "$MNT/ctl" 0 'reap 4194303\n')" \
	"$(printf 'ESRCH\nerror: reap: no such task 4194303')" \
	"ctl 'reap 4194303'"

# 1 MiB in one write: refused whole, whatever the kernel cut it into.
expect_eq "$(probe ctl-long "$MNT/ctl" 1048576)" \
	"$(printf 'EINVAL\n%s line longer than 8192 bytes' "$E")" \
	"ctl: a 1 MiB line"
expect_eq "$(probe ctl-long "$MNT/ctl" 8193)" \
	"$(printf 'EINVAL\n%s line longer than 8192 bytes' "$E")" \
	"ctl: 8193 bytes"

# A command split across two writes is two bad commands, not one good
# one: a failed write does not move the file offset, so the second half
# lands at 0 too.
expect_eq "$(probe ctl-split "$MNT/ctl" 'for' 'k\n')" \
	"$(printf 'EINVAL EINVAL\n%s unknown command "k"' "$E")" \
	"ctl: 'for' then 'k\\n'"
expect_eq "$(probe ctl-split "$MNT/ctl" 'spawn' ' 3\n')" \
	"$(printf 'EINVAL EINVAL\n%s unknown command "3"' "$E")" \
	"ctl: 'spawn' then ' 3\\n'"

# At an offset: refused before the line is even parsed, so no reply.
for off in 1 4 4096 1048576; do
	expect_eq "$(probe ctl-write "$MNT/ctl" "$off" 'fork\n')" \
		"$(printf 'EINVAL\n')" "ctl: 'fork' at offset $off"
done

expect_eq "$(probe ctl-read "$MNT/ctl")" "ok" \
	"ctl: read before any write is empty"

expect_same_model "$before" "bad control lines"
expect_serving "bad control lines"
before=$(model_snapshot)

# ---- names -----------------------------------------------------------------

# The paths below go through 2/stat and 2/task/3, which exist: look them
# up first, so that the kernel's references to them are in the snapshot.
stat "$MNT/2/stat" "$MNT/2/task/3" >/dev/null
before=$(model_snapshot)

long255=$(printf 'a%.0s' $(seq 255))
long256=$(printf '1%.0s' $(seq 256))
for name in 0 -1 01 00 1a +5 ' 5' '5 ' 0x2 2.0 4294967297 2147483648 \
	    4194304 5 "$long255" 2/01 2/+2 2/task/02 2/task/4 2/task/0 \
	    2/nope 2/task/3/task sys/x sys/kernel/"$long255"; do
	check_add "lookup of '${name:0:40}'" ENOENT stat "$MNT/$name"
done
check_add "lookup in a file" ENOTDIR stat "$MNT/2/stat/x"
for name in "$long256" "2/$long256" "2/task/$long256" "sys/$long256"; do
	check_add "lookup of a 256-byte name in ${name%%/1111*}" \
		ENAMETOOLONG stat "$MNT/$name"
done

check_run
expect_same_model "$before" "odd names"
expect_serving "odd names"
before=$(model_snapshot)

# ---- modifications ---------------------------------------------------------

mapfile -t files < <(cd "$MNT" && find . -type f ! -name ctl ! -name pidfd | sort)
mapfile -t dirs < <(cd "$MNT" && find . -mindepth 1 -type d | sort)
[ "${#files[@]}" -ge 20 ] || fail "only ${#files[@]} files in the tree"
# Each probe looks its path up: have the kernel hold those references
# before the snapshot.  A rename onto an existing name makes the kernel
# revalidate the target with a LOOKUP all the same (LOOKUP_RENAME_TARGET),
# one more reference to the same inode each time, so KernelRefs is left
# out of this comparison; the books are checked at unmount.
(cd "$MNT" && stat "${files[@]}" "${dirs[@]}" >/dev/null)
HD_SNAPSHOT_REFS=0
before=$(model_snapshot)
contents=$(cd "$MNT" && md5sum 2/stat 2/status 4/cmdline 6/stat \
	sys/kernel/pid_max cpuinfo)

refused='EPERM EROFS'
for f in "${files[@]}"; do
	f=${f#./}
	check_add "write $f" EACCES write "$MNT/$f"
	check_add "append $f" EACCES append "$MNT/$f"
	check_add "open O_TRUNC $f" "ok EACCES EPERM EROFS" \
		trunc-open "$MNT/$f"
	for op in truncate chmod chown utimes; do
		check_add "$op $f" "$refused" "$op" "$MNT/$f"
	done
	check_add "unlink $f" "$refused EACCES" unlink "$MNT/$f"
	check_add "rename $f" "$refused EACCES" rename "$MNT/$f" "$MNT/$f~"
	check_add "link $f" "$refused EACCES" link "$MNT/$f" "$MNT/$f~"
	for op in setxattr removexattr; do
		check_add "$op $f" "EOPNOTSUPP $refused" "$op" "$MNT/$f"
	done
done
for d in . "${dirs[@]}"; do
	d=${d#./}
	for op in chmod chown utimes; do
		check_add "$op $d/" "$refused" "$op" "$MNT/$d"
	done
	[ "$d" = . ] || check_add "rmdir $d/" "$refused EACCES" rmdir "$MNT/$d"
	[ "$d" = . ] || check_add "rename $d/" "$refused EACCES" \
		rename "$MNT/$d" "$MNT/$d~"
	for op in mkdir mknod creat; do
		check_add "$op in $d/" "$refused EACCES" "$op" "$MNT/$d/new"
	done
	check_add "symlink in $d/" "$refused EACCES" \
		symlink target "$MNT/$d/lnk"
	check_add "link into $d/" "$refused EACCES" \
		link "$MNT/meminfo" "$MNT/$d/lnk"
	check_add "setxattr $d/" "EOPNOTSUPP $refused" setxattr "$MNT/$d"
	# a task's directories by the name of another, and over a global
	check_add "rename onto in $d/" "$refused EACCES EISDIR ENOTDIR" \
		rename "$MNT/meminfo" "$MNT/$d/stat"
done
check_add "unlink self" "$refused EACCES" unlink "$MNT/self"
# a symlink over a directory: the kernel says EISDIR before asking
check_add "rename self" "$refused EACCES EISDIR" rename "$MNT/self" "$MNT/1"
check_add "rename 2 over 1" "$refused EACCES" rename "$MNT/2" "$MNT/1"
check_add "chmod ctl" "$refused" chmod "$MNT/ctl"
check_add "chown ctl" "$refused" chown "$MNT/ctl"
check_add "unlink ctl" "$refused EACCES" unlink "$MNT/ctl"
check_add "truncate ctl" ok truncate "$MNT/ctl"
check_add "utimes ctl" ok utimes "$MNT/ctl"
# pidfd files take "kill [CODE]" and "exit [CODE]": "x" is not one
for f in 2/pidfd 2/task/2/pidfd; do
	check_add "write $f" EINVAL write "$MNT/$f"
	check_add "append $f" EINVAL append "$MNT/$f"
	check_add "truncate $f" ok truncate "$MNT/$f"
	for op in chmod chown utimes; do
		check_add "$op $f" "$refused" "$op" "$MNT/$f"
	done
	check_add "unlink $f" "$refused EACCES" unlink "$MNT/$f"
done
check_run
expect_eq "$(cd "$MNT" && md5sum 2/stat 2/status 4/cmdline 6/stat \
	sys/kernel/pid_max cpuinfo)" "$contents" "files read as before"

expect_same_model "$before" "modifications"
expect_serving "modifications"
pidfs_umount
