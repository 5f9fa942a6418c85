/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the tests' small C helpers: open a file, read it to the end in
 * 4 KiB reads, close it.  Returns 0 or the errno of the open or the read
 * that failed.
 */
#ifndef PIDFS_TESTS_READALL_H
#define PIDFS_TESTS_READALL_H

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static inline int read_all(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = errno;
	close(fd);
	return err;
}

#endif
