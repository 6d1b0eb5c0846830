/*
 * The staff directory: records, teams, memberships, revisions, history
 * and feed entries, queries across pages, handbook teams, query plans.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static const char CALENDAR[] =
	"{\"zone\":\"+08:00\",\"versions\":[{\"week\":{"
	"\"mon\":[\"09:00-18:00\"],\"tue\":[\"09:00-18:00\"],\"wed\":[\"09:00-18:00\"],"
	"\"thu\":[\"09:00-18:00\"],\"fri\":[\"09:00-18:00\"],\"sat\":[],\"sun\":[]}}]}";

static csvc_time_us now_cell;

static csvc_store *open_store(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_team_install_defaults(s));
	return s;
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

static int64_t feed_head(csvc_store *s)
{
	int64_t h = -1;
	csvc_assert_ok(csvc_feed_head(s, &h));
	return h;
}

static csvc_staff *make(csvc_store *s, const char *code, const char *name)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, name));
	csvc_assert_ok(csvc_staff_create(s, st, "admin"));
	return st;
}

/* The types of the feed entries after position `from`, space-separated. */
static void feed_types(csvc_store *s, int64_t from, char *out, size_t size)
{
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, from, CSVC_FEED_MAX_BATCH, &it));
	const csvc_feed_entry *e;
	out[0] = '\0';
	while (csvc_feed_iter_next(it, &e) == CSVC_OK) {
		if (out[0])
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, csvc_feed_entry_type(e), size - strlen(out) - 1);
	}
	csvc_feed_iter_free(it);
}

static void test_record_setters(void **state)
{
	(void)state;
	csvc_staff *st = NULL;
	csvc_assert_err(csvc_staff_new(&st, "", "x"), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_new(&st, " e1", "x"), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_new(&st, "e1", ""), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_new(&st, "e\n1", "x"), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_new(&st, "e1", "bad \xC3\x28"), CSVC_EINVAL);
	char big[CSVC_STAFF_MAX_CODE + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	csvc_assert_err(csvc_staff_new(&st, big, "x"), CSVC_ERANGE);
	assert_null(st);
	big[CSVC_STAFF_MAX_CODE] = '\0';
	csvc_assert_ok(csvc_staff_new(&st, big, "x"));
	csvc_staff_free(st);

	csvc_assert_ok(csvc_staff_new(&st, "zhang.wei", "张伟"));
	assert_true(csvc_uuid_is_nil(csvc_staff_id(st)));
	assert_int_equal(csvc_staff_active(st), 1);
	assert_int_equal(csvc_staff_revision(st), 0);
	assert_null(csvc_staff_employee_number(st));
	csvc_assert_ok(csvc_staff_set_employee_number(st, "E-0001"));
	csvc_assert_err(csvc_staff_set_employee_number(st, ""), CSVC_EINVAL);
	assert_string_equal(csvc_staff_employee_number(st), "E-0001");
	csvc_assert_err(csvc_staff_set_home_store(st, "S H"), CSVC_EINVAL);
	csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
	csvc_assert_ok(csvc_staff_set_calendar(st, "day shift"));

	/* Skills: sorted, no duplicates, bounded. */
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "zh"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_TICKET_KIND, "complaint"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "en"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "en"));
	csvc_assert_err(csvc_staff_add_skill(st, (csvc_skill_kind_t)9, "x"), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_add_skill(st, CSVC_SKILL_CHANNEL, ""), CSVC_EINVAL);
	assert_int_equal(csvc_staff_skill_count(st), 3);
	int32_t kind;
	const char *value;
	csvc_assert_ok(csvc_staff_skill_at(st, 0, &kind, &value));
	assert_int_equal(kind, CSVC_SKILL_TICKET_KIND);
	assert_string_equal(value, "complaint");
	csvc_assert_ok(csvc_staff_skill_at(st, 1, &kind, &value));
	assert_string_equal(value, "en");
	csvc_assert_err(csvc_staff_skill_at(st, 3, &kind, &value), CSVC_ERANGE);
	csvc_assert_err(csvc_staff_remove_skill(st, CSVC_SKILL_CHANNEL, "en"), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_staff_remove_skill(st, CSVC_SKILL_LANGUAGE, "en"));
	assert_int_equal(csvc_staff_skill_count(st), 2);
	for (int i = 0; i < CSVC_STAFF_MAX_SKILLS - 2; i++) {
		char v[16];
		snprintf(v, sizeof(v), "c%02d", i);
		csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_CATEGORY, v));
	}
	csvc_assert_err(csvc_staff_add_skill(st, CSVC_SKILL_CATEGORY, "one more"), CSVC_ERANGE);

	/* Teams: codes, sorted. */
	csvc_assert_err(csvc_staff_add_team(st, "Consult"), CSVC_EINVAL);
	csvc_assert_ok(csvc_staff_add_team(st, "floor"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	assert_int_equal(csvc_staff_team_count(st), 2);
	assert_string_equal(csvc_staff_team(st, 0), "consult");
	assert_null(csvc_staff_team(st, 2));
	csvc_assert_err(csvc_staff_remove_team(st, "hr"), CSVC_ENOTFOUND);
	csvc_staff_free(st);

	csvc_team *t = NULL;
	csvc_assert_err(csvc_team_new(&t, "Bad Code", "x", CSVC_TEAM_CS_GROUP), CSVC_EINVAL);
	csvc_assert_err(csvc_team_new(&t, "vip", "x", (csvc_team_kind_t)3), CSVC_EINVAL);
	csvc_assert_ok(csvc_team_new(&t, "vip", "贵宾组", CSVC_TEAM_CS_GROUP));
	assert_int_equal(csvc_team_kind(t), CSVC_TEAM_CS_GROUP);
	assert_null(csvc_team_store(t));
	assert_int_equal(csvc_team_active(t), 1);
	csvc_team_free(t);
}

static void test_create_get_update(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, CALENDAR, strlen(CALENDAR), NULL));
	csvc_assert_ok(csvc_calendar_save(s, "day", cal));
	csvc_calendar_free(cal);

	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "li.na", "李娜"));
	csvc_assert_ok(csvc_staff_set_employee_number(st, "E-0002"));
	csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
	csvc_assert_ok(csvc_staff_set_calendar(st, "day"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "zh"));
	csvc_assert_ok(csvc_staff_add_team(st, "complaints"));
	int64_t head = feed_head(s);
	now_cell = T0 + 5 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_staff_create(s, st, "admin"));
	assert_int_equal(csvc_staff_revision(st), 1);
	assert_int_equal(csvc_staff_created_at(st), T0 + 5 * CSVC_SECOND_US);
	assert_false(csvc_uuid_is_nil(csvc_staff_id(st)));
	char types[512];
	feed_types(s, head, types, sizeof(types));
	assert_string_equal(types, "created joined_team");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_events"), 2);
	csvc_assert_err(csvc_staff_create(s, st, NULL), CSVC_EINVAL); /* saved already */

	csvc_staff *g = NULL;
	csvc_assert_ok(csvc_staff_get(s, "li.na", &g));
	assert_true(csvc_uuid_equal(csvc_staff_id(g), csvc_staff_id(st)));
	assert_string_equal(csvc_staff_name(g), "李娜");
	assert_string_equal(csvc_staff_employee_number(g), "E-0002");
	assert_string_equal(csvc_staff_home_store(g), "SH01");
	assert_string_equal(csvc_staff_calendar(g), "day");
	assert_int_equal(csvc_staff_skill_count(g), 1);
	assert_int_equal(csvc_staff_team_count(g), 1);
	assert_string_equal(csvc_staff_team(g, 0), "complaints");
	csvc_staff_free(g);
	csvc_assert_ok(csvc_staff_get_by_id(s, csvc_staff_id(st), &g));
	assert_string_equal(csvc_staff_code(g), "li.na");
	csvc_assert_err(csvc_staff_get(s, "nobody", &g), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "nobody"));

	/* An update that changes nothing writes nothing. */
	head = feed_head(s);
	csvc_assert_ok(csvc_staff_update(s, g, "admin"));
	assert_int_equal(csvc_staff_revision(g), 1);
	assert_int_equal(feed_head(s), head);

	/* Fields, skills, teams and the active flag: one event each kind. */
	now_cell = T0 + 60 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_staff_set_name(g, "李娜 (主管)"));
	csvc_assert_ok(csvc_staff_add_skill(g, CSVC_SKILL_CHANNEL, "phone"));
	csvc_assert_ok(csvc_staff_remove_team(g, "complaints"));
	csvc_assert_ok(csvc_staff_add_team(g, "floor"));
	csvc_assert_ok(csvc_staff_add_team(g, "hr"));
	csvc_assert_ok(csvc_staff_set_active(g, 0));
	csvc_assert_ok(csvc_staff_update(s, g, "admin"));
	assert_int_equal(csvc_staff_revision(g), 2);
	assert_int_equal(csvc_staff_updated_at(g), T0 + 60 * CSVC_SECOND_US);
	feed_types(s, head, types, sizeof(types));
	assert_string_equal(types, "updated deactivated left_team joined_team joined_team");
	char *payload = csvc_test_sql_text(s, "SELECT payload FROM staff_events WHERE type = 'updated'");
	assert_string_equal(payload, "{\"fields\":[\"name\",\"skills\"]}");
	free(payload);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_events"), 7);

	/* The stale copy conflicts and changes nothing. */
	head = feed_head(s);
	csvc_assert_ok(csvc_staff_set_name(st, "someone else"));
	csvc_assert_err(csvc_staff_update(s, st, NULL), CSVC_ECONFLICT);
	assert_int_equal(csvc_staff_revision(st), 1);
	assert_int_equal(feed_head(s), head);
	csvc_staff_free(st);

	csvc_assert_ok(csvc_staff_get(s, "li.na", &st));
	assert_int_equal(csvc_staff_active(st), 0);
	assert_int_equal(csvc_staff_revision(st), 2);
	assert_int_equal(csvc_staff_team_count(st), 2);
	csvc_assert_ok(csvc_staff_set_active(st, 1));
	csvc_assert_ok(csvc_staff_update(s, st, NULL));
	feed_types(s, head, types, sizeof(types));
	assert_string_equal(types, "reactivated");
	csvc_staff_free(st);
	csvc_staff_free(g);
	csvc_store_close(s);
}

static void test_refusals_change_nothing(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_staff *a = make(s, "a", "A");
	csvc_assert_ok(csvc_staff_set_employee_number(a, "E1"));
	csvc_assert_ok(csvc_staff_update(s, a, NULL));
	int64_t head = feed_head(s);
	int64_t events = sql_int(s, "SELECT count(*) FROM staff_events");
	int64_t rows = sql_int(s, "SELECT count(*) FROM staff");

	csvc_staff *b = NULL;
	csvc_assert_ok(csvc_staff_new(&b, "a", "B"));
	csvc_assert_err(csvc_staff_create(s, b, NULL), CSVC_EEXISTS);
	assert_non_null(strstr(csvc_error_last()->message, "staff code 'a'"));
	csvc_staff_free(b);
	csvc_assert_ok(csvc_staff_new(&b, "b", "B"));
	csvc_assert_ok(csvc_staff_set_employee_number(b, "E1"));
	csvc_assert_err(csvc_staff_create(s, b, NULL), CSVC_EEXISTS);
	assert_non_null(strstr(csvc_error_last()->message, "employee number 'E1'"));
	csvc_assert_ok(csvc_staff_set_employee_number(b, "E2"));
	csvc_assert_ok(csvc_staff_add_team(b, "nosuchteam"));
	csvc_assert_err(csvc_staff_create(s, b, NULL), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "nosuchteam"));
	csvc_assert_ok(csvc_staff_remove_team(b, "nosuchteam"));
	csvc_assert_ok(csvc_staff_set_calendar(b, "nosuchcalendar"));
	csvc_assert_err(csvc_staff_create(s, b, NULL), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "nosuchcalendar"));
	assert_int_equal(csvc_staff_revision(b), 0);
	assert_true(csvc_uuid_is_nil(csvc_staff_id(b)));
	csvc_assert_err(csvc_staff_update(s, b, NULL), CSVC_EINVAL); /* a draft */
	csvc_assert_err(csvc_staff_create(s, b, "bad \xC3\x28"), CSVC_EINVAL);
	csvc_staff_free(b);

	/* An update refused for a taken employee number or an unknown team. */
	csvc_assert_ok(csvc_staff_new(&b, "b", "B"));
	csvc_assert_ok(csvc_staff_create(s, b, NULL));
	head = feed_head(s);
	events = sql_int(s, "SELECT count(*) FROM staff_events");
	rows = sql_int(s, "SELECT count(*) FROM staff");
	csvc_assert_ok(csvc_staff_set_employee_number(b, "E1"));
	csvc_assert_err(csvc_staff_update(s, b, NULL), CSVC_EEXISTS);
	csvc_assert_ok(csvc_staff_set_employee_number(b, NULL));
	csvc_assert_ok(csvc_staff_set_name(b, "B2"));
	csvc_assert_ok(csvc_staff_add_team(b, "ghost"));
	csvc_assert_err(csvc_staff_update(s, b, NULL), CSVC_ENOTFOUND);
	assert_int_equal(csvc_staff_revision(b), 1);
	assert_int_equal(feed_head(s), head);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_events"), events);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff"), rows);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff WHERE name = 'B2'"), 0);

	/* History is append-only and staff are never deleted. */
	assert_true(csvc_test_sql_exec(s, "DELETE FROM staff_events") != 0);
	assert_true(csvc_test_sql_exec(s, "UPDATE staff_events SET type = 'x'") != 0);
	assert_true(csvc_test_sql_exec(s, "DELETE FROM staff WHERE code = 'a'") != 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_events"), events);
	csvc_staff_free(a);
	csvc_staff_free(b);
	csvc_store_close(s);
}

static void test_teams(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_team **teams = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_team_list(s, 0, &teams, &n));
	assert_int_equal(n, 9);
	assert_string_equal(csvc_team_code(teams[0]), "consult");
	assert_string_equal(csvc_team_name(teams[0]), "咨询组");
	assert_string_equal(csvc_team_code(teams[8]), "marketing");
	assert_string_equal(csvc_team_name(teams[8]), "市场");
	csvc_team_list_free(teams, n);
	csvc_assert_ok(csvc_team_list(s, CSVC_TEAM_DEPARTMENT, &teams, &n));
	assert_int_equal(n, 5);
	assert_string_equal(csvc_team_code(teams[0]), "property");
	csvc_team_list_free(teams, n);
	csvc_assert_err(csvc_team_list(s, (csvc_team_kind_t)7, &teams, &n), CSVC_EINVAL);

	/* Installing again changes nothing, even after a rename. */
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_get(s, "floor", &t));
	csvc_assert_ok(csvc_team_set_name(t, "现场组"));
	csvc_assert_ok(csvc_team_update(s, t, "admin"));
	assert_int_equal(csvc_team_revision(t), 2);
	int64_t head = feed_head(s);
	csvc_assert_ok(csvc_team_install_defaults(s));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_team_free(t);
	csvc_assert_ok(csvc_team_get(s, "floor", &t));
	assert_string_equal(csvc_team_name(t), "现场组");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM teams"), 9);
	/* The store defaults added workflows and the like, but no team. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM feed_records WHERE type LIKE 'team%'"), 10);
	(void)head;

	/* Stale revision, duplicate code, store code. */
	csvc_team *stale = NULL;
	csvc_assert_ok(csvc_team_get(s, "floor", &stale));
	csvc_assert_ok(csvc_team_set_store(t, "SH01"));
	csvc_assert_ok(csvc_team_update(s, t, NULL));
	csvc_assert_ok(csvc_team_set_active(stale, 0));
	head = feed_head(s);
	csvc_assert_err(csvc_team_update(s, stale, NULL), CSVC_ECONFLICT);
	assert_int_equal(feed_head(s), head);
	csvc_team_free(stale);
	csvc_assert_ok(csvc_team_new(&stale, "floor", "x", CSVC_TEAM_DEPARTMENT));
	csvc_assert_err(csvc_team_create(s, stale, NULL), CSVC_EEXISTS);
	assert_int_equal(feed_head(s), head);
	csvc_team_free(stale);
	csvc_team_free(t);
	csvc_assert_ok(csvc_team_get(s, "floor", &t));
	assert_string_equal(csvc_team_store(t), "SH01");
	assert_int_equal(csvc_team_revision(t), 3);
	csvc_team_free(t);

	csvc_assert_ok(csvc_team_new(&t, "sh01.vip", "上海一店贵宾组", CSVC_TEAM_CS_GROUP));
	csvc_assert_ok(csvc_team_set_store(t, "SH01"));
	csvc_assert_ok(csvc_team_create(s, t, "admin"));
	assert_int_equal(csvc_team_revision(t), 1);
	csvc_team_free(t);
	csvc_assert_err(csvc_team_get(s, "nope", &t), CSVC_ENOTFOUND);

	/* Members. */
	csvc_staff *a = NULL, *b = NULL;
	csvc_assert_ok(csvc_staff_new(&a, "a", "A"));
	csvc_assert_ok(csvc_staff_add_team(a, "sh01.vip"));
	csvc_assert_ok(csvc_staff_create(s, a, NULL));
	csvc_assert_ok(csvc_staff_new(&b, "b", "B"));
	csvc_assert_ok(csvc_staff_add_team(b, "sh01.vip"));
	csvc_assert_ok(csvc_staff_set_active(b, 0));
	csvc_assert_ok(csvc_staff_create(s, b, NULL));
	csvc_staff_iter *it = NULL;
	csvc_assert_ok(csvc_team_members(s, "sh01.vip", &it));
	csvc_staff *m = NULL;
	csvc_assert_ok(csvc_staff_iter_next(it, &m));
	assert_string_equal(csvc_staff_code(m), "a");
	csvc_staff_free(m);
	assert_int_equal(csvc_staff_iter_next(it, &m), CSVC_ITEROVER);
	csvc_staff_iter_free(it);
	csvc_assert_err(csvc_team_members(s, "ghost", &it), CSVC_ENOTFOUND);
	csvc_staff_free(a);
	csvc_staff_free(b);
	csvc_store_close(s);
}

static size_t collect(csvc_store *s, const csvc_staff_query *q, char codes[][16], size_t max)
{
	csvc_staff_iter *it = NULL;
	csvc_assert_ok(csvc_staff_iter_new(s, q, &it));
	size_t n = 0;
	csvc_staff *st;
	int rc;
	while ((rc = csvc_staff_iter_next(it, &st)) == CSVC_OK) {
		if (n < max)
			snprintf(codes[n], 16, "%s", csvc_staff_code(st));
		n++;
		csvc_staff_free(st);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_staff_iter_free(it);
	return n;
}

static void test_queries(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < 600; i++) {
		char code[16];
		snprintf(code, sizeof(code), "s%03d", i);
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, code, "staff"));
		if (i % 2)
			csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
		if (i % 3 == 0)
			csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "en"));
		if (i % 5 == 0)
			csvc_assert_ok(csvc_staff_add_team(st, "consult"));
		if (i % 7 == 0)
			csvc_assert_ok(csvc_staff_set_active(st, 0));
		csvc_assert_ok(csvc_staff_create(s, st, NULL));
		csvc_staff_free(st);
	}
	csvc_assert_ok(csvc_store_commit(s));

	static char codes[700][16];
	csvc_staff_query q = CSVC_STAFF_QUERY_INIT;
	assert_int_equal(collect(s, NULL, codes, 700), 600 - 86);
	q.status = CSVC_STAFF_STATUS_ANY;
	assert_int_equal(collect(s, &q, codes, 700), 600);
	for (int i = 0; i < 600; i++) { /* creation order, across pages */
		char want[16];
		snprintf(want, sizeof(want), "s%03d", i);
		assert_string_equal(codes[i], want);
	}
	q.status = CSVC_STAFF_STATUS_INACTIVE;
	assert_int_equal(collect(s, &q, codes, 700), 86);
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	q.home_store = "SH01";
	q.skill_kind = CSVC_SKILL_LANGUAGE;
	q.skill_value = "en";
	q.team = "consult";
	q.status = CSVC_STAFF_STATUS_ANY;
	/* odd, multiple of 3 and of 5: 15, 45, 75, ... */
	assert_int_equal(collect(s, &q, codes, 700), 20);
	assert_string_equal(codes[0], "s015");
	assert_string_equal(codes[1], "s045");

	/* Keyset pages by `after`. */
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	q.limit = 10;
	q.status = CSVC_STAFF_STATUS_ANY;
	csvc_staff *last = NULL;
	csvc_assert_ok(csvc_staff_get(s, "s009", &last));
	q.after = *csvc_staff_id(last);
	csvc_staff_free(last);
	assert_int_equal(collect(s, &q, codes, 700), 10);
	assert_string_equal(codes[0], "s010");
	assert_string_equal(codes[9], "s019");

	/* Bad filters. */
	csvc_staff_iter *it = NULL;
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	q.skill_kind = CSVC_SKILL_LANGUAGE;
	csvc_assert_err(csvc_staff_iter_new(s, &q, &it), CSVC_EINVAL);
	q.skill_value = "en";
	q.skill_kind = 42;
	csvc_assert_err(csvc_staff_iter_new(s, &q, &it), CSVC_EINVAL);
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	q.status = 3;
	csvc_assert_err(csvc_staff_iter_new(s, &q, &it), CSVC_EINVAL);
	q.status = 0;
	q.team = "ghost";
	csvc_assert_err(csvc_staff_iter_new(s, &q, &it), CSVC_ENOTFOUND);
	q.team = NULL;
	q.version = CSVC_STAFF_QUERY_VERSION + 1;
	csvc_assert_err(csvc_staff_iter_new(s, &q, &it), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_query_init(&q, 0), CSVC_EINVAL);

	/* Staff created while an iterator runs are not returned, even when it
	 * has not read its first page yet; updates in between are fine. */
	csvc_assert_ok(csvc_staff_iter_new(s, NULL, &it));
	csvc_staff *st = NULL;
	size_t n = 0;
	int rc;
	while ((rc = csvc_staff_iter_next(it, &st)) == CSVC_OK) {
		if (n % 100 == 0) {
			char code[16];
			snprintf(code, sizeof(code), "late%zu", n);
			csvc_staff_free(make(s, code, "late"));
			csvc_assert_ok(csvc_staff_set_name(st, "renamed"));
			csvc_assert_ok(csvc_staff_update(s, st, NULL));
		}
		assert_null(strstr(csvc_staff_code(st), "late"));
		n++;
		csvc_staff_free(st);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	assert_int_equal(n, 600 - 86);
	csvc_staff_iter_free(it);
	csvc_store_close(s);
}

static void test_read_only_store(void **state)
{
	(void)state;
	if (csvc_test_on_pg())
		return; /* a read-only PostgreSQL store is tested in test-store-pg.c */
	char path[] = "/tmp/csvc-staff-ro-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_staff_free(make(s, "a", "A"));
	csvc_store_close(s);

	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_READONLY;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(s, "a", &st));
	csvc_assert_ok(csvc_staff_set_name(st, "B"));
	csvc_assert_err(csvc_staff_update(s, st, NULL), CSVC_EREADONLY);
	csvc_staff_free(st);
	csvc_assert_ok(csvc_staff_new(&st, "b", "B"));
	csvc_assert_err(csvc_staff_create(s, st, NULL), CSVC_EREADONLY);
	csvc_staff_free(st);
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_new(&t, "x", "X", CSVC_TEAM_CS_GROUP));
	csvc_assert_err(csvc_team_create(s, t, NULL), CSVC_EREADONLY);
	csvc_team_free(t);
	csvc_store_close(s);
	unlink(path);
	char side[300];
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/* EXPLAIN QUERY PLAN must show an index (or the integer primary key) for
 * every list query, and never a full scan of a staff table. */
static void assert_plan_indexed(csvc_store *s, const char *sql, const char *must_contain)
{
	char eqp[4096];
	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL);
	if (rc != SQLITE_OK)
		print_error("%s: %s\n", sql, sqlite3_errmsg(CSVC_TEST_SQLITE(s)));
	assert_int_equal(rc, SQLITE_OK);
	char plan[4096] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	int bad = strstr(plan, "SCAN s\n") || strstr(plan, "SCAN staff") || strstr(plan, "SCAN teams") ||
	          strstr(plan, "USE TEMP B-TREE");
	if (bad || (must_contain && !strstr(plan, must_contain)))
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_false(bad);
	if (must_contain)
		assert_non_null(strstr(plan, must_contain));
}

static void check_plans(csvc_store *s)
{
	csvc_staff_query q = CSVC_STAFF_QUERY_INIT;
	q.after.bytes[0] = 1;
	q.limit = 50;
	char *sql = csvc__staff_db_query_sql(&q, 0, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "INTEGER PRIMARY KEY");
	free(sql);
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	q.home_store = "SH01";
	sql = csvc__staff_db_query_sql(&q, 0, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "staff_home_store");
	free(sql);
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	sql = csvc__staff_db_query_sql(&q, 1, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "staff_teams_team");
	free(sql);
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	q.skill_kind = CSVC_SKILL_LANGUAGE;
	q.skill_value = "en";
	sql = csvc__staff_db_query_sql(&q, 0, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "staff_skills_value");
	free(sql);
	assert_plan_indexed(s, "SELECT id, revision FROM staff WHERE code = 'x'", "INDEX");
	assert_plan_indexed(s, "SELECT id, revision FROM staff WHERE uuid = x'00'", "INDEX");
	assert_plan_indexed(s, "SELECT id, revision FROM teams WHERE code = 'x'", "INDEX");
	assert_plan_indexed(s, "SELECT 1 FROM staff WHERE employee_no = 'x' AND id <> 1", "INDEX");
	assert_plan_indexed(s, "SELECT t.code FROM staff_teams m JOIN teams t ON t.id = m.team_id"
	                       " WHERE m.staff_id = 1", NULL);
	assert_plan_indexed(s, "SELECT id FROM teams WHERE kind = 2 ORDER BY id", "teams_kind");
}

static void test_query_plans(void **state)
{
	(void)state;
	/* SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg())
		return;
	csvc_store *s = open_store();
	check_plans(s); /* a fresh store has no statistics */
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < 2000; i++) {
		char code[16];
		snprintf(code, sizeof(code), "p%d", i);
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, code, "x"));
		if (i % 10 == 0) {
			csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
			csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "en"));
			csvc_assert_ok(csvc_staff_add_team(st, "consult"));
		}
		csvc_assert_ok(csvc_staff_create(s, st, NULL));
		csvc_staff_free(st);
	}
	csvc_assert_ok(csvc_store_commit(s));
	assert_int_equal(sqlite3_exec(CSVC_TEST_SQLITE(s), "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	check_plans(s); /* and with the statistics of a populated store */
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_setters),
		cmocka_unit_test(test_create_get_update),
		cmocka_unit_test(test_refusals_change_nothing),
		cmocka_unit_test(test_teams),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_read_only_store),
		cmocka_unit_test(test_query_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
