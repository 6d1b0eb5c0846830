/**
 * @file
 * libcsvc - routing rules: which team a new ticket goes to, and which
 * member of the team gets it.
 *
 * A rule matches a ticket on its kind, category, channel, store and the
 * customer's class (each unset criterion matches anything) and names a
 * team and a strategy: round robin, least open load or best skill match.
 * Rules are tried in order of their position (then code); the first
 * active rule whose team is active decides. Only active staff members of
 * the team who are on shift by their calendar (csvc_staff_set_calendar())
 * are candidates; a member without a calendar is always on shift, one
 * whose calendar is not stored never is. When nobody is on shift the
 * ticket goes to the team with no assignee.
 *
 * csvc_ticket_create() routes a draft that has neither an assignee nor a
 * team, in the ticket's own transaction, and records the rule, its
 * revision, the strategy and the reason in the `created` event's payload
 * (`"route":{...}`). csvc_ticket_route() routes a saved ticket again; a
 * rule marked `designated` keeps the ticket's handler while that person
 * is active and on shift (a complaint's 专人负责), and reassigns only in
 * their absence. See docs/routing.md.
 *
 * A csvc_route_rule is a detached value, as a role is: built with the
 * setters, saved with csvc_route_rule_create() / csvc_route_rule_update(),
 * read back with csvc_route_rule_get() and csvc_route_rule_list(). Rules
 * are deactivated, never deleted.
 *
 * Thread safety: a csvc_route_rule is a detached value (getters may run
 * in several threads at once; setters and csvc_route_rule_free() need the
 * caller to keep other threads away). Calls that take a csvc_store follow
 * the store's rule: one thread at a time per store (store.h).
 */
#ifndef CSVC_ROUTE_H
#define CSVC_ROUTE_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

/** A routing rule (detached value). Opaque. @since 1.0 */
typedef struct csvc_route_rule csvc_route_rule;

#define CSVC_ROUTE_MAX_CODE 64 /**< [a-z0-9_.-] */

/**
 * How a rule picks a member of its team. Values are explicit and only
 * appended to; their names ("round_robin", "least_load", "best_skill")
 * are csvc_enum_name(CSVC_ENUM_ROUTE_STRATEGY, value).
 * @since 1.0
 */
typedef enum csvc_route_strategy_t {
	/** each candidate in turn, in code order, after the rule's last pick */
	CSVC_ROUTE_ROUND_ROBIN = 1,
	/** the fewest open tickets (new, open, waiting); ties in turn */
	CSVC_ROUTE_LEAST_LOAD = 2,
	/** the most skills matching the ticket's kind, category and channel;
	 * ties by load, then in turn */
	CSVC_ROUTE_BEST_SKILL = 3
} csvc_route_strategy_t;

/**
 * Allocates a draft rule: active, position 0, matching every ticket, not
 * designated, revision 0.
 *
 * @param out Receives the rule; written only on success.
 * @param code Its code: 1 to CSVC_ROUTE_MAX_CODE bytes of [a-z0-9_.-],
 *        unique in the store and never changed once saved.
 * @param team The code of the team it sends tickets to (checked when
 *        saved).
 * @param strategy How it picks a member of the team.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `out`, a bad `code` or `team`, an unknown
 * `strategy`), CSVC_ERANGE (`code` or `team` empty or longer than
 * CSVC_ROUTE_MAX_CODE bytes), CSVC_ENOMEM.
 * Ownership: the caller frees the rule with csvc_route_rule_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_new(csvc_route_rule **out, const char *code, const char *team,
                                     csvc_route_strategy_t strategy);

/**
 * Frees a rule. NULL is a no-op.
 *
 * @param rule The rule, or NULL.
 *
 * Ownership: takes the rule back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_route_rule_free(csvc_route_rule *rule);

/**
 * The rule's code.
 *
 * @param rule The rule.
 * @return Its code , or NULL
 *         if `rule` is NULL.
 *
 * Ownership: borrowed from `rule`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_route_rule_code(const csvc_route_rule *rule);

/**
 * The code of the team the rule sends tickets to.
 *
 * @param rule The rule.
 * @return The team code , or NULL if `rule` is NULL.
 *
 * Ownership: borrowed from `rule`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_route_rule_team(const csvc_route_rule *rule);

/**
 * The rule's strategy.
 *
 * @param rule The rule.
 * @return One of csvc_route_strategy_t, or 0 if `rule` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_route_rule_strategy(const csvc_route_rule *rule);

/**
 * The rule's position: rules are tried in ascending position, then code.
 *
 * @param rule The rule.
 * @return Its position, or 0 if `rule` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_route_rule_position(const csvc_route_rule *rule);

/**
 * Whether the rule keeps a ticket's handler when it is routed again
 * (csvc_ticket_route()) while that person is active and on shift.
 *
 * @param rule The rule.
 * @return 1 or 0 (0 if `rule` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_designated(const csvc_route_rule *rule);

/**
 * Whether the rule is active (inactive rules are skipped).
 *
 * @param rule The rule.
 * @return 1 or 0 (0 if `rule` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_active(const csvc_route_rule *rule);

/**
 * The rule's revision: 0 for a draft, 1 once created, +1 per saved change.
 *
 * @param rule The rule.
 * @return Its revision, or 0 if `rule` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_route_rule_revision(const csvc_route_rule *rule);

/**
 * The ticket kind the rule matches.
 *
 * @param rule The rule.
 * @return The kind, or NULL for any kind (or if
 *         `rule` is NULL).
 *
 * Ownership: borrowed from `rule`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_route_rule_kind(const csvc_route_rule *rule);

/**
 * The ticket category the rule matches.
 *
 * @param rule The rule.
 * @return The category, or NULL for any category (or
 *         if `rule` is NULL).
 *
 * Ownership: borrowed from `rule`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_route_rule_category(const csvc_route_rule *rule);

/**
 * The channel the rule matches.
 *
 * @param rule The rule.
 * @return The channel, or NULL for any channel (or
 *         if `rule` is NULL).
 *
 * Ownership: borrowed from `rule`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_route_rule_channel(const csvc_route_rule *rule);

/**
 * The store code the rule matches.
 *
 * @param rule The rule.
 * @return The store code, or NULL for any store (or
 *         if `rule` is NULL).
 *
 * Ownership: borrowed from `rule`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_route_rule_store(const csvc_route_rule *rule);

/**
 * The customer class the rule matches (customer.h).
 *
 * @param rule The rule.
 * @return A csvc_customer_class_t value, or 0 for any (also tickets with
 *         no customer) or if `rule` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_route_rule_customer_class(const csvc_route_rule *rule);

/**
 * Sets the team the rule sends tickets to.
 *
 * @param rule The rule.
 * @param team A team code (checked when saved).
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, a bad `team`), CSVC_ERANGE,
 * CSVC_ENOMEM. The rule is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_team(csvc_route_rule *rule, const char *team);

/**
 * Sets the rule's strategy.
 *
 * @param rule The rule.
 * @param strategy One of csvc_route_strategy_t.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, an unknown `strategy`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_strategy(csvc_route_rule *rule, csvc_route_strategy_t strategy);

/**
 * Sets the rule's position (any int32_t; lower is tried first).
 *
 * @param rule The rule.
 * @param position Its position.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_position(csvc_route_rule *rule, int32_t position);

/**
 * Marks the rule as keeping a designated handler (or not).
 *
 * @param rule The rule.
 * @param designated Nonzero: csvc_ticket_route() keeps the ticket's
 *        assignee while they are active and on shift.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_designated(csvc_route_rule *rule, int designated);

/**
 * Activates or deactivates the rule.
 *
 * @param rule The rule.
 * @param active Nonzero to activate.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_active(csvc_route_rule *rule, int active);

/**
 * Sets the ticket kind the rule matches.
 *
 * @param rule The rule.
 * @param kind A kind name (1 to CSVC_ROUTE_MAX_CODE bytes of
 *        [a-z0-9_.-]), or NULL for any kind.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, a bad `kind`), CSVC_ERANGE,
 * CSVC_ENOMEM. The rule is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_kind(csvc_route_rule *rule, const char *kind);

/**
 * Sets the ticket category the rule matches.
 *
 * @param rule The rule.
 * @param category A category (1 to CSVC_ROUTE_MAX_CODE bytes of
 *        single-line UTF-8), or NULL for any category.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, a bad `category`), CSVC_ERANGE,
 * CSVC_ENOMEM. The rule is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_category(csvc_route_rule *rule, const char *category);

/**
 * Sets the channel the rule matches.
 *
 * @param rule The rule.
 * @param channel A channel name (1 to CSVC_ROUTE_MAX_CODE bytes of
 *        [a-z0-9_.-]), or NULL for any channel.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, a bad `channel`), CSVC_ERANGE,
 * CSVC_ENOMEM. The rule is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_channel(csvc_route_rule *rule, const char *channel);

/**
 * Sets the store code the rule matches.
 *
 * @param rule The rule.
 * @param store_code A store code as csvc_ticket_new() takes, or NULL
 *        for any store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, a bad `store_code`), CSVC_ERANGE
 * (`store_code` empty or too long), CSVC_ENOMEM. The rule is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_store(csvc_route_rule *rule, const char *store_code);

/**
 * Sets the customer class the rule matches.
 *
 * @param rule The rule.
 * @param customer_class A csvc_customer_class_t value (customer.h), or 0
 *        for any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `rule`, an unknown class).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_set_customer_class(csvc_route_rule *rule, int32_t customer_class);

/**
 * Saves a draft rule (revision 1) and records a `route_rule_created`
 * definition entry in the change feed. On success `rule` is updated in
 * place.
 *
 * @param store The open store.
 * @param rule The draft.
 * @param actor Who made the change (1 to 128 bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `rule`, a saved rule, a bad
 * `actor`), CSVC_ERANGE (`actor` too long), CSVC_ENOTFOUND (no such
 * team), CSVC_EEXISTS (the code is taken), CSVC_EACCESS (the principal
 * may not manage definitions), CSVC_EREADONLY, CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on
 * failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_create(csvc_store *store, csvc_route_rule *rule, const char *actor);

/**
 * Saves a changed rule as its next revision and records a
 * `route_rule_updated` definition entry naming the changed fields. A
 * rule with no change is not written (no new revision, no entry).
 *
 * @param store The open store.
 * @param rule The rule as read (its revision is the one expected in the
 *        store), with changes.
 * @param actor Who made the change, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `rule`, a draft, a bad `actor`),
 * CSVC_ERANGE, CSVC_ENOTFOUND (no such rule or team), CSVC_ECONFLICT
 * (the rule changed since it was read), CSVC_EACCESS (the principal may
 * not manage definitions), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_update(csvc_store *store, csvc_route_rule *rule, const char *actor);

/**
 * Reads a rule by code.
 *
 * @param store The open store.
 * @param code The rule's code.
 * @param out Receives the rule; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument, a bad `code`), CSVC_ERANGE,
 * CSVC_ENOTFOUND, CSVC_EACCESS (access control on and no principal),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Ownership: the caller frees `*out` with csvc_route_rule_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_get(csvc_store *store, const char *code, csvc_route_rule **out);

/**
 * Reads every rule (active or not) in the order they are tried.
 *
 * @param store The open store.
 * @param out Receives an array of rules (NULL when there is none).
 * @param count Receives the number of rules.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument), CSVC_EACCESS (access control on
 * and no principal), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 * Ownership: the caller frees the array with csvc_route_rule_list_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_rule_list(csvc_store *store, csvc_route_rule ***out, size_t *count);

/**
 * Frees an array from csvc_route_rule_list(). NULL is a no-op.
 *
 * @param rules The array, or NULL.
 * @param count Its length.
 *
 * Ownership: takes the array and its rules back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_route_rule_list_free(csvc_route_rule **rules, size_t count);

/**
 * Installs the handbook's routing rules (docs/routing.md) that are not
 * stored yet: complaints (kind `complaint`) to the complaints group
 * (投诉处理组, team `complaints`) by least load with a designated
 * handler, inquiries (kind `inquiry`) to the consultation group (咨询组,
 * team `consult`) in turn. Their teams must exist
 * (csvc_team_install_defaults()). csvc_store_install_defaults() does not
 * install them: routing is opted into.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store`), CSVC_ENOTFOUND (a default team is
 * missing), CSVC_EACCESS (the principal may not manage definitions),
 * CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_route_install_defaults(csvc_store *store);

CSVC_END_DECL

#endif
