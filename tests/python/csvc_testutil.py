"""Shared helpers of the Python tests."""

import datetime
import os
import shutil
import tempfile
import unittest

import csvc

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 1, 1, 8, 0, tzinfo=UTC)

# TZif copies of a few zones (tests/data/zoneinfo), so that the tests do
# not depend on the system's tzdata.
ZONEINFO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "..", "data", "zoneinfo"))


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
    """Gives each test a scratch directory and a store with the defaults."""

    clock = True

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-py-")
        self.path = os.path.join(self.dir, "test.db")
        self.fake_clock = FakeClock() if self.clock else None
        self.store = csvc.Store(self.path, clock=self.fake_clock)
        self.store.install_defaults()

    def tearDown(self):
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def customer(self, name="王芳", **fields):
        return self.store.create_customer(csvc.Customer(name=name, **fields), actor="test")

    def ticket(self, kind="complaint", store_code="SH01", **fields):
        fields.setdefault("subject", "收银台排队太久")
        return self.store.create_ticket(csvc.Ticket(kind, store_code, **fields), actor="test")
