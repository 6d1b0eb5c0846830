/*
 * csvc report: service KPIs, SLA compliance per target and time in each
 * state from csvc/report.h, and the sales transaction counts behind the
 * complaint rate. The range, filter and grouping options, the score table
 * and the JSON layout are shared with 'csvc survey score' (cli-survey.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* ------------------------------------------------------------------ */
/* Ranges: --period KEY, or --from and --to                            */
/* ------------------------------------------------------------------ */

static const int64_t DAY_US = 86400 * CSVC_SECOND_US;

/* Local microseconds of midnight starting y-m-d; -1 if no such date. */
static int local_date(int32_t y, int32_t m, int32_t d, int64_t *out)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	c.year = y;
	c.month = m;
	c.day = d;
	return y >= 1 && y <= 9998 && csvc_civil_to_local(&c, out) == CSVC_OK ? 0 : -1;
}

/* Reads exactly n digits. */
static int num(const char **p, int n, int32_t *out)
{
	int32_t v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/*
 * A period key to [start, end) in local wall-clock microseconds: a year
 * 2026, a quarter 2026-Q4, a month 2026-11, an ISO week 2026-W48 or a day
 * 2026-11-23 (the keys the reports give their period rows).
 */
int cli_parse_period_key(const char *text, int64_t *start, int64_t *end)
{
	const char *p = text;
	int32_t y, m, d, n;
	if (num(&p, 4, &y) || y < 1)
		return -1;
	if (!*p)
		return local_date(y, 1, 1, start) || local_date(y + 1, 1, 1, end) ? -1 : 0;
	if (*p++ != '-')
		return -1;
	if (*p == 'Q') {
		p++;
		if (num(&p, 1, &n) || *p || n < 1 || n > 4)
			return -1;
		if (local_date(y, 3 * n - 2, 1, start))
			return -1;
		return n == 4 ? local_date(y + 1, 1, 1, end) : local_date(y, 3 * n + 1, 1, end);
	}
	if (*p == 'W') {
		p++;
		if (num(&p, 2, &n) || *p || n < 1 || n > 53)
			return -1;
		int64_t jan4;
		csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
		if (local_date(y, 1, 4, &jan4) || csvc_civil_from_local(jan4, &c) != CSVC_OK)
			return -1;
		/* Week 1 is the week (Monday to Sunday) holding 4 January. */
		*start = jan4 - (int64_t)(c.weekday - 1) * DAY_US + (int64_t)(n - 1) * 7 * DAY_US;
		*end = *start + 7 * DAY_US;
		/* Week 53 exists only when its Thursday is still in year y. */
		if (csvc_civil_from_local(*start + 3 * DAY_US, &c) != CSVC_OK || c.year != y)
			return -1;
		return 0;
	}
	if (num(&p, 2, &m) || m < 1 || m > 12)
		return -1;
	if (!*p)
		return local_date(y, m, 1, start) || (m == 12 ? local_date(y + 1, 1, 1, end) : local_date(y, m + 1, 1, end))
		           ? -1
		           : 0;
	if (*p++ != '-' || num(&p, 2, &d) || *p || local_date(y, m, d, start))
		return -1;
	*end = *start + DAY_US;
	return 0;
}

/*
 * Checks the range and grouping options and fills the query, before the
 * store is opened: a malformed option is a usage error (exit 2).
 * `scores`: the method filter and grouping are allowed.
 */
int cli_report_options(cli_ctx *ctx, const cli_args *a, cli_range *r, csvc_report_query *q, int scores)
{
	memset(r, 0, sizeof(*r));
	csvc_report_query_init(q, CSVC_REPORT_QUERY_VERSION);
	const char *period = cli_arg(a, "period"), *from = cli_arg(a, "from"), *to = cli_arg(a, "to");
	if (period) {
		static const char *const units[] = {"day", "week", "month", "quarter", "year"};
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(period, units[i]))
				return cli_usage(ctx, "--period names the range, such as 2026-11; for a trend by %s use --by %s",
				                 period, period);
		if (from || to)
			return cli_usage(ctx, "give --period or --from and --to, not both");
		if (cli_parse_period_key(period, &r->local_from, &r->local_to) != 0)
			return cli_usage(ctx, "--period: malformed period \"%s\" (expected 2026, 2026-Q4, 2026-11, "
			                      "2026-W48 or 2026-11-23)", period);
		r->have_period = 1;
		snprintf(r->label, sizeof(r->label), "%s", period);
	} else if (from || to) {
		if (!from || !to)
			return cli_usage(ctx, "--from and --to go together");
		if (cli_parse_time(from, &q->from) != 0)
			return cli_usage(ctx, "--from: malformed time \"%s\" (expected ISO 8601 such as "
			                      "2026-11-01T00:00:00+08:00)", from);
		if (cli_parse_time(to, &q->to) != 0)
			return cli_usage(ctx, "--to: malformed time \"%s\" (expected ISO 8601 such as "
			                      "2026-12-01T00:00:00+08:00)", to);
		if (q->from >= q->to)
			return cli_usage(ctx, "--from must come before --to");
	} else {
		return cli_usage(ctx, "missing the range: --period (such as 2026-11) or --from and --to");
	}

	const char *by = cli_arg(a, "by");
	if (by) {
		/* A grouping (csvc_report_group_t, by period meaning a month) or
		 * a period: the library's names, "period" itself aside. */
		int32_t group = 0, period = 0;
		if (csvc_enum_parse(CSVC_ENUM_REPORT_PERIOD, by, &period) == CSVC_OK)
			group = CSVC_REPORT_BY_PERIOD;
		else if (csvc_enum_parse(CSVC_ENUM_REPORT_GROUP, by, &group) != CSVC_OK || group == CSVC_REPORT_BY_PERIOD ||
		         (!scores && group == CSVC_REPORT_BY_METHOD))
			group = 0;
		if (group == 0) {
			char choices[256];
			size_t o = 0;
			choices[0] = '\0';
			for (int32_t v = 1; v < 64; v++) {
				const char *name = csvc_enum_name(CSVC_ENUM_REPORT_GROUP, v);
				if (name && v != CSVC_REPORT_BY_PERIOD && (scores || v != CSVC_REPORT_BY_METHOD))
					o += (size_t)snprintf(choices + o, sizeof(choices) - o, "%s|", name);
			}
			for (int32_t v = 1; v < 64; v++) {
				const char *name = csvc_enum_name(CSVC_ENUM_REPORT_PERIOD, v);
				if (name && o < sizeof(choices))
					o += (size_t)snprintf(choices + o, sizeof(choices) - o, "%s|", name);
			}
			if (o > 0 && o <= sizeof(choices))
				choices[o - 1] = '\0';
			return cli_usage(ctx, "--by: unknown grouping \"%s\" (expected %s)", by, choices);
		}
		q->group_by = group;
		q->period = period;
		snprintf(r->by, sizeof(r->by), "%s", by);
	}
	const char *ms = cli_arg(a, "min-sample");
	if (ms) {
		char *end;
		long long v = strtoll(ms, &end, 10);
		if (!*ms || *end || v < 1 || v > 1000000000)
			return cli_usage(ctx, "--min-sample: expected a positive number, got \"%s\"", ms);
		q->min_sample = v;
	}
	q->store_code = cli_arg(a, "store");
	q->staff = cli_arg(a, "staff");
	q->channel = cli_arg(a, "channel");
	q->kind = cli_arg(a, "kind");
	q->category = cli_arg(a, "category");
	return CLI_OK;
}

/*
 * After the store is open: the zone of a --period (--zone, else the zone
 * reports use for --store: its calendar's, its own, the store's default,
 * else UTC; without --store the default, else UTC) and the range in UTC.
 */
int cli_report_resolve(cli_ctx *ctx, const cli_args *a, cli_range *r, csvc_report_query *q)
{
	if (!r->have_period) {
		char f[CLI_TIME_LEN], t[CLI_TIME_LEN];
		cli_format_time(q->from, f);
		cli_format_time(q->to, t);
		snprintf(r->label, sizeof(r->label), "%s to %s", f, t);
		return CLI_OK;
	}
	csvc_tz *own = NULL;
	const csvc_tz *tz = NULL;
	const char *zone = cli_arg(a, "zone");
	int rc;
	if (zone) {
		if ((rc = csvc_tz_load(&own, zone, NULL)) != CSVC_OK)
			return cli_lib_error(ctx, rc, "--zone");
		tz = own;
	} else {
		int32_t source = 0;
		if ((rc = csvc_calendar_tz_for_store(ctx->store, q->store_code, &own, &source)) != CSVC_OK)
			return cli_lib_error(ctx, rc, "the store's time zone");
		if (source != CSVC_ZONE_NONE)
			tz = own;
	}
	snprintf(r->zone, sizeof(r->zone), "%s", tz ? csvc_tz_name(tz) : "UTC");
	rc = CSVC_OK;
	if (tz) {
		rc = csvc_tz_local_to_utc(tz, r->local_from, CSVC_TZ_COMPATIBLE, &q->from);
		if (rc == CSVC_OK)
			rc = csvc_tz_local_to_utc(tz, r->local_to, CSVC_TZ_COMPATIBLE, &q->to);
	} else {
		q->from = r->local_from;
		q->to = r->local_to;
	}
	csvc_tz_free(own);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, "the period");
	size_t n = strlen(r->label);
	snprintf(r->label + n, sizeof(r->label) - n, " (%s)", r->zone);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

int cli_report_print_json(cli_ctx *ctx, const csvc_report *r)
{
	char *json = NULL;
	int rc = csvc_report_to_json(r, &json);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, "report JSON");
	cli_json j;
	cj_init(&j, stdout);
	cj_raw_pretty(&j, json);
	cj_done(&j);
	csvc_free(json);
	return CLI_OK;
}

/* "45s", "12m30s", "1h05m", "2d03h". */
void cli_human_duration(double us, char *buf, size_t size)
{
	if (isnan(us)) {
		snprintf(buf, size, "-");
		return;
	}
	long long s = llround(us / CSVC_SECOND_US);
	if (s < 60)
		snprintf(buf, size, "%llds", s);
	else if (s < 3600)
		snprintf(buf, size, s % 60 ? "%lldm%02llds" : "%lldm", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static double val(const csvc_report *r, size_t i, int32_t m)
{
	return csvc_report_value(r, i, m);
}

static void cell_count(cli_table *t, double v)
{
	if (isnan(v))
		cli_table_cell(t, NULL);
	else
		cli_table_cellf(t, "%.0f", v);
}

static void cell_num(cli_table *t, double v, const char *fmt)
{
	if (isnan(v))
		cli_table_cell(t, NULL);
	else
		cli_table_cellf(t, fmt, v);
}

static void cell_pct(cli_table *t, double v)
{
	if (isnan(v))
		cli_table_cell(t, NULL);
	else
		cli_table_cellf(t, "%.1f%%", 100 * v);
}

static void cell_ci(cli_table *t, double lo, double hi)
{
	if (isnan(lo) || isnan(hi))
		cli_table_cell(t, NULL);
	else
		cli_table_cellf(t, "%.1f-%.1f%%", 100 * lo, 100 * hi);
}

static void cell_dur(cli_table *t, double us)
{
	char buf[32];
	cli_human_duration(us, buf, sizeof(buf));
	cli_table_cell(t, isnan(us) ? NULL : buf);
}

/* The row key as shown: "(none)" for an unset field. */
static void cell_key(cli_table *t, const csvc_report *r, size_t i)
{
	const char *k = csvc_report_key(r, i);
	cli_table_cell(t, k && *k ? k : "(none)");
}

static const char *key_header(const cli_range *range)
{
	static char buf[32];
	if (!range->by[0])
		return "GROUP";
	size_t i = 0;
	for (; range->by[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)(range->by[i] >= 'a' && range->by[i] <= 'z' ? range->by[i] - 32 : range->by[i]);
	buf[i] = '\0';
	return buf;
}

static int any_low(const csvc_report *r)
{
	for (size_t i = 0; i < csvc_report_row_count(r); i++)
		if (csvc_report_low_sample(r, i))
			return 1;
	return 0;
}

static void low_note(const csvc_report *r, const csvc_report_query *q, const char *what)
{
	if (any_low(r))
		printf("low: fewer than %lld %s; the figures are shown but uncertain\n",
		       (long long)(q->min_sample ? q->min_sample : 30), what);
}

/*
 * The satisfaction table: responses, CSAT with its Wilson interval and
 * mean, NPS with its standard error, CES, CSI and the SERVQUAL gap; then
 * the figures per dimension, labelled from `survey` when given.
 */
void cli_scores_print(const csvc_report *r, const cli_range *range, const csvc_report_query *q,
                      const csvc_survey *survey, int sample_column)
{
	static const char *const headers[] = {NULL,    "RESPONSES", "CSAT N", "CSAT", "CSAT 95% CI", "MEAN", "NPS N",
	                                      "NPS",   "NPS SE",    "CES N",  "CES",  "CSI",         "GAP",  "SAMPLE"};
	const char *h[14];
	memcpy(h, headers, sizeof(h));
	h[0] = key_header(range);
	size_t ncols = sample_column ? 14 : 13;
	cli_table *t = cli_table_new(ncols, h);
	size_t n = csvc_report_row_count(r);
	for (size_t i = 0; i < n; i++) {
		cell_key(t, r, i);
		cell_count(t, val(r, i, CSVC_METRIC_RESPONSES));
		cell_count(t, val(r, i, CSVC_METRIC_CSAT_N));
		cell_pct(t, val(r, i, CSVC_METRIC_CSAT));
		cell_ci(t, val(r, i, CSVC_METRIC_CSAT_LOW), val(r, i, CSVC_METRIC_CSAT_HIGH));
		cell_num(t, val(r, i, CSVC_METRIC_CSAT_MEAN), "%.2f");
		cell_count(t, val(r, i, CSVC_METRIC_NPS_N));
		cell_num(t, val(r, i, CSVC_METRIC_NPS), "%.1f");
		cell_num(t, val(r, i, CSVC_METRIC_NPS_SE), "%.1f");
		cell_count(t, val(r, i, CSVC_METRIC_CES_N));
		cell_num(t, val(r, i, CSVC_METRIC_CES_MEAN), "%.2f");
		cell_num(t, val(r, i, CSVC_METRIC_CSI), "%.1f");
		cell_num(t, val(r, i, CSVC_METRIC_SERVQUAL_GAP), "%+.2f");
		if (sample_column)
			cli_table_cell(t, csvc_report_low_sample(r, i) ? "low" : "ok");
	}
	cli_table_print(t, stdout);
	if (sample_column)
		low_note(r, q, "responses");

	size_t nd = csvc_report_dimension_count(r);
	int any = 0;
	for (size_t i = 0; i < n && !any; i++)
		for (size_t d = 0; d < nd && !any; d++)
			any = *csvc_report_dimension_name(r, d) &&
			      (csvc_report_dimension_value(r, i, d, CSVC_METRIC_CSI_N) > 0 ||
			       csvc_report_dimension_value(r, i, d, CSVC_METRIC_SERVQUAL_N) > 0);
	if (!any)
		return; /* only the implicit dimension: the CSI column says it all */
	static const char *const dheaders[] = {NULL,   "DIMENSION", "WEIGHT",   "CSI N",     "CSI",
	                                       "SQ N", "EXPECTED",  "PERCEIVED", "GAP"};
	const char *dh[9];
	memcpy(dh, dheaders, sizeof(dh));
	dh[0] = key_header(range);
	t = cli_table_new(9, dh);
	for (size_t i = 0; i < n; i++) {
		for (size_t d = 0; d < nd; d++) {
			double cn = csvc_report_dimension_value(r, i, d, CSVC_METRIC_CSI_N);
			double sn = csvc_report_dimension_value(r, i, d, CSVC_METRIC_SERVQUAL_N);
			if (!(cn > 0) && !(sn > 0))
				continue;
			const char *name = csvc_report_dimension_name(r, d);
			const char *zh = NULL;
			for (size_t k = 0; survey && k < csvc_survey_dimension_count(survey); k++) {
				const char *dn, *dz;
				if (csvc_survey_dimension_at(survey, k, &dn, NULL, &dz, NULL) == CSVC_OK && !strcmp(dn, name))
					zh = dz;
			}
			cell_key(t, r, i);
			if (!*name)
				cli_table_cell(t, "(no dimension)");
			else if (zh)
				cli_table_cellf(t, "%s %s", name, zh);
			else
				cli_table_cell(t, name);
			cell_num(t, csvc_report_dimension_value(r, i, d, CSVC_METRIC_WEIGHT), "%g");
			cell_count(t, cn);
			cell_num(t, csvc_report_dimension_value(r, i, d, CSVC_METRIC_CSI), "%.1f");
			cell_count(t, sn);
			cell_num(t, csvc_report_dimension_value(r, i, d, CSVC_METRIC_SERVQUAL_EXPECTATION), "%.2f");
			cell_num(t, csvc_report_dimension_value(r, i, d, CSVC_METRIC_SERVQUAL_PERCEPTION), "%.2f");
			cell_num(t, csvc_report_dimension_value(r, i, d, CSVC_METRIC_SERVQUAL_GAP), "%+.2f");
		}
	}
	printf("\nBy dimension:\n");
	cli_table_print(t, stdout);
}

/* The KPI tables of a report from csvc_report_kpis. */
void cli_kpis_print(const csvc_report *r, const cli_range *range, const csvc_report_query *q)
{
	size_t n = csvc_report_row_count(r);
	const char *k = key_header(range);

	const char *h1[] = {k, "TICKETS", "HANDLED", "RESP N", "RESP MEAN", "RESP MEDIAN", "RESP P90", "RESOL N",
	                    "RESOL MEAN", "RESOL MEDIAN", "RESOL P90", "SAMPLE"};
	cli_table *t = cli_table_new(12, h1);
	for (size_t i = 0; i < n; i++) {
		cell_key(t, r, i);
		cell_count(t, val(r, i, CSVC_METRIC_TICKETS));
		cell_count(t, val(r, i, CSVC_METRIC_RESOLVED));
		cell_count(t, val(r, i, CSVC_METRIC_RESPONSE_N));
		cell_dur(t, val(r, i, CSVC_METRIC_RESPONSE_MEAN));
		cell_dur(t, val(r, i, CSVC_METRIC_RESPONSE_MEDIAN));
		cell_dur(t, val(r, i, CSVC_METRIC_RESPONSE_P90));
		cell_count(t, val(r, i, CSVC_METRIC_RESOLUTION_N));
		cell_dur(t, val(r, i, CSVC_METRIC_RESOLUTION_MEAN));
		cell_dur(t, val(r, i, CSVC_METRIC_RESOLUTION_MEDIAN));
		cell_dur(t, val(r, i, CSVC_METRIC_RESOLUTION_P90));
		cli_table_cell(t, csvc_report_low_sample(r, i) ? "low" : "ok");
	}
	printf("Tickets, first response and resolution (business time):\n");
	cli_table_print(t, stdout);
	low_note(r, q, "tickets");

	const char *h2[] = {k, "SLA ON TIME", "BREACHED", "COMPLIANCE", "95% CI", "COMPLAINTS", "24H", "48H", "72H",
	                    "TRANSACTIONS", "PER 1000"};
	t = cli_table_new(11, h2);
	for (size_t i = 0; i < n; i++) {
		cell_key(t, r, i);
		cell_count(t, val(r, i, CSVC_METRIC_SLA_ON_TIME));
		cell_count(t, val(r, i, CSVC_METRIC_SLA_BREACHED));
		cell_pct(t, val(r, i, CSVC_METRIC_SLA_COMPLIANCE));
		cell_ci(t, val(r, i, CSVC_METRIC_SLA_COMPLIANCE_LOW), val(r, i, CSVC_METRIC_SLA_COMPLIANCE_HIGH));
		cell_count(t, val(r, i, CSVC_METRIC_COMPLAINTS));
		cell_pct(t, val(r, i, CSVC_METRIC_COMPLAINT_24H));
		cell_pct(t, val(r, i, CSVC_METRIC_COMPLAINT_48H));
		cell_pct(t, val(r, i, CSVC_METRIC_COMPLAINT_72H));
		cell_count(t, val(r, i, CSVC_METRIC_TRANSACTIONS));
		cell_num(t, val(r, i, CSVC_METRIC_COMPLAINT_RATE), "%.2f");
	}
	printf("\nSLA compliance and complaints (complaint deadlines met: respond 24 h, handled 48 h, "
	       "reported back 72 h; complaints per 1,000 transactions):\n");
	cli_table_print(t, stdout);

	const char *h3[] = {k,         "FCR",      "FCR RATE", "95% CI", "REOPENED", "REOPEN RATE", "95% CI",
	                    "BACKLOG", "<1D",      "1-3D",     "3-7D",   "7D+"};
	t = cli_table_new(12, h3);
	for (size_t i = 0; i < n; i++) {
		cell_key(t, r, i);
		cell_count(t, val(r, i, CSVC_METRIC_FCR));
		cell_pct(t, val(r, i, CSVC_METRIC_FCR_RATE));
		cell_ci(t, val(r, i, CSVC_METRIC_FCR_LOW), val(r, i, CSVC_METRIC_FCR_HIGH));
		cell_count(t, val(r, i, CSVC_METRIC_REOPENED));
		cell_pct(t, val(r, i, CSVC_METRIC_REOPEN_RATE));
		cell_ci(t, val(r, i, CSVC_METRIC_REOPEN_LOW), val(r, i, CSVC_METRIC_REOPEN_HIGH));
		cell_count(t, val(r, i, CSVC_METRIC_BACKLOG));
		cell_count(t, val(r, i, CSVC_METRIC_AGE_UNDER_1D));
		cell_count(t, val(r, i, CSVC_METRIC_AGE_1_3D));
		cell_count(t, val(r, i, CSVC_METRIC_AGE_3_7D));
		cell_count(t, val(r, i, CSVC_METRIC_AGE_OVER_7D));
	}
	printf("\nFirst-contact resolution, reopens and backlog at the end of the range:\n");
	cli_table_print(t, stdout);

	printf("\nSatisfaction (responses submitted in the range):\n");
	cli_scores_print(r, range, q, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

#define RANGE_HELP \
	"The range is --period KEY, in the time zone reports use for --store (its\n" \
	"calendar's, its own, the default: csvc calendar zone; UTC when none is\n" \
	"set; --zone NAME chooses another): a year\n" \
	"2026, a quarter 2026-Q4, a month 2026-11, an ISO week 2026-W48 or a day\n" \
	"2026-11-23. Or --from ISO --to ISO, an exact half-open range [from, to).\n"

#define FILTER_HELP \
	"  --store CODE       one store\n" \
	"  --staff NAME       one staff member (tickets: assignee)\n" \
	"  --channel NAME     one channel\n" \
	"  --kind KIND        one ticket kind\n" \
	"  --category TEXT    one ticket category\n" \
	"  --min-sample N     flag rows resting on fewer than N observations\n" \
	"                     (default 30); flagged rows are still shown\n"

static const char kpi_help[] =
	"usage: csvc report kpi (--period KEY | --from ISO --to ISO) [--store CODE]\n"
	"                       [--by GROUP] [FILTERS]\n"
	"\n"
	"Service KPIs of the tickets created in the range: tickets and tickets\n"
	"handled, first response and resolution time in business time (mean,\n"
	"median, p90), SLA compliance with its 95% Wilson interval, complaint\n"
	"deadlines met (respond 24 h, handled 48 h, reported back 72 h), the\n"
	"complaint rate per 1,000 transactions (see 'csvc report transactions'),\n"
	"first-contact resolution, reopens, the backlog and its age at the end of\n"
	"the range; and the satisfaction scores of the responses submitted in it.\n"
	"With --json, prints the library's report JSON (docs/reports.md).\n"
	"\n"
	RANGE_HELP
	"\n"
	"Options:\n"
	"  --by GROUP         one row per store, staff, channel, kind or category,\n"
	"                     or per day, week, month or quarter (a trend)\n"
	FILTER_HELP
	"  --zone NAME        the time zone of --period (e.g. Asia/Shanghai)\n";

static const cli_opt kpi_opts[] = {{"period", 1},   {"from", 1},  {"to", 1},       {"zone", 1},
                                   {"by", 1},       {"store", 1}, {"staff", 1},    {"channel", 1},
                                   {"kind", 1},     {"category", 1}, {"min-sample", 1}, {NULL, 0}};

/* Opens the store and resolves the range; both commands share it. */
static int open_and_resolve(cli_ctx *ctx, const cli_args *a, cli_range *range, csvc_report_query *q)
{
	int rc = cli_open_store(ctx, 0);
	if (rc == CLI_OK)
		rc = cli_report_resolve(ctx, a, range, q);
	return rc;
}

static int cmd_kpi(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	cli_range range;
	csvc_report_query q;
	int rc = cli_parse(ctx, argc, argv, kpi_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")) || (rc = cli_report_options(ctx, &a, &range, &q, 0)) ||
	    (rc = open_and_resolve(ctx, &a, &range, &q)))
		return rc;
	csvc_report *r = NULL;
	if ((rc = csvc_report_kpis(ctx->store, &q, &r)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "KPI report");
	if (ctx->json) {
		rc = cli_report_print_json(ctx, r);
	} else {
		printf("KPIs of %s, %s%s%s\n\n", q.store_code ? q.store_code : "every store", range.label,
		       range.by[0] ? ", by " : "", range.by);
		cli_kpis_print(r, &range, &q);
	}
	csvc_report_free(r);
	return rc;
}

static const char sla_help[] =
	"usage: csvc report sla (--period KEY | --from ISO --to ISO) [FILTERS]\n"
	"\n"
	"SLA compliance per target name (first_response, resolution, respond,\n"
	"handled, reported_back...) for the tickets created in the range: targets\n"
	"met on time, targets breached, and compliance = on time / (on time +\n"
	"breached) with its 95% Wilson interval. Targets still running on time are\n"
	"left out. With --json, prints the library's report JSON.\n"
	"\n"
	RANGE_HELP
	"\n"
	"Options:\n"
	FILTER_HELP
	"  --zone NAME        the time zone of --period (e.g. Asia/Shanghai)\n";

static const char states_help[] =
	"usage: csvc report states (--period KEY | --from ISO --to ISO) [FILTERS]\n"
	"\n"
	"Time spent in each workflow state by the tickets created in the range\n"
	"(wall-clock time; the current state counts up to the store clock):\n"
	"visits, total, mean, median and p90, the largest total first, so the\n"
	"bottleneck stage heads the list. With --json, prints the library's\n"
	"report JSON (rows by workflow/state).\n"
	"\n"
	RANGE_HELP
	"\n"
	"Options:\n"
	FILTER_HELP
	"  --zone NAME        the time zone of --period (e.g. Asia/Shanghai)\n";

static const cli_opt list_opts[] = {{"period", 1},  {"from", 1},     {"to", 1},       {"zone", 1},
                                    {"store", 1},   {"staff", 1},    {"channel", 1},  {"kind", 1},
                                    {"category", 1}, {"min-sample", 1}, {NULL, 0}};

static int by_total_desc(const void *x, const void *y)
{
	const double *a = x, *b = y;
	if (a[0] != b[0])
		return a[0] < b[0] ? 1 : -1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

static int cmd_sla_or_states(cli_ctx *ctx, int argc, char **argv, int states)
{
	cli_args a;
	cli_range range;
	csvc_report_query q;
	int rc = cli_parse(ctx, argc, argv, list_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")) || (rc = cli_report_options(ctx, &a, &range, &q, 0)) ||
	    (rc = open_and_resolve(ctx, &a, &range, &q)))
		return rc;
	csvc_report *r = NULL;
	rc = states ? csvc_report_state_times(ctx->store, &q, &r) : csvc_report_sla(ctx->store, &q, &r);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, states ? "state report" : "SLA report");
	if (ctx->json) {
		rc = cli_report_print_json(ctx, r);
		csvc_report_free(r);
		return rc;
	}
	size_t n = csvc_report_row_count(r);
	printf("%s of %s, %s\n\n", states ? "Time in each state" : "SLA compliance per target",
	       q.store_code ? q.store_code : "every store", range.label);
	if (!n) {
		puts(states ? "(no tickets)" : "(no SLA targets)");
		csvc_report_free(r);
		return CLI_OK;
	}
	if (states) {
		/* Largest total first: the bottleneck stage heads the list. */
		double *order = malloc(n * 2 * sizeof(double));
		if (!order) {
			csvc_report_free(r);
			return cli_error(ctx, "out of memory");
		}
		for (size_t i = 0; i < n; i++) {
			double tot = val(r, i, CSVC_METRIC_STATE_TIME_TOTAL);
			order[2 * i] = isnan(tot) ? -1 : tot;
			order[2 * i + 1] = (double)i;
		}
		qsort(order, n, 2 * sizeof(double), by_total_desc);
		static const char *const h[] = {"WORKFLOW/STATE", "VISITS", "TOTAL", "MEAN", "MEDIAN", "P90", "SAMPLE"};
		cli_table *t = cli_table_new(7, h);
		for (size_t k = 0; k < n; k++) {
			size_t i = (size_t)order[2 * k + 1];
			cell_key(t, r, i);
			cell_count(t, val(r, i, CSVC_METRIC_STATE_VISITS));
			cell_dur(t, val(r, i, CSVC_METRIC_STATE_TIME_TOTAL));
			cell_dur(t, val(r, i, CSVC_METRIC_STATE_TIME_MEAN));
			cell_dur(t, val(r, i, CSVC_METRIC_STATE_TIME_MEDIAN));
			cell_dur(t, val(r, i, CSVC_METRIC_STATE_TIME_P90));
			cli_table_cell(t, csvc_report_low_sample(r, i) ? "low" : "ok");
		}
		free(order);
		cli_table_print(t, stdout);
		low_note(r, &q, "visits");
	} else {
		static const char *const h[] = {"TARGET", "ON TIME", "BREACHED", "COMPLIANCE", "95% CI", "SAMPLE"};
		cli_table *t = cli_table_new(6, h);
		for (size_t i = 0; i < n; i++) {
			cell_key(t, r, i);
			cell_count(t, val(r, i, CSVC_METRIC_SLA_ON_TIME));
			cell_count(t, val(r, i, CSVC_METRIC_SLA_BREACHED));
			cell_pct(t, val(r, i, CSVC_METRIC_SLA_COMPLIANCE));
			cell_ci(t, val(r, i, CSVC_METRIC_SLA_COMPLIANCE_LOW), val(r, i, CSVC_METRIC_SLA_COMPLIANCE_HIGH));
			cli_table_cell(t, csvc_report_low_sample(r, i) ? "low" : "ok");
		}
		cli_table_print(t, stdout);
		low_note(r, &q, "decided targets");
	}
	csvc_report_free(r);
	return CLI_OK;
}

static int cmd_sla(cli_ctx *ctx, int argc, char **argv)
{
	return cmd_sla_or_states(ctx, argc, argv, 0);
}

static int cmd_states(cli_ctx *ctx, int argc, char **argv)
{
	return cmd_sla_or_states(ctx, argc, argv, 1);
}

static const char transactions_help[] =
	"usage: csvc report transactions STORE DATE COUNT\n"
	"\n"
	"Records that store STORE made COUNT sales transactions on the local date\n"
	"DATE (YYYY-MM-DD), replacing an earlier count for that day. The KPI\n"
	"report divides complaints by them: complaints per 1,000 transactions.\n";

static int cmd_transactions(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 3, 3, "STORE DATE COUNT")))
		return rc;
	int32_t date;
	if (cli_parse_date(a.pos[1], &date) != 0)
		return cli_usage(ctx, "malformed date \"%s\" (expected YYYY-MM-DD)", a.pos[1]);
	char *end;
	long long count = strtoll(a.pos[2], &end, 10);
	if (!*a.pos[2] || *end || count < 0)
		return cli_usage(ctx, "COUNT: expected a number of transactions, got \"%s\"", a.pos[2]);
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if ((rc = csvc_report_record_transactions(ctx->store, a.pos[0], date, count)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "recording transactions");
	char day[16];
	snprintf(day, sizeof(day), "%04d-%02d-%02d", (int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100));
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "store", a.pos[0]);
		cj_kstr(&j, "date", day);
		cj_kint(&j, "transactions", count);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("%s %s: %lld transactions recorded\n", a.pos[0], day, count);
	}
	return CLI_OK;
}

extern const char cli_dashboard_help[];
int cli_cmd_dashboard(cli_ctx *ctx, int argc, char **argv); /* cli-dashboard.c */

const cli_command cli_report_commands[] = {
	{"dashboard", "one HTML page for a store manager: KPIs, trends, stores, SLA, states", cli_dashboard_help,
	 cli_cmd_dashboard},
	{"kpi", "service KPIs and satisfaction by store, staff, channel, kind or period", kpi_help, cmd_kpi},
	{"sla", "SLA compliance per target", sla_help, cmd_sla},
	{"states", "time spent in each workflow state (find the bottleneck)", states_help, cmd_states},
	{"transactions", "record a store's sales transactions of a day", transactions_help, cmd_transactions},
	{NULL, NULL, NULL, NULL}};
