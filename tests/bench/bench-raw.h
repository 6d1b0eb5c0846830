/*
 * The raw-SQLite side of the benchmark sections: the same work done with
 * sqlite3 directly, for the ratios. Each helper exits the program on a
 * failure (a benchmark has nothing to recover).
 */
#ifndef CSVC_BENCH_RAW_H
#define CSVC_BENCH_RAW_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A statement kept for the whole run. */
static inline sqlite3_stmt *bench_raw_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

/* Runs SQL text without results (schema, transaction control). */
static inline void bench_raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", sql, err);
		exit(1);
	}
}

/* Steps a statement that returns no row or one, then resets it. */
static inline void bench_raw_run(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "bench: raw step: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
}

/* The integer in the first column of the one row `sql` returns. */
static inline int64_t bench_raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "bench: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
