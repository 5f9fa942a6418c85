# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Sourced by the integration tests, after nothing else: the mount helpers
# of tests/lib/pidfs.sh (pidfs_mount, ctl, ctl_err, meminfo, fail, ...),
# the helper programs built beside the tests, and readers of the fields
# of pidfs's files.
#
#   . "$top_srcdir/tests/integration/lib.sh"

# shellcheck source=tests/lib/pidfs.sh
. "$top_srcdir/tests/lib/pidfs.sh"

# ls sorts, and awk and grep match, bytewise.
export LC_ALL=C

HELPERS=$top_builddir/tests/integration
PREADCAT=$HELPERS/preadcat
OPENLOOP=$HELPERS/openloop
CHURN=$HELPERS/churn

# errno values, as pidfs-ctl and preadcat exit with them (Linux).
EPERM=1
ENOENT=2
ESRCH=3
E2BIG=7
ECHILD=10
EAGAIN=11
ENOMEM=12
EACCES=13
EINVAL=22

# The value of key $2 of status file $1 ("Pid" prints the pid).
status_field() {
	awk -F '\t' -v k="$2:" '$1 == k { print $2; exit }' "$1"
}

# Field $2 (1-based, as in proc(5)) of stat file $1.  comm may hold
# spaces, so fields after it are counted from the last ')'.
stat_field() {
	local line rest
	line=$(cat "$1")
	if [ "$2" -eq 1 ]; then
		echo "${line%% *}"
		return
	fi
	if [ "$2" -eq 2 ]; then
		rest=${line#*\(}
		echo "(${rest%\)*})"
		return
	fi
	rest=${line##*) }
	echo "$rest" | awk -v n=$(($2 - 2)) '{ print $n }'
}

# The pids the root lists, one per line, in order.
list_pids() {
	ls -1 -f "$MNT" | grep -E '^[0-9]+$' | sort -n
}

# Run a command that must fail with errno $1 (its exit status, as
# pidfs-ctl and preadcat report it).
expect_errno() {
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >/dev/null 2>"$PIDFS_TMP/errno.err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "$what: exit $rc, expected errno $want ($(head -c 200 "$PIDFS_TMP/errno.err"))"
	pass "$what: errno $want"
}

# Wait up to 2 s (the bound the design promises) for every pin to go.
expect_pins_zero() {
	wait_for 2 pins_zero ||
		fail "$1: pins still held: $(grep -E 'Pinned|KernelRefs' "$MNT/meminfo" | tr -s ' \n' ' ')"
	pass "$1: no pins left"
}

# unshare(1)'s options for a private mount namespace: root can
# bind-mount; anyone else needs a user namespace too.
UNSHARE_NS=(-m)
[ "$(id -u)" = 0 ] || UNSHARE_NS=(-r -m)

# Run a command with the tree ($MNT) over /proc, in a mount namespace of
# its own: the host's /proc is untouched.
in_ns() {
	# shellcheck disable=SC2016
	unshare "${UNSHARE_NS[@]}" sh -c 'mount --bind "$0" /proc && exec "$@"' \
		"$MNT" "$@"
}

# The model the client tests read: init; sshd, its child bash exec'd as
# "vim -u NONE /etc/motd" with a second thread; cron and its zombie
# child; a task killed and reaped.  Sets sshd, bash, thr, cron, dead and
# zomb to their pids.
make_client_model() {
	sshd=$(ctl 'fork 1 sshd')
	bash=$(ctl "fork $sshd bash")
	ctl "exec $bash vim -u NONE /etc/motd" >/dev/null
	thr=$(ctl "thread $bash")
	cron=$(ctl 'fork 1 cron')
	dead=$(ctl 'fork 1 gone')
	ctl "kill $dead" >/dev/null
	zomb=$(ctl "fork $cron zomb")
	ctl "exit $zomb" >/dev/null
}
