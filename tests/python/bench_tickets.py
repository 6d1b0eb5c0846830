#!/usr/bin/env python3
"""Benchmark of the Python bindings (not a test).

Creates and transitions N tickets from Python with the same work and the
same batching (transactions of 1000) as tests/bench/bench-tickets.c, and
runs the C benchmark (csvc-bench ... tickets) in the same run for
comparison. Both sides run with the SLA policies retired (open_store), as
csvc-bench does. Prints the project's format, "name: value unit" and
"name.ratio: x", where the ratio is C time / Python time (1.0: the
bindings cost nothing; the target is >= 0.67, i.e. Python at most 1.5x).

    PYTHONPATH=build/bindings/python python3 tests/python/bench_tickets.py \
        --csvc-bench build/tests/bench/csvc-bench [--scale 1] [--dir /tmp]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import csvc

BATCH = 1000


def remove_db(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


# The policies install_defaults brings; csvc-bench retires them before it
# measures tickets (SLA costs have their own section), so this side does too.
SLA_POLICIES = ("handbook_inquiry", "handbook_complaint", "default")


def open_store(path):
    """A store prepared as bench-tickets.c prepares its own: the defaults
    installed, then the SLA policies retired, so that both sides measure the
    ticket machinery alone."""
    store = csvc.Store(path)
    try:
        store.install_defaults()
        for name in SLA_POLICIES:
            store.retire_sla_policy(name)
    except BaseException:
        store.close()
        raise
    return store


def python_side(path, n):
    remove_db(path)
    ids = []
    with open_store(path) as store:
        Ticket = csvc.Ticket
        create = store.create_ticket
        t0 = time.perf_counter()
        for i in range(n):
            if i % BATCH == 0:
                store.begin()
            t = Ticket("complaint", "SH01" if i % 2 else "SH02", subject="收银台排队太久", channel="phone")
            create(t, "bench")
            ids.append(t.id)
            if i % BATCH == BATCH - 1 or i == n - 1:
                store.commit()
        create_s = time.perf_counter() - t0
        transition = store.transition_ticket
        t0 = time.perf_counter()
        for i in range(n):
            if i % BATCH == 0:
                store.begin()
            transition(ids[i], "analyse", 0, "bench")
            if i % BATCH == BATCH - 1 or i == n - 1:
                store.commit()
        transition_s = time.perf_counter() - t0
    remove_db(path)
    return create_s, transition_s


def c_side(bench, scale, directory):
    out = subprocess.run([bench, "--scale", str(scale), "--dir", directory, "tickets"],
                         check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in out.splitlines():
        m = re.match(r"^([\w.]+): ([0-9.eE+-]+)", line)
        if m:
            figures[m.group(1)] = float(m.group(2))
    return figures["ticket.create.libcsvc"], figures["ticket.transition.libcsvc"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 tickets (as csvc-bench)")
    ap.add_argument("--dir", default=None, help="scratch directory for the database files")
    ap.add_argument("--csvc-bench", default=None, help="path of csvc-bench (default: next to the package)")
    args = ap.parse_args()
    n = max(100, int(100000 * args.scale))
    bench = args.csvc_bench
    if bench is None:
        here = os.path.dirname(os.path.abspath(csvc.__file__))
        bench = os.path.join(here, "..", "..", "..", "tests", "bench", "csvc-bench")
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        c_create_ops, c_transition_ops = c_side(bench, args.scale, d)
        create_s, transition_s = python_side(os.path.join(d, "bench-python.db"), n)
    py_create_ops, py_transition_ops = n / create_s, n / transition_s
    print(f"python.ticket.create: {py_create_ops:.6g} ops/s")
    print(f"python.ticket.transition: {py_transition_ops:.6g} ops/s")
    print(f"c.ticket.create: {c_create_ops:.6g} ops/s")
    print(f"c.ticket.transition: {c_transition_ops:.6g} ops/s")
    # ratio = C time / Python time for the same number of operations
    print(f"python.ticket.create.ratio: {py_create_ops / c_create_ops:.3f}")
    print(f"python.ticket.transition.ratio: {py_transition_ops / c_transition_ops:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
