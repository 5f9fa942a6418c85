/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The crash guard (guard.c): on a fatal signal or a sanitizer's report,
 * abort the daemon's own FUSE connection so that no reader stays blocked.
 */
#ifndef PIDFS_GUARD_H
#define PIDFS_GUARD_H

#include <stddef.h>

/*
 * Once @mountpoint is mounted and before the session loop runs: open the
 * connection's abort file and install the handlers.  Returns 0, or
 * -errno with a one-line reason in @why (the daemon runs on unguarded).
 * Call from the main thread, once.
 */
int pidfs_guard_install(const char *mountpoint, char *why, size_t why_size);

/* After the session loop has returned: a clean exit needs no abort. */
void pidfs_guard_remove(void);

#endif /* PIDFS_GUARD_H */
