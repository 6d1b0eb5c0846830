/**
 * @file
 * libcsvc - SLA timers (服务时限): policies, per-ticket targets, warnings
 * and breaches computed exactly from business calendars and the injected
 * clock. See docs/sla.md for the exact semantics.
 *
 * A policy matches tickets (kind, priority, urgency, channel, store,
 * category, customer class and tier) and carries targets. When a ticket is
 * created the first matching policy (lowest rank) is chosen and recorded
 * with its version; its targets are instantiated and then moved by every
 * ticket event in the same transaction. csvc_sla_advance() writes the
 * warnings and breaches whose time has come, each once in the store and
 * dated at the instant the threshold was crossed; csvc_sla_subscribe()
 * delivers every alarm at least once (docs/feed.md says what is exactly
 * once, and for whom).
 *
 * Thread safety: csvc_sla_policy and csvc_sla_target are detached values.
 * Their getters only read them, so several threads may read one at once;
 * the calls that change a policy (match, add, target setters, save, which
 * sets its version) and the _free calls need the caller to make sure no
 * other thread uses it. csvc_sla_escalation_init touches no shared state.
 * Calls that take a csvc_store, and iterators, which read from their
 * store, follow the store's rule: one thread at a time per store
 * (store.h, docs/threading.md).
 */
#ifndef CSVC_SLA_H
#define CSVC_SLA_H

#include "common.h"
#include "store.h"
#include "customer.h"
#include "ticket.h"
#include "workflow.h"

CSVC_BEGIN_DECL

#define CSVC_SLA_MAX_NAME 64        /**< policy and target names: [a-z0-9_.-] */
#define CSVC_SLA_MAX_TARGETS 16     /**< per policy */
#define CSVC_SLA_MAX_WARNINGS 4     /**< warning thresholds per target */
#define CSVC_SLA_MAX_STATES 16      /**< named states per target list */
#define CSVC_SLA_MAX_ESCALATIONS 8  /**< per target */
/** Longest target duration: 100 years of 366 days, in microseconds. @since 1.0 */
#define CSVC_SLA_MAX_DURATION ((int64_t)100 * 366 * 86400 * 1000000)

/** Which calendar a target's business time counts on. @since 1.0 */
typedef enum csvc_sla_calendar_t {
	CSVC_SLA_CALENDAR_STORE = 1, /**< the calendar attached to the ticket's store; 24/7 if none */
	CSVC_SLA_CALENDAR_NAMED = 2, /**< a calendar saved under a name */
	CSVC_SLA_CALENDAR_24X7 = 3   /**< wall-clock time */
} csvc_sla_calendar_t;

/**
 * A target's status, as of the store clock when it is read (not as of the
 * last csvc_sla_advance): a running target whose due instant has passed
 * reads CSVC_SLA_BREACHED, with its due instant as breached_at, whether or
 * not advance has recorded the breach yet (advance records that same
 * instant). @since 1.0
 */
typedef enum csvc_sla_status_t {
	CSVC_SLA_RUNNING = 1,   /**< counting, on time (at or before its due instant) */
	CSVC_SLA_PAUSED = 2,    /**< the ticket is in a state that pauses it */
	CSVC_SLA_MET = 3,       /**< satisfied (see breached_at for lateness) */
	CSVC_SLA_BREACHED = 4,  /**< past due (now > due instant), not yet satisfied; running or paused */
	CSVC_SLA_CANCELLED = 5, /**< the ticket ended without satisfying it */
	CSVC_SLA_WAITING = 6    /**< not started yet (next_update before the first reply) */
} csvc_sla_status_t;

/** Escalation actions. @since 1.0 */
typedef enum csvc_sla_action_t {
	CSVC_SLA_RAISE_PRIORITY = 1, /**< set the priority to `value` (if more pressing) */
	CSVC_SLA_ASSIGN = 2,         /**< hand the ticket to `assignee` / `team` */
	CSVC_SLA_TRANSITION = 3      /**< apply transition `transition` if the state allows it */
} csvc_sla_action_t;

/* ------------------------------------------------------------------ */
/* Policies                                                            */
/* ------------------------------------------------------------------ */

/** A policy definition (detached value). Opaque. @since 1.0 */
typedef struct csvc_sla_policy csvc_sla_policy;

/**
 * Creates a new, empty policy named `name` (a machine name of 1 to
 * CSVC_SLA_MAX_NAME bytes of [a-z0-9_.-]). `rank` orders matching: the
 * lowest rank whose conditions all hold wins (ties by name). A policy with
 * no conditions matches every ticket: give it the highest rank to make it
 * the default. Writes `*out` only on success.
 *
 * @param out Receives the policy.
 * @param name The policy's name.
 * @param rank Its place in match order, lowest first.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out` or `name`, a character outside
 *   [a-z0-9_.-]), CSVC_ERANGE (an empty name or one longer than
 *   CSVC_SLA_MAX_NAME), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_sla_policy_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_new(csvc_sla_policy **out, const char *name, int32_t rank);
/**
 * Frees a policy and everything it holds.
 *
 * @param p The policy, or NULL (a no-op).
 *
 * Ownership: takes `p` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_sla_policy_free(csvc_sla_policy *p);
/**
 * The policy's name, as given to csvc_sla_policy_new.
 *
 * @param p The policy.
 * @return The name, or NULL if `p` is NULL.
 *
 * Ownership: borrowed from `p`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_sla_policy_name(const csvc_sla_policy *p);
/**
 * The stored version the policy is, as saved or loaded: 0 for a policy
 * never saved, or changed since it was saved or loaded.
 *
 * @param p The policy.
 * @return The version, or 0 (also if `p` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_sla_policy_version(const csvc_sla_policy *p);

/**
 * Makes the policy match only tickets whose ticket kind is `kind` (a machine name);
 * NULL clears the condition. Every condition set must hold for the policy
 * to match. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param kind The value to match, or NULL to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a character outside [a-z0-9_.-]),
 *   CSVC_ERANGE (an empty kind or one longer than CSVC_SLA_MAX_NAME),
 *   CSVC_ENOMEM. The policy is unchanged on error.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_kind(csvc_sla_policy *p, const char *kind);
/**
 * Makes the policy match only tickets whose retail store code is `store_code` (1 to CSVC_STORE_CODE_MAX bytes of printable ASCII without spaces);
 * NULL clears the condition. Every condition set must hold for the policy
 * to match. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param store_code The value to match, or NULL to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX),
 *   CSVC_ENOMEM. The policy is unchanged on error.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_store(csvc_sla_policy *p, const char *store_code);
/**
 * Makes the policy match only tickets whose channel is `channel` (a machine name);
 * NULL clears the condition. Every condition set must hold for the policy
 * to match. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param channel The value to match, or NULL to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a character outside [a-z0-9_.-]),
 *   CSVC_ERANGE (an empty channel or one longer than CSVC_SLA_MAX_NAME),
 *   CSVC_ENOMEM. The policy is unchanged on error.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_channel(csvc_sla_policy *p, const char *channel);
/**
 * Makes the policy match only tickets whose category is `category` (single-line UTF-8 of at most 64 bytes, compared exactly);
 * NULL clears the condition. Every condition set must hold for the policy
 * to match. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param category The value to match, or NULL to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, text that is not UTF-8 or has
 *   control characters), CSVC_ERANGE (longer than 64 bytes),
 *   CSVC_ENOMEM. The policy is unchanged on error.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_category(csvc_sla_policy *p, const char *category);
/**
 * Makes the policy match only tickets whose priority is at least as pressing as `priority` (numerically
 * less than or equal to it; a ticket without a priority does not match); 0 clears the condition. Every
 * condition set must hold for the policy to match. Resets the policy's
 * version to 0.
 *
 * @param p The policy.
 * @param priority A csvc_priority_t, or 0 to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a value outside 0 .. 4).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_priority(csvc_sla_policy *p, csvc_priority_t priority);
/**
 * Makes the policy match only tickets whose urgency is `urgency`; 0 clears the condition. Every
 * condition set must hold for the policy to match. Resets the policy's
 * version to 0.
 *
 * @param p The policy.
 * @param urgency A csvc_urgency_t, or 0 to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a value outside 0 .. 3).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_urgency(csvc_sla_policy *p, csvc_urgency_t urgency);
/**
 * Makes the policy match only tickets whose customer's class (csvc_customer_class_t) is
 * `customer_class`; 0 clears the condition. Every
 * condition set must hold for the policy to match. Resets the policy's
 * version to 0.
 * When a customer's class or tier changes, that customer's open tickets
 * are matched again.
 *
 * @param p The policy.
 * @param customer_class A csvc_customer_class_t, or 0 to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a value outside 0 .. CSVC_CUSTOMER_POTENTIAL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_customer_class(csvc_sla_policy *p, csvc_customer_class_t customer_class);
/**
 * Makes the policy match only tickets whose customer's value tier (csvc_value_tier_t) is `tier`; 0 clears the condition. Every
 * condition set must hold for the policy to match. Resets the policy's
 * version to 0.
 *
 * @param p The policy.
 * @param tier A csvc_value_tier_t, or 0 to match any.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, a value outside 0 .. CSVC_TIER_3).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_tier(csvc_sla_policy *p, csvc_value_tier_t tier);

/**
 * Adds a target `name` (e.g. "first_response", "resolution") of
 * `duration_us` business microseconds counted on `calendar`
 * (csvc_sla_calendar_t; `calendar_name` for CSVC_SLA_CALENDAR_NAMED, NULL
 * otherwise). Counting starts when the ticket is created. Writes the
 * target's index to `*index`. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param name The target's name, a machine name unique in the policy.
 * @param duration_us The target's business duration, 1 ..
 *                    CSVC_SLA_MAX_DURATION microseconds.
 * @param calendar Which calendar counts it (csvc_sla_calendar_t).
 * @param calendar_name The saved calendar's name for
 *                      CSVC_SLA_CALENDAR_NAMED, else NULL.
 * @param index Receives the target's index; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p` or `name`, a name with characters outside
 *   [a-z0-9_.-], a duration of 0 or less, an unknown calendar mode, a
 *   calendar name with any mode other than CSVC_SLA_CALENDAR_NAMED or none
 *   with it, a calendar name that is not UTF-8 or has control characters),
 *   CSVC_ERANGE (an empty name or one longer than CSVC_SLA_MAX_NAME, a
 *   duration longer than CSVC_SLA_MAX_DURATION, a calendar name longer
 *   than CSVC_CALENDAR_NAME_MAX, more than CSVC_SLA_MAX_TARGETS targets),
 *   CSVC_EEXISTS (the policy has a target of that name), CSVC_ENOMEM.
 *   Whether the named calendar is saved is checked by
 *   csvc_sla_policy_save.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_add_target(csvc_sla_policy *p, const char *name, int64_t duration_us,
                                            csvc_sla_calendar_t calendar, const char *calendar_name,
                                            size_t *index);
/**
 * Makes a reply to the customer (public reply, result notice or follow-up
 * call) satisfy target `index`. A target may have several conditions
 * (this, csvc_sla_target_met_by_category, csvc_sla_target_met_by_state);
 * any one satisfies it. A target satisfied by a state or category is
 * unsatisfied again when the ticket moves on to a state that satisfies
 * nothing and is not closed or cancelled (a reopen): it then resumes with
 * the time it had used. A target with no condition is satisfied by
 * nothing, and csvc_sla_policy_save refuses it. Resets the policy's
 * version to 0.
 *
 * @param p The policy.
 * @param index The target's index (from csvc_sla_policy_add_target).
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`), CSVC_ERANGE (no target `index`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_met_by_reply(csvc_sla_policy *p, size_t index);
/**
 * Makes entering a state of category `category` satisfy target `index`
 * (see csvc_sla_target_met_by_reply for how conditions combine and what a
 * reopen does). Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param category A csvc_state_category_t.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, an unknown category), CSVC_ERANGE (no
 *   target `index`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_met_by_category(csvc_sla_policy *p, size_t index,
                                                 csvc_state_category_t category);
/**
 * Makes entering the state named `state` satisfy target `index` (see
 * csvc_sla_target_met_by_reply for how conditions combine and what a
 * reopen does). Giving a state already listed changes nothing. Resets the
 * policy's version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param state The state's machine name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p` or `state`, a character outside
 *   [a-z0-9_.-]), CSVC_ERANGE (no target `index`, an empty state name or
 *   one longer than CSVC_SLA_MAX_NAME, more than CSVC_SLA_MAX_STATES
 *   states), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_met_by_state(csvc_sla_policy *p, size_t index, const char *state);
/**
 * Makes target `index` pause while the ticket is in a state of category
 * `category`. A waiting-on-customer state may pause resolution but not
 * first response. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param category A csvc_state_category_t.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`, an unknown category), CSVC_ERANGE (no
 *   target `index`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_pause_on_category(csvc_sla_policy *p, size_t index,
                                                   csvc_state_category_t category);
/**
 * Makes target `index` pause while the ticket is in the state named
 * `state`. Giving a state already listed changes nothing. Resets the
 * policy's version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param state The state's machine name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p` or `state`, a character outside
 *   [a-z0-9_.-]), CSVC_ERANGE (no target `index`, an empty state name or
 *   one longer than CSVC_SLA_MAX_NAME, more than CSVC_SLA_MAX_STATES
 *   states), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_pause_on_state(csvc_sla_policy *p, size_t index, const char *state);
/**
 * Makes target `index` pause, or no longer pause (`on` 0), while its
 * ticket has open sub-tasks: hand-offs to departments
 * (csvc_ticket_handoff(), ticket.h) not yet closed or cancelled. The
 * count comes from the ticket's own "handed_off", "handoff_returned" and
 * "handoff_reopened" events, so csvc_sla_recompute() gives the same
 * clock. A pause by state and one by hand-off add up: the clock runs
 * only when neither holds. Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param on Non-zero: pause during hand-offs; 0: do not (the default).
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`), CSVC_ERANGE (no target `index`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_pause_on_handoff(csvc_sla_policy *p, size_t index, int on);
/**
 * Adds a warning to target `index` for when `percent` (1..99) of its time
 * is used. A threshold already set changes nothing. Resets the policy's
 * version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param percent The share of the duration used, 1 .. 99.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`), CSVC_ERANGE (no target `index`,
 *   `percent` out of 1..99, a threshold past CSVC_SLA_MAX_WARNINGS).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_warn_at(csvc_sla_policy *p, size_t index, int32_t percent);
/**
 * Makes target `index` a recurring "next update" target: it starts at the
 * first reply to the customer and restarts at each following reply; it
 * stops when the ticket enters a state that satisfies it (give it
 * met-by-category conditions such as resolved). Resets the policy's
 * version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p`), CSVC_ERANGE (no target `index`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_recurring(csvc_sla_policy *p, size_t index);
/** Current version of csvc_sla_escalation. @since 1.0 */
#define CSVC_SLA_ESCALATION_VERSION 1

/**
 * An escalation for csvc_sla_target_escalate(): what to do when a share
 * of a target's time is used. `action` says which of the fields after it
 * apply; every text field given is checked, whichever the action. Fields
 * are only appended (docs/conventions.md "Versioned structs").
 * @since 1.0
 */
typedef struct csvc_sla_escalation {
	uint32_t version;       /**< CSVC_SLA_ESCALATION_VERSION */
	int32_t percent;        /**< 100: at the breach; 1..99: one of the target's warning thresholds */
	int32_t action;         /**< csvc_sla_action_t: required */
	int32_t priority;       /**< RAISE_PRIORITY: the priority to raise to (csvc_priority_t, 1..4) */
	const char *assignee;   /**< ASSIGN: who to hand the ticket to (this and/or `team`) */
	const char *team;       /**< ASSIGN: the team */
	const char *transition; /**< TRANSITION: the transition to apply if the state allows it */
} csvc_sla_escalation;

/** Static initialiser (percent, action and its fields must still be set). @since 1.0 */
#define CSVC_SLA_ESCALATION_INIT { CSVC_SLA_ESCALATION_VERSION, 0, 0, 0, NULL, NULL, NULL }

/**
 * Initialises `e` to the defaults of struct version `version` (pass
 * CSVC_SLA_ESCALATION_VERSION): the same as CSVC_SLA_ESCALATION_INIT, but
 * writing only the fields that `version` has (docs/conventions.md
 * "Versioned structs").
 *
 * @param e The caller's escalation struct.
 * @param version The caller's CSVC_SLA_ESCALATION_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `e` is NULL, or `version` is 0 or newer than the
 *   library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_escalation_init(csvc_sla_escalation *e, unsigned int version);

/**
 * Adds escalation `e` to target `index` (the struct is copied, read only
 * as far as its version goes). RAISE_PRIORITY uses `priority`; ASSIGN
 * uses `assignee` and `team`; TRANSITION uses `transition`. Every text
 * field given is checked, whichever the action. Whether `percent` is one
 * of the target's warning thresholds is checked by csvc_sla_policy_save.
 * Resets the policy's version to 0.
 *
 * @param p The policy.
 * @param index The target's index.
 * @param e The escalation, its `version` set.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `p` or `e`, a struct version newer than the
 *   library knows, an unknown action, a field the action needs missing or
 *   bad: a priority outside 1..4, neither assignee nor team, no
 *   transition; text that is not UTF-8 or has control characters, a
 *   transition with characters outside [a-z0-9_.-]), CSVC_ERANGE
 *   (`percent` out of 1..100, no target `index`, an assignee or team
 *   longer than 128 bytes, an empty transition name or one longer than 64
 *   bytes, more than CSVC_SLA_MAX_ESCALATIONS escalations), CSVC_ENOMEM.
 *
 * Ownership: `e` and its strings stay the caller's; the policy keeps
 * copies.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_escalate(csvc_sla_policy *p, size_t index, const csvc_sla_escalation *e);

/**
 * Validates and stores the policy; an unchanged policy keeps its version,
 * a changed one becomes version newest + 1, and either way `p` takes that
 * version. Tickets keep the version they run under until
 * csvc_sla_rematch() (or a change to what they match on).
 *
 * @param store The open store.
 * @param p The policy.
 * @param version Receives the stored version; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `p`, no targets, a target that
 *   nothing satisfies, an escalation whose percent is neither 100 nor one
 *   of its target's warning thresholds), CSVC_ENOTFOUND (a target names a
 *   calendar that is not saved: save the calendar first), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database or a stored definition is damaged),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_save(csvc_store *store, csvc_sla_policy *p, int32_t *version);
/**
 * Loads version `version` (0: the newest) of policy `name`, retired or
 * not. Writes `*out` only on success.
 *
 * @param store The open store.
 * @param name The policy's name.
 * @param version The version, or 0 for the newest.
 * @param out Receives the policy.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `name` or `out`, a negative
 *   version, a name with characters outside [a-z0-9_.-]), CSVC_ERANGE (an
 *   empty name or one longer than CSVC_SLA_MAX_NAME), CSVC_ENOTFOUND (no
 *   such policy or version), CSVC_ECORRUPT (the stored definition is
 *   damaged, or the database is), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 *
 * Ownership: the policy is detached from the store; the caller owns
 * `*out` and frees it with csvc_sla_policy_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_load(csvc_store *store, const char *name, int32_t version,
                                      csvc_sla_policy **out);
/**
 * Retires policy `name`: new tickets no longer match it (tickets running
 * under it keep it).
 *
 * @param store The open store.
 * @param name The policy's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, a name with characters outside
 *   [a-z0-9_.-]), CSVC_ERANGE (an empty name or one longer than
 *   CSVC_SLA_MAX_NAME), CSVC_ENOTFOUND (no such policy), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database or a stored definition is damaged),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_retire(csvc_store *store, const char *name);

/**
 * Installs the default policies (docs/sla.md, "Handbook defaults"), in
 * match order: emergencies (kind "emergency") and urgent tickets (urgency
 * CSVC_URGENCY_EMERGENCY) get a 15 min first response in wall-clock time
 * (library default; an urgent complaint also keeps the complaint
 * deadlines); VIP customers (class CSVC_CUSTOMER_VIP or tier CSVC_TIER_1)
 * a 15 min first response on the store calendar (library default); then
 * the handbook defaults: inquiry first response 20 min on the store
 * calendar and answer within 24 h; complaint response 24 h, handled 48 h,
 * reported back 72 h from receipt; after-sales and the other kinds a
 * library default. Installing twice changes nothing. All are saved in one
 * transaction.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database or a stored definition is damaged),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_install_defaults(csvc_store *store);

/* ------------------------------------------------------------------ */
/* Per-ticket targets                                                  */
/* ------------------------------------------------------------------ */

/** One target of one ticket, as read (detached). Opaque. @since 1.0 */
typedef struct csvc_sla_target csvc_sla_target;

/**
 * The target's name ("first_response", ...), as in its policy.
 *
 * @param t The target.
 * @return The name, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_sla_target_name(const csvc_sla_target *t);
/**
 * The UUID of the ticket the target belongs to.
 *
 * @param t The target.
 * @return The UUID, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_sla_target_ticket(const csvc_sla_target *t);
/**
 * The number ("SH01-000123") of the ticket the target belongs to.
 *
 * @param t The target.
 * @return The number, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_sla_target_ticket_number(const csvc_sla_target *t);
/**
 * The name of the policy the ticket runs under (its version is
 * csvc_sla_target_policy_version).
 *
 * @param t The target.
 * @return The policy name, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_sla_target_policy(const csvc_sla_target *t);
/**
 * The version of the policy the ticket runs under.
 *
 * @param t The target.
 * @return The version, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_sla_target_policy_version(const csvc_sla_target *t);
/**
 * The target's status as of the store clock when the target was read
 * (csvc_sla_ticket_targets, csvc_sla_at_risk, csvc_sla_breached): a
 * running target read after its due instant is CSVC_SLA_BREACHED even
 * before csvc_sla_advance has emitted its breach (and run its
 * escalations). Whether the breach is recorded yet shows in the ticket's
 * history ("sla_breach" event) and in csvc_sla_next_wakeup.
 *
 * @param t The target.
 * @return A csvc_sla_status_t, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_sla_target_status(const csvc_sla_target *t);
/**
 * Tells why the target counts wall-clock time instead of its calendar, or
 * NULL when it counts as its policy says. A clock whose calendar cannot be
 * loaded (deleted by an earlier version, unreadable text, a time zone the
 * machine does not have) keeps running on wall-clock time, which reaches
 * every deadline no later than business time would, so no warning or
 * breach is missed; the SLA engine goes on for every other ticket, and the
 * fault is logged at CSVC_LOG_ERROR when it appears. It clears itself the
 * next time the ticket's clocks move with the calendar back.
 *
 * @param t The target.
 * @return The reason, or NULL (also if `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_sla_target_fault(const csvc_sla_target *t);
/**
 * The target's business duration, in microseconds.
 *
 * @param t The target.
 * @return The duration, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_sla_target_duration(const csvc_sla_target *t);
/**
 * The business time used, in microseconds, as of the time the target
 * was read.
 *
 * @param t The target.
 * @return The time used, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_sla_target_used(const csvc_sla_target *t);
/**
 * The business time left, in microseconds, as of the time the target
 * was read: the duration minus the time used, negative once past due.
 *
 * @param t The target.
 * @return The time left, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_sla_target_remaining(const csvc_sla_target *t);
/**
 * The percentage of the duration used, as of the time the target was
 * read; it may exceed 100.
 *
 * @param t The target.
 * @return The percentage, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(double) csvc_sla_target_percent_used(const csvc_sla_target *t);
/**
 * The last on-time instant of a running target.
 *
 * @param t The target.
 * @return The instant, or 0 when the target is not running, has no
 *         deadline, or `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_sla_target_due_at(const csvc_sla_target *t);
/**
 * The instant the target was satisfied.
 *
 * @param t The target.
 * @return The instant, or 0 when it is not satisfied or `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_sla_target_met_at(const csvc_sla_target *t);
/**
 * The instant the target was breached: its due instant, the last on-time
 * one, once the store clock is past it (recorded or not: the same instant
 * either way), or the instant a policy change put it over its duration.
 *
 * @param t The target.
 * @return The instant, or 0 when it is not breached or `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_sla_target_breached_at(const csvc_sla_target *t);
/**
 * Frees a target read from an iterator.
 *
 * @param t The target, or NULL (a no-op).
 *
 * Ownership: takes `t` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_sla_target_free(csvc_sla_target *t);

/**
 * An iterator over targets. Opaque. Which targets it returns, and in what
 * order, is fixed when it is opened, as of the store clock then; each
 * target is read when csvc_sla_iter_next returns it (one whose clocks are
 * gone by then is skipped), its status computed as of that same instant.
 * It holds no read snapshot between calls, so the store may write while
 * it is open.
 * @since 1.0
 */
typedef struct csvc_sla_iter csvc_sla_iter;

/**
 * Opens an iterator over the targets of ticket `ticket`, in policy order,
 * as of the store clock. A ticket without a policy gives an empty
 * iterator. Writes `*out` only on success.
 *
 * @param store The open store.
 * @param ticket The ticket's UUID.
 * @param out Receives the iterator.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments), CSVC_ENOTFOUND (no such ticket),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_sla_iter_free(),
 * before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_ticket_targets(csvc_store *store, const csvc_uuid *ticket, csvc_sla_iter **out);
/**
 * Opens an iterator over the store's running targets that have crossed a
 * warning threshold but not their deadline ("at risk": the warning
 * instant reached, now <= due instant; status CSVC_SLA_RUNNING), by due
 * time, as of the store clock (whether or not csvc_sla_advance has run).
 * Writes `*out` only on success.
 *
 * @param store The open store.
 * @param limit The most targets to list; 0 means no limit.
 * @param out Receives the iterator.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_sla_iter_free(),
 * before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_at_risk(csvc_store *store, uint32_t limit, csvc_sla_iter **out);
/**
 * Opens an iterator over the store's targets breached and not yet
 * satisfied (status CSVC_SLA_BREACHED: recorded, or running past their due
 * instant), by breach time, as of the store clock (whether or not
 * csvc_sla_advance has run). A target is in at most one of this list and
 * that of csvc_sla_at_risk. Writes `*out` only on success.
 *
 * @param store The open store.
 * @param limit The most targets to list; 0 means no limit.
 * @param out Receives the iterator.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_sla_iter_free(),
 * before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_breached(csvc_store *store, uint32_t limit, csvc_sla_iter **out);
/**
 * Reads the next target of the iterator, its status and time used
 * computed as of the store clock when the iterator was opened. At the end
 * it returns CSVC_ITEROVER (not an error) and leaves `*out` untouched.
 * After a failure the same target is read again by the next call.
 *
 * @param it The iterator.
 * @param out Receives the target.
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (the store clock is
 *   outside the range of the target's calendar, CSVC_CALENDAR_MIN_US ..
 *   CSVC_CALENDAR_MAX_US), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_sla_target_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_iter_next(csvc_sla_iter *it, csvc_sla_target **out);
/**
 * Frees an iterator. Free it before closing its store.
 *
 * @param it The iterator, or NULL (a no-op).
 *
 * Ownership: takes `it` back; targets already read stay the caller's.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_sla_iter_free(csvc_sla_iter *it);

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

/**
 * An SLA alarm: a warning or a breach of one target of one ticket, as
 * csvc_sla_advance() and the subscribers of csvc_sla_subscribe() get it.
 * @since 1.0
 */
typedef struct csvc_sla_alarm {
	uint32_t version;          /**< the layout the library filled: CSVC_SLA_ALARM_VERSION */
	const csvc_uuid *ticket;
	const char *ticket_number;
	const char *target;
	int32_t percent;           /**< the threshold: 1..99 warning, 100 breach */
	csvc_time_us at;           /**< the exact instant it was crossed */
	/* version 2 */
	const csvc_uuid *event;    /**< the feed entry's event id: the idempotency key */
	int64_t position;          /**< the feed entry's position */
} csvc_sla_alarm;

/** @since 1.0 */
#define CSVC_SLA_ALARM_VERSION 2

/**
 * An alarm callback. From csvc_sla_advance(): called once for each alarm
 * the call writes, right after it is committed (one transaction per
 * alarm when there is a callback) or, inside a caller's transaction,
 * right after it is written, before the caller commits. That is at most
 * once: an alarm is not passed again after a crash, after a callback that
 * failed on it, or after the caller rolled back (a later advance writes it
 * again and passes it again); the alarms after a failed one stay pending
 * for the next advance. For at-least-once delivery of every alarm,
 * however it was crossed, subscribe with csvc_sla_subscribe(). From a
 * subscriber of csvc_sla_subscribe(): as csvc_feed_fn.
 * @param alarm The alarm, borrowed for the call.
 * @param userdata The pointer given with the callback.
 * @return 0 to go on; any other value stops the walk (csvc_sla_advance()
 *         returns it) or the subscriber's delivery (the alarm is delivered
 *         again). CSVC_EUSER is meant for this.
 * @since 1.0
 */
typedef int (*csvc_sla_alarm_fn)(const csvc_sla_alarm *alarm, void *userdata);

/**
 * Subscribes `fn` to the store's SLA alarms as the feed consumer
 * `consumer` (csvc_feed_subscribe()): every warning and breach, however
 * it was crossed (by csvc_sla_advance() or by a ticket event that came
 * after the crossing instant), reaches every alarm subscriber, at least
 * once, in feed order, with its event id; an alarm whose callback
 * returned non-zero, or that was not acknowledged when the process
 * stopped, is delivered again by the next delivery (the next commit on
 * this handle, csvc_feed_deliver() or csvc_sla_advance()). Other feed
 * entries move the consumer's cursor without a call (csvc_feed_deliver()
 * counts them as handled). Each alarm subscriber
 * needs a consumer name of its own.
 * @param store The open store (not read-only).
 * @param consumer The consumer's machine name.
 * @param fn The callback, or NULL to remove the subscriber.
 * @param userdata Passed to every call of `fn`.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * those of csvc_feed_subscribe(), and CSVC_ENOMEM.
 * Thread safety: as csvc_feed_subscribe().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_subscribe(csvc_store *store, const char *consumer, csvc_sla_alarm_fn fn, void *userdata);

/**
 * Emits every warning and breach whose instant is before `now` (warnings
 * at or before), in time order: each is written as a ticket event
 * ("sla_warning" / "sla_breach", dated at the crossing instant) with its
 * escalations, and gets its feed entry. Alarms crossed before a later
 * ticket event were already written by that event. The store never holds
 * an alarm twice: calling it again, or after a crash, neither duplicates
 * nor loses one. Without a callback, alarms are written in batches of up
 * to 1,000, one transaction each (or inside the caller's transaction);
 * with one, one alarm per transaction. Then the feed's subscribers
 * (csvc_sla_subscribe()) get them, with every alarm an earlier delivery
 * left, failed callbacks included. Its cost is
 * proportional to the alarms due. It first looks for a due alarm with a
 * read: with nothing due it writes nothing and does not take the write
 * lock, so it does not wait for another connection that holds it; only
 * when something is due does it start a write transaction (and may then
 * wait up to the busy timeout and fail with CSVC_EBUSY).
 *
 * @param store The open store.
 * @param now The instant to advance to.
 * @param fn An alarm callback for the alarms this call writes, at most
 *           once each (see csvc_sla_alarm_fn); may be NULL (the fast
 *           path).
 * @param userdata Passed to `fn`.
 * @param emitted Receives how many alarms were written, also on failure
 *                (those stay written); may be NULL.
 * @return CSVC_OK, the non-zero value `fn` or a subscriber returned, or a
 *         negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`), CSVC_ECORRUPT (a stored alarm that
 *   matches no clock of its ticket, or a ticket with alarms but no policy;
 *   a damaged database), CSVC_ERANGE (a deadline beyond the range of its
 *   calendar), CSVC_EREADONLY (an alarm is due on a read-only store),
 *   CSVC_ESTATE (inside a transaction aborted by a storage failure),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM, the errors of the ticket calls
 *   an escalation makes (csvc_ticket_assign, csvc_ticket_transition other
 *   than CSVC_ESTATE, csvc_ticket_update), and whatever non-zero value `fn`
 *   or a subscriber returns (CSVC_EUSER is meant for this), which is also
 *   the error record's code.
 *
 * Thread safety: as for the store; `fn` runs on the calling thread and
 * may read the store but must not write to it.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_advance(csvc_store *store, csvc_time_us now, csvc_sla_alarm_fn fn,
                                  void *userdata, int64_t *emitted);

/**
 * Finds the earliest pending warning or breach in the store, so that a
 * host sets one timer instead of polling. Writes `*at` only on success.
 *
 * @param store The open store.
 * @param at Receives the instant of the earliest pending alarm.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments), CSVC_ENOTFOUND (nothing is
 *   pending), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_next_wakeup(csvc_store *store, csvc_time_us *at);

/**
 * Matches `ticket` against the current policies now (store clock). If
 * another policy, or a newer version of its own, wins, the ticket moves to
 * it as for a priority change (docs/sla.md): an "sla_policy" event, clocks
 * of the same name carried over. Tickets keep their policy version until
 * this is called (or something they match on changes). A ticket that
 * matches no policy now keeps the one it has; one that runs under no
 * policy is left as it is.
 *
 * @param store The open store.
 * @param ticket The ticket's UUID.
 * @param moved Receives 1 when the policy changed, else 0; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `ticket`), CSVC_ENOTFOUND (no such
 *   ticket), CSVC_ERANGE (a deadline beyond the range of its calendar),
 *   CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database or a stored definition is damaged),
 *   CSVC_ENOMEM. Escalations the move sets off can also fail as
 *   csvc_sla_advance says.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_rematch(csvc_store *store, const csvc_uuid *ticket, int *moved);

/**
 * Rebuilds every target of `ticket` from its event log and the policy
 * version it recorded, and compares with the maintained state. With
 * `rewrite` non-zero the rebuilt state replaces the stored one when they
 * differ. Runs in one transaction.
 *
 * @param store The open store.
 * @param ticket The ticket's UUID.
 * @param rewrite Non-zero to replace a stored state that differs.
 * @param equal Receives 1 when they agree, else 0; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `ticket`), CSVC_ENOTFOUND (no such
 *   ticket), CSVC_ECORRUPT (an "sla_policy" event without a policy id, a
 *   stored target outside its policy, a damaged policy or database),
 *   CSVC_ERANGE (a deadline beyond the range of its calendar),
 *   CSVC_EREADONLY (a read-only store, even without `rewrite`),
 *   CSVC_ESTATE (inside a transaction aborted by a storage failure),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_recompute(csvc_store *store, const csvc_uuid *ticket, int rewrite, int *equal);

CSVC_END_DECL

#endif /* CSVC_SLA_H */
