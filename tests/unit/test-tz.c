/*
 * Time zones: TZif reading (files, memory, damaged data), POSIX TZ rules,
 * offsets, UTC <-> local conversions with gaps and overlaps.
 * Expected values come from zdump(8) on the same tzdata.
 */
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "calendar/tz-internal.h"
#include "test-data.h"

#define S_US ((int64_t)1000000)
#define H_US (3600 * S_US)

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

static csvc_tz *load(const char *name)
{
	csvc_tz *tz = NULL;
	csvc_assert_ok(csvc_tz_load(&tz, name, zoneinfo));
	return tz;
}

static void expect_offset(const csvc_tz *tz, csvc_time_us t, int32_t offset, int32_t dst, const char *abbr)
{
	int32_t off = -1, is_dst = -1;
	const char *a = NULL;
	csvc_assert_ok(csvc_tz_offset_at(tz, t, &off, &is_dst, &a));
	if (off != offset || is_dst != dst || strcmp(a, abbr) != 0)
		print_error("%s at %lld: got %d %d %s, expected %d %d %s\n", csvc_tz_name(tz), (long long)t,
		            (int)off, (int)is_dst, a, (int)offset, (int)dst, abbr);
	assert_int_equal(off, offset);
	assert_int_equal(is_dst, dst);
	assert_string_equal(a, abbr);
}

/* Checks the change at instant `at` from (o1, d1, a1) to (o2, d2, a2). */
static void expect_change(const csvc_tz *tz, csvc_time_us at, int32_t o1, int32_t d1, const char *a1,
                          int32_t o2, int32_t d2, const char *a2)
{
	expect_offset(tz, at - 1, o1, d1, a1);
	expect_offset(tz, at - S_US, o1, d1, a1);
	expect_offset(tz, at, o2, d2, a2);
	expect_offset(tz, at + S_US, o2, d2, a2);
}

static void test_london(void **state)
{
	(void)state;
	csvc_tz *tz = load("Europe/London");
	assert_string_equal(csvc_tz_name(tz), "Europe/London");
	expect_change(tz, civil(2024, 3, 31, 1, 0, 0), 0, 0, "GMT", 3600, 1, "BST");
	expect_change(tz, civil(2024, 10, 27, 1, 0, 0), 3600, 1, "BST", 0, 0, "GMT");
	/* Past the transition table (2037): the footer rule. */
	expect_change(tz, civil(2050, 3, 27, 1, 0, 0), 0, 0, "GMT", 3600, 1, "BST");
	expect_change(tz, civil(2050, 10, 30, 1, 0, 0), 3600, 1, "BST", 0, 0, "GMT");
	expect_offset(tz, civil(2400, 7, 1, 0, 0, 0), 3600, 1, "BST");
	/* Before the first transition: local mean time (type 0). */
	expect_offset(tz, civil(1800, 1, 1, 0, 0, 0), -75, 0, "LMT");
	int64_t local = 0;
	csvc_assert_ok(csvc_tz_utc_to_local(tz, civil(2024, 7, 1, 12, 0, 0), &local));
	assert_int_equal(local, civil(2024, 7, 1, 13, 0, 0));
	csvc_tz_free(tz);
}

static void test_new_york_and_conversions(void **state)
{
	(void)state;
	csvc_tz *tz = load("America/New_York");
	expect_change(tz, civil(2024, 3, 10, 7, 0, 0), -18000, 0, "EST", -14400, 1, "EDT");
	expect_change(tz, civil(2024, 11, 3, 6, 0, 0), -14400, 1, "EDT", -18000, 0, "EST");
	expect_change(tz, civil(2045, 3, 12, 7, 0, 0), -18000, 0, "EST", -14400, 1, "EDT");
	csvc_time_us out = 0;
	/* Gap: 2024-03-10 02:30 does not exist. */
	int64_t gap = civil(2024, 3, 10, 2, 30, 0);
	csvc_assert_ok(csvc_tz_local_to_utc(tz, gap, CSVC_TZ_COMPATIBLE, &out));
	assert_int_equal(out, civil(2024, 3, 10, 7, 30, 0)); /* 03:30 EDT */
	csvc_assert_ok(csvc_tz_local_to_utc(tz, gap, CSVC_TZ_LATER, &out));
	assert_int_equal(out, civil(2024, 3, 10, 7, 30, 0));
	csvc_assert_ok(csvc_tz_local_to_utc(tz, gap, CSVC_TZ_EARLIER, &out));
	assert_int_equal(out, civil(2024, 3, 10, 6, 30, 0)); /* 01:30 EST */
	csvc_assert_err(csvc_tz_local_to_utc(tz, gap, CSVC_TZ_REJECT, &out), CSVC_ERANGE);
	assert_non_null(strstr(csvc_error_last()->message, "does not exist"));
	/* Overlap: 2024-11-03 01:30 happens twice. */
	int64_t twice = civil(2024, 11, 3, 1, 30, 0);
	csvc_assert_ok(csvc_tz_local_to_utc(tz, twice, CSVC_TZ_COMPATIBLE, &out));
	assert_int_equal(out, civil(2024, 11, 3, 5, 30, 0)); /* EDT */
	csvc_assert_ok(csvc_tz_local_to_utc(tz, twice, CSVC_TZ_EARLIER, &out));
	assert_int_equal(out, civil(2024, 11, 3, 5, 30, 0));
	csvc_assert_ok(csvc_tz_local_to_utc(tz, twice, CSVC_TZ_LATER, &out));
	assert_int_equal(out, civil(2024, 11, 3, 6, 30, 0)); /* EST */
	csvc_assert_err(csvc_tz_local_to_utc(tz, twice, CSVC_TZ_REJECT, &out), CSVC_ERANGE);
	assert_non_null(strstr(csvc_error_last()->message, "ambiguous"));
	/* Ordinary times ignore the disambiguation. */
	for (int32_t d = 0; d <= 3; d++) {
		csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2024, 7, 4, 12, 0, 0), d, &out));
		assert_int_equal(out, civil(2024, 7, 4, 16, 0, 0));
	}
	/* Boundaries of the gap and the overlap. */
	csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2024, 3, 10, 3, 0, 0), CSVC_TZ_REJECT, &out));
	assert_int_equal(out, civil(2024, 3, 10, 7, 0, 0));
	csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2024, 3, 10, 2, 0, 0) - 1, CSVC_TZ_REJECT, &out));
	assert_int_equal(out, civil(2024, 3, 10, 7, 0, 0) - 1);
	csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2024, 11, 3, 2, 0, 0), CSVC_TZ_REJECT, &out));
	assert_int_equal(out, civil(2024, 11, 3, 7, 0, 0));
	/* Round trips on a grid through a whole year. */
	for (csvc_time_us t = civil(2024, 1, 1, 0, 0, 0); t < civil(2025, 1, 1, 0, 0, 0); t += 1234567 * S_US) {
		int64_t local = 0;
		csvc_assert_ok(csvc_tz_utc_to_local(tz, t, &local));
		csvc_time_us e = 0, l = 0;
		csvc_assert_ok(csvc_tz_local_to_utc(tz, local, CSVC_TZ_EARLIER, &e));
		csvc_assert_ok(csvc_tz_local_to_utc(tz, local, CSVC_TZ_LATER, &l));
		assert_true(e == t || l == t);
	}
	/* Arguments. */
	out = 77;
	csvc_assert_err(csvc_tz_local_to_utc(tz, gap, 4, &out), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_local_to_utc(tz, gap, -1, &out), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_local_to_utc(NULL, gap, 0, &out), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_local_to_utc(tz, CSVC_TZ_MAX_US + 1, 0, &out), CSVC_ERANGE);
	assert_int_equal(out, 77);
	int32_t off = 5;
	csvc_assert_err(csvc_tz_offset_at(tz, CSVC_TZ_MIN_US - 1, &off, NULL, NULL), CSVC_ERANGE);
	csvc_assert_err(csvc_tz_offset_at(tz, 0, NULL, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_utc_to_local(tz, 0, NULL), CSVC_EINVAL);
	assert_int_equal(off, 5);
	csvc_assert_ok(csvc_tz_offset_at(tz, CSVC_TZ_MAX_US, &off, NULL, NULL));
	csvc_assert_ok(csvc_tz_offset_at(tz, CSVC_TZ_MIN_US, &off, NULL, NULL));
	csvc_tz_free(tz);
}

static void test_lord_howe(void **state)
{
	(void)state;
	csvc_tz *tz = load("Australia/Lord_Howe");
	expect_change(tz, civil(2024, 4, 6, 15, 0, 0), 39600, 1, "+11", 37800, 0, "+1030");
	expect_change(tz, civil(2050, 4, 2, 15, 0, 0), 39600, 1, "+11", 37800, 0, "+1030");
	expect_change(tz, civil(2050, 10, 1, 15, 30, 0), 37800, 0, "+1030", 39600, 1, "+11");
	/* The 30-minute gap and overlap. */
	csvc_time_us out = 0;
	csvc_assert_err(csvc_tz_local_to_utc(tz, civil(2050, 10, 2, 2, 10, 0), CSVC_TZ_REJECT, &out), CSVC_ERANGE);
	csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2050, 10, 2, 2, 10, 0), CSVC_TZ_COMPATIBLE, &out));
	assert_int_equal(out, civil(2050, 10, 1, 15, 40, 0));
	csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2024, 4, 7, 1, 45, 0), CSVC_TZ_LATER, &out));
	assert_int_equal(out, civil(2024, 4, 6, 15, 15, 0));
	csvc_assert_ok(csvc_tz_local_to_utc(tz, civil(2024, 4, 7, 1, 45, 0), CSVC_TZ_EARLIER, &out));
	assert_int_equal(out, civil(2024, 4, 6, 14, 45, 0));
	csvc_tz_free(tz);
}

static void test_shanghai_utc_fixed(void **state)
{
	(void)state;
	csvc_tz *tz = load("Asia/Shanghai");
	expect_offset(tz, civil(2024, 7, 1, 0, 0, 0), 28800, 0, "CST");
	expect_offset(tz, civil(2090, 7, 1, 0, 0, 0), 28800, 0, "CST");
	expect_change(tz, civil(1988, 4, 16, 18, 0, 0), 28800, 0, "CST", 32400, 1, "CDT");
	expect_change(tz, civil(1991, 9, 14, 17, 0, 0), 32400, 1, "CDT", 28800, 0, "CST");
	csvc_tz_free(tz);

	tz = load("UTC");
	assert_string_equal(csvc_tz_name(tz), "UTC");
	expect_offset(tz, 0, 0, 0, "UTC");
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_tz_utc(&tz));
	expect_offset(tz, civil(2024, 1, 1, 0, 0, 0), 0, 0, "UTC");
	csvc_tz_free(tz);
	tz = load("Etc/UTC");
	expect_offset(tz, civil(2024, 1, 1, 0, 0, 0), 0, 0, "UTC");
	csvc_tz_free(tz);

	csvc_assert_ok(csvc_tz_fixed(&tz, 5 * 3600 + 1800));
	assert_string_equal(csvc_tz_name(tz), "+05:30");
	expect_offset(tz, 0, 19800, 0, "+05:30");
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_tz_fixed(&tz, -(3 * 3600 + 25 * 60 + 7)));
	assert_string_equal(csvc_tz_name(tz), "-03:25:07");
	csvc_tz_free(tz);
	tz = load("-09:30");
	expect_offset(tz, 0, -34200, 0, "-09:30");
	csvc_tz_free(tz);
	csvc_assert_err(csvc_tz_fixed(&tz, 26 * 3600), CSVC_ERANGE);
	csvc_assert_err(csvc_tz_fixed(&tz, -25 * 3600), CSVC_ERANGE);
	csvc_assert_err(csvc_tz_load(&tz, "+27:00", NULL), CSVC_ERANGE);
	csvc_assert_err(csvc_tz_fixed(NULL, 0), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_utc(NULL), CSVC_EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	csvc_tz *tz = (csvc_tz *)&tz;
	const char *bad[] = {"", "/etc/localtime", "../../etc/passwd", "Europe/../Asia/Shanghai", "Europe//London",
	                     "Europe/./London", "Europe/London/", ".", "Europe/Lon don", "Europe/London\n",
	                     "Asia/\xe4\xb8\x8a\xe6\xb5\xb7"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		csvc_assert_err(csvc_tz_load(&tz, bad[i], zoneinfo), CSVC_EINVAL);
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	csvc_assert_err(csvc_tz_load(&tz, longname, zoneinfo), CSVC_ERANGE);
	csvc_assert_err(csvc_tz_load(&tz, "Europe/Atlantis", zoneinfo), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_tz_load(&tz, "Europe", zoneinfo), CSVC_ENOTFOUND); /* a directory */
	csvc_assert_err(csvc_tz_load(&tz, "Europe/London", "/nonexistent-zoneinfo"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_tz_load(&tz, "README.md", zoneinfo), CSVC_ECORRUPT);
	csvc_assert_err(csvc_tz_load(NULL, "UTC", NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_load(&tz, NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_from_tzif(&tz, "../x", "TZif", 4), CSVC_EINVAL);
	assert_ptr_equal(tz, (csvc_tz *)&tz);
	assert_null(csvc_tz_name(NULL));
	csvc_tz_free(NULL);
	/* The default directory: either the host has tzdata or it does not. */
	int rc = csvc_tz_load(&tz, "Europe/London", NULL);
	assert_true(rc == CSVC_OK || rc == CSVC_ENOTFOUND);
	if (rc == CSVC_OK)
		csvc_tz_free(tz);
}

static unsigned char *read_zone(const char *name, size_t *len)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", zoneinfo, name);
	unsigned char *b = csvc_test_read_file(path, len);
	assert_non_null(b);
	return b;
}

static void test_from_buffer(void **state)
{
	(void)state;
	const char *zones[] = {"Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Shanghai",
	                       "Etc/UTC"};
	for (size_t z = 0; z < 5; z++) {
		size_t len = 0;
		unsigned char *bytes = read_zone(zones[z], &len);
		csvc_tz *mem = NULL, *file = load(zones[z]);
		csvc_assert_ok(csvc_tz_from_tzif(&mem, zones[z], bytes, len));
		free(bytes); /* the zone keeps what it needs */
		assert_string_equal(csvc_tz_name(mem), zones[z]);
		for (csvc_time_us t = civil(1850, 1, 1, 0, 0, 0); t < civil(2100, 1, 1, 0, 0, 0); t += 86399 * 37 * S_US) {
			int32_t a = 0, b = 1;
			csvc_assert_ok(csvc_tz_offset_at(mem, t, &a, NULL, NULL));
			csvc_assert_ok(csvc_tz_offset_at(file, t, &b, NULL, NULL));
			assert_int_equal(a, b);
		}
		csvc_tz_free(mem);
		csvc_tz_free(file);
	}
}

/* The footer rule alone agrees with the table wherever both apply. */
static void test_posix_rules(void **state)
{
	(void)state;
	static const struct {
		const char *zone, *rule;
		int from_year;
	} pairs[] = {
		{"Europe/London", "GMT0BST,M3.5.0/1,M10.5.0", 1997},
		{"America/New_York", "EST5EDT,M3.2.0,M11.1.0", 2008},
		{"Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 2009},
		{"Asia/Shanghai", "CST-8", 1992},
	};
	for (size_t i = 0; i < 4; i++) {
		csvc_tz *file = load(pairs[i].zone), *rule = NULL;
		csvc_assert_ok(csvc_tz_from_posix(&rule, pairs[i].rule));
		assert_string_equal(csvc_tz_name(rule), pairs[i].rule);
		for (csvc_time_us t = civil(pairs[i].from_year, 1, 1, 0, 0, 0); t < civil(2300, 1, 1, 0, 0, 0);
		     t += 3 * 3600 * S_US + 17 * 60 * S_US) {
			int32_t a = 0, b = 1, da = 0, db = 1;
			const char *aa = NULL, *ab = NULL;
			csvc_assert_ok(csvc_tz_offset_at(file, t, &a, &da, &aa));
			csvc_assert_ok(csvc_tz_offset_at(rule, t, &b, &db, &ab));
			if (a != b)
				print_error("%s at %lld: table %d, rule %d\n", pairs[i].zone, (long long)t, (int)a, (int)b);
			assert_int_equal(a, b);
			assert_int_equal(da, db);
			assert_string_equal(aa, ab);
		}
		csvc_tz_free(file);
		csvc_tz_free(rule);
	}
	csvc_tz *tz = NULL;
	/* DST all year (RFC 8536 section 3.3.1). */
	csvc_assert_ok(csvc_tz_from_posix(&tz, "EST5EDT4,0/0,J365/25"));
	for (int y = 2020; y < 2030; y++)
		for (int m = 1; m <= 12; m++)
			expect_offset(tz, civil(y, m, 1, 0, 0, 0) + y * 1000, -14400, 1, "EDT");
	csvc_tz_free(tz);
	/* Default rule, negative and large rule times, Julian days. */
	csvc_assert_ok(csvc_tz_from_posix(&tz, "CST6CDT"));
	expect_change(tz, civil(2024, 3, 10, 8, 0, 0), -21600, 0, "CST", -18000, 1, "CDT");
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_tz_from_posix(&tz, "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1"));
	/* 2024-03-31 is the last Sunday of March; -2:00 local = Saturday 22:00 (-03) = 01:00 UTC Sunday. */
	expect_change(tz, civil(2024, 3, 31, 1, 0, 0), -10800, 0, "-03", -7200, 1, "-02");
	csvc_tz_free(tz);
	csvc_assert_ok(csvc_tz_from_posix(&tz, "XXX-1YYY,J60/26,100/167"));
	/* J60 is 1 March, even in a leap year; 26:00 is 2 March 02:00 local. */
	expect_change(tz, civil(2024, 3, 2, 1, 0, 0), 3600, 0, "XXX", 7200, 1, "YYY");
	/* Zero-based day 100 of 2024 is 10 April; 167:00 is a week later minus one hour. */
	expect_change(tz, civil(2024, 4, 16, 21, 0, 0), 7200, 1, "YYY", 3600, 0, "XXX");
	csvc_tz_free(tz);
	const char *bad[] = {"", "E", "EST", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
	                     "EST5EDT,M3.2.7,M11.1.0", "EST25", "<AB>5", "<+03>-3<", "EST5EDT,J0,J365",
	                     "EST5EDT,366,J365", "EST5EDT,M3.2.0/168,M11.1.0", "EST5EDT,M3.2.0,M11.1.0x",
	                     "EST5:60", "EST5EDT4,M3.2.0,M11.1.0/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		csvc_tz *t2 = NULL;
		int rc = csvc_tz_from_posix(&t2, bad[i]);
		if (rc != CSVC_EINVAL)
			print_error("'%s' was accepted\n", bad[i]);
		assert_int_equal(rc, CSVC_EINVAL);
		assert_null(t2);
	}
	csvc_assert_err(csvc_tz_from_posix(NULL, "UTC0"), CSVC_EINVAL);
	csvc_assert_err(csvc_tz_from_posix(&tz, NULL), CSVC_EINVAL);
}

/* ---- synthetic TZif data ---- */

typedef struct tzif_builder {
	unsigned char b[4096];
	size_t n;
} tzif_builder;

static void put_be32(tzif_builder *t, uint32_t v)
{
	t->b[t->n++] = (unsigned char)(v >> 24);
	t->b[t->n++] = (unsigned char)(v >> 16);
	t->b[t->n++] = (unsigned char)(v >> 8);
	t->b[t->n++] = (unsigned char)v;
}

static void put_bytes(tzif_builder *t, const void *p, size_t n)
{
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

/* One data block with `n` transitions alternating between two types:
 * 0 = +01:00 "AAA", 1 = +02:00 DST "BBB". */
static void put_block(tzif_builder *t, char version, int wide, const int64_t *times, size_t n)
{
	put_bytes(t, "TZif", 4);
	t->b[t->n++] = (unsigned char)version;
	memset(t->b + t->n, 0, 15);
	t->n += 15;
	put_be32(t, 2); /* isutcnt */
	put_be32(t, 2); /* isstdcnt */
	put_be32(t, 0); /* leapcnt */
	put_be32(t, (uint32_t)n);
	put_be32(t, 2); /* typecnt */
	put_be32(t, 8); /* charcnt */
	for (size_t i = 0; i < n; i++) {
		if (wide)
			put_be32(t, (uint32_t)((uint64_t)times[i] >> 32));
		put_be32(t, (uint32_t)times[i]);
	}
	for (size_t i = 0; i < n; i++)
		t->b[t->n++] = (unsigned char)(i % 2 ? 0 : 1);
	put_be32(t, 3600);
	t->b[t->n++] = 0;
	t->b[t->n++] = 0;
	put_be32(t, 7200);
	t->b[t->n++] = 1;
	t->b[t->n++] = 4;
	put_bytes(t, "AAA\0BBB\0", 8);
	t->b[t->n++] = 0;
	t->b[t->n++] = 0;
	t->b[t->n++] = 0;
	t->b[t->n++] = 0;
}

static void test_synthetic_versions(void **state)
{
	(void)state;
	int64_t times[2] = {1000000000, 1010000000};
	csvc_tz *tz = NULL;
	/* Version 1: 32-bit data only, no footer. */
	tzif_builder t = {{0}, 0};
	put_block(&t, 0, 0, times, 2);
	csvc_assert_ok(csvc_tz_from_tzif(&tz, "Test/V1", t.b, t.n));
	expect_offset(tz, 999999999 * S_US, 3600, 0, "AAA");
	expect_offset(tz, 1000000000 * S_US, 7200, 1, "BBB");
	expect_offset(tz, 1010000000 * S_US, 3600, 0, "AAA");
	expect_offset(tz, 2000000000 * S_US, 3600, 0, "AAA"); /* last type forever */
	csvc_tz_free(tz);
	/* Trailing garbage after a version 1 block. */
	t.b[t.n++] = 'x';
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V1", t.b, t.n), CSVC_ECORRUPT);

	/* Versions 3 and 4 with a footer using the RFC 8536 extensions. */
	for (char v = '2'; v <= '4'; v++) {
		t.n = 0;
		put_block(&t, v, 0, times, 2);
		put_block(&t, v, 1, times, 2);
		put_bytes(&t, "\nAAA-1BBB,M3.5.0/-1,M10.5.0/49\n", 31);
		csvc_assert_ok(csvc_tz_from_tzif(&tz, "Test/V3", t.b, t.n));
		/* 2030-03-31 is the last Sunday of March: -1:00 local is 30 March 23:00 +01 = 22:00 UTC. */
		expect_change(tz, civil(2030, 3, 30, 22, 0, 0), 3600, 0, "AAA", 7200, 1, "BBB");
		/* 2030-10-27 + 49 h = 29 October 01:00 +02 = 28 October 23:00 UTC. */
		expect_change(tz, civil(2030, 10, 28, 23, 0, 0), 7200, 1, "BBB", 3600, 0, "AAA");
		csvc_tz_free(tz);
	}
	/* An empty footer: the last type holds. */
	t.n = 0;
	put_block(&t, '2', 0, times, 2);
	put_block(&t, '2', 1, times, 2);
	put_bytes(&t, "\n\n", 2);
	csvc_assert_ok(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n));
	expect_offset(tz, 2000000000 * S_US, 3600, 0, "AAA");
	csvc_tz_free(tz);
	/* Unknown version byte, bad footer, unsorted times, bad type index. */
	t.b[4] = '5';
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V5", t.b, t.n), CSVC_ECORRUPT);
	t.n = 0;
	put_block(&t, '2', 0, times, 2);
	put_block(&t, '2', 1, times, 2);
	put_bytes(&t, "\nnot a rule\n", 12);
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
	int64_t unsorted[2] = {1010000000, 1000000000};
	t.n = 0;
	put_block(&t, '2', 0, unsorted, 2);
	put_block(&t, '2', 1, unsorted, 2);
	put_bytes(&t, "\n\n", 2);
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
	t.n = 0;
	put_block(&t, '2', 0, times, 2);
	size_t second = t.n;
	put_block(&t, '2', 1, times, 2);
	put_bytes(&t, "\n\n", 2);
	t.b[second + 44 + 16] = 9; /* type index of the first 64-bit transition */
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
	t.b[second + 44 + 16] = 1;
	t.b[second + 44 + 18 + 5] = 200; /* abbreviation index of type 0 */
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
	t.b[second + 44 + 18 + 5] = 0;
	t.b[second + 44 + 18 + 4] = 2; /* DST flag of type 0 */
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
	t.b[second + 44 + 18 + 4] = 0;
	t.b[second + 44 + 18] = 0x80; /* UT offset of type 0: huge negative */
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
	t.b[second + 44 + 18] = 0;
	csvc_assert_ok(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n));
	csvc_tz_free(tz);
	/* Counts far larger than the data. */
	t.b[second + 32] = 0x7f;
	csvc_assert_err(csvc_tz_from_tzif(&tz, "Test/V2", t.b, t.n), CSVC_ECORRUPT);
}

/* Every truncation of real files fails cleanly; random damage never crashes. */
static void test_truncated_and_damaged(void **state)
{
	(void)state;
	const char *zones[] = {"Europe/London", "Australia/Lord_Howe", "Asia/Shanghai", "Etc/UTC"};
	uint64_t seed = 0x5DEECE66Dull;
	for (size_t z = 0; z < 4; z++) {
		size_t len = 0;
		unsigned char *bytes = read_zone(zones[z], &len);
		for (size_t n = 0; n < len; n++) {
			/* A copy of exactly n bytes, so that reading past it is caught. */
			unsigned char *copy = malloc(n ? n : 1);
			assert_non_null(copy);
			memcpy(copy, bytes, n);
			csvc_tz *tz = NULL;
			int rc = csvc_tz_from_tzif(&tz, zones[z], copy, n);
			if (rc != CSVC_ECORRUPT)
				print_error("%s truncated to %zu bytes: %d\n", zones[z], n, rc);
			assert_int_equal(rc, CSVC_ECORRUPT);
			assert_null(tz);
			free(copy);
		}
		unsigned char *copy = malloc(len);
		assert_non_null(copy);
		for (int round = 0; round < 3000; round++) {
			memcpy(copy, bytes, len);
			int flips = 1 + (int)(seed % 4);
			for (int f = 0; f < flips; f++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				copy[(seed >> 33) % len] ^= (unsigned char)(1u << ((seed >> 20) % 8));
			}
			csvc_tz *tz = NULL;
			int rc = csvc_tz_from_tzif(&tz, zones[z], copy, len);
			assert_true(rc == CSVC_OK || rc == CSVC_ECORRUPT);
			if (rc == CSVC_OK) {
				/* Whatever it accepted, it can answer. */
				int32_t off = 0;
				int64_t local = 0;
				csvc_time_us back = 0;
				for (csvc_time_us t = civil(1900, 1, 1, 0, 0, 0); t < civil(2100, 1, 1, 0, 0, 0);
				     t += 400 * 86400 * S_US) {
					csvc_assert_ok(csvc_tz_offset_at(tz, t, &off, NULL, NULL));
					csvc_assert_ok(csvc_tz_utc_to_local(tz, t, &local));
					int r2 = csvc_tz_local_to_utc(tz, local, CSVC_TZ_COMPATIBLE, &back);
					assert_true(r2 == CSVC_OK || r2 == CSVC_ERANGE);
				}
				csvc_tz_free(tz);
			}
		}
		free(copy);
		free(bytes);
	}
}

static void test_civil(void **state)
{
	(void)state;
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	csvc_assert_ok(csvc_civil_from_local(0, &c));
	assert_int_equal(c.year, 1970);
	assert_int_equal(c.weekday, 4); /* Thursday */
	csvc_assert_ok(csvc_civil_from_local(-1, &c));
	assert_int_equal(c.year, 1969);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.microsecond, 999999);
	csvc_assert_ok(csvc_civil_from_local(civil(2024, 2, 29, 13, 14, 15) + 16, &c));
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 29);
	assert_int_equal(c.second, 15);
	assert_int_equal(c.microsecond, 16);
	assert_int_equal(c.weekday, 4);
	/* Round trips across the whole range. */
	for (int64_t v = CSVC_TZ_MIN_US; v < CSVC_TZ_MAX_US - 1000 * 86400 * S_US; v += 997 * 86400 * S_US + 12345) {
		int64_t back = 0;
		csvc_assert_ok(csvc_civil_from_local(v, &c));
		csvc_assert_ok(csvc_civil_to_local(&c, &back));
		assert_int_equal(back, v);
	}
	csvc_civil_time bad = CSVC_CIVIL_TIME_INIT;
	int64_t v = 42;
	bad.year = 2025;
	bad.month = 2;
	bad.day = 29;
	csvc_assert_err(csvc_civil_to_local(&bad, &v), CSVC_EINVAL);
	bad.day = 28;
	bad.hour = 24;
	csvc_assert_err(csvc_civil_to_local(&bad, &v), CSVC_EINVAL);
	bad.hour = 0;
	bad.version = 2;
	csvc_assert_err(csvc_civil_to_local(&bad, &v), CSVC_EINVAL);
	bad.version = CSVC_CIVIL_TIME_VERSION;
	bad.year = 10000;
	csvc_assert_err(csvc_civil_to_local(&bad, &v), CSVC_EINVAL);
	assert_int_equal(v, 42);
	csvc_assert_err(csvc_civil_from_local(CSVC_TZ_MAX_US + 1, &c), CSVC_ERANGE);
	csvc_assert_err(csvc_civil_from_local(0, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_civil_to_local(NULL, &v), CSVC_EINVAL);
}

/* A zone keeps the TZif data it was built from (a store keeps a copy of
 * it); built-in zones have none. */
static void test_tzif_kept(void **state)
{
	(void)state;
	char path[600];
	size_t len = 0, kept_len = 0;
	unsigned char *bytes = csvc_test_read_file(csvc_test_data_path(path, sizeof(path), "zoneinfo/Europe/London"), &len);
	assert_non_null(bytes);
	csvc_tz *loaded = NULL, *given = NULL, *copy = NULL, *utc = NULL, *fixed = NULL;
	csvc_assert_ok(csvc_tz_load(&loaded, "Europe/London", zoneinfo));
	csvc_assert_ok(csvc_tz_from_tzif(&given, "Europe/London", bytes, len));
	csvc_assert_ok(csvc__tz_clone(given, &copy));
	csvc_tz *with[] = {loaded, given, copy};
	for (int i = 0; i < 3; i++) {
		const uint8_t *kept = csvc__tz_tzif(with[i], &kept_len);
		assert_non_null(kept);
		assert_int_equal(kept_len, len);
		assert_memory_equal(kept, bytes, len);
	}
	csvc_assert_ok(csvc_tz_load(&utc, "UTC", zoneinfo));
	csvc_assert_ok(csvc_tz_load(&fixed, "+08:00", zoneinfo));
	assert_null(csvc__tz_tzif(utc, &kept_len));
	assert_int_equal(kept_len, 0);
	assert_null(csvc__tz_tzif(fixed, &kept_len));
	assert_true(csvc__tz_builtin("UTC") && csvc__tz_builtin("+08:00") && !csvc__tz_builtin("Asia/Shanghai"));
	csvc_tz_free(loaded);
	csvc_tz_free(given);
	csvc_tz_free(copy);
	csvc_tz_free(utc);
	csvc_tz_free(fixed);
	free(bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_london),
		cmocka_unit_test(test_new_york_and_conversions),
		cmocka_unit_test(test_lord_howe),
		cmocka_unit_test(test_shanghai_utc_fixed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_from_buffer),
		cmocka_unit_test(test_posix_rules),
		cmocka_unit_test(test_synthetic_versions),
		cmocka_unit_test(test_truncated_and_damaged),
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_tzif_kept),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
