// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs(8): mount a /proc-like tree over a simulated kernel pid hash.
 *
 * Options, set-up, the session loop, signals and a clean unmount.  The
 * options are named once, in src/options.h: the fuse_opt spec and the
 * --help text below are made from it, and
 * tests/integration/test-options-doc.sh checks that doc/pidfs.8 and
 * README.md name each of them.
 *
 * Exit status: 0 after a clean unmount with every pin released; 1 for a
 * usage error or a failure to mount; 2 when the books did not balance at
 * shutdown (something stayed pinned that nothing referenced).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemonlog.h"
#include "fs.h"
#include "guard.h"
#include "options.h"
#include "parse.h"
#include "pidfs/ctl.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/task.h"

struct options {
	char *value[PIDFS_NR_OPTIONS];	/* as given, or NULL */
	int flag[PIDFS_NR_OPTIONS];	/* a FLAG option was given */
	int show_help;
	int show_version;
	int nonopts;
	char *source;
	char *mountpoint;	/* the last non-option */
};

/* clang-format off */
#define OPT(t, p) { t, offsetof(struct options, p), 1 }

/* "pin=%s" and the like, one for each line of options.h; then the flags. */
static const struct fuse_opt pidfs_opts[] = {
#define PIDFS_SPEC_VALUE(n) OPT(#n "=%s", value[PIDFS_OPT_##n])
#define PIDFS_SPEC_FLAG(n) OPT(#n, flag[PIDFS_OPT_##n])
#define PIDFS_OPTION_SPEC(n, k, v, h) PIDFS_SPEC_##k(n),
	PIDFS_OPTIONS(PIDFS_OPTION_SPEC)
#undef PIDFS_OPTION_SPEC
	OPT("-h", show_help),
	OPT("--help", show_help),
	OPT("-V", show_version),
	OPT("--version", show_version),
	FUSE_OPT_END
};
/* clang-format on */

/* One option of options.h, its help's continuation lines indented. */
static void usage_option(const struct pidfs_option_doc *d)
{
	const char *h = d->help, *nl;
	int col;

	col = printf("    -o %s%s%s", d->name, d->flag ? "" : "=", d->value);
	for (; (nl = strchr(h, '\n')); h = nl + 1) {
		printf("%*s%.*s\n", col < 27 ? 27 - col : 1, "", (int)(nl - h),
		       h);
		col = 0;
	}
	printf("%*s%s\n", col < 27 ? 27 - col : 1, "", h);
}

static void usage(const char *prog)
{
	const char *name;

	printf("usage: %s [options] [source] MOUNTPOINT\n\n", prog);
	printf("Mount a /proc-like tree over a simulated kernel pid hash.\n"
	       "Drive it by writing commands to MOUNTPOINT/ctl, one a write,\n"
	       "and reading the reply back (or with pidfs-ctl).\n\n"
	       "pidfs options:\n");
	for (int i = 0; i < PIDFS_NR_OPTIONS; i++)
		if (pidfs_options[i].help)
			usage_option(&pidfs_options[i]);
	printf("SIZE takes a K, M or G suffix.\n");
	printf("\nCommands for MOUNTPOINT/ctl (see pidfs(8)):\n");
	for (int op = 0; (name = pidfs_ctl_op_usage(op)); op++)
		printf("    %s\n", name);
	printf("\nFUSE options:\n");
}

/* Process "source MOUNTPOINT" as mount.fuse3 passes them: keep the last. */
static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	struct options *o = data;

	if (key != FUSE_OPT_KEY_NONOPT)
		return 1;
	free(o->mountpoint);
	o->mountpoint = strdup(arg);
	if (++o->nonopts == 1) {
		o->source = strdup(arg);
		return 0;
	}
	return 1;
}

/* Hand each pidfs option that was given to the parser (parse.c). */
static int check_options(const struct options *o, struct pidfs_config *c)
{
	char why[160];

	pidfs_config_init(c, getuid(), getgid());
	for (int i = 0; i < PIDFS_NR_OPTIONS; i++) {
		if (!o->value[i] && !o->flag[i])
			continue;
		if (pidfs_config_set(c, pidfs_options[i].name, o->value[i], why,
				     sizeof(why))) {
			fprintf(stderr, "pidfs: %s\n", why);
			return -1;
		}
	}
	if (pidfs_config_check(c, why, sizeof(why))) {
		fprintf(stderr, "pidfs: %s\n", why);
		return -1;
	}
	return 0;
}

static void free_options(struct options *o)
{
	for (int i = 0; i < PIDFS_NR_OPTIONS; i++)
		free(o->value[i]);
	free(o->source);
	free(o->mountpoint);
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = { 0 };
	struct options o = { 0 };
	struct pidfs_config c;
	struct pidfs_kernel *k = NULL;
	struct pidfs_fs *fs = NULL;
	struct fuse_session *se = NULL;
	struct fuse_loop_config *lc = NULL;
	char why[256];
	int ret = 1, err;

	if (fuse_opt_parse(&args, &o, pidfs_opts, opt_proc) == -1)
		return 1;
	/* mount.fuse3 passes "source mountpoint": the first is ours. */
	if (o.nonopts == 1) {
		fuse_opt_add_arg(&args, o.source);
	} else if (o.nonopts > 2) {
		fprintf(stderr, "pidfs: too many arguments\n");
		goto out_opts;
	}
	if (o.show_help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = 0;
		goto out_opts;
	}
	if (o.show_version) {
		printf("pidfs %s\n", PACKAGE_VERSION);
		/* libfuse runs fusermount3 -V, whose output is not ours. */
		fflush(stdout);
		fuse_lowlevel_version();
		ret = 0;
		goto out_opts;
	}
	if (check_options(&o, &c))
		goto out_opts;
	/* Before libfuse's parser, whose realpath() hides the reasons. */
	if (o.mountpoint && pidfs_check_mountpoint(o.mountpoint))
		goto out_opts;
	if (fuse_parse_cmdline(&args, &cmd) != 0)
		goto out_opts;
	if (!cmd.mountpoint) {
		fprintf(stderr, "pidfs: no mountpoint (see %s --help)\n",
			argv[0]);
		goto out_cmd;
	}
	/* Permission bits are enforced by the kernel: ctl is 0600. */
	fuse_opt_add_arg(&args, "-odefault_permissions");
	fuse_opt_add_arg(&args, "-ofsname=pidfs");
	fuse_opt_add_arg(&args, "-osubtype=pidfs");

	err = pidfs_kernel_create(&c.kp, &k);
	if (err) {
		fprintf(stderr, "pidfs: cannot create the model: %s\n",
			strerror(-err));
		goto out_cmd;
	}
	fs = pidfs_fs_create(&(struct pidfs_fs_params){
		.kernel = k,
		.model = c.model,
		.uid = c.kp.uid,
		.gid = c.kp.gid,
		.timeout = (double)c.timeout,
		.exact = c.exact,
	});
	if (!fs) {
		fprintf(stderr, "pidfs: out of memory\n");
		goto out_kernel;
	}
	se = fuse_session_new(&args, &pidfs_fs_ops, sizeof(pidfs_fs_ops), fs);
	if (!se)
		goto out_fs;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, cmd.mountpoint) != 0)
		goto out_signals;
	/*
	 * fuse_daemonize() forks: threads do not survive it, and liburcu
	 * must be told, so the invalidation thread starts after it.
	 */
	if (!cmd.foreground) {
		call_rcu_before_fork();
		rcu_bp_before_fork();
	}
	fuse_daemonize(cmd.foreground);
	pidfs_log_setup(cmd.foreground);
	if (!cmd.foreground) {
		rcu_bp_after_fork_child();
		call_rcu_after_fork_child();
	}
	err = pidfs_guard_install(cmd.mountpoint, why, sizeof(why));
	if (err)
		fprintf(stderr, "pidfs: warning: %s\n", why);
	err = pidfs_fs_start(fs, se);
	if (err) {
		fprintf(stderr, "pidfs: cannot start: %s\n", strerror(-err));
		goto out_unmount;
	}

	if (cmd.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		lc = fuse_loop_cfg_create();
		if (!lc)
			goto out_unmount;
		fuse_loop_cfg_set_clone_fd(lc, cmd.clone_fd);
		fuse_loop_cfg_set_max_threads(lc, c.max_threads);
		if (cmd.max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(lc,
						       cmd.max_idle_threads);
		ret = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
	}
	/* The loop returns the signal that ended it: that is a clean exit. */
	ret = (ret == 0 || ret == SIGINT || ret == SIGTERM || ret == SIGHUP) ?
		      0 :
		      1;

out_unmount:
	pidfs_guard_remove();
	pidfs_fs_stop(fs);
	fuse_session_unmount(se);
	err = pidfs_fs_shutdown(fs, why, sizeof(why));
	fprintf(stderr, "pidfs: %s\n", why);
	if (err)
		ret = 2;
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_fs:
	pidfs_fs_destroy(fs);
out_kernel:
	pidfs_kernel_destroy(k);
out_cmd:
	free(cmd.mountpoint);
out_opts:
	fuse_opt_free_args(&args);
	free_options(&o);
	return ret;
}
