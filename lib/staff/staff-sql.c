/*
 * Staff directory storage. Every statement is a fixed text with bound
 * parameters; the query builder only joins fixed fragments.
 */
#include <stdlib.h>
#include <string.h>

#include "feed/feed-internal.h"
#include "staff/staff-internal.h"
#include "store/cursor.h"
#include "store/store-internal.h"

static const csvc__sql SQL_INSERT = CSVC__SQL_INSERT_ID(
	"INSERT INTO staff (uuid, code, name, employee_no, home_store, calendar, active, revision, created_us,"
	" updated_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)");
static const csvc__sql SQL_UPDATE = CSVC__SQL("UPDATE staff SET name = $1, employee_no = $2, home_store = $3,"
	" calendar = $4, active = $5, revision = $6, updated_us = $7 WHERE id = $8");
#define STATE_BY_CODE "SELECT id, revision FROM staff WHERE code = $1"
static const csvc__sql SQL_STATE_BY_CODE = CSVC__SQL(STATE_BY_CODE);
/* Inside a write transaction on PostgreSQL: the row locked to the commit,
 * so that the revision check and the write after it see no other writer
 * in between (as customers, customer-sql.c). */
static const csvc__sql SQL_STATE_BY_CODE_LOCK =
	CSVC__SQL_DIALECTS(STATE_BY_CODE, STATE_BY_CODE " FOR NO KEY UPDATE");
static const csvc__sql SQL_STATE_BY_ID = CSVC__SQL("SELECT id, revision FROM staff WHERE uuid = $1");
static const csvc__sql SQL_LOAD = CSVC__SQL("SELECT uuid, code, name, employee_no, home_store, calendar, active,"
	" revision, created_us, updated_us FROM staff WHERE id = $1");
static const csvc__sql SQL_LOAD_SKILLS =
	CSVC__SQL("SELECT kind, value FROM staff_skills WHERE staff_id = $1 ORDER BY kind, value");
/* Sorted by code in memory (a few rows: no sort in the engine). */
static const csvc__sql SQL_LOAD_TEAMS = CSVC__SQL("SELECT t.code FROM staff_teams m JOIN teams t ON t.id = m.team_id"
	" WHERE m.staff_id = $1");
/* staff_roles belongs to the access module, which writes it
 * (csvc__role_db_grant); a record's roles are read with it here. */
static const csvc__sql SQL_LOAD_ROLES = CSVC__SQL("SELECT r.code FROM staff_roles m JOIN roles r ON r.id = m.role_id"
	" WHERE m.staff_id = $1");
static const csvc__sql SQL_DELETE_SKILLS = CSVC__SQL("DELETE FROM staff_skills WHERE staff_id = $1");
static const csvc__sql SQL_INSERT_SKILL = CSVC__SQL("INSERT INTO staff_skills (staff_id, kind, value) VALUES ($1,$2,$3)");
static const csvc__sql SQL_JOIN = CSVC__SQL("INSERT INTO staff_teams (staff_id, team_id) VALUES ($1,$2)");
static const csvc__sql SQL_LEAVE = CSVC__SQL("DELETE FROM staff_teams WHERE staff_id = $1 AND team_id = $2");
static const csvc__sql SQL_INSERT_EVENT = CSVC__SQL(
	"INSERT INTO staff_events (staff_id, type, actor, at_us, payload) VALUES ($1,$2,$3,$4,$5)");
static const csvc__sql SQL_EMPLOYEE_NO_TAKEN = CSVC__SQL("SELECT 1 FROM staff WHERE employee_no = $1 AND id <> $2");

static const csvc__sql SQL_TEAM_INSERT = CSVC__SQL_INSERT_ID(
	"INSERT INTO teams (code, name, kind, store_code, active, revision, created_us, updated_us)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7,$8)");
static const csvc__sql SQL_TEAM_UPDATE = CSVC__SQL("UPDATE teams SET name = $1, store_code = $2, active = $3,"
	" revision = $4, updated_us = $5 WHERE id = $6");
#define TEAM_STATE "SELECT id, revision FROM teams WHERE code = $1"
static const csvc__sql SQL_TEAM_STATE = CSVC__SQL(TEAM_STATE);
static const csvc__sql SQL_TEAM_STATE_LOCK = CSVC__SQL_DIALECTS(TEAM_STATE, TEAM_STATE " FOR NO KEY UPDATE");
#define TEAM_COLUMNS "SELECT id, code, name, kind, store_code, active, revision, created_us, updated_us FROM teams"
static const csvc__sql SQL_TEAM_LOAD = CSVC__SQL(TEAM_COLUMNS " WHERE id = $1");
static const csvc__sql SQL_TEAM_LOAD_BY_CODE = CSVC__SQL(TEAM_COLUMNS " WHERE code = $1");
static const csvc__sql SQL_TEAM_LIST = CSVC__SQL(TEAM_COLUMNS " ORDER BY id");
static const csvc__sql SQL_TEAM_LIST_KIND = CSVC__SQL(TEAM_COLUMNS " WHERE kind = $1 ORDER BY id");

static int read_state(csvc__stmt *st, csvc__staff_state *out, const char *what, const char *name)
{
	int rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no %s '%s'", what, name);
	}
	out->rowid = csvc__db_int(st, 0);
	out->revision = csvc__db_int(st, 1);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__staff_db_state_by_code(csvc_store *s, const char *code, int lock, csvc__staff_state *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, lock && csvc__db_locking(s->db) ? &SQL_STATE_BY_CODE_LOCK : &SQL_STATE_BY_CODE,
	                       &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	return read_state(st, out, "staff member", code);
}

int csvc__staff_db_state_by_id(csvc_store *s, const csvc_uuid *id, csvc__staff_state *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STATE_BY_ID, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	char text[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(id, text);
	return read_state(st, out, "staff member", text);
}

static int load_skills(csvc_store *s, int64_t rowid, csvc_staff *t)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD_SKILLS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		const char *v = csvc__db_textcol(st, 1);
		rc = v ? csvc__staff_push_skill(t, (int32_t)csvc__db_int(st, 0), v)
		       : csvc__error(CSVC_ECORRUPT, "a stored skill has no value");
		if (rc) {
			csvc__db_reset(st);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

static int code_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_teams(csvc_store *s, int64_t rowid, csvc_staff *t)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD_TEAMS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if ((rc = csvc__staff_push_team(t, csvc__db_textcol(st, 0)))) {
			csvc__db_reset(st);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	if (t->n_teams > 1)
		qsort(t->teams, t->n_teams, sizeof(*t->teams), code_cmp);
	return CSVC_OK;
}

static int load_roles(csvc_store *s, int64_t rowid, csvc_staff *t)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD_ROLES, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if ((rc = csvc__staff_push_role(t, csvc__db_textcol(st, 0)))) {
			csvc__db_reset(st);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	if (t->n_roles > 1)
		qsort(t->roles, t->n_roles, sizeof(*t->roles), code_cmp);
	return CSVC_OK;
}

int csvc__staff_db_load(csvc_store *s, int64_t rowid, csvc_staff **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no staff member with internal id %lld", (long long)rowid);
	}
	csvc_staff *t;
	if ((rc = csvc__staff_alloc(&t))) {
		csvc__db_reset(st);
		return rc;
	}
	int oom = 0;
	if (!csvc__db_uuid(st, 0, &t->id))
		rc = csvc__error(CSVC_ECORRUPT, "stored staff member %lld has a malformed UUID", (long long)rowid);
	t->code = csvc__db_textcol_copy(st, 1, &oom);
	t->name = csvc__db_textcol_copy(st, 2, &oom);
	t->employee_no = csvc__db_textcol_copy(st, 3, &oom);
	t->home_store = csvc__db_textcol_copy(st, 4, &oom);
	t->calendar = csvc__db_textcol_copy(st, 5, &oom);
	t->active = csvc__db_int(st, 6) != 0;
	t->revision = csvc__db_int(st, 7);
	t->created_at = csvc__db_int(st, 8);
	t->updated_at = csvc__db_int(st, 9);
	csvc__db_reset(st);
	if (!rc && oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a staff member");
	if (!rc && (!t->code || !t->name))
		rc = csvc__error(CSVC_ECORRUPT, "stored staff member %lld has no code or name", (long long)rowid);
	if (rc || (rc = load_skills(s, rowid, t)) || (rc = load_teams(s, rowid, t)) || (rc = load_roles(s, rowid, t))) {
		csvc_staff_free(t);
		return rc;
	}
	*out = t;
	return CSVC_OK;
}

/* A taken employee number, found before writing: inside a caller's
 * transaction a failed write would cost the caller the whole
 * transaction. */
static int employee_no_free(csvc_store *s, const csvc_staff *t, int64_t self)
{
	if (!t->employee_no)
		return CSVC_OK;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_EMPLOYEE_NO_TAKEN, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, t->employee_no);
	csvc__db_bind_int(st, 2, self);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	csvc__db_reset(st);
	if (rc == CSVC__ROW)
		return csvc__error(CSVC_EEXISTS, "employee number '%s' belongs to another staff member", t->employee_no);
	return CSVC_OK;
}

static void bind_opt(csvc__stmt *st, int i, const char *v)
{
	if (v)
		csvc__db_bind_text(st, i, v);
	else
		csvc__db_bind_null(st, i);
}

int csvc__staff_db_insert(csvc_store *s, const csvc_staff *t, int64_t *rowid)
{
	csvc__staff_state taken;
	int rc = csvc__staff_db_state_by_code(s, t->code, 0, &taken);
	if (rc == CSVC_OK)
		return csvc__error(CSVC_EEXISTS, "staff code '%s' belongs to another staff member", t->code);
	if (rc != CSVC_ENOTFOUND || (rc = employee_no_free(s, t, 0)))
		return rc;
	csvc__error_clear();
	csvc__stmt *st;
	if ((rc = csvc__db_stmt(s->db, &SQL_INSERT, &st)))
		return rc;
	csvc__db_bind_uuid(st, 1, &t->id);
	csvc__db_bind_text(st, 2, t->code);
	csvc__db_bind_text(st, 3, t->name);
	bind_opt(st, 4, t->employee_no);
	bind_opt(st, 5, t->home_store);
	bind_opt(st, 6, t->calendar);
	csvc__db_bind_int(st, 7, t->active);
	csvc__db_bind_int(st, 8, t->revision);
	csvc__db_bind_int(st, 9, t->created_at);
	csvc__db_bind_int(st, 10, t->updated_at);
	if ((rc = csvc__db_insert_id(st, rowid)) == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "staff code '%s' or its employee number is taken", t->code);
	return rc;
}

int csvc__staff_db_update(csvc_store *s, int64_t rowid, const csvc_staff *t)
{
	int rc = employee_no_free(s, t, rowid);
	csvc__stmt *st;
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_UPDATE, &st)))
		return rc;
	csvc__db_bind_text(st, 1, t->name);
	bind_opt(st, 2, t->employee_no);
	bind_opt(st, 3, t->home_store);
	bind_opt(st, 4, t->calendar);
	csvc__db_bind_int(st, 5, t->active);
	csvc__db_bind_int(st, 6, t->revision);
	csvc__db_bind_int(st, 7, t->updated_at);
	csvc__db_bind_int(st, 8, rowid);
	if ((rc = csvc__db_run(st)) == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "employee number '%s' belongs to another staff member",
		                          t->employee_no);
	return rc;
}

int csvc__staff_db_set_skills(csvc_store *s, int64_t rowid, const csvc_staff *t)
{
	int64_t v[1] = {rowid};
	int rc = csvc__db_run_ints(s->db, &SQL_DELETE_SKILLS, 1, v);
	csvc__stmt *st;
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_INSERT_SKILL, &st)))
		return rc;
	for (size_t i = 0; i < t->n_skills && !rc; i++) {
		csvc__db_bind_int(st, 1, rowid);
		csvc__db_bind_int(st, 2, t->skills[i].kind);
		csvc__db_bind_text(st, 3, t->skills[i].value);
		rc = csvc__db_run(st);
	}
	return rc;
}

int csvc__staff_db_join(csvc_store *s, int64_t rowid, int64_t team_rowid)
{
	int64_t v[2] = {rowid, team_rowid};
	return csvc__db_run_ints(s->db, &SQL_JOIN, 2, v);
}

int csvc__staff_db_leave(csvc_store *s, int64_t rowid, int64_t team_rowid)
{
	int64_t v[2] = {rowid, team_rowid};
	return csvc__db_run_ints(s->db, &SQL_LEAVE, 2, v);
}

int csvc__staff_db_event(csvc_store *s, int64_t rowid, const csvc_staff *t, const char *type, const char *actor,
                         csvc_time_us at, const char *payload)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT_EVENT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	csvc__db_bind_text(st, 2, type);
	bind_opt(st, 3, actor);
	csvc__db_bind_int(st, 4, at);
	bind_opt(st, 5, payload);
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__feed_record(s, type, "staff", &t->id, t->code, actor, at, payload);
}

/* ---- teams ---- */

int csvc__team_db_state(csvc_store *s, const char *code, int lock, csvc__staff_state *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, lock && csvc__db_locking(s->db) ? &SQL_TEAM_STATE_LOCK : &SQL_TEAM_STATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	return read_state(st, out, "team", code);
}

/* The team of the row `st` stands on (TEAM_COLUMNS). */
static int team_row(csvc__stmt *st, csvc_team **out)
{
	csvc_team *t;
	int rc = csvc__team_alloc(&t);
	if (rc)
		return rc;
	int oom = 0;
	int64_t rowid = csvc__db_int(st, 0);
	t->code = csvc__db_textcol_copy(st, 1, &oom);
	t->name = csvc__db_textcol_copy(st, 2, &oom);
	t->kind = (int32_t)csvc__db_int(st, 3);
	t->store_code = csvc__db_textcol_copy(st, 4, &oom);
	t->active = csvc__db_int(st, 5) != 0;
	t->revision = csvc__db_int(st, 6);
	t->created_at = csvc__db_int(st, 7);
	t->updated_at = csvc__db_int(st, 8);
	if (oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a team");
	else if (!t->code || !t->name)
		rc = csvc__error(CSVC_ECORRUPT, "stored team %lld has no code or name", (long long)rowid);
	if (rc) {
		csvc_team_free(t);
		return rc;
	}
	*out = t;
	return CSVC_OK;
}

int csvc__team_db_load(csvc_store *s, int64_t rowid, csvc_team **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TEAM_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, rowid);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	rc = rc == CSVC__DONE ? csvc__error(CSVC_ENOTFOUND, "no team with internal id %lld", (long long)rowid)
	                      : team_row(st, out);
	csvc__db_reset(st);
	return rc;
}

int csvc__team_db_load_by_code(csvc_store *s, const char *code, csvc_team **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TEAM_LOAD_BY_CODE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	rc = rc == CSVC__DONE ? csvc__error(CSVC_ENOTFOUND, "no team '%s'", code) : team_row(st, out);
	csvc__db_reset(st);
	return rc;
}

int csvc__team_db_list(csvc_store *s, int32_t kind, csvc_team ***out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, kind ? &SQL_TEAM_LIST_KIND : &SQL_TEAM_LIST, &st);
	if (rc)
		return rc;
	if (kind)
		csvc__db_bind_int(st, 1, kind);
	csvc_team **teams = NULL;
	size_t n = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (n == cap) {
			size_t more = cap ? cap * 2 : 16;
			csvc_team **p = csvc__realloc(teams, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			teams = p;
			cap = more;
		}
		if ((rc = team_row(st, &teams[n])))
			break;
		n++;
	}
	csvc__db_reset(st);
	if (rc == CSVC__DONE && !teams && !(teams = csvc__calloc(1, sizeof(*teams))))
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (rc != CSVC__DONE) {
		csvc_team_list_free(teams, n);
		return rc;
	}
	*out = teams;
	*count = n;
	return CSVC_OK;
}

int csvc__team_db_insert(csvc_store *s, const csvc_team *t, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TEAM_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, t->code);
	csvc__db_bind_text(st, 2, t->name);
	csvc__db_bind_int(st, 3, t->kind);
	bind_opt(st, 4, t->store_code);
	csvc__db_bind_int(st, 5, t->active);
	csvc__db_bind_int(st, 6, t->revision);
	csvc__db_bind_int(st, 7, t->created_at);
	csvc__db_bind_int(st, 8, t->updated_at);
	return csvc__db_insert_id(st, rowid);
}

int csvc__team_db_update(csvc_store *s, int64_t rowid, const csvc_team *t)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TEAM_UPDATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, t->name);
	bind_opt(st, 2, t->store_code);
	csvc__db_bind_int(st, 3, t->active);
	csvc__db_bind_int(st, 4, t->revision);
	csvc__db_bind_int(st, 5, t->updated_at);
	csvc__db_bind_int(st, 6, rowid);
	return csvc__db_run(st);
}

/* ---- queries ---- */

/* PostgreSQL: only the rows the iterator's starting snapshot saw created
 * (csvc__cursor_until in store/cursor.h). */
#define VISIBLE_PG \
	" AND (pg_visible_in_snapshot(s.created_xid, CAST(:snapshot AS pg_snapshot))" \
	" OR s.created_xid = CAST(:own_xid AS xid8))"

char *csvc__staff_db_query_sql(const csvc_staff_query *q, int has_team, csvc__dialect dialect)
{
	csvc__buf b = {0};
	csvc__buf_puts(&b, "SELECT s.id FROM staff s WHERE TRUE");
	if (!csvc_uuid_is_nil(&q->after))
		csvc__buf_puts(&b, " AND s.id > :after");
	if (dialect == CSVC__DIALECT_POSTGRES)
		csvc__buf_puts(&b, VISIBLE_PG);
	if (q->status == CSVC_STAFF_STATUS_ACTIVE)
		csvc__buf_puts(&b, " AND s.active = 1");
	else if (q->status == CSVC_STAFF_STATUS_INACTIVE)
		csvc__buf_puts(&b, " AND s.active = 0");
	if (q->home_store)
		csvc__buf_puts(&b, " AND s.home_store = :home_store");
	if (has_team)
		csvc__buf_puts(&b, " AND s.id IN (SELECT staff_id FROM staff_teams WHERE team_id = :team)");
	if (q->skill_kind)
		csvc__buf_puts(&b, " AND s.id IN (SELECT staff_id FROM staff_skills"
		                   " WHERE kind = :skill_kind AND value = :skill_value)");
	csvc__buf_puts(&b, " ORDER BY s.id");
	if (q->limit)
		csvc__buf_puts(&b, " LIMIT :limit");
	if (b.failed) {
		csvc__buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* The iterator's end (csvc__cursor_until). */
static const csvc__sql SQL_MAX_ID = CSVC__SQL_DIALECTS("SELECT max(id), NULL, NULL FROM staff",
                                                       "SELECT max(id), pg_current_snapshot()::text,"
                                                       " pg_current_xact_id_if_assigned()::text FROM staff");

int csvc__staff_db_query(csvc_store *s, const csvc_staff_query *q, int64_t team_rowid, int64_t after_rowid,
                         csvc__cursor **out)
{
	int64_t until = 0;
	csvc__cursor *c;
	int rc = csvc__cursor_open(s, csvc__staff_db_query_sql(q, team_rowid != 0, csvc__db_dialect(s->db)), &c);
	if (rc)
		return rc;
	/* Staff members created after the iterator starts are not returned. */
	if ((rc = csvc__cursor_until(c, &SQL_MAX_ID, &until))) {
		csvc__cursor_free(c);
		return rc;
	}
	csvc__cursor_bind_int(c, ":after", after_rowid);
	csvc__cursor_bind_text(c, ":home_store", q->home_store);
	csvc__cursor_bind_int(c, ":team", team_rowid);
	csvc__cursor_bind_int(c, ":skill_kind", q->skill_kind);
	csvc__cursor_bind_text(c, ":skill_value", q->skill_value);
	/* The first page runs the query as given; the next ones continue
	 * after the last id (keyset), with a LIMIT of a page. */
	char *next_sql = NULL;
	if (csvc_uuid_is_nil(&q->after)) {
		csvc_staff_query next = *q;
		next.after.bytes[0] = 1;
		next.limit = 1;
		if (!(next_sql = csvc__staff_db_query_sql(&next, team_rowid != 0, csvc__db_dialect(s->db)))) {
			csvc__cursor_free(c);
			return csvc__error(CSVC_ENOMEM, "out of memory building a query");
		}
	}
	return csvc__cursor_finish(c, q->limit, NULL, 0, csvc_uuid_is_nil(&q->after) ? INT64_MIN : after_rowid, until,
	                           next_sql, out);
}
