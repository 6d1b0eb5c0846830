/*
 * Time-zone internals shared with the calendar module: civil-date
 * arithmetic and the list of UTC-offset changes of a zone. Not installed.
 */
#ifndef CSVC_TZ_INTERNAL_H
#define CSVC_TZ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "csvc/tz.h"

#define CSVC__DAY_S ((int64_t)86400)
#define CSVC__DAY_US ((int64_t)86400 * 1000000)

/* Floor division and modulo for a positive divisor. */
static inline int64_t csvc__floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static inline int64_t csvc__floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;
	return r < 0 ? r + b : r;
}

/* Days since 1970-01-01 of a proleptic-Gregorian date (month 1..12). */
int64_t csvc__days_from_civil(int64_t year, int month, int day);
/* The inverse. */
void csvc__civil_from_days(int64_t days, int64_t *year, int *month, int *day);
/* 1 if `year` is a leap year. */
int csvc__is_leap(int64_t year);
/* Days in `month` of `year`. */
int csvc__month_days(int64_t year, int month);
/* Day of the week of a day number: 0 = Monday .. 6 = Sunday. */
static inline int csvc__weekday_mon0(int64_t days)
{
	return (int)csvc__floor_mod(days + 3, 7);
}

/* The UTC offset (seconds) at instant `t_s` (seconds). No checks. */
int32_t csvc__tz_offset_at_s(const csvc_tz *tz, int64_t t_s);

/* A change of UTC offset: from `at_s` (inclusive) on, the offset is
 * `offset_after` seconds. */
typedef struct csvc__tz_change {
	int64_t at_s;
	int32_t offset_after;
} csvc__tz_change;

/* Lists the changes of UTC offset at instants in (from_s, to_s], in order,
 * with the offset in force at from_s in *offset_before. Changes of
 * abbreviation or DST flag alone are left out. *out is malloc'ed (NULL
 * when *count is 0). Sets the error on ENOMEM. */
int csvc__tz_changes(const csvc_tz *tz, int64_t from_s, int64_t to_s, int32_t *offset_before,
                     csvc__tz_change **out, size_t *count);

/* The TZif data `tz` was built from (csvc_tz_load, csvc_tz_from_tzif),
 * borrowed from the zone, or NULL (*len 0) for UTC, fixed offsets and
 * POSIX strings, which need no data. */
const uint8_t *csvc__tz_tzif(const csvc_tz *tz, size_t *len);

/* 1 if csvc_tz_load makes the zone `name` without data: "UTC" and fixed
 * offsets ("+08:00"). */
int csvc__tz_builtin(const char *name);

/* A deep copy of `tz`. Sets the error on ENOMEM. */
int csvc__tz_clone(const csvc_tz *tz, csvc_tz **out);

#endif
