/*
 * The HTML dashboard (csvc_report_dashboard_html): user text is escaped in
 * the page and in its embedded JSON, the page loads nothing, its numbers
 * are those of the reports it is made of, options are checked and a
 * failed call leaves the output alone. tests/browser renders it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "report/report-internal.h"

#define SEC CSVC_SECOND_US
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define T0 ((csvc_time_us)1790812800 * SEC) /* 2026-10-01 00:00 UTC */

static const char EVIL[] = "<img src=x onerror=alert(1)> & \"退货\" 'x' </script>";

static csvc_time_us now_cell;

static csvc_store *quarter(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	const char *cats[] = {EVIL, "退换货", "停车", EVIL};
	for (int i = 0; i < 4; i++) {
		now_cell = T0 + i * 9 * DAY + HOUR;
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, i == 1 ? "complaint" : "inquiry", i == 2 ? "SH02" : "SH01"));
		csvc_assert_ok(csvc_ticket_set_subject(t, "dashboard"));
		csvc_assert_ok(csvc_ticket_set_category(t, cats[i]));
		csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
		now_cell += 10 * MIN;
		csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好", NULL, 0, "agent"}, NULL));
		csvc_ticket_free(t);
	}
	now_cell = T0 + 60 * DAY;
	csvc_assert_ok(csvc_sla_advance(s, now_cell, NULL, NULL, NULL));
	return s;
}

static csvc_report_dashboard_options options(void)
{
	csvc_report_dashboard_options o;
	csvc_assert_ok(csvc_report_dashboard_options_init(&o, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION));
	o.from = T0;
	o.to = T0 + 92 * DAY;
	return o;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_escaped(void **state)
{
	(void)state;
	csvc_store *s = quarter();
	csvc_report_dashboard_options o = options();
	o.title = "A&B <看板> \"q\" 'x'";
	o.period_label = "2026-Q4 <UTC>";
	char *html = NULL;
	csvc_assert_ok(csvc_report_dashboard_html(s, &o, &html));
	assert_non_null(html);
	/* No markup from the store reaches the page. */
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<看板>"));
	/* Every date shown was formatted. */
	assert_null(strstr(html, "generated ?"));
	assert_non_null(strstr(html, "generated 20"));
	assert_null(strstr(html, "<UTC>"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;退货&quot; &#39;x&#39; "
	                             "&lt;/script&gt;"));
	assert_non_null(strstr(html, "<title>A&amp;B &lt;看板&gt; &quot;q&quot; &#39;x&#39;</title>"));
	/* The JSON block is closed once, by its own end tag. */
	assert_int_equal(count(html, "</script>"), 1);
	assert_int_equal(count(html, "<script"), 1);
	assert_non_null(strstr(html, "\\u003cimg src=x onerror=alert(1)\\u003e \\u0026 \\\"退货\\\" 'x' \\u003c/script\\u003e"));
	csvc_free(html);
	csvc_store_close(s);
}

static void test_self_contained(void **state)
{
	(void)state;
	csvc_store *s = quarter();
	csvc_report_dashboard_options o = options();
	char *html = NULL;
	csvc_assert_ok(csvc_report_dashboard_html(s, &o, &html));
	assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 35), 0);
	assert_null(strstr(html, "src=\""));
	assert_null(strstr(html, "href=\""));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	/* The only URL is the SVG namespace. */
	assert_int_equal(count(html, "http://") + count(html, "https://") + count(html, "//cdn"),
	                 count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(html, "default-src 'none'"));
	assert_non_null(strstr(html, "\"Noto Sans CJK SC\""));
	static const char *const charts[] = {"trend-week-tickets", "trend-week-rates", "trend-month-tickets",
	                                     "trend-month-rates",  "stores",           "sla",
	                                     "states",             "csat-ci",          "nps-ci",
	                                     "categories"};
	for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++) {
		char attr[64];
		snprintf(attr, sizeof(attr), "data-chart=\"%s\"", charts[i]);
		assert_int_equal(count(html, attr), 1);
	}
	csvc_free(html);
	csvc_store_close(s);
}

/* A figure shown with its data attributes, as `rep`/`key`/`metric`. */
static const char *shown(const char *html, const char *rep, const char *key, const char *metric, char *value,
                         size_t size)
{
	char attr[256];
	snprintf(attr, sizeof(attr), "data-report=\"%s\" data-key=\"%s\" data-metric=\"%s\"", rep, key, metric);
	const char *p = strstr(html, attr);
	if (!p)
		return NULL;
	const char *v = strstr(p, "data-value=\"");
	assert_non_null(v);
	v += 12;
	size_t n = strcspn(v, "\"");
	assert_true(n < size);
	memcpy(value, v, n);
	value[n] = '\0';
	return value;
}

static void test_numbers_are_the_reports(void **state)
{
	(void)state;
	csvc_store *s = quarter();
	csvc_report_dashboard_options o = options();
	o.store_code = "SH01";
	char *html = NULL, value[64], expect[CSVC__DOUBLE_TEXT_MAX];
	csvc_assert_ok(csvc_report_dashboard_html(s, &o, &html));

	csvc_report_query q;
	csvc_assert_ok(csvc_report_query_init(&q, CSVC_REPORT_QUERY_VERSION));
	q.from = o.from;
	q.to = o.to;
	q.store_code = "SH01";
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	/* SH01 has three of the four tickets, two of them in the markup category. */
	assert_true(csvc_report_value(r, 0, CSVC_METRIC_TICKETS) == 3);
	const int32_t metrics[] = {CSVC_METRIC_TICKETS, CSVC_METRIC_RESPONSE_MEAN, CSVC_METRIC_SLA_COMPLIANCE,
	                           CSVC_METRIC_COMPLAINTS, CSVC_METRIC_BACKLOG, CSVC_METRIC_CSI_TARGET};
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		double v = csvc_report_value(r, 0, metrics[i]);
		if (isnan(v))
			snprintf(expect, sizeof(expect), "null");
		else
			csvc__format_double(expect, v);
		assert_non_null(shown(html, "kpis", "all", csvc_enum_name(CSVC_ENUM_REPORT_METRIC, metrics[i]), value, sizeof(value)));
		assert_string_equal(value, expect);
	}
	csvc_report_free(r);
	assert_non_null(strstr(html, "<span class=\"num big\" data-report=\"kpis\" data-key=\"all\" "
	                             "data-metric=\"tickets\" data-unit=\"count\" data-value=\"3\">3</span>"));
	/* The escaped category holds two tickets; SH02's does not appear. */
	assert_non_null(shown(html, "categories", "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;退货&quot; &#39;x&#39; "
	                      "&lt;/script&gt;", "tickets", value, sizeof(value)));
	assert_string_equal(value, "2");
	assert_null(strstr(html, "停车"));
	/* Weeks and months of the quarter: 2026-W40 to W53, October to December. */
	assert_non_null(shown(html, "weeks", "2026-W40", "tickets", value, sizeof(value)));
	assert_non_null(shown(html, "weeks", "2026-W53", "tickets", value, sizeof(value)));
	assert_non_null(shown(html, "months", "2026-12", "tickets", value, sizeof(value)));
	assert_string_equal(value, "0");
	csvc_free(html);
	csvc_store_close(s);
}

static void test_bad_options(void **state)
{
	(void)state;
	csvc_store *s = quarter();
	csvc_report_dashboard_options o = options();
	char *html = (char *)"untouched";
	csvc_assert_err(csvc_report_dashboard_html(NULL, &o, &html), CSVC_EINVAL);
	csvc_assert_err(csvc_report_dashboard_html(s, NULL, &html), CSVC_EINVAL);
	csvc_assert_err(csvc_report_dashboard_html(s, &o, NULL), CSVC_EINVAL);
	o.to = o.from;
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_EINVAL);
	o = options();
	o.version = CSVC_REPORT_DASHBOARD_OPTIONS_VERSION + 1;
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_EINVAL);
	o = options();
	o.title = "two\nlines";
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_EINVAL);
	o.title = "";
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_EINVAL);
	o = options();
	o.top_categories = CSVC_REPORT_DASHBOARD_MAX_CATEGORIES + 1;
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_ERANGE);
	o = options();
	o.csi_target = 101;
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_ERANGE);
	o = options();
	o.store_code = "SH 01";
	csvc_assert_err(csvc_report_dashboard_html(s, &o, &html), CSVC_EINVAL);
	assert_string_equal(html, "untouched");

	/* init: version 0 and newer versions are refused; a named one is written. */
	csvc_report_dashboard_options z;
	memset(&z, 0x5a, sizeof(z));
	csvc_assert_err(csvc_report_dashboard_options_init(&z, 0), CSVC_EINVAL);
	csvc_assert_ok(csvc_report_dashboard_options_init(&z, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION));
	assert_int_equal(z.version, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION);
	assert_null(z.title);
	assert_int_equal(z.top_categories, 0);
	csvc_assert_err(csvc_report_dashboard_options_init(&z, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION + 1), CSVC_EINVAL);
	csvc_assert_err(csvc_report_dashboard_options_init(NULL, 1), CSVC_EINVAL);
	/* A zeroed struct with a range is a valid request. */
	memset(&z, 0, sizeof(z));
	z.from = T0;
	z.to = T0 + DAY;
	csvc_assert_ok(csvc_report_dashboard_html(s, &z, &html));
	csvc_free(html);
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_self_contained),
		cmocka_unit_test(test_numbers_are_the_reports),
		cmocka_unit_test(test_bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
