#!/usr/bin/env python3
"""Satisfaction report: CSAT and NPS per store from the report API.

    satisfaction_report.py STORE [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                           [--survey NAME] [--min-sample N]
                           [--format text|csv|json]

Computes the satisfaction scores of the survey responses submitted in
[--from, --to) (UTC dates; by default the 30 days up to today), one row per
store code and one for all stores, and prints:

    store   responses    CSAT  95 % interval       NPS      SE
    SH01            9   66.7%  [30.0%, 90.3%]    +57.1   ±27.5  *
    SH02            3       -  -                 -66.7   ±27.2  *
    all            12   66.7%  [30.0%, 90.3%]    +20.0   ±27.6  *
    * fewer than 30 responses

CSAT is the share of top-two-box Likert answers (4 and 5 on a 1-5 scale)
with its Wilson 95 % interval, NPS the promoters' share minus the
detractors' share in points, with its standard error (docs/scoring.md).
Undefined figures (no answers of that kind) print as '-'. --format csv
prints the same figures as numbers; --format json prints the library's
JSON text of the per-store report.
"""

import argparse
import csv
import datetime
import sys

import csvc

UTC = datetime.timezone.utc


def day(text):
    """A YYYY-MM-DD argument as the UTC midnight that starts it."""
    d = datetime.date.fromisoformat(text)
    return datetime.datetime(d.year, d.month, d.day, tzinfo=UTC)


def report(store, start, end, survey=None, min_sample=0):
    """The per-store report and the one-row report for all stores."""
    q = dict(survey=survey, min_sample=min_sample)
    return (store.report_scores(start, end, group_by=csvc.ReportGroup.STORE, **q),
            store.report_scores(start, end, **q))


def pct(v):
    return "-" if v is None else f"{100 * v:.1f}%"


def points(v, sign="+"):
    return "-" if v is None else f"{v:{sign}.1f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description="CSAT and NPS per store.")
    ap.add_argument("store")
    ap.add_argument("--from", dest="start", type=day, help="first UTC date (default: 30 days before --to)")
    ap.add_argument("--to", dest="end", type=day, help="UTC date after the last one (default: tomorrow)")
    ap.add_argument("--survey", help="only the responses to this survey")
    ap.add_argument("--min-sample", type=int, default=0, help="flag rows with fewer responses (default 30)")
    ap.add_argument("--format", choices=["text", "csv", "json"], default="text")
    args = ap.parse_args(argv)
    with csvc.Store(args.store, readonly=True, create=False) as store:
        today = store.now().date()
        end = args.end or day((today + datetime.timedelta(days=1)).isoformat())
        start = args.start or end - datetime.timedelta(days=30)
        try:
            by_store, total = report(store, start, end, args.survey, args.min_sample)
        except csvc.Error as e:
            print(f"satisfaction_report: {e}", file=sys.stderr)
            return 2
    if args.format == "json":
        print(by_store.to_json())
        return 0
    rows = list(by_store) + [total[0]]
    if args.format == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["store", "responses", "csat_n", "csat", "csat_low", "csat_high", "nps_n", "nps", "nps_se",
                    "low_sample"])
        for r in rows:
            w.writerow([r.key, int(r.responses), int(r.csat_n)]
                       + ["" if v is None else f"{v:.6f}" for v in (r.csat, r.csat_low, r.csat_high)]
                       + [int(r.nps_n)] + ["" if v is None else f"{v:.6f}" for v in (r.nps, r.nps_se)]
                       + [int(r.low_sample)])
        return 0
    print(f"{'store':<8}{'responses':>10}{'CSAT':>8}  {'95 % interval':<16}{'NPS':>7}{'SE':>8}")
    for r in rows:
        interval = "-" if r.csat is None else f"[{pct(r.csat_low)}, {pct(r.csat_high)}]"
        se = "-" if r.nps_se is None else f"±{r.nps_se:.1f}"
        flag = "  *" if r.low_sample else ""
        print(f"{r.key or '(none)':<8}{int(r.responses):>10}{pct(r.csat):>8}  {interval:<16}"
              f"{points(r.nps):>7}{se:>8}{flag}")
    if any(r.low_sample for r in rows):
        print(f"* fewer than {by_store.min_sample} responses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
