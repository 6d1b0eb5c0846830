/**
 * @file
 * libcsvc - tickets (工单): inquiries, complaints, after-sales, needs,
 * suggestions and the kinds users add, each running under a versioned
 * workflow (see workflow.h). Every change appends an event in the same
 * transaction; the ticket's current fields are derived from its events and
 * can be rebuilt from them (csvc_ticket_replay). See docs/tickets.md.
 *
 * A csvc_ticket is a detached value, like a csvc_customer.
 *
 * Thread safety: a csvc_ticket and a csvc_event read with
 * csvc_ticket_history_next() are detached values. Their getters only read
 * them, so several threads may read one at once; the setters and the
 * `_free` calls need the caller to make sure no other thread uses it.
 * Calls that take a csvc_store, and the ticket and event iterators (which
 * read from their store), follow the store's rule: one thread at a time
 * per store (store.h). The change hook runs on the thread whose call
 * committed, and its event is borrowed for the length of the call. See
 * docs/threading.md.
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
 * `workflow`, which must be stored. New tickets of the kind use the newest
 * version of that workflow. Names are machine names ([a-z0-9_.-]).
 *
 * @param store The open store.
 * @param name The kind's machine name.
 * @param workflow The workflow's machine name.
 * @param label_zh The kind's Chinese label, or NULL.
 * @param label_en The kind's English label, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, a NULL `name` or `workflow`, a
 * character outside [a-z0-9_.-] in one, invalid UTF-8 or a control
 * character in a label), CSVC_ERANGE (an empty name, one longer than
 * CSVC_WORKFLOW_MAX_NAME, a label longer than CSVC_WORKFLOW_MAX_LABEL
 * bytes, or transactions already nested 64 deep), CSVC_ENOTFOUND (no
 * workflow `workflow` is stored), CSVC_EREADONLY (a read-only store),
 * CSVC_ESTATE (inside a transaction aborted by a storage failure),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_kind_define(csvc_store *store, const char *name, const char *workflow,
                                         const char *label_zh, const char *label_en);

/**
 * Defines (or relabels) channel `name` (store_counter, phone, wechat...),
 * which tickets may then name (csvc_ticket_set_channel()).
 *
 * @param store The open store.
 * @param name The channel's machine name.
 * @param label_zh Its Chinese label, or NULL.
 * @param label_en Its English label, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, a NULL `name`, a character outside
 * [a-z0-9_.-] in it, invalid UTF-8 or a control character in a label),
 * CSVC_ERANGE (an empty name, one longer than CSVC_WORKFLOW_MAX_NAME, a
 * label longer than CSVC_WORKFLOW_MAX_LABEL bytes, or transactions
 * already nested 64 deep), CSVC_EREADONLY (a read-only store),
 * CSVC_ESTATE (inside a transaction aborted by a storage failure),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_channel_define(csvc_store *store, const char *name,
                                            const char *label_zh, const char *label_en);

/**
 * Overrides one cell of the priority matrix: the priority derived from
 * (urgency, importance, impact) for tickets without a priority set by
 * hand. The default matrix is documented in docs/tickets.md. Tickets
 * saved before keep their priority until they are next saved.
 *
 * @param store The open store.
 * @param urgency The cell's urgency (1 to 3).
 * @param importance The cell's importance (1 to 3).
 * @param impact The cell's impact (1 to 3).
 * @param priority The priority the cell gives (1 to 4).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, a value out of range: 0 is refused
 * too), CSVC_ERANGE (transactions already nested 64 deep),
 * CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 * aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_priority_matrix_set(csvc_store *store, csvc_urgency_t urgency, csvc_importance_t importance,
                                          csvc_impact_t impact, csvc_priority_t priority);
/**
 * Reads the priority one cell of the matrix gives: the stored override,
 * else the default (docs/tickets.md).
 *
 * @param store The open store.
 * @param urgency The cell's urgency (1 to 3).
 * @param importance The cell's importance (1 to 3).
 * @param impact The cell's impact (1 to 3).
 * @param priority Receives the csvc_priority_t; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `priority`, a level out of range:
 * 0 is refused too), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_priority_matrix_get(csvc_store *store, csvc_urgency_t urgency, csvc_importance_t importance,
                                          csvc_impact_t impact, int32_t *priority);

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/** A ticket (detached value). Opaque. @since 1.0 */
typedef struct csvc_ticket csvc_ticket;

/**
 * Allocates a new draft ticket of kind `kind` for store `store_code` (a
 * code such as "SH01": the ticket number is per store), with urgency
 * general, importance medium and impact individual. The kind is checked
 * against the store when the draft is saved.
 *
 * @param out Receives the draft; written only on success.
 * @param kind The kind's machine name.
 * @param store_code The store code: printable ASCII without spaces.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `out`, `kind` or `store_code`, a character
 * outside [a-z0-9_.-] in `kind`, a space or a byte that is not printable
 * ASCII in `store_code`), CSVC_ERANGE (an empty `kind` or one longer than
 * CSVC_WORKFLOW_MAX_NAME, an empty `store_code` or one longer than
 * CSVC_CUSTOMER_MAX_STORE_CODE bytes), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_ticket_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_new(csvc_ticket **out, const char *kind, const char *store_code);
/**
 * Deep-copies a ticket, draft or saved.
 *
 * @param t The ticket to copy.
 * @param out Receives the copy; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t` or `out`), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_ticket_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_dup(const csvc_ticket *t, csvc_ticket **out);
/**
 * Frees a ticket and the strings borrowed from it.
 *
 * @param t The ticket, or NULL (a no-op).
 *
 * Ownership: takes `t` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_ticket_free(csvc_ticket *t);

/**
 * The ticket's UUID: nil for a draft.
 *
 * @param t The ticket.
 * @return The UUID, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_ticket_id(const csvc_ticket *t);
/**
 * The ticket's number, the store code and a sequence of that store,
 * e.g. "SH01-000123".
 *
 * @param t The ticket.
 * @return The number, or NULL for a draft (or if `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_number(const csvc_ticket *t);
/**
 * The ticket's kind, which chose its workflow.
 *
 * @param t The ticket.
 * @return The kind's machine name, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_kind(const csvc_ticket *t);
/**
 * The code of the store the ticket belongs to.
 *
 * @param t The ticket.
 * @return The store code, or NULL if `t` is NULL.
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_store_code(const csvc_ticket *t);
/**
 * The customer the ticket is about.
 *
 * @param t The ticket.
 * @return The customer's UUID, or NULL when none is set (or `t` is
 *         NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_ticket_customer(const csvc_ticket *t);
/**
 * The channel the ticket came in by.
 *
 * @param t The ticket.
 * @return The channel's machine name, or NULL when not set (or `t` is
 *         NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_channel(const csvc_ticket *t);
/**
 * The ticket's category, free single-line text.
 *
 * @param t The ticket.
 * @return The category, or NULL when not set (or `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_category(const csvc_ticket *t);
/**
 * The ticket's urgency.
 *
 * @param t The ticket.
 * @return One of csvc_urgency_t, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_ticket_urgency(const csvc_ticket *t);
/**
 * The ticket's importance.
 *
 * @param t The ticket.
 * @return One of csvc_importance_t, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_ticket_importance(const csvc_ticket *t);
/**
 * The ticket's impact scope.
 *
 * @param t The ticket.
 * @return One of csvc_impact_t, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_ticket_impact(const csvc_ticket *t);
/**
 * The ticket's effective priority: the one set by hand, else the one the
 * priority matrix gave when the ticket was last saved.
 *
 * @param t The ticket.
 * @return One of csvc_priority_t, or 0 for a draft without an override
 *         (or if `t` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_ticket_priority(const csvc_ticket *t);
/**
 * Tells whether the priority was set by hand (csvc_ticket_set_priority()).
 * Never fails.
 *
 * @param t The ticket.
 * @return 1 if the priority was set by hand, else 0 (also for NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_priority_overridden(const csvc_ticket *t);
/**
 * The person the ticket is assigned to.
 *
 * @param t The ticket.
 * @return The assignee, or NULL when none (or `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_assignee(const csvc_ticket *t);
/**
 * The team the ticket is assigned to.
 *
 * @param t The ticket.
 * @return The team, or NULL when none (or `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_team(const csvc_ticket *t);
/**
 * The ticket's subject line.
 *
 * @param t The ticket.
 * @return The subject, or NULL when not set (or `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_subject(const csvc_ticket *t);
/**
 * The ticket's description, possibly over several lines.
 *
 * @param t The ticket.
 * @return The description, or NULL when not set (or `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_description(const csvc_ticket *t);
/**
 * The linked order reference, e.g. a POS receipt number.
 *
 * @param t The ticket.
 * @return The reference, or NULL when not set (or `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_order_ref(const csvc_ticket *t);
/**
 * The name of the ticket's current state in its workflow.
 *
 * @param t The ticket.
 * @return The state's name, or NULL for a draft (or if `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_state(const csvc_ticket *t);
/**
 * The category of the ticket's current state.
 *
 * @param t The ticket.
 * @return One of csvc_state_category_t, or 0 for a draft (or if `t` is
 *         NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_ticket_state_category(const csvc_ticket *t);
/**
 * The name of the workflow the ticket runs under.
 *
 * @param t The ticket.
 * @return The workflow's name, or NULL for a draft (or if `t` is NULL).
 *
 * Ownership: borrowed from `t`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_ticket_workflow(const csvc_ticket *t);
/**
 * The version of the workflow the ticket runs under.
 *
 * @param t The ticket.
 * @return The version, or 0 for a draft (or if `t` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_ticket_workflow_version(const csvc_ticket *t);
/**
 * The ticket's revision: 0 for a draft, and one more per event (the
 * sequence number of its latest event).
 *
 * @param t The ticket.
 * @return The revision, or 0 if `t` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_ticket_revision(const csvc_ticket *t);
/**
 * When the ticket was created, by the store clock.
 *
 * @param t The ticket.
 * @return The creation time, or 0 for a draft (or if `t` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_ticket_created_at(const csvc_ticket *t);
/**
 * When the ticket's latest event was written.
 *
 * @param t The ticket.
 * @return The time of the latest event, or 0 for a draft (or if `t` is
 *         NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_ticket_updated_at(const csvc_ticket *t);

/**
 * Sets or clears the customer of a draft, or of a read ticket before
 * csvc_ticket_update(). The setters change only the value in memory;
 * the assignee and team change through csvc_ticket_assign(), the state
 * through csvc_ticket_transition(). The customer must be active (not
 * merged away, not erased) when the ticket is saved.
 *
 * @param t The ticket.
 * @param customer The customer's UUID (copied), or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_customer(csvc_ticket *t, const csvc_uuid *customer);
/**
 * Sets or clears the channel. The channel must be defined
 * (csvc_ticket_channel_define()) when the ticket is saved.
 *
 * @param t The ticket.
 * @param channel The channel's machine name, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, a character outside [a-z0-9_.-]),
 * CSVC_ERANGE (an empty name or one longer than CSVC_WORKFLOW_MAX_NAME),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_channel(csvc_ticket *t, const char *channel);
/**
 * Sets or clears the category.
 *
 * @param t The ticket.
 * @param category Single-line UTF-8 text, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, invalid UTF-8, a control character),
 * CSVC_ERANGE (longer than CSVC_TICKET_MAX_CATEGORY bytes), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_category(csvc_ticket *t, const char *category);
/**
 * Sets the urgency, which the priority matrix reads.
 *
 * @param t The ticket.
 * @param urgency One of csvc_urgency_t, or 0 for the default (general).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, an unknown urgency).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_urgency(csvc_ticket *t, csvc_urgency_t urgency);
/**
 * Sets the importance, which the priority matrix reads.
 *
 * @param t The ticket.
 * @param importance One of csvc_importance_t, or 0 for the default
 *                   (medium).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, an unknown importance).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_importance(csvc_ticket *t, csvc_importance_t importance);
/**
 * Sets the impact scope, which the priority matrix reads.
 *
 * @param t The ticket.
 * @param impact One of csvc_impact_t, or 0 for the default (individual).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, an unknown impact).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_impact(csvc_ticket *t, csvc_impact_t impact);
/**
 * Overrides the priority the matrix derives, or returns to the matrix.
 *
 * @param t The ticket.
 * @param priority One of csvc_priority_t, or 0 to derive it from the
 *                 matrix again when the ticket is saved.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, an unknown priority).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_priority(csvc_ticket *t, csvc_priority_t priority);
/**
 * Sets or clears the subject line.
 *
 * @param t The ticket.
 * @param subject Single-line UTF-8 text, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, invalid UTF-8, a control character),
 * CSVC_ERANGE (longer than CSVC_TICKET_MAX_SUBJECT bytes), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_subject(csvc_ticket *t, const char *subject);
/**
 * Sets or clears the description.
 *
 * @param t The ticket.
 * @param description UTF-8 text (tab, line feed and carriage return
 *                    allowed), or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, invalid UTF-8, another control
 * character), CSVC_ERANGE (longer than CSVC_TICKET_MAX_DESCRIPTION
 * bytes), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_description(csvc_ticket *t, const char *description);
/**
 * Sets or clears the linked order reference.
 *
 * @param t The ticket.
 * @param order_ref Single-line UTF-8 text, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, invalid UTF-8, a control character),
 * CSVC_ERANGE (longer than CSVC_TICKET_MAX_ORDER_REF bytes), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_order_ref(csvc_ticket *t, const char *order_ref);
/**
 * Sets the assignee and team of a draft; a saved ticket changes hands
 * with csvc_ticket_assign().
 *
 * @param t The draft.
 * @param assignee The assignee, or NULL for none.
 * @param team The team, or NULL for none.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `t`, invalid UTF-8 or a control character),
 * CSVC_ERANGE (longer than CSVC_TICKET_MAX_PERSON bytes), CSVC_ESTATE
 * (`t` is saved already), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_set_assignee(csvc_ticket *t, const char *assignee, const char *team);

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */

/**
 * Saves a draft: checks the kind, channel and customer exist, picks the
 * kind's workflow (newest version) and its initial state, derives the
 * priority, assigns a UUID and the next number of the store, and records
 * a "created" event; the SLA policy that matches starts its clocks. A
 * draft with neither assignee nor team is routed (route.h): the first
 * matching routing rule sets its team and assignee, and the event's
 * payload says why (`"route":{...}`, docs/routing.md). On success `t`
 * becomes the saved ticket; on failure `t` and the store are unchanged.
 *
 * @param store The open store.
 * @param t The draft; becomes the saved ticket on success.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `t`, `t` is not a draft, invalid
 * UTF-8 or a control character in `actor`), CSVC_ERANGE (`actor` longer
 * than CSVC_TICKET_MAX_PERSON bytes, or transactions already nested 64
 * deep), CSVC_ENOTFOUND (the kind is not defined, its workflow is not
 * stored, the channel is not defined, or the customer is unknown, merged
 * away or erased), CSVC_EREADONLY (a read-only store), CSVC_ESTATE
 * (inside a transaction aborted by a storage failure), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT (a stored workflow or SLA definition is
 * damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_create(csvc_store *store, csvc_ticket *t, const char *actor);

/**
 * Reads a ticket by UUID.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param out Receives the ticket; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_ENOTFOUND (no such
 * ticket), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_ticket_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_get(csvc_store *store, const csvc_uuid *id, csvc_ticket **out);
/**
 * Reads a ticket by its number.
 *
 * @param store The open store.
 * @param number The ticket's number, e.g. "SH01-000123".
 * @param out Receives the ticket; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument, invalid UTF-8 or a control
 * character in `number`), CSVC_ERANGE (`number` longer than
 * CSVC_TICKET_MAX_NUMBER bytes), CSVC_ENOTFOUND (no ticket has that
 * number), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_ticket_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_get_by_number(csvc_store *store, const char *number, csvc_ticket **out);

/**
 * Saves changed editable fields of `t` (read from this store) with an
 * "updated" event holding each changed field's old and new value. The
 * revision of `t` is the expected stored revision: CSVC_ECONFLICT if the
 * ticket changed since. Nothing changed: success, no event. On success
 * `t` holds the ticket as stored, with its revision after every event the
 * call wrote: a change of what SLA policies match on may add an
 * "sla_policy" event, alarms and escalations after the "updated" one.
 *
 * @param store The open store.
 * @param t The ticket; holds the stored ticket on success.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `t`, `t` is a draft: use
 * csvc_ticket_create(); a bad `actor`), CSVC_ERANGE (`actor` too long,
 * or transactions already nested 64 deep), CSVC_ENOTFOUND (no such
 * ticket in the store, a changed channel that is not defined, or a
 * customer that is unknown, merged away or erased: the customer is
 * checked whenever `t` names one), CSVC_ECONFLICT (the stored revision
 * differs), CSVC_EREADONLY (a read-only store, even with nothing to
 * save), CSVC_ESTATE (inside a transaction aborted by a storage failure),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
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
 * Applies transition `transition` of the ticket's workflow version,
 * moving the ticket to the state it leads to with a "transition" event;
 * SLA clocks pause, resume or stop with the new state's category.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param transition The transition's machine name.
 * @param expected_revision The revision last read, or 0 to skip the check.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @param note Multi-line text kept with the event; may be NULL.
 * @param revision Receives the ticket's revision after the call; may be
 *                 NULL. Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `id`, a NULL `transition` or one
 * with a character outside [a-z0-9_.-], invalid UTF-8 or a control
 * character the field does not allow in `actor` or `note`), CSVC_ERANGE
 * (an empty `transition` or one longer than CSVC_WORKFLOW_MAX_NAME,
 * `actor` longer than CSVC_TICKET_MAX_PERSON or `note` than
 * CSVC_TICKET_MAX_COMMENT bytes, or transactions already nested 64 deep),
 * CSVC_ENOTFOUND (no such ticket, or its workflow version is not stored),
 * CSVC_ECONFLICT (the revision differs), CSVC_ESTATE (no such transition
 * from the current state: nothing changes; or inside a transaction
 * aborted by a storage failure), CSVC_EREADONLY (a read-only store),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_transition(csvc_store *store, const csvc_uuid *id, const char *transition,
                                        int64_t expected_revision, const char *actor, const char *note,
                                        int64_t *revision);

/** At most this many inputs per transition or approval. @since 1.0 */
#define CSVC_TRANSITION_MAX_INPUTS 16
/** An input's value: at most this many bytes. @since 1.0 */
#define CSVC_TRANSITION_MAX_INPUT_VALUE 256

/**
 * A named input given with a transition or an approval (a resolution
 * outcome, a refund amount), checked by the workflow's guards
 * (docs/workflows.md "Guards") and recorded in the event's "inputs".
 * @since 1.0
 */
typedef struct csvc_transition_input {
	const char *name;  /**< [a-z0-9_], 1 to CSVC_WORKFLOW_MAX_NAME bytes; unique within a call */
	const char *value; /**< one line of UTF-8, 0 to CSVC_TRANSITION_MAX_INPUT_VALUE bytes */
} csvc_transition_input;

/** Current version of csvc_transition_opts. @since 1.0 */
#define CSVC_TRANSITION_OPTS_VERSION 1

/**
 * Options of csvc_ticket_transition_ex() and csvc_ticket_approve(). Zero
 * or NULL fields mean "not given"; fields are only appended
 * (docs/conventions.md "Versioned structs").
 * @since 1.0
 */
typedef struct csvc_transition_opts {
	uint32_t version;                    /**< CSVC_TRANSITION_OPTS_VERSION */
	int64_t expected_revision;           /**< the ticket's revision the caller read; 0 skips the check */
	const char *actor;                   /**< who does it (for an approval: the approver); NULL: nobody named,
	                                        or the principal under access control */
	const char *note;                    /**< multi-line text kept with the event; NULL: none */
	const csvc_transition_input *inputs; /**< `n_inputs` named inputs; NULL when none */
	uint32_t n_inputs;                   /**< 0 to CSVC_TRANSITION_MAX_INPUTS */
} csvc_transition_opts;

/** Static initialiser. @since 1.0 */
#define CSVC_TRANSITION_OPTS_INIT { CSVC_TRANSITION_OPTS_VERSION, 0, NULL, NULL, NULL, 0 }

/**
 * Initialises `opts` to the defaults of struct version `version` (pass
 * CSVC_TRANSITION_OPTS_VERSION), writing only that version's fields.
 *
 * @param opts The caller's options struct.
 * @param version The caller's CSVC_TRANSITION_OPTS_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `opts` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_transition_opts_init(csvc_transition_opts *opts, unsigned int version);

/**
 * csvc_ticket_transition() with inputs: applies transition `transition`
 * once the workflow version's guards for it hold (docs/workflows.md
 * "Guards"): every required field is set on the ticket or given as a
 * non-empty input, and every approval needed (an approval always needed,
 * or one whose integer input is above its threshold) was given with
 * csvc_ticket_approve() since the ticket last changed state, for at least
 * the input's value. The transition consumes those approvals. The
 * "transition" event records the inputs in its payload's "inputs" object.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param transition The transition's machine name.
 * @param opts The options, or NULL for the defaults (no inputs).
 * @param revision Receives the ticket's revision after the call; may be
 *                 NULL. Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: those of csvc_ticket_transition(), and CSVC_EINVAL (an input
 * with a NULL, bad or repeated name, a NULL value, invalid UTF-8 or a
 * line break in a value, inputs NULL with n_inputs non-zero, an
 * approval's input that is not an integer, or a newer `opts` version),
 * CSVC_ERANGE (more than CSVC_TRANSITION_MAX_INPUTS inputs, a name longer
 * than CSVC_WORKFLOW_MAX_NAME or a value than
 * CSVC_TRANSITION_MAX_INPUT_VALUE bytes), CSVC_ESTATE (a guard refuses:
 * a required field is missing, or an approval is missing or approved a
 * smaller value; the message names it). Nothing changes on failure.
 *
 * Thread safety: as every call on a store, one thread at a time.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_transition_ex(csvc_store *store, const csvc_uuid *id, const char *transition,
                                           const csvc_transition_opts *opts, int64_t *revision);

/**
 * Approves the ticket's next taking of transition `transition` from its
 * current state, with an "approved" event. The approver (`opts->actor`;
 * under access control the principal, who it defaults to) must be an
 * active staff member holding an active role that one of the
 * transition's approval guards names; the approval counts for each such
 * role. For a guard with an input (an amount), the approval needs that
 * input and approves values up to it. An approval stays valid until the
 * ticket's state next changes (the transition consumes it).
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param transition The transition's machine name.
 * @param opts The options: actor (the approver), expected_revision,
 *             note, inputs (the approved values); NULL only under access
 *             control (the principal approves).
 * @param revision Receives the ticket's revision after the call; may be
 *                 NULL. Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md: the
 * principal lacks ticket_transition, the ticket's store is out of scope,
 * or `actor` names someone else; or the approver is inactive or holds
 * no active role that approves the transition), CSVC_EINVAL (NULL
 * `store` or `id`, no approver named in trusted mode, bad inputs as for
 * csvc_ticket_transition_ex(), an approved input missing or not an
 * integer), CSVC_ERANGE (a name or text too long), CSVC_ENOTFOUND (no
 * such ticket, or the approver is not a staff member), CSVC_ECONFLICT
 * (the revision differs), CSVC_ESTATE (no such transition from the
 * current state, or it needs no approval; or inside a transaction
 * aborted by a storage failure), CSVC_EREADONLY, CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. Nothing changes on failure.
 *
 * Thread safety: as every call on a store, one thread at a time.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_approve(csvc_store *store, const csvc_uuid *id, const char *transition,
                                     const csvc_transition_opts *opts, int64_t *revision);

/**
 * Assigns (hands off) the ticket to `assignee` and `team` with an
 * "assigned" event, also when they do not change.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param assignee The new assignee, or NULL for none.
 * @param team The new team, or NULL for none.
 * @param expected_revision The revision last read, or 0 to skip the check.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @param revision Receives the ticket's revision after the call; may be
 *                 NULL. Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `id`, invalid UTF-8 or a control
 * character in `assignee`, `team` or `actor`), CSVC_ERANGE (one of them
 * longer than CSVC_TICKET_MAX_PERSON bytes, or transactions already
 * nested 64 deep), CSVC_ENOTFOUND (no such ticket), CSVC_ECONFLICT (the
 * revision differs), CSVC_EREADONLY (a read-only store), CSVC_ESTATE
 * (inside a transaction aborted by a storage failure), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_assign(csvc_store *store, const csvc_uuid *id, const char *assignee,
                                    const char *team, int64_t expected_revision, const char *actor,
                                    int64_t *revision);

/**
 * Routes a saved ticket again by the routing rules (route.h), as
 * csvc_ticket_create() routes a draft: the first active rule matching
 * the ticket now picks its team and a member on shift, with a "routed"
 * event whose payload says why (`"route":{...}`). A rule marked
 * designated keeps the ticket's assignee while they are an active staff
 * member on shift (no event); otherwise (absent) the ticket goes to the
 * member the strategy picks and the payload names the one replaced. When
 * the choice is what the ticket already has, nothing is written. When
 * nobody is on shift the ticket goes to the team with no assignee.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param expected_revision The revision last read, or 0 to skip the check.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @param revision Receives the ticket's revision after the call; may be
 *                 NULL. Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control: the principal may not
 * assign, docs/access.md), CSVC_EINVAL (NULL `store` or `id`, a bad
 * `actor`), CSVC_ERANGE (`actor` longer than CSVC_TICKET_MAX_PERSON
 * bytes), CSVC_ENOTFOUND (no such ticket, or no active rule matches it),
 * CSVC_ECONFLICT (the revision differs), CSVC_EREADONLY, CSVC_ESTATE,
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. Nothing changes
 * on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_route(csvc_store *store, const csvc_uuid *id, int64_t expected_revision,
                                   const char *actor, int64_t *revision);

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
 *
 * @param c The caller's comment struct.
 * @param version The caller's CSVC_COMMENT_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `c` is NULL, or `version` is 0 or newer than the
 *   library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_comment_init(csvc_comment *c, unsigned int version);

/**
 * Adds comment `c` to the ticket: a public reply, an internal note, a
 * result notice sent to the customer, or a follow-up call 回访 and its
 * outcome (`c->kind`). `c` is read only as far as its version goes; it
 * need not outlive the call. Every kind but an internal note counts as a
 * reply to the customer for the SLA clocks.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param c The comment, with its expected revision and actor.
 * @param revision Receives the ticket's revision after the call; may be
 *                 NULL. Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `id` or `c`, a struct version newer
 *   than the library knows, an unknown kind, a NULL or empty body,
 *   invalid UTF-8 or a control character the field does not allow in the
 *   body or actor, a method with a character outside [a-z0-9_.-]),
 *   CSVC_ERANGE (a body longer than CSVC_TICKET_MAX_COMMENT, an actor
 *   longer than CSVC_TICKET_MAX_PERSON bytes, an empty method or one
 *   longer than CSVC_WORKFLOW_MAX_NAME, or transactions already nested 64
 *   deep), CSVC_ENOTFOUND (no such ticket), CSVC_ECONFLICT (the revision
 *   differs), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_comment(csvc_store *store, const csvc_uuid *id, const csvc_comment *c,
                                     int64_t *revision);

/**
 * Links ticket `a` to ticket `b`. Both tickets get a "linked" event.
 *
 * @param store The open store.
 * @param a The first ticket's UUID.
 * @param b The second ticket's UUID.
 * @param kind The csvc_link_kind_t, not CSVC_LINK_MERGED_INTO.
 * @param actor Who did it, recorded on the events; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `a` or `b`, `a` equal to `b`, an
 * unknown kind or CSVC_LINK_MERGED_INTO, a bad `actor`), CSVC_ERANGE
 * (`actor` too long, or transactions already nested 64 deep),
 * CSVC_ENOTFOUND (either ticket), CSVC_EEXISTS (the link exists),
 * CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 * aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_link(csvc_store *store, const csvc_uuid *a, const csvc_uuid *b,
                                  csvc_link_kind_t kind, const char *actor);

/**
 * Merges ticket `from` into ticket `into`: `from` moves to the first
 * cancelled-category state of its workflow with a "merged" event and a
 * MERGED_INTO link; `into` gets an "absorbed" event. Comments stay with
 * the ticket they were written on.
 *
 * @param store The open store.
 * @param into The ticket that stays.
 * @param from The ticket merged into `into`.
 * @param actor Who did it, recorded on the events; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `into` or `from`, `from` equal to
 * `into`, a bad `actor`), CSVC_ERANGE (`actor` too long, or transactions
 * already nested 64 deep), CSVC_ENOTFOUND (either ticket, or the workflow
 * version of `from`), CSVC_ESTATE (either is closed or cancelled, `from`'s
 * workflow has no cancelled state, or inside a transaction aborted by a
 * storage failure), CSVC_EREADONLY (a read-only store), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
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
 * and cancelled tickets keep their version. Atomic: on any error nothing
 * moves.
 *
 * @param store The open store.
 * @param workflow The workflow's machine name.
 * @param from_version The version the tickets run under now (1 or more).
 * @param to_version The version to move them to (1 or more, not
 *                   `from_version`).
 * @param map_from The states of `from_version` to rename; may be NULL
 *                 when `n_map` is 0.
 * @param map_to The state of `to_version` each one becomes; may be NULL
 *               when `n_map` is 0.
 * @param n_map The number of pairs.
 * @param actor Who did it, recorded on the events; may be NULL.
 * @param moved Receives the number of tickets moved; may be NULL.
 *              Written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, NULL maps with `n_map` above 0 or a
 * NULL entry in them, a malformed `workflow`, a bad `actor`, a version
 * below 1 or the same version twice, a mapped state missing from its
 * version, a ticket state with no counterpart in the new version),
 * CSVC_ERANGE (an empty `workflow` or one longer than
 * CSVC_WORKFLOW_MAX_NAME, `actor` too long, or transactions already
 * nested 64 deep), CSVC_ENOTFOUND (a workflow version is not stored),
 * CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 * aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_migrate_tickets(csvc_store *store, const char *workflow,
                                               int32_t from_version, int32_t to_version,
                                               const char *const *map_from, const char *const *map_to,
                                               size_t n_map, const char *actor, int64_t *moved);

/**
 * Rebuilds the ticket from its event log alone. For every ticket it must
 * equal csvc_ticket_get (a test checks this after random operations).
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param out Receives the rebuilt ticket; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_ENOTFOUND (no such
 * ticket), CSVC_ECORRUPT (an event sets an unknown field or holds a
 * malformed UUID, or the event sequence has a gap; also a damaged
 * store), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_ticket_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_replay(csvc_store *store, const csvc_uuid *id, csvc_ticket **out);

/**
 * Compares two tickets: identity, fields, state, revision and times.
 * Never fails.
 *
 * @param a One ticket, or NULL.
 * @param b The other ticket, or NULL.
 * @return 1 if the two are equal (NULL equals only NULL), else 0.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_equal(const csvc_ticket *a, const csvc_ticket *b);

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/**
 * One ticket event (read-only, detached), from
 * csvc_ticket_history_next() or handed to the change hook. Types:
 * "created", "updated", "transition", "assigned", "comment", "linked",
 * "merged", "absorbed", and those the SLA engine, customer merges and
 * workflow migrations write. The payload is a JSON object (see
 * docs/tickets.md). Opaque.
 * @since 1.0
 */
typedef struct csvc_event csvc_event;

/**
 * The ticket an event belongs to.
 *
 * @param ev The event.
 * @return The ticket's UUID, or NULL if `ev` is NULL.
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_event_ticket(const csvc_event *ev);
/**
 * The number of the ticket an event belongs to.
 *
 * @param ev The event.
 * @return The ticket's number, or NULL if `ev` is NULL.
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_event_ticket_number(const csvc_event *ev);
/**
 * The event's sequence number within its ticket, which is the ticket
 * revision it produced.
 *
 * @param ev The event.
 * @return The sequence number, or 0 if `ev` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_event_seq(const csvc_event *ev);
/**
 * The event's type, such as "created" or "transition".
 *
 * @param ev The event.
 * @return The type, or NULL if `ev` is NULL.
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_event_type(const csvc_event *ev);
/**
 * Who made the change the event records.
 *
 * @param ev The event.
 * @return The actor, or NULL when none was named (or `ev` is NULL).
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_event_actor(const csvc_event *ev);
/**
 * When the event happened, by the store clock (never before the
 * ticket's previous event, SLA alarms aside: they are dated at the
 * instant a clock crossed its threshold).
 *
 * @param ev The event.
 * @return The event's time, or 0 if `ev` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_event_at(const csvc_event *ev);
/**
 * The ticket's state before the event.
 *
 * @param ev The event.
 * @return The state's name, or NULL if the event did not change the
 *         state (or `ev` is NULL).
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_event_from_state(const csvc_event *ev);
/**
 * The ticket's state after the event.
 *
 * @param ev The event.
 * @return The state's name, or NULL if the event did not change the
 *         state (or `ev` is NULL).
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_event_to_state(const csvc_event *ev);
/**
 * The event's payload, a JSON object (docs/tickets.md).
 *
 * @param ev The event.
 * @return The payload, or NULL when the event has none (or `ev` is
 *         NULL).
 *
 * Ownership: borrowed from `ev`, valid until it is freed (or, for the
 * change hook's event, until the hook returns).
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_event_payload(const csvc_event *ev);
/**
 * Frees an event from csvc_ticket_history_next(). The event handed to
 * the change hook belongs to the library and must not be freed.
 *
 * @param ev The event, or NULL (a no-op).
 *
 * Ownership: takes `ev` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_event_free(csvc_event *ev);


/**
 * Iterator over a ticket's events, oldest first: the events up to the
 * ticket's revision when csvc_ticket_history_new ran (events written
 * later are not returned), read in pages; no read snapshot is held
 * between calls, so the store may write while it is open.
 * @since 1.0
 */
typedef struct csvc_event_iter csvc_event_iter;
/**
 * Starts iterating a ticket's events, oldest first, up to the ticket's
 * revision now. The iterator reads from the store lazily: free it before
 * closing the store.
 *
 * @param store The open store.
 * @param id The ticket's UUID.
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_ENOTFOUND (no such
 * ticket), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_ticket_history_free(), before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_history_new(csvc_store *store, const csvc_uuid *id, csvc_event_iter **out);
/**
 * Returns the next event in `*out`, or CSVC_ITEROVER at the end (`*out`
 * untouched).
 *
 * @param it The iterator.
 * @param out Receives the next event; written only on CSVC_OK.
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t
 *         (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `it` or `out`), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_event_free().
 * Thread safety: as a call on the iterator's store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_history_next(csvc_event_iter *it, csvc_event **out);
/**
 * Frees an event iterator.
 *
 * @param it The iterator, or NULL (a no-op).
 *
 * Ownership: takes `it` back. Events it returned stay the caller's.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_ticket_history_free(csvc_event_iter *it);


/**
 * A change hook, called after each successful commit with every ticket
 * event that commit made, in order; never inside the caller's transaction.
 * The event is valid only during the call. The hook may call any libcsvc
 * function except csvc_store_close() on the same store, writes included:
 * events of such writes are delivered after the current ones, by the same
 * loop. A transaction the hook begins must end before it returns: one
 * left open is rolled back when the hook returns, with an error logged.
 * Its return value is ignored (the changes are committed). The
 * "customer_merged" events of csvc_customer_merge() are delivered like any
 * other.
 * Delivery is at most once and in-process: events committed before a
 * crash and not yet passed to the hook are not passed after it. For
 * delivery that survives crashes (at least once, with event ids, every
 * ticket event included), subscribe to the feed with
 * csvc_feed_subscribe() (feed.h, docs/feed.md).
 * @since 1.0
 */
typedef void (*csvc_change_fn)(const csvc_event *ev, void *userdata);

/**
 * Registers the store's change hook, one per store, replacing the one
 * set before.
 *
 * @param store The open store.
 * @param fn The hook, or NULL to remove it.
 * @param userdata Passed to every call of `fn`; not touched by the
 *                 library.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`).
 *
 * Thread safety: as every call on the store. The hook runs on the thread
 * whose call committed, after the commit.
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
 *
 * @param q The caller's query struct.
 * @param version The caller's CSVC_TICKET_QUERY_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
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
/**
 * Starts iterating the tickets matching `q` (NULL: all tickets). The
 * query is copied; `q` need not outlive the call. The iterator reads from
 * the store lazily: free it before closing the store.
 *
 * @param store The open store.
 * @param q The filters, read as far as their `version` goes, or NULL.
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `out`, a struct version newer than
 * the library knows, an unknown state category or priority, invalid
 * UTF-8 or a control character in a text filter, an empty `text`),
 * CSVC_ERANGE (`store_code` longer than CSVC_CUSTOMER_MAX_STORE_CODE,
 * `state`, `kind` or `channel` than CSVC_WORKFLOW_MAX_NAME, `assignee` or
 * `team` than CSVC_TICKET_MAX_PERSON, `text` than CSVC_TICKET_MAX_SUBJECT
 * bytes), CSVC_ENOTFOUND (`customer` names no customer, or `after` no
 * ticket), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_ticket_iter_free(), before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_iter_new(csvc_store *store, const csvc_ticket_query *q,
                                      csvc_ticket_iter **out);
/**
 * Returns the next ticket in `*out`, or CSVC_ITEROVER at the end (`*out`
 * untouched). A failure that may pass (a lock, memory) can be retried
 * with the next call; a ticket that cannot be read is reported once and
 * then passed over.
 *
 * @param it The iterator.
 * @param out Receives the next ticket; written only on CSVC_OK.
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t
 *         (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `it` or `out`), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT (a damaged stored ticket), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_ticket_free().
 * Thread safety: as a call on the iterator's store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_iter_next(csvc_ticket_iter *it, csvc_ticket **out);
/**
 * Frees a ticket iterator and the tickets it read ahead.
 *
 * @param it The iterator, or NULL (a no-op).
 *
 * Ownership: takes `it` back. Tickets it returned stay the caller's.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_ticket_iter_free(csvc_ticket_iter *it);
/**
 * Counts the tickets matching `q` (NULL: all tickets); `after` and
 * `limit` are honoured.
 *
 * @param store The open store.
 * @param q The filters, read as far as their `version` goes, or NULL.
 * @param out Receives the count; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * as csvc_ticket_iter_new(): CSVC_EINVAL (NULL `store` or `out`,
 * a bad filter value), CSVC_ERANGE (a filter too long), CSVC_ENOTFOUND
 * (`customer` names no customer, or `after` no ticket), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_count(csvc_store *store, const csvc_ticket_query *q, int64_t *out);

/* ---- hand-offs: sub-tasks for departments ---- */

/** Current version of csvc_handoff. @since 1.0 */
#define CSVC_HANDOFF_VERSION 1

/**
 * A hand-off for csvc_ticket_handoff(): a sub-task of a ticket for a
 * department (物业, 财务, 商品, 人事, 市场: a team of kind
 * CSVC_TEAM_DEPARTMENT, staff.h), with its own number, owner, state and
 * SLA, while the customer-facing ticket stays with its desk. Zero or NULL
 * fields mean "not given", `department` aside; fields are only appended
 * (docs/conventions.md "Versioned structs").
 * @since 1.0
 */
typedef struct csvc_handoff {
	uint32_t version;          /**< CSVC_HANDOFF_VERSION */
	const char *department;    /**< required: the code of an active department team */
	const char *kind;          /**< the sub-task's ticket kind; NULL: "handoff" (requested,
	                              accepted, done, declined) */
	const char *subject;       /**< the request, one line, up to CSVC_TICKET_MAX_SUBJECT bytes;
	                              NULL: none */
	const char *description;   /**< multi-line, up to CSVC_TICKET_MAX_DESCRIPTION bytes; NULL:
	                              none */
	const char *assignee;      /**< an active member of the department; NULL: the department's
	                              team, unassigned */
	int64_t expected_revision; /**< the parent's revision the caller read; 0 skips the check */
	const char *actor;         /**< who handed it off; NULL: nobody named (under access control:
	                              the principal) */
} csvc_handoff;

/** Static initialiser (department must still be set). @since 1.0 */
#define CSVC_HANDOFF_INIT { CSVC_HANDOFF_VERSION, NULL, NULL, NULL, NULL, NULL, 0, NULL }

/**
 * Initialises `h` to the defaults of struct version `version` (pass
 * CSVC_HANDOFF_VERSION), writing only that version's fields.
 *
 * @param h The caller's hand-off struct.
 * @param version The caller's CSVC_HANDOFF_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `h` is NULL, or `version` is 0 or newer than the
 *   library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_handoff_init(csvc_handoff *h, unsigned int version);

/**
 * Hands part of ticket `parent` off to a department as a sub-task. In one
 * transaction: a new ticket (the child) is created in the parent's retail
 * store, of kind `h->kind`, with the parent's urgency, importance and
 * impact, team `h->department` and assignee `h->assignee` (its own
 * number, state and SLA policy, as any new ticket, with a "created"
 * event); the two are linked CSVC_LINK_PARENT_OF; the child gets a
 * "linked" event naming the parent and the parent a "handed_off" event
 * `{"child": number, "department": code, "link": "parent_of"}`. The
 * parent's assignee, team and state do not change.
 *
 * When the child later enters a closed or cancelled state (by a
 * transition or a merge), the parent gets a "handoff_returned" event
 * `{"child", "department", "state", "state_category"}` in the same
 * transaction; when it is reopened from there, a "handoff_reopened" event.
 * SLA targets with csvc_sla_target_pause_on_handoff() pause while the
 * parent has open sub-tasks, counted from those events.
 *
 * A sub-task cannot be handed off again (one level).
 *
 * @param store The open store.
 * @param parent The parent ticket's UUID.
 * @param h The hand-off, read as far as its version goes; need not
 *          outlive the call.
 * @param child_out Receives the new sub-task (the caller frees it with
 *                  csvc_ticket_free()); may be NULL. Written only on
 *                  success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control: needs ticket_create and
 *   ticket_assign, and the parent in the principal's scope,
 *   docs/access.md), CSVC_EINVAL (NULL `store`, `parent` or `h`, a struct
 *   version newer than the library knows, a NULL department, a team
 *   that is not a department, invalid UTF-8 or a control character the
 *   field does not allow, a kind or department code with a character
 *   outside its alphabet, an assignee who is not an active member of the
 *   department), CSVC_ERANGE (a field over its documented length, or
 *   transactions already nested 64 deep), CSVC_ENOTFOUND (no such
 *   parent, department, kind or assignee), CSVC_ECONFLICT (the parent's
 *   revision differs), CSVC_ESTATE (the parent is closed or cancelled, or
 *   is itself a sub-task; the department is deactivated; inside a
 *   transaction aborted by a storage failure), CSVC_EREADONLY (a read-only
 *   store), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. A
 *   refusal changes nothing.
 *
 * Ownership: `*child_out` is the caller's, freed with csvc_ticket_free();
 *   it stays valid after the store is closed.
 *
 * Thread safety: as every call on a store (docs/threading.md).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_handoff(csvc_store *store, const csvc_uuid *parent, const csvc_handoff *h,
                                     csvc_ticket **child_out);

/**
 * Lists the sub-tasks handed off from ticket `parent`, in the order they
 * were created, each as the ticket it is: its state and state category,
 * its team (the department) and assignee are the sub-task's own.
 *
 * @param store The open store.
 * @param parent The parent ticket's UUID.
 * @param out Receives an array of `*count` tickets (NULL when there are
 *            none), freed with csvc_ticket_subtasks_free(). Written only on
 *            success.
 * @param count Receives the number of sub-tasks.
 * @param open Receives how many of them are open (not closed or
 *             cancelled); may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control: needs ticket_read and
 *   the parent in the principal's scope, docs/access.md), CSVC_EINVAL
 *   (NULL `store`, `parent`, `out` or `count`), CSVC_ENOTFOUND (no such
 *   ticket), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the array and its tickets are the caller's; they stay valid
 *   after the store is closed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_subtasks(csvc_store *store, const csvc_uuid *parent, csvc_ticket ***out,
                                      size_t *count, size_t *open);

/**
 * Frees an array of csvc_ticket_subtasks() and its tickets.
 *
 * @param list The array, or NULL (a no-op).
 * @param count Its length.
 *
 * Ownership: takes the array and every ticket in it back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_ticket_subtasks_free(csvc_ticket **list, size_t count);

CSVC_END_DECL

#endif /* CSVC_TICKET_H */
