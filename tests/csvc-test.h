/*
 * Shared helpers for the cmocka unit tests.
 */
#ifndef CSVC_TEST_H
#define CSVC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "csvc.h"

/* Asserts that a libcsvc call succeeded, printing the error record if not. */
#define csvc_assert_ok(expr)                                                           \
	do {                                                                               \
		int csvc_assert_rc_ = (expr);                                                  \
		if (csvc_assert_rc_ != CSVC_OK)                                                \
			print_error("%s -> %d (%s): %s\n", #expr, csvc_assert_rc_,                  \
			            csvc_strerror(csvc_assert_rc_), csvc_error_last()->message);   \
		assert_int_equal(csvc_assert_rc_, CSVC_OK);                                    \
	} while (0)

/* Asserts that a call failed with `code` and left a non-empty message. */
#define csvc_assert_err(expr, expected)                                                    \
	do {                                                                               \
		int csvc_assert_rc_ = (expr);                                                  \
		if (csvc_assert_rc_ != (expected))                                                 \
			print_error("%s -> %d, expected %d: %s\n", #expr, csvc_assert_rc_, (expected),  \
			            csvc_error_last()->message);                                   \
		assert_int_equal(csvc_assert_rc_, (expected));                                     \
		assert_int_equal(csvc_error_last()->code, (expected));                             \
		assert_true(csvc_error_last()->message[0] != '\0');                            \
	} while (0)

/* A deterministic clock for tests: returns *(int64_t *)userdata. */
static inline csvc_time_us csvc_test_clock(void *userdata)
{
	return *(const csvc_time_us *)userdata;
}

/* A staff member `code` (named after the code) of home store `home`
 * holding role `role`; either may be NULL. */
static inline void csvc_test_add_staff(csvc_store *s, const char *code, const char *home, const char *role)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	if (home)
		csvc_assert_ok(csvc_staff_set_home_store(st, home));
	if (role)
		csvc_assert_ok(csvc_staff_add_role(st, role));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
}

/* 1 when the file at `path` holds the `n` bytes of `needle` (0 when it
 * cannot be read): the raw-byte scans of erasure tests. */
static inline int csvc_test_file_contains(const char *path, const void *needle, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t cap = 1 << 16, len = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			char *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	fclose(f);
	assert_non_null(buf);
	int found = 0;
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

/*
 * The engine the tests run on. CSVC_TEST_PG, when set, is the libpq
 * connection string of a PostgreSQL database (tests/pg/with-pg-server.sh
 * sets it for the 'postgres' suite): csvc_test_open() and
 * csvc_test_store() then open their stores there, each in a schema of its
 * own, which is dropped when the test program exits. Parts of a test that
 * look at SQLite's own structures (the sqlite3 handle, the file, PRAGMAs)
 * run only when csvc_test_on_pg() is 0, and say so.
 */
static inline const char *csvc_test_pg(void)
{
	const char *c = getenv("CSVC_TEST_PG");
	return c && *c ? c : NULL;
}

static inline int csvc_test_on_pg(void)
{
	return csvc_test_pg() != NULL;
}

#ifdef CSVC_HAVE_POSTGRES
#include "db/postgres.h"

/* The schemas this program made, dropped at exit. */
static char csvc_test_schemas_[256][40];
static int csvc_test_n_schemas_;

static void csvc_test_drop_schemas_(void)
{
	if (!csvc_test_n_schemas_)
		return;
	csvc__postgres_config cfg = {.lock_timeout_ms = 10000};
	csvc__db *db = NULL;
	if (csvc__postgres_open(&db, csvc_test_pg(), &cfg) != CSVC_OK) {
		fprintf(stderr, "csvc-test: cannot drop the test schemas: %s\n", csvc_error_last()->message);
		return;
	}
	for (int i = 0; i < csvc_test_n_schemas_; i++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %.40s CASCADE", csvc_test_schemas_[i]);
		if (csvc__db_exec(db, sql, 0) != CSVC_OK)
			fprintf(stderr, "csvc-test: %s: %s\n", sql, csvc_error_last()->message);
	}
	csvc__db_close(db);
	csvc_test_n_schemas_ = 0;
}

/* Waits until some connection of the test server waits for a lock
 * (pg_locks, read on a connection of the test's own): another store's
 * call has then reached what this one holds, however slow the build
 * (valgrind). Fails the test after a minute. */
static inline void csvc_test_wait_for_lock_waiter(void)
{
	csvc__db *db = NULL;
	csvc__postgres_config cfg = {.lock_timeout_ms = 10000};
	csvc_assert_ok(csvc__postgres_open(&db, csvc_test_pg(), &cfg));
	static const csvc__sql SQL_WAITERS = CSVC__SQL_DIALECTS(NULL, "SELECT count(*) FROM pg_locks WHERE NOT granted");
	for (int i = 0; i < 6000; i++) {
		csvc__stmt *st = NULL;
		int64_t n = 0;
		csvc_assert_ok(csvc__db_stmt(db, &SQL_WAITERS, &st));
		assert_true(csvc__db_one_int(st, &n) >= 0);
		if (n > 0) {
			csvc__db_close(db);
			return;
		}
		usleep(10 * 1000);
	}
	csvc__db_close(db);
	fail_msg("no connection came to wait for a lock");
}

/* The schema that stands for `path` on PostgreSQL: one per file name (so
 * that a test reopens the same store), a new one for each ":memory:". */
static inline const char *csvc_test_schema_for_(const char *path)
{
	static unsigned counter;
	/* The program's pid, taken once: a child it forks opens the same
	 * schema for the same path. */
	static long owner;
	if (!owner)
		owner = (long)getpid();
	char name[40];
	if (strcmp(path, ":memory:") == 0 || !path[0]) {
		snprintf(name, sizeof(name), "t%ld_m%u", owner, ++counter);
	} else {
		uint64_t h = 1469598103934665603ull; /* FNV-1a */
		for (const char *p = path; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		snprintf(name, sizeof(name), "t%ld_f%016llx", owner, (unsigned long long)h);
	}
	for (int i = 0; i < csvc_test_n_schemas_; i++)
		if (strcmp(csvc_test_schemas_[i], name) == 0)
			return csvc_test_schemas_[i];
	if (csvc_test_n_schemas_ == 0)
		atexit(csvc_test_drop_schemas_);
	assert_true(csvc_test_n_schemas_ < 256);
	snprintf(csvc_test_schemas_[csvc_test_n_schemas_], sizeof(csvc_test_schemas_[0]), "%s", name);
	return csvc_test_schemas_[csvc_test_n_schemas_++];
}
#endif

/* csvc_store_open() on the engine the tests run on: on PostgreSQL,
 * `path` names a schema of its own in the test database (see above). */
static inline int csvc_test_open(csvc_store **out, const char *path, const csvc_store_options *opts)
{
#ifdef CSVC_HAVE_POSTGRES
	if (csvc_test_on_pg()) {
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		if (opts)
			memcpy(&o, opts, opts->version >= 3 ? sizeof(o) : opts->version == 2
			                 ? offsetof(csvc_store_options, pg_conninfo)
			                 : offsetof(csvc_store_options, wal_size_limit));
		o.version = CSVC_STORE_OPTIONS_VERSION;
		o.pg_conninfo = csvc_test_pg();
		o.pg_schema = csvc_test_schema_for_(path);
		return csvc_store_open(out, "", &o);
	}
#endif
	return csvc_store_open(out, path, opts);
}

/* Opens a private store on a test clock: in memory, or in a new schema on
 * PostgreSQL. */
static inline csvc_store *csvc_test_store(csvc_time_us *clock_cell)
{
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = csvc_test_clock;
	opts.clock_userdata = clock_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, ":memory:", &opts));
	return s;
}

#endif
