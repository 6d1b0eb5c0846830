/*
 * UTF-8 validation, string copies and a small growable buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int csvc__utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* reject overlongs, surrogates and > U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

int csvc__check_text(const char *s, int nullable, size_t max_bytes, const char *field)
{
	if (!s) {
		if (nullable)
			return CSVC_OK;
		return csvc__error(CSVC_EINVAL, "%s must not be NULL", field);
	}
	size_t len = strnlen(s, max_bytes + 1);
	if (len > max_bytes)
		return csvc__error(CSVC_ERANGE, "%s is longer than %zu bytes", field, max_bytes);
	if (!csvc__utf8_valid(s, len))
		return csvc__error(CSVC_EINVAL, "%s is not valid UTF-8", field);
	return CSVC_OK;
}

int csvc__strdup(const char *s, char **out)
{
	if (!s) {
		*out = NULL;
		return CSVC_OK;
	}
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory copying a string");
	memcpy(p, s, n);
	*out = p;
	return CSVC_OK;
}

void csvc_free(void *ptr)
{
	free(ptr);
}

/* ---- buffer ---- */

void csvc__buf_free(csvc__buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int buf_reserve(csvc__buf *b, size_t extra)
{
	if (b->failed)
		return 0;
	if (b->len + extra + 1 <= b->cap)
		return 1;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return 0;
	}
	b->data = p;
	b->cap = cap;
	return 1;
}

void csvc__buf_put(csvc__buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void csvc__buf_puts(csvc__buf *b, const char *s)
{
	csvc__buf_put(b, s, strlen(s));
}

void csvc__buf_printf(csvc__buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		csvc__buf_put(b, small, (size_t)n);
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void csvc__buf_json_string(csvc__buf *b, const char *s)
{
	csvc__buf_put(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': csvc__buf_put(b, "\\\"", 2); break;
		case '\\': csvc__buf_put(b, "\\\\", 2); break;
		case '\n': csvc__buf_put(b, "\\n", 2); break;
		case '\r': csvc__buf_put(b, "\\r", 2); break;
		case '\t': csvc__buf_put(b, "\\t", 2); break;
		default:
			if (*p < 0x20)
				csvc__buf_printf(b, "\\u%04x", *p);
			else
				csvc__buf_put(b, (const char *)p, 1);
		}
	}
	csvc__buf_put(b, "\"", 1);
}
