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
 *
 * Thread safety: a csvc_calendar is immutable once built, so one calendar
 * may be used by any number of threads at once; only csvc_calendar_free
 * needs the caller to make sure no other thread still uses it. The
 * functions that take no store (parse, to_json, the queries) touch no
 * shared state and may be called from any thread. Calls that take a
 * csvc_store follow the store's rule: one thread at a time per store
 * (store.h, docs/threading.md).
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
 *
 * @param opts The caller's options struct.
 * @param version The caller's CSVC_CALENDAR_OPTIONS_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `opts` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_options_init(csvc_calendar_options *opts, unsigned int version);

/**
 * Builds a calendar from its JSON text form: `len` bytes at `text` (no
 * terminating NUL needed; a NUL byte inside is an error). `opts` may be
 * NULL for defaults. The zone named in the text is `opts->tz` when given,
 * else loaded from the zoneinfo directory. Writes `*out` only on success.
 *
 * @param out Receives the calendar.
 * @param text The JSON text (may be NULL when `len` is 0).
 * @param len The number of bytes at `text`.
 * @param opts Options read as far as their `version` goes, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out`, NULL `text` with a non-zero `len`, an
 *   options version newer than the library knows, a NUL byte in the text,
 *   text that is not strict JSON or not a valid calendar: the message
 *   names the problem and its line, column and byte offset; an invalid
 *   zone name, or an `opts->tz` whose name is not the text's zone),
 *   CSVC_ERANGE (text longer than CSVC_CALENDAR_TEXT_MAX, more intervals,
 *   versions or days than the documented maxima, a zone name longer than
 *   255 bytes, a fixed-offset zone outside -25 h .. +26 h), CSVC_ENOTFOUND
 *   (no file for the zone), CSVC_ECORRUPT (its
 *   zone file is not valid TZif), CSVC_ESTORAGE (the zone file could not
 *   be read), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_calendar_free();
 * `text` and `opts` (and `opts->tz`, which is copied) stay the caller's.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_parse(csvc_calendar **out, const char *text, size_t len,
                                     const csvc_calendar_options *opts);

/**
 * Writes the calendar's canonical JSON text (one line, fixed key order,
 * every weekday listed, intervals and dates sorted) to a new NUL-terminated
 * string. Parsing it gives an identical calendar, and serialising that
 * gives the same text again. Writes `*out` only on success.
 *
 * @param cal The calendar.
 * @param out Receives the text.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_to_json(const csvc_calendar *cal, char **out);

/**
 * Frees a calendar and its copy of its time zone. The caller must make
 * sure no other thread still uses it.
 *
 * @param cal The calendar, or NULL (a no-op).
 *
 * Ownership: takes `cal` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_calendar_free(csvc_calendar *cal);

/**
 * The name of the calendar's time zone ("Asia/Shanghai", "UTC",
 * "+08:00"), as in its text form.
 *
 * @param cal The calendar.
 * @return The zone's name, or NULL if `cal` is NULL.
 *
 * Ownership: borrowed from the calendar, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_calendar_zone(const csvc_calendar *cal);

/**
 * The calendar's time zone: the calendar's own copy, usable with the
 * functions of tz.h.
 *
 * @param cal The calendar.
 * @return The zone, or NULL if `cal` is NULL.
 *
 * Ownership: borrowed from the calendar, valid until it is freed; do not
 * free it.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_tz *) csvc_calendar_tz(const csvc_calendar *cal);

/**
 * Tells whether the calendar is open at instant `t`: `*open` is set to 1
 * if it is, else 0 (intervals are half-open, so a closing instant is
 * closed). Writes `*open` only on success.
 *
 * @param cal The calendar.
 * @param t The instant.
 * @param open Receives 1 or 0.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (`t` outside
 *   CSVC_CALENDAR_MIN_US .. CSVC_CALENDAR_MAX_US).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_is_open(const csvc_calendar *cal, csvc_time_us t, int32_t *open);

/**
 * Finds the first instant at or after `t` at which the calendar is open
 * (`t` itself when open). Writes `*out` only on success.
 *
 * @param cal The calendar.
 * @param t The instant to start from.
 * @param out Receives the opening instant.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (`t` or the result out
 *   of range), CSVC_ENOTFOUND (the calendar never opens again).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_next_open(const csvc_calendar *cal, csvc_time_us t, csvc_time_us *out);

/**
 * Computes the due instant of `duration_us` microseconds of business time
 * counted from `t`: the earliest instant b such that [t, b) contains exactly
 * `duration_us` microseconds of open time, or the next opening after b
 * when b is not open (a duration that runs out exactly at a closing time
 * gives the next opening). A duration of 0 gives `t` if open, else the
 * next opening. For every t and u >= t,
 * add(t, between(t, u)) == next_open(u), and add(add(t, a), b) ==
 * add(t, a + b). The cost does not depend on the duration. Writes `*due`
 * only on success.
 *
 * @param cal The calendar.
 * @param t The instant counting starts from.
 * @param duration_us The business time to count, in microseconds (>= 0).
 * @param due Receives the due instant.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments, negative duration), CSVC_ERANGE
 *   (`t` or the result out of range, or a duration longer than the whole
 *   range), CSVC_ENOTFOUND (the calendar does not have that much business
 *   time left).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_add(const csvc_calendar *cal, csvc_time_us t, int64_t duration_us,
                                   csvc_time_us *due);

/**
 * Measures the business time, in microseconds, in [from, to): how long the
 * calendar is open between the two instants. Negative (minus the business
 * time in [to, from)) when `to` is before `from`. Additive: between(a, b) +
 * between(b, c) == between(a, c). Writes `*business_us` only on success.
 *
 * @param cal The calendar.
 * @param from The start instant.
 * @param to The end instant.
 * @param business_us Receives the business time.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (an instant outside
 *   CSVC_CALENDAR_MIN_US .. CSVC_CALENDAR_MAX_US).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_between(const csvc_calendar *cal, csvc_time_us from, csvc_time_us to,
                                       int64_t *business_us);

/* ---- calendars in the store ---- */

/**
 * Saves `cal` in the store under `name` (1 to CSVC_CALENDAR_NAME_MAX bytes
 * of single-line UTF-8), as its canonical text. A new name gets a new UUID
 * and its creation time from the store's clock; saving over an existing
 * name replaces the calendar, keeping its UUID and creation time, and
 * affects every store code attached to it. The TZif data of the calendar's
 * zone (as the calendar was built: from a zoneinfo file, or from the `tz`
 * of its options) is kept in the store too, replacing the store's copy of
 * that zone, so that the calendar loads where there is no zoneinfo
 * directory (docs/calendars.md). UTC and fixed offsets need no data.
 *
 * @param store The open store.
 * @param name The calendar's name in the store.
 * @param cal The calendar.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a name that is empty, not UTF-8 or
 *   has control characters), CSVC_ERANGE (name longer than
 *   CSVC_CALENDAR_NAME_MAX), CSVC_EREADONLY (a read-only store),
 *   CSVC_ESTATE (inside a transaction aborted by a storage failure),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is damaged),
 *   CSVC_ENOMEM.
 *
 * Ownership: `cal` stays the caller's; the store keeps a copy of its text.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_save(csvc_store *store, const char *name, const csvc_calendar *cal);

/**
 * Loads the calendar saved as `name`. `opts` (may be NULL) says how to
 * find its time zone: `opts->tz` when given; else the TZif data the store
 * keeps for the zone (see csvc_calendar_add_zone); else the file in
 * `opts->zoneinfo_dir` (NULL: "/usr/share/zoneinfo"). Writes `*out` only
 * on success.
 *
 * @param store The open store.
 * @param name The calendar's name in the store.
 * @param opts Options read as far as their `version` goes, or NULL.
 * @param out Receives the calendar.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `name` or `out`, an options version
 *   newer than the library knows, a name that is empty, not UTF-8 or has
 *   control characters), CSVC_ERANGE (name longer than
 *   CSVC_CALENDAR_NAME_MAX), CSVC_ENOTFOUND (no such calendar, or its zone
 *   is neither kept in the store nor in the zoneinfo directory: the
 *   message names the zone and how to supply it), CSVC_ECORRUPT (the
 *   stored text is not a valid calendar, or names a zone other than
 *   `opts->tz`'s; the store's copy of its zone or its zone file is
 *   damaged; the database is damaged), CSVC_ESTORAGE (also: the zone file
 *   could not be read), CSVC_EBUSY, CSVC_ENOMEM.
 *
 * Ownership: the calendar is detached from the store; the caller owns
 * `*out` and frees it with csvc_calendar_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_load(csvc_store *store, const char *name,
                                    const csvc_calendar_options *opts, csvc_calendar **out);

/**
 * Reads the UUID and the creation and last-save times of the calendar
 * saved as `name`. Any output pointer may be NULL. Outputs are written
 * only on success.
 *
 * @param store The open store.
 * @param name The calendar's name in the store.
 * @param uuid Receives the calendar's UUID; may be NULL.
 * @param created_us Receives when it was first saved; may be NULL.
 * @param updated_us Receives when it was last saved; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `name`, a name that is empty, not
 *   UTF-8 or has control characters), CSVC_ERANGE (name longer than
 *   CSVC_CALENDAR_NAME_MAX), CSVC_ENOTFOUND (no such calendar), CSVC_EBUSY,
 *   CSVC_ESTORAGE, CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_info(csvc_store *store, const char *name, csvc_uuid *uuid,
                                    csvc_time_us *created_us, csvc_time_us *updated_us);

/**
 * Deletes the calendar saved as `name`.
 *
 * @param store The open store.
 * @param name The calendar's name in the store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a name that is empty, not UTF-8 or
 *   has control characters), CSVC_ERANGE (name longer than
 *   CSVC_CALENDAR_NAME_MAX), CSVC_ENOTFOUND (no such calendar),
 *   CSVC_ESTATE (the calendar is still attached to a store code, named by
 *   the current version of an SLA policy that is not retired, or counted
 *   on by an open ticket's SLA target; or inside a transaction aborted by
 *   a storage failure), CSVC_EREADONLY (a read-only store), CSVC_EBUSY,
 *   CSVC_ESTORAGE, CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_delete(csvc_store *store, const char *name);

/**
 * Lists the names of the saved calendars, in byte order, as an array of
 * `*count` strings. Writes the outputs only on success.
 *
 * @param store The open store.
 * @param names Receives the array of names, NULL when there are none.
 * @param count Receives the number of names.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 *
 * Ownership: `*names` is one allocation (the array and its strings) that
 * the caller owns and frees with a single csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_list(csvc_store *store, char ***names, size_t *count);

/**
 * Attaches the saved calendar `name` to the retail store code `store_code`
 * (e.g. "SH01", the code customers carry as their home store: 1 to
 * CSVC_STORE_CODE_MAX bytes of printable ASCII without spaces, as in every
 * module), replacing any calendar attached before.
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @param name The saved calendar's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a store code with spaces or
 *   characters other than printable ASCII, a name that is empty, not UTF-8
 *   or has control characters), CSVC_ERANGE (an empty store code or one
 *   longer than CSVC_STORE_CODE_MAX, a name longer than
 *   CSVC_CALENDAR_NAME_MAX), CSVC_ENOTFOUND (no such calendar),
 *   CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 *   aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_attach(csvc_store *store, const char *store_code, const char *name);

/**
 * Detaches the calendar from `store_code`; the calendar itself stays
 * saved.
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX), CSVC_ENOTFOUND (nothing
 *   attached), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 *   aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_detach(csvc_store *store, const char *store_code);

/**
 * Reads the name of the calendar attached to `store_code`, as a new
 * string. Writes `*name` only on success.
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @param name Receives the calendar's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX), CSVC_ENOTFOUND (nothing
 *   attached), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*name` and frees it with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_name_for_store(csvc_store *store, const char *store_code, char **name);

/**
 * Loads the calendar attached to `store_code`, finding its time zone as
 * csvc_calendar_load does with `opts`. Writes `*out` only on success.
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @param opts Options read as far as their `version` goes, or NULL.
 * @param out Receives the calendar.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `store_code` or `out`, an options
 *   version newer than the library knows, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX), CSVC_ENOTFOUND (nothing
 *   attached, or the calendar's zone is not available: see
 *   csvc_calendar_load), CSVC_ECORRUPT (the stored text is not a valid
 *   calendar, or names a zone other than `opts->tz`'s; the zone's data is
 *   damaged; the database is damaged), CSVC_ESTORAGE (also: the zone file
 *   could not be read), CSVC_EBUSY, CSVC_ENOMEM.
 *
 * Ownership: the calendar is detached from the store; the caller owns
 * `*out` and frees it with csvc_calendar_free().
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
 *
 * @param store The open store.
 * @param name The zone's IANA name.
 * @param data The TZif bytes.
 * @param len The number of bytes at `data`.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, an empty or invalid zone name, or
 *   "UTC" or a fixed offset, which need no data), CSVC_ERANGE (a name
 *   longer than 255 bytes), CSVC_ECORRUPT (not valid TZif data; nothing is
 *   kept; or the database is damaged), CSVC_EREADONLY (a read-only store),
 *   CSVC_ESTATE (inside a transaction aborted by a storage failure),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 *
 * Ownership: `data` stays the caller's; the store keeps a copy.
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
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @param zone The zone's IANA name, "UTC" or a fixed offset.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a store code with spaces or
 *   characters other than printable ASCII, an empty or invalid zone name),
 *   CSVC_ERANGE (an empty store code or one longer than
 *   CSVC_STORE_CODE_MAX, a zone name longer than 255 bytes, a fixed
 *   offset out of range), CSVC_ENOTFOUND (the zone is neither
 *   built in, kept in the store nor a file in the store's zoneinfo_dir),
 *   CSVC_ECORRUPT (the zone's data or file is not valid TZif, or the
 *   database is damaged), CSVC_ESTORAGE (also: the zone file could not be
 *   read), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_set_store_zone(csvc_store *store, const char *store_code, const char *zone);

/**
 * Removes the time zone of `store_code`; its reports then use the default
 * zone (or UTC).
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX), CSVC_ENOTFOUND (no zone
 *   was set), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 *   aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_clear_store_zone(csvc_store *store, const char *store_code);

/**
 * Reads the time zone set for `store_code` itself, as a new string (not
 * the calendar's or the default: see csvc_calendar_tz_for_store). Writes
 * `*zone` only on success.
 *
 * @param store The open store.
 * @param store_code The retail store code.
 * @param zone Receives the zone's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX), CSVC_ENOTFOUND (none
 *   set), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is
 *   damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*zone` and frees it with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_store_zone(csvc_store *store, const char *store_code, char **zone);

/**
 * Sets the store-wide default time zone: the zone of every store code
 * that has neither a calendar nor a zone of its own, and of reports over
 * all store codes (no store_code in the query). A till that serves one
 * shop sets it once; a chain sets each store code's zone and keeps the
 * default for the head office's own. The zone must be available as for
 * csvc_calendar_set_store_zone (a zone read from a file is then kept in
 * the store). Setting it to "UTC" says UTC on purpose.
 *
 * @param store The open store.
 * @param zone The zone's IANA name, "UTC" or a fixed offset.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments, an empty or invalid zone name),
 *   CSVC_ERANGE (a zone name longer than 255 bytes, a fixed offset out of
 *   range), CSVC_ENOTFOUND (the zone is neither
 *   built in, kept in the store nor a file in the store's zoneinfo_dir),
 *   CSVC_ECORRUPT (the zone's data or file is not valid TZif, or the
 *   database is damaged), CSVC_ESTORAGE (also: the zone file could not be
 *   read), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_set_default_zone(csvc_store *store, const char *zone);

/**
 * Removes the store-wide default time zone; reports that would use it
 * then use UTC.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`), CSVC_ENOTFOUND (none was set),
 *   CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a transaction
 *   aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the database is damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_clear_default_zone(csvc_store *store);

/**
 * Reads the store-wide default time zone, as a new string. Writes `*zone`
 * only on success.
 *
 * @param store The open store.
 * @param zone Receives the zone's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL arguments), CSVC_ENOTFOUND (none set),
 *   CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the database is damaged),
 *   CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*zone` and frees it with csvc_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_default_zone(csvc_store *store, char **zone);

/**
 * Loads the time zone reports use for `store_code`: the zone of its
 * calendar, else its own zone, else the store-wide default, else UTC.
 * `store_code` NULL gives the zone of reports over all store codes: the
 * default, else UTC. Writes the outputs only on success.
 *
 * @param store The open store.
 * @param store_code The retail store code, or NULL.
 * @param out Receives the zone.
 * @param source Receives a csvc_zone_source_t; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `out`, a store code with spaces or
 *   characters other than printable ASCII), CSVC_ERANGE (an empty store
 *   code or one longer than CSVC_STORE_CODE_MAX), CSVC_ENOTFOUND (the
 *   zone is set but not available: see csvc_calendar_load),
 *   CSVC_ECORRUPT (the attached calendar's stored text is not valid, the
 *   zone's data is damaged, or the database is damaged), CSVC_ESTORAGE
 *   (also: the zone file could not be read), CSVC_EBUSY, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_tz_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_calendar_tz_for_store(csvc_store *store, const char *store_code, csvc_tz **out,
                                            int32_t *source);

CSVC_END_DECL

#endif /* CSVC_CALENDAR_H */
