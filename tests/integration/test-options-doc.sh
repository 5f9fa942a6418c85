#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The one option table (src/options.h), `pidfs --help`, the man page and
# README.md name the same -o options.  The names are taken from each and
# the sets compared:
#
#   src/options.h  the NAME of each X(NAME, VALUE, HELP) line
#   --help         every "-o NAME" in the text pidfs prints (pidfs's own
#                  as "-o NAME=VALUE", libfuse's as "-o NAME"), each once
#   doc/pidfs.8    every option entry, written `.BI "\-o NAME=" VALUE`
#   README.md      each name, as `NAME=`
#
# and each --help option is described in the man page, with the flags
# (-h, --help, -V, --version, -f, -d, -s); the ctl commands --help lists
# (from ctl.c's own table) are each described in the man page and named
# in README.md.  No mount: this never skips.  When groff is installed
# the page must also format without a warning.
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

options_h=$top_srcdir/src/options.h
man=$top_srcdir/doc/pidfs.8
readme=$top_srcdir/README.md
[ -f "$options_h" ] || fail "no $options_h"
[ -f "$man" ] || fail "no $man"
[ -f "$readme" ] || fail "no $readme"

# The table: X(NAME, ...) lines between "#define PIDFS_OPTIONS(X)" and the
# first line that does not continue.
order=$(sed -n '/^#define PIDFS_OPTIONS(X)/,/[^\\]$/p' "$options_h" |
	sed -n 's/^[[:space:]]*X(\([a-z_]*\),.*/\1/p')
table=$(echo "$order" | sort)
[ -n "$table" ] || fail "no X(NAME, ...) lines in $options_h"

help=$("$top_builddir/src/pidfs" --help 2>&1) || fail "pidfs --help: exit $?"
help_all=$(echo "$help" | grep -oE -- '-o [a-z_]+' | sed 's/^-o //')
help_names=$(echo "$help_all" | grep -Fxf <(echo "$table") | sort)
dups=$(echo "$help_all" | sort | uniq -d | tr '\n' ' ')
[ -z "$dups" ] || fail "--help lists more than once: $dups"
pass "--help lists no -o option twice"

# "-o name=value" (.BI), or a flag, "-o name" (.B).
man_options() {
	sed -n -e 's/^\.BI "\\-o \([a-z_]*\)=" .*/\1/p' \
		-e 's/^\.B "\\-o \([a-z_]*\)"$/\1/p' "$man"
}
man_names=$(man_options | sort -u)

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

# Each option also appears in the order of the table in the man page,
# and README.md names each.
expect_set "$order" "$(man_options)" \
	"the man page keeps the table's order"
for o in $order; do
	# "name=" for a valued option, `name` for a flag
	grep -qE "\\b$o=|\`$o\`" "$readme" || fail "README.md does not name $o"
done
pass "README.md names every option"

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
# The commands, as --help lists them from ctl.c's table: the indented
# lines after "Commands for MOUNTPOINT/ctl".
cmds=$(echo "$help" | sed -n '/^Commands for MOUNTPOINT\/ctl/,/^$/p' |
	sed -n 's/^    \([a-z]*\).*/\1/p')
[ "$(echo "$cmds" | wc -w)" -ge 11 ] ||
	fail "--help lists only $(echo "$cmds" | wc -w) ctl commands"
for cmd in $cmds; do
	grep -qE "^\.B[IR]? \"?$cmd[ \"]" "$man" ||
		fail "the man page does not describe ctl's $cmd"
	grep -qE "\`$cmd( [^\`]*)?\`" "$readme" ||
		fail "README.md does not name ctl's $cmd"
done
pass "the man page describes and README.md names every ctl command: $(echo $cmds)"
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
