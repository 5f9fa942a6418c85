# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by the hardening tests (sourced, after tests/lib/pidfs.sh): the
# helpers' paths, a probe that cannot hang a test, and a snapshot of what
# a reader can see of the model, to show that refused input changed none
# of it.
#
#   . "$top_srcdir/tests/lib/pidfs.sh"
#   . "$top_srcdir/tests/hardening/hardening.sh"
#   pidfs_mount
#   before=$(model_snapshot)
#   expect_errno "mkdir" "EROFS EPERM EACCES" mkdir "$MNT/x"
#   expect_same_model "$before" "mkdir"

HD=$top_builddir/tests/hardening
HD_PROBE=$HD/hd-probe
HD_HOLD=$HD/hd-hold
HD_BURST=$HD/hd-burst
HD_RACE=$HD/hd-race

# pidfs.sh's fail() shows the last 20 lines of the daemon's log, but a
# sanitizer's report is longer and says what it found at its top: show
# that as well.
eval "pidfs_fail() $(declare -f fail | tail -n +2)"
fail() {
	if [ -n "$PIDFS_LOG" ] && [ -f "$PIDFS_LOG" ]; then
		grep -m 1 -A 12 -E '(ERROR|WARNING): [A-Za-z]+Sanitizer' \
			"$PIDFS_LOG" >&2 || true
	fi
	pidfs_fail "$@"
}

# Cleanup beyond pidfs.sh's own (mounts under its directory, its daemon):
# hd_defer CMD queues a command for the exit of the test, whatever the
# exit; they run last-queued first, then pidfs.sh's cleanup.
HD_CLEANUP=()

hd_defer() {
	HD_CLEANUP+=("$1")
}

# Kill process $1, started in the background by this shell, and reap it,
# if it is still this shell's child: a pid already reaped may belong to
# someone else by now.
hd_kill() {
	[ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ] || return 0
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

hd_on_exit() {
	local i

	for ((i = ${#HD_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${HD_CLEANUP[i]}" >/dev/null 2>&1 || true
	done
	pidfs_cleanup
}
trap hd_on_exit EXIT

# check_run runs its probes through this command prefix when set, e.g.
# HD_AS=(setpriv --reuid=1000 ...) to probe as another user.
HD_AS=()

# No probe may take longer than this: a request the daemon never answers
# is a failure of its own ("HANG"), not a test that never ends.
HD_PROBE_TIMEOUT=${HD_PROBE_TIMEOUT:-10}

# hd-probe OP ARG... under a timeout; prints what it printed, or HANG.
probe() {
	local out rc=0

	out=$(timeout -s KILL "$HD_PROBE_TIMEOUT" "$HD_PROBE" "$@") || rc=$?
	if [ "$rc" -eq 137 ]; then
		echo HANG
		return 0
	fi
	[ "$rc" -eq 0 ] || fail "hd-probe $* exited $rc"
	printf '%s\n' "$out"
}

# The first line of a probe: its result alone.
probe_result() {
	probe "$@" | head -n 1
}

# expect_errno WHAT "ACCEPTED..." OP ARG...: the probe's result must be
# one of the accepted words (errno names, or "ok").
expect_errno() {
	local what=$1 accepted=$2 got w
	shift 2

	got=$(probe_result "$@")
	for w in $accepted; do
		if [ "$got" = "$w" ]; then
			pass "$what: $got"
			return 0
		fi
	done
	fail "$what: got $got, expected one of: $accepted"
}

# Batches of probes, for hundreds of them: hd-probe runs them all in one
# process.  check_add WHAT "ACCEPTED..." OP ARG... queues one;
# check_run runs the queue, under one timeout, and checks each result as
# expect_errno does.  A probe that never answered is reported as a HANG,
# and so are the ones queued after it.
HD_CHECK_WHAT=()
HD_CHECK_ACCEPTED=()
HD_CHECK_OPS=

check_add() {
	HD_CHECK_WHAT+=("$1")
	HD_CHECK_ACCEPTED+=("$2")
	shift 2
	HD_CHECK_OPS+=$(IFS=$'\t'; printf '%s' "$*")$'\n'
}

check_run() {
	local results i got w ok

	mapfile -t results < <(printf '%s' "$HD_CHECK_OPS" |
		timeout -s KILL $((HD_PROBE_TIMEOUT * 6)) \
			"${HD_AS[@]}" "$HD_PROBE" - || true)
	for i in "${!HD_CHECK_WHAT[@]}"; do
		got=${results[i]:-HANG}
		ok=
		for w in ${HD_CHECK_ACCEPTED[i]}; do
			[ "$got" = "$w" ] && ok=1
		done
		[ -n "$ok" ] || fail "${HD_CHECK_WHAT[i]}: got $got," \
			"expected one of: ${HD_CHECK_ACCEPTED[i]}"
		pass "${HD_CHECK_WHAT[i]}: $got"
	done
	HD_CHECK_WHAT=()
	HD_CHECK_ACCEPTED=()
	HD_CHECK_OPS=
}

# What a reader can see of the model: the listing of the tree, each
# task's status and thread list, the hash and pidmap, last_pid, and the
# memory counters.  Left out are the records of history, which a refused
# operation is meant to move (OomEvents, ForkFailures, the serials handed
# out), and the slab memory the daemon keeps mapped, which is the
# allocator's business.  KernelRefs is in: a refused lookup must not take
# a reference.  The tree is walked before /meminfo is read, so that the
# lookups of the walk itself are counted in both of two snapshots.  With
# HD_SNAPSHOT_TASKS=0 the tasks' own files are left out, for trees of
# thousands of tasks (the listing, the hash and the counters still show
# any change in their number).  HD_SNAPSHOT_REFS=0 leaves KernelRefs
# out, for operations after which the kernel may look a known entry up
# again (and so hold one more lookup of the same inode, which FORGET
# gives back with the rest).
HD_SNAPSHOT_TASKS=${HD_SNAPSHOT_TASKS:-1}
HD_SNAPSHOT_REFS=${HD_SNAPSHOT_REFS:-1}

model_snapshot() {
	local d

	echo "== /"
	ls -1 "$MNT"
	for d in "$MNT"/[1-9]*; do
		[ "$HD_SNAPSHOT_TASKS" = 1 ] || break
		[ -d "$d" ] || continue
		echo "== $d"
		ls -1 "$d/task"
		cat "$d/status"
	done
	echo "== pidhash"
	grep -v '^serials:' "$MNT/pidhash"
	echo "== loadavg"
	cat "$MNT/loadavg"
	echo "== meminfo"
	grep -Ev '^(OomEvents|ForkFailures|Slab|SUnreclaim|SReclaimable):' \
		"$MNT/meminfo" |
		if [ "$HD_SNAPSHOT_REFS" = 1 ]; then cat; else
			# the kernel's references, and the free memory they
			# are charged to (charge_refs)
			grep -Ev '^(KernelRefs|ProcRefs|MemFree|MemAvailable|LowFree):'
		fi
}

# expect_same_model BEFORE WHAT: the model looks as BEFORE did.
expect_same_model() {
	local now

	now=$(model_snapshot)
	if [ "$now" != "$1" ]; then
		diff <(printf '%s\n' "$1") <(printf '%s\n' "$now") >&2 || true
		fail "$2: the model changed"
	fi
	pass "$2: model unchanged"
}

# The model's objects: task_structs and struct pids allocated now.
model_objects() {
	echo "$(meminfo TaskStructs) $(meminfo PidStructs)"
}

# A reaped task's task_struct and struct pid are freed after an RCU grace
# period, which a successful kill does not wait for: wait until the
# count of objects is $1 ("TASKS PIDS", as model_objects prints).
settle() {
	HD_WANT_OBJECTS=$1
	wait_for 5 eval '[ "$(model_objects)" = "$HD_WANT_OBJECTS" ]' ||
		fail "objects: $(model_objects), expected $1 after a" \
			"grace period"
}

# The daemon still answers: a command round trip and a read.  The model
# is left as it was, but for last_pid and the serials.
expect_serving() {
	local r objects

	objects=$(model_objects)
	r=$("$PIDFS_CTL" "$MNT" 'fork 1 alive') ||
		fail "$1: ctl no longer works"
	"$PIDFS_CTL" "$MNT" "kill $r" >/dev/null || fail "$1: kill $r"
	grep -q '^MemTotal:' "$MNT/meminfo" || fail "$1: meminfo unreadable"
	settle "$objects"
	pass "$1: daemon still serving"
}

# Is $1 a mount point?  From the mount table, not stat(2): a FUSE mount
# without allow_other refuses even root's stat, which mountpoint(1) needs.
is_mounted() {
	awk -v d="$1" '$5 == d { found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

# A user for the test alone, removed at exit: fusermount3 needs a name
# for the uid it runs as, so an unused uid through setpriv(1) is not
# enough.  Sets HD_USER and HD_UID.
hd_add_user() {
	HD_USER=pidfs$$
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$HD_USER" ||
		fail "useradd $HD_USER"
	hd_defer "userdel $HD_USER; groupdel $HD_USER"
	HD_UID=$(id -u "$HD_USER")
}
