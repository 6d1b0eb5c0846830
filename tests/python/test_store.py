import datetime
import os
import unittest
import uuid

import csvc
from csvc_testutil import ON_PG, T0, UTC, FakeClock, StoreTestCase, open_store, pg_sql, pg_uri, store_target


class StoreTest(StoreTestCase):
    def test_context_manager_closes(self):
        path = os.path.join(self.dir, "cm.db")
        with open_store(path) as s:
            self.assertFalse(s.closed)
            self.assertEqual(s.path, store_target(path)[0])
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
        s = open_store(path)
        s.begin()
        s.create_customer(csvc.Customer(name="never committed"))
        with self.assertRaises(csvc.InvalidTransition) as cm:
            s.close()
        self.assertIn("was rolled back", cm.exception.message)
        self.assertTrue(s.closed)
        s.close()  # closed already: nothing to report
        with open_store(path) as s:
            self.assertEqual(s.count_customers(), 0)
        # On `with` exit: raised when the block ends normally...
        with self.assertRaises(csvc.InvalidTransition):
            with open_store(path) as s:
                s.begin()
        # ...and not over an exception leaving the block.
        with self.assertRaises(KeyError):
            with open_store(path) as s:
                s.begin()
                raise KeyError("mine")
        self.assertTrue(s.closed)

    @unittest.skipIf(ON_PG, "file names: os.PathLike and SQLite's \":memory:\"")
    def test_pathlike_and_memory(self):
        import pathlib
        with open_store(pathlib.Path(self.dir) / "p.db") as s:
            self.assertGreater(s.schema_version, 0)
        with open_store(":memory:") as s:
            self.assertEqual(s.schema_version, csvc.SCHEMA_VERSION_SUPPORTED)

    def test_pg_schema_is_ignored_for_a_file(self):
        path = os.path.join(self.dir, "file.db")
        with csvc.Store(path, pg_schema="branch_2") as s:
            s.create_customer(csvc.Customer(name="甲"))
        with csvc.Store(path) as s:
            self.assertEqual(s.count_customers(), 1)
        with self.assertRaises(TypeError):
            csvc.Store(path, pg_schema=2)

    def test_options(self):
        path = os.path.join(self.dir, "o.db")
        with self.assertRaises(csvc.NotFound):
            open_store(path, create=False)
        with open_store(path, busy_timeout_ms=100, durability=csvc.Durability.NORMAL,
                        secure_delete=False, default_country_code="852") as s:
            c = s.create_customer(csvc.Customer(name="陳大文", phones=["9123 4567"]))
            self.assertEqual(s.find_customer_by_phone("+852 91234567").id, c.id)
        with open_store(path, readonly=True) as s:
            self.assertEqual(s.count_customers(), 1)
            with self.assertRaises(csvc.ReadOnly):
                s.create_customer(csvc.Customer(name="x"))
        with self.assertRaises(csvc.InvalidArgument):
            open_store(path, durability=7)
        with self.assertRaises(csvc.InvalidArgument):
            open_store(path, default_country_code="abc")
        with self.assertRaises(TypeError):
            open_store(path, clock=42)
        with self.assertRaises(TypeError):
            open_store(path, log="not callable")

    def test_log_handler(self):
        messages = []
        path = os.path.join(self.dir, "log.db")
        with open_store(path, log=lambda level, msg: messages.append((level, msg)),
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

        with open_store(":memory:", clock=int_clock) as s:
            self.assertIs(s.clock, int_clock)
            now = s.now()
            self.assertEqual(now.tzinfo, UTC)
            self.assertEqual(now, T0 + datetime.timedelta(microseconds=5))
        with open_store(":memory:") as s:
            self.assertIsNone(s.clock)
            delta = abs(s.now() - datetime.datetime.now(UTC))
            self.assertLess(delta, datetime.timedelta(seconds=60))

    def test_clock_other_timezone(self):
        tz = datetime.timezone(datetime.timedelta(hours=8))
        with open_store(":memory:", clock=lambda: datetime.datetime(2026, 1, 1, 16, 0, tzinfo=tz)) as s:
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


@unittest.skipUnless(ON_PG, "needs a PostgreSQL server (CSVC_TEST_PG)")
class PostgresUriTest(unittest.TestCase):
    """csvc.Store("postgresql://...") end to end, in a database of its own,
    so that the default schema "csvc" is this test's."""

    def setUp(self):
        self.dbname = "csvc_py%d" % os.getpid()
        pg_sql("CREATE DATABASE %s" % self.dbname)
        self.uri = pg_uri(self.dbname)

    def tearDown(self):
        pg_sql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.dbname)

    def test_uri(self):
        self.assertTrue(self.uri.startswith("postgresql://"))
        with csvc.Store(self.uri) as s:
            self.assertEqual(s.path, self.uri)
            self.assertEqual(s.schema_version, csvc.SCHEMA_VERSION_SUPPORTED)
            head = s.feed_head()
            c = s.create_customer(csvc.Customer(name="王小明", phones=["138-0013-8000"],
                                                notes="喜欢安静的试衣间"), actor="clerk")
            # Chinese substrings of 2 characters (strpos) and of 3 or more
            # (the trigram index), a name and a note; another text finds nothing.
            for text in ("小明", "王小明", "安静的试衣"):
                self.assertEqual([x.id for x in s.customers(text=text)], [c.id], text)
            self.assertEqual(list(s.customers(text="李雷")), [])
            self.assertEqual(s.find_customer_by_phone("13800138000").id, c.id)
            entries = s.feed_after(head)
            self.assertEqual([(e.subject_kind, e.type, e.subject, e.actor) for e in entries],
                             [("customer", "created", c.id, "clerk")])
            self.assertEqual(s.feed_read("crm.sync"), s.feed_after(0, max=100))
            s.feed_ack("crm.sync", entries[-1].position)
            self.assertEqual(s.feed_consumer("crm.sync"), (entries[-1].position, 0))
        # Opened again: the same store, its cursor included.
        with csvc.Store(self.uri, create=False) as s:
            self.assertEqual(s.get_customer(c.id).name, "王小明")
            self.assertEqual(s.feed_consumer("crm.sync")[0], entries[-1].position)
        # Another schema of the same database is another store.
        with csvc.Store(self.uri, pg_schema="branch_2") as s:
            self.assertEqual(s.count_customers(), 0)
        with self.assertRaises(csvc.NotFound):
            csvc.Store(self.uri, pg_schema="branch_3", create=False)
