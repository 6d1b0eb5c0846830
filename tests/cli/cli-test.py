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
                   the expected ticket events and the till rating
  progress         `customer import` and `sla recompute` draw a progress bar
                   on stderr when it is a terminal (run under a
                   pseudo-terminal), and none when stderr is a pipe or with
                   --quiet; stdout is the same in every case

With --postgres, golden-SCENARIO and demo run their stores on PostgreSQL:
CSVC_TEST_PG (set by tests/pg/with-pg-server.sh) is the server's libpq
connection string, each scenario and each demo run gets a new database
there (the store is its default schema, csvc), and the tool is given its
postgresql:// URI. The transcripts must be the golden ones, with the URI
shown as the file name it stands for (store.db, day.db); "!sql" steps run
their PostgreSQL text with psql (PG_STATEMENTS).

Set CSVC_UPDATE_GOLDEN=1 to rewrite the golden files from the current
output (then review the diff).
"""

import argparse
import datetime
import json
import errno
import os
import pty
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


# A name with control characters and a byte that is not UTF-8, written
# behind the library's back (which refuses them).
CONTROLS_SQL = ("UPDATE customers SET name = 'old' || char(27) || '[31mred' || char(7) || char(155)"
                " || CAST(X'ff' AS TEXT) || char(127) WHERE name = '王芳'")

# The PostgreSQL text of an "!sql" step whose SQLite text does not run
# there, and the changes it makes to the golden transcript. A text column
# of PostgreSQL holds valid UTF-8 only: the name leaves out the 0xff byte,
# and the transcript what the tool shows for it (\xff in text, \ufffd in
# JSON), nothing else.
PG_STATEMENTS = {
    CONTROLS_SQL: ("UPDATE customers SET name = 'old' || chr(27) || '[31mred' || chr(7) || chr(155)"
                   " || chr(127) WHERE name = '王芳'",
                   [("old\\x1b[31mred\\x07\\u009b\\xff\\x7f\n", "old\\x1b[31mred\\x07\\u009b\\x7f\n"),
                    ('"old\\u001b[31mred\\u0007\\u009b\\ufffd\\u007f"', '"old\\u001b[31mred\\u0007\\u009b\\u007f"')]),
}

# A scenario is a list of steps: (args, stdin or None[, capture]). Args
# starting with "@" are paths in tests/cli/data. A step with a third
# element saves the survey token it prints (text, or "token" in JSON) under
# that name; later args "{name}" use it. Tokens are random: transcripts show
# them as <token:name>. A step (["!sql", STATEMENT], None) runs an SQL
# statement on the scenario's store with Python's sqlite3 module (on
# PostgreSQL with psql, PG_STATEMENTS), to give the tool data the library
# itself would refuse (an older or damaged store).
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
        (["--now", at("11:40"), "--actor", "小周", "ticket", "move", "SH02-000001", "answer",
          "--input", "outcome=已告知兑换规则", "--input", "points=1200"], None),
        (["--now", at("11:41"), "ticket", "move", "SH02-000001", "close", "--input", "points"], None),
        (["--now", at("11:42"), "--actor", "刘经理", "ticket", "approve", "SH02-000001", "close",
          "--input", "amount=800"], None),
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
        # time zones of store codes without a calendar, and zone data
        (["calendar", "zone", "SH02"], None),
        (["--now", T0, "calendar", "zone", "SH02", "Asia/Shanghai"], None),
        (["calendar", "zone", "SH01"], None),
        (["calendar", "zone", "--default"], None),
        (["--now", T0, "calendar", "zone", "--default", "+08:00", "--json"], None),
        (["calendar", "zone", "XX01"], None),
        (["calendar", "zone", "SH02", "--clear"], None),
        (["calendar", "zone", "SH02", "--clear"], None),
        (["calendar", "zone", "SH02", "--json"], None),
        (["calendar", "zone", "SH02", "Mars/Olympus_Mons"], None),
        (["calendar", "zone", "--default", "--clear"], None),
        (["calendar", "zone"], None),
        (["--now", T0, "calendar", "zone-data", "Asia/Shanghai", "@Shanghai.tzif"], None),
        (["calendar", "zone-data", "Asia/Shanghai", "@shanghai.json"], None),
        (["calendar", "zone-data", "UTC", "@Shanghai.tzif"], None),
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
        (["--now", at("10:25"), "sla", "breached"], None),
        (["--now", at("10:25"), "sla", "at-risk"], None),
        (["--now", at("10:25"), "ticket", "show", "SH02-000001"], None),
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
    "survey": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "calendar", "set", "SH01", "--file", "@shanghai.json"], None),
        (["--now", T0, "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--phone", "138-0013-8000", "--home-store", "SH01"], None),
        (["--now", at("10:01"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--channel", "store_counter", "--category", "服务态度",
          "--assignee", "刘经理", "--subject", "收银台排队太久"], None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "after_sales", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--category", "商品质量", "--assignee", "小陈",
          "--subject", "羊毛衫洗后缩水"], None),
        (["survey", "show", "post_resolution"], None),
        (["survey", "show", "mall", "--json"], None),
        (["survey", "show", "servqual"], None),
        (["--now", at("11:00"), "survey", "invite", "post_resolution", "--ticket", "SH01-000001",
          "--method", "phone_callback"], None, "call"),
        (["--now", at("11:00"), "survey", "invite", "post_resolution", "--ticket", "SH01-000002",
          "--method", "till", "--json"], None, "till"),
        (["--now", at("11:00"), "survey", "invite", "mall", "--customer", FIXED_UUID + "000000000001",
          "--store", "SH01", "--staff", "小陈", "--channel", "wechat", "--method", "questionnaire",
          "--expires", "1h"], None, "mall"),
        (["--now", at("11:01"), "survey", "invite", "servqual", "--customer", FIXED_UUID + "000000000001",
          "--store", "SH01", "--method", "mystery_shopper"], None, "sq"),
        (["--now", at("11:05"), "survey", "respond", "{call}", "response_speed=4", "resolution_efficiency=4",
          "solution_satisfaction=3", "comment=试衣间好多了，店员态度还要加强"], None),
        (["--now", at("11:06"), "survey", "respond", "{till}", "--answers", "@answers-till.json", "--json"], None),
        (["--now", at("11:10"), "survey", "respond", "{sq}", "tangibles=6/5", "reliability=7/5",
          "responsiveness=6/6", "assurance=5/6", "empathy:pair=6/4"], None),
        (["--now", at("11:20"), "survey", "respond", "--anonymous", "nps", "--store", "SH01",
          "--method", "receipt_qr", "recommend=9"], None),
        (["--now", at("11:21"), "survey", "respond", "--anonymous", "nps", "--store", "SH01",
          "--method", "receipt_qr", "--staff", "小陈", "recommend=6", "--json"], None),
        (["--now", at("11:22"), "survey", "respond", "--anonymous", "nps", "--store", "SH02",
          "--method", "online_review", "recommend=10"], None),
        (["--now", at("12:00"), "survey", "score", "post_resolution", "--period", "2026-11", "--store", "SH01"],
         None),
        (["--now", at("12:00"), "survey", "score", "--period", "2026-11-23", "--zone", "Asia/Shanghai",
          "--by", "store"], None),
        (["--now", at("12:00"), "survey", "score", "--period", "2026-W48", "--store", "SH01", "--by", "staff",
          "--min-sample", "2"], None),
        (["--now", at("12:00"), "survey", "score", "--period", "2026-11", "--store", "SH01", "--by", "method"],
         None),
        (["--now", at("12:00"), "survey", "score", "servqual", "--from", at("00:00"), "--to", at("00:00", "2026-11-24")],
         None),
        (["--now", at("12:00"), "survey", "score", "post_resolution", "--period", "2026-Q4", "--store", "SH01",
          "--by", "month"], None),
        (["--now", at("12:00"), "survey", "score", "nps", "--period", "2026-11", "--store", "SH01",
          "--question", "recommend", "--json"], None),
        (["--now", at("12:00"), "survey", "score", "post_resolution", "--period", "2026-11", "--store", "SH01",
          "--by", "category", "--json"], None),
        # error paths
        (["--now", at("12:01"), "survey", "respond", "0123456789abcdef0123456789abcdef", "recommend=9"], None),
        (["--now", at("12:01"), "survey", "respond", "not-a-token", "recommend=9"], None),
        (["--now", at("12:02"), "survey", "respond", "{call}", "response_speed=5", "resolution_efficiency=5",
          "solution_satisfaction=5"], None),
        (["--now", at("12:03"), "survey", "respond", "{mall}", "product_quality=5", "shopping_environment=5",
          "staff_service=5", "after_sales=5"], None),
        (["--now", at("12:04"), "survey", "invite", "post_resolution", "--ticket", "SH01-000002",
          "--method", "till"], None, "again"),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed=6", "resolution_efficiency=5",
          "solution_satisfaction=5"], None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed=5", "resolution_efficiency=5"],
         None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed=5", "resolution_efficiency=5",
          "solution_satisfaction=5", "speed=5"], None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed=very", "resolution_efficiency=5",
          "solution_satisfaction=5"], None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed=5", "--method", "till"], None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed"], None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "response_speed:stars=5"], None),
        (["--now", at("12:05"), "survey", "respond", "{again}", "--answers", "@answers-bad.json"], None),
        (["--now", at("12:05"), "survey", "respond", "--anonymous", "post_resolution", "--store", "SH01",
          "--method", "till", "response_speed=5"], None),
        (["--now", at("12:05"), "survey", "respond", "--anonymous", "nps", "--store", "SH01",
          "--method", "carrier_pigeon", "recommend=5"], None),
        (["--now", at("12:05"), "survey", "respond", "--anonymous", "nps", "--method", "till", "recommend=5"],
         None),
        (["--now", at("12:06"), "survey", "invite", "post_resolution", "--method", "till"], None),
        (["--now", at("12:06"), "survey", "invite", "post_resolution", "--ticket", "SH01-000001"], None),
        (["--now", at("12:06"), "survey", "invite", "post_resolution", "--ticket", "SH09-000001",
          "--method", "till"], None),
        (["--now", at("12:06"), "survey", "invite", "no_such_survey", "--ticket", "SH01-000001",
          "--method", "till"], None),
        (["--now", at("12:06"), "survey", "invite", "nps", "--customer", FIXED_UUID + "000000000001",
          "--method", "till"], None),
        (["--now", at("12:06"), "survey", "invite", "nps", "--ticket", "SH01-000001", "--method", "till",
          "--expires", "0"], None),
        (["survey", "score", "--period", "2026-13"], None),
        (["survey", "score", "--period", "month"], None),
        (["survey", "score", "--period", "2026-W54"], None),
        (["survey", "score", "--from", at("10:00")], None),
        (["survey", "score", "--from", at("10:00"), "--to", at("09:00")], None),
        (["survey", "score", "--period", "2026-11", "--by", "colour"], None),
        (["survey", "score", "no_such_survey", "--period", "2026-11"], None),
        (["survey", "score"], None),
        (["survey", "show", "no_such_survey"], None),
    ],
    "report": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "calendar", "set", "SH01", "--file", "@shanghai.json"], None),
        (["--now", T0, "calendar", "set", "SH02", "--file", "@shanghai.json"], None),
        (["--now", T0, "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--phone", "138-0013-8000", "--home-store", "SH01"], None),
        (["--now", at("10:01"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--channel", "store_counter", "--category", "服务态度",
          "--urgency", "major", "--subject", "收银台排队太久"], None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "inquiry", "--store", "SH01",
          "--channel", "online_chat", "--subject", "停车场几点关门？"], None),
        (["--now", at("10:03"), "ticket", "open", "--kind", "inquiry", "--store", "SH02",
          "--channel", "wechat", "--subject", "会员积分怎么兑换？"], None),
        (["--now", at("10:04"), "ticket", "open", "--kind", "after_sales", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--category", "商品质量", "--subject", "羊毛衫洗后缩水"],
         None),
        (["--now", at("10:10"), "--actor", "小周", "ticket", "reply", "SH01-000002", "23:00关门。"], None),
        (["--now", at("10:11"), "--actor", "小周", "ticket", "move", "SH01-000002", "answer"], None),
        (["--now", at("10:12"), "--actor", "小周", "ticket", "assign", "SH01-000002", "--to", "小周"], None),
        (["--now", at("10:20"), "--actor", "刘经理", "ticket", "assign", "SH01-000001", "--to", "刘经理"], None),
        (["--now", at("10:21"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "analyse"], None),
        (["--now", at("11:00"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "handle"], None),
        (["--now", at("12:00"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "report_back"], None),
        (["--now", at("12:01"), "--actor", "刘经理", "ticket", "reply", "SH01-000001", "已加开收银台。",
          "--kind", "result_notice", "--method", "phone"], None),
        (["--now", at("12:05"), "--actor", "刘经理", "ticket", "move", "SH01-000001", "close"], None),
        (["--now", at("12:10"), "--actor", "小李", "ticket", "assign", "SH02-000001", "--to", "小李"], None),
        (["--now", at("12:30"), "--actor", "小李", "ticket", "reply", "SH02-000001", "100积分换1小时。"], None),
        (["--now", at("12:31"), "--actor", "小李", "ticket", "move", "SH02-000001", "answer"], None),
        (["--now", at("13:00"), "sla", "advance"], None),
        (["--now", at("13:00"), "survey", "invite", "post_resolution", "--ticket", "SH01-000001",
          "--method", "phone_callback"], None, "call"),
        (["--now", at("13:05"), "survey", "respond", "{call}", "response_speed=5", "resolution_efficiency=4",
          "solution_satisfaction=4"], None),
        (["--now", at("13:06"), "survey", "respond", "--anonymous", "nps", "--store", "SH01",
          "--method", "receipt_qr", "recommend=10"], None),
        (["report", "transactions", "SH01", "2026-11-23", "1846"], None),
        (["report", "transactions", "SH02", "2026-11-23", "1203", "--json"], None),
        (["report", "transactions", "SH01", "2026-11-23", "1850"], None),
        (["--now", at("21:30"), "report", "kpi", "--store", "SH01", "--period", "2026-11"], None),
        (["--now", at("21:30"), "report", "kpi", "--store", "SH01", "--period", "2026-11", "--by", "staff"], None),
        (["--now", at("21:30"), "report", "kpi", "--period", "2026-11-23", "--zone", "Asia/Shanghai",
          "--by", "store"], None),
        (["--now", at("21:30"), "report", "kpi", "--period", "2026-11", "--zone", "Asia/Shanghai",
          "--by", "channel"], None),
        (["--now", at("21:30"), "report", "kpi", "--store", "SH01", "--period", "2026-11", "--by", "kind",
          "--json"], None),
        (["--now", at("21:30"), "report", "kpi", "--store", "SH01", "--from", "2026-11-23T00:00:00+08:00",
          "--to", "2026-11-26T00:00:00+08:00", "--by", "day"], None),
        (["--now", at("21:30"), "report", "sla", "--period", "2026-11", "--zone", "Asia/Shanghai"], None),
        (["--now", at("21:30"), "report", "sla", "--store", "SH02", "--period", "2026-11", "--json"], None),
        (["--now", at("21:30"), "report", "states", "--period", "2026-11", "--zone", "Asia/Shanghai"], None),
        (["--now", at("21:30"), "report", "states", "--store", "SH01", "--kind", "complaint",
          "--period", "2026-11", "--json"], None),
        (["--now", at("21:30"), "report", "sla", "--store", "SH09", "--period", "2026-11"], None),
        # a store without a calendar: a 07:00 ticket counts on its own day once it has a zone
        (["--now", "2026-11-24T07:00:00+08:00", "ticket", "open", "--kind", "inquiry", "--store", "SH03",
          "--subject", "几点开门？"], None),
        (["--now", at("21:30", "2026-11-24"), "report", "kpi", "--store", "SH03", "--period", "2026-11-24",
          "--by", "day"], None),
        (["--now", at("21:30", "2026-11-24"), "calendar", "zone", "SH03", "Asia/Shanghai"], None),
        (["--now", at("21:30", "2026-11-24"), "report", "kpi", "--store", "SH03", "--period", "2026-11-24",
          "--by", "day"], None),
        (["--now", at("21:30", "2026-11-24"), "calendar", "zone", "--default", "Asia/Shanghai"], None),
        (["--now", at("21:30", "2026-11-24"), "report", "kpi", "--period", "2026-11-24", "--by", "store"], None),
        # error paths
        (["report", "kpi", "--store", "SH01"], None),
        (["report", "kpi", "--store", "SH01", "--period", "2026-11-31"], None),
        (["report", "kpi", "--store", "SH01", "--period", "11/2026"], None),
        (["report", "kpi", "--store", "SH01", "--period", "quarter"], None),
        (["report", "kpi", "--store", "SH01", "--period", "2026-11", "--from", at("00:00")], None),
        (["report", "kpi", "--store", "SH01", "--period", "2026-11", "--by", "method"], None),
        (["report", "kpi", "--store", "SH01", "--period", "2026-11", "--min-sample", "0"], None),
        (["report", "kpi", "--store", "bad code!", "--period", "2026-11"], None),
        (["report", "transactions", "SH01", "2026-02-30", "10"], None),
        (["report", "transactions", "SH01", "2026-11-23", "-5"], None),
        (["report", "transactions", "SH01", "2026-11-23"], None),
    ],
    # Control characters in data and messages never reach the terminal raw.
    "controls": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--notes", "第一行\n第二行\t完", "--class", "vip"], None),
        (["customer", "add", "--name", "evil\x1b[2J"], None),
        (["customer", "add", "--name", "C1\u009b31m"], None),
        (["customer", "add", "--phone", "138\x1b]0;pwned\x07"], None),
        (["customer", "add", "--na\x1bme", "x"], None),
        (["--now", at("10:05"), "ticket", "open", "--kind", "complaint", "--store", "SH01", "--subject", "x",
          "--description", "line 1\nline 2\x07"], None),
        (["--now", at("10:05"), "ticket", "open", "--kind", "complaint", "--store", "SH01", "--subject",
          "退货", "--description", "line 1\r\nline 2\tend"], None),
        (["--now", at("10:06"), "ticket", "show", "SH01-000001"], None),
        (["!sql", CONTROLS_SQL], None),
        (["customer", "show", FIXED_UUID + "000000000001"], None),
        (["customer", "search", "--class", "vip"], None),
        (["customer", "show", FIXED_UUID + "000000000001", "--json"], None),
    ],
    "feed": [
        (["--now", T0, "init"], None),
        (["--now", at("10:01"), "--actor", "前台", "customer", "add", "--id", FIXED_UUID + "000000000001",
          "--name", "王芳", "--phone", "138-0013-8000"], None),
        (["--now", at("10:02"), "customer", "add", "--id", FIXED_UUID + "000000000002", "--name", "李雷"], None),
        (["--now", at("10:03"), "customer", "update", FIXED_UUID + "000000000002", "--tier", "2"], None),
        (["feed", "tail"], None),
        (["feed", "tail", "--after", "1", "--limit", "1", "--json"], None),
        (["feed", "consumers"], None),
        (["feed", "tail", "--consumer", "crm.sync", "--limit", "2"], None),
        (["--now", at("10:04"), "customer", "add", "--id", FIXED_UUID + "000000000003", "--name", "韩梅梅"], None),
        (["feed", "consumers"], None),
        (["feed", "tail", "--consumer", "crm.sync", "--json"], None),
        (["feed", "consumers", "--json"], None),
        (["feed", "tail", "--consumer", "Bad Name"], None),
        (["feed", "tail", "--after", "-1"], None),
        (["feed", "tail", "--after", "1", "--consumer", "crm.sync"], None),
    ],
    "staff": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "calendar", "set", "SH01", "--file", "@shanghai.json"], None),
        (["team", "list"], None),
        (["--now", at("10:01"), "team", "add", "sh01-floor", "SH01 楼面组", "--kind", "cs_group",
          "--store", "SH01"], None),
        (["--now", at("10:02"), "team", "add", "it", "信息部", "--kind", "部门", "--json"], None),
        (["--now", at("10:03"), "--actor", "店长", "staff", "add", "S001", "王芳", "--employee-number", "E-1001",
          "--home-store", "SH01", "--calendar", "SH01", "--team", "complaints", "--team", "sh01-floor",
          "--skill", "language:zh", "--skill", "language:yue", "--skill", "channel:wechat",
          "--skill", "ticket_kind:complaint"], None),
        (["--now", at("10:04"), "staff", "add", "S002", "李雷", "--home-store", "SH01", "--team", "consult",
          "--skill", "language:en", "--json"], None),
        (["--now", at("10:05"), "staff", "add", "S003", "韩梅梅", "--home-store", "SH02", "--team", "complaints",
          "--skill", "语言:zh"], None),
        (["staff", "show", "S001"], None),
        (["staff", "show", "S002", "--json"], None),
        (["staff", "list"], None),
        (["staff", "list", "--team", "complaints"], None),
        (["staff", "list", "--home-store", "SH01", "--skill", "language:zh"], None),
        (["staff", "list", "--limit", "1", "--json"], None),
        (["staff", "list", "--after", "S001", "--limit", "1"], None),
        (["--now", at("10:10"), "staff", "update", "S002", "--name", "李雷雷", "--employee-number", "E-1002",
          "--add-team", "complaints", "--remove-team", "consult", "--add-skill", "category:product_quality",
          "--remove-skill", "language:en"], None),
        (["--now", at("10:11"), "staff", "update", "S002", "--no-employee-number", "--revision", "2",
          "--json"], None),
        (["--now", at("10:12"), "staff", "deactivate", "S003"], None),
        (["staff", "list"], None),
        (["staff", "list", "--inactive"], None),
        (["staff", "list", "--all", "--team", "complaints"], None),
        (["team", "show", "complaints"], None),
        (["team", "show", "sh01-floor", "--json"], None),
        (["--now", at("10:13"), "staff", "activate", "S003", "--json"], None),
        (["--now", at("10:14"), "team", "update", "sh01-floor", "--name", "SH01 现场组", "--no-store"], None),
        (["--now", at("10:15"), "team", "update", "it", "--deactivate", "--json"], None),
        (["team", "list", "--kind", "department"], None),
        (["team", "show", "it"], None),
        (["feed", "tail", "--limit", "17"], None),
        # error paths
        (["staff", "show", "S999"], None),
        (["--now", at("10:20"), "staff", "add", "S001", "王芳二"], None),
        (["--now", at("10:20"), "staff", "add", "S004", "赵敏", "--employee-number", "E-1001"], None),
        (["staff", "add", "S004", "赵敏", "--skill", "mood:happy"], None),
        (["staff", "add", "S004", "赵敏", "--skill", "language"], None),
        (["staff", "add", "S004", "赵敏", "--skill", "language:"], None),
        (["--now", at("10:20"), "staff", "add", "S004", "赵敏", "--team", "security"], None),
        (["--now", at("10:20"), "staff", "add", "S004", "赵敏", "--calendar", "SH09"], None),
        (["staff", "add", "S004"], None),
        (["staff", "list", "--team", "security"], None),
        (["staff", "list", "--after", "S999"], None),
        (["staff", "list", "--inactive", "--all"], None),
        (["staff", "list", "--skill", "channel:wechat", "--limit", "0"], None),
        (["--now", at("10:21"), "staff", "update", "S001", "--remove-team", "consult"], None),
        (["--now", at("10:21"), "staff", "update", "S002", "--name", "李雷", "--revision", "2"], None),
        (["staff", "update", "S001"], None),
        (["staff", "update", "S001", "--employee-number", "E-1", "--no-employee-number"], None),
        (["--now", at("10:21"), "staff", "update", "S999", "--name", "x"], None),
        (["staff", "show", "S001"], None),
        (["--now", at("10:22"), "team", "add", "consult", "咨询二组", "--kind", "cs_group"], None),
        (["team", "add", "Front_Desk", "前台", "--kind", "cs_group"], None),
        (["team", "add", "front", "前台"], None),
        (["team", "add", "front", "前台", "--kind", "group"], None),
        (["team", "list", "--kind", "shift"], None),
        (["team", "show", "security"], None),
        (["--now", at("10:23"), "team", "update", "consult", "--name", "咨询组", "--revision", "5"], None),
        (["team", "update", "consult", "--deactivate", "--activate"], None),
        (["team", "update", "consult"], None),
    ],
    # Staff references: free text adopted into the directory, then checked.
    "references": [
        (["--now", T0, "init", "--defaults"], None),
        (["staff", "references"], None),
        (["--now", at("10:01"), "--actor", "刘经理", "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--subject", "收银台排队太久"], None),
        (["--now", at("10:02"), "--actor", "刘经理", "ticket", "assign", "SH01-000001", "--to", "Wang Fang",
          "--team", "complaints"], None),
        (["--now", at("10:03"), "--actor", "小周", "ticket", "move", "SH01-000001", "analyse"], None),
        (["report", "kpi", "--store", "SH01", "--period", "2026-11", "--by", "staff", "--json"], None),
        (["--now", at("10:10"), "staff", "adopt"], None),
        (["staff", "references", "--json"], None),
        (["staff", "show", "Wang Fang"], None),
        (["report", "kpi", "--store", "SH01", "--period", "2026-11", "--by", "staff", "--json"], None),
        (["--now", at("10:11"), "staff", "adopt", "--json"], None),
        # checked now
        (["--now", at("10:12"), "--actor", "小周", "ticket", "assign", "SH01-000001", "--to", "nobody"], None),
        (["--now", at("10:12"), "--actor", "stranger", "ticket", "move", "SH01-000001", "handle"], None),
        (["--now", at("10:13"), "--actor", "小周", "ticket", "assign", "SH01-000001", "--to", "刘经理"], None),
        (["--now", at("10:14"), "--actor", "system", "ticket", "move", "SH01-000001", "handle"], None),
        (["--now", at("10:15"), "staff", "references", "off"], None),
        (["--now", at("10:16"), "--actor", "stranger", "ticket", "assign", "SH01-000001", "--to", "nobody"], None),
        (["--now", at("10:17"), "staff", "references", "on"], None),
        (["staff", "references", "maybe"], None),
        (["staff", "adopt", "extra"], None),
    ],
    # Consent per purpose, and the survey invitation it refuses.
    "consent": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--home-store", "SH01"], None),
        (["customer", "consents", FIXED_UUID + "000000000001"], None),
        (["--now", at("10:01"), "--actor", "前台小李", "customer", "consent", FIXED_UUID + "000000000001",
          "--purpose", "marketing", "--give", "--channel", "counter", "--text-version", "2026-03"], None),
        (["--now", at("10:02"), "customer", "consent", FIXED_UUID + "000000000001", "--purpose", "满意度调查",
          "--withdraw", "--channel", "phone"], None),
        (["--now", at("10:03"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--subject", "收银台排队太久"], None),
        (["--now", at("10:04"), "survey", "invite", "post_resolution", "--ticket", "SH01-000001",
          "--method", "phone_callback"], None),
        (["customer", "consents", FIXED_UUID + "000000000001"], None),
        (["--json", "customer", "consents", FIXED_UUID + "000000000001"], None),
        (["--now", at("10:05"), "--json", "customer", "consent", FIXED_UUID + "000000000001", "--purpose", "survey",
          "--give"], None),
        (["customer", "consent", FIXED_UUID + "000000000001", "--purpose", "survey"], None),
        (["customer", "consent", FIXED_UUID + "000000000001", "--purpose", "newsletter", "--give"], None),
        (["customer", "consent", FIXED_UUID + "000000000001", "--give"], None),
        (["customer", "consent", FIXED_UUID + "000000000001", "--purpose", "survey", "--give", "--channel", ""],
         None),
        (["customer", "consent", FIXED_UUID + "000000000009", "--purpose", "survey", "--give"], None),
        (["customer", "consents"], None),
    ],
    # Backups and verification (SQLite only: a store on PostgreSQL is
    # backed up with the server's tools, tests/unit/test-backup.c).
    "backup": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", at("10:01"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--subject", "收银台排队太久"], None),
        (["backup", "copy.db"], None),
        (["verify", "copy.db"], None),
        (["--db", "copy.db", "ticket", "list"], None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "inquiry", "--store", "SH01",
          "--subject", "营业时间"], None),
        (["--json", "backup", "copy2.db"], None),
        (["--json", "verify", "copy2.db"], None),
        (["--db", "copy2.db", "ticket", "list"], None),
        (["verify"], None),
        (["backup", "copy.db"], None),
        (["backup"], None),
        (["backup", "a.db", "b.db"], None),
        (["verify", "missing.db"], None),
        (["verify", "a.db", "b.db"], None),
    ],
    # Queues (saved views of tickets) and time worked on tickets.
    "queue": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", at("10:00"), "queue", "add", "--defaults"], None),
        (["queue", "list"], None),
        (["queue", "show", "my_open"], None),
        (["--now", at("10:01"), "staff", "add", "alice", "张敏", "--home-store", "SH01", "--team", "consult",
          "--role", "service_agent"], None),
        (["--now", at("10:01"), "staff", "add", "bob", "李雷", "--home-store", "SH02", "--role", "service_agent"],
         None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "inquiry", "--store", "SH01", "--subject", "营业时间",
          "--priority", "low", "--assignee", "alice", "--team", "consult"], None),
        (["--now", at("10:03"), "ticket", "open", "--kind", "complaint", "--store", "SH01", "--subject",
          "商品质量", "--priority", "critical", "--team", "complaints", "--category", "退货"], None),
        (["--now", at("10:04"), "ticket", "open", "--kind", "inquiry", "--store", "SH01", "--subject", "会员积分",
          "--priority", "high", "--assignee", "alice", "--team", "consult"], None),
        (["--now", at("10:05"), "ticket", "open", "--kind", "inquiry", "--store", "SH02", "--subject", "停车",
          "--priority", "normal", "--assignee", "bob", "--team", "consult"], None),
        (["queue", "open", "consult_open"], None),
        (["queue", "open", "my_open", "--for", "alice"], None),
        (["queue", "open", "my_open", "--for", "alice", "--count", "--json"], None),
        (["queue", "open", "my_open"], None),
        (["--as", "bob", "queue", "open", "my_open"], None),
        (["--as", "bob", "queue", "open", "consult_open"], None),
        (["--now", at("10:10"), "queue", "add", "returns", "退货待办", "--open", "--category", "退货",
          "--unassigned", "--max-priority", "high", "--owner-team", "complaints"], None),
        (["queue", "open", "returns"], None),
        (["--now", at("10:11"), "queue", "update", "returns", "--name", "退货", "--order", "age", "--states",
          "new,open", "--json"], None),
        (["--now", at("10:12"), "queue", "update", "returns", "--deactivate", "--revision", "2"], None),
        (["queue", "open", "returns"], None),
        (["queue", "add", "bad", "坏", "--team", "nowhere"], None),
        (["queue", "add", "bad", "坏", "--states", "done"], None),
        (["queue", "add", "bad", "坏", "--mine", "--owner-staff", "nobody"], None),
        (["queue", "update", "returns", "--name", "x", "--revision", "1"], None),
        (["queue", "show", "missing"], None),
        (["--as", "alice", "queue", "add", "mine", "我的"], None),
        # time worked
        (["--now", at("10:30"), "ticket", "log-work", "SH01-000001", "--staff", "alice", "--duration", "25m",
          "--kind", "call", "--note", "电话答复"], None),
        (["--now", at("10:40"), "ticket", "log-work", "SH01-000001", "--staff", "bob", "--start",
          "2026-11-23T10:00:00+08:00", "--end", "2026-11-23T10:15:00+08:00"], None),
        (["--now", at("10:41"), "--as", "alice", "ticket", "log-work", "SH01-000003", "--duration", "1h"], None),
        (["--now", at("10:42"), "--as", "alice", "ticket", "log-work", "SH01-000003", "--staff", "bob",
          "--duration", "5m"], None),
        (["--now", at("10:43"), "ticket", "log-work", "SH01-000001", "--staff", "alice", "--duration", "25h"], None),
        (["--now", at("10:43"), "ticket", "log-work", "SH01-000001", "--staff", "alice", "--duration", "ten"],
         None),
        (["--now", at("10:43"), "ticket", "log-work", "SH01-000001", "--staff", "alice"], None),
        (["ticket", "work", "SH01-000001"], None),
        (["ticket", "work", "SH01-000001", "--json"], None),
        (["ticket", "work", "SH01-000002"], None),
        (["ticket", "work-total", "--staff", "alice"], None),
        (["ticket", "work-total", "--from", "2026-11-23T10:00:00+08:00", "--to", "2026-11-23T10:20:00+08:00",
          "--json"], None),
        (["ticket", "work-total", "--kind", "call", "--store", "SH01"], None),
    ],
    # A staff member's figures for an appraisal period and the
    # multi-source appraisals (supervisor, customer, peer, self).
    "appraisal": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", T0, "calendar", "set", "SH01", "--file", "@shanghai.json"], None),
        (["--now", at("10:00"), "staff", "add", "S001", "王芳", "--home-store", "SH01", "--role", "service_agent"],
         None),
        (["--now", at("10:00"), "staff", "add", "S002", "李雷", "--home-store", "SH01", "--role", "service_agent"],
         None),
        (["--now", at("10:00"), "staff", "add", "S010", "刘经理", "--home-store", "SH01", "--role", "supervisor"],
         None),
        (["--now", at("10:00"), "staff", "add", "admin", "王总", "--role", "data_admin"], None),
        (["--now", at("10:01"), "ticket", "open", "--kind", "inquiry", "--store", "SH01", "--channel", "wechat",
          "--assignee", "S001", "--subject", "停车场几点关门？"], None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--channel", "store_counter", "--assignee", "S001", "--subject", "收银台排队太久"], None),
        (["--now", at("10:03"), "ticket", "open", "--kind", "inquiry", "--store", "SH01", "--assignee", "S002",
          "--subject", "会员积分怎么兑换？"], None),
        (["--now", at("10:10"), "--actor", "S001", "ticket", "reply", "SH01-000001", "23:00关门。"], None),
        (["--now", at("10:11"), "--actor", "S001", "ticket", "move", "SH01-000001", "answer"], None),
        (["--now", at("10:20"), "--actor", "S001", "ticket", "move", "SH01-000002", "analyse"], None),
        (["--now", at("11:00"), "--actor", "S001", "ticket", "move", "SH01-000002", "handle"], None),
        (["--now", at("12:00"), "--actor", "S001", "ticket", "move", "SH01-000002", "report_back"], None),
        (["--now", at("12:01"), "--actor", "S001", "ticket", "reply", "SH01-000002", "已加开收银台。",
          "--kind", "result_notice", "--method", "phone"], None),
        (["--now", at("12:30"), "ticket", "open", "--kind", "inquiry", "--store", "SH01", "--assignee", "S001",
          "--subject", "礼品卡能否退款？"], None),
        (["--now", at("13:00"), "sla", "advance"], None),
        (["--now", at("13:00"), "survey", "invite", "post_resolution", "--ticket", "SH01-000001",
          "--method", "phone_callback"], None, "call"),
        (["--now", at("13:05"), "survey", "respond", "{call}", "response_speed=5", "resolution_efficiency=4",
          "solution_satisfaction=4"], None),
        (["--now", at("21:30"), "staff", "report", "S001", "--period", "2026-11"], None),
        (["--now", at("21:30"), "staff", "report", "S001", "--period", "2026-11", "--json"], None),
        (["--now", at("21:30"), "staff", "report", "S001", "--store", "SH01", "--from", "2026-11-22T00:00:00+08:00",
          "--to", "2026-11-24T00:00:00+08:00", "--by", "day"], None),
        (["--now", at("21:31"), "--actor", "王总", "staff", "appraise", "S001", "--period", "2026-Q4",
          "--source", "supervisor", "--rater", "S010", "--customer-satisfaction", "4", "--efficiency", "5",
          "--teamwork", "4", "--skill-growth", "3", "--comment", "处理投诉耐心，跨部门协作良好"], None),
        (["--now", at("21:32"), "staff", "appraise", "S001", "--period", "2026-Q4", "--source", "客户",
          "--customer-satisfaction", "5"], None),
        (["--now", at("21:33"), "--as", "S002", "staff", "appraise", "S001", "--period", "2026-Q4", "--source",
          "peer", "--teamwork", "5", "--efficiency", "4", "--json"], None),
        (["--now", at("21:34"), "--as", "S001", "staff", "appraise", "S001", "--period", "2026-Q4", "--source",
          "self", "--efficiency", "4", "--skill-growth", "4", "--comment", "希望参加投诉处理培训"], None),
        (["--now", at("21:35"), "staff", "appraise", "S001", "--period", "2026", "--source", "supervisor",
          "--rater", "S010", "--efficiency", "4"], None),
        (["staff", "appraisals", "S001", "--period", "2026-Q4"], None),
        (["staff", "appraisals", "S001", "--json"], None),
        (["--as", "S001", "staff", "appraisals", "S001", "--period", "2026"], None),
        (["staff", "appraisals", "S002"], None),
        (["feed", "tail", "--limit", "3"], None),
        # error paths
        (["--as", "S002", "staff", "appraisals", "S001"], None),
        (["--as", "S002", "staff", "appraise", "S001", "--period", "2026-Q4", "--source", "self",
          "--efficiency", "3"], None),
        (["--as", "S002", "staff", "appraise", "S001", "--period", "2026-Q4", "--source", "supervisor",
          "--efficiency", "3"], None),
        # one's own report needs no reports_read; another's does
        (["--as", "S002", "staff", "report", "S002", "--period", "2026-11"], None),
        (["--as", "S002", "staff", "report", "S001", "--period", "2026-11"], None),
        (["staff", "appraise", "S001", "--period", "2026-Q5", "--source", "peer", "--rater", "S002",
          "--efficiency", "3"], None),
        (["staff", "appraise", "S001", "--period", "2026-Q4", "--source", "boss", "--efficiency", "3"], None),
        (["staff", "appraise", "S001", "--period", "2026-Q4", "--source", "peer", "--rater", "S002",
          "--efficiency", "6"], None),
        (["staff", "appraise", "S001", "--period", "2026-Q4", "--source", "peer", "--rater", "S002"], None),
        (["staff", "appraise", "S001", "--period", "2026-Q4", "--source", "peer", "--efficiency", "3"], None),
        (["staff", "appraise", "S001", "--period", "2026-Q4", "--source", "peer", "--rater", "S999",
          "--efficiency", "3"], None),
        (["staff", "appraise", "S001", "--source", "peer", "--efficiency", "3"], None),
        (["staff", "appraisals", "S999"], None),
        (["staff", "report", "S999", "--period", "2026-11"], None),
        (["staff", "report", "S001", "--period", "2026-11", "--by", "store"], None),
        (["staff", "report", "S001"], None),
    ],
    # Roles, staff members holding them, and commands run as one of them
    # (--as: access control on, that staff member the principal).
    "access": [
        (["--now", T0, "init", "--defaults"], None),
        (["role", "list"], None),
        (["role", "show", "receptionist"], None),
        (["role", "show", "auditor", "--json"], None),
        (["--now", at("10:01"), "role", "add", "floor_lead", "楼面主管", "--scope", "store", "--perm", "ticket_read",
          "--perm", "ticket_assign", "--perm", "ticket_transition"], None),
        (["--now", at("10:02"), "role", "update", "floor_lead", "--name", "楼面组长", "--grant", "customer_search",
          "--revoke", "ticket_transition", "--json"], None),
        (["--now", at("10:03"), "role", "update", "floor_lead", "--scope", "连锁", "--deactivate", "--revision", "2"],
         None),
        (["role", "list", "--json"], None),
        (["--now", at("10:04"), "staff", "add", "rita", "李娜", "--home-store", "SH01", "--role", "receptionist"],
         None),
        (["--now", at("10:05"), "staff", "add", "alice", "张敏", "--home-store", "SH01", "--role", "service_agent",
          "--role", "floor_lead", "--json"], None),
        (["--now", at("10:06"), "staff", "add", "admin", "王总", "--role", "data_admin"], None),
        (["--now", at("10:07"), "staff", "update", "alice", "--add-role", "supervisor", "--remove-role",
          "floor_lead"], None),
        (["staff", "show", "alice", "--json"], None),
        (["--now", at("10:08"), "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--phone", "138-0013-8000", "--email", "wang.fang@example.cn", "--home-store", "SH01"], None),
        (["--now", at("10:09"), "ticket", "open", "--kind", "complaint", "--store", "SH02",
          "--subject", "停车场收费有误"], None),
        # run as a receptionist: allowed, refused, masked
        (["--now", at("10:10"), "--as", "rita", "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--customer", FIXED_UUID + "000000000001", "--subject", "收银台排队太久"], None),
        (["--as", "rita", "ticket", "history", "SH01-000001"], None),
        (["--as", "rita", "customer", "show", FIXED_UUID + "000000000001"], None),
        (["--as", "rita", "customer", "show", FIXED_UUID + "000000000001", "--json"], None),
        (["--as", "rita", "customer", "find", "--phone", "13800138000"], None),
        (["--now", at("10:11"), "--as", "rita", "customer", "update", FIXED_UUID + "000000000001",
          "--notes", "喜欢安静的试衣间"], None),
        (["--now", at("10:12"), "--as", "rita", "customer", "erase", FIXED_UUID + "000000000001", "--yes"], None),
        (["--as", "rita", "customer", "export", FIXED_UUID + "000000000001"], None),
        (["--as", "rita", "ticket", "show", "SH02-000001"], None),
        (["--as", "rita", "ticket", "list"], None),
        (["--now", at("10:13"), "--as", "rita", "--actor", "alice", "ticket", "note", "SH01-000001", "已道歉"],
         None),
        (["--now", at("10:14"), "--as", "rita", "role", "add", "night", "夜班", "--scope", "store"], None),
        # a service agent and supervisor sees the contacts; head office every store
        (["--as", "alice", "customer", "show", FIXED_UUID + "000000000001"], None),
        (["--now", at("10:15"), "--as", "alice", "ticket", "assign", "SH01-000001", "--to", "alice"], None),
        (["--as", "admin", "ticket", "list"], None),
        (["--now", at("10:16"), "--as", "admin", "role", "update", "receptionist", "--grant",
          "customer_read_contacts"], None),
        (["--as", "rita", "customer", "show", FIXED_UUID + "000000000001"], None),
        # 'ticket link' has an --as of its own: the global one goes before the command
        (["--now", at("10:17"), "--as", "rita", "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--subject", "收银台排队太久"], None),
        (["--now", at("10:18"), "--as", "rita", "ticket", "link", "SH01-000002", "SH01-000001", "--as",
          "duplicate_of"], None),
        (["--now", at("10:18"), "ticket", "--as", "rita", "link", "SH01-000002", "SH02-000001"], None),
        # error paths
        (["--as", "nobody", "ticket", "list"], None),
        (["--as", "", "ticket", "list"], None),
        (["role", "show", "nosuchrole"], None),
        (["role", "add", "night", "夜班"], None),
        (["role", "add", "night", "夜班", "--scope", "region"], None),
        (["role", "add", "night", "夜班", "--scope", "store", "--perm", "fly"], None),
        (["--now", at("10:20"), "role", "add", "guide", "导购二", "--scope", "store"], None),
        (["role", "add", "Night Shift", "夜班", "--scope", "store"], None),
        (["role", "update", "guide"], None),
        (["role", "update", "guide", "--activate", "--deactivate"], None),
        (["--now", at("10:20"), "role", "update", "guide", "--grant", "ticket_assign", "--revision", "5"], None),
        (["--now", at("10:20"), "staff", "add", "bob", "刘洋", "--role", "nosuchrole"], None),
        (["--now", at("10:20"), "staff", "update", "rita", "--remove-role", "cashier"], None),
        (["--as", "rita", "demo"], None),
    ],
    "handoff": [
        (["--now", T0, "init", "--defaults"], None),
        (["--now", at("10:01"), "staff", "add", "P001", "周工", "--team", "property"], None),
        (["--now", at("10:01"), "staff", "add", "S001", "王芳", "--team", "consult"], None),
        (["--now", at("10:02"), "ticket", "open", "--kind", "facility", "--store", "SH01", "--assignee", "S001",
          "--team", "consult", "--subject", "停车场B区照明坏了"], None),
        # a sub-task for the property department; the ticket stays with the desk
        (["--now", at("10:05"), "--actor", "王芳", "ticket", "handoff", "SH01-000001", "--department", "property",
          "--assignee", "P001", "--subject", "更换B区照明", "--revision", "1"], None),
        (["--now", at("10:06"), "ticket", "handoff", "SH01-000001", "--department", "finance",
          "--subject", "停车费退款", "--json"], None),
        (["--now", at("10:30"), "ticket", "show", "SH01-000001"], None),
        (["--now", at("10:40"), "--actor", "周工", "ticket", "move", "SH01-000002", "accept"], None),
        (["--now", at("11:40"), "--actor", "周工", "ticket", "move", "SH01-000002", "complete"], None),
        (["--now", at("11:45"), "ticket", "show", "SH01-000001", "--json"], None),
        (["ticket", "history", "SH01-000001"], None),
        (["ticket", "history", "SH01-000002"], None),
        # refusals: no department, not a department, a sub-task, a stale revision
        (["ticket", "handoff", "SH01-000001"], None),
        (["--now", at("11:50"), "ticket", "handoff", "SH01-000001", "--department", "consult"], None),
        (["--now", at("11:50"), "ticket", "handoff", "SH01-000001", "--department", "nowhere"], None),
        (["--now", at("11:50"), "ticket", "handoff", "SH01-000003", "--department", "finance"], None),
        (["--now", at("11:50"), "ticket", "handoff", "SH01-000001", "--department", "finance", "--revision", "1"],
         None),
        (["--now", at("11:50"), "ticket", "handoff", "SH01-000001", "--department", "property",
          "--assignee", "S001"], None),
    ],
    "route": [
        (["--now", T0, "init", "--defaults"], None),
        (["route", "list"], None),
        (["--now", at("10:01"), "staff", "add", "S001", "王芳", "--team", "complaints"], None),
        (["--now", at("10:01"), "staff", "add", "S002", "李雷", "--team", "complaints"], None),
        (["--now", at("10:01"), "staff", "add", "S003", "韩梅梅", "--team", "consult"], None),
        (["--now", at("10:01"), "staff", "add", "G001", "赵敏", "--home-store", "SH01", "--role", "guide"], None),
        (["--now", at("10:02"), "route", "install-defaults"], None),
        (["--now", at("10:02"), "route", "install-defaults", "--json"], None),
        (["--now", at("10:03"), "route", "add", "vip_sh01", "--team", "complaints", "--strategy", "round_robin",
          "--position", "5", "--kind", "complaint", "--store", "SH01", "--customer-class", "核心"], None),
        (["--now", at("10:04"), "route", "add", "phone_returns", "--team", "consult", "--strategy", "best_skill",
          "--position", "30", "--channel", "phone", "--category", "退换货", "--json"], None),
        (["route", "list"], None),
        (["route", "show", "complaints"], None),
        (["route", "show", "vip_sh01", "--json"], None),
        (["--now", at("10:05"), "route", "update", "vip_sh01", "--any-store", "--customer-class", "vip",
          "--designated", "--revision", "1"], None),
        (["--now", at("10:06"), "route", "update", "phone_returns", "--deactivate", "--position", "-1",
          "--any-category", "--json"], None),
        (["route", "list", "--json"], None),
        # tickets opened without an assignee or a team are routed
        (["--now", at("10:07"), "customer", "add", "--id", FIXED_UUID + "000000000001", "--name", "王芳",
          "--phone", "138-0013-8000", "--class", "vip", "--home-store", "SH01"], None),
        (["--now", at("10:08"), "ticket", "open", "--kind", "complaint", "--store", "SH01", "--customer",
          FIXED_UUID + "000000000001", "--subject", "收银台排队太久", "--json"], None),
        (["--now", at("10:09"), "ticket", "open", "--kind", "complaint", "--store", "SH01",
          "--subject", "停车场收费有误", "--json"], None),
        (["--now", at("10:10"), "ticket", "open", "--kind", "inquiry", "--store", "SH02", "--subject", "营业时间"],
         None),
        (["--now", at("10:11"), "ticket", "open", "--kind", "complaint", "--store", "SH01", "--assignee", "S001",
          "--subject", "试衣间太少"], None),
        (["ticket", "list"], None),
        (["ticket", "history", "SH01-000001"], None),
        (["ticket", "history", "SH01-000002", "--json"], None),
        # routed again: a designated handler on shift keeps the ticket
        (["--now", at("10:12"), "ticket", "route", "SH01-000001"], None),
        (["--now", at("10:13"), "staff", "deactivate", "S001"], None),
        (["--now", at("10:14"), "ticket", "route", "SH01-000001", "--revision", "1"], None),
        (["--now", at("10:15"), "ticket", "route", "SH01-000003", "--json"], None),
        (["ticket", "history", "SH01-000001", "--json"], None),
        # access control: a guide may read the rules, not change them or route
        (["--as", "G001", "route", "list"], None),
        (["--now", at("10:16"), "--as", "G001", "route", "add", "night", "--team", "consult", "--strategy",
          "round_robin"], None),
        (["--now", at("10:16"), "--as", "G001", "route", "update", "complaints", "--deactivate"], None),
        (["--now", at("10:16"), "--as", "G001", "route", "install-defaults"], None),
        (["--now", at("10:16"), "--as", "G001", "ticket", "route", "SH01-000002"], None),
        (["ticket", "history", "SH01-000002"], None),
        # error paths
        (["route", "show", "nosuchrule"], None),
        (["route", "show"], None),
        (["route", "add", "night"], None),
        (["route", "add", "night", "--team", "consult"], None),
        (["route", "add", "night", "--team", "consult", "--strategy", "fastest"], None),
        (["route", "add", "night", "--team", "consult", "--strategy", "round_robin", "--customer-class", "gold"],
         None),
        (["route", "add", "night", "--team", "consult", "--strategy", "round_robin", "--position", "first"], None),
        (["route", "add", "night", "--team", "consult", "--strategy", "round_robin", "--kind", ""], None),
        (["route", "add", "night", "--team", "consult", "--strategy", "round_robin", "--any-kind"], None),
        (["--now", at("10:20"), "route", "add", "Night Shift", "--team", "consult", "--strategy", "round_robin"],
         None),
        (["--now", at("10:20"), "route", "add", "night", "--team", "security", "--strategy", "round_robin"], None),
        (["--now", at("10:20"), "route", "add", "complaints", "--team", "consult", "--strategy", "least_load"],
         None),
        (["route", "update", "complaints"], None),
        (["route", "update", "complaints", "--kind", "inquiry", "--any-kind"], None),
        (["route", "update", "complaints", "--designated", "--no-designated"], None),
        (["route", "update", "complaints", "--activate", "--deactivate"], None),
        (["--now", at("10:20"), "route", "update", "complaints", "--position", "1", "--revision", "7"], None),
        (["--now", at("10:20"), "route", "update", "nosuchrule", "--position", "1"], None),
        (["--now", at("10:20"), "route", "update", "complaints", "--team", "nosuchteam"], None),
        (["--now", at("10:20"), "ticket", "open", "--kind", "after_sales", "--store", "SH01", "--subject", "退货"],
         None),
        (["--now", at("10:21"), "ticket", "route", "SH01-000004"], None),
        (["ticket", "route", "SH09-000001"], None),
        (["ticket", "route"], None),
        (["route", "show", "complaints"], None),
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


def shown_arg(arg):
    """An argument as the transcript shows it: shell quoting, with control
    characters (and only then) in bash's $'...' form."""
    if not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in arg):
        return shlex.quote(arg)
    out = []
    for c in arg:
        if c in "\\'":
            out.append("\\" + c)
        elif c in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[c])
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append("\\x%02x" % ord(c))
        elif 0x80 <= ord(c) <= 0x9f:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    return "$'" + "".join(out) + "'"


class Postgres:
    """The PostgreSQL server of --postgres: new databases on it, each
    dropped by drop_all(), and SQL run with psql."""

    def __init__(self, conninfo):
        self.fields = {}
        for m in re.finditer(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", conninfo):
            value = m.group(2)
            if value.startswith("'"):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            self.fields[m.group(1)] = value
        self.conninfo = conninfo
        self.psql = shutil.which("psql")
        if self.psql is None:
            raise Failure("--postgres needs psql (postgresql-client)")
        self.databases = {}  # URI -> name

    def uri(self, dbname):
        import urllib.parse
        rest = {k: v for k, v in self.fields.items() if k not in ("user", "dbname")}
        query = "&".join("%s=%s" % (k, urllib.parse.quote(v, safe="/")) for k, v in rest.items())
        return "postgresql://%s@/%s%s" % (urllib.parse.quote(self.fields.get("user", "")),
                                          urllib.parse.quote(dbname), "?" + query if query else "")

    def sql(self, statement, dbname=None):
        """Runs `statement` (each statement of it in a transaction of its
        own) in the test database or `dbname`; returns what it printed,
        unaligned, without headers."""
        conninfo = self.conninfo + (" dbname=%s" % dbname if dbname else "")
        # psql is not under test: never under a preloaded sanitizer.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        r = subprocess.run([self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
                           input=statement, text=True, capture_output=True, env=env)
        if r.returncode != 0:
            raise Failure("psql: %s: %s" % (statement, r.stderr.strip()))
        return r.stdout

    def new_database(self):
        """A new, empty database; returns its postgresql:// URI."""
        name = "csvc_cli_%d_%d" % (os.getpid(), len(self.databases) + 1)
        self.sql("CREATE DATABASE %s" % name)
        self.databases[self.uri(name)] = name
        return self.uri(name)

    def store_sql(self, uri, statement):
        """Runs `statement` in the schema of the store (csvc) of the
        database new_database() returned `uri` for."""
        self.sql("SET search_path TO csvc, public;\n%s;\n" % statement, dbname=self.databases[uri])

    def drop_all(self):
        for name in self.databases.values():
            self.sql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        self.databases = {}


# Set by main() for --postgres.
PG = None


def run_sql(workdir, statement, store="store.db"):
    """Runs an "!sql" step on the scenario's store: the file, or with
    --postgres the URI `store` (returns the fixes of the transcript that
    its PostgreSQL text makes)."""
    if PG is not None:
        text, fixes = PG_STATEMENTS.get(statement, (statement, []))
        PG.store_sql(store, text)
        return fixes
    import sqlite3
    db = sqlite3.connect(os.path.join(workdir, "store.db"))
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()
    return []


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


def run_csvc(csvc, args, workdir, stdin=None, env_extra=None, store="store.db"):
    env = dict(os.environ)
    env["CSVC_DB"] = store
    env.pop("LANG", None)
    env["LC_ALL"] = "C"
    if env_extra:
        env.update(env_extra)
    proc = subprocess.run([csvc] + args, cwd=workdir, input=(stdin or "").encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def golden_compare(name, actual, fixes=()):
    """Compares `actual` with golden/NAME, changed by `fixes` (pairs of
    old and new text, each of which must be there)."""
    path = os.path.join(GOLDEN, name)
    if os.environ.get("CSVC_UPDATE_GOLDEN") and PG is not None:
        raise Failure("golden files are written from SQLite runs (without --postgres)")
    if os.environ.get("CSVC_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(actual)
        print("updated %s" % path)
        return
    if not os.path.exists(path):
        raise Failure("missing golden file %s (run with CSVC_UPDATE_GOLDEN=1)" % path)
    with open(path, encoding="utf-8", newline="") as f:
        expected = f.read()
    for old, new in fixes:
        if old not in expected:
            raise Failure("golden/%s has no %r to change" % (name, old))
        expected = expected.replace(old, new)
    if expected != actual:
        import difflib
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            "golden/" + name, "actual"))
        raise Failure("output differs from golden/%s:\n%s" % (name, diff))


TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def captured_token(stdout):
    """The survey token printed by `survey invite` (text or JSON)."""
    text = stdout.strip()
    if text.startswith("{"):
        text = json.loads(text).get("token", "")
    if not TOKEN_RE.match(text):
        raise Failure("survey invite printed no token: %r" % stdout)
    return text


def test_golden(args, scenario):
    steps = SCENARIOS[scenario]
    out = []
    tokens = {}
    fixes = []
    store = PG.new_database() if PG is not None else "store.db"

    def hide(text):
        for name, token in tokens.items():
            text = text.replace(token, "<token:%s>" % name)
        return mask(text.replace(store, "store.db"))

    with tempfile.TemporaryDirectory(prefix="csvc-cli-") as workdir:
        for step in steps:
            argv, stdin = step[0], step[1]
            shown = [resolve(a, workdir) for a in argv]
            argv = [tokens.get(a[1:-1], a) if a.startswith("{") and a.endswith("}") else a for a in shown]
            shown = [a if a == b else "<token:%s>" % a[1:-1] for a, b in zip(shown, argv)]
            if stdin and stdin.startswith("@"):
                with open(os.path.join(DATA, stdin[1:]), encoding="utf-8") as f:
                    stdin = f.read()
            if argv and argv[0] == "!sql":
                fixes += run_sql(workdir, argv[1], store)
                out.append('$ sqlite3 store.db "%s"\n\n' % argv[1])
                continue
            rc, stdout, stderr = run_csvc(args.csvc, argv, workdir, stdin, store=store)
            if len(step) > 2 and rc == 0:
                tokens[step[2]] = captured_token(stdout)
            if "--json" in argv and rc == 0 and stdout.startswith(("{", "[")):
                # One JSON document, or (calendar add/between) one per line.
                try:
                    json.loads(stdout)
                except ValueError:
                    try:
                        for line in stdout.splitlines():
                            json.loads(line)
                    except ValueError as e:
                        raise Failure("csvc %s: --json output is not JSON: %s" % (argv, e))
            out.append("$ csvc %s\n" % " ".join(shown_arg(a) for a in shown))
            out.append(hide(stdout))
            for line in stderr.splitlines():
                out.append("[stderr] %s\n" % hide(line))
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
    golden_compare(scenario + ".txt", "".join(out), fixes)


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
        # Each run writes day.db afresh (it replaces a demo store); on
        # PostgreSQL each run gets a database of its own, named by --db
        # (the tool does not drop a store there), and the transcript shows
        # its URI as day.db.
        day = "day.db"

        def demo(json_output):
            nonlocal day
            if PG is not None:
                day = PG.new_database()
                argv = ["demo", day] if json_output else ["demo", "--db", day]
            else:
                argv = ["demo", day]
            rc, out, err = run_csvc(args.csvc, (["--json"] if json_output else []) + argv, workdir)
            if rc != 0 or err:
                raise Failure("csvc %s: exit %d, stderr %r" % (" ".join(argv), rc, err))
            return out.replace(day, "day.db")

        runs = [demo(False) for i in range(2)]
        if runs[0] != runs[1]:
            raise Failure("two runs of csvc demo differ")
        golden_compare("demo.txt", runs[0])
        jruns = [demo(True) for i in range(2)]
        if jruns[0] != jruns[1]:
            raise Failure("two runs of csvc --json demo differ")
        doc = json.loads(jruns[0])
        kinds = [(a["ticket_number"], a["target"], a["alarm"]) for a in doc["alarms"]]
        if ("SH02-000002", "first_response", "warning") not in kinds or \
                ("SH02-000002", "first_response", "breach") not in kinds:
            raise Failure("the demo's alarms lack the inquiry's warning and breach: %r" % kinds)
        rated = [(s["ticket_number"], s["method"]) for s in doc["surveys"]]
        if ("SH01-000002", "till") not in rated or ("SH02-000001", "phone_callback") not in rated or \
                (None, "receipt_qr") not in rated:
            raise Failure("the demo's surveys: %r" % rated)
        rows = {r["key"]: r["metrics"] for r in doc["report"]["rows"]}
        if doc["report"]["report"] != "kpis" or sorted(rows) != ["SH01", "SH02"] or \
                rows["SH02"]["complaints"] != 1 or rows["SH01"]["responses"] != 3:
            raise Failure("the demo's report: %r" % doc["report"])
        golden_compare("demo-json.txt", jruns[0])
        # The store it leaves works with the other commands.
        rc, out, err = run_csvc(args.csvc, ["--db", day, "ticket", "list", "--json"], workdir)
        tickets = json.loads(out)
        if rc != 0 or len(tickets) != 5:
            raise Failure("ticket list on the demo store: exit %d, %d tickets" % (rc, len(tickets)))
        ret = [t for t in tickets if t["kind"] == "after_sales"][0]
        if ret["order_ref"] != "POS-SH01-20261121-0153" or ret["state"] != "closed":
            raise Failure("the demo's return: %r" % ret)
        rc, out, err = run_csvc(args.csvc, ["--db", day, "customer", "show",
                                            FIXED_UUID + "000000000004", "--json"], workdir)
        absorbed = json.loads(out)
        if rc != 0 or absorbed["merged_into"] != FIXED_UUID + "000000000001" or absorbed["name"] != "王 芳":
            raise Failure("the demo's merge: %r" % absorbed)
        # The survey and report commands it suggests work on it.
        for cmd in (["survey", "score", "post_resolution", "--period", "2026-11-23", "--store", "SH01", "--by", "staff"],
                    ["report", "kpi", "--period", "2026-11", "--store", "SH02"]):
            rc, out, err = run_csvc(args.csvc, ["--db", day] + cmd, workdir)
            if rc != 0 or err or "SH0" not in out:
                raise Failure("csvc %s on the demo store: exit %d, %r" % (" ".join(cmd), rc, err))
        if PG is not None:
            test_demo_postgres_refusals(args, workdir, day)
            print("csvc demo on PostgreSQL: identical runs, golden output, explorable store, "
                  "no store replaced")
            return
        # It refuses to replace a file that is not a demo store.
        with open(os.path.join(workdir, "precious.db"), "w") as f:
            f.write("not a store")
        rc, out, err = run_csvc(args.csvc, ["demo", "precious.db"], workdir)
        if rc != 1 or "not a demo store" not in err:
            raise Failure("csvc demo over another file: exit %d, %r" % (rc, err))
        with open(os.path.join(workdir, "precious.db")) as f:
            if f.read() != "not a store":
                raise Failure("csvc demo changed a file that is not a demo store")
        # It replaces a demo store an earlier version left, whose schema is
        # older (here: before the feed's migration 11).
        import sqlite3
        db = sqlite3.connect(os.path.join(workdir, "day.db"))
        db.executescript("DROP TRIGGER ticket_events_no_update; DROP TABLE ticket_redactions;"
                         " CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
                         " BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;"
                         " DROP TABLE customer_consents; DROP TABLE store_settings;"
                         " DROP TABLE ticket_approvals; DROP TABLE workflow_guards;"
                         " DROP TABLE ticket_handoffs;"
                         " ALTER TABLE sla_policy_targets DROP COLUMN pause_on_handoff;"
                         " DROP TABLE staff_appraisals; DROP INDEX tickets_assignee_created;"
                         " DROP INDEX survey_responses_staff; "
                         "DROP TABLE ticket_work; DROP TABLE queues; DROP INDEX tickets_ticket_category;"
                         " DROP INDEX tickets_team_priority; DROP INDEX tickets_assignee_priority;"
                         " DROP TRIGGER tickets_load_update; DROP TRIGGER tickets_load_delete;"
                         " DROP TABLE ticket_assignee_load; DROP TABLE route_cursors; DROP TABLE route_rules;"
                         " DROP TABLE staff_roles; DROP TABLE role_permissions; DROP TABLE roles;"
                         " DROP TABLE feed; DROP TABLE feed_records; DROP TABLE feed_consumers;"
                         " DROP TABLE staff_events; DROP TABLE staff_teams; DROP TABLE staff_skills;"
                         " DROP TABLE staff; DROP TABLE teams;"
                         " PRAGMA user_version=10;")
        db.close()
        rc, out, err = run_csvc(args.csvc, ["demo", "day.db"], workdir)
        if rc != 0:
            raise Failure("csvc demo over an older demo store: exit %d, %r" % (rc, err))
    print("csvc demo: identical runs, golden output, explorable store")


def test_demo_postgres_refusals(args, workdir, day):
    """On PostgreSQL the demo runs only where its URI holds no store: it
    leaves an earlier demo store, another store and another application's
    tables as they are."""
    def tickets(uri):
        rc, out, err = run_csvc(args.csvc, ["--db", uri, "ticket", "list", "--json"], workdir)
        if rc != 0:
            raise Failure("ticket list on %s: exit %d, %r" % (uri, rc, err))
        return json.loads(out)

    before = tickets(day)
    rc, out, err = run_csvc(args.csvc, ["demo", "--db", day], workdir)
    if rc != 1 or "holds a demo store already" not in err or out:
        raise Failure("csvc demo over an earlier demo store: exit %d, %r %r" % (rc, out, err))
    if tickets(day) != before:
        raise Failure("csvc demo changed the demo store it refused")

    other = PG.new_database()
    rc, out, err = run_csvc(args.csvc, ["--db", other, "init", "--defaults"], workdir)
    if rc != 0:
        raise Failure("init: exit %d, %r" % (rc, err))
    rc, out, err = run_csvc(args.csvc, ["demo", other], workdir)
    if rc != 1 or "is not a demo store" not in err:
        raise Failure("csvc demo over another store: exit %d, %r" % (rc, err))
    if tickets(other) != []:
        raise Failure("csvc demo wrote to a store that is not a demo store")

    foreign = PG.new_database()
    PG.sql("CREATE SCHEMA csvc; CREATE TABLE csvc.pos_sales (id bigint PRIMARY KEY); "
           "INSERT INTO csvc.pos_sales VALUES (1);", dbname=PG.databases[foreign])
    rc, out, err = run_csvc(args.csvc, ["demo", foreign], workdir)
    if rc != 1 or "not a demo store" not in err:
        raise Failure("csvc demo over another application's tables: exit %d, %r" % (rc, err))
    tables = PG.sql("SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'csvc';"
                    " SELECT count(*) FROM csvc.pos_sales;", dbname=PG.databases[foreign])
    if tables.split() != ["pos_sales", "1"]:
        raise Failure("csvc demo changed another application's schema: %r" % tables)


def utc_us(*civil):
    """Microseconds since the epoch of a UTC date and time."""
    return int(datetime.datetime(*civil, tzinfo=datetime.timezone.utc).timestamp()) * 1000000


POS_TICKET_TYPES = ["created", "comment", "transition", "transition", "comment", "transition", "transition",
                    "comment", "invited", "responded", "transition"]


def check_pos_run(lines, number, first_run):
    """One run's outbox lines: the member (first run only), then the
    ticket's entries, the rating's invitation and response among them."""
    if first_run:
        member = lines[0]
        if (member["subject_kind"], member["type"], member["subject"], member["actor"]) != \
                ("customer", "created", FIXED_UUID + "000000030001", "head-office-sync"):
            raise Failure("first outbox line: %r" % member)
        lines = lines[1:]
    if [e["type"] for e in lines] != POS_TICKET_TYPES:
        raise Failure("outbox entry types for %s: %r" % (number, [e["type"] for e in lines]))
    tickets = [e for e in lines if e["subject_kind"] == "ticket"]
    surveys = [e for e in lines if e["subject_kind"] == "survey"]
    if [e["payload"]["seq"] for e in tickets] != list(range(1, 10)):
        raise Failure("outbox seqs for %s: %r" % (number, [e["payload"]["seq"] for e in tickets]))
    ticket_id = tickets[0]["subject"]
    if any(e["reference"] != number or e["subject"] != ticket_id or e["actor"] != "till-3" for e in tickets):
        raise Failure("outbox entries of %s name other tickets or actors" % number)
    created = tickets[0]["payload"]["set"]
    if created["order_ref"] != "POS-SH01-20261123-0042" or \
            created["customer"] != FIXED_UUID + "000000030001" or created["kind"] != "after_sales":
        raise Failure("created entry: %r" % created)
    if tickets[0]["time"] != utc_us(2026, 11, 23, 6, 40):  # 14:40 in Shanghai, on the till's clock
        raise Failure("created entry time: %r" % tickets[0])
    if tickets[-2]["payload"].get("kind") != "result_notice" or \
            tickets[-4]["payload"]["to_state"] != "executing" or tickets[-1]["payload"]["to_state"] != "surveyed":
        raise Failure("last entries of %s: %r" % (number, tickets[-4:]))
    invited, responded = surveys
    for e in surveys:
        p = e["payload"]
        if e["reference"] != "till_rating" or p["survey"] != "till_rating" or p["version"] != 1 or \
                p["ticket"] != ticket_id or p["ticket_number"] != number or p["method"] != 1 or \
                p["customer"] != FIXED_UUID + "000000030001" or e["time"] != utc_us(2026, 11, 23, 6, 47):
            raise Failure("till rating entry of %s: %r" % (number, e))
    if invited["subject"] is not None or not UUID_RE.fullmatch(responded["subject"] or "") or \
            "token" in json.dumps(invited):
        raise Failure("till rating invitation or response of %s: %r %r" % (number, invited, responded))


def check_pos_outbox(entries):
    """Every line the library's layout; ids unique, positions increasing."""
    for e in entries:
        if sorted(e) != sorted(["position", "id", "time", "type", "subject_kind", "subject", "reference",
                                "actor", "payload"]) or not UUID_RE.fullmatch(e["id"]):
            raise Failure("outbox line: %r" % e)
    positions = [e["position"] for e in entries]
    if positions != sorted(set(positions)):
        raise Failure("outbox positions do not increase: %r" % positions)
    if len({e["id"] for e in entries}) != len(entries):
        raise Failure("outbox event ids repeat")


def test_pos(args):
    with tempfile.TemporaryDirectory(prefix="csvc-pos-") as workdir:
        outbox = os.path.join(workdir, "outbox.jsonl")

        def run_pos(run):
            proc = subprocess.run([args.pos, "till.db", "outbox.jsonl"], cwd=workdir,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = proc.stdout.decode("utf-8")
            if proc.returncode != 0 or proc.stderr:
                raise Failure("pos-embed run %d: exit %d, stderr %r" % (run, proc.returncode, proc.stderr))
            if "after-sales ticket SH01-%06d for POS-SH01-20261123-0042" % run not in out or \
                    "till rating 5 of 5 (till_rating version 1) recorded for SH01-%06d" % run not in out:
                raise Failure("pos-embed run %d output: %r" % (run, out))
            return out

        def read_outbox():
            with open(outbox, encoding="utf-8") as f:
                return [json.loads(line) for line in f.read().splitlines()]

        per_run = [1 + len(POS_TICKET_TYPES), len(POS_TICKET_TYPES)]
        for run in (1, 2):
            out = run_pos(run)
            if "outbox: %d lines written to outbox.jsonl" % per_run[run - 1] not in out or "earlier run" in out:
                raise Failure("pos-embed run %d outbox count: %r" % (run, out))
        entries = read_outbox()
        if len(entries) != sum(per_run):
            raise Failure("outbox has %d lines, expected %d" % (len(entries), sum(per_run)))
        check_pos_outbox(entries)
        check_pos_run(entries[:per_run[0]], "SH01-000001", True)
        check_pos_run(entries[per_run[0]:], "SH01-000002", False)
        # The till's own survey definition is acknowledged without a line.
        if entries[1]["position"] != entries[0]["position"] + 2:
            raise Failure("outbox positions of the first run: %r" % [e["position"] for e in entries])
        # The csvc tool reads the till's store.
        rc, out, err = run_csvc(args.csvc, ["--db", "till.db", "ticket", "list"], workdir)
        if rc != 0 or "SH01-000002" not in out:
            raise Failure("csvc on the till store: exit %d, %r %r" % (rc, out, err))
        # ... lists its outbox consumer, caught up ...
        rc, out, err = run_csvc(args.csvc, ["--db", "till.db", "--json", "feed", "consumers"], workdir)
        consumers = json.loads(out)["consumers"] if rc == 0 else []
        if consumers != [{"name": "pos.outbox", "position": entries[-1]["position"], "lag": 0}]:
            raise Failure("csvc feed consumers on the till store: exit %d, %r %r" % (rc, out, err))
        # ... and scores the till's ratings.
        rc, out, err = run_csvc(args.csvc, ["--db", "till.db", "--json", "survey", "score", "till_rating",
                                            "--period", "2026-11"], workdir)
        rows = json.loads(out)["rows"] if rc == 0 else []
        if len(rows) != 1 or rows[0]["metrics"]["responses"] != 2 or rows[0]["metrics"]["csat"] != 1:
            raise Failure("csvc survey score on the till store: exit %d, %r %r" % (rc, out, err))

        # A power cut after the last two lines were synced, before their
        # acknowledgement: the consumer's cursor is two entries behind. The
        # next start writes those two again (same ids and positions) before
        # anything new: at least once, and head office drops the repeats by id.
        import sqlite3
        db = sqlite3.connect(os.path.join(workdir, "till.db"))
        with db:
            moved = db.execute("UPDATE feed_consumers SET pos = ? WHERE name = 'pos.outbox'",
                               (entries[-3]["position"],)).rowcount
        db.close()
        if moved != 1:
            raise Failure("no pos.outbox cursor in the till store")
        out = run_pos(3)
        if "outbox: 2 lines left by an earlier run written first" not in out or \
                "outbox: %d lines written to outbox.jsonl" % (2 + per_run[1]) not in out:
            raise Failure("pos-embed run 3 after a lost acknowledgement: %r" % out)
        after = read_outbox()
        if after[:len(entries)] != entries or after[len(entries):len(entries) + 2] != entries[-2:]:
            raise Failure("the unacknowledged lines were not written again first")
        unique = {}
        for e in after:
            unique.setdefault(e["id"], e)
        deduplicated = list(unique.values())
        if len(deduplicated) != len(after) - 2:
            raise Failure("the repeated lines do not carry the same event ids")
        check_pos_outbox(deduplicated)
        check_pos_run(after[len(entries) + 2:], "SH01-000003", False)
    print("pos-embed: 3 runs, %d outbox lines checked (2 written again after a lost acknowledgement), "
          "ratings scored" % len(after))


BAR_RE = re.compile(r"\r(importing|recomputing) \[[# ]{30}\] (\d+)/(\d+)\x1b\[K")


def run_csvc_tty(csvc, args, workdir):
    """Runs csvc with stderr on a pseudo-terminal (stdout and stdin are not
    terminals). Returns (exit status, stdout, what the terminal received)."""
    env = dict(os.environ)
    env["CSVC_DB"] = "store.db"
    env.pop("LANG", None)
    env["LC_ALL"] = "C"
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([csvc] + args, cwd=workdir, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=slave, env=env)
    finally:
        os.close(slave)
    term = b""
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as e:
                if e.errno != errno.EIO:  # EIO: the child closed the terminal
                    raise
                break
            if not chunk:
                break
            term += chunk
        out = proc.stdout.read()
        proc.wait()
    finally:
        os.close(master)
        proc.stdout.close()
    # The terminal turns "\n" into "\r\n" (ONLCR); undo it for comparison.
    return proc.returncode, out.decode("utf-8"), term.decode("utf-8").replace("\r\n", "\n")


def check_bar(what, term, label, total):
    bars = BAR_RE.findall(term)
    if not bars:
        raise Failure("%s: no progress bar on the terminal: %r" % (what, term[-300:]))
    if any(b[0] != label or int(b[2]) != total for b in bars):
        raise Failure("%s: expected a %r bar of %d, got %r" % (what, label, total, bars[:3]))
    counts = [int(b[1]) for b in bars]
    if counts != sorted(counts) or counts[-1] != total:
        raise Failure("%s: the bar does not count up to %d: %r" % (what, total, counts))
    if not term.endswith("\r\x1b[K") and "\r\x1b[K" not in term[term.rfind(bars[-1][0]):]:
        raise Failure("%s: the bar is not erased at the end: %r" % (what, term[-80:]))


def check_no_bar(what, err):
    if "\r" in err or "\x1b" in err or "importing" in err or "recomputing" in err:
        raise Failure("%s: progress output where there must be none: %r" % (what, err[:200]))


def test_progress(args):
    tmp = tempfile.mkdtemp(prefix="csvc-progress-")
    try:
        rows = 300
        with open(os.path.join(tmp, "many.csv"), "w", encoding="utf-8") as f:
            f.write("name,phone\n")
            for i in range(rows):
                # Row 150 has a malformed phone: rejected, reported mid-bar.
                f.write("顾客%d,%s\n" % (i, "12x" if i == 150 else "1380013%04d" % i))
        import_args = ["--now", T0, "customer", "import", "--csv", "many.csv", "--skip-bad-rows"]
        results = {}
        for mode in ("tty", "pipe", "quiet"):
            db = os.path.join(tmp, "store.db")
            if os.path.exists(db):
                os.remove(db)
            rc, _, err = run_csvc(args.csvc, ["--now", T0, "init", "--defaults"], tmp)
            if rc != 0:
                raise Failure("init: exit %d: %s" % (rc, err))
            if mode == "pipe":
                rc, out, err = run_csvc(args.csvc, import_args, tmp)
            else:
                rc, out, err = run_csvc_tty(args.csvc, import_args + (["--quiet"] if mode == "quiet" else []), tmp)
            results[mode] = (rc, out, err)
        rc, out, term = results["tty"]
        check_bar("customer import on a terminal", term, "importing", rows)
        # The rejected row's message starts on a clean line.
        if "\r\x1b[Kcsvc: customer import: many.csv: line 152: " not in term:
            raise Failure("customer import: the rejection is not printed on an erased line: %r" % term[:400])
        for mode in ("pipe", "quiet"):
            check_no_bar("customer import (%s)" % mode, results[mode][2])
            if results[mode][2].count("line 152") != 1:
                raise Failure("customer import (%s): stderr %r" % (mode, results[mode][2]))
        if len({(r[0], r[1]) for r in results.values()}) != 1:
            raise Failure("customer import: stdout or exit status differ with a terminal: %r" % results)
        if "\nline" in term or term.count("csvc: customer import:") != 1:
            raise Failure("customer import: stray stderr %r" % term[-200:])

        # sla recompute over the demo's tickets.
        db = os.path.join(tmp, "store.db")
        os.remove(db)
        rc, _, err = run_csvc(args.csvc, ["demo", db], tmp)
        if rc != 0:
            raise Failure("demo: exit %d: %s" % (rc, err))
        rc, n, _ = run_csvc(args.csvc, ["--json", "sla", "recompute", "--quiet"], tmp)
        total = json.loads(n)["tickets"]
        if rc != 0 or total < 1:
            raise Failure("sla recompute --json: exit %d, %r" % (rc, n))
        rc, out_tty, term = run_csvc_tty(args.csvc, ["sla", "recompute"], tmp)
        check_bar("sla recompute on a terminal", term, "recomputing", total)
        rc2, out_pipe, err = run_csvc(args.csvc, ["sla", "recompute"], tmp)
        check_no_bar("sla recompute (pipe)", err)
        rc3, out_quiet, err = run_csvc_tty(args.csvc, ["sla", "recompute", "--quiet"], tmp)
        check_no_bar("sla recompute --quiet", err)
        if not (rc == rc2 == rc3 == 0 and out_tty == out_pipe == out_quiet):
            raise Failure("sla recompute: stdout or exit status differ: %r" % [(rc, out_tty), (rc2, out_pipe), (rc3, out_quiet)])
        print("progress bars: import of %d rows and recompute of %d tickets on a terminal; "
              "none on a pipe or with --quiet" % (rows, total))
    finally:
        shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csvc", required=True)
    ap.add_argument("--pos")
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--postgres", action="store_true",
                    help="run golden-SCENARIO or demo on the PostgreSQL server of CSVC_TEST_PG")
    ap.add_argument("test")
    args = ap.parse_args()
    args.csvc = os.path.abspath(args.csvc)
    if args.pos:
        args.pos = os.path.abspath(args.pos)
    global PG
    try:
        if args.postgres:
            if not (args.test.startswith("golden-") or args.test == "demo"):
                raise Failure("--postgres applies to golden-SCENARIO and demo only")
            if not os.environ.get("CSVC_TEST_PG"):
                raise Failure("--postgres needs CSVC_TEST_PG (run through tests/pg/with-pg-server.sh)")
            PG = Postgres(os.environ["CSVC_TEST_PG"])
        if args.test.startswith("golden-"):
            test_golden(args, args.test[len("golden-"):])
        elif args.test == "help":
            test_help(args)
        elif args.test == "demo":
            test_demo(args)
        elif args.test == "pos":
            test_pos(args)
        elif args.test == "progress":
            test_progress(args)
        else:
            raise Failure("unknown test %s" % args.test)
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        if PG is not None:
            try:
                PG.drop_all()
            except Failure as e:
                print("cli-test: dropping the test databases: %s" % e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
