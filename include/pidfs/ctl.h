/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control language.
 *
 * The simulated kernel has no processes of its own: something must fork,
 * exit and reap for it.  That is the control language, one command per
 * line, written to the mount's /ctl file and answered by a reply read
 * back from it.  This layer is the language alone: it parses a line, runs
 * it against the task layer (pidfs/task.h), and renders the reply.  It
 * knows nothing of FUSE, so the unit tests and the fuzzer drive it
 * directly.
 *
 * Commands (the replies end in a newline where there is one):
 *
 *   fork [PPID [COMM]]       <pid>           child of PPID (0 or none: init)
 *   thread TGID [COMM]       <tid>           new thread in TGID's group
 *   exit PID [CODE]          (empty)         to zombie; CODE 0 if none
 *   reap PID                 (empty)         release a zombie
 *   kill PID [CODE]          (empty)         exit and reap, as one step
 *   setpgid PID PGID         (empty)         PGID 0 means PID, as setpgid(2)
 *   setsid PID               <sid>
 *   exec PID COMM [ARG...]   (empty)         argv is COMM then the ARGs
 *   spawn N [PPID]           one pid a line  N children, all or nothing
 *   setuid PID UID [GID]     (empty)         pidfs's own, see below
 *   failnth N                (empty)         pidfs's own, see below
 *   unshare PID              <nsid>          new pid namespace, see below
 *
 * unshare is unshare(CLONE_NEWPID) run by PID: its later children (the
 * first becomes the new namespace's init, number 1 there) go into a new
 * pid namespace one level below PID's own; the reply is its id (the
 * initial namespace's is 4026531836, Linux's PROC_PID_INIT_INO; new ones
 * count up from there).  -ESRCH; -EINVAL when PID unshared already and
 * has not forked since (the kernel's copy_pid_ns()); -ENOSPC past
 * MAX_PID_NS_LEVEL (32) levels; -ENOMEM.  Every pid written to or read
 * from ctl, whatever namespace the task is in, is its number in the
 * initial namespace.  A fork into a namespace whose init has died fails
 * -ENOMEM, as Linux's does; so does every fork into one whose first fork
 * failed (Linux closes it then: no init will come), the one place where a
 * failed command leaves the kernel changed.  thread fails -EINVAL for a
 * task that unshared, as clone(CLONE_THREAD) does.
 *
 * setuid is not in Linux's /proc vocabulary; it exists so that the per-uid
 * process limit (-o nproc) can be exercised: it changes the owner of
 * PID's thread group.  GID omitted keeps the group's current gid.
 *
 * failnth is a debugging command, for tests that drive a mounted pidfs:
 * the Nth allocation from the low-memory zone from now on fails, whatever
 * asks for it (lowmem_fail_nth()); 0 disarms it.  A test arms it, runs
 * one command and disarms it, for N = 1, 2, 3, ... until the command
 * succeeds, so that every allocation site of that command fails once.
 * failnth itself allocates nothing from the zone and always succeeds.
 *
 * Syntax.  One line of at most PIDFS_CTL_LINE_MAX bytes, counting one
 * optional trailing newline; no other newline and no NUL byte.  Tokens are
 * separated by runs of spaces and tabs; blanks before the first token and
 * after the last are ignored.  Numbers are plain decimals: digits only, no
 * sign, no leading zero except in "0", in range:
 *
 *   PID, TGID        1 .. PID_MAX_LIMIT - 1
 *   PPID, PGID       0 .. PID_MAX_LIMIT - 1 (0: init, resp. PID itself)
 *   CODE             0 .. 255
 *   N                1 .. PIDFS_CTL_SPAWN_MAX (spawn); 0 .. 2^32 - 1
 *                    (failnth)
 *   UID, GID         0 .. 4294967294 ((uid_t)-1 means "unchanged" to
 *                    setresuid(2), so it is no owner)
 *
 * COMM is 1 .. TASK_COMM_LEN - 1 printable ASCII characters other than
 * space, so that every rendering of it (stat, status, comm) stays one line
 * of text that ps and pgrep read as one field.  An ARG of exec is any run
 * of bytes other than blanks, newline and NUL: a real cmdline may hold
 * anything, and /proc/PID/cmdline is read as raw bytes.  Anything else,
 * including an unknown command or a missing or extra argument, is a
 * syntax error: -EINVAL.
 *
 * Errors.  A failed command returns a negative errno (the task layer's,
 * passed through: -ESRCH, -EAGAIN, -ENOMEM, -EPERM, -ECHILD, -E2BIG,
 * -ENOSPC; or
 * -EINVAL for syntax) and its reply is exactly "error: <reason>\n", with a
 * short reason naming the command and the culprit, e.g.
 * "error: fork: no such parent 42" or
 * "error: syntax: unknown command \"frok\"".  Bytes of the line quoted in
 * a reason are escaped (\xHH) unless printable, and cut after a few dozen.
 *
 * A failed command leaves the simulated kernel as it found it.  The task
 * layer changes nothing on failure, except that a failed fork may have
 * advanced the pid allocator's last_pid, as the kernel's does; the control
 * layer puts last_pid back.  It can do so exactly because it serialises
 * commands with its own mutex: no other fork runs between the failure and
 * the repair.  The struct pids and tasks a failed fork or spawn gave back
 * are freed after an RCU grace period; the control layer waits for it.
 * History counters (OOM events, fork failures, struct pid serials) do
 * count the failure: they are the record of it.  One exception remains: a
 * failed fork that had to map a new page of the pid bitmap leaves it
 * mapped, as the kernel did, because the pid layer never frees one.
 */
#ifndef PIDFS_CTL_H
#define PIDFS_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pidfs/task.h"

/*
 * Longest command line, counting its trailing newline.  Twice
 * PIDFS_ARGS_MAX, so an argv too long for exec is refused by the task
 * layer (-E2BIG, one rule in one place), not cut short by the parser.
 */
#define PIDFS_CTL_LINE_MAX	(2 * PIDFS_ARGS_MAX)

/*
 * Most children one spawn creates: the 100,000 dead tasks of the attack
 * DESIGN.md describes (1000 fds times 100 processes) in one command.  The
 * reply is then about 800 KB.
 */
#define PIDFS_CTL_SPAWN_MAX	100000

/* Room for a reason, NUL included; longer reasons are cut. */
#define PIDFS_CTL_REASON_MAX	160

enum pidfs_ctl_op {
	PIDFS_CTL_FORK,
	PIDFS_CTL_THREAD,
	PIDFS_CTL_EXIT,
	PIDFS_CTL_REAP,
	PIDFS_CTL_KILL,
	PIDFS_CTL_SETPGID,
	PIDFS_CTL_SETSID,
	PIDFS_CTL_EXEC,
	PIDFS_CTL_SPAWN,
	PIDFS_CTL_SETUID,
	PIDFS_CTL_FAILNTH,
	PIDFS_CTL_UNSHARE,
	PIDFS_CTL_NR_OPS,
};

/*
 * A parsed command.  Fields an op does not take are zero.  Large (the argv
 * of exec is stored inline, so parsing never allocates): keep it off small
 * stacks.
 */
struct pidfs_ctl_cmd {
	enum pidfs_ctl_op op;
	/* fork, spawn: PPID (0: init); thread: TGID; the others: PID */
	pid_t pid;
	pid_t pgid;			/* setpgid; 0 means pid */
	int code;			/* exit, kill */
	unsigned int n;			/* spawn, failnth */
	uid_t uid;			/* setuid */
	gid_t gid;			/* setuid, when has_gid */
	bool has_gid;
	/* fork, thread: the child's name, "" for the parent's; exec: new */
	char comm[TASK_COMM_LEN];
	/* exec: argv, COMM first, each argument NUL-terminated */
	size_t args_len;
	char args[PIDFS_CTL_LINE_MAX];
	/* On -EINVAL: why, NUL-terminated, without "error: " or newline. */
	char reason[PIDFS_CTL_REASON_MAX];
};

/*
 * Parse @len bytes at @line (not NUL-terminated; may be NULL when @len is
 * 0) into @cmd.  Returns 0, or -EINVAL with @cmd->reason set.  Pure: no
 * allocation, no state, any thread.
 */
int pidfs_ctl_parse(const char *line, size_t len, struct pidfs_ctl_cmd *cmd);

/* Name of an op as the language spells it ("fork"), or NULL.  Any thread. */
const char *pidfs_ctl_op_name(enum pidfs_ctl_op op);

/*
 * Its usage line ("fork [PPID [COMM]]"), or NULL past the last op, so
 * that help texts list the commands from the parser's own table.  Any
 * thread.
 */
const char *pidfs_ctl_op_usage(enum pidfs_ctl_op op);

/*
 * A reply: @len bytes of text at @buf, NUL-terminated beyond @len for
 * convenience.  An empty reply has @len 0 (and a valid @buf).  @buf is NULL
 * only when the process itself ran out of memory for it.
 */
struct pidfs_ctl_reply {
	char *buf;
	size_t len;
};

/* Free a reply's text and zero it; a zeroed reply may be freed again. */
void pidfs_ctl_reply_free(struct pidfs_ctl_reply *reply);

struct pidfs_ctl;		/* opaque */

/*
 * A control interpreter over kernel @k, which must outlive it.  Returns
 * NULL on ENOMEM.
 */
struct pidfs_ctl *pidfs_ctl_create(struct pidfs_kernel *k);
void pidfs_ctl_destroy(struct pidfs_ctl *ctl);

/*
 * Parse and run one command line (@len bytes at @line, as for
 * pidfs_ctl_parse()), and store its reply in @reply, which the caller
 * frees with pidfs_ctl_reply_free().  Returns 0, or a negative errno with
 * "error: <reason>\n" as the reply and the kernel unchanged.  Should the
 * process have no memory left for the reply itself, returns -ENOMEM with
 * @reply->buf NULL (and a spawn that cannot get memory for its pid list
 * fails with -ENOMEM, reason "spawn: out of memory", having done nothing).
 *
 * The command's model events go to @event(@arg, ...) (NULL: nowhere), as
 * they happen, with the ctl's mutex and the kernel's operation lock held:
 * @event must not call back into this ctl or start a run of its own.
 *
 * Takes the ctl's mutex for the whole command, so commands run one at a
 * time, then runs the command as one run of the task layer
 * (pidfs_kernel_begin()), which reports why an operation failed and
 * leaves the kernel as it was after a failed fork.  Call with no lock
 * held, outside rcu_read_lock() and RCU callbacks; may block.
 */
int pidfs_ctl_exec(struct pidfs_ctl *ctl, const char *line, size_t len,
		   struct pidfs_ctl_reply *reply, pidfs_event_fn event,
		   void *arg);

#endif /* PIDFS_CTL_H */
