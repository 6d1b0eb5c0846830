import datetime
import os
import sys
import threading

import csvc
from csvc_testutil import T0, FakeClock, StoreTestCase, open_store


class HookError(Exception):
    pass


class ChangeHookTest(StoreTestCase):
    def test_events_delivered_after_commit(self):
        seen = []
        self.store.change_hook = lambda ev: seen.append((ev, self.store.tx_depth))
        self.assertIsNotNone(self.store.change_hook)
        t = self.ticket()
        self.assertEqual(len(seen), 1)
        ev, depth = seen[0]
        self.assertIsInstance(ev, csvc.Event)
        self.assertEqual(depth, 0)
        self.assertEqual(ev.type, "created")
        self.assertEqual(ev.ticket, t.id)
        self.assertEqual(ev.ticket_number, t.number)
        self.assertEqual(ev.seq, 1)
        self.assertEqual(ev.actor, "test")
        self.assertEqual(ev.data["set"]["subject"], "收银台排队太久")
        self.assertEqual(ev.to_dict()["ticket"], str(t.id))
        with self.store.transaction():
            self.store.transition_ticket(t, "analyse", note="查看监控")
            self.store.comment_ticket(t, csvc.CommentKind.NOTE, "内部备注")
            self.assertEqual(len(seen), 1)  # not inside the transaction
        self.assertEqual([e.type for e, _ in seen[1:]], ["transition", "comment"])
        self.assertEqual(seen[1][0].from_state, "received")
        with self.assertRaises(RuntimeError):
            with self.store.transaction():
                self.store.transition_ticket(t, "handle")
                raise RuntimeError
        self.assertEqual(len(seen), 3)  # rolled back: never delivered
        self.store.change_hook = None
        self.ticket()
        self.assertEqual(len(seen), 3)
        with self.assertRaises(TypeError):
            self.store.change_hook = 42

    def test_exception_surfaces_after_commit(self):
        def hook(ev):
            raise HookError(ev.type)

        self.store.change_hook = hook
        draft = csvc.Ticket("complaint", "SH01", subject="坏了")
        try:
            self.store.create_ticket(draft)
            self.fail("the hook's exception was lost")
        except HookError as e:
            self.assertEqual(str(e), "created")
            # unchanged: the traceback still reaches into the hook
            import traceback
            frames = [f.name for f in traceback.extract_tb(e.__traceback__)]
            self.assertIn("hook", frames)
        # committed anyway, and the record was updated
        self.assertIsNotNone(draft.id)
        self.assertEqual(self.store.get_ticket(draft.id).subject, "坏了")
        # inside a transaction: raised by the commit
        self.store.begin()
        self.store.transition_ticket(draft, "analyse")
        with self.assertRaises(HookError):
            self.store.commit()
        self.assertEqual(self.store.tx_depth, 0)
        self.assertEqual(self.store.get_ticket(draft.id).state, "analysing")
        # and by the with statement
        with self.assertRaises(HookError):
            with self.store.transaction():
                self.store.transition_ticket(draft, "handle")
        self.assertEqual(self.store.get_ticket(draft.id).state, "handling")

    def test_first_exception_wins_others_unraisable(self):
        calls = []

        def hook(ev):
            calls.append(ev.type)
            raise HookError(len(calls))

        unraisable = []
        old = sys.unraisablehook
        sys.unraisablehook = lambda u: unraisable.append(u.exc_value)
        try:
            t = self.ticket()
            self.store.change_hook = hook
            with self.assertRaises(HookError) as cm:
                with self.store.transaction():
                    self.store.transition_ticket(t, "analyse")
                    self.store.comment_ticket(t, csvc.CommentKind.REPLY, "您好")
        finally:
            sys.unraisablehook = old
        self.assertEqual(calls, ["transition", "comment"])  # every event still delivered
        self.assertEqual(str(cm.exception), "1")
        self.assertEqual([str(e) for e in unraisable], ["2"])

    def test_hook_may_call_the_store(self):
        seen = []

        def hook(ev):
            t = self.store.get_ticket(ev.ticket)
            seen.append((ev.type, t.revision))
            if ev.type == "created":
                self.store.comment_ticket(ev.ticket, csvc.CommentKind.NOTE, "auto-ack")

        self.store.change_hook = hook
        self.ticket()
        self.assertEqual(seen, [("created", 1), ("comment", 2)])

    def test_hook_cannot_close_the_store(self):
        errors = []

        def hook(ev):
            try:
                self.store.close()
            except csvc.InvalidTransition as e:
                errors.append(e)

        self.store.change_hook = hook
        self.ticket()
        self.assertEqual(len(errors), 1)
        self.assertFalse(self.store.closed)

    def test_hook_on_other_thread_sees_its_own_events(self):
        seen = []
        self.store.change_hook = lambda ev: seen.append(threading.get_ident())
        th = threading.Thread(target=self.ticket)
        th.start()
        th.join()
        self.assertEqual(seen, [th.ident])


class ClockTest(StoreTestCase):
    def test_times_come_from_the_clock(self):
        c = self.customer()
        self.assertEqual(c.created_at, self.fake_clock.now)
        self.assertEqual(c.created_at.tzinfo, datetime.timezone.utc)
        t = self.ticket()
        self.assertEqual(t.created_at, self.fake_clock.now)

    def test_clock_exception_fails_the_call(self):
        fail = [False]
        base = FakeClock()

        def clock():
            if fail[0]:
                raise HookError("clock broke")
            return base()

        with open_store(os.path.join(self.dir, "clock.db"), clock=clock) as s:
            s.install_defaults()
            t = s.create_ticket(csvc.Ticket("complaint", "SH01", subject="x"))
            events = []
            s.change_hook = events.append
            fail[0] = True
            draft = csvc.Customer(name="赵六")
            with self.assertRaises(HookError):
                s.create_customer(draft)
            self.assertIsNone(draft.id)  # the record is unchanged
            self.assertEqual(s.count_customers(), 0)
            with self.assertRaises(HookError):
                s.transition_ticket(t, "analyse")
            self.assertEqual(s.get_ticket(t.id).state, "received")
            with self.assertRaises(HookError):
                s.now()
            # inside the caller's transaction: only the failed call is undone
            fail[0] = False
            s.begin()
            s.create_customer(csvc.Customer(name="甲"))
            fail[0] = True
            with self.assertRaises(HookError):
                s.create_customer(csvc.Customer(name="乙"))
            fail[0] = False
            s.commit()
            self.assertEqual([c.name for c in s.customers()], ["甲"])
            self.assertEqual(events, [])

    def test_clock_bad_values(self):
        with open_store(":memory:", clock=lambda: datetime.datetime(2026, 1, 1)) as s:
            with self.assertRaises(TypeError):
                s.now()
            with self.assertRaises(TypeError):
                s.create_customer(csvc.Customer(name="x"))
            self.assertEqual(s.count_customers(), 0)
        with open_store(":memory:", clock=lambda: "now") as s:
            with self.assertRaises(TypeError):
                s.now()

    def test_clock_must_not_call_the_store(self):
        holder = {}

        def clock():
            holder["store"].count_customers()
            return T0

        with open_store(":memory:", clock=clock) as s:
            holder["store"] = s
            with self.assertRaises(RuntimeError):
                s.now()


class LogTest(StoreTestCase):
    def test_log_exception_surfaces(self):
        def log(level, message):
            raise HookError(message)

        path = os.path.join(self.dir, "log.db")
        unraisable = []
        old = sys.unraisablehook
        sys.unraisablehook = lambda u: unraisable.append(u.exc_value)
        try:
            with self.assertRaises(HookError) as cm:
                open_store(path, log=log, log_level=csvc.LogLevel.INFO)
        finally:
            sys.unraisablehook = old
        self.assertIn("migration", str(cm.exception))
        self.assertTrue(all(isinstance(e, HookError) for e in unraisable))
        # WARN-only handler: opening an existing store logs nothing
        with open_store(path, log=log) as s:
            self.assertGreater(s.schema_version, 0)
