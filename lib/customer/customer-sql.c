/*
 * Customer storage on SQLite. Every statement is a fixed text with bound
 * parameters; the query builder only joins fixed fragments.
 */
#include <stdlib.h>
#include <string.h>

#include "customer/customer-internal.h"
#include "feed/feed-internal.h"
#include "store/cursor.h"
#include "store/store-internal.h"

static const csvc__sql SQL_INSERT = CSVC__SQL_INSERT_ID("INSERT INTO customers (uuid, name, address, birthday, notes, home_store, class, tier,"
	" lifecycle, revision, created_us, updated_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)");
static const csvc__sql SQL_UPDATE_SCALARS = CSVC__SQL("UPDATE customers SET name = $1, address = $2, birthday = $3, notes = $4, home_store = $5,"
	" class = $6, tier = $7, lifecycle = $8, revision = $9, updated_us = $10 WHERE id = $11");
static const csvc__sql SQL_INSERT_CONTACT = CSVC__SQL("INSERT INTO customer_contacts (customer_id, kind, position, value, norm) VALUES ($1,$2,$3,$4,$5)");
static const csvc__sql SQL_DELETE_CONTACTS = CSVC__SQL("DELETE FROM customer_contacts WHERE customer_id = $1");
static const csvc__sql SQL_INSERT_TAG = CSVC__SQL("INSERT INTO customer_tags (customer_id, tag) VALUES ($1,$2)");
static const csvc__sql SQL_DELETE_TAGS = CSVC__SQL("DELETE FROM customer_tags WHERE customer_id = $1");
static const csvc__sql SQL_INSERT_ATTR = CSVC__SQL("INSERT INTO customer_attributes (customer_id, key, value) VALUES ($1,$2,$3)");
static const csvc__sql SQL_DELETE_ATTRS = CSVC__SQL("DELETE FROM customer_attributes WHERE customer_id = $1");
static const csvc__sql SQL_INSERT_EXTID = CSVC__SQL("INSERT INTO customer_external_ids (kind, value, customer_id, position) VALUES ($1,$2,$3,$4)");
static const csvc__sql SQL_DELETE_EXTIDS = CSVC__SQL("DELETE FROM customer_external_ids WHERE customer_id = $1");
static const csvc__sql SQL_INSERT_SEARCH = CSVC__SQL("INSERT INTO customer_search (rowid, name, phones, emails, notes) VALUES ($1,$2,$3,$4,$5)");
static const csvc__sql SQL_DELETE_SEARCH = CSVC__SQL("DELETE FROM customer_search WHERE rowid = $1");
static const csvc__sql SQL_INSERT_LIFECYCLE = CSVC__SQL("INSERT INTO customer_lifecycle (customer_id, seq, stage, at_us) VALUES ($1,"
	" (SELECT coalesce(max(seq), 0) + 1 FROM customer_lifecycle WHERE customer_id = $1), $2, $3)");
static const csvc__sql SQL_INSERT_EVENT =
	CSVC__SQL_INSERT_ID("INSERT INTO customer_events (customer_id, type, actor, at_us, payload) VALUES ($1,$2,$3,$4,$5)");
#define STATE_SELECT "SELECT id, revision, coalesce(merged_into, 0), coalesce(erased_us, 0) FROM customers WHERE uuid = $1"
static const csvc__sql SQL_STATE = CSVC__SQL(STATE_SELECT);
/* Inside a write transaction on PostgreSQL: the row locked to the commit,
 * so that the revision check and the write after it see no other writer
 * in between (as the ticket head, ticket-sql.c). */
static const csvc__sql SQL_STATE_LOCK = CSVC__SQL_DIALECTS(STATE_SELECT, STATE_SELECT " FOR NO KEY UPDATE");
static const csvc__sql SQL_LOAD = CSVC__SQL("SELECT c.uuid, c.name, c.address, c.birthday, c.notes, c.home_store, c.class, c.tier,"
	" c.lifecycle, c.revision, c.created_us, c.updated_us, coalesce(c.erased_us, 0), m.uuid"
	" FROM customers c LEFT JOIN customers m ON m.id = c.merged_into WHERE c.id = $1");
static const csvc__sql SQL_LOAD_CONTACTS = CSVC__SQL("SELECT kind, value FROM customer_contacts WHERE customer_id = $1 ORDER BY kind, position");
static const csvc__sql SQL_LOAD_TAGS = CSVC__SQL("SELECT tag FROM customer_tags WHERE customer_id = $1 ORDER BY tag");
static const csvc__sql SQL_LOAD_ATTRS = CSVC__SQL("SELECT key, value FROM customer_attributes WHERE customer_id = $1 ORDER BY key");
static const csvc__sql SQL_LOAD_EXTIDS = CSVC__SQL("SELECT kind, value FROM customer_external_ids WHERE customer_id = $1 ORDER BY position");
static const csvc__sql SQL_LOAD_LIFECYCLE = CSVC__SQL("SELECT stage, at_us FROM customer_lifecycle WHERE customer_id = $1 ORDER BY seq");
static const csvc__sql SQL_FIND_CONTACT = CSVC__SQL("SELECT min(customer_id) FROM customer_contacts WHERE kind = $1 AND norm = $2");
static const csvc__sql SQL_FIND_EXTID = CSVC__SQL("SELECT customer_id FROM customer_external_ids WHERE kind = $1 AND value = $2");
static const csvc__sql SQL_MARK_MERGED = CSVC__SQL("UPDATE customers SET merged_into = $1, updated_us = $2 WHERE id = $3");
static const csvc__sql SQL_ERASE = CSVC__SQL("UPDATE customers SET name = NULL, address = NULL, birthday = NULL, notes = NULL,"
	" erased_us = $1, updated_us = $1, revision = revision + 1 WHERE id = $2");
/* A rebuild, not an optimize: it leaves no trace of deleted rows in the
 * index segments, and unlike SQLite 3.40's optimize it does not deepen
 * the index structure each time it runs (docs/customers.md). */
static const csvc__sql SQL_PURGE_SEARCH = CSVC__SQL_DIALECTS(
	"INSERT INTO customer_search (customer_search) VALUES ('rebuild')",
	/* PostgreSQL's search rows are a plain table whose erased rows the
	 * erasure deleted: what is left of them are dead row versions, which
	 * VACUUM removes after the commit (csvc__customer_db_reclaim). */
	"SELECT 1");
/* The erased customer's tickets' search rows (the redaction deleted them)
 * leave their words in the index's older segments in the same way. */
static const csvc__sql SQL_PURGE_TICKET_SEARCH = CSVC__SQL_DIALECTS(
	"INSERT INTO ticket_search (ticket_search) VALUES ('rebuild')", "SELECT 1");
/* The tables an erasure changes (csvc__customer_db_erase, and the
 * redaction of the customer's tickets and survey answers). PostgreSQL
 * keeps the old versions of their rows until a VACUUM, which runs outside
 * any transaction. FULL writes the tables and their indexes anew, so that
 * no file of the table holds the erased bytes any more (locking each
 * table while it does); ANALYZE replaces the column statistics, whose
 * sampled values and histograms may hold erased ones. Only the tables'
 * owner may vacuum them, and for anyone else VACUUM skips a table with a
 * warning: the scrub checks first. */
#define PERSONAL_TABLES \
	"customers, customer_contacts, customer_tags, customer_attributes, customer_external_ids, customer_search," \
	" tickets, ticket_events, ticket_comments, ticket_search, survey_answers"
static const csvc__sql SQL_RECLAIM_FULL = CSVC__SQL_DIALECTS(NULL, "VACUUM (FULL, ANALYZE) " PERSONAL_TABLES);
static const csvc__sql SQL_RECLAIM_NOT_OWNED = CSVC__SQL_DIALECTS(NULL,
	"SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_catalog.pg_class c"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
	" AND c.relname IN ('customers', 'customer_contacts', 'customer_tags', 'customer_attributes',"
	" 'customer_external_ids', 'customer_search', 'tickets', 'ticket_events', 'ticket_comments', 'ticket_search',"
	" 'survey_answers') AND NOT pg_catalog.pg_has_role(c.relowner, 'USAGE')");
static const csvc__sql SQL_SCRUB_MARK = CSVC__SQL("INSERT INTO customer_scrub (id, since_us, gen) VALUES (1, $1, 0)"
	" ON CONFLICT (id) DO UPDATE SET gen = customer_scrub.gen + 1");
static const csvc__sql SQL_SCRUB_PENDING = CSVC__SQL("SELECT since_us, gen FROM customer_scrub WHERE id = 1");
static const csvc__sql SQL_SCRUB_CLEAR = CSVC__SQL("DELETE FROM customer_scrub WHERE id = 1 AND gen = $1");
static const csvc__sql SQL_ABSORBED = CSVC__SQL("SELECT id FROM customers WHERE merged_into = $1 AND erased_us IS NULL ORDER BY id");

/* Customers merged into the absorbed one now point at the kept one. The
 * references other modules keep move through their followers
 * (csvc__customer_follow); customer-owned lists are re-homed by the merge
 * itself; history rows (events, lifecycle) stay with the record they
 * describe. */
static const csvc__sql SQL_FLATTEN_MERGED =
	CSVC__SQL("UPDATE customers SET merged_into = $1 WHERE merged_into = $2");

static int prep(csvc_store *s, const csvc__sql *sql, csvc__stmt **st)
{
	int rc = csvc__db_stmt(s->db, sql, st);
	if (rc)
		return rc;
	return CSVC_OK;
}

/* Maps a constraint failure on the external-ID table to a clear message. */
static int extid_taken(csvc_store *s, int rc, const char *kind, const char *value)
{
	if (rc == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "external ID %s:%s belongs to another customer", kind,
		                          value);
	(void)s;
	return rc;
}

static int write_contacts(csvc_store *s, int64_t rowid, const csvc__customer_row *row)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_CONTACT, &st);
	if (rc)
		return rc;
	for (int kind = CSVC__CONTACT_PHONE; kind <= CSVC__CONTACT_EMAIL; kind++) {
		const csvc__strvec *v = kind == CSVC__CONTACT_PHONE ? &row->c->phones : &row->c->emails;
		char(*norms)[CSVC__NORM_MAX] =
			kind == CSVC__CONTACT_PHONE ? row->phone_norms : row->email_norms;
		for (size_t i = 0; i < v->n; i++) {
			csvc__db_bind_int(st, 1, rowid);
			csvc__db_bind_int(st, 2, kind);
			csvc__db_bind_int(st, 3, (int64_t)i);
			csvc__db_bind_text(st, 4, v->items[i]);
			csvc__db_bind_text(st, 5, norms[i]);
			if ((rc = csvc__db_run(st)))
				return rc;
		}
	}
	return CSVC_OK;
}

static int write_tags(csvc_store *s, int64_t rowid, const csvc_customer *c)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_TAG, &st);
	for (size_t i = 0; !rc && i < c->tags.n; i++) {
		csvc__db_bind_int(st, 1, rowid);
		csvc__db_bind_text(st, 2, c->tags.items[i]);
		rc = csvc__db_run(st);
	}
	return rc;
}

static int write_attrs(csvc_store *s, int64_t rowid, const csvc_customer *c)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_ATTR, &st);
	for (size_t i = 0; !rc && i < c->attrs.n; i++) {
		csvc__db_bind_int(st, 1, rowid);
		csvc__db_bind_text(st, 2, c->attrs.items[i].key);
		csvc__db_bind_text(st, 3, c->attrs.items[i].value);
		rc = csvc__db_run(st);
	}
	return rc;
}

static int write_extids(csvc_store *s, int64_t rowid, const csvc_customer *c)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_EXTID, &st);
	for (size_t i = 0; !rc && i < c->extids.n; i++) {
		csvc__db_bind_text(st, 1, c->extids.items[i].key);
		csvc__db_bind_text(st, 2, c->extids.items[i].value);
		csvc__db_bind_int(st, 3, rowid);
		csvc__db_bind_int(st, 4, (int64_t)i);
		rc = csvc__db_run(st);
		if (rc)
			return extid_taken(s, rc, c->extids.items[i].key, c->extids.items[i].value);
	}
	return rc;
}

/* Joins a list (and optionally its normalised keys) with spaces. */
static void join_list(csvc__buf *b, const csvc__strvec *v, char (*norms)[CSVC__NORM_MAX])
{
	for (size_t i = 0; i < v->n; i++) {
		if (b->len)
			csvc__buf_put(b, " ", 1);
		csvc__buf_puts(b, v->items[i]);
		if (norms && strcmp(norms[i], v->items[i]) != 0) {
			csvc__buf_put(b, " ", 1);
			csvc__buf_puts(b, norms[i]);
		}
	}
}

static int write_search(csvc_store *s, int64_t rowid, const csvc__customer_row *row)
{
	const csvc_customer *c = row->c;
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_SEARCH, &st);
	if (rc)
		return rc;
	csvc__buf phones = {0}, emails = {0};
	join_list(&phones, &c->phones, row->phone_norms);
	join_list(&emails, &c->emails, NULL);
	if (phones.failed || emails.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory building the search row");
	} else {
		csvc__db_bind_int(st, 1, rowid);
		csvc__db_bind_text(st, 2, c->name);
		csvc__db_bind_text(st, 3, phones.data);
		csvc__db_bind_text(st, 4, emails.data);
		csvc__db_bind_text(st, 5, c->notes);
		rc = csvc__db_run(st);
	}
	csvc__buf_free(&phones);
	csvc__buf_free(&emails);
	return rc;
}

static int exec_rowid(csvc_store *s, const csvc__sql *sql, int64_t rowid)
{
	csvc__stmt *st;
	int rc = prep(s, sql, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	return csvc__db_run(st);
}

static void bind_scalars(csvc__stmt *st, int first, const csvc_customer *c)
{
	csvc__db_bind_text(st, first, c->name);
	csvc__db_bind_text(st, first + 1, c->address);
	if (c->birthday)
		csvc__db_bind_int(st, first + 2, c->birthday);
	else
		csvc__db_bind_null(st, first + 2);
	csvc__db_bind_text(st, first + 3, c->notes);
	csvc__db_bind_text(st, first + 4, c->home_store);
	csvc__db_bind_int(st, first + 5, c->klass);
	csvc__db_bind_int(st, first + 6, c->tier);
	csvc__db_bind_int(st, first + 7, c->lifecycle);
	csvc__db_bind_int(st, first + 8, c->revision);
}

int csvc__customer_db_insert(csvc_store *s, const csvc__customer_row *row, int64_t *rowid)
{
	const csvc_customer *c = row->c;
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, &c->id);
	bind_scalars(st, 2, c);
	csvc__db_bind_int(st, 11, c->created_at);
	csvc__db_bind_int(st, 12, c->updated_at);
	int64_t id = 0;
	if ((rc = csvc__db_insert_id(st, &id))) {
		if (rc == CSVC_EEXISTS)
			return csvc__error_refine(CSVC_EEXISTS, "a customer with this UUID already exists");
		return rc;
	}

	if ((rc = write_contacts(s, id, row)) || (rc = write_tags(s, id, c)) ||
	    (rc = write_attrs(s, id, c)) || (rc = write_extids(s, id, c)) ||
	    (rc = write_search(s, id, row)))
		return rc;
	*rowid = id;
	return CSVC_OK;
}

int csvc__customer_db_update(csvc_store *s, int64_t rowid, const csvc__customer_row *row,
                             unsigned parts)
{
	const csvc_customer *c = row->c;
	csvc__stmt *st;
	int rc;
	if (parts & CSVC__PART_SCALARS) {
		if ((rc = prep(s, &SQL_UPDATE_SCALARS, &st)))
			return rc;
		bind_scalars(st, 1, c);
		csvc__db_bind_int(st, 10, c->updated_at);
		csvc__db_bind_int(st, 11, rowid);
		if ((rc = csvc__db_run(st)))
			return rc;
	}
	if ((parts & CSVC__PART_CONTACTS) &&
	    ((rc = exec_rowid(s, &SQL_DELETE_CONTACTS, rowid)) || (rc = write_contacts(s, rowid, row))))
		return rc;
	if ((parts & CSVC__PART_TAGS) &&
	    ((rc = exec_rowid(s, &SQL_DELETE_TAGS, rowid)) || (rc = write_tags(s, rowid, c))))
		return rc;
	if ((parts & CSVC__PART_ATTRS) &&
	    ((rc = exec_rowid(s, &SQL_DELETE_ATTRS, rowid)) || (rc = write_attrs(s, rowid, c))))
		return rc;
	if ((parts & CSVC__PART_EXTIDS) &&
	    ((rc = exec_rowid(s, &SQL_DELETE_EXTIDS, rowid)) || (rc = write_extids(s, rowid, c))))
		return rc;
	if (parts & CSVC__PART_SEARCH) {
		if ((rc = exec_rowid(s, &SQL_DELETE_SEARCH, rowid)))
			return rc;
		/* Only active customers are searchable. */
		if (csvc_uuid_is_nil(&c->merged_into) && !c->erased_at &&
		    (rc = write_search(s, rowid, row)))
			return rc;
	}
	return CSVC_OK;
}

static int read_state(csvc_store *s, const csvc_uuid *id, csvc__customer_state *out, int lock);

int csvc__customer_db_state(csvc_store *s, const csvc_uuid *id, csvc__customer_state *out)
{
	return read_state(s, id, out, csvc__db_locking(s->db));
}

static const csvc__sql SQL_MERGED_INTO =
	CSVC__SQL("SELECT id FROM customers WHERE merged_into = $1 ORDER BY id");

int csvc__customer_db_merged_into(csvc_store *s, int64_t rowid, int64_t **ids, size_t *n)
{
	return csvc__db_collect_ids(s->db, &SQL_MERGED_INTO, rowid, ids, n);
}

int csvc__customer_db_state_read(csvc_store *s, const csvc_uuid *id, csvc__customer_state *out)
{
	return read_state(s, id, out, 0);
}

static int read_state(csvc_store *s, const csvc_uuid *id, csvc__customer_state *out, int lock)
{
	csvc__stmt *st;
	int rc = prep(s, lock ? &SQL_STATE_LOCK : &SQL_STATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ENOTFOUND, "no customer %s", text);
	}
	out->rowid = csvc__db_int(st, 0);
	out->revision = csvc__db_int(st, 1);
	out->merged_into = csvc__db_int(st, 2);
	out->erased_at = csvc__db_int(st, 3);
	csvc__db_reset(st);
	return CSVC_OK;
}

/* Runs a "WHERE customer_id = ?" list query, calling add() per row. */
static int load_list(csvc_store *s, const csvc__sql *sql, int64_t rowid, csvc_customer *c,
                     int (*add)(csvc_customer *c, csvc__stmt *st))
{
	csvc__stmt *st;
	int rc = prep(s, sql, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if ((rc = add(c, st))) {
			csvc__db_reset(st);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

static int add_contact(csvc_customer *c, csvc__stmt *st)
{
	const char *v = csvc__db_textcol(st, 1);
	if (!v)
		return csvc__error(CSVC_ECORRUPT, "stored contact has no value");
	return csvc__strvec_push((int32_t)csvc__db_int(st, 0) == CSVC__CONTACT_PHONE ? &c->phones : &c->emails,
	                         v);
}

static int add_tag(csvc_customer *c, csvc__stmt *st)
{
	const char *v = csvc__db_textcol(st, 0);
	if (!v)
		return csvc__error(CSVC_ECORRUPT, "stored tag is NULL");
	return csvc__strvec_push(&c->tags, v);
}

static int add_pair(csvc__kvvec *v, csvc__stmt *st)
{
	const char *k = csvc__db_textcol(st, 0);
	const char *val = csvc__db_textcol(st, 1);
	if (!k || !val)
		return csvc__error(CSVC_ECORRUPT, "stored key/value pair has a NULL");
	return csvc__kvvec_push(v, k, val);
}

static int add_attr(csvc_customer *c, csvc__stmt *st) { return add_pair(&c->attrs, st); }
static int add_extid(csvc_customer *c, csvc__stmt *st) { return add_pair(&c->extids, st); }

static int add_lifecycle(csvc_customer *c, csvc__stmt *st)
{
	return csvc__customer_history_push(c, (int32_t)csvc__db_int(st, 0), csvc__db_int(st, 1));
}

int csvc__customer_db_load(csvc_store *s, int64_t rowid, csvc_customer **out)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no customer with internal id %lld", (long long)rowid);
	}
	csvc_customer *c;
	if ((rc = csvc__customer_alloc(&c))) {
		csvc__db_reset(st);
		return rc;
	}
	int oom = 0;
	if (!csvc__db_uuid(st, 0, &c->id))
		rc = csvc__error(CSVC_ECORRUPT, "stored customer %lld has a malformed UUID", (long long)rowid);
	c->name = csvc__db_textcol_copy(st, 1, &oom);
	c->address = csvc__db_textcol_copy(st, 2, &oom);
	c->birthday = (int32_t)csvc__db_int(st, 3);
	c->notes = csvc__db_textcol_copy(st, 4, &oom);
	c->home_store = csvc__db_textcol_copy(st, 5, &oom);
	c->klass = (int32_t)csvc__db_int(st, 6);
	c->tier = (int32_t)csvc__db_int(st, 7);
	c->lifecycle = (int32_t)csvc__db_int(st, 8);
	c->revision = csvc__db_int(st, 9);
	c->created_at = csvc__db_int(st, 10);
	c->updated_at = csvc__db_int(st, 11);
	c->erased_at = csvc__db_int(st, 12);
	csvc__db_uuid(st, 13, &c->merged_into);
	csvc__db_reset(st);
	if (!rc && oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a customer");
	if (rc || (rc = load_list(s, &SQL_LOAD_CONTACTS, rowid, c, add_contact)) ||
	    (rc = load_list(s, &SQL_LOAD_TAGS, rowid, c, add_tag)) ||
	    (rc = load_list(s, &SQL_LOAD_ATTRS, rowid, c, add_attr)) ||
	    (rc = load_list(s, &SQL_LOAD_EXTIDS, rowid, c, add_extid)) ||
	    (rc = load_list(s, &SQL_LOAD_LIFECYCLE, rowid, c, add_lifecycle))) {
		csvc_customer_free(c);
		return rc;
	}
	*out = c;
	return CSVC_OK;
}

int csvc__customer_db_lifecycle_append(csvc_store *s, int64_t rowid, int32_t stage, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_LIFECYCLE, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_int(st, 2, stage);
	csvc__db_bind_int(st, 3, at);
	return csvc__db_run(st);
}

int csvc__customer_db_event(csvc_store *s, int64_t rowid, const char *type, const char *actor,
                            csvc_time_us at, const char *payload)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_INSERT_EVENT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_text(st, 2, type);
	csvc__db_bind_text(st, 3, actor);
	csvc__db_bind_int(st, 4, at);
	csvc__db_bind_text(st, 5, payload);
	int64_t event_id = 0;
	if ((rc = csvc__db_insert_id(st, &event_id)))
		return rc;
	return csvc__feed_append(s, CSVC__FEED_CUSTOMER_EVENT, event_id);
}

static int find_rowid(csvc__stmt *st, int64_t *rowid, const char *what)
{
	int rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	int found = rc == CSVC__ROW && !csvc__db_is_null(st, 0);
	if (found)
		*rowid = csvc__db_int(st, 0);
	csvc__db_reset(st);
	csvc__db_reset(st);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no active customer has %s", what);
	return CSVC_OK;
}

int csvc__customer_db_find_contact(csvc_store *s, int kind, const char *norm, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_FIND_CONTACT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, kind);
	csvc__db_bind_text(st, 2, norm);
	return find_rowid(st, rowid, kind == CSVC__CONTACT_PHONE ? "this phone" : "this e-mail");
}

int csvc__customer_db_find_extid(csvc_store *s, const char *kind, const char *value, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_FIND_EXTID, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, kind);
	csvc__db_bind_text(st, 2, value);
	return find_rowid(st, rowid, "this external ID");
}

int csvc__customer_db_mark_merged(csvc_store *s, int64_t absorb, int64_t keep, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_MARK_MERGED, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, keep);
	csvc__db_bind_int(st, 2, at);
	csvc__db_bind_int(st, 3, absorb);
	return csvc__db_run(st);
}

int csvc__customer_db_repoint_merged(csvc_store *s, int64_t from, int64_t to)
{
	int64_t v[2] = {to, from};
	return csvc__db_run_ints(s->db, &SQL_FLATTEN_MERGED, 2, v);
}

int csvc__customer_db_erase(csvc_store *s, int64_t rowid, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_ERASE, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, at);
	csvc__db_bind_int(st, 2, rowid);
	if ((rc = csvc__db_run(st)) || (rc = exec_rowid(s, &SQL_DELETE_CONTACTS, rowid)) ||
	    (rc = exec_rowid(s, &SQL_DELETE_TAGS, rowid)) || (rc = exec_rowid(s, &SQL_DELETE_ATTRS, rowid)) ||
	    (rc = exec_rowid(s, &SQL_DELETE_EXTIDS, rowid)) || (rc = exec_rowid(s, &SQL_DELETE_SEARCH, rowid)))
		return rc;
	return CSVC_OK;
}

int csvc__customer_db_purge(csvc_store *s)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_PURGE_SEARCH, &st);
	if (rc || (rc = csvc__db_run(st)))
		return rc;
	if ((rc = prep(s, &SQL_PURGE_TICKET_SEARCH, &st)))
		return rc;
	return csvc__db_run(st);
}

int csvc__customer_db_reclaim(csvc_store *s, int full, int *complete)
{
	*complete = 0;
	if (!csvc__db_text(s->db, &SQL_RECLAIM_FULL)) {
		/* SQLite: secure_delete zeroed the bytes in the file, the WAL
		 * still holds them until a checkpoint moves and truncates it. */
		int rc = csvc__store_checkpoint(s, full);
		*complete = rc == CSVC_OK;
		return rc;
	}
	/* PostgreSQL: only when asked (csvc_customer_scrub): an erasure
	 * leaves the rewrite, which locks each table, to the operator. */
	if (!full)
		return CSVC_OK;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_RECLAIM_NOT_OWNED, &st);
	if (rc || (rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__ROW && !csvc__db_is_null(st, 0)) {
		rc = csvc__error(CSVC_ESTORAGE,
		                 "the store's database role does not own the table(s) %s, which only their owner "
		                 "may vacuum: run the scrub as the owner of the store's tables",
		                 csvc__db_textcol(st, 0));
		csvc__db_reset(st);
		return rc;
	}
	csvc__db_reset(st);
	if ((rc = csvc__db_exec_sql(s->db, &SQL_RECLAIM_FULL, 0)))
		return rc;
	*complete = 1;
	return CSVC_OK;
}

int csvc__customer_db_absorbed(csvc_store *s, int64_t rowid, int64_t **ids, size_t *n)
{
	return csvc__db_collect_ids(s->db, &SQL_ABSORBED, rowid, ids, n);
}

int csvc__customer_db_scrub_mark(csvc_store *s, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_SCRUB_MARK, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, at);
	return csvc__db_run(st);
}

int csvc__customer_db_scrub_pending(csvc_store *s, csvc_time_us *since, int64_t *gen)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_SCRUB_PENDING, &st);
	if (rc)
		return rc;
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	*since = rc == CSVC__ROW ? csvc__db_int(st, 0) : 0;
	if (gen)
		*gen = rc == CSVC__ROW ? csvc__db_int(st, 1) : 0;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__customer_db_scrub_clear(csvc_store *s, int64_t gen)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_SCRUB_CLEAR, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, gen);
	return csvc__db_run(st);
}

/* ---- queries ---- */

/* PostgreSQL: only the rows the iterator's starting snapshot saw created
 * (csvc__cursor_until in store/cursor.h). */
#define VISIBLE_PG \
	" AND (pg_visible_in_snapshot(c.created_xid, CAST(:snapshot AS pg_snapshot))" \
	" OR c.created_xid = CAST(:own_xid AS xid8))"

char *csvc__customer_db_query_sql(const csvc_customer_query *q, int count_only, int scope, csvc__dialect dialect)
{
	csvc__buf b = {0};
	csvc__buf_puts(&b, count_only ? "SELECT count(*) FROM (SELECT c.id FROM customers c WHERE TRUE"
	                              : "SELECT c.id FROM customers c WHERE TRUE");
	if (!csvc_uuid_is_nil(&q->after))
		csvc__buf_puts(&b, " AND c.id > :after");
	if (!count_only && dialect == CSVC__DIALECT_POSTGRES)
		csvc__buf_puts(&b, VISIBLE_PG);
	if (!q->include_inactive)
		csvc__buf_puts(&b, " AND c.merged_into IS NULL AND c.erased_us IS NULL");
	if (q->customer_class)
		csvc__buf_puts(&b, " AND c.class = :class");
	if (q->tier)
		csvc__buf_puts(&b, " AND c.tier = :tier");
	if (q->lifecycle)
		csvc__buf_puts(&b, " AND c.lifecycle = :lifecycle");
	if (q->home_store)
		csvc__buf_puts(&b, " AND c.home_store = :home_store");
	if (scope == CSVC__SCOPE_STORE)
		csvc__buf_puts(&b, " AND (c.home_store = :scope_store OR c.home_store IS NULL)");
	else if (scope == CSVC__SCOPE_NO_STORE)
		csvc__buf_puts(&b, " AND c.home_store IS NULL");
	if (q->created_from)
		csvc__buf_puts(&b, " AND c.created_us >= :created_from");
	if (q->created_to)
		csvc__buf_puts(&b, " AND c.created_us < :created_to");
	if (q->updated_from)
		csvc__buf_puts(&b, " AND c.updated_us >= :updated_from");
	if (q->updated_to)
		csvc__buf_puts(&b, " AND c.updated_us < :updated_to");
	if (q->tag)
		csvc__buf_puts(&b, " AND c.id IN (SELECT customer_id FROM customer_tags WHERE tag = :tag)");
	if (q->phone)
		csvc__buf_puts(&b, " AND c.id IN (SELECT customer_id FROM customer_contacts"
		                   " WHERE kind = 1 AND norm = :phone)");
	if (q->email)
		csvc__buf_puts(&b, " AND c.id IN (SELECT customer_id FROM customer_contacts"
		                   " WHERE kind = 2 AND norm = :email)");
	if (q->text && dialect == CSVC__DIALECT_POSTGRES) {
		/* The search rows' columns, each under the trigram index. */
		static const char *const columns[] = {"name", "phones", "emails", "notes"};
		int indexed = csvc__search_indexed(q->text);
		csvc__buf_puts(&b, " AND c.id IN (SELECT rowid FROM customer_search WHERE ");
		for (size_t i = 0; i < 4; i++) {
			if (i)
				csvc__buf_puts(&b, " OR ");
			csvc__search_pg(&b, columns[i], indexed);
		}
		csvc__buf_puts(&b, ")");
	} else if (q->text) {
		if (csvc__search_indexed(q->text))
			csvc__buf_puts(&b, " AND c.id IN (SELECT rowid FROM customer_search"
			                   " WHERE customer_search MATCH :text)");
		else
			/* Shorter than a trigram: no index can help, scan the search rows. */
			csvc__buf_puts(&b, " AND c.id IN (SELECT rowid FROM customer_search WHERE"
			                   " instr(lower(name), lower(:text)) OR instr(lower(phones), lower(:text))"
			                   " OR instr(lower(emails), lower(:text)) OR instr(lower(notes), lower(:text)))");
	}
	csvc__buf_puts(&b, " ORDER BY c.id");
	if (q->limit)
		csvc__buf_puts(&b, " LIMIT :limit");
	if (count_only)
		csvc__buf_puts(&b, ") AS q");
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* The iterator's end (csvc__cursor_until). */
static const csvc__sql SQL_MAX_ID = CSVC__SQL_DIALECTS("SELECT max(id), NULL, NULL FROM customers",
                                                       "SELECT max(id), pg_current_snapshot()::text,"
                                                       " pg_current_xact_id_if_assigned()::text FROM customers");

int csvc__customer_db_query(csvc_store *s, const csvc_customer_query *q, const char *phone_norm,
                            const char *email_norm, int64_t after_rowid, int count_only, int scope,
                            const char *scope_store, csvc__cursor **out)
{
	int64_t until = 0;
	csvc__cursor *c;
	int rc = csvc__cursor_open(s, csvc__customer_db_query_sql(q, count_only, scope, csvc__db_dialect(s->db)), &c);
	if (rc)
		return rc;
	/* Customers created after the iterator starts are not returned. */
	if (!count_only && (rc = csvc__cursor_until(c, &SQL_MAX_ID, &until))) {
		csvc__cursor_free(c);
		return rc;
	}
	csvc__cursor_bind_int(c, ":after", after_rowid);
	csvc__cursor_bind_int(c, ":class", q->customer_class);
	csvc__cursor_bind_int(c, ":tier", q->tier);
	csvc__cursor_bind_int(c, ":lifecycle", q->lifecycle);
	csvc__cursor_bind_text(c, ":home_store", q->home_store);
	csvc__cursor_bind_text(c, ":scope_store", scope_store);
	csvc__cursor_bind_int(c, ":created_from", q->created_from);
	csvc__cursor_bind_int(c, ":created_to", q->created_to);
	csvc__cursor_bind_int(c, ":updated_from", q->updated_from);
	csvc__cursor_bind_int(c, ":updated_to", q->updated_to);
	csvc__cursor_bind_text(c, ":tag", q->tag);
	csvc__cursor_bind_text(c, ":phone", phone_norm);
	csvc__cursor_bind_text(c, ":email", email_norm);
	/* The first page runs the query as given; the next ones continue
	 * after the last id (keyset), with a LIMIT of a page. */
	char *next_sql = NULL;
	if (!count_only && csvc_uuid_is_nil(&q->after)) {
		csvc_customer_query next = *q;
		next.after.bytes[0] = 1;
		next.limit = 1;
		if (!(next_sql = csvc__customer_db_query_sql(&next, 0, scope, csvc__db_dialect(s->db)))) {
			csvc__cursor_free(c);
			return csvc__error(CSVC_ENOMEM, "out of memory building a query");
		}
	}
	return csvc__cursor_finish(c, q->limit, q->text, count_only,
	                           csvc_uuid_is_nil(&q->after) ? INT64_MIN : after_rowid, until, next_sql, out);
}

static const csvc__sql SQL_HOME_STORE = CSVC__SQL("SELECT home_store FROM customers WHERE id = $1");

int csvc__customer_db_home_store(csvc_store *s, int64_t rowid, char **out)
{
	csvc__stmt *st;
	int rc = prep(s, &SQL_HOME_STORE, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	*out = NULL;
	const char *home = rc == CSVC__ROW ? csvc__db_textcol(st, 0) : NULL;
	if (home && !(*out = csvc__strcopy(home)))
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	else
		rc = CSVC_OK;
	csvc__db_reset(st);
	return rc;
}

static const csvc__sql SQL_CLASS = CSVC__SQL("SELECT class, tier FROM customers WHERE id = $1");

int csvc__customer_db_class(csvc_store *s, int64_t rowid, int32_t *klass, int32_t *tier)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CLASS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	*klass = rc == CSVC__ROW ? (int32_t)csvc__db_int(st, 0) : 0;
	*tier = rc == CSVC__ROW ? (int32_t)csvc__db_int(st, 1) : 0;
	csvc__db_reset(st);
	return CSVC_OK;
}
