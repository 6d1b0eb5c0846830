"""Small immutable values returned by the bindings."""

import datetime
import json
import uuid
from typing import Any, NamedTuple, Optional, Union

from ._enums import Lifecycle, StateCategory

__all__ = ["Event", "MergeConflict", "State", "Transition", "LifecycleEntry"]


class Event(NamedTuple):
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


class MergeConflict(NamedTuple):
    """A value Store.merge_customers could not reconcile: keep's value stays,
    absorb's stays on the absorbed record."""

    field: str
    """'name', 'address', 'birthday', 'notes', 'home_store' or 'attribute'."""
    key: Optional[str]
    """The attribute key when field is 'attribute', else None."""
    kept: str
    absorbed: str


class State(NamedTuple):
    """A workflow state."""

    name: str
    category: Union[StateCategory, int]
    label_zh: Optional[str]
    label_en: Optional[str]


class Transition(NamedTuple):
    """A workflow transition."""

    name: str
    from_state: str
    to_state: str


class LifecycleEntry(NamedTuple):
    """One entry of a customer's lifecycle history."""

    stage: Union[Lifecycle, int]
    at: datetime.datetime
