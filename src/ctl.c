// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control language: parse a command line, run it against the task
 * layer, render the reply.  include/pidfs/ctl.h describes the language.
 *
 * This models no kernel code; it stands in for the programs that would
 * fork and exit on a real machine.  It is split in two halves so that the
 * dangerous one can be fuzzed alone:
 *
 *  - pidfs_ctl_parse() is pure.  It reads untrusted bytes (anyone who may
 *    open /ctl writes them) into a struct pidfs_ctl_cmd and never
 *    allocates.  The commands are a table (ctl_syntax[]): a name, a usage
 *    string and the kinds of its arguments, each kind carrying its range
 *    and the field it fills.  Adding a command is one line there and one
 *    case in ctl_run().
 *
 *  - pidfs_ctl_exec() runs a parsed command under ctl->lock, which
 *    serialises commands, as one run of the task layer
 *    (pidfs_kernel_begin()): the task layer says why an operation failed
 *    and leaves the kernel as it was after a failed fork; ctl renders the
 *    reply and does nothing more.
 *
 * Locking: ctl->lock, then the kernel's operation lock, then whatever the
 * task layer takes (tasklist_lock, pidmap_lock, the caches' mutexes).  No
 * RCU read side here; a failed fork waits for RCU callbacks
 * (rcu_barrier()), which is why commands must not be run from inside a
 * read-side critical section.  Never prints.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/ctl.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

/* What an argument is: its range, and the field of the command it fills. */
enum ctl_arg {
	ARG_NONE,
	ARG_PID,	/* 1 .. PID_MAX_LIMIT - 1, into pid */
	ARG_PPID,	/* 0 .. PID_MAX_LIMIT - 1, into pid */
	ARG_PGID,	/* 0 .. PID_MAX_LIMIT - 1, into pgid */
	ARG_CODE,	/* 0 .. 255, into code */
	ARG_COUNT,	/* 1 .. PIDFS_CTL_SPAWN_MAX, into n */
	ARG_NTH,	/* 0 .. 2^32 - 1, into n */
	ARG_UID,	/* 0 .. 2^32 - 2, into uid */
	ARG_GID,	/* 0 .. 2^32 - 2, into gid */
	ARG_COMM,	/* into comm */
	ARG_ARGV0,	/* into comm, and first word of args */
	ARG_ARGV,	/* this and every further token, into args */
	ARG_NR_KINDS,
};

/* Inclusive bounds of the numeric kinds. */
static const struct {
	uint32_t min, max;
} ctl_arg_range[ARG_NR_KINDS] = {
	[ARG_PID] = { 1, PID_MAX_LIMIT - 1 },
	[ARG_PPID] = { 0, PID_MAX_LIMIT - 1 },
	[ARG_PGID] = { 0, PID_MAX_LIMIT - 1 },
	[ARG_CODE] = { 0, 255 },
	[ARG_COUNT] = { 1, PIDFS_CTL_SPAWN_MAX },
	[ARG_NTH] = { 0, UINT32_MAX },
	[ARG_UID] = { 0, UINT32_MAX - 1 },
	[ARG_GID] = { 0, UINT32_MAX - 1 },
};

#define CTL_MAX_ARGS	3

struct ctl_syntax {
	const char *name;
	const char *usage;
	unsigned int required;	/* leading args[] that must be given */
	struct {
		const char *name;
		enum ctl_arg kind;
	} args[CTL_MAX_ARGS];	/* ends at the first ARG_NONE */
};

/* One command per entry; clang-format would give each field a line. */
/* clang-format off */
static const struct ctl_syntax ctl_syntax[PIDFS_CTL_NR_OPS] = {
	[PIDFS_CTL_FORK] = { "fork", "fork [PPID [COMM]]", 0,
			     { { "PPID", ARG_PPID }, { "COMM", ARG_COMM } } },
	[PIDFS_CTL_THREAD] = { "thread", "thread TGID [COMM]", 1,
			       { { "TGID", ARG_PID }, { "COMM", ARG_COMM } } },
	[PIDFS_CTL_EXIT] = { "exit", "exit PID [CODE]", 1,
			     { { "PID", ARG_PID }, { "CODE", ARG_CODE } } },
	[PIDFS_CTL_REAP] = { "reap", "reap PID", 1, { { "PID", ARG_PID } } },
	[PIDFS_CTL_KILL] = { "kill", "kill PID [CODE]", 1,
			     { { "PID", ARG_PID }, { "CODE", ARG_CODE } } },
	[PIDFS_CTL_SETPGID] = { "setpgid", "setpgid PID PGID", 2,
				{ { "PID", ARG_PID }, { "PGID", ARG_PGID } } },
	[PIDFS_CTL_SETSID] = { "setsid", "setsid PID", 1,
			       { { "PID", ARG_PID } } },
	[PIDFS_CTL_EXEC] = { "exec", "exec PID COMM [ARG...]", 2,
			     { { "PID", ARG_PID }, { "COMM", ARG_ARGV0 },
			       { "ARG", ARG_ARGV } } },
	[PIDFS_CTL_SPAWN] = { "spawn", "spawn N [PPID]", 1,
			      { { "N", ARG_COUNT }, { "PPID", ARG_PPID } } },
	[PIDFS_CTL_SETUID] = { "setuid", "setuid PID UID [GID]", 2,
			       { { "PID", ARG_PID }, { "UID", ARG_UID },
				 { "GID", ARG_GID } } },
	[PIDFS_CTL_FAILNTH] = { "failnth", "failnth N", 1,
				{ { "N", ARG_NTH } } },
	[PIDFS_CTL_UNSHARE] = { "unshare", "unshare PID", 1,
				{ { "PID", ARG_PID } } },
};
/* clang-format on */

const char *pidfs_ctl_op_name(enum pidfs_ctl_op op)
{
	if ((unsigned int)op >= PIDFS_CTL_NR_OPS)
		return NULL;
	return ctl_syntax[op].name;
}

const char *pidfs_ctl_op_usage(enum pidfs_ctl_op op)
{
	if ((unsigned int)op >= PIDFS_CTL_NR_OPS)
		return NULL;
	return ctl_syntax[op].usage;
}

/* ------------------------------------------------------------------------
 * Parsing
 */

struct ctl_token {
	const char *s;
	size_t len;
};

struct ctl_lexer {
	const char *p, *end;
};

static bool ctl_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next run of non-blanks, or false at the end of the line. */
static bool ctl_next_token(struct ctl_lexer *lx, struct ctl_token *tok)
{
	while (lx->p < lx->end && ctl_blank(*lx->p))
		lx->p++;
	if (lx->p == lx->end)
		return false;
	tok->s = lx->p;
	while (lx->p < lx->end && !ctl_blank(*lx->p))
		lx->p++;
	tok->len = (size_t)(lx->p - tok->s);
	return true;
}

static bool ctl_token_is(const struct ctl_token *tok, const char *word)
{
	return strlen(word) == tok->len && !memcmp(tok->s, word, tok->len);
}

/*
 * Quote up to CTL_QUOTE_MAX bytes of untrusted @tok into @buf for a
 * reason, so that the reply stays one line of printable text whatever was
 * written.
 */
#define CTL_QUOTE_MAX	24
#define CTL_QUOTE_SIZE	(CTL_QUOTE_MAX * 4 + sizeof("..."))

static const char *ctl_quote(char buf[CTL_QUOTE_SIZE],
			     const struct ctl_token *tok)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = tok->len < CTL_QUOTE_MAX ? tok->len : CTL_QUOTE_MAX;
	char *o = buf;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tok->s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		*o++ = 'x';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 0xf];
	}
	if (n < tok->len) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return buf;
}

static int ctl_syntax_error(struct pidfs_ctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int ctl_syntax_error(struct pidfs_ctl_cmd *cmd, const char *fmt, ...)
{
	static const char prefix[] = "syntax: ";
	va_list ap;

	memcpy(cmd->reason, prefix, sizeof(prefix));
	va_start(ap, fmt);
	vsnprintf(cmd->reason + sizeof(prefix) - 1,
		  sizeof(cmd->reason) - (sizeof(prefix) - 1), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * A plain decimal: digits only, no sign, no leading zero but in "0".
 * strtoul() would take blanks, signs, "0x" and wrap-around, each a way
 * for one command to have two spellings.
 */
static bool ctl_decimal(const struct ctl_token *tok, uint32_t min, uint32_t max,
			uint32_t *val)
{
	uint64_t v = 0;

	/* 10 digits hold UINT32_MAX; more is out of range anyway */
	if (!tok->len || tok->len > 10)
		return false;
	if (tok->s[0] == '0' && tok->len > 1)
		return false;
	for (size_t i = 0; i < tok->len; i++) {
		if (tok->s[i] < '0' || tok->s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(tok->s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*val = (uint32_t)v;
	return true;
}

/* 1 .. TASK_COMM_LEN - 1 printable ASCII characters, none a space. */
static bool ctl_comm(const struct ctl_token *tok, char comm[TASK_COMM_LEN])
{
	if (!tok->len || tok->len >= TASK_COMM_LEN)
		return false;
	for (size_t i = 0; i < tok->len; i++)
		if (tok->s[i] <= ' ' || tok->s[i] >= 0x7f)
			return false;
	memcpy(comm, tok->s, tok->len);
	comm[tok->len] = '\0';
	return true;
}

static int ctl_argv_add(struct pidfs_ctl_cmd *cmd, const struct ctl_token *tok)
{
	/*
	 * Cannot overflow: a line of at most PIDFS_CTL_LINE_MAX bytes holds
	 * the command name and a blank before each word, so its words plus a
	 * NUL each fit in as many bytes.  Checked all the same, since this is
	 * where a fuzzer would find out otherwise.
	 */
	if (tok->len >= sizeof(cmd->args) - cmd->args_len)
		return ctl_syntax_error(cmd, "exec: arguments too long");
	memcpy(cmd->args + cmd->args_len, tok->s, tok->len);
	cmd->args_len += tok->len;
	cmd->args[cmd->args_len++] = '\0';
	return 0;
}

static int ctl_parse_arg(struct pidfs_ctl_cmd *cmd,
			 const struct ctl_syntax *syn, unsigned int i,
			 const struct ctl_token *tok)
{
	enum ctl_arg kind = syn->args[i].kind;
	char q[CTL_QUOTE_SIZE];
	uint32_t v;

	switch (kind) {
	case ARG_COMM:
	case ARG_ARGV0:
		if (!ctl_comm(tok, cmd->comm))
			return ctl_syntax_error(
				cmd,
				"%s: %s \"%s\" is not 1..%d printable characters",
				syn->name, syn->args[i].name, ctl_quote(q, tok),
				TASK_COMM_LEN - 1);
		return kind == ARG_ARGV0 ? ctl_argv_add(cmd, tok) : 0;
	case ARG_ARGV:
		return ctl_argv_add(cmd, tok);
	default:
		break;
	}

	if (!ctl_decimal(tok, ctl_arg_range[kind].min, ctl_arg_range[kind].max,
			 &v))
		return ctl_syntax_error(
			cmd, "%s: %s \"%s\" is not a decimal in %u..%u",
			syn->name, syn->args[i].name, ctl_quote(q, tok),
			ctl_arg_range[kind].min, ctl_arg_range[kind].max);

	switch (kind) {
	case ARG_PID:
	case ARG_PPID:
		cmd->pid = (pid_t)v;
		break;
	case ARG_PGID:
		cmd->pgid = (pid_t)v;
		break;
	case ARG_CODE:
		cmd->code = (int)v;
		break;
	case ARG_COUNT:
	case ARG_NTH:
		cmd->n = v;
		break;
	case ARG_UID:
		cmd->uid = (uid_t)v;
		break;
	case ARG_GID:
		cmd->gid = (gid_t)v;
		cmd->has_gid = true;
		break;
	default:
		break;
	}
	return 0;
}

int pidfs_ctl_parse(const char *line, size_t len, struct pidfs_ctl_cmd *cmd)
{
	const struct ctl_syntax *syn = NULL;
	struct ctl_lexer lx;
	struct ctl_token tok;
	char q[CTL_QUOTE_SIZE];
	unsigned int i;
	int err;

	/* args[] is large and only its first args_len bytes mean anything */
	memset(cmd, 0, offsetof(struct pidfs_ctl_cmd, args));
	cmd->reason[0] = '\0';

	if (len > PIDFS_CTL_LINE_MAX)
		return ctl_syntax_error(cmd, "line longer than %d bytes",
					PIDFS_CTL_LINE_MAX);
	if (len && line[len - 1] == '\n')
		len--;
	if (!len)
		return ctl_syntax_error(cmd, "empty line");
	if (memchr(line, '\0', len))
		return ctl_syntax_error(cmd, "NUL byte in line");
	if (memchr(line, '\n', len))
		return ctl_syntax_error(cmd, "more than one line");

	lx.p = line;
	lx.end = line + len;
	if (!ctl_next_token(&lx, &tok))
		return ctl_syntax_error(cmd, "empty line");
	for (i = 0; i < PIDFS_CTL_NR_OPS; i++) {
		if (ctl_token_is(&tok, ctl_syntax[i].name)) {
			syn = &ctl_syntax[i];
			break;
		}
	}
	if (!syn)
		return ctl_syntax_error(cmd, "unknown command \"%s\"",
					ctl_quote(q, &tok));
	cmd->op = (enum pidfs_ctl_op)i;

	for (i = 0; i < CTL_MAX_ARGS && syn->args[i].kind != ARG_NONE; i++) {
		if (!ctl_next_token(&lx, &tok)) {
			if (i < syn->required)
				return ctl_syntax_error(
					cmd, "%s: missing %s (usage: %s)",
					syn->name, syn->args[i].name,
					syn->usage);
			return 0;
		}
		err = ctl_parse_arg(cmd, syn, i, &tok);
		if (err)
			return err;
		if (syn->args[i].kind != ARG_ARGV)
			continue;
		/* a variadic kind takes the rest of the line */
		while (ctl_next_token(&lx, &tok)) {
			err = ctl_parse_arg(cmd, syn, i, &tok);
			if (err)
				return err;
		}
		return 0;
	}
	if (ctl_next_token(&lx, &tok))
		return ctl_syntax_error(cmd,
					"%s: too many arguments (usage: %s)",
					syn->name, syn->usage);
	return 0;
}

/* ------------------------------------------------------------------------
 * Execution
 */

struct pidfs_ctl {
	struct pidfs_kernel *k;		/* immutable */
	/*
	 * Serialises commands, from the moment one reads last_pid until it
	 * has put it back after a failure, so that a repair never undoes
	 * another command's fork.  A mutex rather than a spinlock: a command
	 * may run for long (a spawn of 100,000) and the task layer below may
	 * block.  Taken before every lock of the task layer.
	 */
	pthread_mutex_t lock;
	/*
	 * Scratch, protected by lock: too large for the stack of a FUSE
	 * worker thread, and there is only ever one command running.
	 */
	struct pidfs_ctl_cmd cmd;
	struct task_info info;
	unsigned int nsid;		/* unshare's reply */
};

struct pidfs_ctl *pidfs_ctl_create(struct pidfs_kernel *k)
{
	struct pidfs_ctl *ctl = calloc(1, sizeof(*ctl));

	if (!ctl)
		return NULL;
	ctl->k = k;
	if (pthread_mutex_init(&ctl->lock, NULL)) {
		free(ctl);
		return NULL;
	}
	return ctl;
}

void pidfs_ctl_destroy(struct pidfs_ctl *ctl)
{
	if (!ctl)
		return;
	pthread_mutex_destroy(&ctl->lock);
	free(ctl);
}

void pidfs_ctl_reply_free(struct pidfs_ctl_reply *reply)
{
	free(reply->buf);
	reply->buf = NULL;
	reply->len = 0;
}

/* Digits of the largest pid, PID_MAX_LIMIT - 1 = 4194303. */
#define CTL_PID_DIGITS	7
_Static_assert(PID_MAX_LIMIT <= 10000000, "CTL_PID_DIGITS too small");

/* "error: " + reason + "\n" + NUL */
#define CTL_ERROR_SIZE	(sizeof("error: \n") + PIDFS_CTL_REASON_MAX)

/* Room for any reply of @cmd, an error reply included. */
static size_t ctl_reply_size(const struct pidfs_ctl_cmd *cmd)
{
	size_t n = cmd->op == PIDFS_CTL_SPAWN ? cmd->n : 1;
	size_t size = n * (CTL_PID_DIGITS + 1) + 1;

	return size > CTL_ERROR_SIZE ? size : CTL_ERROR_SIZE;
}

static void ctl_reply_error(struct pidfs_ctl_reply *reply, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ctl_reply_error(struct pidfs_ctl_reply *reply, const char *fmt, ...)
{
	char reason[PIDFS_CTL_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* CTL_ERROR_SIZE bytes were allocated: this cannot be cut */
	reply->len = (size_t)snprintf(reply->buf, CTL_ERROR_SIZE, "error: %s\n",
				      reason);
}

/* setuid without a GID keeps the group's gid: read it, under ctl->lock. */
static int ctl_setuid(struct pidfs_ctl *ctl, const struct pidfs_ctl_cmd *cmd)
{
	struct task_struct *t;
	gid_t gid = cmd->gid;
	int err;

	if (!cmd->has_gid) {
		t = pidfs_get_task(ctl->k, cmd->pid);
		if (!t)
			return -ESRCH;
		err = pidfs_task_info(t, &ctl->info);
		put_task_struct(t);
		if (err)
			return err;
		gid = ctl->info.gid;
	}
	return pidfs_setuid(ctl->k, cmd->pid, cmd->uid, gid);
}

/*
 * Run @cmd; on success the numbers of the reply, one a line, are in
 * @out[0 .. *nout - 1].  @out has room for cmd->n pids for spawn, one
 * otherwise.
 */
static int ctl_run(struct pidfs_ctl *ctl, const struct pidfs_ctl_cmd *cmd,
		   pid_t *out, unsigned int *nout)
{
	struct pidfs_kernel *k = ctl->k;
	const char *comm = cmd->comm[0] ? cmd->comm : NULL;

	*nout = 0;
	switch (cmd->op) {
	case PIDFS_CTL_FORK:
		*nout = 1;
		return pidfs_fork(k, cmd->pid, comm, out);
	case PIDFS_CTL_THREAD:
		*nout = 1;
		return pidfs_thread(k, cmd->pid, comm, out);
	case PIDFS_CTL_EXIT:
		return pidfs_exit(k, cmd->pid, cmd->code);
	case PIDFS_CTL_REAP:
		return pidfs_reap(k, cmd->pid);
	case PIDFS_CTL_KILL:
		return pidfs_kill(k, cmd->pid, cmd->code);
	case PIDFS_CTL_SETPGID:
		return pidfs_setpgid(k, cmd->pid, cmd->pgid);
	case PIDFS_CTL_SETSID:
		*nout = 1;
		return pidfs_setsid(k, cmd->pid, out);
	case PIDFS_CTL_EXEC:
		return pidfs_exec(k, cmd->pid, cmd->comm, cmd->args,
				  cmd->args_len);
	case PIDFS_CTL_SPAWN:
		*nout = cmd->n;
		return pidfs_spawn(k, cmd->n, cmd->pid, out);
	case PIDFS_CTL_SETUID:
		return ctl_setuid(ctl, cmd);
	case PIDFS_CTL_FAILNTH:
		lowmem_fail_nth(pidfs_kernel_lowmem(k), cmd->n);
		return 0;
	case PIDFS_CTL_UNSHARE:
		return pidfs_unshare_pid(k, cmd->pid, &ctl->nsid);
	case PIDFS_CTL_NR_OPS:
		break;
	}
	return -EINVAL;
}

static const char *ctl_errno_name(int err)
{
	switch (err) {
	case -ESRCH:
		return "no such process";
	case -EAGAIN:
		return "resource temporarily unavailable";
	case -ENOMEM:
		return "out of memory";
	case -EPERM:
		return "operation not permitted";
	case -ECHILD:
		return "no child processes";
	case -E2BIG:
		return "argument list too long";
	case -EINVAL:
		return "invalid argument";
	case -ENOSPC:
		return "no space left on device";
	}
	return "unexpected error";
}

/* Why @cmd failed with @err (@why: the task layer's cause), as "error: ...". */
static void ctl_explain(const struct pidfs_ctl_cmd *cmd, int err,
			enum pidfs_why why, struct pidfs_ctl_reply *reply)
{
	const char *name = ctl_syntax[cmd->op].name;
	pid_t pid = cmd->pid;

	switch (why) {
	case PIDFS_WHY_NO_PID:
		return ctl_reply_error(reply, "%s: no free pid", name);
	case PIDFS_WHY_NPROC:
		return ctl_reply_error(reply, "%s: process limit reached", name);
	case PIDFS_WHY_LOWMEM:
		return ctl_reply_error(reply, "%s: out of low memory", name);
	case PIDFS_WHY_NS_DEAD:
		return ctl_reply_error(reply,
				       "%s: the pid namespace %d forks into "
				       "has no init",
				       name, pid ? pid : 1);
	case PIDFS_WHY_SESSION_LEADER:
		return ctl_reply_error(reply, "%s: %d is a session leader",
				       name, pid);
	case PIDFS_WHY_GROUP_LEADER:
		return ctl_reply_error(
			reply, "%s: %d is already a process group leader", name,
			pid);
	case PIDFS_WHY_NO_GROUP:
		return ctl_reply_error(
			reply, "%s: no process group %d in the session of %d",
			name, cmd->pgid ? cmd->pgid : pid, pid);
	case PIDFS_WHY_NONE:
		break;
	}
	switch (err) {
	case -ESRCH:
		if (cmd->op == PIDFS_CTL_FORK || cmd->op == PIDFS_CTL_SPAWN)
			ctl_reply_error(reply, "%s: no such parent %d", name,
					pid ? pid : 1);
		else if (cmd->op == PIDFS_CTL_THREAD)
			ctl_reply_error(reply, "%s: no such thread group %d",
					name, pid);
		else
			ctl_reply_error(reply, "%s: no such task %d", name,
					pid);
		return;
	case -ENOSPC:
		if (cmd->op != PIDFS_CTL_UNSHARE)
			break;
		ctl_reply_error(reply,
				"%s: %d is %d pid namespaces deep already",
				name, pid, MAX_PID_NS_LEVEL);
		return;
	case -EPERM:
		if (cmd->op != PIDFS_CTL_EXIT && cmd->op != PIDFS_CTL_KILL)
			break;
		if (pid == 1)
			ctl_reply_error(reply, "%s: pid 1 cannot exit", name);
		else
			ctl_reply_error(reply, "%s: %d may not exit", name, pid);
		return;
	case -EINVAL:
		if (cmd->op == PIDFS_CTL_UNSHARE) {
			ctl_reply_error(reply,
					"%s: %d unshared already and has not "
					"forked since",
					name, pid);
			return;
		}
		if (cmd->op == PIDFS_CTL_THREAD) {
			ctl_reply_error(reply,
					"%s: %d unshared its pid namespace",
					name, pid);
			return;
		}
		if (cmd->op != PIDFS_CTL_SETPGID)
			break;
		ctl_reply_error(reply,
				"%s: %d is a thread, not a group leader",
				name, pid);
		return;
	case -ECHILD:
		if (cmd->op != PIDFS_CTL_REAP)
			break;
		ctl_reply_error(reply, "%s: task %d is not a zombie", name,
				pid);
		return;
	case -E2BIG:
		if (cmd->op != PIDFS_CTL_EXEC)
			break;
		ctl_reply_error(reply, "%s: arguments longer than %d bytes",
				name, PIDFS_ARGS_MAX);
		return;
	}
	ctl_reply_error(reply, "%s: %s", name, ctl_errno_name(err));
}

int pidfs_ctl_exec(struct pidfs_ctl *ctl, const char *line, size_t len,
		   struct pidfs_ctl_reply *reply, pidfs_event_fn event,
		   void *arg)
{
	struct pidfs_op op = { .event = event, .arg = arg };
	struct pidfs_ctl_cmd *cmd = &ctl->cmd;
	pid_t one, *out = &one;
	unsigned int nout;
	int err;

	reply->buf = NULL;
	reply->len = 0;

	pthread_mutex_lock(&ctl->lock);
	err = pidfs_ctl_parse(line, len, cmd);
	reply->buf = malloc(err ? CTL_ERROR_SIZE : ctl_reply_size(cmd));
	if (!reply->buf) {
		err = -ENOMEM;
		goto out_unlock;
	}
	reply->buf[0] = '\0';
	if (err) {
		ctl_reply_error(reply, "%s", cmd->reason);
		goto out_unlock;
	}
	if (cmd->op == PIDFS_CTL_SPAWN) {
		out = calloc(cmd->n, sizeof(*out));
		if (!out) {
			ctl_reply_error(reply, "spawn: out of memory");
			err = -ENOMEM;
			goto out_unlock;
		}
	}

	pidfs_kernel_begin(ctl->k, &op);
	err = ctl_run(ctl, cmd, out, &nout);
	pidfs_kernel_end(ctl->k);
	if (err) {
		ctl_explain(cmd, err, op.why, reply);
		goto out_free;
	}
	for (unsigned int i = 0; i < nout; i++)
		reply->len += (size_t)sprintf(reply->buf + reply->len, "%d\n",
					      out[i]);
	if (cmd->op == PIDFS_CTL_UNSHARE)
		reply->len = (size_t)sprintf(reply->buf, "%u\n", ctl->nsid);

out_free:
	if (out != &one)
		free(out);
out_unlock:
	pthread_mutex_unlock(&ctl->lock);
	return err;
}
