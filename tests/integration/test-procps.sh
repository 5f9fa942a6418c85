#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# procps and psmisc against the tree: with the mount bind-mounted over
# /proc in a private mount namespace, `ps -e`, `ps -ef`, `ps -eLf`,
# `pgrep`, `pstree -p` and `top -b -n 1` list the model's tasks, with
# their pids, parents, names and command lines, and nothing else: not
# the host's processes, not the tools themselves (their "visitor"
# entries are never listed), not a dead task.
#
#   top_builddir=build top_srcdir=. tests/integration/test-procps.sh

. "$top_srcdir/tests/integration/lib.sh"

for tool in ps pgrep pstree top unshare; do
	command -v $tool >/dev/null ||
		fail "$tool is not installed (procps, psmisc, util-linux)"
done

pidfs_mount

make_client_model
model="1 $sshd $bash $cron $zomb"

out=$(in_ns ps -e -o pid= -o comm=) || fail "ps -e: $out"
expect_eq "$(echo "$out" | awk '{ print $1 }' | sort -n | tr '\n' ' ')" "$model " \
	"ps -e lists the model's pids and nothing else"
expect_eq "$(echo "$out" | awk '{ print $2 }' | tr '\n' ' ')" "init sshd vim cron zomb " \
	"ps -e: their names"

out=$(in_ns ps -e) || fail "ps -e: $out"
expect_eq "$(echo "$out" | sed -n 1p | tr -s ' ')" " PID TTY TIME CMD" \
	"ps -e: the header"
expect_eq "$(echo "$out" | awk 'NR > 1 { print $1 ":" $4 }' | tr '\n' ' ')" "1:init $sshd:sshd $bash:vim $cron:cron $zomb:zomb " \
	"ps -e: pid and CMD"

out=$(in_ns ps -ef) || fail "ps -ef: $out"
expect_eq "$(echo "$out" | awk 'NR > 1 { print $2 "<" $3 }' | tr '\n' ' ')" "1<0 $sshd<1 $bash<$sshd $cron<1 $zomb<$cron " \
	"ps -ef: pids and parents"
expect_eq "$(echo "$out" | awk -v p="$bash" '$2 == p { print $8, $9, $10, $11 }')" "vim -u NONE /etc/motd" \
	"ps -ef: the command line"
expect_eq "$(echo "$out" | awk -v p="$zomb" '$2 == p { print $8, $9 }')" "[zomb] <defunct>" \
	"ps -ef: a zombie"
expect_eq "$(echo "$out" | awk 'NR > 1 { print $1 }' | sort -u)" "$(id -un)" \
	"ps -ef: the owner"

out=$(in_ns ps -eLf) || fail "ps -eLf: $out"
expect_eq "$(echo "$out" | awk 'NR > 1 { print $2 "/" $4 }' | tr '\n' ' ')" "1/1 $sshd/$sshd $bash/$bash $bash/$thr $cron/$cron $zomb/$zomb " \
	"ps -eLf: threads (LWP)"
expect_eq "$(echo "$out" | awk -v p="$bash" '$4 == p { print $6 }')" 2 \
	"ps -eLf: NLWP"

expect_eq "$(in_ns pgrep sshd)" "$sshd" "pgrep by name"
expect_eq "$(in_ns pgrep -f 'vim -u')" "$bash" "pgrep -f by command line"
expect_eq "$(in_ns pgrep -P 1 | tr '\n' ' ')" "$sshd $cron " \
	"pgrep -P: children of init"
expect_eq "$(in_ns pgrep -l . | tr '\n' ' ')" "1 init $sshd sshd $bash vim $cron cron $zomb zomb " \
	"pgrep -l .: every task"
rc=0
in_ns pgrep gone >/dev/null || rc=$?
expect_eq "$rc" 1 "pgrep finds no dead task"

out=$(in_ns pstree -p -A) || fail "pstree: $out"
expect_eq "$(echo "$out" | grep -oE '[{]?[a-z]+[}]?[(][0-9]+[)]' | tr '\n' ' ')" "init(1) cron($cron) zomb($zomb) sshd($sshd) vim($bash) {vim}($thr) " \
	"pstree -p: the tree"
expect_eq "$(echo "$out" | head -1 | cut -c1-8)" "init(1)-" \
	"pstree: rooted at init"

out=$(in_ns top -b -n 1 -w 200) || fail "top: $out"
grep -q '^Tasks: *5 total' <<<"$out" ||
	fail "top: $(echo "$out" | grep Tasks)"
pass "top: 5 tasks"
grep -q '1 zombie' <<<"$out" || fail "top: $(echo "$out" | grep Tasks)"
pass "top: 1 zombie"
got=$(echo "$out" | awk 'f { print $1 ":" $NF } /^ *PID/ { f = 1 }' | sort -n | tr '\n' ' ')
expect_eq "$got" "1:init $sshd:sshd $bash:vim $cron:cron $zomb:zomb " \
	"top lists the model's tasks"
grep -q '^MiB Mem : *896.0 total' <<<"$out" ||
	fail "top: $(echo "$out" | grep Mem)"
pass "top reads the model's memory"

# The host's /proc was never touched.
[ "$(ps -o comm= -p $$)" = "$(cat /proc/$$/comm)" ] || fail "host /proc"
grep -q "^$$ " /proc/$$/stat || fail "the host's /proc changed"
pass "the host's /proc is untouched"

pidfs_umount
pass "clean unmount"
