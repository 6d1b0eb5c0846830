/*
 * What a shared PostgreSQL server adds to a store's failures, against a
 * real server (tests/pg/with-pg-server.sh sets CSVC_TEST_PG, and
 * CSVC_TEST_PG_RESTART to a command that restarts the server):
 *
 *   - the server restarts between calls: the next call makes the
 *     connection again and works; a restart inside a transaction fails
 *     the call with CSVC_ESTORAGE and the reason, the transaction is
 *     gone whole, and the store works again after the rollback;
 *   - a client killed inside a transaction leaves nothing of it, and its
 *     row locks go with it; clients killed at random while they create
 *     tickets leave only whole tickets, numbered without a gap;
 *   - a deadlock in a self-contained call is run again inside the call
 *     (the caller sees success); inside the caller's transaction it is
 *     CSVC_EBUSY with SQLSTATE 40P01, the transaction aborted.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvc-test.h"

static csvc_time_us now_cell = (csvc_time_us)1772442000 * CSVC_SECOND_US;

static char log_text[4096];

static void remember_log(int level, const char *message, void *ud)
{
	(void)level;
	(void)ud;
	size_t n = strlen(log_text);
	snprintf(log_text + n, sizeof(log_text) - n, "%s\n", message);
}

static csvc_store *open_named(const char *name, int debug_log)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	if (debug_log) {
		o.log = remember_log;
		o.log_level = CSVC_LOG_DEBUG;
	}
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, name, &o));
	return s;
}

static void restart_server(void)
{
	const char *cmd = getenv("CSVC_TEST_PG_RESTART");
	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
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

static csvc_uuid new_ticket(csvc_store *s, const char *kind, const char *store_code)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, store_code));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	csvc_uuid id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	return id;
}

static int64_t revision_of(csvc_store *s, const csvc_uuid *ticket)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_get(s, ticket, &t));
	int64_t rev = csvc_ticket_revision(t);
	csvc_ticket_free(t);
	return rev;
}

static void test_server_restart_between_calls(void **state)
{
	(void)state;
	csvc_store *s = open_named("restart.db", 0);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_uuid a = new_customer(s, "重启之前");
	/* Waiting for changes listens on the connection: it listens again. */
	int64_t version = 0;
	csvc_assert_ok(csvc_feed_head(s, &version));
	restart_server();
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_get(s, &a, &c));
	assert_string_equal(csvc_customer_name(c), "重启之前");
	csvc_customer_free(c);
	csvc_uuid b = new_customer(s, "重启之后");
	csvc_uuid t = new_ticket(s, "inquiry", "SH01");
	csvc_assert_ok(csvc_ticket_transition(s, &t, "answer", 1, "desk", NULL, NULL));
	/* A second restart, with a write as the first call after it. */
	restart_server();
	csvc_uuid d = new_customer(s, "第二次");
	csvc_assert_ok(csvc_customer_get(s, &d, &c));
	csvc_customer_free(c);
	csvc_assert_ok(csvc_customer_get(s, &b, &c));
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_server_restart_inside_transaction(void **state)
{
	(void)state;
	csvc_store *s = open_named("restart-tx.db", 0);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "事务中"));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_customer_create(s, c, "desk"));
	csvc_uuid lost = *csvc_customer_id(c);
	csvc_customer_free(c);
	restart_server();
	csvc_assert_ok(csvc_customer_new(&c));
	int rc = csvc_customer_create(s, c, "desk");
	csvc_customer_free(c);
	assert_int_equal(rc, CSVC_ESTORAGE);
	assert_string_equal(csvc_error_last()->engine, "postgresql");
	assert_non_null(strstr(csvc_error_last()->message, "server"));
	/* Nothing more runs in the lost transaction; the rollback ends it. */
	assert_int_not_equal(csvc_store_commit(s), CSVC_OK);
	assert_int_equal(csvc_store_tx_depth(s), 0);
	csvc_assert_err(csvc_customer_get(s, &lost, &c), CSVC_ENOTFOUND);
	csvc_uuid after = new_customer(s, "之后");
	csvc_assert_ok(csvc_customer_get(s, &after, &c));
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_client_killed_mid_transaction(void **state)
{
	(void)state;
	csvc_store *s = open_named("killed.db", 0);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_uuid t = new_ticket(s, "inquiry", "SH01");
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		csvc_store *k = NULL;
		if (csvc_test_open(&k, "killed.db", NULL) || csvc_store_begin(k) ||
		    csvc_ticket_transition(k, &t, "answer", 1, "killed", NULL, NULL))
			_exit(1);
		csvc_customer *c = NULL;
		if (csvc_customer_new(&c) || csvc_customer_set_name(c, "半途") || csvc_customer_create(k, c, "killed"))
			_exit(1);
		/* Holding the ticket's row lock, with a customer written. */
		if (write(go[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(go[1]);
	char x;
	assert_int_equal(read(go[0], &x, 1), 1);
	close(go[0]);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	/* Its lock went with it: this transition does not wait out the
	 * timeout, and the ticket is as before the killed client. */
	assert_int_equal(revision_of(s, &t), 1);
	csvc_assert_ok(csvc_ticket_transition(s, &t, "answer", 1, "desk", NULL, NULL));
	assert_int_equal(revision_of(s, &t), 2);
	csvc_customer_query q;
	csvc_assert_ok(csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION));
	q.text = "半途";
	int64_t n = -1;
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	assert_int_equal(n, 0);
	csvc_store_close(s);
}

#define KILLS 12

static void test_clients_killed_at_random(void **state)
{
	(void)state;
	csvc_store *s = open_named("random-kills.db", 0);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_store_close(s);
	srand(20261206);
	for (int k = 0; k < KILLS; k++) {
		int started[2];
		assert_int_equal(pipe(started), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(started[0]);
			csvc_store *c = NULL;
			if (csvc_test_open(&c, "random-kills.db", NULL))
				_exit(1);
			for (int i = 0;; i++) {
				csvc_ticket *t = NULL;
				if (csvc_ticket_new(&t, "complaint", "SH07") || csvc_ticket_create(c, t, "till"))
					_exit(1);
				csvc_ticket_free(t);
				/* The kill comes at a random moment after the first one. */
				if (i == 0 && (write(started[1], "x", 1) != 1 || close(started[1])))
					_exit(1);
			}
		}
		close(started[1]);
		char x;
		assert_int_equal(read(started[0], &x, 1), 1);
		close(started[0]);
		struct timespec ts = {0, (long)(rand() % 100) * 1000000L};
		nanosleep(&ts, NULL);
		assert_int_equal(kill(pid, SIGKILL), 0);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
	}
	s = open_named("random-kills.db", 0);
	csvc_ticket_query q;
	csvc_assert_ok(csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION));
	q.store_code = "SH07";
	int64_t n = 0;
	csvc_assert_ok(csvc_ticket_count(s, &q, &n));
	assert_true(n > 0);
	char *seen = calloc((size_t)n + 1, 1);
	assert_non_null(seen);
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_iter_new(s, &q, &it));
	csvc_ticket *t = NULL;
	int64_t walked = 0;
	while (csvc_ticket_iter_next(it, &t) == CSVC_OK) {
		long long number = strtoll(strchr(csvc_ticket_number(t), '-') + 1, NULL, 10);
		assert_true(number >= 1 && number <= n);
		assert_false(seen[number]);
		seen[number] = 1;
		/* Whole: its row, its history and its SLA clocks agree. */
		csvc_ticket *r = NULL;
		csvc_assert_ok(csvc_ticket_replay(s, csvc_ticket_id(t), &r));
		assert_true(csvc_ticket_equal(t, r));
		csvc_ticket_free(r);
		int equal = 0;
		csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(t), 0, &equal));
		assert_true(equal);
		csvc_ticket_free(t);
		walked++;
	}
	csvc_ticket_iter_free(it);
	assert_int_equal(walked, n);
	free(seen);
	printf("# %d clients killed; %lld whole tickets, numbered 1..%lld\n", KILLS, (long long)n, (long long)n);
	csvc_store_close(s);
}

/* Store B links two tickets (a self-contained call) while store A, in its
 * own transaction, holds the second and then asks for the first: B waited
 * first, so PostgreSQL's deadlock check ends B's transaction, and B's call
 * runs it again once A has committed. */
typedef struct linker {
	csvc_uuid a, b;
	int rc;
	char message[256];
} linker;

static void *link_main(void *arg)
{
	linker *l = arg;
	csvc_store *s = open_named("deadlock.db", 1);
	l->rc = csvc_ticket_link(s, &l->a, &l->b, CSVC_LINK_RELATED, "b");
	snprintf(l->message, sizeof(l->message), "%s", csvc_error_last()->message);
	csvc_store_close(s);
	return NULL;
}

static void test_deadlock_retried_in_self_contained_call(void **state)
{
	(void)state;
	csvc_store *a = open_named("deadlock.db", 0);
	csvc_assert_ok(csvc_store_install_defaults(a));
	linker l;
	memset(&l, 0, sizeof(l));
	l.a = new_ticket(a, "inquiry", "SH01");
	l.b = new_ticket(a, "inquiry", "SH01");
	log_text[0] = '\0';
	csvc_assert_ok(csvc_store_begin(a));
	csvc_comment note = {CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "先锁住", NULL, 0, "a"};
	csvc_assert_ok(csvc_ticket_comment(a, &l.b, &note, NULL)); /* A holds b */
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, link_main, &l), 0);
	csvc_test_wait_for_lock_waiter(); /* B holds a and waits for b */
	csvc_assert_ok(csvc_ticket_comment(a, &l.a, &note, NULL));
	csvc_assert_ok(csvc_store_commit(a));
	pthread_join(th, NULL);
	if (l.rc)
		fail_msg("the link failed: %s", l.message);
	assert_non_null(strstr(log_text, "attempt 2"));
	assert_non_null(strstr(log_text, "deadlock"));
	/* Both calls are in: two comments and the link on each ticket. */
	assert_int_equal(revision_of(a, &l.a), 3);
	assert_int_equal(revision_of(a, &l.b), 3);
	csvc_store_close(a);
}

/* Two transactions of callers lock two tickets in opposite orders. B asks
 * for A's ticket first, so the deadlock check ends B's transaction: its
 * call says CSVC_EBUSY with SQLSTATE 40P01, nothing more runs in it, and
 * A's transaction goes on to commit. */
typedef struct commenter {
	csvc_store *s;
	csvc_uuid ticket;
	int rc, rc_commit;
	char sqlstate[6];
	char message[256];
} commenter;

static void *comment_main(void *arg)
{
	commenter *c = arg;
	csvc_comment note = {CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "第二个事务", NULL, 0, "b"};
	c->rc = csvc_ticket_comment(c->s, &c->ticket, &note, NULL);
	memcpy(c->sqlstate, csvc_error_last()->sqlstate, sizeof(c->sqlstate));
	snprintf(c->message, sizeof(c->message), "%s", csvc_error_last()->message);
	c->rc_commit = csvc_store_commit(c->s);
	if (c->rc_commit)
		csvc_store_rollback(c->s);
	return NULL;
}

static void test_deadlock_in_callers_transaction_is_busy(void **state)
{
	(void)state;
	csvc_store *a = open_named("deadlock-tx.db", 0), *b = open_named("deadlock-tx.db", 0);
	csvc_assert_ok(csvc_store_install_defaults(a));
	csvc_uuid x = new_ticket(a, "inquiry", "SH01"), y = new_ticket(a, "inquiry", "SH01");
	csvc_comment na = {CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "第一个事务", NULL, 0, "a"};
	csvc_comment nb = {CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "第二个事务", NULL, 0, "b"};
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_ok(csvc_ticket_comment(a, &x, &na, NULL)); /* A holds x */
	csvc_assert_ok(csvc_store_begin(b));
	csvc_assert_ok(csvc_ticket_comment(b, &y, &nb, NULL)); /* B holds y */
	commenter c;
	memset(&c, 0, sizeof(c));
	c.s = b;
	c.ticket = x;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, comment_main, &c), 0);
	csvc_test_wait_for_lock_waiter(); /* B waits for x */
	csvc_assert_ok(csvc_ticket_comment(a, &y, &na, NULL));
	pthread_join(th, NULL);
	assert_int_equal(c.rc, CSVC_EBUSY);
	assert_string_equal(c.sqlstate, "40P01");
	assert_int_not_equal(c.rc_commit, CSVC_OK);
	csvc_assert_ok(csvc_store_commit(a));
	assert_int_equal(csvc_store_tx_depth(a), 0);
	assert_int_equal(csvc_store_tx_depth(b), 0);
	/* A's two comments are in, B's none. */
	assert_int_equal(revision_of(a, &x), 2);
	assert_int_equal(revision_of(a, &y), 2);
	csvc_store_close(a);
	csvc_store_close(b);
}

int main(void)
{
	if (!csvc_test_on_pg()) {
		fprintf(stderr, "test-pg-failures: CSVC_TEST_PG is not set; run it through tests/pg/with-pg-server.sh\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_restart_between_calls),
		cmocka_unit_test(test_server_restart_inside_transaction),
		cmocka_unit_test(test_client_killed_mid_transaction),
		cmocka_unit_test(test_clients_killed_at_random),
		cmocka_unit_test(test_deadlock_retried_in_self_contained_call),
		cmocka_unit_test(test_deadlock_in_callers_transaction_is_busy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
