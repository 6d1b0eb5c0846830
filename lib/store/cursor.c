/*
 * List-query cursors over the database layer. Each cursor owns its statement, so several
 * can be open at once on one store. An iterator's cursor is paged (keyset
 * pagination on the id): between two calls no statement of it is active,
 * so it holds no read snapshot and never blocks a write through the store.
 */
#include <stdint.h>
#include <stdlib.h>

#include "store/cursor.h"
#include "store/store-internal.h"

/* A value bound by name, kept to bind the continuation query too. */
#define MAX_BINDS 24
typedef struct bound {
	const char *name; /* a literal */
	char *text;       /* NULL: an integer */
	int search;       /* the text is a search (csvc__db_bind_search) */
	int64_t v;
} bound;

struct csvc__cursor {
	csvc_store *store;
	csvc__stmt *stmt;
	/* paging (csvc__cursor_page); `paged` 0 for a plain cursor */
	int paged, done, started;
	char *next_sql;          /* the query for the pages after the first; NULL: `stmt` */
	size_t nbinds;
	bound binds[MAX_BINDS];
	int64_t last;      /* the highest id read so far (keyset) */
	int keyed;         /* ordered by a key (column 1), then the id */
	int64_t last_key;  /* keyed: the key of the last row read */
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
	int rc = csvc__db_prepare_named(s->db, sql, &c->stmt);
	csvc__free(sql);
	if (rc) {
		csvc__cursor_free(c);
		return rc;
	}
	*out = c;
	return CSVC_OK;
}

/* Remembers a binding for the continuation query; if that fails (out of
 * memory), the cursor gives up paging by the second query and fails when
 * it needs it. */
static const char *remember(csvc__cursor *c, const char *name, const char *text, int search, int64_t v)
{
	if (c->nbinds == MAX_BINDS) {
		c->nbinds = MAX_BINDS + 1; /* overflow: the cursor fails when read */
		return NULL;
	}
	if (c->nbinds > MAX_BINDS)
		return NULL;
	bound *b = &c->binds[c->nbinds];
	b->name = name;
	b->search = search;
	b->v = v;
	b->text = NULL;
	if (text && csvc__strdup(text, &b->text)) {
		c->nbinds = MAX_BINDS + 1;
		return NULL;
	}
	c->nbinds++;
	return text ? b->text : name;
}

void csvc__cursor_bind_text(csvc__cursor *c, const char *name, const char *text)
{
	/* Bound values must outlive the caller's: the cursor's own copy is
	 * bound. */
	const char *copy;
	if (csvc__db_param(c->stmt, name) && text && (copy = remember(c, name, text, 0, 0)))
		csvc__db_bind_text_named(c->stmt, name, copy);
}

void csvc__cursor_bind_int(csvc__cursor *c, const char *name, int64_t v)
{
	if (csvc__db_param(c->stmt, name) && remember(c, name, NULL, 0, v))
		csvc__db_bind_int_named(c->stmt, name, v);
}

int csvc__search_indexed(const char *text)
{
	return csvc__db_search_indexed(text);
}

#define ASCII_FOLD "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'"

void csvc__search_pg(csvc__buf *b, const char *column, int indexed)
{
	if (indexed) {
		csvc__buf_puts(b, column);
		csvc__buf_puts(b, " ILIKE '%' || replace(replace(replace(:text, '\\', '\\\\'), '%', '\\%'),"
		                  " '_', '\\_') || '%'");
	} else {
		csvc__buf_puts(b, "strpos(translate(");
		csvc__buf_puts(b, column);
		csvc__buf_puts(b, ", " ASCII_FOLD "), translate(:text, " ASCII_FOLD ")) > 0");
	}
}

int csvc__cursor_bind_search(csvc__cursor *c, const char *name, const char *text)
{
	if (!text || !csvc__db_param(c->stmt, name))
		return CSVC_OK;
	/* The driver binds its own copy of what it derives from `text`. */
	if (!remember(c, name, text, 1, 0))
		return CSVC_OK; /* the cursor fails when read */
	return csvc__db_bind_search_named(c->stmt, name, text);
}

int csvc__cursor_until(csvc__cursor *c, const csvc__sql *max_id, int64_t *until)
{
	*until = 0;
	csvc__stmt *st;
	int rc = csvc__db_stmt(c->store->db, max_id, &st);
	if (rc || (rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__ROW) {
		*until = csvc__db_is_null(st, 0) ? 0 : csvc__db_int(st, 0);
		/* The cursor keeps its own copies: bound before the reset. */
		if (!csvc__db_is_null(st, 1))
			csvc__cursor_bind_text(c, ":snapshot", csvc__db_textcol(st, 1));
		if (!csvc__db_is_null(st, 2))
			csvc__cursor_bind_text(c, ":own_xid", csvc__db_textcol(st, 2));
	}
	csvc__db_reset(st);
	return CSVC_OK;
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

void csvc__cursor_keyed(csvc__cursor *c)
{
	c->keyed = 1;
}

int csvc__cursor_finish(csvc__cursor *c, int64_t limit, const char *text, int count_only, int64_t after,
                        int64_t until, char *next_sql, csvc__cursor **out)
{
	csvc__cursor_bind_int(c, ":limit", limit);
	int rc = csvc__cursor_bind_search(c, ":text", text);
	if (rc) {
		csvc__free(next_sql);
		csvc__cursor_free(c);
		return rc;
	}
	if (count_only)
		csvc__free(next_sql);
	else
		csvc__cursor_page(c, after, until, limit, next_sql);
	*out = c;
	return CSVC_OK;
}

/* Reads the next page of ids into the buffer, in one statement run. */
static int read_page(csvc__cursor *c)
{
	int64_t want = CSVC__CURSOR_PAGE;
	if (c->remaining >= 0 && c->remaining < want)
		want = c->remaining;
	if (want == 0 || (!c->keyed && c->last >= c->until)) {
		c->done = 1;
		c->n = c->pos = 0;
		return CSVC_OK;
	}
	if (c->started && c->next_sql) {
		/* The second page: from now on, the continuation query. */
		if (c->nbinds > MAX_BINDS)
			return csvc__error(CSVC_ENOMEM, "out of memory continuing a list query");
		csvc__stmt *st = NULL;
		const char *sql = c->next_sql; /* from the module's query builder */
		int rc = csvc__db_prepare_named(c->store->db, sql, &st);
		if (rc)
			return rc;
		for (size_t k = 0; k < c->nbinds && rc == CSVC_OK; k++) {
			const bound *b = &c->binds[k];
			if (b->search)
				rc = csvc__db_bind_search_named(st, b->name, b->text);
			else if (b->text)
				rc = csvc__db_bind_text_named(st, b->name, b->text);
			else
				rc = csvc__db_bind_int_named(st, b->name, b->v);
		}
		if (rc) {
			csvc__db_finalize(st);
			return rc;
		}
		csvc__db_finalize(c->stmt);
		c->stmt = st;
		csvc__free(c->next_sql);
		c->next_sql = NULL;
	}
	csvc__db_reset(c->stmt);
	csvc__db_bind_int_named(c->stmt, ":after", c->last);
	if (c->keyed)
		csvc__db_bind_int_named(c->stmt, ":after_key", c->last_key);
	csvc__db_bind_int_named(c->stmt, ":limit", want);
	size_t n = 0;
	int64_t seen = 0, last = c->last, last_key = c->last_key;
	int rc;
	while ((rc = csvc__db_step(c->stmt)) == CSVC__ROW && n < (size_t)want) {
		int64_t id = csvc__db_int(c->stmt, 0);
		if (c->keyed) {
			/* Ids are not in order: a row created since the start is
			 * passed over, and the page goes on. */
			seen++;
			last = id;
			last_key = csvc__db_int(c->stmt, 1);
			if (id <= c->until)
				c->ids[n++] = id;
			continue;
		}
		if (id > c->until)
			break;
		c->ids[n++] = id;
	}
	if (rc < 0)
		return rc; /* the failed step reset the statement; nothing moved */
	c->started = 1;
	/* Ends the statement, and with it the read transaction outside a
	 * caller's transaction. */
	csvc__db_reset(c->stmt);
	if (c->keyed) {
		if (seen < want)
			c->done = 1;
		c->last = last;
		c->last_key = last_key;
	} else if ((int64_t)n < want || (n && c->ids[n - 1] >= c->until)) {
		c->done = 1;
	}
	c->n = n;
	c->pos = 0;
	if (n) {
		if (!c->keyed)
			c->last = c->ids[n - 1];
		if (c->remaining > 0)
			c->remaining -= (int64_t)n;
	}
	return CSVC_OK;
}

/* A value the cursor could not keep (too many, or out of memory) was
 * never bound: the query cannot run as asked. */
static int check_binds(const csvc__cursor *c)
{
	if (c->nbinds > MAX_BINDS)
		return csvc__error(CSVC_ENOMEM, "out of memory binding a list query's values");
	return CSVC_OK;
}

int csvc__cursor_next_id(csvc__cursor *c, int64_t *id)
{
	int bad = check_binds(c);
	if (bad)
		return bad;
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
	int rc = csvc__db_step(c->stmt);
	if (rc < 0)
		return rc;
	if (rc == CSVC__DONE)
		return CSVC_ITEROVER;
	*id = csvc__db_int(c->stmt, 0);
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
				/* A passing failure (a lock, memory, a lost connection)
				 * is retried by the next call; a record that cannot be
				 * read (damaged) is reported once and then passed over. */
				if (c->paged && csvc__db_passing(rc))
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
	int rc = check_binds(c);
	if (rc)
		return rc;
	rc = csvc__db_step(c->stmt);
	if (rc < 0)
		return rc;
	*n = rc == CSVC__ROW ? csvc__db_int(c->stmt, 0) : 0;
	return CSVC_OK;
}

void csvc__cursor_free(csvc__cursor *c)
{
	if (!c)
		return;
	for (size_t k = c->rpos; k < c->nrec; k++)
		if (c->records[k])
			c->drop(c->records[k]);
	csvc__db_finalize(c->stmt);
	csvc__free(c->next_sql);
	for (size_t k = 0; k < c->nbinds && k < MAX_BINDS; k++)
		csvc__free(c->binds[k].text);
	csvc__free(c);
}
