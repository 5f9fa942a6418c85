/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every fuzz target shares: the libFuzzer entry points, a check that
 * aborts with a message (so libFuzzer and the replay runner both record
 * a crash with the reason), and the inline RCU shim.
 *
 * Each target is built twice from the same source: by `make fuzz` with
 * clang and libFuzzer (-fsanitize=fuzzer,address,undefined), and by
 * `make check` with the build's own compiler and replay.c as its main(),
 * which runs the target once per file of its corpus.  So every seed and
 * every crash kept in tests/fuzz/corpus/ is a regression test.
 */
#ifndef PIDFS_FUZZ_H
#define PIDFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's interface (and replay.c's). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Print "fuzz: <file>:<line>: <what>" and abort, unless @cond. */
#define fuzz_check(cond, ...)                                              \
	do {                                                               \
		if (!(cond))                                               \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...) __attribute__((noreturn, format(printf, 4, 5)));

/*
 * The inline RCU shim (rcu-inline.c).  The targets are single-threaded,
 * so a grace period ends whenever no read-side critical section is open.
 * The shim takes liburcu's call_rcu() and rcu_barrier() over (the link
 * wraps urcu_bp_call_rcu and urcu_bp_barrier): callbacks are queued, and
 * run by rcu_barrier() or fuzz_rcu_quiesce().  liburcu's own callback
 * thread batches callbacks for 10 ms, which would make a kernel per input
 * cost 20 ms; with the shim it costs about 0.1 ms, so every input gets a
 * fresh kernel: inputs are independent, crashes reproduce from the input
 * alone, and LeakSanitizer stays on.
 */

/* Run every queued callback.  Call outside rcu_read_lock(). */
void fuzz_rcu_quiesce(void);

/* Callbacks queued now. */
size_t fuzz_rcu_pending(void);

#endif /* PIDFS_FUZZ_H */
