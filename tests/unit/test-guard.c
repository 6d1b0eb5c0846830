/*
 * Transition guards (docs/workflows.md "Guards"): required fields and
 * approvals as part of a workflow version, inputs given with a
 * transition, approvals by role holders, refusals that change nothing.
 * Two handles on one store: `t` in trusted mode, `a` with access control
 * on. Runs on SQLite and, as pg-guard, on PostgreSQL.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static csvc_time_us now_cell;

typedef struct fixture {
	char dir[64], path[96];
	csvc_store *t; /* trusted */
	csvc_store *a; /* access control on */
} fixture;

static void add_staff(csvc_store *s, const char *code, const char *role, int active)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
	if (role)
		csvc_assert_ok(csvc_staff_add_role(st, role));
	csvc_assert_ok(csvc_staff_set_active(st, active));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
}

/* The example of docs/workflows.md "Guards". */
static csvc_workflow *build_repair(void)
{
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "repair"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "new", CSVC_STATE_NEW, "新建", "New"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, "处理中", "Open"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "resolved", CSVC_STATE_RESOLVED, "已解决", "Resolved"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "refunded", CSVC_STATE_RESOLVED, "已退款", "Refunded"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "compensated", CSVC_STATE_RESOLVED, "已补偿", "Compensated"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "closed", CSVC_STATE_CLOSED, "已关闭", "Closed"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "start", "new", "open"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "resolve", "open", "resolved"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "refund", "open", "refunded"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "compensate", "open", "compensated"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "reopen", "resolved", "open"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "reopen", "refunded", "open"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "reopen", "compensated", "open"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "close", "resolved", "closed"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "close", "refunded", "closed"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "close", "compensated", "closed"));
	csvc_assert_ok(csvc_workflow_require_field(wf, "resolve", "outcome"));
	csvc_assert_ok(csvc_workflow_require_field(wf, "resolve", "order_ref"));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "refund", "supervisor", "amount", 500));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "compensate", "finance", NULL, 0));
	return wf;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/csvc-guard-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&f->t, f->path, &o));
	csvc_assert_ok(csvc_store_install_defaults(f->t));
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "finance", "财务", CSVC_ROLE_SCOPE_CHAIN));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_TRANSITION));
	csvc_assert_ok(csvc_role_create(f->t, r, "setup"));
	csvc_role_free(r);
	add_staff(f->t, "alice", "service_agent", 1);
	add_staff(f->t, "sam", "supervisor", 1);
	add_staff(f->t, "fay", "finance", 1);
	add_staff(f->t, "old_sam", "supervisor", 0);
	csvc_workflow *wf = build_repair();
	csvc_assert_ok(csvc_workflow_save(f->t, wf, NULL));
	csvc_workflow_free(wf);
	csvc_assert_ok(csvc_ticket_kind_define(f->t, "repair", "repair", "维修", "Repair"));
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&f->a, f->path, &o));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	csvc_store_close(f->a);
	csvc_store_close(f->t);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A repair ticket moved to "open". */
static csvc_ticket *open_ticket(csvc_store *s)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "repair", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "屏幕碎裂"));
	csvc_assert_ok(csvc_ticket_create(s, t, "alice"));
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "start", 0, "alice", NULL, NULL));
	return t;
}

static char *state_of(csvc_store *s, const csvc_uuid *id)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_get(s, id, &t));
	char *out = strdup(csvc_ticket_state(t));
	csvc_ticket_free(t);
	return out;
}

static void assert_state(csvc_store *s, const csvc_uuid *id, const char *want)
{
	char *st = state_of(s, id);
	assert_string_equal(st, want);
	free(st);
}

/* The payload of the ticket's latest event of type `type`. */
static char *last_payload(csvc_store *s, const csvc_uuid *id, const char *type)
{
	csvc_event_iter *it = NULL;
	csvc_event *ev = NULL;
	char *out = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, id, &it));
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		if (strcmp(csvc_event_type(ev), type) == 0) {
			free(out);
			out = strdup(csvc_event_payload(ev));
		}
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	return out;
}

static int transition_with(csvc_store *s, const csvc_uuid *id, const char *tr, const char *actor,
                           const char *name, const char *value)
{
	csvc_transition_opts o;
	csvc_assert_ok(csvc_transition_opts_init(&o, CSVC_TRANSITION_OPTS_VERSION));
	csvc_transition_input in = {name, value};
	o.actor = actor;
	if (name) {
		o.inputs = &in;
		o.n_inputs = 1;
	}
	return csvc_ticket_transition_ex(s, id, tr, &o, NULL);
}

static int approve_with(csvc_store *s, const csvc_uuid *id, const char *tr, const char *actor, const char *name,
                        const char *value)
{
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in = {name, value};
	o.actor = actor;
	o.note = "checked the receipt";
	if (name) {
		o.inputs = &in;
		o.n_inputs = 1;
	}
	return csvc_ticket_approve(s, id, tr, &o, NULL);
}

static void test_definition(void **state)
{
	fixture *f = *state;
	csvc_workflow *wf = build_repair();
	assert_int_equal(csvc_workflow_guard_count(wf), 4);
	const char *tr, *field, *role;
	int64_t threshold;
	csvc_assert_ok(csvc_workflow_guard_at(wf, 2, &tr, &field, &role, &threshold));
	assert_string_equal(tr, "refund");
	assert_string_equal(field, "amount");
	assert_string_equal(role, "supervisor");
	assert_int_equal(threshold, 500);
	csvc_assert_ok(csvc_workflow_guard_at(wf, 0, &tr, &field, &role, &threshold));
	assert_string_equal(field, "outcome");
	assert_null(role);
	csvc_assert_ok(csvc_workflow_guard_at(wf, 3, NULL, &field, &role, NULL));
	assert_null(field);
	assert_string_equal(role, "finance");
	csvc_assert_err(csvc_workflow_guard_at(wf, 4, &tr, NULL, NULL, NULL), CSVC_ERANGE);
	csvc_assert_err(csvc_workflow_guard_at(NULL, 0, &tr, NULL, NULL, NULL), CSVC_EINVAL);
	assert_int_equal(csvc_workflow_guard_count(NULL), 0);

	/* Refusals change nothing. */
	csvc_assert_err(csvc_workflow_require_field(wf, "fly", "outcome"), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "fly"));
	csvc_assert_err(csvc_workflow_require_field(wf, "resolve", "outcome"), CSVC_EEXISTS);
	csvc_assert_err(csvc_workflow_require_field(wf, "resolve", "Outcome"), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_require_field(wf, "resolve", "out.come"), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_require_field(wf, "resolve", ""), CSVC_ERANGE);
	csvc_assert_err(csvc_workflow_require_field(wf, "resolve", NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_require_field(NULL, "resolve", "x"), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_require_approval(wf, "refund", "supervisor", NULL, 0), CSVC_EEXISTS);
	csvc_assert_err(csvc_workflow_require_approval(wf, "refund", "boss", NULL, 10), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_require_approval(wf, "refund", NULL, NULL, 0), CSVC_EINVAL);
	csvc_assert_err(csvc_workflow_require_approval(wf, "nope", "boss", NULL, 0), CSVC_EINVAL);
	assert_int_equal(csvc_workflow_guard_count(wf), 4);
	csvc_assert_ok(csvc_workflow_validate(wf));

	/* Saving the same definition keeps the version; a changed guard makes
	 * a new one, loaded back with its guards. */
	int32_t v = 0;
	csvc_assert_ok(csvc_workflow_save(f->t, wf, &v));
	assert_int_equal(v, 1);
	csvc_assert_ok(csvc_workflow_require_approval(wf, "refund", "finance", "amount", 5000));
	csvc_assert_ok(csvc_workflow_save(f->t, wf, &v));
	assert_int_equal(v, 2);
	csvc_workflow_free(wf);
	csvc_assert_ok(csvc_workflow_load(f->t, "repair", 2, &wf));
	assert_int_equal(csvc_workflow_guard_count(wf), 5);
	csvc_assert_ok(csvc_workflow_guard_at(wf, 4, &tr, &field, &role, &threshold));
	assert_string_equal(tr, "refund");
	assert_string_equal(field, "amount");
	assert_string_equal(role, "finance");
	assert_int_equal(threshold, 5000);
	csvc_workflow_free(wf);
	csvc_assert_ok(csvc_workflow_load(f->t, "repair", 1, &wf));
	assert_int_equal(csvc_workflow_guard_count(wf), 4);
	csvc_workflow_free(wf);
	/* Different thresholds differ. */
	csvc_workflow *a = build_repair(), *b = NULL;
	csvc_assert_ok(csvc_workflow_new(&b, "repair"));
	csvc_workflow_free(b);
	b = build_repair();
	csvc_assert_ok(csvc_workflow_require_approval(a, "close", "supervisor", "amount", 1));
	csvc_assert_ok(csvc_workflow_require_approval(b, "close", "supervisor", "amount", 2));
	csvc_assert_ok(csvc_workflow_save(f->t, a, &v));
	assert_int_equal(v, 3);
	csvc_assert_ok(csvc_workflow_save(f->t, b, &v));
	assert_int_equal(v, 4);
	csvc_workflow_free(a);
	csvc_workflow_free(b);
}

static void test_required_fields(void **state)
{
	fixture *f = *state;
	csvc_ticket *t = open_ticket(f->t);
	const csvc_uuid *id = csvc_ticket_id(t);
	char *before = csvc_test_dump_at(f->path);
	csvc_assert_err(csvc_ticket_transition(f->t, id, "resolve", 0, "alice", NULL, NULL), CSVC_ESTATE);
	assert_string_equal(csvc_error_last()->message, "transition 'resolve' needs field 'outcome'");
	csvc_assert_err(transition_with(f->t, id, "resolve", "alice", "outcome", ""), CSVC_ESTATE);
	/* The outcome given, the ticket still lacks its order reference. */
	csvc_assert_err(transition_with(f->t, id, "resolve", "alice", "outcome", "换新"), CSVC_ESTATE);
	assert_string_equal(csvc_error_last()->message, "transition 'resolve' needs field 'order_ref'");
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_state(f->t, id, "open");

	csvc_ticket *cur = NULL;
	csvc_assert_ok(csvc_ticket_get(f->t, id, &cur));
	csvc_assert_ok(csvc_ticket_set_order_ref(cur, "SO-2026-0001"));
	csvc_assert_ok(csvc_ticket_update(f->t, cur, "alice"));
	csvc_ticket_free(cur);
	csvc_assert_ok(transition_with(f->t, id, "resolve", "alice", "outcome", "换新 \"new\""));
	assert_state(f->t, id, "resolved");
	char *p = last_payload(f->t, id, "transition");
	assert_non_null(strstr(p, "\"inputs\":{\"outcome\":\"换新 \\\"new\\\"\"}"));
	free(p);
	/* Replay gives the stored ticket. */
	csvc_ticket *stored = NULL, *replayed = NULL;
	csvc_assert_ok(csvc_ticket_get(f->t, id, &stored));
	csvc_assert_ok(csvc_ticket_replay(f->t, id, &replayed));
	assert_true(csvc_ticket_equal(stored, replayed));
	csvc_ticket_free(stored);
	csvc_ticket_free(replayed);
	/* Unguarded transitions need nothing. */
	csvc_assert_ok(csvc_ticket_transition(f->t, id, "close", 0, "alice", NULL, NULL));
	csvc_ticket_free(t);
}

static void test_inputs_misuse(void **state)
{
	fixture *f = *state;
	csvc_ticket *t = open_ticket(f->t);
	const csvc_uuid *id = csvc_ticket_id(t);
	char *before = csvc_test_dump_at(f->path);
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in[CSVC_TRANSITION_MAX_INPUTS + 1];
	char names[CSVC_TRANSITION_MAX_INPUTS + 1][8];
	for (int i = 0; i <= CSVC_TRANSITION_MAX_INPUTS; i++) {
		snprintf(names[i], sizeof(names[i]), "in%d", i);
		in[i] = (csvc_transition_input){names[i], "x"};
	}
	o.inputs = in;
	o.n_inputs = CSVC_TRANSITION_MAX_INPUTS + 1;
	csvc_assert_err(csvc_ticket_transition_ex(f->t, id, "refund", &o, NULL), CSVC_ERANGE);
	o.inputs = NULL;
	o.n_inputs = 1;
	csvc_assert_err(csvc_ticket_transition_ex(f->t, id, "refund", &o, NULL), CSVC_EINVAL);
	csvc_transition_input dup[2] = {{"amount", "1"}, {"amount", "2"}};
	o.inputs = dup;
	o.n_inputs = 2;
	csvc_assert_err(csvc_ticket_transition_ex(f->t, id, "refund", &o, NULL), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "twice"));
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "Amount", "1"), CSVC_EINVAL);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", NULL), CSVC_EINVAL);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "1\n2"), CSVC_EINVAL);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "\xff"), CSVC_EINVAL);
	char big[CSVC_TRANSITION_MAX_INPUT_VALUE + 2];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", big), CSVC_ERANGE);
	/* Guards compare integers. */
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "12.5"), CSVC_EINVAL);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "-"), CSVC_EINVAL);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "99999999999999999999"), CSVC_EINVAL);
	/* A newer struct than the library knows. */
	o.version = CSVC_TRANSITION_OPTS_VERSION + 1;
	csvc_assert_err(csvc_ticket_transition_ex(f->t, id, "refund", &o, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_transition_opts_init(NULL, CSVC_TRANSITION_OPTS_VERSION), CSVC_EINVAL);
	csvc_assert_err(csvc_transition_opts_init(&o, 0), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_transition_ex(NULL, id, "refund", NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_transition_ex(f->t, NULL, "refund", NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_approve(NULL, id, "refund", NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_approve(f->t, NULL, "refund", NULL, NULL), CSVC_EINVAL);
	/* Trusted mode: the approver must be named. */
	csvc_assert_err(csvc_ticket_approve(f->t, id, "refund", NULL, NULL), CSVC_EINVAL);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* At or below the threshold no approval is needed; inputs are
	 * recorded. */
	csvc_assert_ok(transition_with(f->t, id, "refund", "alice", "amount", "-3"));
	char *p = last_payload(f->t, id, "transition");
	assert_non_null(strstr(p, "\"inputs\":{\"amount\":\"-3\"}"));
	free(p);
	csvc_ticket_free(t);
}

static void test_approval_threshold(void **state)
{
	fixture *f = *state;
	csvc_ticket *t = open_ticket(f->t);
	const csvc_uuid *id = csvc_ticket_id(t);
	/* Missing input, then above the threshold without an approval. */
	csvc_assert_err(csvc_ticket_transition(f->t, id, "refund", 0, "alice", NULL, NULL), CSVC_ESTATE);
	assert_non_null(strstr(csvc_error_last()->message, "needs input 'amount'"));
	char *before = csvc_test_dump_at(f->path);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "800"), CSVC_ESTATE);
	assert_string_equal(csvc_error_last()->message,
	                    "transition 'refund' needs approval by role 'supervisor' (amount 800 > 500)");
	/* Approvers without the role, inactive or unknown: nothing written. */
	csvc_assert_err(approve_with(f->t, id, "refund", "alice", "amount", "800"), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "supervisor"));
	csvc_assert_err(approve_with(f->t, id, "refund", "fay", "amount", "800"), CSVC_EACCESS);
	csvc_assert_err(approve_with(f->t, id, "refund", "old_sam", "amount", "800"), CSVC_EACCESS);
	csvc_assert_err(approve_with(f->t, id, "refund", "nobody", "amount", "800"), CSVC_ENOTFOUND);
	/* The approved value must be given; a transition that needs no
	 * approval or is not open from here is refused. */
	csvc_assert_err(approve_with(f->t, id, "refund", "sam", NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(approve_with(f->t, id, "refund", "sam", "amount", "lots"), CSVC_EINVAL);
	csvc_assert_err(approve_with(f->t, id, "resolve", "sam", NULL, NULL), CSVC_ESTATE);
	csvc_assert_err(approve_with(f->t, id, "close", "sam", NULL, NULL), CSVC_ESTATE);
	csvc_assert_ok(approve_with(f->t, id, "refund", "sam", "amount", "800"));
	csvc_ticket *cur = NULL;
	csvc_assert_ok(csvc_ticket_get(f->t, id, &cur));
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	o.actor = "sam";
	o.expected_revision = csvc_ticket_revision(cur) - 1;
	csvc_transition_input amount = {"amount", "900"};
	o.inputs = &amount;
	o.n_inputs = 1;
	csvc_assert_err(csvc_ticket_approve(f->t, id, "refund", &o, NULL), CSVC_ECONFLICT);
	csvc_ticket_free(cur);
	free(before);

	/* The approval covers amounts up to the one approved. */
	before = csvc_test_dump_at(f->path);
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "801"), CSVC_ESTATE);
	assert_string_equal(csvc_error_last()->message,
	                    "transition 'refund' needs approval by role 'supervisor' for amount 801 (approved up to 800)");
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	char *p = last_payload(f->t, id, "approved");
	assert_string_equal(p, "{\"transition\":\"refund\",\"roles\":[\"supervisor\"],\"inputs\":{\"amount\":\"800\"},"
	                       "\"note\":\"checked the receipt\"}");
	free(p);
	csvc_assert_ok(transition_with(f->t, id, "refund", "alice", "amount", "750"));
	assert_state(f->t, id, "refunded");

	/* The approval was consumed: reopened, the next refund needs another. */
	csvc_assert_ok(csvc_ticket_transition(f->t, id, "reopen", 0, "alice", NULL, NULL));
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "600"), CSVC_ESTATE);
	csvc_assert_ok(transition_with(f->t, id, "refund", "alice", "amount", "500"));
	csvc_assert_ok(csvc_ticket_transition(f->t, id, "reopen", 0, "alice", NULL, NULL));
	/* An approval given in another state does not count after a move. */
	int64_t rev = 0;
	csvc_assert_ok(approve_with(f->t, id, "refund", "sam", "amount", "2000"));
	csvc_assert_err(transition_with(f->t, id, "compensate", "alice", NULL, NULL), CSVC_ESTATE);
	assert_non_null(strstr(csvc_error_last()->message, "role 'finance'"));
	csvc_assert_ok(approve_with(f->t, id, "compensate", "fay", NULL, NULL));
	csvc_assert_ok(transition_with(f->t, id, "compensate", "alice", NULL, NULL));
	csvc_assert_ok(csvc_ticket_transition(f->t, id, "reopen", 0, "alice", NULL, &rev));
	csvc_assert_err(transition_with(f->t, id, "refund", "alice", "amount", "900"), CSVC_ESTATE);
	/* Replay still gives the stored ticket. */
	csvc_ticket *stored = NULL, *replayed = NULL;
	csvc_assert_ok(csvc_ticket_get(f->t, id, &stored));
	csvc_assert_ok(csvc_ticket_replay(f->t, id, &replayed));
	assert_true(csvc_ticket_equal(stored, replayed));
	assert_int_equal(csvc_ticket_revision(stored), rev);
	csvc_ticket_free(stored);
	csvc_ticket_free(replayed);
	csvc_ticket_free(t);
}

/* An approver holding two of a transition's roles, one of which needs an
 * input not given: refused before anything is written, so the caller's
 * transaction goes on. */
static void test_approval_checks_before_writing(void **state)
{
	fixture *f = *state;
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "refund2"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, "处理中", "Open"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "refunded", CSVC_STATE_CLOSED, "已退款", "Refunded"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "refund", "open", "refunded"));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "refund", "supervisor", NULL, 0));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "refund", "finance", "amount", 100));
	csvc_assert_ok(csvc_workflow_save(f->t, wf, NULL));
	csvc_workflow_free(wf);
	csvc_assert_ok(csvc_ticket_kind_define(f->t, "refund2", "refund2", "退款", "Refund"));
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "boss", "boss"));
	csvc_assert_ok(csvc_staff_add_role(st, "supervisor"));
	csvc_assert_ok(csvc_staff_add_role(st, "finance"));
	csvc_assert_ok(csvc_staff_create(f->t, st, "setup"));
	csvc_staff_free(st);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "refund2", "SH01"));
	csvc_assert_ok(csvc_ticket_create(f->t, t, "alice"));
	const int64_t before = csvc_test_sql_int(f->t, "SELECT count(*) FROM ticket_approvals");
	csvc_assert_ok(csvc_store_begin(f->t));
	csvc_assert_err(approve_with(f->t, csvc_ticket_id(t), "refund", "boss", NULL, NULL), CSVC_EINVAL);
	assert_non_null(strstr(csvc_error_last()->message, "needs input 'amount'"));
	csvc_comment cm = CSVC_COMMENT_INIT;
	cm.kind = CSVC_COMMENT_NOTE;
	cm.body = "still here";
	cm.actor = "alice";
	csvc_assert_ok(csvc_ticket_comment(f->t, csvc_ticket_id(t), &cm, NULL));
	csvc_assert_ok(csvc_store_commit(f->t));
	assert_int_equal(csvc_test_sql_int(f->t, "SELECT count(*) FROM ticket_approvals"), before);
	/* Given, it approves both roles at once. */
	csvc_assert_ok(approve_with(f->t, csvc_ticket_id(t), "refund", "boss", "amount", "300"));
	assert_int_equal(csvc_test_sql_int(f->t, "SELECT count(*) FROM ticket_approvals"), before + 2);
	csvc_assert_ok(transition_with(f->t, csvc_ticket_id(t), "refund", "alice", "amount", "300"));
	csvc_ticket_free(t);
}

static void test_access_control(void **state)
{
	fixture *f = *state;
	csvc_ticket *t = open_ticket(f->t);
	const csvc_uuid *id = csvc_ticket_id(t);
	char *before = csvc_test_dump_at(f->path);
	/* The service agent may transition but not approve, nor approve in
	 * someone else's name. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	csvc_assert_err(approve_with(f->a, id, "refund", NULL, "amount", "800"), CSVC_EACCESS);
	csvc_assert_err(approve_with(f->a, id, "refund", "sam", "amount", "800"), CSVC_EACCESS);
	csvc_assert_err(transition_with(f->a, id, "refund", NULL, "amount", "800"), CSVC_ESTATE);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* The supervisor approves as the principal. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "sam"));
	int64_t rev = 0;
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input amount = {"amount", "800"};
	o.inputs = &amount;
	o.n_inputs = 1;
	csvc_assert_ok(csvc_ticket_approve(f->a, id, "refund", &o, &rev));
	csvc_ticket *cur = NULL;
	csvc_assert_ok(csvc_ticket_get(f->t, id, &cur));
	assert_int_equal(csvc_ticket_revision(cur), rev);
	csvc_ticket_free(cur);
	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	csvc_assert_ok(transition_with(f->a, id, "refund", NULL, "amount", "800"));
	assert_state(f->t, id, "refunded");
	csvc_ticket_free(t);
}

static void test_plan(void **state)
{
	fixture *f = *state;
	if (csvc_test_on_pg())
		return;
	const char *queries[] = {
		"EXPLAIN QUERY PLAN SELECT count(*), max(approved_value) FROM ticket_approvals WHERE ticket_id = 1"
		" AND transition = 'refund' AND role = 'supervisor' AND from_state = 'open'"
		" AND seq > (SELECT coalesce(max(seq), 0) FROM ticket_events WHERE ticket_id = 1 AND to_state IS NOT NULL)",
		"EXPLAIN QUERY PLAN SELECT transition FROM workflow_guards WHERE workflow_id = 1 ORDER BY position",
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(f->t), queries[i], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			assert_null(strstr(d, "SCAN"));
			assert_null(strstr(d, "TEMP B-TREE"));
		}
		sqlite3_finalize(st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_definition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inputs_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approval_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approval_checks_before_writing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
