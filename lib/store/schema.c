/*
 * Numbered, forward-only schema migrations. Migration N takes a store from
 * user_version N-1 to N. Published migrations are never edited: a change
 * is always a new migration appended to the list.
 */
#include <stdio.h>

#include "store/store-internal.h"

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
	"CREATE INDEX customer_external_ids_customer ON customer_external_ids(customer_id, position);"
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
	/* Workflows: one row per stored version, never updated. */
	"CREATE TABLE workflows ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL, version INTEGER NOT NULL, initial_state TEXT NOT NULL,"
	"  created_us INTEGER NOT NULL,"
	"  UNIQUE (name, version)"
	");"
	"CREATE TABLE workflow_states ("
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id),"
	"  position INTEGER NOT NULL, name TEXT NOT NULL, category INTEGER NOT NULL,"
	"  label_zh TEXT, label_en TEXT,"
	"  PRIMARY KEY (workflow_id, position)"
	") WITHOUT ROWID;"
	"CREATE TABLE workflow_transitions ("
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id),"
	"  position INTEGER NOT NULL, name TEXT NOT NULL,"
	"  from_state TEXT NOT NULL, to_state TEXT NOT NULL,"
	"  PRIMARY KEY (workflow_id, position)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER workflows_no_update BEFORE UPDATE ON workflows"
	"  BEGIN SELECT RAISE(ABORT, 'stored workflow versions are immutable'); END;";

static const char MIGRATION_3[] =
	"CREATE TABLE ticket_kinds ("
	"  name TEXT PRIMARY KEY, workflow TEXT NOT NULL, label_zh TEXT, label_en TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE ticket_channels ("
	"  name TEXT PRIMARY KEY, label_zh TEXT, label_en TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE priority_matrix ("
	"  urgency INTEGER NOT NULL, importance INTEGER NOT NULL, impact INTEGER NOT NULL,"
	"  priority INTEGER NOT NULL, PRIMARY KEY (urgency, importance, impact)"
	") WITHOUT ROWID;"
	"CREATE TABLE ticket_counters (store_code TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;"
	/* Current fields: derived from ticket_events, kept for indexed reads. */
	"CREATE TABLE tickets ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid BLOB NOT NULL UNIQUE CHECK (length(uuid) = 16),"
	"  number TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL, store_code TEXT NOT NULL,"
	"  customer_id INTEGER REFERENCES customers(id),"
	"  channel TEXT, category TEXT,"
	"  urgency INTEGER NOT NULL, importance INTEGER NOT NULL, impact INTEGER NOT NULL,"
	"  priority INTEGER NOT NULL, priority_override INTEGER NOT NULL,"
	"  assignee TEXT, team TEXT, subject TEXT, description TEXT, order_ref TEXT,"
	"  state TEXT NOT NULL, state_category INTEGER NOT NULL,"
	"  workflow TEXT NOT NULL, workflow_version INTEGER NOT NULL,"
	"  revision INTEGER NOT NULL, created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	"CREATE INDEX tickets_store ON tickets(store_code, state_category);"
	/* Open tickets of a store in creation order: the busiest list. */
	"CREATE INDEX tickets_store_open ON tickets(store_code) WHERE state_category < 5;"
	"CREATE INDEX tickets_category ON tickets(state_category);"
	"CREATE INDEX tickets_assignee ON tickets(assignee, state_category) WHERE assignee IS NOT NULL;"
	"CREATE INDEX tickets_team ON tickets(team, state_category) WHERE team IS NOT NULL;"
	"CREATE INDEX tickets_customer ON tickets(customer_id) WHERE customer_id IS NOT NULL;"
	"CREATE INDEX tickets_kind ON tickets(kind);"
	"CREATE INDEX tickets_channel ON tickets(channel) WHERE channel IS NOT NULL;"
	"CREATE INDEX tickets_priority ON tickets(priority);"
	"CREATE INDEX tickets_created ON tickets(created_us);"
	"CREATE INDEX tickets_updated ON tickets(updated_us);"
	/* The record: one row per change, never updated or deleted. */
	"CREATE TABLE ticket_events ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  seq INTEGER NOT NULL, type TEXT NOT NULL, actor TEXT, at_us INTEGER NOT NULL,"
	"  from_state TEXT, to_state TEXT, payload TEXT,"
	"  UNIQUE (ticket_id, seq)"
	");"
	"CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
	"  BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;"
	"CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events"
	"  BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;"
	"CREATE TABLE ticket_comments ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  kind INTEGER NOT NULL, method TEXT, body TEXT NOT NULL, actor TEXT, at_us INTEGER NOT NULL"
	");"
	"CREATE INDEX ticket_comments_ticket ON ticket_comments(ticket_id);"
	"CREATE TABLE ticket_links ("
	"  a INTEGER NOT NULL REFERENCES tickets(id), b INTEGER NOT NULL REFERENCES tickets(id),"
	"  kind INTEGER NOT NULL, created_us INTEGER NOT NULL,"
	"  PRIMARY KEY (a, b, kind)"
	") WITHOUT ROWID;"
	"CREATE INDEX ticket_links_b ON ticket_links(b);"
	/* rowid = ticket id: subject and description; rowid = -comment id: a comment. */
	"CREATE VIRTUAL TABLE ticket_search USING fts5(body, tokenize = 'trigram');";

static const char MIGRATION_4[] =
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

static const char MIGRATION_5[] =
	/* SLA policies: one row per version, never updated. */
	"CREATE TABLE sla_policy_names (name TEXT PRIMARY KEY, retired INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE sla_policies ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL, version INTEGER NOT NULL, rank INTEGER NOT NULL,"
	"  match_kind TEXT, match_store TEXT, match_channel TEXT, match_category TEXT,"
	"  match_priority INTEGER NOT NULL, match_urgency INTEGER NOT NULL,"
	"  match_class INTEGER NOT NULL, match_tier INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL,"
	"  UNIQUE (name, version)"
	");"
	"CREATE TRIGGER sla_policies_no_update BEFORE UPDATE ON sla_policies"
	"  BEGIN SELECT RAISE(ABORT, 'stored SLA policy versions are immutable'); END;"
	"CREATE TABLE sla_policy_targets ("
	"  policy_id INTEGER NOT NULL REFERENCES sla_policies(id), idx INTEGER NOT NULL,"
	"  name TEXT NOT NULL, duration_us INTEGER NOT NULL,"
	"  calendar INTEGER NOT NULL, calendar_name TEXT,"
	"  met_reply INTEGER NOT NULL, met_categories INTEGER NOT NULL, met_states TEXT NOT NULL,"
	"  pause_categories INTEGER NOT NULL, pause_states TEXT NOT NULL,"
	"  warnings TEXT NOT NULL, recurring INTEGER NOT NULL,"
	"  PRIMARY KEY (policy_id, idx)"
	") WITHOUT ROWID;"
	"CREATE TABLE sla_policy_escalations ("
	"  policy_id INTEGER NOT NULL REFERENCES sla_policies(id),"
	"  target_idx INTEGER NOT NULL, pos INTEGER NOT NULL,"
	"  percent INTEGER NOT NULL, action INTEGER NOT NULL, value INTEGER NOT NULL,"
	"  assignee TEXT, team TEXT, transition TEXT,"
	"  PRIMARY KEY (policy_id, target_idx, pos)"
	") WITHOUT ROWID;"
	/* Each ticket's target clocks, with the policy (current and the one
	 * chosen at creation) it runs under. */
	"CREATE TABLE sla_targets ("
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id), idx INTEGER NOT NULL,"
	"  policy_id INTEGER NOT NULL REFERENCES sla_policies(id),"
	"  initial_policy_id INTEGER NOT NULL REFERENCES sla_policies(id),"
	"  calendar TEXT,"
	"  phase INTEGER NOT NULL, used_us INTEGER NOT NULL, since_us INTEGER NOT NULL,"
	"  met_at INTEGER, met_via_state INTEGER NOT NULL, breached_at INTEGER,"
	"  fired INTEGER NOT NULL, cycle INTEGER NOT NULL,"
	"  due_us INTEGER, next_alarm_us INTEGER, next_pct INTEGER NOT NULL, warned INTEGER NOT NULL,"
	"  PRIMARY KEY (ticket_id, idx)"
	") WITHOUT ROWID;"
	/* Pending alarms: what csvc_sla_advance and next_wakeup read. */
	"CREATE INDEX sla_targets_alarm ON sla_targets(next_alarm_us) WHERE next_alarm_us IS NOT NULL;"
	"CREATE INDEX sla_targets_at_risk ON sla_targets(due_us)"
	"  WHERE phase = 1 AND warned = 1 AND breached_at IS NULL;"
	"CREATE INDEX sla_targets_breached ON sla_targets(breached_at)"
	"  WHERE breached_at IS NOT NULL AND phase IN (1, 2);";

static const char MIGRATION_6[] =
	/* Survey definitions: one row per stored version, never updated. */
	"CREATE TABLE surveys ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL, version INTEGER NOT NULL, title TEXT, anonymous INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL,"
	"  UNIQUE (name, version)"
	");"
	"CREATE TRIGGER surveys_no_update BEFORE UPDATE ON surveys"
	"  BEGIN SELECT RAISE(ABORT, 'stored survey versions are immutable'); END;"
	"CREATE TABLE survey_dimensions ("
	"  survey_id INTEGER NOT NULL REFERENCES surveys(id), position INTEGER NOT NULL,"
	"  name TEXT NOT NULL, weight REAL NOT NULL, label_zh TEXT, label_en TEXT,"
	"  PRIMARY KEY (survey_id, position)"
	") WITHOUT ROWID;"
	/* options: a JSON array of option names (choice questions). */
	"CREATE TABLE survey_questions ("
	"  survey_id INTEGER NOT NULL REFERENCES surveys(id), position INTEGER NOT NULL,"
	"  name TEXT NOT NULL, type INTEGER NOT NULL, dimension TEXT, required INTEGER NOT NULL,"
	"  scale_max INTEGER NOT NULL, options TEXT, label_zh TEXT, label_en TEXT,"
	"  PRIMARY KEY (survey_id, position)"
	") WITHOUT ROWID;"
	/* Single-use invitations: survey_id is the version invited to. */
	"CREATE TABLE survey_invitations ("
	"  id INTEGER PRIMARY KEY,"
	"  token TEXT NOT NULL UNIQUE,"
	"  survey_id INTEGER NOT NULL REFERENCES surveys(id),"
	"  ticket_id INTEGER REFERENCES tickets(id), customer_id INTEGER REFERENCES customers(id),"
	"  store_code TEXT NOT NULL, staff TEXT, channel TEXT, method INTEGER NOT NULL,"
	"  ticket_kind TEXT, ticket_category TEXT,"
	"  created_us INTEGER NOT NULL, expires_us INTEGER NOT NULL, responded_us INTEGER"
	");"
	"CREATE INDEX survey_invitations_ticket ON survey_invitations(ticket_id) WHERE ticket_id IS NOT NULL;"
	"CREATE INDEX survey_invitations_customer ON survey_invitations(customer_id) WHERE customer_id IS NOT NULL;"
	/* Responses: where, how and about what; the ticket's kind and category
	 * as they were when the invitation was made. */
	"CREATE TABLE survey_responses ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid BLOB NOT NULL UNIQUE CHECK (length(uuid) = 16),"
	"  survey_id INTEGER NOT NULL REFERENCES surveys(id),"
	"  invitation_id INTEGER UNIQUE REFERENCES survey_invitations(id),"
	"  ticket_id INTEGER REFERENCES tickets(id), customer_id INTEGER REFERENCES customers(id),"
	"  store_code TEXT NOT NULL, staff TEXT, channel TEXT, method INTEGER NOT NULL,"
	"  ticket_kind TEXT, ticket_category TEXT,"
	"  submitted_us INTEGER NOT NULL"
	");"
	"CREATE INDEX survey_responses_store ON survey_responses(store_code, submitted_us);"
	"CREATE INDEX survey_responses_time ON survey_responses(submitted_us);"
	"CREATE INDEX survey_responses_ticket ON survey_responses(ticket_id) WHERE ticket_id IS NOT NULL;"
	"CREATE INDEX survey_responses_customer ON survey_responses(customer_id) WHERE customer_id IS NOT NULL;"
	/* value: score, yes/no (0/1) or SERVQUAL expectation; value2: SERVQUAL
	 * perception; text: choice option or free text. */
	"CREATE TABLE survey_answers ("
	"  response_id INTEGER NOT NULL REFERENCES survey_responses(id), position INTEGER NOT NULL,"
	"  value INTEGER, value2 INTEGER, text TEXT,"
	"  PRIMARY KEY (response_id, position)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers"
	"  BEGIN SELECT RAISE(ABORT, 'survey answers are never changed'); END;"
	"CREATE TRIGGER survey_answers_no_delete BEFORE DELETE ON survey_answers"
	"  BEGIN SELECT RAISE(ABORT, 'survey answers are never deleted'); END;"
	/* Daily transaction counts per store (local date YYYYMMDD), for the
	 * complaint rate. */
	"CREATE TABLE store_transactions ("
	"  store_code TEXT NOT NULL, day INTEGER NOT NULL, count INTEGER NOT NULL,"
	"  PRIMARY KEY (store_code, day)"
	") WITHOUT ROWID;"
	/* Reports: one store's tickets created in a period. */
	"CREATE INDEX tickets_store_created ON tickets(store_code, created_us);";

static const char MIGRATION_7[] =
	/* Erasures waiting for their scrub (csvc_customer_scrub): at most one
	 * row, the instant of the oldest erasure not yet scrubbed. */
	"CREATE TABLE customer_scrub ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1), since_us INTEGER NOT NULL"
	");"
	/* Earlier versions optimized the search index after every erasure,
	 * and SQLite 3.40's FTS5 adds a level to the index structure at each
	 * optimize, until the table can no longer even be opened. The index
	 * is derived data: replace it with an empty one (the shadow tables of
	 * a fresh FTS5 table) and rebuild it from the stored text. Writing
	 * shadow tables needs this migration to run with defensive mode off. */
	"CREATE VIRTUAL TABLE temp.customer_search_blank USING fts5(x, tokenize = 'trigram');"
	"DELETE FROM main.customer_search_data;"
	"INSERT INTO main.customer_search_data SELECT * FROM temp.customer_search_blank_data;"
	"DELETE FROM main.customer_search_idx;"
	"DROP TABLE temp.customer_search_blank;"
	"INSERT INTO customer_search (customer_search) VALUES ('rebuild');";

static const char MIGRATION_8[] =
	/* Why a clock counts wall-clock time instead of its calendar (the
	 * calendar could not be loaded); NULL when it counts as it should. */
	"ALTER TABLE sla_targets ADD COLUMN fault TEXT;"
	/* A calendar that an SLA policy in force names, or that an open
	 * ticket's clock counts on, cannot be deleted (the message is matched
	 * by calendar-sql.c). */
	"CREATE TRIGGER calendars_in_use_by_sla BEFORE DELETE ON calendars"
	"  WHEN EXISTS (SELECT 1 FROM sla_policy_targets d"
	"               JOIN sla_policies p ON p.id = d.policy_id"
	"               JOIN sla_policy_names n ON n.name = p.name AND n.retired = 0"
	"               WHERE d.calendar_name = OLD.name"
	"                 AND p.version = (SELECT max(version) FROM sla_policies q WHERE q.name = p.name))"
	"    OR EXISTS (SELECT 1 FROM sla_targets c WHERE c.calendar = OLD.name AND c.phase IN (0, 1, 2))"
	"  BEGIN SELECT RAISE(ABORT, 'calendar in use by SLA'); END;";
/* Time zones. zone_data keeps the TZif data of every zone a saved calendar or a store
 * zone uses, captured when it is saved or supplied by the host
 * (csvc_calendar_add_zone), so that a store moved to a device without a
 * zoneinfo directory still loads its calendars. store_zones holds the
 * time zone of retail store codes without a calendar, for report periods;
 * the row with the empty store code (never a valid code) is the
 * store-wide default. */
static const char MIGRATION_9[] =
	"CREATE TABLE zone_data ("
	"  name TEXT PRIMARY KEY,"
	"  tzif BLOB NOT NULL,"
	"  saved_us INTEGER NOT NULL"
	");"
	"CREATE TABLE store_zones ("
	"  store_code TEXT PRIMARY KEY,"
	"  zone TEXT NOT NULL,"
	"  set_us INTEGER NOT NULL"
	") WITHOUT ROWID;";

static const char MIGRATION_10[] =
	/* Each erasure counts up the scrub marker, so that a scrub clears it
	 * only when no erasure committed since the scrub read it. */
	"ALTER TABLE customer_scrub ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;";

/* The change feed (docs/feed.md). `feed` is narrow so that appends stay
 * cheap: one row per run of `count` entries of one transaction whose
 * source rows are consecutive, with the run's first position, the first
 * entry's event id (a version 4 UUID as two big-endian halves; entry k of
 * the run adds k to the low 62 bits), where the fields are read (1
 * ticket_events, 2 customer_events, 3 feed_records) and the first source
 * row's id. No secondary index: entries are read by position. feed_records keeps the changes
 * that have no event table of their own (survey invitations and
 * responses, definition changes); feed_consumers the named cursors.
 * Existing history is backfilled in the best order known: event time,
 * then source, then id; backfilled ids come from random() with the
 * version and variant bits set. */
static const char MIGRATION_11[] =
	"CREATE TABLE feed ("
	"  pos INTEGER PRIMARY KEY,"
	"  id_hi INTEGER NOT NULL, id_lo INTEGER NOT NULL,"
	"  source INTEGER NOT NULL, row_id INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE TRIGGER feed_no_update BEFORE UPDATE ON feed"
	"  BEGIN SELECT RAISE(ABORT, 'the feed is append-only'); END;"
	"CREATE TRIGGER feed_no_delete BEFORE DELETE ON feed"
	"  BEGIN SELECT RAISE(ABORT, 'the feed is append-only'); END;"
	"CREATE TABLE feed_records ("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL, subject_kind TEXT NOT NULL, subject BLOB, reference TEXT,"
	"  actor TEXT, at_us INTEGER NOT NULL, payload TEXT"
	");"
	"CREATE TRIGGER feed_records_no_update BEFORE UPDATE ON feed_records"
	"  BEGIN SELECT RAISE(ABORT, 'feed records are append-only'); END;"
	"CREATE TRIGGER feed_records_no_delete BEFORE DELETE ON feed_records"
	"  BEGIN SELECT RAISE(ABORT, 'feed records are append-only'); END;"
	"CREATE TABLE feed_consumers ("
	"  name TEXT PRIMARY KEY, pos INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	") WITHOUT ROWID;"
	/* History without an event table: definition versions, calendars as
	 * last saved, survey invitations and responses. */
	"INSERT INTO feed_records (type, subject_kind, subject, reference, actor, at_us, payload)"
	"  SELECT type, subject_kind, subject, reference, actor, at_us, payload FROM ("
	"    SELECT 'workflow_saved' AS type, 'definition' AS subject_kind, NULL AS subject, name AS reference,"
	"           NULL AS actor, created_us AS at_us,"
	"           json_object('kind', 'workflow', 'version', version) AS payload, 1 AS src, id FROM workflows"
	"    UNION ALL SELECT 'sla_policy_saved', 'definition', NULL, name, NULL, created_us,"
	"           json_object('kind', 'sla_policy', 'version', version), 2, id FROM sla_policies"
	"    UNION ALL SELECT 'survey_saved', 'definition', NULL, name, NULL, created_us,"
	"           json_object('kind', 'survey', 'version', version), 3, id FROM surveys"
	"    UNION ALL SELECT 'calendar_saved', 'definition', NULL, name, NULL, updated_us,"
	"           json_object('kind', 'calendar'), 4, id FROM calendars"
	"    UNION ALL SELECT 'invited', 'survey', NULL, s.name, i.staff, i.created_us,"
	"           json_object('survey', s.name, 'version', s.version,"
	"                       'ticket', lower(substr(hex(t.uuid), 1, 8) || '-' || substr(hex(t.uuid), 9, 4) || '-' || substr(hex(t.uuid), 13, 4) || '-' || substr(hex(t.uuid), 17, 4) || '-' || substr(hex(t.uuid), 21)), 'ticket_number', t.number,"
	"                       'customer', lower(substr(hex(c.uuid), 1, 8) || '-' || substr(hex(c.uuid), 9, 4) || '-' || substr(hex(c.uuid), 13, 4) || '-' || substr(hex(c.uuid), 17, 4) || '-' || substr(hex(c.uuid), 21)), 'store_code', i.store_code,"
	"                       'channel', i.channel, 'method', i.method, 'expires_at', i.expires_us), 5, i.id"
	"      FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id"
	"      LEFT JOIN tickets t ON t.id = i.ticket_id LEFT JOIN customers c ON c.id = i.customer_id"
	"    UNION ALL SELECT 'responded', 'survey', r.uuid, s.name, r.staff, r.submitted_us,"
	"           json_object('survey', s.name, 'version', s.version,"
	"                       'ticket', lower(substr(hex(t.uuid), 1, 8) || '-' || substr(hex(t.uuid), 9, 4) || '-' || substr(hex(t.uuid), 13, 4) || '-' || substr(hex(t.uuid), 17, 4) || '-' || substr(hex(t.uuid), 21)), 'ticket_number', t.number,"
	"                       'customer', lower(substr(hex(c.uuid), 1, 8) || '-' || substr(hex(c.uuid), 9, 4) || '-' || substr(hex(c.uuid), 13, 4) || '-' || substr(hex(c.uuid), 17, 4) || '-' || substr(hex(c.uuid), 21)), 'store_code', r.store_code,"
	"                       'channel', r.channel, 'method', r.method), 6, r.id"
	"      FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
	"      LEFT JOIN tickets t ON t.id = r.ticket_id LEFT JOIN customers c ON c.id = r.customer_id"
	"  ) ORDER BY at_us, src, id;"
	"INSERT INTO feed (id_hi, id_lo, source, row_id)"
	"  SELECT (random() & -61441) | 16384, (random() & 4611686018427387903) | (1 << 63), src, id FROM ("
	"    SELECT at_us, 1 AS src, id FROM ticket_events"
	"    UNION ALL SELECT at_us, 2, id FROM customer_events"
	"    UNION ALL SELECT at_us, 3, id FROM feed_records"
	"  ) ORDER BY at_us, src, id;";

/* ---- PostgreSQL ----
 *
 * The same logical schema in PostgreSQL's words, migration by migration
 * (a store on PostgreSQL is always created by this library, from version
 * 0, so these texts have no history to repair):
 *
 * - INTEGER columns are BIGINT (times in microseconds, row ids), REAL is
 *   DOUBLE PRECISION, BLOB is BYTEA with the same length checks;
 * - an `id INTEGER PRIMARY KEY` that SQLite fills in is an identity
 *   column (GENERATED BY DEFAULT, so that an id can still be given);
 *   inserts read it back with RETURNING id (CSVC__SQL_INSERT_ID);
 * - WITHOUT ROWID tables are plain tables with the same primary key;
 * - RAISE(ABORT, msg) triggers call csvc_refuse(msg), which raises
 *   restrict_violation (SQLSTATE 23001: CSVC_EEXISTS, as SQLite's
 *   constraint error); the append-only tables refuse TRUNCATE too;
 * - the FTS5 trigram tables are plain tables with the same columns
 *   (`rowid` included, so that the statements writing them are shared)
 *   and a pg_trgm GIN index over the searched text: the builders search
 *   them with ILIKE, which the index serves for 3 or more characters;
 * - csvc_json_valid(text) stands in for SQLite's json_valid().
 */
static const char PG_MIGRATION_1[] =
	"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;"
	"CREATE FUNCTION csvc_refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
	"  RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation';"
	"END$$;"
	"CREATE FUNCTION csvc_json_valid(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$BEGIN"
	"  IF t IS NULL THEN RETURN NULL; END IF;"
	"  PERFORM t::json; RETURN true;"
	"EXCEPTION WHEN others THEN RETURN false;"
	"END$$;"
	"CREATE TABLE customers ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  uuid BYTEA NOT NULL UNIQUE CHECK (octet_length(uuid) = 16),"
	"  name TEXT, address TEXT, birthday BIGINT, notes TEXT, home_store TEXT,"
	"  class BIGINT NOT NULL, tier BIGINT NOT NULL, lifecycle BIGINT NOT NULL,"
	"  revision BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL,"
	"  merged_into BIGINT REFERENCES customers(id),"
	"  erased_us BIGINT"
	");"
	"CREATE INDEX customers_created ON customers(created_us);"
	"CREATE INDEX customers_updated ON customers(updated_us);"
	"CREATE INDEX customers_home_store ON customers(home_store) WHERE home_store IS NOT NULL;"
	"CREATE INDEX customers_class ON customers(class);"
	"CREATE INDEX customers_merged_into ON customers(merged_into) WHERE merged_into IS NOT NULL;"
	"CREATE TABLE customer_contacts ("
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  kind BIGINT NOT NULL, position BIGINT NOT NULL,"
	"  value TEXT NOT NULL, norm TEXT NOT NULL,"
	"  PRIMARY KEY (customer_id, kind, position)"
	");"
	"CREATE INDEX customer_contacts_norm ON customer_contacts(kind, norm);"
	"CREATE TABLE customer_tags ("
	"  customer_id BIGINT NOT NULL REFERENCES customers(id), tag TEXT NOT NULL,"
	"  PRIMARY KEY (customer_id, tag)"
	");"
	"CREATE INDEX customer_tags_tag ON customer_tags(tag);"
	"CREATE TABLE customer_attributes ("
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  key TEXT NOT NULL, value TEXT NOT NULL,"
	"  PRIMARY KEY (customer_id, key)"
	");"
	"CREATE TABLE customer_external_ids ("
	"  kind TEXT NOT NULL, value TEXT NOT NULL,"
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  position BIGINT NOT NULL,"
	"  PRIMARY KEY (kind, value)"
	");"
	"CREATE INDEX customer_external_ids_customer ON customer_external_ids(customer_id, position);"
	"CREATE TABLE customer_lifecycle ("
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  seq BIGINT NOT NULL, stage BIGINT NOT NULL, at_us BIGINT NOT NULL,"
	"  PRIMARY KEY (customer_id, seq)"
	");"
	"CREATE TABLE customer_events ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  type TEXT NOT NULL, actor TEXT, at_us BIGINT NOT NULL, payload TEXT"
	");"
	"CREATE INDEX customer_events_customer ON customer_events(customer_id);"
	"CREATE TRIGGER customer_events_no_update BEFORE UPDATE ON customer_events"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('customer events are append-only');"
	"CREATE TRIGGER customer_events_no_delete BEFORE DELETE ON customer_events"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('customer events are append-only');"
	"CREATE TRIGGER customer_events_no_truncate BEFORE TRUNCATE ON customer_events"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('customer events are append-only');"
	/* Substring search (CJK included): rowid = customers.id. */
	"CREATE TABLE customer_search ("
	"  rowid BIGINT PRIMARY KEY, name TEXT, phones TEXT, emails TEXT, notes TEXT"
	");"
	"CREATE INDEX customer_search_trgm ON customer_search USING gin"
	"  (name gin_trgm_ops, phones gin_trgm_ops, emails gin_trgm_ops, notes gin_trgm_ops);";

static const char PG_MIGRATION_2[] =
	"CREATE TABLE workflows ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  name TEXT NOT NULL, version BIGINT NOT NULL, initial_state TEXT NOT NULL,"
	"  created_us BIGINT NOT NULL,"
	"  UNIQUE (name, version)"
	");"
	"CREATE TABLE workflow_states ("
	"  workflow_id BIGINT NOT NULL REFERENCES workflows(id),"
	"  position BIGINT NOT NULL, name TEXT NOT NULL, category BIGINT NOT NULL,"
	"  label_zh TEXT, label_en TEXT,"
	"  PRIMARY KEY (workflow_id, position)"
	");"
	"CREATE TABLE workflow_transitions ("
	"  workflow_id BIGINT NOT NULL REFERENCES workflows(id),"
	"  position BIGINT NOT NULL, name TEXT NOT NULL,"
	"  from_state TEXT NOT NULL, to_state TEXT NOT NULL,"
	"  PRIMARY KEY (workflow_id, position)"
	");"
	"CREATE TRIGGER workflows_no_update BEFORE UPDATE ON workflows"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('stored workflow versions are immutable');";

static const char PG_MIGRATION_3[] =
	"CREATE TABLE ticket_kinds ("
	"  name TEXT PRIMARY KEY, workflow TEXT NOT NULL, label_zh TEXT, label_en TEXT"
	");"
	"CREATE TABLE ticket_channels ("
	"  name TEXT PRIMARY KEY, label_zh TEXT, label_en TEXT"
	");"
	"CREATE TABLE priority_matrix ("
	"  urgency BIGINT NOT NULL, importance BIGINT NOT NULL, impact BIGINT NOT NULL,"
	"  priority BIGINT NOT NULL, PRIMARY KEY (urgency, importance, impact)"
	");"
	"CREATE TABLE ticket_counters (store_code TEXT PRIMARY KEY, last BIGINT NOT NULL);"
	"CREATE TABLE tickets ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  uuid BYTEA NOT NULL UNIQUE CHECK (octet_length(uuid) = 16),"
	"  number TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL, store_code TEXT NOT NULL,"
	"  customer_id BIGINT REFERENCES customers(id),"
	"  channel TEXT, category TEXT,"
	"  urgency BIGINT NOT NULL, importance BIGINT NOT NULL, impact BIGINT NOT NULL,"
	"  priority BIGINT NOT NULL, priority_override BIGINT NOT NULL,"
	"  assignee TEXT, team TEXT, subject TEXT, description TEXT, order_ref TEXT,"
	"  state TEXT NOT NULL, state_category BIGINT NOT NULL,"
	"  workflow TEXT NOT NULL, workflow_version BIGINT NOT NULL,"
	"  revision BIGINT NOT NULL, created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"CREATE INDEX tickets_store ON tickets(store_code, state_category);"
	"CREATE INDEX tickets_store_open ON tickets(store_code) WHERE state_category < 5;"
	"CREATE INDEX tickets_category ON tickets(state_category);"
	"CREATE INDEX tickets_assignee ON tickets(assignee, state_category) WHERE assignee IS NOT NULL;"
	"CREATE INDEX tickets_team ON tickets(team, state_category) WHERE team IS NOT NULL;"
	"CREATE INDEX tickets_customer ON tickets(customer_id) WHERE customer_id IS NOT NULL;"
	"CREATE INDEX tickets_kind ON tickets(kind);"
	"CREATE INDEX tickets_channel ON tickets(channel) WHERE channel IS NOT NULL;"
	"CREATE INDEX tickets_priority ON tickets(priority);"
	"CREATE INDEX tickets_created ON tickets(created_us);"
	"CREATE INDEX tickets_updated ON tickets(updated_us);"
	"CREATE TABLE ticket_events ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  ticket_id BIGINT NOT NULL REFERENCES tickets(id),"
	"  seq BIGINT NOT NULL, type TEXT NOT NULL, actor TEXT, at_us BIGINT NOT NULL,"
	"  from_state TEXT, to_state TEXT, payload TEXT,"
	"  UNIQUE (ticket_id, seq)"
	");"
	"CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('ticket events are append-only');"
	"CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('ticket events are append-only');"
	"CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('ticket events are append-only');"
	"CREATE TABLE ticket_comments ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  ticket_id BIGINT NOT NULL REFERENCES tickets(id),"
	"  kind BIGINT NOT NULL, method TEXT, body TEXT NOT NULL, actor TEXT, at_us BIGINT NOT NULL"
	");"
	"CREATE INDEX ticket_comments_ticket ON ticket_comments(ticket_id);"
	"CREATE TABLE ticket_links ("
	"  a BIGINT NOT NULL REFERENCES tickets(id), b BIGINT NOT NULL REFERENCES tickets(id),"
	"  kind BIGINT NOT NULL, created_us BIGINT NOT NULL,"
	"  PRIMARY KEY (a, b, kind)"
	");"
	"CREATE INDEX ticket_links_b ON ticket_links(b);"
	/* rowid = ticket id: subject and description; rowid = -comment id: a comment. */
	"CREATE TABLE ticket_search (rowid BIGINT PRIMARY KEY, body TEXT);"
	"CREATE INDEX ticket_search_trgm ON ticket_search USING gin (body gin_trgm_ops);";

static const char PG_MIGRATION_4[] =
	"CREATE TABLE calendars ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  uuid BYTEA NOT NULL UNIQUE CHECK (octet_length(uuid) = 16),"
	"  name TEXT NOT NULL UNIQUE,"
	"  spec TEXT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"CREATE TABLE store_calendars ("
	"  store_code TEXT PRIMARY KEY,"
	"  calendar_id BIGINT NOT NULL REFERENCES calendars(id),"
	"  attached_us BIGINT NOT NULL"
	");"
	"CREATE INDEX store_calendars_calendar ON store_calendars(calendar_id);";

static const char PG_MIGRATION_5[] =
	"CREATE TABLE sla_policy_names (name TEXT PRIMARY KEY, retired BIGINT NOT NULL);"
	"CREATE TABLE sla_policies ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  name TEXT NOT NULL, version BIGINT NOT NULL, rank BIGINT NOT NULL,"
	"  match_kind TEXT, match_store TEXT, match_channel TEXT, match_category TEXT,"
	"  match_priority BIGINT NOT NULL, match_urgency BIGINT NOT NULL,"
	"  match_class BIGINT NOT NULL, match_tier BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL,"
	"  UNIQUE (name, version)"
	");"
	"CREATE TRIGGER sla_policies_no_update BEFORE UPDATE ON sla_policies"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('stored SLA policy versions are immutable');"
	"CREATE TABLE sla_policy_targets ("
	"  policy_id BIGINT NOT NULL REFERENCES sla_policies(id), idx BIGINT NOT NULL,"
	"  name TEXT NOT NULL, duration_us BIGINT NOT NULL,"
	"  calendar BIGINT NOT NULL, calendar_name TEXT,"
	"  met_reply BIGINT NOT NULL, met_categories BIGINT NOT NULL, met_states TEXT NOT NULL,"
	"  pause_categories BIGINT NOT NULL, pause_states TEXT NOT NULL,"
	"  warnings TEXT NOT NULL, recurring BIGINT NOT NULL,"
	"  PRIMARY KEY (policy_id, idx)"
	");"
	"CREATE TABLE sla_policy_escalations ("
	"  policy_id BIGINT NOT NULL REFERENCES sla_policies(id),"
	"  target_idx BIGINT NOT NULL, pos BIGINT NOT NULL,"
	"  percent BIGINT NOT NULL, action BIGINT NOT NULL, value BIGINT NOT NULL,"
	"  assignee TEXT, team TEXT, transition TEXT,"
	"  PRIMARY KEY (policy_id, target_idx, pos)"
	");"
	"CREATE TABLE sla_targets ("
	"  ticket_id BIGINT NOT NULL REFERENCES tickets(id), idx BIGINT NOT NULL,"
	"  policy_id BIGINT NOT NULL REFERENCES sla_policies(id),"
	"  initial_policy_id BIGINT NOT NULL REFERENCES sla_policies(id),"
	"  calendar TEXT,"
	"  phase BIGINT NOT NULL, used_us BIGINT NOT NULL, since_us BIGINT NOT NULL,"
	"  met_at BIGINT, met_via_state BIGINT NOT NULL, breached_at BIGINT,"
	"  fired BIGINT NOT NULL, cycle BIGINT NOT NULL,"
	"  due_us BIGINT, next_alarm_us BIGINT, next_pct BIGINT NOT NULL, warned BIGINT NOT NULL,"
	"  PRIMARY KEY (ticket_id, idx)"
	");"
	"CREATE INDEX sla_targets_alarm ON sla_targets(next_alarm_us) WHERE next_alarm_us IS NOT NULL;"
	"CREATE INDEX sla_targets_at_risk ON sla_targets(due_us)"
	"  WHERE phase = 1 AND warned = 1 AND breached_at IS NULL;"
	"CREATE INDEX sla_targets_breached ON sla_targets(breached_at)"
	"  WHERE breached_at IS NOT NULL AND phase IN (1, 2);";

static const char PG_MIGRATION_6[] =
	"CREATE TABLE surveys ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  name TEXT NOT NULL, version BIGINT NOT NULL, title TEXT, anonymous BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL,"
	"  UNIQUE (name, version)"
	");"
	"CREATE TRIGGER surveys_no_update BEFORE UPDATE ON surveys"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('stored survey versions are immutable');"
	"CREATE TABLE survey_dimensions ("
	"  survey_id BIGINT NOT NULL REFERENCES surveys(id), position BIGINT NOT NULL,"
	"  name TEXT NOT NULL, weight DOUBLE PRECISION NOT NULL, label_zh TEXT, label_en TEXT,"
	"  PRIMARY KEY (survey_id, position)"
	");"
	"CREATE TABLE survey_questions ("
	"  survey_id BIGINT NOT NULL REFERENCES surveys(id), position BIGINT NOT NULL,"
	"  name TEXT NOT NULL, type BIGINT NOT NULL, dimension TEXT, required BIGINT NOT NULL,"
	"  scale_max BIGINT NOT NULL, options TEXT, label_zh TEXT, label_en TEXT,"
	"  PRIMARY KEY (survey_id, position)"
	");"
	"CREATE TABLE survey_invitations ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  token TEXT NOT NULL UNIQUE,"
	"  survey_id BIGINT NOT NULL REFERENCES surveys(id),"
	"  ticket_id BIGINT REFERENCES tickets(id), customer_id BIGINT REFERENCES customers(id),"
	"  store_code TEXT NOT NULL, staff TEXT, channel TEXT, method BIGINT NOT NULL,"
	"  ticket_kind TEXT, ticket_category TEXT,"
	"  created_us BIGINT NOT NULL, expires_us BIGINT NOT NULL, responded_us BIGINT"
	");"
	"CREATE INDEX survey_invitations_ticket ON survey_invitations(ticket_id) WHERE ticket_id IS NOT NULL;"
	"CREATE INDEX survey_invitations_customer ON survey_invitations(customer_id) WHERE customer_id IS NOT NULL;"
	"CREATE TABLE survey_responses ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  uuid BYTEA NOT NULL UNIQUE CHECK (octet_length(uuid) = 16),"
	"  survey_id BIGINT NOT NULL REFERENCES surveys(id),"
	"  invitation_id BIGINT UNIQUE REFERENCES survey_invitations(id),"
	"  ticket_id BIGINT REFERENCES tickets(id), customer_id BIGINT REFERENCES customers(id),"
	"  store_code TEXT NOT NULL, staff TEXT, channel TEXT, method BIGINT NOT NULL,"
	"  ticket_kind TEXT, ticket_category TEXT,"
	"  submitted_us BIGINT NOT NULL"
	");"
	"CREATE INDEX survey_responses_store ON survey_responses(store_code, submitted_us);"
	"CREATE INDEX survey_responses_time ON survey_responses(submitted_us);"
	"CREATE INDEX survey_responses_ticket ON survey_responses(ticket_id) WHERE ticket_id IS NOT NULL;"
	"CREATE INDEX survey_responses_customer ON survey_responses(customer_id) WHERE customer_id IS NOT NULL;"
	"CREATE TABLE survey_answers ("
	"  response_id BIGINT NOT NULL REFERENCES survey_responses(id), position BIGINT NOT NULL,"
	"  value BIGINT, value2 BIGINT, text TEXT,"
	"  PRIMARY KEY (response_id, position)"
	");"
	"CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('survey answers are never changed');"
	"CREATE TRIGGER survey_answers_no_delete BEFORE DELETE ON survey_answers"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('survey answers are never deleted');"
	"CREATE TRIGGER survey_answers_no_truncate BEFORE TRUNCATE ON survey_answers"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('survey answers are never deleted');"
	"CREATE TABLE store_transactions ("
	"  store_code TEXT NOT NULL, day BIGINT NOT NULL, count BIGINT NOT NULL,"
	"  PRIMARY KEY (store_code, day)"
	");"
	"CREATE INDEX tickets_store_created ON tickets(store_code, created_us);";

/* Migration 7's index repair is SQLite's alone: only the scrub marker. */
static const char PG_MIGRATION_7[] =
	"CREATE TABLE customer_scrub ("
	"  id BIGINT PRIMARY KEY CHECK (id = 1), since_us BIGINT NOT NULL"
	");";

/* A trigger's WHEN cannot hold a subquery on PostgreSQL: the condition
 * is in the trigger function. */
static const char PG_MIGRATION_8[] =
	"ALTER TABLE sla_targets ADD COLUMN fault TEXT;"
	"CREATE FUNCTION csvc_calendar_in_use() RETURNS trigger LANGUAGE plpgsql"
	"  SET search_path FROM CURRENT AS $$BEGIN"
	"  IF EXISTS (SELECT 1 FROM sla_policy_targets d"
	"             JOIN sla_policies p ON p.id = d.policy_id"
	"             JOIN sla_policy_names n ON n.name = p.name AND n.retired = 0"
	"             WHERE d.calendar_name = OLD.name"
	"               AND p.version = (SELECT max(version) FROM sla_policies q WHERE q.name = p.name))"
	"     OR EXISTS (SELECT 1 FROM sla_targets c WHERE c.calendar = OLD.name AND c.phase IN (0, 1, 2)) THEN"
	"    RAISE EXCEPTION USING MESSAGE = 'calendar in use by SLA', ERRCODE = 'restrict_violation';"
	"  END IF;"
	"  RETURN OLD;"
	"END$$;"
	"CREATE TRIGGER calendars_in_use_by_sla BEFORE DELETE ON calendars"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_calendar_in_use();";

static const char PG_MIGRATION_9[] =
	"CREATE TABLE zone_data ("
	"  name TEXT PRIMARY KEY,"
	"  tzif BYTEA NOT NULL,"
	"  saved_us BIGINT NOT NULL"
	");"
	"CREATE TABLE store_zones ("
	"  store_code TEXT PRIMARY KEY,"
	"  zone TEXT NOT NULL,"
	"  set_us BIGINT NOT NULL"
	");";

static const char PG_MIGRATION_10[] =
	"ALTER TABLE customer_scrub ADD COLUMN gen BIGINT NOT NULL DEFAULT 0;";

/* The backfill as SQLite's: payloads from json_build_object (the same
 * members; PostgreSQL spaces its JSON text differently), UUIDs through
 * the uuid type's text, the event ids from gen_random_uuid() (a version
 * 4 UUID already), the positions numbered in the backfill's order. */
#define PG_UUID_TEXT(col) "CAST(encode(" col ", 'hex') AS uuid)::text"
static const char PG_MIGRATION_11[] =
	"CREATE TABLE feed ("
	"  pos BIGINT PRIMARY KEY,"
	"  id_hi BIGINT NOT NULL, id_lo BIGINT NOT NULL,"
	"  source BIGINT NOT NULL, row_id BIGINT NOT NULL, count BIGINT NOT NULL DEFAULT 1"
	");"
	"CREATE TRIGGER feed_no_update BEFORE UPDATE ON feed"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('the feed is append-only');"
	"CREATE TRIGGER feed_no_delete BEFORE DELETE ON feed"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('the feed is append-only');"
	"CREATE TRIGGER feed_no_truncate BEFORE TRUNCATE ON feed"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('the feed is append-only');"
	"CREATE TABLE feed_records ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  type TEXT NOT NULL, subject_kind TEXT NOT NULL, subject BYTEA, reference TEXT,"
	"  actor TEXT, at_us BIGINT NOT NULL, payload TEXT"
	");"
	"CREATE TRIGGER feed_records_no_update BEFORE UPDATE ON feed_records"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('feed records are append-only');"
	"CREATE TRIGGER feed_records_no_delete BEFORE DELETE ON feed_records"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('feed records are append-only');"
	"CREATE TRIGGER feed_records_no_truncate BEFORE TRUNCATE ON feed_records"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('feed records are append-only');"
	"CREATE TABLE feed_consumers ("
	"  name TEXT PRIMARY KEY, pos BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"INSERT INTO feed_records (type, subject_kind, subject, reference, actor, at_us, payload)"
	"  SELECT type, subject_kind, subject, reference, actor, at_us, payload FROM ("
	"    SELECT 'workflow_saved' AS type, 'definition' AS subject_kind, NULL::bytea AS subject,"
	"           name AS reference, NULL::text AS actor, created_us AS at_us,"
	"           json_build_object('kind', 'workflow', 'version', version)::text AS payload, 1 AS src, id"
	"      FROM workflows"
	"    UNION ALL SELECT 'sla_policy_saved', 'definition', NULL, name, NULL, created_us,"
	"           json_build_object('kind', 'sla_policy', 'version', version)::text, 2, id FROM sla_policies"
	"    UNION ALL SELECT 'survey_saved', 'definition', NULL, name, NULL, created_us,"
	"           json_build_object('kind', 'survey', 'version', version)::text, 3, id FROM surveys"
	"    UNION ALL SELECT 'calendar_saved', 'definition', NULL, name, NULL, updated_us,"
	"           json_build_object('kind', 'calendar')::text, 4, id FROM calendars"
	"    UNION ALL SELECT 'invited', 'survey', NULL, s.name, i.staff, i.created_us,"
	"           json_build_object('survey', s.name, 'version', s.version,"
	"                             'ticket', " PG_UUID_TEXT("t.uuid") ", 'ticket_number', t.number,"
	"                             'customer', " PG_UUID_TEXT("c.uuid") ", 'store_code', i.store_code,"
	"                             'channel', i.channel, 'method', i.method, 'expires_at', i.expires_us)::text,"
	"           5, i.id"
	"      FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id"
	"      LEFT JOIN tickets t ON t.id = i.ticket_id LEFT JOIN customers c ON c.id = i.customer_id"
	"    UNION ALL SELECT 'responded', 'survey', r.uuid, s.name, r.staff, r.submitted_us,"
	"           json_build_object('survey', s.name, 'version', s.version,"
	"                             'ticket', " PG_UUID_TEXT("t.uuid") ", 'ticket_number', t.number,"
	"                             'customer', " PG_UUID_TEXT("c.uuid") ", 'store_code', r.store_code,"
	"                             'channel', r.channel, 'method', r.method)::text,"
	"           6, r.id"
	"      FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
	"      LEFT JOIN tickets t ON t.id = r.ticket_id LEFT JOIN customers c ON c.id = r.customer_id"
	"  ) h ORDER BY at_us, src, id;"
	"INSERT INTO feed (pos, id_hi, id_lo, source, row_id)"
	"  SELECT row_number() OVER (ORDER BY at_us, src, id),"
	"         ('x' || substr(u, 1, 16))::bit(64)::bigint, ('x' || substr(u, 17, 16))::bit(64)::bigint, src, id"
	"  FROM (SELECT at_us, src, id, replace(gen_random_uuid()::text, '-', '') AS u FROM ("
	"    SELECT at_us, 1 AS src, id FROM ticket_events"
	"    UNION ALL SELECT at_us, 2, id FROM customer_events"
	"    UNION ALL SELECT at_us, 3, id FROM feed_records"
	"  ) e) h;";

/* Migration 12, on PostgreSQL: the id of the transaction that created each
 * customer and ticket, since ids are not handed out in commit order there:
 * an iterator keeps the rows its starting snapshot saw (csvc__cursor_until
 * in store/cursor.h); and the id in the index of a store's open tickets.
 * SQLite takes ids under its write lock and keeps the rowid in every
 * index: its text changes nothing. */
static const char MIGRATION_12[] = "-- (PostgreSQL only: creating transactions of customers and tickets)";
static const char PG_MIGRATION_12[] =
	"ALTER TABLE customers ADD COLUMN created_xid xid8 NOT NULL DEFAULT pg_current_xact_id();"
	"ALTER TABLE tickets ADD COLUMN created_xid xid8 NOT NULL DEFAULT pg_current_xact_id();"
	/* A store's open tickets page by id (keyset): SQLite's index holds the
	 * rowid, PostgreSQL's must name it, or every page sorts all of them. */
	"DROP INDEX tickets_store_open;"
	"CREATE INDEX tickets_store_open ON tickets(store_code, id) WHERE state_category < 5;";

/* Migration 13, on PostgreSQL: the update time in the index of a store's
 * tickets by creation time (below); and the state category a ticket
 * event's payload sets, as a column the server fills from the payload as
 * the event is written (the table is rewritten once). Reports read it instead of
 * parsing each payload, which with PL/pgSQL's csvc_json_valid(), a
 * subtransaction per call, took half the time of a month's report; and a
 * payload that is not JSON is refused as it is written. SQLite's reports
 * check each payload as they read it (json_valid) and report a damaged
 * one as CSVC_ECORRUPT: its text changes nothing. */
static const char MIGRATION_13[] = "-- (PostgreSQL only: the state category of ticket events as a column, an index for reports)";
static const char PG_MIGRATION_13[] =
	"ALTER TABLE ticket_events ADD COLUMN to_category BIGINT"
	"  GENERATED ALWAYS AS ((payload::json #>> '{set,state_category}')::bigint) STORED;"
	/* A report's backlog looks for a store's tickets created before the
	 * period's end and changed after it: with the change time in the
	 * index, the server checks it there instead of reading each of the
	 * store's earlier tickets from the table (SQLite reads its rows
	 * cheaply enough). Every ticket update changes updated_us, which
	 * tickets_updated indexes: the update writes every index anyway. */
	"DROP INDEX tickets_store_created;"
	"CREATE INDEX tickets_store_created ON tickets(store_code, created_us, updated_us);";

/* Migration 14: the staff directory (docs/staff.md). `code` is the host's
 * own staff ID, unique and never changed; `uuid` is public; `id` is
 * internal (joins, keyset order). Teams and departments share one table
 * (kind 1: customer-service group, 2: department). Nothing here is ever
 * deleted: staff members and teams are deactivated, and staff_events is
 * append-only. */
static const char MIGRATION_14[] =
	"CREATE TABLE teams ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, kind INTEGER NOT NULL, store_code TEXT,"
	"  active INTEGER NOT NULL, revision INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	"CREATE INDEX teams_kind ON teams(kind);"
	"CREATE TABLE staff ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid BLOB NOT NULL UNIQUE CHECK (length(uuid) = 16),"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, employee_no TEXT UNIQUE, home_store TEXT, calendar TEXT,"
	"  active INTEGER NOT NULL, revision INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	"CREATE INDEX staff_home_store ON staff(home_store) WHERE home_store IS NOT NULL;"
	"CREATE TABLE staff_skills ("
	"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
	"  kind INTEGER NOT NULL, value TEXT NOT NULL,"
	"  PRIMARY KEY (staff_id, kind, value)"
	") WITHOUT ROWID;"
	"CREATE INDEX staff_skills_value ON staff_skills(kind, value);"
	"CREATE TABLE staff_teams ("
	"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
	"  team_id INTEGER NOT NULL REFERENCES teams(id),"
	"  PRIMARY KEY (staff_id, team_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX staff_teams_team ON staff_teams(team_id);"
	"CREATE TABLE staff_events ("
	"  id INTEGER PRIMARY KEY,"
	"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
	"  type TEXT NOT NULL, actor TEXT, at_us INTEGER NOT NULL, payload TEXT"
	");"
	"CREATE INDEX staff_events_staff ON staff_events(staff_id);"
	"CREATE TRIGGER staff_events_no_update BEFORE UPDATE ON staff_events"
	"  BEGIN SELECT RAISE(ABORT, 'staff events are append-only'); END;"
	"CREATE TRIGGER staff_events_no_delete BEFORE DELETE ON staff_events"
	"  BEGIN SELECT RAISE(ABORT, 'staff events are append-only'); END;"
	"CREATE TRIGGER staff_no_delete BEFORE DELETE ON staff"
	"  BEGIN SELECT RAISE(ABORT, 'staff members are deactivated, never deleted'); END;"
	"CREATE TRIGGER teams_no_delete BEFORE DELETE ON teams"
	"  BEGIN SELECT RAISE(ABORT, 'teams are deactivated, never deleted'); END;";
/* PostgreSQL: as SQLite's, with the creating transaction of each staff
 * row for the iterators (as migration 12 for customers and tickets), and
 * the id in the secondary indexes a keyset page reads in id order. */
static const char PG_MIGRATION_14[] =
	"CREATE TABLE teams ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, kind BIGINT NOT NULL, store_code TEXT,"
	"  active BIGINT NOT NULL, revision BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"CREATE INDEX teams_kind ON teams(kind, id);"
	"CREATE TABLE staff ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  uuid BYTEA NOT NULL UNIQUE CHECK (octet_length(uuid) = 16),"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, employee_no TEXT UNIQUE, home_store TEXT, calendar TEXT,"
	"  active BIGINT NOT NULL, revision BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL,"
	"  created_xid xid8 NOT NULL DEFAULT pg_current_xact_id()"
	");"
	"CREATE INDEX staff_home_store ON staff(home_store, id) WHERE home_store IS NOT NULL;"
	"CREATE TABLE staff_skills ("
	"  staff_id BIGINT NOT NULL REFERENCES staff(id),"
	"  kind BIGINT NOT NULL, value TEXT NOT NULL,"
	"  PRIMARY KEY (staff_id, kind, value)"
	");"
	"CREATE INDEX staff_skills_value ON staff_skills(kind, value, staff_id);"
	"CREATE TABLE staff_teams ("
	"  staff_id BIGINT NOT NULL REFERENCES staff(id),"
	"  team_id BIGINT NOT NULL REFERENCES teams(id),"
	"  PRIMARY KEY (staff_id, team_id)"
	");"
	"CREATE INDEX staff_teams_team ON staff_teams(team_id, staff_id);"
	"CREATE TABLE staff_events ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  staff_id BIGINT NOT NULL REFERENCES staff(id),"
	"  type TEXT NOT NULL, actor TEXT, at_us BIGINT NOT NULL, payload TEXT"
	");"
	"CREATE INDEX staff_events_staff ON staff_events(staff_id);"
	"CREATE TRIGGER staff_events_no_update BEFORE UPDATE ON staff_events"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('staff events are append-only');"
	"CREATE TRIGGER staff_events_no_delete BEFORE DELETE ON staff_events"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('staff events are append-only');"
	"CREATE TRIGGER staff_events_no_truncate BEFORE TRUNCATE ON staff_events"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('staff events are append-only');"
	"CREATE TRIGGER staff_no_delete BEFORE DELETE ON staff"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('staff members are deactivated, never deleted');"
	"CREATE TRIGGER teams_no_delete BEFORE DELETE ON teams"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('teams are deactivated, never deleted');";

/* Roles and access control (access.h): roles with their permissions
 * (csvc_permission_t values) and the roles each staff member holds. */
static const char MIGRATION_15[] =
	"CREATE TABLE roles ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, scope INTEGER NOT NULL,"
	"  active INTEGER NOT NULL, revision INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	"CREATE TABLE role_permissions ("
	"  role_id INTEGER NOT NULL REFERENCES roles(id),"
	"  permission INTEGER NOT NULL,"
	"  PRIMARY KEY (role_id, permission)"
	") WITHOUT ROWID;"
	"CREATE TABLE staff_roles ("
	"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
	"  role_id INTEGER NOT NULL REFERENCES roles(id),"
	"  PRIMARY KEY (staff_id, role_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX staff_roles_role ON staff_roles(role_id);"
	"CREATE TRIGGER roles_no_delete BEFORE DELETE ON roles"
	"  BEGIN SELECT RAISE(ABORT, 'roles are deactivated, never deleted'); END;";
static const char PG_MIGRATION_15[] =
	"CREATE TABLE roles ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, scope BIGINT NOT NULL,"
	"  active BIGINT NOT NULL, revision BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"CREATE TABLE role_permissions ("
	"  role_id BIGINT NOT NULL REFERENCES roles(id),"
	"  permission BIGINT NOT NULL,"
	"  PRIMARY KEY (role_id, permission)"
	");"
	"CREATE TABLE staff_roles ("
	"  staff_id BIGINT NOT NULL REFERENCES staff(id),"
	"  role_id BIGINT NOT NULL REFERENCES roles(id),"
	"  PRIMARY KEY (staff_id, role_id)"
	");"
	"CREATE INDEX staff_roles_role ON staff_roles(role_id, staff_id);"
	"CREATE TRIGGER roles_no_delete BEFORE DELETE ON roles"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('roles are deactivated, never deleted');";

/* Routing rules (route.h): which team a new ticket goes to and how a
 * member is chosen, each round-robin rule's last pick, and each
 * assignee's open load. */
static const char MIGRATION_16[] =
	"CREATE TABLE route_rules ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  position INTEGER NOT NULL,"
	"  team_id INTEGER NOT NULL REFERENCES teams(id),"
	"  strategy INTEGER NOT NULL, designated INTEGER NOT NULL,"
	"  kind TEXT, category TEXT, channel TEXT, store_code TEXT, customer_class INTEGER,"
	"  active INTEGER NOT NULL, revision INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	"CREATE INDEX route_rules_order ON route_rules(position, code) WHERE active = 1;"
	"CREATE TABLE route_cursors ("
	"  rule_id INTEGER PRIMARY KEY REFERENCES route_rules(id),"
	"  last_code TEXT NOT NULL"
	");"
	"CREATE TRIGGER route_rules_no_delete BEFORE DELETE ON route_rules"
	"  BEGIN SELECT RAISE(ABORT, 'routing rules are deactivated, never deleted'); END;"
	/* Each assignee's open tickets (new, open, waiting), so that
	 * least-load routing reads one row per team member however many
	 * tickets there are: a new ticket adds itself
	 * (csvc__ticket_db_insert), triggers follow every change after. */
	"CREATE TABLE ticket_assignee_load ("
	"  assignee TEXT PRIMARY KEY,"
	"  open INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO ticket_assignee_load (assignee, open)"
	"  SELECT assignee, count(*) FROM tickets WHERE assignee IS NOT NULL AND state_category < 4 GROUP BY assignee;"
	"CREATE TRIGGER tickets_load_update AFTER UPDATE OF assignee, state_category ON tickets"
	"  WHEN OLD.assignee IS NOT NEW.assignee OR (OLD.state_category < 4) <> (NEW.state_category < 4) BEGIN"
	"  UPDATE ticket_assignee_load SET open = open - 1"
	"    WHERE OLD.assignee IS NOT NULL AND OLD.state_category < 4 AND assignee = OLD.assignee;"
	"  INSERT INTO ticket_assignee_load (assignee, open)"
	"    SELECT NEW.assignee, 1 WHERE NEW.assignee IS NOT NULL AND NEW.state_category < 4"
	"    ON CONFLICT (assignee) DO UPDATE SET open = open + 1;"
	"  END;"
	"CREATE TRIGGER tickets_load_delete AFTER DELETE ON tickets"
	"  WHEN OLD.assignee IS NOT NULL AND OLD.state_category < 4 BEGIN"
	"  UPDATE ticket_assignee_load SET open = open - 1 WHERE assignee = OLD.assignee;"
	"  END;";
static const char PG_MIGRATION_16[] =
	"CREATE TABLE route_rules ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  position BIGINT NOT NULL,"
	"  team_id BIGINT NOT NULL REFERENCES teams(id),"
	"  strategy BIGINT NOT NULL, designated BIGINT NOT NULL,"
	"  kind TEXT, category TEXT, channel TEXT, store_code TEXT, customer_class BIGINT,"
	"  active BIGINT NOT NULL, revision BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"CREATE INDEX route_rules_order ON route_rules(position, code) WHERE active = 1;"
	"CREATE TABLE route_cursors ("
	"  rule_id BIGINT PRIMARY KEY REFERENCES route_rules(id),"
	"  last_code TEXT NOT NULL"
	");"
	"CREATE TRIGGER route_rules_no_delete BEFORE DELETE ON route_rules"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('routing rules are deactivated, never deleted');"
	"CREATE TABLE ticket_assignee_load ("
	"  assignee TEXT PRIMARY KEY,"
	"  open BIGINT NOT NULL"
	");"
	"INSERT INTO ticket_assignee_load (assignee, open)"
	"  SELECT assignee, count(*) FROM tickets WHERE assignee IS NOT NULL AND state_category < 4 GROUP BY assignee;"
	"CREATE FUNCTION csvc_ticket_load() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
	"  IF TG_OP <> 'INSERT' AND OLD.assignee IS NOT NULL AND OLD.state_category < 4 THEN"
	"    UPDATE ticket_assignee_load SET open = open - 1 WHERE assignee = OLD.assignee;"
	"  END IF;"
	"  IF TG_OP <> 'DELETE' AND NEW.assignee IS NOT NULL AND NEW.state_category < 4 THEN"
	"    INSERT INTO ticket_assignee_load AS l (assignee, open) VALUES (NEW.assignee, 1)"
	"      ON CONFLICT (assignee) DO UPDATE SET open = l.open + 1;"
	"  END IF;"
	"  RETURN NULL;"
	"END$$;"
	"CREATE TRIGGER tickets_load_update AFTER UPDATE OF assignee, state_category ON tickets FOR EACH ROW"
	"  WHEN (OLD.assignee IS DISTINCT FROM NEW.assignee OR (OLD.state_category < 4) <> (NEW.state_category < 4))"
	"  EXECUTE FUNCTION csvc_ticket_load();"
	"CREATE TRIGGER tickets_load_delete AFTER DELETE ON tickets FOR EACH ROW"
	"  WHEN (OLD.assignee IS NOT NULL AND OLD.state_category < 4) EXECUTE FUNCTION csvc_ticket_load();";
/* Migration 17: queues and time worked (docs/queues.md). A queue is a
 * versioned definition (deactivated, never deleted) whose filter is its
 * columns: `states` a bitmask of state categories (bit c: category c; 0:
 * any), `assignee_self` 1 for "the person the queue is opened for",
 * `max_priority` 0 or 1..4 (priority at most this), `sort` 1 priority then
 * age, 2 age (the priority indexes serve the first); `customer` a customer's UUID (not a reference, so that a
 * merge or an erasure never has to touch a queue). ticket_work holds time
 * worked on tickets, append-only: `duration_us` microseconds from
 * `worked_us` (the start of the work), with the ticket's store code for
 * scoped totals. */
static const char MIGRATION_17[] =
	"CREATE TABLE queues ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, owner_team TEXT, owner_staff TEXT,"
	"  active INTEGER NOT NULL, revision INTEGER NOT NULL,"
	"  states INTEGER NOT NULL, kind TEXT, category TEXT, channel TEXT, store_code TEXT,"
	"  assignee TEXT, assignee_self INTEGER NOT NULL, team TEXT, unassigned INTEGER NOT NULL,"
	"  max_priority INTEGER NOT NULL, customer BLOB CHECK (customer IS NULL OR length(customer) = 16),"
	"  sort INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL"
	");"
	"CREATE TRIGGER queues_no_delete BEFORE DELETE ON queues"
	"  BEGIN SELECT RAISE(ABORT, 'queues are deactivated, never deleted'); END;"
	"CREATE INDEX tickets_ticket_category ON tickets(category, state_category) WHERE category IS NOT NULL;"
	"CREATE INDEX tickets_team_priority ON tickets(team, priority) WHERE team IS NOT NULL;"
	"CREATE INDEX tickets_assignee_priority ON tickets(assignee, priority) WHERE assignee IS NOT NULL;"
	"CREATE TABLE ticket_work ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
	"  store_code TEXT NOT NULL, kind TEXT, note TEXT,"
	"  worked_us INTEGER NOT NULL, duration_us INTEGER NOT NULL CHECK (duration_us > 0),"
	"  actor TEXT, at_us INTEGER NOT NULL"
	");"
	"CREATE INDEX ticket_work_ticket ON ticket_work(ticket_id, worked_us);"
	"CREATE INDEX ticket_work_staff ON ticket_work(staff_id, worked_us);"
	"CREATE INDEX ticket_work_worked ON ticket_work(worked_us);"
	"CREATE TRIGGER ticket_work_no_update BEFORE UPDATE ON ticket_work"
	"  BEGIN SELECT RAISE(ABORT, 'time worked is append-only'); END;"
	"CREATE TRIGGER ticket_work_no_delete BEFORE DELETE ON ticket_work"
	"  BEGIN SELECT RAISE(ABORT, 'time worked is append-only'); END;";
static const char PG_MIGRATION_17[] =
	"CREATE TABLE queues ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL, owner_team TEXT, owner_staff TEXT,"
	"  active BIGINT NOT NULL, revision BIGINT NOT NULL,"
	"  states BIGINT NOT NULL, kind TEXT, category TEXT, channel TEXT, store_code TEXT,"
	"  assignee TEXT, assignee_self BIGINT NOT NULL, team TEXT, unassigned BIGINT NOT NULL,"
	"  max_priority BIGINT NOT NULL, customer BYTEA CHECK (customer IS NULL OR octet_length(customer) = 16),"
	"  sort BIGINT NOT NULL,"
	"  created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL"
	");"
	"CREATE TRIGGER queues_no_delete BEFORE DELETE ON queues"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('queues are deactivated, never deleted');"
	"CREATE INDEX tickets_ticket_category ON tickets(category, state_category, id) WHERE category IS NOT NULL;"
	"CREATE INDEX tickets_team_priority ON tickets(team, priority, id) WHERE team IS NOT NULL;"
	"CREATE INDEX tickets_assignee_priority ON tickets(assignee, priority, id) WHERE assignee IS NOT NULL;"
	"CREATE TABLE ticket_work ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  ticket_id BIGINT NOT NULL REFERENCES tickets(id),"
	"  staff_id BIGINT NOT NULL REFERENCES staff(id),"
	"  store_code TEXT NOT NULL, kind TEXT, note TEXT,"
	"  worked_us BIGINT NOT NULL, duration_us BIGINT NOT NULL CHECK (duration_us > 0),"
	"  actor TEXT, at_us BIGINT NOT NULL"
	");"
	"CREATE INDEX ticket_work_ticket ON ticket_work(ticket_id, worked_us);"
	"CREATE INDEX ticket_work_staff ON ticket_work(staff_id, worked_us);"
	"CREATE INDEX ticket_work_worked ON ticket_work(worked_us);"
	"CREATE TRIGGER ticket_work_no_update BEFORE UPDATE ON ticket_work"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('time worked is append-only');"
	"CREATE TRIGGER ticket_work_no_delete BEFORE DELETE ON ticket_work"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('time worked is append-only');"
	"CREATE TRIGGER ticket_work_no_truncate BEFORE TRUNCATE ON ticket_work"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('time worked is append-only');";
/* Appraisals (staff.h): multi-source scores per staff member and period,
 * append-only; and the indexes of the per-staff report (report.h): a
 * staff member's tickets created in a period and the responses naming
 * them. */
static const char MIGRATION_18[] =
	"CREATE TABLE staff_appraisals ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid BLOB NOT NULL UNIQUE CHECK (length(uuid) = 16),"
	"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
	"  period TEXT NOT NULL, source INTEGER NOT NULL,"
	"  rater_id INTEGER REFERENCES staff(id),"
	"  customer_satisfaction INTEGER, efficiency INTEGER, teamwork INTEGER, skill_growth INTEGER,"
	"  comment TEXT, actor TEXT, recorded_us INTEGER NOT NULL"
	");"
	"CREATE INDEX staff_appraisals_staff ON staff_appraisals(staff_id, period);"
	"CREATE TRIGGER staff_appraisals_no_update BEFORE UPDATE ON staff_appraisals"
	"  BEGIN SELECT RAISE(ABORT, 'appraisals are append-only'); END;"
	"CREATE TRIGGER staff_appraisals_no_delete BEFORE DELETE ON staff_appraisals"
	"  BEGIN SELECT RAISE(ABORT, 'appraisals are append-only'); END;"
	"CREATE INDEX tickets_assignee_created ON tickets(assignee, created_us) WHERE assignee IS NOT NULL;"
	"CREATE INDEX survey_responses_staff ON survey_responses(staff, submitted_us) WHERE staff IS NOT NULL;";
static const char PG_MIGRATION_18[] =
	"CREATE TABLE staff_appraisals ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  uuid BYTEA NOT NULL UNIQUE CHECK (octet_length(uuid) = 16),"
	"  staff_id BIGINT NOT NULL REFERENCES staff(id),"
	"  period TEXT NOT NULL, source BIGINT NOT NULL,"
	"  rater_id BIGINT REFERENCES staff(id),"
	"  customer_satisfaction BIGINT, efficiency BIGINT, teamwork BIGINT, skill_growth BIGINT,"
	"  comment TEXT, actor TEXT, recorded_us BIGINT NOT NULL"
	");"
	"CREATE INDEX staff_appraisals_staff ON staff_appraisals(staff_id, period, id);"
	"CREATE TRIGGER staff_appraisals_no_update BEFORE UPDATE ON staff_appraisals"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('appraisals are append-only');"
	"CREATE TRIGGER staff_appraisals_no_delete BEFORE DELETE ON staff_appraisals"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('appraisals are append-only');"
	"CREATE TRIGGER staff_appraisals_no_truncate BEFORE TRUNCATE ON staff_appraisals"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('appraisals are append-only');"
	"CREATE INDEX tickets_assignee_created ON tickets(assignee, created_us) WHERE assignee IS NOT NULL;"
	"CREATE INDEX survey_responses_staff ON survey_responses(staff, submitted_us) WHERE staff IS NOT NULL;";

/* Hand-offs (ticket.h): which tickets are sub-tasks handed off to a
 * department, under which parent; and the SLA policy setting that pauses
 * a target while its ticket has open sub-tasks (sla.h). */
static const char MIGRATION_19[] =
	"CREATE TABLE ticket_handoffs ("
	"  child_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
	"  parent_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  department TEXT NOT NULL, created_us INTEGER NOT NULL"
	");"
	"CREATE INDEX ticket_handoffs_parent ON ticket_handoffs(parent_id, child_id);"
	"ALTER TABLE sla_policy_targets ADD COLUMN pause_on_handoff INTEGER NOT NULL DEFAULT 0;";
static const char PG_MIGRATION_19[] =
	"CREATE TABLE ticket_handoffs ("
	"  child_id BIGINT PRIMARY KEY REFERENCES tickets(id),"
	"  parent_id BIGINT NOT NULL REFERENCES tickets(id),"
	"  department TEXT NOT NULL, created_us BIGINT NOT NULL"
	");"
	"CREATE INDEX ticket_handoffs_parent ON ticket_handoffs(parent_id, child_id);"
	"ALTER TABLE sla_policy_targets ADD COLUMN pause_on_handoff BIGINT NOT NULL DEFAULT 0;";

/* Transition guards (workflow.h): the required fields and approvals of a
 * workflow version, immutable like its states; and the approvals given
 * on tickets (ticket.h), append-only, each valid until the ticket's
 * state next changes. */
static const char MIGRATION_20[] =
	"CREATE TABLE workflow_guards ("
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id),"
	"  position INTEGER NOT NULL, transition TEXT NOT NULL,"
	"  field TEXT, role TEXT, threshold INTEGER NOT NULL,"
	"  PRIMARY KEY (workflow_id, position)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER workflow_guards_no_update BEFORE UPDATE ON workflow_guards"
	"  BEGIN SELECT RAISE(ABORT, 'stored workflow versions are immutable'); END;"
	"CREATE TRIGGER workflow_guards_no_delete BEFORE DELETE ON workflow_guards"
	"  BEGIN SELECT RAISE(ABORT, 'stored workflow versions are immutable'); END;"
	"CREATE TABLE ticket_approvals ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  seq INTEGER NOT NULL, transition TEXT NOT NULL, from_state TEXT NOT NULL,"
	"  role TEXT NOT NULL, approver TEXT NOT NULL, field TEXT, approved_value INTEGER,"
	"  at_us INTEGER NOT NULL"
	");"
	"CREATE INDEX ticket_approvals_ticket ON ticket_approvals(ticket_id, transition, role, seq);"
	"CREATE TRIGGER ticket_approvals_no_update BEFORE UPDATE ON ticket_approvals"
	"  BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;"
	"CREATE TRIGGER ticket_approvals_no_delete BEFORE DELETE ON ticket_approvals"
	"  BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;";
static const char PG_MIGRATION_20[] =
	"CREATE TABLE workflow_guards ("
	"  workflow_id BIGINT NOT NULL REFERENCES workflows(id),"
	"  position BIGINT NOT NULL, transition TEXT NOT NULL,"
	"  field TEXT, role TEXT, threshold BIGINT NOT NULL,"
	"  PRIMARY KEY (workflow_id, position)"
	");"
	"CREATE TRIGGER workflow_guards_no_update BEFORE UPDATE ON workflow_guards"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('stored workflow versions are immutable');"
	"CREATE TRIGGER workflow_guards_no_delete BEFORE DELETE ON workflow_guards"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('stored workflow versions are immutable');"
	"CREATE TRIGGER workflow_guards_no_truncate BEFORE TRUNCATE ON workflow_guards"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('stored workflow versions are immutable');"
	"CREATE TABLE ticket_approvals ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  ticket_id BIGINT NOT NULL REFERENCES tickets(id),"
	"  seq BIGINT NOT NULL, transition TEXT NOT NULL, from_state TEXT NOT NULL,"
	"  role TEXT NOT NULL, approver TEXT NOT NULL, field TEXT, approved_value BIGINT,"
	"  at_us BIGINT NOT NULL"
	");"
	"CREATE INDEX ticket_approvals_ticket ON ticket_approvals(ticket_id, transition, role, seq);"
	"CREATE TRIGGER ticket_approvals_no_update BEFORE UPDATE ON ticket_approvals"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('approvals are append-only');"
	"CREATE TRIGGER ticket_approvals_no_delete BEFORE DELETE ON ticket_approvals"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('approvals are append-only');"
	"CREATE TRIGGER ticket_approvals_no_truncate BEFORE TRUNCATE ON ticket_approvals"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('approvals are append-only');";

/* The store's own settings, read by every process that opens it:
 * "staff_references" (1: assignees, teams and actors must name the
 * staff directory; staff.h csvc_staff_set_references). */
static const char MIGRATION_21[] =
	"CREATE TABLE store_settings ("
	"  name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL"
	") WITHOUT ROWID;";
static const char PG_MIGRATION_21[] =
	"CREATE TABLE store_settings ("
	"  name TEXT NOT NULL PRIMARY KEY, value BIGINT NOT NULL"
	");";

/* The staff_appraise permission (19): supervisors' appraisals needed
 * staff_manage (14) before, so every role that has that keeps the right
 * to record them. The handbook's supervisor role of a newer store has it
 * from its install (access.md). */
static const char MIGRATION_22[] =
	"INSERT INTO role_permissions (role_id, permission)"
	"  SELECT role_id, 19 FROM role_permissions WHERE permission = 14"
	"  ON CONFLICT (role_id, permission) DO NOTHING;";
#define PG_MIGRATION_22 MIGRATION_22

/* Consent per purpose (docs/privacy.md): append-only statements of a
 * customer giving (state 1) or withdrawing (2) consent to a purpose
 * (csvc_consent_purpose_t), the last recorded of a purpose (highest id,
 * not the clock, which a till may set back) being the current one. No
 * personal data: an erasure keeps them. */
static const char MIGRATION_23[] =
	"CREATE TABLE customer_consents ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  purpose INTEGER NOT NULL, state INTEGER NOT NULL CHECK (state IN (1, 2)),"
	"  channel TEXT, text_version TEXT, actor TEXT, at_us INTEGER NOT NULL"
	");"
	"CREATE INDEX customer_consents_customer ON customer_consents(customer_id, purpose, id);"
	"CREATE TRIGGER customer_consents_no_update BEFORE UPDATE ON customer_consents"
	"  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;"
	"CREATE TRIGGER customer_consents_no_delete BEFORE DELETE ON customer_consents"
	"  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;";
static const char PG_MIGRATION_23[] =
	"CREATE TABLE customer_consents ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  purpose BIGINT NOT NULL, state BIGINT NOT NULL CHECK (state IN (1, 2)),"
	"  channel TEXT, text_version TEXT, actor TEXT, at_us BIGINT NOT NULL"
	");"
	"CREATE INDEX customer_consents_customer ON customer_consents(customer_id, purpose, id);"
	"CREATE TRIGGER customer_consents_no_update BEFORE UPDATE ON customer_consents"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('consent records are append-only');"
	"CREATE TRIGGER customer_consents_no_delete BEFORE DELETE ON customer_consents"
	"  FOR EACH ROW EXECUTE FUNCTION csvc_refuse('consent records are append-only');"
	"CREATE TRIGGER customer_consents_no_truncate BEFORE TRUNCATE ON customer_consents"
	"  FOR EACH STATEMENT EXECUTE FUNCTION csvc_refuse('consent records are append-only');";

/* 24: redaction (docs/privacy.md, "Erasure and redaction"). The
 * append-only ticket events and survey answers take exactly one change:
 * an event's payload redacted (its free text null), an answer's text
 * set to null; anything else is still refused. SQLite's JSON functions
 * may not run in a trigger of a store whose schema is not trusted, so
 * there an event's payload may change only while the redaction path holds
 * a row of ticket_redactions for its ticket (it writes and removes it in
 * the redaction's transaction), and its other columns never. */
static const char MIGRATION_24[] =
	"CREATE TABLE ticket_redactions (ticket_id INTEGER PRIMARY KEY);"
	"DROP TRIGGER ticket_events_no_update;"
	"CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
	"  WHEN NOT (NEW.id IS OLD.id AND NEW.ticket_id IS OLD.ticket_id AND NEW.seq IS OLD.seq"
	"   AND NEW.type IS OLD.type AND NEW.actor IS OLD.actor AND NEW.at_us IS OLD.at_us"
	"   AND NEW.from_state IS OLD.from_state AND NEW.to_state IS OLD.to_state"
	"   AND EXISTS (SELECT 1 FROM ticket_redactions r WHERE r.ticket_id = OLD.ticket_id))"
	"  BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;"
	"DROP TRIGGER survey_answers_no_update;"
	"CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers"
	"  WHEN NOT (NEW.response_id IS OLD.response_id AND NEW.position IS OLD.position"
	"   AND NEW.value IS OLD.value AND NEW.value2 IS OLD.value2 AND NEW.text IS NULL)"
	"  BEGIN SELECT RAISE(ABORT, 'survey answers are never changed'); END;";

/* The same on PostgreSQL, where the trigger admits exactly the redacted
 * payload: json (not jsonb) keeps the members' order, which the ticket
 * replay reads them in. */
static const char PG_MIGRATION_24[] =
	/* Built as text, member by member: the members keep their order and
	 * their text, so a redacted payload differs from the original only
	 * in the values that became null. */
	"CREATE OR REPLACE FUNCTION csvc_redact_members(o json, keys text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
	"  SELECT '{' || coalesce(string_agg(to_json(e.key)::text || ':' ||"
	"   CASE WHEN e.key = ANY (keys) THEN 'null' ELSE e.value::text END, ',' ORDER BY e.n), '') || '}'"
	"  FROM json_each(o) WITH ORDINALITY AS e(key, value, n)$$;"
	"CREATE OR REPLACE FUNCTION csvc_redact_payload(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
	"  SELECT CASE WHEN p IS NULL OR json_typeof(p::json) <> 'object' THEN p ELSE ("
	"   SELECT '{' || coalesce(string_agg(to_json(e.key)::text || ':' || CASE"
	"     WHEN e.key IN ('body', 'note', 'inputs') THEN 'null'"
	"     WHEN e.key IN ('set', 'old') AND json_typeof(e.value) = 'object'"
	"      THEN csvc_redact_members(e.value, ARRAY['subject', 'description'])"
	"     ELSE e.value::text END, ',' ORDER BY e.n), '') || '}'"
	"   FROM json_each(p::json) WITH ORDINALITY AS e(key, value, n)) END$$;"
	"DROP TRIGGER ticket_events_no_update ON ticket_events;"
	"CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events FOR EACH ROW"
	"  WHEN (NOT (NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.ticket_id IS NOT DISTINCT FROM OLD.ticket_id"
	"   AND NEW.seq IS NOT DISTINCT FROM OLD.seq AND NEW.type IS NOT DISTINCT FROM OLD.type"
	"   AND NEW.actor IS NOT DISTINCT FROM OLD.actor AND NEW.at_us IS NOT DISTINCT FROM OLD.at_us"
	"   AND NEW.from_state IS NOT DISTINCT FROM OLD.from_state AND NEW.to_state IS NOT DISTINCT FROM OLD.to_state"
	"   AND NEW.payload IS NOT DISTINCT FROM csvc_redact_payload(OLD.payload)))"
	"  EXECUTE FUNCTION csvc_refuse('ticket events are append-only');"
	"DROP TRIGGER survey_answers_no_update ON survey_answers;"
	"CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers FOR EACH ROW"
	"  WHEN (NOT (NEW.response_id IS NOT DISTINCT FROM OLD.response_id"
	"   AND NEW.position IS NOT DISTINCT FROM OLD.position AND NEW.value IS NOT DISTINCT FROM OLD.value"
	"   AND NEW.value2 IS NOT DISTINCT FROM OLD.value2 AND NEW.text IS NULL))"
	"  EXECUTE FUNCTION csvc_refuse('survey answers are never changed');";

/* Migrations that write an FTS5 table's shadow tables, which defensive
 * mode forbids (migration numbers). */
static int writes_shadow_tables(int32_t migration)
{
	return migration == 7;
}

/* Each migration's text per dialect. */
static const csvc__sql MIGRATIONS[] = {
	CSVC__SQL_DIALECTS(MIGRATION_1, PG_MIGRATION_1),
	CSVC__SQL_DIALECTS(MIGRATION_2, PG_MIGRATION_2),
	CSVC__SQL_DIALECTS(MIGRATION_3, PG_MIGRATION_3),
	CSVC__SQL_DIALECTS(MIGRATION_4, PG_MIGRATION_4),
	CSVC__SQL_DIALECTS(MIGRATION_5, PG_MIGRATION_5),
	CSVC__SQL_DIALECTS(MIGRATION_6, PG_MIGRATION_6),
	CSVC__SQL_DIALECTS(MIGRATION_7, PG_MIGRATION_7),
	CSVC__SQL_DIALECTS(MIGRATION_8, PG_MIGRATION_8),
	CSVC__SQL_DIALECTS(MIGRATION_9, PG_MIGRATION_9),
	CSVC__SQL_DIALECTS(MIGRATION_10, PG_MIGRATION_10),
	CSVC__SQL_DIALECTS(MIGRATION_11, PG_MIGRATION_11),
	CSVC__SQL_DIALECTS(MIGRATION_12, PG_MIGRATION_12),
	CSVC__SQL_DIALECTS(MIGRATION_13, PG_MIGRATION_13),
	CSVC__SQL_DIALECTS(MIGRATION_14, PG_MIGRATION_14),
	CSVC__SQL_DIALECTS(MIGRATION_15, PG_MIGRATION_15),
	CSVC__SQL_DIALECTS(MIGRATION_16, PG_MIGRATION_16),
	CSVC__SQL_DIALECTS(MIGRATION_17, PG_MIGRATION_17),
	CSVC__SQL_DIALECTS(MIGRATION_18, PG_MIGRATION_18),
	CSVC__SQL_DIALECTS(MIGRATION_19, PG_MIGRATION_19),
	CSVC__SQL_DIALECTS(MIGRATION_20, PG_MIGRATION_20),
	CSVC__SQL_DIALECTS(MIGRATION_21, PG_MIGRATION_21),
	CSVC__SQL_DIALECTS(MIGRATION_22, PG_MIGRATION_22),
	CSVC__SQL_DIALECTS(MIGRATION_23, PG_MIGRATION_23),
	CSVC__SQL_DIALECTS(MIGRATION_24, PG_MIGRATION_24),
};

#define N_MIGRATIONS ((int32_t)(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0])))

int32_t csvc__schema_latest(void)
{
	return N_MIGRATIONS;
}

/* PostgreSQL: one migration at a time per schema (see csvc__schema_migrate). */
static const csvc__sql SQL_MIGRATION_LOCK = CSVC__SQL_DIALECTS(
	NULL, "SELECT pg_advisory_xact_lock(1668510307, hashtext(current_schema()))");

/* Prefixes the current error's message with `what`. */
static int refine(int rc, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", csvc_error_last()->message);
	return csvc__error_refine(rc, "%s: %s", what, msg);
}

int csvc__schema_migrate(csvc_store *s, csvc__db *db, int32_t from_version)
{
	csvc__db_undo u;
	int rc = csvc__db_begin(db, 0, &u);
	if (rc)
		return refine(rc, "starting the schema migration");

	/* Another connection may have migrated while we waited for the lock,
	 * possibly a newer library: read the header again under the lock.
	 * PostgreSQL's begin takes no lock: the migration takes one of its
	 * own, held to the end of the transaction, keyed by the schema. */
	int64_t current = from_version, app_id = 0, tables = 0;
	int err = CSVC_OK;
	if (csvc__db_dialect(db) == CSVC__DIALECT_POSTGRES)
		err = csvc__db_exec_sql(db, &SQL_MIGRATION_LOCK, 0);
	if (!err)
		err = csvc__db_header(db, &app_id, &current, &tables);
	/* The same rule as before the lock: an empty file, or ours. */
	if (!err && app_id == 0 && (current != 0 || tables != 0))
		err = csvc__error(CSVC_ENOTSTORE,
		                  "another program wrote to the file while the store waited for the lock; "
		                  "it was not modified");
	else if (!err && app_id == CSVC__APPLICATION_ID && current <= 0)
		err = csvc__error(CSVC_ECORRUPT, "the store's header is damaged (schema version %lld)",
		                  (long long)current);
	else if (!err && app_id != 0 && app_id != CSVC__APPLICATION_ID)
		err = csvc__error(CSVC_ENOTSTORE,
		                  "another application claimed the file (application_id 0x%08x); "
		                  "it was not modified",
		                  (unsigned)app_id);
	else if (!err && current > N_MIGRATIONS)
		err = csvc__error(CSVC_EVERSION,
		                  "the store was upgraded to schema version %lld, newer than this library's %d, "
		                  "while it waited for the lock; it was not modified",
		                  (long long)current, (int)N_MIGRATIONS);
	else if (!err && current < 0)
		err = csvc__error(CSVC_ECORRUPT, "the store's header is damaged (schema version %lld)",
		                  (long long)current);

	for (int32_t v = (int32_t)current; v < N_MIGRATIONS && !err; v++) {
		csvc__log(s, CSVC_LOG_INFO, "applying schema migration %d", (int)(v + 1));
		char what[48];
		snprintf(what, sizeof(what), "schema migration %d failed", (int)(v + 1));
		if ((err = csvc__db_exec_sql(db, &MIGRATIONS[v], writes_shadow_tables(v + 1))))
			err = refine(err, what);
	}
	if (!err)
		err = csvc__db_set_header(db, CSVC__APPLICATION_ID, N_MIGRATIONS);
	if (!err && (err = csvc__db_commit(db, &u)))
		err = refine(err, "committing the schema migration");
	if (err && csvc__db_depth(db) > 0)
		csvc__db_rollback(db, &u);
	return err;
}
