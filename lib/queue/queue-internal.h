/*
 * Queues: the in-memory value and the rules (queue.c), and their storage
 * (queue-sql.c). Opening a queue hands its filter to the ticket module's
 * query (csvc__ticket_iter_filtered), which keeps the access checks and
 * the store scope in one place.
 */
#ifndef CSVC_QUEUE_INTERNAL_H
#define CSVC_QUEUE_INTERNAL_H

#include "csvc/queue.h"
#include "db/db.h"
#include "util/internal.h"

struct csvc_store;

struct csvc_queue {
	char *code, *name;
	char *owner_team, *owner_staff; /* at most one set */
	int32_t active;
	int64_t revision; /* 0: draft */
	csvc_time_us created_at, updated_at;
	/* the filter */
	uint32_t states;
	char *kind, *category, *channel, *store_code, *assignee, *team;
	int32_t assignee_self, unassigned, max_priority, order;
	int has_customer;
	csvc_uuid customer;
};

int csvc__queue_alloc(csvc_queue **out);

typedef struct csvc__queue_state {
	int64_t rowid;
	int64_t revision;
} csvc__queue_state;

/* Row id and revision of queue `code` (ENOTFOUND when none); `lock` locks
 * the row to the commit inside a PostgreSQL write transaction. */
int csvc__queue_db_state(struct csvc_store *s, const char *code, int lock, csvc__queue_state *out);
int csvc__queue_db_load(struct csvc_store *s, const char *code, csvc_queue **out);
/* Every queue in creation order (csvc_queue_list_free). */
int csvc__queue_db_list(struct csvc_store *s, csvc_queue ***out, size_t *count);
int csvc__queue_db_insert(struct csvc_store *s, const csvc_queue *q, int64_t *rowid);
int csvc__queue_db_update(struct csvc_store *s, int64_t rowid, const csvc_queue *q);

#endif
