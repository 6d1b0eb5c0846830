"""Enumerations mirroring the C enums of libcsvc (same names, same values).

Value enums start at 1; the library reports 0 ("not set") as None. Values
a newer library adds are returned as plain ints.

The machine names of the values live in the library (csvc_enum_name,
csvc_enum_parse); tests/python/test_enums.py checks that every class here
has exactly the library's values, each named as the library names it.
"""

from enum import IntEnum

__all__ = [
    "CustomerClass", "Tier", "Lifecycle", "StateCategory", "Urgency", "Importance",
    "Impact", "Priority", "CommentKind", "LinkKind", "Durability", "LogLevel", "ErrorCode",
    "Disambiguation", "SlaCalendar", "SlaStatus", "SlaAction", "QuestionType", "SurveyMethod",
    "ReportGroup", "ReportPeriod", "Metric", "ZoneSource", "SkillKind", "TeamKind", "StaffStatus",
    "AppraisalSource", "AppraisalCriterion", "ConsentPurpose", "ConsentState",
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
    """Status of one SLA target of one ticket (csvc_sla_status_t), as of the
    store clock when read: a running target past its deadline reads BREACHED
    (breached_at its deadline) even before Store.sla_advance records it."""
    RUNNING = 1    #: counting, on time
    PAUSED = 2     #: the ticket is in a state that pauses it
    MET = 3        #: satisfied (breached_at tells whether it was late)
    BREACHED = 4   #: past due as of the store clock, not yet satisfied
    CANCELLED = 5  #: the ticket ended without satisfying it
    WAITING = 6    #: not started yet (a recurring target before the first reply)


class SlaAction(IntEnum):
    """Escalation actions of an SLA target (csvc_sla_action_t)."""
    RAISE_PRIORITY = 1  #: set the priority to `value` (if more pressing)
    ASSIGN = 2          #: hand the ticket to `assignee` / `team`
    TRANSITION = 3      #: apply `transition` if the current state offers it


class QuestionType(IntEnum):
    """Type of a survey question (csvc_question_type_t). Survey.add_question
    also takes the lower-case names: 'likert', 'nps', 'ces', 'servqual',
    'yes_no', 'choice' and 'text'."""
    LIKERT = 1    #: a score 1..N (default 1-5); counts for CSAT and CSI
    NPS = 2       #: 0-10 "how likely to recommend"
    CES = 3       #: customer effort, 1..N (default 1-7; lower is easier)
    SERVQUAL = 4  #: an (expectation, perception) pair, each 1..N (default 1-7), of a dimension
    YES_NO = 5    #: answered with True or False
    CHOICE = 6    #: one of the question's options (answered with csvc.Choice)
    TEXT = 7      #: free text, at most 4,096 bytes


class SurveyMethod(IntEnum):
    """How a survey response is collected, 调查方式 (csvc_survey_method_t).
    The lower-case names ('till', 'receipt_qr', ...) are accepted too; they
    are also the keys of a report grouped by method."""
    TILL = 1             #: POS till / counter keypad
    RECEIPT_QR = 2       #: QR code printed on the receipt
    PHONE_CALLBACK = 3   #: phone follow-up 电话回访
    QUESTIONNAIRE = 4    #: questionnaire 问卷调查
    INTERVIEW = 5        #: interview 访谈
    MYSTERY_SHOPPER = 6  #: mystery shopper 神秘顾客
    ONLINE_REVIEW = 7    #: online review 在线评价
    OBSERVATION = 8      #: observation 观察


class ReportGroup(IntEnum):
    """Grouping of a report's rows (csvc_report_group_t); None gives one row
    keyed 'all'. The lower-case names ('store', 'staff', ...) are accepted
    too."""
    STORE = 1     #: store code
    STAFF = 2     #: tickets: assignee; responses: the staff member served by
    CHANNEL = 3
    KIND = 4      #: ticket kind
    CATEGORY = 5  #: ticket category
    PERIOD = 6    #: trend: one row per period, in each store's time zone
    METHOD = 7    #: survey method (score reports only)


class ReportPeriod(IntEnum):
    """Periods of a report grouped by ReportGroup.PERIOD
    (csvc_report_period_t); None means MONTH. The lower-case names are
    accepted too."""
    DAY = 1      #: key '2026-01-15'
    WEEK = 2     #: ISO 8601 week, Monday to Sunday, key '2026-W03'
    MONTH = 3    #: key '2026-01'
    QUARTER = 4  #: key '2026-Q1'


class ZoneSource(IntEnum):
    """Where the time zone of a store code's reports comes from
    (csvc_zone_source_t; Store.tz_for_store)."""
    CALENDAR = 1  #: the zone of the calendar attached to the store code
    STORE = 2     #: the store code's own zone (Store.set_store_zone)
    DEFAULT = 3   #: the store-wide default (Store.set_default_zone)
    NONE = 4      #: nothing set: UTC


class Metric(IntEnum):
    """The figures of a report row (csvc_report_metric_t). A row's metrics
    are keyed by their JSON names (csvc.metric_name(Metric.NPS_SE) is
    'nps_se'); times are microseconds (names ending in '_us'), shares 0..1,
    and _LOW / _HIGH the Wilson 95 % interval of the share before them."""
    # scores (Store.report_scores; the KPI report too)
    RESPONSES = 1
    CSAT_N = 2
    CSAT = 3
    CSAT_LOW = 4
    CSAT_HIGH = 5
    CSAT_MEAN = 6
    NPS_N = 7
    NPS = 8
    NPS_SE = 9
    NPS_PROMOTERS = 10
    NPS_DETRACTORS = 11
    CES_N = 12
    CES_MEAN = 13
    CSI_N = 14
    CSI = 15
    CSI_TARGET = 16
    CSI_MEETS_TARGET = 17
    SERVQUAL_N = 18
    SERVQUAL_GAP = 19
    # KPIs (Store.report_kpis)
    TICKETS = 20
    RESOLVED = 21
    RESPONSE_N = 22
    RESPONSE_MEAN = 23
    RESPONSE_MEDIAN = 24
    RESPONSE_P90 = 25
    RESOLUTION_N = 26
    RESOLUTION_MEAN = 27
    RESOLUTION_MEDIAN = 28
    RESOLUTION_P90 = 29
    SLA_ON_TIME = 30
    SLA_BREACHED = 31
    SLA_COMPLIANCE = 32
    SLA_COMPLIANCE_LOW = 33
    SLA_COMPLIANCE_HIGH = 34
    COMPLAINTS = 35
    COMPLAINT_24H = 36
    COMPLAINT_48H = 37
    COMPLAINT_72H = 38
    FCR = 39
    FCR_RATE = 40
    FCR_LOW = 41
    FCR_HIGH = 42
    REOPENED = 43
    REOPEN_RATE = 44
    REOPEN_LOW = 45
    REOPEN_HIGH = 46
    BACKLOG = 47
    AGE_UNDER_1D = 48
    AGE_1_3D = 49
    AGE_3_7D = 50
    AGE_OVER_7D = 51
    TRANSACTIONS = 52
    COMPLAINT_RATE = 53
    # time in state (Store.report_state_times)
    STATE_VISITS = 54
    STATE_TIME_TOTAL = 55
    STATE_TIME_MEAN = 56
    STATE_TIME_MEDIAN = 57
    STATE_TIME_P90 = 58
    # per dimension (ReportRow.dimensions)
    SERVQUAL_EXPECTATION = 59
    SERVQUAL_PERCEPTION = 60
    WEIGHT = 61
    # per staff member (Store.report_staff)
    RESOLVED_IN_RANGE = 62
    COMPLAINTS_RESOLVED = 63


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
    EACCESS = -16
    ITEROVER = -31


class SkillKind(IntEnum):
    """What a staff member's skill is about (csvc_skill_kind_t)."""
    TICKET_KIND = 1  #: a ticket kind, e.g. 'complaint'
    CATEGORY = 2     #: a ticket category
    LANGUAGE = 3     #: a language, e.g. 'zh'
    CHANNEL = 4      #: a channel, e.g. 'phone'


class TeamKind(IntEnum):
    """What a team is (csvc_team_kind_t)."""
    CS_GROUP = 1    #: a customer-service group (咨询组, 投诉处理组, ...)
    DEPARTMENT = 2  #: a department (物业, 财务, ...)


class StaffStatus(IntEnum):
    """Which staff members a query returns (csvc_staff_status_t)."""
    ACTIVE = 0    #: only active ones (the default)
    INACTIVE = 1  #: only deactivated ones
    ANY = 2       #: both


class Permission(IntEnum):
    """A class of operation a role may allow (csvc_permission_t)."""
    CUSTOMER_READ_CONTACTS = 1  #: see customers' phones and e-mails unmasked
    CUSTOMER_READ_PROFILE = 2   #: read a customer record
    CUSTOMER_SEARCH = 3         #: find, list and count customers
    CUSTOMER_EXPORT = 4         #: export customer data in bulk
    CUSTOMER_MERGE = 5          #: merge two customer records
    CUSTOMER_ERASE = 6          #: erase a customer
    CUSTOMER_WRITE = 7          #: create and update customer records
    TICKET_READ = 8             #: read, list and count tickets and their history
    TICKET_CREATE = 9           #: open tickets
    TICKET_UPDATE = 10          #: edit, comment on, link and merge tickets
    TICKET_TRANSITION = 11      #: move a ticket through its workflow
    TICKET_ASSIGN = 12          #: assign a ticket to someone
    DEFINITIONS_MANAGE = 13     #: workflows, kinds, channels, calendars, SLA policies, surveys
    STAFF_MANAGE = 14           #: staff members, teams and roles
    REPORTS_READ = 15           #: service reports and the dashboard
    AUDIT_READ = 16             #: the change feed
    SURVEY_RECORD = 17          #: send survey invitations, record answers
    STORE_MAINTAIN = 18         #: checkpoints, scrubs, SLA runs, feed consumers
    STAFF_APPRAISE = 19         #: record supervisors' appraisals of staff in scope


class RoleScope(IntEnum):
    """Which records a role's holder may see (csvc_role_scope_t)."""
    STORE = 1  #: the staff member's home store's records
    CHAIN = 2  #: every store's records


class RouteStrategy(IntEnum):
    """How a routing rule picks a member of its team (csvc_route_strategy_t)."""
    ROUND_ROBIN = 1  #: each member on shift in turn (轮流分配)
    LEAST_LOAD = 2   #: the fewest open tickets (负载最少)
    BEST_SKILL = 3   #: the most skills matching the ticket's kind, category and channel (技能匹配)
class QueueOrder(IntEnum):
    """The order a queue lists its tickets in (csvc_queue_order_t)."""
    PRIORITY = 1  #: most urgent priority first, then oldest first
    AGE = 2       #: oldest first
class AppraisalSource(IntEnum):
    """Who gave an appraisal (csvc_appraisal_source_t): the handbook's
    multi-source appraisal."""
    SUPERVISOR = 1  #: 上级
    CUSTOMER = 2    #: 客户反馈 (no rater)
    PEER = 3        #: 同事评价
    SELF = 4        #: 自我评价


class AppraisalCriterion(IntEnum):
    """What an appraisal scores (csvc_appraisal_criterion_t)."""
    CUSTOMER_SATISFACTION = 1  #: 客户满意度
    EFFICIENCY = 2             #: 工作效率
    TEAMWORK = 3               #: 团队协作
    SKILL_GROWTH = 4           #: 个人技能提升


class ConsentPurpose(IntEnum):
    """What a customer consents to (csvc_consent_purpose_t)."""
    SERVICE_CONTACT = 1  #: being contacted about one's own tickets (回访)
    SURVEY = 2           #: satisfaction surveys
    MARKETING = 3        #: offers and campaigns
    PROFILING = 4        #: analysis of behaviour and preferences
    THIRD_PARTY = 5      #: sharing data with third parties


class ConsentState(IntEnum):
    """A customer's word on a purpose (csvc_consent_state_t); None: never asked."""
    GIVEN = 1
    WITHDRAWN = 2
