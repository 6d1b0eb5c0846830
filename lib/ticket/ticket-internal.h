/*
 * Tickets: the in-memory value, its field table (shared by create, update,
 * events and replay), events, and the storage functions.
 */
#ifndef CSVC_TICKET_INTERNAL_H
#define CSVC_TICKET_INTERNAL_H

#include "csvc/customer.h"
#include "csvc/ticket.h"
#include "csvc/workflow.h"
#include "store/cursor.h"
#include "db/db.h"
#include "util/internal.h"
#include "workflow/workflow-internal.h"

struct csvc_ticket {
	csvc_uuid id;
	char *number, *kind, *store_code;
	csvc_uuid customer; /* nil: none */
	char *channel, *category;
	int32_t urgency, importance, impact, priority, priority_override;
	char *assignee, *team, *subject, *description, *order_ref;
	char *state;
	int32_t state_category;
	char *workflow;
	int32_t workflow_version;
	int64_t revision;
	csvc_time_us created_at, updated_at;
};

/* The fields that events record ("set"/"old" maps in payloads). */
enum { CSVC__F_STR = 1, CSVC__F_INT = 2, CSVC__F_UUID = 3 };

typedef struct csvc__ticket_field {
	const char *name;
	size_t offset;
	int type;
	int editable; /* changed by csvc_ticket_update */
} csvc__ticket_field;

extern const csvc__ticket_field csvc__ticket_fields[];
extern const size_t csvc__ticket_field_count;

/* Field access by table entry. */
int csvc__ticket_field_equal(const csvc_ticket *a, const csvc_ticket *b, const csvc__ticket_field *f);
/* Appends "name":value (JSON) for the field of t. */
void csvc__ticket_field_json(csvc__buf *b, const csvc_ticket *t, const csvc__ticket_field *f);
/* Sets a field from its text form (as stored by json_each: ints as text). */
int csvc__ticket_field_set_text(csvc_ticket *t, const char *name, const char *text);
const csvc__ticket_field *csvc__ticket_field_find(const char *name);

struct csvc_event {
	csvc_uuid ticket;
	char *number, *type, *actor, *from_state, *to_state, *payload;
	int64_t seq;
	csvc_time_us at;
};

/* Builds an event value (copies every string). */
int csvc__event_new(csvc_event **out, const csvc_uuid *ticket, const char *number, int64_t seq,
                    const char *type, const char *actor, csvc_time_us at, const char *from_state,
                    const char *to_state, const char *payload);

struct csvc_store;

/* ---- the ticket module's per-store state (ticket-hook.c) ---- */

/* What a ticket change means to a module that follows tickets (the SLA
 * engine), told inside the change's transaction. */
enum {
	CSVC__TICKET_CHANGE_STATE = 1,
	CSVC__TICKET_CHANGE_REPLY = 2,
	CSVC__TICKET_CHANGE_REMATCH = 3,
	/* the ticket's count of open sub-tasks moved (handoff.c) */
	CSVC__TICKET_CHANGE_HANDOFF = 4
};

typedef struct csvc__ticket_change {
	int type;
	csvc_time_us at;
	const char *state;
	int32_t category;
	int wrote; /* out: the follower wrote ticket events (alarms, escalations) */
} csvc__ticket_change;

/* The fields a follower matches tickets on (SLA policies). */
typedef struct csvc__ticket_subject {
	const char *kind, *store_code, *channel, *category;
	int32_t priority, urgency, customer_class, tier;
} csvc__ticket_subject;

/* A module above tickets that follows their changes. Its errors fail the
 * ticket call. */
typedef struct csvc__ticket_follower {
	int (*created)(struct csvc_store *s, int64_t rowid, const csvc__ticket_subject *subj, const char *state,
	               int32_t category, csvc_time_us at);
	int (*changed)(struct csvc_store *s, int64_t rowid, csvc__ticket_change *ch);
	/* priority, urgency or customer changed: match again; *moved = 1 if
	 * the ticket's policy changed */
	int (*rematch)(struct csvc_store *s, int64_t rowid, const csvc__ticket_subject *subj, const char *state,
	               int32_t category, csvc_time_us at, int *moved);
} csvc__ticket_follower;

/* Attaches the ticket module's state (change hook, queued events) to a
 * store being opened. */
int csvc__ticket_attach(struct csvc_store *s);
/* Sets the follower (one; static). */
void csvc__ticket_follow(struct csvc_store *s, const csvc__ticket_follower *f);
const csvc__ticket_follower *csvc__ticket_follower_of(struct csvc_store *s);

/* A change hook is set: events are worth queueing. */
int csvc__ticket_hook_on(struct csvc_store *s);
/* Queues an event for the change hook (no-op without a hook). */
int csvc__event_queue(struct csvc_store *s, const csvc_event *ev);

/* ---- storage (ticket-sql.c) ---- */

typedef struct csvc__ticket_head {
	int64_t rowid;
	int64_t revision;
	char state[CSVC_WORKFLOW_MAX_NAME + 1];
	int32_t state_category;
	char workflow[CSVC_WORKFLOW_MAX_NAME + 1];
	int32_t workflow_version;
	char number[CSVC_TICKET_MAX_NUMBER + 1];
	csvc_time_us updated_at; /* the instant of the ticket's latest event */
	char store_code[CSVC_CUSTOMER_MAX_STORE_CODE + 1]; /* for the principal's scope */
} csvc__ticket_head;

int csvc__ticket_db_kind(struct csvc_store *s, const char *kind, char *workflow, size_t n,
                         int32_t *version);
int csvc__ticket_db_channel_exists(struct csvc_store *s, const char *channel);
int csvc__ticket_db_customer_rowid(struct csvc_store *s, const csvc_uuid *id, int64_t *rowid);
int csvc__ticket_db_priority(struct csvc_store *s, int32_t u, int32_t i, int32_t m, int32_t *p);
int csvc__ticket_db_priority_set(struct csvc_store *s, int32_t u, int32_t i, int32_t m, int32_t p);
int csvc__ticket_db_kind_define(struct csvc_store *s, const char *name, const char *workflow,
                                const char *zh, const char *en);
int csvc__ticket_db_channel_define(struct csvc_store *s, const char *name, const char *zh,
                                   const char *en);
int csvc__ticket_db_next_number(struct csvc_store *s, const char *store_code, int64_t *n);
int csvc__ticket_db_insert(struct csvc_store *s, const csvc_ticket *t, int64_t customer_rowid,
                           int64_t *rowid);
/* Inside a write transaction on PostgreSQL, reads the head with the
 * ticket's row locked to the commit (csvc__db_locking): for writers.
 * csvc__ticket_db_head_read never locks: for calls that only read, which
 * must not hold rows of a caller's transaction. */
int csvc__ticket_db_head(struct csvc_store *s, const csvc_uuid *id, csvc__ticket_head *out);
int csvc__ticket_db_head_read(struct csvc_store *s, const csvc_uuid *id, csvc__ticket_head *out);
/* Locks the ticket's row to the commit, as the head read does (nothing on
 * SQLite). For writers that start from the row id, before they read what
 * they will change. */
int csvc__ticket_db_lock(struct csvc_store *s, int64_t rowid);
int csvc__ticket_db_rowid_by_number(struct csvc_store *s, const char *number, int64_t *rowid);
int csvc__ticket_db_load(struct csvc_store *s, int64_t rowid, csvc_ticket **out);
/* Rewrites every field column of the ticket row from t. */
int csvc__ticket_db_update(struct csvc_store *s, int64_t rowid, const csvc_ticket *t,
                           int64_t customer_rowid, int search_changed);
int csvc__ticket_db_set_state(struct csvc_store *s, int64_t rowid, const char *state, int32_t category,
                              int64_t revision, csvc_time_us at);
int csvc__ticket_db_set_assignee(struct csvc_store *s, int64_t rowid, const char *assignee,
                                 const char *team, int64_t revision, csvc_time_us at);
int csvc__ticket_db_touch(struct csvc_store *s, int64_t rowid, int64_t revision, csvc_time_us at);
int csvc__ticket_db_event(struct csvc_store *s, int64_t rowid, int64_t seq, const char *type,
                          const char *actor, csvc_time_us at, const char *from_state,
                          const char *to_state, const char *payload);
int csvc__ticket_db_comment(struct csvc_store *s, int64_t rowid, int32_t kind, const char *method,
                            const char *body, const char *actor, csvc_time_us at);
int csvc__ticket_db_link(struct csvc_store *s, int64_t a, int64_t b, int32_t kind, csvc_time_us at);

/* The approvals of `transition` by `role` given on ticket `rowid` in its
 * current state `state` since that state was entered: how many, the
 * largest approved value (has_max: any approval with one) and how many
 * approved without a value. */
typedef struct csvc__ticket_approvals {
	int64_t count, max_value, unbounded;
	int has_max;
} csvc__ticket_approvals;
int csvc__ticket_db_approvals(struct csvc_store *s, int64_t rowid, const char *transition, const char *role,
                              const char *state, csvc__ticket_approvals *out);
/* Records an approval given by event `seq` (`field` NULL: no value). */
int csvc__ticket_db_approval_insert(struct csvc_store *s, int64_t rowid, int64_t seq, const char *transition,
                                    const char *state, const char *role, const char *approver, const char *field,
                                    int64_t value, csvc_time_us at);

/* The open tickets running under (workflow, version). */
typedef struct csvc__ticket_ref {
	int64_t rowid, revision;
	csvc_uuid id;
	char number[CSVC_TICKET_MAX_NUMBER + 1];
	char state[CSVC_WORKFLOW_MAX_NAME + 1];
	csvc_time_us updated_at;
} csvc__ticket_ref;
int csvc__ticket_db_open_under(struct csvc_store *s, const char *workflow, int32_t version,
                               csvc__ticket_ref **out, size_t *n);
/* Redacts ticket `rowid` (docs/privacy.md, "Erasure and redaction"): its
 * subject, description and comment bodies, the free text of its events'
 * payloads and its search rows; `revision` and `at` are the redaction
 * event's. */
int csvc__ticket_db_redact(struct csvc_store *s, int64_t rowid, int64_t revision, csvc_time_us at);
/* The hand-off sub-tasks (at any depth) of customer `customer_rowid`'s
 * tickets that are not the customer's own tickets, by id. */
int csvc__ticket_db_handoffs_of_customer(struct csvc_store *s, int64_t customer_rowid, csvc__ticket_ref **out,
                                         size_t *n);
/* Calls `fn` with each store code among customer `customer_rowid`'s
 * tickets and their hand-off sub-tasks, open or not, once each; stops at
 * the first non-zero return. */
int csvc__ticket_db_customer_stores(struct csvc_store *s, int64_t customer_rowid,
                                    int (*fn)(const char *store_code, void *ud), void *ud);
/* Every ticket of a customer, open or not, by id. */
int csvc__ticket_db_of_customer(struct csvc_store *s, int64_t customer_rowid, csvc__ticket_ref **out,
                                size_t *n);
int csvc__ticket_db_set_customer(struct csvc_store *s, int64_t rowid, int64_t customer_rowid,
                                 int64_t revision, csvc_time_us at);
int csvc__ticket_db_set_workflow(struct csvc_store *s, int64_t rowid, int32_t version, const char *state,
                                 int32_t category, int64_t revision, csvc_time_us at);

/* Event rows of a ticket, oldest first, with each event's "set" map. */
typedef int (*csvc__ticket_event_fn)(const csvc_event *ev, const char *const *keys,
                                     const char *const *values, size_t n, void *ud);
int csvc__ticket_db_replay(struct csvc_store *s, int64_t rowid, csvc__ticket_event_fn fn, void *ud);

typedef struct csvc__event_cursor csvc__event_cursor;
/* Events 1 to `until_seq` of a ticket, read a page at a time. */
int csvc__ticket_db_history(struct csvc_store *s, int64_t rowid, int64_t until_seq, csvc__event_cursor **out);
int csvc__event_cursor_next(csvc__event_cursor *c, csvc_event **out);
void csvc__event_cursor_free(csvc__event_cursor *c);

/*
 * Filters a ticket query has beyond csvc_ticket_query, for the modules
 * above that keep filters as data (queues): they run through the same
 * builder, checks and store scope as csvc_ticket_iter_new.
 */
typedef struct csvc__ticket_filter {
	uint32_t states;      /* bit c: state category c; 0: any */
	const char *category; /* the ticket's category; NULL: any */
	int32_t max_priority; /* 1..4: priority at most this (as urgent or more); 0: any */
	int32_t unassigned;   /* non-zero: no assignee */
	int32_t by_priority;  /* non-zero: priority, then creation order */
} csvc__ticket_filter;

int csvc__ticket_db_query(struct csvc_store *s, const csvc_ticket_query *q, const csvc__ticket_filter *f,
                          int64_t customer_rowid, int64_t after_rowid, int count_only, csvc__cursor **out);
char *csvc__ticket_db_query_sql(const csvc_ticket_query *q, int count_only, csvc__dialect dialect);
/* The same with the extra filters (`f` may be NULL). */
char *csvc__ticket_db_filter_sql(const csvc_ticket_query *q, const csvc__ticket_filter *f, int count_only,
                                 csvc__dialect dialect);

/* csvc_ticket_iter_new and csvc_ticket_count with the extra filters;
 * `call` names the public call in refusals. */
int csvc__ticket_iter_filtered(struct csvc_store *s, const csvc_ticket_query *q, const csvc__ticket_filter *f,
                               const char *call, csvc_ticket_iter **out);
int csvc__ticket_count_filtered(struct csvc_store *s, const csvc_ticket_query *q, const csvc__ticket_filter *f,
                                const char *call, int64_t *out);

/* The instant of a write to a ticket whose latest event is at `last`: the
 * store clock reading `now`, or `last` when the clock reads earlier (it
 * stepped back), with a warning logged. Events never go back in time
 * within a ticket. */
csvc_time_us csvc__ticket_event_time(struct csvc_store *s, const char *number, csvc_time_us last,
                                     csvc_time_us now);

/* Matches ticket `rowid`'s SLA policy again at `at` (no earlier than its
 * latest event); *moved = 1 if it
 * changed (ticket.c). */
int csvc__ticket_sla_rematch(struct csvc_store *s, int64_t rowid, csvc_time_us at, int *moved);
/* Matches again every open ticket of a customer whose class or tier
 * changed. */
int csvc__ticket_customer_changed(struct csvc_store *s, int64_t customer_rowid, csvc_time_us at);
/* Moves every ticket of customer `from` to `into`, each with a
 * "customer_merged" event written and queued like any other. */
int csvc__ticket_customer_merged(struct csvc_store *s, int64_t from, int64_t into, const csvc_uuid *from_id,
                                 const csvc_uuid *into_id, const char *actor, csvc_time_us at);
/* Redacts every ticket of erased customer `customer_rowid`, each with a
 * "redacted" event written and queued like any other. */
int csvc__ticket_customer_erased(struct csvc_store *s, int64_t customer_rowid, const char *actor, csvc_time_us at);
int csvc__ticket_db_open_for_customer(struct csvc_store *s, int64_t customer_rowid, int64_t **ids, size_t *n);

/* ---- hand-offs (handoff.c) ---- */

/* Sub-task `child` moved from a state of category `old_category` to
 * `state` (`category`): when it ended (closed or cancelled) or came back
 * from there, its parent gets a "handoff_returned" or "handoff_reopened"
 * event, in the caller's transaction. Nothing for a ticket that is not a
 * sub-task. */
int csvc__handoff_child_moved(struct csvc_store *s, int64_t child, const char *child_number, int32_t old_category,
                              const char *state, int32_t category, const char *actor, csvc_time_us at);
/* The sub-tasks of ticket `parent`, by id. The caller frees *ids. */
int csvc__handoff_db_children(struct csvc_store *s, int64_t parent, int64_t **ids, size_t *n);

/* Defaults: kinds and channels (ticket-sql.c data). */
int csvc__ticket_install_defaults(struct csvc_store *s);

#endif
