/*
 * Business calendars: text form, semantics on ordinary and DST days,
 * differential tests against Business::Hours and a naive reference,
 * properties over random calendars, storage.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar-naive.h"
#include "csvc-test.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"
#include "test-data.h"

#define S_US ((int64_t)1000000)
#define MIN_US (60 * S_US)
#define H_US (3600 * S_US)
#define DAY_US (24 * H_US)

static char zoneinfo[512];

static int setup(void **state)
{
	(void)state;
	csvc_test_data_path(zoneinfo, sizeof(zoneinfo), "zoneinfo");
	return 0;
}

static csvc_time_us civil(int y, int mo, int d, int h, int mi, int s)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	c.year = y;
	c.month = mo;
	c.day = d;
	c.hour = h;
	c.minute = mi;
	c.second = s;
	int64_t v = 0;
	csvc_assert_ok(csvc_civil_to_local(&c, &v));
	return v;
}

/* An instant given as UTC fields. */
static csvc_time_us utc(int y, int mo, int d, int h, int mi, int s)
{
	return civil(y, mo, d, h, mi, s);
}

static csvc_calendar *cal_from(const char *json)
{
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.zoneinfo_dir = zoneinfo;
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, json, strlen(json), &o));
	return cal;
}

static int parse_err(const char *json, int expected, const char *fragment)
{
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.zoneinfo_dir = zoneinfo;
	csvc_calendar *cal = (csvc_calendar *)&o; /* must stay untouched */
	int rc = csvc_calendar_parse(&cal, json, strlen(json), &o);
	if (rc != expected || (fragment && !strstr(csvc_error_last()->message, fragment)))
		print_error("input %s\n -> %d: %s (expected %d, '%s')\n", json, rc, csvc_error_last()->message,
		            expected, fragment ? fragment : "");
	assert_int_equal(rc, expected);
	assert_ptr_equal(cal, (csvc_calendar *)&o);
	if (fragment)
		assert_non_null(strstr(csvc_error_last()->message, fragment));
	return rc;
}

static int64_t between(const csvc_calendar *cal, csvc_time_us a, csvc_time_us b)
{
	int64_t v = 0;
	csvc_assert_ok(csvc_calendar_between(cal, a, b, &v));
	return v;
}

static csvc_time_us add(const csvc_calendar *cal, csvc_time_us t, int64_t d)
{
	csvc_time_us v = 0;
	csvc_assert_ok(csvc_calendar_add(cal, t, d, &v));
	return v;
}

static csvc_time_us next_open(const csvc_calendar *cal, csvc_time_us t)
{
	csvc_time_us v = 0;
	csvc_assert_ok(csvc_calendar_next_open(cal, t, &v));
	return v;
}

static int is_open(const csvc_calendar *cal, csvc_time_us t)
{
	int32_t v = -1;
	csvc_assert_ok(csvc_calendar_is_open(cal, t, &v));
	return v;
}

/* ---- differential test against Business::Hours ---- */

static const char ORACLE_CALENDAR[] =
	"{\"zone\": \"UTC\", \"versions\": [{\"week\": {"
	"\"mon\": [\"09:00-18:00\"], \"tue\": [\"09:00-18:00\"], \"wed\": [\"09:00-18:00\"],"
	"\"thu\": [\"09:00-18:00\"], \"fri\": [\"09:00-18:00\"]}}],"
	"\"holidays\": [\"2024-01-01\", \"2024-12-25\", \"2024-12-26\", \"2025-01-01\", \"2025-12-25\","
	"\"2025-12-26\", \"2026-01-01\", \"2026-12-25\", \"2026-12-26\", \"2025-04-18\", \"2025-04-21\"]}";

static void test_oracle_business_hours(void **state)
{
	(void)state;
	csvc_calendar *cal = cal_from(ORACLE_CALENDAR);
	char path[600];
	csvc_test_data_path(path, sizeof(path), "business-hours-cases.tsv");
	FILE *f = fopen(path, "r");
	if (!f)
		print_error("cannot open %s\n", path);
	assert_non_null(f);
	char line[256];
	int cases = 0, next_opening = 0;
	while (fgets(line, sizeof(line), f)) {
		long long start, dur, due;
		if (line[0] == '#' || sscanf(line, "%lld\t%lld\t%lld", &start, &dur, &due) != 3)
			continue;
		cases++;
		csvc_time_us got = add(cal, start * S_US, dur * S_US);
		if (got != due * S_US)
			print_error("add(%lld, %lld): expected %lld, got %lld\n", start, dur, due,
			            (long long)(got / S_US));
		assert_int_equal(got, due * S_US);
		/* Both conventions agree on the business time used. */
		assert_int_equal(between(cal, start * S_US, got), dur * S_US);
		if (dur > 0 && !is_open(cal, due * S_US - 1))
			next_opening++;
	}
	fclose(f);
	assert_int_equal(cases, 2000);
	assert_true(next_opening > 0); /* the file does exercise the closing-time convention */
	csvc_calendar_free(cal);
}

/* ---- text form ---- */

static const char *const ROUND_TRIP[] = {
	ORACLE_CALENDAR,
	"{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{\"mon\":[\"13:00-18:00\",\"09:00-12:00\"],"
	"\"sun\":[\"22:00-06:00\"],\"sat\":[\"00:00-24:00\"]}},"
	"{\"from\":\"2025-03-01\",\"week\":{\"tue\":[\"09:00:30-09:00:30\"],\"wed\":[\"22:00-00:00\"]}}],"
	"\"holidays\":[\"2025-10-01\",\"2025-01-29\"],"
	"\"special_days\":[{\"intervals\":[\"10:00-16:00\"],\"date\":\"2025-01-26\"},"
	"{\"date\":\"2025-02-08\",\"intervals\":[]}]}",
	" {\n\t\"versions\" : [ { \"from\" : \"1900-01-01\", \"week\" : { } } ] , \"zone\" : \"\\u0055TC\" } \r\n",
	"{\"zone\":\"+05:30\",\"versions\":[{\"week\":{\"fri\":[\"00:00-00:00\"]}},"
	"{\"from\":\"2199-12-31\",\"week\":{}}]}",
	/* Found by fuzzing: empty day lists must not reach qsort with NULL. */
	"{\"zone\":\"\\u0055TC\",\"versions\":[{\"week\":{\"mon\":[\"\\u0030\\u0039:00-10:00\"],"
	"\"tue\":[]}}],\"holidays\":[],\"special_days\":[]}",
};

static void test_json_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ROUND_TRIP) / sizeof(ROUND_TRIP[0]); i++) {
		csvc_calendar *a = cal_from(ROUND_TRIP[i]);
		char *ta = NULL, *tb = NULL;
		csvc_assert_ok(csvc_calendar_to_json(a, &ta));
		csvc_calendar *b = cal_from(ta);
		csvc_assert_ok(csvc_calendar_to_json(b, &tb));
		assert_string_equal(ta, tb);
		/* Same behaviour, too (including failures: a calendar that
		 * never opens has no due times). */
		for (int k = 0; k < 200; k++) {
			csvc_time_us t = utc(2024, 12, 1, 0, 0, 0) + (int64_t)k * 7919 * MIN_US;
			assert_int_equal(is_open(a, t), is_open(b, t));
			csvc_time_us da = 1, db = 2;
			int ra = csvc_calendar_add(a, t, k * 13 * MIN_US, &da);
			int rb = csvc_calendar_add(b, t, k * 13 * MIN_US, &db);
			assert_int_equal(ra, rb);
			assert_true(ra == CSVC_OK || ra == CSVC_ENOTFOUND);
			if (ra == CSVC_OK)
				assert_int_equal(da, db);
		}
		csvc_free(ta);
		csvc_free(tb);
		csvc_calendar_free(a);
		csvc_calendar_free(b);
	}
	/* The canonical form, exactly. */
	csvc_calendar *c = cal_from(ROUND_TRIP[1]);
	char *t = NULL;
	csvc_assert_ok(csvc_calendar_to_json(c, &t));
	assert_string_equal(
		t, "{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{\"mon\":[\"09:00-12:00\",\"13:00-18:00\"],"
		   "\"tue\":[],\"wed\":[],\"thu\":[],\"fri\":[],\"sat\":[\"00:00-24:00\"],\"sun\":[\"22:00-06:00\"]}},"
		   "{\"from\":\"2025-03-01\",\"week\":{\"mon\":[],\"tue\":[\"09:00:30-09:00:30\"],"
		   "\"wed\":[\"22:00-24:00\"],\"thu\":[],\"fri\":[],\"sat\":[],\"sun\":[]}}],"
		   "\"holidays\":[\"2025-01-29\",\"2025-10-01\"],"
		   "\"special_days\":[{\"date\":\"2025-01-26\",\"intervals\":[\"10:00-16:00\"]},"
		   "{\"date\":\"2025-02-08\",\"intervals\":[]}]}");
	assert_string_equal(csvc_calendar_zone(c), "Asia/Shanghai");
	assert_string_equal(csvc_tz_name(csvc_calendar_tz(c)), "Asia/Shanghai");
	csvc_free(t);
	csvc_calendar_free(c);
}

static void test_json_errors(void **state)
{
	(void)state;
	const char *W = "\"versions\":[{\"week\":{}}]";
	char buf[512];
	/* syntax */
	parse_err("", CSVC_EINVAL, "line 1, column 1");
	parse_err("{", CSVC_EINVAL, "member name");
	parse_err("{\"zone\":\"UTC\",}", CSVC_EINVAL, "member name");
	parse_err("{\"zone\":\"UTC\" \"versions\":[]}", CSVC_EINVAL, "expected ',' or '}'");
	parse_err("{\"zone\":\"UTC\",\n  \"versions\":[{\"week\":{}}],\n  \"holidays\":[01]}", CSVC_EINVAL,
	          "line 3, column");
	parse_err("{\"zone\":'UTC'}", CSVC_EINVAL, "unexpected character");
	parse_err("{\"zone\":\"UTC\"} x", CSVC_EINVAL, "after the calendar");
	parse_err("{\"zone\":\"U\\qTC\"}", CSVC_EINVAL, "unknown escape");
	parse_err("{\"zone\":\"\\ud800\"}", CSVC_EINVAL, "surrogate");
	parse_err("{\"zone\":\"\\u0000\"}", CSVC_EINVAL, "NUL");
	parse_err("{\"zone\":\"\xc3\x28\"}", CSVC_EINVAL, "UTF-8");
	parse_err("{\"zone\":\"a\tb\"}", CSVC_EINVAL, "control character");
	parse_err("{\"zone\":tru}", CSVC_EINVAL, "unexpected character");
	parse_err("{\"zone\":-}", CSVC_EINVAL, "malformed number");
	parse_err("{\"zone\":1.}", CSVC_EINVAL, "malformed number");
	parse_err("{\"zone\":\"UTC", CSVC_EINVAL, "unterminated string");
	parse_err("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", CSVC_EINVAL,
	          "nesting");
	/* structure */
	parse_err("[]", CSVC_EINVAL, "must be a JSON object");
	parse_err("{\"versions\":[{\"week\":{}}]}", CSVC_EINVAL, "lacks \"zone\"");
	parse_err("{\"zone\":\"UTC\"}", CSVC_EINVAL, "lacks \"versions\"");
	parse_err("{\"zone\":\"UTC\",\"versions\":[]}", CSVC_EINVAL, "non-empty array");
	parse_err("{\"zone\":\"UTC\",\"zone\":\"UTC\",\"versions\":[{\"week\":{}}]}", CSVC_EINVAL,
	          "duplicate member \"zone\"");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{}}],\"colour\":1}", CSVC_EINVAL,
	          "unknown member");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{}]}", CSVC_EINVAL, "lacks \"week\"");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"monday\":[]}}]}", CSVC_EINVAL,
	          "unknown member (expected mon");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":[],\"mon\":[]}}]}", CSVC_EINVAL,
	          "duplicate member \"mon\"");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":\"09:00-18:00\"}}]}", CSVC_EINVAL,
	          "versions[0].week.mon must be an array");
	/* intervals and dates */
	const char *bad_iv[] = {"9:00-18:00", "09:00-18:0", "09:00", "24:00-01:00", "09:60-10:00",
	                        "09:00-24:01", "09:00:00-18:00:60", "09:00 -18:00", "-", "09:00-18:00-19:00"};
	for (size_t i = 0; i < sizeof(bad_iv) / sizeof(bad_iv[0]); i++) {
		snprintf(buf, sizeof(buf), "{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"tue\":[\"%s\"]}}]}",
		         bad_iv[i]);
		parse_err(buf, CSVC_EINVAL, "versions[0].week.tue: an interval must be");
	}
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":[\"09:00-12:00\",\"11:00-13:00\"]}}]}",
	          CSVC_EINVAL, "intervals overlap");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":[\"22:00-02:00\",\"23:00-23:30\"]}}]}",
	          CSVC_EINVAL, "intervals overlap");
	const char *bad_dates[] = {"2025-02-29", "2025-13-01", "2025-1-01", "20250101", "1899-12-31",
	                           "2200-01-01", "2025-00-10", "2025-04-31"};
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
		snprintf(buf, sizeof(buf), "{\"zone\":\"UTC\",%s,\"holidays\":[\"%s\"]}", W, bad_dates[i]);
		parse_err(buf, CSVC_EINVAL, "holidays[0]");
	}
	snprintf(buf, sizeof(buf), "{\"zone\":\"UTC\",%s,\"holidays\":[\"2025-01-01\",\"2025-01-01\"]}", W);
	parse_err(buf, CSVC_EINVAL, "listed twice");
	snprintf(buf, sizeof(buf),
	         "{\"zone\":\"UTC\",%s,\"holidays\":[\"2025-01-01\"],"
	         "\"special_days\":[{\"date\":\"2025-01-01\",\"intervals\":[]}]}",
	         W);
	parse_err(buf, CSVC_EINVAL, "listed twice");
	snprintf(buf, sizeof(buf), "{\"zone\":\"UTC\",%s,\"special_days\":[{\"date\":\"2025-01-01\"}]}", W);
	parse_err(buf, CSVC_EINVAL, "needs \"date\" and \"intervals\"");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{}},{\"week\":{}}]}", CSVC_EINVAL,
	          "only one version may lack");
	parse_err("{\"zone\":\"UTC\",\"versions\":[{\"week\":{}},{\"from\":\"2025-01-01\",\"week\":{}},"
	          "{\"from\":\"2025-01-01\",\"week\":{}}]}",
	          CSVC_EINVAL, "same date");
	/* zones */
	parse_err("{\"zone\":\"../etc/passwd\",\"versions\":[{\"week\":{}}]}", CSVC_EINVAL, "zone");
	parse_err("{\"zone\":\"/etc/localtime\",\"versions\":[{\"week\":{}}]}", CSVC_EINVAL, "zone");
	parse_err("{\"zone\":\"Mars/Olympus_Mons\",\"versions\":[{\"week\":{}}]}", CSVC_ENOTFOUND, "Mars");
	parse_err("{\"zone\":\"+30:00\",\"versions\":[{\"week\":{}}]}", CSVC_ERANGE, NULL);
	/* limits */
	char *big = malloc(200000);
	assert_non_null(big);
	size_t n = (size_t)snprintf(big, 200000, "{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":[");
	for (int i = 0; i < CSVC_CALENDAR_DAY_INTERVALS_MAX + 1; i++)
		n += (size_t)snprintf(big + n, 200000 - n, "%s\"%02d:%02d-%02d:%02d\"", i ? "," : "", i / 3,
		                      (i % 3) * 20, i / 3, (i % 3) * 20 + 10);
	snprintf(big + n, 200000 - n, "]}}]}");
	parse_err(big, CSVC_ERANGE, "more than");
	free(big);
	/* Bounded memory: too many JSON values, too many days. */
	size_t cap = 4 * 1024 * 1024;
	char *huge = malloc(cap);
	assert_non_null(huge);
	n = (size_t)snprintf(huge, cap, "{\"zone\":\"UTC\",%s,\"holidays\":[", W);
	for (int i = 0; i < 400001; i++)
		n += (size_t)snprintf(huge + n, cap - n, i ? ",1" : "1");
	snprintf(huge + n, cap - n, "]}");
	parse_err(huge, CSVC_ERANGE, "JSON values");
	csvc_calendar *many = NULL;
	for (int extra = 0; extra < 2; extra++) {
		n = (size_t)snprintf(huge, cap, "{\"zone\":\"Europe/London\",%s,\"holidays\":[", W);
		for (int i = 0; i < CSVC_CALENDAR_DAYS_MAX + extra; i++) {
			csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
			csvc_assert_ok(csvc_civil_from_local((utc(1900, 1, 1, 0, 0, 0) / DAY_US + 2 * i) * DAY_US, &c));
			n += (size_t)snprintf(huge + n, cap - n, "%s\"%04d-%02d-%02d\"", i ? "," : "", (int)c.year,
			                      (int)c.month, (int)c.day);
		}
		snprintf(huge + n, cap - n, "]}");
		if (extra)
			parse_err(huge, CSVC_ERANGE, "holidays and special days");
		else
			many = cal_from(huge);
	}
	assert_int_equal(between(many, utc(1990, 1, 1, 0, 0, 0), utc(2000, 1, 1, 0, 0, 0)), 0);
	csvc_calendar_free(many);
	free(huge);
	/* arguments */
	csvc_calendar *cal = NULL;
	csvc_assert_err(csvc_calendar_parse(NULL, "{}", 2, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_parse(&cal, NULL, 2, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_parse(&cal, "{\"zone\":\"UTC\"\0}", 15, NULL), CSVC_EINVAL);
	csvc_calendar_options o;
	csvc_assert_ok(csvc_calendar_options_init(&o, CSVC_CALENDAR_OPTIONS_VERSION));
	o.version = 99;
	csvc_assert_err(csvc_calendar_parse(&cal, ORACLE_CALENDAR, strlen(ORACLE_CALENDAR), &o), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_options_init(NULL, CSVC_CALENDAR_OPTIONS_VERSION), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_parse(&cal, ORACLE_CALENDAR, (size_t)CSVC_CALENDAR_TEXT_MAX + 1, NULL),
	                CSVC_ERANGE);
	assert_null(cal);
	csvc_assert_err(csvc_calendar_to_json(NULL, (char **)&cal), CSVC_EINVAL);
}

static void test_given_tz(void **state)
{
	(void)state;
	char path[600];
	snprintf(path, sizeof(path), "%s/Asia/Shanghai", zoneinfo);
	size_t len = 0;
	unsigned char *bytes = csvc_test_read_file(path, &len);
	assert_non_null(bytes);
	csvc_tz *tz = NULL;
	csvc_assert_ok(csvc_tz_from_tzif(&tz, "Asia/Shanghai", bytes, len));
	free(bytes);
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.tz = tz;
	o.zoneinfo_dir = "/nonexistent";
	const char *j = "{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{\"mon\":[\"09:00-18:00\"]}}]}";
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, j, strlen(j), &o));
	csvc_tz_free(tz); /* the calendar has its own copy */
	assert_int_equal(next_open(cal, utc(2025, 1, 5, 0, 0, 0)), utc(2025, 1, 6, 1, 0, 0));
	csvc_calendar_free(cal);
	/* A zone that does not match the text is refused. */
	csvc_assert_ok(csvc_tz_fixed(&tz, 8 * 3600));
	o.tz = tz;
	csvc_assert_err(csvc_calendar_parse(&cal, j, strlen(j), &o), CSVC_EINVAL);
	csvc_tz_free(tz);
}

/* ---- semantics on ordinary days ---- */

static void test_boundaries_and_split_shifts(void **state)
{
	(void)state;
	csvc_calendar *cal = cal_from("{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{"
	                              "\"mon\":[\"09:00-12:00\",\"13:00-18:00\"],"
	                              "\"tue\":[\"09:00-12:00\",\"13:00-18:00\"]}}]}");
	/* 2025-01-06 is a Monday; Shanghai is UTC+8. */
	csvc_time_us mon = utc(2025, 1, 6, 0, 0, 0) - 8 * H_US; /* local midnight */
	assert_false(is_open(cal, mon + 9 * H_US - 1));
	assert_true(is_open(cal, mon + 9 * H_US));
	assert_true(is_open(cal, mon + 12 * H_US - 1));
	assert_false(is_open(cal, mon + 12 * H_US)); /* closing instant is closed */
	assert_true(is_open(cal, mon + 13 * H_US));
	assert_false(is_open(cal, mon + 18 * H_US)); /* a ticket at 18:00 is outside */
	assert_int_equal(next_open(cal, mon + 12 * H_US), mon + 13 * H_US);
	assert_int_equal(next_open(cal, mon + 18 * H_US), mon + DAY_US + 9 * H_US);
	assert_int_equal(next_open(cal, mon + 10 * H_US + 7), mon + 10 * H_US + 7);
	/* 2 h from 11:00 spans the lunch break. */
	assert_int_equal(add(cal, mon + 11 * H_US, 2 * H_US), mon + 14 * H_US);
	/* Running out exactly at 12:00 gives the next opening. */
	assert_int_equal(add(cal, mon + 11 * H_US, H_US), mon + 13 * H_US);
	assert_int_equal(add(cal, mon + 11 * H_US, H_US - 1), mon + 12 * H_US - 1);
	/* Exactly at 18:00 Tuesday: next opening is next Monday. */
	assert_int_equal(add(cal, mon + 9 * H_US, 16 * H_US), mon + 7 * DAY_US + 9 * H_US);
	/* Zero duration. */
	assert_int_equal(add(cal, mon + 10 * H_US, 0), mon + 10 * H_US);
	assert_int_equal(add(cal, mon + 12 * H_US, 0), mon + 13 * H_US);
	assert_int_equal(add(cal, mon + 9 * H_US, 0), mon + 9 * H_US);
	assert_int_equal(between(cal, mon, mon + 7 * DAY_US), 16 * H_US);
	assert_int_equal(between(cal, mon + 7 * DAY_US, mon), -16 * H_US);
	assert_int_equal(between(cal, mon + 11 * H_US + 1, mon + 13 * H_US + 2), H_US - 1 + 2);
	/* Whole weeks by division: 100 weeks of 16 h. */
	assert_int_equal(add(cal, mon + 9 * H_US, 100 * 16 * H_US + 1), mon + 700 * DAY_US + 9 * H_US + 1);
	csvc_calendar_free(cal);
}

static void test_crossing_midnight_and_holidays(void **state)
{
	(void)state;
	/* Night shift Friday 22:00 to Saturday 06:00; Saturday also 08:00-10:00. */
	csvc_calendar *cal = cal_from("{\"zone\":\"UTC\",\"versions\":[{\"week\":{"
	                              "\"fri\":[\"22:00-06:00\"],\"sat\":[\"05:00-07:00\",\"08:00-10:00\"]}}],"
	                              "\"holidays\":[\"2025-01-11\",\"2025-01-17\"]}");
	csvc_time_us fri = utc(2025, 1, 3, 0, 0, 0);
	assert_true(is_open(cal, fri + 22 * H_US));
	assert_true(is_open(cal, fri + DAY_US + 3 * H_US));
	/* The overlap with Saturday's 05:00-07:00 is a union. */
	assert_int_equal(between(cal, fri, fri + 2 * DAY_US), 9 * H_US + 2 * H_US);
	assert_int_equal(add(cal, fri + 23 * H_US, 8 * H_US), fri + DAY_US + 8 * H_US);
	/* Holiday on Saturday 2025-01-11: Friday's night shift still runs
	 * into Saturday, Saturday's own intervals do not. */
	csvc_time_us fri2 = fri + 7 * DAY_US;
	assert_true(is_open(cal, fri2 + DAY_US + 5 * H_US));
	assert_false(is_open(cal, fri2 + DAY_US + 6 * H_US));
	assert_false(is_open(cal, fri2 + DAY_US + 9 * H_US));
	assert_int_equal(between(cal, fri2, fri2 + 2 * DAY_US), 8 * H_US);
	/* Holiday on Friday 2025-01-17: its night shift is gone, also after
	 * midnight; Saturday's intervals remain. */
	csvc_time_us fri3 = fri + 14 * DAY_US;
	assert_false(is_open(cal, fri3 + 23 * H_US));
	assert_false(is_open(cal, fri3 + DAY_US + 4 * H_US));
	assert_true(is_open(cal, fri3 + DAY_US + 5 * H_US));
	assert_int_equal(between(cal, fri3, fri3 + 2 * DAY_US), 4 * H_US);
	assert_int_equal(next_open(cal, fri3), fri3 + DAY_US + 5 * H_US);
	csvc_calendar_free(cal);
}

static void test_24_7(void **state)
{
	(void)state;
	const char *zones[] = {"UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe",
	                       "Asia/Shanghai"};
	for (size_t z = 0; z < 5; z++) {
		char j[512];
		snprintf(j, sizeof(j),
		         "{\"zone\":\"%s\",\"versions\":[{\"week\":{\"mon\":[\"00:00-24:00\"],"
		         "\"tue\":[\"00:00-24:00\"],\"wed\":[\"00:00-24:00\"],\"thu\":[\"00:00-00:00\"],"
		         "\"fri\":[\"00:00-24:00\"],\"sat\":[\"00:00-12:00\",\"12:00-24:00\"],"
		         "\"sun\":[\"00:00-24:00\"]}}]}",
		         zones[z]);
		csvc_calendar *cal = cal_from(j);
		/* Real elapsed time, whatever the clocks do. */
		for (int k = 0; k < 400; k++) {
			csvc_time_us t = utc(2024, 1, 1, 0, 0, 0) + (int64_t)k * 21 * H_US + k * 7 * S_US;
			int64_t d = (int64_t)k * 3 * H_US + k;
			assert_true(is_open(cal, t));
			assert_int_equal(add(cal, t, d), t + d);
			assert_int_equal(between(cal, t, t + d), d);
		}
		assert_int_equal(add(cal, utc(2025, 1, 1, 0, 0, 0), 365 * DAY_US), utc(2026, 1, 1, 0, 0, 0));
		csvc_calendar_free(cal);
	}
}

static void test_special_days_and_versions(void **state)
{
	(void)state;
	csvc_calendar *cal = cal_from(
		"{\"zone\":\"Asia/Shanghai\",\"versions\":["
		"{\"from\":\"2025-01-01\",\"week\":{\"mon\":[\"09:00-18:00\"],\"tue\":[\"09:00-18:00\"],"
		"\"wed\":[\"09:00-18:00\"],\"thu\":[\"09:00-18:00\"],\"fri\":[\"09:00-18:00\"]}},"
		"{\"from\":\"2025-03-01\",\"week\":{\"mon\":[\"10:00-20:00\"],\"tue\":[\"10:00-20:00\"],"
		"\"wed\":[\"10:00-20:00\"],\"thu\":[\"10:00-20:00\"],\"fri\":[\"10:00-20:00\"],"
		"\"sat\":[\"10:00-16:00\"]}}],"
		"\"special_days\":[{\"date\":\"2025-01-26\",\"intervals\":[\"10:00-16:00\"]},"
		"{\"date\":\"2025-01-27\",\"intervals\":[\"09:00-12:00\"]}]}");
	csvc_time_us off = 8 * H_US;
	/* Before the first version: closed. */
	assert_false(is_open(cal, utc(2024, 12, 30, 10, 0, 0) - off));
	assert_int_equal(next_open(cal, utc(2024, 12, 20, 0, 0, 0)), utc(2025, 1, 1, 9, 0, 0) - off);
	/* Special days: a Sunday opened, a Monday shortened. */
	assert_true(is_open(cal, utc(2025, 1, 26, 10, 0, 0) - off));
	assert_false(is_open(cal, utc(2025, 1, 26, 16, 0, 0) - off));
	assert_false(is_open(cal, utc(2025, 1, 27, 13, 0, 0) - off));
	assert_int_equal(between(cal, utc(2025, 1, 25, 0, 0, 0) - off, utc(2025, 1, 28, 0, 0, 0) - off),
	                 9 * H_US);
	/* The second version changes the future, not the past. */
	assert_true(is_open(cal, utc(2025, 2, 28, 9, 30, 0) - off));
	assert_false(is_open(cal, utc(2025, 3, 3, 9, 30, 0) - off));
	assert_true(is_open(cal, utc(2025, 3, 1, 10, 0, 0) - off)); /* a Saturday */
	assert_int_equal(between(cal, utc(2025, 2, 24, 0, 0, 0) - off, utc(2025, 3, 3, 0, 0, 0) - off),
	                 5 * 9 * H_US + 6 * H_US);
	/* Due times across the change: 2 h from Friday 17:00 lands on Saturday 11:00. */
	assert_int_equal(add(cal, utc(2025, 2, 28, 17, 0, 0) - off, 2 * H_US), utc(2025, 3, 1, 11, 0, 0) - off);
	csvc_calendar_free(cal);
}

/* ---- DST days ---- */

static csvc_calendar *one_day_cal(const char *zone, const char *day, const char *interval)
{
	char j[512];
	snprintf(j, sizeof(j), "{\"zone\":\"%s\",\"versions\":[{\"week\":{\"%s\":[\"%s\"]}}]}", zone, day,
	         interval);
	return cal_from(j);
}

/* Business time of the whole local week around `instant`. */
static int64_t week_total(const csvc_calendar *cal, csvc_time_us instant)
{
	return between(cal, instant - 3 * DAY_US, instant + 3 * DAY_US);
}

static void test_dst_london(void **state)
{
	(void)state;
	csvc_calendar *cal = one_day_cal("Europe/London", "sun", "01:00-03:00");
	/* Clocks go back at 02:00 BST (01:00 UTC) on 2024-10-27: three hours. */
	csvc_time_us back = utc(2024, 10, 27, 1, 0, 0);
	assert_int_equal(week_total(cal, back), 3 * H_US);
	assert_int_equal(next_open(cal, back - 12 * H_US), utc(2024, 10, 27, 0, 0, 0)); /* 01:00 BST */
	assert_true(is_open(cal, back + 30 * MIN_US)); /* repeated 01:30 GMT */
	assert_false(is_open(cal, utc(2024, 10, 27, 3, 0, 0)));
	assert_int_equal(add(cal, utc(2024, 10, 27, 0, 0, 0), 150 * MIN_US), utc(2024, 10, 27, 2, 30, 0));
	/* Clocks go forward at 01:00 GMT on 2024-03-31: one hour. */
	csvc_time_us fwd = utc(2024, 3, 31, 1, 0, 0);
	assert_int_equal(week_total(cal, fwd), H_US);
	/* 01:00-02:00 GMT is skipped, so the shift opens at the change
	 * (02:00 BST) and ends at 03:00 BST. */
	assert_int_equal(next_open(cal, fwd - 12 * H_US), fwd);
	assert_true(is_open(cal, fwd));
	assert_true(is_open(cal, fwd + H_US - 1));
	assert_false(is_open(cal, fwd + H_US));
	/* Ordinary Sunday: two hours. */
	assert_int_equal(week_total(cal, utc(2024, 6, 16, 1, 0, 0)), 2 * H_US);
	/* Past the table (footer rule): 2050-10-30 and 2050-03-27. */
	assert_int_equal(week_total(cal, utc(2050, 10, 30, 1, 0, 0)), 3 * H_US);
	assert_int_equal(week_total(cal, utc(2050, 3, 27, 1, 0, 0)), H_US);
	csvc_calendar_free(cal);

	/* A shift that ends in the repeated hour stops at its first end... */
	cal = one_day_cal("Europe/London", "sun", "00:00-01:30");
	assert_int_equal(week_total(cal, back), 90 * MIN_US);
	assert_false(is_open(cal, back + 10 * MIN_US)); /* 01:10 GMT, the second time */
	csvc_calendar_free(cal);
	/* ...one running through the change keeps the repeated stretch. */
	cal = one_day_cal("Europe/London", "sun", "01:30-02:00");
	assert_int_equal(week_total(cal, back), 90 * MIN_US);
	assert_true(is_open(cal, back + 10 * MIN_US));
	assert_int_equal(add(cal, utc(2024, 10, 27, 0, 30, 0), 60 * MIN_US), utc(2024, 10, 27, 1, 30, 0));
	csvc_calendar_free(cal);
	/* And one starting in the repeated hour starts when the clock first shows it. */
	cal = one_day_cal("Europe/London", "sun", "02:00-03:00");
	assert_int_equal(week_total(cal, back), H_US);
	assert_int_equal(next_open(cal, back - 3 * H_US), utc(2024, 10, 27, 2, 0, 0));
	csvc_calendar_free(cal);
}

static void test_dst_new_york(void **state)
{
	(void)state;
	csvc_calendar *cal = one_day_cal("America/New_York", "sun", "01:00-03:00");
	assert_int_equal(week_total(cal, utc(2024, 11, 3, 6, 0, 0)), 3 * H_US);
	assert_int_equal(week_total(cal, utc(2024, 3, 10, 7, 0, 0)), H_US);
	csvc_calendar_free(cal);
	/* A shift starting inside the gap (02:30 does not exist) opens at the change. */
	cal = one_day_cal("America/New_York", "sun", "02:30-04:00");
	assert_int_equal(next_open(cal, utc(2024, 3, 9, 12, 0, 0)), utc(2024, 3, 10, 7, 0, 0));
	assert_int_equal(week_total(cal, utc(2024, 3, 10, 7, 0, 0)), H_US);
	assert_int_equal(week_total(cal, utc(2024, 11, 3, 6, 0, 0)), 90 * MIN_US);
	csvc_calendar_free(cal);
	/* A shift wholly inside the gap does not happen. */
	cal = one_day_cal("America/New_York", "sun", "02:10-02:50");
	assert_int_equal(week_total(cal, utc(2024, 3, 10, 7, 0, 0)), 0);
	assert_int_equal(next_open(cal, utc(2024, 3, 9, 12, 0, 0)), utc(2024, 3, 17, 6, 10, 0));
	csvc_calendar_free(cal);
	/* Business time that runs out exactly at the change, with the rest of
	 * the interval skipped: 01:00-02:30 has one real hour, ending at the
	 * change (03:00 EDT, closed), so the due time is the next Sunday. */
	cal = one_day_cal("America/New_York", "sun", "01:00-02:30");
	assert_int_equal(week_total(cal, utc(2024, 3, 10, 7, 0, 0)), H_US);
	assert_int_equal(add(cal, utc(2024, 3, 10, 6, 0, 0), H_US), utc(2024, 3, 17, 5, 0, 0));
	assert_int_equal(add(cal, utc(2024, 3, 10, 6, 0, 0), H_US - 1), utc(2024, 3, 10, 7, 0, 0) - 1);
	assert_int_equal(add(cal, utc(2024, 3, 9, 0, 0, 0), H_US), utc(2024, 3, 17, 5, 0, 0));
	assert_false(is_open(cal, utc(2024, 3, 10, 7, 0, 0)));
	csvc_calendar_free(cal);
	/* Same with the interval reaching past the gap: the change instant is open. */
	cal = one_day_cal("America/New_York", "sun", "01:00-04:00");
	assert_int_equal(add(cal, utc(2024, 3, 10, 6, 0, 0), H_US), utc(2024, 3, 10, 7, 0, 0));
	assert_int_equal(add(cal, utc(2024, 3, 10, 6, 0, 0), 2 * H_US), utc(2024, 3, 17, 5, 0, 0));
	csvc_calendar_free(cal);
	/* Office hours on the change days are not affected by the night change. */
	cal = one_day_cal("America/New_York", "sun", "09:00-17:00");
	assert_int_equal(add(cal, utc(2024, 3, 10, 0, 0, 0), 8 * H_US - 1), utc(2024, 3, 10, 21, 0, 0) - 1);
	assert_int_equal(add(cal, utc(2024, 11, 3, 0, 0, 0), 8 * H_US - 1), utc(2024, 11, 3, 22, 0, 0) - 1);
	csvc_calendar_free(cal);
}

static void test_dst_lord_howe(void **state)
{
	(void)state;
	/* Lord Howe moves by 30 minutes: 02:00 -> 01:30 on 2024-04-07,
	 * 02:00 -> 02:30 on 2024-10-06. */
	csvc_calendar *cal = one_day_cal("Australia/Lord_Howe", "sun", "01:00-03:00");
	assert_int_equal(week_total(cal, utc(2024, 4, 6, 15, 0, 0)), 150 * MIN_US);
	assert_int_equal(week_total(cal, utc(2024, 10, 5, 15, 30, 0)), 90 * MIN_US);
	assert_int_equal(week_total(cal, utc(2024, 7, 6, 15, 0, 0)), 2 * H_US);
	assert_int_equal(week_total(cal, utc(2050, 4, 2, 15, 0, 0)), 150 * MIN_US);
	assert_int_equal(week_total(cal, utc(2050, 10, 1, 15, 30, 0)), 90 * MIN_US);
	/* 01:00 +11 is 14:00 UTC; 2 h 30 min later is 03:00 +1030 = 16:30 UTC, closed. */
	assert_int_equal(add(cal, utc(2024, 4, 6, 14, 0, 0), 150 * MIN_US - 1), utc(2024, 4, 6, 16, 30, 0) - 1);
	csvc_calendar_free(cal);
}

static void test_dst_shanghai(void **state)
{
	(void)state;
	csvc_calendar *cal = one_day_cal("Asia/Shanghai", "sun", "01:00-03:00");
	/* No DST today. */
	assert_int_equal(week_total(cal, utc(2024, 4, 14, 0, 0, 0)), 2 * H_US);
	assert_int_equal(week_total(cal, utc(2024, 9, 15, 0, 0, 0)), 2 * H_US);
	/* China had DST 1986-1991: 1988-04-17 02:00 -> 03:00, 1988-09-11 02:00 -> 01:00. */
	assert_int_equal(week_total(cal, utc(1988, 4, 16, 18, 0, 0)), H_US);
	assert_int_equal(week_total(cal, utc(1988, 9, 10, 17, 0, 0)), 3 * H_US);
	csvc_calendar_free(cal);
}

/* ---- range and arguments ---- */

static void test_arguments_and_range(void **state)
{
	(void)state;
	csvc_calendar *cal = cal_from(ORACLE_CALENDAR);
	csvc_time_us t = utc(2025, 1, 6, 10, 0, 0), out = 12345;
	int64_t v = 12345;
	int32_t open = 7;
	csvc_assert_err(csvc_calendar_add(NULL, t, 1, &out), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add(cal, t, 1, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add(cal, t, -1, &out), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add(cal, CSVC_CALENDAR_MIN_US - 1, 1, &out), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_add(cal, CSVC_CALENDAR_MAX_US, 1, &out), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_add(cal, t, INT64_MAX, &out), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_add(cal, utc(2199, 12, 31, 0, 0, 0), 48 * H_US, &out), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_next_open(cal, utc(2199, 12, 31, 20, 0, 0), &out), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_next_open(NULL, t, &out), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_next_open(cal, t, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_between(cal, t, INT64_MIN, &v), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_between(cal, t, t, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_is_open(cal, INT64_MAX, &open), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_is_open(cal, t, NULL), CSVC_EINVAL);
	assert_int_equal(out, 12345);
	assert_int_equal(v, 12345);
	assert_int_equal(open, 7);
	/* Range ends. */
	assert_int_equal(add(cal, CSVC_CALENDAR_MIN_US, 0), utc(1900, 1, 1, 9, 0, 0));
	assert_int_equal(between(cal, CSVC_CALENDAR_MIN_US, CSVC_CALENDAR_MAX_US - 1),
	                 between(cal, CSVC_CALENDAR_MIN_US, utc(2100, 1, 1, 0, 0, 0)) +
	                     between(cal, utc(2100, 1, 1, 0, 0, 0), CSVC_CALENDAR_MAX_US - 1));
	assert_null(csvc_calendar_zone(NULL));
	assert_null(csvc_calendar_tz(NULL));
	csvc_calendar_free(NULL);
	csvc_calendar_free(cal);

	/* A calendar that closes for good. */
	cal = cal_from("{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":[\"09:00-10:00\"]}},"
	               "{\"from\":\"2030-01-01\",\"week\":{}}]}");
	csvc_assert_err(csvc_calendar_add(cal, utc(2029, 12, 1, 0, 0, 0), 10 * H_US, &out), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_next_open(cal, utc(2029, 12, 31, 10, 0, 0), &out), CSVC_ENOTFOUND);
	assert_int_equal(add(cal, utc(2029, 12, 1, 0, 0, 0), 4 * H_US), utc(2029, 12, 31, 9, 0, 0));
	assert_int_equal(add(cal, utc(2029, 12, 1, 0, 0, 0), 5 * H_US - 1), utc(2029, 12, 31, 10, 0, 0) - 1);
	csvc_calendar_free(cal);
}

/* ---- random calendars ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Uniform in [lo, hi]. */
static int64_t rnd_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static void random_day(naive_day *d)
{
	memset(d, 0, sizeof(*d));
	int mode = (int)rnd_in(0, 19);
	if (mode < 3)
		return; /* closed */
	if (mode == 3) {
		d->n = 1;
		d->iv[0] = (naive_interval){0, 86400};
		return;
	}
	int k = (int)rnd_in(1, 3);
	int32_t pts[6];
	for (int i = 0; i < 2 * k; i++) {
	again:
		pts[i] = (int32_t)rnd_in(0, 1439) * 60;
		for (int j = 0; j < i; j++)
			if (pts[j] == pts[i])
				goto again;
	}
	for (int i = 1; i < 2 * k; i++) /* sort */
		for (int j = i; j > 0 && pts[j] < pts[j - 1]; j--) {
			int32_t t = pts[j];
			pts[j] = pts[j - 1];
			pts[j - 1] = t;
		}
	d->n = k;
	for (int i = 0; i < k; i++)
		d->iv[i] = (naive_interval){pts[2 * i], pts[2 * i + 1]};
	naive_interval *last = &d->iv[k - 1];
	int r = (int)rnd_in(0, 7);
	if (r == 0)
		last->end = 86400; /* until midnight */
	else if (r <= 2 && d->iv[0].start > 0)
		/* cross midnight, ending no later than the day's first start */
		last->end = 86400 + (int32_t)rnd_in(1, d->iv[0].start / 60) * 60;
}

static const char *const ZONES[] = {"UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe",
                                    "Asia/Shanghai"};

typedef struct random_cal {
	naive_calendar nc;
	naive_exception exc[40];
	csvc_tz *tz;
	csvc_calendar *cal;
	csvc_time_us lo, hi; /* instants to test */
} random_cal;

static int64_t day_of(csvc_time_us t)
{
	return t >= 0 ? t / DAY_US : -((-t + DAY_US - 1) / DAY_US);
}

static void random_calendar(random_cal *rc)
{
	memset(rc, 0, sizeof(*rc));
	const char *zone = ZONES[rnd_in(0, 4)];
	static const int years[] = {1988, 2021, 2024, 2038, 2061};
	int year = years[rnd_in(0, 4)];
	if (year == 1988)
		zone = "Asia/Shanghai";
	rc->lo = utc(year, 1, 1, 0, 0, 0);
	rc->hi = utc(year + 1, 12, 31, 0, 0, 0);
	csvc_assert_ok(csvc_tz_load(&rc->tz, zone, zoneinfo));
	naive_calendar *nc = &rc->nc;
	nc->zone = zone;
	nc->tz = rc->tz;
	nc->n_versions = (int32_t)rnd_in(1, 3);
	int64_t d0 = day_of(rc->lo), d1 = day_of(rc->hi);
	int64_t from = d0 - 10;
	for (int32_t v = 0; v < nc->n_versions; v++) {
		naive_version *ver = &nc->versions[v];
		ver->has_from = v > 0 || rnd_in(0, 3) == 0;
		if (ver->has_from) {
			from = rnd_in(from + 1, from + (d1 - d0) / 2);
			ver->from_day = from;
		}
		for (int w = 0; w < 7; w++)
			random_day(&ver->week[w]);
		if (v == nc->n_versions - 1)
			ver->week[rnd_in(0, 6)] = (naive_day){1, {{9 * 3600, 17 * 3600}}};
	}
	/* Holidays and special days, some on clock-change days. */
	int n = (int)rnd_in(0, 30);
	for (int i = 0; i < n; i++) {
		int64_t day;
		if (rnd_in(0, 3) == 0) {
			/* a day with a change of offset */
			csvc_time_us t = rnd_in(rc->lo, rc->hi);
			int32_t o1 = 0, o2 = 0;
			for (int k = 0; k < 200; k++, t += DAY_US) {
				csvc_tz_offset_at(rc->tz, t, &o1, NULL, NULL);
				csvc_tz_offset_at(rc->tz, t + DAY_US, &o2, NULL, NULL);
				if (o1 != o2)
					break;
			}
			day = day_of(t + (int64_t)o1 * S_US) + rnd_in(0, 1);
		} else {
			day = rnd_in(d0, d1);
		}
		int dup = 0;
		for (int32_t j = 0; j < nc->n_exceptions; j++)
			dup |= nc->exceptions[j].day == day;
		if (dup)
			continue;
		naive_exception *x = &rc->exc[nc->n_exceptions++];
		x->day = day;
		x->holiday = rnd_in(0, 1) == 0;
		if (!x->holiday)
			random_day(&x->d);
		nc->exceptions = rc->exc;
	}
	nc->exceptions = rc->exc;
	char *json = naive_calendar_json(nc);
	rc->cal = cal_from(json);
	free(json);
}

static void random_free(random_cal *rc)
{
	csvc_calendar_free(rc->cal);
	csvc_tz_free(rc->tz);
}

/* An instant near a change of UTC offset (found by search from a random
 * instant), or a random one if the zone has none nearby. */
static csvc_time_us change_instant(const random_cal *rc);

static csvc_time_us near_change(const random_cal *rc)
{
	return change_instant(rc) + rnd_in(-2 * DAY_US, DAY_US);
}

/* A change of UTC offset found by search from a random instant (or a
 * random instant if the zone has none nearby). */
static csvc_time_us change_instant(const random_cal *rc)
{
	csvc_time_us t = rnd_in(rc->lo, rc->hi);
	int32_t o1 = 0, o2 = 0;
	csvc_tz_offset_at(rc->tz, t, &o1, NULL, NULL);
	for (int k = 0; k < 400; k++) {
		csvc_tz_offset_at(rc->tz, t + DAY_US, &o2, NULL, NULL);
		if (o2 != o1)
			break;
		t += DAY_US;
	}
	if (o1 == o2)
		return t;
	csvc_time_us lo = t, hi = t + DAY_US; /* offset(lo) == o1 != offset(hi) */
	while (hi - lo > S_US) {
		csvc_time_us mid = lo + (hi - lo) / 2;
		int32_t om = 0;
		csvc_tz_offset_at(rc->tz, mid, &om, NULL, NULL);
		if (om == o1)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* A random instant: uniform, or near a clock change, on a whole minute,
 * or next to one. */
static csvc_time_us rnd_instant(const random_cal *rc)
{
	csvc_time_us t = rnd_in(0, 1) ? rnd_in(rc->lo, rc->hi) : near_change(rc);
	switch (rnd_in(0, 3)) {
	case 0: return t;
	case 1: return t - t % MIN_US;
	case 2: return t - t % MIN_US - 1;
	default: return t - t % (30 * MIN_US);
	}
}

static void test_random_vs_naive(void **state)
{
	(void)state;
	rng = 0x1234567887654321ull;
	int checks = 0;
	for (int c = 0; c < 120; c++) {
		random_cal rc;
		random_calendar(&rc);
		const naive_calendar *nc = &rc.nc;
		for (int k = 0; k < 10; k++) {
			csvc_time_us t = rnd_instant(&rc);
			csvc_time_us u = t + rnd_in(0, 4 * DAY_US);
			assert_int_equal(is_open(rc.cal, t), naive_is_open(nc, t));
			int64_t b = between(rc.cal, t, u);
			int64_t nb = naive_between(nc, t, u);
			if (b != nb)
				print_error("calendar %d zone %s: between(%lld, %lld) fast %lld naive %lld\n", c, nc->zone,
				            (long long)t, (long long)u, (long long)b, (long long)nb);
			assert_int_equal(b, nb);
			csvc_time_us limit = t + 60 * DAY_US;
			csvc_time_us no = naive_next_open(nc, t, limit);
			if (no >= 0)
				assert_int_equal(next_open(rc.cal, t), no);
			int64_t d = rnd_in(0, 3) == 0 ? b : rnd_in(0, 2) == 0 ? rnd_in(0, 200) * 15 * MIN_US
			                                                       : rnd_in(0, 2 * DAY_US);
			csvc_time_us na = naive_add(nc, t, d, limit);
			if (na >= 0) {
				csvc_time_us fa = add(rc.cal, t, d);
				if (fa != na)
					print_error("calendar %d zone %s: add(%lld, %lld) fast %lld naive %lld\n", c,
					            nc->zone, (long long)t, (long long)d, (long long)fa, (long long)na);
				assert_int_equal(fa, na);
			}
			checks++;
		}
		random_free(&rc);
	}
	assert_int_equal(checks, 1200);
}

static void test_properties(void **state)
{
	(void)state;
	rng = 0xC0FFEE0DDF00Dull;
	int cases = 0;
	for (int c = 0; c < 300; c++) {
		random_cal rc;
		random_calendar(&rc);
		const csvc_calendar *cal = rc.cal;
		for (int k = 0; k < 40; k++, cases++) {
			csvc_time_us t = rnd_instant(&rc);
			csvc_time_us u = t + rnd_in(0, 20 * DAY_US);
			csvc_time_us w = u + rnd_in(0, 20 * DAY_US);
			/* add(t, between(t, u)) is u, or the next opening after u. */
			int64_t b = between(cal, t, u);
			assert_true(b >= 0 && b <= u - t);
			assert_int_equal(add(cal, t, b), next_open(cal, u));
			/* between is additive. */
			assert_int_equal(between(cal, t, u) + between(cal, u, w), between(cal, t, w));
			/* next_open is open, at or after t, with no business time between. */
			csvc_time_us no = next_open(cal, t);
			assert_true(no >= t);
			assert_true(is_open(cal, no));
			assert_int_equal(between(cal, t, no), 0);
			if (is_open(cal, t))
				assert_int_equal(no, t);
			/* add is monotonic, composes, and uses exactly d. */
			int64_t d1 = rnd_in(0, 3 * DAY_US), d2 = rnd_in(0, 3 * DAY_US);
			if (rnd_in(0, 1))
				d1 -= d1 % MIN_US;
			csvc_time_us a1 = add(cal, t, d1), a2 = add(cal, t, d2);
			assert_true(d1 <= d2 ? a1 <= a2 : a1 >= a2);
			assert_int_equal(between(cal, t, a1), d1);
			assert_int_equal(add(cal, a1, d2), add(cal, t, d1 + d2));
			assert_true(is_open(cal, a1));
			/* Durations that run out exactly at a clock change. */
			csvc_time_us ch = change_instant(&rc) + rnd_in(-1, 1);
			csvc_time_us before = ch - rnd_in(0, 3 * DAY_US);
			assert_int_equal(add(cal, before, between(cal, before, ch)), next_open(cal, ch));
			/* One microsecond less ends inside open time, before a1. */
			if (d1 > 0) {
				csvc_time_us a0 = add(cal, t, d1 - 1);
				assert_true(a0 < a1);
				assert_int_equal(between(cal, a0, a1), 1);
			}
		}
		random_free(&rc);
	}
	assert_int_equal(cases, 12000);
}

/* ---- storage ---- */

static void test_store_round_trip(void **state)
{
	(void)state;
	csvc_time_us clock = 1700000000 * S_US;
	csvc_store *s = csvc_test_store(&clock);
	int32_t version = 0;
	csvc_assert_ok(csvc_store_schema_version(s, &version));
	assert_true(version >= 2);

	csvc_calendar *cal = cal_from(ROUND_TRIP[1]);
	csvc_assert_ok(csvc_calendar_save(s, "Shanghai stores", cal));
	csvc_uuid id1, id2;
	csvc_time_us created = 0, updated = 0;
	csvc_assert_ok(csvc_calendar_info(s, "Shanghai stores", &id1, &created, &updated));
	assert_false(csvc_uuid_is_nil(&id1));
	assert_int_equal(created, clock);
	assert_int_equal(updated, clock);

	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.zoneinfo_dir = zoneinfo;
	csvc_calendar *back = NULL;
	csvc_assert_ok(csvc_calendar_load(s, "Shanghai stores", &o, &back));
	char *t1 = NULL, *t2 = NULL;
	csvc_assert_ok(csvc_calendar_to_json(cal, &t1));
	csvc_assert_ok(csvc_calendar_to_json(back, &t2));
	assert_string_equal(t1, t2);
	csvc_free(t1);
	csvc_free(t2);
	csvc_calendar_free(back);

	/* Saving again replaces, keeping the UUID and creation time. */
	clock += 60 * S_US;
	csvc_calendar *cal2 = cal_from(ORACLE_CALENDAR);
	csvc_assert_ok(csvc_calendar_save(s, "Shanghai stores", cal2));
	csvc_assert_ok(csvc_calendar_info(s, "Shanghai stores", &id2, &created, &updated));
	assert_true(csvc_uuid_equal(&id1, &id2));
	assert_int_equal(created, clock - 60 * S_US);
	assert_int_equal(updated, clock);
	csvc_assert_ok(csvc_calendar_save(s, "Beijing", cal));
	csvc_assert_ok(csvc_calendar_save(s, "\xe5\x8c\x97\xe4\xba\xac", cal)); /* 北京 */

	char **names = NULL;
	size_t count = 0;
	csvc_assert_ok(csvc_calendar_list(s, &names, &count));
	assert_int_equal(count, 3);
	assert_string_equal(names[0], "Beijing");
	assert_string_equal(names[1], "Shanghai stores");
	assert_string_equal(names[2], "\xe5\x8c\x97\xe4\xba\xac");
	csvc_free(names);

	/* Store codes. */
	csvc_assert_ok(csvc_calendar_attach(s, "SH01", "Shanghai stores"));
	csvc_assert_ok(csvc_calendar_attach(s, "SH02", "Shanghai stores"));
	csvc_assert_ok(csvc_calendar_attach(s, "BJ01", "Beijing"));
	char *name = NULL;
	csvc_assert_ok(csvc_calendar_name_for_store(s, "SH01", &name));
	assert_string_equal(name, "Shanghai stores");
	csvc_free(name);
	csvc_calendar *for_store = NULL;
	csvc_assert_ok(csvc_calendar_for_store(s, "SH02", &o, &for_store));
	assert_int_equal(add(for_store, utc(2025, 1, 6, 17, 0, 0), 2 * H_US), add(cal2, utc(2025, 1, 6, 17, 0, 0), 2 * H_US));
	csvc_calendar_free(for_store);
	/* Re-attaching replaces. */
	csvc_assert_ok(csvc_calendar_attach(s, "SH02", "Beijing"));
	csvc_assert_ok(csvc_calendar_name_for_store(s, "SH02", &name));
	assert_string_equal(name, "Beijing");
	csvc_free(name);

	/* Errors, each leaving the store unchanged. */
	csvc_calendar *none = NULL;
	csvc_assert_err(csvc_calendar_load(s, "nope", &o, &none), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_for_store(s, "XX99", &o, &none), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_attach(s, "SH03", "nope"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_name_for_store(s, "SH03", &name), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_delete(s, "Beijing"), CSVC_ESTATE);
	csvc_assert_err(csvc_calendar_delete(s, "nope"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_detach(s, "XX99"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_save(s, "", cal), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_save(s, "bad\xff", cal), CSVC_EINVAL);
	char long_name[CSVC_CALENDAR_NAME_MAX + 2];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	csvc_assert_err(csvc_calendar_save(s, long_name, cal), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_save(NULL, "x", cal), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_save(s, "x", NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_attach(s, "", "Beijing"), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_attach(s, "SH 01", "Beijing"), CSVC_EINVAL); /* the store-code rule of every module */
	csvc_assert_err(csvc_calendar_list(s, NULL, &count), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_info(s, "nope", NULL, NULL, NULL), CSVC_ENOTFOUND);
	o.version = CSVC_CALENDAR_OPTIONS_VERSION + 1;
	csvc_assert_err(csvc_calendar_load(s, "Beijing", &o, &none), CSVC_EINVAL);
	o.version = CSVC_CALENDAR_OPTIONS_VERSION;
	assert_null(none);

	/* Inside a caller's transaction, rolled back. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_calendar_detach(s, "SH01"));
	csvc_assert_ok(csvc_calendar_delete(s, "\xe5\x8c\x97\xe4\xba\xac"));
	csvc_assert_ok(csvc_store_rollback(s));
	csvc_assert_ok(csvc_calendar_name_for_store(s, "SH01", &name));
	csvc_free(name);
	csvc_assert_ok(csvc_calendar_list(s, &names, &count));
	assert_int_equal(count, 3);
	csvc_free(names);

	/* Detach, then delete. */
	csvc_assert_ok(csvc_calendar_detach(s, "BJ01"));
	csvc_assert_ok(csvc_calendar_detach(s, "SH02"));
	csvc_assert_ok(csvc_calendar_delete(s, "Beijing"));
	csvc_assert_err(csvc_calendar_info(s, "Beijing", NULL, NULL, NULL), CSVC_ENOTFOUND);

	/* Text damaged in the store is reported as corrupt. */
	csvc_assert_ok(csvc_test_sql_exec(s, "UPDATE calendars SET spec = '{\"zone\":1}'"));
	csvc_assert_err(csvc_calendar_load(s, "Shanghai stores", &o, &none), CSVC_ECORRUPT);
	csvc_assert_err(csvc_calendar_for_store(s, "SH01", &o, &none), CSVC_ECORRUPT);
	assert_null(none);
	csvc_calendar_free(cal);
	csvc_calendar_free(cal2);
	csvc_store_close(s);
}

/* ---- zones kept in the store (devices without tzdata) ---- */

/* Mon-Fri 09:00-18:00 in Shanghai. */
static const char SH_WEEKDAYS[] =
	"{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{"
	"\"mon\":[\"09:00-18:00\"],\"tue\":[\"09:00-18:00\"],\"wed\":[\"09:00-18:00\"],"
	"\"thu\":[\"09:00-18:00\"],\"fri\":[\"09:00-18:00\"],\"sat\":[],\"sun\":[]}}]}";

/* A fresh temporary directory (empty: no zoneinfo at all). */
static void temp_dir(char *out, size_t n)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(out, n, "%s/csvc-zones-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_non_null(mkdtemp(out));
}

static csvc_store *open_file_store(const char *path, const char *zone_dir, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = clock;
	o.zoneinfo_dir = zone_dir;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	return s;
}

/* The due instant of target `name` of a ticket. */
static csvc_time_us due_of(csvc_store *s, const csvc_ticket *t, const char *name)
{
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(csvc_sla_ticket_targets(s, csvc_ticket_id(t), &it));
	csvc_sla_target *x = NULL;
	csvc_time_us due = -1;
	while (csvc_sla_iter_next(it, &x) == CSVC_OK) {
		if (strcmp(csvc_sla_target_name(x), name) == 0)
			due = csvc_sla_target_due_at(x);
		csvc_sla_target_free(x);
	}
	csvc_sla_iter_free(it);
	return due;
}

static csvc_ticket *open_inquiry(csvc_store *s, const char *store_code)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", store_code));
	csvc_assert_ok(csvc_ticket_set_subject(t, "zone"));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

/* A calendar saved where tzdata exists keeps working after the store moves
 * to a device without any (an empty zoneinfo_dir): loading it and creating
 * tickets with SLA targets on it. */
static void test_calendar_without_tzdata(void **state)
{
	(void)state;
	char dir[512], empty[600], path[700];
	temp_dir(dir, sizeof(dir));
	snprintf(empty, sizeof(empty), "%s/zoneinfo", dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	snprintf(path, sizeof(path), "%s/till.db", dir);
	/* Monday 2026-11-23 17:50 in Shanghai. */
	csvc_time_us clock = utc(2026, 11, 23, 9, 50, 0);

	csvc_store *s = open_file_store(path, zoneinfo, &clock);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_calendar *cal = cal_from(SH_WEEKDAYS);
	csvc_assert_ok(csvc_calendar_save(s, "sh", cal));
	csvc_assert_ok(csvc_calendar_attach(s, "SH01", "sh"));
	csvc_calendar_free(cal);
	csvc_store_close(s);

	s = open_file_store(path, empty, &clock);
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.zoneinfo_dir = empty;
	csvc_calendar *back = NULL;
	csvc_assert_ok(csvc_calendar_load(s, "sh", &o, &back));
	assert_string_equal(csvc_calendar_zone(back), "Asia/Shanghai");
	int32_t off = 0;
	csvc_assert_ok(csvc_tz_offset_at(csvc_calendar_tz(back), clock, &off, NULL, NULL));
	assert_int_equal(off, 8 * 3600);
	csvc_calendar_free(back);
	csvc_assert_ok(csvc_calendar_for_store(s, "SH01", &o, &back));
	csvc_calendar_free(back);

	/* 10 min on Monday, 10 more from Tuesday 09:00 Shanghai time. */
	csvc_ticket *t = open_inquiry(s, "SH01");
	assert_int_equal(due_of(s, t, "first_response"), utc(2026, 11, 24, 1, 10, 0));
	csvc_ticket_free(t);
	clock += 60 * S_US;
	t = open_inquiry(s, "SH01");
	assert_int_equal(due_of(s, t, "first_response"), utc(2026, 11, 24, 1, 11, 0));
	csvc_ticket_free(t);
	csvc_store_close(s);

	unlink(path);
	rmdir(empty);
	rmdir(dir);
}

static int64_t count_sql(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

/* A host without tzdata supplies a zone's TZif bytes itself; a zone found
 * nowhere is a clear CSVC_ENOTFOUND. */
static void test_zone_from_host(void **state)
{
	(void)state;
	char dir[512];
	temp_dir(dir, sizeof(dir)); /* empty: no zoneinfo */
	csvc_time_us clock = utc(2026, 11, 23, 9, 50, 0);
	csvc_store *s = open_file_store(":memory:", dir, &clock);
	csvc_assert_ok(csvc_store_install_defaults(s));

	char path[600];
	size_t len = 0;
	unsigned char *bytes = csvc_test_read_file(csvc_test_data_path(path, sizeof(path), "zoneinfo/Asia/Shanghai"), &len);
	assert_non_null(bytes);

	/* Bad data, and zones that need none, are refused and keep nothing. */
	csvc_assert_err(csvc_calendar_add_zone(s, "Asia/Shanghai", "TZif", 4), CSVC_ECORRUPT);
	csvc_assert_err(csvc_calendar_add_zone(s, "UTC", bytes, len), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add_zone(s, "+08:00", bytes, len), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add_zone(s, "../Asia/Shanghai", bytes, len), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add_zone(s, "Asia/Shanghai", NULL, len), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_add_zone(NULL, "Asia/Shanghai", bytes, len), CSVC_EINVAL);
	assert_int_equal(count_sql(s, "SELECT count(*) FROM zone_data"), 0);
	csvc_assert_err(csvc_calendar_set_store_zone(s, "SH01", "Asia/Shanghai"), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "Asia/Shanghai"));
	assert_non_null(strstr(csvc_error_last()->message, "csvc_calendar_add_zone"));

	csvc_assert_ok(csvc_calendar_add_zone(s, "Asia/Shanghai", bytes, len));
	/* The host builds its calendar on the same bytes and saves it. */
	csvc_tz *tz = NULL;
	csvc_assert_ok(csvc_tz_from_tzif(&tz, "Asia/Shanghai", bytes, len));
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.tz = tz;
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, SH_WEEKDAYS, strlen(SH_WEEKDAYS), &o));
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_calendar_save(s, "sh", cal));
	csvc_assert_ok(csvc_calendar_attach(s, "SH01", "sh"));
	csvc_calendar_free(cal);
	csvc_ticket *t = open_inquiry(s, "SH01");
	assert_int_equal(due_of(s, t, "first_response"), utc(2026, 11, 24, 1, 10, 0));
	csvc_ticket_free(t);

	/* Without the store's copy the zone is nowhere: the error says which
	 * zone and how to supply it. */
	o.tz = NULL;
	o.zoneinfo_dir = dir;
	csvc_assert_ok(csvc_test_sql_exec(s, "DELETE FROM zone_data"));
	csvc_calendar *none = NULL;
	csvc_assert_err(csvc_calendar_load(s, "sh", &o, &none), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "'Asia/Shanghai'"));
	assert_non_null(strstr(csvc_error_last()->message, "csvc_calendar_add_zone"));
	assert_null(none);
	csvc_assert_ok(csvc_calendar_add_zone(s, "Asia/Shanghai", bytes, len));
	csvc_assert_ok(csvc_calendar_load(s, "sh", &o, &cal));
	csvc_calendar_free(cal);

	/* A damaged copy is reported as such. */
	csvc_assert_ok(csvc_test_sql_exec(s, csvc_test_on_pg() ? "UPDATE zone_data SET tzif = '\\x00'"
	                                                        : "UPDATE zone_data SET tzif = x'00'"));
	csvc_assert_err(csvc_calendar_load(s, "sh", &o, &none), CSVC_ECORRUPT);
	assert_non_null(strstr(csvc_error_last()->message, "copy of time zone 'Asia/Shanghai'"));
	csvc_assert_ok(csvc_calendar_add_zone(s, "Asia/Shanghai", bytes, len));

	/* Store zones: the zone must be available; the store keeps it. */
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "SH02", "Asia/Shanghai"));
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "IN01", "+05:30"));
	csvc_assert_err(csvc_calendar_set_store_zone(s, "LN01", "Europe/London"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_set_store_zone(s, "LN01", "Europe/../London"), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_set_store_zone(s, "", "UTC"), CSVC_ERANGE);
	csvc_assert_err(csvc_calendar_set_store_zone(s, "SH 01", "UTC"), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_set_store_zone(s, "SH01", NULL), CSVC_EINVAL);
	char *zone = NULL;
	csvc_assert_ok(csvc_calendar_store_zone(s, "IN01", &zone));
	assert_string_equal(zone, "+05:30");
	csvc_free(zone);
	zone = NULL;
	csvc_assert_err(csvc_calendar_store_zone(s, "LN01", &zone), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_default_zone(s, &zone), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_calendar_clear_default_zone(s), CSVC_ENOTFOUND);
	assert_null(zone);
	csvc_assert_ok(csvc_calendar_set_default_zone(s, "Asia/Shanghai"));
	csvc_assert_ok(csvc_calendar_default_zone(s, &zone));
	assert_string_equal(zone, "Asia/Shanghai");
	csvc_free(zone);
	csvc_assert_ok(csvc_calendar_clear_store_zone(s, "IN01"));
	csvc_assert_err(csvc_calendar_clear_store_zone(s, "IN01"), CSVC_ENOTFOUND);
	/* Inside a transaction that is rolled back, nothing stays. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "IN02", "+05:30"));
	csvc_assert_ok(csvc_calendar_clear_default_zone(s));
	csvc_assert_ok(csvc_store_rollback(s));
	csvc_assert_err(csvc_calendar_store_zone(s, "IN02", &zone), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_calendar_default_zone(s, &zone));
	csvc_free(zone);
	csvc_store_close(s);
	free(bytes);

	/* Setting a store zone found in the zoneinfo directory keeps its data. */
	s = open_file_store(":memory:", zoneinfo, &clock);
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "LN01", "Europe/London"));
	assert_int_equal(count_sql(s, "SELECT count(*) FROM zone_data WHERE name = 'Europe/London'"), 1);
	csvc_assert_ok(csvc_calendar_set_default_zone(s, "UTC"));
	assert_int_equal(count_sql(s, "SELECT count(*) FROM zone_data"), 1);
	csvc_store_close(s);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_business_hours),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_given_tz),
		cmocka_unit_test(test_boundaries_and_split_shifts),
		cmocka_unit_test(test_crossing_midnight_and_holidays),
		cmocka_unit_test(test_24_7),
		cmocka_unit_test(test_special_days_and_versions),
		cmocka_unit_test(test_dst_london),
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_dst_lord_howe),
		cmocka_unit_test(test_dst_shanghai),
		cmocka_unit_test(test_arguments_and_range),
		cmocka_unit_test(test_random_vs_naive),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_store_round_trip),
		cmocka_unit_test(test_calendar_without_tzdata),
		cmocka_unit_test(test_zone_from_host),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
