/*
 * Helpers the fuzz targets share: reading values from the input bytes and
 * checking the error contract after a call.
 */
#ifndef CSVC_FUZZ_UTIL_H
#define CSVC_FUZZ_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvc.h"

typedef struct fuzz_in {
	const uint8_t *p, *end;
} fuzz_in;

static inline int fuzz_more(const fuzz_in *in)
{
	return in->p < in->end;
}

static inline uint8_t fuzz_byte(fuzz_in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static inline int32_t fuzz_i32(fuzz_in *in)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | fuzz_byte(in);
	return (int32_t)v;
}

/* One of `n` words, or (when the byte's top bit is set) up to 31 raw bytes
 * of the input, which may be invalid UTF-8. `out` holds 32 bytes. */
static inline const char *fuzz_word(fuzz_in *in, const char *const *words, size_t n, char *out)
{
	uint8_t b = fuzz_byte(in);
	if (!(b & 0x80))
		return words[b % n];
	size_t len = b & 31;
	if (len > (size_t)(in->end - in->p))
		len = (size_t)(in->end - in->p);
	memcpy(out, in->p, len);
	out[len] = '\0';
	in->p += len;
	return out;
}

/* The error contract: CSVC_OK, or a negative code that is also in the
 * thread's error record with a message. */
#define FUZZ_CHECK_RC(rc, what)                                                                          \
	do {                                                                                             \
		int fuzz_rc_ = (rc);                                                                     \
		if (fuzz_rc_ > 0 || (fuzz_rc_ < 0 && (csvc_error_last()->code != fuzz_rc_ ||              \
		                                      csvc_error_last()->message[0] == '\0'))) {          \
			fprintf(stderr, "%s: rc %d, error record %d \"%s\"\n", (what), fuzz_rc_,           \
			        csvc_error_last()->code, csvc_error_last()->message);                      \
			abort();                                                                         \
		}                                                                                        \
	} while (0)

#define FUZZ_ASSERT(cond, what)                                                                          \
	do {                                                                                             \
		if (!(cond)) {                                                                           \
			fprintf(stderr, "invariant failed: %s (%s)\n", (what), #cond);                    \
			abort();                                                                         \
		}                                                                                        \
	} while (0)

/*
 * A store file made once per process (migrated, and with the handbook
 * defaults if `defaults`), in a private temporary directory. Opening an
 * existing file is much cheaper than migrating a new in-memory store, and
 * a store opened afresh for every input has no caches from the last one.
 */
static char fuzz_dir[64];

/* Removes a temporary directory of these targets. */
static inline void fuzz_remove(const char *dir)
{
	static const char *const names[] = {"template.db", "template.db-wal", "template.db-shm", "template.db.work",
	                                    "template.db.work-wal", "template.db.work-shm"};
	char path[512];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path))
			unlink(path);
	rmdir(dir);
}

static inline void fuzz_remove_dir(void)
{
	fuzz_remove(fuzz_dir);
}

/* libFuzzer ends without running atexit handlers: the directories of
 * processes that no longer exist (csvc-fuzz-<pid>) are removed by the next
 * one. */
static inline void fuzz_remove_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		long pid;
		char rest;
		if (sscanf(e->d_name, "csvc-fuzz-%ld%c", &pid, &rest) == 1 && pid > 0 && kill((pid_t)pid, 0) != 0 &&
		    errno == ESRCH) {
			char dir[512];
			if (snprintf(dir, sizeof(dir), "%s/%s", base, e->d_name) < (int)sizeof(dir))
				fuzz_remove(dir);
		}
	}
	if (d)
		closedir(d);
}

static inline const char *fuzz_template_store(int defaults)
{
	static char path[96];
	char *dir = fuzz_dir;
	if (!path[0]) {
		/* In memory where the system offers it. */
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		fuzz_remove_stale(base);
		snprintf(dir, sizeof(fuzz_dir), "%s/csvc-fuzz-%ld", base, (long)getpid());
		fuzz_remove(dir);
		if (mkdir(dir, 0700) != 0)
			abort();
		atexit(fuzz_remove_dir);
		snprintf(path, sizeof(path), "%s/template.db", dir);
		csvc_store *s = NULL;
		if (csvc_store_open(&s, path, NULL) || (defaults && csvc_store_install_defaults(s)))
			abort();
		csvc_store_close(s);
	}
	return path;
}

/* A fresh copy of the template store, for inputs that commit. */
static inline const char *fuzz_fresh_store(int defaults)
{
	static char path[128];
	const char *tpl = fuzz_template_store(defaults);
	snprintf(path, sizeof(path), "%.100s.work", tpl);
	char side[160];
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	int in = open(tpl, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0)
		abort();
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			abort();
	if (n < 0)
		abort();
	close(in);
	close(out);
	return path;
}

#endif
