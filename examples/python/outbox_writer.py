#!/usr/bin/env python3
"""A change-hook outbox: every committed ticket event as one JSON line.

A POS terminal writes each event to an outbox file as it is committed and
uploads the file later. The hook runs after each outermost commit, never
inside a transaction; if writing fails, the exception comes out of the
call that committed (the events are committed anyway), so the caller
knows the outbox missed them.

    outbox_writer.py STORE OUTBOX [--demo]

With --demo it installs the default workflows and makes a few tickets, so
that there is something to write; without it, it only shows the class.
"""

import argparse
import json
import os
import sys

import csvc


class Outbox:
    """Appends each event delivered to a store's change hook to a JSON-lines
    file (flushed and fsynced per commit batch by close()/flush())."""

    def __init__(self, store, path):
        self.store = store
        self.file = open(path, "a", encoding="utf-8")
        self.count = 0
        store.change_hook = self.write

    def write(self, event):
        self.file.write(json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        self.count += 1

    def flush(self):
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self):
        self.store.change_hook = None
        self.flush()
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def demo(store):
    store.install_defaults()
    customer = store.create_customer(csvc.Customer(name="王芳", phones=["138-0013-8000"]), actor="counter-1")
    t = store.create_ticket(csvc.Ticket("complaint", "SH01", customer=customer, channel="store_counter",
                                        subject="收银台排队太久"), actor="counter-1")
    with store.transaction():
        store.transition_ticket(t, "analyse", actor="clerk-7")
        store.comment_ticket(t, csvc.CommentKind.NOTE, "查看了监控", actor="clerk-7")
    with store.transaction():
        try:
            with store.transaction():
                store.transition_ticket(t, "handle", actor="clerk-7")
                raise RuntimeError("changed my mind")  # rolled back: never in the outbox
        except RuntimeError:
            pass
    store.assign_ticket(t, assignee="小李", team="客服部", actor="lead")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write committed ticket events to a JSON-lines outbox.")
    ap.add_argument("store")
    ap.add_argument("outbox")
    ap.add_argument("--demo", action="store_true", help="make a few tickets to have events")
    args = ap.parse_args(argv)
    with csvc.Store(args.store) as store, Outbox(store, args.outbox) as outbox:
        if args.demo:
            demo(store)
    print(f"wrote {outbox.count} events to {args.outbox}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
