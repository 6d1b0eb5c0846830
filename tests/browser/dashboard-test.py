#!/usr/bin/env python3
"""The HTML dashboard in a real browser (headless Chromium).

  dashboard-test.py --csvc PATH --out DIR [--chromium PATH]

Makes the demo store (`csvc demo`), writes its dashboard for 2026-Q4 (every
store, and SH01 alone) and checks:
  - the reports embedded in the page equal `csvc report kpi|sla|states
    --json` over the same range (ungrouped, by week, month, store and
    category);
  - every number marked with data-metric equals its report's figure
    (data-value exactly, the text shown at its precision);
  - the page refers to nothing outside itself;
  - Chromium renders it (--dump-dom): every chart is there, with all its
    numbers;
  - at 390 px (a phone) and 1366 px (a desktop), the document is no wider
    than the window and no element but the scrolling tables sticks out
    (a test-only copy of the page measures itself and writes the result
    into the DOM);
  - a screenshot of each width is kept in DIR (dashboard-390.png,
    dashboard-1366.png, and full-length ones, *-full.png).
Exit 77 (skipped) when Chromium is not installed.
"""
import argparse
import html.parser
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

NOW = "2026-12-31T12:00:00+08:00"
PERIOD = "2026-Q4"
CHARTS = ["trend-week-tickets", "trend-week-rates", "trend-month-tickets", "trend-month-rates", "stores",
          "stores-table", "sla", "states", "csat-ci", "nps-ci", "categories"]
CHROMIUM_TIMEOUT = 90


class Failure(Exception):
    pass


def run(cmd, timeout=60, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    if p.returncode != 0:
        raise Failure("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr[-2000:]))
    return p.stdout


class Numbers(html.parser.HTMLParser):
    """The elements with data-metric (their attributes and text), the
    data-chart names, and every attribute that could load something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.numbers, self.charts, self.refs = [], [], []
        self.stack = []  # open number elements: [attrs, text]
        self.json_text, self.in_json = [], False
        self.layout = None
        self.in_layout = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href", "srcset", "action", "poster"):
            if k in a:
                self.refs.append((tag, k, a[k]))
        if "data-chart" in a:
            self.charts.append(a["data-chart"])
        if tag == "script" and a.get("id") == "report-data":
            self.in_json = True
        if a.get("id") == "layout-result":
            self.in_layout = True
            self.layout = []
        if "data-metric" in a:
            self.stack.append([a, []])
            if tag in ("rect", "circle"):  # SVG marks: no text of their own (a <title> follows)
                self.numbers.append((a, None))
                self.stack.pop()

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        if "data-metric" in a:
            self.numbers.append((a, None))

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_json = False
        if self.in_layout and tag == "pre":
            self.in_layout = False
        if self.stack and tag in ("span",):
            a, text = self.stack.pop()
            self.numbers.append((a, "".join(text)))

    def handle_data(self, data):
        if self.in_json:
            self.json_text.append(data)
        if self.in_layout:
            self.layout.append(data)
        for item in self.stack:
            item[1].append(data)


def parse(text):
    p = Numbers()
    p.feed(text)
    p.close()
    return p


def fixed(v, decimals):
    """As the page rounds: half away from zero."""
    scale = 10 ** decimals
    n = math.floor(abs(v) * scale + 0.5)
    s = str(n // scale) + ("." + str(n % scale).zfill(decimals) if decimals else "")
    return ("-" if v < 0 and n else "") + s


def duration(us):
    s = math.floor(abs(us) / 1e6 + 0.5)
    if s < 60:
        return "%ds" % s
    if s < 3600:
        return "%dm%02ds" % (s // 60, s % 60) if s % 60 else "%dm" % (s // 60)
    if s < 86400:
        return "%dh%02dm" % (s // 3600, s // 60 % 60)
    return "%dd%02dh" % (s // 86400, s // 3600 % 24)


def shown_text(v, unit):
    if v is None:
        return "–"
    return {"count": lambda: fixed(v, 0), "pct": lambda: fixed(100 * v, 1) + "%", "dur": lambda: duration(v),
            "score": lambda: fixed(v, 1), "mean": lambda: fixed(v, 2)}[unit]()


def close_enough(text, expected, unit):
    """The text shown equals the expected value at the shown precision
    (the page and Python may round a tie differently)."""
    if text == expected:
        return True
    try:
        if unit == "pct":
            a, b = float(text.rstrip("%")), float(expected.rstrip("%"))
            return abs(a - b) <= 0.1 + 1e-9
        if unit in ("score", "mean", "count"):
            step = {"score": 0.1, "mean": 0.01, "count": 1}[unit]
            return abs(float(text) - float(expected)) <= step + 1e-9
    except ValueError:
        return False
    return False


def check_numbers(numbers, data, where):
    reports = data["reports"]
    checked = 0
    for a, text in numbers:
        rep, key, metric = a["data-report"], a["data-key"], a["data-metric"]
        if rep == "targets":
            expected = data["targets"]["response_mean_us"] if metric == "response_mean_us" else None
        else:
            rows = [r for r in reports[rep]["rows"] if r["key"] == key]
            if len(rows) != 1:
                raise Failure("%s: %s row %r: %d rows in the JSON" % (where, rep, key, len(rows)))
            m = rows[0]["metrics"]
            if metric not in m:
                raise Failure("%s: %s/%s has no metric %s" % (where, rep, key, metric))
            expected = m[metric]
            derive = a.get("data-derive")
            if derive and expected is not None:
                se = m["nps_se"]
                expected = expected - 1.959964 * se if derive == "ci_low" else expected + 1.959964 * se
                expected = max(-100.0, min(100.0, expected))
        value = None if a["data-value"] == "null" else float(a["data-value"])
        if (value is None) != (expected is None) or (value is not None and value != expected
                                                     and not (a.get("data-derive") and abs(value - expected) < 1e-9)):
            raise Failure("%s: %s/%s/%s is %r, the JSON says %r" % (where, rep, key, metric, value, expected))
        if text is not None:
            want = shown_text(expected, a["data-unit"])
            if not close_enough(text.strip(), want, a["data-unit"]):
                raise Failure("%s: %s/%s/%s shows %r, expected %r" % (where, rep, key, metric, text, want))
        checked += 1
    return checked


# Measures the page at the window's width: the document's width, and the
# elements that stick out of the window (those inside a scrolling table
# box excepted), written into the DOM for --dump-dom.
LAYOUT_SCRIPT = """<script>
(function () {
  var w = window.innerWidth, out = [];
  document.querySelectorAll('main *').forEach(function (e) {
    if (e.closest('.tbl')) return;
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 1 || r.left < -1))
      out.push(e.tagName + '.' + (e.className && e.className.baseVal !== undefined ? e.className.baseVal : e.className)
               + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  });
  var charts = {};
  document.querySelectorAll('[data-chart]').forEach(function (e) {
    var r = e.getBoundingClientRect();
    charts[e.getAttribute('data-chart')] = [Math.round(r.width), Math.round(r.height)];
  });
  var target = window.parent !== window ? window.parent.document : document;
  target.getElementById('layout-result').textContent = JSON.stringify({
    innerWidth: w, scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth, overflowing: out.slice(0, 20), charts: charts,
    fontSize: getComputedStyle(document.querySelector('.tile .big')).fontSize});
})();
</script>"""


FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#9aa3ad}
iframe{border:0;display:block;background:#fff}pre{position:absolute;left:0;top:0;visibility:hidden}</style></head>
<body><iframe width="%d" height="%d" srcdoc="%s"></iframe><pre id="layout-result"></pre></body></html>"""


def chromium_cmd(chromium, extra, profile):
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile] + extra


def chromium_run(chromium, extra, url):
    profile = tempfile.mkdtemp(prefix="csvc-chromium-")
    try:
        p = subprocess.run(chromium_cmd(chromium, extra, profile) + [url], capture_output=True, text=True,
                           timeout=CHROMIUM_TIMEOUT)
        if p.returncode != 0:
            raise Failure("chromium %s: exit %d\n%s" % (" ".join(extra), p.returncode, p.stderr[-2000:]))
        return p.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csvc", required=True)
    ap.add_argument("--out", required=True, help="directory for the pages and screenshots")
    ap.add_argument("--chromium", default=None)
    args = ap.parse_args()
    chromium = args.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (tests/browser/run.sh installs it)")
        return 77
    csvc = os.path.abspath(args.csvc)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    db = os.path.join(out, "demo.db")
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    run([csvc, "demo", db])
    base = [csvc, "--db", db, "--now", NOW]

    # The page and the JSON reports it must agree with.
    pages = {}
    for name, extra in (("all", []), ("SH01", ["--store", "SH01"])):
        path = os.path.join(out, "dashboard-%s.html" % name)
        run(base + ["report", "dashboard", "--period", PERIOD, "--out", path] + extra)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        static = parse(text)
        data = json.loads("".join(static.json_text))
        cli = {
            "kpis": ["report", "kpi"], "weeks": ["report", "kpi", "--by", "week"],
            "months": ["report", "kpi", "--by", "month"], "stores": ["report", "kpi", "--by", "store"],
            "categories": ["report", "kpi", "--by", "category"], "sla": ["report", "sla"],
            "states": ["report", "states"],
        }
        for rep, cmd in cli.items():
            want = json.loads(run([csvc, "--json", "--db", db, "--now", NOW] + cmd + ["--period", PERIOD] + extra))
            if data["reports"][rep] != want:
                raise Failure("%s: the page's %s report differs from csvc %s --json" % (name, rep, " ".join(cmd)))
        if static.refs:
            raise Failure("%s: the page refers to %r" % (name, static.refs[:5]))
        for url in re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+", text):
            if url != "http://www.w3.org":
                raise Failure("%s: the page names %s" % (name, url))
        if sorted(static.charts) != sorted(CHARTS):
            raise Failure("%s: charts %r, expected %r" % (name, static.charts, CHARTS))
        n = check_numbers(static.numbers, data, name)
        if n < 100:
            raise Failure("%s: only %d numbers are marked" % (name, n))
        if data["reports"]["kpis"]["rows"][0]["metrics"]["tickets"] < 1:
            raise Failure("%s: the demo's quarter has no tickets" % name)
        pages[name] = (path, text, static, data)
        print("%s: %d numbers equal the JSON reports; %d charts" % (name, n, len(static.charts)))

    # Chromium: the DOM as rendered, at both widths.
    path, text, static, data = pages["all"]
    dom = chromium_run(chromium, ["--dump-dom"], "file://" + path)
    rendered = parse(dom)
    if sorted(rendered.charts) != sorted(CHARTS):
        raise Failure("rendered charts %r, expected %r" % (rendered.charts, CHARTS))
    if len(rendered.numbers) != len(static.numbers):
        raise Failure("rendered %d numbers, the page has %d" % (len(rendered.numbers), len(static.numbers)))
    check_numbers(rendered.numbers, json.loads("".join(rendered.json_text)), "rendered")
    print("chromium: %d charts and %d numbers rendered" % (len(rendered.charts), len(rendered.numbers)))

    # Headless Chromium keeps windows at least 500 px wide, so the page is
    # laid out in a frame of the width under test (srcdoc, same origin),
    # and a test-only copy of it measures itself into the outer page.
    inner = (text.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
                 .replace("</body>", LAYOUT_SCRIPT + "\n</body>"))
    for width, height in ((390, 844), (1366, 900)):
        for probe_height, shot_name in ((height, "dashboard-%d.png" % width),
                                        (4200 if width < 500 else 2600, "dashboard-%d-full.png" % width)):
            frame = os.path.join(out, "dashboard-frame-%d-%d.html" % (width, probe_height))
            with open(frame, "w", encoding="utf-8") as f:
                f.write(FRAME % (width, probe_height, html.escape(inner, quote=True)))
            window = "--window-size=%d,%d" % (max(width, 500), probe_height)
            if probe_height == height:
                dom = chromium_run(chromium, [window, "--dump-dom"], "file://" + frame)
                got = parse(dom)
                if got.layout is None or not "".join(got.layout).strip():
                    raise Failure("%d px: the layout probe did not run" % width)
                m = json.loads("".join(got.layout))
                print("%d px: %s" % (width, json.dumps(m, ensure_ascii=False)))
                if m["innerWidth"] != width:
                    raise Failure("%d px: the frame is %d px wide" % (width, m["innerWidth"]))
                if m["scrollWidth"] > width or m["bodyScrollWidth"] > width:
                    raise Failure("%d px: the page is %d px wide (horizontal overflow)" % (width, m["scrollWidth"]))
                if m["overflowing"]:
                    raise Failure("%d px: elements stick out: %r" % (width, m["overflowing"]))
                for c in CHARTS:
                    w, h = m["charts"].get(c, (0, 0))
                    if w < 200 or h < 20:
                        raise Failure("%d px: chart %s is %dx%d" % (width, c, w, h))
            shot = os.path.join(out, shot_name)
            if os.path.exists(shot):
                os.remove(shot)
            chromium_run(chromium, [window, "--screenshot=" + shot], "file://" + frame)
            if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
                raise Failure("no screenshot %s" % shot)
        print("%d px: layout holds; screenshots in %s" % (width, out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print("FAIL:", e)
        sys.exit(1)
    except subprocess.TimeoutExpired as e:
        print("FAIL: timed out:", e)
        sys.exit(1)
