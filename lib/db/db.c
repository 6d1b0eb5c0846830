/*
 * The engine-neutral half of the database layer: the statement cache,
 * statements with named parameters, transaction levels and small helpers
 * over the driver's operations.
 */
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/postgres.h"
#include "util/internal.h"

/* ---- statement cache ---- */

static size_t slot_of(const csvc__sql *sql, size_t cap)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (cap - 1);
}

static int cache_grow(csvc__db *db)
{
	size_t cap = db->slot_cap ? db->slot_cap * 2 : 64;
	struct csvc__db_slot *slots = csvc__calloc(cap, sizeof(*slots));
	if (!slots)
		return csvc__error(CSVC_ENOMEM, "out of memory growing the statement cache");
	for (size_t i = 0; i < db->slot_cap; i++) {
		if (!db->slots[i].sql)
			continue;
		size_t j = slot_of(db->slots[i].sql, cap);
		while (slots[j].sql)
			j = (j + 1) & (cap - 1);
		slots[j] = db->slots[i];
	}
	csvc__free(db->slots);
	db->slots = slots;
	db->slot_cap = cap;
	return CSVC_OK;
}

static int prepare_text(csvc__db *db, const char *text, csvc__stmt **out)
{
	if (!text)
		return csvc__error_engine(CSVC_ESTORAGE, db->ops->engine, 0, NULL,
		                          "this statement has no text for the %s engine", db->ops->engine);
	return db->ops->prepare(db, text, out);
}

int csvc__db_stmt(csvc__db *db, const csvc__sql *sql, csvc__stmt **out)
{
	if (db->slot_cap) {
		size_t j = slot_of(sql, db->slot_cap);
		while (db->slots[j].sql) {
			if (db->slots[j].sql == sql) {
				/* Always a fresh statement, whatever the last user
				 * left behind. */
				csvc__stmt *st = db->slots[j].stmt;
				st->ops->reset(st);
				st->ops->clear(st);
				*out = st;
				return CSVC_OK;
			}
			j = (j + 1) & (db->slot_cap - 1);
		}
	}
	if ((db->slot_count + 1) * 2 > db->slot_cap) {
		int rc = cache_grow(db);
		if (rc)
			return rc;
	}
	csvc__stmt *st = NULL;
	int rc = prepare_text(db, csvc__db_text(db, sql), &st);
	if (rc)
		return rc;
	st->key = sql;
	size_t j = slot_of(sql, db->slot_cap);
	while (db->slots[j].sql)
		j = (j + 1) & (db->slot_cap - 1);
	db->slots[j].sql = sql;
	db->slots[j].stmt = st;
	db->slot_count++;
	*out = st;
	return CSVC_OK;
}

int csvc__db_prepare(csvc__db *db, const char *text, csvc__stmt **out)
{
	int rc = prepare_text(db, text, out);
	if (rc == CSVC_OK)
		db->open_stmts++;
	return rc;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int csvc__db_prepare_named(csvc__db *db, const char *text, csvc__stmt **out)
{
	csvc__buf b = {0};
	char **names = NULL;
	size_t n = 0;
	int rc = CSVC_OK;
	char quote = 0;
	for (const char *p = text; *p && rc == CSVC_OK;) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			csvc__buf_put(&b, p++, 1);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			csvc__buf_put(&b, p++, 1);
			continue;
		}
		if (*p != ':' || !name_char(p[1]) || (p > text && p[-1] == ':')) {
			csvc__buf_put(&b, p++, 1);
			continue;
		}
		size_t len = 1;
		while (name_char(p[len]))
			len++;
		size_t k = 0;
		while (k < n && !(strlen(names[k]) == len && memcmp(names[k], p, len) == 0))
			k++;
		if (k == n) {
			char **grown = csvc__realloc(names, (n + 1) * sizeof(*grown));
			char *name = csvc__malloc(len + 1);
			if (grown)
				names = grown;
			if (!grown || !name) {
				csvc__free(name);
				rc = csvc__error(CSVC_ENOMEM, "out of memory preparing a query");
				break;
			}
			memcpy(name, p, len);
			name[len] = '\0';
			names[n++] = name;
		}
		csvc__buf_printf(&b, "$%zu", k + 1);
		p += len;
	}
	if (rc == CSVC_OK && b.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory preparing a query");
	if (rc == CSVC_OK)
		rc = csvc__db_prepare(db, b.data, out);
	csvc__buf_free(&b);
	if (rc) {
		for (size_t k = 0; k < n; k++)
			csvc__free(names[k]);
		csvc__free(names);
		return rc;
	}
	(*out)->names = names;
	(*out)->n_names = n;
	return CSVC_OK;
}

int csvc__db_param(const csvc__stmt *st, const char *name)
{
	for (size_t k = 0; k < st->n_names; k++)
		if (strcmp(st->names[k], name) == 0)
			return (int)k + 1;
	return 0;
}

static void destroy(csvc__db *db)
{
	csvc__free(db->slots);
	db->ops->destroy(db);
}

void csvc__db_finalize(csvc__stmt *st)
{
	if (!st)
		return;
	csvc__db *db = st->db;
	for (size_t k = 0; k < st->n_names; k++)
		csvc__free(st->names[k]);
	csvc__free(st->names);
	st->ops->finalize(st);
	if (--db->open_stmts == 0 && db->closing)
		destroy(db);
}

/* ---- helpers ---- */

int csvc__db_run(csvc__stmt *st)
{
	int rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__db_insert_id(csvc__stmt *st, int64_t *id)
{
	int rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	if (rc == CSVC__ROW) {
		*id = csvc__db_int(st, 0);
	} else if (st->ops->last_insert_id) {
		*id = st->ops->last_insert_id(st->db);
	} else {
		csvc__db_reset(st);
		return csvc__error(CSVC_ESTORAGE, "an insert returned no row id");
	}
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__db_run_ints(csvc__db *db, const csvc__sql *sql, size_t n, const int64_t *v)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, sql, &st);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		csvc__db_bind_int(st, (int)i + 1, v[i]);
	return csvc__db_run(st);
}

int csvc__db_one_int(csvc__stmt *st, int64_t *out)
{
	int rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	int found = rc == CSVC__ROW && !csvc__db_is_null(st, 0);
	if (found)
		*out = csvc__db_int(st, 0);
	csvc__db_reset(st);
	return found;
}

int csvc__db_collect_ids(csvc__db *db, const csvc__sql *sql, int64_t key, int64_t **ids, size_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, sql, &st);
	if (rc)
		return rc;
	if (st->nparams)
		csvc__db_bind_int(st, 1, key);
	int64_t *list = NULL;
	size_t count = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *p = csvc__realloc(list, cap * sizeof(*p));
			if (!p) {
				csvc__free(list);
				csvc__db_reset(st);
				return csvc__error(CSVC_ENOMEM, "out of memory collecting ids");
			}
			list = p;
		}
		list[count++] = csvc__db_int(st, 0);
	}
	if (rc < 0) {
		csvc__free(list);
		return rc;
	}
	csvc__db_reset(st);
	*ids = list;
	*n = count;
	return CSVC_OK;
}

int csvc__db_bind_text(csvc__stmt *st, int n, const char *text)
{
	if (!text)
		return st->ops->bind_null(st, n);
	return st->ops->bind_text(st, n, text, strlen(text));
}

int csvc__db_search_indexed(const char *text)
{
	size_t n = 0;
	for (; *text && n < 3; text++)
		if (((unsigned char)*text & 0xC0) != 0x80)
			n++;
	return n >= 3;
}

int csvc__db_bind_search(csvc__stmt *st, int n, const char *text)
{
	if (!text)
		return CSVC_OK;
	return st->ops->bind_search(st, n, text);
}

int csvc__db_bind_int_named(csvc__stmt *st, const char *name, int64_t v)
{
	int n = csvc__db_param(st, name);
	return n ? csvc__db_bind_int(st, n, v) : CSVC_OK;
}

int csvc__db_bind_text_named(csvc__stmt *st, const char *name, const char *text)
{
	int n = csvc__db_param(st, name);
	return n && text ? csvc__db_bind_text(st, n, text) : CSVC_OK;
}

int csvc__db_bind_search_named(csvc__stmt *st, const char *name, const char *text)
{
	int n = csvc__db_param(st, name);
	return n ? csvc__db_bind_search(st, n, text) : CSVC_OK;
}

int csvc__db_uuid(csvc__stmt *st, int col, csvc_uuid *out)
{
	size_t len = 0;
	const void *p = csvc__db_blob(st, col, &len);
	if (!p || len != 16) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	memcpy(out->bytes, p, 16);
	return 1;
}

/* ---- transactions ---- */

/* Transaction control; the same words in both dialects except the
 * outermost begin, which takes the write lock at once. */
static const csvc__sql SQL_BEGIN = CSVC__SQL_DIALECTS("BEGIN IMMEDIATE", "BEGIN ISOLATION LEVEL READ COMMITTED");
static const csvc__sql SQL_BEGIN_READ = CSVC__SQL_DIALECTS("BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
static const csvc__sql SQL_COMMIT = CSVC__SQL("COMMIT");
static const csvc__sql SQL_ROLLBACK = CSVC__SQL("ROLLBACK");
static const csvc__sql SQL_SAVEPOINT = CSVC__SQL("SAVEPOINT csvc_sp");
static const csvc__sql SQL_RELEASE = CSVC__SQL("RELEASE csvc_sp");
static const csvc__sql SQL_ROLLBACK_TO = CSVC__SQL("ROLLBACK TO csvc_sp");

static int run_cached(csvc__db *db, const csvc__sql *sql)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, sql, &st);
	if (rc)
		return rc;
	return csvc__db_run(st);
}

/* Transaction control whose failure changes nothing the caller can act on
 * (a ROLLBACK after a failure): the error record is left alone. */
static void run_quietly(csvc__db *db, const csvc__sql *sql)
{
	csvc__error_saved saved;
	csvc__error_save(&saved);
	csvc__stmt *st;
	if (csvc__db_stmt(db, sql, &st) == CSVC_OK && csvc__db_step(st) >= 0)
		csvc__db_reset(st);
	csvc__error_restore(&saved);
}

static void undo_none(csvc__db_undo *u)
{
	u->level = -1;
	u->data = 0;
}

static void undo_all(csvc__db_undo *u)
{
	u->level = 0;
	u->data = 1;
}

static int in_tx(csvc__db *db)
{
	return db->ops->in_transaction(db);
}

int csvc__db_begin(csvc__db *db, int savepoint, csvc__db_undo *undo)
{
	undo_none(undo);
	if (db->depth >= CSVC__DB_TX_MAX_DEPTH)
		return csvc__error(CSVC_ERANGE, "transactions nest at most %d deep", CSVC__DB_TX_MAX_DEPTH);
	if (db->depth > 0 && !db->aborted && !in_tx(db)) {
		/* The engine rolled the transaction back by itself (an I/O or
		 * memory error, even in a read): nothing may run as if it
		 * were open. */
		db->aborted = 1;
		undo_all(undo);
	}
	if (db->aborted)
		return csvc__error(CSVC_ESTATE, "the transaction was aborted by an earlier storage failure; "
		                                "roll it back first");
	int rc = CSVC_OK;
	if (db->depth == 0) {
		rc = run_cached(db, &SQL_BEGIN);
		db->serial++;
	} else if (savepoint) {
		rc = run_cached(db, &SQL_SAVEPOINT);
	}
	if (rc)
		return rc;
	db->savepoint[db->depth] = (char)(db->depth > 0 && savepoint);
	db->mark[db->depth] = db->ops->total_changes(db);
	db->depth++;
	return CSVC_OK;
}

int csvc__db_commit(csvc__db *db, csvc__db_undo *undo)
{
	undo_none(undo);
	if (db->depth == 0)
		return csvc__error(CSVC_ESTATE, "commit without a matching begin");
	if (db->aborted || !in_tx(db)) {
		db->depth--;
		db->aborted = db->depth > 0;
		undo_all(undo);
		return csvc__error(CSVC_ESTORAGE, "the transaction was rolled back after a storage failure");
	}
	int level = --db->depth;
	if (level > 0)
		return db->savepoint[level] ? run_cached(db, &SQL_RELEASE) : CSVC_OK;
	int rc = run_cached(db, &SQL_COMMIT);
	if (rc) {
		if (in_tx(db))
			run_quietly(db, &SQL_ROLLBACK); /* the store stays as before begin */
		undo_all(undo);
	}
	return rc;
}

int csvc__db_rollback(csvc__db *db, csvc__db_undo *undo)
{
	undo_none(undo);
	if (db->depth == 0)
		return csvc__error(CSVC_ESTATE, "rollback without a matching begin");
	int level = --db->depth;
	/* Stored data is reported undone whenever it was. A level that failed
	 * before writing undid nothing: caches derived from stored data stay
	 * valid, and so do the cached objects the calls around it use. */
	if (db->aborted || !in_tx(db)) {
		db->aborted = level > 0;
		undo_all(undo);
		return CSVC_OK;
	}
	undo->level = level;
	if (level == 0) {
		run_quietly(db, &SQL_ROLLBACK);
		undo->data = 1;
	} else if (db->savepoint[level]) {
		run_quietly(db, &SQL_ROLLBACK_TO);
		run_quietly(db, &SQL_RELEASE);
		undo->data = 1;
	} else if (db->ops->total_changes(db) != db->mark[level]) {
		/* A call failed after writing: only the whole transaction can
		 * undo it. */
		run_quietly(db, &SQL_ROLLBACK);
		db->aborted = 1;
		undo_all(undo);
	}
	return CSVC_OK;
}

int csvc__db_read_begin(csvc__db *db, int *began)
{
	*began = 0;
	if (db->depth > 0 || in_tx(db))
		return CSVC_OK; /* the reads join the transaction that is open */
	int rc = run_cached(db, &SQL_BEGIN_READ);
	*began = rc == CSVC_OK;
	return rc;
}

void csvc__db_read_end(csvc__db *db, int began)
{
	if (began && in_tx(db))
		run_quietly(db, &SQL_COMMIT);
	/* A COMMIT that failed leaves the read transaction open, and every
	 * later begin would fail: end it. */
	if (began && in_tx(db))
		run_quietly(db, &SQL_ROLLBACK);
}

int csvc__db_exec_sql(csvc__db *db, const csvc__sql *sql, int internals)
{
	const char *text = csvc__db_text(db, sql);
	if (!text)
		return csvc__error_engine(CSVC_ESTORAGE, db->ops->engine, 0, NULL,
		                          "this statement has no text for the %s engine", db->ops->engine);
	return db->ops->exec(db, text, internals);
}

/* Keyed on two integers: hashtext() of the name and of the schema, so
 * stores in different schemas of one database do not wait for each other
 * (csvc__schema_migrate's lock uses a fixed first key of its own). */
static const csvc__sql SQL_LOCK_NAMED = CSVC__SQL_DIALECTS(
	NULL, "SELECT pg_advisory_xact_lock(hashtext('csvc.' || $1), hashtext(current_schema()))");

int csvc__db_lock_named(csvc__db *db, const char *name)
{
	if (!csvc__db_locking(db))
		return CSVC_OK;
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &SQL_LOCK_NAMED, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__db_locking(const csvc__db *db)
{
	return db->depth > 0 && !db->aborted && csvc__db_dialect(db) == CSVC__DIALECT_POSTGRES;
}

int csvc__db_retryable(int rc)
{
	if (rc != CSVC_EBUSY)
		return 0;
	const char *state = csvc_error_last()->sqlstate;
	return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0;
}

int csvc__db_passing(int rc)
{
	if (rc == CSVC_EBUSY || rc == CSVC_ENOMEM)
		return 1;
	const csvc_error *e = csvc_error_last();
	if (rc != CSVC_ESTORAGE || !e->engine || strcmp(e->engine, CSVC__ENGINE_POSTGRES) != 0)
		return 0;
	return !e->sqlstate[0] || strncmp(e->sqlstate, "08", 2) == 0 || strncmp(e->sqlstate, "57P", 3) == 0;
}

static int no_waiting(csvc__db *db)
{
	return csvc__error_engine(CSVC_ESTORAGE, db->ops->engine, 0, NULL,
	                          "the %s driver cannot watch the store for changes yet", db->ops->engine);
}

char *csvc__db_textcol_copy(csvc__stmt *st, int col, int *oom)
{
	const char *t = csvc__db_textcol(st, col);
	if (!t)
		return NULL;
	char *copy = csvc__strcopy(t);
	if (!copy)
		*oom = 1;
	return copy;
}

static int engine_tools(csvc__db *db, const char *what)
{
	return csvc__error(CSVC_ESTATE,
	                   "a store on %s is %s with the server's own tools (docs/backup.md), not by the library",
	                   db->ops->engine, what);
}

int csvc__db_backup(csvc__db *db, const char *path)
{
	return db->ops->backup ? db->ops->backup(db, path) : engine_tools(db, "backed up");
}

int csvc__db_verify(csvc__db *db, int64_t *problems)
{
	*problems = 0;
	return db->ops->verify ? db->ops->verify(db, problems) : engine_tools(db, "verified");
}

int csvc__db_data_version(csvc__db *db, int64_t *out)
{
	return db->ops->data_version ? db->ops->data_version(db, out) : no_waiting(db);
}

int csvc__db_wait_change(csvc__db *db, int64_t version, int timeout_ms)
{
	return db->ops->wait_change ? db->ops->wait_change(db, version, timeout_ms) : no_waiting(db);
}

/* ---- close ---- */

void csvc__db_drop_statements(csvc__db *db)
{
	for (size_t i = 0; i < db->slot_cap; i++)
		if (db->slots[i].sql)
			db->slots[i].stmt->ops->finalize(db->slots[i].stmt);
	csvc__free(db->slots);
	db->slots = NULL;
	db->slot_cap = db->slot_count = 0;
}

int csvc__db_close(csvc__db *db)
{
	if (!db)
		return CSVC_OK;
	int rc = CSVC_OK;
	if (db->depth > 0 || in_tx(db)) {
		/* Closing would roll it back as well; a failed ROLLBACK
		 * changes nothing to that. */
		run_quietly(db, &SQL_ROLLBACK);
		db->depth = 0;
		db->aborted = 0;
	}
	csvc__db_drop_statements(db);
	rc = db->ops->close(db);
	if (db->open_stmts)
		db->closing = 1;
	else
		destroy(db);
	return rc;
}
