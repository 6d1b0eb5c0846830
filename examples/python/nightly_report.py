#!/usr/bin/env python3
"""Nightly report: open tickets per store and state category.

    nightly_report.py STORE [--format text|csv]

Lists the store codes that have open tickets (state categories new, open,
waiting and resolved) with one paged query, then counts each store's
tickets per category with count queries, and prints a table:

    store  new  open  waiting  resolved  total
    SH01     3     1        0         0      4
    ...
    all      5     1        0         1      7
"""

import argparse
import csv
import sys

import csvc

OPEN_CATEGORIES = [csvc.StateCategory.NEW, csvc.StateCategory.OPEN, csvc.StateCategory.WAITING,
                   csvc.StateCategory.RESOLVED]


def store_codes(store, page=500):
    """The store codes with open tickets, read page by page (keyset cursor)."""
    codes, after = set(), None
    while True:
        n = 0
        for t in store.tickets(open_only=True, after=after, limit=page):
            codes.add(t.store_code)
            after, n = t, n + 1
        if n < page:
            return sorted(codes)


def report(store):
    """Rows of (store code, {category: count}); the last row is 'all'."""
    rows = []
    totals = {cat: 0 for cat in OPEN_CATEGORIES}
    for code in store_codes(store):
        counts = {cat: store.count_tickets(store_code=code, state_category=cat) for cat in OPEN_CATEGORIES}
        for cat, n in counts.items():
            totals[cat] += n
        rows.append((code, counts))
    rows.append(("all", totals))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description="Open tickets per store and state category.")
    ap.add_argument("store")
    ap.add_argument("--format", choices=["text", "csv"], default="text")
    args = ap.parse_args(argv)
    with csvc.Store(args.store, readonly=True, create=False) as store:
        rows = report(store)
    header = ["store"] + [cat.name.lower() for cat in OPEN_CATEGORIES] + ["total"]
    lines = [[code] + [counts[c] for c in OPEN_CATEGORIES] + [sum(counts.values())] for code, counts in rows]
    if args.format == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(header)
        w.writerows(lines)
    else:
        print(f"{header[0]:<8}" + "".join(f"{h:>10}" for h in header[1:]))
        for line in lines:
            print(f"{line[0]:<8}" + "".join(f"{v:>10}" for v in line[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
