/*
 * Where the tests find their data files (tests/data in the source tree).
 * Meson passes the directory as CSVC_TEST_DATA_DIR; the environment
 * variable of the same name overrides it.
 */
#ifndef CSVC_TEST_DATA_H
#define CSVC_TEST_DATA_H

#include <stdio.h>
#include <stdlib.h>

#ifndef CSVC_TEST_DATA_DIR
#define CSVC_TEST_DATA_DIR "tests/data"
#endif

static inline const char *csvc_test_data_dir(void)
{
	const char *env = getenv("CSVC_TEST_DATA_DIR");
	return env && env[0] ? env : CSVC_TEST_DATA_DIR;
}

/* Writes <data dir>/<name> into `out`. */
static inline const char *csvc_test_data_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", csvc_test_data_dir(), name);
	return out;
}

/* Reads a whole file; returns a malloc'ed buffer (NULL on failure). */
static inline unsigned char *csvc_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			return NULL;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
		if (n == cap) {
			unsigned char *b2 = realloc(buf, cap * 2);
			if (!b2)
				free(buf);
			buf = b2;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

#endif
