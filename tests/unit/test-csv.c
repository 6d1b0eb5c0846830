/*
 * Unit tests of the csvc tool's strict RFC 4180 CSV reader
 * (examples/cli/csv.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csv.h"

/* Reads all of `text` and checks the records against `expected`: fields
 * separated by '|', records by '\n' (in the expectation only). */
static void expect_records(const char *text, size_t len, const char *const *expected, size_t n,
                           const size_t *lines)
{
	csv_reader r;
	csv_init(&r, text, len);
	for (size_t i = 0; i < n; i++) {
		int rc = csv_next(&r);
		if (rc != CSV_RECORD)
			print_error("record %zu: rc %d, error %s at %zu:%zu\n", i, rc, r.error, r.error_line,
			            r.error_column);
		assert_int_equal(rc, CSV_RECORD);
		char joined[1024] = "";
		for (size_t f = 0; f < csv_nfields(&r); f++) {
			if (f)
				strcat(joined, "|");
			strcat(joined, csv_field(&r, f));
		}
		assert_string_equal(joined, expected[i]);
		if (lines)
			assert_int_equal(csv_record_line(&r), lines[i]);
	}
	assert_int_equal(csv_next(&r), CSV_END);
	assert_int_equal(csv_next(&r), CSV_END);
	csv_free(&r);
}

#define EXPECT(text, ...)                                                                   \
	do {                                                                                    \
		static const char *const exp_[] = {__VA_ARGS__};                                    \
		expect_records(text, strlen(text), exp_, sizeof(exp_) / sizeof(exp_[0]), NULL);     \
	} while (0)

static void expect_error(const char *text, size_t len, size_t good_records, const char *message,
                         size_t line, size_t column)
{
	csv_reader r;
	csv_init(&r, text, len);
	for (size_t i = 0; i < good_records; i++)
		assert_int_equal(csv_next(&r), CSV_RECORD);
	assert_int_equal(csv_next(&r), CSV_ESYNTAX);
	assert_string_equal(r.error, message);
	assert_int_equal(r.error_line, line);
	assert_int_equal(r.error_column, column);
	/* The reader stays stopped. */
	assert_int_equal(csv_next(&r), CSV_ESYNTAX);
	csv_free(&r);
}

static void test_simple(void **state)
{
	(void)state;
	EXPECT("a,b,c\n1,2,3\n", "a|b|c", "1|2|3");
	EXPECT("a,b,c\r\n1,2,3\r\n", "a|b|c", "1|2|3");
	EXPECT("a,b,c\r\n1,2,3", "a|b|c", "1|2|3"); /* no final line break */
	EXPECT("only", "only");
	EXPECT("x\n", "x");
}

static void test_empty(void **state)
{
	(void)state;
	csv_reader r;
	csv_init(&r, "", 0);
	assert_int_equal(csv_next(&r), CSV_END);
	csv_free(&r);
	EXPECT(",,\n", "||");
	EXPECT("a,,c\n,b,\n", "a||c", "|b|");
	EXPECT("\n", ""); /* one empty line is one record of one empty field */
	EXPECT("a\n\nb\n", "a", "", "b");
	EXPECT("\"\"\n", "");
	EXPECT("a,\"\"", "a|");
}

static void test_quoted(void **state)
{
	(void)state;
	EXPECT("\"a,b\",c\n", "a,b|c");
	EXPECT("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x");
	EXPECT("\"\"\"\"\n", "\"");
	EXPECT("\"line1\nline2\",z\n", "line1\nline2|z");
	EXPECT("\"crlf\r\ninside\"\r\nnext\r\n", "crlf\r\ninside", "next");
	EXPECT("\"trailing comma\",\n", "trailing comma|");
}

static void test_lines(void **state)
{
	(void)state;
	static const char text[] = "h1,h2\n\"multi\nline\nfield\",x\r\nlast,y\n";
	static const char *const exp[] = {"h1|h2", "multi\nline\nfield|x", "last|y"};
	static const size_t lines[] = {1, 2, 5};
	expect_records(text, strlen(text), exp, 3, lines);
}

static void test_utf8(void **state)
{
	(void)state;
	EXPECT("姓名,电话\n王芳,138-0013-8000\n", "姓名|电话", "王芳|138-0013-8000");
	EXPECT("\xef\xbb\xbfname\n王芳\n", "name", "王芳"); /* BOM skipped */
	EXPECT("😀,\"韩梅梅\"\n", "😀|韩梅梅");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("a,b\n\"open,c\n", 12, 1, "quoted field not closed", 2, 1);
	expect_error("a,b\"c\n", 6, 0, "quote inside an unquoted field", 1, 4);
	expect_error("\"a\"b,c\n", 7, 0, "unexpected character after a closing quote", 1, 4);
	expect_error("x\n\"a\" ,c\n", 9, 1, "unexpected character after a closing quote", 2, 4);
	expect_error("a\rb\n", 4, 0, "carriage return not followed by a line feed", 1, 2);
	expect_error("a,b\r", 4, 0, "carriage return not followed by a line feed", 1, 4);
	expect_error("a,\0b\n", 5, 0, "NUL byte", 1, 3);
	expect_error("\"a\0\"\n", 5, 0, "NUL byte", 1, 3);
	expect_error("ok\nbad\xff\n", 8, 1, "invalid UTF-8", 2, 4);
	expect_error("\xc0\xaf\n", 3, 0, "invalid UTF-8", 1, 1);          /* overlong */
	expect_error("\xed\xa0\x80\n", 4, 0, "invalid UTF-8", 1, 1);      /* surrogate */
	expect_error("\xe7\x8e", 2, 0, "invalid UTF-8", 1, 1);            /* truncated */
	expect_error("\"\xf4\x90\x80\x80\"", 6, 0, "invalid UTF-8", 1, 2); /* above U+10FFFF */
}

static void test_field_limit(void **state)
{
	(void)state;
	/* CSV_MAX_FIELDS fields (one comma fewer) are fine ... */
	size_t commas = CSV_MAX_FIELDS - 1;
	char *text = malloc(commas + 2);
	assert_non_null(text);
	memset(text, ',', commas);
	text[commas] = '\n';
	csv_reader r;
	csv_init(&r, text, commas + 1);
	assert_int_equal(csv_next(&r), CSV_RECORD);
	assert_int_equal(csv_nfields(&r), CSV_MAX_FIELDS);
	csv_free(&r);
	/* ... one more is refused. */
	text[commas] = ',';
	text[commas + 1] = '\n';
	csv_init(&r, text, commas + 2);
	assert_int_equal(csv_next(&r), CSV_ESYNTAX);
	assert_string_equal(r.error, "too many fields in a record");
	csv_free(&r);
	free(text);
}

static void test_large_field(void **state)
{
	(void)state;
	size_t n = 100000;
	char *text = malloc(n + 3);
	assert_non_null(text);
	text[0] = '"';
	memset(text + 1, 'x', n);
	text[n + 1] = '"';
	text[n + 2] = '\n';
	csv_reader r;
	csv_init(&r, text, n + 3);
	assert_int_equal(csv_next(&r), CSV_RECORD);
	assert_int_equal(strlen(csv_field(&r, 0)), n);
	assert_null(csv_field(&r, 1));
	assert_int_equal(csv_next(&r), CSV_END);
	csv_free(&r);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),   cmocka_unit_test(test_empty),       cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_lines),    cmocka_unit_test(test_utf8),        cmocka_unit_test(test_errors),
		cmocka_unit_test(test_field_limit), cmocka_unit_test(test_large_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
