/*
 * A full dump of a store file, for tests that check a failed call changed
 * nothing (test-faults, test-oom).
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

#endif
