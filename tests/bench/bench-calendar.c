/*
 * Benchmark: business-time arithmetic. Due-time calls per second for
 * durations from 15 minutes to a year, on an Asia/Shanghai calendar with
 * two working intervals every day and 20 holidays a year, against the
 * naive minute-stepping reference (tests/calendar-naive.c) on the same
 * calendar. The cost of the fast path must not grow with the duration.
 *
 * The zone is read from the system zoneinfo directory, or from
 * $CSVC_ZONEINFO_DIR when that is set.
 */
#include <stdlib.h>
#include <string.h>

#include "../calendar-naive.h"
#include "bench.h"
#include "csvc.h"

#define S_US ((int64_t)1000000)
#define MIN_US (60 * S_US)
#define H_US (3600 * S_US)
#define DAY_US (24 * H_US)

#define FIRST_YEAR 2020
#define YEARS 41
#define HOLIDAYS_PER_YEAR 20

static int64_t day_number(int y, int m, int d)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	c.year = y;
	c.month = m;
	c.day = d;
	int64_t v = 0;
	csvc_civil_to_local(&c, &v);
	return v / DAY_US;
}

typedef struct duration_case {
	const char *name;
	int64_t duration;
	long fast_calls;
	long naive_calls;
} duration_case;

int bench_calendar(double scale, const char *dir)
{
	(void)dir;
	if (scale <= 0)
		scale = 1.0;
	const char *zoneinfo = getenv("CSVC_ZONEINFO_DIR");
	csvc_tz *tz = NULL;
	if (csvc_tz_load(&tz, "Asia/Shanghai", zoneinfo && zoneinfo[0] ? zoneinfo : NULL) != CSVC_OK) {
		fprintf(stderr, "bench_calendar: %s\n", csvc_error_last()->message);
		return 1;
	}

	/* Every day 09:00-12:00 and 13:30-18:00; 20 holidays a year. */
	static naive_exception holidays[YEARS * HOLIDAYS_PER_YEAR];
	naive_calendar nc;
	memset(&nc, 0, sizeof(nc));
	nc.zone = "Asia/Shanghai";
	nc.tz = tz;
	nc.n_versions = 1;
	for (int w = 0; w < 7; w++) {
		nc.versions[0].week[w].n = 2;
		nc.versions[0].week[w].iv[0] = (naive_interval){9 * 3600, 12 * 3600};
		nc.versions[0].week[w].iv[1] = (naive_interval){13 * 3600 + 1800, 18 * 3600};
	}
	static const int md[HOLIDAYS_PER_YEAR][2] = {
		{1, 1}, {1, 28}, {1, 29}, {1, 30}, {1, 31}, {2, 1}, {2, 2}, {4, 4}, {4, 5}, {5, 1},
		{5, 2}, {5, 3}, {6, 2}, {9, 15}, {10, 1}, {10, 2}, {10, 3}, {10, 4}, {10, 5}, {10, 6}};
	for (int y = 0; y < YEARS; y++)
		for (int k = 0; k < HOLIDAYS_PER_YEAR; k++) {
			naive_exception *x = &holidays[y * HOLIDAYS_PER_YEAR + k];
			x->day = day_number(FIRST_YEAR + y, md[k][0], md[k][1]);
			x->holiday = 1;
		}
	nc.exceptions = holidays;
	nc.n_exceptions = YEARS * HOLIDAYS_PER_YEAR;
	char *json = naive_calendar_json(&nc);
	csvc_calendar_options opts = CSVC_CALENDAR_OPTIONS_INIT;
	opts.tz = tz;
	csvc_calendar *cal = NULL;
	if (csvc_calendar_parse(&cal, json, strlen(json), &opts) != CSVC_OK) {
		fprintf(stderr, "bench_calendar: %s\n", csvc_error_last()->message);
		free(json);
		csvc_tz_free(tz);
		return 1;
	}
	free(json);

	duration_case cases[] = {
		{"15m", 15 * MIN_US, (long)(2000000 * scale), (long)(4000 * scale)},
		{"8h", 8 * H_US, (long)(2000000 * scale), (long)(400 * scale)},
		{"40h", 40 * H_US, (long)(2000000 * scale), (long)(100 * scale)},
		{"1y", 365 * DAY_US, (long)(2000000 * scale), (long)(3 * scale)},
	};
	const size_t n_cases = sizeof(cases) / sizeof(cases[0]);
	double fast_cost[4], naive_cost[4];
	int mismatches = 0;
	/* Starts spread over ten years, at odd microseconds. */
	const csvc_time_us base = day_number(FIRST_YEAR, 1, 1) * DAY_US;
	const int64_t spread = 3652 * DAY_US;
	const csvc_time_us limit = day_number(FIRST_YEAR + YEARS, 1, 1) * DAY_US;
	for (size_t c = 0; c < n_cases; c++) {
		long n = cases[c].fast_calls > 0 ? cases[c].fast_calls : 1;
		uint64_t seed = 88172645463325252ull;
		int64_t sink = 0;
		double t0 = bench_seconds();
		for (long i = 0; i < n; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			csvc_time_us start = base + (int64_t)(seed % (uint64_t)spread), due = 0;
			if (csvc_calendar_add(cal, start, cases[c].duration, &due) != CSVC_OK)
				mismatches++;
			sink += due;
		}
		double elapsed = bench_seconds() - t0;
		fast_cost[c] = elapsed / (double)n;
		char name[64];
		snprintf(name, sizeof(name), "calendar.add_%s.fast", cases[c].name);
		bench_figure(name, (double)n / elapsed, "calls/s");
		if (sink == 42)
			printf("#\n");

		long nn = cases[c].naive_calls > 0 ? cases[c].naive_calls : 1;
		seed = 88172645463325252ull;
		t0 = bench_seconds();
		for (long i = 0; i < nn; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			csvc_time_us start = base + (int64_t)(seed % (uint64_t)spread);
			csvc_time_us naive = naive_add(&nc, start, cases[c].duration, limit), fast = 0;
			csvc_calendar_add(cal, start, cases[c].duration, &fast);
			if (naive != fast)
				mismatches++;
		}
		elapsed = bench_seconds() - t0;
		naive_cost[c] = elapsed / (double)nn;
		snprintf(name, sizeof(name), "calendar.add_%s.naive", cases[c].name);
		bench_figure(name, (double)nn / elapsed, "calls/s");
	}
	/* between() over a year, for reference. */
	{
		long n = (long)(2000000 * scale);
		if (n < 1)
			n = 1;
		int64_t sink = 0;
		double t0 = bench_seconds();
		for (long i = 0; i < n; i++) {
			csvc_time_us a = base + (int64_t)i * 7919 * S_US % spread;
			int64_t v = 0;
			csvc_calendar_between(cal, a, a + 365 * DAY_US, &v);
			sink += v;
		}
		double elapsed = bench_seconds() - t0;
		bench_figure("calendar.between_1y.fast", (double)n / elapsed, "calls/s");
		if (sink == 42)
			printf("#\n");
	}
	bench_ratio("calendar.add_1y_vs_15m", fast_cost[3] / fast_cost[0]);
	for (size_t c = 0; c < n_cases; c++) {
		char name[64];
		snprintf(name, sizeof(name), "calendar.add_%s.fast_vs_naive", cases[c].name);
		bench_ratio(name, naive_cost[c] / fast_cost[c]);
	}
	bench_figure("calendar.mismatches", mismatches, "calls");
	csvc_calendar_free(cal);
	csvc_tz_free(tz);
	return mismatches ? 1 : 0;
}

#ifdef CSVC_HAVE_POSTGRES
/* Business-time arithmetic touches no store: there is nothing to send to
 * a server, so no libpq anchor; the same figures against the naive
 * reference. */
int bench_calendar_pg(double scale, const char *dir, const char *pg)
{
	(void)pg;
	printf("# calendar: pure arithmetic with no storage, so no libpq anchor: the naive reference as without --db\n");
	return bench_calendar(scale, dir);
}
#endif
