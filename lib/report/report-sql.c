/*
 * Report queries. Each report reads a few streams of rows for
 * the tickets or responses in its range (query-time aggregation, see
 * docs/reports.md); the text is built from fixed fragments and every value
 * is bound by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed-internal.h"
#include "report/report-internal.h"
#include "store/store-internal.h"

static const csvc__sql SQL_RECORD = CSVC__SQL("INSERT INTO store_transactions (store_code, day, count) VALUES ($1,$2,$3)"
	" ON CONFLICT (store_code, day) DO UPDATE SET count = excluded.count");
static const csvc__sql SQL_SURVEY_EXISTS = CSVC__SQL("SELECT 1 FROM surveys WHERE name = $1 AND ($2 = 0 OR version = $2) LIMIT 1");
/* The state rows of ticket events. On SQLite, a payload that is not JSON
 * would make json_extract() fail the whole statement with a generic
 * error: it is read only when valid, and the last column flags it, so
 * that state_row() reports damaged data as such. On PostgreSQL the server
 * parses the payload as the event is written, into to_category (migration
 * 13). */
static const csvc__sql SQL_TICKET_STATES = CSVC__SQL_DIALECTS(
	"SELECT ticket_id, seq, at_us, to_state,"
	" CASE WHEN json_valid(payload) THEN json_extract(payload, '$.set.state_category') END,"
	" type = 'transition', payload IS NULL OR json_valid(payload)"
	" FROM ticket_events WHERE ticket_id = $1 AND to_state IS NOT NULL ORDER BY seq",
	"SELECT ticket_id, seq, at_us, to_state, to_category, type = 'transition', true"
	" FROM ticket_events WHERE ticket_id = $1 AND to_state IS NOT NULL ORDER BY seq");
#define STATE_COLUMNS                                                                                  \
	"e.ticket_id, e.seq, e.at_us, e.to_state,"                                                         \
	" CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, '$.set.state_category') END,"       \
	" e.type = 'transition', e.payload IS NULL OR json_valid(e.payload)"
#define PG_STATE_COLUMNS                                                                               \
	"e.ticket_id, e.seq, e.at_us, e.to_state, e.to_category, e.type = 'transition', true"

/* ---- query text ---- */

/* `store_indexed` 0: the store code's index is kept out with a unary +
 * (SQLite; PostgreSQL has no unary + on text, and plans by itself). */
static void ticket_filters(csvc__buf *b, const csvc_report_query *q, int store_indexed, int pg)
{
	if (q->store_code)
		csvc__buf_puts(b, store_indexed || pg ? " AND t.store_code = :store" : " AND +t.store_code = :store");
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

char *csvc__report_db_sql(const csvc_report_query *q, int which, csvc__dialect dialect)
{
	int pg = dialect == CSVC__DIALECT_POSTGRES;
	csvc__buf b = {0};
	const char *range = " WHERE t.created_us >= :from AND t.created_us < :to";
	/* Queries 2 to 4 on PostgreSQL: a plain join was planned as a hash
	 * join over the whole target, event or comment table (a month's
	 * tickets are a few percent of it), which took three times the time
	 * of one index lookup per ticket, the plan SQLite takes. A LATERAL
	 * subquery with an ORDER BY is not pulled up into a join, so the
	 * server runs it per ticket. */
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
		/* A response's answers come one after the other (the report
		 * counts a response where the id changes): SQLite's nested loop
		 * gives that order, a PostgreSQL plan (a parallel or hash join)
		 * need not. */
		if (pg)
			csvc__buf_puts(&b, " ORDER BY r.id");
		break;
	case 1:
		csvc__buf_puts(&b, "SELECT " TICKET_COLUMNS " FROM tickets t");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1, pg);
		break;
	case 2:
		if (pg)
			csvc__buf_puts(&b, "SELECT st.ticket_id, pt.name, st.phase, st.used_us, st.met_at, st.breached_at"
			                   " FROM tickets t CROSS JOIN LATERAL"
			                   " (SELECT * FROM sla_targets st WHERE st.ticket_id = t.id ORDER BY st.idx) st"
			                   " JOIN sla_policy_targets pt ON pt.policy_id = st.policy_id AND pt.idx = st.idx");
		else
			csvc__buf_puts(&b, "SELECT st.ticket_id, pt.name, st.phase, st.used_us, st.met_at, st.breached_at"
			                   " FROM tickets t JOIN sla_targets st ON st.ticket_id = t.id"
			                   " JOIN sla_policy_targets pt ON pt.policy_id = st.policy_id AND pt.idx = st.idx");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1, pg);
		break;
	case 3:
		if (pg)
			csvc__buf_puts(&b, "SELECT " PG_STATE_COLUMNS " FROM tickets t CROSS JOIN LATERAL"
			                   " (SELECT * FROM ticket_events e WHERE e.ticket_id = t.id AND e.to_state IS NOT NULL"
			                   " ORDER BY e.seq) e");
		else
			csvc__buf_puts(&b, "SELECT " STATE_COLUMNS " FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1, pg);
		if (!pg)
			csvc__buf_puts(&b, " AND e.to_state IS NOT NULL");
		break;
	case 4:
		if (pg)
			csvc__buf_puts(&b, "SELECT t.id, c.n FROM tickets t CROSS JOIN LATERAL"
			                   " (SELECT count(*) AS n FROM ticket_comments c WHERE c.ticket_id = t.id AND c.kind = 1) c");
		else
			csvc__buf_puts(&b, "SELECT c.ticket_id, count(*) FROM tickets t JOIN ticket_comments c"
			                   " ON c.ticket_id = t.id");
		csvc__buf_puts(&b, range);
		ticket_filters(&b, q, 1, pg);
		csvc__buf_puts(&b, pg ? " AND c.n > 0" : " AND c.kind = 1 GROUP BY c.ticket_id");
		break;
	case 6:
		/* A staff member's tickets changed since `from`, through the
		 * assignee's index (the change time and the store are kept out
		 * of the index choice). */
		if (pg)
			csvc__buf_puts(&b, "SELECT " PG_STATE_COLUMNS ", t.store_code FROM tickets t CROSS JOIN LATERAL"
			                   " (SELECT * FROM ticket_events e WHERE e.ticket_id = t.id AND e.to_state IS NOT NULL"
			                   " ORDER BY e.seq) e WHERE t.updated_us >= :from AND t.created_us < :to");
		else
			csvc__buf_puts(&b, "SELECT " STATE_COLUMNS ", t.store_code FROM tickets t JOIN ticket_events e"
			                   " ON e.ticket_id = t.id WHERE +t.updated_us >= :from AND +t.created_us < :to");
		ticket_filters(&b, q, 0, pg);
		if (!pg)
			csvc__buf_puts(&b, " AND e.to_state IS NOT NULL");
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
		ticket_filters(&b, q, 1, pg);
		if (q->store_code && pg)
			/* tickets_store_created holds updated_us on PostgreSQL (migration 13). */
			csvc__buf_puts(&b, " UNION ALL SELECT " TICKET_COLUMNS " FROM tickets t WHERE t.updated_us >= :since"
			                   " AND +t.state_category >= 5 AND t.created_us < :to");
		else if (q->store_code)
			csvc__buf_puts(&b, " UNION ALL SELECT " TICKET_COLUMNS " FROM tickets t WHERE +t.updated_us >= :since"
			                   " AND +t.state_category >= 5 AND t.created_us < :to");
		else
			csvc__buf_puts(&b, " UNION ALL SELECT " TICKET_COLUMNS " FROM tickets t WHERE t.updated_us >= :since"
			                   " AND +t.state_category >= 5 AND +t.created_us < :to");
		ticket_filters(&b, q, 1, pg);
		break;
	}
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

static void bind_name(csvc__stmt *st, const char *name, const char *text, int64_t v, int is_text)
{
	if (is_text)
		csvc__db_bind_text_named(st, name, text);
	else
		csvc__db_bind_int_named(st, name, v);
}

/* Prepares report query `which` with every parameter bound. */
static int open_query(csvc_store *s, const csvc_report_query *q, int which, csvc_time_us since,
                      csvc__stmt **out)
{
	char *sql = csvc__report_db_sql(q, which, csvc__db_dialect(s->db));
	if (!sql)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare_named(s->db, sql, &st);
	csvc__free(sql);
	if (rc)
		return rc;
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
static int run(csvc__stmt *st, int (*row)(csvc__stmt *, void *), void *ud)
{
	int rc;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		int err = row(st, ud);
		if (err) {
			csvc__db_finalize(st);
			return err;
		}
	}
	csvc__db_finalize(st);
	return rc < 0 ? rc : CSVC_OK;
}

static const char *text(csvc__stmt *st, int col)
{
	return csvc__db_textcol(st, col);
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

static int answer_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	csvc__answer_row r;
	r.response_id = csvc__db_int(st, 0);
	r.survey_id = csvc__db_int(st, 1);
	r.store_code = text(st, 2);
	r.staff = text(st, 3);
	r.channel = text(st, 4);
	r.kind = text(st, 5);
	r.category = text(st, 6);
	r.method = (int32_t)csvc__db_int(st, 7);
	r.at = csvc__db_int(st, 8);
	r.has_answer = !csvc__db_is_null(st, 9);
	r.position = (int32_t)csvc__db_int(st, 9);
	r.value = (int32_t)csvc__db_int(st, 10);
	r.has_value2 = !csvc__db_is_null(st, 11);
	r.value2 = (int32_t)csvc__db_int(st, 11);
	return c->fn.answer(&r, c->ud);
}

int csvc__report_db_answers(csvc_store *s, const csvc_report_query *q, csvc__answer_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = open_query(s, q, 0, 0, &st);
	cb c;
	c.fn.answer = fn;
	c.ud = ud;
	return rc ? rc : run(st, answer_row, &c);
}

static int ticket_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	csvc__ticket_row r;
	r.id = csvc__db_int(st, 0);
	r.store_code = text(st, 1);
	r.assignee = text(st, 2);
	r.channel = text(st, 3);
	r.kind = text(st, 4);
	r.category = text(st, 5);
	r.workflow = text(st, 6);
	r.created = csvc__db_int(st, 7);
	r.updated = csvc__db_int(st, 8);
	r.state_category = (int32_t)csvc__db_int(st, 9);
	return c->fn.ticket(&r, c->ud);
}

/* Ticket rows of query `which`: 1 all tickets, 5 the backlog since `since`. */
static int ticket_rows(csvc_store *s, const csvc_report_query *q, int which, csvc_time_us since,
                       csvc__ticket_row_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = open_query(s, q, which, since, &st);
	cb c;
	c.fn.ticket = fn;
	c.ud = ud;
	return rc ? rc : run(st, ticket_row, &c);
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

static int target_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	csvc__target_row r;
	r.ticket_id = csvc__db_int(st, 0);
	r.name = text(st, 1);
	r.phase = (int32_t)csvc__db_int(st, 2);
	r.used = csvc__db_int(st, 3);
	r.met_at = csvc__db_int(st, 4);
	r.breached_at = csvc__db_int(st, 5);
	return c->fn.target(&r, c->ud);
}

int csvc__report_db_targets(csvc_store *s, const csvc_report_query *q, csvc__target_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = open_query(s, q, 2, 0, &st);
	cb c;
	c.fn.target = fn;
	c.ud = ud;
	return rc ? rc : run(st, target_row, &c);
}

static int state_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	csvc__state_row r;
	if (!(int32_t)csvc__db_int(st, 6))
		return csvc__error(CSVC_ECORRUPT, "a ticket event holds damaged data (event %lld of its ticket is not JSON)",
		                   (long long)csvc__db_int(st, 1));
	r.ticket_id = csvc__db_int(st, 0);
	r.seq = csvc__db_int(st, 1);
	r.at = csvc__db_int(st, 2);
	r.state = text(st, 3);
	r.category = (int32_t)csvc__db_int(st, 4);
	r.transition = (int32_t)csvc__db_int(st, 5);
	r.store_code = NULL;
	return c->fn.state(&r, c->ud);
}

static int resolve_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	if (!(int32_t)csvc__db_int(st, 6))
		return csvc__error(CSVC_ECORRUPT, "a ticket event holds damaged data (event %lld of its ticket is not JSON)",
		                   (long long)csvc__db_int(st, 1));
	csvc__state_row r;
	r.ticket_id = csvc__db_int(st, 0);
	r.seq = csvc__db_int(st, 1);
	r.at = csvc__db_int(st, 2);
	r.state = text(st, 3);
	r.category = (int32_t)csvc__db_int(st, 4);
	r.transition = (int32_t)csvc__db_int(st, 5);
	r.store_code = text(st, 7);
	return c->fn.state(&r, c->ud);
}

int csvc__report_db_resolved(csvc_store *s, const csvc_report_query *q, csvc__state_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = open_query(s, q, 6, 0, &st);
	cb c;
	c.fn.state = fn;
	c.ud = ud;
	return rc ? rc : run(st, resolve_row, &c);
}

int csvc__report_db_states(csvc_store *s, const csvc_report_query *q, csvc__state_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = open_query(s, q, 3, 0, &st);
	cb c;
	c.fn.state = fn;
	c.ud = ud;
	return rc ? rc : run(st, state_row, &c);
}

int csvc__report_db_ticket_states(csvc_store *s, int64_t ticket_id, csvc__state_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TICKET_STATES, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, ticket_id);
	cb c;
	c.fn.state = fn;
	c.ud = ud;
	while ((rc = csvc__db_step(st)) == CSVC__ROW)
		if ((rc = state_row(st, &c))) {
			csvc__db_reset(st);
			return rc;
		}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

static int count_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	return c->fn.count(csvc__db_int(st, 0), csvc__db_int(st, 1), c->ud);
}

int csvc__report_db_replies(csvc_store *s, const csvc_report_query *q, csvc__count_fn fn, void *ud)
{
	csvc__stmt *st;
	int rc = open_query(s, q, 4, 0, &st);
	cb c;
	c.fn.count = fn;
	c.ud = ud;
	return rc ? rc : run(st, count_row, &c);
}

static int transactions_row(csvc__stmt *st, void *ud)
{
	cb *c = ud;
	return c->fn.transactions(text(st, 0), (int32_t)csvc__db_int(st, 1), csvc__db_int(st, 2),
	                                      c->ud);
}

int csvc__report_db_transactions(csvc_store *s, const char *store_code, int32_t from_day, int32_t to_day,
                                 csvc__transactions_fn fn, void *ud)
{
	const char *sql = store_code ? "SELECT store_code, day, count FROM store_transactions"
	                               " WHERE store_code = :store AND day >= :d0 AND day <= :d1"
	                             : "SELECT store_code, day, count FROM store_transactions"
	                               " WHERE day >= :d0 AND day <= :d1";
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare_named(s->db, sql, &st);
	if (rc)
		return rc;
	bind_name(st, ":store", store_code, 0, 1);
	bind_name(st, ":d0", NULL, from_day, 0);
	bind_name(st, ":d1", NULL, to_day, 0);
	cb c;
	c.fn.transactions = fn;
	c.ud = ud;
	return run(st, transactions_row, &c);
}

int csvc__report_db_record_transactions(csvc_store *s, const char *store_code, int32_t day, int64_t count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_RECORD, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	csvc__db_bind_int(st, 2, day);
	csvc__db_bind_int(st, 3, count);
	if ((rc = csvc__db_run(st)))
		return rc;
	csvc__buf b = {0};
	csvc__buf_puts(&b, "{\"store_code\":");
	csvc__buf_json_string(&b, store_code);
	csvc__buf_printf(&b, ",\"date\":%d,\"count\":%lld}", (int)day, (long long)count);
	rc = b.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	              : csvc__feed_record(s, "transactions_recorded", "store", NULL, store_code, NULL,
	                                  csvc_store_now(s), b.data);
	csvc__buf_free(&b);
	return rc;
}

int csvc__report_db_survey_exists(csvc_store *s, const char *name, int32_t version)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_SURVEY_EXISTS, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_int(st, 2, version);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	csvc__db_reset(st);
	if (rc == CSVC__DONE)
		return version ? csvc__error(CSVC_ENOTFOUND, "no survey '%s' version %d", name, (int)version)
		               : csvc__error(CSVC_ENOTFOUND, "no survey '%s'", name);
	return CSVC_OK;
}
