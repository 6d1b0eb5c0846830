/*
 * Fuzz target: TZif data and POSIX TZ strings from untrusted bytes.
 * Whatever is accepted must answer every query without failing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const csvc_tz *tz)
{
	static const int64_t S = 1000000;
	for (int64_t t = -5000000000 * S; t < 10000000000 * S; t += 86399 * 97 * S) {
		int32_t off = 0, dst = 0;
		const char *abbr = NULL;
		int64_t local = 0;
		csvc_time_us back = 0;
		if (csvc_tz_offset_at(tz, t, &off, &dst, &abbr) != CSVC_OK || !abbr)
			abort();
		if (csvc_tz_utc_to_local(tz, t, &local) != CSVC_OK || local != t + off * S)
			abort();
		for (int32_t d = CSVC_TZ_COMPATIBLE; d <= CSVC_TZ_REJECT; d++) {
			int rc = csvc_tz_local_to_utc(tz, local, d, &back);
			if (rc != CSVC_OK && rc != CSVC_ERANGE)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csvc_tz *tz = NULL;
	if (csvc_tz_from_tzif(&tz, "Fuzz/Zone", data, size) == CSVC_OK) {
		exercise(tz);
		csvc_tz_free(tz);
	} else if (csvc_error_last()->code != CSVC_ECORRUPT) {
		abort();
	}
	/* The same bytes as a POSIX TZ string. */
	if (size > 0 && size < 256) {
		char s[256];
		memcpy(s, data, size);
		s[size] = '\0';
		if (strlen(s) == size && csvc_tz_from_posix(&tz, s) == CSVC_OK) {
			exercise(tz);
			csvc_tz_free(tz);
		}
	}
	return 0;
}
