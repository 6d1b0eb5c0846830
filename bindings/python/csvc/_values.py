"""Small immutable values returned by the bindings."""

import datetime
import json
import uuid
from typing import Any, Optional, Tuple, Union
import typing

from ._enums import (AppraisalCriterion, AppraisalSource, ConsentPurpose, ConsentState, Lifecycle, QuestionType,
                     SlaStatus, StateCategory)

__all__ = ["Event", "MergeConflict", "State", "Transition", "Guard", "LifecycleEntry", "ZoneOffset",
           "CalendarInfo", "SlaTarget", "SlaAlarm", "SurveyDimension", "SurveyQuestion", "FeedEntry",
           "Appraisal", "AppraisalSummary", "Consent"]


class Event(typing.NamedTuple):
    """One ticket event, as delivered to the change hook and by
    Store.ticket_history(). A detached copy: keep it as long as you like."""

    ticket: uuid.UUID
    """The ticket's id."""
    ticket_number: str
    """The ticket's number, e.g. 'SH01-000123'."""
    seq: int
    """Per-ticket sequence number = the ticket revision the event produced."""
    type: str
    """'created', 'updated', 'transition', 'assigned', 'comment', 'linked', 'merged', ..."""
    actor: Optional[str]
    """Who did it, as given to the call."""
    at: datetime.datetime
    """When (aware datetime, UTC)."""
    from_state: Optional[str]
    """State before, or None if the event did not change it."""
    to_state: Optional[str]
    """State after, or None if the event did not change it."""
    payload: str
    """The event's JSON payload as text (see docs/tickets.md)."""

    @property
    def data(self) -> Any:
        """The payload parsed with json.loads."""
        return json.loads(self.payload)

    def to_dict(self) -> dict:
        """A JSON-ready dict (ids and times as strings, the payload parsed)."""
        return {
            "ticket": str(self.ticket),
            "ticket_number": self.ticket_number,
            "seq": self.seq,
            "type": self.type,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "from_state": self.from_state,
            "to_state": self.to_state,
            "payload": self.data,
        }


class MergeConflict(typing.NamedTuple):
    """A value Store.merge_customers could not reconcile: keep's value stays,
    absorb's stays on the absorbed record."""

    field: str
    """'name', 'address', 'birthday', 'notes', 'home_store' or 'attribute'."""
    key: Optional[str]
    """The attribute key when field is 'attribute', else None."""
    kept: str
    absorbed: str


class State(typing.NamedTuple):
    """A workflow state."""

    name: str
    category: Union[StateCategory, int]
    label_zh: Optional[str]
    label_en: Optional[str]


class Transition(typing.NamedTuple):
    """A workflow transition."""

    name: str
    from_state: str
    to_state: str


class Guard(typing.NamedTuple):
    """A transition guard: a required field (role None) or an approval by
    `role` (field None: always; else when the integer input `field` is
    above `threshold`)."""

    transition: str
    field: typing.Optional[str]
    role: typing.Optional[str]
    threshold: int


class LifecycleEntry(typing.NamedTuple):
    """One entry of a customer's lifecycle history."""

    stage: Union[Lifecycle, int]
    at: datetime.datetime


class ZoneOffset(typing.NamedTuple):
    """The UTC offset of a time zone at an instant (TimeZone.offset_at)."""

    offset: datetime.timedelta
    """East of Greenwich positive: timedelta(hours=1) for BST."""
    is_dst: bool
    """True if the zone data marks the period as daylight-saving time."""
    abbreviation: str
    """'BST', 'GMT', 'CST', '+1030' ..."""


class CalendarInfo(typing.NamedTuple):
    """What the store keeps about a saved calendar besides its text
    (Store.calendar_info)."""

    name: str
    id: uuid.UUID
    created_at: datetime.datetime
    """When the name was first saved (store clock)."""
    updated_at: datetime.datetime
    """When it was last saved."""


class SlaTarget(typing.NamedTuple):
    """One SLA target of one ticket, as read (Store.sla_targets, sla_at_risk,
    sla_breached): a detached copy, computed as of the store clock."""

    name: str
    """The target's name: 'first_response', 'resolution', 'next_update' ..."""
    ticket: uuid.UUID
    ticket_number: str
    policy: str
    """The policy the ticket runs under ..."""
    policy_version: int
    """... and its version."""
    status: Union[SlaStatus, int]
    duration: datetime.timedelta
    """The target's business duration."""
    used: datetime.timedelta
    """Business time used."""
    remaining: datetime.timedelta
    """Business time left (negative once past due)."""
    percent_used: float
    """Percentage of the duration used (may exceed 100)."""
    due_at: Optional[datetime.datetime]
    """The last on-time instant while running, else None."""
    met_at: Optional[datetime.datetime]
    """When it was satisfied, else None."""
    breached_at: Optional[datetime.datetime]
    """The instant its deadline passed, else None (kept when met late)."""
    fault: Optional[str] = None
    """Why it counts wall-clock time instead of its calendar (the calendar
    cannot be loaded), else None."""


class SlaAlarm(typing.NamedTuple):
    """A warning or a breach, as passed to the Store.sla_advance callback and
    to the subscribers of Store.subscribe_alarms."""

    ticket: uuid.UUID
    ticket_number: str
    target: str
    """The target's name."""
    percent: int
    """The threshold crossed: 1..99 for a warning, 100 for the breach."""
    at: datetime.datetime
    """The exact instant it was crossed (aware datetime, UTC)."""
    event: Optional[uuid.UUID] = None
    """The event id of the alarm's feed entry (the idempotency key of an
    external sink), for a subscriber of Store.subscribe_alarms; None for the
    sla_advance callback."""
    position: Optional[int] = None
    """The position of the alarm's feed entry, for a subscriber of
    Store.subscribe_alarms; None for the sla_advance callback."""

    @property
    def is_breach(self) -> bool:
        """True for the breach (percent 100), False for a warning."""
        return self.percent >= 100


class SurveyDimension(typing.NamedTuple):
    """A dimension of a survey (Survey.dimensions)."""

    name: str
    weight: float
    """Its weight in the CSI and SERVQUAL indices (1.0 unless given)."""
    label_zh: Optional[str]
    label_en: Optional[str]


class SurveyQuestion(typing.NamedTuple):
    """A question of a survey (Survey.questions)."""

    name: str
    type: Union[QuestionType, int]
    dimension: Optional[str]
    """The dimension it belongs to, or None."""
    required: bool
    """True if a response must answer it."""
    scale_max: Optional[int]
    """The top of its scale: 1..scale_max for Likert, CES and SERVQUAL, 10 for
    NPS (0..10); None for yes/no, choice and text questions."""
    label_zh: Optional[str]
    label_en: Optional[str]
    options: Tuple[str, ...]
    """The options of a choice question, in the order added; () otherwise."""


class FeedEntry(typing.NamedTuple):
    """One entry of the change feed (docs/feed.md), from Store.feed_read(),
    Store.feed_after() or iterating Store.feed(). A detached copy."""

    position: int
    """Its position: positions grow in commit order."""
    id: uuid.UUID
    """The event id, never changed: the idempotency key for an external sink."""
    time: datetime.datetime
    """When the change happened (aware datetime, UTC)."""
    type: str
    """'created', 'transition', 'invited', 'workflow_saved', ..."""
    subject_kind: str
    """'ticket', 'customer', 'survey' or 'definition'."""
    subject: Optional[uuid.UUID]
    """The ticket's, customer's or survey response's id; None where there is none."""
    reference: Optional[str]
    """The ticket number, or the survey's or definition's name."""
    actor: Optional[str]
    """Who made the change, as given to the call."""
    payload: Optional[str]
    """The change's JSON object as text."""
    json: str
    """The whole entry as one JSON object (the library's layout)."""

    @property
    def data(self) -> Any:
        """The payload parsed with json.loads (None when there is none)."""
        return None if self.payload is None else json.loads(self.payload)


def _known(enum: Any, v: int) -> Any:
    """`v` as a member of `enum`, or the int when a newer library added it."""
    try:
        return enum(v)
    except ValueError:
        return v


def _source(v: int) -> Union[AppraisalSource, int]:
    try:
        return AppraisalSource(v)
    except ValueError:
        return v  # a source a newer library added


class Appraisal(typing.NamedTuple):
    """One recorded appraisal of a staff member (Store.appraisals); a
    detached copy. Appraisals are never changed or deleted."""

    id: uuid.UUID
    staff: str
    """The appraised staff member's code."""
    period: str
    """A year '2026' or a quarter '2026-Q4'."""
    source: Union[AppraisalSource, int]
    rater: Optional[str]
    """The rater's staff code; None for a customer appraisal."""
    customer_satisfaction: Optional[int]
    """1..5, None when not scored (客户满意度)."""
    efficiency: Optional[int]
    """1..5, None when not scored (工作效率)."""
    teamwork: Optional[int]
    """1..5, None when not scored (团队协作)."""
    skill_growth: Optional[int]
    """1..5, None when not scored (个人技能提升)."""
    comment: Optional[str]
    actor: Optional[str]
    """Who recorded it."""
    recorded_at: datetime.datetime
    """When it was recorded (aware datetime, UTC)."""

    def score(self, criterion: Union[AppraisalCriterion, int]) -> Optional[int]:
        """The score on `criterion`, or None when not scored."""
        c = AppraisalCriterion(criterion)
        return (self.customer_satisfaction, self.efficiency, self.teamwork, self.skill_growth)[c - 1]

    @classmethod
    def _from_tuple(cls, t: Tuple[Any, ...]) -> "Appraisal":
        return cls(t[0], t[1], t[2], _source(t[3]), t[4], t[5] or None, t[6] or None, t[7] or None,
                   t[8] or None, t[9], t[10], t[11])


class Consent(typing.NamedTuple):
    """One recorded consent statement of a customer (Store.consent_history);
    a detached copy. Consent records are never changed or deleted."""

    purpose: Union[ConsentPurpose, int]
    state: Union[ConsentState, int]
    at: datetime.datetime
    """When it was recorded (aware datetime, UTC)."""
    channel: Optional[str]
    """How it was given or withdrawn ('counter', 'app', ...), or None."""
    text_version: Optional[str]
    """The version of the consent text shown, or None."""
    actor: Optional[str]
    """Who recorded it."""

    @classmethod
    def _from_tuple(cls, t: Tuple[Any, ...]) -> "Consent":
        return cls(_known(ConsentPurpose, t[0]), _known(ConsentState, t[1]), t[2], t[3], t[4], t[5])


class AppraisalSummary:
    """The scores of a staff member's appraisals by source and criterion
    (Store.appraisal_summary); a detached value. ``source`` None means every
    source, ``criterion`` None every criterion, each score weighing the same."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Tuple[Any, ...]) -> None:
        self._rows = rows

    @staticmethod
    def _index(v: Optional[int], top: int) -> int:
        i = 0 if v is None else int(v)
        if i < 0 or i > top:
            raise ValueError(f"unknown value {v!r}")
        return i

    def records(self, source: Optional[Union[AppraisalSource, int]] = None) -> int:
        """The number of appraisals from `source` (None: every source)."""
        return self._rows[self._index(source, 4)][0]

    def count(self, source: Optional[Union[AppraisalSource, int]] = None,
              criterion: Optional[Union[AppraisalCriterion, int]] = None) -> int:
        """The number of scores from `source` on `criterion`."""
        return self._rows[self._index(source, 4)][1][self._index(criterion, 4)][0]

    def mean(self, source: Optional[Union[AppraisalSource, int]] = None,
             criterion: Optional[Union[AppraisalCriterion, int]] = None) -> Optional[float]:
        """The mean score (1..5) from `source` on `criterion`, or None when
        there is none."""
        return self._rows[self._index(source, 4)][1][self._index(criterion, 4)][1]

    def __repr__(self) -> str:
        return f"<csvc.AppraisalSummary records={self.records()} mean={self.mean()!r}>"
