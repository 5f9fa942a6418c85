// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd files: the pure parts (rendering, the poll mask, PIDFD_GET_INFO,
 * the command parser) and the table of pidfs inodes.
 *
 * Models fs/pidfs.c of Linux 6.15 and later: a pidfd's poll answer comes
 * from the state of the task its struct pid names (pidfd_poll()); its
 * exit information is kept in the pidfs inode, not in struct pid, and
 * is recorded when the task is reaped (pidfs_exit(), called from
 * release_task()), so it outlives the task for as long as a pidfd is
 * open.  Here the inode is an entry of a small hash keyed by the pin the
 * pidfd node holds; the file system creates it at lookup and frees it
 * when the kernel forgets the last pidfd node of that pin.
 *
 * Locking: t->lock (a mutex) guards the hash and every field of every
 * inode.  It is a leaf: nothing is called with it held but malloc and
 * the low-memory caches, and it is never held across a reply.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfs/lowmem.h"
#include "pidfs/pidfd.h"
#include "pidfs/task.h"

#define PIDFD_BUCKETS	1024

unsigned int pidfd_poll_mask(enum pidfd_state state)
{
	switch (state) {
	case PIDFD_ALIVE:
		return 0;
	case PIDFD_EXITED:
		return POLLIN | POLLRDNORM;
	case PIDFD_REAPED:
		break;
	}
	return POLLIN | POLLRDNORM | POLLHUP;
}

size_t pidfd_show(char *buf, size_t size, const struct pidfd_view *v)
{
	const struct task_info *ti = v->state == PIDFD_REAPED ? NULL : v->ti;
	long long pid = ti ? ti->pid : -1, tgid = ti ? ti->tgid : -1;
	long long ppid = ti ? ti->ppid : -1;
	long long uid = ti ? (long long)ti->uid : -1;
	long long gid = ti ? (long long)ti->gid : -1;
	size_t len;
	int n;

	n = snprintf(buf, size, "Pid:\t%lld\nNSpid:", pid);
	len = n < 0 ? 0 : (size_t)n;
	/* from the viewing namespace down to the task's own, as Linux */
	for (unsigned int i = 0; i < (ti && ti->ns_levels ? ti->ns_levels : 1);
	     i++) {
		long long nr = ti && ti->ns_levels ? ti->nspid[i] : pid;

		n = snprintf(len < size ? buf + len : NULL,
			     len < size ? size - len : 0, "\t%lld", nr);
		len += n < 0 ? 0 : (size_t)n;
	}
	n = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
		     "\nTgid:\t%lld\nPPid:\t%lld\n"
		     "Uid:\t%lld\t%lld\t%lld\t%lld\n"
		     "Gid:\t%lld\t%lld\t%lld\t%lld\n"
		     "PidSerial:\t%" PRIu64 "\n",
		     tgid, ppid, uid, uid, uid, uid, gid, gid, gid, gid,
		     v->serial);
	len += n < 0 ? 0 : (size_t)n;
	if (v->has_exit && v->state != PIDFD_ALIVE) {
		n = snprintf(len < size ? buf + len : NULL,
			     len < size ? size - len : 0, "ExitCode:\t%d\n",
			     v->exit_code);
		len += n < 0 ? 0 : (size_t)n;
	}
	return len;
}

int pidfd_info_size(unsigned int cmd)
{
	if (_IOC_SIZE(cmd) < PIDFD_INFO_SIZE_VER0)
		return -ENOTTY;
	return (int)_IOC_SIZE(cmd);
}

int pidfd_get_info(const struct pidfd_view *v, uint64_t mask,
		   struct pidfd_info *out)
{
	const struct task_info *ti = v->ti;

	memset(out, 0, sizeof(*out));
	if ((mask & PIDFD_INFO_EXIT) && v->has_exit &&
	    v->state == PIDFD_REAPED) {
		out->mask |= PIDFD_INFO_EXIT;
		out->exit_code = v->exit_code;
	}
	if (v->state == PIDFD_REAPED || !ti)
		return (mask & PIDFD_INFO_EXIT) ? 0 : -ESRCH;
	out->ruid = out->euid = out->suid = out->fsuid = ti->uid;
	out->rgid = out->egid = out->sgid = out->fsgid = ti->gid;
	out->mask |= PIDFD_INFO_CREDS;
	out->ppid = (uint32_t)ti->ppid;
	out->tgid = (uint32_t)ti->tgid;
	out->pid = (uint32_t)ti->pid;
	out->mask |= PIDFD_INFO_PID;
	return 0;
}

int pidfd_parse_cmd(const char *buf, size_t len, struct pidfd_cmd *cmd)
{
	char word[8], *end;
	size_t i = 0, w = 0;
	long code = 0;
	char num[8];
	size_t nn = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	while (i < len && buf[i] != ' ') {
		if (w + 1 >= sizeof(word) || !buf[i])
			return -EINVAL;
		word[w++] = buf[i++];
	}
	word[w] = '\0';
	if (!strcmp(word, "kill"))
		cmd->op = PIDFD_OP_KILL;
	else if (!strcmp(word, "exit"))
		cmd->op = PIDFD_OP_EXIT;
	else
		return -EINVAL;
	if (i < len) {
		i++;		/* one space, then the code and nothing else */
		while (i < len) {
			if (nn + 1 >= sizeof(num) || buf[i] < '0' ||
			    buf[i] > '9')
				return -EINVAL;
			num[nn++] = buf[i++];
		}
		if (!nn)
			return -EINVAL;
		num[nn] = '\0';
		code = strtol(num, &end, 10);
		if (code > 255)
			return -EINVAL;
	}
	cmd->code = (int)code;
	return 0;
}

/* ---- the inode table ------------------------------------------------------- */

struct pidfs_inode {
	uintptr_t key;				/* immutable */
	uint64_t nlookup;			/* t->lock */
	struct pidfs_exit_info *exit_info;	/* t->lock: from reap on */
	void *waiters[PIDFD_WAITERS_MAX];	/* t->lock: oldest first */
	size_t nr_waiters;			/* t->lock */
	struct pidfs_inode *next;		/* t->lock */
};

struct pidfd_table {
	pthread_mutex_t lock;
	struct kmem_cache *exit_cache;		/* immutable */
	size_t nr_inodes, nr_exits;		/* lock */
	struct pidfs_inode *hash[PIDFD_BUCKETS];	/* lock */
};

_Static_assert(sizeof(struct pidfs_exit_info) == PIDFS_EXIT_INFO_SIZE,
	       "the kernel's 6.15 struct pidfs_exit_info is 16 bytes");

static inline size_t bucket_of(uintptr_t key)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 54) %
	       PIDFD_BUCKETS;
}

/* Call with t->lock held. */
static struct pidfs_inode **inode_slot(struct pidfd_table *t, uintptr_t key)
{
	struct pidfs_inode **pp = &t->hash[bucket_of(key)];

	while (*pp && (*pp)->key != key)
		pp = &(*pp)->next;
	return pp;
}

struct pidfd_table *pidfd_table_create(struct lowmem *lm)
{
	struct pidfd_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->exit_cache = kmem_cache_create(lm, "pidfs_exit_info", LOWMEM_PIDFS,
					  sizeof(struct pidfs_exit_info));
	if (!t->exit_cache) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

/* Free @ino and what it keeps.  Call with t->lock held, @ino unlinked. */
static void inode_free(struct pidfd_table *t, struct pidfs_inode *ino,
		       void (*drop)(void *w))
{
	for (size_t i = 0; i < ino->nr_waiters; i++)
		drop(ino->waiters[i]);
	if (ino->exit_info) {
		kmem_cache_free(t->exit_cache, ino->exit_info);
		t->nr_exits--;
	}
	t->nr_inodes--;
	free(ino);
}

void pidfd_table_destroy(struct pidfd_table *t, void (*drop)(void *w))
{
	if (!t)
		return;
	for (size_t b = 0; b < PIDFD_BUCKETS; b++) {
		struct pidfs_inode *ino, *next;

		for (ino = t->hash[b]; ino; ino = next) {
			next = ino->next;
			inode_free(t, ino, drop);
		}
		t->hash[b] = NULL;
	}
	kmem_cache_destroy(t->exit_cache);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int pidfd_inode_get(struct pidfd_table *t, uintptr_t key)
{
	struct pidfs_inode **pp, *ino;
	int err = 0;

	pthread_mutex_lock(&t->lock);
	pp = inode_slot(t, key);
	if (*pp) {
		(*pp)->nlookup++;
	} else if ((ino = calloc(1, sizeof(*ino)))) {
		ino->key = key;
		ino->nlookup = 1;
		*pp = ino;
		t->nr_inodes++;
	} else {
		err = -ENOMEM;
	}
	pthread_mutex_unlock(&t->lock);
	return err;
}

void pidfd_inode_put(struct pidfd_table *t, uintptr_t key, uint64_t n,
		     void (*drop)(void *w))
{
	struct pidfs_inode **pp, *ino;

	pthread_mutex_lock(&t->lock);
	pp = inode_slot(t, key);
	ino = *pp;
	if (ino && ino->nlookup > n) {
		ino->nlookup -= n;
	} else if (ino) {
		*pp = ino->next;
		inode_free(t, ino, drop);
	}
	pthread_mutex_unlock(&t->lock);
}

int pidfd_inode_add_waiter(struct pidfd_table *t, uintptr_t key, void *w,
			   void **evicted)
{
	struct pidfs_inode *ino;
	int err = 0;

	*evicted = NULL;
	pthread_mutex_lock(&t->lock);
	ino = *inode_slot(t, key);
	if (!ino) {
		err = -ENOENT;
	} else {
		if (ino->nr_waiters == PIDFD_WAITERS_MAX) {
			*evicted = ino->waiters[0];
			memmove(ino->waiters, ino->waiters + 1,
				(PIDFD_WAITERS_MAX - 1) * sizeof(void *));
			ino->nr_waiters--;
		}
		ino->waiters[ino->nr_waiters++] = w;
	}
	pthread_mutex_unlock(&t->lock);
	return err;
}

size_t pidfd_inode_take_waiters(struct pidfd_table *t, uintptr_t key,
				void ***vp)
{
	struct pidfs_inode *ino;
	size_t n = 0;

	*vp = NULL;
	pthread_mutex_lock(&t->lock);
	ino = *inode_slot(t, key);
	if (ino && ino->nr_waiters) {
		*vp = malloc(ino->nr_waiters * sizeof(void *));
		if (*vp) {
			n = ino->nr_waiters;
			memcpy(*vp, ino->waiters, n * sizeof(void *));
			ino->nr_waiters = 0;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}

void pidfd_inode_exit(struct pidfd_table *t, uintptr_t key, int status)
{
	struct pidfs_inode *ino;

	pthread_mutex_lock(&t->lock);
	ino = *inode_slot(t, key);
	if (ino && !ino->exit_info) {
		ino->exit_info = kmem_cache_alloc(t->exit_cache);
		if (ino->exit_info) {
			ino->exit_info->exit_code = status;
			t->nr_exits++;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

bool pidfd_inode_exit_code(struct pidfd_table *t, uintptr_t key, int *status)
{
	struct pidfs_inode *ino;
	bool found = false;

	pthread_mutex_lock(&t->lock);
	ino = *inode_slot(t, key);
	if (ino && ino->exit_info) {
		*status = ino->exit_info->exit_code;
		found = true;
	}
	pthread_mutex_unlock(&t->lock);
	return found;
}

void pidfd_table_count(struct pidfd_table *t, size_t *inodes, size_t *exits)
{
	pthread_mutex_lock(&t->lock);
	*inodes = t->nr_inodes;
	*exits = t->nr_exits;
	pthread_mutex_unlock(&t->lock);
}
