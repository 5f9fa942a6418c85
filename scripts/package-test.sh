#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the Debian package, check it with lintian, install it, smoke-test
# the installed programs, and remove it again.  Debian 12, as root.
#
#   scripts/package-test.sh [--keep]
#
# 1. Installs what building needs (debhelper, dpkg-dev, lintian, the
#    build dependencies of debian/control) with apt-get.
# 2. Copies the tracked files of the source tree (as they are in the
#    working tree) to a temporary directory and runs
#    `dpkg-buildpackage -us -uc -b` there, so the source tree gets no
#    generated file and stays fit for the out-of-tree builds.
# 3. Runs lintian on the result; any error or warning fails (the
#    overrides in debian/ say why each is one).
# 4. Installs the .deb, then, in a private mount namespace (unshare -m),
#    so that neither the host's mounts nor its /etc/fstab change:
#    mount -t fuse.pidfs with pin=task; pidfs-ctl fork, exec and kill;
#    reads of status and meminfo; ps over the tree bind-mounted on /proc;
#    an /etc/fstab line with noauto, mounted by its mountpoint alone; the
#    unmounts, each daemon's clean exit; and examples/pinmem.
# 5. Removes the package (apt-get purge), unless --keep.
#
# .ci/run calls it after distcheck.  The .deb, the build log and the
# lintian output are left in $PIDFS_PKG_OUT (default build/package/).
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${PIDFS_PKG_OUT:-$srcdir/build/package}
keep=no

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "${BASH_SOURCE[0]}"
}

for a in "$@"; do
	case $a in
	--keep) keep=yes ;;
	-h | --help) usage; exit 0 ;;
	*) echo "package-test.sh: unknown argument $a (see --help)" >&2; exit 64 ;;
	esac
done

say() { printf 'package-test.sh: %s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: it installs packages and mounts"
command -v apt-get >/dev/null || die "not a Debian system (no apt-get)"

# 1. Tools and build dependencies.
need=(build-essential debhelper dpkg-dev fakeroot lintian
	check libfuse3-dev liburcu-dev pkgconf fuse3 procps util-linux)
missing=()
for p in "${need[@]}"; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = \
		"install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends "${missing[@]}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pidfs-pkg.XXXXXX")
installed_here=no
cleanup() {
	# A failure after the install still removes what this run installed.
	if [ "$installed_here" = yes ] && [ "$keep" = no ]; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y pidfs \
			>/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# 2. A copy of the tracked files, then the build.
mkdir -p "$work/src" "$out"
if git -C "$srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$srcdir" ls-files -z --cached --others --exclude-standard |
		(cd "$srcdir" && xargs -0 tar cf - --no-recursion) |
		tar xf - -C "$work/src"
else
	# A release tarball: everything but the build directories.
	tar cf - -C "$srcdir" --exclude='./build' --exclude='./build-*' . |
		tar xf - -C "$work/src"
fi
[ -f "$work/src/debian/control" ] || die "no debian/ in $srcdir"
say "dpkg-buildpackage -us -uc -b in $work/src (log: $out/build.log)"
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	die "dpkg-buildpackage failed"
fi
deb=$(ls "$work"/pidfs_*.deb)
changes=$(ls "$work"/pidfs_*.changes)
cp "$deb" "$out/"
say "built $(basename "$deb"):"
dpkg-deb -c "$deb" | awk '{ print "  " $NF }' >&2

# 3. lintian: the output is printed and kept; an error or warning fails.
say "lintian $(basename "$changes")"
lint_rc=0
# lintian warns when run as root: run it as nobody when that user exists.
as=()
if id nobody >/dev/null 2>&1 && command -v runuser >/dev/null; then
	chmod a+rx "$work"
	as=(runuser -u nobody -- env HOME=/tmp)
fi
"${as[@]}" lintian --display-info --fail-on error,warning "$changes" \
	>"$out/lintian.txt" 2>&1 || lint_rc=$?
cat "$out/lintian.txt" >&2
[ "$lint_rc" = 0 ] || die "lintian: exit $lint_rc"
say "lintian: clean ($(wc -l <"$out/lintian.txt") lines of output)"

# 4. Install and smoke-test.
was_installed=no
dpkg-query -W -f='${Status}' pidfs 2>/dev/null | grep -q 'ok installed' &&
	was_installed=yes
[ "$was_installed" = yes ] || installed_here=yes
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	"$deb" >"$out/install.log" 2>&1 || {
	cat "$out/install.log" >&2
	die "apt-get install $deb"
}
for f in /usr/bin/pidfs /usr/bin/pidfs-ctl /usr/share/man/man8/pidfs.8.gz \
	/usr/share/man/man8/pidfs-ctl.8.gz /usr/share/doc/pidfs/README.md.gz \
	/usr/share/doc/pidfs/examples/pinmem.c /usr/libexec/pidfs/pinmem \
	/usr/libexec/pidfs/exhaust /usr/libexec/pidfs/wraparound; do
	[ -e "$f" ] || die "the package installs no $f"
done
say "installed: $(pidfs --version 2>/dev/null | head -1)"

# The smoke test proper, in a mount namespace of its own.  Each step
# prints "ok: ..."; the first failure exits non-zero.
smoke() {
	set -euo pipefail
	local mnt=$1 fstab_mnt=$2 out pid

	fail() { echo "FAIL: $*" >&2; exit 1; }
	ok() { echo "ok: $*"; }
	# Wait (bounded, 10 s) for the daemon serving $1 to go.
	gone() {
		local p left

		for _ in $(seq 100); do
			left=
			for p in $(pgrep -x pidfs); do
				{ tr '\0' ' ' <"/proc/$p/cmdline"; } \
					2>/dev/null | grep -q -- " $1 " &&
					left=$p
			done
			[ -n "$left" ] || return 0
			sleep 0.1
		done
		fail "the daemon of $1 did not exit"
	}

	mount -t fuse.pidfs pidfs "$mnt" -o pin=task ||
		fail "mount -t fuse.pidfs pidfs $mnt -o pin=task"
	grep -q " $mnt fuse.pidfs " /proc/self/mounts ||
		fail "no fuse.pidfs mount at $mnt"
	ok "mount -t fuse.pidfs pidfs $mnt -o pin=task"

	pid=$(pidfs-ctl "$mnt" 'fork 1 sshd') || fail "pidfs-ctl fork"
	[ "$pid" = 2 ] || fail "fork 1 sshd replied '$pid', not 2"
	pidfs-ctl "$mnt" 'fork 2 bash' 'exec 3 vim notes.txt' >/dev/null ||
		fail "pidfs-ctl fork, exec"
	out=$(sed -n 's/^Name:\t//p' "$mnt/3/status")
	[ "$out" = vim ] || fail "3/status names '$out', not vim"
	ok "pidfs-ctl fork and exec; 3/status reads Name: vim"

	out=$(unshare -m sh -c 'mount --bind "$0" /proc && ps -e -o pid= -o comm=' \
		"$mnt" | awk '{ print $1 ":" $2 }' | tr '\n' ' ')
	[ "$out" = "1:init 2:sshd 3:vim " ] ||
		fail "ps -e over the tree: '$out'"
	ok "ps -e over the tree on /proc: $out"

	pidfs-ctl "$mnt" 'kill 3' || fail "pidfs-ctl kill 3"
	[ ! -e "$mnt/3" ] || fail "3 is still in the tree after kill"
	grep -q '^TaskStructs:' "$mnt/meminfo" ||
		fail "no TaskStructs line in meminfo"
	ok "kill 3; meminfo: $(grep '^TaskStructs:' "$mnt/meminfo" | tr -s '\t ' ' ')"

	umount "$mnt" || fail "umount $mnt"
	gone "$mnt"
	ok "umount; the daemon exited"

	# /etc/fstab, in this namespace only: a copy with one more line.
	cp /etc/fstab "$fstab_mnt.fstab" 2>/dev/null || : >"$fstab_mnt.fstab"
	echo "pidfs $fstab_mnt fuse.pidfs noauto,pin=pid,pid_max=1000 0 0" \
		>>"$fstab_mnt.fstab"
	mount --bind "$fstab_mnt.fstab" /etc/fstab
	mount "$fstab_mnt" || fail "mount $fstab_mnt (from /etc/fstab)"
	out=$(cat "$fstab_mnt/sys/kernel/pid_max")
	[ "$out" = 1000 ] || fail "fstab's pid_max=1000: the tree says '$out'"
	ok "an /etc/fstab line (noauto): mount $fstab_mnt; pid_max $out"
	umount "$fstab_mnt" || fail "umount $fstab_mnt"
	gone "$fstab_mnt"
	ok "umount $fstab_mnt; the daemon exited"
}

mkdir -p "$work/mnt" "$work/fstab-mnt"
say "smoke test in a private mount namespace"
export -f smoke
unshare -m --propagation private bash -c 'smoke "$@"' smoke \
	"$work/mnt" "$work/fstab-mnt" || die "smoke test"

pm=$(/usr/libexec/pidfs/pinmem 2>&1) || die "pinmem: exit $?: $pm"
echo "$pm" | tail -2
say "ok: /usr/libexec/pidfs/pinmem ran"

# 5. Remove it (unless it was there before, or --keep).
if [ "$keep" = no ] && [ "$installed_here" = yes ]; then
	DEBIAN_FRONTEND=noninteractive apt-get purge -y pidfs \
		>>"$out/install.log" 2>&1 || die "apt-get purge pidfs"
	installed_here=no
	! command -v pidfs >/dev/null || die "pidfs is still installed"
	say "ok: removed"
fi
say "all package checks passed ($(basename "$deb"))"
