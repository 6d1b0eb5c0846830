/*
 * Helpers the fuzz targets share: reading values from the input bytes and
 * checking the error contract after a call.
 */
#ifndef CSVC_FUZZ_UTIL_H
#define CSVC_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
