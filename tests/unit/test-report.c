/*
 * Service KPIs on a hand-built week of tickets whose every figure is
 * worked out below: response and resolution times (mean, nearest-rank
 * median and p90), SLA compliance, complaint timeliness, first-contact
 * resolution, reopen rate, backlog and ageing (at the end and per day),
 * complaint rate per 1,000 transactions, satisfaction per staff member,
 * time in each state, the SLA report, JSON; plus the formulas' edge cases
 * (percentile ties at the boundary, Wilson at 0 and n).
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "report/report-internal.h"

#define SEC CSVC_SECOND_US
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define T0 ((csvc_time_us)1767225600 * SEC) /* 2026-01-01 00:00 UTC */
#define EPS 1e-6
#define V(r, i, m) csvc_report_value((r), (i), (m))
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

static csvc_time_us now_cell;

static csvc_ticket *ticket_at(csvc_store *s, const char *kind, const char *assignee, csvc_time_us at)
{
	now_cell = at;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "kpi"));
	csvc_assert_ok(csvc_ticket_set_channel(t, kind[0] == 'c' ? "phone" : "store_counter"));
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
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好", NULL, 0, "agent"}, NULL));
}

/*
 * The week (SH01 has no calendar: business time is wall-clock time):
 *   A inquiry (li)   T0: reply +10 min, answer +30 min, close +40 min.
 *   B inquiry (li)   T0+1h: escalate +5 min, reply +15 min, answer at 3h,
 *                    reopen at 4h, answer at 5h.
 *   C complaint (wang) T0+2h: reply and analyse at 3h, handle at 4h, report
 *                    back at 52h (handled, due at 50h, is met late).
 *   D inquiry        T0+3d, left received.
 *   E suggestion     T0+6.5d, left new (default policy).
 * Report: [T0, T0+7d), clock and SLA advanced to T0+7d.
 */
static csvc_store *week(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_ticket *a = ticket_at(s, "inquiry", "li", T0);
	reply(s, a, T0 + 10 * MIN);
	move(s, a, "answer", T0 + 30 * MIN);
	move(s, a, "close", T0 + 40 * MIN);
	csvc_ticket *b = ticket_at(s, "inquiry", "li", T0 + HOUR);
	move(s, b, "escalate", T0 + HOUR + 5 * MIN);
	reply(s, b, T0 + HOUR + 15 * MIN);
	move(s, b, "answer", T0 + 3 * HOUR);
	move(s, b, "reopen", T0 + 4 * HOUR);
	move(s, b, "answer", T0 + 5 * HOUR);
	csvc_ticket *c = ticket_at(s, "complaint", "wang", T0 + 2 * HOUR);
	reply(s, c, T0 + 3 * HOUR);
	move(s, c, "analyse", T0 + 3 * HOUR);
	move(s, c, "handle", T0 + 4 * HOUR);
	move(s, c, "report_back", T0 + 52 * HOUR);
	csvc_ticket *d = ticket_at(s, "inquiry", NULL, T0 + 3 * DAY);
	csvc_ticket *e = ticket_at(s, "suggestion", NULL, T0 + 6 * DAY + 12 * HOUR);
	now_cell = T0 + 7 * DAY;
	csvc_assert_ok(csvc_sla_advance(s, now_cell, NULL, NULL, NULL));

	/* Satisfaction: A's customer answers the post-resolution survey. */
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
	now_cell = T0 + 7 * DAY;
	csvc_survey_answers_free(ans);

	/* 1,000 transactions a day, 2026-01-01 to 01-08 (the 8th is outside). */
	for (int day = 1; day <= 8; day++)
		csvc_assert_ok(csvc_report_record_transactions(s, "SH01", 20260100 + day, 1000));
	csvc_ticket_free(a);
	csvc_ticket_free(b);
	csvc_ticket_free(c);
	csvc_ticket_free(d);
	csvc_ticket_free(e);
	return s;
}

static csvc_report_query week_query(void)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = T0;
	q.to = T0 + 7 * DAY;
	return q;
}

static void test_kpis(void **state)
{
	(void)state;
	csvc_store *s = week();
	csvc_report_query q = week_query();
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 5);
	assert_near(V(r, 0, CSVC_METRIC_RESOLVED), 3); /* A, B, C */
	/* First response (first_response / respond met): 10 min, 15 min, 1 h. */
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_N), 3);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_MEAN), (10 + 15 + 60) * MIN / 3.0);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_MEDIAN), 15 * MIN); /* rank ceil(1.5) = 2 */
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_P90), 60 * MIN);    /* rank ceil(2.7) = 3 */
	/* Resolution (resolution / handled met): A 30 min; B 2 h, reopened, +1 h
	 * = 3 h; C 50 h (late). */
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_N), 3);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_MEAN), (30 * MIN + 3 * HOUR + 50 * HOUR) / 3.0);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_MEDIAN), 3 * HOUR);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_P90), 50 * HOUR);
	/* On time: A 2, B 2, C respond + reported_back; breached: C handled,
	 * D first_response and resolution, E first_response. 6 / 10. */
	assert_near(V(r, 0, CSVC_METRIC_SLA_ON_TIME), 6);
	assert_near(V(r, 0, CSVC_METRIC_SLA_BREACHED), 4);
	assert_near(V(r, 0, CSVC_METRIC_SLA_COMPLIANCE), 0.6);
	assert_true(V(r, 0, CSVC_METRIC_SLA_COMPLIANCE_LOW) < 0.6);
	assert_true(V(r, 0, CSVC_METRIC_SLA_COMPLIANCE_HIGH) > 0.6);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINTS), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_24H), 1);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_48H), 0);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_72H), 1);
	/* FCR: A only (straight to answered, then closed; one reply). */
	assert_near(V(r, 0, CSVC_METRIC_FCR), 1);
	assert_near(V(r, 0, CSVC_METRIC_FCR_RATE), 1.0 / 3);
	assert_near(V(r, 0, CSVC_METRIC_REOPENED), 1);
	assert_near(V(r, 0, CSVC_METRIC_REOPEN_RATE), 1.0 / 3);
	/* Backlog at T0+7d: D (4 d old), E (12 h old); C is reported back. */
	assert_near(V(r, 0, CSVC_METRIC_BACKLOG), 2);
	assert_near(V(r, 0, CSVC_METRIC_AGE_UNDER_1D), 1);
	assert_near(V(r, 0, CSVC_METRIC_AGE_1_3D), 0);
	assert_near(V(r, 0, CSVC_METRIC_AGE_3_7D), 1);
	assert_near(V(r, 0, CSVC_METRIC_AGE_OVER_7D), 0);
	/* 7 days of 1,000 transactions, one complaint. */
	assert_near(V(r, 0, CSVC_METRIC_TRANSACTIONS), 7000);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_RATE), 1000.0 / 7000);
	/* Satisfaction figures ride along: 5 5 3 -> top two 2 of 3. */
	assert_near(V(r, 0, CSVC_METRIC_RESPONSES), 1);
	assert_near(V(r, 0, CSVC_METRIC_CSAT), 2.0 / 3);
	assert_true(csvc_report_low_sample(r, 0));
	char *json = NULL;
	csvc_assert_ok(csvc_report_to_json(r, &json));
	assert_non_null(strstr(json, "\"report\":\"kpis\""));
	assert_non_null(strstr(json, "\"tickets\":5,\"resolved\":3"));
	assert_non_null(strstr(json, "\"sla_compliance\":0.6,"));
	assert_non_null(strstr(json, "\"complaint_48h\":0,"));
	assert_non_null(strstr(json, "\"nps\":null"));
	csvc_free(json);
	csvc_report_free(r);

	/* Per staff member (appraisal). */
	q.group_by = CSVC_REPORT_BY_STAFF;
	q.min_sample = 2;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 3);
	assert_string_equal(csvc_report_key(r, 0), "");
	assert_string_equal(csvc_report_key(r, 1), "li");
	assert_string_equal(csvc_report_key(r, 2), "wang");
	assert_near(V(r, 1, CSVC_METRIC_TICKETS), 2);
	assert_near(V(r, 1, CSVC_METRIC_RESOLVED), 2);
	assert_near(V(r, 1, CSVC_METRIC_RESPONSE_MEAN), 12.5 * MIN);
	assert_near(V(r, 1, CSVC_METRIC_SLA_COMPLIANCE), 1);
	assert_near(V(r, 1, CSVC_METRIC_CSAT_MEAN), 13.0 / 3);
	assert_false(csvc_report_low_sample(r, 1));
	assert_true(csvc_report_low_sample(r, 2));
	assert_near(V(r, 2, CSVC_METRIC_SLA_COMPLIANCE), 2.0 / 3);
	assert_true(isnan(V(r, 2, CSVC_METRIC_CSAT)));
	assert_near(V(r, 0, CSVC_METRIC_BACKLOG), 2);
	assert_true(isnan(V(r, 0, CSVC_METRIC_TRANSACTIONS))); /* not per staff */
	csvc_report_free(r);

	/* Per channel and per kind. */
	q.group_by = CSVC_REPORT_BY_CHANNEL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_string_equal(csvc_report_key(r, 0), "phone");
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 1);
	assert_string_equal(csvc_report_key(r, 1), "store_counter");
	assert_near(V(r, 1, CSVC_METRIC_TICKETS), 4);
	assert_near(V(r, 1, CSVC_METRIC_RESPONSES), 1);
	csvc_report_free(r);
	q.group_by = CSVC_REPORT_BY_KIND;
	q.kind = "inquiry";
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 3);
	assert_true(isnan(V(r, 0, CSVC_METRIC_COMPLAINT_24H)));
	csvc_report_free(r);
	q.kind = NULL;

	/* By store: transactions and complaint rate per store. */
	q.group_by = CSVC_REPORT_BY_STORE;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_string_equal(csvc_report_key(r, 0), "SH01");
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_RATE), 1000.0 / 7000);
	csvc_report_free(r);

	/* Daily trend: backlog at each day's end. Day 1 (ends T0+1d): C open,
	 * 22 h old; day 2: C, 46 h; day 3: none (C reported back at 52 h, D
	 * not yet created); day 4: D, exactly 1 d old; day 7: D and E. */
	q.group_by = CSVC_REPORT_BY_PERIOD;
	q.period = CSVC_PERIOD_DAY;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 7);
	static const double backlog[7] = {1, 1, 0, 1, 1, 1, 2};
	for (size_t i = 0; i < 7; i++)
		assert_near(V(r, i, CSVC_METRIC_BACKLOG), backlog[i]);
	assert_near(V(r, 0, CSVC_METRIC_AGE_UNDER_1D), 1);
	assert_near(V(r, 1, CSVC_METRIC_AGE_1_3D), 1);
	assert_near(V(r, 3, CSVC_METRIC_AGE_1_3D), 1);
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 3);
	assert_near(V(r, 0, CSVC_METRIC_TRANSACTIONS), 1000);
	assert_near(V(r, 0, CSVC_METRIC_COMPLAINT_RATE), 1);
	assert_true(isnan(V(r, 1, CSVC_METRIC_COMPLAINT_RATE)) == 0);
	assert_near(V(r, 1, CSVC_METRIC_COMPLAINT_RATE), 0);
	csvc_report_free(r);

	/* A chosen response target. */
	q.group_by = 0;
	q.response_target = "respond";
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_N), 1);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_MEAN), HOUR);
	csvc_report_free(r);
	q.response_target = NULL;

	/* A range with nothing in it. */
	q.from = T0 - 7 * DAY;
	q.to = T0;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 0);
	assert_true(isnan(V(r, 0, CSVC_METRIC_RESPONSE_MEAN)));
	assert_true(isnan(V(r, 0, CSVC_METRIC_FCR_RATE)));
	assert_near(V(r, 0, CSVC_METRIC_BACKLOG), 0);
	assert_true(isnan(V(r, 0, CSVC_METRIC_COMPLAINT_RATE))); /* no transactions */
	csvc_report_free(r);
	csvc_store_close(s);
}

static void test_sla_and_states(void **state)
{
	(void)state;
	csvc_store *s = week();
	csvc_report_query q = week_query();
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_sla(s, &q, &r));
	/* Rows by target name, sorted. */
	static const struct {
		const char *name;
		double on, bad;
	} want[] = {
		{"first_response", 2, 2}, {"handled", 0, 1}, {"next_update", 0, 0}, {"reported_back", 1, 0},
		{"resolution", 2, 1},     {"respond", 1, 0},
	};
	assert_int_equal(csvc_report_row_count(r), 6);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(csvc_report_key(r, i), want[i].name);
		assert_near(V(r, i, CSVC_METRIC_SLA_ON_TIME), want[i].on);
		assert_near(V(r, i, CSVC_METRIC_SLA_BREACHED), want[i].bad);
	}
	assert_near(V(r, 0, CSVC_METRIC_SLA_COMPLIANCE), 0.5);
	assert_true(isnan(V(r, 2, CSVC_METRIC_SLA_COMPLIANCE)));
	assert_true(isnan(V(r, 0, CSVC_METRIC_TICKETS)));
	csvc_report_free(r);

	/* Time in state. inquiry/received: A 30 min, B 5 min, D 4 d (still
	 * there at the clock). */
	csvc_assert_ok(csvc_report_state_times(s, &q, &r));
	size_t n = csvc_report_row_count(r), i = 0;
	while (i < n && strcmp(csvc_report_key(r, i), "inquiry/received") != 0)
		i++;
	assert_true(i < n);
	assert_near(V(r, i, CSVC_METRIC_STATE_VISITS), 3);
	assert_near(V(r, i, CSVC_METRIC_STATE_TIME_TOTAL), 4 * DAY + 35 * MIN);
	assert_near(V(r, i, CSVC_METRIC_STATE_TIME_MEDIAN), 30 * MIN);
	assert_near(V(r, i, CSVC_METRIC_STATE_TIME_P90), 4 * DAY);
	for (i = 0; i < n && strcmp(csvc_report_key(r, i), "inquiry/assigned_handler") != 0;)
		i++;
	assert_true(i < n);
	/* B: 5 min .. 3 h and 4 h .. 5 h. */
	assert_near(V(r, i, CSVC_METRIC_STATE_VISITS), 2);
	assert_near(V(r, i, CSVC_METRIC_STATE_TIME_MEAN), (115 * MIN + 60 * MIN) / 2.0);
	for (i = 0; i < n && strcmp(csvc_report_key(r, i), "complaint/handling") != 0;)
		i++;
	assert_near(V(r, i, CSVC_METRIC_STATE_TIME_TOTAL), 48 * HOUR);
	for (i = 0; i < n; i++)
		assert_null(strstr(csvc_report_key(r, i), "/closed"));
	char *json = NULL;
	csvc_assert_ok(csvc_report_to_json(r, &json));
	assert_non_null(strstr(json, "\"report\":\"state_times\""));
	assert_non_null(strstr(json, "\"key\":\"complaint/handling\""));
	csvc_free(json);
	csvc_report_free(r);

	/* Transactions: argument checks. */
	csvc_assert_err(csvc_report_record_transactions(NULL, "SH01", 20260101, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_report_record_transactions(s, NULL, 20260101, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_report_record_transactions(s, "SH 01", 20260101, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_report_record_transactions(s, "SH01", 20260230, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_report_record_transactions(s, "SH01", 0, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_report_record_transactions(s, "SH01", 20260101, -1), CSVC_EINVAL);
	csvc_assert_ok(csvc_report_record_transactions(s, "SH01", 20260101, 500)); /* replaces */
	q.group_by = CSVC_REPORT_BY_STORE;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_TRANSACTIONS), 6500);
	csvc_report_free(r);
	csvc_assert_err(csvc_report_sla(s, NULL, &r), CSVC_EINVAL);
	csvc_assert_err(csvc_report_state_times(s, &q, NULL), CSVC_EINVAL);
	csvc_store_close(s);
}

static void test_formulas(void **state)
{
	(void)state;
	/* Nearest rank: rank ceil(p n / 100). */
	static const int64_t ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	assert_near(csvc__percentile(ten, 10, 90), 9); /* rank exactly 9, not 10 */
	assert_near(csvc__percentile(ten, 10, 50), 5);
	assert_near(csvc__percentile(ten, 10, 91), 10);
	assert_near(csvc__percentile(ten, 10, 100), 10);
	assert_near(csvc__percentile(ten, 10, 70), 7); /* 0.7 * 10 is not exact in floating point */
	/* Ties across the boundary: ranks 8 to 10 hold 20. */
	static const int64_t ties[] = {1, 1, 5, 5, 5, 5, 5, 20, 20, 20};
	assert_near(csvc__percentile(ties, 10, 70), 5);
	assert_near(csvc__percentile(ties, 10, 71), 20);
	assert_near(csvc__percentile(ties, 10, 90), 20);
	assert_near(csvc__percentile(ties, 10, 20), 1);
	assert_near(csvc__percentile(ties, 10, 21), 5);
	static const int64_t one[] = {42};
	assert_near(csvc__percentile(one, 1, 50), 42);
	assert_near(csvc__percentile(one, 1, 90), 42);
	assert_true(isnan(csvc__percentile(one, 0, 50)));
	/* Wilson at the edges. */
	double lo, hi;
	csvc__wilson(0, 1, &lo, &hi);
	assert_near(lo, 0);
	assert_true(fabs(hi - 0.793450685623) < 1e-11);
	csvc__wilson(1, 1, &lo, &hi);
	assert_true(fabs(lo - 0.206549314377) < 1e-11);
	assert_near(hi, 1);
	csvc__wilson(1, 2, &lo, &hi);
	assert_true(fabs(lo - 0.094531205734) < 1e-11);
	assert_true(fabs(hi - 0.905468794266) < 1e-11);
	csvc__wilson(0, 0, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
	/* NPS: all detractors, all passives. */
	double nps, se;
	csvc__nps(0, 4, 4, &nps, &se);
	assert_near(nps, -100);
	assert_near(se, 0);
	csvc__nps(0, 0, 4, &nps, &se);
	assert_near(nps, 0);
	assert_near(se, 0);
	csvc__nps(1, 1, 2, &nps, &se); /* pp = pd = 0.5: var = 0.25 + 0.25 + 0.5 = 1 */
	assert_near(nps, 0);
	assert_near(se, 100 * sqrt(1.0 / 2));
	assert_near(csvc__rescale(1, 5), 0);
	assert_near(csvc__rescale(5, 5), 100);
	assert_near(csvc__rescale(4, 7), 50);
}


/* A clock that steps back 2 h before a ticket is resolved: the resolution
 * is dated at the ticket's latest event, never before it, so the times
 * reported are never negative. */
static void test_clock_steps_back(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_ticket *t = ticket_at(s, "inquiry", "li", T0 + 2 * HOUR);
	reply(s, t, T0 + 2 * HOUR + 10 * MIN);
	move(s, t, "answer", T0 + 10 * MIN); /* the clock stepped back 2 h */
	now_cell = T0 + DAY;
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = T0;
	q.to = T0 + DAY;
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_near(V(r, 0, CSVC_METRIC_RESOLVED), 1);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_N), 1);
	assert_true(V(r, 0, CSVC_METRIC_RESOLUTION_MEAN) >= 0);
	assert_near(V(r, 0, CSVC_METRIC_RESOLUTION_MEAN), 10 * MIN);
	assert_near(V(r, 0, CSVC_METRIC_RESPONSE_MEAN), 10 * MIN);
	csvc_report_free(r);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* The C library's "%.15g", or "%.17g" when that does not read back: the
 * oracle for csvc__format_double(), valid while LC_NUMERIC is "C". */
static void printf_g(char *out, size_t n, double v)
{
	snprintf(out, n, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, n, "%.17g", v);
}

static void check_number(double v)
{
	char want[64], got[CSVC__DOUBLE_TEXT_MAX + 8];
	printf_g(want, sizeof(want), v);
	memset(got, 'X', sizeof(got));
	size_t len = csvc__format_double(got, v);
	if (strcmp(got, want) != 0 || len != strlen(want)) {
		print_error("%a: got '%s', printf gives '%s'\n", v, got, want);
		fail();
	}
	assert_true(len < CSVC__DOUBLE_TEXT_MAX);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The number formatter of the report JSON agrees with printf in the C
 * locale on special values, on every kind of double and on report-like
 * ratios. */
/* csvc__buf_int against printf's "%lld". */
static void test_int_text(void **state)
{
	(void)state;
	int64_t fixed[] = {0, 1, -1, 9, 10, -10, 99, 100, INT64_MAX, INT64_MIN, INT64_MIN + 1, 1000000007};
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 10000; i++) {
		int64_t v = i < (int)(sizeof(fixed) / sizeof(fixed[0])) ? fixed[i] : (int64_t)xorshift(&x) >> (i % 64);
		char want[32];
		snprintf(want, sizeof(want), "%lld", (long long)v);
		csvc__buf b = {0};
		csvc__buf_puts(&b, "x");
		csvc__buf_int(&b, v);
		assert_false(b.failed);
		assert_string_equal(b.data + 1, want);
		assert_int_equal(b.len, 1 + strlen(want));
		csvc__buf_free(&b);
	}
}

static void test_number_text(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *text;
	} fixed[] = {
		{0.0, "0"}, {-0.0, "-0"}, {1, "1"}, {-2.5, "-2.5"}, {0.1, "0.1"}, {0.6, "0.6"},
		{1.0 / 3, "0.33333333333333331"}, {33.333, "33.333"}, {100, "100"}, {1e15, "1e+15"},
		{123456789012345.0, "123456789012345"}, {1e-4, "0.0001"}, {1e-5, "1e-05"},
		{0.00012, "0.00012"}, {1e21, "1e+21"}, {DBL_MAX, "1.7976931348623157e+308"},
		{DBL_MIN, "2.2250738585072014e-308"}, {5e-324, "4.94065645841247e-324"},
		{0.5, "0.5"}, {2.5e-5, "2.5e-05"}, {0.1 + 0.2, "0.30000000000000004"}, {604800000000.0, "604800000000"},
		{INFINITY, "inf"}, {-INFINITY, "-inf"}, {NAN, "nan"},
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		char got[CSVC__DOUBLE_TEXT_MAX];
		csvc__format_double(got, fixed[i].v);
		if (strcmp(got, fixed[i].text) != 0) {
			print_error("%a: got '%s', want '%s'\n", fixed[i].v, got, fixed[i].text);
			fail();
		}
		if (isfinite(fixed[i].v))
			check_number(fixed[i].v);
	}
	/* Powers of ten and two, and their neighbours (ties and carries). */
	for (int e = -330; e <= 310; e++) {
		double v = pow(10, e);
		if (!isfinite(v) || v == 0)
			continue;
		check_number(v);
		check_number(nextafter(v, 0));
		check_number(nextafter(v, INFINITY));
	}
	for (int e = -1074; e <= 1023; e++) {
		double v = ldexp(1, e);
		check_number(v);
		check_number(nextafter(v, 0));
		check_number(-nextafter(v, INFINITY));
	}
	/* Any bit pattern. */
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = xorshift(&x);
		double v;
		memcpy(&v, &bits, sizeof(v));
		if (isfinite(v))
			check_number(v);
	}
	/* Ratios, means and percentages as reports compute them. */
	for (int n = 1; n <= 300; n++)
		for (int k = 0; k <= n; k++) {
			check_number((double)k / n);
			check_number(100.0 * k / n);
			check_number(1000.0 * k / n * 7);
		}
	/* Short decimals, where %.15g usually reads back. */
	for (int i = 0; i < 100000; i++) {
		double v = (double)(int64_t)(xorshift(&x) % 100000000) / pow(10, (int)(xorshift(&x) % 12));
		check_number(v);
	}
}

/* Sets LC_NUMERIC to a locale whose decimal point is a comma: one the
 * system has, or else one compiled with localedef into `dir` (LOCPATH).
 * Returns 0 when none can be had. */
static int comma_locale(const char *dir)
{
	static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8",
	                                    "ru_RU.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8", "pt_BR.UTF-8", "de_DE"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
			return 1;
	setlocale(LC_NUMERIC, "C");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1", dir);
	if (system(cmd) != 0)
		return 0;
	setenv("LOCPATH", dir, 1);
	int ok = setlocale(LC_NUMERIC, "de_DE.UTF-8") && strcmp(localeconv()->decimal_point, ",") == 0;
	if (!ok)
		setlocale(LC_NUMERIC, "C");
	unsetenv("LOCPATH");
	return ok;
}

/* Report JSON does not depend on the host's LC_NUMERIC. */
static void test_json_under_comma_locale(void **state)
{
	(void)state;
	csvc_store *s = week();
	csvc_report_query q = week_query();
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	char dir[] = "/tmp/csvc-test-locale-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int have = comma_locale(dir);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	if (!have) {
		const char *ci = getenv("CI");
		if (ci && strcmp(ci, "true") == 0) {
			print_error("no locale with a decimal comma: scripts/deps.sh should have generated de_DE.UTF-8\n");
			fail();
		}
		/* test_number_text has still checked the formatter itself. */
		print_message("no locale with a decimal comma here; skipped\n");
		csvc_report_free(r);
		csvc_store_close(s);
		skip();
	}
	char probe[16];
	snprintf(probe, sizeof(probe), "%.1f", 0.5);
	assert_string_equal(probe, "0,5"); /* the locale is in effect */
	char *json = NULL;
	int rc = csvc_report_to_json(r, &json);
	char text[CSVC__DOUBLE_TEXT_MAX];
	csvc__format_double(text, 1.0 / 3);
	setlocale(LC_NUMERIC, "C");
	csvc_assert_ok(rc);
	assert_string_equal(text, "0.33333333333333331");
	assert_non_null(strstr(json, "\"sla_compliance\":0.6,"));
	assert_non_null(strstr(json, "\"fcr_rate\":0.33333333333333331,"));
	assert_null(strstr(json, "0,6"));
	csvc_free(json);
	csvc_report_free(r);
	csvc_store_close(s);
}

/* Reports have at most CSVC_REPORT_MAX_ROWS rows; a period grouping that
 * would exceed it is refused before any row is built. */
static void test_row_cap(void **state)
{
	(void)state;
	csvc_store *s = week();
	csvc_report *r = NULL;
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.group_by = CSVC_REPORT_BY_PERIOD;
	q.period = CSVC_PERIOD_DAY;
	q.from = (csvc_time_us)-30610224000 * SEC; /* 1000-01-01 */
	q.to = (csvc_time_us)32503680000 * SEC;    /* 3000-01-01 */
	csvc_assert_err(csvc_report_kpis(s, &q, &r), CSVC_ERANGE);
	assert_null(r);
	assert_non_null(strstr(csvc_error_last()->message, "730485 rows"));
	assert_non_null(strstr(csvc_error_last()->message, "100000"));
	csvc_assert_err(csvc_report_scores(s, &q, &r), CSVC_ERANGE);
	/* 0001-01-01 to 9999-12-31 by week, month and quarter. */
	q.from = (csvc_time_us)-62135596800 * SEC;
	q.to = (csvc_time_us)253402214400 * SEC;
	q.period = CSVC_PERIOD_WEEK;
	csvc_assert_err(csvc_report_kpis(s, &q, &r), CSVC_ERANGE);
	q.period = CSVC_PERIOD_MONTH; /* 119,988 months */
	csvc_assert_err(csvc_report_kpis(s, &q, &r), CSVC_ERANGE);
	q.period = CSVC_PERIOD_QUARTER; /* 39,996 quarters: allowed */
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 39996);
	csvc_report_free(r);
	/* Exactly the limit of days is allowed, one more is not. */
	q.period = CSVC_PERIOD_DAY;
	q.from = T0;
	q.to = T0 + (csvc_time_us)CSVC_REPORT_MAX_ROWS * DAY;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	assert_int_equal(csvc_report_row_count(r), CSVC_REPORT_MAX_ROWS);
	assert_near(V(r, 0, CSVC_METRIC_TICKETS), 3);
	csvc_report_free(r);
	q.to += 1;
	csvc_assert_err(csvc_report_kpis(s, &q, &r), CSVC_ERANGE);
	assert_non_null(strstr(csvc_error_last()->message, "100001 rows"));
	csvc_store_close(s);
}

/* A ticket event whose stored payload is damaged makes a report fail with
 * CSVC_ECORRUPT, not a storage error. */
static void test_damaged_event_data(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-test-report-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[300];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	now_cell = T0;
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = csvc_test_clock;
	opts.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &opts));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_ticket *t = ticket_at(s, "inquiry", "li", T0);
	move(s, t, "answer", T0 + HOUR);
	csvc_ticket_free(t);
	csvc_store_close(s);

	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "BEGIN;"
	                              "CREATE TEMP TABLE trig AS SELECT sql FROM sqlite_master"
	                              " WHERE name = 'ticket_events_no_update';"
	                              "DROP TRIGGER ticket_events_no_update;"
	                              "UPDATE ticket_events SET payload = '{\"set\":{\"state_category\":' WHERE seq = 2;"
	                              "COMMIT;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	/* Put the trigger back as it was. */
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM temp.trig", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *trigger = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, trigger, NULL, NULL, NULL), SQLITE_OK);
	free(trigger);
	sqlite3_close(db);

	csvc_assert_ok(csvc_store_open(&s, path, &opts));
	csvc_report_query q = week_query();
	csvc_report *r = NULL;
	csvc_assert_err(csvc_report_kpis(s, &q, &r), CSVC_ECORRUPT);
	assert_null(r);
	assert_non_null(strstr(csvc_error_last()->message, "damaged"));
	csvc_assert_err(csvc_report_state_times(s, &q, &r), CSVC_ECORRUPT);
	q.group_by = CSVC_REPORT_BY_STAFF;
	csvc_assert_err(csvc_report_kpis(s, &q, &r), CSVC_ECORRUPT);
	/* Other reports do not read ticket events. */
	csvc_assert_ok(csvc_report_sla(s, &q, &r));
	csvc_report_free(r);
	csvc_store_close(s);
	char cmd[350];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- time zones of store codes without a calendar ---- */

typedef struct log_lines {
	int n;
	char last[512];
} log_lines;

static void on_log(int32_t level, const char *message, void *ud)
{
	log_lines *l = ud;
	if (level == CSVC_LOG_WARN && strstr(message, "UTC")) {
		l->n++;
		snprintf(l->last, sizeof(l->last), "%s", message);
	}
}

static csvc_ticket *ticket_in(csvc_store *s, const char *store_code, csvc_time_us at)
{
	now_cell = at;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", store_code));
	csvc_assert_ok(csvc_ticket_set_subject(t, "zone"));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

/* Tickets of `store_code` (NULL: every store) in the by-day row `key` of
 * 2026-01-01 .. 2026-01-03 (UTC instants). */
static double tickets_on(csvc_store *s, const char *store_code, const char *key)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = T0;
	q.to = T0 + 3 * DAY;
	q.store_code = store_code;
	q.group_by = CSVC_REPORT_BY_PERIOD;
	q.period = CSVC_PERIOD_DAY;
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	double v = -1;
	for (size_t i = 0; i < csvc_report_row_count(r); i++)
		if (strcmp(csvc_report_key(r, i), key) == 0)
			v = V(r, i, CSVC_METRIC_TICKETS);
	csvc_report_free(r);
	return v;
}

/* A 07:00 Shanghai ticket of a store code without a calendar counts on its
 * Shanghai day once the store code has a zone (or the store a default);
 * a calendar's zone wins over both; with neither, UTC, logged once per
 * report. */
static void test_store_zones_for_periods(void **state)
{
	(void)state;
	now_cell = T0;
	log_lines log = {0};
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.zoneinfo_dir = CSVC_TEST_DATA_DIR "/zoneinfo";
	o.log = on_log;
	o.log_userdata = &log;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, ":memory:", &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	/* NY01 has a New York calendar, open around the clock. */
	static const char NY[] = "{\"zone\":\"America/New_York\",\"versions\":[{\"week\":{"
	                         "\"mon\":[\"00:00-24:00\"],\"tue\":[\"00:00-24:00\"],\"wed\":[\"00:00-24:00\"],"
	                         "\"thu\":[\"00:00-24:00\"],\"fri\":[\"00:00-24:00\"],\"sat\":[\"00:00-24:00\"],"
	                         "\"sun\":[\"00:00-24:00\"]}}]}";
	csvc_calendar_options co = CSVC_CALENDAR_OPTIONS_INIT;
	co.zoneinfo_dir = CSVC_TEST_DATA_DIR "/zoneinfo";
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, NY, strlen(NY), &co));
	csvc_assert_ok(csvc_calendar_save(s, "ny", cal));
	csvc_assert_ok(csvc_calendar_attach(s, "NY01", "ny"));
	csvc_calendar_free(cal);

	/* 2026-01-01 23:00 UTC: 2026-01-02 07:00 in Shanghai, 18:00 on the 1st
	 * in New York. */
	csvc_time_us at = T0 + 23 * HOUR;
	csvc_ticket_free(ticket_in(s, "SH01", at));
	csvc_ticket_free(ticket_in(s, "NY01", at));
	csvc_ticket_free(ticket_in(s, "XX01", at));

	/* Nothing set: UTC, and one warning per report. */
	log.n = 0;
	assert_near(tickets_on(s, "SH01", "2026-01-01"), 1);
	assert_int_equal(log.n, 1);
	assert_non_null(strstr(log.last, "SH01"));
	log.n = 0;
	assert_near(tickets_on(s, NULL, "2026-01-01"), 3);
	assert_int_equal(log.n, 1);

	csvc_assert_ok(csvc_calendar_set_store_zone(s, "SH01", "Asia/Shanghai"));
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "NY01", "Asia/Shanghai"));
	log.n = 0;
	assert_near(tickets_on(s, "SH01", "2026-01-02"), 1);
	assert_near(tickets_on(s, "SH01", "2026-01-01"), 0);
	assert_int_equal(log.n, 0);
	/* The calendar's zone wins over the store code's own. */
	assert_near(tickets_on(s, "NY01", "2026-01-01"), 1);
	assert_near(tickets_on(s, "NY01", "2026-01-02"), 0);
	/* XX01 has nothing: still UTC. */
	assert_near(tickets_on(s, "XX01", "2026-01-01"), 1);
	assert_int_equal(log.n, 1);

	/* A default, as a till sets once: every store code without its own
	 * zone or a calendar, and reports over all store codes. */
	csvc_assert_ok(csvc_calendar_set_default_zone(s, "Europe/London"));
	log.n = 0;
	assert_near(tickets_on(s, "XX01", "2026-01-01"), 1); /* 23:00 in London */
	csvc_assert_ok(csvc_calendar_set_default_zone(s, "Asia/Shanghai"));
	assert_near(tickets_on(s, "XX01", "2026-01-02"), 1);
	/* All stores: periods of the default zone, each ticket on its own
	 * store's day: SH01 and XX01 on the 2nd (Shanghai), NY01 on the 1st. */
	assert_near(tickets_on(s, NULL, "2026-01-02"), 2);
	assert_near(tickets_on(s, NULL, "2026-01-01"), 1);
	assert_int_equal(log.n, 0);
	/* The store code's own zone wins over the default. */
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "SH01", "Europe/London"));
	assert_near(tickets_on(s, "SH01", "2026-01-01"), 1);

	/* Which zone a report uses, and why. */
	csvc_tz *tz = NULL;
	int32_t source = 0;
	csvc_assert_ok(csvc_calendar_tz_for_store(s, "NY01", &tz, &source));
	assert_string_equal(csvc_tz_name(tz), "America/New_York");
	assert_int_equal(source, CSVC_ZONE_CALENDAR);
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_calendar_tz_for_store(s, "SH01", &tz, &source));
	assert_string_equal(csvc_tz_name(tz), "Europe/London");
	assert_int_equal(source, CSVC_ZONE_STORE);
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_calendar_tz_for_store(s, "XX01", &tz, &source));
	assert_string_equal(csvc_tz_name(tz), "Asia/Shanghai");
	assert_int_equal(source, CSVC_ZONE_DEFAULT);
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_calendar_tz_for_store(s, NULL, &tz, &source));
	assert_int_equal(source, CSVC_ZONE_DEFAULT);
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_calendar_clear_default_zone(s));
	csvc_assert_ok(csvc_calendar_tz_for_store(s, "XX01", &tz, &source));
	assert_string_equal(csvc_tz_name(tz), "UTC");
	assert_int_equal(source, CSVC_ZONE_NONE);
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_calendar_clear_store_zone(s, "SH01"));
	log.n = 0;
	assert_near(tickets_on(s, "SH01", "2026-01-01"), 1); /* UTC again */
	assert_int_equal(log.n, 1);
	/* "UTC" set on purpose is not warned about. */
	csvc_assert_ok(csvc_calendar_set_default_zone(s, "UTC"));
	log.n = 0;
	assert_near(tickets_on(s, "SH01", "2026-01-01"), 1);
	assert_int_equal(log.n, 0);
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kpis),
		cmocka_unit_test(test_sla_and_states),
		cmocka_unit_test(test_formulas),
		cmocka_unit_test(test_clock_steps_back),
		cmocka_unit_test(test_number_text),
		cmocka_unit_test(test_int_text),
		cmocka_unit_test(test_json_under_comma_locale),
		cmocka_unit_test(test_row_cap),
		cmocka_unit_test(test_damaged_event_data),
		cmocka_unit_test(test_store_zones_for_periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
