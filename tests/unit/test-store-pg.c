/*
 * Stores on PostgreSQL: opening by URI and by connection string, the
 * schema option, what is refused untouched (a foreign schema, a newer
 * schema version, a database whose locale cannot index Chinese), and
 * search on both engines giving the same answers (the same data in an
 * in-memory SQLite store and a PostgreSQL one). Needs a server: run by
 * tests/pg/with-pg-server.sh, which sets CSVC_TEST_PG; without it the
 * program fails, it does not skip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "db/postgres.h"
#include "store/store-internal.h"

static csvc_time_us now_cell = 1700000000000000;

static const char *conninfo(void)
{
	const char *c = csvc_test_pg();
	if (!c)
		fail_msg("CSVC_TEST_PG is not set: run this test through tests/pg/with-pg-server.sh");
	return c;
}

/* A connection of the test's own for setting up and inspecting. */
static csvc__db *admin(const char *info)
{
	csvc__db *db = NULL;
	csvc__postgres_config cfg = {.lock_timeout_ms = 10000};
	if (csvc__postgres_open(&db, info, &cfg) != CSVC_OK)
		fail_msg("%s", csvc_error_last()->message);
	return db;
}

static void run(csvc__db *db, const char *sql)
{
	if (csvc__db_exec(db, sql, 0) != CSVC_OK)
		fail_msg("%s: %s", sql, csvc_error_last()->message);
}

static int64_t one_int(csvc__db *db, const char *sql)
{
	csvc__stmt *st = NULL;
	if (csvc__db_prepare(db, sql, &st) != CSVC_OK)
		fail_msg("%s: %s", sql, csvc_error_last()->message);
	int64_t v = -1;
	if (csvc__db_step(st) == CSVC__ROW)
		v = csvc__db_int(st, 0);
	csvc__db_finalize(st);
	return v;
}

static csvc_store_options pg_options(const char *schema)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.pg_conninfo = conninfo();
	o.pg_schema = schema;
	return o;
}

/* The key=value string of with-pg-server.sh as a postgresql:// URI. */
static void uri_of(const char *info, char *out, size_t size)
{
	char host[256] = "", port[256] = "", user[256] = "", db[256] = "";
	const char *p = info;
	while (*p) {
		char key[32], value[256];
		if (sscanf(p, "%31[^=]=%255s", key, value) != 2)
			break;
		if (!strcmp(key, "host"))
			snprintf(host, sizeof(host), "%s", value);
		else if (!strcmp(key, "port"))
			snprintf(port, sizeof(port), "%s", value);
		else if (!strcmp(key, "user"))
			snprintf(user, sizeof(user), "%s", value);
		else if (!strcmp(key, "dbname"))
			snprintf(db, sizeof(db), "%s", value);
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	/* A Unix socket directory goes in the query string (%2F-free). */
	snprintf(out, size, "postgresql://%s@/%s?host=%s&port=%s", user, db, host, port);
}

static void test_open_by_uri_and_conninfo(void **state)
{
	(void)state;
	char uri[1200];
	uri_of(conninfo(), uri, sizeof(uri));
	csvc_store_options o = pg_options("st_open");
	o.pg_conninfo = NULL;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, uri, &o));
	int32_t v = 0;
	csvc_assert_ok(csvc_store_schema_version(s, &v));
	assert_int_equal(v, csvc_store_schema_version_supported());
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "王小明"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	csvc_assert_ok(csvc_store_close(s));

	/* The same schema through the connection string: the same store,
	 * migrated once. */
	o = pg_options("st_open");
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(c), &g));
	assert_string_equal(csvc_customer_name(g), "王小明");
	csvc_customer_free(g);
	csvc_assert_ok(csvc_store_close(s));

	/* "postgres://" is a URI too. */
	char short_uri[1200];
	snprintf(short_uri, sizeof(short_uri), "postgres://%s", uri + strlen("postgresql://"));
	o = pg_options("st_open");
	o.pg_conninfo = NULL;
	csvc_assert_ok(csvc_store_open(&s, short_uri, &o));
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(c), &g));
	csvc_customer_free(g);
	csvc_assert_ok(csvc_store_close(s));

	/* Another schema is another store. */
	o = pg_options("st_open_other");
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_assert_err(csvc_customer_get(s, csvc_customer_id(c), &g), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_store_close(s));
	csvc_customer_free(c);

	csvc__db *db = admin(conninfo());
	run(db, "DROP SCHEMA st_open CASCADE; DROP SCHEMA st_open_other CASCADE");
	csvc__db_close(db);
}

static void test_option_errors(void **state)
{
	(void)state;
	csvc_store *s = NULL;
	csvc_store_options o = pg_options("st_errors");
	csvc_assert_err(csvc_store_open(&s, "x.db", &o), CSVC_EINVAL); /* pg_conninfo wants "" */
	o.pg_schema = "bad-name";
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_EINVAL);
	o.pg_schema = "1abc";
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_EINVAL);
	o.pg_schema = "pg_store"; /* reserved for the system's schemas */
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_EINVAL);
	/* No schema yet: neither a read-only nor a no-create open finds one
	 * (as a missing file on SQLite). */
	o = pg_options("st_missing");
	o.flags = CSVC_OPEN_READONLY;
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_ENOTFOUND);
	o.flags = CSVC_OPEN_NOCREATE;
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_ENOTFOUND);
	csvc__db *db = admin(conninfo());
	assert_int_equal(one_int(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'st_missing'"), 0);
	csvc__db_close(db);
	/* A server that is not there. */
	o = pg_options("st_errors");
	o.pg_conninfo = "host=/nonexistent-csvc-dir port=1 connect_timeout=2";
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_ESTORAGE);
	assert_non_null(strstr(csvc_error_last()->message, "cannot connect"));
	assert_null(s);
}

static void test_read_only(void **state)
{
	(void)state;
	csvc_store *s = NULL;
	csvc_store_options o = pg_options("st_readonly");
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_close(s));
	o.flags = CSVC_OPEN_READONLY;
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_load(s, "complaint", 0, &wf));
	csvc_workflow_free(wf);
	csvc_assert_err(csvc_store_begin(s), CSVC_EREADONLY);
	csvc_assert_ok(csvc_store_close(s));
	csvc__db *db = admin(conninfo());
	run(db, "DROP SCHEMA st_readonly CASCADE");
	csvc__db_close(db);
}

static void test_foreign_schema_untouched(void **state)
{
	(void)state;
	csvc__db *db = admin(conninfo());
	run(db, "CREATE SCHEMA st_foreign; CREATE TABLE st_foreign.orders (id int); INSERT INTO st_foreign.orders VALUES (7)");
	csvc_store *s = NULL;
	csvc_store_options o = pg_options("st_foreign");
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_ENOTSTORE);
	assert_null(s);
	assert_int_equal(one_int(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'st_foreign'"), 1);
	assert_int_equal(one_int(db, "SELECT id FROM st_foreign.orders"), 7);
	run(db, "DROP SCHEMA st_foreign CASCADE");
	csvc__db_close(db);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	csvc_store *s = NULL;
	csvc_store_options o = pg_options("st_newer");
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_assert_ok(csvc_store_close(s));
	csvc__db *db = admin(conninfo());
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE st_newer.csvc_meta SET schema_version = %d",
	         (int)csvc_store_schema_version_supported() + 1);
	run(db, sql);
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_EVERSION);
	assert_int_equal(one_int(db, "SELECT schema_version FROM st_newer.csvc_meta"),
	                 csvc_store_schema_version_supported() + 1);
	/* An application id of another program. */
	run(db, "UPDATE st_newer.csvc_meta SET application_id = 12345, schema_version = 1");
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_ENOTSTORE);
	run(db, "DROP SCHEMA st_newer CASCADE");
	csvc__db_close(db);
}

/* A database whose LC_CTYPE is "C" classifies no Chinese character as a
 * letter: pg_trgm would make no trigram of Chinese text. It is refused
 * before anything is created in it. */
static void test_c_locale_database_refused(void **state)
{
	(void)state;
	csvc__db *db = admin(conninfo());
	run(db, "DROP DATABASE IF EXISTS csvc_c_locale");
	run(db, "CREATE DATABASE csvc_c_locale TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'");
	char info[1024];
	snprintf(info, sizeof(info), "%s dbname=csvc_c_locale", conninfo());
	csvc_store *s = NULL;
	csvc_store_options o = pg_options("csvc");
	o.pg_conninfo = info;
	csvc_assert_err(csvc_store_open(&s, "", &o), CSVC_ESTORAGE);
	assert_non_null(strstr(csvc_error_last()->message, "LC_CTYPE 'C'"));
	assert_non_null(strstr(csvc_error_last()->message, "Chinese"));
	csvc__db *c = admin(info);
	assert_int_equal(one_int(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'csvc'"), 0);
	/* What the check stands for: pg_trgm makes no trigram there. */
	run(c, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
	assert_int_equal(one_int(c, "SELECT coalesce(array_length(show_trgm('客户服务'), 1), 0)"), 0);
	csvc__db_close(c);
	/* ... and does in the test server's C.UTF-8 database. */
	assert_true(one_int(db, "SELECT coalesce(array_length(public.show_trgm('客户服务'), 1), 0)") > 0);
	run(db, "DROP DATABASE csvc_c_locale");
	csvc__db_close(db);
}

/* ---- search: the same answers on both engines ---- */

static const char *const NAMES[] = {
	"欧阳娜娜", "张娜", "李四", "王小明", "Zhang Na", "ZHANGWEI", "zhang wei", "Élodie Martin",
	"élodie", "100% 满意", "a_b_c", "back\\slash", "上海徐汇店顾客", "陈大文", "O'Brien", "客服中心",
};
static const char *const NOTES[] = {
	"VIP 会员，喜欢周末来店", NULL, "投诉过空调噪音", "wants e-mail only", NULL, "Prefers PHONE", NULL,
	"parle français", NULL, "50% off coupon", NULL, NULL, "退货申请已处理", NULL, NULL, "总部",
};
static const char *const SUBJECTS[] = {
	"空调噪音太大", "退货申请", "Refund request", "REFUND for order 5%", "门店服务态度", "App login_error",
	"会员积分没到账", "Écran cassé", "积分兑换", "under_score test",
};
static const char *const QUERIES[] = {
	"娜", "娜娜", "欧阳娜", "阳娜娜", "张", "zhang", "ZHANG", "Zhang Na", "wei", "élodie", "ÉLODIE", "Él",
	"é", "%", "% 满", "_", "a_b", "\\", "sla", "o'b", "O'", "客服", "客服中心", "顾客", "店顾客", "vip",
	"会员", "噪音", "空调噪", "phone", "13800", "138", "@example", "EXAMPLE.CN", "退货", "退货申请", "refund",
	"5%", "login_", "er_", "积分", "écran", "ÉCRAN", "xyz不存在", "a", "ab", "abc",
};

static void fill(csvc_store *s)
{
	csvc_assert_ok(csvc_store_install_defaults(s));
	for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
		csvc_customer *c = NULL;
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_uuid id = {{0}};
		id.bytes[0] = 0x40;
		id.bytes[15] = (unsigned char)(i + 1);
		csvc_assert_ok(csvc_customer_set_id(c, &id));
		csvc_assert_ok(csvc_customer_set_name(c, NAMES[i]));
		if (NOTES[i])
			csvc_assert_ok(csvc_customer_set_notes(c, NOTES[i]));
		char phone[32], email[64];
		snprintf(phone, sizeof(phone), "1380013%04d", (int)i);
		csvc_assert_ok(csvc_customer_add_phone(c, phone));
		snprintf(email, sizeof(email), "User%d@Example.cn", (int)i);
		csvc_assert_ok(csvc_customer_add_email(c, email));
		csvc_assert_ok(csvc_customer_create(s, c, NULL));
		csvc_customer_free(c);
	}
	for (size_t i = 0; i < sizeof(SUBJECTS) / sizeof(SUBJECTS[0]); i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, i % 2 ? "complaint" : "inquiry", "SH01"));
		csvc_assert_ok(csvc_ticket_set_subject(t, SUBJECTS[i]));
		csvc_assert_ok(csvc_ticket_set_channel(t, "store_counter"));
		csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
		if (i % 3 == 0) {
			csvc_comment cm = CSVC_COMMENT_INIT;
			cm.kind = CSVC_COMMENT_NOTE;
			cm.body = i % 2 ? "顾客已回电 VIP" : "called back, sla ok";
			csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &cm, NULL));
		}
		csvc_ticket_free(t);
	}
}

/* The names (customers) or subjects (tickets) that `text` finds, in id
 * order, joined by '|'. */
static void found(csvc_store *s, const char *text, int tickets, char *out, size_t size)
{
	out[0] = '\0';
	if (!tickets) {
		csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
		q.text = text;
		csvc_customer_iter *it = NULL;
		csvc_assert_ok(csvc_customer_iter_new(s, &q, &it));
		csvc_customer *c = NULL;
		int rc;
		while ((rc = csvc_customer_iter_next(it, &c)) == CSVC_OK) {
			strncat(out, csvc_customer_name(c), size - strlen(out) - 2);
			strncat(out, "|", size - strlen(out) - 1);
			csvc_customer_free(c);
		}
		assert_int_equal(rc, CSVC_ITEROVER);
		csvc_customer_iter_free(it);
		return;
	}
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.text = text;
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_iter_new(s, &q, &it));
	csvc_ticket *t = NULL;
	int rc;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		strncat(out, csvc_ticket_subject(t), size - strlen(out) - 2);
		strncat(out, "|", size - strlen(out) - 1);
		csvc_ticket_free(t);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_ticket_iter_free(it);
}

static void test_search_same_on_both_engines(void **state)
{
	(void)state;
	csvc_store_options lo = CSVC_STORE_OPTIONS_INIT;
	lo.clock = csvc_test_clock;
	lo.clock_userdata = &now_cell;
	csvc_store *lite = NULL, *pg = NULL;
	csvc_assert_ok(csvc_store_open(&lite, ":memory:", &lo));
	csvc_store_options po = pg_options("st_search");
	csvc_assert_ok(csvc_store_open(&pg, "", &po));
	assert_int_equal(csvc__db_dialect(lite->db), CSVC__DIALECT_SQLITE);
	assert_int_equal(csvc__db_dialect(pg->db), CSVC__DIALECT_POSTGRES);
	fill(lite);
	fill(pg);
	int nonempty = 0;
	for (int tickets = 0; tickets < 2; tickets++)
		for (size_t i = 0; i < sizeof(QUERIES) / sizeof(QUERIES[0]); i++) {
			char a[4096], b[4096];
			found(lite, QUERIES[i], tickets, a, sizeof(a));
			found(pg, QUERIES[i], tickets, b, sizeof(b));
			if (strcmp(a, b) != 0)
				print_error("%s search '%s':\n  sqlite:     %s\n  postgresql: %s\n",
				            tickets ? "ticket" : "customer", QUERIES[i], a, b);
			assert_string_equal(a, b);
			nonempty += a[0] != '\0';
		}
	/* The queries do find things (the comparison is not of empty lists). */
	assert_true(nonempty > 40);
	/* Chinese, through the trigram index and by scan. */
	char out[4096];
	found(pg, "欧阳娜", 0, out, sizeof(out));
	assert_string_equal(out, "欧阳娜娜|");
	found(pg, "娜", 0, out, sizeof(out));
	assert_string_equal(out, "欧阳娜娜|张娜|");
	found(pg, "顾客已", 1, out, sizeof(out));
	assert_string_equal(out, "REFUND for order 5%|under_score test|");
	/* A 3+ character search is served by the trigram index. */
	csvc__db *db = admin(conninfo());
	run(db, "SET search_path = st_search, public; SET enable_seqscan = off");
	csvc__stmt *st = NULL;
	assert_int_equal(csvc__db_prepare(db, "EXPLAIN SELECT rowid FROM customer_search WHERE name ILIKE '%欧阳娜%'", &st),
	                 CSVC_OK);
	char plan[4096] = "";
	while (csvc__db_step(st) == CSVC__ROW)
		strncat(plan, csvc__db_textcol(st, 0), sizeof(plan) - strlen(plan) - 1);
	csvc__db_finalize(st);
	if (!strstr(plan, "customer_search_trgm"))
		print_error("plan: %s\n", plan);
	assert_non_null(strstr(plan, "customer_search_trgm"));
	run(db, "RESET enable_seqscan; RESET search_path");
	csvc_assert_ok(csvc_store_close(lite));
	csvc_assert_ok(csvc_store_close(pg));
	run(db, "DROP SCHEMA st_search CASCADE");
	csvc__db_close(db);
}

/* How many pages of the schema's relations (tables, indexes, TOAST)
 * hold `text`'s UTF-8 bytes, read raw with pageinspect: an oracle that
 * shares nothing with the library. */
static int64_t pages_holding(csvc__db *db, const char *schema, const char *text)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	         " CROSS JOIN LATERAL generate_series(0, pg_relation_size(c.oid) / current_setting('block_size')::int - 1) b"
	         " WHERE (n.nspname = '%s' OR c.oid IN (SELECT reltoastrelid FROM pg_class k JOIN pg_namespace m"
	         " ON m.oid = k.relnamespace WHERE m.nspname = '%s'))"
	         " AND c.relkind IN ('r', 'i', 't') AND c.relam <> (SELECT oid FROM pg_am WHERE amname = 'gin')"
	         " AND position(convert_to('%s', 'UTF8') IN get_raw_page(c.oid::regclass::text, b::int)) > 0",
	         schema, schema, text);
	return one_int(db, sql);
}

/* How many of the schema's column statistics (pg_stats: most common
 * values, histogram bounds) hold `text`. */
static int64_t stats_holding(csvc__db *db, const char *schema, const char *text)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM pg_stats WHERE schemaname = '%s' AND"
	         " (position('%s' IN coalesce(most_common_vals::text, '')) > 0"
	         " OR position('%s' IN coalesce(histogram_bounds::text, '')) > 0)",
	         schema, text, text);
	return one_int(db, sql);
}

/* The scrub on PostgreSQL: after csvc_customer_scrub() no page of the
 * store's tables or their (non-GIN) indexes holds the erased name or
 * phone. Before the erasure they do, which shows the oracle sees them.
 * (The trigram GIN index keeps hashes of three-character pieces of
 * non-ASCII text, not the text.) */
static void test_scrub_leaves_no_erased_bytes(void **state)
{
	(void)state;
	csvc__db *db = admin(conninfo());
	run(db, "CREATE EXTENSION IF NOT EXISTS pageinspect");
	run(db, "DROP SCHEMA IF EXISTS scrubbed CASCADE");
	csvc_store_options o = pg_options("scrubbed");
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	/* Others around it, so that the statistics have a histogram, whose
	 * first bound is the least name: 擦 (U+64E6) sorts before 顾. */
	for (int i = 0; i < 10; i++) {
		csvc_customer *o2 = NULL;
		char name[32];
		snprintf(name, sizeof(name), "顾客%d", i);
		csvc_assert_ok(csvc_customer_new(&o2));
		csvc_assert_ok(csvc_customer_set_name(o2, name));
		csvc_assert_ok(csvc_customer_create(s, o2, "desk"));
		csvc_customer_free(o2);
	}
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "擦除测试王五"));
	csvc_assert_ok(csvc_customer_add_phone(c, "13911112222"));
	csvc_assert_ok(csvc_customer_set_notes(c, "prefers-evening-calls-zq"));
	csvc_assert_ok(csvc_customer_create(s, c, "desk"));
	/* An update leaves an old version of the row behind too. */
	csvc_assert_ok(csvc_customer_set_notes(c, "prefers-morning-calls-zq"));
	csvc_assert_ok(csvc_customer_update(s, c, "desk"));
	run(db, "CHECKPOINT");
	run(db, "ANALYZE scrubbed.customers");
	assert_true(pages_holding(db, "scrubbed", "擦除测试王五") > 0);
	assert_true(pages_holding(db, "scrubbed", "13911112222") > 0);
	assert_true(pages_holding(db, "scrubbed", "prefers-evening-calls-zq") > 0);
	assert_true(stats_holding(db, "scrubbed", "擦除测试王五") > 0);
	csvc_time_us since = 0;
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(c), "privacy"));
	/* The erasure leaves the scrub to the operator. */
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, now_cell);
	csvc_assert_ok(csvc_customer_scrub(s));
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, 0);
	run(db, "CHECKPOINT");
	assert_int_equal(pages_holding(db, "scrubbed", "擦除测试王五"), 0);
	assert_int_equal(pages_holding(db, "scrubbed", "13911112222"), 0);
	assert_int_equal(pages_holding(db, "scrubbed", "prefers-evening-calls-zq"), 0);
	assert_int_equal(pages_holding(db, "scrubbed", "prefers-morning-calls-zq"), 0);
	assert_int_equal(stats_holding(db, "scrubbed", "擦除测试王五"), 0);
	/* The store works on, and the customer is there, erased. */
	csvc_customer *e = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(c), &e));
	assert_null(csvc_customer_name(e));
	csvc_customer_free(e);
	csvc_customer_free(c);
	csvc_store_close(s);
	run(db, "DROP SCHEMA scrubbed CASCADE");
	csvc__db_close(db);
}

/* Only the tables' owner may vacuum them, and PostgreSQL skips anyone
 * else's VACUUM with a warning: a store opened as a role that may do
 * everything but own the tables gets an error from the scrub, which stays
 * pending, instead of a scrub that did nothing. */
static void test_scrub_refused_to_a_role_that_does_not_own_the_tables(void **state)
{
	(void)state;
	csvc__db *db = admin(conninfo());
	run(db, "DROP SCHEMA IF EXISTS notowner CASCADE");
	run(db, "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'csvc_app') THEN"
	        " CREATE ROLE csvc_app LOGIN; END IF; END$$");
	csvc_store_options o = pg_options("notowner");
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_store_close(s);
	run(db, "GRANT USAGE ON SCHEMA notowner TO csvc_app");
	run(db, "GRANT ALL ON ALL TABLES IN SCHEMA notowner TO csvc_app");
	run(db, "GRANT ALL ON ALL SEQUENCES IN SCHEMA notowner TO csvc_app");
	char info[1024];
	snprintf(info, sizeof(info), "%s user=csvc_app", conninfo());
	o.pg_conninfo = info;
	csvc_assert_ok(csvc_store_open(&s, "", &o));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "不是表主"));
	csvc_assert_ok(csvc_customer_create(s, c, "desk"));
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(c), "privacy"));
	csvc_assert_err(csvc_customer_scrub(s), CSVC_ESTORAGE);
	assert_non_null(strstr(csvc_error_last()->message, "does not own"));
	assert_non_null(strstr(csvc_error_last()->message, "customers"));
	csvc_time_us since = 0;
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_true(since != 0);
	csvc_customer_free(c);
	csvc_store_close(s);
	run(db, "DROP SCHEMA notowner CASCADE");
	run(db, "DROP OWNED BY csvc_app");
	run(db, "DROP ROLE csvc_app");
	csvc__db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_by_uri_and_conninfo),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_foreign_schema_untouched),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_c_locale_database_refused),
		cmocka_unit_test(test_search_same_on_both_engines),
		cmocka_unit_test(test_scrub_leaves_no_erased_bytes),
		cmocka_unit_test(test_scrub_refused_to_a_role_that_does_not_own_the_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
