// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pinmem: what one reference to a dead process costs in low memory.
 *
 * This is the first problem a struct pid reference avoids, in-process,
 * with no FUSE.  A /proc file that stays open must remember which process
 * it is about.  Until Linux 2.6.18 it held a reference to the task_struct:
 * when the process died, its task_struct (and kernel stack, about 10 KiB)
 * stayed in low memory for as long as the file was open.  Since 2.6.18
 * (made possible by the 2.6.17 pidhash patch) it holds a reference to the
 * process's struct pid, a few dozen bytes.
 *
 * The example boots a simulated kernel with the low memory of a 1 GiB
 * i386 machine (896 MiB), then N times: forks a task, takes a reference
 * to it, and kills it (exit and reap), keeping the reference, as an
 * attacker with N open /proc files would.  It does this twice, on a fresh
 * kernel each time:
 *
 *   run "pid"   each reference is a struct pid (get_pid(), /proc since 2.6.18)
 *   run "task"  each reference is a task_struct (get_task_struct(), until)
 *
 * and prints what the pins cost, then drops them and shows that nothing
 * stays behind.
 *
 * Run it (after `make`):
 *
 *   examples/pinmem            100000 tasks, as in the patch's discussion
 *   examples/pinmem -n 1000    a quick one
 *
 * Expected output, abridged: the "pid" run pins all 100000 dead tasks in
 * 3.5 MiB, 36 bytes per reference (i386's struct pid).  The "task" run
 * exhausts the 896 MiB first: fork fails with ENOMEM, the model's OOM,
 * after 91746 tasks (the pid hash's 16 KiB took two), each
 * pinning 10240 bytes.  Both give every byte back once the references go.
 *
 *   run "pid": fork 100000 tasks, take a struct pid reference to each, ...
 *     with every reference held:
 *       dead tasks pinned              100000
 *       low memory used               3.5 MiB of 896 MiB
 *       PidStructsPinned               100000
 *       bytes per reference                36
 *   run "task": fork 100000 tasks, take a task_struct reference to each, ...
 *     fork failed after 91746 tasks: Cannot allocate memory
 *     low memory is exhausted: the kernel's OOM killer would run now
 *     with every reference held:
 *       dead tasks pinned               91746
 *       low memory used             896.0 MiB of 896 MiB
 *       TaskStructsPinned               91746
 *       bytes per reference             10240
 *   bytes pinned per reference: task 10240, pid 36
 *   a task_struct reference pins 284.4 times what a struct pid reference pins
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

#define MIB (1024.0 * 1024.0)

enum ref_kind {
	REF_PID,	/* struct pid: what /proc holds since the patch */
	REF_TASK,	/* task_struct: what it held before */
};

static const char *const ref_name[] = {
	[REF_PID] = "pid",
	[REF_TASK] = "task",
};

struct run_result {
	unsigned long pinned;		/* references held at the peak */
	double bytes_per_ref;
};

/*
 * Wait for the RCU callbacks queued so far.  A reaped task and a freed
 * struct pid lose their last kernel-side reference in one (after a grace
 * period, as in the kernel), so the counters are exact only after this.
 */
static void settle(void)
{
	rcu_barrier();
}

static void drop(enum ref_kind kind, void *ref)
{
	if (kind == REF_PID)
		put_pid(ref);
	else
		put_task_struct(ref);
}

/*
 * Fork a child of init, take a reference of @kind to it, and kill it.
 * Returns the reference, or NULL with *@err set to fork's negative errno.
 */
static void *fork_pin_kill(struct pidfs_kernel *k, enum ref_kind kind, int *err)
{
	struct task_struct *t;
	void *ref;
	pid_t nr;

	*err = pidfs_fork(k, 0, "victim", &nr);
	if (*err)
		return NULL;

	/* What opening /proc/<nr>/stat does: look the task up, hold it. */
	t = pidfs_get_task(k, nr);
	if (!t) {
		*err = -ESRCH;
		return NULL;
	}
	if (kind == REF_PID) {
		/* Keep the struct pid, let go of the task. */
		rcu_read_lock();
		ref = get_pid(task_pid_type(t, PIDTYPE_PID));
		rcu_read_unlock();
		put_task_struct(t);
	} else {
		ref = t;
	}

	/* The process dies; the open file keeps its reference. */
	*err = pidfs_kill(k, nr, 0);
	if (*err) {
		drop(kind, ref);
		return NULL;
	}
	return ref;
}

/* "123 B", "80.4 KiB", "896.0 MiB" */
static const char *human(uint64_t bytes, char *buf, size_t len)
{
	if (bytes < 1024)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, len, "%.1f KiB", bytes / 1024.0);
	else
		snprintf(buf, len, "%.1f MiB", bytes / MIB);
	return buf;
}

static void print_stats(const struct lowmem_stats *st)
{
	char buf[32];

	printf("    low memory used          %12s of %.0f MiB\n",
	       human(st->used, buf, sizeof(buf)), st->budget / MIB);
	printf("    TaskStructsPinned        %12llu\n",
	       (unsigned long long)st->kind[LOWMEM_TASK].pinned);
	printf("    PidStructsPinned         %12llu\n",
	       (unsigned long long)st->kind[LOWMEM_PID].pinned);
	printf("    OOM events               %12llu\n",
	       (unsigned long long)st->oom_events);
}

static int run(enum ref_kind kind, unsigned long n, struct run_result *res)
{
	struct pidfs_kernel_params params = {
		.hash_shift = -1,	/* size the hash as pidhash_init() did */
		.uid = getuid(),
		.gid = getgid(),
	};
	struct lowmem_stats boot, peak, after;
	struct pidfs_kernel *k;
	struct lowmem *lm;
	unsigned long i;
	void **refs;
	int err;

	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	err = pidfs_kernel_create(&params, &k);
	if (err)
		goto out_free;
	lm = pidfs_kernel_lowmem(k);
	settle();
	lowmem_read_stats(lm, &boot);

	printf("\nrun \"%s\": fork %lu tasks, take a %s reference to each, "
	       "kill it\n",
	       ref_name[kind], n,
	       kind == REF_PID ? "struct pid" : "task_struct");
	for (i = 0; i < n; i++) {
		refs[i] = fork_pin_kill(k, kind, &err);
		if (!refs[i])
			break;
	}
	res->pinned = i;
	settle();
	lowmem_read_stats(lm, &peak);
	if (i < n) {
		printf("  fork failed after %lu tasks: %s\n", i,
		       strerror(-err));
		if (peak.oom_events > boot.oom_events)
			printf("  low memory is exhausted: "
			       "the kernel's OOM killer would run now\n");
	}
	err = 0;

	/* What the pins cost: everything charged since boot. */
	res->bytes_per_ref =
		res->pinned ? (double)(peak.used - boot.used) / res->pinned : 0;
	printf("  with every reference held:\n");
	printf("    dead tasks pinned        %12lu\n", res->pinned);
	print_stats(&peak);
	printf("    bytes per reference      %12.0f\n", res->bytes_per_ref);

	for (i = 0; i < res->pinned; i++)
		drop(kind, refs[i]);
	settle();
	lowmem_read_stats(lm, &after);
	printf("  after dropping them (init alone is left):\n");
	print_stats(&after);

	pidfs_kernel_destroy(k);
out_free:
	free(refs);
	return err;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [-n TASKS]   (default 100000)\n", prog);
}

int main(int argc, char **argv)
{
	struct run_result pid_res, task_res;
	unsigned long n = 100000;
	char *end;
	int opt, err;

	while ((opt = getopt(argc, argv, "hn:")) != -1) {
		switch (opt) {
		case 'n':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || !n || optarg[0] == '-') {
				usage(stderr, argv[0]);
				return EXIT_FAILURE;
			}
			break;
		case 'h':
			usage(stdout, argv[0]);
			return EXIT_SUCCESS;
		default:
			usage(stderr, argv[0]);
			return EXIT_FAILURE;
		}
	}
	if (optind != argc) {
		usage(stderr, argv[0]);
		return EXIT_FAILURE;
	}

	printf("pinmem: low memory %.0f MiB, task_struct %d bytes "
	       "(with its kernel stack)\n",
	       PIDFS_LOWMEM_DEFAULT / MIB, TASK_SIZE_DEFAULT);

	err = run(REF_PID, n, &pid_res);
	if (!err)
		err = run(REF_TASK, n, &task_res);
	if (err) {
		fprintf(stderr, "pinmem: %s\n", strerror(-err));
		return EXIT_FAILURE;
	}

	printf("\nbytes pinned per reference: task %.0f, pid %.0f\n",
	       task_res.bytes_per_ref, pid_res.bytes_per_ref);
	if (pid_res.bytes_per_ref > 0)
		printf("a task_struct reference pins %.1f times what a "
		       "struct pid reference pins\n",
		       task_res.bytes_per_ref / pid_res.bytes_per_ref);
	return EXIT_SUCCESS;
}
