"""Runs each example in examples/python on temporary files."""

import csv
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unittest

import csvc
from csvc_testutil import ON_PG, ManualClock, pg_sql, pg_uri

EXAMPLES = os.environ.get("CSVC_EXAMPLES_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python")

CSV_TEXT = """Name,Phone,EMail,member_card,home_store,class,tier,birthday,notes,tags,colour
王芳,138-0013-8000,wang.fang@example.cn,M-10001,SH01,vip,2,1985-04-12,喜欢红色,会员;常客,red
李娜,139 0000 1111;021-6321 0000,,M-10002,SH01,普通,,,,,
,,,,,,,,,,
张伟,not-a-phone,,,SH02,,,,,,
赵敏,13700000000,,M-10001,BJ02,,,,,,
Nancy Li,+852 9123 4567,nancy@example.com,,HK01,potential,3,1990-13-01,,,
Nancy Li,+852 9123 4567,nancy@example.com,,HK01,potential,3,1990-12-01,,,
"""


def run(script, *args):
    env = dict(os.environ)
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args],
                          capture_output=True, text=True, env=env, timeout=120)


class ExamplesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-examples-")
        self.db = os.path.join(self.dir, "shop.db")
        self.pg_database = None
        if ON_PG:
            # The examples take the store's path or URI only, so the store
            # is the default schema of a database of this test's own.
            self.pg_database = "csvc_examples_%d" % os.getpid()
            pg_sql("CREATE DATABASE %s" % self.pg_database)
            self.db = pg_uri(self.pg_database)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.pg_database:
            pg_sql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.pg_database)

    def test_import_customers(self):
        path = os.path.join(self.dir, "customers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(CSV_TEXT)
        r = run("import_customers.py", self.db, path, "--batch", "2")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("imported 3, rejected 4", r.stdout)
        errors = [line for line in r.stderr.splitlines() if line.startswith("line ")]
        self.assertEqual([e.split(":")[0] for e in errors], ["line 4", "line 5", "line 6", "line 7"])
        self.assertIn("colour", r.stderr.splitlines()[0])  # unknown columns reported
        self.assertIn("M-10001", errors[2])  # the duplicate member card is named
        with csvc.Store(self.db) as s:
            self.assertEqual(s.count_customers(), 3)
            wang = s.find_customer_by_external_id("member_card", "M-10001")
            self.assertEqual((wang.name, wang.customer_class, wang.tier, str(wang.birthday)),
                             ("王芳", csvc.CustomerClass.VIP, csvc.Tier.TIER_2, "1985-04-12"))
            self.assertEqual(wang.tags, ("会员", "常客"))
            self.assertEqual(s.find_customer_by_phone("02163210000").name, "李娜")
            self.assertEqual(s.find_customer_by_email("NANCY@example.com").home_store, "HK01")

    def test_nightly_report(self):
        with csvc.Store(self.db) as s:
            s.install_defaults()
            for i in range(5):
                t = s.create_ticket(csvc.Ticket("complaint", "SH01" if i < 3 else "BJ02", subject=f"问题{i}"))
                if i == 0:
                    s.transition_ticket(t, "analyse")
                if i == 4:
                    s.transition_ticket(t, "cancel")
            s.create_ticket(csvc.Ticket("inquiry", "HK01", subject="营业时间"))
        r = run("nightly_report.py", self.db, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.reader(r.stdout.splitlines()))
        self.assertEqual(rows[0], ["store", "new", "open", "waiting", "resolved", "total"])
        table = {row[0]: [int(x) for x in row[1:]] for row in rows[1:]}
        self.assertEqual(table["SH01"], [2, 1, 0, 0, 3])
        self.assertEqual(table["BJ02"], [1, 0, 0, 0, 1])
        self.assertEqual(table["HK01"], [1, 0, 0, 0, 1])
        self.assertEqual(table["all"], [4, 1, 0, 0, 5])
        r = run("nightly_report.py", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("SH01", r.stdout)

    def test_satisfaction_report(self):
        clock = ManualClock(datetime.datetime(2026, 1, 1, 1, tzinfo=datetime.timezone.utc))
        with csvc.Store(self.db, clock=clock) as s:
            s.install_defaults()
            # NPS: SH01 9 10 10 9 7 3 10 (5 promoters, 1 detractor of 7), SH02 8 6 0.
            for code, v in [("SH01", 9), ("SH01", 10), ("SH01", 10), ("SH01", 9), ("SH02", 8), ("SH01", 7),
                            ("SH02", 6), ("SH01", 3), ("SH02", 0), ("SH01", 10)]:
                s.respond_anonymous("nps", {"recommend": v}, store_code=code, method="receipt_qr")
            # CSAT: SH01 Likert answers 5 4 3 and 2 5 4, top two box 4 of 6.
            for answers in ((5, 4, 3), (2, 5, 4)):
                t = s.create_ticket(csvc.Ticket("complaint", "SH01", subject="收银台排队太久"))
                token = s.invite("post_resolution", ticket=t, method="till")
                s.respond(token, dict(zip(["response_speed", "resolution_efficiency", "solution_satisfaction"],
                                          answers)))
            clock.now += datetime.timedelta(days=1)
            s.respond_anonymous("nps", {"recommend": 0}, store_code="BJ02", method="till")  # the next day
        dates = ["--from", "2026-01-01", "--to", "2026-01-02"]
        r = run("satisfaction_report.py", self.db, *dates, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(r.stdout.splitlines()))
        self.assertEqual([row["store"] for row in rows], ["SH01", "SH02", "all"])
        sh01, sh02, total = rows
        self.assertEqual((sh01["responses"], sh01["csat_n"], sh01["nps_n"]), ("9", "6", "7"))
        self.assertAlmostEqual(float(sh01["csat"]), 4 / 6, places=6)
        self.assertAlmostEqual(float(sh01["csat_low"]), 0.299993, places=6)  # Wilson(4, 6)
        self.assertAlmostEqual(float(sh01["csat_high"]), 0.903229, places=6)
        self.assertAlmostEqual(float(sh01["nps"]), 100 * 4 / 7, places=5)
        self.assertEqual((sh02["csat"], sh02["nps"]), ("", "-66.666667"))
        self.assertEqual((total["responses"], total["nps"], total["nps_se"]), ("12", "20.000000", "27.568098"))
        self.assertEqual({row["low_sample"] for row in rows}, {"1"})
        r = run("satisfaction_report.py", self.db, *dates, "--min-sample", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[1].split()[:6], ["SH01", "9", "66.7%", "[30.0%,", "90.3%]", "+57.1"])
        self.assertEqual(lines[2].split(), ["SH02", "3", "-", "-", "-66.7", "±27.2", "*"])
        self.assertEqual(lines[-1], "* fewer than 5 responses")
        r = run("satisfaction_report.py", self.db, "--from", "2026-01-01", "--to", "2026-01-03", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        self.assertEqual((data["report"], data["group_by"]), ("scores", "store"))
        self.assertEqual([(row["key"], row["metrics"]["responses"]) for row in data["rows"]],
                         [("BJ02", 1), ("SH01", 9), ("SH02", 3)])
        r = run("satisfaction_report.py", self.db, "--survey", "ghost")
        self.assertEqual(r.returncode, 2)
        self.assertIn("ghost", r.stderr)

    def read_outbox(self, path):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def test_outbox_writer(self):
        outbox = os.path.join(self.dir, "outbox.jsonl")
        r = run("outbox_writer.py", self.db, outbox, "--demo")
        self.assertEqual(r.returncode, 0, r.stderr)
        with csvc.Store(self.db) as s:
            head = s.feed_head()
            feed = [json.loads(e.json) for e in s.feed_after(0, 10000)]
            self.assertEqual(s.feed_consumer("outbox.file"), (head, 0))  # acknowledged
        self.assertIn(f"wrote {head} entries to {outbox}", r.stdout)
        lines = self.read_outbox(outbox)
        # Every entry once, in position order, in the library's layout.
        self.assertEqual(lines, feed)
        self.assertEqual([e["position"] for e in lines], list(range(1, head + 1)))
        self.assertEqual(len({e["id"] for e in lines}), head)
        kinds = [e["subject_kind"] for e in lines]
        first_customer = kinds.index("customer")
        self.assertGreater(first_customer, 0)
        self.assertEqual(set(kinds[:first_customer]), {"definition"})  # install_defaults
        self.assertEqual([(e["type"], e["actor"]) for e in lines if e["subject_kind"] == "customer"],
                         [("created", "counter-1")])
        ticket = [e for e in lines if e["subject_kind"] == "ticket"]
        # The rolled-back "handle" transition is not there.
        self.assertEqual([e["type"] for e in ticket], ["created", "transition", "comment", "assigned"])
        self.assertEqual([e["payload"]["seq"] for e in ticket], [1, 2, 3, 4])
        self.assertEqual(ticket[0]["payload"]["set"]["subject"], "收银台排队太久")
        self.assertEqual(ticket[1]["payload"]["to_state"], "analysing")
        self.assertEqual(ticket[2]["payload"]["body"], "查看了监控")
        self.assertTrue(all(e["reference"] == "SH01-000001" for e in ticket))

        # Nothing twice: the cursor is kept in the store.
        r = run("outbox_writer.py", self.db, outbox)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("wrote 0 entries", r.stdout)
        self.assertEqual(self.read_outbox(outbox), lines)

        # A crash after the write, before the acknowledgement (the cursor
        # behind), and a line torn by a crash during a write: the entries
        # come again, whole, with the same ids.
        with csvc.Store(self.db) as s:
            s.feed_reset("outbox.file", head - 3)
        with open(outbox, "ab") as f:
            f.write(b'{"position":' + str(head - 2).encode() + b',"id":"')
        r = run("outbox_writer.py", self.db, outbox)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("wrote 3 entries", r.stdout)
        again = self.read_outbox(outbox)
        self.assertEqual(again[:head], lines)
        self.assertEqual(again[head:], lines[-3:])
        unique = {}
        for e in again:
            unique.setdefault(e["id"], e)  # what the uploader keeps: one per event id
        self.assertEqual(list(unique.values()), lines)

    def test_outbox_writer_follow(self):
        outbox = os.path.join(self.dir, "outbox.jsonl")
        with csvc.Store(self.db) as s:
            s.install_defaults()
            head = s.feed_head()
        p = subprocess.Popen([sys.executable, os.path.join(EXAMPLES, "outbox_writer.py"), self.db, outbox,
                              "--follow"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(60, p.kill)
        watchdog.start()
        try:
            self.assertEqual(p.stdout.readline(), f"following outbox.file from position {head}\n")
            self.assertEqual(len(self.read_outbox(outbox)), head)
            # Another program commits: the follower writes it.
            with csvc.Store(self.db) as s:
                c = s.create_customer(csvc.Customer(name="李娜"), actor="elsewhere")
            self.assertEqual(p.stdout.readline(), f"wrote 1 entry up to position {head + 1}\n")
        finally:
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=60)
            watchdog.cancel()
        self.assertEqual(p.returncode, 0, err)
        self.assertIn(f"wrote {head + 1} entries to {outbox}", out)
        lines = self.read_outbox(outbox)
        self.assertEqual([e["position"] for e in lines], list(range(1, head + 2)))
        self.assertEqual((lines[-1]["subject_kind"], lines[-1]["type"], lines[-1]["subject"], lines[-1]["actor"]),
                         ("customer", "created", str(c.id), "elsewhere"))

    def test_sla_watcher(self):
        r = run("sla_watcher.py", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        alarms = [line.split() for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri")]
        # (local time, ticket, target, kind) in time order, as sla_next_wakeup led the loop
        self.assertEqual([(a[2], a[3], a[4], a[5]) for a in alarms], [
            ("09:06", "SH01-000001", "first_response", "warning"),
            ("13:02", "SH01-000002", "respond", "warning"),
            ("17:50", "SH01-000002", "respond", "BREACH"),
            ("08:14", "SH01-000002", "handled", "warning"),  # complaints count 24/7, holiday or not
            ("17:50", "SH01-000002", "handled", "BREACH"),
            ("03:26", "SH01-000002", "reported_back", "warning"),
            ("17:50", "SH01-000002", "reported_back", "BREACH"),
            ("13:02", "SH01-000001", "resolution", "warning"),
        ])
        self.assertEqual([a[1] for a in alarms], ["2026-11-24"] * 3 + ["2026-11-25"] * 2 + ["2026-11-26"] * 2
                         + ["2026-11-27"])
        self.assertTrue(alarms[0][-1] == "replied" and alarms[-1][-1] == "answered")
        self.assertIn("8 alarms in 8 wakeups; nothing pending", lines)
        self.assertEqual([line for line in lines if line.startswith("breached:")], [
            "breached: SH01-000002 respond since Tue 2026-11-24 17:50",
            "breached: SH01-000002 handled since Wed 2026-11-25 17:50",
            "breached: SH01-000002 reported_back since Thu 2026-11-26 17:50",
        ])
        self.assertIn("SH01-000002 priority: CRITICAL", lines)  # the reported_back escalation
        with csvc.Store(self.db) as s:
            inquiry = s.get_ticket_by_number("SH01-000001")
            self.assertEqual(inquiry.state, "answered")
            self.assertEqual({t.name: t.status for t in s.sla_targets(inquiry)},
                             {"first_response": csvc.SlaStatus.MET, "resolution": csvc.SlaStatus.MET})
            self.assertIsNone(s.sla_next_wakeup())

    def test_sla_watcher_bounded(self):
        r = run("sla_watcher.py", self.db, "--iterations", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 alarms in 3 wakeups; stopped after 3 wakeups", r.stdout.splitlines())
        with csvc.Store(self.db) as s:
            complaint = s.get_ticket_by_number("SH01-000002")
            # next: the 80 % warning of "handled" (48 h from receipt)
            self.assertEqual(s.sla_next_wakeup(), complaint.created_at + datetime.timedelta(hours=48 * 0.8))
