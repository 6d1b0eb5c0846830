/*
 * Hand-offs: sub-tasks for departments, the parent's events and list of
 * sub-tasks, the guards (refusals change nothing), the SLA pause while a
 * sub-task is open (exact due times, recompute), the sub-task lookup's
 * query plan.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"
#include "store-sqlite.h"
#include "ticket/ticket-internal.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */
#define HOUR ((int64_t)3600 * CSVC_SECOND_US)

static csvc_time_us now_cell;
static char path[64];

static csvc_store *open_store(void)
{
	/* A path of its own for each store: on PostgreSQL it names the schema. */
	static int serial;
	now_cell = T0;
	snprintf(path, sizeof(path), "/tmp/csvc-handoff-%d-%d.db", (int)getpid(), ++serial);
	unlink(path);
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = csvc_test_clock;
	opts.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, path, &opts));
	csvc_assert_ok(csvc_store_install_defaults(s));
	return s;
}

static void close_store(csvc_store *s)
{
	csvc_store_close(s);
	char side[80];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static csvc_ticket *new_ticket(csvc_store *s, const char *kind)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "顾客反映停车场照明坏了"));
	csvc_assert_ok(csvc_ticket_set_assignee(t, "desk1", "consult"));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk1"));
	return t;
}

static void add_member(csvc_store *s, const char *code, const char *team)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	csvc_assert_ok(csvc_staff_add_team(st, team));
	csvc_assert_ok(csvc_staff_create(s, st, NULL));
	csvc_staff_free(st);
}

/* The type and payload of event `seq` of a ticket. */
static void event_at(csvc_store *s, const csvc_uuid *id, int64_t seq, char *type, size_t tn, char *payload,
                     size_t pn)
{
	csvc_event_iter *it = NULL;
	csvc_event *ev = NULL;
	int found = 0;
	csvc_assert_ok(csvc_ticket_history_new(s, id, &it));
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		if (csvc_event_seq(ev) == seq) {
			snprintf(type, tn, "%s", csvc_event_type(ev));
			snprintf(payload, pn, "%s", csvc_event_payload(ev) ? csvc_event_payload(ev) : "");
			found = 1;
		}
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	assert_true(found);
}

static void transition(csvc_store *s, const csvc_ticket *t, const char *name)
{
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), name, 0, "dept", NULL, NULL));
}

static void test_handoff_and_return(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	add_member(s, "p01", "property");
	csvc_ticket *parent = new_ticket(s, "facility");
	now_cell = T0 + HOUR;
	csvc_handoff h;
	csvc_assert_ok(csvc_handoff_init(&h, CSVC_HANDOFF_VERSION));
	h.department = "property";
	h.subject = "更换停车场B区照明";
	h.assignee = "p01";
	h.expected_revision = csvc_ticket_revision(parent);
	h.actor = "desk1";
	csvc_ticket *child = NULL;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &child));
	assert_string_equal(csvc_ticket_kind(child), "handoff");
	assert_string_equal(csvc_ticket_state(child), "requested");
	assert_string_equal(csvc_ticket_team(child), "property");
	assert_string_equal(csvc_ticket_assignee(child), "p01");
	assert_string_equal(csvc_ticket_store_code(child), "SH01");
	assert_string_not_equal(csvc_ticket_number(child), csvc_ticket_number(parent));
	assert_int_equal(csvc_ticket_revision(child), 2); /* created, linked */

	/* The parent keeps its desk and state; its history names the child. */
	csvc_ticket *p2 = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(parent), &p2));
	assert_string_equal(csvc_ticket_assignee(p2), "desk1");
	assert_string_equal(csvc_ticket_team(p2), "consult");
	assert_string_equal(csvc_ticket_state(p2), csvc_ticket_state(parent));
	assert_int_equal(csvc_ticket_revision(p2), 2);
	assert_int_equal(csvc_ticket_updated_at(p2), T0 + HOUR);
	char type[64], payload[512], want[512];
	event_at(s, csvc_ticket_id(parent), 2, type, sizeof(type), payload, sizeof(payload));
	assert_string_equal(type, "handed_off");
	snprintf(want, sizeof(want), "{\"child\":\"%s\",\"department\":\"property\",\"link\":\"parent_of\"}",
	         csvc_ticket_number(child));
	assert_string_equal(payload, want);
	event_at(s, csvc_ticket_id(child), 2, type, sizeof(type), payload, sizeof(payload));
	assert_string_equal(type, "linked");
	/* The replay of both still equals the row. */
	csvc_ticket *r = NULL;
	csvc_assert_ok(csvc_ticket_replay(s, csvc_ticket_id(parent), &r));
	assert_true(csvc_ticket_equal(r, p2));
	csvc_ticket_free(r);
	csvc_assert_ok(csvc_ticket_replay(s, csvc_ticket_id(child), &r));
	assert_true(csvc_ticket_equal(r, child));
	csvc_ticket_free(r);
	csvc_ticket_free(p2);

	/* A second one, unassigned: the department's team holds it. */
	h.assignee = NULL;
	h.expected_revision = 0;
	h.department = "finance";
	h.kind = "inquiry";
	csvc_ticket *child2 = NULL;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &child2));
	assert_null(csvc_ticket_assignee(child2));
	assert_string_equal(csvc_ticket_team(child2), "finance");
	assert_string_equal(csvc_ticket_kind(child2), "inquiry");

	csvc_ticket **list = NULL;
	size_t n = 0, open = 0;
	csvc_assert_ok(csvc_ticket_subtasks(s, csvc_ticket_id(parent), &list, &n, &open));
	assert_int_equal(n, 2);
	assert_int_equal(open, 2);
	assert_string_equal(csvc_ticket_number(list[0]), csvc_ticket_number(child));
	assert_string_equal(csvc_ticket_number(list[1]), csvc_ticket_number(child2));
	csvc_ticket_subtasks_free(list, n);

	/* The child ends: the parent hears of it in the same transaction. */
	now_cell = T0 + 2 * HOUR;
	transition(s, child, "accept");
	now_cell = T0 + 3 * HOUR;
	transition(s, child, "complete");
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(parent), &p2));
	assert_int_equal(csvc_ticket_revision(p2), 4);
	event_at(s, csvc_ticket_id(parent), 4, type, sizeof(type), payload, sizeof(payload));
	assert_string_equal(type, "handoff_returned");
	snprintf(want, sizeof(want),
	         "{\"child\":\"%s\",\"department\":\"property\",\"state\":\"done\",\"state_category\":5}",
	         csvc_ticket_number(child));
	assert_string_equal(payload, want);
	csvc_ticket_free(p2);
	csvc_assert_ok(csvc_ticket_subtasks(s, csvc_ticket_id(parent), &list, &n, NULL));
	assert_int_equal(n, 2);
	assert_string_equal(csvc_ticket_state(list[0]), "done");
	assert_int_equal(csvc_ticket_state_category(list[0]), CSVC_STATE_CLOSED);
	csvc_ticket_subtasks_free(list, n);
	csvc_assert_ok(csvc_ticket_subtasks(s, csvc_ticket_id(parent), &list, &n, &open));
	assert_int_equal(open, 1);
	csvc_ticket_subtasks_free(list, n);
	/* Reopened: the parent hears of that too. */
	transition(s, child, "reopen");
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(parent), &p2));
	event_at(s, csvc_ticket_id(parent), 5, type, sizeof(type), payload, sizeof(payload));
	assert_string_equal(type, "handoff_reopened");
	csvc_ticket_free(p2);
	/* A ticket without sub-tasks lists none. */
	csvc_assert_ok(csvc_ticket_subtasks(s, csvc_ticket_id(child), &list, &n, &open));
	assert_int_equal(n, 0);
	assert_int_equal(open, 0);
	assert_null(list);

	csvc_ticket_free(child);
	csvc_ticket_free(child2);
	csvc_ticket_free(parent);
	close_store(s);
}

/* A refused hand-off changes nothing in the store. */
static void refused(csvc_store *s, const csvc_uuid *parent, const csvc_handoff *h, int code)
{
	char *before = csvc_test_dump_at(path);
	csvc_ticket *child = (csvc_ticket *)(uintptr_t)1;
	csvc_assert_err(csvc_ticket_handoff(s, parent, h, &child), code);
	assert_ptr_equal(child, (csvc_ticket *)(uintptr_t)1);
	char *after = csvc_test_dump_at(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_guards(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	add_member(s, "f01", "finance");
	add_member(s, "c01", "consult");
	csvc_ticket *parent = new_ticket(s, "complaint");
	csvc_handoff h = CSVC_HANDOFF_INIT;
	refused(s, csvc_ticket_id(parent), &h, CSVC_EINVAL); /* no department */
	h.department = "nowhere";
	refused(s, csvc_ticket_id(parent), &h, CSVC_ENOTFOUND);
	h.department = "consult"; /* a customer-service group */
	refused(s, csvc_ticket_id(parent), &h, CSVC_EINVAL);
	h.department = "Finance!";
	refused(s, csvc_ticket_id(parent), &h, CSVC_EINVAL);
	h.department = "finance";
	h.assignee = "c01"; /* not in the department */
	refused(s, csvc_ticket_id(parent), &h, CSVC_EINVAL);
	h.assignee = "nobody";
	refused(s, csvc_ticket_id(parent), &h, CSVC_ENOTFOUND);
	h.assignee = NULL;
	h.kind = "no_such_kind";
	refused(s, csvc_ticket_id(parent), &h, CSVC_ENOTFOUND);
	h.kind = NULL;
	h.subject = "\xff\xfe";
	refused(s, csvc_ticket_id(parent), &h, CSVC_EINVAL);
	h.subject = NULL;
	h.expected_revision = 7;
	refused(s, csvc_ticket_id(parent), &h, CSVC_ECONFLICT);
	h.expected_revision = 0;
	csvc_uuid unknown = {{0}};
	unknown.bytes[0] = 9;
	refused(s, &unknown, &h, CSVC_ENOTFOUND);
	csvc_handoff future = h;
	future.version = CSVC_HANDOFF_VERSION + 1;
	refused(s, csvc_ticket_id(parent), &future, CSVC_EINVAL);
	refused(s, csvc_ticket_id(parent), NULL, CSVC_EINVAL);

	/* A deactivated department. */
	csvc_team *team = NULL;
	csvc_assert_ok(csvc_team_get(s, "marketing", &team));
	csvc_assert_ok(csvc_team_set_active(team, 0));
	csvc_assert_ok(csvc_team_update(s, team, NULL));
	csvc_team_free(team);
	h.department = "marketing";
	refused(s, csvc_ticket_id(parent), &h, CSVC_ESTATE);

	/* No hand-off from a sub-task (one level). */
	h.department = "finance";
	csvc_ticket *child = NULL;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &child));
	refused(s, csvc_ticket_id(child), &h, CSVC_ESTATE);

	/* Nor from a closed or cancelled ticket. */
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(parent), "cancel", 0, NULL, NULL, NULL));
	refused(s, csvc_ticket_id(parent), &h, CSVC_ESTATE);

	csvc_ticket_free(child);
	csvc_ticket_free(parent);
	close_store(s);
}

/* The status, due time and used time of a ticket's target `name`. */
static void target_of(csvc_store *s, const csvc_uuid *ticket, const char *name, int32_t *status,
                      csvc_time_us *due, int64_t *used)
{
	csvc_sla_iter *it = NULL;
	csvc_sla_target *t = NULL;
	int found = 0;
	csvc_assert_ok(csvc_sla_ticket_targets(s, ticket, &it));
	while (csvc_sla_iter_next(it, &t) == CSVC_OK) {
		if (strcmp(csvc_sla_target_name(t), name) == 0) {
			*status = csvc_sla_target_status(t);
			*due = csvc_sla_target_due_at(t);
			*used = csvc_sla_target_used(t);
			found = 1;
		}
		csvc_sla_target_free(t);
	}
	csvc_sla_iter_free(it);
	assert_true(found);
}

static void test_sla_pause(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "facility_handoff", 0));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "facility"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 10 * HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_pause_on_handoff(p, i, 1));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "plain", 10 * HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_err(csvc_sla_target_pause_on_handoff(p, 5, 1), CSVC_ERANGE);
	csvc_assert_err(csvc_sla_target_pause_on_handoff(NULL, 0, 1), CSVC_EINVAL);
	int32_t version = 0;
	csvc_assert_ok(csvc_sla_policy_save(s, p, &version));
	assert_int_equal(version, 1);
	/* The setting is stored: loading and saving again keeps the version,
	 * turning it off makes a new one. */
	csvc_sla_policy *loaded = NULL;
	csvc_assert_ok(csvc_sla_policy_load(s, "facility_handoff", 0, &loaded));
	csvc_assert_ok(csvc_sla_policy_save(s, loaded, &version));
	assert_int_equal(version, 1);
	csvc_sla_policy_free(loaded);

	csvc_ticket *parent = new_ticket(s, "facility");
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "property";
	csvc_ticket *c1 = NULL, *c2 = NULL;
	int32_t status;
	csvc_time_us due;
	int64_t used;
	/* 1 h running, then two hand-offs (2 h apart) that overlap. */
	now_cell = T0 + HOUR;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &c1));
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_PAUSED);
	assert_int_equal(used, HOUR);
	target_of(s, csvc_ticket_id(parent), "plain", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_RUNNING);
	assert_int_equal(due, T0 + 10 * HOUR);
	now_cell = T0 + 2 * HOUR;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &c2));
	now_cell = T0 + 3 * HOUR;
	transition(s, c1, "decline"); /* one still open: still paused */
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_PAUSED);
	assert_int_equal(used, HOUR);
	now_cell = T0 + 5 * HOUR;
	transition(s, c2, "accept");
	now_cell = T0 + 6 * HOUR;
	transition(s, c2, "complete"); /* none open: runs again from 6 h */
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_RUNNING);
	assert_int_equal(due, T0 + 6 * HOUR + 9 * HOUR);
	/* A reopened sub-task pauses it again, 1 h later. */
	now_cell = T0 + 7 * HOUR;
	transition(s, c2, "reopen");
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_PAUSED);
	assert_int_equal(used, 2 * HOUR);
	now_cell = T0 + 8 * HOUR;
	transition(s, c2, "complete");
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(due, T0 + 8 * HOUR + 8 * HOUR);
	target_of(s, csvc_ticket_id(parent), "plain", &status, &due, &used);
	assert_int_equal(due, T0 + 10 * HOUR);
	/* The clocks are what the parent's events say. */
	int equal = 0;
	csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(parent), 0, &equal));
	assert_true(equal);
	csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(c2), 0, &equal));
	assert_true(equal);

	csvc_sla_policy_free(p);
	csvc_ticket_free(c1);
	csvc_ticket_free(c2);
	csvc_ticket_free(parent);
	close_store(s);
}

/* A policy change to a policy that pauses on hand-offs, while one is
 * open, pauses at the change; the recompute agrees. */
static void test_sla_rematch_while_open(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *parent = new_ticket(s, "facility");
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "property";
	csvc_ticket *child = NULL;
	now_cell = T0 + HOUR;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &child));
	int32_t status;
	csvc_time_us due;
	int64_t used;
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_RUNNING); /* the handbook default does not pause */
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "facility_handoff", 0));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "facility"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 10 * HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_pause_on_handoff(p, i, 1));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	now_cell = T0 + 2 * HOUR;
	int moved = 0;
	csvc_assert_ok(csvc_sla_rematch(s, csvc_ticket_id(parent), &moved));
	assert_true(moved);
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_PAUSED);
	assert_int_equal(used, 2 * HOUR);
	now_cell = T0 + 5 * HOUR;
	transition(s, child, "decline");
	target_of(s, csvc_ticket_id(parent), "resolution", &status, &due, &used);
	assert_int_equal(status, CSVC_SLA_RUNNING);
	assert_int_equal(due, T0 + 5 * HOUR + 8 * HOUR);
	int equal = 0;
	csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(parent), 0, &equal));
	assert_true(equal);
	csvc_ticket_free(child);
	csvc_ticket_free(parent);
	close_store(s);
}

/* A merge that cancels a sub-task returns it too. */
static void test_merge_returns(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *parent = new_ticket(s, "inquiry");
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "hr";
	csvc_ticket *a = NULL, *b = NULL;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &a));
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &b));
	csvc_assert_ok(csvc_ticket_merge(s, csvc_ticket_id(a), csvc_ticket_id(b), NULL));
	csvc_ticket **list = NULL;
	size_t n = 0, open = 0;
	csvc_assert_ok(csvc_ticket_subtasks(s, csvc_ticket_id(parent), &list, &n, &open));
	assert_int_equal(n, 2);
	assert_int_equal(open, 1);
	csvc_ticket_subtasks_free(list, n);
	csvc_ticket *p2 = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(parent), &p2));
	char type[64], payload[512];
	event_at(s, csvc_ticket_id(parent), csvc_ticket_revision(p2), type, sizeof(type), payload, sizeof(payload));
	assert_string_equal(type, "handoff_returned");
	csvc_ticket_free(p2);
	csvc_ticket_free(a);
	csvc_ticket_free(b);
	csvc_ticket_free(parent);
	close_store(s);
}

/* A workflow migration that ends a sub-task returns it to its parent, as
 * a transition would; one that leaves it open writes nothing there. */
static void test_migration_returns(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_ticket *parent = new_ticket(s, "inquiry");
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "hr";
	csvc_ticket *a = NULL, *b = NULL;
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &a));
	csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(parent), &h, &b));
	transition(s, a, "accept");
	/* Version 2 of "handoff" drops "accepted": what was accepted is done. */
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "handoff"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "requested", CSVC_STATE_NEW, "待接收", "Requested"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "done", CSVC_STATE_CLOSED, "已完成", "Done"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "declined", CSVC_STATE_CANCELLED, "已退回", "Declined"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "complete", "requested", "done"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "decline", "requested", "declined"));
	int32_t version = 0;
	csvc_assert_ok(csvc_workflow_save(s, wf, &version));
	assert_int_equal(version, 2);
	csvc_workflow_free(wf);
	csvc_ticket *before = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(parent), &before));
	const char *from[] = {"accepted"}, *to[] = {"done"};
	int64_t moved = 0;
	csvc_assert_ok(csvc_workflow_migrate_tickets(s, "handoff", 1, 2, from, to, 1, "admin", &moved));
	assert_int_equal(moved, 2);
	csvc_ticket **list = NULL;
	size_t n = 0, open = 0;
	csvc_assert_ok(csvc_ticket_subtasks(s, csvc_ticket_id(parent), &list, &n, &open));
	assert_int_equal(n, 2);
	assert_int_equal(open, 1); /* b, still requested */
	csvc_ticket_subtasks_free(list, n);
	csvc_ticket *after = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(parent), &after));
	assert_int_equal(csvc_ticket_revision(after), csvc_ticket_revision(before) + 1);
	char type[64], payload[512];
	event_at(s, csvc_ticket_id(parent), csvc_ticket_revision(after), type, sizeof(type), payload, sizeof(payload));
	assert_string_equal(type, "handoff_returned");
	char want[128];
	snprintf(want, sizeof(want), "{\"child\":\"%s\",\"department\":\"hr\",\"state\":\"done\"", csvc_ticket_number(a));
	assert_non_null(strstr(payload, want));
	csvc_ticket_free(before);
	csvc_ticket_free(after);
	csvc_ticket_free(a);
	csvc_ticket_free(b);
	csvc_ticket_free(parent);
	close_store(s);
}

static void assert_plan(csvc_store *s, const char *sql, const char *must_contain)
{
	char eqp[1024];
	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL), SQLITE_OK);
	char plan[2048] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	int bad = strstr(plan, "SCAN ticket_handoffs") != NULL || strstr(plan, "USE TEMP B-TREE") != NULL ||
	          strstr(plan, "SCAN ticket_events") != NULL;
	if (bad || !strstr(plan, must_contain))
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_false(bad);
	assert_non_null(strstr(plan, must_contain));
}

static void test_query_plans(void **state)
{
	(void)state;
	/* SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg())
		return;
	csvc_store *s = open_store();
	for (int round = 0; round < 2; round++) {
		assert_plan(s, "SELECT child_id FROM ticket_handoffs WHERE parent_id = 1 ORDER BY child_id",
		            "ticket_handoffs_parent");
		assert_plan(s, "SELECT h.parent_id, t.uuid, h.department FROM ticket_handoffs h"
		               " JOIN tickets t ON t.id = h.parent_id WHERE h.child_id = 1",
		            "INTEGER PRIMARY KEY");
		assert_plan(s, "SELECT coalesce(sum(CASE WHEN type = 'handoff_returned' THEN -1 ELSE 1 END), 0)"
		               " FROM ticket_events WHERE ticket_id = 1"
		               " AND type IN ('handed_off', 'handoff_returned', 'handoff_reopened')",
		            "INDEX");
		if (round)
			break;
		/* and with the statistics of a populated store */
		csvc_ticket *parent = new_ticket(s, "inquiry");
		csvc_handoff h = CSVC_HANDOFF_INIT;
		h.department = "finance";
		csvc_assert_ok(csvc_store_begin(s));
		for (int k = 0; k < 300; k++) {
			csvc_ticket *t = new_ticket(s, "inquiry");
			csvc_ticket *c = NULL;
			csvc_assert_ok(csvc_ticket_handoff(s, csvc_ticket_id(k % 3 ? t : parent), &h, &c));
			csvc_ticket_free(c);
			csvc_ticket_free(t);
		}
		csvc_assert_ok(csvc_store_commit(s));
		csvc_ticket_free(parent);
		assert_int_equal(sqlite3_exec(CSVC_TEST_SQLITE(s), "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	}
	close_store(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handoff_and_return),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_sla_pause),
		cmocka_unit_test(test_sla_rematch_while_open),
		cmocka_unit_test(test_merge_returns),
		cmocka_unit_test(test_migration_returns),
		cmocka_unit_test(test_query_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
