// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the control language, parser and executor together,
 * against a live model.
 *
 * Anyone who may open /ctl writes these bytes, and each command changes
 * the simulated kernel, so a bad one can corrupt the very books pidfs
 * exists to keep.  Every input boots a fresh kernel (cheap with the
 * inline RCU shim, see fuzz.h), so inputs are independent and a crash
 * reproduces from its input alone.
 *
 * The input.  Byte 0 picks the kernel's shape, so that exhaustion is in
 * reach of a few commands:
 *
 *   bits 0-1   pid_max 2, 310, 400 or 1024 (2: only init ever fits)
 *   bits 2-3   low memory 64K, 256K, 1M or 4M
 *   bit 4      task_size: the smallest allowed, else the default 10K
 *   bit 5      a per-uid limit of 4 tasks
 *   bit 6      a pid hash of one bucket, every pid on one chain (and
 *              pid_max at most 400: with 1000 pids on a chain, each
 *              command's checks would take a tenth of a second)
 *   bit 7      the rest is one write(2); else one write per line
 *
 * and the rest is command lines, as written to /ctl.  At most
 * MAX_COMMANDS run.
 *
 * Checked after every command:
 *
 *  - the reply: a failure is one of the documented errnos, with
 *    "error: <reason>\n" (one printable line) as the reply; a success
 *    replies the documented numbers, one a line, or nothing;
 *  - the parser: pidfs_ctl_parse() alone refuses exactly what fails with
 *    EINVAL, with the same reason; what it accepts, rendered back in
 *    canonical form, parses to the same command, and was written that
 *    way (each number in its one spelling, each argument in its place);
 *  - ESRCH, EPERM, ECHILD and E2BIG exactly when the model before the
 *    command says so (no such task, pid 1, not a zombie, long argv, the
 *    rules of process groups and sessions); EAGAIN and ENOMEM only from
 *    the commands that fork;
 *  - a failure leaves the model as it found it: every task as a reader
 *    sees it, the zone's charge per kind, the namespace's numbers;
 *    history counters (OOM events, fork failures, serials) are exempt,
 *    and so is a pidmap page a failed fork mapped (see pidfs/ctl.h);
 *  - a success did what the command says (the child exists under its
 *    parent, the zombie is gone, the group changed...);
 *  - the model's invariants: the zone's charge is the sum of its objects
 *    times their sizes, with nothing pinned and nothing left over (after
 *    the RCU callbacks); every hashed pid is found through the hash and
 *    carries a task; each task list holds what its type says; nr_tasks
 *    and nr_zombies match a walk; the pid bitmap counts what the hash
 *    holds; every parent is live, every thread's leader is its group's;
 *  - every model event the file system would see names a consistent
 *    task and pid, and there is one per task made or released.
 *
 *   make fuzz-ctl                      run it (FUZZ_SECONDS, default 60)
 *   tests/fuzz/fuzz-ctl CRASH          replay one input
 *
 * Seeds: tests/fuzz/corpus/ctl/; dictionary: tests/fuzz/ctl.dict.
 */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pidfs/ctl.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/rcu.h"
#include "pidfs/task.h"

#define MAX_COMMANDS	64
#define MAX_TASKS	1024	/* the largest pid_max below */
#define OWNER_UID	1000
#define OWNER_GID	100

/*
 * Enough numbers to run out of, and to wrap (pids wrap to 300): a larger
 * pid_max finds nothing these do not, and makes every check slower.
 */
static const int pid_maxes[] = { 2, 310, 400, 1024 };
static const uint64_t lowmems[] = { 64 << 10, 256 << 10, 1 << 20, 4 << 20 };

static struct pidfs_kernel *k;
static struct pidfs_ctl *ctl;
static int pid_max;
static size_t task_size;

/* What a reader can see of one task, with its argv reduced to a hash. */
struct task_rec {
	pid_t pid, tgid, ppid, pgrp, session;
	uid_t uid;
	gid_t gid;
	int state, exit_state, exit_code, nr_threads;
	bool is_leader, session_leader;
	bool ns_init;			/* number 1 of a namespace below */
	uint64_t start_time, serial, args_hash;
	size_t args_len;
	char comm[TASK_COMM_LEN];
};

struct snapshot {
	struct lowmem_stats lm;
	struct pid_ns_stats ns;
	struct pidfs_kernel_stats ks;
	size_t nr;
	struct task_rec t[MAX_TASKS];	/* by pid, ascending */
};

/* Large: kept off the stack. */
static struct snapshot snaps[2];
/* The model before and after a command; after becomes the next before. */
static struct snapshot *before = &snaps[0], *after = &snaps[1];
static struct task_info ti;
static struct pidfs_ctl_cmd cmd, again;
static char text[PIDFS_CTL_LINE_MAX * 2];

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h;
}

/* ---- events -------------------------------------------------------------- */

/* Events of the command running, by kind. */
static unsigned long events[PIDFS_EV_RELEASE + 1];

/* What fs.c relies on in a record: its task, numbers and pids agree. */
static void on_event(void *arg, const struct pidfs_event_rec *ev)
{
	fuzz_check(ev->task && ev->pid && ev->tgid_pid, "event %d: %s",
		   (int)ev->ev, "missing task or pid");
	fuzz_check(ev->task->pid == ev->nr && pid_nr(ev->pid) == ev->nr,
		   "event %d for %d names task %d, pid %d", (int)ev->ev, ev->nr,
		   ev->task->pid, pid_nr(ev->pid));
	fuzz_check(ev->task->tgid == ev->tgid &&
			   pid_nr(ev->tgid_pid) == ev->tgid,
		   "event %d for %d: tgid %d, leader's pid %d", (int)ev->ev,
		   ev->nr, ev->tgid, pid_nr(ev->tgid_pid));
	fuzz_check(ev->leader == (ev->nr == ev->tgid), "event %d for %d: %s",
		   (int)ev->ev, ev->nr, "leader flag wrong");
	fuzz_check(pid_serial(ev->pid) == ev->task->serial,
		   "event %d for %d: serial %llu, task's %llu", (int)ev->ev,
		   ev->nr, (unsigned long long)pid_serial(ev->pid),
		   (unsigned long long)ev->task->serial);
	fuzz_check(ev->ev != PIDFS_EV_RELEASE ||
			   __atomic_load_n(&ev->task->released,
					   __ATOMIC_RELAXED),
		   "release event for %d before its release", ev->nr);
	fuzz_check((unsigned int)ev->ev <= PIDFS_EV_RELEASE, "event %d",
		   (int)ev->ev);
	events[ev->ev]++;
}

/* ---- snapshots ----------------------------------------------------------- */

static void rec_fill(struct task_rec *r, const struct task_info *i)
{
	memset(r, 0, sizeof(*r));
	r->pid = i->pid;
	r->tgid = i->tgid;
	r->ppid = i->ppid;
	r->pgrp = i->pgrp;
	r->session = i->session;
	r->session_leader = i->session_leader;
	r->uid = i->uid;
	r->gid = i->gid;
	r->state = i->state;
	r->exit_state = i->exit_state;
	r->exit_code = i->exit_code;
	r->nr_threads = i->nr_threads;
	r->is_leader = i->is_leader;
	r->ns_init = i->ns_levels > 1 && i->nspid[i->ns_levels - 1] == 1;
	r->start_time = i->start_time;
	r->serial = i->serial;
	r->args_len = i->args_len;
	r->args_hash = fnv1a(i->args, i->args_len);
	memcpy(r->comm, i->comm, TASK_COMM_LEN);
}

/* Every task, walked as readdir walks them (find_ge_pid()). */
static void snap_take(struct snapshot *s)
{
	struct pid_namespace *ns = pidfs_kernel_ns(k);
	pid_t nrs[MAX_TASKS];
	size_t n = 0;
	struct pid *pid;

	lowmem_read_stats(pidfs_kernel_lowmem(k), &s->lm);
	pid_ns_read_stats(ns, &s->ns);
	pidfs_kernel_read_stats(k, &s->ks);

	rcu_read_lock();
	for (int nr = 1; n < MAX_TASKS && (pid = find_ge_pid_ns(nr, ns));
	     nr = pid_nr(pid) + 1)
		if (pid_task(pid, PIDTYPE_PID))
			nrs[n++] = pid_nr(pid);
	rcu_read_unlock();

	s->nr = 0;
	for (size_t i = 0; i < n; i++) {
		struct task_struct *t = pidfs_get_task(k, nrs[i]);

		fuzz_check(t, "task %d vanished from a quiet model", nrs[i]);
		fuzz_check(!pidfs_task_info(t, &ti), "task %d: no info",
			   nrs[i]);
		put_task_struct(t);
		rec_fill(&s->t[s->nr++], &ti);
	}
}

static const struct task_rec *rec(const struct snapshot *s, pid_t nr)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->t[mid].pid == nr)
			return &s->t[mid];
		if (s->t[mid].pid < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct task_rec *live(const struct snapshot *s, pid_t nr)
{
	const struct task_rec *r = rec(s, nr);

	return r && !r->exit_state ? r : NULL;
}

static uint64_t used_bits(const struct pid_ns_stats *ns)
{
	return (uint64_t)ns->pidmap_pages * BITS_PER_PAGE -
	       (uint64_t)ns->nr_free;
}

/* A failed command: what a reader sees must not have moved. */
static void check_unchanged(const char *line)
{
	const struct lowmem_kind_stats *a, *b;

	for (int kind = LOWMEM_PID; kind <= LOWMEM_TASK; kind++) {
		a = &before->lm.kind[kind];
		b = &after->lm.kind[kind];
		fuzz_check(a->objects == b->objects && a->bytes == b->bytes &&
				   a->pinned == b->pinned,
			   "\"%s\" failed but kind %d went from %llu to %llu "
			   "objects",
			   line, kind, (unsigned long long)a->objects,
			   (unsigned long long)b->objects);
	}
	fuzz_check(after->lm.kind[LOWMEM_PIDMAP].objects >=
			   before->lm.kind[LOWMEM_PIDMAP].objects,
		   "\"%s\" failed and unmapped a pidmap page", line);
	fuzz_check(before->lm.used - before->lm.kind[LOWMEM_PIDMAP].bytes ==
			   after->lm.used - after->lm.kind[LOWMEM_PIDMAP].bytes,
		   "\"%s\" failed but the charge moved", line);
	fuzz_check(before->ns.last_pid == after->ns.last_pid,
		   "\"%s\" failed but last_pid went from %d to %d", line,
		   before->ns.last_pid, after->ns.last_pid);
	fuzz_check(before->ns.nr_pids == after->ns.nr_pids &&
			   used_bits(&before->ns) == used_bits(&after->ns),
		   "\"%s\" failed but the pid namespace changed", line);
	fuzz_check(before->ks.nr_tasks == after->ks.nr_tasks &&
			   before->ks.nr_zombies == after->ks.nr_zombies,
		   "\"%s\" failed but the task counts changed", line);
	fuzz_check(before->nr == after->nr, "\"%s\" failed: %zu tasks, now %zu",
		   line, before->nr, after->nr);
	for (size_t i = 0; i < before->nr; i++)
		fuzz_check(!memcmp(&before->t[i], &after->t[i],
				   sizeof(before->t[i])),
			   "\"%s\" failed but task %d changed", line,
			   before->t[i].pid);
}

/* ---- the model's invariants ---------------------------------------------- */

static size_t list_len(struct pid *pid, enum pid_type type)
{
	struct hlist_node *n;
	size_t len = 0;

	for (n = hlist_first_rcu(&pid->tasks[type]); n; n = hlist_next_rcu(n))
		len++;
	return len;
}

struct walk {
	size_t pids, tasks, leaders, zombies;
	size_t group_members, pgid_links, sid_links;
	uint64_t serials[MAX_TASKS];
};

static struct walk walk;

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Check one task's links.  Call under rcu_read_lock(), in a quiet model. */
static void check_task(struct task_struct *t)
{
	struct task_struct *leader = t->group_leader, *parent, *member;

	fuzz_check(!t->released && t->kernel == k && t->image,
		   "task %d: released, foreign or without image", t->pid);
	fuzz_check(t->exit_state == 0 || t->exit_state == EXIT_ZOMBIE,
		   "task %d: exit_state %d", t->pid, t->exit_state);
	fuzz_check(t->serial == pid_serial(t->pids[PIDTYPE_PID].pid),
		   "task %d: serial is not its pid's", t->pid);
	fuzz_check(leader && !leader->released && thread_group_leader(leader) &&
			   leader->pid == t->tgid && leader->tgid == t->tgid,
		   "task %d: bad group leader", t->pid);
	fuzz_check(t->uid == leader->uid && t->gid == leader->gid,
		   "task %d: credentials differ from its leader's", t->pid);
	walk.tasks++;
	walk.zombies += !!t->exit_state;
	if (!thread_group_leader(t)) {
		/* a leader's exit releases its threads at once */
		fuzz_check(!t->exit_state && !leader->exit_state,
			   "thread %d of %d: a zombie in the group", t->pid,
			   t->tgid);
		return;
	}
	walk.leaders++;
	/* The group is the thread_group list, not a pid type (2.6.17). */
	walk.group_members++;
	cds_list_for_each_entry(member, &t->thread_group, thread_group) {
		fuzz_check(member->group_leader == t && member->tgid == t->pid,
			   "leader %d: thread %d of another group", t->pid,
			   member->pid);
		walk.group_members++;
	}
	fuzz_check(t->pids[PIDTYPE_PGID].pid && t->pids[PIDTYPE_SID].pid,
		   "leader %d: no group or session", t->pid);
	parent = t->real_parent;
	if (t->pid == 1) {
		fuzz_check(!parent && !t->exit_state, "%s", "init is not init");
		return;
	}
	fuzz_check(parent && !parent->released && thread_group_leader(parent) &&
			   !parent->exit_state,
		   "task %d: parent not a live leader", t->pid);
}

static void check_model(void)
{
	struct pid_namespace *ns = pidfs_kernel_ns(k);
	struct task_struct *init;
	struct lowmem_stats lm;
	struct pid_ns_stats st;
	struct pidfs_kernel_stats ks;
	struct pid *pid;

	fuzz_rcu_quiesce();
	lowmem_read_stats(pidfs_kernel_lowmem(k), &lm);
	pid_ns_read_stats(ns, &st);
	pidfs_kernel_read_stats(k, &ks);
	memset(&walk, 0, offsetof(struct walk, serials));

	rcu_read_lock();
	init = find_task_by_pid_type_ns(PIDTYPE_PID, 1, ns);
	fuzz_check(init && !init->exit_state, "%s", "init is gone");
	for (int nr = 1; (pid = find_ge_pid_ns(nr, ns)); nr = pid_nr(pid) + 1) {
		struct task_struct *t;
		size_t in_lists = 0;

		nr = pid_nr(pid);
		fuzz_check(nr > 0 && nr < pid_max && walk.pids < MAX_TASKS,
			   "pid %d out of range", nr);
		fuzz_check(find_pid_ns(nr, ns) == pid,
			   "pid %d not found through the hash", nr);
		/* serials are handed out in allocation order, never reused */
		fuzz_check(pid_serial(pid) && pid_serial(pid) <= st.serials,
			   "pid %d: serial %llu of %llu", nr,
			   (unsigned long long)pid_serial(pid),
			   (unsigned long long)st.serials);
		walk.serials[walk.pids++] = pid_serial(pid);
		for (int type = 0; type < PIDTYPE_MAX; type++)
			in_lists += list_len(pid, type);
		fuzz_check(in_lists, "pid %d hashed with no task", nr);
		fuzz_check(list_len(pid, PIDTYPE_PID) <= 1,
			   "pid %d names two tasks", nr);

		hlist_for_each_entry_rcu(t, &pid->tasks[PIDTYPE_PID],
					 pids[PIDTYPE_PID].node) {
			fuzz_check(
				t->pid == nr && t->pids[PIDTYPE_PID].pid == pid,
				"pid %d: PID list holds task %d", nr, t->pid);
			check_task(t);
		}
		hlist_for_each_entry_rcu(t, &pid->tasks[PIDTYPE_PGID],
					 pids[PIDTYPE_PGID].node) {
			fuzz_check(thread_group_leader(t) &&
					   t->pids[PIDTYPE_PGID].pid == pid,
				   "pid %d: PGID list holds task %d", nr,
				   t->pid);
			walk.pgid_links++;
		}
		hlist_for_each_entry_rcu(t, &pid->tasks[PIDTYPE_SID],
					 pids[PIDTYPE_SID].node) {
			fuzz_check(thread_group_leader(t) &&
					   t->pids[PIDTYPE_SID].pid == pid,
				   "pid %d: SID list holds task %d", nr,
				   t->pid);
			walk.sid_links++;
		}
	}
	rcu_read_unlock();

	qsort(walk.serials, walk.pids, sizeof(walk.serials[0]), by_value);
	for (size_t i = 1; i < walk.pids; i++)
		fuzz_check(walk.serials[i] != walk.serials[i - 1],
			   "two pids share serial %llu",
			   (unsigned long long)walk.serials[i]);
	fuzz_check(walk.pids == (size_t)st.nr_pids,
		   "walk found %zu pids, hash %d", walk.pids, st.nr_pids);
	fuzz_check(used_bits(&st) == walk.pids + 1,
		   "bitmap has %llu numbers in use for %zu pids and pid 0",
		   (unsigned long long)used_bits(&st), walk.pids);
	fuzz_check(walk.tasks == ks.nr_tasks && walk.zombies == ks.nr_zombies,
		   "walk found %zu tasks (%zu zombies), counters say %u (%u)",
		   walk.tasks, walk.zombies, ks.nr_tasks, ks.nr_zombies);
	fuzz_check(walk.group_members == walk.tasks,
		   "%zu tasks in thread groups of %zu", walk.group_members,
		   walk.tasks);
	fuzz_check(walk.pgid_links == walk.leaders &&
			   walk.sid_links == walk.leaders,
		   "%zu leaders, %zu PGID and %zu SID links", walk.leaders,
		   walk.pgid_links, walk.sid_links);

	/* The books: nothing pinned, no object without its owner. */
	fuzz_check(!lm.kind[LOWMEM_PID].pinned && !lm.kind[LOWMEM_TASK].pinned,
		   "pinned with no reference held: %llu pids, %llu tasks",
		   (unsigned long long)lm.kind[LOWMEM_PID].pinned,
		   (unsigned long long)lm.kind[LOWMEM_TASK].pinned);
	fuzz_check(lm.kind[LOWMEM_PID].objects == walk.pids &&
			   lm.kind[LOWMEM_TASK].objects == walk.tasks,
		   "%llu struct pids for %zu pids, %llu tasks for %zu",
		   (unsigned long long)lm.kind[LOWMEM_PID].objects, walk.pids,
		   (unsigned long long)lm.kind[LOWMEM_TASK].objects,
		   walk.tasks);
	fuzz_check(lm.kind[LOWMEM_PID].bytes == st.pids_charged &&
			   lm.kind[LOWMEM_TASK].bytes ==
				   walk.tasks * task_size &&
			   lm.kind[LOWMEM_PIDMAP].bytes ==
				   lm.kind[LOWMEM_PIDMAP].objects * PAGE_SIZE &&
			   lm.kind[LOWMEM_PIDMAP].objects ==
				   (uint64_t)st.tree_pidmap_pages,
		   "%s", "a kind's charge is not its objects times their size");
	fuzz_check(lm.kind[LOWMEM_PIDHASH].objects == 1 &&
			   lm.kind[LOWMEM_PIDHASH].bytes == st.hash_charged,
		   "the hash is charged %llu, not %zu",
		   (unsigned long long)lm.kind[LOWMEM_PIDHASH].bytes,
		   st.hash_charged);
	fuzz_check(lm.used == lm.kind[LOWMEM_PID].bytes +
					   lm.kind[LOWMEM_TASK].bytes +
					   lm.kind[LOWMEM_PIDMAP].bytes +
					   lm.kind[LOWMEM_PIDHASH].bytes &&
			   lm.used <= lm.budget,
		   "zone charges %llu of %llu, its kinds sum otherwise",
		   (unsigned long long)lm.used, (unsigned long long)lm.budget);
}

/* ---- replies and the parser ---------------------------------------------- */

static bool documented_errno(int err)
{
	return err == -EINVAL || err == -ESRCH || err == -EAGAIN ||
	       err == -ENOMEM || err == -EPERM || err == -ECHILD ||
	       err == -E2BIG || err == -ENOSPC;
}

/* Parse a success's reply: @n numbers, one a line, into @out. */
static void reply_numbers(const struct pidfs_ctl_reply *r, pid_t *out, size_t n,
			  const char *line)
{
	const char *p = r->buf;

	for (size_t i = 0; i < n; i++) {
		char *end;
		long v = strtol(p, &end, 10);

		fuzz_check(end > p && *end == '\n' && v > 0 && v < pid_max,
			   "\"%s\": reply \"%.40s\" is not %zu pids", line,
			   r->buf, n);
		out[i] = (pid_t)v;
		p = end + 1;
	}
	fuzz_check(p == r->buf + r->len, "\"%s\": reply too long", line);
}

static void check_error_reply(const struct pidfs_ctl_reply *r, const char *line)
{
	fuzz_check(r->len > 8 && !memcmp(r->buf, "error: ", 7) &&
			   r->buf[r->len - 1] == '\n',
		   "\"%s\": error reply \"%s\"", line, r->buf);
	for (size_t i = 0; i + 1 < r->len; i++)
		fuzz_check(r->buf[i] >= 0x20 && r->buf[i] < 0x7f,
			   "\"%s\": unprintable byte in its error reply", line);
}

/* @c in canonical form: the command's name and its arguments. */
static size_t render(const struct pidfs_ctl_cmd *c, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", pidfs_ctl_op_name(c->op));

#define ADD(...) (n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__))
	switch (c->op) {
	case PIDFS_CTL_FORK:
	case PIDFS_CTL_THREAD:
		ADD(" %d", c->pid);
		if (c->comm[0])
			ADD(" %s", c->comm);
		break;
	case PIDFS_CTL_EXIT:
	case PIDFS_CTL_KILL:
		ADD(" %d %d", c->pid, c->code);
		break;
	case PIDFS_CTL_REAP:
	case PIDFS_CTL_SETSID:
	case PIDFS_CTL_UNSHARE:
		ADD(" %d", c->pid);
		break;
	case PIDFS_CTL_SETPGID:
		ADD(" %d %d", c->pid, c->pgid);
		break;
	case PIDFS_CTL_EXEC:
		ADD(" %d", c->pid);
		for (size_t i = 0; i < c->args_len;
		     i += strlen(c->args + i) + 1)
			ADD(" %s", c->args + i);
		break;
	case PIDFS_CTL_SPAWN:
		ADD(" %u %d", c->n, c->pid);
		break;
	case PIDFS_CTL_SETUID:
		ADD(" %d %u", c->pid, (unsigned int)c->uid);
		if (c->has_gid)
			ADD(" %u", (unsigned int)c->gid);
		break;
	default:
		/* the debugging commands, which take one count */
		ADD(" %u", c->n);
		break;
	}
#undef ADD
	return n;
}

static bool cmd_equal(const struct pidfs_ctl_cmd *a,
		      const struct pidfs_ctl_cmd *b)
{
	return a->op == b->op && a->pid == b->pid && a->pgid == b->pgid &&
	       a->code == b->code && a->n == b->n && a->uid == b->uid &&
	       a->gid == b->gid && a->has_gid == b->has_gid &&
	       !strcmp(a->comm, b->comm) && a->args_len == b->args_len &&
	       !memcmp(a->args, b->args, a->args_len);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * The words of @line (@len bytes) are the first words of @canon: every
 * number was written in its one spelling, every argument went where its
 * position says.  (The rendering spells out optional arguments that a
 * line may leave off.)
 */
static bool tokens_prefix(const char *line, size_t len, const char *canon)
{
	const char *p = line, *end = line + len, *q = canon;

	for (;;) {
		const char *w;

		while (p < end && blank(*p))
			p++;
		while (*q == ' ')
			q++;
		if (p == end)
			return true;
		for (w = p; p < end && !blank(*p); p++)
			;
		if (strncmp(q, w, (size_t)(p - w)) ||
		    (q[p - w] && q[p - w] != ' '))
			return false;
		q += p - w;
	}
}

/*
 * The canonical rendering of a parsed command parses to the same, and
 * the line was spelled that way.
 */
static void check_round_trip(const char *data, size_t len, const char *line)
{
	size_t n = render(&cmd, text, sizeof(text));

	fuzz_check(n < sizeof(text), "\"%s\": rendering too long", line);
	fuzz_check(!pidfs_ctl_parse(text, n, &again),
		   "\"%s\": own rendering \"%s\" refused: %s", line, text,
		   again.reason);
	fuzz_check(cmd_equal(&cmd, &again),
		   "\"%s\" and its rendering \"%s\" parse apart", line, text);
	fuzz_check(tokens_prefix(data, len, text),
		   "\"%s\" is not spelled as its rendering \"%s\"", line, text);
}

/* ---- what each command must have done ------------------------------------ */

/*
 * The errno the model before the command demands, when it demands one:
 * the task a command acts on must exist (live, but for reap), pid 1 never
 * exits, only a zombie is reaped, exec's argv has a limit.  0 when the
 * outcome is up to the command.
 */
/* A process group numbered @pgrp in session @session. */
static bool group_in(pid_t pgrp, pid_t session)
{
	for (size_t i = 0; i < before->nr; i++)
		if (before->t[i].is_leader && before->t[i].pgrp == pgrp &&
		    (!session || before->t[i].session == session))
			return true;
	return false;
}

/*
 * setpgid(2) and setsid(2) of 2.6.17: setpgid acts on a group leader
 * only; a session leader (one that called setsid) cannot change group,
 * and a group can be joined only in one's own session; setsid fails for
 * a session leader, and where a process group is numbered as its thread
 * group (zombies included: their links hold the number), unless that is
 * 1.
 */
static int group_errno(const struct task_rec *r)
{
	const struct task_rec *l = rec(before, r->tgid);
	pid_t pgid = cmd.pgid ? cmd.pgid : r->pid;

	if (cmd.op == PIDFS_CTL_SETSID) {
		if (l->session_leader)
			return -EPERM;
		return l->pid > 1 && group_in(l->pid, 0) ? -EPERM : 0;
	}
	if (!r->is_leader)
		return -EINVAL;
	if (r->session_leader)
		return -EPERM;
	if (pgid != r->pid && !group_in(pgid, r->session))
		return -EPERM;
	return 0;
}

/*
 * The errno the model before the command demands: the task a command acts
 * on must exist (live, but for reap), pid 1 never exits, only a zombie is
 * reaped, exec's argv has a limit, setpgid and setsid follow the rules of
 * groups and sessions.  For fork, thread and spawn, 0 means "0, or EAGAIN
 * or ENOMEM": what runs out first is the command's business.
 */
static int expected_errno(void)
{
	const struct task_rec *r;

	switch (cmd.op) {
	case PIDFS_CTL_FORK:
	case PIDFS_CTL_SPAWN:
		return live(before, cmd.pid ? cmd.pid : 1) ? 0 : -ESRCH;
	case PIDFS_CTL_THREAD:
	case PIDFS_CTL_SETUID:
	case PIDFS_CTL_UNSHARE:
		return live(before, cmd.pid) ? 0 : -ESRCH;
	case PIDFS_CTL_SETPGID:
	case PIDFS_CTL_SETSID:
		r = live(before, cmd.pid);
		return r ? group_errno(r) : -ESRCH;
	case PIDFS_CTL_EXIT:
	case PIDFS_CTL_KILL:
		if (!live(before, cmd.pid))
			return -ESRCH;
		return cmd.pid == 1 ? -EPERM : 0;
	case PIDFS_CTL_REAP:
		r = rec(before, cmd.pid);
		if (!r)
			return -ESRCH;
		return r->exit_state == EXIT_ZOMBIE ? 0 : -ECHILD;
	case PIDFS_CTL_EXEC:
		if (cmd.args_len > PIDFS_ARGS_MAX)
			return -E2BIG;
		return live(before, cmd.pid) ? 0 : -ESRCH;
	default:
		break;
	}
	return 0;
}

static void check_errno(int err, const char *line)
{
	int want = expected_errno();

	if (!want && (cmd.op == PIDFS_CTL_FORK || cmd.op == PIDFS_CTL_THREAD ||
		      cmd.op == PIDFS_CTL_SPAWN))
		fuzz_check(!err || err == -EAGAIN || err == -ENOMEM ||
				   (err == -EINVAL &&
				    cmd.op == PIDFS_CTL_THREAD),
			   "\"%s\": %d", line, err);
	else if (!want && cmd.op == PIDFS_CTL_UNSHARE)
		/* once without a fork between; past 32 levels; memory */
		fuzz_check(!err || err == -EINVAL || err == -ENOSPC ||
				   err == -ENOMEM,
			   "\"%s\": %d", line, err);
	else
		fuzz_check(err == want, "\"%s\": %d, the model demands %d",
			   line, err, want);
}

/*
 * @c, made by fork or spawn from @src (0: init), or by thread: new, live,
 * with its parent's ids, and the image a fork gives (named: that name as
 * its whole argv; else the group leader's comm and argv).
 */
static void check_new(pid_t c, pid_t src, bool thread, const char *line)
{
	const struct task_rec *s = live(before, src ? src : 1);
	const struct task_rec *l = s ? rec(before, s->tgid) : NULL;
	const struct task_rec *r = live(after, c);
	const char *comm;

	fuzz_check(s && l && r && !rec(before, c),
		   "\"%s\": %d is not a new live task", line, c);
	comm = cmd.comm[0] ? cmd.comm : l->comm;
	fuzz_check(!strcmp(r->comm, comm), "\"%s\": %d is named %s", line, c,
		   r->comm);
	if (cmd.comm[0] && !thread)
		fuzz_check(r->args_len == strlen(comm) + 1 &&
				   r->args_hash == fnv1a(comm, r->args_len),
			   "\"%s\": %d's argv is not its name", line, c);
	else
		fuzz_check(r->args_len == l->args_len &&
				   r->args_hash == l->args_hash,
			   "\"%s\": %d's argv is not its leader's", line, c);
	fuzz_check(r->uid == s->uid && r->gid == s->gid && r->pgrp == l->pgrp &&
			   r->session == l->session,
		   "\"%s\": %d has not its parent's ids", line, c);
	if (thread) {
		fuzz_check(r->tgid == s->tgid && !r->is_leader,
			   "\"%s\": %d is not a thread of %d", line, c,
			   s->tgid);
		return;
	}
	fuzz_check(r->tgid == c && r->is_leader && r->ppid == s->tgid &&
			   r->nr_threads == 1,
		   "\"%s\": %d is not a child of %d", line, c, s->tgid);
}

static void check_done(const struct pidfs_ctl_reply *reply, const char *line)
{
	const struct task_rec *b = rec(before, cmd.pid), *a;
	size_t n = cmd.op == PIDFS_CTL_SPAWN ? cmd.n : 1;
	pid_t *nrs;

	switch (cmd.op) {
	case PIDFS_CTL_FORK:
	case PIDFS_CTL_THREAD:
	case PIDFS_CTL_SPAWN:
		nrs = malloc(n * sizeof(*nrs));
		fuzz_check(nrs, "%s", "out of memory");
		reply_numbers(reply, nrs, n, line);
		for (size_t i = 0; i < n; i++)
			check_new(nrs[i], cmd.pid, cmd.op == PIDFS_CTL_THREAD,
				  line);
		fuzz_check(after->ks.nr_tasks == before->ks.nr_tasks + n,
			   "\"%s\": %u tasks, was %u", line, after->ks.nr_tasks,
			   before->ks.nr_tasks);
		free(nrs);
		return;
	case PIDFS_CTL_UNSHARE:
		fuzz_check(reply->len > 1 && reply->buf[reply->len - 1] == '\n' &&
				   strtoul(reply->buf, NULL, 10) >
					   PROC_PID_INIT_INO,
			   "\"%s\": reply \"%s\" is no new namespace", line,
			   reply->buf);
		return;
	case PIDFS_CTL_SETSID:
		a = rec(after, b->tgid);
		fuzz_check(reply->len && atoi(reply->buf) == b->tgid &&
				   a->session == b->tgid && a->pgrp == b->tgid,
			   "\"%s\": session %d, group %d", line, a->session,
			   a->pgrp);
		return;
	default:
		break;
	}
	fuzz_check(!reply->len, "\"%s\": reply \"%s\"", line, reply->buf);
	a = rec(after, cmd.pid);
	switch (cmd.op) {
	case PIDFS_CTL_EXIT:
		if (b->is_leader)
			fuzz_check(a && a->exit_state == EXIT_ZOMBIE &&
					   a->exit_code == cmd.code &&
					   a->nr_threads == 1,
				   "\"%s\": not a zombie alone", line);
		else
			fuzz_check(!a, "\"%s\": thread not released", line);
		break;
	case PIDFS_CTL_REAP:
	case PIDFS_CTL_KILL:
		fuzz_check(!a, "\"%s\": still there", line);
		break;
	case PIDFS_CTL_SETPGID:
		a = rec(after, b->tgid);
		fuzz_check(a->pgrp == (cmd.pgid ? cmd.pgid : b->tgid),
			   "\"%s\": in group %d", line, a->pgrp);
		break;
	case PIDFS_CTL_EXEC:
		a = rec(after, b->tgid);
		fuzz_check(a && !strcmp(a->comm, cmd.comm) &&
				   a->args_len == cmd.args_len &&
				   a->args_hash ==
					   fnv1a(cmd.args, cmd.args_len) &&
				   a->nr_threads == 1,
			   "\"%s\": image not installed alone", line);
		break;
	case PIDFS_CTL_SETUID:
		for (size_t i = 0; i < after->nr; i++) {
			a = &after->t[i];
			if (a->tgid != b->tgid)
				continue;
			fuzz_check(a->uid == cmd.uid &&
					   a->gid == (cmd.has_gid ? cmd.gid :
								    b->gid),
				   "\"%s\": %d owned by %u:%u", line, a->pid,
				   (unsigned int)a->uid, (unsigned int)a->gid);
		}
		break;
	default:
		break;
	}
}

/*
 * One FORK event per task made, one RELEASE per task released: the file
 * system's caches depend on it.  A failure made and undid as many.
 */
static void check_events(int err, const char *line)
{
	const struct task_rec *b = rec(before, cmd.pid);
	unsigned long made = 0, gone = 0;

	if (err) {
		fuzz_check(events[PIDFS_EV_FORK] == events[PIDFS_EV_RELEASE],
			   "\"%s\" failed: %lu forks, %lu releases", line,
			   events[PIDFS_EV_FORK], events[PIDFS_EV_RELEASE]);
		return;
	}
	switch (cmd.op) {
	case PIDFS_CTL_FORK:
	case PIDFS_CTL_THREAD:
		made = 1;
		break;
	case PIDFS_CTL_SPAWN:
		made = cmd.n;
		break;
	case PIDFS_CTL_REAP:
		gone = 1;
		break;
	case PIDFS_CTL_EXIT:
	case PIDFS_CTL_KILL:
		/* a leader takes its threads along, and goes itself on kill */
		gone = b->is_leader ? (unsigned long)b->nr_threads - 1 : 1;
		gone += b->is_leader && cmd.op == PIDFS_CTL_KILL;
		break;
	case PIDFS_CTL_EXEC:
		gone = (unsigned long)rec(before, b->tgid)->nr_threads - 1;
		break;
	default:
		break;
	}
	/* The exit of a namespace's init zaps the namespace: more go. */
	if ((cmd.op == PIDFS_CTL_EXIT || cmd.op == PIDFS_CTL_KILL) &&
	    b->is_leader && b->ns_init)
		gone = events[PIDFS_EV_RELEASE] >= gone ?
			       events[PIDFS_EV_RELEASE] :
			       gone;
	fuzz_check(events[PIDFS_EV_FORK] == made &&
			   events[PIDFS_EV_RELEASE] == gone,
		   "\"%s\": %lu fork and %lu release events, for %lu and %lu",
		   line, events[PIDFS_EV_FORK], events[PIDFS_EV_RELEASE], made,
		   gone);
}

/* ---- one command --------------------------------------------------------- */

static void run_one(const char *data, size_t len)
{
	struct snapshot *swap;
	struct pidfs_ctl_reply reply;
	char line[64];
	int err, perr;

	/* For messages: the start of the line, printable. */
	snprintf(line, sizeof(line), "%.*s", (int)(len < 40 ? len : 40), data);
	for (char *p = line; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';

	swap = before;
	before = after;
	after = swap;
	memset(events, 0, sizeof(events));
	err = pidfs_ctl_exec(ctl, data, len, &reply, on_event, NULL);
	fuzz_rcu_quiesce();
	snap_take(after);

	fuzz_check(reply.buf && reply.buf[reply.len] == '\0' &&
			   strlen(reply.buf) == reply.len,
		   "\"%s\": reply not a string", line);
	fuzz_check(!err || documented_errno(err), "\"%s\": errno %d", line,
		   err);
	perr = pidfs_ctl_parse(data, len, &cmd);
	if (perr) {
		fuzz_check(perr == -EINVAL && err == -EINVAL,
			   "\"%s\": parse %d, exec %d", line, perr, err);
		fuzz_check(!strncmp(reply.buf, "error: ", 7) &&
				   !strncmp(reply.buf + 7, cmd.reason,
					    strlen(cmd.reason)) &&
				   !strcmp(reply.buf + 7 + strlen(cmd.reason),
					   "\n"),
			   "\"%s\": reply \"%s\", reason \"%s\"", line,
			   reply.buf, cmd.reason);
	} else {
		/* The kernel's own EINVALs: setpgid(2), unshare(2), clone(2) */
		fuzz_check(err != -EINVAL || cmd.op == PIDFS_CTL_SETPGID ||
				   cmd.op == PIDFS_CTL_UNSHARE ||
				   cmd.op == PIDFS_CTL_THREAD,
			   "\"%s\": parsed, then EINVAL", line);
		check_round_trip(data, len, line);
		check_errno(err, line);
	}
	if (err) {
		check_error_reply(&reply, line);
		check_unchanged(line);
	} else {
		check_done(&reply, line);
	}
	if (!perr)
		check_events(err, line);
	pidfs_ctl_reply_free(&reply);
	check_model();
}

/* ---- the kernel, per input ----------------------------------------------- */

static void boot(uint8_t shape)
{
	struct pidfs_kernel_params p = {
		.pid_max = pid_maxes[shape & 3],
		.lowmem = lowmems[(shape >> 2) & 3],
		.task_size = shape & 0x10 ? sizeof(struct task_struct) : 0,
		.nproc = shape & 0x20 ? 4 : 0,
		.hash_shift = shape & 0x40 ? 0 : -1,
		.uid = OWNER_UID,
		.gid = OWNER_GID,
	};
	int err;

	if (shape & 0x40 && p.pid_max > 400)
		p.pid_max = 400;
	err = pidfs_kernel_create(&p, &k);
	fuzz_check(!err, "kernel of shape %#x: %d", shape, err);
	pidfs_kernel_set_event_hook(k, on_event, NULL);
	ctl = pidfs_ctl_create(k);
	fuzz_check(ctl, "%s", "out of memory");
	pid_max = p.pid_max;
	task_size = p.task_size ? p.task_size : TASK_SIZE_DEFAULT;
}

static void shut_down(void)
{
	pidfs_ctl_destroy(ctl);
	ctl = NULL;
	pidfs_kernel_destroy(k);
	k = NULL;
	fuzz_check(!fuzz_rcu_pending(), "%s",
		   "callbacks queued after the kernel was destroyed");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1,
		   *end = (const char *)data + size;
	int commands = 0;

	if (!size)
		return 0;
	boot(data[0]);
	snap_take(after);
	check_model();
	if (data[0] & 0x80) {
		run_one(p, (size_t)(end - p));
	} else {
		while (p < end && commands++ < MAX_COMMANDS) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) + 1 :
					  (size_t)(end - p);

			run_one(p, len);
			p += len;
		}
	}
	shut_down();
	return 0;
}
