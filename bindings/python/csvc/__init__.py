"""csvc: Python bindings of libcsvc, customer-service management for retail.

A Store holds customers (顾客档案), versioned workflows and tickets (工单) in
one SQLite file::

    import csvc

    with csvc.Store("shop.db") as store:
        store.install_defaults()
        c = store.create_customer(csvc.Customer(name="王芳", phones=["138-0013-8000"]))
        t = csvc.Ticket("complaint", "SH01", customer=c, subject="收银台排队太久")
        store.create_ticket(t, actor="counter-1")
        store.transition_ticket(t, "analyse", actor="clerk-7")
        for ticket in store.tickets(store_code="SH01", open_only=True):
            print(ticket.number, ticket.state)

Business calendars (Calendar, with TimeZone) give exact business-time
arithmetic, and SLA policies (SlaPolicy) put deadlines on tickets that
Store.sla_advance turns into warnings and breaches. Satisfaction surveys
(Survey, Store.invite, Store.respond) feed the reports (Store.report_scores,
report_kpis, report_sla, report_state_times), which give CSAT, NPS, CES,
CSI and SERVQUAL scores and the service KPIs as a Report of ReportRows.

Times are timezone-aware datetimes (UTC), durations are timedeltas, ids
are uuid.UUID, enums are IntEnums with the C values, and each library
error code has its own exception class under csvc.Error. See
docs/python.md.
"""

import collections.abc as _abc
import uuid as _uuid

try:
    from . import _csvc
except ImportError as _e:
    # Only "there is no extension here" gets the explanation; an extension
    # that exists but fails to load (a missing libcsvc.so.1, ...) keeps its
    # own error. Without this, Python calls the first case a circular import.
    if not (isinstance(_e, ModuleNotFoundError) or str(_e).startswith("cannot import name '_csvc'")):
        raise
    import os as _os
    import sys as _sys
    raise ImportError(
        f"the extension module csvc._csvc was not found next to {_os.path.dirname(__file__)} "
        f"(for this Python, {_sys.implementation.cache_tag}): this is the source tree, or a package "
        "built for another interpreter. Install the package with `pip install .` (docs/python.md), "
        "or build it with `meson setup build -Dpython=enabled && ninja -C build` and use "
        "PYTHONPATH=build/bindings/python.", name="csvc._csvc") from None
from ._enums import (CommentKind, CustomerClass, Disambiguation, Durability, ErrorCode, Impact,
                     Importance, Lifecycle, LinkKind, LogLevel, Metric, Priority, QuestionType,
                     ReportGroup, ReportPeriod, SlaAction, SlaCalendar, SlaStatus, StateCategory,
                     SkillKind, StaffStatus, SurveyMethod, TeamKind, Tier, Urgency, ZoneSource,
                     Permission, RoleScope, RouteStrategy, QueueOrder, AppraisalSource, AppraisalCriterion,
                     ConsentPurpose, ConsentState)
from ._errors import (AccessDenied, AlreadyExists, Busy, Conflict, Corrupt, Error, GenericError,
                      InvalidArgument, InvalidTransition, NotAStore, NotFound, OutOfMemory,
                      OutOfRange, ReadOnly, StorageError, Stopped, StoreClosed, VersionMismatch,
                      _ERROR_CLASSES)
from ._values import (Appraisal, AppraisalSummary, Consent, CalendarInfo, Event, FeedEntry, LifecycleEntry, MergeConflict, SlaAlarm, SlaTarget,
                      State, SurveyDimension, SurveyQuestion, Transition, Guard, ZoneOffset)
from ._sla import SlaPolicyTarget
from ._survey import Choice, SurveyQuestionRef
from ._report import ReportRow
from ._store import Store
from ._csvc import (Calendar, Customer, Queue, Report, Role, RouteRule, SlaPolicy, Staff, StoreIterator, Survey, Team, Ticket,
                    TimeZone, Workflow, metric_name, normalize_phone, library_version, strerror, is_system_actor,
                    verify_store, SCHEMA_VERSION_SUPPORTED)

__version__ = _csvc.LIBRARY_VERSION

# A Report has __len__, __getitem__ (ints and slices), index and count: it
# is a Sequence of ReportRow, as its stub says.
_abc.Sequence.register(Report)

_csvc._bind({
    "Error": Error,
    "_ERROR_CLASSES": _ERROR_CLASSES,
    "StoreClosed": StoreClosed,
    "UUID": _uuid.UUID,
    "Event": Event,
    "MergeConflict": MergeConflict,
    "State": State,
    "Transition": Transition,
    "Guard": Guard,
    "LifecycleEntry": LifecycleEntry,
    "ZoneOffset": ZoneOffset,
    "CalendarInfo": CalendarInfo,
    "SlaTarget": SlaTarget,
    "SlaAlarm": SlaAlarm,
    "FeedEntry": FeedEntry,
    "SlaPolicyTarget": SlaPolicyTarget,
    "SurveyDimension": SurveyDimension,
    "SurveyQuestion": SurveyQuestion,
    "SurveyQuestionRef": SurveyQuestionRef,
    "Choice": Choice,
    "ReportRow": ReportRow,
    "CustomerClass": CustomerClass,
    "Tier": Tier,
    "Lifecycle": Lifecycle,
    "StateCategory": StateCategory,
    "Urgency": Urgency,
    "Importance": Importance,
    "Impact": Impact,
    "Priority": Priority,
    "CommentKind": CommentKind,
    "LinkKind": LinkKind,
    "LogLevel": LogLevel,
    "Durability": Durability,
    "SlaStatus": SlaStatus,
    "QuestionType": QuestionType,
    "SurveyMethod": SurveyMethod,
    "ReportGroup": ReportGroup,
    "ReportPeriod": ReportPeriod,
    "SkillKind": SkillKind,
    "TeamKind": TeamKind,
    "Permission": Permission,
    "RoleScope": RoleScope,
    "RouteStrategy": RouteStrategy,
    "QueueOrder": QueueOrder,
})

__all__ = [
    # store and records
    "Store", "Customer", "Ticket", "Workflow", "StoreIterator", "Staff", "Team", "Role", "RouteRule", "Queue",
    # time zones, calendars, SLA
    "TimeZone", "Calendar", "SlaPolicy", "SlaPolicyTarget",
    # surveys and reports
    "Survey", "SurveyQuestionRef", "Choice", "Report", "ReportRow",
    # values
    "Event", "MergeConflict", "State", "Transition", "Guard", "LifecycleEntry", "ZoneOffset", "CalendarInfo",
    "SlaTarget", "SlaAlarm", "SurveyDimension", "SurveyQuestion", "FeedEntry", "Appraisal", "AppraisalSummary", "Consent",
    # enums
    "CustomerClass", "Tier", "Lifecycle", "StateCategory", "Urgency", "Importance", "Impact",
    "Priority", "CommentKind", "LinkKind", "Durability", "LogLevel", "ErrorCode", "Disambiguation",
    "SlaCalendar", "SlaStatus", "SlaAction", "QuestionType", "SurveyMethod", "ReportGroup",
    "ReportPeriod", "Metric", "ZoneSource", "SkillKind", "TeamKind", "StaffStatus", "Permission", "RoleScope",
    "RouteStrategy", "QueueOrder",
    "AppraisalSource", "AppraisalCriterion", "ConsentPurpose", "ConsentState",
    # errors
    "Error", "GenericError", "InvalidArgument", "OutOfMemory", "NotFound", "AlreadyExists",
    "InvalidTransition", "Conflict", "Busy", "StorageError", "Corrupt", "Stopped", "OutOfRange",
    "VersionMismatch", "NotAStore", "ReadOnly", "AccessDenied", "StoreClosed",
    # functions and constants
    "normalize_phone", "library_version", "strerror", "metric_name", "is_system_actor", "verify_store",
    "SCHEMA_VERSION_SUPPORTED", "__version__",
]
