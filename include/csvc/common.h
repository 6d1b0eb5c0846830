/**
 * @file
 * libcsvc - customer-service management for retail.
 *
 * common.h: export macros, basic types (time, UUID) and memory release.
 * Every other public header includes this one.
 *
 * Thread safety: every function in this header works only on its
 * arguments and may be called from any thread at any time; two threads
 * may read the same UUID at once.
 */
#ifndef CSVC_COMMON_H
#define CSVC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CSVC_BEGIN_DECL extern "C" {
#define CSVC_END_DECL }
#else
#define CSVC_BEGIN_DECL
#define CSVC_END_DECL
#endif

/* Marks a declaration as part of the exported ABI. */
#if defined(__GNUC__) || defined(__clang__)
#define CSVC_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define CSVC_EXTERN(type) extern type
#endif

CSVC_BEGIN_DECL

/**
 * A point in time: microseconds since the Unix epoch, UTC.
 * Durations are also int64_t microseconds.
 * @since 1.0
 */
typedef int64_t csvc_time_us;

/** One second, in csvc_time_us units. @since 1.0 */
#define CSVC_SECOND_US ((int64_t)1000000)

/**
 * A clock callback: returns the current time. The store calls it whenever
 * it needs "now" (creation times, event times); it never reads the system
 * clock itself when a clock is given. It must not call back into libcsvc.
 * @since 1.0
 */
typedef csvc_time_us (*csvc_clock_fn)(void *userdata);

/**
 * A UUID, 16 bytes by value (RFC 9562 byte order). The all-zero value is
 * the nil UUID and never names a record.
 * @since 1.0
 */
typedef struct csvc_uuid {
	uint8_t bytes[16];
} csvc_uuid;

/** Length of the text form of a UUID, without the terminating NUL. @since 1.0 */
#define CSVC_UUID_STRLEN 36

/**
 * Writes the canonical lower-case text form of `id`
 * ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") and a NUL into `out`, which must
 * hold CSVC_UUID_STRLEN + 1 bytes.
 *
 * @param id The UUID to format.
 * @param out The caller's buffer of at least CSVC_UUID_STRLEN + 1 bytes.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if either pointer is NULL (`out` is then untouched).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_uuid_to_string(const csvc_uuid *id, char *out);

/**
 * Parses the text form of a UUID (either case, with hyphens in the
 * canonical places, nothing after it) into `*out`.
 *
 * @param text The UUID as text, NUL-terminated.
 * @param out Receives the UUID; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL on a NULL argument, or when `text` is not the text
 * form of a UUID (a missing hyphen, a character that is not a hex digit,
 * trailing characters).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_uuid_from_string(const char *text, csvc_uuid *out);

/**
 * Tells whether `id` is the nil UUID (all 16 bytes zero). Never fails and
 * leaves the thread's error record alone.
 *
 * @param id The UUID to test; NULL counts as nil.
 * @return 1 if `id` is nil or NULL, else 0.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_uuid_is_nil(const csvc_uuid *id);

/**
 * Compares two UUIDs byte for byte. Never fails and leaves the thread's
 * error record alone.
 *
 * @param a One UUID, or NULL.
 * @param b The other UUID, or NULL.
 * @return 1 if the two are equal (NULL equals only NULL), else 0.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_uuid_equal(const csvc_uuid *a, const csvc_uuid *b);

/**
 * Frees memory that libcsvc allocated for the caller: the strings and
 * arrays documented as "free with csvc_free" (csvc_calendar_to_json,
 * csvc_calendar_list, csvc_calendar_name_for_store, csvc_report_to_json,
 * ...). Records, iterators, zones and reports have their own `_free`.
 *
 * @param ptr The memory to release; NULL is a no-op.
 *
 * Ownership: takes `ptr` back; it goes to the allocator that allocated it
 * (csvc_set_allocator).
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_free(void *ptr);

CSVC_END_DECL

#endif /* CSVC_COMMON_H */
