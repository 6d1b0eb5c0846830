/*
 * Routing storage: rules, the round-robin cursors, and the reads a
 * routing decision makes (the matching rule, the team's members with
 * their load and skills). Every statement is a fixed text with bound
 * parameters.
 */
#include <stdio.h>
#include <string.h>

#include "route/route-internal.h"
#include "store/store-internal.h"

#define RULE_COLUMNS                                                                                          \
	"SELECT r.id, r.code, t.code, r.strategy, r.position, r.designated, r.kind, r.category, r.channel,"    \
	" r.store_code, r.customer_class, r.active, r.revision, r.created_us, r.updated_us"                   \
	" FROM route_rules r JOIN teams t ON t.id = r.team_id"
static const csvc__sql SQL_LOAD = CSVC__SQL(RULE_COLUMNS " WHERE r.code = $1");
static const csvc__sql SQL_LIST = CSVC__SQL(RULE_COLUMNS " ORDER BY r.position, r.code");
#define STATE "SELECT id, revision FROM route_rules WHERE code = $1"
static const csvc__sql SQL_STATE = CSVC__SQL(STATE);
static const csvc__sql SQL_STATE_LOCK = CSVC__SQL_DIALECTS(STATE, STATE " FOR NO KEY UPDATE");
static const csvc__sql SQL_TEAM = CSVC__SQL("SELECT id FROM teams WHERE code = $1");
static const csvc__sql SQL_INSERT = CSVC__SQL(
	"INSERT INTO route_rules (code, position, team_id, strategy, designated, kind, category, channel,"
	" store_code, customer_class, active, revision, created_us, updated_us)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)");
static const csvc__sql SQL_UPDATE = CSVC__SQL(
	"UPDATE route_rules SET position = $1, team_id = $2, strategy = $3, designated = $4, kind = $5,"
	" category = $6, channel = $7, store_code = $8, customer_class = $9, active = $10, revision = $11,"
	" updated_us = $12 WHERE id = $13");
/* The first rule in order (route_rules_order) whose criteria all match. */
static const csvc__sql SQL_MATCH = CSVC__SQL(
	"SELECT r.id, r.code, r.revision, r.strategy, r.designated, t.id, t.code, c.last_code"
	" FROM route_rules r JOIN teams t ON t.id = r.team_id"
	" LEFT JOIN route_cursors c ON c.rule_id = r.id"
	" WHERE r.active = 1 AND t.active = 1"
	" AND (r.kind IS NULL OR r.kind = $1) AND (r.category IS NULL OR r.category = $2)"
	" AND (r.channel IS NULL OR r.channel = $3) AND (r.store_code IS NULL OR r.store_code = $4)"
	" AND (r.customer_class IS NULL OR r.customer_class = $5)"
	" ORDER BY r.position, r.code LIMIT 1");
static const csvc__sql SQL_MEMBERS = CSVC__SQL(
	"SELECT s.code, s.calendar FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	" WHERE m.team_id = $1 AND s.active = 1 ORDER BY s.code");
/* Open load: tickets not yet resolved (state categories new, open and
 * waiting), kept per assignee by triggers (ticket_assignee_load);
 * skills: staff_skills' key. */
static const csvc__sql SQL_MEMBERS_COUNTS = CSVC__SQL(
	"SELECT s.code, s.calendar,"
	" coalesce((SELECT l.open FROM ticket_assignee_load l WHERE l.assignee = s.code), 0),"
	" (SELECT count(*) FROM staff_skills k WHERE k.staff_id = s.id AND ((k.kind = 1 AND k.value = $2)"
	" OR (k.kind = 2 AND k.value = $3) OR (k.kind = 4 AND k.value = $4)))"
	" FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	" WHERE m.team_id = $1 AND s.active = 1 ORDER BY s.code");
static const csvc__sql SQL_STAFF = CSVC__SQL("SELECT active, calendar FROM staff WHERE code = $1");
static const csvc__sql SQL_CURSOR = CSVC__SQL(
	"INSERT INTO route_cursors (rule_id, last_code) VALUES ($1,$2)"
	" ON CONFLICT (rule_id) DO UPDATE SET last_code = excluded.last_code");

_Static_assert(CSVC_SKILL_TICKET_KIND == 1 && CSVC_SKILL_CATEGORY == 2 && CSVC_SKILL_CHANNEL == 4,
               "SQL_MEMBERS_COUNTS names skill kinds by value");

static char *col_text(csvc__stmt *st, int col, int *oom)
{
	const char *t = csvc__db_textcol(st, col);
	if (!t)
		return NULL;
	char *copy = csvc__strcopy(t);
	if (!copy)
		*oom = 1;
	return copy;
}

static void copy_col(csvc__stmt *st, int col, char *dst, size_t n)
{
	const char *t = csvc__db_textcol(st, col);
	snprintf(dst, n, "%s", t ? t : "");
}

int csvc__route_db_state(csvc_store *s, const char *code, int lock, csvc__route_state_row *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, lock && csvc__db_locking(s->db) ? &SQL_STATE_LOCK : &SQL_STATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no routing rule '%s'", code);
	}
	out->rowid = csvc__db_int(st, 0);
	out->revision = csvc__db_int(st, 1);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__route_db_team(csvc_store *s, const char *code, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TEAM, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no team '%s'", code);
	}
	*rowid = csvc__db_int(st, 0);
	csvc__db_reset(st);
	return CSVC_OK;
}

/* The rule where `st` stands (RULE_COLUMNS). */
static int rule_row(csvc__stmt *st, csvc_route_rule **out)
{
	csvc_route_rule *r;
	int rc = csvc__route_rule_alloc(&r);
	if (rc)
		return rc;
	int oom = 0;
	int64_t rowid = csvc__db_int(st, 0);
	r->code = col_text(st, 1, &oom);
	r->team = col_text(st, 2, &oom);
	r->strategy = (int32_t)csvc__db_int(st, 3);
	r->position = (int32_t)csvc__db_int(st, 4);
	r->designated = csvc__db_int(st, 5) != 0;
	r->kind = col_text(st, 6, &oom);
	r->category = col_text(st, 7, &oom);
	r->channel = col_text(st, 8, &oom);
	r->store_code = col_text(st, 9, &oom);
	r->customer_class = csvc__db_is_null(st, 10) ? 0 : (int32_t)csvc__db_int(st, 10);
	r->active = csvc__db_int(st, 11) != 0;
	r->revision = csvc__db_int(st, 12);
	r->created_at = csvc__db_int(st, 13);
	r->updated_at = csvc__db_int(st, 14);
	if (oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a routing rule");
	else if (!r->code || !r->team)
		rc = csvc__error(CSVC_ECORRUPT, "stored routing rule %lld has no code or team", (long long)rowid);
	if (rc) {
		csvc_route_rule_free(r);
		return rc;
	}
	*out = r;
	return CSVC_OK;
}

int csvc__route_db_load(csvc_store *s, const char *code, csvc_route_rule **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no routing rule '%s'", code);
	}
	rc = rule_row(st, out);
	csvc__db_reset(st);
	return rc;
}

int csvc__route_db_list(csvc_store *s, csvc_route_rule ***out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LIST, &st);
	if (rc)
		return rc;
	csvc_route_rule **rules = NULL;
	size_t n = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (n == cap) {
			size_t more = cap ? cap * 2 : 16;
			csvc_route_rule **p = csvc__realloc(rules, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			rules = p;
			cap = more;
		}
		if ((rc = rule_row(st, &rules[n])))
			break;
		n++;
	}
	csvc__db_reset(st);
	if (rc == CSVC__DONE && !rules && !(rules = csvc__calloc(1, sizeof(*rules))))
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (rc != CSVC__DONE) {
		csvc_route_rule_list_free(rules, n);
		return rc;
	}
	*out = rules;
	*count = n;
	return CSVC_OK;
}

static void bind_opt(csvc__stmt *st, int i, const char *v)
{
	if (v)
		csvc__db_bind_text(st, i, v);
	else
		csvc__db_bind_null(st, i);
}

/* Parameters first..first+8: position, team, strategy, designated, kind,
 * category, channel, store_code, customer_class, active, revision. */
static void bind_rule(csvc__stmt *st, int first, const csvc_route_rule *r, int64_t team_rowid)
{
	csvc__db_bind_int(st, first, r->position);
	csvc__db_bind_int(st, first + 1, team_rowid);
	csvc__db_bind_int(st, first + 2, r->strategy);
	csvc__db_bind_int(st, first + 3, r->designated != 0);
	bind_opt(st, first + 4, r->kind);
	bind_opt(st, first + 5, r->category);
	bind_opt(st, first + 6, r->channel);
	bind_opt(st, first + 7, r->store_code);
	if (r->customer_class)
		csvc__db_bind_int(st, first + 8, r->customer_class);
	else
		csvc__db_bind_null(st, first + 8);
	csvc__db_bind_int(st, first + 9, r->active != 0);
	csvc__db_bind_int(st, first + 10, r->revision);
}

int csvc__route_db_insert(csvc_store *s, const csvc_route_rule *r, int64_t team_rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, r->code);
	bind_rule(st, 2, r, team_rowid);
	csvc__db_bind_int(st, 13, r->created_at);
	csvc__db_bind_int(st, 14, r->updated_at);
	return csvc__db_run(st);
}

int csvc__route_db_update(csvc_store *s, int64_t rowid, const csvc_route_rule *r, int64_t team_rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_UPDATE, &st);
	if (rc)
		return rc;
	bind_rule(st, 1, r, team_rowid);
	csvc__db_bind_int(st, 12, r->updated_at);
	csvc__db_bind_int(st, 13, rowid);
	return csvc__db_run(st);
}

int csvc__route_db_match(csvc_store *s, const csvc__route_subject *subj, csvc__route_match *m)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_MATCH, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, subj->kind);
	bind_opt(st, 2, subj->category);
	bind_opt(st, 3, subj->channel);
	csvc__db_bind_text(st, 4, subj->store_code);
	csvc__db_bind_int(st, 5, subj->customer_class);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return 0;
	}
	m->rule_rowid = csvc__db_int(st, 0);
	copy_col(st, 1, m->rule, sizeof(m->rule));
	m->revision = csvc__db_int(st, 2);
	m->strategy = (int32_t)csvc__db_int(st, 3);
	m->designated = csvc__db_int(st, 4) != 0;
	m->team_rowid = csvc__db_int(st, 5);
	copy_col(st, 6, m->team, sizeof(m->team));
	copy_col(st, 7, m->last, sizeof(m->last));
	csvc__db_reset(st);
	return 1;
}

void csvc__route_members_free(csvc__route_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		csvc__free(m[i].calendar);
	csvc__free(m);
}

int csvc__route_db_members(csvc_store *s, int64_t team_rowid, const csvc__route_subject *subj, int counts,
                           csvc__route_member **out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, counts ? &SQL_MEMBERS_COUNTS : &SQL_MEMBERS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, team_rowid);
	if (counts) {
		csvc__db_bind_text(st, 2, subj->kind);
		bind_opt(st, 3, subj->category);
		bind_opt(st, 4, subj->channel);
	}
	csvc__route_member *m = NULL;
	size_t n = 0, cap = 0;
	int oom = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (n == cap) {
			size_t more = cap ? cap * 2 : 8;
			csvc__route_member *p = csvc__realloc(m, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			m = p;
			cap = more;
		}
		csvc__route_member *e = &m[n++];
		copy_col(st, 0, e->code, sizeof(e->code));
		e->calendar = col_text(st, 1, &oom);
		e->load = counts ? csvc__db_int(st, 2) : 0;
		e->skills = counts ? csvc__db_int(st, 3) : 0;
		if (oom) {
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
			break;
		}
	}
	csvc__db_reset(st);
	if (rc != CSVC__DONE) {
		csvc__route_members_free(m, n);
		return rc;
	}
	*out = m;
	*count = n;
	return CSVC_OK;
}

int csvc__route_db_staff(csvc_store *s, const char *code, int *found, int *active, char **calendar)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STAFF, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	*found = rc == CSVC__ROW;
	*active = 0;
	*calendar = NULL;
	int oom = 0;
	if (*found) {
		*active = csvc__db_int(st, 0) != 0;
		*calendar = col_text(st, 1, &oom);
	}
	csvc__db_reset(st);
	return oom ? csvc__error(CSVC_ENOMEM, "out of memory") : CSVC_OK;
}

int csvc__route_db_set_cursor(csvc_store *s, int64_t rule_rowid, const char *last)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CURSOR, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rule_rowid);
	csvc__db_bind_text(st, 2, last);
	return csvc__db_run(st);
}
