#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What a cached open+read+close costs the daemon, counted with /requests
# (per-opcode counts of the FUSE requests it served): once warm, 0
# requests per open+read+close of a task file, because OPEN and FLUSH are
# answered ENOSYS and task files change only at model events.  Reading
# /requests costs requests of its own (GETATTRs and a READ: it has no
# attribute caching); that cost is measured first, two reads back to
# back, and taken off.  It may differ by a request or two from one read
# to the next (the kernel's attribute check has a resolution of a
# jiffy), so N iterations may show up to NOISE requests: 0 per
# iteration.  As a check that the count sees requests at all, a file
# without attribute caching (meminfo) costs at least one per read.
#
#   top_builddir=build top_srcdir=. tests/integration/test-cache.sh

. "$top_srcdir/tests/integration/lib.sh"

N=1000
NOISE=3

pidfs_mount

# One read(2), the cheapest way to read it.
snap() { "$PREADCAT" "$MNT/requests" >"$PIDFS_TMP/req.$1"; }
# Requests between snapshots $1 and $2, per opcode, as "op n op n ...",
# less $3 times the cost of one read of /requests; and their total.
delta() {
	awk -v k="${3:-1}" '
		FILENAME == ARGV[1] { a[$1] = $2; next }
		FILENAME == ARGV[2] { b[$1] = $2; next }
		{ o[$1] = $2 }
		END {
			for (op in b) {
				d = b[op] - a[op] - k * o[op]
				if (d) { printf "%s %d ", op, d; t += d }
			}
			printf "total %d\n", t
		}' "$PIDFS_TMP/req.$1" "$PIDFS_TMP/req.$2" "$PIDFS_TMP/req.overhead"
}

# Requests between snapshots $1 and $2, in all, less one read of them.
total() { delta "$1" "$2" | awk '{ print $NF }'; }

# The cost of reading /requests itself: two reads back to back.
snap a
snap b
awk 'NR == FNR { a[$1] = $2; next } { print $1, $2 - a[$1] }' \
	"$PIDFS_TMP/req.a" "$PIDFS_TMP/req.b" >"$PIDFS_TMP/req.overhead"
pass "reading /requests costs $(awk '$2 { printf "%s %s ", $1, $2 }' "$PIDFS_TMP/req.overhead")"

# Up to NOISE requests for $N iterations: 0 per iteration.
expect_free() {
	local got
	got=$(total before after)
	[ "${got#-}" -le $NOISE ] || fail "$1: $(delta before after)"
	pass "$1: $got requests in all, $((got / N)) per iteration"
}

p=$(ctl 'fork 1 sshd')
t=$(ctl "thread $p")
files="$MNT/$p/stat $MNT/$p/status $MNT/$p/cmdline $MNT/$p/comm $MNT/$p/task/$t/stat $MNT/$p/statm $MNT/$p/task/$t/limits"

for f in $files; do
	"$OPENLOOP" 3 "$f"		# warm: lookups, attributes, pages
	snap before
	"$OPENLOOP" $N "$f"
	snap after
	expect_free "$N cached open+read+close of ${f#"$MNT"/}"
done

# All of them in one loop.
snap before
"$OPENLOOP" $N $files
snap after
expect_free "$N rounds of open+read+close of 7 task files"

# A file the kernel may not cache is asked for each time: the count works.
snap before
"$OPENLOOP" 100 "$MNT/meminfo"
snap after
got=$(total before after)
[ "$got" -ge 100 ] || fail "100 reads of meminfo cost $got requests"
pass "100 reads of meminfo cost $got requests (no attribute caching there)"

# An event invalidates; the next read has the new content, and then the
# file is cached again.
ctl "exec $p vim" >/dev/null
"$OPENLOOP" 3 "$MNT/$p/comm"
expect_eq "$(cat "$MNT/$p/comm")" vim "after exec, the new name"
snap before
"$OPENLOOP" $N "$MNT/$p/comm"
snap after
expect_free "after exec, $N reads of comm"

# Links too are served from the page cache, and an event invalidates
# them with the task's files.
links="$MNT/$p/exe $MNT/$p/cwd $MNT/$p/task/$p/root"
# shellcheck disable=SC2086
readlink $links >/dev/null
snap before
for _ in $(seq 100); do
	# shellcheck disable=SC2086
	readlink $links >/dev/null
done
snap after
got=$(total before after)
[ "${got#-}" -le $NOISE ] || fail "100 readlinks of 3 links: $(delta before after)"
pass "100 rounds of readlink of 3 links: $got requests in all"
ctl "exec $p emacs" >/dev/null
expect_eq "$(readlink "$MNT/$p/exe")" "pidfs:[emacs]" "after exec, the new exe"

# A name a task directory can never hold is cached as a negative entry:
# pstree's probes of ns/ files pidfs lacks cost nothing once warm.
t=$(ctl "thread $p")		# the exec took the first one
missing="$MNT/$p/ns/net $MNT/$p/ns/mnt $MNT/$p/ctty $MNT/$p/task/$t/nosuch"
# shellcheck disable=SC2086
ls -d $missing >/dev/null 2>&1 && fail "a missing name exists"
snap before
for _ in $(seq 100); do
	# shellcheck disable=SC2086
	ls -d $missing >/dev/null 2>&1 || :
done
snap after
got=$(total before after)
[ "${got#-}" -le $NOISE ] || fail "100 rounds of 4 missing names: $(delta before after)"
pass "100 rounds of lookups of 4 names a task lacks: $got requests in all"
# ... while a thread that does not exist yet is looked up each time
snap before
for _ in $(seq 10); do
	ls -d "$MNT/$p/task/99999" >/dev/null 2>&1 && fail "task/99999 exists"
done
snap after
got=$(delta before after | sed -n 's/.*lookup \([0-9]*\).*/\1/p')
[ "${got:-0}" -ge 10 ] || fail "10 lookups of a missing thread cost ${got:-0} LOOKUPs"
pass "a thread number not there yet is asked for each time (${got} lookups)"

pidfs_umount
pass "clean unmount"
