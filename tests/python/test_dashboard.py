"""Store.dashboard_html: the HTML dashboard of csvc_report_dashboard_html,
on the hand-built week of test_reports.py: a str page whose embedded JSON
holds the same reports as report_kpis, report_sla and report_state_times,
whose numbers carry their figures, with store text escaped, and whose
argument errors raise; Report.to_html: the same page for a report's range
and store, by the store that made it."""

import datetime
import gc
import html.parser
import json
import os
import shutil
import sys
import tempfile
import unittest
import weakref

import csvc
from csvc_testutil import open_store
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


WEEK = (T0, T0 + 7 * DAY)
KINDS = ("report_scores", "report_kpis", "report_sla", "report_state_times")
OPTIONS = dict(title="SH01 <周报>", period_label="2026-W01", min_sample=2, csi_target=90.0,
               response_target=datetime.timedelta(minutes=20), top_categories=3)


def embedded(page):
    return json.loads("".join(parse(page).json))


class ReportToHtmlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="csvc-tohtml-")
        cls.path = os.path.join(cls.dir, "week.db")
        cls.store = build_week(cls.path)  # its clock stays at T0+7d: generated_at is fixed

    @classmethod
    def tearDownClass(cls):
        cls.store.close()
        shutil.rmtree(cls.dir)

    def open_second(self):
        """Another Store on the same file, with the same fixed clock."""
        return open_store(self.path, clock=lambda: T0 + 7 * DAY)

    def test_same_page_as_dashboard_html_for_each_kind(self):
        s = self.store
        ranges = [WEEK, (T0 + DAY, T0 + 3 * DAY)]
        for kind in KINDS:
            for from_, to in ranges:
                for code in (None, "SH01", "BJ02"):
                    with self.subTest(kind=kind, from_=from_, to=to, store_code=code):
                        report = getattr(s, kind)(from_, to, store_code=code)
                        page = report.to_html()
                        self.assertEqual(page, s.dashboard_html(from_, to, store_code=code))
                        data = embedded(page)
                        self.assertEqual(data["store_code"], code)
                        self.assertEqual(data["reports"]["kpis"],
                                         s.report_kpis(from_, to, store_code=code).json())

    def test_other_filters_do_not_change_the_page(self):
        # Only the range and store_code carry over: the dashboard has no
        # staff, grouping or threshold of its own query.
        s = self.store
        want = s.dashboard_html(*WEEK, store_code="SH01")
        r = s.report_kpis(*WEEK, store_code="SH01", staff="li", group_by="staff", min_sample=5,
                          csi_target=70.0)
        self.assertEqual(r.to_html(), want)
        r = s.report_scores(*WEEK, store_code="SH01", survey="post_resolution", group_by="period", period="week")
        self.assertEqual(r.to_html(), want)

    def test_options_pass_through(self):
        s = self.store
        for kind in KINDS:
            report = getattr(s, kind)(*WEEK, store_code="SH01")
            page = report.to_html(**OPTIONS)
            self.assertEqual(page, s.dashboard_html(*WEEK, store_code="SH01", **OPTIONS), kind)
            self.assertIn("<title>SH01 &lt;周报&gt;</title>", page)
            data = embedded(page)
            self.assertEqual(data["title"], "SH01 <周报>")
            self.assertEqual(data["period_label"], "2026-W01")
            self.assertEqual(data["targets"]["csi"], 90)
            self.assertEqual(data["targets"]["response_mean_us"], 20 * 60 * 10**6)
            self.assertNotEqual(page, report.to_html())
        report = s.report_sla(*WEEK)
        for name, value in OPTIONS.items():
            with self.subTest(option=name):
                self.assertEqual(report.to_html(**{name: value}), s.dashboard_html(*WEEK, **{name: value}))
        self.assertEqual(report.to_html(response_target=20 * 60 * 10**6),
                         s.dashboard_html(*WEEK, response_target=datetime.timedelta(minutes=20)))
        self.assertEqual(report.to_html(title=None, response_target=None), report.to_html())

    def test_argument_errors(self):
        r = self.store.report_kpis(*WEEK)
        for bad in ({"from_": T0}, {"to": T0}, {"store_code": "SH01"}, {"staff": "li"}):
            with self.subTest(bad=bad), self.assertRaises(TypeError):
                r.to_html(**bad)
        with self.assertRaises(TypeError):
            r.to_html("title")  # keyword-only
        with self.assertRaises(TypeError):
            r.to_html(response_target="30 min")
        with self.assertRaises(csvc.InvalidArgument):
            r.to_html(title="two\nlines")
        with self.assertRaises(csvc.OutOfRange):
            r.to_html(top_categories=101)

    def test_closed_store_raises(self):
        store = self.open_second()
        reports = [getattr(store, kind)(*WEEK, store_code="SH01") for kind in KINDS]
        page = reports[0].to_html()
        store.close()
        with self.assertRaises(csvc.StoreClosed) as direct:
            store.dashboard_html(*WEEK, store_code="SH01")
        for r in reports:
            with self.subTest(type=r.type), self.assertRaises(csvc.StoreClosed) as cm:
                r.to_html()
            self.assertEqual(str(cm.exception), str(direct.exception))
            self.assertEqual(cm.exception.code, direct.exception.code)
            self.assertEqual(len(r.to_json()) > 0, True)  # the rows themselves stay valid
        # argument errors still come first, as on the store
        with self.assertRaises(TypeError):
            reports[0].to_html(bogus=1)
        self.assertEqual(page, self.store.dashboard_html(*WEEK, store_code="SH01"))

    def test_report_keeps_the_store_alive(self):
        store = self.open_second()
        self.assertTrue(hasattr(store, "__weakref__"))
        ref = weakref.ref(store)
        report = store.report_state_times(*WEEK, store_code="SH01")
        del store
        gc.collect()
        self.assertIsNotNone(ref())
        self.assertFalse(ref().closed)
        self.assertEqual(report.to_html(), self.store.dashboard_html(*WEEK, store_code="SH01"))
        del report
        gc.collect()
        self.assertIsNone(ref())

    def test_cycles_are_collected(self):
        # store -> __dict__ -> report -> store, and store -> hook -> closure
        # -> report -> store; the collector may break them in any order.
        for round_ in range(10):
            store = self.open_second()
            ref = weakref.ref(store)
            reports = [getattr(store, kind)(*WEEK) for kind in KINDS]
            store.last = reports[0]
            store.change_hook = lambda ev, r=reports[1]: r
            if round_ % 2:
                store.close()
            del store, reports
            gc.collect()
            self.assertIsNone(ref(), round_)

    def test_no_reference_leaks(self):
        store = self.open_second()
        r = store.report_kpis(*WEEK, store_code="SH01")
        closed = self.open_second()
        rc = closed.report_sla(*WEEK)
        closed.close()

        def cycle(n):
            for _ in range(n):
                x = store.report_sla(*WEEK, store_code="SH01")
                del x
                r.to_html(top_categories=2)
                for bad in ({"top_categories": 101}, {"title": ""}, {"response_target": "x"}, {"from_": T0}):
                    try:
                        r.to_html(**bad)
                    except (csvc.Error, TypeError):
                        pass
                try:
                    rc.to_html()
                except csvc.StoreClosed:
                    pass

        cycle(5)
        gc.collect()
        before = (sys.getrefcount(store), sys.getrefcount(closed), sys.getrefcount(r), sys.getrefcount(rc))
        cycle(50)
        gc.collect()
        after = (sys.getrefcount(store), sys.getrefcount(closed), sys.getrefcount(r), sys.getrefcount(rc))
        self.assertEqual(after, before)
        del r, rc
        store.close()


if __name__ == "__main__":
    unittest.main()
