/*
 * List-query cursors on SQLite. Each cursor owns its statement, so several
 * can be open at once on one store.
 */
#include <stdlib.h>

#include "cursor.h"
#include "store-internal.h"

struct csvc__cursor {
	csvc_store *store;
	sqlite3_stmt *stmt;
};

int csvc__cursor_open(csvc_store *s, char *sql, csvc__cursor **out)
{
	csvc__cursor *c = sql ? csvc__calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		csvc__free(sql);
		return csvc__error(CSVC_ENOMEM, "out of memory building a query");
	}
	c->store = s;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &c->stmt, NULL);
	csvc__free(sql);
	if (rc != SQLITE_OK) {
		rc = csvc__sqlite_error(s, rc, "preparing a list query");
		csvc__cursor_free(c);
		return rc;
	}
	*out = c;
	return CSVC_OK;
}

void csvc__cursor_bind_text(csvc__cursor *c, const char *name, const char *text)
{
	int i = sqlite3_bind_parameter_index(c->stmt, name);
	if (i && text)
		sqlite3_bind_text(c->stmt, i, text, -1, SQLITE_TRANSIENT);
}

void csvc__cursor_bind_int(csvc__cursor *c, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(c->stmt, name);
	if (i)
		sqlite3_bind_int64(c->stmt, i, v);
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

int csvc__cursor_next_id(csvc__cursor *c, int64_t *id)
{
	int rc = csvc__step(c->store, c->stmt);
	if (rc < 0)
		return rc;
	if (rc == SQLITE_DONE)
		return CSVC_ITEROVER;
	*id = sqlite3_column_int64(c->stmt, 0);
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
	sqlite3_finalize(c->stmt);
	csvc__free(c);
}
