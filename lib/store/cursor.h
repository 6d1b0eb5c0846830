/*
 * A forward cursor over the ids a list query returns, shared by every
 * module's queries (SQLite backend in cursor.c). The query text is built
 * from fixed fragments by the module's storage code; values are bound by
 * name here.
 */
#ifndef CSVC_CURSOR_H
#define CSVC_CURSOR_H

#include <stdint.h>

typedef struct csvc__cursor csvc__cursor;
struct csvc_store;
struct csvc__sql;

/* Prepares `sql` (always freed here). */
int csvc__cursor_open(struct csvc_store *s, char *sql, csvc__cursor **out);
/*
 * Turns a cursor over an id query into a paged one, for iterators. The
 * query selects the id alone, ordered by it, and has every other parameter
 * bound. The first page runs it as it is (":after", ":limit" bound when
 * present); the next pages run `next_sql` (freed here; NULL: the same
 * query), the same query with " AND x.id > :after" and " LIMIT :limit",
 * with the same values bound. The cursor then reads the ids in
 * pages of at most CSVC__CURSOR_PAGE, each page in one short statement run
 * that is reset before csvc__cursor_next_id returns, so no read snapshot
 * stays open between calls and the store can write in between. Ids above
 * `until` (the highest id when the iterator started) are never returned;
 * `limit` (0: none) caps the total. A failed page read changes nothing:
 * the next call reads the same page again.
 */
#define CSVC__CURSOR_PAGE 256
void csvc__cursor_page(csvc__cursor *c, int64_t after, int64_t until, int64_t limit, char *next_sql);
/*
 * The next record of a paged cursor, loaded by `load` (ENOTFOUND: the row
 * has gone and is skipped). Records are loaded in batches of up to
 * CSVC__CURSOR_BATCH in one read transaction, with the ids they need:
 * a record is as of the moment its batch was read, and between batches no
 * snapshot is held. A load that fails with CSVC_EBUSY or CSVC_ENOMEM, or
 * for a lost connection to a server (csvc__db_passing), is tried again by
 * the next call; any other failure is returned once and
 * that record passed over. Records left at the end are freed by `drop`
 * when the cursor is freed.
 */
#define CSVC__CURSOR_BATCH 16
typedef int (*csvc__cursor_load_fn)(struct csvc_store *s, int64_t id, void **out);
typedef void (*csvc__cursor_drop_fn)(void *record);
int csvc__cursor_next_record(csvc__cursor *c, csvc__cursor_load_fn load, csvc__cursor_drop_fn drop, void **out);
/* Bind by parameter name; names the query does not use are ignored, and a
 * NULL text binds nothing. */
void csvc__cursor_bind_text(csvc__cursor *c, const char *name, const char *text);
void csvc__cursor_bind_int(csvc__cursor *c, const char *name, int64_t v);
/* Binds a substring search for the fragment the module's query builder
 * chose for the same text with csvc__search_indexed(): an FTS5 phrase for
 * the MATCH of the trigram index, else the text itself for instr(). */
int csvc__cursor_bind_search(csvc__cursor *c, const char *name, const char *text);
/*
 * The common end of opening a list query's cursor: binds ":limit" and the
 * search text ":text", then, unless `count_only`, pages it (see
 * csvc__cursor_page) from `after` up to `until`, continuing with
 * `next_sql` (always freed here). Writes *out, or frees the cursor and
 * returns the error.
 */
int csvc__cursor_finish(csvc__cursor *c, int64_t limit, const char *text, int count_only, int64_t after,
                        int64_t until, char *next_sql, csvc__cursor **out);

/*
 * Makes a paged cursor keyed: its query selects the id and an integer
 * sort key (column 1), ordered by the key then the id, and its
 * continuation query goes on after ":after_key" and ":after" (the last
 * row's key and id). Ids above `until` are passed over rather than ending
 * the walk. Call after csvc__cursor_finish, before the first read.
 */
void csvc__cursor_keyed(csvc__cursor *c);

/*
 * Where the iterator of cursor `c` (not yet read) stops, as of now.
 * `max_id` selects the table's highest id and, on PostgreSQL, the
 * statement's snapshot as text (pg_current_snapshot()) and the current
 * transaction's id when it has one (pg_current_xact_id_if_assigned()):
 * *until gets the id (0: none), and the two texts are bound to
 * ":snapshot" and ":own_xid" (NULL on SQLite).
 *
 * On SQLite ids are taken under the write lock, so every id up to
 * `until` is committed and no later row gets one. PostgreSQL's sequences
 * hand ids out at insert, not at commit: a row with a lower id may commit
 * after the iterator started. Its query builders therefore also keep only
 * the rows whose creating transaction the start's snapshot saw, or which
 * the transaction that started the iterator created itself (a snapshot
 * never counts its own transaction as visible): pg_visible_in_snapshot()
 * on the table's created_xid column, or created_xid = :own_xid.
 */
int csvc__cursor_until(csvc__cursor *c, const struct csvc__sql *max_id, int64_t *until);

/* 0 with *id set, CSVC_ITEROVER at the end, or an error. */
int csvc__cursor_next_id(csvc__cursor *c, int64_t *id);
/* For "SELECT count(*) ..." queries. */
int csvc__cursor_count(csvc__cursor *c, int64_t *n);
void csvc__cursor_free(csvc__cursor *c);

/* 1 if `text` is long enough (3+ characters) for the trigram index. */
int csvc__search_indexed(const char *text);

/* Appends PostgreSQL's condition that column `column` contains the text
 * bound to :text, for the query builders: ILIKE with the text's wildcards
 * escaped (case-insensitive, as FTS5's trigram MATCH; the column's pg_trgm
 * index serves it) when `indexed`, else strpos() on the text with only
 * ASCII letters folded, as SQLite's instr(lower(..), lower(..)). */
struct csvc__buf;
void csvc__search_pg(struct csvc__buf *b, const char *column, int indexed);

#endif
