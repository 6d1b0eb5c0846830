/*
 * White-box access for tests of the SQLite driver: the sqlite3 connection
 * behind a store, to read and damage its file directly.
 */
#ifndef CSVC_TEST_STORE_SQLITE_H
#define CSVC_TEST_STORE_SQLITE_H

#include <sqlite3.h>

#include "db/sqlite.h"
#include "store/store-internal.h"

#define CSVC_TEST_SQLITE(s) ((sqlite3 *)csvc__sqlite_handle((s)->db))

#endif
