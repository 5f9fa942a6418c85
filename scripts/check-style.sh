#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Check C files against .clang-format (kernel coding style).
#
#   scripts/check-style.sh            the tree's C files
#   scripts/check-style.sh FILE...    only these
#
# Run from the top of the source tree (`make check-style` does).  Exits 1
# and prints a diff (yours, then clang-format's) per file that differs.
#
# What is compared: everything clang-format decides (indentation, braces,
# line breaks, spaces around operators and parentheses, 80 columns) except
# the whitespace *inside* a line after its first non-blank character.  The
# kernel aligns trailing comments, #define values and member names with
# tabs; clang-format 14 cannot leave such alignment alone (it re-aligns
# with spaces or undoes it; "AlignTrailingComments: Leave" came in 16), so
# runs of blanks after the indentation compare equal to one space, and
# trailing blanks are ignored.  Where clang-format is simply wrong for
# kernel style (a one-line table entry per row, `do { } while (0)`), wrap
# the lines in /* clang-format off */ ... /* clang-format on */.
set -euo pipefail

CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

case ${1:-} in
-h | --help)
	sed -n '4,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"
	exit 0
	;;
esac

if ! command -v "$CLANG_FORMAT" >/dev/null; then
	echo "check-style: $CLANG_FORMAT not found (apt-get install clang-format)" >&2
	exit 2
fi

if [ $# -eq 0 ]; then
	shopt -s nullglob
	set -- src/*.[ch] include/pidfs/*.h tests/*.[ch] examples/*.c bench/*.c
fi

# Keep the indentation; squeeze the blanks after it; drop trailing blanks.
squeeze() {
	sed -E 's/([^ \t])[ \t]+/\1 /g; s/[ \t]+$//'
}

bad=0
for f in "$@"; do
	if ! diff -u --label "$f" --label "$f (clang-format)" \
		<(squeeze <"$f") <("$CLANG_FORMAT" --style=file "$f" | squeeze); then
		bad=1
	fi
done

if [ $bad -ne 0 ]; then
	echo "check-style: the files above differ from clang-format" >&2
	exit 1
fi
echo "style: clean ($# files)"
