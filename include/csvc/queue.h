/**
 * @file
 * libcsvc - queues (工单队列): saved views of tickets that an agent works
 * from. A queue is a versioned definition, as a team or a role is: a
 * code, a display name, an owner (a team, a staff member, or nobody:
 * everyone's), an active flag and a revision, and a filter kept as data
 * (csvc_queue_filter). Opening a queue runs its filter through the ticket
 * query (ticket.h), with the same access checks and store scope as
 * csvc_ticket_iter_new(). Queues are deactivated, never deleted. See
 * docs/queues.md.
 *
 * Thread safety: a csvc_queue is a detached value (getters may run in
 * several threads at once; setters and csvc_queue_free() need the caller
 * to keep other threads away). Calls that take a csvc_store follow the
 * store's rule: one thread at a time per store (store.h).
 */
#ifndef CSVC_QUEUE_H
#define CSVC_QUEUE_H

#include "common.h"
#include "store.h"
#include "ticket.h"

CSVC_BEGIN_DECL

/** A queue definition (detached value). Opaque. @since 1.0 */
typedef struct csvc_queue csvc_queue;

#define CSVC_QUEUE_MAX_CODE 64  /**< [a-z0-9_.-] */
#define CSVC_QUEUE_MAX_NAME 256 /**< display name */

/**
 * The order a queue lists its tickets in. Values are explicit and only
 * appended to; names are csvc_enum_name(CSVC_ENUM_QUEUE_ORDER, value).
 * @since 1.0
 */
typedef enum csvc_queue_order_t {
	CSVC_QUEUE_ORDER_PRIORITY = 1, /**< most urgent priority first, then oldest first */
	CSVC_QUEUE_ORDER_AGE = 2       /**< oldest first (creation order) */
} csvc_queue_order_t;

/** The state-category bit of csvc_queue_filter.states for category `c`. @since 1.0 */
#define CSVC_QUEUE_STATE(c) (1u << (unsigned)(c))
/** The open state categories (new, open, waiting, resolved). @since 1.0 */
#define CSVC_QUEUE_STATES_OPEN 0x1Eu

/** Current version of csvc_queue_filter. @since 1.0 */
#define CSVC_QUEUE_FILTER_VERSION 1

/**
 * A queue's filter (AND of the fields set); zero/NULL fields do not
 * filter. Strings are borrowed: csvc_queue_set_filter() copies them,
 * csvc_queue_copy_filter() points them into the queue.
 * @since 1.0
 */
typedef struct csvc_queue_filter {
	uint32_t version;
	uint32_t states;          /**< CSVC_QUEUE_STATE(c) per csvc_state_category_t c; 0: any */
	const char *kind;         /**< a ticket kind (csvc_ticket_kind_define) */
	const char *category;     /**< a ticket category */
	const char *channel;      /**< a channel (csvc_ticket_channel_define) */
	const char *store_code;   /**< tickets of this store */
	const char *assignee;     /**< a staff code (must exist) */
	int32_t assignee_self;    /**< non-zero: assigned to the person the queue is opened for */
	const char *team;         /**< a team code (must exist) */
	int32_t unassigned;       /**< non-zero: tickets without an assignee */
	int32_t max_priority;     /**< csvc_priority_t: this priority or more urgent; 0: any */
	const csvc_uuid *customer; /**< one customer's tickets */
	int32_t order;            /**< csvc_queue_order_t; 0: CSVC_QUEUE_ORDER_PRIORITY */
} csvc_queue_filter;

/** Static initialiser. @since 1.0 */
#define CSVC_QUEUE_FILTER_INIT \
	{ CSVC_QUEUE_FILTER_VERSION, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, NULL, 0 }

/**
 * Initialises `f` to the defaults of struct version `version` (pass
 * CSVC_QUEUE_FILTER_VERSION): no filters, writing only the fields that
 * `version` has (docs/conventions.md "Versioned structs").
 *
 * @param f The caller's filter.
 * @param version The caller's CSVC_QUEUE_FILTER_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `f` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_filter_init(csvc_queue_filter *f, unsigned int version);

/**
 * Creates a draft queue (revision 0): active, nobody's, no filter
 * (every ticket, by priority).
 *
 * @param out Receives the queue; written only on success.
 * @param code Machine name, 1 to CSVC_QUEUE_MAX_CODE bytes of [a-z0-9_.-].
 * @param name Display name, 1 to CSVC_QUEUE_MAX_NAME bytes of single-line UTF-8.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL argument, a bad code or name), CSVC_ERANGE
 * (too long), CSVC_ENOMEM.
 * Ownership: the caller frees `*out` with csvc_queue_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_new(csvc_queue **out, const char *code, const char *name);
/**
 * Frees a queue.
 * @param queue The queue, or NULL (a no-op).
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_queue_free(csvc_queue *queue);

/**
 * The queue's code.
 * @param queue The queue.
 * @return The code, or NULL for NULL.
 * Ownership: borrowed from `queue`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_queue_code(const csvc_queue *queue);
/**
 * The display name.
 * @param queue The queue.
 * @return The name, or NULL for NULL.
 * Ownership: borrowed from `queue`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_queue_name(const csvc_queue *queue);
/**
 * The owning team's code (borrowed), or NULL when a team does not own it.
 * @param queue The queue.
 * @return The team code, or NULL.
 * Ownership: borrowed from `queue`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_queue_owner_team(const csvc_queue *queue);
/**
 * The owning staff member's code (borrowed), or NULL when a person does
 * not own it.
 * @param queue The queue.
 * @return The staff code, or NULL.
 * Ownership: borrowed from `queue`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_queue_owner_staff(const csvc_queue *queue);
/** 1 if active, 0 if not (or NULL). @param queue The queue. @return 1 or 0. @since 1.0 */
CSVC_EXTERN(int) csvc_queue_active(const csvc_queue *queue);
/** The revision: 0 for a draft. @param queue The queue. @return The revision. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_queue_revision(const csvc_queue *queue);
/** When it was created (0 for a draft). @param queue The queue. @return The instant. @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_queue_created_at(const csvc_queue *queue);
/** When it last changed (0 for a draft). @param queue The queue. @return The instant. @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_queue_updated_at(const csvc_queue *queue);

/**
 * Copies the queue's filter into `out`, as far as `out->version` goes.
 * The strings and the customer point into the queue: valid until it is
 * changed or freed.
 *
 * @param queue The queue.
 * @param out The caller's filter, its `version` set (csvc_queue_filter_init).
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL argument, a version newer than the library
 * knows or 0).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_copy_filter(const csvc_queue *queue, csvc_queue_filter *out);

/**
 * Sets the display name.
 * @param queue The queue.
 * @param name 1 to CSVC_QUEUE_MAX_NAME bytes of single-line UTF-8.
 * @return CSVC_OK, or a negative csvc_error_t.
 * Errors: CSVC_EINVAL (NULL, a bad name), CSVC_ERANGE, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_set_name(csvc_queue *queue, const char *name);
/**
 * Sets the owner: a team, a staff member, or nobody (both NULL: the
 * queue is everyone's). Saving checks that the team or staff member exists.
 *
 * @param queue The queue.
 * @param team A team code, or NULL.
 * @param staff A staff code, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 * Errors: CSVC_EINVAL (NULL `queue`, both set, a bad code), CSVC_ERANGE,
 * CSVC_ENOMEM. The queue is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_set_owner(csvc_queue *queue, const char *team, const char *staff);
/**
 * Activates or deactivates the queue (saved with csvc_queue_update; an
 * inactive queue cannot be opened).
 * @param queue The queue.
 * @param active Non-zero: active.
 * @return CSVC_OK, or a negative csvc_error_t.
 * Errors: CSVC_EINVAL (NULL `queue`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_set_active(csvc_queue *queue, int active);
/**
 * Replaces the queue's filter with a copy of `f` (read as far as its
 * version goes).
 *
 * @param queue The queue.
 * @param f The filter.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL argument, a version newer than the library
 * knows, a state bit of no category, an unknown priority or order, bad
 * text, `assignee` with `assignee_self` or `unassigned`), CSVC_ERANGE
 * (text too long), CSVC_ENOMEM. The queue is unchanged on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_set_filter(csvc_queue *queue, const csvc_queue_filter *f);

/**
 * Saves a draft queue (revision 1) and records a `queue_created`
 * definition entry in the change feed. On success `queue` is updated in
 * place.
 *
 * @param store The open store.
 * @param queue The draft.
 * @param actor Who made the change (1 to CSVC_TICKET_MAX_PERSON bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `queue`, a saved queue, a bad
 * `actor`), CSVC_ERANGE, CSVC_EEXISTS (the code is taken),
 * CSVC_ENOTFOUND (the owner, the filter's team, assignee, kind or channel
 * does not exist), CSVC_EACCESS (the principal may not manage
 * definitions), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_create(csvc_store *store, csvc_queue *queue, const char *actor);
/**
 * Saves the changes to a queue read from the store, if its revision is
 * still the stored one, and records a `queue_updated` change-feed entry
 * naming the changed fields. An update that changes nothing writes
 * nothing. Deactivate a queue with csvc_queue_set_active() and this call.
 *
 * @param store The open store.
 * @param queue The queue, as read and changed.
 * @param actor Who made the change (1 to CSVC_TICKET_MAX_PERSON bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `queue`, a draft, a bad `actor`),
 * CSVC_ERANGE, CSVC_ENOTFOUND (no such queue; the owner, team, assignee,
 * kind or channel does not exist), CSVC_ECONFLICT (the queue changed
 * since it was read), CSVC_EACCESS, CSVC_EREADONLY, CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on
 * failure and `queue` is unchanged.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_update(csvc_store *store, csvc_queue *queue, const char *actor);
/**
 * Reads queue `code`.
 *
 * @param store The open store.
 * @param code The queue's code.
 * @param out Receives the queue; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument, a bad code), CSVC_ERANGE,
 * CSVC_ENOTFOUND, CSVC_EACCESS (no principal set under access control),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Ownership: the caller frees `*out` with csvc_queue_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_get(csvc_store *store, const char *code, csvc_queue **out);
/**
 * Reads every queue, active or not, in creation order.
 *
 * @param store The open store.
 * @param out Receives the array; written only on success.
 * @param count Receives the number of queues.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument), CSVC_EACCESS (no principal set
 * under access control), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 * Ownership: the caller frees the array with csvc_queue_list_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_list(csvc_store *store, csvc_queue ***out, size_t *count);
/**
 * Frees an array from csvc_queue_list() and its queues.
 * @param queues The array, or NULL (a no-op).
 * @param count Its length.
 * Ownership: takes the array and its queues back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_queue_list_free(csvc_queue **queues, size_t count);
/**
 * Installs the handbook's queues that are missing (docs/queues.md): one
 * of the open tickets of each customer-service group that exists (咨询组
 * `consult`, 投诉处理组 `complaints`, 现场管理组 `floor`, 会员服务组
 * `membership`; install the teams first with csvc_team_install_defaults),
 * and `my_open`, the open tickets of the person it is opened for. A queue
 * whose code is taken is left as it is.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `store`), CSVC_EACCESS (the principal may not
 * manage definitions), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM. Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_install_defaults(csvc_store *store);

/**
 * Opens queue `code`: an iterator over the tickets its filter selects, in
 * its order, read lazily as csvc_ticket_iter_new()'s are (the same
 * iterator; read it with csvc_ticket_iter_next()). A principal limited
 * to one store sees that store's tickets only.
 *
 * @param store The open store.
 * @param code The queue's code.
 * @param for_staff The staff code the queue is opened for (its "assigned
 *        to me" filter), or NULL: the principal under access control, else
 *        nobody (a queue that needs a person then fails).
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `out`, a bad code, no person for a
 * queue that needs one), CSVC_ERANGE, CSVC_ENOTFOUND (no such queue, no
 * such staff member, or the filter's customer is gone), CSVC_ESTATE (the
 * queue is inactive), CSVC_EACCESS (the principal may not read tickets,
 * or the queue names a store outside their scope), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Ownership: the caller frees `*out` with csvc_ticket_iter_free(), before
 * closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_iter_new(csvc_store *store, const char *code, const char *for_staff,
                                     csvc_ticket_iter **out);
/**
 * Counts the tickets queue `code` selects (see csvc_queue_iter_new()).
 *
 * @param store The open store.
 * @param code The queue's code.
 * @param for_staff As csvc_queue_iter_new().
 * @param out Receives the count; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: as csvc_queue_iter_new(): CSVC_EINVAL, CSVC_ERANGE,
 * CSVC_ENOTFOUND, CSVC_ESTATE, CSVC_EACCESS, CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_queue_count(csvc_store *store, const char *code, const char *for_staff, int64_t *out);

CSVC_END_DECL

#endif /* CSVC_QUEUE_H */
