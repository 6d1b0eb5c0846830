/*
 * Fuzz target: the csvc tool's survey answers (examples/cli/cli-answers.c),
 * the --answers JSON object of `csvc survey respond` and its
 * QUESTION[:TYPE]=VALUE arguments. Whatever the bytes, the reader returns 0
 * or -1 with a message, a library refusal carries a negative code, and an
 * accepted set of answers can be submitted to a handbook survey (inside a
 * transaction that is rolled back) with a code as the only outcome.
 *
 * Input: the JSON text; the same bytes, split at the first '=', as one
 * argument.
 */
#include "cli-answers.h"
#include "fuzz-util.h"

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

static void check_error(int rc, const cli_answers_error *err)
{
	if (rc == 0)
		return;
	FUZZ_ASSERT(rc == -1, "the reader returns 0 or -1");
	FUZZ_ASSERT(err->kind >= CLI_ANSWERS_USAGE && err->kind <= CLI_ANSWERS_LIBRARY, "a known error kind");
	FUZZ_ASSERT(err->message[0] != '\0', "a message");
	FUZZ_ASSERT(memchr(err->message, '\0', sizeof(err->message)) != NULL, "a terminated message");
	if (err->kind == CLI_ANSWERS_LIBRARY)
		FUZZ_ASSERT(err->lib_rc < 0, "a library refusal is a negative code");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	csvc_survey_answers *a = NULL;
	if (csvc_survey_answers_new(&a))
		abort();
	cli_answers_error err;
	memset(&err, 0, sizeof(err));
	int rc = cli_answers_from_json(a, text, size, "answers.json", &err);
	check_error(rc, &err);
	if (rc == 0) {
		static const char *const surveys[] = {"mall", "post_resolution", "nps", "servqual"};
		csvc_store *s = store();
		csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
		ctx.store_code = "SH01";
		ctx.method = CSVC_METHOD_TILL;
		csvc_uuid id;
		if (csvc_store_begin(s))
			abort();
		int r = csvc_survey_respond_anonymous(s, surveys[size % 4], &ctx, a, &id);
		FUZZ_CHECK_RC(r, "respond");
		csvc_store_rollback(s);
	}
	csvc_survey_answers_free(a);

	/* The same bytes as one QUESTION[:TYPE]=VALUE argument. */
	char *eq = strlen(text) == size ? strchr(text, '=') : NULL;
	if (eq) {
		if (csvc_survey_answers_new(&a))
			abort();
		memset(&err, 0, sizeof(err));
		rc = cli_answers_add(a, text, (size_t)(eq - text), eq + 1, "answer", &err);
		check_error(rc, &err);
		csvc_survey_answers_free(a);
	}
	free(text);
	return 0;
}
