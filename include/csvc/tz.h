/**
 * @file
 * libcsvc - time zones: IANA zone data (TZif, RFC 8536), POSIX TZ rules,
 * UTC and fixed offsets, and exact conversions between UTC instants and
 * local wall-clock time.
 *
 * Local wall-clock time is represented as an int64_t count of microseconds
 * since 1970-01-01T00:00:00 *on the local wall clock* ("local
 * microseconds"): the value a clock on the wall would show, counted as if
 * it were UTC. csvc_civil_from_local() and csvc_civil_to_local() convert
 * it to and from calendar fields.
 *
 * Thread safety: a csvc_tz is immutable once created, so one handle may be
 * shared by any number of threads. Nothing here reads the TZ environment
 * variable, calls localtime()/mktime() or keeps global mutable state.
 */
#ifndef CSVC_TZ_H
#define CSVC_TZ_H

#include "common.h"

CSVC_BEGIN_DECL

/** A time zone. Opaque and immutable. @since 1.0 */
typedef struct csvc_tz csvc_tz;

/**
 * The range of instants (and of local times) the time-zone functions
 * accept: 0001-01-01T00:00:00 to 9999-12-31T23:59:59.999999.
 * Values outside give CSVC_ERANGE.
 * @since 1.0
 */
#define CSVC_TZ_MIN_US ((int64_t)-62135596800 * 1000000)
/** See CSVC_TZ_MIN_US. @since 1.0 */
#define CSVC_TZ_MAX_US ((int64_t)253402300799 * 1000000 + 999999)

/**
 * How csvc_tz_local_to_utc resolves a local time that does not exist
 * (skipped by a forward clock change, a "gap") or that exists twice
 * (repeated by a backward change, an "overlap").
 * Values are fixed forever; new ones are only appended.
 * @since 1.0
 */
typedef enum csvc_tz_disambiguation_t {
	/** The default. Overlap: the earlier instant. Gap: the instant the
	 * local time would have had without the change, i.e. the local time
	 * read with the offset in force before the gap (02:30 in a 02:00->03:00
	 * gap gives 03:30 new time). */
	CSVC_TZ_COMPATIBLE = 0,
	/** Overlap: the earlier instant. Gap: the local time read with the
	 * offset in force after the gap (02:30 gives 01:30 old time). */
	CSVC_TZ_EARLIER = 1,
	/** Overlap: the later instant. Gap: same as CSVC_TZ_COMPATIBLE. */
	CSVC_TZ_LATER = 2,
	/** Gap or overlap: fail with CSVC_ERANGE. */
	CSVC_TZ_REJECT = 3
} csvc_tz_disambiguation_t;

/**
 * Loads the zone `name` ("Europe/London", "Asia/Shanghai", ...) from the
 * TZif file `zoneinfo_dir/name`. `zoneinfo_dir` NULL means
 * "/usr/share/zoneinfo". Two kinds of name need no file: "UTC" (the
 * built-in UTC zone) and fixed offsets written "+HH:MM", "-HH:MM" or
 * "+HH:MM:SS" (same as csvc_tz_fixed).
 *
 * A name is 1 to 255 bytes of ASCII letters, digits and "/_+-.", must not
 * start with "/" and has no empty, "." or ".." components.
 * Writes `*out` only on success.
 *
 * @param out Receives the zone.
 * @param name The zone's IANA name, "UTC" or a fixed offset.
 * @param zoneinfo_dir The directory of TZif files, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out`/`name`, invalid name or directory),
 *   CSVC_ERANGE (a name longer than 255 bytes), CSVC_ENOTFOUND (no such
 *   zone file), CSVC_ECORRUPT (the file is not
 *   valid TZif), CSVC_ESTORAGE (the file could not be read), CSVC_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with csvc_tz_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_load(csvc_tz **out, const char *name, const char *zoneinfo_dir);

/**
 * Creates a zone from TZif data in memory (RFC 8536, versions 1 to 4),
 * for devices without a zoneinfo directory. `name` is the zone's name as
 * returned by csvc_tz_name() (same rules as csvc_tz_load). The bytes are
 * copied as needed; the caller keeps ownership of `data`.
 * Leap-second records are validated and ignored (instants are POSIX time).
 *
 * @param out Receives the zone.
 * @param name The name the zone reports.
 * @param data The TZif bytes.
 * @param len The number of bytes at `data`.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments, invalid name), CSVC_ERANGE (a name
 *   longer than 255 bytes), CSVC_ECORRUPT (malformed, truncated or inconsistent data, or a footer
 *   TZ string that does not parse), CSVC_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with csvc_tz_free();
 * `data` stays the caller's and is not kept.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_from_tzif(csvc_tz **out, const char *name, const void *data, size_t len);

/**
 * Creates a zone from a POSIX TZ string such as "CST6CDT,M3.2.0,M11.1.0"
 * or "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", with the RFC 8536 extensions
 * (rule times from -167 to 167 hours). A string with a DST name and no
 * rule uses the US rule ",M3.2.0,M11.1.0". The zone's name is the string.
 *
 * @param out Receives the zone.
 * @param tz_string The POSIX TZ string.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments, a string that does not parse),
 *   CSVC_ERANGE (longer than 255 bytes), CSVC_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with csvc_tz_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_from_posix(csvc_tz **out, const char *tz_string);

/**
 * Creates a zone with a fixed UTC offset of `offset_seconds` (east of
 * Greenwich positive), from -25 h to +26 h. Its name is "+HH:MM" (or
 * "+HH:MM:SS" when the offset has seconds); an offset of 0 gives "+00:00".
 *
 * @param out Receives the zone.
 * @param offset_seconds The offset, seconds east of Greenwich.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out`), CSVC_ERANGE (offset out of range),
 *   CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_tz_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_fixed(csvc_tz **out, int32_t offset_seconds);

/**
 * Creates the UTC zone (named "UTC"), with no file.
 *
 * @param out Receives the zone.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out`), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_tz_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_utc(csvc_tz **out);

/**
 * Frees a zone and the abbreviations borrowed from it. The caller must
 * make sure no other thread still uses it.
 *
 * @param tz The zone, or NULL (a no-op).
 *
 * Ownership: takes `tz` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_tz_free(csvc_tz *tz);

/**
 * The zone's name ("Europe/London", "UTC", "+08:00", or the POSIX string).
 *
 * @param tz The zone.
 * @return The name, or NULL if `tz` is NULL.
 *
 * Ownership: borrowed from the zone, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_tz_name(const csvc_tz *tz);

/**
 * The UTC offset in force at instant `t`, in seconds east of Greenwich.
 * `is_dst` (may be NULL) receives 1 if the zone data marks that period as
 * daylight-saving time, else 0; `abbreviation` (may be NULL) receives the
 * abbreviation ("BST", "+1030"), borrowed from the zone.
 * Outputs are written only on success.
 *
 * @param tz The zone.
 * @param t The instant.
 * @param offset_seconds Receives the offset.
 * @param is_dst Receives 1 or 0; may be NULL.
 * @param abbreviation Receives the abbreviation; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `tz` or `offset_seconds`), CSVC_ERANGE (`t`
 *   outside CSVC_TZ_MIN_US..CSVC_TZ_MAX_US).
 *
 * Ownership: `*abbreviation` is borrowed from the zone, valid until it is
 * freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_offset_at(const csvc_tz *tz, csvc_time_us t, int32_t *offset_seconds,
                                   int32_t *is_dst, const char **abbreviation);

/**
 * Converts instant `t` to local microseconds (wall-clock time).
 *
 * @param tz The zone.
 * @param t The instant.
 * @param local_us Receives the local time; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments), CSVC_ERANGE (out of range).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_utc_to_local(const csvc_tz *tz, csvc_time_us t, int64_t *local_us);

/**
 * Converts local microseconds to an instant. A local time that exists
 * exactly once gives that instant whatever `disambiguation` says; one in a
 * gap or an overlap is resolved as `disambiguation` (a
 * csvc_tz_disambiguation_t) says. `*out` is written only on success.
 *
 * @param tz The zone.
 * @param local_us The local time.
 * @param disambiguation How to resolve a gap or an overlap.
 * @param out Receives the instant.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments, unknown disambiguation),
 *   CSVC_ERANGE (out of range, or a gap/overlap with CSVC_TZ_REJECT; the
 *   message says which).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_tz_local_to_utc(const csvc_tz *tz, int64_t local_us, csvc_tz_disambiguation_t disambiguation,
                                      csvc_time_us *out);

/** Current version of csvc_civil_time. @since 1.0 */
#define CSVC_CIVIL_TIME_VERSION 1

/**
 * A proleptic-Gregorian date and time of day, as fields.
 * @since 1.0
 */
typedef struct csvc_civil_time {
	uint32_t version;     /**< CSVC_CIVIL_TIME_VERSION */
	int32_t year;         /**< 1 .. 9999 */
	int32_t month;        /**< 1 .. 12 */
	int32_t day;          /**< 1 .. 31 */
	int32_t hour;         /**< 0 .. 23 */
	int32_t minute;       /**< 0 .. 59 */
	int32_t second;       /**< 0 .. 59 */
	int32_t microsecond;  /**< 0 .. 999999 */
	int32_t weekday;      /**< output only: 1 = Monday .. 7 = Sunday (ISO 8601) */
} csvc_civil_time;

/** Static initialiser for csvc_civil_time (0001-01-01 00:00). @since 1.0 */
#define CSVC_CIVIL_TIME_INIT { CSVC_CIVIL_TIME_VERSION, 1, 1, 1, 0, 0, 0, 0, 0 }

/**
 * Splits local microseconds (or, equally, a UTC instant) into fields.
 * The caller sets out->version first (start from CSVC_CIVIL_TIME_INIT; 0
 * means version 1): only the fields of that version are written, so a
 * program built against older headers gets no write past its struct.
 * Written only on success.
 *
 * @param local_us Local microseconds (or a UTC instant).
 * @param out The caller's fields, its `version` set.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out`, out->version newer than the library
 *   knows), CSVC_ERANGE (outside year 1..9999).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_civil_from_local(int64_t local_us, csvc_civil_time *out);

/**
 * Joins fields into local microseconds; `weekday` is ignored.
 *
 * @param civil The fields, read as far as their `version` goes.
 * @param local_us Receives the local time; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL arguments, unsupported version, a field out of
 *   its range, e.g. February 30).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_civil_to_local(const csvc_civil_time *civil, int64_t *local_us);

CSVC_END_DECL

#endif /* CSVC_TZ_H */
