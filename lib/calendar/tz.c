/*
 * Time zones: TZif (RFC 8536) reader, POSIX TZ string rules, fixed
 * offsets, and UTC <-> local conversions.
 *
 * A csvc_tz is immutable after creation. Lookups binary-search the
 * transition table; instants after the last transition follow the
 * footer's POSIX rule, evaluated per year on demand (no cache, no global
 * state).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/internal.h"
#include "calendar/tz-internal.h"

#define DEFAULT_ZONEINFO_DIR "/usr/share/zoneinfo"
#define MAX_NAME 255
#define MAX_TZIF_FILE (4u << 20)
#define MAX_TIMECNT 100000u
#define MAX_TYPECNT 256u
#define MAX_CHARCNT 65536u
#define MAX_LEAPCNT 65536u
#define MAX_ABBR 63
/* RFC 8536 section 3.2: utoff SHOULD be in [-89999, 93599]. */
#define MIN_UTOFF (-89999)
#define MAX_UTOFF 93599
#define SEC_US ((int64_t)1000000)
#define MIN_S (CSVC_TZ_MIN_US / SEC_US)
#define MAX_S (CSVC_TZ_MAX_US / SEC_US)

/* ---- civil dates (proleptic Gregorian; H. Hinnant's algorithms) ---- */

int csvc__is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int csvc__month_days(int64_t y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && csvc__is_leap(y) ? 29 : days[m - 1];
}

int64_t csvc__days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = csvc__floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void csvc__civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
	z += 719468;
	int64_t era = csvc__floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

/* ---- POSIX TZ rules ---- */

typedef struct rule_date {
	char kind;     /* 'J' (Julian, no Feb 29), 'D' (zero-based day), 'M' (month.week.day) */
	int a, b, c;   /* J: day; D: day; M: month, week, weekday */
	int32_t time;  /* seconds after local midnight, -167h .. 167h */
} rule_date;

typedef struct posix_rule {
	int32_t std_off; /* seconds east of UTC */
	int32_t dst_off;
	int has_dst;
	rule_date start, end;
	char std_abbr[MAX_ABBR + 1];
	char dst_abbr[MAX_ABBR + 1];
} posix_rule;

typedef struct tz_type {
	int32_t off;
	int32_t isdst;
	const char *abbr; /* points into csvc_tz.abbrs or the rule */
} tz_type;

struct csvc_tz {
	char *name;
	size_t n_trans;
	int64_t *trans;  /* seconds, strictly increasing */
	uint8_t *idx;    /* type of each transition */
	size_t n_types;
	tz_type *types;
	char *abbrs;
	size_t abbrs_len;
	int has_rule;
	posix_rule rule;
	/* The TZif data the zone was built from (NULL for UTC, fixed offsets
	 * and POSIX strings), so that a store can keep a copy of it. */
	uint8_t *tzif;
	size_t tzif_len;
};

typedef struct parser {
	const char *s;
	const char *end;
} parser;

static int p_digits(parser *p, int max_value, int *out)
{
	if (p->s >= p->end || *p->s < '0' || *p->s > '9')
		return -1;
	int v = 0;
	while (p->s < p->end && *p->s >= '0' && *p->s <= '9') {
		v = v * 10 + (*p->s - '0');
		if (v > max_value)
			return -1;
		p->s++;
	}
	*out = v;
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh <= max_hours; returns seconds. */
static int p_hms(parser *p, int max_hours, int allow_sign, int32_t *out)
{
	int sign = 1;
	if (p->s < p->end && (*p->s == '+' || *p->s == '-')) {
		if (!allow_sign)
			return -1;
		sign = *p->s == '-' ? -1 : 1;
		p->s++;
	}
	int h, m = 0, sec = 0;
	if (p_digits(p, max_hours, &h))
		return -1;
	if (p->s < p->end && *p->s == ':') {
		p->s++;
		if (p_digits(p, 59, &m))
			return -1;
		if (p->s < p->end && *p->s == ':') {
			p->s++;
			if (p_digits(p, 59, &sec))
				return -1;
		}
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return 0;
}

static int p_name(parser *p, char *out)
{
	size_t n = 0;
	if (p->s < p->end && *p->s == '<') {
		p->s++;
		while (p->s < p->end && *p->s != '>') {
			char c = *p->s;
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			      c == '+' || c == '-'))
				return -1;
			if (n >= MAX_ABBR)
				return -1;
			out[n++] = c;
			p->s++;
		}
		if (p->s >= p->end)
			return -1;
		p->s++; /* '>' */
	} else {
		while (p->s < p->end && ((*p->s >= 'A' && *p->s <= 'Z') || (*p->s >= 'a' && *p->s <= 'z'))) {
			if (n >= MAX_ABBR)
				return -1;
			out[n++] = *p->s++;
		}
	}
	if (n < 3)
		return -1;
	out[n] = '\0';
	return 0;
}

static int p_rule_date(parser *p, rule_date *d)
{
	if (p->s >= p->end)
		return -1;
	if (*p->s == 'J') {
		p->s++;
		d->kind = 'J';
		if (p_digits(p, 365, &d->a) || d->a < 1)
			return -1;
	} else if (*p->s == 'M') {
		p->s++;
		d->kind = 'M';
		if (p_digits(p, 12, &d->a) || d->a < 1)
			return -1;
		if (p->s >= p->end || *p->s != '.')
			return -1;
		p->s++;
		if (p_digits(p, 5, &d->b) || d->b < 1)
			return -1;
		if (p->s >= p->end || *p->s != '.')
			return -1;
		p->s++;
		if (p_digits(p, 6, &d->c))
			return -1;
	} else {
		d->kind = 'D';
		if (p_digits(p, 365, &d->a))
			return -1;
	}
	d->time = 7200;
	if (p->s < p->end && *p->s == '/') {
		p->s++;
		if (p_hms(p, 167, 1, &d->time))
			return -1;
	}
	return 0;
}

/* Parses a whole POSIX TZ string. Returns 0 or -1. */
static int parse_posix(const char *s, size_t len, posix_rule *r)
{
	parser p = {s, s + len};
	memset(r, 0, sizeof(*r));
	int32_t off;
	if (p_name(&p, r->std_abbr) || p_hms(&p, 24, 1, &off))
		return -1;
	r->std_off = -off;
	if (p.s == p.end) {
		r->dst_off = r->std_off;
		return 0;
	}
	if (p_name(&p, r->dst_abbr))
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (p.s < p.end && *p.s != ',') {
		if (p_hms(&p, 24, 1, &off))
			return -1;
		r->dst_off = -off;
	}
	if (p.s == p.end) {
		/* No rule: the US rule, as the reference implementation does. */
		r->start = (rule_date){'M', 3, 2, 0, 7200};
		r->end = (rule_date){'M', 11, 1, 0, 7200};
		return 0;
	}
	if (*p.s != ',')
		return -1;
	p.s++;
	if (p_rule_date(&p, &r->start))
		return -1;
	if (p.s >= p.end || *p.s != ',')
		return -1;
	p.s++;
	if (p_rule_date(&p, &r->end))
		return -1;
	return p.s == p.end ? 0 : -1;
}

/* Local seconds since the epoch (midnight plus rule time) of a rule date. */
static int64_t rule_local_s(const rule_date *d, int64_t year)
{
	int64_t jan1 = csvc__days_from_civil(year, 1, 1);
	int64_t day;
	if (d->kind == 'J') {
		day = jan1 + d->a - 1 + (csvc__is_leap(year) && d->a >= 60 ? 1 : 0);
	} else if (d->kind == 'D') {
		day = jan1 + d->a;
	} else {
		int64_t first = csvc__days_from_civil(year, d->a, 1);
		int wd_first = (int)csvc__floor_mod(first + 4, 7); /* 0 = Sunday */
		int dom = 1 + (d->c - wd_first + 7) % 7 + 7 * (d->b - 1);
		int mdays = csvc__month_days(year, d->a);
		while (dom > mdays)
			dom -= 7;
		day = first + dom - 1;
	}
	return day * CSVC__DAY_S + d->time;
}

typedef struct rule_event {
	int64_t at;
	int dst; /* state after the event */
} rule_event;

/* The two events of `year`, in UTC seconds. */
static void rule_events(const posix_rule *r, int64_t year, rule_event ev[2])
{
	ev[0].at = rule_local_s(&r->start, year) - r->std_off;
	ev[0].dst = 1;
	ev[1].at = rule_local_s(&r->end, year) - r->dst_off;
	ev[1].dst = 0;
}

static int64_t year_of_s(int64_t t_s)
{
	int64_t y;
	int m, d;
	csvc__civil_from_days(csvc__floor_div(t_s, CSVC__DAY_S), &y, &m, &d);
	return y;
}

static int rule_is_dst_at(const posix_rule *r, int64_t t_s)
{
	if (!r->has_dst)
		return 0;
	int64_t y = year_of_s(t_s);
	/* Events of a year lie within about a week of it (rule times reach
	 * 167 h), so years y-2 .. y+1 bracket t. */
	int64_t best_at = INT64_MIN;
	int best_dst = 0;
	for (int64_t yy = y - 2; yy <= y + 1; yy++) {
		rule_event ev[2];
		rule_events(r, yy, ev);
		for (int k = 0; k < 2; k++) {
			/* At equal instants the later-listed event wins, like the
			 * sorted merge in csvc__tz_changes. */
			if (ev[k].at <= t_s && ev[k].at >= best_at) {
				best_at = ev[k].at;
				best_dst = ev[k].dst;
			}
		}
	}
	return best_dst;
}

/* ---- lookups ---- */

/* Index of the last transition <= t, or -1. */
static ptrdiff_t trans_index(const csvc_tz *tz, int64_t t_s)
{
	size_t lo = 0, hi = tz->n_trans;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t_s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

static int uses_rule(const csvc_tz *tz, ptrdiff_t i)
{
	if (!tz->has_rule)
		return 0;
	return tz->n_trans == 0 || i == (ptrdiff_t)tz->n_trans - 1;
}

static void lookup(const csvc_tz *tz, int64_t t_s, int32_t *off, int32_t *isdst, const char **abbr)
{
	ptrdiff_t i = trans_index(tz, t_s);
	if (uses_rule(tz, i)) {
		int dst = rule_is_dst_at(&tz->rule, t_s);
		*off = dst ? tz->rule.dst_off : tz->rule.std_off;
		*isdst = dst;
		*abbr = dst ? tz->rule.dst_abbr : tz->rule.std_abbr;
		return;
	}
	const tz_type *ty = &tz->types[i < 0 ? 0 : tz->idx[i]];
	*off = ty->off;
	*isdst = ty->isdst;
	*abbr = ty->abbr;
}

int32_t csvc__tz_offset_at_s(const csvc_tz *tz, int64_t t_s)
{
	int32_t off, isdst;
	const char *abbr;
	lookup(tz, t_s, &off, &isdst, &abbr);
	return off;
}

typedef struct change_list {
	csvc__tz_change *v;
	size_t n, cap;
	int32_t last;
} change_list;

static int change_push(change_list *l, int64_t at, int32_t off)
{
	if (off == l->last)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		csvc__tz_change *v = csvc__realloc(l->v, cap * sizeof(*v));
		if (!v)
			return csvc__error(CSVC_ENOMEM, "out of memory listing time-zone transitions");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].at_s = at;
	l->v[l->n].offset_after = off;
	l->n++;
	l->last = off;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int csvc__tz_changes(const csvc_tz *tz, int64_t from_s, int64_t to_s, int32_t *offset_before,
                     csvc__tz_change **out, size_t *count)
{
	change_list l = {NULL, 0, 0, csvc__tz_offset_at_s(tz, from_s)};
	*offset_before = l.last;
	int rc = 0;
	/* The footer rule decides from the last transition on (or always when
	 * there is no table). */
	int64_t rule_from = !tz->has_rule ? INT64_MAX : tz->n_trans ? tz->trans[tz->n_trans - 1] : INT64_MIN;
	for (size_t i = (size_t)(trans_index(tz, from_s) + 1); i < tz->n_trans && tz->trans[i] <= to_s && !rc;
	     i++)
		rc = change_push(&l, tz->trans[i], csvc__tz_offset_at_s(tz, tz->trans[i]));
	if (!rc && tz->has_rule && tz->rule.has_dst && rule_from < to_s) {
		int64_t lo = rule_from > from_s ? rule_from : from_s;
		int64_t y0 = year_of_s(lo) - 1, y1 = year_of_s(to_s) + 1;
		size_t cap = (size_t)(y1 - y0 + 1) * 2, n = 0;
		int64_t *at = csvc__malloc(cap * sizeof(*at));
		if (!at)
			rc = csvc__error(CSVC_ENOMEM, "out of memory listing time-zone transitions");
		for (int64_t y = y0; y <= y1 && !rc; y++) {
			rule_event ev[2];
			rule_events(&tz->rule, y, ev);
			for (int k = 0; k < 2; k++)
				if (ev[k].at > lo && ev[k].at <= to_s)
					at[n++] = ev[k].at;
		}
		if (!rc)
			qsort(at, n, sizeof(*at), cmp_i64);
		/* The settled state at each instant: coinciding events (DST all
		 * year) give no change. */
		for (size_t k = 0; k < n && !rc; k++)
			rc = change_push(&l, at[k], csvc__tz_offset_at_s(tz, at[k]));
		csvc__free(at);
	}
	if (rc) {
		csvc__free(l.v);
		return rc;
	}
	*out = l.v;
	*count = l.n;
	return 0;
}

/* ---- construction ---- */

static void tz_destroy(csvc_tz *tz)
{
	if (!tz)
		return;
	csvc__free(tz->name);
	csvc__free(tz->trans);
	csvc__free(tz->idx);
	csvc__free(tz->types);
	csvc__free(tz->abbrs);
	csvc__free(tz->tzif);
	csvc__free(tz);
}

void csvc_tz_free(csvc_tz *tz)
{
	tz_destroy(tz);
}

static int name_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
	       c == '_' || c == '+' || c == '-' || c == '.';
}

static int check_zone_name(const char *name)
{
	size_t n = strlen(name);
	if (n > MAX_NAME)
		return csvc__error(CSVC_ERANGE, "zone name is %zu bytes; at most %d", n, MAX_NAME);
	if (n == 0)
		return csvc__error(CSVC_EINVAL, "zone name must not be empty");
	if (name[0] == '/')
		return csvc__error(CSVC_EINVAL, "zone name '%s' must not be an absolute path", name);
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(name[i]))
			return csvc__error(CSVC_EINVAL,
			                   "zone name contains a character other than letters, digits and '/_+-.' "
			                   "at byte %zu",
			                   i);
	const char *c = name;
	while (*c) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return csvc__error(CSVC_EINVAL,
			                   "zone name '%s' has an empty, '.' or '..' component", name);
		if (!slash)
			break;
		c = slash + 1;
		if (!*c)
			return csvc__error(CSVC_EINVAL, "zone name '%s' ends with '/'", name);
	}
	return 0;
}

static csvc_tz *tz_alloc(const char *name)
{
	csvc_tz *tz = csvc__calloc(1, sizeof(*tz));
	if (!tz)
		return NULL;
	tz->name = csvc__strcopy(name);
	if (!tz->name) {
		csvc__free(tz);
		return NULL;
	}
	return tz;
}

/* Keeps a copy of the TZif data `tz` was parsed from. */
static int keep_tzif(csvc_tz *tz, const void *data, size_t len)
{
	tz->tzif = csvc__malloc(len ? len : 1);
	if (!tz->tzif)
		return csvc__error(CSVC_ENOMEM, "out of memory creating a time zone");
	if (len)
		memcpy(tz->tzif, data, len);
	tz->tzif_len = len;
	return 0;
}

const uint8_t *csvc__tz_tzif(const csvc_tz *tz, size_t *len)
{
	*len = tz->tzif ? tz->tzif_len : 0;
	return tz->tzif;
}

/* A zone with one type and no transitions. */
static int make_fixed(csvc_tz **out, const char *name, int32_t off, const char *abbr)
{
	csvc_tz *tz = tz_alloc(name);
	if (!tz)
		return csvc__error(CSVC_ENOMEM, "out of memory creating a time zone");
	tz->types = csvc__calloc(1, sizeof(*tz->types));
	tz->abbrs = csvc__strcopy(abbr);
	tz->abbrs_len = strlen(abbr) + 1;
	if (!tz->types || !tz->abbrs) {
		tz_destroy(tz);
		return csvc__error(CSVC_ENOMEM, "out of memory creating a time zone");
	}
	tz->n_types = 1;
	tz->types[0].off = off;
	tz->types[0].abbr = tz->abbrs;
	*out = tz;
	return 0;
}

static void fixed_name(int32_t off, char *buf, size_t n)
{
	char sign = off < 0 ? '-' : '+';
	int32_t a = off < 0 ? -off : off;
	if (a % 60)
		snprintf(buf, n, "%c%02d:%02d:%02d", sign, (int)(a / 3600), (int)(a / 60 % 60), (int)(a % 60));
	else
		snprintf(buf, n, "%c%02d:%02d", sign, (int)(a / 3600), (int)(a / 60 % 60));
}

int csvc_tz_fixed(csvc_tz **out, int32_t offset_seconds)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	if (offset_seconds < MIN_UTOFF || offset_seconds > MAX_UTOFF)
		return csvc__error(CSVC_ERANGE, "fixed offset %d s is outside -25 h .. +26 h",
		                   (int)offset_seconds);
	char name[16];
	fixed_name(offset_seconds, name, sizeof(name));
	return make_fixed(out, name, offset_seconds, name);
}

int csvc_tz_utc(csvc_tz **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	return make_fixed(out, "UTC", 0, "UTC");
}

/* Parses "+HH:MM" / "-HH:MM[:SS]"; returns 1 and the offset if it is one. */
static int parse_fixed_name(const char *name, int32_t *off)
{
	size_t n = strlen(name);
	if ((n != 6 && n != 9) || (name[0] != '+' && name[0] != '-'))
		return 0;
	int v[3] = {0, 0, 0};
	for (size_t k = 0; k < (n == 6 ? 2u : 3u); k++) {
		const char *f = name + 1 + 3 * k;
		if (f[0] < '0' || f[0] > '9' || f[1] < '0' || f[1] > '9' || (k > 0 && f[-1] != ':'))
			return 0;
		v[k] = (f[0] - '0') * 10 + (f[1] - '0');
	}
	if (v[1] > 59 || v[2] > 59)
		return 0;
	int32_t a = v[0] * 3600 + v[1] * 60 + v[2];
	*off = name[0] == '-' ? -a : a;
	return 1;
}

int csvc_tz_from_posix(csvc_tz **out, const char *tz_string)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(tz_string, "tz_string");
	size_t n = strlen(tz_string);
	if (n > MAX_NAME)
		return csvc__error(CSVC_ERANGE, "a POSIX TZ string is %zu bytes; at most %d", n, MAX_NAME);
	if (n == 0)
		return csvc__error(CSVC_EINVAL, "a POSIX TZ string must not be empty");
	posix_rule r;
	if (parse_posix(tz_string, n, &r))
		return csvc__error(CSVC_EINVAL, "'%s' is not a valid POSIX TZ string", tz_string);
	csvc_tz *tz;
	int rc = make_fixed(&tz, tz_string, r.std_off, r.std_abbr);
	if (rc)
		return rc;
	tz->has_rule = 1;
	tz->rule = r;
	*out = tz;
	return 0;
}

/* ---- TZif ---- */

typedef struct reader {
	const uint8_t *p;
	size_t left;
} reader;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
	return (int64_t)v;
}

#define CORRUPT(...) csvc__error(CSVC_ECORRUPT, __VA_ARGS__)

typedef struct tzif_header {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_header;

static int read_header(reader *r, tzif_header *h, const char *name)
{
	if (r->left < 44)
		return CORRUPT("TZif data for '%s' is truncated in its header", name);
	if (memcmp(r->p, "TZif", 4) != 0)
		return CORRUPT("data for '%s' is not TZif (bad magic)", name);
	h->version = (char)r->p[4];
	if (h->version != 0 && (h->version < '2' || h->version > '4'))
		return CORRUPT("TZif data for '%s' has unknown version byte 0x%02x", name,
		               (unsigned)(uint8_t)h->version);
	const uint8_t *c = r->p + 20;
	h->isutcnt = be32(c);
	h->isstdcnt = be32(c + 4);
	h->leapcnt = be32(c + 8);
	h->timecnt = be32(c + 12);
	h->typecnt = be32(c + 16);
	h->charcnt = be32(c + 20);
	r->p += 44;
	r->left -= 44;
	if (h->timecnt > MAX_TIMECNT || h->typecnt > MAX_TYPECNT || h->charcnt > MAX_CHARCNT ||
	    h->leapcnt > MAX_LEAPCNT || h->isutcnt > MAX_TYPECNT || h->isstdcnt > MAX_TYPECNT)
		return CORRUPT("TZif data for '%s' has implausible counts", name);
	return 0;
}

static size_t block_size(const tzif_header *h, size_t tsize)
{
	return (size_t)h->timecnt * tsize + h->timecnt + (size_t)h->typecnt * 6 + h->charcnt +
	       (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Reads and validates one data block into tz. */
static int read_block(reader *r, const tzif_header *h, size_t tsize, csvc_tz *tz, const char *name)
{
	if (h->typecnt == 0)
		return CORRUPT("TZif data for '%s' has no local time types", name);
	if (h->charcnt == 0)
		return CORRUPT("TZif data for '%s' has no abbreviation characters", name);
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) || (h->isutcnt != 0 && h->isutcnt != h->typecnt))
		return CORRUPT("TZif data for '%s' has inconsistent std/ut indicator counts", name);
	size_t need = block_size(h, tsize);
	if (r->left < need)
		return CORRUPT("TZif data for '%s' is truncated in its data block", name);
	const uint8_t *p = r->p;
	tz->n_trans = h->timecnt;
	tz->n_types = h->typecnt;
	if (h->timecnt) {
		tz->trans = csvc__malloc(h->timecnt * sizeof(*tz->trans));
		tz->idx = csvc__malloc(h->timecnt);
	}
	tz->types = csvc__calloc(h->typecnt, sizeof(*tz->types));
	tz->abbrs = csvc__malloc(h->charcnt);
	tz->abbrs_len = h->charcnt;
	if ((h->timecnt && (!tz->trans || !tz->idx)) || !tz->types || !tz->abbrs)
		return csvc__error(CSVC_ENOMEM, "out of memory reading time zone '%s'", name);
	for (uint32_t i = 0; i < h->timecnt; i++, p += tsize) {
		tz->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return CORRUPT("TZif data for '%s': transition times not strictly increasing (at %u)",
			               name, (unsigned)i);
	}
	for (uint32_t i = 0; i < h->timecnt; i++, p++) {
		if (*p >= h->typecnt)
			return CORRUPT("TZif data for '%s': transition %u names type %u of %u", name,
			               (unsigned)i, (unsigned)*p, (unsigned)h->typecnt);
		tz->idx[i] = *p;
	}
	const uint8_t *types = p;
	p += (size_t)h->typecnt * 6;
	memcpy(tz->abbrs, p, h->charcnt);
	p += h->charcnt;
	for (uint32_t i = 0; i < h->typecnt; i++) {
		const uint8_t *t = types + 6 * i;
		int32_t off = (int32_t)be32(t);
		if (off < MIN_UTOFF || off > MAX_UTOFF)
			return CORRUPT("TZif data for '%s': type %u has UT offset %d s, out of range", name,
			               (unsigned)i, (int)off);
		if (t[4] > 1)
			return CORRUPT("TZif data for '%s': type %u has DST flag %u", name, (unsigned)i,
			               (unsigned)t[4]);
		if (t[5] >= h->charcnt || !memchr(tz->abbrs + t[5], '\0', h->charcnt - t[5]))
			return CORRUPT("TZif data for '%s': type %u has a bad abbreviation index", name,
			               (unsigned)i);
		tz->types[i].off = off;
		tz->types[i].isdst = t[4];
		tz->types[i].abbr = tz->abbrs + t[5];
	}
	int64_t prev_leap = INT64_MIN;
	for (uint32_t i = 0; i < h->leapcnt; i++, p += tsize + 4) {
		int64_t at = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
		if (i > 0 && at <= prev_leap)
			return CORRUPT("TZif data for '%s': leap-second times not increasing", name);
		prev_leap = at;
	}
	for (uint32_t i = 0; i < h->isstdcnt; i++)
		if (p[i] > 1)
			return CORRUPT("TZif data for '%s': bad standard/wall indicator", name);
	for (uint32_t i = 0; i < h->isutcnt; i++)
		if (p[h->isstdcnt + i] > 1 || (p[h->isstdcnt + i] == 1 && h->isstdcnt && p[i] != 1))
			return CORRUPT("TZif data for '%s': bad UT/local indicator", name);
	r->p += need;
	r->left -= need;
	return 0;
}

static int parse_tzif(csvc_tz *tz, const uint8_t *data, size_t len, const char *name)
{
	reader r = {data, len};
	tzif_header h;
	int rc = read_header(&r, &h, name);
	if (rc)
		return rc;
	if (h.version == 0) {
		if ((rc = read_block(&r, &h, 4, tz, name)))
			return rc;
		if (r.left)
			return CORRUPT("TZif data for '%s' has %zu trailing bytes", name, r.left);
		return 0;
	}
	/* Version 2+: skip the 32-bit block (validated for size only). */
	size_t v1 = block_size(&h, 4);
	if (r.left < v1)
		return CORRUPT("TZif data for '%s' is truncated in its version 1 data block", name);
	r.p += v1;
	r.left -= v1;
	tzif_header h2;
	if ((rc = read_header(&r, &h2, name)))
		return rc;
	if (h2.version != h.version)
		return CORRUPT("TZif data for '%s' has mismatched version bytes", name);
	if ((rc = read_block(&r, &h2, 8, tz, name)))
		return rc;
	/* Footer: "\n" TZ-string "\n". */
	if (r.left < 2 || r.p[0] != '\n')
		return CORRUPT("TZif data for '%s' lacks its footer", name);
	const uint8_t *nl = memchr(r.p + 1, '\n', r.left - 1);
	if (!nl)
		return CORRUPT("TZif data for '%s' has an unterminated footer", name);
	size_t flen = (size_t)(nl - (r.p + 1));
	if ((size_t)(nl - r.p) + 1 != r.left)
		return CORRUPT("TZif data for '%s' has trailing bytes after its footer", name);
	if (flen > 0) {
		if (parse_posix((const char *)r.p + 1, flen, &tz->rule))
			return CORRUPT("TZif data for '%s' has an invalid footer TZ string '%.*s'", name,
			               (int)(flen > 64 ? 64 : flen), (const char *)r.p + 1);
		tz->has_rule = 1;
	}
	return 0;
}

int csvc_tz_from_tzif(csvc_tz **out, const char *name, const void *data, size_t len)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(name, "name");
	CSVC__CHECK_ARG(data || len == 0, "data");
	int rc = check_zone_name(name);
	if (rc)
		return rc;
	csvc_tz *tz = tz_alloc(name);
	if (!tz)
		return csvc__error(CSVC_ENOMEM, "out of memory creating a time zone");
	rc = parse_tzif(tz, data, len, name);
	if (!rc)
		rc = keep_tzif(tz, data, len);
	if (rc) {
		tz_destroy(tz);
		return rc;
	}
	*out = tz;
	return 0;
}

int csvc__tz_builtin(const char *name)
{
	int32_t off;
	return strcmp(name, "UTC") == 0 || parse_fixed_name(name, &off);
}

int csvc_tz_load(csvc_tz **out, const char *name, const char *zoneinfo_dir)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(name, "name");
	int32_t off;
	if (strcmp(name, "UTC") == 0)
		return make_fixed(out, "UTC", 0, "UTC");
	if (parse_fixed_name(name, &off)) {
		if (off < MIN_UTOFF || off > MAX_UTOFF)
			return csvc__error(CSVC_ERANGE, "fixed offset '%s' is outside -25 h .. +26 h", name);
		return make_fixed(out, name, off, name);
	}
	int rc = check_zone_name(name);
	if (rc)
		return rc;
	const char *dir = zoneinfo_dir ? zoneinfo_dir : DEFAULT_ZONEINFO_DIR;
	if ((rc = csvc__check_text_mode(dir, 0, 4096, "zoneinfo_dir", CSVC__TEXT_ANY)))
		return rc;
	size_t plen = strlen(dir) + 1 + strlen(name) + 1;
	char *path = csvc__malloc(plen);
	if (!path)
		return csvc__error(CSVC_ENOMEM, "out of memory loading time zone '%s'", name);
	snprintf(path, plen, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		rc = e == ENOENT || e == ENOTDIR
		         ? csvc__error(CSVC_ENOTFOUND, "no time zone '%s' in '%s'", name, dir)
		         : csvc__error(CSVC_ESTORAGE, "cannot open '%s': %s", path, strerror(e));
		csvc__free(path);
		return rc;
	}
	struct stat st;
	uint8_t *buf = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = csvc__error(CSVC_ENOTFOUND, "'%s' is not a time zone file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > MAX_TZIF_FILE) {
		rc = CORRUPT("'%s' is too large to be a TZif file", path);
		goto done;
	}
	size_t size = (size_t)st.st_size;
	buf = csvc__malloc(size ? size : 1);
	if (!buf) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading time zone '%s'", name);
		goto done;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t k = read(fd, buf + got, size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != size) {
		rc = csvc__error(CSVC_ESTORAGE, "cannot read '%s'", path);
		goto done;
	}
	csvc_tz *tz = tz_alloc(name);
	if (!tz) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory loading time zone '%s'", name);
		goto done;
	}
	rc = parse_tzif(tz, buf, size, name);
	if (!rc) {
		tz->tzif = buf; /* kept: the store may keep a copy of it */
		tz->tzif_len = size;
		buf = NULL;
	}
	if (rc)
		tz_destroy(tz);
	else
		*out = tz;
done:
	csvc__free(buf);
	csvc__free(path);
	close(fd);
	return rc;
}

int csvc__tz_clone(const csvc_tz *src, csvc_tz **out)
{
	csvc_tz *tz = tz_alloc(src->name);
	if (!tz)
		return csvc__error(CSVC_ENOMEM, "out of memory copying a time zone");
	tz->n_trans = src->n_trans;
	tz->n_types = src->n_types;
	tz->abbrs_len = src->abbrs_len;
	tz->has_rule = src->has_rule;
	tz->rule = src->rule;
	if (src->n_trans) {
		tz->trans = csvc__malloc(src->n_trans * sizeof(*tz->trans));
		tz->idx = csvc__malloc(src->n_trans);
	}
	tz->types = csvc__malloc(src->n_types * sizeof(*tz->types));
	tz->abbrs = csvc__malloc(src->abbrs_len);
	if ((src->n_trans && (!tz->trans || !tz->idx)) || !tz->types || !tz->abbrs) {
		tz_destroy(tz);
		return csvc__error(CSVC_ENOMEM, "out of memory copying a time zone");
	}
	if (src->n_trans) {
		memcpy(tz->trans, src->trans, src->n_trans * sizeof(*tz->trans));
		memcpy(tz->idx, src->idx, src->n_trans);
	}
	memcpy(tz->abbrs, src->abbrs, src->abbrs_len);
	if (src->tzif && keep_tzif(tz, src->tzif, src->tzif_len)) {
		tz_destroy(tz);
		return CSVC_ENOMEM;
	}
	for (size_t i = 0; i < src->n_types; i++) {
		tz->types[i] = src->types[i];
		tz->types[i].abbr = tz->abbrs + (src->types[i].abbr - src->abbrs);
	}
	*out = tz;
	return 0;
}

/* ---- queries ---- */

const char *csvc_tz_name(const csvc_tz *tz)
{
	return tz ? tz->name : NULL;
}

static int check_range(int64_t v, const char *what)
{
	if (v < CSVC_TZ_MIN_US || v > CSVC_TZ_MAX_US)
		return csvc__error(CSVC_ERANGE, "%s %lld is outside years 1 to 9999", what, (long long)v);
	return 0;
}

int csvc_tz_offset_at(const csvc_tz *tz, csvc_time_us t, int32_t *offset_seconds, int32_t *is_dst,
                      const char **abbreviation)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(tz, "tz");
	CSVC__CHECK_ARG(offset_seconds, "offset_seconds");
	int rc = check_range(t, "instant");
	if (rc)
		return rc;
	int32_t off, dst;
	const char *abbr;
	lookup(tz, csvc__floor_div(t, SEC_US), &off, &dst, &abbr);
	*offset_seconds = off;
	if (is_dst)
		*is_dst = dst;
	if (abbreviation)
		*abbreviation = abbr;
	return 0;
}

int csvc_tz_utc_to_local(const csvc_tz *tz, csvc_time_us t, int64_t *local_us)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(tz, "tz");
	CSVC__CHECK_ARG(local_us, "local_us");
	int rc = check_range(t, "instant");
	if (rc)
		return rc;
	*local_us = t + (int64_t)csvc__tz_offset_at_s(tz, csvc__floor_div(t, SEC_US)) * SEC_US;
	return 0;
}

int csvc_tz_local_to_utc(const csvc_tz *tz, int64_t local_us, csvc_tz_disambiguation_t disambiguation,
                         csvc_time_us *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(tz, "tz");
	CSVC__CHECK_ARG(out, "out");
	if (disambiguation < CSVC_TZ_COMPATIBLE || disambiguation > CSVC_TZ_REJECT)
		return csvc__error(CSVC_EINVAL, "unknown disambiguation %d", (int)disambiguation);
	int rc = check_range(local_us, "local time");
	if (rc)
		return rc;
	/* Every instant with this wall time lies within the widest offsets of
	 * it; list the offset changes there. */
	int64_t l_s = csvc__floor_div(local_us, SEC_US);
	int32_t before;
	csvc__tz_change *ch = NULL;
	size_t n = 0;
	rc = csvc__tz_changes(tz, l_s - MAX_UTOFF - 2, l_s - MIN_UTOFF + 2, &before, &ch, &n);
	if (rc)
		return rc;
	/* Candidate instants: local - offset for each period, valid when the
	 * instant falls inside that period. */
	int64_t found[2];
	int n_found = 0;
	int64_t gap_earlier = 0, gap_later = 0;
	int in_gap = 0;
	for (size_t k = 0; k <= n; k++) {
		int32_t off = k == 0 ? before : ch[k - 1].offset_after;
		int64_t start = k == 0 ? INT64_MIN : ch[k - 1].at_s * SEC_US;
		int64_t end = k == n ? INT64_MAX : ch[k].at_s * SEC_US;
		int64_t cand = local_us - (int64_t)off * SEC_US;
		if (cand >= start && cand < end) {
			if (n_found < 2)
				found[n_found] = cand;
			else
				found[1] = cand; /* keep the earliest and the latest */
			n_found++;
		}
		if (k < n) {
			/* A forward change at ch[k] skips [at + off, at + next_off). */
			int32_t next = ch[k].offset_after;
			int64_t at = ch[k].at_s * SEC_US;
			if (next > off && local_us >= at + (int64_t)off * SEC_US &&
			    local_us < at + (int64_t)next * SEC_US) {
				in_gap = 1;
				gap_earlier = local_us - (int64_t)next * SEC_US;
				gap_later = local_us - (int64_t)off * SEC_US;
			}
		}
	}
	csvc__free(ch);
	if (n_found == 1) {
		*out = found[0];
		return 0;
	}
	if (n_found >= 2) {
		if (disambiguation == CSVC_TZ_REJECT)
			return csvc__error(CSVC_ERANGE, "local time %lld is ambiguous in '%s' (clocks go back)",
			                   (long long)local_us, tz->name);
		*out = disambiguation == CSVC_TZ_LATER ? found[1] : found[0];
		return 0;
	}
	if (!in_gap) /* cannot happen with consistent data; be safe */
		return csvc__error(CSVC_ERANGE, "local time %lld cannot be resolved in '%s'",
		                   (long long)local_us, tz->name);
	if (disambiguation == CSVC_TZ_REJECT)
		return csvc__error(CSVC_ERANGE, "local time %lld does not exist in '%s' (clocks go forward)",
		                   (long long)local_us, tz->name);
	*out = disambiguation == CSVC_TZ_EARLIER ? gap_earlier : gap_later;
	return 0;
}

/* ---- civil fields ---- */

CSVC__STRUCT_LAYOUT(civil_layout, csvc_civil_time, CSVC_CIVIL_TIME_VERSION, CSVC_CIVIL_TIME_INIT,
                    sizeof(csvc_civil_time));

int csvc_civil_from_local(int64_t local_us, csvc_civil_time *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	/* Only the fields of the version the caller's struct carries are
	 * written. */
	uint32_t version;
	int rc = csvc__struct_version(&civil_layout, out->version, &version);
	if (rc || (rc = check_range(local_us, "local time")))
		return rc;
	int64_t days = csvc__floor_div(local_us, CSVC__DAY_US);
	int64_t rem = local_us - days * CSVC__DAY_US;
	int64_t y;
	int m, d;
	csvc__civil_from_days(days, &y, &m, &d);
	csvc_civil_time c;
	c.version = version;
	c.year = (int32_t)y;
	c.month = m;
	c.day = d;
	c.hour = (int32_t)(rem / (3600 * SEC_US));
	c.minute = (int32_t)(rem / (60 * SEC_US) % 60);
	c.second = (int32_t)(rem / SEC_US % 60);
	c.microsecond = (int32_t)(rem % SEC_US);
	c.weekday = csvc__weekday_mon0(days) + 1;
	memcpy(out, &c, civil_layout.sizes[version - 1]);
	return 0;
}

int csvc_civil_to_local(const csvc_civil_time *c, int64_t *local_us)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "civil");
	CSVC__CHECK_ARG(local_us, "local_us");
	csvc_civil_time copy; /* read only as far as the caller's version goes */
	int rc = csvc__struct_read(&civil_layout, &copy, c);
	if (rc)
		return rc;
	c = &copy;
	if (c->year < 1 || c->year > 9999 || c->month < 1 || c->month > 12 || c->day < 1 ||
	    c->day > csvc__month_days(c->year, c->month) || c->hour < 0 || c->hour > 23 ||
	    c->minute < 0 || c->minute > 59 || c->second < 0 || c->second > 59 || c->microsecond < 0 ||
	    c->microsecond > 999999)
		return csvc__error(CSVC_EINVAL, "civil time %04d-%02d-%02d %02d:%02d:%02d.%06d is not valid",
		                   (int)c->year, (int)c->month, (int)c->day, (int)c->hour, (int)c->minute,
		                   (int)c->second, (int)c->microsecond);
	int64_t days = csvc__days_from_civil(c->year, c->month, c->day);
	*local_us = days * CSVC__DAY_US + ((int64_t)c->hour * 3600 + c->minute * 60 + c->second) * SEC_US +
	            c->microsecond;
	return 0;
}
