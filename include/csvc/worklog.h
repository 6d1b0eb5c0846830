/**
 * @file
 * libcsvc - time worked on tickets (工时): who worked on which ticket, for
 * how long, append-only. An entry is a duration in microseconds (as every
 * duration in libcsvc) starting at an instant; totals add durations up
 * per ticket, per staff member and per period, for service cost and
 * appraisal. See docs/queues.md ("Time worked").
 *
 * Thread safety: a csvc_worklog is a detached value (its getters may run
 * in several threads at once). Calls that take a csvc_store follow the
 * store's rule: one thread at a time per store (store.h).
 */
#ifndef CSVC_WORKLOG_H
#define CSVC_WORKLOG_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

/** The longest entry: 24 hours, in microseconds. @since 1.0 */
#define CSVC_WORK_MAX_DURATION_US ((int64_t)24 * 3600 * 1000000)
#define CSVC_WORK_MAX_NOTE 4096 /**< bytes of a note */
#define CSVC_WORK_MAX_KIND 64   /**< a kind of work: [a-z0-9_.-] */

/** Current version of csvc_work_entry. @since 1.0 */
#define CSVC_WORK_ENTRY_VERSION 1

/**
 * One entry of time worked. To log, give the staff member and either
 * `duration_us` (ending now, or at `ended_at`, or starting at
 * `started_at`) or `started_at` and `ended_at`; when all three are given
 * they must agree. Read back, every field is set (strings borrowed from
 * the csvc_worklog).
 * @since 1.0
 */
typedef struct csvc_work_entry {
	uint32_t version;
	const char *staff;        /**< the staff code of who worked (must exist) */
	int64_t duration_us;      /**< microseconds, 1 to CSVC_WORK_MAX_DURATION_US; 0: from the instants */
	csvc_time_us started_at;  /**< start of the work; 0: not given */
	csvc_time_us ended_at;    /**< end of the work; 0: not given (never after the store's now) */
	const char *kind;         /**< a kind of work (machine name), or NULL */
	const char *note;         /**< free text, or NULL */
	const char *actor;        /**< read back: who logged it (ignored when logging) */
	csvc_time_us recorded_at; /**< read back: when it was logged (ignored when logging) */
} csvc_work_entry;

/** Static initialiser. @since 1.0 */
#define CSVC_WORK_ENTRY_INIT { CSVC_WORK_ENTRY_VERSION, NULL, 0, 0, 0, NULL, NULL, NULL, 0 }

/**
 * Initialises `e` to the defaults of struct version `version` (pass
 * CSVC_WORK_ENTRY_VERSION), writing only the fields that version has.
 *
 * @param e The caller's entry.
 * @param version The caller's CSVC_WORK_ENTRY_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 * Errors: CSVC_EINVAL (NULL `e`, a version 0 or newer than the library
 *   knows; nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_work_entry_init(csvc_work_entry *e, unsigned int version);

/**
 * Records time worked on ticket `ticket`, in the entry's ticket's store,
 * with a `work_logged` entry in the change feed. The ticket itself does
 * not change (no event, no new revision).
 *
 * @param store The open store.
 * @param ticket The ticket's id.
 * @param e The entry (read as far as its version goes; copied).
 * @param actor Who logged it (1 to CSVC_TICKET_MAX_PERSON bytes), or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument, a struct version newer than the
 * library knows, no staff, no duration, instants that disagree or end
 * after now, a bad kind, note or actor), CSVC_ERANGE (a duration above
 * CSVC_WORK_MAX_DURATION_US or not positive, text too long),
 * CSVC_ENOTFOUND (no such ticket or staff member), CSVC_EACCESS (the
 * principal may not update tickets, the ticket is outside their scope,
 * or the entry names someone else and they may not manage staff),
 * CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * Nothing is written on failure.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_log_work(csvc_store *store, const csvc_uuid *ticket, const csvc_work_entry *e,
                                      const char *actor);

/** A ticket's entries of time worked (detached value). Opaque. @since 1.0 */
typedef struct csvc_worklog csvc_worklog;

/**
 * Reads the entries of time worked on a ticket, by start of the work,
 * then in the order logged.
 *
 * @param store The open store.
 * @param ticket The ticket's id.
 * @param out Receives the entries; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL argument), CSVC_ENOTFOUND (no such ticket),
 * CSVC_EACCESS (the principal may not read tickets, or the ticket is
 * outside their scope), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 * Ownership: the caller frees `*out` with csvc_worklog_free(); it stays
 * valid after the store is closed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_ticket_work(csvc_store *store, const csvc_uuid *ticket, csvc_worklog **out);
/** The number of entries (0 for NULL). @param log The entries. @return The count. @since 1.0 */
CSVC_EXTERN(size_t) csvc_worklog_count(const csvc_worklog *log);
/**
 * Entry `i` into `out`, as far as `out->version` goes; its strings are
 * borrowed from `log`.
 *
 * @param log The entries.
 * @param i The index, below csvc_worklog_count().
 * @param out The caller's entry, its `version` set.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL argument, a bad version), CSVC_ERANGE (`i` out
 * of range).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_worklog_at(const csvc_worklog *log, size_t i, csvc_work_entry *out);
/**
 * Frees entries read with csvc_ticket_work().
 * @param log The entries, or NULL (a no-op).
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_worklog_free(csvc_worklog *log);

/** Current version of csvc_work_query. @since 1.0 */
#define CSVC_WORK_QUERY_VERSION 1

/**
 * Which entries csvc_work_total() adds up (AND of the fields set);
 * zero/NULL fields do not filter. The period is on the start of the work:
 * `from` included, `to` excluded.
 * @since 1.0
 */
typedef struct csvc_work_query {
	uint32_t version;
	const csvc_uuid *ticket;  /**< one ticket's entries */
	const char *staff;        /**< one staff member's entries */
	const char *store_code;   /**< entries on tickets of this store */
	const char *kind;         /**< entries of this kind of work */
	csvc_time_us from, to;    /**< started in [from, to) */
} csvc_work_query;

/** Static initialiser. @since 1.0 */
#define CSVC_WORK_QUERY_INIT { CSVC_WORK_QUERY_VERSION, NULL, NULL, NULL, NULL, 0, 0 }

/**
 * Initialises `q` to the defaults of struct version `version` (pass
 * CSVC_WORK_QUERY_VERSION), writing only the fields that version has.
 *
 * @param q The caller's query.
 * @param version The caller's CSVC_WORK_QUERY_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 * Errors: CSVC_EINVAL (NULL `q`, a version 0 or newer than the library
 *   knows; nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_work_query_init(csvc_work_query *q, unsigned int version);

/**
 * Adds up the time worked that `q` selects (NULL: every entry). A
 * principal limited to one store counts that store's tickets only.
 *
 * @param store The open store.
 * @param q The filters, read as far as their version goes, or NULL.
 * @param total_us Receives the total in microseconds; written only on success.
 * @param entries Receives the number of entries added up, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `store` or `total_us`, a bad version, bad
 * text, `to` not after `from`), CSVC_ERANGE (text too long),
 * CSVC_ENOTFOUND (no such ticket or staff member), CSVC_EACCESS (the
 * principal may not read reports, or names a store or ticket outside
 * their scope), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_work_total(csvc_store *store, const csvc_work_query *q, int64_t *total_us,
                                 int64_t *entries);

CSVC_END_DECL

#endif /* CSVC_WORKLOG_H */
