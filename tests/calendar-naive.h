/*
 * A deliberately simple reference for business calendars, used by the
 * unit tests and the benchmark to check the fast implementation.
 *
 * It knows nothing of the library's tables: it steps through UTC minute
 * by minute, deciding for each minute whether the calendar is open from
 * the plain definition (which intervals start on the local day and the
 * day before, holidays, special days, versions) and the wall clock read
 * through csvc_tz_offset_at. It assumes that every UTC-offset change and
 * every interval boundary falls on a whole UTC minute, which holds for
 * the zones and calendars the tests use.
 */
#ifndef CSVC_CALENDAR_NAIVE_H
#define CSVC_CALENDAR_NAIVE_H

#include <stdint.h>

#include "csvc.h"

#define NAIVE_MAX_INTERVALS 8
#define NAIVE_MAX_VERSIONS 4

typedef struct naive_interval {
	int32_t start; /* seconds after local midnight, 0 .. 86399 */
	int32_t end;   /* start < end <= start + 86400 (past 86400: next day) */
} naive_interval;

typedef struct naive_day {
	int32_t n;
	naive_interval iv[NAIVE_MAX_INTERVALS];
} naive_day;

typedef struct naive_version {
	int32_t has_from;
	int64_t from_day; /* local day number (days since 1970-01-01) */
	naive_day week[7]; /* 0 = Monday */
} naive_version;

typedef struct naive_exception {
	int64_t day;
	int32_t holiday; /* 1: closed all day; 0: `d` replaces the schedule */
	naive_day d;
} naive_exception;

typedef struct naive_calendar {
	const char *zone;
	const csvc_tz *tz;
	int32_t n_versions; /* sorted by from_day; only the first may lack one */
	naive_version versions[NAIVE_MAX_VERSIONS];
	int32_t n_exceptions; /* distinct days, any order */
	naive_exception *exceptions;
} naive_calendar;

/* The calendar in the library's JSON text form (malloc'ed). */
char *naive_calendar_json(const naive_calendar *nc);

/* 1 if open at t. */
int naive_is_open(const naive_calendar *nc, csvc_time_us t);

/* First open instant >= t, or -1 if none before `limit`. */
csvc_time_us naive_next_open(const naive_calendar *nc, csvc_time_us t, csvc_time_us limit);

/* Business time in [t1, t2), t1 <= t2. */
int64_t naive_between(const naive_calendar *nc, csvc_time_us t1, csvc_time_us t2);

/* Due instant of `duration` business microseconds from t (next opening
 * when it runs out at a closing time), or -1 if not before `limit`. */
csvc_time_us naive_add(const naive_calendar *nc, csvc_time_us t, int64_t duration, csvc_time_us limit);

#endif
