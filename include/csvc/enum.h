/**
 * @file
 * libcsvc - the names of enum values.
 *
 * Every value of every public enum has one stable, lower-case machine
 * name: the name the `csvc` command line, report JSON, ticket events and
 * the Python bindings use ("vip", "emergency", "result_notice",
 * "phone_callback", "response_p90_us"). The names live in the library
 * only; csvc_enum_name() and csvc_enum_parse() read and parse them for
 * any enum, named by its csvc_enum_t.
 *
 * Names never change once released, and values only get appended, so a
 * name read from a newer library may be unknown to an older one
 * (csvc_enum_parse gives CSVC_EINVAL), and a value from a newer library
 * may have no name in an older one (csvc_enum_name gives NULL).
 *
 * Thread safety: the names are constant tables; both functions may be
 * called from any thread at any time.
 */
#ifndef CSVC_ENUM_H
#define CSVC_ENUM_H

#include "common.h"

CSVC_BEGIN_DECL

/**
 * The public enums, for csvc_enum_name() and csvc_enum_parse(). Only ever
 * appended to; 0 names no enum.
 * @since 1.0
 */
typedef enum csvc_enum_t {
	CSVC_ENUM_ERROR = 1,              /**< csvc_error_t: "ok", "error", "einval", ... "iterover" */
	CSVC_ENUM_DURABILITY = 2,         /**< csvc_durability_t: "default", "normal", "full" */
	CSVC_ENUM_OPEN_FLAG = 3,          /**< csvc_open_flag_t (one flag each): "readonly", ... "uri" */
	CSVC_ENUM_LOG_LEVEL = 4,          /**< csvc_log_level_t: "error", "warn", "info", "debug" */
	CSVC_ENUM_CUSTOMER_CLASS = 5,     /**< csvc_customer_class_t: "vip", "important", ... */
	CSVC_ENUM_VALUE_TIER = 6,         /**< csvc_value_tier_t: "1", "2", "3" */
	CSVC_ENUM_LIFECYCLE = 7,          /**< csvc_lifecycle_t: "potential", "new", ... "churned" */
	CSVC_ENUM_STATE_CATEGORY = 8,     /**< csvc_state_category_t: "new", "open", ... "cancelled" */
	CSVC_ENUM_URGENCY = 9,            /**< csvc_urgency_t: "emergency", "major", "general" */
	CSVC_ENUM_IMPORTANCE = 10,        /**< csvc_importance_t: "high", "medium", "low" */
	CSVC_ENUM_IMPACT = 11,            /**< csvc_impact_t: "wide", "group", "individual" */
	CSVC_ENUM_PRIORITY = 12,          /**< csvc_priority_t: "critical", "high", "normal", "low" */
	CSVC_ENUM_COMMENT_KIND = 13,      /**< csvc_comment_kind_t: "reply", "note", "result_notice", "follow_up" */
	CSVC_ENUM_LINK_KIND = 14,         /**< csvc_link_kind_t: "duplicate_of", ... "merged_into" */
	CSVC_ENUM_TZ_DISAMBIGUATION = 15, /**< csvc_tz_disambiguation_t: "compatible", ... "reject" */
	CSVC_ENUM_ZONE_SOURCE = 16,       /**< csvc_zone_source_t: "calendar", "store", "default", "none" */
	CSVC_ENUM_SLA_CALENDAR = 17,      /**< csvc_sla_calendar_t: "store", "named", "24x7" */
	CSVC_ENUM_SLA_STATUS = 18,        /**< csvc_sla_status_t: "running", "paused", ... "waiting" */
	CSVC_ENUM_SLA_ACTION = 19,        /**< csvc_sla_action_t: "raise_priority", "assign", "transition" */
	CSVC_ENUM_QUESTION_TYPE = 20,     /**< csvc_question_type_t: "likert", "nps", ... "text" */
	CSVC_ENUM_SURVEY_METHOD = 21,     /**< csvc_survey_method_t: "till", "receipt_qr", ... */
	CSVC_ENUM_REPORT_GROUP = 22,      /**< csvc_report_group_t: "store", "staff", ... "method" */
	CSVC_ENUM_REPORT_PERIOD = 23,     /**< csvc_report_period_t: "day", "week", "month", "quarter" */
	CSVC_ENUM_REPORT_METRIC = 24,     /**< csvc_report_metric_t: the JSON names of report figures,
	                                   * "csat", "nps_se", "response_p90_us" ... "weight" */
	CSVC_ENUM_SKILL_KIND = 25,        /**< csvc_skill_kind_t: "ticket_kind", "category", "language", "channel" */
	CSVC_ENUM_TEAM_KIND = 26,         /**< csvc_team_kind_t: "cs_group", "department" */
	CSVC_ENUM_STAFF_STATUS = 27,      /**< csvc_staff_status_t: "active", "inactive", "any" */
	CSVC_ENUM_PERMISSION = 28,        /**< csvc_permission_t: "customer_read_contacts", ... */
	CSVC_ENUM_ROLE_SCOPE = 29,        /**< csvc_role_scope_t: "store", "chain" */
	CSVC_ENUM_ROUTE_STRATEGY = 30,    /**< csvc_route_strategy_t: "round_robin", "least_load", "best_skill" */
	CSVC_ENUM_QUEUE_ORDER = 31,       /**< csvc_queue_order_t: "priority", "age" */
	CSVC_ENUM_APPRAISAL_SOURCE = 32,  /**< csvc_appraisal_source_t: "supervisor", "customer", "peer", "self" */
	CSVC_ENUM_APPRAISAL_CRITERION = 33, /**< csvc_appraisal_criterion_t: "customer_satisfaction", "efficiency",
	                                         "teamwork", "skill_growth" */
	CSVC_ENUM_CONSENT_PURPOSE = 34,     /**< csvc_consent_purpose_t: "service_contact", "survey", "marketing",
	                                         "profiling", "third_party" */
	CSVC_ENUM_CONSENT_STATE = 35        /**< csvc_consent_state_t: "given", "withdrawn" */
} csvc_enum_t;

/**
 * The machine name of `value` of enum `which`, or NULL when `which` is not
 * a csvc_enum_t or `value` has no name in it. The 0 of a value enum
 * ("not set", "any") has no name, except where 0 is a real value
 * (CSVC_OK, CSVC_DURABILITY_DEFAULT, CSVC_TZ_COMPATIBLE). Never fails and
 * leaves the thread's error record alone.
 *
 * @param which The enum.
 * @param value A value of that enum, known to this library or not.
 * @return The name, or NULL.
 *
 * Ownership: a static string, never to be freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_enum_name(csvc_enum_t which, int32_t value);

/**
 * Parses the machine name `name` of a value of enum `which` (exact,
 * case-sensitive: the spelling csvc_enum_name returns) and writes the
 * value to `*value`. Numbers and other spellings are not accepted.
 *
 * @param which The enum.
 * @param name The machine name, NUL-terminated.
 * @param value Receives the value; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL, unknown `which`, or no value of that name;
 *   `*value` is left unchanged).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_enum_parse(csvc_enum_t which, const char *name, int32_t *value);

CSVC_END_DECL

#endif
