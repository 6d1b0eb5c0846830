/*
 * Time worked on tickets: the rules (worklog.c) and the storage
 * (worklog-sql.c) of the append-only ticket_work table.
 */
#ifndef CSVC_WORKLOG_INTERNAL_H
#define CSVC_WORKLOG_INTERNAL_H

#include "csvc/worklog.h"
#include "db/db.h"
#include "util/internal.h"

struct csvc_store;

typedef struct csvc__work_item {
	char *staff, *kind, *note, *actor;
	int64_t duration_us;
	csvc_time_us started_at, recorded_at;
} csvc__work_item;

struct csvc_worklog {
	csvc__work_item *items;
	size_t n;
};

/* One row; `kind`, `note`, `actor` may be NULL. */
typedef struct csvc__work_row {
	int64_t ticket_rowid, staff_rowid;
	const char *store_code, *kind, *note, *actor;
	csvc_time_us worked_at, recorded_at;
	int64_t duration_us;
} csvc__work_row;

int csvc__work_db_insert(struct csvc_store *s, const csvc__work_row *row);
/* A ticket's entries, by start then id. */
int csvc__work_db_list(struct csvc_store *s, int64_t ticket_rowid, csvc_worklog **out);

/* What a total filters on (0/NULL: not). */
typedef struct csvc__work_filter {
	int64_t ticket_rowid, staff_rowid;
	const char *store_code, *kind;
	csvc_time_us from, to;
} csvc__work_filter;
int csvc__work_db_total(struct csvc_store *s, const csvc__work_filter *f, int64_t *total_us, int64_t *entries);
/* The SQL of a total (for the plan tests); the caller frees it. */
char *csvc__work_db_total_sql(const csvc__work_filter *f);

#endif
