/*
 * Role storage: roles, their permissions (one row per granted permission)
 * and the roles staff members hold. Every statement is a fixed text with
 * bound parameters.
 */
#include "access/access-internal.h"
#include "store/store-internal.h"

static const csvc__sql SQL_INSERT = CSVC__SQL_INSERT_ID(
	"INSERT INTO roles (code, name, scope, active, revision, created_us, updated_us) VALUES ($1,$2,$3,$4,$5,$6,$7)");
static const csvc__sql SQL_UPDATE = CSVC__SQL("UPDATE roles SET name = $1, scope = $2, active = $3, revision = $4,"
	" updated_us = $5 WHERE id = $6");
#define STATE "SELECT id, revision FROM roles WHERE code = $1"
static const csvc__sql SQL_STATE = CSVC__SQL(STATE);
/* Inside a write transaction on PostgreSQL: the row locked to the commit,
 * so that the revision check and the write after it see no other writer
 * in between (as teams, staff-sql.c). */
static const csvc__sql SQL_STATE_LOCK = CSVC__SQL_DIALECTS(STATE, STATE " FOR NO KEY UPDATE");
/* A role per run of rows, one row per permission (a role without any has
 * one row with a NULL permission). */
#define COLUMNS "SELECT r.id, r.code, r.name, r.scope, r.active, r.revision, r.created_us, r.updated_us," \
	" p.permission FROM roles r LEFT JOIN role_permissions p ON p.role_id = r.id"
static const csvc__sql SQL_LOAD = CSVC__SQL(COLUMNS " WHERE r.code = $1");
static const csvc__sql SQL_LIST = CSVC__SQL(COLUMNS " ORDER BY r.id");
static const csvc__sql SQL_GRANT_PERM = CSVC__SQL("INSERT INTO role_permissions (role_id, permission) VALUES ($1,$2)");
static const csvc__sql SQL_REVOKE_PERM = CSVC__SQL("DELETE FROM role_permissions WHERE role_id = $1 AND permission = $2");
static const csvc__sql SQL_GRANT_ROLE = CSVC__SQL("INSERT INTO staff_roles (staff_id, role_id) VALUES ($1,$2)");
static const csvc__sql SQL_REVOKE_ROLE = CSVC__SQL("DELETE FROM staff_roles WHERE staff_id = $1 AND role_id = $2");

int csvc__role_db_state(csvc_store *s, const char *code, int lock, csvc__role_state *out)
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
		return csvc__error(CSVC_ENOTFOUND, "no role '%s'", code);
	}
	out->rowid = csvc__db_int(st, 0);
	out->revision = csvc__db_int(st, 1);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__role_db_id(csvc_store *s, const char *code, int64_t *rowid)
{
	csvc__role_state state = {0};
	int rc = csvc__role_db_state(s, code, 0, &state);
	if (!rc)
		*rowid = state.rowid;
	return rc;
}

/* The permission of the row `st` stands on, into r->perms. */
static void row_perm(csvc__stmt *st, csvc_role *r)
{
	if (csvc__db_is_null(st, 8))
		return;
	int64_t p = csvc__db_int(st, 8);
	/* A permission this version does not know grants nothing here, and
	 * an update leaves its row alone (csvc__role_db_update). */
	if (p >= 1 && p <= CSVC_PERM_MAX)
		r->perms |= CSVC__PERM_BIT(p);
}

/* The role of the first of its rows, where `st` stands (COLUMNS). */
static int role_row(csvc__stmt *st, csvc_role **out)
{
	csvc_role *r;
	int rc = csvc__role_alloc(&r);
	if (rc)
		return rc;
	int oom = 0;
	int64_t rowid = csvc__db_int(st, 0);
	r->code = csvc__db_textcol_copy(st, 1, &oom);
	r->name = csvc__db_textcol_copy(st, 2, &oom);
	r->scope = (int32_t)csvc__db_int(st, 3);
	r->active = csvc__db_int(st, 4) != 0;
	r->revision = csvc__db_int(st, 5);
	r->created_at = csvc__db_int(st, 6);
	r->updated_at = csvc__db_int(st, 7);
	row_perm(st, r);
	if (oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading a role");
	else if (!r->code || !r->name)
		rc = csvc__error(CSVC_ECORRUPT, "stored role %lld has no code or name", (long long)rowid);
	if (rc) {
		csvc_role_free(r);
		return rc;
	}
	*out = r;
	return CSVC_OK;
}

int csvc__role_db_load(csvc_store *s, const char *code, csvc_role **out)
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
		return csvc__error(CSVC_ENOTFOUND, "no role '%s'", code);
	}
	csvc_role *r = NULL;
	if ((rc = role_row(st, &r))) {
		csvc__db_reset(st);
		return rc;
	}
	while ((rc = csvc__db_step(st)) == CSVC__ROW)
		row_perm(st, r);
	if (rc < 0) {
		csvc_role_free(r);
		return rc;
	}
	csvc__db_reset(st);
	*out = r;
	return CSVC_OK;
}

int csvc__role_db_list(csvc_store *s, csvc_role ***out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LIST, &st);
	if (rc)
		return rc;
	csvc_role **roles = NULL;
	size_t n = 0, cap = 0;
	int64_t last = 0; /* row id of roles[n - 1] */
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		int64_t rowid = csvc__db_int(st, 0);
		if (n && rowid == last) { /* another permission of the same role */
			row_perm(st, roles[n - 1]);
			continue;
		}
		if (n == cap) {
			size_t more = cap ? cap * 2 : 16;
			csvc_role **p = csvc__realloc(roles, more * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			roles = p;
			cap = more;
		}
		if ((rc = role_row(st, &roles[n])))
			break;
		n++;
		last = rowid;
	}
	csvc__db_reset(st);
	if (rc == CSVC__DONE && !roles && !(roles = csvc__calloc(1, sizeof(*roles))))
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (rc != CSVC__DONE) {
		csvc_role_list_free(roles, n);
		return rc;
	}
	*out = roles;
	*count = n;
	return CSVC_OK;
}

/* Grants (inserts) or revokes (deletes) the permissions of `perms`. */
static int write_perms(csvc_store *s, const csvc__sql *sql, int64_t rowid, uint32_t perms)
{
	int rc = CSVC_OK;
	for (int64_t p = 1; p <= CSVC_PERM_MAX && !rc; p++) {
		if (!(perms & CSVC__PERM_BIT(p)))
			continue;
		int64_t v[2] = {rowid, p};
		rc = csvc__db_run_ints(s->db, sql, 2, v);
	}
	return rc;
}

int csvc__role_db_insert(csvc_store *s, const csvc_role *r, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, r->code);
	csvc__db_bind_text(st, 2, r->name);
	csvc__db_bind_int(st, 3, r->scope);
	csvc__db_bind_int(st, 4, r->active);
	csvc__db_bind_int(st, 5, r->revision);
	csvc__db_bind_int(st, 6, r->created_at);
	csvc__db_bind_int(st, 7, r->updated_at);
	if ((rc = csvc__db_insert_id(st, rowid)))
		return rc;
	return write_perms(s, &SQL_GRANT_PERM, *rowid, r->perms);
}

int csvc__role_db_update(csvc_store *s, int64_t rowid, const csvc_role *r, uint32_t old_perms)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_UPDATE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, r->name);
	csvc__db_bind_int(st, 2, r->scope);
	csvc__db_bind_int(st, 3, r->active);
	csvc__db_bind_int(st, 4, r->revision);
	csvc__db_bind_int(st, 5, r->updated_at);
	csvc__db_bind_int(st, 6, rowid);
	if ((rc = csvc__db_run(st)))
		return rc;
	/* Only the rows that change: a permission this version does not know
	 * (not in either mask) keeps its row. */
	if ((rc = write_perms(s, &SQL_REVOKE_PERM, rowid, old_perms & ~r->perms)))
		return rc;
	return write_perms(s, &SQL_GRANT_PERM, rowid, r->perms & ~old_perms);
}

int csvc__role_db_grant(csvc_store *s, int64_t staff_rowid, int64_t role_rowid)
{
	int64_t v[2] = {staff_rowid, role_rowid};
	return csvc__db_run_ints(s->db, &SQL_GRANT_ROLE, 2, v);
}

int csvc__role_db_revoke(csvc_store *s, int64_t staff_rowid, int64_t role_rowid)
{
	int64_t v[2] = {staff_rowid, role_rowid};
	return csvc__db_run_ints(s->db, &SQL_REVOKE_ROLE, 2, v);
}
