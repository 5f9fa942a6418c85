#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Show the problem the pidhash patch solved, on this machine.
#
#   scripts/demo.sh [--small] [--out DIR]
#
#   --small    a quick run (1000 tasks instead of 100000)
#   --out DIR  also write each step's output into DIR
#
# Installs what is missing and builds as scripts/test.sh does (in build/,
# or BUILDDIR; a build directory already configured is kept as it is),
# then runs examples/pinmem: pin N dead tasks through struct pid
# references, then through task_struct references, and compare the low
# memory each pins.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	sed -n '4,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

small=no
out=
while [ $# -gt 0 ]; do
	case $1 in
	--small)
		small=yes
		;;
	--out)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		out=$2
		shift
		;;
	--out=*)
		out=${1#--out=}
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		pidfs_say "unknown option: $1"
		usage >&2
		exit 2
		;;
	esac
	shift
done

if [ -n "$out" ]; then
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
fi

pidfs_build_as_is

# Run one step, printing its output and keeping a copy in $out/NAME.txt.
step() {
	local name=$1

	shift
	echo
	echo "### $name: $*"
	if [ -n "$out" ]; then
		"$@" | tee "$out/$name.txt"
	else
		"$@"
	fi
}

pinmem_args=()
[ $small = yes ] && pinmem_args=(-n 1000)

step pinmem "$PIDFS_BUILDDIR/examples/pinmem" "${pinmem_args[@]}"
