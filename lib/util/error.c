/*
 * Thread-local error record. One per thread, so concurrent stores on
 * different threads never see each other's messages. Messages are always
 * valid UTF-8 of at most 511 bytes: cut on a character boundary, with any
 * byte that is not UTF-8 (quoted from damaged data or an SQLite message)
 * escaped as \xNN.
 */
#include <stdio.h>
#include <string.h>

#include "util/internal.h"


static _Thread_local char tls_message[CSVC__MSG_MAX];
static _Thread_local csvc_error tls_error = {0, 0, NULL, NULL, {0}};

static void set_engine(const char *engine, int32_t engine_code, const char *sqlstate)
{
	tls_error.engine = engine;
	tls_error.engine_code = engine_code;
	memset(tls_error.sqlstate, 0, sizeof(tls_error.sqlstate));
	if (sqlstate)
		memcpy(tls_error.sqlstate, sqlstate, strnlen(sqlstate, sizeof(tls_error.sqlstate) - 1));
}

void csvc__error_clear(void)
{
	tls_error.code = CSVC_OK;
	set_engine(NULL, 0, NULL);
	tls_message[0] = '\0';
}

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4), or 0 when the
 * bytes there are not one: a stray continuation byte, a bad lead byte, a
 * cut sequence, an overlong, a surrogate, a code point above U+10FFFF.
 * Never reads past a NUL. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Copies the NUL-terminated `in` to `out` (`cap` bytes, NUL included) as
 * valid UTF-8: every byte that is not part of a well-formed sequence
 * becomes the four characters "\xNN", and the text is cut before the
 * first character or escape that would not fit whole. */
static void copy_utf8_safe(char *out, size_t cap, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	while (*p) {
		size_t n = utf8_seq_len(p);
		if (n == 0) {
			if (o + 4 >= cap)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xF];
			p++;
			continue;
		}
		if (o + n >= cap)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

static int set_error(int code, const char *fmt, va_list ap)
{
	/* Formatted apart from the record, so that an argument may be the
	 * current message itself. Each byte of input gives at least one byte
	 * of output, so 4 times the message size is always enough. */
	char raw[4 * CSVC__MSG_MAX];
	vsnprintf(raw, sizeof(raw), fmt, ap);
	copy_utf8_safe(tls_message, sizeof(tls_message), raw);
	tls_error.code = code;
	return code;
}

int csvc__error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(code, fmt, ap);
	set_engine(NULL, 0, NULL);
	va_end(ap);
	return code;
}

int csvc__error_engine(int code, const char *engine, int32_t engine_code, const char *sqlstate,
                       const char *fmt, ...)
{
	/* Copied first: `sqlstate` may be the record's own. */
	char state[sizeof(tls_error.sqlstate)] = {0};
	if (sqlstate)
		memcpy(state, sqlstate, strnlen(sqlstate, sizeof(state) - 1));
	va_list ap;
	va_start(ap, fmt);
	set_error(code, fmt, ap);
	set_engine(engine, engine_code, state);
	va_end(ap);
	return code;
}

void csvc__error_save(csvc__error_saved *saved)
{
	saved->record = tls_error;
	snprintf(saved->message, sizeof(saved->message), "%s", tls_message);
	saved->record.message = saved->message;
}

int csvc__error_restore(const csvc__error_saved *saved)
{
	const csvc_error *e = &saved->record;
	return csvc__error_engine(e->code, e->engine, e->engine_code, e->sqlstate, "%s", saved->message);
}

int csvc__error_refine(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(code, fmt, ap);
	va_end(ap);
	return code;
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
	case CSVC_EACCESS: return "access denied";
	case CSVC_ITEROVER: return "no more items";
	default: return "unknown error";
	}
}
