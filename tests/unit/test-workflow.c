/*
 * Workflows: building, validation messages, versioned save/load, the
 * handbook defaults walked end to end.
 */
#include <sqlite3.h>
#include <string.h>

#include "csvc-test.h"
#include "csvc/workflow.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"

static csvc_workflow *simple(void)
{
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "simple"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "new", CSVC_STATE_NEW, "新建", "New"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "done", CSVC_STATE_CLOSED, "完成", "Done"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "finish", "new", "done"));
	return wf;
}

static void test_build_and_validate(void **state)
{
	(void)state;
	csvc_workflow *wf = NULL;
	csvc_assert_err(csvc_workflow_new(&wf, "Bad Name"), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_new(&wf, ""), CSVC_ERANGE);
	csvc_assert_err(csvc_workflow_new(NULL, "x"), CSVC_EINVAL);
	assert_null(wf);
	csvc_assert_ok(csvc_workflow_new(&wf, "w"));
	csvc_assert_err(csvc_workflow_validate(wf), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "no states"));
	csvc_assert_err(csvc_workflow_add_state(wf, "s", 0, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_add_state(wf, "s", 7, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_add_state(wf, "s", CSVC_STATE_NEW, "\xff", NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_workflow_add_state(wf, "open", CSVC_STATE_NEW, "开", "Open"));
	csvc_assert_err(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, NULL, NULL), CSVC_EEXISTS);
	assert_string_equal(csvc_workflow_initial(wf), "open");
	/* Only a new state: it cannot end. */
	csvc_assert_err(csvc_workflow_validate(wf), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "no path to a closed"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "closed", CSVC_STATE_CLOSED, NULL, NULL));
	csvc_assert_err(csvc_workflow_validate(wf), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "cannot be reached"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "close", "open", "closed"));
	csvc_assert_err(csvc_workflow_add_transition(wf, "close", "open", "closed"), CSVC_EEXISTS);
	csvc_assert_ok(csvc_workflow_validate(wf));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "jump", "open", "nowhere"));
	csvc_assert_err(csvc_workflow_validate(wf), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "'nowhere' is not a state"));
	csvc_workflow_free(wf);

	wf = simple();
	csvc_assert_ok(csvc_workflow_set_initial(wf, "ghost"));
	csvc_assert_err(csvc_workflow_validate(wf), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "initial state 'ghost'"));
	csvc_assert_ok(csvc_workflow_set_initial(wf, "new"));
	csvc_assert_ok(csvc_workflow_validate(wf));
	const char *to = NULL;
	csvc_assert_ok(csvc_workflow_target(wf, "new", "finish", &to));
	assert_string_equal(to, "done");
	csvc_assert_err(csvc_workflow_target(wf, "done", "finish", &to), CSVC_ESTATE);
	assert_int_equal(csvc_workflow_state_category(wf, "done"), CSVC_STATE_CLOSED);
	assert_int_equal(csvc_workflow_state_category(wf, "nope"), 0);
	const char *name, *zh, *en;
	int32_t cat;
	csvc_assert_ok(csvc_workflow_state_at(wf, 1, &name, &cat, &zh, &en));
	assert_string_equal(zh, "完成");
	csvc_assert_err(csvc_workflow_state_at(wf, 2, &name, &cat, &zh, &en), CSVC_ERANGE);
	const char *from;
	csvc_assert_ok(csvc_workflow_transition_at(wf, 0, &name, &from, &to));
	assert_string_equal(from, "new");
	csvc_assert_err(csvc_workflow_transition_at(wf, 1, &name, &from, &to), CSVC_ERANGE);
	csvc_workflow_free(wf);
	csvc_workflow_free(NULL);
}

static void test_versions(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	csvc_workflow *wf = simple();
	int32_t v = 0;
	csvc_assert_ok(csvc_workflow_save(s, wf, &v));
	assert_int_equal(v, 1);
	assert_int_equal(csvc_workflow_version(wf), 1);
	csvc_assert_ok(csvc_workflow_save(s, wf, &v)); /* unchanged: same version */
	assert_int_equal(v, 1);
	csvc_assert_ok(csvc_workflow_add_state(wf, "dropped", CSVC_STATE_CANCELLED, "放弃", NULL));
	assert_int_equal(csvc_workflow_version(wf), 0);
	csvc_assert_ok(csvc_workflow_add_transition(wf, "drop", "new", "dropped"));
	csvc_assert_ok(csvc_workflow_save(s, wf, &v));
	assert_int_equal(v, 2);

	csvc_workflow *old = NULL, *latest = NULL;
	csvc_assert_ok(csvc_workflow_load(s, "simple", 1, &old));
	csvc_assert_ok(csvc_workflow_load(s, "simple", 0, &latest));
	assert_int_equal(csvc_workflow_state_count(old), 2);
	assert_int_equal(csvc_workflow_state_count(latest), 3);
	assert_int_equal(csvc_workflow_version(latest), 2);
	csvc_assert_ok(csvc_workflow_transition_at(latest, 1, NULL, NULL, NULL));
	const char *zh, *en;
	csvc_assert_ok(csvc_workflow_state_at(latest, 2, NULL, NULL, &zh, &en));
	assert_string_equal(zh, "放弃");
	assert_null(en);
	csvc_workflow_free(old);
	csvc_workflow_free(latest);

	csvc_workflow *none = NULL;
	csvc_assert_err(csvc_workflow_load(s, "simple", 3, &none), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_workflow_load(s, "other", 0, &none), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_workflow_load(s, "simple", -1, &none), CSVC_EINVAL);
	assert_null(none);

	/* An invalid workflow is not saved. */
	csvc_workflow *bad = NULL;
	csvc_assert_ok(csvc_workflow_new(&bad, "bad"));
	csvc_assert_ok(csvc_workflow_add_state(bad, "a", CSVC_STATE_NEW, NULL, NULL));
	csvc_assert_err(csvc_workflow_save(s, bad, &v), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_load(s, "bad", 0, &none), CSVC_ENOTFOUND);
	csvc_workflow_free(bad);

	/* Stored versions are immutable. */
	csvc_assert_err(csvc_test_sql_exec(s, "UPDATE workflows SET initial_state = 'x'"), CSVC_EEXISTS);
	csvc_workflow_free(wf);
	csvc_store_close(s);
}

/* Walks `path` (transition names) from the initial state and checks the
 * states entered. */
static void walk(const csvc_workflow *wf, const char *const *path, const char *const *states)
{
	const char *at = csvc_workflow_initial(wf);
	assert_string_equal(at, states[0]);
	for (size_t i = 0; path[i]; i++) {
		const char *to = NULL;
		csvc_assert_ok(csvc_workflow_target(wf, at, path[i], &to));
		assert_string_equal(to, states[i + 1]);
		at = to;
	}
}

static void test_handbook_defaults(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_install_defaults(s)); /* harmless twice */
	assert_int_equal(csvc_test_total_changes(s) > 0, 1);

	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_load(s, "complaint", 0, &wf));
	assert_int_equal(csvc_workflow_version(wf), 1);
	{
		const char *path[] = {"analyse", "handle", "report_back", "close", NULL};
		const char *states[] = {"received", "analysing", "handling", "reported_back", "closed"};
		walk(wf, path, states);
		const char *zh;
		csvc_assert_ok(csvc_workflow_state_at(wf, 1, NULL, NULL, &zh, NULL));
		assert_string_equal(zh, "分析");
		const char *p2[] = {"analyse", "wait_customer", "resume", "escalate", "handle", "report_back",
		                    "reopen", "report_back", "close", NULL};
		const char *s2[] = {"received", "analysing", "waiting_customer", "handling", "escalated",
		                    "handling", "reported_back", "handling", "reported_back", "closed"};
		walk(wf, p2, s2);
		assert_int_equal(csvc_workflow_state_category(wf, "waiting_customer"), CSVC_STATE_WAITING);
	}
	csvc_workflow_free(wf);

	csvc_assert_ok(csvc_workflow_load(s, "need", 0, &wf));
	{
		const char *path[] = {"evaluate", "respond", "track", "archive", NULL};
		const char *states[] = {"identified", "evaluated", "responded", "tracked", "archived"};
		walk(wf, path, states);
	}
	csvc_workflow_free(wf);

	csvc_assert_ok(csvc_workflow_load(s, "after_sales", 0, &wf));
	{
		const char *path[] = {"classify", "propose", "wait_customer", "resume", "accept",
		                      "wait_third_party", "resume", "notify", "survey", "close", NULL};
		const char *states[] = {"intake", "classified", "solution_proposed", "waiting_customer",
		                        "solution_proposed", "executing", "waiting_third_party", "executing",
		                        "result_notified", "surveyed", "closed"};
		walk(wf, path, states);
	}
	csvc_workflow_free(wf);

	csvc_assert_ok(csvc_workflow_load(s, "inquiry", 0, &wf));
	{
		const char *path[] = {"escalate", "answer", "close", "reopen", "answer", "close", NULL};
		const char *states[] = {"received", "assigned_handler", "answered", "closed", "assigned_handler",
		                        "answered", "closed"};
		walk(wf, path, states);
		const char *to;
		csvc_assert_err(csvc_workflow_target(wf, "closed", "cancel", &to), CSVC_ESTATE);
	}
	csvc_workflow_free(wf);

	csvc_assert_ok(csvc_workflow_load(s, "general", 0, &wf));
	{
		const char *path[] = {"start", "resolve", "close", NULL};
		const char *states[] = {"new", "in_progress", "resolved", "closed"};
		walk(wf, path, states);
	}
	csvc_workflow_free(wf);

	csvc_assert_ok(csvc_workflow_load(s, "handoff", 0, &wf));
	{
		const char *path[] = {"accept", "complete", "reopen", "decline", NULL};
		const char *states[] = {"requested", "accepted", "done", "accepted", "declined"};
		walk(wf, path, states);
	}
	csvc_workflow_free(wf);

	/* Exactly one version of each after two installs. */
	assert_int_equal(csvc_test_sql_int(s, "SELECT count(*) FROM workflows"), 6);
	assert_int_equal(csvc_test_sql_int(s, "SELECT max(version) FROM workflows"), 1);

	/* Plans: version lookup and load use the unique index / primary keys.
	 * SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg()) {
		csvc_store_close(s);
		return;
	}
	sqlite3_stmt *st;
	const char *queries[] = {
		"EXPLAIN QUERY PLAN SELECT max(version) FROM workflows WHERE name = 'x'",
		"EXPLAIN QUERY PLAN SELECT id, initial_state FROM workflows WHERE name = 'x' AND version = 1",
		"EXPLAIN QUERY PLAN SELECT name FROM workflow_states WHERE workflow_id = 1 ORDER BY position",
		"EXPLAIN QUERY PLAN SELECT name FROM workflow_transitions WHERE workflow_id = 1 ORDER BY position",
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), queries[i], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			assert_null(strstr(d, "SCAN"));
			assert_null(strstr(d, "TEMP B-TREE"));
		}
		sqlite3_finalize(st);
	}
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_validate),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_handbook_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
