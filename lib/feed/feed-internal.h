/*
 * The change feed: one store-wide sequence of positions, in commit order,
 * over every change the library commits (docs/feed.md). The modules above
 * call csvc__feed_append() from the storage function that writes a change's
 * source row, in the same transaction; the feed never calls up.
 *
 * Storage: the table `feed` is narrow (position, event id as two integer
 * halves, source, source row id); an entry's fields are read from its
 * source row when the feed is read. Sources without an event table of
 * their own (survey invitations and responses, definition changes) write a
 * `feed_records` row through csvc__feed_record().
 */
#ifndef CSVC_FEED_INTERNAL_H
#define CSVC_FEED_INTERNAL_H

#include "csvc/feed.h"
#include "store/store-internal.h"
#include "util/internal.h"

/* Where an entry's fields are read from (feed.source; never renumbered:
 * stored). */
enum {
	CSVC__FEED_TICKET_EVENT = 1,   /* ticket_events.id */
	CSVC__FEED_CUSTOMER_EVENT = 2, /* customer_events.id */
	CSVC__FEED_RECORD = 3,         /* feed_records.id */
};

/* Appends the entry for the source row `row_id` of `source`, with a new
 * event id, at the next position. Call it in the transaction that wrote
 * the row, right after writing it. The entry is queued in the feed
 * module's state and written, with the transaction's other entries, just
 * before the outermost COMMIT (one row per run of consecutive source
 * rows); rolled-back levels drop theirs. */
int csvc__feed_append(csvc_store *s, int source, int64_t row_id);

/* Attaches the feed module's state to a store being opened. */
int csvc__feed_attach(csvc_store *s);

/* Writes a feed_records row for a change that has no event row of its
 * own, and appends its entry. `subject_kind` ("survey", "definition"),
 * `subject` (NULL: none), `reference` (a name; may be NULL), `actor` (may
 * be NULL) and `payload` (a JSON object; may be NULL) as the entry shows
 * them. */
int csvc__feed_record(csvc_store *s, const char *type, const char *subject_kind, const csvc_uuid *subject,
                      const char *reference, const char *actor, csvc_time_us at, const char *payload);

/* csvc__feed_record() for a definition change: subject kind "definition",
 * no subject id, reference `name`, payload {"kind": kind[, "version":
 * version][, "store_code": store_code]} (version 0, store_code NULL:
 * none), at `at` (0: the store clock's now). */
int csvc__feed_definition(csvc_store *s, const char *type, const char *kind, const char *name, int32_t version,
                          const char *store_code, csvc_time_us at);

/* csvc_feed_subscribe() for the modules above: `release` (may be NULL)
 * frees `userdata` when the subscriber is replaced or removed or the
 * store closes. */
int csvc__feed_subscribe(csvc_store *s, const char *consumer, csvc_feed_fn fn, void *userdata,
                         void (*release)(void *userdata));

/* csvc_feed_deliver() without clearing the error record (*delivered may
 * be NULL); a no-op inside a transaction or a running delivery, which
 * deliver the same entries when they end. */
int csvc__feed_deliver(csvc_store *s, int64_t *delivered);

/* Holds (on != 0) or releases one hold. While held, commits deliver nothing to the subscribers: a
 * call that commits several times delivers once, at its end, with
 * csvc__feed_deliver(). */
void csvc__feed_hold(csvc_store *s, int on);

/* ---- storage (feed-sql.c) ---- */

/* One entry as read. Its strings (type to payload) point into the
 * blocks of the batch that read it. */
struct csvc_feed_entry {
	int64_t position;
	csvc_uuid id;
	csvc_time_us time;
	char *type;
	char *subject_kind;
	csvc_uuid subject;
	char *reference;
	char *actor;
	char *payload;
};

/* The strings of a batch's entries: a few large blocks instead of an
 * allocation per entry (reading a feed is mostly copying it out). */
typedef struct csvc__feed_block {
	struct csvc__feed_block *next;
	size_t used, cap;
	char data[];
} csvc__feed_block;

/* Frees a list of blocks (NULL: nothing). */
void csvc__feed_blocks_free(csvc__feed_block *blocks);

/* Writes a run of `count` entries at positions `pos` .. pos + count - 1. */
int csvc__feed_db_append(csvc_store *s, int64_t pos, const csvc_uuid *id, int source, int64_t row_id,
                         int64_t count);
int csvc__feed_db_record(csvc_store *s, const char *type, const char *subject_kind, const csvc_uuid *subject,
                         const char *reference, const char *actor, csvc_time_us at, const char *payload,
                         int64_t *row_id);
/* Takes what an engine needs so that the transaction's appends get
 * positions in commit order (see feed-sql.c); call it before reading the
 * head in the transaction that appends. */
int csvc__feed_db_lock(csvc_store *s);
/* The highest position (0 when the feed is empty). */
int csvc__feed_db_head(csvc_store *s, int64_t *head);
/* Up to `max` entries after `after`, in position order, into `out` (room
 * for `max`); *n gets how many. Their strings are put in blocks added to
 * `*blocks`, which the caller frees, also on failure. */
int csvc__feed_db_read(csvc_store *s, int64_t after, size_t max, struct csvc_feed_entry *out, size_t *n,
                       csvc__feed_block **blocks);
/* A consumer's position: 1 found, 0 no such consumer, < 0 error. */
int csvc__feed_db_consumer(csvc_store *s, const char *name, int64_t *position);
/* Sets a consumer's position (creating it). */
/* Sets the consumer's cursor (creating the consumer); `forward_only`
 * leaves a cursor already at or past `position` as it is. */
int csvc__feed_db_set_consumer(csvc_store *s, const char *name, int64_t position, int forward_only,
                               csvc_time_us now);
/* Deletes a consumer: 1 deleted, 0 no such consumer. */
int csvc__feed_db_delete_consumer(csvc_store *s, const char *name);

/* Every consumer, by name. */
typedef struct csvc__feed_consumer_row {
	char *name;
	int64_t position;
	int64_t lag;
} csvc__feed_consumer_row;
int csvc__feed_db_consumers(csvc_store *s, csvc__feed_consumer_row **rows, size_t *n);

#endif
