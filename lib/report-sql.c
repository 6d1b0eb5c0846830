/*
 * Report queries on SQLite. Each report reads a few streams of rows for
 * the tickets or responses in its range (query-time aggregation, see
 * docs/reports.md); the text is built from fixed fragments and every value
 * is bound by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-internal.h"
#include "store-internal.h"

static const char SQL_RECORD[] =
	"INSERT INTO store_transactions (store_code, day, count) VALUES (?,?,?)"
	" ON CONFLICT (store_code, day) DO UPDATE SET count = excluded.count";
static const char SQL_SURVEY_EXISTS[] =
	"SELECT 1 FROM surveys WHERE name = ?1 AND (?2 = 0 OR version = ?2) LIMIT 1";
/* The state rows of ticket events. A payload that is not JSON would make
 * json_extract() fail the whole statement with a generic SQLite error:
 * it is read only when valid, and the last column flags it, so that
 * state_row() reports damaged data as such. */
static const char SQL_TICKET_STATES[] =
	"SELECT ticket_id, seq, at_us, to_state,"
	" CASE WHEN json_valid(payload) THEN json_extract(payload, '$.set.state_category') END,"
	" type = 'transition', payload IS NULL OR json_valid(payload)"
	" FROM ticket_events WHERE ticket_id = ? AND to_state IS NOT NULL ORDER BY seq";
#define STATE_COLUMNS                                                                                  \
	"e.ticket_id, e.seq, e.at_us, e.to_state,"                                                         \
	" CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, '$.set.state_category') END,"       \
	" e.type = 'transition', e.payload IS NULL OR json_valid(e.payload)"

/* ---- query text ---- */

static void ticket_filters(csvc__buf *b, const csvc_report_query *q, int store_indexed)
{
	if (q->store_code)
		csvc__buf_puts(b, store_indexed ? " AND t.store_code = :store" : " AND +t.store_code = :store");
	if (q->staff)
		csvc__buf_puts(b, " AND t.assignee = :staff");
	if (q->channel)
		csvc__buf_puts(b, " AND t.channel = :channel");
	if (q->kind)
		csvc__buf_puts(b, " AND t.kind = :kind");
	if (q->category)
		csvc__buf_puts(b, " AND t.category = :category");
}

#define TICKET_COLUMNS                                                                                    \
	"t.id, t.store_code, t.assignee, t.channel, t.kind, t.category, t.workflow, t.created_us, t.updated_us," \
	" t.state_category"

char *csvc__report_db_sql(const csvc_report_query *q, int which)
{
	csvc__buf b = {0};
	const char *range = " WHERE t.created_us >= :from AND t.created_us < :to";
	switch (which) {
	case 0:
		csvc__buf_puts(&b, "SELECT r.id, r.survey_id, r.store_code, r.staff, r.channel, r.ticket_kind,"
		                   " r.ticket_category, r.method, r.submitted_us, a.position, a.value, a.value2"
		                   " FROM survey_responses r LEFT JOIN survey_answers a"
		                   " ON a.response_id = r.id AND a.value IS NOT NULL"
		                   " WHERE r.submitted_us >= :from AND r.submitted_us < :to");
		if (q->store_code)
			csvc__buf_puts(&b, " AND r.store_code = :store");
		if (q->staff)
			csvc__buf_puts(&b, " AND r.staff = :staff");
		if (q->channel)
			csvc__buf_puts(&b, " AND r.channel = :channel");
		if (q->kind)
			csvc__buf_puts(&b, " AND r.ticket_kind = :kind");
		if (q->category)
			csvc__buf_puts(&b, " AND r.ticket_category = :category");
		if (q->method)
			csvc__buf_puts(&b, " AND r.method = :method");
		if (q->survey)
			csvc__buf_puts(&b, q->survey_version
			                       ? " AND r.survey_id IN (SELECT id FROM surveys WHERE name = :survey"
			                         " AND version = :version)"
			                       : " AND r.survey_id IN (SELECT id FROM surveys WHERE name = :survey)");
		break;
	case 1:
		csvc__buf_puts(&b, "SELECT " TICKET_COLUMNS " FROM tickets t");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1);
		break;
	case 2:
		csvc__buf_puts(&b, "SELECT st.ticket_id, pt.name, st.phase, st.used_us, st.met_at, st.breached_at"
		                   " FROM tickets t JOIN sla_targets st ON st.ticket_id = t.id"
		                   " JOIN sla_policy_targets pt ON pt.policy_id = st.policy_id AND pt.idx = st.idx");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1);
		break;
	case 3:
		csvc__buf_puts(&b, "SELECT " STATE_COLUMNS " FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1);
		csvc__buf_puts(&b, " AND e.to_state IS NOT NULL");
		break;
	case 4:
		csvc__buf_puts(&b, "SELECT c.ticket_id, count(*) FROM tickets t JOIN ticket_comments c"
		                   " ON c.ticket_id = t.id");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1);
		csvc__buf_puts(&b, " AND c.kind = 1 GROUP BY c.ticket_id");
		break;
	default:
		/* Unresolved now, or changed since `since`. */
		/* Unary + steers the planner: the open tickets come from the
		 * open-ticket index; the closed ones changed since `since` from
		 * the store's tickets created before `to` (one store: a fraction
		 * of its history) or from tickets_updated (every store: the
		 * tickets changed since, which for a recent `since` are few). */
		csvc__buf_puts(&b, "SELECT " TICKET_COLUMNS " FROM tickets t WHERE t.state_category < 5"
		                   " AND +t.created_us < :to");
		ticket_filters(&b, q, 1);
		if (q->store_code)
			csvc__buf_puts(&b, " UNION ALL SELECT " TICKET_COLUMNS " FROM tickets t WHERE +t.updated_us >= :since"
			                   " AND +t.state_category >= 5 AND t.created_us < :to");
		else
			csvc__buf_puts(&b, " UNION ALL SELECT " TICKET_COLUMNS " FROM tickets t WHERE t.updated_us >= :since"
			                   " AND +t.state_category >= 5 AND +t.created_us < :to");
		ticket_filters(&b, q, 1);
		break;
	}
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

static void bind_name(sqlite3_stmt *st, const char *name, const char *text, int64_t v, int is_text)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (!i)
		return;
	if (is_text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, i, v);
}

/* Prepares report query `which` with every parameter bound. */
static int open_query(csvc_store *s, const csvc_report_query *q, int which, csvc_time_us since,
                      sqlite3_stmt **out)
{
	char *sql = csvc__report_db_sql(q, which);
	if (!sql)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	csvc__free(sql);
	if (rc != SQLITE_OK)
		return csvc__sqlite_error(s, rc, "preparing a report query");
	bind_name(st, ":from", NULL, q->from, 0);
	bind_name(st, ":to", NULL, q->to, 0);
	bind_name(st, ":since", NULL, since, 0);
	bind_name(st, ":store", q->store_code, 0, 1);
	bind_name(st, ":staff", q->staff, 0, 1);
	bind_name(st, ":channel", q->channel, 0, 1);
	bind_name(st, ":kind", q->kind, 0, 1);
	bind_name(st, ":category", q->category, 0, 1);
	bind_name(st, ":method", NULL, q->method, 0);
	bind_name(st, ":survey", q->survey, 0, 1);
	bind_name(st, ":version", NULL, q->survey_version, 0);
	*out = st;
	return CSVC_OK;
}

/* Steps `st` to the end, calling `row` for each row; finalizes it. */
static int run(csvc_store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *, void *), void *ud)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int err = row(st, ud);
		if (err) {
			sqlite3_finalize(st);
			return err;
		}
	}
	int err = rc == SQLITE_DONE ? CSVC_OK : csvc__sqlite_error(s, rc, "reading a report");
	sqlite3_finalize(st);
	return err;
}

static const char *text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

typedef struct cb {
	union {
		csvc__answer_fn answer;
		csvc__ticket_row_fn ticket;
		csvc__target_fn target;
		csvc__state_fn state;
		csvc__count_fn count;
		csvc__transactions_fn transactions;
	} fn;
	void *ud;
} cb;

static int answer_row(sqlite3_stmt *st, void *ud)
{
	cb *c = ud;
	csvc__answer_row r;
	r.response_id = sqlite3_column_int64(st, 0);
	r.survey_id = sqlite3_column_int64(st, 1);
	r.store_code = text(st, 2);
	r.staff = text(st, 3);
	r.channel = text(st, 4);
	r.kind = text(st, 5);
	r.category = text(st, 6);
	r.method = sqlite3_column_int(st, 7);
	r.at = sqlite3_column_int64(st, 8);
	r.has_answer = sqlite3_column_type(st, 9) != SQLITE_NULL;
	r.position = sqlite3_column_int(st, 9);
	r.value = sqlite3_column_int(st, 10);
	r.has_value2 = sqlite3_column_type(st, 11) != SQLITE_NULL;
	r.value2 = sqlite3_column_int(st, 11);
	return c->fn.answer(&r, c->ud);
}

int csvc__report_db_answers(csvc_store *s, const csvc_report_query *q, csvc__answer_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int rc = open_query(s, q, 0, 0, &st);
	cb c;
	c.fn.answer = fn;
	c.ud = ud;
	return rc ? rc : run(s, st, answer_row, &c);
}

static int ticket_row(sqlite3_stmt *st, void *ud)
{
	cb *c = ud;
	csvc__ticket_row r;
	r.id = sqlite3_column_int64(st, 0);
	r.store_code = text(st, 1);
	r.assignee = text(st, 2);
	r.channel = text(st, 3);
	r.kind = text(st, 4);
	r.category = text(st, 5);
	r.workflow = text(st, 6);
	r.created = sqlite3_column_int64(st, 7);
	r.updated = sqlite3_column_int64(st, 8);
	r.state_category = sqlite3_column_int(st, 9);
	return c->fn.ticket(&r, c->ud);
}

/* Ticket rows of query `which`: 1 all tickets, 5 the backlog since `since`. */
static int ticket_rows(csvc_store *s, const csvc_report_query *q, int which, csvc_time_us since,
                       csvc__ticket_row_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int rc = open_query(s, q, which, since, &st);
	cb c;
	c.fn.ticket = fn;
	c.ud = ud;
	return rc ? rc : run(s, st, ticket_row, &c);
}

int csvc__report_db_tickets(csvc_store *s, const csvc_report_query *q, csvc__ticket_row_fn fn, void *ud)
{
	return ticket_rows(s, q, 1, 0, fn, ud);
}

int csvc__report_db_backlog(csvc_store *s, const csvc_report_query *q, csvc_time_us since,
                            csvc__ticket_row_fn fn, void *ud)
{
	return ticket_rows(s, q, 5, since, fn, ud);
}

static int target_row(sqlite3_stmt *st, void *ud)
{
	cb *c = ud;
	csvc__target_row r;
	r.ticket_id = sqlite3_column_int64(st, 0);
	r.name = text(st, 1);
	r.phase = sqlite3_column_int(st, 2);
	r.used = sqlite3_column_int64(st, 3);
	r.met_at = sqlite3_column_int64(st, 4);
	r.breached_at = sqlite3_column_int64(st, 5);
	return c->fn.target(&r, c->ud);
}

int csvc__report_db_targets(csvc_store *s, const csvc_report_query *q, csvc__target_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int rc = open_query(s, q, 2, 0, &st);
	cb c;
	c.fn.target = fn;
	c.ud = ud;
	return rc ? rc : run(s, st, target_row, &c);
}

static int state_row(sqlite3_stmt *st, void *ud)
{
	cb *c = ud;
	csvc__state_row r;
	if (!sqlite3_column_int(st, 6))
		return csvc__error(CSVC_ECORRUPT, "a ticket event holds damaged data (event %lld of its ticket is not JSON)",
		                   (long long)sqlite3_column_int64(st, 1));
	r.ticket_id = sqlite3_column_int64(st, 0);
	r.seq = sqlite3_column_int64(st, 1);
	r.at = sqlite3_column_int64(st, 2);
	r.state = text(st, 3);
	r.category = sqlite3_column_int(st, 4);
	r.transition = sqlite3_column_int(st, 5);
	return c->fn.state(&r, c->ud);
}

int csvc__report_db_states(csvc_store *s, const csvc_report_query *q, csvc__state_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int rc = open_query(s, q, 3, 0, &st);
	cb c;
	c.fn.state = fn;
	c.ud = ud;
	return rc ? rc : run(s, st, state_row, &c);
}

int csvc__report_db_ticket_states(csvc_store *s, int64_t ticket_id, csvc__state_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_TICKET_STATES, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, ticket_id);
	cb c;
	c.fn.state = fn;
	c.ud = ud;
	while ((rc = csvc__step(s, st)) == SQLITE_ROW)
		if ((rc = state_row(st, &c))) {
			sqlite3_reset(st);
			return rc;
		}
	if (rc < 0)
		return rc;
	sqlite3_reset(st);
	return CSVC_OK;
}

static int count_row(sqlite3_stmt *st, void *ud)
{
	cb *c = ud;
	return c->fn.count(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), c->ud);
}

int csvc__report_db_replies(csvc_store *s, const csvc_report_query *q, csvc__count_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int rc = open_query(s, q, 4, 0, &st);
	cb c;
	c.fn.count = fn;
	c.ud = ud;
	return rc ? rc : run(s, st, count_row, &c);
}

static int transactions_row(sqlite3_stmt *st, void *ud)
{
	cb *c = ud;
	return c->fn.transactions(text(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2),
	                                      c->ud);
}

int csvc__report_db_transactions(csvc_store *s, const char *store_code, int32_t from_day, int32_t to_day,
                                 csvc__transactions_fn fn, void *ud)
{
	const char *sql = store_code ? "SELECT store_code, day, count FROM store_transactions"
	                               " WHERE store_code = :store AND day >= :d0 AND day <= :d1"
	                             : "SELECT store_code, day, count FROM store_transactions"
	                               " WHERE day >= :d0 AND day <= :d1";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return csvc__sqlite_error(s, rc, "preparing a report query");
	bind_name(st, ":store", store_code, 0, 1);
	bind_name(st, ":d0", NULL, from_day, 0);
	bind_name(st, ":d1", NULL, to_day, 0);
	cb c;
	c.fn.transactions = fn;
	c.ud = ud;
	return run(s, st, transactions_row, &c);
}

int csvc__report_db_record_transactions(csvc_store *s, const char *store_code, int32_t day, int64_t count)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_RECORD, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, store_code);
	sqlite3_bind_int(st, 2, day);
	sqlite3_bind_int64(st, 3, count);
	return csvc__exec_stmt(s, st);
}

int csvc__report_db_survey_exists(csvc_store *s, const char *name, int32_t version)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_SURVEY_EXISTS, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, version);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return version ? csvc__error(CSVC_ENOTFOUND, "no survey '%s' version %d", name, (int)version)
		               : csvc__error(CSVC_ENOTFOUND, "no survey '%s'", name);
	return CSVC_OK;
}
