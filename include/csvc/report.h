/**
 * @file
 * libcsvc - reports: satisfaction scores (CSAT, NPS, CES, SERVQUAL gaps,
 * CSI) and service KPIs (response and resolution times in business time,
 * SLA compliance, complaint timeliness, first-contact resolution, reopen
 * rate, backlog and ageing, time in each state, complaint rate), grouped by
 * store, staff member, channel, ticket kind, category, method or period.
 * docs/scoring.md defines every score and docs/reports.md every KPI.
 *
 * A report is an opaque, detached result: rows, each with a key and a set
 * of figures read by metric (csvc_report_metric_t), and the same as JSON
 * text. Figures that a report does not compute, or that are undefined
 * (no data), are NaN (null in JSON).
 *
 * Periods (days, weeks, months, quarters, the local dates of recorded
 * transactions) are cut in each store code's time zone: the zone of the
 * calendar attached to it, else the zone set for it
 * (csvc_calendar_set_store_zone), else the store-wide default
 * (csvc_calendar_set_default_zone), else UTC, in which case the report
 * logs one CSVC_LOG_WARN message naming the first such store code. The
 * period list of a report without a store_code is in the default zone,
 * else UTC. See csvc_calendar_tz_for_store and docs/reports.md.
 *
 * Thread safety: a csvc_report is a detached, read-only value: once
 * computed, any number of threads may read it at once, and only
 * csvc_report_free needs the caller to make sure no other thread still
 * uses it. csvc_report_query_init and csvc_report_dashboard_options_init
 * touch only the caller's struct. Calls that take a csvc_store follow the
 * store's rule: one thread at a time per store (store.h,
 * docs/threading.md).
 */
#ifndef CSVC_REPORT_H
#define CSVC_REPORT_H

#include "common.h"
#include "store.h"
#include "enum.h"

CSVC_BEGIN_DECL

/**
 * The most rows a report may have (about 1 KiB of memory each). A report
 * whose rows would exceed it fails with CSVC_ERANGE: with
 * CSVC_REPORT_BY_PERIOD the number of periods between `from` and `to` is
 * counted before any row is built (100,000 days is about 273 years);
 * other groupings stop at the first row past the limit.
 * @since 1.0
 */
#define CSVC_REPORT_MAX_ROWS 100000

/**
 * Grouping of a report's rows (csvc_report_query.group_by). 0: one row
 * for everything, keyed "all".
 * @since 1.0
 */
typedef enum csvc_report_group_t {
	CSVC_REPORT_BY_STORE = 1,    /**< store code */
	CSVC_REPORT_BY_STAFF = 2,    /**< tickets: assignee; responses: the staff member served by */
	CSVC_REPORT_BY_CHANNEL = 3,
	CSVC_REPORT_BY_KIND = 4,     /**< ticket kind */
	CSVC_REPORT_BY_CATEGORY = 5, /**< ticket category */
	CSVC_REPORT_BY_PERIOD = 6,   /**< trend: one row per period, in each store's time zone (see above) */
	CSVC_REPORT_BY_METHOD = 7    /**< survey method (scores only) */
} csvc_report_group_t;

/**
 * Periods for CSVC_REPORT_BY_PERIOD. 0 means month.
 * @since 1.0
 */
typedef enum csvc_report_period_t {
	CSVC_PERIOD_DAY = 1,     /**< key "2026-01-15" */
	CSVC_PERIOD_WEEK = 2,    /**< ISO 8601 week, Monday to Sunday, key "2026-W03" */
	CSVC_PERIOD_MONTH = 3,   /**< key "2026-01" */
	CSVC_PERIOD_QUARTER = 4  /**< key "2026-Q1" */
} csvc_report_period_t;

/**
 * The figures of a row. Shares are 0..1; "_LOW"/"_HIGH" are the bounds of
 * the Wilson 95 % interval of the share before them; times are
 * microseconds. Values are only appended.
 * @since 1.0
 */
typedef enum csvc_report_metric_t {
	/** scores (csvc_report_scores; the KPI report too) */
	CSVC_METRIC_RESPONSES = 1,        /**< survey responses */
	CSVC_METRIC_CSAT_N = 2,           /**< Likert answers */
	CSVC_METRIC_CSAT = 3,             /**< share of top-two-box Likert answers */
	CSVC_METRIC_CSAT_LOW = 4,
	CSVC_METRIC_CSAT_HIGH = 5,
	CSVC_METRIC_CSAT_MEAN = 6,        /**< mean Likert answer, on its own scale */
	CSVC_METRIC_NPS_N = 7,            /**< NPS answers */
	CSVC_METRIC_NPS = 8,              /**< points, -100..100 */
	CSVC_METRIC_NPS_SE = 9,           /**< standard error, points */
	CSVC_METRIC_NPS_PROMOTERS = 10,   /**< share of 9-10 */
	CSVC_METRIC_NPS_DETRACTORS = 11,  /**< share of 0-6 */
	CSVC_METRIC_CES_N = 12,
	CSVC_METRIC_CES_MEAN = 13,
	CSVC_METRIC_CSI_N = 14,           /**< Likert answers in the index */
	CSVC_METRIC_CSI = 15,             /**< 0..100 */
	CSVC_METRIC_CSI_TARGET = 16,
	CSVC_METRIC_CSI_MEETS_TARGET = 17,/**< 1 or 0 */
	CSVC_METRIC_SERVQUAL_N = 18,      /**< SERVQUAL pairs */
	CSVC_METRIC_SERVQUAL_GAP = 19,    /**< weighted perception minus expectation */
	/** KPIs (csvc_report_kpis) */
	CSVC_METRIC_TICKETS = 20,         /**< tickets created in the range */
	CSVC_METRIC_RESOLVED = 21,        /**< of those, resolved or closed at least once ("handled") */
	CSVC_METRIC_RESPONSE_N = 22,
	CSVC_METRIC_RESPONSE_MEAN = 23,   /**< first response, business time */
	CSVC_METRIC_RESPONSE_MEDIAN = 24,
	CSVC_METRIC_RESPONSE_P90 = 25,
	CSVC_METRIC_RESOLUTION_N = 26,
	CSVC_METRIC_RESOLUTION_MEAN = 27, /**< resolution, business time */
	CSVC_METRIC_RESOLUTION_MEDIAN = 28,
	CSVC_METRIC_RESOLUTION_P90 = 29,
	CSVC_METRIC_SLA_ON_TIME = 30,     /**< targets met on time */
	CSVC_METRIC_SLA_BREACHED = 31,    /**< targets breached (met late or not met) */
	CSVC_METRIC_SLA_COMPLIANCE = 32,  /**< on time / (on time + breached) */
	CSVC_METRIC_SLA_COMPLIANCE_LOW = 33,
	CSVC_METRIC_SLA_COMPLIANCE_HIGH = 34,
	CSVC_METRIC_COMPLAINTS = 35,      /**< tickets of kind "complaint" */
	CSVC_METRIC_COMPLAINT_24H = 36,   /**< share meeting target "respond" (handbook: 24 h) */
	CSVC_METRIC_COMPLAINT_48H = 37,   /**< share meeting target "handled" (48 h) */
	CSVC_METRIC_COMPLAINT_72H = 38,   /**< share meeting target "reported_back" (72 h) */
	CSVC_METRIC_FCR = 39,             /**< first-contact resolved tickets */
	CSVC_METRIC_FCR_RATE = 40,        /**< FCR / RESOLVED */
	CSVC_METRIC_FCR_LOW = 41,
	CSVC_METRIC_FCR_HIGH = 42,
	CSVC_METRIC_REOPENED = 43,        /**< resolved tickets reopened at least once */
	CSVC_METRIC_REOPEN_RATE = 44,     /**< REOPENED / RESOLVED */
	CSVC_METRIC_REOPEN_LOW = 45,
	CSVC_METRIC_REOPEN_HIGH = 46,
	CSVC_METRIC_BACKLOG = 47,         /**< unresolved tickets at the row's end time */
	CSVC_METRIC_AGE_UNDER_1D = 48,    /**< backlog aged [0, 1 d) */
	CSVC_METRIC_AGE_1_3D = 49,        /**< [1 d, 3 d) */
	CSVC_METRIC_AGE_3_7D = 50,        /**< [3 d, 7 d) */
	CSVC_METRIC_AGE_OVER_7D = 51,     /**< 7 d and more */
	CSVC_METRIC_TRANSACTIONS = 52,    /**< recorded transactions in the range */
	CSVC_METRIC_COMPLAINT_RATE = 53,  /**< complaints per 1,000 transactions */
	/** time in state (csvc_report_state_times) */
	CSVC_METRIC_STATE_VISITS = 54,
	CSVC_METRIC_STATE_TIME_TOTAL = 55,
	CSVC_METRIC_STATE_TIME_MEAN = 56,
	CSVC_METRIC_STATE_TIME_MEDIAN = 57,
	CSVC_METRIC_STATE_TIME_P90 = 58,
	/** per dimension (csvc_report_dimension_value) */
	CSVC_METRIC_SERVQUAL_EXPECTATION = 59, /**< mean expectation */
	CSVC_METRIC_SERVQUAL_PERCEPTION = 60,  /**< mean perception */
	CSVC_METRIC_WEIGHT = 61,               /**< the dimension's weight */
	/** per staff member (csvc_report_staff) */
	CSVC_METRIC_RESOLVED_IN_RANGE = 62,    /**< tickets resolved or closed in the range, whenever created */
	CSVC_METRIC_COMPLAINTS_RESOLVED = 63   /**< of the COMPLAINTS, resolved or closed at least once */
} csvc_report_metric_t;

/** Current version of csvc_report_query. @since 1.0 */
#define CSVC_REPORT_QUERY_VERSION 1

/**
 * What a report covers. Zero or NULL fields mean "any" or the default.
 * Tickets count when created in [from, to); responses when submitted in
 * [from, to). Filters are ANDed.
 * @since 1.0
 */
typedef struct csvc_report_query {
	uint32_t version;            /**< CSVC_REPORT_QUERY_VERSION */
	csvc_time_us from, to;       /**< required: from < to */
	const char *store_code;
	const char *staff;           /**< tickets: assignee; responses: staff member */
	const char *channel;
	const char *kind;            /**< ticket kind */
	const char *category;        /**< ticket category */
	const char *survey;          /**< survey name; NULL: every survey */
	int32_t survey_version;      /**< 0: every version */
	const char *question;        /**< scores from this question only */
	int32_t method;              /**< csvc_survey_method_t; 0: any */
	int32_t group_by;            /**< csvc_report_group_t; 0: one row */
	int32_t period;              /**< csvc_report_period_t; 0: month */
	int64_t min_sample;          /**< rows below it are flagged; 0: 30 */
	double csi_target;           /**< percent, 0..100 (else CSVC_ERANGE); 0: 85 (handbook default) */
	const char *response_target; /**< SLA target of first response; NULL: "first_response" or "respond" */
	const char *resolution_target; /**< NULL: "resolution" or "handled" */
} csvc_report_query;

/** Static initialiser (from and to must still be set). @since 1.0 */
#define CSVC_REPORT_QUERY_INIT \
	{ CSVC_REPORT_QUERY_VERSION, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, 0.0, NULL, NULL }

/**
 * Initialises `q` to the defaults of struct version `version` (pass
 * CSVC_REPORT_QUERY_VERSION): the same as CSVC_REPORT_QUERY_INIT, but writing only the
 * fields that `version` has, and `version` into q->version, so that a
 * program built against older headers passes its own, smaller version and
 * nothing past its struct is written (docs/conventions.md "Versioned
 * structs").
 *
 * @param q The caller's query struct.
 * @param version The caller's CSVC_REPORT_QUERY_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `q` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_query_init(csvc_report_query *q, unsigned int version);

/** A computed report (detached from the store). Opaque. @since 1.0 */
typedef struct csvc_report csvc_report;

/**
 * Computes the satisfaction scores of the responses in range, one row per
 * group (with CSVC_REPORT_BY_PERIOD, one row per period from `from` to
 * `to`, empty periods included), each with per-dimension figures.
 *
 * @param store The open store.
 * @param q The query, read as far as its `version` goes.
 * @param out Receives the report.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `q` or `out`; a query whose version
 *   is newer than the library knows, from >= to, an unknown grouping,
 *   period or method, a negative min_sample or survey_version, a
 *   survey_version without a survey, a NaN csi_target; a store code with
 *   spaces or characters other than printable ASCII, a channel, kind,
 *   survey, question or target name with characters outside [a-z0-9_.-],
 *   a staff member or category that is not UTF-8 or has control
 *   characters), CSVC_ERANGE (csi_target outside 0..100; an empty store
 *   code or one longer than 32 bytes, an empty machine name or one longer
 *   than 64 bytes, a staff member or category too long; more than
 *   CSVC_REPORT_MAX_ROWS rows: see there; a period boundary outside
 *   CSVC_TZ_MIN_US .. CSVC_TZ_MAX_US), CSVC_ENOTFOUND (the survey named in the query, or that version of it;
 *   a store code's
 *   time zone is set but not available: see csvc_calendar_tz_for_store),
 *   CSVC_ECORRUPT (stored data that does not fit, such as an answer to a
 *   question its survey does not have, a damaged zone or calendar, a
 *   damaged database), CSVC_EBUSY, CSVC_ESTORAGE (also: a zone file that
 *   could not be read), CSVC_ENOMEM.
 *
 * Ownership: the report is detached from the store; the caller owns
 * `*out`, written only on success, and frees it with csvc_report_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_scores(csvc_store *store, const csvc_report_query *q, csvc_report **out);

/**
 * Computes the service KPIs of the tickets created in range (backlog: of
 * the tickets unresolved at each row's end), with the satisfaction figures
 * of the responses in range in the same grouping.
 *
 * @param store The open store.
 * @param q The query, read as far as its `version` goes.
 * @param out Receives the report.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `q` or `out`; a query whose version
 *   is newer than the library knows, from >= to, an unknown grouping,
 *   period or method, CSVC_REPORT_BY_METHOD (refused here),
 *   a negative min_sample or survey_version, a
 *   survey_version without a survey, a NaN csi_target; a store code with
 *   spaces or characters other than printable ASCII, a channel, kind,
 *   survey, question or target name with characters outside [a-z0-9_.-],
 *   a staff member or category that is not UTF-8 or has control
 *   characters), CSVC_ERANGE (csi_target outside 0..100; an empty store
 *   code or one longer than 32 bytes, an empty machine name or one longer
 *   than 64 bytes, a staff member or category too long; more than
 *   CSVC_REPORT_MAX_ROWS rows: see there; a period boundary outside
 *   CSVC_TZ_MIN_US .. CSVC_TZ_MAX_US), CSVC_ENOTFOUND (the survey named in the query, or that version of it;
 *   a store code's
 *   time zone is set but not available: see csvc_calendar_tz_for_store),
 *   CSVC_ECORRUPT (stored data that does not fit, such as an answer to a
 *   question its survey does not have, a damaged zone or calendar, a
 *   damaged database), CSVC_EBUSY, CSVC_ESTORAGE (also: a zone file that
 *   could not be read), CSVC_ENOMEM.
 *
 * Ownership: the report is detached from the store; the caller owns
 * `*out`, written only on success, and frees it with csvc_report_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_kpis(csvc_store *store, const csvc_report_query *q, csvc_report **out);

/**
 * Computes SLA compliance per target name (one row per name, e.g.
 * "first_response", "respond"): on time, breached, compliance with its
 * interval, for the tickets created in range. `group_by` is ignored (but
 * still checked).
 *
 * @param store The open store.
 * @param q The query, read as far as its `version` goes.
 * @param out Receives the report.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `q` or `out`; a query whose version
 *   is newer than the library knows, from >= to, an unknown grouping,
 *   period or method, a negative min_sample or survey_version, a
 *   survey_version without a survey, a NaN csi_target; a store code with
 *   spaces or characters other than printable ASCII, a channel, kind,
 *   survey, question or target name with characters outside [a-z0-9_.-],
 *   a staff member or category that is not UTF-8 or has control
 *   characters), CSVC_ERANGE (csi_target outside 0..100; an empty store
 *   code or one longer than 32 bytes, an empty machine name or one longer
 *   than 64 bytes, a staff member or category too long; more than
 *   CSVC_REPORT_MAX_ROWS rows: see there; a period boundary outside
 *   CSVC_TZ_MIN_US .. CSVC_TZ_MAX_US), CSVC_ENOTFOUND (the survey named in the query, or that version of it;
 *   a store code's
 *   time zone is set but not available: see csvc_calendar_tz_for_store),
 *   CSVC_ECORRUPT (stored data that does not fit, such as an answer to a
 *   question its survey does not have, a damaged zone or calendar, a
 *   damaged database), CSVC_EBUSY, CSVC_ESTORAGE (also: a zone file that
 *   could not be read), CSVC_ENOMEM.
 *
 * Ownership: the report is detached from the store; the caller owns
 * `*out`, written only on success, and frees it with csvc_report_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_sla(csvc_store *store, const csvc_report_query *q, csvc_report **out);

/**
 * Computes the time spent in each state by the tickets created in range,
 * one row per "workflow/state" (visits, total, mean, median and p90
 * wall-clock time; the current state counts up to the store clock).
 * `group_by` is ignored (but still checked).
 *
 * @param store The open store.
 * @param q The query, read as far as its `version` goes.
 * @param out Receives the report.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `q` or `out`; a query whose version
 *   is newer than the library knows, from >= to, an unknown grouping,
 *   period or method, a negative min_sample or survey_version, a
 *   survey_version without a survey, a NaN csi_target; a store code with
 *   spaces or characters other than printable ASCII, a channel, kind,
 *   survey, question or target name with characters outside [a-z0-9_.-],
 *   a staff member or category that is not UTF-8 or has control
 *   characters), CSVC_ERANGE (csi_target outside 0..100; an empty store
 *   code or one longer than 32 bytes, an empty machine name or one longer
 *   than 64 bytes, a staff member or category too long; more than
 *   CSVC_REPORT_MAX_ROWS rows: see there; a period boundary outside
 *   CSVC_TZ_MIN_US .. CSVC_TZ_MAX_US), CSVC_ENOTFOUND (the survey named in the query, or that version of it;
 *   a store code's
 *   time zone is set but not available: see csvc_calendar_tz_for_store),
 *   CSVC_ECORRUPT (stored data that does not fit, such as an answer to a
 *   question its survey does not have, a damaged zone or calendar, a
 *   damaged database), CSVC_EBUSY, CSVC_ESTORAGE (also: a zone file that
 *   could not be read), CSVC_ENOMEM.
 *
 * Ownership: the report is detached from the store; the caller owns
 * `*out`, written only on success, and frees it with csvc_report_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_state_times(csvc_store *store, const csvc_report_query *q, csvc_report **out);

/**
 * Computes one staff member's figures for a periodic appraisal: the KPI
 * report (csvc_report_kpis) of the tickets assigned to `q->staff` and
 * created in range, with the satisfaction figures of the responses in
 * range that name them (by default a ticket's survey names its assignee),
 * and two figures of its own: CSVC_METRIC_RESOLVED_IN_RANGE (their
 * tickets resolved or closed in range, whenever created, each counted
 * once) and CSVC_METRIC_COMPLAINTS_RESOLVED (their complaints created in
 * range and resolved or closed at least once). Response and resolution
 * times are business time, as in the KPI report; SLA_ON_TIME,
 * SLA_BREACHED and SLA_COMPLIANCE count the targets of their tickets,
 * COMPLAINT_24H, _48H and _72H the share of their complaints within each
 * deadline. "Assigned" is the ticket's current assignee.
 *
 * Ungrouped, the report has one row keyed by the staff code; with
 * CSVC_REPORT_BY_PERIOD one row per period (tickets by creation, the
 * resolved ones by the time they were resolved). The query's other
 * filters (store, channel, kind, category, targets) apply as in
 * csvc_report_kpis.
 *
 * @param store The open store.
 * @param q The query, read as far as its `version` goes; `staff` is
 *          required and names a staff member of the directory.
 * @param out Receives the report.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Access: reports_read and the store scope of every report; with access
 * control on, a principal reading their own report (`q->staff` is the
 * principal) needs neither, as their tickets are theirs in any store.
 *
 * Errors: CSVC_EACCESS (refused by access control, as above),
 * CSVC_EINVAL (NULL `store`, `q` or `out`; no `q->staff`; a grouping
 *   other than none or CSVC_REPORT_BY_PERIOD; and every query error of
 *   csvc_report_kpis), CSVC_ERANGE (as csvc_report_kpis),
 *   CSVC_ENOTFOUND (no staff member with that code; the survey named in
 *   the query; a store code's time zone is set but not available),
 *   CSVC_ECORRUPT (stored data that does not fit, a damaged database),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 *
 * Ownership: the report is detached from the store; the caller owns
 * `*out`, written only on success, and frees it with csvc_report_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_staff(csvc_store *store, const csvc_report_query *q, csvc_report **out);

/**
 * Frees a report and its rows.
 *
 * @param r The report, or NULL (a no-op).
 *
 * Ownership: takes `r` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_report_free(csvc_report *r);

/**
 * The number of rows of the report.
 *
 * @param r The report.
 * @return The number of rows, or 0 if `r` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_report_row_count(const csvc_report *r);

/**
 * The key of row `i`: "all", a store code, staff member, channel, kind,
 * category, method name, period key or "workflow/state"; "" when the
 * grouped field is not set.
 *
 * @param r The report.
 * @param i The row.
 * @return The key, or NULL when `i` is out of range or `r` is NULL.
 *
 * Ownership: borrowed from `r`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_report_key(const csvc_report *r, size_t i);

/**
 * For period rows: the period's start as local wall-clock microseconds
 * (zone-free, as csvc_tz_utc_to_local gives; split it with
 * csvc_civil_from_local).
 *
 * @param r The report.
 * @param i The row.
 * @return The start, or 0 for other rows, when `i` is out of range or
 *         `r` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_report_period_start(const csvc_report *r, size_t i);

/**
 * Figure `metric` (csvc_report_metric_t) of row `i`.
 *
 * @param r The report.
 * @param i The row.
 * @param metric The figure to read.
 * @return The figure; NaN when the report does not compute it, it is
 *         undefined (no data), `metric` is unknown, `i` is out of range
 *         or `r` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(double) csvc_report_value(const csvc_report *r, size_t i, csvc_report_metric_t metric);

/**
 * Tells whether row `i` rests on fewer observations than the query's
 * min_sample (responses for scores, tickets for KPIs, visits for states,
 * decided targets for SLA rows). Such rows are still reported.
 *
 * @param r The report.
 * @param i The row.
 * @return 1 if the row's sample is low, else 0 (also when `i` is out of
 *         range or `r` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_low_sample(const csvc_report *r, size_t i);

/**
 * The number of survey dimensions with figures (scores and KPI reports;
 * 0 for the others).
 *
 * @param r The report.
 * @return The number of dimensions, or 0 if `r` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_report_dimension_count(const csvc_report *r);

/**
 * The name of dimension `d`.
 *
 * @param r The report.
 * @param d The dimension's position.
 * @return The name, or NULL when `d` is out of range or `r` is NULL.
 *
 * Ownership: borrowed from `r`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_report_dimension_name(const csvc_report *r, size_t d);

/**
 * Figure `metric` of dimension `d` in row `i`: CSVC_METRIC_CSI_N,
 * CSVC_METRIC_CSI (the dimension's mean rescaled to 0..100),
 * CSVC_METRIC_SERVQUAL_N, CSVC_METRIC_SERVQUAL_GAP,
 * CSVC_METRIC_SERVQUAL_EXPECTATION, CSVC_METRIC_SERVQUAL_PERCEPTION or
 * CSVC_METRIC_WEIGHT.
 *
 * @param r The report.
 * @param i The row.
 * @param d The dimension's position.
 * @param metric One of the metrics above.
 * @return The figure; NaN for any other metric, an undefined figure, `i`
 *         or `d` out of range, or `r` NULL.
 * @since 1.0
 */
CSVC_EXTERN(double) csvc_report_dimension_value(const csvc_report *r, size_t i, size_t d,
                                                    csvc_report_metric_t metric);

/**
 * Writes the report as JSON text to a new NUL-terminated string:
 * {"report": type, "from", "to", "group_by", "period", "min_sample",
 * "dimensions": [...], "rows": [{"key", "period_start"?, "low_sample",
 * "metrics": {name: value}, "dimensions": {name: {metric: value}}}]}.
 * Metric names are csvc_enum_name(CSVC_ENUM_REPORT_METRIC, metric)
 * ("csat", "nps_se", "response_p90_us"...); undefined figures are null.
 * Numbers are written as printf's "%.15g" in the C locale, or "%.17g" when
 * 15 digits do not read back exactly, whatever the process's LC_NUMERIC
 * locale (always a '.' decimal point). Writes `*out` only on success.
 *
 * @param r The report.
 * @param out Receives the text.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_to_json(const csvc_report *r, char **out);

/**
 * Records the number of sales transactions of store `store_code` on local
 * date `date` (YYYYMMDD, in the store code's time zone: see above),
 * replacing an earlier count, for the complaint rate.
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @param date The local date, YYYYMMDD.
 * @param count The number of transactions, 0 or more.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `store_code`, a store code with
 *   spaces or characters other than printable ASCII, a date that is not a
 *   valid YYYYMMDD from year 1 to 9999, a negative count), CSVC_ERANGE (an
 *   empty store code or one longer than 32 bytes), CSVC_EREADONLY (a
 *   read-only store), CSVC_ESTATE (inside a transaction aborted by a
 *   storage failure), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the
 *   database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_record_transactions(csvc_store *store, const char *store_code, int32_t date,
                                                 int64_t count);

/*
 * The store manager's dashboard (csvc_report_dashboard_html).
 * ---------------------------------------------------------------------
 */

/** Current version of csvc_report_dashboard_options. @since 1.0 */
#define CSVC_REPORT_DASHBOARD_OPTIONS_VERSION 1

/** The most bytes of a dashboard's title and period label. @since 1.0 */
#define CSVC_REPORT_DASHBOARD_MAX_TEXT 256

/** The most categories a dashboard may list. @since 1.0 */
#define CSVC_REPORT_DASHBOARD_MAX_CATEGORIES 100

/**
 * What a dashboard covers and how it is labelled. Zero or NULL fields
 * mean the default; `from` and `to` are required.
 * @since 1.0
 */
typedef struct csvc_report_dashboard_options {
	uint32_t version;            /**< CSVC_REPORT_DASHBOARD_OPTIONS_VERSION */
	csvc_time_us from, to;       /**< required: from < to (tickets created, responses submitted) */
	const char *store_code;      /**< one store; NULL: every store */
	const char *title;           /**< single-line text; NULL: "客户服务看板" */
	const char *period_label;    /**< single-line text shown with the title, such as
	                                "2026-Q4 (Asia/Shanghai)"; NULL: the range as local dates */
	int64_t min_sample;          /**< as csvc_report_query; 0: 30 */
	double csi_target;           /**< as csvc_report_query; 0: 85 */
	int64_t response_target_us;  /**< target of the mean first response; 0: 30 minutes (handbook) */
	int32_t top_categories;      /**< categories listed, 1..CSVC_REPORT_DASHBOARD_MAX_CATEGORIES; 0: 8 */
} csvc_report_dashboard_options;

/** Static initialiser (from and to must still be set). @since 1.0 */
#define CSVC_REPORT_DASHBOARD_OPTIONS_INIT \
	{ CSVC_REPORT_DASHBOARD_OPTIONS_VERSION, 0, 0, NULL, NULL, NULL, 0, 0.0, 0, 0 }

/**
 * Initialises the fields of `o` that version `version` of the struct has
 * (as CSVC_REPORT_DASHBOARD_OPTIONS_INIT) and sets its version
 * (docs/conventions.md, "Versioned structs").
 *
 * @param o The caller's options struct.
 * @param version The caller's CSVC_REPORT_DASHBOARD_OPTIONS_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `o` is NULL, or `version` is 0 or newer than the
 *   library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_dashboard_options_init(csvc_report_dashboard_options *o, unsigned int version);

/**
 * Builds a self-contained HTML5 page for a store manager: KPI tiles against
 * their targets (CSI against csi_target, the mean first response against
 * response_target_us, the complaint deadlines of 24, 48 and 72 h), ticket
 * and rate trends by ISO week and by month, the stores side by side, SLA
 * compliance per target, time in each state with the bottleneck marked,
 * CSAT and NPS with their 95 % intervals, and the top categories.
 *
 * It is built from csvc_report_kpis (ungrouped, by week, by month, by
 * store, by category), csvc_report_sla and csvc_report_state_times over
 * the same range and store, whose JSON (csvc_report_to_json) is embedded
 * in `<script type="application/json" id="report-data">`, as
 * {"dashboard": 1, "title", "period_label", "store_code", "from", "to",
 * "generated_at", "zone", "targets": {...}, "reports": {"kpis", "weeks",
 * "months", "stores", "categories", "sla", "states"}}. Each number shown
 * carries data-report, data-key, data-metric and data-value (the JSON
 * number as in the report); dates are cut in the zone of `store_code`
 * (else the default zone, else UTC), as the reports do.
 *
 * The page loads nothing: inline CSS and SVG, no script, system fonts (a
 * list of common CJK ones), and a Content-Security-Policy that forbids
 * every fetch. Text from the store (store codes, categories, states, the
 * title) is escaped (& < > " '). Layout holds from phone to desktop width.
 *
 * @param store The open store.
 * @param opts Range, store, labels and targets, read as far as their
 *             `version` goes.
 * @param html Receives the page, NUL-terminated.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, an options version newer than the
 *   library knows, from >= to, an empty title, a title or period label
 *   that is not UTF-8 or has control characters, a NaN csi_target, a store
 *   code with spaces or characters other than printable ASCII, a negative
 *   min_sample), CSVC_ERANGE (a title or period label longer than
 *   CSVC_REPORT_DASHBOARD_MAX_TEXT, top_categories outside
 *   0..CSVC_REPORT_DASHBOARD_MAX_CATEGORIES, a negative
 *   response_target_us, csi_target outside 0..100, an empty store code or
 *   one longer than 32 bytes, more than CSVC_REPORT_MAX_ROWS rows in one
 *   of its reports, a period boundary outside CSVC_TZ_MIN_US ..
 *   CSVC_TZ_MAX_US), CSVC_ENOTFOUND (a store code's time zone is set but
 *   not available: see csvc_calendar_tz_for_store), CSVC_ECORRUPT (stored
 *   data that does not fit, a damaged zone or calendar, a damaged
 *   database), CSVC_EBUSY, CSVC_ESTORAGE (also: a zone file that could not
 *   be read), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*html`, written only on success, and frees
 * it with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_report_dashboard_html(csvc_store *store, const csvc_report_dashboard_options *opts,
                                            char **html);

CSVC_END_DECL

#endif /* CSVC_REPORT_H */
