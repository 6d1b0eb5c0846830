/*
 * Surveys: definitions and versions, handbook templates, invitations
 * (single use, expiry, unknown tokens), response validation that writes
 * nothing on error, anonymous responses, and the scores computed from
 * them (CSAT, NPS, CES, SERVQUAL gaps, CSI) with hand-computed values,
 * groupings, periods in the store's time zone, JSON and query plans.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "report/report-internal.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define SEC CSVC_SECOND_US
#define HOUR (3600 * SEC)
#define DAY (24 * HOUR)
/* 2026-01-01 00:00 UTC, a Thursday. */
#define T0 ((csvc_time_us)1767225600 * SEC)
#define EPS 1e-9

static csvc_time_us now_cell;

/* +08:00, Monday to Sunday 09:00-21:00. */
static const char SH_CALENDAR[] =
	"{\"zone\":\"+08:00\",\"versions\":[{\"week\":{"
	"\"mon\":[\"09:00-21:00\"],\"tue\":[\"09:00-21:00\"],\"wed\":[\"09:00-21:00\"],\"thu\":[\"09:00-21:00\"],"
	"\"fri\":[\"09:00-21:00\"],\"sat\":[\"09:00-21:00\"],\"sun\":[\"09:00-21:00\"]}}]}";

static csvc_store *open_store(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	return s;
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

static csvc_ticket *make_ticket(csvc_store *s, const char *kind, const char *store, const char *assignee)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, store));
	csvc_assert_ok(csvc_ticket_set_subject(t, "survey"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "store_counter"));
	csvc_assert_ok(csvc_ticket_set_category(t, "服务态度"));
	if (assignee)
		csvc_assert_ok(csvc_ticket_set_assignee(t, assignee, NULL));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

static csvc_report_query range(csvc_time_us from, csvc_time_us to)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = from;
	q.to = to;
	return q;
}

/* ---- definitions ---- */

static void test_definitions(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_survey *sv = NULL;
	csvc_assert_err(csvc_survey_new(&sv, "Bad Name"), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_new(&sv, ""), CSVC_ERANGE);
	csvc_assert_err(csvc_survey_new(NULL, "x"), CSVC_EINVAL);
	csvc_assert_ok(csvc_survey_new(&sv, "exit_poll"));
	csvc_assert_err(csvc_survey_validate(sv), CSVC_EINVAL); /* no questions */
	csvc_assert_ok(csvc_survey_set_title(sv, "离店调查"));
	csvc_assert_err(csvc_survey_set_title(sv, "\xff"), CSVC_EINVAL);
	csvc_assert_ok(csvc_survey_add_dimension(sv, "staff", 0, "员工服务", NULL));
	csvc_assert_err(csvc_survey_add_dimension(sv, "staff", 1, NULL, NULL), CSVC_EEXISTS);
	csvc_assert_err(csvc_survey_add_dimension(sv, "neg", -1, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_add_dimension(sv, "huge", 1e9, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_add_dimension(sv, "nan", NAN, NULL, NULL), CSVC_EINVAL);
	size_t i = 99;
	csvc_assert_ok(csvc_survey_add_question(sv, "friendly", CSVC_QUESTION_LIKERT, "staff", 1, "热情", NULL, &i));
	assert_int_equal(i, 0);
	csvc_assert_err(csvc_survey_add_question(sv, "friendly", CSVC_QUESTION_LIKERT, NULL, 0, NULL, NULL, NULL),
	                CSVC_EEXISTS);
	csvc_assert_err(csvc_survey_add_question(sv, "q2", 0, NULL, 0, NULL, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_add_question(sv, "q2", 8, NULL, 0, NULL, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_add_question(sv, "q2", CSVC_QUESTION_LIKERT, "nodim", 0, NULL, NULL, NULL),
	                CSVC_EINVAL);
	csvc_assert_err(csvc_survey_add_question(sv, "q2", CSVC_QUESTION_SERVQUAL, NULL, 0, NULL, NULL, NULL),
	                CSVC_EINVAL);
	csvc_assert_ok(csvc_survey_add_question(sv, "effort", CSVC_QUESTION_CES, NULL, 0, NULL, NULL, &i));
	csvc_assert_ok(csvc_survey_set_scale(sv, i, 5));
	csvc_assert_err(csvc_survey_set_scale(sv, i, 2), CSVC_ERANGE);
	csvc_assert_err(csvc_survey_set_scale(sv, i, 12), CSVC_ERANGE);
	csvc_assert_err(csvc_survey_set_scale(sv, 40, 5), CSVC_ERANGE);
	csvc_assert_ok(csvc_survey_add_question(sv, "visit_reason", CSVC_QUESTION_CHOICE, NULL, 0, NULL, NULL, &i));
	csvc_assert_err(csvc_survey_validate(sv), CSVC_EINVAL); /* a choice needs two options */
	csvc_assert_ok(csvc_survey_add_option(sv, i, "shopping"));
	csvc_assert_err(csvc_survey_add_option(sv, i, "shopping"), CSVC_EEXISTS);
	csvc_assert_err(csvc_survey_add_option(sv, i, "Bad"), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_add_option(sv, 0, "x"), CSVC_EINVAL); /* not a choice */
	csvc_assert_ok(csvc_survey_add_option(sv, i, "return"));
	csvc_assert_err(csvc_survey_set_scale(sv, i, 5), CSVC_EINVAL); /* fixed scale */
	csvc_assert_ok(csvc_survey_add_question(sv, "nps", CSVC_QUESTION_NPS, NULL, 0, NULL, NULL, NULL));
	csvc_assert_ok(csvc_survey_validate(sv));

	int32_t v = 0;
	csvc_assert_err(csvc_survey_save(NULL, sv, &v), CSVC_EINVAL);
	csvc_assert_ok(csvc_survey_save(s, sv, &v));
	assert_int_equal(v, 1);
	assert_int_equal(csvc_survey_version(sv), 1);
	csvc_assert_ok(csvc_survey_save(s, sv, &v)); /* unchanged */
	assert_int_equal(v, 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM surveys WHERE name = 'exit_poll'"), 1);

	csvc_survey *ld = NULL;
	csvc_assert_ok(csvc_survey_load(s, "exit_poll", 0, &ld));
	assert_int_equal(csvc_survey_version(ld), 1);
	assert_string_equal(csvc_survey_title(ld), "离店调查");
	assert_int_equal(csvc_survey_question_count(ld), 4);
	assert_int_equal(csvc_survey_dimension_count(ld), 1);
	const char *name, *dim;
	int32_t type, req, scale;
	double weight;
	csvc_assert_ok(csvc_survey_question_at(ld, 1, &name, &type, &dim, &req, &scale));
	assert_string_equal(name, "effort");
	assert_int_equal(type, CSVC_QUESTION_CES);
	assert_null(dim);
	assert_int_equal(req, 0);
	assert_int_equal(scale, 5);
	csvc_assert_ok(csvc_survey_question_at(ld, 0, NULL, NULL, &dim, &req, &scale));
	assert_string_equal(dim, "staff");
	assert_int_equal(req, 1);
	assert_int_equal(scale, 5);
	csvc_assert_ok(csvc_survey_question_at(ld, 3, NULL, NULL, NULL, NULL, &scale));
	assert_int_equal(scale, 10);
	csvc_assert_err(csvc_survey_question_at(ld, 4, NULL, NULL, NULL, NULL, NULL), CSVC_ERANGE);
	csvc_assert_ok(csvc_survey_dimension_at(ld, 0, &name, &weight, NULL, NULL));
	assert_string_equal(name, "staff");
	assert_true(weight == 1.0);
	csvc_assert_err(csvc_survey_dimension_at(ld, 1, &name, NULL, NULL, NULL), CSVC_ERANGE);
	const char *zh = NULL;
	csvc_assert_ok(csvc_survey_question_labels(ld, 0, &zh, NULL));
	assert_string_equal(zh, "热情");
	assert_int_equal(csvc_survey_option_count(ld, 2), 2);
	assert_string_equal(csvc_survey_option_at(ld, 2, 1), "return");
	assert_null(csvc_survey_option_at(ld, 2, 2));
	assert_int_equal(csvc_survey_option_count(ld, 9), 0);
	assert_false(csvc_survey_anonymous(ld));
	csvc_survey_free(ld);

	/* A change makes version 2; version 1 stays as it was. */
	csvc_assert_ok(csvc_survey_set_anonymous(sv, 1));
	assert_int_equal(csvc_survey_version(sv), 0);
	csvc_assert_ok(csvc_survey_save(s, sv, &v));
	assert_int_equal(v, 2);
	csvc_assert_ok(csvc_survey_load(s, "exit_poll", 1, &ld));
	assert_false(csvc_survey_anonymous(ld));
	csvc_survey_free(ld);
	csvc_assert_ok(csvc_survey_load(s, "exit_poll", 0, &ld));
	assert_true(csvc_survey_anonymous(ld));
	assert_int_equal(csvc_survey_version(ld), 2);
	csvc_survey_free(ld);
	csvc_assert_err(csvc_survey_load(s, "exit_poll", 3, &ld), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_survey_load(s, "nothing", 0, &ld), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_survey_load(s, "exit_poll", -1, &ld), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_load(s, "Bad", 0, &ld), CSVC_EINVAL);
	/* Stored versions are immutable. */
	csvc_assert_err(csvc_test_sql_exec(s, "UPDATE surveys SET title = 'x'"), CSVC_EEXISTS);

	/* Getters are NULL-safe. */
	assert_null(csvc_survey_name(NULL));
	assert_int_equal(csvc_survey_question_count(NULL), 0);
	csvc_assert_err(csvc_survey_question_at(NULL, 0, NULL, NULL, NULL, NULL, NULL), CSVC_EINVAL);
	csvc_survey_free(NULL);
	csvc_survey_free(sv);
	csvc_store_close(s);
}

static void test_templates(void **state)
{
	(void)state;
	csvc_store *s = open_store(); /* csvc_store_install_defaults installs them */
	csvc_survey *sv = NULL;
	const char *name;
	int32_t type, req, scale;
	csvc_assert_ok(csvc_survey_load(s, "post_resolution", 0, &sv));
	assert_int_equal(csvc_survey_version(sv), 1);
	assert_int_equal(csvc_survey_question_count(sv), 4);
	static const char *const post[] = {"response_speed", "resolution_efficiency", "solution_satisfaction"};
	for (size_t i = 0; i < 3; i++) {
		csvc_assert_ok(csvc_survey_question_at(sv, i, &name, &type, NULL, &req, &scale));
		assert_string_equal(name, post[i]);
		assert_int_equal(type, CSVC_QUESTION_LIKERT);
		assert_int_equal(req, 1);
		assert_int_equal(scale, 5);
	}
	csvc_survey_free(sv);
	csvc_assert_ok(csvc_survey_load(s, "mall", 0, &sv));
	assert_int_equal(csvc_survey_dimension_count(sv), 4);
	const char *zh;
	csvc_assert_ok(csvc_survey_dimension_at(sv, 0, &name, NULL, &zh, NULL));
	assert_string_equal(zh, "商品质量");
	csvc_assert_ok(csvc_survey_dimension_at(sv, 3, &name, NULL, &zh, NULL));
	assert_string_equal(zh, "售后保障");
	csvc_survey_free(sv);
	csvc_assert_ok(csvc_survey_load(s, "nps", 0, &sv));
	assert_true(csvc_survey_anonymous(sv));
	csvc_survey_free(sv);
	csvc_assert_ok(csvc_survey_load(s, "servqual", 0, &sv));
	assert_int_equal(csvc_survey_dimension_count(sv), 5);
	csvc_assert_ok(csvc_survey_question_at(sv, 0, &name, &type, NULL, NULL, &scale));
	assert_string_equal(name, "tangibles");
	assert_int_equal(type, CSVC_QUESTION_SERVQUAL);
	assert_int_equal(scale, 7);
	csvc_survey_free(sv);
	csvc_assert_ok(csvc_survey_load(s, "servqual_handbook", 0, &sv));
	assert_int_equal(csvc_survey_dimension_count(sv), 6);
	csvc_assert_ok(csvc_survey_dimension_at(sv, 5, &name, NULL, &zh, NULL));
	assert_string_equal(name, "security");
	assert_string_equal(zh, "保障性");
	csvc_assert_err(csvc_survey_add_servqual(sv, 0), CSVC_EEXISTS);
	assert_int_equal(csvc_survey_dimension_count(sv), 6);
	csvc_survey_free(sv);
	/* Again: nothing changes. */
	int64_t before = sql_int(s, "SELECT count(*) FROM surveys");
	csvc_assert_ok(csvc_survey_install_defaults(s));
	csvc_assert_ok(csvc_store_install_defaults(s));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM surveys"), before);
	assert_int_equal(before, 5);
	csvc_assert_err(csvc_survey_install_defaults(NULL), CSVC_EINVAL);
	csvc_store_close(s);
}

/* ---- invitations and responses ---- */

static csvc_survey_answers *post_answers(int a, int b, int c)
{
	csvc_survey_answers *ans = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&ans));
	csvc_assert_ok(csvc_survey_answers_score(ans, "response_speed", a));
	csvc_assert_ok(csvc_survey_answers_score(ans, "resolution_efficiency", b));
	csvc_assert_ok(csvc_survey_answers_score(ans, "solution_satisfaction", c));
	return ans;
}

static void invite_ticket(csvc_store *s, const csvc_ticket *t, const char *survey, int32_t method, char *token)
{
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = csvc_ticket_id(t);
	ctx.method = method;
	csvc_assert_ok(csvc_survey_invite(s, survey, &ctx, token));
}

static void test_invitations(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *t = make_ticket(s, "complaint", "SH01", "li.lei");
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	invite_ticket(s, t, "post_resolution", CSVC_METHOD_PHONE_CALLBACK, token);
	assert_int_equal(strlen(token), 32);
	assert_int_equal(strspn(token, "0123456789abcdef"), 32);
	/* The ticket filled in store, staff, channel, kind and category. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_invitations WHERE store_code = 'SH01'"
	                            " AND staff = 'li.lei' AND channel = 'store_counter' AND method = 3"
	                            " AND ticket_kind = 'complaint' AND expires_us - created_us = 604800000000"),
	                 1);

	/* Bad answers: each a clean error that writes nothing. */
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "response_speed", 5));
	csvc_assert_ok(csvc_survey_answers_score(a, "resolution_efficiency", 4));
	csvc_assert_err(csvc_survey_respond(s, token, a, NULL), CSVC_EINVAL); /* required one missing */
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 6));
	csvc_assert_err(csvc_survey_respond(s, token, a, NULL), CSVC_ERANGE);
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 0));
	csvc_assert_err(csvc_survey_respond(s, token, a, NULL), CSVC_ERANGE);
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 3));
	csvc_assert_ok(csvc_survey_answers_score(a, "nonsense", 3));
	csvc_assert_err(csvc_survey_respond(s, token, a, NULL), CSVC_EINVAL); /* unknown question */
	csvc_survey_answers_free(a);
	a = post_answers(5, 4, 3);
	csvc_assert_ok(csvc_survey_answers_pair(a, "comment", 1, 2));
	csvc_assert_err(csvc_survey_respond(s, token, a, NULL), CSVC_EINVAL); /* wrong kind */
	csvc_assert_ok(csvc_survey_answers_text(a, "comment", "处理很及时，谢谢"));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_responses"), 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_answers"), 0);

	/* Unknown and malformed tokens. */
	csvc_assert_err(csvc_survey_respond(s, "00000000000000000000000000000000", a, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_survey_respond(s, "short", a, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_survey_respond(s, NULL, a, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_respond(s, token, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_respond(NULL, token, a, NULL), CSVC_EINVAL);

	csvc_uuid rid;
	csvc_assert_ok(csvc_survey_respond(s, token, a, &rid));
	assert_false(csvc_uuid_is_nil(&rid));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_answers"), 4);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_responses WHERE staff = 'li.lei'"
	                            " AND ticket_category = '服务态度' AND method = 3"),
	                 1);
	/* Once only. */
	csvc_assert_err(csvc_survey_respond(s, token, a, NULL), CSVC_EEXISTS);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_responses"), 1);

	/* Expiry at the store clock: on time just before, expired at it. */
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.customer = NULL;
	ctx.ticket = csvc_ticket_id(t);
	ctx.method = CSVC_METHOD_RECEIPT_QR;
	ctx.ttl_us = HOUR;
	char t2[CSVC_SURVEY_TOKEN_LEN + 1], t3[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, t2));
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, t3));
	assert_string_not_equal(t2, t3);
	now_cell += HOUR;
	csvc_assert_err(csvc_survey_respond(s, t2, a, NULL), CSVC_ESTATE);
	now_cell -= 1;
	csvc_assert_ok(csvc_survey_respond(s, t3, a, NULL));

	/* Invitation errors. */
	csvc_survey_context bad = CSVC_SURVEY_CONTEXT_INIT;
	bad.method = CSVC_METHOD_TILL;
	bad.store_code = "SH01";
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL); /* no ticket, no customer */
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "王芳"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	bad.customer = csvc_customer_id(c);
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &bad, t2));
	bad.store_code = NULL;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL); /* no store code */
	bad.store_code = "SH 01";
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL);
	bad.store_code = "SH01";
	bad.method = 0;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL);
	bad.method = 9;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL);
	bad.method = CSVC_METHOD_TILL;
	bad.ttl_us = -1;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL);
	bad.ttl_us = 0;
	bad.channel = "carrier_pigeon";
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_ENOTFOUND);
	bad.channel = NULL;
	csvc_assert_err(csvc_survey_invite(s, "no_such_survey", &bad, t2), CSVC_ENOTFOUND);
	csvc_uuid ghost = {{1, 2, 3}};
	bad.ticket = &ghost;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_ENOTFOUND);
	bad.ticket = NULL;
	bad.customer = &ghost;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_ENOTFOUND);
	bad.version = 2;
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &bad, t2), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", NULL, t2), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_invite(s, "post_resolution", &ctx, NULL), CSVC_EINVAL);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_invitations"), 4);

	/* A customer merge moves invitations and responses. */
	csvc_customer *c2 = NULL;
	csvc_assert_ok(csvc_customer_new(&c2));
	csvc_assert_ok(csvc_customer_set_name(c2, "王芳 (dup)"));
	csvc_assert_ok(csvc_customer_create(s, c2, NULL));
	csvc_survey_context cc = CSVC_SURVEY_CONTEXT_INIT;
	cc.customer = csvc_customer_id(c2);
	cc.store_code = "SH02";
	cc.method = CSVC_METHOD_QUESTIONNAIRE;
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &cc, t2));
	csvc_assert_ok(csvc_survey_respond(s, t2, a, NULL));
	csvc_merge_report *mr = NULL;
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(c), csvc_customer_id(c2), NULL, &mr));
	csvc_merge_report_free(mr);
	assert_int_equal(sql_int(s, "SELECT count(DISTINCT customer_id) FROM survey_invitations WHERE customer_id IS NOT NULL"),
	                 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_responses r JOIN customers c ON c.id = r.customer_id"
	                            " WHERE c.merged_into IS NOT NULL"),
	                 0);

	/* Answers: argument checks. */
	csvc_assert_err(csvc_survey_answers_score(NULL, "q", 1), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_answers_score(a, "Bad Q", 1), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_answers_text(a, "comment", "\xc0\x80"), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_answers_text(a, "comment", NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_answers_choice(a, "reason", "Not An Option"), CSVC_EINVAL);
	csvc_assert_err(csvc_survey_answers_new(NULL), CSVC_EINVAL);
	char *long_text = malloc(CSVC_SURVEY_MAX_TEXT + 2);
	memset(long_text, 'x', CSVC_SURVEY_MAX_TEXT + 1);
	long_text[CSVC_SURVEY_MAX_TEXT + 1] = '\0';
	csvc_assert_err(csvc_survey_answers_text(a, "comment", long_text), CSVC_ERANGE);
	free(long_text);
	csvc_survey_answers_free(NULL);
	csvc_survey_answers_free(a);
	csvc_customer_free(c);
	csvc_customer_free(c2);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

static void test_anonymous_and_choice(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.store_code = "SH01";
	ctx.channel = "kiosk";
	ctx.method = CSVC_METHOD_TILL;
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "recommend", 11));
	csvc_assert_err(csvc_survey_respond_anonymous(s, "nps", &ctx, a, NULL), CSVC_ERANGE);
	csvc_assert_ok(csvc_survey_answers_score(a, "recommend", 10));
	csvc_uuid id;
	csvc_assert_ok(csvc_survey_respond_anonymous(s, "nps", &ctx, a, &id));
	csvc_survey_answers *p = post_answers(5, 5, 5);
	csvc_assert_err(csvc_survey_respond_anonymous(s, "post_resolution", &ctx, p, NULL), CSVC_ESTATE);
	csvc_survey_answers_free(p);
	csvc_ticket *t = make_ticket(s, "inquiry", "SH01", NULL);
	ctx.ticket = csvc_ticket_id(t);
	csvc_assert_err(csvc_survey_respond_anonymous(s, "nps", &ctx, a, NULL), CSVC_EINVAL);
	ctx.ticket = NULL;
	ctx.store_code = NULL;
	csvc_assert_err(csvc_survey_respond_anonymous(s, "nps", &ctx, a, NULL), CSVC_EINVAL);
	ctx.store_code = "SH01";
	csvc_assert_err(csvc_survey_respond_anonymous(s, "nope", &ctx, a, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_survey_respond_anonymous(s, "nps", NULL, a, NULL), CSVC_EINVAL);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_responses WHERE invitation_id IS NULL"
	                            " AND channel = 'kiosk' AND method = 1"),
	                 1);

	/* Choice and yes/no answers. */
	csvc_survey *sv = NULL;
	size_t qi;
	csvc_assert_ok(csvc_survey_new(&sv, "kiosk_poll"));
	csvc_assert_ok(csvc_survey_set_anonymous(sv, 1));
	csvc_assert_ok(csvc_survey_add_question(sv, "reason", CSVC_QUESTION_CHOICE, NULL, 1, NULL, NULL, &qi));
	csvc_assert_ok(csvc_survey_add_option(sv, qi, "price"));
	csvc_assert_ok(csvc_survey_add_option(sv, qi, "quality"));
	csvc_assert_ok(csvc_survey_add_question(sv, "again", CSVC_QUESTION_YES_NO, NULL, 1, NULL, NULL, NULL));
	csvc_assert_ok(csvc_survey_save(s, sv, NULL));
	csvc_survey_answers *k = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&k));
	csvc_assert_ok(csvc_survey_answers_choice(k, "reason", "service"));
	csvc_assert_ok(csvc_survey_answers_yes_no(k, "again", 1));
	csvc_assert_err(csvc_survey_respond_anonymous(s, "kiosk_poll", &ctx, k, NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_survey_answers_choice(k, "reason", "quality"));
	csvc_assert_ok(csvc_survey_answers_yes_no(k, "again", 2));
	csvc_assert_err(csvc_survey_respond_anonymous(s, "kiosk_poll", &ctx, k, NULL), CSVC_ERANGE);
	csvc_assert_ok(csvc_survey_answers_yes_no(k, "again", 0));
	csvc_assert_ok(csvc_survey_respond_anonymous(s, "kiosk_poll", &ctx, k, NULL));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM survey_answers WHERE text = 'quality'"), 1);
	csvc_survey_answers_free(k);
	csvc_survey_free(sv);
	csvc_survey_answers_free(a);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* ---- scores ---- */

static csvc_report *scores(csvc_store *s, const csvc_report_query *q)
{
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_scores(s, q, &r));
	return r;
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)
#define V(r, i, m) csvc_report_value((r), (i), (m))

static void anon(csvc_store *s, const char *survey, const char *store, int32_t method, csvc_survey_answers *a)
{
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.store_code = store;
	ctx.method = method;
	csvc_assert_ok(csvc_survey_respond_anonymous(s, survey, &ctx, a, NULL));
}

static void nps_answer(csvc_store *s, const char *store, int v)
{
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "recommend", v));
	anon(s, "nps", store, CSVC_METHOD_RECEIPT_QR, a);
	csvc_survey_answers_free(a);
}

static void test_nps(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_report_query q = range(T0, T0 + DAY);
	q.survey = "nps";

	/* No responses: counts 0, scores undefined, flagged. */
	csvc_report *r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_string_equal(csvc_report_key(r, 0), "all");
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 0);
	assert_near(V(r, 0, CSVC_METRIC_NPS_N), 0);
	assert_true(isnan(V(r, 0, CSVC_METRIC_NPS)));
	assert_true(isnan(V(r, 0, CSVC_METRIC_NPS_SE)));
	assert_true(isnan(V(r, 0, CSVC_METRIC_CSAT)));
	assert_true(csvc_report_low_sample(r, 0));
	char *json = NULL;
	csvc_assert_ok(csvc_report_to_json(r, &json));
	assert_non_null(strstr(json, "\"nps\":null"));
	assert_non_null(strstr(json, "\"responses\":0"));
	csvc_free(json);
	csvc_report_free(r);

	/* One response: a single promoter. */
	now_cell = T0 + HOUR;
	nps_answer(s, "SH01", 9);
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_NPS), 100);
	assert_near(V(r, 0, CSVC_METRIC_NPS_SE), 0);
	assert_near(V(r, 0, CSVC_METRIC_NPS_N), 1);
	csvc_report_free(r);

	/* All promoters. */
	nps_answer(s, "SH01", 10);
	nps_answer(s, "SH01", 10);
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_NPS), 100);
	assert_near(V(r, 0, CSVC_METRIC_NPS_SE), 0);
	assert_near(V(r, 0, CSVC_METRIC_NPS_PROMOTERS), 1);
	csvc_report_free(r);

	/* Ten answers 10 9 9 8 7 6 3 0 10 10 (the three above included):
	 * 5 promoters, 3 detractors: NPS = 100 (0.5 - 0.3) = 20;
	 * SE = 100 sqrt((0.25 + 0.21 + 0.30) / 10) = 27.568097504180... */
	static const int more[] = {9, 8, 7, 6, 3, 0, 10};
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		nps_answer(s, i % 2 ? "SH02" : "SH01", more[i]);
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_NPS_N), 10);
	assert_near(V(r, 0, CSVC_METRIC_NPS), 20);
	assert_near(V(r, 0, CSVC_METRIC_NPS_SE), 27.568097504180);
	assert_near(V(r, 0, CSVC_METRIC_NPS_PROMOTERS), 0.5);
	assert_near(V(r, 0, CSVC_METRIC_NPS_DETRACTORS), 0.3);
	assert_true(csvc_report_low_sample(r, 0)); /* 10 < 30 */
	csvc_report_free(r);
	q.min_sample = 10;
	r = scores(s, &q);
	assert_false(csvc_report_low_sample(r, 0));
	csvc_report_free(r);

	/* By store. */
	q.group_by = CSVC_REPORT_BY_STORE;
	r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 2);
	assert_string_equal(csvc_report_key(r, 0), "SH01");
	assert_string_equal(csvc_report_key(r, 1), "SH02");
	/* SH01: 9 10 10 9 7 3 10: 5 promoters and 1 detractor of 7. */
	assert_near(V(r, 0, CSVC_METRIC_NPS_N), 7);
	assert_near(V(r, 0, CSVC_METRIC_NPS), 100.0 * (5 - 1) / 7);
	/* SH02: 8 6 0 -> no promoters, 2 detractors of 3. */
	assert_near(V(r, 1, CSVC_METRIC_NPS), 100.0 * (0 - 2) / 3);
	csvc_report_free(r);

	/* By method: all receipt QR. */
	q.group_by = CSVC_REPORT_BY_METHOD;
	r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_string_equal(csvc_report_key(r, 0), "receipt_qr");
	csvc_report_free(r);
	q.method = CSVC_METHOD_TILL;
	q.group_by = 0;
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 0);
	csvc_report_free(r);
	csvc_store_close(s);
}

static void test_csat_csi(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	now_cell = T0 + HOUR;
	csvc_ticket *t1 = make_ticket(s, "inquiry", "SH01", "li.lei");
	csvc_ticket *t2 = make_ticket(s, "complaint", "SH01", "wang.wu");
	char tk1[CSVC_SURVEY_TOKEN_LEN + 1], tk2[CSVC_SURVEY_TOKEN_LEN + 1];
	invite_ticket(s, t1, "post_resolution", CSVC_METHOD_PHONE_CALLBACK, tk1);
	invite_ticket(s, t2, "post_resolution", CSVC_METHOD_TILL, tk2);
	csvc_survey_answers *a = post_answers(5, 4, 3), *b = post_answers(2, 5, 4);
	csvc_assert_ok(csvc_survey_respond(s, tk1, a, NULL));
	csvc_assert_ok(csvc_survey_respond(s, tk2, b, NULL));
	csvc_survey_answers_free(a);
	csvc_survey_answers_free(b);

	/* Six Likert answers 5 4 3 2 5 4: top two box 4 of 6, mean 23/6;
	 * CSI (one implicit dimension) = mean of 100 75 50 25 100 75 = 425/6;
	 * Wilson(4, 6) = [0.299993315138, 0.903228588894]. */
	csvc_report_query q = range(T0, T0 + DAY);
	q.survey = "post_resolution";
	csvc_report *r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 2);
	assert_near(V(r, 0, CSVC_METRIC_CSAT_N), 6);
	assert_near(V(r, 0, CSVC_METRIC_CSAT), 4.0 / 6);
	assert_true(fabs(V(r, 0, CSVC_METRIC_CSAT_LOW) - 0.299993315138) < 1e-11);
	assert_true(fabs(V(r, 0, CSVC_METRIC_CSAT_HIGH) - 0.903228588894) < 1e-11);
	assert_near(V(r, 0, CSVC_METRIC_CSAT_MEAN), 23.0 / 6);
	assert_near(V(r, 0, CSVC_METRIC_CSI), 425.0 / 6);
	assert_near(V(r, 0, CSVC_METRIC_CSI_N), 6);
	assert_near(V(r, 0, CSVC_METRIC_CSI_TARGET), 85);
	assert_near(V(r, 0, CSVC_METRIC_CSI_MEETS_TARGET), 0);
	assert_true(isnan(V(r, 0, CSVC_METRIC_NPS)));
	csvc_report_free(r);
	q.csi_target = 70;
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_CSI_MEETS_TARGET), 1);
	csvc_report_free(r);

	/* One question only: solution_satisfaction 3 and 4. */
	q.question = "solution_satisfaction";
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_CSAT_N), 2);
	assert_near(V(r, 0, CSVC_METRIC_CSAT), 0.5);
	assert_near(V(r, 0, CSVC_METRIC_CSAT_MEAN), 3.5);
	csvc_report_free(r);
	q.question = NULL;

	/* By staff, channel, kind, category, method. */
	q.group_by = CSVC_REPORT_BY_STAFF;
	r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 2);
	assert_string_equal(csvc_report_key(r, 0), "li.lei");
	assert_near(V(r, 0, CSVC_METRIC_CSAT_MEAN), 4);
	assert_string_equal(csvc_report_key(r, 1), "wang.wu");
	assert_near(V(r, 1, CSVC_METRIC_CSAT_MEAN), 11.0 / 3);
	csvc_report_free(r);
	q.group_by = CSVC_REPORT_BY_KIND;
	r = scores(s, &q);
	assert_string_equal(csvc_report_key(r, 0), "complaint");
	assert_string_equal(csvc_report_key(r, 1), "inquiry");
	csvc_report_free(r);
	q.group_by = CSVC_REPORT_BY_CHANNEL;
	r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_string_equal(csvc_report_key(r, 0), "store_counter");
	csvc_report_free(r);
	q.group_by = CSVC_REPORT_BY_CATEGORY;
	r = scores(s, &q);
	assert_string_equal(csvc_report_key(r, 0), "服务态度");
	csvc_report_free(r);
	q.group_by = CSVC_REPORT_BY_METHOD;
	r = scores(s, &q);
	assert_string_equal(csvc_report_key(r, 0), "phone_callback");
	assert_string_equal(csvc_report_key(r, 1), "till");
	csvc_report_free(r);
	q.group_by = 0;
	q.staff = "wang.wu";
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 1);
	csvc_report_free(r);
	q.staff = NULL;

	/* Weighted CSI: product_quality weight 3 (answers 5, 4 on 1-5: mean
	 * 87.5), staff weight 1 (answers 3, 7 on 1-7: mean (33.33 + 100) / 2);
	 * CSI = (3 * 87.5 + 66.67) / 4 = 82.291666... */
	csvc_survey *sv = NULL;
	size_t qi;
	csvc_assert_ok(csvc_survey_new(&sv, "weighted"));
	csvc_assert_ok(csvc_survey_set_anonymous(sv, 1));
	csvc_assert_ok(csvc_survey_add_dimension(sv, "product_quality", 3, NULL, NULL));
	csvc_assert_ok(csvc_survey_add_dimension(sv, "staff_service", 0, NULL, NULL));
	csvc_assert_ok(csvc_survey_add_question(sv, "pq", CSVC_QUESTION_LIKERT, "product_quality", 1, NULL, NULL, NULL));
	csvc_assert_ok(csvc_survey_add_question(sv, "st", CSVC_QUESTION_LIKERT, "staff_service", 1, NULL, NULL, &qi));
	csvc_assert_ok(csvc_survey_set_scale(sv, qi, 7));
	csvc_assert_ok(csvc_survey_add_question(sv, "effort", CSVC_QUESTION_CES, NULL, 0, NULL, NULL, NULL));
	csvc_assert_ok(csvc_survey_save(s, sv, NULL));
	csvc_survey_free(sv);
	static const int answers[2][3] = {{5, 3, 2}, {4, 7, 5}};
	for (int i = 0; i < 2; i++) {
		csvc_survey_answers *w = NULL;
		csvc_assert_ok(csvc_survey_answers_new(&w));
		csvc_assert_ok(csvc_survey_answers_score(w, "pq", answers[i][0]));
		csvc_assert_ok(csvc_survey_answers_score(w, "st", answers[i][1]));
		csvc_assert_ok(csvc_survey_answers_score(w, "effort", answers[i][2]));
		anon(s, "weighted", "SH01", CSVC_METHOD_INTERVIEW, w);
		csvc_survey_answers_free(w);
	}
	q.survey = "weighted";
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_CSI), 82.29166666666667);
	assert_near(V(r, 0, CSVC_METRIC_CES_MEAN), 3.5);
	assert_near(V(r, 0, CSVC_METRIC_CES_N), 2);
	/* CSAT top two box: 1-5 -> 4,5; 1-7 -> 6,7: 5, 4, 7 of 4. */
	assert_near(V(r, 0, CSVC_METRIC_CSAT), 0.75);
	assert_int_equal(csvc_report_dimension_count(r), 2);
	for (size_t d = 0; d < 2; d++) {
		const char *dn = csvc_report_dimension_name(r, d);
		if (strcmp(dn, "product_quality") == 0) {
			assert_near(csvc_report_dimension_value(r, 0, d, CSVC_METRIC_CSI), 87.5);
			assert_near(csvc_report_dimension_value(r, 0, d, CSVC_METRIC_WEIGHT), 3);
		} else {
			assert_string_equal(dn, "staff_service");
			assert_near(csvc_report_dimension_value(r, 0, d, CSVC_METRIC_CSI), (100.0 / 3 + 100) / 2);
			assert_near(csvc_report_dimension_value(r, 0, d, CSVC_METRIC_CSI_N), 2);
		}
	}
	assert_null(csvc_report_dimension_name(r, 2));
	assert_true(isnan(csvc_report_dimension_value(r, 0, 2, CSVC_METRIC_CSI)));
	assert_true(isnan(csvc_report_dimension_value(r, 0, 0, CSVC_METRIC_NPS)));
	csvc_report_free(r);
	csvc_ticket_free(t1);
	csvc_ticket_free(t2);
	csvc_store_close(s);
}

static void servqual_response(csvc_store *s, const char *survey, const int pairs[][2], size_t n)
{
	static const char *const dims[] = {"tangibles", "reliability", "responsiveness", "assurance", "empathy",
	                                   "security"};
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	for (size_t i = 0; i < n; i++)
		csvc_assert_ok(csvc_survey_answers_pair(a, dims[i], pairs[i][0], pairs[i][1]));
	anon(s, survey, "SH01", CSVC_METHOD_MYSTERY_SHOPPER, a);
	csvc_survey_answers_free(a);
}

static void test_servqual(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_survey *sv = NULL;
	/* The template with anonymous responses allowed (a new version). */
	csvc_assert_ok(csvc_survey_load(s, "servqual", 0, &sv));
	csvc_assert_ok(csvc_survey_set_anonymous(sv, 1));
	int32_t v;
	csvc_assert_ok(csvc_survey_save(s, sv, &v));
	assert_int_equal(v, 2);
	csvc_survey_free(sv);
	/* Gaps (perception - expectation): tangibles -1 -1, reliability -3 0,
	 * responsiveness 0 -2, assurance 0 +1, empathy +2 0. Means -1, -1.5,
	 * -1, 0.5, 1; overall (equal weights) -2 / 5 = -0.4. */
	static const int r1[5][2] = {{6, 5}, {7, 4}, {5, 5}, {6, 6}, {4, 6}};
	static const int r2[5][2] = {{7, 6}, {6, 6}, {6, 4}, {5, 6}, {5, 5}};
	now_cell = T0 + HOUR;
	servqual_response(s, "servqual", r1, 5);
	servqual_response(s, "servqual", r2, 5);
	csvc_report_query q = range(T0, T0 + DAY);
	q.survey = "servqual";
	csvc_report *r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_SERVQUAL_N), 10);
	assert_near(V(r, 0, CSVC_METRIC_SERVQUAL_GAP), -0.4);
	static const double gaps[5] = {-1, -1.5, -1, 0.5, 1};
	static const char *const names[5] = {"tangibles", "reliability", "responsiveness", "assurance", "empathy"};
	assert_int_equal(csvc_report_dimension_count(r), 5);
	for (size_t d = 0; d < 5; d++) {
		size_t k = 0;
		while (strcmp(names[k], csvc_report_dimension_name(r, d)) != 0)
			k++;
		assert_near(csvc_report_dimension_value(r, 0, d, CSVC_METRIC_SERVQUAL_GAP), gaps[k]);
		assert_near(csvc_report_dimension_value(r, 0, d, CSVC_METRIC_SERVQUAL_N), 2);
	}
	assert_near(csvc_report_dimension_value(r, 0, 0, CSVC_METRIC_SERVQUAL_EXPECTATION), 6.5);
	assert_near(csvc_report_dimension_value(r, 0, 0, CSVC_METRIC_SERVQUAL_PERCEPTION), 5.5);
	assert_true(isnan(V(r, 0, CSVC_METRIC_CSI))); /* no Likert answers */
	csvc_report_free(r);

	/* Only version 2 (all responses went to it); version 1 has none. */
	q.survey_version = 1;
	r = scores(s, &q);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 0);
	csvc_report_free(r);
	q.survey_version = 0;

	/* Weights: tangibles 2, the rest 1 -> (-2 - 1.5 - 1 + 0.5 + 1) / 6. A
	 * newer version's weights apply to the older answers too. */
	csvc_assert_ok(csvc_survey_new(&sv, "servqual"));
	csvc_assert_ok(csvc_survey_set_anonymous(sv, 1));
	csvc_assert_ok(csvc_survey_add_servqual(sv, 0));
	csvc_survey *w = NULL;
	csvc_assert_ok(csvc_survey_new(&w, "servqual"));
	csvc_assert_ok(csvc_survey_set_anonymous(w, 1));
	csvc_assert_ok(csvc_survey_add_dimension(w, "tangibles", 2, "有形性", "Tangibles"));
	for (size_t i = 1; i < 5; i++) {
		const char *n;
		const char *zh, *en;
		csvc_assert_ok(csvc_survey_dimension_at(sv, i, &n, NULL, &zh, &en));
		csvc_assert_ok(csvc_survey_add_dimension(w, n, 1, zh, en));
	}
	for (size_t i = 0; i < 5; i++) {
		const char *n, *zh, *en;
		csvc_assert_ok(csvc_survey_question_at(sv, i, &n, NULL, NULL, NULL, NULL));
		csvc_assert_ok(csvc_survey_question_labels(sv, i, &zh, &en));
		csvc_assert_ok(csvc_survey_add_question(w, n, CSVC_QUESTION_SERVQUAL, n, 1, zh, en, NULL));
	}
	csvc_assert_ok(csvc_survey_save(s, w, &v));
	assert_int_equal(v, 3);
	static const int r3[5][2] = {{5, 5}, {5, 5}, {5, 5}, {5, 5}, {5, 5}};
	servqual_response(s, "servqual", r3, 5);
	r = scores(s, &q);
	/* Now 3 answers per dimension: gaps -2/3, -1, -2/3, 1/3, 2/3. */
	assert_near(V(r, 0, CSVC_METRIC_SERVQUAL_GAP), (2 * (-2.0 / 3) - 1 - 2.0 / 3 + 1.0 / 3 + 2.0 / 3) / 6);
	csvc_report_free(r);
	csvc_survey_free(sv);
	csvc_survey_free(w);
	csvc_store_close(s);
}

static void test_periods(void **state)
{
	(void)state;
	char key[32];
	int64_t start, end;
	/* 2026-01-01 is a Thursday: ISO week 1 of 2026 starts Monday 2025-12-29. */
	csvc_assert_ok(csvc__period_of(T0 - 3 * DAY, CSVC_PERIOD_WEEK, key, &start, &end));
	assert_string_equal(key, "2026-W01");
	assert_int_equal(start, T0 - 3 * DAY);
	assert_int_equal(end, T0 + 4 * DAY);
	csvc_assert_ok(csvc__period_of(T0 - 4 * DAY, CSVC_PERIOD_WEEK, key, &start, &end));
	assert_string_equal(key, "2025-W52");
	/* 2027-01-01 (Friday) is in week 53 of 2026. */
	csvc_assert_ok(csvc__period_of(T0 + 365 * DAY, CSVC_PERIOD_WEEK, key, &start, &end));
	assert_string_equal(key, "2026-W53");
	csvc_assert_ok(csvc__period_of(T0 + 130 * DAY, CSVC_PERIOD_QUARTER, key, &start, &end));
	assert_string_equal(key, "2026-Q2");
	assert_int_equal(start, T0 + 90 * DAY);
	assert_int_equal(end, T0 + 181 * DAY);
	csvc_assert_ok(csvc__period_of(T0 + 364 * DAY, CSVC_PERIOD_QUARTER, key, &start, &end));
	assert_string_equal(key, "2026-Q4");
	assert_int_equal(end, T0 + 365 * DAY);
	csvc_assert_ok(csvc__period_of(T0 + 31 * DAY + 5, CSVC_PERIOD_MONTH, key, &start, &end));
	assert_string_equal(key, "2026-02");
	assert_int_equal(end, T0 + 59 * DAY);
	csvc_assert_ok(csvc__period_of(T0 + 31 * DAY - 1, CSVC_PERIOD_DAY, key, &start, &end));
	assert_string_equal(key, "2026-01-31");

	/* Trend in the store's zone: SH02 runs on +08:00. A response at
	 * 2026-01-31 20:00 UTC is on 2026-02-01 there. */
	csvc_store *s = open_store();
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, SH_CALENDAR, strlen(SH_CALENDAR), NULL));
	csvc_assert_ok(csvc_calendar_save(s, "sh", cal));
	csvc_assert_ok(csvc_calendar_attach(s, "SH02", "sh"));
	csvc_calendar_free(cal);
	now_cell = T0 + 30 * DAY + 20 * HOUR;
	nps_answer(s, "SH02", 10);
	nps_answer(s, "SH01", 0);
	now_cell = T0 + 2 * DAY;
	nps_answer(s, "SH01", 10);

	csvc_report_query q = range(T0, T0 + 59 * DAY);
	q.group_by = CSVC_REPORT_BY_PERIOD;
	csvc_report *r = scores(s, &q); /* month by default */
	assert_int_equal(csvc_report_row_count(r), 2);
	assert_string_equal(csvc_report_key(r, 0), "2026-01");
	assert_string_equal(csvc_report_key(r, 1), "2026-02");
	assert_int_equal(csvc_report_period_start(r, 1), T0 + 31 * DAY);
	assert_near(V(r, 0, CSVC_METRIC_NPS_N), 2);
	assert_near(V(r, 0, CSVC_METRIC_NPS), 0);
	assert_near(V(r, 1, CSVC_METRIC_NPS_N), 1);
	assert_near(V(r, 1, CSVC_METRIC_NPS), 100);
	char *json = NULL;
	csvc_assert_ok(csvc_report_to_json(r, &json));
	assert_non_null(strstr(json, "\"group_by\":\"period\",\"period\":\"month\""));
	assert_non_null(strstr(json, "{\"key\":\"2026-02\",\"period_start\":"));
	csvc_free(json);
	csvc_report_free(r);

	/* Daily trend over a week: one row per day, empty days included. */
	q.to = T0 + 7 * DAY;
	q.period = CSVC_PERIOD_DAY;
	r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 7);
	assert_string_equal(csvc_report_key(r, 2), "2026-01-03");
	assert_near(V(r, 2, CSVC_METRIC_RESPONSES), 1);
	assert_near(V(r, 3, CSVC_METRIC_RESPONSES), 0);
	csvc_report_free(r);
	/* Weekly and quarterly keys. */
	q.period = CSVC_PERIOD_WEEK;
	r = scores(s, &q);
	assert_string_equal(csvc_report_key(r, 0), "2026-W01");
	assert_string_equal(csvc_report_key(r, 1), "2026-W02");
	csvc_report_free(r);
	q.period = CSVC_PERIOD_QUARTER;
	q.to = T0 + 59 * DAY;
	r = scores(s, &q);
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_string_equal(csvc_report_key(r, 0), "2026-Q1");
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 3);
	csvc_report_free(r);
	/* SH02 alone: its periods are in its zone. */
	q.store_code = "SH02";
	q.period = CSVC_PERIOD_DAY;
	q.from = T0 + 30 * DAY;
	q.to = T0 + 32 * DAY;
	r = scores(s, &q);
	assert_string_equal(csvc_report_key(r, 1), "2026-02-01");
	assert_near(V(r, 1, CSVC_METRIC_RESPONSES), 1);
	csvc_report_free(r);
	csvc_store_close(s);
}

static void test_bad_queries(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_report *r = NULL;
	csvc_report_query q = range(T0, T0 + DAY);
	csvc_assert_err(csvc_report_scores(NULL, &q, &r), CSVC_EINVAL);
	csvc_assert_err(csvc_report_scores(s, NULL, &r), CSVC_EINVAL);
	csvc_assert_err(csvc_report_scores(s, &q, NULL), CSVC_EINVAL);
	csvc_report_query b = q;
	b.version = 0; /* a zeroed version means version 1 */
	csvc_assert_ok(csvc_report_scores(s, &b, &r));
	csvc_report_free(r);
	r = NULL;
	b = q;
	b.version = 99;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.to = b.from;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.group_by = 8;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.group_by = -1;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.period = 5;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.method = 9;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.min_sample = -1;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.csi_target = 101; /* a percentage out of range */
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_ERANGE);
	b.csi_target = -1;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_ERANGE);
	b = q;
	b.csi_target = NAN;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.survey_version = 1;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.survey = "ghost";
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_ENOTFOUND);
	b.survey = "nps";
	b.survey_version = 7;
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_ENOTFOUND);
	b = q;
	b.survey = "Bad Name";
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.store_code = "with space";
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.channel = "Phone";
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.staff = "\xff";
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_EINVAL);
	b = q;
	b.question = "";
	csvc_assert_err(csvc_report_scores(s, &b, &r), CSVC_ERANGE);
	b = q;
	b.group_by = CSVC_REPORT_BY_METHOD;
	csvc_assert_err(csvc_report_kpis(s, &b, &r), CSVC_EINVAL);
	assert_null(r);
	csvc_assert_ok(csvc_report_query_init(&b, CSVC_REPORT_QUERY_VERSION));
	assert_int_equal(b.version, CSVC_REPORT_QUERY_VERSION);
	csvc_assert_err(csvc_report_query_init(NULL, CSVC_REPORT_QUERY_VERSION), CSVC_EINVAL);
	csvc_survey_context ctx;
	csvc_assert_ok(csvc_survey_context_init(&ctx, CSVC_SURVEY_CONTEXT_VERSION));
	assert_int_equal(ctx.version, CSVC_SURVEY_CONTEXT_VERSION);
	csvc_assert_err(csvc_survey_context_init(NULL, CSVC_SURVEY_CONTEXT_VERSION), CSVC_EINVAL);
	csvc_assert_err(csvc_report_to_json(NULL, NULL), CSVC_EINVAL);
	/* Getters on NULL and out of range. */
	assert_int_equal(csvc_report_row_count(NULL), 0);
	assert_null(csvc_report_key(NULL, 0));
	assert_true(isnan(csvc_report_value(NULL, 0, CSVC_METRIC_NPS)));
	assert_int_equal(csvc_report_low_sample(NULL, 0), 0);
	assert_int_equal(csvc_report_dimension_count(NULL), 0);
	assert_int_equal(csvc_report_period_start(NULL, 0), 0);
	csvc_assert_ok(csvc_report_scores(s, &q, &r));
	assert_true(isnan(csvc_report_value(r, 0, 0)));
	assert_true(isnan(csvc_report_value(r, 0, 62)));
	assert_true(isnan(csvc_report_value(r, 1, CSVC_METRIC_RESPONSES)));
	assert_null(csvc_report_key(r, 1));
	csvc_report_free(r);
	csvc_report_free(NULL);
	assert_string_equal(csvc_enum_name(CSVC_ENUM_REPORT_METRIC, CSVC_METRIC_NPS_SE), "nps_se");
	assert_string_equal(csvc_enum_name(CSVC_ENUM_REPORT_METRIC, CSVC_METRIC_WEIGHT), "weight");
	assert_null(csvc_enum_name(CSVC_ENUM_REPORT_METRIC, 0));
	assert_null(csvc_enum_name(CSVC_ENUM_REPORT_METRIC, 64));
	csvc_store_close(s);
}

/* The plan of every report query: indexed, never a full scan of the big
 * tables. */
static void check_plan(csvc_store *s, const csvc_report_query *q, int which, const char *must)
{
	char *sql = csvc__report_db_sql(q, which, CSVC__DIALECT_SQLITE);
	assert_non_null(sql);
	char *eqp = malloc(strlen(sql) + 32);
	sprintf(eqp, "EXPLAIN QUERY PLAN %s", sql);
	free(sql);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL), SQLITE_OK);
	char plan[4096] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	free(eqp);
	int bad = strstr(plan, "SCAN t\n") || strstr(plan, "SCAN r\n") || strstr(plan, "SCAN e\n") ||
	          strstr(plan, "SCAN st\n") || strstr(plan, "SCAN c\n") || strstr(plan, "SCAN a\n") ||
	          strstr(plan, "SCAN tickets") || strstr(plan, "SCAN survey_");
	if (bad || (must && !strstr(plan, must)))
		print_error("query %d plan:\n%s", which, plan);
	assert_false(bad);
	if (must)
		assert_non_null(strstr(plan, must));
}

static void plans(csvc_store *s)
{
	csvc_report_query q = range(T0, T0 + 30 * DAY);
	check_plan(s, &q, 0, "survey_responses_time");
	check_plan(s, &q, 1, "tickets_created");
	check_plan(s, &q, 2, NULL);
	check_plan(s, &q, 3, NULL);
	check_plan(s, &q, 4, NULL);
	check_plan(s, &q, 5, "tickets_updated");
	q.store_code = "SH01";
	q.survey = "nps";
	check_plan(s, &q, 0, "survey_responses_store");
	check_plan(s, &q, 1, "tickets_store_created");
	check_plan(s, &q, 2, "tickets_store_created");
	check_plan(s, &q, 3, "tickets_store_created");
	check_plan(s, &q, 4, "tickets_store_created");
	check_plan(s, &q, 5, "USING INDEX tickets_store");
	check_plan(s, &q, 5, "tickets_store_created (store_code=? AND created_us<?)");
}

/* `sql` with each ":name" of `names` replaced by its value (`since` is
 * `to`, as for the KPIs). */
static char *with_values(const char *sql, const char *const names[][2], size_t n)
{
	size_t cap = strlen(sql) * 2 + 256, len = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	while (*sql) {
		size_t i = 0;
		while (i < n && strncmp(sql, names[i][0], strlen(names[i][0])) != 0)
			i++;
		const char *piece = i < n ? names[i][1] : sql;
		size_t k = i < n ? strlen(piece) : 1;
		assert_true(len + k + 1 < cap);
		memcpy(out + len, piece, k);
		len += k;
		sql += i < n ? strlen(names[i][0]) : 1;
	}
	out[len] = 0;
	return out;
}

/* PostgreSQL's plan of report query `which` holds `must`. The SLA
 * targets, events and comments of the tickets in range (queries 2 to 4)
 * are read one ticket at a time through their ticket's index (a nested
 * loop), never by a hash or merge join over the whole table. */
static void check_plan_pg(csvc_store *s, const csvc_report_query *q, int which, const char *must)
{
	char *sql = csvc__report_db_sql(q, which, CSVC__DIALECT_POSTGRES);
	assert_non_null(sql);
	char from[32], to[32];
	snprintf(from, sizeof(from), "%lld", (long long)q->from);
	snprintf(to, sizeof(to), "%lld", (long long)q->to);
	const char *const names[][2] = {{":from", from}, {":to", to}, {":since", to}, {":store", "'SH01'"}};
	char *text = with_values(sql, names, sizeof(names) / sizeof(names[0]));
	free(sql);
	char *explain = malloc(strlen(text) + 16);
	assert_non_null(explain);
	sprintf(explain, "EXPLAIN %s", text);
	free(text);
	csvc__stmt *st = NULL;
	csvc_assert_ok(csvc__db_prepare(s->db, explain, &st));
	char plan[8192] = "";
	while (csvc__db_step(st) == CSVC__ROW) {
		strncat(plan, csvc__db_textcol(st, 0), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	csvc__db_finalize(st);
	free(explain);
	int bad = which >= 2 && which <= 4 &&
	          (strstr(plan, "Hash Join") || strstr(plan, "Merge Join") || !strstr(plan, "Nested Loop"));
	/* The backlog's closed tickets are found by their change time in an
	 * index (tickets_updated, or tickets_store_created, which holds it). */
	if (which == 5) {
		const char *at = strstr(plan, must), *line = at;
		while (line && line > plan && line[-1] != '\n')
			line--;
		const char *cond = line ? strstr(line, "Index Cond:") : NULL;
		bad = !cond || cond > at;
	}
	if (bad || !strstr(plan, must))
		print_error("query %d plan:\n%s", which, plan);
	assert_false(bad);
	assert_non_null(strstr(plan, must));
}

static void plans_pg(csvc_store *s)
{
	/* A small table is cheapest to scan whole: the planner is told not
	 * to, so that the plan's shape is the one a large store gets. */
	csvc_assert_ok(csvc_test_sql_exec(s, "SET enable_seqscan = off"));
	csvc_report_query q = range(T0, T0 + 30 * DAY);
	check_plan_pg(s, &q, 2, "sla_targets_pkey");
	check_plan_pg(s, &q, 3, "ticket_events_ticket_id_seq_key");
	check_plan_pg(s, &q, 4, "ticket_comments_ticket");
	q.store_code = "SH01";
	check_plan_pg(s, &q, 2, "sla_targets_pkey");
	check_plan_pg(s, &q, 3, "ticket_events_ticket_id_seq_key");
	check_plan_pg(s, &q, 4, "ticket_comments_ticket");
	/* The store's closed tickets changed since the end of a period of
	 * its history (the KPIs' backlog): the change time is checked in
	 * the index. */
	q = range(T0 + 10 * DAY, T0 + 11 * DAY);
	q.store_code = "SH01";
	check_plan_pg(s, &q, 5, "updated_us >= ");
	csvc_assert_ok(csvc_test_sql_exec(s, "RESET enable_seqscan"));
}

static void test_query_plans_pg(void **state)
{
	(void)state;
	/* PostgreSQL-only: the SQLite run checks SQLite's plans (below). */
	if (!csvc_test_on_pg())
		return;
	csvc_store *s = open_store();
	for (int i = 0; i < 300; i++) {
		now_cell = T0 + (int64_t)i * HOUR;
		csvc_ticket *t = make_ticket(s, i % 3 ? "inquiry" : "complaint", i % 2 ? "SH01" : "SH02", NULL);
		csvc_ticket_free(t);
	}
	csvc_assert_ok(csvc_test_sql_exec(s, "ANALYZE"));
	plans_pg(s);
	/* A ticket event's payload is JSON, checked as it is written: the
	 * reports read the state category the server took from it. */
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM ticket_events WHERE to_state IS NOT NULL"
	                                      " AND to_category IS DISTINCT FROM"
	                                      " (payload::json #>> '{set,state_category}')::bigint"),
	                 0);
	assert_true(csvc_test_sql_int(s, "SELECT count(*) FROM ticket_events WHERE to_category > 0") >= 300);
	int64_t events = csvc_test_sql_int(s, "SELECT count(*) FROM ticket_events");
	assert_int_not_equal(csvc_test_sql_exec(s, "INSERT INTO ticket_events (ticket_id, seq, type, at_us, to_state,"
	                                           " payload) SELECT id, 99, 'transition', 0, 'closed',"
	                                           " '{\"set\":{\"state_category\":' FROM tickets LIMIT 1"),
	                     CSVC_OK);
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM ticket_events"), events);
	csvc_store_close(s);
}

static void test_query_plans(void **state)
{
	(void)state;
	/* SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle (the
	 * PostgreSQL run checks its plans in test_query_plans_pg). */
	if (csvc_test_on_pg())
		return;
	csvc_store *s = open_store();
	plans(s);
	/* And on a populated, analysed store. */
	for (int i = 0; i < 300; i++) {
		now_cell = T0 + (int64_t)i * HOUR;
		csvc_ticket *t = make_ticket(s, i % 3 ? "inquiry" : "complaint", i % 2 ? "SH01" : "SH02", NULL);
		if (i % 4 == 0) {
			char tk[CSVC_SURVEY_TOKEN_LEN + 1];
			invite_ticket(s, t, "post_resolution", CSVC_METHOD_TILL, tk);
			csvc_survey_answers *a = post_answers(5, 4, 3);
			csvc_assert_ok(csvc_survey_respond(s, tk, a, NULL));
			csvc_survey_answers_free(a);
		}
		csvc_ticket_free(t);
	}
	assert_int_equal(sqlite3_exec(CSVC_TEST_SQLITE(s), "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	plans(s);
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_definitions),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_invitations),
		cmocka_unit_test(test_anonymous_and_choice),
		cmocka_unit_test(test_nps),
		cmocka_unit_test(test_csat_csi),
		cmocka_unit_test(test_servqual),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_bad_queries),
		cmocka_unit_test(test_query_plans),
		cmocka_unit_test(test_query_plans_pg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
