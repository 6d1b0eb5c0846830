/*
 * Business calendars: the JSON text form (a strict, bounded, hand-written
 * parser and a canonical writer) and exact business-time arithmetic.
 *
 * The arithmetic works on two axes (see docs/calendars.md):
 *
 * Local axis. Local wall-clock microseconds. The open set is a union of
 * per-day "slices": the part of local day N that is open, made from day
 * N's own intervals and the part of day N-1's intervals that crosses
 * midnight. A day is "regular" when it and the day before follow the
 * weekly schedule of the same version with no holiday or special day;
 * its slice is then one of the version's seven precomputed weekday
 * slices. The few other days ("irregular": holidays, special days, the
 * day after each, the first day of each version, and two sentinels at the
 * ends of the supported range) have their own precomputed slices and the
 * cumulative business time at their start. F_loc(x), the business time
 * from the origin to local time x, is one binary search over irregular
 * days plus whole weeks by division plus one binary search inside a
 * slice; its inverse is the same in reverse.
 *
 * UTC axis. Between two changes of UTC offset ("periods") local time is
 * UTC plus a constant. When clocks go forward, local time jumps and the
 * skipped wall-clock times never happen; when clocks go back, the wall
 * clock repeats a stretch, during which the calendar keeps the state it
 * had just before the change (it is "frozen") until the wall clock passes
 * the time it showed then. Each period stores the business time gained or
 * lost at its start (K) and the UTC cumulative value at its start (U), so
 * F_utc(t) = F_loc(local(t)) + K, and add() finds its period by binary
 * search on U. No operation loops over days, weeks or transitions.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar-db.h"
#include "csvc/calendar.h"
#include "util/internal.h"
#include "calendar/tz-internal.h"

#define SEC_US ((int64_t)1000000)
#define DAY_S 86400
#define DAY_US CSVC__DAY_US
#define NO_FROM INT64_MIN

/* Dates allowed in the text form: 1900-01-01 .. 2199-12-31. */
#define DATE_MIN_DAY ((int64_t)-25567)
#define DATE_MAX_DAY ((int64_t)84005)
/* Local days covered by the precomputed tables (a margin either side of
 * the instant range for offsets and transitions near its ends). */
#define DMIN_L ((int64_t)-25579)
#define DMAX_L ((int64_t)84017)
/* Offset changes are listed over the instant range widened by this. */
#define MARGIN_S ((int64_t)5 * DAY_S)
#define MAX_JSON_DEPTH 32
/* Most JSON values in a calendar text (bounds the parser's memory). */
#define MAX_JSON_NODES 400000
#define IRR_BLOCK_SHIFT 6 /* blocks of 64 days */

/* ------------------------------------------------------------------ */
/* Model                                                              */
/* ------------------------------------------------------------------ */

typedef struct spec_iv {
	int32_t start; /* seconds after local midnight, 0 .. 86399 */
	int32_t end;   /* start < end <= start + 86400; > 86400 crosses midnight */
} spec_iv;

typedef struct spec_day {
	uint32_t first; /* into csvc_calendar.ivs */
	uint32_t count;
} spec_day;

typedef struct spec_version {
	int64_t from; /* local day number, or NO_FROM (first version only) */
	size_t pos;   /* text position, for messages */
	spec_day week[7]; /* 0 = Monday */
} spec_version;

typedef struct spec_exc {
	int64_t day;
	int32_t holiday; /* 1: holiday; 0: special day with `d` */
	size_t pos;
	spec_day d;
} spec_exc;

typedef struct slice_iv {
	int64_t s, e; /* microseconds after local midnight, 0 <= s < e <= DAY_US */
	int64_t cum;  /* open time in the slice before s */
} slice_iv;

typedef struct slice {
	uint32_t first, count;
	int64_t total;
} slice;

typedef struct version_rt {
	uint32_t wslice[7];
	int64_t prefix[8]; /* prefix[w] = open time of weekdays 0 .. w-1 */
} version_rt;

typedef struct irr_meta {
	uint32_t slice;
	int32_t version; /* version in force from this day to the next irregular day; -1 none */
} irr_meta;

typedef struct period {
	int64_t tau;   /* start instant (us) */
	int64_t off;   /* UTC offset (us) */
	int64_t P;     /* highest wall-clock time shown before tau */
	int64_t Pnext; /* P of the next period (INT64_MAX for the last) */
	int64_t delta; /* frozen stretch at the start (clocks went back) */
	int64_t K;     /* F_utc - F_loc after the frozen stretch */
	int64_t U;     /* F_utc(tau) */
	int32_t open;  /* state during the frozen stretch */
} period;

struct csvc_calendar {
	csvc_tz *tz;
	spec_iv *ivs;
	size_t n_ivs, cap_ivs;
	spec_version *versions;
	size_t n_versions;
	spec_exc *excs;
	size_t n_excs;

	version_rt *vrt;
	slice *slices;
	size_t n_slices, cap_slices;
	slice_iv *siv;
	size_t n_siv, cap_siv;
	/* Irregular days, as parallel arrays so that searches touch few cache
	 * lines: the day, the local business time from the origin to its
	 * start, and its slice and version. */
	size_t n_irrs;
	int64_t *irr_days;
	int64_t *irr_F;
	irr_meta *irr_meta;
	/* For each block of IRR_BLOCK_DAYS days from DMIN_L, the number of
	 * irregular days before the block: a day's search covers one block. */
	uint32_t *irr_block;
	size_t n_blocks;
	period *periods;
	size_t n_periods;
};

static const char *const DAY_KEYS[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ------------------------------------------------------------------ */
/* Strict JSON parser (RFC 8259) into a flat tree                     */
/* ------------------------------------------------------------------ */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

/* Offsets fit in 32 bits: the text is at most CSVC_CALENDAR_TEXT_MAX. */
typedef struct jnode {
	int32_t type;
	uint32_t pos;               /* byte offset of the value */
	uint32_t str, slen;         /* J_STR: decoded text in the string buffer */
	uint32_t key, keylen, keypos; /* members of objects */
	int32_t first, next;        /* first child, next sibling; -1 none */
	uint32_t count;
} jnode;

typedef struct jparser {
	const char *text;
	size_t len, pos;
	jnode *nodes;
	size_t n, cap;
	char *sbuf;
	size_t sused;
	int depth;
	int code;      /* error code when failed */
	size_t err_pos;
	char err[256];
} jparser;

static int jfail(jparser *p, size_t pos, int code, const char *fmt, ...) CSVC__PRINTF(4, 5);
static int jfail(jparser *p, size_t pos, int code, const char *fmt, ...)
{
	if (p->code)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->code = code;
	p->err_pos = pos;
	return -1;
}

static void jws(jparser *p)
{
	while (p->pos < p->len) {
		char c = p->text[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int64_t jnew(jparser *p, int type, size_t pos)
{
	if (p->n >= MAX_JSON_NODES)
		return jfail(p, pos, CSVC_ERANGE, "more than %d JSON values", MAX_JSON_NODES);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		jnode *v = csvc__realloc(p->nodes, cap * sizeof(*v));
		if (!v)
			return jfail(p, pos, CSVC_ENOMEM, "out of memory");
		p->nodes = v;
		p->cap = cap;
	}
	jnode *n = &p->nodes[p->n];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->pos = (uint32_t)pos;
	n->first = n->next = -1;
	return (int64_t)p->n++;
}

static int jhex4(jparser *p, size_t at, unsigned *out)
{
	if (at + 4 > p->len)
		return jfail(p, at, CSVC_EINVAL, "truncated \\u escape");
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = csvc__hex_digit(p->text[at + (size_t)i]);
		if (h < 0)
			return jfail(p, at, CSVC_EINVAL, "bad hex digit in \\u escape");
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

static void sput(jparser *p, unsigned char c)
{
	p->sbuf[p->sused++] = (char)c;
}

/* Decodes a string at p->pos (at its opening quote) into the string
 * buffer. The decoded form never exceeds the raw one, so the buffer (as
 * long as the text plus one) never overflows. */
static int jstring(jparser *p, size_t *off, size_t *len)
{
	size_t start = p->pos;
	p->pos++; /* quote */
	*off = p->sused;
	for (;;) {
		if (p->pos >= p->len)
			return jfail(p, start, CSVC_EINVAL, "unterminated string");
		unsigned char c = (unsigned char)p->text[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20)
			return jfail(p, p->pos, CSVC_EINVAL, "control character in string");
		if (c != '\\') {
			sput(p, c);
			p->pos++;
			continue;
		}
		if (p->pos + 1 >= p->len)
			return jfail(p, p->pos, CSVC_EINVAL, "truncated escape");
		char e = p->text[p->pos + 1];
		size_t esc = p->pos;
		p->pos += 2;
		switch (e) {
		case '"': sput(p, '"'); break;
		case '\\': sput(p, '\\'); break;
		case '/': sput(p, '/'); break;
		case 'b': sput(p, '\b'); break;
		case 'f': sput(p, '\f'); break;
		case 'n': sput(p, '\n'); break;
		case 'r': sput(p, '\r'); break;
		case 't': sput(p, '\t'); break;
		case 'u': {
			unsigned cp;
			if (jhex4(p, p->pos, &cp))
				return -1;
			p->pos += 4;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return jfail(p, esc, CSVC_EINVAL, "lone low surrogate in \\u escape");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned lo;
				if (p->pos + 2 > p->len || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u')
					return jfail(p, esc, CSVC_EINVAL, "lone high surrogate in \\u escape");
				if (jhex4(p, p->pos + 2, &lo))
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return jfail(p, esc, CSVC_EINVAL, "bad surrogate pair in \\u escape");
				p->pos += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (cp == 0)
				return jfail(p, esc, CSVC_EINVAL, "NUL character in string");
			/* UTF-8 of cp is at most 4 bytes; the escape took 6 or 12. */
			if (cp < 0x80) {
				sput(p, (unsigned char)cp);
			} else if (cp < 0x800) {
				sput(p, (unsigned char)(0xC0 | (cp >> 6)));
				sput(p, (unsigned char)(0x80 | (cp & 0x3F)));
			} else if (cp < 0x10000) {
				sput(p, (unsigned char)(0xE0 | (cp >> 12)));
				sput(p, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
				sput(p, (unsigned char)(0x80 | (cp & 0x3F)));
			} else {
				sput(p, (unsigned char)(0xF0 | (cp >> 18)));
				sput(p, (unsigned char)(0x80 | ((cp >> 12) & 0x3F)));
				sput(p, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
				sput(p, (unsigned char)(0x80 | (cp & 0x3F)));
			}
			break;
		}
		default:
			return jfail(p, esc, CSVC_EINVAL, "unknown escape '\\%c'",
			             (e >= 0x20 && e < 0x7f) ? e : '?');
		}
	}
	*len = p->sused - *off;
	if (!csvc__utf8_valid(p->sbuf + *off, *len))
		return jfail(p, start, CSVC_EINVAL, "string is not valid UTF-8");
	sput(p, 0);
	return 0;
}

static int64_t jvalue(jparser *p);

static int64_t jcontainer(jparser *p, int type)
{
	size_t start = p->pos;
	int64_t self = jnew(p, type, start);
	if (self < 0)
		return -1;
	if (++p->depth > MAX_JSON_DEPTH)
		return jfail(p, start, CSVC_EINVAL, "nesting deeper than %d", MAX_JSON_DEPTH);
	char close = type == J_ARR ? ']' : '}';
	p->pos++;
	jws(p);
	int64_t last = -1;
	if (p->pos < p->len && p->text[p->pos] == close) {
		p->pos++;
		p->depth--;
		return self;
	}
	for (;;) {
		size_t key = 0, keylen = 0, keypos = 0;
		if (type == J_OBJ) {
			jws(p);
			if (p->pos >= p->len || p->text[p->pos] != '"')
				return jfail(p, p->pos, CSVC_EINVAL, "expected a member name in quotes");
			keypos = p->pos;
			if (jstring(p, &key, &keylen))
				return -1;
			jws(p);
			if (p->pos >= p->len || p->text[p->pos] != ':')
				return jfail(p, p->pos, CSVC_EINVAL, "expected ':' after a member name");
			p->pos++;
		}
		int64_t child = jvalue(p);
		if (child < 0)
			return -1;
		jnode *c = &p->nodes[child];
		c->key = (uint32_t)key;
		c->keylen = (uint32_t)keylen;
		c->keypos = (uint32_t)keypos;
		if (last < 0)
			p->nodes[self].first = (int32_t)child;
		else
			p->nodes[last].next = (int32_t)child;
		last = child;
		p->nodes[self].count++;
		jws(p);
		if (p->pos >= p->len)
			return jfail(p, start, CSVC_EINVAL, "unterminated %s", type == J_ARR ? "array" : "object");
		char c2 = p->text[p->pos];
		if (c2 == ',') {
			p->pos++;
			continue;
		}
		if (c2 == close) {
			p->pos++;
			break;
		}
		return jfail(p, p->pos, CSVC_EINVAL, "expected ',' or '%c'", close);
	}
	p->depth--;
	return self;
}

static int64_t jvalue(jparser *p)
{
	jws(p);
	if (p->pos >= p->len)
		return jfail(p, p->pos, CSVC_EINVAL, "unexpected end of text, expected a value");
	size_t start = p->pos;
	char c = p->text[p->pos];
	if (c == '{')
		return jcontainer(p, J_OBJ);
	if (c == '[')
		return jcontainer(p, J_ARR);
	if (c == '"') {
		int64_t n = jnew(p, J_STR, start);
		if (n < 0)
			return -1;
		size_t off, len;
		if (jstring(p, &off, &len))
			return -1;
		p->nodes[n].str = (uint32_t)off;
		p->nodes[n].slen = (uint32_t)len;
		return n;
	}
	static const struct {
		const char *word;
		int type;
	} lits[] = {{"true", J_BOOL}, {"false", J_BOOL}, {"null", J_NULL}};
	for (size_t i = 0; i < 3; i++) {
		size_t wl = strlen(lits[i].word);
		if (p->len - p->pos >= wl && memcmp(p->text + p->pos, lits[i].word, wl) == 0) {
			p->pos += wl;
			return jnew(p, lits[i].type, start);
		}
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		size_t i = p->pos;
		if (p->text[i] == '-')
			i++;
		if (i >= p->len || p->text[i] < '0' || p->text[i] > '9')
			return jfail(p, start, CSVC_EINVAL, "malformed number");
		if (p->text[i] == '0')
			i++;
		else
			while (i < p->len && p->text[i] >= '0' && p->text[i] <= '9')
				i++;
		if (i < p->len && p->text[i] == '.') {
			i++;
			if (i >= p->len || p->text[i] < '0' || p->text[i] > '9')
				return jfail(p, start, CSVC_EINVAL, "malformed number");
			while (i < p->len && p->text[i] >= '0' && p->text[i] <= '9')
				i++;
		}
		if (i < p->len && (p->text[i] == 'e' || p->text[i] == 'E')) {
			i++;
			if (i < p->len && (p->text[i] == '+' || p->text[i] == '-'))
				i++;
			if (i >= p->len || p->text[i] < '0' || p->text[i] > '9')
				return jfail(p, start, CSVC_EINVAL, "malformed number");
			while (i < p->len && p->text[i] >= '0' && p->text[i] <= '9')
				i++;
		}
		p->pos = i;
		return jnew(p, J_NUM, start);
	}
	return jfail(p, start, CSVC_EINVAL, "unexpected character, expected a value");
}

static const char *jstr(const jparser *p, const jnode *n)
{
	return p->sbuf + n->str;
}

static int jkey_is(const jparser *p, const jnode *n, const char *k)
{
	return n->keylen == strlen(k) && memcmp(p->sbuf + n->key, k, n->keylen) == 0;
}

static const char *jtype_name(int t)
{
	switch (t) {
	case J_NULL: return "null";
	case J_BOOL: return "a boolean";
	case J_NUM: return "a number";
	case J_STR: return "a string";
	case J_ARR: return "an array";
	default: return "an object";
	}
}

/* ------------------------------------------------------------------ */
/* Text form -> model                                                 */
/* ------------------------------------------------------------------ */

static int cal_push_iv(csvc_calendar *cal, spec_iv iv)
{
	if (cal->n_ivs == cal->cap_ivs) {
		size_t cap = cal->cap_ivs ? cal->cap_ivs * 2 : 32;
		spec_iv *v = csvc__realloc(cal->ivs, cap * sizeof(*v));
		if (!v)
			return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
		cal->ivs = v;
		cal->cap_ivs = cap;
	}
	cal->ivs[cal->n_ivs++] = iv;
	return 0;
}

/* "YYYY-MM-DD" -> day number, within the supported dates. */
static int parse_date(const char *s, size_t len, int64_t *day)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int v[3] = {0, 0, 0};
	const int at[3] = {0, 5, 8}, width[3] = {4, 2, 2};
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < width[k]; i++) {
			char c = s[at[k] + i];
			if (c < '0' || c > '9')
				return -1;
			v[k] = v[k] * 10 + (c - '0');
		}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > csvc__month_days(v[0], v[1]))
		return -1;
	int64_t d = csvc__days_from_civil(v[0], v[1], v[2]);
	if (d < DATE_MIN_DAY || d > DATE_MAX_DAY)
		return -2;
	*day = d;
	return 0;
}

/* "HH:MM" or "HH:MM:SS" -> seconds; max_hour 23 or 24 (24:00 only). */
static int parse_tod(const char *s, size_t len, int max_hour, int32_t *out)
{
	if (len != 5 && len != 8)
		return -1;
	int v[3] = {0, 0, 0};
	for (size_t k = 0; k < (len == 5 ? 2u : 3u); k++) {
		const char *f = s + 3 * k;
		if (f[0] < '0' || f[0] > '9' || f[1] < '0' || f[1] > '9' || (k > 0 && f[-1] != ':'))
			return -1;
		v[k] = (f[0] - '0') * 10 + (f[1] - '0');
	}
	if (v[0] > max_hour || v[1] > 59 || v[2] > 59 || (v[0] == 24 && (v[1] || v[2])))
		return -1;
	*out = v[0] * 3600 + v[1] * 60 + v[2];
	return 0;
}

static int parse_interval(const char *s, size_t len, spec_iv *iv)
{
	const char *dash = memchr(s, '-', len);
	if (!dash)
		return -1;
	int32_t a, b;
	if (parse_tod(s, (size_t)(dash - s), 23, &a) ||
	    parse_tod(dash + 1, len - (size_t)(dash - s) - 1, 24, &b))
		return -1;
	iv->start = a;
	iv->end = b > a ? b : b + DAY_S;
	return 0;
}

static int cmp_iv(const void *x, const void *y)
{
	const spec_iv *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

typedef struct sem {
	jparser *p;
	csvc_calendar *cal;
} sem;

static int sem_fail(sem *m, size_t pos, int code, const char *fmt, ...) CSVC__PRINTF(4, 5);
static int sem_fail(sem *m, size_t pos, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->p->err, sizeof(m->p->err), fmt, ap);
	va_end(ap);
	m->p->code = code;
	m->p->err_pos = pos;
	return -1;
}

/* Reads an array of interval strings into the model. */
static int sem_day(sem *m, const jnode *arr, const char *what, spec_day *out)
{
	jparser *p = m->p;
	if (arr->type != J_ARR)
		return sem_fail(m, arr->pos, CSVC_EINVAL, "%s must be an array of \"HH:MM-HH:MM\" strings, not %s",
		                what, jtype_name(arr->type));
	if (arr->count > CSVC_CALENDAR_DAY_INTERVALS_MAX)
		return sem_fail(m, arr->pos, CSVC_ERANGE, "%s has %zu intervals, more than %d", what,
		                (size_t)arr->count, CSVC_CALENDAR_DAY_INTERVALS_MAX);
	spec_iv tmp[CSVC_CALENDAR_DAY_INTERVALS_MAX];
	size_t n = 0;
	for (int64_t c = arr->first; c >= 0; c = p->nodes[c].next) {
		const jnode *e = &p->nodes[c];
		if (e->type != J_STR || parse_interval(jstr(p, e), e->slen, &tmp[n]))
			return sem_fail(m, e->pos, CSVC_EINVAL,
			                "%s: an interval must be a string \"HH:MM-HH:MM\" or \"HH:MM:SS-HH:MM:SS\" "
			                "(start 00:00 to 23:59:59, end 00:00 to 24:00; an end not after the start "
			                "means the next day)",
			                what);
		n++;
	}
	if (n)
		qsort(tmp, n, sizeof(tmp[0]), cmp_iv);
	for (size_t i = 1; i < n; i++)
		if (tmp[i].start < tmp[i - 1].end)
			return sem_fail(m, arr->pos, CSVC_EINVAL, "%s: intervals overlap", what);
	out->first = (uint32_t)m->cal->n_ivs;
	out->count = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		if (cal_push_iv(m->cal, tmp[i]))
			return sem_fail(m, arr->pos, CSVC_ENOMEM, "out of memory");
	return 0;
}

static int sem_date(sem *m, const jnode *n, const char *what, int64_t *day)
{
	if (n->type != J_STR)
		return sem_fail(m, n->pos, CSVC_EINVAL, "%s must be a \"YYYY-MM-DD\" string, not %s", what,
		                jtype_name(n->type));
	int rc = parse_date(jstr(m->p, n), n->slen, day);
	if (rc == -2)
		return sem_fail(m, n->pos, CSVC_EINVAL, "%s '%s' is outside 1900-01-01 .. 2199-12-31", what,
		                jstr(m->p, n));
	if (rc)
		return sem_fail(m, n->pos, CSVC_EINVAL, "%s must be a valid date \"YYYY-MM-DD\"", what);
	return 0;
}

static int sem_version(sem *m, const jnode *obj, spec_version *v, int index)
{
	jparser *p = m->p;
	char what[64];
	if (obj->type != J_OBJ)
		return sem_fail(m, obj->pos, CSVC_EINVAL, "versions[%d] must be an object", index);
	memset(v, 0, sizeof(*v));
	v->from = NO_FROM;
	v->pos = obj->pos;
	int seen_from = 0, seen_week = 0;
	for (int64_t c = obj->first; c >= 0; c = p->nodes[c].next) {
		const jnode *e = &p->nodes[c];
		if (jkey_is(p, e, "from")) {
			if (seen_from++)
				return sem_fail(m, e->keypos, CSVC_EINVAL, "versions[%d]: duplicate member \"from\"", index);
			snprintf(what, sizeof(what), "versions[%d].from", index);
			if (sem_date(m, e, what, &v->from))
				return -1;
		} else if (jkey_is(p, e, "week")) {
			if (seen_week++)
				return sem_fail(m, e->keypos, CSVC_EINVAL, "versions[%d]: duplicate member \"week\"", index);
			if (e->type != J_OBJ)
				return sem_fail(m, e->pos, CSVC_EINVAL, "versions[%d].week must be an object", index);
			int seen[7] = {0};
			for (int64_t d = e->first; d >= 0; d = p->nodes[d].next) {
				const jnode *dn = &p->nodes[d];
				int w = -1;
				for (int k = 0; k < 7; k++)
					if (jkey_is(p, dn, DAY_KEYS[k]))
						w = k;
				if (w < 0)
					return sem_fail(m, dn->keypos, CSVC_EINVAL,
					                "versions[%d].week: unknown member (expected mon, tue, wed, thu, "
					                "fri, sat, sun)",
					                index);
				if (seen[w]++)
					return sem_fail(m, dn->keypos, CSVC_EINVAL, "versions[%d].week: duplicate member \"%s\"",
					                index, DAY_KEYS[w]);
				snprintf(what, sizeof(what), "versions[%d].week.%s", index, DAY_KEYS[w]);
				if (sem_day(m, dn, what, &v->week[w]))
					return -1;
			}
		} else {
			return sem_fail(m, e->keypos, CSVC_EINVAL, "versions[%d]: unknown member (expected from, week)",
			                index);
		}
	}
	if (!seen_week)
		return sem_fail(m, obj->pos, CSVC_EINVAL, "versions[%d] lacks \"week\"", index);
	return 0;
}

static int cmp_version(const void *x, const void *y)
{
	const spec_version *a = x, *b = y;
	return a->from < b->from ? -1 : a->from > b->from;
}

static int cmp_exc(const void *x, const void *y)
{
	const spec_exc *a = x, *b = y;
	return a->day < b->day ? -1 : a->day > b->day;
}

static int sem_top(sem *m, const jnode *root, char **zone_out)
{
	jparser *p = m->p;
	csvc_calendar *cal = m->cal;
	if (root->type != J_OBJ)
		return sem_fail(m, root->pos, CSVC_EINVAL, "a calendar must be a JSON object");
	const jnode *zone = NULL, *versions = NULL, *holidays = NULL, *specials = NULL;
	for (int64_t c = root->first; c >= 0; c = p->nodes[c].next) {
		const jnode *e = &p->nodes[c];
		const jnode **slot = jkey_is(p, e, "zone")           ? &zone
		                     : jkey_is(p, e, "versions")     ? &versions
		                     : jkey_is(p, e, "holidays")     ? &holidays
		                     : jkey_is(p, e, "special_days") ? &specials
		                                                     : NULL;
		if (!slot)
			return sem_fail(m, e->keypos, CSVC_EINVAL,
			                "unknown member (expected zone, versions, holidays, special_days)");
		if (*slot)
			return sem_fail(m, e->keypos, CSVC_EINVAL, "duplicate member \"%s\"", p->sbuf + e->key);
		*slot = e;
	}
	if (!zone)
		return sem_fail(m, root->pos, CSVC_EINVAL, "the calendar lacks \"zone\"");
	if (zone->type != J_STR)
		return sem_fail(m, zone->pos, CSVC_EINVAL, "\"zone\" must be a string");
	*zone_out = (char *)jstr(p, zone);
	if (!versions)
		return sem_fail(m, root->pos, CSVC_EINVAL, "the calendar lacks \"versions\"");
	if (versions->type != J_ARR || versions->count == 0)
		return sem_fail(m, versions->pos, CSVC_EINVAL, "\"versions\" must be a non-empty array");
	if (versions->count > CSVC_CALENDAR_VERSIONS_MAX)
		return sem_fail(m, versions->pos, CSVC_ERANGE, "more than %d versions", CSVC_CALENDAR_VERSIONS_MAX);
	cal->versions = csvc__calloc(versions->count, sizeof(*cal->versions));
	if (!cal->versions)
		return sem_fail(m, 0, CSVC_ENOMEM, "out of memory");
	int i = 0;
	for (int64_t c = versions->first; c >= 0; c = p->nodes[c].next, i++)
		if (sem_version(m, &p->nodes[c], &cal->versions[i], i))
			return -1;
	cal->n_versions = versions->count;
	qsort(cal->versions, cal->n_versions, sizeof(*cal->versions), cmp_version);
	for (size_t k = 1; k < cal->n_versions; k++) {
		if (cal->versions[k].from == NO_FROM)
			return sem_fail(m, cal->versions[k].pos, CSVC_EINVAL,
			                "only one version may lack \"from\" (it is the first)");
		if (cal->versions[k].from == cal->versions[k - 1].from)
			return sem_fail(m, cal->versions[k].pos, CSVC_EINVAL, "two versions start on the same date");
	}
	size_t n_days = (holidays && holidays->type == J_ARR ? holidays->count : 0) +
	                (specials && specials->type == J_ARR ? specials->count : 0);
	if (holidays && holidays->type != J_ARR)
		return sem_fail(m, holidays->pos, CSVC_EINVAL, "\"holidays\" must be an array of dates");
	if (specials && specials->type != J_ARR)
		return sem_fail(m, specials->pos, CSVC_EINVAL, "\"special_days\" must be an array of objects");
	if (n_days > CSVC_CALENDAR_DAYS_MAX)
		return sem_fail(m, root->pos, CSVC_ERANGE, "more than %d holidays and special days",
		                CSVC_CALENDAR_DAYS_MAX);
	if (n_days) {
		cal->excs = csvc__calloc(n_days, sizeof(*cal->excs));
		if (!cal->excs)
			return sem_fail(m, 0, CSVC_ENOMEM, "out of memory");
	}
	size_t k = 0;
	i = 0;
	if (holidays)
		for (int64_t c = holidays->first; c >= 0; c = p->nodes[c].next, i++) {
			char what[32];
			snprintf(what, sizeof(what), "holidays[%d]", i);
			spec_exc *x = &cal->excs[k++];
			x->holiday = 1;
			x->pos = p->nodes[c].pos;
			if (sem_date(m, &p->nodes[c], what, &x->day))
				return -1;
		}
	i = 0;
	if (specials)
		for (int64_t c = specials->first; c >= 0; c = p->nodes[c].next, i++) {
			const jnode *o = &p->nodes[c];
			char what[48];
			if (o->type != J_OBJ)
				return sem_fail(m, o->pos, CSVC_EINVAL, "special_days[%d] must be an object", i);
			spec_exc *x = &cal->excs[k++];
			x->pos = o->pos;
			const jnode *date = NULL, *ivs = NULL;
			for (int64_t d = o->first; d >= 0; d = p->nodes[d].next) {
				const jnode *e = &p->nodes[d];
				const jnode **slot = jkey_is(p, e, "date") ? &date : jkey_is(p, e, "intervals") ? &ivs : NULL;
				if (!slot)
					return sem_fail(m, e->keypos, CSVC_EINVAL,
					                "special_days[%d]: unknown member (expected date, intervals)", i);
				if (*slot)
					return sem_fail(m, e->keypos, CSVC_EINVAL, "special_days[%d]: duplicate member", i);
				*slot = e;
			}
			if (!date || !ivs)
				return sem_fail(m, o->pos, CSVC_EINVAL, "special_days[%d] needs \"date\" and \"intervals\"", i);
			snprintf(what, sizeof(what), "special_days[%d].date", i);
			if (sem_date(m, date, what, &x->day))
				return -1;
			snprintf(what, sizeof(what), "special_days[%d].intervals", i);
			if (sem_day(m, ivs, what, &x->d))
				return -1;
		}
	cal->n_excs = k;
	if (k) /* excs is NULL when there are none */
		qsort(cal->excs, cal->n_excs, sizeof(*cal->excs), cmp_exc);
	for (size_t j = 1; j < cal->n_excs; j++)
		if (cal->excs[j].day == cal->excs[j - 1].day)
			return sem_fail(m, cal->excs[j].pos > cal->excs[j - 1].pos ? cal->excs[j].pos : cal->excs[j - 1].pos,
			                CSVC_EINVAL, "the date is listed twice among holidays and special days");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Model -> canonical text                                            */
/* ------------------------------------------------------------------ */

static void put_tod(csvc__buf *b, int32_t s)
{
	if (s % 60)
		csvc__buf_printf(b, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else
		csvc__buf_printf(b, "%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60));
}

static void put_day(csvc__buf *b, const csvc_calendar *cal, const spec_day *d)
{
	csvc__buf_puts(b, "[");
	for (uint32_t i = 0; i < d->count; i++) {
		const spec_iv *iv = &cal->ivs[d->first + i];
		csvc__buf_puts(b, i ? ",\"" : "\"");
		put_tod(b, iv->start);
		csvc__buf_puts(b, "-");
		put_tod(b, iv->end > DAY_S ? iv->end - DAY_S : iv->end);
		csvc__buf_puts(b, "\"");
	}
	csvc__buf_puts(b, "]");
}

static void put_date(csvc__buf *b, int64_t day)
{
	int64_t y;
	int m, d;
	csvc__civil_from_days(day, &y, &m, &d);
	csvc__buf_printf(b, "\"%04d-%02d-%02d\"", (int)y, m, d);
}

int csvc_calendar_to_json(const csvc_calendar *cal, char **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(cal, "cal");
	CSVC__CHECK_ARG(out, "out");
	csvc__buf b = {0};
	csvc__buf_puts(&b, "{\"zone\":");
	csvc__buf_json_string(&b, csvc_tz_name(cal->tz));
	csvc__buf_puts(&b, ",\"versions\":[");
	for (size_t v = 0; v < cal->n_versions; v++) {
		const spec_version *ver = &cal->versions[v];
		csvc__buf_puts(&b, v ? ",{" : "{");
		if (ver->from != NO_FROM) {
			csvc__buf_puts(&b, "\"from\":");
			put_date(&b, ver->from);
			csvc__buf_puts(&b, ",");
		}
		csvc__buf_puts(&b, "\"week\":{");
		for (int w = 0; w < 7; w++) {
			csvc__buf_printf(&b, "%s\"%s\":", w ? "," : "", DAY_KEYS[w]);
			put_day(&b, cal, &ver->week[w]);
		}
		csvc__buf_puts(&b, "}}");
	}
	csvc__buf_puts(&b, "],\"holidays\":[");
	int first = 1;
	for (size_t i = 0; i < cal->n_excs; i++) {
		if (!cal->excs[i].holiday)
			continue;
		if (!first)
			csvc__buf_puts(&b, ",");
		first = 0;
		put_date(&b, cal->excs[i].day);
	}
	csvc__buf_puts(&b, "],\"special_days\":[");
	first = 1;
	for (size_t i = 0; i < cal->n_excs; i++) {
		if (cal->excs[i].holiday)
			continue;
		csvc__buf_puts(&b, first ? "{\"date\":" : ",{\"date\":");
		first = 0;
		put_date(&b, cal->excs[i].day);
		csvc__buf_puts(&b, ",\"intervals\":");
		put_day(&b, cal, &cal->excs[i].d);
		csvc__buf_puts(&b, "}");
	}
	csvc__buf_puts(&b, "]}");
	if (b.failed) {
		csvc__buf_free(&b);
		return csvc__error(CSVC_ENOMEM, "out of memory writing a calendar");
	}
	*out = b.data;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Precomputation                                                     */
/* ------------------------------------------------------------------ */

static int64_t version_index(const csvc_calendar *cal, int64_t day)
{
	/* last version with from <= day */
	size_t lo = 0, hi = cal->n_versions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->versions[mid].from <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo - 1;
}

static const spec_exc *find_exc(const csvc_calendar *cal, int64_t day)
{
	size_t lo = 0, hi = cal->n_excs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->excs[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cal->n_excs && cal->excs[lo].day == day ? &cal->excs[lo] : NULL;
}

/* The intervals that start on `day` (NULL: none). */
static const spec_day *sched(const csvc_calendar *cal, int64_t day)
{
	const spec_exc *x = find_exc(cal, day);
	if (x)
		return x->holiday ? NULL : &x->d;
	int64_t v = version_index(cal, day);
	return v < 0 ? NULL : &cal->versions[v].week[csvc__weekday_mon0(day)];
}

typedef struct piece {
	int64_t s, e;
} piece;

static int cmp_piece(const void *x, const void *y)
{
	const piece *a = x, *b = y;
	return a->s < b->s ? -1 : a->s > b->s;
}

/* Builds the slice of a day whose own intervals are `cur` and whose
 * previous day's are `prev`; returns its index in *out. */
static int make_slice(csvc_calendar *cal, const spec_day *prev, const spec_day *cur, uint32_t *out)
{
	piece pc[2 * CSVC_CALENDAR_DAY_INTERVALS_MAX];
	size_t n = 0;
	if (prev)
		for (uint32_t i = 0; i < prev->count; i++) {
			const spec_iv *iv = &cal->ivs[prev->first + i];
			if (iv->end > DAY_S)
				pc[n++] = (piece){0, (int64_t)(iv->end - DAY_S) * SEC_US};
		}
	if (cur)
		for (uint32_t i = 0; i < cur->count; i++) {
			const spec_iv *iv = &cal->ivs[cur->first + i];
			pc[n++] = (piece){(int64_t)iv->start * SEC_US,
			                  (int64_t)(iv->end < DAY_S ? iv->end : DAY_S) * SEC_US};
		}
	if (n)
		qsort(pc, n, sizeof(pc[0]), cmp_piece);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && pc[i].s <= pc[m - 1].e) {
			if (pc[i].e > pc[m - 1].e)
				pc[m - 1].e = pc[i].e;
		} else {
			pc[m++] = pc[i];
		}
	}
	/* Most irregular days share a slice with another day (a holiday's is
	 * usually empty, the day after it usually the plain weekday's): reuse
	 * a recent identical slice to keep the tables small and cache-hot. */
	for (size_t back = 0; back < 16 && back < cal->n_slices; back++) {
		size_t k = back < 8 ? cal->n_slices - 1 - back : back - 8; /* latest 8, first 8 */
		const slice *o = &cal->slices[k];
		if (o->count != m)
			continue;
		size_t i = 0;
		while (i < m && cal->siv[o->first + i].s == pc[i].s && cal->siv[o->first + i].e == pc[i].e)
			i++;
		if (i == m) {
			*out = (uint32_t)k;
			return 0;
		}
	}
	if (cal->n_slices == cal->cap_slices) {
		size_t cap = cal->cap_slices ? cal->cap_slices * 2 : 64;
		slice *v = csvc__realloc(cal->slices, cap * sizeof(*v));
		if (!v)
			return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
		cal->slices = v;
		cal->cap_slices = cap;
	}
	if (cal->n_siv + m > cal->cap_siv) {
		size_t cap = cal->cap_siv ? cal->cap_siv * 2 : 128;
		while (cap < cal->n_siv + m)
			cap *= 2;
		slice_iv *v = csvc__realloc(cal->siv, cap * sizeof(*v));
		if (!v)
			return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
		cal->siv = v;
		cal->cap_siv = cap;
	}
	slice *sl = &cal->slices[cal->n_slices];
	sl->first = (uint32_t)cal->n_siv;
	sl->count = (uint32_t)m;
	int64_t cum = 0;
	for (size_t i = 0; i < m; i++) {
		cal->siv[cal->n_siv++] = (slice_iv){pc[i].s, pc[i].e, cum};
		cum += pc[i].e - pc[i].s;
	}
	sl->total = cum;
	*out = (uint32_t)cal->n_slices++;
	return 0;
}

/* Business time of regular days [a, b) of version v. */
static int64_t regsum(const csvc_calendar *cal, int32_t v, int64_t a, int64_t b)
{
	if (v < 0 || b <= a)
		return 0;
	const version_rt *r = &cal->vrt[v];
	int64_t n = b - a, q = n / 7;
	int r7 = (int)(n % 7), w0 = csvc__weekday_mon0(a);
	int64_t sum = q * r->prefix[7];
	if (w0 + r7 <= 7)
		sum += r->prefix[w0 + r7] - r->prefix[w0];
	else
		sum += r->prefix[7] - r->prefix[w0] + r->prefix[w0 + r7 - 7];
	return sum;
}

/* The number of elements <= key in the sorted array a[0 .. n), by a
 * branch-free binary search. */
static size_t count_le(const int64_t *a, size_t n, int64_t key)
{
	if (n == 0)
		return 0;
	const int64_t *base = a;
	while (n > 1) {
		size_t half = n / 2;
		base = base[half - 1] <= key ? base + half : base;
		n -= half;
	}
	return (size_t)(base - a) + (*base <= key);
}

/* The slice of local day N and the business time before it. */
static const slice *day_info(const csvc_calendar *cal, int64_t N, int64_t *F)
{
	/* Irregular days before N's block, and before the next block: the
	 * last one <= N lies in between. */
	if (N < DMIN_L) /* callers stay within the tables; keep memory safe */
		N = DMIN_L;
	size_t b = (size_t)((N - DMIN_L) >> IRR_BLOCK_SHIFT);
	if (b >= cal->n_blocks)
		b = cal->n_blocks - 1;
	size_t lo = cal->irr_block[b], hi = cal->irr_block[b + 1];
	size_t j = lo + count_le(cal->irr_days + lo, hi - lo, N) - 1;
	const irr_meta *ir = &cal->irr_meta[j]; /* irr_days[0] == DMIN_L <= N */
	int64_t day = cal->irr_days[j];
	if (day == N) {
		*F = cal->irr_F[j];
		return &cal->slices[ir->slice];
	}
	*F = cal->irr_F[j] + cal->slices[ir->slice].total + regsum(cal, ir->version, day + 1, N);
	if (ir->version < 0)
		return &cal->slices[0];
	return &cal->slices[cal->vrt[ir->version].wslice[csvc__weekday_mon0(N)]];
}

/* Index (within the slice) of the last interval with s <= off, or -1. */
static int64_t slice_find(const csvc_calendar *cal, const slice *sl, int64_t off)
{
	size_t lo = 0, hi = sl->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->siv[sl->first + mid].s <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo - 1;
}

/* Local business time from the origin to local time x. */
static int64_t F_loc(const csvc_calendar *cal, int64_t x)
{
	int64_t N = csvc__floor_div(x, DAY_US), off = x - N * DAY_US, F;
	const slice *sl = day_info(cal, N, &F);
	int64_t k = slice_find(cal, sl, off);
	if (k < 0)
		return F;
	const slice_iv *iv = &cal->siv[sl->first + (size_t)k];
	return F + iv->cum + (off < iv->e ? off : iv->e) - iv->s;
}

/* 1 if local time x is open; *end receives the end of its interval. */
static int open_loc(const csvc_calendar *cal, int64_t x, int64_t *end)
{
	int64_t N = csvc__floor_div(x, DAY_US), off = x - N * DAY_US, F;
	const slice *sl = day_info(cal, N, &F);
	int64_t k = slice_find(cal, sl, off);
	if (k < 0 || off >= cal->siv[sl->first + (size_t)k].e)
		return 0;
	if (end)
		*end = N * DAY_US + cal->siv[sl->first + (size_t)k].e;
	return 1;
}

static int out_of_range(void)
{
	return csvc__error(CSVC_ERANGE, "the result is beyond the calendar's range (before %s)", "2200-01-01");
}

/* What F_loc_inv finds. */
typedef struct inv_result {
	int64_t x;          /* min { x : F_loc(x) >= v } */
	int inside;         /* x lies strictly inside an open interval (so it is open) */
	int64_t end;        /* the end of that interval (local time) */
	int64_t next_s;     /* the next interval of the same day, INT64_MIN if none */
	int64_t next_e;
	int64_t F_next_day; /* F_loc at the start of the following day */
} inv_result;

/* The inverse of F_loc, for v > 0. */
static int F_loc_inv(const csvc_calendar *cal, int64_t v, inv_result *res)
{
	/* the last irregular day with F < v (irr_F[0] == 0 < v) */
	size_t j = count_le(cal->irr_F, cal->n_irrs, v - 1) - 1;
	const irr_meta *ir = &cal->irr_meta[j];
	const slice *sl = &cal->slices[ir->slice];
	int64_t N, rem, irF = cal->irr_F[j], irday = cal->irr_days[j];
	if (irF + sl->total >= v) {
		N = irday;
		rem = v - irF;
	} else {
		int32_t ver = ir->version;
		if (j + 1 == cal->n_irrs) {
			if (ver < 0 || cal->vrt[ver].prefix[7] == 0)
				return csvc__error(CSVC_ENOTFOUND, "the calendar has no more business time");
			return out_of_range();
		}
		/* irrs[j + 1].F >= v, so the run of regular days has open time. */
		const version_rt *r = &cal->vrt[ver];
		int64_t R = v - irF - sl->total, T = r->prefix[7];
		int64_t q = (R - 1) / T, base = irday + 1 + 7 * q, cum = q * T;
		N = base;
		for (int k = 0; k < 7; k++) {
			N = base + k;
			int w = csvc__weekday_mon0(N);
			int64_t len = r->prefix[w + 1] - r->prefix[w];
			if (cum + len >= R)
				break;
			cum += len;
		}
		rem = R - cum;
		if (N >= cal->irr_days[j + 1])
			return csvc__error(CSVC_ECORRUPT, "calendar tables are inconsistent");
		sl = &cal->slices[r->wslice[csvc__weekday_mon0(N)]];
	}
	/* first interval whose cumulative end reaches rem */
	size_t a = 0, b = sl->count;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const slice_iv *iv = &cal->siv[sl->first + mid];
		if (iv->cum + (iv->e - iv->s) < rem)
			a = mid + 1;
		else
			b = mid;
	}
	if (a == sl->count)
		return csvc__error(CSVC_ECORRUPT, "calendar tables are inconsistent");
	const slice_iv *iv = &cal->siv[sl->first + a];
	int64_t day0 = N * DAY_US;
	res->x = day0 + iv->s + (rem - iv->cum);
	res->inside = rem - iv->cum < iv->e - iv->s;
	res->end = day0 + iv->e;
	res->next_s = res->next_e = INT64_MIN;
	if (a + 1 < sl->count) {
		res->next_s = day0 + iv[1].s;
		res->next_e = day0 + iv[1].e;
	}
	res->F_next_day = v - rem + sl->total;
	return 0;
}

/* The first open local time z >= y and the end e of its interval in its
 * day's slice (the open time may continue into the next day). */
static int next_open_loc(const csvc_calendar *cal, int64_t y, int64_t *z, int64_t *e)
{
	int64_t N = csvc__floor_div(y, DAY_US), off = y - N * DAY_US, F;
	const slice *sl = day_info(cal, N, &F);
	int64_t k = slice_find(cal, sl, off);
	if (k >= 0 && off < cal->siv[sl->first + (size_t)k].e) {
		*z = y;
		*e = N * DAY_US + cal->siv[sl->first + (size_t)k].e;
		return 0;
	}
	if (k + 1 < (int64_t)sl->count) {
		const slice_iv *iv = &cal->siv[sl->first + (size_t)(k + 1)];
		*z = N * DAY_US + iv->s;
		*e = N * DAY_US + iv->e;
		return 0;
	}
	/* Nothing more today: the first opening from tomorrow on is where one
	 * more microsecond of business time is reached, minus that microsecond. */
	inv_result r;
	int rc = F_loc_inv(cal, F + sl->total + 1, &r);
	if (rc)
		return rc;
	*z = r.x - 1;
	*e = r.end;
	return 0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static int build_local(csvc_calendar *cal)
{
	int rc;
	uint32_t empty;
	if ((rc = make_slice(cal, NULL, NULL, &empty)))
		return rc;
	cal->vrt = csvc__calloc(cal->n_versions, sizeof(*cal->vrt));
	if (!cal->vrt)
		return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
	for (size_t v = 0; v < cal->n_versions; v++) {
		version_rt *r = &cal->vrt[v];
		for (int w = 0; w < 7; w++) {
			if ((rc = make_slice(cal, &cal->versions[v].week[(w + 6) % 7], &cal->versions[v].week[w],
			                     &r->wslice[w])))
				return rc;
			r->prefix[w + 1] = r->prefix[w] + cal->slices[r->wslice[w]].total;
		}
	}
	/* Irregular days: the sentinels, each holiday or special day and the
	 * day after it, the first day of each version. */
	size_t cap = 2 + 2 * cal->n_excs + cal->n_versions, n = 0;
	int64_t *days = csvc__malloc(cap * sizeof(*days));
	if (!days)
		return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
	days[n++] = DMIN_L;
	days[n++] = DMAX_L;
	for (size_t i = 0; i < cal->n_excs; i++) {
		days[n++] = cal->excs[i].day;
		days[n++] = cal->excs[i].day + 1;
	}
	for (size_t i = 0; i < cal->n_versions; i++)
		if (cal->versions[i].from != NO_FROM)
			days[n++] = cal->versions[i].from;
	qsort(days, n, sizeof(*days), cmp_i64);
	cal->n_blocks = (size_t)((DMAX_L - DMIN_L) >> IRR_BLOCK_SHIFT) + 1;
	cal->irr_days = csvc__malloc(n * sizeof(*cal->irr_days));
	cal->irr_F = csvc__malloc(n * sizeof(*cal->irr_F));
	cal->irr_meta = csvc__malloc(n * sizeof(*cal->irr_meta));
	cal->irr_block = csvc__malloc((cal->n_blocks + 1) * sizeof(*cal->irr_block));
	if (!cal->irr_days || !cal->irr_F || !cal->irr_meta || !cal->irr_block) {
		csvc__free(days);
		return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
	}
	size_t m = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (i && days[i] == days[i - 1])
			continue;
		int64_t day = days[i];
		irr_meta *ir = &cal->irr_meta[m];
		ir->version = (int32_t)version_index(cal, day);
		rc = make_slice(cal, sched(cal, day - 1), sched(cal, day), &ir->slice);
		cal->irr_days[m] = day;
		cal->irr_F[m] = 0;
		if (m) {
			const irr_meta *pr = &cal->irr_meta[m - 1];
			cal->irr_F[m] = cal->irr_F[m - 1] + cal->slices[pr->slice].total +
			                regsum(cal, pr->version, cal->irr_days[m - 1] + 1, day);
		}
		m++;
	}
	cal->n_irrs = m;
	csvc__free(days);
	if (rc)
		return rc;
	size_t j = 0;
	for (size_t b = 0; b <= cal->n_blocks; b++) {
		int64_t block_start = DMIN_L + ((int64_t)b << IRR_BLOCK_SHIFT);
		while (j < m && cal->irr_days[j] < block_start)
			j++;
		cal->irr_block[b] = (uint32_t)j;
	}
	return 0;
}

static int build_periods(csvc_calendar *cal)
{
	int32_t before;
	csvc__tz_change *ch = NULL;
	size_t n = 0;
	int64_t from_s = CSVC_CALENDAR_MIN_US / SEC_US - MARGIN_S;
	int64_t to_s = CSVC_CALENDAR_MAX_US / SEC_US + MARGIN_S;
	int rc = csvc__tz_changes(cal->tz, from_s, to_s, &before, &ch, &n);
	if (rc)
		return rc;
	cal->periods = csvc__calloc(n + 1, sizeof(*cal->periods));
	if (!cal->periods) {
		csvc__free(ch);
		return csvc__error(CSVC_ENOMEM, "out of memory building a calendar");
	}
	cal->n_periods = n + 1;
	period *pp = cal->periods;
	pp[0].tau = from_s * SEC_US;
	pp[0].off = (int64_t)before * SEC_US;
	for (size_t i = 1; i <= n; i++) {
		pp[i].tau = ch[i - 1].at_s * SEC_US;
		pp[i].off = (int64_t)ch[i - 1].offset_after * SEC_US;
	}
	csvc__free(ch);
	int64_t K = 0;
	for (size_t i = 1; i <= n; i++) {
		period *p = &pp[i];
		int64_t wall_end = p->tau + pp[i - 1].off; /* wall clock just before tau */
		p->P = i == 1 ? wall_end : (pp[i - 1].P > wall_end ? pp[i - 1].P : wall_end);
		pp[i - 1].Pnext = p->P;
		int64_t start_local = p->tau + p->off;
		int64_t gap = 0;
		if (start_local < p->P) {
			p->delta = p->P - start_local;
			if (i < n && p->delta > pp[i + 1].tau - p->tau)
				p->delta = pp[i + 1].tau - p->tau;
			p->open = open_loc(cal, p->P - 1, NULL);
		} else {
			gap = F_loc(cal, start_local) - F_loc(cal, p->P);
		}
		p->U = F_loc(cal, p->P) + K;
		K += p->open * p->delta - gap;
		p->K = K;
	}
	pp[n].Pnext = INT64_MAX;
	return 0;
}

/* ------------------------------------------------------------------ */
/* UTC axis                                                           */
/* ------------------------------------------------------------------ */

static const period *period_at(const csvc_calendar *cal, int64_t t)
{
	size_t lo = 0, hi = cal->n_periods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->periods[mid].tau <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &cal->periods[lo ? lo - 1 : 0];
}

static int64_t F_utc(const csvc_calendar *cal, int64_t t)
{
	const period *p = period_at(cal, t);
	if (t < p->tau + p->delta)
		return F_loc(cal, p->P) + p->K - p->open * (p->tau + p->delta - t);
	return F_loc(cal, t + p->off) + p->K;
}

static int is_open_utc(const csvc_calendar *cal, int64_t t)
{
	const period *p = period_at(cal, t);
	if (t < p->tau + p->delta)
		return p->open;
	return open_loc(cal, t + p->off, NULL);
}

/* The first instant at which the wall clock has reached local time x. */
static int64_t first_reach(const csvc_calendar *cal, int64_t x)
{
	size_t lo = 0, hi = cal->n_periods;
	while (lo < hi) { /* first period whose successor starts above x */
		size_t mid = lo + (hi - lo) / 2;
		if (cal->periods[mid].Pnext > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	const period *p = &cal->periods[lo < cal->n_periods ? lo : cal->n_periods - 1];
	int64_t a = p->tau + p->delta, b = x - p->off;
	return a > b ? a : b;
}

static int check_instant(int64_t t, const char *what)
{
	if (t < CSVC_CALENDAR_MIN_US || t >= CSVC_CALENDAR_MAX_US)
		return csvc__error(CSVC_ERANGE, "%s %lld is outside the calendar range 1900-01-01 .. 2200-01-01 UTC",
		                   what, (long long)t);
	return 0;
}

/* The first open instant >= t, searching local times from y (t + offset
 * when t is in a period's linear part, `linear` set; the frozen local time
 * otherwise). */
static int next_open_from(const csvc_calendar *cal, int64_t t, int64_t y, int linear, int64_t *out)
{
	/* Each round skips one local interval that falls wholly inside a
	 * forward clock change, so it ends after a few rounds. */
	for (int round = 0; round < 100000; round++) {
		int64_t z, e;
		int rc = next_open_loc(cal, y, &z, &e);
		if (rc)
			return rc;
		if (linear && round == 0 && z == y) {
			*out = t; /* t itself is open */
			return 0;
		}
		int64_t bz = first_reach(cal, z), be = first_reach(cal, e);
		if (bz < be) {
			*out = bz > t ? bz : t;
			if (*out >= CSVC_CALENDAR_MAX_US)
				return out_of_range();
			return 0;
		}
		y = e;
	}
	return csvc__error(CSVC_ECORRUPT, "calendar tables are inconsistent");
}

static int next_open_utc(const csvc_calendar *cal, int64_t t, int64_t *out)
{
	const period *p = period_at(cal, t);
	if (t < p->tau + p->delta) {
		if (p->open) {
			*out = t;
			return 0;
		}
		return next_open_from(cal, t, p->P, 0, out);
	}
	return next_open_from(cal, t, t + p->off, 1, out);
}

/* ------------------------------------------------------------------ */
/* Public API                                                         */
/* ------------------------------------------------------------------ */

CSVC__STRUCT_LAYOUT(options_layout, csvc_calendar_options, CSVC_CALENDAR_OPTIONS_VERSION,
                    CSVC_CALENDAR_OPTIONS_INIT, sizeof(csvc_calendar_options));

int csvc_calendar_options_init(csvc_calendar_options *opts, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&options_layout, opts, version);
}

int csvc__calendar_options_read(const csvc_calendar_options *opts, csvc_calendar_options *copy)
{
	csvc_calendar_options defaults = CSVC_CALENDAR_OPTIONS_INIT;
	if (!opts) {
		*copy = defaults;
		return CSVC_OK;
	}
	return csvc__struct_read(&options_layout, copy, opts);
}

void csvc_calendar_free(csvc_calendar *cal)
{
	if (!cal)
		return;
	csvc_tz_free(cal->tz);
	csvc__free(cal->ivs);
	csvc__free(cal->versions);
	csvc__free(cal->excs);
	csvc__free(cal->vrt);
	csvc__free(cal->slices);
	csvc__free(cal->siv);
	csvc__free(cal->irr_meta);
	csvc__free(cal->irr_days);
	csvc__free(cal->irr_F);
	csvc__free(cal->irr_block);
	csvc__free(cal->periods);
	csvc__free(cal);
}

static void line_col(const char *text, size_t len, size_t pos, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;
	for (size_t i = 0; i < pos && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int csvc_calendar_parse(csvc_calendar **out, const char *text, size_t len, const csvc_calendar_options *opts)
{
	return csvc__calendar_parse_with(out, text, len, opts, NULL, NULL);
}

int csvc__calendar_parse_with(csvc_calendar **out, const char *text, size_t len, const csvc_calendar_options *opts,
                              csvc__zone_resolver resolve, void *userdata)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(text || len == 0, "text");
	csvc_calendar_options copy;
	int rc = csvc__calendar_options_read(opts, &copy);
	if (rc)
		return rc;
	opts = &copy;
	if (len > CSVC_CALENDAR_TEXT_MAX)
		return csvc__error(CSVC_ERANGE, "calendar text is %zu bytes, more than %d", len,
		                   CSVC_CALENDAR_TEXT_MAX);
	if (len && memchr(text, '\0', len))
		return csvc__error(CSVC_EINVAL, "calendar text contains a NUL byte at byte %zu",
		                   (size_t)((const char *)memchr(text, '\0', len) - text));

	jparser p;
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.len = len;
	p.sbuf = csvc__malloc(len + 1);
	csvc_calendar *cal = csvc__calloc(1, sizeof(*cal));
	if (!p.sbuf || !cal) {
		csvc__free(p.sbuf);
		csvc__free(cal);
		return csvc__error(CSVC_ENOMEM, "out of memory parsing a calendar");
	}
	int64_t root = jvalue(&p);
	if (root >= 0) {
		jws(&p);
		if (p.pos != p.len)
			jfail(&p, p.pos, CSVC_EINVAL, "unexpected text after the calendar object");
	}
	char *zone = NULL;
	if (!p.code) {
		sem m = {&p, cal};
		sem_top(&m, &p.nodes[root], &zone);
	}
	if (p.code) {
		size_t line, col;
		line_col(text, len, p.err_pos, &line, &col);
		if (p.code == CSVC_ENOMEM)
			rc = csvc__error(CSVC_ENOMEM, "out of memory parsing a calendar");
		else
			rc = csvc__error(p.code, "calendar JSON: %s at line %zu, column %zu (byte %zu)", p.err,
			                 line, col, p.err_pos);
		goto fail;
	}
	if (opts->tz) {
		if (strcmp(csvc_tz_name(opts->tz), zone) != 0) {
			rc = csvc__error(CSVC_EINVAL, "calendar zone '%s' does not match the given time zone '%s'",
			                 zone, csvc_tz_name(opts->tz));
			goto fail;
		}
		rc = csvc__tz_clone(opts->tz, &cal->tz);
	} else {
		rc = resolve ? resolve(zone, userdata, &cal->tz) : csvc_tz_load(&cal->tz, zone, opts->zoneinfo_dir);
		if (rc == CSVC_EINVAL) {
			char msg[256]; /* the record's own buffer is rewritten below */
			snprintf(msg, sizeof(msg), "%s", csvc_error_last()->message);
			rc = csvc__error(CSVC_EINVAL, "calendar zone: %s", msg);
		}
	}
	if (rc)
		goto fail;
	if ((rc = build_local(cal)) || (rc = build_periods(cal)))
		goto fail;
	csvc__free(p.nodes);
	csvc__free(p.sbuf);
	*out = cal;
	return 0;
fail:
	csvc__free(p.nodes);
	csvc__free(p.sbuf);
	csvc_calendar_free(cal);
	return rc;
}

const char *csvc_calendar_zone(const csvc_calendar *cal)
{
	return cal ? csvc_tz_name(cal->tz) : NULL;
}

const csvc_tz *csvc_calendar_tz(const csvc_calendar *cal)
{
	return cal ? cal->tz : NULL;
}

int csvc_calendar_is_open(const csvc_calendar *cal, csvc_time_us t, int32_t *open)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(cal, "cal");
	CSVC__CHECK_ARG(open, "open");
	int rc = check_instant(t, "instant");
	if (rc)
		return rc;
	*open = is_open_utc(cal, t);
	return 0;
}

int csvc_calendar_next_open(const csvc_calendar *cal, csvc_time_us t, csvc_time_us *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(cal, "cal");
	CSVC__CHECK_ARG(out, "out");
	int rc = check_instant(t, "instant");
	if (rc)
		return rc;
	int64_t r;
	if ((rc = next_open_utc(cal, t, &r)))
		return rc;
	*out = r;
	return 0;
}

int csvc_calendar_between(const csvc_calendar *cal, csvc_time_us from, csvc_time_us to, int64_t *business_us)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(cal, "cal");
	CSVC__CHECK_ARG(business_us, "business_us");
	int rc;
	if ((rc = check_instant(from, "from")) || (rc = check_instant(to, "to")))
		return rc;
	*business_us = F_utc(cal, to) - F_utc(cal, from);
	return 0;
}

int csvc_calendar_add(const csvc_calendar *cal, csvc_time_us t, int64_t duration_us, csvc_time_us *due)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(cal, "cal");
	CSVC__CHECK_ARG(due, "due");
	if (duration_us < 0)
		return csvc__error(CSVC_EINVAL, "duration %lld is negative", (long long)duration_us);
	int rc = check_instant(t, "instant");
	if (rc)
		return rc;
	if (duration_us > CSVC_CALENDAR_MAX_US - CSVC_CALENDAR_MIN_US)
		return out_of_range();
	int64_t m = t, r;
	int open = 0; /* m is known to be open */
	if (duration_us > 0) {
		int64_t V = F_utc(cal, t) + duration_us;
		/* last period (after the first) whose start value is below V */
		size_t lo = 1, hi = cal->n_periods;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cal->periods[mid].U < V)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t i = lo - 1;
		const period *p = &cal->periods[i];
		int linear = 0; /* m = inv.x - offset, in the period's linear part */
		inv_result inv;
		if (i > 0 && p->open && V <= p->U + p->delta) {
			m = p->tau + (V - p->U);
			open = m < p->tau + p->delta; /* inside the open frozen stretch */
		} else {
			if ((rc = F_loc_inv(cal, V - p->K, &inv)))
				return rc;
			m = inv.x - p->off;
			open = inv.inside;
			linear = 1;
			if (m < p->tau + p->delta) {
				m = p->tau + p->delta;
				open = linear = 0;
			}
		}
		/* At the next period's start the local time may jump (clocks go
		 * forward) past the interval: then m need not be open. */
		if (i + 1 < cal->n_periods && m >= cal->periods[i + 1].tau)
			open = linear = 0;
		if (m < t) {
			m = t;
			open = linear = 0;
		}
		if (m >= CSVC_CALENDAR_MAX_US)
			return out_of_range();
		if (open) {
			/* Strictly inside open time: m is the due time itself. */
			*due = m;
			return 0;
		}
		if (linear) {
			/* m is a closing instant (inv.x ends an interval): the next
			 * opening is the day's next interval, or the first opening
			 * from the next day on, unless a clock change intervenes. */
			int64_t z = inv.next_s, e = inv.next_e;
			if (z == INT64_MIN) {
				inv_result nx;
				if ((rc = F_loc_inv(cal, inv.F_next_day + 1, &nx)))
					return rc;
				z = nx.x - 1;
				e = nx.end;
			}
			int64_t bz = first_reach(cal, z), be = first_reach(cal, e);
			if (bz < be && bz >= m) {
				if (bz >= CSVC_CALENDAR_MAX_US)
					return out_of_range();
				*due = bz;
				return 0;
			}
		}
	}
	if ((rc = next_open_utc(cal, m, &r)))
		return rc;
	*due = r;
	return 0;
}
