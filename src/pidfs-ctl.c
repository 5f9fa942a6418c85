// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs-ctl: run control commands on a mounted pidfs.
 *
 *   pidfs-ctl MOUNTPOINT 'fork 1 sshd' 'spawn 3 2'
 *
 * Each argument is one command, written to MOUNTPOINT/ctl with one
 * write(2) and answered by a read(2) from offset 0 of the same open file,
 * as the control file's transactions go.  Replies are printed on standard
 * output; a failed command prints its "error: ..." reply on standard error
 * and stops.  Exit status: 0 if every command succeeded, else the failed
 * command's errno (so scripts can tell EAGAIN from ESRCH), 64 for usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLY_MAX (1 << 20)

static int run(int fd, const char *cmd, char *reply)
{
	size_t len = strlen(cmd);
	char line[8192];
	ssize_t n;
	int err = 0;

	if (len + 1 >= sizeof(line)) {
		fprintf(stderr, "pidfs-ctl: command too long\n");
		return EINVAL;
	}
	memcpy(line, cmd, len);
	line[len++] = '\n';
	if (pwrite(fd, line, len, 0) < 0)
		err = errno;
	n = pread(fd, reply, REPLY_MAX - 1, 0);
	if (n < 0) {
		fprintf(stderr, "pidfs-ctl: read: %s\n", strerror(errno));
		return err ? err : errno;
	}
	fwrite(reply, 1, (size_t)n, err ? stderr : stdout);
	return err;
}

int main(int argc, char **argv)
{
	char path[4096], *reply;
	struct stat st;
	int fd, err = 0;

	if (argc < 3) {
		fprintf(stderr,
			"usage: %s MOUNTPOINT|CTLFILE COMMAND...\n"
			"Runs each COMMAND on pidfs's control file.\n",
			argv[0]);
		return 64;
	}
	if (!stat(argv[1], &st) && S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/ctl", argv[1]);
	else
		snprintf(path, sizeof(path), "%s", argv[1]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "pidfs-ctl: %s: %s\n", path, strerror(errno));
		return errno;
	}
	reply = malloc(REPLY_MAX);
	if (!reply)
		return ENOMEM;
	for (int i = 2; i < argc && !err; i++)
		err = run(fd, argv[i], reply);
	free(reply);
	close(fd);
	return err;
}
