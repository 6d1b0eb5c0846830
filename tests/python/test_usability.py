"""What a new Python user runs into: None as a default, limits, stale
records, equality and hashing, Report as a Sequence, the epoch from a
clock, a wrong PYTHONPATH, the benchmark's fairness and the type stubs."""

import ast
import collections.abc
import datetime
import importlib.util
import os
import sqlite3
import shutil
import subprocess
import sys
import tempfile
import unittest

import csvc
from csvc_testutil import ON_PG, T0, UTC, StoreTestCase, open_store

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_PACKAGE_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "bindings", "python"))
STUBTEST_ALLOWLIST = os.path.join(SOURCE_PACKAGE_DIR, "stubtest-allowlist.txt")


class NoneMeansDefault(unittest.TestCase):
    def test_constructor_takes_none_for_class_and_lifecycle(self):
        c = csvc.Customer(name="王芳", customer_class=None, tier=None, lifecycle=None)
        self.assertIs(c.customer_class, csvc.CustomerClass.ORDINARY)
        self.assertIs(c.lifecycle, csvc.Lifecycle.NEW)
        self.assertIsNone(c.tier)

    def test_setters_take_none_as_the_default(self):
        c = csvc.Customer(name="王芳", customer_class=csvc.CustomerClass.VIP,
                          lifecycle=csvc.Lifecycle.MATURE)
        c.customer_class = None
        c.lifecycle = None
        self.assertIs(c.customer_class, csvc.CustomerClass.ORDINARY)
        self.assertIs(c.lifecycle, csvc.Lifecycle.NEW)

    def test_zero_is_still_rejected(self):
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Customer(name="王芳", customer_class=0)


class Limits(StoreTestCase):
    def setUp(self):
        super().setUp()
        self.customer("甲")
        self.customer("乙")

    def test_limit_in_range(self):
        self.assertEqual(len(list(self.store.customers(limit=1))), 1)
        self.assertEqual(len(list(self.store.customers(limit=2**32 - 1))), 2)
        self.assertEqual(len(list(self.store.tickets(limit=0))), 0)

    def test_negative_limit_is_a_value_error(self):
        for call in (lambda: self.store.customers(limit=-1), lambda: self.store.tickets(limit=-1),
                     lambda: self.store.count_customers(limit=-1), lambda: self.store.sla_at_risk(limit=-1),
                     lambda: self.store.sla_breached(limit=-1)):
            with self.assertRaises(ValueError):
                call()

    def test_limit_past_32_bits_is_an_overflow_error(self):
        # 2**32 + 1 used to wrap to 1.
        for call in (lambda: self.store.customers(limit=2**32 + 1), lambda: self.store.tickets(limit=2**32),
                     lambda: self.store.sla_at_risk(limit=2**32 + 1)):
            with self.assertRaises(OverflowError):
                call()


class Attributes(unittest.TestCase):
    def test_attributes_are_read_only(self):
        c = csvc.Customer(name="王芳", attributes={"size": "M"})
        with self.assertRaises(TypeError):
            c.attributes["size"] = "L"
        with self.assertRaises(TypeError):
            del c.attributes["size"]
        self.assertEqual(c.get_attr("size"), "M")
        self.assertEqual(c.attributes, {"size": "M"})
        self.assertEqual(dict(c.attributes), {"size": "M"})
        c.set_attr("size", "L")
        self.assertEqual(c.attributes["size"], "L")


class TicketOperationsRefreshTheTicket(StoreTestCase):
    def test_transition_updates_the_ticket_passed(self):
        t = self.ticket()
        rev = self.store.transition_ticket(t, "analyse", actor="clerk-7")
        self.assertEqual(t.state, "analysing")
        self.assertEqual(t.revision, rev)
        self.assertEqual(t, self.store.get_ticket(t.id))
        t.subject = "排队"
        self.store.update_ticket(t)      # used to raise Conflict
        self.assertEqual(self.store.get_ticket(t.id).subject, "排队")

    def test_assign_and_comment_update_the_ticket_passed(self):
        t = self.ticket()
        self.store.assign_ticket(t, assignee="clerk-7", team="front")
        self.assertEqual(t.assignee, "clerk-7")
        self.store.comment_ticket(t, csvc.CommentKind.NOTE, "已联系顾客")
        self.assertEqual(t, self.store.get_ticket(t.id))

    def test_an_id_leaves_other_objects_alone(self):
        t = self.ticket()
        self.store.transition_ticket(t.id, "analyse")
        self.assertEqual(t.state, "received")

    def test_a_failed_transition_leaves_the_ticket_as_it_was(self):
        t = self.ticket()
        before = t.copy()
        with self.assertRaises(csvc.InvalidTransition):
            self.store.transition_ticket(t, "no-such-transition")
        self.assertEqual(t, before)


class EqualityAndHashing(StoreTestCase):
    def test_customers_compare_by_value(self):
        a = csvc.Customer(name="王芳", phones=["138-0013-8000"], attributes={"size": "M"})
        b = csvc.Customer(name="王芳", phones=["138-0013-8000"], attributes={"size": "M"})
        self.assertEqual(a, b)
        self.assertEqual(a, a.copy())
        b.add_tag("vip")
        self.assertNotEqual(a, b)
        self.assertNotEqual(a, "王芳")
        saved = self.customer("李娜")
        self.assertEqual(saved, self.store.get_customer(saved.id))

    def test_workflows_and_surveys_compare_by_value(self):
        wf = self.store.load_workflow("complaint")
        self.assertEqual(wf, self.store.load_workflow("complaint"))
        other = csvc.Workflow("x")
        self.assertNotEqual(wf, other)
        self.store.install_survey_defaults()
        mall = self.store.load_survey("mall")
        self.assertEqual(mall, self.store.load_survey("mall"))
        self.assertNotEqual(mall, self.store.load_survey("nps"))

    def test_records_are_mutable_so_unhashable(self):
        t = self.ticket()
        for record in (t, self.customer(), self.store.load_workflow("complaint")):
            with self.assertRaises(TypeError):
                hash(record)
        by_id = {t.id: t}            # the documented way to key records
        self.assertIs(by_id[self.store.get_ticket(t.id).id], t)


class ReportIsASequence(StoreTestCase):
    def test_sequence(self):
        now = self.store.now()
        report = self.store.report_kpis(now - datetime.timedelta(days=1), now + datetime.timedelta(days=1),
                                        group_by="store")
        self.ticket(store_code="SH01")
        report = self.store.report_kpis(now - datetime.timedelta(days=1), now + datetime.timedelta(days=1),
                                        group_by="store")
        self.assertIsInstance(report, collections.abc.Sequence)
        self.assertGreaterEqual(len(report), 1)
        rows = list(report)
        self.assertEqual(rows, [report[i] for i in range(len(report))])
        self.assertEqual(list(reversed(report)), rows[::-1])
        self.assertIn(rows[0], report)
        self.assertEqual(report.index(rows[-1]), len(rows) - 1)
        self.assertEqual(report.count(rows[0]), 1)
        with self.assertRaises(ValueError):
            report.index("no such row")


class EpochClock(unittest.TestCase):
    def test_now_at_the_epoch(self):
        d = tempfile.mkdtemp(prefix="csvc-py-")
        try:
            with open_store(os.path.join(d, "t.db"), clock=lambda: 0) as store:
                self.assertEqual(store.now(), datetime.datetime(1970, 1, 1, tzinfo=UTC))
        finally:
            shutil.rmtree(d, ignore_errors=True)


class WrongPythonPath(unittest.TestCase):
    def test_source_tree_on_pythonpath(self):
        if os.path.exists(os.path.join(SOURCE_PACKAGE_DIR, "csvc", "__init__.py")) is False:
            self.skipTest("no source tree")
        env = dict(os.environ, PYTHONPATH=SOURCE_PACKAGE_DIR)
        r = subprocess.run([sys.executable, "-c", "import csvc"], env=env, capture_output=True, text=True,
                           cwd=tempfile.gettempdir())
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("circular import", r.stderr)
        self.assertIn("csvc._csvc", r.stderr)
        self.assertIn("pip install", r.stderr)


class FairBenchmark(unittest.TestCase):
    def test_python_side_runs_without_sla_like_the_c_side(self):
        spec = importlib.util.spec_from_file_location("bench_tickets", os.path.join(HERE, "bench_tickets.py"))
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        d = tempfile.mkdtemp(prefix="csvc-py-")
        try:
            with bench.open_store(os.path.join(d, "b.db")) as store:
                t = store.create_ticket(csvc.Ticket("complaint", "SH01", subject="x", channel="phone"))
                self.assertEqual(list(store.sla_targets(t)), [])
        finally:
            shutil.rmtree(d, ignore_errors=True)


class SlaRematch(StoreTestCase):
    def test_rematch_moves_to_a_new_version(self):
        t = self.ticket("complaint")
        targets = list(self.store.sla_targets(t))
        self.assertTrue(targets)
        name, version = targets[0].policy, targets[0].policy_version
        p = self.store.load_sla_policy(name)
        p.add_target("follow_up", datetime.timedelta(hours=30), "24x7").met_by_reply()
        self.assertEqual(self.store.save_sla_policy(p), version + 1)
        self.assertEqual({x.policy_version for x in self.store.sla_targets(t)}, {version})
        self.assertIs(self.store.sla_rematch(t), True)
        self.assertEqual({x.policy_version for x in self.store.sla_targets(t)}, {version + 1})
        self.assertIs(self.store.sla_rematch(t.id), False)
        with self.assertRaises(csvc.NotFound):
            self.store.sla_rematch("00000000-0000-4000-8000-000000000000")


class Maintenance(StoreTestCase):
    """scrub_customers, scrub_pending and checkpoint: bound since the header
    test (test_bindings_complete.py) found them unbound."""

    def test_scrub_after_an_erasure_in_a_transaction(self):
        c = self.customer("王芳", phones=["138-0013-8000"])
        self.assertIsNone(self.store.scrub_pending())
        with self.store.transaction():
            self.store.erase_customer(c, actor="privacy")
            with self.assertRaises(csvc.InvalidTransition):
                self.store.scrub_customers()
        since = self.store.scrub_pending()
        self.assertIsInstance(since, datetime.datetime)
        self.store.scrub_customers()
        self.assertIsNone(self.store.scrub_pending())

    def test_checkpoint(self):
        self.customer()
        self.store.checkpoint()
        if not ON_PG:  # SQLite's write-ahead log; on PostgreSQL a checkpoint does nothing
            self.assertEqual(os.path.getsize(self.path + "-wal"), 0)
        self.store.begin()
        with self.assertRaises(csvc.InvalidTransition):
            self.store.checkpoint()
        self.store.rollback()

    def test_backup_and_verify(self):
        self.ticket("complaint")
        copy = os.path.join(self.dir, "copy.db")
        if ON_PG:  # the server's own tools back up and check a PostgreSQL store
            with self.assertRaises(csvc.InvalidTransition):
                self.store.backup(copy)
            self.assertFalse(os.path.exists(copy))
            return
        self.store.backup(copy)
        self.assertEqual(csvc.verify_store(copy), csvc.SCHEMA_VERSION_SUPPORTED)
        with csvc.Store(copy) as b:
            self.assertEqual(len(list(b.tickets())), 1)
        with self.assertRaises(csvc.AlreadyExists):
            self.store.backup(copy)
        self.store.begin()
        with self.assertRaises(csvc.InvalidTransition):
            self.store.backup(os.path.join(self.dir, "other.db"))
        self.store.rollback()
        # A comment of a ticket that does not exist, written behind the library.
        db = sqlite3.connect(copy)
        db.execute("INSERT INTO ticket_comments (ticket_id, kind, body, actor, at_us) VALUES (999999, 1, 'x', 'a', 0)")
        db.commit()
        db.close()
        with self.assertRaisesRegex(csvc.Corrupt, "ticket_comments"):
            csvc.verify_store(copy)
        with self.assertRaises(csvc.NotFound):
            csvc.verify_store(os.path.join(self.dir, "missing.db"))
        with self.assertRaises(TypeError):
            self.store.backup(None)


class Stubs(unittest.TestCase):
    """The stubs name what the module has, and the module what the stubs name."""

    def stub(self):
        path = os.path.join(os.path.dirname(csvc.__file__), "_csvc.pyi")
        with open(path, encoding="utf-8") as f:
            return ast.parse(f.read())

    @staticmethod
    def public(name):
        return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))

    def test_stub_names_exist_at_runtime_and_back(self):
        tree = self.stub()
        stub_names = set()
        for node in tree.body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                stub_names.add(node.name)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                stub_names.add(node.target.id)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and not target.id.startswith("_"):
                        self.fail(f"{target.id}: a public alias in the stub is not in the module "
                                  "(name it with a leading underscore)")
        runtime = {n for n in vars(csvc._csvc) if not n.startswith("_")}
        self.assertEqual(sorted(n for n in stub_names if self.public(n) and not n.startswith("__")),
                         sorted(runtime))

    def test_stub_members_exist_at_runtime(self):
        missing, extra = [], []
        for node in self.stub().body:
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(csvc._csvc, node.name)
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            for m in members:
                if not hasattr(cls, m):
                    missing.append(f"{node.name}.{m}")
            for m in vars(cls):
                if self.public(m) and not m.startswith("__") and m not in members:
                    extra.append(f"{node.name}.{m}")
            decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
            if not cls.__flags__ & (1 << 10):      # Py_TPFLAGS_BASETYPE
                self.assertIn("final", decorators, f"{node.name} cannot be subclassed: mark it @final")
        self.assertEqual(missing, [], "in the stub, not at runtime")
        self.assertEqual(extra, [], "at runtime, not in the stub")

    def test_stubtest(self):
        """mypy's stubtest, with Debian's python3 when this interpreter has no mypy."""
        if "asan" in os.environ.get("LD_PRELOAD", ""):
            self.skipTest("the stubs do not depend on the sanitizers; stubtest runs in the plain build")
        if importlib.util.find_spec("mypy") is not None:
            cmd = [sys.executable, "-m", "mypy.stubtest", "csvc"]
        elif os.path.exists("/usr/bin/python3") and subprocess.run(
                ["/usr/bin/python3", "-c", "import mypy.stubtest"], capture_output=True).returncode == 0:
            cmd = ["/usr/bin/python3", "-m", "mypy.stubtest", "csvc"]
        else:
            self.skipTest("mypy is not installed (apt-get install mypy)")
        pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(csvc.__file__)))
        env = dict(os.environ, PYTHONPATH=pkg_parent)
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(cmd + ["--concise", "--allowlist", STUBTEST_ALLOWLIST], env=env, capture_output=True,
                               text=True, cwd=d)
        if "ImportError" in r.stdout + r.stderr and "_csvc" in r.stdout + r.stderr and cmd[0] != sys.executable:
            self.skipTest("the extension was built for another interpreter")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
