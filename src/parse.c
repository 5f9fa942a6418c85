// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers of what users type: mount options and pid names.
 *
 * Strict on purpose: a typo in an option must stop the mount with a line
 * naming the option, not start an experiment with a value nobody chose;
 * and a pid name has exactly one spelling, as in proc, so that "01" and
 * "1" are never two paths to one task.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"

/* Both from the one list in options.h. */
#define PIDFS_OPTION_IS_VALUE	false
#define PIDFS_OPTION_IS_FLAG	true

const struct pidfs_option_doc pidfs_options[PIDFS_NR_OPTIONS] = {
#define PIDFS_OPTION_DOC(n, k, v, h) \
	[PIDFS_OPT_##n] = { #n, v, h, PIDFS_OPTION_IS_##k },
	PIDFS_OPTIONS(PIDFS_OPTION_DOC)
#undef PIDFS_OPTION_DOC
};

const char *const pidfs_option_names[PIDFS_NR_OPTIONS + 1] = {
#define PIDFS_OPTION_NAME(n, k, v, h) [PIDFS_OPT_##n] = #n,
	PIDFS_OPTIONS(PIDFS_OPTION_NAME)
#undef PIDFS_OPTION_NAME
};

void pidfs_config_init(struct pidfs_config *c, uid_t uid, gid_t gid)
{
	memset(c, 0, sizeof(*c));
	c->kp.hash_shift = -1;
	c->kp.uid = uid;
	c->kp.gid = gid;
	c->model = PIDFS_PIN_PID;
	c->max_threads = PIDFS_MAX_THREADS_DEFAULT;
	c->timeout = PIDFS_TIMEOUT_DEFAULT;
}

bool pidfs_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	/* One spelling per number: "0" alone, else no leading zero. */
	if (!s || !*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		unsigned long d = (unsigned long)(*s - '0');

		if (*s < '0' || *s > '9')
			return false;
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool pidfs_parse_size(const char *s, uint64_t *out)
{
	char digits[24];
	unsigned long v;
	size_t n;
	int shift = 0;

	if (!s)
		return false;
	n = strlen(s);
	if (n && strchr("kKmMgG", s[n - 1])) {
		shift = strchr("kK", s[n - 1]) ? 10 :
			strchr("mM", s[n - 1]) ? 20 :
						 30;
		n--;
	}
	if (!n || n >= sizeof(digits))
		return false;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (!pidfs_parse_uint(digits, ULONG_MAX >> shift, &v))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

pid_t pidfs_parse_pid_name(const char *name)
{
	unsigned long v;

	if (!name || name[0] == '0')
		return -1;
	if (!pidfs_parse_uint(name, PID_MAX_LIMIT - 1, &v))
		return -1;
	return (pid_t)v;
}

/* One line, whatever the value holds: unprintable bytes become '?'. */
static int bad(char *why, size_t why_size, const char *key,
	       const char *value, const char *what)
{
	char shown[64];
	size_t i = 0;

	for (; value && value[i] && i < sizeof(shown) - 1; i++)
		shown[i] = (value[i] >= ' ' && value[i] < 127) ? value[i] : '?';
	shown[i] = '\0';
	snprintf(why, why_size, "bad option %s=%s: %s", key, shown, what);
	return -EINVAL;
}

int pidfs_config_set(struct pidfs_config *c, const char *key,
		     const char *value, char *why, size_t why_size)
{
	unsigned long v;
	uint64_t size;
	int m;

	if (!strcmp(key, "pin")) {
		m = value ? pidfs_pin_parse(value) : -1;
		if (m < 0)
			return bad(why, why_size, key, value,
				   "must be pid, task or nr");
		c->model = (enum pidfs_pin_model)m;
	} else if (!strcmp(key, "lowmem")) {
		if (!pidfs_parse_size(value, &size) ||
		    size < LOWMEM_MIN_BUDGET || size > LOWMEM_MAX_BUDGET)
			return bad(why, why_size, key, value,
				   "must be a size from 64K to 64G");
		c->kp.lowmem = size;
	} else if (!strcmp(key, "task_size")) {
		if (!pidfs_parse_size(value, &size) ||
		    size < sizeof(struct task_struct) || size > TASK_SIZE_MAX)
			return bad(why, why_size, key, value,
				   "must be a size from the model's "
				   "sizeof(struct task_struct) to 256K");
		c->kp.task_size = (size_t)size;
	} else if (!strcmp(key, "pid_max")) {
		/*
		 * Below RESERVED_PIDS + 1 the allocator's wrap has nowhere
		 * to go, which is why the kernel's sysctl refuses it
		 * (pid_max_min in kernel/sysctl.c).
		 */
		if (!pidfs_parse_uint(value, PID_MAX_LIMIT, &v) ||
		    v < RESERVED_PIDS + 1)
			return bad(why, why_size, key, value,
				   "must be from 301 (RESERVED_PIDS + 1, as "
				   "the kernel's sysctl) to 4194304");
		c->kp.pid_max = (int)v;
	} else if (!strcmp(key, "nproc")) {
		if (!pidfs_parse_uint(value, UINT_MAX, &v))
			return bad(why, why_size, key, value,
				   "must be a number (0: no limit)");
		c->kp.nproc = (unsigned int)v;
	} else if (!strcmp(key, "hash_shift")) {
		if (!pidfs_parse_uint(value, PIDHASH_SHIFT_LIMIT, &v))
			return bad(why, why_size, key, value,
				   "must be from 0 to 22");
		c->kp.hash_shift = (int)v;
	} else if (!strcmp(key, "max_threads")) {
		if (!pidfs_parse_uint(value, PIDFS_MAX_THREADS_LIMIT, &v) ||
		    !v)
			return bad(why, why_size, key, value,
				   "must be from 1 to 1000");
		c->max_threads = (unsigned int)v;
	} else if (!strcmp(key, "arch")) {
		const struct pidfs_arch *arch =
			value ? pidfs_arch_by_name(value) : NULL;

		if (!arch)
			return bad(why, why_size, key, value,
				   "must be i386 or x86_64");
		c->kp.arch = arch;
	} else if (!strcmp(key, "alloc")) {
		m = value ? pid_alloc_by_name(value) : -1;
		if (m < 0)
			return bad(why, why_size, key, value,
				   "must be pidmap or idr");
		c->kp.alloc = (enum pid_alloc)m;
	} else if (!strcmp(key, "charge_refs")) {
		if (!pidfs_parse_uint(value, 1, &v))
			return bad(why, why_size, key, value, "must be 0 or 1");
		c->kp.no_ref_charge = !v;
	} else if (!strcmp(key, "timeout")) {
		if (!pidfs_parse_uint(value, PIDFS_TIMEOUT_LIMIT, &v))
			return bad(why, why_size, key, value,
				   "must be from 0 to 31536000 seconds");
		c->timeout = (unsigned int)v;
	} else if (!strcmp(key, "exact")) {
		if (value)
			return bad(why, why_size, key, value,
				   "takes no value");
		c->exact = true;
	} else {
		return -ENOENT;
	}
	return 0;
}

int pidfs_config_check(const struct pidfs_config *c, char *why,
		       size_t why_size)
{
	const struct pidfs_arch *arch = pidfs_arch_or_default(c->kp.arch);

	if (c->kp.pid_max > arch->pid_max_limit) {
		snprintf(why, why_size,
			 "pid_max=%d is above %s's limit of %d (arch=x86_64 "
			 "allows 4194304)",
			 c->kp.pid_max, arch->name, arch->pid_max_limit);
		return -EINVAL;
	}
	return 0;
}

int pidfs_config_parse(struct pidfs_config *c, const char *opts, char *why,
		       size_t why_size)
{
	char *copy = strdup(opts ? opts : ""), *item, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ",", &save); item && !err;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (eq)
			*eq = '\0';
		err = pidfs_config_set(c, item, eq ? eq + 1 : NULL, why,
				       why_size);
		if (err == -ENOENT)
			err = 0;
	}
	free(copy);
	return err;
}
