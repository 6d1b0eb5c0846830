#!/usr/bin/env python3
"""An outbox on the change feed: every committed change as one JSON line.

A POS terminal keeps what happened in an outbox file and uploads it when
the network is there. This program is the outbox's writer: it reads the
store's change feed as the consumer `outbox.file` (its cursor is kept in
the store), appends each entry to the file as one JSON line (the
library's layout, FeedEntry.json: position, id, time, type, subject_kind,
subject, reference, actor, payload), fsyncs the file, and only then
acknowledges the batch with feed_ack().

    outbox_writer.py STORE OUTBOX [--demo] [--follow] [--consumer NAME]

At least once. The file is written before the acknowledgement, so a crash
between the two (or a power cut) never loses an entry: the next run reads
the same entries again, from the cursor, and appends them again. The
outbox can therefore hold an entry twice, never zero times. Each line
carries the entry's event id ("id"), which never changes: the uploader,
or head office, keeps one copy per id (the idempotency key). A line torn
by a crash in the middle of a write was never acknowledged: it is cut off
when the writer starts again, and written whole.

Rolled-back work never appears: the feed holds only what was committed.

Each batch costs one fsync. The same writer could be pushed the entries
instead (store.subscribe(name, callback) and store.deliver(); the POS
example examples/pos/pos-embed.c does this in C), but a callback is handed
one entry at a time and has to make it durable before it returns; reading
a batch, writing it, syncing once and acknowledging the batch is simpler
to get right here.

--demo installs the default workflows and makes a few changes first (a
transition rolled back among them), so that there is something to write.
--follow keeps writing as other programs commit, waiting with feed_wait()
between batches, until interrupted (Ctrl-C or SIGTERM).
"""

import argparse
import os
import signal
import sys

import csvc

BATCH = 500


class Outbox:
    """A JSON-lines file that entries are appended to and synced."""

    def __init__(self, path):
        self.file = open(path, "a+b")
        self._cut_torn_line()

    def _cut_torn_line(self):
        """Drops a last line without its newline (a write a crash cut short:
        its entry was not acknowledged and will be written again)."""
        size = self.file.seek(0, os.SEEK_END)
        if size == 0:
            return
        self.file.seek(size - 1)
        if self.file.read(1) == b"\n":
            return
        self.file.seek(0)
        data = self.file.read()
        self.file.truncate(data.rfind(b"\n") + 1)
        self.sync()

    def append(self, entries):
        for entry in entries:
            self.file.write(entry.json.encode("utf-8") + b"\n")

    def sync(self):
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self):
        self.file.close()


def drain(store, outbox, consumer):
    """Writes every entry after the consumer's cursor; returns how many."""
    written = 0
    while True:
        entries = store.feed_read(consumer, BATCH)
        if not entries:
            return written
        outbox.append(entries)
        outbox.sync()                                         # durable first,
        store.feed_ack(consumer, entries[-1].position)        # then acknowledged
        written += len(entries)


def follow(store, outbox, consumer):
    """Writes new entries as they are committed, until interrupted."""
    written = drain(store, outbox, consumer)
    try:
        cursor = store.feed_consumer(consumer)[0]
    except csvc.NotFound:
        cursor = 0  # nothing was ever written: the feed is empty
    print(f"following {consumer} from position {cursor}", flush=True)
    try:
        while True:
            ready, _ = store.feed_wait(cursor, 1000)  # sleeps on the store's write-ahead log; GIL released
            if ready:
                n = drain(store, outbox, consumer)
                written += n
                cursor = store.feed_consumer(consumer)[0]
                print(f"wrote {plural(n)} up to position {cursor}", flush=True)
    except KeyboardInterrupt:
        pass
    return written


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
                raise RuntimeError("changed my mind")  # rolled back: never in the feed
        except RuntimeError:
            pass
    store.assign_ticket(t, assignee="小李", team="客服部", actor="lead")


def plural(n):
    return f"{n} entry" if n == 1 else f"{n} entries"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    ap = argparse.ArgumentParser(description="Append the store's committed changes to a JSON-lines outbox.")
    ap.add_argument("store")
    ap.add_argument("outbox")
    ap.add_argument("--demo", action="store_true", help="make a few changes first, to have entries")
    ap.add_argument("--follow", action="store_true", help="keep writing new entries until interrupted")
    ap.add_argument("--consumer", default="outbox.file", help="the feed consumer's name (default: outbox.file)")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    with csvc.Store(args.store) as store:
        if args.demo:
            demo(store)
        outbox = Outbox(args.outbox)
        try:
            if args.follow:
                written = follow(store, outbox, args.consumer)
            else:
                written = drain(store, outbox, args.consumer)
        finally:
            outbox.close()
    print(f"wrote {plural(written)} to {args.outbox}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
