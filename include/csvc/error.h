/**
 * @file
 * libcsvc - error codes and the thread-local error record.
 *
 * Every fallible call returns CSVC_OK (0) or one of the negative codes
 * below, and sets a detailed message that csvc_error_last() returns on the
 * same thread. A call that fails changes nothing: no rows, no output
 * parameters. The set of codes only grows; callers must treat an unknown
 * negative value as a generic failure.
 *
 * Thread safety: the error record is thread-local, so every function in
 * this header may be called from any thread; a thread sees only the
 * errors of its own calls.
 */
#ifndef CSVC_ERROR_H
#define CSVC_ERROR_H

#include "common.h"

CSVC_BEGIN_DECL

/**
 * Return codes. Values are fixed forever; new codes are only appended.
 * @since 1.0
 */
typedef enum csvc_error_t {
	CSVC_OK = 0,         /**< success */
	CSVC_ERROR = -1,     /**< generic failure not covered below */
	CSVC_EINVAL = -2,    /**< invalid argument: NULL, bad UTF-8, unknown enum value, malformed text */
	CSVC_ENOMEM = -3,    /**< out of memory */
	CSVC_ENOTFOUND = -4, /**< the named record does not exist */
	CSVC_EEXISTS = -5,   /**< a unique value is already taken */
	CSVC_ESTATE = -6,    /**< the operation is not allowed in the record's current state */
	CSVC_ECONFLICT = -7, /**< the record changed since the caller read it (stale revision) */
	CSVC_EBUSY = -8,     /**< the database stayed locked longer than the busy timeout */
	CSVC_ESTORAGE = -9,  /**< the storage layer failed (I/O, disk full, SQLite error) */
	CSVC_ECORRUPT = -10, /**< stored or supplied data is damaged or malformed */
	CSVC_EUSER = -11,    /**< for callbacks: "stop, my own error"; libcsvc never returns it itself */
	CSVC_ERANGE = -12,   /**< a value is out of its documented range (e.g. a string too long) */
	CSVC_EVERSION = -13, /**< the store was written by a newer libcsvc, or needs an upgrade it cannot get */
	CSVC_ENOTSTORE = -14,/**< the file is an SQLite database but not a libcsvc store */
	CSVC_EREADONLY = -15,/**< a write was attempted on a store opened read-only */
	CSVC_EACCESS = -16,  /**< the principal may not do this (access control, access.h) */
	CSVC_ITEROVER = -31  /**< an iterator has no more items (not an error) */
} csvc_error_t;

/**
 * The last error on the calling thread.
 * @since 1.0
 */
typedef struct csvc_error {
	int32_t code;        /**< one of csvc_error_t; CSVC_OK when the last call succeeded */
	int32_t engine_code; /**< the storage engine's own numeric code behind the error, or 0:
	                        for "sqlite", its extended result code (SQLITE_BUSY, 5, or
	                        SQLITE_CONSTRAINT_UNIQUE, 2067); engines whose codes are text
	                        leave it 0 and fill `sqlstate` */
	const char *message; /**< human-readable detail, never NULL; always valid UTF-8 of
	                        at most 511 bytes, cut on a character boundary, with
	                        bytes that are not UTF-8 written as "\xNN" */
	const char *engine;  /**< the storage engine whose failure is behind the error:
	                        "sqlite" (a later PostgreSQL backend: "postgresql"), or
	                        NULL when no engine call failed (bad arguments, a state
	                        the library refuses, a callback's stop). Static text. */
	char sqlstate[6];    /**< the engine's five-character SQLSTATE and a NUL (PostgreSQL:
	                        "40001", "23505"), or "" when the engine has none or
	                        gave none (SQLite never does) */
} csvc_error;

/**
 * Returns the error record of the last libcsvc call made on this thread.
 * Every public call resets it on entry, so it describes that call alone.
 * It never fails and does not itself reset the record.
 *
 * @return The record, never NULL; its `code` is CSVC_OK after a call that
 *         succeeded.
 *
 * Ownership: the record and its message are owned by the thread and stay
 * valid until the next libcsvc call on the same thread. Copy what you
 * keep.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_error *) csvc_error_last(void);

/**
 * Describes an error code in English (e.g. "not found"). Never fails and
 * leaves the thread's error record alone.
 *
 * @param code A csvc_error_t value; unknown codes give "unknown error".
 * @return The description, never NULL.
 *
 * Ownership: a static string, never to be freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_strerror(int code);

CSVC_END_DECL

#endif /* CSVC_ERROR_H */
