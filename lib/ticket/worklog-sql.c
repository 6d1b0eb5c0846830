/*
 * Storage of time worked: ticket_work rows, only ever inserted (the
 * schema's triggers refuse updates and deletes on both engines).
 */
#include "store/store-internal.h"
#include "ticket/worklog-internal.h"

static const csvc__sql SQL_INSERT = CSVC__SQL("INSERT INTO ticket_work (ticket_id, staff_id, store_code, kind, note,"
	" worked_us, duration_us, actor, at_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)");
static const csvc__sql SQL_LIST = CSVC__SQL("SELECT s.code, w.duration_us, w.worked_us, w.kind, w.note, w.actor, w.at_us"
	" FROM ticket_work w JOIN staff s ON s.id = w.staff_id WHERE w.ticket_id = $1 ORDER BY w.worked_us, w.id");

int csvc__work_db_insert(csvc_store *s, const csvc__work_row *row)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, row->ticket_rowid);
	csvc__db_bind_int(st, 2, row->staff_rowid);
	csvc__db_bind_text(st, 3, row->store_code);
	csvc__db_bind_text(st, 4, row->kind);
	csvc__db_bind_text(st, 5, row->note);
	csvc__db_bind_int(st, 6, row->worked_at);
	csvc__db_bind_int(st, 7, row->duration_us);
	csvc__db_bind_text(st, 8, row->actor);
	csvc__db_bind_int(st, 9, row->recorded_at);
	return csvc__db_run(st);
}

int csvc__work_db_list(csvc_store *s, int64_t ticket_rowid, csvc_worklog **out)
{
	csvc_worklog *log = csvc__calloc(1, sizeof(*log));
	if (!log)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LIST, &st);
	if (rc) {
		csvc_worklog_free(log);
		return rc;
	}
	csvc__db_bind_int(st, 1, ticket_rowid);
	size_t cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (log->n == cap) {
			size_t more = cap ? cap * 2 : 8;
			csvc__work_item *p = csvc__realloc(log->items, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			log->items = p;
			cap = more;
		}
		csvc__work_item *it = &log->items[log->n++];
		int oom = 0;
		it->staff = csvc__db_textcol_copy(st, 0, &oom);
		it->duration_us = csvc__db_int(st, 1);
		it->started_at = csvc__db_int(st, 2);
		it->kind = csvc__db_textcol_copy(st, 3, &oom);
		it->note = csvc__db_textcol_copy(st, 4, &oom);
		it->actor = csvc__db_textcol_copy(st, 5, &oom);
		it->recorded_at = csvc__db_int(st, 6);
		if (oom) {
			rc = csvc__error(CSVC_ENOMEM, "out of memory reading time worked");
			break;
		}
		if (!it->staff) {
			rc = csvc__error(CSVC_ECORRUPT, "an entry of time worked has no staff member");
			break;
		}
	}
	csvc__db_reset(st);
	if (rc != CSVC__DONE) {
		csvc_worklog_free(log);
		return rc;
	}
	*out = log;
	return CSVC_OK;
}

char *csvc__work_db_total_sql(const csvc__work_filter *f)
{
	csvc__buf b = {0};
	csvc__buf_puts(&b, "SELECT CAST(coalesce(sum(w.duration_us), 0) AS BIGINT), count(*) FROM ticket_work w WHERE TRUE");
	if (f->ticket_rowid)
		csvc__buf_puts(&b, " AND w.ticket_id = :ticket");
	if (f->staff_rowid)
		csvc__buf_puts(&b, " AND w.staff_id = :staff");
	if (f->store_code)
		csvc__buf_puts(&b, " AND w.store_code = :store_code");
	if (f->kind)
		csvc__buf_puts(&b, " AND w.kind = :kind");
	if (f->from)
		csvc__buf_puts(&b, " AND w.worked_us >= :from");
	if (f->to)
		csvc__buf_puts(&b, " AND w.worked_us < :to");
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

int csvc__work_db_total(csvc_store *s, const csvc__work_filter *f, int64_t *total_us, int64_t *entries)
{
	char *sql = csvc__work_db_total_sql(f);
	if (!sql)
		return csvc__error(CSVC_ENOMEM, "out of memory building a query");
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare_named(s->db, sql, &st);
	csvc__free(sql);
	if (rc)
		return rc;
	if ((rc = csvc__db_bind_int_named(st, ":ticket", f->ticket_rowid)) ||
	    (rc = csvc__db_bind_int_named(st, ":staff", f->staff_rowid)) ||
	    (rc = csvc__db_bind_text_named(st, ":store_code", f->store_code)) ||
	    (rc = csvc__db_bind_text_named(st, ":kind", f->kind)) ||
	    (rc = csvc__db_bind_int_named(st, ":from", f->from)) ||
	    (rc = csvc__db_bind_int_named(st, ":to", f->to))) {
		csvc__db_finalize(st);
		return rc;
	}
	rc = csvc__db_step(st);
	if (rc == CSVC__ROW) {
		*total_us = csvc__db_int(st, 0);
		*entries = csvc__db_int(st, 1);
		rc = CSVC_OK;
	} else if (rc == CSVC__DONE) {
		rc = csvc__error(CSVC_ECORRUPT, "a total returned no row");
	}
	csvc__db_finalize(st);
	return rc;
}
