/*
 * Routing: rule values and their checks, saving rules (revisions, feed
 * entries, order), matching, the three strategies, shifts, designated
 * handlers, what the events record, access checks and query plans.
 *
 * The expectations are the test's own: fairness is counted over 10,000
 * tickets, shifts are read from the clock with the test's arithmetic
 * (Asia/Shanghai is UTC+8 all year), loads are counted from the tickets
 * the test made. Runs on SQLite and, as pg-route, on PostgreSQL.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "csvc-test.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z, a Thursday */
#define MINUTE (60 * CSVC_SECOND_US)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static csvc_time_us now_cell;

static csvc_store *open_store(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	return s;
}

static void add_team(csvc_store *s, const char *code)
{
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_new(&t, code, code, CSVC_TEAM_CS_GROUP));
	csvc_assert_ok(csvc_team_create(s, t, NULL));
	csvc_team_free(t);
}

static void add_member(csvc_store *s, const char *code, const char *team, const char *calendar)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	csvc_assert_ok(csvc_staff_add_team(st, team));
	if (calendar)
		csvc_assert_ok(csvc_staff_set_calendar(st, calendar));
	csvc_assert_ok(csvc_staff_create(s, st, NULL));
	csvc_staff_free(st);
}

static void set_active(csvc_store *s, const char *code, int active)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(s, code, &st));
	csvc_assert_ok(csvc_staff_set_active(st, active));
	csvc_assert_ok(csvc_staff_update(s, st, NULL));
	csvc_staff_free(st);
}

static csvc_route_rule *add_rule(csvc_store *s, const char *code, const char *team, csvc_route_strategy_t strategy,
                                 int32_t position, const char *kind)
{
	csvc_route_rule *r = NULL;
	csvc_assert_ok(csvc_route_rule_new(&r, code, team, strategy));
	csvc_assert_ok(csvc_route_rule_set_position(r, position));
	csvc_assert_ok(csvc_route_rule_set_kind(r, kind));
	csvc_assert_ok(csvc_route_rule_create(s, r, "setup"));
	return r;
}

/* A saved ticket of `kind` at store SH01; the caller frees it. */
static csvc_ticket *new_ticket(csvc_store *s, const char *kind, const char *channel, const char *category)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, "SH01"));
	if (channel)
		csvc_assert_ok(csvc_ticket_set_channel(t, channel));
	if (category)
		csvc_assert_ok(csvc_ticket_set_category(t, category));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	return t;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* The payload of event `seq` of ticket `t` (malloc'ed) and its type. */
static char *event_payload(csvc_store *s, const csvc_ticket *t, int64_t seq, char *type, size_t n)
{
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, csvc_ticket_id(t), &it));
	csvc_event *ev = NULL;
	char *out = NULL;
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		if (csvc_event_seq(ev) == seq) {
			out = strdup(or_empty(csvc_event_payload(ev)));
			snprintf(type, n, "%s", csvc_event_type(ev));
		}
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	assert_non_null(out);
	return out;
}

/* ---- values ---- */

static void test_values(void **state)
{
	(void)state;
	csvc_route_rule *r = NULL;
	csvc_assert_err(csvc_route_rule_new(NULL, "r", "t", CSVC_ROUTE_ROUND_ROBIN), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_new(&r, "Bad Code", "t", CSVC_ROUTE_ROUND_ROBIN), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_new(&r, "r", NULL, CSVC_ROUTE_ROUND_ROBIN), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_new(&r, "r", "t", (csvc_route_strategy_t)0), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_new(&r, "r", "t", (csvc_route_strategy_t)4), CSVC_EINVAL);
	assert_null(r);
	char longcode[80];
	memset(longcode, 'a', sizeof(longcode) - 1);
	longcode[sizeof(longcode) - 1] = '\0';
	assert_true(csvc_route_rule_new(&r, longcode, "t", CSVC_ROUTE_ROUND_ROBIN) < 0);
	assert_null(r);

	csvc_assert_ok(csvc_route_rule_new(&r, "r1", "consult", CSVC_ROUTE_LEAST_LOAD));
	assert_string_equal(csvc_route_rule_code(r), "r1");
	assert_string_equal(csvc_route_rule_team(r), "consult");
	assert_int_equal(csvc_route_rule_strategy(r), CSVC_ROUTE_LEAST_LOAD);
	assert_int_equal(csvc_route_rule_position(r), 0);
	assert_int_equal(csvc_route_rule_active(r), 1);
	assert_int_equal(csvc_route_rule_designated(r), 0);
	assert_int_equal(csvc_route_rule_revision(r), 0);
	assert_null(csvc_route_rule_kind(r));
	assert_null(csvc_route_rule_category(r));
	assert_null(csvc_route_rule_channel(r));
	assert_null(csvc_route_rule_store(r));
	assert_int_equal(csvc_route_rule_customer_class(r), 0);

	/* Bad values change nothing. */
	csvc_assert_ok(csvc_route_rule_set_kind(r, "complaint"));
	csvc_assert_err(csvc_route_rule_set_kind(r, "Not A Kind"), CSVC_EINVAL);
	assert_string_equal(csvc_route_rule_kind(r), "complaint");
	csvc_assert_ok(csvc_route_rule_set_category(r, "退换货"));
	csvc_assert_err(csvc_route_rule_set_category(r, ""), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_set_category(r, "a\nb"), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_set_category(r, "\xff\xfe"), CSVC_EINVAL);
	assert_string_equal(csvc_route_rule_category(r), "退换货");
	csvc_assert_ok(csvc_route_rule_set_channel(r, "phone"));
	csvc_assert_err(csvc_route_rule_set_channel(r, "Phone Line"), CSVC_EINVAL);
	assert_string_equal(csvc_route_rule_channel(r), "phone");
	csvc_assert_ok(csvc_route_rule_set_store(r, "SH01"));
	csvc_assert_err(csvc_route_rule_set_store(r, ""), CSVC_ERANGE);
	assert_string_equal(csvc_route_rule_store(r), "SH01");
	csvc_assert_ok(csvc_route_rule_set_customer_class(r, CSVC_CUSTOMER_VIP));
	csvc_assert_err(csvc_route_rule_set_customer_class(r, 9), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_set_customer_class(r, -1), CSVC_EINVAL);
	assert_int_equal(csvc_route_rule_customer_class(r), CSVC_CUSTOMER_VIP);
	csvc_assert_err(csvc_route_rule_set_strategy(r, (csvc_route_strategy_t)7), CSVC_EINVAL);
	assert_int_equal(csvc_route_rule_strategy(r), CSVC_ROUTE_LEAST_LOAD);
	csvc_assert_err(csvc_route_rule_set_team(r, "Bad Team"), CSVC_EINVAL);
	assert_string_equal(csvc_route_rule_team(r), "consult");
	/* NULL clears a criterion. */
	csvc_assert_ok(csvc_route_rule_set_kind(r, NULL));
	csvc_assert_ok(csvc_route_rule_set_category(r, NULL));
	csvc_assert_ok(csvc_route_rule_set_channel(r, NULL));
	csvc_assert_ok(csvc_route_rule_set_store(r, NULL));
	csvc_assert_ok(csvc_route_rule_set_customer_class(r, 0));
	assert_null(csvc_route_rule_kind(r));
	assert_null(csvc_route_rule_category(r));
	assert_null(csvc_route_rule_channel(r));
	assert_null(csvc_route_rule_store(r));
	assert_int_equal(csvc_route_rule_customer_class(r), 0);
	csvc_route_rule_free(r);

	/* NULL rules. */
	assert_null(csvc_route_rule_code(NULL));
	assert_null(csvc_route_rule_team(NULL));
	assert_int_equal(csvc_route_rule_strategy(NULL), 0);
	assert_int_equal(csvc_route_rule_active(NULL), 0);
	csvc_assert_err(csvc_route_rule_set_position(NULL, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_set_designated(NULL, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_set_active(NULL, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_set_kind(NULL, "x"), CSVC_EINVAL);
	csvc_route_rule_free(NULL);
	csvc_route_rule_list_free(NULL, 0);
}

/* ---- saving ---- */

static void test_create_update_list(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	int64_t head = 0;
	csvc_assert_ok(csvc_feed_head(s, &head));

	csvc_route_rule *r = NULL;
	csvc_assert_ok(csvc_route_rule_new(&r, "vip", "nosuch", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_err(csvc_route_rule_create(s, r, NULL), CSVC_ENOTFOUND);
	assert_int_equal(csvc_route_rule_revision(r), 0);
	csvc_assert_ok(csvc_route_rule_set_team(r, "membership"));
	csvc_assert_ok(csvc_route_rule_set_customer_class(r, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_route_rule_set_position(r, 5));
	csvc_assert_ok(csvc_route_rule_create(s, r, "ops"));
	assert_int_equal(csvc_route_rule_revision(r), 1);
	csvc_assert_err(csvc_route_rule_create(s, r, NULL), CSVC_EINVAL); /* saved already */
	csvc_route_rule *dup = NULL;
	csvc_assert_ok(csvc_route_rule_new(&dup, "vip", "consult", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_err(csvc_route_rule_create(s, dup, NULL), CSVC_EEXISTS);
	csvc_route_rule_free(dup);

	csvc_route_rule *a = add_rule(s, "a_first", "consult", CSVC_ROUTE_ROUND_ROBIN, 5, NULL);
	csvc_route_rule *z = add_rule(s, "z_early", "complaints", CSVC_ROUTE_LEAST_LOAD, -3, "complaint");

	/* Order: position, then code. */
	csvc_route_rule **list = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_route_rule_list(s, &list, &n));
	assert_int_equal(n, 3);
	assert_string_equal(csvc_route_rule_code(list[0]), "z_early");
	assert_string_equal(csvc_route_rule_code(list[1]), "a_first");
	assert_string_equal(csvc_route_rule_code(list[2]), "vip");
	assert_string_equal(csvc_route_rule_team(list[2]), "membership");
	assert_int_equal(csvc_route_rule_customer_class(list[2]), CSVC_CUSTOMER_VIP);
	assert_string_equal(csvc_route_rule_kind(list[0]), "complaint");
	csvc_route_rule_list_free(list, n);

	/* Update: revision check, unchanged saves nothing. */
	csvc_route_rule *got = NULL;
	csvc_assert_ok(csvc_route_rule_get(s, "vip", &got));
	assert_int_equal(csvc_route_rule_revision(got), 1);
	assert_int_equal(csvc_route_rule_position(got), 5);
	csvc_assert_ok(csvc_route_rule_update(s, got, NULL));
	assert_int_equal(csvc_route_rule_revision(got), 1);
	csvc_assert_ok(csvc_route_rule_set_designated(got, 1));
	csvc_assert_ok(csvc_route_rule_set_channel(got, "phone"));
	csvc_assert_ok(csvc_route_rule_update(s, got, "ops"));
	assert_int_equal(csvc_route_rule_revision(got), 2);
	csvc_assert_ok(csvc_route_rule_set_active(r, 0));
	csvc_assert_err(csvc_route_rule_update(s, r, NULL), CSVC_ECONFLICT); /* r is revision 1 */
	csvc_assert_ok(csvc_route_rule_set_team(got, "nosuch"));
	csvc_assert_err(csvc_route_rule_update(s, got, NULL), CSVC_ENOTFOUND);
	csvc_route_rule_free(got);
	csvc_assert_ok(csvc_route_rule_get(s, "vip", &got));
	assert_int_equal(csvc_route_rule_revision(got), 2);
	assert_string_equal(csvc_route_rule_team(got), "membership");
	assert_string_equal(csvc_route_rule_channel(got), "phone");
	assert_int_equal(csvc_route_rule_designated(got), 1);
	csvc_route_rule_free(got);
	csvc_assert_err(csvc_route_rule_get(s, "nosuch", &got), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_route_rule_get(s, "Bad Code", &got), CSVC_EINVAL);

	/* The feed: one definition entry per saved change. */
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, head, CSVC_FEED_MAX_BATCH, &it));
	const csvc_feed_entry *e;
	char types[256] = "";
	const char *last_payload = NULL;
	char payload[512] = "";
	while (csvc_feed_iter_next(it, &e) == CSVC_OK) {
		strncat(types, csvc_feed_entry_type(e), sizeof(types) - strlen(types) - 2);
		strcat(types, " ");
		last_payload = csvc_feed_entry_payload(e);
		snprintf(payload, sizeof(payload), "%s", or_empty(last_payload));
	}
	csvc_feed_iter_free(it);
	assert_string_equal(types, "route_rule_created route_rule_created route_rule_created route_rule_updated ");
	assert_string_equal(payload, "{\"kind\":\"route_rule\",\"team\":\"membership\",\"strategy\":\"round_robin\","
	                             "\"fields\":[\"designated\",\"channel\"]}");

	/* Rules are never deleted. */
	assert_true(csvc_test_sql_exec(s, "DELETE FROM route_rules") != 0);
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM route_rules"), 3);

	/* Defaults: the handbook's two, once. */
	csvc_assert_ok(csvc_route_install_defaults(s));
	csvc_assert_ok(csvc_route_install_defaults(s));
	csvc_assert_ok(csvc_route_rule_get(s, "complaints", &got));
	assert_string_equal(csvc_route_rule_team(got), "complaints");
	assert_string_equal(csvc_route_rule_kind(got), "complaint");
	assert_int_equal(csvc_route_rule_strategy(got), CSVC_ROUTE_LEAST_LOAD);
	assert_int_equal(csvc_route_rule_designated(got), 1);
	csvc_route_rule_free(got);
	csvc_assert_ok(csvc_route_rule_get(s, "inquiries", &got));
	assert_string_equal(csvc_route_rule_team(got), "consult");
	assert_string_equal(csvc_route_rule_kind(got), "inquiry");
	assert_int_equal(csvc_route_rule_strategy(got), CSVC_ROUTE_ROUND_ROBIN);
	assert_int_equal(csvc_route_rule_designated(got), 0);
	csvc_route_rule_free(got);
	csvc_assert_ok(csvc_route_rule_list(s, &list, &n));
	assert_int_equal(n, 5);
	csvc_route_rule_list_free(list, n);

	csvc_assert_err(csvc_route_rule_list(s, NULL, &n), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_create(NULL, r, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_route_rule_update(s, NULL, NULL), CSVC_EINVAL);
	csvc_route_rule_free(r);
	csvc_route_rule_free(a);
	csvc_route_rule_free(z);
	csvc_store_close(s);
}

/* ---- matching ---- */

static void test_matching(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	/* One member per team, so a team names whom the ticket went to. */
	const char *teams[] = {"t_vip", "t_phone", "t_cat", "t_store", "t_kind", "t_any"};
	for (size_t i = 0; i < 6; i++) {
		char who[32];
		add_team(s, teams[i]);
		snprintf(who, sizeof(who), "m_%s", teams[i] + 2);
		add_member(s, who, teams[i], NULL);
	}
	csvc_route_rule *r = NULL;
	csvc_assert_ok(csvc_route_rule_new(&r, "by_class", "t_vip", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_customer_class(r, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_route_rule_set_position(r, 1));
	csvc_assert_ok(csvc_route_rule_create(s, r, NULL));
	csvc_route_rule_free(r);
	csvc_assert_ok(csvc_route_rule_new(&r, "by_channel", "t_phone", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_channel(r, "phone"));
	csvc_assert_ok(csvc_route_rule_set_position(r, 2));
	csvc_assert_ok(csvc_route_rule_create(s, r, NULL));
	csvc_route_rule_free(r);
	csvc_assert_ok(csvc_route_rule_new(&r, "by_category", "t_cat", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_category(r, "退换货"));
	csvc_assert_ok(csvc_route_rule_set_position(r, 3));
	csvc_assert_ok(csvc_route_rule_create(s, r, NULL));
	csvc_route_rule_free(r);
	csvc_assert_ok(csvc_route_rule_new(&r, "by_store", "t_store", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_store(r, "SH02"));
	csvc_assert_ok(csvc_route_rule_set_position(r, 4));
	csvc_assert_ok(csvc_route_rule_create(s, r, NULL));
	csvc_route_rule_free(r);
	csvc_route_rule_free(add_rule(s, "by_kind", "t_kind", CSVC_ROUTE_ROUND_ROBIN, 5, "complaint"));

	/* No rule matches an inquiry by e-mail from SH01 yet. */
	csvc_ticket *t = new_ticket(s, "inquiry", "email", NULL);
	assert_null(csvc_ticket_team(t));
	assert_null(csvc_ticket_assignee(t));
	char type[32];
	char *p = event_payload(s, t, 1, type, sizeof(type));
	assert_null(strstr(p, "\"route\""));
	free(p);
	csvc_ticket_free(t);
	csvc_route_rule_free(add_rule(s, "catch_all", "t_any", CSVC_ROUTE_ROUND_ROBIN, 100, NULL));

	struct {
		const char *kind, *channel, *category, *store;
		int vip;
		const char *team;
	} cases[] = {
		{"inquiry", "email", NULL, "SH01", 0, "t_any"},
		{"complaint", "email", NULL, "SH01", 0, "t_kind"},
		{"complaint", "email", NULL, "SH02", 0, "t_store"},
		{"complaint", "email", "退换货", "SH02", 0, "t_cat"},
		{"complaint", "phone", "退换货", "SH02", 0, "t_phone"},
		{"complaint", "phone", "退换货", "SH02", 1, "t_vip"},
		{"inquiry", NULL, NULL, "SH01", 1, "t_vip"},
		{"inquiry", NULL, "退换货x", "SH01", 0, "t_any"},
	};
	csvc_customer *vip = NULL;
	csvc_assert_ok(csvc_customer_new(&vip));
	csvc_assert_ok(csvc_customer_set_name(vip, "王芳"));
	csvc_assert_ok(csvc_customer_set_class(vip, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_create(s, vip, NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		csvc_assert_ok(csvc_ticket_new(&t, cases[i].kind, cases[i].store));
		if (cases[i].channel)
			csvc_assert_ok(csvc_ticket_set_channel(t, cases[i].channel));
		if (cases[i].category)
			csvc_assert_ok(csvc_ticket_set_category(t, cases[i].category));
		if (cases[i].vip)
			csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(vip)));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		if (!csvc_ticket_team(t) || strcmp(csvc_ticket_team(t), cases[i].team) != 0)
			print_error("case %zu: team %s, expected %s\n", i, or_empty(csvc_ticket_team(t)), cases[i].team);
		assert_string_equal(or_empty(csvc_ticket_team(t)), cases[i].team);
		char who[32];
		snprintf(who, sizeof(who), "m_%s", cases[i].team + 2);
		assert_string_equal(or_empty(csvc_ticket_assignee(t)), who);
		csvc_ticket_free(t);
	}

	/* An explicit assignee or team is kept: no routing. */
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_assignee(t, NULL, "floor"));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	assert_string_equal(csvc_ticket_team(t), "floor");
	assert_null(csvc_ticket_assignee(t));
	csvc_ticket_free(t);

	/* Inactive rules and rules of inactive teams are skipped. */
	csvc_assert_ok(csvc_route_rule_get(s, "by_kind", &r));
	csvc_assert_ok(csvc_route_rule_set_active(r, 0));
	csvc_assert_ok(csvc_route_rule_update(s, r, NULL));
	csvc_route_rule_free(r);
	t = new_ticket(s, "complaint", "email", NULL);
	assert_string_equal(csvc_ticket_team(t), "t_any");
	csvc_ticket_free(t);
	csvc_team *team = NULL;
	csvc_assert_ok(csvc_team_get(s, "t_any", &team));
	csvc_assert_ok(csvc_team_set_active(team, 0));
	csvc_assert_ok(csvc_team_update(s, team, NULL));
	csvc_team_free(team);
	t = new_ticket(s, "complaint", "email", NULL);
	assert_null(csvc_ticket_team(t));
	assert_null(csvc_ticket_assignee(t));
	csvc_ticket_free(t);
	csvc_customer_free(vip);
	csvc_store_close(s);
}

/* ---- round robin: fairness over 10,000 tickets ---- */

static void test_round_robin_fairness(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	const char *members[] = {"rr_a", "rr_b", "rr_c", "rr_d", "rr_e", "rr_f", "rr_g"};
	enum { M = 7, N = 10000 };
	/* Created out of code order: the turn is code order all the same. */
	for (int i = M - 1; i >= 0; i--)
		add_member(s, members[i], "consult", NULL);
	csvc_route_rule_free(add_rule(s, "rr", "consult", CSVC_ROUTE_ROUND_ROBIN, 0, NULL));
	int count[M] = {0};
	for (int i = 0; i < N; i++) {
		if (i % 500 == 0)
			csvc_assert_ok(csvc_store_begin(s));
		csvc_ticket *t = new_ticket(s, "inquiry", NULL, NULL);
		const char *who = csvc_ticket_assignee(t);
		assert_non_null(who);
		/* Exactly in turn: the i-th ticket to the (i mod 7)-th member. */
		if (strcmp(who, members[i % M]) != 0)
			print_error("ticket %d went to %s, expected %s\n", i, who, members[i % M]);
		assert_string_equal(who, members[i % M]);
		for (int m = 0; m < M; m++)
			count[m] += strcmp(who, members[m]) == 0;
		csvc_ticket_free(t);
		if (i % 500 == 499)
			csvc_assert_ok(csvc_store_commit(s));
	}
	int lo = N, hi = 0, total = 0;
	for (int m = 0; m < M; m++) {
		lo = count[m] < lo ? count[m] : lo;
		hi = count[m] > hi ? count[m] : hi;
		total += count[m];
	}
	assert_int_equal(total, N);
	assert_true(hi - lo <= 1);
	/* The store agrees: open tickets per assignee. */
	assert_int_equal(csvc_test_sql_int(s, "SELECT max(c) - min(c) FROM (SELECT count(*) AS c FROM tickets"
	                                      " GROUP BY assignee) x"),
	                 1);
	/* A member who leaves is skipped; the turn goes on after them. */
	set_active(s, "rr_f", 0); /* 10,000 = 1428 * 7 + 4: the next in turn is rr_e */
	const char *next[] = {"rr_e", "rr_g", "rr_a"};
	for (int i = 0; i < 3; i++) {
		csvc_ticket *t = new_ticket(s, "inquiry", NULL, NULL);
		assert_string_equal(csvc_ticket_assignee(t), next[i]);
		csvc_ticket_free(t);
	}
	csvc_store_close(s);
}

/* ---- shifts ---- */

/* Early 06:00-14:00, late 14:00-22:00, every day, Shanghai time. */
static const char EARLY[] = "{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{"
                            "\"mon\":[\"06:00-14:00\"],\"tue\":[\"06:00-14:00\"],\"wed\":[\"06:00-14:00\"],"
                            "\"thu\":[\"06:00-14:00\"],\"fri\":[\"06:00-14:00\"],\"sat\":[\"06:00-14:00\"],"
                            "\"sun\":[\"06:00-14:00\"]}}]}";
static const char LATE[] = "{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{"
                           "\"mon\":[\"14:00-22:00\"],\"tue\":[\"14:00-22:00\"],\"wed\":[\"14:00-22:00\"],"
                           "\"thu\":[\"14:00-22:00\"],\"fri\":[\"14:00-22:00\"],\"sat\":[\"14:00-22:00\"],"
                           "\"sun\":[]}}]}";

static void save_calendar(csvc_store *s, const char *name, const char *text)
{
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, text, strlen(text), NULL));
	csvc_assert_ok(csvc_calendar_save(s, name, cal));
	csvc_calendar_free(cal);
}

/* Whether `who` works at `at` by the schedules above, with the test's own
 * arithmetic: Shanghai is UTC+8; T0 is a Thursday. */
static int works(const char *who, csvc_time_us at)
{
	int64_t local_s = at / CSVC_SECOND_US + 8 * 3600;
	int hour = (int)((local_s / 3600) % 24);
	int weekday = (int)(((local_s / 86400) + 4) % 7); /* 1970-01-01 was a Thursday: 0 = Sunday */
	if (strncmp(who, "early", 5) == 0)
		return hour >= 6 && hour < 14;
	if (strncmp(who, "late", 4) == 0)
		return hour >= 14 && hour < 22 && weekday != 0;
	return 0;
}

static void test_only_on_shift(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	save_calendar(s, "early", EARLY);
	save_calendar(s, "late", LATE);
	add_member(s, "early1", "complaints", "early");
	add_member(s, "early2", "complaints", "early");
	add_member(s, "late1", "complaints", "late");
	add_member(s, "late2", "complaints", "late");
	/* A calendar deleted after it was given is no shift at all. */
	save_calendar(s, "gone", EARLY);
	add_member(s, "ghost", "complaints", "gone");
	csvc_assert_ok(csvc_calendar_delete(s, "gone"));
	for (int strategy = CSVC_ROUTE_ROUND_ROBIN; strategy <= CSVC_ROUTE_BEST_SKILL; strategy++) {
		char code[32];
		snprintf(code, sizeof(code), "shift%d", strategy);
		csvc_route_rule *r = NULL;
		if (strategy == CSVC_ROUTE_ROUND_ROBIN) {
			r = add_rule(s, code, "complaints", (csvc_route_strategy_t)strategy, 0, "complaint");
		} else {
			csvc_assert_ok(csvc_route_rule_get(s, "shift1", &r));
			csvc_assert_ok(csvc_route_rule_set_strategy(r, (csvc_route_strategy_t)strategy));
			csvc_assert_ok(csvc_route_rule_update(s, r, NULL));
		}
		csvc_route_rule_free(r);
		int routed = 0, nobody = 0;
		/* Two weeks in 37-minute steps: every hour of every weekday. */
		for (csvc_time_us at = T0; at < T0 + 14 * DAY; at += 37 * MINUTE) {
			now_cell = at;
			csvc_ticket *t = new_ticket(s, "complaint", NULL, NULL);
			const char *who = csvc_ticket_assignee(t);
			assert_string_equal(csvc_ticket_team(t), "complaints");
			int anyone = works("early1", at) || works("late1", at);
			if (who) {
				if (!works(who, at))
					print_error("%s got a ticket off shift at %lld\n", who, (long long)at);
				assert_true(works(who, at));
				routed++;
			} else {
				assert_false(anyone);
				nobody++;
			}
			char type[32];
			char *p = event_payload(s, t, 1, type, sizeof(type));
			assert_non_null(strstr(p, who ? "\"reason\":\"" : "\"reason\":\"nobody_on_shift\""));
			free(p);
			csvc_ticket_free(t);
		}
		assert_true(routed > 300);
		assert_true(nobody > 100);
	}
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM tickets WHERE assignee = 'ghost'"), 0);
	csvc_store_close(s);
}

/* ---- least load and best skill ---- */

static void assign_n(csvc_store *s, const char *who, int n)
{
	for (int i = 0; i < n; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
		csvc_assert_ok(csvc_ticket_set_assignee(t, who, "elsewhere"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		csvc_ticket_free(t);
	}
}

static void test_least_load_and_skill(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	add_member(s, "ll_a", "complaints", NULL);
	add_member(s, "ll_b", "complaints", NULL);
	add_member(s, "ll_c", "complaints", NULL);
	assign_n(s, "ll_a", 3);
	assign_n(s, "ll_b", 1);
	assign_n(s, "ll_c", 2);
	/* A resolved ticket is no load. */
	csvc_ticket *done = NULL;
	csvc_assert_ok(csvc_ticket_new(&done, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_assignee(done, "ll_b", NULL));
	csvc_assert_ok(csvc_ticket_create(s, done, NULL));
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(done), "answer", 0, NULL, NULL, NULL));
	csvc_ticket_free(done);
	csvc_route_rule_free(add_rule(s, "ll", "complaints", CSVC_ROUTE_LEAST_LOAD, 0, "complaint"));
	/* Loads a 3, b 1, c 2: b; then b and c tie at 2, c is next in turn
	 * after b; then b (a 3, b 2, c 3); all at 3: c is next after b; then
	 * a and b tie at 3, a is next after c; then b (a 4, b 3, c 4). */
	const char *expect[] = {"ll_b", "ll_c", "ll_b", "ll_c", "ll_a", "ll_b"};
	for (int i = 0; i < 6; i++) {
		csvc_ticket *t = new_ticket(s, "complaint", NULL, NULL);
		if (strcmp(or_empty(csvc_ticket_assignee(t)), expect[i]) != 0)
			print_error("least load %d: %s, expected %s\n", i, or_empty(csvc_ticket_assignee(t)), expect[i]);
		assert_string_equal(or_empty(csvc_ticket_assignee(t)), expect[i]);
		if (i == 0) {
			char type[32];
			char *p = event_payload(s, t, 1, type, sizeof(type));
			assert_non_null(strstr(p, "\"route\":{\"rule\":\"ll\",\"revision\":1,\"strategy\":\"least_load\","
			                          "\"team\":\"complaints\",\"assignee\":\"ll_b\",\"reason\":\"least_load\","
			                          "\"on_shift\":3,\"load\":1}"));
			free(p);
		}
		csvc_ticket_free(t);
	}

	/* Best skill: c speaks to phone complaints about refunds. */
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(s, "ll_c", &st));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_CHANNEL, "phone"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_CATEGORY, "退换货"));
	csvc_assert_ok(csvc_staff_update(s, st, NULL));
	csvc_staff_free(st);
	csvc_assert_ok(csvc_staff_get(s, "ll_a", &st));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_TICKET_KIND, "complaint"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "en")); /* not matched on */
	csvc_assert_ok(csvc_staff_update(s, st, NULL));
	csvc_staff_free(st);
	csvc_route_rule *r = NULL;
	csvc_assert_ok(csvc_route_rule_get(s, "ll", &r));
	csvc_assert_ok(csvc_route_rule_set_strategy(r, CSVC_ROUTE_BEST_SKILL));
	csvc_assert_ok(csvc_route_rule_update(s, r, NULL));
	csvc_route_rule_free(r);
	csvc_ticket *t = new_ticket(s, "complaint", "phone", "退换货");
	assert_string_equal(csvc_ticket_assignee(t), "ll_c"); /* 2 skills */
	char type[32];
	char *p = event_payload(s, t, 1, type, sizeof(type));
	assert_non_null(strstr(p, "\"revision\":2,\"strategy\":\"best_skill\""));
	assert_non_null(strstr(p, "\"reason\":\"best_skill\",\"on_shift\":3,\"load\":4,\"skills\":2}"));
	free(p);
	csvc_ticket_free(t);
	t = new_ticket(s, "complaint", "email", NULL);
	assert_string_equal(csvc_ticket_assignee(t), "ll_a"); /* 1 skill (kind) */
	csvc_ticket_free(t);
	/* Nobody has a skill for an inquiry's ... the rule is for complaints:
	 * ties by load (a 5, b 4, c 5) go to b. */
	csvc_assert_ok(csvc_route_rule_get(s, "ll", &r));
	csvc_assert_ok(csvc_route_rule_set_kind(r, NULL));
	csvc_assert_ok(csvc_route_rule_update(s, r, NULL));
	csvc_route_rule_free(r);
	t = new_ticket(s, "inquiry", "email", NULL);
	assert_string_equal(csvc_ticket_assignee(t), "ll_b");
	csvc_ticket_free(t);

	/* Replay reproduces routed tickets. */
	csvc_ticket *replayed = NULL;
	t = new_ticket(s, "complaint", "phone", "退换货");
	csvc_assert_ok(csvc_ticket_replay(s, csvc_ticket_id(t), &replayed));
	assert_true(csvc_ticket_equal(t, replayed));
	csvc_ticket_free(replayed);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* ---- designated handlers ---- */

static void test_designated_handler(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	save_calendar(s, "early", EARLY);
	add_member(s, "d_a", "complaints", NULL);
	add_member(s, "d_b", "complaints", NULL);
	add_member(s, "d_c", "complaints", "early");
	csvc_assert_ok(csvc_route_install_defaults(s)); /* complaints: least load, designated */
	now_cell = T0 + 2 * HOUR;                       /* 10:00 in Shanghai: d_c is on shift */
	csvc_ticket *t = new_ticket(s, "complaint", NULL, NULL);
	assert_string_equal(csvc_ticket_assignee(t), "d_a");
	const csvc_uuid id = *csvc_ticket_id(t);
	int64_t rev = csvc_ticket_revision(t);
	/* Others get more work; the complaint moves through its life and is
	 * routed again at every step: the handler stays, nothing is written. */
	const char *steps[] = {"analyse", "handle", "wait_customer", "resume", "report_back", "reopen", "report_back",
	                       NULL};
	for (int i = 0;; i++) {
		csvc_ticket_free(new_ticket(s, "complaint", NULL, NULL));
		int64_t after = -1;
		csvc_assert_ok(csvc_ticket_route(s, &id, rev, NULL, &after));
		assert_int_equal(after, rev);
		csvc_ticket *now = NULL;
		csvc_assert_ok(csvc_ticket_get(s, &id, &now));
		assert_string_equal(csvc_ticket_assignee(now), "d_a");
		csvc_ticket_free(now);
		if (!steps[i])
			break;
		csvc_assert_ok(csvc_ticket_transition(s, &id, steps[i], rev, NULL, NULL, &rev));
	}
	/* Absent: the handler leaves; the complaint goes to whoever has the
	 * least load, and the event names the one replaced. */
	set_active(s, "d_a", 0);
	int64_t after = -1;
	csvc_assert_ok(csvc_ticket_route(s, &id, 0, "supervisor", &after));
	assert_int_equal(after, rev + 1);
	csvc_ticket *now = NULL;
	csvc_assert_ok(csvc_ticket_get(s, &id, &now));
	const char *handler = csvc_ticket_assignee(now);
	assert_non_null(handler);
	assert_string_not_equal(handler, "d_a");
	char type[32];
	char *p = event_payload(s, now, after, type, sizeof(type));
	assert_string_equal(type, "routed");
	assert_non_null(strstr(p, "\"replaced\":\"d_a\""));
	assert_non_null(strstr(p, "\"old\":{\"assignee\":\"d_a\"}"));
	free(p);
	/* The new handler is kept in turn, while on shift. */
	char kept[64];
	snprintf(kept, sizeof(kept), "%s", handler);
	csvc_ticket_free(now);
	csvc_assert_ok(csvc_ticket_route(s, &id, 0, NULL, &after));
	csvc_assert_ok(csvc_ticket_get(s, &id, &now));
	assert_string_equal(csvc_ticket_assignee(now), kept);
	csvc_ticket_free(now);
	/* Off shift is absent too: make d_c the handler, then leave her shift. */
	csvc_assert_ok(csvc_ticket_assign(s, &id, "d_c", "complaints", 0, NULL, &rev));
	csvc_assert_ok(csvc_ticket_route(s, &id, 0, NULL, &after));
	assert_int_equal(after, rev); /* on shift: kept */
	now_cell = T0 + 10 * HOUR;    /* 18:00 in Shanghai */
	csvc_assert_ok(csvc_ticket_route(s, &id, 0, NULL, &after));
	assert_int_equal(after, rev + 1);
	csvc_assert_ok(csvc_ticket_get(s, &id, &now));
	assert_string_equal(csvc_ticket_assignee(now), "d_b");
	csvc_ticket_free(now);
	/* A stale revision changes nothing; no rule: ENOTFOUND. */
	csvc_assert_err(csvc_ticket_route(s, &id, 1, NULL, NULL), CSVC_ECONFLICT);
	csvc_ticket *other = NULL;
	csvc_assert_ok(csvc_ticket_new(&other, "suggestion", "SH01"));
	csvc_assert_ok(csvc_ticket_create(s, other, NULL));
	int64_t before = csvc_ticket_revision(other);
	csvc_assert_err(csvc_ticket_route(s, csvc_ticket_id(other), 0, NULL, NULL), CSVC_ENOTFOUND);
	csvc_ticket_free(other);
	csvc_assert_ok(csvc_ticket_get_by_number(s, "SH01-000004", &other));
	assert_int_equal(csvc_ticket_revision(other), before);
	csvc_ticket_free(other);
	csvc_uuid nil = {{0}};
	csvc_assert_err(csvc_ticket_route(s, &nil, 0, NULL, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_ticket_route(NULL, &id, 0, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_route(s, NULL, 0, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_route(s, &id, 0, "bad\nactor", NULL), CSVC_EINVAL);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* ---- the load kept by triggers ---- */

/* The kept loads agree with the tickets, counted here: assignee=count;
 * pairs in assignee order (zero loads left out). */
static void assert_loads_agree(csvc_store *s)
{
	/* group_concat keeps the subquery's order in SQLite. */
	const char *agg = csvc_test_on_pg() ? "string_agg(x, ';')" : "group_concat(x, ';')";
	char kept_sql[512], counted_sql[512];
	snprintf(kept_sql, sizeof(kept_sql),
	         "SELECT coalesce(%s, '') FROM (SELECT assignee || '=' || open AS x"
	         " FROM ticket_assignee_load WHERE open <> 0 ORDER BY assignee) y",
	         agg);
	snprintf(counted_sql, sizeof(counted_sql),
	         "SELECT coalesce(%s, '') FROM (SELECT assignee || '=' || count(*) AS x"
	         " FROM tickets WHERE assignee IS NOT NULL AND state_category IN (1, 2, 3)"
	         " GROUP BY assignee ORDER BY assignee) y",
	         agg);
	char *kept = csvc_test_sql_text(s, kept_sql);
	char *counted = csvc_test_sql_text(s, counted_sql);
	if (strcmp(kept, counted) != 0)
		print_error("kept:    %s\ncounted: %s\n", kept, counted);
	assert_string_equal(kept, counted);
	free(kept);
	free(counted);
}

static void test_loads_follow_tickets(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	const char *people[] = {"ld_a", "ld_b", "ld_c", NULL};
	const char *steps[] = {"analyse", "handle", "wait_customer", "resume", "report_back", "close", "reopen"};
	enum { N = 60 };
	csvc_uuid ids[N];
	unsigned seed = 12345;
	for (int i = 0; i < N; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
		csvc_assert_ok(csvc_ticket_set_assignee(t, people[i % 4], NULL));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		ids[i] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	assert_loads_agree(s);
	for (int k = 0; k < 600; k++) {
		seed = seed * 1103515245u + 12345u;
		const csvc_uuid *id = &ids[(seed >> 8) % N];
		if ((seed >> 20) % 3 == 0) {
			csvc_assert_ok(csvc_ticket_assign(s, id, people[(seed >> 4) % 4], NULL, 0, NULL, NULL));
		} else {
			/* Whatever the state allows: refused steps change nothing. */
			int rc = csvc_ticket_transition(s, id, steps[(seed >> 12) % 7], 0, NULL, NULL, NULL);
			assert_true(rc == CSVC_OK || rc == CSVC_ESTATE);
		}
		if (k % 100 == 99)
			assert_loads_agree(s);
	}
	/* A merge closes the ticket merged away. */
	csvc_assert_ok(csvc_ticket_merge(s, &ids[0], &ids[1], NULL));
	assert_loads_agree(s);
	/* Rolled back with the caller's transaction. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_ticket_assign(s, &ids[2], "ld_rollback", NULL, 0, NULL, NULL));
	csvc_assert_ok(csvc_store_rollback(s));
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM ticket_assignee_load WHERE assignee = 'ld_rollback'"), 0);
	assert_loads_agree(s);
	csvc_store_close(s);
}

/* Open tickets of `who`, counted from the tickets themselves. */
static int64_t counted_load(csvc_store *s, const char *who)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM tickets WHERE assignee = '%s' AND state_category IN (1, 2, 3)", who);
	return csvc_test_sql_int(s, sql);
}

/*
 * Least load inside one long transaction of the caller's, where routing
 * keeps the loads it read: every routed ticket goes to a member whose
 * open load, counted before the create, is the least, and the event's
 * "load" is that count. In between, tickets are created for a member,
 * reassigned, moved on, merged, and refused creates roll back.
 */
static void test_least_load_in_one_transaction(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	const char *people[] = {"tx_a", "tx_b", "tx_c", "tx_d"};
	for (int i = 0; i < 4; i++)
		add_member(s, people[i], "complaints", NULL);
	csvc_route_rule_free(add_rule(s, "tx", "complaints", CSVC_ROUTE_LEAST_LOAD, 0, "complaint"));
	const char *steps[] = {"analyse", "handle", "wait_customer", "resume", "report_back", "close", "reopen"};
	enum { N = 400 };
	csvc_uuid *ids = calloc(N, sizeof(*ids));
	assert_non_null(ids);
	size_t n = 0;
	unsigned seed = 777;
	int routed = 0;
	for (int round = 0; round < 2; round++) {
		csvc_assert_ok(csvc_store_begin(s));
		for (int k = 0; k < 200; k++) {
			seed = seed * 1103515245u + 12345u;
			const unsigned op = (seed >> 16) % 8;
			if (op <= 2 || n < 4) {
				int64_t loads[4], least = INT64_MAX;
				for (int i = 0; i < 4; i++) {
					loads[i] = counted_load(s, people[i]);
					if (loads[i] < least)
						least = loads[i];
				}
				csvc_ticket *t = new_ticket(s, "complaint", NULL, NULL);
				const char *who = or_empty(csvc_ticket_assignee(t));
				int i = 0;
				while (i < 4 && strcmp(people[i], who) != 0)
					i++;
				assert_true(i < 4);
				if (loads[i] != least)
					print_error("step %d: %s with load %lld, least %lld\n", k, who, (long long)loads[i],
					            (long long)least);
				assert_int_equal(loads[i], least);
				char type[32], want[64];
				char *p = event_payload(s, t, 1, type, sizeof(type));
				snprintf(want, sizeof(want), "\"load\":%lld}", (long long)least);
				assert_non_null(strstr(p, want));
				free(p);
				ids[n++] = *csvc_ticket_id(t);
				csvc_ticket_free(t);
				routed++;
			} else if (op == 3) {
				csvc_ticket *t = NULL;
				csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
				csvc_assert_ok(csvc_ticket_set_assignee(t, people[(seed >> 4) % 4], NULL));
				csvc_assert_ok(csvc_ticket_create(s, t, NULL));
				ids[n++] = *csvc_ticket_id(t);
				csvc_ticket_free(t);
			} else if (op == 4) {
				csvc_assert_ok(csvc_ticket_assign(s, &ids[(seed >> 8) % n], people[(seed >> 4) % 4], NULL, 0,
				                                  NULL, NULL));
			} else if (op == 5) {
				/* Refused after routing: the customer does not exist. */
				csvc_ticket *t = NULL;
				csvc_uuid nobody = {{0}};
				nobody.bytes[0] = 0x42;
				csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
				csvc_assert_ok(csvc_ticket_set_customer(t, &nobody));
				assert_true(csvc_ticket_create(s, t, NULL) < 0);
				csvc_ticket_free(t);
			} else if (op == 6 && n > 2 && k % 5 == 0) {
				int rc = csvc_ticket_merge(s, &ids[n - 1], &ids[(seed >> 8) % (n - 1)], NULL);
				assert_true(rc == CSVC_OK || rc == CSVC_ESTATE);
			} else {
				int rc = csvc_ticket_transition(s, &ids[(seed >> 8) % n], steps[(seed >> 12) % 7], 0, NULL, NULL,
				                                NULL);
				assert_true(rc == CSVC_OK || rc == CSVC_ESTATE);
			}
		}
		/* The first round is kept, the second undone. */
		if (round == 0)
			csvc_assert_ok(csvc_store_commit(s));
		else
			csvc_assert_ok(csvc_store_rollback(s));
		assert_loads_agree(s);
	}
	assert_true(routed > 100);
	/* After the rollback the next pick reads what is stored. */
	int64_t least = INT64_MAX;
	for (int i = 0; i < 4; i++) {
		int64_t l = counted_load(s, people[i]);
		least = l < least ? l : least;
	}
	csvc_ticket *t = new_ticket(s, "complaint", NULL, NULL);
	assert_int_equal(counted_load(s, csvc_ticket_assignee(t)), least + 1);
	csvc_ticket_free(t);
	free(ids);
	csvc_store_close(s);
}

/* ---- what routing reads stays current ---- */

static const char *routed_to(csvc_store *s)
{
	static char who[64];
	csvc_ticket *t = new_ticket(s, "inquiry", NULL, NULL);
	snprintf(who, sizeof(who), "%s", or_empty(csvc_ticket_assignee(t)));
	csvc_ticket_free(t);
	return who;
}

static void test_changes_are_seen(void **state)
{
	(void)state;
	char dir[64], path[96];
	snprintf(dir, sizeof(dir), "/tmp/csvc-route-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *a = NULL, *b = NULL;
	csvc_assert_ok(csvc_test_open(&a, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(a));
	csvc_assert_ok(csvc_test_open(&b, path, &o));
	add_team(a, "t1");
	add_team(a, "t2");
	add_member(a, "m1", "t1", NULL);
	add_member(a, "z", "t2", NULL);
	csvc_route_rule *r = add_rule(a, "rr", "t1", CSVC_ROUTE_ROUND_ROBIN, 0, "inquiry");
	assert_string_equal(routed_to(a), "m1");
	assert_string_equal(routed_to(a), "m1");
	/* Another handle adds a member, then moves the rule to another team. */
	add_member(b, "m0", "t1", NULL);
	assert_string_equal(routed_to(a), "m0");
	csvc_route_rule *rb = NULL;
	csvc_assert_ok(csvc_route_rule_get(b, "rr", &rb));
	csvc_assert_ok(csvc_route_rule_set_team(rb, "t2"));
	csvc_assert_ok(csvc_route_rule_update(b, rb, NULL));
	csvc_route_rule_free(rb);
	assert_string_equal(routed_to(a), "z");
	/* Inside one transaction, a member added before the ticket counts. */
	csvc_assert_ok(csvc_store_begin(a));
	assert_string_equal(routed_to(a), "z");
	add_member(a, "m2", "t2", NULL);
	assert_string_equal(routed_to(a), "m2");
	set_active(a, "z", 0);
	assert_string_equal(routed_to(a), "m2");
	csvc_assert_ok(csvc_store_commit(a));
	/* Undone: the rule's change, its routing and the member's leaving. */
	csvc_assert_ok(csvc_store_begin(a));
	set_active(a, "z", 1);
	csvc_route_rule_free(r);
	csvc_assert_ok(csvc_route_rule_get(a, "rr", &r));
	csvc_assert_ok(csvc_route_rule_set_team(r, "t1"));
	csvc_assert_ok(csvc_route_rule_update(a, r, NULL));
	assert_string_equal(routed_to(a), "m0");
	csvc_assert_ok(csvc_store_rollback(a));
	assert_string_equal(routed_to(a), "m2"); /* t2 without z, after m2: m2 again */
	assert_string_equal(routed_to(b), "m2");
	csvc_route_rule_free(r);
	csvc_store_close(b);
	csvc_store_close(a);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- access ---- */

static void test_access(void **state)
{
	(void)state;
	char dir[64], path[96];
	snprintf(dir, sizeof(dir), "/tmp/csvc-route-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *t = NULL, *a = NULL;
	csvc_assert_ok(csvc_test_open(&t, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(t));
	csvc_assert_ok(csvc_route_install_defaults(t));
	const char *people[][2] = {{"agent", "service_agent"}, {"spec", "specialist"}, {"admin", "data_admin"}};
	for (int i = 0; i < 3; i++) {
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, people[i][0], people[i][0]));
		csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
		csvc_assert_ok(csvc_staff_add_role(st, people[i][1]));
		csvc_assert_ok(csvc_staff_add_team(st, "complaints"));
		csvc_assert_ok(csvc_staff_create(t, st, NULL));
		csvc_staff_free(st);
	}
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&a, path, &o));
	/* A service agent may not assign, but their new ticket is routed. */
	csvc_assert_ok(csvc_store_set_principal(a, "agent"));
	csvc_ticket *tk = new_ticket(a, "complaint", NULL, NULL);
	assert_string_equal(csvc_ticket_team(tk), "complaints");
	assert_non_null(csvc_ticket_assignee(tk));
	int64_t rev = csvc_ticket_revision(tk);
	csvc_assert_err(csvc_ticket_route(a, csvc_ticket_id(tk), 0, NULL, NULL), CSVC_EACCESS);
	csvc_route_rule *r = NULL;
	csvc_assert_ok(csvc_route_rule_get(a, "complaints", &r));
	csvc_assert_ok(csvc_route_rule_set_position(r, 99));
	csvc_assert_err(csvc_route_rule_update(a, r, NULL), CSVC_EACCESS);
	csvc_assert_err(csvc_route_install_defaults(a), CSVC_EACCESS);
	csvc_route_rule *n = NULL;
	csvc_assert_ok(csvc_route_rule_new(&n, "new_rule", "consult", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_err(csvc_route_rule_create(a, n, NULL), CSVC_EACCESS);
	/* A specialist may route again (as themselves only). */
	csvc_assert_ok(csvc_store_set_principal(a, "spec"));
	csvc_assert_err(csvc_ticket_route(a, csvc_ticket_id(tk), 0, "someone_else", NULL), CSVC_EACCESS);
	int64_t after = 0;
	csvc_assert_ok(csvc_ticket_route(a, csvc_ticket_id(tk), rev, NULL, &after));
	assert_int_equal(after, rev); /* designated and there: kept */
	/* A data administrator manages definitions. */
	csvc_assert_ok(csvc_store_set_principal(a, "admin"));
	csvc_assert_ok(csvc_route_rule_update(a, r, NULL));
	csvc_assert_ok(csvc_route_rule_create(a, n, NULL));
	/* No principal: nothing. */
	csvc_store_close(a);
	csvc_assert_ok(csvc_test_open(&a, path, &o));
	csvc_route_rule **list = NULL;
	size_t count = 0;
	csvc_assert_err(csvc_route_rule_list(a, &list, &count), CSVC_EACCESS);
	csvc_route_rule *got = NULL;
	csvc_assert_err(csvc_route_rule_get(a, "complaints", &got), CSVC_EACCESS);
	csvc_route_rule_free(r);
	csvc_route_rule_free(n);
	csvc_ticket_free(tk);
	csvc_store_close(a);
	csvc_store_close(t);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- query plans ---- */

/* The engine's plan for `sql` must name `must` and must not contain
 * `must_not` (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with
 * sequential scans off, so that it names an index whenever one serves). */
static void assert_plan(csvc_store *s, const char *sql, const char *must, const char *must_not)
{
	char eqp[4096];
	char plan[8192] = "";
	if (csvc_test_on_pg()) {
		snprintf(eqp, sizeof(eqp), "EXPLAIN %s", sql);
		csvc_assert_ok(csvc_test_sql_exec(s, "SET enable_seqscan = off"));
		csvc__stmt *st = NULL;
		csvc_assert_ok(csvc__db_prepare(s->db, eqp, &st));
		while (csvc__db_step(st) == CSVC__ROW) {
			strncat(plan, csvc__db_textcol(st, 0), sizeof(plan) - strlen(plan) - 2);
			strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
		}
		csvc__db_finalize(st);
		csvc_assert_ok(csvc_test_sql_exec(s, "RESET enable_seqscan"));
		/* SQLite's words in PostgreSQL's. */
		static const char *const words[][2] = {
			{"SCAN k\n", "Seq Scan on staff_skills"}, {"SCAN s\n", "Seq Scan on staff "},
			{"SCAN l\n", "Seq Scan on ticket_assignee_load"},
			{"SCAN staff_events", "Seq Scan on staff_events"},
			{"SCAN", "Seq Scan"}, {"USE TEMP B-TREE", "Sort"}, {"SEARCH", "Index"},
		};
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (must && strcmp(must, words[i][0]) == 0)
				must = words[i][1];
			if (must_not && strcmp(must_not, words[i][0]) == 0)
				must_not = words[i][1];
		}
	} else {
		snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL);
		if (rc != SQLITE_OK)
			print_error("%s: %s\n", sql, sqlite3_errmsg(CSVC_TEST_SQLITE(s)));
		assert_int_equal(rc, SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
			strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
		}
		sqlite3_finalize(st);
	}
	int bad = (must && !strstr(plan, must)) || (must_not && strstr(plan, must_not));
	if (bad)
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_false(bad);
}

static void test_query_plans(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < 300; i++) {
		char code[16];
		snprintf(code, sizeof(code), "p%03d", i);
		add_member(s, code, i % 3 ? "consult" : "complaints", NULL);
	}
	for (int i = 0; i < 3000; i++) {
		csvc_ticket *t = NULL;
		char who[16];
		snprintf(who, sizeof(who), "p%03d", i % 300);
		csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
		csvc_assert_ok(csvc_ticket_set_assignee(t, who, NULL));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		csvc_ticket_free(t);
	}
	for (int i = 0; i < 50; i++) {
		char code[16];
		snprintf(code, sizeof(code), "rule%02d", i);
		csvc_route_rule_free(add_rule(s, code, "consult", CSVC_ROUTE_LEAST_LOAD, i, "complaint"));
	}
	csvc_assert_ok(csvc_store_commit(s));
	csvc_assert_ok(csvc_test_sql_exec(s, "ANALYZE"));
	/* The rules in the order they are tried, without a sort. */
	assert_plan(s,
	            "SELECT r.id, r.code, r.revision, r.strategy, r.designated, t.id, t.code, r.kind, r.category,"
	            " r.channel, r.store_code, r.customer_class FROM route_rules r JOIN teams t ON t.id = r.team_id"
	            " WHERE r.active = 1 AND t.active = 1 ORDER BY r.position, r.code",
	            "route_rules_order", "USE TEMP B-TREE");
	/* A team's members and their skills. */
	assert_plan(s,
	            "SELECT s.code, s.calendar FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	            " WHERE m.team_id = 1 AND s.active = 1",
	            "staff_teams_team", "SCAN s\n");
	assert_plan(s,
	            "SELECT s.code, k.kind, k.value FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	            " JOIN staff_skills k ON k.staff_id = s.id"
	            " WHERE m.team_id = 1 AND s.active = 1 AND k.kind IN (1, 2, 4)",
	            "staff_teams_team", "SCAN k\n");
	/* Per pick: the members' loads, the rule's cursor, a designated handler. */
	assert_plan(s,
	            "SELECT s.code, l.open FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	            " JOIN ticket_assignee_load l ON l.assignee = s.code WHERE m.team_id = 1 AND s.active = 1",
	            "staff_teams_team", "SCAN l\n");
	assert_plan(s, "SELECT last_code FROM route_cursors WHERE rule_id = 1", "SEARCH", "SCAN");
	assert_plan(s,
	            "INSERT INTO route_cursors (rule_id, last_code) VALUES (1, 'x')"
	            " ON CONFLICT (rule_id) DO UPDATE SET last_code = excluded.last_code",
	            NULL, "SCAN");
	assert_plan(s, "SELECT active, calendar FROM staff WHERE code = 'p001'", "SEARCH", "SCAN");
	/* The stamp, once per transaction: the staff log by its key. */
	assert_plan(s, "SELECT coalesce(max(id), 0) FROM staff_events", NULL, "SCAN staff_events");
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_create_update_list),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_round_robin_fairness),
		cmocka_unit_test(test_only_on_shift),
		cmocka_unit_test(test_least_load_and_skill),
		cmocka_unit_test(test_designated_handler),
		cmocka_unit_test(test_loads_follow_tickets),
		cmocka_unit_test(test_least_load_in_one_transaction),
		cmocka_unit_test(test_changes_are_seen),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_query_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
