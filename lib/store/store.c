/*
 * Store lifecycle, transactions and the change-hook queue, over the
 * database layer (lib/db/db.h).
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

#include "csvc/access.h"
#include "db/sqlite.h"
#ifdef CSVC_HAVE_POSTGRES
#include "db/postgres.h"
#endif
#include "store/store-internal.h"

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

/* ---- module state ---- */

int csvc__store_attach(csvc_store *s, const csvc__store_ext *ext, void *state)
{
	if (s->n_ext == CSVC__STORE_EXT_MAX) {
		if (ext->free)
			ext->free(state);
		return csvc__error(CSVC_ERANGE, "too many modules attached to the store");
	}
	s->ext[s->n_ext].ext = ext;
	s->ext[s->n_ext].state = state;
	s->n_ext++;
	return CSVC_OK;
}

int csvc__store_require(csvc_store *s, int32_t perm, const char *call)
{
	for (size_t i = 0; i < s->n_ext; i++)
		if (s->ext[i].ext->require) {
			int rc = s->ext[i].ext->require(s, s->ext[i].state, perm, call);
			if (rc)
				return rc;
		}
	return CSVC_OK;
}

int csvc__store_check_actor(csvc_store *s, const char *actor, const char *call)
{
	if (!actor)
		return CSVC_OK;
	for (size_t i = 0; i < s->n_ext; i++)
		if (s->ext[i].ext->actor) {
			int rc = s->ext[i].ext->actor(s, s->ext[i].state, actor, call);
			if (rc)
				return rc;
		}
	return CSVC_OK;
}

/* Tells every module what the undone writes were: they forget the events
 * those writes queued and the stored versions (workflows, SLA policies,
 * calendars) they may have cached from them. */
static void forget(csvc_store *s, const csvc__db_undo *u)
{
	if (u->level < 0 && !u->data)
		return;
	for (size_t i = 0; i < s->n_ext; i++)
		if (s->ext[i].ext->undone)
			s->ext[i].ext->undone(s->ext[i].state, u);
}

void csvc__store_invalidate(csvc_store *s)
{
	csvc__db_undo u = {.level = -1, .data = 1};
	forget(s, &u);
}

static int tx_begin(csvc_store *s, int savepoint)
{
	if (s->flags & CSVC_OPEN_READONLY)
		return csvc__error(CSVC_EREADONLY, "the store was opened read-only");
	csvc__db_undo u;
	int level = csvc__db_depth(s->db);
	int rc = csvc__db_begin(s->db, savepoint, &u);
	forget(s, &u);
	if (rc)
		return rc;
	for (size_t i = 0; i < s->n_ext; i++)
		if (s->ext[i].ext->begun)
			s->ext[i].ext->begun(s->ext[i].state, level);
	return CSVC_OK;
}

int csvc__read_begin(csvc_store *s, int *began)
{
	return csvc__db_read_begin(s->db, began);
}

void csvc__read_end(csvc_store *s, int began)
{
	csvc__db_read_end(s->db, began);
}

int csvc__tx_begin(csvc_store *s)
{
	return tx_begin(s, 0);
}

int csvc__tx_commit(csvc_store *s)
{
	csvc__db_undo u;
	if (csvc__db_depth(s->db) == 1 && !s->db->aborted)
		for (size_t i = 0; i < s->n_ext; i++) {
			int rc = s->ext[i].ext->committing ? s->ext[i].ext->committing(s, s->ext[i].state) : CSVC_OK;
			if (rc) {
				csvc__error_saved saved;
				csvc__error_save(&saved);
				csvc__tx_rollback(s);
				csvc__error_restore(&saved);
				return rc;
			}
		}
	int rc = csvc__db_commit(s->db, &u);
	forget(s, &u);
	if (rc == CSVC_OK && csvc__db_depth(s->db) == 0) {
		for (size_t i = 0; i < s->n_ext; i++)
			if (s->ext[i].ext->committed)
				s->ext[i].ext->committed(s, s->ext[i].state);
		for (size_t i = 0; i < s->n_ext && csvc__db_depth(s->db) == 0; i++)
			if (s->ext[i].ext->settled)
				s->ext[i].ext->settled(s, s->ext[i].state);
	}
	return rc;
}

int csvc__tx_rollback(csvc_store *s)
{
	csvc__db_undo u;
	int rc = csvc__db_rollback(s->db, &u);
	forget(s, &u);
	if (u.level >= 0 && u.data && csvc__db_depth(s->db) > 0 && u.level == 0)
		csvc__log(s, CSVC_LOG_WARN, "a call failed half-way inside a transaction; "
		                            "the transaction was rolled back");
	return rc;
}

int csvc__tx_end(csvc_store *s, int rc)
{
	if (rc == CSVC_OK)
		return csvc__tx_commit(s);
	csvc__error_saved saved;
	csvc__error_save(&saved);
	csvc__tx_rollback(s);
	csvc__error_restore(&saved);
	return rc;
}

int csvc__tx_again(csvc_store *s, int rc, int *attempt)
{
	if (!csvc__db_retryable(rc) || csvc__db_depth(s->db) > 0 || *attempt + 1 >= CSVC__TX_ATTEMPTS)
		return 0;
	++*attempt;
	csvc__log(s, CSVC_LOG_DEBUG, "attempt %d of a transaction the store ended (%s): running it again",
	          *attempt + 1, csvc_error_last()->message);
	csvc__error_clear();
	return 1;
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
	return store ? csvc__db_depth(store->db) : 0;
}

/* ---- checkpoints ---- */

int csvc__store_checkpoint(csvc_store *s, int wait)
{
	return csvc__db_checkpoint(s->db, wait);
}

int csvc_store_checkpoint(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	if (csvc__db_depth(store->db) > 0)
		return csvc__error(CSVC_ESTATE, "a checkpoint cannot run inside a transaction; commit first");
	if (store->flags & CSVC_OPEN_READONLY)
		return csvc__error(CSVC_EREADONLY, "the store was opened read-only");
	return csvc__store_checkpoint(store, 1);
}

/* ---- open / close ---- */

/* Version 2 added wal_size_limit, version 3 pg_conninfo and pg_schema. */
CSVC__STRUCT_LAYOUT(store_options_layout, csvc_store_options, CSVC_STORE_OPTIONS_VERSION,
                    CSVC_STORE_OPTIONS_INIT, offsetof(csvc_store_options, wal_size_limit),
                    offsetof(csvc_store_options, pg_conninfo), sizeof(csvc_store_options));

int csvc_store_options_init(csvc_store_options *opts, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&store_options_layout, opts, version);
}

static int validate_options(const csvc_store_options *o)
{
	if (o->durability < 0 || o->durability > CSVC_DURABILITY_FULL)
		return csvc__error(CSVC_EINVAL, "unknown durability %d", (int)o->durability);
	if (o->flags & ~(uint32_t)(CSVC_OPEN_READONLY | CSVC_OPEN_NOCREATE | CSVC_OPEN_NO_SECURE_DELETE |
	                          CSVC_OPEN_URI | CSVC_OPEN_ACCESS_CONTROL))
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

/* Checks the header and applies migrations. Never writes to a database
 * that is not (or not yet) known to be ours. */
static int prepare_schema(csvc__db *db, int readonly, void *ctx)
{
	csvc_store *s = ctx;
	int64_t app_id, user_version, tables;
	int rc = csvc__db_header(db, &app_id, &user_version, &tables);
	if (rc)
		return rc;
	int fresh = app_id == 0 && user_version == 0 && tables == 0;
	if (!fresh && app_id != CSVC__APPLICATION_ID && csvc__db_dialect(db) == CSVC__DIALECT_POSTGRES)
		return csvc__error(CSVC_ENOTSTORE,
		                   "the PostgreSQL schema holds %lld tables of another application (no libcsvc "
		                   "header); it was not modified",
		                   (long long)tables);
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
		if (user_version < latest && !s->verifying)
			return csvc__error(CSVC_EVERSION,
			                   "the store has schema version %lld and needs an upgrade to %d, "
			                   "which a read-only open cannot do",
			                   (long long)user_version, latest);
		return CSVC_OK;
	}
	/* The database is ours (or empty): preparing it for writes is safe. */
	if ((rc = csvc__db_claim(db)))
		return rc;
	if (user_version < latest)
		return csvc__schema_migrate(s, db, (int32_t)user_version);
	return CSVC_OK;
}

static int close_store(csvc_store *store, int report);

/* A path naming a PostgreSQL database: a libpq connection URI. */
static int is_postgres_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* Where the store is: *conninfo is the PostgreSQL connection string, or
 * stays NULL for an SQLite path. */
static int postgres_target(const char *path, const csvc_store_options *o, const char **conninfo)
{
	if (o->pg_conninfo) {
		if (path[0])
			return csvc__error(CSVC_EINVAL,
			                   "pg_conninfo names the PostgreSQL database: the path must then be \"\"");
		*conninfo = o->pg_conninfo;
	} else if (is_postgres_uri(path)) {
		*conninfo = path;
	} else {
		return CSVC_OK;
	}
#ifndef CSVC_HAVE_POSTGRES
	return csvc__error(CSVC_ESTORAGE, "this libcsvc was built without PostgreSQL support "
	                                  "(meson -Dpostgresql=disabled, or libpq was missing)");
#else
	return CSVC_OK;
#endif
}

/* Opens the store in a PostgreSQL database. The options that only mean
 * something to SQLite (wal_size_limit, CSVC_OPEN_NO_SECURE_DELETE,
 * CSVC_OPEN_URI) are ignored: include/csvc/store.h documents them so. */
static int open_postgres(csvc_store *s, const char *conninfo, const csvc_store_options *opts)
{
#ifdef CSVC_HAVE_POSTGRES
	int rc = csvc__check_text_mode(conninfo, 0, 4096, "pg_conninfo", CSVC__TEXT_ANY);
	if (rc)
		return rc;
	csvc__postgres_config cfg = {
		/* A lock waited for longer fails with CSVC_EBUSY, as SQLite's busy
		 * timeout; "do not wait" is the shortest wait PostgreSQL has. */
		.lock_timeout_ms = opts->busy_timeout_ms < 0 ? 1
		                   : opts->busy_timeout_ms ? opts->busy_timeout_ms
		                                           : DEFAULT_BUSY_TIMEOUT_MS,
		.schema = opts->pg_schema ? opts->pg_schema : "csvc",
		.create = !(opts->flags & (CSVC_OPEN_READONLY | CSVC_OPEN_NOCREATE)),
		.readonly = (opts->flags & CSVC_OPEN_READONLY) != 0,
		.async_commit = opts->durability == CSVC_DURABILITY_NORMAL,
		.prepare = prepare_schema,
		.ctx = s,
	};
	return csvc__postgres_open(&s->db, conninfo, &cfg);
#else
	(void)s;
	(void)conninfo;
	(void)opts;
	return csvc__error(CSVC_ESTORAGE, "this libcsvc was built without PostgreSQL support");
#endif
}

static int open_store(csvc_store **out, const char *path, const csvc_store_options *opts, int verifying);

int csvc__store_open(csvc_store **out, const char *path, const csvc_store_options *opts)
{
	return open_store(out, path, opts, 0);
}

static int open_store(csvc_store **out, const char *path, const csvc_store_options *opts, int verifying)
{
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
	s->verifying = verifying;
	snprintf(s->country_code, sizeof(s->country_code), "%s",
	         opts->default_country_code ? opts->default_country_code : "86");
	if (opts->zoneinfo_dir && ((rc = csvc__check_text_mode(opts->zoneinfo_dir, 0, 4096, "zoneinfo_dir", CSVC__TEXT_ANY)) ||
	                           (rc = csvc__strdup(opts->zoneinfo_dir, &s->zoneinfo_dir))))
		goto fail;

	const char *conninfo = NULL;
	if ((rc = postgres_target(path, opts, &conninfo)))
		goto fail;
	if (conninfo) {
		if ((rc = open_postgres(s, conninfo, opts)))
			goto fail;
		*out = s;
		return CSVC_OK;
	}
	csvc__sqlite_config cfg = {
		.flags = opts->flags,
		.busy_timeout_ms = opts->busy_timeout_ms < 0 ? 0
		                   : opts->busy_timeout_ms ? opts->busy_timeout_ms
		                                           : DEFAULT_BUSY_TIMEOUT_MS,
		.durability = opts->durability,
		/* 0 in a version-1 struct's copy (csvc__struct_read) */
		.wal_size_limit = !opts->wal_size_limit ? CSVC_STORE_WAL_SIZE_LIMIT_DEFAULT
		                  : opts->wal_size_limit < 0 ? -1
		                                             : opts->wal_size_limit,
		.prepare = prepare_schema,
		.ctx = s,
	};
	if ((rc = csvc__sqlite_open(&s->db, path, &cfg)))
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
	int depth = store->db ? csvc__db_depth(store->db) : 0;
	int open_tx = store->db && (depth > 0 || store->db->ops->in_transaction(store->db));
	if (open_tx)
		csvc__log(store, CSVC_LOG_WARN, "the store was closed with a transaction open; it was rolled back");
	/* Modules attached last go first: they may use those below. */
	while (store->n_ext > 0) {
		struct csvc__store_slot *e = &store->ext[--store->n_ext];
		if (e->ext->free)
			e->ext->free(e->state);
	}
	int rc = csvc__db_close(store->db);
	if (!report)
		rc = CSVC_OK;
	else if (open_tx && (rc == CSVC_OK || rc == CSVC_EBUSY))
		rc = csvc__error(CSVC_ESTATE,
		                 "a transaction was open (%d level%s of csvc_store_begin) and was rolled back",
		                 depth, depth == 1 ? "" : "s");
	else if (rc == CSVC_EBUSY)
		rc = csvc__error(CSVC_EBUSY,
		                 "iterators of the store are still open: the store is freed, and its database "
		                 "connection is closed when the last of them is freed");
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
	int64_t app_id, v, objects;
	int rc = csvc__db_header(store->db, &app_id, &v, &objects);
	if (rc)
		return rc;
	*out = (int32_t)v;
	return CSVC_OK;
}

int csvc_store_backup(csvc_store *store, const char *path)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(path, "path");
	int rc = csvc__check_text_mode(path, 0, 4096, "path", CSVC__TEXT_ANY);
	if (rc)
		return rc;
	if (!path[0] || strcmp(path, ":memory:") == 0)
		return csvc__error(CSVC_EINVAL, "a backup needs a file path, not '%s'", path);
	/* A copy of the whole store is every customer's data at once. */
	if ((rc = csvc__store_require(store, CSVC_PERM_STORE_MAINTAIN, "csvc_store_backup")) ||
	    (rc = csvc__store_require(store, CSVC_PERM_CUSTOMER_EXPORT, "csvc_store_backup")))
		return rc;
	/* Inside a transaction the copy would hold its uncommitted writes. */
	if (csvc__db_depth(store->db) > 0)
		return csvc__error(CSVC_ESTATE, "a backup cannot run inside a transaction; commit first");
	return csvc__db_backup(store->db, path);
}

int csvc_store_verify(const char *path, const csvc_store_options *opts, int32_t *schema_version)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(path, "path");
	/* The caller's struct is read only as far as its version goes. */
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	int rc;
	if (opts && (rc = csvc__struct_read(&store_options_layout, &o, opts)))
		return rc;
	o.flags |= CSVC_OPEN_READONLY | CSVC_OPEN_NOCREATE;
	o.flags &= ~(uint32_t)CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *s = NULL;
	if ((rc = open_store(&s, path, &o, 1)))
		return rc;
	int64_t problems = 0, app_id = 0, v = 0, objects = 0;
	rc = csvc__db_verify(s->db, &problems);
	if (!rc && !(rc = csvc__db_header(s->db, &app_id, &v, &objects)) && schema_version)
		*schema_version = (int32_t)v;
	/* The error record is the check's, not the close's. */
	close_store(s, 0);
	return rc;
}

int32_t csvc_store_schema_version_supported(void)
{
	return csvc__schema_latest();
}
