/*
 * The store manager's dashboard: one self-contained HTML5 page built from
 * the public report API (csvc_report_kpis, _sla, _state_times), with the
 * reports' JSON embedded so that every number shown can be checked
 * against it. See csvc_report_dashboard_html in csvc/report.h.
 *
 * Numbers are formatted here with integer arithmetic (no printf of
 * doubles), so the page does not depend on the process's locale, as the
 * reports' JSON does not.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvc/calendar.h"
#include "csvc/tz.h"
#include "csvc/version.h"
#include "report/report-internal.h"

#define MINUTE_US ((int64_t)60 * CSVC_SECOND_US)
#define HOUR_US (60 * MINUTE_US)
#define DEFAULT_RESPONSE_TARGET_US (30 * MINUTE_US)
#define DEFAULT_TOP_CATEGORIES 8
#define DEFAULT_CSI_TARGET 85.0
#define Z95 1.959964

/* The reports a dashboard is made of, in the order of the JSON. */
enum { R_KPIS, R_WEEKS, R_MONTHS, R_STORES, R_CATEGORIES, R_SLA, R_STATES, N_REPORTS };
static const char *const REPORT_NAMES[N_REPORTS] = {"kpis",       "weeks", "months", "stores",
                                                     "categories", "sla",   "states"};

/* How a number is shown. */
enum { U_COUNT, U_PCT, U_DUR, U_SCORE, U_MEAN };

typedef struct dash {
	csvc__buf b;
	csvc_report *r[N_REPORTS];
	const csvc_report_dashboard_options *o;
	double csi_target;
	int64_t response_target_us;
	int32_t top;
	csvc_tz *tz;
	csvc_time_us now;
} dash;

CSVC__STRUCT_LAYOUT(dashboard_layout, csvc_report_dashboard_options, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION,
                    CSVC_REPORT_DASHBOARD_OPTIONS_INIT, sizeof(csvc_report_dashboard_options));

int csvc_report_dashboard_options_init(csvc_report_dashboard_options *o, unsigned int version)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(o, "o");
	return csvc__struct_init(&dashboard_layout, o, version);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/* Appends `s` escaped for HTML text and attribute values. */
static void esc(csvc__buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		csvc__buf_put(b, run, (size_t)(s - run));
		csvc__buf_puts(b, rep);
		run = s + 1;
	}
	csvc__buf_put(b, run, (size_t)(s - run));
}

/* Appends JSON text for a <script> element: '<', '>' and '&' (which occur
 * only inside strings) as \u escapes, so "</script>" cannot close it. */
static void put_script_json(csvc__buf *b, const char *json)
{
	const char *run = json;
	for (; *json; json++) {
		const char *rep = *json == '<' ? "\\u003c" : *json == '>' ? "\\u003e" : *json == '&' ? "\\u0026" : NULL;
		if (!rep)
			continue;
		csvc__buf_put(b, run, (size_t)(json - run));
		csvc__buf_puts(b, rep);
		run = json + 1;
	}
	csvc__buf_put(b, run, (size_t)(json - run));
}

/*
 * `v` rounded to `decimals` (0..3) places, without the locale: "-12.5".
 * Half rounds away from zero. |v| is at most 1e15 in a report (counts,
 * shares, points, microseconds below 32 years).
 */
static void put_fixed(csvc__buf *b, double v, int decimals)
{
	static const int64_t scale[] = {1, 10, 100, 1000};
	if (!isfinite(v) || fabs(v) > 1e15) {
		char text[CSVC__DOUBLE_TEXT_MAX];
		csvc__format_double(text, v);
		csvc__buf_puts(b, text);
		return;
	}
	long long n = llround(v * (double)scale[decimals]);
	if (n < 0) {
		csvc__buf_put(b, "-", 1);
		n = -n;
	}
	csvc__buf_printf(b, "%lld", n / scale[decimals]);
	if (decimals)
		csvc__buf_printf(b, ".%0*lld", decimals, n % scale[decimals]);
}

/* A duration as the CLI shows it: "45s", "12m30s", "1h05m", "2d03h". */
static void put_duration(csvc__buf *b, double us)
{
	long long s = llround(us / CSVC_SECOND_US);
	if (s < 0) {
		csvc__buf_put(b, "-", 1);
		s = -s;
	}
	if (s < 60)
		csvc__buf_printf(b, "%llds", s);
	else if (s < 3600)
		csvc__buf_printf(b, s % 60 ? "%lldm%02llds" : "%lldm", s / 60, s % 60);
	else if (s < 86400)
		csvc__buf_printf(b, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		csvc__buf_printf(b, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static void put_value(csvc__buf *b, double v, int unit)
{
	if (isnan(v)) {
		csvc__buf_puts(b, "–");
		return;
	}
	switch (unit) {
	case U_COUNT: put_fixed(b, v, 0); break;
	case U_PCT: put_fixed(b, 100 * v, 1); csvc__buf_put(b, "%", 1); break;
	case U_DUR: put_duration(b, v); break;
	case U_SCORE: put_fixed(b, v, 1); break;
	default: put_fixed(b, v, 2); break;
	}
}

static const char *const UNIT_NAMES[] = {"count", "pct", "dur", "score", "mean"};

/* The data attributes of a number taken from report `rep`, row `i`. */
static void put_attrs(dash *d, int rep, size_t i, int32_t metric, double v, int unit, const char *derive)
{
	char text[CSVC__DOUBLE_TEXT_MAX];
	csvc__buf_printf(&d->b, " data-report=\"%s\" data-key=\"", REPORT_NAMES[rep]);
	esc(&d->b, csvc_report_key(d->r[rep], i));
	csvc__buf_printf(&d->b, "\" data-metric=\"%s\" data-unit=\"%s\"", csvc_enum_name(CSVC_ENUM_REPORT_METRIC, metric),
	                 UNIT_NAMES[unit]);
	if (derive)
		csvc__buf_printf(&d->b, " data-derive=\"%s\"", derive);
	if (isnan(v)) {
		csvc__buf_puts(&d->b, " data-value=\"null\"");
	} else {
		csvc__format_double(text, v);
		csvc__buf_printf(&d->b, " data-value=\"%s\"", text);
	}
}

/* <span class="num ..." data-...>shown</span> for a figure of a row. */
static void num(dash *d, int rep, size_t i, int32_t metric, int unit, const char *cls)
{
	double v = csvc_report_value(d->r[rep], i, metric);
	csvc__buf_printf(&d->b, "<span class=\"num%s%s\"", cls ? " " : "", cls ? cls : "");
	put_attrs(d, rep, i, metric, v, unit, NULL);
	csvc__buf_put(&d->b, ">", 1);
	put_value(&d->b, v, unit);
	csvc__buf_puts(&d->b, "</span>");
}

/* The NPS interval bound, nps ∓ 1.959964 se, kept within -100..100. */
static double nps_bound(const csvc_report *r, size_t i, int high)
{
	double nps = csvc_report_value(r, i, CSVC_METRIC_NPS), se = csvc_report_value(r, i, CSVC_METRIC_NPS_SE);
	double v = high ? nps + Z95 * se : nps - Z95 * se;
	return v < -100 ? -100 : v > 100 ? 100 : v;
}

static void nps_num(dash *d, int rep, size_t i, int high)
{
	double v = nps_bound(d->r[rep], i, high);
	csvc__buf_puts(&d->b, "<span class=\"num\"");
	put_attrs(d, rep, i, CSVC_METRIC_NPS, v, U_SCORE, high ? "ci_high" : "ci_low");
	csvc__buf_put(&d->b, ">", 1);
	put_value(&d->b, v, U_SCORE);
	csvc__buf_puts(&d->b, "</span>");
}

/* A row's key as shown: "(无)" for an unset field. */
static void put_key(dash *d, int rep, size_t i)
{
	const char *k = csvc_report_key(d->r[rep], i);
	if (k && *k)
		esc(&d->b, k);
	else
		csvc__buf_puts(&d->b, "(无 none)");
}

static void low_badge(dash *d, int rep, size_t i)
{
	if (csvc_report_low_sample(d->r[rep], i))
		csvc__buf_puts(&d->b, " <span class=\"low\" title=\"样本少于最小样本量 fewer observations than the "
		                      "minimum sample\">样本少 low sample</span>");
}

/* Local date and time of instant t in the dashboard's zone. */
static void put_local(dash *d, csvc_time_us t, int with_time)
{
	int64_t local = t;
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (d->tz && csvc_tz_utc_to_local(d->tz, t, &local) != CSVC_OK)
		local = t;
	if (csvc_civil_from_local(local, &c) != CSVC_OK) {
		csvc__buf_puts(&d->b, "?");
		return;
	}
	csvc__buf_printf(&d->b, "%04d-%02d-%02d", (int)c.year, (int)c.month, (int)c.day);
	if (with_time)
		csvc__buf_printf(&d->b, " %02d:%02d", (int)c.hour, (int)c.minute);
}

/* ------------------------------------------------------------------ */
/* Page                                                                */
/* ------------------------------------------------------------------ */

static const char CSS[] =
	":root{--ink:#1f2933;--muted:#5f6b7a;--line:#d9dee5;--card:#fff;--bg:#f3f5f8;--ok:#1b7f4b;--okbg:#e3f4ea;"
	"--bad:#b42318;--badbg:#fdeceb;--warn:#9a6700;--bar:#3b6fd8;--bar2:#e08a1e;--na:#8a94a3}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:var(--bg);color:var(--ink);font-family:system-ui,-apple-system,\"PingFang SC\","
	"\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\","
	"\"WenQuanYi Zen Hei\",\"Droid Sans Fallback\",sans-serif;font-size:15px;line-height:1.45;"
	"-webkit-text-size-adjust:100%}\n"
	"main{max-width:1200px;margin:0 auto;padding:16px}\n"
	"header{margin:4px 0 16px}\n"
	"h1{font-size:1.5rem;margin:0 0 4px}\n"
	"h2{font-size:1.1rem;margin:0 0 10px}\n"
	"h3{font-size:.95rem;margin:0 0 6px;color:var(--muted);font-weight:600}\n"
	".sub{color:var(--muted);margin:0}\n"
	"small,.en{color:var(--muted);font-weight:400}\n"
	"section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px;margin:0 0 16px;"
	"min-width:0}\n"
	".tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(168px,1fr));gap:10px}\n"
	".tile{border:1px solid var(--line);border-left:5px solid var(--na);border-radius:8px;padding:10px;"
	"min-width:0;overflow-wrap:anywhere}\n"
	".tile.ok{border-left-color:var(--ok);background:var(--okbg)}\n"
	".tile.bad{border-left-color:var(--bad);background:var(--badbg)}\n"
	".tile .label{font-size:.85rem;color:var(--muted)}\n"
	".tile .big{font-size:1.6rem;font-weight:700;display:block;margin:2px 0}\n"
	".tile .status{font-size:.8rem;font-weight:600}\n"
	".tile.ok .status{color:var(--ok)}.tile.bad .status{color:var(--bad)}\n"
	".tile .detail{font-size:.8rem;color:var(--muted)}\n"
	".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:16px}\n"
	".chart{min-width:0}\n"
	".chart svg.plot{width:100%;height:auto;display:block}\n"
	"svg text{font-family:inherit;fill:var(--muted)}\n"
	"svg .axis{stroke:var(--line)}\n"
	"svg .vb{fill:var(--bar)}svg .vb2{fill:var(--bar2)}\n"
	".legend{font-size:.8rem;color:var(--muted);margin:4px 0 0}\n"
	".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 8px;vertical-align:-1px}\n"
	".hbars{display:grid;gap:6px}\n"
	".hbar{display:grid;grid-template-columns:minmax(5em,30%) minmax(60px,1fr) minmax(7.5em,auto);gap:8px;"
	"align-items:center;font-size:.9rem}\n"
	".hbar .hl{overflow-wrap:anywhere;min-width:0}\n"
	".hbar svg{width:100%;height:16px;display:block}\n"
	".hbar .hv{text-align:right;white-space:nowrap}\n"
	".hbar.top .hl{font-weight:700;color:var(--bad)}\n"
	".tbl{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}\n"
	"table{border-collapse:collapse;width:100%;font-size:.88rem}\n"
	"th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}\n"
	"th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:var(--card)}\n"
	"th{font-weight:600;color:var(--muted);vertical-align:bottom}\n"
	".low{display:inline-block;font-size:.72rem;color:var(--warn);border:1px solid var(--warn);border-radius:4px;"
	"padding:0 4px;white-space:nowrap}\n"
	".badge{display:inline-block;font-size:.72rem;color:#fff;background:var(--bad);border-radius:4px;"
	"padding:0 5px;margin-left:4px}\n"
	".note{font-size:.8rem;color:var(--muted);margin:8px 0 0}\n"
	"footer{font-size:.8rem;color:var(--muted);padding:0 4px 24px}\n"
	"@media (max-width:480px){main{padding:10px}section{padding:10px}.tile .big{font-size:1.35rem}"
	".hbar{grid-template-columns:minmax(40px,1fr) auto;gap:2px 8px;font-size:.85rem}.hbar .hl{grid-column:1/-1}}\n";

/* A KPI tile: status 1 meets its target, 0 misses it, -1 no target or no data. */
static void tile_open(dash *d, const char *id, const char *label, const char *en, int status)
{
	csvc__buf_printf(&d->b, "<div class=\"tile%s\" data-tile=\"%s\"><div class=\"label\">%s <span class=\"en\">%s</span>"
	                        "</div>",
	                 status == 1 ? " ok" : status == 0 ? " bad" : "", id, label, en);
}

static void tile_status(dash *d, int status, const char *target_text)
{
	csvc__buf_printf(&d->b, "<div class=\"status\">%s</div><div class=\"detail\">%s</div>",
	                 status == 1 ? "✓ 达标 meets target" : status == 0 ? "✗ 未达标 misses target" : "无数据 no data",
	                 target_text);
}

static void tiles(dash *d)
{
	const csvc_report *k = d->r[R_KPIS];
	csvc__buf *b = &d->b;
	csvc__buf_puts(b, "<section id=\"kpis\"><h2>关键指标 <span class=\"en\">Key figures against their targets</span>");
	low_badge(d, R_KPIS, 0);
	csvc__buf_puts(b, "</h2><div class=\"tiles\">");

	double csi = csvc_report_value(k, 0, CSVC_METRIC_CSI);
	int st = isnan(csi) ? -1 : csvc_report_value(k, 0, CSVC_METRIC_CSI_MEETS_TARGET) == 1;
	tile_open(d, "csi", "顾客满意指数", "CSI", st);
	num(d, R_KPIS, 0, CSVC_METRIC_CSI, U_SCORE, "big");
	csvc__buf_puts(b, "<div class=\"status\">");
	csvc__buf_puts(b, st == 1 ? "✓ 达标 meets target" : st == 0 ? "✗ 未达标 misses target" : "无数据 no data");
	csvc__buf_puts(b, "</div><div class=\"detail\">目标 target ≥ ");
	num(d, R_KPIS, 0, CSVC_METRIC_CSI_TARGET, U_SCORE, NULL);
	csvc__buf_puts(b, " · n = ");
	num(d, R_KPIS, 0, CSVC_METRIC_CSI_N, U_COUNT, NULL);
	csvc__buf_puts(b, "</div></div>");

	double resp = csvc_report_value(k, 0, CSVC_METRIC_RESPONSE_MEAN);
	st = isnan(resp) ? -1 : resp <= (double)d->response_target_us;
	tile_open(d, "response", "首次响应（平均）", "First response, mean", st);
	num(d, R_KPIS, 0, CSVC_METRIC_RESPONSE_MEAN, U_DUR, "big");
	csvc__buf_puts(b, "<div class=\"status\">");
	csvc__buf_puts(b, st == 1 ? "✓ 达标 meets target" : st == 0 ? "✗ 未达标 misses target" : "无数据 no data");
	csvc__buf_puts(b, "</div><div class=\"detail\">目标 target ≤ <span class=\"num\" data-report=\"targets\" "
	                  "data-key=\"\" data-metric=\"response_mean_us\" data-unit=\"dur\" data-value=\"");
	csvc__buf_printf(b, "%lld\">", (long long)d->response_target_us);
	put_duration(b, (double)d->response_target_us);
	csvc__buf_puts(b, "</span> · 中位 median ");
	num(d, R_KPIS, 0, CSVC_METRIC_RESPONSE_MEDIAN, U_DUR, NULL);
	csvc__buf_puts(b, " · P90 ");
	num(d, R_KPIS, 0, CSVC_METRIC_RESPONSE_P90, U_DUR, NULL);
	csvc__buf_puts(b, " · n = ");
	num(d, R_KPIS, 0, CSVC_METRIC_RESPONSE_N, U_COUNT, NULL);
	csvc__buf_puts(b, "</div></div>");

	static const struct {
		int32_t metric;
		const char *id, *label, *en, *target;
	} complaint[] = {
		{CSVC_METRIC_COMPLAINT_24H, "complaint_24h", "投诉 24 小时内回应", "Complaints answered in 24 h",
		 "目标 target: 每件投诉 every complaint ≤ 24 h"},
		{CSVC_METRIC_COMPLAINT_48H, "complaint_48h", "投诉 48 小时内处理", "Complaints handled in 48 h",
		 "目标 target: 每件投诉 every complaint ≤ 48 h"},
		{CSVC_METRIC_COMPLAINT_72H, "complaint_72h", "投诉 72 小时内反馈", "Complaints reported back in 72 h",
		 "目标 target: 每件投诉 every complaint ≤ 72 h"},
	};
	for (size_t c = 0; c < sizeof(complaint) / sizeof(complaint[0]); c++) {
		double v = csvc_report_value(k, 0, complaint[c].metric);
		st = isnan(v) ? -1 : v >= 1.0;
		tile_open(d, complaint[c].id, complaint[c].label, complaint[c].en, st);
		num(d, R_KPIS, 0, complaint[c].metric, U_PCT, "big");
		tile_status(d, st, complaint[c].target);
		csvc__buf_puts(b, "</div>");
	}

	tile_open(d, "sla", "SLA 达标率", "SLA compliance", -1);
	num(d, R_KPIS, 0, CSVC_METRIC_SLA_COMPLIANCE, U_PCT, "big");
	csvc__buf_puts(b, "<div class=\"detail\">95% CI ");
	num(d, R_KPIS, 0, CSVC_METRIC_SLA_COMPLIANCE_LOW, U_PCT, NULL);
	csvc__buf_puts(b, " – ");
	num(d, R_KPIS, 0, CSVC_METRIC_SLA_COMPLIANCE_HIGH, U_PCT, NULL);
	csvc__buf_puts(b, "<br>按时 on time ");
	num(d, R_KPIS, 0, CSVC_METRIC_SLA_ON_TIME, U_COUNT, NULL);
	csvc__buf_puts(b, " · 超时 breached ");
	num(d, R_KPIS, 0, CSVC_METRIC_SLA_BREACHED, U_COUNT, NULL);
	csvc__buf_puts(b, "</div></div>");

	tile_open(d, "csat", "顾客满意度", "CSAT (4–5 of 5)", -1);
	num(d, R_KPIS, 0, CSVC_METRIC_CSAT, U_PCT, "big");
	csvc__buf_puts(b, "<div class=\"detail\">95% CI ");
	num(d, R_KPIS, 0, CSVC_METRIC_CSAT_LOW, U_PCT, NULL);
	csvc__buf_puts(b, " – ");
	num(d, R_KPIS, 0, CSVC_METRIC_CSAT_HIGH, U_PCT, NULL);
	csvc__buf_puts(b, " · n = ");
	num(d, R_KPIS, 0, CSVC_METRIC_CSAT_N, U_COUNT, NULL);
	csvc__buf_puts(b, "</div></div>");

	tile_open(d, "nps", "净推荐值", "NPS", -1);
	num(d, R_KPIS, 0, CSVC_METRIC_NPS, U_SCORE, "big");
	csvc__buf_puts(b, "<div class=\"detail\">95% CI ");
	if (isnan(csvc_report_value(k, 0, CSVC_METRIC_NPS_SE))) {
		csvc__buf_puts(b, "–");
	} else {
		nps_num(d, R_KPIS, 0, 0);
		csvc__buf_puts(b, " – ");
		nps_num(d, R_KPIS, 0, 1);
	}
	csvc__buf_puts(b, " · n = ");
	num(d, R_KPIS, 0, CSVC_METRIC_NPS_N, U_COUNT, NULL);
	csvc__buf_puts(b, "</div></div>");

	tile_open(d, "tickets", "工单", "Tickets", -1);
	num(d, R_KPIS, 0, CSVC_METRIC_TICKETS, U_COUNT, "big");
	csvc__buf_puts(b, "<div class=\"detail\">已处理 handled ");
	num(d, R_KPIS, 0, CSVC_METRIC_RESOLVED, U_COUNT, NULL);
	csvc__buf_puts(b, " · 投诉 complaints ");
	num(d, R_KPIS, 0, CSVC_METRIC_COMPLAINTS, U_COUNT, NULL);
	csvc__buf_puts(b, "<br>一次解决 FCR ");
	num(d, R_KPIS, 0, CSVC_METRIC_FCR_RATE, U_PCT, NULL);
	csvc__buf_puts(b, " · 重开 reopened ");
	num(d, R_KPIS, 0, CSVC_METRIC_REOPEN_RATE, U_PCT, NULL);
	csvc__buf_puts(b, "</div></div>");

	tile_open(d, "backlog", "积压（期末）", "Backlog at the end", -1);
	num(d, R_KPIS, 0, CSVC_METRIC_BACKLOG, U_COUNT, "big");
	csvc__buf_puts(b, "<div class=\"detail\">&lt;1 天 d ");
	num(d, R_KPIS, 0, CSVC_METRIC_AGE_UNDER_1D, U_COUNT, NULL);
	csvc__buf_puts(b, " · 1–3 天 ");
	num(d, R_KPIS, 0, CSVC_METRIC_AGE_1_3D, U_COUNT, NULL);
	csvc__buf_puts(b, " · 3–7 天 ");
	num(d, R_KPIS, 0, CSVC_METRIC_AGE_3_7D, U_COUNT, NULL);
	csvc__buf_puts(b, " · ≥7 天 ");
	num(d, R_KPIS, 0, CSVC_METRIC_AGE_OVER_7D, U_COUNT, NULL);
	csvc__buf_puts(b, "</div></div>");

	csvc__buf_puts(b, "</div></section>\n");
}

/* ------------------------------------------------------------------ */
/* Charts                                                              */
/* ------------------------------------------------------------------ */

/* The smallest of 1, 2, 5 times a power of ten that is at least v. */
static double nice_max(double v)
{
	if (!(v > 0))
		return 1;
	double p = 1;
	while (p * 10 <= v)
		p *= 10;
	return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

#define VW 400
#define VH 210
#define ML 40
#define MR 10
#define MT 12
#define MB 34

/* A period key as a short label: "W48" for "2026-W48", "11月" for "2026-11". */
static void period_label(csvc__buf *b, const char *key, int months)
{
	const char *dash_ = strchr(key, '-');
	if (!dash_) {
		esc(b, key);
		return;
	}
	esc(b, dash_ + 1);
	if (months)
		csvc__buf_puts(b, "月");
}

/* Opens a trend chart's SVG with its axis; `pct`: the axis is 0..100 %. */
static void trend_open(dash *d, const char *chart, const char *title, const char *en, double ymax, int pct)
{
	csvc__buf *b = &d->b;
	csvc__buf_printf(b, "<figure class=\"chart\" data-chart=\"%s\" style=\"margin:0\"><h3>%s <span class=\"en\">%s</span>"
	                    "</h3><svg class=\"plot\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
	                    "xmlns=\"http://www.w3.org/2000/svg\">",
	                 chart, title, en, VW, VH, en);
	for (int t = 0; t <= 4; t++) {
		int y = MT + (VH - MT - MB) * (4 - t) / 4;
		csvc__buf_printf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", ML, VW - MR, y, y);
		csvc__buf_printf(b, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">",
		                 ML - 4, y + 4);
		if (pct)
			csvc__buf_printf(b, "%d%%", 25 * t);
		else
			put_fixed(b, ymax * t / 4, ymax >= 4 ? 0 : 1);
		csvc__buf_puts(b, "</text>");
	}
}

/* The x labels of n slots, at most 7 of them (every k-th). */
static void trend_xlabels(dash *d, int rep, size_t n, int months)
{
	double slot = (double)(VW - ML - MR) / (double)n;
	size_t every = (n + 6) / 7;
	for (size_t i = 0; i < n; i += every) {
		csvc__buf_printf(&d->b, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">",
		                 (int)lround(ML + slot * ((double)i + 0.5)), VH - MB + 16);
		period_label(&d->b, csvc_report_key(d->r[rep], i), months);
		csvc__buf_puts(&d->b, "</text>");
	}
}

/* Bars of tickets per period. */
static void trend_bars(dash *d, int rep, const char *chart, const char *title, const char *en, int months)
{
	const csvc_report *r = d->r[rep];
	size_t n = csvc_report_row_count(r);
	double max = 0;
	for (size_t i = 0; i < n; i++) {
		double v = csvc_report_value(r, i, CSVC_METRIC_TICKETS);
		if (v > max)
			max = v;
	}
	double ymax = nice_max(max < 4 ? 4 : max);
	trend_open(d, chart, title, en, ymax, 0);
	if (n) {
		double slot = (double)(VW - ML - MR) / (double)n, h = VH - MT - MB;
		for (size_t i = 0; i < n; i++) {
			double v = csvc_report_value(r, i, CSVC_METRIC_TICKETS);
			double bh = isnan(v) ? 0 : h * v / ymax;
			csvc__buf_puts(&d->b, "<rect class=\"vb\"");
			put_attrs(d, rep, i, CSVC_METRIC_TICKETS, v, U_COUNT, NULL);
			csvc__buf_printf(&d->b, " x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>",
			                 (int)lround(ML + slot * (double)i + slot * 0.15), (int)lround(MT + h - bh),
			                 (int)lround(slot * 0.7 > 1 ? slot * 0.7 : 1), (int)lround(bh));
			put_key(d, rep, i);
			csvc__buf_puts(&d->b, ": ");
			put_value(&d->b, v, U_COUNT);
			csvc__buf_puts(&d->b, "</title></rect>");
		}
		trend_xlabels(d, rep, n, months);
	}
	csvc__buf_puts(&d->b, "</svg><p class=\"legend\"><span class=\"sw\" style=\"background:var(--bar)\"></span>"
	                      "新建工单 tickets created</p></figure>");
}

/* Lines of SLA compliance and CSAT per period (0..100 %), with a dot per
 * defined point. */
static void trend_rates(dash *d, int rep, const char *chart, const char *title, const char *en, int months)
{
	static const struct {
		int32_t metric;
		const char *color, *name;
	} series[] = {{CSVC_METRIC_SLA_COMPLIANCE, "var(--bar)", "SLA 达标率 compliance"},
	              {CSVC_METRIC_CSAT, "var(--bar2)", "满意度 CSAT"}};
	const csvc_report *r = d->r[rep];
	size_t n = csvc_report_row_count(r);
	trend_open(d, chart, title, en, 1, 1);
	double slot = n ? (double)(VW - ML - MR) / (double)n : 0, h = VH - MT - MB;
	for (size_t s = 0; s < sizeof(series) / sizeof(series[0]); s++) {
		/* The line, broken where a period has no figure. */
		int pen = 0;
		for (size_t i = 0; i < n; i++) {
			double v = csvc_report_value(r, i, series[s].metric);
			if (isnan(v)) {
				pen = 0;
				continue;
			}
			if (!pen)
				csvc__buf_printf(&d->b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
				                 series[s].color);
			csvc__buf_printf(&d->b, "%s%d,%d", pen ? " " : "", (int)lround(ML + slot * ((double)i + 0.5)),
			                 (int)lround(MT + h - h * v));
			int next_defined = i + 1 < n && !isnan(csvc_report_value(r, i + 1, series[s].metric));
			pen = 1;
			if (!next_defined) {
				csvc__buf_puts(&d->b, "\"/>");
				pen = 0;
			}
		}
		for (size_t i = 0; i < n; i++) {
			double v = csvc_report_value(r, i, series[s].metric);
			if (isnan(v))
				continue;
			csvc__buf_printf(&d->b, "<circle fill=\"%s\" r=\"3.5\"", series[s].color);
			put_attrs(d, rep, i, series[s].metric, v, U_PCT, NULL);
			csvc__buf_printf(&d->b, " cx=\"%d\" cy=\"%d\"><title>", (int)lround(ML + slot * ((double)i + 0.5)),
			                 (int)lround(MT + h - h * v));
			put_key(d, rep, i);
			csvc__buf_printf(&d->b, " %s: ", series[s].name);
			put_value(&d->b, v, U_PCT);
			csvc__buf_puts(&d->b, "</title></circle>");
		}
	}
	if (n)
		trend_xlabels(d, rep, n, months);
	csvc__buf_puts(&d->b, "</svg><p class=\"legend\">");
	for (size_t s = 0; s < sizeof(series) / sizeof(series[0]); s++)
		csvc__buf_printf(&d->b, "<span class=\"sw\" style=\"background:%s\"></span>%s", series[s].color,
		                 series[s].name);
	csvc__buf_puts(&d->b, "</p></figure>");
}

static void trends(dash *d)
{
	csvc__buf_puts(&d->b, "<section id=\"trends\"><h2>趋势 <span class=\"en\">Trends by week and by month</span></h2>"
	                      "<div class=\"grid2\">");
	trend_bars(d, R_WEEKS, "trend-week-tickets", "每周工单", "Tickets by ISO week", 0);
	trend_rates(d, R_WEEKS, "trend-week-rates", "每周达标率与满意度", "SLA compliance and CSAT by week", 0);
	trend_bars(d, R_MONTHS, "trend-month-tickets", "每月工单", "Tickets by month", 1);
	trend_rates(d, R_MONTHS, "trend-month-rates", "每月达标率与满意度", "SLA compliance and CSAT by month", 1);
	csvc__buf_puts(&d->b, "</div><p class=\"note\">空缺的点表示该期没有数据 (a gap: no data in that period).</p>"
	                      "</section>\n");
}

/*
 * One horizontal bar: `frac` of the width (0..1, NaN: none), and an
 * interval [lo, hi] (fractions, NaN: none) as a whisker.
 */
static void hbar_svg(csvc__buf *b, double frac, double lo, double hi, const char *fill)
{
	csvc__buf_puts(b, "<svg viewBox=\"0 0 1000 16\" preserveAspectRatio=\"none\" aria-hidden=\"true\" "
	                  "xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"0\" y=\"2\" width=\"1000\" height=\"12\" "
	                  "fill=\"#eef1f5\"/>");
	if (!isnan(frac) && frac > 0)
		csvc__buf_printf(b, "<rect x=\"0\" y=\"2\" width=\"%d\" height=\"12\" fill=\"%s\"/>",
		                 (int)lround(1000 * (frac > 1 ? 1 : frac)), fill);
	if (!isnan(lo) && !isnan(hi)) {
		int x1 = (int)lround(1000 * (lo < 0 ? 0 : lo)), x2 = (int)lround(1000 * (hi > 1 ? 1 : hi));
		csvc__buf_printf(b,
		                 "<g stroke=\"#1f2933\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\">"
		                 "<line x1=\"%d\" x2=\"%d\" y1=\"8\" y2=\"8\" vector-effect=\"non-scaling-stroke\"/>"
		                 "<line x1=\"%d\" x2=\"%d\" y1=\"3\" y2=\"13\" vector-effect=\"non-scaling-stroke\"/>"
		                 "<line x1=\"%d\" x2=\"%d\" y1=\"3\" y2=\"13\" vector-effect=\"non-scaling-stroke\"/></g>",
		                 x1, x2, x1, x1, x2, x2);
	}
	csvc__buf_puts(b, "</svg>");
}

static void stores(dash *d)
{
	csvc__buf *b = &d->b;
	const csvc_report *r = d->r[R_STORES];
	size_t n = csvc_report_row_count(r);
	csvc__buf_puts(b, "<section id=\"stores\"><h2>门店对比 <span class=\"en\">Stores side by side</span></h2>");
	if (!n) {
		csvc__buf_puts(b, "<p class=\"note\">没有工单或评价 (no tickets or responses).</p></section>\n");
		return;
	}
	csvc__buf_puts(b, "<div class=\"hbars\" data-chart=\"stores\"><h3>SLA 达标率 <span class=\"en\">SLA compliance, "
	                  "95% CI</span></h3>");
	for (size_t i = 0; i < n; i++) {
		csvc__buf_puts(b, "<div class=\"hbar\"><div class=\"hl\">");
		put_key(d, R_STORES, i);
		low_badge(d, R_STORES, i);
		csvc__buf_puts(b, "</div>");
		hbar_svg(b, csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE),
		         csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE_LOW),
		         csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE_HIGH), "var(--bar)");
		csvc__buf_puts(b, "<div class=\"hv\">");
		num(d, R_STORES, i, CSVC_METRIC_SLA_COMPLIANCE, U_PCT, NULL);
		csvc__buf_puts(b, "</div></div>");
	}
	csvc__buf_puts(b, "</div><div class=\"tbl\" style=\"margin-top:12px\"><table data-chart=\"stores-table\"><thead>"
	                  "<tr><th>门店<br><small>store</small></th><th>工单<br><small>tickets</small></th>"
	                  "<th>已处理<br><small>handled</small></th><th>首次响应<br><small>response mean</small></th>"
	                  "<th>SLA<br><small>compliance</small></th><th>投诉<br><small>complaints</small></th>"
	                  "<th>投诉率‰<br><small>per 1,000</small></th><th>CSAT</th><th>NPS</th><th>CSI</th>"
	                  "<th>积压<br><small>backlog</small></th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		csvc__buf_puts(b, "<tr><td>");
		put_key(d, R_STORES, i);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_TICKETS, U_COUNT, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_RESOLVED, U_COUNT, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_RESPONSE_MEAN, U_DUR, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_SLA_COMPLIANCE, U_PCT, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_COMPLAINTS, U_COUNT, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_COMPLAINT_RATE, U_MEAN, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_CSAT, U_PCT, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_NPS, U_SCORE, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_CSI, U_SCORE, NULL);
		csvc__buf_puts(b, "</td><td>");
		num(d, R_STORES, i, CSVC_METRIC_BACKLOG, U_COUNT, NULL);
		csvc__buf_puts(b, "</td></tr>");
	}
	csvc__buf_puts(b, "</tbody></table></div></section>\n");
}

static void sla(dash *d)
{
	csvc__buf *b = &d->b;
	const csvc_report *r = d->r[R_SLA];
	size_t n = csvc_report_row_count(r);
	csvc__buf_puts(b, "<section id=\"sla\"><h2>SLA 达标情况 <span class=\"en\">SLA compliance per target, 95% CI"
	                  "</span></h2><div class=\"hbars\" data-chart=\"sla\">");
	for (size_t i = 0; i < n; i++) {
		csvc__buf_puts(b, "<div class=\"hbar\"><div class=\"hl\">");
		put_key(d, R_SLA, i);
		low_badge(d, R_SLA, i);
		csvc__buf_puts(b, "</div>");
		hbar_svg(b, csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE),
		         csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE_LOW),
		         csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE_HIGH), "var(--bar)");
		csvc__buf_puts(b, "<div class=\"hv\">");
		num(d, R_SLA, i, CSVC_METRIC_SLA_COMPLIANCE, U_PCT, NULL);
		csvc__buf_puts(b, " <small>(");
		num(d, R_SLA, i, CSVC_METRIC_SLA_ON_TIME, U_COUNT, NULL);
		csvc__buf_puts(b, " ✓ / ");
		num(d, R_SLA, i, CSVC_METRIC_SLA_BREACHED, U_COUNT, NULL);
		csvc__buf_puts(b, " ✗)</small></div></div>");
	}
	if (!n)
		csvc__buf_puts(b, "<p class=\"note\">没有已判定的 SLA 目标 (no decided SLA targets).</p>");
	csvc__buf_puts(b, "</div><p class=\"note\">按时 ✓ on time / 超时 ✗ breached; 仍在计时的目标不计入 "
	                  "(targets still running are left out).</p></section>\n");
}

static int by_total_desc(const void *x, const void *y)
{
	const double *a = x, *b = y;
	if (a[0] != b[0])
		return a[0] < b[0] ? 1 : -1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* Row order of report `rep` by `metric`, largest first (NaN last); NULL on
 * ENOMEM (the error set). */
static double *order_by(const csvc_report *r, int32_t metric)
{
	size_t n = csvc_report_row_count(r);
	double *order = csvc__malloc((n ? n : 1) * 2 * sizeof(double));
	if (!order) {
		csvc__error(CSVC_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		double v = csvc_report_value(r, i, metric);
		order[2 * i] = isnan(v) ? -1 : v;
		order[2 * i + 1] = (double)i;
	}
	qsort(order, n, 2 * sizeof(double), by_total_desc);
	return order;
}

static int states(dash *d)
{
	csvc__buf *b = &d->b;
	const csvc_report *r = d->r[R_STATES];
	size_t n = csvc_report_row_count(r);
	double *order = order_by(r, CSVC_METRIC_STATE_TIME_TOTAL);
	if (!order)
		return CSVC_ENOMEM;
	double max = n ? order[0] : 0;
	csvc__buf_puts(b, "<section id=\"states\"><h2>各环节耗时 <span class=\"en\">Time in each state (find the "
	                  "bottleneck)</span></h2><div class=\"hbars\" data-chart=\"states\">");
	for (size_t k = 0; k < n; k++) {
		size_t i = (size_t)order[2 * k + 1];
		double total = csvc_report_value(r, i, CSVC_METRIC_STATE_TIME_TOTAL);
		csvc__buf_printf(b, "<div class=\"hbar%s\"><div class=\"hl\">", k == 0 && total > 0 ? " top" : "");
		put_key(d, R_STATES, i);
		if (k == 0 && total > 0)
			csvc__buf_puts(b, "<span class=\"badge\">瓶颈 bottleneck</span>");
		csvc__buf_puts(b, "</div>");
		hbar_svg(b, max > 0 ? total / max : NAN, NAN, NAN, k == 0 ? "var(--bad)" : "var(--bar2)");
		csvc__buf_puts(b, "<div class=\"hv\">");
		num(d, R_STATES, i, CSVC_METRIC_STATE_TIME_TOTAL, U_DUR, NULL);
		csvc__buf_puts(b, " <small>均 mean ");
		num(d, R_STATES, i, CSVC_METRIC_STATE_TIME_MEAN, U_DUR, NULL);
		csvc__buf_puts(b, " · ");
		num(d, R_STATES, i, CSVC_METRIC_STATE_VISITS, U_COUNT, NULL);
		csvc__buf_puts(b, "×</small></div></div>");
	}
	csvc__free(order);
	if (!n)
		csvc__buf_puts(b, "<p class=\"note\">没有工单 (no tickets).</p>");
	csvc__buf_puts(b, "</div><p class=\"note\">总时长 total wall-clock time, 均 mean per visit, × visits; 当前状态计到"
	                  "生成时刻 (the current state counts up to when the page was made).</p></section>\n");
	return CSVC_OK;
}

/* One interval row of the CSAT or NPS plot: the point and its interval
 * on a scale from lo_axis to hi_axis. */
static void ci_row(dash *d, int rep, size_t i, int nps)
{
	csvc__buf *b = &d->b;
	const csvc_report *r = d->r[rep];
	double v, lo, hi;
	if (nps) {
		v = csvc_report_value(r, i, CSVC_METRIC_NPS);
		lo = isnan(v) || isnan(csvc_report_value(r, i, CSVC_METRIC_NPS_SE)) ? NAN : nps_bound(r, i, 0);
		hi = isnan(lo) ? NAN : nps_bound(r, i, 1);
		v = (v + 100) / 200;
		lo = (lo + 100) / 200;
		hi = (hi + 100) / 200;
	} else {
		v = csvc_report_value(r, i, CSVC_METRIC_CSAT);
		lo = csvc_report_value(r, i, CSVC_METRIC_CSAT_LOW);
		hi = csvc_report_value(r, i, CSVC_METRIC_CSAT_HIGH);
	}
	csvc__buf_puts(b, "<div class=\"hbar\"><div class=\"hl\">");
	if (rep == R_KPIS)
		csvc__buf_puts(b, "<b>合计 all</b>");
	else
		put_key(d, rep, i);
	low_badge(d, rep, i);
	csvc__buf_puts(b, "</div><svg viewBox=\"0 0 1000 16\" preserveAspectRatio=\"none\" aria-hidden=\"true\" "
	                  "xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"0\" y=\"7\" width=\"1000\" height=\"2\" "
	                  "fill=\"#eef1f5\"/>");
	if (nps)
		csvc__buf_puts(b, "<rect x=\"499\" y=\"1\" width=\"2\" height=\"14\" fill=\"#c4ccd6\"/>");
	if (!isnan(lo) && !isnan(hi))
		csvc__buf_printf(b, "<rect x=\"%d\" y=\"4\" width=\"%d\" height=\"8\" rx=\"3\" fill=\"#b9cdf3\"/>",
		                 (int)lround(1000 * lo), (int)lround(1000 * (hi - lo)) > 1 ? (int)lround(1000 * (hi - lo)) : 1);
	if (!isnan(v))
		csvc__buf_printf(b, "<rect x=\"%d\" y=\"1\" width=\"8\" height=\"14\" fill=\"%s\"/>",
		                 (int)lround(1000 * v) - 4, nps ? "var(--bar2)" : "var(--bar)");
	csvc__buf_puts(b, "</svg><div class=\"hv\">");
	if (nps) {
		num(d, rep, i, CSVC_METRIC_NPS, U_SCORE, NULL);
		if (!isnan(lo)) {
			csvc__buf_puts(b, " <small>[");
			nps_num(d, rep, i, 0);
			csvc__buf_puts(b, ", ");
			nps_num(d, rep, i, 1);
			csvc__buf_puts(b, "]</small>");
		}
	} else {
		num(d, rep, i, CSVC_METRIC_CSAT, U_PCT, NULL);
		if (!isnan(lo)) {
			csvc__buf_puts(b, " <small>[");
			num(d, rep, i, CSVC_METRIC_CSAT_LOW, U_PCT, NULL);
			csvc__buf_puts(b, ", ");
			num(d, rep, i, CSVC_METRIC_CSAT_HIGH, U_PCT, NULL);
			csvc__buf_puts(b, "]</small>");
		}
	}
	csvc__buf_puts(b, "</div></div>");
}

static void satisfaction(dash *d)
{
	csvc__buf *b = &d->b;
	size_t n = csvc_report_row_count(d->r[R_STORES]);
	csvc__buf_puts(b, "<section id=\"satisfaction\"><h2>满意度与净推荐值 <span class=\"en\">CSAT and NPS with 95% "
	                  "intervals</span></h2><div class=\"grid2\">");
	for (int nps = 0; nps <= 1; nps++) {
		csvc__buf_printf(b, "<div class=\"hbars\" data-chart=\"%s\"><h3>%s</h3>", nps ? "nps-ci" : "csat-ci",
		                 nps ? "NPS <span class=\"en\">−100 … 100</span>"
		                     : "CSAT <span class=\"en\">0 … 100%, 4–5 of 5</span>");
		ci_row(d, R_KPIS, 0, nps);
		for (size_t i = 0; i < n; i++)
			ci_row(d, R_STORES, i, nps);
		csvc__buf_puts(b, "</div>");
	}
	csvc__buf_puts(b, "</div><p class=\"note\">CSAT: Wilson 95% 区间 interval; NPS: ± 1.96 × 标准误 standard error. "
	                  "区间越宽，样本越少 (a wide interval means few answers).</p></section>\n");
}

static int categories(dash *d)
{
	csvc__buf *b = &d->b;
	const csvc_report *r = d->r[R_CATEGORIES];
	size_t n = csvc_report_row_count(r);
	double *order = order_by(r, CSVC_METRIC_TICKETS);
	if (!order)
		return CSVC_ENOMEM;
	size_t shown = n < (size_t)d->top ? n : (size_t)d->top;
	double max = n ? order[0] : 0;
	csvc__buf_printf(b, "<section id=\"categories\"><h2>主要问题类别 <span class=\"en\">Top categories (%zu of %zu)"
	                    "</span></h2><div class=\"hbars\" data-chart=\"categories\">",
	                 shown, n);
	for (size_t k = 0; k < shown; k++) {
		size_t i = (size_t)order[2 * k + 1];
		csvc__buf_puts(b, "<div class=\"hbar\"><div class=\"hl\">");
		put_key(d, R_CATEGORIES, i);
		csvc__buf_puts(b, "</div>");
		hbar_svg(b, max > 0 ? csvc_report_value(r, i, CSVC_METRIC_TICKETS) / max : NAN, NAN, NAN, "var(--bar)");
		csvc__buf_puts(b, "<div class=\"hv\">");
		num(d, R_CATEGORIES, i, CSVC_METRIC_TICKETS, U_COUNT, NULL);
		csvc__buf_puts(b, " <small>投诉 ");
		num(d, R_CATEGORIES, i, CSVC_METRIC_COMPLAINTS, U_COUNT, NULL);
		csvc__buf_puts(b, "</small></div></div>");
	}
	csvc__free(order);
	if (!n)
		csvc__buf_puts(b, "<p class=\"note\">没有工单 (no tickets).</p>");
	csvc__buf_puts(b, "</div><p class=\"note\">按新建工单数排序 (by tickets created); 投诉 = complaints.</p>"
	                  "</section>\n");
	return CSVC_OK;
}

/* The embedded JSON: the reports and what the page was made with. */
static int data_block(dash *d)
{
	csvc__buf j = {0};
	char text[CSVC__DOUBLE_TEXT_MAX];
	const csvc_report_dashboard_options *o = d->o;
	csvc__buf_puts(&j, "{\"dashboard\":1,\"title\":");
	csvc__buf_json_string(&j, o->title ? o->title : "客户服务看板");
	csvc__buf_puts(&j, ",\"period_label\":");
	if (o->period_label)
		csvc__buf_json_string(&j, o->period_label);
	else
		csvc__buf_puts(&j, "null");
	csvc__buf_puts(&j, ",\"store_code\":");
	if (o->store_code)
		csvc__buf_json_string(&j, o->store_code);
	else
		csvc__buf_puts(&j, "null");
	csvc__buf_printf(&j, ",\"from\":%lld,\"to\":%lld,\"generated_at\":%lld,\"zone\":", (long long)o->from,
	                 (long long)o->to, (long long)d->now);
	csvc__buf_json_string(&j, d->tz ? csvc_tz_name(d->tz) : "UTC");
	csvc__format_double(text, d->csi_target);
	csvc__buf_printf(&j,
	                 ",\"targets\":{\"csi\":%s,\"response_mean_us\":%lld,\"complaint_24h_us\":%lld,"
	                 "\"complaint_48h_us\":%lld,\"complaint_72h_us\":%lld},\"top_categories\":%d,\"reports\":{",
	                 text, (long long)d->response_target_us, (long long)(24 * HOUR_US), (long long)(48 * HOUR_US),
	                 (long long)(72 * HOUR_US), (int)d->top);
	for (int k = 0; k < N_REPORTS; k++) {
		char *json = NULL;
		int rc = csvc_report_to_json(d->r[k], &json);
		if (rc != CSVC_OK) {
			csvc__buf_free(&j);
			return rc;
		}
		csvc__buf_printf(&j, "%s\"%s\":", k ? "," : "", REPORT_NAMES[k]);
		csvc__buf_puts(&j, json);
		csvc__free(json);
	}
	csvc__buf_puts(&j, "}}");
	if (j.failed) {
		csvc__buf_free(&j);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	csvc__buf_puts(&d->b, "<script type=\"application/json\" id=\"report-data\">");
	put_script_json(&d->b, j.data);
	csvc__buf_puts(&d->b, "</script>\n");
	csvc__buf_free(&j);
	return CSVC_OK;
}

static int page(dash *d)
{
	csvc__buf *b = &d->b;
	const csvc_report_dashboard_options *o = d->o;
	const char *title = o->title ? o->title : "客户服务看板";
	csvc__buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	                  "style-src 'unsafe-inline'; img-src data:\">\n"
	                  "<meta name=\"generator\" content=\"libcsvc ");
	csvc__buf_puts(b, csvc_version());
	csvc__buf_puts(b, "\">\n<title>");
	esc(b, title);
	csvc__buf_puts(b, "</title>\n<style>\n");
	csvc__buf_puts(b, CSS);
	csvc__buf_puts(b, "</style>\n</head>\n<body>\n<main>\n<header><h1>");
	esc(b, title);
	csvc__buf_puts(b, "</h1><p class=\"sub\">");
	if (o->store_code) {
		csvc__buf_puts(b, "门店 store <b>");
		esc(b, o->store_code);
		csvc__buf_puts(b, "</b>");
	} else {
		csvc__buf_puts(b, "全部门店 every store");
	}
	csvc__buf_puts(b, " · ");
	if (o->period_label) {
		esc(b, o->period_label);
	} else {
		put_local(d, o->from, 0);
		csvc__buf_puts(b, " – ");
		/* The last day of [from, to): the day of to minus 1 µs. */
		put_local(d, o->to - 1, 0);
		csvc__buf_puts(b, " (");
		esc(b, d->tz ? csvc_tz_name(d->tz) : "UTC");
		csvc__buf_puts(b, ")");
	}
	csvc__buf_puts(b, "</p><p class=\"sub\"><small>生成于 generated ");
	put_local(d, d->now, 1);
	csvc__buf_puts(b, " ");
	esc(b, d->tz ? csvc_tz_name(d->tz) : "UTC");
	csvc__buf_printf(b, " · 最小样本 minimum sample %lld</small></p></header>\n",
	                 (long long)(o->min_sample ? o->min_sample : 30));
	tiles(d);
	trends(d);
	stores(d);
	sla(d);
	int rc = states(d);
	if (rc == CSVC_OK) {
		satisfaction(d);
		rc = categories(d);
	}
	if (rc != CSVC_OK)
		return rc;
	csvc__buf_puts(b, "</main>\n<footer><main style=\"padding-top:0\">工单按新建时间计入，评价按提交时间计入 (tickets "
	                  "count by creation, responses by submission); 业务时间 response and resolution times are "
	                  "business time. 数据 the figures are the reports of libcsvc, embedded below as JSON."
	                  "</main></footer>\n");
	if ((rc = data_block(d)) != CSVC_OK)
		return rc;
	csvc__buf_puts(b, "</body>\n</html>\n");
	return CSVC_OK;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */
/* ------------------------------------------------------------------ */

static int check_options(const csvc_report_dashboard_options *o)
{
	if (o->version > CSVC_REPORT_DASHBOARD_OPTIONS_VERSION)
		return csvc__error(CSVC_EINVAL, "csvc_report_dashboard_options version %u is newer than this library's (%d)",
		                   (unsigned)o->version, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION);
	if (o->from >= o->to)
		return csvc__error(CSVC_EINVAL, "a dashboard needs from < to");
	int rc;
	if ((rc = csvc__check_text(o->title, 1, CSVC_REPORT_DASHBOARD_MAX_TEXT, "title")) != CSVC_OK ||
	    (rc = csvc__check_text(o->period_label, 1, CSVC_REPORT_DASHBOARD_MAX_TEXT, "period_label")) != CSVC_OK)
		return rc;
	if (o->title && !*o->title)
		return csvc__error(CSVC_EINVAL, "title: empty (NULL gives the default)");
	if (o->top_categories < 0 || o->top_categories > CSVC_REPORT_DASHBOARD_MAX_CATEGORIES)
		return csvc__error(CSVC_ERANGE, "top_categories: %d is outside 0..%d", (int)o->top_categories,
		                   CSVC_REPORT_DASHBOARD_MAX_CATEGORIES);
	if (o->response_target_us < 0)
		return csvc__error(CSVC_ERANGE, "response_target_us: negative");
	if (isnan(o->csi_target))
		return csvc__error(CSVC_EINVAL, "csi_target: not a number");
	return CSVC_OK;
}

int csvc_report_dashboard_html(csvc_store *store, const csvc_report_dashboard_options *opts, char **html)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(opts, "opts");
	CSVC__CHECK_ARG(html, "html");
	csvc_report_dashboard_options o;
	int rc = csvc__struct_read(&dashboard_layout, &o, opts);
	if (rc != CSVC_OK)
		return rc;
	opts = &o; /* only the fields of the caller's version were read */
	if ((rc = check_options(opts)) != CSVC_OK || (rc = csvc__report_scope(store, &o.store_code, __func__)))
		return rc;

	dash d;
	memset(&d, 0, sizeof(d));
	d.o = opts;
	d.csi_target = opts->csi_target != 0 ? opts->csi_target : DEFAULT_CSI_TARGET;
	d.response_target_us = opts->response_target_us ? opts->response_target_us : DEFAULT_RESPONSE_TARGET_US;
	d.top = opts->top_categories ? opts->top_categories : DEFAULT_TOP_CATEGORIES;

	csvc_report_query q;
	csvc_report_query_init(&q, CSVC_REPORT_QUERY_VERSION);
	q.from = opts->from;
	q.to = opts->to;
	q.store_code = opts->store_code;
	q.min_sample = opts->min_sample;
	q.csi_target = opts->csi_target;
	static const struct {
		int32_t group, period;
	} kpi_groups[] = {{0, 0},
	                  {CSVC_REPORT_BY_PERIOD, CSVC_PERIOD_WEEK},
	                  {CSVC_REPORT_BY_PERIOD, CSVC_PERIOD_MONTH},
	                  {CSVC_REPORT_BY_STORE, 0},
	                  {CSVC_REPORT_BY_CATEGORY, 0}};
	for (int k = R_KPIS; k <= R_CATEGORIES && rc == CSVC_OK; k++) {
		q.group_by = kpi_groups[k].group;
		q.period = kpi_groups[k].period;
		rc = csvc_report_kpis(store, &q, &d.r[k]);
	}
	q.group_by = 0;
	q.period = 0;
	if (rc == CSVC_OK)
		rc = csvc_report_sla(store, &q, &d.r[R_SLA]);
	if (rc == CSVC_OK)
		rc = csvc_report_state_times(store, &q, &d.r[R_STATES]);
	if (rc == CSVC_OK) {
		int32_t source = 0;
		rc = csvc_calendar_tz_for_store(store, opts->store_code, &d.tz, &source);
		if (rc == CSVC_OK && source == CSVC_ZONE_NONE) {
			csvc_tz_free(d.tz);
			d.tz = NULL;
		}
	}
	if (rc == CSVC_OK) {
		d.now = csvc_store_now(store);
		rc = page(&d);
	}
	if (rc == CSVC_OK && d.b.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	for (int k = 0; k < N_REPORTS; k++)
		csvc_report_free(d.r[k]);
	csvc_tz_free(d.tz);
	if (rc != CSVC_OK) {
		csvc__buf_free(&d.b);
		return rc;
	}
	*html = d.b.data;
	return CSVC_OK;
}
