import gc
import os
import resource
import time
import weakref

import csvc
from csvc_testutil import StoreTestCase, open_store


def under_asan():
    """AddressSanitizer keeps freed memory in quarantine: RSS says nothing there."""
    try:
        with open("/proc/self/maps") as f:
            return "libasan" in f.read()
    except OSError:
        return False


def rss_kib():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class LifetimeTest(StoreTestCase):
    def fill(self, n=5):
        for i in range(n):
            self.customer(f"顾客{i}")
            self.ticket()

    def test_records_outlive_the_store(self):
        self.fill(2)
        customers = list(self.store.customers())
        ticket = next(self.store.tickets())
        wf = self.store.load_workflow("complaint")
        events = list(self.store.ticket_history(ticket))
        self.store.close()
        del self.store
        gc.collect()
        self.assertEqual(customers[1].name, "顾客1")
        self.assertEqual(ticket.state, "received")
        self.assertEqual(wf.name, "complaint")
        self.assertEqual(events[0].type, "created")
        self.store = open_store(":memory:")  # for tearDown

    def test_iterator_keeps_the_store_alive(self):
        self.fill(3)
        path = self.path
        store = open_store(path)
        ref = weakref.ref(store)
        it = store.customers()
        del store
        gc.collect()
        self.assertIsNotNone(ref())
        self.assertEqual(len(list(it)), 3)
        del it
        gc.collect()
        self.assertIsNone(ref())

    def test_close_invalidates_iterators(self):
        self.fill(3)
        for make in (lambda s: s.customers(), lambda s: s.tickets(),
                     lambda s: s.ticket_history(next(s.tickets()))):
            store = open_store(self.path)
            it = make(store)
            next(it)
            store.close()
            self.assertTrue(it.closed)
            with self.assertRaises(csvc.StoreClosed):
                next(it)
            with self.assertRaises(csvc.StoreClosed):
                next(it)
            it.close()
            del store
            gc.collect()
            del it

    def test_gc_order(self):
        self.fill(3)
        # A cycle: store -> hook -> closure -> iterator -> store, plus
        # records; collect it in whatever order the collector picks.
        for round_ in range(20):
            store = open_store(self.path)
            it = store.tickets()
            hist = store.ticket_history(next(store.tickets()))
            record = next(it)
            holder = {"it": it, "hist": hist, "store": store}
            store.change_hook = lambda ev, h=holder: h
            store.extra = holder  # the Python subclass has a __dict__
            if round_ % 2:
                store.close()
            del store, it, hist, holder
            gc.collect()
            self.assertEqual(record.kind, "complaint")
        # the store deleted before its records and iterators
        store = open_store(self.path)
        its = [store.customers(), store.tickets()]
        recs = [next(its[0]), next(its[1])]
        del store
        gc.collect()
        self.assertEqual(next(its[0]).name, "顾客1")
        del its
        gc.collect()
        self.assertEqual(recs[0].name, "顾客0")

    def test_no_reference_leaks(self):
        self.fill(3)
        t = next(self.store.tickets())

        def cycle(n):
            for i in range(n):
                c = csvc.Customer(name="王芳", phones=["138-0013-8000"], tags=["会员"],
                                  attributes={"尺码": "M"}, external_ids=[("pos", "C1")])
                c.phones, c.attributes, c.external_ids, c.lifecycle_history, c.id, c.created_at
                d = c.copy()
                tk = csvc.Ticket("complaint", "SH01", subject="收银台排队太久", customer=None)
                tk.subject, tk.id, tk.urgency
                del c, d, tk
                if i % 10 == 0:
                    self.store.get_ticket(t.id)
                    list(self.store.customers(text="顾客", limit=2))
                    list(self.store.ticket_history(t))
                    try:
                        self.store.get_customer("00000000-0000-4000-8000-000000000001")
                    except csvc.NotFound:
                        pass

        cycle(20000)  # warm up allocator pools and caches
        gc.collect()
        before = rss_kib()
        start = time.monotonic()
        cycle(100000)
        gc.collect()
        grown = rss_kib() - before
        self.assertLess(time.monotonic() - start, 60)
        if under_asan():
            return  # ASan reports leaks itself; quarantine makes RSS grow
        self.assertLess(grown, 4096, f"RSS grew by {grown} KiB over 100,000 cycles")
