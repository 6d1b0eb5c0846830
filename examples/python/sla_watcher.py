#!/usr/bin/env python3
"""An SLA watcher: one timer for every deadline of the store.

A host process does not poll its tickets. Store.sla_next_wakeup() tells
when the earliest pending SLA warning or breach is due; the watcher sleeps
until then, Store.sla_advance() emits everything due (each alarm exactly
once, dated at the instant it was crossed, with its escalations), and the
watcher reacts to the alarms it was given. The reactions write to the
store, so they run after sla_advance returns: its callback may only read.

    sla_watcher.py STORE [--iterations N]

This demonstration runs on a simulated clock, so that a working week
passes in a moment. It installs the handbook SLA policies, gives store
SH01 a calendar (Monday to Friday 09:00-12:00 and 13:00-18:00 at +08:00,
Wednesday 2026-11-25 a holiday), and on Monday 17:50 opens an inquiry and
a complaint. A clerk replies to the inquiry when its first-response
warning comes and answers it when its resolution warning comes; nobody
handles the complaint, so it breaches, and its last breach raises its
priority. After at most N wakeups (default 20) it prints the breached
targets. A real host opens its store without a clock and passes
SystemClock() to watch().
"""

import argparse
import datetime
import sys
import time

import csvc

UTC = datetime.timezone.utc

CALENDAR = """{"zone": "+08:00",
  "versions": [{"week": {
    "mon": ["09:00-12:00", "13:00-18:00"], "tue": ["09:00-12:00", "13:00-18:00"],
    "wed": ["09:00-12:00", "13:00-18:00"], "thu": ["09:00-12:00", "13:00-18:00"],
    "fri": ["09:00-12:00", "13:00-18:00"]}}],
  "holidays": ["2026-11-25"]}"""

# Monday 2026-11-23 17:50 at +08:00.
START = datetime.datetime(2026, 11, 23, 9, 50, tzinfo=UTC)


class SimulatedClock:
    """The store's clock in the demonstration: sleeping jumps ahead."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def sleep_until(self, when):
        if when > self.now:
            self.now = when


class SystemClock:
    """The real clock. It never sleeps longer than `max_sleep`, so that
    tickets created meanwhile (by other processes) get their turn."""

    def __init__(self, max_sleep=datetime.timedelta(minutes=1)):
        self.max_sleep = max_sleep

    def __call__(self):
        return datetime.datetime.now(UTC)

    def sleep_until(self, when):
        delay = min(when - self(), self.max_sleep).total_seconds()
        if delay > 0:
            time.sleep(delay)


def watch(store, clock, react, iterations, stop_when_idle=True):
    """Sleeps until each SLA wakeup and emits the alarms due, at most
    `iterations` times. Returns (alarms emitted, wakeups, idle) where idle
    tells that nothing was pending any more."""
    emitted = wakeups = 0
    for _ in range(iterations):
        wake = store.sla_next_wakeup()
        if wake is None:
            if stop_when_idle:
                return emitted, wakeups, True
            clock.sleep_until(clock() + datetime.timedelta(minutes=1))
            continue
        clock.sleep_until(wake)
        wakeups += 1
        due = []
        emitted += store.sla_advance(clock(), due.append)
        for alarm in due:
            react(alarm)
    return emitted, wakeups, store.sla_next_wakeup() is None


def local_time(zone, instant):
    return f"{zone.to_local(instant):%a %Y-%m-%d %H:%M}"


def demo(store, clock):
    """The store setup and the tickets of the demonstration."""
    store.install_defaults()  # workflows and the handbook SLA policies
    store.save_calendar("shanghai-stores", csvc.Calendar.parse(CALENDAR))
    store.attach_calendar("SH01", "shanghai-stores")
    clock.now = START
    inquiry = store.create_ticket(csvc.Ticket("inquiry", "SH01", channel="phone",
                                              subject="会员积分什么时候到账？"), actor="hotline-2")
    complaint = store.create_ticket(csvc.Ticket("complaint", "SH01", channel="store_counter",
                                                subject="收银台排队太久"), actor="counter-1")
    return inquiry, complaint


def main(argv=None):
    ap = argparse.ArgumentParser(description="Watch SLA deadlines with one timer (simulated clock).")
    ap.add_argument("store")
    ap.add_argument("--iterations", type=int, default=20, help="most wakeups before stopping")
    args = ap.parse_args(argv)
    clock = SimulatedClock(START)
    with csvc.Store(args.store, clock=clock) as store:
        inquiry, complaint = demo(store, clock)
        zone = store.calendar_for_store("SH01").tz

        def react(alarm):
            what = "BREACH" if alarm.is_breach else f"warning {alarm.percent}%"
            line = f"{local_time(zone, alarm.at)}  {alarm.ticket_number}  {alarm.target}  {what}"
            if alarm.ticket == inquiry.id and not alarm.is_breach:
                if alarm.target == "first_response":
                    store.comment_ticket(alarm.ticket, csvc.CommentKind.REPLY, "您好，已收到您的咨询。",
                                         actor="clerk-3")
                    line += "  -> replied"
                elif alarm.target == "resolution":
                    store.transition_ticket(alarm.ticket, "answer", actor="clerk-3", note="积分已补发")
                    line += "  -> answered"
            print(line)

        emitted, wakeups, idle = watch(store, clock, react, args.iterations)
        state = "nothing pending" if idle else f"stopped after {wakeups} wakeups"
        print(f"{emitted} alarms in {wakeups} wakeups; {state}")
        for target in store.sla_breached():
            print(f"breached: {target.ticket_number} {target.name} since {local_time(zone, target.breached_at)}")
        priority = store.get_ticket(complaint.id).priority
        print(f"{complaint.number} priority: {priority.name if priority else None}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
