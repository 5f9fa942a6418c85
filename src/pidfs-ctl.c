// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs-ctl: run control commands on a mounted pidfs.
 *
 *   pidfs-ctl MOUNTPOINT 'fork 1 sshd' 'spawn 3 2'
 *   printf 'fork 1 sshd\nfork 2 bash\n' | pidfs-ctl MOUNTPOINT
 *
 * Each argument is one command (quoted, so a shell keeps it one word),
 * written to MOUNTPOINT/ctl with one write(2) and answered by a read(2)
 * from offset 0 of the same open file, as the control file's transactions
 * go.  With no command argument the commands are read from standard
 * input, one a line.  Replies are printed on standard output; a failed
 * command prints its "error: ..." reply on standard error and stops,
 * saying how many commands before it ran.  Exit status: 0 if every
 * command succeeded, else the failed command's errno (so scripts can tell
 * EAGAIN from ESRCH), 64 for usage.
 *
 * The arguments are checked against the control language's own table
 * (pidfs_ctl_op_name(), ctl.c) before any runs, so that an unquoted
 * command split over several arguments ('fork' '1' 'sshd') runs nothing
 * and is told to quote.  Anything else, up to PIDFS_CTL_LINE_MAX bytes
 * (the daemon's own limit), is passed to the daemon as it is: its parser
 * alone judges a command.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfs/ctl.h"

#define REPLY_MAX (1 << 20)
#define EX_USAGE 64

static const char *prog = "pidfs-ctl";

static void usage(FILE *f)
{
	const char *u;

	fprintf(f,
		"usage: %s MOUNTPOINT|CTLFILE ['COMMAND'...]\n"
		"Runs each COMMAND on a mounted pidfs's control file and prints\n"
		"its reply.  Quote each command: one argument is one command.\n"
		"With no COMMAND, reads the commands from standard input, one\n"
		"a line.  Commands (PPID 0 or none: init):\n",
		prog);
	for (int op = 0; (u = pidfs_ctl_op_usage(op)); op++)
		fprintf(f, "    %s\n", u);
	fprintf(f,
		"Example: %s /tmp/mnt 'fork 1 sshd' 'exec 2 sshd -D'\n"
		"See pidfs(8), CONTROL FILE, for the replies and errors.\n",
		prog);
}

/* Is the first word of @cmd a command of the control language? */
static bool is_command(const char *cmd)
{
	const char *name;
	size_t n;

	cmd += strspn(cmd, " \t");
	n = strcspn(cmd, " \t\n");
	for (int op = 0; (name = pidfs_ctl_op_name(op)); op++)
		if (strlen(name) == n && !strncmp(cmd, name, n))
			return true;
	return false;
}

/*
 * Refuse, before anything runs, a command split over several arguments:
 * a bare command name followed by an argument that is no command
 * ('fork' '1' 'sshd').  Anything else goes to the daemon, whose parser
 * is the one judge of a command.
 */
static int check_args(int argc, char **argv)
{
	for (int i = 3; i < argc; i++) {
		int end = i;

		if (is_command(argv[i]) || !is_command(argv[i - 1]) ||
		    strpbrk(argv[i - 1], " \t"))
			continue;
		while (end + 1 < argc && !is_command(argv[end + 1]))
			end++;
		fprintf(stderr,
			"%s: '%s' is not a command: quote each command, "
			"e.g. %s %s '",
			prog, argv[i], prog, argv[1]);
		for (int j = i - 1; j <= end; j++)
			fprintf(stderr, "%s%s", argv[j], j < end ? " " : "'\n");
		fprintf(stderr, "%s: nothing was run\n", prog);
		return EX_USAGE;
	}
	return 0;
}

/* One transaction: write @cmd (@len bytes, no newline), print the reply. */
static int run(int fd, const char *cmd, size_t len, char *reply)
{
	char line[PIDFS_CTL_LINE_MAX];
	ssize_t n;
	int err = 0;

	/* The daemon takes PIDFS_CTL_LINE_MAX bytes, the newline counted. */
	if (len + 1 > sizeof(line)) {
		fprintf(stderr,
			"%s: command of %zu bytes: the longest is %zu, "
			"its newline counted\n",
			prog, len, sizeof(line) - 1);
		return EINVAL;
	}
	memcpy(line, cmd, len);
	line[len++] = '\n';
	if (pwrite(fd, line, len, 0) < 0)
		err = errno;
	n = pread(fd, reply, REPLY_MAX - 1, 0);
	if (n < 0) {
		fprintf(stderr, "%s: read: %s\n", prog, strerror(errno));
		return err ? err : errno;
	}
	if (err && n == 0)
		fprintf(stderr, "%s: %s\n", prog, strerror(err));
	fwrite(reply, 1, (size_t)n, err ? stderr : stdout);
	return err;
}

/* Say which commands ran before the one that failed (the @nth, from 1). */
static void stopped(unsigned long nth, const char *cmd)
{
	if (nth == 2)
		fprintf(stderr,
			"%s: stopped at command 2 (%.60s); command 1 "
			"ran\n",
			prog, cmd);
	else if (nth > 2)
		fprintf(stderr,
			"%s: stopped at command %lu (%.60s); commands 1 to "
			"%lu ran\n",
			prog, nth, cmd, nth - 1);
}

/* Commands from standard input, one a line; blank lines are skipped. */
static int run_stdin(int fd, char *reply)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long nth = 0;
	ssize_t n;
	int err = 0;

	while (!err && (n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!line[strspn(line, " \t")])
			continue;
		err = run(fd, line, (size_t)n, reply);
		if (err)
			stopped(++nth, line);
		else
			nth++;
	}
	free(line);
	return err;
}

/* Why @path could not be opened, and what to do about it. */
static void explain_open(const char *dir, const char *path, int err)
{
	fprintf(stderr, "%s: %s: %s", prog, path, strerror(err));
	if (err == ENOTCONN)
		fprintf(stderr,
			": the pidfs daemon serving %s has gone; unmount it "
			"with 'fusermount3 -u %s' and mount again\n",
			dir, dir);
	else if (err == ENOENT)
		fprintf(stderr,
			": is pidfs mounted there? (mount it with "
			"'pidfs %s'; see pidfs(8))\n",
			dir);
	else if (err == EACCES)
		fprintf(stderr, ": only the user who mounted pidfs may use "
				"its ctl\n");
	else
		fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	char path[4096], *reply;
	struct stat st;
	int fd, err = 0;

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	err = check_args(argc, argv);
	if (err)
		return err;
	err = stat(argv[1], &st) ? errno : 0;
	if (err == ENOTCONN) {
		explain_open(argv[1], argv[1], err);
		return err;
	}
	if (!err && S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/ctl", argv[1]);
	else
		snprintf(path, sizeof(path), "%s", argv[1]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		explain_open(argv[1], path, err);
		return err;
	}
	reply = malloc(REPLY_MAX);
	if (!reply)
		return ENOMEM;
	if (argc == 2) {
		if (isatty(STDIN_FILENO))
			fprintf(stderr,
				"%s: reading commands from the "
				"terminal, one a line; Ctrl-D ends\n",
				prog);
		err = run_stdin(fd, reply);
	} else {
		for (int i = 2; i < argc && !err; i++) {
			err = run(fd, argv[i], strlen(argv[i]), reply);
			if (err)
				stopped((unsigned long)i - 1, argv[i]);
		}
	}
	free(reply);
	close(fd);
	return err;
}
