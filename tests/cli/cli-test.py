#!/usr/bin/env python3
"""End-to-end tests of the csvc tool and the POS embedding example.

Python 3 standard library only. Run by `meson test --suite integration`.

    cli-test.py --csvc PATH --pos PATH --source-root DIR TEST

Tests:
  golden-SCENARIO  run a scripted session of csvc commands in a fresh
                   directory (on fixed clocks) and compare its transcript
                   (command, stdout, stderr, exit status) with
                   tests/cli/golden/SCENARIO.txt. UUIDs the library picks at
                   random are masked as <uuid>. Every failing command must
                   print at least one line on stderr, each starting "csvc: ".
  help             every command and subcommand answers --help, and each is
                   in the man page docs/csvc.1
  demo             `csvc demo` twice (text and --json): byte-identical runs,
                   equal to golden/demo.txt, and the store it leaves works
                   with the other commands
  pos              the POS example, run twice: its outbox is JSON lines with
                   the expected events

Set CSVC_UPDATE_GOLDEN=1 to rewrite the golden files from the current
output (then review the diff).
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
GOLDEN = os.path.join(HERE, "golden")
FIXED_UUID = "00000000-0000-4000-8000-"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

T0 = "2026-11-23T10:00:00+08:00"


def at(hhmm, day="2026-11-23"):
    return "%sT%s:00+08:00" % (day, hhmm)


# A scenario is a list of steps: (args, stdin or None). Args starting with
# "@" are paths in tests/cli/data.
SCENARIOS = {
    "customers": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--phone", "138-0013-8000", "--email", "Wang.Fang@Example.cn", "--member-card", "M-10001",
          "--tag", "会员日", "--class", "核心", "--tier", "2", "--birthday", "1985-04-12",
          "--home-store", "SH01", "--attr", "size=M", "--notes", "喜欢安静的试衣间"], None),
        (["--now", at("10:05"), "customer", "add", "--id", FIXED_UUID + "000000000002", "--name", "李雷",
          "--phone", "139 1234 5678", "--home-store", "SH01"], None),
        (["--now", at("10:06"), "customer", "add", "--id", FIXED_UUID + "000000000003", "--name", "韩梅梅",
          "--phone", "021-6234-5678", "--home-store", "SH02", "--class", "vip",
          "--notes", "需要无障碍通道"], None),
        (["--now", at("10:07"), "customer", "add", "--id", FIXED_UUID + "000000000004", "--name", "王 芳",
          "--phone", "+86 138 0013 8000", "--member-card", "M-20001", "--home-store", "SH02"], None),
        (["customer", "show", FIXED_UUID + "000000000001"], None),
        (["customer", "show", FIXED_UUID + "000000000001", "--json"], None),
        (["customer", "find", "--phone", "0086 13800138000"], None),
        (["customer", "find", "--member-card", "M-20001", "--json"], None),
        (["customer", "search"], None),
        (["customer", "search", "梅梅"], None),
        (["customer", "search", "无障碍", "--json"], None),
        (["customer", "search", "--phone", "13800138000"], None),
        (["customer", "search", "--class", "vip"], None),
        (["--now", at("10:10"), "customer", "merge", FIXED_UUID + "000000000001",
          FIXED_UUID + "000000000004"], None),
        (["customer", "search", "王芳"], None),
        (["--now", at("10:11"), "customer", "update", FIXED_UUID + "000000000002", "--email",
          "li.lei@example.cn", "--tag", "常客", "--lifecycle", "growing", "--tier", "3"], None),
        (["--now", at("10:12"), "customer", "update", FIXED_UUID + "000000000002", "--remove-tag",
          "常客", "--tier", "none", "--json"], None),
        (["--now", at("10:20"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--subject", "收银台排队太久"], None),
        (["--now", at("10:30"), "customer", "erase", FIXED_UUID + "000000000003", "--yes"], None),
        (["customer", "show", FIXED_UUID + "000000000003"], None),
        (["--now", at("10:40"), "customer", "export", FIXED_UUID + "000000000001"], None),
    ],
    "tickets": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--phone", "138-0013-8000"], None),
        (["--now", at("10:01"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--channel", "store_counter", "--category",
          "服务态度", "--urgency", "major", "--subject", "收银台排队太久，店员态度冷淡"], None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "after_sales", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--order", "POS-SH01-20261121-0153",
          "--category", "商品质量", "--subject", "羊毛衫洗后缩水", "--json"], None),
        (["--now", at("10:03"), "ticket", "open", "--kind", "inquiry", "--store", "SH02",
          "--channel", "wechat", "--subject", "会员积分怎么兑换？"], None),
        (["--now", at("10:04"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--subject", "同一问题的第二次投诉", "--priority", "high"], None),
        (["--now", at("10:10"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "analyse",
          "--note", "查看监控"], None),
        (["--now", at("10:11"), "--actor", "刘经理", "ticket", "assign", "SH01-000001", "--to", "刘经理",
          "--team", "SH01 楼面"], None),
        (["--now", at("10:20"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "handle"], None),
        (["--now", at("10:25"), "--actor", "刘经理", "ticket", "note", "SH01-000001", "加开两个收银台"], None),
        (["--now", at("11:00"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "report_back"], None),
        (["--now", at("11:01"), "--actor", "刘经理", "ticket", "reply", "SH01-000001",
          "已加开收银台，感谢反馈。", "--kind", "result_notice", "--method", "phone"], None),
        (["--now", at("11:05"), "ticket", "link", "SH01-000002", "SH01-000001"], None),
        (["--now", at("11:06"), "ticket", "merge", "SH01-000001", "SH01-000003"], None),
        (["--now", at("11:10"), "ticket", "move", "SH01-000001", "close", "--json"], None),
        (["--now", at("11:20"), "ticket", "show", "SH01-000001"], None),
        (["--now", at("11:20"), "ticket", "show", "SH01-000002", "--json"], None),
        (["ticket", "list"], None),
        (["ticket", "list", "--open", "--store", "SH01"], None),
        (["ticket", "list", "--text", "积分", "--json"], None),
        (["ticket", "history", "SH01-000001"], None),
        (["ticket", "history", "SH01-000003", "--json"], None),
        (["--now", at("11:30"), "ticket", "move", "SH01-000001", "analyse"], None),
        (["ticket", "show", "SH09-000001"], None),
    ],
    "calendar": [
        (["calendar", "add", "--spec", "@shanghai.json", "--start", at("17:00"), "--duration", "1h",
          "--duration", "90m", "--duration", "8h", "--duration", "3d", "--duration", "0",
          "--duration", "5400"], None),
        (["calendar", "add", "--spec", "@shanghai.json", "--start", "2026-11-23T09:00:00.5Z",
          "--duration", "30s"], None),
        (["calendar", "between", "--spec", "@shanghai.json", "--start", at("08:00"), "--end", at("20:00"),
          "--end", at("12:30"), "--end", "2026-11-20T00:00:00Z"], None),
        (["calendar", "add", "--spec", "@shanghai.json", "--stdin"], "@add-cases.txt"),
        (["calendar", "between", "--spec", "@shanghai.json", "--stdin", "--json"], "@between-cases.txt"),
        (["calendar", "add", "--spec", "@shanghai.json", "--start", at("17:00"), "--duration", "1h",
          "--json"], None),
        (["--now", T0, "init"], None),
        (["--now", T0, "calendar", "set", "SH01", "--file", "@shanghai.json"], None),
        (["calendar", "show", "SH01"], None),
        (["calendar", "show", "SH01", "--json"], None),
        (["calendar", "add", "--store", "SH01", "--start", at("17:00"), "--duration", "1h"], None),
        (["calendar", "show", "SH02"], None),
        (["calendar", "add", "--spec", "@shanghai.json", "--start", "2026-11-23 17:00", "--duration", "1h"],
         None),
        (["calendar", "add", "--spec", "@shanghai.json", "--start", at("17:00"), "--duration", "1w"], None),
        (["calendar", "between", "--spec", "@shanghai.json", "--start", at("17:00"), "--end",
          "2026-02-30T00:00:00Z"], None),
        (["calendar", "add", "--spec", "@bad-calendar.json", "--start", at("17:00"), "--duration", "1h"],
         None),
        (["calendar", "add", "--spec", "@missing.json", "--start", at("17:00"), "--duration", "1h"], None),
        (["calendar", "add", "--spec", "@shanghai.json", "--stdin"], "2026-11-23T17:00:00+08:00\n"),
        (["calendar", "add", "--spec", "@shanghai.json", "--start", "2199-12-31T00:00:00Z",
          "--duration", "3000d"], None),
    ],
    "sla": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "calendar", "set", "SH02", "--file", "@shanghai.json"], None),
        (["--now", at("10:00"), "ticket", "open", "--kind", "inquiry", "--store", "SH02",
          "--channel", "wechat", "--subject", "会员积分怎么兑换？"], None),
        (["--now", at("10:01"), "ticket", "open", "--kind", "inquiry", "--store", "SH02",
          "--subject", "停车场几点关门？"], None),
        (["--now", at("10:05"), "ticket", "reply", "SH02-000002", "23:00。"], None),
        (["--now", at("10:10"), "sla", "next-wakeup"], None),
        (["--now", at("10:10"), "sla", "advance"], None),
        (["--now", at("10:17"), "sla", "advance"], None),
        (["--now", at("10:17"), "sla", "at-risk"], None),
        (["--now", at("10:17"), "sla", "advance"], None),
        (["--now", at("10:30"), "sla", "advance", "--json"], None),
        (["--now", at("10:30"), "sla", "breached"], None),
        (["--now", at("10:30"), "sla", "breached", "--json"], None),
        (["--now", at("10:30"), "sla", "at-risk", "--json"], None),
        (["sla", "next-wakeup", "--json"], None),
        (["--now", at("10:31"), "sla", "advance", "--until", at("18:00", "2026-11-24")], None),
        (["sla", "next-wakeup"], None),
        (["sla", "advance", "--until", "tomorrow"], None),
    ],
    "import": [
        (["--now", T0, "init"], None),
        (["--now", T0, "customer", "import", "--csv", "@customers-good.csv"], None),
        (["customer", "show", FIXED_UUID + "000000000101"], None),
        (["customer", "show", FIXED_UUID + "000000000102", "--json"], None),
        (["customer", "search"], None),
        (["--now", at("10:01"), "customer", "import", "--csv", "@customers-bad.csv"], None),
        (["customer", "search", "--home-store", "SH01", "--limit", "10"], None),
        (["--now", at("10:02"), "customer", "import", "--csv", "@customers-bad.csv", "--json"], None),
        (["--now", at("10:03"), "customer", "import", "--csv", "@customers-bad.csv", "--skip-bad-rows"], None),
        (["customer", "search"], None),
        (["--now", at("10:04"), "customer", "import", "--csv", "@customers-malformed.csv",
          "--skip-bad-rows"], None),
        (["customer", "import", "--csv", "@customers-unknown-column.csv"], None),
        (["customer", "import", "--csv", "@missing.csv"], None),
        (["customer", "import"], None),
        (["customer", "import", "--csv", "@customers-good.csv", "--all-or-nothing", "--skip-bad-rows"], None),
        (["customer", "search", "--json", "--limit", "1"], None),
    ],
    "errors": [
        ([], None),
        (["frobnicate"], None),
        (["customer"], None),
        (["customer", "frobnicate"], None),
        (["customer", "show", FIXED_UUID + "000000000001"], None),
        (["--now", T0, "init", "--defaults", "--json"], None),
        (["customer", "show"], None),
        (["customer", "show", "not-a-uuid"], None),
        (["customer", "show", FIXED_UUID + "000000000009"], None),
        (["customer", "add", "--name", "王芳", "--nmae", "x"], None),
        (["customer", "add", "--name"], None),
        (["customer", "add", "--phone", "138x"], None),
        (["customer", "add", "--birthday", "1985-02-30"], None),
        (["customer", "add", "--class", "gold"], None),
        (["customer", "add", "--external-id", "member_card"], None),
        (["--now", "yesterday", "customer", "search"], None),
        (["--now"], None),
        (["customer", "erase", FIXED_UUID + "000000000001"], None),
        (["customer", "find", "--phone", "13800138000"], None),
        (["customer", "find"], None),
        (["customer", "merge", FIXED_UUID + "000000000001", FIXED_UUID + "000000000001"], None),
        (["ticket", "open", "--kind", "complaint"], None),
        (["ticket", "open", "--kind", "nonsense", "--store", "SH01"], None),
        (["ticket", "open", "--kind", "complaint", "--store", "SH01", "--urgency", "panic"], None),
        (["ticket", "move", "SH01-000001", "close"], None),
        (["--now", T0, "ticket", "open", "--kind", "complaint", "--store", "SH01", "--subject", "x"], None),
        (["ticket", "move", "SH01-000001", "close"], None),
        (["ticket", "move", "SH01-000001", "analyse", "--revision", "7"], None),
        (["ticket", "history", "SH01-000001"], None),
        (["--db", "missing.db", "ticket", "list"], None),
        (["--db", "@customers-good.csv", "ticket", "list"], None),
        (["calendar", "add", "--start", at("17:00"), "--duration", "1h"], None),
        (["sla", "advance", "extra"], None),
        (["help", "ticket", "move"], None),
    ],
}


class Failure(Exception):
    pass


def mask(text):
    return UUID_RE.sub(lambda m: m.group(0) if m.group(0).startswith(FIXED_UUID) else "<uuid>", text)


def resolve(arg, workdir):
    if arg.startswith("@"):
        name = arg[1:]
        src = os.path.join(DATA, name)
        if os.path.exists(src):
            dst = os.path.join(workdir, name)
            if not os.path.exists(dst):
                shutil.copyfile(src, dst)
        return name
    return arg


def run_csvc(csvc, args, workdir, stdin=None, env_extra=None):
    env = dict(os.environ)
    env["CSVC_DB"] = "store.db"
    env.pop("LANG", None)
    env["LC_ALL"] = "C"
    if env_extra:
        env.update(env_extra)
    proc = subprocess.run([csvc] + args, cwd=workdir, input=(stdin or "").encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def golden_compare(name, actual):
    path = os.path.join(GOLDEN, name)
    if os.environ.get("CSVC_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(actual)
        print("updated %s" % path)
        return
    if not os.path.exists(path):
        raise Failure("missing golden file %s (run with CSVC_UPDATE_GOLDEN=1)" % path)
    with open(path, encoding="utf-8", newline="") as f:
        expected = f.read()
    if expected != actual:
        import difflib
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            "golden/" + name, "actual"))
        raise Failure("output differs from golden/%s:\n%s" % (name, diff))


def test_golden(args, scenario):
    steps = SCENARIOS[scenario]
    out = []
    with tempfile.TemporaryDirectory(prefix="csvc-cli-") as workdir:
        for argv, stdin in steps:
            argv = [resolve(a, workdir) for a in argv]
            if stdin and stdin.startswith("@"):
                with open(os.path.join(DATA, stdin[1:]), encoding="utf-8") as f:
                    stdin = f.read()
            rc, stdout, stderr = run_csvc(args.csvc, argv, workdir, stdin)
            out.append("$ csvc %s\n" % " ".join(shlex.quote(a) for a in argv))
            out.append(mask(stdout))
            for line in stderr.splitlines():
                out.append("[stderr] %s\n" % mask(line))
            out.append("[exit %d]\n\n" % rc)
            if rc != 0:
                lines = stderr.splitlines()
                if not lines:
                    raise Failure("csvc %s: exit %d with nothing on stderr" % (argv, rc))
                bad = [l for l in lines if not l.startswith("csvc: ") and not l.startswith("usage: ")
                       and l.strip()]
                if bad and argv:
                    raise Failure("csvc %s: stderr lines not starting with 'csvc: ': %r" % (argv, bad))
            if rc == 0 and stderr:
                raise Failure("csvc %s: exit 0 but stderr: %r" % (argv, stderr))
            if rc not in (0, 1, 2):
                raise Failure("csvc %s: exit status %d" % (argv, rc))
    golden_compare(scenario + ".txt", "".join(out))


def test_help(args):
    with open(os.path.join(args.source_root, "docs", "csvc.1"), encoding="utf-8") as f:
        man = f.read().replace("\\-", "-")
    tmp = tempfile.mkdtemp(prefix="csvc-help-")
    try:
        rc, top, _ = run_csvc(args.csvc, ["--help"], tmp)
        if rc != 0:
            raise Failure("csvc --help: exit %d" % rc)
        groups = re.findall(r"^  (\S+)\s{2,}", top.split("Commands:\n", 1)[1], re.M)
        if len(groups) < 6:
            raise Failure("csvc --help lists too few commands: %r" % groups)
        checked = 0
        for group in groups:
            rc, text, err = run_csvc(args.csvc, [group, "--help"], tmp)
            if rc != 0 or not text.startswith("usage: csvc " + group):
                raise Failure("csvc %s --help: exit %d, %r %r" % (group, rc, text[:80], err))
            subs = []
            if "Commands:\n" in text:
                subs = re.findall(r"^  (\S+)\s{2,}", text.split("Commands:\n", 1)[1], re.M)
                if not subs:
                    raise Failure("csvc %s --help lists no subcommands" % group)
            if not subs:
                if ("csvc " + group) not in man:
                    raise Failure("docs/csvc.1 does not mention 'csvc %s'" % group)
                checked += 1
            for sub in subs:
                for form in ([group, sub, "--help"], ["help", group, sub], [group, sub, "-h"]):
                    rc, text, err = run_csvc(args.csvc, form, tmp)
                    if rc != 0 or not text.startswith("usage: csvc %s %s" % (group, sub)) or err:
                        raise Failure("csvc %s: exit %d, %r %r" % (" ".join(form), rc, text[:80], err))
                if ("csvc %s %s" % (group, sub)) not in man:
                    raise Failure("docs/csvc.1 does not mention 'csvc %s %s'" % (group, sub))
                checked += 1
        if os.listdir(tmp):
            raise Failure("--help created files: %r" % os.listdir(tmp))
        print("%d commands answer --help and are in docs/csvc.1" % checked)
    finally:
        shutil.rmtree(tmp)


def test_demo(args):
    with tempfile.TemporaryDirectory(prefix="csvc-demo-") as workdir:
        runs = []
        for i in range(2):
            rc, out, err = run_csvc(args.csvc, ["demo", "day.db"], workdir)
            if rc != 0 or err:
                raise Failure("csvc demo: exit %d, stderr %r" % (rc, err))
            runs.append(out)
        if runs[0] != runs[1]:
            raise Failure("two runs of csvc demo differ")
        golden_compare("demo.txt", runs[0])
        jruns = []
        for i in range(2):
            rc, out, err = run_csvc(args.csvc, ["--json", "demo", "day.db"], workdir)
            if rc != 0 or err:
                raise Failure("csvc --json demo: exit %d, stderr %r" % (rc, err))
            jruns.append(out)
        if jruns[0] != jruns[1]:
            raise Failure("two runs of csvc --json demo differ")
        doc = json.loads(jruns[0])
        kinds = [(a["ticket_number"], a["target"], a["alarm"]) for a in doc["alarms"]]
        if ("SH02-000002", "first_response", "warning") not in kinds or \
                ("SH02-000002", "first_response", "breach") not in kinds:
            raise Failure("the demo's alarms lack the inquiry's warning and breach: %r" % kinds)
        golden_compare("demo-json.txt", jruns[0])
        # The store it leaves works with the other commands.
        rc, out, err = run_csvc(args.csvc, ["--db", "day.db", "ticket", "list", "--json"], workdir)
        tickets = json.loads(out)
        if rc != 0 or len(tickets) != 5:
            raise Failure("ticket list on the demo store: exit %d, %d tickets" % (rc, len(tickets)))
        ret = [t for t in tickets if t["kind"] == "after_sales"][0]
        if ret["order_ref"] != "POS-SH01-20261121-0153" or ret["state"] != "closed":
            raise Failure("the demo's return: %r" % ret)
        rc, out, err = run_csvc(args.csvc, ["--db", "day.db", "customer", "show",
                                            FIXED_UUID + "000000000004", "--json"], workdir)
        absorbed = json.loads(out)
        if rc != 0 or absorbed["merged_into"] != FIXED_UUID + "000000000001" or absorbed["name"] != "王 芳":
            raise Failure("the demo's merge: %r" % absorbed)
        # It refuses to replace a file that is not a demo store.
        with open(os.path.join(workdir, "precious.db"), "w") as f:
            f.write("not a store")
        rc, out, err = run_csvc(args.csvc, ["demo", "precious.db"], workdir)
        if rc != 1 or "not a demo store" not in err:
            raise Failure("csvc demo over another file: exit %d, %r" % (rc, err))
        with open(os.path.join(workdir, "precious.db")) as f:
            if f.read() != "not a store":
                raise Failure("csvc demo changed a file that is not a demo store")
    print("csvc demo: identical runs, golden output, explorable store")


def test_pos(args):
    with tempfile.TemporaryDirectory(prefix="csvc-pos-") as workdir:
        for run in (1, 2):
            proc = subprocess.run([args.pos, "till.db", "outbox.jsonl"], cwd=workdir,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = proc.stdout.decode("utf-8")
            if proc.returncode != 0 or proc.stderr:
                raise Failure("pos-embed run %d: exit %d, stderr %r" % (run, proc.returncode, proc.stderr))
            if "after-sales ticket SH01-%06d for POS-SH01-20261123-0042" % run not in out:
                raise Failure("pos-embed run %d output: %r" % (run, out))
        with open(os.path.join(workdir, "outbox.jsonl"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        events = [json.loads(l) for l in lines]
        expected_types = ["created", "comment", "transition", "transition", "comment", "transition",
                          "transition", "comment"]
        for run, number in ((0, "SH01-000001"), (1, "SH01-000002")):
            mine = events[run * 8:(run + 1) * 8]
            if [e["type"] for e in mine] != expected_types:
                raise Failure("outbox event types for %s: %r" % (number, [e["type"] for e in mine]))
            if [e["seq"] for e in mine] != list(range(1, 9)):
                raise Failure("outbox seqs for %s: %r" % (number, [e["seq"] for e in mine]))
            if any(e["number"] != number or e["ticket"] != mine[0]["ticket"] for e in mine):
                raise Failure("outbox events of %s name other tickets" % number)
            created = mine[0]["payload"]["set"]
            if created["order_ref"] != "POS-SH01-20261123-0042" or \
                    created["customer"] != FIXED_UUID + "000000030001" or created["kind"] != "after_sales":
                raise Failure("created event: %r" % created)
            if mine[0]["at"] != "2026-11-23T06:40:00Z" or mine[0]["actor"] != "till-3":
                raise Failure("created event time or actor: %r" % mine[0])
            if mine[-1]["payload"].get("kind") != "result_notice" or mine[-3]["to_state"] != "executing":
                raise Failure("last events of %s: %r" % (number, mine[-3:]))
        if len(events) != 16:
            raise Failure("outbox has %d lines, expected 16" % len(events))
        # The csvc tool reads the till's store.
        rc, out, err = run_csvc(args.csvc, ["--db", "till.db", "ticket", "list"], workdir)
        if rc != 0 or "SH01-000002" not in out:
            raise Failure("csvc on the till store: exit %d, %r %r" % (rc, out, err))
    print("pos-embed: 2 runs, 16 outbox lines checked")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csvc", required=True)
    ap.add_argument("--pos")
    ap.add_argument("--source-root", required=True)
    ap.add_argument("test")
    args = ap.parse_args()
    args.csvc = os.path.abspath(args.csvc)
    if args.pos:
        args.pos = os.path.abspath(args.pos)
    try:
        if args.test.startswith("golden-"):
            test_golden(args, args.test[len("golden-"):])
        elif args.test == "help":
            test_help(args)
        elif args.test == "demo":
            test_demo(args)
        elif args.test == "pos":
            test_pos(args)
        else:
            raise Failure("unknown test %s" % args.test)
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
