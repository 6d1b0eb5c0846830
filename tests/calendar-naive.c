/*
 * Minute-stepping reference for business calendars (see calendar-naive.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar-naive.h"

#define MIN_US ((int64_t)60000000)
#define DAY_US ((int64_t)86400000000)

static int64_t fdiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* ---- definition ---- */

static const naive_day *day_schedule(const naive_calendar *nc, int64_t day)
{
	for (int32_t i = 0; i < nc->n_exceptions; i++)
		if (nc->exceptions[i].day == day)
			return nc->exceptions[i].holiday ? NULL : &nc->exceptions[i].d;
	const naive_version *v = NULL;
	for (int32_t i = 0; i < nc->n_versions; i++)
		if (!nc->versions[i].has_from || nc->versions[i].from_day <= day)
			v = &nc->versions[i];
	if (!v)
		return NULL;
	int weekday = (int)((day % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
	return &v->week[weekday];
}

/* A one-day cache of the schedules of a day and the day before. */
typedef struct naive_cache {
	int64_t day;
	const naive_day *today, *yesterday;
} naive_cache;

static int open_local(const naive_calendar *nc, naive_cache *c, int64_t x)
{
	int64_t day = fdiv(x, DAY_US);
	if (day != c->day) {
		c->day = day;
		c->today = day_schedule(nc, day);
		c->yesterday = day_schedule(nc, day - 1);
	}
	const naive_day *ds[2] = {c->yesterday, c->today};
	for (int k = 0; k < 2; k++) {
		if (!ds[k])
			continue;
		int64_t base = (day - 1 + k) * DAY_US;
		for (int32_t i = 0; i < ds[k]->n; i++) {
			int64_t s = base + (int64_t)ds[k]->iv[i].start * 1000000;
			int64_t e = base + (int64_t)ds[k]->iv[i].end * 1000000;
			if (x >= s && x < e)
				return 1;
		}
	}
	return 0;
}

static int64_t offset_us(const naive_calendar *nc, csvc_time_us t)
{
	int32_t off = 0;
	csvc_tz_offset_at(nc->tz, t, &off, NULL, NULL);
	return (int64_t)off * 1000000;
}

/* ---- the minute walker ---- */

typedef struct walker {
	const naive_calendar *nc;
	naive_cache cache;
	int64_t m;      /* start of the current UTC minute */
	int64_t runmax; /* highest wall-clock time shown before m */
} walker;

static void walker_advance(walker *w)
{
	int64_t end = w->m + MIN_US;
	int64_t wall_end = end + offset_us(w->nc, w->m); /* approached from the left */
	if (wall_end > w->runmax)
		w->runmax = wall_end;
	w->m = end;
}

static void walker_init(walker *w, const naive_calendar *nc, csvc_time_us t)
{
	w->nc = nc;
	w->cache.day = INT64_MIN;
	w->m = fdiv(t, MIN_US) * MIN_US - 2 * DAY_US;
	w->runmax = INT64_MIN;
	int64_t target = fdiv(t, MIN_US) * MIN_US;
	while (w->m < target)
		walker_advance(w);
}

/* Open during the current minute? Before the wall clock catches up with
 * a time it showed before (clocks went back), the state is the one just
 * before that time. */
static int walker_open(walker *w)
{
	int64_t wall = w->m + offset_us(w->nc, w->m);
	if (wall >= w->runmax)
		return open_local(w->nc, &w->cache, wall);
	return open_local(w->nc, &w->cache, w->runmax - 1);
}

int naive_is_open(const naive_calendar *nc, csvc_time_us t)
{
	walker w;
	walker_init(&w, nc, t);
	return walker_open(&w);
}

csvc_time_us naive_next_open(const naive_calendar *nc, csvc_time_us t, csvc_time_us limit)
{
	walker w;
	walker_init(&w, nc, t);
	if (walker_open(&w))
		return t;
	for (;;) {
		walker_advance(&w);
		if (w.m >= limit)
			return -1;
		if (walker_open(&w))
			return w.m;
	}
}

int64_t naive_between(const naive_calendar *nc, csvc_time_us t1, csvc_time_us t2)
{
	walker w;
	walker_init(&w, nc, t1);
	int64_t sum = 0;
	while (w.m < t2) {
		if (walker_open(&w)) {
			int64_t a = w.m > t1 ? w.m : t1;
			int64_t b = w.m + MIN_US < t2 ? w.m + MIN_US : t2;
			sum += b - a;
		}
		walker_advance(&w);
	}
	return sum;
}

csvc_time_us naive_add(const naive_calendar *nc, csvc_time_us t, int64_t duration, csvc_time_us limit)
{
	if (duration == 0)
		return naive_next_open(nc, t, limit);
	walker w;
	walker_init(&w, nc, t);
	int64_t cur = t, left = duration;
	for (;;) {
		int64_t end = w.m + MIN_US;
		if (walker_open(&w)) {
			if (left <= end - cur)
				return naive_next_open(nc, cur + left, limit);
			left -= end - cur;
		}
		cur = end;
		walker_advance(&w);
		if (cur >= limit)
			return -1;
	}
}

/* ---- JSON ---- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void put_tod(sbuf *b, int32_t s)
{
	char t[16];
	snprintf(t, sizeof(t), "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	put(b, t);
}

static void put_day(sbuf *b, const naive_day *d)
{
	put(b, "[");
	for (int32_t i = 0; i < d->n; i++) {
		put(b, i ? ",\"" : "\"");
		put_tod(b, d->iv[i].start);
		put(b, "-");
		put_tod(b, d->iv[i].end > 86400 ? d->iv[i].end - 86400 : d->iv[i].end);
		put(b, "\"");
	}
	put(b, "]");
}

static void put_date(sbuf *b, int64_t day)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	csvc_civil_from_local(day * DAY_US, &c);
	char t[16];
	snprintf(t, sizeof(t), "\"%04d-%02d-%02d\"", (int)c.year, (int)c.month, (int)c.day);
	put(b, t);
}

char *naive_calendar_json(const naive_calendar *nc)
{
	static const char *const keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	sbuf b = {NULL, 0, 0};
	put(&b, "{\"zone\": \"");
	put(&b, nc->zone);
	put(&b, "\",\n \"versions\": [");
	for (int32_t v = 0; v < nc->n_versions; v++) {
		put(&b, v ? ", {" : "{");
		if (nc->versions[v].has_from) {
			put(&b, "\"from\": ");
			put_date(&b, nc->versions[v].from_day);
			put(&b, ", ");
		}
		put(&b, "\"week\": {");
		for (int d = 0; d < 7; d++) {
			put(&b, d ? ", \"" : "\"");
			put(&b, keys[d]);
			put(&b, "\": ");
			put_day(&b, &nc->versions[v].week[d]);
		}
		put(&b, "}}");
	}
	put(&b, "],\n \"holidays\": [");
	int first = 1;
	for (int32_t i = 0; i < nc->n_exceptions; i++) {
		if (!nc->exceptions[i].holiday)
			continue;
		if (!first)
			put(&b, ", ");
		first = 0;
		put_date(&b, nc->exceptions[i].day);
	}
	put(&b, "],\n \"special_days\": [");
	first = 1;
	for (int32_t i = 0; i < nc->n_exceptions; i++) {
		if (nc->exceptions[i].holiday)
			continue;
		put(&b, first ? "{\"date\": " : ", {\"date\": ");
		first = 0;
		put_date(&b, nc->exceptions[i].day);
		put(&b, ", \"intervals\": ");
		put_day(&b, &nc->exceptions[i].d);
		put(&b, "}");
	}
	put(&b, "]}\n");
	return b.p;
}
