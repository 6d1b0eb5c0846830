/*
 * The SQLite driver: the only file of the library that includes
 * <sqlite3.h>. It opens and creates store files, maps SQLite's results
 * to csvc codes, and implements the operations of lib/db/db.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <poll.h>
#include <sys/inotify.h>
#endif

#include <sqlite3.h>

#include "csvc/store.h"
#include "db/sqlite.h"
#include "util/internal.h"

typedef struct lite_db {
	csvc__db base;
	sqlite3 *h;
	int busy_timeout_ms;
	char *side_files_to_remove; /* read-only: the -wal/-shm this open created */
} lite_db;

typedef struct lite_stmt {
	csvc__stmt base;
	sqlite3_stmt *h;
	/* $k is SQLite's parameter map[k] when the numbers do not follow
	 * their order of appearance; NULL: $k is parameter k. */
	int *map;
	int map_n;
	int map_room[]; /* where `map` points: one allocation a statement */
} lite_stmt;

#define LDB(db) ((lite_db *)(db))
#define LST(st) ((lite_stmt *)(st))

/* ---- errors ---- */

static int code_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CSVC_EBUSY;
	case SQLITE_NOMEM:
		return CSVC_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return CSVC_ECORRUPT;
	case SQLITE_READONLY:
		return CSVC_EREADONLY;
	case SQLITE_CONSTRAINT:
		return CSVC_EEXISTS;
	default:
		return CSVC_ESTORAGE;
	}
}

/* The store's internal objects that SQLite's messages may name, in the
 * words of the API. A name matches with any suffix, so the FTS5 shadow
 * tables (customer_search_config, ...) count as their index. */
static const struct {
	const char *prefix;
	const char *words;
} internal_names[] = {
	{"customer_search", "the store's customer search index"},
	{"ticket_search", "the store's ticket search index"},
};

static const char *internal_words(const char *name)
{
	for (size_t i = 0; i < sizeof(internal_names) / sizeof(internal_names[0]); i++)
		if (strncmp(name, internal_names[i].prefix, strlen(internal_names[i].prefix)) == 0)
			return internal_names[i].words;
	return NULL;
}

#define DETAIL_MAX 256

/* Writes SQLite's message `detail` for result `rc` into `out` in the
 * words of the API: a search index with missing parts or a bad format is
 * "damaged" rather than a "vtable constructor failed". Returns the csvc
 * code: CSVC_ECORRUPT for a damaged index, else code_of(rc). */
static int detail_words(int rc, const char *detail, char *out, size_t size)
{
	int code = code_of(rc);
	if (!detail)
		detail = "";
	static const char *const damaged[] = {"vtable constructor failed: ", "no such table: main.", "no such table: "};
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		size_t n = strlen(damaged[i]);
		const char *words;
		if (strncmp(detail, damaged[i], n) == 0 && (words = internal_words(detail + n))) {
			snprintf(out, size, "%s is damaged: part of it is missing", words);
			return CSVC_ECORRUPT;
		}
	}
	if (strncmp(detail, "invalid fts5 file format", 24) == 0 || strcmp(detail, "fts5: corrupt") == 0 ||
	    rc == SQLITE_CORRUPT_VTAB) {
		snprintf(out, size, "a search index of the store is damaged: its format is not valid");
		return CSVC_ECORRUPT;
	}
	size_t o = 0;
	while (*detail && o + 1 < size) {
		const char *words = NULL;
		if ((detail[0] == 'c' || detail[0] == 't') && (words = internal_words(detail))) {
			snprintf(out + o, size - o, "%s", words);
			o += strlen(out + o);
			while (*detail == '_' || (*detail >= 'a' && *detail <= 'z'))
				detail++;
			continue;
		}
		out[o++] = *detail++;
	}
	out[o < size ? o : size - 1] = '\0';
	return code;
}

static int lite_error(sqlite3 *h, int rc, const char *what)
{
	char detail[DETAIL_MAX];
	int code = detail_words(rc, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc), detail, sizeof(detail));
	if (code == CSVC_EBUSY)
		return csvc__error_engine(code, CSVC__ENGINE_SQLITE, rc, NULL,
		                          "%s: store is locked by another connection (%s)", what, detail);
	return csvc__error_engine(code, CSVC__ENGINE_SQLITE, rc, NULL, "%s: %s", what, detail);
}

/* ---- statements ---- */

static const csvc__db_ops lite_ops;

/* Reads "$<digits>" into *k. */
static int dollar_number(const char *name, int *k)
{
	if (!name || name[0] != '$' || name[1] < '1' || name[1] > '9')
		return 0;
	long v = 0;
	for (const char *p = name + 1; *p; p++) {
		if (*p < '0' || *p > '9' || v > 32766)
			return 0;
		v = v * 10 + (*p - '0');
	}
	*k = (int)v;
	return 1;
}

static int lite_prepare(csvc__db *db, const char *text, csvc__stmt **out)
{
	sqlite3_stmt *h = NULL;
	int rc = sqlite3_prepare_v3(LDB(db)->h, text, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(h);
		return lite_error(LDB(db)->h, rc, "preparing a statement");
	}
	/* SQLite numbers named parameters in order of first appearance, so
	 * "$2 ... $1" makes $2 its parameter 1: map the numbers. */
	int n = sqlite3_bind_parameter_count(h), max = 0, in_order = 1;
	for (int i = 1; i <= n; i++) {
		int k;
		const char *name = sqlite3_bind_parameter_name(h, i);
		if (!dollar_number(name, &k)) {
			rc = csvc__error(CSVC_ESTORAGE, "statement parameter '%s' is not written $1..$n",
			                 name ? name : "?");
			sqlite3_finalize(h);
			return rc;
		}
		if (k != i)
			in_order = 0;
		if (k > max)
			max = k;
	}
	size_t room = in_order ? 0 : (size_t)max + 1;
	lite_stmt *st = csvc__calloc(1, sizeof(*st) + room * sizeof(int));
	if (!st) {
		sqlite3_finalize(h);
		return csvc__error(CSVC_ENOMEM, "out of memory preparing a statement");
	}
	st->h = h;
	if (!in_order) {
		st->map = st->map_room;
		st->map_n = max + 1;
		for (int i = 1; i <= n; i++) {
			int k = 0;
			dollar_number(sqlite3_bind_parameter_name(h, i), &k);
			st->map[k] = i;
		}
	}
	st->base.ops = &lite_ops;
	st->base.db = db;
	st->base.nparams = max;
	*out = &st->base;
	return CSVC_OK;
}

static void lite_finalize(csvc__stmt *st)
{
	sqlite3_finalize(LST(st)->h);
	csvc__free(st);
}

static int lite_step(csvc__stmt *st)
{
	int rc = sqlite3_step(LST(st)->h);
	if (rc == SQLITE_ROW)
		return CSVC__ROW;
	if (rc == SQLITE_DONE)
		return CSVC__DONE;
	int err = lite_error(LDB(st->db)->h, rc, "executing a statement");
	sqlite3_reset(LST(st)->h);
	return err;
}

static void lite_reset(csvc__stmt *st)
{
	sqlite3_reset(LST(st)->h);
}

static void lite_clear(csvc__stmt *st)
{
	sqlite3_clear_bindings(LST(st)->h);
}

static inline int param(const csvc__stmt *st, int n)
{
	const lite_stmt *l = (const lite_stmt *)st;
	if (!l->map)
		return n;
	return n > 0 && n < l->map_n ? l->map[n] : 0;
}

static int bind_result(csvc__stmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return CSVC_OK;
	return lite_error(LDB(st->db)->h, rc, "binding a value");
}

static int lite_bind_int(csvc__stmt *st, int n, int64_t v)
{
	return bind_result(st, sqlite3_bind_int64(LST(st)->h, param(st, n), v));
}

static int lite_bind_double(csvc__stmt *st, int n, double v)
{
	return bind_result(st, sqlite3_bind_double(LST(st)->h, param(st, n), v));
}

static int lite_bind_text(csvc__stmt *st, int n, const char *text, size_t len)
{
	if (len > INT_MAX)
		return csvc__error(CSVC_ERANGE, "a text of %zu bytes is too long to store", len);
	return bind_result(st, sqlite3_bind_text(LST(st)->h, param(st, n), text, (int)len, SQLITE_STATIC));
}

static int lite_bind_blob(csvc__stmt *st, int n, const void *data, size_t len)
{
	/* A zero-length blob is bound as one, not as NULL. */
	return bind_result(st, sqlite3_bind_blob64(LST(st)->h, param(st, n), len ? data : "", (sqlite3_uint64)len,
	                                           SQLITE_STATIC));
}

static int lite_bind_null(csvc__stmt *st, int n)
{
	return bind_result(st, sqlite3_bind_null(LST(st)->h, param(st, n)));
}

/* For 3+ characters, the searches MATCH the trigram index with an FTS5
 * phrase, which finds the text as a substring; shorter ones use instr()
 * on the text itself (the module's query builder chose the same way,
 * with csvc__db_search_indexed). */
static int lite_bind_search(csvc__stmt *st, int n, const char *text)
{
	if (!csvc__db_search_indexed(text))
		return bind_result(st, sqlite3_bind_text(LST(st)->h, param(st, n), text, -1, SQLITE_TRANSIENT));
	csvc__buf phrase = {0};
	csvc__buf_put(&phrase, "\"", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			csvc__buf_put(&phrase, "\"\"", 2);
		else
			csvc__buf_put(&phrase, p, 1);
	}
	csvc__buf_put(&phrase, "\"", 1);
	int rc;
	if (phrase.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory building a search phrase");
	else
		rc = bind_result(st, sqlite3_bind_text(LST(st)->h, param(st, n), phrase.data, (int)phrase.len,
		                                       SQLITE_TRANSIENT));
	csvc__buf_free(&phrase);
	return rc;
}

static int lite_is_null(csvc__stmt *st, int col)
{
	return sqlite3_column_type(LST(st)->h, col) == SQLITE_NULL;
}

static int64_t lite_col_int(csvc__stmt *st, int col)
{
	return sqlite3_column_int64(LST(st)->h, col);
}

static double lite_col_double(csvc__stmt *st, int col)
{
	return sqlite3_column_double(LST(st)->h, col);
}

static const char *lite_col_text(csvc__stmt *st, int col)
{
	return (const char *)sqlite3_column_text(LST(st)->h, col);
}

static const void *lite_col_blob(csvc__stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(LST(st)->h, col);
	*len = (size_t)sqlite3_column_bytes(LST(st)->h, col);
	return p;
}

/* ---- connection ---- */

static int lite_exec(csvc__db *db, const char *text, int internals)
{
	sqlite3 *h = LDB(db)->h;
	char *errmsg = NULL;
	/* Writing an FTS5 index's shadow tables is what defensive mode
	 * forbids; only a migration that repairs one asks for it. */
	if (internals)
		sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 0, (int *)0);
	int rc = sqlite3_exec(h, text, NULL, NULL, &errmsg);
	if (internals)
		sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	int err = CSVC_OK;
	if (rc != SQLITE_OK) {
		char detail[DETAIL_MAX];
		int code = detail_words(rc, errmsg ? errmsg : sqlite3_errstr(rc), detail, sizeof(detail));
		err = csvc__error_engine(code, CSVC__ENGINE_SQLITE, rc, NULL, "%s", detail);
	}
	sqlite3_free(errmsg);
	return err;
}

static int64_t lite_changes(csvc__db *db)
{
	return sqlite3_changes64(LDB(db)->h);
}

static int64_t lite_total_changes(csvc__db *db)
{
	return sqlite3_total_changes64(LDB(db)->h);
}

static int64_t lite_last_insert_id(csvc__db *db)
{
	return sqlite3_last_insert_rowid(LDB(db)->h);
}

static int lite_in_transaction(csvc__db *db)
{
	return LDB(db)->h && !sqlite3_get_autocommit(LDB(db)->h);
}

static int pragma_int(sqlite3 *h, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return lite_error(h, rc, "reading the store header");
	return CSVC_OK;
}

static int lite_header(csvc__db *db, int64_t *app_id, int64_t *version, int64_t *objects)
{
	sqlite3 *h = LDB(db)->h;
	int rc = pragma_int(h, "PRAGMA application_id", app_id);
	if (rc == CSVC_ECORRUPT)
		return csvc__error_refine(CSVC_ECORRUPT, "the file is not an SQLite database or is damaged");
	if (rc || (rc = pragma_int(h, "PRAGMA user_version", version)) ||
	    (rc = pragma_int(h, "SELECT count(*) FROM sqlite_schema", objects)))
		return rc;
	return CSVC_OK;
}

static int lite_set_header(csvc__db *db, int64_t app_id, int64_t version)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "PRAGMA application_id=%lld; PRAGMA user_version=%lld", (long long)app_id,
	         (long long)version);
	int rc = sqlite3_exec(LDB(db)->h, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? CSVC_OK : lite_error(LDB(db)->h, rc, "recording the schema version");
}

static int exec_what(sqlite3 *h, const char *sql, const char *what)
{
	char *errmsg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &errmsg);
	sqlite3_free(errmsg);
	return rc == SQLITE_OK ? CSVC_OK : lite_error(h, rc, what);
}

static int lite_claim(csvc__db *db)
{
	return exec_what(LDB(db)->h, "PRAGMA journal_mode=WAL", "enabling WAL");
}

static int lite_checkpoint(csvc__db *db, int wait)
{
	lite_db *l = LDB(db);
	int log_frames = -1, done_frames = -1;
	if (!wait)
		sqlite3_busy_timeout(l->h, 0);
	int rc = sqlite3_wal_checkpoint_v2(l->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done_frames);
	if (!wait)
		sqlite3_busy_timeout(l->h, l->busy_timeout_ms);
	if ((rc & 0xff) == SQLITE_BUSY || (rc == SQLITE_OK && log_frames > 0 && done_frames < log_frames))
		return csvc__error_engine(CSVC_EBUSY, CSVC__ENGINE_SQLITE, rc, NULL,
		                          "the checkpoint could not finish: another connection is reading an "
		                          "older snapshot or writing; try again when it is done");
	if (rc != SQLITE_OK)
		return lite_error(l->h, rc, "checkpointing the store");
	return CSVC_OK;
}

static int lite_data_version(csvc__db *db, int64_t *out)
{
	return pragma_int(LDB(db)->h, "PRAGMA data_version", out);
}

/* The longest sleep between two checks of the data version: with inotify
 * a bound against missed notifications (the log file replaced), without
 * it the cap of the backoff. */
#define WAIT_CHECK_MS 250

/* Every commit of another connection in WAL mode writes the -wal file:
 * sleep on inotify's IN_MODIFY for it (Linux), checking PRAGMA
 * data_version at each wake; elsewhere, or when the file cannot be
 * watched (an in-memory or immutable store), sleep with a backoff from 1
 * to WAIT_CHECK_MS milliseconds. Timeouts are real time (CLOCK_MONOTONIC),
 * never the store's clock. */
static int lite_wait_change(csvc__db *db, int64_t version, int timeout_ms)
{
	lite_db *l = LDB(db);
	int64_t deadline = csvc__monotonic_ms() + timeout_ms;
	int fd = -1;
#ifdef __linux__
	const char *name = sqlite3_db_filename(l->h, "main");
	if (name && *name) {
		size_t n = strlen(name);
		char *wal = csvc__malloc(n + 5);
		if (wal) {
			memcpy(wal, name, n);
			memcpy(wal + n, "-wal", 5);
			fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
			if (fd >= 0 && inotify_add_watch(fd, wal, IN_MODIFY | IN_CLOSE_WRITE) < 0) {
				close(fd);
				fd = -1;
			}
			csvc__free(wal);
		}
	}
#endif
	int backoff = 1, rc = 0;
	for (;;) {
		int64_t now_version = 0;
		if ((rc = lite_data_version(db, &now_version)) < 0)
			break;
		if (now_version != version) {
			rc = 1;
			break;
		}
		int64_t left = deadline - csvc__monotonic_ms();
		if (left <= 0) {
			rc = 0;
			break;
		}
		int sleep_ms = fd >= 0 ? WAIT_CHECK_MS : backoff;
		if (sleep_ms > left)
			sleep_ms = (int)left;
#ifdef __linux__
		if (fd >= 0) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			if (poll(&p, 1, sleep_ms) > 0) {
				char buf[4096];
				while (read(fd, buf, sizeof(buf)) > 0) {
				}
			}
			continue;
		}
#endif
		struct timespec ts = {sleep_ms / 1000, (long)(sleep_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		if (backoff < WAIT_CHECK_MS)
			backoff = backoff * 2 > WAIT_CHECK_MS ? WAIT_CHECK_MS : backoff * 2;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static void remove_side_files(const char *name);

static int lite_close(csvc__db *db)
{
	lite_db *l = LDB(db);
	if (!l->h)
		return CSVC_OK;
	/* The statements left now are those outside the cache (iterators
	 * not yet freed): sqlite3_close() refuses with SQLITE_BUSY, and the
	 * connection then closes when the last of them is finalised
	 * (sqlite3_close_v2). */
	int src = sqlite3_close(l->h);
	int busy = (src & 0xff) == SQLITE_BUSY;
	if (busy)
		src = sqlite3_close_v2(l->h);
	l->h = NULL;
	int rc = CSVC_OK;
	if (src != SQLITE_OK)
		rc = csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_SQLITE, src, NULL, "closing the store: %s",
		                        sqlite3_errstr(src));
	else if (busy)
		rc = csvc__error(CSVC_EBUSY, "statements of the connection are still open: it closes when the "
		                             "last of them is finalised");
	if (l->side_files_to_remove)
		remove_side_files(l->side_files_to_remove);
	csvc__free(l->side_files_to_remove);
	l->side_files_to_remove = NULL;
	return rc;
}

static void lite_destroy(csvc__db *db)
{
	csvc__free(db);
}

static int lite_backup(csvc__db *db, const char *path);
static int lite_verify(csvc__db *db, int64_t *problems);

static const csvc__db_ops lite_ops = {
	.engine = CSVC__ENGINE_SQLITE,
	.dialect = CSVC__DIALECT_SQLITE,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.step = lite_step,
	.reset = lite_reset,
	.clear = lite_clear,
	.bind_int = lite_bind_int,
	.bind_double = lite_bind_double,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.is_null = lite_is_null,
	.col_int = lite_col_int,
	.col_double = lite_col_double,
	.col_text = lite_col_text,
	.col_blob = lite_col_blob,
	.exec = lite_exec,
	.changes = lite_changes,
	.total_changes = lite_total_changes,
	.last_insert_id = lite_last_insert_id,
	.in_transaction = lite_in_transaction,
	.bind_search = lite_bind_search,
	.close = lite_close,
	.destroy = lite_destroy,
	.header = lite_header,
	.set_header = lite_set_header,
	.claim = lite_claim,
	.checkpoint = lite_checkpoint,
	.data_version = lite_data_version,
	.wait_change = lite_wait_change,
	.backup = lite_backup,
	.verify = lite_verify,
};

/* ---- opening ---- */

/* Only a missing file may become a new store: an existing file too short
 * to hold an SQLite header is someone's data or a store that lost its
 * contents, and initialising it would hide that (ticket numbers would
 * start again at 1). */
static int check_file(const char *path, int readonly, int *exists)
{
	struct stat st;
	*exists = 0;
	if (strcmp(path, ":memory:") == 0 || path[0] == '\0')
		return CSVC_OK;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return CSVC_OK;
		return csvc__error(CSVC_ESTORAGE, "cannot open store '%s': %s", path, strerror(errno));
	}
	*exists = 1;
	if (S_ISDIR(st.st_mode))
		return csvc__error(CSVC_ESTORAGE, "cannot open store '%s': it is a directory", path);
	if (st.st_size == 0)
		return csvc__error(CSVC_ENOTSTORE,
		                   "the file '%s' exists but is empty: it is not a store, and only a missing "
		                   "file is created as a new one",
		                   path);
	if (st.st_size < 512)
		return csvc__error(CSVC_ECORRUPT,
		                   "the file '%s' (%lld bytes) is too short to be an SQLite database; "
		                   "it was not modified",
		                   path, (long long)st.st_size);
	if (access(path, readonly ? R_OK : R_OK | W_OK) != 0) {
		if (errno == EACCES && !readonly && access(path, R_OK) == 0)
			return csvc__error(CSVC_EREADONLY,
			                   "the store '%s' can only be read (permission denied for writing); "
			                   "open it with CSVC_OPEN_READONLY",
			                   path);
		if (errno == EROFS && !readonly)
			return csvc__error(CSVC_EREADONLY,
			                   "the store '%s' is on a read-only file system; open it with "
			                   "CSVC_OPEN_READONLY",
			                   path);
		return csvc__error(CSVC_ESTORAGE, "cannot open store '%s': %s", path, strerror(errno));
	}
	return CSVC_OK;
}

/* Could any process write the store at `path`? Not if no -wal file
 * exists and its directory can take none: on a read-only file system, or
 * a directory without any write permission bit. (That this caller cannot
 * write the directory is not enough: another user's service may.) */
static int writer_possible(const char *path)
{
	csvc__buf b = { 0 };
	struct stat st;
	struct statvfs vfs;
	const char *slash = strrchr(path, '/');
	csvc__buf_printf(&b, "%s-wal", path);
	int wal = b.failed || stat(b.data, &st) == 0;
	b.len = 0;
	if (slash)
		csvc__buf_printf(&b, "%.*s", (int)(slash - path) + 1, path);
	else
		csvc__buf_puts(&b, ".");
	int possible = wal || b.failed;
	if (!possible) {
		int ro_fs = statvfs(b.data, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
		int no_write_bits = stat(b.data, &st) == 0 && (st.st_mode & 0222) == 0;
		possible = !ro_fs && !no_write_bits;
	}
	csvc__buf_free(&b);
	return possible;
}

static int side_file_size(const char *path, const char *suffix, int64_t *size)
{
	csvc__buf b = { 0 };
	struct stat st;
	csvc__buf_printf(&b, "%s%s", path, suffix);
	int found = !b.failed && stat(b.data, &st) == 0;
	csvc__buf_free(&b);
	*size = found ? (int64_t)st.st_size : -1;
	return found;
}

/* Does the store at `path` have its -wal or -shm file? */
static int side_files_exist(const char *path)
{
	int64_t size;
	return side_file_size(path, "-wal", &size) || side_file_size(path, "-shm", &size);
}

/* A read-only connection cannot remove the -wal and -shm files that
 * opening a WAL store creates. When this store's open created them and the
 * WAL is still empty (nobody wrote since), a read-write connection that
 * opens and closes again removes them if it is the last one, as SQLite's
 * last connection does; with an empty WAL its checkpoint writes nothing. */
static void remove_side_files(const char *name)
{
	int64_t wal;
	if (side_file_size(name, "-wal", &wal) && wal > 0)
		return;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(name, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL) ==
	    SQLITE_OK) {
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
		sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL);
	}
	sqlite3_close_v2(db);
}

/* "file:" URI naming `path` with immutable=1; '%', '?' and '#' escaped. */
static int immutable_uri(const char *path, char **out)
{
	csvc__buf b = { 0 };
	csvc__buf_puts(&b, path[0] == '/' ? "file://" : "file:");
	for (const char *p = path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			csvc__buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			csvc__buf_put(&b, p, 1);
	csvc__buf_puts(&b, "?immutable=1");
	if (b.failed) {
		csvc__buf_free(&b);
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	}
	*out = b.data;
	return CSVC_OK;
}

/* SQLite may be built to read every "file:" name as a URI, where query
 * parameters switch off locking or open memory databases: a plain path
 * must stay a path. Writes NULL when `path` can be used as it is. */
static int plain_name(const char *path, char **out)
{
	*out = NULL;
	if (strncmp(path, "file:", 5) != 0)
		return CSVC_OK;
	csvc__buf b = { 0 };
	csvc__buf_printf(&b, "./%s", path);
	if (b.failed) {
		csvc__buf_free(&b);
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	}
	*out = b.data;
	return CSVC_OK;
}

static int open_error(lite_db *s, const char *path, int src, int must_exist);

/* Opens the connection `s->h` on `name` (the file `path`) and sets it up:
 * per-connection settings only, never process-wide ones. */
static int connect(lite_db *s, const char *name, const char *path, int flags, const csvc__sqlite_config *cfg,
                   int must_exist)
{
	int src = sqlite3_open_v2(name, &s->h, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL);
	if (src != SQLITE_OK)
		return open_error(s, path, src, must_exist);
	sqlite3_extended_result_codes(s->h, 1);
	s->busy_timeout_ms = cfg->busy_timeout_ms;
	sqlite3_busy_timeout(s->h, s->busy_timeout_ms);
	sqlite3_db_config(s->h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	sqlite3_db_config(s->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)0);
	sqlite3_db_config(s->h, SQLITE_DBCONFIG_ENABLE_FKEY, 1, (int *)0);
	return CSVC_OK;
}

static void fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	csvc__buf b = { 0 };
	if (slash)
		csvc__buf_printf(&b, "%.*s", (int)(slash - path) + 1, path);
	else
		csvc__buf_puts(&b, ".");
	int fd = b.failed ? -1 : open(b.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	csvc__buf_free(&b);
}

/* Creates the store at the missing `path` as a whole: built at a temporary
 * name beside it and linked into place only when complete, so a crash
 * part-way never leaves an empty or half-made file at `path` (which a
 * later open would refuse). Another process creating the same store at
 * the same time wins or loses the link; either way `path` is one store. */
/* Creates an empty file at a new temporary name beside `path` (`what`:
 * the operation, for messages). open() rather than mkstemp(): the new
 * file gets SQLite's 0644 less the host's umask, as a file SQLite
 * creates would. */
static int temp_beside(const char *path, const char *what, csvc__buf *tmp)
{
	int fd = -1;
	for (int attempt = 0; attempt < 8 && fd < 0 && (attempt == 0 || errno == EEXIST); attempt++) {
		csvc_uuid r;
		char hex[CSVC_UUID_STRLEN + 1];
		csvc__uuid_generate(&r);
		csvc_uuid_to_string(&r, hex);
		tmp->len = 0;
		csvc__buf_printf(tmp, "%s.new-%.8s", path, hex);
		if (tmp->failed)
			return csvc__error(CSVC_ENOMEM, "out of memory %s", what);
		fd = open(tmp->data, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			return csvc__error(CSVC_ENOTFOUND, "cannot %s '%s': no such directory", what, path);
		return csvc__error(e == EROFS ? CSVC_EREADONLY : CSVC_ESTORAGE, "cannot %s '%s': %s", what, path,
		                   strerror(e));
	}
	close(fd);
	return CSVC_OK;
}

/* Syncs the finished file `tmp` and links it in at `path`, never
 * replacing a file there: 0, or the errno that stopped it (EEXIST: a
 * file is there). File systems without hard links (FAT on SD cards) get
 * a rename that never replaces, after which tmp->len is 0 (nothing left
 * to unlink). */
static int place_file(csvc__buf *tmp, const char *path)
{
	int fd = open(tmp->data, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return e ? e : EIO;
	}
	close(fd);
	if (link(tmp->data, path) != 0) {
		int e = errno;
		if (e != EPERM && e != ENOTSUP && e != EOPNOTSUPP)
			return e;
		if (renameat2(AT_FDCWD, tmp->data, AT_FDCWD, path, RENAME_NOREPLACE) != 0)
			return errno;
		tmp->len = 0;
	}
	fsync_dir(path);
	return 0;
}

static int create_file(lite_db *s, const char *path, const csvc__sqlite_config *cfg)
{
	csvc__buf tmp = { 0 };
	if (temp_beside(path, "create store", &tmp)) {
		csvc__buf_free(&tmp);
		return csvc_error_last()->code;
	}
	char *name = NULL;
	int rc = plain_name(tmp.data, &name);
	if (!rc)
		rc = connect(s, name ? name : tmp.data, path, SQLITE_OPEN_READWRITE, cfg, 1);
	csvc__free(name);
	if (!rc)
		rc = cfg->prepare(&s->base, 0, cfg->ctx);
	/* Everything must be in the main file, on disk, before it is linked
	 * into place: SQLite's checkpoint at close is best effort, and a
	 * failed one would leave the schema in a -wal file that stays behind
	 * under the temporary name. */
	if (!rc)
		rc = lite_checkpoint(&s->base, 0);
	/* The statements belong to the temporary connection. */
	csvc__db_drop_statements(&s->base);
	s->base.depth = 0;
	if (sqlite3_close_v2(s->h) != SQLITE_OK && !rc)
		rc = csvc__error(CSVC_ESTORAGE, "cannot create store '%s': closing the new file failed", path);
	s->h = NULL;
	/* A store created in between by another process wins. */
	int e = rc ? 0 : place_file(&tmp, path);
	if (e && e != EEXIST)
		rc = csvc__error(CSVC_ESTORAGE, "cannot create store '%s': %s", path, strerror(e));
	if (tmp.len)
		unlink(tmp.data);
	csvc__buf_free(&tmp);
	return rc;
}

/* ---- backup and verification ---- */

/*
 * A consistent copy of the main database: SQLite's online backup API in
 * one step, which reads one snapshot (in WAL mode writers go on; their
 * later commits are not in the copy). The copy is made at a temporary
 * name beside `path`, switched to a rollback journal so that it is one
 * self-contained file, synced, and linked into place only when whole;
 * an existing `path` is never replaced.
 */
static int lite_backup(csvc__db *db, const char *path)
{
	lite_db *l = LDB(db);
	struct stat st;
	if (lstat(path, &st) == 0)
		return csvc__error(CSVC_EEXISTS, "cannot back up the store to '%s': the file exists (a backup never "
		                                 "replaces one)", path);
	csvc__buf tmp = { 0 };
	if (temp_beside(path, "write the backup", &tmp)) {
		csvc__buf_free(&tmp);
		return csvc_error_last()->code;
	}
	sqlite3 *dst = NULL;
	int rc = CSVC_OK;
	int src = sqlite3_open_v2(tmp.data, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE,
	                          NULL);
	if (src == SQLITE_OK) {
		sqlite3_busy_timeout(dst, l->busy_timeout_ms);
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", l->h, "main");
		if (!b) {
			src = sqlite3_errcode(dst);
		} else {
			src = sqlite3_backup_step(b, -1);
			int fin = sqlite3_backup_finish(b);
			src = src == SQLITE_DONE ? fin : src;
		}
	}
	/* The pragma reports the mode it ended in as a row, not as an error. */
	int journal_ok = 0;
	if (src == SQLITE_OK) {
		sqlite3_stmt *ps = NULL;
		src = sqlite3_prepare_v2(dst, "PRAGMA journal_mode=DELETE", -1, &ps, NULL);
		if (src == SQLITE_OK && (src = sqlite3_step(ps)) == SQLITE_ROW) {
			const char *mode = (const char *)sqlite3_column_text(ps, 0);
			journal_ok = mode && strcmp(mode, "delete") == 0;
			src = SQLITE_OK;
		}
		sqlite3_finalize(ps);
	}
	if (src == SQLITE_OK && !journal_ok)
		rc = csvc__error(CSVC_ESTORAGE, "cannot back up the store to '%s': the copy stayed in WAL mode", path);
	else if (src != SQLITE_OK) {
		if ((src & 0xff) == SQLITE_BUSY || (src & 0xff) == SQLITE_LOCKED)
			rc = csvc__error_engine(CSVC_EBUSY, CSVC__ENGINE_SQLITE, src, NULL,
			                        "cannot back up the store: it stayed locked");
		else
			rc = csvc__error_engine(code_of(src), CSVC__ENGINE_SQLITE, src, NULL, "cannot back up the store to '%s': %s",
			                        path, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(src));
	}
	if (sqlite3_close_v2(dst) != SQLITE_OK && !rc)
		rc = csvc__error(CSVC_ESTORAGE, "cannot back up the store to '%s': closing the copy failed", path);
	int e = rc ? 0 : place_file(&tmp, path);
	if (e == EEXIST)
		rc = csvc__error(CSVC_EEXISTS, "cannot back up the store to '%s': the file exists (a backup never "
		                               "replaces one)", path);
	else if (e)
		rc = csvc__error(CSVC_ESTORAGE, "cannot back up the store to '%s': %s", path, strerror(e));
	if (tmp.len)
		unlink(tmp.data);
	csvc__buf_free(&tmp);
	return rc;
}

/* One problem of a check's rows, for the message. */
static int verify_rows(lite_db *l, const char *sql, int ok_row, int64_t *problems, char *first, size_t n)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(l->h, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return lite_error(l->h, src, "verifying the store");
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		if (ok_row && text && strcmp(text, "ok") == 0)
			continue;
		if (!*problems)
			snprintf(first, n, "%s%s%s", ok_row ? "" : "a row of table ", text ? text : "?",
			         ok_row ? "" : " refers to a missing row");
		(*problems)++;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE) {
		if ((src & 0xff) == SQLITE_CORRUPT || (src & 0xff) == SQLITE_NOTADB) {
			if (!*problems)
				snprintf(first, n, "%s", sqlite3_errstr(src));
			(*problems)++;
			return CSVC_OK;
		}
		return lite_error(l->h, src, "verifying the store");
	}
	return CSVC_OK;
}

/* SQLite's full integrity check (b-trees, indexes against their tables,
 * constraints) and the foreign-key check. */
static int lite_verify(csvc__db *db, int64_t *problems)
{
	lite_db *l = LDB(db);
	char first[512] = "";
	*problems = 0;
	int rc = verify_rows(l, "PRAGMA integrity_check", 1, problems, first, sizeof(first));
	if (!rc)
		rc = verify_rows(l, "PRAGMA foreign_key_check", 0, problems, first, sizeof(first));
	if (!rc && *problems)
		rc = csvc__error(CSVC_ECORRUPT, "the store is damaged: %s (%lld problem%s found)", first,
		                 (long long)*problems, *problems == 1 ? "" : "s");
	return rc;
}

static int open_error(lite_db *s, const char *path, int src, int must_exist)
{
	const char *detail = s->h ? sqlite3_errmsg(s->h) : sqlite3_errstr(src);
	int sys = s->h ? sqlite3_system_errno(s->h) : 0;
	if ((src & 0xff) == SQLITE_CANTOPEN && (sys == EACCES || sys == EPERM))
		return csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_SQLITE, src, NULL,
		                          "cannot open store '%s': permission denied", path);
	if ((src & 0xff) == SQLITE_CANTOPEN && must_exist && (sys == ENOENT || sys == 0))
		return csvc__error_engine(CSVC_ENOTFOUND, CSVC__ENGINE_SQLITE, src, NULL,
		                          "cannot open store '%s': %s", path, sys == ENOENT ? "no such file" : detail);
	return csvc__error_engine(code_of(src), CSVC__ENGINE_SQLITE, src, NULL,
	                          "cannot open store '%s': %s", path, detail);
}


static int open_settings(lite_db *s, const csvc__sqlite_config *cfg, int readonly)
{
	int rc;
	if ((rc = exec_what(s->h, cfg->durability == CSVC_DURABILITY_NORMAL ? "PRAGMA synchronous=NORMAL"
	                                                                     : "PRAGMA synchronous=FULL",
	                    "setting durability")))
		return rc;
	/* Savepoint sub-journals and sort spills stay in memory: writing
	 * them to temporary files costs more than the work they protect. */
	if ((rc = exec_what(s->h, "PRAGMA temp_store=MEMORY", "setting temp_store")))
		return rc;
	if ((rc = exec_what(s->h,
	                    (cfg->flags & CSVC_OPEN_NO_SECURE_DELETE) ? "PRAGMA secure_delete=OFF"
	                                                              : "PRAGMA secure_delete=ON",
	                    "setting secure_delete")))
		return rc;
	if (readonly)
		return CSVC_OK;
	/* After a checkpoint that empties the WAL, SQLite cuts the file back
	 * to this size; without a limit a WAL that grew while a reader held
	 * an old snapshot keeps its size for as long as the store is open. */
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit=%lld", (long long)cfg->wal_size_limit);
	return exec_what(s->h, sql, "setting the WAL size limit");
}

int csvc__sqlite_open(csvc__db **out, const char *path, const csvc__sqlite_config *cfg)
{
	lite_db *s = csvc__calloc(1, sizeof(*s));
	if (!s)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a store");
	s->base.ops = &lite_ops;
	int rc;
	int readonly = (cfg->flags & CSVC_OPEN_READONLY) != 0;
	int uri = (cfg->flags & CSVC_OPEN_URI) != 0;
	int exists = 0;
	if (!uri && (rc = check_file(path, readonly, &exists)))
		goto fail;
	int flags = SQLITE_OPEN_READWRITE;
	if (uri)
		flags |= SQLITE_OPEN_URI;
	if (readonly)
		flags = SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0);
	else if (!(cfg->flags & CSVC_OPEN_NOCREATE) && !exists) {
		if (uri || !*path || strcmp(path, ":memory:") == 0)
			flags |= SQLITE_OPEN_CREATE;
		else if ((rc = create_file(s, path, cfg)))
			goto fail;
		else
			exists = 1;
	}

	char *name = NULL;
	if (!uri && readonly && exists && !writer_possible(path)) {
		/* Read-only medium or directory: nobody can create the WAL
		 * files, so nobody writes, and SQLite need not look for them. */
		if ((rc = immutable_uri(path, &name)))
			goto fail;
		flags |= SQLITE_OPEN_URI;
	} else if (!uri && (rc = plain_name(path, &name))) {
		goto fail;
	} else if (!uri && readonly && !side_files_exist(path) &&
	           (rc = csvc__strdup(name ? name : path, &s->side_files_to_remove))) {
		csvc__free(name);
		goto fail;
	}
	rc = connect(s, name ? name : path, path, flags, cfg, exists || !(flags & SQLITE_OPEN_CREATE));
	csvc__free(name);
	if (rc)
		goto fail;
	if (!readonly && sqlite3_db_readonly(s->h, "main") == 1) {
		rc = csvc__error(CSVC_EREADONLY,
		                 "the store '%s' can only be read (file or medium is read-only); "
		                 "open it with CSVC_OPEN_READONLY",
		                 path);
		goto fail;
	}
	if ((rc = cfg->prepare(&s->base, readonly, cfg->ctx)) || (rc = open_settings(s, cfg, readonly)))
		goto fail;
	*out = &s->base;
	return CSVC_OK;
fail:;
	/* Closing a connection that failed to open keeps the open's error. */
	csvc__error_saved saved;
	csvc__error_save(&saved);
	csvc__db_close(&s->base);
	csvc__error_restore(&saved);
	return rc;
}

void *csvc__sqlite_handle(csvc__db *db)
{
	return db->ops == &lite_ops ? LDB(db)->h : NULL;
}
