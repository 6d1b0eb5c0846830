/*
 * SLA engine internals: policy definitions, the per-target clock and the
 * storage functions (sla-sql.c).
 */
#ifndef CSVC_SLA_INTERNAL_H
#define CSVC_SLA_INTERNAL_H

#include "csvc/calendar.h"
#include "csvc/sla.h"
#include "db/db.h"
#include "util/internal.h"
#include "ticket/ticket-internal.h"

typedef struct csvc__sla_escalation {
	int32_t percent, action, value;
	char *assignee, *team, *transition;
} csvc__sla_escalation;

typedef struct csvc__sla_target_def {
	char *name;
	int64_t duration;
	int32_t calendar;
	char *calendar_name;
	int32_t met_reply;
	uint32_t met_categories; /* bit c: category c */
	char *met_states[CSVC_SLA_MAX_STATES];
	size_t n_met_states;
	uint32_t pause_categories;
	char *pause_states[CSVC_SLA_MAX_STATES];
	size_t n_pause_states;
	int32_t pause_on_handoff; /* paused while the ticket has open sub-tasks */
	int32_t warn[CSVC_SLA_MAX_WARNINGS]; /* ascending */
	size_t n_warn;
	int32_t recurring;
	csvc__sla_escalation esc[CSVC_SLA_MAX_ESCALATIONS];
	size_t n_esc;
} csvc__sla_target_def;

struct csvc_sla_policy {
	char *name;
	int32_t version, rank;
	int64_t rowid; /* stored id, 0 if not stored */
	char *kind, *store_code, *channel, *category;
	int32_t priority, urgency, customer_class, tier;
	csvc__sla_target_def targets[CSVC_SLA_MAX_TARGETS];
	size_t n_targets;
};

/* Clock phases (stored). */
enum {
	CSVC__SLA_WAITING = 0,
	CSVC__SLA_RUNNING = 1,
	CSVC__SLA_PAUSED = 2,
	CSVC__SLA_MET = 3,
	CSVC__SLA_CANCELLED = 4
};

#define CSVC__SLA_BREACH_BIT 0x80000000u

/* One target of one ticket. */
typedef struct csvc__sla_clock {
	int32_t idx;
	char name[CSVC_SLA_MAX_NAME + 1];
	char calendar[CSVC_CALENDAR_NAME_MAX + 1]; /* "" = 24/7 */
	int32_t phase;
	int64_t used;
	csvc_time_us since, met_at, breached_at;
	int32_t met_via_state; /* category of the state that met it; 0: a reply */
	uint32_t fired; /* bit i: warning i emitted this cycle; BREACH_BIT: breach */
	int32_t cycle;
	/* derived, kept for indexed reads */
	csvc_time_us due, next_alarm;
	int32_t next_pct;
	/* why it counts wall-clock time instead of its calendar; "" if it
	 * does not */
	char fault[192];
} csvc__sla_clock;

typedef struct csvc__sla_ticket {
	int64_t rowid;
	int64_t policy_id; /* 0: no policy matched */
	int policy_changed;
	size_t n;
	csvc__sla_clock clocks[CSVC_SLA_MAX_TARGETS];
} csvc__sla_ticket;

/* What a ticket event means to the SLA engine: the ticket module's
 * account of a change, which the engine follows (csvc__ticket_follow). */
enum {
	CSVC__SLA_EV_STATE = CSVC__TICKET_CHANGE_STATE,
	CSVC__SLA_EV_REPLY = CSVC__TICKET_CHANGE_REPLY,
	CSVC__SLA_EV_REMATCH = CSVC__TICKET_CHANGE_REMATCH,
	CSVC__SLA_EV_HANDOFF = CSVC__TICKET_CHANGE_HANDOFF
};
typedef csvc__ticket_change csvc__sla_event;
/* The fields a policy matches on. */
typedef csvc__ticket_subject csvc__sla_subject;

/* csvc_sla_target_escalate() with the escalation's fields as arguments
 * (`value`: the priority of RAISE_PRIORITY), for the handbook policies
 * and for loading stored ones. */
int csvc__sla_target_escalate(csvc_sla_policy *p, size_t index, int32_t percent, int32_t action,
                              int32_t value, const char *assignee, const char *team, const char *transition);

int csvc__sla_policy_matches(const csvc_sla_policy *p, const csvc__sla_subject *t);

struct csvc_store;
/* Loads a stored policy (sla-policy.c: the rows of csvc__sla_db_policy_read
 * built into a policy): the one with id `rowid`, or when `rowid` is 0
 * version `version` of `name` (0: the newest). */
int csvc__sla_policy_load_id(struct csvc_store *s, const char *name, int32_t version, int64_t rowid,
                             csvc_sla_policy **out);

struct csvc_store;
/* ---- hooks called by ticket.c inside its transaction ---- */
int csvc__sla_ticket_created(struct csvc_store *s, int64_t rowid, const csvc__sla_subject *subj,
                             const char *state, int32_t category, csvc_time_us at);
int csvc__sla_ticket_event(struct csvc_store *s, int64_t rowid, csvc__sla_event *ev);
/* priority, urgency or customer changed: match the policy again */
int csvc__sla_ticket_rematch(struct csvc_store *s, int64_t rowid, const csvc__sla_subject *subj,
                             const char *state, int32_t category, csvc_time_us at, int *moved);

/* ---- storage (sla-sql.c) ---- */

/* A stored policy version as its rows. Strings and arrays are owned by
 * the rows; NULL where the column is NULL. */
typedef struct csvc__sla_target_row {
	char *name;
	int64_t duration;
	int32_t calendar;
	char *calendar_name;
	int32_t met_reply;
	uint32_t met_categories, pause_categories;
	char **met_states, **pause_states;
	size_t n_met_states, cap_met_states, n_pause_states, cap_pause_states;
	int32_t *warn;
	size_t n_warn, cap_warn;
	int32_t recurring;
	int32_t pause_on_handoff;
} csvc__sla_target_row;

typedef struct csvc__sla_escalation_row {
	int64_t target; /* index of its target */
	int32_t percent, action, value;
	char *assignee, *team, *transition;
} csvc__sla_escalation_row;

typedef struct csvc__sla_policy_rows {
	int64_t id;
	char *name;
	int32_t version, rank;
	char *kind, *store_code, *channel, *category;
	int32_t priority, urgency, customer_class, tier;
	csvc__sla_target_row *targets;
	size_t n_targets, cap_targets;
	csvc__sla_escalation_row *escalations; /* by target, then position */
	size_t n_escalations, cap_escalations;
} csvc__sla_policy_rows;

void csvc__sla_policy_rows_free(csvc__sla_policy_rows *r);

struct csvc__defs_kind;
/* The SLA policies' descriptor for the shared versioned-definition storage. */
const struct csvc__defs_kind *csvc__sla_policy_defs(void);

int csvc__sla_db_policy_latest(struct csvc_store *s, const char *name, int32_t *version);
int csvc__sla_db_policy_insert(struct csvc_store *s, const csvc_sla_policy *p, int32_t version);
/* Reads the stored policy with id `rowid`, or when `rowid` is 0 version
 * `version` of `name` (0: the newest), into *out, which the caller frees
 * with csvc__sla_policy_rows_free (on failure it is left empty). */
int csvc__sla_db_policy_read(struct csvc_store *s, const char *name, int32_t version, int64_t rowid,
                             csvc__sla_policy_rows *out);
int csvc__sla_db_policy_retire(struct csvc_store *s, const char *name);
/* ids of the current (newest, not retired) policies, by rank then name */
int csvc__sla_db_current(struct csvc_store *s, int64_t **ids, size_t *n);
int csvc__sla_db_stamp(struct csvc_store *s, int64_t *stamp);
int csvc__sla_db_store_calendar(struct csvc_store *s, const char *store_code, char *name, size_t n);
int csvc__sla_db_calendar_stamp(struct csvc_store *s, const char *name, int64_t *updated);


int csvc__sla_db_ticket_load(struct csvc_store *s, int64_t rowid, csvc__sla_ticket *out);
int csvc__sla_db_ticket_save(struct csvc_store *s, const csvc__sla_ticket *t, int inserted,
                             int64_t initial_policy);
int csvc__sla_db_ticket_delete_clocks(struct csvc_store *s, int64_t rowid);
int csvc__sla_db_ticket_uuid(struct csvc_store *s, int64_t rowid, csvc_uuid *id);
int csvc__sla_db_ticket_initial_policy(struct csvc_store *s, int64_t rowid, int64_t *policy_id);
/* the earliest pending alarm: rowid of its ticket, CSVC_ITEROVER if none <= until */
int csvc__sla_db_next_alarm(struct csvc_store *s, csvc_time_us until, int64_t *ticket_rowid,
                            csvc_time_us *at);
/* ticket events relevant to the SLA, oldest first, for recompute */
/* `store_calendar`: for an sla_policy event, the store calendar the new
 * clocks took (NULL when the event does not say: older stores). */
typedef int (*csvc__sla_log_fn)(const char *type, csvc_time_us at, const char *to_state,
                                int32_t to_category, const char *payload, const char *store_calendar, void *ud);
int csvc__sla_db_log(struct csvc_store *s, int64_t rowid, csvc__sla_log_fn fn, void *ud);
/* The store calendar the ticket's clocks ran on before its first policy
 * change; `*found` 0 when it had none or the change does not say. */
int csvc__sla_db_first_store_calendar(struct csvc_store *s, int64_t rowid, char *name, size_t n, int *found);
/* The ticket's open sub-tasks as its events count them: hand-offs and
 * reopened ones less returned ones. */
int csvc__sla_db_handoffs_open(struct csvc_store *s, int64_t rowid, int64_t *n);

typedef enum { CSVC__SLA_LIST_TICKET = 1, CSVC__SLA_LIST_AT_RISK = 2, CSVC__SLA_LIST_BREACHED = 3 } csvc__sla_list_t;
typedef struct csvc__sla_row_cursor csvc__sla_row_cursor;
/* A ticket's targets, or the at-risk or breached list as of `now` (the
 * store clock): rows recorded so, and rows whose alarm is due at `now` but
 * not yet emitted; those of tickets of store `store_code` only, unless
 * NULL. */
int csvc__sla_db_list(struct csvc_store *s, int list, int64_t ticket_rowid, const char *store_code, uint32_t limit,
                      csvc_time_us now, csvc__sla_row_cursor **out);
/* next row: ticket info and one clock */
int csvc__sla_db_list_next(csvc__sla_row_cursor *c, csvc_uuid *ticket, char *number, size_t number_n,
                           char *policy, size_t policy_n, int32_t *policy_version, int64_t *duration,
                           csvc__sla_clock *clock);
void csvc__sla_db_list_free(csvc__sla_row_cursor *c);

/* The store's cache of parsed calendars and current policies. */
typedef struct csvc__sla_cache csvc__sla_cache;
void csvc__sla_cache_free(csvc__sla_cache *c);

/* The SLA module's per-store state. */
typedef struct csvc__sla_state {
	csvc__sla_cache *cache; /* parsed calendars and policies; NULL: none yet */
	int depth;              /* escalations running inside escalations */
	csvc__sql *insert_sql[17]; /* multi-row clock inserts, by row count */
} csvc__sla_state;
csvc__sla_state *csvc__sla_state_of(struct csvc_store *s);
/* Attaches the state to a store being opened; the engine then follows
 * ticket changes. */
int csvc__sla_attach(struct csvc_store *s);
/* Forget what was checked in this transaction (after policy or calendar
 * writes through this store). */
void csvc__sla_invalidate(struct csvc_store *s);

#endif
