/*
 * The staff directory: the in-memory values (staff-record.c), and the
 * storage functions that the domain code (staff.c) calls, implemented in
 * staff-sql.c.
 */
#ifndef CSVC_STAFF_INTERNAL_H
#define CSVC_STAFF_INTERNAL_H

#include "access/access-internal.h"
#include "csvc/staff.h"
#include "db/db.h"
#include "store/cursor.h"
#include "util/internal.h"

typedef struct csvc__skill {
	int32_t kind;
	char *value;
} csvc__skill;

struct csvc_staff {
	csvc_uuid id; /* nil for a draft */
	char *code, *name, *employee_no, *home_store, *calendar;
	int32_t active;
	int64_t revision; /* 0: draft */
	csvc_time_us created_at, updated_at;
	csvc__skill *skills; /* sorted by kind, then value */
	size_t n_skills;
	char **teams; /* team codes, sorted */
	size_t n_teams;
	char **roles; /* role codes, sorted */
	size_t n_roles;
};

struct csvc_team {
	char *code, *name, *store_code;
	int32_t kind, active;
	int64_t revision; /* 0: draft */
	csvc_time_us created_at, updated_at;
};

/* ---- values (staff-record.c) ---- */

/* An empty record with nothing set (for loading). */
int csvc__staff_alloc(csvc_staff **out);
int csvc__team_alloc(csvc_team **out);
/* Appends without checks or sorting (loading, in stored order). */
int csvc__staff_push_skill(csvc_staff *st, int32_t kind, const char *value);
int csvc__staff_push_team(csvc_staff *st, const char *team);
int csvc__staff_push_role(csvc_staff *st, const char *role);
/* Checks shared by the setters and the queries. */
int csvc__staff_check_code(const char *code);
int csvc__staff_check_skill(int32_t kind, const char *value);
int csvc__team_check_code(const char *code);
/* A recorded actor of the staff calls: NULL (none) or non-empty text of
 * at most CSVC_STAFF_MAX_ACTOR bytes. */
int csvc__staff_check_actor(const char *actor);

/* ---- references (refs.c) ---- */

/* Attaches the staff references' actor check to a store being opened. */
int csvc__staff_attach(struct csvc_store *s);
/* With the store's staff references on: `assignee` must be an active
 * staff member's code and `team` an active team's code (NULL: none), each
 * checked only when it differs from the old value (`old_*`; NULL for a
 * new record). CSVC_ENOTFOUND (unknown) or CSVC_ESTATE (deactivated),
 * naming `call` and the value. */
int csvc__staff_check_refs(struct csvc_store *s, const char *assignee, const char *team, const char *old_assignee,
                           const char *old_team, const char *call);

/* ---- storage (staff-sql.c) ---- */
struct csvc_store;

/* Row state of a stored staff member or team, as the domain checks need
 * it. Inside a write transaction on PostgreSQL the _lock variants lock the
 * row to the commit. */
typedef struct csvc__staff_state {
	int64_t rowid;
	int64_t revision;
} csvc__staff_state;

int csvc__staff_db_state_by_code(struct csvc_store *s, const char *code, int lock, csvc__staff_state *out);
int csvc__staff_db_state_by_id(struct csvc_store *s, const csvc_uuid *id, csvc__staff_state *out);
int csvc__staff_db_load(struct csvc_store *s, int64_t rowid, csvc_staff **out);
/* Writes the scalars (insert: *rowid receives the new id). EEXISTS with a
 * clear message for a taken code or employee number. */
int csvc__staff_db_insert(struct csvc_store *s, const csvc_staff *st, int64_t *rowid);
int csvc__staff_db_update(struct csvc_store *s, int64_t rowid, const csvc_staff *st);
/* Replaces the skills. */
int csvc__staff_db_set_skills(struct csvc_store *s, int64_t rowid, const csvc_staff *st);
int csvc__staff_db_join(struct csvc_store *s, int64_t rowid, int64_t team_rowid);
int csvc__staff_db_leave(struct csvc_store *s, int64_t rowid, int64_t team_rowid);
/* Appends a staff_events row and its feed entry. */
int csvc__staff_db_event(struct csvc_store *s, int64_t rowid, const csvc_staff *st, const char *type,
                         const char *actor, csvc_time_us at, const char *payload);

int csvc__team_db_state(struct csvc_store *s, const char *code, int lock, csvc__staff_state *out);
int csvc__team_db_load(struct csvc_store *s, int64_t rowid, csvc_team **out);
int csvc__team_db_load_by_code(struct csvc_store *s, const char *code, csvc_team **out);
int csvc__team_db_insert(struct csvc_store *s, const csvc_team *t, int64_t *rowid);
int csvc__team_db_update(struct csvc_store *s, int64_t rowid, const csvc_team *t);
/* The teams of `kind` (0: all) in creation order, read in one query; the
 * caller frees them with csvc_team_list_free. */
int csvc__team_db_list(struct csvc_store *s, int32_t kind, csvc_team ***out, size_t *count);

/* A query's cursor; `team_rowid` 0: no team filter. */
int csvc__staff_db_query(struct csvc_store *s, const csvc_staff_query *q, int64_t team_rowid, int64_t after_rowid,
                         csvc__cursor **out);
/* The SQL a query would run (for EXPLAIN QUERY PLAN tests); caller frees. */
char *csvc__staff_db_query_sql(const csvc_staff_query *q, int has_team, csvc__dialect dialect);

#endif
