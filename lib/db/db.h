/*
 * The database layer: the one interface every module stores through, and
 * the only code that knows which engine is underneath (docs/architecture.md
 * "Storage engines").
 *
 * A connection (csvc__db) is opened by a driver (lib/db/sqlite.c today)
 * and used through the functions below, which dispatch on the driver's
 * table of operations, so that stores on different engines can live in
 * one process. Nothing here is an engine type.
 *
 * Statement text: parameters are written $1 .. $n, each number bound by
 * csvc__db_bind_*(st, n, ...) whatever order they appear in. A statement
 * is a csvc__sql: one text shared by every dialect, or one text per
 * dialect side by side where they differ (DDL, full-text search, JSON).
 * A static csvc__sql's address identifies the statement: csvc__db_stmt()
 * prepares it once per connection and hands it out again, reset.
 *
 * Values: integers are int64_t, reals double, text UTF-8 (NULL for SQL
 * NULL), blobs bytes. A bound text or blob is not copied: it must stay
 * valid until the statement is reset. A column's text or blob pointer is
 * valid until the next step or reset of its statement.
 *
 * Errors: every fallible call returns a negative CSVC_E* code and sets
 * the thread's error record, with the engine's name, code and SQLSTATE.
 */
#ifndef CSVC_DB_H
#define CSVC_DB_H

#include <stddef.h>
#include <stdint.h>

#include "csvc/common.h"

typedef enum csvc__dialect {
	CSVC__DIALECT_SQLITE = 0,
	CSVC__DIALECT_POSTGRES = 1,
} csvc__dialect;
#define CSVC__DIALECTS 2

/* A statement's text in each dialect. */
typedef struct csvc__sql {
	const char *text[CSVC__DIALECTS];
} csvc__sql;

/* One text for every dialect. */
#define CSVC__SQL(text) { { (text), (text) } }
/* An INSERT whose new row id csvc__db_insert_id() reads: PostgreSQL
 * returns it (RETURNING id); SQLite reports it (last_insert_rowid), since
 * a RETURNING statement there opens a statement transaction, which makes
 * every full-text index in the transaction flush its pending terms (it
 * halves the speed of a customer create). */
#define CSVC__SQL_INSERT_ID(text) { { text, text " RETURNING id" } }
/* One text per dialect, side by side; NULL for a dialect whose driver
 * does not exist yet (preparing it there fails with CSVC_ESTORAGE). */
#define CSVC__SQL_DIALECTS(sqlite, postgres) { { (sqlite), (postgres) } }

typedef struct csvc__db csvc__db;
typedef struct csvc__stmt csvc__stmt;

/* csvc__db_step(): a row is ready, or the statement has run to its end. */
#define CSVC__ROW 1
#define CSVC__DONE 0

/* What a driver implements. Calls that cannot fail return void or a
 * value; calls that can return a csvc code and set the error. */
typedef struct csvc__db_ops {
	const char *engine; /* the error record's engine name */
	csvc__dialect dialect;
	/* Prepares `text` into a new statement (driver-sized, starting with
	 * struct csvc__stmt, whose fields the driver sets). */
	int (*prepare)(csvc__db *db, const char *text, csvc__stmt **out);
	void (*finalize)(csvc__stmt *st);
	int (*step)(csvc__stmt *st);
	/* Ends a run; the bindings stay. */
	void (*reset)(csvc__stmt *st);
	/* Unbinds every parameter (binds NULL). */
	void (*clear)(csvc__stmt *st);
	int (*bind_int)(csvc__stmt *st, int n, int64_t v);
	int (*bind_double)(csvc__stmt *st, int n, double v);
	int (*bind_text)(csvc__stmt *st, int n, const char *text, size_t len);
	int (*bind_blob)(csvc__stmt *st, int n, const void *data, size_t len);
	int (*bind_null)(csvc__stmt *st, int n);
	int (*is_null)(csvc__stmt *st, int col);
	int64_t (*col_int)(csvc__stmt *st, int col);
	double (*col_double)(csvc__stmt *st, int col);
	const char *(*col_text)(csvc__stmt *st, int col);
	const void *(*col_blob)(csvc__stmt *st, int col, size_t *len);
	/* Runs `text`, one or more statements without parameters or rows
	 * (DDL, transaction control). `internals`: the text may write the
	 * engine's own structures (a full-text index's tables). */
	int (*exec)(csvc__db *db, const char *text, int internals);
	/* Rows changed by the last statement, and in total by this
	 * connection since it opened. */
	int64_t (*changes)(csvc__db *db);
	int64_t (*total_changes)(csvc__db *db);
	/* The row id of the last row an INSERT without RETURNING added (a
	 * driver whose dialect returns it may leave this NULL). */
	int64_t (*last_insert_id)(csvc__db *db);
	/* The engine has a transaction open on the connection. */
	int (*in_transaction)(csvc__db *db);
	/* Binds the value that the dialect's substring search statement
	 * expects for `text` (see csvc__db_bind_search). */
	int (*bind_search)(csvc__stmt *st, int n, const char *text);
	/* Closes the connection. Returns CSVC_OK, or CSVC_EBUSY when
	 * statements outside the cache are still open (the connection then
	 * closes with the last of them), or another error. */
	int (*close)(csvc__db *db);
	/* Frees the driver's part of `db` once it is closed and unused. */
	void (*destroy)(csvc__db *db);
	/* The store's header: its application id, schema version, and
	 * whether the database holds any object (table, index, ...). */
	int (*header)(csvc__db *db, int64_t *app_id, int64_t *version, int64_t *objects);
	/* Records the application id and schema version (inside the
	 * migration's transaction). */
	int (*set_header)(csvc__db *db, int64_t app_id, int64_t version);
	/* Makes a database known to be the store's ready for writing (SQLite:
	 * switches it to WAL, which must never happen to a stranger's file). */
	int (*claim)(csvc__db *db);
	/* Moves committed data into the main database and truncates the log:
	 * CSVC_EBUSY when a reader or writer kept it from finishing, at once
	 * unless `wait`. CSVC_OK where the engine has no such step. */
	int (*checkpoint)(csvc__db *db, int wait);
	/* A counter that changes when another connection or process commits
	 * (SQLite: PRAGMA data_version). Cheap; outside a transaction. */
	int (*data_version)(csvc__db *db, int64_t *out);
	/* Sleeps, without busy polling, until the data version may differ
	 * from `version` or `timeout_ms` milliseconds of real time pass:
	 * 1 when it differs, 0 at the timeout, or a negative code. */
	int (*wait_change)(csvc__db *db, int64_t version, int timeout_ms);
	/* Writes a consistent copy of the committed database to the new file
	 * `path` (never replacing one: CSVC_EEXISTS), outside a transaction.
	 * NULL: the engine's own tools do it (csvc__db_backup refuses). */
	int (*backup)(csvc__db *db, const char *path);
	/* Checks the whole database's structure: CSVC_OK, or CSVC_ECORRUPT
	 * naming the first problem, with *problems their count. NULL as
	 * backup. */
	int (*verify)(csvc__db *db, int64_t *problems);
} csvc__db_ops;

/* The PostgreSQL notification channel of committed changes: a writer's
 * transaction notifies it (pg_notify) and data_version counts the
 * notifications a connection received, listening from its first call.
 * Stored schemas name it: never change it. */
#define CSVC__DB_CHANGE_CHANNEL "csvc_change"

#define CSVC__DB_TX_MAX_DEPTH 64

/* The common part of every driver's connection. */
struct csvc__db {
	const csvc__db_ops *ops;
	/* Statement cache: open addressing keyed by csvc__sql address. */
	struct csvc__db_slot {
		const csvc__sql *sql;
		csvc__stmt *stmt;
	} *slots;
	size_t slot_cap, slot_count;
	/* Statements prepared outside the cache and not yet finalised. */
	size_t open_stmts;
	int closing;

	/* Transaction levels (csvc__db_begin). */
	int depth;
	int aborted; /* rolled back under open levels: only rollbacks may follow */
	uint64_t serial; /* counts outermost write transactions */
	char savepoint[CSVC__DB_TX_MAX_DEPTH];
	int64_t mark[CSVC__DB_TX_MAX_DEPTH]; /* total_changes at each level's begin */
};

/* The common part of every driver's statement. */
struct csvc__stmt {
	const csvc__db_ops *ops;
	csvc__db *db;
	const csvc__sql *key; /* NULL: not cached (csvc__db_prepare) */
	/* Statements prepared from :name text (csvc__db_prepare_named):
	 * names[k - 1] is the name of parameter $k. */
	char **names;
	size_t n_names;
	int nparams; /* the highest $n the text uses */
};

/* The text of `sql` for the connection's dialect. */
static inline const char *csvc__db_text(const csvc__db *db, const csvc__sql *sql)
{
	return sql->text[db->ops->dialect];
}

static inline csvc__dialect csvc__db_dialect(const csvc__db *db)
{
	return db->ops->dialect;
}

/* ---- statements ---- */

/* The cached statement for the static `sql`, reset, every parameter NULL. The
 * connection owns it: never finalise it. */
int csvc__db_stmt(csvc__db *db, const csvc__sql *sql, csvc__stmt **out);

/* A statement for a text built at run time, owned by the caller, who
 * finalises it (csvc__db_finalize). The text is not kept. */
int csvc__db_prepare(csvc__db *db, const char *text, csvc__stmt **out);

/* Same for a text whose parameters are written :name (letters, digits
 * and '_' after the colon), outside quotes: they are numbered $1.. in
 * order of first appearance and bound by name (csvc__db_bind_*_named). */
int csvc__db_prepare_named(csvc__db *db, const char *text, csvc__stmt **out);

/* The number of the parameter named `name` (with its colon), or 0 when
 * the statement has none of that name. */
int csvc__db_param(const csvc__stmt *st, const char *name);

void csvc__db_finalize(csvc__stmt *st);

/* CSVC__ROW, CSVC__DONE, or a negative code with the statement reset. */
static inline int csvc__db_step(csvc__stmt *st)
{
	return st->ops->step(st);
}

/* Ends the current run; the bindings stay until the statement is handed
 * out again. */
static inline void csvc__db_reset(csvc__stmt *st)
{
	st->ops->reset(st);
}

/* Runs a statement that returns no rows, then resets it. */
int csvc__db_run(csvc__stmt *st);

/* Runs a CSVC__SQL_INSERT_ID statement and reads the new row's id into
 * *id. Resets it. */
int csvc__db_insert_id(csvc__stmt *st, int64_t *id);

/* Runs a cached statement whose parameters are all integers, given in
 * order ($1, $2, ...), that returns no rows. */
int csvc__db_run_ints(csvc__db *db, const csvc__sql *sql, size_t n, const int64_t *v);

/* Runs a statement expected to return at most one row and reads its first
 * column as an integer into *out: 1 when there was a row with a non-NULL
 * value, 0 otherwise (*out untouched), or a negative code. Resets it. */
int csvc__db_one_int(csvc__stmt *st, int64_t *out);

/* Runs a cached statement (no parameters, or one integer $1 = key) and
 * collects the first column of every row. The caller frees *ids. */
int csvc__db_collect_ids(csvc__db *db, const csvc__sql *sql, int64_t key, int64_t **ids, size_t *n);

/* ---- binding ---- */

static inline int csvc__db_bind_int(csvc__stmt *st, int n, int64_t v)
{
	return st->ops->bind_int(st, n, v);
}

static inline int csvc__db_bind_double(csvc__stmt *st, int n, double v)
{
	return st->ops->bind_double(st, n, v);
}

/* NULL binds SQL NULL. */
int csvc__db_bind_text(csvc__stmt *st, int n, const char *text);

static inline int csvc__db_bind_textn(csvc__stmt *st, int n, const char *text, size_t len)
{
	return st->ops->bind_text(st, n, text, len);
}

static inline int csvc__db_bind_blob(csvc__stmt *st, int n, const void *data, size_t len)
{
	return st->ops->bind_blob(st, n, data, len);
}

static inline int csvc__db_bind_null(csvc__stmt *st, int n)
{
	return st->ops->bind_null(st, n);
}

/* A UUID as its 16 bytes. */
static inline int csvc__db_bind_uuid(csvc__stmt *st, int n, const csvc_uuid *id)
{
	return st->ops->bind_blob(st, n, id->bytes, 16);
}

/* A substring search: the value the dialect's search expression compares
 * with (an FTS5 trigram phrase on SQLite for 3+ characters, else the text
 * itself). NULL binds nothing. */
int csvc__db_bind_search(csvc__stmt *st, int n, const char *text);

/* Bind by name on a statement from csvc__db_prepare_named; a name the
 * statement does not use is ignored, and a NULL text binds nothing. */
int csvc__db_bind_int_named(csvc__stmt *st, const char *name, int64_t v);
int csvc__db_bind_text_named(csvc__stmt *st, const char *name, const char *text);
int csvc__db_bind_search_named(csvc__stmt *st, const char *name, const char *text);

/* 1 if `text` is long enough (3+ characters) for the trigram index. */
int csvc__db_search_indexed(const char *text);

/* ---- columns (0-based) ---- */

static inline int csvc__db_is_null(csvc__stmt *st, int col)
{
	return st->ops->is_null(st, col);
}

static inline int64_t csvc__db_int(csvc__stmt *st, int col)
{
	return st->ops->col_int(st, col);
}

static inline double csvc__db_double(csvc__stmt *st, int col)
{
	return st->ops->col_double(st, col);
}

/* NULL for SQL NULL. */
static inline const char *csvc__db_textcol(csvc__stmt *st, int col)
{
	return st->ops->col_text(st, col);
}

/* A copy of text column `col` (csvc__free), or NULL for NULL; *oom set to
 * 1 when the copy could not be made (record loaders check it once). */
char *csvc__db_textcol_copy(csvc__stmt *st, int col, int *oom);

static inline const void *csvc__db_blob(csvc__stmt *st, int col, size_t *len)
{
	return st->ops->col_blob(st, col, len);
}

/* Reads a 16-byte blob column into *out: 1, or 0 (zeroed) when the
 * column is not one. */
int csvc__db_uuid(csvc__stmt *st, int col, csvc_uuid *out);

/* ---- connection ---- */

static inline int csvc__db_header(csvc__db *db, int64_t *app_id, int64_t *version, int64_t *objects)
{
	return db->ops->header(db, app_id, version, objects);
}

static inline int csvc__db_set_header(csvc__db *db, int64_t app_id, int64_t version)
{
	return db->ops->set_header(db, app_id, version);
}

static inline int csvc__db_claim(csvc__db *db)
{
	return db->ops->claim(db);
}

static inline int csvc__db_checkpoint(csvc__db *db, int wait)
{
	return db->ops->checkpoint(db, wait);
}

/* See csvc__db_ops.data_version and .wait_change (the feed's wait). A
 * driver without them (PostgreSQL, until it listens for notifications)
 * gets CSVC_ESTORAGE. */
int csvc__db_data_version(csvc__db *db, int64_t *out);
/* See csvc__db_ops.backup and .verify: CSVC_ESTATE where the driver has
 * none (PostgreSQL: the server's tools). */
int csvc__db_backup(csvc__db *db, const char *path);
int csvc__db_verify(csvc__db *db, int64_t *problems);
int csvc__db_wait_change(csvc__db *db, int64_t version, int timeout_ms);

/* Runs `sql` (no parameters, no rows; one statement or several) in the
 * connection's dialect. */
int csvc__db_exec_sql(csvc__db *db, const csvc__sql *sql, int internals);

/* Runs fixed text without parameters (see csvc__db_ops.exec). */
static inline int csvc__db_exec(csvc__db *db, const char *text, int internals)
{
	return db->ops->exec(db, text, internals);
}

static inline int64_t csvc__db_changes(csvc__db *db)
{
	return db->ops->changes(db);
}

/* Finalises every cached statement (for a driver that reconnects the
 * same csvc__db to another database). */
void csvc__db_drop_statements(csvc__db *db);

/* Closes the connection: rolls back an open transaction first (returning
 * CSVC_ESTATE after closing when one was open at csvc__db_begin level),
 * finalises the cached statements, and frees `db` now or, when
 * statements outside the cache are still open, when the last of them is
 * finalised (CSVC_EBUSY). NULL is a no-op. */
int csvc__db_close(csvc__db *db);

/* ---- transactions ----
 *
 * Levels: level 1 is a real transaction that takes the write lock at its
 * start. A nested level with `savepoint` is a savepoint; a nested level
 * without one (an API call inside the caller's transaction) takes none:
 * the call validates before its first write, so only a storage failure
 * can stop it half-way, and then the whole transaction is rolled back and
 * marked aborted (docs/error-handling.md). After that, only rollbacks are
 * accepted until the outermost level ends.
 *
 * Ending a level reports what it undid in a csvc__db_undo, for the store
 * to forget what it derived from the undone writes.
 */
typedef struct csvc__db_undo {
	/* Events queued at this level and above are void (-1: none). */
	int level;
	/* Stored data was undone: caches of stored data must go. */
	int data;
} csvc__db_undo;

int csvc__db_begin(csvc__db *db, int savepoint, csvc__db_undo *undo);
/* Ends a level. On an outermost commit that fails, the transaction is
 * rolled back and the store is as before begin. */
int csvc__db_commit(csvc__db *db, csvc__db_undo *undo);
int csvc__db_rollback(csvc__db *db, csvc__db_undo *undo);

/* A read transaction for several reads outside any transaction: one
 * snapshot for all of them. `*began` says whether one was begun; pass it
 * to csvc__db_read_end, which ends it (inside a transaction the reads
 * simply join it). */
int csvc__db_read_begin(csvc__db *db, int *began);
void csvc__db_read_end(csvc__db *db, int began);

static inline int csvc__db_depth(const csvc__db *db)
{
	return db->depth;
}

/*
 * Engines without a database-wide write lock (PostgreSQL) need locks the
 * SQLite write lock gives for free. Both do nothing on SQLite, whose
 * write transaction already excludes every other writer.
 *
 * csvc__db_lock_named: takes the lock called `name` (a fixed text) for the
 * rest of the open write transaction: writers that take the same name run
 * one after the other, in every process on the store (a transaction-scoped
 * advisory lock keyed on the name and the store's schema).
 *
 * csvc__db_locking: 1 when reads meant for a write should lock the rows
 * they read (SELECT ... FOR NO KEY UPDATE): a write transaction is open on
 * an engine without a write lock. The modules pick their locking
 * statement with it.
 */
int csvc__db_lock_named(csvc__db *db, const char *name);
int csvc__db_locking(const csvc__db *db);

/* 1 when `rc` (with the thread's error record) reports a failure a new
 * attempt of the whole transaction can get past: the engine ended the
 * transaction for a serialization failure or a deadlock (SQLSTATE 40001,
 * 40P01). Lock timeouts (the busy timeout ran out) are not. */
int csvc__db_retryable(int rc);

/* 1 when `rc` (with the thread's error record) is a failure that may be
 * gone on the next try of a read: a lock (CSVC_EBUSY), memory, or a
 * connection to the server that was lost (libpq's own error, SQLSTATE
 * class 08, or the server shutting down, 57P), which the next command
 * makes again. */
int csvc__db_passing(int rc);

/* Counts outermost write transactions. Caches keyed on it are valid while
 * this connection holds the write lock, which on SQLite excludes every
 * other writer of the whole database (PostgreSQL has no such lock:
 * docs/architecture.md lists the places that rely on it). */
static inline uint64_t csvc__db_serial(const csvc__db *db)
{
	return db->serial;
}

#endif
