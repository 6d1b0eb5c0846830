"""SLA timers: policies, per-ticket targets, advance with a callback,
warnings and breaches at their exact instants, next wakeup, recompute."""

import datetime
import gc
import os
import shutil
import sys
import tempfile
import time
import traceback
import unittest

import csvc
from csvc_testutil import ON_PG, UTC, ZONEINFO, ManualClock, open_store, store_sql
from test_lifetimes import rss_kib, under_asan

US = datetime.timedelta(microseconds=1)
MIN = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)

# Monday 2026-11-23 00:00 UTC; the +08:00 store opens at 09:00 = 01:00 UTC.
MON = datetime.datetime(2026, 11, 23, tzinfo=UTC)


def local(day, h, m=0):
    """Store-local (+08:00) time `h:m` on day MON + `day`, as an instant."""
    return MON + datetime.timedelta(days=day, hours=h - 8, minutes=m)


# Mon-Fri 09:00-12:00 and 13:00-18:00 at +08:00; Wednesday 2026-11-25 a holiday.
SH_CALENDAR = """{"zone": "+08:00", "versions": [{"week": {
  "mon": ["09:00-12:00", "13:00-18:00"], "tue": ["09:00-12:00", "13:00-18:00"],
  "wed": ["09:00-12:00", "13:00-18:00"], "thu": ["09:00-12:00", "13:00-18:00"],
  "fri": ["09:00-12:00", "13:00-18:00"], "sat": [], "sun": []}}],
  "holidays": ["2026-11-25"]}"""

LONDON_OFFICE = ('{"zone": "Europe/London", "versions": [{"week": {"mon": ["09:00-18:00"], '
                 '"tue": ["09:00-18:00"], "wed": ["09:00-18:00"], "thu": ["09:00-18:00"], '
                 '"fri": ["09:00-18:00"]}}]}')


class AlarmError(Exception):
    pass


class SlaTestCase(unittest.TestCase):
    """A store with the handbook defaults, a manual clock, the test zone
    files, and the SH calendar attached to store code SH01."""

    python_clock = True

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-sla-")
        self.path = os.path.join(self.dir, "sla.db")
        self.clock = ManualClock(MON)
        self.store = open_store(self.path, clock=self.clock if self.python_clock else None,
                                zoneinfo_dir=ZONEINFO)
        self.store.install_defaults()
        self.store.install_sla_defaults()  # idempotent: already part of install_defaults
        self.store.save_calendar("sh", csvc.Calendar.parse(SH_CALENDAR))
        self.store.attach_calendar("SH01", "sh")

    def tearDown(self):
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def open_ticket(self, kind, at, store_code="SH01"):
        self.clock.now = at
        return self.store.create_ticket(csvc.Ticket(kind, store_code, subject="sla"), actor="clerk")

    def targets(self, ticket):
        return {x.name: x for x in self.store.sla_targets(ticket)}

    def history(self, ticket, *types):
        return [(e.type, e.at, e.data) for e in self.store.ticket_history(ticket) if e.type in types]


class SlaScenarioTest(SlaTestCase):
    def test_inquiry_handbook_default(self):
        s = self.store
        t = self.open_ticket("inquiry", local(0, 17, 50))
        fr = self.targets(t)["first_response"]
        self.assertIsInstance(fr, csvc.SlaTarget)
        self.assertEqual(fr.ticket, t.id)
        self.assertEqual(fr.ticket_number, t.number)
        self.assertEqual((fr.policy, fr.policy_version), ("handbook_inquiry", 1))
        self.assertIs(fr.status, csvc.SlaStatus.RUNNING)
        self.assertEqual(fr.duration, 20 * MIN)
        # 10 min on Monday, 10 more on Tuesday from 09:00.
        self.assertEqual(fr.due_at, local(1, 9, 10))
        self.assertEqual(fr.used, datetime.timedelta(0))
        self.assertEqual(fr.remaining, 20 * MIN)
        self.assertEqual(fr.percent_used, 0.0)
        self.assertIsNone(fr.met_at)
        self.assertIsNone(fr.breached_at)
        # 24 business hours: 10 min Mon, 8 h Tue, Wed holiday, 8 h Thu, 7 h 50 Fri.
        self.assertEqual(self.targets(t)["resolution"].due_at, local(4, 17, 50))
        self.assertEqual(s.sla_next_wakeup(), local(1, 9, 6))  # 80 % = 16 min

        hooked, alarms = [], []
        s.change_hook = lambda ev: hooked.append(ev.type)
        self.assertEqual(s.sla_advance(local(1, 9, 5), alarms.append), 0)
        self.assertEqual(s.sla_advance(now=local(1, 9, 6), callback=alarms.append), 1)
        self.assertEqual(len(alarms), 1)
        a = alarms[0]
        self.assertIsInstance(a, csvc.SlaAlarm)
        # The walk's callback gets no feed entry (event, position): subscribe_alarms does.
        self.assertEqual(a, (t.id, t.number, "first_response", 80, local(1, 9, 6), None, None))
        self.assertFalse(a.is_breach)
        self.assertEqual(hooked, ["sla_warning"])
        self.assertEqual(s.sla_advance(local(1, 9, 8), alarms.append), 0)  # exactly once
        self.assertEqual(self.history(t, "sla_warning"),
                         [("sla_warning", local(1, 9, 6), {"target": "first_response", "percent": 80, "cycle": 0})])

        self.clock.now = local(1, 9, 8)
        risk = list(s.sla_at_risk(limit=10))
        self.assertEqual([x.name for x in risk], ["first_response"])
        self.assertEqual(risk[0].used, 18 * MIN)
        self.assertEqual(risk[0].remaining, 2 * MIN)
        self.assertAlmostEqual(risk[0].percent_used, 90.0, places=6)

        # A reply at exactly the due instant is on time.
        self.clock.now = local(1, 9, 10)
        s.comment_ticket(t, csvc.CommentKind.REPLY, "您好", actor="clerk")
        fr = self.targets(t)["first_response"]
        self.assertIs(fr.status, csvc.SlaStatus.MET)
        self.assertEqual(fr.met_at, local(1, 9, 10))
        self.assertIsNone(fr.due_at)
        self.assertEqual(list(s.sla_at_risk()), [])

        # The resolution warning at 80 % (19 h 12 min: Friday 13:02) ...
        self.assertEqual(s.sla_next_wakeup(), local(4, 13, 2))
        self.assertEqual(s.sla_advance(local(4, 17, 50), alarms.append), 1)
        self.assertEqual(alarms[-1], (t.id, t.number, "resolution", 80, local(4, 13, 2), None, None))
        # ... and its breach: pending at its instant + 1 µs, dated at the instant.
        self.assertEqual(s.sla_next_wakeup(), local(4, 17, 50) + US)
        self.assertEqual(s.sla_advance(local(4, 17, 50), alarms.append), 0)
        self.assertEqual(s.sla_advance(local(4, 17, 50) + US, alarms.append), 1)
        self.assertEqual(alarms[-1], (t.id, t.number, "resolution", 100, local(4, 17, 50), None, None))
        self.assertTrue(alarms[-1].is_breach)
        self.assertIsNone(s.sla_next_wakeup())
        self.clock.now = local(5, 10)
        breached = list(s.sla_breached())
        self.assertEqual([(x.name, x.status, x.breached_at) for x in breached],
                         [("resolution", csvc.SlaStatus.BREACHED, local(4, 17, 50))])
        self.assertLess(breached[0].remaining, datetime.timedelta(0))
        self.assertGreater(breached[0].percent_used, 100.0)
        self.assertEqual(hooked, ["sla_warning", "comment", "sla_warning", "sla_breach"])
        self.assertTrue(s.sla_recompute(t))
        self.assertTrue(s.sla_recompute(t.id, rewrite=True))

    def test_status_as_of_the_store_clock(self):
        # Nothing runs sla_advance: a passed deadline still reads as breached.
        s = self.store
        t0 = MON + 3 * H
        t = self.open_ticket("complaint", t0)
        self.clock.now = t0 + 24 * H
        self.assertIs(self.targets(t)["respond"].status, csvc.SlaStatus.RUNNING)
        self.assertEqual([x.name for x in s.sla_at_risk()], ["respond"])
        self.assertEqual(list(s.sla_breached()), [])
        self.clock.now = t0 + 24 * H + US
        respond = self.targets(t)["respond"]
        self.assertIs(respond.status, csvc.SlaStatus.BREACHED)
        self.assertEqual(respond.breached_at, t0 + 24 * H)
        self.assertEqual([(x.name, x.status, x.breached_at) for x in s.sla_breached()],
                         [("respond", csvc.SlaStatus.BREACHED, t0 + 24 * H)])
        self.assertEqual(list(s.sla_at_risk()), [])
        self.assertEqual(self.history(t, "sla_breach"), [])
        # Advance records the same instant.
        self.assertEqual(s.sla_advance(self.clock.now), 2)
        self.assertEqual(self.targets(t)["respond"].breached_at, t0 + 24 * H)

    def test_complaint_late_breach_and_escalation(self):
        s = self.store
        t0 = MON + 3 * H
        t = self.open_ticket("complaint", t0)
        self.assertEqual({n: x.due_at for n, x in self.targets(t).items()},
                         {"respond": t0 + 24 * H, "handled": t0 + 48 * H, "reported_back": t0 + 72 * H})
        # The host was down for four days: every alarm, in time order, at its instant.
        alarms = []
        self.assertEqual(s.sla_advance(t0 + 100 * H, alarms.append), 6)
        self.assertEqual([(a.target, a.percent, a.at) for a in alarms], [
            ("respond", 80, t0 + 24 * H * 8 / 10), ("respond", 100, t0 + 24 * H),
            ("handled", 80, t0 + 48 * H * 8 / 10), ("handled", 100, t0 + 48 * H),
            ("reported_back", 80, t0 + 72 * H * 8 / 10), ("reported_back", 100, t0 + 72 * H)])
        # The reported-back breach raised the priority.
        self.assertIs(s.get_ticket(t.id).priority, csvc.Priority.CRITICAL)
        self.assertEqual(len(self.history(t, "sla_breach")), 3)
        # Responding late: met, and the breach stays on record.
        self.clock.now = t0 + 101 * H
        s.transition_ticket(t, "analyse", actor="clerk")
        respond = self.targets(t)["respond"]
        self.assertIs(respond.status, csvc.SlaStatus.MET)
        self.assertEqual(respond.met_at, t0 + 101 * H)
        self.assertEqual(respond.breached_at, t0 + 24 * H)
        self.assertEqual(sorted(x.name for x in s.sla_breached()), ["handled", "reported_back"])
        self.assertEqual(len(list(s.sla_breached(limit=1))), 1)
        self.assertEqual(s.sla_advance(t0 + 200 * H), 0)
        self.assertTrue(s.sla_recompute(t))

    def test_custom_policy_on_a_named_calendar_across_dst(self):
        s = self.store
        s.save_calendar("london", csvc.Calendar.parse(LONDON_OFFICE, zoneinfo_dir=ZONEINFO))
        p = csvc.SlaPolicy("uk_facilities", 1, match_kind="facility", match_store="LN01")
        target = p.add_target("resolution", 2 * H, ("named", "london"))
        self.assertIsInstance(target, csvc.SlaPolicyTarget)
        self.assertEqual((target.index, target.name, target.policy), (0, "resolution", p))
        self.assertIs(target.met_by_category(csvc.StateCategory.RESOLVED), target)
        target.pause_on_category(csvc.StateCategory.WAITING).warn_at(50)
        self.assertEqual(s.save_sla_policy(p), 1)
        self.assertEqual(p.version, 1)
        # Friday 2026-03-27 17:00 GMT; London clocks go forward on the 29th:
        # one business hour on Friday, one on Monday from 09:00 BST (08:00 UTC).
        t = self.open_ticket("facility", datetime.datetime(2026, 3, 27, 17, tzinfo=UTC), store_code="LN01")
        res = self.targets(t)["resolution"]
        self.assertEqual((res.policy, res.duration), ("uk_facilities", 2 * H))
        self.assertEqual(res.due_at, datetime.datetime(2026, 3, 30, 9, tzinfo=UTC))
        # The 50 % warning: the hour runs out at Friday's 18:00 closing, so it
        # is dated at the next opening.
        self.assertEqual(s.sla_next_wakeup(), datetime.datetime(2026, 3, 30, 8, tzinfo=UTC))

    def test_missing_calendar_is_a_fault_not_a_stop(self):
        s = self.store
        s.save_calendar("london", csvc.Calendar.parse(LONDON_OFFICE, zoneinfo_dir=ZONEINFO))
        p = csvc.SlaPolicy("uk_facilities", 1, match_kind="facility")
        p.add_target("resolution", 2 * H, ("named", "london")).met_by_category(csvc.StateCategory.RESOLVED)
        s.save_sla_policy(p)
        with self.assertRaises(csvc.InvalidTransition):
            s.delete_calendar("london")
        t = self.open_ticket("facility", MON)
        self.assertIsNone(self.targets(t)["resolution"].fault)
        s.close()
        # What an earlier version allowed: the calendar deleted under the policy.
        store_sql(self.path, "DROP TRIGGER calendars_in_use_by_sla%s; DELETE FROM calendars WHERE name = 'london';"
                  % (" ON calendars" if ON_PG else ""))
        self.store = s = open_store(self.path, clock=self.clock, zoneinfo_dir=ZONEINFO)
        other = self.open_ticket("facility", MON)
        fault = self.targets(other)["resolution"].fault
        self.assertIsInstance(fault, str)
        self.assertIn("'london'", fault)
        self.assertGreater(s.sla_advance(MON + 3 * H), 0)
        self.assertEqual(self.targets(other)["resolution"].status, csvc.SlaStatus.BREACHED)

    def test_pause_resume(self):
        s = self.store
        p = csvc.SlaPolicy("suggestions", 1, match_kind="suggestion")
        p.add_target("resolution", 8 * H, csvc.SlaCalendar.STORE) \
            .met_by_category(csvc.StateCategory.RESOLVED) \
            .pause_on_category(csvc.StateCategory.WAITING) \
            .warn_at(50)
        s.save_sla_policy(p)
        t = self.open_ticket("suggestion", local(0, 10))
        self.assertEqual(self.targets(t)["resolution"].due_at, local(1, 10))  # 2 + 5 h Mon, 1 h Tue
        self.clock.now = local(0, 11)
        s.transition_ticket(t, "start")
        self.clock.now = local(0, 15)  # 4 h used: the 50 % warning fires with the pause
        s.transition_ticket(t, "wait_customer")
        res = self.targets(t)["resolution"]
        self.assertIs(res.status, csvc.SlaStatus.PAUSED)
        self.assertIsNone(res.due_at)
        self.assertEqual(res.used, 4 * H)
        self.assertEqual([(ty, at) for ty, at, _ in self.history(t, "sla_warning")],
                         [("sla_warning", local(0, 15))])
        # Back on the Wednesday holiday: counting again from Thursday 09:00.
        self.clock.now = local(2, 10)
        s.transition_ticket(t, "resume")
        self.assertEqual(self.targets(t)["resolution"].due_at, local(3, 14))
        self.assertTrue(s.sla_recompute(t))


class SlaPolicyTest(SlaTestCase):
    def test_versions_load_retire(self):
        s = self.store
        p = csvc.SlaPolicy("normal", 2, match_kind="facility")
        self.assertEqual((p.name, p.version), ("normal", 0))
        self.assertIn("normal", repr(p))
        p.add_target("resolution", 8 * H, "24x7").met_by_category(csvc.StateCategory.RESOLVED)
        self.assertEqual(s.save_sla_policy(p), 1)
        self.assertEqual(s.save_sla_policy(p), 1)  # unchanged: same version
        v2 = csvc.SlaPolicy("normal", 2)
        v2.match_kind("facility")
        v2.match_priority(None)
        v2.add_target("resolution", datetime.timedelta(hours=4), csvc.SlaCalendar.TWENTY_FOUR_SEVEN)
        v2.target_met_by_category(0, csvc.StateCategory.RESOLVED)
        self.assertEqual(s.save_sla_policy(policy=v2), 2)
        loaded = s.load_sla_policy("normal")
        self.assertIsInstance(loaded, csvc.SlaPolicy)
        self.assertEqual((loaded.name, loaded.version), ("normal", 2))
        self.assertEqual(s.load_sla_policy("normal", version=1).version, 1)
        with self.assertRaises(csvc.NotFound):
            s.load_sla_policy("normal", 3)
        with self.assertRaises(csvc.NotFound):
            s.load_sla_policy("nope")
        t = self.open_ticket("facility", MON + H)
        self.assertEqual([(x.policy, x.policy_version, x.due_at) for x in s.sla_targets(t)],
                         [("normal", 2, MON + 5 * H)])
        s.retire_sla_policy("normal")
        t2 = self.open_ticket("facility", MON + 2 * H)
        self.assertEqual({x.policy for x in s.sla_targets(t2)}, {"default"})
        # The first ticket keeps the policy it runs under.
        self.assertEqual([x.policy for x in s.sla_targets(t)], ["normal"])
        with self.assertRaises(csvc.NotFound):
            s.retire_sla_policy("nope")

    def test_every_setter(self):
        p = csvc.SlaPolicy("everything", 5, match_kind="complaint", match_store="SH01", match_channel="hotline",
                           match_category="商品质量", match_priority=csvc.Priority.HIGH,
                           match_urgency=csvc.Urgency.MAJOR, match_customer_class=csvc.CustomerClass.VIP,
                           match_tier=csvc.Tier.TIER_1)
        for meth in (p.match_kind, p.match_store, p.match_channel, p.match_category):
            meth(None)
        for meth in (p.match_priority, p.match_urgency, p.match_customer_class, p.match_tier):
            meth(None)
        p.match_store("SH02")
        p.match_customer_class(csvc.CustomerClass.IMPORTANT)
        first = p.add_target("first_response", 30 * MIN, "store")
        first.met_by_reply().warn_at(50).warn_at(80)
        first.escalate(80, csvc.SlaAction.ASSIGN, assignee="lead", team="escalations")
        first.escalate(100, csvc.SlaAction.RAISE_PRIORITY, value=csvc.Priority.CRITICAL)
        update = p.add_target("next_update", 4 * H, "named", calendar_name="sh")
        update.recurring().met_by_state("closed").pause_on_state("waiting_customer")
        update.escalate(100, csvc.SlaAction.TRANSITION, transition="escalate")
        self.assertEqual(int(update), 1)
        p.target_met_by_reply(first)  # a SlaPolicyTarget is an index
        p.target_pause_on_state(index=1, state="on_hold")
        p.target_escalate(0, 100, csvc.SlaAction.ASSIGN, None, None, "supervisors", None)
        self.assertIn("next_update", repr(update))
        self.assertEqual(self.store.save_sla_policy(p), 1)
        self.assertEqual(self.store.load_sla_policy("everything").version, 1)

    def test_validation_errors(self):
        with self.assertRaises(csvc.InvalidArgument):
            csvc.SlaPolicy("Bad Name", 1)
        with self.assertRaises(TypeError):
            csvc.SlaPolicy("p")
        with self.assertRaises(TypeError):
            csvc.SlaPolicy("p", 1, kind="inquiry")
        with self.assertRaises(TypeError):
            csvc.SlaPolicy("p", 1, match_kind=3)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.SlaPolicy("p", 1, match_priority=7)
        p = csvc.SlaPolicy("p", 1)
        with self.assertRaises(csvc.InvalidArgument):
            p.add_target("t", datetime.timedelta(0), "24x7")
        with self.assertRaises(csvc.InvalidArgument):
            p.add_target("t", H, 9)
        with self.assertRaises(csvc.InvalidArgument):
            p.add_target("t", H, "named")  # no calendar name
        with self.assertRaises(ValueError):
            p.add_target("t", H, "always")
        with self.assertRaises(ValueError):
            p.add_target("t", H, ("store", "sh"))
        with self.assertRaises(ValueError):
            p.add_target("t", H, ("named",))
        with self.assertRaises(TypeError):
            p.add_target("t", "1h")
        t = p.add_target("t", H, "24x7")
        with self.assertRaises(csvc.AlreadyExists):
            p.add_target("t", H, "24x7")
        with self.assertRaises(csvc.OutOfRange):  # a percentage out of range
            t.warn_at(100)
        with self.assertRaises(csvc.OutOfRange):
            t.escalate(101, csvc.SlaAction.RAISE_PRIORITY, 1)
        with self.assertRaises(csvc.OutOfRange):
            p.target_warn_at(5, 50)
        with self.assertRaises(csvc.OutOfRange):
            p.target_met_by_reply(-1)
        with self.assertRaises(TypeError):
            p.target_met_by_reply("t")
        with self.assertRaises(csvc.InvalidArgument):
            t.met_by_category(9)
        with self.assertRaises(csvc.InvalidArgument):
            t.escalate(100, 9)
        with self.assertRaises(csvc.InvalidArgument):
            t.escalate(100, csvc.SlaAction.RAISE_PRIORITY)  # no value
        with self.assertRaises(csvc.InvalidArgument):
            self.store.save_sla_policy(p)  # nothing satisfies the target
        t.met_by_reply()
        t.escalate(70, csvc.SlaAction.ASSIGN, assignee="x")
        with self.assertRaises(csvc.InvalidArgument):
            self.store.save_sla_policy(p)  # 70 % is not a warning threshold
        many = csvc.SlaPolicy("many", 1)
        for i in range(csvc._csvc.SLA_MAX_TARGETS):
            many.add_target(f"t{i}", H, "24x7")
        with self.assertRaises(csvc.OutOfRange):
            many.add_target("one_more", H, "24x7")
        with self.assertRaises(TypeError):
            self.store.save_sla_policy("p")
        # A policy made with __new__ alone is refused, not a crash.
        bare = csvc.SlaPolicy.__new__(csvc.SlaPolicy)
        self.assertIsNone(bare.name)
        with self.assertRaises(csvc.InvalidArgument):
            bare.add_target("t", H)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.save_sla_policy(bare)

    def test_store_errors(self):
        s = self.store
        with self.assertRaises(csvc.NotFound):
            list(s.sla_targets("00000000-0000-4000-8000-000000000001"))
        with self.assertRaises(csvc.NotFound):
            s.sla_recompute("00000000-0000-4000-8000-000000000001")
        with self.assertRaises(TypeError):
            s.sla_advance(None)
        with self.assertRaises(TypeError):
            s.sla_advance(datetime.datetime(2026, 1, 1))  # naive
        with self.assertRaises(TypeError):
            s.sla_advance(MON, callback=42)
        self.assertIsNone(s.sla_next_wakeup())
        self.assertEqual(s.sla_advance(MON + 1000 * H), 0)


class SlaAdvanceCallbackTest(SlaTestCase):
    def complaint(self):
        t0 = MON + 3 * H
        return t0, self.open_ticket("complaint", t0)

    def test_exception_propagates_unchanged(self):
        s = self.store
        t0, t = self.complaint()
        seen = []

        def on_alarm(alarm):
            seen.append(alarm)
            if len(seen) == 2:
                raise AlarmError(alarm.target, alarm.percent)

        try:
            s.sla_advance(t0 + 100 * H, on_alarm)
            self.fail("the callback's exception was lost")
        except AlarmError as e:
            self.assertEqual(e.args, ("respond", 100))
            # unchanged: the traceback still reaches into the callback
            self.assertIn("on_alarm", [f.name for f in traceback.extract_tb(e.__traceback__)])
        # The two delivered alarms stay committed; the rest are pending.
        self.assertEqual(len(self.history(t, "sla_warning", "sla_breach")), 2)
        self.assertEqual(s.sla_next_wakeup(), t0 + 48 * H * 8 / 10)
        self.assertEqual(s.sla_advance(t0 + 100 * H), 4)
        self.assertEqual(len(self.history(t, "sla_warning", "sla_breach")), 6)
        self.assertEqual(s.tx_depth, 0)

    def test_true_stops_the_walk(self):
        s = self.store
        t0, t = self.complaint()
        seen = []
        self.assertEqual(s.sla_advance(t0 + 100 * H, lambda a: seen.append(a) or len(seen) == 3), 3)
        self.assertEqual([a.percent for a in seen], [80, 100, 80])
        self.assertEqual(s.sla_next_wakeup(), t0 + 48 * H + US)  # the handled breach
        self.assertEqual(s.sla_advance(t0 + 100 * H, lambda a: None), 3)

    def test_callback_may_read_but_not_write(self):
        s = self.store
        t0, t = self.complaint()
        results = []

        def on_alarm(alarm):
            results.append(s.get_ticket(alarm.ticket).number)
            results.append(len(list(s.sla_targets(alarm.ticket))))
            for write in (lambda: s.comment_ticket(alarm.ticket, csvc.CommentKind.NOTE, "x"),
                          lambda: s.transition_ticket(alarm.ticket, "analyse"),
                          s.begin, lambda: s.sla_advance(t0 + 100 * H), s.close,
                          lambda: s.save_calendar("x", csvc.Calendar.parse(SH_CALENDAR))):
                try:
                    write()
                    results.append("written")
                except csvc.InvalidTransition as e:
                    results.append(type(e).__name__)
            return True

        self.assertEqual(s.sla_advance(t0 + 100 * H, on_alarm), 1)
        self.assertEqual(results, [t.number, 3] + ["InvalidTransition"] * 6)
        self.assertEqual(s.get_ticket(t.id).state, "received")
        self.assertEqual(s.calendars(), ["sh"])
        # Outside the callback, writing works again.
        s.comment_ticket(t, csvc.CommentKind.NOTE, "after")

    def test_first_exception_wins(self):
        s = self.store
        t0, t = self.complaint()
        unraisable = []
        old = sys.unraisablehook
        sys.unraisablehook = lambda u: unraisable.append(u.exc_value)

        def hook(ev):
            if ev.type.startswith("sla_"):
                raise AlarmError("hook")

        s.change_hook = hook
        try:
            with self.assertRaises(AlarmError) as cm:
                s.sla_advance(t0 + 100 * H, lambda a: None)
        finally:
            sys.unraisablehook = old
        self.assertEqual(cm.exception.args, ("hook",))
        self.assertEqual(len(self.history(t, "sla_warning", "sla_breach")), 6)  # committed anyway
        self.assertTrue(all(isinstance(e, AlarmError) for e in unraisable))


class SlaSystemClockTest(SlaTestCase):
    """The same callback rules without a Python clock (no wrapping
    transaction: each alarm is committed by the library before delivery)."""

    python_clock = False

    def test_exception_and_stop_without_python_clock(self):
        s = self.store
        t = s.create_ticket(csvc.Ticket("complaint", "SH01", subject="sla"))
        t0 = t.created_at
        seen = []

        def on_alarm(alarm):
            seen.append(alarm)
            if alarm.percent == 100:
                raise AlarmError(alarm.target)

        with self.assertRaises(AlarmError):
            s.sla_advance(t0 + 100 * H, on_alarm)
        self.assertEqual([(a.target, a.percent, a.at) for a in seen],
                         [("respond", 80, t0 + 24 * H * 8 / 10), ("respond", 100, t0 + 24 * H)])
        self.assertEqual(len(self.history(t, "sla_warning", "sla_breach")), 2)
        self.assertEqual(s.sla_advance(t0 + 100 * H, lambda a: True), 1)
        self.assertEqual(s.sla_advance(t0 + 100 * H), 3)
        self.assertIsNone(s.sla_next_wakeup())
        self.assertTrue(s.sla_recompute(t))


class SlaClockFailureTest(SlaTestCase):
    def test_failing_clock_undoes_the_advance(self):
        s = self.store
        t0 = MON + 3 * H
        t = self.open_ticket("complaint", t0)

        class ClockBroke(Exception):
            pass

        def broken():
            raise ClockBroke

        # The reported-back escalation (a ticket update) reads the clock.
        self.clock.__class__ = type("Broken", (ManualClock,), {"__call__": lambda self: broken()})
        try:
            with self.assertRaises(ClockBroke):
                s.sla_advance(t0 + 100 * H, lambda a: None)
        finally:
            self.clock.__class__ = ManualClock
        self.assertEqual(self.history(t, "sla_warning", "sla_breach"), [])
        self.assertEqual(s.sla_next_wakeup(), t0 + 24 * H * 8 / 10)
        self.assertEqual(s.tx_depth, 0)
        self.assertEqual(s.sla_advance(t0 + 100 * H), 6)


class SlaLifetimeTest(SlaTestCase):
    def test_values_outlive_the_store(self):
        t = self.open_ticket("inquiry", local(0, 10))
        policy = self.store.load_sla_policy("handbook_inquiry")
        targets = list(self.store.sla_targets(t))
        it = self.store.sla_targets(t)
        next(it)
        self.store.close()
        with self.assertRaises(csvc.StoreClosed):
            next(it)
        self.assertTrue(it.closed)
        del it
        gc.collect()
        self.assertEqual(policy.name, "handbook_inquiry")
        self.assertEqual(policy.version, 1)
        policy.add_target("extra", H, "24x7").met_by_reply()  # still a usable builder
        self.assertEqual([x.name for x in targets], ["first_response", "resolution"])
        self.store = open_store(self.path)  # for tearDown

    def test_no_reference_leaks(self):
        s = self.store
        t = self.open_ticket("complaint", MON + 3 * H)
        cal = s.load_calendar("sh")
        with open(os.path.join(ZONEINFO, "Europe", "London"), "rb") as f:
            tzif = f.read()

        def cycle(n):
            for i in range(n):
                tz = csvc.TimeZone.from_tzif("Europe/London", tzif)
                tz.offset_at(MON), tz.to_local(MON), tz.from_local(datetime.datetime(2026, 10, 25, 1, 30), "later")
                c = csvc.Calendar.parse(SH_CALENDAR)
                c.add(MON, 30 * H), c.between(MON, MON + 48 * H), c.next_open(MON), c.tz.name, c == cal
                p = csvc.SlaPolicy("leak", 1, match_kind="x")
                p.add_target("t", H, ("named", "sh")).met_by_reply().warn_at(50)
                try:
                    p.add_target("t", H)
                except csvc.AlreadyExists:
                    pass
                del tz, c, p
                if i % 10 == 0:
                    list(s.sla_targets(t))
                    list(s.sla_breached(limit=5))
                    s.sla_next_wakeup()
                    s.sla_advance(MON, lambda a: None)
                    s.calendar_info("sh")
                    s.calendars()
                    try:
                        s.load_calendar("nope")
                    except csvc.NotFound:
                        pass

        cycle(5000)  # warm up allocator pools and caches
        gc.collect()
        before = rss_kib()
        start = time.monotonic()
        cycle(20000)
        gc.collect()
        grown = rss_kib() - before
        self.assertLess(time.monotonic() - start, 120)
        if under_asan():
            return  # ASan reports leaks itself; quarantine makes RSS grow
        self.assertLess(grown, 4096, f"RSS grew by {grown} KiB over 20,000 cycles")

    def test_docstrings(self):
        for cls in (csvc.SlaPolicy, csvc.SlaPolicyTarget, csvc.SlaTarget, csvc.SlaAlarm, csvc.SlaStatus,
                    csvc.SlaCalendar, csvc.SlaAction):
            self.assertTrue(cls.__doc__, cls.__name__)
        for cls in (csvc.SlaPolicy, csvc.SlaPolicyTarget):
            for attr in dir(cls):
                if not attr.startswith("_"):
                    self.assertTrue(getattr(cls, attr).__doc__, f"{cls.__name__}.{attr}")
        for name in ("save_sla_policy", "load_sla_policy", "retire_sla_policy", "install_sla_defaults",
                     "sla_targets", "sla_at_risk", "sla_breached", "sla_advance", "sla_next_wakeup",
                     "sla_recompute"):
            self.assertTrue(getattr(csvc.Store, name).__doc__, name)
