/*
 * Fuzz target: the calendar JSON text form. Accepted text must round-trip
 * exactly and give a calendar whose arithmetic keeps its invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_arithmetic(const csvc_calendar *cal, uint64_t seed)
{
	static const int64_t S = 1000000;
	csvc_time_us t = 1700000000 * S;
	for (int i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		t += (int64_t)(seed >> 40) * S + (int64_t)(seed & 0xfffff);
		int64_t d = (int64_t)((seed >> 20) % (400 * 3600)) * S;
		int32_t open = 0;
		if (csvc_calendar_is_open(cal, t, &open) != CSVC_OK)
			abort();
		csvc_time_us due = 0, next = 0;
		int rc = csvc_calendar_add(cal, t, d, &due);
		if (rc == CSVC_OK) {
			int64_t b = -1;
			if (csvc_calendar_between(cal, t, due, &b) != CSVC_OK || b != d)
				abort();
			if (csvc_calendar_is_open(cal, due, &open) != CSVC_OK || !open)
				abort();
		} else if (rc != CSVC_ENOTFOUND && rc != CSVC_ERANGE) {
			abort();
		}
		rc = csvc_calendar_next_open(cal, t, &next);
		if (rc == CSVC_OK && next < t)
			abort();
		if (rc != CSVC_OK && rc != CSVC_ENOTFOUND && rc != CSVC_ERANGE)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csvc_calendar *cal = NULL, *again = NULL;
	if (csvc_calendar_parse(&cal, (const char *)data, size, NULL) != CSVC_OK) {
		const csvc_error *e = csvc_error_last();
		if (e->code == CSVC_OK || !e->message[0])
			abort();
		return 0;
	}
	char *text = NULL, *text2 = NULL;
	if (csvc_calendar_to_json(cal, &text) != CSVC_OK)
		abort();
	if (csvc_calendar_parse(&again, text, strlen(text), NULL) != CSVC_OK)
		abort();
	if (csvc_calendar_to_json(again, &text2) != CSVC_OK || strcmp(text, text2) != 0)
		abort();
	uint64_t seed = 14695981039346656037ull;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ull;
	check_arithmetic(cal, seed);
	csvc_free(text);
	csvc_free(text2);
	csvc_calendar_free(again);
	csvc_calendar_free(cal);
	return 0;
}
