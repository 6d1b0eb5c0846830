/*
 * Internal helpers shared by every module: error reporting, text
 * validation, growable buffers. Not installed.
 */
#ifndef CSVC_INTERNAL_H
#define CSVC_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "csvc/common.h"
#include "csvc/error.h"

#if defined(__GNUC__) || defined(__clang__)
#define CSVC__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CSVC__PRINTF(a, b)
#endif

/* ---- memory (alloc.c) ---- */

/* Every allocation of the library goes through these, and so through the
 * allocator of csvc_set_allocator(). They return NULL on failure and set
 * no error: the caller reports CSVC_ENOMEM. A size of 0 is taken as 1;
 * csvc__calloc() checks n * size for overflow; csvc__realloc(NULL, n) is
 * csvc__malloc(n); csvc__free(NULL) does nothing. Memory from them is
 * released with csvc__free() (or, by the caller, csvc_free()). */
void *csvc__malloc(size_t size);
void *csvc__calloc(size_t n, size_t size);
void *csvc__realloc(void *ptr, size_t size);
void csvc__free(void *ptr);
/* A copy of `s` (not NULL), or NULL when out of memory (sets no error). */
char *csvc__strcopy(const char *s);

/* ---- errors (error.c) ---- */

/* The longest error message, its NUL included. */
#define CSVC__MSG_MAX 512

/* Reset the thread's error record; called on entry to every public call. */
void csvc__error_clear(void);

/* Set the thread's error record and return `code`, so callers can write
 * `return csvc__error(CSVC_EINVAL, "...")`. */
int csvc__error(int code, const char *fmt, ...) CSVC__PRINTF(2, 3);

/* Same, recording the storage engine behind the error: its name (the
 * driver's, static: lib/db), its numeric code (SQLite: the extended result
 * code; 0 when it has none) and its SQLSTATE (5 characters; NULL when it
 * has none). */
int csvc__error_engine(int code, const char *engine, int32_t engine_code, const char *sqlstate,
                       const char *fmt, ...) CSVC__PRINTF(5, 6);

/* Sets a new code and message, keeping the engine part (engine, code,
 * SQLSTATE) of the current error record: for a caller that words an
 * engine's failure in the API's terms. */
int csvc__error_refine(int code, const char *fmt, ...) CSVC__PRINTF(2, 3);

/* The thread's error record, kept aside while cleanup that may itself
 * fail (a rollback, a close) runs, then put back: the caller reports the
 * first failure, not the cleanup's. */
typedef struct csvc__error_saved {
	csvc_error record; /* its message points into `message` */
	char message[CSVC__MSG_MAX];
} csvc__error_saved;
void csvc__error_save(csvc__error_saved *saved);
/* Puts the saved record back and returns its code. */
int csvc__error_restore(const csvc__error_saved *saved);

/* ---- names shared by every module (text.c) ---- */

/* A retail store code: 1 to CSVC_CUSTOMER_MAX_STORE_CODE printable ASCII
 * bytes without spaces (CSVC_ERANGE, CSVC_EINVAL). */
int csvc__check_store_code(const char *code);
/* A machine name (workflow, state, kind, policy, survey ...): 1 to
 * CSVC_WORKFLOW_MAX_NAME bytes of a-z, 0-9, '_', '.', '-'; `what` names
 * it in the message. */
int csvc__check_machine_name(const char *name, const char *what);

/* ---- versioned public structs (versioned.c) ---- */

/* What the library knows of one versioned public struct (options, query,
 * context, allocator, civil time): sizes[v - 1] is the size of version v,
 * for v = 1 .. n_versions (the offset of the first field that version
 * v + 1 added; the last is sizeof), and `defaults` is the current
 * version's _INIT. A caller's struct may be of any of these versions
 * (docs/conventions.md "Versioned structs"): the library reads and
 * writes only the bytes of that version. */
typedef struct csvc__struct_layout {
	const char *name;
	uint32_t n_versions;
	const size_t *sizes;
	const void *defaults;
	size_t size;
} csvc__struct_layout;

/* Declares `static const csvc__struct_layout var` for `type`, whose
 * current version is `current` and whose _INIT is `init`, followed by the
 * size of each version, oldest first. */
#define CSVC__STRUCT_LAYOUT(var, type, current, init, ...)                              \
	static const size_t var##_sizes[] = {__VA_ARGS__};                                   \
	_Static_assert(sizeof(var##_sizes) / sizeof(var##_sizes[0]) == (current),            \
	               #type ": one size per version");                                      \
	static const type var##_defaults = init;                                             \
	static const csvc__struct_layout var = {#type, (current), var##_sizes, &var##_defaults, \
	                                        sizeof(type)}

/* The version a caller's struct claims: 0 is read as 1, the first
 * version. CSVC_EINVAL (message naming the struct) for a version newer
 * than the library knows; else writes *version and returns CSVC_OK. */
int csvc__struct_version(const csvc__struct_layout *l, uint32_t claimed, uint32_t *version);

/* `_init(dst, version)`: writes the defaults of `version` (1 ..
 * n_versions) into the first sizes[version - 1] bytes of `dst`, and
 * `version` into its version field; nothing past them. CSVC_EINVAL for
 * version 0 or a newer one, writing nothing. */
int csvc__struct_init(const csvc__struct_layout *l, void *dst, unsigned int version);

/* Reads a caller's struct `src` (not NULL) into `full`, a struct of the
 * current version (l->size bytes): the bytes of the caller's version from
 * `src`, the fields it does not have from the defaults, and the version
 * field set to the caller's version (0 read as 1). CSVC_EINVAL for a
 * version newer than the library knows. Never reads past the caller's
 * version. */
int csvc__struct_read(const csvc__struct_layout *l, void *full, const void *src);

#define CSVC__CHECK_ARG(cond, name)                                                \
	do {                                                                           \
		if (!(cond))                                                               \
			return csvc__error(CSVC_EINVAL, "%s: invalid argument '%s'", __func__, \
			                   name);                                              \
	} while (0)

/* ---- text (text.c) ---- */

/* Returns 1 if `s[0..len)` is well-formed UTF-8 (no overlongs, no
 * surrogates, no code points above U+10FFFF, no NUL), else 0. */
int csvc__utf8_valid(const char *s, size_t len);

/* What text may contain besides valid UTF-8 (csvc__check_text_mode). */
enum {
	/* A single-line name-like value: a name, subject, label, tag, code,
	 * person. No control character at all: no C0 control (tab and line
	 * feed included), no DEL, no C1 control (U+0080..U+009F). */
	CSVC__TEXT_LINE = 0,
	/* Multi-line free text (descriptions, notes, comments, answers): tab,
	 * line feed and carriage return are allowed, other controls are not. */
	CSVC__TEXT_MULTILINE = 1,
	/* Any valid UTF-8 (file system paths). */
	CSVC__TEXT_ANY = 2
};

/* Validate an optional UTF-8 argument: NULL is allowed when `nullable`;
 * otherwise it must be valid UTF-8 of at most `max_bytes` bytes without
 * the control characters `mode` refuses. Returns CSVC_OK or sets the
 * error (naming `field`) and returns EINVAL (NULL, bad UTF-8, a control
 * character) or ERANGE (too long). */
int csvc__check_text_mode(const char *s, int nullable, size_t max_bytes, const char *field, int mode);

/* csvc__check_text_mode() for a single-line value (CSVC__TEXT_LINE): the
 * check for names and other name-like fields. */
int csvc__check_text(const char *s, int nullable, size_t max_bytes, const char *field);

/* malloc'ed copy of s (NULL stays NULL). On ENOMEM sets the error. */
int csvc__strdup(const char *s, char **out);

/* A growable byte buffer for building JSON and other text. */
typedef struct csvc__buf {
	char *data;
	size_t len;
	size_t cap;
	int failed; /* sticky ENOMEM */
} csvc__buf;

void csvc__buf_free(csvc__buf *b);
void csvc__buf_put(csvc__buf *b, const char *s, size_t n);
void csvc__buf_puts(csvc__buf *b, const char *s);
void csvc__buf_printf(csvc__buf *b, const char *fmt, ...) CSVC__PRINTF(2, 3);
/* Appends `v` in decimal: printf's "%lld" without its cost on hot paths. */
void csvc__buf_int(csvc__buf *b, int64_t v);
/* Appends `s` as a JSON string literal, quotes included. */
void csvc__buf_json_string(csvc__buf *b, const char *s);

/* The value of a hexadecimal digit, or -1. */
int csvc__hex_digit(char c);

/* Milliseconds of CLOCK_MONOTONIC: real time for timeouts, never for
 * what the library records (that is the store clock's). */
int64_t csvc__monotonic_ms(void);
/* Appends `v` as a JSON number, or `null` when it is not finite. */
void csvc__buf_json_number(csvc__buf *b, double v);

/* Room for any text csvc__format_double() writes, NUL included. */
#define CSVC__DOUBLE_TEXT_MAX 32

/* Writes `v` as printf's "%.15g" in the C locale when that reads back as
 * exactly `v`, else as "%.17g" (which always does), whatever the
 * LC_NUMERIC locale: a '.' decimal point and no grouping. NaN and the
 * infinities give "nan", "inf" and "-inf". Integer arithmetic only.
 * Returns the length written, the NUL not counted. */
size_t csvc__format_double(char out[CSVC__DOUBLE_TEXT_MAX], double v);

/* ---- UUIDs (uuid.c) ---- */
void csvc__uuid_generate(csvc_uuid *out);

#endif /* CSVC_INTERNAL_H */
