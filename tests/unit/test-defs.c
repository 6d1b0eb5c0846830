/*
 * The shared versioned-definition storage (lib/db/defs.h) for each kind
 * that uses it: workflows, SLA policies and surveys. Newest version, id
 * of (name, version), resolve, header rows, insert, list and the retired
 * marker, with their failures; then the kinds' row loaders and the
 * domain modules building objects from damaged rows.
 */
#include <sqlite3.h>
#include <string.h>

#include "csvc-test.h"
#include "db/defs.h"
#include "sla/sla-internal.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"
#include "survey/survey-internal.h"
#include "workflow/workflow-internal.h"

#define assert_message(text) assert_string_equal(csvc_error_last()->message, (text))
#define assert_message_starts(text) \
	assert_memory_equal(csvc_error_last()->message, (text), strlen(text))

static void save_workflow(csvc_store *s, const char *name, const char *last_state)
{
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, name));
	csvc_assert_ok(csvc_workflow_add_state(wf, "new", CSVC_STATE_NEW, "新建", "New"));
	csvc_assert_ok(csvc_workflow_add_state(wf, last_state, CSVC_STATE_CLOSED, "完成", NULL));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "finish", "new", last_state));
	csvc_assert_ok(csvc_workflow_save(s, wf, NULL));
	csvc_workflow_free(wf);
}

static void save_policy(csvc_store *s, const char *name, int64_t duration)
{
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, name, 10));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "complaint"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", duration, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_state(p, i, "resolved"));
	csvc_assert_ok(csvc_sla_target_met_by_state(p, i, "closed"));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 80));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
}

static void save_survey(csvc_store *s, const char *name, const char *title)
{
	csvc_survey *sv = NULL;
	size_t i;
	csvc_assert_ok(csvc_survey_new(&sv, name));
	csvc_assert_ok(csvc_survey_set_title(sv, title));
	csvc_assert_ok(csvc_survey_add_dimension(sv, "staff", 2, "员工", NULL));
	csvc_assert_ok(csvc_survey_add_question(sv, "friendly", CSVC_QUESTION_LIKERT, "staff", 1, "热情", NULL, &i));
	csvc_assert_ok(csvc_survey_set_scale(sv, i, 7));
	csvc_assert_ok(csvc_survey_add_question(sv, "visit", CSVC_QUESTION_CHOICE, NULL, 0, "来店目的", NULL, &i));
	csvc_assert_ok(csvc_survey_add_option(sv, i, "buy"));
	csvc_assert_ok(csvc_survey_add_option(sv, i, "return"));
	csvc_assert_ok(csvc_survey_save(s, sv, NULL));
	csvc_survey_free(sv);
}

/* One kind and how to store versions of it. */
typedef struct kind_case {
	const csvc__defs_kind *(*defs)(void);
	const char *what;
	void (*save_v1)(csvc_store *s, const char *name);
	void (*save_v2)(csvc_store *s, const char *name);
} kind_case;

static void wf_v1(csvc_store *s, const char *name) { save_workflow(s, name, "done"); }
static void wf_v2(csvc_store *s, const char *name) { save_workflow(s, name, "closed"); }
static void sla_v1(csvc_store *s, const char *name) { save_policy(s, name, 3600 * CSVC_SECOND_US); }
static void sla_v2(csvc_store *s, const char *name) { save_policy(s, name, 7200 * CSVC_SECOND_US); }
static void sv_v1(csvc_store *s, const char *name) { save_survey(s, name, "门店满意度"); }
static void sv_v2(csvc_store *s, const char *name) { save_survey(s, name, "门店满意度 v2"); }

static const kind_case KINDS[] = {
	{csvc__workflow_defs, "workflow", wf_v1, wf_v2},
	{csvc__sla_policy_defs, "SLA policy", sla_v1, sla_v2},
	{csvc__survey_defs, "survey", sv_v1, sv_v2},
};

/* Newest version, find, resolve and header rows for every kind. */
static void test_versions_of_every_kind(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	char msg[160];
	for (size_t k = 0; k < sizeof(KINDS) / sizeof(KINDS[0]); k++) {
		const csvc__defs_kind *d = KINDS[k].defs();
		assert_string_equal(d->what, KINDS[k].what);
		int32_t v = -1;
		int64_t id = -1, id1 = 0, id2 = 0;

		/* Nothing stored yet. */
		csvc_assert_ok(csvc__defs_latest(s->db, d, "alpha", &v, &id));
		assert_int_equal(v, 0);
		assert_int_equal(id, 0);

		KINDS[k].save_v1(s, "alpha");
		KINDS[k].save_v2(s, "alpha");
		KINDS[k].save_v1(s, "beta");

		csvc_assert_ok(csvc__defs_latest(s->db, d, "alpha", &v, &id2));
		assert_int_equal(v, 2);
		csvc_assert_ok(csvc__defs_latest(s->db, d, "alpha", &v, NULL));
		assert_int_equal(v, 2);
		csvc_assert_ok(csvc__defs_find(s->db, d, "alpha", 1, &id1));
		csvc_assert_ok(csvc__defs_find(s->db, d, "alpha", 2, &id));
		assert_true(id1 > 0);
		assert_int_equal(id, id2);
		assert_int_not_equal(id1, id2);

		/* Unknown version, unknown name: the message names the kind. */
		id = -1;
		csvc_assert_err(csvc__defs_find(s->db, d, "alpha", 3, &id), CSVC_ENOTFOUND);
		snprintf(msg, sizeof(msg), "no %s 'alpha' version 3", d->what);
		assert_message(msg);
		csvc_assert_err(csvc__defs_find(s->db, d, "gamma", 1, &id), CSVC_ENOTFOUND);
		snprintf(msg, sizeof(msg), "no %s 'gamma' version 1", d->what);
		assert_message(msg);
		assert_int_equal(id, -1);

		/* Resolve: 0 is the newest. */
		int32_t got = 0;
		csvc_assert_ok(csvc__defs_resolve(s->db, d, "alpha", 0, &id, &got));
		assert_int_equal(id, id2);
		assert_int_equal(got, 2);
		csvc_assert_ok(csvc__defs_resolve(s->db, d, "alpha", 1, &id, &got));
		assert_int_equal(id, id1);
		assert_int_equal(got, 1);
		csvc_assert_ok(csvc__defs_resolve(s->db, d, "alpha", 2, &id, NULL));
		assert_int_equal(id, id2);
		id = -1;
		csvc_assert_err(csvc__defs_resolve(s->db, d, "gamma", 0, &id, &got), CSVC_ENOTFOUND);
		snprintf(msg, sizeof(msg), "no %s 'gamma'", d->what);
		assert_message(msg);
		csvc_assert_err(csvc__defs_resolve(s->db, d, "alpha", 7, &id, &got), CSVC_ENOTFOUND);
		snprintf(msg, sizeof(msg), "no %s 'alpha' version 7", d->what);
		assert_message(msg);
		assert_int_equal(id, -1);

		/* The header row: name and version first. */
		csvc__stmt *st = NULL;
		csvc_assert_ok(csvc__defs_header(s->db, d, id1, &st));
		assert_string_equal(csvc__db_textcol(st, 0), "alpha");
		assert_int_equal(csvc__db_int(st, 1), 1);
		csvc__db_reset(st);
		csvc_assert_err(csvc__defs_header(s->db, d, 999999, &st), CSVC_ENOTFOUND);
		snprintf(msg, sizeof(msg), "no stored %s 999999", d->what);
		assert_message(msg);
	}
	csvc_store_close(s);
}

static void check_list(csvc_store *s, const csvc__defs_kind *d, const char *const *names, const int32_t *versions,
                       const int *retired, size_t n)
{
	csvc__defs_entry *list = NULL;
	size_t count = 99;
	csvc_assert_ok(csvc__defs_list(s->db, d, &list, &count));
	assert_int_equal(count, n);
	for (size_t i = 0; i < n; i++) {
		int64_t id = 0;
		int32_t v = 0;
		assert_string_equal(list[i].name, names[i]);
		assert_int_equal(list[i].version, versions[i]);
		assert_int_equal(list[i].retired, retired[i]);
		csvc_assert_ok(csvc__defs_latest(s->db, d, names[i], &v, &id));
		assert_int_equal(list[i].id, id);
	}
	csvc__defs_list_free(list, count);
}

/* Listing names, and the retired marker where the kind has one. */
static void test_list_and_retire(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	static const char *const names[] = {"alpha", "beta"};
	static const int32_t versions[] = {2, 1};
	static const int live[] = {0, 0}, alpha_retired[] = {1, 0};
	for (size_t k = 0; k < sizeof(KINDS) / sizeof(KINDS[0]); k++) {
		const csvc__defs_kind *d = KINDS[k].defs();
		check_list(s, d, NULL, NULL, NULL, 0);
		KINDS[k].save_v1(s, "beta");
		KINDS[k].save_v1(s, "alpha");
		KINDS[k].save_v2(s, "alpha");
		check_list(s, d, names, versions, live, 2);
		if (KINDS[k].defs != csvc__sla_policy_defs) {
			csvc_assert_err(csvc__defs_retire(s->db, d, "alpha"), CSVC_EINVAL);
			check_list(s, d, names, versions, live, 2);
		}
	}

	/* SLA policies: retired until a new version is saved. */
	const csvc__defs_kind *d = csvc__sla_policy_defs();
	csvc_assert_ok(csvc__defs_retire(s->db, d, "alpha"));
	check_list(s, d, names, versions, alpha_retired, 2);
	csvc_assert_err(csvc__defs_retire(s->db, d, "gamma"), CSVC_ENOTFOUND);
	assert_message("no SLA policy 'gamma'");
	csvc_assert_err(csvc_sla_policy_retire(s, "gamma"), CSVC_ENOTFOUND);
	assert_message("no SLA policy 'gamma'");
	sla_v1(s, "alpha"); /* differs from v2: stored as v3 */
	static const int32_t after[] = {3, 1};
	check_list(s, d, names, after, live, 2);
	csvc_store_close(s);
}

static void bind_initial(csvc__stmt *st, const void *def)
{
	csvc__db_bind_text(st, 4, def);
}

/* An SLA policy's own header columns, all "any" (rank 0). */
static void bind_policy(csvc__stmt *st, const void *def)
{
	(void)def;
	for (int n = 4; n <= 12; n++)
		if (n < 5 || n > 8)
			csvc__db_bind_int(st, n, 0);
}

/* Inserting a header row directly, and the same (name, version) twice. */
static void test_insert(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	const csvc__defs_kind *d = csvc__workflow_defs();
	int64_t id = 0, found = 0;
	int32_t v = 0;
	csvc_assert_ok(csvc__defs_insert(s->db, d, "bare", 1, 42, bind_initial, "new", &id));
	assert_true(id > 0);
	csvc_assert_ok(csvc__defs_latest(s->db, d, "bare", &v, &found));
	assert_int_equal(v, 1);
	assert_int_equal(found, id);
	csvc__stmt *st = NULL;
	csvc_assert_ok(csvc__defs_header(s->db, d, id, &st));
	assert_string_equal(csvc__db_textcol(st, 2), "new");
	csvc__db_reset(st);
	int64_t again = -1;
	csvc_assert_err(csvc__defs_insert(s->db, d, "bare", 1, 43, bind_initial, "new", &again), CSVC_EEXISTS);
	assert_int_equal(again, -1);

	/* A kind with a retired marker gets one with its first version. */
	const csvc__defs_kind *p = csvc__sla_policy_defs();
	csvc_assert_err(csvc__defs_retire(s->db, p, "fresh"), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc__defs_insert(s->db, p, "fresh", 1, 42, bind_policy, NULL, &id));
	csvc_assert_ok(csvc__defs_retire(s->db, p, "fresh"));
	csvc_store_close(s);
}

/* The kinds' row loaders: rows as stored, and nothing left on failure. */
static void test_rows(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	wf_v1(s, "flow");
	sla_v1(s, "fast");
	sv_v1(s, "poll");

	csvc__workflow_rows wr;
	csvc_assert_ok(csvc__workflow_db_read(s, "flow", 0, &wr));
	assert_string_equal(wr.name, "flow");
	assert_int_equal(wr.version, 1);
	assert_string_equal(wr.initial, "new");
	assert_int_equal(wr.n_states, 2);
	assert_string_equal(wr.states[1].name, "done");
	assert_int_equal(wr.states[1].category, CSVC_STATE_CLOSED);
	assert_null(wr.states[1].label_en);
	assert_int_equal(wr.n_transitions, 1);
	assert_string_equal(wr.transitions[0].to, "done");
	csvc__workflow_rows_free(&wr);
	csvc_assert_err(csvc__workflow_db_read(s, "flow", 2, &wr), CSVC_ENOTFOUND);
	assert_message("no workflow 'flow' version 2");
	assert_null(wr.name);
	assert_int_equal(wr.n_states, 0);

	csvc__sla_policy_rows pr;
	csvc_assert_ok(csvc__sla_db_policy_read(s, "fast", 1, 0, &pr));
	assert_int_equal(pr.rank, 10);
	assert_string_equal(pr.kind, "complaint");
	assert_null(pr.store_code);
	assert_int_equal(pr.n_targets, 1);
	assert_int_equal(pr.targets[0].n_met_states, 2);
	assert_string_equal(pr.targets[0].met_states[1], "closed");
	assert_int_equal(pr.targets[0].n_pause_states, 0);
	assert_int_equal(pr.targets[0].n_warn, 2);
	assert_int_equal(pr.targets[0].warn[1], 80);
	int64_t id = pr.id;
	csvc__sla_policy_rows_free(&pr);
	csvc_assert_ok(csvc__sla_db_policy_read(s, NULL, 0, id, &pr));
	assert_string_equal(pr.name, "fast");
	csvc__sla_policy_rows_free(&pr);
	csvc_assert_err(csvc__sla_db_policy_read(s, "slow", 0, 0, &pr), CSVC_ENOTFOUND);
	assert_message("no SLA policy 'slow'");
	assert_null(pr.name);

	csvc__survey_rows sr;
	csvc_assert_ok(csvc__survey_db_find(s, "poll", 0, &id));
	csvc_assert_ok(csvc__survey_db_read(s, id, &sr));
	assert_string_equal(sr.title, "门店满意度");
	assert_int_equal(sr.n_dims, 1);
	assert_true(sr.dims[0].weight == 2);
	assert_int_equal(sr.n_questions, 2);
	assert_int_equal(sr.questions[0].scale_max, 7);
	assert_int_equal(sr.n_options, 2);
	assert_int_equal(sr.options[1].question, 1);
	assert_string_equal(sr.options[1].option, "return");
	csvc__survey_rows_free(&sr);
	csvc_assert_err(csvc__survey_db_read(s, id + 1000, &sr), CSVC_ENOTFOUND);
	assert_null(sr.name);
	csvc_assert_err(csvc__survey_db_find(s, "poll", 4, &id), CSVC_ENOTFOUND);
	assert_message("no survey 'poll' version 4");
	csvc_store_close(s);
}

static void damage(csvc_store *s, const char *sql)
{
	csvc_assert_ok(csvc_test_sql_exec(s, sql));
}

/* Rows the domain setters refuse are CSVC_ECORRUPT, named as before. */
static void test_damaged_rows(void **state)
{
	(void)state;
	csvc_time_us now = 1000;
	csvc_store *s = csvc_test_store(&now);
	wf_v1(s, "flow");
	sla_v1(s, "fast");
	sv_v1(s, "poll");

	damage(s, "UPDATE workflow_states SET category = 99 WHERE position = 1");
	csvc_workflow *wf = NULL;
	csvc_assert_err(csvc_workflow_load(s, "flow", 0, &wf), CSVC_ECORRUPT);
	assert_message("stored workflow 'flow' v1 has a bad state: unknown state category 99");
	assert_null(wf);

	damage(s, "UPDATE sla_policy_targets SET warnings = '50,500'");
	csvc_sla_policy *p = NULL;
	csvc_assert_err(csvc_sla_policy_load(s, "fast", 1, &p), CSVC_ECORRUPT);
	assert_message_starts("stored SLA policy 'fast' has a bad target: ");
	assert_null(p);

	damage(s, "UPDATE survey_questions SET scale_max = 99 WHERE position = 0");
	csvc_survey *sv = NULL;
	csvc_assert_err(csvc_survey_load(s, "poll", 0, &sv), CSVC_ECORRUPT);
	assert_message_starts("stored survey 1 has a bad scale: ");
	assert_null(sv);
	csvc_store_close(s);
}

static void test_append(void **state)
{
	(void)state;
	int64_t *items = NULL;
	size_t n = 0, cap = 0;
	for (int64_t i = 0; i < 100; i++) {
		int64_t *slot = csvc__defs_append(&items, &n, &cap, sizeof(*slot));
		assert_non_null(slot);
		assert_int_equal(*slot, 0);
		*slot = i;
	}
	assert_int_equal(n, 100);
	assert_true(cap >= 100);
	for (int64_t i = 0; i < 100; i++)
		assert_int_equal(items[i], i);
	csvc__free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions_of_every_kind),
		cmocka_unit_test(test_list_and_retire),
		cmocka_unit_test(test_insert),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_damaged_rows),
		cmocka_unit_test(test_append),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
