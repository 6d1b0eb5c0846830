/*
 * Routing storage: rules, the round-robin cursors, and the reads a
 * routing decision makes (the matching rule, the team's members with
 * their load and skills). Every statement is a fixed text with bound
 * parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route-internal.h"
#include "store/store-internal.h"

#define RULE_COLUMNS                                                                                          \
	"SELECT r.id, r.code, t.code, r.strategy, r.position, r.designated, r.kind, r.category, r.channel,"    \
	" r.store_code, r.customer_class, r.active, r.revision, r.created_us, r.updated_us"                   \
	" FROM route_rules r JOIN teams t ON t.id = r.team_id"
static const csvc__sql SQL_LOAD = CSVC__SQL(RULE_COLUMNS " WHERE r.code = $1");
/* Codes in byte order on both engines (PostgreSQL's default collation
 * may not be). */
static const csvc__sql SQL_LIST = CSVC__SQL_DIALECTS(RULE_COLUMNS " ORDER BY r.position, r.code",
                                                     RULE_COLUMNS " ORDER BY r.position, r.code COLLATE \"C\"");
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
/* What routing's cache is built from: a stamp of rules, teams and staff
 * (staff_events has an entry for every change to a staff record), the
 * active rules in order (route_rules_order), a team's members and their
 * skills (staff_teams_team). */
static const csvc__sql SQL_STAMP = CSVC__SQL(
	"SELECT (SELECT count(*) FROM route_rules), (SELECT coalesce(sum(revision), 0) FROM route_rules),"
	" (SELECT coalesce(sum(revision), 0) FROM teams), (SELECT coalesce(max(id), 0) FROM staff_events)");
#define RULES                                                                                                \
	"SELECT r.id, r.code, r.revision, r.strategy, r.designated, t.id, t.code, r.kind, r.category, r.channel," \
	" r.store_code, r.customer_class FROM route_rules r JOIN teams t ON t.id = r.team_id"                   \
	" WHERE r.active = 1 AND t.active = 1 ORDER BY r.position, r.code"
static const csvc__sql SQL_RULES = CSVC__SQL_DIALECTS(RULES, RULES " COLLATE \"C\"");
/* Members are sorted by code in byte order after reading (the turn
 * compares codes with strcmp). */
static const csvc__sql SQL_MEMBERS = CSVC__SQL(
	"SELECT s.code, s.calendar FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	" WHERE m.team_id = $1 AND s.active = 1");
/* The open loads of a team's members who have any. */
static const csvc__sql SQL_TEAM_LOADS = CSVC__SQL(
	"SELECT s.code, l.open FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	" JOIN ticket_assignee_load l ON l.assignee = s.code WHERE m.team_id = $1 AND s.active = 1");
static const csvc__sql SQL_MEMBER_SKILLS = CSVC__SQL(
	"SELECT s.code, k.kind, k.value FROM staff_teams m JOIN staff s ON s.id = m.staff_id"
	" JOIN staff_skills k ON k.staff_id = s.id"
	" WHERE m.team_id = $1 AND s.active = 1 AND k.kind IN (1, 2, 4)");
static const csvc__sql SQL_CURSOR_GET = CSVC__SQL("SELECT last_code FROM route_cursors WHERE rule_id = $1");
static const csvc__sql SQL_STAFF = CSVC__SQL("SELECT active, calendar FROM staff WHERE code = $1");
static const csvc__sql SQL_CURSOR = CSVC__SQL(
	"INSERT INTO route_cursors (rule_id, last_code) VALUES ($1,$2)"
	" ON CONFLICT (rule_id) DO UPDATE SET last_code = excluded.last_code");

_Static_assert(CSVC_SKILL_TICKET_KIND == 1 && CSVC_SKILL_CATEGORY == 2 && CSVC_SKILL_CHANNEL == 4,
               "SQL_MEMBER_SKILLS names skill kinds by value");

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
	r->code = csvc__db_textcol_copy(st, 1, &oom);
	r->team = csvc__db_textcol_copy(st, 2, &oom);
	r->strategy = (int32_t)csvc__db_int(st, 3);
	r->position = (int32_t)csvc__db_int(st, 4);
	r->designated = csvc__db_int(st, 5) != 0;
	r->kind = csvc__db_textcol_copy(st, 6, &oom);
	r->category = csvc__db_textcol_copy(st, 7, &oom);
	r->channel = csvc__db_textcol_copy(st, 8, &oom);
	r->store_code = csvc__db_textcol_copy(st, 9, &oom);
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

int csvc__route_db_stamp(csvc_store *s, int64_t stamp[4])
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STAMP, &st);
	if (rc)
		return rc;
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	for (int i = 0; i < 4; i++)
		stamp[i] = rc == CSVC__ROW ? csvc__db_int(st, i) : 0;
	csvc__db_reset(st);
	return CSVC_OK;
}

void csvc__route_rule_rows_free(csvc__route_rule_row *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		csvc__free(r[i].code);
		csvc__free(r[i].team);
		csvc__free(r[i].kind);
		csvc__free(r[i].category);
		csvc__free(r[i].channel);
		csvc__free(r[i].store_code);
	}
	csvc__free(r);
}

int csvc__route_db_rules(csvc_store *s, csvc__route_rule_row **out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_RULES, &st);
	if (rc)
		return rc;
	csvc__route_rule_row *r = NULL;
	size_t n = 0, cap = 0;
	int oom = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (n == cap) {
			size_t more = cap ? cap * 2 : 8;
			csvc__route_rule_row *p = csvc__realloc(r, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			r = p;
			cap = more;
		}
		csvc__route_rule_row *e = &r[n++];
		memset(e, 0, sizeof(*e));
		e->rowid = csvc__db_int(st, 0);
		e->code = csvc__db_textcol_copy(st, 1, &oom);
		e->revision = csvc__db_int(st, 2);
		e->strategy = (int32_t)csvc__db_int(st, 3);
		e->designated = csvc__db_int(st, 4) != 0;
		e->team_rowid = csvc__db_int(st, 5);
		e->team = csvc__db_textcol_copy(st, 6, &oom);
		e->kind = csvc__db_textcol_copy(st, 7, &oom);
		e->category = csvc__db_textcol_copy(st, 8, &oom);
		e->channel = csvc__db_textcol_copy(st, 9, &oom);
		e->store_code = csvc__db_textcol_copy(st, 10, &oom);
		e->customer_class = csvc__db_is_null(st, 11) ? 0 : (int32_t)csvc__db_int(st, 11);
		if (oom) {
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
			break;
		}
		if (!e->code || !e->team) {
			rc = csvc__error(CSVC_ECORRUPT, "stored routing rule %lld has no code or team", (long long)e->rowid);
			break;
		}
	}
	csvc__db_reset(st);
	if (rc != CSVC__DONE) {
		csvc__route_rule_rows_free(r, n);
		return rc;
	}
	*out = r;
	*count = n;
	return CSVC_OK;
}

void csvc__route_members_free(csvc__route_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		csvc__free(m[i].calendar);
		for (size_t k = 0; k < m[i].n_skills; k++)
			csvc__free(m[i].skills[k].value);
		csvc__free(m[i].skills);
	}
	csvc__free(m);
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const csvc__route_member *)a)->code, ((const csvc__route_member *)b)->code);
}

/* The index of member `code` in `m` (sorted by code), or n. */
size_t csvc__route_member_find(const csvc__route_member *m, size_t n, const char *code)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m[mid].code, code);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/* Adds a skill to member `code` of `m` (sorted by code). */
static int add_skill(csvc__route_member *m, size_t n, const char *code, int32_t kind, const char *value)
{
	size_t i = csvc__route_member_find(m, n, code);
	if (i == n)
		return CSVC_OK; /* a member who left between the two reads */
	csvc__route_member *e = &m[i];
	csvc__route_skill *p = csvc__realloc(e->skills, (e->n_skills + 1) * sizeof(*p));
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	e->skills = p;
	if (!(p[e->n_skills].value = csvc__strcopy(value)))
		return csvc__error(CSVC_ENOMEM, "out of memory");
	p[e->n_skills++].kind = kind;
	return CSVC_OK;
}

int csvc__route_db_members(csvc_store *s, int64_t team_rowid, csvc__route_member **out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_MEMBERS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, team_rowid);
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
		memset(e, 0, sizeof(*e));
		copy_col(st, 0, e->code, sizeof(e->code));
		e->calendar = csvc__db_textcol_copy(st, 1, &oom);
		if (oom) {
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
			break;
		}
	}
	csvc__db_reset(st);
	if (rc == CSVC__DONE && n)
		qsort(m, n, sizeof(*m), by_code);
	if (rc == CSVC__DONE && n && !(rc = csvc__db_stmt(s->db, &SQL_MEMBER_SKILLS, &st))) {
		csvc__db_bind_int(st, 1, team_rowid);
		while ((rc = csvc__db_step(st)) == CSVC__ROW &&
		       !(rc = add_skill(m, n, csvc__db_textcol(st, 0), (int32_t)csvc__db_int(st, 1),
		                        csvc__db_textcol(st, 2))))
			;
		csvc__db_reset(st);
	}
	if (rc != CSVC__DONE) {
		csvc__route_members_free(m, n);
		return rc;
	}
	*out = m;
	*count = n;
	return CSVC_OK;
}

int csvc__route_db_cursor(csvc_store *s, int64_t rule_rowid, char *last, size_t n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CURSOR_GET, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rule_rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	last[0] = '\0';
	if (rc == CSVC__ROW)
		copy_col(st, 0, last, n);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__route_db_team_loads(csvc_store *s, int64_t team_rowid, const csvc__route_member *m, size_t n,
                              int64_t *loads)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TEAM_LOADS, &st);
	if (rc)
		return rc;
	memset(loads, 0, n * sizeof(*loads));
	csvc__db_bind_int(st, 1, team_rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		size_t i = csvc__route_member_find(m, n, csvc__db_textcol(st, 0));
		if (i < n)
			loads[i] = csvc__db_int(st, 1);
	}
	csvc__db_reset(st);
	return rc == CSVC__DONE ? CSVC_OK : rc;
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
		*calendar = csvc__db_textcol_copy(st, 1, &oom);
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
