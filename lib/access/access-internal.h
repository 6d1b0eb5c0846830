/*
 * Roles and access control: the roles' in-memory values and storage
 * (role.c, role-sql.c), and the checks the modules above run at the top
 * of each guarded call (access.c).
 *
 * The checks read the principal the store was given with
 * csvc_store_set_principal (its permissions and scope, read once then);
 * in trusted mode (no CSVC_OPEN_ACCESS_CONTROL) every check passes.
 */
#ifndef CSVC_ACCESS_INTERNAL_H
#define CSVC_ACCESS_INTERNAL_H

#include "csvc/access.h"
#include "util/internal.h"

struct csvc_store;

struct csvc_role {
	char *code, *name;
	int32_t scope, active;
	uint32_t perms; /* bit p: permission p granted */
	int64_t revision; /* 0: draft */
	csvc_time_us created_at, updated_at;
};

#define CSVC__PERM_BIT(p) ((uint32_t)1 << (unsigned)(p))

int csvc__access_attach(struct csvc_store *s);

/* ---- checks (access.c) ---- */

/* CSVC_OK if the principal may use `perm`, else CSVC_EACCESS with a
 * message naming `call`, the principal and the permission. Trusted mode:
 * always CSVC_OK. */
int csvc__access_require(struct csvc_store *s, csvc_permission_t perm, const char *call);
/* As csvc__access_require, and the record's store (`store_code`, NULL:
 * none) in the principal's scope. */
int csvc__access_require_in(struct csvc_store *s, csvc_permission_t perm, const char *store_code, const char *call);
/* Only that the record's store (`store_code`, NULL: none) is in the
 * principal's scope. */
int csvc__access_require_scope(struct csvc_store *s, const char *store_code, const char *call);
/* Only that some principal is set (reading definitions and the staff
 * directory). */
int csvc__access_require_principal(struct csvc_store *s, const char *call);
/* Whether `store_code` (NULL: none) is in the principal's scope: 1 or 0
 * (trusted mode: 1). */
int csvc__access_in_scope(struct csvc_store *s, const char *store_code);
/* Whether lists are limited to one store: 1 with *store set (NULL: a
 * principal without a home store, who sees only records of no store), 0
 * when the principal sees every store (or in trusted mode). */
int csvc__access_scope(struct csvc_store *s, const char **store);
/* A list naming store `store_code` (NULL: none named): CSVC_EACCESS when
 * the principal is limited to another one. */
int csvc__access_require_list(struct csvc_store *s, csvc_permission_t perm, const char *store_code, const char *call);
/* The actor a write records: the caller's `*actor` when it is the
 * principal or when no principal is set; the principal when `*actor` is
 * NULL; CSVC_EACCESS when it names someone else. The actor kept is then
 * checked by the modules' `actor` callbacks (csvc__store_check_actor: the
 * staff directory's references), except while the library acts on its
 * own. */
int csvc__access_actor(struct csvc_store *s, const char **actor, const char *call);
/* 1 when records read now must have their contacts masked. */
int csvc__access_masks_contacts(struct csvc_store *s);

/* Between these, the library acts on its own (the SLA engine's
 * escalations, named by their own actor): no check applies and actors
 * are kept. Nested calls count. */
void csvc__access_system_enter(struct csvc_store *s);
void csvc__access_system_leave(struct csvc_store *s);

/* Statements for the top of a call (after its argument checks): return
 * the refusal. */
#define CSVC__REQUIRE(s, perm)                                                   \
	do {                                                                     \
		int csvc__refused = csvc__access_require((s), (perm), __func__); \
		if (csvc__refused)                                               \
			return csvc__refused;                                    \
	} while (0)
#define CSVC__REQUIRE_PRINCIPAL(s)                                               \
	do {                                                                     \
		int csvc__refused = csvc__access_require_principal((s), __func__); \
		if (csvc__refused)                                               \
			return csvc__refused;                                    \
	} while (0)

/* The call's name in refusals. */
#define CSVC__ACCESS(s, perm) csvc__access_require((s), (perm), __func__)
#define CSVC__ACCESS_IN(s, perm, store_code) csvc__access_require_in((s), (perm), (store_code), __func__)
#define CSVC__ACCESS_LIST(s, perm, store_code) csvc__access_require_list((s), (perm), (store_code), __func__)
#define CSVC__ACCESS_SCOPE(s, store_code) csvc__access_require_scope((s), (store_code), __func__)
#define CSVC__ACCESS_PRINCIPAL(s) csvc__access_require_principal((s), __func__)
#define CSVC__ACCESS_ACTOR(s, actor) csvc__access_actor((s), (actor), __func__)

/* ---- roles: values (role.c) ---- */

/* Who made a change: 1 to this many bytes. The same limit as
 * CSVC_STAFF_MAX_ACTOR (staff.h, a module above this one). */
#define CSVC__ACTOR_MAX 128

int csvc__role_alloc(csvc_role **out);
int csvc__role_check_code(const char *code);

/* ---- roles: storage (role-sql.c) ---- */

/* The row id of role `code` (ENOTFOUND with a clear message when none). */
int csvc__role_db_id(struct csvc_store *s, const char *code, int64_t *rowid);

/* A stored role's row id and revision (ENOTFOUND when none). Inside a
 * write transaction on PostgreSQL, `lock` locks the row to the commit. */
typedef struct csvc__role_state {
	int64_t rowid;
	int64_t revision;
} csvc__role_state;
int csvc__role_db_state(struct csvc_store *s, const char *code, int lock, csvc__role_state *out);
/* Role `code` with its permissions (ENOTFOUND when none). */
int csvc__role_db_load(struct csvc_store *s, const char *code, csvc_role **out);
/* Every role in creation order, read in one query; the caller frees them
 * with csvc_role_list_free. */
int csvc__role_db_list(struct csvc_store *s, csvc_role ***out, size_t *count);
/* Inserts the role's row and its permissions (the code must be free). */
int csvc__role_db_insert(struct csvc_store *s, const csvc_role *r, int64_t *rowid);
/* Writes the role's scalars, and its permissions where they differ from
 * `old_perms` (the stored ones). */
int csvc__role_db_update(struct csvc_store *s, int64_t rowid, const csvc_role *r, uint32_t old_perms);

/* The roles staff members hold (staff_roles): the staff module saves a
 * staff record's roles through these. */
int csvc__role_db_grant(struct csvc_store *s, int64_t staff_rowid, int64_t role_rowid);
int csvc__role_db_revoke(struct csvc_store *s, int64_t staff_rowid, int64_t role_rowid);

/* ---- the principal (access-sql.c) ---- */

typedef struct csvc__principal_row {
	int64_t staff_rowid;
	int32_t active;
	char *home_store; /* NULL: none; the caller frees */
	uint32_t perms;   /* of the active roles */
	int chain;        /* an active role has chain scope */
} csvc__principal_row;

/* Reads staff member `code` and their active roles' permissions. */
int csvc__access_db_principal(struct csvc_store *s, const char *code, csvc__principal_row *out);

#endif
