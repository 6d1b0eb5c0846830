import datetime
import os
import uuid

import csvc
from csvc_testutil import T0, UTC, FakeClock, StoreTestCase


class StoreTest(StoreTestCase):
    def test_context_manager_closes(self):
        path = os.path.join(self.dir, "cm.db")
        with csvc.Store(path) as s:
            self.assertFalse(s.closed)
            self.assertEqual(s.path, path)
            self.assertIn("open", repr(s))
        self.assertTrue(s.closed)
        self.assertIn("closed", repr(s))
        s.close()  # twice is a no-op
        with self.assertRaises(csvc.StoreClosed):
            s.now()
        with self.assertRaises(csvc.InvalidTransition):  # StoreClosed is an ESTATE error
            s.begin()

    def test_close_reports_a_rolled_back_transaction(self):
        path = os.path.join(self.dir, "rb.db")
        s = csvc.Store(path)
        s.begin()
        s.create_customer(csvc.Customer(name="never committed"))
        with self.assertRaises(csvc.InvalidTransition) as cm:
            s.close()
        self.assertIn("was rolled back", cm.exception.message)
        self.assertTrue(s.closed)
        s.close()  # closed already: nothing to report
        with csvc.Store(path) as s:
            self.assertEqual(s.count_customers(), 0)
        # On `with` exit: raised when the block ends normally...
        with self.assertRaises(csvc.InvalidTransition):
            with csvc.Store(path) as s:
                s.begin()
        # ...and not over an exception leaving the block.
        with self.assertRaises(KeyError):
            with csvc.Store(path) as s:
                s.begin()
                raise KeyError("mine")
        self.assertTrue(s.closed)

    def test_pathlike_and_memory(self):
        import pathlib
        with csvc.Store(pathlib.Path(self.dir) / "p.db") as s:
            self.assertGreater(s.schema_version, 0)
        with csvc.Store(":memory:") as s:
            self.assertEqual(s.schema_version, csvc.SCHEMA_VERSION_SUPPORTED)

    def test_options(self):
        path = os.path.join(self.dir, "o.db")
        with self.assertRaises(csvc.NotFound):
            csvc.Store(path, create=False)
        with csvc.Store(path, busy_timeout_ms=100, durability=csvc.Durability.NORMAL,
                        secure_delete=False, default_country_code="852") as s:
            c = s.create_customer(csvc.Customer(name="陳大文", phones=["9123 4567"]))
            self.assertEqual(s.find_customer_by_phone("+852 91234567").id, c.id)
        with csvc.Store(path, readonly=True) as s:
            self.assertEqual(s.count_customers(), 1)
            with self.assertRaises(csvc.ReadOnly):
                s.create_customer(csvc.Customer(name="x"))
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Store(path, durability=7)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Store(path, default_country_code="abc")
        with self.assertRaises(TypeError):
            csvc.Store(path, clock=42)
        with self.assertRaises(TypeError):
            csvc.Store(path, log="not callable")

    def test_log_handler(self):
        messages = []
        path = os.path.join(self.dir, "log.db")
        with csvc.Store(path, log=lambda level, msg: messages.append((level, msg)),
                        log_level=csvc.LogLevel.INFO) as s:
            self.assertIs(s.log.__class__, type(lambda: 0))
        self.assertTrue(messages)
        level, msg = messages[0]
        self.assertIs(level, csvc.LogLevel.INFO)
        self.assertIsInstance(msg, str)

    def test_clock_datetime_and_int(self):
        self.assertEqual(self.store.now(), self.fake_clock.now)
        us = [int(T0.timestamp() * 1000000)]

        def int_clock():
            us[0] += 5
            return us[0]

        with csvc.Store(":memory:", clock=int_clock) as s:
            self.assertIs(s.clock, int_clock)
            now = s.now()
            self.assertEqual(now.tzinfo, UTC)
            self.assertEqual(now, T0 + datetime.timedelta(microseconds=5))
        with csvc.Store(":memory:") as s:
            self.assertIsNone(s.clock)
            delta = abs(s.now() - datetime.datetime.now(UTC))
            self.assertLess(delta, datetime.timedelta(seconds=60))

    def test_clock_other_timezone(self):
        tz = datetime.timezone(datetime.timedelta(hours=8))
        with csvc.Store(":memory:", clock=lambda: datetime.datetime(2026, 1, 1, 16, 0, tzinfo=tz)) as s:
            self.assertEqual(s.now(), datetime.datetime(2026, 1, 1, 8, 0, tzinfo=UTC))

    def test_transaction_commit_and_rollback(self):
        with self.store.transaction() as s:
            self.assertIs(s, self.store)
            self.assertEqual(self.store.tx_depth, 1)
            self.customer("甲")
            with self.store.transaction():
                self.assertEqual(self.store.tx_depth, 2)
                self.customer("乙")
        self.assertEqual(self.store.tx_depth, 0)
        self.assertEqual(self.store.count_customers(), 2)

        with self.assertRaises(KeyError):
            with self.store.transaction():
                self.customer("丙")
                raise KeyError("boom")
        self.assertEqual(self.store.count_customers(), 2)

        with self.store.transaction():
            self.customer("丁")
            try:
                with self.store.transaction():
                    self.customer("戊")
                    raise ValueError("inner only")
            except ValueError:
                pass
        names = sorted(c.name for c in self.store.customers())
        self.assertEqual(names, sorted(["甲", "乙", "丁"]))

    def test_begin_commit_rollback(self):
        self.store.begin()
        self.customer("甲")
        self.store.rollback()
        self.assertEqual(self.store.count_customers(), 0)
        self.store.begin()
        self.customer("乙")
        self.store.commit()
        self.assertEqual(self.store.count_customers(), 1)
        with self.assertRaises(csvc.InvalidTransition):
            self.store.commit()

    def test_nesting_too_deep(self):
        with self.assertRaises(csvc.OutOfRange):
            for _ in range(100):
                self.store.begin()
        while self.store.tx_depth:
            self.store.rollback()

    def test_install_defaults_idempotent(self):
        self.store.install_defaults()
        self.assertEqual(self.store.load_workflow("complaint").version, 1)

    def test_module_functions(self):
        self.assertEqual(csvc.normalize_phone("138-0013-8000"), "+8613800138000")
        self.assertEqual(csvc.normalize_phone("9123 4567", country_code="852"), "+85291234567")
        self.assertEqual(csvc.normalize_phone("１３８００１３８０００"), "+8613800138000")
        with self.assertRaises(csvc.InvalidArgument):
            csvc.normalize_phone("not a phone")
        self.assertEqual(csvc.library_version(), csvc.__version__)
        self.assertEqual(csvc.strerror(-4), "not found")
        self.assertIsInstance(csvc.SCHEMA_VERSION_SUPPORTED, int)

    def test_docstrings(self):
        for name in csvc.__all__:
            obj = getattr(csvc, name)
            if isinstance(obj, (int, str)):
                continue
            self.assertTrue(obj.__doc__, name)
        for cls in (csvc.Store, csvc.Customer, csvc.Ticket, csvc.Workflow, csvc.StoreIterator):
            for attr in dir(cls):
                if attr.startswith("_"):
                    continue
                self.assertTrue(getattr(cls, attr).__doc__, f"{cls.__name__}.{attr}")
