/*
 * Crash safety: a writer process does random operations across the API
 * and, after each call returns CSVC_OK, appends a record of what it did to
 * a log of its own (STORE-FILE.acklog: one line per acknowledged operation,
 * written with one write() and fdatasync'ed before the next operation);
 * it is killed with SIGKILL at random moments. After each kill the store
 * is opened again and checked against that log, which shares nothing with
 * the store:
 *   - PRAGMA integrity_check is ok;
 *   - every logged operation is there as logged: a ticket's event at the
 *     logged revision has the logged type, actor and transition or comment
 *     kind; a created customer exists with the logged phone; a merged one
 *     points at the logged survivor;
 *   - nothing beyond the log: the writer's ticket events and customers in
 *     the store exceed the logged ones by at most one per kill (the call
 *     that committed but was killed before it logged);
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

/* One log record: "<kind> <uuid> <revision> <detail>\n", appended with a
 * single write() and made durable before the writer goes on. Kinds:
 *   T ticket created (detail: ticket kind)     X transition (detail: name)
 *   K comment (detail: comment kind)           C customer created (phone)
 *   M customer merged away (detail: survivor)  A SLA advance (no check) */
static void ack(int fd, char kind, const csvc_uuid *id, int64_t revision, const char *detail)
{
	char text[CSVC_UUID_STRLEN + 1], line[160];
	csvc_uuid_to_string(id, text);
	int n = snprintf(line, sizeof(line), "%c %s %lld %s\n", kind, text, (long long)revision, detail);
	if (n <= 0 || n >= (int)sizeof(line) || write(fd, line, (size_t)n) != n || fdatasync(fd) != 0)
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
				ack(fd, 'T', csvc_ticket_id(t), 1, kinds[r % 4]);
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
				ack(fd, 'C', csvc_customer_id(c), 1, phone);
				customers[n_customers < 16 ? n_customers++ : (int)(r % 16)] = *csvc_customer_id(c);
			}
			csvc_customer_free(c);
		} else if (op == 3 && n_customers >= 2) {
			int a = (int)(r % (unsigned)n_customers), b = (int)((r >> 6) % (unsigned)n_customers);
			if (a != b && csvc_customer_merge(s, &customers[a], &customers[b], "w", NULL) == CSVC_OK) {
				char into[CSVC_UUID_STRLEN + 1];
				csvc_uuid_to_string(&customers[a], into);
				ack(fd, 'M', &customers[b], 0, into);
				customers[b] = customers[n_customers - 1]; /* drop the absorbed one */
				n_customers--;
			}
		} else if (op <= 6) {
			const csvc_uuid *id = &recent[r % (unsigned)n_recent];
			int64_t rev = 0;
			const char *name = pick_transition(NULL, r >> 7);
			if (csvc_ticket_transition(s, id, name, 0, "w", NULL, &rev) == CSVC_OK)
				ack(fd, 'X', id, rev, name);
		} else if (op <= 8) {
			const csvc_uuid *id = &recent[r % (unsigned)n_recent];
			int64_t rev = 0;
			int32_t kind = 1 + (int32_t)((r >> 7) % 4);
			char detail[16];
			snprintf(detail, sizeof(detail), "%d", (int)kind);
			if (csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, kind, "回复", NULL, 0, "w"}, &rev) == CSVC_OK)
				ack(fd, 'K', id, rev, detail);
		} else {
			clock.now += 90 * MIN;
			int64_t emitted = 0;
			if (csvc_sla_advance(s, clock.now, NULL, NULL, &emitted) == CSVC_OK)
				ack(fd, 'A', &recent[0], emitted, "-");
		}
	}
}

/* ---- the checker ---- */

/* The log, as read back by the parent after each kill. */
typedef struct logged {
	char kind;
	csvc_uuid id;
	int64_t revision;
	char detail[64];
	int round; /* the round that wrote it */
} logged;

static int current_round;
static logged *records;
static size_t n_records, cap_records;
static long log_offset; /* bytes of the log read so far: whole lines only */

/* Reads the records the last writer appended. A line the kill cut short
 * (no newline yet) is not an acknowledgement: the call returned, but its
 * record never reached the log. */
static void read_log(const char *log_path)
{
	FILE *f = fopen(log_path, "r");
	if (!f)
		fail("open the log", strerror(errno));
	if (fseek(f, log_offset, SEEK_SET))
		fail("seek the log", strerror(errno));
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		if (len == 0 || line[len - 1] != '\n')
			break;
		log_offset += (long)len;
		logged r = {0};
		char text[64];
		long long rev;
		if (sscanf(line, "%c %63s %lld %63s", &r.kind, text, &rev, r.detail) != 4 ||
		    csvc_uuid_from_string(text, &r.id))
			fail("a malformed log record", line);
		r.revision = rev;
		r.round = current_round;
		if (n_records == cap_records) {
			cap_records = cap_records ? cap_records * 2 : 256;
			records = realloc(records, cap_records * sizeof(*records));
			if (!records)
				fail("out of memory", NULL);
		}
		records[n_records++] = r;
	}
	fclose(f);
	/* Whatever follows is a torn record of a killed writer: cut it, so the
	 * next writer's records start on a line of their own. */
	if (truncate(log_path, log_offset))
		fail("truncate the log", strerror(errno));
}

/* The ticket's event at `seq`, read through the API. */
/* The event of the operation that returned revision `seq`: the last one at
 * or before it not written by the SLA engine, whose events (alarms caught
 * up on, a policy change) follow the operation's own in its transaction,
 * and whose revision the call returns. */
static csvc_event *event_at(csvc_store *s, const csvc_uuid *id, int64_t seq)
{
	csvc_event_iter *it = NULL;
	csvc_event *ev = NULL, *found = NULL;
	if (csvc_ticket_history_new(s, id, &it))
		fail("history of a logged ticket", csvc_error_last()->message);
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		if (csvc_event_seq(ev) <= seq && !(csvc_event_actor(ev) && strcmp(csvc_event_actor(ev), "sla") == 0)) {
			csvc_event_free(found);
			found = ev;
		} else {
			csvc_event_free(ev);
		}
	}
	csvc_ticket_history_free(it);
	return found;
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

static int64_t unlogged;

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
	/* Nothing beyond the log: each kill may leave one more call that
	 * committed but did not log, never more, and the store never has fewer
	 * rows than logged. */
	int64_t logged_events = 0, logged_customers = 0, logged_merges = 0;
	for (size_t i = 0; i < n_records; i++) {
		logged_events += records[i].kind == 'T' || records[i].kind == 'X' || records[i].kind == 'K';
		logged_customers += records[i].kind == 'C';
		logged_merges += records[i].kind == 'M';
	}
	int64_t events = sql_int(db, "SELECT count(*) FROM ticket_events WHERE actor = 'w'"
	                             " AND type IN ('created', 'transition', 'comment')");
	int64_t customers = sql_int(db, "SELECT count(*) FROM customers");
	int64_t merges = sql_int(db, "SELECT count(*) FROM customers WHERE merged_into IS NOT NULL");
	int64_t extra = (events - logged_events) + (customers - logged_customers) + (merges - logged_merges);
	if (events < logged_events || customers < logged_customers || merges < logged_merges)
		fail("the store has fewer writer operations than the log", NULL);
	if (extra - unlogged > 1 || extra < unlogged) {
		char d[256];
		snprintf(d, sizeof(d), "%lld unlogged after kill %d, %lld before (events %lld/%lld, customers %lld/%lld,"
		         " merges %lld/%lld)", (long long)extra, current_round + 1, (long long)unlogged, (long long)events, (long long)logged_events,
		         (long long)customers, (long long)logged_customers, (long long)merges, (long long)logged_merges);
		fail("the store has operations the log does not have", d);
	}
	unlogged = extra;
	sqlite3_close(db);

	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, NULL))
		fail("open", csvc_error_last()->message);
	/* Every logged operation is there as logged (this round's records, or
	 * all of them in the final round). */
	for (size_t i = 0; i < n_records; i++) {
		const logged *r = &records[i];
		if (!full && r->round != current_round)
			continue;
		char what[160];
		snprintf(what, sizeof(what), "%c record %zu (revision %lld, %s)", r->kind, i, (long long)r->revision,
		         r->detail);
		if (r->kind == 'C' || r->kind == 'M') {
			csvc_customer *c = NULL;
			if (csvc_customer_get(s, &r->id, &c))
				fail("a logged customer is missing", what);
			if (r->kind == 'M') {
				/* A later merge of the survivor re-points the records
				 * merged into it: follow the survivor's own merges. */
				csvc_uuid into;
				int found = 0;
				if (csvc_uuid_from_string(r->detail, &into) == CSVC_OK && csvc_customer_merged_into(c))
					for (int hop = 0; hop < 1000 && !found; hop++) {
						csvc_customer *k = NULL;
						found = csvc_uuid_equal(csvc_customer_merged_into(c), &into);
						if (found || csvc_customer_get(s, &into, &k) != CSVC_OK)
							break;
						const csvc_uuid *next = csvc_customer_merged_into(k);
						int more = next != NULL;
						if (more)
							into = *next;
						csvc_customer_free(k);
						if (!more)
							break;
					}
				if (!found)
					fail("a logged merge is missing or points elsewhere", what);
			} else if (!csvc_customer_merged_into(c)) {
				int has = 0;
				for (size_t k = 0; k < csvc_customer_phone_count(c); k++)
					has |= strcmp(csvc_customer_phone(c, k), r->detail) == 0;
				if (!has)
					fail("a logged customer lacks its phone", what);
			}
			csvc_customer_free(c);
		} else if (r->kind == 'T' || r->kind == 'X' || r->kind == 'K') {
			csvc_ticket *t = NULL, *rp = NULL;
			if (csvc_ticket_get(s, &r->id, &t))
				fail("a logged ticket is missing", what);
			if (csvc_ticket_revision(t) < r->revision)
				fail("a logged ticket change is missing", what);
			if (r->kind == 'T' && strcmp(csvc_ticket_kind(t), r->detail) != 0)
				fail("a logged ticket has another kind", what);
			csvc_event *ev = event_at(s, &r->id, r->revision);
			static const char *const types[] = {"created", "transition", "comment"};
			const char *want = types[r->kind == 'T' ? 0 : r->kind == 'X' ? 1 : 2];
			if (!ev || strcmp(csvc_event_type(ev), want) != 0 || !csvc_event_actor(ev) ||
			    strcmp(csvc_event_actor(ev), "w") != 0)
				fail("the event at a logged revision is not the logged operation", what);
			if (r->kind == 'X') {
				char needle[96];
				snprintf(needle, sizeof(needle), "\"transition\":\"%s\"", r->detail);
				if (!csvc_event_payload(ev) || !strstr(csvc_event_payload(ev), needle))
					fail("a logged transition is recorded under another name", what);
			}
			csvc_event_free(ev);
			if (full || r->revision >= csvc_ticket_revision(t) - 1) {
				int equal = 0;
				if (csvc_ticket_replay(s, &r->id, &rp) || !csvc_ticket_equal(t, rp))
					fail("a ticket differs from its replay", csvc_ticket_number(t));
				if (csvc_sla_recompute(s, &r->id, 0, &equal) || !equal)
					fail("SLA state differs from its recompute", csvc_ticket_number(t));
			}
			csvc_ticket_free(t);
			csvc_ticket_free(rp);
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
	char log_path[600];
	snprintf(log_path, sizeof(log_path), "%s.acklog", path);
	unlink(log_path);
	csvc_time_us base = (csvc_time_us)1767225600 * 1000000;
	for (int k = 0; k < kills; k++) {
		current_round = k;
		seed = seed * 1103515245u + 12345u;
		pid_t pid = fork();
		if (pid < 0)
			fail("fork", strerror(errno));
		if (pid == 0) {
			int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
			if (fd < 0)
				_exit(6);
			writer(path, fd, seed, base + (csvc_time_us)k * 100000 * MIN);
			_exit(0);
		}
		/* Let it run between 5 and 100 ms, then kill it without warning. */
		struct timespec ts = {0, (long)(5 + (seed >> 12) % 96) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			fail("the writer stopped by itself", NULL);
		read_log(log_path);
		check(path, k == kills - 1);
	}
	size_t acked = 0;
	for (size_t i = 0; i < n_records; i++)
		acked += records[i].kind != 'A';
	printf("kills: %d\nlogged operations: %zu (%zu checked against the store)\n"
	       "unlogged operations found (committed, killed before logging): %lld\n",
	       kills, n_records, acked, (long long)unlogged);
	printf("%d passed, 0 failed\n", kills);
	free(records);
	return 0;
}
