/*
 * Engine-neutral SQL for tests: statements run through the store's
 * database layer (lib/db/db.h), so that a test reads or tampers with the
 * store's tables the same way on SQLite and on PostgreSQL.
 */
#ifndef CSVC_TEST_STORE_SQL_H
#define CSVC_TEST_STORE_SQL_H

#include "db/db.h"
#include "store/store-internal.h"

/* Runs `sql` (no parameters, no rows): CSVC_OK or the error code. */
static inline int csvc_test_sql_exec(csvc_store *s, const char *sql)
{
	return csvc__db_exec(s->db, sql, 0);
}

/* Rows changed by the store's connection since it opened. */
static inline int64_t csvc_test_total_changes(csvc_store *s)
{
	return s->db->ops->total_changes(s->db);
}

/* The first column of the one row `sql` returns, as an integer; the
 * statement must succeed and return a row. */
static inline int64_t csvc_test_sql_int(csvc_store *s, const char *sql)
{
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare(s->db, sql, &st);
	if (rc)
		fprintf(stderr, "%s: %s\n", sql, csvc_error_last()->message);
	assert_int_equal(rc, CSVC_OK);
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	int64_t v = csvc__db_int(st, 0);
	csvc__db_finalize(st);
	return v;
}

/* The same for a text column: a copy the caller frees, NULL for NULL. */
static inline char *csvc_test_sql_text(csvc_store *s, const char *sql)
{
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare(s->db, sql, &st);
	if (rc)
		fprintf(stderr, "%s: %s\n", sql, csvc_error_last()->message);
	assert_int_equal(rc, CSVC_OK);
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	const char *t = csvc__db_textcol(st, 0);
	char *copy = t ? strdup(t) : NULL;
	csvc__db_finalize(st);
	return copy;
}

#endif
