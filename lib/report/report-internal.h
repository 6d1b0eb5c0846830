/*
 * Reports: score formulas (score.c), the storage queries (report-sql.c)
 * and the report builder (report.c).
 */
#ifndef CSVC_REPORT_INTERNAL_H
#define CSVC_REPORT_INTERNAL_H

#include "csvc/report.h"
#include "db/db.h"
#include "util/internal.h"

/* ---- formulas (score.c); see docs/scoring.md ---- */

/* The Wilson score interval at 95 % (z = 1.959964) for k successes in n
 * trials; NaN bounds when n is 0. */
void csvc__wilson(int64_t k, int64_t n, double *low, double *high);
/* NPS in points and its standard error from promoter and detractor counts
 * out of n answers; NaN when n is 0. */
void csvc__nps(int64_t promoters, int64_t detractors, int64_t n, double *nps, double *se);
/* The nearest-rank p-th percentile (0 < p <= 100) of n values sorted
 * ascending: the value at rank ceil(p / 100 * n); NaN when n is 0. */
double csvc__percentile(const int64_t *sorted, size_t n, double p);
/* Rescales a Likert answer x on 1..max to 0..100. */
double csvc__rescale(int32_t x, int32_t scale_max);

/* Period of local wall-clock time `local_us`: writes its key ("2026-01",
 * "2026-W03", ...) into key (at least 32 bytes) and its local start and
 * end. Errors: CSVC_ERANGE. */
int csvc__period_of(int64_t local_us, int32_t period, char *key, int64_t *start, int64_t *end);

/* Number of periods from the one starting at `first_start` to the one
 * starting at `last_start` (local starts from csvc__period_of), both
 * included. */
int64_t csvc__period_count(int64_t first_start, int64_t last_start, int32_t period);

/* ---- storage (report-sql.c) ---- */

struct csvc_store;

/* One answer of one response (or a response with no scored answer:
 * has_answer 0). Rows of one response are consecutive. */
typedef struct csvc__answer_row {
	int64_t response_id, survey_id;
	const char *store_code, *staff, *channel, *kind, *category;
	int32_t method;
	csvc_time_us at;
	int32_t has_answer, position, value, value2, has_value2;
} csvc__answer_row;
typedef int (*csvc__answer_fn)(const csvc__answer_row *row, void *ud);
int csvc__report_db_answers(struct csvc_store *s, const csvc_report_query *q, csvc__answer_fn fn, void *ud);

typedef struct csvc__ticket_row {
	int64_t id;
	const char *store_code, *assignee, *channel, *kind, *category, *workflow;
	csvc_time_us created, updated;
	int32_t state_category;
} csvc__ticket_row;
typedef int (*csvc__ticket_row_fn)(const csvc__ticket_row *row, void *ud);
/* Tickets created in [from, to) that match the query's filters. */
int csvc__report_db_tickets(struct csvc_store *s, const csvc_report_query *q, csvc__ticket_row_fn fn, void *ud);
/* Tickets created before `to` that match the filters and are unresolved
 * now or were updated at or after `since`: every ticket that can be
 * unresolved at an instant in [since, to]. */
int csvc__report_db_backlog(struct csvc_store *s, const csvc_report_query *q, csvc_time_us since,
                            csvc__ticket_row_fn fn, void *ud);

typedef struct csvc__target_row {
	int64_t ticket_id;
	const char *name;
	int32_t phase;
	int64_t used;
	csvc_time_us met_at, breached_at; /* 0: none */
} csvc__target_row;
typedef int (*csvc__target_fn)(const csvc__target_row *row, void *ud);
/* SLA targets of the tickets created in range. */
int csvc__report_db_targets(struct csvc_store *s, const csvc_report_query *q, csvc__target_fn fn, void *ud);

typedef struct csvc__state_row {
	int64_t ticket_id, seq;
	csvc_time_us at;
	const char *state;
	int32_t category;
	int32_t transition; /* 1 for a "transition" event */
	const char *store_code; /* the ticket's (csvc__report_db_resolved only; else NULL) */
} csvc__state_row;
typedef int (*csvc__state_fn)(const csvc__state_row *row, void *ud);
/* State-changing events of the tickets created in range (any order). */
int csvc__report_db_states(struct csvc_store *s, const csvc_report_query *q, csvc__state_fn fn, void *ud);
/* State-changing events of one ticket, in order. */
int csvc__report_db_ticket_states(struct csvc_store *s, int64_t ticket_id, csvc__state_fn fn, void *ud);
/* State-changing events of the tickets of the query's staff member that
 * may have been resolved in range: changed at or after `from`, created
 * before `to` (any order). */
int csvc__report_db_resolved(struct csvc_store *s, const csvc_report_query *q, csvc__state_fn fn, void *ud);
/* Public replies per ticket created in range: fn(ticket_id, count). */
typedef int (*csvc__count_fn)(int64_t id, int64_t count, void *ud);
int csvc__report_db_replies(struct csvc_store *s, const csvc_report_query *q, csvc__count_fn fn, void *ud);

typedef int (*csvc__transactions_fn)(const char *store_code, int32_t day, int64_t count, void *ud);
/* Recorded transactions with from_day <= day <= to_day (of the query's
 * store, or every store). */
int csvc__report_db_transactions(struct csvc_store *s, const char *store_code, int32_t from_day, int32_t to_day,
                                 csvc__transactions_fn fn, void *ud);
int csvc__report_db_record_transactions(struct csvc_store *s, const char *store_code, int32_t day,
                                        int64_t count);
/* CSVC_ENOTFOUND unless survey `name` (version `version`, 0: any) exists. */
int csvc__report_db_survey_exists(struct csvc_store *s, const char *name, int32_t version);

/* The SQL a report runs (for EXPLAIN QUERY PLAN checks in the tests):
 * which = 0 answers, 1 tickets, 2 targets, 3 states, 4 replies, 5 backlog,
 * 6 the staff member's tickets resolved in range (needs q->staff).
 * malloc'ed. */
char *csvc__report_db_sql(const csvc_report_query *q, int which, csvc__dialect dialect);

/* A report's store (`*store_code`, NULL: every store) as the principal
 * may read it (access.h): refused when another store's, made the
 * principal's own when NULL and the principal is limited to it. */
int csvc__report_scope(struct csvc_store *s, const char **store_code, const char *call);

#endif
