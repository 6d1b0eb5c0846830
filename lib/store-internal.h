/*
 * The store's insides: the connection, statement cache, transactions,
 * change-hook queue and workflow cache.
 *
 * Layering: SQL text lives only in store.c, schema.c and the *-sql.c
 * files. Domain code (customer.c, ticket.c, ...) calls the
 * csvc__<module>_db_* functions declared in each module's *-internal.h,
 * so a second backend can provide the same functions without touching the
 * domain logic. Domain code still includes this header for the
 * transaction functions and store settings; a second backend would move
 * those behind a backend table (docs/architecture.md).
 */
#ifndef CSVC_STORE_INTERNAL_H
#define CSVC_STORE_INTERNAL_H

#include <sqlite3.h>

#include "csvc/store.h"
#include "csvc/ticket.h"
#include "csvc/workflow.h"
#include "internal.h"

/* 'CSVC' in the SQLite header's application_id field. */
#define CSVC__APPLICATION_ID 0x43535643

#define CSVC__TX_MAX_DEPTH 64

typedef struct csvc__stmt_slot {
	const char *sql; /* static string; its address is the key */
	sqlite3_stmt *stmt;
} csvc__stmt_slot;

struct csvc_store {
	sqlite3 *db;
	csvc_clock_fn clock;
	void *clock_userdata;
	csvc_log_fn log;
	void *log_userdata;
	int32_t log_level;
	uint32_t flags;
	int busy_timeout_ms;
	char country_code[8];
	char *zoneinfo_dir; /* NULL: the system's */
	char *side_files_to_remove; /* read-only: the -wal/-shm this open created */

	int tx_depth;   /* 0: no transaction; see store.c for the levels */
	int tx_aborted; /* the transaction was rolled back under open levels */
	uint64_t tx_serial; /* counts outermost transactions: caches keyed on it
	                     * hold while this connection has the write lock */
	char tx_savepoint[CSVC__TX_MAX_DEPTH];     /* level i has a savepoint */
	int64_t tx_mark[CSVC__TX_MAX_DEPTH];       /* total_changes at level i's begin */

	/* Change hook and the events waiting for the outermost commit. */
	csvc_change_fn hook;
	void *hook_userdata;
	csvc_event **pending;
	size_t pending_n, pending_cap;
	size_t tx_pending_mark[CSVC__TX_MAX_DEPTH];
	int dispatching;

	/* SLA: parsed calendars and policies, and the escalation depth. */
	struct csvc__sla_cache *sla;
	int sla_depth;
	char *sla_insert_sql[17]; /* multi-row clock inserts, by row count */

	/* Stored workflow versions never change: loaded ones are kept. */
	csvc_workflow **wf_cache;
	size_t wf_cache_n;

	csvc__stmt_slot *stmts; /* open-addressing table keyed by SQL address */
	size_t stmt_cap;
	size_t stmt_count;
};

void csvc__log(csvc_store *s, int level, const char *fmt, ...) CSVC__PRINTF(3, 4);

/* Returns a cached, reset prepared statement for the static string `sql`.
 * Sets the error on failure. */
int csvc__stmt(csvc_store *s, const char *sql, sqlite3_stmt **out);

/* Steps `stmt`: returns SQLITE_ROW or SQLITE_DONE, or a negative csvc code
 * with the error set (and the statement reset). */
int csvc__step(csvc_store *s, sqlite3_stmt *stmt);

/* Runs a statement expected to return no rows, then resets it. */
int csvc__exec_stmt(csvc_store *s, sqlite3_stmt *stmt);

/* Runs `sql` (a static SQL text taking at most one integer parameter,
 * bound to `key`) and collects the first column of every row. The caller
 * frees *ids. */
int csvc__collect_ids(csvc_store *s, const char *sql, int64_t key, int64_t **ids, size_t *n);

/* Sets the error from the connection's last SQLite error. */
int csvc__sqlite_error(csvc_store *s, int rc, const char *what);

/* A read transaction for several reads outside any transaction: one
 * snapshot and one lock for all of them. `*began` says whether one was
 * begun; pass it to csvc__read_end, which ends it (inside a transaction,
 * the reads simply join it). */
int csvc__read_begin(csvc_store *s, int *began);
void csvc__read_end(csvc_store *s, int began);

/* Internal transactions, used by every writing API call. They do not clear
 * the thread's error record. */
int csvc__tx_begin(csvc_store *s);
int csvc__tx_commit(csvc_store *s);
int csvc__tx_rollback(csvc_store *s);

/* Finish an internal transaction: commit if rc == 0, else roll back and
 * return rc unchanged (keeping its error message). */
int csvc__tx_end(csvc_store *s, int rc);

/* Bind helpers: text may be NULL (binds SQL NULL). */
int csvc__bind_text(sqlite3_stmt *st, int idx, const char *text);
int csvc__bind_uuid(sqlite3_stmt *st, int idx, const csvc_uuid *id);
/* Reads a 16-byte blob column into *out; returns 0 if it is not one. */
int csvc__column_uuid(sqlite3_stmt *st, int col, csvc_uuid *out);

/* Checkpoints the WAL into the main file and truncates it: CSVC_EBUSY
 * if a reader or writer kept it from finishing, at once unless `wait`
 * (then after the busy timeout). Outside transactions. */
int csvc__store_checkpoint(csvc_store *s, int wait);

/* Schema (schema.c). Applies every pending migration. */
int csvc__schema_migrate(csvc_store *s, int32_t from_version);
int32_t csvc__schema_latest(void);

#endif
