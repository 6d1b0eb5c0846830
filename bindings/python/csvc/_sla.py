"""SlaPolicyTarget: configures one target of an SlaPolicy being built."""

from typing import Optional, Union

from ._enums import Priority, SlaAction, StateCategory

__all__ = ["SlaPolicyTarget"]


class SlaPolicyTarget:
    """A target of an SlaPolicy, as returned by SlaPolicy.add_target.

    Its methods call the policy's target_* methods with the target's index
    and return the SlaPolicyTarget itself, so that they chain::

        p = csvc.SlaPolicy("vip", 1, match_customer_class=csvc.CustomerClass.VIP)
        p.add_target("first_response", timedelta(minutes=10)).met_by_reply().warn_at(80)
        p.add_target("resolution", timedelta(hours=8), "24x7") \\
            .met_by_category(csvc.StateCategory.RESOLVED) \\
            .pause_on_category(csvc.StateCategory.WAITING) \\
            .escalate(100, csvc.SlaAction.RAISE_PRIORITY, value=csvc.Priority.CRITICAL)

    It is also the target's index (``int(target)``, ``operator.index``), so
    it can be passed wherever SlaPolicy takes one.
    """

    __slots__ = ("_policy", "_index", "_name")

    def __init__(self, policy, index: int, name: str) -> None:
        self._policy = policy
        self._index = index
        self._name = name

    @property
    def policy(self):
        """The SlaPolicy the target belongs to."""
        return self._policy

    @property
    def index(self) -> int:
        """The target's index in the policy (0 for the first added)."""
        return self._index

    @property
    def name(self) -> str:
        """The target's name."""
        return self._name

    def __index__(self) -> int:
        return self.index

    def __int__(self) -> int:
        return self.index

    def __repr__(self) -> str:
        return f"<csvc.SlaPolicyTarget {self.name!r} of {self.policy.name!r} index={self.index}>"

    def met_by_reply(self) -> "SlaPolicyTarget":
        """A reply to the customer (public reply, result notice or follow-up
        call; not an internal note) satisfies the target."""
        self.policy.target_met_by_reply(self.index)
        return self

    def met_by_category(self, category: Union[StateCategory, int]) -> "SlaPolicyTarget":
        """Entering a state of this StateCategory satisfies the target."""
        self.policy.target_met_by_category(self.index, category)
        return self

    def met_by_state(self, state: str) -> "SlaPolicyTarget":
        """Entering this state satisfies the target."""
        self.policy.target_met_by_state(self.index, state)
        return self

    def pause_on_category(self, category: Union[StateCategory, int]) -> "SlaPolicyTarget":
        """The target pauses while the ticket is in a state of this category."""
        self.policy.target_pause_on_category(self.index, category)
        return self

    def pause_on_state(self, state: str) -> "SlaPolicyTarget":
        """The target pauses while the ticket is in this state."""
        self.policy.target_pause_on_state(self.index, state)
        return self

    def pause_on_handoff(self, on: bool = True) -> "SlaPolicyTarget":
        """The target pauses while its ticket has open sub-tasks handed off
        to departments (Store.handoff_ticket)."""
        self.policy.target_pause_on_handoff(self.index, 1 if on else 0)
        return self

    def warn_at(self, percent: int) -> "SlaPolicyTarget":
        """A warning when `percent` (1..99) of the target's time is used."""
        self.policy.target_warn_at(self.index, percent)
        return self

    def recurring(self) -> "SlaPolicyTarget":
        """Makes it a recurring "next update" target: it starts at the first
        reply to the customer and restarts at each following reply."""
        self.policy.target_recurring(self.index)
        return self

    def escalate(self, percent: int, action: Union[SlaAction, int],
                 value: Optional[Union[Priority, int]] = None, assignee: Optional[str] = None,
                 team: Optional[str] = None, transition: Optional[str] = None) -> "SlaPolicyTarget":
        """An escalation at `percent` (100: at the breach; otherwise one of
        the target's warning thresholds): SlaAction.RAISE_PRIORITY to
        `value`, ASSIGN to `assignee` and/or `team`, or TRANSITION
        `transition` (skipped when the state does not offer it)."""
        self.policy.target_escalate(self.index, percent, action, value, assignee, team, transition)
        return self
