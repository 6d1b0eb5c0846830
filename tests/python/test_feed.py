"""The change feed from Python: entries, consumers, the iterator that
acknowledges as it goes, and feed_wait woken by another connection."""

import json
import threading
import time
import unittest
import uuid

import csvc
from csvc_testutil import StoreTestCase, open_store


class FeedTest(StoreTestCase):
    def test_entries_and_json(self):
        s = self.store
        head = s.feed_head()
        self.assertGreater(head, 0)  # the defaults are definitions
        c = self.customer()
        t = self.ticket(customer=c.id)
        entries = s.feed_after(head)
        self.assertEqual([e.position for e in entries], list(range(head + 1, head + 1 + len(entries))))
        first = entries[0]
        self.assertIsInstance(first, csvc.FeedEntry)
        self.assertEqual((first.subject_kind, first.type, first.subject, first.actor),
                         ("customer", "created", c.id, "test"))
        self.assertEqual(first.id.version, 4)
        created = [e for e in entries if e.subject_kind == "ticket" and e.type == "created"][0]
        self.assertEqual(created.reference, t.number)
        self.assertEqual(created.data["seq"], 1)
        whole = json.loads(created.json)
        self.assertEqual(whole["position"], created.position)
        self.assertEqual(uuid.UUID(whole["id"]), created.id)
        self.assertEqual(whole["subject"], str(t.id))

    def test_consumers(self):
        s = self.store
        head = s.feed_head()
        self.assertEqual(len(s.feed_read("crm", max=5)), 5)
        s.feed_ack("crm", 5)
        self.assertEqual(s.feed_consumer("crm"), (5, head - 5))
        s.feed_ack("crm", 2)  # never backwards
        self.assertEqual(s.feed_consumer("crm")[0], 5)
        with self.assertRaises(csvc.OutOfRange):
            s.feed_ack("crm", head + 1)
        with self.assertRaises(csvc.InvalidArgument):
            s.feed_ack("Not A Name", 1)
        s.feed_reset("audit", head)
        self.assertEqual(s.feed_consumers(), [("audit", head, 0), ("crm", 5, head - 5)])
        s.feed_delete("audit")
        with self.assertRaises(csvc.NotFound):
            s.feed_consumer("audit")

    def test_iterating_acknowledges(self):
        s = self.store
        head = s.feed_head()
        seen = [e.position for e in s.feed("sync", batch=7)]
        self.assertEqual(seen, list(range(1, head + 1)))
        self.assertEqual(s.feed_consumer("sync"), (head, 0))
        self.customer()
        # A loop that stops early leaves the entry it stopped at unacknowledged.
        for entry in s.feed("sync"):
            break
        self.assertEqual(s.feed_consumer("sync")[0], head)
        self.assertEqual([e.position for e in s.feed("sync")], [head + 1])

    def test_wait_for_another_connection(self):
        s = self.store
        head = s.feed_head()
        self.assertEqual(s.feed_wait(head, 50), (False, head))

        def write():
            time.sleep(0.1)
            other = open_store(self.path)
            try:
                other.create_customer(csvc.Customer(name="elsewhere"), actor="other")
            finally:
                other.close()

        th = threading.Thread(target=write)
        th.start()
        ready, new_head = s.feed_wait(head, 10000)
        th.join()
        self.assertTrue(ready)
        self.assertEqual(new_head, head + 1)


if __name__ == "__main__":
    unittest.main()
