"""Push delivery of the change feed from Python: Store.subscribe,
Store.deliver and Store.subscribe_alarms (csvc_feed_subscribe,
csvc_feed_deliver, csvc_sla_subscribe)."""

import gc
import json
import os
import subprocess
import sys
import textwrap
import time
import unittest
import weakref

import csvc
from csvc_testutil import StoreTestCase, open_store, store_target
from test_lifetimes import rss_kib, under_asan
from test_sla import H, MON, SlaTestCase


class Boom(Exception):
    pass


class Recorder:
    """A subscriber that records what it gets and raises while `fail` is set."""

    def __init__(self):
        self.got = []
        self.fail = False
        self.raised = []

    def __call__(self, item):
        self.got.append(item)
        if self.fail:
            e = Boom(item.position)
            self.raised.append(e)
            raise e


class SubscribeTest(StoreTestCase):
    def start(self, *consumers):
        """Starts each consumer at the head: it sees only what comes next."""
        head = self.store.feed_head()
        for name in consumers:
            self.store.feed_reset(name, head)
        return head

    def test_delivery_after_commit(self):
        s = self.store
        head = self.start("sink")
        rec = Recorder()
        self.assertIsNone(s.subscribe("sink", rec))
        self.assertEqual(rec.got, [])  # subscribing delivers nothing
        self.assertEqual(s.subscribers, {"sink": rec})
        c = self.customer()
        self.assertEqual(len(rec.got), 1)
        entry = rec.got[0]
        self.assertIsInstance(entry, csvc.FeedEntry)
        self.assertEqual((entry.position, entry.subject_kind, entry.type, entry.subject),
                         (head + 1, "customer", "created", c.id))
        self.assertEqual(entry, s.feed_after(head)[0])  # what a pull reads, json included
        self.assertEqual(s.feed_consumer("sink"), (head + 1, 0))

        # Inside a transaction nothing is delivered until the outermost commit.
        with s.transaction():
            t = self.ticket(customer=c.id)
            with s.transaction():
                s.comment_ticket(t, csvc.CommentKind.NOTE, "查看了监控", actor="test")
            self.assertEqual(len(rec.got), 1)
        self.assertEqual(rec.got[1:], s.feed_after(head + 1))
        self.assertEqual([e.type for e in rec.got[1:] if e.subject_kind == "ticket"], ["created", "comment"])
        # A rolled-back transaction delivers nothing.
        s.begin()
        s.comment_ticket(t, csvc.CommentKind.NOTE, "never", actor="test")
        s.rollback()
        n = len(rec.got)
        self.assertEqual(s.deliver(), 0)
        self.assertEqual(len(rec.got), n)
        self.assertEqual(s.feed_consumer("sink"), (s.feed_head(), 0))

        # Another connection's commit reaches this one's subscribers on deliver().
        other = open_store(self.path)
        try:
            other.create_customer(csvc.Customer(name="李娜"), actor="other")
        finally:
            other.close()
        self.assertEqual(len(rec.got), n)
        self.assertEqual(s.deliver(), 1)
        self.assertEqual(rec.got[-1].actor, "other")

        # None removes the subscriber; its cursor stays.
        s.subscribe("sink", None)
        self.assertEqual(s.subscribers, {})
        self.customer(name="赵敏")
        self.assertEqual(len(rec.got), n + 1)
        self.assertEqual(s.feed_consumer("sink"), (s.feed_head() - 1, 1))
        with self.assertRaises(csvc.NotFound):
            s.subscribe("sink", None)
        self.assertEqual(s.deliver(), 0)  # no subscriber: nothing to do

    def test_exception_redelivers(self):
        s = self.store
        head = self.start("sink")
        rec = Recorder()
        s.subscribe("sink", rec)
        rec.fail = True
        try:
            self.customer()
            self.fail("the callback's exception was not raised")
        except Boom as e:
            self.assertIs(e, rec.raised[0])  # unchanged: the very object, with the callback's traceback
            self.assertIn("__call__", [c.co_name for c in _frames(e)])
        self.assertEqual(s.feed_head(), head + 1)  # committed all the same
        self.assertEqual(s.feed_consumer("sink"), (head, 1))  # not acknowledged
        # The next delivery passes the same entry and raises again.
        with self.assertRaises(Boom) as cm:
            s.deliver()
        self.assertIs(cm.exception, rec.raised[1])
        self.assertEqual([e.position for e in rec.got], [head + 1, head + 1])
        self.assertEqual(rec.got[0], rec.got[1])
        # A later commit delivers it first, then its own entry.
        rec.fail = False
        self.customer(name="李娜")
        self.assertEqual([e.position for e in rec.got], [head + 1, head + 1, head + 1, head + 2])
        self.assertEqual(s.feed_consumer("sink"), (head + 2, 0))
        self.assertEqual(s.deliver(), 0)

    def test_entries_before_a_failure_stay_handled(self):
        s = self.store
        head = self.start("sink")
        seen = []

        def fail_on_comment(entry):
            seen.append(entry.position)
            if entry.type == "comment":
                raise Boom(entry.position)

        s.subscribe("sink", fail_on_comment)
        with self.assertRaises(Boom):
            with s.transaction():
                t = self.ticket()
                s.comment_ticket(t, csvc.CommentKind.NOTE, "x", actor="test")
                s.assign_ticket(t, assignee="小李", actor="test")
        entries = s.feed_after(head)
        failed = [e.position for e in entries if e.type == "comment"][0]
        self.assertEqual(seen, [e.position for e in entries if e.position <= failed])
        self.assertEqual(s.feed_consumer("sink")[0], failed - 1)  # the handled ones are acknowledged
        s.subscribe("sink", lambda e: seen.append(e.position))   # replaces the subscriber
        self.assertEqual(s.deliver(), s.feed_head() - failed + 1)
        self.assertEqual(seen[-(s.feed_head() - failed + 1):], list(range(failed, s.feed_head() + 1)))

    def test_redelivery_after_reopening(self):
        s = self.store
        head = self.start("outbox")
        s.subscribe("outbox", Recorder())
        s.subscribe("outbox", _raise)  # the handle stops before it could acknowledge
        with self.assertRaises(Boom):
            self.customer()
        s.close()
        self.store = s = open_store(self.path)
        rec = Recorder()
        s.subscribe("outbox", rec)
        self.assertEqual(s.deliver(), 1)
        self.assertEqual(rec.got, s.feed_after(head))
        self.assertEqual((rec.got[0].subject_kind, rec.got[0].type), ("customer", "created"))
        self.assertEqual(s.deliver(), 0)

    def test_redelivery_after_a_crash(self):
        """A process handles an entry (writes it to a file) and dies before
        the acknowledgement: the next process gets it again, same id."""
        s = self.store
        head = self.start("outbox")
        s.close()
        log = os.path.join(self.dir, "handled.txt")
        child = textwrap.dedent("""
            import json, os, sys
            import csvc
            store = csvc.Store(sys.argv[1], **json.loads(sys.argv[3]))
            def handle(entry):
                with open(sys.argv[2], "a") as f:
                    f.write(str(entry.id) + "\\n")
                    f.flush()
                    os.fsync(f.fileno())
                os._exit(7)  # killed between handling and the acknowledgement
            store.subscribe("outbox", handle)
            store.create_customer(csvc.Customer(name="王芳"), actor="till")
            sys.exit(1)  # not reached
        """)
        target, extra = store_target(self.path)  # the store of self.path, on the engine of the tests
        r = subprocess.run([sys.executable, "-c", child, target, log, json.dumps(extra)], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 7, r.stderr)
        with open(log) as f:
            crashed = f.read().split()
        self.store = s = open_store(self.path)
        self.assertEqual(s.feed_consumer("outbox"), (head, 1))
        rec = Recorder()
        s.subscribe("outbox", rec)
        self.assertEqual(s.deliver(), 1)
        self.assertEqual([str(e.id) for e in rec.got], crashed)
        self.assertEqual(s.feed_consumer("outbox"), (head + 1, 0))

    def test_two_subscribers(self):
        s = self.store
        head = self.start("a", "b")
        a, b = Recorder(), Recorder()
        s.subscribe("a", a)
        s.subscribe("b", b)
        self.assertEqual(s.subscribers, {"a": a, "b": b})
        self.customer()
        self.assertEqual(a.got, b.got)
        self.assertEqual(len(a.got), 1)
        # One that raises stops only its own delivery.
        a.fail = True
        with self.assertRaises(Boom):
            self.customer(name="李娜")
        self.assertEqual([e.position for e in a.got], [head + 1, head + 2])
        self.assertEqual([e.position for e in b.got], [head + 1, head + 2])
        self.assertEqual(s.feed_consumer("a")[0], head + 1)
        self.assertEqual(s.feed_consumer("b")[0], head + 2)
        # Both raise: the first exception is raised, the second goes to
        # sys.unraisablehook; both entries come again.
        b.fail = True
        unraisable = []
        old, sys.unraisablehook = sys.unraisablehook, unraisable.append
        try:
            with self.assertRaises(Boom) as cm:
                self.customer(name="赵敏")
        finally:
            sys.unraisablehook = old
        self.assertIs(cm.exception, a.raised[-1])
        self.assertEqual([u.exc_value for u in unraisable], [b.raised[-1]])
        a.fail = b.fail = False
        self.assertEqual(s.deliver(), 2 + 1)  # a: head+2 and head+3; b: head+3
        self.assertEqual([e.position for e in a.got][-2:], [head + 2, head + 3])
        self.assertEqual(a.got[-1], b.got[-1])
        self.assertEqual(s.feed_consumer("a"), s.feed_consumer("b"))

    def test_subscriber_may_write(self):
        """Exactly-once in the same store: the subscriber's writes and its
        acknowledgement commit together; its writes' entries come after."""
        s = self.store
        head = self.start("welcome")
        seen = []

        def welcome(entry):
            seen.append((entry.subject_kind, entry.type))
            if (entry.subject_kind, entry.type) == ("customer", "created"):
                with s.transaction():
                    s.create_ticket(csvc.Ticket("inquiry", "SH01", customer=entry.subject, subject="欢迎"),
                                    actor="welcome")
                    s.feed_ack("welcome", entry.position)
            # Changing the subscribers, delivering or closing from inside is refused.
            for call in (lambda: s.subscribe("other", print), s.deliver, s.close):
                with self.assertRaises(csvc.InvalidTransition):
                    call()

        s.subscribe("welcome", welcome)
        c = self.customer()
        self.assertEqual(seen[0], ("customer", "created"))
        self.assertIn(("ticket", "created"), seen)  # the subscriber's own write, delivered by the same loop
        tickets = list(s.tickets(customer=c.id))
        self.assertEqual([t.subject for t in tickets], ["欢迎"])
        self.assertEqual(s.feed_consumer("welcome"), (s.feed_head(), 0))
        self.assertGreater(s.feed_head(), head + 1)

    def test_bad_arguments(self):
        s = self.store
        for name, error in (("Not A Name", csvc.InvalidArgument), ("", csvc.OutOfRange),
                            ("x" * 65, csvc.OutOfRange), ("crm/sync", csvc.InvalidArgument)):
            for sub in (s.subscribe, s.subscribe_alarms):
                with self.assertRaises(error, msg=(sub.__name__, name)):
                    sub(name, print)
                with self.assertRaises(error, msg=(sub.__name__, name)):
                    sub(name, None)
        with self.assertRaises(TypeError):
            s.subscribe("sink", 42)
        with self.assertRaises(TypeError):
            s.subscribe_alarms("sink")
        with self.assertRaises(ValueError):
            s.subscribe("a\0b", print)
        self.assertEqual(s.subscribers, {})
        s.subscribe("x" * 64, print)  # the longest name
        for i in range(15):  # a handle holds 16 (CSVC_FEED_MAX_SUBSCRIBERS)
            s.subscribe("sub-%d" % i, print)
        with self.assertRaises(csvc.OutOfRange):
            s.subscribe("one-too-many", print)
        with self.assertRaises(csvc.InvalidArgument):  # a bad name is still a bad name
            s.subscribe("One Too Many", print)
        s.subscribe("sub-0", len)  # replacing one is not a new one
        self.assertIs(s.subscribers["sub-0"], len)
        s.subscribe("sub-0", None)
        s.subscribe("one-more", print)
        self.assertEqual(len(s.subscribers), 16)
        with self.assertRaises(csvc.InvalidTransition):
            with s.transaction():
                s.deliver()  # only outside a transaction

    def test_read_only_store(self):
        self.customer()
        ro = open_store(self.path, readonly=True)
        try:
            with self.assertRaises(csvc.ReadOnly):
                ro.subscribe("sink", print)
            with self.assertRaises(csvc.ReadOnly):
                ro.subscribe_alarms("alarms", print)
            self.assertEqual(ro.subscribers, {})
            self.assertEqual(ro.deliver(), 0)
            with self.assertRaises(csvc.NotFound):
                ro.subscribe("sink", None)
        finally:
            ro.close()

    def test_closed_store(self):
        s = self.store
        s.subscribe("sink", print)
        s.close()
        self.assertEqual(s.subscribers, {})
        for call in (lambda: s.subscribe("sink", print), lambda: s.subscribe_alarms("a", print), s.deliver):
            with self.assertRaises(csvc.StoreClosed):
                call()

    def test_references(self):
        s = self.store

        class Sub:
            def __call__(self, entry):
                pass

        cb = Sub()
        ref = weakref.ref(cb)
        base = sys.getrefcount(cb)
        s.subscribe("sink", cb)
        self.assertEqual(sys.getrefcount(cb), base + 1)  # kept while subscribed
        s.subscribe("sink", cb)  # replaced by itself: still one
        self.assertEqual(sys.getrefcount(cb), base + 1)
        s.subscribe_alarms("sink", cb)  # the same consumer, now for alarms
        self.assertEqual(sys.getrefcount(cb), base + 1)
        s.subscribe("sink", None)
        self.assertEqual(sys.getrefcount(cb), base)  # released on unsubscribe
        s.subscribe("sink", cb)
        with self.assertRaises(csvc.InvalidArgument):
            s.subscribe("Bad", cb)  # a refused call takes no reference
        self.assertEqual(sys.getrefcount(cb), base + 1)
        s.close()
        self.assertEqual(sys.getrefcount(cb), base)  # released on close
        del cb
        self.assertIsNone(ref())

        # A subscriber that refers to its store (a cycle) is collected with it.
        store = open_store(self.path)
        store_ref = weakref.ref(store)
        holder = Sub()
        holder.store = store
        holder_ref = weakref.ref(holder)
        store.subscribe("cycle", holder)
        del store, holder
        gc.collect()
        self.assertIsNone(store_ref())
        self.assertIsNone(holder_ref())

    def test_no_reference_leaks(self):
        s = open_store(":memory:")
        self.addCleanup(s.close)
        s.install_defaults()
        s.feed_reset("leak", s.feed_head())
        s.feed_reset("alarms", s.feed_head())
        seen = [0]

        def ok(entry):
            seen[0] += 1

        def bad(entry):
            raise Boom("x" * 100)

        def cycle(n):
            for i in range(n):
                s.subscribe("leak", bad)
                s.subscribe_alarms("alarms", lambda a: None)
                try:
                    s.create_customer(csvc.Customer(name="王芳"), actor="leak")
                except Boom:
                    pass
                try:
                    s.deliver()
                except Boom:
                    pass
                s.subscribe("leak", ok)
                s.deliver()
                s.subscribe("leak", None)
                s.subscribe_alarms("alarms", None)

        cycle(500)  # warm up allocator pools and caches
        gc.collect()
        before = rss_kib()
        start = time.monotonic()
        cycle(3000)
        gc.collect()
        grown = rss_kib() - before
        self.assertEqual(seen[0], 3500)
        self.assertLess(time.monotonic() - start, 120)
        if under_asan():
            return  # ASan reports leaks itself; quarantine makes RSS grow
        self.assertLess(grown, 2048, f"RSS grew by {grown} KiB over 3,000 cycles")


class AlarmSubscribeTest(SlaTestCase):
    def test_alarms_crossed_by_a_ticket_event(self):
        s = self.store
        head = s.feed_head()
        s.feed_reset("alarms", head)
        s.feed_reset("all", head)
        alarms, entries = [], []
        s.subscribe_alarms("alarms", alarms.append)
        s.subscribe("all", entries.append)
        t0 = MON + 3 * H
        t = self.open_ticket("complaint", t0)  # respond: 24 h around the clock, warning at 80 %
        self.assertEqual(alarms, [])
        # The clerk's transition comes after the warning instant: the event
        # writes the warning first, and the alarm subscriber gets it.
        self.clock.now = t0 + 20 * H
        s.transition_ticket(t, "analyse", actor="clerk")
        self.assertEqual(len(alarms), 1)
        a = alarms[0]
        self.assertIsInstance(a, csvc.SlaAlarm)
        self.assertEqual(a[:5], (t.id, t.number, "respond", 80, t0 + 24 * H * 8 / 10))
        self.assertFalse(a.is_breach)
        warning = [e for e in entries if e.type == "sla_warning"]
        self.assertEqual(len(warning), 1)
        self.assertEqual((a.event, a.position), (warning[0].id, warning[0].position))
        self.assertEqual(warning[0].subject, t.id)
        self.assertEqual(s.feed_consumer("alarms"), (s.feed_head(), 0))  # other entries moved the cursor
        self.assertEqual(s.sla_advance(t0 + 20 * H), 0)  # already written by the transition

        # sla_advance's alarms reach the subscriber too, when it returns.
        got = []
        self.assertEqual(s.sla_advance(t0 + 100 * H, got.append), 4)
        self.assertEqual([(x.target, x.percent) for x in alarms[1:]],
                         [("handled", 80), ("handled", 100), ("reported_back", 80), ("reported_back", 100)])
        self.assertEqual([x[:5] for x in alarms[1:]], [x[:5] for x in got])
        self.assertEqual([(x.event, x.position) for x in got], [(None, None)] * 4)  # the walk's callback
        by_position = {e.position: e for e in entries}
        for x in alarms:
            self.assertEqual(by_position[x.position].id, x.event)
            self.assertEqual(by_position[x.position].type, "sla_breach" if x.is_breach else "sla_warning")
        self.assertEqual(len({x.event for x in alarms}), 5)

    def test_alarm_exception_redelivers(self):
        s = self.store
        s.feed_reset("alarms", s.feed_head())
        rec = Recorder()
        rec.fail = True
        s.subscribe_alarms("alarms", rec)
        t0 = MON + 3 * H
        t = self.open_ticket("complaint", t0)
        with self.assertRaises(Boom) as cm:
            s.sla_advance(t0 + 20 * H)  # the warning is written, its delivery fails
        self.assertIs(cm.exception, rec.raised[0])
        self.assertEqual(len(self.history(t, "sla_warning")), 1)
        rec.fail = False
        self.assertEqual(s.deliver(), 1)
        self.assertEqual([x.position for x in rec.got], [rec.got[0].position] * 2)
        self.assertEqual(rec.got[0], rec.got[1])
        self.assertEqual(s.deliver(), 0)


def _raise(entry):
    raise Boom(entry.position)


def _frames(exc):
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame.f_code
        tb = tb.tb_next


if __name__ == "__main__":
    unittest.main()
