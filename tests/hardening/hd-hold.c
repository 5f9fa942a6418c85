// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hd-hold: open many files and keep them open until killed, as the
 * attacker of DESIGN.md does to pin dead tasks, for the shutdown tests.
 *
 *   hd-hold READYFILE < LIST
 *
 * Opens every path of LIST (one per line) read-only, raising its own
 * RLIMIT_NOFILE soft limit as far as the hard limit allows, then writes
 * the number of files it holds to READYFILE (created once all are open,
 * so a test can wait for it to appear) and sleeps until a signal ends it.
 * Exit status: 1 if a file could not be opened (the errno is on standard
 * error), 64 for a usage error; otherwise it never exits by itself.
 *
 *   $ seq 2 1001 | sed 's|.*|/mnt/pidfs/&/stat|' | hd-hold /tmp/ready &
 *   $ cat /tmp/ready
 *   1000
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096], tmp[4096 + 8];
	struct rlimit rl;
	unsigned long held = 0;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: hd-hold READYFILE < LIST\n");
		return 64;
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	while (fgets(path, sizeof(path), stdin)) {
		path[strcspn(path, "\n")] = '\0';
		if (!*path)
			continue;
		if (open(path, O_RDONLY | O_CLOEXEC) < 0) {
			fprintf(stderr, "hd-hold: %s: %s (after %lu)\n", path,
				strerror(errno), held);
			return 1;
		}
		held++;
	}
	/* Write then rename, so that the file appears whole. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%lu\n", held) < 0 || fclose(f) ||
	    rename(tmp, argv[1])) {
		perror("hd-hold: READYFILE");
		return 1;
	}
	for (;;)
		pause();
}
