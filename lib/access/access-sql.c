/*
 * The principal's row and roles, read by csvc_store_set_principal. Fixed
 * statements with bound parameters.
 */
#include "access/access-internal.h"
#include "store/store-internal.h"

static const csvc__sql SQL_STAFF = CSVC__SQL("SELECT id, active, home_store FROM staff WHERE code = $1");
/* One row per permission of each active role (a role without any gives
 * one row with a NULL permission: its scope still counts). */
static const csvc__sql SQL_ROLES = CSVC__SQL("SELECT r.scope, p.permission FROM staff_roles m"
	" JOIN roles r ON r.id = m.role_id LEFT JOIN role_permissions p ON p.role_id = r.id"
	" WHERE m.staff_id = $1 AND r.active = 1");

int csvc__access_db_principal(csvc_store *s, const char *code, csvc__principal_row *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STAFF, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no staff member '%s'", code);
	}
	out->staff_rowid = csvc__db_int(st, 0);
	out->active = csvc__db_int(st, 1) != 0;
	const char *home = csvc__db_textcol(st, 2);
	out->home_store = NULL;
	if (home && !(out->home_store = csvc__strcopy(home))) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOMEM, "out of memory reading a staff member");
	}
	csvc__db_reset(st);

	out->perms = 0;
	out->chain = 0;
	if ((rc = csvc__db_stmt(s->db, &SQL_ROLES, &st)))
		goto fail;
	csvc__db_bind_int(st, 1, out->staff_rowid);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (csvc__db_int(st, 0) == CSVC_ROLE_SCOPE_CHAIN)
			out->chain = 1;
		if (!csvc__db_is_null(st, 1)) {
			int64_t p = csvc__db_int(st, 1);
			/* A permission this version does not know grants nothing. */
			if (p >= 1 && p <= CSVC_PERM_MAX)
				out->perms |= CSVC__PERM_BIT(p);
		}
	}
	if (rc < 0)
		goto fail;
	csvc__db_reset(st);
	return CSVC_OK;
fail:
	csvc__free(out->home_store);
	out->home_store = NULL;
	return rc;
}
