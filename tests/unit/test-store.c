/*
 * Store: open/close, header checks, migrations, transactions, errors.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvc/customer.h"
#include "csvc/ticket.h"
#include "csvc.h"

#include "csvc-test.h"
#include "util/internal.h"

static char tmpdir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/csvc-test-store-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in_tmp(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static void test_error_basics(void **state)
{
	(void)state;
	assert_string_equal(csvc_strerror(CSVC_ENOTFOUND), "not found");
	assert_string_equal(csvc_strerror(12345), "unknown error");
	csvc_assert_err(csvc_store_open(NULL, ":memory:", NULL), CSVC_EINVAL);
	/* A successful call resets the record. */
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, ":memory:", NULL));
	assert_int_equal(csvc_error_last()->code, CSVC_OK);
	assert_string_equal(csvc_error_last()->message, "");
	csvc_store_close(s);
	csvc_store_close(NULL);
}

/* The engine part of the error record: set by engine failures only, and
 * kept when the library rewords one. */
static void test_error_engine(void **state)
{
	(void)state;
	/* No engine behind an argument error. */
	csvc_assert_err(csvc_store_open(NULL, ":memory:", NULL), CSVC_EINVAL);
	assert_null(csvc_error_last()->engine);
	assert_int_equal(csvc_error_last()->engine_code, 0);
	assert_string_equal(csvc_error_last()->sqlstate, "");
	/* An engine with an SQLSTATE (as the PostgreSQL backend will set it):
	 * five characters, longer text cut to five. */
	csvc__error_engine(CSVC_EBUSY, "postgresql", 0, "40001", "serialization failure");
	assert_string_equal(csvc_error_last()->engine, "postgresql");
	assert_string_equal(csvc_error_last()->sqlstate, "40001");
	csvc__error_engine(CSVC_EEXISTS, "postgresql", 0, "23505xyz", "unique violation");
	assert_string_equal(csvc_error_last()->sqlstate, "23505");
	/* Rewording keeps the engine part; a plain error clears it. */
	csvc__error_refine(CSVC_EEXISTS, "external ID %s belongs to another customer", "x");
	assert_int_equal(csvc_error_last()->code, CSVC_EEXISTS);
	assert_string_equal(csvc_error_last()->message, "external ID x belongs to another customer");
	assert_string_equal(csvc_error_last()->engine, "postgresql");
	assert_string_equal(csvc_error_last()->sqlstate, "23505");
	csvc__error(CSVC_EINVAL, "plain");
	assert_null(csvc_error_last()->engine);
	assert_string_equal(csvc_error_last()->sqlstate, "");
	/* A real SQLite failure: a file that is not a database. */
	char path[300];
	path_in_tmp(path, sizeof(path), "not-a-db.db");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	char junk[4096];
	memset(junk, 'x', sizeof(junk));
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	csvc_store *s = NULL;
	assert_true(csvc_store_open(&s, path, NULL) < 0);
	assert_string_equal(csvc_error_last()->engine, "sqlite");
	assert_int_equal(csvc_error_last()->engine_code & 0xff, 26 /* SQLITE_NOTADB */);
	/* A successful call clears it. */
	csvc_assert_ok(csvc_store_open(&s, ":memory:", NULL));
	assert_null(csvc_error_last()->engine);
	assert_int_equal(csvc_error_last()->engine_code, 0);
	csvc_store_close(s);
	unlink(path);
}

/* csvc_store_close reports a transaction it rolled back and iterators
 * still open, and frees the store in every case. */
static void test_close_reports(void **state)
{
	(void)state;
	assert_int_equal(csvc_store_close(NULL), CSVC_OK);
	char path[300];
	path_in_tmp(path, sizeof(path), "close.db");
	unlink(path);
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_err(csvc_store_open(NULL, path, NULL), CSVC_EINVAL);
	assert_int_equal(csvc_store_close(s), CSVC_OK); /* and clears the record */
	assert_int_equal(csvc_error_last()->code, CSVC_OK);

	/* One level, then two: rolled back, and said so. */
	for (int levels = 1; levels <= 2; levels++) {
		csvc_assert_ok(csvc_store_open(&s, path, NULL));
		for (int i = 0; i < levels; i++)
			csvc_assert_ok(csvc_store_begin(s));
		csvc_customer *c = NULL;
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_assert_ok(csvc_customer_set_name(c, "rolled back"));
		csvc_assert_ok(csvc_customer_create(s, c, NULL));
		csvc_customer_free(c);
		csvc_assert_err(csvc_store_close(s), CSVC_ESTATE);
		assert_non_null(strstr(csvc_error_last()->message, "was rolled back"));
		assert_non_null(strstr(csvc_error_last()->message, levels == 1 ? "1 level " : "2 levels "));
		csvc_assert_ok(csvc_store_open(&s, path, NULL));
		int64_t n = -1;
		csvc_assert_ok(csvc_customer_count(s, NULL, &n));
		assert_int_equal(n, 0);
		csvc_assert_ok(csvc_store_close(s));
	}

	/* Statements the engine keeps for itself (the search index's) are not
	 * iterators. */
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.text = "search";
	int64_t count = -1;
	csvc_assert_ok(csvc_customer_count(s, &q, &count));
	csvc_assert_ok(csvc_store_close(s));
	/* An iterator still open: EBUSY; the store is freed, and the iterator
	 * can still be freed (the connection closes then). */
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_customer_iter *it = NULL;
	csvc_assert_ok(csvc_customer_iter_new(s, NULL, &it));
	csvc_assert_err(csvc_store_close(s), CSVC_EBUSY);
	assert_non_null(strstr(csvc_error_last()->message, "iterators of the store are still open"));
	csvc_customer_iter_free(it);
	/* Both: the rollback wins. */
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_ok(csvc_customer_iter_new(s, NULL, &it));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_err(csvc_store_close(s), CSVC_ESTATE);
	csvc_customer_iter_free(it);
	/* The file is not held: another store writes to it. */
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_store_commit(s));
	csvc_assert_ok(csvc_store_close(s));
	unlink(path);
}

/* The message is always valid UTF-8: a long message is cut on a character
 * boundary, and quoted bytes that are not UTF-8 are escaped. */
static void test_error_message_is_utf8(void **state)
{
	(void)state;
	char big[2048];
	size_t n = 0;
	while (n + 3 < sizeof(big)) {
		memcpy(big + n, "\xe5\x90\x8d", 3); /* 名 */
		n += 3;
	}
	big[n] = '\0';
	for (int shift = 0; shift < 4; shift++) {
		/* Shift the text so that the cut falls at every offset in a character. */
		assert_int_equal(csvc__error(CSVC_EINVAL, "%.*s'%s'", shift, "abc", big), CSVC_EINVAL);
		const csvc_error *e = csvc_error_last();
		size_t len = strlen(e->message);
		assert_true(len > 400 && len <= 511);
		assert_true(csvc__utf8_valid(e->message, len));
		assert_memory_equal(e->message, "abc", (size_t)shift);
	}
	/* Invalid bytes are escaped as \xNN; valid text around them is kept. */
	csvc__error_engine(CSVC_ECORRUPT, "sqlite", 11, NULL, "schema (%s) - %s", "ex\xfftra",
	                   "\xe5\x90 cut \xc3\xa9\x80");
	const csvc_error *e = csvc_error_last();
	assert_int_equal(e->code, CSVC_ECORRUPT);
	assert_string_equal(e->engine, "sqlite");
	assert_int_equal(e->engine_code, 11);
	assert_string_equal(e->sqlstate, "");
	assert_string_equal(e->message, "schema (ex\\xfftra) - \\xe5\\x90 cut \xc3\xa9\\x80");
	assert_true(csvc__utf8_valid(e->message, strlen(e->message)));
	/* Overlongs, surrogates and code points above U+10FFFF are escaped too. */
	csvc__error(CSVC_EINVAL, "%s|%s|%s", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80");
	assert_string_equal(csvc_error_last()->message,
	                    "\\xc0\\xaf|\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80");
	/* The escapes themselves never push the message past 511 bytes, nor
	 * get cut in half. */
	char bad[1200];
	memset(bad, 0xff, sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	for (int shift = 0; shift < 4; shift++) {
		csvc__error(CSVC_ECORRUPT, "%.*s%s", shift, "abc", bad);
		const char *m = csvc_error_last()->message;
		size_t len = strlen(m);
		assert_true(len > 500 && len <= 511);
		assert_true(csvc__utf8_valid(m, len));
		assert_int_equal((len - (size_t)shift) % 4, 0);
	}
	/* A message may quote the previous one. */
	csvc__error(CSVC_EINVAL, "inner \xff");
	csvc__error(CSVC_ECORRUPT, "outer: %s", csvc_error_last()->message);
	assert_string_equal(csvc_error_last()->message, "outer: inner \\xff");
	csvc__error_clear();
}

/* Single-line name-like fields refuse control characters (C0, DEL, C1);
 * multi-line free text keeps tab and line breaks but refuses the others.
 * A refused value leaves the record as it was. */
static void test_control_characters(void **state)
{
	(void)state;
	static const char *const bad_line[] = {"a\x1b[31mb", "a\nb", "a\tb", "a\rb", "a\x07", "a\x7f",
	                                       "a\xc2\x85" "b", "\xc2\x9b" "31m", "a\x01"};
	static const char *const bad_text[] = {"a\x1b[31mb", "a\x07", "a\x7f", "a\xc2\x85" "b", "\xc2\x9b", "\x0c"};
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "王芳 O'Brien \xc2\xa0 \xc2\xa9"));
	csvc_assert_ok(csvc_customer_set_address(c, "上海市\n南京路 1 号\r\n\t3 楼"));
	csvc_assert_ok(csvc_customer_set_notes(c, "line 1\nline 2\ttab"));
	csvc_assert_ok(csvc_customer_set_attr(c, "allergy", "nuts\nshellfish"));
	for (size_t i = 0; i < sizeof(bad_line) / sizeof(bad_line[0]); i++) {
		csvc_assert_err(csvc_customer_set_name(c, bad_line[i]), CSVC_EINVAL);
		assert_non_null(strstr(csvc_error_last()->message, "control"));
		csvc_assert_err(csvc_customer_add_tag(c, bad_line[i]), CSVC_EINVAL);
		csvc_assert_err(csvc_customer_set_attr(c, bad_line[i], "v"), CSVC_EINVAL);
		csvc_assert_err(csvc_customer_add_external_id(c, "member_card", bad_line[i]), CSVC_EINVAL);
	}
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		csvc_assert_err(csvc_customer_set_address(c, bad_text[i]), CSVC_EINVAL);
		csvc_assert_err(csvc_customer_set_notes(c, bad_text[i]), CSVC_EINVAL);
		csvc_assert_err(csvc_customer_set_attr(c, "allergy", bad_text[i]), CSVC_EINVAL);
	}
	assert_string_equal(csvc_customer_name(c), "王芳 O'Brien \xc2\xa0 \xc2\xa9");
	assert_string_equal(csvc_customer_address(c), "上海市\n南京路 1 号\r\n\t3 楼");
	assert_string_equal(csvc_customer_notes(c), "line 1\nline 2\ttab");

	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退货 «return»"));
	csvc_assert_ok(csvc_ticket_set_description(t, "first line\r\nsecond\tline"));
	for (size_t i = 0; i < sizeof(bad_line) / sizeof(bad_line[0]); i++) {
		csvc_assert_err(csvc_ticket_set_subject(t, bad_line[i]), CSVC_EINVAL);
		csvc_assert_err(csvc_ticket_set_category(t, bad_line[i]), CSVC_EINVAL);
		csvc_assert_err(csvc_ticket_set_order_ref(t, bad_line[i]), CSVC_EINVAL);
		csvc_assert_err(csvc_ticket_set_assignee(t, bad_line[i], NULL), CSVC_EINVAL);
		csvc_assert_err(csvc_ticket_set_assignee(t, NULL, bad_line[i]), CSVC_EINVAL);
	}
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++)
		csvc_assert_err(csvc_ticket_set_description(t, bad_text[i]), CSVC_EINVAL);
	assert_string_equal(csvc_ticket_subject(t), "退货 «return»");
	assert_string_equal(csvc_ticket_description(t), "first line\r\nsecond\tline");

	/* In a store: actors, comments, names of stored things. */
	csvc_time_us now = (csvc_time_us)1767225600 * 1000000;
	csvc_store *s = csvc_test_store(&now);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_err(csvc_customer_create(s, c, "clerk\x1b[2J"), CSVC_EINVAL);
	csvc_assert_ok(csvc_customer_create(s, c, "clerk-7"));
	csvc_assert_err(csvc_ticket_create(s, t, "clerk\n"), CSVC_EINVAL);
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk-7"));
	csvc_assert_err(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "hi\x1b]0;x\x07", NULL, 0, "clerk"}, NULL),
	                CSVC_EINVAL);
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "line 1\nline 2\r\n\tend", NULL, 0, "clerk"}, NULL));
	csvc_calendar *cal = NULL;
	static const char cal_json[] = "{\"zone\":\"UTC\",\"versions\":[{\"from\":\"2026-01-01\","
	                               "\"week\":{\"mon\":[\"09:00-17:00\"]}}]}";
	csvc_assert_ok(csvc_calendar_parse(&cal, cal_json, strlen(cal_json), NULL));
	csvc_assert_err(csvc_calendar_save(s, "hq\x1b", cal), CSVC_EINVAL);
	csvc_assert_err(csvc_calendar_save(s, "hq\xc2\x9b", cal), CSVC_EINVAL);
	csvc_assert_ok(csvc_calendar_save(s, "总部 hq", cal));
	csvc_calendar_free(cal);
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "wf"));
	csvc_assert_err(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, "打开\n", NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, "打开", "Open"));
	csvc_workflow_free(wf);
	csvc_survey *sv = NULL;
	csvc_assert_ok(csvc_survey_new(&sv, "sv"));
	csvc_assert_err(csvc_survey_set_title(sv, "title\x1b"), CSVC_EINVAL);
	csvc_survey_free(sv);
	csvc_sla_policy *p = NULL;
	csvc_assert_ok(csvc_sla_policy_new(&p, "p", 1));
	csvc_assert_err(csvc_sla_policy_add_target(p, "t", 3600000000, CSVC_SLA_CALENDAR_NAMED, "hq\x7f", NULL),
	                CSVC_EINVAL);
	csvc_sla_policy_free(p);
	/* Free-text search may hold a line break; a filter name may not. */
	csvc_ticket_free(t);
	csvc_customer_free(c);
	csvc_store_close(s);
}

/* A damaged full-text index is reported as damaged data, in the words of
 * the API: no SQLite virtual-table jargon, no internal table names. */
static void test_damaged_search_index_message(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "search-index.db");
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "王芳"));
	csvc_assert_ok(csvc_customer_create(s, c, "clerk"));
	csvc_customer_free(c);
	csvc_store_close(s);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE customer_search_config; DROP TABLE ticket_search_config", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.text = "王芳和";
	csvc_customer_iter *it = NULL;
	int64_t n = 0;
	int rc = csvc_customer_iter_new(s, &q, &it);
	if (rc == CSVC_OK) {
		csvc_customer *out = NULL;
		rc = csvc_customer_iter_next(it, &out);
		csvc_customer_free(out);
		csvc_customer_iter_free(it);
	}
	assert_int_equal(rc, CSVC_ECORRUPT);
	const char *m = csvc_error_last()->message;
	assert_non_null(strstr(m, "customer search index"));
	assert_null(strstr(m, "customer_search"));
	assert_null(strstr(m, "vtable"));
	/* Writing a customer touches the index too. */
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "李雷"));
	csvc_assert_err(csvc_customer_create(s, c, "clerk"), CSVC_ECORRUPT);
	assert_non_null(strstr(csvc_error_last()->message, "customer search index"));
	assert_null(strstr(csvc_error_last()->message, "customer_search"));
	csvc_customer_free(c);
	csvc_ticket_query tq = CSVC_TICKET_QUERY_INIT;
	tq.text = "退货退款";
	csvc_assert_err(csvc_ticket_count(s, &tq, &n), CSVC_ECORRUPT);
	assert_non_null(strstr(csvc_error_last()->message, "ticket search index"));
	assert_null(strstr(csvc_error_last()->message, "ticket_search"));
	/* Queries that do not use the index still work. */
	csvc_customer_query all = CSVC_CUSTOMER_QUERY_INIT;
	csvc_assert_ok(csvc_customer_count(s, &all, &n));
	assert_int_equal(n, 1);
	csvc_store_close(s);
}

static void test_version(void **state)
{
	(void)state;
	assert_string_equal(csvc_version(), CSVC_VERSION_STRING);
	assert_int_equal(csvc_version_number(), CSVC_VERSION_NUMBER);
	assert_true(CSVC_VERSION_CHECK(0, 0, 1));
	assert_false(CSVC_VERSION_CHECK(99, 0, 0));
}

static void test_uuid_text(void **state)
{
	(void)state;
	csvc_uuid u;
	char text[CSVC_UUID_STRLEN + 1];
	csvc_assert_ok(csvc_uuid_from_string("0123ABCD-4567-89ab-cdef-0123456789AB", &u));
	csvc_assert_ok(csvc_uuid_to_string(&u, text));
	assert_string_equal(text, "0123abcd-4567-89ab-cdef-0123456789ab");
	csvc_uuid before = u;
	csvc_assert_err(csvc_uuid_from_string("0123abcd-4567-89ab-cdef-0123456789a", &u), CSVC_EINVAL);
	csvc_assert_err(csvc_uuid_from_string("0123abcd-4567-89ab-cdef-0123456789abc", &u), CSVC_EINVAL);
	csvc_assert_err(csvc_uuid_from_string("0123abcd+4567-89ab-cdef-0123456789ab", &u), CSVC_EINVAL);
	csvc_assert_err(csvc_uuid_from_string("0123abcg-4567-89ab-cdef-0123456789ab", &u), CSVC_EINVAL);
	assert_true(csvc_uuid_equal(&u, &before)); /* untouched on failure */
	assert_false(csvc_uuid_is_nil(&u));
	csvc_uuid nil = {{0}};
	assert_true(csvc_uuid_is_nil(&nil));
	assert_true(csvc_uuid_is_nil(NULL));
}

static void test_options_validation(void **state)
{
	(void)state;
	csvc_store *s = NULL;
	csvc_store_options o;
	csvc_assert_ok(csvc_store_options_init(&o, CSVC_STORE_OPTIONS_VERSION));
	o.version = CSVC_STORE_OPTIONS_VERSION + 1;
	csvc_assert_err(csvc_store_open(&s, ":memory:", &o), CSVC_EINVAL);
	/* A zeroed struct means all defaults. */
	csvc_store_options zero;
	memset(&zero, 0, sizeof(zero));
	csvc_assert_ok(csvc_store_open(&s, ":memory:", &zero));
	csvc_store_close(s);
	s = NULL;
	csvc_assert_ok(csvc_store_options_init(&o, CSVC_STORE_OPTIONS_VERSION));
	o.durability = 7;
	csvc_assert_err(csvc_store_open(&s, ":memory:", &o), CSVC_EINVAL);
	csvc_assert_ok(csvc_store_options_init(&o, CSVC_STORE_OPTIONS_VERSION));
	o.flags = 0x100;
	csvc_assert_err(csvc_store_open(&s, ":memory:", &o), CSVC_EINVAL);
	csvc_assert_ok(csvc_store_options_init(&o, CSVC_STORE_OPTIONS_VERSION));
	o.default_country_code = "+86";
	csvc_assert_err(csvc_store_open(&s, ":memory:", &o), CSVC_EINVAL);
	assert_null(s);
	csvc_assert_err(csvc_store_options_init(NULL, CSVC_STORE_OPTIONS_VERSION), CSVC_EINVAL);
}

static void test_create_and_reopen(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "a.db");
	csvc_store *s = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_NOCREATE;
	csvc_assert_err(csvc_store_open(&s, path, &o), CSVC_ENOTFOUND);
	assert_int_not_equal(access(path, F_OK), 0);

	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	int32_t v = -1;
	csvc_assert_ok(csvc_store_schema_version(s, &v));
	assert_int_equal(v, csvc_store_schema_version_supported());
	csvc_store_close(s);

	/* Reopen read-only and with NOCREATE. */
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_store_close(s);
	o.flags = CSVC_OPEN_READONLY;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_assert_err(csvc_store_begin(s), CSVC_EREADONLY);
	csvc_store_close(s);

	/* The file carries our application_id and WAL mode. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0x43535643);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int64_t file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	int64_t n = ftell(f);
	fclose(f);
	return n;
}

static void test_foreign_database_untouched(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "foreign.db");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	int64_t size = file_size(path);

	csvc_store *s = NULL;
	csvc_assert_err(csvc_store_open(&s, path, NULL), CSVC_ENOTSTORE);
	assert_null(s);
	assert_int_equal(file_size(path), size);
	/* Still a rollback-journal database: we switched nothing to WAL. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Not an SQLite file at all. */
	path_in_tmp(path, sizeof(path), "garbage.db");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 4096; i++)
		fputc('x', f);
	fclose(f);
	csvc_assert_err(csvc_store_open(&s, path, NULL), CSVC_ECORRUPT);
	assert_int_equal(file_size(path), 4096);
}

static void test_newer_store_refused(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "newer.db");
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_store_close(s);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=9999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = NULL;
	csvc_assert_err(csvc_store_open(&s, path, NULL), CSVC_EVERSION);
	assert_null(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 9999);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_transactions_nest(void **state)
{
	(void)state;
	csvc_time_us now = 1700000000 * CSVC_SECOND_US;
	csvc_store *s = csvc_test_store(&now);
	assert_int_equal(csvc_store_now(s), now);
	csvc_assert_err(csvc_store_commit(s), CSVC_ESTATE);
	csvc_assert_err(csvc_store_rollback(s), CSVC_ESTATE);
	csvc_assert_ok(csvc_store_begin(s));
	assert_int_equal(csvc_store_tx_depth(s), 1);
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_store_begin(s));
	assert_int_equal(csvc_store_tx_depth(s), 3);
	csvc_assert_ok(csvc_store_rollback(s));
	csvc_assert_ok(csvc_store_commit(s));
	csvc_assert_ok(csvc_store_commit(s));
	assert_int_equal(csvc_store_tx_depth(s), 0);
	csvc_assert_err(csvc_store_commit(s), CSVC_ESTATE);
	csvc_store_close(s);
}

static void log_count(int32_t level, const char *message, void *userdata)
{
	(void)level;
	assert_non_null(message);
	(*(int *)userdata)++;
}

static void test_log_handler(void **state)
{
	(void)state;
	int count = 0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.log = log_count;
	o.log_userdata = &count;
	o.log_level = CSVC_LOG_INFO;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, ":memory:", &o));
	assert_true(count >= 1); /* the migration was logged at INFO */
	csvc_store_close(s);
}

typedef struct worker {
	const char *path;
	int index;
	int created;
	int failed;
} worker;

/* Each thread has its own store on the same file; every create must
 * commit (the busy timeout absorbs the lock waits). */
static void *worker_main(void *arg)
{
	worker *w = arg;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, w->path, NULL) != CSVC_OK) {
		w->failed = 1000;
		return NULL;
	}
	for (int i = 0; i < 100; i++) {
		csvc_customer *c = NULL;
		char card[32];
		snprintf(card, sizeof(card), "T%d-%d", w->index, i);
		if (csvc_customer_new(&c) || csvc_customer_add_external_id(c, "member_card", card) ||
		    csvc_customer_create(s, c, NULL))
			w->failed++;
		else
			w->created++;
		csvc_customer_free(c);
	}
	csvc_store_close(s);
	return NULL;
}

static void test_threads_share_a_file(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "threads.db");
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	pthread_t th[4];
	worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker){path, i, 0, 0};
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failed, 0);
		assert_int_equal(w[i].created, 100);
	}
	int64_t n = 0;
	csvc_assert_ok(csvc_customer_count(s, NULL, &n));
	assert_int_equal(n, 400);
	csvc_store_close(s);
}

static void test_busy_without_timeout(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "busy.db");
	csvc_store *a = NULL, *b = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.busy_timeout_ms = -1;
	csvc_assert_ok(csvc_store_open(&a, path, &o));
	csvc_assert_ok(csvc_store_open(&b, path, &o));
	csvc_assert_ok(csvc_store_begin(a));
	csvc_assert_err(csvc_store_begin(b), CSVC_EBUSY);
	assert_string_equal(csvc_error_last()->engine, "sqlite");
	assert_int_equal(csvc_error_last()->engine_code & 0xff, 5 /* SQLITE_BUSY */);
	assert_string_equal(csvc_error_last()->sqlstate, "");
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_err(csvc_customer_create(b, c, NULL), CSVC_EBUSY);
	assert_int_equal(csvc_customer_revision(c), 0);
	csvc_assert_ok(csvc_store_commit(a));
	csvc_assert_ok(csvc_customer_create(b, c, NULL));
	csvc_customer_free(c);
	csvc_store_close(a);
	csvc_store_close(b);
}


static void read_file(const char *path, unsigned char **data, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	*data = malloc(*n ? *n : 1);
	assert_non_null(*data);
	assert_int_equal(fread(*data, 1, *n, f), *n);
	fclose(f);
}

static void write_file(const char *path, const unsigned char *data, size_t n)
{
	unlink(path);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* A store with a customer, checkpointed into the main file. */
static void make_checkpointed_store(const char *path)
{
	csvc_store *s = NULL;
	unlink(path);
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "Header Test"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	csvc_customer_free(c);
	csvc_store_close(s); /* the last close checkpoints and removes the WAL */
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_not_equal(access(wal, F_OK), 0);
}

static void test_negative_schema_version_refused(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "negative.db");
	make_checkpointed_store(path);
	const int versions[] = { -2147483647 - 1, -2, -1, 0 };
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		sqlite3 *db;
		char sql[64];
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", versions[i]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		unsigned char *before, *after;
		size_t nb, na;
		read_file(path, &before, &nb);
		csvc_store *s = NULL;
		csvc_assert_err(csvc_store_open(&s, path, NULL), CSVC_ECORRUPT);
		assert_null(s);
		read_file(path, &after, &na);
		assert_int_equal(na, nb);
		assert_memory_equal(before, after, nb);
		free(before);
		free(after);
	}
}

/* Every byte of the 100-byte SQLite header, flipped three ways: open
 * either works (and the store then reads and writes) or fails with a
 * clean error and leaves the file as it was. */
static void test_header_byte_flips(void **state)
{
	(void)state;
	char path[300], work[300];
	path_in_tmp(path, sizeof(path), "flip-src.db");
	path_in_tmp(work, sizeof(work), "flip.db");
	make_checkpointed_store(path);
	unsigned char *good;
	size_t n;
	read_file(path, &good, &n);
	const unsigned char masks[] = { 0x01, 0x80, 0xff };
	int opened = 0, refused = 0;
	for (int byte = 0; byte < 100; byte++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			good[byte] ^= masks[m];
			write_file(work, good, n);
			csvc_store *s = NULL;
			csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
			o.flags = CSVC_OPEN_NOCREATE;
			int rc = csvc_store_open(&s, work, &o);
			if (rc == CSVC_OK) {
				opened++;
				csvc_customer_iter *it = NULL;
				csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
				q.text = "Header";
				if (csvc_customer_iter_new(s, &q, &it) == CSVC_OK) {
					csvc_customer *c = NULL;
					while (csvc_customer_iter_next(it, &c) == CSVC_OK)
						csvc_customer_free(c);
					csvc_customer_iter_free(it);
				}
				csvc_customer *c = NULL;
				csvc_assert_ok(csvc_customer_new(&c));
				int wrc = csvc_customer_create(s, c, NULL);
				assert_true(wrc == CSVC_OK || wrc == CSVC_ECORRUPT || wrc == CSVC_ESTORAGE ||
				            wrc == CSVC_EREADONLY);
				csvc_customer_free(c);
				csvc_store_close(s);
			} else {
				refused++;
				assert_null(s);
				assert_true(rc == CSVC_ECORRUPT || rc == CSVC_ENOTSTORE || rc == CSVC_EVERSION ||
				            rc == CSVC_EREADONLY || rc == CSVC_ESTORAGE);
				assert_true(csvc_error_last()->message[0] != '\0');
				unsigned char *after;
				size_t na;
				read_file(work, &after, &na);
				assert_int_equal(na, n);
				assert_memory_equal(after, good, n);
				free(after);
			}
			good[byte] ^= masks[m];
		}
	}
	assert_true(opened > 0);
	assert_true(refused > 0);
	free(good);
}

/* Only a missing file becomes a new store. */
static void test_short_files_refused(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "short.db");
	const size_t sizes[] = { 0, 1, 99, 511 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char bytes[512];
		memset(bytes, 'q', sizeof(bytes));
		write_file(path, bytes, sizes[i]);
		for (int nocreate = 0; nocreate < 2; nocreate++) {
			csvc_store *s = NULL;
			csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
			o.flags = nocreate ? CSVC_OPEN_NOCREATE : 0;
			csvc_assert_err(csvc_store_open(&s, path, &o),
			                sizes[i] == 0 ? CSVC_ENOTSTORE : CSVC_ECORRUPT);
			assert_null(s);
			assert_int_equal(file_size(path), (int64_t)sizes[i]);
		}
	}
	/* A directory is not a store either. */
	path_in_tmp(path, sizeof(path), "adir.db");
	assert_int_equal(mkdir(path, 0700), 0);
	csvc_store *s = NULL;
	csvc_assert_err(csvc_store_open(&s, path, NULL), CSVC_ESTORAGE);
}

/* "file:" names are paths unless CSVC_OPEN_URI asks for URIs. */
static void test_paths_are_not_uris(void **state)
{
	(void)state;
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, "file:uri.db?mode=memory", NULL));
	csvc_store_close(s);
	/* It made a file of exactly that name, not a memory database. */
	assert_int_equal(access("file:uri.db?mode=memory", F_OK), 0);
	assert_int_not_equal(access("uri.db", F_OK), 0);

	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_URI;
	csvc_assert_ok(csvc_store_open(&s, "file:uri2.db?mode=memory", &o));
	csvc_store_close(s);
	assert_int_not_equal(access("uri2.db", F_OK), 0);
	assert_int_not_equal(access("file:uri2.db?mode=memory", F_OK), 0);
	csvc_assert_ok(csvc_store_open(&s, "file:uri3.db", &o));
	csvc_store_close(s);
	assert_int_equal(access("uri3.db", F_OK), 0);
	assert_int_equal(chdir(cwd), 0);
}

/* Runs `fn` in a child process as user nobody, which file permissions
 * bind (they do not bind root); returns the child's exit status. */
static int as_nobody(int (*fn)(const char *), const char *path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(90);
		_exit(fn(path));
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Leaves the open's error record for the caller (s is NULL when it fails,
 * and closing even NULL resets the record). */
static int open_rw_expect(const char *path, int expected)
{
	csvc_store *s = NULL;
	int rc = csvc_store_open(&s, path, NULL);
	if (s)
		csvc_store_close(s);
	return rc == expected ? 0 : 10 + (-rc);
}

static int child_rw_readonly_file(const char *path)
{
	return open_rw_expect(path, CSVC_EREADONLY);
}

static int child_unreadable(const char *path)
{
	int rc = open_rw_expect(path, CSVC_ESTORAGE);
	if (rc)
		return rc;
	return strstr(csvc_error_last()->message, "ermission denied") ? 0 : 3;
}

static int child_readonly_dir(const char *path)
{
	csvc_store *s = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_READONLY;
	int rc = csvc_store_open(&s, path, &o);
	if (rc)
		return 10 + (-rc);
	int64_t n = -1;
	rc = csvc_customer_count(s, NULL, &n);
	csvc_store_close(s);
	return rc ? 30 + (-rc) : n == 1 ? 0 : 4;
}

static int child_readonly_dir_refused(const char *path)
{
	csvc_store *s = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_READONLY;
	int rc = csvc_store_open(&s, path, &o);
	if (rc == CSVC_OK) {
		int64_t n = -1;
		rc = csvc_customer_count(s, NULL, &n);
		csvc_store_close(s);
	}
	return rc < 0 && csvc_error_last()->message[0] ? 0 : 5;
}

static void test_permissions(void **state)
{
	(void)state;
	char dir[300], path[320];
	path_in_tmp(dir, sizeof(dir), "perm");
	assert_int_equal(chmod(tmpdir, 0755), 0); /* mkdtemp made it 0700 */
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/p.db", dir);
	make_checkpointed_store(path);

	/* A directory nobody may write (no write bits, as on read-only
	 * media): a read-only open works and leaves nothing. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(as_nobody(child_readonly_dir, path), 0);
	char wal[340];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_not_equal(access(wal, F_OK), 0);
	/* One its owner may write: the owner's service may be writing, so the
	 * file is not read as immutable; without the -shm file SQLite cannot
	 * share the WAL index, and the open fails cleanly. */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(as_nobody(child_readonly_dir_refused, path), 0);

	/* A file others may only read: a read-write open is refused. */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(as_nobody(child_rw_readonly_file, path), 0);

	/* Unreadable: permission denied, not "not found". */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(as_nobody(child_unreadable, path), 0);
	assert_int_equal(chmod(dir, 0755), 0);
}

typedef struct racer {
	const char *path;
	int rc;
} racer;

static void *racer_main(void *arg)
{
	racer *r = arg;
	csvc_store *s = NULL;
	r->rc = csvc_store_open(&s, r->path, NULL);
	csvc_store_close(s);
	return NULL;
}

static int64_t raw_user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A newer library upgrades the store while this one waits for the lock
 * to migrate: this one must refuse, not write its own version back. */
static void test_migration_race_with_newer_library(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "race.db");
	make_checkpointed_store(path);
	int32_t latest = csvc_store_schema_version_supported();
	sqlite3 *db;
	char sql[64];
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", latest - 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	racer r = { path, 1 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, racer_main, &r), 0);
	usleep(300 * 1000); /* the racer reads version latest-1 and waits */
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", latest + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(th, NULL);
	assert_int_equal(r.rc, CSVC_EVERSION);
	assert_int_equal(raw_user_version(db), latest + 1);
	sqlite3_close(db);
}

static int leaky_hook_calls;

static void leaky_hook(const csvc_event *ev, void *userdata)
{
	(void)ev;
	leaky_hook_calls++;
	csvc_store_begin(userdata); /* and never commits */
}

static void count_log(int32_t level, const char *message, void *userdata)
{
	(void)message;
	if (level == CSVC_LOG_ERROR)
		++*(int *)userdata;
}

/* A change hook that leaves a transaction open: it is rolled back and
 * logged, and later calls commit for real. */
static void test_hook_leaves_transaction_open(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "hook.db");
	csvc_store *s = NULL;
	int errors = 0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.log = count_log;
	o.log_userdata = &errors;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_set_change_hook(s, leaky_hook, s));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "first"));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	assert_int_equal(leaky_hook_calls, 1);
	assert_int_equal(csvc_store_tx_depth(s), 0);
	assert_int_equal(errors, 1);
	csvc_ticket_free(t);
	csvc_assert_ok(csvc_store_set_change_hook(s, NULL, NULL));
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "second"));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	csvc_ticket_free(t);
	csvc_store_close(s);
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	int64_t n = 0;
	csvc_assert_ok(csvc_ticket_count(s, NULL, &n));
	assert_int_equal(n, 2);
	csvc_store_close(s);
}

/* The store options as version 1 knew them: a caller built against those
 * headers passes a struct this long. */
typedef struct options_v1 {
	uint32_t version;
	csvc_clock_fn clock;
	void *clock_userdata;
	int32_t busy_timeout_ms;
	int32_t durability;
	uint32_t flags;
	csvc_log_fn log;
	void *log_userdata;
	int32_t log_level;
	const char *default_country_code;
	const char *zoneinfo_dir;
} options_v1;

static void test_wal_limit_and_checkpoint(void **state)
{
	(void)state;
	char path[300], wal[320];
	path_in_tmp(path, sizeof(path), "wal.db");
	snprintf(wal, sizeof(wal), "%s-wal", path);
	csvc_store *w = NULL, *r = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.wal_size_limit = 64 * 1024;
	o.busy_timeout_ms = 100;
	csvc_assert_ok(csvc_store_open(&w, path, &o));
	csvc_assert_ok(csvc_store_open(&r, path, &o));
	/* A reader's snapshot (a read transaction on a connection of its own:
	 * iterators hold none) keeps the WAL from being reused. */
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_create(w, c, NULL));
	csvc_customer_free(c);
	sqlite3 *snap = NULL;
	assert_int_equal(sqlite3_open_v2(path, &snap, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(snap, "BEGIN; SELECT count(*) FROM customers;", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < 4000; i++) {
		char name[64];
		snprintf(name, sizeof(name), "customer number %d with a longer name", i);
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_assert_ok(csvc_customer_set_name(c, name));
		csvc_assert_ok(csvc_customer_create(w, c, NULL));
		csvc_customer_free(c);
	}
	int64_t peak = file_size(wal);
	assert_true(peak > 10 * 1024 * 1024);
	csvc_assert_err(csvc_store_checkpoint(w), CSVC_EBUSY);
	assert_int_equal(sqlite3_exec(snap, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(snap);
	/* Once the reader is done, the next automatic checkpoint lets the WAL
	 * start over, and it is cut back to the limit: from then on it stays
	 * near SQLite's automatic checkpoint size (1000 pages). */
	for (int i = 0; i < 1200; i++) {
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_assert_ok(csvc_customer_create(w, c, NULL));
		csvc_customer_free(c);
	}
	assert_true(file_size(wal) < 5 * 1024 * 1024);
	/* ...and a checkpoint empties it. */
	csvc_assert_ok(csvc_store_checkpoint(w));
	assert_int_equal(file_size(wal), 0);
	csvc_assert_ok(csvc_store_begin(w));
	csvc_assert_err(csvc_store_checkpoint(w), CSVC_ESTATE);
	csvc_assert_ok(csvc_store_rollback(w));
	csvc_assert_err(csvc_store_checkpoint(NULL), CSVC_EINVAL);
	csvc_store_close(r);
	csvc_store_close(w);

	o.flags = CSVC_OPEN_READONLY;
	csvc_assert_ok(csvc_store_open(&r, path, &o));
	csvc_assert_err(csvc_store_checkpoint(r), CSVC_EREADONLY);
	csvc_store_close(r);

	/* A version-1 struct is read only as far as version 1 goes. */
	options_v1 *v1 = calloc(1, sizeof(*v1));
	assert_non_null(v1);
	v1->version = 1;
	v1->flags = CSVC_OPEN_NOCREATE;
	csvc_assert_ok(csvc_store_open(&w, path, (const csvc_store_options *)(void *)v1));
	csvc_store_close(w);
	free(v1);
}

static int side_file(const char *path, const char *suffix)
{
	char p[340];
	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return access(p, F_OK) == 0;
}

/* A read-only open leaves behind no -wal or -shm file it created, and
 * never removes those another connection uses. */
static void test_readonly_leaves_no_side_files(void **state)
{
	(void)state;
	char path[300];
	path_in_tmp(path, sizeof(path), "ro-side.db");
	make_checkpointed_store(path);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_READONLY;
	csvc_store *r = NULL, *w = NULL;
	csvc_assert_ok(csvc_store_open(&r, path, &o));
	int64_t n = 0;
	csvc_assert_ok(csvc_customer_count(r, NULL, &n));
	assert_int_equal(n, 1);
	assert_true(side_file(path, "-shm"));
	csvc_store_close(r);
	assert_false(side_file(path, "-wal"));
	assert_false(side_file(path, "-shm"));

	/* A writer is open throughout: its files stay, and it goes on. */
	csvc_assert_ok(csvc_store_open(&r, path, &o));
	csvc_assert_ok(csvc_customer_count(r, NULL, &n));
	csvc_assert_ok(csvc_store_open(&w, path, NULL));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_create(w, c, NULL));
	csvc_customer_free(c);
	csvc_store_close(r);
	assert_true(side_file(path, "-wal"));
	csvc_assert_ok(csvc_customer_count(w, NULL, &n));
	assert_int_equal(n, 2);
	csvc_store_close(w);
	assert_false(side_file(path, "-wal"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_basics),
		cmocka_unit_test(test_error_engine),
		cmocka_unit_test(test_close_reports),
		cmocka_unit_test(test_error_message_is_utf8),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_damaged_search_index_message),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_uuid_text),
		cmocka_unit_test(test_options_validation),
		cmocka_unit_test(test_create_and_reopen),
		cmocka_unit_test(test_foreign_database_untouched),
		cmocka_unit_test(test_newer_store_refused),
		cmocka_unit_test(test_transactions_nest),
		cmocka_unit_test(test_log_handler),
		cmocka_unit_test(test_threads_share_a_file),
		cmocka_unit_test(test_busy_without_timeout),
		cmocka_unit_test(test_negative_schema_version_refused),
		cmocka_unit_test(test_header_byte_flips),
		cmocka_unit_test(test_short_files_refused),
		cmocka_unit_test(test_paths_are_not_uris),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_migration_race_with_newer_library),
		cmocka_unit_test(test_hook_leaves_transaction_open),
		cmocka_unit_test(test_wal_limit_and_checkpoint),
		cmocka_unit_test(test_readonly_leaves_no_side_files),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
