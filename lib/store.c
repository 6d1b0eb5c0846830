/*
 * Store lifecycle, statement cache and transactions (SQLite backend).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "store-internal.h"
#include "sla-internal.h"
#include "ticket-internal.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000

static csvc_time_us system_clock(void *userdata)
{
	(void)userdata;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (csvc_time_us)ts.tv_sec * CSVC_SECOND_US + ts.tv_nsec / 1000;
}

void csvc__log(csvc_store *s, int level, const char *fmt, ...)
{
	if (!s->log || level > s->log_level)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->log(level, msg, s->log_userdata);
}

int csvc__sqlite_error(csvc_store *s, int rc, const char *what)
{
	char detail[CSVC__SQLITE_DETAIL_MAX];
	int code = csvc__sqlite_detail(rc, s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), detail, sizeof(detail));
	if (code == CSVC_EBUSY)
		return csvc__error_engine(code, CSVC__ENGINE_SQLITE, rc, NULL,
		                          "%s: store is locked by another connection (%s)", what, detail);
	return csvc__error_engine(code, CSVC__ENGINE_SQLITE, rc, NULL, "%s: %s", what, detail);
}

/* ---- statement cache ---- */

static size_t slot_of(const char *sql, size_t cap)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (cap - 1);
}

static int stmt_cache_grow(csvc_store *s)
{
	size_t cap = s->stmt_cap ? s->stmt_cap * 2 : 64;
	csvc__stmt_slot *slots = csvc__calloc(cap, sizeof(*slots));
	if (!slots)
		return csvc__error(CSVC_ENOMEM, "out of memory growing the statement cache");
	for (size_t i = 0; i < s->stmt_cap; i++) {
		if (!s->stmts[i].sql)
			continue;
		size_t j = slot_of(s->stmts[i].sql, cap);
		while (slots[j].sql)
			j = (j + 1) & (cap - 1);
		slots[j] = s->stmts[i];
	}
	csvc__free(s->stmts);
	s->stmts = slots;
	s->stmt_cap = cap;
	return CSVC_OK;
}

int csvc__stmt(csvc_store *s, const char *sql, sqlite3_stmt **out)
{
	if (s->stmt_cap) {
		size_t j = slot_of(sql, s->stmt_cap);
		while (s->stmts[j].sql) {
			if (s->stmts[j].sql == sql) {
				/* Always hand out a fresh statement, whatever the last
				 * user left behind. */
				sqlite3_reset(s->stmts[j].stmt);
				sqlite3_clear_bindings(s->stmts[j].stmt);
				*out = s->stmts[j].stmt;
				return CSVC_OK;
			}
			j = (j + 1) & (s->stmt_cap - 1);
		}
	}
	if ((s->stmt_count + 1) * 2 > s->stmt_cap) {
		int rc = stmt_cache_grow(s);
		if (rc)
			return rc;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return csvc__sqlite_error(s, rc, "preparing a statement");
	}
	size_t j = slot_of(sql, s->stmt_cap);
	while (s->stmts[j].sql)
		j = (j + 1) & (s->stmt_cap - 1);
	s->stmts[j].sql = sql;
	s->stmts[j].stmt = st;
	s->stmt_count++;
	*out = st;
	return CSVC_OK;
}

int csvc__step(csvc_store *s, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	int err = csvc__sqlite_error(s, rc, "executing a statement");
	sqlite3_reset(stmt);
	return err;
}

int csvc__exec_stmt(csvc_store *s, sqlite3_stmt *stmt)
{
	int rc = csvc__step(s, stmt);
	if (rc < 0)
		return rc;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return CSVC_OK;
}

int csvc__collect_ids(csvc_store *s, const char *sql, int64_t key, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, sql, &st);
	if (rc)
		return rc;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, key);
	int64_t *list = NULL;
	size_t count = 0, cap = 0;
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *p = csvc__realloc(list, cap * sizeof(*p));
			if (!p) {
				csvc__free(list);
				sqlite3_reset(st);
				return csvc__error(CSVC_ENOMEM, "out of memory collecting ids");
			}
			list = p;
		}
		list[count++] = sqlite3_column_int64(st, 0);
	}
	if (rc < 0) {
		csvc__free(list);
		return rc;
	}
	sqlite3_reset(st);
	*ids = list;
	*n = count;
	return CSVC_OK;
}

int csvc__bind_text(sqlite3_stmt *st, int idx, const char *text)
{
	if (!text)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, text, -1, SQLITE_STATIC);
}

int csvc__bind_uuid(sqlite3_stmt *st, int idx, const csvc_uuid *id)
{
	return sqlite3_bind_blob(st, idx, id->bytes, 16, SQLITE_STATIC);
}

int csvc__column_uuid(sqlite3_stmt *st, int col, csvc_uuid *out)
{
	if (sqlite3_column_bytes(st, col) != 16) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	memcpy(out->bytes, sqlite3_column_blob(st, col), 16);
	return 1;
}

/* Runs a fixed SQL text through the cache. */
static int run_cached(csvc_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, sql, &st);
	if (rc)
		return rc;
	return csvc__exec_stmt(s, st);
}

/* ---- transactions ---- */

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_BEGIN_READ[] = "BEGIN DEFERRED";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT csvc_sp";
static const char SQL_RELEASE[] = "RELEASE csvc_sp";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO csvc_sp";

/*
 * Transaction levels. Level 1 is a real transaction (BEGIN IMMEDIATE).
 * A nested csvc_store_begin() is a savepoint. A nested internal level (an
 * API call inside the caller's transaction) takes no savepoint: each call
 * validates everything it can before its first write, so only a storage
 * failure can stop it half-way, and then the whole transaction is rolled
 * back and marked aborted (SQLite itself rolls back on many such errors).
 * Savepoints would cost each call a copy of every page it touches.
 */

static void step_quietly(csvc_store *s, const char *sql)
{
	sqlite3_stmt *st;
	if (csvc__stmt(s, sql, &st) == CSVC_OK) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

/* ---- change hook ---- */

static void drop_pending(csvc_store *s, size_t keep)
{
	while (s->pending_n > keep)
		csvc_event_free(s->pending[--s->pending_n]);
}

int csvc__event_queue(csvc_store *s, const csvc_event *ev)
{
	if (!s->hook)
		return CSVC_OK;
	if (s->pending_n == s->pending_cap) {
		size_t cap = s->pending_cap ? s->pending_cap * 2 : 16;
		csvc_event **p = csvc__realloc(s->pending, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory queueing an event");
		s->pending = p;
		s->pending_cap = cap;
	}
	csvc_event *copy = NULL;
	int rc = csvc__event_new(&copy, &ev->ticket, ev->number, ev->seq, ev->type, ev->actor, ev->at,
	                         ev->from_state, ev->to_state, ev->payload);
	if (rc)
		return rc;
	s->pending[s->pending_n++] = copy;
	return CSVC_OK;
}

/* Delivers queued events after the outermost commit. A hook that writes
 * queues more events; this loop delivers them too, in order. */
static void dispatch_pending(csvc_store *s)
{
	if (s->dispatching || !s->pending_n)
		return;
	s->dispatching = 1;
	size_t next = 0;
	while (next < s->pending_n) {
		csvc_event *ev = s->pending[next];
		s->pending[next++] = NULL;
		if (s->hook) {
			s->hook(ev, s->hook_userdata);
			/* A transaction the hook left open would swallow every
			 * later call and vanish at close: undo it now. */
			if (s->tx_depth > 0) {
				csvc__log(s, CSVC_LOG_ERROR,
				          "the change hook returned with %d transaction level(s) open; "
				          "they were rolled back",
				          s->tx_depth);
				while (s->tx_depth > 0)
					csvc__tx_rollback(s);
				s->tx_aborted = 0;
			}
		}
		csvc_event_free(ev);
	}
	s->pending_n = 0;
	s->dispatching = 0;
	csvc__error_clear();
}

int csvc_store_set_change_hook(csvc_store *store, csvc_change_fn fn, void *userdata)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	store->hook = fn;
	store->hook_userdata = userdata;
	return CSVC_OK;
}

/* ---- workflow cache ---- */

int csvc__workflow_cached(csvc_store *s, const char *name, int32_t version, const csvc_workflow **out)
{
	for (size_t i = 0; i < s->wf_cache_n; i++)
		if (csvc_workflow_version(s->wf_cache[i]) == version &&
		    strcmp(csvc_workflow_name(s->wf_cache[i]), name) == 0) {
			*out = s->wf_cache[i];
			return CSVC_OK;
		}
	csvc_workflow **p = csvc__realloc(s->wf_cache, (s->wf_cache_n + 1) * sizeof(*p));
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory caching a workflow");
	s->wf_cache = p;
	csvc_workflow *wf = NULL;
	int rc = csvc_workflow_load(s, name, version, &wf);
	if (rc)
		return rc;
	s->wf_cache[s->wf_cache_n++] = wf;
	*out = wf;
	return CSVC_OK;
}

/* Cached stored versions (workflows, SLA policies, calendars) may come from
 * the transaction being undone: forget them all. */
static void drop_caches(csvc_store *s)
{
	for (size_t i = 0; i < s->wf_cache_n; i++)
		csvc_workflow_free(s->wf_cache[i]);
	s->wf_cache_n = 0;
	csvc__sla_cache_free(s->sla);
	s->sla = NULL;
}

static int tx_begin(csvc_store *s, int savepoint)
{
	if (s->flags & CSVC_OPEN_READONLY)
		return csvc__error(CSVC_EREADONLY, "the store was opened read-only");
	if (s->tx_depth >= CSVC__TX_MAX_DEPTH)
		return csvc__error(CSVC_ERANGE, "transactions nest at most %d deep", CSVC__TX_MAX_DEPTH);
	if (s->tx_depth > 0 && !s->tx_aborted && sqlite3_get_autocommit(s->db)) {
		/* SQLite rolled the transaction back by itself (an I/O or memory
		 * error, even in a read): nothing may run as if it were open. */
		s->tx_aborted = 1;
		drop_pending(s, s->tx_pending_mark[0]);
		drop_caches(s);
	}
	if (s->tx_aborted)
		return csvc__error(CSVC_ESTATE, "the transaction was aborted by an earlier storage failure; "
		                                "roll it back first");
	int rc = CSVC_OK;
	if (s->tx_depth == 0) {
		rc = run_cached(s, SQL_BEGIN);
		s->tx_serial++;
	}
	else if (savepoint)
		rc = run_cached(s, SQL_SAVEPOINT);
	if (rc)
		return rc;
	s->tx_savepoint[s->tx_depth] = (char)(s->tx_depth > 0 && savepoint);
	s->tx_pending_mark[s->tx_depth] = s->pending_n;
	s->tx_mark[s->tx_depth] = sqlite3_total_changes64(s->db);
	s->tx_depth++;
	return CSVC_OK;
}

int csvc__read_begin(csvc_store *s, int *began)
{
	*began = 0;
	if (s->tx_depth > 0 || !sqlite3_get_autocommit(s->db))
		return CSVC_OK; /* the reads join the transaction that is open */
	int rc = run_cached(s, SQL_BEGIN_READ);
	*began = rc == CSVC_OK;
	return rc;
}

void csvc__read_end(csvc_store *s, int began)
{
	if (began && !sqlite3_get_autocommit(s->db))
		step_quietly(s, SQL_COMMIT);
}

int csvc__tx_begin(csvc_store *s)
{
	return tx_begin(s, 0);
}

int csvc__tx_commit(csvc_store *s)
{
	if (s->tx_depth == 0)
		return csvc__error(CSVC_ESTATE, "commit without a matching begin");
	if (s->tx_aborted || sqlite3_get_autocommit(s->db)) {
		s->tx_depth--;
		s->tx_aborted = s->tx_depth > 0;
		drop_pending(s, s->tx_pending_mark[0]);
		drop_caches(s);
		return csvc__error(CSVC_ESTORAGE, "the transaction was rolled back after a storage failure");
	}
	int level = --s->tx_depth;
	if (level > 0)
		return s->tx_savepoint[level] ? run_cached(s, SQL_RELEASE) : CSVC_OK;
	int rc = run_cached(s, SQL_COMMIT);
	if (rc) {
		if (!sqlite3_get_autocommit(s->db))
			step_quietly(s, SQL_ROLLBACK); /* the store stays as before begin */
		drop_pending(s, s->tx_pending_mark[0]);
		drop_caches(s);
		return rc;
	}
	dispatch_pending(s);
	return CSVC_OK;
}

int csvc__tx_rollback(csvc_store *s)
{
	if (s->tx_depth == 0)
		return csvc__error(CSVC_ESTATE, "rollback without a matching begin");
	int level = --s->tx_depth;
	/* Caches are dropped whenever stored data is undone. An API call's own
	 * level that failed before writing undid nothing: the caches stay, and
	 * so do the cached objects the calls around it are still using. */
	if (s->tx_aborted || sqlite3_get_autocommit(s->db)) {
		s->tx_aborted = level > 0;
		drop_pending(s, s->tx_pending_mark[0]);
		drop_caches(s);
		return CSVC_OK;
	}
	drop_pending(s, s->tx_pending_mark[level]);
	if (level == 0) {
		step_quietly(s, SQL_ROLLBACK);
		drop_caches(s);
	} else if (s->tx_savepoint[level]) {
		step_quietly(s, SQL_ROLLBACK_TO);
		step_quietly(s, SQL_RELEASE);
		drop_caches(s);
	} else if (sqlite3_total_changes64(s->db) != s->tx_mark[level]) {
		drop_pending(s, s->tx_pending_mark[0]);
		drop_caches(s);
		/* A call failed after writing: only the whole transaction can
		 * undo it. */
		step_quietly(s, SQL_ROLLBACK);
		s->tx_aborted = 1;
		csvc__log(s, CSVC_LOG_WARN, "a call failed half-way inside a transaction; "
		                            "the transaction was rolled back");
	}
	return CSVC_OK;
}

int csvc__tx_end(csvc_store *s, int rc)
{
	if (rc == CSVC_OK)
		return csvc__tx_commit(s);
	csvc_error saved = *csvc_error_last();
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", saved.message);
	csvc__tx_rollback(s);
	csvc__error_engine(saved.code, saved.engine, saved.engine_code, saved.sqlstate, "%s", msg);
	return rc;
}

int csvc_store_begin(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	return tx_begin(store, 1);
}

int csvc_store_commit(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	return csvc__tx_commit(store);
}

int csvc_store_rollback(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	return csvc__tx_rollback(store);
}

int csvc_store_tx_depth(csvc_store *store)
{
	return store ? store->tx_depth : 0;
}

/* ---- checkpoints ---- */

int csvc__store_checkpoint(csvc_store *s, int wait)
{
	int log_frames = -1, done_frames = -1;
	if (!wait)
		sqlite3_busy_timeout(s->db, 0);
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done_frames);
	if (!wait)
		sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
	if ((rc & 0xff) == SQLITE_BUSY || (rc == SQLITE_OK && log_frames > 0 && done_frames < log_frames))
		return csvc__error_engine(CSVC_EBUSY, CSVC__ENGINE_SQLITE, rc, NULL,
		                          "the checkpoint could not finish: another connection is reading an "
		                          "older snapshot or writing; try again when it is done");
	if (rc != SQLITE_OK)
		return csvc__sqlite_error(s, rc, "checkpointing the store");
	return CSVC_OK;
}

int csvc_store_checkpoint(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	if (store->tx_depth > 0)
		return csvc__error(CSVC_ESTATE, "a checkpoint cannot run inside a transaction; commit first");
	if (store->flags & CSVC_OPEN_READONLY)
		return csvc__error(CSVC_EREADONLY, "the store was opened read-only");
	return csvc__store_checkpoint(store, 1);
}

/* ---- open / close ---- */

/* Version 2 added wal_size_limit. */
CSVC__STRUCT_LAYOUT(store_options_layout, csvc_store_options, CSVC_STORE_OPTIONS_VERSION,
                    CSVC_STORE_OPTIONS_INIT, offsetof(csvc_store_options, wal_size_limit),
                    sizeof(csvc_store_options));

int csvc_store_options_init(csvc_store_options *opts, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&store_options_layout, opts, version);
}

static int pragma_int(csvc_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return csvc__sqlite_error(s, rc, "reading the store header");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return csvc__sqlite_error(s, rc, "reading the store header");
	return CSVC_OK;
}

static int exec_sql(csvc_store *s, const char *sql, const char *what)
{
	char *errmsg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &errmsg);
	sqlite3_free(errmsg);
	if (rc != SQLITE_OK)
		return csvc__sqlite_error(s, rc, what);
	return CSVC_OK;
}

static int validate_options(const csvc_store_options *o)
{
	if (o->durability < 0 || o->durability > CSVC_DURABILITY_FULL)
		return csvc__error(CSVC_EINVAL, "unknown durability %d", (int)o->durability);
	if (o->flags & ~(uint32_t)(CSVC_OPEN_READONLY | CSVC_OPEN_NOCREATE | CSVC_OPEN_NO_SECURE_DELETE |
	                          CSVC_OPEN_URI))
		return csvc__error(CSVC_EINVAL, "unknown open flags 0x%x", o->flags);
	if (o->log_level < 0 || o->log_level > CSVC_LOG_DEBUG)
		return csvc__error(CSVC_EINVAL, "unknown log level %d", (int)o->log_level);
	if (o->default_country_code) {
		size_t n = strlen(o->default_country_code);
		if (n == 0 || n > 3 || o->default_country_code[0] == '0')
			return csvc__error(CSVC_EINVAL, "default_country_code must be 1 to 3 digits, not starting with 0");
		for (size_t i = 0; i < n; i++)
			if (o->default_country_code[i] < '0' || o->default_country_code[i] > '9')
				return csvc__error(CSVC_EINVAL, "default_country_code must be digits only");
	}
	return CSVC_OK;
}

/* After a checkpoint that empties the WAL, SQLite cuts the file back to
 * this size; without a limit a WAL that grew while a reader held an old
 * snapshot keeps its size for as long as the store stays open. */
static int set_wal_limit(csvc_store *s, const csvc_store_options *o)
{
	int64_t limit = CSVC_STORE_WAL_SIZE_LIMIT_DEFAULT;
	if (o->wal_size_limit) /* 0 in a version-1 struct's copy (csvc__struct_read) */
		limit = o->wal_size_limit < 0 ? -1 : o->wal_size_limit;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit=%lld", (long long)limit);
	return exec_sql(s, sql, "setting the WAL size limit");
}

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

static int open_error(csvc_store *s, const char *path, int src, int must_exist);

/* Opens the connection `s->db` on `name` (the file `path`) and sets it up:
 * per-connection settings only, never process-wide ones. */
static int connect(csvc_store *s, const char *name, const char *path, int flags,
                   const csvc_store_options *opts, int must_exist)
{
	int src = sqlite3_open_v2(name, &s->db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL);
	if (src != SQLITE_OK)
		return open_error(s, path, src, must_exist);
	sqlite3_extended_result_codes(s->db, 1);
	s->busy_timeout_ms = opts->busy_timeout_ms < 0 ? 0
	                     : opts->busy_timeout_ms ? opts->busy_timeout_ms
	                                             : DEFAULT_BUSY_TIMEOUT_MS;
	sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)0);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, (int *)0);
	return CSVC_OK;
}

static int prepare_schema(csvc_store *s, int readonly);

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
static int create_file(csvc_store *s, const char *path, const csvc_store_options *opts)
{
	csvc__buf tmp = { 0 };
	int fd = -1;
	/* open() rather than mkstemp(): the new file gets SQLite's 0644 less
	 * the host's umask, as a file SQLite creates would. */
	for (int attempt = 0; attempt < 8 && fd < 0 && (attempt == 0 || errno == EEXIST); attempt++) {
		csvc_uuid r;
		char hex[CSVC_UUID_STRLEN + 1];
		csvc__uuid_generate(&r);
		csvc_uuid_to_string(&r, hex);
		tmp.len = 0;
		csvc__buf_printf(&tmp, "%s.new-%.8s", path, hex);
		if (tmp.failed)
			return csvc__error(CSVC_ENOMEM, "out of memory creating a store");
		fd = open(tmp.data, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0) {
		int e = errno;
		csvc__buf_free(&tmp);
		if (e == ENOENT)
			return csvc__error(CSVC_ENOTFOUND, "cannot create store '%s': no such directory", path);
		return csvc__error(e == EROFS ? CSVC_EREADONLY : CSVC_ESTORAGE, "cannot create store '%s': %s",
		                   path, strerror(e));
	}
	close(fd);
	char *name = NULL;
	int rc = plain_name(tmp.data, &name);
	if (!rc)
		rc = connect(s, name ? name : tmp.data, path, SQLITE_OPEN_READWRITE, opts, 1);
	csvc__free(name);
	if (!rc)
		rc = prepare_schema(s, 0);
	/* Everything must be in the main file, on disk, before it is linked
	 * into place: SQLite's checkpoint at close is best effort, and a
	 * failed one would leave the schema in a -wal file that stays behind
	 * under the temporary name. */
	if (!rc)
		rc = csvc__store_checkpoint(s, 0);
	if (sqlite3_close_v2(s->db) != SQLITE_OK && !rc)
		rc = csvc__error(CSVC_ESTORAGE, "cannot create store '%s': closing the new file failed", path);
	s->db = NULL;
	if (!rc) {
		int fd = open(tmp.data, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) != 0)
			rc = csvc__error(CSVC_ESTORAGE, "cannot create store '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (!rc && link(tmp.data, path) != 0 && errno != EEXIST) {
		/* File systems without hard links (FAT on SD cards): a rename
		 * that never replaces, so a store created in between wins. */
		if ((errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP) &&
		    renameat2(AT_FDCWD, tmp.data, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
			tmp.len = 0;
		else if (errno != EEXIST)
			rc = csvc__error(CSVC_ESTORAGE, "cannot create store '%s': %s", path, strerror(errno));
	}
	if (!rc)
		fsync_dir(path);
	if (tmp.len)
		unlink(tmp.data);
	csvc__buf_free(&tmp);
	return rc;
}

static int open_error(csvc_store *s, const char *path, int src, int must_exist)
{
	const char *detail = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src);
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;
	if ((src & 0xff) == SQLITE_CANTOPEN && (sys == EACCES || sys == EPERM))
		return csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_SQLITE, src, NULL,
		                          "cannot open store '%s': permission denied", path);
	if ((src & 0xff) == SQLITE_CANTOPEN && must_exist && (sys == ENOENT || sys == 0))
		return csvc__error_engine(CSVC_ENOTFOUND, CSVC__ENGINE_SQLITE, src, NULL,
		                          "cannot open store '%s': %s", path, sys == ENOENT ? "no such file" : detail);
	return csvc__error_engine(csvc__code_from_sqlite(src), CSVC__ENGINE_SQLITE, src, NULL,
	                          "cannot open store '%s': %s", path, detail);
}

/* Checks the header and applies migrations. Never writes to a file that is
 * not (or not yet) known to be ours. */
static int prepare_schema(csvc_store *s, int readonly)
{
	int64_t app_id, user_version, tables;
	int rc = pragma_int(s, "PRAGMA application_id", &app_id);
	if (rc) {
		if (csvc_error_last()->code == CSVC_ECORRUPT)
			return csvc__error_refine(CSVC_ECORRUPT, "the file is not an SQLite database or is damaged");
		return rc;
	}
	if ((rc = pragma_int(s, "PRAGMA user_version", &user_version)) ||
	    (rc = pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables)))
		return rc;
	int fresh = app_id == 0 && user_version == 0 && tables == 0;
	if (!fresh && app_id != CSVC__APPLICATION_ID)
		return csvc__error(CSVC_ENOTSTORE,
		                   "the file is an SQLite database of another application (application_id 0x%08x); "
		                   "it was not modified",
		                   (unsigned)app_id);
	/* The header is read from disk: a flipped bit must not index the
	 * migration list out of bounds or rebuild tables that exist. */
	if (!fresh && (user_version <= 0 || tables == 0))
		return csvc__error(CSVC_ECORRUPT,
		                   "the store's header is damaged (schema version %lld, %lld tables); "
		                   "it was not modified",
		                   (long long)user_version, (long long)tables);
	int32_t latest = csvc__schema_latest();
	if (user_version > latest)
		return csvc__error(CSVC_EVERSION,
		                   "the store has schema version %lld, newer than this library's %d; "
		                   "it was not modified",
		                   (long long)user_version, latest);
	if (readonly) {
		if (fresh)
			return csvc__error(CSVC_ENOTSTORE, "the file is empty and the store was opened read-only");
		if (user_version < latest)
			return csvc__error(CSVC_EVERSION,
			                   "the store has schema version %lld and needs an upgrade to %d, "
			                   "which a read-only open cannot do",
			                   (long long)user_version, latest);
		return CSVC_OK;
	}
	/* The file is ours (or empty): switching to WAL is now safe. */
	if ((rc = exec_sql(s, "PRAGMA journal_mode=WAL", "enabling WAL")))
		return rc;
	if (user_version < latest) {
		rc = csvc__schema_migrate(s, (int32_t)user_version);
		if (rc)
			return rc;
	}
	return CSVC_OK;
}

static int close_store(csvc_store *store, int report);

int csvc_store_open(csvc_store **out, const char *path, const csvc_store_options *opts)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(path, "path");
	/* The caller's struct is read only as far as its version goes. */
	csvc_store_options copy = CSVC_STORE_OPTIONS_INIT;
	int rc;
	if (opts && (rc = csvc__struct_read(&store_options_layout, &copy, opts)))
		return rc;
	opts = &copy;
	if ((rc = validate_options(opts)))
		return rc;
	if ((rc = csvc__check_text_mode(path, 0, 4096, "path", CSVC__TEXT_ANY)))
		return rc;

	csvc_store *s = csvc__calloc(1, sizeof(*s));
	if (!s)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a store");
	s->clock = opts->clock ? opts->clock : system_clock;
	s->clock_userdata = opts->clock ? opts->clock_userdata : NULL;
	s->log = opts->log;
	s->log_userdata = opts->log_userdata;
	s->log_level = opts->log_level ? opts->log_level : CSVC_LOG_WARN;
	s->flags = opts->flags;
	snprintf(s->country_code, sizeof(s->country_code), "%s",
	         opts->default_country_code ? opts->default_country_code : "86");
	if (opts->zoneinfo_dir && ((rc = csvc__check_text_mode(opts->zoneinfo_dir, 0, 4096, "zoneinfo_dir", CSVC__TEXT_ANY)) ||
	                           (rc = csvc__strdup(opts->zoneinfo_dir, &s->zoneinfo_dir))))
		goto fail;

	int readonly = (opts->flags & CSVC_OPEN_READONLY) != 0;
	int uri = (opts->flags & CSVC_OPEN_URI) != 0;
	int exists = 0;
	if (!uri && (rc = check_file(path, readonly, &exists)))
		goto fail;
	int flags = SQLITE_OPEN_READWRITE;
	if (uri)
		flags |= SQLITE_OPEN_URI;
	if (readonly)
		flags = SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0);
	else if (!(opts->flags & CSVC_OPEN_NOCREATE) && !exists) {
		if (uri || !*path || strcmp(path, ":memory:") == 0)
			flags |= SQLITE_OPEN_CREATE;
		else if ((rc = create_file(s, path, opts)))
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
	rc = connect(s, name ? name : path, path, flags, opts, exists || !(flags & SQLITE_OPEN_CREATE));
	csvc__free(name);
	if (rc)
		goto fail;
	if (!readonly && sqlite3_db_readonly(s->db, "main") == 1) {
		rc = csvc__error(CSVC_EREADONLY,
		                 "the store '%s' can only be read (file or medium is read-only); "
		                 "open it with CSVC_OPEN_READONLY",
		                 path);
		goto fail;
	}
	if ((rc = prepare_schema(s, readonly)))
		goto fail;
	if ((rc = exec_sql(s,
	                   opts->durability == CSVC_DURABILITY_NORMAL ? "PRAGMA synchronous=NORMAL"
	                                                              : "PRAGMA synchronous=FULL",
	                   "setting durability")))
		goto fail;
	/* Savepoint sub-journals and sort spills stay in memory: writing
	 * them to temporary files costs more than the work they protect. */
	if ((rc = exec_sql(s, "PRAGMA temp_store=MEMORY", "setting temp_store")))
		goto fail;
	if ((rc = exec_sql(s,
	                   (opts->flags & CSVC_OPEN_NO_SECURE_DELETE) ? "PRAGMA secure_delete=OFF"
	                                                              : "PRAGMA secure_delete=ON",
	                   "setting secure_delete")))
		goto fail;
	if (!readonly && (rc = set_wal_limit(s, opts)))
		goto fail;
	*out = s;
	return CSVC_OK;
fail:
	close_store(s, 0);
	return rc;
}

int csvc_store_close(csvc_store *store)
{
	csvc__error_clear();
	return close_store(store, 1);
}

/* Closes and frees `store`. With `report`, what happened is returned and
 * set as the error record (csvc_store_close); without, the caller's
 * error record is kept (a failed open). */
static int close_store(csvc_store *store, int report)
{
	if (!store)
		return CSVC_OK;
	int rc = CSVC_OK;
	int depth = store->tx_depth;
	if (store->db && (depth > 0 || !sqlite3_get_autocommit(store->db))) {
		/* Closing the connection would roll it back as well; a failed
		 * ROLLBACK changes nothing to that. */
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
		if (report)
			rc = csvc__error(CSVC_ESTATE,
			                 "a transaction was open (%d level%s of csvc_store_begin) and was rolled back",
			                 depth, depth == 1 ? "" : "s");
		csvc__log(store, CSVC_LOG_WARN, "the store was closed with a transaction open; it was rolled back");
	}
	drop_pending(store, 0);
	csvc__free(store->pending);
	csvc__sla_cache_free(store->sla);
	for (size_t i = 0; i < sizeof(store->sla_insert_sql) / sizeof(store->sla_insert_sql[0]); i++)
		csvc__free(store->sla_insert_sql[i]);
	for (size_t i = 0; i < store->wf_cache_n; i++)
		csvc_workflow_free(store->wf_cache[i]);
	csvc__free(store->wf_cache);
	for (size_t i = 0; i < store->stmt_cap; i++)
		if (store->stmts[i].sql)
			sqlite3_finalize(store->stmts[i].stmt);
	csvc__free(store->stmts);
	/* The statements left now are those of iterators not yet freed:
	 * sqlite3_close() refuses to close with SQLITE_BUSY, and the
	 * connection is then left to close when the last of them is
	 * finalised (sqlite3_close_v2). */
	int src = sqlite3_close(store->db);
	int iterators = (src & 0xff) == SQLITE_BUSY;
	if (iterators)
		src = sqlite3_close_v2(store->db);
	if (!report)
		rc = CSVC_OK;
	else if (src != SQLITE_OK && rc == CSVC_OK)
		rc = csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_SQLITE, src, NULL, "closing the store: %s",
		                        sqlite3_errstr(src));
	else if (iterators && rc == CSVC_OK)
		rc = csvc__error(CSVC_EBUSY,
		                 "iterators of the store are still open: the store is freed, and its database "
		                 "connection is closed when the last of them is freed");
	if (store->side_files_to_remove)
		remove_side_files(store->side_files_to_remove);
	csvc__free(store->side_files_to_remove);
	csvc__free(store->zoneinfo_dir);
	csvc__free(store);
	return rc;
}

csvc_time_us csvc_store_now(csvc_store *store)
{
	if (!store)
		return 0;
	return store->clock(store->clock_userdata);
}

int csvc_store_schema_version(csvc_store *store, int32_t *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int64_t v;
	int rc = pragma_int(store, "PRAGMA user_version", &v);
	if (rc)
		return rc;
	*out = (int32_t)v;
	return CSVC_OK;
}

int32_t csvc_store_schema_version_supported(void)
{
	return csvc__schema_latest();
}
