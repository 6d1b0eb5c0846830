/*
 * Customer storage on SQLite. Every statement is a fixed text with bound
 * parameters; the query builder only joins fixed fragments.
 */
#include <stdlib.h>
#include <string.h>

#include "customer-internal.h"
#include "cursor.h"
#include "store-internal.h"

static const char SQL_INSERT[] =
	"INSERT INTO customers (uuid, name, address, birthday, notes, home_store, class, tier,"
	" lifecycle, revision, created_us, updated_us) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_UPDATE_SCALARS[] =
	"UPDATE customers SET name = ?, address = ?, birthday = ?, notes = ?, home_store = ?,"
	" class = ?, tier = ?, lifecycle = ?, revision = ?, updated_us = ? WHERE id = ?";
static const char SQL_INSERT_CONTACT[] =
	"INSERT INTO customer_contacts (customer_id, kind, position, value, norm) VALUES (?,?,?,?,?)";
static const char SQL_DELETE_CONTACTS[] = "DELETE FROM customer_contacts WHERE customer_id = ?";
static const char SQL_INSERT_TAG[] = "INSERT INTO customer_tags (customer_id, tag) VALUES (?,?)";
static const char SQL_DELETE_TAGS[] = "DELETE FROM customer_tags WHERE customer_id = ?";
static const char SQL_INSERT_ATTR[] =
	"INSERT INTO customer_attributes (customer_id, key, value) VALUES (?,?,?)";
static const char SQL_DELETE_ATTRS[] = "DELETE FROM customer_attributes WHERE customer_id = ?";
static const char SQL_INSERT_EXTID[] =
	"INSERT INTO customer_external_ids (kind, value, customer_id, position) VALUES (?,?,?,?)";
static const char SQL_DELETE_EXTIDS[] = "DELETE FROM customer_external_ids WHERE customer_id = ?";
static const char SQL_INSERT_SEARCH[] =
	"INSERT INTO customer_search (rowid, name, phones, emails, notes) VALUES (?,?,?,?,?)";
static const char SQL_DELETE_SEARCH[] = "DELETE FROM customer_search WHERE rowid = ?";
static const char SQL_INSERT_LIFECYCLE[] =
	"INSERT INTO customer_lifecycle (customer_id, seq, stage, at_us) VALUES (?1,"
	" (SELECT coalesce(max(seq), 0) + 1 FROM customer_lifecycle WHERE customer_id = ?1), ?2, ?3)";
static const char SQL_INSERT_EVENT[] =
	"INSERT INTO customer_events (customer_id, type, actor, at_us, payload) VALUES (?,?,?,?,?)";
static const char SQL_STATE[] =
	"SELECT id, revision, coalesce(merged_into, 0), coalesce(erased_us, 0) FROM customers"
	" WHERE uuid = ?";
static const char SQL_LOAD[] =
	"SELECT c.uuid, c.name, c.address, c.birthday, c.notes, c.home_store, c.class, c.tier,"
	" c.lifecycle, c.revision, c.created_us, c.updated_us, coalesce(c.erased_us, 0), m.uuid"
	" FROM customers c LEFT JOIN customers m ON m.id = c.merged_into WHERE c.id = ?";
static const char SQL_LOAD_CONTACTS[] =
	"SELECT kind, value FROM customer_contacts WHERE customer_id = ? ORDER BY kind, position";
static const char SQL_LOAD_TAGS[] =
	"SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag";
static const char SQL_LOAD_ATTRS[] =
	"SELECT key, value FROM customer_attributes WHERE customer_id = ? ORDER BY key";
static const char SQL_LOAD_EXTIDS[] =
	"SELECT kind, value FROM customer_external_ids WHERE customer_id = ? ORDER BY position";
static const char SQL_LOAD_LIFECYCLE[] =
	"SELECT stage, at_us FROM customer_lifecycle WHERE customer_id = ? ORDER BY seq";
static const char SQL_FIND_CONTACT[] =
	"SELECT min(customer_id) FROM customer_contacts WHERE kind = ? AND norm = ?";
static const char SQL_FIND_EXTID[] =
	"SELECT customer_id FROM customer_external_ids WHERE kind = ? AND value = ?";
static const char SQL_MARK_MERGED[] =
	"UPDATE customers SET merged_into = ?, updated_us = ? WHERE id = ?";
static const char SQL_ERASE[] =
	"UPDATE customers SET name = NULL, address = NULL, birthday = NULL, notes = NULL,"
	" erased_us = ?1, updated_us = ?1, revision = revision + 1 WHERE id = ?2";
/* A rebuild, not an optimize: it leaves no trace of deleted rows in the
 * index segments, and unlike SQLite 3.40's optimize it does not deepen
 * the index structure each time it runs (docs/customers.md). */
static const char SQL_PURGE_SEARCH[] =
	"INSERT INTO customer_search (customer_search) VALUES ('rebuild')";
static const char SQL_SCRUB_MARK[] =
	"INSERT INTO customer_scrub (id, since_us, gen) VALUES (1, ?, 0)"
	" ON CONFLICT (id) DO UPDATE SET gen = gen + 1";
static const char SQL_SCRUB_PENDING[] = "SELECT since_us, gen FROM customer_scrub WHERE id = 1";
static const char SQL_SCRUB_CLEAR[] = "DELETE FROM customer_scrub WHERE id = 1 AND gen = ?";
static const char SQL_ABSORBED[] =
	"SELECT id FROM customers WHERE merged_into = ? AND erased_us IS NULL ORDER BY id";

/*
 * Every table column that refers to a customer and must follow a merge.
 * Modules that add such columns add their statements here; parameters are
 * bound by name: :keep and :from (internal ids), :at (time), :actor,
 * :keep_uuid and :from_uuid (text). Customer-owned lists are re-homed by
 * the merge itself; history rows (events, lifecycle) stay with the record
 * they describe.
 */
static const char SQL_TICKET_EVENTS_FOR_MERGE[] =
	"INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, payload)"
	" SELECT id, revision + 1, 'customer_merged', :actor, max(updated_us, :at),"
	"  json_object('from_customer', :from_uuid, 'set', json_object('customer', :keep_uuid))"
	" FROM tickets WHERE customer_id = :from";
static const char SQL_TICKETS_FOR_MERGE[] =
	"UPDATE tickets SET customer_id = :keep, revision = revision + 1, updated_us = max(updated_us, :at)"
	" WHERE customer_id = :from";
static const char SQL_INVITATIONS_FOR_MERGE[] =
	"UPDATE survey_invitations SET customer_id = :keep WHERE customer_id = :from";
static const char SQL_RESPONSES_FOR_MERGE[] =
	"UPDATE survey_responses SET customer_id = :keep WHERE customer_id = :from";
static const char SQL_FLATTEN_MERGED[] =
	"UPDATE customers SET merged_into = :keep WHERE merged_into = :from";

static const char *const SQL_MOVE_REFERENCES[] = {
	SQL_TICKET_EVENTS_FOR_MERGE, /* before the rows move: it selects by :from */
	SQL_TICKETS_FOR_MERGE,
	SQL_INVITATIONS_FOR_MERGE,
	SQL_RESPONSES_FOR_MERGE,
	SQL_FLATTEN_MERGED,
};

static int prep(csvc_store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = csvc__stmt(s, sql, st);
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
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_CONTACT, &st);
	if (rc)
		return rc;
	for (int kind = CSVC__CONTACT_PHONE; kind <= CSVC__CONTACT_EMAIL; kind++) {
		const csvc__strvec *v = kind == CSVC__CONTACT_PHONE ? &row->c->phones : &row->c->emails;
		char(*norms)[CSVC__NORM_MAX] =
			kind == CSVC__CONTACT_PHONE ? row->phone_norms : row->email_norms;
		for (size_t i = 0; i < v->n; i++) {
			sqlite3_bind_int64(st, 1, rowid);
			sqlite3_bind_int(st, 2, kind);
			sqlite3_bind_int64(st, 3, (int64_t)i);
			csvc__bind_text(st, 4, v->items[i]);
			csvc__bind_text(st, 5, norms[i]);
			if ((rc = csvc__exec_stmt(s, st)))
				return rc;
		}
	}
	return CSVC_OK;
}

static int write_tags(csvc_store *s, int64_t rowid, const csvc_customer *c)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_TAG, &st);
	for (size_t i = 0; !rc && i < c->tags.n; i++) {
		sqlite3_bind_int64(st, 1, rowid);
		csvc__bind_text(st, 2, c->tags.items[i]);
		rc = csvc__exec_stmt(s, st);
	}
	return rc;
}

static int write_attrs(csvc_store *s, int64_t rowid, const csvc_customer *c)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_ATTR, &st);
	for (size_t i = 0; !rc && i < c->attrs.n; i++) {
		sqlite3_bind_int64(st, 1, rowid);
		csvc__bind_text(st, 2, c->attrs.items[i].key);
		csvc__bind_text(st, 3, c->attrs.items[i].value);
		rc = csvc__exec_stmt(s, st);
	}
	return rc;
}

static int write_extids(csvc_store *s, int64_t rowid, const csvc_customer *c)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_EXTID, &st);
	for (size_t i = 0; !rc && i < c->extids.n; i++) {
		csvc__bind_text(st, 1, c->extids.items[i].key);
		csvc__bind_text(st, 2, c->extids.items[i].value);
		sqlite3_bind_int64(st, 3, rowid);
		sqlite3_bind_int64(st, 4, (int64_t)i);
		rc = csvc__exec_stmt(s, st);
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
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_SEARCH, &st);
	if (rc)
		return rc;
	csvc__buf phones = {0}, emails = {0};
	join_list(&phones, &c->phones, row->phone_norms);
	join_list(&emails, &c->emails, NULL);
	if (phones.failed || emails.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory building the search row");
	} else {
		sqlite3_bind_int64(st, 1, rowid);
		csvc__bind_text(st, 2, c->name);
		csvc__bind_text(st, 3, phones.data);
		csvc__bind_text(st, 4, emails.data);
		csvc__bind_text(st, 5, c->notes);
		rc = csvc__exec_stmt(s, st);
	}
	csvc__buf_free(&phones);
	csvc__buf_free(&emails);
	return rc;
}

static int exec_rowid(csvc_store *s, const char *sql, int64_t rowid)
{
	sqlite3_stmt *st;
	int rc = prep(s, sql, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	return csvc__exec_stmt(s, st);
}

static void bind_scalars(sqlite3_stmt *st, int first, const csvc_customer *c)
{
	csvc__bind_text(st, first, c->name);
	csvc__bind_text(st, first + 1, c->address);
	if (c->birthday)
		sqlite3_bind_int(st, first + 2, c->birthday);
	else
		sqlite3_bind_null(st, first + 2);
	csvc__bind_text(st, first + 3, c->notes);
	csvc__bind_text(st, first + 4, c->home_store);
	sqlite3_bind_int(st, first + 5, c->klass);
	sqlite3_bind_int(st, first + 6, c->tier);
	sqlite3_bind_int(st, first + 7, c->lifecycle);
	sqlite3_bind_int64(st, first + 8, c->revision);
}

int csvc__customer_db_insert(csvc_store *s, const csvc__customer_row *row, int64_t *rowid)
{
	const csvc_customer *c = row->c;
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__bind_uuid(st, 1, &c->id);
	bind_scalars(st, 2, c);
	sqlite3_bind_int64(st, 11, c->created_at);
	sqlite3_bind_int64(st, 12, c->updated_at);
	if ((rc = csvc__exec_stmt(s, st))) {
		if (rc == CSVC_EEXISTS)
			return csvc__error_refine(CSVC_EEXISTS, "a customer with this UUID already exists");
		return rc;
	}
	int64_t id = sqlite3_last_insert_rowid(s->db);
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
	sqlite3_stmt *st;
	int rc;
	if (parts & CSVC__PART_SCALARS) {
		if ((rc = prep(s, SQL_UPDATE_SCALARS, &st)))
			return rc;
		bind_scalars(st, 1, c);
		sqlite3_bind_int64(st, 10, c->updated_at);
		sqlite3_bind_int64(st, 11, rowid);
		if ((rc = csvc__exec_stmt(s, st)))
			return rc;
	}
	if ((parts & CSVC__PART_CONTACTS) &&
	    ((rc = exec_rowid(s, SQL_DELETE_CONTACTS, rowid)) || (rc = write_contacts(s, rowid, row))))
		return rc;
	if ((parts & CSVC__PART_TAGS) &&
	    ((rc = exec_rowid(s, SQL_DELETE_TAGS, rowid)) || (rc = write_tags(s, rowid, c))))
		return rc;
	if ((parts & CSVC__PART_ATTRS) &&
	    ((rc = exec_rowid(s, SQL_DELETE_ATTRS, rowid)) || (rc = write_attrs(s, rowid, c))))
		return rc;
	if ((parts & CSVC__PART_EXTIDS) &&
	    ((rc = exec_rowid(s, SQL_DELETE_EXTIDS, rowid)) || (rc = write_extids(s, rowid, c))))
		return rc;
	if (parts & CSVC__PART_SEARCH) {
		if ((rc = exec_rowid(s, SQL_DELETE_SEARCH, rowid)))
			return rc;
		/* Only active customers are searchable. */
		if (csvc_uuid_is_nil(&c->merged_into) && !c->erased_at &&
		    (rc = write_search(s, rowid, row)))
			return rc;
	}
	return CSVC_OK;
}

int csvc__customer_db_state(csvc_store *s, const csvc_uuid *id, csvc__customer_state *out)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_STATE, &st);
	if (rc)
		return rc;
	csvc__bind_uuid(st, 1, id);
	rc = csvc__step(s, st);
	if (rc < 0)
		return rc;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ENOTFOUND, "no customer %s", text);
	}
	out->rowid = sqlite3_column_int64(st, 0);
	out->revision = sqlite3_column_int64(st, 1);
	out->merged_into = sqlite3_column_int64(st, 2);
	out->erased_at = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return CSVC_OK;
}

static char *col_text(sqlite3_stmt *st, int col, int *oom)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	if (!t)
		return NULL;
	char *copy = csvc__strcopy((const char *)t);
	if (!copy)
		*oom = 1;
	return copy;
}

/* Runs a "WHERE customer_id = ?" list query, calling add() per row. */
static int load_list(csvc_store *s, const char *sql, int64_t rowid, csvc_customer *c,
                     int (*add)(csvc_customer *c, sqlite3_stmt *st))
{
	sqlite3_stmt *st;
	int rc = prep(s, sql, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		if ((rc = add(c, st))) {
			sqlite3_reset(st);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	sqlite3_reset(st);
	return CSVC_OK;
}

static int add_contact(csvc_customer *c, sqlite3_stmt *st)
{
	const char *v = (const char *)sqlite3_column_text(st, 1);
	if (!v)
		return csvc__error(CSVC_ECORRUPT, "stored contact has no value");
	return csvc__strvec_push(sqlite3_column_int(st, 0) == CSVC__CONTACT_PHONE ? &c->phones : &c->emails,
	                         v);
}

static int add_tag(csvc_customer *c, sqlite3_stmt *st)
{
	const char *v = (const char *)sqlite3_column_text(st, 0);
	if (!v)
		return csvc__error(CSVC_ECORRUPT, "stored tag is NULL");
	return csvc__strvec_push(&c->tags, v);
}

static int add_pair(csvc__kvvec *v, sqlite3_stmt *st)
{
	const char *k = (const char *)sqlite3_column_text(st, 0);
	const char *val = (const char *)sqlite3_column_text(st, 1);
	if (!k || !val)
		return csvc__error(CSVC_ECORRUPT, "stored key/value pair has a NULL");
	return csvc__kvvec_push(v, k, val);
}

static int add_attr(csvc_customer *c, sqlite3_stmt *st) { return add_pair(&c->attrs, st); }
static int add_extid(csvc_customer *c, sqlite3_stmt *st) { return add_pair(&c->extids, st); }

static int add_lifecycle(csvc_customer *c, sqlite3_stmt *st)
{
	return csvc__customer_history_push(c, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1));
}

int csvc__customer_db_load(csvc_store *s, int64_t rowid, csvc_customer **out)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_LOAD, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	rc = csvc__step(s, st);
	if (rc < 0)
		return rc;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no customer with internal id %lld", (long long)rowid);
	}
	csvc_customer *c;
	if ((rc = csvc__customer_alloc(&c))) {
		sqlite3_reset(st);
		return rc;
	}
	int oom = 0;
	if (!csvc__column_uuid(st, 0, &c->id))
		rc = csvc__error(CSVC_ECORRUPT, "stored customer %lld has a malformed UUID", (long long)rowid);
	c->name = col_text(st, 1, &oom);
	c->address = col_text(st, 2, &oom);
	c->birthday = sqlite3_column_int(st, 3);
	c->notes = col_text(st, 4, &oom);
	c->home_store = col_text(st, 5, &oom);
	c->klass = sqlite3_column_int(st, 6);
	c->tier = sqlite3_column_int(st, 7);
	c->lifecycle = sqlite3_column_int(st, 8);
	c->revision = sqlite3_column_int64(st, 9);
	c->created_at = sqlite3_column_int64(st, 10);
	c->updated_at = sqlite3_column_int64(st, 11);
	c->erased_at = sqlite3_column_int64(st, 12);
	csvc__column_uuid(st, 13, &c->merged_into);
	sqlite3_reset(st);
	if (!rc && oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a customer");
	if (rc || (rc = load_list(s, SQL_LOAD_CONTACTS, rowid, c, add_contact)) ||
	    (rc = load_list(s, SQL_LOAD_TAGS, rowid, c, add_tag)) ||
	    (rc = load_list(s, SQL_LOAD_ATTRS, rowid, c, add_attr)) ||
	    (rc = load_list(s, SQL_LOAD_EXTIDS, rowid, c, add_extid)) ||
	    (rc = load_list(s, SQL_LOAD_LIFECYCLE, rowid, c, add_lifecycle))) {
		csvc_customer_free(c);
		return rc;
	}
	*out = c;
	return CSVC_OK;
}

int csvc__customer_db_lifecycle_append(csvc_store *s, int64_t rowid, int32_t stage, csvc_time_us at)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_LIFECYCLE, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_int(st, 2, stage);
	sqlite3_bind_int64(st, 3, at);
	return csvc__exec_stmt(s, st);
}

int csvc__customer_db_event(csvc_store *s, int64_t rowid, const char *type, const char *actor,
                            csvc_time_us at, const char *payload)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_INSERT_EVENT, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	csvc__bind_text(st, 2, type);
	csvc__bind_text(st, 3, actor);
	sqlite3_bind_int64(st, 4, at);
	csvc__bind_text(st, 5, payload);
	return csvc__exec_stmt(s, st);
}

static int find_rowid(csvc_store *s, sqlite3_stmt *st, int64_t *rowid, const char *what)
{
	int rc = csvc__step(s, st);
	if (rc < 0)
		return rc;
	int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*rowid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no active customer has %s", what);
	return CSVC_OK;
}

int csvc__customer_db_find_contact(csvc_store *s, int kind, const char *norm, int64_t *rowid)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_FIND_CONTACT, &st);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	csvc__bind_text(st, 2, norm);
	return find_rowid(s, st, rowid, kind == CSVC__CONTACT_PHONE ? "this phone" : "this e-mail");
}

int csvc__customer_db_find_extid(csvc_store *s, const char *kind, const char *value, int64_t *rowid)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_FIND_EXTID, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, kind);
	csvc__bind_text(st, 2, value);
	return find_rowid(s, st, rowid, "this external ID");
}

int csvc__customer_db_mark_merged(csvc_store *s, int64_t absorb, int64_t keep, csvc_time_us at)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_MARK_MERGED, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, keep);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, absorb);
	return csvc__exec_stmt(s, st);
}

static void bind_named(sqlite3_stmt *st, const char *name, const char *text, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (!i)
		return;
	if (text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(st, i, v);
}

int csvc__customer_db_move_references(csvc_store *s, int64_t from, int64_t to, const csvc_uuid *from_id,
                                      const csvc_uuid *to_id, const char *actor, csvc_time_us at)
{
	char from_text[CSVC_UUID_STRLEN + 1], to_text[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(from_id, from_text);
	csvc_uuid_to_string(to_id, to_text);
	for (size_t i = 0; i < sizeof(SQL_MOVE_REFERENCES) / sizeof(SQL_MOVE_REFERENCES[0]); i++) {
		sqlite3_stmt *st;
		int rc = prep(s, SQL_MOVE_REFERENCES[i], &st);
		if (rc)
			return rc;
		bind_named(st, ":keep", NULL, to);
		bind_named(st, ":from", NULL, from);
		bind_named(st, ":at", NULL, at);
		bind_named(st, ":actor", actor, 0);
		bind_named(st, ":keep_uuid", to_text, 0);
		bind_named(st, ":from_uuid", from_text, 0);
		if ((rc = csvc__exec_stmt(s, st)))
			return rc;
	}
	return CSVC_OK;
}

int csvc__customer_db_erase(csvc_store *s, int64_t rowid, csvc_time_us at)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_ERASE, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, rowid);
	if ((rc = csvc__exec_stmt(s, st)) || (rc = exec_rowid(s, SQL_DELETE_CONTACTS, rowid)) ||
	    (rc = exec_rowid(s, SQL_DELETE_TAGS, rowid)) || (rc = exec_rowid(s, SQL_DELETE_ATTRS, rowid)) ||
	    (rc = exec_rowid(s, SQL_DELETE_EXTIDS, rowid)) || (rc = exec_rowid(s, SQL_DELETE_SEARCH, rowid)))
		return rc;
	return CSVC_OK;
}

int csvc__customer_db_purge(csvc_store *s)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_PURGE_SEARCH, &st);
	if (rc)
		return rc;
	return csvc__exec_stmt(s, st);
}

int csvc__customer_db_absorbed(csvc_store *s, int64_t rowid, int64_t **ids, size_t *n)
{
	return csvc__collect_ids(s, SQL_ABSORBED, rowid, ids, n);
}

int csvc__customer_db_scrub_mark(csvc_store *s, csvc_time_us at)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_SCRUB_MARK, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, at);
	return csvc__exec_stmt(s, st);
}

int csvc__customer_db_scrub_pending(csvc_store *s, csvc_time_us *since, int64_t *gen)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_SCRUB_PENDING, &st);
	if (rc)
		return rc;
	rc = csvc__step(s, st);
	if (rc < 0)
		return rc;
	*since = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (gen)
		*gen = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return CSVC_OK;
}

int csvc__customer_db_scrub_clear(csvc_store *s, int64_t gen)
{
	sqlite3_stmt *st;
	int rc = prep(s, SQL_SCRUB_CLEAR, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, gen);
	return csvc__exec_stmt(s, st);
}

/* ---- queries ---- */

char *csvc__customer_db_query_sql(const csvc_customer_query *q, int count_only)
{
	csvc__buf b = {0};
	csvc__buf_puts(&b, count_only ? "SELECT count(*) FROM (SELECT c.id FROM customers c WHERE 1"
	                              : "SELECT c.id FROM customers c WHERE 1");
	if (!csvc_uuid_is_nil(&q->after))
		csvc__buf_puts(&b, " AND c.id > :after");
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
	if (q->text) {
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
		csvc__buf_puts(&b, ")");
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

static const char SQL_MAX_ID[] = "SELECT max(id) FROM customers";

int csvc__customer_db_query(csvc_store *s, const csvc_customer_query *q, const char *phone_norm,
                            const char *email_norm, int64_t after_rowid, int count_only,
                            csvc__cursor **out)
{
	int64_t until = 0;
	int rc;
	if (!count_only) {
		/* Customers created after the iterator starts are not returned. */
		sqlite3_stmt *st;
		if ((rc = prep(s, SQL_MAX_ID, &st)) || (rc = csvc__step(s, st)) < 0)
			return rc;
		until = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	csvc__cursor *c;
	rc = csvc__cursor_open(s, csvc__customer_db_query_sql(q, count_only), &c);
	if (rc)
		return rc;
	csvc__cursor_bind_int(c, ":after", after_rowid);
	csvc__cursor_bind_int(c, ":class", q->customer_class);
	csvc__cursor_bind_int(c, ":tier", q->tier);
	csvc__cursor_bind_int(c, ":lifecycle", q->lifecycle);
	csvc__cursor_bind_text(c, ":home_store", q->home_store);
	csvc__cursor_bind_int(c, ":created_from", q->created_from);
	csvc__cursor_bind_int(c, ":created_to", q->created_to);
	csvc__cursor_bind_int(c, ":updated_from", q->updated_from);
	csvc__cursor_bind_int(c, ":updated_to", q->updated_to);
	csvc__cursor_bind_text(c, ":tag", q->tag);
	csvc__cursor_bind_text(c, ":phone", phone_norm);
	csvc__cursor_bind_text(c, ":email", email_norm);
	csvc__cursor_bind_int(c, ":limit", q->limit);
	if ((rc = csvc__cursor_bind_search(c, ":text", q->text))) {
		csvc__cursor_free(c);
		return rc;
	}
	if (!count_only) {
		/* The first page runs the query as given; the next ones continue
		 * after the last id (keyset), with a LIMIT of a page. */
		char *next_sql = NULL;
		if (csvc_uuid_is_nil(&q->after)) {
			csvc_customer_query next = *q;
			next.after.bytes[0] = 1;
			next.limit = 1;
			if (!(next_sql = csvc__customer_db_query_sql(&next, 0))) {
				csvc__cursor_free(c);
				return csvc__error(CSVC_ENOMEM, "out of memory building a query");
			}
		}
		csvc__cursor_page(c, csvc_uuid_is_nil(&q->after) ? INT64_MIN : after_rowid, until, q->limit, next_sql);
	}
	*out = c;
	return CSVC_OK;
}
