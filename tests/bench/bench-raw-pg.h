/*
 * The raw-libpq side of the benchmark sections on PostgreSQL (--db): the
 * same statements the library sends, sent with libpq directly, for the
 * ratios. Besides lib/db/postgres.c, only the benchmark includes
 * <libpq-fe.h>. Each helper exits the program on a failure (a benchmark
 * has nothing to recover).
 *
 * Parameters are sent as the library's driver sends them: integers as
 * text, texts as text, 16-byte UUIDs as binary bytea, with their types
 * left for the server to infer (PQprepare with no types).
 */
#ifndef CSVC_BENCH_RAW_PG_H
#define CSVC_BENCH_RAW_PG_H

#include <libpq-fe.h>
#include <stdint.h>

#include "csvc.h"

/* The parameters of one statement run. */
#define BENCH_PG_MAX_PARAMS 64
typedef struct bench_pg_params {
	int n;
	const char *values[BENCH_PG_MAX_PARAMS];
	int lengths[BENCH_PG_MAX_PARAMS];
	int formats[BENCH_PG_MAX_PARAMS];
	char numbers[BENCH_PG_MAX_PARAMS][24];
} bench_pg_params;

static inline void bench_pg_params_clear(bench_pg_params *p)
{
	p->n = 0;
}
void bench_pg_int(bench_pg_params *p, int64_t v);
/* The text is not copied: it must live until the statement has run. */
void bench_pg_text(bench_pg_params *p, const char *v);
void bench_pg_null(bench_pg_params *p);
void bench_pg_blob(bench_pg_params *p, const void *v, int len);

/* Round trips to the server made by the helpers below since the program
 * started (a pipeline's sync counts one). */
extern int64_t bench_pg_round_trips;

/* A schema name of this run for one store: bench_<section>_<side>_<pid>.
 * Remembered, and dropped at exit by the process that named it (see
 * bench_pg_drop_schemas). Returns a string that lives until exit. */
const char *bench_pg_schema(const char *section, const char *side);

/* Drops every schema this process named, with a connection of its own
 * (sections call it at their end; it also runs at exit). With
 * CSVC_BENCH_KEEP_SCHEMAS=1 in the environment it keeps them, and says
 * which, to look at them afterwards. */
void bench_pg_drop_schemas(void);

/* Store options for a store in `schema` on the server of `conninfo`
 * (a libpq connection string or a postgresql:// URI); `path` is then "". */
void bench_pg_options(csvc_store_options *o, const char *conninfo, const char *schema);

/* A connection to the server with search_path set to `schema` and the
 * schema of pg_trgm, as the library's own connection has it. */
PGconn *bench_pg_connect(const char *conninfo, const char *schema);

/* Runs text without parameters (one or more statements; results dropped). */
void bench_pg_exec(PGconn *c, const char *sql);

/* Prepares `sql` under `name` on the connection, kept for the run. */
void bench_pg_prepare(PGconn *c, const char *name, const char *sql);

/* Runs prepared statement `name` with `p` (NULL: none), one round trip;
 * returns its result (the caller clears it). */
PGresult *bench_pg_run(PGconn *c, const char *name, const bench_pg_params *p);

/* The same, dropping the result. */
void bench_pg_run_void(PGconn *c, const char *name, const bench_pg_params *p);

/* The same, returning the integer in the first column of its first row
 * (0 for NULL; exits when there is no row). */
int64_t bench_pg_run_int(PGconn *c, const char *name, const bench_pg_params *p);

/* The integer in the first column of the one row `sql` returns. */
int64_t bench_pg_value(PGconn *c, const char *sql);

/* Column `col` of row `row` as an integer (0 for NULL). */
int64_t bench_pg_getint(const PGresult *r, int row, int col);

/* Pipeline mode: queue prepared statements, then send them with one sync
 * and read their results in order. */
void bench_pg_pipeline_begin(PGconn *c);
void bench_pg_send(PGconn *c, const char *name, const bench_pg_params *p);
/* Sends the sync and reads the `n` results queued since the last one,
 * into out[0..n-1] (the caller clears them with bench_pg_clear), or
 * drops them when `out` is NULL. */
void bench_pg_sync(PGconn *c, int n, PGresult **out);
void bench_pg_clear(PGresult **r, int n);
void bench_pg_pipeline_end(PGconn *c);

/* The library's feed append at commit (lib/feed/feed-sql.c): the table
 * lock with the change notification (one text, one round trip), the
 * head, and the run of `count` entries from row `row_id` of `source`
 * (1: ticket events, 2: customer events). bench_pg_prepare_feed prepares
 * its statements (and, for pipelines, the lock and the notification
 * apart: "feed_lock", "feed_notify", "feed_head", "feed_insert"). */
void bench_pg_prepare_feed(PGconn *c);
void bench_pg_feed_append(PGconn *c, int source, int64_t row_id, int64_t count);
/* Adds a new entry id's two halves (a random version 4 UUID) to `p`. */
void bench_pg_feed_id(bench_pg_params *p);

/* COPY FROM STDIN into `table` (`columns` as in COPY's column list), in
 * text format: start, add rows built with the bench_pg_copy_* helpers,
 * end. */
typedef struct bench_pg_copy {
	PGconn *c;
	char *buf;
	size_t len, cap;
	int fields; /* of the current row */
	int64_t rows;
} bench_pg_copy;
void bench_pg_copy_start(bench_pg_copy *cp, PGconn *c, const char *table, const char *columns);
void bench_pg_copy_int(bench_pg_copy *cp, int64_t v);
void bench_pg_copy_text(bench_pg_copy *cp, const char *v, size_t len);
void bench_pg_copy_blob(bench_pg_copy *cp, const void *v, size_t len);
void bench_pg_copy_null(bench_pg_copy *cp);
void bench_pg_copy_row_end(bench_pg_copy *cp);
void bench_pg_copy_end(bench_pg_copy *cp);

#endif
