/*
 * SLA storage on SQLite: policy versions, each ticket's policy and its
 * target clocks, with partial indexes for pending alarms, at-risk and
 * breached lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sla-internal.h"
#include "store-internal.h"

static const char SQL_LATEST[] = "SELECT max(version) FROM sla_policies WHERE name = ?";
static const char SQL_INSERT_POLICY[] =
	"INSERT INTO sla_policies (name, version, rank, match_kind, match_store, match_channel,"
	" match_category, match_priority, match_urgency, match_class, match_tier, created_us)"
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_UNRETIRE[] =
	"INSERT INTO sla_policy_names (name, retired) VALUES (?, 0)"
	" ON CONFLICT (name) DO UPDATE SET retired = 0";
static const char SQL_RETIRE[] = "UPDATE sla_policy_names SET retired = 1 WHERE name = ?";
static const char SQL_INSERT_TARGET[] =
	"INSERT INTO sla_policy_targets (policy_id, idx, name, duration_us, calendar, calendar_name, met_reply,"
	" met_categories, met_states, pause_categories, pause_states, warnings, recurring)"
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_INSERT_ESCALATION[] =
	"INSERT INTO sla_policy_escalations (policy_id, target_idx, pos, percent, action, value, assignee,"
	" team, transition) VALUES (?,?,?,?,?,?,?,?,?)";
static const char SQL_LOAD_POLICY[] =
	"SELECT id, name, version, rank, match_kind, match_store, match_channel, match_category,"
	" match_priority, match_urgency, match_class, match_tier FROM sla_policies"
	" WHERE (name = ?1 AND version = ?2) OR id = ?3";
static const char SQL_LOAD_TARGETS[] =
	"SELECT name, duration_us, calendar, calendar_name, met_reply, met_categories, met_states,"
	" pause_categories, pause_states, warnings, recurring FROM sla_policy_targets WHERE policy_id = ?"
	" ORDER BY idx";
static const char SQL_LOAD_ESCALATIONS[] =
	"SELECT target_idx, percent, action, value, assignee, team, transition FROM sla_policy_escalations"
	" WHERE policy_id = ? ORDER BY target_idx, pos";
static const char SQL_CURRENT[] =
	"SELECT p.id FROM sla_policy_names n JOIN sla_policies p ON p.name = n.name"
	" AND p.version = (SELECT max(version) FROM sla_policies q WHERE q.name = n.name)"
	" WHERE n.retired = 0 ORDER BY p.rank, p.name";
static const char SQL_STAMP[] =
	"SELECT coalesce((SELECT max(id) FROM sla_policies), 0) * 65536"
	" + coalesce((SELECT sum(retired) FROM sla_policy_names), 0)";
static const char SQL_STORE_CALENDAR[] =
	"SELECT c.name FROM store_calendars s JOIN calendars c ON c.id = s.calendar_id WHERE s.store_code = ?";
static const char SQL_CALENDAR_STAMP[] = "SELECT updated_us FROM calendars WHERE name = ?";
static const char SQL_CUSTOMER_CLASS[] = "SELECT class, tier FROM customers WHERE id = ?";
static const char SQL_TICKET_INITIAL_POLICY[] =
	"SELECT initial_policy_id FROM sla_targets WHERE ticket_id = ? ORDER BY idx LIMIT 1";
static const char SQL_TICKET_CLOCKS[] =
	"SELECT c.idx, d.name, c.calendar, c.phase, c.used_us, c.since_us, c.met_at, c.met_via_state, c.breached_at,"
	" c.fired, c.cycle, c.due_us, c.next_alarm_us, c.next_pct, c.fault, c.policy_id FROM sla_targets c"
	" JOIN sla_policy_targets d ON d.policy_id = c.policy_id AND d.idx = c.idx"
	" WHERE c.ticket_id = ? ORDER BY c.idx";
static const char SQL_UPDATE_CLOCK[] =
	"UPDATE sla_targets SET phase = ?3, used_us = ?4, since_us = ?5, met_at = ?6, met_via_state = ?7,"
	" breached_at = ?8, fired = ?9, cycle = ?10, due_us = ?11, next_alarm_us = ?12, next_pct = ?13,"
	" warned = ?14, fault = ?15 WHERE ticket_id = ?1 AND idx = ?2";
/* One row of the multi-row insert below. */
#define CLOCK_COLUMNS 18
static const char SQL_INSERT_CLOCKS_HEAD[] =
	"INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar, phase, used_us,"
	" since_us, met_at, met_via_state, breached_at, fired, cycle, due_us, next_alarm_us, next_pct, warned,"
	" fault) VALUES ";
static const char SQL_INSERT_CLOCKS_ROW[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_DELETE_CLOCKS[] = "DELETE FROM sla_targets WHERE ticket_id = ?";
static const char SQL_NEXT_ALARM[] =
	"SELECT ticket_id, next_alarm_us FROM sla_targets WHERE next_alarm_us IS NOT NULL"
	" ORDER BY next_alarm_us LIMIT 1";
static const char SQL_LOG[] =
	"SELECT type, at_us, to_state, json_extract(payload, '$.set.state_category'), payload"
	" FROM ticket_events WHERE ticket_id = ? ORDER BY seq";

int csvc__sla_db_policy_latest(csvc_store *s, const char *name, int32_t *version)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_LATEST, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return CSVC_OK;
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

int csvc__sla_db_policy_insert(csvc_store *s, const csvc_sla_policy *p, int32_t version)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_INSERT_POLICY, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, p->name);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_int(st, 3, p->rank);
	csvc__bind_text(st, 4, p->kind);
	csvc__bind_text(st, 5, p->store_code);
	csvc__bind_text(st, 6, p->channel);
	csvc__bind_text(st, 7, p->category);
	sqlite3_bind_int(st, 8, p->priority);
	sqlite3_bind_int(st, 9, p->urgency);
	sqlite3_bind_int(st, 10, p->customer_class);
	sqlite3_bind_int(st, 11, p->tier);
	sqlite3_bind_int64(st, 12, csvc_store_now(s));
	if ((rc = csvc__exec_stmt(s, st)))
		return rc;
	int64_t id = sqlite3_last_insert_rowid(s->db);
	if ((rc = csvc__stmt(s, SQL_UNRETIRE, &st)))
		return rc;
	csvc__bind_text(st, 1, p->name);
	if ((rc = csvc__exec_stmt(s, st)))
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
		else if (!(rc = csvc__stmt(s, SQL_INSERT_TARGET, &st))) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, (int64_t)i);
			csvc__bind_text(st, 3, t->name);
			sqlite3_bind_int64(st, 4, t->duration);
			sqlite3_bind_int(st, 5, t->calendar);
			csvc__bind_text(st, 6, t->calendar_name);
			sqlite3_bind_int(st, 7, t->met_reply);
			sqlite3_bind_int64(st, 8, t->met_categories);
			csvc__bind_text(st, 9, met.data ? met.data : "");
			sqlite3_bind_int64(st, 10, t->pause_categories);
			csvc__bind_text(st, 11, pause.data ? pause.data : "");
			csvc__bind_text(st, 12, warn.data ? warn.data : "");
			sqlite3_bind_int(st, 13, t->recurring);
			rc = csvc__exec_stmt(s, st);
		}
		csvc__buf_free(&met);
		csvc__buf_free(&pause);
		csvc__buf_free(&warn);
		for (size_t k = 0; k < t->n_esc && !rc; k++) {
			const csvc__sla_escalation *e = &t->esc[k];
			if ((rc = csvc__stmt(s, SQL_INSERT_ESCALATION, &st)))
				break;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, (int64_t)i);
			sqlite3_bind_int64(st, 3, (int64_t)k);
			sqlite3_bind_int(st, 4, e->percent);
			sqlite3_bind_int(st, 5, e->action);
			sqlite3_bind_int(st, 6, e->value);
			csvc__bind_text(st, 7, e->assignee);
			csvc__bind_text(st, 8, e->team);
			csvc__bind_text(st, 9, e->transition);
			rc = csvc__exec_stmt(s, st);
		}
	}
	return rc;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Splits a comma list into a policy's name list through `add`. */
static int split_names(csvc_sla_policy *p, size_t idx, const char *text,
                       int (*add)(csvc_sla_policy *, size_t, const char *))
{
	char buf[CSVC_SLA_MAX_STATES * (CSVC_SLA_MAX_NAME + 1) + 1];
	snprintf(buf, sizeof(buf), "%s", text ? text : "");
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int rc = add(p, idx, tok);
		if (rc)
			return rc;
	}
	return CSVC_OK;
}

static int load_targets(csvc_store *s, csvc_sla_policy *p)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_LOAD_TARGETS, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, p->rowid);
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		size_t i;
		int32_t cal = sqlite3_column_int(st, 2);
		rc = csvc_sla_policy_add_target(p, col(st, 0), sqlite3_column_int64(st, 1), cal,
		                                cal == CSVC_SLA_CALENDAR_NAMED ? col(st, 3) : NULL, &i);
		if (!rc && sqlite3_column_int(st, 4))
			rc = csvc_sla_target_met_by_reply(p, i);
		if (!rc) {
			p->targets[i].met_categories = (uint32_t)sqlite3_column_int64(st, 5);
			p->targets[i].pause_categories = (uint32_t)sqlite3_column_int64(st, 7);
		}
		if (!rc)
			rc = split_names(p, i, col(st, 6), csvc_sla_target_met_by_state);
		if (!rc)
			rc = split_names(p, i, col(st, 8), csvc_sla_target_pause_on_state);
		if (!rc && sqlite3_column_int(st, 10))
			rc = csvc_sla_target_recurring(p, i);
		const char *w = col(st, 9);
		while (!rc && w && *w) {
			rc = csvc_sla_target_warn_at(p, i, (int32_t)strtol(w, (char **)&w, 10));
			if (*w == ',')
				w++;
		}
		if (rc) {
			sqlite3_reset(st);
			if (rc == CSVC_ENOMEM) /* not the data's fault */
				return rc;
			return csvc__error(CSVC_ECORRUPT, "stored SLA policy '%s' has a bad target: %s", p->name,
			                   csvc_error_last()->message);
		}
	}
	if (rc < 0)
		return rc;
	if ((rc = csvc__stmt(s, SQL_LOAD_ESCALATIONS, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, p->rowid);
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		rc = csvc__sla_target_escalate(p, (size_t)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
		                               sqlite3_column_int(st, 2), sqlite3_column_int(st, 3), col(st, 4),
		                               col(st, 5), col(st, 6));
		if (rc) {
			sqlite3_reset(st);
			if (rc == CSVC_ENOMEM) /* not the data's fault */
				return rc;
			return csvc__error(CSVC_ECORRUPT, "stored SLA policy '%s' has a bad escalation", p->name);
		}
	}
	return rc < 0 ? rc : CSVC_OK;
}

int csvc__sla_db_policy_load(csvc_store *s, const char *name, int32_t version, int64_t rowid,
                             csvc_sla_policy **out)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_LOAD_POLICY, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_int64(st, 3, rowid);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no SLA policy '%s' version %d", name ? name : "?", (int)version);
	}
	csvc_sla_policy *p = NULL;
	if ((rc = csvc_sla_policy_new(&p, col(st, 1), sqlite3_column_int(st, 3)))) {
		sqlite3_reset(st);
		return rc;
	}
	p->rowid = sqlite3_column_int64(st, 0);
	int32_t v = sqlite3_column_int(st, 2);
	if ((rc = csvc__strdup(col(st, 4), &p->kind)) || (rc = csvc__strdup(col(st, 5), &p->store_code)) ||
	    (rc = csvc__strdup(col(st, 6), &p->channel)) || (rc = csvc__strdup(col(st, 7), &p->category))) {
		sqlite3_reset(st);
		csvc_sla_policy_free(p);
		return rc;
	}
	p->priority = sqlite3_column_int(st, 8);
	p->urgency = sqlite3_column_int(st, 9);
	p->customer_class = sqlite3_column_int(st, 10);
	p->tier = sqlite3_column_int(st, 11);
	sqlite3_reset(st);
	if ((rc = load_targets(s, p))) {
		csvc_sla_policy_free(p);
		return rc;
	}
	p->version = v;
	csvc__error_clear();
	*out = p;
	return CSVC_OK;
}

int csvc__sla_db_policy_retire(csvc_store *s, const char *name)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_RETIRE, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	if ((rc = csvc__exec_stmt(s, st)))
		return rc;
	if (sqlite3_changes(s->db) == 0)
		return csvc__error(CSVC_ENOTFOUND, "no SLA policy '%s'", name);
	return CSVC_OK;
}

int csvc__sla_db_current(csvc_store *s, int64_t **ids, size_t *n)
{
	return csvc__collect_ids(s, SQL_CURRENT, 0, ids, n);
}

static int single_int(csvc_store *s, const char *sql, int64_t key, int64_t *out, int *found)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, sql, &st);
	if (rc)
		return rc;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, key);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	*found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	*out = *found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_stamp(csvc_store *s, int64_t *stamp)
{
	int found;
	return single_int(s, SQL_STAMP, 0, stamp, &found);
}

int csvc__sla_db_store_calendar(csvc_store *s, const char *store_code, char *name, size_t n)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_STORE_CALENDAR, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, store_code);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	snprintf(name, n, "%s", rc == SQLITE_ROW ? col(st, 0) : "");
	sqlite3_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_calendar_stamp(csvc_store *s, const char *name, int64_t *updated)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_CALENDAR_STAMP, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	int found = rc == SQLITE_ROW;
	*updated = found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no calendar '%s'", name);
	return CSVC_OK;
}

int csvc__sla_db_customer_class(csvc_store *s, int64_t customer_rowid, int32_t *klass, int32_t *tier)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_CUSTOMER_CLASS, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, customer_rowid);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	*klass = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	*tier = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	return CSVC_OK;
}

static void read_clock(sqlite3_stmt *st, int first, csvc__sla_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->idx = sqlite3_column_int(st, first);
	snprintf(c->name, sizeof(c->name), "%s", col(st, first + 1) ? col(st, first + 1) : "");
	snprintf(c->calendar, sizeof(c->calendar), "%s", col(st, first + 2) ? col(st, first + 2) : "");
	c->phase = sqlite3_column_int(st, first + 3);
	c->used = sqlite3_column_int64(st, first + 4);
	c->since = sqlite3_column_int64(st, first + 5);
	c->met_at = sqlite3_column_int64(st, first + 6);
	c->met_via_state = sqlite3_column_int(st, first + 7);
	c->breached_at = sqlite3_column_int64(st, first + 8);
	c->fired = (uint32_t)sqlite3_column_int64(st, first + 9);
	c->cycle = sqlite3_column_int(st, first + 10);
	c->due = sqlite3_column_int64(st, first + 11);
	c->next_alarm = sqlite3_column_int64(st, first + 12);
	c->next_pct = sqlite3_column_int(st, first + 13);
	snprintf(c->fault, sizeof(c->fault), "%s", col(st, first + 14) ? col(st, first + 14) : "");
}

int csvc__sla_db_ticket_load(csvc_store *s, int64_t rowid, csvc__sla_ticket *out)
{
	out->rowid = rowid;
	out->n = 0;
	out->policy_id = 0;
	out->policy_changed = 0;
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_TICKET_CLOCKS, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	while ((rc = csvc__step(s, st)) == SQLITE_ROW && out->n < CSVC_SLA_MAX_TARGETS) {
		out->policy_id = sqlite3_column_int64(st, 15);
		read_clock(st, 0, &out->clocks[out->n++]);
	}
	if (rc < 0)
		return rc;
	sqlite3_reset(st);
	return CSVC_OK;
}

static void bind_null_zero(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* The insert of n clock rows in one statement; its text is built once per
 * store and kept (the statement cache is keyed by the text's address). */
static int insert_clocks_stmt(csvc_store *s, size_t n, sqlite3_stmt **st)
{
	if (!s->sla_insert_sql[n]) {
		csvc__buf b = {0};
		csvc__buf_puts(&b, SQL_INSERT_CLOCKS_HEAD);
		for (size_t i = 0; i < n; i++) {
			if (i)
				csvc__buf_put(&b, ",", 1);
			csvc__buf_puts(&b, SQL_INSERT_CLOCKS_ROW);
		}
		if (b.failed) {
			csvc__buf_free(&b);
			return csvc__error(CSVC_ENOMEM, "out of memory");
		}
		s->sla_insert_sql[n] = b.data;
	}
	return csvc__stmt(s, s->sla_insert_sql[n], st);
}

/* Inserts every clock (a new ticket, or after a policy change: the caller
 * deleted the old rows). */
static int insert_clocks(csvc_store *s, const csvc__sla_ticket *t, int64_t initial_policy)
{
	sqlite3_stmt *st;
	int rc = insert_clocks_stmt(s, t->n, &st);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->n; i++) {
		const csvc__sla_clock *c = &t->clocks[i];
		int k = (int)i * CLOCK_COLUMNS;
		sqlite3_bind_int64(st, k + 1, t->rowid);
		sqlite3_bind_int(st, k + 2, c->idx);
		sqlite3_bind_int64(st, k + 3, t->policy_id);
		sqlite3_bind_int64(st, k + 4, initial_policy);
		csvc__bind_text(st, k + 5, c->calendar[0] ? c->calendar : NULL);
		sqlite3_bind_int(st, k + 6, c->phase);
		sqlite3_bind_int64(st, k + 7, c->used);
		sqlite3_bind_int64(st, k + 8, c->since);
		bind_null_zero(st, k + 9, c->met_at);
		sqlite3_bind_int(st, k + 10, c->met_via_state);
		bind_null_zero(st, k + 11, c->breached_at);
		sqlite3_bind_int64(st, k + 12, c->fired);
		sqlite3_bind_int(st, k + 13, c->cycle);
		bind_null_zero(st, k + 14, c->due);
		bind_null_zero(st, k + 15, c->next_alarm);
		sqlite3_bind_int(st, k + 16, c->next_pct);
		sqlite3_bind_int(st, k + 17, (c->fired & ~CSVC__SLA_BREACH_BIT) != 0);
		csvc__bind_text(st, k + 18, c->fault[0] ? c->fault : NULL);
	}
	return csvc__exec_stmt(s, st);
}

int csvc__sla_db_ticket_save(csvc_store *s, const csvc__sla_ticket *t, int inserted, int64_t initial_policy)
{
	if (inserted || t->policy_changed)
		return t->n ? insert_clocks(s, t, initial_policy) : CSVC_OK;
	int rc = CSVC_OK;
	for (size_t i = 0; i < t->n && !rc; i++) {
		const csvc__sla_clock *c = &t->clocks[i];
		sqlite3_stmt *st;
		if ((rc = csvc__stmt(s, SQL_UPDATE_CLOCK, &st)))
			break;
		sqlite3_bind_int64(st, 1, t->rowid);
		sqlite3_bind_int(st, 2, c->idx);
		sqlite3_bind_int(st, 3, c->phase);
		sqlite3_bind_int64(st, 4, c->used);
		sqlite3_bind_int64(st, 5, c->since);
		bind_null_zero(st, 6, c->met_at);
		sqlite3_bind_int(st, 7, c->met_via_state);
		bind_null_zero(st, 8, c->breached_at);
		sqlite3_bind_int64(st, 9, c->fired);
		sqlite3_bind_int(st, 10, c->cycle);
		bind_null_zero(st, 11, c->due);
		bind_null_zero(st, 12, c->next_alarm);
		sqlite3_bind_int(st, 13, c->next_pct);
		sqlite3_bind_int(st, 14, (c->fired & ~CSVC__SLA_BREACH_BIT) != 0);
		csvc__bind_text(st, 15, c->fault[0] ? c->fault : NULL);
		rc = csvc__exec_stmt(s, st);
	}
	return rc;
}

int csvc__sla_db_ticket_uuid(csvc_store *s, int64_t rowid, csvc_uuid *id)
{
	static const char sql[] = "SELECT uuid FROM tickets WHERE id = ?";
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, sql, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	int found = rc == SQLITE_ROW && csvc__column_uuid(st, 0, id);
	sqlite3_reset(st);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no ticket with internal id %lld", (long long)rowid);
	return CSVC_OK;
}

int csvc__sla_db_ticket_initial_policy(csvc_store *s, int64_t rowid, int64_t *policy_id)
{
	int found;
	int rc = single_int(s, SQL_TICKET_INITIAL_POLICY, rowid, policy_id, &found);
	if (!rc && !found)
		*policy_id = 0;
	return rc;
}

int csvc__sla_db_ticket_delete_clocks(csvc_store *s, int64_t rowid)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_DELETE_CLOCKS, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	return csvc__exec_stmt(s, st);
}

int csvc__sla_db_next_alarm(csvc_store *s, csvc_time_us until, int64_t *ticket_rowid, csvc_time_us *at)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_NEXT_ALARM, &st);
	if (rc)
		return rc;
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	if (rc == SQLITE_DONE || sqlite3_column_int64(st, 1) > until) {
		sqlite3_reset(st);
		return CSVC_ITEROVER;
	}
	*ticket_rowid = sqlite3_column_int64(st, 0);
	*at = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return CSVC_OK;
}

int csvc__sla_db_log(csvc_store *s, int64_t rowid, csvc__sla_log_fn fn, void *ud)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, SQL_LOG, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return csvc__sqlite_error(s, rc, "reading a ticket's events");
	}
	sqlite3_bind_int64(st, 1, rowid);
	rc = CSVC_OK;
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(col(st, 0), sqlite3_column_int64(st, 1), col(st, 2), sqlite3_column_int(st, 3), col(st, 4), ud);
	if (!rc && step != SQLITE_DONE)
		rc = csvc__sqlite_error(s, step, "reading a ticket's events");
	sqlite3_finalize(st);
	return rc;
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

static const char SQL_LIST_ONE[] = LIST_SELECT LIST_FROM " WHERE c.ticket_id = ?1 AND c.idx = ?2";
static const char SQL_LIST_TICKET[] = KEY_SELECT KEY_FROM " WHERE c.ticket_id = ?1 ORDER BY c.idx";
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
static const char SQL_LIST_AT_RISK[] =
	KEY_SELECT ", c.due_us" KEY_FROM
	" WHERE c.phase = 1 AND c.warned = 1 AND c.breached_at IS NULL AND c.due_us >= ?1"
	" UNION ALL "
	KEY_SELECT ", c.due_us" KEY_FROM
	" WHERE c.next_alarm_us IS NOT NULL AND c.next_alarm_us <= ?1 AND c.next_pct < 100 AND c.phase = 1"
	" AND c.warned = 0 AND c.breached_at IS NULL AND c.due_us >= ?1"
	" ORDER BY 3 LIMIT ?2";
/* Breached: recorded and not met or ended, or running past its deadline
 * (breached at the due instant; its breach alarm is then pending). */
static const char SQL_LIST_BREACHED[] =
	KEY_SELECT ", c.breached_at" KEY_FROM " WHERE c.breached_at IS NOT NULL AND c.phase IN (1, 2)"
	" UNION ALL "
	KEY_SELECT ", c.due_us" KEY_FROM
	" WHERE c.next_alarm_us IS NOT NULL AND c.next_alarm_us <= ?1 AND c.phase = 1 AND c.breached_at IS NULL"
	" AND c.due_us < ?1"
	" ORDER BY 3 LIMIT ?2";

int csvc__sla_db_list(csvc_store *s, int list, int64_t ticket_rowid, uint32_t limit, csvc_time_us now,
                      csvc__sla_row_cursor **out)
{
	const char *sql = list == CSVC__SLA_LIST_TICKET     ? SQL_LIST_TICKET
	                  : list == CSVC__SLA_LIST_AT_RISK ? SQL_LIST_AT_RISK
	                                                   : SQL_LIST_BREACHED;
	csvc__sla_row_cursor *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	c->store = s;
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, sql, &st);
	if (rc) {
		csvc__free(c);
		return rc;
	}
	if (list == CSVC__SLA_LIST_TICKET) {
		sqlite3_bind_int64(st, 1, ticket_rowid);
	} else {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
	}
	size_t cap = 0;
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *k = csvc__realloc(c->keys, cap * 2 * sizeof(*k));
			if (!k) {
				sqlite3_reset(st);
				csvc__sla_db_list_free(c);
				return csvc__error(CSVC_ENOMEM, "out of memory reading an SLA list");
			}
			c->keys = k;
		}
		c->keys[2 * c->n] = sqlite3_column_int64(st, 0);
		c->keys[2 * c->n + 1] = sqlite3_column_int64(st, 1);
		c->n++;
	}
	if (rc < 0) {
		csvc__sla_db_list_free(c);
		return rc;
	}
	sqlite3_reset(st);
	*out = c;
	return CSVC_OK;
}

int csvc__sla_db_list_next(csvc__sla_row_cursor *c, csvc_uuid *ticket, char *number, size_t number_n,
                           char *policy, size_t policy_n, int32_t *policy_version, int64_t *duration,
                           csvc__sla_clock *clock)
{
	while (c->pos < c->n) {
		sqlite3_stmt *st;
		int rc = csvc__stmt(c->store, SQL_LIST_ONE, &st);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, c->keys[2 * c->pos]);
		sqlite3_bind_int64(st, 2, c->keys[2 * c->pos + 1]);
		rc = csvc__step(c->store, st);
		if (rc < 0)
			return rc; /* the same target is read again next time */
		c->pos++;
		if (rc == SQLITE_DONE)
			continue; /* gone since the list was taken */
		csvc__column_uuid(st, 0, ticket);
		snprintf(number, number_n, "%s", col(st, 1));
		snprintf(policy, policy_n, "%s", col(st, 2));
		*policy_version = sqlite3_column_int(st, 3);
		*duration = sqlite3_column_int64(st, 4);
		read_clock(st, 5, clock);
		sqlite3_reset(st);
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
