/*
 * csvc - a small, strict RFC 4180 CSV reader over a buffer in memory.
 *
 *  - Records end with CRLF or LF; the last one may end at the end of the
 *    input. A line break right before the end of the input ends the last
 *    record and does not start an empty one.
 *  - Fields are separated by commas. A field that starts with a double
 *    quote is quoted: it runs to the matching quote, may hold commas, CR,
 *    LF and doubled quotes ("" for one "), and must be followed by a
 *    comma, a line break or the end of the input.
 *  - Refused, with the line and column: a quote inside an unquoted field,
 *    anything after a closing quote other than a separator, a quoted field
 *    left open at the end, a CR not followed by LF outside quotes, a NUL
 *    byte, invalid UTF-8, more than CSV_MAX_FIELDS fields in a record.
 *  - A UTF-8 byte-order mark at the very start is skipped.
 *
 * Fields are returned unescaped and NUL-terminated (a field cannot hold a
 * NUL). Nothing here reads files, the locale or global state.
 */
#ifndef CSVC_CLI_CSV_H
#define CSVC_CLI_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 4096

typedef struct csv_reader {
	const char *data;
	size_t len;
	size_t pos;        /* next byte to read */
	size_t line;       /* physical line of `pos`, from 1 */
	size_t line_start; /* offset of the start of that line */
	/* The current record. */
	size_t record_line;
	size_t nfields;
	char *buf;         /* field bytes, each NUL-terminated */
	size_t buf_len, buf_cap;
	size_t *offs;      /* start of each field in buf */
	size_t offs_cap;
	/* The last error. */
	char error[160];
	size_t error_line, error_column;
} csv_reader;

/* Starts reading `len` bytes at `data` (kept, not copied). */
void csv_init(csv_reader *r, const char *data, size_t len);
/* Frees the reader's buffers (not the data). */
void csv_free(csv_reader *r);

enum {
	CSV_RECORD = 1, /* a record was read */
	CSV_END = 0,    /* no more records */
	CSV_ESYNTAX = -1, /* malformed input: see error, error_line, error_column */
	CSV_ENOMEM = -2
};

/*
 * Reads the next record. After CSV_ESYNTAX the reader stops: the input
 * after a syntax error cannot be trusted, so further calls return it again.
 */
int csv_next(csv_reader *r);

/* The current record: field count, fields, and the line it starts on. */
static inline size_t csv_nfields(const csv_reader *r) { return r->nfields; }
static inline const char *csv_field(const csv_reader *r, size_t i)
{
	return i < r->nfields ? r->buf + r->offs[i] : NULL;
}
static inline size_t csv_record_line(const csv_reader *r) { return r->record_line; }

#endif /* CSVC_CLI_CSV_H */
