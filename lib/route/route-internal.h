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

/* Attaches routing's per-store state: the rules and the teams' members,
 * read once per write transaction. */
int csvc__route_attach(struct csvc_store *s);
/* Drops that state: rules changed through this store. */
void csvc__route_invalidate(struct csvc_store *s);
/* The ticket module tells routing of its writes to open loads, which
 * routing keeps for the write transaction: a new open ticket of
 * `assignee` (after its row is written), and any other change of a
 * ticket's assignee or state (loads are then read again). */
void csvc__route_load_add(struct csvc_store *s, const char *assignee);
void csvc__route_loads_stale(struct csvc_store *s);

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

/* What the store's routing cache is built from (route-pick.c), read once
 * per write transaction. */

/* Changes to rules, teams and staff move it: 4 numbers. */
int csvc__route_db_stamp(struct csvc_store *s, int64_t stamp[4]);

/* An active rule whose team is active, in the order rules are tried. */
typedef struct csvc__route_rule_row {
	int64_t rowid, revision, team_rowid;
	int32_t strategy, customer_class;
	int designated;
	char *code, *team, *kind, *category, *channel, *store_code; /* malloc'ed; criteria NULL: any */
} csvc__route_rule_row;
void csvc__route_rule_rows_free(csvc__route_rule_row *r, size_t n);
int csvc__route_db_rules(struct csvc_store *s, csvc__route_rule_row **out, size_t *n);

/* A candidate: an active member of the team, in code (byte) order, with the
 * skills routing matches on (ticket kind, category, channel). */
typedef struct csvc__route_skill {
	int32_t kind;
	char *value;
} csvc__route_skill;
typedef struct csvc__route_member {
	char code[CSVC_STAFF_MAX_CODE + 1];
	char *calendar; /* NULL: always on shift */
	csvc__route_skill *skills;
	size_t n_skills;
} csvc__route_member;
void csvc__route_members_free(csvc__route_member *m, size_t n);
/* The index of member `code` in m[0..n) (code order), or n. */
size_t csvc__route_member_find(const csvc__route_member *m, size_t n, const char *code);
int csvc__route_db_members(struct csvc_store *s, int64_t team_rowid, csvc__route_member **out, size_t *n);
/* The rule's round-robin cursor into last ("" when none). */
int csvc__route_db_cursor(struct csvc_store *s, int64_t rule_rowid, char *last, size_t n);
/* The open loads (tickets new, open or waiting, kept in
 * ticket_assignee_load) of the team's members `m` (as read by
 * csvc__route_db_members), into loads[i] for m[i]. */
int csvc__route_db_team_loads(struct csvc_store *s, int64_t team_rowid, const csvc__route_member *m, size_t n,
                              int64_t *loads);
/* Staff member `code`: *found, *active and their calendar (malloc'ed; NULL
 * none). */
int csvc__route_db_staff(struct csvc_store *s, const char *code, int *found, int *active, char **calendar);
int csvc__route_db_set_cursor(struct csvc_store *s, int64_t rule_rowid, const char *last);

#endif
