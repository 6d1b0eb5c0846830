import threading

import csvc
from csvc_testutil import StoreTestCase


class ThreadTest(StoreTestCase):
    clock = False

    def test_two_threads_share_one_store(self):
        errors = []
        barrier = threading.Barrier(2)

        def work(tag):
            try:
                barrier.wait()
                for i in range(200):
                    t = self.store.create_ticket(csvc.Ticket("complaint", tag, subject=f"{tag}-{i}"))
                    self.store.transition_ticket(t, "analyse")
                    if i % 20 == 0:
                        self.assertGreater(len(list(self.store.tickets(store_code=tag, limit=5))), 0)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(tag,)) for tag in ("SH01", "BJ02")]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.store.count_tickets(state="analysing"), 400)
        self.assertEqual(self.store.count_tickets(store_code="SH01"), 200)

    def test_transactions_serialise(self):
        errors = []
        depths = []
        barrier = threading.Barrier(2)

        def work(tag):
            try:
                barrier.wait()
                for batch in range(10):
                    with self.store.transaction():
                        depths.append(self.store.tx_depth)
                        for i in range(10):
                            self.store.create_customer(csvc.Customer(name=f"{tag}{batch}-{i}"))
                        if batch == 5:
                            raise KeyError(tag)  # roll back this batch only
            except KeyError:
                pass
            except BaseException as e:  # pragma: no cover
                errors.append(e)

        threads = [threading.Thread(target=work, args=(tag,)) for tag in ("甲", "乙")]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        self.assertEqual(set(depths), {1})  # never joined the other thread's transaction
        self.assertEqual(self.store.count_customers(), 2 * 5 * 10)

    def test_iterator_shared_across_threads(self):
        for i in range(50):
            self.store.create_customer(csvc.Customer(name=f"顾客{i}"))
        it = self.store.customers()
        got = []
        lock = threading.Lock()

        def drain():
            for c in it:
                with lock:
                    got.append(c.name)

        threads = [threading.Thread(target=drain) for _ in range(3)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(sorted(got), sorted(f"顾客{i}" for i in range(50)))

    def test_close_while_another_thread_iterates(self):
        for i in range(20):
            self.store.create_customer(csvc.Customer(name=f"顾客{i}"))
        it = self.store.customers()
        started = threading.Event()
        outcome = []

        def drain():
            try:
                for _ in it:
                    started.set()
                outcome.append("done")
            except csvc.StoreClosed:
                outcome.append("closed")

        th = threading.Thread(target=drain)
        th.start()
        started.wait(5)
        self.store.close()
        th.join()
        self.assertIn(outcome, (["done"], ["closed"]))
