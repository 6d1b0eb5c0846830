/*
 * Fault injection: sqlite3_step, sqlite3_prepare_v2/v3, sqlite3_exec,
 * sqlite3_open_v2 and sqlite3_wal_checkpoint_v2 are wrapped (-Wl,--wrap)
 * so that the N-th call of one kind fails, or the N-th COMMIT (a step of
 * the cached COMMIT statement, or an exec of it). For every writing API
 * call and every N up to the call's own number of such calls, the call
 * must fail cleanly and leave the database equal in content to what it
 * was before. csvc_store_open must leave no store and no half-made file;
 * csvc_customer_scrub and csvc_store_checkpoint must report the failure
 * and keep the scrub pending.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"

int __real_sqlite3_step(sqlite3_stmt *st);
int __wrap_sqlite3_step(sqlite3_stmt *st);
int __real_sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail);
int __wrap_sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail);
int __real_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned int flags, sqlite3_stmt **st,
                              const char **tail);
int __wrap_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned int flags, sqlite3_stmt **st,
                              const char **tail);
int __real_sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *ud,
                        char **err);
int __wrap_sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *ud,
                        char **err);
int __real_sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs);
int __wrap_sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs);
int __real_sqlite3_wal_checkpoint_v2(sqlite3 *db, const char *name, int mode, int *log, int *done);
int __wrap_sqlite3_wal_checkpoint_v2(sqlite3 *db, const char *name, int mode, int *log, int *done);

/* Which calls count down to the failure. */
enum { F_STEP, F_PREPARE, F_EXEC, F_OPEN, F_CHECKPOINT, F_COMMIT };
static int fault_kind = F_STEP;
static int countdown; /* 0: disarmed; n: the n-th call of that kind from now fails */
static int fail_code = SQLITE_IOERR;
/* Fail every call (1), or under CSVC_FAULTS_QUICK=1 (the valgrind test
 * setup) every fifth, with one error code for store opens: memcheck is
 * about 35 times slower, and AddressSanitizer runs the whole set. */
static int stride = 1;
static int silent_rollback; /* also roll back, as SQLite itself does on some I/O errors */

static int hit(int kind)
{
	return countdown > 0 && kind == fault_kind && --countdown == 0;
}

static int is_commit(const char *sql)
{
	return sql && strncmp(sql, "COMMIT", 6) == 0;
}

int __wrap_sqlite3_step(sqlite3_stmt *st)
{
	if (hit(F_STEP) || (is_commit(sqlite3_sql(st)) && hit(F_COMMIT))) {
		if (silent_rollback)
			sqlite3_exec(sqlite3_db_handle(st), "ROLLBACK", NULL, NULL, NULL);
		return fail_code;
	}
	return __real_sqlite3_step(st);
}

int __wrap_sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail)
{
	if (hit(F_PREPARE)) {
		*st = NULL;
		return fail_code;
	}
	return __real_sqlite3_prepare_v2(db, sql, n, st, tail);
}

int __wrap_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned int flags, sqlite3_stmt **st,
                              const char **tail)
{
	if (hit(F_PREPARE)) {
		*st = NULL;
		return fail_code;
	}
	return __real_sqlite3_prepare_v3(db, sql, n, flags, st, tail);
}

int __wrap_sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *ud,
                        char **err)
{
	if (hit(F_EXEC) || (is_commit(sql) && hit(F_COMMIT))) {
		if (err)
			*err = sqlite3_mprintf("injected failure");
		return fail_code;
	}
	return __real_sqlite3_exec(db, sql, cb, ud, err);
}

/* As SQLite does: a handle comes back with the error, to be closed. */
int __wrap_sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
	int rc = __real_sqlite3_open_v2(name, db, flags, vfs);
	if (rc == SQLITE_OK && hit(F_OPEN))
		return fail_code;
	return rc;
}

int __wrap_sqlite3_wal_checkpoint_v2(sqlite3 *db, const char *name, int mode, int *log, int *done)
{
	if (hit(F_CHECKPOINT)) {
		if (log)
			*log = -1;
		if (done)
			*done = -1;
		return fail_code;
	}
	return __real_sqlite3_wal_checkpoint_v2(db, name, mode, log, done);
}

static char dir[64];
static char path[128];
static csvc_time_us now_cell = (csvc_time_us)1767225600 * CSVC_SECOND_US;

/* Every row of every table (tests/store-dump.h), with no fault armed. */
static char *dump(void)
{
	int saved = countdown;
	countdown = 0;
	char *out = csvc_test_dump(path);
	countdown = saved;
	return out;
}

typedef int (*op_fn)(csvc_store *s, void *ctx);

/* For F_PREPARE: the store is reopened before each attempt, so that its
 * statement cache is cold and the call prepares what it needs. */
static csvc_store_options reopen_opts;
static void reopen(csvc_store **sp);

/* Runs `op` with the 1st, 2nd, ... call of the armed kind (fault_kind)
 * failing until it succeeds; each failure must leave the store unchanged.
 * Returns how many calls could fail. */
static int fail_every_call(csvc_store **sp, op_fn op, void *ctx, int kind, int code)
{
	fail_code = code;
	char *before = dump();
	int failures = 0;
	for (int k = 1;; k += stride) {
		if (kind == F_PREPARE)
			reopen(sp);
		csvc_store *s = *sp;
		fault_kind = kind;
		countdown = k;
		int rc = op(s, ctx);
		int fired = countdown == 0;
		countdown = 0;
		fault_kind = F_STEP;
		if (!fired) {
			assert_int_equal(rc, CSVC_OK);
			break;
		}
		if (rc == CSVC_OK) {
			/* A failing step that the library may legitimately absorb
			 * (e.g. a best-effort checkpoint after commit). */
			break;
		}
		assert_true(rc < 0);
		assert_true(csvc_error_last()->message[0] != '\0');
		assert_int_equal(csvc_store_tx_depth(s), 0);
		char *after = dump();
		if (strcmp(before, after) != 0)
			print_error("store changed after failing call %d of kind %d (code %d)\n", k, kind, rc);
		assert_string_equal(before, after);
		free(after);
		failures++;
	}
	free(before);
	return failures * stride; /* the failure points spanned */
}

static int fail_every_step(csvc_store *s, op_fn op, void *ctx, int code)
{
	return fail_every_call(&s, op, ctx, F_STEP, code);
}

static csvc_customer *rich_draft(const char *name, const char *card)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	csvc_assert_ok(csvc_customer_add_phone(c, "13800000000"));
	csvc_assert_ok(csvc_customer_add_email(c, "a@example.cn"));
	csvc_assert_ok(csvc_customer_add_tag(c, "t1"));
	csvc_assert_ok(csvc_customer_set_attr(c, "k", "v"));
	csvc_assert_ok(csvc_customer_add_external_id(c, "member_card", card));
	return c;
}

static int op_create(csvc_store *s, void *ctx)
{
	static int serial;
	char card[32];
	snprintf(card, sizeof(card), "CARD-%d", ++serial);
	csvc_customer *c = rich_draft("新顾客", card);
	int rc = csvc_customer_create(s, c, "op");
	if (rc == CSVC_OK)
		*(csvc_uuid *)ctx = *csvc_customer_id(c);
	else
		assert_int_equal(csvc_customer_revision(c), 0);
	csvc_customer_free(c);
	return rc;
}

static int op_update(csvc_store *s, void *ctx)
{
	csvc_customer *c = NULL;
	int saved = countdown;
	countdown = 0;
	csvc_assert_ok(csvc_customer_get(s, (csvc_uuid *)ctx, &c));
	countdown = saved;
	csvc_assert_ok(csvc_customer_set_name(c, "renamed"));
	csvc_assert_ok(csvc_customer_add_phone(c, "13900000000"));
	csvc_assert_ok(csvc_customer_remove_tag(c, "t1"));
	csvc_assert_ok(csvc_customer_set_lifecycle(c, CSVC_LIFECYCLE_MATURE));
	int64_t rev = csvc_customer_revision(c);
	int rc = csvc_customer_update(s, c, "op");
	if (rc)
		assert_int_equal(csvc_customer_revision(c), rev);
	csvc_customer_free(c);
	return rc;
}

/* Staff: ctx receives (create) and names (update) the staff code. */
static int op_staff_create(csvc_store *s, void *ctx)
{
	static int serial;
	char *code = ctx;
	snprintf(code, 32, "staff-%d", ++serial);
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, "员工"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "zh"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	csvc_assert_ok(csvc_staff_add_role(st, "cashier"));
	int rc = csvc_staff_create(s, st, "op");
	if (rc)
		assert_int_equal(csvc_staff_revision(st), 0);
	csvc_staff_free(st);
	return rc;
}

/* An appraisal of the staff member ctx names: a failure writes no row
 * or feed entry. */
static int op_appraisal_record(csvc_store *s, void *ctx)
{
	csvc_appraisal_form f = CSVC_APPRAISAL_FORM_INIT;
	f.staff = ctx;
	f.period = "2026";
	f.source = CSVC_APPRAISAL_CUSTOMER;
	f.customer_satisfaction = 5;
	return csvc_appraisal_record(s, &f, "op", NULL);
}

static int op_staff_update(csvc_store *s, void *ctx)
{
	csvc_staff *st = NULL;
	int saved = countdown;
	countdown = 0;
	csvc_assert_ok(csvc_staff_get(s, ctx, &st));
	countdown = saved;
	csvc_assert_ok(csvc_staff_set_name(st, "改名"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_CHANNEL, "phone"));
	csvc_assert_ok(csvc_staff_remove_team(st, "consult"));
	csvc_assert_ok(csvc_staff_add_team(st, "hr"));
	csvc_assert_ok(csvc_staff_remove_role(st, "cashier"));
	csvc_assert_ok(csvc_staff_add_role(st, "guide"));
	csvc_assert_ok(csvc_staff_set_active(st, 0));
	int64_t rev = csvc_staff_revision(st);
	int rc = csvc_staff_update(s, st, "op");
	if (rc)
		assert_int_equal(csvc_staff_revision(st), rev);
	csvc_staff_free(st);
	return rc;
}

/* Roles: ctx receives (create) and names (update) the role code. */
static int op_role_create(csvc_store *s, void *ctx)
{
	static int serial;
	char *code = ctx;
	snprintf(code, 32, "role-%d", ++serial);
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, code, "角色", CSVC_ROLE_SCOPE_STORE));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_CREATE));
	int rc = csvc_role_create(s, r, "op");
	if (rc)
		assert_int_equal(csvc_role_revision(r), 0);
	csvc_role_free(r);
	return rc;
}

static int op_role_update(csvc_store *s, void *ctx)
{
	csvc_role *r = NULL;
	int saved = countdown;
	countdown = 0;
	csvc_assert_ok(csvc_role_get(s, ctx, &r));
	countdown = saved;
	csvc_assert_ok(csvc_role_set_name(r, "改名"));
	csvc_assert_ok(csvc_role_set_scope(r, CSVC_ROLE_SCOPE_CHAIN));
	csvc_assert_ok(csvc_role_revoke(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_AUDIT_READ));
	int64_t rev = csvc_role_revision(r);
	int rc = csvc_role_update(s, r, "op");
	if (rc)
		assert_int_equal(csvc_role_revision(r), rev);
	csvc_role_free(r);
	return rc;
}

/* Queues: ctx receives (create) and names (update) the queue code. */
static int op_queue_create(csvc_store *s, void *ctx)
{
	static int serial;
	char *code = ctx;
	snprintf(code, 32, "queue-%d", ++serial);
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_new(&q, code, "队列"));
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	f.team = "consult";
	f.states = CSVC_QUEUE_STATES_OPEN;
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	int rc = csvc_queue_create(s, q, "op");
	if (rc)
		assert_int_equal(csvc_queue_revision(q), 0);
	csvc_queue_free(q);
	return rc;
}

static int op_queue_update(csvc_store *s, void *ctx)
{
	csvc_queue *q = NULL;
	int saved = countdown;
	countdown = 0;
	csvc_assert_ok(csvc_queue_get(s, ctx, &q));
	countdown = saved;
	csvc_assert_ok(csvc_queue_set_name(q, "改名"));
	csvc_assert_ok(csvc_queue_set_owner(q, "complaints", NULL));
	int64_t rev = csvc_queue_revision(q);
	int rc = csvc_queue_update(s, q, "op");
	if (rc)
		assert_int_equal(csvc_queue_revision(q), rev);
	csvc_queue_free(q);
	return rc;
}

/* Time worked on the ticket ctx names. */
static int op_log_work(csvc_store *s, void *ctx)
{
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	e.staff = "faults.agent";
	e.duration_us = 600 * CSVC_SECOND_US;
	e.note = "回访";
	return csvc_ticket_log_work(s, ctx, &e, "op");
}

static int op_role_install_defaults(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_role_install_defaults(s);
}

typedef struct pair {
	csvc_uuid keep, absorb;
} pair;

static int op_merge(csvc_store *s, void *ctx)
{
	pair *p = ctx;
	csvc_merge_report *r = NULL;
	int rc = csvc_customer_merge(s, &p->keep, &p->absorb, "op", &r);
	if (rc)
		assert_null(r);
	csvc_merge_report_free(r);
	return rc;
}

static int op_erase(csvc_store *s, void *ctx)
{
	return csvc_customer_erase(s, (csvc_uuid *)ctx, "op");
}

static int op_ticket_create(csvc_store *s, void *ctx)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "投诉"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "phone"));
	int rc = csvc_ticket_create(s, t, "op");
	if (rc == CSVC_OK)
		*(csvc_uuid *)ctx = *csvc_ticket_id(t);
	else
		assert_null(csvc_ticket_number(t));
	csvc_ticket_free(t);
	return rc;
}

/* Staff references: adopting the free text written before (ctx: the
 * least number of staff members it must create), then the setting. */
static int op_staff_adopt(csvc_store *s, void *ctx)
{
	int64_t ns = -1, nt = -1;
	int rc = csvc_staff_adopt(s, NULL, &ns, &nt);
	if (rc == CSVC_OK)
		assert_true(ns >= *(int64_t *)ctx);
	else
		assert_int_equal(ns, -1);
	return rc;
}

static int op_staff_set_references(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_staff_set_references(s, 1, "op");
}

/* A suggestion, routed in its create by the rule "faults.route". */
static int op_routed_create(csvc_store *s, void *ctx)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "suggestion", "SH01"));
	int rc = csvc_ticket_create(s, t, "op");
	if (rc == CSVC_OK) {
		*(csvc_uuid *)ctx = *csvc_ticket_id(t);
		assert_non_null(csvc_ticket_assignee(t));
	} else {
		assert_null(csvc_ticket_number(t));
	}
	csvc_ticket_free(t);
	return rc;
}

/* Routed again: round robin moves it to the other member every time. */
static int op_ticket_route(csvc_store *s, void *ctx)
{
	return csvc_ticket_route(s, (csvc_uuid *)ctx, 0, "op", NULL);
}

/* A hand-off of the ticket ctx names; the child, for its return. */
static csvc_uuid handed_child;
static int op_ticket_handoff(csvc_store *s, void *ctx)
{
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "finance";
	h.subject = "退款审核";
	h.actor = "op";
	csvc_ticket *child = NULL;
	int rc = csvc_ticket_handoff(s, (csvc_uuid *)ctx, &h, &child);
	if (rc == CSVC_OK)
		handed_child = *csvc_ticket_id(child);
	else
		assert_null(child);
	csvc_ticket_free(child);
	return rc;
}

/* The child declines: the parent's "handoff_returned" goes with it. */
static int op_handoff_return(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_ticket_transition(s, &handed_child, "decline", 0, "op", NULL, NULL);
}

static int op_ticket_transition(csvc_store *s, void *ctx)
{
	return csvc_ticket_transition(s, (csvc_uuid *)ctx, "analyse", 0, "op", "note", NULL);
}

/* A ticket whose "refund" above 500 needs a supervisor's approval. */
static void guarded_ticket(csvc_store *s, csvc_uuid *id)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "faults_guarded", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退款"));
	csvc_assert_ok(csvc_ticket_create(s, t, "setup"));
	*id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
}

static int op_ticket_approve(csvc_store *s, void *ctx)
{
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in = {"amount", "800"};
	o.actor = "faults.sup";
	o.inputs = &in;
	o.n_inputs = 1;
	return csvc_ticket_approve(s, (csvc_uuid *)ctx, "refund", &o, NULL);
}

static int op_ticket_transition_ex(csvc_store *s, void *ctx)
{
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in = {"amount", "800"};
	o.actor = "op";
	o.inputs = &in;
	o.n_inputs = 1;
	return csvc_ticket_transition_ex(s, (csvc_uuid *)ctx, "refund", &o, NULL);
}

static int op_ticket_comment(csvc_store *s, void *ctx)
{
	return csvc_ticket_comment(s, (csvc_uuid *)ctx, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "已处理", NULL, 0, "op"}, NULL);
}


/* Surveys: an invitation, a response by token (every step of it) and an
 * anonymous response. The token is made by the test outside the failing
 * window. */
static int op_survey_invite(csvc_store *s, void *ctx)
{
	csvc_survey_context c = CSVC_SURVEY_CONTEXT_INIT;
	c.ticket = (const csvc_uuid *)ctx;
	c.method = CSVC_METHOD_PHONE_CALLBACK;
	char token[CSVC_SURVEY_TOKEN_LEN + 1] = "";
	int rc = csvc_survey_invite(s, "post_resolution", &c, token);
	if (rc)
		assert_string_equal(token, "");
	return rc;
}

static csvc_survey_answers *post_answers(void)
{
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "response_speed", 5));
	csvc_assert_ok(csvc_survey_answers_score(a, "resolution_efficiency", 4));
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 4));
	csvc_assert_ok(csvc_survey_answers_text(a, "comment", "很好"));
	return a;
}

static int op_survey_respond(csvc_store *s, void *ctx)
{
	csvc_survey_answers *a = post_answers();
	csvc_uuid id = {{0}};
	int rc = csvc_survey_respond(s, (const char *)ctx, a, &id);
	if (rc)
		assert_true(csvc_uuid_is_nil(&id));
	csvc_survey_answers_free(a);
	return rc;
}

static int op_survey_anonymous(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "recommend", 9));
	csvc_survey_context c = CSVC_SURVEY_CONTEXT_INIT;
	c.store_code = "SH01";
	c.method = CSVC_METHOD_TILL;
	int rc = csvc_survey_respond_anonymous(s, "nps", &c, a, NULL);
	csvc_survey_answers_free(a);
	return rc;
}

static int op_transactions(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_report_record_transactions(s, "SH01", 20260101, 1234);
}

static int64_t sql_count(const char *sql);

/* The feed: a consumer's cursor moved to the head, a batch read, the
 * cursor reset and the consumer deleted (each leaves nothing on failure). */
static int op_feed_ack(csvc_store *s, void *ctx)
{
	(void)ctx;
	int64_t head = 0;
	int rc = csvc_feed_head(s, &head);
	return rc ? rc : csvc_feed_ack(s, "faults", head);
}

static int op_feed_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_feed_iter *it = NULL;
	int rc = csvc_feed_read(s, "faults.reader", 50, &it);
	if (rc)
		return rc;
	const csvc_feed_entry *e;
	int n = 0;
	while (csvc_feed_iter_next(it, &e) == CSVC_OK)
		n++;
	csvc_feed_iter_free(it);
	assert_true(n > 0);
	return CSVC_OK;
}

static int op_feed_reset(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_feed_reset(s, "faults", 1);
}

static int op_feed_delete(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_feed_delete(s, "faults");
}

/* A fresh invitation token for `ticket`, made with no failure armed. */
static void fresh_token(csvc_store *s, const csvc_uuid *ticket, char *token)
{
	csvc_survey_context c = CSVC_SURVEY_CONTEXT_INIT;
	c.ticket = ticket;
	c.method = CSVC_METHOD_RECEIPT_QR;
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &c, token));
}

/* csvc_sla_advance commits alarm by alarm: a failure keeps the alarms
 * already committed and loses or half-writes none; calling again goes on. */
static int64_t advance_through_failures(csvc_store *s, csvc_time_us to, int code)
{
	fail_code = code;
	int64_t total = 0;
	int failures = 0;
	for (int k = 1;; k += stride) {
		int64_t n = 0;
		countdown = k;
		int rc = csvc_sla_advance(s, to, NULL, NULL, &n);
		int fired = countdown == 0;
		countdown = 0;
		total += n;
		assert_int_equal(csvc_store_tx_depth(s), 0);
		if (!fired) {
			csvc_assert_ok(rc);
			break;
		}
		if (rc != CSVC_OK)
			failures++;
	}
	assert_true(failures > 3);
	return total;
}

static int64_t sql_count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int hook_calls;
static void count_hook(const csvc_event *ev, void *ud)
{
	(void)ev;
	(void)ud;
	hook_calls++;
}

static void test_every_write_fails_cleanly(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csvc-faults-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.db", dir);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	/* The handbook's roles on a store without any: all or none. */
	assert_true(fail_every_step(s, op_role_install_defaults, NULL, SQLITE_IOERR) > 9);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_set_change_hook(s, count_hook, NULL));
	/* Suggestions are routed between two members of the consultation group. */
	for (int i = 0; i < 2; i++) {
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, i ? "faults.r2" : "faults.r1", "坐席"));
		csvc_assert_ok(csvc_staff_add_team(st, "consult"));
		csvc_assert_ok(csvc_staff_create(s, st, "setup"));
		csvc_staff_free(st);
	}
	csvc_route_rule *rule = NULL;
	csvc_assert_ok(csvc_route_rule_new(&rule, "faults.route", "consult", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_kind(rule, "suggestion"));
	csvc_assert_ok(csvc_route_rule_create(s, rule, "setup"));
	csvc_route_rule_free(rule);
	csvc_customer *base = rich_draft("老顾客", "CARD-OLD");
	csvc_assert_ok(csvc_customer_create(s, base, NULL));
	csvc_staff *agent = NULL;
	csvc_assert_ok(csvc_staff_new(&agent, "faults.agent", "客服"));
	csvc_assert_ok(csvc_staff_create(s, agent, NULL));
	csvc_staff_free(agent);

	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "faults_guarded"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, "处理中", "Open"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "refunded", CSVC_STATE_CLOSED, "已退款", "Refunded"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "refund", "open", "refunded"));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "refund", "supervisor", "amount", 500));
	csvc_assert_ok(csvc_workflow_save(s, wf, NULL));
	csvc_workflow_free(wf);
	csvc_assert_ok(csvc_ticket_kind_define(s, "faults_guarded", "faults_guarded", "退款", "Refund"));
	csvc_staff *sup = NULL;
	csvc_assert_ok(csvc_staff_new(&sup, "faults.sup", "主管"));
	csvc_assert_ok(csvc_staff_add_role(sup, "supervisor"));
	csvc_assert_ok(csvc_staff_create(s, sup, NULL));
	csvc_staff_free(sup);

	static const int codes[] = {SQLITE_IOERR, SQLITE_FULL, SQLITE_BUSY, SQLITE_NOMEM};
	for (size_t ci = 0; ci < sizeof(codes) / sizeof(codes[0]); ci++) {
		csvc_uuid created;
		assert_true(fail_every_step(s, op_create, &created, codes[ci]) > 5);
		assert_true(fail_every_step(s, op_update, &created, codes[ci]) > 5);
		pair p = {*csvc_customer_id(base), created};
		assert_true(fail_every_step(s, op_merge, &p, codes[ci]) > 5);
		/* a fresh one to erase */
		csvc_uuid victim;
		assert_int_equal(op_create(s, &victim), CSVC_OK);
		assert_true(fail_every_step(s, op_erase, &victim, codes[ci]) > 3);

		/* Staff: a failed create or update writes no row, event or entry. */
		char staff_code[32];
		assert_true(fail_every_step(s, op_staff_create, staff_code, codes[ci]) > 5);
		assert_true(fail_every_step(s, op_staff_update, staff_code, codes[ci]) > 5);
		assert_true(fail_every_step(s, op_appraisal_record, staff_code, codes[ci]) > 2);
		/* Roles: a failed create or update writes no row or entry. */
		char role_code[32];
		assert_true(fail_every_step(s, op_role_create, role_code, codes[ci]) > 3);
		assert_true(fail_every_step(s, op_role_update, role_code, codes[ci]) > 3);
		/* Staff references: a failed adoption creates nobody and leaves
		 * the setting off; so does a failed change of the setting. */
		{
			char who[32];
			snprintf(who, sizeof(who), "faults adopt %zu", ci);
			csvc_ticket *t = NULL;
			csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
			csvc_assert_ok(csvc_ticket_set_assignee(t, who, NULL));
			csvc_assert_ok(csvc_ticket_create(s, t, NULL));
			csvc_ticket_free(t);
			/* Who, and the actors of the writes above the first time. */
			int64_t expect = ci == 0 ? 2 : 1;
			assert_true(fail_every_step(s, op_staff_adopt, &expect, codes[ci]) > 3);
			assert_int_equal(csvc_staff_references(s), 1);
			csvc_assert_ok(csvc_staff_set_references(s, 0, NULL));
			assert_true(fail_every_step(s, op_staff_set_references, NULL, codes[ci]) > 1);
			csvc_assert_ok(csvc_staff_set_references(s, 0, NULL));
		}
		/* Queues: the same. */
		char queue_code[32];
		assert_true(fail_every_step(s, op_queue_create, queue_code, codes[ci]) > 3);
		assert_true(fail_every_step(s, op_queue_update, queue_code, codes[ci]) > 3);

		/* Tickets: a failed call writes nothing and tells the hook nothing. */
		csvc_uuid ticket;
		hook_calls = 0;
		assert_true(fail_every_step(s, op_ticket_create, &ticket, codes[ci]) > 5);
		assert_int_equal(hook_calls, 1);
		assert_true(fail_every_step(s, op_ticket_transition, &ticket, codes[ci]) > 2);
		assert_true(fail_every_step(s, op_ticket_comment, &ticket, codes[ci]) > 2);
		/* Time worked: no row and no entry, and the hook hears nothing. */
		assert_true(fail_every_step(s, op_log_work, &ticket, codes[ci]) > 2);
		assert_int_equal(hook_calls, 3);
		/* Guards: a failed approval or guarded transition writes no
		 * approval, event or state. */
		csvc_uuid guarded;
		guarded_ticket(s, &guarded);
		assert_true(fail_every_step(s, op_ticket_approve, &guarded, codes[ci]) > 2);
		assert_true(fail_every_step(s, op_ticket_transition_ex, &guarded, codes[ci]) > 2);
		/* Routing: a failed routed create or route writes nothing, and
		 * the rule's turn stays where it was. */
		csvc_uuid routed;
		assert_true(fail_every_step(s, op_routed_create, &routed, codes[ci]) > 5);
		assert_true(fail_every_step(s, op_ticket_route, &routed, codes[ci]) > 3);
		/* Hand-offs: a failed one writes no child, link or event on the
		 * parent; a failed return leaves both tickets as they were. */
		assert_true(fail_every_step(s, op_ticket_handoff, &ticket, codes[ci]) > 5);
		assert_true(fail_every_step(s, op_handoff_return, NULL, codes[ci]) > 3);

		/* Surveys: a failed invitation or response writes nothing; the
		 * invitation stays answerable, and is answered exactly once. */
		int64_t responses = sql_count("SELECT count(*) FROM survey_responses");
		assert_true(fail_every_step(s, op_survey_invite, &ticket, codes[ci]) > 3);
		char token[CSVC_SURVEY_TOKEN_LEN + 1];
		fresh_token(s, &ticket, token);
		assert_true(fail_every_step(s, op_survey_respond, token, codes[ci]) > 5);
		assert_int_equal(sql_count("SELECT count(*) FROM survey_responses"), responses + 1);
		assert_int_equal(op_survey_respond(s, token), CSVC_EEXISTS);
		assert_true(fail_every_step(s, op_survey_anonymous, NULL, codes[ci]) > 3);
		assert_true(fail_every_step(s, op_transactions, NULL, codes[ci]) > 1);

		/* The feed: consumers fail cleanly, and every source row that the
		 * failures above left has its entry, at positions without a gap. */
		assert_true(fail_every_step(s, op_feed_ack, NULL, codes[ci]) >= 2);
		assert_true(fail_every_step(s, op_feed_read, NULL, codes[ci]) >= 2);
		assert_true(fail_every_step(s, op_feed_reset, NULL, codes[ci]) >= 2);
		assert_true(fail_every_step(s, op_feed_delete, NULL, codes[ci]) >= 1);
		assert_int_equal(sql_count("SELECT sum(count) FROM feed"),
		                 sql_count("SELECT (SELECT count(*) FROM ticket_events) + (SELECT count(*) FROM customer_events)"
		                           " + (SELECT count(*) FROM feed_records)"));
		assert_int_equal(sql_count("SELECT sum(count) FROM feed"), sql_count("SELECT max(pos + count - 1) FROM feed"));

		/* SLA advance: a failure anywhere, the final commit included,
		 * leaves no alarm half-written; retried, each alarm appears once. */
		csvc_time_us to = now_cell + 200 * 3600 * CSVC_SECOND_US;
		int64_t before = sql_count("SELECT count(*) FROM ticket_events WHERE type LIKE 'sla_%'");
		int64_t emitted = advance_through_failures(s, to, codes[ci]);
		assert_true(emitted >= 4); /* handled and reported_back: warning and breach each */
		assert_int_equal(sql_count("SELECT count(*) FROM ticket_events WHERE type LIKE 'sla_%'"), before + emitted);
		assert_int_equal(sql_count("SELECT count(*) FROM (SELECT ticket_id, payload FROM ticket_events"
		                           " WHERE type IN ('sla_warning', 'sla_breach')"
		                           " GROUP BY ticket_id, payload HAVING count(*) > 1)"),
		                 0);
		int equal = 0;
		csvc_assert_ok(csvc_sla_recompute(s, &ticket, 0, &equal));
		assert_true(equal);
		int64_t again = 0;
		csvc_assert_ok(csvc_sla_advance(s, to, NULL, NULL, &again));
		assert_int_equal(again, 0);
		now_cell = to;
	}
	csvc_customer_free(base);
	csvc_store_close(s);
}

static void reopen(csvc_store **sp)
{
	int saved = countdown;
	countdown = 0;
	csvc_store_close(*sp);
	*sp = NULL;
	csvc_assert_ok(csvc_store_open(sp, path, &reopen_opts));
	csvc_assert_ok(csvc_store_set_change_hook(*sp, count_hook, NULL));
	countdown = saved;
}

/* The writing calls again, with prepares, execs and COMMITs failing: each
 * fails cleanly and changes nothing. `min` is the least number of failures
 * each call must have seen (every call prepares on a cold cache and
 * commits once). */
static void fail_other_calls(csvc_store **sp, const csvc_uuid *base, int kind, int code, int min)
{
	csvc_uuid created;
	assert_true(fail_every_call(sp, op_create, &created, kind, code) >= min);
	assert_true(fail_every_call(sp, op_update, &created, kind, code) >= min);
	pair p = {*base, created};
	assert_true(fail_every_call(sp, op_merge, &p, kind, code) >= min);
	csvc_uuid victim;
	assert_int_equal(op_create(*sp, &victim), CSVC_OK);
	assert_true(fail_every_call(sp, op_erase, &victim, kind, code) >= min);
	csvc_uuid ticket;
	assert_true(fail_every_call(sp, op_ticket_create, &ticket, kind, code) >= min);
	assert_true(fail_every_call(sp, op_ticket_transition, &ticket, kind, code) >= min);
	assert_true(fail_every_call(sp, op_ticket_comment, &ticket, kind, code) >= min);
	assert_true(fail_every_call(sp, op_survey_invite, &ticket, kind, code) >= min);
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	fresh_token(*sp, &ticket, token);
	int64_t responses = sql_count("SELECT count(*) FROM survey_responses");
	assert_true(fail_every_call(sp, op_survey_respond, token, kind, code) >= min);
	assert_int_equal(sql_count("SELECT count(*) FROM survey_responses"), responses + 1);
	assert_true(fail_every_call(sp, op_survey_anonymous, NULL, kind, code) >= min);
	assert_true(fail_every_call(sp, op_transactions, NULL, kind, code) >= min);
	assert_true(fail_every_call(sp, op_feed_ack, NULL, kind, code) >= min);
	assert_true(fail_every_call(sp, op_feed_reset, NULL, kind, code) >= min);
	assert_true(fail_every_call(sp, op_feed_delete, NULL, kind, code) >= min);
}

static void test_prepare_exec_commit_failures(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csvc-faults-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.db", dir);
	reopen_opts = (csvc_store_options)CSVC_STORE_OPTIONS_INIT;
	reopen_opts.clock = csvc_test_clock;
	reopen_opts.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &reopen_opts));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_set_change_hook(s, count_hook, NULL));
	csvc_customer *base = rich_draft("老顾客", "CARD-OLD-2");
	csvc_assert_ok(csvc_customer_create(s, base, NULL));
	static const int codes[] = {SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM};
	for (size_t ci = 0; ci < sizeof(codes) / sizeof(codes[0]); ci++) {
		fail_other_calls(&s, csvc_customer_id(base), F_PREPARE, codes[ci], 1);
		fail_other_calls(&s, csvc_customer_id(base), F_EXEC, codes[ci], 0);
	}
	/* A failed COMMIT, busy or an I/O error: nothing of the call stays. */
	static const int commit_codes[] = {SQLITE_BUSY, SQLITE_IOERR, SQLITE_IOERR_FSYNC, SQLITE_FULL};
	for (size_t ci = 0; ci < sizeof(commit_codes) / sizeof(commit_codes[0]); ci++) {
		hook_calls = 0;
		fail_other_calls(&s, csvc_customer_id(base), F_COMMIT, commit_codes[ci], 1);
		/* Only the committed ticket operations reached the hook. */
		assert_int_equal(hook_calls, 3);
	}
	/* ...and when SQLite rolls the transaction back itself as it fails. */
	silent_rollback = 1;
	hook_calls = 0;
	fail_other_calls(&s, csvc_customer_id(base), F_COMMIT, SQLITE_IOERR, 1);
	assert_int_equal(hook_calls, 3);
	silent_rollback = 0;
	/* A failed COMMIT inside csvc_store_commit: the caller's transaction
	 * is gone and nothing of it stays. */
	for (size_t ci = 0; ci < sizeof(commit_codes) / sizeof(commit_codes[0]); ci++) {
		char *before = dump();
		csvc_assert_ok(csvc_store_begin(s));
		csvc_customer *c = rich_draft("in tx", "CARD-COMMIT");
		csvc_assert_ok(csvc_customer_create(s, c, NULL));
		csvc_customer_free(c);
		fail_code = commit_codes[ci];
		fault_kind = F_COMMIT;
		countdown = 1;
		int rc = csvc_store_commit(s);
		assert_int_equal(countdown, 0);
		fault_kind = F_STEP;
		assert_true(rc < 0);
		assert_true(csvc_error_last()->message[0] != '\0');
		assert_int_equal(csvc_store_tx_depth(s), 0);
		char *after = dump();
		assert_string_equal(before, after);
		free(before);
		free(after);
	}
	csvc_customer_free(base);
	csvc_store_close(s);
}

/* csvc_customer_scrub and csvc_store_checkpoint: a failure anywhere is
 * reported, changes no row, and leaves the scrub pending. */
static int op_scrub(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_customer_scrub(s);
}

static int op_checkpoint(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_store_checkpoint(s);
}

/* Erases a fresh customer inside a transaction: the scrub is left pending. */
static void make_scrub_pending(csvc_store *s)
{
	csvc_uuid victim;
	csvc_assert_ok(csvc_store_begin(s));
	assert_int_equal(op_create(s, &victim), CSVC_OK);
	csvc_assert_ok(csvc_customer_erase(s, &victim, "op"));
	csvc_assert_ok(csvc_store_commit(s));
	csvc_time_us since = 0;
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_true(since != 0);
}

static void test_scrub_and_checkpoint_failures(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csvc-faults-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.db", dir);
	reopen_opts = (csvc_store_options)CSVC_STORE_OPTIONS_INIT;
	reopen_opts.clock = csvc_test_clock;
	reopen_opts.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &reopen_opts));
	for (int i = 0; i < 20; i++) {
		csvc_uuid id;
		assert_int_equal(op_create(s, &id), CSVC_OK);
	}
	static const int kinds[] = {F_STEP, F_PREPARE, F_EXEC, F_CHECKPOINT, F_COMMIT};
	static const int codes[] = {SQLITE_IOERR, SQLITE_BUSY};
	for (size_t ki = 0; ki < sizeof(kinds) / sizeof(kinds[0]); ki++)
		for (size_t ci = 0; ci < (stride > 1 ? 1 : sizeof(codes) / sizeof(codes[0])); ci++) {
			make_scrub_pending(s);
			fail_code = codes[ci];
			for (int k = 1;; k += stride) {
				if (kinds[ki] == F_PREPARE)
					reopen(&s);
				fault_kind = kinds[ki];
				countdown = k;
				int rc = csvc_customer_scrub(s);
				int fired = countdown == 0;
				countdown = 0;
				fault_kind = F_STEP;
				int had_message = csvc_error_last()->message[0] != '\0';
				csvc_time_us since = 0;
				csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
				if (!fired) {
					csvc_assert_ok(rc);
					assert_int_equal(since, 0);
					break;
				}
				if (rc == CSVC_OK) {
					/* absorbed: then the scrub did finish */
					assert_int_equal(since, 0);
					break;
				}
				assert_true(rc < 0);
				assert_true(had_message);
				assert_int_equal(csvc_store_tx_depth(s), 0);
				if (since == 0)
					print_error("scrub failed (kind %d, call %d, code %d) and cleared the mark\n",
					            kinds[ki], k, rc);
				assert_true(since != 0);
			}
			/* A checkpoint fails cleanly too. */
			int failures = fail_every_call(&s, op_checkpoint, NULL, kinds[ki], codes[ci]);
			if (kinds[ki] == F_CHECKPOINT)
				assert_int_equal(failures, stride); /* one call can fail */
		}
	/* An erase outside a transaction whose scrub fails: the erasure is
	 * committed, the erase succeeds and the scrub stays pending. */
	csvc_uuid victim;
	assert_int_equal(op_create(s, &victim), CSVC_OK);
	fail_code = SQLITE_IOERR;
	fault_kind = F_CHECKPOINT;
	countdown = 1;
	csvc_assert_ok(csvc_customer_erase(s, &victim, "op"));
	assert_int_equal(countdown, 0);
	fault_kind = F_STEP;
	csvc_time_us since = 0;
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_true(since != 0);
	csvc_assert_ok(fail_every_call(&s, op_scrub, NULL, F_STEP, SQLITE_IOERR) >= 1 ? CSVC_OK : -1);
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, 0);
	csvc_store_close(s);
}

/* csvc_store_open: a failed open returns no store, and leaves no file or
 * a complete store behind (never a half-migrated one), and no temporary
 * files; on an existing store, changes nothing. */
static int count_files(const char *d)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", d);
	FILE *f = popen(cmd, "r");
	int n = -1;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static void test_open_failures(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csvc-faults-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/open.db", dir);
	static const int kinds[] = {F_OPEN, F_STEP, F_PREPARE, F_EXEC, F_COMMIT, F_CHECKPOINT};
	static const int codes[] = {SQLITE_IOERR, SQLITE_BUSY, SQLITE_CANTOPEN};
	int32_t want = csvc_store_schema_version_supported();
	for (size_t ki = 0; ki < sizeof(kinds) / sizeof(kinds[0]); ki++)
		for (size_t ci = 0; ci < (stride > 1 ? 1 : sizeof(codes) / sizeof(codes[0])); ci++) {
			fail_code = codes[ci];
			/* creating a store */
			for (int k = 1;; k += stride) {
				csvc_store *s = NULL;
				fault_kind = kinds[ki];
				countdown = k;
				int rc = csvc_store_open(&s, path, NULL);
				int fired = countdown == 0;
				countdown = 0;
				fault_kind = F_STEP;
				if (rc) {
					assert_true(rc < 0);
					assert_true(fired);
					assert_true(csvc_error_last()->message[0] != '\0');
					assert_null(s);
					/* nothing, or a whole store at `path`: no temporary file */
					int n = count_files(dir);
					if (n != 0 && access(path, F_OK) != 0)
						print_error("open failed (kind %d, call %d): %d stray files\n", kinds[ki], k, n);
					assert_true(n == 0 || access(path, F_OK) == 0);
				} else {
					csvc_store_close(s);
				}
				if (access(path, F_OK) == 0) {
					csvc_store *c = NULL;
					int32_t v = 0;
					csvc_assert_ok(csvc_store_open(&c, path, NULL));
					csvc_assert_ok(csvc_store_schema_version(c, &v));
					assert_int_equal(v, want);
					csvc_store_close(c);
				}
				if (!fired)
					break;
				char cmd[160];
				snprintf(cmd, sizeof(cmd), "rm -f '%s'/*", dir);
				assert_int_equal(system(cmd), 0);
			}
			/* opening an existing store */
			csvc_store *s = NULL;
			csvc_assert_ok(csvc_store_open(&s, path, NULL));
			csvc_uuid id;
			assert_int_equal(op_create(s, &id), CSVC_OK);
			csvc_store_close(s);
			char *before = dump();
			for (int k = 1;; k += stride) {
				s = NULL;
				fault_kind = kinds[ki];
				countdown = k;
				int rc = csvc_store_open(&s, path, NULL);
				int fired = countdown == 0;
				countdown = 0;
				fault_kind = F_STEP;
				if (rc) {
					assert_true(rc < 0);
					assert_true(csvc_error_last()->message[0] != '\0');
					assert_null(s);
				} else {
					csvc_store_close(s);
				}
				char *after = dump();
				assert_string_equal(before, after);
				free(after);
				if (!fired)
					break;
			}
			free(before);
			char cmd[160];
			snprintf(cmd, sizeof(cmd), "rm -f '%s'/*", dir);
			assert_int_equal(system(cmd), 0);
		}
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Inside the caller's transaction: a call that fails before writing
 * leaves the caller's work alone; one that fails after writing rolls the
 * whole transaction back and the transaction reports itself aborted. */
static void test_failure_inside_caller_transaction(void **state)
{
	(void)state;
	csvc_store *s = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	int64_t before;
	csvc_assert_ok(csvc_customer_count(s, NULL, &before));
	char *snapshot = dump();

	/* Validation failure: the transaction goes on. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer *a = rich_draft("in tx", "CARD-TX-A");
	csvc_assert_ok(csvc_customer_create(s, a, NULL));
	csvc_customer *dup = rich_draft("dup card", "CARD-TX-A");
	csvc_assert_err(csvc_customer_create(s, dup, NULL), CSVC_EEXISTS);
	assert_int_equal(csvc_store_tx_depth(s), 1);
	csvc_assert_ok(csvc_store_commit(s));
	int64_t after;
	csvc_assert_ok(csvc_customer_count(s, NULL, &after));
	assert_int_equal(after, before + 1);
	free(snapshot);
	snapshot = dump();

	/* Storage failure at every step of a create inside a transaction that
	 * already holds work: either the call fails before writing and the
	 * work survives, or the whole transaction is rolled back. */
	int survived = 0, aborted = 0;
	for (int k = 1;; k += stride) {
		csvc_assert_ok(csvc_store_begin(s));
		csvc_customer *w = rich_draft("earlier work", "CARD-TX-W");
		csvc_assert_ok(csvc_customer_create(s, w, NULL));
		csvc_customer *b = rich_draft("fails", "CARD-TX-B");
		fail_code = SQLITE_IOERR;
		countdown = k;
		int rc = csvc_customer_create(s, b, NULL);
		int fired = countdown == 0;
		countdown = 0;
		csvc_customer_free(w);
		csvc_customer_free(b);
		if (!fired) {
			csvc_assert_ok(rc);
			csvc_assert_ok(csvc_store_rollback(s));
			break;
		}
		assert_true(rc < 0);
		assert_int_equal(csvc_store_tx_depth(s), 1);
		csvc_customer *f = NULL;
		if (csvc_customer_find_by_external_id(s, "member_card", "CARD-TX-W", &f) == CSVC_OK) {
			csvc_customer_free(f);
			survived++;
			csvc_assert_ok(csvc_store_rollback(s));
		} else {
			aborted++;
			csvc_customer *more = rich_draft("more", "CARD-TX-C");
			csvc_assert_err(csvc_customer_create(s, more, NULL), CSVC_ESTATE);
			csvc_customer_free(more);
			csvc_assert_err(csvc_store_commit(s), CSVC_ESTORAGE);
		}
		assert_int_equal(csvc_store_tx_depth(s), 0);
		char *now_dump = dump();
		assert_string_equal(snapshot, now_dump);
		free(now_dump);
	}
	assert_true(survived > 0);
	assert_true(aborted > 0);
	free(snapshot);
	csvc_customer_free(a);
	csvc_customer_free(dup);
	csvc_store_close(s);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* User savepoints still roll back just their own level. */
static void test_user_savepoints(void **state)
{
	(void)state;
	csvc_time_us t = 0;
	csvc_store *s = csvc_test_store(&t);
	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer *a = rich_draft("outer", "SP-A");
	csvc_assert_ok(csvc_customer_create(s, a, NULL));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer *b = rich_draft("inner", "SP-B");
	csvc_assert_ok(csvc_customer_create(s, b, NULL));
	csvc_assert_ok(csvc_store_rollback(s));
	csvc_assert_ok(csvc_store_commit(s));
	int64_t n;
	csvc_assert_ok(csvc_customer_count(s, NULL, &n));
	assert_int_equal(n, 1);
	csvc_customer_free(a);
	csvc_customer_free(b);
	csvc_store_close(s);
}

/* SQLite may roll a transaction back on its own when a step fails, even
 * a read's. The store must notice: later calls in that transaction fail,
 * and the caller's commit reports the loss instead of committing half. */
static void test_silent_rollback(void **state)
{
	(void)state;
	csvc_time_us t = 0;
	csvc_store *s = csvc_test_store(&t);
	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer *a = rich_draft("before", "SR-A");
	csvc_assert_ok(csvc_customer_create(s, a, NULL));
	csvc_customer *got = NULL;
	silent_rollback = 1;
	countdown = 1;
	assert_true(csvc_customer_get(s, csvc_customer_id(a), &got) < 0);
	countdown = 0;
	silent_rollback = 0;
	assert_null(got);
	assert_int_equal(csvc_store_tx_depth(s), 1);
	csvc_customer *b = rich_draft("after", "SR-B");
	csvc_assert_err(csvc_customer_create(s, b, NULL), CSVC_ESTATE);
	csvc_assert_err(csvc_store_begin(s), CSVC_ESTATE);
	assert_int_equal(csvc_store_tx_depth(s), 1);
	assert_true(csvc_store_commit(s) < 0);
	assert_int_equal(csvc_store_tx_depth(s), 0);
	int64_t n = -1;
	csvc_assert_ok(csvc_customer_count(s, NULL, &n));
	assert_int_equal(n, 0);
	/* The store is usable again. */
	csvc_assert_ok(csvc_customer_create(s, b, NULL));
	csvc_assert_ok(csvc_customer_count(s, NULL, &n));
	assert_int_equal(n, 1);
	csvc_customer_free(a);
	csvc_customer_free(b);
	csvc_store_close(s);
}

/* A hook that runs a failing transaction of its own while the events of
 * a committed transaction are being delivered must not lose the rest of
 * them. */
static csvc_store *hook_store;
static int hook_seen, hook_inner_rc;
static void failing_hook(const csvc_event *ev, void *ud)
{
	(void)ev;
	(void)ud;
	if (hook_seen++)
		return;
	csvc_customer *c = rich_draft("from hook", "HOOK-1");
	csvc_assert_ok(csvc_store_begin(hook_store));
	fail_code = SQLITE_IOERR;
	countdown = 3;
	hook_inner_rc = csvc_customer_create(hook_store, c, NULL);
	countdown = 0;
	csvc_store_rollback(hook_store);
	csvc_customer_free(c);
}

static void test_hook_failure_keeps_committed_events(void **state)
{
	(void)state;
	csvc_time_us t = 0;
	csvc_store *s = hook_store = csvc_test_store(&t);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_set_change_hook(s, failing_hook, NULL));
	csvc_assert_ok(csvc_store_begin(s));
	for (int k = 0; k < 3; k++) {
		csvc_ticket *tk = NULL;
		csvc_assert_ok(csvc_ticket_new(&tk, "inquiry", "SH01"));
		csvc_assert_ok(csvc_ticket_set_subject(tk, "committed"));
		csvc_assert_ok(csvc_ticket_create(s, tk, "clerk"));
		csvc_ticket_free(tk);
	}
	csvc_assert_ok(csvc_store_commit(s));
	assert_true(hook_inner_rc < 0);
	assert_int_equal(hook_seen, 3);
	csvc_store_close(s);
}

int main(void)
{
	if (getenv("CSVC_FAULTS_QUICK") && atoi(getenv("CSVC_FAULTS_QUICK")))
		stride = 5;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silent_rollback),
		cmocka_unit_test(test_hook_failure_keeps_committed_events),
		cmocka_unit_test(test_every_write_fails_cleanly),
		cmocka_unit_test(test_failure_inside_caller_transaction),
		cmocka_unit_test(test_prepare_exec_commit_failures),
		cmocka_unit_test(test_scrub_and_checkpoint_failures),
		cmocka_unit_test(test_open_failures),
		cmocka_unit_test(test_user_savepoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
