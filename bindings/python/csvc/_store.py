"""csvc.Store: the Pythonic face of a libcsvc store."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import uuid
from typing import Any, Callable, Dict, Optional, Tuple, Union
import typing

from . import _csvc
from ._enums import AppraisalSource, ConsentPurpose, ConsentState, Durability, LogLevel, ZoneSource
from ._errors import Error
from ._values import Appraisal, AppraisalSummary, Consent, FeedEntry

__all__ = ["Store"]

Clock = Callable[[], Union[datetime.datetime, int]]
LogHandler = Callable[[LogLevel, str], None]


class Store(_csvc.Store):
    """An open libcsvc store: one SQLite file, or one PostgreSQL schema, and
    everything kept in it.

    Store(path, clock=None, *, busy_timeout_ms=0, durability=Durability.DEFAULT,
          readonly=False, create=True, secure_delete=True,
          default_country_code=None, log=None, log_level=0, zoneinfo_dir=None,
          pg_schema=None, access_control=False)

    path
        File name (str or os.PathLike); ":memory:" for a private in-memory
        store; or a postgresql:// (postgres://) URI, a libpq connection URI
        such as "postgresql://user@/db?host=/run/postgresql", for a store in
        a PostgreSQL database.
    clock
        A callable returning "now", as a timezone-aware datetime or as int
        microseconds since the Unix epoch (UTC); None uses the system clock.
        Meant for tests and simulations. If it raises, or returns anything
        else, the call that asked for the time fails with that exception and
        changes nothing (each writing call then runs in a transaction level
        of its own, so that it can be undone).
    busy_timeout_ms
        How long to wait for a lock held by another connection before
        raising Busy: 0 means 5000, negative means do not wait.
    durability
        Durability.FULL (the default) or Durability.NORMAL.
    readonly, create, secure_delete
        The open flags: never write; create the file if missing; overwrite
        deleted content.
    default_country_code
        Country calling code used to normalise phone numbers written
        without one (None: "86").
    log, log_level
        A callable log(level: LogLevel, message: str) and the highest level it
        receives (0: LogLevel.WARN).
    zoneinfo_dir
        Directory of TZif time-zone files (str or os.PathLike) for the
        calendars the SLA engine uses; None means /usr/share/zoneinfo. It is
        also the default of load_calendar() and calendar_for_store().
    pg_schema
        PostgreSQL only: the schema that holds the store (None: "csvc"),
        created when missing unless readonly or not create; 1 to 63 ASCII
        letters, digits and "_", not starting with a digit or "pg_", else
        InvalidArgument. Several stores can share one database this way.
        Ignored for a file.
    access_control
        Run every call as the store's principal (set_principal): a call the
        principal's roles do not allow raises AccessDenied and changes
        nothing, and customers' contacts may read masked (Customer.masked).
        False (the default) is trusted mode, where nothing is checked. Several
        Stores may be open on one file or schema, each its own way. See
        docs/access.md.

    A Store is a context manager that closes it on exit. Every method is
    serialised by a per-store lock, so one Store may be shared by threads;
    calls that reach the disk release the GIL. Records (Customer, Ticket,
    Workflow) are detached values that stay valid after close(); iterators
    keep the store alive and are invalidated by close(). A Report keeps the
    store alive too, for Report.to_html(); its rows stay valid after close().

    Exceptions raised by the clock, the log handler, the change hook or the
    sla_advance callback are raised again, unchanged, by the Store call that
    ran them.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        clock: Optional[Clock] = None,
        *,
        busy_timeout_ms: int = 0,
        durability: Durability = Durability.DEFAULT,
        readonly: bool = False,
        create: bool = True,
        secure_delete: bool = True,
        default_country_code: Optional[str] = None,
        log: Optional[LogHandler] = None,
        log_level: int = 0,
        zoneinfo_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
        pg_schema: Optional[str] = None,
        access_control: bool = False,
    ) -> None:
        super().__init__(
            path, clock, busy_timeout_ms=busy_timeout_ms, durability=durability,
            readonly=readonly, create=create, secure_delete=secure_delete,
            default_country_code=default_country_code, log=log, log_level=log_level,
            zoneinfo_dir=zoneinfo_dir, pg_schema=pg_schema, access_control=access_control)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.close()
        except Error:
            # Leaving on an exception, a transaction still open is rolled
            # back as expected: the exception in flight is what matters.
            if exc_type is None:
                raise

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<csvc.Store {self.path!r} {state}>"

    def tz_for_store(self, store_code: Optional[str] = None) -> Tuple["_csvc.TimeZone", ZoneSource]:
        """The time zone reports use for the periods of `store_code`, and
        where it comes from: the zone of its calendar (ZoneSource.CALENDAR),
        else its own zone (STORE), else the store-wide default (DEFAULT),
        else UTC (NONE). None asks for reports over every store code: the
        default, else UTC.
        """
        tz, source = self._tz_for_store(store_code)
        return tz, ZoneSource(source)

    @contextlib.contextmanager
    def transaction(self) -> typing.Iterator["Store"]:
        """A transaction as a context manager: begin on entry, commit on a
        normal exit, roll back if the block raises (the exception goes on).

        Transactions nest (the inner ones are savepoints). While the block
        runs, the calling thread holds the store's lock, so other threads
        using this Store wait until the transaction ends instead of joining
        it. If the outermost commit fails, the library has rolled it back
        and the error is raised. The change hook runs after the outermost
        commit; an exception it raises comes out of the with statement, with
        the changes committed.
        """
        self._lock()
        try:
            depth = self.tx_depth
            self.begin()
            try:
                yield self
            except BaseException:
                if self.tx_depth > depth:
                    self.rollback()
                raise
            try:
                self.commit()
            except BaseException:
                if not self.closed and self.tx_depth > depth:
                    self.rollback()
                raise
        finally:
            self._unlock()

    # ---- the change feed (docs/feed.md) ----

    def feed_read(self, consumer: str, max: int = 100) -> typing.List[FeedEntry]:
        """The next entries (at most `max`) after the cursor of `consumer`, a
        machine name; a consumer without a cursor reads from the start.
        Reading moves nothing: feed_ack() does."""
        return [FeedEntry(*t) for t in self._feed_read(consumer, max)]

    def feed_after(self, after: int = 0, max: int = 100) -> typing.List[FeedEntry]:
        """The entries (at most `max`) after position `after`, without a consumer."""
        return [FeedEntry(*t) for t in self._feed_after(after, max)]

    def feed(self, consumer: str, *, batch: int = 100, follow: bool = False,
             timeout_ms: int = 1000) -> typing.Iterator[FeedEntry]:
        """Iterates the entries after the cursor of `consumer`, acknowledging
        each one when the loop asks for the next (at-least-once: an entry
        whose loop body raised, or that a `break` left, is read again).
        Stops when the consumer has caught up, unless `follow`: then it
        waits (feed_wait, `timeout_ms` at a time) for more, forever."""
        last = None
        while True:
            entries = self.feed_read(consumer, batch)
            for entry in entries:
                yield entry
                self.feed_ack(consumer, entry.position)
                last = entry.position
            if entries:
                continue
            if not follow:
                return
            if last is None:
                try:
                    last = self.feed_consumer(consumer)[0]
                except Error:
                    last = 0
            self.feed_wait(last, timeout_ms)

    # appraisals (docs/staff.md, "Appraisals")

    def record_appraisal(self, staff: str, period: str, source: Union[AppraisalSource, int, str], *,
                         rater: Optional[str] = None, customer_satisfaction: Optional[int] = None,
                         efficiency: Optional[int] = None, teamwork: Optional[int] = None,
                         skill_growth: Optional[int] = None, comment: Optional[str] = None,
                         actor: Optional[str] = None) -> "uuid.UUID":
        """Records an appraisal of staff member `staff` for `period` (a year
        '2026' or a quarter '2026-Q4') from `source` (an AppraisalSource, or
        its name 'supervisor', 'customer', 'peer', 'self'); returns its UUID.
        Scores are 1..5, None when not scored; at least one is given. The
        rater: a supervisor or peer other than `staff` (None: the principal),
        `staff` for self, none for customers. Appraisals are append-only.
        Errors: InvalidArgument, OutOfRange, NotFound (staff member or rater),
        AccessDenied (docs/access.md)."""
        if isinstance(source, str):
            try:
                source = AppraisalSource[source.upper()]
            except KeyError:
                raise ValueError(f"unknown appraisal source {source!r}") from None
        return self._record_appraisal(staff, period, int(source), rater, customer_satisfaction or 0,
                                      efficiency or 0, teamwork or 0, skill_growth or 0, comment, actor)

    # consent (docs/privacy.md, "Consent")

    def record_consent(self, customer: Any, purpose: Union[ConsentPurpose, int, str], given: bool, *,
                       channel: Optional[str] = None, text_version: Optional[str] = None,
                       actor: Optional[str] = None) -> None:
        """Records that `customer` (a Customer, UUID or its text) gave
        (`given` True) or withdrew consent to `purpose` (a ConsentPurpose or
        its name: 'service_contact', 'survey', 'marketing', 'profiling',
        'third_party'), shown consent text `text_version`, through `channel`.
        Records are append-only; the newest of a purpose is the current one.
        Errors: InvalidArgument, OutOfRange, NotFound, InvalidTransition (a
        merged-away or erased customer), AccessDenied (customer_write)."""
        state = ConsentState.GIVEN if given else ConsentState.WITHDRAWN
        self._record_consent(customer, int(_consent_purpose(purpose)), int(state), channel, text_version, actor)

    def consent(self, customer: Any, purpose: Union[ConsentPurpose, int, str]) -> Optional[ConsentState]:
        """The customer's current word on `purpose`: ConsentState.GIVEN or
        WITHDRAWN, or None when never recorded. A survey invitation for a
        customer who withdrew survey consent is refused (InvalidTransition)."""
        v = self._consent_current(customer, int(_consent_purpose(purpose)))
        return ConsentState(v) if v else None

    def consent_history(self, customer: Any) -> typing.List[Consent]:
        """Every consent record of the customer (and of customers merged into
        it), in the order recorded."""
        return [Consent._from_tuple(t) for t in self._consent_history(customer)]

    # the data-subject export (docs/privacy.md, "Export")

    def export_customer(self, customer: Any) -> Dict[str, Any]:
        """Everything the store holds on `customer` (a Customer, UUID or its
        text), as the library's export document parsed: the record, merged
        records, consent history, tickets with events and SLA targets, and
        survey responses. Times are microseconds since the epoch.
        Errors: NotFound, InvalidTransition (a record merged into another:
        export that one), AccessDenied (customer_export, the reads, and
        ticket_read in every store of the customer's tickets)."""
        return json.loads(self._customer_export(customer))

    def appraisals(self, staff: str, period: Optional[str] = None) -> typing.List[Appraisal]:
        """The appraisals of staff member `staff` (of `period`, or of every
        period), in the order recorded. Needs reports_read, unless the
        principal is `staff`."""
        return [Appraisal._from_tuple(t) for t in self._appraisals(staff, period)]

    def appraisal_summary(self, staff: str, period: Optional[str] = None) -> AppraisalSummary:
        """The counts and mean scores of the appraisals of `staff` (of
        `period`, or of every period) by source and criterion."""
        return AppraisalSummary(self._appraisal_summary(staff, period))


def _consent_purpose(purpose: Union[ConsentPurpose, int, str]) -> Union[ConsentPurpose, int]:
    if isinstance(purpose, str):
        try:
            return ConsentPurpose[purpose.upper()]
        except KeyError:
            raise ValueError(f"unknown consent purpose {purpose!r}") from None
    return purpose
