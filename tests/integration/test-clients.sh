#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The clients people reach for first, against the tree bind-mounted over
# /proc in a private mount namespace: htop (under tmux: its list, thread
# counts and F5 tree view), Python's psutil (process_iter and the per-
# process calls that read /proc), and procps's ps aux, ps -o with rss,
# vsz, lstart, wchan and nlwp, pidof, pgrep -f and psmisc's pstree -pa.
# Every value is compared with what the model was told through ctl.
#
#   top_builddir=build top_srcdir=. tests/integration/test-clients.sh

. "$top_srcdir/tests/integration/lib.sh"

# Debian's psutil, not whatever python3 comes first in PATH.
PYTHON=/usr/bin/python3

for tool in htop tmux ps pidof pgrep pstree unshare "$PYTHON"; do
	command -v "$tool" >/dev/null ||
		fail "$tool is not installed (htop, tmux, procps, psmisc, python3-psutil)"
done
"$PYTHON" -c 'import psutil' 2>/dev/null ||
	fail "psutil is not installed (python3-psutil)"

# htop runs in a tmux server of its own, without the user's tmux.conf,
# which must be gone before the unmount: its mount namespace holds the
# mount.
TMUX_SOCK=$PIDFS_TMP/tmux.sock
tmx() {
	tmux -f /dev/null -S "$TMUX_SOCK" "$@"
}
clients_cleanup() {
	tmx kill-server 2>/dev/null || true
	pidfs_cleanup
}
trap clients_cleanup EXIT

pidfs_mount

make_client_model

# ---- htop ------------------------------------------------------------------

# A fresh configuration: columns that show what the model holds, sorted by
# pid, in the C locale (ASCII tree lines).
home=$PIDFS_TMP/home
mkdir -p "$home/.config/htop"
cat >"$home/.config/htop/htoprc" <<'EOF'
htop_version=3.2.2
config_reader_min_version=3
screen_tabs=0
screen:Main=PID PPID STATE NLWP Command
.sort_key=PID
.tree_sort_key=PID
.sort_direction=1
.tree_sort_direction=1
EOF

# The process rows of the screen: "PID PPID S NLWP Command...".
htop_rows() {
	tmx capture-pane -p -t htop |
		awk 'f && $1 ~ /^[0-9]+$/ { print } /^ *PID/ { f = 1 }' |
		sed 's/^ *//; s/  */ /g'
}

htop_shows() {
	[ "$(htop_rows)" = "$1" ]
}

# shellcheck disable=SC2016
tmx new-session -d -s htop -x 200 -y 50 \
	env HOME="$home" XDG_CONFIG_HOME="$home/.config" TERM=xterm LC_ALL=C \
	unshare "${UNSHARE_NS[@]}" \
	sh -c 'mount --bind "$0" /proc && exec htop -d 10' "$MNT"

want="1 0 S 1 init
$sshd 1 S 1 sshd
$bash $sshd S 2 vim -u NONE /etc/motd
$thr $sshd S 2 vim -u NONE /etc/motd
$cron 1 S 1 cron
$zomb $cron Z 1 zomb"
wait_for 30 htop_shows "$want" ||
	fail "htop: got
$(tmx capture-pane -p -t htop)"
pass "htop lists every task with its parent, state and thread count"
tmx capture-pane -p -t htop | grep -q 'Tasks: 5, 1 thr' ||
	fail "htop: $(tmx capture-pane -p -t htop | grep Tasks)"
pass "htop counts 5 tasks and 1 thread"
tmx capture-pane -p -t htop | grep -q 'Mem\[.*/896M\]' ||
	fail "htop: $(tmx capture-pane -p -t htop | grep Mem)"
pass "htop reads the model's memory"

tmx send-keys -t htop F5
want="1 0 S 1 init
$sshd 1 S 1 \`- sshd
$bash $sshd S 2 | \`- vim -u NONE /etc/motd
$thr $sshd S 2 | \`- vim -u NONE /etc/motd
$cron 1 S 1 \`- cron
$zomb $cron Z 1 \`- zomb"
wait_for 30 htop_shows "$want" ||
	fail "htop tree: got
$(tmx capture-pane -p -t htop)"
pass "htop's tree view (F5) is the model's tree"
tmx send-keys -t htop q
wait_for 30 sh -c '! tmux -S "$0" has-session -t htop 2>/dev/null' \
	"$TMUX_SOCK" || fail "htop did not quit"
pass "htop quits"

# ---- psutil ----------------------------------------------------------------

# One line per process: what psutil makes of the tree.
cat >"$PIDFS_TMP/clients.py" <<'EOF'
import sys

import psutil

attrs = ['pid', 'name', 'ppid', 'status', 'cmdline', 'num_threads',
         'memory_info']
for p in psutil.process_iter(attrs):
    i = p.info
    kids = sorted(c.pid for c in p.children(recursive=True))
    tids = sorted(t.id for t in p.threads())
    ctx = p.num_ctx_switches()
    print(i['pid'], i['name'], i['ppid'], i['status'], i['num_threads'],
          'rss=%d' % i['memory_info'].rss, 'vms=%d' % i['memory_info'].vms,
          'cmdline=' + ','.join(i['cmdline']),
          'children=' + ','.join(map(str, kids)),
          'threads=' + ','.join(map(str, tids)),
          'files=%d' % len(p.open_files()), 'env=%d' % len(p.environ()),
          'ctx=%d/%d' % (ctx.voluntary, ctx.involuntary), sep='|')
for pid in map(int, sys.argv[1:]):
    p = psutil.Process(pid)
    try:
        cwd = p.cwd()
    except psutil.ZombieProcess:
        cwd = 'zombie'
    print(pid, 'cwd=' + cwd, 'exe=' + p.exe(),
          'io=%d' % sum(p.io_counters()), 'fds=%d' % p.num_fds(), sep='|')
EOF
got=$(in_ns "$PYTHON" "$PIDFS_TMP/clients.py" "$bash" "$zomb") ||
	fail "psutil: $got"
z='rss=0|vms=0'
want="1|init|0|sleeping|1|$z|cmdline=init|children=$sshd,$bash,$cron,$zomb|threads=1|files=0|env=0|ctx=0/0
$sshd|sshd|1|sleeping|1|$z|cmdline=sshd|children=$bash|threads=$sshd|files=0|env=0|ctx=0/0
$bash|vim|$sshd|sleeping|2|$z|cmdline=vim,-u,NONE,/etc/motd|children=|threads=$bash,$thr|files=0|env=0|ctx=0/0
$cron|cron|1|sleeping|1|$z|cmdline=cron|children=$zomb|threads=$cron|files=0|env=0|ctx=0/0
$zomb|zomb|$cron|zombie|1|$z|cmdline=|children=|threads=$zomb|files=0|env=0|ctx=0/0
$bash|cwd=/|exe=pidfs:[vim]|io=0|fds=0
$zomb|cwd=zombie|exe=|io=0|fds=0"
expect_eq "$got" "$want" \
	"psutil: process_iter, children, threads, open_files, environ, num_ctx_switches, cwd, exe"

# ---- procps and psmisc -----------------------------------------------------

out=$(in_ns ps aux) || fail "ps aux: $out"
expect_eq "$(echo "$out" | awk 'NR > 1 { print $2, $5, $6, $8, $11 }' | tr '\n' ';')" \
	"1 0 0 Ss init;$sshd 0 0 S sshd;$bash 0 0 Sl vim;$cron 0 0 S cron;$zomb 0 0 Z [zomb];" \
	"ps aux: pid, vsz, rss, stat and command"

out=$(in_ns ps -eo pid=,rss=,vsz=,lstart=,wchan=,nlwp=) || fail "ps -eo: $out"
expect_eq "$(echo "$out" | awk '{ print $1, $2, $3, $9, $10 }' | tr '\n' ';')" \
	"1 0 0 - 1;$sshd 0 0 - 1;$bash 0 0 - 2;$cron 0 0 - 1;$zomb 0 0 - 1;" \
	"ps -eo: rss, vsz, wchan and nlwp"
btime=$(awk '$1 == "btime" { print $2 }' "$MNT/stat")
ticks=$(stat_field "$MNT/$bash/stat" 22)
expect_eq "$(echo "$out" | awk -v p="$bash" '$1 == p { print $4, $5, $6, $7, $8 }')" \
	"$(date -d "@$((btime + ticks / 100))" '+%a %b %e %H:%M:%S %Y' | tr -s ' ')" \
	"ps -eo lstart: btime plus the task's start time"

expect_eq "$(in_ns pidof vim)" "$bash" "pidof vim"
expect_eq "$(in_ns pidof cron sshd)" "$cron $sshd" "pidof cron sshd"
rc=0
in_ns pidof gone >/dev/null || rc=$?
expect_eq "$rc" 1 "pidof finds no dead task"
expect_eq "$(in_ns pgrep -f 'NONE /etc/motd')" "$bash" "pgrep -f"

out=$(in_ns pstree -pa -A) || fail "pstree -pa: $out"
want="init,1
  |-cron,$cron
  |   \`-(zomb,$zomb)
  \`-sshd,$sshd
      \`-vim,$bash -u NONE /etc/motd
          \`-{vim},$thr"
expect_eq "$out" "$want" "pstree -pa: the tree with arguments"

# The host's /proc was never touched.
grep -q "^$$ " /proc/$$/stat || fail "the host's /proc changed"
pass "the host's /proc is untouched"

pidfs_umount
pass "clean unmount"
