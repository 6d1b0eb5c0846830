/*
 * Fuzz target: a survey response as it arrives from a till keypad, a
 * receipt QR form or an online review: untrusted question names, scores,
 * options, free text and tokens, submitted against the handbook surveys.
 * Whatever the bytes, every call returns a code; each input runs inside a
 * transaction that is rolled back, so the store stays small.
 *
 * Input: records of [kind][length][question bytes][value bytes...].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static csvc_time_us fuzz_now = (csvc_time_us)1767225600 * 1000000;

static csvc_time_us fuzz_clock(void *ud)
{
	(void)ud;
	return fuzz_now;
}

static csvc_store *store(void)
{
	static csvc_store *s;
	if (!s) {
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		o.clock = fuzz_clock;
		if (csvc_store_open(&s, ":memory:", &o) || csvc_store_install_defaults(s))
			abort();
	}
	return s;
}

/* A string of up to 63 bytes from the input (may be invalid UTF-8). */
static const uint8_t *take_text(const uint8_t *p, const uint8_t *end, char *out)
{
	size_t n = p < end ? (size_t)(*p++ % 64) : 0;
	if (n > (size_t)(end - p))
		n = (size_t)(end - p);
	memcpy(out, p, n);
	out[n] = '\0';
	return p + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const surveys[] = {"post_resolution", "mall", "nps", "servqual", "servqual_handbook",
	                                      "no_such_survey"};
	static const char *const questions[] = {"response_speed", "resolution_efficiency", "solution_satisfaction",
	                                        "recommend", "product_quality", "staff_service", "tangibles"};
	csvc_store *s = store();
	if (size < 2 || csvc_store_begin(s))
		return 0;
	const uint8_t *p = data, *end = data + size;
	const char *survey = surveys[*p++ % 6];
	int32_t method = (int32_t)(*p++ % 10);
	csvc_survey_answers *a = NULL;
	if (csvc_survey_answers_new(&a))
		abort();
	char name[64], text[64];
	while (p + 2 < end) {
		uint8_t kind = *p++;
		int32_t value = (int8_t)*p++;
		if (kind & 0x80)
			p = take_text(p, end, name);
		else
			strcpy(name, questions[kind % 7]);
		switch (kind % 5) {
		case 0:
			csvc_survey_answers_score(a, name, value);
			break;
		case 1:
			csvc_survey_answers_yes_no(a, name, value);
			break;
		case 2:
			csvc_survey_answers_pair(a, name, value, (int8_t)(p < end ? *p++ : 0));
			break;
		case 3:
			p = take_text(p, end, text);
			csvc_survey_answers_choice(a, name, text);
			break;
		default:
			p = take_text(p, end, text);
			csvc_survey_answers_text(a, name, text);
		}
	}
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.store_code = "SH01";
	ctx.method = method;
	csvc_uuid id;
	int rc = csvc_survey_respond_anonymous(s, survey, &ctx, a, &id);
	if (rc > 0)
		abort();
	/* The same bytes as an invitation token. */
	char token[65];
	take_text(data, end, token);
	rc = csvc_survey_respond(s, token, a, &id);
	if (rc == CSVC_OK)
		abort(); /* no invitation exists */
	csvc_survey_answers_free(a);
	csvc_store_rollback(s);
	return 0;
}
