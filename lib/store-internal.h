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

#include "csvc/store.h"
#include "csvc/ticket.h"
#include "csvc/workflow.h"
#include "db/db.h"
#include "internal.h"

/* 'CSVC' in the store's header (SQLite: the application_id field). */
#define CSVC__APPLICATION_ID 0x43535643

struct csvc_store {
	csvc__db *db;
	csvc_clock_fn clock;
	void *clock_userdata;
	csvc_log_fn log;
	void *log_userdata;
	int32_t log_level;
	uint32_t flags;
	char country_code[8];
	char *zoneinfo_dir; /* NULL: the system's */

	/* Change hook and the events waiting for the outermost commit;
	 * tx_pending_mark[i]: events queued before level i began. */
	csvc_change_fn hook;
	void *hook_userdata;
	csvc_event **pending;
	size_t pending_n, pending_cap;
	size_t tx_pending_mark[CSVC__DB_TX_MAX_DEPTH];
	int dispatching;

	/* SLA: parsed calendars and policies, and the escalation depth. */
	struct csvc__sla_cache *sla;
	int sla_depth;
	csvc__sql *sla_insert_sql[17]; /* multi-row clock inserts, by row count */

	/* Stored workflow versions never change: loaded ones are kept. */
	csvc_workflow **wf_cache;
	size_t wf_cache_n;
};

void csvc__log(csvc_store *s, int level, const char *fmt, ...) CSVC__PRINTF(3, 4);

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

/* Checkpoints the WAL into the main file and truncates it: CSVC_EBUSY
 * if a reader or writer kept it from finishing, at once unless `wait`
 * (then after the busy timeout). Outside transactions. */
int csvc__store_checkpoint(csvc_store *s, int wait);

/* The open transaction level count (0: none). */
static inline int csvc__tx_depth(const csvc_store *s)
{
	return csvc__db_depth(s->db);
}

/* Schema (schema.c). Applies every pending migration to `db` (the store's
 * connection, or a new file's before it is put in place). */
int csvc__schema_migrate(csvc_store *s, csvc__db *db, int32_t from_version);
int32_t csvc__schema_latest(void);

#endif
