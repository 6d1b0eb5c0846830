/**
 * @file
 * libcsvc - the store: one database connection and everything kept in it.
 *
 * A csvc_store is the one context object of the library. It wraps a single
 * SQLite connection of its own (the host's SQLite use is never touched:
 * no sqlite3_config, no global hooks), the injected clock and the log
 * handler. Records read from it are detached values that outlive it.
 *
 * Thread safety: a store is used by one thread at a time (the library
 * takes no lock); it may move between threads when no call is in
 * progress, and its open transaction moves with it. Separate stores on
 * the same file may be used from separate threads and processes at once.
 * csvc_store_options_init() and csvc_store_schema_version_supported()
 * touch no store and may be called from any thread. See
 * docs/threading.md.
 */
#ifndef CSVC_STORE_H
#define CSVC_STORE_H

#include "common.h"

CSVC_BEGIN_DECL

/** An open store. Opaque. @since 1.0 */
typedef struct csvc_store csvc_store;

/**
 * Durability of commits (the `durability` option).
 * @since 1.0
 */
typedef enum csvc_durability_t {
	CSVC_DURABILITY_DEFAULT = 0, /**< same as FULL */
	CSVC_DURABILITY_NORMAL = 1,  /**< survives a process crash; the last commits may be lost on power loss */
	CSVC_DURABILITY_FULL = 2     /**< every commit is on disk before it returns */
} csvc_durability_t;

/**
 * Open flags (the `flags` option, bitwise OR).
 * @since 1.0
 */
typedef enum csvc_open_flag_t {
	CSVC_OPEN_READONLY = 1,          /**< never write; fails if the store needs creating or upgrading */
	CSVC_OPEN_NOCREATE = 2,          /**< fail with CSVC_ENOTFOUND if the file does not exist */
	CSVC_OPEN_NO_SECURE_DELETE = 4,  /**< do not overwrite deleted content (faster, less private);
	                                  * SQLite only, ignored on PostgreSQL */
	CSVC_OPEN_URI = 8,               /**< `path` is an SQLite URI ("file:x.db?mode=ro"); without
	                                  * this flag every path is a plain file name (or a
	                                  * postgresql:// URI: csvc_store_open) */
	CSVC_OPEN_ACCESS_CONTROL = 16    /**< run every call as the principal and refuse what its
	                                  * roles do not allow (access.h); without it the store is
	                                  * in trusted mode */
} csvc_open_flag_t;

/**
 * Log levels for the log handler.
 * @since 1.0
 */
typedef enum csvc_log_level_t {
	CSVC_LOG_ERROR = 1,
	CSVC_LOG_WARN = 2,
	CSVC_LOG_INFO = 3,
	CSVC_LOG_DEBUG = 4
} csvc_log_level_t;

/**
 * A log handler. Called on the thread that made the libcsvc call, with a
 * NUL-terminated UTF-8 message that is valid only during the call. It must
 * not call back into the store that logs.
 * @since 1.0
 */
typedef void (*csvc_log_fn)(int32_t level, const char *message, void *userdata);

/** Current version of csvc_store_options. @since 1.0 */
#define CSVC_STORE_OPTIONS_VERSION 3

/** Default of csvc_store_options.wal_size_limit: 64 MiB. @since 1.0 */
#define CSVC_STORE_WAL_SIZE_LIMIT_DEFAULT (64 * 1024 * 1024)

/**
 * Options for csvc_store_open. Zero in any field means its default, so a
 * zeroed struct (or CSVC_STORE_OPTIONS_INIT) gives all defaults; a zero
 * `version` means version 1, the first (its fields, no later ones: a
 * zeroed struct has no wal_size_limit to read, and gets its default).
 * Fields are only ever appended; set `version` to
 * CSVC_STORE_OPTIONS_VERSION, or use csvc_store_options_init().
 * @since 1.0
 */
typedef struct csvc_store_options {
	uint32_t version;
	/** Clock returning "now"; NULL means the system real-time clock. It may
	 * step back (an NTP correction, a host moved between time zones badly
	 * configured): events never go back in time within a ticket. A write to
	 * a ticket whose clock reading is earlier than the ticket's latest event
	 * is dated at that event's instant instead, and a CSVC_LOG_WARN message
	 * is logged. New tickets take the reading as it is (docs/tickets.md). */
	csvc_clock_fn clock;
	void *clock_userdata;
	/** Milliseconds to wait for a lock held by another connection before
	 * returning CSVC_EBUSY. 0 means 5000; negative means do not wait
	 * (PostgreSQL: lock_timeout, 1 ms). */
	int32_t busy_timeout_ms;
	/** One of csvc_durability_t. */
	int32_t durability;
	/** Bitwise OR of csvc_open_flag_t. */
	uint32_t flags;
	/** Log handler; NULL means silent. */
	csvc_log_fn log;
	void *log_userdata;
	/** Highest csvc_log_level_t passed to the handler; 0 means CSVC_LOG_WARN. */
	int32_t log_level;
	/** Country calling code (digits only, e.g. "86" or "852") used to
	 * normalise phone numbers written without one; NULL means "86". */
	const char *default_country_code;
	/** Directory of TZif time-zone files for the calendars the store uses
	 * (SLA targets); NULL means "/usr/share/zoneinfo". Copied. */
	const char *zoneinfo_dir;
	/** Version 2. Bytes the write-ahead log is cut back to after a
	 * checkpoint empties it (SQLite's journal_size_limit). 0 means
	 * CSVC_STORE_WAL_SIZE_LIMIT_DEFAULT; negative means no limit. The
	 * WAL grows past it while another connection holds an old read
	 * snapshot; csvc_store_checkpoint() empties it once that ends.
	 * SQLite only: ignored on PostgreSQL. */
	int64_t wal_size_limit;
	/** Version 3. A libpq connection string ("host=db1 dbname=retail
	 * user=csvc", see libpq's "Connection Strings") of the PostgreSQL
	 * database to open the store in; `path` must then be "". NULL means
	 * that `path` says where the store is: a postgresql:// or postgres://
	 * URI, or an SQLite file. Not kept. @since 1.0 */
	const char *pg_conninfo;
	/** Version 3. The PostgreSQL schema that holds the store's tables
	 * (created if missing, unless CSVC_OPEN_NOCREATE or
	 * CSVC_OPEN_READONLY is set): several stores may share one database
	 * under different schemas. 1 to 63 bytes of ASCII letters, digits
	 * and '_', not starting with a digit or "pg_". NULL means "csvc". Ignored on
	 * SQLite. Not kept. @since 1.0 */
	const char *pg_schema;
} csvc_store_options;

/** Static initialiser for csvc_store_options. @since 1.0 */
#define CSVC_STORE_OPTIONS_INIT { CSVC_STORE_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL }

/**
 * Initialises `opts` to the defaults of struct version `version` (pass
 * CSVC_STORE_OPTIONS_VERSION): the same as CSVC_STORE_OPTIONS_INIT, but writing only the
 * fields that `version` has, and `version` into opts->version, so that a
 * program built against older headers passes its own, smaller version and
 * nothing past its struct is written (docs/conventions.md "Versioned
 * structs").
 *
 * @param opts The caller's options struct.
 * @param version The caller's CSVC_STORE_OPTIONS_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `opts` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_options_init(csvc_store_options *opts, unsigned int version);

/**
 * Opens (and unless CSVC_OPEN_NOCREATE or CSVC_OPEN_READONLY is set,
 * creates) the store at `path`. ":memory:" opens a private in-memory store.
 * `opts` may be NULL for all defaults. `path` is a plain file name, even
 * when it starts with "file:", unless CSVC_OPEN_URI is set.
 *
 * Only a missing file is created: an existing empty file, or one too short
 * to be an SQLite database, is refused and left as it is. A read-only open
 * of a store on a read-only medium or in a directory the caller cannot
 * write (so nobody can be writing it) opens the file as immutable and
 * creates no -wal or -shm files.
 *
 * On open the store is put in WAL mode with foreign keys on, its
 * application_id is checked, and pending schema migrations are applied in
 * one transaction. Writes `*out` only on success.
 *
 * PostgreSQL: a `path` that starts with "postgresql://" or "postgres://"
 * is a libpq connection URI, and with `opts->pg_conninfo` set (`path`
 * then ""), that connection string is used. The store lives in the
 * schema `opts->pg_schema` ("csvc"), created when missing, with
 * search_path set to it; the header (application id, schema version) is
 * the one-row table csvc_meta there, and a schema holding other tables or
 * a newer version is refused untouched, as a file is on SQLite. The
 * database must be UTF8 with an LC_CTYPE that counts Chinese characters
 * as letters (C.UTF-8, zh_CN.UTF-8, ...; not "C"), so that its pg_trgm
 * indexes can search Chinese text: otherwise the open fails with
 * CSVC_ESTORAGE before anything is created. The first open installs the
 * pg_trgm extension (in "public") if the database lacks it, which needs
 * the right to create it there. `busy_timeout_ms` becomes the session's
 * lock_timeout (negative: 1 ms), CSVC_DURABILITY_NORMAL sets
 * synchronous_commit off, and CSVC_OPEN_READONLY makes every transaction
 * read-only; `wal_size_limit`, CSVC_OPEN_NO_SECURE_DELETE and
 * CSVC_OPEN_URI mean nothing there and are ignored. A library built
 * without PostgreSQL (-Dpostgresql=disabled) fails such an open with
 * CSVC_ESTORAGE. docs/architecture.md lists what does not work on
 * PostgreSQL yet (the change feed's wait among it).
 *
 * @param out Receives the open store.
 * @param path The file name (UTF-8), ":memory:", with CSVC_OPEN_URI an
 *             SQLite URI, a postgresql:// URI, or "" with pg_conninfo.
 * @param opts Options read as far as their `version` goes, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors:
 *   CSVC_EINVAL     NULL `out`/`path`, unknown option values, bad country code,
 *                   a bad pg_schema name, pg_conninfo with a non-empty path;
 *   CSVC_ENOTFOUND  the file (PostgreSQL: the schema) does not exist and
 *                   creation is not allowed;
 *   CSVC_ENOTSTORE  the file is an SQLite database of another application
 *                   (it is left untouched), or an existing empty file;
 *   CSVC_ECORRUPT   the file is not an SQLite database at all, is shorter
 *                   than one, or is damaged (including a header whose
 *                   schema version is out of range);
 *   CSVC_EVERSION   the store was written by a newer libcsvc (left untouched,
 *                   also when a newer library upgraded it while this one
 *                   waited for the lock), or needs an upgrade but was opened
 *                   read-only;
 *   CSVC_EREADONLY  a read-write open of a file or medium that can only be
 *                   read (open it with CSVC_OPEN_READONLY);
 *   CSVC_ESTORAGE   also: permission denied reading the file, or `path`
 *                   names a directory; PostgreSQL: the server cannot be
 *                   reached, the database is not UTF8 or its locale cannot
 *                   index Chinese, pg_trgm cannot be installed, or the
 *                   library was built without PostgreSQL;
 *   CSVC_EBUSY, CSVC_ENOMEM.
 * Ownership: the caller owns `*out` and closes it with csvc_store_close().
 * `opts` and `path` are not kept: the clock and log handlers and their
 * userdata are, and must outlive the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_open(csvc_store **out, const char *path, const csvc_store_options *opts);

/**
 * Closes the store and frees it, in every case: `store` must not be used
 * afterwards, whatever the result. Records read from the store stay valid.
 * NULL is a no-op that returns CSVC_OK.
 *
 * @param store The store to close, or NULL.
 * @return CSVC_OK when the store closed cleanly, or a negative
 *         csvc_error_t (see Errors); the store is freed either way.
 *
 * Ownership: takes `store` back and frees it, whatever the result.
 *
 * Errors:
 *   CSVC_ESTATE    a transaction begun with csvc_store_begin() was still
 *                  open: it was rolled back (every level), and the message
 *                  says so ("a transaction was open ... and was rolled
 *                  back"); a CSVC_LOG_WARN message is logged too. The
 *                  store is closed and freed.
 *   CSVC_EBUSY     iterators of the store (customer, ticket, history or
 *                  SLA) were still open. Their statements keep the
 *                  database connection open: as sqlite3_close_v2() does,
 *                  closing the connection is deferred until the last of
 *                  them is freed. The store is freed now; the iterators
 *                  may only be freed (any other call on them is undefined),
 *                  and the file stays open until then. An iterator holds
 *                  no lock or read snapshot between calls, so other
 *                  connections are not blocked.
 *   CSVC_ESTORAGE  the storage engine refused to close the connection
 *                  (the error record names the engine and its code); the
 *                  store is freed all the same.
 * When both a transaction and iterators were open, CSVC_ESTATE is
 * returned. Unsaved data is never lost silently: a rolled-back
 * transaction is always CSVC_ESTATE.
 * Thread safety: not from a callback of the same store (change hook, SLA
 * alarm, log handler).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_close(csvc_store *store);

/**
 * Copies every committed change from the write-ahead log into the store's
 * main file and truncates the log to zero bytes, so that nothing deleted
 * or overwritten (erased personal data among it) stays in the log. SQLite
 * checkpoints by itself as the log grows, but cannot empty it while
 * another connection reads an older snapshot; call this when the store is
 * idle, e.g. in a nightly maintenance job. A no-op for ":memory:".
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL store); CSVC_ESTATE inside a transaction;
 * CSVC_EREADONLY on a read-only store; CSVC_EBUSY when another
 * connection's read snapshot or write kept the checkpoint from finishing
 * (what could be copied was; call again later); CSVC_ESTORAGE.
 * Thread safety: as every call on the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_checkpoint(csvc_store *store);

/**
 * Writes a consistent copy of the store's committed data to the new file
 * `path` while other connections and processes go on writing: the copy
 * is the store as of one moment (SQLite's online backup API reads one
 * snapshot), their later commits are not in it, and it waits for no
 * writer. The copy is written beside `path` under a temporary name,
 * synced and only then linked into place, so `path` is either absent or
 * a whole store (also after a crash); it is one self-contained file (no
 * -wal), which csvc_store_open opens like any store and
 * csvc_store_verify checks. An existing file is never replaced. A store
 * on PostgreSQL is backed up with the server's tools (docs/backup.md):
 * CSVC_ESTATE. Needs store_maintain and customer_export (a copy holds
 * every customer's data).
 *
 * @param store The open store (an in-memory store too).
 * @param path The new file (1 to 4096 bytes; not "" or ":memory:").
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `store` or `path`, an empty or in-memory
 * path, invalid UTF-8); CSVC_ERANGE (a path too long); CSVC_EACCESS;
 * CSVC_ESTATE (inside a transaction; a store on PostgreSQL);
 * CSVC_EEXISTS (`path` exists); CSVC_ENOTFOUND (no such directory);
 * CSVC_EREADONLY (a read-only file system); CSVC_EBUSY; CSVC_ESTORAGE
 * (I/O, disk full); CSVC_ECORRUPT (the store's own pages are damaged);
 * CSVC_ENOMEM. On failure nothing is left at `path`.
 * Thread safety: as every call on the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_backup(csvc_store *store, const char *path);

/**
 * Checks a store file without changing it: that it is a libcsvc store of
 * a schema version this library reads (opened read-only, so an older
 * store is not upgraded), and the whole database's structure (SQLite's
 * integrity check: every page, index against table, constraints; and
 * every reference between rows). Use it on a backup before relying on
 * it, or on a till's file after a power loss. A store on PostgreSQL is
 * checked with the server's tools: CSVC_ESTATE.
 *
 * @param path The store file (as csvc_store_open takes it).
 * @param opts As csvc_store_open's (NULL: defaults); CSVC_OPEN_READONLY
 *        and CSVC_OPEN_NOCREATE are added, access control is not used
 *        (reading the file is the check), and no clock is read.
 * @param schema_version Receives the store's schema version when the
 *        store is sound; may be NULL.
 * @return CSVC_OK when the store is sound, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `path`, bad options); CSVC_ENOTFOUND (no
 * such file);
 * CSVC_ENOTSTORE (not a libcsvc store); CSVC_EVERSION (written by a
 * newer libcsvc); CSVC_ECORRUPT (damaged: the message names the first
 * problem and how many were found; also a file that is not a database);
 * CSVC_ESTATE (PostgreSQL); CSVC_EBUSY; CSVC_ESTORAGE.
 * Thread safety: any thread; it opens its own connection.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_verify(const char *path, const csvc_store_options *opts, int32_t *schema_version);

/**
 * Reads the store's clock: the clock callback of its options, else the
 * system real-time clock. Never fails.
 *
 * @param store The open store.
 * @return The current time, or 0 if `store` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_store_now(csvc_store *store);

/**
 * Reads the schema version of the open store (the number of migrations
 * applied), from the database file.
 *
 * @param store The open store.
 * @param out Receives the version; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL on NULL arguments; CSVC_EBUSY or CSVC_ESTORAGE when
 * the file cannot be read.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_schema_version(csvc_store *store, int32_t *out);

/**
 * Tells the newest schema version this library knows and migrates stores
 * to. Never fails.
 *
 * @return The schema version.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_store_schema_version_supported(void);

/**
 * Starts a write transaction, or a nested level of one. csvc_store_begin starts a write transaction (taking the
 * write lock at once, so it fails early with CSVC_EBUSY rather than at
 * commit); calls nest up to 64 deep, the inner ones becoming savepoints.
 * Each begin is matched by exactly one commit or rollback. Rolling back an
 * inner level undoes only that level.
 *
 * Every API call that writes is atomic by itself. Outside a transaction it
 * runs in its own. Inside the caller's transaction it joins it without a
 * savepoint: it checks everything it can (arguments, states, revisions,
 * unique values) before its first write, so such a failure leaves the
 * caller's transaction as it was; if storage fails after the call has
 * written (I/O error, disk full, out of memory), the whole transaction is
 * rolled back and stays aborted: later writes return CSVC_ESTATE and the
 * outermost commit returns CSVC_ESTORAGE. See docs/error-handling.md.
 *
 * If the outermost commit fails, the transaction is rolled back and the
 * error returned: the store is as it was before begin.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL store), CSVC_EREADONLY (a read-only
 * store), CSVC_ERANGE (nested more than 64 deep), CSVC_ESTATE (in a
 * transaction aborted by a storage failure), CSVC_EBUSY (the write lock
 * was not granted within the busy timeout), CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_begin(csvc_store *store);
/**
 * Commits the innermost level begun with csvc_store_begin(): an inner
 * level releases its savepoint, the outermost commits the transaction.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL store), CSVC_ESTATE (no matching begin),
 * CSVC_ESTORAGE (the transaction was aborted by a storage failure and has
 * been rolled back, or the commit itself failed and rolled it back),
 * CSVC_EBUSY (the commit could not get its lock; rolled back).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_commit(csvc_store *store);
/**
 * Rolls back the innermost level begun with csvc_store_begin(): an inner
 * level only undoes what was written since its begin.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL store), CSVC_ESTATE (no matching begin). A
 * failure of the engine's own rollback is not reported: the level is
 * undone either way (the whole transaction, if need be).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_rollback(csvc_store *store);

/**
 * Tells how deep the store's transactions nest now. Never fails.
 *
 * @param store The open store.
 * @return the number of csvc_store_begin() levels open: 0 outside a
 *         transaction or for a NULL store (not an error code).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_tx_depth(csvc_store *store);

CSVC_END_DECL

#endif /* CSVC_STORE_H */
