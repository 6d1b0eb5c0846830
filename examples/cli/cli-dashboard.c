/*
 * csvc report dashboard: the store manager's HTML page from
 * csvc_report_dashboard_html (csvc/report.h), written to a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

const char cli_dashboard_help[] =
	"usage: csvc report dashboard (--period KEY | --from ISO --to ISO) [--store CODE]\n"
	"                             [--out FILE] [--title TEXT] [--top N]\n"
	"\n"
	"Writes one self-contained HTML page for a store manager: KPI tiles against\n"
	"their targets (CSI 85, mean first response 30 min, complaint deadlines\n"
	"24/48/72 h), ticket, SLA compliance and CSAT trends by week and by month,\n"
	"the stores side by side, SLA compliance per target, time in each state\n"
	"with the bottleneck marked, CSAT and NPS with their 95% intervals, and\n"
	"the top categories. The page needs no network: inline CSS and SVG,\n"
	"system fonts. It embeds the reports' JSON (script#report-data), the same\n"
	"as 'csvc report kpi|sla|states --json' gives. With --json, prints where it\n"
	"wrote the page and its size.\n"
	"\n"
	"The range is --period KEY, in the time zone reports use for --store (its\n"
	"calendar's, its own, the default: csvc calendar zone; UTC when none is\n"
	"set; --zone NAME chooses another): a year\n"
	"2026, a quarter 2026-Q4, a month 2026-11, an ISO week 2026-W48 or a day\n"
	"2026-11-23. Or --from ISO --to ISO, an exact half-open range [from, to).\n"
	"\n"
	"Options:\n"
	"  --store CODE       one store (default: every store)\n"
	"  --out FILE         where to write the page (default: report.html;\n"
	"                     \"-\" for standard output)\n"
	"  --title TEXT       the page's title (default: 客户服务看板)\n"
	"  --top N            categories listed (default 8, at most 100)\n"
	"  --min-sample N     flag figures resting on fewer than N observations\n"
	"                     (default 30); flagged figures are still shown\n"
	"  --zone NAME        the time zone of --period (e.g. Asia/Shanghai)\n";

static const cli_opt dashboard_opts[] = {{"period", 1}, {"from", 1},  {"to", 1},  {"zone", 1},
                                         {"store", 1},  {"out", 1},   {"title", 1}, {"top", 1},
                                         {"min-sample", 1}, {NULL, 0}};

/* Writes `len` bytes to `path` through a temporary file renamed over it. */
static int write_file(cli_ctx *ctx, const char *path, const char *data, size_t len)
{
	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return cli_error(ctx, "writing the page to standard output failed");
		return CLI_OK;
	}
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return cli_error(ctx, "out of memory");
	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		remove(tmp);
		free(tmp);
		return cli_error(ctx, "cannot write %s", path);
	}
	free(tmp);
	return CLI_OK;
}

int cli_cmd_dashboard(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	cli_range range;
	csvc_report_query q;
	int rc = cli_parse(ctx, argc, argv, dashboard_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")) || (rc = cli_report_options(ctx, &a, &range, &q, 0)))
		return rc;
	csvc_report_dashboard_options o = CSVC_REPORT_DASHBOARD_OPTIONS_INIT;
	const char *top = cli_arg(&a, "top");
	if (top) {
		char *end;
		long v = strtol(top, &end, 10);
		if (!*top || *end || v < 1 || v > CSVC_REPORT_DASHBOARD_MAX_CATEGORIES)
			return cli_usage(ctx, "--top: expected a number from 1 to %d, got \"%s\"",
			                 CSVC_REPORT_DASHBOARD_MAX_CATEGORIES, top);
		o.top_categories = (int32_t)v;
	}
	const char *out = cli_arg(&a, "out") ? cli_arg(&a, "out") : "report.html";
	if (!*out)
		return cli_usage(ctx, "--out: empty file name");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK || (rc = cli_report_resolve(ctx, &a, &range, &q)) != CLI_OK)
		return rc;
	o.from = q.from;
	o.to = q.to;
	o.store_code = q.store_code;
	o.min_sample = q.min_sample;
	o.title = cli_arg(&a, "title");
	o.period_label = range.label;
	char *html = NULL;
	if ((rc = csvc_report_dashboard_html(ctx->store, &o, &html)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "dashboard");
	size_t len = strlen(html);
	rc = write_file(ctx, out, html, len);
	csvc_free(html);
	if (rc != CLI_OK || !strcmp(out, "-"))
		return rc;
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "dashboard", out);
		cj_kint(&j, "bytes", (int64_t)len);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("dashboard of %s, %s: %s (%zu bytes)\n", q.store_code ? q.store_code : "every store", range.label,
		       out, len);
	}
	return CLI_OK;
}
