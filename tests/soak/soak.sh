#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The soak test: for each pin model, mount a pidfs with pid_max=500 (so
# pid numbers wrap many times), run tests/soak/pidfs-soak on it (readers
# verifying every read and listing task/ of a group of more than 64
# threads, while a churn process forks, exits, reaps, setpgids, execs and
# grows and shrinks that group), then unmount and check the daemon's
# verdict on its books.  "exact" is the pid model with -o exact: there
# no read may tear, and two threads share one ctl file.  What `make
# regtest` runs; never part of make check.
#
#   tests/soak/soak.sh [MODEL...]          default: pid task nr exact
#
#   DURATION=60      seconds per model (pid, task)
#   NR_DURATION=10   seconds for nr, where wrong-task reads are the
#                    expected bug: counted and reported, not failed
#   READERS=4        reader processes
#   SEED=N           replay a run's random choices
#
# Prints pidfs-soak's totals per model, then one summary line per model;
# exits 1 when a check failed in any model, 77 when there is no FUSE.
set -euo pipefail

# shellcheck source=tests/lib/pidfs.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/pidfs.sh"

SOAK=${SOAK:-$top_builddir/tests/soak/pidfs-soak}
DURATION=${DURATION:-60}
NR_DURATION=${NR_DURATION:-10}
READERS=${READERS:-4}
SEED=${SEED:-$(date +%s)}

[ $# -gt 0 ] || set -- pid task nr exact
summary=()

for model in "$@"; do
	pin=$model opts=() extra=
	case $model in
	pid | task) seconds=$DURATION ;;
	nr) seconds=$NR_DURATION ;;
	exact) seconds=$NR_DURATION pin=pid opts=(-x) extra=,exact ;;
	*) fail "unknown pin model '$model'" ;;
	esac
	echo "==== soak: pin=$pin$extra, $seconds s"
	pidfs_mount "pin=$pin,pid_max=500$extra"
	out=$PIDFS_TMP/soak-$model.out
	rc=0
	"$SOAK" -m "$pin" "${opts[@]}" -r "$READERS" -t "$seconds" -s "$SEED" "$MNT" |
		tee "$out" || rc=$?
	[ "$rc" -eq 0 ] || fail "pidfs-soak failed in the $model model (seed $SEED)"
	pidfs_umount
	pass "pin=$pin$extra: daemon exited cleanly, nothing leaked"
	reads=$(sed -n 's/^readers: reads \([0-9]*\) verified.*/\1/p' "$out")
	wrong=$(sed -n 's/.* \([0-9]*\) wrong-task.*/\1/p' "$out")
	wraps=$(sed -n 's/^pidhash: wraps \([0-9]*\).*/\1/p' "$out")
	summary+=("pin=$pin$extra: $reads reads verified, $wrong wrong-task, $wraps pid wraps in $seconds s")
done

echo "==== soak: all models passed"
printf '%s\n' "${summary[@]}"
