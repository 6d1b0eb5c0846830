/*
 * Appraisal inputs: the per-staff report (csvc_report_staff) on a
 * hand-built week whose every figure is worked out below, its query plans
 * on both engines; and the append-only multi-source appraisals: recording
 * by source and rater, validation (refusals change nothing), the store's
 * refusal of UPDATE and DELETE, the feed entry, access by principal, and
 * the summary against sums kept by the test itself.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "report/report-internal.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define SEC CSVC_SECOND_US
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define T0 ((csvc_time_us)1767225600 * SEC) /* 2026-01-01 00:00 UTC */
#define EPS 1e-6
#define V(r, i, m) csvc_report_value((r), (i), (m))
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

static csvc_time_us now_cell;

static void add_staff(csvc_store *s, const char *code, const char *role)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
	if (role)
		csvc_assert_ok(csvc_staff_add_role(st, role));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
}

static csvc_ticket *ticket_at(csvc_store *s, const char *kind, const char *assignee, csvc_time_us at)
{
	now_cell = at;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "appraisal"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "phone"));
	if (assignee)
		csvc_assert_ok(csvc_ticket_set_assignee(t, assignee, NULL));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

static void move(csvc_store *s, const csvc_ticket *t, const char *transition, csvc_time_us at)
{
	now_cell = at;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), transition, 0, "agent", NULL, NULL));
}

static void reply(csvc_store *s, const csvc_ticket *t, csvc_time_us at)
{
	now_cell = at;
	csvc_comment c = CSVC_COMMENT_INIT;
	c.kind = CSVC_COMMENT_REPLY;
	c.body = "您好";
	c.actor = "agent";
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &c, NULL));
}

/*
 * li's week [T0, T0+7d) (SH01 has no calendar: business time is
 * wall-clock time), every step in time order:
 *   H inquiry  T0-3d, answered T0-1d, closed T0+1h: resolved before the
 *              range (closing it again is no new resolution).
 *   F inquiry  T0-2d, answered T0+1d: resolved in range, created before.
 *   A inquiry  T0: reply +10 min, answer +30 min, close +40 min.
 *   B inquiry  T0+1h: escalate +5 min, reply +15 min, answer at 3h,
 *              reopen at 4h, answer at 5h (resolved in range once).
 *   C complaint T0+2h: reply and analyse at 3h, handle at 4h, report
 *              back at 52h (handled, due at 50h, met late).
 *   G inquiry  T0+3d, left received.
 *   W complaint of wang, T0+1d: never li's.
 * A's customer answers the post-resolution survey 5, 5, 3.
 */
static csvc_store *week(const char *path)
{
	now_cell = T0 - 3 * DAY;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	add_staff(s, "li", "service_agent");
	add_staff(s, "wang", "service_agent");
	add_staff(s, "zhao", "supervisor");
	csvc_ticket *h = ticket_at(s, "inquiry", "li", T0 - 3 * DAY);
	csvc_ticket *f = ticket_at(s, "inquiry", "li", T0 - 2 * DAY);
	move(s, h, "answer", T0 - DAY);
	csvc_ticket *a = ticket_at(s, "inquiry", "li", T0);
	reply(s, a, T0 + 10 * MIN);
	move(s, a, "answer", T0 + 30 * MIN);
	move(s, a, "close", T0 + 40 * MIN);
	csvc_ticket *b = ticket_at(s, "inquiry", "li", T0 + HOUR);
	move(s, h, "close", T0 + HOUR);
	move(s, b, "escalate", T0 + HOUR + 5 * MIN);
	reply(s, b, T0 + HOUR + 15 * MIN);
	csvc_ticket *c = ticket_at(s, "complaint", "li", T0 + 2 * HOUR);
	move(s, b, "answer", T0 + 3 * HOUR);
	reply(s, c, T0 + 3 * HOUR);
	move(s, c, "analyse", T0 + 3 * HOUR);
	move(s, b, "reopen", T0 + 4 * HOUR);
	move(s, c, "handle", T0 + 4 * HOUR);
	move(s, b, "answer", T0 + 5 * HOUR);
	move(s, f, "answer", T0 + DAY);
	csvc_ticket *w = ticket_at(s, "complaint", "wang", T0 + DAY);

	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = csvc_ticket_id(a);
	ctx.method = CSVC_METHOD_PHONE_CALLBACK;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, token));
	csvc_survey_answers *ans = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&ans));
	csvc_assert_ok(csvc_survey_answers_score(ans, "response_speed", 5));
	csvc_assert_ok(csvc_survey_answers_score(ans, "resolution_efficiency", 5));
	csvc_assert_ok(csvc_survey_answers_score(ans, "solution_satisfaction", 3));
	now_cell = T0 + 2 * DAY;
	csvc_assert_ok(csvc_survey_respond(s, token, ans, NULL));
	csvc_survey_answers_free(ans);

	move(s, c, "report_back", T0 + 52 * HOUR);
	csvc_ticket *g = ticket_at(s, "inquiry", "li", T0 + 3 * DAY);
	now_cell = T0 + 7 * DAY;
	csvc_assert_ok(csvc_sla_advance(s, now_cell, NULL, NULL, NULL));
	csvc_ticket *all[] = {h, f, a, b, c, w, g};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		csvc_ticket_free(all[i]);
	return s;
}

static csvc_report_query week_query(const char *staff)
{
	csvc_report_query q;
	csvc_assert_ok(csvc_report_query_init(&q, CSVC_REPORT_QUERY_VERSION));
	q.from = T0;
	q.to = T0 + 7 * DAY;
	q.staff = staff;
	return q;
}

static void test_staff_report(void **state)
{
	(void)state;
	csvc_store *s = week(":memory:");
	csvc_report_query q = week_query("li");
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_staff(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_string_equal(csvc_report_key(r, 0), "li");
	/* Created in range: A, B, C, G; of those resolved: A, B, C. */
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 4);
	assert_near(V(r, 0, CSVC_METRIC_RESOLVED), 3);
	/* Resolved in range: F (created before), A, B (once), C; not H. */
	assert_near(V(r, 0, CSVC_METRIC_RESOLVED_IN_RANGE), 4);
	/* First responses 10 min, 15 min, 1 h; resolutions 30 min, 3 h, 50 h. */
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_N), 3);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_MEAN), (10 + 15 + 60) * MIN / 3.0);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_N), 3);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_MEAN), (30 * MIN + 3 * HOUR + 50 * HOUR) / 3.0);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_MEDIAN), 3 * HOUR);
	/* On time: A 2, B 2, C respond and reported_back; breached: C
	 * handled, G first_response and resolution. */
	assert_near(V(r, 0, CSVC_METRIC_SLA_ON_TIME), 6);
	assert_near(V(r, 0, CSVC_METRIC_SLA_BREACHED), 3);
	assert_near(V(r, 0, CSVC_METRIC_SLA_COMPLIANCE), 6.0 / 9);
	/* One complaint (C; W is wang's), resolved; 24 h and 72 h met, 48 h not. */
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINTS), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINTS_RESOLVED), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_24H), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_48H), 0);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_72H), 1);
	/* CSAT: 5 5 3: mean 13/3, top two 2 of 3. */
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 1);
	assert_near(V(r, 0, CSVC_METRIC_CSAT_N), 3);
	assert_near(V(r, 0, CSVC_METRIC_CSAT_MEAN), 13.0 / 3);
	assert_near(V(r, 0, CSVC_METRIC_CSAT), 2.0 / 3);
	/* Open at the end: G, 4 days old. */
	assert_near(V(r, 0, CSVC_METRIC_BACKLOG), 1);
	assert_near(V(r, 0, CSVC_METRIC_AGE_3_7D), 1);
	/* Per staff member, no store-wide figure. */
	assert_true(isnan(V(r, 0, CSVC_METRIC_TRANSACTIONS)));
	char *json = NULL;
	csvc_assert_ok(csvc_report_to_json(r, &json));
	assert_non_null(strstr(json, "\"report\":\"staff\""));
	assert_non_null(strstr(json, "{\"key\":\"li\""));
	assert_non_null(strstr(json, "\"tickets\":4,\"resolved\":3"));
	assert_non_null(strstr(json, "\"resolved_in_range\":4,\"complaints_resolved\":1}"));
	csvc_free(json);
	csvc_report_free(r);

	/* The KPI report agrees on what both compute. */
	q.group_by = CSVC_REPORT_BY_STAFF;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 4);
	assert_near(V(r, 0, CSVC_METRIC_SLA_COMPLIANCE), 6.0 / 9);
	assert_true(isnan(V(r, 0, CSVC_METRIC_RESOLVED_IN_RANGE)));
	csvc_report_free(r);

	/* By day: tickets by creation, resolutions by when. */
	q.group_by = CSVC_REPORT_BY_PERIOD;
	q.period = CSVC_PERIOD_DAY;
	csvc_assert_ok(csvc_report_staff(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 7);
	const double tickets[7] = {3, 0, 0, 1, 0, 0, 0}, resolved[7] = {2, 1, 1, 0, 0, 0, 0};
	for (size_t i = 0; i < 7; i++) {
		char key[16];
		snprintf(key, sizeof(key), "2026-01-%02zu", i + 1);
		assert_string_equal(csvc_report_key(r, i), key);
		assert_near(V(r, i, CSVC_METRIC_TICKETS), tickets[i]);
		assert_near(V(r, i, CSVC_METRIC_RESOLVED_IN_RANGE), resolved[i]);
	}
	csvc_report_free(r);

	/* wang: W only, open; nothing resolved. */
	q = week_query("wang");
	csvc_assert_ok(csvc_report_staff(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINTS), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINTS_RESOLVED), 0);
	assert_near(V(r, 0, CSVC_METRIC_RESOLVED_IN_RANGE), 0);
	assert_true(isnan(V(r, 0, CSVC_METRIC_CSAT_MEAN)));
	csvc_report_free(r);
	/* A store filter narrows it as the KPIs do. */
	q = week_query("li");
	q.store_code = "SH02";
	csvc_assert_ok(csvc_report_staff(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 0);
	assert_near(V(r, 0, CSVC_METRIC_RESOLVED_IN_RANGE), 0);
	csvc_report_free(r);

	/* Misuse. */
	r = (csvc_report *)&now_cell;
	q = week_query(NULL);
	csvc_assert_err(csvc_report_staff(s, &q, &r), CSVC_EINVAL);
	q.staff = "nobody";
	csvc_assert_err(csvc_report_staff(s, &q, &r), CSVC_ENOTFOUND);
	q.staff = "li";
	q.group_by = CSVC_REPORT_BY_STORE;
	csvc_assert_err(csvc_report_staff(s, &q, &r), CSVC_EINVAL);
	q.group_by = 0;
	q.to = q.from;
	csvc_assert_err(csvc_report_staff(s, &q, &r), CSVC_EINVAL);
	assert_ptr_equal(r, (csvc_report *)&now_cell);
	csvc_assert_err(csvc_report_staff(s, NULL, &r), CSVC_EINVAL);
	csvc_assert_err(csvc_report_staff(NULL, &q, &r), CSVC_EINVAL);
	csvc_store_close(s);
}

/* ---- plans ---- */

static void check_plan(csvc_store *s, const csvc_report_query *q, int which, const char *must)
{
	char *sql = csvc__report_db_sql(q, which, CSVC__DIALECT_SQLITE);
	assert_non_null(sql);
	char *eqp = malloc(strlen(sql) + 32);
	assert_non_null(eqp);
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
	          strstr(plan, "SCAN tickets") || strstr(plan, "SCAN survey_");
	if (bad || !strstr(plan, must))
		print_error("query %d plan:\n%s", which, plan);
	assert_false(bad);
	assert_non_null(strstr(plan, must));
}

/* `sql` with each ":name" replaced by its value. */
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

static void check_plan_pg(csvc_store *s, const csvc_report_query *q, int which, const char *must)
{
	char *sql = csvc__report_db_sql(q, which, CSVC__DIALECT_POSTGRES);
	assert_non_null(sql);
	char from[32], to[32];
	snprintf(from, sizeof(from), "%lld", (long long)q->from);
	snprintf(to, sizeof(to), "%lld", (long long)q->to);
	const char *const names[][2] = {{":from", from}, {":to", to}, {":since", to}, {":staff", "'li'"}};
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
	if (!strstr(plan, must))
		print_error("query %d plan:\n%s", which, plan);
	assert_non_null(strstr(plan, must));
}

/* A staff member's report reads their tickets through the assignee's
 * indexes and their responses through the staff index, on both engines. */
static void test_staff_report_plans(void **state)
{
	(void)state;
	csvc_store *s = week(":memory:");
	csvc_report_query q = week_query("li");
	if (!csvc_test_on_pg()) {
		check_plan(s, &q, 0, "survey_responses_staff");
		check_plan(s, &q, 1, "tickets_assignee_created");
		check_plan(s, &q, 2, "tickets_assignee_created");
		check_plan(s, &q, 3, "tickets_assignee_created");
		check_plan(s, &q, 4, "tickets_assignee_created");
		check_plan(s, &q, 6, "tickets_assignee");
		check_plan(s, &q, 5, "tickets_assignee");
		q.store_code = "SH01";
		check_plan(s, &q, 6, "tickets_assignee");
	} else {
		/* Other staff members' tickets and responses, so that the
		 * tables look like a store's; a small table is still cheapest
		 * to scan whole: the planner is told not to, so that the plan
		 * is the one a large store gets. */
		for (int i = 0; i < 300; i++) {
			char who[16];
			snprintf(who, sizeof(who), "p%d", i % 30);
			csvc_ticket_free(ticket_at(s, i % 3 ? "inquiry" : "complaint", who, T0 + (int64_t)i * HOUR));
		}
		csvc_assert_ok(csvc_test_sql_exec(
			s, "INSERT INTO survey_responses (uuid, survey_id, store_code, staff, method, submitted_us)"
			   " SELECT decode(lpad(to_hex(i + 1000000), 32, '0'), 'hex'), (SELECT min(id) FROM surveys), 'SH01',"
			   " 'p' || (i % 30), 1, 1767225600000000 + i * 3600000000 FROM generate_series(1, 3000) i"));
		csvc_assert_ok(csvc_test_sql_exec(s, "ANALYZE"));
		csvc_assert_ok(csvc_test_sql_exec(s, "SET enable_seqscan = off"));
		check_plan_pg(s, &q, 0, "survey_responses_staff");
		check_plan_pg(s, &q, 1, "tickets_assignee_created");
		check_plan_pg(s, &q, 6, "tickets_assignee");
		csvc_assert_ok(csvc_test_sql_exec(s, "RESET enable_seqscan"));
	}
	csvc_store_close(s);
}

/* ---- appraisals ---- */

/* The sums the summary is checked against, kept by the test. */
typedef struct tally {
	int64_t records[5], n[5][5], sum[5][5];
} tally;

static void tally_add(tally *t, int32_t source, const int32_t score[5])
{
	t->records[0]++;
	t->records[source]++;
	for (int c = 1; c <= 4; c++) {
		if (!score[c])
			continue;
		t->n[0][0]++;
		t->sum[0][0] += score[c];
		t->n[source][0]++;
		t->sum[source][0] += score[c];
		t->n[0][c]++;
		t->sum[0][c] += score[c];
		t->n[source][c]++;
		t->sum[source][c] += score[c];
	}
}

static csvc_appraisal_form form(const char *staff, const char *period, int32_t source, const char *rater,
                                const int32_t score[5])
{
	csvc_appraisal_form f;
	csvc_assert_ok(csvc_appraisal_form_init(&f, CSVC_APPRAISAL_FORM_VERSION));
	f.staff = staff;
	f.period = period;
	f.source = source;
	f.rater = rater;
	f.customer_satisfaction = score[1];
	f.efficiency = score[2];
	f.teamwork = score[3];
	f.skill_growth = score[4];
	return f;
}

static int64_t count_rows(csvc_store *s)
{
	return csvc_test_sql_int(s, "SELECT count(*) FROM staff_appraisals") * 1000 +
	       csvc_test_sql_int(s, "SELECT count(*) FROM feed_records");
}

static void check_summary(csvc_store *s, const char *staff, const char *period, const tally *t)
{
	csvc_appraisal_summary *sum = NULL;
	csvc_assert_ok(csvc_appraisal_summarize(s, staff, period, &sum));
	for (int src = 0; src <= 4; src++) {
		assert_int_equal(csvc_appraisal_summary_records(sum, (csvc_appraisal_source_t)src), t->records[src]);
		for (int c = 0; c <= 4; c++) {
			int64_t n = csvc_appraisal_summary_count(sum, (csvc_appraisal_source_t)src, (csvc_appraisal_criterion_t)c);
			double mean =
				csvc_appraisal_summary_mean(sum, (csvc_appraisal_source_t)src, (csvc_appraisal_criterion_t)c);
			assert_int_equal(n, t->n[src][c]);
			if (n)
				assert_near(mean, (double)t->sum[src][c] / (double)n);
			else
				assert_true(isnan(mean));
		}
	}
	assert_int_equal(csvc_appraisal_summary_records(sum, (csvc_appraisal_source_t)5), 0);
	assert_true(isnan(csvc_appraisal_summary_mean(sum, CSVC_APPRAISAL_SELF, (csvc_appraisal_criterion_t)5)));
	csvc_appraisal_summary_free(sum);
}

static void test_appraisals(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	add_staff(s, "li", NULL);
	add_staff(s, "wang", NULL);
	add_staff(s, "zhao", NULL);

	tally q4 = {0}, year = {0};
	const int32_t sup[5] = {0, 4, 5, 3, 4}, cust[5] = {0, 5, 0, 0, 0}, peer[5] = {0, 0, 4, 5, 0},
	              self[5] = {0, 3, 3, 4, 5}, annual[5] = {0, 2, 0, 0, 1};
	csvc_uuid id = {{0}};
	csvc_appraisal_form f = form("li", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, "zhao", sup);
	f.comment = "处理投诉耐心，\n跨部门协作良好";
	now_cell = T0 + HOUR;
	csvc_assert_ok(csvc_appraisal_record(s, &f, "hr", &id));
	assert_false(csvc_uuid_is_nil(&id));
	tally_add(&q4, f.source, sup);
	f = form("li", "2026-Q4", CSVC_APPRAISAL_CUSTOMER, NULL, cust);
	csvc_assert_ok(csvc_appraisal_record(s, &f, NULL, NULL));
	tally_add(&q4, f.source, cust);
	f = form("li", "2026-Q4", CSVC_APPRAISAL_PEER, "wang", peer);
	csvc_assert_ok(csvc_appraisal_record(s, &f, NULL, NULL));
	tally_add(&q4, f.source, peer);
	f = form("li", "2026-Q4", CSVC_APPRAISAL_SELF, NULL, self); /* NULL: li */
	csvc_assert_ok(csvc_appraisal_record(s, &f, NULL, NULL));
	tally_add(&q4, f.source, self);
	f = form("li", "2026-Q4", CSVC_APPRAISAL_PEER, "zhao", peer);
	csvc_assert_ok(csvc_appraisal_record(s, &f, NULL, NULL));
	tally_add(&q4, f.source, peer);
	f = form("li", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", annual);
	csvc_assert_ok(csvc_appraisal_record(s, &f, NULL, NULL));
	tally_add(&year, f.source, annual);
	f = form("wang", "2026-Q4", CSVC_APPRAISAL_SELF, "wang", self);
	csvc_assert_ok(csvc_appraisal_record(s, &f, NULL, NULL));

	/* Listed in order, as recorded. */
	csvc_appraisal **list = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_appraisal_list(s, "li", "2026-Q4", &list, &n));
	assert_int_equal(n, 5);
	assert_true(csvc_uuid_equal(csvc_appraisal_id(list[0]), &id));
	assert_string_equal(csvc_appraisal_staff(list[0]), "li");
	assert_string_equal(csvc_appraisal_period(list[0]), "2026-Q4");
	assert_int_equal(csvc_appraisal_source(list[0]), CSVC_APPRAISAL_SUPERVISOR);
	assert_string_equal(csvc_appraisal_rater(list[0]), "zhao");
	assert_int_equal(csvc_appraisal_score(list[0], CSVC_CRITERION_CUSTOMER_SATISFACTION), 4);
	assert_int_equal(csvc_appraisal_score(list[0], CSVC_CRITERION_EFFICIENCY), 5);
	assert_int_equal(csvc_appraisal_score(list[0], CSVC_CRITERION_TEAMWORK), 3);
	assert_int_equal(csvc_appraisal_score(list[0], CSVC_CRITERION_SKILL_GROWTH), 4);
	assert_int_equal(csvc_appraisal_score(list[0], (csvc_appraisal_criterion_t)0), 0);
	assert_int_equal(csvc_appraisal_score(list[0], (csvc_appraisal_criterion_t)5), 0);
	assert_string_equal(csvc_appraisal_comment(list[0]), "处理投诉耐心，\n跨部门协作良好");
	assert_string_equal(csvc_appraisal_actor(list[0]), "hr");
	assert_int_equal(csvc_appraisal_recorded_at(list[0]), T0 + HOUR);
	assert_int_equal(csvc_appraisal_source(list[1]), CSVC_APPRAISAL_CUSTOMER);
	assert_null(csvc_appraisal_rater(list[1]));
	assert_int_equal(csvc_appraisal_score(list[1], CSVC_CRITERION_EFFICIENCY), 0);
	assert_null(csvc_appraisal_comment(list[1]));
	assert_null(csvc_appraisal_actor(list[1]));
	assert_string_equal(csvc_appraisal_rater(list[3]), "li");
	assert_string_equal(csvc_appraisal_rater(list[4]), "zhao");
	csvc_appraisal_list_free(list, n);
	csvc_assert_ok(csvc_appraisal_list(s, "li", NULL, &list, &n));
	assert_int_equal(n, 6);
	assert_string_equal(csvc_appraisal_period(list[5]), "2026");
	csvc_appraisal_list_free(list, n);
	csvc_assert_ok(csvc_appraisal_list(s, "zhao", NULL, &list, &n));
	assert_int_equal(n, 0);
	csvc_appraisal_list_free(list, n);
	csvc_appraisal_list_free(NULL, 0);
	assert_null(csvc_appraisal_staff(NULL));
	assert_int_equal(csvc_appraisal_source(NULL), 0);

	/* The summary against the test's own sums. */
	check_summary(s, "li", "2026-Q4", &q4);
	check_summary(s, "li", "2026", &year);
	tally both = q4;
	tally_add(&both, CSVC_APPRAISAL_SUPERVISOR, annual);
	check_summary(s, "li", NULL, &both);
	tally none = {0};
	check_summary(s, "zhao", "2026-Q4", &none);
	/* Hand-checked: the supervisor's Q4 mean is (4+5+3+4)/4 = 4; peers'
	 * teamwork 5; every Q4 score: 16 + 5 + 9 + 15 + 9 = 54 over 13. */
	csvc_appraisal_summary *sum = NULL;
	csvc_assert_ok(csvc_appraisal_summarize(s, "li", "2026-Q4", &sum));
	assert_near(csvc_appraisal_summary_mean(sum, CSVC_APPRAISAL_SUPERVISOR, 0), 4.0);
	assert_near(csvc_appraisal_summary_mean(sum, CSVC_APPRAISAL_PEER, CSVC_CRITERION_TEAMWORK), 5.0);
	assert_int_equal(csvc_appraisal_summary_count(sum, 0, 0), 13);
	assert_near(csvc_appraisal_summary_mean(sum, 0, 0), 54.0 / 13);
	csvc_appraisal_summary_free(sum);
	csvc_appraisal_summary_free(NULL);

	/* The feed names each one, without scores. */
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM feed_records WHERE type = 'appraisal_recorded'"
	                                      " AND subject_kind = 'staff'"),
	                 7);
	char *payload = csvc_test_sql_text(s, "SELECT payload FROM feed_records WHERE type = 'appraisal_recorded'"
	                                      " AND reference = 'li' AND payload LIKE '%\"peer\"%' ORDER BY id LIMIT 1");
	assert_non_null(strstr(payload, "\"period\":\"2026-Q4\",\"source\":\"peer\",\"rater\":\"wang\"}"));
	assert_null(strstr(payload, "teamwork"));
	free(payload);

	/* Refusals change nothing. */
	int64_t before = count_rows(s);
	const int32_t one[5] = {0, 3, 0, 0, 0}, none_given[5] = {0}, six[5] = {0, 0, 6, 0, 0},
	              negative[5] = {0, 0, 0, -1, 0};
	csvc_uuid kept = id;
	const struct {
		const char *staff, *period;
		int32_t source;
		const char *rater;
		const int32_t *score;
		int rc;
	} bad[] = {
		{NULL, "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", NULL, CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "2026-Q5", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "2026-q4", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "2026Q4", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "26", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "0000", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "2026-01", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "2026-Q4-", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_ERANGE},
		{"li", "", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
		{"li", "2026", 0, "zhao", one, CSVC_EINVAL},
		{"li", "2026", 5, "zhao", one, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", none_given, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", six, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", negative, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, NULL, one, CSVC_EINVAL},   /* no principal to stand in */
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, "li", one, CSVC_EINVAL},   /* rating oneself */
		{"li", "2026", CSVC_APPRAISAL_PEER, "li", one, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_PEER, NULL, one, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_SELF, "wang", one, CSVC_EINVAL},
		{"li", "2026", CSVC_APPRAISAL_CUSTOMER, "wang", one, CSVC_EINVAL},
		{"nobody", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_ENOTFOUND},
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, "nobody", one, CSVC_ENOTFOUND},
		{"li", "2026", CSVC_APPRAISAL_SUPERVISOR, "zh\x01o", one, CSVC_EINVAL},
		{"l\xffi", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", one, CSVC_EINVAL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = form(bad[i].staff, bad[i].period, bad[i].source, bad[i].rater, bad[i].score);
		int rc = csvc_appraisal_record(s, &f, NULL, &id);
		if (rc != bad[i].rc)
			print_error("case %zu: %d (%s)\n", i, rc, csvc_error_last()->message);
		assert_int_equal(rc, bad[i].rc);
		assert_true(csvc_error_last()->message[0] != '\0');
		assert_true(csvc_uuid_equal(&id, &kept));
	}
	f = form("li", "2026", CSVC_APPRAISAL_SUPERVISOR, "zhao", one);
	f.comment = "bad\x01text";
	csvc_assert_err(csvc_appraisal_record(s, &f, NULL, NULL), CSVC_EINVAL);
	f.comment = NULL;
	csvc_assert_err(csvc_appraisal_record(s, &f, "", NULL), CSVC_EINVAL);
	f.version = CSVC_APPRAISAL_FORM_VERSION + 1;
	csvc_assert_err(csvc_appraisal_record(s, &f, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_appraisal_record(s, NULL, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_appraisal_form_init(&f, 0), CSVC_EINVAL);
	list = (csvc_appraisal **)&now_cell;
	csvc_assert_err(csvc_appraisal_list(s, "nobody", NULL, &list, &n), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_appraisal_list(s, "li", "2026-Q0", &list, &n), CSVC_EINVAL);
	csvc_assert_err(csvc_appraisal_summarize(s, "li", "Q4", &sum), CSVC_EINVAL);
	assert_ptr_equal(list, (csvc_appraisal **)&now_cell);
	assert_int_equal(count_rows(s), before);

	/* Append-only: the store refuses changes made behind the library. */
	assert_int_not_equal(csvc_test_sql_exec(s, "UPDATE staff_appraisals SET efficiency = 1"), CSVC_OK);
	assert_int_not_equal(csvc_test_sql_exec(s, "DELETE FROM staff_appraisals"), CSVC_OK);
	if (csvc_test_on_pg())
		assert_int_not_equal(csvc_test_sql_exec(s, "TRUNCATE staff_appraisals"), CSVC_OK);
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM staff_appraisals"), 7);
	assert_int_equal(csvc_test_sql_int(s, "SELECT sum(efficiency) FROM staff_appraisals"), 5 + 4 + 3 + 4 + 3);
	csvc_store_close(s);
}

/* Who may record and read which appraisal, with access control on. */
static void test_appraisal_access(void **state)
{
	(void)state;
	char dir[64], path[96];
	snprintf(dir, sizeof(dir), "/tmp/csvc-appraisal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *t = NULL, *a = NULL;
	csvc_assert_ok(csvc_test_open(&t, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(t));
	add_staff(t, "li", "service_agent");
	add_staff(t, "wang", "service_agent");
	add_staff(t, "zhao", "supervisor");
	add_staff(t, "admin", "data_admin");
	add_staff(t, "guide", "guide");
	/* Of another store, and of none (head office). */
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "far", "far"));
	csvc_assert_ok(csvc_staff_set_home_store(st, "SH02"));
	csvc_assert_ok(csvc_staff_create(t, st, "setup"));
	csvc_staff_free(st);
	csvc_assert_ok(csvc_staff_new(&st, "hq", "hq"));
	csvc_assert_ok(csvc_staff_create(t, st, "setup"));
	csvc_staff_free(st);
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&a, path, &o));
	const int32_t sc[5] = {0, 4, 4, 4, 4};
	int64_t before;

	/* A peer records as themselves. */
	csvc_assert_ok(csvc_store_set_principal(a, "wang"));
	csvc_appraisal_form f = form("li", "2026-Q4", CSVC_APPRAISAL_PEER, NULL, sc);
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	before = count_rows(t);
	f.rater = "zhao";
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	/* One's own self appraisal, nobody else's. */
	f = form("li", "2026-Q4", CSVC_APPRAISAL_SELF, NULL, sc);
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	/* A supervisor's needs staff_appraise. */
	f = form("li", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, NULL, sc);
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	/* Writing in another's name. */
	f = form("wang", "2026-Q4", CSVC_APPRAISAL_SELF, NULL, sc);
	csvc_assert_err(csvc_appraisal_record(a, &f, "li", NULL), CSVC_EACCESS);
	/* Reading another's needs reports_read. */
	csvc_appraisal **list = NULL;
	size_t n = 0;
	csvc_appraisal_summary *sum = NULL;
	csvc_assert_err(csvc_appraisal_list(a, "li", NULL, &list, &n), CSVC_EACCESS);
	csvc_assert_err(csvc_appraisal_summarize(a, "li", NULL, &sum), CSVC_EACCESS);
	assert_int_equal(count_rows(t), before);
	/* One's own: recorded and read. A customer's needs survey_record,
	 * which a service agent holds. */
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	f = form("wang", "2026-Q4", CSVC_APPRAISAL_CUSTOMER, NULL, sc);
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	csvc_assert_ok(csvc_appraisal_list(a, "wang", NULL, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(csvc_appraisal_rater(list[0]), "wang");
	assert_string_equal(csvc_appraisal_actor(list[0]), "wang");
	csvc_appraisal_list_free(list, n);
	csvc_assert_ok(csvc_appraisal_summarize(a, "wang", "2026-Q4", &sum));
	assert_int_equal(csvc_appraisal_summary_records(sum, 0), 2);
	csvc_appraisal_summary_free(sum);

	/* A guide may not record a customer's. */
	csvc_assert_ok(csvc_store_set_principal(a, "guide"));
	before = count_rows(t);
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	assert_int_equal(count_rows(t), before);

	/* The data administrator records a supervisor's appraisal, rated by
	 * the principal unless named; the supervisor reads them (reports_read). */
	csvc_assert_ok(csvc_store_set_principal(a, "admin"));
	f = form("li", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, NULL, sc);
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	f.rater = "zhao";
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	csvc_assert_ok(csvc_store_set_principal(a, "zhao"));
	csvc_assert_ok(csvc_appraisal_list(a, "li", "2026-Q4", &list, &n));
	assert_int_equal(n, 3);
	assert_string_equal(csvc_appraisal_rater(list[0]), "wang");
	assert_string_equal(csvc_appraisal_rater(list[1]), "admin");
	assert_string_equal(csvc_appraisal_rater(list[2]), "zhao");
	csvc_appraisal_list_free(list, n);
	/* The store's supervisor records their own appraisals of the store's
	 * staff (staff_appraise, store scope): not of another store's, and
	 * a refusal writes nothing; the chain-wide administrator may. */
	f = form("li", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, NULL, sc);
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	f = form("hq", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, NULL, sc);
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	before = count_rows(t);
	int64_t head = -1, head2 = -1;
	csvc_assert_ok(csvc_feed_head(t, &head));
	f = form("far", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, NULL, sc);
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "SH02"));
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_commit(a)); /* the refusal left the transaction usable */
	/* Nor in the name of a rater of another store. */
	f = form("li", "2026-Q4", CSVC_APPRAISAL_SUPERVISOR, "far", sc);
	csvc_assert_err(csvc_appraisal_record(a, &f, NULL, NULL), CSVC_EACCESS);
	assert_int_equal(count_rows(t), before);
	csvc_assert_ok(csvc_feed_head(t, &head2));
	assert_int_equal(head2, head);
	csvc_assert_ok(csvc_store_set_principal(a, "admin"));
	csvc_assert_ok(csvc_appraisal_record(a, &f, NULL, NULL));
	csvc_assert_ok(csvc_store_set_principal(a, "zhao"));
	/* The staff report needs reports_read too, except for one's own. */
	csvc_report_query q = week_query("li");
	csvc_report *r = NULL, *own = NULL;
	csvc_assert_ok(csvc_report_staff(a, &q, &r));
	csvc_assert_ok(csvc_store_set_principal(a, "li"));
	csvc_assert_ok(csvc_report_staff(a, &q, &own));
	assert_int_equal(csvc_report_row_count(own), csvc_report_row_count(r));
	for (size_t i = 0; i < csvc_report_row_count(r); i++) {
		assert_string_equal(csvc_report_key(own, i), csvc_report_key(r, i));
		for (int m = 1; m <= CSVC_METRIC_COMPLAINTS_RESOLVED; m++) {
			double x = csvc_report_value(r, i, (csvc_report_metric_t)m),
			       y = csvc_report_value(own, i, (csvc_report_metric_t)m);
			assert_true((isnan(x) && isnan(y)) || x == y);
		}
	}
	csvc_report_free(own);
	csvc_report_free(r);
	q.staff = "wang";
	csvc_assert_err(csvc_report_staff(a, &q, &r), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(a, "guide"));
	csvc_assert_err(csvc_report_staff(a, &q, &r), CSVC_EACCESS);
	q.staff = "guide";
	csvc_assert_ok(csvc_report_staff(a, &q, &r));
	csvc_report_free(r);
	csvc_assert_ok(csvc_store_set_principal(a, "li"));
	csvc_assert_ok(csvc_store_set_principal(a, NULL));
	csvc_assert_err(csvc_appraisal_list(a, "li", NULL, &list, &n), CSVC_EACCESS);

	csvc_store_close(a);
	csvc_store_close(t);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Opening a store made before staff_appraise existed: every role that
 * could record supervisors' appraisals (staff_manage) still can; other
 * roles are as they were. */
static void test_permission_upgrade(void **state)
{
	(void)state;
	char dir[64], path[96];
	snprintf(dir, sizeof(dir), "/tmp/csvc-appraisal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, path, &o));
	csvc_assert_ok(csvc_role_install_defaults(s));
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "hr", "HR", CSVC_ROLE_SCOPE_CHAIN));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_STAFF_MANAGE));
	csvc_assert_ok(csvc_role_create(s, r, NULL));
	csvc_role_free(r);
	/* Back to version 21, as such a store stored its roles (and without
	 * the tables of later migrations). */
	csvc_assert_ok(csvc_test_sql_exec(s, "DROP TABLE customer_consents"));
	if (!csvc_test_on_pg())
		csvc_assert_ok(csvc_test_sql_exec(s, "DROP TRIGGER ticket_events_no_update; DROP TABLE ticket_redactions;"
		                                     " CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
		                                     " BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END"));
	csvc_assert_ok(csvc_test_sql_exec(s, "DELETE FROM role_permissions WHERE permission = 19"));
	csvc_assert_ok(csvc_test_sql_exec(s, csvc_test_on_pg() ? "UPDATE csvc_meta SET schema_version = 21"
	                                                      : "PRAGMA user_version = 21"));
	csvc_store_close(s);
	csvc_assert_ok(csvc_test_open(&s, path, &o));
	static const struct {
		const char *role;
		int allows;
	} want[] = {{"hr", 1}, {"data_admin", 1}, {"supervisor", 0}, {"service_agent", 0}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		csvc_assert_ok(csvc_role_get(s, want[i].role, &r));
		assert_int_equal(csvc_role_allows(r, CSVC_PERM_STAFF_APPRAISE), want[i].allows);
		assert_int_equal(csvc_role_allows(r, CSVC_PERM_STAFF_MANAGE), want[i].allows);
		csvc_role_free(r);
	}
	csvc_store_close(s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_staff_report),
		cmocka_unit_test(test_staff_report_plans),
		cmocka_unit_test(test_appraisals),
		cmocka_unit_test(test_appraisal_access),
		cmocka_unit_test(test_permission_upgrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
