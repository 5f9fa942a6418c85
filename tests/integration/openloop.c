// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * openloop: open, read and close files many times, as a monitoring tool
 * polling /proc does, to count what that costs the daemon.
 *
 *   openloop N FILE...
 *
 * Runs N rounds; each opens every FILE, reads it whole with read(2) calls
 * of 4096 bytes, and closes it.  Prints nothing on success.  Exit status:
 * 0; the errno of the first failed open or read; 64 for a usage error.
 * The test around it reads the daemon's /requests before and after.
 *
 *   $ openloop 1000 /mnt/pidfs/1/stat
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/readall.h"

int main(int argc, char **argv)
{
	long rounds;
	int err;

	if (argc < 3) {
		fprintf(stderr, "usage: %s N FILE...\n", argv[0]);
		return 64;
	}
	rounds = strtol(argv[1], NULL, 10);
	for (long r = 0; r < rounds; r++) {
		for (int i = 2; i < argc; i++) {
			err = read_all(argv[i]);
			if (err) {
				fprintf(stderr, "openloop: %s: %s\n", argv[i],
					strerror(err));
				return err;
			}
		}
	}
	return 0;
}
