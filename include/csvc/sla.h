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
 * ticket event in the same transaction. csvc_sla_advance() emits the
 * warnings and breaches whose time has come, each exactly once and dated
 * at the instant the threshold was crossed.
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
 * A new, empty policy. `rank` orders matching: the lowest rank whose
 * conditions all hold wins (ties by name). A policy with no conditions
 * matches every ticket: give it the highest rank to make it the default.
 * Errors: CSVC_EINVAL (bad name), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_new(csvc_sla_policy **out, const char *name, int32_t rank);
/** NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_sla_policy_free(csvc_sla_policy *p);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_sla_policy_name(const csvc_sla_policy *p);
/** Stored version, 0 if not saved as is. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_sla_policy_version(const csvc_sla_policy *p);

/**
 * Match conditions; each one set must hold. Text conditions take NULL to
 * clear; numeric ones 0. `priority` matches tickets whose priority is at
 * least as pressing (numerically <=) as the value.
 * Errors: CSVC_EINVAL.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_kind(csvc_sla_policy *p, const char *kind);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_match_store(csvc_sla_policy *p, const char *store_code);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_match_channel(csvc_sla_policy *p, const char *channel);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_match_category(csvc_sla_policy *p, const char *category);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_match_priority(csvc_sla_policy *p, csvc_priority_t priority);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_match_urgency(csvc_sla_policy *p, csvc_urgency_t urgency);
/**
 * Customer class (csvc_customer_class_t) of the ticket's customer. When a
 * customer's class or tier changes, that customer's open tickets are
 * matched again.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_match_customer_class(csvc_sla_policy *p, csvc_customer_class_t customer_class);
/** Value tier (csvc_value_tier_t) of the ticket's customer. @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_match_tier(csvc_sla_policy *p, csvc_value_tier_t tier);

/**
 * Adds a target `name` (e.g. "first_response", "resolution") of
 * `duration_us` business microseconds counted on `calendar`
 * (csvc_sla_calendar_t; `calendar_name` for CSVC_SLA_CALENDAR_NAMED).
 * Counting starts when the ticket is created. Writes the target's index.
 * Errors: CSVC_EINVAL, CSVC_EEXISTS (name taken), CSVC_ERANGE (too many,
 * or longer than CSVC_SLA_MAX_DURATION).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_add_target(csvc_sla_policy *p, const char *name, int64_t duration_us,
                                            csvc_sla_calendar_t calendar, const char *calendar_name,
                                            size_t *index);
/**
 * What satisfies target `index`: a reply to the customer (public reply,
 * result notice or follow-up call), entering a state of category
 * `category`, or entering state `state`. Several may be given; any one
 * satisfies. A target satisfied by a state or category is unsatisfied
 * again when the ticket moves on to a state that satisfies nothing and is
 * not closed or cancelled (a reopen): it then resumes with the time it had
 * used. A target with no condition is satisfied by nothing.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_met_by_reply(csvc_sla_policy *p, size_t index);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_target_met_by_category(csvc_sla_policy *p, size_t index,
                                                 csvc_state_category_t category);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_target_met_by_state(csvc_sla_policy *p, size_t index, const char *state);
/**
 * States in which target `index` pauses (by category or by name). A
 * waiting-on-customer state may pause resolution but not first response.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_pause_on_category(csvc_sla_policy *p, size_t index,
                                                   csvc_state_category_t category);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_target_pause_on_state(csvc_sla_policy *p, size_t index, const char *state);
/**
 * A warning when `percent` (1..99) of the target's time is used.
 * Errors: CSVC_ERANGE (`percent` out of 1..99, a fifth threshold, no
 *   target `index`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_warn_at(csvc_sla_policy *p, size_t index, int32_t percent);
/**
 * Makes target `index` a recurring "next update" target: it starts at the
 * first reply to the customer and restarts at each following reply; it
 * stops when the ticket enters a state that satisfies it (give it
 * met-by-category conditions such as resolved).
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
 * CSVC_SLA_ESCALATION_VERSION), writing only that version's fields.
 * Errors: CSVC_EINVAL if `e` is NULL, or `version` is 0 or newer than the
 *   library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_escalation_init(csvc_sla_escalation *e, unsigned int version);

/**
 * Adds escalation `e` to target `index` (the struct is copied, read only
 * as far as its version goes). RAISE_PRIORITY uses `priority`; ASSIGN
 * uses `assignee` and `team`; TRANSITION uses `transition`.
 * Errors: CSVC_ERANGE (`percent` out of 1..100, no target `index`, too
 *   many escalations), CSVC_EINVAL (NULL `p` or `e`, unknown action, a
 *   field the action needs missing or bad, a struct version newer than the
 *   library knows).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_target_escalate(csvc_sla_policy *p, size_t index, const csvc_sla_escalation *e);

/**
 * Validates and stores the policy; an unchanged policy keeps its version,
 * a changed one becomes version newest + 1. Tickets keep the version they
 * run under until csvc_sla_rematch() (or a change to what they match on).
 * Errors: CSVC_EINVAL (no targets, a warning threshold or escalation
 * that does not fit), CSVC_ENOTFOUND (a target names a calendar that is
 * not saved: save the calendar first), storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_policy_save(csvc_store *store, csvc_sla_policy *p, int32_t *version);
/** Loads version `version` (0: newest) of policy `name`. @since 1.0 */
CSVC_EXTERN(int) csvc_sla_policy_load(csvc_store *store, const char *name, int32_t version,
                                      csvc_sla_policy **out);
/**
 * Retires policy `name`: new tickets no longer match it (tickets running
 * under it keep it). Errors: CSVC_ENOTFOUND.
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
 * library default. Installing twice changes nothing.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_install_defaults(csvc_store *store);

/* ------------------------------------------------------------------ */
/* Per-ticket targets                                                  */
/* ------------------------------------------------------------------ */

/** One target of one ticket, as read (detached). Opaque. @since 1.0 */
typedef struct csvc_sla_target csvc_sla_target;

/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_sla_target_name(const csvc_sla_target *t);
/** @since 1.0 */
CSVC_EXTERN(const csvc_uuid *) csvc_sla_target_ticket(const csvc_sla_target *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_sla_target_ticket_number(const csvc_sla_target *t);
/** Policy name and version the ticket runs under. @since 1.0 */
CSVC_EXTERN(const char *) csvc_sla_target_policy(const csvc_sla_target *t);
/** @since 1.0 */
CSVC_EXTERN(int32_t) csvc_sla_target_policy_version(const csvc_sla_target *t);
/**
 * csvc_sla_status_t as of the store clock when the target was read
 * (csvc_sla_ticket_targets, csvc_sla_at_risk, csvc_sla_breached): a
 * running target read after its due instant is CSVC_SLA_BREACHED even
 * before csvc_sla_advance has emitted its breach (and run its
 * escalations). Whether the breach is recorded yet shows in the ticket's
 * history ("sla_breach" event) and in csvc_sla_next_wakeup.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_sla_target_status(const csvc_sla_target *t);
/**
 * Why the target counts wall-clock time instead of its calendar, or NULL
 * when it counts as its policy says. A clock whose calendar cannot be
 * loaded (deleted by an earlier version, unreadable text, a time zone the
 * machine does not have) keeps running on wall-clock time, which reaches
 * every deadline no later than business time would, so no warning or
 * breach is missed; the SLA engine goes on for every other ticket, and the
 * fault is logged at CSVC_LOG_ERROR when it appears. It clears itself the
 * next time the ticket's clocks move with the calendar back. Borrowed from
 * `t`.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_sla_target_fault(const csvc_sla_target *t);
/** The business duration of the target. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_sla_target_duration(const csvc_sla_target *t);
/** Business time used, as of the time read. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_sla_target_used(const csvc_sla_target *t);
/** Business time left (negative once past due), as of the time read. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_sla_target_remaining(const csvc_sla_target *t);
/** Percentage of the duration used (may exceed 100). @since 1.0 */
CSVC_EXTERN(double) csvc_sla_target_percent_used(const csvc_sla_target *t);
/** The last on-time instant while running, else 0. @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_sla_target_due_at(const csvc_sla_target *t);
/** When it was satisfied, else 0. @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_sla_target_met_at(const csvc_sla_target *t);
/**
 * The instant it was breached, else 0: its due instant, the last on-time
 * one, once the store clock is past it (recorded or not: the same instant
 * either way), or the instant a policy change put it over its duration.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_sla_target_breached_at(const csvc_sla_target *t);
/** Frees a target. NULL is a no-op. @since 1.0 */
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
 * The targets of ticket `ticket`, in policy order, as of the store clock.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_ticket_targets(csvc_store *store, const csvc_uuid *ticket, csvc_sla_iter **out);
/**
 * Store-wide, as of the store clock (whether or not csvc_sla_advance has
 * run): running targets that have crossed a warning threshold but not
 * their deadline ("at risk": the warning instant reached, now <= due
 * instant; status CSVC_SLA_RUNNING), by due time; and targets breached
 * and not yet satisfied (status CSVC_SLA_BREACHED: recorded, or running
 * past their due instant), by breach time. A target is in at most one of
 * the two. `limit` 0 means no limit.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_at_risk(csvc_store *store, uint32_t limit, csvc_sla_iter **out);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_sla_breached(csvc_store *store, uint32_t limit, csvc_sla_iter **out);
/** CSVC_ITEROVER at the end; free each target. @since 1.0 */
CSVC_EXTERN(int) csvc_sla_iter_next(csvc_sla_iter *it, csvc_sla_target **out);
/** @since 1.0 */
CSVC_EXTERN(void) csvc_sla_iter_free(csvc_sla_iter *it);

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

/** An alarm delivered by csvc_sla_advance. @since 1.0 */
typedef struct csvc_sla_alarm {
	uint32_t version;          /**< CSVC_SLA_ALARM_VERSION */
	const csvc_uuid *ticket;
	const char *ticket_number;
	const char *target;
	int32_t percent;           /**< the threshold: 1..99 warning, 100 breach */
	csvc_time_us at;           /**< the exact instant it was crossed */
} csvc_sla_alarm;

/** @since 1.0 */
#define CSVC_SLA_ALARM_VERSION 1

/**
 * Called by csvc_sla_advance for each alarm after it is committed (inside
 * a caller's transaction: after it is written, the commit being the
 * caller's). The alarm is valid only during the call. A non-zero return
 * stops the walk and is returned (and set as the error record's code);
 * alarms already delivered stay, the rest stay pending. It may read the
 * store; it must not write to it.
 * @since 1.0
 */
typedef int (*csvc_sla_alarm_fn)(const csvc_sla_alarm *alarm, void *userdata);

/**
 * Emits every warning and breach whose instant is before `now` (warnings
 * at or before), in time order, each exactly once: each is written as a
 * ticket event ("sla_warning" / "sla_breach", dated at the crossing
 * instant) with its escalations, atomically, then passed to `fn` (may be
 * NULL). Alarms crossed before a later ticket event were already emitted
 * by that event. Calling it again, or after a crash, never duplicates or
 * loses one. Its cost is proportional to the alarms due. It first looks
 * for a due alarm with a read: with nothing due it returns CSVC_OK at once
 * (0 emitted), without taking the write lock, so it does not wait for
 * another connection that holds it; only when something is due does it
 * start a write transaction (and may then wait up to the busy timeout and
 * fail with CSVC_EBUSY).
 * `emitted` (may be NULL) receives how many were emitted.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_advance(csvc_store *store, csvc_time_us now, csvc_sla_alarm_fn fn,
                                  void *userdata, int64_t *emitted);

/**
 * The earliest pending warning or breach in the store, so that a host sets
 * one timer instead of polling. CSVC_ENOTFOUND when nothing is pending.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_next_wakeup(csvc_store *store, csvc_time_us *at);

/**
 * Matches `ticket` against the current policies now (store clock). If
 * another policy, or a newer version of its own, wins, the ticket moves to
 * it as for a priority change (docs/sla.md): an "sla_policy" event, clocks
 * of the same name carried over. Tickets keep their policy version until
 * this is called (or something they match on changes). `moved` (may be
 * NULL) is set to 1 when the policy changed, else 0.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_rematch(csvc_store *store, const csvc_uuid *ticket, int *moved);

/**
 * Rebuilds every target of `ticket` from its event log and the policy
 * version it recorded, and compares with the maintained state: `*equal`
 * (may be NULL) is 1 when they agree. With `rewrite` non-zero the rebuilt
 * state replaces the stored one.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_sla_recompute(csvc_store *store, const csvc_uuid *ticket, int rewrite, int *equal);

CSVC_END_DECL

#endif /* CSVC_SLA_H */
