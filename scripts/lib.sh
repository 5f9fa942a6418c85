# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by scripts/test.sh and scripts/demo.sh (sourced, not run): the
# packages pidfs needs, their installation, and the out-of-tree build.
#
# The source tree itself is never configured, so that several build
# directories (build/, build-asan/, build-tsan/) can share it.  BUILDDIR
# picks one; the default is build/ at the top of the tree.

PIDFS_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PIDFS_BUILDDIR=${BUILDDIR:-$PIDFS_SRCDIR/build}
PIDFS_JOBS=${JOBS:-2}

# Debian 12 package names.  What building pidfs and running the demo
# need (scripts/demo.sh installs only these) ...
PIDFS_BUILD_PACKAGES=(
	build-essential
	autoconf
	automake
	pkg-config
	libfuse3-dev
	fuse3
	liburcu-dev
	check
	gnuplot-nox
)
# ... and what the tests need besides: procps and psmisc for the procps
# tests, valgrind for make valgrind, groff for the man page check, clang
# and its runtime for the fuzzers.
PIDFS_TEST_PACKAGES=(
	procps
	psmisc
	htop
	tmux
	python3-psutil
	valgrind
	groff-base
	clang
	libclang-rt-dev
)
# The list pidfs_install_packages installs; a script may narrow it.
PIDFS_PACKAGES=("${PIDFS_BUILD_PACKAGES[@]}" "${PIDFS_TEST_PACKAGES[@]}")

pidfs_say() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

pidfs_die() {
	pidfs_say "$*"
	exit 1
}

# Print the packages of PIDFS_PACKAGES that are not installed.
pidfs_missing_packages() {
	local p status

	for p in "${PIDFS_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || true
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

# Install what is missing: with apt-get as root, else say how and fail.
pidfs_install_packages() {
	local missing

	if ! command -v dpkg-query >/dev/null; then
		pidfs_say "not a Debian system; make sure these are installed:"
		pidfs_say "  ${PIDFS_PACKAGES[*]}"
		return 0
	fi
	mapfile -t missing < <(pidfs_missing_packages)
	[ ${#missing[@]} -eq 0 ] && return 0

	if [ "$(id -u)" -ne 0 ]; then
		pidfs_say "missing packages; install them with:"
		echo "sudo apt-get install -y --no-install-recommends ${missing[*]}"
		exit 1
	fi
	pidfs_say "installing: ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"
}

# autoreconf only when configure is missing or older than its inputs (a
# release tarball ships an up-to-date configure).
pidfs_autoreconf() {
	local s=$PIDFS_SRCDIR

	if [ -f "$s/config.status" ]; then
		pidfs_die "$s is configured in place; run 'make distclean' there" \
			"first (builds go to $PIDFS_BUILDDIR)"
	fi
	if [ ! -x "$s/configure" ] || [ "$s/configure.ac" -nt "$s/configure" ] ||
	   [ "$s/Makefile.am" -nt "$s/configure" ] ||
	   [ ! -f "$s/Makefile.in" ] ||
	   [ "$s/Makefile.am" -nt "$s/Makefile.in" ]; then
		pidfs_say "autoreconf -fi in $s"
		(cd "$s" && autoreconf -fi)
	fi
}

# Configure $PIDFS_BUILDDIR with "$@", unless it already is with exactly
# those arguments (make re-runs configure itself when configure.ac moves).
# The arguments of the last successful run are kept in the build
# directory, in .pidfs-configure-args.
pidfs_configure() {
	local b=$PIDFS_BUILDDIR stamp want

	mkdir -p "$b"
	b=$(cd "$b" && pwd)
	stamp=$b/.pidfs-configure-args
	want=$(printf '%q ' "$@")
	if [ -f "$b/Makefile" ] && [ -f "$stamp" ] &&
	   [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	pidfs_say "configuring $b: ${*:-(defaults)}"
	rm -f "$stamp"
	(cd "$b" && "$PIDFS_SRCDIR/configure" "$@")
	printf '%s' "$want" >"$stamp"
}

# The whole preamble: packages, autoreconf, configure "$@", make.
pidfs_build() {
	pidfs_install_packages
	pidfs_autoreconf
	pidfs_configure "$@"
	make -C "$PIDFS_BUILDDIR" -j"$PIDFS_JOBS"
}

# As pidfs_build, but a build directory already configured is used as it
# is, whatever its configure arguments (for scripts that only need the
# programs built, so they do not undo a `scripts/test.sh --enable-werror`).
pidfs_build_as_is() {
	pidfs_install_packages
	pidfs_autoreconf
	[ -f "$PIDFS_BUILDDIR/Makefile" ] || pidfs_configure
	make -C "$PIDFS_BUILDDIR" -j"$PIDFS_JOBS"
}
