/**
 * @file
 * libcsvc - the staff directory: staff members (员工), customer-service
 * groups (咨询组, 投诉处理组, ...) and departments (物业, 财务, ...).
 *
 * A csvc_staff and a csvc_team are detached values, as customer records
 * are: built with the setters, saved with `_create` / `_update`, read back
 * with `_get` and the iterators; they never refer back to the store. A
 * staff member's `code` (the host's own staff ID or login) and a team's
 * `code` are set when the value is made and never change once saved.
 * Staff members and teams are never deleted, because history names them:
 * they are deactivated. See docs/staff.md.
 *
 * Appraisals (csvc_appraisal_record) are the handbook's multi-source
 * scores of a staff member per quarter or year, append-only; read back as
 * detached csvc_appraisal values and a csvc_appraisal_summary.
 *
 * Limits are the CSVC_STAFF_MAX_* and CSVC_TEAM_MAX_* macros (bytes of
 * UTF-8): a longer value gives CSVC_ERANGE, invalid UTF-8 or a control
 * character gives CSVC_EINVAL.
 *
 * Thread safety: a csvc_staff, a csvc_team, a csvc_appraisal and a
 * csvc_appraisal_summary are detached values. Their
 * getters only read them, so several threads may read one value at once;
 * the setters and the `_free` calls need the caller to make sure no other
 * thread uses it. Calls that take a csvc_store, and a staff iterator
 * (which reads from its store), follow the store's rule: one thread at a
 * time per store (store.h). See docs/threading.md.
 */
#ifndef CSVC_STAFF_H
#define CSVC_STAFF_H

#include "access.h"
#include "calendar.h"
#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

/** A staff member (detached value). Opaque. @since 1.0 */
typedef struct csvc_staff csvc_staff;
/** A team: a customer-service group or a department (detached value). Opaque. @since 1.0 */
typedef struct csvc_team csvc_team;

#define CSVC_STAFF_MAX_CODE CSVC_PRINCIPAL_MAX_CODE /**< the host's staff ID or login: 64 */
#define CSVC_STAFF_MAX_NAME 256        /**< display name */
#define CSVC_STAFF_MAX_EMPLOYEE_NO 64  /**< employee number */
#define CSVC_STAFF_MAX_STORE_CODE CSVC_STORE_CODE_MAX /**< home store code, e.g. "SH01" */
#define CSVC_STAFF_MAX_CALENDAR 128    /**< a stored calendar's name */
#define CSVC_STAFF_MAX_SKILL 64        /**< a skill's value */
#define CSVC_STAFF_MAX_ACTOR 128       /**< who made a change */
#define CSVC_STAFF_MAX_SKILLS 64       /**< skills per staff member */
#define CSVC_STAFF_MAX_TEAMS 32        /**< teams per staff member */
#define CSVC_STAFF_MAX_ROLES 16        /**< roles per staff member */
#define CSVC_TEAM_MAX_CODE 64          /**< [a-z0-9_.-] */
#define CSVC_TEAM_MAX_NAME 256         /**< display name */

/**
 * What a skill is about. Values are explicit and only appended to.
 * @since 1.0
 */
typedef enum csvc_skill_kind_t {
	CSVC_SKILL_TICKET_KIND = 1, /**< a ticket kind, e.g. "complaint" */
	CSVC_SKILL_CATEGORY = 2,    /**< a ticket category, e.g. "product_quality" */
	CSVC_SKILL_LANGUAGE = 3,    /**< a language, e.g. "zh", "en", "yue" */
	CSVC_SKILL_CHANNEL = 4      /**< a channel, e.g. "phone", "wechat" */
} csvc_skill_kind_t;

/**
 * What a team is. Values are explicit and only appended to.
 * @since 1.0
 */
typedef enum csvc_team_kind_t {
	CSVC_TEAM_CS_GROUP = 1,  /**< a customer-service group (咨询组, 投诉处理组, ...) */
	CSVC_TEAM_DEPARTMENT = 2 /**< a department tickets are handed off to (物业, 财务, ...) */
} csvc_team_kind_t;

/* ------------------------------------------------------------------ */
/* Staff records                                                       */
/* ------------------------------------------------------------------ */

/**
 * Allocates a draft staff member: active, no employee number, home store,
 * calendar, skill, team or role, revision 0.
 *
 * @param out Receives the record; written only on success.
 * @param code The host's own staff ID or login: 1 to CSVC_STAFF_MAX_CODE
 *        bytes of single-line UTF-8 without spaces at either end; unique
 *        in the store and never changed once saved.
 * @param name The display name: 1 to CSVC_STAFF_MAX_NAME bytes.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `out`, `code` or `name`, invalid UTF-8, a
 * control character, an empty value, spaces around `code`), CSVC_ERANGE
 * (a value too long), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_staff_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_new(csvc_staff **out, const char *code, const char *name);

/**
 * Frees a staff record and the strings borrowed from it.
 *
 * @param st The record, or NULL (a no-op).
 *
 * Ownership: takes `st` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_staff_free(csvc_staff *st);

/**
 * The staff member's UUID, given when it is first saved (nil for a draft).
 *
 * @param st The record.
 * @return The UUID, or NULL if `st` is NULL.
 *
 * Ownership: borrowed from `st`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_staff_id(const csvc_staff *st);
/**
 * The staff member's code: the host's own staff ID or login.
 *
 * @param st The record.
 * @return The code, or NULL if `st` is NULL.
 *
 * Ownership: borrowed from `st`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_code(const csvc_staff *st);
/**
 * The staff member's display name.
 *
 * @param st The record.
 * @return The name, or NULL if `st` is NULL.
 *
 * Ownership: borrowed from `st`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_name(const csvc_staff *st);
/**
 * The staff member's employee number.
 *
 * @param st The record.
 * @return The number, or NULL when not set (or `st` is NULL).
 *
 * Ownership: borrowed from `st`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_employee_number(const csvc_staff *st);
/**
 * The code of the staff member's home store, e.g. "SH01".
 *
 * @param st The record.
 * @return The store code, or NULL when not set (or `st` is NULL).
 *
 * Ownership: borrowed from `st`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_home_store(const csvc_staff *st);
/**
 * The name of the stored calendar of the staff member's shifts.
 *
 * @param st The record.
 * @return The calendar's name, or NULL when not set (or `st` is NULL).
 *
 * Ownership: borrowed from `st`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_calendar(const csvc_staff *st);
/**
 * Whether the staff member is active.
 *
 * @param st The record.
 * @return 1 if active, 0 if deactivated (or `st` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_active(const csvc_staff *st);
/**
 * The record's revision: 0 for a draft, 1 once created, one more for each
 * update that changed something.
 *
 * @param st The record.
 * @return The revision, or 0 if `st` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_staff_revision(const csvc_staff *st);
/**
 * When the staff member was created, by the store's clock.
 *
 * @param st The record.
 * @return The time, or 0 for a draft (or if `st` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_staff_created_at(const csvc_staff *st);
/**
 * When the staff member was last changed, by the store's clock.
 *
 * @param st The record.
 * @return The time, or 0 for a draft (or if `st` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_staff_updated_at(const csvc_staff *st);

/**
 * Sets the display name.
 *
 * @param st The record.
 * @param name 1 to CSVC_STAFF_MAX_NAME bytes of single-line UTF-8.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `name`, empty, invalid UTF-8, a
 * control character), CSVC_ERANGE (too long), CSVC_ENOMEM. On failure the
 * record is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_set_name(csvc_staff *st, const char *name);
/**
 * Sets or clears the employee number, unique in the store when set.
 *
 * @param st The record.
 * @param number 1 to CSVC_STAFF_MAX_EMPLOYEE_NO bytes of single-line
 *        UTF-8, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st`, empty, invalid UTF-8, a control
 * character), CSVC_ERANGE (too long), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_set_employee_number(csvc_staff *st, const char *number);
/**
 * Sets or clears the home store code.
 *
 * @param st The record.
 * @param store_code 1 to CSVC_STAFF_MAX_STORE_CODE printable ASCII bytes
 *        without spaces, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st`, a malformed code), CSVC_ERANGE (empty
 * or too long), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_set_home_store(csvc_staff *st, const char *store_code);
/**
 * Sets or clears the shift calendar. The name is checked against the
 * store's calendars when the record is saved (CSVC_ENOTFOUND there).
 *
 * @param st The record.
 * @param calendar A calendar's name (1 to CSVC_STAFF_MAX_CALENDAR bytes),
 *        or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st`, empty, invalid UTF-8, a control
 * character), CSVC_ERANGE (too long), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_set_calendar(csvc_staff *st, const char *calendar);
/**
 * Marks the staff member active (non-zero) or deactivated (0). Saving the
 * change with csvc_staff_update() records a `deactivated` or
 * `reactivated` event. Staff members are never deleted.
 *
 * @param st The record.
 * @param active Non-zero for active.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_set_active(csvc_staff *st, int active);

/**
 * Adds a skill; adding one the record has already changes nothing.
 * Skills are kept sorted by kind, then value.
 *
 * @param st The record.
 * @param kind What the skill is about.
 * @param value 1 to CSVC_STAFF_MAX_SKILL bytes of single-line UTF-8.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `value`, an unknown `kind`, empty,
 * invalid UTF-8, a control character), CSVC_ERANGE (too long, or already
 * CSVC_STAFF_MAX_SKILLS skills), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_add_skill(csvc_staff *st, csvc_skill_kind_t kind, const char *value);
/**
 * Removes a skill.
 *
 * @param st The record.
 * @param kind What the skill is about.
 * @param value The skill's value.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `value`, an unknown `kind`, invalid
 * UTF-8), CSVC_ERANGE (`value` too long), CSVC_ENOTFOUND (the record has
 * no such skill).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_remove_skill(csvc_staff *st, csvc_skill_kind_t kind, const char *value);
/**
 * The number of skills.
 *
 * @param st The record.
 * @return The count, or 0 if `st` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_staff_skill_count(const csvc_staff *st);
/**
 * Reads skill `i` (0-based, in kind then value order).
 *
 * @param st The record.
 * @param i The index.
 * @param kind Receives its csvc_skill_kind_t; may be NULL.
 * @param value Receives its value; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: `*value` is borrowed from `st`, valid until it is changed or
 * freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_skill_at(const csvc_staff *st, size_t i, int32_t *kind, const char **value);

/**
 * Makes the staff member a member of the team with code `team`; adding
 * one the record has already changes nothing. The team must exist when
 * the record is saved (CSVC_ENOTFOUND there).
 *
 * @param st The record.
 * @param team The team's code.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `team`, a malformed code),
 * CSVC_ERANGE (empty or too long, or already CSVC_STAFF_MAX_TEAMS teams),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_add_team(csvc_staff *st, const char *team);
/**
 * Ends the staff member's membership of a team.
 *
 * @param st The record.
 * @param team The team's code.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `team`, a malformed code),
 * CSVC_ERANGE (empty or too long), CSVC_ENOTFOUND (not a member).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_remove_team(csvc_staff *st, const char *team);
/**
 * The number of teams the staff member belongs to.
 *
 * @param st The record.
 * @return The count, or 0 if `st` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_staff_team_count(const csvc_staff *st);
/**
 * The code of team `i` (0-based, in code order).
 *
 * @param st The record.
 * @param i The index.
 * @return The team's code, or NULL if `st` is NULL or `i` out of range.
 *
 * Ownership: borrowed from `st`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_team(const csvc_staff *st, size_t i);

/**
 * Gives the staff member the role with code `role` (access.h); adding one
 * the record has already changes nothing. The role must exist when the
 * record is saved (CSVC_ENOTFOUND there). With access control on, the
 * staff member's calls may then do what the role's permissions allow,
 * from their next csvc_store_set_principal().
 *
 * @param st The record.
 * @param role The role's code.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `role`, a malformed code),
 * CSVC_ERANGE (empty or too long, or already CSVC_STAFF_MAX_ROLES roles),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_add_role(csvc_staff *st, const char *role);
/**
 * Takes a role from the staff member.
 *
 * @param st The record.
 * @param role The role's code.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `st` or `role`, a malformed code),
 * CSVC_ERANGE (empty or too long), CSVC_ENOTFOUND (the staff member does
 * not hold it).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_remove_role(csvc_staff *st, const char *role);
/**
 * The number of roles the staff member holds.
 *
 * @param st The record.
 * @return The count, or 0 if `st` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_staff_role_count(const csvc_staff *st);
/**
 * The code of role `i` (0-based, in code order).
 *
 * @param st The record.
 * @param i The index.
 * @return The role's code, or NULL if `st` is NULL or `i` out of range.
 *
 * Ownership: borrowed from `st`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_staff_role(const csvc_staff *st, size_t i);

/* ------------------------------------------------------------------ */
/* Staff in the store                                                  */
/* ------------------------------------------------------------------ */

/**
 * Saves a draft staff member with its skills, team memberships and roles,
 * in one transaction: gives it a UUID, revision 1 and the store clock's
 * time, and records a `created` event (and a `joined_team` event per team
 * and a `granted_role` event per role) in its history and the change
 * feed. On success `st` is updated in place.
 *
 * @param store The open store.
 * @param st The draft.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `st`, a saved record, a bad
 * `actor`), CSVC_ERANGE (`actor` too long), CSVC_EEXISTS (the code or the
 * employee number belongs to another staff member), CSVC_ENOTFOUND (a
 * team, a role or the calendar does not exist), CSVC_EACCESS (the
 * principal may not manage staff, or `actor` names someone else),
 * CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Nothing is written on failure and `st` is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_create(csvc_store *store, csvc_staff *st, const char *actor);

/**
 * Saves the changes to a staff member read from the store, if its revision
 * is still the stored one, in one transaction. Records an `updated` event
 * naming the changed fields, a `deactivated` or `reactivated` event when
 * the active flag changed, a `joined_team` or `left_team` event per
 * membership change and a `granted_role` or `revoked_role` event per role
 * change, each with its change-feed entry. An update that changes nothing
 * writes nothing and keeps the revision.
 *
 * @param store The open store.
 * @param st The record, as read and changed.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `st`, a draft, a bad `actor`),
 * CSVC_ERANGE (`actor` too long), CSVC_ENOTFOUND (no such staff member,
 * or a new team, role or calendar does not exist), CSVC_ECONFLICT (the
 * record changed since it was read), CSVC_EEXISTS (the employee number
 * belongs to another staff member), CSVC_EACCESS (the principal may not
 * manage staff, or `actor` names someone else), CSVC_EREADONLY,
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is
 * written on failure and `st` is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_update(csvc_store *store, csvc_staff *st, const char *actor);

/**
 * Reads the staff member with code `code`, active or not.
 *
 * @param store The open store.
 * @param code The staff member's code.
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `code` or `out`, invalid UTF-8),
 * CSVC_ERANGE (`code` too long), CSVC_ENOTFOUND (no such staff member),
 * CSVC_EACCESS (access control on and no principal), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_staff_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_get(csvc_store *store, const char *code, csvc_staff **out);

/**
 * Reads the staff member with UUID `id`, active or not.
 *
 * @param store The open store.
 * @param id The staff member's UUID.
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `id` or `out`), CSVC_ENOTFOUND (no
 * such staff member), CSVC_EACCESS (access control on and no principal),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_staff_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_get_by_id(csvc_store *store, const csvc_uuid *id, csvc_staff **out);

/**
 * Which staff members a query returns by their active flag.
 * @since 1.0
 */
typedef enum csvc_staff_status_t {
	CSVC_STAFF_STATUS_ACTIVE = 0,   /**< only active ones (the default) */
	CSVC_STAFF_STATUS_INACTIVE = 1, /**< only deactivated ones */
	CSVC_STAFF_STATUS_ANY = 2       /**< both */
} csvc_staff_status_t;

/** Current version of csvc_staff_query. @since 1.0 */
#define CSVC_STAFF_QUERY_VERSION 1

/**
 * Filters for listing staff members; all given filters must match (AND).
 * Zero/NULL fields do not filter. Results come in creation order.
 * @since 1.0
 */
typedef struct csvc_staff_query {
	uint32_t version;          /**< CSVC_STAFF_QUERY_VERSION */
	const char *team;          /**< member of the team with this code */
	const char *home_store;    /**< home store code */
	int32_t skill_kind;        /**< csvc_skill_kind_t: has a skill of this kind ... */
	const char *skill_value;   /**< ... with this value (both or neither) */
	int32_t status;            /**< csvc_staff_status_t; 0: active only */
	csvc_uuid after;           /**< keyset cursor: start after this staff member (nil: from the start) */
	uint32_t limit;            /**< at most this many results; 0 = no limit */
} csvc_staff_query;

/** Static initialiser: active staff, no other filter. @since 1.0 */
#define CSVC_STAFF_QUERY_INIT { CSVC_STAFF_QUERY_VERSION, NULL, NULL, 0, NULL, 0, {{0}}, 0 }

/**
 * Initialises `q` to the defaults of struct version `version` (pass
 * CSVC_STAFF_QUERY_VERSION): the same as CSVC_STAFF_QUERY_INIT, writing
 * only the fields that `version` has (docs/conventions.md "Versioned
 * structs").
 *
 * @param q The caller's query struct.
 * @param version The caller's CSVC_STAFF_QUERY_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `q` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_query_init(csvc_staff_query *q, unsigned int version);

/** An iterator over staff members. Opaque. @since 1.0 */
typedef struct csvc_staff_iter csvc_staff_iter;

/**
 * Starts iterating the staff members matching `q` (NULL: every active
 * one), in creation order. As the customer iterator, it holds no read
 * snapshot between calls and returns only staff members that existed when
 * it was created, none twice (docs/threading.md, "Iterators and writes").
 *
 * @param store The open store.
 * @param q The filters, read as far as their `version` goes, or NULL.
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `out`, a struct version newer than
 * the library knows, an unknown skill kind or status, only one of
 * `skill_kind` and `skill_value`, a malformed filter), CSVC_ERANGE (a
 * filter too long), CSVC_ENOTFOUND (`team` names no team, `after` no
 * staff member), CSVC_EACCESS (access control on and no principal),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_staff_iter_free(), before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_iter_new(csvc_store *store, const csvc_staff_query *q, csvc_staff_iter **out);

/**
 * Returns the next staff member in `*out`, or CSVC_ITEROVER at the end
 * (`*out` untouched).
 *
 * @param it The iterator.
 * @param out Receives the next record; written only on CSVC_OK.
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t
 *         (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `it` or `out`), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_staff_free().
 * Thread safety: as a call on the iterator's store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_iter_next(csvc_staff_iter *it, csvc_staff **out);

/**
 * Frees an iterator and the records it read ahead.
 *
 * @param it The iterator, or NULL (a no-op).
 *
 * Ownership: takes `it` back. Records it returned stay the caller's.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_staff_iter_free(csvc_staff_iter *it);

/* ------------------------------------------------------------------ */
/* Teams and departments                                               */
/* ------------------------------------------------------------------ */

/**
 * Allocates a draft team: active, chain-wide (no store code), revision 0.
 *
 * @param out Receives the team; written only on success.
 * @param code Its code: 1 to CSVC_TEAM_MAX_CODE bytes of [a-z0-9_.-],
 *        unique in the store and never changed once saved.
 * @param name Its display name: 1 to CSVC_TEAM_MAX_NAME bytes.
 * @param kind A customer-service group or a department.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `out`, `code` or `name`, a malformed code, an
 * unknown `kind`, invalid UTF-8 or a control character in `name`, an empty
 * name), CSVC_ERANGE (a value too long, an empty code), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_team_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_new(csvc_team **out, const char *code, const char *name, csvc_team_kind_t kind);

/**
 * Frees a team.
 *
 * @param team The team, or NULL (a no-op).
 *
 * Ownership: takes `team` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_team_free(csvc_team *team);

/**
 * The team's code.
 *
 * @param team The team.
 * @return The code, or NULL if `team` is NULL.
 *
 * Ownership: borrowed from `team`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_team_code(const csvc_team *team);
/**
 * The team's display name.
 *
 * @param team The team.
 * @return The name, or NULL if `team` is NULL.
 *
 * Ownership: borrowed from `team`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_team_name(const csvc_team *team);
/**
 * The team's kind.
 *
 * @param team The team.
 * @return One of csvc_team_kind_t, or 0 if `team` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_team_kind(const csvc_team *team);
/**
 * The code of the retail store the team works for.
 *
 * @param team The team.
 * @return The store code, or NULL for a chain-wide team (or if `team` is NULL).
 *
 * Ownership: borrowed from `team`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_team_store(const csvc_team *team);
/**
 * Whether the team is active.
 *
 * @param team The team.
 * @return 1 if active, 0 if deactivated (or `team` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_active(const csvc_team *team);
/**
 * The team's revision: 0 for a draft, 1 once created, one more per update
 * that changed something.
 *
 * @param team The team.
 * @return The revision, or 0 if `team` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_team_revision(const csvc_team *team);

/**
 * Sets the team's display name.
 *
 * @param team The team.
 * @param name 1 to CSVC_TEAM_MAX_NAME bytes of single-line UTF-8.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `team` or `name`, empty, invalid UTF-8, a
 * control character), CSVC_ERANGE (too long), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_set_name(csvc_team *team, const char *name);
/**
 * Sets the retail store the team works for, or makes it chain-wide.
 *
 * @param team The team.
 * @param store_code A store code (as csvc_staff_set_home_store()), or
 *        NULL for chain-wide.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `team`, a malformed code), CSVC_ERANGE (empty
 * or too long), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_set_store(csvc_team *team, const char *store_code);
/**
 * Marks the team active (non-zero) or deactivated (0). Teams are never
 * deleted; a deactivated team keeps its members.
 *
 * @param team The team.
 * @param active Non-zero for active.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `team`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_set_active(csvc_team *team, int active);

/**
 * Saves a draft team (revision 1) and records a `team_created` entry in
 * the change feed. On success `team` is updated in place.
 *
 * @param store The open store.
 * @param team The draft.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `team`, a saved team, a bad
 * `actor`), CSVC_ERANGE (`actor` too long), CSVC_EEXISTS (the code is
 * taken), CSVC_EACCESS (the principal may not manage staff, or `actor`
 * names someone else), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_create(csvc_store *store, csvc_team *team, const char *actor);

/**
 * Saves the changes to a team read from the store, if its revision is
 * still the stored one, and records a `team_updated` change-feed entry
 * naming the changed fields. An update that changes nothing writes
 * nothing.
 *
 * @param store The open store.
 * @param team The team, as read and changed.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `team`, a draft, a bad `actor`),
 * CSVC_ERANGE (`actor` too long), CSVC_ENOTFOUND (no such team),
 * CSVC_ECONFLICT (the team changed since it was read), CSVC_EACCESS (the
 * principal may not manage staff, or `actor` names someone else),
 * CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Nothing is written on failure and `team` is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_update(csvc_store *store, csvc_team *team, const char *actor);

/**
 * Reads the team with code `code`, active or not.
 *
 * @param store The open store.
 * @param code The team's code.
 * @param out Receives the team; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `code` or `out`, a malformed code),
 * CSVC_ERANGE (empty or too long), CSVC_ENOTFOUND (no such team),
 * CSVC_EACCESS (access control on and no principal), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_team_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_get(csvc_store *store, const char *code, csvc_team **out);

/**
 * Lists the store's teams in creation order: all of them, or those of
 * kind `kind` (0: any kind).
 *
 * @param store The open store.
 * @param kind A csvc_team_kind_t, or 0 for every kind.
 * @param out Receives an array of teams; written only on success.
 * @param count Receives the array's length; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `out` or `count`, an unknown
 * `kind`), CSVC_EACCESS (access control on and no principal), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns the array and each team: free them with
 * csvc_team_list_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_list(csvc_store *store, csvc_team_kind_t kind, csvc_team ***out, size_t *count);

/**
 * Frees an array of teams from csvc_team_list().
 *
 * @param teams The array, or NULL (a no-op).
 * @param count Its length.
 *
 * Ownership: takes the array and its teams back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_team_list_free(csvc_team **teams, size_t count);

/**
 * Starts iterating the active members of the team with code `code`, in
 * creation order: csvc_staff_iter_new() with csvc_staff_query.team set.
 *
 * @param store The open store.
 * @param code The team's code.
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `code` or `out`, a malformed code),
 * CSVC_ERANGE (empty or too long), CSVC_ENOTFOUND (no such team),
 * CSVC_EACCESS (access control on and no principal), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_staff_iter_free(), before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_members(csvc_store *store, const char *code, csvc_staff_iter **out);

/**
 * Installs the handbook's teams, those missing from the store: the
 * customer-service groups `consult` (咨询组), `complaints` (投诉处理组),
 * `floor` (现场管理组) and `membership` (会员服务组), and the departments
 * `property` (物业), `finance` (财务), `merchandise` (商品), `hr` (人事)
 * and `marketing` (市场), all chain-wide. A team with one of these codes
 * is left as it is, so running it again changes nothing; the host may
 * rename or deactivate them. Also run by csvc_store_install_defaults().
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`), CSVC_EACCESS (the principal may not
 * manage staff), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_team_install_defaults(csvc_store *store);

/* ------------------------------------------------------------------ */
/* Appraisals                                                          */
/* ------------------------------------------------------------------ */

/**
 * Who gave an appraisal: the handbook's multi-source appraisal (上级,
 * 客户反馈, 同事评价, 自我评价). Values are explicit and only appended to.
 * @since 1.0
 */
typedef enum csvc_appraisal_source_t {
	CSVC_APPRAISAL_SUPERVISOR = 1, /**< the staff member's supervisor (上级) */
	CSVC_APPRAISAL_CUSTOMER = 2,   /**< customers' feedback (客户反馈), no rater */
	CSVC_APPRAISAL_PEER = 3,       /**< a colleague (同事评价) */
	CSVC_APPRAISAL_SELF = 4        /**< the staff member (自我评价) */
} csvc_appraisal_source_t;

/**
 * What an appraisal scores: the handbook's criteria. Values are explicit
 * and only appended to.
 * @since 1.0
 */
typedef enum csvc_appraisal_criterion_t {
	CSVC_CRITERION_CUSTOMER_SATISFACTION = 1, /**< 客户满意度 */
	CSVC_CRITERION_EFFICIENCY = 2,            /**< 工作效率 */
	CSVC_CRITERION_TEAMWORK = 3,              /**< 团队协作 */
	CSVC_CRITERION_SKILL_GROWTH = 4           /**< 个人技能提升 */
} csvc_appraisal_criterion_t;

#define CSVC_APPRAISAL_MAX_PERIOD 7      /**< "2026-Q4" */
#define CSVC_APPRAISAL_MAX_COMMENT 4000  /**< bytes of multi-line UTF-8 */
#define CSVC_APPRAISAL_SCORE_MIN 1       /**< the lowest score */
#define CSVC_APPRAISAL_SCORE_MAX 5       /**< the highest score */

/** Current version of csvc_appraisal_form. @since 1.0 */
#define CSVC_APPRAISAL_FORM_VERSION 1

/**
 * One appraisal as it is recorded (csvc_appraisal_record). A score of 0
 * means "not scored"; at least one of the four must be given.
 * @since 1.0
 */
typedef struct csvc_appraisal_form {
	uint32_t version;              /**< CSVC_APPRAISAL_FORM_VERSION */
	const char *staff;             /**< required: the appraised staff member's code */
	const char *period;            /**< required: a year "2026" or a quarter "2026-Q4" */
	int32_t source;                /**< required: csvc_appraisal_source_t */
	const char *rater;             /**< the rater's staff code (see csvc_appraisal_record); NULL for customers */
	int32_t customer_satisfaction; /**< 1..5, 0: not scored */
	int32_t efficiency;            /**< 1..5, 0: not scored */
	int32_t teamwork;              /**< 1..5, 0: not scored */
	int32_t skill_growth;          /**< 1..5, 0: not scored */
	const char *comment;           /**< multi-line text, or NULL */
} csvc_appraisal_form;

/** Static initialiser: nothing set. @since 1.0 */
#define CSVC_APPRAISAL_FORM_INIT { CSVC_APPRAISAL_FORM_VERSION, NULL, NULL, 0, NULL, 0, 0, 0, 0, NULL }

/**
 * Initialises `form` to the defaults of struct version `version` (pass
 * CSVC_APPRAISAL_FORM_VERSION): the same as CSVC_APPRAISAL_FORM_INIT,
 * writing only the fields that `version` has (docs/conventions.md
 * "Versioned structs").
 *
 * @param form The caller's struct.
 * @param version The caller's CSVC_APPRAISAL_FORM_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `form` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_appraisal_form_init(csvc_appraisal_form *form, unsigned int version);

/**
 * Records an appraisal of a staff member for a period. Appraisals are
 * append-only: never changed or deleted (the store refuses it); a
 * correction is a new record. Writes an `appraisal_recorded` change-feed
 * entry (subject: the staff member; payload: the appraisal's UUID,
 * period, source and rater, never the scores or the comment).
 *
 * The rater, by source:
 * - CSVC_APPRAISAL_SUPERVISOR: a staff member other than the appraised
 *   one; NULL means the principal. Needs staff_appraise, with the home
 *   stores of the appraised staff member and of the rater in the
 *   principal's scope.
 * - CSVC_APPRAISAL_PEER: a staff member other than the appraised one;
 *   NULL means the principal. With access control on, the rater must be
 *   the principal. Needs a principal only.
 * - CSVC_APPRAISAL_SELF: the appraised staff member (NULL means them).
 *   With access control on, the principal must be the appraised staff
 *   member. Needs a principal only.
 * - CSVC_APPRAISAL_CUSTOMER: no rater (must be NULL). Needs
 *   survey_record.
 * The appraised staff member and the rater must exist (active or not).
 *
 * @param store The open store.
 * @param form The appraisal, read as far as its `version` goes.
 * @param actor Who recorded it (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @param id Receives the new appraisal's UUID; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `form`, a struct version newer
 * than the library knows, a missing staff code or period, a period that
 * is neither "YYYY" nor "YYYY-Qn" (n 1 to 4), an unknown source, no score
 * or a score outside 0..5, a rater given for a customer appraisal or
 * missing for a supervisor's or peer's, a supervisor or peer rating
 * themselves, a self appraisal naming another rater, invalid UTF-8 or a
 * control character, a bad `actor`), CSVC_ERANGE (a value too long),
 * CSVC_ENOTFOUND (no such staff member or rater), CSVC_EACCESS (as
 * above, or `actor` names someone else), CSVC_EREADONLY, CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on
 * failure and `*id` is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_appraisal_record(csvc_store *store, const csvc_appraisal_form *form, const char *actor,
                                       csvc_uuid *id);

/** A recorded appraisal (detached value). Opaque. @since 1.0 */
typedef struct csvc_appraisal csvc_appraisal;

/**
 * Lists the appraisals of staff member `staff`, of period `period` or of
 * every period (NULL), in the order they were recorded.
 *
 * @param store The open store.
 * @param staff The appraised staff member's code.
 * @param period A period ("2026", "2026-Q4"), or NULL for all.
 * @param out Receives an array of appraisals; written only on success.
 * @param count Receives the array's length; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `staff`, `out` or `count`, a
 * malformed code or period), CSVC_ERANGE (too long), CSVC_ENOTFOUND (no
 * such staff member), CSVC_EACCESS (access control on and the principal
 * is neither the staff member nor holds reports_read), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns the array and each appraisal: free them with
 * csvc_appraisal_list_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_appraisal_list(csvc_store *store, const char *staff, const char *period,
                                     csvc_appraisal ***out, size_t *count);

/**
 * Frees an array of appraisals from csvc_appraisal_list().
 *
 * @param list The array, or NULL (a no-op).
 * @param count Its length.
 *
 * Ownership: takes the array and its appraisals back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_appraisal_list_free(csvc_appraisal **list, size_t count);

/**
 * The appraisal's UUID.
 *
 * @param a The appraisal.
 * @return The UUID, or NULL if `a` is NULL.
 *
 * Ownership: borrowed from `a`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_appraisal_id(const csvc_appraisal *a);
/**
 * The appraised staff member's code.
 *
 * @param a The appraisal.
 * @return The code, or NULL if `a` is NULL.
 *
 * Ownership: borrowed from `a`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_appraisal_staff(const csvc_appraisal *a);
/**
 * The appraisal's period: "2026" or "2026-Q4".
 *
 * @param a The appraisal.
 * @return The period, or NULL if `a` is NULL.
 *
 * Ownership: borrowed from `a`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_appraisal_period(const csvc_appraisal *a);
/**
 * Who gave the appraisal.
 *
 * @param a The appraisal.
 * @return One of csvc_appraisal_source_t, or 0 if `a` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_appraisal_source(const csvc_appraisal *a);
/**
 * The rater's staff code.
 *
 * @param a The appraisal.
 * @return The code, or NULL for a customer appraisal (or if `a` is NULL).
 *
 * Ownership: borrowed from `a`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_appraisal_rater(const csvc_appraisal *a);
/**
 * The score the appraisal gives on criterion `criterion`.
 *
 * @param a The appraisal.
 * @param criterion The criterion.
 * @return 1..5, or 0 when not scored, for an unknown criterion or if `a`
 *         is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_appraisal_score(const csvc_appraisal *a, csvc_appraisal_criterion_t criterion);
/**
 * The appraisal's comment.
 *
 * @param a The appraisal.
 * @return The comment, or NULL when none (or if `a` is NULL).
 *
 * Ownership: borrowed from `a`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_appraisal_comment(const csvc_appraisal *a);
/**
 * Who recorded the appraisal.
 *
 * @param a The appraisal.
 * @return The actor, or NULL when none was named (or if `a` is NULL).
 *
 * Ownership: borrowed from `a`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_appraisal_actor(const csvc_appraisal *a);
/**
 * When the appraisal was recorded, by the store's clock.
 *
 * @param a The appraisal.
 * @return The time, or 0 if `a` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_appraisal_recorded_at(const csvc_appraisal *a);

/** The scores of a staff member's appraisals by source and criterion (detached value). Opaque. @since 1.0 */
typedef struct csvc_appraisal_summary csvc_appraisal_summary;

/**
 * Summarises the appraisals of staff member `staff` for period `period`
 * (NULL: every period): per source and criterion, the number of scores
 * and their mean (csvc_appraisal_summary_mean).
 *
 * @param store The open store.
 * @param staff The appraised staff member's code.
 * @param period A period ("2026", "2026-Q4"), or NULL for all.
 * @param out Receives the summary; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `staff` or `out`, a malformed code
 * or period), CSVC_ERANGE (too long), CSVC_ENOTFOUND (no such staff
 * member), CSVC_EACCESS (access control on and the principal is neither
 * the staff member nor holds reports_read), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_appraisal_summary_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_appraisal_summarize(csvc_store *store, const char *staff, const char *period,
                                          csvc_appraisal_summary **out);

/**
 * Frees a summary.
 *
 * @param s The summary, or NULL (a no-op).
 *
 * Ownership: takes `s` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_appraisal_summary_free(csvc_appraisal_summary *s);

/**
 * The number of appraisals from source `source` (0: every source).
 *
 * @param s The summary.
 * @param source A csvc_appraisal_source_t, or 0.
 * @return The count; 0 for an unknown source or if `s` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_appraisal_summary_records(const csvc_appraisal_summary *s, csvc_appraisal_source_t source);

/**
 * The number of scores given by source `source` (0: every source) on
 * criterion `criterion` (0: every criterion).
 *
 * @param s The summary.
 * @param source A csvc_appraisal_source_t, or 0.
 * @param criterion A csvc_appraisal_criterion_t, or 0.
 * @return The count; 0 for an unknown source or criterion or if `s` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_appraisal_summary_count(const csvc_appraisal_summary *s, csvc_appraisal_source_t source,
                                                  csvc_appraisal_criterion_t criterion);

/**
 * The mean of the scores given by source `source` (0: every source, each
 * score weighing the same) on criterion `criterion` (0: every criterion).
 *
 * @param s The summary.
 * @param source A csvc_appraisal_source_t, or 0.
 * @param criterion A csvc_appraisal_criterion_t, or 0.
 * @return The mean on 1..5; NaN when there is no such score, for an
 *         unknown source or criterion or if `s` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(double) csvc_appraisal_summary_mean(const csvc_appraisal_summary *s, csvc_appraisal_source_t source,
                                                csvc_appraisal_criterion_t criterion);

/* ------------------------------------------------------------------ */
/* References: assignees, teams and actors name the directory          */
/* ------------------------------------------------------------------ */

/**
 * Whether `actor` is one of the library's system actors, which every
 * store accepts as an actor whatever its staff references: "sla" (the
 * SLA engine's escalations) and "system" (a host's own automated writes).
 * They cannot be staff codes under staff references (docs/staff.md).
 *
 * @param actor A name, or NULL.
 * @return 1 for a system actor, else 0 (also for NULL).
 * Thread safety: any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_is_system_actor(const char *actor);

/**
 * Whether the store's staff references are on. The setting is stored in
 * the store, so every process and connection opening it obeys it. With
 * it on, every write checks: a ticket's assignee is the code of an
 * active staff member and its team the code of an active team (of either
 * kind), where a call sets them to a new value (csvc_ticket_create,
 * csvc_ticket_update, csvc_ticket_assign, csvc_ticket_route and the SLA
 * engine's escalations); and every actor a call records (each public
 * call taking an `actor`) is a staff code (active or not) or a system
 * actor (csvc_staff_is_system_actor). NULL actors, assignees and teams
 * stay allowed where they are. Off (the default, also for stores made
 * before it existed): all three are free text, as before.
 *
 * @param store The open store.
 * @return 1 (on), 0 (off), or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`), CSVC_EACCESS (access control on
 * and no principal set), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 * Thread safety: as any call on `store` (one thread at a time).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_references(csvc_store *store);

/**
 * Turns the store's staff references on (1) or off (0). Turning them on
 * checks nothing already stored: only later writes are checked (use
 * csvc_staff_adopt to turn a store's free text into staff records
 * first). A change writes a `setting_changed` change-feed entry (subject
 * kind "definition", reference "staff_references", payload
 * {"kind":"setting","value":true|false}); setting the current value
 * writes nothing. Needs staff_manage.
 *
 * @param store The open store.
 * @param on 1 or 0.
 * @param actor Who made the change (1 to CSVC_STAFF_MAX_ACTOR bytes), or
 *              NULL; checked against the references as they are before
 *              the change.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `on` neither 0 nor 1, a bad
 * `actor`), CSVC_ERANGE (`actor` too long), CSVC_ENOTFOUND (references
 * on and `actor` is neither a staff code nor a system actor),
 * CSVC_EACCESS (no staff_manage, or `actor` names someone other than the
 * principal), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM. Nothing changes on failure.
 * Thread safety: as any call on `store` (one thread at a time).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_set_references(csvc_store *store, int on, const char *actor);

/**
 * Adopts the store's free text into the staff directory, then turns its
 * staff references on, in one transaction. Every distinct ticket
 * assignee, SLA escalation assignee and recorded actor (of tickets,
 * comments, time worked, customers, staff, appraisals and feed records,
 * and `actor` itself, which the call records) that is neither a staff code nor a system actor becomes an active
 * staff member with that text as code and name (no roles, teams or
 * skills); every distinct ticket or SLA escalation team that is not a
 * team code becomes an active customer-service group with that text as
 * code and name. Each is created as csvc_staff_create and
 * csvc_team_create do (history and change-feed entries, by `actor`).
 * Stored records keep their text, which now names those records, so
 * reports by assignee or team are unchanged. Running it again creates
 * only what is new (nothing, if nothing was written since). Needs
 * staff_manage.
 *
 * A value that cannot be a staff code (longer than CSVC_STAFF_MAX_CODE
 * bytes, spaces around it) or a team code (not a machine name: a-z, 0-9,
 * '_', '.', '-') is refused: nothing is adopted, and the message names
 * the value.
 *
 * @param store The open store.
 * @param actor Who adopted (1 to CSVC_STAFF_MAX_ACTOR bytes), or NULL.
 * @param staff_created Receives how many staff members were created;
 *                      written only on success.
 * @param teams_created Receives how many teams were created; written
 *                      only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`, `staff_created` or `teams_created`,
 * a bad `actor`, a stored value that cannot be a code), CSVC_ERANGE (`actor` too long), CSVC_ENOTFOUND
 * (references on and `actor` is neither a staff code nor a system
 * actor), CSVC_EACCESS (no staff_manage, or `actor` names someone other
 * than the principal), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM. Nothing changes on failure.
 * Thread safety: as any call on `store` (one thread at a time).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_staff_adopt(csvc_store *store, const char *actor, int64_t *staff_created,
                                  int64_t *teams_created);

CSVC_END_DECL

#endif /* CSVC_STAFF_H */
