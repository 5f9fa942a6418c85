#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Privilege: what another user may do with a pidfs mount, the per-uid
# process limit, and a mount by an unprivileged user.
#
#   make check TESTS=tests/hardening/privilege.sh      (as root)
#
# 1. Mounted by root with -o allow_other, the tree is readable by everyone
#    and the model can be driven by root alone.  Another user lists and
#    reads it, but cannot open ctl in any mode, cannot write, truncate,
#    chmod or create anything (EACCES from the permission bits, which the
#    kernel checks: default_permissions; EPERM where only the owner may
#    ask, as for chmod).  The daemon does not rely on those checks alone:
#    handed root's open ctl (or meminfo) descriptor, the other user still
#    cannot write or truncate through it (EACCES, the daemon's own check
#    of the caller's uid).  Tasks given to that user (ctl setuid) make its
#    files the user's, and the user still cannot change them (EPERM).
# 2. -o nproc=3 stops one uid at 3 tasks (EAGAIN, nothing changed) while
#    another uid forks on, and a uid that gives tasks up forks again.
# 3. An unprivileged user mounts pidfs on a directory of its own, through
#    fusermount3: the tree and ctl are that user's, root cannot look in
#    (no allow_other), allow_other is refused unless /etc/fuse.conf says
#    user_allow_other, and fusermount3 -u by that user unmounts with the
#    books clean.
#
# As root, the test creates a system user for itself (fusermount3 needs a
# name for the uid) and removes it at exit.  On a machine without udev,
# /dev/fuse may be 0600; the test then gives it the mode Debian's udev
# rule gives it (0666) for its own duration, and restores the old mode at
# exit.  Run by another user, it does parts 2 and 3 as that user; part 1
# needs root, to become someone else.

. "$top_srcdir/tests/lib/pidfs.sh"
. "$top_srcdir/tests/hardening/hardening.sh"

pidfs_require_fuse
if [ "$(id -u)" -eq 0 ]; then
	hd_add_user
	U=$HD_USER
	HD_AS=(setpriv --reuid="$U" --regid="$(id -g "$U")" --clear-groups)
else
	# without root there is no other user to be: parts 2 and 3, as
	# oneself
	U=$(id -un)
	HD_UID=$(id -u)
fi

# Run "$@" as the test's user.
as_U() {
	"${HD_AS[@]}" "$@"
}

# ---- 1. another user on an allow_other mount -------------------------------

other_user() {
	# the user must reach the mountpoint: pidfs.sh's directory is 0700
	chmod 0755 "$PIDFS_TMP"
	pidfs_mount allow_other
	ctl 'fork 1 sshd' 'thread 2 worker' 'fork 1 mine' >/dev/null
	ctl "setuid 4 $HD_UID" >/dev/null
	# What the kernel will look up on the user's behalf, looked up first, so
	# that the snapshot holds those references already.
	find "$MNT" -exec stat -c %i {} + >/dev/null
	before=$(model_snapshot)

	listing=$(as_U ls "$MNT") || fail "$U cannot list the tree"
	grep -qx 2 <<<"$listing" && grep -qx ctl <<<"$listing" ||
		fail "$U's listing lacks 2 or ctl: $listing"
	pass "$U lists the tree"
	for f in 1/stat 2/status 2/task/3/stat 4/cmdline meminfo pidhash \
		 loadavg \
		 sys/kernel/pid_max; do
		as_U cat "$MNT/$f" >/dev/null || fail "$U cannot read $f"
	done
	pass "$U reads task and global files"
	expect_eq "$(as_U awk '$1 == "Uid:" { print $2 }' "$MNT/4/status")" \
		"$HD_UID" "task 4 is $U's"
	expect_eq "$(stat -c %u "$MNT/4/stat")" "$HD_UID" \
		"task 4's files are $U's"
	expect_eq "$(stat -c %u:%a "$MNT/ctl")" "0:600" "ctl is root's, 0600"

	for mode in r w rw; do
		check_add "$U opens ctl ($mode)" EACCES open "$MNT/ctl" "$mode"
	done
	for f in meminfo 2/stat 2/task/3/status 4/stat sys/kernel/pid_max; do
		check_add "$U writes $f" EACCES write "$MNT/$f"
		check_add "$U truncates $f" EACCES truncate "$MNT/$f"
		check_add "$U opens $f O_TRUNC" EACCES trunc-open "$MNT/$f"
		check_add "$U setxattr $f" "EACCES EPERM EOPNOTSUPP" \
			setxattr "$MNT/$f"
	done
	for f in ctl meminfo 2/stat 2 sys; do
		check_add "$U chmods $f" EPERM chmod "$MNT/$f"
		check_add "$U chowns $f" EPERM chown "$MNT/$f"
		check_add "$U sets times of $f" EPERM utimes "$MNT/$f"
	done
	# its own task: the permission bits let it ask; the daemon says no
	check_add "$U chmods its own 4/stat" EPERM chmod "$MNT/4/stat"
	check_add "$U sets times of its own 4" EPERM utimes "$MNT/4"
	check_add "$U writes its own 4/comm" EACCES write "$MNT/4/comm"
	for d in . 2 2/task 4 sys; do
		check_add "$U mkdir in $d" EACCES mkdir "$MNT/$d/new"
		check_add "$U creates in $d" EACCES creat "$MNT/$d/new"
		check_add "$U mknod in $d" EACCES mknod "$MNT/$d/new"
		check_add "$U symlink in $d" EACCES symlink x "$MNT/$d/new"
		check_add "$U links into $d" "EACCES EPERM" \
			link "$MNT/meminfo" \
			"$MNT/$d/new"
	done
	check_add "$U unlinks ctl" EACCES unlink "$MNT/ctl"
	check_add "$U unlinks 4/stat" EACCES unlink "$MNT/4/stat"
	check_add "$U removes 4" EACCES rmdir "$MNT/4"
	check_add "$U renames 2" EACCES rename "$MNT/2" "$MNT/9"
	check_run

	# Descriptors root opened for writing, inherited by the other user: the
	# kernel checked root at open, so only the daemon can refuse now.
	exec 7<>"$MNT/ctl" 8>"$MNT/meminfo"
	hd_defer 'exec 7>&- 8>&-'
	expect_eq "$(as_U "$HD_PROBE" ctl-fd 7 'fork\n' | head -n 1)" \
		EACCES "$U writes a command through root's ctl descriptor"
	expect_eq "$(as_U "$HD_PROBE" ctl-fd 7 'kill 2\n' | head -n 1)" \
		EACCES "$U writes kill through root's ctl descriptor"
	expect_eq "$(as_U "$HD_PROBE" ctl-fd-truncate 7)" EACCES \
		"$U truncates through root's ctl descriptor"
	expect_eq "$(as_U "$HD_PROBE" ctl-fd 8 'x\n' | head -n 1)" EACCES \
		"$U writes through root's meminfo descriptor"
	expect_same_model "$before" "another user's attempts"
	expect_eq "$("$HD_PROBE" ctl-fd 7 'fork 1 root\n')" \
		"$(printf 'ok\n5')" \
		"root still commands through the same descriptor"
	exec 7>&- 8>&-
	pidfs_umount
}

if [ "$(id -u)" -eq 0 ]; then
	other_user
else
	echo "note: part 1 needs root, to act as another user: not run"
fi

# ---- 2. nproc --------------------------------------------------------------

pidfs_mount nproc=3
# uid 0: init and 2; 2 becomes uid 1000's, then forks it up to the limit
ctl 'fork 1 a' 'setuid 2 1000' 'fork 2 b' 'fork 2 c' >/dev/null
expect_eq "$(awk '$1 == "Uid:" { print $2 }' "$MNT/4/status")" 1000 \
	"children inherit the uid"
before=$(model_snapshot)
ctl_err 11 'fork 2 d'
ctl_err 11 'thread 3'
ctl_err 11 'spawn 1 4'
expect_same_model "$before" "uid 1000 at its limit"
# uid 0 has init alone: two more, then it is at its limit too
ctl 'fork 1 e' 'fork 1 f' >/dev/null
ctl_err 11 'fork 1 g'
for p in 2 3 4; do
	expect_eq "$(awk '$1 == "Uid:" { print $2 }' "$MNT/$p/status")" 1000 \
		"uid 1000's task $p untouched"
done
# a group given to another uid frees its slots
ctl 'setuid 6 2000' 'fork 1 h' 'fork 6 i' 'fork 6 j' >/dev/null
ctl_err 11 'fork 6 k'
expect_eq "$(ls "$MNT" | grep -c '^[0-9]')" 9 "nine tasks in all"
ctl 'kill 3' 'fork 2 l' >/dev/null
pass "uid 1000 forks again once one of its tasks is gone"
pidfs_umount

# ---- 3. a mount by an unprivileged user ------------------------------------

fuse_mode=$(stat -c %a /dev/fuse)
if [ "$(id -u)" -eq 0 ] && ! as_U test -r /dev/fuse -a -w /dev/fuse; then
	chmod 0666 /dev/fuse
	hd_defer "chmod $fuse_mode /dev/fuse"
	echo "note: /dev/fuse was $fuse_mode; 0666 for this test"
fi
home=$(mktemp -d "${TMPDIR:-/tmp}/pidfs-user.XXXXXX")
hd_defer "rm -rf '$home'"
hd_defer "fusermount3 -uz '$home/mnt'"
chmod 0755 "$home"
# the programs, where the user can run them whatever the build tree's modes
install -m 0755 "$PIDFS" "$PIDFS_CTL" "$home/"
mkdir "$home/mnt" "$home/mnt2"
chown "$U:" "$home/mnt" "$home/mnt2"

# not through as_U, a function: $! must be the daemon itself
"${HD_AS[@]}" "$home/pidfs" -f "$home/mnt" 2>"$home/log" &
upid=$!
hd_defer "hd_kill $upid"
wait_for 10 is_mounted "$home/mnt" || {
	cat "$home/log" >&2
	fail "$U could not mount"
}
pass "$U mounted pidfs through fusermount3"
expect_eq "$(as_U stat -c %u:%a "$home/mnt/ctl")" "$HD_UID:600" \
	"ctl is $U's"
expect_eq "$(as_U awk '$1 == "Uid:" { print $2 }' \
	"$home/mnt/1/status")" "$HD_UID" "init is $U's"
expect_eq "$(as_U "$home/pidfs-ctl" "$home/mnt" 'fork 1 x')" 2 \
	"$U drives its model"
if [ "$(id -u)" -eq 0 ]; then
	expect_eq "$(probe_result stat "$home/mnt/meminfo")" EACCES \
		"root cannot look into $U's mount (no allow_other)"
fi
if ! grep -q '^[[:space:]]*user_allow_other' /etc/fuse.conf 2>/dev/null; then
	rc=0
	as_U timeout 10 "$home/pidfs" -f -o allow_other "$home/mnt2" \
		2>"$home/log2" || rc=$?
	expect_eq "$rc" 1 "$U may not mount with allow_other"
	grep -q user_allow_other "$home/log2" ||
		fail "no word of user_allow_other: $(cat "$home/log2")"
	is_mounted "$home/mnt2" && fail "$home/mnt2 mounted all the same"
fi
as_U fusermount3 -u "$home/mnt" || fail "$U cannot unmount"
rc=0
wait "$upid" || rc=$?
expect_eq "$rc" 0 "$U's daemon exit status"
grep -q 'nothing leaked' "$home/log" || fail "books: $(cat "$home/log")"
is_mounted "$home/mnt" && fail "$home/mnt still mounted"
pass "$U unmounted with fusermount3 -u, nothing leaked"
