"""Appraisal inputs: Store.report_staff and the multi-source appraisals
(Store.record_appraisal, appraisals, appraisal_summary); docs/staff.md,
docs/reports.md, docs/python.md. Runs on both engines."""

import datetime
import os
import tempfile
import uuid

import csvc
from csvc import AppraisalCriterion, AppraisalSource, Metric, Staff
from csvc_testutil import ManualClock, StoreTestCase, open_store, store_sql

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


class StaffReportTest(StoreTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-py-")
        self.path = os.path.join(self.dir, "test.db")
        self.dir_clock = ManualClock(T0 - 3 * DAY)
        self.store = open_store(self.path, clock=self.dir_clock)
        self.store.install_defaults()
        for code in ("li", "wang"):
            self.store.create_staff(Staff(code, code, home_store="SH01"), actor="setup")

    def at(self, when):
        self.dir_clock.now = when

    def test_figures(self):
        s = self.store
        # F: li's, created before the range, answered in it.
        self.at(T0 - 2 * DAY)
        f = self.ticket("inquiry", assignee="li")
        # A: created and answered in range, after a reply 10 minutes in.
        self.at(T0)
        a = self.ticket("inquiry", assignee="li")
        self.at(T0 + 10 * MIN)
        s.comment_ticket(a.id, csvc.CommentKind.REPLY, "您好")
        self.at(T0 + 30 * MIN)
        s.transition_ticket(a.id, "answer")
        # C: li's complaint, left open; W: wang's.
        self.at(T0 + HOUR)
        self.ticket("complaint", assignee="li")
        self.ticket("complaint", assignee="wang")
        self.at(T0 + DAY)
        s.transition_ticket(f.id, "answer")
        self.at(T0 + 7 * DAY)
        r = s.report_staff(T0, T0 + 7 * DAY, staff="li")
        self.assertEqual(r.type, "staff")
        self.assertEqual(len(r), 1)
        row = r[0]
        self.assertEqual(row.key, "li")
        self.assertEqual(row.tickets, 2)               # A and C
        self.assertEqual(row.resolved, 1)              # A
        self.assertEqual(row.resolved_in_range, 2)     # A and F
        self.assertEqual(row.complaints, 1)
        self.assertEqual(row.complaints_resolved, 0)
        self.assertEqual(row.response_n, 1)
        self.assertEqual(row.response_mean, 10 * MIN)
        self.assertEqual(row.value(Metric.RESOLVED_IN_RANGE), 2)
        self.assertIn('"resolved_in_range":2', r.to_json())
        by_day = s.report_staff(T0, T0 + 3 * DAY, staff="li", group_by="period", period="day")
        self.assertEqual([(x.key, x.resolved_in_range) for x in by_day],
                         [("2026-01-01", 1), ("2026-01-02", 1), ("2026-01-03", 0)])
        with self.assertRaises(csvc.InvalidArgument):
            s.report_staff(T0, T0 + DAY)
        with self.assertRaises(csvc.NotFound):
            s.report_staff(T0, T0 + DAY, staff="nobody")
        with self.assertRaises(csvc.InvalidArgument):
            s.report_staff(T0, T0 + DAY, staff="li", group_by="store")


class AppraisalTest(StoreTestCase):
    def setUp(self):
        super().setUp()
        for code, role in [("li", "service_agent"), ("wang", "service_agent"), ("zhao", "supervisor"),
                           ("admin", "data_admin")]:
            self.store.create_staff(Staff(code, code, home_store="SH01", roles=[role]), actor="setup")

    def test_record_list_summary(self):
        s = self.store
        i = s.record_appraisal("li", "2026-Q4", AppraisalSource.SUPERVISOR, rater="zhao", customer_satisfaction=4,
                               efficiency=5, teamwork=4, skill_growth=3, comment="耐心", actor="hr")
        self.assertIsInstance(i, uuid.UUID)
        s.record_appraisal("li", "2026-Q4", "customer", customer_satisfaction=5)
        s.record_appraisal("li", "2026-Q4", 3, rater="wang", teamwork=5)
        s.record_appraisal("li", "2026-Q4", "self", efficiency=3, skill_growth=4)
        s.record_appraisal("li", "2026", "supervisor", rater="zhao", efficiency=2)
        q4 = s.appraisals("li", "2026-Q4")
        self.assertEqual([a.source for a in q4], [AppraisalSource.SUPERVISOR, AppraisalSource.CUSTOMER,
                                                  AppraisalSource.PEER, AppraisalSource.SELF])
        first = q4[0]
        self.assertEqual((first.id, first.staff, first.period, first.rater, first.comment, first.actor),
                         (i, "li", "2026-Q4", "zhao", "耐心", "hr"))
        self.assertEqual((first.customer_satisfaction, first.efficiency, first.teamwork, first.skill_growth),
                         (4, 5, 4, 3))
        self.assertEqual(first.score(AppraisalCriterion.TEAMWORK), 4)
        self.assertIsNone(q4[1].rater)
        self.assertIsNone(q4[1].efficiency)
        self.assertEqual(q4[3].rater, "li")
        self.assertIsInstance(first.recorded_at, datetime.datetime)
        self.assertEqual(len(s.appraisals("li")), 5)
        self.assertEqual(s.appraisals("wang"), [])
        # The summary against sums made here.
        scores = {AppraisalSource.SUPERVISOR: [4, 5, 4, 3], AppraisalSource.CUSTOMER: [5],
                  AppraisalSource.PEER: [5], AppraisalSource.SELF: [3, 4]}
        sm = s.appraisal_summary("li", "2026-Q4")
        self.assertEqual(sm.records(), 4)
        for src, values in scores.items():
            self.assertEqual(sm.records(src), 1)
            self.assertEqual(sm.count(src), len(values))
            self.assertAlmostEqual(sm.mean(src), sum(values) / len(values))
        every = [v for values in scores.values() for v in values]
        self.assertAlmostEqual(sm.mean(), sum(every) / len(every))
        self.assertAlmostEqual(sm.mean(None, AppraisalCriterion.CUSTOMER_SATISFACTION), 4.5)
        self.assertIsNone(sm.mean(AppraisalSource.PEER, AppraisalCriterion.EFFICIENCY))
        self.assertEqual(s.appraisal_summary("li").records(AppraisalSource.SUPERVISOR), 2)

    def test_refusals_change_nothing(self):
        s = self.store
        cases = [
            (csvc.InvalidArgument, ("li", "2026-Q5", "supervisor"), {"rater": "zhao", "efficiency": 3}),
            (csvc.InvalidArgument, ("li", "2026", "supervisor"), {"rater": "zhao"}),
            (csvc.InvalidArgument, ("li", "2026", "supervisor"), {"rater": "zhao", "teamwork": 6}),
            (csvc.InvalidArgument, ("li", "2026", "supervisor"), {"efficiency": 3}),
            (csvc.InvalidArgument, ("li", "2026", "peer"), {"rater": "li", "efficiency": 3}),
            (csvc.InvalidArgument, ("li", "2026", "customer"), {"rater": "wang", "efficiency": 3}),
            (csvc.InvalidArgument, ("li", "2026", 9), {"efficiency": 3}),
            (csvc.NotFound, ("nobody", "2026", "customer"), {"efficiency": 3}),
            (csvc.NotFound, ("li", "2026", "peer"), {"rater": "nobody", "efficiency": 3}),
            (csvc.OutOfRange, ("li", "2026-Q4-x", "customer"), {"efficiency": 3}),
        ]
        for exc, args, kw in cases:
            with self.subTest(args=args, kw=kw), self.assertRaises(exc):
                s.record_appraisal(*args, **kw)
        with self.assertRaises(ValueError):
            s.record_appraisal("li", "2026", "boss", efficiency=3)
        self.assertEqual(s.appraisals("li"), [])
        self.assertEqual(s.feed_after(0, 10000)[-1].type != "appraisal_recorded", True)

    def test_append_only(self):
        self.store.record_appraisal("li", "2026", "customer", customer_satisfaction=5)
        for statement in ("UPDATE staff_appraisals SET customer_satisfaction = 1", "DELETE FROM staff_appraisals"):
            with self.subTest(statement=statement), self.assertRaises(Exception):
                store_sql(self.path, statement)
        self.assertEqual(self.store.appraisals("li")[0].customer_satisfaction, 5)
        entry = self.store.feed_after(0, 10000)[-1]
        self.assertEqual((entry.type, entry.subject_kind, entry.reference), ("appraisal_recorded", "staff", "li"))
        self.assertEqual(entry.data["source"], "customer")
        self.assertNotIn("customer_satisfaction", entry.payload)

    def test_access(self):
        with open_store(self.path, clock=self.fake_clock, access_control=True) as a:
            a.set_principal("wang")
            a.record_appraisal("li", "2026-Q4", "peer", teamwork=4)
            with self.assertRaises(csvc.AccessDenied):
                a.record_appraisal("li", "2026-Q4", "peer", rater="zhao", teamwork=4)
            with self.assertRaises(csvc.AccessDenied):
                a.record_appraisal("li", "2026-Q4", "self", teamwork=4)
            with self.assertRaises(csvc.AccessDenied):
                a.record_appraisal("li", "2026-Q4", "supervisor", teamwork=4)
            with self.assertRaises(csvc.AccessDenied):
                a.appraisals("li")
            with self.assertRaises(csvc.AccessDenied):
                a.report_staff(T0, T0 + DAY, staff="li")
            # one's own staff report needs no reports_read
            self.assertEqual([x.key for x in a.report_staff(T0, T0 + DAY, staff="wang")], ["wang"])
            a.record_appraisal("wang", "2026-Q4", "self", teamwork=4)
            self.assertEqual([x.rater for x in a.appraisals("wang")], ["wang"])
            self.assertEqual(a.appraisal_summary("wang").records(), 1)
            a.set_principal("admin")
            a.record_appraisal("li", "2026-Q4", "supervisor", efficiency=5)
            a.set_principal("zhao")
            self.assertEqual([x.rater for x in a.appraisals("li")], ["wang", "admin"])
            a.report_staff(T0, T0 + DAY, staff="li")
