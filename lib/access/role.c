/*
 * Roles: the values (allocation, getters, setters and their checks), the
 * rules of saving them (revisions, uniqueness, change-feed entries) and
 * the handbook's roles. Storage is reached only through the
 * csvc__role_db_* functions (role-sql.c).
 */
#include <string.h>

#include "access/access-internal.h"
#include "csvc/enum.h"
#include "csvc/workflow.h"
#include "feed/feed-internal.h"
#include "store/store-internal.h"

/* Role codes are machine names (csvc__check_machine_name). */
_Static_assert(CSVC_ROLE_MAX_CODE == CSVC_WORKFLOW_MAX_NAME, "a role code is a machine name");

/* Every permission of this version fits the bitmask. */
_Static_assert(CSVC_PERM_MAX < 32, "csvc_role.perms has a bit per permission");

/* ---- validation ---- */

int csvc__role_check_code(const char *code)
{
	return csvc__check_machine_name(code, "role code");
}

static int check_name(const char *name)
{
	int rc = csvc__check_text(name, 0, CSVC_ROLE_MAX_NAME, "name");
	if (rc)
		return rc;
	if (!name[0])
		return csvc__error(CSVC_EINVAL, "a role's name must not be empty");
	return CSVC_OK;
}

static int check_scope(int64_t scope)
{
	if (scope != CSVC_ROLE_SCOPE_STORE && scope != CSVC_ROLE_SCOPE_CHAIN)
		return csvc__error(CSVC_EINVAL, "unknown role scope %lld", (long long)scope);
	return CSVC_OK;
}

static int known_perm(int64_t perm)
{
	return perm >= 1 && perm <= CSVC_PERM_MAX;
}

static int check_perm(int64_t perm)
{
	if (!known_perm(perm))
		return csvc__error(CSVC_EINVAL, "unknown permission %lld", (long long)perm);
	return CSVC_OK;
}

static int check_actor(const char *actor)
{
	int rc = csvc__check_text(actor, 1, CSVC__ACTOR_MAX, "actor");
	if (!rc && actor && !actor[0])
		rc = csvc__error(CSVC_EINVAL, "actor must not be empty (NULL: none)");
	return rc;
}

/* Replaces *field with a copy of v. */
static int replace(char **field, const char *v)
{
	char *copy = csvc__strcopy(v);
	if (!copy)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

/* ---- values ---- */

int csvc__role_alloc(csvc_role **out)
{
	csvc_role *r = csvc__calloc(1, sizeof(*r));
	if (!r)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	r->active = 1;
	*out = r;
	return CSVC_OK;
}

int csvc_role_new(csvc_role **out, const char *code, const char *name, csvc_role_scope_t scope)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__role_check_code(code);
	if (rc || (rc = check_name(name)) || (rc = check_scope(scope)))
		return rc;
	csvc_role *r = NULL;
	if ((rc = csvc__role_alloc(&r)))
		return rc;
	r->scope = scope;
	if ((rc = replace(&r->code, code)) || (rc = replace(&r->name, name))) {
		csvc_role_free(r);
		return rc;
	}
	*out = r;
	return CSVC_OK;
}

void csvc_role_free(csvc_role *role)
{
	if (!role)
		return;
	csvc__free(role->code);
	csvc__free(role->name);
	csvc__free(role);
}

const char *csvc_role_code(const csvc_role *role) { return role ? role->code : NULL; }
const char *csvc_role_name(const csvc_role *role) { return role ? role->name : NULL; }
int32_t csvc_role_scope(const csvc_role *role) { return role ? role->scope : 0; }
int csvc_role_active(const csvc_role *role) { return role ? role->active != 0 : 0; }
int64_t csvc_role_revision(const csvc_role *role) { return role ? role->revision : 0; }

int csvc_role_allows(const csvc_role *role, csvc_permission_t perm)
{
	return role && known_perm(perm) && (role->perms & CSVC__PERM_BIT(perm)) != 0;
}

int csvc_role_set_name(csvc_role *role, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(role, "role");
	int rc = check_name(name);
	return rc ? rc : replace(&role->name, name);
}

int csvc_role_set_scope(csvc_role *role, csvc_role_scope_t scope)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(role, "role");
	int rc = check_scope(scope);
	if (rc)
		return rc;
	role->scope = scope;
	return CSVC_OK;
}

int csvc_role_set_active(csvc_role *role, int active)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(role, "role");
	role->active = active != 0;
	return CSVC_OK;
}

int csvc_role_grant(csvc_role *role, csvc_permission_t perm)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(role, "role");
	int rc = check_perm(perm);
	if (rc)
		return rc;
	role->perms |= CSVC__PERM_BIT(perm);
	return CSVC_OK;
}

int csvc_role_revoke(csvc_role *role, csvc_permission_t perm)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(role, "role");
	int rc = check_perm(perm);
	if (rc)
		return rc;
	role->perms &= ~CSVC__PERM_BIT(perm);
	return CSVC_OK;
}

/* ---- in the store ---- */

/* A `definition` entry for a role (as a team's, staff.c): reference the
 * code, payload {"kind":"role","scope":..[,"fields":[..]]}. */
static int role_feed(csvc_store *s, const char *type, const csvc_role *r, const char *actor, csvc_time_us at,
                     const char *fields)
{
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"kind\":\"role\",\"scope\":");
	csvc__buf_json_string(&p, csvc_enum_name(CSVC_ENUM_ROLE_SCOPE, r->scope));
	if (fields) {
		csvc__buf_puts(&p, ",\"fields\":");
		csvc__buf_puts(&p, fields);
	}
	csvc__buf_put(&p, "}", 2);
	int rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__feed_record(s, type, "definition", NULL, r->code, actor, at, p.data);
	csvc__buf_free(&p);
	return rc;
}

/* Inserts a role whose code must be free, with its feed entry. */
static int insert_role(csvc_store *s, const csvc_role *r, const char *actor, csvc_time_us now)
{
	csvc__role_state taken;
	int rc = csvc__role_db_state(s, r->code, 0, &taken);
	if (rc == CSVC_OK)
		return csvc__error(CSVC_EEXISTS, "role code '%s' is taken", r->code);
	if (rc != CSVC_ENOTFOUND)
		return rc;
	csvc__error_clear();
	int64_t rowid;
	if ((rc = csvc__role_db_insert(s, r, &rowid)) == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "role code '%s' is taken", r->code);
	return rc ? rc : role_feed(s, "role_created", r, actor, now, NULL);
}

int csvc_role_create(csvc_store *store, csvc_role *role, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(role, "role");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (role->revision != 0)
		return csvc__error(CSVC_EINVAL, "the role is saved already: use csvc_role_update");
	csvc_time_us now = csvc_store_now(store);
	csvc_role saved = *role;
	saved.revision = 1;
	saved.created_at = saved.updated_at = now;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, insert_role(store, &saved, actor, now));
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc)
		return rc;
	role->revision = 1;
	role->created_at = role->updated_at = now;
	return CSVC_OK;
}

static int str_differs(const char *a, const char *b)
{
	return strcmp(a, b) != 0;
}

int csvc_role_update(csvc_store *store, csvc_role *role, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(role, "role");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (role->revision == 0)
		return csvc__error(CSVC_EINVAL, "the role is a draft: use csvc_role_create");
	csvc_time_us now = csvc_store_now(store);
	int changed = 0, attempt = 0;
	do {
		csvc_role *old = NULL;
		csvc__buf fields = {0};
		changed = 0;
		if ((rc = csvc__tx_begin(store)))
			break;
		csvc__role_state state;
		if ((rc = csvc__role_db_state(store, role->code, 1, &state)))
			goto end;
		if (state.revision != role->revision) {
			rc = csvc__error(CSVC_ECONFLICT, "role '%s' changed since it was read (revision %lld, stored %lld)",
			                 role->code, (long long)role->revision, (long long)state.revision);
			goto end;
		}
		if ((rc = csvc__role_db_load(store, role->code, &old)))
			goto end;
		const struct {
			int changed;
			const char *name;
		} f[] = {
			{str_differs(old->name, role->name), "name"},
			{old->scope != role->scope, "scope"},
			{(old->active != 0) != (role->active != 0), "active"},
			{old->perms != role->perms, "permissions"},
		};
		csvc__buf_put(&fields, "[", 1);
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (!f[i].changed)
				continue;
			if (changed++)
				csvc__buf_put(&fields, ",", 1);
			csvc__buf_json_string(&fields, f[i].name);
		}
		csvc__buf_put(&fields, "]", 2);
		if (fields.failed)
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
		if (rc || !changed)
			goto end; /* nothing changed: no new revision, no entry */
		csvc_role saved = *role;
		saved.revision = role->revision + 1;
		saved.updated_at = now;
		if (!(rc = csvc__role_db_update(store, state.rowid, &saved, old->perms)))
			rc = role_feed(store, "role_updated", &saved, actor, now, fields.data);
	end:
		csvc_role_free(old);
		csvc__buf_free(&fields);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc == CSVC_OK && changed) {
		role->revision++;
		role->updated_at = now;
	}
	return rc;
}

int csvc_role_get(csvc_store *store, const char *code, csvc_role **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__role_check_code(code);
	if (rc || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	rc = csvc__role_db_load(store, code, out);
	csvc__read_end(store, began);
	return rc;
}

void csvc_role_list_free(csvc_role **roles, size_t count)
{
	if (!roles)
		return;
	for (size_t i = 0; i < count; i++)
		csvc_role_free(roles[i]);
	csvc__free(roles);
}

int csvc_role_list(csvc_store *store, csvc_role ***out, size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	int rc = CSVC__ACCESS_PRINCIPAL(store);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc_role **roles = NULL;
	size_t n = 0;
	rc = csvc__role_db_list(store, &roles, &n);
	csvc__read_end(store, began);
	if (rc)
		return rc;
	*out = roles;
	*count = n;
	return CSVC_OK;
}

/* ---- the handbook's roles ---- */

#define P(name) CSVC__PERM_BIT(CSVC_PERM_##name)
/* Each of these builds on the one before. */
#define SERVICE_AGENT_PERMS                                                                                  \
	(P(CUSTOMER_READ_CONTACTS) | P(CUSTOMER_READ_PROFILE) | P(CUSTOMER_SEARCH) | P(CUSTOMER_WRITE) |      \
	 P(TICKET_READ) | P(TICKET_CREATE) | P(TICKET_UPDATE) | P(TICKET_TRANSITION) | P(SURVEY_RECORD))
#define SPECIALIST_PERMS (SERVICE_AGENT_PERMS | P(TICKET_ASSIGN) | P(CUSTOMER_MERGE))
#define SUPERVISOR_PERMS (SPECIALIST_PERMS | P(REPORTS_READ) | P(CUSTOMER_EXPORT) | P(STAFF_APPRAISE))

/* The handbook's roles (docs/access.md), in the order they are installed. */
static const struct {
	const char *code, *name;
	int32_t scope;
	uint32_t perms;
} DEFAULT_ROLES[] = {
	{"receptionist", "前台接待", CSVC_ROLE_SCOPE_STORE,
	 P(CUSTOMER_READ_PROFILE) | P(CUSTOMER_SEARCH) | P(CUSTOMER_WRITE) | P(TICKET_READ) | P(TICKET_CREATE) |
	         P(TICKET_UPDATE) | P(SURVEY_RECORD)},
	{"cashier", "收银员", CSVC_ROLE_SCOPE_STORE,
	 P(CUSTOMER_READ_PROFILE) | P(CUSTOMER_SEARCH) | P(CUSTOMER_WRITE) | P(TICKET_READ) | P(TICKET_CREATE) |
	         P(SURVEY_RECORD)},
	{"guide", "导购", CSVC_ROLE_SCOPE_STORE, P(CUSTOMER_READ_PROFILE) | P(TICKET_READ) | P(TICKET_CREATE)},
	{"service_agent", "客服专员", CSVC_ROLE_SCOPE_STORE, SERVICE_AGENT_PERMS},
	{"specialist", "投诉处理专员", CSVC_ROLE_SCOPE_STORE, SPECIALIST_PERMS},
	{"supervisor", "客服主管", CSVC_ROLE_SCOPE_STORE, SUPERVISOR_PERMS},
	{"security_officer", "安保员", CSVC_ROLE_SCOPE_STORE,
	 P(CUSTOMER_READ_PROFILE) | P(TICKET_READ) | P(TICKET_CREATE) | P(TICKET_UPDATE)},
	{"auditor", "审计员", CSVC_ROLE_SCOPE_CHAIN,
	 P(CUSTOMER_READ_PROFILE) | P(CUSTOMER_SEARCH) | P(TICKET_READ) | P(REPORTS_READ) | P(AUDIT_READ)},
	{"data_admin", "数据管理员", CSVC_ROLE_SCOPE_CHAIN,
	 P(CUSTOMER_READ_CONTACTS) | P(CUSTOMER_READ_PROFILE) | P(CUSTOMER_SEARCH) | P(CUSTOMER_EXPORT) |
	         P(CUSTOMER_MERGE) | P(CUSTOMER_ERASE) | P(TICKET_READ) | P(DEFINITIONS_MANAGE) | P(STAFF_MANAGE) |
	         P(REPORTS_READ) | P(AUDIT_READ) | P(STORE_MAINTAIN) | P(STAFF_APPRAISE)},
};

#undef P

int csvc_role_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc)
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		for (size_t i = 0; i < sizeof(DEFAULT_ROLES) / sizeof(DEFAULT_ROLES[0]) && !rc; i++) {
			csvc__role_state state;
			if ((rc = csvc__role_db_state(store, DEFAULT_ROLES[i].code, 0, &state)) != CSVC_ENOTFOUND)
				continue; /* there already (or a failure, which ends the loop) */
			csvc_role r = {(char *)DEFAULT_ROLES[i].code, (char *)DEFAULT_ROLES[i].name, DEFAULT_ROLES[i].scope,
			               1, DEFAULT_ROLES[i].perms, 1, now, now};
			rc = insert_role(store, &r, NULL, now);
		}
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	return rc;
}
