/*
 * Ticket storage on SQLite: tickets (current fields, derived from events),
 * the append-only event log, comments, links, per-store counters, kinds,
 * channels and the priority matrix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed-internal.h"
#include "route/route-internal.h"
#include "store/cursor.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"

static const csvc__sql SQL_KIND = CSVC__SQL("SELECT k.workflow, (SELECT max(version) FROM workflows w WHERE w.name = k.workflow)"
	" FROM ticket_kinds k WHERE k.name = $1");
static const csvc__sql SQL_CHANNEL = CSVC__SQL("SELECT 1 FROM ticket_channels WHERE name = $1");
#define CUSTOMER_SELECT "SELECT id FROM customers WHERE uuid = $1 AND merged_into IS NULL AND erased_us IS NULL"
static const csvc__sql SQL_CUSTOMER = CSVC__SQL(CUSTOMER_SELECT);
/* A write that links a ticket (or an invitation) to the customer holds
 * the customer's row in share mode to its commit on PostgreSQL: a merge,
 * erasure or update of the customer (which lock it for update) waits, and
 * then finds the ticket; one that came first makes this read wait, then
 * find no active customer (or its new class). */
static const csvc__sql SQL_CUSTOMER_LOCK = CSVC__SQL_DIALECTS(CUSTOMER_SELECT, CUSTOMER_SELECT " FOR SHARE");
static const csvc__sql SQL_PRIORITY = CSVC__SQL("SELECT priority FROM priority_matrix WHERE urgency = $1 AND importance = $2 AND impact = $3");
static const csvc__sql SQL_PRIORITY_SET = CSVC__SQL("INSERT INTO priority_matrix (urgency, importance, impact, priority) VALUES ($1,$2,$3,$4)"
	" ON CONFLICT (urgency, importance, impact) DO UPDATE SET priority = excluded.priority");
static const csvc__sql SQL_KIND_DEFINE = CSVC__SQL("INSERT INTO ticket_kinds (name, workflow, label_zh, label_en) VALUES ($1,$2,$3,$4)"
	" ON CONFLICT (name) DO UPDATE SET workflow = excluded.workflow,"
	" label_zh = excluded.label_zh, label_en = excluded.label_en");
static const csvc__sql SQL_CHANNEL_DEFINE = CSVC__SQL("INSERT INTO ticket_channels (name, label_zh, label_en) VALUES ($1,$2,$3)"
	" ON CONFLICT (name) DO UPDATE SET label_zh = excluded.label_zh, label_en = excluded.label_en");
/* The column qualified: PostgreSQL finds a bare `last` ambiguous beside
 * excluded.last. */
static const csvc__sql SQL_NEXT_NUMBER = CSVC__SQL("INSERT INTO ticket_counters (store_code, last) VALUES ($1, 1)"
	" ON CONFLICT (store_code) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last");
static const csvc__sql SQL_INSERT = CSVC__SQL_INSERT_ID("INSERT INTO tickets (uuid, number, kind, store_code, customer_id, channel, category, urgency,"
	" importance, impact, priority, priority_override, assignee, team, subject, description,"
	" order_ref, state, state_category, workflow, workflow_version, revision, created_us, updated_us)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)");
static const csvc__sql SQL_UPDATE = CSVC__SQL("UPDATE tickets SET customer_id = $1, channel = $2, category = $3, urgency = $4, importance = $5,"
	" impact = $6, priority = $7, priority_override = $8, subject = $9, description = $10, order_ref = $11,"
	" revision = $12, updated_us = $13 WHERE id = $14");
static const csvc__sql SQL_LOAD_ADD = CSVC__SQL(
	"INSERT INTO ticket_assignee_load (assignee, open) VALUES ($1, 1)"
	" ON CONFLICT (assignee) DO UPDATE SET open = ticket_assignee_load.open + 1");
static const csvc__sql SQL_SET_STATE = CSVC__SQL("UPDATE tickets SET state = $1, state_category = $2, revision = $3, updated_us = $4 WHERE id = $5");
static const csvc__sql SQL_SET_ASSIGNEE = CSVC__SQL("UPDATE tickets SET assignee = $1, team = $2, revision = $3, updated_us = $4 WHERE id = $5");
static const csvc__sql SQL_TOUCH = CSVC__SQL_DIALECTS(
	"UPDATE tickets SET revision = $1, updated_us = max(updated_us, $2) WHERE id = $3",
	"UPDATE tickets SET revision = $1, updated_us = GREATEST(updated_us, $2) WHERE id = $3");
#define HEAD_SELECT "SELECT id, revision, state, state_category, workflow, workflow_version, number, updated_us, store_code" \
	" FROM tickets" \
	" WHERE uuid = $1"
static const csvc__sql SQL_HEAD = CSVC__SQL(HEAD_SELECT);
/* Inside a write transaction on PostgreSQL the head is read with its row
 * locked to the commit: the revision check and the write that follows it
 * see no other writer in between, as under SQLite's write lock (a
 * concurrent writer waits, then reads the head it committed). NO KEY:
 * inserts that only reference the ticket are not held up. */
static const csvc__sql SQL_HEAD_LOCK = CSVC__SQL_DIALECTS(HEAD_SELECT, HEAD_SELECT " FOR NO KEY UPDATE");
static const csvc__sql SQL_LOCK_ROW = CSVC__SQL_DIALECTS(NULL, "SELECT 1 FROM tickets WHERE id = $1 FOR NO KEY UPDATE");
static const csvc__sql SQL_BY_NUMBER = CSVC__SQL("SELECT id FROM tickets WHERE number = $1");
static const csvc__sql SQL_LOAD = CSVC__SQL("SELECT t.uuid, t.number, t.kind, t.store_code, c.uuid, t.channel, t.category, t.urgency,"
	" t.importance, t.impact, t.priority, t.priority_override, t.assignee, t.team, t.subject,"
	" t.description, t.order_ref, t.state, t.state_category, t.workflow, t.workflow_version,"
	" t.revision, t.created_us, t.updated_us"
	" FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id WHERE t.id = $1");
static const csvc__sql SQL_EVENT = CSVC__SQL_INSERT_ID("INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, from_state, to_state, payload)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7,$8)");
static const csvc__sql SQL_COMMENT = CSVC__SQL_INSERT_ID("INSERT INTO ticket_comments (ticket_id, kind, method, body, actor, at_us) VALUES ($1,$2,$3,$4,$5,$6)");
static const csvc__sql SQL_SEARCH_INSERT = CSVC__SQL("INSERT INTO ticket_search (rowid, body) VALUES ($1, $2)");
static const csvc__sql SQL_SEARCH_DELETE = CSVC__SQL("DELETE FROM ticket_search WHERE rowid = $1");
static const csvc__sql SQL_LINK = CSVC__SQL("INSERT INTO ticket_links (a, b, kind, created_us) VALUES ($1,$2,$3,$4)");
/* The fields an event sets are its payload's "set" object, read by the
 * engine's JSON functions. */
static const csvc__sql SQL_REPLAY = CSVC__SQL_DIALECTS(
	"SELECT e.seq, e.type, e.actor, e.at_us, e.from_state, e.to_state, e.payload, j.key, j.value"
	" FROM ticket_events e LEFT JOIN json_each(e.payload, '$.set') j"
	" WHERE e.ticket_id = $1 ORDER BY e.seq",
	/* json, not jsonb: the members in the payload's order, as json_each. */
	"SELECT e.seq, e.type, e.actor, e.at_us, e.from_state, e.to_state, e.payload, j.key, j.value"
	" FROM ticket_events e LEFT JOIN LATERAL json_each_text(e.payload::json -> 'set') j ON TRUE"
	" WHERE e.ticket_id = $1 ORDER BY e.seq");
/* One page of a ticket's history: events after seq $2 up to seq $3. */
static const csvc__sql SQL_HISTORY = CSVC__SQL("SELECT t.uuid, t.number, e.seq, e.type, e.actor, e.at_us, e.from_state, e.to_state, e.payload"
	" FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
	" WHERE e.ticket_id = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq LIMIT $4");
/* The iterator's end (csvc__cursor_until). */
static const csvc__sql SQL_MAX_ID = CSVC__SQL_DIALECTS("SELECT max(id), NULL, NULL FROM tickets",
                                                       "SELECT max(id), pg_current_snapshot()::text,"
                                                       " pg_current_xact_id_if_assigned()::text FROM tickets");

int csvc__ticket_db_kind(csvc_store *s, const char *kind, char *workflow, size_t n, int32_t *version)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_KIND, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, kind);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no ticket kind '%s' (define it or install the defaults)",
		                   kind);
	}
	snprintf(workflow, n, "%s", csvc__db_textcol(st, 0));
	*version = (int32_t)csvc__db_int(st, 1);
	csvc__db_reset(st);
	if (*version == 0)
		return csvc__error(CSVC_ENOTFOUND, "ticket kind '%s' runs under workflow '%s', which is not stored",
		                   kind, workflow);
	return CSVC_OK;
}

static int exists(csvc_store *s, const csvc__sql *sql, const char *key, const char *what)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, sql, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, key);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	csvc__db_reset(st);
	if (rc == CSVC__DONE)
		return csvc__error(CSVC_ENOTFOUND, "no %s '%s'", what, key);
	return CSVC_OK;
}

int csvc__ticket_db_channel_exists(csvc_store *s, const char *channel)
{
	return exists(s, &SQL_CHANNEL, channel, "channel");
}

int csvc__ticket_db_customer_rowid(csvc_store *s, const csvc_uuid *id, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, csvc__db_locking(s->db) ? &SQL_CUSTOMER_LOCK : &SQL_CUSTOMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ENOTFOUND, "no active customer %s", text);
	}
	*rowid = csvc__db_int(st, 0);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__ticket_db_priority(csvc_store *s, int32_t u, int32_t i, int32_t m, int32_t *p)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_PRIORITY, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, u);
	csvc__db_bind_int(st, 2, i);
	csvc__db_bind_int(st, 3, m);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	/* 0 when the cell has no override: the caller applies the default. */
	*p = rc == CSVC__ROW ? (int32_t)csvc__db_int(st, 0) : 0;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__ticket_db_priority_set(csvc_store *s, int32_t u, int32_t i, int32_t m, int32_t p)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_PRIORITY_SET, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, u);
	csvc__db_bind_int(st, 2, i);
	csvc__db_bind_int(st, 3, m);
	csvc__db_bind_int(st, 4, p);
	if ((rc = csvc__db_run(st)))
		return rc;
	char payload[96];
	snprintf(payload, sizeof(payload), "{\"urgency\":%d,\"importance\":%d,\"impact\":%d,\"priority\":%d}", (int)u,
	         (int)i, (int)m, (int)p);
	return csvc__feed_record(s, "priority_matrix_set", "definition", NULL, "priority_matrix", NULL, csvc_store_now(s),
	                         payload);
}

int csvc__ticket_db_kind_define(csvc_store *s, const char *name, const char *workflow, const char *zh,
                                const char *en)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_KIND_DEFINE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_text(st, 2, workflow);
	csvc__db_bind_text(st, 3, zh);
	csvc__db_bind_text(st, 4, en);
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__feed_definition(s, "ticket_kind_defined", "ticket_kind", name, 0, NULL, 0);
}

int csvc__ticket_db_channel_define(csvc_store *s, const char *name, const char *zh, const char *en)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CHANNEL_DEFINE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_text(st, 2, zh);
	csvc__db_bind_text(st, 3, en);
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__feed_definition(s, "channel_defined", "channel", name, 0, NULL, 0);
}

int csvc__ticket_db_next_number(csvc_store *s, const char *store_code, int64_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_NEXT_NUMBER, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	*n = csvc__db_int(st, 0);
	csvc__db_reset(st);
	return CSVC_OK;
}

static void bind_int_or_null(csvc__stmt *st, int idx, int64_t v)
{
	if (v)
		csvc__db_bind_int(st, idx, v);
	else
		csvc__db_bind_null(st, idx);
}

/* The main search row of a ticket: subject and description. */
static int write_search(csvc_store *s, int64_t rowid, const csvc_ticket *t)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_SEARCH_INSERT, &st);
	if (rc)
		return rc;
	csvc__buf body = {0};
	if (t->subject)
		csvc__buf_puts(&body, t->subject);
	if (t->description) {
		csvc__buf_put(&body, "\n", 1);
		csvc__buf_puts(&body, t->description);
	}
	if (body.failed) {
		csvc__buf_free(&body);
		return csvc__error(CSVC_ENOMEM, "out of memory building a search row");
	}
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_text(st, 2, body.data ? body.data : "");
	rc = csvc__db_run(st);
	csvc__buf_free(&body);
	return rc;
}

int csvc__ticket_db_insert(csvc_store *s, const csvc_ticket *t, int64_t customer_rowid, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, &t->id);
	csvc__db_bind_text(st, 2, t->number);
	csvc__db_bind_text(st, 3, t->kind);
	csvc__db_bind_text(st, 4, t->store_code);
	bind_int_or_null(st, 5, customer_rowid);
	csvc__db_bind_text(st, 6, t->channel);
	csvc__db_bind_text(st, 7, t->category);
	csvc__db_bind_int(st, 8, t->urgency);
	csvc__db_bind_int(st, 9, t->importance);
	csvc__db_bind_int(st, 10, t->impact);
	csvc__db_bind_int(st, 11, t->priority);
	csvc__db_bind_int(st, 12, t->priority_override);
	csvc__db_bind_text(st, 13, t->assignee);
	csvc__db_bind_text(st, 14, t->team);
	csvc__db_bind_text(st, 15, t->subject);
	csvc__db_bind_text(st, 16, t->description);
	csvc__db_bind_text(st, 17, t->order_ref);
	csvc__db_bind_text(st, 18, t->state);
	csvc__db_bind_int(st, 19, t->state_category);
	csvc__db_bind_text(st, 20, t->workflow);
	csvc__db_bind_int(st, 21, t->workflow_version);
	csvc__db_bind_int(st, 22, t->revision);
	csvc__db_bind_int(st, 23, t->created_at);
	csvc__db_bind_int(st, 24, t->updated_at);
	int64_t id = 0;
	if ((rc = csvc__db_insert_id(st, &id)))
		return rc;
	/* The assignee's open load (ticket_assignee_load): triggers keep it
	 * on updates; a new ticket adds to it here, a prepared statement
	 * being much cheaper than a trigger on the hottest write. */
	if (t->assignee && t->state_category < CSVC_STATE_RESOLVED) {
		if ((rc = csvc__db_stmt(s->db, &SQL_LOAD_ADD, &st)))
			return rc;
		csvc__db_bind_text(st, 1, t->assignee);
		if ((rc = csvc__db_run(st)))
			return rc;
		csvc__route_load_add(s, t->assignee);
	}
	if ((rc = write_search(s, id, t)))
		return rc;
	*rowid = id;
	return CSVC_OK;
}

int csvc__ticket_db_update(csvc_store *s, int64_t rowid, const csvc_ticket *t, int64_t customer_rowid,
                           int search_changed)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_UPDATE, &st);
	if (rc)
		return rc;
	bind_int_or_null(st, 1, customer_rowid);
	csvc__db_bind_text(st, 2, t->channel);
	csvc__db_bind_text(st, 3, t->category);
	csvc__db_bind_int(st, 4, t->urgency);
	csvc__db_bind_int(st, 5, t->importance);
	csvc__db_bind_int(st, 6, t->impact);
	csvc__db_bind_int(st, 7, t->priority);
	csvc__db_bind_int(st, 8, t->priority_override);
	csvc__db_bind_text(st, 9, t->subject);
	csvc__db_bind_text(st, 10, t->description);
	csvc__db_bind_text(st, 11, t->order_ref);
	csvc__db_bind_int(st, 12, t->revision);
	csvc__db_bind_int(st, 13, t->updated_at);
	csvc__db_bind_int(st, 14, rowid);
	if ((rc = csvc__db_run(st)))
		return rc;
	if (!search_changed)
		return CSVC_OK;
	if ((rc = csvc__db_stmt(s->db, &SQL_SEARCH_DELETE, &st)))
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_run(st)))
		return rc;
	return write_search(s, rowid, t);
}

int csvc__ticket_db_set_state(csvc_store *s, int64_t rowid, const char *state, int32_t category,
                              int64_t revision, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_SET_STATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, state);
	csvc__db_bind_int(st, 2, category);
	csvc__db_bind_int(st, 3, revision);
	csvc__db_bind_int(st, 4, at);
	csvc__db_bind_int(st, 5, rowid);
	/* The open-load triggers follow this change; routing reads loads again. */
	csvc__route_loads_stale(s);
	return csvc__db_run(st);
}

int csvc__ticket_db_set_assignee(csvc_store *s, int64_t rowid, const char *assignee, const char *team,
                                 int64_t revision, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_SET_ASSIGNEE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, assignee);
	csvc__db_bind_text(st, 2, team);
	csvc__db_bind_int(st, 3, revision);
	csvc__db_bind_int(st, 4, at);
	csvc__db_bind_int(st, 5, rowid);
	csvc__route_loads_stale(s);
	return csvc__db_run(st);
}

int csvc__ticket_db_touch(csvc_store *s, int64_t rowid, int64_t revision, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TOUCH, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, revision);
	csvc__db_bind_int(st, 2, at);
	csvc__db_bind_int(st, 3, rowid);
	return csvc__db_run(st);
}

int csvc__ticket_db_lock(csvc_store *s, int64_t rowid)
{
	if (!csvc__db_locking(s->db))
		return CSVC_OK;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOCK_ROW, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

static int read_head(csvc_store *s, const csvc_uuid *id, csvc__ticket_head *out, int lock);

int csvc__ticket_db_head(csvc_store *s, const csvc_uuid *id, csvc__ticket_head *out)
{
	return read_head(s, id, out, csvc__db_locking(s->db));
}

int csvc__ticket_db_head_read(csvc_store *s, const csvc_uuid *id, csvc__ticket_head *out)
{
	return read_head(s, id, out, 0);
}

static int read_head(csvc_store *s, const csvc_uuid *id, csvc__ticket_head *out, int lock)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, lock ? &SQL_HEAD_LOCK : &SQL_HEAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ENOTFOUND, "no ticket %s", text);
	}
	out->rowid = csvc__db_int(st, 0);
	out->revision = csvc__db_int(st, 1);
	snprintf(out->state, sizeof(out->state), "%s", csvc__db_textcol(st, 2));
	out->state_category = (int32_t)csvc__db_int(st, 3);
	snprintf(out->workflow, sizeof(out->workflow), "%s", csvc__db_textcol(st, 4));
	out->workflow_version = (int32_t)csvc__db_int(st, 5);
	snprintf(out->number, sizeof(out->number), "%s", csvc__db_textcol(st, 6));
	out->updated_at = csvc__db_int(st, 7);
	snprintf(out->store_code, sizeof(out->store_code), "%s", csvc__db_textcol(st, 8));
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__ticket_db_rowid_by_number(csvc_store *s, const char *number, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_BY_NUMBER, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, number);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no ticket numbered '%s'", number);
	}
	*rowid = csvc__db_int(st, 0);
	csvc__db_reset(st);
	return CSVC_OK;
}

static int take_text(csvc__stmt *st, int col, char **out)
{
	const char *t = csvc__db_textcol(st, col);
	return csvc__strdup(t, out);
}

int csvc__ticket_db_load(csvc_store *s, int64_t rowid, csvc_ticket **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no ticket with internal id %lld", (long long)rowid);
	}
	csvc_ticket *t = csvc__calloc(1, sizeof(*t));
	if (!t) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOMEM, "out of memory loading a ticket");
	}
	csvc__db_uuid(st, 0, &t->id);
	csvc__db_uuid(st, 4, &t->customer);
	t->urgency = (int32_t)csvc__db_int(st, 7);
	t->importance = (int32_t)csvc__db_int(st, 8);
	t->impact = (int32_t)csvc__db_int(st, 9);
	t->priority = (int32_t)csvc__db_int(st, 10);
	t->priority_override = (int32_t)csvc__db_int(st, 11);
	t->state_category = (int32_t)csvc__db_int(st, 18);
	t->workflow_version = (int32_t)csvc__db_int(st, 20);
	t->revision = csvc__db_int(st, 21);
	t->created_at = csvc__db_int(st, 22);
	t->updated_at = csvc__db_int(st, 23);
	if ((rc = take_text(st, 1, &t->number)) || (rc = take_text(st, 2, &t->kind)) ||
	    (rc = take_text(st, 3, &t->store_code)) || (rc = take_text(st, 5, &t->channel)) ||
	    (rc = take_text(st, 6, &t->category)) || (rc = take_text(st, 12, &t->assignee)) ||
	    (rc = take_text(st, 13, &t->team)) || (rc = take_text(st, 14, &t->subject)) ||
	    (rc = take_text(st, 15, &t->description)) || (rc = take_text(st, 16, &t->order_ref)) ||
	    (rc = take_text(st, 17, &t->state)) || (rc = take_text(st, 19, &t->workflow))) {
		csvc__db_reset(st);
		csvc_ticket_free(t);
		return rc;
	}
	csvc__db_reset(st);
	*out = t;
	return CSVC_OK;
}

int csvc__ticket_db_event(csvc_store *s, int64_t rowid, int64_t seq, const char *type, const char *actor,
                          csvc_time_us at, const char *from_state, const char *to_state,
                          const char *payload)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_EVENT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_int(st, 2, seq);
	csvc__db_bind_text(st, 3, type);
	csvc__db_bind_text(st, 4, actor);
	csvc__db_bind_int(st, 5, at);
	csvc__db_bind_text(st, 6, from_state);
	csvc__db_bind_text(st, 7, to_state);
	csvc__db_bind_text(st, 8, payload);
	int64_t event_id = 0;
	if ((rc = csvc__db_insert_id(st, &event_id)))
		return rc;
	return csvc__feed_append(s, CSVC__FEED_TICKET_EVENT, event_id);
}

int csvc__ticket_db_comment(csvc_store *s, int64_t rowid, int32_t kind, const char *method,
                            const char *body, const char *actor, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_COMMENT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_int(st, 2, kind);
	csvc__db_bind_text(st, 3, method);
	csvc__db_bind_text(st, 4, body);
	csvc__db_bind_text(st, 5, actor);
	csvc__db_bind_int(st, 6, at);
	int64_t comment_id = 0;
	if ((rc = csvc__db_insert_id(st, &comment_id)))
		return rc;
	/* Comment rows get negative rowids in the search table, so that the
	 * ticket's own row keeps rowid = ticket id. */
	if ((rc = csvc__db_stmt(s->db, &SQL_SEARCH_INSERT, &st)))
		return rc;
	csvc__db_bind_int(st, 1, -comment_id);
	csvc__db_bind_text(st, 2, body);
	return csvc__db_run(st);
}

int csvc__ticket_db_link(csvc_store *s, int64_t a, int64_t b, int32_t kind, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LINK, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, a);
	csvc__db_bind_int(st, 2, b);
	csvc__db_bind_int(st, 3, kind);
	csvc__db_bind_int(st, 4, at);
	return csvc__db_run(st);
}

#define OPEN_UNDER_SELECT "SELECT id, revision, uuid, number, state, updated_us FROM tickets" \
	" WHERE workflow = $1 AND workflow_version = $2 AND state_category < 5 ORDER BY id"
static const csvc__sql SQL_OPEN_UNDER = CSVC__SQL(OPEN_UNDER_SELECT);
/* Writers that start from a list of tickets (a workflow migration, a
 * customer merge or class change) lock the listed rows, in id order, on
 * PostgreSQL: a row another writer holds is waited for and then read as
 * it committed, so the revision the next event builds on is current and
 * the conditions are checked again (a ticket closed meanwhile drops out). */
static const csvc__sql SQL_OPEN_UNDER_LOCK = CSVC__SQL_DIALECTS(OPEN_UNDER_SELECT, OPEN_UNDER_SELECT " FOR NO KEY UPDATE");
static const csvc__sql SQL_SET_WORKFLOW = CSVC__SQL("UPDATE tickets SET workflow_version = $1, state = $2, state_category = $3, revision = $4, updated_us = $5"
	" WHERE id = $6");

/* Reads every row of `st` (id, revision, uuid, number, state,
 * updated_us) into a list; resets it. */
static int collect_refs(csvc__stmt *st, csvc__ticket_ref **out, size_t *n)
{
	csvc__ticket_ref *list = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			csvc__ticket_ref *p = csvc__realloc(list, cap * sizeof(*p));
			if (!p) {
				csvc__free(list);
				csvc__db_reset(st);
				return csvc__error(CSVC_ENOMEM, "out of memory listing tickets");
			}
			list = p;
		}
		csvc__ticket_ref *r = &list[count++];
		r->rowid = csvc__db_int(st, 0);
		r->revision = csvc__db_int(st, 1);
		csvc__db_uuid(st, 2, &r->id);
		snprintf(r->number, sizeof(r->number), "%s", csvc__db_textcol(st, 3));
		snprintf(r->state, sizeof(r->state), "%s", csvc__db_textcol(st, 4));
		r->updated_at = csvc__db_int(st, 5);
	}
	if (rc < 0) {
		csvc__free(list);
		return rc;
	}
	csvc__db_reset(st);
	*out = list;
	*n = count;
	return CSVC_OK;
}

int csvc__ticket_db_open_under(csvc_store *s, const char *workflow, int32_t version, csvc__ticket_ref **out,
                               size_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, csvc__db_locking(s->db) ? &SQL_OPEN_UNDER_LOCK : &SQL_OPEN_UNDER, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, workflow);
	csvc__db_bind_int(st, 2, version);
	return collect_refs(st, out, n);
}

#define OF_CUSTOMER_SELECT "SELECT id, revision, uuid, number, state, updated_us FROM tickets WHERE customer_id = $1 ORDER BY id"
static const csvc__sql SQL_OF_CUSTOMER = CSVC__SQL(OF_CUSTOMER_SELECT);
static const csvc__sql SQL_OF_CUSTOMER_LOCK = CSVC__SQL_DIALECTS(OF_CUSTOMER_SELECT, OF_CUSTOMER_SELECT " FOR NO KEY UPDATE");

int csvc__ticket_db_of_customer(csvc_store *s, int64_t customer_rowid, csvc__ticket_ref **out, size_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, csvc__db_locking(s->db) ? &SQL_OF_CUSTOMER_LOCK : &SQL_OF_CUSTOMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, customer_rowid);
	return collect_refs(st, out, n);
}

static const csvc__sql SQL_REDACT_TICKET = CSVC__SQL(
	"UPDATE tickets SET subject = NULL, description = NULL, revision = $1, updated_us = $2 WHERE id = $3");
static const csvc__sql SQL_REDACT_EVENTS = CSVC__SQL_DIALECTS(
	"UPDATE ticket_events SET payload = " CSVC__SQLITE_REDACT_PAYLOAD("payload") " WHERE ticket_id = $1",
	"UPDATE ticket_events SET payload = csvc_redact_payload(payload) WHERE ticket_id = $1");
static const csvc__sql SQL_REDACT_COMMENT_SEARCH =
	CSVC__SQL("DELETE FROM ticket_search WHERE rowid IN (SELECT -id FROM ticket_comments WHERE ticket_id = $1)");
static const csvc__sql SQL_REDACT_COMMENTS = CSVC__SQL("UPDATE ticket_comments SET body = '' WHERE ticket_id = $1");

/* SQLite's trigger admits the events' change while this row is there
 * (migration 24); PostgreSQL's checks the payload itself and needs no
 * statement (no text in its dialect). */
static const csvc__sql SQL_REDACTION_OPEN =
	CSVC__SQL_DIALECTS("INSERT INTO ticket_redactions (ticket_id) VALUES ($1)", NULL);
static const csvc__sql SQL_REDACTION_CLOSE =
	CSVC__SQL_DIALECTS("DELETE FROM ticket_redactions WHERE ticket_id = $1", NULL);

int csvc__ticket_db_redact(csvc_store *s, int64_t rowid, int64_t revision, csvc_time_us at)
{
	int64_t v[3] = {revision, at, rowid};
	int grant = csvc__db_text(s->db, &SQL_REDACTION_OPEN) != NULL;
	int rc = csvc__db_run_ints(s->db, &SQL_REDACT_TICKET, 3, v);
	if (!rc && grant)
		rc = csvc__db_run_ints(s->db, &SQL_REDACTION_OPEN, 1, &rowid);
	if (!rc)
		rc = csvc__db_run_ints(s->db, &SQL_REDACT_EVENTS, 1, &rowid);
	if (!rc && grant)
		rc = csvc__db_run_ints(s->db, &SQL_REDACTION_CLOSE, 1, &rowid);
	if (!rc)
		rc = csvc__db_run_ints(s->db, &SQL_SEARCH_DELETE, 1, &rowid);
	/* The comments' search rows first: they are found through the comments. */
	if (!rc)
		rc = csvc__db_run_ints(s->db, &SQL_REDACT_COMMENT_SEARCH, 1, &rowid);
	if (!rc)
		rc = csvc__db_run_ints(s->db, &SQL_REDACT_COMMENTS, 1, &rowid);
	return rc;
}

/* A customer's tickets and, through hand-offs, their sub-tasks (which
 * carry no customer of their own but the customer's request). */
#define FAMILY_CTE \
	"WITH RECURSIVE fam(id) AS (SELECT id FROM tickets WHERE customer_id = $1" \
	" UNION SELECT h.child_id FROM ticket_handoffs h JOIN fam ON h.parent_id = fam.id) "
static const csvc__sql SQL_CUSTOMER_STORES = CSVC__SQL(
	FAMILY_CTE "SELECT DISTINCT t.store_code FROM tickets t JOIN fam ON fam.id = t.id ORDER BY t.store_code");
static const csvc__sql SQL_HANDOFFS_OF_CUSTOMER = CSVC__SQL(
	FAMILY_CTE "SELECT t.id, t.revision, t.uuid, t.number, t.state, t.updated_us FROM tickets t JOIN fam ON fam.id = t.id"
	" WHERE t.customer_id IS NULL OR t.customer_id <> $1 ORDER BY t.id");

int csvc__ticket_db_handoffs_of_customer(csvc_store *s, int64_t customer_rowid, csvc__ticket_ref **out, size_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_HANDOFFS_OF_CUSTOMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, customer_rowid);
	return collect_refs(st, out, n);
}

int csvc__ticket_db_customer_stores(csvc_store *s, int64_t customer_rowid,
                                    int (*fn)(const char *store_code, void *ud), void *ud)
{
	/* A statement of its own: the callback may run cached ones. */
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare(s->db, csvc__db_text(s->db, &SQL_CUSTOMER_STORES), &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, customer_rowid);
	int step = CSVC__DONE;
	while (!rc && (step = csvc__db_step(st)) == CSVC__ROW)
		rc = fn(csvc__db_textcol(st, 0), ud);
	if (!rc && step < 0)
		rc = step;
	csvc__db_finalize(st);
	return rc;
}

static const csvc__sql SQL_SET_CUSTOMER =
	CSVC__SQL("UPDATE tickets SET customer_id = $1, revision = $2, updated_us = $3 WHERE id = $4");

int csvc__ticket_db_set_customer(csvc_store *s, int64_t rowid, int64_t customer_rowid, int64_t revision,
                                 csvc_time_us at)
{
	int64_t v[4] = {customer_rowid, revision, at, rowid};
	return csvc__db_run_ints(s->db, &SQL_SET_CUSTOMER, 4, v);
}

int csvc__ticket_db_set_workflow(csvc_store *s, int64_t rowid, int32_t version, const char *state,
                                 int32_t category, int64_t revision, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_SET_WORKFLOW, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, version);
	csvc__db_bind_text(st, 2, state);
	csvc__db_bind_int(st, 3, category);
	csvc__db_bind_int(st, 4, revision);
	csvc__db_bind_int(st, 5, at);
	csvc__db_bind_int(st, 6, rowid);
	csvc__route_loads_stale(s);
	return csvc__db_run(st);
}

#define OPEN_FOR_CUSTOMER_SELECT "SELECT id FROM tickets WHERE customer_id = $1 AND state_category < 5 ORDER BY id"
static const csvc__sql SQL_OPEN_FOR_CUSTOMER = CSVC__SQL(OPEN_FOR_CUSTOMER_SELECT);
static const csvc__sql SQL_OPEN_FOR_CUSTOMER_LOCK =
	CSVC__SQL_DIALECTS(OPEN_FOR_CUSTOMER_SELECT, OPEN_FOR_CUSTOMER_SELECT " FOR NO KEY UPDATE");

int csvc__ticket_db_open_for_customer(csvc_store *s, int64_t customer_rowid, int64_t **ids, size_t *n)
{
	return csvc__db_collect_ids(s->db, csvc__db_locking(s->db) ? &SQL_OPEN_FOR_CUSTOMER_LOCK : &SQL_OPEN_FOR_CUSTOMER,
	                            customer_rowid, ids, n);
}

/* ---- replay and history ---- */

#define MAX_SET 64

int csvc__ticket_db_replay(csvc_store *s, int64_t rowid, csvc__ticket_event_fn fn, void *ud)
{
	/* A cursor of its own: the callback does not touch the store. */
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare(s->db, csvc__db_text(s->db, &SQL_REPLAY), &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	char *keys[MAX_SET], *values[MAX_SET];
	size_t n = 0;
	csvc_event ev = {0};
	int64_t cur_seq = -1;
	int have = 0;
	rc = CSVC_OK;
	for (;;) {
		int step = csvc__db_step(st);
		if (step < 0) {
			rc = step;
			break;
		}
		int64_t seq = step == CSVC__ROW ? csvc__db_int(st, 0) : -2;
		if (have && seq != cur_seq) {
			rc = fn(&ev, (const char *const *)keys, (const char *const *)values, n, ud);
			for (size_t i = 0; i < n; i++) {
				csvc__free(keys[i]);
				csvc__free(values[i]);
			}
			n = 0;
			csvc__free(ev.type);
			csvc__free(ev.actor);
			csvc__free(ev.from_state);
			csvc__free(ev.to_state);
			csvc__free(ev.payload);
			memset(&ev, 0, sizeof(ev));
			have = 0;
			if (rc)
				break;
		}
		if (step == CSVC__DONE)
			break;
		if (!have) {
			have = 1;
			cur_seq = seq;
			ev.seq = seq;
			ev.at = csvc__db_int(st, 3);
			if (take_text(st, 1, &ev.type) || take_text(st, 2, &ev.actor) ||
			    take_text(st, 4, &ev.from_state) || take_text(st, 5, &ev.to_state) ||
			    take_text(st, 6, &ev.payload)) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory replaying events");
				break;
			}
		}
		if (!csvc__db_is_null(st, 7)) {
			if (n == MAX_SET) {
				rc = csvc__error(CSVC_ECORRUPT, "event %lld sets too many fields", (long long)seq);
				break;
			}
			keys[n] = NULL;
			values[n] = NULL;
			if (take_text(st, 7, &keys[n]) || take_text(st, 8, &values[n])) {
				csvc__free(keys[n]);
				rc = csvc__error(CSVC_ENOMEM, "out of memory replaying events");
				break;
			}
			n++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		csvc__free(keys[i]);
		csvc__free(values[i]);
	}
	csvc__free(ev.type);
	csvc__free(ev.actor);
	csvc__free(ev.from_state);
	csvc__free(ev.to_state);
	csvc__free(ev.payload);
	csvc__db_finalize(st);
	return rc;
}

/* A ticket's history, read in pages: each page in one run of a cached
 * statement, so no read snapshot stays open between two calls. */
#define HISTORY_PAGE 64

struct csvc__event_cursor {
	csvc_store *store;
	int64_t rowid;
	int64_t last, until; /* seqs: the last one read, the last one to read */
	int done;
	size_t n, pos;
	csvc_event *page[HISTORY_PAGE];
};

int csvc__ticket_db_history(csvc_store *s, int64_t rowid, int64_t until_seq, csvc__event_cursor **out)
{
	csvc__event_cursor *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	c->store = s;
	c->rowid = rowid;
	c->until = until_seq;
	*out = c;
	return CSVC_OK;
}

static void history_drop(csvc__event_cursor *c)
{
	for (size_t i = c->pos; i < c->n; i++)
		csvc_event_free(c->page[i]);
	c->n = c->pos = 0;
}

static int history_page(csvc__event_cursor *c)
{
	csvc_store *s = c->store;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_HISTORY, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, c->rowid);
	csvc__db_bind_int(st, 2, c->last);
	csvc__db_bind_int(st, 3, c->until);
	csvc__db_bind_int(st, 4, HISTORY_PAGE);
	size_t n = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW && n < HISTORY_PAGE) {
		csvc_uuid id;
		csvc__db_uuid(st, 0, &id);
		rc = csvc__event_new(&c->page[n], &id, csvc__db_textcol(st, 1),
		                     csvc__db_int(st, 2), csvc__db_textcol(st, 3),
		                     csvc__db_textcol(st, 4), csvc__db_int(st, 5),
		                     csvc__db_textcol(st, 6), csvc__db_textcol(st, 7),
		                     csvc__db_textcol(st, 8));
		if (rc) {
			csvc__db_reset(st);
			break;
		}
		n++;
	}
	if (rc < 0) {
		c->n = n; /* frees what was read; the page is read again next time */
		history_drop(c);
		return rc;
	}
	csvc__db_reset(st);
	c->n = n;
	c->pos = 0;
	if (n < HISTORY_PAGE)
		c->done = 1;
	if (n)
		c->last = csvc_event_seq(c->page[n - 1]);
	return CSVC_OK;
}

int csvc__event_cursor_next(csvc__event_cursor *c, csvc_event **out)
{
	if (c->pos == c->n) {
		if (c->done)
			return CSVC_ITEROVER;
		int rc = history_page(c);
		if (rc)
			return rc;
		if (c->n == 0)
			return CSVC_ITEROVER;
	}
	*out = c->page[c->pos++];
	return CSVC_OK;
}

void csvc__event_cursor_free(csvc__event_cursor *c)
{
	if (!c)
		return;
	history_drop(c);
	csvc__free(c);
}

/* ---- queries ---- */

/* PostgreSQL: only the rows the iterator's starting snapshot saw created
 * (csvc__cursor_until in store/cursor.h). */
#define VISIBLE_PG \
	" AND (pg_visible_in_snapshot(t.created_xid, CAST(:snapshot AS pg_snapshot))" \
	" OR t.created_xid = CAST(:own_xid AS xid8))"

char *csvc__ticket_db_query_sql(const csvc_ticket_query *q, int count_only, csvc__dialect dialect)
{
	return csvc__ticket_db_filter_sql(q, NULL, count_only, dialect);
}

char *csvc__ticket_db_filter_sql(const csvc_ticket_query *q, const csvc__ticket_filter *f, int count_only,
                                 csvc__dialect dialect)
{
	static const csvc__ticket_filter none = {0};
	if (!f)
		f = &none;
	/* Ordered by priority: the cursor pages by (priority, id), the key in
	 * the second column (csvc__cursor_keyed); a count needs no order. */
	int keyed = f->by_priority && !count_only;
	csvc__buf b = {0};
	if (count_only)
		csvc__buf_puts(&b, "SELECT count(*) FROM (SELECT t.id FROM tickets t WHERE TRUE");
	else if (keyed)
		csvc__buf_puts(&b, "SELECT t.id, t.priority FROM tickets t WHERE TRUE");
	else
		csvc__buf_puts(&b, "SELECT t.id FROM tickets t WHERE TRUE");
	if (!csvc_uuid_is_nil(&q->after) && keyed)
		csvc__buf_puts(&b, " AND (t.priority > :after_key OR (t.priority = :after_key AND t.id > :after))");
	else if (!csvc_uuid_is_nil(&q->after))
		csvc__buf_puts(&b, " AND t.id > :after");
	if (f->states) {
		/* Category 0 is no state's: the list starts with it. */
		csvc__buf_puts(&b, " AND t.state_category IN (0");
		if (f->states & (1u << CSVC_STATE_NEW))
			csvc__buf_puts(&b, ", 1");
		if (f->states & (1u << CSVC_STATE_OPEN))
			csvc__buf_puts(&b, ", 2");
		if (f->states & (1u << CSVC_STATE_WAITING))
			csvc__buf_puts(&b, ", 3");
		if (f->states & (1u << CSVC_STATE_RESOLVED))
			csvc__buf_puts(&b, ", 4");
		if (f->states & (1u << CSVC_STATE_CLOSED))
			csvc__buf_puts(&b, ", 5");
		if (f->states & (1u << CSVC_STATE_CANCELLED))
			csvc__buf_puts(&b, ", 6");
		csvc__buf_puts(&b, ")");
	}
	if (f->category)
		csvc__buf_puts(&b, " AND t.category = :category");
	if (f->max_priority)
		csvc__buf_puts(&b, " AND t.priority <= :max_priority");
	if (f->unassigned)
		csvc__buf_puts(&b, " AND t.assignee IS NULL");
	if (!count_only && dialect == CSVC__DIALECT_POSTGRES)
		csvc__buf_puts(&b, VISIBLE_PG);
	if (q->store_code)
		csvc__buf_puts(&b, " AND t.store_code = :store_code");
	if (q->state)
		csvc__buf_puts(&b, " AND t.state = :state");
	if (q->state_category)
		csvc__buf_puts(&b, " AND t.state_category = :state_category");
	if (q->open_only)
		csvc__buf_puts(&b, " AND t.state_category < 5");
	if (q->kind)
		csvc__buf_puts(&b, " AND t.kind = :kind");
	if (q->assignee)
		csvc__buf_puts(&b, " AND t.assignee = :assignee");
	if (q->team)
		csvc__buf_puts(&b, " AND t.team = :team");
	if (q->channel)
		csvc__buf_puts(&b, " AND t.channel = :channel");
	if (q->customer)
		csvc__buf_puts(&b, " AND t.customer_id = :customer");
	if (q->priority)
		csvc__buf_puts(&b, " AND t.priority = :priority");
	if (q->created_from)
		csvc__buf_puts(&b, " AND t.created_us >= :created_from");
	if (q->created_to)
		csvc__buf_puts(&b, " AND t.created_us < :created_to");
	if (q->updated_from)
		csvc__buf_puts(&b, " AND t.updated_us >= :updated_from");
	if (q->updated_to)
		csvc__buf_puts(&b, " AND t.updated_us < :updated_to");
	if (q->text) {
		/* Search rows: rowid = ticket id for subject and description,
		 * -comment id for comments. */
		int indexed = csvc__search_indexed(q->text);
		const char *match = indexed ? "ticket_search MATCH :text" : "instr(lower(body), lower(:text))";
		csvc__buf_puts(&b, " AND (t.id IN (SELECT rowid FROM ticket_search WHERE rowid > 0 AND ");
		if (dialect == CSVC__DIALECT_POSTGRES)
			csvc__search_pg(&b, "body", indexed);
		else
			csvc__buf_puts(&b, match);
		csvc__buf_puts(&b, ") OR t.id IN (SELECT c.ticket_id FROM ticket_comments c WHERE c.id IN"
		                   " (SELECT -rowid FROM ticket_search WHERE rowid < 0 AND ");
		if (dialect == CSVC__DIALECT_POSTGRES)
			csvc__search_pg(&b, "body", indexed);
		else
			csvc__buf_puts(&b, match);
		csvc__buf_puts(&b, ")))");
	}
	/* A count in no order unless a limit picks which rows: the planner
	 * is then free to take the filters' indexes over the id order. */
	if (keyed)
		csvc__buf_puts(&b, " ORDER BY t.priority, t.id");
	else if (!count_only || q->limit)
		csvc__buf_puts(&b, " ORDER BY t.id");
	if (q->limit)
		csvc__buf_puts(&b, " LIMIT :limit");
	if (count_only)
		csvc__buf_puts(&b, ") AS q");
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

int csvc__ticket_db_query(csvc_store *s, const csvc_ticket_query *q, const csvc__ticket_filter *f,
                          int64_t customer_rowid, int64_t after_rowid, int count_only, csvc__cursor **out)
{
	int64_t until = 0;
	csvc__cursor *c;
	int rc = csvc__cursor_open(s, csvc__ticket_db_filter_sql(q, f, count_only, csvc__db_dialect(s->db)), &c);
	if (rc)
		return rc;
	/* Tickets created after the iterator starts are not returned. */
	if (!count_only && (rc = csvc__cursor_until(c, &SQL_MAX_ID, &until))) {
		csvc__cursor_free(c);
		return rc;
	}
	csvc__cursor_bind_int(c, ":after", after_rowid);
	csvc__cursor_bind_text(c, ":store_code", q->store_code);
	csvc__cursor_bind_text(c, ":state", q->state);
	csvc__cursor_bind_int(c, ":state_category", q->state_category);
	csvc__cursor_bind_text(c, ":kind", q->kind);
	csvc__cursor_bind_text(c, ":assignee", q->assignee);
	csvc__cursor_bind_text(c, ":team", q->team);
	csvc__cursor_bind_text(c, ":channel", q->channel);
	csvc__cursor_bind_int(c, ":customer", customer_rowid);
	csvc__cursor_bind_int(c, ":priority", q->priority);
	csvc__cursor_bind_int(c, ":created_from", q->created_from);
	csvc__cursor_bind_int(c, ":created_to", q->created_to);
	csvc__cursor_bind_int(c, ":updated_from", q->updated_from);
	csvc__cursor_bind_int(c, ":updated_to", q->updated_to);
	if (f) {
		csvc__cursor_bind_text(c, ":category", f->category);
		csvc__cursor_bind_int(c, ":max_priority", f->max_priority);
	}
	/* The first page runs the query as given; the next ones continue
	 * after the last id (keyset), with a LIMIT of a page. */
	char *next_sql = NULL;
	if (!count_only && csvc_uuid_is_nil(&q->after)) {
		csvc_ticket_query next = *q;
		next.after.bytes[0] = 1;
		next.limit = 1;
		if (!(next_sql = csvc__ticket_db_filter_sql(&next, f, 0, csvc__db_dialect(s->db)))) {
			csvc__cursor_free(c);
			return csvc__error(CSVC_ENOMEM, "out of memory building a query");
		}
	}
	rc = csvc__cursor_finish(c, q->limit, q->text, count_only,
	                         csvc_uuid_is_nil(&q->after) ? INT64_MIN : after_rowid, until, next_sql, out);
	/* A keyed walk starts at the top (queues never pass `after`). */
	if (rc == CSVC_OK && f && f->by_priority && !count_only)
		csvc__cursor_keyed(*out);
	return rc;
}

/* ---- defaults ---- */

static const struct {
	const char *name, *workflow, *zh, *en;
} default_kinds[] = {
	{"inquiry", "inquiry", "咨询", "Inquiry"},
	{"complaint", "complaint", "投诉", "Complaint"},
	{"after_sales", "after_sales", "售后/退换货", "After-sales / return"},
	{"need", "need", "需求", "Need"},
	{"suggestion", "general", "建议", "Suggestion"},
	{"facility", "general", "设施问题", "Facility issue"},
	{"emergency", "general", "突发事件", "Emergency"},
	{"reservation", "general", "预约", "Reservation"},
	{"handoff", "handoff", "部门协办", "Department hand-off"},
};

static const struct {
	const char *name, *zh, *en;
} default_channels[] = {
	{"store_counter", "门店前台", "Store counter"},
	{"phone", "电话热线", "Phone hotline"},
	{"online_chat", "在线客服", "Online chat"},
	{"email", "电子邮件", "E-mail"},
	{"wechat", "微信/社交媒体", "WeChat / social media"},
	{"app", "APP/网店", "App / e-shop"},
	{"on_site", "现场", "On site"},
	{"suggestion_box", "意见箱", "Suggestion box"},
	{"kiosk", "自助终端", "Self-service kiosk"},
	{"chatbot", "智能客服", "Chatbot"},
};

/* Inserts only what is missing, so that a user's own bindings and labels
 * survive a second install. */
static const csvc__sql SQL_KIND_MISSING = CSVC__SQL(
	"INSERT INTO ticket_kinds (name, workflow, label_zh, label_en) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING");
static const csvc__sql SQL_CHANNEL_MISSING =
	CSVC__SQL("INSERT INTO ticket_channels (name, label_zh, label_en) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING");

int csvc__ticket_install_defaults(csvc_store *s)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_KIND_MISSING, &st);
	for (size_t i = 0; !rc && i < sizeof(default_kinds) / sizeof(default_kinds[0]); i++) {
		csvc__db_bind_text(st, 1, default_kinds[i].name);
		csvc__db_bind_text(st, 2, default_kinds[i].workflow);
		csvc__db_bind_text(st, 3, default_kinds[i].zh);
		csvc__db_bind_text(st, 4, default_kinds[i].en);
		rc = csvc__db_run(st);
		if (!rc && csvc__db_changes(s->db) > 0)
			rc = csvc__feed_definition(s, "ticket_kind_defined", "ticket_kind", default_kinds[i].name, 0,
			                           NULL, 0);
	}
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_CHANNEL_MISSING, &st)))
		return rc;
	for (size_t i = 0; !rc && i < sizeof(default_channels) / sizeof(default_channels[0]); i++) {
		csvc__db_bind_text(st, 1, default_channels[i].name);
		csvc__db_bind_text(st, 2, default_channels[i].zh);
		csvc__db_bind_text(st, 3, default_channels[i].en);
		rc = csvc__db_run(st);
		if (!rc && csvc__db_changes(s->db) > 0)
			rc = csvc__feed_definition(s, "channel_defined", "channel", default_channels[i].name, 0, NULL, 0);
	}
	return rc;
}

/* ---- approvals (transition guards) ---- */

/* Approvals count from the ticket's latest state change on: every event
 * that changes the state records its to_state. */
static const csvc__sql SQL_APPROVALS = CSVC__SQL(
	"SELECT count(*), max(approved_value), sum(CASE WHEN approved_value IS NULL THEN 1 ELSE 0 END)"
	" FROM ticket_approvals WHERE ticket_id = $1 AND transition = $2 AND role = $3 AND from_state = $4"
	" AND seq > (SELECT coalesce(max(seq), 0) FROM ticket_events WHERE ticket_id = $1 AND to_state IS NOT NULL)");
static const csvc__sql SQL_APPROVAL_INSERT = CSVC__SQL(
	"INSERT INTO ticket_approvals (ticket_id, seq, transition, from_state, role, approver, field, approved_value, at_us)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)");

int csvc__ticket_db_approvals(csvc_store *s, int64_t rowid, const char *transition, const char *role,
                              const char *state, csvc__ticket_approvals *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_APPROVALS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_text(st, 2, transition);
	csvc__db_bind_text(st, 3, role);
	csvc__db_bind_text(st, 4, state);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	if (rc == CSVC__ROW) {
		out->count = csvc__db_int(st, 0);
		out->has_max = !csvc__db_is_null(st, 1);
		out->max_value = out->has_max ? csvc__db_int(st, 1) : 0;
		out->unbounded = csvc__db_is_null(st, 2) ? 0 : csvc__db_int(st, 2);
	}
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__ticket_db_approval_insert(csvc_store *s, int64_t rowid, int64_t seq, const char *transition,
                                    const char *state, const char *role, const char *approver, const char *field,
                                    int64_t value, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_APPROVAL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_int(st, 2, seq);
	csvc__db_bind_text(st, 3, transition);
	csvc__db_bind_text(st, 4, state);
	csvc__db_bind_text(st, 5, role);
	csvc__db_bind_text(st, 6, approver);
	csvc__db_bind_text(st, 7, field);
	if (field)
		csvc__db_bind_int(st, 8, value);
	else
		csvc__db_bind_null(st, 8);
	csvc__db_bind_int(st, 9, at);
	return csvc__db_run(st);
}
