// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay: main() for a fuzz target built without libFuzzer, which runs the
 * target once on each input file.  What `make check` runs, so the seeds
 * and every crash kept in the corpus stay regression tests whatever
 * compiler the build uses.
 *
 *   tests/fuzz/replay-ctl                  every file of tests/fuzz/corpus/ctl
 *                                          (found through $top_srcdir, else
 *                                          from the current directory)
 *   tests/fuzz/replay-ctl FILE|DIR...      those inputs
 *
 * Prints one line: how many inputs ran.  Exits 0, or aborts with the
 * target's message on the first input that fails a check.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target's corpus directory"
#endif

static unsigned long inputs;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "replay: %s: %s\n", path, what);
	exit(1);
}

/* Run the target on one file, from a buffer of exactly its size. */
static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (!f)
		die(strerror(errno), path);
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		die("cannot size", path);
	/* Exactly @size bytes, so ASan sees a read past the end. */
	buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		die("out of memory", path);
	if (size && fread(buf, 1, (size_t)size, f) != (size_t)size)
		die("short read", path);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	inputs++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	char file[4096];
	int n;

	if (stat(path, &st))
		die(strerror(errno), path);
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	/* In name order, so two runs replay alike. */
	n = scandir(path, &names, NULL, by_name);
	if (n < 0)
		die(strerror(errno), path);
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (!stat(file, &st) && S_ISREG(st.st_mode))
			run_file(file);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char corpus[4096];

	LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s",
			 top ? top : ".", FUZZ_TARGET);
		run_path(corpus);
		if (!inputs)
			die("no inputs", corpus);
	}
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("replay %s: %lu inputs, every check held\n", FUZZ_TARGET,
	       inputs);
	return 0;
}
