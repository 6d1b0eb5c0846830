/*
 * Concurrency: 4 processes and 4 threads, each with its own store on one
 * file, make conflicting changes with revisions to the same tickets. Every
 * operation commits or returns CSVC_ECONFLICT (never CSVC_EBUSY under the
 * busy timeout), and the counts add up exactly: each ticket's revision is
 * one (its creation) plus the operations that committed on it.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvc-test.h"

#define N_TICKETS 6
#define N_OPS 150
#define N_PROCS 4
#define N_THREADS 4

static char path[256];
static csvc_uuid tickets[N_TICKETS];

typedef struct counts {
	int64_t ok[N_TICKETS];
	int64_t conflicts, busy, other;
} counts;

static const char *next_transition(const char *state)
{
	if (strcmp(state, "new") == 0)
		return "start";
	if (strcmp(state, "in_progress") == 0)
		return "wait_customer";
	return "resume";
}

static void work(unsigned seed, counts *c)
{
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, NULL) != CSVC_OK) {
		c->other++;
		return;
	}
	for (int i = 0; i < N_OPS; i++) {
		seed = seed * 1103515245u + 12345u;
		int k = (int)((seed >> 8) % N_TICKETS);
		csvc_ticket *t = NULL;
		int rc = csvc_ticket_get(s, &tickets[k], &t);
		if (rc == CSVC_OK) {
			int64_t rev = csvc_ticket_revision(t);
			if ((seed >> 20) & 1)
				rc = csvc_ticket_transition(s, &tickets[k], next_transition(csvc_ticket_state(t)), rev, "w",
				                            NULL, NULL);
			else
				rc = csvc_ticket_comment(s, &tickets[k], &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "并发", NULL, rev, "w"}, NULL);
			csvc_ticket_free(t);
		}
		if (rc == CSVC_OK)
			c->ok[k]++;
		else if (rc == CSVC_ECONFLICT)
			c->conflicts++;
		else if (rc == CSVC_EBUSY)
			c->busy++;
		else
			c->other++;
	}
	csvc_store_close(s);
}

static void *thread_main(void *arg)
{
	counts *c = arg;
	work((unsigned)(uintptr_t)c * 2654435761u, c);
	return NULL;
}

static void test_conflicting_writers(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-concurrency-XXXXXX";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.db", dir);
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_ok(csvc_store_install_defaults(s));
	for (int k = 0; k < N_TICKETS; k++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "suggestion", "SH01"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		tickets[k] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	csvc_store_close(s);

	int pipes[N_PROCS][2];
	pid_t pids[N_PROCS];
	for (int p = 0; p < N_PROCS; p++) {
		assert_int_equal(pipe(pipes[p]), 0);
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			counts c;
			memset(&c, 0, sizeof(c));
			work(1000u + (unsigned)p, &c);
			ssize_t n = write(pipes[p][1], &c, sizeof(c));
			_exit(n == (ssize_t)sizeof(c) ? 0 : 1);
		}
		close(pipes[p][1]);
	}
	pthread_t th[N_THREADS];
	counts tc[N_THREADS];
	memset(tc, 0, sizeof(tc));
	for (int i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, &tc[i]), 0);
	counts total;
	memset(&total, 0, sizeof(total));
	for (int i = 0; i < N_THREADS; i++) {
		pthread_join(th[i], NULL);
		for (int k = 0; k < N_TICKETS; k++)
			total.ok[k] += tc[i].ok[k];
		total.conflicts += tc[i].conflicts;
		total.busy += tc[i].busy;
		total.other += tc[i].other;
	}
	for (int p = 0; p < N_PROCS; p++) {
		counts c;
		assert_int_equal(read(pipes[p][0], &c, sizeof(c)), (ssize_t)sizeof(c));
		close(pipes[p][0]);
		int status = 0;
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		for (int k = 0; k < N_TICKETS; k++)
			total.ok[k] += c.ok[k];
		total.conflicts += c.conflicts;
		total.busy += c.busy;
		total.other += c.other;
	}
	assert_int_equal(total.busy, 0);
	assert_int_equal(total.other, 0);
	int64_t ops = total.conflicts;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	for (int k = 0; k < N_TICKETS; k++) {
		csvc_ticket *t = NULL, *r = NULL;
		csvc_assert_ok(csvc_ticket_get(s, &tickets[k], &t));
		assert_int_equal(csvc_ticket_revision(t), 1 + total.ok[k]);
		csvc_assert_ok(csvc_ticket_replay(s, &tickets[k], &r));
		assert_true(csvc_ticket_equal(t, r));
		int equal = 0;
		csvc_assert_ok(csvc_sla_recompute(s, &tickets[k], 0, &equal));
		assert_true(equal);
		csvc_ticket_free(t);
		csvc_ticket_free(r);
		ops += total.ok[k];
	}
	assert_int_equal(ops, (int64_t)(N_PROCS + N_THREADS) * N_OPS);
	assert_true(total.conflicts > 0); /* the writers did get in each other's way */
	csvc_store_close(s);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conflicting_writers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
