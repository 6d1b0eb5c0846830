/*
 * Routing (route.h): rule values, their storage, and the choice of a
 * team member for a ticket. The ticket module calls csvc__route_pick in
 * the ticket's transaction; routing knows nothing of tickets beyond the
 * fields it matches on (csvc__route_subject), so it sits below them.
 */
#ifndef CSVC_ROUTE_INTERNAL_H
#define CSVC_ROUTE_INTERNAL_H

#include "csvc/route.h"
#include "csvc/staff.h"
#include "util/internal.h"

struct csvc_store;
struct csvc__buf;

struct csvc_route_rule {
	char *code, *team;
	char *kind, *category, *channel, *store_code; /* NULL: any */
	int32_t strategy, position, customer_class;   /* customer_class 0: any */
	int designated, active;
	int64_t revision;
	csvc_time_us created_at, updated_at;
};

int csvc__route_rule_alloc(csvc_route_rule **out);

/* Attaches routing's per-store state (a cache of parsed shift calendars). */
int csvc__route_attach(struct csvc_store *s);

/* What a rule matches a ticket on, and its current assignee (NULL: none),
 * which a designated rule keeps when routing again. */
typedef struct csvc__route_subject {
	const char *kind, *store_code, *channel, *category;
	int32_t customer_class; /* 0: no customer */
	const char *assignee;
} csvc__route_subject;

/* Why a member was chosen (the `reason` of the event's "route" object). */
#define CSVC__ROUTE_REASONS(X)                                                                                 \
	X(TURN, "turn")                       /* round robin: the next in turn */                           \
	X(LEAST_LOAD, "least_load")           /* the fewest open tickets */                                 \
	X(BEST_SKILL, "best_skill")           /* the most matching skills */                                \
	X(DESIGNATED_KEPT, "designated_kept") /* routed again: the handler is there */                      \
	X(NOBODY_ON_SHIFT, "nobody_on_shift") /* the team, with no assignee */

typedef enum csvc__route_reason {
#define CSVC__ROUTE_REASON_ENUM(id, name) CSVC__ROUTE_##id,
	CSVC__ROUTE_REASONS(CSVC__ROUTE_REASON_ENUM)
#undef CSVC__ROUTE_REASON_ENUM
} csvc__route_reason;

typedef struct csvc__route_decision {
	int matched; /* 0: no active rule matched; nothing else is set */
	char rule[CSVC_ROUTE_MAX_CODE + 1];
	int64_t revision;
	int32_t strategy;
	char team[CSVC_TEAM_MAX_CODE + 1];
	char assignee[CSVC_STAFF_MAX_CODE + 1]; /* "": nobody on shift */
	csvc__route_reason reason;
	char replaced[129]; /* routed again: the absent designated handler ("": none) */
	int64_t load;     /* the chosen member's open tickets (least load, best skill) */
	int64_t skills;   /* the chosen member's matching skills (best skill) */
	int64_t on_shift; /* candidates on shift */
} csvc__route_decision;

/* Chooses the team and member for `subj` at `now`, inside the caller's
 * write transaction; a round-robin choice moves the rule's cursor.
 * `again`: a saved ticket routed again (a designated rule keeps
 * subj->assignee while active and on shift). */
int csvc__route_pick(struct csvc_store *s, const csvc__route_subject *subj, int again, csvc_time_us now,
                     csvc__route_decision *d);
/* The decision as a JSON object: {"rule":..,"revision":..,...}. */
void csvc__route_json(struct csvc__buf *b, const csvc__route_decision *d);

/* ---- storage (route-sql.c) ---- */

typedef struct csvc__route_state_row {
	int64_t rowid, revision;
} csvc__route_state_row;

/* A stored rule's row id and revision (ENOTFOUND when none); `lock` locks
 * the row to the commit inside a write transaction on PostgreSQL. */
int csvc__route_db_state(struct csvc_store *s, const char *code, int lock, csvc__route_state_row *out);
int csvc__route_db_load(struct csvc_store *s, const char *code, csvc_route_rule **out);
int csvc__route_db_list(struct csvc_store *s, csvc_route_rule ***out, size_t *count);
/* The active team's row id (ENOTFOUND when none). */
int csvc__route_db_team(struct csvc_store *s, const char *code, int64_t *rowid);
int csvc__route_db_insert(struct csvc_store *s, const csvc_route_rule *r, int64_t team_rowid);
int csvc__route_db_update(struct csvc_store *s, int64_t rowid, const csvc_route_rule *r, int64_t team_rowid);

/* The first active rule matching `subj` whose team is active. */
typedef struct csvc__route_match {
	int64_t rule_rowid, revision, team_rowid;
	int32_t strategy;
	int designated;
	char rule[CSVC_ROUTE_MAX_CODE + 1];
	char team[CSVC_TEAM_MAX_CODE + 1];
	char last[CSVC_STAFF_MAX_CODE + 1]; /* the round-robin cursor; "" none */
} csvc__route_match;
/* 1 and *m when a rule matches, 0 when none, or a negative error. */
int csvc__route_db_match(struct csvc_store *s, const csvc__route_subject *subj, csvc__route_match *m);

/* A candidate: an active member of the team, in code order. */
typedef struct csvc__route_member {
	char code[CSVC_STAFF_MAX_CODE + 1];
	char *calendar; /* NULL: always on shift */
	int64_t load, skills;
} csvc__route_member;
/* The team's active members; with `counts`, each one's open tickets and
 * skills matching subj's kind, category and channel. The caller frees
 * with csvc__route_members_free. */
int csvc__route_db_members(struct csvc_store *s, int64_t team_rowid, const csvc__route_subject *subj,
                           int counts, csvc__route_member **out, size_t *n);
void csvc__route_members_free(csvc__route_member *m, size_t n);
/* Staff member `code`: *found, *active and their calendar (malloc'ed; NULL
 * none). */
int csvc__route_db_staff(struct csvc_store *s, const char *code, int *found, int *active, char **calendar);
int csvc__route_db_set_cursor(struct csvc_store *s, int64_t rule_rowid, const char *last);

#endif
