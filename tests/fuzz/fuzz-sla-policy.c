/*
 * Fuzz target: SLA policy definitions as a program would build them (the
 * public way in is the builder: csvc_sla_policy_new, match_*, add_target
 * and the csvc_sla_target_* setters, then save and load; there is no text
 * format). The input is a sequence of builder calls with names from a
 * small vocabulary or raw bytes and numbers from the input. Checked:
 *   - every call returns CSVC_OK or a negative code with a message;
 *   - a policy that saves (in a transaction of a store opened afresh, then
 *     rolled back) gets a version,
 *     loads back under its name and version, and saving the loaded copy
 *     keeps the version (an equal definition); saving the original again
 *     keeps it too.
 */
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words[] = {"first_response", "resolution", "next_update", "complaint", "inquiry",
                                    "SH01", "phone", "refund", "waiting_customer", "resolved", "escalate",
                                    "close", "lead", "team-a", "", "中文"};
#define N_WORDS (sizeof(words) / sizeof(words[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in in = {data, data + size};
	char b1[32], b2[32], b3[32];
	csvc_sla_policy *p = NULL;
	int rc = csvc_sla_policy_new(&p, fuzz_word(&in, words, N_WORDS, b1), (int8_t)fuzz_byte(&in));
	FUZZ_CHECK_RC(rc, "new");
	if (rc)
		return 0;
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_byte(&in);
		size_t idx = fuzz_byte(&in) % 4;
		int32_t n = (int8_t)fuzz_byte(&in);
		switch (op % 16) {
		case 0: rc = csvc_sla_policy_match_kind(p, fuzz_word(&in, words, N_WORDS, b1)); break;
		case 1: rc = csvc_sla_policy_match_store(p, fuzz_word(&in, words, N_WORDS, b1)); break;
		case 2: rc = csvc_sla_policy_match_channel(p, fuzz_word(&in, words, N_WORDS, b1)); break;
		case 3: rc = csvc_sla_policy_match_category(p, fuzz_word(&in, words, N_WORDS, b1)); break;
		case 4: rc = csvc_sla_policy_match_priority(p, n); break;
		case 5: rc = csvc_sla_policy_match_urgency(p, n); break;
		case 6: rc = csvc_sla_policy_match_customer_class(p, n); break;
		case 7: rc = csvc_sla_policy_match_tier(p, n); break;
		case 8: {
			const char *name = fuzz_word(&in, words, N_WORDS, b1);
			int64_t duration = (int64_t)fuzz_i32(&in) * (fuzz_byte(&in) & 1 ? 1000000 : 1);
			const char *cal = fuzz_byte(&in) & 1 ? fuzz_word(&in, words, N_WORDS, b2) : NULL;
			size_t index = 99;
			rc = csvc_sla_policy_add_target(p, name, duration, n & 7, cal, &index);
			if (rc == CSVC_OK)
				FUZZ_ASSERT(index < 99, "add_target writes the index");
			break;
		}
		case 9: rc = csvc_sla_target_met_by_reply(p, idx); break;
		case 10: rc = csvc_sla_target_met_by_category(p, idx, n); break;
		case 11: rc = csvc_sla_target_met_by_state(p, idx, fuzz_word(&in, words, N_WORDS, b1)); break;
		case 12:
			rc = fuzz_byte(&in) & 1 ? csvc_sla_target_pause_on_category(p, idx, n)
			                        : csvc_sla_target_pause_on_state(p, idx, fuzz_word(&in, words, N_WORDS, b1));
			break;
		case 13: rc = csvc_sla_target_warn_at(p, idx, n); break;
		case 14: rc = csvc_sla_target_recurring(p, idx); break;
		default: {
			int32_t action = fuzz_byte(&in) % 5, value = (int8_t)fuzz_byte(&in);
			uint8_t which = fuzz_byte(&in);
			const char *assignee = which & 1 ? fuzz_word(&in, words, N_WORDS, b1) : NULL;
			const char *team = which & 2 ? fuzz_word(&in, words, N_WORDS, b2) : NULL;
			const char *transition = which & 4 ? fuzz_word(&in, words, N_WORDS, b3) : NULL;
			rc = csvc_sla_target_escalate(p, idx, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, n, action, value, assignee, team, transition});
		}
		}
		FUZZ_CHECK_RC(rc, "policy builder call");
	}
	csvc_store *s = NULL;
	if (csvc_store_open(&s, fuzz_template_store(0), NULL) || csvc_store_begin(s))
		abort();
	int32_t v = 0, v2 = 0, v3 = 0;
	rc = csvc_sla_policy_save(s, p, &v);
	FUZZ_CHECK_RC(rc, "save");
	if (rc == CSVC_OK) {
		FUZZ_ASSERT(v >= 1 && csvc_sla_policy_version(p) == v, "save gives a version");
		csvc_sla_policy *back = NULL;
		rc = csvc_sla_policy_load(s, csvc_sla_policy_name(p), v, &back);
		FUZZ_CHECK_RC(rc, "load");
		FUZZ_ASSERT(rc == CSVC_OK && strcmp(csvc_sla_policy_name(back), csvc_sla_policy_name(p)) == 0 &&
		                    csvc_sla_policy_version(back) == v,
		            "a saved policy loads back");
		rc = csvc_sla_policy_save(s, back, &v2);
		FUZZ_CHECK_RC(rc, "save the loaded copy");
		FUZZ_ASSERT(rc == CSVC_OK && v2 == v, "the loaded copy is an equal definition");
		rc = csvc_sla_policy_save(s, p, &v3);
		FUZZ_CHECK_RC(rc, "save again");
		FUZZ_ASSERT(rc == CSVC_OK && v3 == v, "saving an unchanged policy keeps its version");
		csvc_sla_policy_free(back);
	}
	csvc_store_rollback(s);
	csvc_store_close(s);
	csvc_sla_policy_free(p);
	return 0;
}
