// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's log, and the mountpoint checks that speak through it.
 *
 * Nothing here models the kernel: this is what a newcomer reads when
 * something went wrong, so each message names the cause and what to do.
 *
 * Locking: log_lock protects the rate limiter's window (log_start,
 * log_lines, log_dropped).  It is a leaf lock: it is taken with any of
 * the file system's locks held or none, and nothing is taken under it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <syslog.h>
#include <time.h>

#include "daemonlog.h"
#include "fs.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t log_start;		/* log_lock */
static unsigned int log_lines;		/* log_lock */
static unsigned long log_dropped;	/* log_lock */

static void log_to_syslog(enum fuse_log_level level, const char *fmt,
			  va_list ap)
{
	vsyslog((int)level, fmt, ap);
}

void pidfs_log_setup(bool foreground)
{
	if (foreground)
		return;
	openlog("pidfs", LOG_PID, LOG_DAEMON);
	fuse_set_log_func(log_to_syslog);
}

void pidfs_log_refused(pid_t pid, const char *why, size_t len)
{
	char line[201];
	unsigned long dropped = 0;
	struct timespec now;
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&log_lock);
	if (now.tv_sec - log_start >= PIDFS_LOG_INTERVAL) {
		dropped = log_dropped;
		log_start = now.tv_sec;
		log_lines = 0;
		log_dropped = 0;
	}
	if (log_lines >= PIDFS_LOG_BURST) {
		log_dropped++;
		pthread_mutex_unlock(&log_lock);
		return;
	}
	log_lines++;
	pthread_mutex_unlock(&log_lock);

	if (dropped)
		fuse_log(FUSE_LOG_NOTICE,
			 "pidfs: %lu more refused ctl writes were not logged\n",
			 dropped);
	if (why && len >= 7 && !memcmp(why, "error: ", 7)) {
		why += 7;
		len -= 7;
	}
	for (; why && n < len && n < sizeof(line) - 1 && why[n] != '\n'; n++)
		line[n] = (why[n] >= ' ' && why[n] < 127) ? why[n] : '?';
	line[n] = '\0';
	fuse_log(FUSE_LOG_NOTICE,
		 "pidfs: ctl: refused a write from pid %d: %s\n", (int)pid,
		 line);
}

/* mountinfo escapes blanks and backslashes as \ooo; undo it in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] &&
		    s[3]) {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/*
 * The last mount on @path in /proc/self/mountinfo: its file system type
 * into @type and its device minor (the fusectl connection number) into
 * @minor.  Returns true if there is one.
 */
static bool mounted_on(const char *path, char *type, size_t type_size,
		       unsigned int *minor)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *dash;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		char mp[PATH_MAX], fstype[64];
		unsigned int maj, min;

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mp) !=
		    3)
			continue;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash, " - %63s", fstype) != 1)
			continue;
		unescape(mp);
		if (strcmp(mp, path))
			continue;
		snprintf(type, type_size, "%s", fstype);
		*minor = min;
		found = true;
	}
	free(line);
	fclose(f);
	return found;
}

/* Entries of directory @path other than . and .., or -1. */
static long count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* @mnt's FUSE daemon has gone: say how to recover.  Returns -1. */
static int gone(const char *mnt)
{
	char real[PATH_MAX], type[64];
	unsigned int minor = 0;

	if (!realpath(mnt, real))
		snprintf(real, sizeof(real), "%s", mnt);
	mounted_on(real, type, sizeof(type), &minor);
	fprintf(stderr,
		"pidfs: %s: %s: the FUSE daemon that served it has gone "
		"(killed?).\n"
		"  Unmount it with 'fusermount3 -u %s' (or 'umount -l %s'), "
		"then mount again.\n"
		"  Should the unmount hang, abort the connection first: "
		"echo 1 > /sys/fs/fuse/connections/%u/abort\n",
		mnt, strerror(ENOTCONN), mnt, mnt, minor);
	return -1;
}

int pidfs_check_mountpoint(const char *mnt)
{
	char real[PATH_MAX], type[64];
	unsigned int minor = 0;
	struct statfs sfs;
	struct stat st;
	long n;

	/*
	 * statfs() always reaches a FUSE daemon (stat() may be answered
	 * from the kernel's cache): ENOTCONN from it means a dead one.
	 */
	if (statfs(mnt, &sfs) && errno == ENOTCONN)
		return gone(mnt);
	if (stat(mnt, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr,
				"pidfs: %s is not a directory: pidfs mounts "
				"on a directory (mkdir -p DIR)\n",
				mnt);
			return -1;
		}
	} else if (errno == ENOTCONN) {
		return gone(mnt);
	} else if (errno == ENOENT) {
		fprintf(stderr,
			"pidfs: %s does not exist: create it first "
			"(mkdir -p %s)\n",
			mnt, mnt);
		return -1;
	} else {
		return 0; /* let the mount itself say what is wrong */
	}
	if (realpath(mnt, real) &&
	    mounted_on(real, type, sizeof(type), &minor) &&
	    !strcmp(type, "fuse.pidfs")) {
		fprintf(stderr,
			"pidfs: a pidfs is already mounted on %s: unmount "
			"it first (fusermount3 -u %s), or pick another "
			"directory\n",
			mnt, mnt);
		return -1;
	}
	n = count_entries(mnt);
	if (n > 0)
		fprintf(stderr,
			"pidfs: warning: %s is not empty: its %ld entr%s "
			"will be hidden while pidfs is mounted on it\n",
			mnt, n, n == 1 ? "y" : "ies");
	return 0;
}
