/*
 * List-query cursors on SQLite. Each cursor owns its statement, so several
 * can be open at once on one store. An iterator's cursor is paged (keyset
 * pagination on the id): between two calls no statement of it is active,
 * so it holds no read snapshot and never blocks a write through the store.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cursor.h"
#include "store-internal.h"

/* A value bound by name, kept to bind the continuation query too. */
#define MAX_BINDS 24
typedef struct bound {
	const char *name; /* a literal */
	char *text;       /* NULL: an integer */
	int64_t v;
} bound;

struct csvc__cursor {
	csvc_store *store;
	sqlite3_stmt *stmt;
	/* paging (csvc__cursor_page); `paged` 0 for a plain cursor */
	int paged, done, started;
	char *next_sql;          /* the query for the pages after the first; NULL: `stmt` */
	size_t nbinds;
	bound binds[MAX_BINDS];
	int64_t last;      /* the highest id read so far (keyset) */
	int64_t until;     /* the highest id at the start */
	int64_t remaining; /* of the query's limit; -1: none */
	size_t n, pos;     /* ids buffered, next one to return */
	int64_t ids[CSVC__CURSOR_PAGE];
	/* records loaded ahead (csvc__cursor_next_record) */
	void *records[CSVC__CURSOR_BATCH];
	size_t nrec, rpos;
	csvc__cursor_drop_fn drop;
};

int csvc__cursor_open(csvc_store *s, char *sql, csvc__cursor **out)
{
	csvc__cursor *c = sql ? csvc__calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		csvc__free(sql);
		return csvc__error(CSVC_ENOMEM, "out of memory building a query");
	}
	c->store = s;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->stmt, NULL);
	csvc__free(sql);
	if (rc != SQLITE_OK) {
		rc = csvc__sqlite_error(s, rc, "preparing a list query");
		csvc__cursor_free(c);
		return rc;
	}
	*out = c;
	return CSVC_OK;
}

/* Remembers a binding for the continuation query; if that fails (out of
 * memory), the cursor gives up paging by the second query and fails when
 * it needs it. */
static void remember(csvc__cursor *c, const char *name, const char *text, int64_t v)
{
	if (c->nbinds == MAX_BINDS) {
		c->nbinds = MAX_BINDS + 1; /* overflow: refused at the second page */
		return;
	}
	if (c->nbinds > MAX_BINDS)
		return;
	bound *b = &c->binds[c->nbinds];
	b->name = name;
	b->v = v;
	b->text = NULL;
	if (text && csvc__strdup(text, &b->text)) {
		c->nbinds = MAX_BINDS + 1;
		return;
	}
	c->nbinds++;
}

void csvc__cursor_bind_text(csvc__cursor *c, const char *name, const char *text)
{
	int i = sqlite3_bind_parameter_index(c->stmt, name);
	if (i && text) {
		sqlite3_bind_text(c->stmt, i, text, -1, SQLITE_TRANSIENT);
		remember(c, name, text, 0);
	}
}

void csvc__cursor_bind_int(csvc__cursor *c, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(c->stmt, name);
	if (i) {
		sqlite3_bind_int64(c->stmt, i, v);
		remember(c, name, NULL, v);
	}
}

int csvc__search_indexed(const char *text)
{
	size_t n = 0;
	for (; *text && n < 3; text++)
		if (((unsigned char)*text & 0xC0) != 0x80)
			n++;
	return n >= 3;
}

int csvc__cursor_bind_search(csvc__cursor *c, const char *name, const char *text)
{
	if (!text)
		return CSVC_OK;
	if (!csvc__search_indexed(text)) {
		csvc__cursor_bind_text(c, name, text);
		return CSVC_OK;
	}
	/* An FTS5 phrase: with the trigram tokenizer it matches the text as a
	 * substring. Quotes are doubled inside the phrase. */
	csvc__buf phrase = {0};
	csvc__buf_put(&phrase, "\"", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			csvc__buf_put(&phrase, "\"\"", 2);
		else
			csvc__buf_put(&phrase, p, 1);
	}
	csvc__buf_put(&phrase, "\"", 1);
	int rc = CSVC_OK;
	if (phrase.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory building a search phrase");
	else
		csvc__cursor_bind_text(c, name, phrase.data);
	csvc__buf_free(&phrase);
	return rc;
}

void csvc__cursor_page(csvc__cursor *c, int64_t after, int64_t until, int64_t limit, char *next_sql)
{
	c->next_sql = next_sql;
	c->paged = 1;
	c->done = 0;
	c->last = after;
	c->until = until;
	c->remaining = limit > 0 ? limit : -1;
	c->n = c->pos = 0;
}

/* Reads the next page of ids into the buffer, in one statement run. */
static int read_page(csvc__cursor *c)
{
	int64_t want = CSVC__CURSOR_PAGE;
	if (c->remaining >= 0 && c->remaining < want)
		want = c->remaining;
	if (want == 0 || c->last >= c->until) {
		c->done = 1;
		c->n = c->pos = 0;
		return CSVC_OK;
	}
	if (c->started && c->next_sql) {
		/* The second page: from now on, the continuation query. */
		if (c->nbinds > MAX_BINDS)
			return csvc__error(CSVC_ENOMEM, "out of memory continuing a list query");
		sqlite3_stmt *st = NULL;
		const char *sql = c->next_sql; /* from the module's query builder */
		int rc = sqlite3_prepare_v3(c->store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return csvc__sqlite_error(c->store, rc, "preparing a list query");
		}
		for (size_t k = 0; k < c->nbinds; k++) {
			int i = sqlite3_bind_parameter_index(st, c->binds[k].name);
			if (!i)
				continue;
			if (c->binds[k].text)
				sqlite3_bind_text(st, i, c->binds[k].text, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_int64(st, i, c->binds[k].v);
		}
		sqlite3_finalize(c->stmt);
		c->stmt = st;
		csvc__free(c->next_sql);
		c->next_sql = NULL;
	}
	sqlite3_reset(c->stmt);
	int i = sqlite3_bind_parameter_index(c->stmt, ":after");
	if (i)
		sqlite3_bind_int64(c->stmt, i, c->last);
	if ((i = sqlite3_bind_parameter_index(c->stmt, ":limit")))
		sqlite3_bind_int64(c->stmt, i, want);
	size_t n = 0;
	int rc;
	while ((rc = csvc__step(c->store, c->stmt)) == SQLITE_ROW && n < (size_t)want) {
		int64_t id = sqlite3_column_int64(c->stmt, 0);
		if (id > c->until)
			break;
		c->ids[n++] = id;
	}
	if (rc < 0)
		return rc; /* csvc__step reset the statement; nothing moved */
	c->started = 1;
	/* Ends the statement, and with it the read transaction outside a
	 * caller's transaction. */
	sqlite3_reset(c->stmt);
	if ((int64_t)n < want || (n && c->ids[n - 1] >= c->until))
		c->done = 1;
	c->n = n;
	c->pos = 0;
	if (n) {
		c->last = c->ids[n - 1];
		if (c->remaining > 0)
			c->remaining -= (int64_t)n;
	}
	return CSVC_OK;
}

int csvc__cursor_next_id(csvc__cursor *c, int64_t *id)
{
	if (c->paged) {
		if (c->pos == c->n) {
			if (c->done)
				return CSVC_ITEROVER;
			int rc = read_page(c);
			if (rc)
				return rc;
			if (c->n == 0)
				return CSVC_ITEROVER;
		}
		*id = c->ids[c->pos++];
		return CSVC_OK;
	}
	int rc = csvc__step(c->store, c->stmt);
	if (rc < 0)
		return rc;
	if (rc == SQLITE_DONE)
		return CSVC_ITEROVER;
	*id = sqlite3_column_int64(c->stmt, 0);
	return CSVC_OK;
}

int csvc__cursor_next_record(csvc__cursor *c, csvc__cursor_load_fn load, csvc__cursor_drop_fn drop, void **out)
{
	c->drop = drop;
	if (c->rpos == c->nrec) {
		c->nrec = c->rpos = 0;
		int began, rc = csvc__read_begin(c->store, &began);
		if (rc)
			return rc;
		while (c->nrec < CSVC__CURSOR_BATCH) {
			int64_t id;
			void *rec = NULL;
			if ((rc = csvc__cursor_next_id(c, &id)))
				break;
			if ((rc = load(c->store, id, &rec)) == CSVC_OK) {
				c->records[c->nrec++] = rec;
			} else if (rc == CSVC_ENOTFOUND) {
				csvc__error_clear(); /* gone since its page was read */
			} else {
				/* A passing failure (a lock, memory) is retried by the
				 * next call; a record that cannot be read (damaged) is
				 * reported once and then passed over. */
				if (c->paged && (rc == CSVC_EBUSY || rc == CSVC_ENOMEM))
					c->pos--;
				break;
			}
		}
		csvc__read_end(c->store, began);
		/* What was loaded is returned first; an error or the end comes
		 * after it, from the next call. */
		if (c->nrec == 0)
			return rc == CSVC_OK ? CSVC_ITEROVER : rc;
		if (rc != CSVC_OK && rc != CSVC_ITEROVER)
			csvc__error_clear();
	}
	*out = c->records[c->rpos];
	c->records[c->rpos++] = NULL;
	return CSVC_OK;
}

int csvc__cursor_count(csvc__cursor *c, int64_t *n)
{
	int rc = csvc__step(c->store, c->stmt);
	if (rc < 0)
		return rc;
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(c->stmt, 0) : 0;
	return CSVC_OK;
}

void csvc__cursor_free(csvc__cursor *c)
{
	if (!c)
		return;
	for (size_t k = c->rpos; k < c->nrec; k++)
		if (c->records[k])
			c->drop(c->records[k]);
	sqlite3_finalize(c->stmt);
	csvc__free(c->next_sql);
	for (size_t k = 0; k < c->nbinds && k < MAX_BINDS; k++)
		csvc__free(c->binds[k].text);
	csvc__free(c);
}
