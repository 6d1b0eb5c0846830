/*
 * Races between writers on a shared PostgreSQL database, each made to
 * happen in one order: one store holds rows in an open transaction, the
 * other's call is started in a thread and waits (seen in pg_locks), then
 * the first commits. Each case is a place where, without SQLite's write
 * lock, the second writer used to read something stale:
 *
 *   - an iterator started inside the caller's own write transaction
 *     returns the rows that transaction created;
 *   - a ticket created for a customer that a merge absorbs meanwhile ends
 *     up on the kept customer, never on the merged one;
 *   - acknowledgements never move a feed cursor back;
 *   - a customer merge, and a workflow migration, that meet a ticket
 *     another writer holds wait and write the next revision;
 *   - a class change that meets a ticket being cancelled does not start
 *     the new policy's clocks on the cancelled ticket;
 *   - a wait for changes wakes for a commit after the server restarted;
 *   - an SLA advancer that meets a writer catching up the same alarms
 *     writes none twice.
 *
 * Run through tests/pg/with-pg-server.sh (CSVC_TEST_PG,
 * CSVC_TEST_PG_RESTART).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "util/internal.h"

static csvc_time_us now_cell = (csvc_time_us)1772442000 * CSVC_SECOND_US;

static csvc_store *open_named(const char *name)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, name, &o));
	return s;
}

static csvc_uuid new_customer(csvc_store *s, const char *name)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	csvc_assert_ok(csvc_customer_create(s, c, "desk"));
	csvc_uuid id = *csvc_customer_id(c);
	csvc_customer_free(c);
	return id;
}

/* 1: an iterator started inside the caller's own write transaction, after
 * that transaction created rows. SQLite returns them. */
static void test_iter_in_own_tx(void **state)
{
	(void)state;
	csvc_store *s = open_named("own.db");
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_uuid mine = new_customer(s, "自己建的");
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	csvc_uuid tid = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_customer_iter *ci = NULL;
	csvc_assert_ok(csvc_customer_iter_new(s, NULL, &ci));
	int saw = 0;
	csvc_customer *c = NULL;
	while (csvc_customer_iter_next(ci, &c) == CSVC_OK) {
		saw += csvc_uuid_equal(csvc_customer_id(c), &mine);
		csvc_customer_free(c);
	}
	csvc_customer_iter_free(ci);
	csvc_ticket_iter *ti = NULL;
	csvc_assert_ok(csvc_ticket_iter_new(s, NULL, &ti));
	int saw_t = 0;
	while (csvc_ticket_iter_next(ti, &t) == CSVC_OK) {
		saw_t += csvc_uuid_equal(csvc_ticket_id(t), &tid);
		csvc_ticket_free(t);
	}
	csvc_ticket_iter_free(ti);
	int64_t n = -1;
	csvc_assert_ok(csvc_customer_count(s, NULL, &n));
	assert_int_equal(n, 1);
	csvc_assert_ok(csvc_store_commit(s));
	csvc_store_close(s);
	assert_int_equal(saw, 1);
	assert_int_equal(saw_t, 1);
}

/* 2: a ticket created for customer X while X is merged into K by another
 * store: the merge waits for the ticket's creation, then moves it. */
typedef struct absorber {
	csvc_uuid k, x;
	int rc;
} absorber;

static void *absorb_main(void *arg)
{
	absorber *m = arg;
	csvc_store *b = open_named("merge.db");
	m->rc = csvc_customer_merge(b, &m->k, &m->x, "desk", NULL);
	csvc_store_close(b);
	return NULL;
}

static void test_ticket_create_vs_merge(void **state)
{
	(void)state;
	csvc_store *a = open_named("merge.db");
	csvc_assert_ok(csvc_store_install_defaults(a));
	absorber m;
	memset(&m, 0, sizeof(m));
	m.x = new_customer(a, "被合并");
	m.k = new_customer(a, "保留");
	csvc_assert_ok(csvc_store_begin(a));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, &m.x));
	csvc_assert_ok(csvc_ticket_create(a, t, "desk"));
	csvc_uuid tid = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, absorb_main, &m), 0);
	csvc_test_wait_for_lock_waiter();
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	csvc_assert_ok(m.rc);
	csvc_assert_ok(csvc_ticket_get(a, &tid, &t));
	assert_true(csvc_uuid_equal(csvc_ticket_customer(t), &m.k));
	csvc_ticket_free(t);
	csvc_store_close(a);
}

/* 3: csvc_feed_ack is forward-only. */
typedef struct acker {
	int64_t pos;
	int rc;
} acker;

static void *ack_main(void *arg)
{
	acker *k = arg;
	csvc_store *b = open_named("ack.db");
	k->rc = csvc_feed_ack(b, "billing", k->pos);
	csvc_store_close(b);
	return NULL;
}

static void test_feed_ack_backwards(void **state)
{
	(void)state;
	csvc_store *a = open_named("ack.db");
	csvc_assert_ok(csvc_store_install_defaults(a));
	for (int i = 0; i < 5; i++)
		new_customer(a, "f");
	int64_t head = 0;
	csvc_assert_ok(csvc_feed_head(a, &head));
	assert_true(head >= 5);
	csvc_assert_ok(csvc_feed_reset(a, "billing", 1));
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_ok(csvc_feed_ack(a, "billing", head));
	acker k = {head - 2, 0};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, ack_main, &k), 0);
	csvc_test_wait_for_lock_waiter();
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	int64_t pos = 0, lag = 0;
	csvc_assert_ok(csvc_feed_consumer_get(a, "billing", &pos, &lag));
	csvc_assert_ok(k.rc);
	csvc_store_close(a);
	assert_int_equal(pos, head);
}

/* 4: a customer merge repoints the absorbed customer's tickets with events
 * at revision + 1 read without a lock, while a comment holds the ticket. */
typedef struct merger {
	csvc_uuid k, x;
	int rc;
	char msg[256];
} merger;

static void *merge_main(void *arg)
{
	merger *m = arg;
	csvc_store *b = open_named("repoint.db");
	m->rc = csvc_customer_merge(b, &m->k, &m->x, "desk", NULL);
	snprintf(m->msg, sizeof(m->msg), "%s", csvc_error_last()->message);
	csvc_store_close(b);
	return NULL;
}

static void test_merge_repoint_vs_comment(void **state)
{
	(void)state;
	csvc_store *a = open_named("repoint.db");
	csvc_assert_ok(csvc_store_install_defaults(a));
	merger m;
	memset(&m, 0, sizeof(m));
	m.x = new_customer(a, "有工单");
	m.k = new_customer(a, "保留");
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, &m.x));
	csvc_assert_ok(csvc_ticket_create(a, t, "desk"));
	csvc_uuid tid = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_assert_ok(csvc_store_begin(a));
	csvc_comment note = {CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "先", NULL, 0, "a"};
	csvc_assert_ok(csvc_ticket_comment(a, &tid, &note, NULL));
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, merge_main, &m), 0);
	csvc_test_wait_for_lock_waiter();
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	if (m.rc)
		fail_msg("the merge failed: %s", m.msg);
	csvc_ticket *after = NULL;
	csvc_assert_ok(csvc_ticket_get(a, &tid, &after));
	assert_int_equal(csvc_ticket_revision(after), 3); /* created, the comment, the merge */
	assert_true(csvc_uuid_equal(csvc_ticket_customer(after), &m.k));
	csvc_ticket_free(after);
	csvc_store_close(a);
}


/* 5: a customer's class change rematches its open tickets' SLA with the
 * state read before the ticket's row lock. */
typedef struct classer {
	csvc_uuid c;
	int rc;
} classer;

static void *class_main(void *arg)
{
	classer *k = arg;
	csvc_store *b = open_named("rematch.db");
	csvc_customer *c = NULL;
	k->rc = csvc_customer_get(b, &k->c, &c);
	if (!k->rc && !(k->rc = csvc_customer_set_class(c, CSVC_CUSTOMER_VIP)))
		k->rc = csvc_customer_update(b, c, "crm");
	csvc_customer_free(c);
	csvc_store_close(b);
	return NULL;
}

static void test_rematch_stale_state(void **state)
{
	(void)state;
	csvc_store *a = open_named("rematch.db");
	csvc_assert_ok(csvc_store_install_defaults(a));
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "vip", 1));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 3600LL * CSVC_SECOND_US, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "vip_callback", 3600LL * CSVC_SECOND_US, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_policy_match_customer_class(p, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_sla_policy_save(a, p, NULL));
	csvc_sla_policy_free(p);
	classer k;
	memset(&k, 0, sizeof(k));
	k.c = new_customer(a, "升级");
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "facility", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, &k.c));
	csvc_assert_ok(csvc_ticket_create(a, t, "desk"));
	csvc_uuid tid = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_ok(csvc_ticket_transition(a, &tid, "cancel", 0, "desk", NULL, NULL));
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, class_main, &k), 0);
	csvc_test_wait_for_lock_waiter();
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	csvc_assert_ok(k.rc);
	/* No clock of the cancelled ticket runs. */
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(csvc_sla_ticket_targets(a, &tid, &it));
	csvc_sla_target *x = NULL;
	while (csvc_sla_iter_next(it, &x) == CSVC_OK) {
		assert_int_not_equal(csvc_sla_target_status(x), CSVC_SLA_RUNNING);
		csvc_sla_target_free(x);
	}
	csvc_sla_iter_free(it);
	int equal = -1;
	csvc_assert_ok(csvc_sla_recompute(a, &tid, 0, &equal));
	csvc_store_close(a);
	assert_int_equal(equal, 1);
}

/* 6: LISTEN after a server restart. */
static void *late_writer(void *arg)
{
	(void)arg;
	usleep(500 * 1000);
	csvc_store *b = open_named("listen.db");
	new_customer(b, "唤醒");
	csvc_store_close(b);
	return NULL;
}

static void test_listen_after_restart(void **state)
{
	(void)state;
	csvc_store *r = open_named("listen.db");
	csvc_assert_ok(csvc_store_install_defaults(r));
	int64_t head = 0;
	assert_true(csvc_feed_wait(r, 1000000, 10, &head) >= 0); /* starts listening */
	assert_int_equal(system(getenv("CSVC_TEST_PG_RESTART")), 0);
	int rc = csvc_feed_wait(r, head, 10, &head); /* finds the connection lost, makes it again */
	assert_true(rc >= 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, late_writer, NULL), 0);
	int64_t t0 = csvc__monotonic_ms();
	rc = csvc_feed_wait(r, head, 8000, &head);
	int64_t took = csvc__monotonic_ms() - t0;
	pthread_join(th, NULL);
	csvc_store_close(r);
	assert_int_equal(rc, 1);
	assert_true(took < 4000);
}

/* 7: an advancer meets a ticket whose writer fires the alarm itself. */
typedef struct adv {
	int rc;
	int64_t n;
	csvc_time_us now;
} adv;

static void *adv_main(void *arg)
{
	adv *a = arg;
	csvc_store *b = open_named("adv.db");
	a->rc = csvc_sla_advance(b, a->now, NULL, NULL, &a->n);
	csvc_store_close(b);
	return NULL;
}

static void test_advance_vs_writer(void **state)
{
	(void)state;
	csvc_store *a = open_named("adv.db");
	csvc_assert_ok(csvc_store_install_defaults(a));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_create(a, t, "desk"));
	csvc_uuid tid = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_time_us t0 = now_cell;
	now_cell = t0 + (csvc_time_us)40 * 24 * 3600 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_ok(csvc_ticket_transition(a, &tid, "analyse", 0, "desk", NULL, NULL));
	adv x = {0, -1, now_cell};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, adv_main, &x), 0);
	csvc_test_wait_for_lock_waiter();
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(a, &tid, &it));
	csvc_event *e = NULL;
	int alarms = 0;
	while (csvc_ticket_history_next(it, &e) == CSVC_OK) {
		alarms += !strcmp(csvc_event_type(e), "sla_warning") || !strcmp(csvc_event_type(e), "sla_breach");
		csvc_event_free(e);
	}
	csvc_ticket_history_free(it);
	int equal = -1;
	csvc_assert_ok(csvc_sla_recompute(a, &tid, 0, &equal));
	assert_true(alarms > 0);
	csvc_store_close(a);
	assert_int_equal(x.rc, CSVC_OK);
	assert_int_equal(equal, 1);
}

/* 8: csvc_workflow_migrate_tickets while a comment holds a ticket. */
typedef struct migr {
	int rc;
	int64_t moved;
	char msg[256];
} migr;

static void *migr_main(void *arg)
{
	migr *m = arg;
	csvc_store *b = open_named("migrate.db");
	m->rc = csvc_workflow_migrate_tickets(b, "general", 1, 2, NULL, NULL, 0, "ops", &m->moved);
	snprintf(m->msg, sizeof(m->msg), "%s", csvc_error_last()->message);
	csvc_store_close(b);
	return NULL;
}

static void test_migrate_vs_comment(void **state)
{
	(void)state;
	csvc_store *a = open_named("migrate.db");
	csvc_assert_ok(csvc_store_install_defaults(a));
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_load(a, "general", 0, &wf));
	csvc_assert_ok(csvc_workflow_add_state(wf, "parked", CSVC_STATE_WAITING, "搁置", "Parked"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "park", "in_progress", "parked"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "cancel", "parked", "cancelled"));
	int32_t v = 0;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "facility", "SH01"));
	csvc_assert_ok(csvc_ticket_create(a, t, "desk"));
	csvc_uuid tid = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_assert_ok(csvc_workflow_save(a, wf, &v));
	csvc_workflow_free(wf);
	assert_int_equal(v, 2);
	csvc_assert_ok(csvc_store_begin(a));
	csvc_comment note = {CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "先", NULL, 0, "a"};
	csvc_assert_ok(csvc_ticket_comment(a, &tid, &note, NULL));
	migr m;
	memset(&m, 0, sizeof(m));
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, migr_main, &m), 0);
	csvc_test_wait_for_lock_waiter();
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	if (m.rc)
		fail_msg("the migration failed: %s", m.msg);
	assert_int_equal(m.moved, 1);
	csvc_ticket *after = NULL;
	csvc_assert_ok(csvc_ticket_get(a, &tid, &after));
	assert_int_equal(csvc_ticket_workflow_version(after), 2);
	assert_int_equal(csvc_ticket_revision(after), 3);
	csvc_ticket_free(after);
	csvc_store_close(a);
}

int main(void)
{
	if (!csvc_test_on_pg()) {
		fprintf(stderr, "test-pg-races: CSVC_TEST_PG is not set; run it through tests/pg/with-pg-server.sh\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iter_in_own_tx),
		cmocka_unit_test(test_ticket_create_vs_merge),
		cmocka_unit_test(test_feed_ack_backwards),
		cmocka_unit_test(test_merge_repoint_vs_comment),
		cmocka_unit_test(test_rematch_stale_state),
		cmocka_unit_test(test_listen_after_restart),
		cmocka_unit_test(test_advance_vs_writer),
		cmocka_unit_test(test_migrate_vs_comment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
