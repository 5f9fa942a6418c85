// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash guard: a daemon that dies must not leave readers blocked.
 *
 * Normally a dying FUSE daemon frees its readers by itself: its last
 * reference to /dev/fuse closes, and the kernel aborts the connection,
 * failing every request in flight.  But a process whose thread sleeps
 * uninterruptibly in the kernel never finishes dying, and pidfs has such
 * a thread: the notifier, inside fuse_lowlevel_notify_delete(), waits
 * for a directory's lock, which a reader holds while its READDIR waits
 * for a reply from the very daemon that is dying.  Nothing then closes
 * the device; readers, ctl writers and the notifier wait for each other
 * for ever, and only an abort through the fuse control file system
 * (/sys/fs/fuse/connections/N/abort) breaks the cycle.
 *
 * So the daemon opens its own connection's abort file once mounted, and
 * on a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) or a
 * sanitizer's report writes "1" to it before dying: every request in
 * flight fails with ECONNABORTED, the reader's lock goes, the notifier
 * returns, and the process can exit.  write(2) is async-signal-safe; the
 * file is opened beforehand so the handler looks nothing up.
 *
 * The connection's number is the minor of the mount's device, read from
 * /proc/self/mountinfo rather than by stat(2) of the mountpoint, which
 * would ask the daemon itself before its loop runs.  When the control
 * file system is not mounted, pidfs mounts it if it may (as the fuse3
 * package's boot unit does) and otherwise says once what is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "guard.h"

#define FUSECTL_DIR "/sys/fs/fuse/connections"

static int abort_fd = -1;

/* Weak: defined only in sanitizer builds, where it runs before exit. */
extern void __sanitizer_set_death_callback(void (*callback)(void))
	__attribute__((weak));

static void abort_connection(void)
{
	static const char msg[] =
		"pidfs: fatal error: aborted the FUSE connection so that no "
		"reader waits for this daemon\n";

	if (abort_fd < 0)
		return;
	if (write(abort_fd, "1", 1) == 1)
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort_fd = -1;
}

static void on_fatal(int sig)
{
	abort_connection();
	/* SA_RESETHAND put the default action back: die of the signal. */
	raise(sig);
}

/* The mount's device minor from /proc/self/mountinfo; -1 if not found. */
static long mount_minor(const char *mountpoint)
{
	char line[PATH_MAX + 256], mnt[PATH_MAX + 1];
	long minor = -1, maj, min;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -1;
	/* "id parent major:minor root mountpoint ...": the last match wins */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %*d %ld:%ld %*s %4096s", &maj, &min,
			   mnt) == 3 &&
		    !strcmp(mnt, mountpoint))
			minor = min;
	fclose(f);
	return minor;
}

int pidfs_guard_install(const char *mountpoint, char *why, size_t why_size)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = on_fatal,
				.sa_flags = SA_RESETHAND | SA_NODEFER };
	char real[PATH_MAX], path[PATH_MAX + 64];
	long minor;

	*why = '\0';
	if (!realpath(mountpoint, real)) {
		snprintf(why, why_size, "%s: %s", mountpoint, strerror(errno));
		return -errno;
	}
	minor = mount_minor(real);
	if (minor < 0) {
		snprintf(why, why_size, "%s is not in /proc/self/mountinfo",
			 real);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), FUSECTL_DIR "/%ld/abort", minor);
	if (access(path, F_OK))
		(void)!mount("fusectl", FUSECTL_DIR, "fusectl", 0, NULL);
	abort_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (abort_fd < 0) {
		int err = errno;

		snprintf(why, why_size,
			 "cannot open %s (%s): if pidfs crashes, readers may "
			 "stay blocked until it is aborted by hand; mount -t "
			 "fusectl none " FUSECTL_DIR " to prevent it",
			 path, strerror(err));
		return -err;
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(abort_connection);
	return 0;
}

void pidfs_guard_remove(void)
{
	if (abort_fd >= 0)
		close(abort_fd);
	abort_fd = -1;
}
