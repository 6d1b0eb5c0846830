/*
 * csvc_enum_name and csvc_enum_parse: every value of every public enum
 * round-trips through its machine name, and nothing else has a name.
 *
 * The expected names are written out here by hand (the spellings the CLI,
 * report JSON and the Python bindings used before the names moved into the
 * library), so this test does not share its table with the library.
 */
#include <string.h>

#include "csvc-test.h"

/* An enum whose values are first, first + 1, ... (names separated by
 * spaces), or, with `flags`, first, first * 2, first * 4, ... */
typedef struct expected_enum {
	csvc_enum_t which;
	int32_t first;
	int flags;
	const char *names;
} expected_enum;

static const expected_enum EXPECTED[] = {
	{CSVC_ENUM_DURABILITY, 0, 0, "default normal full"},
	{CSVC_ENUM_OPEN_FLAG, 1, 1, "readonly nocreate no_secure_delete uri access_control"},
	{CSVC_ENUM_LOG_LEVEL, 1, 0, "error warn info debug"},
	{CSVC_ENUM_CUSTOMER_CLASS, 1, 0, "vip important ordinary potential"},
	{CSVC_ENUM_VALUE_TIER, 1, 0, "1 2 3"},
	{CSVC_ENUM_LIFECYCLE, 1, 0, "potential new growing mature churned"},
	{CSVC_ENUM_STATE_CATEGORY, 1, 0, "new open waiting resolved closed cancelled"},
	{CSVC_ENUM_URGENCY, 1, 0, "emergency major general"},
	{CSVC_ENUM_IMPORTANCE, 1, 0, "high medium low"},
	{CSVC_ENUM_IMPACT, 1, 0, "wide group individual"},
	{CSVC_ENUM_PRIORITY, 1, 0, "critical high normal low"},
	{CSVC_ENUM_COMMENT_KIND, 1, 0, "reply note result_notice follow_up"},
	{CSVC_ENUM_LINK_KIND, 1, 0, "duplicate_of related parent_of merged_into"},
	{CSVC_ENUM_TZ_DISAMBIGUATION, 0, 0, "compatible earlier later reject"},
	{CSVC_ENUM_ZONE_SOURCE, 1, 0, "calendar store default none"},
	{CSVC_ENUM_SLA_CALENDAR, 1, 0, "store named 24x7"},
	{CSVC_ENUM_SLA_STATUS, 1, 0, "running paused met breached cancelled waiting"},
	{CSVC_ENUM_SLA_ACTION, 1, 0, "raise_priority assign transition"},
	{CSVC_ENUM_QUESTION_TYPE, 1, 0, "likert nps ces servqual yes_no choice text"},
	{CSVC_ENUM_SURVEY_METHOD, 1, 0,
	 "till receipt_qr phone_callback questionnaire interview mystery_shopper online_review observation"},
	{CSVC_ENUM_REPORT_GROUP, 1, 0, "store staff channel kind category period method"},
	{CSVC_ENUM_REPORT_PERIOD, 1, 0, "day week month quarter"},
	{CSVC_ENUM_REPORT_METRIC, 1, 0,
	 "responses csat_n csat csat_low csat_high csat_mean nps_n nps nps_se nps_promoters nps_detractors "
	 "ces_n ces_mean csi_n csi csi_target csi_meets_target servqual_n servqual_gap "
	 "tickets resolved response_n response_mean_us response_median_us response_p90_us "
	 "resolution_n resolution_mean_us resolution_median_us resolution_p90_us "
	 "sla_on_time sla_breached sla_compliance sla_compliance_low sla_compliance_high "
	 "complaints complaint_24h complaint_48h complaint_72h fcr fcr_rate fcr_low fcr_high "
	 "reopened reopen_rate reopen_low reopen_high backlog age_under_1d age_1_3d age_3_7d age_over_7d "
	 "transactions complaint_rate state_visits state_time_total_us state_time_mean_us "
	 "state_time_median_us state_time_p90_us servqual_expectation servqual_perception weight "
	 "resolved_in_range complaints_resolved"},
	{CSVC_ENUM_SKILL_KIND, 1, 0, "ticket_kind category language channel"},
	{CSVC_ENUM_TEAM_KIND, 1, 0, "cs_group department"},
	{CSVC_ENUM_STAFF_STATUS, 0, 0, "active inactive any"},
	{CSVC_ENUM_PERMISSION, 1, 0, "customer_read_contacts customer_read_profile customer_search customer_export customer_merge customer_erase customer_write ticket_read ticket_create ticket_update ticket_transition ticket_assign definitions_manage staff_manage reports_read audit_read survey_record store_maintain staff_appraise"},
	{CSVC_ENUM_ROLE_SCOPE, 1, 0, "store chain"},
	{CSVC_ENUM_ROUTE_STRATEGY, 1, 0, "round_robin least_load best_skill"},
	{CSVC_ENUM_QUEUE_ORDER, 1, 0, "priority age"},
	{CSVC_ENUM_APPRAISAL_SOURCE, 1, 0, "supervisor customer peer self"},
	{CSVC_ENUM_APPRAISAL_CRITERION, 1, 0, "customer_satisfaction efficiency teamwork skill_growth"},
	{CSVC_ENUM_CONSENT_PURPOSE, 1, 0, "service_contact survey marketing profiling third_party"},
	{CSVC_ENUM_CONSENT_STATE, 1, 0, "given withdrawn"},
};

/* The error codes are not consecutive. */
static const struct {
	int32_t value;
	const char *name;
} EXPECTED_ERRORS[] = {
	{CSVC_OK, "ok"},           {CSVC_ERROR, "error"},         {CSVC_EINVAL, "einval"},
	{CSVC_ENOMEM, "enomem"},   {CSVC_ENOTFOUND, "enotfound"}, {CSVC_EEXISTS, "eexists"},
	{CSVC_ESTATE, "estate"},   {CSVC_ECONFLICT, "econflict"}, {CSVC_EBUSY, "ebusy"},
	{CSVC_ESTORAGE, "estorage"}, {CSVC_ECORRUPT, "ecorrupt"}, {CSVC_EUSER, "euser"},
	{CSVC_ERANGE, "erange"},   {CSVC_EVERSION, "eversion"},   {CSVC_ENOTSTORE, "enotstore"},
	{CSVC_EREADONLY, "ereadonly"}, {CSVC_EACCESS, "eaccess"}, {CSVC_ITEROVER, "iterover"},
};

#define LAST_ENUM CSVC_ENUM_CONSENT_STATE
#define SCAN_LO (-100)
#define SCAN_HI 300

/* Asserts that `value` is named `name` and that the name parses back. */
static void check_value(csvc_enum_t which, int32_t value, const char *name)
{
	const char *got = csvc_enum_name(which, value);
	if (got == NULL || strcmp(got, name) != 0)
		print_error("enum %d value %d: expected \"%s\", got \"%s\"\n", (int)which, (int)value, name,
		            got ? got : "(null)");
	assert_non_null(got);
	assert_string_equal(got, name);
	int32_t back = -12345;
	csvc_assert_ok(csvc_enum_parse(which, name, &back));
	assert_int_equal(back, value);
	for (const char *p = name; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
}

/* The number of values of `which` with a name, scanning a wide range. */
static size_t named_count(csvc_enum_t which)
{
	size_t n = 0;
	for (int32_t v = SCAN_LO; v <= SCAN_HI; v++)
		if (csvc_enum_name(which, v))
			n++;
	return n;
}

static void every_value_round_trips(void **state)
{
	(void)state;
	int seen[LAST_ENUM + 1] = {0};
	for (size_t e = 0; e < sizeof(EXPECTED) / sizeof(EXPECTED[0]); e++) {
		const expected_enum *x = &EXPECTED[e];
		char buf[2048];
		snprintf(buf, sizeof(buf), "%s", x->names);
		int32_t value = x->first;
		size_t n = 0;
		for (char *save = NULL, *name = strtok_r(buf, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
			check_value(x->which, value, name);
			value = x->flags ? value * 2 : value + 1;
			n++;
		}
		/* Nothing else has a name: not the value after the last, nor 0 of
		 * a value enum that starts at 1, nor anything in a wide range. */
		assert_null(csvc_enum_name(x->which, value));
		if (x->first == 1)
			assert_null(csvc_enum_name(x->which, 0));
		assert_null(csvc_enum_name(x->which, -1));
		assert_int_equal(named_count(x->which), n);
		seen[x->which] = 1;
	}
	for (size_t i = 0; i < sizeof(EXPECTED_ERRORS) / sizeof(EXPECTED_ERRORS[0]); i++)
		check_value(CSVC_ENUM_ERROR, EXPECTED_ERRORS[i].value, EXPECTED_ERRORS[i].name);
	assert_int_equal(named_count(CSVC_ENUM_ERROR), sizeof(EXPECTED_ERRORS) / sizeof(EXPECTED_ERRORS[0]));
	seen[CSVC_ENUM_ERROR] = 1;
	/* Every csvc_enum_t is covered above. */
	for (int w = 1; w <= LAST_ENUM; w++)
		assert_true(seen[w]);
}

static void names_are_unique_within_an_enum(void **state)
{
	(void)state;
	for (int w = 1; w <= LAST_ENUM; w++)
		for (int32_t a = SCAN_LO; a <= SCAN_HI; a++) {
			const char *na = csvc_enum_name((csvc_enum_t)w, a);
			if (!na)
				continue;
			for (int32_t b = a + 1; b <= SCAN_HI; b++) {
				const char *nb = csvc_enum_name((csvc_enum_t)w, b);
				assert_false(nb && strcmp(na, nb) == 0);
			}
		}
}

static void unknown_enums_values_and_names(void **state)
{
	(void)state;
	int32_t v = 77;
	/* Unknown enums. */
	assert_null(csvc_enum_name((csvc_enum_t)0, 1));
	assert_null(csvc_enum_name((csvc_enum_t)(LAST_ENUM + 1), 1));
	assert_null(csvc_enum_name((csvc_enum_t)-1, 0));
	assert_null(csvc_enum_name((csvc_enum_t)INT32_MAX, 0));
	csvc_assert_err(csvc_enum_parse((csvc_enum_t)0, "vip", &v), CSVC_EINVAL);
	csvc_assert_err(csvc_enum_parse((csvc_enum_t)(LAST_ENUM + 1), "vip", &v), CSVC_EINVAL);
	csvc_assert_err(csvc_enum_parse((csvc_enum_t)-1, "ok", &v), CSVC_EINVAL);
	assert_int_equal(v, 77);
	/* Unknown values. */
	assert_null(csvc_enum_name(CSVC_ENUM_URGENCY, 4));
	assert_null(csvc_enum_name(CSVC_ENUM_REPORT_METRIC, 64));
	assert_null(csvc_enum_name(CSVC_ENUM_ERROR, 1));
	assert_null(csvc_enum_name(CSVC_ENUM_OPEN_FLAG, 3));
	assert_null(csvc_enum_name(CSVC_ENUM_URGENCY, INT32_MIN));
	/* Unknown names: exact, case-sensitive, no numbers, no labels. */
	static const char *const bad[] = {"", "VIP", "Vip", " vip", "vip ", "1", "核心", "important\n", "vipx"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		csvc_assert_err(csvc_enum_parse(CSVC_ENUM_CUSTOMER_CLASS, bad[i], &v), CSVC_EINVAL);
	/* A name of another enum. */
	csvc_assert_err(csvc_enum_parse(CSVC_ENUM_URGENCY, "high", &v), CSVC_EINVAL);
	csvc_assert_err(csvc_enum_parse(CSVC_ENUM_VALUE_TIER, "tier_1", &v), CSVC_EINVAL);
	assert_int_equal(v, 77);
	/* NULL arguments. */
	csvc_assert_err(csvc_enum_parse(CSVC_ENUM_URGENCY, NULL, &v), CSVC_EINVAL);
	csvc_assert_err(csvc_enum_parse(CSVC_ENUM_URGENCY, "major", NULL), CSVC_EINVAL);
	assert_int_equal(v, 77);
	/* A successful parse clears the error record; csvc_enum_name leaves it. */
	csvc_assert_ok(csvc_enum_parse(CSVC_ENUM_URGENCY, "major", &v));
	assert_int_equal(v, CSVC_URGENCY_MAJOR);
	assert_int_equal(csvc_error_last()->code, CSVC_OK);
	csvc_assert_err(csvc_enum_parse(CSVC_ENUM_URGENCY, "nope", &v), CSVC_EINVAL);
	assert_string_equal(csvc_enum_name(CSVC_ENUM_URGENCY, CSVC_URGENCY_MAJOR), "major");
	assert_int_equal(csvc_error_last()->code, CSVC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_value_round_trips),
		cmocka_unit_test(names_are_unique_within_an_enum),
		cmocka_unit_test(unknown_enums_values_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
