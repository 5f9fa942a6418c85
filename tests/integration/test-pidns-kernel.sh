#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Pid namespaces, held against this machine's kernel: pidns-kernel asks
# the kernel (unshare(CLONE_NEWPID), fork, nested to the limit), this
# script asks a mounted pidfs the same questions through ctl, and the two
# answers must be the same lines: how deep namespaces nest (NSpid's
# numbers at the deepest level, against unshares that succeed plus one),
# the errno of unshare past it (ENOSPC), of a second unshare without a
# fork (EINVAL), of a thread after unshare (EINVAL), of a fork into a
# namespace whose init died, before and after its reap (ENOMEM), and
# whether a task of that namespace and one a level below survive (ESRCH).
# Only ctl replies and errnos: the tree's views of namespaces are not
# asked.  Needs root in the initial pid namespace (exits 77 otherwise).
#
#   top_builddir=build top_srcdir=. tests/integration/test-pidns-kernel.sh

. "$top_srcdir/tests/integration/lib.sh"

KPROBE=$HELPERS/pidns-kernel
rc=0
"$KPROBE" >"$PIDFS_TMP/kernel.txt" 2>"$PIDFS_TMP/kernel.err" || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "SKIP: $(cat "$PIDFS_TMP/kernel.err")"
	exit 77
fi
[ "$rc" -eq 0 ] || fail "pidns-kernel: exit $rc ($(head -c 200 "$PIDFS_TMP/kernel.err"))"

pidfs_mount

# The errno of one command (0 on success), its reply in $REPLY.
try() {
	local rc=0
	REPLY=$("$PIDFS_CTL" "$MNT" "$1" 2>/dev/null) || rc=$?
	echo "$rc"
}

# A new child of init that has unshared: its number in $p.
unshared() {
	p=$(ctl fork)
	ctl "unshare $p" >/dev/null
}

{
	# unshare + fork until unshare fails
	top=$(ctl fork)
	p=$top
	levels=1
	while :; do
		rc=$(try "unshare $p")
		[ "$rc" -eq 0 ] || break
		p=$(ctl "fork $p")
		[ $levels -gt 1 ] || first=$p
		levels=$((levels + 1))
		[ $levels -le 64 ] || fail "unshare never fails"
	done
	echo "levels $levels"
	echo "unshare-deepest $rc"
	# the outermost init's exit takes the 32 levels below with it
	ctl "kill $first" "kill $top" >/dev/null

	unshared
	echo "unshare-twice $(try "unshare $p")"
	ctl "kill $p" >/dev/null

	unshared
	echo "thread-after-unshare $(try "thread $p")"
	ctl "kill $p" >/dev/null

	unshared
	i=$(ctl "fork $p")
	ctl "exit $i" >/dev/null
	echo "fork-after-init-exit $(try "fork $p")"
	ctl "reap $i" >/dev/null
	echo "fork-after-init-reap $(try "fork $p")"
	ctl "kill $p" >/dev/null

	unshared
	i=$(ctl "fork $p")
	a=$(ctl "fork $i")
	ctl "unshare $a" >/dev/null
	b=$(ctl "fork $a")
	ctl "kill $i" >/dev/null
	echo "zapped $(try "exit $a") $(try "exit $b")"
	ctl "kill $p" >/dev/null
} >"$PIDFS_TMP/model.txt"

if ! diff -u "$PIDFS_TMP/kernel.txt" "$PIDFS_TMP/model.txt" >&2; then
	fail "the model and this machine's kernel answer differently"
fi
pass "$(wc -l <"$PIDFS_TMP/model.txt") answers as this machine's kernel gives them"
expect_eq "$(grep -c . "$PIDFS_TMP/kernel.txt")" 7 "every question answered"
pidfs_umount
