/*
 * csvc staff report, appraise and appraisals: a staff member's figures for
 * a periodic appraisal (csvc_report_staff) and the multi-source appraisal
 * records of staff.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* ------------------------------------------------------------------ */
/* staff report                                                        */
/* ------------------------------------------------------------------ */

const char cli_staff_report_help[] =
	"usage: csvc staff report CODE (--period KEY | --from ISO --to ISO)\n"
	"                         [--by day|week|month|quarter] [--store CODE]\n"
	"\n"
	"A staff member's figures for a periodic appraisal: their tickets (as\n"
	"assignee) created in the range and how many of those are resolved, the\n"
	"tickets they resolved in the range whenever created, first response and\n"
	"resolution time in business time, SLA targets met and breached, their\n"
	"complaints (resolved, deadlines of 24, 48 and 72 h met) and the CSAT of\n"
	"the survey responses that name them. With --by, one row per period.\n"
	"With --json, prints the library's report JSON (docs/reports.md).\n"
	"\n"
	"The range is --period KEY (2026, 2026-Q4, 2026-11, 2026-W48, 2026-11-23)\n"
	"in the time zone reports use for --store, else for the staff member's\n"
	"home store (UTC when none is set; --zone NAME chooses another), or\n"
	"--from ISO --to ISO, a half-open range.\n"
	"\n"
	"Options:\n"
	"  --by PERIOD        one row per day, week, month or quarter\n"
	"  --store CODE       only the tickets and responses of this store\n"
	"  --zone NAME        the time zone of --period (e.g. Asia/Shanghai)\n"
	"  --min-sample N     flag periods resting on fewer than N tickets (30)\n";

static double val(const csvc_report *r, size_t i, csvc_report_metric_t m)
{
	return csvc_report_value(r, i, m);
}

static const char *count(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.0f", v);
	return buf;
}

static const char *pct(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100 * v);
	return buf;
}

static void print_times(const char *label, const csvc_report *r, size_t i, csvc_report_metric_t first)
{
	char n[32], mean[32], median[32], p90[32], line[256];
	count(val(r, i, first), n, sizeof(n));
	cli_human_duration(val(r, i, first + 1), mean, sizeof(mean));
	cli_human_duration(val(r, i, first + 2), median, sizeof(median));
	cli_human_duration(val(r, i, first + 3), p90, sizeof(p90));
	snprintf(line, sizeof(line), "%s (mean), %s (median), %s (p90); %s measured", mean, median, p90, n);
	cli_kv(label, line, 22);
}

/* One row as labelled lines. */
static void print_row(const csvc_report *r, size_t i)
{
	char a[32], b[32], c[32], d[32], line[256];
	cli_kv("tickets assigned", count(val(r, i, CSVC_METRIC_TICKETS), a, sizeof(a)), 22);
	cli_kv("  of those resolved", count(val(r, i, CSVC_METRIC_RESOLVED), a, sizeof(a)), 22);
	cli_kv("resolved in range", count(val(r, i, CSVC_METRIC_RESOLVED_IN_RANGE), a, sizeof(a)), 22);
	print_times("first response", r, i, CSVC_METRIC_RESPONSE_N);
	print_times("resolution", r, i, CSVC_METRIC_RESOLUTION_N);
	snprintf(line, sizeof(line), "%s on time, %s breached: %s", count(val(r, i, CSVC_METRIC_SLA_ON_TIME), a, sizeof(a)),
	         count(val(r, i, CSVC_METRIC_SLA_BREACHED), b, sizeof(b)),
	         pct(val(r, i, CSVC_METRIC_SLA_COMPLIANCE), c, sizeof(c)));
	cli_kv("SLA targets", line, 22);
	snprintf(line, sizeof(line), "%s, %s resolved", count(val(r, i, CSVC_METRIC_COMPLAINTS), a, sizeof(a)),
	         count(val(r, i, CSVC_METRIC_COMPLAINTS_RESOLVED), b, sizeof(b)));
	cli_kv("complaints", line, 22);
	snprintf(line, sizeof(line), "24 h %s, 48 h %s, 72 h %s", pct(val(r, i, CSVC_METRIC_COMPLAINT_24H), a, sizeof(a)),
	         pct(val(r, i, CSVC_METRIC_COMPLAINT_48H), b, sizeof(b)),
	         pct(val(r, i, CSVC_METRIC_COMPLAINT_72H), c, sizeof(c)));
	cli_kv("  deadlines met", line, 22);
	double mean = val(r, i, CSVC_METRIC_CSAT_MEAN);
	if (isnan(mean))
		snprintf(d, sizeof(d), "-");
	else
		snprintf(d, sizeof(d), "%.2f", mean);
	snprintf(line, sizeof(line), "mean %s, top two boxes %s; answers %s, responses %s", d,
	         pct(val(r, i, CSVC_METRIC_CSAT), b, sizeof(b)), count(val(r, i, CSVC_METRIC_CSAT_N), a, sizeof(a)),
	         count(val(r, i, CSVC_METRIC_RESPONSES), c, sizeof(c)));
	cli_kv("CSAT", line, 22);
	cli_kv("open at the end", count(val(r, i, CSVC_METRIC_BACKLOG), a, sizeof(a)), 22);
}

int cli_cmd_staff_report(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"period", 1}, {"from", 1},  {"to", 1},         {"zone", 1},
	                               {"by", 1},     {"store", 1}, {"min-sample", 1}, {NULL, 0}};
	cli_args a;
	cli_range range;
	csvc_report_query q;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "staff CODE")) || (rc = cli_report_options(ctx, &a, &range, &q, 0)))
		return rc;
	if (q.group_by && q.group_by != CSVC_REPORT_BY_PERIOD)
		return cli_usage(ctx, "--by: a staff member's report is by day, week, month or quarter");
	q.staff = a.pos[0];
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	/* Without --store, a --period is cut in the zone of the staff
	 * member's home store (the report itself still covers every store). */
	const char *filter = q.store_code;
	csvc_staff *st = NULL;
	if (!filter && csvc_staff_get(ctx->store, a.pos[0], &st) == CSVC_OK)
		q.store_code = csvc_staff_home_store(st);
	rc = cli_report_resolve(ctx, &a, &range, &q);
	q.store_code = filter;
	csvc_staff_free(st);
	if (rc != CLI_OK)
		return rc;
	csvc_report *r = NULL;
	if ((rc = csvc_report_staff(ctx->store, &q, &r)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		rc = cli_report_print_json(ctx, r);
		csvc_report_free(r);
		return rc;
	}
	printf("Staff report of %s, %s%s%s%s%s%s\n", cli_show(a.pos[0]), q.store_code ? "store " : "",
	       q.store_code ? cli_show(q.store_code) : "", q.store_code ? ", " : "", range.label,
	       range.by[0] ? ", by " : "", range.by);
	size_t n = csvc_report_row_count(r);
	for (size_t i = 0; i < n; i++) {
		if (q.group_by)
			printf("\n%s%s\n", csvc_report_key(r, i), csvc_report_low_sample(r, i) ? " (low sample)" : "");
		else
			putchar('\n');
		print_row(r, i);
	}
	csvc_report_free(r);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* staff appraise                                                      */
/* ------------------------------------------------------------------ */

const char cli_staff_appraise_help[] =
	"usage: csvc staff appraise CODE --period PERIOD --source SOURCE [--rater CODE]\n"
	"                           [SCORES] [--comment TEXT]\n"
	"\n"
	"Records an appraisal of staff member CODE for a quarter (2026-Q4) or a\n"
	"year (2026), from one of the handbook's four sources: supervisor (上级),\n"
	"customer (客户), peer (同事) or self (自评). Appraisals are never changed\n"
	"or deleted: a correction is a new record. At least one score is given,\n"
	"each 1 to 5.\n"
	"\n"
	"The rater: a supervisor or peer other than CODE (with --as, the signed-in\n"
	"staff member unless --rater names another; a peer may only rate as\n"
	"themselves); for self, CODE; none for customers. Recording a supervisor's\n"
	"appraisal needs staff_appraise, a customer's survey_record.\n"
	"\n"
	"Options:\n"
	"  --period PERIOD                 2026 or 2026-Q4\n"
	"  --source SOURCE                 supervisor, customer, peer or self\n"
	"  --rater CODE                    who rated (supervisor, peer)\n"
	"  --customer-satisfaction N       客户满意度, 1 to 5\n"
	"  --efficiency N                  工作效率, 1 to 5\n"
	"  --teamwork N                    团队协作, 1 to 5\n"
	"  --skill-growth N                个人技能提升, 1 to 5\n"
	"  --comment TEXT                  a comment\n";

static const char *const SCORE_OPTS[] = {NULL, "customer-satisfaction", "efficiency", "teamwork", "skill-growth"};

static int parse_score(cli_ctx *ctx, const cli_args *a, int criterion, int32_t *out)
{
	const char *v = cli_arg(a, SCORE_OPTS[criterion]);
	*out = 0;
	if (!v)
		return CLI_OK;
	if (strlen(v) != 1 || v[0] < '0' || v[0] > '9')
		return cli_usage(ctx, "--%s: expected a score from 1 to 5, got \"%s\"", SCORE_OPTS[criterion], v);
	*out = v[0] - '0';
	return CLI_OK;
}

int cli_cmd_staff_appraise(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"period", 1},      {"source", 1},   {"rater", 1},        {"customer-satisfaction", 1},
	                               {"efficiency", 1}, {"teamwork", 1}, {"skill-growth", 1}, {"comment", 1},
	                               {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "staff CODE")))
		return rc;
	csvc_appraisal_form f;
	csvc_appraisal_form_init(&f, CSVC_APPRAISAL_FORM_VERSION);
	f.staff = a.pos[0];
	f.period = cli_arg(&a, "period");
	f.rater = cli_arg(&a, "rater");
	f.comment = cli_arg(&a, "comment");
	if (!f.period)
		return cli_usage(ctx, "missing --period (2026 or 2026-Q4)");
	const char *source = cli_arg(&a, "source");
	char choices[128];
	if (!source)
		return cli_usage(ctx, "missing --source (%s)", cli_enum_choices(cli_appraisal_source_enum, choices,
		                                                                 sizeof(choices)));
	if (cli_enum_parse(cli_appraisal_source_enum, source, &f.source) != 0)
		return cli_usage(ctx, "--source: unknown source \"%s\" (expected %s)", source,
		                 cli_enum_choices(cli_appraisal_source_enum, choices, sizeof(choices)));
	if ((rc = parse_score(ctx, &a, CSVC_CRITERION_CUSTOMER_SATISFACTION, &f.customer_satisfaction)) ||
	    (rc = parse_score(ctx, &a, CSVC_CRITERION_EFFICIENCY, &f.efficiency)) ||
	    (rc = parse_score(ctx, &a, CSVC_CRITERION_TEAMWORK, &f.teamwork)) ||
	    (rc = parse_score(ctx, &a, CSVC_CRITERION_SKILL_GROWTH, &f.skill_growth)))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_uuid id;
	if ((rc = csvc_appraisal_record(ctx->store, &f, ctx->actor, &id)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	char text[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(&id, text);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kuuid(&j, "id", &id);
		cj_kstr(&j, "staff", f.staff);
		cj_kstr(&j, "period", f.period);
		cj_kstr(&j, "source", csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, f.source));
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		char label[64];
		printf("appraisal %s recorded: %s, %s, %s\n", text, cli_show(f.staff), cli_show(f.period),
		       cli_enum_label(cli_appraisal_source_enum, f.source, label, sizeof(label)));
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* staff appraisals                                                    */
/* ------------------------------------------------------------------ */

const char cli_staff_appraisals_help[] =
	"usage: csvc staff appraisals CODE [--period PERIOD]\n"
	"\n"
	"Lists the appraisals of staff member CODE (of one period, or all), in the\n"
	"order they were recorded, then the mean score per source and criterion\n"
	"(\"all\": every source, each score weighing the same). Reading another's\n"
	"appraisals needs reports_read; one's own do not.\n"
	"\n"
	"Options:\n"
	"  --period PERIOD    2026 or 2026-Q4\n";

static const char *const CRITERIA[] = {NULL, "customer_satisfaction", "efficiency", "teamwork", "skill_growth"};

static void score_cell(cli_table *t, int32_t v)
{
	if (v)
		cli_table_cellf(t, "%d", (int)v);
	else
		cli_table_cell(t, NULL);
}

static void mean_cell(cli_table *t, double v)
{
	if (isnan(v))
		cli_table_cell(t, NULL);
	else
		cli_table_cellf(t, "%.2f", v);
}

static void mean_json(cli_json *j, const char *key, double v)
{
	cj_key(j, key);
	if (isnan(v)) {
		cj_null(j);
	} else {
		char buf[32];
		snprintf(buf, sizeof(buf), "%.4g", v);
		cj_raw(j, buf);
	}
}

int cli_cmd_staff_appraisals(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"period", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "staff CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	const char *period = cli_arg(&a, "period");
	csvc_appraisal **list = NULL;
	size_t n = 0;
	if ((rc = csvc_appraisal_list(ctx->store, a.pos[0], period, &list, &n)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	csvc_appraisal_summary *sum = NULL;
	if ((rc = csvc_appraisal_summarize(ctx->store, a.pos[0], period, &sum)) != CSVC_OK) {
		csvc_appraisal_list_free(list, n);
		return cli_lib_error(ctx, rc, NULL);
	}
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "staff", a.pos[0]);
		cj_kstr(&j, "period", period);
		cj_key(&j, "appraisals");
		cj_arr(&j);
		for (size_t i = 0; i < n; i++) {
			const csvc_appraisal *x = list[i];
			cj_obj(&j);
			cj_kuuid(&j, "id", csvc_appraisal_id(x));
			cj_kstr(&j, "period", csvc_appraisal_period(x));
			cj_kstr(&j, "source", csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, csvc_appraisal_source(x)));
			cj_kstr(&j, "rater", csvc_appraisal_rater(x));
			cj_key(&j, "scores");
			cj_obj(&j);
			for (int c = 1; c <= 4; c++) {
				int32_t v = csvc_appraisal_score(x, (csvc_appraisal_criterion_t)c);
				cj_key(&j, CRITERIA[c]);
				if (v)
					cj_int(&j, v);
				else
					cj_null(&j);
			}
			cj_end_obj(&j);
			cj_kstr(&j, "comment", csvc_appraisal_comment(x));
			cj_kstr(&j, "actor", csvc_appraisal_actor(x));
			cj_ktime(&j, "recorded_at", csvc_appraisal_recorded_at(x));
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_key(&j, "summary");
		cj_obj(&j);
		for (int s = 0; s <= 4; s++) {
			cj_key(&j, s ? csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, s) : "all");
			cj_obj(&j);
			cj_kint(&j, "records", csvc_appraisal_summary_records(sum, (csvc_appraisal_source_t)s));
			for (int c = 0; c <= 4; c++)
				mean_json(&j, c ? CRITERIA[c] : "overall",
				          csvc_appraisal_summary_mean(sum, (csvc_appraisal_source_t)s, (csvc_appraisal_criterion_t)c));
			cj_end_obj(&j);
		}
		cj_end_obj(&j);
		cj_end_obj(&j);
		cj_done(&j);
	} else if (!n) {
		printf("no appraisals of %s%s%s\n", cli_show(a.pos[0]), period ? " in " : "", period ? cli_show(period) : "");
	} else {
		static const char *const h[] = {"RECORDED", "PERIOD", "SOURCE", "RATER", "客户满意度", "工作效率",
		                                "团队协作", "技能提升", "COMMENT"};
		cli_table *t = cli_table_new(9, h);
		cli_table_max_width(t, 8, 40);
		for (size_t i = 0; i < n; i++) {
			const csvc_appraisal *x = list[i];
			char when[CLI_TIME_LEN];
			cli_format_time(csvc_appraisal_recorded_at(x), when);
			cli_table_cell(t, when);
			cli_table_cell(t, csvc_appraisal_period(x));
			cli_table_cell(t, cli_enum_name(cli_appraisal_source_enum, csvc_appraisal_source(x)));
			cli_table_cell(t, csvc_appraisal_rater(x));
			for (int c = 1; c <= 4; c++)
				score_cell(t, csvc_appraisal_score(x, (csvc_appraisal_criterion_t)c));
			const char *comment = csvc_appraisal_comment(x);
			cli_table_cell(t, comment ? cli_show(comment) : NULL);
		}
		cli_table_print(t, stdout);
		putchar('\n');
		static const char *const hs[] = {"MEAN OF", "RECORDS", "客户满意度", "工作效率", "团队协作", "技能提升", "ALL"};
		t = cli_table_new(7, hs);
		for (int s = 1; s <= 5; s++) {
			int src = s % 5; /* the sources, then every source */
			if (src && !csvc_appraisal_summary_records(sum, (csvc_appraisal_source_t)src))
				continue;
			cli_table_cell(t, src ? cli_enum_name(cli_appraisal_source_enum, src) : "all");
			cli_table_cellf(t, "%lld",
			                (long long)csvc_appraisal_summary_records(sum, (csvc_appraisal_source_t)src));
			for (int c = 1; c <= 4; c++)
				mean_cell(t, csvc_appraisal_summary_mean(sum, (csvc_appraisal_source_t)src,
				                                         (csvc_appraisal_criterion_t)c));
			mean_cell(t, csvc_appraisal_summary_mean(sum, (csvc_appraisal_source_t)src, 0));
		}
		cli_table_print(t, stdout);
	}
	csvc_appraisal_summary_free(sum);
	csvc_appraisal_list_free(list, n);
	return CLI_OK;
}
