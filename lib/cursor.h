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

/* Prepares `sql` (always freed here). */
int csvc__cursor_open(struct csvc_store *s, char *sql, csvc__cursor **out);
/* Bind by parameter name; names the query does not use are ignored, and a
 * NULL text binds nothing. */
void csvc__cursor_bind_text(csvc__cursor *c, const char *name, const char *text);
void csvc__cursor_bind_int(csvc__cursor *c, const char *name, int64_t v);
/* Binds a substring search for the fragment the module's query builder
 * chose for the same text with csvc__search_indexed(): an FTS5 phrase for
 * the MATCH of the trigram index, else the text itself for instr(). */
int csvc__cursor_bind_search(csvc__cursor *c, const char *name, const char *text);
/* 0 with *id set, CSVC_ITEROVER at the end, or an error. */
int csvc__cursor_next_id(csvc__cursor *c, int64_t *id);
/* For "SELECT count(*) ..." queries. */
int csvc__cursor_count(csvc__cursor *c, int64_t *n);
void csvc__cursor_free(csvc__cursor *c);

/* 1 if `text` is long enough (3+ characters) for the trigram index. */
int csvc__search_indexed(const char *text);

#endif
