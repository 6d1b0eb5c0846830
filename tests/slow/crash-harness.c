/*
 * Crash safety: a writer process does random operations across the API
 * and reports every acknowledged commit over a pipe; it is killed with
 * SIGKILL at random moments. After each kill the store is opened again and
 * checked:
 *   - PRAGMA integrity_check is ok;
 *   - every acknowledged operation is there (customers exist, tickets have
 *     at least the acknowledged revision);
 *   - no partial operation is visible: every ticket's revision equals its
 *     last event, and its replay from events equals its row;
 *   - SLA state equals its recompute, and no warning or breach appears twice.
 *
 *   csvc-crash-harness STORE-FILE KILLS [SEED]
 *
 * prints "kills: N" and "N passed, 0 failed" at the end, and exits 1 at the
 * first failed check.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvc.h"

#define MIN ((int64_t)60 * 1000000)

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "crash-harness: FAILED: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	printf("0 passed, 1 failed\n");
	exit(1);
}

/* ---- the writer ---- */

typedef struct clockcell {
	csvc_time_us now;
} clockcell;

static csvc_time_us writer_clock(void *ud)
{
	clockcell *c = ud;
	c->now += MIN;
	return c->now;
}

static void ack(int fd, char kind, const csvc_uuid *id, int64_t revision)
{
	char text[CSVC_UUID_STRLEN + 1], line[96];
	csvc_uuid_to_string(id, text);
	int n = snprintf(line, sizeof(line), "%c %s %lld\n", kind, text, (long long)revision);
	if (write(fd, line, (size_t)n) != n)
		_exit(3);
}

static const char *pick_transition(const char *state, unsigned r)
{
	static const char *any[] = {"start", "resolve", "wait_customer", "resume", "close", "reopen", "cancel",
	                            "analyse", "handle", "report_back", "escalate", "answer"};
	(void)state;
	return any[r % (sizeof(any) / sizeof(any[0]))];
}

static void writer(const char *path, int fd, unsigned seed, csvc_time_us base)
{
	clockcell clock = {base};
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = writer_clock;
	o.clock_userdata = &clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o) || csvc_store_install_defaults(s))
		_exit(2);
	csvc_uuid recent[64];
	int n_recent = 0;
	csvc_uuid customers[16];
	int n_customers = 0;
	for (unsigned i = 0;; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		int op = (int)(r % 10);
		if (op <= 1 || n_recent == 0) {
			csvc_ticket *t = NULL;
			static const char *kinds[] = {"complaint", "inquiry", "suggestion", "after_sales"};
			if (csvc_ticket_new(&t, kinds[r % 4], (r >> 4) & 1 ? "SH01" : "SH02"))
				_exit(4);
			csvc_ticket_set_subject(t, "崩溃测试");
			if (n_customers && (r & 8))
				csvc_ticket_set_customer(t, &customers[(r >> 5) % (unsigned)n_customers]);
			if (csvc_ticket_create(s, t, "w") == CSVC_OK) {
				ack(fd, 'T', csvc_ticket_id(t), 1);
				recent[n_recent < 64 ? n_recent++ : (int)(r % 64)] = *csvc_ticket_id(t);
			}
			csvc_ticket_free(t);
		} else if (op == 2) {
			csvc_customer *c = NULL;
			char phone[32];
			snprintf(phone, sizeof(phone), "139%08u", r % 100000000u);
			if (csvc_customer_new(&c) || csvc_customer_set_name(c, "顾客") || csvc_customer_add_phone(c, phone))
				_exit(5);
			if (csvc_customer_create(s, c, "w") == CSVC_OK) {
				ack(fd, 'C', csvc_customer_id(c), 1);
				customers[n_customers < 16 ? n_customers++ : (int)(r % 16)] = *csvc_customer_id(c);
			}
			csvc_customer_free(c);
		} else if (op == 3 && n_customers >= 2) {
			int a = (int)(r % (unsigned)n_customers), b = (int)((r >> 6) % (unsigned)n_customers);
			if (a != b && csvc_customer_merge(s, &customers[a], &customers[b], "w", NULL) == CSVC_OK) {
				ack(fd, 'M', &customers[b], 0);
				customers[b] = customers[n_customers - 1]; /* drop the absorbed one */
				n_customers--;
			}
		} else if (op <= 6) {
			const csvc_uuid *id = &recent[r % (unsigned)n_recent];
			int64_t rev = 0;
			if (csvc_ticket_transition(s, id, pick_transition(NULL, r >> 7), 0, "w", NULL, &rev) == CSVC_OK)
				ack(fd, 'T', id, rev);
		} else if (op <= 8) {
			const csvc_uuid *id = &recent[r % (unsigned)n_recent];
			int64_t rev = 0;
			if (csvc_ticket_comment(s, id, 1 + (int32_t)((r >> 7) % 4), "回复", NULL, 0, "w", &rev) == CSVC_OK)
				ack(fd, 'T', id, rev);
		} else {
			clock.now += 90 * MIN;
			int64_t emitted = 0;
			if (csvc_sla_advance(s, clock.now, NULL, NULL, &emitted) == CSVC_OK)
				ack(fd, 'A', &recent[0], emitted);
		}
	}
}

/* ---- the checker ---- */

typedef struct acked {
	csvc_uuid id;
	int64_t revision;
	int round; /* the last round that acknowledged something of it */
	char kind;
} acked;

static int current_round;

static acked *acks;
static size_t n_acks, cap_acks;

static void remember(char kind, const csvc_uuid *id, int64_t revision)
{
	for (size_t i = 0; i < n_acks; i++)
		if (acks[i].kind == kind && csvc_uuid_equal(&acks[i].id, id)) {
			if (revision > acks[i].revision)
				acks[i].revision = revision;
			acks[i].round = current_round;
			return;
		}
	if (n_acks == cap_acks) {
		cap_acks = cap_acks ? cap_acks * 2 : 256;
		acks = realloc(acks, cap_acks * sizeof(*acks));
		if (!acks)
			fail("out of memory", NULL);
	}
	acks[n_acks].kind = kind;
	acks[n_acks].id = *id;
	acks[n_acks].revision = revision;
	acks[n_acks].round = current_round;
	n_acks++;
}

static int64_t sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		fail("query", sqlite3_errmsg(db));
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void check(const char *path, int full)
{
	/* Opening recovers the store (and finishes creating it when the writer
	 * was killed before its first commit). */
	csvc_store *first = NULL;
	if (csvc_store_open(&first, path, NULL))
		fail("open after the kill", csvc_error_last()->message);
	csvc_store_close(first);
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail("open raw", NULL);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		fail("integrity_check", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sql_int(db, "SELECT count(*) FROM tickets t WHERE t.revision !="
	                " (SELECT max(seq) FROM ticket_events e WHERE e.ticket_id = t.id)"))
		fail("a ticket's revision differs from its last event", NULL);
	if (sql_int(db, "SELECT count(*) FROM tickets t WHERE NOT EXISTS"
	                " (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.seq = 1 AND e.type = 'created')"))
		fail("a ticket without its creation event", NULL);
	if (sql_int(db, "SELECT count(*) FROM (SELECT ticket_id, payload FROM ticket_events"
	                " WHERE type IN ('sla_warning', 'sla_breach') GROUP BY ticket_id, payload HAVING count(*) > 1)"))
		fail("an SLA alarm appears twice", NULL);
	if (sql_int(db, "SELECT count(*) FROM customers c WHERE c.merged_into IS NULL AND c.erased_us IS NULL AND"
	                " NOT EXISTS (SELECT 1 FROM customer_events e WHERE e.customer_id = c.id AND e.type = 'created')"))
		fail("a customer without its creation event", NULL);
	sqlite3_close(db);

	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, NULL))
		fail("open", csvc_error_last()->message);
	/* The SQL checks above cover every row; the API checks cover what this
	 * round acknowledged (everything in the final round). */
	for (size_t i = 0; i < n_acks; i++) {
		if (!full && acks[i].round != current_round)
			continue;
		if (acks[i].kind == 'C' || acks[i].kind == 'M') {
			csvc_customer *c = NULL;
			if (csvc_customer_get(s, &acks[i].id, &c))
				fail("an acknowledged customer is missing", csvc_error_last()->message);
			if (acks[i].kind == 'M' && !csvc_customer_merged_into(c))
				fail("an acknowledged merge is missing", NULL);
			csvc_customer_free(c);
		} else if (acks[i].kind == 'T') {
			csvc_ticket *t = NULL, *r = NULL;
			if (csvc_ticket_get(s, &acks[i].id, &t))
				fail("an acknowledged ticket is missing", csvc_error_last()->message);
			if (csvc_ticket_revision(t) < acks[i].revision)
				fail("an acknowledged ticket change is missing", csvc_ticket_number(t));
			if (full || acks[i].revision >= csvc_ticket_revision(t) - 1) {
				int equal = 0;
				if (csvc_ticket_replay(s, &acks[i].id, &r) || !csvc_ticket_equal(t, r))
					fail("a ticket differs from its replay", csvc_ticket_number(t));
				if (csvc_sla_recompute(s, &acks[i].id, 0, &equal) || !equal)
					fail("SLA state differs from its recompute", csvc_ticket_number(t));
			}
			csvc_ticket_free(t);
			csvc_ticket_free(r);
		}
	}
	csvc_store_close(s);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: csvc-crash-harness STORE-FILE KILLS [SEED]\n");
		return 2;
	}
	const char *path = argv[1];
	int kills = atoi(argv[2]);
	unsigned seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 20261122u;
	char side[600];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	csvc_time_us base = (csvc_time_us)1767225600 * 1000000;
	long total_acks = 0;
	for (int k = 0; k < kills; k++) {
		current_round = k;
		int fds[2];
		if (pipe(fds))
			fail("pipe", strerror(errno));
		seed = seed * 1103515245u + 12345u;
		pid_t pid = fork();
		if (pid < 0)
			fail("fork", strerror(errno));
		if (pid == 0) {
			close(fds[0]);
			writer(path, fds[1], seed, base + (csvc_time_us)k * 100000 * MIN);
			_exit(0);
		}
		close(fds[1]);
		/* Let it run between 2 and 40 ms, then kill it without warning. */
		struct timespec ts = {0, (long)(2 + (seed >> 12) % 39) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			fail("the writer stopped by itself", NULL);
		/* Read every acknowledgement the writer got out. */
		FILE *f = fdopen(fds[0], "r");
		char line[128];
		while (fgets(line, sizeof(line), f)) {
			char kind, text[64];
			long long rev;
			csvc_uuid id;
			if (sscanf(line, "%c %63s %lld", &kind, text, &rev) != 3)
				continue; /* a line cut by the kill */
			if (csvc_uuid_from_string(text, &id))
				continue;
			if (kind != 'A')
				remember(kind, &id, rev);
			total_acks++;
		}
		fclose(f);
		check(path, k == kills - 1);
	}
	printf("kills: %d\nacknowledged operations: %ld\n", kills, total_acks);
	printf("%d passed, 0 failed\n", kills);
	free(acks);
	return 0;
}
