#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# examples/exhaust --depth, measured against what the model charges
# (doc/design.md, "What a struct pid of level L is charged"):
#
#   pin=pid   a held file pins its struct pid: 36 bytes at level 0 on
#             i386 (the patch's), 44 + 16 L from level 1 (2.6.24's); on
#             x86-64 64, then 88 + 32 L.  Once the holders' chains of
#             namespaces are dead, the files also keep the namespaces
#             alive: D pid bitmap pages (4096 bytes) per chain, shared by
#             the chain's victims;
#   pin=task  a held file pins the dead task_struct (task_size), at any
#             depth; the namespaces go with their last task;
#   charge_refs=1 adds a dentry and a proc_inode per looked-up inode, two
#             per held file (its directory and itself): 2 x ProcRefSize.
#
# 2 holders x 136 fds: 2 x (136 - 8) = 256 files, so that every growth is
# a whole number of KiB (256 x 4 x n bytes) and /meminfo's kB count
# measures it to the byte.  Also: the chains cost what their tasks, pids
# and bitmap pages are charged (to /meminfo's 1 kB), every chain dies
# when asked, and every pin goes once the files are closed.
#
#   top_builddir=build top_srcdir=. tests/integration/test-exhaust-depth.sh

. "$top_srcdir/tests/integration/lib.sh"

EXHAUST=$top_builddir/examples/exhaust
HOLDERS=2
FDS=136
FILES=$((HOLDERS * (FDS - 8)))
TASK=10240
PAGE=4096
ALLOC=pidmap			# the mount's, set at each mount below

# The charge of a struct pid of level $2 on machine $1.
pid_size() {
	case $1:$2 in
	i386:0) echo 36 ;;
	i386:*) echo $((44 + 16 * $2)) ;;
	x86_64:0) echo 64 ;;
	x86_64:*) echo $((88 + 32 * $2)) ;;
	esac
}

# What a namespace of a live chain costs for its numbers on machine $1:
# a pidmap page (2.6.24 allocates it with the namespace), or under the
# IDR one radix_tree_node (a chain's few numbers fit one leaf).
ns_live() {
	if [ "$ALLOC" = idr ]; then
		[ "$1" = i386 ] && echo 300 || echo 576
	else
		echo $PAGE
	fi
}

# What a dead namespace the files keep alive costs: its pidmap page
# stays with it; an IDR with no number left has no node.
ns_dead() {
	[ "$ALLOC" = idr ] && echo 0 || echo $PAGE
}

# The value of key $1 in the last run's summary.
val() {
	summary_value "$PIDFS_TMP/run.sum" "$1"
}

# run MODEL ARCH DEPTH REFS: one exhaust run on the mounted $MNT, checked.
run() {
	local model=$1 arch=$2 d=$3 refs=$4 what pid want_fd want_zap chain l
	local slack
	local ref=0

	what="$arch pin=$model depth $d charge_refs=$refs"
	"$EXHAUST" -p "$HOLDERS" -f "$FDS" --depth "$d" -i 20 -t 20 \
		-D "$PIDFS_PID" -s "$PIDFS_TMP/run.sum" "$MNT" \
		>"$PIDFS_TMP/run.txt" 2>&1 || {
		cat "$PIDFS_TMP/run.txt" >&2
		fail "$what: exhaust failed"
	}
	expect_eq "$(val fds_held):$(val holder_errors):$(val chain_errors)" \
		"$FILES:0:0" "$what: every file held, no error"
	expect_eq "$(val depth):$(val namespaces)" "$d:$((HOLDERS * d))" \
		"$what: $HOLDERS chains of $d namespaces"
	[ "$refs" = 1 ] && ref=$((2 * $(meminfo ProcRefSize)))
	pid=$(pid_size "$arch" "$d")
	case $model in
	pid)
		want_fd=$((pid + ref))
		want_zap=$((want_fd + HOLDERS * d * $(ns_dead) / FILES))
		expect_eq "$(val pinned_pids_zapped):$(val pinned_tasks_zapped)" \
			"$FILES:0" "$what: one struct pid pinned per file"
		;;
	task)
		want_fd=$((TASK + ref))
		want_zap=$want_fd
		expect_eq "$(val pinned_tasks_zapped):$(val pinned_pids_zapped)" \
			"$FILES:0" "$what: one task_struct pinned per file"
		;;
	esac
	expect_eq "$(val model_bytes_per_fd)" "$want_fd.0" \
		"$what: bytes per held file, the chains alive"
	expect_eq "$(val zapped_bytes_per_fd)" "$want_zap.0" \
		"$what: bytes per held file, the chains dead"
	# A chain: d + 1 tasks, their struct pids of levels 0 .. d, and d
	# namespaces' numbers; within the 1 kB of /meminfo's count.
	chain=$((d ? (d + 1) * TASK + d * $(ns_live "$arch") : 0))
	for ((l = 0; d && l <= d; l++)); do
		chain=$((chain + $(pid_size "$arch" "$l")))
	done
	chain=$((HOLDERS * chain))
	# Under the IDR the initial namespace's tree may also grow a leaf
	# when the chains' numbers there cross a multiple of 64: one node
	# more is allowed.
	slack=1024
	[ "$ALLOC" = idr ] && slack=$((slack + $(ns_live "$arch")))
	awk -v m="$(val chain_bytes)" -v w="$chain" -v s="$slack" \
		'BEGIN { d = m - w; exit !(d > -1024 && d < s) }' ||
		fail "$what: the chains cost $(val chain_bytes), expected $chain"
	pass "$what: the chains cost $(val chain_bytes) bytes (charged: $chain)"
	expect_eq "$(val released):$(val pinned_tasks_after):$(val pinned_pids_after)" \
		yes:0:0 "$what: every pin gone with the files"
}

for arch in i386 x86_64; do
	for model in pid task; do
		pidfs_mount "pin=$model,arch=$arch,lowmem=16M,task_size=10K,charge_refs=0"
		ALLOC=$(pidfs_alloc)
		expect_eq "$(meminfo PidStructSize)" "$(pid_size "$arch" 0)" \
			"$arch: a level-0 struct pid"
		depths="0 2"
		[ $arch = i386 ] && [ $model = pid ] && depths="0 1 2 32"
		for d in $depths; do
			run "$model" "$arch" "$d" 0
		done
		pidfs_umount
	done
done

# The kernel's references cost the same at any depth.
for model in pid task; do
	pidfs_mount "pin=$model,lowmem=16M,task_size=10K,charge_refs=1"
	run "$model" i386 2 1
	pidfs_umount
done
