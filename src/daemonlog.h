/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's log: standard error in the foreground (-f, -d), the
 * system log (syslog, ident "pidfs") once it has daemonized, through
 * libfuse's fuse_log() so that libfuse's own messages go the same way.
 * And the checks made on a mountpoint before mounting on it.
 */
#ifndef PIDFS_DAEMONLOG_H
#define PIDFS_DAEMONLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Send the log to syslog unless @foreground.  Call once, before the
 * session loop starts (main thread).
 */
void pidfs_log_setup(bool foreground);

/*
 * Log one refused ctl write: one line, "ctl: pid PID: WHY", @why being
 * @len bytes (an "error: " prefix and the newline are dropped, anything
 * unprintable becomes '?', at most 200 bytes are kept).  Rate-limited, so
 * that a writer refused in a loop cannot flood the log: at most
 * PIDFS_LOG_BURST lines per PIDFS_LOG_INTERVAL seconds, then one line
 * saying how many were not logged.  Any thread; takes a private mutex
 * (a leaf: nothing is called with it held but the formatting).
 */
#define PIDFS_LOG_BURST		10
#define PIDFS_LOG_INTERVAL	5
void pidfs_log_refused(pid_t pid, const char *why, size_t len);

/*
 * Check @mnt before mounting on it.  Returns 0 (perhaps after a warning
 * on standard error, for a directory that is not empty), or -1 after
 * printing on standard error why not and what to do: @mnt does not
 * exist, is not a directory, already has a pidfs mounted on it, or has a
 * FUSE mount whose daemon has gone (ENOTCONN).  Main thread, before
 * fuse_session_mount().
 */
int pidfs_check_mountpoint(const char *mnt);

#endif /* PIDFS_DAEMONLOG_H */
