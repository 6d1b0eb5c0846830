/*
 * csvc - shared helpers: see cli-util.h.
 */
#include "cli-util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static void vmessage(cli_ctx *ctx, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One line on stderr, whatever the message holds: line breaks and tabs
	 * become spaces, other control characters are shown escaped. */
	char *text = cli_visible(msg, CLI_VIS_SPACES);
	if (ctx && ctx->prog)
		fprintf(stderr, "csvc: %s: %s", ctx->prog, text);
	else
		fprintf(stderr, "csvc: %s", text);
	free(text);
}

int cli_usage(cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(ctx, fmt, ap);
	va_end(ap);
	if (ctx && ctx->prog)
		fprintf(stderr, " (see csvc %s --help)\n", ctx->prog);
	else
		fprintf(stderr, " (see csvc --help)\n");
	return CLI_USAGE;
}

int cli_error(cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(ctx, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERROR;
}

int cli_lib_error(cli_ctx *ctx, int rc, const char *what)
{
	const csvc_error *e = csvc_error_last();
	const char *msg = e->code == rc && e->message[0] ? e->message : csvc_strerror(rc);
	if (!what)
		return cli_error(ctx, "%s", msg);
	return cli_error(ctx, "%s: %s", what, msg);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

int cli_global_option(cli_ctx *ctx, int argc, char **argv, int *i)
{
	static const char *const with_arg[] = {"db", "now", "actor", "as"};
	const char *arg = argv[*i];
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
	if (nlen == 4 && !strncmp(name, "json", 4)) {
		if (eq)
			return cli_usage(ctx, "--json takes no value"), -1;
		ctx->json = 1;
		return 1;
	}
	if (nlen == 5 && !strncmp(name, "quiet", 5)) {
		if (eq)
			return cli_usage(ctx, "--quiet takes no value"), -1;
		ctx->quiet = 1;
		return 1;
	}
	for (size_t k = 0; k < sizeof(with_arg) / sizeof(with_arg[0]); k++) {
		if (strlen(with_arg[k]) != nlen || strncmp(name, with_arg[k], nlen) != 0)
			continue;
		const char *value;
		if (eq) {
			value = eq + 1;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			cli_usage(ctx, "--%s needs a value", with_arg[k]);
			return -1;
		}
		if (k == 0) {
			if (!*value) {
				cli_usage(ctx, "--db needs a file name");
				return -1;
			}
			ctx->db_path = value;
			ctx->db_given = 1;
		} else if (k == 1) {
			if (cli_parse_time(value, &ctx->now) != 0) {
				cli_usage(ctx, "--now: malformed time \"%s\" (expected ISO 8601 such as "
				               "2026-11-23T09:30:00+08:00)", value);
				return -1;
			}
			ctx->have_now = 1;
		} else if (k == 2) {
			if (!*value) {
				cli_usage(ctx, "--actor needs a name");
				return -1;
			}
			ctx->actor = value;
			ctx->actor_given = 1;
		} else {
			if (!*value) {
				cli_usage(ctx, "--as needs a staff code");
				return -1;
			}
			ctx->as = value;
		}
		return 1;
	}
	return 0;
}

int cli_parse(cli_ctx *ctx, int argc, char **argv, const cli_opt *opts, cli_args *a)
{
	memset(a, 0, sizeof(*a));
	int only_pos = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (only_pos || arg[0] != '-' || arg[1] == '\0' || (arg[1] != '-' && arg[1] >= '0' && arg[1] <= '9')) {
			if (a->npos == CLI_MAX_ITEMS)
				return cli_usage(ctx, "too many arguments");
			a->pos[a->npos++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_pos = 1;
			continue;
		}
		if (arg[1] != '-')
			return cli_usage(ctx, "unknown option %s", arg);
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		const cli_opt *o = opts;
		while (o && o->name && (strlen(o->name) != nlen || strncmp(o->name, name, nlen) != 0))
			o++;
		if (!o || !o->name) {
			/* The command's own option of a global option's name wins
			 * ('ticket link --as KIND'): give the global one before the
			 * command. */
			int g = cli_global_option(ctx, argc, argv, &i);
			if (g < 0)
				return CLI_USAGE;
			if (g > 0)
				continue;
			return cli_usage(ctx, "unknown option --%.*s", (int)nlen, name);
		}
		if (a->n == CLI_MAX_ITEMS)
			return cli_usage(ctx, "too many options");
		const char *value = NULL;
		if (o->has_arg) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return cli_usage(ctx, "--%s needs a value", o->name);
		} else if (eq) {
			return cli_usage(ctx, "--%s takes no value", o->name);
		}
		a->name[a->n] = o->name;
		a->value[a->n] = value;
		a->n++;
	}
	return CLI_OK;
}

const char *cli_arg(const cli_args *a, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->name[i], name))
			v = a->value[i];
	return v;
}

int cli_has(const cli_args *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->name[i], name))
			return 1;
	return 0;
}

int cli_want_pos(cli_ctx *ctx, const cli_args *a, size_t min, size_t max, const char *what)
{
	if (a->npos < min)
		return cli_usage(ctx, "missing %s", what);
	if (a->npos > max)
		return cli_usage(ctx, "unexpected argument \"%s\"", a->pos[max]);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* The store                                                           */
/* ------------------------------------------------------------------ */

static csvc_time_us fixed_clock(void *userdata)
{
	return *(const csvc_time_us *)userdata;
}

int cli_open_store(cli_ctx *ctx, int create)
{
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	if (ctx->have_now) {
		opts.clock = fixed_clock;
		opts.clock_userdata = &ctx->now;
	}
	if (!create)
		opts.flags |= CSVC_OPEN_NOCREATE;
	if (ctx->as)
		opts.flags |= CSVC_OPEN_ACCESS_CONTROL;
	/* A file path or a postgresql:// URI: the library tells a store that
	 * is not there from one that cannot be opened. */
	int rc = csvc_store_open(&ctx->store, ctx->db_path, &opts);
	if (rc == CSVC_ENOTFOUND && !create)
		return cli_error(ctx, "store %s does not exist (create it with csvc init)", ctx->db_path);
	if (rc != CSVC_OK) {
		char what[600];
		snprintf(what, sizeof(what), "cannot open store %s", ctx->db_path);
		return cli_lib_error(ctx, rc, what);
	}
	if (ctx->as) {
		if ((rc = csvc_store_set_principal(ctx->store, ctx->as)) != CSVC_OK) {
			rc = cli_lib_error(ctx, rc, "--as");
			cli_close_store(ctx);
			return rc;
		}
		/* The library refuses writes in another person's name: the
		 * principal is the actor unless --actor names one. */
		if (!ctx->actor_given)
			ctx->actor = ctx->as;
	}
	return CLI_OK;
}

void cli_close_store(cli_ctx *ctx)
{
	/* Every command commits what it writes, so a rolled-back transaction
	 * here is a defect worth telling (the store is closed either way). */
	if (csvc_store_close(ctx->store) != CSVC_OK)
		fprintf(stderr, "csvc: closing the store: %s\n", csvc_error_last()->message);
	ctx->store = NULL;
}

/* ------------------------------------------------------------------ */
/* Times, dates, durations                                             */
/* ------------------------------------------------------------------ */

/* Reads exactly `n` digits. */
static int digits(const char **p, int n, int32_t *out)
{
	int32_t v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int cli_parse_time(const char *text, csvc_time_us *out)
{
	const char *p = text;
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (digits(&p, 4, &c.year) || *p++ != '-' || digits(&p, 2, &c.month) || *p++ != '-' ||
	    digits(&p, 2, &c.day) || *p++ != 'T' || digits(&p, 2, &c.hour) || *p++ != ':' ||
	    digits(&p, 2, &c.minute))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &c.second))
			return -1;
		if (*p == '.') {
			p++;
			int n = 0;
			int32_t frac = 0;
			while (*p >= '0' && *p <= '9') {
				if (n == 6)
					return -1; /* finer than a microsecond */
				frac = frac * 10 + (*p++ - '0');
				n++;
			}
			if (n == 0)
				return -1;
			while (n++ < 6)
				frac *= 10;
			c.microsecond = frac;
		}
	}
	int32_t offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		int32_t oh, om;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	int64_t local;
	if (csvc_civil_to_local(&c, &local) != CSVC_OK)
		return -1;
	*out = local - (int64_t)offset * CSVC_SECOND_US;
	return 0;
}

void cli_format_time(csvc_time_us t, char *buf)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (csvc_civil_from_local(t, &c) != CSVC_OK) {
		snprintf(buf, CLI_TIME_LEN, "(out of range)");
		return;
	}
	int n = snprintf(buf, CLI_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d", (int)c.year, (int)c.month,
	                 (int)c.day, (int)c.hour, (int)c.minute, (int)c.second);
	if (c.microsecond)
		snprintf(buf + n, CLI_TIME_LEN - (size_t)n, ".%06dZ", (int)c.microsecond);
	else
		snprintf(buf + n, CLI_TIME_LEN - (size_t)n, "Z");
}

int cli_parse_duration(const char *text, int64_t *us)
{
	const char *p = text;
	int64_t total = 0;
	int parts = 0;
	if (!*p)
		return -1;
	while (*p) {
		if (*p < '0' || *p > '9')
			return -1;
		int64_t n = 0;
		while (*p >= '0' && *p <= '9') {
			if (n > (INT64_MAX / CSVC_SECOND_US) / 10)
				return -1;
			n = n * 10 + (*p++ - '0');
		}
		int64_t unit;
		switch (*p) {
		case '\0': unit = 1; if (parts) return -1; break; /* bare number: seconds */
		case 's': unit = 1; p++; break;
		case 'm': unit = 60; p++; break;
		case 'h': unit = 3600; p++; break;
		case 'd': unit = 86400; p++; break;
		default: return -1;
		}
		if (n > INT64_MAX / CSVC_SECOND_US / unit)
			return -1;
		int64_t add = n * unit * CSVC_SECOND_US;
		if (total > INT64_MAX - add)
			return -1;
		total += add;
		parts++;
	}
	*us = total;
	return 0;
}

void cli_format_seconds(int64_t us, char *buf)
{
	const char *sign = us < 0 ? "-" : "";
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	uint64_t s = a / 1000000u, f = a % 1000000u;
	if (!f) {
		snprintf(buf, CLI_TIME_LEN, "%s%llu", sign, (unsigned long long)s);
		return;
	}
	char frac[8];
	snprintf(frac, sizeof(frac), "%06llu", (unsigned long long)f);
	for (int i = 5; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(buf, CLI_TIME_LEN, "%s%llu.%s", sign, (unsigned long long)s, frac);
}

int cli_parse_date(const char *text, int32_t *yyyymmdd)
{
	const char *p = text;
	int32_t y, m, d;
	if (strlen(text) == 8) {
		if (digits(&p, 4, &y) || digits(&p, 2, &m) || digits(&p, 2, &d))
			return -1;
	} else if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &m) || *p++ != '-' ||
	           digits(&p, 2, &d) || *p) {
		return -1;
	}
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	c.year = y;
	c.month = m;
	c.day = d;
	int64_t local;
	if (y < 1 || csvc_civil_to_local(&c, &local) != CSVC_OK)
		return -1;
	*yyyymmdd = y * 10000 + m * 100 + d;
	return 0;
}

int cli_read_file(cli_ctx *ctx, const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_error(ctx, "cannot open %s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (n < cap)
			break;
		char *b2 = realloc(buf, cap * 2 + 1);
		if (!b2) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = b2;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (!buf)
		return cli_error(ctx, "cannot read %s: out of memory", path);
	if (err) {
		free(buf);
		return cli_error(ctx, "cannot read %s", path);
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return CLI_OK;
}

int cli_parse_revision(cli_ctx *ctx, const cli_args *a, int64_t *rev)
{
	const char *v = cli_arg(a, "revision");
	*rev = 0;
	if (!v)
		return CLI_OK;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 1)
		return cli_usage(ctx, "--revision: expected a positive number, got \"%s\"", v);
	*rev = n;
	return CLI_OK;
}

int cli_check_revision(cli_ctx *ctx, const char *what, const char *code, int64_t rev, int64_t now)
{
	if (rev && rev != now)
		return cli_error(ctx, "%s: %s %s is at revision %lld, not %lld", csvc_strerror(CSVC_ECONFLICT), what,
		                 code, (long long)now, (long long)rev);
	return CLI_OK;
}

int cli_parse_uuid(cli_ctx *ctx, const char *text, const char *what, csvc_uuid *out)
{
	if (csvc_uuid_from_string(text, out) != CSVC_OK)
		return cli_usage(ctx, "%s: \"%s\" is not a UUID", what, text);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* Display width                                                       */
/* ------------------------------------------------------------------ */

/* Decodes one UTF-8 sequence; invalid bytes give U+FFFD and advance one. */
static uint32_t utf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t c = p[0];
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0) {
		*pp = p + 1;
		return 0xfffd;
	}
	c &= n == 0 ? 0x7f : n == 1 ? 0x1f : n == 2 ? 0x0f : 0x07;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*pp = p + 1;
			return 0xfffd;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	*pp = p + n + 1;
	return c;
}

int cli_wcwidth(uint32_t c)
{
	static const uint32_t zero[][2] = {
		{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff},
		{0x200b, 0x200f}, {0x202a, 0x202e}, {0x2060, 0x2064}, {0x20d0, 0x20ff}, {0x302a, 0x302d},
		{0x3099, 0x309a}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0100, 0xe01ef},
	};
	/* East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F). */
	static const uint32_t wide[][2] = {
		{0x1100, 0x115f},   /* Hangul Jamo initials */
		{0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec}, {0x23f0, 0x23f0}, {0x23f3, 0x23f3},
		{0x25fd, 0x25fe}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267f, 0x267f}, {0x2693, 0x2693},
		{0x26a1, 0x26a1}, {0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5}, {0x26ce, 0x26ce},
		{0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5}, {0x26fa, 0x26fa},
		{0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728}, {0x274c, 0x274c},
		{0x274e, 0x274e}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27b0, 0x27b0},
		{0x27bf, 0x27bf}, {0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55},
		{0x2e80, 0x303e},   /* CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation */
		{0x3041, 0x3247},   /* Hiragana, Katakana, Bopomofo, Hangul compatibility, Kanbun, CJK strokes, enclosed */
		{0x3250, 0x4dbf},   /* enclosed CJK, compatibility, CJK Extension A */
		{0x4e00, 0xa4cf},   /* CJK Unified Ideographs, Yi */
		{0xa960, 0xa97f},   /* Hangul Jamo Extended-A */
		{0xac00, 0xd7a3},   /* Hangul syllables */
		{0xf900, 0xfaff},   /* CJK compatibility ideographs */
		{0xfe10, 0xfe19},   /* vertical forms */
		{0xfe30, 0xfe6f},   /* CJK compatibility forms, small form variants */
		{0xff00, 0xff60},   /* fullwidth forms */
		{0xffe0, 0xffe6},   /* fullwidth signs */
		{0x16fe0, 0x16fe4}, {0x17000, 0x18cff}, {0x1b000, 0x1b2ff},
		{0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a},
		{0x1f200, 0x1f251}, {0x1f300, 0x1f320}, {0x1f32d, 0x1f335}, {0x1f337, 0x1f37c},
		{0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca}, {0x1f3cf, 0x1f3d3}, {0x1f3e0, 0x1f3f0},
		{0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f43e}, {0x1f440, 0x1f440}, {0x1f442, 0x1f4fc},
		{0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e}, {0x1f550, 0x1f567}, {0x1f57a, 0x1f57a},
		{0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4}, {0x1f5fb, 0x1f64f}, {0x1f680, 0x1f6c5},
		{0x1f6cc, 0x1f6cc}, {0x1f6d0, 0x1f6d2}, {0x1f6d5, 0x1f6d7}, {0x1f6eb, 0x1f6ec},
		{0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb}, {0x1f90c, 0x1f93a}, {0x1f93c, 0x1f945},
		{0x1f947, 0x1f9ff}, {0x1fa70, 0x1faff},
		{0x20000, 0x2fffd}, /* CJK Extensions B-F, compatibility supplement */
		{0x30000, 0x3fffd}, /* CJK Extension G and later */
	};
	if (c == 0 || c < 0x20 || (c >= 0x7f && c < 0xa0))
		return 0;
	if (c < 0x300)
		return 1;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	size_t lo = 0, hi = sizeof(wide) / sizeof(wide[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c < wide[mid][0])
			hi = mid;
		else if (c > wide[mid][1])
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

size_t cli_display_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p)
		w += (size_t)cli_wcwidth(utf8_next(&p));
	return w;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

struct cli_table {
	size_t ncols;
	size_t ncells, cap;
	char **cells;
	size_t *max;   /* per column, 0 = unlimited */
};

cli_table *cli_table_new(size_t ncols, const char *const *headers)
{
	cli_table *t = calloc(1, sizeof(*t));
	if (!t || !(t->max = calloc(ncols, sizeof(size_t)))) {
		fputs("csvc: out of memory\n", stderr);
		exit(CLI_ERROR);
	}
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		cli_table_cell(t, headers[i]);
	return t;
}

void cli_table_max_width(cli_table *t, size_t col, size_t width)
{
	if (col < t->ncols)
		t->max[col] = width;
}

/* A cell's text: tabs and line breaks become spaces, other control
 * characters are shown escaped (cli_visible), cut to `max` columns. */
static char *cell_text(const char *s, size_t max)
{
	char *vis = cli_visible(s, CLI_VIS_SPACES);
	size_t n = strlen(vis);
	char *out = malloc(n + 4);
	if (!out) {
		fputs("csvc: out of memory\n", stderr);
		exit(CLI_ERROR);
	}
	const unsigned char *p = (const unsigned char *)vis;
	size_t w = 0, o = 0;
	size_t total = cli_display_width(vis);
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = utf8_next(&p);
		int cw = cli_wcwidth(c);
		if (max && total > max && w + (size_t)cw > max - 1) {
			memcpy(out + o, "\xe2\x80\xa6", 3); /* … */
			o += 3;
			break;
		}
		memcpy(out + o, start, (size_t)(p - start));
		o += (size_t)(p - start);
		w += (size_t)cw;
	}
	out[o] = '\0';
	free(vis);
	return out;
}

char *cli_visible(const char *s, int mode)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *out = malloc(4 * n + 1); /* the longest escape is 4 bytes per input byte */
	if (!out) {
		fputs("csvc: out of memory\n", stderr);
		exit(CLI_ERROR);
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = utf8_next(&p);
		if (c == 0xfffd && p - start == 1) {
			c = *start; /* a byte that is not UTF-8: shown as \xNN */
		} else if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f)) {
			memcpy(out + o, start, (size_t)(p - start));
			o += (size_t)(p - start);
			continue;
		}
		if (c == '\t' || c == '\n' || c == '\r') {
			if (mode == CLI_VIS_SPACES) {
				out[o++] = ' ';
				continue;
			}
			if (mode == CLI_VIS_LINES && c != '\r') {
				out[o++] = (char)c;
				continue;
			}
			out[o++] = '\\';
			out[o++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
			continue;
		}
		out[o++] = '\\';
		if (c >= 0x80 && p - start == 2) { /* C1 control, U+0080..U+009F */
			memcpy(out + o, "u00", 3);
			o += 3;
		} else {
			out[o++] = 'x';
		}
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 0xf];
	}
	out[o] = '\0';
	return out;
}

/* The strings cli_show() handed out, freed as slots are reused and at exit. */
static char *show_slots[8];
static size_t show_next;

static void free_show_slots(void)
{
	for (size_t i = 0; i < sizeof(show_slots) / sizeof(show_slots[0]); i++) {
		free(show_slots[i]);
		show_slots[i] = NULL;
	}
}

const char *cli_show(const char *s)
{
	static int registered;
	if (!registered) {
		atexit(free_show_slots);
		registered = 1;
	}
	size_t slot = show_next++ % (sizeof(show_slots) / sizeof(show_slots[0]));
	free(show_slots[slot]);
	show_slots[slot] = cli_visible(s ? s : "", CLI_VIS_ESCAPE);
	return show_slots[slot];
}

void cli_table_cell(cli_table *t, const char *text)
{
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **c2 = realloc(t->cells, cap * sizeof(char *));
		if (!c2) {
			fputs("csvc: out of memory\n", stderr);
			exit(CLI_ERROR);
		}
		t->cells = c2;
		t->cap = cap;
	}
	size_t idx = t->ncells, col = idx % t->ncols;
	t->cells[idx] = cell_text(text ? text : "-", idx < t->ncols ? 0 : t->max[col]);
	t->ncells = idx + 1;
}

void cli_table_cellf(cli_table *t, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cli_table_cell(t, buf);
}

void cli_table_free(cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->max);
	free(t);
}

void cli_table_print(cli_table *t, FILE *out)
{
	size_t *width = calloc(t->ncols, sizeof(size_t));
	if (!width)
		exit(CLI_ERROR);
	while (t->ncells % t->ncols)
		cli_table_cell(t, "");
	for (size_t i = 0; i < t->ncells; i++) {
		size_t w = cli_display_width(t->cells[i]);
		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (size_t r = 0; r < t->ncells / t->ncols; r++) {
		/* Trailing empty cells print nothing, so lines never end in spaces. */
		size_t last = t->ncols;
		while (last > 1 && !t->cells[r * t->ncols + last - 1][0])
			last--;
		for (size_t c = 0; c < last; c++) {
			const char *s = t->cells[r * t->ncols + c];
			fputs(s, out);
			if (c + 1 < last)
				for (size_t pad = cli_display_width(s); pad < width[c] + 2; pad++)
					fputc(' ', out);
		}
		fputc('\n', out);
	}
	free(width);
	cli_table_free(t);
}

void cli_kv(const char *label, const char *value, size_t width)
{
	fputs(label, stdout);
	for (size_t w = cli_display_width(label); w < width + 2; w++)
		fputc(' ', stdout);
	char *text = cell_text(value && *value ? value : "-", 0);
	puts(text);
	free(text);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

void cj_init(cli_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void indent(cli_json *j)
{
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Separator and indentation before a value (or a key). */
static void before_value(cli_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->out);
		j->first[j->depth] = 0;
		indent(j);
	}
}

static void open_container(cli_json *j, char c)
{
	before_value(j);
	fputc(c, j->out);
	if (j->depth < 63)
		j->depth++;
	j->first[j->depth] = 1;
}

static void close_container(cli_json *j, char c)
{
	int empty = j->first[j->depth];
	j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->out);
}

void cj_obj(cli_json *j) { open_container(j, '{'); }
void cj_end_obj(cli_json *j) { close_container(j, '}'); }
void cj_arr(cli_json *j) { open_container(j, '['); }
void cj_end_arr(cli_json *j) { close_container(j, ']'); }

/* A JSON string: control characters (C0 as JSON requires, and DEL and
 * C1 too) as \uXXXX escapes, and a byte that is not UTF-8 (from a damaged
 * store) as \ufffd, so that the output is always valid JSON. */
static void write_string(FILE *out, const char *s)
{
	fputc('"', out);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = utf8_next(&p);
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
				fprintf(out, "\\u%04x", (unsigned)c);
			else if (c == 0xfffd && p - start == 1)
				fputs("\\ufffd", out);
			else
				fwrite(start, 1, (size_t)(p - start), out);
		}
	}
	fputc('"', out);
}

void cj_key(cli_json *j, const char *key)
{
	before_value(j);
	write_string(j->out, key);
	fputs(": ", j->out);
	j->after_key = 1;
}

void cj_str(cli_json *j, const char *s)
{
	before_value(j);
	if (s)
		write_string(j->out, s);
	else
		fputs("null", j->out);
}

void cj_int(cli_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->out, "%lld", (long long)v);
}

void cj_bool(cli_json *j, int v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void cj_null(cli_json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void cj_raw(cli_json *j, const char *json)
{
	before_value(j);
	fputs(json && *json ? json : "null", j->out);
}

void cj_raw_pretty(cli_json *j, const char *json)
{
	if (!json || !*json) {
		cj_null(j);
		return;
	}
	before_value(j);
	FILE *out = j->out;
	int depth = j->depth, in_str = 0;
	for (const char *p = json; *p; p++) {
		char c = *p;
		if (in_str) {
			fputc(c, out);
			if (c == '\\' && p[1])
				fputc(*++p, out);
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			fputc(c, out);
			break;
		case '{':
		case '[':
			fputc(c, out);
			while (p[1] == ' ' || p[1] == '\n' || p[1] == '\t' || p[1] == '\r')
				p++;
			if (p[1] == (c == '{' ? '}' : ']')) {
				fputc(*++p, out); /* empty: {} or [] */
				break;
			}
			depth++;
			fputc('\n', out);
			for (int i = 0; i < depth; i++)
				fputs("  ", out);
			break;
		case '}':
		case ']':
			depth--;
			fputc('\n', out);
			for (int i = 0; i < depth; i++)
				fputs("  ", out);
			fputc(c, out);
			break;
		case ',':
			fputs(",\n", out);
			for (int i = 0; i < depth; i++)
				fputs("  ", out);
			break;
		case ':':
			fputs(": ", out);
			break;
		case ' ':
		case '\n':
		case '\t':
		case '\r':
			break;
		default:
			fputc(c, out);
		}
	}
}

void cj_time(cli_json *j, csvc_time_us t)
{
	if (!t) {
		cj_null(j);
		return;
	}
	char buf[CLI_TIME_LEN];
	cli_format_time(t, buf);
	cj_str(j, buf);
}

void cj_seconds(cli_json *j, int64_t us)
{
	char buf[CLI_TIME_LEN];
	cli_format_seconds(us, buf);
	before_value(j);
	fputs(buf, j->out);
}

void cj_uuid(cli_json *j, const csvc_uuid *id)
{
	if (!id || csvc_uuid_is_nil(id)) {
		cj_null(j);
		return;
	}
	char buf[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(id, buf);
	cj_str(j, buf);
}

void cj_done(cli_json *j)
{
	fputc('\n', j->out);
}

void cj_kstr(cli_json *j, const char *key, const char *s) { cj_key(j, key); cj_str(j, s); }
void cj_kint(cli_json *j, const char *key, int64_t v) { cj_key(j, key); cj_int(j, v); }
void cj_ktime(cli_json *j, const char *key, csvc_time_us t) { cj_key(j, key); cj_time(j, t); }
void cj_kuuid(cli_json *j, const char *key, const csvc_uuid *id) { cj_key(j, key); cj_uuid(j, id); }

/* ------------------------------------------------------------------ */
/* Enumerations                                                        */
/* ------------------------------------------------------------------ */

/* The machine names come from the library (csvc_enum_name); the CLI adds
 * the Chinese labels, indexed by value. */
#define CLI_ENUM(var, which, ...)                                                                 \
	static const char *const var##_zh[] = {NULL, __VA_ARGS__};                                    \
	static const cli_enum var##_def = {which, var##_zh, sizeof(var##_zh) / sizeof(var##_zh[0])}; \
	const cli_enum *const var = &var##_def;

CLI_ENUM(cli_class_enum, CSVC_ENUM_CUSTOMER_CLASS, "核心", "重要", "普通", "潜在")
CLI_ENUM(cli_tier_enum, CSVC_ENUM_VALUE_TIER, "一级", "二级", "三级")
CLI_ENUM(cli_lifecycle_enum, CSVC_ENUM_LIFECYCLE, "潜在", "新", "成长", "成熟", "流失")
CLI_ENUM(cli_urgency_enum, CSVC_ENUM_URGENCY, "紧急", "重大", "一般")
CLI_ENUM(cli_importance_enum, CSVC_ENUM_IMPORTANCE, "高", "中", "低")
CLI_ENUM(cli_impact_enum, CSVC_ENUM_IMPACT, "普遍", "群体", "个别")
CLI_ENUM(cli_priority_enum, CSVC_ENUM_PRIORITY, "紧急", "高", "普通", "低")
CLI_ENUM(cli_category_enum, CSVC_ENUM_STATE_CATEGORY, "新建", "处理中", "等待", "已解决", "已关闭", "已取消")
CLI_ENUM(cli_sla_status_enum, CSVC_ENUM_SLA_STATUS, "计时中", "暂停", "达成", "超时", "取消", "未开始")
CLI_ENUM(cli_comment_enum, CSVC_ENUM_COMMENT_KIND, "回复", "内部备注", "结果通知", "回访")
CLI_ENUM(cli_link_enum, CSVC_ENUM_LINK_KIND, "重复", "相关", "父工单", "合并")
CLI_ENUM(cli_method_enum, CSVC_ENUM_SURVEY_METHOD, "收银台", "小票二维码", "电话回访", "问卷调查", "访谈", "神秘顾客",
         "在线评价", "观察")
CLI_ENUM(cli_skill_kind_enum, CSVC_ENUM_SKILL_KIND, "工单类型", "工单分类", "语言", "渠道")
CLI_ENUM(cli_team_kind_enum, CSVC_ENUM_TEAM_KIND, "客服组", "部门")
CLI_ENUM(cli_role_scope_enum, CSVC_ENUM_ROLE_SCOPE, "门店", "连锁")
CLI_ENUM(cli_route_strategy_enum, CSVC_ENUM_ROUTE_STRATEGY, "轮流分配", "负载最少", "技能匹配")
CLI_ENUM(cli_queue_order_enum, CSVC_ENUM_QUEUE_ORDER, "按优先级", "按时间")
CLI_ENUM(cli_appraisal_source_enum, CSVC_ENUM_APPRAISAL_SOURCE, "上级", "客户", "同事", "自评")
CLI_ENUM(cli_consent_purpose_enum, CSVC_ENUM_CONSENT_PURPOSE, "服务联系", "满意度调查", "营销", "用户画像", "第三方共享")
/* Permissions have no Chinese labels: their names are the library's only. */
static const char *const cli_permission_enum_zh[] = {NULL};
static const cli_enum cli_permission_enum_def = {CSVC_ENUM_PERMISSION, cli_permission_enum_zh, 1};
const cli_enum *const cli_permission_enum = &cli_permission_enum_def;

/* The values with a name: value enums count from 1 and have fewer than 64. */
#define CLI_ENUM_SCAN 64

const char *cli_enum_name(const cli_enum *e, int32_t value)
{
	if (value == 0)
		return "-";
	const char *name = csvc_enum_name(e->which, value);
	return name ? name : "?";
}

const char *cli_enum_zh(const cli_enum *e, int32_t value)
{
	return value >= 1 && (size_t)value < e->n_zh && csvc_enum_name(e->which, value) ? e->zh[value] : NULL;
}

const char *cli_enum_label(const cli_enum *e, int32_t value, char *buf, size_t size)
{
	const char *zh = cli_enum_zh(e, value);
	if (zh) {
		snprintf(buf, size, "%s %s", cli_enum_name(e, value), zh);
		return buf;
	}
	return cli_enum_name(e, value);
}

const char *cli_status_name(int active)
{
	return csvc_enum_name(CSVC_ENUM_STAFF_STATUS, active ? CSVC_STAFF_STATUS_ACTIVE : CSVC_STAFF_STATUS_INACTIVE);
}

int cli_enum_parse(const cli_enum *e, const char *text, int32_t *value)
{
	if (csvc_enum_parse(e->which, text, value) == CSVC_OK)
		return 0;
	for (int32_t v = 1; v < CLI_ENUM_SCAN; v++) {
		const char *zh = cli_enum_zh(e, v);
		char num[16];
		snprintf(num, sizeof(num), "%d", (int)v);
		if (csvc_enum_name(e->which, v) && ((zh && !strcmp(text, zh)) || !strcmp(text, num))) {
			*value = v;
			return 0;
		}
	}
	return -1;
}

const char *cli_enum_choices(const cli_enum *e, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int32_t v = 1; v < CLI_ENUM_SCAN && o < size; v++) {
		const char *name = csvc_enum_name(e->which, v);
		if (name)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? "|" : "", name);
	}
	return buf;
}
