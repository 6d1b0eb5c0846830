/*
 * Thread-local error record. One per thread, so concurrent stores on
 * different threads never see each other's messages.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define CSVC__MSG_MAX 512

static _Thread_local char tls_message[CSVC__MSG_MAX];
static _Thread_local csvc_error tls_error = {0, 0, NULL};

void csvc__error_clear(void)
{
	tls_error.code = CSVC_OK;
	tls_error.sqlite_code = 0;
	tls_message[0] = '\0';
}

static int set_error(int code, int sqlite_code, const char *fmt, va_list ap)
{
	vsnprintf(tls_message, sizeof(tls_message), fmt, ap);
	tls_error.code = code;
	tls_error.sqlite_code = sqlite_code;
	return code;
}

int csvc__error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int csvc__error_sqlite(int code, int sqlite_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(code, sqlite_code, fmt, ap);
	va_end(ap);
	return code;
}

int csvc__code_from_sqlite(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CSVC_EBUSY;
	case SQLITE_NOMEM:
		return CSVC_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return CSVC_ECORRUPT;
	case SQLITE_READONLY:
		return CSVC_EREADONLY;
	case SQLITE_CONSTRAINT:
		return CSVC_EEXISTS;
	default:
		return CSVC_ESTORAGE;
	}
}

const csvc_error *csvc_error_last(void)
{
	tls_error.message = tls_message;
	return &tls_error;
}

const char *csvc_strerror(int code)
{
	switch (code) {
	case CSVC_OK: return "success";
	case CSVC_ERROR: return "generic error";
	case CSVC_EINVAL: return "invalid argument";
	case CSVC_ENOMEM: return "out of memory";
	case CSVC_ENOTFOUND: return "not found";
	case CSVC_EEXISTS: return "already exists";
	case CSVC_ESTATE: return "not allowed in the current state";
	case CSVC_ECONFLICT: return "conflicting concurrent change";
	case CSVC_EBUSY: return "store is busy";
	case CSVC_ESTORAGE: return "storage error";
	case CSVC_ECORRUPT: return "data is corrupt or malformed";
	case CSVC_EUSER: return "stopped by a callback";
	case CSVC_ERANGE: return "value out of range";
	case CSVC_EVERSION: return "incompatible store version";
	case CSVC_ENOTSTORE: return "not a libcsvc store";
	case CSVC_EREADONLY: return "store is read-only";
	case CSVC_ITEROVER: return "no more items";
	default: return "unknown error";
	}
}
