/*
 * The machine names of the values of every public enum: the one table the
 * CLI, the Python bindings, report JSON and ticket events read.
 */
#include <string.h>

#include "util/internal.h"

#include "csvc.h"

typedef struct enum_value {
	int32_t value;
	const char *name;
} enum_value;

typedef struct enum_table {
	const enum_value *values;
	size_t count;
} enum_table;

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const enum_value ERRORS[] = {
	{CSVC_OK, "ok"},
	{CSVC_ERROR, "error"},
	{CSVC_EINVAL, "einval"},
	{CSVC_ENOMEM, "enomem"},
	{CSVC_ENOTFOUND, "enotfound"},
	{CSVC_EEXISTS, "eexists"},
	{CSVC_ESTATE, "estate"},
	{CSVC_ECONFLICT, "econflict"},
	{CSVC_EBUSY, "ebusy"},
	{CSVC_ESTORAGE, "estorage"},
	{CSVC_ECORRUPT, "ecorrupt"},
	{CSVC_EUSER, "euser"},
	{CSVC_ERANGE, "erange"},
	{CSVC_EVERSION, "eversion"},
	{CSVC_ENOTSTORE, "enotstore"},
	{CSVC_EREADONLY, "ereadonly"},
	{CSVC_EACCESS, "eaccess"},
	{CSVC_ITEROVER, "iterover"},
};
static const enum_value DURABILITIES[] = {
	{CSVC_DURABILITY_DEFAULT, "default"},
	{CSVC_DURABILITY_NORMAL, "normal"},
	{CSVC_DURABILITY_FULL, "full"},
};
static const enum_value OPEN_FLAGS[] = {
	{CSVC_OPEN_READONLY, "readonly"},
	{CSVC_OPEN_NOCREATE, "nocreate"},
	{CSVC_OPEN_NO_SECURE_DELETE, "no_secure_delete"},
	{CSVC_OPEN_URI, "uri"},
	{CSVC_OPEN_ACCESS_CONTROL, "access_control"},
};
static const enum_value LOG_LEVELS[] = {
	{CSVC_LOG_ERROR, "error"},
	{CSVC_LOG_WARN, "warn"},
	{CSVC_LOG_INFO, "info"},
	{CSVC_LOG_DEBUG, "debug"},
};
static const enum_value CUSTOMER_CLASSES[] = {
	{CSVC_CUSTOMER_VIP, "vip"},
	{CSVC_CUSTOMER_IMPORTANT, "important"},
	{CSVC_CUSTOMER_ORDINARY, "ordinary"},
	{CSVC_CUSTOMER_POTENTIAL, "potential"},
};
static const enum_value VALUE_TIERS[] = {
	{CSVC_TIER_1, "1"},
	{CSVC_TIER_2, "2"},
	{CSVC_TIER_3, "3"},
};
static const enum_value LIFECYCLES[] = {
	{CSVC_LIFECYCLE_POTENTIAL, "potential"},
	{CSVC_LIFECYCLE_NEW, "new"},
	{CSVC_LIFECYCLE_GROWING, "growing"},
	{CSVC_LIFECYCLE_MATURE, "mature"},
	{CSVC_LIFECYCLE_CHURNED, "churned"},
};
static const enum_value STATE_CATEGORIES[] = {
	{CSVC_STATE_NEW, "new"},
	{CSVC_STATE_OPEN, "open"},
	{CSVC_STATE_WAITING, "waiting"},
	{CSVC_STATE_RESOLVED, "resolved"},
	{CSVC_STATE_CLOSED, "closed"},
	{CSVC_STATE_CANCELLED, "cancelled"},
};
static const enum_value URGENCIES[] = {
	{CSVC_URGENCY_EMERGENCY, "emergency"},
	{CSVC_URGENCY_MAJOR, "major"},
	{CSVC_URGENCY_GENERAL, "general"},
};
static const enum_value IMPORTANCES[] = {
	{CSVC_IMPORTANCE_HIGH, "high"},
	{CSVC_IMPORTANCE_MEDIUM, "medium"},
	{CSVC_IMPORTANCE_LOW, "low"},
};
static const enum_value IMPACTS[] = {
	{CSVC_IMPACT_WIDE, "wide"},
	{CSVC_IMPACT_GROUP, "group"},
	{CSVC_IMPACT_INDIVIDUAL, "individual"},
};
static const enum_value PRIORITIES[] = {
	{CSVC_PRIORITY_CRITICAL, "critical"},
	{CSVC_PRIORITY_HIGH, "high"},
	{CSVC_PRIORITY_NORMAL, "normal"},
	{CSVC_PRIORITY_LOW, "low"},
};
static const enum_value COMMENT_KINDS[] = {
	{CSVC_COMMENT_REPLY, "reply"},
	{CSVC_COMMENT_NOTE, "note"},
	{CSVC_COMMENT_RESULT_NOTICE, "result_notice"},
	{CSVC_COMMENT_FOLLOW_UP, "follow_up"},
};
static const enum_value LINK_KINDS[] = {
	{CSVC_LINK_DUPLICATE_OF, "duplicate_of"},
	{CSVC_LINK_RELATED, "related"},
	{CSVC_LINK_PARENT_OF, "parent_of"},
	{CSVC_LINK_MERGED_INTO, "merged_into"},
};
static const enum_value DISAMBIGUATIONS[] = {
	{CSVC_TZ_COMPATIBLE, "compatible"},
	{CSVC_TZ_EARLIER, "earlier"},
	{CSVC_TZ_LATER, "later"},
	{CSVC_TZ_REJECT, "reject"},
};
static const enum_value ZONE_SOURCES[] = {
	{CSVC_ZONE_CALENDAR, "calendar"},
	{CSVC_ZONE_STORE, "store"},
	{CSVC_ZONE_DEFAULT, "default"},
	{CSVC_ZONE_NONE, "none"},
};
static const enum_value SLA_CALENDARS[] = {
	{CSVC_SLA_CALENDAR_STORE, "store"},
	{CSVC_SLA_CALENDAR_NAMED, "named"},
	{CSVC_SLA_CALENDAR_24X7, "24x7"},
};
static const enum_value SLA_STATUSES[] = {
	{CSVC_SLA_RUNNING, "running"},
	{CSVC_SLA_PAUSED, "paused"},
	{CSVC_SLA_MET, "met"},
	{CSVC_SLA_BREACHED, "breached"},
	{CSVC_SLA_CANCELLED, "cancelled"},
	{CSVC_SLA_WAITING, "waiting"},
};
static const enum_value SLA_ACTIONS[] = {
	{CSVC_SLA_RAISE_PRIORITY, "raise_priority"},
	{CSVC_SLA_ASSIGN, "assign"},
	{CSVC_SLA_TRANSITION, "transition"},
};
static const enum_value QUESTION_TYPES[] = {
	{CSVC_QUESTION_LIKERT, "likert"},
	{CSVC_QUESTION_NPS, "nps"},
	{CSVC_QUESTION_CES, "ces"},
	{CSVC_QUESTION_SERVQUAL, "servqual"},
	{CSVC_QUESTION_YES_NO, "yes_no"},
	{CSVC_QUESTION_CHOICE, "choice"},
	{CSVC_QUESTION_TEXT, "text"},
};
static const enum_value SURVEY_METHODS[] = {
	{CSVC_METHOD_TILL, "till"},
	{CSVC_METHOD_RECEIPT_QR, "receipt_qr"},
	{CSVC_METHOD_PHONE_CALLBACK, "phone_callback"},
	{CSVC_METHOD_QUESTIONNAIRE, "questionnaire"},
	{CSVC_METHOD_INTERVIEW, "interview"},
	{CSVC_METHOD_MYSTERY_SHOPPER, "mystery_shopper"},
	{CSVC_METHOD_ONLINE_REVIEW, "online_review"},
	{CSVC_METHOD_OBSERVATION, "observation"},
};
static const enum_value REPORT_GROUPS[] = {
	{CSVC_REPORT_BY_STORE, "store"},
	{CSVC_REPORT_BY_STAFF, "staff"},
	{CSVC_REPORT_BY_CHANNEL, "channel"},
	{CSVC_REPORT_BY_KIND, "kind"},
	{CSVC_REPORT_BY_CATEGORY, "category"},
	{CSVC_REPORT_BY_PERIOD, "period"},
	{CSVC_REPORT_BY_METHOD, "method"},
};
static const enum_value REPORT_PERIODS[] = {
	{CSVC_PERIOD_DAY, "day"},
	{CSVC_PERIOD_WEEK, "week"},
	{CSVC_PERIOD_MONTH, "month"},
	{CSVC_PERIOD_QUARTER, "quarter"},
};
/* The JSON names of report figures: durations end in "_us". */
static const enum_value REPORT_METRICS[] = {
	{CSVC_METRIC_RESPONSES, "responses"},
	{CSVC_METRIC_CSAT_N, "csat_n"},
	{CSVC_METRIC_CSAT, "csat"},
	{CSVC_METRIC_CSAT_LOW, "csat_low"},
	{CSVC_METRIC_CSAT_HIGH, "csat_high"},
	{CSVC_METRIC_CSAT_MEAN, "csat_mean"},
	{CSVC_METRIC_NPS_N, "nps_n"},
	{CSVC_METRIC_NPS, "nps"},
	{CSVC_METRIC_NPS_SE, "nps_se"},
	{CSVC_METRIC_NPS_PROMOTERS, "nps_promoters"},
	{CSVC_METRIC_NPS_DETRACTORS, "nps_detractors"},
	{CSVC_METRIC_CES_N, "ces_n"},
	{CSVC_METRIC_CES_MEAN, "ces_mean"},
	{CSVC_METRIC_CSI_N, "csi_n"},
	{CSVC_METRIC_CSI, "csi"},
	{CSVC_METRIC_CSI_TARGET, "csi_target"},
	{CSVC_METRIC_CSI_MEETS_TARGET, "csi_meets_target"},
	{CSVC_METRIC_SERVQUAL_N, "servqual_n"},
	{CSVC_METRIC_SERVQUAL_GAP, "servqual_gap"},
	{CSVC_METRIC_TICKETS, "tickets"},
	{CSVC_METRIC_RESOLVED, "resolved"},
	{CSVC_METRIC_RESPONSE_N, "response_n"},
	{CSVC_METRIC_RESPONSE_MEAN, "response_mean_us"},
	{CSVC_METRIC_RESPONSE_MEDIAN, "response_median_us"},
	{CSVC_METRIC_RESPONSE_P90, "response_p90_us"},
	{CSVC_METRIC_RESOLUTION_N, "resolution_n"},
	{CSVC_METRIC_RESOLUTION_MEAN, "resolution_mean_us"},
	{CSVC_METRIC_RESOLUTION_MEDIAN, "resolution_median_us"},
	{CSVC_METRIC_RESOLUTION_P90, "resolution_p90_us"},
	{CSVC_METRIC_SLA_ON_TIME, "sla_on_time"},
	{CSVC_METRIC_SLA_BREACHED, "sla_breached"},
	{CSVC_METRIC_SLA_COMPLIANCE, "sla_compliance"},
	{CSVC_METRIC_SLA_COMPLIANCE_LOW, "sla_compliance_low"},
	{CSVC_METRIC_SLA_COMPLIANCE_HIGH, "sla_compliance_high"},
	{CSVC_METRIC_COMPLAINTS, "complaints"},
	{CSVC_METRIC_COMPLAINT_24H, "complaint_24h"},
	{CSVC_METRIC_COMPLAINT_48H, "complaint_48h"},
	{CSVC_METRIC_COMPLAINT_72H, "complaint_72h"},
	{CSVC_METRIC_FCR, "fcr"},
	{CSVC_METRIC_FCR_RATE, "fcr_rate"},
	{CSVC_METRIC_FCR_LOW, "fcr_low"},
	{CSVC_METRIC_FCR_HIGH, "fcr_high"},
	{CSVC_METRIC_REOPENED, "reopened"},
	{CSVC_METRIC_REOPEN_RATE, "reopen_rate"},
	{CSVC_METRIC_REOPEN_LOW, "reopen_low"},
	{CSVC_METRIC_REOPEN_HIGH, "reopen_high"},
	{CSVC_METRIC_BACKLOG, "backlog"},
	{CSVC_METRIC_AGE_UNDER_1D, "age_under_1d"},
	{CSVC_METRIC_AGE_1_3D, "age_1_3d"},
	{CSVC_METRIC_AGE_3_7D, "age_3_7d"},
	{CSVC_METRIC_AGE_OVER_7D, "age_over_7d"},
	{CSVC_METRIC_TRANSACTIONS, "transactions"},
	{CSVC_METRIC_COMPLAINT_RATE, "complaint_rate"},
	{CSVC_METRIC_STATE_VISITS, "state_visits"},
	{CSVC_METRIC_STATE_TIME_TOTAL, "state_time_total_us"},
	{CSVC_METRIC_STATE_TIME_MEAN, "state_time_mean_us"},
	{CSVC_METRIC_STATE_TIME_MEDIAN, "state_time_median_us"},
	{CSVC_METRIC_STATE_TIME_P90, "state_time_p90_us"},
	{CSVC_METRIC_SERVQUAL_EXPECTATION, "servqual_expectation"},
	{CSVC_METRIC_SERVQUAL_PERCEPTION, "servqual_perception"},
	{CSVC_METRIC_WEIGHT, "weight"},
	{CSVC_METRIC_RESOLVED_IN_RANGE, "resolved_in_range"},
	{CSVC_METRIC_COMPLAINTS_RESOLVED, "complaints_resolved"},
};
static const enum_value SKILL_KINDS[] = {
	{CSVC_SKILL_TICKET_KIND, "ticket_kind"},
	{CSVC_SKILL_CATEGORY, "category"},
	{CSVC_SKILL_LANGUAGE, "language"},
	{CSVC_SKILL_CHANNEL, "channel"},
};
static const enum_value TEAM_KINDS[] = {
	{CSVC_TEAM_CS_GROUP, "cs_group"},
	{CSVC_TEAM_DEPARTMENT, "department"},
};
static const enum_value STAFF_STATUSES[] = {
	{CSVC_STAFF_STATUS_ACTIVE, "active"},
	{CSVC_STAFF_STATUS_INACTIVE, "inactive"},
	{CSVC_STAFF_STATUS_ANY, "any"},
};
static const enum_value PERMISSIONS[] = {
	{CSVC_PERM_CUSTOMER_READ_CONTACTS, "customer_read_contacts"},
	{CSVC_PERM_CUSTOMER_READ_PROFILE, "customer_read_profile"},
	{CSVC_PERM_CUSTOMER_SEARCH, "customer_search"},
	{CSVC_PERM_CUSTOMER_EXPORT, "customer_export"},
	{CSVC_PERM_CUSTOMER_MERGE, "customer_merge"},
	{CSVC_PERM_CUSTOMER_ERASE, "customer_erase"},
	{CSVC_PERM_CUSTOMER_WRITE, "customer_write"},
	{CSVC_PERM_TICKET_READ, "ticket_read"},
	{CSVC_PERM_TICKET_CREATE, "ticket_create"},
	{CSVC_PERM_TICKET_UPDATE, "ticket_update"},
	{CSVC_PERM_TICKET_TRANSITION, "ticket_transition"},
	{CSVC_PERM_TICKET_ASSIGN, "ticket_assign"},
	{CSVC_PERM_DEFINITIONS_MANAGE, "definitions_manage"},
	{CSVC_PERM_STAFF_MANAGE, "staff_manage"},
	{CSVC_PERM_REPORTS_READ, "reports_read"},
	{CSVC_PERM_AUDIT_READ, "audit_read"},
	{CSVC_PERM_SURVEY_RECORD, "survey_record"},
	{CSVC_PERM_STORE_MAINTAIN, "store_maintain"},
	{CSVC_PERM_STAFF_APPRAISE, "staff_appraise"},
};
static const enum_value ROLE_SCOPES[] = {
	{CSVC_ROLE_SCOPE_STORE, "store"},
	{CSVC_ROLE_SCOPE_CHAIN, "chain"},
};
static const enum_value ROUTE_STRATEGIES[] = {
	{CSVC_ROUTE_ROUND_ROBIN, "round_robin"},
	{CSVC_ROUTE_LEAST_LOAD, "least_load"},
	{CSVC_ROUTE_BEST_SKILL, "best_skill"},
};
static const enum_value QUEUE_ORDERS[] = {
	{CSVC_QUEUE_ORDER_PRIORITY, "priority"},
	{CSVC_QUEUE_ORDER_AGE, "age"},
};

static const enum_value APPRAISAL_SOURCES[] = {
	{CSVC_APPRAISAL_SUPERVISOR, "supervisor"},
	{CSVC_APPRAISAL_CUSTOMER, "customer"},
	{CSVC_APPRAISAL_PEER, "peer"},
	{CSVC_APPRAISAL_SELF, "self"},
};
static const enum_value APPRAISAL_CRITERIA[] = {
	{CSVC_CRITERION_CUSTOMER_SATISFACTION, "customer_satisfaction"},
	{CSVC_CRITERION_EFFICIENCY, "efficiency"},
	{CSVC_CRITERION_TEAMWORK, "teamwork"},
	{CSVC_CRITERION_SKILL_GROWTH, "skill_growth"},
};

static const enum_value CONSENT_PURPOSES[] = {
	{CSVC_CONSENT_SERVICE_CONTACT, "service_contact"},
	{CSVC_CONSENT_SURVEY, "survey"},
	{CSVC_CONSENT_MARKETING, "marketing"},
	{CSVC_CONSENT_PROFILING, "profiling"},
	{CSVC_CONSENT_THIRD_PARTY, "third_party"},
};
static const enum_value CONSENT_STATES[] = {
	{CSVC_CONSENT_GIVEN, "given"},
	{CSVC_CONSENT_WITHDRAWN, "withdrawn"},
};

/* Indexed by csvc_enum_t. */
static const enum_table TABLES[] = {
	{NULL, 0},
	{ERRORS, N(ERRORS)},
	{DURABILITIES, N(DURABILITIES)},
	{OPEN_FLAGS, N(OPEN_FLAGS)},
	{LOG_LEVELS, N(LOG_LEVELS)},
	{CUSTOMER_CLASSES, N(CUSTOMER_CLASSES)},
	{VALUE_TIERS, N(VALUE_TIERS)},
	{LIFECYCLES, N(LIFECYCLES)},
	{STATE_CATEGORIES, N(STATE_CATEGORIES)},
	{URGENCIES, N(URGENCIES)},
	{IMPORTANCES, N(IMPORTANCES)},
	{IMPACTS, N(IMPACTS)},
	{PRIORITIES, N(PRIORITIES)},
	{COMMENT_KINDS, N(COMMENT_KINDS)},
	{LINK_KINDS, N(LINK_KINDS)},
	{DISAMBIGUATIONS, N(DISAMBIGUATIONS)},
	{ZONE_SOURCES, N(ZONE_SOURCES)},
	{SLA_CALENDARS, N(SLA_CALENDARS)},
	{SLA_STATUSES, N(SLA_STATUSES)},
	{SLA_ACTIONS, N(SLA_ACTIONS)},
	{QUESTION_TYPES, N(QUESTION_TYPES)},
	{SURVEY_METHODS, N(SURVEY_METHODS)},
	{REPORT_GROUPS, N(REPORT_GROUPS)},
	{REPORT_PERIODS, N(REPORT_PERIODS)},
	{REPORT_METRICS, N(REPORT_METRICS)},
	{SKILL_KINDS, N(SKILL_KINDS)},
	{TEAM_KINDS, N(TEAM_KINDS)},
	{STAFF_STATUSES, N(STAFF_STATUSES)},
	{PERMISSIONS, N(PERMISSIONS)},
	{ROLE_SCOPES, N(ROLE_SCOPES)},
	{ROUTE_STRATEGIES, N(ROUTE_STRATEGIES)},
	{QUEUE_ORDERS, N(QUEUE_ORDERS)},
	{APPRAISAL_SOURCES, N(APPRAISAL_SOURCES)},
	{APPRAISAL_CRITERIA, N(APPRAISAL_CRITERIA)},
	{CONSENT_PURPOSES, N(CONSENT_PURPOSES)},
	{CONSENT_STATES, N(CONSENT_STATES)},
};

static const enum_table *table_of(csvc_enum_t which)
{
	/* Compared as a signed number: a caller may cast any int. */
	int64_t w = (int64_t)which;
	return w >= 1 && w < (int64_t)N(TABLES) ? &TABLES[w] : NULL;
}

const char *csvc_enum_name(csvc_enum_t which, int32_t value)
{
	const enum_table *t = table_of(which);
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->count; i++)
		if (t->values[i].value == value)
			return t->values[i].name;
	return NULL;
}

int csvc_enum_parse(csvc_enum_t which, const char *name, int32_t *value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(name, "name");
	CSVC__CHECK_ARG(value, "value");
	const enum_table *t = table_of(which);
	if (!t)
		return csvc__error(CSVC_EINVAL, "csvc_enum_parse: unknown enum %lld", (long long)which);
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->values[i].name, name) == 0) {
			*value = t->values[i].value;
			return CSVC_OK;
		}
	return csvc__error(CSVC_EINVAL, "csvc_enum_parse: no value named \"%.64s\" in this enum", name);
}
