/*
 * Privacy: the data-subject export and the erasure's redaction, on a
 * store of 10,000 tickets over 100 customers (at scale 1), each ticket
 * with a reply.
 *
 *  - csvc_customer_export of 20 customers against raw SQLite reading the
 *    same rows (the customer, their contacts, consents, merged records,
 *    tickets, each ticket's events and SLA targets, survey answers) and
 *    appending every column's text to one buffer: the same reads without
 *    the JSON escaping, so the ratio is an upper bound of the library's
 *    cost;
 *  - csvc_customer_erase of 20 customers, each in its own transaction
 *    without the scrub, against raw SQLite doing the same row writes on a
 *    copy of the store made before: the customer's erasure (record,
 *    contacts, search row, event) and, per ticket, the redacted event,
 *    the ticket row, the events' payloads, the search rows and the
 *    comments, and the survey answers, with the feed rows laid out as the
 *    library lays them out (one per run of consecutive events).
 *
 * SQLite only: the PostgreSQL side (--db) is not written yet.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-raw.h"
#include "bench.h"
#include "csvc.h"

#define SAMPLE 20 /* customers exported, then erased */

typedef struct text_buf {
	char *data;
	size_t len, cap;
} text_buf;

static void buf_add(text_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			exit(1);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Every column of the rows `st` returns, as text, into `b`. */
static void rows_into(sqlite3 *db, sqlite3_stmt *st, text_buf *b)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			if (t)
				buf_add(b, t, (size_t)sqlite3_column_bytes(st, i));
			buf_add(b, ",", 1);
		}
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench: privacy: raw read: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
}

typedef struct raw_reads {
	sqlite3_stmt *customer, *contacts, *consents, *merged, *tickets, *events, *targets, *answers;
} raw_reads;

static size_t raw_export(sqlite3 *db, raw_reads *r, const csvc_uuid *id)
{
	text_buf b = {0};
	sqlite3_bind_blob(r->customer, 1, id->bytes, 16, SQLITE_STATIC);
	int64_t rowid = 0;
	if (sqlite3_step(r->customer) == SQLITE_ROW) {
		rowid = sqlite3_column_int64(r->customer, 0);
		for (int i = 0; i < sqlite3_column_count(r->customer); i++) {
			const unsigned char *t = sqlite3_column_text(r->customer, i);
			if (t)
				buf_add(&b, t, (size_t)sqlite3_column_bytes(r->customer, i));
		}
	}
	sqlite3_reset(r->customer);
	sqlite3_stmt *per_customer[] = {r->contacts, r->consents, r->merged, r->answers};
	for (size_t i = 0; i < sizeof(per_customer) / sizeof(per_customer[0]); i++) {
		sqlite3_bind_int64(per_customer[i], 1, rowid);
		rows_into(db, per_customer[i], &b);
	}
	sqlite3_bind_int64(r->tickets, 1, rowid);
	while (sqlite3_step(r->tickets) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(r->tickets, 0);
		for (int i = 0; i < sqlite3_column_count(r->tickets); i++) {
			const unsigned char *v = sqlite3_column_text(r->tickets, i);
			if (v)
				buf_add(&b, v, (size_t)sqlite3_column_bytes(r->tickets, i));
		}
		sqlite3_bind_int64(r->events, 1, t);
		rows_into(db, r->events, &b);
		sqlite3_bind_int64(r->targets, 1, t);
		rows_into(db, r->targets, &b);
	}
	sqlite3_reset(r->tickets);
	size_t n = b.len;
	free(b.data);
	return n;
}

typedef struct raw_writes {
	sqlite3_stmt *state, *erase, *contacts, *search, *customer_event, *feed, *tickets, *event, *ticket, *open,
		*payloads, *close, *ticket_search, *comment_search, *comments, *answers;
} raw_writes;

/* A feed row for `count` consecutive source rows from `row`, at the
 * next position: the library's layout (one row per run of entries). */
static void feed_run(sqlite3 *db, raw_writes *w, int64_t *pos, int64_t source, int64_t row, int64_t count)
{
	sqlite3_bind_int64(w->feed, 1, (*pos)++);
	sqlite3_bind_int64(w->feed, 2, (int64_t)random());
	sqlite3_bind_int64(w->feed, 3, (int64_t)random());
	sqlite3_bind_int64(w->feed, 4, source);
	sqlite3_bind_int64(w->feed, 5, row);
	sqlite3_bind_int64(w->feed, 6, count);
	bench_raw_run(db, w->feed);
}

static void raw_erase(sqlite3 *db, raw_writes *w, const csvc_uuid *id, int64_t now)
{
	bench_raw_exec(db, "BEGIN IMMEDIATE");
	int64_t pos = bench_raw_int(db, "SELECT coalesce(max(pos), 0) + 1 FROM feed");
	sqlite3_bind_blob(w->state, 1, id->bytes, 16, SQLITE_STATIC);
	if (sqlite3_step(w->state) != SQLITE_ROW) {
		fprintf(stderr, "bench: privacy: raw erase: no customer\n");
		exit(1);
	}
	int64_t c = sqlite3_column_int64(w->state, 0);
	sqlite3_reset(w->state);
	sqlite3_bind_int64(w->erase, 1, now);
	sqlite3_bind_int64(w->erase, 2, c);
	bench_raw_run(db, w->erase);
	sqlite3_bind_int64(w->contacts, 1, c);
	bench_raw_run(db, w->contacts);
	sqlite3_bind_int64(w->search, 1, c);
	bench_raw_run(db, w->search);
	sqlite3_bind_int64(w->customer_event, 1, c);
	sqlite3_bind_int64(w->customer_event, 2, now);
	bench_raw_run(db, w->customer_event);
	feed_run(db, w, &pos, 2, sqlite3_last_insert_rowid(db), 1);
	sqlite3_bind_int64(w->tickets, 1, c);
	int64_t ids[4096], revs[4096];
	size_t n = 0;
	while (sqlite3_step(w->tickets) == SQLITE_ROW && n < 4096) {
		ids[n] = sqlite3_column_int64(w->tickets, 0);
		revs[n++] = sqlite3_column_int64(w->tickets, 1);
	}
	sqlite3_reset(w->tickets);
	int64_t first_event = 0;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(w->event, 1, ids[i]);
		sqlite3_bind_int64(w->event, 2, revs[i] + 1);
		sqlite3_bind_int64(w->event, 3, now);
		bench_raw_run(db, w->event);
		if (i == 0)
			first_event = sqlite3_last_insert_rowid(db);
		sqlite3_bind_int64(w->ticket, 1, revs[i] + 1);
		sqlite3_bind_int64(w->ticket, 2, now);
		sqlite3_bind_int64(w->ticket, 3, ids[i]);
		bench_raw_run(db, w->ticket);
		sqlite3_stmt *per_ticket[] = {w->open, w->payloads, w->close, w->ticket_search, w->comment_search, w->comments};
		for (size_t k = 0; k < sizeof(per_ticket) / sizeof(per_ticket[0]); k++) {
			sqlite3_bind_int64(per_ticket[k], 1, ids[i]);
			bench_raw_run(db, per_ticket[k]);
		}
	}
	if (n)
		feed_run(db, w, &pos, 1, first_event, (int64_t)n);
	sqlite3_bind_int64(w->answers, 1, c);
	bench_raw_run(db, w->answers);
	bench_raw_exec(db, "COMMIT");
}

int bench_privacy(double scale, const char *dir)
{
	int customers = (int)(100 * scale), per = 100;
	if (customers < SAMPLE)
		customers = SAMPLE;
	char path[1024], copy[1024];
	snprintf(path, sizeof(path), "%s/csvc-bench-privacy.db", dir);
	snprintf(copy, sizeof(copy), "%s/csvc-bench-privacy-raw.db", dir);
	bench_remove_db(path);
	bench_remove_db(copy);
	csvc_time_us clock = (csvc_time_us)1767225600LL * 1000000;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = &clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o) || csvc_store_install_defaults(s))
		bench_die("privacy: open");
	csvc_uuid *ids = calloc((size_t)customers, sizeof(*ids));
	if (!ids)
		return 1;
	if (csvc_store_begin(s))
		bench_die("privacy: begin");
	for (int i = 0; i < customers; i++) {
		csvc_customer *c = NULL;
		char name[32], phone[16];
		snprintf(name, sizeof(name), "顾客%d", i);
		snprintf(phone, sizeof(phone), "139%08d", i);
		if (csvc_customer_new(&c) || csvc_customer_set_name(c, name) || csvc_customer_add_phone(c, phone) ||
		    csvc_customer_create(s, c, "bench"))
			bench_die("privacy: customer");
		ids[i] = *csvc_customer_id(c);
		csvc_customer_free(c);
		for (int k = 0; k < per; k++) {
			csvc_ticket *t = NULL;
			char subject[64];
			snprintf(subject, sizeof(subject), "%s 投诉排队太久 %d", name, k);
			if (csvc_ticket_new(&t, k % 2 ? "complaint" : "inquiry", "SH01") ||
			    csvc_ticket_set_customer(t, &ids[i]) || csvc_ticket_set_subject(t, subject) ||
			    csvc_ticket_set_description(t, "请回电") || csvc_ticket_create(s, t, "bench") ||
			    csvc_ticket_comment(s, csvc_ticket_id(t),
			                        &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好，已处理", NULL, 0,
			                                        "agent"},
			                        NULL))
				bench_die("privacy: ticket");
			csvc_ticket_free(t);
		}
	}
	if (csvc_store_commit(s) || csvc_store_backup(s, copy))
		bench_die("privacy: setup");

	/* Export. */
	double t0 = bench_seconds();
	size_t lib_bytes = 0;
	for (int i = 0; i < SAMPLE; i++) {
		char *json = NULL;
		if (csvc_customer_export(s, &ids[i], &json))
			bench_die("privacy: export");
		lib_bytes += strlen(json);
		csvc_free(json);
	}
	double lib_export = bench_seconds() - t0;

	sqlite3 *db = NULL;
	if (sqlite3_open_v2(copy, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return 1;
	bench_raw_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON");
	raw_reads r = {
		bench_raw_prepare(db, "SELECT id, uuid, name, address, birthday, notes, home_store, class, tier, lifecycle,"
		                      " revision, created_us, updated_us, erased_us FROM customers WHERE uuid = ?1"),
		bench_raw_prepare(db, "SELECT kind, value FROM customer_contacts WHERE customer_id = ?1 ORDER BY kind, position"),
		bench_raw_prepare(db, "SELECT purpose, state, channel, text_version, actor, at_us FROM customer_consents"
		                      " WHERE customer_id = ?1 ORDER BY id"),
		bench_raw_prepare(db, "SELECT id FROM customers WHERE merged_into = ?1 ORDER BY id"),
		bench_raw_prepare(db, "SELECT id, uuid, number, kind, store_code, channel, category, state, urgency, importance,"
		                      " impact, priority, assignee, team, subject, description, order_ref, revision, created_us,"
		                      " updated_us FROM tickets WHERE customer_id = ?1 ORDER BY id"),
		bench_raw_prepare(db, "SELECT seq, type, actor, at_us, from_state, to_state, payload FROM ticket_events"
		                      " WHERE ticket_id = ?1 ORDER BY seq"),
		bench_raw_prepare(db, "SELECT c.idx, c.calendar, c.phase, c.used_us, c.since_us, c.met_at, c.breached_at, c.due_us,"
		                      " d.name, d.duration_us, p.name, p.version FROM sla_targets c"
		                      " JOIN sla_policy_targets d ON d.policy_id = c.policy_id AND d.idx = c.idx"
		                      " JOIN sla_policies p ON p.id = c.policy_id WHERE c.ticket_id = ?1 ORDER BY c.idx"),
		bench_raw_prepare(db, "SELECT r.uuid, s.name, s.version, r.submitted_us, a.position, a.value, a.value2, a.text"
		                      " FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
		                      " LEFT JOIN survey_answers a ON a.response_id = r.id WHERE r.customer_id = ?1"
		                      " ORDER BY r.id, a.position"),
	};
	size_t raw_bytes = 0;
	t0 = bench_seconds();
	bench_raw_exec(db, "BEGIN");
	for (int i = 0; i < SAMPLE; i++)
		raw_bytes += raw_export(db, &r, &ids[i]);
	bench_raw_exec(db, "COMMIT");
	double raw_export_s = bench_seconds() - t0;
	bench_figure("privacy.export.library", lib_export / SAMPLE * 1e3, "ms/customer");
	bench_figure("privacy.export.raw_sqlite", raw_export_s / SAMPLE * 1e3, "ms/customer");
	bench_figure("privacy.export.bytes", (double)lib_bytes / SAMPLE, "bytes/customer");
	bench_figure("privacy.export.raw_bytes", (double)raw_bytes / SAMPLE, "bytes/customer");
	bench_ratio("privacy.export.library_vs_raw_sqlite", lib_export / raw_export_s);

	/* Erasure with redaction, each in its own transaction, no scrub. */
	t0 = bench_seconds();
	for (int i = 0; i < SAMPLE; i++) {
		if (csvc_store_begin(s) || csvc_customer_erase(s, &ids[i], "dpo") || csvc_store_commit(s))
			bench_die("privacy: erase");
	}
	double lib_erase = bench_seconds() - t0;
	raw_writes w = {
		bench_raw_prepare(db, "SELECT id FROM customers WHERE uuid = ?1"),
		bench_raw_prepare(db, "UPDATE customers SET name = NULL, address = NULL, birthday = NULL, notes = NULL,"
		                      " erased_us = ?1, updated_us = ?1, revision = revision + 1 WHERE id = ?2"),
		bench_raw_prepare(db, "DELETE FROM customer_contacts WHERE customer_id = ?1"),
		bench_raw_prepare(db, "DELETE FROM customer_search WHERE rowid = ?1"),
		bench_raw_prepare(db, "INSERT INTO customer_events (customer_id, type, actor, at_us, payload)"
		                      " VALUES (?1, 'erased', 'dpo', ?2, NULL)"),
		bench_raw_prepare(db, "INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
		bench_raw_prepare(db, "SELECT id, revision FROM tickets WHERE customer_id = ?1 ORDER BY id"),
		bench_raw_prepare(db, "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, payload)"
		                      " VALUES (?1, ?2, 'redacted', 'dpo', ?3,"
		                      " '{\"reason\":\"customer_erased\",\"set\":{\"subject\":null,\"description\":null}}')"),
		bench_raw_prepare(db, "UPDATE tickets SET subject = NULL, description = NULL, revision = ?1, updated_us = ?2"
		                      " WHERE id = ?3"),
		bench_raw_prepare(db, "INSERT INTO ticket_redactions (ticket_id) VALUES (?1)"),
		bench_raw_prepare(db, "UPDATE ticket_events SET payload = json_replace(payload, '$.set.subject', NULL,"
		                      " '$.set.description', NULL, '$.old.subject', NULL, '$.old.description', NULL,"
		                      " '$.body', NULL, '$.note', NULL, '$.inputs', NULL) WHERE ticket_id = ?1"),
		bench_raw_prepare(db, "DELETE FROM ticket_redactions WHERE ticket_id = ?1"),
		bench_raw_prepare(db, "DELETE FROM ticket_search WHERE rowid = ?1"),
		bench_raw_prepare(db, "DELETE FROM ticket_search WHERE rowid IN (SELECT -id FROM ticket_comments WHERE ticket_id = ?1)"),
		bench_raw_prepare(db, "UPDATE ticket_comments SET body = '' WHERE ticket_id = ?1"),
		bench_raw_prepare(db, "UPDATE survey_answers SET text = NULL WHERE text IS NOT NULL AND response_id IN"
		                      " (SELECT id FROM survey_responses WHERE customer_id = ?1)"),
	};
	t0 = bench_seconds();
	for (int i = 0; i < SAMPLE; i++)
		raw_erase(db, &w, &ids[i], clock + i);
	double raw_erase_s = bench_seconds() - t0;
	bench_figure("privacy.erase.library", lib_erase / SAMPLE * 1e3, "ms/customer");
	bench_figure("privacy.erase.raw_sqlite", raw_erase_s / SAMPLE * 1e3, "ms/customer");
	bench_ratio("privacy.erase.library_vs_raw_sqlite", lib_erase / raw_erase_s);
	t0 = bench_seconds();
	if (csvc_customer_scrub(s))
		bench_die("privacy: scrub");
	bench_figure("privacy.scrub", (bench_seconds() - t0) * 1e3, "ms");

	sqlite3_stmt *all[] = {r.customer, r.contacts, r.consents, r.merged, r.tickets, r.events, r.targets, r.answers,
	                       w.state, w.erase, w.contacts, w.search, w.customer_event, w.feed, w.tickets, w.event,
	                       w.ticket, w.open, w.payloads, w.close, w.ticket_search, w.comment_search, w.comments,
	                       w.answers};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(db);
	csvc_store_close(s);
	free(ids);
	bench_remove_db(path);
	bench_remove_db(copy);
	return 0;
}
