"""Shared helpers of the Python tests."""

import atexit
import datetime
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import csvc

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 1, 1, 8, 0, tzinfo=UTC)

# TZif copies of a few zones (tests/data/zoneinfo), so that the tests do
# not depend on the system's tzdata.
ZONEINFO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "..", "data", "zoneinfo"))


# The engine the tests run on. CSVC_TEST_PG, when set, is the libpq
# connection string ("host=... port=... user=... dbname=...") of a
# PostgreSQL database (tests/pg/with-pg-server.sh sets it for the
# pg-python test): open_store() then opens each store there, through a
# postgresql:// URI, in a schema of its own, dropped when the tests end.
# Tests about SQLite's own files skip on PostgreSQL (ON_PG) and say why.
PG_CONNINFO = os.environ.get("CSVC_TEST_PG") or None
ON_PG = PG_CONNINFO is not None


def _conninfo_fields(conninfo):
    """The keywords of a libpq key=value string (values may be quoted)."""
    fields = {}
    for m in re.finditer(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", conninfo):
        value = m.group(2)
        if value.startswith("'"):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        fields[m.group(1)] = value
    return fields


def pg_uri(dbname=None):
    """The postgresql:// URI of the test database (or of `dbname` on the
    same server), from CSVC_TEST_PG."""
    fields = _conninfo_fields(PG_CONNINFO)
    user = fields.pop("user", "")
    db = fields.pop("dbname", "")
    if dbname is not None:
        db = dbname
    query = "&".join("%s=%s" % (k, urllib.parse.quote(v, safe="/")) for k, v in fields.items())
    return "postgresql://%s@/%s%s" % (urllib.parse.quote(user), urllib.parse.quote(db),
                                      "?" + query if query else "")


def pg_sql(statement, dbname=None):
    """Runs SQL on the test server with psql (each statement in a
    transaction of its own); skips the calling test if psql is missing."""
    psql = shutil.which("psql")
    if psql is None:
        raise unittest.SkipTest("psql (postgresql-client) is not installed")
    conninfo = PG_CONNINFO if dbname is None else "%s dbname=%s" % (PG_CONNINFO, dbname)
    # psql is not under test: not under the sanitizer that .ci/run preloads
    # for the suite (with it, psql hangs at exit).
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
                   input=statement, text=True, check=True, capture_output=True, env=env)


_schemas = {}
_memory_stores = itertools.count(1)


def _drop_schemas():
    if _schemas and shutil.which("psql"):
        try:
            pg_sql("".join("DROP SCHEMA IF EXISTS %s CASCADE;\n" % name for name in _schemas.values()))
        except subprocess.CalledProcessError as e:
            print("csvc_testutil: dropping the test schemas: %s" % e.stderr)
        _schemas.clear()


def store_target(path):
    """Where open_store(path) opens its store: (path, {}) on SQLite; on
    PostgreSQL the test database's URI and {"pg_schema": name}, one schema
    per file name (a test that opens the same file again finds its store)
    and a new one for each ":memory:"."""
    if not ON_PG:
        return path, {}
    path = os.fspath(path)
    if path == ":memory:":
        key = "m%d" % next(_memory_stores)
    else:
        key = "f" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]
    if not _schemas:
        atexit.register(_drop_schemas)
    name = _schemas.setdefault(key, "py%d_%s" % (os.getpid(), key))
    return pg_uri(), {"pg_schema": name}


def store_sql(path, statement):
    """Runs `statement` on the store that open_store(path) opens, outside
    the library (to give it data the library would refuse): with Python's
    sqlite3 module on the file, or with psql in the store's schema."""
    target, extra = store_target(path)
    if not ON_PG:
        import sqlite3
        db = sqlite3.connect(target)
        try:
            db.executescript(statement)
            db.commit()
        finally:
            db.close()
        return
    pg_sql("SET search_path TO %s, public;\n%s;\n" % (extra["pg_schema"], statement.rstrip().rstrip(";")))


def open_store(path, *args, **kwargs):
    """csvc.Store(path, ...) on the engine the tests run on (store_target)."""
    target, extra = store_target(path)
    return csvc.Store(target, *args, **extra, **kwargs)


class FakeClock:
    """A clock for tests: starts at T0 and advances one second per call."""

    def __init__(self, start=T0, step=datetime.timedelta(seconds=1)):
        self.now = start
        self.step = step
        self.calls = 0

    def __call__(self):
        self.calls += 1
        self.now += self.step
        return self.now


class ManualClock:
    """A clock for tests that stays where it is set: clock.now = ..."""

    def __init__(self, start=T0):
        self.now = start

    def __call__(self):
        return self.now


class StoreTestCase(unittest.TestCase):
    """Gives each test a scratch directory and a store with the defaults
    (open_store(self.path): on PostgreSQL, a schema of its own)."""

    clock = True

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-py-")
        self.path = os.path.join(self.dir, "test.db")
        self.fake_clock = FakeClock() if self.clock else None
        self.store = open_store(self.path, clock=self.fake_clock)
        self.store.install_defaults()

    def tearDown(self):
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def customer(self, name="王芳", **fields):
        return self.store.create_customer(csvc.Customer(name=name, **fields), actor="test")

    def ticket(self, kind="complaint", store_code="SH01", **fields):
        fields.setdefault("subject", "收银台排队太久")
        return self.store.create_ticket(csvc.Ticket(kind, store_code, **fields), actor="test")
