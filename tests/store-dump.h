/*
 * A full dump of a store, for tests that check a failed call changed
 * nothing (test-faults, test-oom, the misuse test): of a file, or of a
 * store's schema on PostgreSQL.
 */
#ifndef CSVC_TEST_DUMP_H
#define CSVC_TEST_DUMP_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"

/* Every row of every table of the store file at `path`, as text, in a
 * stable order, through a connection of its own; FTS shadow tables are
 * covered by their tables. The caller frees the result with free().
 * SQLite's allocations are not libcsvc's, so this never touches the
 * library's allocator. */
static inline char *csvc_test_dump(const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *tables;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                                    " AND name NOT LIKE 'sqlite_%' ORDER BY name",
	                                    -1, &tables, NULL),
	                 SQLITE_OK);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	out[0] = '\0';
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);
		if (strstr(t, "_search_"))
			continue;
		char sql[512];
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", t);
		sqlite3_stmt *rows;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		int ncol = sqlite3_column_count(rows);
		sqlite3_finalize(rows);
		size_t len_sql = strlen(sql);
		len_sql += (size_t)snprintf(sql + len_sql, sizeof(sql) - len_sql, " ORDER BY 1");
		for (int c = 2; c <= ncol; c++)
			len_sql += (size_t)snprintf(sql + len_sql, sizeof(sql) - len_sql, ", %d", c);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (int i = 0; i < ncol; i++) {
				const char *v = (const char *)sqlite3_column_text(rows, i);
				size_t n = strlen(t) + (v ? strlen(v) : 4) + 4;
				if (len + n >= cap) {
					cap = (cap + n) * 2;
					out = realloc(out, cap);
				}
				len += (size_t)snprintf(out + len, cap - len, "%s|%s%c", t, v ? v : "NULL",
				                        i + 1 == ncol ? '\n' : ' ');
			}
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	return out;
}

#ifdef CSVC_HAVE_POSTGRES
#include "db/postgres.h"

/* Every row of every table of the store on PostgreSQL that `db` is
 * connected to (its search_path names the store's schema), as text: one
 * query, made by the server, reads each table, each row as the text of
 * its composite value, in the order of that text (a heap's physical order
 * may change when its content does not). The caller frees the result with
 * free(). */
static inline char *csvc_test_dump_pg(csvc__db *db)
{
	csvc__stmt *st = NULL;
	assert_int_equal(csvc__db_prepare(db,
	                                  "SELECT string_agg(format('SELECT %L, CAST(x AS text) FROM %I x',"
	                                  " tablename, tablename), ' UNION ALL ' ORDER BY tablename)"
	                                  " || ' ORDER BY 1, 2' FROM pg_tables WHERE schemaname = current_schema()",
	                                  &st),
	                 CSVC_OK);
	assert_int_equal(csvc__db_step(st), CSVC__ROW);
	char *sql = strdup(csvc__db_textcol(st, 0));
	csvc__db_finalize(st);
	assert_int_equal(csvc__db_prepare(db, sql, &st), CSVC_OK);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	out[0] = '\0';
	int rc;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		const char *t = csvc__db_textcol(st, 0), *v = csvc__db_textcol(st, 1);
		size_t n = strlen(t) + strlen(v) + 3;
		if (len + n >= cap) {
			cap = (cap + n) * 2;
			out = realloc(out, cap);
		}
		len += (size_t)snprintf(out + len, cap - len, "%s|%s\n", t, v);
	}
	assert_int_equal(rc, CSVC__DONE);
	csvc__db_finalize(st);
	free(sql);
	return out;
}
#endif

/* The dump of the store that csvc_test_open(path) opens: the file, or on
 * PostgreSQL (CSVC_TEST_PG) the schema that stands for `path`, read
 * through a connection of its own. */
static inline char *csvc_test_dump_at(const char *path)
{
#ifdef CSVC_HAVE_POSTGRES
	if (csvc_test_on_pg()) {
		csvc__postgres_config cfg = {.lock_timeout_ms = 10000, .schema = csvc_test_schema_for_(path),
		                             .readonly = 1};
		csvc__db *db = NULL;
		int rc = csvc__postgres_open(&db, csvc_test_pg(), &cfg);
		if (rc)
			print_error("csvc_test_dump_at: %s\n", csvc_error_last()->message);
		assert_int_equal(rc, CSVC_OK);
		char *out = csvc_test_dump_pg(db);
		csvc__db_close(db);
		return out;
	}
#endif
	return csvc_test_dump(path);
}

#endif
