/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's pidfd ABI that Debian 12's headers predate, and the pure
 * parts of pidfs's pidfd files (src/pidfd.c).
 *
 * struct pidfd_info is Linux's (include/uapi/linux/pidfd.h): the 6.13
 * layout, whose last spare word 6.15 made exit_code.  It is versioned by
 * its size, which the ioctl number carries (_IOC_SIZE): a caller may pass
 * PIDFD_INFO_SIZE_VER0 bytes or more; the kernel copies the smaller of
 * the two sizes and zeroes what the caller has beyond its own.
 */
#ifndef PIDFS_PIDFD_H
#define PIDFS_PIDFD_H
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#define PIDFS_IOCTL_MAGIC	0xFF

/* Flags of pidfd_info.mask: what the caller asks for, what it got. */
#define PIDFD_INFO_PID		(1UL << 0)	/* pid, tgid, ppid: always */
#define PIDFD_INFO_CREDS	(1UL << 1)	/* the ids: always */
#define PIDFD_INFO_CGROUPID	(1UL << 2)	/* when the kernel has cgroups */
#define PIDFD_INFO_EXIT		(1UL << 3)	/* on request, after exit */

#define PIDFD_INFO_SIZE_VER0	64	/* sizeof first published struct */

struct pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid;
	uint32_t tgid;
	uint32_t ppid;
	uint32_t ruid;
	uint32_t rgid;
	uint32_t euid;
	uint32_t egid;
	uint32_t suid;
	uint32_t sgid;
	uint32_t fsuid;
	uint32_t fsgid;
	int32_t exit_code;		/* a wait status, as waitpid() gives */
};

_Static_assert(sizeof(struct pidfd_info) == PIDFD_INFO_SIZE_VER0,
	       "struct pidfd_info is the kernel's 64-byte VER0 layout");

#define PIDFD_GET_INFO		_IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)

/* Whether @cmd is PIDFD_GET_INFO of any size (the kernel checks _IOC_NR). */
static inline bool pidfd_is_get_info(unsigned int cmd)
{
	return _IOC_TYPE(cmd) == PIDFS_IOCTL_MAGIC &&
	       _IOC_NR(cmd) == _IOC_NR(PIDFD_GET_INFO);
}

/* ---- the pure parts of a pidfd file ------------------------------------ */

struct lowmem;
struct task_info;

/* Where the task a pidfd names is: what pidfd_poll() tells apart. */
enum pidfd_state {
	PIDFD_ALIVE,
	PIDFD_EXITED,		/* a zombie: exited, not yet reaped */
	PIDFD_REAPED,		/* released, or no task at all */
};

/* What a pidfd file shows, gathered by the file system. */
struct pidfd_view {
	enum pidfd_state state;
	const struct task_info *ti;	/* the task; NULL once reaped */
	uint64_t serial;		/* the struct pid's, never reused */
	bool has_exit;			/* exit_code is known */
	int exit_code;			/* a wait status */
};

/* A wait status for a task that called exit(@code), as the kernel's. */
static inline int pidfd_wait_status(int code)
{
	return (code & 0xff) << 8;
}

/*
 * The poll mask of fs/pidfs.c pidfd_poll(): nothing while the task lives,
 * POLLIN once it has exited, POLLIN and POLLHUP once it has been reaped.
 * Pure.
 */
unsigned int pidfd_poll_mask(enum pidfd_state state);

/*
 * The text of a pidfd file into @buf, snprintf-style (returns the bytes
 * the whole text needs): Key:\tvalue lines Pid, NSpid, Tgid, PPid, Uid,
 * Gid, PidSerial, and ExitCode once known.  Once reaped every number of
 * the task is -1, as fdinfo's Pid is.  Pure.
 */
size_t pidfd_show(char *buf, size_t size, const struct pidfd_view *v);

/*
 * The size PIDFD_GET_INFO @cmd carries, or -ENOTTY when it is smaller
 * than the first version (what Linux 6.18 answers).  Pure.
 */
int pidfd_info_size(unsigned int cmd);

/*
 * fs/pidfs.c pidfd_info(): fill @out for a caller that asked for @mask.
 * Identifiers and credentials always (PIDFD_INFO_PID, PIDFD_INFO_CREDS;
 * the model has no cgroups, so never PIDFD_INFO_CGROUPID); the exit
 * information only when asked for and known (recorded at reap, as the
 * kernel does).  Returns 0, or -ESRCH for a reaped task when the exit
 * information was not asked for.  Pure.
 */
int pidfd_get_info(const struct pidfd_view *v, uint64_t mask,
		   struct pidfd_info *out);

/* A command written to a pidfd: "kill [CODE]" or "exit [CODE]". */
enum pidfd_op { PIDFD_OP_EXIT, PIDFD_OP_KILL };

struct pidfd_cmd {
	enum pidfd_op op;
	int code;			/* 0 .. 255 */
};

/*
 * Parse @len bytes (not NUL-terminated; one trailing newline allowed).
 * Returns 0 or -EINVAL.  Pure.
 */
int pidfd_parse_cmd(const char *buf, size_t len, struct pidfd_cmd *cmd);

/* ---- pidfs inodes --------------------------------------------------------- */

/*
 * The exit information a pidfs inode keeps after reap: the layout of
 * Linux 6.15's struct pidfs_exit_info (a u64 cgroup id and an s32 exit
 * code, 16 bytes with padding), allocated at reap from a cache of its own
 * in the low-memory zone, charged as LOWMEM_PIDFS (/meminfo's
 * PidfdExitInfos), and freed with the inode.
 */
struct pidfs_exit_info {
	uint64_t cgroupid;
	int32_t exit_code;
	uint32_t pad;
};

#define PIDFS_EXIT_INFO_SIZE	16

/*
 * The table of pidfs inodes: one per pin that has a looked-up pidfd node
 * (the kernel's one inode per struct pid), keyed by the pin word, which is
 * unique while the node's references hold it.  Each inode counts its
 * lookups, keeps its exit information, and keeps the poll waiters (opaque
 * pointers: FUSE poll handles) to wake at exit and at reap.  One mutex
 * guards the table and every inode in it.
 */
struct pidfd_table;

/* Returns NULL on ENOMEM. */
struct pidfd_table *pidfd_table_create(struct lowmem *lm);

/*
 * Free every inode, its exit information, and (through @drop) each waiter
 * still kept.  Call with nothing else using the table.
 */
void pidfd_table_destroy(struct pidfd_table *t, void (*drop)(void *w));

/* One more lookup of @key, creating its inode.  0 or -ENOMEM.  Any thread. */
int pidfd_inode_get(struct pidfd_table *t, uintptr_t key);

/*
 * Drop @n lookups of @key; the last frees the inode, its exit
 * information, and through @drop its waiters.  Any thread.
 */
void pidfd_inode_put(struct pidfd_table *t, uintptr_t key, uint64_t n,
		     void (*drop)(void *w));

/*
 * Keep @w to wake.  Returns 0; -ENOENT when @key has no inode (@w is not
 * kept); -ENOMEM.  An inode keeps at most PIDFD_WAITERS_MAX waiters:
 * beyond that the oldest is handed back in *@evicted, for the caller to
 * wake (its poller polls again), else *@evicted is NULL.  Any thread.
 */
#define PIDFD_WAITERS_MAX	16
int pidfd_inode_add_waiter(struct pidfd_table *t, uintptr_t key, void *w,
			   void **evicted);

/*
 * Take every waiter of @key: a malloc()ed array in *@vp (NULL when none)
 * the caller frees.  Returns the count.  Any thread.
 */
size_t pidfd_inode_take_waiters(struct pidfd_table *t, uintptr_t key,
				void ***vp);

/*
 * The task of @key was reaped with wait status @status: keep it, as
 * pidfs_exit() does.  Nothing when @key has no inode or already has its
 * information; a failed charge loses it, as a failed allocation does in
 * the kernel.  Any thread.
 */
void pidfd_inode_exit(struct pidfd_table *t, uintptr_t key, int status);

/* The exit status kept for @key into *@status; false if none.  Any thread. */
bool pidfd_inode_exit_code(struct pidfd_table *t, uintptr_t key, int *status);

/* Inodes in the table, and exit information kept.  Any thread. */
void pidfd_table_count(struct pidfd_table *t, size_t *inodes, size_t *exits);

#endif /* PIDFS_PIDFD_H */
