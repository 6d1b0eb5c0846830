/*
 * Staff references: the stored setting, the checks of every writer with
 * it on (refusals change nothing), adopting a store's free text (reports
 * by assignee unchanged, idempotent), and the lookups' query plans.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"
#include "store-sql.h"
#include "store-sqlite.h"
#include "store/store-internal.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static csvc_time_us now_cell;

typedef struct fixture {
	char dir[64], path[96];
	csvc_store *s;  /* the store */
	csvc_store *s2; /* a second handle on it */
} fixture;

static void add_staff(csvc_store *s, const char *code, int active)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	csvc_assert_ok(csvc_staff_create(s, st, NULL));
	if (!active) {
		csvc_assert_ok(csvc_staff_set_active(st, 0));
		csvc_assert_ok(csvc_staff_update(s, st, NULL));
	}
	csvc_staff_free(st);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/csvc-refs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&f->s, f->path, &o));
	csvc_assert_ok(csvc_store_install_defaults(f->s));
	add_staff(f->s, "alice", 1);
	add_staff(f->s, "bob", 1);
	add_staff(f->s, "gone", 0);
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_new(&t, "closed", "Closed", CSVC_TEAM_CS_GROUP));
	csvc_assert_ok(csvc_team_create(f->s, t, NULL));
	csvc_assert_ok(csvc_team_set_active(t, 0));
	csvc_assert_ok(csvc_team_update(f->s, t, NULL));
	csvc_team_free(t);
	csvc_assert_ok(csvc_test_open(&f->s2, f->path, &o));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	csvc_store_close(f->s2);
	csvc_store_close(f->s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static csvc_ticket *ticket(csvc_store *s, const char *assignee, const char *team, const char *actor, int expect)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退货"));
	if (assignee || team)
		csvc_assert_ok(csvc_ticket_set_assignee(t, assignee, team));
	if (!expect) {
		csvc_assert_ok(csvc_ticket_create(s, t, actor));
	} else {
		csvc_assert_err(csvc_ticket_create(s, t, actor), expect);
		csvc_ticket_free(t);
		return NULL;
	}
	return t;
}

static int64_t feed_head(csvc_store *s)
{
	int64_t h = -1;
	csvc_assert_ok(csvc_feed_head(s, &h));
	return h;
}

static void assert_message_names(const char *what)
{
	const char *m = csvc_error_last()->message;
	if (!strstr(m, what))
		print_error("message '%s' does not name '%s'\n", m, what);
	assert_non_null(strstr(m, what));
}

static void test_system_actors(void **state)
{
	(void)state;
	assert_int_equal(csvc_staff_is_system_actor("sla"), 1);
	assert_int_equal(csvc_staff_is_system_actor("system"), 1);
	assert_int_equal(csvc_staff_is_system_actor("alice"), 0);
	assert_int_equal(csvc_staff_is_system_actor("SLA"), 0);
	assert_int_equal(csvc_staff_is_system_actor(NULL), 0);
}

static void test_off_by_default(void **state)
{
	fixture *f = *state;
	assert_int_equal(csvc_staff_references(f->s), 0);
	csvc_assert_err(csvc_staff_references(NULL), CSVC_EINVAL);
	/* Free text, as before. */
	csvc_ticket *t = ticket(f->s, "Somebody Else", "no_such_team", "csvc", CSVC_OK);
	assert_string_equal(csvc_ticket_assignee(t), "Somebody Else");
	csvc_assert_ok(csvc_ticket_assign(f->s, csvc_ticket_id(t), "gone", "closed", 0, "whoever", NULL));
	csvc_ticket_free(t);
}

static void test_setting_is_stored(void **state)
{
	fixture *f = *state;
	csvc_assert_err(csvc_staff_set_references(f->s, 2, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_set_references(NULL, 1, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_set_references(f->s, 1, ""), CSVC_EINVAL);
	int64_t head = feed_head(f->s);
	csvc_assert_ok(csvc_staff_set_references(f->s, 1, "alice"));
	assert_int_equal(feed_head(f->s), head + 1);
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(f->s, head, 10, &it));
	const csvc_feed_entry *e;
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_string_equal(csvc_feed_entry_type(e), "setting_changed");
	assert_string_equal(csvc_feed_entry_reference(e), "staff_references");
	assert_string_equal(csvc_feed_entry_actor(e), "alice");
	csvc_feed_iter_free(it);
	/* The same value again writes nothing. */
	csvc_assert_ok(csvc_staff_set_references(f->s, 1, NULL));
	assert_int_equal(feed_head(f->s), head + 1);
	/* Every handle on the store obeys it. */
	assert_int_equal(csvc_staff_references(f->s2), 1);
	ticket(f->s2, "nobody", NULL, NULL, CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_staff_set_references(f->s2, 0, "bob"));
	assert_int_equal(csvc_staff_references(f->s), 0);
	csvc_ticket_free(ticket(f->s, "nobody", NULL, NULL, CSVC_OK));
}

/* Inside a caller's transaction the setting is read once: a change made
 * in the transaction applies at once, a rollback takes it back, and a
 * change through another handle shows at the next transaction. */
static void test_setting_in_transactions(void **state)
{
	fixture *f = *state;
	csvc_assert_ok(csvc_store_begin(f->s));
	csvc_ticket_free(ticket(f->s, "nobody", NULL, NULL, CSVC_OK));
	csvc_assert_ok(csvc_staff_set_references(f->s, 1, NULL));
	ticket(f->s, "nobody", NULL, NULL, CSVC_ENOTFOUND);
	csvc_ticket_free(ticket(f->s, "alice", NULL, NULL, CSVC_OK));
	csvc_assert_ok(csvc_store_rollback(f->s));
	assert_int_equal(csvc_staff_references(f->s), 0);
	csvc_assert_ok(csvc_store_begin(f->s));
	csvc_ticket_free(ticket(f->s, "nobody", NULL, NULL, CSVC_OK));
	csvc_assert_ok(csvc_store_commit(f->s));
	csvc_assert_ok(csvc_staff_set_references(f->s2, 1, NULL));
	csvc_assert_ok(csvc_store_begin(f->s));
	ticket(f->s, "nobody", NULL, NULL, CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_staff_set_references(f->s, 0, NULL));
	csvc_ticket_free(ticket(f->s, "nobody", NULL, NULL, CSVC_OK));
	csvc_assert_ok(csvc_store_commit(f->s));
	assert_int_equal(csvc_staff_references(f->s2), 0);
}

static void test_writers_checked(void **state)
{
	fixture *f = *state;
	/* Written before: free text stays, and other changes go on. */
	csvc_ticket *old = ticket(f->s, "Old Name", "old_team", "old actor", CSVC_OK);
	csvc_assert_ok(csvc_staff_set_references(f->s, 1, NULL));
	csvc_assert_ok(csvc_ticket_set_subject(old, "退货 (2)"));
	csvc_assert_ok(csvc_ticket_update(f->s, old, "alice"));

	csvc_ticket *t = ticket(f->s, "alice", "complaints", "bob", CSVC_OK);
	csvc_ticket_free(ticket(f->s, NULL, "property", "sla", CSVC_OK));
	csvc_ticket_free(ticket(f->s, "bob", NULL, "system", CSVC_OK));
	csvc_ticket_free(ticket(f->s, "bob", NULL, NULL, CSVC_OK));
	/* A deactivated staff member's code is still an actor. */
	csvc_ticket_free(ticket(f->s, "bob", NULL, "gone", CSVC_OK));
	const csvc_uuid *id = csvc_ticket_id(t);
	int64_t rev = csvc_ticket_revision(t);

	char *before = csvc_test_dump_at(f->path);
	/* Ticket creation. */
	ticket(f->s, "nobody", NULL, NULL, CSVC_ENOTFOUND);
	assert_message_names("'nobody'");
	ticket(f->s, NULL, "nowhere", NULL, CSVC_ENOTFOUND);
	assert_message_names("'nowhere'");
	ticket(f->s, "gone", NULL, NULL, CSVC_ESTATE);
	assert_message_names("'gone'");
	ticket(f->s, NULL, "closed", NULL, CSVC_ESTATE);
	ticket(f->s, "alice", NULL, "stranger", CSVC_ENOTFOUND);
	assert_message_names("'stranger'");
	/* Updates, assignment, transitions, comments. */
	csvc_ticket *u = NULL;
	csvc_assert_ok(csvc_ticket_get(f->s, id, &u));
	csvc_assert_ok(csvc_ticket_set_subject(u, "换货"));
	csvc_assert_err(csvc_ticket_update(f->s, u, "stranger"), CSVC_ENOTFOUND);
	csvc_ticket_free(u);
	csvc_assert_err(csvc_ticket_assign(f->s, id, "nobody", NULL, rev, "alice", NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_ticket_assign(f->s, id, "bob", "closed", rev, "alice", NULL), CSVC_ESTATE);
	csvc_assert_err(csvc_ticket_assign(f->s, id, "bob", NULL, rev, "stranger", NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_ticket_transition(f->s, id, "analyse", rev, "stranger", NULL, NULL), CSVC_ENOTFOUND);
	csvc_comment cm = CSVC_COMMENT_INIT;
	cm.kind = CSVC_COMMENT_NOTE;
	cm.body = "x";
	cm.actor = "stranger";
	csvc_assert_err(csvc_ticket_comment(f->s, id, &cm, NULL), CSVC_ENOTFOUND);
	/* Customers, staff, teams, the setting itself. */
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "李四"));
	csvc_assert_err(csvc_customer_create(f->s, c, "stranger"), CSVC_ENOTFOUND);
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "carol", "Carol"));
	csvc_assert_err(csvc_staff_create(f->s, st, "stranger"), CSVC_ENOTFOUND);
	csvc_team *tm = NULL;
	csvc_assert_ok(csvc_team_new(&tm, "night", "Night", CSVC_TEAM_CS_GROUP));
	csvc_assert_err(csvc_team_create(f->s, tm, "stranger"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_staff_set_references(f->s, 0, "stranger"), CSVC_ENOTFOUND);
	int64_t ns, nt;
	csvc_assert_err(csvc_staff_adopt(f->s, "stranger", &ns, &nt), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_staff_adopt(f->s, "alice", NULL, &nt), CSVC_EINVAL);
	/* A malformed actor is still the call's own error. */
	csvc_assert_err(csvc_customer_create(f->s, c, ""), CSVC_EINVAL);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* The same calls with references that resolve. */
	csvc_assert_ok(csvc_customer_create(f->s, c, "alice"));
	csvc_assert_ok(csvc_staff_create(f->s, st, "system"));
	csvc_assert_ok(csvc_team_create(f->s, tm, "carol"));
	csvc_assert_ok(csvc_ticket_assign(f->s, id, "carol", "night", rev, "alice", &rev));
	csvc_assert_ok(csvc_ticket_transition(f->s, id, "analyse", rev, "carol", NULL, &rev));
	cm.actor = "carol";
	csvc_assert_ok(csvc_ticket_comment(f->s, id, &cm, &rev));
	csvc_customer_free(c);
	csvc_staff_free(st);
	csvc_team_free(tm);
	csvc_ticket_free(t);
	csvc_ticket_free(old);
}

static char *kpis_by_staff(csvc_store *s)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = T0 - 86400 * CSVC_SECOND_US;
	q.to = T0 + 30 * 86400 * CSVC_SECOND_US;
	q.group_by = CSVC_REPORT_BY_STAFF;
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	char *json = NULL;
	csvc_assert_ok(csvc_report_to_json(r, &json));
	csvc_report_free(r);
	return json;
}

static void test_adopt(void **state)
{
	fixture *f = *state;
	/* A store of free text. */
	csvc_ticket *a = ticket(f->s, "Wang Fang", "complaints_b", "csvc", CSVC_OK);
	csvc_ticket *b = ticket(f->s, "li", NULL, "csvc", CSVC_OK);
	csvc_ticket_free(ticket(f->s, "Wang Fang", "complaints", "Wang Fang", CSVC_OK));
	now_cell += 3600 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_transition(f->s, csvc_ticket_id(a), "analyse", 0, "Zhang", NULL, NULL));
	csvc_comment cm = CSVC_COMMENT_INIT;
	cm.kind = CSVC_COMMENT_NOTE;
	cm.body = "x";
	cm.actor = "Zhang";
	csvc_assert_ok(csvc_ticket_comment(f->s, csvc_ticket_id(b), &cm, NULL));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "李四"));
	csvc_assert_ok(csvc_customer_create(f->s, c, "clerk"));
	csvc_customer_free(c);
	csvc_assert_ok(csvc_ticket_transition(f->s, csvc_ticket_id(b), "analyse", 0, "sla", NULL, NULL));
	/* An empty actor names nobody: nothing to adopt, and no refusal. */
	csvc_ticket_free(ticket(f->s, NULL, NULL, "", CSVC_OK));
	char *kpis = kpis_by_staff(f->s);

	int64_t head = feed_head(f->s);
	int64_t ns = -1, nt = -1;
	csvc_assert_ok(csvc_staff_adopt(f->s, "alice", &ns, &nt));
	/* Wang Fang, li, csvc, Zhang, clerk; complaints_b ("sla" is a system
	 * actor, alice and the handbook's teams exist). */
	assert_int_equal(ns, 5);
	assert_int_equal(nt, 1);
	assert_int_equal(csvc_staff_references(f->s2), 1);
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(f->s, "Wang Fang", &st));
	assert_string_equal(csvc_staff_name(st), "Wang Fang");
	assert_int_equal(csvc_staff_active(st), 1);
	csvc_staff_free(st);
	csvc_assert_err(csvc_staff_get(f->s, "sla", &st), CSVC_ENOTFOUND);
	csvc_team *tm = NULL;
	csvc_assert_ok(csvc_team_get(f->s, "complaints_b", &tm));
	csvc_team_free(tm);
	/* Five staff records, one team, the setting: each with its entry. */
	assert_true(feed_head(f->s) >= head + 7);
	/* Reports by assignee read the same. */
	char *again = kpis_by_staff(f->s);
	assert_string_equal(kpis, again);
	free(again);
	/* Idempotent: nothing new, nothing written. */
	char *before = csvc_test_dump_at(f->path);
	csvc_assert_ok(csvc_staff_adopt(f->s, NULL, &ns, &nt));
	assert_int_equal(ns, 0);
	assert_int_equal(nt, 0);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* The adopted names are references now. */
	csvc_assert_ok(csvc_ticket_assign(f->s, csvc_ticket_id(b), "Wang Fang", "complaints_b", 0, "csvc", NULL));
	csvc_assert_err(csvc_ticket_assign(f->s, csvc_ticket_id(b), "Wang  Fang", NULL, 0, "csvc", NULL),
	                CSVC_ENOTFOUND);
	csvc_free(kpis);
	csvc_ticket_free(a);
	csvc_ticket_free(b);
}

static void test_adopt_refuses(void **state)
{
	fixture *f = *state;
	int64_t ns = -1, nt = -1;
	csvc_ticket_free(ticket(f->s, "Wang Fang", "Complaints Team", NULL, CSVC_OK));
	char *before = csvc_test_dump_at(f->path);
	csvc_assert_err(csvc_staff_adopt(f->s, NULL, &ns, &nt), CSVC_EINVAL);
	assert_message_names("'Complaints Team'");
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(csvc_staff_references(f->s), 0);

	/* A name too long for a staff code. */
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_test_sql_exec(f->s, "UPDATE tickets SET team = NULL"));
	char lng[CSVC_STAFF_MAX_CODE + 2];
	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	t = ticket(f->s, NULL, NULL, lng, CSVC_OK);
	before = csvc_test_dump_at(f->path);
	csvc_assert_err(csvc_staff_adopt(f->s, NULL, &ns, &nt), CSVC_EINVAL);
	assert_message_names("staff code");
	after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	csvc_ticket_free(t);
}

/* EXPLAIN QUERY PLAN: the checks' lookups use an index. */
static void assert_plan_indexed(csvc_store *s, const char *sql)
{
	char eqp[512];
	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL), SQLITE_OK);
	char plan[2048] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	if (!strstr(plan, "SEARCH") || strstr(plan, "SCAN"))
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_non_null(strstr(plan, "SEARCH"));
	assert_null(strstr(plan, "SCAN"));
}

static void test_query_plans(void **state)
{
	fixture *f = *state;
	/* SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg())
		return;
	assert_plan_indexed(f->s, "SELECT value FROM store_settings WHERE name = 'staff_references'");
	assert_plan_indexed(f->s, "SELECT active FROM staff WHERE code = 'x'");
	assert_plan_indexed(f->s, "SELECT active FROM teams WHERE code = 'x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_actors),
		cmocka_unit_test_setup_teardown(test_off_by_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setting_is_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setting_in_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writers_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_plans, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
