/*
 * The principal and the checks every guarded call runs first. The
 * principal's permissions are read once, by csvc_store_set_principal, so
 * that a check is a bit test and costs no statement (docs/access.md).
 */
#include <stdio.h>
#include <string.h>

#include "access/access-internal.h"
#include "csvc/enum.h"
#include "store/store-internal.h"

typedef struct access_state {
	char *principal; /* staff code; NULL: none */
	char *home_store;
	uint32_t perms;
	int chain;
	int system; /* > 0: the library acts on its own (csvc__access_system_enter) */
} access_state;

static void access_free(void *state)
{
	access_state *a = state;
	if (!a)
		return;
	csvc__free(a->principal);
	csvc__free(a->home_store);
	csvc__free(a);
}

static int access_require(csvc_store *s, void *state, int32_t perm, const char *call);

static const csvc__store_ext access_ext = {
	.name = "access",
	.free = access_free,
	.require = access_require,
};

int csvc__access_attach(csvc_store *s)
{
	access_state *a = csvc__calloc(1, sizeof(*a));
	if (!a)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	return csvc__store_attach(s, &access_ext, a);
}

static access_state *state_of(const csvc_store *s)
{
	return csvc__store_state(s, &access_ext);
}

static int enforced(const csvc_store *s)
{
	return (s->flags & CSVC_OPEN_ACCESS_CONTROL) != 0 && state_of(s)->system == 0;
}

void csvc__access_system_enter(csvc_store *s)
{
	state_of(s)->system++;
}

void csvc__access_system_leave(csvc_store *s)
{
	state_of(s)->system--;
}

static int valid_perm(int64_t p)
{
	return p >= 1 && p <= CSVC_PERM_MAX;
}

static int no_principal(const char *call)
{
	return csvc__error(CSVC_EACCESS, "%s: access control is on and no principal is set (csvc_store_set_principal)",
	                   call);
}

int csvc__access_require_principal(csvc_store *s, const char *call)
{
	if (!enforced(s) || state_of(s)->principal)
		return CSVC_OK;
	return no_principal(call);
}

int csvc__access_require(csvc_store *s, csvc_permission_t perm, const char *call)
{
	if (!enforced(s))
		return CSVC_OK;
	access_state *a = state_of(s);
	if (!a->principal)
		return no_principal(call);
	if (a->perms & CSVC__PERM_BIT(perm))
		return CSVC_OK;
	return csvc__error(CSVC_EACCESS, "%s: staff member '%s' has no role that allows %s", call, a->principal,
	                   csvc_enum_name(CSVC_ENUM_PERMISSION, (int32_t)perm));
}

static int access_require(csvc_store *s, void *state, int32_t perm, const char *call)
{
	(void)state;
	return csvc__access_require(s, (csvc_permission_t)perm, call);
}

int csvc__access_in_scope(csvc_store *s, const char *store_code)
{
	if (!enforced(s))
		return 1;
	access_state *a = state_of(s);
	if (a->chain || !store_code)
		return 1;
	return a->home_store && strcmp(a->home_store, store_code) == 0;
}

static int out_of_scope(access_state *a, const char *store_code, const char *call)
{
	if (a->home_store)
		return csvc__error(CSVC_EACCESS, "%s: staff member '%s' works for store '%s', not for store '%s'", call,
		                   a->principal, a->home_store, store_code);
	return csvc__error(CSVC_EACCESS, "%s: staff member '%s' has no home store and no chain-wide role, so not store '%s'",
	                   call, a->principal, store_code);
}

int csvc__access_require_in(csvc_store *s, csvc_permission_t perm, const char *store_code, const char *call)
{
	int rc = csvc__access_require(s, perm, call);
	if (rc || csvc__access_in_scope(s, store_code))
		return rc;
	return out_of_scope(state_of(s), store_code, call);
}

int csvc__access_require_scope(csvc_store *s, const char *store_code, const char *call)
{
	if (!enforced(s))
		return CSVC_OK;
	if (!state_of(s)->principal)
		return no_principal(call);
	if (csvc__access_in_scope(s, store_code))
		return CSVC_OK;
	return out_of_scope(state_of(s), store_code, call);
}

int csvc__access_scope(csvc_store *s, const char **store)
{
	if (!enforced(s))
		return 0;
	access_state *a = state_of(s);
	if (a->chain)
		return 0;
	*store = a->home_store;
	return 1;
}

int csvc__access_require_list(csvc_store *s, csvc_permission_t perm, const char *store_code, const char *call)
{
	int rc = csvc__access_require(s, perm, call);
	if (rc || !store_code || csvc__access_in_scope(s, store_code))
		return rc;
	return out_of_scope(state_of(s), store_code, call);
}

int csvc__access_actor(csvc_store *s, const char **actor, const char *call)
{
	access_state *a = state_of(s);
	if (a->system)
		return CSVC_OK;
	if (!a->principal)
		return csvc__store_check_actor(s, *actor, call);
	if (!*actor) {
		*actor = a->principal;
		return csvc__store_check_actor(s, *actor, call);
	}
	if (strcmp(*actor, a->principal) == 0)
		return csvc__store_check_actor(s, *actor, call);
	return csvc__error(CSVC_EACCESS, "%s: the store works for staff member '%s', who may not act as '%s'", call,
	                   a->principal, *actor);
}

int csvc__access_masks_contacts(csvc_store *s)
{
	return enforced(s) && !(state_of(s)->perms & CSVC__PERM_BIT(CSVC_PERM_CUSTOMER_READ_CONTACTS));
}

/* ---- public calls ---- */

int csvc_store_access_control(const csvc_store *store)
{
	return store && (store->flags & CSVC_OPEN_ACCESS_CONTROL) != 0;
}

static void clear_principal(access_state *a)
{
	csvc__free(a->principal);
	csvc__free(a->home_store);
	a->principal = a->home_store = NULL;
	a->perms = 0;
	a->chain = 0;
}

int csvc_store_set_principal(csvc_store *store, const char *staff_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	access_state *a = state_of(store);
	clear_principal(a);
	if (!staff_code)
		return CSVC_OK;
	int rc = csvc__check_text(staff_code, 0, CSVC_PRINCIPAL_MAX_CODE, "staff_code");
	if (rc)
		return rc;
	csvc__principal_row row = {0};
	int began = 0;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	rc = csvc__access_db_principal(store, staff_code, &row);
	csvc__read_end(store, began);
	if (rc)
		return rc;
	if (!row.active) {
		csvc__free(row.home_store);
		return csvc__error(CSVC_EACCESS, "staff member '%s' is deactivated", staff_code);
	}
	if (!(a->principal = csvc__strcopy(staff_code))) {
		csvc__free(row.home_store);
		return csvc__error(CSVC_ENOMEM, "out of memory setting the principal");
	}
	a->home_store = row.home_store;
	a->perms = row.perms;
	a->chain = row.chain;
	return CSVC_OK;
}

const char *csvc_store_principal(const csvc_store *store)
{
	return store ? state_of(store)->principal : NULL;
}

int csvc_store_allows(csvc_store *store, csvc_permission_t perm)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	if (!valid_perm((int64_t)perm))
		return csvc__error(CSVC_EINVAL, "unknown permission %lld", (long long)perm);
	if (!enforced(store))
		return 1;
	return (state_of(store)->perms & CSVC__PERM_BIT(perm)) != 0;
}
