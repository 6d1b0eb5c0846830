/*
 * The change feed: a consumer reading a feed of 10,000,000 entries (at
 * scale 1) through csvc_feed_read in batches of CSVC_FEED_MAX_BATCH,
 * every field of every entry, against raw SQLite reading the same rows
 * and columns with the same joins; the same as JSON; and one
 * csvc_sla_advance call with 10,000 alarms due, against raw SQLite doing
 * the same writes in one transaction. With --db (bench_feed_pg), the same
 * stores on a PostgreSQL server against raw libpq sending the library's
 * statements.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-raw.h"
#include "bench.h"
#include "csvc.h"

#define HOUR ((int64_t)3600 * 1000000)
#define T0 ((csvc_time_us)1767225600LL * 1000000)

/* Tickets created through the library for the big feed: each gives a
 * `created` and a `transition` event, which raw SQL then copies. */
#define BASE_TICKETS 2000

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: feed: cannot open %s\n", path);
		exit(1);
	}
	bench_raw_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	         " PRAGMA temp_store=MEMORY");
	return db;
}

static csvc_store *open_store(const char *path, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o))
		bench_die("open");
	return s;
}

/* The handbook defaults without their SLA policies. */
static void install_defaults(csvc_store *s)
{
	if (csvc_store_install_defaults(s) || csvc_sla_policy_retire(s, "handbook_inquiry") ||
	    csvc_sla_policy_retire(s, "handbook_complaint") || csvc_sla_policy_retire(s, "default"))
		bench_die("defaults");
}

/* A new store with the handbook defaults and none of their SLA policies. */
static csvc_store *new_store(const char *path, csvc_time_us *clock)
{
	csvc_store *s = open_store(path, clock);
	install_defaults(s);
	return s;
}

/* ---- the big feed ---- */

/* What a reader saw, to check that both sides read the same entries. */
typedef struct sums {
	int64_t entries, text, payload;
	uint64_t positions, times, ids, subjects; /* sums modulo 2^64 */
} sums;

static uint64_t uuid_sum(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 16; i++)
		v = v * 31 + b[i];
	return v;
}

static size_t len(const char *s)
{
	return s ? strlen(s) : 0;
}

/* The base of the big feed, through the library: BASE_TICKETS tickets
 * created (in transactions of 100) and transitioned (one transaction
 * each). *head0 gets the head before them, *head the head after. */
static void base_tickets(csvc_store *s, int64_t *head0, int64_t *head)
{
	if (csvc_feed_head(s, head0))
		bench_die("head");
	csvc_uuid *ids = malloc(BASE_TICKETS * sizeof(*ids));
	if (!ids)
		exit(1);
	for (int i = 0; i < BASE_TICKETS; i++) {
		if (i % 100 == 0 && csvc_store_begin(s))
			bench_die("begin");
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "complaint", i % 2 ? "SH01" : "SH02") ||
		    csvc_ticket_set_subject(t, "收银台排队太久") || csvc_ticket_set_channel(t, "phone") ||
		    csvc_ticket_create(s, t, "bench"))
			bench_die("create");
		ids[i] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
		if (i % 100 == 99 && csvc_store_commit(s))
			bench_die("commit");
	}
	for (int i = 0; i < BASE_TICKETS; i++)
		if (csvc_ticket_transition(s, &ids[i], "analyse", 0, i % 3 ? "agent.wang" : "agent.li", NULL, NULL))
			bench_die("transition");
	free(ids);
	if (csvc_feed_head(s, head))
		bench_die("head");
}

/* Builds the store: the base through the library, then its events and
 * feed runs copied `copies - 1` times with SQL. Returns the head; *first
 * gets the first ticket entry's position and *span the number of ticket
 * entries of the base. */
static int64_t fill_feed(const char *path, int64_t copies, int64_t *first, int64_t *span)
{
	csvc_time_us clock = T0;
	csvc_store *s = new_store(path, &clock);
	int64_t head0 = 0, head = 0;
	base_tickets(s, &head0, &head);
	csvc_store_close(s);

	sqlite3 *db = raw_open(path);
	int64_t events = bench_raw_int(db, "SELECT count(*) FROM ticket_events");
	if (bench_raw_int(db, "SELECT max(id) FROM ticket_events") != events || events != head - head0 ||
	    bench_raw_int(db, "SELECT count(*) FROM feed WHERE pos > (SELECT max(pos) FROM feed WHERE source <> 1)") !=
	            bench_raw_int(db, "SELECT count(*) FROM feed WHERE source = 1")) {
		fprintf(stderr, "bench: feed: the base store is not laid out as expected\n");
		exit(1);
	}
	int64_t seqs = bench_raw_int(db, "SELECT max(seq) FROM ticket_events");
	int64_t during = bench_raw_int(db, "SELECT max(at_us) - min(at_us) + 1 FROM ticket_events");
	*first = head0 + 1;
	*span = events;
	bench_raw_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; BEGIN");
	sqlite3_stmt *ev = bench_raw_prepare(db,
	                        "INSERT INTO ticket_events (id, ticket_id, seq, type, actor, at_us, from_state, to_state,"
	                        " payload) SELECT id + ?1 * ?2, ticket_id, seq + ?1 * ?3, type, actor, at_us + ?1 * ?4,"
	                        " from_state, to_state, payload FROM ticket_events WHERE id <= ?2 ORDER BY id");
	/* New event ids as migration 11 makes them. */
	sqlite3_stmt *fd = bench_raw_prepare(db, "INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count)"
	                            " SELECT pos + ?1 * ?2, (random() & -61441) | 16384,"
	                            " (random() & 4611686018427387903) | (1 << 63), source, row_id + ?1 * ?2, count"
	                            " FROM feed WHERE pos >= ?3 AND pos <= ?4 ORDER BY pos");
	for (int64_t x = 1; x < copies; x++) {
		sqlite3_bind_int64(ev, 1, x);
		sqlite3_bind_int64(ev, 2, events);
		sqlite3_bind_int64(ev, 3, seqs);
		sqlite3_bind_int64(ev, 4, during);
		bench_raw_run(db, ev);
		sqlite3_bind_int64(fd, 1, x);
		sqlite3_bind_int64(fd, 2, events);
		sqlite3_bind_int64(fd, 3, head0 + 1);
		sqlite3_bind_int64(fd, 4, head);
		bench_raw_run(db, fd);
	}
	sqlite3_finalize(ev);
	sqlite3_finalize(fd);
	bench_raw_exec(db, "UPDATE tickets SET (revision, updated_us) = (SELECT max(seq), max(at_us) FROM ticket_events e"
	         " WHERE e.ticket_id = tickets.id);"
	         "COMMIT; PRAGMA journal_mode=WAL; ANALYZE");
	sqlite3_close(db);
	return head0 + events * copies;
}

/* Checks, through the library, that the copied store reads as the base
 * did: the head, and entries at the start, inside and at the end of the
 * copies match the base entry they copy. */
static void check_copies(csvc_store *s, int64_t head, int64_t first, int64_t span, int64_t copies)
{
	int64_t h = 0;
	if (csvc_feed_head(s, &h))
		bench_die("head");
	if (h != head) {
		fprintf(stderr, "bench: feed: head %lld, expected %lld\n", (long long)h, (long long)head);
		exit(1);
	}
	int64_t probes[] = {0, span / 2, span - 3};
	for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
		int64_t x = copies - 1 - (int64_t)p % copies;
		csvc_feed_iter *base = NULL, *copy = NULL;
		if (csvc_feed_after(s, first - 1 + probes[p], 3, &base) ||
		    csvc_feed_after(s, first - 1 + probes[p] + x * span, 3, &copy))
			bench_die("feed read");
		const csvc_feed_entry *a, *b;
		int n = 0;
		while (csvc_feed_iter_next(base, &a) == CSVC_OK) {
			if (csvc_feed_iter_next(copy, &b) != CSVC_OK ||
			    csvc_feed_entry_position(b) != csvc_feed_entry_position(a) + x * span ||
			    strcmp(csvc_feed_entry_type(a), csvc_feed_entry_type(b)) ||
			    strcmp(csvc_feed_entry_reference(a), csvc_feed_entry_reference(b)) ||
			    !csvc_uuid_equal(csvc_feed_entry_subject_id(a), csvc_feed_entry_subject_id(b)) ||
			    csvc_uuid_equal(csvc_feed_entry_id(a), csvc_feed_entry_id(b))) {
				fprintf(stderr, "bench: feed: the entry at %lld does not copy the one at %lld\n",
				        (long long)(csvc_feed_entry_position(a) + x * span),
				        (long long)csvc_feed_entry_position(a));
				exit(1);
			}
			n++;
		}
		csvc_feed_iter_free(base);
		csvc_feed_iter_free(copy);
		if (n != 3) {
			fprintf(stderr, "bench: feed: short read at %lld\n", (long long)(first + probes[p]));
			exit(1);
		}
	}
}

static void check_feed(const char *path, int64_t head, int64_t first, int64_t span, int64_t copies)
{
	csvc_time_us clock = T0;
	csvc_store *s = open_store(path, &clock);
	check_copies(s, head, first, span, copies);
	csvc_store_close(s);
}

/* Reads one batch as consumer `name`, every field of every entry (with
 * `json`, each entry as JSON as well), adding them to *k, then
 * acknowledges it. *expect is the position the batch should start at,
 * moved past it. Returns the batch's last position, -1 when it was
 * empty (nothing acknowledged). */
static int64_t lib_batch(csvc_store *s, const char *name, int json, sums *out, int64_t *next)
{
	sums k = *out;
	int64_t expect = *next;
	csvc_feed_iter *batch = NULL;
	if (csvc_feed_read(s, name, CSVC_FEED_MAX_BATCH, &batch))
		bench_die("feed read");
	const csvc_feed_entry *e;
	int64_t last = -1;
	while (csvc_feed_iter_next(batch, &e) == CSVC_OK) {
		last = csvc_feed_entry_position(e);
		if (last != expect++) {
			fprintf(stderr, "bench: feed: position %lld where %lld was expected\n", (long long)last,
			        (long long)expect - 1);
			exit(1);
		}
		k.entries++;
		k.positions += (uint64_t)last;
		k.ids ^= uuid_sum(csvc_feed_entry_id(e)->bytes);
		k.times += (uint64_t)csvc_feed_entry_time(e);
		k.text += (int64_t)(len(csvc_feed_entry_type(e)) + len(csvc_feed_entry_reference(e)) +
		                    len(csvc_feed_entry_actor(e)));
		k.subjects ^= uuid_sum(csvc_feed_entry_subject_id(e)->bytes);
		k.payload += (int64_t)(len(csvc_feed_entry_subject_kind(e)) + len(csvc_feed_entry_payload(e)));
		if (json) {
			char *text = NULL;
			if (csvc_feed_entry_to_json(e, &text))
				bench_die("json");
			k.payload += (int64_t)strlen(text);
			csvc_free(text);
		}
	}
	csvc_feed_iter_free(batch);
	*out = k;
	*next = expect;
	if (last >= 0 && csvc_feed_ack(s, name, last))
		bench_die("ack");
	return last;
}

/* Reads the whole feed as consumer `name`, batch by batch, acknowledging
 * each batch; with `json`, writes each entry as JSON as well. */
static double lib_read(const char *path, const char *name, int json, sums *out)
{
	csvc_time_us clock = T0;
	csvc_store *s = open_store(path, &clock);
	if (csvc_feed_reset(s, name, 0))
		bench_die("reset");
	sums k = {0};
	int64_t expect = 1;
	double t0 = bench_seconds();
	while (lib_batch(s, name, json, &k, &expect) >= 0)
		;
	double dt = bench_seconds() - t0;
	csvc_store_close(s);
	*out = k;
	return dt;
}

/* Entry k of a run: the run's id with k added to its 62 random low bits
 * (docs/feed.md). */
static void run_id(int64_t hi, int64_t lo, int64_t k, uint8_t *b)
{
	const uint64_t low62 = ((uint64_t)1 << 62) - 1;
	uint64_t h = (uint64_t)hi, l = (uint64_t)lo;
	l = (l & ~low62) | ((l + (uint64_t)k) & low62);
	for (int i = 7; i >= 0; i--) {
		b[i] = (uint8_t)(h & 0xff);
		b[8 + i] = (uint8_t)(l & 0xff);
		h >>= 8;
		l >>= 8;
	}
}

static size_t text_bytes(sqlite3_stmt *st, int col)
{
	/* Reads the text as a caller would, then its length. */
	return sqlite3_column_text(st, col) ? (size_t)sqlite3_column_bytes(st, col) : 0;
}

static uint64_t blob_sum(sqlite3_stmt *st, int col)
{
	const uint8_t *b = sqlite3_column_blob(st, col);
	uint8_t zero[16] = {0};
	return uuid_sum(b && sqlite3_column_bytes(st, col) == 16 ? b : zero);
}

/* A run of a batch, as the raw readers read it: the entries from `skip`
 * on, `n` of them. */
typedef struct run_row {
	int64_t pos, hi, lo, source, row_id, skip, n;
} run_row;

/* The same reads with prepared statements: per batch, in one read
 * transaction, the consumer's cursor, the runs after it (the library's
 * query), then the source rows with their ticket (or customer), one range
 * scan for each span of runs whose rows follow each other; then the
 * cursor's update in a transaction of its own. */
static double raw_read(const char *path, sums *out)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *begin = bench_raw_prepare(db, "BEGIN"), *commit = bench_raw_prepare(db, "COMMIT"),
		     *begin_w = bench_raw_prepare(db, "BEGIN IMMEDIATE");
	sqlite3_stmt *cursor = bench_raw_prepare(db, "SELECT pos FROM feed_consumers WHERE name = ?1");
	sqlite3_stmt *range = bench_raw_prepare(db, "SELECT pos, id_hi, id_lo, source, row_id, count FROM feed"
	                               " WHERE pos >= coalesce((SELECT max(pos) FROM feed WHERE pos <= ?1 + 1), 0)"
	                               " ORDER BY pos LIMIT ?2");
	sqlite3_stmt *tev = bench_raw_prepare(db, "SELECT e.id, e.type, e.actor, e.at_us, e.payload, e.seq, e.from_state, e.to_state,"
	                             " t.uuid, t.number FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
	                             " WHERE e.id >= ?1 AND e.id <= ?2 ORDER BY e.id");
	sqlite3_stmt *cev = bench_raw_prepare(db, "SELECT e.id, e.type, e.actor, e.at_us, e.payload, c.uuid"
	                             " FROM customer_events e JOIN customers c ON c.id = e.customer_id"
	                             " WHERE e.id >= ?1 AND e.id <= ?2 ORDER BY e.id");
	sqlite3_stmt *rec = bench_raw_prepare(db, "SELECT id, type, actor, at_us, payload, subject, subject_kind, reference"
	                             " FROM feed_records WHERE id >= ?1 AND id <= ?2 ORDER BY id");
	sqlite3_stmt *ack = bench_raw_prepare(db, "INSERT INTO feed_consumers (name, pos, updated_us) VALUES ('bench.raw', ?1, ?2)"
	                             " ON CONFLICT (name) DO UPDATE SET pos = excluded.pos, updated_us = excluded.updated_us");
	sqlite3_bind_text(cursor, 1, "bench.raw", -1, SQLITE_STATIC);
	run_row *runs = malloc(CSVC_FEED_MAX_BATCH * sizeof(*runs));
	if (!runs)
		exit(1);
	bench_raw_exec(db, "DELETE FROM feed_consumers WHERE name = 'bench.raw'");
	sums k = {0};
	double t0 = bench_seconds();
	for (;;) {
		bench_raw_run(db, begin);
		int64_t after = 0;
		if (sqlite3_step(cursor) == SQLITE_ROW)
			after = sqlite3_column_int64(cursor, 0);
		sqlite3_reset(cursor);
		sqlite3_bind_int64(range, 1, after);
		sqlite3_bind_int64(range, 2, CSVC_FEED_MAX_BATCH);
		int64_t want = CSVC_FEED_MAX_BATCH, got = 0;
		size_t nruns = 0;
		while (got < want && sqlite3_step(range) == SQLITE_ROW) {
			run_row *r = &runs[nruns++];
			r->pos = sqlite3_column_int64(range, 0);
			r->hi = sqlite3_column_int64(range, 1);
			r->lo = sqlite3_column_int64(range, 2);
			r->source = sqlite3_column_int64(range, 3);
			r->row_id = sqlite3_column_int64(range, 4);
			int64_t count = sqlite3_column_int64(range, 5);
			r->skip = r->pos > after ? 0 : after + 1 - r->pos;
			r->n = count - r->skip;
			if (r->n > want - got)
				r->n = want - got;
			if (r->n <= 0)
				nruns--;
			else
				got += r->n;
		}
		sqlite3_reset(range);
		/* Runs whose source rows continue each other are scanned
		 * together (consecutive transactions' runs often do). */
		for (size_t i = 0, end; i < nruns; i = end) {
			run_row *r = &runs[i];
			end = i + 1;
			while (end < nruns && runs[end].source == r->source &&
			       runs[end].row_id + runs[end].skip == runs[end - 1].row_id + runs[end - 1].skip + runs[end - 1].n)
				end++;
			sqlite3_stmt *st = r->source == 1 ? tev : r->source == 2 ? cev : rec;
			sqlite3_bind_int64(st, 1, r->row_id + r->skip);
			sqlite3_bind_int64(st, 2, runs[end - 1].row_id + runs[end - 1].skip + runs[end - 1].n - 1);
			int64_t j = r->skip;
			while (sqlite3_step(st) == SQLITE_ROW) {
				if (j == r->skip + r->n) { /* the next run */
					r++;
					j = r->skip;
				}
				if (sqlite3_column_int64(st, 0) != r->row_id + j) {
					fprintf(stderr, "bench: feed: raw: a source row is missing\n");
					exit(1);
				}
				uint8_t id[16];
				run_id(r->hi, r->lo, j, id);
				k.entries++;
				k.positions += (uint64_t)(r->pos + j);
				k.ids ^= uuid_sum(id);
				k.times += (uint64_t)sqlite3_column_int64(st, 3);
				k.text += (int64_t)(text_bytes(st, 1) + text_bytes(st, 2));
				k.payload += (int64_t)text_bytes(st, 4);
				if (st == tev) {
					k.payload += sqlite3_column_int64(st, 5) + (int64_t)text_bytes(st, 6) +
					             (int64_t)text_bytes(st, 7);
					k.subjects ^= blob_sum(st, 8);
					k.text += (int64_t)text_bytes(st, 9);
				} else if (st == cev) {
					k.subjects ^= blob_sum(st, 5);
				} else {
					k.subjects ^= blob_sum(st, 5);
					k.payload += (int64_t)text_bytes(st, 6);
					k.text += (int64_t)text_bytes(st, 7);
				}
				j++;
			}
			sqlite3_reset(st);
			if (r != &runs[end - 1] || j != r->skip + r->n) {
				fprintf(stderr, "bench: feed: raw: a run is short\n");
				exit(1);
			}
		}
		bench_raw_run(db, commit);
		if (!got)
			break;
		bench_raw_run(db, begin_w);
		sqlite3_bind_int64(ack, 1, after + got);
		sqlite3_bind_int64(ack, 2, T0);
		bench_raw_run(db, ack);
		bench_raw_run(db, commit);
	}
	double dt = bench_seconds() - t0;
	sqlite3_stmt *all[] = {begin, commit, begin_w, cursor, range, tev, cev, rec, ack};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(db);
	free(runs);
	*out = k;
	return dt;
}

static void same(const sums *a, const sums *b, const char *what)
{
	if (a->entries != b->entries || a->positions != b->positions || a->ids != b->ids || a->times != b->times ||
	    a->text != b->text || a->subjects != b->subjects) {
		fprintf(stderr, "bench: feed: %s: the library and the raw side read different entries\n", what);
		exit(1);
	}
}

static void read_feed(double scale, const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/bench-feed-read.db", dir);
	bench_remove_db(path);
	int64_t target = (int64_t)(10000000 * scale);
	int64_t copies = (target + BASE_TICKETS) / (2 * BASE_TICKETS);
	if (copies < 2)
		copies = 2;
	int64_t first = 0, span = 0;
	double t0 = bench_seconds();
	int64_t head = fill_feed(path, copies, &first, &span);
	check_feed(path, head, first, span, copies);
	bench_figure("feed.read.fill", bench_seconds() - t0, "s");
	printf("feed.read.entries: %lld entries\n", (long long)head);

	/* Twice each, alternating, raw side first (so that both read a store
	 * whose pages are in the operating system's cache): the best time of
	 * each. */
	sums raw = {0}, lib = {0}, json = {0};
	double t_raw = 0, t_lib = 0;
	for (int round = 0; round < 2; round++) {
		double t = raw_read(path, &raw);
		if (raw.entries != head) {
			fprintf(stderr, "bench: feed: raw SQLite read %lld entries of %lld\n", (long long)raw.entries,
			        (long long)head);
			exit(1);
		}
		t_raw = round && t_raw < t ? t_raw : t;
		t = lib_read(path, "bench.lib", 0, &lib);
		same(&lib, &raw, "read");
		t_lib = round && t_lib < t ? t_lib : t;
	}
	bench_figure("feed.read.entries_per_s", (double)head / t_lib, "entries/s");
	bench_figure("feed.read.raw_entries_per_s", (double)head / t_raw, "entries/s");
	bench_ratio("feed.read", t_raw / t_lib);
	double t_json = lib_read(path, "bench.json", 1, &json);
	same(&json, &raw, "read as JSON");
	bench_figure("feed.read_json.entries_per_s", (double)head / t_json, "entries/s");
	bench_ratio("feed.read_json", t_raw / t_json);
	bench_remove_db(path);
}

/* ---- SLA advance ---- */

static int64_t lib_head(csvc_store *s)
{
	int64_t h = 0;
	if (csvc_feed_head(s, &h))
		bench_die("head");
	return h;
}

/* `tickets` open complaints under a policy with a one-hour resolution
 * target (24/7) warned at 50 %, created within a second of T0 (the
 * store's clock, *clock, starts there): at T0 + 2 h each has its warning
 * and its breach due. */
static void sla_tickets(csvc_store *s, const csvc_time_us *clock, int64_t tickets)
{
	csvc_sla_policy *p = NULL;
	size_t i;
	if (csvc_sla_policy_new(&p, "bench", 1) || csvc_sla_policy_match_kind(p, "complaint") ||
	    csvc_sla_policy_add_target(p, "resolution", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i) ||
	    csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED) || csvc_sla_target_warn_at(p, i, 50) ||
	    csvc_sla_policy_save(s, p, NULL))
		bench_die("policy");
	csvc_sla_policy_free(p);
	for (int64_t n = 0; n < tickets; n++) {
		if (n % 1000 == 0 && csvc_store_begin(s))
			bench_die("begin");
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "complaint", n % 2 ? "SH01" : "SH02") || csvc_ticket_set_subject(t, "排队") ||
		    csvc_ticket_create(s, t, "bench"))
			bench_die("create");
		csvc_ticket_free(t);
		if ((n % 1000 == 999 || n == tickets - 1) && csvc_store_commit(s))
			bench_die("commit");
	}
	if (*clock - T0 > 1000000) {
		fprintf(stderr, "bench: feed: the SLA store took too much store time\n");
		exit(1);
	}
}

static void fill_sla(const char *path, int64_t tickets)
{
	csvc_time_us clock = T0;
	csvc_store *s = new_store(path, &clock);
	sla_tickets(s, &clock, tickets);
	csvc_store_close(s);
}

static void copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	if (!a || !b) {
		fprintf(stderr, "bench: feed: cannot copy %s\n", from);
		exit(1);
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), a)) > 0)
		if (fwrite(buf, 1, n, b) != n)
			exit(1);
	fclose(a);
	if (fclose(b))
		exit(1);
}

/* The writes of each alarm with prepared statements, in one transaction:
 * the next due clock, its ticket's revision, the sla_warning or
 * sla_breach event, the ticket's revision, the clock's next alarm, and
 * the feed row after the head. */
static double raw_advance(const char *path, csvc_time_us now, int64_t *emitted)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *begin = bench_raw_prepare(db, "BEGIN IMMEDIATE"), *commit = bench_raw_prepare(db, "COMMIT");
	sqlite3_stmt *next = bench_raw_prepare(db, "SELECT ticket_id, idx, next_alarm_us, next_pct, due_us FROM sla_targets"
	                              " WHERE next_alarm_us IS NOT NULL AND next_alarm_us <= ?1 ORDER BY next_alarm_us"
	                              " LIMIT 1");
	sqlite3_stmt *ticket = bench_raw_prepare(db, "SELECT revision FROM tickets WHERE id = ?1");
	sqlite3_stmt *event = bench_raw_prepare(db, "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, payload)"
	                               " VALUES (?1, ?2, ?3, NULL, ?4, ?5)");
	sqlite3_stmt *touch = bench_raw_prepare(db, "UPDATE tickets SET revision = ?1, updated_us = max(updated_us, ?2) WHERE id = ?3");
	sqlite3_stmt *clock = bench_raw_prepare(db, "UPDATE sla_targets SET breached_at = ?3, fired = ?4, next_alarm_us = ?5,"
	                               " next_pct = ?6, warned = ?7 WHERE ticket_id = ?1 AND idx = ?2");
	sqlite3_stmt *head = bench_raw_prepare(db, "SELECT coalesce((SELECT pos + count - 1 FROM feed ORDER BY pos DESC LIMIT 1), 0)");
	sqlite3_stmt *feed = bench_raw_prepare(db, "INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count)"
	                              " VALUES (?1, (random() & -61441) | 16384,"
	                              " (random() & 4611686018427387903) | (1 << 63), 1, ?2, 1)");
	int64_t n = 0;
	double t0 = bench_seconds();
	bench_raw_run(db, begin);
	sqlite3_bind_int64(next, 1, now);
	while (sqlite3_step(next) == SQLITE_ROW) {
		int64_t ticket_id = sqlite3_column_int64(next, 0), idx = sqlite3_column_int64(next, 1);
		int64_t at = sqlite3_column_int64(next, 2), pct = sqlite3_column_int64(next, 3);
		int64_t due = sqlite3_column_int64(next, 4);
		sqlite3_reset(next);
		sqlite3_bind_int64(ticket, 1, ticket_id);
		if (sqlite3_step(ticket) != SQLITE_ROW)
			exit(1);
		int64_t rev = sqlite3_column_int64(ticket, 0) + 1;
		sqlite3_reset(ticket);
		char payload[128];
		snprintf(payload, sizeof(payload), "{\"target\":\"resolution\",\"percent\":%d,\"cycle\":0}", (int)pct);
		sqlite3_bind_int64(event, 1, ticket_id);
		sqlite3_bind_int64(event, 2, rev);
		sqlite3_bind_text(event, 3, pct < 100 ? "sla_warning" : "sla_breach", -1, SQLITE_STATIC);
		sqlite3_bind_int64(event, 4, at);
		sqlite3_bind_text(event, 5, payload, -1, SQLITE_TRANSIENT);
		bench_raw_run(db, event);
		int64_t row = sqlite3_last_insert_rowid(db);
		sqlite3_bind_int64(touch, 1, rev);
		sqlite3_bind_int64(touch, 2, at);
		sqlite3_bind_int64(touch, 3, ticket_id);
		bench_raw_run(db, touch);
		sqlite3_bind_int64(clock, 1, ticket_id);
		sqlite3_bind_int64(clock, 2, idx);
		if (pct < 100) {
			sqlite3_bind_null(clock, 3);
			sqlite3_bind_int64(clock, 4, 0);
			sqlite3_bind_int64(clock, 5, due + 1);
			sqlite3_bind_int64(clock, 6, 100);
			sqlite3_bind_int64(clock, 7, 1);
		} else {
			sqlite3_bind_int64(clock, 3, due);
			sqlite3_bind_int64(clock, 4, 1);
			sqlite3_bind_null(clock, 5);
			sqlite3_bind_int64(clock, 6, 100);
			sqlite3_bind_int64(clock, 7, 1);
		}
		bench_raw_run(db, clock);
		if (sqlite3_step(head) != SQLITE_ROW)
			exit(1);
		int64_t pos = sqlite3_column_int64(head, 0) + 1;
		sqlite3_reset(head);
		sqlite3_bind_int64(feed, 1, pos);
		sqlite3_bind_int64(feed, 2, row);
		bench_raw_run(db, feed);
		n++;
	}
	sqlite3_reset(next);
	bench_raw_run(db, commit);
	double dt = bench_seconds() - t0;
	sqlite3_stmt *all[] = {begin, commit, next, ticket, event, touch, clock, head, feed};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(db);
	*emitted = n;
	return dt;
}

static void sla_advance(double scale, const char *dir)
{
	char lib_path[512], raw_path[512];
	snprintf(lib_path, sizeof(lib_path), "%s/bench-feed-sla.db", dir);
	snprintf(raw_path, sizeof(raw_path), "%s/bench-feed-sla-raw.db", dir);
	bench_remove_db(lib_path);
	bench_remove_db(raw_path);
	/* Two alarms (the warning and the breach) per ticket. */
	int64_t tickets = (int64_t)(5000 * scale + 0.5);
	if (tickets < 50)
		tickets = 50;
	int64_t alarms = 2 * tickets;
	fill_sla(lib_path, tickets);
	copy_file(lib_path, raw_path);
	csvc_time_us now = T0 + 2 * HOUR;

	csvc_time_us clock = now;
	csvc_store *s = open_store(lib_path, &clock);
	int64_t head = lib_head(s), emitted = 0, again = -1;
	double t0 = bench_seconds();
	if (csvc_sla_advance(s, now, NULL, NULL, &emitted))
		bench_die("advance");
	double t_lib = bench_seconds() - t0;
	if (csvc_sla_advance(s, now, NULL, NULL, &again))
		bench_die("advance");
	if (emitted != alarms || again != 0 || lib_head(s) != head + alarms) {
		fprintf(stderr, "bench: feed: advance emitted %lld then %lld alarms, expected %lld then 0\n",
		        (long long)emitted, (long long)again, (long long)alarms);
		exit(1);
	}
	csvc_store_close(s);

	int64_t raw_emitted = 0;
	double t_raw = raw_advance(raw_path, now, &raw_emitted);
	if (raw_emitted != alarms) {
		fprintf(stderr, "bench: feed: raw advance wrote %lld alarms, expected %lld\n", (long long)raw_emitted,
		        (long long)alarms);
		exit(1);
	}
	printf("feed.sla_advance.alarms: %lld alarms\n", (long long)emitted);
	bench_figure("feed.sla_advance.alarms_per_s", (double)emitted / t_lib, "alarms/s");
	bench_figure("feed.sla_advance.raw_alarms_per_s", (double)raw_emitted / t_raw, "alarms/s");
	bench_ratio("feed.sla_advance", t_raw / t_lib);
	bench_remove_db(lib_path);
	bench_remove_db(raw_path);
}

int bench_feed(double scale, const char *dir)
{
	read_feed(scale, dir);
	sla_advance(scale, dir);
	return 0;
}

#ifdef CSVC_HAVE_POSTGRES
/* ---- on PostgreSQL: raw libpq sending the library's statements ---- */

#include "bench-raw-pg.h"

static csvc_store *pg_open_store(const char *pg, const char *schema, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	bench_pg_options(&o, pg, schema);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, "", &o))
		bench_die("open");
	return s;
}

/* Stops the run when `sql` does not give 0. */
static void pg_expect_zero(PGconn *c, const char *sql, const char *what)
{
	int64_t v = bench_pg_value(c, sql);
	if (v) {
		fprintf(stderr, "bench: feed: %s (%lld)\n", what, (long long)v);
		exit(1);
	}
}

/* As fill_feed: the base through the library in a new schema, then its
 * ticket events and feed runs copied `copies - 1` times with plain SQL on
 * the server, the copied runs with new event ids made as migration 11
 * makes them there (from gen_random_uuid()), each ticket's revision and
 * time set to its last event, the identity moved past the copied ids, and
 * the tables vacuumed and analysed. A superuser copies without the row by
 * row foreign key checks (the copies name the base's tickets), checked
 * afterwards with one query. */
static int64_t pg_fill_feed(const char *pg, const char *schema, int64_t copies, int64_t *first, int64_t *span)
{
	csvc_time_us clock = T0;
	csvc_store *s = pg_open_store(pg, schema, &clock);
	install_defaults(s);
	int64_t head0 = 0, head = 0;
	base_tickets(s, &head0, &head);
	csvc_store_close(s);

	PGconn *c = bench_pg_connect(pg, schema);
	int64_t events = bench_pg_value(c, "SELECT count(*) FROM ticket_events");
	if (bench_pg_value(c, "SELECT max(id) FROM ticket_events") != events || events != head - head0 ||
	    bench_pg_value(c, "SELECT count(*) FROM feed WHERE pos > (SELECT max(pos) FROM feed WHERE source <> 1)") !=
	            bench_pg_value(c, "SELECT count(*) FROM feed WHERE source = 1")) {
		fprintf(stderr, "bench: feed: the base store is not laid out as expected\n");
		exit(1);
	}
	int64_t seqs = bench_pg_value(c, "SELECT max(seq) FROM ticket_events");
	int64_t during = bench_pg_value(c, "SELECT max(at_us) - min(at_us) + 1 FROM ticket_events");
	*first = head0 + 1;
	*span = events;
	PGresult *r = PQexec(c, "SET session_replication_role = replica");
	int unchecked = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	char sql[2048];
	bench_pg_exec(c, "BEGIN");
	snprintf(sql, sizeof(sql),
	         "INSERT INTO ticket_events (id, ticket_id, seq, type, actor, at_us, from_state, to_state, payload)"
	         " SELECT e.id + x * %lld, e.ticket_id, e.seq + x * %lld, e.type, e.actor, e.at_us + x * %lld,"
	         " e.from_state, e.to_state, e.payload FROM generate_series(1, %lld) x, ticket_events e"
	         " WHERE e.id <= %lld ORDER BY x, e.id",
	         (long long)events, (long long)seqs, (long long)during, (long long)(copies - 1), (long long)events);
	bench_pg_exec(c, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count)"
	         " SELECT pos + x * %lld, ('x' || substr(u, 1, 16))::bit(64)::bigint,"
	         " ('x' || substr(u, 17, 16))::bit(64)::bigint, source, row_id + x * %lld, count"
	         " FROM (SELECT f.pos, f.source, f.row_id, f.count, x, replace(gen_random_uuid()::text, '-', '') AS u"
	         " FROM generate_series(1, %lld) x, feed f WHERE f.pos >= %lld AND f.pos <= %lld) q ORDER BY x, pos",
	         (long long)events, (long long)events, (long long)(copies - 1), (long long)(head0 + 1), (long long)head);
	bench_pg_exec(c, sql);
	snprintf(sql, sizeof(sql),
	         "UPDATE tickets t SET revision = m.seq + %lld, updated_us = m.at_us + %lld"
	         " FROM (SELECT ticket_id, max(seq) AS seq, max(at_us) AS at_us FROM ticket_events WHERE id <= %lld"
	         " GROUP BY ticket_id) m WHERE m.ticket_id = t.id",
	         (long long)((copies - 1) * seqs), (long long)((copies - 1) * during), (long long)events);
	bench_pg_exec(c, sql);
	bench_pg_exec(c, "SELECT setval(pg_get_serial_sequence('ticket_events', 'id'), (SELECT max(id) FROM ticket_events))");
	bench_pg_exec(c, "COMMIT");
	if (unchecked) {
		bench_pg_exec(c, "RESET session_replication_role");
		pg_expect_zero(c, "SELECT count(*) FROM ticket_events e WHERE NOT EXISTS (SELECT 1 FROM tickets t"
		                  " WHERE t.id = e.ticket_id)", "copied events refer to no ticket");
	}
	bench_pg_exec(c, "VACUUM (ANALYZE) ticket_events");
	bench_pg_exec(c, "VACUUM (ANALYZE) feed");
	bench_pg_exec(c, "VACUUM (ANALYZE) tickets");
	/* What the library would have written: runs that follow each other
	 * from position 1 without a gap, each ticket event in one run, and
	 * no event id twice. */
	int64_t total = head0 + events * copies;
	snprintf(sql, sizeof(sql),
	         "SELECT (SELECT count(*) FROM (SELECT pos, lag(pos + count) OVER (ORDER BY pos) AS p FROM feed) q"
	         " WHERE pos <> coalesce(p, 1)) + abs((SELECT sum(count) FROM feed) - %lld)"
	         " + abs((SELECT sum(count) FROM feed WHERE source = 1) - (SELECT count(*) FROM ticket_events))"
	         " + abs((SELECT max(id) FROM ticket_events) - %lld)",
	         (long long)total, (long long)(events * copies));
	pg_expect_zero(c, sql, "the copied feed's runs do not cover positions 1 to the head once each");
	pg_expect_zero(c, "SELECT count(*) - count(DISTINCT (id_hi, id_lo)) FROM feed", "an event id appears twice");
	PQfinish(c);
	return total;
}

/* One side of the read: the library (its own store handle and consumer,
 * `json` to write each entry as JSON too) or raw libpq (`c`). */
typedef struct pg_reader {
	csvc_store *s;
	const char *name;
	int json;
	csvc_time_us clock;
	PGconn *c;
	run_row *runs;
	sums k;
	int64_t next; /* the library: the next position expected */
	int64_t batches;
	int done;
} pg_reader;

/* The statements of csvc_feed_read and csvc_feed_ack on PostgreSQL
 * (lib/feed/feed-sql.c, and the read and write transactions of
 * lib/db/db.c), prepared as the driver prepares them. */
static void pg_raw_prepare(PGconn *c)
{
	bench_pg_prepare(c, "begin_read", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	bench_pg_prepare(c, "begin", "BEGIN ISOLATION LEVEL READ COMMITTED");
	bench_pg_prepare(c, "commit", "COMMIT");
	bench_pg_prepare(c, "consumer", "SELECT pos FROM feed_consumers WHERE name = $1");
	bench_pg_prepare(c, "range", "SELECT pos, id_hi, id_lo, source, row_id, count FROM feed"
	                             " WHERE pos >= coalesce((SELECT max(pos) FROM feed WHERE pos <= $1 + 1), 0)"
	                             " ORDER BY pos LIMIT $2");
	bench_pg_prepare(c, "tev", "SELECT e.id, e.type, e.actor, e.at_us, e.payload, e.seq, e.from_state, e.to_state,"
	                           " t.uuid, t.number FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
	                           " WHERE e.id >= $1 AND e.id <= $2 ORDER BY e.id");
	bench_pg_prepare(c, "cev", "SELECT e.id, e.type, e.actor, e.at_us, e.payload, c.uuid"
	                           " FROM customer_events e JOIN customers c ON c.id = e.customer_id"
	                           " WHERE e.id >= $1 AND e.id <= $2 ORDER BY e.id");
	bench_pg_prepare(c, "rec", "SELECT id, type, actor, at_us, payload, subject, subject_kind, reference"
	                           " FROM feed_records WHERE id >= $1 AND id <= $2 ORDER BY id");
	bench_pg_prepare(c, "head", "SELECT pos + count - 1 FROM feed ORDER BY pos DESC LIMIT 1");
	bench_pg_prepare(c, "advance", "INSERT INTO feed_consumers (name, pos, updated_us) VALUES ($1, $2, $3)"
	                               " ON CONFLICT (name) DO UPDATE SET pos = excluded.pos,"
	                               " updated_us = excluded.updated_us WHERE feed_consumers.pos < excluded.pos");
}

static int64_t pg_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static size_t pg_text_bytes(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : (size_t)PQgetlength(r, row, col);
}

static int hex(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* A bytea UUID in hex text ("\x" and 32 digits), NULL as zeros. */
static uint64_t pg_uuid_sum(const PGresult *r, int row, int col)
{
	uint8_t b[16] = {0};
	const char *v = PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
	if (v && PQgetlength(r, row, col) == 34 && v[0] == '\\' && v[1] == 'x')
		for (int i = 0; i < 16; i++)
			b[i] = (uint8_t)(hex(v[2 + 2 * i]) << 4 | hex(v[3 + 2 * i]));
	return uuid_sum(b);
}

/* One batch as raw_read reads it on SQLite, with the library's statements
 * on PostgreSQL, one per round trip: in a read transaction the cursor,
 * the runs after it and the source rows of each span; then, when the
 * batch was not empty, the acknowledgement as csvc_feed_ack makes it (the
 * head, the cursor, the forward-only upsert) in a transaction of its own.
 * Returns the batch's entries. */
static int64_t pg_raw_batch(pg_reader *rd)
{
	PGconn *c = rd->c;
	run_row *runs = rd->runs;
	sums k = rd->k;
	bench_pg_params p;
	bench_pg_run_void(c, "begin_read", NULL);
	bench_pg_params_clear(&p);
	bench_pg_text(&p, rd->name);
	PGresult *r = bench_pg_run(c, "consumer", &p);
	int64_t after = PQntuples(r) ? bench_pg_getint(r, 0, 0) : 0;
	PQclear(r);
	bench_pg_params_clear(&p);
	bench_pg_int(&p, after);
	bench_pg_int(&p, CSVC_FEED_MAX_BATCH);
	r = bench_pg_run(c, "range", &p);
	int64_t want = CSVC_FEED_MAX_BATCH, got = 0;
	size_t nruns = 0;
	for (int i = 0; i < PQntuples(r) && got < want; i++) {
		run_row *x = &runs[nruns++];
		x->pos = pg_int(r, i, 0);
		x->hi = pg_int(r, i, 1);
		x->lo = pg_int(r, i, 2);
		x->source = pg_int(r, i, 3);
		x->row_id = pg_int(r, i, 4);
		int64_t count = pg_int(r, i, 5);
		x->skip = x->pos > after ? 0 : after + 1 - x->pos;
		x->n = count - x->skip;
		if (x->n > want - got)
			x->n = want - got;
		if (x->n <= 0)
			nruns--;
		else
			got += x->n;
	}
	PQclear(r);
	for (size_t i = 0, end; i < nruns; i = end) {
		run_row *x = &runs[i];
		end = i + 1;
		while (end < nruns && runs[end].source == x->source &&
		       runs[end].row_id + runs[end].skip == runs[end - 1].row_id + runs[end - 1].skip + runs[end - 1].n)
			end++;
		int source = (int)x->source;
		bench_pg_params_clear(&p);
		bench_pg_int(&p, x->row_id + x->skip);
		bench_pg_int(&p, runs[end - 1].row_id + runs[end - 1].skip + runs[end - 1].n - 1);
		r = bench_pg_run(c, source == 1 ? "tev" : source == 2 ? "cev" : "rec", &p);
		int64_t j = x->skip;
		for (int row = 0; row < PQntuples(r); row++) {
			if (j == x->skip + x->n) { /* the next run */
				x++;
				j = x->skip;
			}
			if (pg_int(r, row, 0) != x->row_id + j) {
				fprintf(stderr, "bench: feed: raw: a source row is missing\n");
				exit(1);
			}
			uint8_t id[16];
			run_id(x->hi, x->lo, j, id);
			k.entries++;
			k.positions += (uint64_t)(x->pos + j);
			k.ids ^= uuid_sum(id);
			k.times += (uint64_t)pg_int(r, row, 3);
			k.text += (int64_t)(pg_text_bytes(r, row, 1) + pg_text_bytes(r, row, 2));
			k.payload += (int64_t)pg_text_bytes(r, row, 4);
			if (source == 1) {
				k.payload += pg_int(r, row, 5) + (int64_t)pg_text_bytes(r, row, 6) +
				             (int64_t)pg_text_bytes(r, row, 7);
				k.subjects ^= pg_uuid_sum(r, row, 8);
				k.text += (int64_t)pg_text_bytes(r, row, 9);
			} else if (source == 2) {
				k.subjects ^= pg_uuid_sum(r, row, 5);
			} else {
				k.subjects ^= pg_uuid_sum(r, row, 5);
				k.payload += (int64_t)pg_text_bytes(r, row, 6);
				k.text += (int64_t)pg_text_bytes(r, row, 7);
			}
			j++;
		}
		PQclear(r);
		if (x != &runs[end - 1] || j != x->skip + x->n) {
			fprintf(stderr, "bench: feed: raw: a run is short\n");
			exit(1);
		}
	}
	bench_pg_run_void(c, "commit", NULL);
	rd->k = k;
	if (!got)
		return 0;
	bench_pg_run_void(c, "begin", NULL);
	int64_t head = 0;
	r = bench_pg_run(c, "head", NULL);
	if (PQntuples(r))
		head = bench_pg_getint(r, 0, 0);
	PQclear(r);
	if (after + got > head) {
		fprintf(stderr, "bench: feed: raw: read past the head\n");
		exit(1);
	}
	bench_pg_params_clear(&p);
	bench_pg_text(&p, rd->name);
	bench_pg_run_void(c, "consumer", &p);
	bench_pg_int(&p, after + got);
	bench_pg_int(&p, T0);
	bench_pg_run_void(c, "advance", &p);
	bench_pg_run_void(c, "commit", NULL);
	return got;
}

/* Up to `batches` batches of one side, timed; returns the entries read
 * (the side is done once it read an empty batch). */
static int64_t pg_read_chunk(pg_reader *rd, int batches, double *dt)
{
	int64_t before = rd->k.entries;
	double t0 = bench_seconds();
	for (int b = 0; b < batches && !rd->done; b++) {
		rd->batches++;
		if (rd->c)
			rd->done = pg_raw_batch(rd) == 0;
		else
			rd->done = lib_batch(rd->s, rd->name, rd->json, &rd->k, &rd->next) < 0;
	}
	*dt = bench_seconds() - t0;
	return rd->k.entries - before;
}

/* Batches of a chunk: the sides alternate every CHUNK_BATCHES batches of
 * CSVC_FEED_MAX_BATCH entries. */
#define CHUNK_BATCHES 5

/* As read_feed, on one schema: the library's reader, the same writing
 * JSON, and raw libpq's, each with its consumer, in turn by chunks of
 * batches, each chunk starting with the next side; the figures take each
 * side's median time per entry over its chunks. */
static void pg_read_feed(double scale, const char *pg)
{
	const char *schema = bench_pg_schema("feed", "read");
	int64_t target = (int64_t)(10000000 * scale);
	int64_t copies = (target + BASE_TICKETS) / (2 * BASE_TICKETS);
	if (copies < 2)
		copies = 2;
	int64_t first = 0, span = 0;
	double t0 = bench_seconds();
	int64_t head = pg_fill_feed(pg, schema, copies, &first, &span);
	pg_reader rd[3];
	memset(rd, 0, sizeof(rd));
	static const char *const names[3] = {"bench.raw", "bench.lib", "bench.json"};
	for (int i = 0; i < 3; i++) {
		rd[i].name = names[i];
		rd[i].next = 1;
		rd[i].clock = T0;
		if (i == 0) {
			rd[i].c = bench_pg_connect(pg, schema);
			pg_raw_prepare(rd[i].c);
			bench_pg_exec(rd[i].c, "DELETE FROM feed_consumers WHERE name = 'bench.raw'");
			rd[i].runs = malloc(CSVC_FEED_MAX_BATCH * sizeof(*rd[i].runs));
			if (!rd[i].runs)
				exit(1);
		} else {
			rd[i].s = pg_open_store(pg, schema, &rd[i].clock);
			rd[i].json = i == 2;
			if (csvc_feed_reset(rd[i].s, names[i], 0))
				bench_die("reset");
		}
	}
	check_copies(rd[1].s, head, first, span, copies);
	bench_figure("pg.feed.read.fill", bench_seconds() - t0, "s");
	printf("pg.feed.read.entries: %lld entries\n", (long long)head);
	fflush(stdout);

	bench_samples m[3] = {{0}, {0}, {0}};
	int64_t trips = 0;
	for (int turn = 0; !rd[0].done || !rd[1].done || !rd[2].done; turn++)
		for (int j = 0; j < 3; j++) {
			pg_reader *x = &rd[(turn + j) % 3];
			if (x->done)
				continue;
			int64_t before = bench_pg_round_trips;
			double dt;
			int64_t n = pg_read_chunk(x, CHUNK_BATCHES, &dt);
			bench_sample(&m[(turn + j) % 3], dt, (int)n);
			if (x->c)
				trips += bench_pg_round_trips - before;
		}
	if (rd[0].k.entries != head) {
		fprintf(stderr, "bench: feed: raw libpq read %lld entries of %lld\n", (long long)rd[0].k.entries,
		        (long long)head);
		exit(1);
	}
	same(&rd[1].k, &rd[0].k, "read");
	same(&rd[2].k, &rd[0].k, "read as JSON");
	double t_raw = bench_median(&m[0]), t_lib = bench_median(&m[1]), t_json = bench_median(&m[2]);
	bench_pg_report("feed.read", 1, t_lib, t_raw, 0, "entries/s");
	bench_figure("pg.feed.read.libpq.round_trips", (double)trips / (double)rd[0].batches, "per batch");
	bench_figure("pg.feed.read_json.libcsvc", 1 / t_json, "entries/s");
	bench_ratio("pg.feed.read_json", t_raw / t_json);
	PQfinish(rd[0].c);
	free(rd[0].runs);
	csvc_store_close(rd[1].s);
	csvc_store_close(rd[2].s);
}

/* ---- SLA advance on PostgreSQL ---- */

/* Alarms per step: the sides advance in turn, step by step. */
#define ADVANCE_STEP 20

/* A store as fill_sla makes it, in a new schema, vacuumed and analysed. */
static void pg_fill_sla(const char *pg, const char *schema, int64_t tickets)
{
	csvc_time_us clock = T0;
	csvc_store *s = pg_open_store(pg, schema, &clock);
	install_defaults(s);
	sla_tickets(s, &clock, tickets);
	csvc_store_close(s);
	PGconn *c = bench_pg_connect(pg, schema);
	bench_pg_exec(c, "VACUUM (ANALYZE) tickets");
	bench_pg_exec(c, "VACUUM (ANALYZE) ticket_events");
	bench_pg_exec(c, "VACUUM (ANALYZE) sla_targets");
	PQfinish(c);
}

/* The statements of csvc_sla_advance on PostgreSQL (lib/sla/sla-sql.c,
 * lib/ticket/ticket-sql.c, the named lock of lib/db/db.c) and the feed's
 * append at commit, prepared as the driver prepares them. */
static void pg_raw_prepare_advance(PGconn *c)
{
	bench_pg_prepare(c, "begin", "BEGIN ISOLATION LEVEL READ COMMITTED");
	bench_pg_prepare(c, "commit", "COMMIT");
	bench_pg_prepare(c, "named_lock", "SELECT pg_advisory_xact_lock(hashtext('csvc.' || $1), hashtext(current_schema()))");
	bench_pg_prepare(c, "next", "SELECT ticket_id, next_alarm_us FROM sla_targets WHERE next_alarm_us IS NOT NULL"
	                            " ORDER BY next_alarm_us LIMIT 1");
	bench_pg_prepare(c, "lock_row", "SELECT 1 FROM tickets WHERE id = $1 FOR NO KEY UPDATE");
	bench_pg_prepare(c, "clocks", "SELECT c.idx, d.name, c.calendar, c.phase, c.used_us, c.since_us, c.met_at,"
	                              " c.met_via_state, c.breached_at, c.fired, c.cycle, c.due_us, c.next_alarm_us,"
	                              " c.next_pct, c.fault, c.policy_id FROM sla_targets c"
	                              " JOIN sla_policy_targets d ON d.policy_id = c.policy_id AND d.idx = c.idx"
	                              " WHERE c.ticket_id = $1 ORDER BY c.idx");
	bench_pg_prepare(c, "uuid", "SELECT uuid FROM tickets WHERE id = $1");
	bench_pg_prepare(c, "head", "SELECT id, revision, state, state_category, workflow, workflow_version, number,"
	                            " updated_us FROM tickets WHERE uuid = $1 FOR NO KEY UPDATE");
	bench_pg_prepare(c, "event", "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, from_state, to_state,"
	                             " payload) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id");
	bench_pg_prepare(c, "touch", "UPDATE tickets SET revision = $1, updated_us = GREATEST(updated_us, $2) WHERE id = $3");
	bench_pg_prepare(c, "clock", "UPDATE sla_targets SET phase = $3, used_us = $4, since_us = $5, met_at = $6,"
	                             " met_via_state = $7, breached_at = $8, fired = $9, cycle = $10, due_us = $11,"
	                             " next_alarm_us = $12, next_pct = $13, warned = $14, fault = $15"
	                             " WHERE ticket_id = $1 AND idx = $2");
	bench_pg_prepare_feed(c);
}

/* The next alarm if it is due at `now`: its ticket and instant. */
static int pg_next_alarm(PGconn *c, csvc_time_us now, int64_t *ticket_id, csvc_time_us *at)
{
	PGresult *r = bench_pg_run(c, "next", NULL);
	int due = PQntuples(r) && (*at = bench_pg_getint(r, 0, 1)) <= now;
	if (due)
		*ticket_id = bench_pg_getint(r, 0, 0);
	PQclear(r);
	return due;
}

/* Column `col` of `r` as a parameter: NULL or its text. */
static void pg_same_param(bench_pg_params *p, const PGresult *r, int col)
{
	if (PQgetisnull(r, 0, col))
		bench_pg_null(p);
	else
		bench_pg_text(p, PQgetvalue(r, 0, col));
}

/* One alarm as the library's advance writes it for the ticket's one
 * clock (sla_tickets' policy): the ticket locked, its clocks read, its
 * head read by its UUID and locked, the sla_warning or sla_breach event,
 * the ticket's revision, and the clock with the alarm fired (bit 0 for
 * the warning, bit 31 for the breach), moved to the breach or stopped.
 * Returns the event's id. */
static int64_t pg_raw_alarm(PGconn *c, int64_t ticket_id, csvc_time_us at)
{
	bench_pg_params p;
	bench_pg_params_clear(&p);
	bench_pg_int(&p, ticket_id);
	bench_pg_run_void(c, "lock_row", &p);
	PGresult *clock = bench_pg_run(c, "clocks", &p);
	if (PQntuples(clock) != 1 || bench_pg_getint(clock, 0, 12) != at) {
		fprintf(stderr, "bench: feed: raw advance: ticket %lld has not the one clock expected\n",
		        (long long)ticket_id);
		exit(1);
	}
	PGresult *r = bench_pg_run(c, "uuid", &p);
	uint8_t uuid[16];
	const char *hexed = PQgetvalue(r, 0, 0);
	for (int i = 0; i < 16; i++)
		uuid[i] = (uint8_t)(hex(hexed[2 + 2 * i]) << 4 | hex(hexed[3 + 2 * i]));
	PQclear(r);
	bench_pg_params_clear(&p);
	bench_pg_blob(&p, uuid, 16);
	r = bench_pg_run(c, "head", &p);
	int64_t rev = bench_pg_getint(r, 0, 1) + 1;
	PQclear(r);
	int64_t pct = bench_pg_getint(clock, 0, 13), fired = bench_pg_getint(clock, 0, 9);
	int64_t due = bench_pg_getint(clock, 0, 11);
	csvc_time_us dated = pct < 100 ? at : due; /* a breach is dated at its due instant */
	char payload[128];
	snprintf(payload, sizeof(payload), "{\"target\":\"%s\",\"percent\":%d,\"cycle\":%d}", PQgetvalue(clock, 0, 1),
	         (int)pct, (int)bench_pg_getint(clock, 0, 10));
	bench_pg_params_clear(&p);
	bench_pg_int(&p, ticket_id);
	bench_pg_int(&p, rev);
	bench_pg_text(&p, pct < 100 ? "sla_warning" : "sla_breach");
	bench_pg_text(&p, "sla");
	bench_pg_int(&p, dated);
	bench_pg_null(&p);
	bench_pg_null(&p);
	bench_pg_text(&p, payload);
	int64_t row = bench_pg_run_int(c, "event", &p);
	bench_pg_params_clear(&p);
	bench_pg_int(&p, rev);
	bench_pg_int(&p, dated);
	bench_pg_int(&p, ticket_id);
	bench_pg_run_void(c, "touch", &p);
	bench_pg_params_clear(&p);
	bench_pg_int(&p, ticket_id);
	pg_same_param(&p, clock, 0);
	for (int col = 3; col <= 7; col++) /* phase, used, since, met_at, met_via_state */
		pg_same_param(&p, clock, col);
	if (pct < 100) {
		pg_same_param(&p, clock, 8);
		bench_pg_int(&p, fired | 1);
	} else {
		bench_pg_int(&p, due);
		bench_pg_int(&p, fired | (INT64_C(1) << 31));
	}
	pg_same_param(&p, clock, 10);
	pg_same_param(&p, clock, 11);
	if (pct < 100) {
		bench_pg_int(&p, due + 1);
		bench_pg_int(&p, 100);
	} else {
		bench_pg_null(&p);
		bench_pg_int(&p, 0);
	}
	bench_pg_int(&p, 1);
	pg_same_param(&p, clock, 14);
	bench_pg_run_void(c, "clock", &p);
	PQclear(clock);
	return row;
}

/* The alarms due at `now` as csvc_sla_advance writes them: a first look
 * outside a transaction, then transactions of up to 1,000 alarms, each
 * taking the advance's named lock, looking for the next alarm before each
 * and once more at the end, and appending the feed at its commit. Returns
 * the alarms written. */
static int64_t pg_raw_advance(PGconn *c, csvc_time_us now)
{
	int64_t ticket_id = 0, total = 0;
	csvc_time_us at = 0;
	bench_pg_params p;
	bench_pg_params_clear(&p);
	bench_pg_text(&p, "sla_advance");
	int more = pg_next_alarm(c, now, &ticket_id, &at);
	while (more) {
		int64_t n = 0, first = 0, last = 0;
		bench_pg_run_void(c, "begin", NULL);
		bench_pg_run_void(c, "named_lock", &p);
		while (n < 1000) {
			if (!pg_next_alarm(c, now, &ticket_id, &at)) {
				more = 0;
				break;
			}
			int64_t row = pg_raw_alarm(c, ticket_id, at);
			if (n && row != last + 1) {
				fprintf(stderr, "bench: feed: raw advance: event ids do not follow each other\n");
				exit(1);
			}
			if (!n)
				first = row;
			last = row;
			n++;
		}
		if (n)
			bench_pg_feed_append(c, 1, first, last - first + 1);
		bench_pg_run_void(c, "commit", NULL);
		total += n;
	}
	return total;
}

static int cmp_time(const void *a, const void *b)
{
	csvc_time_us x = *(const csvc_time_us *)a, y = *(const csvc_time_us *)b;
	return (x > y) - (x < y);
}

/* As sla_advance, on two schemas filled alike, the library's and raw
 * libpq's. One advance at T0 + 2 h would be one sample of each side;
 * instead both advance step by step to T0 + 2 h, each step an instant
 * between the alarms due (every warning at 50 %, every breach 1 us after
 * its due instant) that brings ADVANCE_STEP more of them, the sides
 * alternating which goes first. The figures take each side's median time
 * per alarm over the steps. */
static void pg_sla_advance(double scale, const char *pg)
{
	int64_t tickets = (int64_t)(5000 * scale + 0.5);
	if (tickets < 50)
		tickets = 50;
	int64_t alarms = 2 * tickets;
	const char *lib_schema = bench_pg_schema("feed", "sla_lib"), *raw_schema = bench_pg_schema("feed", "sla_raw");
	pg_fill_sla(pg, lib_schema, tickets);
	pg_fill_sla(pg, raw_schema, tickets);
	PGconn *c = bench_pg_connect(pg, raw_schema);
	char sql[2048];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM ((SELECT ticket_id, idx, next_alarm_us, due_us, next_pct FROM %s.sla_targets"
	         " EXCEPT ALL SELECT ticket_id, idx, next_alarm_us, due_us, next_pct FROM %s.sla_targets)"
	         " UNION ALL (SELECT ticket_id, idx, next_alarm_us, due_us, next_pct FROM %s.sla_targets"
	         " EXCEPT ALL SELECT ticket_id, idx, next_alarm_us, due_us, next_pct FROM %s.sla_targets)) d",
	         lib_schema, raw_schema, raw_schema, lib_schema);
	pg_expect_zero(c, sql, "the two SLA stores' clocks differ");
	/* The instants the alarms fall due, in order. */
	PGresult *r = PQexec(c, "SELECT next_alarm_us, due_us + 1 FROM sla_targets WHERE next_alarm_us IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != tickets) {
		fprintf(stderr, "bench: feed: the SLA store has not one running clock per ticket\n");
		exit(1);
	}
	csvc_time_us *due = malloc((size_t)alarms * sizeof(*due));
	if (!due)
		exit(1);
	for (int i = 0; i < PQntuples(r); i++) {
		due[2 * i] = bench_pg_getint(r, i, 0);
		due[2 * i + 1] = bench_pg_getint(r, i, 1);
	}
	PQclear(r);
	qsort(due, (size_t)alarms, sizeof(*due), cmp_time);
	pg_raw_prepare_advance(c);

	csvc_time_us now = T0 + 2 * HOUR, clock = now;
	csvc_store *s = pg_open_store(pg, lib_schema, &clock);
	int64_t head = lib_head(s), lib_total = 0, raw_total = 0, again = -1;
	int64_t trips = 0;
	bench_samples m_lib = {0}, m_raw = {0};
	for (int64_t done = 0, step = 0; done < alarms; done += ADVANCE_STEP, step++) {
		int64_t k = alarms - done < ADVANCE_STEP ? alarms - done : ADVANCE_STEP;
		/* Between the last alarm of the step and the next one. */
		csvc_time_us at = done + k < alarms ? due[done + k - 1] + (due[done + k] - due[done + k - 1]) / 2 : now;
		int64_t e_lib = -1, e_raw = -1;
		for (int j = 0; j < 2; j++) {
			double t0 = bench_seconds();
			if ((step + j) % 2 == 0) {
				if (csvc_sla_advance(s, at, NULL, NULL, &e_lib))
					bench_die("advance");
				bench_sample(&m_lib, bench_seconds() - t0, (int)e_lib);
			} else {
				int64_t before = bench_pg_round_trips;
				e_raw = pg_raw_advance(c, at);
				bench_sample(&m_raw, bench_seconds() - t0, (int)e_raw);
				trips += bench_pg_round_trips - before;
			}
		}
		if (e_lib != k || e_raw != k) {
			fprintf(stderr, "bench: feed: a step of the advance gave %lld alarms to the library and %lld to raw"
			                " libpq, expected %lld\n", (long long)e_lib, (long long)e_raw, (long long)k);
			exit(1);
		}
		lib_total += e_lib;
		raw_total += e_raw;
	}
	free(due);
	if (csvc_sla_advance(s, now, NULL, NULL, &again))
		bench_die("advance");
	if (lib_total != alarms || again != 0 || lib_head(s) != head + alarms) {
		fprintf(stderr, "bench: feed: advance emitted %lld then %lld alarms, expected %lld then 0\n",
		        (long long)lib_total, (long long)again, (long long)alarms);
		exit(1);
	}
	if (raw_total != alarms || bench_pg_value(c, "SELECT max(pos + count - 1) FROM feed") != head + alarms) {
		fprintf(stderr, "bench: feed: raw libpq wrote %lld alarms, expected %lld, or not their feed entries\n",
		        (long long)raw_total, (long long)alarms);
		exit(1);
	}
	csvc_store_close(s);
	/* Both wrote the same alarms, tickets and clocks. */
	static const char *const same_rows[][2] = {
		{"ticket events", "SELECT ticket_id, seq, type, actor, at_us, from_state, to_state, payload FROM %s.ticket_events"},
		{"tickets", "SELECT id, revision, updated_us FROM %s.tickets"},
		{"SLA clocks", "SELECT * FROM %s.sla_targets"},
	};
	for (size_t i = 0; i < sizeof(same_rows) / sizeof(same_rows[0]); i++) {
		char a[256], b[256], what[96];
		snprintf(a, sizeof(a), same_rows[i][1], lib_schema);
		snprintf(b, sizeof(b), same_rows[i][1], raw_schema);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d", a, b, b, a);
		snprintf(what, sizeof(what), "the library's %s differ from raw libpq's", same_rows[i][0]);
		pg_expect_zero(c, sql, what);
	}
	PQfinish(c);
	printf("pg.feed.sla_advance.alarms: %lld alarms\n", (long long)alarms);
	bench_pg_report("feed.sla_advance", 1, bench_median(&m_lib), bench_median(&m_raw), 0, "alarms/s");
	bench_figure("pg.feed.sla_advance.libpq.round_trips", (double)trips / (double)alarms, "per alarm");
}

int bench_feed_pg(double scale, const char *dir, const char *pg)
{
	(void)dir;
	pg_read_feed(scale, pg);
	bench_pg_drop_schemas();
	printf("# feed: sla_advance in steps of %d alarms due, the library and raw libpq in turn (one advance of them all"
	       " would give one sample of each side)\n", ADVANCE_STEP);
	fflush(stdout);
	pg_sla_advance(scale, pg);
	bench_pg_drop_schemas();
	return 0;
}
#endif
