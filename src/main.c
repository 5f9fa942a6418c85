// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs(8): mount a /proc-like tree over a simulated kernel pid hash.
 *
 * Options, set-up, the session loop, signals and a clean unmount.  The
 * option table (src/parse.c), the --help text and doc/pidfs.8 list the
 * same options; tests/integration/test-options-doc.sh checks that they do.
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

#include "fs.h"
#include "parse.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"
#include "pidfs/task.h"

struct options {
	char *pin;
	char *lowmem;
	char *task_size;
	char *pid_max;
	char *nproc;
	char *hash_shift;
	char *max_threads;
	char *timeout;
	char *arch;
	char *charge_refs;
	int show_help;
	int show_version;
	int nonopts;
	char *source;
};

#define OPT(t, p) { t, offsetof(struct options, p), 1 }

static const struct fuse_opt pidfs_opts[] = {
	OPT("pin=%s", pin),
	OPT("lowmem=%s", lowmem),
	OPT("task_size=%s", task_size),
	OPT("pid_max=%s", pid_max),
	OPT("nproc=%s", nproc),
	OPT("hash_shift=%s", hash_shift),
	OPT("max_threads=%s", max_threads),
	OPT("timeout=%s", timeout),
	OPT("arch=%s", arch),
	OPT("charge_refs=%s", charge_refs),
	OPT("-h", show_help),
	OPT("--help", show_help),
	OPT("-V", show_version),
	OPT("--version", show_version),
	FUSE_OPT_END
};

static void usage(const char *prog)
{
	printf("usage: %s [options] [source] MOUNTPOINT\n\n", prog);
	printf("Mount a /proc-like tree over a simulated kernel pid hash.\n"
	       "Drive it by writing commands to MOUNTPOINT/ctl.\n\n"
	       "pidfs options:\n"
	       "    -o pin=pid|task|nr     what an inode pins (default: pid)\n"
	       "    -o lowmem=SIZE         low-memory budget (default: the arch's,\n"
	       "                           896M on i386, 1G on x86_64)\n"
	       "    -o task_size=SIZE      bytes charged per task (default: 10K)\n"
	       "    -o pid_max=N           highest pid + 1 (default: 32768)\n"
	       "    -o nproc=N             tasks per uid (default: no limit)\n"
	       "    -o hash_shift=N        pid hash buckets = 2^N (default: sized\n"
	       "                           from lowmem as pidhash_init() does)\n"
	       "    -o max_threads=N       FUSE worker threads (default: 10)\n"
	       "    -o timeout=SECONDS     how long the kernel may cache\n"
	       "                           entries and attributes (default: 86400)\n"
	       "    -o arch=i386|x86_64    the modelled machine (default: i386)\n"
	       "    -o charge_refs=0|1     charge a dentry and a proc_inode per\n"
	       "                           kernel reference (default: 1)\n"
	       "    -h, --help             print this help and exit\n"
	       "    -V, --version          print the version and exit\n"
	       "SIZE takes a K, M or G suffix.\n\n");
}

/* Process "source MOUNTPOINT" as mount.fuse3 passes them: keep the last. */
static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	struct options *o = data;

	if (key != FUSE_OPT_KEY_NONOPT)
		return 1;
	if (++o->nonopts == 1) {
		o->source = strdup(arg);
		return 0;
	}
	return 1;
}

/* Hand each pidfs option that was given to the parser (parse.c). */
static int check_options(const struct options *o, struct pidfs_config *c)
{
	const char *const values[] = {
		o->pin, o->lowmem, o->task_size, o->pid_max,
		o->nproc, o->hash_shift, o->max_threads, o->timeout,
		o->arch, o->charge_refs,
	};
	char why[160];

	pidfs_config_init(c, getuid(), getgid());
	for (size_t i = 0; pidfs_option_names[i]; i++) {
		if (!values[i])
			continue;
		if (pidfs_config_set(c, pidfs_option_names[i], values[i], why,
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
	free(o->pin);
	free(o->lowmem);
	free(o->task_size);
	free(o->pid_max);
	free(o->nproc);
	free(o->hash_shift);
	free(o->max_threads);
	free(o->timeout);
	free(o->arch);
	free(o->charge_refs);
	free(o->source);
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
		fuse_lowlevel_version();
		ret = 0;
		goto out_opts;
	}
	if (check_options(&o, &c))
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
	if (!cmd.foreground) {
		rcu_bp_after_fork_child();
		call_rcu_after_fork_child();
	}
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
