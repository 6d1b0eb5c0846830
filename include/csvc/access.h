/**
 * @file
 * libcsvc - roles and access control: which staff member a store works
 * for (the principal), what that person may do (permissions, granted by
 * roles stored as data), and which stores' records they may see.
 *
 * Access control is a property of an open store handle: a store opened
 * with CSVC_OPEN_ACCESS_CONTROL runs every call as its principal, set
 * with csvc_store_set_principal(); a call the principal's roles do not
 * allow returns CSVC_EACCESS and changes nothing. A store opened without
 * it is in trusted mode: the caller is trusted with everything, as on a
 * single-user till. See docs/access.md.
 *
 * A csvc_role is a detached value, as a team is: built with the setters,
 * saved with csvc_role_create() / csvc_role_update(), read back with
 * csvc_role_get() and csvc_role_list(). Roles are deactivated, never
 * deleted. A staff member's roles are set on the staff record
 * (csvc_staff_add_role(), staff.h).
 *
 * Thread safety: a csvc_role is a detached value (getters may run in
 * several threads at once; setters and csvc_role_free() need the caller
 * to keep other threads away). Calls that take a csvc_store follow the
 * store's rule: one thread at a time per store (store.h).
 */
#ifndef CSVC_ACCESS_H
#define CSVC_ACCESS_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

/** A role: a named set of permissions (detached value). Opaque. @since 1.0 */
typedef struct csvc_role csvc_role;

#define CSVC_ROLE_MAX_CODE 64  /**< [a-z0-9_.-] */
#define CSVC_PRINCIPAL_MAX_CODE 64 /**< a principal's staff code (CSVC_STAFF_MAX_CODE) */
#define CSVC_ROLE_MAX_NAME 256 /**< display name */

/**
 * A class of operation a role may allow. Values are explicit and only
 * appended to; their names ("customer_read_contacts", ...) are
 * csvc_enum_name(CSVC_ENUM_PERMISSION, value). docs/access.md lists
 * which calls need which permission.
 * @since 1.0
 */
typedef enum csvc_permission_t {
	CSVC_PERM_CUSTOMER_READ_CONTACTS = 1, /**< see customers' phones and e-mails unmasked */
	CSVC_PERM_CUSTOMER_READ_PROFILE = 2,  /**< read a customer record */
	CSVC_PERM_CUSTOMER_SEARCH = 3,        /**< find, list and count customers */
	CSVC_PERM_CUSTOMER_EXPORT = 4,        /**< export customer data in bulk */
	CSVC_PERM_CUSTOMER_MERGE = 5,         /**< merge two customer records */
	CSVC_PERM_CUSTOMER_ERASE = 6,         /**< erase a customer (right to be forgotten) */
	CSVC_PERM_CUSTOMER_WRITE = 7,         /**< create and update customer records */
	CSVC_PERM_TICKET_READ = 8,            /**< read, list and count tickets and their history */
	CSVC_PERM_TICKET_CREATE = 9,          /**< open tickets */
	CSVC_PERM_TICKET_UPDATE = 10,         /**< edit, comment on, link and merge tickets */
	CSVC_PERM_TICKET_TRANSITION = 11,     /**< move a ticket through its workflow */
	CSVC_PERM_TICKET_ASSIGN = 12,         /**< assign a ticket to someone */
	CSVC_PERM_DEFINITIONS_MANAGE = 13,    /**< workflows, kinds, channels, calendars, SLA policies, surveys */
	CSVC_PERM_STAFF_MANAGE = 14,          /**< staff members, teams and roles */
	CSVC_PERM_REPORTS_READ = 15,          /**< service reports and the dashboard */
	CSVC_PERM_AUDIT_READ = 16,            /**< the change feed (and audit log) */
	CSVC_PERM_SURVEY_RECORD = 17,         /**< send survey invitations, record answers */
	CSVC_PERM_STORE_MAINTAIN = 18,        /**< maintenance: scrubs, SLA runs, feed consumers */
	CSVC_PERM_STAFF_APPRAISE = 19         /**< record supervisors' appraisals of staff in scope */
} csvc_permission_t;

/** The highest csvc_permission_t value of this version. @since 1.0 */
#define CSVC_PERM_MAX CSVC_PERM_STAFF_APPRAISE

/**
 * Which records a role's holder may see. Values are explicit and only
 * appended to.
 * @since 1.0
 */
typedef enum csvc_role_scope_t {
	CSVC_ROLE_SCOPE_STORE = 1, /**< the staff member's home store's records (and those of no store) */
	CSVC_ROLE_SCOPE_CHAIN = 2  /**< every store's records: head-office roles */
} csvc_role_scope_t;

/* ------------------------------------------------------------------ */
/* Roles                                                               */
/* ------------------------------------------------------------------ */

/**
 * Allocates a draft role: active, no permission, revision 0.
 *
 * @param out Receives the role; written only on success.
 * @param code Its code: 1 to CSVC_ROLE_MAX_CODE bytes of [a-z0-9_.-],
 *        unique in the store and never changed once saved.
 * @param name Its display name: 1 to CSVC_ROLE_MAX_NAME bytes of
 *        single-line UTF-8.
 * @param scope Which records its holders see.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `out`, `code` or `name`, a malformed code, an
 * unknown `scope`, invalid UTF-8 or a control character in `name`, an
 * empty name), CSVC_ERANGE (a value too long, an empty code), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_role_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_new(csvc_role **out, const char *code, const char *name, csvc_role_scope_t scope);

/**
 * Frees a role.
 *
 * @param role The role, or NULL (a no-op).
 *
 * Ownership: takes `role` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_role_free(csvc_role *role);

/**
 * The role's code.
 *
 * @param role The role.
 * @return The code, or NULL if `role` is NULL.
 *
 * Ownership: borrowed from `role`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_role_code(const csvc_role *role);

/**
 * The role's display name.
 *
 * @param role The role.
 * @return The name, or NULL if `role` is NULL.
 *
 * Ownership: borrowed from `role`, valid until it is freed or renamed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_role_name(const csvc_role *role);

/**
 * The role's scope.
 *
 * @param role The role.
 * @return A csvc_role_scope_t, or 0 if `role` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_role_scope(const csvc_role *role);

/**
 * Whether the role is active (an inactive role grants nothing).
 *
 * @param role The role.
 * @return 1 if active, 0 if not or if `role` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_active(const csvc_role *role);

/**
 * The role's revision: 0 for a draft, 1 once created, one more per
 * update that changed something.
 *
 * @param role The role.
 * @return The revision, or 0 if `role` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_role_revision(const csvc_role *role);

/**
 * Whether the role grants a permission (active or not).
 *
 * @param role The role.
 * @param perm The permission.
 * @return 1 if it does, 0 if not, if `role` is NULL or `perm` unknown.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_allows(const csvc_role *role, csvc_permission_t perm);

/**
 * Renames the role.
 *
 * @param role The role.
 * @param name The new display name, as for csvc_role_new().
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL argument, invalid UTF-8, a control character,
 * empty), CSVC_ERANGE (too long), CSVC_ENOMEM. `role` is unchanged on
 * failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_set_name(csvc_role *role, const char *name);

/**
 * Sets the role's scope.
 *
 * @param role The role.
 * @param scope The new scope.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `role`, an unknown `scope`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_set_scope(csvc_role *role, csvc_role_scope_t scope);

/**
 * Activates or deactivates the role.
 *
 * @param role The role.
 * @param active Non-zero: active.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `role`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_set_active(csvc_role *role, int active);

/**
 * Grants a permission (granting one the role has is a no-op).
 *
 * @param role The role.
 * @param perm The permission.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `role`, an unknown `perm`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_grant(csvc_role *role, csvc_permission_t perm);

/**
 * Revokes a permission (revoking one the role lacks is a no-op).
 *
 * @param role The role.
 * @param perm The permission.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `role`, an unknown `perm`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_revoke(csvc_role *role, csvc_permission_t perm);

/**
 * Saves a draft role (revision 1) and records a `role_created`
 * definition entry in the change feed. On success `role` is updated in
 * place.
 *
 * @param store The open store.
 * @param role The draft.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `role`, a saved role, a bad
 * `actor`), CSVC_ERANGE (`actor` too long), CSVC_EEXISTS (the code is
 * taken), CSVC_EACCESS (the principal may not manage staff),
 * CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_create(csvc_store *store, csvc_role *role, const char *actor);

/**
 * Saves the changes to a role read from the store, if its revision is
 * still the stored one, and records a `role_updated` change-feed entry.
 * An update that changes nothing writes nothing.
 *
 * @param store The open store.
 * @param role The role, as read and changed.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `role`, a draft, a bad `actor`),
 * CSVC_ERANGE (`actor` too long), CSVC_ENOTFOUND (no such role),
 * CSVC_ECONFLICT (the role changed since it was read), CSVC_EACCESS,
 * CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Nothing is written on failure and `role` is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_update(csvc_store *store, csvc_role *role, const char *actor);

/**
 * Reads the role with code `code`, active or not.
 *
 * @param store The open store.
 * @param code The role's code.
 * @param out Receives the role; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument, a malformed code), CSVC_ERANGE
 * (empty or too long), CSVC_ENOTFOUND (no such role), CSVC_EACCESS (access
 * control on and no principal), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_role_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_get(csvc_store *store, const char *code, csvc_role **out);

/**
 * Lists the store's roles in creation order.
 *
 * @param store The open store.
 * @param out Receives an array of roles; written only on success.
 * @param count Receives the array's length; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument), CSVC_EACCESS (access control on and
 * no principal), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns the array and each role: free them with
 * csvc_role_list_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_list(csvc_store *store, csvc_role ***out, size_t *count);

/**
 * Frees an array of roles from csvc_role_list().
 *
 * @param roles The array, or NULL (a no-op).
 * @param count Its length.
 *
 * Ownership: takes the array and its roles back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_role_list_free(csvc_role **roles, size_t count);

/**
 * Installs the handbook's roles, those missing from the store (by code):
 * `receptionist`, `cashier`, `guide`, `service_agent`, `specialist`,
 * `supervisor`, `security_officer` (store scope), `auditor` and
 * `data_admin` (chain scope), with the permissions docs/access.md lists.
 * A role with one of these codes is left as it is. Also run by
 * csvc_store_install_defaults().
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`), CSVC_EACCESS (the principal may not
 * manage staff), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_role_install_defaults(csvc_store *store);

/* ------------------------------------------------------------------ */
/* The principal                                                       */
/* ------------------------------------------------------------------ */

/**
 * Whether the store was opened with access control on
 * (CSVC_OPEN_ACCESS_CONTROL).
 *
 * @param store The store.
 * @return 1 if on, 0 if off (trusted mode) or if `store` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_access_control(const csvc_store *store);

/**
 * Sets the staff member every later call runs as, reading their roles
 * once, now: a change to their roles or record takes effect at the next
 * csvc_store_set_principal(). The principal's permissions are those of
 * their active roles; their scope is the whole chain if one of those
 * roles has chain scope, else their home store. Writes name the
 * principal as their actor: a call whose `actor` is NULL records the
 * principal's code, and one naming anybody else is refused.
 *
 * Also allowed in trusted mode, where it checks no permission but still
 * names the actor of writes and refuses writes in another's name.
 *
 * @param store The open store.
 * @param staff_code The staff member's code, or NULL to clear the
 *        principal (with access control on, every guarded call is then
 *        refused).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, a malformed code), CSVC_ERANGE (too
 * long), CSVC_ENOTFOUND (no such staff member), CSVC_EACCESS (the staff
 * member is deactivated), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. On failure the principal is
 * cleared.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_set_principal(csvc_store *store, const char *staff_code);

/**
 * The principal's staff code.
 *
 * @param store The store.
 * @return The code, or NULL when none is set (or `store` is NULL).
 *
 * Ownership: borrowed from the store, valid until the principal changes.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_store_principal(const csvc_store *store);

/**
 * Whether the store's calls may use a permission now: always in trusted
 * mode; with access control on, when the principal's roles grant it. For
 * a user interface that greys out what its user may not do.
 *
 * @param store The store.
 * @param perm The permission.
 * @return 1 if allowed, 0 if not, or CSVC_EINVAL (NULL `store`, an
 *         unknown `perm`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_allows(csvc_store *store, csvc_permission_t perm);

CSVC_END_DECL

#endif /* CSVC_ACCESS_H */
