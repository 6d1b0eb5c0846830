"""Enumerations mirroring the C enums of libcsvc (same names, same values).

Value enums start at 1; the library reports 0 ("not set") as None. Values
a newer library adds are returned as plain ints.
"""

from enum import IntEnum

__all__ = [
    "CustomerClass", "Tier", "Lifecycle", "StateCategory", "Urgency", "Importance",
    "Impact", "Priority", "CommentKind", "LinkKind", "Durability", "LogLevel", "ErrorCode",
    "Disambiguation", "SlaCalendar", "SlaStatus", "SlaAction",
]


class CustomerClass(IntEnum):
    """Customer class 客户分类 (csvc_customer_class_t)."""
    VIP = 1        #: 核心
    IMPORTANT = 2  #: 重要
    ORDINARY = 3   #: 普通 (default for new customers)
    POTENTIAL = 4  #: 潜在


class Tier(IntEnum):
    """Value tier 价值等级 (csvc_value_tier_t); None means not set."""
    TIER_1 = 1  #: 一级, highest value
    TIER_2 = 2  #: 二级
    TIER_3 = 3  #: 三级


class Lifecycle(IntEnum):
    """Lifecycle stage 生命周期 (csvc_lifecycle_t)."""
    POTENTIAL = 1  #: 潜在
    NEW = 2        #: 新 (default for new customers)
    GROWING = 3    #: 成长
    MATURE = 4     #: 成熟
    CHURNED = 5    #: 流失


class StateCategory(IntEnum):
    """Category of a workflow state (csvc_state_category_t)."""
    NEW = 1
    OPEN = 2
    WAITING = 3
    RESOLVED = 4
    CLOSED = 5
    CANCELLED = 6


class Urgency(IntEnum):
    """Urgency 紧急程度 (csvc_urgency_t)."""
    EMERGENCY = 1  #: 紧急/突发
    MAJOR = 2      #: 重大
    GENERAL = 3    #: 一般 (default)


class Importance(IntEnum):
    """Importance (csvc_importance_t)."""
    HIGH = 1
    MEDIUM = 2  #: default
    LOW = 3


class Impact(IntEnum):
    """Impact scope (csvc_impact_t)."""
    WIDE = 1        #: 普遍问题
    GROUP = 2       #: a group of customers
    INDIVIDUAL = 3  #: 个别问题 (default)


class Priority(IntEnum):
    """Ticket priority (csvc_priority_t); 1 is the most pressing."""
    CRITICAL = 1
    HIGH = 2
    NORMAL = 3
    LOW = 4


class CommentKind(IntEnum):
    """What a comment is (csvc_comment_kind_t)."""
    REPLY = 1          #: public reply to the customer
    NOTE = 2           #: internal note
    RESULT_NOTICE = 3  #: outbound result notice
    FOLLOW_UP = 4      #: follow-up call 回访 and its outcome


class LinkKind(IntEnum):
    """Links between tickets (csvc_link_kind_t)."""
    DUPLICATE_OF = 1
    RELATED = 2
    PARENT_OF = 3
    MERGED_INTO = 4  #: set by Store.merge_tickets only


class Durability(IntEnum):
    """Durability of commits (csvc_durability_t)."""
    DEFAULT = 0  #: same as FULL
    NORMAL = 1   #: survives a process crash; the last commits may be lost on power loss
    FULL = 2     #: every commit is on disk before it returns


class LogLevel(IntEnum):
    """Levels passed to the log handler (csvc_log_level_t)."""
    ERROR = 1
    WARN = 2
    INFO = 3
    DEBUG = 4


class Disambiguation(IntEnum):
    """How TimeZone.from_local resolves a wall-clock time skipped by a forward
    clock change (a gap) or repeated by a backward one (an overlap)
    (csvc_tz_disambiguation_t). The strings 'compatible', 'earlier', 'later'
    and 'reject' are accepted too."""
    COMPATIBLE = 0  #: overlap: the earlier instant; gap: read with the offset before the change
    EARLIER = 1     #: overlap: the earlier instant; gap: read with the offset after the change
    LATER = 2       #: overlap: the later instant; gap: as COMPATIBLE
    REJECT = 3      #: gap or overlap: OutOfRange


class SlaCalendar(IntEnum):
    """Which calendar an SLA target's business time counts on
    (csvc_sla_calendar_t). SlaPolicy.add_target also takes 'store', '24x7'
    and ('named', calendar_name)."""
    STORE = 1              #: the calendar attached to the ticket's store; 24/7 if none
    NAMED = 2              #: a calendar saved under a name
    TWENTY_FOUR_SEVEN = 3  #: wall-clock time (CSVC_SLA_CALENDAR_24X7)


class SlaStatus(IntEnum):
    """Status of one SLA target of one ticket (csvc_sla_status_t)."""
    RUNNING = 1    #: counting
    PAUSED = 2     #: the ticket is in a state that pauses it
    MET = 3        #: satisfied (breached_at tells whether it was late)
    BREACHED = 4   #: past due, not yet satisfied
    CANCELLED = 5  #: the ticket ended without satisfying it
    WAITING = 6    #: not started yet (a recurring target before the first reply)


class SlaAction(IntEnum):
    """Escalation actions of an SLA target (csvc_sla_action_t)."""
    RAISE_PRIORITY = 1  #: set the priority to `value` (if more pressing)
    ASSIGN = 2          #: hand the ticket to `assignee` / `team`
    TRANSITION = 3      #: apply `transition` if the current state offers it


class ErrorCode(IntEnum):
    """The library's return codes (csvc_error_t)."""
    OK = 0
    ERROR = -1
    EINVAL = -2
    ENOMEM = -3
    ENOTFOUND = -4
    EEXISTS = -5
    ESTATE = -6
    ECONFLICT = -7
    EBUSY = -8
    ESTORAGE = -9
    ECORRUPT = -10
    EUSER = -11
    ERANGE = -12
    EVERSION = -13
    ENOTSTORE = -14
    EREADONLY = -15
    ITEROVER = -31
