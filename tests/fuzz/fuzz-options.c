// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the mount-option parser, pidfs_config_parse() and the
 * pidfs_config_set() it calls for each option.
 *
 * Whoever mounts chooses the option string, and a mount that starts with
 * a value nobody chose runs an experiment nobody asked for.  The input,
 * cut at its first NUL, is the text after -o.  Checked for every input:
 *
 *  - it never crashes, and returns 0 or -EINVAL with a reason that names
 *    the option ("bad option KEY=VALUE: ...") and adds no line break of
 *    its own (the value is quoted raw, so a value holding a newline
 *    makes a reason of two lines, though parse.h promises one line);
 *  - each option alone (split at commas, as the parser does): a key that
 *    is not pidfs's is -ENOENT; one that is gives 0 or -EINVAL, leaves the
 *    config untouched on -EINVAL, and agrees with a reference that knows
 *    each option's documented range (pidfs -h, parse.h): what the
 *    reference accepts is accepted with the same value, what it refuses
 *    is refused;
 *  - whatever was applied (options apply left to right, up to the first
 *    bad one) is in range, and parsing the same text again changes
 *    nothing;
 *  - on success, the config's canonical rendering (every option, in
 *    pidfs -h order) parses back to the same config.
 *
 *   make fuzz-options                  run it (FUZZ_SECONDS, default 60)
 *   tests/fuzz/fuzz-options CRASH      replay one input
 *
 * Seeds: tests/fuzz/corpus/options/.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"
#include "pidfs/lowmem.h"
#include "pidfs/pid.h"

#define UID		1000
#define GID		100

static bool config_equal(const struct pidfs_config *a,
			 const struct pidfs_config *b)
{
	return a->kp.lowmem == b->kp.lowmem &&
	       a->kp.task_size == b->kp.task_size &&
	       a->kp.pid_max == b->kp.pid_max &&
	       a->kp.hash_shift == b->kp.hash_shift &&
	       a->kp.nproc == b->kp.nproc && a->kp.uid == b->kp.uid &&
	       a->kp.gid == b->kp.gid && a->kp.arch == b->kp.arch &&
	       a->kp.no_ref_charge == b->kp.no_ref_charge &&
	       a->kp.alloc == b->kp.alloc && a->model == b->model &&
	       a->max_threads == b->max_threads && a->timeout == b->timeout;
}

/* Every field within what the options allow; 0 or -1 means "default". */
static void check_ranges(const struct pidfs_config *c)
{
	fuzz_check(c->model == PIDFS_PIN_PID || c->model == PIDFS_PIN_TASK ||
			   c->model == PIDFS_PIN_NR,
		   "model %d", (int)c->model);
	fuzz_check(!c->kp.lowmem || (c->kp.lowmem >= LOWMEM_MIN_BUDGET &&
				     c->kp.lowmem <= LOWMEM_MAX_BUDGET),
		   "lowmem %llu", (unsigned long long)c->kp.lowmem);
	fuzz_check(!c->kp.task_size ||
			   (c->kp.task_size >= sizeof(struct task_struct) &&
			    c->kp.task_size <= TASK_SIZE_MAX),
		   "task_size %zu", c->kp.task_size);
	fuzz_check(c->kp.pid_max >= 0 && c->kp.pid_max <= PID_MAX_LIMIT,
		   "pid_max %d", c->kp.pid_max);
	fuzz_check(c->kp.hash_shift >= -1 &&
			   c->kp.hash_shift <= PIDHASH_SHIFT_LIMIT,
		   "hash_shift %d", c->kp.hash_shift);
	fuzz_check(c->kp.alloc == PID_ALLOC_PIDMAP ||
			   c->kp.alloc == PID_ALLOC_IDR,
		   "alloc %d", (int)c->kp.alloc);
	fuzz_check(c->max_threads >= 1 &&
			   c->max_threads <= PIDFS_MAX_THREADS_LIMIT,
		   "max_threads %u", c->max_threads);
	fuzz_check(c->timeout <= PIDFS_TIMEOUT_LIMIT, "timeout %u", c->timeout);
	fuzz_check(c->kp.uid == UID && c->kp.gid == GID, "%s",
		   "an option changed the owner");
}

/* ---- the reference ------------------------------------------------------- */

/* Digits only, at least one, at most @max; no sign, no blank. */
static bool ref_uint(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if ((unsigned long long)(*s - '0') > max ||
		    v > (max - (unsigned long long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return true;
}

/* Bytes, with an optional K, M or G (either case). */
static bool ref_size(const char *s, unsigned long long *out)
{
	char digits[64];
	size_t n = s ? strlen(s) : 0;
	int shift = 0;
	unsigned long long v;

	if (!n || n >= sizeof(digits))
		return false;
	switch (s[n - 1]) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	}
	memcpy(digits, s, n);
	digits[shift ? n - 1 : n] = '\0';
	if (!ref_uint(digits, ULLONG_MAX >> shift, &v))
		return false;
	*out = v << shift;
	return true;
}

/* A spelling with a leading zero: the reference decides only the others. */
static bool plain(const char *s)
{
	return s && !(s[0] == '0' && s[1] >= '0' && s[1] <= '9');
}

/*
 * Does option @key=@value belong in the documented range?  Returns false
 * when it does not; true with the value the config must then hold in
 * *@want.  @decided: false when the reference does not judge the spelling.
 */
static bool reference(const char *key, const char *value,
		      unsigned long long *want, bool *decided)
{
	unsigned long long v = 0;

	*decided = plain(value);
	if (!strcmp(key, "pin")) {
		*decided = true;
		if (!value)
			return false;
		if (!strcmp(value, "pid"))
			v = PIDFS_PIN_PID;
		else if (!strcmp(value, "task"))
			v = PIDFS_PIN_TASK;
		else if (!strcmp(value, "nr"))
			v = PIDFS_PIN_NR;
		else
			return false;
	} else if (!strcmp(key, "lowmem")) {
		if (!ref_size(value, &v) || v < LOWMEM_MIN_BUDGET ||
		    v > LOWMEM_MAX_BUDGET)
			return false;
	} else if (!strcmp(key, "task_size")) {
		/* Documented: from the size of the structure itself. */
		if (!ref_size(value, &v) || v < sizeof(struct task_struct) ||
		    v > TASK_SIZE_MAX)
			return false;
	} else if (!strcmp(key, "pid_max")) {
		/* the kernel's sysctl floor: RESERVED_PIDS + 1 */
		if (!ref_uint(value, PID_MAX_LIMIT, &v) ||
		    v < RESERVED_PIDS + 1)
			return false;
	} else if (!strcmp(key, "nproc")) {
		if (!ref_uint(value, UINT_MAX, &v))
			return false;
	} else if (!strcmp(key, "hash_shift")) {
		if (!ref_uint(value, PIDHASH_SHIFT_LIMIT, &v))
			return false;
	} else if (!strcmp(key, "max_threads")) {
		if (!ref_uint(value, PIDFS_MAX_THREADS_LIMIT, &v) || !v)
			return false;
	} else if (!strcmp(key, "timeout")) {
		if (!ref_uint(value, PIDFS_TIMEOUT_LIMIT, &v))
			return false;
	} else if (!strcmp(key, "charge_refs")) {
		if (!ref_uint(value, 1, &v))
			return false;
	} else if (!strcmp(key, "exact")) {
		/* a flag: "exact" alone */
		*decided = true;
		if (value)
			return false;
		v = 1;
	} else if (!strcmp(key, "arch")) {
		*decided = true;
		if (!value)
			return false;
		if (!strcmp(value, "i386"))
			v = (uintptr_t)&pidfs_arch_i386;
		else if (!strcmp(value, "x86_64"))
			v = (uintptr_t)&pidfs_arch_x86_64;
		else
			return false;
	} else if (!strcmp(key, "alloc")) {
		*decided = true;
		if (!value)
			return false;
		if (!strcmp(value, "pidmap"))
			v = PID_ALLOC_PIDMAP;
		else if (!strcmp(value, "idr"))
			v = PID_ALLOC_IDR;
		else
			return false;
	}
	*want = v;
	return true;
}

/* The field option @key sets. */
static unsigned long long field(const struct pidfs_config *c, const char *key)
{
	if (!strcmp(key, "pin"))
		return c->model;
	if (!strcmp(key, "lowmem"))
		return c->kp.lowmem;
	if (!strcmp(key, "task_size"))
		return c->kp.task_size;
	if (!strcmp(key, "pid_max"))
		return (unsigned long long)c->kp.pid_max;
	if (!strcmp(key, "nproc"))
		return c->kp.nproc;
	if (!strcmp(key, "hash_shift"))
		return (unsigned long long)c->kp.hash_shift;
	if (!strcmp(key, "max_threads"))
		return c->max_threads;
	if (!strcmp(key, "arch"))
		return (uintptr_t)c->kp.arch;
	if (!strcmp(key, "charge_refs"))
		return !c->kp.no_ref_charge;
	if (!strcmp(key, "alloc"))
		return c->kp.alloc;
	if (!strcmp(key, "exact"))
		return c->exact;
	return c->timeout;
}

static bool ours(const char *key)
{
	for (size_t i = 0; pidfs_option_names[i]; i++)
		if (!strcmp(key, pidfs_option_names[i]))
			return true;
	return false;
}

/* @text: what the user wrote, which the reason may quote. */
static void check_why(const char *why, size_t size, const char *key,
		      const char *text)
{
	char prefix[64];

	fuzz_check(memchr(why, '\0', size), "%s", "reason not terminated");
	fuzz_check(!strchr(why, '\n') || strchr(text, '\n'),
		   "reason \"%s\" spans lines", why);
	if (!key)
		return;
	snprintf(prefix, sizeof(prefix), "bad option %.40s=", key);
	fuzz_check(!strncmp(why, prefix, strlen(prefix)),
		   "reason \"%s\" does not name %s", why, key);
}

/* One option alone, against the reference. */
static void check_option(char *item)
{
	struct pidfs_config c, before;
	char *eq = strchr(item, '='), why[160] = "";
	const char *value = NULL;
	unsigned long long want;
	bool ok, decided;
	int err;

	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	pidfs_config_init(&c, UID, GID);
	before = c;
	err = pidfs_config_set(&c, item, value, why, sizeof(why));
	if (!ours(item)) {
		fuzz_check(err == -ENOENT, "unknown option \"%.40s\": %d", item,
			   err);
		fuzz_check(config_equal(&c, &before), "%s",
			   "an unknown option changed the config");
		goto out;
	}
	fuzz_check(err == 0 || err == -EINVAL, "%s: %d", item, err);
	ok = reference(item, value, &want, &decided);
	if (err) {
		check_why(why, sizeof(why), item, value ? value : "");
		fuzz_check(config_equal(&c, &before),
			   "refused %s=%.40s changed the config", item,
			   value ? value : "(none)");
		fuzz_check(!ok || !decided,
			   "%s=%.40s refused; the reference accepts it", item,
			   value ? value : "(none)");
	} else {
		check_ranges(&c);
		fuzz_check(ok, "%s=%.40s accepted; the reference refuses it",
			   item, value ? value : "(none)");
		fuzz_check(field(&c, item) == want,
			   "%s=%.40s gave %llu, the reference %llu", item,
			   value ? value : "(none)", field(&c, item), want);
	}
out:
	if (eq)
		*eq = '=';
}

/* What pidfs_config_parse() would read back as @c. */
static void render(const struct pidfs_config *c, char *buf, size_t size)
{
	size_t n;

	n = (size_t)snprintf(buf, size,
			     "pin=%s,nproc=%u,max_threads=%u,"
			     "timeout=%u",
			     pidfs_pin_ops(c->model)->name, c->kp.nproc,
			     c->max_threads, c->timeout);
	if (c->kp.lowmem)
		n += (size_t)snprintf(buf + n, size - n, ",lowmem=%llu",
				      (unsigned long long)c->kp.lowmem);
	if (c->kp.task_size)
		n += (size_t)snprintf(buf + n, size - n, ",task_size=%zu",
				      c->kp.task_size);
	if (c->kp.pid_max)
		n += (size_t)snprintf(buf + n, size - n, ",pid_max=%d",
				      c->kp.pid_max);
	if (c->kp.arch)
		n += (size_t)snprintf(buf + n, size - n, ",arch=%s",
				      c->kp.arch->name);
	if (c->kp.no_ref_charge)
		n += (size_t)snprintf(buf + n, size - n, ",charge_refs=0");
	if (c->kp.alloc)
		n += (size_t)snprintf(buf + n, size - n, ",alloc=%s",
				      pid_alloc_name(c->kp.alloc));
	if (c->kp.hash_shift >= 0)
		snprintf(buf + n, size - n, ",hash_shift=%d", c->kp.hash_shift);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pidfs_config c, again, back;
	char *opts = malloc(size + 1), *copy, *item, *save = NULL;
	char why[160], why2[160], text[512];
	int err, err2;

	fuzz_check(opts, "%s", "out of memory");
	memcpy(opts, data, size);
	opts[size] = '\0';

	/* Each option alone. */
	copy = strdup(opts);
	fuzz_check(copy, "%s", "out of memory");
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		check_option(item);
	free(copy);

	/* The whole string. */
	pidfs_config_init(&c, UID, GID);
	why[0] = '\0';
	err = pidfs_config_parse(&c, opts, why, sizeof(why));
	fuzz_check(err == 0 || err == -EINVAL, "parse returned %d", err);
	if (err)
		check_why(why, sizeof(why), NULL, opts);
	check_ranges(&c);

	/* Options are "last one wins": applying them twice is once. */
	again = c;
	err2 = pidfs_config_parse(&again, opts, why2, sizeof(why2));
	fuzz_check(err2 == err, "second parse returned %d, first %d", err2,
		   err);
	fuzz_check(config_equal(&again, &c), "%s",
		   "parsing the same options twice changed the config");

	if (!err) {
		render(&c, text, sizeof(text));
		pidfs_config_init(&back, UID, GID);
		err = pidfs_config_parse(&back, text, why, sizeof(why));
		fuzz_check(!err, "own rendering \"%s\" refused: %s", text, why);
		fuzz_check(config_equal(&back, &c),
			   "own rendering \"%s\" parses to another config",
			   text);
	}
	free(opts);
	return 0;
}
