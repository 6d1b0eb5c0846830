/*
 * csvc - the strict RFC 4180 CSV reader: see csv.h.
 */
#include "csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		r->pos = 3;
		r->line_start = 3;
	}
}

void csv_free(csv_reader *r)
{
	free(r->buf);
	free(r->offs);
	r->buf = NULL;
	r->offs = NULL;
	r->nfields = 0;
}

/* Records an error at (line, column: bytes from the line start, from 1). */
static int fail_at(csv_reader *r, size_t line, size_t column, const char *msg)
{
	snprintf(r->error, sizeof(r->error), "%s", msg);
	r->error_line = line;
	r->error_column = column;
	r->pos = r->len + 1; /* stop for good */
	return CSV_ESYNTAX;
}

static int fail(csv_reader *r, size_t at, const char *msg)
{
	return fail_at(r, r->line, at - r->line_start + 1, msg);
}

static int put(csv_reader *r, const char *p, size_t n)
{
	if (r->buf_len + n + 1 > r->buf_cap) {
		size_t cap = r->buf_cap ? r->buf_cap : 256;
		while (r->buf_len + n + 1 > cap)
			cap *= 2;
		char *b = realloc(r->buf, cap);
		if (!b)
			return CSV_ENOMEM;
		r->buf = b;
		r->buf_cap = cap;
	}
	memcpy(r->buf + r->buf_len, p, n);
	r->buf_len += n;
	return 0;
}

static int start_field(csv_reader *r)
{
	if (r->nfields == CSV_MAX_FIELDS)
		return fail(r, r->pos, "too many fields in a record");
	if (r->nfields == r->offs_cap) {
		size_t cap = r->offs_cap ? r->offs_cap * 2 : 16;
		size_t *o = realloc(r->offs, cap * sizeof(size_t));
		if (!o)
			return CSV_ENOMEM;
		r->offs = o;
		r->offs_cap = cap;
	}
	r->offs[r->nfields++] = r->buf_len;
	return 0;
}

static int end_field(csv_reader *r)
{
	if (put(r, "", 0) != 0)
		return CSV_ENOMEM;
	r->buf[r->buf_len++] = '\0';
	return 0;
}

/* Length of the valid UTF-8 sequence at p (at most `avail` bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Checks the byte at pos is allowed in a field; returns its sequence length. */
static int check_char(csv_reader *r, size_t *n)
{
	const unsigned char *p = (const unsigned char *)r->data + r->pos;
	if (*p == 0)
		return fail(r, r->pos, "NUL byte");
	*n = utf8_len(p, r->len - r->pos);
	if (!*n)
		return fail(r, r->pos, "invalid UTF-8");
	return 0;
}

static void newline(csv_reader *r)
{
	r->line++;
	r->line_start = r->pos;
}

int csv_next(csv_reader *r)
{
	if (r->pos > r->len)
		return CSV_ESYNTAX; /* after an error */
	r->nfields = 0;
	r->buf_len = 0;
	if (r->pos == r->len)
		return CSV_END;
	r->record_line = r->line;
	for (;;) {
		int rc = start_field(r);
		if (rc)
			return rc;
		const char *d = r->data;
		if (r->pos < r->len && d[r->pos] == '"') {
			/* Quoted field. */
			size_t open_line = r->line, open_col = r->pos - r->line_start + 1;
			r->pos++;
			for (;;) {
				if (r->pos >= r->len)
					return fail_at(r, open_line, open_col, "quoted field not closed");
				char c = d[r->pos];
				if (c == '"') {
					if (r->pos + 1 < r->len && d[r->pos + 1] == '"') {
						if (put(r, "\"", 1))
							return CSV_ENOMEM;
						r->pos += 2;
						continue;
					}
					r->pos++;
					break;
				}
				size_t n;
				if ((rc = check_char(r, &n)) != 0)
					return rc;
				if (put(r, d + r->pos, n))
					return CSV_ENOMEM;
				r->pos += n;
				if (c == '\n')
					newline(r);
			}
			if (r->pos < r->len && d[r->pos] != ',' && d[r->pos] != '\n' && d[r->pos] != '\r')
				return fail(r, r->pos, "unexpected character after a closing quote");
		} else {
			/* Unquoted field. */
			while (r->pos < r->len && d[r->pos] != ',' && d[r->pos] != '\n' && d[r->pos] != '\r') {
				if (d[r->pos] == '"')
					return fail(r, r->pos, "quote inside an unquoted field");
				size_t n;
				if ((rc = check_char(r, &n)) != 0)
					return rc;
				if (put(r, d + r->pos, n))
					return CSV_ENOMEM;
				r->pos += n;
			}
		}
		if (end_field(r))
			return CSV_ENOMEM;
		if (r->pos >= r->len)
			return CSV_RECORD;
		char c = d[r->pos];
		if (c == ',') {
			r->pos++;
			continue;
		}
		if (c == '\r') {
			if (r->pos + 1 >= r->len || d[r->pos + 1] != '\n')
				return fail(r, r->pos, "carriage return not followed by a line feed");
			r->pos++;
		}
		r->pos++; /* the LF */
		newline(r);
		return CSV_RECORD;
	}
}
