/*
 * Fuzz target: the csvc tool's RFC 4180 CSV reader (examples/cli/csv.c).
 * Whatever the input, the reader must stop cleanly with a located error or
 * give records that survive a round trip: writing every field quoted and
 * reading the result back yields the same records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->n + n > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csv_reader r;
	buf out = {NULL, 0, 0};
	size_t records = 0, last_line = 0;
	int rc;
	csv_init(&r, (const char *)data, size);
	while ((rc = csv_next(&r)) == CSV_RECORD) {
		if (csv_nfields(&r) == 0 || csv_nfields(&r) > CSV_MAX_FIELDS)
			abort();
		if (csv_record_line(&r) <= last_line && records)
			abort(); /* records start on increasing lines */
		last_line = csv_record_line(&r);
		for (size_t i = 0; i < csv_nfields(&r); i++) {
			const char *f = csv_field(&r, i);
			put(&out, i ? ",\"" : "\"", i ? 2 : 1);
			for (const char *p = f; *p; p++)
				put(&out, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
			put(&out, "\"", 1);
		}
		put(&out, "\r\n", 2);
		records++;
	}
	if (rc == CSV_ESYNTAX) {
		if (!r.error[0] || r.error_line == 0 || r.error_column == 0)
			abort();
	} else if (rc != CSV_END) {
		abort();
	}
	if (rc == CSV_END) {
		/* Read the quoted rendering back and compare record by record. */
		csv_reader a, b;
		csv_init(&a, (const char *)data, size);
		csv_init(&b, out.p ? out.p : "", out.n);
		for (size_t i = 0; i < records; i++) {
			if (csv_next(&a) != CSV_RECORD || csv_next(&b) != CSV_RECORD)
				abort();
			if (csv_nfields(&a) != csv_nfields(&b))
				abort();
			for (size_t f = 0; f < csv_nfields(&a); f++)
				if (strcmp(csv_field(&a, f), csv_field(&b, f)) != 0)
					abort();
		}
		if (csv_next(&b) != CSV_END)
			abort();
		csv_free(&a);
		csv_free(&b);
	}
	csv_free(&r);
	free(out.p);
	return 0;
}
