// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfs(8): mount a /proc-like tree over a simulated kernel pid hash.
 *
 * Options, set-up, the session loop, signals and a clean unmount.  The
 * option table, the --help text and doc/pidfs.8 list the same options;
 * tests/test-options.sh checks that they do.
 *
 * Exit status: 0 after a clean unmount with every pin released; 1 for a
 * usage error or a failure to mount; 2 when the books did not balance at
 * shutdown (something stayed pinned that nothing referenced).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
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
	       "    -o lowmem=SIZE         low-memory budget (default: 896M)\n"
	       "    -o task_size=SIZE      bytes charged per task (default: 10K)\n"
	       "    -o pid_max=N           highest pid + 1 (default: 32768)\n"
	       "    -o nproc=N             tasks per uid (default: no limit)\n"
	       "    -o hash_shift=N        pid hash buckets = 2^N (default: sized\n"
	       "                           from lowmem as pidhash_init() does)\n"
	       "    -o max_threads=N       FUSE worker threads (default: 10)\n"
	       "    -o timeout=SECONDS     how long the kernel may cache\n"
	       "                           entries and attributes (default: 86400)\n"
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

/* A size with an optional K/M/G suffix; false when malformed. */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int bad_option(const char *name, const char *value, const char *why)
{
	fprintf(stderr, "pidfs: bad option %s=%s: %s\n", name,
		value ? value : "", why);
	return -1;
}

struct config {
	struct pidfs_kernel_params kp;
	enum pidfs_pin_model model;
	unsigned int max_threads;
	double timeout;
};

static int check_options(const struct options *o, struct config *c)
{
	unsigned long v;
	uint64_t size;
	int m;

	memset(c, 0, sizeof(*c));
	c->kp.hash_shift = -1;
	c->kp.uid = getuid();
	c->kp.gid = getgid();
	c->max_threads = 10;
	c->timeout = 86400;

	if (o->pin) {
		m = pidfs_pin_parse(o->pin);
		if (m < 0)
			return bad_option("pin", o->pin,
					  "must be pid, task or nr");
		c->model = (enum pidfs_pin_model)m;
	}
	if (o->lowmem) {
		if (!parse_size(o->lowmem, &size) ||
		    size < LOWMEM_MIN_BUDGET || size > LOWMEM_MAX_BUDGET)
			return bad_option("lowmem", o->lowmem,
					  "must be a size from 64K to 64G");
		c->kp.lowmem = size;
	}
	if (o->task_size) {
		if (!parse_size(o->task_size, &size) ||
		    size < sizeof(struct task_struct) || size > TASK_SIZE_MAX)
			return bad_option("task_size", o->task_size,
					  "must be a size from 256 to 256K");
		c->kp.task_size = (size_t)size;
	}
	if (o->pid_max) {
		if (!parse_uint(o->pid_max, PID_MAX_LIMIT, &v) || !v)
			return bad_option("pid_max", o->pid_max,
					  "must be from 1 to 4194304");
		c->kp.pid_max = (int)v;
	}
	if (o->nproc) {
		if (!parse_uint(o->nproc, UINT_MAX, &v))
			return bad_option("nproc", o->nproc,
					  "must be a number (0: no limit)");
		c->kp.nproc = (unsigned int)v;
	}
	if (o->hash_shift) {
		if (!parse_uint(o->hash_shift, PIDHASH_SHIFT_LIMIT, &v))
			return bad_option("hash_shift", o->hash_shift,
					  "must be from 0 to 22");
		c->kp.hash_shift = (int)v;
	}
	if (o->max_threads) {
		if (!parse_uint(o->max_threads, 1000, &v) || !v)
			return bad_option("max_threads", o->max_threads,
					  "must be from 1 to 1000");
		c->max_threads = (unsigned int)v;
	}
	if (o->timeout) {
		if (!parse_uint(o->timeout, 31536000, &v))
			return bad_option("timeout", o->timeout,
					  "must be from 0 to 31536000 seconds");
		c->timeout = (double)v;
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
	free(o->source);
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = { 0 };
	struct options o = { 0 };
	struct config c;
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
		.timeout = c.timeout,
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
	ret = ret ? 1 : 0;

out_unmount:
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
