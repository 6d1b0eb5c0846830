/**
 * @file
 * libcsvc - tickets (工单): inquiries, complaints, after-sales, needs,
 * suggestions and the kinds users add, each running under a versioned
 * workflow (see workflow.h). Every change appends an event in the same
 * transaction; the ticket's current fields are derived from its events and
 * can be rebuilt from them (csvc_ticket_replay). See docs/tickets.md.
 *
 * A csvc_ticket is a detached value, like a csvc_customer.
 */
#ifndef CSVC_TICKET_H
#define CSVC_TICKET_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

#define CSVC_TICKET_MAX_SUBJECT 512
#define CSVC_TICKET_MAX_DESCRIPTION 16384
#define CSVC_TICKET_MAX_CATEGORY 64
#define CSVC_TICKET_MAX_PERSON 128     /**< assignee, team, actor */
#define CSVC_TICKET_MAX_ORDER_REF 128
#define CSVC_TICKET_MAX_COMMENT 16384
#define CSVC_TICKET_MAX_NUMBER 48      /**< "SH01-000123" */

/** Urgency (紧急程度). 0: not set (queries: any). @since 1.0 */
typedef enum csvc_urgency_t {
	CSVC_URGENCY_EMERGENCY = 1, /**< 紧急/突发 */
	CSVC_URGENCY_MAJOR = 2,     /**< 重大 */
	CSVC_URGENCY_GENERAL = 3    /**< 一般 (default) */
} csvc_urgency_t;

/** Importance. 0: not set. @since 1.0 */
typedef enum csvc_importance_t {
	CSVC_IMPORTANCE_HIGH = 1,
	CSVC_IMPORTANCE_MEDIUM = 2, /**< default */
	CSVC_IMPORTANCE_LOW = 3
} csvc_importance_t;

/** Impact scope. 0: not set. @since 1.0 */
typedef enum csvc_impact_t {
	CSVC_IMPACT_WIDE = 1,      /**< 普遍问题: many customers or a whole store */
	CSVC_IMPACT_GROUP = 2,     /**< a group of customers */
	CSVC_IMPACT_INDIVIDUAL = 3 /**< 个别问题 (default) */
} csvc_impact_t;

/** Priority: 1 is the most pressing. 0: not set / derive. @since 1.0 */
typedef enum csvc_priority_t {
	CSVC_PRIORITY_CRITICAL = 1,
	CSVC_PRIORITY_HIGH = 2,
	CSVC_PRIORITY_NORMAL = 3,
	CSVC_PRIORITY_LOW = 4
} csvc_priority_t;

/** What a comment is. @since 1.0 */
typedef enum csvc_comment_kind_t {
	CSVC_COMMENT_REPLY = 1,         /**< public reply to the customer */
	CSVC_COMMENT_NOTE = 2,          /**< internal note */
	CSVC_COMMENT_RESULT_NOTICE = 3, /**< outbound result notice (phone, e-mail, SMS...) */
	CSVC_COMMENT_FOLLOW_UP = 4      /**< follow-up call 回访 and its outcome */
} csvc_comment_kind_t;

/** Links between tickets. @since 1.0 */
typedef enum csvc_link_kind_t {
	CSVC_LINK_DUPLICATE_OF = 1, /**< a duplicates b */
	CSVC_LINK_RELATED = 2,      /**< a and b are related */
	CSVC_LINK_PARENT_OF = 3,    /**< a is the parent of b */
	CSVC_LINK_MERGED_INTO = 4   /**< a was merged into b (set by csvc_ticket_merge only) */
} csvc_link_kind_t;

/* ------------------------------------------------------------------ */
/* Kinds, channels, priority matrix                                    */
/* ------------------------------------------------------------------ */

/**
 * Defines (or rebinds) ticket kind `name` to run under workflow
 * `workflow`, which must exist. New tickets of the kind use the newest
 * version of that workflow. Names are machine names ([a-z0-9_.-]).
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND (workflow), storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_kind_define(csvc_store *store, const char *name, const char *workflow,
                                         const char *label_zh, const char *label_en);

/**
 * Defines (or relabels) channel `name` (store_counter, phone, wechat...).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_channel_define(csvc_store *store, const char *name,
                                            const char *label_zh, const char *label_en);

/**
 * The priority matrix: the priority derived from (urgency, importance,
 * impact). The default is documented in docs/tickets.md; this overrides
 * one cell. Errors: CSVC_EINVAL (a value out of range), storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_priority_matrix_set(csvc_store *store, csvc_urgency_t urgency, csvc_importance_t importance,
                                          csvc_impact_t impact, csvc_priority_t priority);
/** The derived priority for a cell. @since 1.0 */
CSVC_EXTERN(int) csvc_priority_matrix_get(csvc_store *store, csvc_urgency_t urgency, csvc_importance_t importance,
                                          csvc_impact_t impact, int32_t *priority);

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/** A ticket (detached value). Opaque. @since 1.0 */
typedef struct csvc_ticket csvc_ticket;

/**
 * A new draft ticket of kind `kind` for store `store_code` (a code such as
 * "SH01": the ticket number is per store).
 * Errors: CSVC_EINVAL (bad names), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_new(csvc_ticket **out, const char *kind, const char *store_code);
/** Deep copy. @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_dup(const csvc_ticket *t, csvc_ticket **out);
/** NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_ticket_free(csvc_ticket *t);

/**
 * Getters. Strings borrow from the ticket; unset strings are NULL.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_ticket_id(const csvc_ticket *t);
/** "SH01-000123", NULL for a draft. @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_number(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_kind(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_store_code(const csvc_ticket *t);
/** The customer, or NULL. @since 1.0 */
CSVC_EXTERN(const csvc_uuid *) csvc_ticket_customer(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_channel(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_category(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(int32_t) csvc_ticket_urgency(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(int32_t) csvc_ticket_importance(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(int32_t) csvc_ticket_impact(const csvc_ticket *t);
/** The effective priority (override, else derived when saved). @since 1.0 */
CSVC_EXTERN(int32_t) csvc_ticket_priority(const csvc_ticket *t);
/** 1 if the priority was set by hand, else 0. @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_priority_overridden(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_assignee(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_team(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_subject(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_description(const csvc_ticket *t);
/** Linked order reference (e.g. a POS receipt number), or NULL. @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_order_ref(const csvc_ticket *t);
/** Current state name (NULL for a draft). @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_state(const csvc_ticket *t);
/** Category of the current state (csvc_state_category_t). @since 1.0 */
CSVC_EXTERN(int32_t) csvc_ticket_state_category(const csvc_ticket *t);
/** Workflow the ticket runs under. @since 1.0 */
CSVC_EXTERN(const char *) csvc_ticket_workflow(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(int32_t) csvc_ticket_workflow_version(const csvc_ticket *t);
/** 0 for a draft, +1 per event. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_ticket_revision(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_ticket_created_at(const csvc_ticket *t);
/** @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_ticket_updated_at(const csvc_ticket *t);

/**
 * Setters for the editable fields (on a draft before create, or on a read
 * ticket before csvc_ticket_update). NULL clears optional strings; 0
 * resets an enum to its default. The assignee and team change through
 * csvc_ticket_assign, the state through csvc_ticket_transition.
 * Text is UTF-8 without control characters, except that the description
 * (like comment bodies and transition notes) may hold tab, line feed and
 * carriage return.
 * Errors: CSVC_EINVAL (also for a control character), CSVC_ERANGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_customer(csvc_ticket *t, const csvc_uuid *customer);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_channel(csvc_ticket *t, const char *channel);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_category(csvc_ticket *t, const char *category);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_urgency(csvc_ticket *t, csvc_urgency_t urgency);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_importance(csvc_ticket *t, csvc_importance_t importance);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_impact(csvc_ticket *t, csvc_impact_t impact);
/** Overrides the derived priority; 0 returns to the matrix. @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_priority(csvc_ticket *t, csvc_priority_t priority);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_subject(csvc_ticket *t, const char *subject);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_description(csvc_ticket *t, const char *description);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_order_ref(csvc_ticket *t, const char *order_ref);
/** Assignee and team of a draft (later: csvc_ticket_assign). @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_set_assignee(csvc_ticket *t, const char *assignee, const char *team);

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */

/**
 * Saves a draft: checks the kind, channel and customer exist, picks the
 * kind's workflow (newest version) and its initial state, derives the
 * priority, assigns a UUID and the next number of the store, and records
 * a "created" event. On success `t` becomes the saved ticket.
 * Errors: CSVC_EINVAL (not a draft, bad fields), CSVC_ENOTFOUND (kind,
 * channel, customer, or the kind's workflow), storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_create(csvc_store *store, csvc_ticket *t, const char *actor);

/** Reads a ticket by UUID. @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_get(csvc_store *store, const csvc_uuid *id, csvc_ticket **out);
/** Reads a ticket by its number ("SH01-000123"). @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_get_by_number(csvc_store *store, const char *number, csvc_ticket **out);

/**
 * Saves changed editable fields of `t` (read from this store) with an
 * "updated" event holding each changed field's old and new value. The
 * revision of `t` is the expected stored revision: CSVC_ECONFLICT if the
 * ticket changed since. Nothing changed: success, no event. On success
 * `t` holds the ticket as stored, with its revision after every event the
 * call wrote: a change of what SLA policies match on may add an
 * "sla_policy" event, alarms and escalations after the "updated" one.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_update(csvc_store *store, csvc_ticket *t, const char *actor);

/*
 * The operations below act on the stored ticket `id`. `expected_revision`
 * is the revision the caller last read (CSVC_ECONFLICT if it differs), or
 * 0 to skip the check. Each appends one event and returns the ticket's new
 * revision in `*revision` when that is not NULL: the revision after every
 * event the call wrote, including the SLA warnings and breaches a
 * transition or reply catches up on (docs/sla.md), so it can be passed as
 * the next call's `expected_revision`.
 */

/**
 * Applies transition `transition` of the ticket's workflow version.
 * Errors: CSVC_ESTATE (no such transition from the current state: nothing
 * changes), CSVC_ECONFLICT, CSVC_ENOTFOUND, CSVC_EINVAL, storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_transition(csvc_store *store, const csvc_uuid *id, const char *transition,
                                        int64_t expected_revision, const char *actor, const char *note,
                                        int64_t *revision);

/**
 * Assigns (hands off) the ticket to `assignee` and/or `team` (NULL clears).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_assign(csvc_store *store, const csvc_uuid *id, const char *assignee,
                                    const char *team, int64_t expected_revision, const char *actor,
                                    int64_t *revision);

/** Current version of csvc_comment. @since 1.0 */
#define CSVC_COMMENT_VERSION 1

/**
 * A comment for csvc_ticket_comment(). Zero or NULL fields mean "not
 * given", `kind` and `body` aside; fields are only appended
 * (docs/conventions.md "Versioned structs").
 * @since 1.0
 */
typedef struct csvc_comment {
	uint32_t version;          /**< CSVC_COMMENT_VERSION */
	int32_t kind;              /**< csvc_comment_kind_t: required */
	const char *body;          /**< required: multi-line text, 1 to CSVC_TICKET_MAX_COMMENT bytes */
	const char *method;        /**< how a result notice or follow-up reached the customer: a
	                              machine name such as "phone", "email", "sms", "wechat";
	                              NULL: not given */
	int64_t expected_revision; /**< the ticket's revision the caller read; 0 skips the check */
	const char *actor;         /**< who wrote it; NULL: nobody named */
} csvc_comment;

/** Static initialiser (kind and body must still be set). @since 1.0 */
#define CSVC_COMMENT_INIT { CSVC_COMMENT_VERSION, 0, NULL, NULL, 0, NULL }

/**
 * Initialises `c` to the defaults of struct version `version` (pass
 * CSVC_COMMENT_VERSION), writing only that version's fields.
 * Errors: CSVC_EINVAL if `c` is NULL, or `version` is 0 or newer than the
 *   library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_comment_init(csvc_comment *c, unsigned int version);

/**
 * Adds comment `c` to the ticket: a public reply, an internal note, a
 * result notice sent to the customer, or a follow-up call 回访 and its
 * outcome (`c->kind`). `c` is read only as far as its version goes; it
 * need not outlive the call. Writes `*revision` (may be NULL) on success.
 * Errors: CSVC_EINVAL (NULL `store`, `id` or `c`, unknown kind, empty or
 *   bad body, method or actor, a struct version newer than the library
 *   knows), CSVC_ERANGE (text too long), CSVC_ENOTFOUND, CSVC_ECONFLICT,
 *   storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_comment(csvc_store *store, const csvc_uuid *id, const csvc_comment *c,
                                     int64_t *revision);

/**
 * Links ticket `a` to ticket `b` (csvc_link_kind_t, not MERGED_INTO).
 * Both tickets get an event. Errors: CSVC_EINVAL (a == b, bad kind),
 * CSVC_ENOTFOUND (either ticket), CSVC_EEXISTS (the link exists).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_link(csvc_store *store, const csvc_uuid *a, const csvc_uuid *b,
                                  csvc_link_kind_t kind, const char *actor);

/**
 * Merges ticket `from` into ticket `into`: `from` moves to the first
 * cancelled-category state of its workflow with a "merged" event and a
 * MERGED_INTO link; `into` gets an "absorbed" event. Comments stay with
 * the ticket they were written on.
 * Errors: CSVC_EINVAL (from == into), CSVC_ENOTFOUND, CSVC_ESTATE (either
 * is closed or cancelled, or `from` has no cancelled state).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_merge(csvc_store *store, const csvc_uuid *into, const csvc_uuid *from,
                                   const char *actor);

/**
 * Moves the open tickets (state category new, open, waiting or resolved)
 * of workflow `workflow` version `from_version` to version `to_version`.
 * Each ticket's state is mapped through the pairs map_from[i] -> map_to[i]
 * (n_map pairs; states not listed keep their name) and must exist in the
 * new version. Each moved ticket gets a "workflow_migrated" event. Closed
 * and cancelled tickets keep their version. `moved` (may be NULL) receives
 * the number of tickets moved. Atomic: on any error nothing moves.
 * Errors: CSVC_EINVAL (a mapped state missing from its version, a ticket
 * state with no counterpart in the new version, same version twice),
 * CSVC_ENOTFOUND (a workflow version), storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_migrate_tickets(csvc_store *store, const char *workflow,
                                               int32_t from_version, int32_t to_version,
                                               const char *const *map_from, const char *const *map_to,
                                               size_t n_map, const char *actor, int64_t *moved);

/**
 * Rebuilds the ticket from its event log alone. For every ticket it must
 * equal csvc_ticket_get (a test checks this after random operations).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_replay(csvc_store *store, const csvc_uuid *id, csvc_ticket **out);

/**
 * 1 if the two tickets have the same identity, fields, state, revision
 * and times, else 0.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_equal(const csvc_ticket *a, const csvc_ticket *b);

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/** One ticket event (read-only, detached). Opaque. @since 1.0 */
typedef struct csvc_event csvc_event;

/**
 * Event getters. Types: "created", "updated", "transition", "assigned",
 * "comment", "linked", "merged", "absorbed". The payload is a JSON object
 * (see docs/tickets.md). Strings borrow from the event.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_event_ticket(const csvc_event *ev);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_event_ticket_number(const csvc_event *ev);
/** Per-ticket sequence number = the ticket revision it produced. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_event_seq(const csvc_event *ev);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_event_type(const csvc_event *ev);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_event_actor(const csvc_event *ev);
/** @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_event_at(const csvc_event *ev);
/** State before (NULL if the event did not change it). @since 1.0 */
CSVC_EXTERN(const char *) csvc_event_from_state(const csvc_event *ev);
/** State after (NULL if the event did not change it). @since 1.0 */
CSVC_EXTERN(const char *) csvc_event_to_state(const csvc_event *ev);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_event_payload(const csvc_event *ev);
/** Frees an event from csvc_ticket_history_next. @since 1.0 */
CSVC_EXTERN(void) csvc_event_free(csvc_event *ev);

/**
 * Iterator over a ticket's events, oldest first: the events up to the
 * ticket's revision when csvc_ticket_history_new ran (events written
 * later are not returned), read in pages; no read snapshot is held
 * between calls, so the store may write while it is open.
 * @since 1.0
 */
typedef struct csvc_event_iter csvc_event_iter;
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_history_new(csvc_store *store, const csvc_uuid *id, csvc_event_iter **out);
/** CSVC_ITEROVER at the end. Free each event with csvc_event_free. @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_history_next(csvc_event_iter *it, csvc_event **out);
/** @since 1.0 */
CSVC_EXTERN(void) csvc_ticket_history_free(csvc_event_iter *it);

/**
 * A change hook, called after each successful commit with every ticket
 * event that commit made, in order; never inside the caller's transaction.
 * The event is valid only during the call. The hook may call any libcsvc
 * function except csvc_store_close() on the same store, writes included:
 * events of such writes are delivered after the current ones, by the same
 * loop. A transaction the hook begins must end before it returns: one
 * left open is rolled back when the hook returns, with an error logged.
 * Its return value is ignored (the changes are committed). Ticket
 * events written in SQL on behalf of another module (the "customer_merged"
 * events of csvc_customer_merge) are in the log but not delivered.
 * @since 1.0
 */
typedef void (*csvc_change_fn)(const csvc_event *ev, void *userdata);

/**
 * Registers the store's change hook (one per store; NULL removes it).
 * Errors: CSVC_EINVAL.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_set_change_hook(csvc_store *store, csvc_change_fn fn, void *userdata);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

/** Current version of csvc_ticket_query. @since 1.0 */
#define CSVC_TICKET_QUERY_VERSION 1

/**
 * Filters (AND); zero/NULL fields do not filter. Results come in creation
 * order; `after` continues after a ticket (keyset pagination).
 * @since 1.0
 */
typedef struct csvc_ticket_query {
	uint32_t version;
	const char *store_code;
	const char *state;           /**< state name */
	int32_t state_category;      /**< csvc_state_category_t */
	int32_t open_only;           /**< non-zero: new, open, waiting and resolved states */
	const char *kind;
	const char *assignee;
	const char *team;
	const char *channel;
	const csvc_uuid *customer;
	int32_t priority;
	const char *text;            /**< substring of subject, description or comments */
	csvc_time_us created_from, created_to;
	csvc_time_us updated_from, updated_to;
	csvc_uuid after;
	uint32_t limit;
} csvc_ticket_query;

/** Static initialiser. @since 1.0 */
#define CSVC_TICKET_QUERY_INIT \
	{ CSVC_TICKET_QUERY_VERSION, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, {{0}}, 0 }

/**
 * Initialises `q` to the defaults of struct version `version` (pass
 * CSVC_TICKET_QUERY_VERSION): the same as CSVC_TICKET_QUERY_INIT ("no filters"), but writing only the
 * fields that `version` has, and `version` into q->version, so that a
 * program built against older headers passes its own, smaller version and
 * nothing past its struct is written (docs/conventions.md "Versioned
 * structs").
 * Errors: CSVC_EINVAL if `q` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_query_init(csvc_ticket_query *q, unsigned int version);

/**
 * Iterator over tickets. It holds no read snapshot between calls, so the
 * store may write while it is open (iterate the open tickets and
 * transition each one, for example). It returns only tickets that existed
 * when it was created, in creation order; each one matched the query when
 * its page of ids (up to 256, one short read) was read; tickets are read
 * in batches of up to 16 in one short read transaction, so each is as of
 * the call that read its batch (pass its revision as `expected_revision`:
 * a change made since gives CSVC_ECONFLICT) and may no longer match. None
 * is returned twice (docs/threading.md, "Iterators and writes").
 * @since 1.0
 */
typedef struct csvc_ticket_iter csvc_ticket_iter;
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_iter_new(csvc_store *store, const csvc_ticket_query *q,
                                      csvc_ticket_iter **out);
/** CSVC_ITEROVER at the end. @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_iter_next(csvc_ticket_iter *it, csvc_ticket **out);
/** @since 1.0 */
CSVC_EXTERN(void) csvc_ticket_iter_free(csvc_ticket_iter *it);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_ticket_count(csvc_store *store, const csvc_ticket_query *q, int64_t *out);

CSVC_END_DECL

#endif /* CSVC_TICKET_H */
