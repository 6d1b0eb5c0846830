/**
 * @file
 * libcsvc - the change feed: every change the library commits, in commit
 * order, at a position of one store-wide sequence, for named consumers
 * whose cursors are kept in the store (docs/feed.md).
 *
 * Ticket events (SLA alarms and customer_merged included), customer
 * events, survey invitations and responses, and definition changes
 * (workflows, ticket kinds and channels, SLA policies, calendars,
 * surveys) each get one entry, written in the same transaction as the
 * change. The contract: a reader that has seen position N never later
 * finds an entry at a position at most N that it did not see.
 *
 * Thread safety: calls that take a csvc_store, and the iterators (which
 * belong to their store), follow the store's rule: one thread at a time
 * per store (store.h). A csvc_feed_entry is borrowed from its iterator;
 * its getters only read it. csvc_feed_wait() blocks the calling thread
 * only; other stores on the same file may be used meanwhile. See
 * docs/threading.md.
 */
#ifndef CSVC_FEED_H
#define CSVC_FEED_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

/** The most entries one csvc_feed_read() or csvc_feed_after() returns. @since 1.0 */
#define CSVC_FEED_MAX_BATCH 10000

/**
 * One feed entry (read-only), borrowed from the iterator that returned
 * it. Opaque.
 * @since 1.0
 */
typedef struct csvc_feed_entry csvc_feed_entry;

/**
 * A batch of feed entries in position order, read from the store when it
 * was made (it holds no statement and no snapshot). Opaque.
 * @since 1.0
 */
typedef struct csvc_feed_iter csvc_feed_iter;

/**
 * The consumers of a store's feed, by name, as they were when the
 * iterator was made. Opaque.
 * @since 1.0
 */
typedef struct csvc_feed_consumer_iter csvc_feed_consumer_iter;

/**
 * Reads the position of the newest committed entry, the feed's head.
 *
 * @param store The open store.
 * @param out Receives the head; 0 when the feed is empty. Written only on
 *        success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_head(csvc_store *store, int64_t *out);

/**
 * Reads the next entries for the consumer `consumer`: at most `max`
 * entries after its cursor, in position order. A name that has no cursor
 * yet reads from the start of the feed (position 0); reading moves no
 * cursor: csvc_feed_ack() does.
 *
 * @param store The open store.
 * @param consumer The consumer's machine name (1 to 64 bytes of a-z, 0-9,
 *        '_', '.', '-').
 * @param max The most entries to return, 1 to CSVC_FEED_MAX_BATCH.
 * @param out Receives the batch (possibly empty); written only on
 *        success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument, a name with other characters),
 * CSVC_ERANGE (an empty or too long name, `max` out of range),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_feed_iter_free(); it does not refer to the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_read(csvc_store *store, const char *consumer, int32_t max, csvc_feed_iter **out);

/**
 * Reads at most `max` entries after position `after`, in position order,
 * without a consumer (what `csvc feed tail` shows).
 *
 * @param store The open store.
 * @param after The position to read after (0: from the start).
 * @param max The most entries to return, 1 to CSVC_FEED_MAX_BATCH.
 * @param out Receives the batch (possibly empty); written only on
 *        success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_ERANGE (a negative `after`,
 * `max` out of range), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_feed_iter_free(); it does not refer to the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_after(csvc_store *store, int64_t after, int32_t max, csvc_feed_iter **out);

/**
 * Returns the batch's next entry in `*out`, or CSVC_ITEROVER at the end
 * (`*out` untouched).
 *
 * @param it The batch.
 * @param out Receives the next entry; written only on CSVC_OK.
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t
 *         (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `it` or `out`).
 *
 * Ownership: `*out` is borrowed from `it`, valid until `it` is freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_iter_next(csvc_feed_iter *it, const csvc_feed_entry **out);

/**
 * Frees a batch and the entries it returned.
 *
 * @param it The batch, or NULL (a no-op).
 *
 * Ownership: takes `it` back; its entries become invalid.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_feed_iter_free(csvc_feed_iter *it);

/**
 * An entry's position in the feed: positions grow in commit order.
 *
 * @param entry The entry.
 * @return The position (1 or more), or 0 if `entry` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_feed_entry_position(const csvc_feed_entry *entry);
/**
 * An entry's event id: a random (version 4) UUID given when the entry was
 * written, never changed; the idempotency key of an external sink.
 *
 * @param entry The entry.
 * @return The id, or NULL if `entry` is NULL.
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_feed_entry_id(const csvc_feed_entry *entry);
/**
 * When the change happened, by the store clock of the call that made it
 * (the source event's time).
 *
 * @param entry The entry.
 * @return The time, or 0 if `entry` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_feed_entry_time(const csvc_feed_entry *entry);
/**
 * An entry's type: the ticket or customer event's type ("created",
 * "transition", "sla_breach", "merged" ...), "invited" and "responded"
 * for surveys, "workflow_saved", "sla_policy_retired", "calendar_deleted"
 * and the like for definitions (docs/feed.md lists them).
 *
 * @param entry The entry.
 * @return The type, or NULL if `entry` is NULL.
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_feed_entry_type(const csvc_feed_entry *entry);
/**
 * What kind of thing the entry is about: "ticket", "customer", "survey"
 * or "definition".
 *
 * @param entry The entry.
 * @return The subject kind, or NULL if `entry` is NULL.
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_feed_entry_subject_kind(const csvc_feed_entry *entry);
/**
 * The UUID of the entry's subject: the ticket, the customer, the survey
 * response; the nil UUID where the subject has none (survey invitations,
 * definitions).
 *
 * @param entry The entry.
 * @return The subject's id, or NULL if `entry` is NULL.
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_feed_entry_subject_id(const csvc_feed_entry *entry);
/**
 * A reference for people: the ticket number, the survey's or the
 * definition's name.
 *
 * @param entry The entry.
 * @return The reference, or NULL when there is none (customer events) or
 *         `entry` is NULL.
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_feed_entry_reference(const csvc_feed_entry *entry);
/**
 * Who made the change, as the call that made it named it.
 *
 * @param entry The entry.
 * @return The actor, or NULL when none was named (or `entry` is NULL).
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_feed_entry_actor(const csvc_feed_entry *entry);
/**
 * The change's JSON object: the source event's payload (for a ticket
 * event with its "seq", "from_state" and "to_state" added first), or the
 * survey's or definition's details (docs/feed.md).
 *
 * @param entry The entry.
 * @return The payload, or NULL when there is none (or `entry` is NULL).
 *
 * Ownership: borrowed from `entry`.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_feed_entry_payload(const csvc_feed_entry *entry);
/**
 * Writes an entry as one JSON object, the layout every program shares:
 * {"position", "id", "time", "type", "subject_kind", "subject",
 * "reference", "actor", "payload"} (docs/feed.md).
 *
 * @param entry The entry.
 * @param out Receives the NUL-terminated JSON text; written only on
 *        success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (a NULL argument), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_free().
 * Thread safety: reads only `entry`.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_entry_to_json(const csvc_feed_entry *entry, char **out);

/**
 * Moves the cursor of `consumer` forward to `position`, creating the
 * consumer if it has no cursor. The cursor never moves back: a position at
 * or before the cursor changes nothing and succeeds. Made inside the
 * caller's transaction together with the consumer's own writes, the ack
 * commits or rolls back with them (exactly-once, docs/feed.md).
 *
 * @param store The open store.
 * @param consumer The consumer's machine name.
 * @param position The position of the last entry the consumer handled.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument, a name with other characters),
 * CSVC_ERANGE (an empty or too long name, a negative position, a
 * position past the head: nothing changes), CSVC_EREADONLY, CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_ack(csvc_store *store, const char *consumer, int64_t position);

/**
 * Sets the cursor of `consumer` to `position`, backwards or forwards,
 * creating the consumer if it has no cursor: the consumer reads again the
 * entries after `position` (0: the whole feed).
 *
 * @param store The open store.
 * @param consumer The consumer's machine name.
 * @param position The new cursor, 0 to the head.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument, a name with other characters),
 * CSVC_ERANGE (an empty or too long name, a negative position or one past
 * the head), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_reset(csvc_store *store, const char *consumer, int64_t position);

/**
 * Deletes the consumer `consumer` and its cursor. The entries stay.
 *
 * @param store The open store.
 * @param consumer The consumer's machine name.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument, a name with other characters),
 * CSVC_ERANGE (an empty or too long name), CSVC_ENOTFOUND (no such
 * consumer), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_delete(csvc_store *store, const char *consumer);

/**
 * Reads the cursor of one consumer and how far it is behind the head.
 *
 * @param store The open store.
 * @param consumer The consumer's machine name.
 * @param position Receives the cursor (may be NULL).
 * @param lag Receives the number of entries after the cursor (may be
 *        NULL).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL `store` or `consumer`, a name with other
 * characters), CSVC_ERANGE (an empty or too long name), CSVC_ENOTFOUND
 * (no such consumer), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_consumer_get(csvc_store *store, const char *consumer, int64_t *position, int64_t *lag);

/**
 * Lists the consumers of the store's feed, by name, with their cursors
 * and lag, as they are now.
 *
 * @param store The open store.
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_feed_consumer_iter_free(); it does not refer to the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_consumer_iter_new(csvc_store *store, csvc_feed_consumer_iter **out);

/**
 * Returns the next consumer, or CSVC_ITEROVER at the end (outputs
 * untouched).
 *
 * @param it The iterator.
 * @param name Receives the consumer's name.
 * @param position Receives its cursor (may be NULL).
 * @param lag Receives the number of entries after its cursor (may be
 *        NULL).
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t
 *         (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `it` or `name`).
 *
 * Ownership: `*name` is borrowed from `it`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_consumer_iter_next(csvc_feed_consumer_iter *it, const char **name, int64_t *position,
                                              int64_t *lag);

/**
 * Frees a consumer iterator.
 *
 * @param it The iterator, or NULL (a no-op).
 *
 * Ownership: takes `it` back; the names it returned become invalid.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_feed_consumer_iter_free(csvc_feed_consumer_iter *it);

/**
 * Waits until an entry after position `after` is committed, by this or any
 * other connection or process, or until `timeout_ms` milliseconds of real
 * time have passed (not the store clock). It does not poll busily: on
 * SQLite it sleeps on changes to the store's write-ahead log (inotify on
 * Linux), waking at least every quarter second to check cheaply
 * whether the database changed, and elsewhere with a bounded backoff.
 *
 * @param store The open store, outside any transaction.
 * @param after The position the caller has seen.
 * @param timeout_ms How long to wait at most, 0 (check once) to 86400000.
 * @param head Receives the head when the call returns (may be NULL).
 * @return 1 when an entry after `after` is committed, 0 at the timeout,
 *         or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL `store`), CSVC_ERANGE (a negative `after`,
 * `timeout_ms` out of range), CSVC_ESTATE (a transaction is open on the
 * store: it could not see other commits), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT.
 *
 * Thread safety: blocks the calling thread; the store is in use until
 * the call returns.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_wait(csvc_store *store, int64_t after, int32_t timeout_ms, int64_t *head);

/**
 * A feed subscriber: called with each entry after its consumer's cursor,
 * in position order, outside any transaction (see
 * csvc_feed_subscribe()). It may call any libcsvc function on the store,
 * writes included, except csvc_store_close(), csvc_feed_subscribe() and
 * csvc_feed_deliver(); a transaction it begins must end before it
 * returns (one left open is rolled back, with an error logged). To handle
 * an entry exactly once, make the subscriber's own writes and
 * csvc_feed_ack() of the entry's position in one transaction.
 * @param entry The entry, borrowed for the call.
 * @param userdata The pointer given to csvc_feed_subscribe().
 * @return 0 when the entry is handled; any other value stops the delivery
 *         to this subscriber, and the entry is delivered again by the next
 *         delivery (CSVC_EUSER is meant for this).
 * @since 1.0
 */
typedef int (*csvc_feed_fn)(const csvc_feed_entry *entry, void *userdata);

/** The most subscribers one store handle holds. @since 1.0 */
#define CSVC_FEED_MAX_SUBSCRIBERS 16

/**
 * Subscribes `fn` to the feed as the consumer `consumer`: the entries
 * after the consumer's durable cursor (csvc_feed_read()) are passed to
 * `fn`, in position order, after each outermost commit made through this
 * store handle and by csvc_feed_deliver(), and the cursor is acknowledged
 * after each batch of handled entries. Delivery is at-least-once: an
 * entry whose callback failed, or that was handled when the process
 * stopped before the acknowledgement, is delivered again (the entry's
 * event id tells repeats apart). Subscribing delivers nothing by itself;
 * a consumer without a cursor starts at the start of the feed (reset it
 * to the head first to see only what comes next). Commits made by other
 * connections or processes are delivered by csvc_feed_deliver() (for
 * example after csvc_feed_wait()). One store handle holds one subscriber
 * per consumer name; run one subscribed handle per consumer name at a
 * time, or entries reach both (docs/feed.md).
 * @param store The open store (not read-only).
 * @param consumer The consumer's machine name.
 * @param fn The subscriber, or NULL to remove the consumer's subscriber
 *        from this handle (its cursor stays; csvc_feed_delete() removes
 *        it).
 * @param userdata Passed to every call of `fn`; not touched by the
 *        library.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL `store` or `consumer`, a name with other
 * characters), CSVC_ERANGE (an empty or too long name, a new subscriber
 * beyond CSVC_FEED_MAX_SUBSCRIBERS), CSVC_ENOTFOUND (removing a consumer
 * that has no subscriber on this handle), CSVC_EREADONLY (a read-only
 * store: it could not acknowledge), CSVC_ESTATE (called from a
 * subscriber), CSVC_ENOMEM.
 * Thread safety: as every call on the store; `fn` runs on the thread of
 * the call that committed or delivered.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_subscribe(csvc_store *store, const char *consumer, csvc_feed_fn fn, void *userdata);

/**
 * Delivers to this handle's subscribers, in the order they subscribed,
 * every entry after their cursors, including entries committed by other
 * connections and processes and entries a failed or interrupted delivery
 * left; each subscriber's cursor is acknowledged after each batch it
 * handled. A subscriber that returns non-zero stops only its own
 * delivery; the others are still served, and the first such value is
 * returned.
 * @param store The open store, outside any transaction.
 * @param delivered Receives how many entries the subscribers handled,
 *        also on failure (may be NULL).
 * @return CSVC_OK, the first non-zero value a subscriber returned, or a
 *         negative csvc_error_t (see Errors).
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL `store`), CSVC_ESTATE (a transaction is
 * open, or called from a subscriber), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
 * Thread safety: as every call on the store; the subscribers run on the
 * calling thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_feed_deliver(csvc_store *store, int64_t *delivered);

CSVC_END_DECL

#endif /* CSVC_FEED_H */
