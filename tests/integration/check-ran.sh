#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# After `make check`: did every integration test run and pass?  A mount
# test exits 77 (skipped) when the machine has no FUSE, which make check
# counts as no failure; CI has FUSE, so there a skip is a failure.
#
#   tests/integration/check-ran.sh [BUILDDIR...]     (default: build)
#
# For each tests/integration/test-*.sh of the source tree, each BUILDDIR
# must hold its result (test-*.sh.trs, written by automake's test driver)
# and that result must be PASS.  Prints one line per test and build
# directory; exit status 1 if any is missing, skipped or failed.

set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -gt 0 ] || set -- build
bad=0
n=0

for build in "$@"; do
	for t in "$src"/test-*.sh; do
		name=${t##*/}
		trs=$build/tests/integration/$name.trs
		n=$((n + 1))
		if [ ! -f "$trs" ]; then
			echo "MISSING: $build: $name (no $trs: did make check run it?)"
			bad=1
			continue
		fi
		result=$(sed -n 's/^:test-result: //p' "$trs")
		if [ "$result" != PASS ]; then
			echo "${result:-NO RESULT}: $build: $name (see ${trs%.trs}.log)"
			bad=1
			continue
		fi
		echo "PASS: $build: $name"
	done
done
[ $n -gt 0 ] || { echo "no tests/integration/test-*.sh found in $src"; exit 1; }
if [ $bad -ne 0 ]; then
	echo "check-ran: not every integration test ran and passed" >&2
	exit 1
fi
echo "check-ran: $n integration test runs, all passed"
