/*
 * Fuzz target: workflow definitions as a program or a file would build
 * them (there is no text format: the public way in is the builder,
 * csvc_workflow_new/add_state/add_transition/set_initial, then validate,
 * save and load). The input is a sequence of builder calls with names from
 * a small vocabulary or raw bytes. Checked:
 *   - every call returns CSVC_OK or a negative code with a message;
 *   - a refused call changes nothing (state and transition counts);
 *   - a definition that validates saves (in a transaction of a store opened
 *     afresh, then rolled back), loads
 *     back equal (states, categories, labels, transitions, initial state),
 *     and saving the loaded copy keeps the version.
 */
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"new", "open", "waiting", "resolved", "closed", "cancelled", "start",
                                    "resolve", "close", "reopen", "a", "b.c", "x-y", "Upper", "", "新"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static int same_workflow(const csvc_workflow *a, const csvc_workflow *b)
{
	if (strcmp(csvc_workflow_name(a), csvc_workflow_name(b)) != 0 ||
	    csvc_workflow_state_count(a) != csvc_workflow_state_count(b) ||
	    csvc_workflow_transition_count(a) != csvc_workflow_transition_count(b) ||
	    strcmp(csvc_workflow_initial(a) ? csvc_workflow_initial(a) : "",
	           csvc_workflow_initial(b) ? csvc_workflow_initial(b) : "") != 0)
		return 0;
	for (size_t i = 0; i < csvc_workflow_state_count(a); i++) {
		const char *n1, *n2, *z1, *z2, *e1, *e2;
		int32_t c1, c2;
		if (csvc_workflow_state_at(a, i, &n1, &c1, &z1, &e1) || csvc_workflow_state_at(b, i, &n2, &c2, &z2, &e2))
			return 0;
		if (strcmp(n1, n2) || c1 != c2 || strcmp(z1 ? z1 : "", z2 ? z2 : "") || strcmp(e1 ? e1 : "", e2 ? e2 : ""))
			return 0;
	}
	for (size_t i = 0; i < csvc_workflow_transition_count(a); i++) {
		const char *n1, *n2, *f1, *f2, *t1, *t2;
		if (csvc_workflow_transition_at(a, i, &n1, &f1, &t1) || csvc_workflow_transition_at(b, i, &n2, &f2, &t2))
			return 0;
		if (strcmp(n1, n2) || strcmp(f1, f2) || strcmp(t1, t2))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in in = {data, data + size};
	char b1[32], b2[32], b3[32], b4[32];
	csvc_workflow *wf = NULL;
	int rc = csvc_workflow_new(&wf, fuzz_word(&in, names, N_NAMES, b1));
	FUZZ_CHECK_RC(rc, "new");
	if (rc)
		return 0;
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_byte(&in);
		size_t states = csvc_workflow_state_count(wf), transitions = csvc_workflow_transition_count(wf);
		switch (op % 4) {
		case 0: {
			const char *name = fuzz_word(&in, names, N_NAMES, b1);
			int32_t category = (int8_t)fuzz_byte(&in);
			uint8_t labels = fuzz_byte(&in);
			const char *zh = labels & 1 ? fuzz_word(&in, names, N_NAMES, b2) : NULL;
			const char *en = labels & 2 ? fuzz_word(&in, names, N_NAMES, b3) : NULL;
			rc = csvc_workflow_add_state(wf, name, category, zh, en);
			FUZZ_CHECK_RC(rc, "add_state");
			break;
		}
		case 1: {
			const char *name = fuzz_word(&in, names, N_NAMES, b1);
			const char *from = fuzz_word(&in, names, N_NAMES, b2);
			const char *to = fuzz_word(&in, names, N_NAMES, b3);
			rc = csvc_workflow_add_transition(wf, name, from, to);
			FUZZ_CHECK_RC(rc, "add_transition");
			break;
		}
		case 2:
			rc = csvc_workflow_set_initial(wf, fuzz_word(&in, names, N_NAMES, b4));
			FUZZ_CHECK_RC(rc, "set_initial");
			break;
		default:
			rc = csvc_workflow_validate(wf);
			FUZZ_CHECK_RC(rc, "validate");
		}
		if (rc != CSVC_OK)
			FUZZ_ASSERT(csvc_workflow_state_count(wf) == states &&
			                    csvc_workflow_transition_count(wf) == transitions,
			            "a refused call changes nothing");
	}
	rc = csvc_workflow_validate(wf);
	FUZZ_CHECK_RC(rc, "validate");
	if (rc == CSVC_OK) {
		csvc_store *s = NULL;
		if (csvc_store_open(&s, fuzz_template_store(0), NULL) || csvc_store_begin(s))
			abort();
		int32_t v = 0, v2 = 0;
		rc = csvc_workflow_save(s, wf, &v);
		FUZZ_CHECK_RC(rc, "save");
		FUZZ_ASSERT(rc == CSVC_OK, "a valid workflow saves");
		FUZZ_ASSERT(v >= 1 && csvc_workflow_version(wf) == v, "save gives a version");
		csvc_workflow *back = NULL;
		rc = csvc_workflow_load(s, csvc_workflow_name(wf), v, &back);
		FUZZ_CHECK_RC(rc, "load");
		FUZZ_ASSERT(rc == CSVC_OK && same_workflow(wf, back), "a saved workflow loads back equal");
		rc = csvc_workflow_save(s, back, &v2);
		FUZZ_CHECK_RC(rc, "save again");
		FUZZ_ASSERT(rc == CSVC_OK && v2 == v, "saving an equal definition keeps its version");
		csvc_workflow_free(back);
		csvc_store_rollback(s);
		csvc_store_close(s);
	}
	csvc_workflow_free(wf);
	return 0;
}
