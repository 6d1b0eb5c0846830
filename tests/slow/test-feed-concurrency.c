/*
 * The change feed with writers and consumers at once: 4 writer processes
 * commit on one store file (ticket creations and transitions mixed with
 * customer creations), while 2 consumer processes, under different names,
 * read the feed with csvc_feed_read, csvc_feed_ack and csvc_feed_wait
 * until they have read the head the parent gives them once every writer
 * has exited. Each consumer records every entry it saw (position, event
 * id, subject kind, type, actor) in a file of its own. The parent checks:
 *   - each consumer saw positions 1..head, each once, in order, with no
 *     gap, and event ids that are all different;
 *   - the head is what the writers committed, counted independently: each
 *     writer reports how many calls of each kind returned CSVC_OK (a call
 *     that met CSVC_EBUSY on a loaded machine wrote nothing), and
 *     each of these calls makes one entry (docs/feed.md, "Entries per
 *     call"), after the handbook definitions installed first;
 *   - per writer (the actor), the entries of each kind are as many as the
 *     calls it reported;
 *   - both consumers' sequences are identical, and both cursors are at the
 *     head with no lag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvc-test.h"

#define N_WRITERS 4
#define N_OPS 300
#define N_CONSUMERS 2

/* 2026-01-01 00:00 UTC: one instant for every call, so that no SLA alarm
 * falls due and each call makes exactly one entry. */
#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US)

static const char *const consumer_names[N_CONSUMERS] = {"sync.crm", "sync.warehouse"};

static char dir[64], path[128];

typedef struct tally {
	int64_t tickets, transitions, customers; /* calls that returned CSVC_OK */
	int64_t busy;                            /* CSVC_EBUSY: nothing written */
	int64_t failed;                          /* any other failure */
} tally;

typedef struct shared {
	volatile int64_t final_head; /* -1 while writers run */
} shared;

static csvc_time_us fixed_clock(void *ud)
{
	(void)ud;
	return T0;
}

static void writer(int w, tally *t)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = fixed_clock;
	csvc_store *s = NULL;
	if (csvc_test_open(&s, path, &o)) {
		t->failed++;
		return;
	}
	char actor[16];
	snprintf(actor, sizeof(actor), "w%d", w);
	/* The writer's own inquiry tickets, each with its count of
	 * transitions: received -answer-> answered -reopen-> assigned_handler
	 * -answer-> answered ... is always allowed. */
	csvc_uuid tickets[N_OPS];
	int moves[N_OPS];
	int n = 0;
	unsigned seed = 7919u * (unsigned)(w + 1);
	for (int i = 0; i < N_OPS; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = (seed >> 8) % 10;
		int rc;
		if (r < 4 || n == 0) {
			csvc_ticket *tk = NULL;
			if (csvc_ticket_new(&tk, "inquiry", w & 1 ? "SH01" : "SH02") || csvc_ticket_set_subject(tk, "并发变更流")) {
				t->failed++;
				continue;
			}
			rc = csvc_ticket_create(s, tk, actor);
			if (rc == CSVC_OK) {
				tickets[n] = *csvc_ticket_id(tk);
				moves[n++] = 0;
				t->tickets++;
			}
			csvc_ticket_free(tk);
		} else if (r < 8) {
			int k = (int)((seed >> 16) % (unsigned)n);
			rc = csvc_ticket_transition(s, &tickets[k], moves[k] % 2 ? "reopen" : "answer", 0, actor, NULL, NULL);
			if (rc == CSVC_OK) {
				moves[k]++;
				t->transitions++;
			}
		} else {
			csvc_customer *c = NULL;
			char name[32];
			snprintf(name, sizeof(name), "顾客 %d-%d", w, i);
			if (csvc_customer_new(&c) || csvc_customer_set_name(c, name)) {
				t->failed++;
				continue;
			}
			rc = csvc_customer_create(s, c, actor);
			t->customers += rc == CSVC_OK;
			csvc_customer_free(c);
		}
		if (rc == CSVC_EBUSY) {
			/* The lock stayed taken past the busy timeout (a loaded
			 * machine): the call wrote nothing, and is not counted. */
			t->busy++;
		} else if (rc != CSVC_OK) {
			fprintf(stderr, "writer %d: %s\n", w, csvc_error_last()->message);
			t->failed++;
		}
		/* A moment between calls, as a till or an agent's desk has:
		 * without it, SQLite's busy handler lets one writer take the lock
		 * again and again while the others sleep, and the writers would
		 * commit one after the other instead of interleaved. */
		usleep((seed >> 4) % 1000);
	}
	csvc_store_close(s);
}

/* Reads, records and acknowledges until the cursor is at the final head;
 * returns the exit code. */
static int consumer(int c, shared *sh)
{
	char file[160];
	snprintf(file, sizeof(file), "%s/%s.log", dir, consumer_names[c]);
	FILE *out = fopen(file, "w");
	csvc_store *s = NULL;
	if (!out || csvc_test_open(&s, path, NULL))
		return 10;
	int64_t acked = 0;
	unsigned seed = 104729u * (unsigned)(c + 1);
	for (;;) {
		seed = seed * 1103515245u + 12345u;
		csvc_feed_iter *batch = NULL;
		if (csvc_feed_read(s, consumer_names[c], 1 + (int32_t)((seed >> 8) % 97), &batch))
			return 11;
		const csvc_feed_entry *e;
		int64_t last = -1;
		while (csvc_feed_iter_next(batch, &e) == CSVC_OK) {
			char id[CSVC_UUID_STRLEN + 1];
			csvc_uuid_to_string(csvc_feed_entry_id(e), id);
			const char *actor = csvc_feed_entry_actor(e);
			fprintf(out, "%lld %s %s %s %s\n", (long long)csvc_feed_entry_position(e), id,
			        csvc_feed_entry_subject_kind(e), csvc_feed_entry_type(e), actor ? actor : "-");
			last = csvc_feed_entry_position(e);
		}
		csvc_feed_iter_free(batch);
		if (last >= 0) {
			/* The ack writes: under the writers' load it may meet
			 * CSVC_EBUSY, and is tried again (it never moves back). */
			int rc, tries = 0;
			while ((rc = csvc_feed_ack(s, consumer_names[c], last)) == CSVC_EBUSY && ++tries < 20)
				;
			if (rc)
				return 12;
			acked = last;
			continue;
		}
		int64_t final_head = sh->final_head;
		if (final_head >= 0 && acked >= final_head)
			break;
		if (csvc_feed_wait(s, acked, 200, NULL) < 0)
			return 13;
	}
	csvc_store_close(s);
	return fclose(out) == 0 ? 0 : 14;
}

typedef struct seen {
	int64_t pos;
	char id[40], kind[16], type[32], actor[16];
} seen;

static seen *read_log(int c, size_t *n)
{
	char file[160];
	snprintf(file, sizeof(file), "%s/%s.log", dir, consumer_names[c]);
	FILE *in = fopen(file, "r");
	assert_non_null(in);
	size_t cap = 1024, k = 0;
	seen *list = malloc(cap * sizeof(*list));
	assert_non_null(list);
	char line[256];
	while (fgets(line, sizeof(line), in)) {
		if (k == cap) {
			cap *= 2;
			list = realloc(list, cap * sizeof(*list));
			assert_non_null(list);
		}
		seen *x = &list[k++];
		long long pos;
		assert_int_equal(sscanf(line, "%lld %39s %15s %31s %15s", &pos, x->id, x->kind, x->type, x->actor), 5);
		x->pos = pos;
	}
	fclose(in);
	*n = k;
	return list;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const seen *)a)->id, ((const seen *)b)->id);
}

static void test_writers_and_consumers(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csvc-feed-concurrency-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.db", dir);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = fixed_clock;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	int64_t defaults = 0;
	csvc_assert_ok(csvc_feed_head(s, &defaults));
	assert_true(defaults > 0);
	csvc_store_close(s);

	shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(sh != MAP_FAILED);
	sh->final_head = -1;

	/* The consumers first: they read while the writers write. */
	pid_t consumers[N_CONSUMERS];
	for (int c = 0; c < N_CONSUMERS; c++) {
		consumers[c] = fork();
		assert_true(consumers[c] >= 0);
		if (consumers[c] == 0)
			_exit(consumer(c, sh));
	}
	int pipes[N_WRITERS][2];
	pid_t writers[N_WRITERS];
	for (int w = 0; w < N_WRITERS; w++) {
		assert_int_equal(pipe(pipes[w]), 0);
		writers[w] = fork();
		assert_true(writers[w] >= 0);
		if (writers[w] == 0) {
			tally t = {0};
			writer(w, &t);
			ssize_t n = write(pipes[w][1], &t, sizeof(t));
			_exit(n == (ssize_t)sizeof(t) ? 0 : 1);
		}
		close(pipes[w][1]);
	}
	tally tallies[N_WRITERS];
	int64_t expected = defaults;
	for (int w = 0; w < N_WRITERS; w++) {
		assert_int_equal(read(pipes[w][0], &tallies[w], sizeof(tallies[w])), (ssize_t)sizeof(tallies[w]));
		close(pipes[w][0]);
		int status = 0;
		assert_int_equal(waitpid(writers[w], &status, 0), writers[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(tallies[w].failed, 0);
		assert_int_equal(tallies[w].tickets + tallies[w].transitions + tallies[w].customers + tallies[w].busy, N_OPS);
		assert_true(tallies[w].busy < N_OPS / 10);
		assert_true(tallies[w].tickets > 0 && tallies[w].transitions > 0 && tallies[w].customers > 0);
		/* One entry per call (docs/feed.md, "Entries per call"). */
		expected += tallies[w].tickets + tallies[w].transitions + tallies[w].customers;
	}

	/* Every writer has exited: the head is final. */
	int64_t head = 0;
	csvc_assert_ok(csvc_test_open(&s, path, NULL));
	csvc_assert_ok(csvc_feed_head(s, &head));
	assert_int_equal(head, expected);
	sh->final_head = head;
	for (int c = 0; c < N_CONSUMERS; c++) {
		int status = 0;
		assert_int_equal(waitpid(consumers[c], &status, 0), consumers[c]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		int64_t cursor = -1, lag = -1;
		csvc_assert_ok(csvc_feed_consumer_get(s, consumer_names[c], &cursor, &lag));
		assert_int_equal(cursor, head);
		assert_int_equal(lag, 0);
	}
	csvc_store_close(s);

	seen *logs[N_CONSUMERS];
	size_t n[N_CONSUMERS];
	for (int c = 0; c < N_CONSUMERS; c++) {
		logs[c] = read_log(c, &n[c]);
		/* Every entry once, in order, without a gap. */
		assert_int_equal((int64_t)n[c], head);
		int64_t per_writer[N_WRITERS][3] = {{0}};
		for (size_t i = 0; i < n[c]; i++) {
			const seen *x = &logs[c][i];
			assert_int_equal(x->pos, (int64_t)i + 1);
			if ((int64_t)i < defaults) {
				assert_string_equal(x->kind, "definition");
				continue;
			}
			assert_int_equal(x->actor[0], 'w');
			int w = x->actor[1] - '0';
			assert_true(w >= 0 && w < N_WRITERS && x->actor[2] == '\0');
			if (!strcmp(x->kind, "ticket") && !strcmp(x->type, "created"))
				per_writer[w][0]++;
			else if (!strcmp(x->kind, "ticket") && !strcmp(x->type, "transition"))
				per_writer[w][1]++;
			else if (!strcmp(x->kind, "customer") && !strcmp(x->type, "created"))
				per_writer[w][2]++;
			else
				fail_msg("an entry no writer's call makes: %s %s", x->kind, x->type);
		}
		/* The writers did run at once: their entries interleave. */
		int switches = 0;
		for (size_t i = (size_t)defaults + 1; i < n[c]; i++)
			switches += strcmp(logs[c][i].actor, logs[c][i - 1].actor) != 0;
		assert_true(switches > 4 * N_WRITERS);
		for (int w = 0; w < N_WRITERS; w++) {
			assert_int_equal(per_writer[w][0], tallies[w].tickets);
			assert_int_equal(per_writer[w][1], tallies[w].transitions);
			assert_int_equal(per_writer[w][2], tallies[w].customers);
		}
		/* Event ids all different. */
		seen *sorted = malloc(n[c] * sizeof(*sorted));
		assert_non_null(sorted);
		memcpy(sorted, logs[c], n[c] * sizeof(*sorted));
		qsort(sorted, n[c], sizeof(*sorted), cmp_id);
		for (size_t i = 1; i < n[c]; i++)
			assert_string_not_equal(sorted[i - 1].id, sorted[i].id);
		free(sorted);
	}
	/* Both consumers saw the same sequence. */
	assert_int_equal(n[0], n[1]);
	for (size_t i = 0; i < n[0]; i++) {
		assert_int_equal(logs[0][i].pos, logs[1][i].pos);
		assert_string_equal(logs[0][i].id, logs[1][i].id);
		assert_string_equal(logs[0][i].type, logs[1][i].type);
		assert_string_equal(logs[0][i].actor, logs[1][i].actor);
	}
	for (int c = 0; c < N_CONSUMERS; c++)
		free(logs[c]);
	munmap(sh, sizeof(*sh));
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writers_and_consumers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
