"""Store.dashboard_html: the HTML dashboard of csvc_report_dashboard_html,
on the hand-built week of test_reports.py: a str page whose embedded JSON
holds the same reports as report_kpis, report_sla and report_state_times,
whose numbers carry their figures, with store text escaped, and whose
argument errors raise."""

import datetime
import html.parser
import json
import os
import shutil
import tempfile
import unittest

import csvc
from test_reports import DAY, T0, build_week


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.numbers, self.charts, self.json, self._in_json = [], [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-metric" in a:
            self.numbers.append(a)
        if "data-chart" in a:
            self.charts.append(a["data-chart"])
        self._in_json = tag == "script" and a.get("id") == "report-data"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json.append(data)


def parse(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="csvc-dash-")
        cls.store = build_week(os.path.join(cls.dir, "week.db"))

    @classmethod
    def tearDownClass(cls):
        cls.store.close()
        shutil.rmtree(cls.dir)

    def test_reports_embedded_and_numbers_marked(self):
        s = self.store
        page = s.dashboard_html(T0, T0 + 7 * DAY, store_code="SH01", title="SH01 <周报> & 'more'",
                                period_label="2026-W01", response_target=datetime.timedelta(minutes=20))
        self.assertIsInstance(page, str)
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn("<title>SH01 &lt;周报&gt; &amp; &#39;more&#39;</title>", page)
        self.assertNotIn("<周报>", page)
        p = parse(page)
        data = json.loads("".join(p.json))
        self.assertEqual(data["title"], "SH01 <周报> & 'more'")
        self.assertEqual(data["targets"]["response_mean_us"], 20 * 60 * 10**6)
        self.assertEqual(data["targets"]["csi"], 85)
        want = {
            "kpis": s.report_kpis(T0, T0 + 7 * DAY, store_code="SH01"),
            "weeks": s.report_kpis(T0, T0 + 7 * DAY, store_code="SH01", group_by="period", period="week"),
            "months": s.report_kpis(T0, T0 + 7 * DAY, store_code="SH01", group_by="period", period="month"),
            "stores": s.report_kpis(T0, T0 + 7 * DAY, store_code="SH01", group_by="store"),
            "categories": s.report_kpis(T0, T0 + 7 * DAY, store_code="SH01", group_by="category"),
            "sla": s.report_sla(T0, T0 + 7 * DAY, store_code="SH01"),
            "states": s.report_state_times(T0, T0 + 7 * DAY, store_code="SH01"),
        }
        for name, report in want.items():
            self.assertEqual(data["reports"][name], report.json(), name)
        self.assertEqual(data["reports"]["kpis"]["rows"][0]["metrics"]["tickets"], 5)
        for chart in ("trend-week-tickets", "trend-month-rates", "stores", "sla", "states", "csat-ci", "nps-ci",
                      "categories"):
            self.assertIn(chart, p.charts)
        self.assertGreater(len(p.numbers), 50)
        for a in p.numbers:
            if a["data-report"] == "targets" or a.get("data-derive"):
                continue
            row = [r for r in data["reports"][a["data-report"]]["rows"] if r["key"] == a["data-key"]]
            self.assertEqual(len(row), 1, a)
            v = row[0]["metrics"][a["data-metric"]]
            self.assertEqual(None if a["data-value"] == "null" else float(a["data-value"]), v, a)

    def test_errors(self):
        s = self.store
        with self.assertRaises(csvc.InvalidArgument):
            s.dashboard_html(T0, T0)
        with self.assertRaises(csvc.InvalidArgument):
            s.dashboard_html(T0, T0 + DAY, title="two\nlines")
        with self.assertRaises(csvc.OutOfRange):
            s.dashboard_html(T0, T0 + DAY, top_categories=101)
        with self.assertRaises(TypeError):
            s.dashboard_html(T0, T0 + DAY, response_target="30 min")


if __name__ == "__main__":
    unittest.main()
