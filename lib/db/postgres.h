/*
 * The PostgreSQL driver of the database layer (lib/db/db.h), over libpq:
 * a store in a database of a PostgreSQL server. No libpq type appears
 * here. See docs/architecture.md, "The PostgreSQL driver", for what works
 * today and what the store still lacks on this engine.
 */
#ifndef CSVC_DB_POSTGRES_H
#define CSVC_DB_POSTGRES_H

#include <stdint.h>

#include "db/db.h"

/* The engine's name in the error record (csvc_error.engine). */
#define CSVC__ENGINE_POSTGRES "postgresql"

typedef struct csvc__postgres_config {
	/* Seconds to wait for the connection; 0: libpq's default (none). */
	int connect_timeout_s;
	/* Milliseconds a statement waits for a row or table lock before it
	 * fails with CSVC_EBUSY (lock_timeout); 0: wait as long as it takes. */
	int lock_timeout_ms;
	/* The schema that holds the store (NULL: the connection's default
	 * search_path, nothing checked). With one, the open checks that the
	 * database can hold and search the store's text (UTF-8, a character
	 * classification that knows Chinese letters, for pg_trgm), creates
	 * the schema when missing if `create`, and sets search_path to it
	 * and the schema of the pg_trgm extension ("public" until it is
	 * installed). */
	const char *schema;
	int create;
	/* Every transaction of the session is read-only. */
	int readonly;
	/* Commits return before the server has flushed them
	 * (synchronous_commit = off). */
	int async_commit;
	/* Checks the header and applies migrations once connected (the
	 * store's prepare_schema); NULL: nothing to check. */
	int (*prepare)(csvc__db *db, int readonly, void *ctx);
	void *ctx;
} csvc__postgres_config;

/*
 * Connects to the PostgreSQL server that `conninfo` names (a libpq
 * connection string "host=... dbname=..." or a postgresql:// URI) and
 * returns the connection in *out. The session is set up for the layer:
 * UTF-8 client encoding, hex bytea output and exact float output. `cfg`
 * may be NULL (all defaults). A server that cannot be reached gives
 * CSVC_ESTORAGE with libpq's message.
 */
int csvc__postgres_open(csvc__db **out, const char *conninfo, const csvc__postgres_config *cfg);

#endif
