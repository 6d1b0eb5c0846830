"""Reports: service KPIs on the hand-built week of tests/unit/test-report.c
(response and resolution times, SLA compliance, complaint timeliness,
first-contact resolution, reopen rate, backlog and ageing, complaint rate),
the SLA and state-time reports, the Report and ReportRow objects, JSON,
query errors, and a Report outliving its store."""

import copy
import datetime
import gc
import json
import os
import shutil
import tempfile
import threading
import unittest
import weakref

import csvc
from csvc_testutil import ManualClock, open_store

UTC = datetime.timezone.utc
MIN = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
T0 = datetime.datetime(2026, 1, 1, tzinfo=UTC)
US_PER_MIN = 60 * 10**6
US_PER_H = 60 * US_PER_MIN
EPS = 1e-6


def build_week(path):
    """The week (SH01 has no calendar: business time is wall-clock time):

      A inquiry (li)     T0: reply +10 min, answer +30 min, close +40 min.
      B inquiry (li)     T0+1h: escalate +5 min, reply +15 min, answer at 3h,
                         reopen at 4h, answer at 5h.
      C complaint (wang) T0+2h: reply and analyse at 3h, handle at 4h, report
                         back at 52h (handled, due at 50h, is met late).
      D inquiry          T0+3d, left received.
      E suggestion       T0+6.5d, left new.

    The SLA is advanced to T0+7d; A's customer answers the post-resolution
    survey 5 5 3 at T0+2d; SH01 records 1,000 transactions a day from
    2026-01-01 to 01-08. Returns the open store (clock at T0+7d).
    """
    clock = ManualClock(T0)
    s = open_store(path, clock=clock)
    s.install_defaults()

    def ticket(kind, assignee, at):
        clock.now = at
        return s.create_ticket(csvc.Ticket(kind, "SH01", subject="kpi", assignee=assignee,
                                           channel="phone" if kind == "complaint" else "store_counter"),
                               actor="clerk")

    def move(t, transition, at):
        clock.now = at
        s.transition_ticket(t, transition, actor="agent")

    def reply(t, at):
        clock.now = at
        s.comment_ticket(t, csvc.CommentKind.REPLY, "您好", actor="agent")

    a = ticket("inquiry", "li", T0)
    reply(a, T0 + 10 * MIN)
    move(a, "answer", T0 + 30 * MIN)
    move(a, "close", T0 + 40 * MIN)
    b = ticket("inquiry", "li", T0 + H)
    move(b, "escalate", T0 + H + 5 * MIN)
    reply(b, T0 + H + 15 * MIN)
    move(b, "answer", T0 + 3 * H)
    move(b, "reopen", T0 + 4 * H)
    move(b, "answer", T0 + 5 * H)
    c = ticket("complaint", "wang", T0 + 2 * H)
    reply(c, T0 + 3 * H)
    move(c, "analyse", T0 + 3 * H)
    move(c, "handle", T0 + 4 * H)
    move(c, "report_back", T0 + 52 * H)
    ticket("inquiry", None, T0 + 3 * DAY)
    ticket("suggestion", None, T0 + 6 * DAY + 12 * H)
    clock.now = T0 + 7 * DAY
    s.sla_advance(clock.now)
    token = s.invite("post_resolution", ticket=a, method=csvc.SurveyMethod.PHONE_CALLBACK)
    clock.now = T0 + 2 * DAY
    s.respond(token, {"response_speed": 5, "resolution_efficiency": 5, "solution_satisfaction": 3})
    clock.now = T0 + 7 * DAY
    for day in range(1, 9):
        s.record_transactions("SH01", datetime.date(2026, 1, day), 1000)
    return s


class WeekTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="csvc-report-")
        cls.path = os.path.join(cls.dir, "week.db")
        cls.store = build_week(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.store.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def kpis(self, **kw):
        return self.store.report_kpis(T0, T0 + 7 * DAY, **kw)


class KpiTest(WeekTestCase):
    def test_week(self):
        r = self.kpis()
        self.assertEqual((r.type, r.from_, r.to, r.group_by, r.period, r.min_sample),
                         ("kpis", T0, T0 + 7 * DAY, None, None, 30))
        self.assertEqual(len(r), 1)
        row = r[0]
        self.assertEqual((row.key, row.tickets, row.resolved), ("all", 5, 3))  # A, B, C resolved
        # First response (first_response / respond met): 10 min, 15 min, 1 h.
        self.assertEqual(row.response_n, 3)
        self.assertAlmostEqual(row.response_mean_us, (10 + 15 + 60) * US_PER_MIN / 3, delta=EPS)
        self.assertEqual(row.response_mean, datetime.timedelta(minutes=85 / 3))
        self.assertEqual(row.response_median, 15 * MIN)  # nearest rank ceil(1.5) = 2
        self.assertEqual(row.response_p90, 60 * MIN)  # rank ceil(2.7) = 3
        # Resolution: A 30 min; B 2 h, reopened, +1 h = 3 h; C 50 h (late).
        self.assertEqual(row.resolution_n, 3)
        self.assertEqual(row.resolution_mean, (30 * MIN + 3 * H + 50 * H) / 3)
        self.assertEqual((row.resolution_median, row.resolution_p90), (3 * H, 50 * H))
        # On time: A 2, B 2, C respond + reported_back; breached: C handled,
        # D first_response and resolution, E first_response. 6 / 10.
        self.assertEqual((row.sla_on_time, row.sla_breached), (6, 4))
        self.assertAlmostEqual(row.sla_compliance, 0.6, delta=EPS)
        self.assertLess(row.sla_compliance_low, 0.6)
        self.assertGreater(row.sla_compliance_high, 0.6)
        self.assertEqual((row.complaints, row.complaint_24h, row.complaint_48h, row.complaint_72h), (1, 1, 0, 1))
        # FCR: A only (straight to answered, then closed; one reply).
        self.assertEqual((row.fcr, row.reopened), (1, 1))
        self.assertAlmostEqual(row.fcr_rate, 1 / 3, delta=EPS)
        self.assertAlmostEqual(row.reopen_rate, 1 / 3, delta=EPS)
        # Backlog at T0+7d: D (4 d old), E (12 h old).
        self.assertEqual((row.backlog, row.age_under_1d, row.age_1_3d, row.age_3_7d, row.age_over_7d),
                         (2, 1, 0, 1, 0))
        # 7 days of 1,000 transactions, one complaint.
        self.assertEqual(row.transactions, 7000)
        self.assertAlmostEqual(row.complaint_rate, 1000 / 7000, delta=EPS)
        # Satisfaction figures ride along: 5 5 3 -> top two 2 of 3.
        self.assertEqual(row.responses, 1)
        self.assertAlmostEqual(row.csat, 2 / 3, delta=EPS)
        self.assertIsNone(row.nps)
        self.assertTrue(row.low_sample)
        # Figures by Metric, by name, as a dict.
        self.assertEqual(row.value(csvc.Metric.TICKETS), 5)
        self.assertEqual(row.value("sla_compliance"), row.sla_compliance)
        self.assertIsNone(row.value(csvc.Metric.STATE_VISITS))  # not a KPI figure
        self.assertIsNone(row.value(999))
        self.assertIsNone(row.value("nonsense"))
        self.assertEqual(list(row.metrics)[:3], ["responses", "csat_n", "csat"])
        self.assertEqual(list(row.metrics)[-1], "complaint_rate")
        self.assertTrue(all(v is None or isinstance(v, float) for v in row.metrics.values()))
        with self.assertRaises(AttributeError):
            row.state_visits
        with self.assertRaises(AttributeError):
            row._secret

    def test_json(self):
        r = self.kpis()
        text = r.to_json()
        self.assertIsInstance(text, str)
        for part in ('"report":"kpis"', '"tickets":5,"resolved":3', '"sla_compliance":0.6,',
                     '"complaint_48h":0,', '"nps":null'):
            self.assertIn(part, text)
        data = r.json()
        self.assertEqual(data, json.loads(text))
        self.assertEqual((data["report"], data["group_by"], data["min_sample"]), ("kpis", None, 30))
        self.assertEqual(data["from"], 1767225600 * 10**6)
        # The rows carry the same figures as the JSON (null is None).
        for row, jrow in zip(r, data["rows"]):
            self.assertEqual(row.key, jrow["key"])
            self.assertEqual(row.low_sample, jrow["low_sample"])
            self.assertEqual(row.metrics, jrow["metrics"])
            self.assertEqual(row.dimensions, jrow["dimensions"])
        # Period rows: period_start is the local wall-clock start in microseconds.
        r = self.kpis(group_by="period", period="day")
        data = r.json()
        self.assertEqual((data["group_by"], data["period"]), ("period", "day"))
        for row, jrow in zip(r, data["rows"]):
            self.assertEqual(row.period_start, datetime.datetime(1970, 1, 1)
                             + datetime.timedelta(microseconds=jrow["period_start"]))
            self.assertEqual(row.metrics, jrow["metrics"])

    def test_groupings(self):
        # Per staff member (appraisal).
        r = self.kpis(group_by=csvc.ReportGroup.STAFF, min_sample=2)
        self.assertEqual([x.key for x in r], ["", "li", "wang"])
        li, wang = r[1], r[2]
        self.assertEqual((li.tickets, li.resolved, li.sla_compliance), (2, 2, 1))
        self.assertEqual(li.response_mean, 12.5 * MIN)
        self.assertAlmostEqual(li.csat_mean, 13 / 3, delta=EPS)
        self.assertFalse(li.low_sample)
        self.assertTrue(wang.low_sample)
        self.assertAlmostEqual(wang.sla_compliance, 2 / 3, delta=EPS)
        self.assertIsNone(wang.csat)
        self.assertEqual(r[0].backlog, 2)
        self.assertIsNone(r[0].transactions)  # not per staff member
        # Per channel; per kind with a kind filter; per store.
        r = self.kpis(group_by="channel")
        self.assertEqual([(x.key, x.tickets) for x in r], [("phone", 1), ("store_counter", 4)])
        self.assertEqual(r[1].responses, 1)
        r = self.kpis(group_by="kind", kind="inquiry")
        self.assertEqual([(x.key, x.tickets) for x in r], [("inquiry", 3)])
        self.assertIsNone(r[0].complaint_24h)
        r = self.kpis(group_by="store")
        self.assertEqual(r[0].key, "SH01")
        self.assertAlmostEqual(r[0].complaint_rate, 1000 / 7000, delta=EPS)
        # Daily trend: the backlog at each day's end.
        r = self.kpis(group_by="period", period=csvc.ReportPeriod.DAY)
        self.assertEqual(len(r), 7)
        self.assertEqual([x.backlog for x in r], [1, 1, 0, 1, 1, 1, 2])
        self.assertEqual([x.key for x in r][:2], ["2026-01-01", "2026-01-02"])
        self.assertEqual((r[0].age_under_1d, r[1].age_1_3d, r[3].age_1_3d), (1, 1, 1))
        self.assertEqual((r[0].tickets, r[0].transactions, r[0].complaint_rate), (3, 1000, 1))
        self.assertEqual(r[1].complaint_rate, 0)
        self.assertEqual(r[6].period_start, datetime.datetime(2026, 1, 7))
        # A chosen response target.
        row = self.kpis(response_target="respond")[0]
        self.assertEqual((row.response_n, row.response_mean), (1, H))
        # A range with nothing in it.
        row = self.store.report_kpis(T0 - 7 * DAY, T0)[0]
        self.assertEqual((row.tickets, row.backlog), (0, 0))
        self.assertIsNone(row.response_mean)
        self.assertIsNone(row.response_mean_us)
        self.assertIsNone(row.fcr_rate)
        self.assertIsNone(row.complaint_rate)  # no transactions

    def test_sla_and_state_times(self):
        r = self.store.report_sla(T0, T0 + 7 * DAY, group_by="store")  # group_by is ignored
        self.assertEqual((r.type, r.group_by, r.period), ("sla", None, None))
        want = [("first_response", 2, 2), ("handled", 0, 1), ("next_update", 0, 0), ("reported_back", 1, 0),
                ("resolution", 2, 1), ("respond", 1, 0)]
        self.assertEqual([(x.key, x.sla_on_time, x.sla_breached) for x in r], want)
        self.assertEqual(r[0].sla_compliance, 0.5)
        self.assertIsNone(r[2].sla_compliance)
        self.assertEqual(list(r[0].metrics), ["sla_on_time", "sla_breached", "sla_compliance",
                                              "sla_compliance_low", "sla_compliance_high"])
        self.assertEqual(r[0].dimensions, {})
        with self.assertRaises(AttributeError):
            r[0].tickets
        self.assertEqual([x.metrics for x in r], [x["metrics"] for x in r.json()["rows"]])

        r = self.store.report_state_times(T0, T0 + 7 * DAY)
        self.assertEqual(r.type, "state_times")
        rows = {x.key: x for x in r}
        # inquiry/received: A 30 min, B 5 min, D 4 d (still there at the clock).
        rec = rows["inquiry/received"]
        self.assertEqual(rec.state_visits, 3)
        self.assertEqual(rec.state_time_total, 4 * DAY + 35 * MIN)
        self.assertEqual((rec.state_time_median, rec.state_time_p90), (30 * MIN, 4 * DAY))
        self.assertEqual(rec.state_time_total_us, (4 * 24 * 60 + 35) * US_PER_MIN)
        # B: 5 min .. 3 h and 4 h .. 5 h.
        handler = rows["inquiry/assigned_handler"]
        self.assertEqual(handler.state_visits, 2)
        self.assertEqual(handler.state_time_mean, (115 * MIN + 60 * MIN) / 2)
        self.assertEqual(rows["complaint/handling"].state_time_total, 48 * H)
        self.assertFalse(any(k.endswith("/closed") for k in rows))
        self.assertIn('"report":"state_times"', r.to_json())
        self.assertIn('"key":"complaint/handling"', r.to_json())


class TransactionsTest(unittest.TestCase):
    def test_record_transactions(self):
        with tempfile.TemporaryDirectory(prefix="csvc-report-") as d:
            path = os.path.join(d, "week.db")
            with build_week(path) as s:
                for exc, args in ((csvc.InvalidArgument, ("SH 01", datetime.date(2026, 1, 1), 1)),
                                  (csvc.InvalidArgument, ("SH01", datetime.date(2026, 1, 1), -1)),
                                  (TypeError, ("SH01", datetime.datetime(2026, 1, 1, tzinfo=UTC), 1)),
                                  (TypeError, ("SH01", 20260101, 1)),
                                  (TypeError, (None, datetime.date(2026, 1, 1), 1))):
                    with self.subTest(args=args):
                        with self.assertRaises(exc):
                            s.record_transactions(*args)
                s.record_transactions("SH01", datetime.date(2026, 1, 1), 500)  # replaces
                r = s.report_kpis(T0, T0 + 7 * DAY, group_by="store")
                self.assertEqual(r[0].transactions, 6500)
                with self.assertRaises(KeyError):  # it takes part in the caller's transaction
                    with s.transaction():
                        s.record_transactions(store_code="SH01", date=datetime.date(2026, 1, 2), count=0)
                        raise KeyError("undo")
                self.assertEqual(s.report_kpis(T0, T0 + 7 * DAY)[0].transactions, 6500)
                ro = open_store(path, readonly=True)
                try:
                    with self.assertRaises(csvc.ReadOnly):
                        ro.record_transactions("SH01", datetime.date(2026, 1, 1), 1)
                    self.assertEqual(ro.report_kpis(T0, T0 + 7 * DAY)[0].tickets, 5)  # reports read
                finally:
                    ro.close()


class ReportObjectTest(WeekTestCase):
    def test_sequence(self):
        r = self.kpis(group_by="period", period="day")
        self.assertEqual(len(r), 7)
        rows = list(r)
        self.assertEqual(rows[0], r[0])
        self.assertEqual(r[-1], rows[6])
        self.assertEqual(r[-7], rows[0])
        self.assertEqual(r[1:3], rows[1:3])
        self.assertEqual(r[::-2], rows[::-2])
        self.assertEqual(r[10:], [])
        for bad in (7, -8):
            with self.assertRaises(IndexError):
                r[bad]
        with self.assertRaises(TypeError):
            r["2026-01-01"]
        self.assertEqual([x.key for x in reversed(r)][0], "2026-01-07")
        self.assertIs(copy.copy(r), r)
        self.assertIs(copy.deepcopy(r), r)
        self.assertIn("kpis", repr(r))
        self.assertIn("period", repr(r))
        self.assertIsInstance(r[0], csvc.ReportRow)
        self.assertIsInstance(r[0], tuple)
        with self.assertRaises(TypeError):
            csvc.Report()
        # A row is a detached value.
        row = r[0]
        self.assertEqual(copy.deepcopy(row), row)
        self.assertEqual(row._replace(key="x").key, "x")

    def test_metric_names(self):
        names = {m: csvc.metric_name(m) for m in csvc.Metric}
        self.assertTrue(all(names.values()))
        self.assertEqual(len(set(names.values())), len(names))
        self.assertEqual(names[csvc.Metric.NPS_SE], "nps_se")
        self.assertEqual(names[csvc.Metric.RESPONSE_P90], "response_p90_us")
        self.assertEqual(names[csvc.Metric.WEIGHT], "weight")
        self.assertIsNone(csvc.metric_name(0))
        self.assertIsNone(csvc.metric_name(64))
        with self.assertRaises(TypeError):
            csvc.metric_name("nps")
        # Every figure of every report is a Metric.
        for r in (self.kpis(), self.store.report_sla(T0, T0 + DAY), self.store.report_state_times(T0, T0 + DAY)):
            for row in r:
                self.assertLessEqual(set(row.metrics), set(names.values()))

    def test_bad_queries(self):
        s = self.store
        cases = [
            (csvc.InvalidArgument, (T0, T0), {}),  # from >= to
            (csvc.InvalidArgument, (T0 + DAY, T0), {}),
            (ValueError, (T0, T0 + DAY), dict(group_by="weekday")),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(group_by=8)),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(group_by=-1)),
            (ValueError, (T0, T0 + DAY), dict(period="fortnight")),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(period=5)),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(method=9)),
            (ValueError, (T0, T0 + DAY), dict(method="pigeon")),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(min_sample=-1)),
            (csvc.OutOfRange, (T0, T0 + DAY), dict(csi_target=101)),
            (csvc.OutOfRange, (T0, T0 + DAY), dict(csi_target=-1)),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(csi_target=float("nan"))),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(survey_version=1)),  # a version without a survey
            (csvc.NotFound, (T0, T0 + DAY), dict(survey="ghost")),
            (csvc.NotFound, (T0, T0 + DAY), dict(survey="nps", survey_version=7)),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(survey="Bad Name")),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(store_code="with space")),
            (csvc.InvalidArgument, (T0, T0 + DAY), dict(channel="Phone")),
            (csvc.OutOfRange, (T0, T0 + DAY), dict(question="")),
            (TypeError, (datetime.datetime(2026, 1, 1), T0 + DAY), {}),  # naive
            (TypeError, (None, T0 + DAY), {}),
            (TypeError, (T0,), {}),
            (TypeError, (T0, T0 + DAY), dict(grouping="store")),
            (TypeError, (T0, T0 + DAY, "store"), {}),  # the filters are keyword-only
        ]
        for exc, args, kw in cases:
            with self.subTest(args=args, kw=kw):
                with self.assertRaises(exc):
                    s.report_scores(*args, **kw)
        with self.assertRaises(csvc.InvalidArgument):
            s.report_kpis(T0, T0 + DAY, group_by="method")  # scores only
        for fn in (s.report_sla, s.report_state_times):
            with self.assertRaises(csvc.InvalidArgument):
                fn(T0 + DAY, T0)
        # Times as int microseconds and keyword arguments.
        r = s.report_scores(from_=1767225600 * 10**6, to=T0 + DAY)
        self.assertEqual(r.from_, T0)


class ReportLifetimeTest(unittest.TestCase):
    def test_report_outlives_the_store(self):
        with tempfile.TemporaryDirectory(prefix="csvc-report-") as d:
            path = os.path.join(d, "week.db")
            build_week(path).close()
            for close_first in (False, True):
                store = open_store(path)
                ref = weakref.ref(store)
                reports = [store.report_kpis(T0, T0 + 7 * DAY, group_by="staff"),
                           store.report_sla(T0, T0 + 7 * DAY), store.report_state_times(T0, T0 + 7 * DAY)]
                rows = list(reports[0])
                if close_first:
                    store.close()
                del store
                gc.collect()
                self.assertIsNotNone(ref())  # a report keeps its store alive (for to_html)
                self.assertEqual([x.key for x in reports[0]], ["", "li", "wang"])
                self.assertEqual(reports[0][1].resolved, 2)
                self.assertEqual(reports[1][0].key, "first_response")
                self.assertIn("inquiry/received", reports[2].to_json())
                self.assertEqual(rows[2].key, "wang")
                del reports
                gc.collect()
                self.assertIsNone(ref())  # the last report gone, the store goes
                self.assertEqual(rows[1].tickets, 2)

    def test_threads_share_a_report(self):
        with tempfile.TemporaryDirectory(prefix="csvc-report-") as d:
            with build_week(os.path.join(d, "week.db")) as s:
                r = s.report_kpis(T0, T0 + 7 * DAY, group_by="period", period="day")
                want = [x.backlog for x in r]
                got, errors = [], []

                def work():
                    try:
                        for _ in range(50):
                            got.append([x.backlog for x in r])
                            s.report_scores(T0, T0 + DAY)
                    except Exception as e:  # pragma: no cover - reported below
                        errors.append(e)

                threads = [threading.Thread(target=work) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                self.assertEqual(errors, [])
                self.assertTrue(all(g == want for g in got))
                self.assertEqual(len(got), 200)


if __name__ == "__main__":
    unittest.main()
