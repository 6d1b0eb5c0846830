#!/usr/bin/env python3
"""Imports customers from a CSV file into a libcsvc store.

    import_customers.py STORE CSV [--actor NAME] [--batch N]

The first row is a header; columns are matched by name (case-insensitive,
in any order; unknown columns are reported and ignored):

    name, phone, email, member_card, home_store, class, tier, birthday, notes, tags

`phone` and `email` may hold several values separated by ';', `tags` too.
`class` is vip/important/ordinary/potential (or 核心/重要/普通/潜在), `tier`
1-3, `birthday` YYYY-MM-DD. Rows that cannot be imported are reported on
stderr as "line N: reason" and skipped; the others are committed in
transactions of --batch rows. Exit status: 0 if every row was imported, 1
if some were rejected, 2 on a usage or file error.
"""

import argparse
import csv
import datetime
import sys

import csvc

CLASSES = {
    "vip": csvc.CustomerClass.VIP, "核心": csvc.CustomerClass.VIP,
    "important": csvc.CustomerClass.IMPORTANT, "重要": csvc.CustomerClass.IMPORTANT,
    "ordinary": csvc.CustomerClass.ORDINARY, "普通": csvc.CustomerClass.ORDINARY,
    "potential": csvc.CustomerClass.POTENTIAL, "潜在": csvc.CustomerClass.POTENTIAL,
}
KNOWN = {"name", "phone", "email", "member_card", "home_store", "class", "tier", "birthday", "notes", "tags"}


def split(value):
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def customer_from_row(row):
    """Builds a draft Customer; raises csvc.Error or ValueError on bad data."""
    c = csvc.Customer()
    if row.get("name"):
        c.name = row["name"].strip()
    for phone in split(row.get("phone")):
        c.add_phone(phone)
    for email in split(row.get("email")):
        c.add_email(email)
    for tag in split(row.get("tags")):
        c.add_tag(tag)
    if row.get("member_card"):
        c.add_external_id("member_card", row["member_card"].strip())
    if row.get("home_store"):
        c.home_store = row["home_store"].strip()
    if row.get("class"):
        key = row["class"].strip().lower()
        if key not in CLASSES:
            raise ValueError(f"unknown class {row['class']!r}")
        c.customer_class = CLASSES[key]
    if row.get("tier"):
        c.tier = csvc.Tier(int(row["tier"]))
    if row.get("birthday"):
        c.birthday = datetime.date.fromisoformat(row["birthday"].strip())
    if row.get("notes"):
        c.notes = row["notes"]
    if not (c.name or c.phones or c.emails or c.external_ids):
        raise ValueError("no name, phone, e-mail or member card")
    return c


def import_file(store, f, actor="csv-import", batch=500, out=sys.stdout, err=sys.stderr):
    """Imports the rows of an open CSV file; returns (imported, rejected)."""
    reader = csv.DictReader(f)
    if reader.fieldnames is None:
        raise ValueError("empty file: no header row")
    header = {name: (name or "").strip().lower() for name in reader.fieldnames}
    unknown = sorted(h for h in header.values() if h not in KNOWN)
    if unknown:
        print(f"warning: ignoring unknown columns: {', '.join(unknown)}", file=err)
    imported = rejected = 0
    pending = 0
    store.begin()
    try:
        for raw in reader:
            line = reader.line_num
            row = {header[k]: v for k, v in raw.items() if k is not None}
            try:
                c = customer_from_row(row)
                # Validation failures (duplicates, bad values) leave the
                # transaction as it was: skip the row and go on.
                store.create_customer(c, actor=actor)
                imported += 1
                pending += 1
            except (csvc.InvalidArgument, csvc.OutOfRange, csvc.AlreadyExists, csvc.NotFound, ValueError) as e:
                rejected += 1
                print(f"line {line}: {e}", file=err)
            if pending >= batch:
                store.commit()
                store.begin()
                pending = 0
        store.commit()
    except BaseException:
        if store.tx_depth:
            store.rollback()
        raise
    print(f"imported {imported}, rejected {rejected}", file=out)
    return imported, rejected


def main(argv=None):
    ap = argparse.ArgumentParser(description="Import customers from a CSV file.")
    ap.add_argument("store")
    ap.add_argument("csv")
    ap.add_argument("--actor", default="csv-import")
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args(argv)
    try:
        with csvc.Store(args.store) as store, open(args.csv, newline="", encoding="utf-8-sig") as f:
            _, rejected = import_file(store, f, actor=args.actor, batch=args.batch)
    except (OSError, ValueError, csvc.Error) as e:
        print(f"import_customers: {e}", file=sys.stderr)
        return 2
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
