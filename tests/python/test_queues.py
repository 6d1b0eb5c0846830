"""Queues and time worked: Queue records, Store.create_queue and the other
queue calls, opening a queue compared with a filter computed here, and
time worked with its totals, on the engine the tests run on (docs/queues.md,
docs/python.md)."""

import datetime

import csvc
from csvc import Priority, Queue, QueueOrder, Staff, StateCategory
from csvc_testutil import StoreTestCase, open_store

OPEN = {StateCategory.NEW, StateCategory.OPEN, StateCategory.WAITING, StateCategory.RESOLVED}


class QueueRecordTest(StoreTestCase):
    def test_draft_and_filter(self):
        q = Queue("returns", "退货待办", owner_team="complaints", states=OPEN, category="退货",
                  unassigned=True, max_priority="high", order="age")
        self.assertEqual((q.code, q.name, q.owner_team, q.owner_staff, q.active, q.revision),
                         ("returns", "退货待办", "complaints", None, True, 0))
        f = q.filter
        self.assertEqual(f["states"], frozenset(OPEN))
        self.assertEqual((f["category"], f["unassigned"], f["mine"], f["assignee"]), ("退货", True, False, None))
        self.assertIs(f["max_priority"], Priority.HIGH)
        self.assertIs(f["order"], QueueOrder.AGE)
        q.set_filter(mine=True)
        self.assertEqual(q.filter["states"], frozenset())
        self.assertIs(q.filter["mine"], True)
        self.assertIs(q.filter["order"], QueueOrder.PRIORITY)
        q.set_owner(staff="alice")
        self.assertEqual((q.owner_team, q.owner_staff), (None, "alice"))
        with self.assertRaises(csvc.InvalidArgument):
            q.set_owner(team="consult", staff="alice")
        with self.assertRaises(csvc.InvalidArgument):
            q.set_filter(assignee="alice", unassigned=True)
        with self.assertRaises(ValueError):
            q.set_filter(order="fastest")
        self.assertIs(q.filter["mine"], True)  # unchanged by the failures
        self.assertEqual(q, Queue("returns", "退货待办", owner_staff="alice", mine=True))
        self.assertIn("returns", repr(q))

    def test_save_read_update(self):
        s = self.store
        s.create_staff(Staff("alice", "张敏", home_store="SH01"), actor="setup")
        with self.assertRaises(csvc.NotFound):
            s.create_queue(Queue("x", "x", team="nowhere"))
        q = s.create_queue(Queue("alice_open", "张敏待办", assignee="alice", states=OPEN), actor="lead")
        self.assertEqual(q.revision, 1)
        self.assertIsInstance(q.created_at, datetime.datetime)
        with self.assertRaises(csvc.AlreadyExists):
            s.create_queue(Queue("alice_open", "again"))
        got = s.get_queue("alice_open")
        self.assertEqual(got, q)
        got.name = "改名"
        got.active = False
        s.update_queue(got)
        self.assertEqual(got.revision, 2)
        q.name = "stale"
        with self.assertRaises(csvc.Conflict):
            s.update_queue(q)
        with self.assertRaises(csvc.NotFound):
            s.get_queue("missing")
        s.install_queue_defaults()
        self.assertEqual([x.code for x in s.queues()],
                         ["alice_open", "consult_open", "complaints_open", "floor_open", "membership_open",
                          "my_open"])


class OpenQueueTest(StoreTestCase):
    def setUp(self):
        super().setUp()
        for code in ("alice", "bob"):
            self.store.create_staff(Staff(code, code, home_store="SH01"), actor="setup")
        self.store.install_queue_defaults()
        specs = [("inquiry", "SH01", "low", "alice", "consult"), ("complaint", "SH01", "critical", None, "complaints"),
                 ("inquiry", "SH01", "high", "alice", "consult"), ("inquiry", "SH02", "normal", "bob", "consult"),
                 ("inquiry", "SH01", "critical", "bob", None), ("complaint", "SH02", "high", None, "consult")]
        self.tickets = []
        for kind, store, prio, assignee, team in specs:
            t = self.ticket(kind, store, priority=Priority[prio.upper()], assignee=assignee, team=team)
            self.tickets.append(t)
        self.store.transition_ticket(self.tickets[2].id, "answer")
        self.store.transition_ticket(self.tickets[2].id, "close")

    def expected(self, pred, by_priority=True):
        every = list(self.store.tickets())
        chosen = [t for t in every if pred(t)]
        if by_priority:
            chosen.sort(key=lambda t: int(t.priority))  # stable: creation order within one
        return [t.number for t in chosen]

    def opened(self, code, for_staff=None):
        return [t.number for t in self.store.open_queue(code, for_staff)]

    def test_against_a_filter_made_here(self):
        s = self.store
        self.assertEqual(self.opened("consult_open"),
                         self.expected(lambda t: t.team == "consult" and t.state_category in OPEN))
        self.assertEqual(self.opened("my_open", "alice"),
                         self.expected(lambda t: t.assignee == "alice" and t.state_category in OPEN))
        self.assertEqual(s.count_queue("my_open", for_staff="bob"), 2)
        s.create_queue(Queue("urgent", "紧急", max_priority=Priority.HIGH, order=QueueOrder.AGE))
        self.assertEqual(self.opened("urgent"),
                         self.expected(lambda t: int(t.priority) <= 2, by_priority=False))
        s.create_queue(Queue("sh02_unassigned", "SH02 未分派", store_code="SH02", unassigned=True))
        self.assertEqual(self.opened("sh02_unassigned"),
                         self.expected(lambda t: t.store_code == "SH02" and t.assignee is None))
        with self.assertRaises(csvc.InvalidArgument):
            list(s.open_queue("my_open"))  # nobody to open it for
        with self.assertRaises(csvc.NotFound):
            s.count_queue("my_open", for_staff="nobody")

    def test_scope_under_access_control(self):
        self.store.create_staff(Staff("carol", "carol", home_store="SH02", roles=["service_agent"]), actor="setup")
        a = open_store(self.path, clock=self.fake_clock, access_control=True)
        try:
            a.set_principal("carol")
            self.assertEqual([t.number for t in a.open_queue("consult_open")],
                             self.expected(lambda t: t.team == "consult" and t.store_code == "SH02"
                                           and t.state_category in OPEN))
            with self.assertRaises(csvc.AccessDenied):
                a.install_queue_defaults()
        finally:
            a.close()


class WorkTest(StoreTestCase):
    def test_log_list_total(self):
        s = self.store
        for code in ("alice", "bob"):
            s.create_staff(Staff(code, code, home_store="SH01"), actor="setup")
        t1, t2 = self.ticket(), self.ticket("inquiry", "SH02")
        start = datetime.datetime(2025, 12, 31, 9, 0, tzinfo=datetime.timezone.utc)
        s.log_work(t1.id, "alice", duration=datetime.timedelta(minutes=25), kind="call", note="电话回访")
        s.log_work(t1.id, "bob", start=start, end=start + datetime.timedelta(hours=1))
        s.log_work(t2.id, "alice", duration=600 * 1000000, start=start)
        revision = s.get_ticket(t1.id).revision
        self.assertEqual(revision, t1.revision)  # the ticket did not change
        entries = s.ticket_work(t1.id)
        self.assertEqual([(e["staff"], e["duration"]) for e in entries],
                         [("bob", datetime.timedelta(hours=1)), ("alice", datetime.timedelta(minutes=25))])
        self.assertEqual(entries[0]["start"], start)
        self.assertEqual(entries[1]["note"], "电话回访")
        self.assertEqual(s.work_total(), (datetime.timedelta(minutes=95), 3))
        self.assertEqual(s.work_total(staff="alice"), (datetime.timedelta(minutes=35), 2))
        self.assertEqual(s.work_total(ticket=t1.id), (datetime.timedelta(minutes=85), 2))
        self.assertEqual(s.work_total(store_code="SH02"), (datetime.timedelta(minutes=10), 1))
        self.assertEqual(s.work_total(start=start, end=start + datetime.timedelta(minutes=30)),
                         (datetime.timedelta(minutes=70), 2))
        self.assertEqual(s.work_total(kind="call"), (datetime.timedelta(minutes=25), 1))
        with self.assertRaises(csvc.OutOfRange):
            s.log_work(t1.id, "alice", duration=datetime.timedelta(hours=25))
        with self.assertRaises(csvc.InvalidArgument):
            s.log_work(t1.id, "alice")
        with self.assertRaises(csvc.NotFound):
            s.log_work(t1.id, "nobody", duration=60 * 1000000)
        self.assertEqual(len(s.ticket_work(t1.id)), 2)
