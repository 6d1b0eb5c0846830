import os
import sqlite3
import unittest

import csvc
from csvc_testutil import ON_PG, StoreTestCase, open_store, pg_sql, store_sql, store_target

EXPECTED = {
    -1: csvc.GenericError, -2: csvc.InvalidArgument, -3: csvc.OutOfMemory, -4: csvc.NotFound,
    -5: csvc.AlreadyExists, -6: csvc.InvalidTransition, -7: csvc.Conflict, -8: csvc.Busy,
    -9: csvc.StorageError, -10: csvc.Corrupt, -11: csvc.Stopped, -12: csvc.OutOfRange,
    -13: csvc.VersionMismatch, -14: csvc.NotAStore, -15: csvc.ReadOnly, -16: csvc.AccessDenied,
}


class ErrorMappingTest(StoreTestCase):
    def test_every_code_has_its_class(self):
        for code, cls in EXPECTED.items():
            with self.assertRaises(cls) as cm:
                csvc._csvc._raise_error(code, "detail", "sqlite", 5, "")
            e = cm.exception
            self.assertIs(type(e), cls)
            self.assertIsInstance(e, csvc.Error)
            self.assertEqual(e.code, code)
            self.assertIsInstance(e.code, csvc.ErrorCode)
            self.assertEqual(e.engine, "sqlite")
            self.assertEqual(e.engine_code, 5)
            self.assertEqual(e.sqlstate, "")
            self.assertEqual(e.message, "detail")
            self.assertEqual(str(e), "detail")
        with self.assertRaises(csvc.Error) as cm:
            csvc._csvc._raise_error(-99, "")
        self.assertIs(type(cm.exception), csvc.Error)
        self.assertEqual(cm.exception.code, -99)
        self.assertEqual(cm.exception.message, "unknown error")
        self.assertIsNone(cm.exception.engine)
        self.assertEqual(cm.exception.engine_code, 0)
        # An engine whose codes are text (PostgreSQL's SQLSTATE).
        with self.assertRaises(csvc.Busy) as cm:
            csvc._csvc._raise_error(-8, "serialization failure", "postgresql", 0, "40001")
        self.assertEqual(cm.exception.engine, "postgresql")
        self.assertEqual(cm.exception.sqlstate, "40001")
        # An error with no engine behind it.
        c = self.store.create_customer(csvc.Customer(name="x"))
        with self.assertRaises(csvc.InvalidArgument) as cm:
            self.store.create_customer(c)  # not a draft
        self.assertIsNone(cm.exception.engine)
        self.assertEqual(cm.exception.engine_code, 0)
        self.assertEqual(cm.exception.sqlstate, "")

    def test_builtin_bases(self):
        self.assertTrue(issubclass(csvc.InvalidArgument, ValueError))
        self.assertTrue(issubclass(csvc.OutOfRange, ValueError))
        self.assertTrue(issubclass(csvc.NotFound, LookupError))
        self.assertTrue(issubclass(csvc.OutOfMemory, MemoryError))
        self.assertTrue(issubclass(csvc.StoreClosed, csvc.InvalidTransition))

    def test_real_errors(self):
        s = self.store
        with self.assertRaises(csvc.InvalidArgument) as cm:
            csvc.Customer(phones=["abc"])
        self.assertTrue(cm.exception.message)
        with self.assertRaises(csvc.OutOfRange):
            csvc.Customer(name="名" * 100)
        with self.assertRaises(csvc.NotFound):
            s.get_customer("00000000-0000-4000-8000-000000000001")
        self.customer(external_ids=[("member_card", "M-1")])
        with self.assertRaises(csvc.AlreadyExists) as cm:
            self.customer("李四", external_ids=[("member_card", "M-1")])
        self.assertIn("M-1", cm.exception.message)
        t = self.ticket()
        stale = t.copy()
        with self.assertRaises(csvc.InvalidTransition):
            s.transition_ticket(t, "no-such-transition")
        s.transition_ticket(t, "analyse")
        with self.assertRaises(csvc.Conflict):
            s.transition_ticket(t, "handle", expected_revision=1)
        with self.assertRaises(csvc.Conflict):
            stale.subject = "changed"     # a copy from before the transition
            s.update_ticket(stale)

    @unittest.skipIf(ON_PG, "SQLite's write lock, taken by begin; test_busy_postgresql is the PostgreSQL case")
    def test_busy(self):
        other = open_store(self.path, busy_timeout_ms=-1)
        try:
            self.store.begin()
            with self.assertRaises(csvc.Busy) as cm:
                other.begin()
            self.assertEqual(cm.exception.engine, "sqlite")
            self.assertEqual(cm.exception.engine_code & 0xff, 5)  # SQLITE_BUSY
            self.assertEqual(cm.exception.sqlstate, "")
            with self.assertRaises(csvc.Busy):
                other.create_customer(csvc.Customer(name="x"))
            self.store.commit()
            other.create_customer(csvc.Customer(name="x"))
        finally:
            other.close()

    @unittest.skipUnless(ON_PG, "PostgreSQL's locks; test_busy is the SQLite case")
    def test_busy_postgresql(self):
        # A transaction that took a store code's next ticket number holds
        # that counter's row until it ends: another connection that does
        # not wait for locks (lock_timeout 1 ms) fails its ticket in the
        # same store code with Busy (55P03) and changes nothing, and gets
        # the next number once the transaction has committed.
        other = open_store(self.path, busy_timeout_ms=-1)
        try:
            self.store.begin()
            first = self.ticket(store_code="SH01")
            with self.assertRaises(csvc.Busy) as cm:
                other.create_ticket(csvc.Ticket("inquiry", "SH01", subject="几点开门？"))
            self.assertEqual(cm.exception.engine, "postgresql")
            self.assertEqual(cm.exception.sqlstate, "55P03")
            self.assertEqual(cm.exception.engine_code, 0)
            self.assertEqual(other.tx_depth, 0)
            other.create_ticket(csvc.Ticket("inquiry", "SH02", subject="几点开门？"))  # another counter
            self.store.commit()
            second = other.create_ticket(csvc.Ticket("inquiry", "SH01", subject="几点开门？"))
            self.assertEqual((first.number, second.number), ("SH01-000001", "SH01-000002"))
        finally:
            other.close()

    @unittest.skipIf(ON_PG, "SQLite files: garbage, another application's, a newer version, missing directories")
    def test_file_errors(self):
        garbage = os.path.join(self.dir, "garbage.db")
        with open(garbage, "wb") as f:
            f.write(b"this is not an sqlite file at all" * 200)
        with self.assertRaises(csvc.Corrupt):
            open_store(garbage)

        foreign = os.path.join(self.dir, "foreign.db")
        db = sqlite3.connect(foreign)
        db.execute("CREATE TABLE pos_sales (id INTEGER PRIMARY KEY)")
        db.commit()
        db.close()
        with self.assertRaises(csvc.NotAStore):
            open_store(foreign)

        newer = os.path.join(self.dir, "newer.db")
        open_store(newer).close()
        db = sqlite3.connect(newer)
        db.execute(f"PRAGMA user_version = {csvc.SCHEMA_VERSION_SUPPORTED + 10}")
        db.commit()
        db.close()
        with self.assertRaises(csvc.VersionMismatch):
            open_store(newer)

        with self.assertRaises((csvc.StorageError, csvc.NotFound)) as cm:
            open_store(os.path.join(self.dir, "no", "such", "dir", "x.db"))
        with self.assertRaises(csvc.StorageError):
            open_store(self.dir)  # a directory
        self.assertIsInstance(cm.exception, csvc.Error)

    def test_long_multibyte_message(self):
        # The message quotes two e-mails of about 250 bytes each: it is cut
        # at 511 bytes, on a character boundary.
        local = "名" * 82
        emails = ["A" + local + "@b.cn", "a" + local + "@b.cn"]
        with self.assertRaises(csvc.AlreadyExists) as cm:
            self.store.create_customer(csvc.Customer(name="x", emails=emails))
        message = cm.exception.message
        self.assertTrue(message.startswith("e-mails 'A名名"))
        self.assertLessEqual(len(message.encode("utf-8")), 511)
        self.assertGreater(len(message.encode("utf-8")), 500)

    @unittest.skipUnless(ON_PG, "PostgreSQL schemas; test_file_errors is the SQLite case")
    def test_schema_errors_postgresql(self):
        # A schema written by a newer library, a schema of another
        # application, a missing one, a name that is refused, a server
        # that is not there.
        newer = os.path.join(self.dir, "newer.db")
        open_store(newer).close()
        store_sql(newer, f"UPDATE csvc_meta SET schema_version = {csvc.SCHEMA_VERSION_SUPPORTED + 10}")
        with self.assertRaises(csvc.VersionMismatch):
            open_store(newer)

        foreign = os.path.join(self.dir, "foreign.db")
        uri, extra = store_target(foreign)
        pg_sql("CREATE SCHEMA %s; CREATE TABLE %s.pos_sales (id bigint PRIMARY KEY);"
               % (extra["pg_schema"], extra["pg_schema"]))
        with self.assertRaises(csvc.NotAStore):
            open_store(foreign)

        with self.assertRaises(csvc.NotFound):
            open_store(os.path.join(self.dir, "missing.db"), create=False)
        for bad in ("pg_catalog", "1abc", "a-b", "x" * 64, ""):
            with self.assertRaises(csvc.InvalidArgument):
                csvc.Store(uri, pg_schema=bad)
        with self.assertRaises(csvc.StorageError) as cm:
            csvc.Store("postgresql://nobody@/nowhere?host=%s&port=1" % os.path.join(self.dir, "no-server"))
        self.assertEqual(cm.exception.engine, "postgresql")

    @unittest.skipIf(ON_PG, "an SQLite file whose schema table names an object in bytes that are not UTF-8")
    def test_message_quoting_damaged_schema(self):
        # SQLite's message names a schema object whose name is not UTF-8.
        damaged = os.path.join(self.dir, "damaged.db")
        open_store(damaged).close()
        db = sqlite3.connect(damaged)
        db.execute("CREATE TABLE extra (x)")
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET name = CAST(X'6578ff747261' AS TEXT),"
                   " sql = 'CREATE TABLE ' || CAST(X'ff' AS TEXT) || ' x (' WHERE name = 'extra'")
        db.commit()
        db.close()
        with self.assertRaises(csvc.Corrupt) as cm:
            open_store(damaged)
        self.assertIn("ex\\xfftra", cm.exception.message)

    def test_control_characters(self):
        # Names are single-line: no C0, DEL or C1 control characters.
        for bad in ("a\x1b[31mb", "a\nb", "a\tb", "a\x7f", "a\x85b", "\x9b31m"):
            with self.assertRaises(csvc.InvalidArgument):
                csvc.Customer(name=bad)
            with self.assertRaises(csvc.InvalidArgument):
                csvc.Ticket("inquiry", "SH01", subject=bad)
        # Free text keeps tab and line breaks, and refuses other controls.
        c = self.customer(notes="line 1\nline 2\ttab")
        self.assertEqual(self.store.get_customer(c.id).notes, "line 1\nline 2\ttab")
        t = self.ticket(description="first\r\nsecond")
        self.assertEqual(self.store.get_ticket(t.id).description, "first\r\nsecond")
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Ticket("inquiry", "SH01", subject="s", description="bell\x07")

    @unittest.skipIf(ON_PG, "SQLite's FTS5 search index (on PostgreSQL search reads ordinary tables)")
    def test_damaged_search_index(self):
        self.customer()
        self.store.close()
        db = sqlite3.connect(self.path)
        db.execute("DROP TABLE customer_search_config")
        db.commit()
        db.close()
        self.store = open_store(self.path, clock=self.fake_clock)
        with self.assertRaises(csvc.Corrupt) as cm:
            list(self.store.customers(text="王芳芳"))
        self.assertIn("customer search index", cm.exception.message)
        self.assertNotIn("customer_search", cm.exception.message)
        self.assertNotIn("vtable", cm.exception.message)

    def test_type_errors_are_not_library_errors(self):
        with self.assertRaises(TypeError):
            csvc.Customer(name=42)
        with self.assertRaises(TypeError):
            csvc.Customer(nosuchfield=1)
        with self.assertRaises(TypeError):
            self.store.get_customer(3.14)
        with self.assertRaises(TypeError):
            self.store.customers(created_from=__import__("datetime").datetime(2026, 1, 1))  # naive
        with self.assertRaises(ValueError):
            csvc.Customer(name="a\0b")
