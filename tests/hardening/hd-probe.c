// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hd-probe: make one system call on a mounted pidfs and say how it ended,
 * for the hardening tests, which compare the answer with the errnos they
 * accept.
 *
 *   hd-probe OP ARG...
 *
 *   hd-probe -  < OPS
 *
 * Prints one line: "ok", or the symbolic errno of the first call that
 * failed ("EACCES").  The ctl operations then print the reply read back
 * from offset 0 of the same open file, as it is.  Exit status: 0 whatever
 * the call returned, 64 for a usage error.  Nothing here waits for ever on
 * its own account; the tests run it under timeout(1), so that a request
 * the daemon never answers shows up as a hang, not as a stuck test.
 *
 * With "-", it reads path operations from standard input, one a line,
 * the operation and its arguments separated by tabs, and prints one
 * result line for each, flushed at once: hundreds of probes for the cost
 * of one process.
 *
 * Operations on any path (the modifications a read-only tree must refuse):
 *
 *   write FILE           open O_WRONLY, write "x\n"
 *   append FILE          open O_WRONLY|O_APPEND, write "x\n"
 *   trunc-open FILE      open O_WRONLY|O_TRUNC
 *   truncate FILE        truncate(2) to 0 bytes
 *   chmod FILE           chmod(2) to 0777
 *   chown FILE           chown(2) to 1:1
 *   utimes FILE          utimensat(2) to the epoch
 *   mkdir PATH           mkdir(2), mode 0755
 *   rmdir PATH           rmdir(2)
 *   unlink PATH          unlink(2)
 *   rename FROM TO       rename(2)
 *   symlink TARGET PATH  symlink(2)
 *   link FROM TO         link(2)
 *   mknod PATH           mknod(2) of a FIFO
 *   creat PATH           open O_WRONLY|O_CREAT|O_EXCL
 *   setxattr PATH        setxattr(2) of user.pidfs
 *   removexattr PATH     removexattr(2) of user.pidfs
 *   stat PATH            lstat(2): a lookup
 *   read FILE            open O_RDONLY, read to the end
 *   open FILE MODE       open with MODE r, w or rw, and close
 *
 * Operations on the control file (CTL is its path); DATA takes the escapes
 * \n \t \\ \0 and \xHH, so that a line may hold any byte:
 *
 *   ctl-write CTL OFF DATA     open O_RDWR, pwrite DATA at OFF, read reply
 *   ctl-split CTL DATA1 DATA2  open O_RDWR, write(2) DATA1 then DATA2 at
 *                              the file offset, read reply; prints both
 *                              results on the first line
 *   ctl-long CTL SIZE          "fork" padded with blanks to SIZE bytes,
 *                              one pwrite at 0, read reply
 *   ctl-read CTL               open O_RDWR, read at 0 without writing
 *   ctl-fd FD DATA             pwrite DATA at 0 on the inherited FD, read
 *                              reply (another uid with root's open ctl)
 *   ctl-fd-truncate FD         ftruncate(2) the inherited FD to 0
 *
 *   $ hd-probe mkdir /mnt/pidfs/x
 *   EROFS
 *   $ hd-probe ctl-write /mnt/pidfs/ctl 0 'frok\n'
 *   EINVAL
 *   error: syntax: unknown command "frok"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../lib/readall.h"

#define REPLY_MAX	(1 << 20)

static void say(int err)
{
	const char *name = err ? strerrorname_np(err) : "ok";

	if (name)
		printf("%s", name);
	else
		printf("E%d", err);
}

static int usage(void)
{
	fprintf(stderr, "usage: hd-probe OP ARG... (see the source)\n");
	return 64;
}

/* Decode the escapes of DATA in place; returns its length. */
static size_t unescape(char *s)
{
	char *o = s;

	for (const char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case '0':
			*o++ = '\0';
			break;
		case 'x':
			if (p[1] && p[2]) {
				char hex[3] = { p[1], p[2], '\0' };

				*o++ = (char)strtoul(hex, NULL, 16);
				p += 2;
				break;
			}
			*o++ = 'x';
			break;
		default:
			*o++ = *p;
			break;
		}
	}
	return (size_t)(o - s);
}

/* Print the reply at offset 0 of @fd after the result line. */
static void print_reply(int fd)
{
	char *buf = malloc(REPLY_MAX);
	ssize_t n;

	if (!buf) {
		printf("\nENOMEM (reply)\n");
		return;
	}
	n = pread(fd, buf, REPLY_MAX, 0);
	putchar('\n');
	if (n < 0) {
		printf("read: ");
		say(errno);
		putchar('\n');
	} else {
		fwrite(buf, 1, (size_t)n, stdout);
	}
	free(buf);
}

static int write_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, "x\n", 2) < 0)
		err = errno;
	close(fd);
	return err;
}

static int open_mode(const char *path, const char *mode)
{
	int flags = !strcmp(mode, "r")	? O_RDONLY :
		    !strcmp(mode, "w")	? O_WRONLY :
		    !strcmp(mode, "rw") ? O_RDWR :
					  -1;
	int fd;

	if (flags < 0)
		return EINVAL;
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int rc(int ret)
{
	return ret < 0 ? errno : 0;
}

/* The path operations: the errno, or -1 if @op is not one of them. */
static int path_op(const char *op, int argc, char **argv)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	const char *a = argv[0], *b = argc > 1 ? argv[1] : NULL;
	int fd;

	if (!strcmp(op, "write"))
		return write_file(a, O_WRONLY);
	if (!strcmp(op, "append"))
		return write_file(a, O_WRONLY | O_APPEND);
	if (!strcmp(op, "trunc-open")) {
		fd = open(a, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	if (!strcmp(op, "truncate"))
		return rc(truncate(a, 0));
	if (!strcmp(op, "chmod"))
		return rc(chmod(a, 0777));
	if (!strcmp(op, "chown"))
		return rc(chown(a, 1, 1));
	if (!strcmp(op, "utimes"))
		return rc(utimensat(AT_FDCWD, a, epoch, 0));
	if (!strcmp(op, "mkdir"))
		return rc(mkdir(a, 0755));
	if (!strcmp(op, "rmdir"))
		return rc(rmdir(a));
	if (!strcmp(op, "unlink"))
		return rc(unlink(a));
	if (!strcmp(op, "mknod"))
		return rc(mknod(a, S_IFIFO | 0644, 0));
	if (!strcmp(op, "creat")) {
		fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	if (!strcmp(op, "setxattr"))
		return rc(setxattr(a, "user.pidfs", "1", 1, 0));
	if (!strcmp(op, "removexattr"))
		return rc(removexattr(a, "user.pidfs"));
	if (!strcmp(op, "stat")) {
		struct stat st;

		return rc(lstat(a, &st));
	}
	if (!strcmp(op, "read"))
		return read_all(a);
	if (!b)
		return -1;
	if (!strcmp(op, "rename"))
		return rc(rename(a, b));
	if (!strcmp(op, "symlink"))
		return rc(symlink(a, b));
	if (!strcmp(op, "link"))
		return rc(link(a, b));
	if (!strcmp(op, "open"))
		return open_mode(a, b);
	return -1;
}

static int ctl_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		say(errno);
		putchar('\n');
	}
	return fd;
}

/* The ctl operations: 0, or -1 if @op is not one of them. */
static int ctl_op(const char *op, int argc, char **argv)
{
	int fd;

	if (!strcmp(op, "ctl-fd-truncate") && argc == 1) {
		say(rc(ftruncate(atoi(argv[0]), 0)));
		putchar('\n');
		return 0;
	}
	if (!strcmp(op, "ctl-fd") && argc == 2) {
		size_t len = unescape(argv[1]);

		fd = atoi(argv[0]);
		say(rc((int)pwrite(fd, argv[1], len, 0)));
		print_reply(fd);
		return 0;
	}
	if (!strcmp(op, "ctl-write") && argc == 3) {
		size_t len = unescape(argv[2]);

		fd = ctl_open(argv[0]);
		if (fd < 0)
			return 0;
		say(rc((int)pwrite(fd, argv[2], len, atoll(argv[1]))));
	} else if (!strcmp(op, "ctl-split") && argc == 3) {
		size_t len1 = unescape(argv[1]), len2 = unescape(argv[2]);

		fd = ctl_open(argv[0]);
		if (fd < 0)
			return 0;
		say(rc((int)write(fd, argv[1], len1)));
		putchar(' ');
		say(rc((int)write(fd, argv[2], len2)));
	} else if (!strcmp(op, "ctl-long") && argc == 2) {
		size_t size = strtoul(argv[1], NULL, 10);
		char *line = size > 4 ? malloc(size) : NULL;

		if (!line)
			return -1;
		memset(line, ' ', size);
		memcpy(line, "fork", 4);
		line[size - 1] = '\n';
		fd = ctl_open(argv[0]);
		if (fd < 0) {
			free(line);
			return 0;
		}
		say(rc((int)pwrite(fd, line, size, 0)));
		free(line);
	} else if (!strcmp(op, "ctl-read") && argc == 1) {
		fd = ctl_open(argv[0]);
		if (fd < 0)
			return 0;
		say(0);
	} else {
		return -1;
	}
	print_reply(fd);
	close(fd);
	return 0;
}

/* hd-probe -: one path operation a line, its fields separated by tabs. */
static int batch(void)
{
	char line[8192], *argv[4];
	int argc, err;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		argc = 0;
		for (char *p = line, *tab; argc < 4 && p; p = tab) {
			tab = strchr(p, '\t');
			if (tab)
				*tab++ = '\0';
			argv[argc++] = p;
		}
		err = argc >= 2 ? path_op(argv[0], argc - 1, argv + 1) : -1;
		if (err < 0)
			printf("usage");
		else
			say(err);
		putchar('\n');
		/* a test that waits for a line must see each one at once */
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int err;

	if (argc == 2 && !strcmp(argv[1], "-"))
		return batch();
	if (argc < 3)
		return usage();
	if (!strncmp(argv[1], "ctl-", 4)) {
		err = ctl_op(argv[1], argc - 2, argv + 2);
		if (err < 0)
			return usage();
		return 0;
	}
	err = path_op(argv[1], argc - 2, argv + 2);
	if (err < 0)
		return usage();
	say(err);
	putchar('\n');
	return 0;
}
