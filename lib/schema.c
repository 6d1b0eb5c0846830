/*
 * Numbered, forward-only schema migrations. Migration N takes a store from
 * user_version N-1 to N. Published migrations are never edited: a change
 * is always a new migration appended to the list.
 */
#include <stdio.h>

#include "store-internal.h"

static const char MIGRATION_1[] =
	/* Customers. `id` is internal (joins, keyset order); `uuid` is public. */
	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid BLOB NOT NULL UNIQUE CHECK (length(uuid) = 16),"
	"  name TEXT, address TEXT, birthday INTEGER, notes TEXT, home_store TEXT,"
	"  class INTEGER NOT NULL, tier INTEGER NOT NULL, lifecycle INTEGER NOT NULL,"
	"  revision INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL,"
	"  merged_into INTEGER REFERENCES customers(id),"
	"  erased_us INTEGER"
	");"
	"CREATE INDEX customers_created ON customers(created_us);"
	"CREATE INDEX customers_updated ON customers(updated_us);"
	"CREATE INDEX customers_home_store ON customers(home_store) WHERE home_store IS NOT NULL;"
	"CREATE INDEX customers_class ON customers(class);"
	"CREATE INDEX customers_merged_into ON customers(merged_into) WHERE merged_into IS NOT NULL;"
	/* Phones (kind 1) and e-mails (kind 2): as entered and normalised. */
	"CREATE TABLE customer_contacts ("
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  kind INTEGER NOT NULL, position INTEGER NOT NULL,"
	"  value TEXT NOT NULL, norm TEXT NOT NULL,"
	"  PRIMARY KEY (customer_id, kind, position)"
	") WITHOUT ROWID;"
	"CREATE INDEX customer_contacts_norm ON customer_contacts(kind, norm);"
	"CREATE TABLE customer_tags ("
	"  customer_id INTEGER NOT NULL REFERENCES customers(id), tag TEXT NOT NULL,"
	"  PRIMARY KEY (customer_id, tag)"
	") WITHOUT ROWID;"
	"CREATE INDEX customer_tags_tag ON customer_tags(tag);"
	"CREATE TABLE customer_attributes ("
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  key TEXT NOT NULL, value TEXT NOT NULL,"
	"  PRIMARY KEY (customer_id, key)"
	") WITHOUT ROWID;"
	/* An external ID is unique within its kind across all customers. */
	"CREATE TABLE customer_external_ids ("
	"  kind TEXT NOT NULL, value TEXT NOT NULL,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, value)"
	") WITHOUT ROWID;"
	"CREATE INDEX customer_external_ids_customer ON customer_external_ids(customer_id);"
	"CREATE TABLE customer_lifecycle ("
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  seq INTEGER NOT NULL, stage INTEGER NOT NULL, at_us INTEGER NOT NULL,"
	"  PRIMARY KEY (customer_id, seq)"
	") WITHOUT ROWID;"
	/* Append-only history of a customer record. Payloads name fields, never
	 * personal values, so erasure never has to rewrite history. */
	"CREATE TABLE customer_events ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  type TEXT NOT NULL, actor TEXT, at_us INTEGER NOT NULL, payload TEXT"
	");"
	"CREATE INDEX customer_events_customer ON customer_events(customer_id);"
	"CREATE TRIGGER customer_events_no_update BEFORE UPDATE ON customer_events"
	"  BEGIN SELECT RAISE(ABORT, 'customer events are append-only'); END;"
	"CREATE TRIGGER customer_events_no_delete BEFORE DELETE ON customer_events"
	"  BEGIN SELECT RAISE(ABORT, 'customer events are append-only'); END;"
	/* Substring search (CJK included): rowid = customers.id. */
	"CREATE VIRTUAL TABLE customer_search USING fts5("
	"  name, phones, emails, notes, tokenize = 'trigram');";

static const char MIGRATION_2[] =
	/* Business calendars, stored as their canonical JSON text. */
	"CREATE TABLE calendars ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid BLOB NOT NULL UNIQUE CHECK (length(uuid) = 16),"
	"  name TEXT NOT NULL UNIQUE,"
	"  spec TEXT NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	/* The calendar of each retail store (by store code, as in
	 * customers.home_store). */
	"CREATE TABLE store_calendars ("
	"  store_code TEXT PRIMARY KEY,"
	"  calendar_id INTEGER NOT NULL REFERENCES calendars(id),"
	"  attached_us INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX store_calendars_calendar ON store_calendars(calendar_id);";

static const char *const MIGRATIONS[] = {
	MIGRATION_1,
	MIGRATION_2,
};

#define N_MIGRATIONS ((int32_t)(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0])))

int32_t csvc__schema_latest(void)
{
	return N_MIGRATIONS;
}

int csvc__schema_migrate(csvc_store *s, int32_t from_version)
{
	char *errmsg = NULL;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &errmsg);
	sqlite3_free(errmsg);
	if (rc != SQLITE_OK)
		return csvc__sqlite_error(s, rc, "starting the schema migration");

	/* Another connection may have migrated while we waited for the lock. */
	sqlite3_stmt *st = NULL;
	int32_t current = from_version;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		current = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	int err = CSVC_OK;
	for (int32_t v = current; v < N_MIGRATIONS && !err; v++) {
		csvc__log(s, CSVC_LOG_INFO, "applying schema migration %d", (int)(v + 1));
		rc = sqlite3_exec(s->db, MIGRATIONS[v], NULL, NULL, &errmsg);
		if (rc != SQLITE_OK) {
			err = csvc__error_sqlite(csvc__code_from_sqlite(rc), rc, "schema migration %d failed: %s",
			                         (int)(v + 1), errmsg ? errmsg : sqlite3_errstr(rc));
		}
		sqlite3_free(errmsg);
		errmsg = NULL;
	}
	if (!err) {
		char sql[96];
		snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d",
		         CSVC__APPLICATION_ID, (int)N_MIGRATIONS);
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			err = csvc__sqlite_error(s, rc, "recording the schema version");
	}
	if (!err) {
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			err = csvc__sqlite_error(s, rc, "committing the schema migration");
	}
	if (err && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}
