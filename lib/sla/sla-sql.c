/*
 * SLA storage on SQLite: policy versions, each ticket's policy and its
 * target clocks, with partial indexes for pending alarms, at-risk and
 * breached lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/defs.h"
#include "feed/feed-internal.h"
#include "sla/sla-internal.h"
#include "store/store-internal.h"

static const csvc__defs_kind POLICY_DEFS = {
	.what = "SLA policy",
	.latest = CSVC__SQL("SELECT version, id FROM sla_policies WHERE name = $1 ORDER BY version DESC LIMIT 1"),
	.find = CSVC__SQL("SELECT id FROM sla_policies WHERE name = $1 AND version = $2"),
	.header = CSVC__SQL("SELECT name, version, rank, match_kind, match_store, match_channel, match_category,"
	                    " match_priority, match_urgency, match_class, match_tier FROM sla_policies WHERE id = $1"),
	.insert = CSVC__SQL_INSERT_ID("INSERT INTO sla_policies (name, version, created_us, rank, match_kind, match_store, match_channel,"
	                    " match_category, match_priority, match_urgency, match_class, match_tier)"
	                    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"),
	.list = CSVC__SQL("SELECT p.name, p.version, p.id, coalesce(n.retired, 0) FROM sla_policies p"
	                  " LEFT JOIN sla_policy_names n ON n.name = p.name"
	                  " WHERE p.version = (SELECT max(version) FROM sla_policies q WHERE q.name = p.name) ORDER BY p.name"),
	.retire = CSVC__SQL("UPDATE sla_policy_names SET retired = 1 WHERE name = $1"),
	.unretire = CSVC__SQL("INSERT INTO sla_policy_names (name, retired) VALUES ($1, 0)"
	                      " ON CONFLICT (name) DO UPDATE SET retired = 0"),
};
static const csvc__sql SQL_INSERT_TARGET = CSVC__SQL("INSERT INTO sla_policy_targets (policy_id, idx, name, duration_us, calendar, calendar_name, met_reply,"
	" met_categories, met_states, pause_categories, pause_states, warnings, recurring, pause_on_handoff)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)");
static const csvc__sql SQL_INSERT_ESCALATION = CSVC__SQL("INSERT INTO sla_policy_escalations (policy_id, target_idx, pos, percent, action, value, assignee,"
	" team, transition) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)");
static const csvc__sql SQL_LOAD_TARGETS = CSVC__SQL("SELECT name, duration_us, calendar, calendar_name, met_reply, met_categories, met_states,"
	" pause_categories, pause_states, warnings, recurring, pause_on_handoff FROM sla_policy_targets WHERE policy_id = $1"
	" ORDER BY idx");
static const csvc__sql SQL_LOAD_ESCALATIONS = CSVC__SQL("SELECT target_idx, percent, action, value, assignee, team, transition FROM sla_policy_escalations"
	" WHERE policy_id = $1 ORDER BY target_idx, pos");
static const csvc__sql SQL_CURRENT = CSVC__SQL("SELECT p.id FROM sla_policy_names n JOIN sla_policies p ON p.name = n.name"
	" AND p.version = (SELECT max(version) FROM sla_policies q WHERE q.name = n.name)"
	" WHERE n.retired = 0 ORDER BY p.rank, p.name");
static const csvc__sql SQL_STAMP = CSVC__SQL("SELECT coalesce((SELECT max(id) FROM sla_policies), 0) * 65536"
	" + coalesce((SELECT sum(retired) FROM sla_policy_names), 0)");
static const csvc__sql SQL_STORE_CALENDAR = CSVC__SQL("SELECT c.name FROM store_calendars s JOIN calendars c ON c.id = s.calendar_id WHERE s.store_code = $1");
static const csvc__sql SQL_CALENDAR_STAMP = CSVC__SQL("SELECT updated_us FROM calendars WHERE name = $1");
static const csvc__sql SQL_TICKET_INITIAL_POLICY = CSVC__SQL("SELECT initial_policy_id FROM sla_targets WHERE ticket_id = $1 ORDER BY idx LIMIT 1");
static const csvc__sql SQL_TICKET_CLOCKS = CSVC__SQL("SELECT c.idx, d.name, c.calendar, c.phase, c.used_us, c.since_us, c.met_at, c.met_via_state, c.breached_at,"
	" c.fired, c.cycle, c.due_us, c.next_alarm_us, c.next_pct, c.fault, c.policy_id FROM sla_targets c"
	" JOIN sla_policy_targets d ON d.policy_id = c.policy_id AND d.idx = c.idx"
	" WHERE c.ticket_id = $1 ORDER BY c.idx");
static const csvc__sql SQL_UPDATE_CLOCK = CSVC__SQL("UPDATE sla_targets SET phase = $3, used_us = $4, since_us = $5, met_at = $6, met_via_state = $7,"
	" breached_at = $8, fired = $9, cycle = $10, due_us = $11, next_alarm_us = $12, next_pct = $13,"
	" warned = $14, fault = $15 WHERE ticket_id = $1 AND idx = $2");
/* The multi-row insert: row i (from 0) takes parameters
 * $(18i + 1) .. $(18i + 18), in the order of these columns. */
#define CLOCK_COLUMNS 18
static const csvc__sql SQL_INSERT_CLOCKS_HEAD = CSVC__SQL("INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar, phase, used_us,"
	" since_us, met_at, met_via_state, breached_at, fired, cycle, due_us, next_alarm_us, next_pct, warned,"
	" fault) VALUES ");
static const csvc__sql SQL_DELETE_CLOCKS = CSVC__SQL("DELETE FROM sla_targets WHERE ticket_id = $1");
static const csvc__sql SQL_NEXT_ALARM = CSVC__SQL("SELECT ticket_id, next_alarm_us FROM sla_targets WHERE next_alarm_us IS NOT NULL"
	" ORDER BY next_alarm_us LIMIT 1");
/* The state category an event set, read by the engine's JSON functions. */
static const csvc__sql SQL_LOG = CSVC__SQL_DIALECTS(
	"SELECT type, at_us, to_state, json_extract(payload, '$.set.state_category'), payload,"
	" CASE WHEN type = 'sla_policy' THEN json_extract(payload, '$.store_calendar') END"
	" FROM ticket_events WHERE ticket_id = $1 ORDER BY seq",
	"SELECT type, at_us, to_state, payload::json #>> '{set,state_category}', payload,"
	" CASE WHEN type = 'sla_policy' THEN payload::json ->> 'store_calendar' END"
	" FROM ticket_events WHERE ticket_id = $1 ORDER BY seq");
/* The store calendar the clocks ran on before the ticket's first policy
 * change, as that change recorded it. */
static const csvc__sql SQL_FIRST_STORE_CALENDAR = CSVC__SQL_DIALECTS(
	"SELECT json_extract(payload, '$.from_store_calendar') FROM ticket_events"
	" WHERE ticket_id = $1 AND type = 'sla_policy' ORDER BY seq LIMIT 1",
	"SELECT payload::json ->> 'from_store_calendar' FROM ticket_events"
	" WHERE ticket_id = $1 AND type = 'sla_policy' ORDER BY seq LIMIT 1");

static const csvc__sql SQL_HANDOFFS_OPEN = CSVC__SQL("SELECT coalesce(sum(CASE WHEN type = 'handoff_returned' THEN -1 ELSE 1 END), 0)"
	" FROM ticket_events WHERE ticket_id = $1 AND type IN ('handed_off', 'handoff_returned', 'handoff_reopened')");

int csvc__sla_db_handoffs_open(csvc_store *s, int64_t rowid, int64_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_HANDOFFS_OPEN, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	*n = 0;
	rc = csvc__db_one_int(st, n);
	return rc < 0 ? rc : CSVC_OK;
}

const csvc__defs_kind *csvc__sla_policy_defs(void)
{
	return &POLICY_DEFS;
}

int csvc__sla_db_policy_latest(csvc_store *s, const char *name, int32_t *version)
{
	return csvc__defs_latest(s->db, &POLICY_DEFS, name, version, NULL);
}

/* Lists of state names are stored comma-joined (names cannot hold commas). */
static void join_names(csvc__buf *b, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			csvc__buf_put(b, ",", 1);
		csvc__buf_puts(b, list[i]);
	}
}

static void bind_header(csvc__stmt *st, const void *def)
{
	const csvc_sla_policy *p = def;
	csvc__db_bind_int(st, 4, p->rank);
	csvc__db_bind_text(st, 5, p->kind);
	csvc__db_bind_text(st, 6, p->store_code);
	csvc__db_bind_text(st, 7, p->channel);
	csvc__db_bind_text(st, 8, p->category);
	csvc__db_bind_int(st, 9, p->priority);
	csvc__db_bind_int(st, 10, p->urgency);
	csvc__db_bind_int(st, 11, p->customer_class);
	csvc__db_bind_int(st, 12, p->tier);
}

int csvc__sla_db_policy_insert(csvc_store *s, const csvc_sla_policy *p, int32_t version)
{
	csvc__stmt *st;
	int64_t id = 0;
	csvc_time_us now = csvc_store_now(s);
	int rc = csvc__defs_insert(s->db, &POLICY_DEFS, p->name, version, now, bind_header, p, &id);
	if (rc || (rc = csvc__feed_definition(s, "sla_policy_saved", "sla_policy", p->name, version, NULL, now)))
		return rc;
	for (size_t i = 0; i < p->n_targets && !rc; i++) {
		const csvc__sla_target_def *t = &p->targets[i];
		csvc__buf met = {0}, pause = {0}, warn = {0};
		join_names(&met, t->met_states, t->n_met_states);
		join_names(&pause, t->pause_states, t->n_pause_states);
		for (size_t k = 0; k < t->n_warn; k++)
			csvc__buf_printf(&warn, k ? ",%d" : "%d", (int)t->warn[k]);
		if (met.failed || pause.failed || warn.failed)
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
		else if (!(rc = csvc__db_stmt(s->db, &SQL_INSERT_TARGET, &st))) {
			csvc__db_bind_int(st, 1, id);
			csvc__db_bind_int(st, 2, (int64_t)i);
			csvc__db_bind_text(st, 3, t->name);
			csvc__db_bind_int(st, 4, t->duration);
			csvc__db_bind_int(st, 5, t->calendar);
			csvc__db_bind_text(st, 6, t->calendar_name);
			csvc__db_bind_int(st, 7, t->met_reply);
			csvc__db_bind_int(st, 8, t->met_categories);
			csvc__db_bind_text(st, 9, met.data ? met.data : "");
			csvc__db_bind_int(st, 10, t->pause_categories);
			csvc__db_bind_text(st, 11, pause.data ? pause.data : "");
			csvc__db_bind_text(st, 12, warn.data ? warn.data : "");
			csvc__db_bind_int(st, 13, t->recurring);
			csvc__db_bind_int(st, 14, t->pause_on_handoff);
			rc = csvc__db_run(st);
		}
		csvc__buf_free(&met);
		csvc__buf_free(&pause);
		csvc__buf_free(&warn);
		for (size_t k = 0; k < t->n_esc && !rc; k++) {
			const csvc__sla_escalation *e = &t->esc[k];
			if ((rc = csvc__db_stmt(s->db, &SQL_INSERT_ESCALATION, &st)))
				break;
			csvc__db_bind_int(st, 1, id);
			csvc__db_bind_int(st, 2, (int64_t)i);
			csvc__db_bind_int(st, 3, (int64_t)k);
			csvc__db_bind_int(st, 4, e->percent);
			csvc__db_bind_int(st, 5, e->action);
			csvc__db_bind_int(st, 6, e->value);
			csvc__db_bind_text(st, 7, e->assignee);
			csvc__db_bind_text(st, 8, e->team);
			csvc__db_bind_text(st, 9, e->transition);
			rc = csvc__db_run(st);
		}
	}
	return rc;
}

static const char *col(csvc__stmt *st, int i)
{
	return csvc__db_textcol(st, i);
}

static void free_names(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csvc__free(list[i]);
	csvc__free(list);
}

void csvc__sla_policy_rows_free(csvc__sla_policy_rows *r)
{
	for (size_t i = 0; i < r->n_targets; i++) {
		csvc__sla_target_row *t = &r->targets[i];
		csvc__free(t->name);
		csvc__free(t->calendar_name);
		free_names(t->met_states, t->n_met_states);
		free_names(t->pause_states, t->n_pause_states);
		csvc__free(t->warn);
	}
	for (size_t i = 0; i < r->n_escalations; i++) {
		csvc__free(r->escalations[i].assignee);
		csvc__free(r->escalations[i].team);
		csvc__free(r->escalations[i].transition);
	}
	csvc__free(r->targets);
	csvc__free(r->escalations);
	csvc__free(r->name);
	csvc__free(r->kind);
	csvc__free(r->store_code);
	csvc__free(r->channel);
	csvc__free(r->category);
	memset(r, 0, sizeof(*r));
}

/* Splits a stored comma list of names into an array. */
static int split_names(const char *text, char ***list, size_t *n, size_t *cap)
{
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, ",");
		if (len) {
			char **slot = csvc__defs_append(list, n, cap, sizeof(*slot));
			if (!slot)
				return CSVC_ENOMEM;
			if (!(*slot = csvc__malloc(len + 1))) {
				(*n)--;
				return csvc__error(CSVC_ENOMEM, "out of memory");
			}
			memcpy(*slot, p, len);
			(*slot)[len] = '\0';
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return CSVC_OK;
}

/* Splits the stored comma list of warning percentages. A number that does
 * not parse is read as 0 and ends the list. */
static int split_warnings(const char *w, csvc__sla_target_row *t)
{
	while (w && *w) {
		char *end;
		long v = strtol(w, &end, 10);
		int32_t *slot = csvc__defs_append(&t->warn, &t->n_warn, &t->cap_warn, sizeof(*slot));
		if (!slot)
			return CSVC_ENOMEM;
		*slot = (int32_t)v;
		if (end == w)
			break;
		w = end;
		if (*w == ',')
			w++;
	}
	return CSVC_OK;
}

static int read_rows(csvc_store *s, csvc__sla_policy_rows *r)
{
	csvc__stmt *st;
	int rc = csvc__defs_header(s->db, &POLICY_DEFS, r->id, &st);
	if (rc)
		return rc;
	r->version = (int32_t)csvc__db_int(st, 1);
	r->rank = (int32_t)csvc__db_int(st, 2);
	r->priority = (int32_t)csvc__db_int(st, 7);
	r->urgency = (int32_t)csvc__db_int(st, 8);
	r->customer_class = (int32_t)csvc__db_int(st, 9);
	r->tier = (int32_t)csvc__db_int(st, 10);
	if ((rc = csvc__strdup(col(st, 0), &r->name)) || (rc = csvc__strdup(col(st, 3), &r->kind)) ||
	    (rc = csvc__strdup(col(st, 4), &r->store_code)) || (rc = csvc__strdup(col(st, 5), &r->channel)) ||
	    (rc = csvc__strdup(col(st, 6), &r->category))) {
		csvc__db_reset(st);
		return rc;
	}
	csvc__db_reset(st);
	if ((rc = csvc__db_stmt(s->db, &SQL_LOAD_TARGETS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__sla_target_row *t = csvc__defs_append(&r->targets, &r->n_targets, &r->cap_targets, sizeof(*t));
		if (!t || (rc = csvc__strdup(col(st, 0), &t->name)) || (rc = csvc__strdup(col(st, 3), &t->calendar_name)) ||
		    (rc = split_names(col(st, 6), &t->met_states, &t->n_met_states, &t->cap_met_states)) ||
		    (rc = split_names(col(st, 8), &t->pause_states, &t->n_pause_states, &t->cap_pause_states)) ||
		    (rc = split_warnings(col(st, 9), t))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		t->duration = csvc__db_int(st, 1);
		t->calendar = (int32_t)csvc__db_int(st, 2);
		t->met_reply = (int32_t)csvc__db_int(st, 4);
		t->met_categories = (uint32_t)csvc__db_int(st, 5);
		t->pause_categories = (uint32_t)csvc__db_int(st, 7);
		t->recurring = (int32_t)csvc__db_int(st, 10);
		t->pause_on_handoff = (int32_t)csvc__db_int(st, 11);
	}
	if (rc < 0 || (rc = csvc__db_stmt(s->db, &SQL_LOAD_ESCALATIONS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__sla_escalation_row *e =
			csvc__defs_append(&r->escalations, &r->n_escalations, &r->cap_escalations, sizeof(*e));
		if (!e || (rc = csvc__strdup(col(st, 4), &e->assignee)) || (rc = csvc__strdup(col(st, 5), &e->team)) ||
		    (rc = csvc__strdup(col(st, 6), &e->transition))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		e->target = csvc__db_int(st, 0);
		e->percent = (int32_t)csvc__db_int(st, 1);
		e->action = (int32_t)csvc__db_int(st, 2);
		e->value = (int32_t)csvc__db_int(st, 3);
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_policy_read(csvc_store *s, const char *name, int32_t version, int64_t rowid,
                             csvc__sla_policy_rows *out)
{
	memset(out, 0, sizeof(*out));
	out->id = rowid;
	int rc = rowid ? CSVC_OK : csvc__defs_resolve(s->db, &POLICY_DEFS, name, version, &out->id, NULL);
	if (!rc)
		rc = read_rows(s, out);
	if (rc)
		csvc__sla_policy_rows_free(out);
	return rc;
}

int csvc__sla_db_policy_retire(csvc_store *s, const char *name)
{
	int rc = csvc__defs_retire(s->db, &POLICY_DEFS, name);
	if (!rc)
		rc = csvc__feed_definition(s, "sla_policy_retired", "sla_policy", name, 0, NULL, 0);
	return rc;
}

int csvc__sla_db_current(csvc_store *s, int64_t **ids, size_t *n)
{
	return csvc__db_collect_ids(s->db, &SQL_CURRENT, 0, ids, n);
}

static int single_int(csvc_store *s, const csvc__sql *sql, int64_t key, int64_t *out, int *found)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, sql, &st);
	if (rc)
		return rc;
	if (st->nparams)
		csvc__db_bind_int(st, 1, key);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	*found = rc == CSVC__ROW && !csvc__db_is_null(st, 0);
	*out = *found ? csvc__db_int(st, 0) : 0;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_stamp(csvc_store *s, int64_t *stamp)
{
	int found;
	return single_int(s, &SQL_STAMP, 0, stamp, &found);
}

int csvc__sla_db_store_calendar(csvc_store *s, const char *store_code, char *name, size_t n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STORE_CALENDAR, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	snprintf(name, n, "%s", rc == CSVC__ROW ? col(st, 0) : "");
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_calendar_stamp(csvc_store *s, const char *name, int64_t *updated)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CALENDAR_STAMP, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	int found = rc == CSVC__ROW;
	*updated = found ? csvc__db_int(st, 0) : 0;
	csvc__db_reset(st);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no calendar '%s'", name);
	return CSVC_OK;
}


static void read_clock(csvc__stmt *st, int first, csvc__sla_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->idx = (int32_t)csvc__db_int(st, first);
	snprintf(c->name, sizeof(c->name), "%s", col(st, first + 1) ? col(st, first + 1) : "");
	snprintf(c->calendar, sizeof(c->calendar), "%s", col(st, first + 2) ? col(st, first + 2) : "");
	c->phase = (int32_t)csvc__db_int(st, first + 3);
	c->used = csvc__db_int(st, first + 4);
	c->since = csvc__db_int(st, first + 5);
	c->met_at = csvc__db_int(st, first + 6);
	c->met_via_state = (int32_t)csvc__db_int(st, first + 7);
	c->breached_at = csvc__db_int(st, first + 8);
	c->fired = (uint32_t)csvc__db_int(st, first + 9);
	c->cycle = (int32_t)csvc__db_int(st, first + 10);
	c->due = csvc__db_int(st, first + 11);
	c->next_alarm = csvc__db_int(st, first + 12);
	c->next_pct = (int32_t)csvc__db_int(st, first + 13);
	snprintf(c->fault, sizeof(c->fault), "%s", col(st, first + 14) ? col(st, first + 14) : "");
}

int csvc__sla_db_ticket_load(csvc_store *s, int64_t rowid, csvc__sla_ticket *out)
{
	out->rowid = rowid;
	out->n = 0;
	out->policy_id = 0;
	out->policy_changed = 0;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TICKET_CLOCKS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW && out->n < CSVC_SLA_MAX_TARGETS) {
		out->policy_id = csvc__db_int(st, 15);
		read_clock(st, 0, &out->clocks[out->n++]);
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

static void bind_null_zero(csvc__stmt *st, int i, int64_t v)
{
	if (v)
		csvc__db_bind_int(st, i, v);
	else
		csvc__db_bind_null(st, i);
}

/* The insert of n clock rows in one statement; its text is built once per
 * store and kept (the statement cache is keyed by the text's address). */
static int insert_clocks_stmt(csvc_store *s, size_t n, csvc__stmt **st)
{
	csvc__sla_state *state = csvc__sla_state_of(s);
	if (!state->insert_sql[n]) {
		csvc__sql *sql = csvc__calloc(1, sizeof(*sql));
		csvc__buf b = {0};
		csvc__buf_puts(&b, csvc__db_text(s->db, &SQL_INSERT_CLOCKS_HEAD));
		for (size_t i = 0; i < n; i++) {
			csvc__buf_puts(&b, i ? ",(" : "(");
			for (int k = 1; k <= CLOCK_COLUMNS; k++)
				csvc__buf_printf(&b, k > 1 ? ",$%zu" : "$%zu", i * CLOCK_COLUMNS + (size_t)k);
			csvc__buf_puts(&b, ")");
		}
		if (b.failed || !sql) {
			csvc__buf_free(&b);
			csvc__free(sql);
			return csvc__error(CSVC_ENOMEM, "out of memory");
		}
		/* Only this connection's dialect is filled in. */
		sql->text[csvc__db_dialect(s->db)] = b.data;
		state->insert_sql[n] = sql;
	}
	return csvc__db_stmt(s->db, state->insert_sql[n], st);
}

/* Inserts every clock (a new ticket, or after a policy change: the caller
 * deleted the old rows). */
static int insert_clocks(csvc_store *s, const csvc__sla_ticket *t, int64_t initial_policy)
{
	csvc__stmt *st;
	int rc = insert_clocks_stmt(s, t->n, &st);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->n; i++) {
		const csvc__sla_clock *c = &t->clocks[i];
		int k = (int)i * CLOCK_COLUMNS;
		csvc__db_bind_int(st, k + 1, t->rowid);
		csvc__db_bind_int(st, k + 2, c->idx);
		csvc__db_bind_int(st, k + 3, t->policy_id);
		csvc__db_bind_int(st, k + 4, initial_policy);
		csvc__db_bind_text(st, k + 5, c->calendar[0] ? c->calendar : NULL);
		csvc__db_bind_int(st, k + 6, c->phase);
		csvc__db_bind_int(st, k + 7, c->used);
		csvc__db_bind_int(st, k + 8, c->since);
		bind_null_zero(st, k + 9, c->met_at);
		csvc__db_bind_int(st, k + 10, c->met_via_state);
		bind_null_zero(st, k + 11, c->breached_at);
		csvc__db_bind_int(st, k + 12, c->fired);
		csvc__db_bind_int(st, k + 13, c->cycle);
		bind_null_zero(st, k + 14, c->due);
		bind_null_zero(st, k + 15, c->next_alarm);
		csvc__db_bind_int(st, k + 16, c->next_pct);
		csvc__db_bind_int(st, k + 17, (c->fired & ~CSVC__SLA_BREACH_BIT) != 0);
		csvc__db_bind_text(st, k + 18, c->fault[0] ? c->fault : NULL);
	}
	return csvc__db_run(st);
}

int csvc__sla_db_ticket_save(csvc_store *s, const csvc__sla_ticket *t, int inserted, int64_t initial_policy)
{
	if (inserted || t->policy_changed)
		return t->n ? insert_clocks(s, t, initial_policy) : CSVC_OK;
	int rc = CSVC_OK;
	for (size_t i = 0; i < t->n && !rc; i++) {
		const csvc__sla_clock *c = &t->clocks[i];
		csvc__stmt *st;
		if ((rc = csvc__db_stmt(s->db, &SQL_UPDATE_CLOCK, &st)))
			break;
		csvc__db_bind_int(st, 1, t->rowid);
		csvc__db_bind_int(st, 2, c->idx);
		csvc__db_bind_int(st, 3, c->phase);
		csvc__db_bind_int(st, 4, c->used);
		csvc__db_bind_int(st, 5, c->since);
		bind_null_zero(st, 6, c->met_at);
		csvc__db_bind_int(st, 7, c->met_via_state);
		bind_null_zero(st, 8, c->breached_at);
		csvc__db_bind_int(st, 9, c->fired);
		csvc__db_bind_int(st, 10, c->cycle);
		bind_null_zero(st, 11, c->due);
		bind_null_zero(st, 12, c->next_alarm);
		csvc__db_bind_int(st, 13, c->next_pct);
		csvc__db_bind_int(st, 14, (c->fired & ~CSVC__SLA_BREACH_BIT) != 0);
		csvc__db_bind_text(st, 15, c->fault[0] ? c->fault : NULL);
		rc = csvc__db_run(st);
	}
	return rc;
}

static const csvc__sql SQL_TICKET_UUID = CSVC__SQL("SELECT uuid FROM tickets WHERE id = $1");

int csvc__sla_db_ticket_uuid(csvc_store *s, int64_t rowid, csvc_uuid *id)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TICKET_UUID, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	int found = rc == CSVC__ROW && csvc__db_uuid(st, 0, id);
	csvc__db_reset(st);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no ticket with internal id %lld", (long long)rowid);
	return CSVC_OK;
}

int csvc__sla_db_ticket_initial_policy(csvc_store *s, int64_t rowid, int64_t *policy_id)
{
	int found;
	int rc = single_int(s, &SQL_TICKET_INITIAL_POLICY, rowid, policy_id, &found);
	if (!rc && !found)
		*policy_id = 0;
	return rc;
}

int csvc__sla_db_ticket_delete_clocks(csvc_store *s, int64_t rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_DELETE_CLOCKS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	return csvc__db_run(st);
}

int csvc__sla_db_next_alarm(csvc_store *s, csvc_time_us until, int64_t *ticket_rowid, csvc_time_us *at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_NEXT_ALARM, &st);
	if (rc)
		return rc;
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE || csvc__db_int(st, 1) > until) {
		csvc__db_reset(st);
		return CSVC_ITEROVER;
	}
	*ticket_rowid = csvc__db_int(st, 0);
	*at = csvc__db_int(st, 1);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_log(csvc_store *s, int64_t rowid, csvc__sla_log_fn fn, void *ud)
{
	/* A statement of its own: the callback may run cached ones. */
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare(s->db, csvc__db_text(s->db, &SQL_LOG), &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	int step = CSVC__DONE;
	while (!rc && (step = csvc__db_step(st)) == CSVC__ROW)
		rc = fn(col(st, 0), csvc__db_int(st, 1), col(st, 2), (int32_t)csvc__db_int(st, 3), col(st, 4), col(st, 5),
		        ud);
	if (!rc && step < 0)
		rc = step;
	csvc__db_finalize(st);
	return rc;
}

int csvc__sla_db_first_store_calendar(csvc_store *s, int64_t rowid, char *name, size_t n, int *found)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_FIRST_STORE_CALENDAR, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	*found = 0;
	int step = csvc__db_step(st);
	if (step == CSVC__ROW && col(st, 0)) {
		snprintf(name, n, "%s", col(st, 0));
		*found = 1;
	}
	csvc__db_reset(st);
	return step < 0 ? step : CSVC_OK;
}

/* ---- lists ---- */

/*
 * A list is a set of (ticket, target) keys taken when it opens, in list
 * order; each target is read by its key when it is returned. So no
 * statement stays active between two calls, no read snapshot is held and
 * the store can write while a list is open. 16 bytes a key.
 */
struct csvc__sla_row_cursor {
	csvc_store *store;
	size_t n, pos;
	int64_t *keys; /* ticket rowid, target index; pairs */
};

#define LIST_SELECT \
	"SELECT t.uuid, t.number, p.name, p.version, d.duration_us, c.idx, d.name, c.calendar, c.phase," \
	" c.used_us, c.since_us, c.met_at, c.met_via_state, c.breached_at, c.fired, c.cycle, c.due_us," \
	" c.next_alarm_us, c.next_pct, c.fault"
#define LIST_FROM \
	" FROM sla_targets c JOIN tickets t ON t.id = c.ticket_id" \
	" JOIN sla_policies p ON p.id = c.policy_id" \
	" JOIN sla_policy_targets d ON d.policy_id = c.policy_id AND d.idx = c.idx"
#define KEY_SELECT "SELECT c.ticket_id, c.idx"
#define KEY_FROM " FROM sla_targets c"

static const csvc__sql SQL_LIST_ONE = CSVC__SQL(LIST_SELECT LIST_FROM " WHERE c.ticket_id = $1 AND c.idx = $2");
static const csvc__sql SQL_LIST_TICKET = CSVC__SQL(KEY_SELECT KEY_FROM " WHERE c.ticket_id = $1 ORDER BY c.idx");
/*
 * The lists as of ?1 (the store clock), whether or not csvc_sla_advance has
 * recorded what is due: each is the rows recorded (a partial index read in
 * order) and the rows whose alarm is due but not yet emitted (a range of
 * the pending-alarm index: as many as advance has left behind), merged by
 * the 3rd column.
 *
 * At risk: running, a warning crossed (recorded, or its instant reached),
 * the deadline not passed (due >= now: the due instant is still on time).
 */
#define AT_RISK(store) \
	KEY_SELECT ", c.due_us" KEY_FROM \
	" WHERE c.phase = 1 AND c.warned = 1 AND c.breached_at IS NULL AND c.due_us >= $1" store \
	" UNION ALL " \
	KEY_SELECT ", c.due_us" KEY_FROM \
	" WHERE c.next_alarm_us IS NOT NULL AND c.next_alarm_us <= $1 AND c.next_pct < 100 AND c.phase = 1" \
	" AND c.warned = 0 AND c.breached_at IS NULL AND c.due_us >= $1" store \
	" ORDER BY 3 LIMIT $2"
/* Breached: recorded and not met or ended, or running past its deadline
 * (breached at the due instant; its breach alarm is then pending). */
#define BREACHED(store) \
	KEY_SELECT ", c.breached_at" KEY_FROM " WHERE c.breached_at IS NOT NULL AND c.phase IN (1, 2)" store \
	" UNION ALL " \
	KEY_SELECT ", c.due_us" KEY_FROM \
	" WHERE c.next_alarm_us IS NOT NULL AND c.next_alarm_us <= $1 AND c.phase = 1 AND c.breached_at IS NULL" \
	" AND c.due_us < $1" store \
	" ORDER BY 3 LIMIT $2"
/* One store's (a principal limited to it, access.h): each row's ticket
 * looked up by its key. */
#define OF_STORE " AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.store_code = $3)"
static const csvc__sql SQL_LIST_AT_RISK = CSVC__SQL(AT_RISK(""));
static const csvc__sql SQL_LIST_AT_RISK_STORE = CSVC__SQL(AT_RISK(OF_STORE));
static const csvc__sql SQL_LIST_BREACHED = CSVC__SQL(BREACHED(""));
static const csvc__sql SQL_LIST_BREACHED_STORE = CSVC__SQL(BREACHED(OF_STORE));

int csvc__sla_db_list(csvc_store *s, int list, int64_t ticket_rowid, const char *store_code, uint32_t limit,
                      csvc_time_us now, csvc__sla_row_cursor **out)
{
	const csvc__sql *sql = &SQL_LIST_TICKET;
	if (list == CSVC__SLA_LIST_AT_RISK && store_code)
		sql = &SQL_LIST_AT_RISK_STORE;
	else if (list == CSVC__SLA_LIST_AT_RISK)
		sql = &SQL_LIST_AT_RISK;
	else if (list == CSVC__SLA_LIST_BREACHED && store_code)
		sql = &SQL_LIST_BREACHED_STORE;
	else if (list == CSVC__SLA_LIST_BREACHED)
		sql = &SQL_LIST_BREACHED;
	csvc__sla_row_cursor *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	c->store = s;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, sql, &st);
	if (rc) {
		csvc__free(c);
		return rc;
	}
	if (list == CSVC__SLA_LIST_TICKET) {
		csvc__db_bind_int(st, 1, ticket_rowid);
	} else {
		csvc__db_bind_int(st, 1, now);
		/* No limit: -1 on SQLite, NULL (LIMIT ALL) on PostgreSQL. */
		if (limit)
			csvc__db_bind_int(st, 2, (int64_t)limit);
		else if (csvc__db_dialect(s->db) == CSVC__DIALECT_POSTGRES)
			csvc__db_bind_null(st, 2);
		else
			csvc__db_bind_int(st, 2, -1);
		if (store_code)
			csvc__db_bind_text(st, 3, store_code);
	}
	size_t cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *k = csvc__realloc(c->keys, cap * 2 * sizeof(*k));
			if (!k) {
				csvc__db_reset(st);
				csvc__sla_db_list_free(c);
				return csvc__error(CSVC_ENOMEM, "out of memory reading an SLA list");
			}
			c->keys = k;
		}
		c->keys[2 * c->n] = csvc__db_int(st, 0);
		c->keys[2 * c->n + 1] = csvc__db_int(st, 1);
		c->n++;
	}
	if (rc < 0) {
		csvc__sla_db_list_free(c);
		return rc;
	}
	csvc__db_reset(st);
	*out = c;
	return CSVC_OK;
}

int csvc__sla_db_list_next(csvc__sla_row_cursor *c, csvc_uuid *ticket, char *number, size_t number_n,
                           char *policy, size_t policy_n, int32_t *policy_version, int64_t *duration,
                           csvc__sla_clock *clock)
{
	while (c->pos < c->n) {
		csvc__stmt *st;
		int rc = csvc__db_stmt(c->store->db, &SQL_LIST_ONE, &st);
		if (rc)
			return rc;
		csvc__db_bind_int(st, 1, c->keys[2 * c->pos]);
		csvc__db_bind_int(st, 2, c->keys[2 * c->pos + 1]);
		rc = csvc__db_step(st);
		if (rc < 0)
			return rc; /* the same target is read again next time */
		c->pos++;
		if (rc == CSVC__DONE)
			continue; /* gone since the list was taken */
		csvc__db_uuid(st, 0, ticket);
		snprintf(number, number_n, "%s", col(st, 1));
		snprintf(policy, policy_n, "%s", col(st, 2));
		*policy_version = (int32_t)csvc__db_int(st, 3);
		*duration = csvc__db_int(st, 4);
		read_clock(st, 5, clock);
		csvc__db_reset(st);
		return CSVC_OK;
	}
	return CSVC_ITEROVER;
}

void csvc__sla_db_list_free(csvc__sla_row_cursor *c)
{
	if (!c)
		return;
	csvc__free(c->keys);
	csvc__free(c);
}
