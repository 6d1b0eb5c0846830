/*
 * Many writers at once, on either engine (CSVC_TEST_PG: a PostgreSQL
 * server, where nothing like SQLite's write lock keeps writers apart):
 * 8 processes of 2 threads each, every thread with its own store, make
 * conflicting writes while 2 more processes run csvc_sla_advance over and
 * over, one with an alarm callback and one without. The parent then checks
 * the accounting exactly:
 *
 *   - every call committed or returned what its conflict calls for
 *     (CSVC_ECONFLICT for a stale revision, CSVC_ESTATE for the loser of
 *     a merge); none returned CSVC_EBUSY or anything else;
 *   - ticket transitions and comments on 6 shared tickets, each with the
 *     revision the thread read: each ticket holds exactly as many such
 *     events as calls committed on it, and replays to its row;
 *   - updates of 8 shared customers with the revision read: each
 *     customer's revision is 1 plus the updates that committed;
 *   - 8 pairs of customers, each merged by two threads in opposite
 *     orders at once (the rows locked in opposite orders: on PostgreSQL a
 *     deadlock, which the call runs again), while other threads create
 *     tickets for them: exactly one merge of each pair committed, the
 *     other saw the pair merged, and no ticket is left on a merged
 *     customer;
 *   - complaint tickets created in two store codes: the numbers of each
 *     store code are 1..n, each once, n being the creations that
 *     committed there;
 *   - SLA alarms, on complaints nobody touches after their creation and
 *     on 4 shared complaints that the threads comment on and move while
 *     the advancers fire their alarms (a writer then catches up alarms
 *     itself): no ticket has two events for one target, percent and
 *     cycle; every untouched complaint, made at the same instant under
 *     the same policy, ends with as many alarms as the others; the
 *     advancers report at least the untouched complaints' alarms and at
 *     most all of them; every alarm the callback saw is one event, once;
 *     every ticket's stored clocks are what its log gives; and a last
 *     advance finds nothing left to fire.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvc-test.h"

#define N_PROCS 8
#define N_THREADS 2
#define N_WORKERS (N_PROCS * N_THREADS)
#define N_OPS 40
#define N_SHARED 6
#define N_SLA_SHARED 4
#define N_CUSTOMERS 8
#define N_PAIRS (N_WORKERS / 2)
#define N_ADVANCERS 2
#define MAX_ALARMS 8192

/* 2026-03-02 09:00 UTC, a Monday: the writers' clock, which never moves. */
#define T0 ((csvc_time_us)1772442000 * CSVC_SECOND_US)
#define HOUR ((csvc_time_us)3600 * CSVC_SECOND_US)
#define T_END (T0 + 120 * 24 * HOUR)

static const char *const store_codes[2] = {"SH01", "SH02"};

typedef struct worker_result {
	int64_t ticket_ok[N_SHARED];
	int64_t sla_ticket_ok[N_SLA_SHARED];
	int64_t customer_ok[N_CUSTOMERS];
	int merge_ok, merge_lost; /* this worker's merge: committed / found merged */
	int64_t conflicts, busy, other;
	int n_numbers[2];
	int64_t numbers[2][N_OPS];
	char last_error[160];
} worker_result;

typedef struct alarm_seen {
	csvc_uuid ticket;
	char target[CSVC_SLA_MAX_NAME + 1];
	int32_t percent;
	csvc_time_us at;
} alarm_seen;

typedef struct shared {
	worker_result workers[N_WORKERS];
	volatile int writers_done;
	int64_t emitted[N_ADVANCERS];
	int64_t advance_busy, advance_other;
	char advance_error[160];
	int n_alarms, alarms_overflow;
	alarm_seen alarms[MAX_ALARMS];
} shared;

static char path[128];
static shared *sh;
static csvc_uuid tickets[N_SHARED], sla_tickets[N_SLA_SHARED], customers[N_CUSTOMERS], pairs[N_PAIRS][2];

static csvc_time_us fixed_clock(void *ud)
{
	(void)ud;
	return T0;
}

static int open_store(csvc_store **s)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = fixed_clock;
	/* A loaded machine with 18 writers: waits are long, never failures. */
	o.busy_timeout_ms = 60000;
	return csvc_test_open(s, path, &o);
}

static const char *next_transition(const char *state)
{
	if (strcmp(state, "new") == 0)
		return "start";
	if (strcmp(state, "in_progress") == 0)
		return "wait_customer";
	return "resume";
}

static void count(worker_result *r, int rc)
{
	if (rc == CSVC_ECONFLICT)
		r->conflicts++;
	else if (rc == CSVC_EBUSY)
		r->busy++;
	else
		r->other++;
	snprintf(r->last_error, sizeof(r->last_error), "%s: %s", csvc_strerror(rc), csvc_error_last()->message);
}

static void merge_pair(csvc_store *s, int w, worker_result *r)
{
	/* Workers w and w + N_PAIRS merge pair w % N_PAIRS in opposite orders. */
	int p = w % N_PAIRS, flip = w >= N_PAIRS;
	int rc = csvc_customer_merge(s, &pairs[p][flip], &pairs[p][!flip], "merge", NULL);
	if (rc == CSVC_OK)
		r->merge_ok = 1;
	else if (rc == CSVC_ESTATE)
		r->merge_lost = 1;
	else
		count(r, rc);
}

static void work(int w, worker_result *r)
{
	csvc_store *s = NULL;
	if (open_store(&s)) {
		count(r, csvc_error_last()->code);
		return;
	}
	unsigned seed = 2654435761u * (unsigned)(w + 1);
	for (int i = 0; i < N_OPS; i++) {
		if (i == N_OPS / 4)
			merge_pair(s, w, r);
		seed = seed * 1103515245u + 12345u;
		unsigned pick = (seed >> 8) % 6;
		int rc;
		if (pick == 4) {
			/* A shared complaint, while the advancers fire its alarms. */
			int k = (int)((seed >> 12) % N_SLA_SHARED);
			if ((seed >> 20) & 1) {
				rc = csvc_ticket_comment(s, &sla_tickets[k],
				                         &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "已收到",
				                                         "phone", 0, "w"},
				                         NULL);
			} else {
				csvc_ticket *t = NULL;
				if ((rc = csvc_ticket_get(s, &sla_tickets[k], &t)) == CSVC_OK) {
					const char *state = csvc_ticket_state(t);
					/* Around the open states: received, analysing,
					 * handling, waiting on the customer (a pause). */
					const char *move = !strcmp(state, "received")    ? "analyse"
					                   : !strcmp(state, "analysing") ? "handle"
					                   : !strcmp(state, "handling")  ? "wait_customer"
					                                                 : "resume";
					rc = csvc_ticket_transition(s, &sla_tickets[k], move, 0, "w", NULL, NULL);
					csvc_ticket_free(t);
					/* Another thread moved it since it was read: the
					 * move is not one from its state now. */
					if (rc == CSVC_ESTATE)
						continue;
				}
			}
			if (rc == CSVC_OK)
				r->sla_ticket_ok[k]++;
			else
				count(r, rc);
			continue;
		}
		if (pick == 5) {
			/* A ticket for a customer of a pair being merged. */
			csvc_ticket *t = NULL;
			int p = (int)((seed >> 12) % N_PAIRS);
			if ((rc = csvc_ticket_new(&t, "suggestion", "HQ")) == CSVC_OK &&
			    (rc = csvc_ticket_set_customer(t, &pairs[p][(seed >> 20) & 1])) == CSVC_OK)
				rc = csvc_ticket_create(s, t, "w");
			csvc_ticket_free(t);
			/* The customer was merged away before the creation. */
			if (rc && rc != CSVC_ENOTFOUND)
				count(r, rc);
			continue;
		}
		if (pick <= 1) {
			int k = (int)((seed >> 12) % N_SHARED);
			csvc_ticket *t = NULL;
			if ((rc = csvc_ticket_get(s, &tickets[k], &t)) == CSVC_OK) {
				int64_t rev = csvc_ticket_revision(t);
				if (pick == 0)
					rc = csvc_ticket_transition(s, &tickets[k], next_transition(csvc_ticket_state(t)), rev,
					                            "w", NULL, NULL);
				else
					rc = csvc_ticket_comment(s, &tickets[k],
					                         &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "并发",
					                                         NULL, rev, "w"},
					                         NULL);
				csvc_ticket_free(t);
			}
			if (rc == CSVC_OK)
				r->ticket_ok[k]++;
			else
				count(r, rc);
		} else if (pick == 2) {
			int code = (int)((seed >> 12) & 1);
			csvc_ticket *t = NULL;
			if ((rc = csvc_ticket_new(&t, "complaint", store_codes[code])) == CSVC_OK &&
			    (rc = csvc_ticket_create(s, t, "w")) == CSVC_OK) {
				const char *number = csvc_ticket_number(t);
				r->numbers[code][r->n_numbers[code]++] = strtoll(strchr(number, '-') + 1, NULL, 10);
			}
			csvc_ticket_free(t);
			if (rc)
				count(r, rc);
		} else {
			int k = (int)((seed >> 12) % N_CUSTOMERS);
			csvc_customer *c = NULL;
			if ((rc = csvc_customer_get(s, &customers[k], &c)) == CSVC_OK) {
				char notes[32];
				snprintf(notes, sizeof(notes), "w%d op%d", w, i);
				if ((rc = csvc_customer_set_notes(c, notes)) == CSVC_OK)
					rc = csvc_customer_update(s, c, "w");
				csvc_customer_free(c);
			}
			if (rc == CSVC_OK)
				r->customer_ok[k]++;
			else
				count(r, rc);
		}
	}
	csvc_store_close(s);
}

typedef struct thread_arg {
	int w;
} thread_arg;

static void *thread_main(void *arg)
{
	thread_arg *a = arg;
	work(a->w, &sh->workers[a->w]);
	return NULL;
}

static int record_alarm(const csvc_sla_alarm *a, void *ud)
{
	(void)ud;
	/* Only this advancer's process writes the list. */
	if (sh->n_alarms == MAX_ALARMS) {
		sh->alarms_overflow = 1;
		return 0;
	}
	alarm_seen *seen = &sh->alarms[sh->n_alarms++];
	seen->ticket = *a->ticket;
	snprintf(seen->target, sizeof(seen->target), "%s", a->target);
	seen->percent = a->percent;
	seen->at = a->at;
	return 0;
}

static void advancer(int which)
{
	csvc_store *s = NULL;
	if (open_store(&s)) {
		sh->advance_other++;
		return;
	}
	csvc_sla_alarm_fn fn = which == 0 ? record_alarm : NULL;
	/* Hour by hour while the writers run (so alarms fall due as tickets
	 * are made), then once at the end of the test's time. */
	int last = 0;
	for (int step = 1; !last; step++) {
		last = sh->writers_done;
		csvc_time_us now = last ? T_END : T0 + (csvc_time_us)(step % (24 * 30)) * HOUR;
		int64_t n = 0;
		int rc = csvc_sla_advance(s, now, fn, NULL, &n);
		/* The batching advancer pauses, so that the one with a callback
		 * (an alarm a transaction) fires its share too. */
		if (which == 1 && !last)
			usleep(20 * 1000);
		__atomic_add_fetch(&sh->emitted[which], n, __ATOMIC_SEQ_CST);
		if (rc) {
			__atomic_add_fetch(rc == CSVC_EBUSY ? &sh->advance_busy : &sh->advance_other, 1, __ATOMIC_SEQ_CST);
			snprintf(sh->advance_error, sizeof(sh->advance_error), "%s", csvc_error_last()->message);
		}
	}
	csvc_store_close(s);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Counts the ticket's events of the given types; SLA events are checked
 * for repeats of (target, percent, cycle) and counted in *alarms. */
static void scan_history(csvc_store *s, const csvc_uuid *id, int64_t *ops, int64_t *alarms)
{
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, id, &it));
	static char seen[512][160];
	int n_seen = 0;
	csvc_event *e = NULL;
	int rc;
	while ((rc = csvc_ticket_history_next(it, &e)) == CSVC_OK) {
		const char *type = csvc_event_type(e);
		if (!strcmp(type, "transition") || !strcmp(type, "comment"))
			(*ops)++;
		if (!strcmp(type, "sla_warning") || !strcmp(type, "sla_breach")) {
			(*alarms)++;
			const char *payload = csvc_event_payload(e);
			for (int i = 0; i < n_seen; i++)
				if (!strcmp(seen[i], payload))
					fail_msg("an alarm was written twice: %s", payload);
			assert_true(n_seen < 512);
			snprintf(seen[n_seen++], sizeof(seen[0]), "%s", payload);
		}
		csvc_event_free(e);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_ticket_history_free(it);
}

static int alarm_in_history(csvc_store *s, const alarm_seen *a)
{
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, &a->ticket, &it));
	char want[96];
	snprintf(want, sizeof(want), "{\"target\":\"%s\",\"percent\":%d,", a->target, (int)a->percent);
	int found = 0;
	csvc_event *e = NULL;
	while (csvc_ticket_history_next(it, &e) == CSVC_OK) {
		if (!strncmp(csvc_event_payload(e) ? csvc_event_payload(e) : "", want, strlen(want)) &&
		    csvc_event_at(e) == a->at)
			found++;
		csvc_event_free(e);
	}
	csvc_ticket_history_free(it);
	return found;
}

static void test_many_writers_and_advancers(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-writers-XXXXXX";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/w.db", dir);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));

	csvc_store *s = NULL;
	csvc_assert_ok(open_store(&s));
	csvc_assert_ok(csvc_store_install_defaults(s));
	/* Suggestions without an SLA: only the complaints have alarms, and
	 * only the advancers write them (nothing else touches a complaint). */
	csvc_assert_ok(csvc_sla_policy_retire(s, "default"));
	for (int k = 0; k < N_SLA_SHARED; k++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "complaint", "HQ2"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		sla_tickets[k] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	for (int k = 0; k < N_SHARED; k++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "suggestion", "HQ"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		tickets[k] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	for (int k = 0; k < N_CUSTOMERS + 2 * N_PAIRS; k++) {
		csvc_customer *c = NULL;
		char name[16];
		snprintf(name, sizeof(name), "顾客%d", k);
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_assert_ok(csvc_customer_set_name(c, name));
		csvc_assert_ok(csvc_customer_create(s, c, NULL));
		if (k < N_CUSTOMERS)
			customers[k] = *csvc_customer_id(c);
		else
			pairs[(k - N_CUSTOMERS) / 2][(k - N_CUSTOMERS) % 2] = *csvc_customer_id(c);
		csvc_customer_free(c);
	}
	csvc_store_close(s);

	pid_t adv[N_ADVANCERS], procs[N_PROCS];
	for (int a = 0; a < N_ADVANCERS; a++) {
		adv[a] = fork();
		assert_true(adv[a] >= 0);
		if (adv[a] == 0) {
			advancer(a);
			_exit(0);
		}
	}
	for (int p = 0; p < N_PROCS; p++) {
		procs[p] = fork();
		assert_true(procs[p] >= 0);
		if (procs[p] == 0) {
			pthread_t th[N_THREADS];
			thread_arg args[N_THREADS];
			for (int t = 0; t < N_THREADS; t++) {
				args[t].w = p * N_THREADS + t;
				if (pthread_create(&th[t], NULL, thread_main, &args[t]))
					_exit(2);
			}
			for (int t = 0; t < N_THREADS; t++)
				pthread_join(th[t], NULL);
			_exit(0);
		}
	}
	for (int p = 0; p < N_PROCS; p++) {
		int status = 0;
		assert_int_equal(waitpid(procs[p], &status, 0), procs[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	sh->writers_done = 1;
	for (int a = 0; a < N_ADVANCERS; a++) {
		int status = 0;
		assert_int_equal(waitpid(adv[a], &status, 0), adv[a]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	/* The calls' outcomes. */
	int64_t ticket_ok[N_SHARED] = {0}, customer_ok[N_CUSTOMERS] = {0}, conflicts = 0;
	int64_t *numbers[2];
	int n_numbers[2] = {0, 0};
	numbers[0] = calloc(N_WORKERS * N_OPS, sizeof(int64_t));
	numbers[1] = calloc(N_WORKERS * N_OPS, sizeof(int64_t));
	assert_non_null(numbers[0]);
	assert_non_null(numbers[1]);
	for (int w = 0; w < N_WORKERS; w++) {
		const worker_result *r = &sh->workers[w];
		if (r->busy || r->other)
			fail_msg("worker %d: %lld busy, %lld other failures (last: %s)", w, (long long)r->busy,
			         (long long)r->other, r->last_error);
		for (int k = 0; k < N_SHARED; k++)
			ticket_ok[k] += r->ticket_ok[k];
		for (int k = 0; k < N_CUSTOMERS; k++)
			customer_ok[k] += r->customer_ok[k];
		conflicts += r->conflicts;
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < r->n_numbers[c]; i++)
				numbers[c][n_numbers[c]++] = r->numbers[c][i];
	}
	for (int p = 0; p < N_PAIRS; p++) {
		const worker_result *a = &sh->workers[p], *b = &sh->workers[p + N_PAIRS];
		assert_int_equal(a->merge_ok + b->merge_ok, 1);
		assert_int_equal(a->merge_lost + b->merge_lost, 1);
	}
	csvc_store *m = NULL;
	csvc_assert_ok(open_store(&m));
	for (int p = 0; p < N_PAIRS; p++) {
		/* The absorbed one of the pair has no ticket left. */
		int absorbed = sh->workers[p].merge_ok ? 1 : 0; /* worker p merged [0] <- [1] */
		csvc_ticket_query q;
		csvc_assert_ok(csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION));
		q.customer = &pairs[p][absorbed];
		int64_t left = -1;
		csvc_assert_ok(csvc_ticket_count(m, &q, &left));
		assert_int_equal(left, 0);
	}
	csvc_store_close(m);
	if (sh->advance_busy || sh->advance_other)
		fail_msg("advancers: %lld busy, %lld other failures (last: %s)", (long long)sh->advance_busy,
		         (long long)sh->advance_other, sh->advance_error);
	assert_false(sh->alarms_overflow);
	/* With 16 writers on 6 tickets, revisions go stale. */
	assert_true(conflicts > 0);

	csvc_assert_ok(open_store(&s));
	/* Ticket numbers: 1..n in each store code, each once. */
	for (int c = 0; c < 2; c++) {
		qsort(numbers[c], (size_t)n_numbers[c], sizeof(int64_t), cmp_i64);
		for (int i = 0; i < n_numbers[c]; i++)
			if (numbers[c][i] != i + 1)
				fail_msg("store %s: the %dth number is %lld", store_codes[c], i + 1, (long long)numbers[c][i]);
		csvc_ticket_query q;
		csvc_assert_ok(csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION));
		q.store_code = store_codes[c];
		int64_t stored = 0;
		csvc_assert_ok(csvc_ticket_count(s, &q, &stored));
		assert_int_equal(stored, n_numbers[c]);
		assert_true(n_numbers[c] > 0);
		free(numbers[c]);
	}
	/* Shared tickets: their events are the calls that committed. */
	int64_t alarms = 0;
	for (int k = 0; k < N_SHARED; k++) {
		int64_t ops = 0;
		scan_history(s, &tickets[k], &ops, &alarms);
		assert_int_equal(ops, ticket_ok[k]);
		csvc_ticket *t = NULL, *r = NULL;
		csvc_assert_ok(csvc_ticket_get(s, &tickets[k], &t));
		csvc_assert_ok(csvc_ticket_replay(s, &tickets[k], &r));
		assert_true(csvc_ticket_equal(t, r));
		csvc_ticket_free(t);
		csvc_ticket_free(r);
	}
	assert_int_equal(alarms, 0);
	/* Customers: one revision per committed update. */
	for (int k = 0; k < N_CUSTOMERS; k++) {
		csvc_customer *c = NULL;
		csvc_assert_ok(csvc_customer_get(s, &customers[k], &c));
		assert_int_equal(csvc_customer_revision(c), 1 + customer_ok[k]);
		csvc_customer_free(c);
	}
	/* Alarms on the complaints nobody touched: the same number on each. */
	int64_t per_ticket = -1;
	for (int c = 0; c < 2; c++) {
		csvc_ticket_query q;
		csvc_assert_ok(csvc_ticket_query_init(&q, CSVC_TICKET_QUERY_VERSION));
		q.store_code = store_codes[c];
		csvc_ticket_iter *it = NULL;
		csvc_assert_ok(csvc_ticket_iter_new(s, &q, &it));
		csvc_ticket *t = NULL;
		while (csvc_ticket_iter_next(it, &t) == CSVC_OK) {
			int64_t ops = 0, mine = 0;
			scan_history(s, csvc_ticket_id(t), &ops, &mine);
			assert_int_equal(ops, 0);
			if (per_ticket < 0)
				per_ticket = mine;
			assert_int_equal(mine, per_ticket);
			alarms += mine;
			int equal = 0;
			csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(t), 0, &equal));
			assert_true(equal);
			csvc_ticket_free(t);
		}
		csvc_ticket_iter_free(it);
	}
	assert_true(per_ticket > 0);
	int64_t untouched = alarms;
	/* The shared complaints: each call that committed is there once, no
	 * alarm twice, and the clocks are what the log gives. */
	for (int k = 0; k < N_SLA_SHARED; k++) {
		int64_t ops = 0, mine = 0, ok = 0;
		for (int w = 0; w < N_WORKERS; w++)
			ok += sh->workers[w].sla_ticket_ok[k];
		scan_history(s, &sla_tickets[k], &ops, &mine);
		assert_int_equal(ops, ok);
		alarms += mine;
		int equal = 0;
		csvc_assert_ok(csvc_sla_recompute(s, &sla_tickets[k], 0, &equal));
		assert_true(equal);
	}
	/* The advancers wrote every alarm of the untouched complaints, and
	 * some of the shared ones' (their writers caught up the rest). */
	assert_true(sh->emitted[0] + sh->emitted[1] >= untouched);
	assert_true(sh->emitted[0] + sh->emitted[1] <= alarms);
	assert_true(sh->emitted[0] > 0);
	assert_int_equal(sh->n_alarms, sh->emitted[0]);
	for (int i = 0; i < sh->n_alarms; i++)
		assert_int_equal(alarm_in_history(s, &sh->alarms[i]), 1);
	int64_t left = -1;
	csvc_assert_ok(csvc_sla_advance(s, T_END, NULL, NULL, &left));
	assert_int_equal(left, 0);
	csvc_store_close(s);
	printf("# %d workers: %lld conflicts; %d + %d tickets created; %lld alarms, %lld on untouched complaints "
	       "(advancers: %lld with a callback + %lld batched)\n",
	       N_WORKERS, (long long)conflicts, n_numbers[0], n_numbers[1], (long long)alarms, (long long)untouched,
	       (long long)sh->emitted[0], (long long)sh->emitted[1]);
	munmap(sh, sizeof(*sh));
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_writers_and_advancers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
