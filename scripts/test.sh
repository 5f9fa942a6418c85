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
# runs `make` and `make check`, then the integration tests a second time
# with `-o alloc=idr` on every mount (Linux 4.15's pid allocator beside
# the patch's; PIDFS_MOUNT_OPTS, tests/lib/pidfs.sh).  On a failure it
# prints the test logs.
#
# Examples:
#   scripts/test.sh
#   scripts/test.sh --enable-werror
#   BUILDDIR=build-asan scripts/test.sh --enable-sanitizers
#
# JOBS=N sets make's parallelism (default 2).  SECOND_ALLOC=none skips
# the second run of the integration and hardening tests.
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

# make check, with ARGS after it; on a failure print the suite log $1 and
# die with the message $2.
check() {
	local log=$PIDFS_BUILDDIR/$1 what=$2

	shift 2
	# A stale log would mislead when make check fails before a test ran.
	rm -f "$log"
	if ! make -C "$PIDFS_BUILDDIR" -j"$PIDFS_JOBS" check "$@"; then
		if [ -f "$log" ]; then
			echo "==================== $log ====================" >&2
			cat "$log" >&2
		fi
		pidfs_die "$what failed in $PIDFS_BUILDDIR"
	fi
}

check test-suite.log "make check"
pidfs_say "all tests passed in $PIDFS_BUILDDIR"

# The integration and hardening tests again, every mount under the other
# allocator (PIDFS_MOUNT_OPTS goes before each mount's options).  Their
# .log and .trs files are then this run's, which check-ran.sh reads:
# both runs must pass.  TESTS is left for make to expand.
alloc=${SECOND_ALLOC:-idr}
if [ "$alloc" != none ]; then
	# shellcheck disable=SC2016
	PIDFS_MOUNT_OPTS="alloc=$alloc" check "test-suite-$alloc.log" \
		"the integration and hardening tests with alloc=$alloc" \
		TESTS='$(INTEGRATION_TESTS) $(HARDENING_TESTS)' \
		TEST_SUITE_LOG="test-suite-$alloc.log"
	pidfs_say "the integration and hardening tests passed with alloc=$alloc"
fi
