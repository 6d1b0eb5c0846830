/*
 * Tickets: create, numbering, priority, transitions through every handbook
 * workflow, optimistic concurrency, comments, links, merge, events and
 * replay, change hooks, queries and their plans.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"
#include "ticket/ticket-internal.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US)
#define MIN_US (60 * CSVC_SECOND_US)
#define HOUR_US (60 * MIN_US)

static csvc_time_us now_cell;

static csvc_store *open_store(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	return s;
}

static csvc_ticket *open_ticket(csvc_store *s, const char *kind, const char *store_code, const char *subject)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, store_code));
	csvc_assert_ok(csvc_ticket_set_subject(t, subject));
	csvc_assert_ok(csvc_ticket_set_channel(t, "store_counter"));
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

static void assert_replay_equal(csvc_store *s, const csvc_uuid *id)
{
	csvc_ticket *stored = NULL, *replayed = NULL;
	csvc_assert_ok(csvc_ticket_get(s, id, &stored));
	csvc_assert_ok(csvc_ticket_replay(s, id, &replayed));
	if (!csvc_ticket_equal(stored, replayed))
		print_error("replay differs for %s: state %s/%s rev %lld/%lld prio %d/%d\n",
		            csvc_ticket_number(stored), csvc_ticket_state(stored), csvc_ticket_state(replayed),
		            (long long)csvc_ticket_revision(stored), (long long)csvc_ticket_revision(replayed),
		            csvc_ticket_priority(stored), csvc_ticket_priority(replayed));
	assert_true(csvc_ticket_equal(stored, replayed));
	csvc_ticket_free(stored);
	csvc_ticket_free(replayed);
}

static void test_create_and_numbers(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "王芳"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));

	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(c)));
	csvc_assert_ok(csvc_ticket_set_channel(t, "phone"));
	csvc_assert_ok(csvc_ticket_set_category(t, "服务态度"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "收银员态度差"));
	csvc_assert_ok(csvc_ticket_set_description(t, "顾客反映周六下午收银台排队时收银员态度恶劣"));
	csvc_assert_ok(csvc_ticket_set_order_ref(t, "POS-20260101-0042"));
	csvc_assert_ok(csvc_ticket_set_urgency(t, CSVC_URGENCY_MAJOR));
	csvc_assert_ok(csvc_ticket_set_importance(t, CSVC_IMPORTANCE_HIGH));
	csvc_assert_ok(csvc_ticket_set_assignee(t, "li.lei", "complaints"));
	assert_null(csvc_ticket_number(t));
	now_cell = T0 + 10 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk-1"));
	assert_string_equal(csvc_ticket_number(t), "SH01-000001");
	assert_string_equal(csvc_ticket_state(t), "received");
	assert_int_equal(csvc_ticket_state_category(t), CSVC_STATE_NEW);
	assert_string_equal(csvc_ticket_workflow(t), "complaint");
	assert_int_equal(csvc_ticket_workflow_version(t), 1);
	assert_int_equal(csvc_ticket_revision(t), 1);
	assert_int_equal(csvc_ticket_created_at(t), T0 + 10 * CSVC_SECOND_US);
	/* default matrix: 2 * 2 + 1 + 3 = 8 -> high */
	assert_int_equal(csvc_ticket_priority(t), CSVC_PRIORITY_HIGH);
	assert_false(csvc_ticket_priority_overridden(t));
	csvc_assert_err(csvc_ticket_create(s, t, NULL), CSVC_EINVAL);

	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get_by_number(s, "SH01-000001", &g));
	assert_true(csvc_ticket_equal(g, t));
	assert_string_equal(csvc_ticket_subject(g), "收银员态度差");
	assert_string_equal(csvc_ticket_order_ref(g), "POS-20260101-0042");
	assert_string_equal(csvc_ticket_assignee(g), "li.lei");
	assert_true(csvc_uuid_equal(csvc_ticket_customer(g), csvc_customer_id(c)));
	csvc_ticket_free(g);

	csvc_ticket *t2 = open_ticket(s, "inquiry", "SH01", "营业时间");
	csvc_ticket *t3 = open_ticket(s, "inquiry", "SH02", "停车");
	assert_string_equal(csvc_ticket_number(t2), "SH01-000002");
	assert_string_equal(csvc_ticket_number(t3), "SH02-000001");
	/* 2 * 3 + 2 + 3 = 11 -> low */
	assert_int_equal(csvc_ticket_priority(t2), CSVC_PRIORITY_LOW);

	/* Matrix override and manual override. */
	csvc_assert_ok(csvc_priority_matrix_set(s, 3, 2, 3, CSVC_PRIORITY_NORMAL));
	int32_t p = 0;
	csvc_assert_ok(csvc_priority_matrix_get(s, 3, 2, 3, &p));
	assert_int_equal(p, CSVC_PRIORITY_NORMAL);
	csvc_assert_ok(csvc_priority_matrix_get(s, 1, 1, 1, &p));
	assert_int_equal(p, CSVC_PRIORITY_CRITICAL);
	csvc_assert_err(csvc_priority_matrix_set(s, 0, 2, 3, 1), CSVC_EINVAL);
	csvc_assert_err(csvc_priority_matrix_set(s, 1, 2, 3, 9), CSVC_EINVAL);
	csvc_ticket *t4 = open_ticket(s, "inquiry", "SH01", "matrix");
	assert_int_equal(csvc_ticket_priority(t4), CSVC_PRIORITY_NORMAL);
	csvc_ticket *t5 = NULL;
	csvc_assert_ok(csvc_ticket_new(&t5, "emergency", "SH01"));
	csvc_assert_ok(csvc_ticket_set_priority(t5, CSVC_PRIORITY_CRITICAL));
	csvc_assert_ok(csvc_ticket_create(s, t5, NULL));
	assert_int_equal(csvc_ticket_priority(t5), CSVC_PRIORITY_CRITICAL);
	assert_true(csvc_ticket_priority_overridden(t5));
	assert_string_equal(csvc_ticket_workflow(t5), "general");

	csvc_ticket_free(t);
	csvc_ticket_free(t2);
	csvc_ticket_free(t3);
	csvc_ticket_free(t4);
	csvc_ticket_free(t5);
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_bad_input(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *t = NULL;
	csvc_assert_err(csvc_ticket_new(&t, "Complaint!", "SH01"), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_new(&t, "complaint", "SH 01"), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_new(&t, "complaint", NULL), CSVC_EINVAL);
	assert_null(t);
	csvc_assert_ok(csvc_ticket_new(&t, "no_such_kind", "SH01"));
	csvc_assert_err(csvc_ticket_create(s, t, NULL), CSVC_ENOTFOUND);
	assert_int_equal(csvc_ticket_revision(t), 0);
	csvc_ticket_free(t);

	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_err(csvc_ticket_set_subject(t, "bad \xff utf8"), CSVC_EINVAL);
	char *big = malloc(CSVC_TICKET_MAX_SUBJECT + 2);
	memset(big, 'x', CSVC_TICKET_MAX_SUBJECT + 1);
	big[CSVC_TICKET_MAX_SUBJECT + 1] = '\0';
	csvc_assert_err(csvc_ticket_set_subject(t, big), CSVC_ERANGE);
	free(big);
	csvc_assert_err(csvc_ticket_set_urgency(t, 4), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_set_priority(t, 5), CSVC_EINVAL);
	csvc_assert_ok(csvc_ticket_set_channel(t, "carrier_pigeon"));
	csvc_assert_err(csvc_ticket_create(s, t, NULL), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_ticket_set_channel(t, NULL));
	csvc_uuid nobody;
	csvc_assert_ok(csvc_uuid_from_string("00000000-0000-4000-8000-00000000dead", &nobody));
	csvc_assert_ok(csvc_ticket_set_customer(t, &nobody));
	csvc_assert_err(csvc_ticket_create(s, t, NULL), CSVC_ENOTFOUND);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM tickets"), 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events"), 0);
	/* A failed create did not use up a number. */
	csvc_assert_ok(csvc_ticket_set_customer(t, NULL));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	assert_string_equal(csvc_ticket_number(t), "SH01-000001");

	csvc_assert_err(csvc_ticket_transition(s, &nobody, "answer", 0, NULL, NULL, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_ticket_transition(s, csvc_ticket_id(t), "Bad Name", 0, NULL, NULL, NULL),
	                CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, 9, "x", NULL, 0, NULL}, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "", NULL, 0, NULL}, NULL),
	                CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "\xc3", NULL, 0, NULL}, NULL),
	                CSVC_EINVAL);
	csvc_ticket *g = NULL;
	csvc_assert_err(csvc_ticket_get_by_number(s, "SH01-999999", &g), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_ticket_kind_define(s, "repair", "no_workflow", NULL, NULL), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_ticket_kind_define(s, "repair", "after_sales", "维修", "Repair"));
	csvc_assert_ok(csvc_ticket_channel_define(s, "douyin", "抖音", "Douyin"));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events"), 1);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* Applies transitions in order and checks the states reached. */
static void walk(csvc_store *s, csvc_ticket *t, const char *const *path, const char *const *states)
{
	int64_t rev = csvc_ticket_revision(t);
	for (size_t i = 0; path[i]; i++) {
		int64_t next = 0;
		csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), path[i], rev, "agent", NULL, &next));
		assert_int_equal(next, rev + 1);
		rev = next;
		csvc_ticket *g = NULL;
		csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
		assert_string_equal(csvc_ticket_state(g), states[i]);
		csvc_ticket_free(g);
	}
	assert_replay_equal(s, csvc_ticket_id(t));
}

static void test_handbook_workflows_end_to_end(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *t = open_ticket(s, "complaint", "SH01", "complaint");
	{
		const char *path[] = {"analyse", "handle", "wait_customer", "resume", "report_back", "close", NULL};
		const char *states[] = {"analysing", "handling", "waiting_customer", "handling", "reported_back",
		                        "closed"};
		walk(s, t, path, states);
	}
	csvc_ticket_free(t);
	t = open_ticket(s, "need", "SH01", "need");
	{
		const char *path[] = {"evaluate", "respond", "track", "archive", NULL};
		const char *states[] = {"evaluated", "responded", "tracked", "archived"};
		walk(s, t, path, states);
	}
	csvc_ticket_free(t);
	t = open_ticket(s, "after_sales", "SH02", "return");
	{
		const char *path[] = {"classify", "propose", "accept", "notify", "survey", "close", "reopen",
		                      "propose", "accept", "notify", "close", NULL};
		const char *states[] = {"classified", "solution_proposed", "executing", "result_notified", "surveyed",
		                        "closed", "classified", "solution_proposed", "executing", "result_notified",
		                        "closed"};
		walk(s, t, path, states);
	}
	csvc_ticket_free(t);
	t = open_ticket(s, "inquiry", "SH02", "inquiry");
	{
		const char *path[] = {"escalate", "answer", "close", NULL};
		const char *states[] = {"assigned_handler", "answered", "closed"};
		walk(s, t, path, states);
	}
	/* Illegal transition: CSVC_ESTATE and nothing changes. */
	int64_t events = sql_int(s, "SELECT count(*) FROM ticket_events");
	csvc_assert_err(csvc_ticket_transition(s, csvc_ticket_id(t), "escalate", 0, NULL, NULL, NULL), CSVC_ESTATE);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events"), events);
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_string_equal(csvc_ticket_state(g), "closed");
	assert_int_equal(csvc_ticket_revision(g), 4);
	csvc_ticket_free(g);
	csvc_ticket_free(t);
	t = open_ticket(s, "suggestion", "SH02", "more benches");
	{
		const char *path[] = {"start", "wait_customer", "resume", "resolve", "close", NULL};
		const char *states[] = {"in_progress", "waiting_customer", "in_progress", "resolved", "closed"};
		walk(s, t, path, states);
	}
	csvc_ticket_free(t);
	csvc_store_close(s);
}

static void test_revisions_update_assign_comment(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *t = open_ticket(s, "complaint", "SH01", "噪音");
	const csvc_uuid *id = csvc_ticket_id(t);
	int64_t rev = 0;
	csvc_assert_ok(csvc_ticket_transition(s, id, "analyse", 1, "a", "starting", &rev));
	assert_int_equal(rev, 2);
	/* A writer holding revision 1 loses. */
	csvc_assert_err(csvc_ticket_transition(s, id, "handle", 1, "b", NULL, NULL), CSVC_ECONFLICT);
	csvc_assert_err(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "x", NULL, 1, "b"}, NULL), CSVC_ECONFLICT);
	csvc_assert_ok(csvc_ticket_assign(s, id, "wang.wu", "property", 2, "supervisor", &rev));
	assert_int_equal(rev, 3);
	csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "我们已经联系物业处理。", NULL, 0, "wang.wu"}, &rev));
	csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "空调外机噪音", NULL, 0, "wang.wu"}, &rev));
	csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_RESULT_NOTICE, "处理结果已电话告知", "phone", 0, "wang.wu"}, &rev));
	csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_FOLLOW_UP, "回访：顾客满意", "phone", 0, "wang.wu"}, &rev));
	assert_int_equal(rev, 7);

	/* Update: the record carries revision 1, stale now. */
	csvc_assert_ok(csvc_ticket_set_subject(t, "空调噪音"));
	csvc_assert_err(csvc_ticket_update(s, t, NULL), CSVC_ECONFLICT);
	csvc_ticket_free(t);
	csvc_assert_ok(csvc_ticket_get_by_number(s, "SH01-000001", &t));
	id = csvc_ticket_id(t);
	assert_string_equal(csvc_ticket_assignee(t), "wang.wu");
	assert_string_equal(csvc_ticket_team(t), "property");
	csvc_assert_err(csvc_ticket_set_assignee(t, "x", NULL), CSVC_ESTATE);
	csvc_assert_ok(csvc_ticket_set_subject(t, "空调噪音"));
	csvc_assert_ok(csvc_ticket_set_urgency(t, CSVC_URGENCY_EMERGENCY));
	csvc_assert_ok(csvc_ticket_update(s, t, "supervisor"));
	/* The urgent complaint moves to the default_urgent_complaint SLA
	 * policy: an "sla_policy" event follows the "updated" one. */
	assert_int_equal(csvc_ticket_revision(t), 9);
	assert_int_equal(csvc_ticket_priority(t), CSVC_PRIORITY_HIGH); /* 2 * 1 + 2 + 3 = 7 */
	csvc_assert_ok(csvc_ticket_update(s, t, "supervisor"));      /* no change, no event */
	assert_int_equal(csvc_ticket_revision(t), 9);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events"), 9);
	assert_int_equal(sql_int(s, csvc_test_on_pg()
	                                ? "SELECT count(*) FROM ticket_events WHERE type = 'updated' AND"
	                                  " payload::json #>> '{old,subject}' = '噪音' AND"
	                                  " payload::json #>> '{set,subject}' = '空调噪音'"
	                                : "SELECT count(*) FROM ticket_events WHERE type = 'updated' AND"
	                                  " json_extract(payload, '$.old.subject') = '噪音' AND"
	                                  " json_extract(payload, '$.set.subject') = '空调噪音'"),
	                 1);
	assert_replay_equal(s, id);

	/* History in order. */
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, id, &it));
	const char *types[] = {"created", "transition", "assigned", "comment", "comment", "comment", "comment", "updated",
	                       "sla_policy"};
	csvc_event *ev = NULL;
	size_t n = 0;
	int rc;
	while ((rc = csvc_ticket_history_next(it, &ev)) == CSVC_OK) {
		assert_string_equal(csvc_event_type(ev), types[n]);
		assert_int_equal(csvc_event_seq(ev), (int64_t)n + 1);
		assert_string_equal(csvc_event_ticket_number(ev), "SH01-000001");
		if (n == 1) {
			assert_string_equal(csvc_event_from_state(ev), "received");
			assert_string_equal(csvc_event_to_state(ev), "analysing");
			assert_non_null(strstr(csvc_event_payload(ev), "\"note\":\"starting\""));
			assert_string_equal(csvc_event_actor(ev), "a");
		}
		csvc_event_free(ev);
		n++;
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	assert_int_equal(n, 9);
	csvc_ticket_history_free(it);

	/* Events cannot be edited. */
	csvc_assert_err(csvc_test_sql_exec(s, "UPDATE ticket_events SET actor = 'x'"), CSVC_EEXISTS);
	csvc_assert_err(csvc_test_sql_exec(s, "DELETE FROM ticket_events"), CSVC_EEXISTS);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

static void test_links_and_merge(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *a = open_ticket(s, "complaint", "SH01", "a");
	csvc_ticket *b = open_ticket(s, "complaint", "SH01", "b");
	csvc_ticket *c = open_ticket(s, "inquiry", "SH01", "c");
	csvc_uuid ghost;
	csvc_assert_ok(csvc_uuid_from_string("00000000-0000-4000-8000-0000000beef0", &ghost));
	csvc_assert_err(csvc_ticket_link(s, csvc_ticket_id(a), csvc_ticket_id(a), CSVC_LINK_RELATED, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_link(s, csvc_ticket_id(a), &ghost, CSVC_LINK_RELATED, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_ticket_link(s, csvc_ticket_id(a), csvc_ticket_id(b), CSVC_LINK_MERGED_INTO, NULL),
	                CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_link(s, csvc_ticket_id(a), csvc_ticket_id(b), 0, NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_ticket_link(s, csvc_ticket_id(a), csvc_ticket_id(c), CSVC_LINK_PARENT_OF, "x"));
	csvc_assert_err(csvc_ticket_link(s, csvc_ticket_id(a), csvc_ticket_id(c), CSVC_LINK_PARENT_OF, "x"),
	                CSVC_EEXISTS);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'linked'"), 2);

	csvc_assert_err(csvc_ticket_merge(s, csvc_ticket_id(a), csvc_ticket_id(a), NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_ticket_merge(s, csvc_ticket_id(a), csvc_ticket_id(b), "supervisor"));
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(b), &g));
	assert_string_equal(csvc_ticket_state(g), "cancelled");
	assert_int_equal(csvc_ticket_state_category(g), CSVC_STATE_CANCELLED);
	csvc_ticket_free(g);
	/* Merging again, or into/from a cancelled or closed ticket: refused. */
	csvc_assert_err(csvc_ticket_merge(s, csvc_ticket_id(a), csvc_ticket_id(b), NULL), CSVC_ESTATE);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(c), "answer", 0, NULL, NULL, NULL));
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(c), "close", 0, NULL, NULL, NULL));
	csvc_assert_err(csvc_ticket_merge(s, csvc_ticket_id(c), csvc_ticket_id(a), NULL), CSVC_ESTATE);
	assert_non_null(strstr(csvc_error_last()->message, "closed"));
	assert_replay_equal(s, csvc_ticket_id(a));
	assert_replay_equal(s, csvc_ticket_id(b));
	assert_replay_equal(s, csvc_ticket_id(c));
	csvc_ticket_free(a);
	csvc_ticket_free(b);
	csvc_ticket_free(c);
	csvc_store_close(s);
}

typedef struct hook_log {
	int count;
	char types[32][16];
	csvc_store *store;
	int write_back;
} hook_log;

static void hook(const csvc_event *ev, void *userdata)
{
	hook_log *log = userdata;
	if (log->count < 32)
		snprintf(log->types[log->count], sizeof(log->types[0]), "%s", csvc_event_type(ev));
	log->count++;
	assert_int_equal(csvc_store_tx_depth(log->store), 0); /* never inside a transaction */
	if (log->write_back && strcmp(csvc_event_type(ev), "created") == 0) {
		log->write_back = 0;
		/* Re-entrant write: its event comes after the current ones. */
		csvc_assert_ok(csvc_ticket_comment(log->store, csvc_event_ticket(ev), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "auto", NULL, 0, "hook"}, NULL));
	}
}

static void test_change_hook(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	hook_log log = {0};
	log.store = s;
	csvc_assert_ok(csvc_store_set_change_hook(s, hook, &log));
	csvc_ticket *a = open_ticket(s, "inquiry", "SH01", "a");
	assert_int_equal(log.count, 1);

	/* Inside a transaction: nothing until commit; a rollback delivers nothing. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(a), "answer", 0, NULL, NULL, NULL));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(a), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "inner", NULL, 0, NULL}, NULL));
	csvc_assert_ok(csvc_store_rollback(s)); /* drops the inner comment */
	assert_int_equal(log.count, 1);
	csvc_assert_ok(csvc_store_commit(s));
	assert_int_equal(log.count, 2);
	assert_string_equal(log.types[1], "transition");

	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(a), "close", 0, NULL, NULL, NULL));
	csvc_assert_ok(csvc_store_rollback(s));
	assert_int_equal(log.count, 2);

	/* Failed calls deliver nothing. */
	csvc_assert_err(csvc_ticket_transition(s, csvc_ticket_id(a), "escalate", 0, NULL, NULL, NULL), CSVC_ESTATE);
	assert_int_equal(log.count, 2);

	log.write_back = 1;
	csvc_ticket *b = open_ticket(s, "inquiry", "SH01", "b");
	assert_int_equal(log.count, 4);
	assert_string_equal(log.types[2], "created");
	assert_string_equal(log.types[3], "comment");
	csvc_assert_ok(csvc_store_set_change_hook(s, NULL, NULL));
	csvc_ticket_free(open_ticket(s, "inquiry", "SH01", "c"));
	assert_int_equal(log.count, 4);
	csvc_ticket_free(a);
	csvc_ticket_free(b);
	csvc_store_close(s);
}

static void test_workflow_version_pinned(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *old = open_ticket(s, "need", "SH01", "old");
	csvc_ticket *other = open_ticket(s, "need", "SH01", "identified only");
	csvc_ticket *done = open_ticket(s, "need", "SH01", "done");
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(done), "cancel", 0, NULL, NULL, NULL));
	/* A new version of "need" without the "evaluate" transition. */
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "need"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "identified", CSVC_STATE_NEW, "识别", NULL));
	csvc_assert_ok(csvc_workflow_add_state(wf, "archived", CSVC_STATE_CLOSED, "归档", NULL));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "archive", "identified", "archived"));
	int32_t v = 0;
	csvc_assert_ok(csvc_workflow_save(s, wf, &v));
	assert_int_equal(v, 2);
	csvc_workflow_free(wf);
	csvc_ticket *fresh = open_ticket(s, "need", "SH01", "new");
	assert_int_equal(csvc_ticket_workflow_version(fresh), 2);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(old), "evaluate", 0, NULL, NULL, NULL));
	csvc_assert_err(csvc_ticket_transition(s, csvc_ticket_id(fresh), "evaluate", 0, NULL, NULL, NULL), CSVC_ESTATE);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(fresh), "archive", 0, NULL, NULL, NULL));

	/* Explicit migration of open v1 tickets to v2. */
	int64_t moved = -1;
	/* "evaluated" has no counterpart in v2: refused, nothing moves. */
	csvc_assert_err(csvc_workflow_migrate_tickets(s, "need", 1, 2, NULL, NULL, 0, "admin", &moved), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "evaluated"));
	assert_int_equal(moved, -1);
	const char *from[] = {"evaluated"}, *bad[] = {"nowhere"}, *to[] = {"identified"};
	csvc_assert_err(csvc_workflow_migrate_tickets(s, "need", 1, 2, from, bad, 1, "admin", &moved), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_migrate_tickets(s, "need", 1, 1, from, to, 1, "admin", &moved), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_migrate_tickets(s, "need", 1, 7, from, to, 1, "admin", &moved), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_workflow_migrate_tickets(s, "need", 1, 2, from, to, 1, "admin", &moved));
	assert_int_equal(moved, 2); /* old (evaluated) and other (identified); not the cancelled one */
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(old), &g));
	assert_int_equal(csvc_ticket_workflow_version(g), 2);
	assert_string_equal(csvc_ticket_state(g), "identified");
	csvc_ticket_free(g);
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(done), &g));
	assert_int_equal(csvc_ticket_workflow_version(g), 1);
	csvc_ticket_free(g);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(old), "archive", 0, NULL, NULL, NULL));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'workflow_migrated'"), 2);
	assert_replay_equal(s, csvc_ticket_id(old));
	assert_replay_equal(s, csvc_ticket_id(other));
	csvc_ticket_free(other);
	csvc_ticket_free(done);
	csvc_ticket_free(old);
	csvc_ticket_free(fresh);
	csvc_store_close(s);
}

/* Random operations on many tickets; afterwards every ticket's replay from
 * events equals its stored row. */
static void test_replay_matches_random_operations(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *cust[3];
	for (int i = 0; i < 3; i++) {
		csvc_assert_ok(csvc_customer_new(&cust[i]));
		csvc_assert_ok(csvc_customer_create(s, cust[i], NULL));
	}
	const char *kinds[] = {"inquiry", "complaint", "after_sales", "need", "suggestion"};
	const char *transitions[] = {"answer", "escalate", "close", "reopen", "cancel", "analyse", "handle",
	                             "report_back", "wait_customer", "resume", "classify", "propose", "accept",
	                             "notify", "survey", "evaluate", "respond", "track", "archive", "start",
	                             "resolve", "wait_third_party"};
	enum { N = 60 };
	csvc_uuid ids[N];
	unsigned x = 7;
#define RND(n) ((x = x * 1103515245u + 12345u) >> 8) % (n)
	for (int i = 0; i < N; i++) {
		csvc_ticket *t = NULL;
		const char *kind = kinds[RND(5)];
		csvc_assert_ok(csvc_ticket_new(&t, kind, RND(2) ? "SH01" : "SH02"));
		if (RND(2))
			csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(cust[RND(3)])));
		csvc_assert_ok(csvc_ticket_set_subject(t, "随机"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		ids[i] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	int ok_transitions = 0;
	for (int step = 0; step < 2000; step++) {
		const csvc_uuid *id = &ids[RND(N)];
		now_cell += (csvc_time_us)RND(600) * CSVC_SECOND_US;
		switch (RND(6)) {
		case 0:
		case 1: {
			/* Mostly a transition the current state offers, sometimes any. */
			const char *name = transitions[RND(22)];
			csvc_ticket *t = NULL;
			csvc_workflow *wf = NULL;
			csvc_assert_ok(csvc_ticket_get(s, id, &t));
			csvc_assert_ok(csvc_workflow_load(s, csvc_ticket_workflow(t), csvc_ticket_workflow_version(t), &wf));
			const char *offered[16];
			size_t n_offered = 0;
			for (size_t k = 0; k < csvc_workflow_transition_count(wf) && n_offered < 16; k++) {
				const char *tn, *from;
				csvc_assert_ok(csvc_workflow_transition_at(wf, k, &tn, &from, NULL));
				if (strcmp(from, csvc_ticket_state(t)) == 0)
					offered[n_offered++] = tn;
			}
			char chosen[64];
			snprintf(chosen, sizeof(chosen), "%s", n_offered && RND(4) ? offered[RND(n_offered)] : name);
			csvc_workflow_free(wf);
			csvc_ticket_free(t);
			int rc = csvc_ticket_transition(s, id, chosen, 0, "r", NULL, NULL);
			assert_true(rc == CSVC_OK || rc == CSVC_ESTATE);
			ok_transitions += rc == CSVC_OK;
			break;
		}
		case 2: {
			const char *who = RND(2) ? "agent.a" : NULL;
			const char *team = RND(2) ? "team.b" : NULL;
			csvc_assert_ok(csvc_ticket_assign(s, id, who, team, 0, "r", NULL));
			break;
		}
		case 3:
			csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, 1 + (int32_t)RND(4), "随机评论", NULL, 0, "r"}, NULL));
			break;
		case 4: {
			csvc_ticket *t = NULL;
			csvc_assert_ok(csvc_ticket_get(s, id, &t));
			csvc_assert_ok(csvc_ticket_set_urgency(t, 1 + (int32_t)RND(3)));
			csvc_assert_ok(csvc_ticket_set_category(t, RND(2) ? "价格" : NULL));
			csvc_assert_ok(csvc_ticket_set_priority(t, (int32_t)RND(5)));
			csvc_assert_ok(csvc_ticket_update(s, t, "r"));
			csvc_ticket_free(t);
			break;
		}
		default: {
			int rc = csvc_ticket_merge(s, &ids[RND(N)], id, "r");
			assert_true(rc == CSVC_OK || rc == CSVC_ESTATE || rc == CSVC_EINVAL);
		}
		}
	}
	assert_true(ok_transitions > 100);
	/* A customer merge moves tickets with events of their own. */
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(cust[0]), csvc_customer_id(cust[1]), "m", NULL));
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.customer = csvc_customer_id(cust[1]);
	int64_t n = -1;
	csvc_assert_ok(csvc_ticket_count(s, &q, &n));
	assert_int_equal(n, 0);
	for (int i = 0; i < N; i++)
		assert_replay_equal(s, &ids[i]);
#undef RND
	for (int i = 0; i < 3; i++)
		csvc_customer_free(cust[i]);
	csvc_store_close(s);
}

static int64_t count_where(csvc_store *s, const csvc_ticket_query *q)
{
	int64_t n = -1;
	csvc_assert_ok(csvc_ticket_count(s, q, &n));
	return n;
}

static void test_queries(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *all[40];
	for (int i = 0; i < 40; i++) {
		char subject[64];
		snprintf(subject, sizeof(subject), "第%d号 %s", i, i % 4 == 0 ? "退货申请" : "咨询营业时间");
		all[i] = open_ticket(s, i % 4 == 0 ? "after_sales" : "inquiry", i % 2 ? "SH01" : "SH02", subject);
		if (i % 5 == 0)
			csvc_assert_ok(csvc_ticket_assign(s, csvc_ticket_id(all[i]), "zhao", "desk", 0, NULL, NULL));
		if (i % 3 == 0)
			csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(all[i]), i % 4 == 0 ? "cancel" : "answer",
			                                      0, NULL, NULL, NULL));
	}
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(all[7]), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "顾客要求开具发票", NULL, 0, NULL}, NULL));
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	assert_int_equal(count_where(s, &q), 40);
	q.store_code = "SH01";
	assert_int_equal(count_where(s, &q), 20);
	q.open_only = 1;
	assert_int_equal(count_where(s, &q), 20); /* answered is resolved: still open */
	q.state_category = CSVC_STATE_RESOLVED;
	assert_int_equal(count_where(s, &q), 7); /* odd i divisible by 3 under 40: 3,9,15,21,27,33,39 */
	csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION);
	q.state = "cancelled";
	assert_int_equal(count_where(s, &q), 4); /* 0, 12, 24, 36 */
	csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION);
	q.assignee = "zhao";
	assert_int_equal(count_where(s, &q), 8);
	q.team = "desk";
	q.kind = "after_sales";
	assert_int_equal(count_where(s, &q), 2); /* 0, 20 */
	csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION);
	q.text = "退货申请";
	assert_int_equal(count_where(s, &q), 10);
	q.text = "发票"; /* two characters, in a comment */
	assert_int_equal(count_where(s, &q), 1);
	q.text = "开具发票";
	assert_int_equal(count_where(s, &q), 1);
	q.text = "营业";
	q.channel = "store_counter";
	assert_int_equal(count_where(s, &q), 30);

	/* Keyset pages of 7 over SH02. */
	csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION);
	q.store_code = "SH02";
	q.limit = 7;
	int seen = 0;
	for (;;) {
		csvc_ticket_iter *it = NULL;
		csvc_assert_ok(csvc_ticket_iter_new(s, &q, &it));
		csvc_ticket *t = NULL;
		int got = 0, rc;
		while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
			assert_true(csvc_uuid_equal(csvc_ticket_id(t), csvc_ticket_id(all[2 * seen])));
			q.after = *csvc_ticket_id(t);
			got++;
			seen++;
			csvc_ticket_free(t);
		}
		assert_int_equal(rc, CSVC_ITEROVER);
		csvc_ticket_iter_free(it);
		if (got < 7)
			break;
	}
	assert_int_equal(seen, 20);
	csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION);
	q.state_category = 9;
	int64_t n;
	csvc_assert_err(csvc_ticket_count(s, &q, &n), CSVC_EINVAL);
	csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION);
	q.text = "";
	csvc_assert_err(csvc_ticket_count(s, &q, &n), CSVC_EINVAL);
	for (int i = 0; i < 40; i++)
		csvc_ticket_free(all[i]);
	csvc_store_close(s);
}

static void assert_plan(csvc_store *s, const char *sql, const char *must)
{
	char eqp[4096];
	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL), SQLITE_OK);
	char plan[4096] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	int bad = strstr(plan, "SCAN t\n") || strstr(plan, "SCAN tickets") || strstr(plan, "SCAN ticket_events") ||
	          strstr(plan, "SCAN ticket_comments") || strstr(plan, "SCAN e\n");
	if (bad || (must && !strstr(plan, must)))
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_false(bad);
	if (must)
		assert_non_null(strstr(plan, must));
}

static void check_ticket_plans(csvc_store *s)
{
	static const struct {
		csvc_ticket_query q;
		const char *must;
	} cases[] = {
		{{1, "SH01", NULL, 0, 1, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{1}}, 50}, "tickets_store_open"},
		{{1, "SH01", NULL, 2, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 50}, "tickets_store"},
		{{1, NULL, NULL, 0, 0, NULL, "zhao", NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 0}, "tickets_assignee"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, "desk", NULL, NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 0}, "tickets_team"},
		{{1, NULL, NULL, 0, 0, "complaint", NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 0}, "tickets_kind"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, NULL, "phone", NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 0}, "tickets_channel"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 1, NULL, 0, 0, 0, 0, {{0}}, 0}, "tickets_priority"},
		{{1, NULL, NULL, 3, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 0}, "tickets_category"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, "退货申请", 0, 0, 0, 0, {{0}}, 0}, "VIRTUAL TABLE"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 5, 9, 0, 0, {{0}}, 0}, "tickets_created"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 5, 9, {{0}}, 0}, "tickets_updated"},
		{{1, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{1}}, 50}, "INTEGER PRIMARY KEY"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *sql = csvc__ticket_db_query_sql(&cases[i].q, 0, CSVC__DIALECT_SQLITE);
		assert_plan(s, sql, cases[i].must);
		free(sql);
	}
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	csvc_uuid cid = {{1}};
	q.customer = &cid;
	char *sql = csvc__ticket_db_query_sql(&q, 1, CSVC__DIALECT_SQLITE);
	assert_plan(s, sql, "tickets_customer");
	free(sql);
	assert_plan(s, "SELECT id FROM tickets WHERE number = 'SH01-000001'", "INDEX");
	assert_plan(s, "SELECT id FROM tickets WHERE uuid = x'00'", "INDEX");
	assert_plan(s, "SELECT seq FROM ticket_events e WHERE e.ticket_id = 1 ORDER BY e.seq", "INDEX");
}

static void test_query_plans(void **state)
{
	(void)state;
	/* SQLite-only: reads SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg())
		return;
	csvc_store *s = open_store();
	check_ticket_plans(s);
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < 3000; i++) {
		csvc_ticket *t = NULL;
		char code[8];
		snprintf(code, sizeof(code), "S%02d", i % 30);
		static const char *kinds[] = {"inquiry", "complaint", "after_sales", "need",
		                              "suggestion", "facility", "emergency", "reservation"};
		static const char *channels[] = {"store_counter", "phone", "online_chat", "email", "wechat",
		                                 "app", "on_site", "suggestion_box", "kiosk", "chatbot"};
		csvc_assert_ok(csvc_ticket_new(&t, kinds[i % 8], code));
		csvc_assert_ok(csvc_ticket_set_channel(t, channels[i % 10]));
		csvc_assert_ok(csvc_ticket_set_urgency(t, 1 + i % 3));
		csvc_assert_ok(csvc_ticket_set_importance(t, 1 + i / 3 % 3));
		if (i % 7 == 0)
			csvc_assert_ok(csvc_ticket_set_assignee(t, "zhao", "desk"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		if (i % 8 == 0)
			csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "answer", 0, NULL, NULL, NULL));
		csvc_ticket_free(t);
	}
	csvc_assert_ok(csvc_store_commit(s));
	assert_int_equal(sqlite3_exec(CSVC_TEST_SQLITE(s), "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	check_ticket_plans(s);
	csvc_store_close(s);
}


typedef struct warn_log {
	int warnings;
	char last[512];
} warn_log;

static void log_warnings(int32_t level, const char *message, void *userdata)
{
	warn_log *w = userdata;
	if (level == CSVC_LOG_WARN) {
		w->warnings++;
		snprintf(w->last, sizeof(w->last), "%s", message);
	}
}

/* A clock that steps back 2 h in the middle of a ticket's life: its events
 * never go back in time, so the row, its replay and the SLA clocks agree. */
static void test_clock_steps_back(void **state)
{
	(void)state;
	warn_log w = {0};
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.log = log_warnings;
	o.log_userdata = &w;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, ":memory:", &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_ticket *other = open_ticket(s, "inquiry", "SH01", "另一张");

	now_cell = T0 + 2 * HOUR_US;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "营业时间"));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	const csvc_uuid *id = csvc_ticket_id(t);
	now_cell = T0 + 2 * HOUR_US + 10 * MIN_US;
	csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好", NULL, 0, "agent"}, NULL));
	assert_int_equal(w.warnings, 0);

	/* The clock steps back 2 h. */
	now_cell -= 2 * HOUR_US;
	csvc_assert_ok(csvc_ticket_assign(s, id, "li", NULL, 0, "agent", NULL));
	csvc_assert_ok(csvc_ticket_transition(s, id, "answer", 0, "agent", NULL, NULL));
	csvc_assert_ok(csvc_ticket_link(s, id, csvc_ticket_id(other), CSVC_LINK_RELATED, "agent"));
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, id, &g));
	csvc_assert_ok(csvc_ticket_set_category(g, "营业时间"));
	csvc_assert_ok(csvc_ticket_update(s, g, "agent"));
	csvc_ticket_free(g);

	csvc_assert_ok(csvc_ticket_get(s, id, &g));
	assert_true(csvc_ticket_updated_at(g) >= csvc_ticket_created_at(g));
	/* Clamped to the last event: the reply 10 min after creation. */
	assert_int_equal(csvc_ticket_updated_at(g), T0 + 2 * HOUR_US + 10 * MIN_US);
	csvc_ticket_free(g);
	assert_replay_equal(s, id);
	assert_replay_equal(s, csvc_ticket_id(other));
	/* Event times never go back within a ticket. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events a JOIN ticket_events b"
	                            " ON a.ticket_id = b.ticket_id AND b.seq = a.seq + 1 WHERE b.at_us < a.at_us"),
	                 0);
	/* SLA used time never negative. */
	csvc_sla_iter *it = NULL;
	csvc_sla_target *x = NULL;
	int n = 0;
	csvc_assert_ok(csvc_sla_ticket_targets(s, id, &it));
	while (csvc_sla_iter_next(it, &x) == CSVC_OK) {
		n++;
		if (csvc_sla_target_used(x) < 0)
			print_error("%s used %lld\n", csvc_sla_target_name(x), (long long)csvc_sla_target_used(x));
		assert_true(csvc_sla_target_used(x) >= 0);
		csvc_sla_target_free(x);
	}
	csvc_sla_iter_free(it);
	assert_true(n >= 2);
	int equal = 0;
	csvc_assert_ok(csvc_sla_recompute(s, id, 0, &equal));
	assert_true(equal);
	assert_true(w.warnings >= 1);
	assert_non_null(strstr(w.last, "clock"));

	/* The clock comes back: time moves on from there. */
	now_cell = T0 + 3 * HOUR_US;
	csvc_assert_ok(csvc_ticket_transition(s, id, "close", 0, "agent", NULL, NULL));
	csvc_assert_ok(csvc_ticket_get(s, id, &g));
	assert_int_equal(csvc_ticket_updated_at(g), T0 + 3 * HOUR_US);
	csvc_ticket_free(g);
	assert_replay_equal(s, id);
	csvc_ticket_free(t);
	csvc_ticket_free(other);
	csvc_store_close(s);
}


/* The revision a call returns is the ticket's revision after every event
 * the call wrote, SLA events included, so the caller can go on with it. */
static void test_revision_after_sla_events(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *t = open_ticket(s, "inquiry", "SH01", "退货");
	const csvc_uuid *id = csvc_ticket_id(t);
	/* First response (20 min) passed unnoticed: the transition also
	 * records the warning and the breach. */
	now_cell += 30 * MIN_US;
	int64_t rev = 0;
	csvc_assert_ok(csvc_ticket_transition(s, id, "escalate", 1, "agent", NULL, &rev));
	assert_int_equal(rev, sql_int(s, "SELECT revision FROM tickets"));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'sla_breach'"), 1);
	csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "专人处理", NULL, rev, "agent"}, &rev));
	assert_int_equal(rev, sql_int(s, "SELECT revision FROM tickets"));

	/* An update that moves the ticket to another SLA policy. */
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "critical_inquiry", 1));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "inquiry"));
	csvc_assert_ok(csvc_sla_policy_match_priority(p, CSVC_PRIORITY_CRITICAL));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 2 * HOUR_US, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, id, &g));
	csvc_assert_ok(csvc_ticket_set_priority(g, CSVC_PRIORITY_CRITICAL));
	now_cell += MIN_US;
	csvc_assert_ok(csvc_ticket_update(s, g, "supervisor"));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'sla_policy'"), 1);
	assert_int_equal(csvc_ticket_revision(g), sql_int(s, "SELECT revision FROM tickets"));
	csvc_ticket *stored = NULL;
	csvc_assert_ok(csvc_ticket_get(s, id, &stored));
	assert_true(csvc_ticket_equal(g, stored));
	csvc_ticket_free(stored);
	/* It carries on from there without a conflict. */
	csvc_assert_ok(csvc_ticket_set_subject(g, "退货（加急）"));
	csvc_assert_ok(csvc_ticket_update(s, g, "supervisor"));
	csvc_ticket_free(g);
	assert_replay_equal(s, id);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* A customer merge after the clock stepped back dates the tickets'
 * customer_merged events no earlier than their last event. */
static void test_clock_steps_back_before_a_customer_merge(void **state)
{
	(void)state;
	now_cell = T0 + 2 * HOUR_US;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_customer *keep = NULL, *gone = NULL;
	csvc_assert_ok(csvc_customer_new(&keep));
	csvc_assert_ok(csvc_customer_create(s, keep, NULL));
	csvc_assert_ok(csvc_customer_new(&gone));
	csvc_assert_ok(csvc_customer_create(s, gone, NULL));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "合并"));
	csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(gone)));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	now_cell = T0; /* two hours back */
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(keep), csvc_customer_id(gone), NULL, NULL));
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_true(csvc_uuid_equal(csvc_ticket_customer(g), csvc_customer_id(keep)));
	assert_int_equal(csvc_ticket_updated_at(g), T0 + 2 * HOUR_US);
	csvc_ticket_free(g);
	assert_replay_equal(s, csvc_ticket_id(t));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events a JOIN ticket_events b"
	                            " ON a.ticket_id = b.ticket_id AND b.seq = a.seq + 1 WHERE b.at_us < a.at_us"),
	                 0);
	csvc_customer_free(keep);
	csvc_customer_free(gone);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_numbers),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_handbook_workflows_end_to_end),
		cmocka_unit_test(test_revisions_update_assign_comment),
		cmocka_unit_test(test_links_and_merge),
		cmocka_unit_test(test_change_hook),
		cmocka_unit_test(test_workflow_version_pinned),
		cmocka_unit_test(test_replay_matches_random_operations),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_query_plans),
		cmocka_unit_test(test_clock_steps_back),
		cmocka_unit_test(test_clock_steps_back_before_a_customer_merge),
		cmocka_unit_test(test_revision_after_sla_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
