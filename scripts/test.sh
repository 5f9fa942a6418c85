#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build pidfs and run its tests, from a fresh clone.
#
#   scripts/test.sh [CONFIGURE-ARGS...]
#
# Installs the Debian packages pidfs needs when they are missing (as root;
# otherwise prints the apt-get line to run and stops), runs autoreconf when
# configure is missing or stale, configures an out-of-tree build directory
# (build/ by default; BUILDDIR=DIR for another) with CONFIGURE-ARGS, and
# runs `make` and `make check`.  On a failure it prints the test logs.
#
# Examples:
#   scripts/test.sh
#   scripts/test.sh --enable-werror
#   BUILDDIR=build-asan scripts/test.sh --enable-sanitizers
#
# JOBS=N sets make's parallelism (default 2).
set -euo pipefail

case ${1:-} in
-h | --help)
	sed -n '4,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "${BASH_SOURCE[0]}"
	echo "CONFIGURE-ARGS are configure's: see ./configure --help once"
	echo "autoreconf -fi has made it (scripts/test.sh makes it)."
	exit 0
	;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pidfs_build "$@"

# A stale log would mislead when make check fails before running a test.
log=$PIDFS_BUILDDIR/test-suite.log
rm -f "$log"
if ! make -C "$PIDFS_BUILDDIR" -j"$PIDFS_JOBS" check; then
	if [ -f "$log" ]; then
		echo "==================== $log ====================" >&2
		cat "$log" >&2
	fi
	pidfs_die "make check failed in $PIDFS_BUILDDIR"
fi
pidfs_say "all tests passed in $PIDFS_BUILDDIR"
