/**
 * @file
 * libcsvc - business calendars: when a retail store's service desk is
 * open, and exact business-time arithmetic (is it open, when does it next
 * open, when is a duration of business time used up, how much business
 * time lies between two instants).
 *
 * A calendar has an IANA time zone, one or more effective-dated weekly
 * schedules (any number of working intervals a day, intervals that cross
 * midnight, 24/7), holidays and special days. It is built from its JSON
 * text form (see docs/calendars.md for the format and the exact
 * semantics) and is then an immutable, detached value: it needs no store
 * and may be shared by any number of threads.
 *
 * Semantics in brief: working intervals are half-open [start, end) in
 * local wall-clock time, so an instant equal to a closing time is closed.
 * csvc_calendar_add(t, d) returns the earliest instant b such that [t, b)
 * holds exactly d microseconds of business time, moved on to the next
 * opening when b is not open (so a duration that runs out exactly at
 * 18:00 closing gives the next opening, as Request Tracker's
 * Business::Hours does). Every operation is exact to the microsecond.
 */
#ifndef CSVC_CALENDAR_H
#define CSVC_CALENDAR_H

#include "common.h"
#include "store.h"
#include "tz.h"

CSVC_BEGIN_DECL

/** A business calendar. Opaque and immutable. @since 1.0 */
typedef struct csvc_calendar csvc_calendar;

/**
 * The instants calendar operations accept and return:
 * 1900-01-01T00:00:00Z (inclusive) to 2200-01-01T00:00:00Z (exclusive).
 * Dates in the text form (holidays, special days, version starts) lie in
 * 1900-01-01 .. 2199-12-31.
 * @since 1.0
 */
#define CSVC_CALENDAR_MIN_US ((int64_t)-2208988800 * 1000000)
/** See CSVC_CALENDAR_MIN_US. @since 1.0 */
#define CSVC_CALENDAR_MAX_US ((int64_t)7258118400 * 1000000)

/** Longest calendar text accepted, in bytes. @since 1.0 */
#define CSVC_CALENDAR_TEXT_MAX (4 * 1024 * 1024)
/** Most working intervals in one day's list. @since 1.0 */
#define CSVC_CALENDAR_DAY_INTERVALS_MAX 48
/** Most effective-dated versions in a calendar. @since 1.0 */
#define CSVC_CALENDAR_VERSIONS_MAX 256
/** Most holidays plus special days in a calendar. @since 1.0 */
#define CSVC_CALENDAR_DAYS_MAX 50000
/** Longest calendar name in the store, in bytes. @since 1.0 */
#define CSVC_CALENDAR_NAME_MAX 128
/** Longest retail store code, in bytes. @since 1.0 */
#define CSVC_STORE_CODE_MAX 32

/** Current version of csvc_calendar_options. @since 1.0 */
#define CSVC_CALENDAR_OPTIONS_VERSION 1

/**
 * How a calendar finds its time zone. Zero in any field means its
 * default; fields are only appended.
 * @since 1.0
 */
typedef struct csvc_calendar_options {
	uint32_t version;
	/** Directory of TZif files; NULL means "/usr/share/zoneinfo". */
	const char *zoneinfo_dir;
	/** A zone to use instead of loading one (for devices without tzdata):
	 * its csvc_tz_name() must equal the text's "zone". The calendar keeps
	 * its own copy, so `tz` may be freed afterwards. NULL: load by name. */
	const csvc_tz *tz;
} csvc_calendar_options;

/** Static initialiser for csvc_calendar_options. @since 1.0 */
#define CSVC_CALENDAR_OPTIONS_INIT { CSVC_CALENDAR_OPTIONS_VERSION, NULL, NULL }

/**
 * Initialises `opts` to the defaults of struct version `version` (pass
 * CSVC_CALENDAR_OPTIONS_VERSION): the same as CSVC_CALENDAR_OPTIONS_INIT, but writing only the
 * fields that `version` has, and `version` into opts->version, so that a
 * program built against older headers passes its own, smaller version and
 * nothing past its struct is written (docs/conventions.md "Versioned
 * structs").
 * Errors: CSVC_EINVAL if `opts` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_options_init(csvc_calendar_options *opts, unsigned int version);

/**
 * Builds a calendar from its JSON text form: `len` bytes at `text` (no
 * terminating NUL needed; a NUL byte inside is an error). `opts` may be
 * NULL for defaults. Writes `*out` only on success.
 * Errors: CSVC_EINVAL (NULL arguments, unsupported options version, text
 *   that is not strict JSON or not a valid calendar: the message names the
 *   problem and its line, column and byte offset),
 *   CSVC_ERANGE (text longer than CSVC_CALENDAR_TEXT_MAX, or more
 *   intervals, versions or days than the documented maxima),
 *   CSVC_ENOTFOUND (the zone does not exist), CSVC_ECORRUPT (its zone file
 *   is damaged), CSVC_ENOMEM.
 * Ownership: free with csvc_calendar_free().
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_parse(csvc_calendar **out, const char *text, size_t len,
                                     const csvc_calendar_options *opts);

/**
 * Writes the calendar's canonical JSON text (one line, fixed key order,
 * every weekday listed, intervals and dates sorted) to a new NUL-terminated
 * string. Parsing it gives an identical calendar, and serialising that
 * gives the same text again.
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ENOMEM.
 * Ownership: free `*out` with csvc_free().
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_to_json(const csvc_calendar *cal, char **out);

/**
 * Frees a calendar. NULL is a no-op.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_calendar_free(csvc_calendar *cal);

/**
 * The calendar's zone name, borrowed from the calendar. NULL if `cal` is
 * NULL.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_calendar_zone(const csvc_calendar *cal);

/**
 * The calendar's time zone, borrowed from the calendar (valid until it is
 * freed). NULL if `cal` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_tz *) csvc_calendar_tz(const csvc_calendar *cal);

/**
 * Sets `*open` to 1 if the calendar is open at instant `t`, else 0.
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (`t` outside
 *   CSVC_CALENDAR_MIN_US .. CSVC_CALENDAR_MAX_US).
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_is_open(const csvc_calendar *cal, csvc_time_us t, int32_t *open);

/**
 * The first instant at or after `t` at which the calendar is open (`t`
 * itself when open).
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (`t` or the result out
 *   of range), CSVC_ENOTFOUND (the calendar never opens again).
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_next_open(const csvc_calendar *cal, csvc_time_us t, csvc_time_us *out);

/**
 * The due instant of `duration_us` microseconds of business time counted
 * from `t`: the earliest instant b such that [t, b) contains exactly
 * `duration_us` microseconds of open time, or the next opening after b
 * when b is not open (a duration that runs out exactly at a closing time
 * gives the next opening). A duration of 0 gives `t` if open, else the
 * next opening. For every t and u >= t,
 * add(t, between(t, u)) == next_open(u), and add(add(t, a), b) ==
 * add(t, a + b). The cost does not depend on the duration.
 * Errors: CSVC_EINVAL (NULL arguments, negative duration), CSVC_ERANGE
 *   (`t` or the result out of range), CSVC_ENOTFOUND (the calendar does
 *   not have that much business time left).
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_add(const csvc_calendar *cal, csvc_time_us t, int64_t duration_us,
                                   csvc_time_us *due);

/**
 * The business time, in microseconds, in [from, to): how long the calendar
 * is open between the two instants. Negative (minus the business time in
 * [to, from)) when `to` is before `from`. Additive: between(a, b) +
 * between(b, c) == between(a, c).
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (an instant out of
 *   range).
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_between(const csvc_calendar *cal, csvc_time_us from, csvc_time_us to,
                                       int64_t *business_us);

/* ---- calendars in the store ---- */

/**
 * Saves `cal` in the store under `name` (1 to CSVC_CALENDAR_NAME_MAX bytes
 * of UTF-8), as its canonical text. A new name gets a new UUID and its
 * creation time from the store's clock; saving over an existing name
 * replaces the calendar, keeping its UUID and creation time, and affects
 * every store code attached to it. The TZif data of the calendar's zone
 * (as the calendar was built: from a zoneinfo file, or from the `tz` of
 * its options) is kept in the store too, replacing the store's copy of
 * that zone, so that the calendar loads where there is no zoneinfo
 * directory (docs/calendars.md).
 * Errors: CSVC_EINVAL (NULL arguments, invalid name), CSVC_ERANGE (name
 *   too long), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 * Thread safety: as for the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_save(csvc_store *store, const char *name, const csvc_calendar *cal);

/**
 * Loads the calendar saved as `name`. `opts` (may be NULL) says how to
 * find its time zone: `opts->tz` when given; else the TZif data the store
 * keeps for the zone (see csvc_calendar_add_zone); else the file in
 * `opts->zoneinfo_dir` (NULL: "/usr/share/zoneinfo"). Writes `*out` only
 * on success.
 * Errors: CSVC_EINVAL (NULL arguments, invalid name), CSVC_ENOTFOUND (no
 *   such calendar, or its zone is neither kept in the store nor in the
 *   zoneinfo directory: the message names the zone and how to supply it),
 *   CSVC_ECORRUPT (the stored text is not a valid calendar, or the store's
 *   copy of its zone is damaged), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 * Ownership: the calendar is detached from the store; free it with
 *   csvc_calendar_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_load(csvc_store *store, const char *name,
                                    const csvc_calendar_options *opts, csvc_calendar **out);

/**
 * The UUID and the creation and last-save times of the calendar saved as
 * `name`. Any output pointer may be NULL. Outputs are written only on
 * success.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_info(csvc_store *store, const char *name, csvc_uuid *uuid,
                                    csvc_time_us *created_us, csvc_time_us *updated_us);

/**
 * Deletes the calendar saved as `name`.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, CSVC_ESTATE (the calendar is still
 *   attached to a store code, named by the current version of an SLA
 *   policy that is not retired, or counted on by an open ticket's SLA
 *   target), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_delete(csvc_store *store, const char *name);

/**
 * Lists the names of the saved calendars, in byte order, as an array of
 * `*count` strings. `*names` is one allocation (the array and its strings)
 * to free with a single csvc_free(); NULL when there are none.
 * Errors: CSVC_EINVAL, CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_list(csvc_store *store, char ***names, size_t *count);

/**
 * Attaches the saved calendar `name` to the retail store code `store_code`
 * (e.g. "SH01", the code customers carry as their home store: 1 to
 * CSVC_STORE_CODE_MAX bytes of printable ASCII without spaces, as in every
 * module), replacing any calendar attached before.
 * Errors: CSVC_EINVAL, CSVC_ERANGE, CSVC_ENOTFOUND (no such calendar),
 *   CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_attach(csvc_store *store, const char *store_code, const char *name);

/**
 * Detaches the calendar from `store_code`.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND (nothing attached), CSVC_EREADONLY,
 *   CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_detach(csvc_store *store, const char *store_code);

/**
 * The name of the calendar attached to `store_code`, as a new string.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND (nothing attached), CSVC_EBUSY,
 *   CSVC_ESTORAGE, CSVC_ENOMEM.
 * Ownership: free `*name` with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_name_for_store(csvc_store *store, const char *store_code, char **name);

/**
 * Loads the calendar attached to `store_code`. `opts` as for
 * csvc_calendar_load.
 * Errors: as csvc_calendar_load; CSVC_ENOTFOUND when nothing is attached.
 * Ownership: free with csvc_calendar_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_for_store(csvc_store *store, const char *store_code,
                                         const csvc_calendar_options *opts, csvc_calendar **out);

/* ---- time zones kept in the store, and retail stores' zones ---- */

/**
 * Keeps the TZif data (RFC 8536) of the zone `name` in the store,
 * replacing any copy kept before: for hosts without a zoneinfo directory
 * (Android tills), which supply the zones they need from their own
 * resources. Calendars and store zones that use `name` load from this
 * copy from then on, in preference to any zoneinfo file. `data` is
 * copied.
 * Errors: CSVC_EINVAL (NULL arguments, an invalid zone name, or "UTC" or
 *   a fixed offset, which need no data), CSVC_ECORRUPT (not valid TZif
 *   data; nothing is kept), CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ENOMEM.
 * Thread safety: as for the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_add_zone(csvc_store *store, const char *name, const void *data, size_t len);

/**
 * Where the time zone of a store code's reports comes from
 * (csvc_calendar_tz_for_store). Values are only appended.
 * @since 1.0
 */
typedef enum csvc_zone_source_t {
	CSVC_ZONE_CALENDAR = 1, /**< the zone of the calendar attached to the store code */
	CSVC_ZONE_STORE = 2,    /**< the store code's own zone (csvc_calendar_set_store_zone) */
	CSVC_ZONE_DEFAULT = 3,  /**< the store-wide default (csvc_calendar_set_default_zone) */
	CSVC_ZONE_NONE = 4      /**< nothing set: UTC */
} csvc_zone_source_t;

/**
 * Sets the time zone of the retail store code `store_code` (rules as for
 * csvc_calendar_attach), e.g. "Asia/Shanghai", replacing an earlier one.
 * Reports use it for the day, week, month and quarter boundaries of that
 * store code's tickets, transactions and responses whenever no calendar is
 * attached to it; a calendar's zone always wins. The zone must be
 * available: "UTC", a fixed offset ("+08:00"), a zone whose data the store
 * keeps, or a file in the store's zoneinfo_dir (whose data is then kept in
 * the store).
 * Errors: CSVC_EINVAL (NULL arguments, invalid store code or zone name),
 *   CSVC_ERANGE (store code or zone name too long), CSVC_ENOTFOUND (the zone is not
 *   available), CSVC_ECORRUPT (its data is damaged), CSVC_EREADONLY,
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_set_store_zone(csvc_store *store, const char *store_code, const char *zone);

/**
 * Removes the time zone of `store_code`; its reports then use the default
 * zone (or UTC).
 * Errors: CSVC_EINVAL, CSVC_ERANGE, CSVC_ENOTFOUND (no zone was set),
 *   CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_clear_store_zone(csvc_store *store, const char *store_code);

/**
 * The time zone set for `store_code` itself, as a new string (not the
 * calendar's or the default: see csvc_calendar_tz_for_store).
 * Errors: CSVC_EINVAL, CSVC_ERANGE, CSVC_ENOTFOUND (none set), CSVC_EBUSY,
 *   CSVC_ESTORAGE, CSVC_ENOMEM.
 * Ownership: free `*zone` with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_store_zone(csvc_store *store, const char *store_code, char **zone);

/**
 * Sets the store-wide default time zone: the zone of every store code
 * that has neither a calendar nor a zone of its own, and of reports over
 * all store codes (no store_code in the query). A till that serves one
 * shop sets it once; a chain sets each store code's zone and keeps the
 * default for the head office's own. The zone must be available as for
 * csvc_calendar_set_store_zone. Setting it to "UTC" says UTC on purpose.
 * Errors: as csvc_calendar_set_store_zone.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_set_default_zone(csvc_store *store, const char *zone);

/**
 * Removes the store-wide default time zone.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND (none was set), CSVC_EREADONLY,
 *   CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_clear_default_zone(csvc_store *store);

/**
 * The store-wide default time zone, as a new string.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND (none set), CSVC_EBUSY,
 *   CSVC_ESTORAGE, CSVC_ENOMEM.
 * Ownership: free `*zone` with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_default_zone(csvc_store *store, char **zone);

/**
 * The time zone reports use for `store_code`: the zone of its calendar,
 * else its own zone, else the store-wide default, else UTC. `store_code`
 * NULL gives the zone of reports over all store codes: the default, else
 * UTC. `source` (may be NULL) receives a csvc_zone_source_t. Writes the
 * outputs only on success.
 * Errors: CSVC_EINVAL (NULL store or `out`, invalid store code),
 *   CSVC_ERANGE, CSVC_ENOTFOUND (the zone is set but not available: see
 *   csvc_calendar_load), CSVC_ECORRUPT, CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ENOMEM.
 * Ownership: free `*out` with csvc_tz_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_tz_for_store(csvc_store *store, const char *store_code, csvc_tz **out,
                                            int32_t *source);

CSVC_END_DECL

#endif /* CSVC_CALENDAR_H */
