/*
 * The PostgreSQL driver (lib/db/postgres.c), through the database layer
 * (lib/db/db.h) only, against a real server: CSVC_PG_CONNINFO names it
 * (tests/pg/with-pg-server.sh starts one for the test and sets it). The
 * tests whose semantics are the same on both engines run on an in-memory
 * SQLite connection too, so the two drivers are held to one behaviour;
 * where PostgreSQL differs (a failed statement aborts the transaction)
 * the test says what each engine does. Without CSVC_PG_CONNINFO only the
 * SQLite half runs and the PostgreSQL half is reported as skipped.
 */
#include <float.h>
#include <pthread.h>
#include <time.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvc-test.h"
#include "db/db.h"
#include "db/postgres.h"
#include "db/sqlite.h"

static int on_pg; /* the group running: PostgreSQL (1) or SQLite (0) */

static int no_schema(csvc__db *db, int readonly, void *ctx)
{
	(void)db;
	(void)readonly;
	(void)ctx;
	return CSVC_OK;
}

static const csvc__sql SQL_CREATE = CSVC__SQL_DIALECTS(
	"CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b BLOB, u TEXT UNIQUE)",
	"DROP TABLE IF EXISTS t, csvc_meta; "
	"CREATE TABLE t (id bigserial PRIMARY KEY, i bigint, d double precision, s text, b bytea, u text UNIQUE)");
static const csvc__sql SQL_DROP = CSVC__SQL_DIALECTS("DROP TABLE t", "DROP TABLE IF EXISTS t, csvc_meta");

static csvc__db *open_db(void)
{
	csvc__db *db = NULL;
	if (on_pg) {
		csvc__postgres_config cfg = {.connect_timeout_s = 10};
		csvc_assert_ok(csvc__postgres_open(&db, getenv("CSVC_PG_CONNINFO"), &cfg));
	} else {
		csvc__sqlite_config cfg = {.busy_timeout_ms = 0, .durability = CSVC_DURABILITY_FULL,
		                           .wal_size_limit = -1, .prepare = no_schema};
		csvc_assert_ok(csvc__sqlite_open(&db, ":memory:", &cfg));
	}
	return db;
}

static int setup(void **state)
{
	csvc__db *db = open_db();
	csvc_assert_ok(csvc__db_exec_sql(db, &SQL_CREATE, 0));
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	csvc__db *db = *state;
	if (db) {
		csvc_assert_ok(csvc__db_exec_sql(db, &SQL_DROP, 0));
		csvc_assert_ok(csvc__db_close(db));
	}
	return 0;
}

static int64_t count_rows(csvc__db *db)
{
	static const csvc__sql SQL_COUNT = CSVC__SQL("SELECT count(*) FROM t");
	csvc__stmt *st;
	int64_t n = -1;
	csvc_assert_ok(csvc__db_stmt(db, &SQL_COUNT, &st));
	assert_int_equal(csvc__db_one_int(st, &n), 1);
	return n;
}

static int64_t total_changes(csvc__db *db)
{
	return db->ops->total_changes(db);
}

static const csvc__sql SQL_INSERT =
	CSVC__SQL_INSERT_ID("INSERT INTO t (i, d, s, b) VALUES ($1, $2, $3, $4)");
static const csvc__sql SQL_READ = CSVC__SQL("SELECT i, d, s, b FROM t WHERE id = $1");
static const csvc__sql SQL_INSERT_U = CSVC__SQL("INSERT INTO t (i, u) VALUES ($1, $2)");

/* ---- values ---- */

static void test_round_trip(void **state)
{
	csvc__db *db = *state;
	unsigned char all_bytes[256];
	for (int i = 0; i < 256; i++)
		all_bytes[i] = (unsigned char)i;
	static const unsigned char uuid[16] = {0xde, 0xad, 0xbe, 0xef, 0, 0, 0x40, 0x01,
	                                       0x80, 0xff, 0, 0x0a, 0x0d, 0x5c, 0x27, 0x22};
	const struct {
		int64_t i;
		double d;
		const char *s;
		const void *b;
		size_t blen;
	} rows[] = {
		{INT64_MIN, 0.1, "顾客档案：王芳，满意度 ✓", all_bytes, sizeof(all_bytes)},
		{INT64_MAX, -DBL_MAX, "", "", 0},
		{0, DBL_MIN, "a 'quoted' \"text\" \\ with $1 and :name", uuid, sizeof(uuid)},
		{-1, 4.9406564584124654e-324, "tab\tand\nnewline", "\0", 1},
		{1, 3.141592653589793, "𠀀 (four bytes)", all_bytes + 1, 3},
		{42, HUGE_VAL, "x", NULL, 0},
		{-42, -HUGE_VAL, "y", NULL, 0},
		{9007199254740993, 1e308, "2^53 + 1", NULL, 0},
		{-0, -0.0, "negative zero", NULL, 0},
		{123456789012345678, 0.30000000000000004, "x", NULL, 0},
	};
	int64_t ids[sizeof(rows) / sizeof(rows[0])];
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		csvc__stmt *st;
		csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT, &st));
		assert_int_equal(st->nparams, 4);
		csvc_assert_ok(csvc__db_bind_int(st, 1, rows[k].i));
		csvc_assert_ok(csvc__db_bind_double(st, 2, rows[k].d));
		csvc_assert_ok(csvc__db_bind_text(st, 3, rows[k].s));
		if (rows[k].b)
			csvc_assert_ok(csvc__db_bind_blob(st, 4, rows[k].b, rows[k].blen));
		else
			csvc_assert_ok(csvc__db_bind_null(st, 4));
		csvc_assert_ok(csvc__db_insert_id(st, &ids[k]));
		assert_true(ids[k] > 0);
		assert_int_equal(csvc__db_changes(db), 1);
	}
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		csvc__stmt *st;
		csvc_assert_ok(csvc__db_stmt(db, &SQL_READ, &st));
		csvc_assert_ok(csvc__db_bind_int(st, 1, ids[k]));
		assert_int_equal(csvc__db_step(st), CSVC__ROW);
		assert_true(csvc__db_int(st, 0) == rows[k].i);
		double d = csvc__db_double(st, 1);
		/* Bit for bit; SQLite keeps -0.0 as the integer 0. */
		if (on_pg || d != 0.0)
			assert_memory_equal(&d, &rows[k].d, sizeof(d));
		else
			assert_true(rows[k].d == 0.0);
		assert_string_equal(csvc__db_textcol(st, 2), rows[k].s);
		size_t len = 99;
		const void *b = csvc__db_blob(st, 3, &len);
		if (rows[k].b) {
			assert_false(csvc__db_is_null(st, 3));
			assert_int_equal(len, rows[k].blen);
			if (len)
				assert_memory_equal(b, rows[k].b, len);
		} else {
			assert_true(csvc__db_is_null(st, 3));
			assert_null(b);
			assert_int_equal(len, 0);
		}
		assert_int_equal(csvc__db_step(st), CSVC__DONE);
		csvc__db_reset(st);
	}
	/* A UUID column reads back as one. */
	csvc__stmt *st;
	csvc_uuid u;
	csvc_assert_ok(csvc__db_stmt(db, &SQL_READ, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, ids[2]));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_uuid(st, 3, &u), 1);
	assert_memory_equal(u.bytes, uuid, 16);
	assert_int_equal(csvc__db_uuid(st, 0, &u), 0); /* an integer is no UUID */
	csvc__db_reset(st);
}

static void test_nulls_and_textn(void **state)
{
	csvc__db *db = *state;
	csvc__stmt *st;
	int64_t id;
	/* Every parameter NULL: bound NULL, text NULL, and never bound. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT, &st));
	csvc_assert_ok(csvc__db_bind_null(st, 1));
	csvc_assert_ok(csvc__db_bind_text(st, 3, NULL));
	csvc_assert_ok(csvc__db_insert_id(st, &id));
	csvc_assert_ok(csvc__db_stmt(db, &SQL_READ, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, id));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	for (int col = 0; col < 4; col++)
		assert_true(csvc__db_is_null(st, col));
	assert_int_equal(csvc__db_int(st, 0), 0);
	assert_true(csvc__db_double(st, 1) == 0.0);
	assert_null(csvc__db_textcol(st, 2));
	csvc__db_reset(st);

	/* A counted text is cut at its length. */
	const char *text = "零一二三四五";
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT, &st));
	csvc_assert_ok(csvc__db_bind_textn(st, 3, text, 6)); /* two characters */
	csvc_assert_ok(csvc__db_insert_id(st, &id));
	csvc_assert_ok(csvc__db_stmt(db, &SQL_READ, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, id));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_string_equal(csvc__db_textcol(st, 2), "零一");
	csvc__db_reset(st);

	/* A cached statement comes back with its parameters unbound. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_READ, &st));
	assert_int_equal(csvc__db_step(st), CSVC__DONE); /* id = NULL matches nothing */
	csvc__db_reset(st);
}

static void test_parameter_numbers(void **state)
{
	csvc__db *db = *state;
	/* Out of order and repeated: $2 comes first and twice. */
	static const csvc__sql SQL_ORDER =
		CSVC__SQL("SELECT CAST($2 AS TEXT) || CAST($1 AS TEXT) || CAST($2 AS TEXT), CAST($3 AS BIGINT) - 1");
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_stmt(db, &SQL_ORDER, &st));
	assert_int_equal(st->nparams, 3);
	csvc_assert_ok(csvc__db_bind_text(st, 1, "一"));
	csvc_assert_ok(csvc__db_bind_text(st, 2, "b"));
	csvc_assert_ok(csvc__db_bind_int(st, 3, INT64_MIN + 1));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_string_equal(csvc__db_textcol(st, 0), "b一b");
	assert_true(csvc__db_int(st, 1) == INT64_MIN);
	assert_int_equal(csvc__db_step(st), CSVC__DONE);
	csvc__db_reset(st);

	/* The same statement again, other values. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_ORDER, &st));
	csvc_assert_ok(csvc__db_bind_text(st, 1, ""));
	csvc_assert_ok(csvc__db_bind_text(st, 2, "z"));
	csvc_assert_ok(csvc__db_bind_int(st, 3, 5));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_string_equal(csvc__db_textcol(st, 0), "zz");
	assert_int_equal(csvc__db_int(st, 1), 4);
	csvc__db_reset(st);

	/* A number the text does not have. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_ORDER, &st));
	csvc_assert_err(csvc__db_bind_int(st, 4, 1), CSVC_ESTORAGE);
	csvc_assert_err(csvc__db_bind_int(st, 0, 1), CSVC_ESTORAGE);
	csvc__db_reset(st);
}

static void test_rows_and_changes(void **state)
{
	csvc__db *db = *state;
	int64_t before = total_changes(db);
	for (int64_t i = 1; i <= 5; i++) {
		csvc__stmt *st;
		csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
		csvc_assert_ok(csvc__db_bind_int(st, 1, i));
		csvc_assert_ok(csvc__db_bind_null(st, 2));
		csvc_assert_ok(csvc__db_run(st));
	}
	assert_int_equal(total_changes(db) - before, 5);

	static const csvc__sql SQL_UPDATE = CSVC__SQL("UPDATE t SET s = $1 WHERE i >= $2");
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_stmt(db, &SQL_UPDATE, &st));
	csvc_assert_ok(csvc__db_bind_text(st, 1, "改"));
	csvc_assert_ok(csvc__db_bind_int(st, 2, 3));
	csvc_assert_ok(csvc__db_run(st));
	assert_int_equal(csvc__db_changes(db), 3);
	assert_int_equal(total_changes(db) - before, 8);

	/* Rows in order; a read leaves the change counts alone. */
	static const csvc__sql SQL_LIST = CSVC__SQL("SELECT i, s FROM t ORDER BY i DESC");
	csvc_assert_ok(csvc__db_stmt(db, &SQL_LIST, &st));
	int64_t expect = 5;
	int rc;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		assert_int_equal(csvc__db_int(st, 0), expect);
		if (expect >= 3)
			assert_string_equal(csvc__db_textcol(st, 1), "改");
		else
			assert_null(csvc__db_textcol(st, 1));
		expect--;
	}
	assert_int_equal(rc, CSVC__DONE);
	assert_int_equal(expect, 0);
	csvc__db_reset(st);
	assert_int_equal(csvc__db_changes(db), 3);
	assert_int_equal(total_changes(db) - before, 8);

	/* An update that matches nothing changed nothing. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_UPDATE, &st));
	csvc_assert_ok(csvc__db_bind_text(st, 1, "x"));
	csvc_assert_ok(csvc__db_bind_int(st, 2, 100));
	csvc_assert_ok(csvc__db_run(st));
	assert_int_equal(csvc__db_changes(db), 0);

	/* Several statements in one exec: each one's changes count. */
	csvc_assert_ok(csvc__db_exec(db, "DELETE FROM t WHERE i = 1; DELETE FROM t WHERE i >= 4", 0));
	assert_int_equal(csvc__db_changes(db), 2);
	assert_int_equal(total_changes(db) - before, 11);
	assert_int_equal(count_rows(db), 2);

	/* A reset in the middle of the rows, then the whole run again. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_LIST, &st));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_int(st, 0), 3);
	csvc__db_reset(st);
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_int(st, 0), 3);
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_int(st, 0), 2);
	assert_int_equal(csvc__db_step(st), CSVC__DONE);
	csvc__db_reset(st);

	/* collect_ids over a cached statement with $1. */
	static const csvc__sql SQL_IDS = CSVC__SQL("SELECT i FROM t WHERE i > $1 ORDER BY i");
	int64_t *ids = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc__db_collect_ids(db, &SQL_IDS, 0, &ids, &n));
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	csvc_free(ids);
}

static void test_named_statements(void **state)
{
	csvc__db *db = *state;
	for (int64_t i = 1; i <= 6; i++) {
		csvc__stmt *st;
		csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
		csvc_assert_ok(csvc__db_bind_int(st, 1, i));
		csvc_assert_ok(csvc__db_bind_null(st, 2)); /* u stays unique: NULL */
		csvc_assert_ok(csvc__db_run(st));
	}
	csvc__stmt *st;
	/* :lo twice, a quoted ':nope' left alone. */
	csvc_assert_ok(csvc__db_prepare_named(
		db, "SELECT count(*), ':nope' FROM t WHERE i >= :lo AND i <= :hi AND i <> :lo + 1", &st));
	assert_int_equal(st->nparams, 2);
	assert_int_equal(csvc__db_param(st, ":lo"), 1);
	assert_int_equal(csvc__db_param(st, ":hi"), 2);
	assert_int_equal(csvc__db_param(st, ":nope"), 0);
	csvc_assert_ok(csvc__db_bind_int_named(st, ":hi", 5));
	csvc_assert_ok(csvc__db_bind_int_named(st, ":lo", 2));
	csvc_assert_ok(csvc__db_bind_int_named(st, ":absent", 9)); /* ignored */
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_int(st, 0), 3); /* 2, 4, 5 */
	assert_string_equal(csvc__db_textcol(st, 1), ":nope");
	csvc__db_finalize(st);

	/* Text by name; a NULL text binds nothing. */
	csvc_assert_ok(csvc__db_prepare_named(db, "SELECT CAST(:a AS TEXT) || '-' || CAST(:b AS TEXT)", &st));
	csvc_assert_ok(csvc__db_bind_text_named(st, ":a", "甲"));
	csvc_assert_ok(csvc__db_bind_text_named(st, ":b", NULL));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_true(csvc__db_is_null(st, 0)); /* NULL || ... is NULL on both */
	csvc__db_reset(st);
	csvc_assert_ok(csvc__db_bind_text_named(st, ":b", "乙"));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_string_equal(csvc__db_textcol(st, 0), "甲-乙");
	csvc__db_finalize(st);
}

/* ---- transactions ---- */

static void insert_i(csvc__db *db, int64_t i)
{
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, i));
	csvc_assert_ok(csvc__db_run(st));
}

static void test_transaction_levels(void **state)
{
	csvc__db *db = *state;
	csvc__db_undo undo;
	uint64_t serial = csvc__db_serial(db);
	assert_false(db->ops->in_transaction(db));

	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	assert_int_equal(undo.level, -1);
	assert_true(db->ops->in_transaction(db));
	assert_int_equal(csvc__db_serial(db), serial + 1);
	insert_i(db, 1);

	/* A savepoint level rolled back: its write goes, the outer one stays. */
	csvc_assert_ok(csvc__db_begin(db, 1, &undo));
	insert_i(db, 2);
	csvc_assert_ok(csvc__db_rollback(db, &undo));
	assert_int_equal(undo.level, 1);
	assert_int_equal(undo.data, 1);
	assert_int_equal(count_rows(db), 1);

	/* A savepoint level committed keeps its write. */
	csvc_assert_ok(csvc__db_begin(db, 1, &undo));
	insert_i(db, 3);
	csvc_assert_ok(csvc__db_commit(db, &undo));
	assert_int_equal(undo.level, -1);
	assert_int_equal(count_rows(db), 2);

	/* An internal level that wrote nothing undoes nothing. */
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	assert_int_equal(csvc__db_depth(db), 2);
	csvc_assert_ok(csvc__db_rollback(db, &undo));
	assert_int_equal(undo.level, 1);
	assert_int_equal(undo.data, 0);
	assert_true(db->ops->in_transaction(db));

	csvc_assert_ok(csvc__db_commit(db, &undo));
	assert_int_equal(csvc__db_depth(db), 0);
	assert_false(db->ops->in_transaction(db));
	assert_int_equal(count_rows(db), 2);

	/* An internal level that wrote, rolled back: only the whole
	 * transaction can undo it, and the rest is aborted. */
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	insert_i(db, 4);
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	insert_i(db, 5);
	csvc_assert_ok(csvc__db_rollback(db, &undo));
	assert_int_equal(undo.level, 0);
	assert_int_equal(undo.data, 1);
	assert_false(db->ops->in_transaction(db));
	csvc_assert_err(csvc__db_begin(db, 1, &undo), CSVC_ESTATE);
	csvc_assert_err(csvc__db_commit(db, &undo), CSVC_ESTORAGE);
	assert_int_equal(undo.level, 0);
	assert_int_equal(csvc__db_depth(db), 0);
	assert_int_equal(count_rows(db), 2);

	/* The outermost rollback. */
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	insert_i(db, 6);
	csvc_assert_ok(csvc__db_rollback(db, &undo));
	assert_int_equal(undo.level, 0);
	assert_int_equal(undo.data, 1);
	assert_int_equal(count_rows(db), 2);

	/* A read transaction: joins nothing, counts in no serial. */
	int began = 0;
	serial = csvc__db_serial(db);
	csvc_assert_ok(csvc__db_read_begin(db, &began));
	assert_int_equal(began, 1);
	assert_int_equal(count_rows(db), 2);
	csvc__db_read_end(db, began);
	assert_false(db->ops->in_transaction(db));
	assert_int_equal(csvc__db_serial(db), serial);
}

/* A statement that fails inside a transaction: on SQLite the transaction
 * goes on; on PostgreSQL it is aborted, which the layer reports as an
 * aborted transaction (only rollbacks until the outermost level ends). */
static void test_failure_inside_transaction(void **state)
{
	csvc__db *db = *state;
	csvc__db_undo undo;
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, 1));
	csvc_assert_ok(csvc__db_bind_text(st, 2, "key"));
	csvc_assert_ok(csvc__db_run(st));

	csvc_assert_ok(csvc__db_begin(db, 0, &undo)); /* an API call's level */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, 2));
	csvc_assert_ok(csvc__db_bind_text(st, 2, "key"));
	csvc_assert_err(csvc__db_run(st), CSVC_EEXISTS);
	const csvc_error *e = csvc_error_last();
	assert_string_equal(e->engine, on_pg ? "postgresql" : "sqlite");
	assert_string_equal(e->sqlstate, on_pg ? "23505" : "");
	if (!on_pg)
		assert_int_equal(e->engine_code & 0xff, 19); /* SQLITE_CONSTRAINT */
	else
		assert_int_equal(e->engine_code, 0);
	csvc_assert_ok(csvc__db_rollback(db, &undo));
	if (!on_pg) {
		/* Nothing was written: the caller's transaction goes on. */
		assert_int_equal(undo.level, 1);
		assert_int_equal(undo.data, 0);
		insert_i(db, 3);
		csvc_assert_ok(csvc__db_commit(db, &undo));
		assert_int_equal(count_rows(db), 2);
		return;
	}
	/* PostgreSQL: the whole transaction went with the failure. */
	assert_false(db->ops->in_transaction(db));
	assert_int_equal(undo.level, 0);
	assert_int_equal(undo.data, 1);
	csvc_assert_err(csvc__db_begin(db, 0, &undo), CSVC_ESTATE);
	csvc_assert_err(csvc__db_commit(db, &undo), CSVC_ESTORAGE);
	assert_int_equal(csvc__db_depth(db), 0);
	/* The connection is usable again. */
	assert_int_equal(count_rows(db), 0);
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	insert_i(db, 4);
	csvc_assert_ok(csvc__db_commit(db, &undo));
	assert_int_equal(count_rows(db), 1);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	csvc__db *db = *state;
	csvc__stmt *st = NULL;

	/* Outside a transaction a constraint fails alone. */
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, 1));
	csvc_assert_ok(csvc__db_bind_text(st, 2, "dup"));
	csvc_assert_ok(csvc__db_run(st));
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT_U, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, 2));
	csvc_assert_ok(csvc__db_bind_text(st, 2, "dup"));
	csvc_assert_err(csvc__db_run(st), CSVC_EEXISTS);
	assert_string_equal(csvc_error_last()->sqlstate, on_pg ? "23505" : "");
	assert_int_equal(count_rows(db), 1);

	/* A syntax error at prepare. */
	csvc_assert_err(csvc__db_prepare(db, "SELEC 1", &st), CSVC_ESTORAGE);
	assert_string_equal(csvc_error_last()->engine, on_pg ? "postgresql" : "sqlite");
	assert_string_equal(csvc_error_last()->sqlstate, on_pg ? "42601" : "");
	assert_int_equal(db->open_stmts, 0);
	/* In exec, after a statement that worked. */
	csvc_assert_err(csvc__db_exec(db, "DELETE FROM t; SELECT nothing FROM nowhere", 0), CSVC_ESTORAGE);
	assert_string_equal(csvc_error_last()->sqlstate, on_pg ? "42P01" : "");

	/* A statement without a text for this engine. */
	static const csvc__sql SQL_NO_PG = CSVC__SQL_DIALECTS("SELECT 1", NULL);
	static const csvc__sql SQL_NO_SQLITE = CSVC__SQL_DIALECTS(NULL, "SELECT 1");
	csvc_assert_err(csvc__db_stmt(db, on_pg ? &SQL_NO_PG : &SQL_NO_SQLITE, &st), CSVC_ESTORAGE);
	assert_non_null(strstr(csvc_error_last()->message, on_pg ? "no text for the postgresql engine"
	                                                         : "no text for the sqlite engine"));
	csvc_assert_err(csvc__db_exec_sql(db, on_pg ? &SQL_NO_PG : &SQL_NO_SQLITE, 0), CSVC_ESTORAGE);
	/* The other engine's text works. */
	csvc_assert_ok(csvc__db_stmt(db, on_pg ? &SQL_NO_SQLITE : &SQL_NO_PG, &st));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_int(st, 0), 1);
	csvc__db_reset(st);

	/* Commit and rollback without a begin. */
	csvc__db_undo undo;
	csvc_assert_err(csvc__db_commit(db, &undo), CSVC_ESTATE);
	csvc_assert_err(csvc__db_rollback(db, &undo), CSVC_ESTATE);
}

/* A connection closed while a statement of its own is open: CSVC_EBUSY,
 * the statement still reads, and the connection goes with it. */
static void test_close_with_open_statement(void **state)
{
	csvc__db *db = *state;
	insert_i(db, 7);
	insert_i(db, 8);
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_prepare(db, "SELECT i FROM t ORDER BY i", &st));
	assert_int_equal(db->open_stmts, 1);
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	assert_int_equal(csvc__db_int(st, 0), 7);
	csvc_assert_err(csvc__db_close(db), CSVC_EBUSY);
	*state = NULL; /* closed: teardown has nothing left to do */
	assert_int_equal(csvc__db_int(st, 0), 7);
	csvc__db_finalize(st); /* frees the connection */
}

/* ---- PostgreSQL only ---- */

static void test_pg_header(void **state)
{
	csvc__db *db = *state;
	int64_t app_id = -1, version = -1, objects = -1;
	csvc_assert_ok(csvc__db_header(db, &app_id, &version, &objects));
	assert_int_equal(app_id, 0);
	assert_int_equal(version, 0);
	assert_int_equal(objects, 1); /* t */
	csvc__db_undo undo;
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	csvc_assert_ok(csvc__db_set_header(db, 0x43535643, 7));
	csvc_assert_ok(csvc__db_set_header(db, 0x43535643, 8));
	csvc_assert_ok(csvc__db_commit(db, &undo));
	csvc_assert_ok(csvc__db_header(db, &app_id, &version, &objects));
	assert_int_equal(app_id, 0x43535643);
	assert_int_equal(version, 8);
	assert_int_equal(objects, 2); /* t, csvc_meta */
	/* Rolled back with the migration's transaction. */
	csvc_assert_ok(csvc__db_begin(db, 0, &undo));
	csvc_assert_ok(csvc__db_set_header(db, 0x43535643, 9));
	csvc_assert_ok(csvc__db_rollback(db, &undo));
	csvc_assert_ok(csvc__db_header(db, &app_id, &version, &objects));
	assert_int_equal(version, 8);
	csvc_assert_ok(csvc__db_claim(db));
	csvc_assert_ok(csvc__db_checkpoint(db, 1));
}

static void test_pg_returning_and_search(void **state)
{
	csvc__db *db = *state;
	/* The PostgreSQL text of an insert returns its id. */
	assert_non_null(strstr(SQL_INSERT.text[CSVC__DIALECT_POSTGRES], " RETURNING id"));
	assert_null(db->ops->last_insert_id);
	int64_t first = 0, second = 0;
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT, &st));
	csvc_assert_ok(csvc__db_bind_text(st, 3, "北京王府井店 Wangfujing"));
	csvc_assert_ok(csvc__db_insert_id(st, &first));
	csvc_assert_ok(csvc__db_stmt(db, &SQL_INSERT, &st));
	csvc_assert_ok(csvc__db_bind_text(st, 3, "上海南京路店 100% off_sale"));
	csvc_assert_ok(csvc__db_insert_id(st, &second));
	assert_int_equal(second, first + 1);

	/* The search binds the text itself, for strpos() or an ILIKE
	 * pattern built in SQL: no wildcard in the text has a meaning. */
	static const csvc__sql SQL_FIND = CSVC__SQL_DIALECTS(
		NULL, "SELECT id FROM t WHERE strpos(lower(s), lower($1)) > 0 ORDER BY id");
	const struct {
		const char *text;
		int64_t n;
	} cases[] = {{"王府井", 1}, {"WANGFU", 1}, {"店", 2}, {"%", 1}, {"_", 1}, {"0% o", 1}, {"x%", 0}};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		csvc_assert_ok(csvc__db_stmt(db, &SQL_FIND, &st));
		csvc_assert_ok(csvc__db_bind_search(st, 1, cases[k].text));
		int64_t n = 0;
		while (csvc__db_step(st) == CSVC__ROW)
			n++;
		csvc__db_reset(st);
		assert_int_equal(n, cases[k].n);
	}
}

struct waiter {
	csvc__db *db;
	int rc;
};

static void *wait_for_row_2(void *arg)
{
	struct waiter *w = arg;
	w->rc = csvc__db_exec(w->db, "UPDATE t SET s = 'b' WHERE i = 2", 0);
	return NULL;
}

static void test_pg_busy(void **state)
{
	csvc__db *a = *state;
	insert_i(a, 1);
	csvc__db *b = NULL;
	csvc__postgres_config cfg = {.connect_timeout_s = 10, .lock_timeout_ms = 50};
	csvc_assert_ok(csvc__postgres_open(&b, getenv("CSVC_PG_CONNINFO"), &cfg));
	csvc__db_undo ua, ub;

	/* A row lock held by another connection: lock_timeout, CSVC_EBUSY. */
	csvc_assert_ok(csvc__db_begin(a, 0, &ua));
	csvc_assert_ok(csvc__db_exec(a, "UPDATE t SET s = 'a' WHERE i = 1", 0));
	csvc_assert_ok(csvc__db_begin(b, 0, &ub));
	csvc_assert_err(csvc__db_exec(b, "UPDATE t SET s = 'b' WHERE i = 1", 0), CSVC_EBUSY);
	assert_string_equal(csvc_error_last()->sqlstate, "55P03");
	assert_false(b->ops->in_transaction(b));
	csvc_assert_ok(csvc__db_rollback(b, &ub));
	csvc_assert_ok(csvc__db_commit(a, &ua));

	/* A serialization failure (40001) in a REPEATABLE READ transaction
	 * whose row another connection changed since its snapshot. */
	csvc_assert_ok(csvc__db_exec(b, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0));
	assert_int_equal(count_rows(b), 1);
	csvc_assert_ok(csvc__db_exec(a, "UPDATE t SET s = 'c' WHERE i = 1", 0));
	csvc_assert_err(csvc__db_exec(b, "UPDATE t SET s = 'd' WHERE i = 1", 0), CSVC_EBUSY);
	assert_string_equal(csvc_error_last()->sqlstate, "40001");
	assert_string_equal(csvc_error_last()->engine, "postgresql");
	assert_false(b->ops->in_transaction(b));

	/* A deadlock (40P01): b waits for c's row (in a thread) while c asks
	 * for b's. c checks for deadlocks first, so c is the victim. */
	insert_i(a, 2);
	cfg.lock_timeout_ms = 0;
	csvc__db *c = NULL;
	csvc_assert_ok(csvc__postgres_open(&c, getenv("CSVC_PG_CONNINFO"), &cfg));
	csvc_assert_ok(csvc__db_exec(b, "SET lock_timeout = 0; SET deadlock_timeout = '10s'", 0));
	csvc_assert_ok(csvc__db_exec(c, "SET deadlock_timeout = '50ms'", 0));
	csvc_assert_ok(csvc__db_begin(b, 0, &ub));
	csvc_assert_ok(csvc__db_exec(b, "UPDATE t SET s = 'b' WHERE i = 1", 0));
	csvc__db_undo uc;
	csvc_assert_ok(csvc__db_begin(c, 0, &uc));
	csvc_assert_ok(csvc__db_exec(c, "UPDATE t SET s = 'c' WHERE i = 2", 0));
	struct waiter w = {b, -1};
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, wait_for_row_2, &w), 0);
	struct timespec pause = {0, 300 * 1000 * 1000};
	nanosleep(&pause, NULL); /* b is waiting by then */
	csvc_assert_err(csvc__db_exec(c, "UPDATE t SET s = 'c' WHERE i = 1", 0), CSVC_EBUSY);
	assert_string_equal(csvc_error_last()->sqlstate, "40P01");
	assert_false(c->ops->in_transaction(c));
	csvc_assert_ok(csvc__db_rollback(c, &uc));
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(w.rc, CSVC_OK); /* b got c's row once c was rolled back */
	csvc_assert_ok(csvc__db_commit(b, &ub));
	csvc_assert_ok(csvc__db_close(c));
	csvc_assert_ok(csvc__db_close(b));
}

/* Change notification: a commit that notifies the change channel wakes a
 * connection waiting on its data version, whether the commit came from
 * another connection or another process; a rolled-back one does not. */
static int64_t ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char NOTIFY[] = "SELECT pg_notify('" CSVC__DB_CHANGE_CHANNEL "', '')";

static void *notify_later(void *arg)
{
	csvc__db *db = arg;
	struct timespec pause = {0, 150 * 1000 * 1000};
	nanosleep(&pause, NULL);
	csvc__db_undo u;
	if (csvc__db_begin(db, 0, &u) || csvc__db_exec(db, NOTIFY, 0) || csvc__db_commit(db, &u))
		return (void *)1;
	return NULL;
}

static void test_pg_change_wait(void **state)
{
	csvc__db *a = *state;
	csvc__db *b = NULL;
	csvc__postgres_config cfg = {.connect_timeout_s = 10};
	csvc_assert_ok(csvc__postgres_open(&b, getenv("CSVC_PG_CONNINFO"), &cfg));
	int64_t v = -1;
	csvc_assert_ok(csvc__db_data_version(a, &v));

	/* Nothing: the timeout, in real time. */
	int64_t t0 = ms_now();
	assert_int_equal(csvc__db_wait_change(a, v, 120), 0);
	assert_true(ms_now() - t0 >= 120);
	assert_int_equal(csvc__db_wait_change(a, v, 0), 0);

	/* A rolled-back notification is never delivered. */
	csvc__db_undo u;
	csvc_assert_ok(csvc__db_begin(b, 0, &u));
	csvc_assert_ok(csvc__db_exec(b, NOTIFY, 0));
	csvc_assert_ok(csvc__db_rollback(b, &u));
	assert_int_equal(csvc__db_wait_change(a, v, 100), 0);

	/* Another connection commits while this one sleeps. */
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, notify_later, b), 0);
	t0 = ms_now();
	assert_int_equal(csvc__db_wait_change(a, v, 10000), 1);
	assert_true(ms_now() - t0 < 5000);
	void *res = NULL;
	assert_int_equal(pthread_join(thread, &res), 0);
	assert_null(res);
	int64_t v2 = -1;
	csvc_assert_ok(csvc__db_data_version(a, &v2));
	assert_true(v2 > v);
	/* Already changed: at once. */
	assert_int_equal(csvc__db_wait_change(a, v, 10000), 1);
	csvc_assert_ok(csvc__db_close(b));

	/* Another process. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		csvc__db *c = NULL;
		_exit(csvc__postgres_open(&c, getenv("CSVC_PG_CONNINFO"), &cfg) || notify_later(c) ||
		              csvc__db_close(c)
		          ? 1
		          : 0);
	}
	t0 = ms_now();
	assert_int_equal(csvc__db_wait_change(a, v2, 10000), 1);
	assert_true(ms_now() - t0 < 5000);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A connection the server drops in the middle of a transaction: the
 * commit fails with CSVC_ESTORAGE and the reason, and nothing of the
 * transaction is stored. Outside the transaction the next command makes
 * the connection again and runs (the store's test-pg-failures.c restarts
 * a whole server). */
static void test_pg_connection_lost(void **state)
{
	csvc__db *keep = *state;
	csvc__db *a = NULL;
	csvc__postgres_config cfg = {.connect_timeout_s = 10};
	csvc_assert_ok(csvc__postgres_open(&a, getenv("CSVC_PG_CONNINFO"), &cfg));
	static const csvc__sql SQL_PID = CSVC__SQL_DIALECTS(NULL, "SELECT pg_backend_pid()");
	static const csvc__sql SQL_KILL = CSVC__SQL_DIALECTS(NULL, "SELECT pg_terminate_backend($1)");
	csvc__stmt *st;
	int64_t pid = 0, killed = 0;
	csvc_assert_ok(csvc__db_stmt(a, &SQL_PID, &st));
	assert_int_equal(csvc__db_one_int(st, &pid), 1);
	csvc__db_undo u;
	csvc_assert_ok(csvc__db_begin(a, 0, &u));
	insert_i(a, 7);
	insert_i(a, 8);
	csvc_assert_ok(csvc__db_stmt(keep, &SQL_KILL, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, pid));
	assert_int_equal(csvc__db_one_int(st, &killed), 1);
	assert_int_equal(killed, 1);
	struct timespec pause = {0, 100 * 1000 * 1000};
	nanosleep(&pause, NULL);
	csvc_assert_err(csvc__db_commit(a, &u), CSVC_ESTORAGE);
	assert_string_equal(csvc_error_last()->engine, "postgresql");
	assert_true(strlen(csvc_error_last()->message) > 0);
	assert_int_equal(count_rows(keep), 0);
	csvc_assert_ok(csvc__db_exec(a, "SELECT 1", 0));
	int64_t again = 0;
	csvc_assert_ok(csvc__db_stmt(a, &SQL_PID, &st));
	assert_int_equal(csvc__db_one_int(st, &again), 1);
	assert_int_not_equal(again, pid);
	assert_int_equal(count_rows(a), 0);
	csvc__db_close(a);
}

/* The state pg_stat_activity shows for backend `pid`, read on `keep`. */
static void backend_state(csvc__db *keep, int64_t pid, char *out, size_t size)
{
	static const csvc__sql SQL_STATE =
		CSVC__SQL_DIALECTS(NULL, "SELECT coalesce(state, '') FROM pg_stat_activity WHERE pid = $1");
	csvc__stmt *st;
	csvc_assert_ok(csvc__db_stmt(keep, &SQL_STATE, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, pid));
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	snprintf(out, size, "%s", csvc__db_textcol(st, 0));
	csvc__db_reset(st);
}

/* The outermost BEGIN goes to the server with the transaction's first
 * statement: until then the session is idle there, a transaction that
 * runs nothing sends nothing, and a connection lost before the first
 * statement is made again as outside a transaction. */
static void test_pg_begin_with_first_statement(void **state)
{
	csvc__db *keep = *state;
	csvc__db *a = NULL;
	csvc__postgres_config cfg = {.connect_timeout_s = 10};
	csvc_assert_ok(csvc__postgres_open(&a, getenv("CSVC_PG_CONNINFO"), &cfg));
	static const csvc__sql SQL_PID = CSVC__SQL_DIALECTS(NULL, "SELECT pg_backend_pid()");
	static const csvc__sql SQL_KILL = CSVC__SQL_DIALECTS(NULL, "SELECT pg_terminate_backend($1)");
	csvc__stmt *st;
	int64_t pid = 0, killed = 0;
	csvc_assert_ok(csvc__db_stmt(a, &SQL_PID, &st));
	assert_int_equal(csvc__db_one_int(st, &pid), 1);
	char s[64];
	csvc__db_undo u;
	csvc_assert_ok(csvc__db_begin(a, 0, &u));
	assert_true(a->ops->in_transaction(a));
	backend_state(keep, pid, s, sizeof(s));
	assert_string_equal(s, "idle");
	csvc_assert_ok(csvc__db_commit(a, &u));
	backend_state(keep, pid, s, sizeof(s));
	assert_string_equal(s, "idle");
	/* The first statement opens it, in the same round trip. */
	csvc_assert_ok(csvc__db_begin(a, 0, &u));
	insert_i(a, 1);
	backend_state(keep, pid, s, sizeof(s));
	assert_string_equal(s, "idle in transaction");
	assert_int_equal(count_rows(keep), 0);
	csvc_assert_ok(csvc__db_commit(a, &u));
	assert_int_equal(count_rows(keep), 1);
	/* A savepoint first, then a rollback of everything. */
	csvc_assert_ok(csvc__db_begin(a, 0, &u));
	csvc_assert_ok(csvc__db_begin(a, 1, &u));
	insert_i(a, 2);
	csvc_assert_ok(csvc__db_rollback(a, &u));
	csvc_assert_ok(csvc__db_rollback(a, &u));
	assert_false(a->ops->in_transaction(a));
	assert_int_equal(count_rows(keep), 1);
	/* Lost before the first statement: nothing had run in the
	 * transaction, so it starts again on a new connection. */
	csvc_assert_ok(csvc__db_begin(a, 0, &u));
	csvc_assert_ok(csvc__db_stmt(keep, &SQL_KILL, &st));
	csvc_assert_ok(csvc__db_bind_int(st, 1, pid));
	assert_int_equal(csvc__db_one_int(st, &killed), 1);
	assert_int_equal(killed, 1);
	struct timespec pause = {0, 100 * 1000 * 1000};
	nanosleep(&pause, NULL);
	insert_i(a, 3);
	int64_t again = 0;
	csvc_assert_ok(csvc__db_stmt(a, &SQL_PID, &st));
	assert_int_equal(csvc__db_one_int(st, &again), 1);
	assert_int_not_equal(again, pid);
	backend_state(keep, again, s, sizeof(s));
	assert_string_equal(s, "idle in transaction");
	csvc_assert_ok(csvc__db_commit(a, &u));
	assert_int_equal(count_rows(keep), 2);
	/* A failing first statement: the transaction is over, as when the
	 * BEGIN had been sent alone. */
	csvc_assert_ok(csvc__db_begin(a, 0, &u));
	csvc_assert_err(csvc__db_exec(a, "SELECT * FROM no_such_table", 0), CSVC_ESTORAGE);
	assert_false(a->ops->in_transaction(a));
	csvc_assert_ok(csvc__db_rollback(a, &u));
	assert_int_equal(count_rows(keep), 2);
	csvc__db_close(a);
}

static void test_pg_connection_refused(void **state)
{
	(void)state;
	csvc__db *db = (csvc__db *)1;
	csvc_assert_err(csvc__postgres_open(&db, "host=/nonexistent/csvc-no-server port=5999 dbname=x", NULL),
	                CSVC_ESTORAGE);
	assert_ptr_equal(db, (csvc__db *)1); /* untouched */
	assert_string_equal(csvc_error_last()->engine, "postgresql");
	assert_non_null(strstr(csvc_error_last()->message, "cannot connect"));
	csvc_assert_err(csvc__postgres_open(&db, "not a connection string", NULL), CSVC_ESTORAGE);
	csvc_assert_err(csvc__postgres_open(&db, NULL, NULL), CSVC_EINVAL);
}

static int group_sqlite(void **state)
{
	(void)state;
	on_pg = 0;
	return 0;
}

static int group_pg(void **state)
{
	(void)state;
	on_pg = 1;
	return 0;
}

#define BOTH(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest both[] = {
		BOTH(test_round_trip),
		BOTH(test_nulls_and_textn),
		BOTH(test_parameter_numbers),
		BOTH(test_rows_and_changes),
		BOTH(test_named_statements),
		BOTH(test_transaction_levels),
		BOTH(test_failure_inside_transaction),
		BOTH(test_errors),
		BOTH(test_close_with_open_statement),
	};
	const struct CMUnitTest pg_only[] = {
		BOTH(test_pg_header),
		BOTH(test_pg_returning_and_search),
		BOTH(test_pg_busy),
		BOTH(test_pg_change_wait),
		BOTH(test_pg_connection_lost),
		BOTH(test_pg_begin_with_first_statement),
		cmocka_unit_test(test_pg_connection_refused),
	};
	int failed = cmocka_run_group_tests_name("db on sqlite", both, group_sqlite, NULL);
	if (!getenv("CSVC_PG_CONNINFO")) {
		fprintf(stderr, "CSVC_PG_CONNINFO is not set: the PostgreSQL tests do not run "
		                "(tests/pg/with-pg-server.sh sets it)\n");
		return failed ? failed : 77;
	}
	failed += cmocka_run_group_tests_name("db on postgresql", both, group_pg, NULL);
	failed += cmocka_run_group_tests_name("postgresql driver", pg_only, group_pg, NULL);
	return failed;
}
