/*
 * Iterators and writes through the same store, while another connection
 * commits all the time. An iterator holds no read snapshot between two
 * calls, so the writes never fail with CSVC_EBUSY (the busy timeout is the
 * default 5 s), and every count adds up.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "csvc.h"

#define TICKETS 600   /* more than two of the cursor's pages (256 ids) */
#define CUSTOMERS 600
#define EVENTS 150    /* more than two history pages (64 events) */

static char tmpdir[64];
static char path[128];

/* Every store of the test: commits without fsync, so that the writer
 * commits often. */
static csvc_store *open_store(void)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.durability = CSVC_DURABILITY_NORMAL;
	csvc_store *s = NULL;
	return csvc_test_open(&s, path, &o) ? NULL : s;
}

typedef struct writer {
	atomic_int stop;
	atomic_int created;
	atomic_int failed;
	int last_error;
	char message[256];
} writer;

/* Another connection: one customer per commit until told to stop. */
static void *writer_main(void *arg)
{
	writer *w = arg;
	csvc_store *s = open_store();
	if (!s) {
		w->failed = 1;
		return NULL;
	}
	while (!atomic_load(&w->stop)) {
		csvc_customer *c = NULL;
		int rc = csvc_customer_new(&c);
		if (!rc)
			rc = csvc_customer_create(s, c, "writer");
		csvc_customer_free(c);
		if (rc) {
			w->failed++;
			w->last_error = rc;
			snprintf(w->message, sizeof(w->message), "%s", csvc_error_last()->message);
			break;
		}
		atomic_fetch_add(&w->created, 1);
		sched_yield();
	}
	csvc_store_close(s);
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/csvc-test-iter-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/store.db", tmpdir);
	csvc_store *s = open_store();
	assert_non_null(s);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < TICKETS; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
		csvc_assert_ok(csvc_ticket_set_subject(t, "where is my order"));
		csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
		csvc_ticket_free(t);
	}
	for (int i = 0; i < CUSTOMERS; i++) {
		csvc_customer *c = NULL;
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_assert_ok(csvc_customer_create(s, c, "desk"));
		csvc_customer_free(c);
	}
	csvc_assert_ok(csvc_store_commit(s));
	csvc_store_close(s);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static void start_writer(writer *w, pthread_t *th)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(pthread_create(th, NULL, writer_main, w), 0);
	/* Let it commit at least once, so iterators start behind it. */
	while (!w->created && !w->failed)
		usleep(1000);
}

/* Waits until the writer has committed again: the iterator is then behind
 * the file, which is when a held snapshot would make a write fail. */
static void wait_commit(writer *w, int step)
{
	if (step % 16)
		return;
	int seen = atomic_load(&w->created);
	while (atomic_load(&w->created) == seen && !atomic_load(&w->failed))
		usleep(20);
}

static void stop_writer(writer *w, pthread_t th)
{
	atomic_store(&w->stop, 1);
	pthread_join(th, NULL);
	if (w->failed)
		print_error("writer: %d %s\n", w->last_error, w->message);
	assert_int_equal(w->failed, 0);
	assert_true(w->created > 0);
}

/* Iterate the open tickets and transition each one, through the iterator's
 * store. */
static void test_transition_while_iterating_tickets(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	assert_non_null(s);
	writer w;
	pthread_t th;
	start_writer(&w, &th);
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.open_only = 1;
	q.state = "received";
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_iter_new(s, &q, &it));
	csvc_ticket *t = NULL;
	int done = 0, rc;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		wait_commit(&w, done);
		/* The record is read when it is returned: current revision. */
		csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "answer", csvc_ticket_revision(t),
		                                      "agent", NULL, NULL));
		/* A ticket that joins the query after its page was read: not
		 * returned twice (ids only move forward). */
		csvc_ticket_free(t);
		done++;
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_ticket_iter_free(it);
	stop_writer(&w, th);
	assert_int_equal(done, TICKETS);
	int64_t n = -1;
	csvc_assert_ok(csvc_ticket_count(s, &q, &n));
	assert_int_equal(n, 0);
	csvc_store_close(s);
}

/* Iterate all customers and update each one; the writer's customers
 * created after the iterator started are not returned. */
static void test_update_while_iterating_customers(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	assert_non_null(s);
	int64_t base = 0, before = 0, after = 0;
	csvc_assert_ok(csvc_customer_count(s, NULL, &base));
	writer w;
	pthread_t th;
	start_writer(&w, &th);
	csvc_assert_ok(csvc_customer_count(s, NULL, &before));
	csvc_customer_iter *it = NULL;
	csvc_assert_ok(csvc_customer_iter_new(s, NULL, &it));
	csvc_assert_ok(csvc_customer_count(s, NULL, &after));
	csvc_customer *c = NULL;
	int seen = 0, rc;
	while ((rc = csvc_customer_iter_next(it, &c)) == CSVC_OK) {
		wait_commit(&w, seen);
		csvc_assert_ok(csvc_customer_add_tag(c, "seen"));
		csvc_assert_ok(csvc_customer_update(s, c, "agent"));
		csvc_customer_free(c);
		seen++;
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_customer_iter_free(it);
	stop_writer(&w, th);
	assert_true(seen >= before && seen <= after);
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.tag = "seen";
	int64_t tagged = 0, total = 0;
	csvc_assert_ok(csvc_customer_count(s, &q, &tagged));
	assert_int_equal(tagged, seen);
	csvc_assert_ok(csvc_customer_count(s, NULL, &total));
	assert_int_equal(total, base + w.created);
	csvc_store_close(s);
}

/* Iterate a ticket's history and comment on the ticket at every event:
 * the events written during the walk are not returned, so it ends. */
static void test_comment_while_iterating_history(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	assert_non_null(s);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH02"));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	for (int i = 1; i < EVENTS; i++)
		csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "note", NULL, 0, "agent"}, NULL));
	writer w;
	pthread_t th;
	start_writer(&w, &th);
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, csvc_ticket_id(t), &it));
	csvc_event *ev = NULL;
	int seen = 0, rc;
	while ((rc = csvc_ticket_history_next(it, &ev)) == CSVC_OK) {
		assert_int_equal(csvc_event_seq(ev), seen + 1);
		csvc_event_free(ev);
		seen++;
		wait_commit(&w, seen);
		csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "seen", NULL, 0, "agent"}, NULL));
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_ticket_history_free(it);
	stop_writer(&w, th);
	assert_int_equal(seen, EVENTS);
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_int_equal(csvc_ticket_revision(g), 2 * EVENTS);
	csvc_ticket_free(g);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* A ticket's SLA targets and the store-wide lists, with a write between
 * every two targets. */
static void test_write_while_iterating_sla_lists(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	assert_non_null(s);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH03"));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	writer w;
	pthread_t th;
	start_writer(&w, &th);
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(csvc_sla_ticket_targets(s, csvc_ticket_id(t), &it));
	csvc_sla_target *x = NULL;
	int seen = 0, rc;
	while ((rc = csvc_sla_iter_next(it, &x)) == CSVC_OK) {
		assert_true(csvc_uuid_equal(csvc_sla_target_ticket(x), csvc_ticket_id(t)));
		csvc_sla_target_free(x);
		seen++;
		wait_commit(&w, 0); /* a few targets: every time */
		csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "seen", NULL, 0, "agent"}, NULL));
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_sla_iter_free(it);
	assert_true(seen > 0);
	csvc_assert_ok(csvc_sla_breached(s, 0, &it));
	while ((rc = csvc_sla_iter_next(it, &x)) == CSVC_OK) {
		csvc_sla_target_free(x);
		csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "seen", NULL, 0, "agent"}, NULL));
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_sla_iter_free(it);
	stop_writer(&w, th);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* Rows whose creation commits after an iterator started are never
 * returned, even with a lower id. On PostgreSQL a creation takes its id
 * at insert: customer A is created first (the lower id) in a transaction
 * that stays open while B is created and committed; the iterator starts,
 * A commits, and the iterator must return B and not A. On SQLite the
 * open transaction holds the write lock, so B cannot even be created
 * until A commits. */
static void test_iterator_skips_rows_committed_after_it_started(void **state)
{
	(void)state;
	csvc_store *a = open_store(), *b = open_store(), *r = open_store();
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(r);
	csvc_customer *ca = NULL, *cb = NULL;
	csvc_assert_ok(csvc_customer_new(&ca));
	csvc_assert_ok(csvc_customer_set_name(ca, "先建后交"));
	csvc_assert_ok(csvc_customer_new(&cb));
	csvc_assert_ok(csvc_customer_set_name(cb, "后建先交"));
	csvc_ticket *ta = NULL, *tb = NULL;
	csvc_assert_ok(csvc_ticket_new(&ta, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_new(&tb, "inquiry", "SH02"));
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_ok(csvc_customer_create(a, ca, "desk"));
	csvc_assert_ok(csvc_ticket_create(a, ta, "desk"));
	if (!csvc_test_on_pg()) {
		/* SQLite: the writer excludes every other one until it commits. */
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		o.busy_timeout_ms = 50;
		csvc_store *w = NULL;
		csvc_assert_ok(csvc_test_open(&w, path, &o));
		csvc_assert_err(csvc_customer_create(w, cb, "desk"), CSVC_EBUSY);
		csvc_store_close(w);
		csvc_assert_ok(csvc_store_commit(a));
	} else {
		csvc_assert_ok(csvc_customer_create(b, cb, "desk"));
		csvc_assert_ok(csvc_ticket_create(b, tb, "desk"));
	}
	csvc_customer_query cq;
	csvc_assert_ok(csvc_customer_query_init(&cq, CSVC_CUSTOMER_QUERY_VERSION));
	csvc_ticket_query tq;
	csvc_assert_ok(csvc_ticket_query_init(&tq, CSVC_TICKET_QUERY_VERSION));
	csvc_customer_iter *ci = NULL;
	csvc_ticket_iter *ti = NULL;
	csvc_assert_ok(csvc_customer_iter_new(r, &cq, &ci));
	csvc_assert_ok(csvc_ticket_iter_new(r, &tq, &ti));
	if (csvc_test_on_pg())
		csvc_assert_ok(csvc_store_commit(a));
	int saw_a = 0, saw_b = 0, rc;
	csvc_customer *c = NULL;
	while ((rc = csvc_customer_iter_next(ci, &c)) == CSVC_OK) {
		saw_a += csvc_uuid_equal(csvc_customer_id(c), csvc_customer_id(ca));
		saw_b += csvc_uuid_equal(csvc_customer_id(c), csvc_customer_id(cb));
		csvc_customer_free(c);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	/* SQLite: A committed before the iterator started, B was never made. */
	assert_int_equal(saw_a, csvc_test_on_pg() ? 0 : 1);
	assert_int_equal(saw_b, csvc_test_on_pg() ? 1 : 0);
	saw_a = saw_b = 0;
	csvc_ticket *t = NULL;
	while ((rc = csvc_ticket_iter_next(ti, &t)) == CSVC_OK) {
		saw_a += csvc_uuid_equal(csvc_ticket_id(t), csvc_ticket_id(ta));
		saw_b += csvc_uuid_equal(csvc_ticket_id(t), csvc_ticket_id(tb));
		csvc_ticket_free(t);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	assert_int_equal(saw_a, csvc_test_on_pg() ? 0 : 1);
	assert_int_equal(saw_b, csvc_test_on_pg() ? 1 : 0);
	csvc_customer_iter_free(ci);
	csvc_ticket_iter_free(ti);
	/* A new iterator sees A. */
	csvc_assert_ok(csvc_customer_iter_new(r, &cq, &ci));
	saw_a = 0;
	while (csvc_customer_iter_next(ci, &c) == CSVC_OK) {
		saw_a += csvc_uuid_equal(csvc_customer_id(c), csvc_customer_id(ca));
		csvc_customer_free(c);
	}
	assert_int_equal(saw_a, 1);
	csvc_customer_iter_free(ci);
	csvc_customer_free(ca);
	csvc_customer_free(cb);
	csvc_ticket_free(ta);
	csvc_ticket_free(tb);
	csvc_store_close(a);
	csvc_store_close(b);
	csvc_store_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transition_while_iterating_tickets),
		cmocka_unit_test(test_update_while_iterating_customers),
		cmocka_unit_test(test_comment_while_iterating_history),
		cmocka_unit_test(test_write_while_iterating_sla_lists),
		cmocka_unit_test(test_iterator_skips_rows_committed_after_it_started),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
