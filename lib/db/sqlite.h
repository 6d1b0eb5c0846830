/*
 * The SQLite driver of the database layer (lib/db/db.h): a store in one
 * file, or in memory. No SQLite type appears here.
 */
#ifndef CSVC_DB_SQLITE_H
#define CSVC_DB_SQLITE_H

#include <stdint.h>

#include "db/db.h"

/* The engine's name in the error record (csvc_error.engine). */
#define CSVC__ENGINE_SQLITE "sqlite"

typedef struct csvc__sqlite_config {
	uint32_t flags;           /* CSVC_OPEN_* (csvc/store.h) */
	int busy_timeout_ms;      /* 0: fail at once when locked */
	int durability;           /* CSVC_DURABILITY_* */
	int64_t wal_size_limit;   /* bytes the WAL is cut back to; -1: no limit */
	/* Checks the header and applies migrations: called on a new store
	 * before it is put in place, and on every store opened. */
	int (*prepare)(csvc__db *db, int readonly, void *ctx);
	void *ctx;
} csvc__sqlite_config;

/*
 * Opens the store at `path`: a plain file path, "" or ":memory:" for a
 * private in-memory store, or an SQLite URI with CSVC_OPEN_URI. Only a
 * missing file is created, as a whole (built at a temporary name and
 * linked into place once prepared); an existing empty or short file is
 * refused. Per-connection settings only: SQLite's process-wide
 * configuration is never touched, since the host may use SQLite too.
 */
int csvc__sqlite_open(csvc__db **out, const char *path, const csvc__sqlite_config *cfg);

/* The SQLite connection (a sqlite3 *) behind a connection this driver
 * opened, for the driver's own white-box tests, which read and damage
 * store files through SQLite directly. */
void *csvc__sqlite_handle(csvc__db *db);

#endif
