// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * preadcat: read a file in chunks of a chosen size, for the mount tests.
 *
 *   preadcat [-c CHUNK] [-v] [-w COMMAND [-o OFFSET]] FILE
 *   preadcat [-c CHUNK] [-v] [-w COMMAND [-o OFFSET]] -F FD
 *
 * Reads FILE with read(2) calls of CHUNK bytes (default 65536) until end
 * of file and copies what it read to standard output.  With -v it then
 * reads the whole file again with one pread(2) at offset 0 of the same
 * open file, and fails if that differs from what the chunks made up: a
 * pidfs file must read the same whole and in pieces, and the same open
 * file is the only way to compare a ctl reply (each open of ctl is a
 * transaction of its own, with its own reply).
 *
 * With -w, FILE is opened read-write and COMMAND plus a newline is first
 * written with one pwrite(2) at OFFSET (default 0), as a ctl transaction
 * goes; a failed write prints the "error: ..." reply on standard error.
 *
 * With -F, the file is file descriptor FD, inherited open (a shell's
 * "exec 5<>MNT/ctl"), read from its start: so a test holds two ctl
 * transactions open at once and reads each reply again later.
 *
 * Exit status: 0; the errno of the failed open, write or read (so a test
 * tells ESRCH from EINVAL, as pidfs-ctl does); 1 when -v found a
 * difference; 64 for a usage error.
 *
 *   $ preadcat -c 1 -v /mnt/pidfs/1/comm
 *   init
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-c CHUNK] [-v] [-w COMMAND [-o OFFSET]] "
		"FILE|-F FD\n",
		prog);
	exit(64);
}

/* The reply of a failed ctl write, on standard error, for the log. */
static void print_reply(int fd)
{
	char reply[512];
	ssize_t n = pread(fd, reply, sizeof(reply), 0);

	if (n > 0)
		fwrite(reply, 1, (size_t)n, stderr);
}

/* Write @cmd and a newline with one pwrite(2) at @offset. */
static int write_command(int fd, const char *cmd, off_t offset)
{
	size_t len = strlen(cmd);
	char *line = malloc(len + 1);
	int err = 0;

	if (!line)
		return ENOMEM;
	memcpy(line, cmd, len);
	line[len] = '\n';
	if (pwrite(fd, line, len + 1, offset) < 0) {
		err = errno;
		fprintf(stderr, "preadcat: write: %s\n", strerror(err));
		print_reply(fd);
	}
	free(line);
	return err;
}

/* read(2) @fd to its end in @chunk_size pieces, into a new *@data. */
static int read_chunks(int fd, size_t chunk_size, char **data, size_t *len)
{
	char *chunk = malloc(chunk_size), *buf = NULL;
	size_t used = 0, cap = 0;
	ssize_t n;
	int err = 0;

	if (!chunk)
		return ENOMEM;
	while ((n = read(fd, chunk, chunk_size)) > 0) {
		if (used + (size_t)n > cap) {
			size_t c = cap ? cap : 4096;
			char *b;

			while (c < used + (size_t)n)
				c *= 2;
			b = realloc(buf, c);
			if (!b) {
				err = ENOMEM;
				break;
			}
			buf = b;
			cap = c;
		}
		memcpy(buf + used, chunk, (size_t)n);
		used += (size_t)n;
	}
	if (n < 0) {
		err = errno;
		fprintf(stderr, "preadcat: read: %s\n", strerror(err));
	}
	free(chunk);
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = used;
	return 0;
}

/* One pread(2) of the whole at offset 0 must give @len bytes of @data. */
static int verify_whole(int fd, const char *data, size_t len, size_t chunk_size)
{
	/* Room for more than the chunks made up, to see any excess. */
	char *whole = malloc(len + 65536);
	ssize_t n;
	int err = 0;

	if (!whole)
		return ENOMEM;
	n = pread(fd, whole, len + 65536, 0);
	if (n < 0) {
		err = errno;
		fprintf(stderr, "preadcat: pread: %s\n", strerror(err));
	} else if ((size_t)n != len || (len && memcmp(whole, data, len))) {
		fprintf(stderr,
			"preadcat: %zu bytes in %zu-byte chunks, %zd in one "
			"read, or they differ\n",
			len, chunk_size, n);
		err = 1;
	}
	free(whole);
	return err;
}

int main(int argc, char **argv)
{
	const char *cmd = NULL;
	char *data = NULL;
	size_t chunk_size = 65536, len = 0;
	off_t offset = 0;
	int verify = 0, fd = -1, opt, err;

	while ((opt = getopt(argc, argv, "c:F:o:vw:")) != -1) {
		switch (opt) {
		case 'c':
			chunk_size = strtoul(optarg, NULL, 10);
			if (!chunk_size)
				usage(argv[0]);
			break;
		case 'F':
			fd = atoi(optarg);
			break;
		case 'o':
			offset = strtol(optarg, NULL, 10);
			break;
		case 'v':
			verify = 1;
			break;
		case 'w':
			cmd = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc - (fd < 0))
		usage(argv[0]);
	if (fd >= 0) {
		if (lseek(fd, 0, SEEK_SET) < 0) {
			err = errno;
			fprintf(stderr, "preadcat: lseek: %s\n", strerror(err));
			return err;
		}
	} else {
		fd = open(argv[optind], (cmd ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			fprintf(stderr, "preadcat: %s: %s\n", argv[optind],
				strerror(err));
			return err;
		}
	}

	err = cmd ? write_command(fd, cmd, offset) : 0;
	if (!err)
		err = read_chunks(fd, chunk_size, &data, &len);
	if (!err) {
		if (len)
			fwrite(data, 1, len, stdout);
		fflush(stdout);
		if (verify)
			err = verify_whole(fd, data, len, chunk_size);
	}
	free(data);
	close(fd);
	return err;
}
