/*
 * Consent per purpose: recording and reading, the history, refusals
 * that change nothing, survey invitations refused after a withdrawal,
 * merges and erasures, append-only storage, access control and the
 * lookup's query plan. Runs on both engines.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static csvc_time_us now_cell;

typedef struct fixture {
	char dir[64], path[96];
	csvc_store *s;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/csvc-consent-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&f->s, f->path, &o));
	csvc_assert_ok(csvc_store_install_defaults(f->s));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	csvc_store_close(f->s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static csvc_uuid customer(csvc_store *s, const char *name, const char *home)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	if (home)
		csvc_assert_ok(csvc_customer_set_home_store(c, home));
	csvc_assert_ok(csvc_customer_create(s, c, "desk"));
	csvc_uuid id = *csvc_customer_id(c);
	csvc_customer_free(c);
	return id;
}

static int record_as(csvc_store *s, const csvc_uuid *who, int32_t purpose, int32_t st, const char *channel,
                     const char *actor)
{
	now_cell += CSVC_SECOND_US;
	csvc_consent_form f;
	csvc_assert_ok(csvc_consent_form_init(&f, CSVC_CONSENT_FORM_VERSION));
	f.customer = who;
	f.purpose = purpose;
	f.state = st;
	f.channel = channel;
	f.text_version = "2026-03";
	return csvc_consent_record(s, &f, actor);
}

static int record(csvc_store *s, const csvc_uuid *who, int32_t purpose, int32_t st, const char *channel)
{
	return record_as(s, who, purpose, st, channel, "desk");
}

static int32_t current(csvc_store *s, const csvc_uuid *who, csvc_consent_purpose_t purpose)
{
	int32_t v = -1;
	csvc_assert_ok(csvc_consent_current(s, who, purpose, &v));
	return v;
}

static int64_t rows(csvc_store *s)
{
	return csvc_test_sql_int(s, "SELECT (SELECT count(*) FROM customer_consents) * 1000"
	                            " + (SELECT count(*) FROM customer_events)");
}

static void test_record_and_read(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "SH01");
	for (int p = 1; p <= CSVC_CONSENT_PURPOSE_MAX; p++)
		assert_int_equal(current(f->s, &a, (csvc_consent_purpose_t)p), 0);
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, "counter"));
	csvc_time_us given_at = now_cell;
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_MARKETING, CSVC_CONSENT_GIVEN, NULL));
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_WITHDRAWN, "app"));
	assert_int_equal(current(f->s, &a, CSVC_CONSENT_SURVEY), CSVC_CONSENT_WITHDRAWN);
	assert_int_equal(current(f->s, &a, CSVC_CONSENT_MARKETING), CSVC_CONSENT_GIVEN);
	assert_int_equal(current(f->s, &a, CSVC_CONSENT_PROFILING), 0);
	csvc_consent **h = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_consent_history(f->s, &a, &h, &n));
	assert_int_equal(n, 3);
	assert_int_equal(csvc_consent_purpose(h[0]), CSVC_CONSENT_SURVEY);
	assert_int_equal(csvc_consent_state(h[0]), CSVC_CONSENT_GIVEN);
	assert_int_equal(csvc_consent_at(h[0]), given_at);
	assert_string_equal(csvc_consent_channel(h[0]), "counter");
	assert_string_equal(csvc_consent_text_version(h[0]), "2026-03");
	assert_string_equal(csvc_consent_actor(h[0]), "desk");
	assert_null(csvc_consent_channel(h[1]));
	assert_int_equal(csvc_consent_state(h[2]), CSVC_CONSENT_WITHDRAWN);
	assert_string_equal(csvc_consent_channel(h[2]), "app");
	csvc_consent_list_free(h, n);
	assert_int_equal(csvc_consent_purpose(NULL), 0);
	assert_int_equal(csvc_consent_state(NULL), 0);
	assert_int_equal(csvc_consent_at(NULL), 0);
	assert_null(csvc_consent_actor(NULL));
	csvc_consent_list_free(NULL, 3);
	/* Each record is in the customer's history and in the change feed. */
	assert_int_equal(csvc_test_sql_int(f->s, "SELECT count(*) FROM customer_events WHERE type = 'consent_recorded'"),
	                 3);
	/* A customer without records has an empty history. */
	csvc_uuid b = customer(f->s, "李雷", "SH01");
	h = (csvc_consent **)&n;
	csvc_assert_ok(csvc_consent_history(f->s, &b, &h, &n));
	assert_int_equal(n, 0);
	assert_null(h);
	/* A clock set back does not let an older statement win: the one
	 * recorded last is the current one. */
	csvc_assert_ok(record(f->s, &b, CSVC_CONSENT_PROFILING, CSVC_CONSENT_GIVEN, NULL));
	now_cell -= 3600 * CSVC_SECOND_US;
	csvc_assert_ok(record(f->s, &b, CSVC_CONSENT_PROFILING, CSVC_CONSENT_WITHDRAWN, NULL));
	assert_int_equal(current(f->s, &b, CSVC_CONSENT_PROFILING), CSVC_CONSENT_WITHDRAWN);
	csvc_assert_ok(csvc_consent_history(f->s, &b, &h, &n));
	assert_int_equal(n, 2);
	assert_int_equal(csvc_consent_state(h[1]), CSVC_CONSENT_WITHDRAWN);
	csvc_consent_list_free(h, n);
	assert_string_equal(csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, CSVC_CONSENT_THIRD_PARTY), "third_party");
	assert_string_equal(csvc_enum_name(CSVC_ENUM_CONSENT_STATE, CSVC_CONSENT_WITHDRAWN), "withdrawn");
}

static void test_refusals_change_nothing(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "SH01");
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL));
	int64_t before = rows(f->s);
	csvc_uuid nobody = a;
	nobody.bytes[15] ^= 0xff;
	csvc_assert_err(record(f->s, &nobody, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(record(f->s, NULL, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, 0, CSVC_CONSENT_GIVEN, NULL), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_PURPOSE_MAX + 1, CSVC_CONSENT_GIVEN, NULL), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, -1, CSVC_CONSENT_GIVEN, NULL), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_SURVEY, 0, NULL), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_SURVEY, 3, NULL), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, ""), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, "bad\xff"), CSVC_EINVAL);
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, "two\nlines"), CSVC_EINVAL);
	char longer[CSVC_CONSENT_MAX_CHANNEL + 2];
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	csvc_assert_err(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, longer), CSVC_ERANGE);
	longer[CSVC_CONSENT_MAX_CHANNEL] = '\0';
	csvc_consent_form form = CSVC_CONSENT_FORM_INIT;
	form.customer = &a;
	form.purpose = CSVC_CONSENT_SURVEY;
	form.state = CSVC_CONSENT_WITHDRAWN;
	form.text_version = "";
	csvc_assert_err(csvc_consent_record(f->s, &form, NULL), CSVC_EINVAL);
	form.text_version = NULL;
	csvc_assert_err(csvc_consent_record(f->s, &form, ""), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_record(NULL, &form, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_record(f->s, NULL, NULL), CSVC_EINVAL);
	form.version = CSVC_CONSENT_FORM_VERSION + 1;
	csvc_assert_err(csvc_consent_record(f->s, &form, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_form_init(NULL, CSVC_CONSENT_FORM_VERSION), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_form_init(&form, 0), CSVC_EINVAL);
	assert_int_equal(rows(f->s), before);
	/* The longest channel is fine. */
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, longer));

	int32_t v = 7;
	csvc_assert_err(csvc_consent_current(f->s, &nobody, CSVC_CONSENT_SURVEY, &v), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_consent_current(f->s, &a, 0, &v), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_current(f->s, &a, (csvc_consent_purpose_t)99, &v), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_current(f->s, NULL, CSVC_CONSENT_SURVEY, &v), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_current(f->s, &a, CSVC_CONSENT_SURVEY, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_current(NULL, &a, CSVC_CONSENT_SURVEY, &v), CSVC_EINVAL);
	assert_int_equal(v, 7);
	csvc_consent **h = NULL;
	size_t n = 5;
	csvc_assert_err(csvc_consent_history(f->s, &nobody, &h, &n), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_consent_history(f->s, &a, NULL, &n), CSVC_EINVAL);
	csvc_assert_err(csvc_consent_history(f->s, &a, &h, NULL), CSVC_EINVAL);
	assert_null(h);
	assert_int_equal(n, 5);

	/* Append-only: the store refuses changes made behind the library. */
	assert_int_not_equal(csvc_test_sql_exec(f->s, "UPDATE customer_consents SET state = 1"), CSVC_OK);
	assert_int_not_equal(csvc_test_sql_exec(f->s, "DELETE FROM customer_consents"), CSVC_OK);
	if (csvc_test_on_pg())
		assert_int_not_equal(csvc_test_sql_exec(f->s, "TRUNCATE customer_consents"), CSVC_OK);
	assert_int_equal(csvc_test_sql_int(f->s, "SELECT count(*) FROM customer_consents"), 2);
}

static void invite(csvc_store *s, const csvc_uuid *who, const csvc_uuid *ticket, int expect)
{
	csvc_survey_context ctx;
	csvc_assert_ok(csvc_survey_context_init(&ctx, CSVC_SURVEY_CONTEXT_VERSION));
	ctx.customer = who;
	ctx.ticket = ticket;
	ctx.store_code = "SH01";
	ctx.method = CSVC_METHOD_PHONE_CALLBACK;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	if (expect)
		csvc_assert_err(csvc_survey_invite(s, "post_resolution", &ctx, token), expect);
	else
		csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, token));
}

/* A customer who withdrew consent to surveys is not invited, by
 * themselves or through their ticket; one never asked, or who gave it
 * again, is. Other purposes do not matter. */
static void test_survey_needs_consent(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "SH01");
	invite(f->s, &a, NULL, 0);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, &a));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退货"));
	csvc_assert_ok(csvc_ticket_create(f->s, t, "desk"));
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_MARKETING, CSVC_CONSENT_WITHDRAWN, NULL));
	invite(f->s, NULL, csvc_ticket_id(t), 0);
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_WITHDRAWN, "phone"));
	int64_t before = csvc_test_sql_int(f->s, "SELECT count(*) FROM survey_invitations");
	invite(f->s, &a, NULL, CSVC_ESTATE);
	assert_non_null(strstr(csvc_error_last()->message, "withdrew consent to surveys"));
	invite(f->s, NULL, csvc_ticket_id(t), CSVC_ESTATE);
	assert_int_equal(csvc_test_sql_int(f->s, "SELECT count(*) FROM survey_invitations"), before);
	/* Inside a caller's transaction the refusal leaves it usable. */
	csvc_assert_ok(csvc_store_begin(f->s));
	invite(f->s, &a, NULL, CSVC_ESTATE);
	csvc_assert_ok(csvc_store_commit(f->s));
	csvc_assert_ok(record(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, "counter"));
	invite(f->s, &a, NULL, 0);
	csvc_ticket_free(t);
}

/* A merge joins the histories; the newest record of a purpose of either
 * is the current one. An erasure keeps the records (the proof), and
 * nothing more can be recorded for either. */
static void test_merge_and_erase(void **state)
{
	fixture *f = *state;
	csvc_uuid keep = customer(f->s, "王芳", "SH01"), absorb = customer(f->s, "王 芳", "SH01");
	csvc_assert_ok(record(f->s, &keep, CSVC_CONSENT_MARKETING, CSVC_CONSENT_GIVEN, NULL));
	csvc_assert_ok(record(f->s, &absorb, CSVC_CONSENT_MARKETING, CSVC_CONSENT_WITHDRAWN, NULL));
	csvc_assert_ok(record(f->s, &absorb, CSVC_CONSENT_PROFILING, CSVC_CONSENT_GIVEN, NULL));
	csvc_assert_ok(record(f->s, &keep, CSVC_CONSENT_PROFILING, CSVC_CONSENT_WITHDRAWN, NULL));
	csvc_assert_ok(csvc_customer_merge(f->s, &keep, &absorb, "desk", NULL));
	assert_int_equal(current(f->s, &keep, CSVC_CONSENT_MARKETING), CSVC_CONSENT_WITHDRAWN);
	assert_int_equal(current(f->s, &keep, CSVC_CONSENT_PROFILING), CSVC_CONSENT_WITHDRAWN);
	assert_int_equal(current(f->s, &absorb, CSVC_CONSENT_MARKETING), CSVC_CONSENT_WITHDRAWN);
	csvc_consent **h = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_consent_history(f->s, &keep, &h, &n));
	assert_int_equal(n, 4);
	for (size_t i = 1; i < n; i++)
		assert_true(csvc_consent_at(h[i - 1]) < csvc_consent_at(h[i]));
	csvc_consent_list_free(h, n);
	csvc_assert_err(record(f->s, &absorb, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL), CSVC_ESTATE);
	assert_non_null(strstr(csvc_error_last()->message, "merged"));
	/* Erased: the records stay, nothing more is recorded. */
	csvc_assert_ok(csvc_customer_erase(f->s, &keep, "privacy"));
	csvc_assert_err(record(f->s, &keep, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL), CSVC_ESTATE);
	csvc_assert_ok(csvc_consent_history(f->s, &keep, &h, &n));
	assert_int_equal(n, 4);
	csvc_consent_list_free(h, n);
}

/* Recording needs customer_write, reading customer_read_profile, each in
 * the customer's home store's scope. */
static void test_access(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "SH01");
	/* A duplicate of no store, merged into her: its UUID reads her
	 * records, so her store's scope applies to it. */
	csvc_uuid dup = customer(f->s, "王 芳", NULL);
	csvc_assert_ok(csvc_customer_merge(f->s, &a, &dup, "desk", NULL));
	csvc_test_add_staff(f->s, "agent1", "SH01", "service_agent");
	csvc_test_add_staff(f->s, "agent2", "SH02", "service_agent");
	csvc_test_add_staff(f->s, "guide1", "SH01", "guide");
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *c = NULL;
	csvc_assert_ok(csvc_test_open(&c, f->path, &o));
	int32_t v = 0;
	csvc_assert_err(record(c, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(c, "agent2"));
	csvc_assert_err(record_as(c, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL, NULL), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "csvc_consent_record"));
	csvc_assert_err(csvc_consent_current(c, &a, CSVC_CONSENT_SURVEY, &v), CSVC_EACCESS);
	csvc_assert_err(csvc_consent_current(c, &dup, CSVC_CONSENT_SURVEY, &v), CSVC_EACCESS);
	csvc_consent **none = NULL;
	size_t k = 0;
	csvc_assert_err(csvc_consent_history(c, &dup, &none, &k), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(c, "guide1"));
	csvc_assert_err(record(c, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL), CSVC_EACCESS);
	assert_int_equal(csvc_test_sql_int(f->s, "SELECT count(*) FROM customer_consents"), 0);
	csvc_assert_ok(csvc_consent_current(c, &a, CSVC_CONSENT_SURVEY, &v));
	csvc_assert_ok(csvc_store_set_principal(c, "agent1"));
	csvc_assert_ok(record_as(c, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN, NULL, NULL));
	csvc_consent **h = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_consent_history(c, &a, &h, &n));
	assert_int_equal(n, 1);
	assert_string_equal(csvc_consent_actor(h[0]), "agent1");
	csvc_consent_list_free(h, n);
	csvc_store_close(c);
}

/* The current state is read through the consent index. */
static void test_query_plan(void **state)
{
	fixture *f = *state;
	if (csvc_test_on_pg())
		return; /* SQLite's EXPLAIN QUERY PLAN through its handle */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(f->s),
	                                    "EXPLAIN QUERY PLAN SELECT state FROM customer_consents WHERE customer_id IN"
	                                    " (SELECT CAST(1 AS BIGINT) UNION ALL SELECT id FROM customers WHERE"
	                                    " merged_into = 1) AND purpose = 2 ORDER BY id DESC LIMIT 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	char plan[2048] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	int bad = !strstr(plan, "customer_consents_customer") || strstr(plan, "SCAN customer_consents") ||
	          strstr(plan, "SCAN customers");
	if (bad)
		print_error("plan:\n%s", plan);
	assert_false(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survey_needs_consent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_and_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_plan, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
