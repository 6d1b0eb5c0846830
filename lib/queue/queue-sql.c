/*
 * Queue storage: one row per queue, its filter in columns. Every
 * statement is a fixed text with bound parameters.
 */
#include <string.h>

#include "queue/queue-internal.h"
#include "store/store-internal.h"

#define FIELDS "name, owner_team, owner_staff, active, revision, states, kind, category, channel, store_code," \
	" assignee, assignee_self, team, unassigned, max_priority, customer, sort, created_us, updated_us"
static const csvc__sql SQL_INSERT = CSVC__SQL_INSERT_ID(
	"INSERT INTO queues (code, " FIELDS ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)");
static const csvc__sql SQL_UPDATE = CSVC__SQL(
	"UPDATE queues SET name = $2, owner_team = $3, owner_staff = $4, active = $5, revision = $6, states = $7,"
	" kind = $8, category = $9, channel = $10, store_code = $11, assignee = $12, assignee_self = $13, team = $14,"
	" unassigned = $15, max_priority = $16, customer = $17, sort = $18, updated_us = $19 WHERE id = $1");
#define STATE "SELECT id, revision FROM queues WHERE code = $1"
static const csvc__sql SQL_STATE = CSVC__SQL(STATE);
/* Inside a write transaction on PostgreSQL: the row locked to the commit
 * (as roles, role-sql.c). */
static const csvc__sql SQL_STATE_LOCK = CSVC__SQL_DIALECTS(STATE, STATE " FOR NO KEY UPDATE");
#define COLUMNS "SELECT id, code, " FIELDS " FROM queues"
static const csvc__sql SQL_LOAD = CSVC__SQL(COLUMNS " WHERE code = $1");
static const csvc__sql SQL_LIST = CSVC__SQL(COLUMNS " ORDER BY id");

int csvc__queue_db_state(csvc_store *s, const char *code, int lock, csvc__queue_state *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, lock && csvc__db_locking(s->db) ? &SQL_STATE_LOCK : &SQL_STATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no queue '%s'", code);
	}
	out->rowid = csvc__db_int(st, 0);
	out->revision = csvc__db_int(st, 1);
	csvc__db_reset(st);
	return CSVC_OK;
}

/* The queue of the row `st` stands on (COLUMNS). */
static int queue_row(csvc__stmt *st, csvc_queue **out)
{
	csvc_queue *q;
	int rc = csvc__queue_alloc(&q);
	if (rc)
		return rc;
	int oom = 0;
	int64_t rowid = csvc__db_int(st, 0);
	q->code = csvc__db_textcol_copy(st, 1, &oom);
	q->name = csvc__db_textcol_copy(st, 2, &oom);
	q->owner_team = csvc__db_textcol_copy(st, 3, &oom);
	q->owner_staff = csvc__db_textcol_copy(st, 4, &oom);
	q->active = csvc__db_int(st, 5) != 0;
	q->revision = csvc__db_int(st, 6);
	q->states = (uint32_t)csvc__db_int(st, 7);
	q->kind = csvc__db_textcol_copy(st, 8, &oom);
	q->category = csvc__db_textcol_copy(st, 9, &oom);
	q->channel = csvc__db_textcol_copy(st, 10, &oom);
	q->store_code = csvc__db_textcol_copy(st, 11, &oom);
	q->assignee = csvc__db_textcol_copy(st, 12, &oom);
	q->assignee_self = csvc__db_int(st, 13) != 0;
	q->team = csvc__db_textcol_copy(st, 14, &oom);
	q->unassigned = csvc__db_int(st, 15) != 0;
	q->max_priority = (int32_t)csvc__db_int(st, 16);
	size_t len = 0;
	const void *blob = csvc__db_is_null(st, 17) ? NULL : csvc__db_blob(st, 17, &len);
	if (blob && len == 16) {
		q->has_customer = 1;
		memcpy(q->customer.bytes, blob, 16);
	}
	q->order = (int32_t)csvc__db_int(st, 18);
	q->created_at = csvc__db_int(st, 19);
	q->updated_at = csvc__db_int(st, 20);
	if (oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a queue");
	else if (!q->code || !q->name || (blob && len != 16))
		rc = csvc__error(CSVC_ECORRUPT, "stored queue %lld is damaged", (long long)rowid);
	if (rc) {
		csvc_queue_free(q);
		return rc;
	}
	*out = q;
	return CSVC_OK;
}

int csvc__queue_db_load(csvc_store *s, const char *code, csvc_queue **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no queue '%s'", code);
	}
	rc = queue_row(st, out);
	csvc__db_reset(st);
	return rc;
}

int csvc__queue_db_list(csvc_store *s, csvc_queue ***out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LIST, &st);
	if (rc)
		return rc;
	csvc_queue **queues = NULL;
	size_t n = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (n == cap) {
			size_t more = cap ? cap * 2 : 16;
			csvc_queue **p = csvc__realloc(queues, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			queues = p;
			cap = more;
		}
		if ((rc = queue_row(st, &queues[n])))
			break;
		n++;
	}
	csvc__db_reset(st);
	if (rc == CSVC__DONE && !queues && !(queues = csvc__calloc(1, sizeof(*queues))))
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (rc != CSVC__DONE) {
		csvc_queue_list_free(queues, n);
		return rc;
	}
	*out = queues;
	*count = n;
	return CSVC_OK;
}

/* $2..$18 of both statements: the fields after the code. */
static void bind_fields(csvc__stmt *st, const csvc_queue *q)
{
	csvc__db_bind_text(st, 2, q->name);
	csvc__db_bind_text(st, 3, q->owner_team);
	csvc__db_bind_text(st, 4, q->owner_staff);
	csvc__db_bind_int(st, 5, q->active);
	csvc__db_bind_int(st, 6, q->revision);
	csvc__db_bind_int(st, 7, q->states);
	csvc__db_bind_text(st, 8, q->kind);
	csvc__db_bind_text(st, 9, q->category);
	csvc__db_bind_text(st, 10, q->channel);
	csvc__db_bind_text(st, 11, q->store_code);
	csvc__db_bind_text(st, 12, q->assignee);
	csvc__db_bind_int(st, 13, q->assignee_self);
	csvc__db_bind_text(st, 14, q->team);
	csvc__db_bind_int(st, 15, q->unassigned);
	csvc__db_bind_int(st, 16, q->max_priority);
	if (q->has_customer)
		csvc__db_bind_uuid(st, 17, &q->customer);
	else
		csvc__db_bind_null(st, 17);
	csvc__db_bind_int(st, 18, q->order);
}

int csvc__queue_db_insert(csvc_store *s, const csvc_queue *q, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, q->code);
	bind_fields(st, q);
	csvc__db_bind_int(st, 19, q->created_at);
	csvc__db_bind_int(st, 20, q->updated_at);
	return csvc__db_insert_id(st, rowid);
}

int csvc__queue_db_update(csvc_store *s, int64_t rowid, const csvc_queue *q)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_UPDATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	bind_fields(st, q);
	csvc__db_bind_int(st, 19, q->updated_at);
	return csvc__db_run(st);
}
