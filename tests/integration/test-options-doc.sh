#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The option table, `pidfs --help` and the man page name the same -o
# options.  The names are taken from each of the three and the sets
# compared:
#
#   src/parse.c   the strings of pidfs_option_names[]
#   --help        every "-o NAME=" in the text pidfs prints
#   doc/pidfs.8   every option entry, written `.BI "\-o NAME=" VALUE`
#
# and each --help option is described in the man page, with the flags
# (-h, --help, -V, --version, -f, -d, -s).  No mount: this never skips.
# When groff is installed the page must also format without a warning.
#
#   top_builddir=build top_srcdir=. tests/integration/test-options-doc.sh

set -euo pipefail
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export LC_ALL=C

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
pass() { echo "ok: $*"; }

parse_c=$top_srcdir/src/parse.c
man=$top_srcdir/doc/pidfs.8
[ -f "$parse_c" ] || fail "no $parse_c"
[ -f "$man" ] || fail "no $man"

# The table: the quoted strings between its opening brace and "};".
table=$(sed -n '/pidfs_option_names\[\] *= *{/,/};/p' "$parse_c" |
	grep -o '"[a-z_]*"' | tr -d '"' | sort)
[ -n "$table" ] || fail "no names in pidfs_option_names[] of $parse_c"

help=$("$top_builddir/src/pidfs" --help 2>&1) || fail "pidfs --help: exit $?"
# "-o name=VALUE", or a flag: "-o name" followed by blanks.
help_names=$(echo "$help" | sed -n '/^pidfs options:/,/^$/p' |
	grep -oE -- '-o [a-z_]+(=| )' |
	sed 's/^-o //; s/[= ]$//' | sort -u)

man_names=$( (sed -n 's/^\.BI "\\-o \([a-z_]*\)=" .*/\1/p' "$man"
	sed -n 's/^\.B "\\-o \([a-z_]*\)"$/\1/p' "$man") | sort -u)

show() { echo "$1" | tr '\n' ' '; }
echo "table: $(show "$table")"
echo "help:  $(show "$help_names")"
echo "man:   $(show "$man_names")"

expect_set() {
	[ "$1" = "$2" ] ||
		fail "$3: $(diff <(echo "$1") <(echo "$2") | grep '^[<>]' | tr '\n' ' ')"
	pass "$3"
}
expect_set "$table" "$help_names" \
	"--help lists the table's options (< table, > help)"
expect_set "$table" "$man_names" \
	"the man page lists the table's options (< table, > man)"
[ "$(echo "$table" | wc -l)" -ge 8 ] ||
	fail "only $(echo "$table" | wc -l) options"

# Each option also appears in the order of the table, in both.
order=$(sed -n '/pidfs_option_names\[\] *= *{/,/};/p' "$parse_c" | grep -o '"[a-z_]*"' | tr -d '"')
expect_set "$order" "$(echo "$help" | sed -n '/^pidfs options:/,/^$/p' |
	grep -oE -- '-o [a-z_]+(=| )' | sed 's/^-o //; s/[= ]$//')" \
	"--help keeps the table's order"
expect_set "$order" "$(sed -n -e 's/^\.BI "\\-o \([a-z_]*\)=" .*/\1/p' \
	-e 's/^\.B "\\-o \([a-z_]*\)"$/\1/p' "$man")" \
	"the man page keeps the table's order"

# The flags --help names, and libfuse's common ones, are in the man page.
for flag in -h --help -V --version -f -d -s; do
	echo "$help" | grep -qE -- "(^|[ ,])$flag([ ,]|$)" ||
		fail "--help does not name $flag"
	grep -qE -- "^\.(B|BR) .*\\\\-${flag#-}( |\"|$)|\\\\-\\\\-${flag#--}" "$man" ||
		fail "the man page does not name $flag"
done
pass "-h, --help, -V, --version, -f, -d, -s are in --help and the man page"

# The sections a man page of a daemon has, and the ctl commands.
for sh in NAME SYNOPSIS DESCRIPTION OPTIONS "THE TREE" "CONTROL FILE" "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH \"\?$sh\"\?$" "$man" ||
		fail "the man page has no $sh section"
done
pass "the man page has its sections"
for cmd in fork thread exit reap kill setpgid setsid exec spawn setuid; do
	grep -qE "^\.B[IR]? \"?$cmd[ \"]" "$man" ||
		fail "the man page does not describe ctl's $cmd"
done
pass "the man page describes every ctl command"
for f in stat status cmdline comm ctl meminfo pidhash requests self uptime loadavg cpuinfo sys/kernel/pid_max sys/kernel/osrelease; do
	grep -q "$f" "$man" || fail "the man page does not describe $f"
done
for key in TaskStructs TaskStructsPinned PidStructs PidStructsPinned TaskStructSize PidStructSize OomEvents ForkFailures KernelRefs PidSerial; do
	grep -q "$key" "$man" || fail "the man page does not describe $key"
done
pass "the man page describes every file and the model's meminfo lines"

if command -v groff >/dev/null; then
	warnings=$(groff -man -ww -z "$man" 2>&1)
	[ -z "$warnings" ] || fail "groff: $warnings"
	pass "groff formats the man page without a warning"
else
	echo "note: no groff: the man page's formatting is not checked"
fi
