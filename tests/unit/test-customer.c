/*
 * Customers: records, validation, find, update, queries, search, merge,
 * erase, query plans.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "customer/customer-internal.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static csvc_time_us now_cell;

static csvc_store *open_store(void)
{
	now_cell = T0;
	return csvc_test_store(&now_cell);
}

static csvc_customer *make(csvc_store *s, const char *name, const char *phone, const char *email)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	if (name)
		csvc_assert_ok(csvc_customer_set_name(c, name));
	if (phone)
		csvc_assert_ok(csvc_customer_add_phone(c, phone));
	if (email)
		csvc_assert_ok(csvc_customer_add_email(c, email));
	csvc_assert_ok(csvc_customer_create(s, c, "tester"));
	return c;
}

static int64_t count_all(csvc_store *s, int inactive)
{
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.include_inactive = inactive;
	int64_t n = -1;
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	return n;
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

static void test_record_defaults_and_setters(void **state)
{
	(void)state;
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	assert_true(csvc_uuid_is_nil(csvc_customer_id(c)));
	assert_int_equal(csvc_customer_class(c), CSVC_CUSTOMER_ORDINARY);
	assert_int_equal(csvc_customer_lifecycle(c), CSVC_LIFECYCLE_NEW);
	assert_int_equal(csvc_customer_tier(c), 0);
	assert_int_equal(csvc_customer_revision(c), 0);
	assert_null(csvc_customer_name(c));

	csvc_assert_ok(csvc_customer_set_name(c, "王小明"));
	assert_string_equal(csvc_customer_name(c), "王小明");
	csvc_assert_err(csvc_customer_set_name(c, "bad \xC3\x28 utf8"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_name(c, "\xED\xA0\x80"), CSVC_EINVAL); /* surrogate */
	csvc_assert_err(csvc_customer_set_name(c, "\xC0\xAF"), CSVC_EINVAL);     /* overlong */
	char longname[CSVC_CUSTOMER_MAX_NAME + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	csvc_assert_err(csvc_customer_set_name(c, longname), CSVC_ERANGE);
	assert_string_equal(csvc_customer_name(c), "王小明"); /* unchanged */
	longname[CSVC_CUSTOMER_MAX_NAME] = '\0';
	csvc_assert_ok(csvc_customer_set_name(c, longname));
	csvc_assert_ok(csvc_customer_set_name(c, NULL));
	assert_null(csvc_customer_name(c));

	csvc_assert_ok(csvc_customer_set_birthday(c, 20000229));
	csvc_assert_err(csvc_customer_set_birthday(c, 19000229), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_birthday(c, 20001301), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_birthday(c, -1), CSVC_EINVAL);
	assert_int_equal(csvc_customer_birthday(c), 20000229);

	csvc_assert_err(csvc_customer_set_class(c, 0), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_class(c, 5), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_tier(c, 4), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_lifecycle(c, 6), CSVC_EINVAL);
	csvc_assert_ok(csvc_customer_set_class(c, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_set_tier(c, CSVC_TIER_1));

	csvc_assert_err(csvc_customer_set_home_store(c, "SH 01"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_home_store(c, ""), CSVC_ERANGE);
	csvc_assert_ok(csvc_customer_set_home_store(c, "SH01"));

	/* Tags are a sorted set. */
	csvc_assert_ok(csvc_customer_add_tag(c, "老年人"));
	csvc_assert_ok(csvc_customer_add_tag(c, "child"));
	csvc_assert_ok(csvc_customer_add_tag(c, "child"));
	assert_int_equal(csvc_customer_tag_count(c), 2);
	assert_string_equal(csvc_customer_tag(c, 0), "child");
	assert_null(csvc_customer_tag(c, 2));
	csvc_assert_err(csvc_customer_add_tag(c, ""), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_remove_tag(c, "nope"), CSVC_ENOTFOUND);
	assert_true(csvc_customer_has_tag(c, "老年人"));

	/* Attributes: sorted map; NULL removes. */
	csvc_assert_ok(csvc_customer_set_attr(c, "size", "L"));
	csvc_assert_ok(csvc_customer_set_attr(c, "color", "red"));
	csvc_assert_ok(csvc_customer_set_attr(c, "size", "XL"));
	assert_int_equal(csvc_customer_attr_count(c), 2);
	const char *k, *v;
	csvc_assert_ok(csvc_customer_attr_at(c, 0, &k, &v));
	assert_string_equal(k, "color");
	assert_string_equal(csvc_customer_attr(c, "size"), "XL");
	csvc_assert_err(csvc_customer_attr_at(c, 2, &k, &v), CSVC_ERANGE);
	csvc_assert_ok(csvc_customer_set_attr(c, "color", NULL));
	csvc_assert_err(csvc_customer_set_attr(c, "color", NULL), CSVC_ENOTFOUND);
	assert_int_equal(csvc_customer_attr_count(c), 1);

	/* External IDs. */
	csvc_assert_err(csvc_customer_add_external_id(c, "Member Card", "1"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_add_external_id(c, "member_card", ""), CSVC_EINVAL);
	csvc_assert_ok(csvc_customer_add_external_id(c, "member_card", "M-1"));
	csvc_assert_ok(csvc_customer_add_external_id(c, "member_card", "M-1"));
	assert_int_equal(csvc_customer_external_id_count(c), 1);

	/* Phones and e-mails. */
	csvc_assert_err(csvc_customer_add_phone(c, "call me"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_add_phone(c, "12"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_add_email(c, "no-at-sign"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_add_email(c, "a@b"), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_add_email(c, "a b@c.cn"), CSVC_EINVAL);
	csvc_assert_ok(csvc_customer_add_phone(c, "138 1234 5678"));
	csvc_assert_ok(csvc_customer_add_email(c, "Wang@Example.CN"));
	csvc_assert_err(csvc_customer_remove_phone(c, "139"), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_customer_add_email(c, "second@example.cn"));
	assert_int_equal(csvc_customer_email_count(c), 2);
	csvc_assert_err(csvc_customer_remove_email(c, "second@EXAMPLE.cn"), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_customer_remove_email(c, "second@example.cn"));
	assert_int_equal(csvc_customer_email_count(c), 1);
	assert_string_equal(csvc_customer_email(c, 0), "Wang@Example.CN");
	csvc_assert_ok(csvc_customer_add_external_id(c, "pos", "P-9"));
	csvc_assert_err(csvc_customer_remove_external_id(c, "pos", "P-8"), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_customer_remove_external_id(c, "pos", "P-9"));
	assert_int_equal(csvc_customer_external_id_count(c), 1);
	/* csvc_free releases library-allocated memory and accepts NULL. */
	csvc_free(NULL);

	csvc_customer *d = NULL;
	csvc_assert_ok(csvc_customer_dup(c, &d));
	assert_string_equal(csvc_customer_phone(d, 0), "138 1234 5678");
	assert_string_equal(csvc_customer_attr(d, "size"), "XL");
	csvc_customer_free(d);
	csvc_customer_free(c);
	csvc_customer_free(NULL);
	csvc_assert_err(csvc_customer_new(NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_set_name(NULL, "x"), CSVC_EINVAL);
	assert_null(csvc_customer_name(NULL));
}

static void test_phone_normalization(void **state)
{
	(void)state;
	static const struct {
		const char *in, *cc, *out;
	} cases[] = {
		{"13812345678", NULL, "+8613812345678"},
		{"138-1234-5678", NULL, "+8613812345678"},
		{"+86 138 1234 5678", NULL, "+8613812345678"},
		{"0086 13812345678", NULL, "+8613812345678"},
		{"(021) 6234-5678", NULL, "+862162345678"},
		{"+86 (0)21 6234 5678", NULL, "+862162345678"},
		{"１３８１２３４５６７８", NULL, "+8613812345678"}, /* full-width */
		{"＋８６ １３８１２３４５６７８", NULL, "+8613812345678"},
		{"+852 9123 4567", NULL, "+85291234567"},
		{"9123 4567", "852", "+85291234567"},
		{"+1 (415) 555-0100", "86", "+14155550100"},
		{"+0086 138 1234 5678", NULL, "+8613812345678"},
		{"+860(0))2(0)1", NULL, "+86201"}, /* found by fuzzing: keys must be fixed points */
		{"0))0(0)0)86))00(0)))86))00(0)))", NULL, "+8686000"}, /* likewise */
	};
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		csvc_assert_ok(csvc_phone_normalize(cases[i].in, cases[i].cc, out, sizeof(out)));
		assert_string_equal(out, cases[i].out);
	}
	csvc_assert_err(csvc_phone_normalize("1234567890123456", NULL, out, sizeof(out)), CSVC_EINVAL);
	csvc_assert_err(csvc_phone_normalize("138x", NULL, out, sizeof(out)), CSVC_EINVAL);
	csvc_assert_err(csvc_phone_normalize("13812345678", "+86", out, sizeof(out)), CSVC_EINVAL);
	csvc_assert_err(csvc_phone_normalize("13812345678", NULL, out, 5), CSVC_ERANGE);
	csvc_assert_err(csvc_phone_normalize("1+3812345678", NULL, out, sizeof(out)), CSVC_EINVAL);
}

static void test_create_get_roundtrip(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "李华"));
	csvc_assert_ok(csvc_customer_set_address(c, "上海市黄浦区南京东路 1 号"));
	csvc_assert_ok(csvc_customer_set_birthday(c, 19850412));
	csvc_assert_ok(csvc_customer_set_notes(c, "needs wheelchair access; 喜欢安静"));
	csvc_assert_ok(csvc_customer_set_home_store(c, "SH01"));
	csvc_assert_ok(csvc_customer_set_class(c, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_set_tier(c, CSVC_TIER_2));
	csvc_assert_ok(csvc_customer_add_phone(c, "138-0000-1111"));
	csvc_assert_ok(csvc_customer_add_phone(c, "021 5555 6666"));
	csvc_assert_ok(csvc_customer_add_email(c, "li.hua@example.cn"));
	csvc_assert_ok(csvc_customer_add_tag(c, "accessibility"));
	csvc_assert_ok(csvc_customer_set_attr(c, "shoe_size", "42"));
	csvc_assert_ok(csvc_customer_add_external_id(c, "member_card", "M0001"));
	csvc_assert_ok(csvc_customer_add_external_id(c, "wechat_openid", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"));
	now_cell = T0 + 5 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_create(s, c, "clerk-7"));
	assert_false(csvc_uuid_is_nil(csvc_customer_id(c)));
	assert_int_equal(csvc_customer_revision(c), 1);
	assert_int_equal(csvc_customer_created_at(c), T0 + 5 * CSVC_SECOND_US);
	assert_int_equal(csvc_customer_lifecycle_count(c), 1);
	csvc_assert_err(csvc_customer_create(s, c, NULL), CSVC_EINVAL); /* not a draft */

	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(c), &g));
	assert_true(csvc_uuid_equal(csvc_customer_id(g), csvc_customer_id(c)));
	assert_string_equal(csvc_customer_name(g), "李华");
	assert_string_equal(csvc_customer_address(g), "上海市黄浦区南京东路 1 号");
	assert_int_equal(csvc_customer_birthday(g), 19850412);
	assert_string_equal(csvc_customer_notes(g), "needs wheelchair access; 喜欢安静");
	assert_string_equal(csvc_customer_home_store(g), "SH01");
	assert_int_equal(csvc_customer_class(g), CSVC_CUSTOMER_VIP);
	assert_int_equal(csvc_customer_tier(g), CSVC_TIER_2);
	assert_int_equal(csvc_customer_lifecycle(g), CSVC_LIFECYCLE_NEW);
	assert_int_equal(csvc_customer_phone_count(g), 2);
	assert_string_equal(csvc_customer_phone(g, 0), "138-0000-1111");
	assert_string_equal(csvc_customer_phone(g, 1), "021 5555 6666");
	assert_string_equal(csvc_customer_email(g, 0), "li.hua@example.cn");
	assert_string_equal(csvc_customer_tag(g, 0), "accessibility");
	assert_string_equal(csvc_customer_attr(g, "shoe_size"), "42");
	const char *kind, *value;
	csvc_assert_ok(csvc_customer_external_id_at(g, 1, &kind, &value));
	assert_string_equal(kind, "wechat_openid");
	int32_t stage;
	csvc_time_us at;
	csvc_assert_ok(csvc_customer_lifecycle_at(g, 0, &stage, &at));
	assert_int_equal(stage, CSVC_LIFECYCLE_NEW);
	assert_int_equal(at, T0 + 5 * CSVC_SECOND_US);
	assert_null(csvc_customer_merged_into(g));
	assert_int_equal(csvc_customer_revision(g), 1);

	/* Records are detached: they outlive the store. */
	csvc_store_close(s);
	assert_string_equal(csvc_customer_name(g), "李华");
	csvc_customer_free(g);
	csvc_customer_free(c);
}

static void test_imported_id_and_duplicates(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_uuid id;
	csvc_assert_ok(csvc_uuid_from_string("11111111-2222-4333-8444-555555555555", &id));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_id(c, &id));
	csvc_assert_ok(csvc_customer_add_external_id(c, "pos", "C1"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	assert_true(csvc_uuid_equal(csvc_customer_id(c), &id));
	csvc_assert_err(csvc_customer_set_id(c, &id), CSVC_ESTATE);

	/* Same UUID again. */
	csvc_customer *d = NULL;
	csvc_assert_ok(csvc_customer_new(&d));
	csvc_assert_ok(csvc_customer_set_id(d, &id));
	csvc_assert_err(csvc_customer_create(s, d, NULL), CSVC_EEXISTS);
	csvc_customer_free(d);

	/* Same external ID on another customer: refused, nothing written. */
	csvc_assert_ok(csvc_customer_new(&d));
	csvc_assert_ok(csvc_customer_set_name(d, "dup"));
	csvc_assert_ok(csvc_customer_add_phone(d, "13900000000"));
	csvc_assert_ok(csvc_customer_add_external_id(d, "pos", "C1"));
	csvc_assert_err(csvc_customer_create(s, d, NULL), CSVC_EEXISTS);
	assert_true(strstr(csvc_error_last()->message, "pos:C1") != NULL);
	assert_int_equal(csvc_customer_revision(d), 0);
	assert_true(csvc_uuid_is_nil(csvc_customer_id(d)));
	assert_int_equal(count_all(s, 1), 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM customer_contacts"), 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM customer_search"), 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM customer_events"), 1);

	/* Two spellings of one number within a record. */
	csvc_customer_free(d);
	csvc_assert_ok(csvc_customer_new(&d));
	csvc_assert_ok(csvc_customer_add_phone(d, "13900000000"));
	csvc_assert_ok(csvc_customer_add_phone(d, "+86 139 0000 0000"));
	csvc_assert_err(csvc_customer_create(s, d, NULL), CSVC_EEXISTS);
	csvc_customer_free(d);
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_find(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *a = make(s, "张三", "138 1234 5678", "Zhang.San@Example.com");
	csvc_customer *b = make(s, "张三妻", "13812345678", NULL); /* shared family phone */
	csvc_customer *f = NULL;
	csvc_assert_ok(csvc_customer_find_by_phone(s, "+86-138-1234-5678", &f));
	assert_true(csvc_uuid_equal(csvc_customer_id(f), csvc_customer_id(a))); /* oldest first */
	csvc_customer_free(f);
	csvc_assert_ok(csvc_customer_find_by_email(s, "zhang.san@EXAMPLE.COM", &f));
	assert_true(csvc_uuid_equal(csvc_customer_id(f), csvc_customer_id(a)));
	csvc_customer_free(f);
	f = NULL;
	csvc_assert_err(csvc_customer_find_by_phone(s, "13900000000", &f), CSVC_ENOTFOUND);
	assert_null(f);
	csvc_assert_err(csvc_customer_find_by_phone(s, "abc", &f), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_find_by_email(s, "x@y.cn", &f), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_customer_find_by_external_id(s, "pos", "nope", &f), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_customer_find_by_external_id(s, "BAD KIND", "x", &f), CSVC_EINVAL);

	csvc_assert_ok(csvc_customer_add_external_id(b, "member_card", "8800123"));
	csvc_assert_ok(csvc_customer_update(s, b, NULL));
	csvc_assert_ok(csvc_customer_find_by_external_id(s, "member_card", "8800123", &f));
	assert_true(csvc_uuid_equal(csvc_customer_id(f), csvc_customer_id(b)));
	csvc_customer_free(f);

	/* Query by phone lists both. */
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.phone = "0086 138 1234 5678";
	int64_t n;
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	assert_int_equal(n, 2);

	/* Country code option: national numbers take the store's code. */
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.default_country_code = "852";
	csvc_store *hk = NULL;
	csvc_assert_ok(csvc_test_open(&hk, ":memory:", &o));
	csvc_customer *h = make(hk, "陳大文", "9123 4567", NULL);
	csvc_assert_ok(csvc_customer_find_by_phone(hk, "+852 91234567", &f));
	csvc_customer_free(f);
	csvc_customer_free(h);
	csvc_store_close(hk);

	csvc_customer_free(a);
	csvc_customer_free(b);
	csvc_store_close(s);
}

static void test_update_revisions_and_history(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *c = make(s, "王五", "13700000000", NULL);
	csvc_customer *stale = NULL;
	csvc_assert_ok(csvc_customer_dup(c, &stale));

	now_cell = T0 + 60 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_set_lifecycle(c, CSVC_LIFECYCLE_GROWING));
	csvc_assert_ok(csvc_customer_set_name(c, "王五先生"));
	csvc_assert_ok(csvc_customer_update(s, c, "clerk"));
	assert_int_equal(csvc_customer_revision(c), 2);
	assert_int_equal(csvc_customer_updated_at(c), T0 + 60 * CSVC_SECOND_US);
	assert_int_equal(csvc_customer_lifecycle_count(c), 2);

	/* No change: no new revision, no event. */
	int64_t events = sql_int(s, "SELECT count(*) FROM customer_events");
	csvc_assert_ok(csvc_customer_update(s, c, "clerk"));
	assert_int_equal(csvc_customer_revision(c), 2);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM customer_events"), events);

	/* A writer holding the old revision loses. */
	csvc_assert_ok(csvc_customer_set_name(stale, "overwrite"));
	csvc_assert_err(csvc_customer_update(s, stale, "other"), CSVC_ECONFLICT);
	assert_int_equal(csvc_customer_revision(stale), 1);
	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(c), &g));
	assert_string_equal(csvc_customer_name(g), "王五先生");
	assert_int_equal(csvc_customer_lifecycle_count(g), 2);
	int32_t stage;
	csvc_time_us at;
	csvc_assert_ok(csvc_customer_lifecycle_at(g, 1, &stage, &at));
	assert_int_equal(stage, CSVC_LIFECYCLE_GROWING);
	assert_int_equal(at, T0 + 60 * CSVC_SECOND_US);
	csvc_customer_free(g);

	/* The event names the changed fields, not their values. */
	char *payload = csvc_test_sql_text(s, "SELECT payload FROM customer_events WHERE type = 'updated'");
	assert_string_equal(payload, "{\"fields\":[\"name\",\"lifecycle\"]}");
	free(payload);

	/* Events are append-only at the storage level too. */
	csvc_assert_err(csvc_test_sql_exec(s, "DELETE FROM customer_events"), CSVC_EEXISTS);
	csvc_assert_err(csvc_test_sql_exec(s, "UPDATE customer_events SET actor = 'x'"), CSVC_EEXISTS);

	/* Draft cannot be updated; contacts replaced. */
	csvc_customer *draft = NULL;
	csvc_assert_ok(csvc_customer_new(&draft));
	csvc_assert_err(csvc_customer_update(s, draft, NULL), CSVC_EINVAL);
	csvc_customer_free(draft);
	csvc_assert_ok(csvc_customer_remove_phone(c, "13700000000"));
	csvc_assert_ok(csvc_customer_add_phone(c, "13711111111"));
	csvc_assert_ok(csvc_customer_update(s, c, NULL));
	csvc_customer *f = NULL;
	csvc_assert_err(csvc_customer_find_by_phone(s, "13700000000", &f), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_customer_find_by_phone(s, "13711111111", &f));
	csvc_customer_free(f);
	csvc_customer_free(stale);
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_query_filters_and_pages(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *all[30];
	for (int i = 0; i < 30; i++) {
		char name[32];
		snprintf(name, sizeof(name), "customer %02d", i);
		csvc_customer *c = NULL;
		csvc_assert_ok(csvc_customer_new(&c));
		csvc_assert_ok(csvc_customer_set_name(c, name));
		csvc_assert_ok(csvc_customer_set_class(c, i % 3 == 0 ? CSVC_CUSTOMER_VIP : CSVC_CUSTOMER_ORDINARY));
		csvc_assert_ok(csvc_customer_set_home_store(c, i % 2 ? "SH01" : "SH02"));
		if (i % 5 == 0)
			csvc_assert_ok(csvc_customer_add_tag(c, "elderly"));
		now_cell = T0 + i * CSVC_SECOND_US;
		csvc_assert_ok(csvc_customer_create(s, c, NULL));
		all[i] = c;
	}
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	int64_t n;
	q.customer_class = CSVC_CUSTOMER_VIP;
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	assert_int_equal(n, 10);
	q.home_store = "SH01";
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	assert_int_equal(n, 5); /* i = 3, 9, 15, 21, 27 */
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.tag = "elderly";
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	assert_int_equal(n, 6);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.created_from = T0 + 10 * CSVC_SECOND_US;
	q.created_to = T0 + 20 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	assert_int_equal(n, 10);

	/* Keyset pagination walks everything once, in creation order. */
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.limit = 7;
	int seen = 0;
	for (;;) {
		csvc_customer_iter *it = NULL;
		csvc_assert_ok(csvc_customer_iter_new(s, &q, &it));
		csvc_customer *c = NULL;
		int got = 0, rc;
		while ((rc = csvc_customer_iter_next(it, &c)) == CSVC_OK) {
			assert_true(csvc_uuid_equal(csvc_customer_id(c), csvc_customer_id(all[seen])));
			q.after = *csvc_customer_id(c);
			seen++;
			got++;
			csvc_customer_free(c);
		}
		assert_int_equal(rc, CSVC_ITEROVER);
		csvc_customer_iter_free(it);
		if (got < 7)
			break;
	}
	assert_int_equal(seen, 30);

	/* Bad queries. */
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.customer_class = 9;
	csvc_assert_err(csvc_customer_count(s, &q, &n), CSVC_EINVAL);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.version = 99;
	csvc_assert_err(csvc_customer_count(s, &q, &n), CSVC_EINVAL);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.text = "";
	csvc_assert_err(csvc_customer_count(s, &q, &n), CSVC_EINVAL);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	csvc_assert_ok(csvc_uuid_from_string("00000000-0000-4000-8000-000000000001", &q.after));
	csvc_customer_iter *it = NULL;
	csvc_assert_err(csvc_customer_iter_new(s, &q, &it), CSVC_ENOTFOUND);
	assert_null(it);
	csvc_assert_ok(csvc_customer_count(s, NULL, &n));
	assert_int_equal(n, 30);

	for (int i = 0; i < 30; i++)
		csvc_customer_free(all[i]);
	csvc_store_close(s);
}

static int64_t search_count(csvc_store *s, const char *text)
{
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.text = text;
	int64_t n = -1;
	csvc_assert_ok(csvc_customer_count(s, &q, &n));
	return n;
}

static void test_search_chinese(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *a = make(s, "欧阳娜娜", "138 2222 3333", "nana@example.cn");
	csvc_customer *b = make(s, "张娜", "13944445555", "Zhang.Na@Example.cn");
	csvc_customer *c = make(s, "李四", NULL, NULL);
	csvc_assert_ok(csvc_customer_set_notes(c, "偏好素食，需要轮椅"));
	csvc_assert_ok(csvc_customer_update(s, c, NULL));

	assert_int_equal(search_count(s, "欧阳娜"), 1); /* >= 3 characters: trigram index */
	assert_int_equal(search_count(s, "阳娜娜"), 1);
	assert_int_equal(search_count(s, "娜"), 2);      /* 1 character: scan */
	assert_int_equal(search_count(s, "娜娜"), 1);    /* 2 characters: scan */
	assert_int_equal(search_count(s, "轮椅"), 1);
	assert_int_equal(search_count(s, "需要轮椅"), 1);
	assert_int_equal(search_count(s, "example.cn"), 2);
	assert_int_equal(search_count(s, "ZHANG.na"), 1); /* ASCII case folds */
	assert_int_equal(search_count(s, "2222"), 1);       /* raw phone text */
	assert_int_equal(search_count(s, "8613822223333"), 1); /* normalised phone */
	assert_int_equal(search_count(s, "王"), 0);
	assert_int_equal(search_count(s, "\"quoted\""), 0);

	/* Search follows updates. */
	csvc_assert_ok(csvc_customer_set_name(a, "欧阳晨"));
	csvc_assert_ok(csvc_customer_update(s, a, NULL));
	assert_int_equal(search_count(s, "欧阳娜"), 0);
	assert_int_equal(search_count(s, "欧阳晨"), 1);
	csvc_customer_free(a);
	csvc_customer_free(b);
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_merge(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *k = NULL, *a = NULL;
	csvc_assert_ok(csvc_customer_new(&k));
	csvc_assert_ok(csvc_customer_set_name(k, "赵六"));
	csvc_assert_ok(csvc_customer_add_phone(k, "13600000001"));
	csvc_assert_ok(csvc_customer_add_tag(k, "vip-lounge"));
	csvc_assert_ok(csvc_customer_set_attr(k, "size", "M"));
	csvc_assert_ok(csvc_customer_add_external_id(k, "member_card", "K1"));
	csvc_assert_ok(csvc_customer_create(s, k, NULL));

	csvc_assert_ok(csvc_customer_new(&a));
	csvc_assert_ok(csvc_customer_set_name(a, "赵 六"));            /* conflict */
	csvc_assert_ok(csvc_customer_set_address(a, "北京市朝阳区")); /* fills a gap */
	csvc_assert_ok(csvc_customer_add_phone(a, "+86 136 0000 0001")); /* same number */
	csvc_assert_ok(csvc_customer_add_phone(a, "13600000002"));
	csvc_assert_ok(csvc_customer_add_email(a, "zhao6@example.cn"));
	csvc_assert_ok(csvc_customer_add_tag(a, "elderly"));
	csvc_assert_ok(csvc_customer_set_attr(a, "size", "L"));      /* conflict */
	csvc_assert_ok(csvc_customer_set_attr(a, "color", "blue"));  /* moves */
	csvc_assert_ok(csvc_customer_add_external_id(a, "wechat_openid", "oA"));
	csvc_assert_ok(csvc_customer_set_class(a, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_set_tier(a, CSVC_TIER_1));
	csvc_assert_ok(csvc_customer_create(s, a, NULL));

	csvc_assert_err(csvc_customer_merge(s, csvc_customer_id(k), csvc_customer_id(k), NULL, NULL),
	                CSVC_EINVAL);
	csvc_merge_report *r = NULL;
	now_cell = T0 + 100 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(k), csvc_customer_id(a), "supervisor", &r));
	assert_int_equal(csvc_merge_report_count(r), 2);
	const char *field, *key, *kept, *absorbed;
	csvc_assert_ok(csvc_merge_report_at(r, 0, &field, &key, &kept, &absorbed));
	assert_string_equal(field, "name");
	assert_null(key);
	assert_string_equal(kept, "赵六");
	assert_string_equal(absorbed, "赵 六");
	csvc_assert_ok(csvc_merge_report_at(r, 1, &field, &key, &kept, &absorbed));
	assert_string_equal(field, "attribute");
	assert_string_equal(key, "size");
	assert_string_equal(kept, "M");
	assert_string_equal(absorbed, "L");
	csvc_assert_err(csvc_merge_report_at(r, 2, &field, NULL, NULL, NULL), CSVC_ERANGE);
	csvc_merge_report_free(r);

	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(k), &g));
	assert_string_equal(csvc_customer_name(g), "赵六");
	assert_string_equal(csvc_customer_address(g), "北京市朝阳区");
	assert_int_equal(csvc_customer_phone_count(g), 2);
	assert_int_equal(csvc_customer_email_count(g), 1);
	assert_int_equal(csvc_customer_tag_count(g), 2);
	assert_string_equal(csvc_customer_attr(g, "size"), "M");
	assert_string_equal(csvc_customer_attr(g, "color"), "blue");
	assert_int_equal(csvc_customer_external_id_count(g), 2);
	assert_int_equal(csvc_customer_class(g), CSVC_CUSTOMER_VIP);
	assert_int_equal(csvc_customer_tier(g), CSVC_TIER_1);
	assert_int_equal(csvc_customer_revision(g), 2);
	csvc_customer_free(g);

	/* The absorbed record keeps only what conflicted. */
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(a), &g));
	assert_true(csvc_uuid_equal(csvc_customer_merged_into(g), csvc_customer_id(k)));
	assert_string_equal(csvc_customer_name(g), "赵 六");
	assert_null(csvc_customer_address(g));
	assert_int_equal(csvc_customer_phone_count(g), 0);
	assert_int_equal(csvc_customer_attr_count(g), 1);
	assert_string_equal(csvc_customer_attr(g, "size"), "L");
	csvc_customer_free(g);

	/* Lookups land on the kept customer; the absorbed one is inactive. */
	csvc_customer *f = NULL;
	csvc_assert_ok(csvc_customer_find_by_phone(s, "13600000002", &f));
	assert_true(csvc_uuid_equal(csvc_customer_id(f), csvc_customer_id(k)));
	csvc_customer_free(f);
	csvc_assert_ok(csvc_customer_find_by_external_id(s, "wechat_openid", "oA", &f));
	assert_true(csvc_uuid_equal(csvc_customer_id(f), csvc_customer_id(k)));
	csvc_customer_free(f);
	assert_int_equal(count_all(s, 0), 1);
	assert_int_equal(count_all(s, 1), 2);
	assert_int_equal(search_count(s, "赵 六"), 0);

	/* Events recorded. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM customer_events WHERE type = 'merged'"
	                            " AND payload LIKE '%\"conflicts\":[\"name\",\"attribute:size\"]%'"),
	                 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM customer_events WHERE type = 'absorbed'"), 1);

	/* Twice, or into/from an absorbed customer: clean errors. */
	csvc_assert_err(csvc_customer_merge(s, csvc_customer_id(k), csvc_customer_id(a), NULL, NULL),
	                CSVC_ESTATE);
	csvc_assert_err(csvc_customer_merge(s, csvc_customer_id(a), csvc_customer_id(k), NULL, NULL),
	                CSVC_ESTATE);
	/* The stale in-memory copy of the absorbed customer cannot be saved. */
	csvc_assert_ok(csvc_customer_set_notes(a, "late edit"));
	csvc_assert_err(csvc_customer_update(s, a, NULL), CSVC_ESTATE);

	/* Chains flatten: merging k into a third customer re-points a. */
	csvc_customer *t = make(s, "third", NULL, NULL);
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(t), csvc_customer_id(k), NULL, NULL));
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(a), &g));
	assert_true(csvc_uuid_equal(csvc_customer_merged_into(g), csvc_customer_id(t)));
	csvc_customer_free(g);
	csvc_customer_free(t);
	csvc_customer_free(k);
	csvc_customer_free(a);
	csvc_store_close(s);
}

static void test_merge_limits(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *k = NULL, *a = NULL;
	csvc_assert_ok(csvc_customer_new(&k));
	csvc_assert_ok(csvc_customer_new(&a));
	for (int i = 0; i < CSVC_CUSTOMER_MAX_PHONES; i++) {
		char p[32];
		snprintf(p, sizeof(p), "1380000%04d", i);
		csvc_assert_ok(csvc_customer_add_phone(k, p));
		snprintf(p, sizeof(p), "1390000%04d", i);
		csvc_assert_ok(csvc_customer_add_phone(a, p));
	}
	csvc_assert_ok(csvc_customer_create(s, k, NULL));
	csvc_assert_ok(csvc_customer_create(s, a, NULL));
	csvc_assert_err(csvc_customer_merge(s, csvc_customer_id(k), csvc_customer_id(a), NULL, NULL),
	                CSVC_ERANGE);
	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(a), &g));
	assert_null(csvc_customer_merged_into(g));
	assert_int_equal(csvc_customer_phone_count(g), CSVC_CUSTOMER_MAX_PHONES);
	csvc_customer_free(g);
	csvc_customer_free(k);
	csvc_customer_free(a);
	csvc_store_close(s);
}

/* SQLite-only: SQLite's file and WAL: these open a store file, on SQLite whatever CSVC_TEST_PG says (PostgreSQL keeps erased rows' old versions until VACUUM). */
static void test_erase_removes_bytes(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-erase-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], wal[140];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	now_cell = T0;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	const char *name = "司马懿懿懿";
	const char *phone = "19912345678";
	csvc_customer *victim = NULL;
	csvc_assert_ok(csvc_customer_new(&victim));
	csvc_assert_ok(csvc_customer_set_name(victim, name));
	csvc_assert_ok(csvc_customer_add_phone(victim, phone));
	csvc_assert_ok(csvc_customer_set_attr(victim, "secret", "ATTRSECRET123"));
	csvc_assert_ok(csvc_customer_add_external_id(victim, "member_card", "CARD998877"));
	csvc_assert_ok(csvc_customer_set_class(victim, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_create(s, victim, NULL));
	for (int i = 0; i < 50; i++) {
		char n[32];
		snprintf(n, sizeof(n), "other %d", i);
		csvc_customer_free(make(s, n, NULL, NULL));
	}
	csvc_store_close(s);
	assert_true(csvc_test_file_contains(path, name, strlen(name)));
	assert_true(csvc_test_file_contains(path, phone, strlen(phone)));

	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(victim), "privacy-officer"));
	csvc_assert_err(csvc_customer_erase(s, csvc_customer_id(victim), NULL), CSVC_ESTATE);
	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(victim), &g));
	assert_null(csvc_customer_name(g));
	assert_int_equal(csvc_customer_phone_count(g), 0);
	assert_int_equal(csvc_customer_attr_count(g), 0);
	assert_int_equal(csvc_customer_external_id_count(g), 0);
	assert_int_equal(csvc_customer_class(g), CSVC_CUSTOMER_VIP); /* kept for statistics */
	assert_true(csvc_customer_erased_at(g) > 0);
	csvc_customer_free(g);
	csvc_customer *f = NULL;
	csvc_assert_err(csvc_customer_find_by_phone(s, phone, &f), CSVC_ENOTFOUND);
	assert_int_equal(search_count(s, "司马懿"), 0);
	assert_int_equal(count_all(s, 0), 50);
	csvc_assert_ok(csvc_customer_set_name(victim, "back"));
	csvc_assert_err(csvc_customer_update(s, victim, NULL), CSVC_ESTATE);
	csvc_store_close(s);

	const char *needles[] = {name, phone, "ATTRSECRET123", "CARD998877", "8619912345678"};
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
		assert_false(csvc_test_file_contains(path, needles[i], strlen(needles[i])));
		assert_false(csvc_test_file_contains(wal, needles[i], strlen(needles[i])));
	}
	csvc_customer_free(victim);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}


static int64_t file_bytes(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	int64_t n = ftell(f);
	fclose(f);
	return n;
}

/* The scrub happens while the store stays open, and waits for readers. */
/* SQLite-only: SQLite's WAL checkpoints, on a store file: SQLite whatever CSVC_TEST_PG says. */
static void test_erase_scrub_pending_and_finished(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-scrub-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], wal[140];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	now_cell = T0;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.busy_timeout_ms = 200; /* how long the scrub waits for the reader */
	csvc_store *s = NULL, *reader = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_assert_ok(csvc_store_open(&reader, path, &o));
	const char *name = "诸葛亮亮亮";
	csvc_customer *victim = make(s, name, "19987654321", NULL);
	csvc_customer *second = make(s, "欧阳锋锋锋", NULL, NULL);
	for (int i = 0; i < 20; i++) {
		char n[32];
		snprintf(n, sizeof(n), "other %d", i);
		csvc_customer_free(make(s, n, NULL, NULL));
	}
	csvc_time_us since = -1;
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, 0);

	/* A reader holds a snapshot (a read transaction on a connection of its
	 * own: iterators hold none): the erase commits, the scrub waits. */
	sqlite3 *snap = NULL;
	assert_int_equal(sqlite3_open_v2(path, &snap, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(snap, "BEGIN; SELECT count(*) FROM customers;", NULL, NULL, NULL), SQLITE_OK);
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(victim), NULL));
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, now_cell);
	csvc_assert_err(csvc_customer_scrub(s), CSVC_EBUSY);
	assert_int_equal(sqlite3_exec(snap, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(snap);
	csvc_assert_ok(csvc_customer_scrub_pending(reader, &since)); /* other connections see it */
	assert_int_equal(since, now_cell);

	/* Inside a transaction the scrub cannot run; the erase still can. */
	csvc_assert_ok(csvc_store_begin(s));
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(second), NULL));
	csvc_assert_err(csvc_customer_scrub(s), CSVC_ESTATE);
	csvc_assert_ok(csvc_store_commit(s));
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, now_cell - CSVC_SECOND_US); /* the oldest pending erasure */

	csvc_assert_ok(csvc_customer_scrub(s));
	csvc_assert_ok(csvc_customer_scrub_pending(s, &since));
	assert_int_equal(since, 0);
	csvc_assert_ok(csvc_customer_scrub(s)); /* nothing pending: nothing to do */
	/* Both stores still open: the WAL is empty and the file clean. */
	assert_int_equal(file_bytes(wal), 0);
	assert_false(csvc_test_file_contains(path, name, strlen(name)));
	assert_false(csvc_test_file_contains(path, "19987654321", 11));
	assert_false(csvc_test_file_contains(path, "欧阳锋锋锋", strlen("欧阳锋锋锋")));
	assert_int_equal(search_count(s, "诸葛亮"), 0);
	assert_int_equal(search_count(s, "other"), 20);

	csvc_assert_err(csvc_customer_scrub(NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_scrub_pending(s, NULL), CSVC_EINVAL);
	csvc_customer_free(victim);
	csvc_customer_free(second);
	csvc_store_close(reader);
	csvc_store_close(s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* SQLite 3.40's FTS5 deepened the index structure at every optimize, and
 * the search table became unreadable after about a thousand erasures on
 * a growing store. */
static void test_erase_many_on_a_growing_store(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	enum { ERASURES = 2100, LAG = 5 };
	csvc_customer *live[LAG] = { 0 };
	for (int i = 0; i < ERASURES + LAG; i++) {
		char n[48];
		snprintf(n, sizeof(n), "shopper %05d zq", i);
		csvc_customer *c = make(s, n, NULL, NULL);
		if (live[i % LAG]) {
			csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(live[i % LAG]), "retention"));
			csvc_customer_free(live[i % LAG]);
		}
		live[i % LAG] = c;
	}
	assert_int_equal(search_count(s, "shopper"), LAG);
	assert_int_equal(search_count(s, "zq"), LAG);
	csvc_customer *c = make(s, "still works", "13800138000", NULL);
	csvc_assert_ok(csvc_customer_set_name(c, "still works after"));
	csvc_assert_ok(csvc_customer_update(s, c, NULL));
	assert_int_equal(search_count(s, "works after"), 1);
	csvc_customer_free(c);
	for (int i = 0; i < LAG; i++)
		csvc_customer_free(live[i]);
	csvc_store_close(s);
}

/* A store whose search index an earlier version broke is repaired by the
 * migration that stopped the optimizing. */
/* SQLite-only: SQLite's FTS5 index and migration 7's repair, on a store file: SQLite only. */
static void test_broken_search_index_repaired(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-fts-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_customer_free(make(s, "kept customer", NULL, NULL));
	csvc_store_close(s);
	/* What the old erase did, a thousand times over. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL), SQLITE_OK);
	int rc = SQLITE_OK, i;
	for (i = 0; i < 3000 && rc == SQLITE_OK; i++) {
		char sql[200];
		snprintf(sql, sizeof(sql),
		         "INSERT INTO customer_search (rowid, name) VALUES (%d, 'gone %d');"
		         "INSERT INTO customer_search (customer_search) VALUES ('optimize')",
		         100000 + i, i);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	assert_int_not_equal(rc, SQLITE_OK); /* broken, as the old library left it */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM customer_search WHERE customer_search MATCH 'kept'",
	                                    -1, &st, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_step(st), SQLITE_ROW);
	sqlite3_finalize(st);
	/* Back to schema 6: undo what later migrations added. */
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TABLE customer_scrub;"
	                              "DROP TRIGGER calendars_in_use_by_sla;"
	                              "ALTER TABLE sla_targets DROP COLUMN fault;"
	                              "DROP TABLE zone_data; DROP TABLE store_zones;" /* 9; 10 altered customer_scrub */
	                              "DROP TABLE feed; DROP TABLE feed_records; DROP TABLE feed_consumers;" /* 11 */
	                              "DROP TRIGGER ticket_events_no_update; DROP TABLE ticket_redactions;" /* 24 */
	                              "CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
	                              " BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;"
	                              "DROP TABLE customer_consents;" /* 23 */
	                                  "DROP TABLE store_settings;" /* 21 */
	                              "DROP TABLE ticket_approvals; DROP TABLE workflow_guards;" /* 20 */
	                              "DROP TABLE ticket_handoffs;"
	                              "ALTER TABLE sla_policy_targets DROP COLUMN pause_on_handoff;" /* 19 */
	                              "DROP TABLE staff_appraisals; DROP INDEX tickets_assignee_created;"
	                              "DROP INDEX survey_responses_staff;" /* 18 */
	                              "DROP TABLE ticket_work; DROP TABLE queues; DROP INDEX tickets_ticket_category;" /* 17 */
	                              "DROP INDEX tickets_team_priority; DROP INDEX tickets_assignee_priority;" /* 17 */
	                              "DROP TRIGGER tickets_load_update; DROP TRIGGER tickets_load_delete;"
	                              "DROP TABLE ticket_assignee_load; DROP TABLE route_cursors; DROP TABLE route_rules;" /* 16 */
	                              "DROP TABLE staff_roles; DROP TABLE role_permissions; DROP TABLE roles;" /* 15 */
	                              "DROP TABLE staff_events; DROP TABLE staff_teams; DROP TABLE staff_skills; DROP TABLE staff; DROP TABLE teams;" /* 14 */
	                              "PRAGMA user_version=6",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	assert_int_equal(search_count(s, "kept customer"), 1);
	csvc_customer_free(make(s, "new customer", NULL, NULL));
	assert_int_equal(search_count(s, "customer"), 2);
	csvc_store_close(s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A scrub clears the marker only if no erasure committed after it read
 * the marker: an erasure made while a scrub runs stays pending. */
static void test_scrub_marker_survives_a_later_erasure(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *a = make(s, "first one", NULL, NULL);
	csvc_customer *b = make(s, "second one", NULL, NULL);
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(a), NULL));
	csvc_assert_ok(csvc_store_commit(s));
	/* What a scrub read before its rebuild... */
	csvc_time_us since = 0;
	int64_t gen = -1;
	csvc_assert_ok(csvc__customer_db_scrub_pending(s, &since, &gen));
	assert_true(since != 0);
	/* ...then another erasure commits... */
	csvc_assert_ok(csvc_store_begin(s));
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(b), NULL));
	csvc_assert_ok(csvc_store_commit(s));
	/* ...and the scrub's clear leaves the marker. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc__customer_db_scrub_clear(s, gen));
	csvc_assert_ok(csvc_store_commit(s));
	csvc_time_us after = 0;
	csvc_assert_ok(csvc_customer_scrub_pending(s, &after));
	assert_int_equal(after, since); /* still the oldest */
	csvc_assert_ok(csvc_customer_scrub(s));
	csvc_assert_ok(csvc_customer_scrub_pending(s, &after));
	assert_int_equal(after, 0);
	csvc_customer_free(a);
	csvc_customer_free(b);
	csvc_store_close(s);
}

static void test_erase_covers_absorbed(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_customer *k = make(s, "keep", NULL, NULL);
	csvc_customer *a = make(s, "absorbed name", NULL, NULL);
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(k), csvc_customer_id(a), NULL, NULL));
	csvc_assert_ok(csvc_customer_erase(s, csvc_customer_id(k), NULL));
	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(a), &g));
	assert_null(csvc_customer_name(g));
	assert_true(csvc_customer_erased_at(g) > 0);
	csvc_customer_free(g);
	csvc_uuid nobody;
	csvc_assert_ok(csvc_uuid_from_string("00000000-0000-4000-8000-00000000abcd", &nobody));
	csvc_assert_err(csvc_customer_erase(s, &nobody, NULL), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_customer_merge(s, csvc_customer_id(k), &nobody, NULL, NULL), CSVC_ENOTFOUND);
	csvc_customer_free(k);
	csvc_customer_free(a);
	csvc_store_close(s);
}

/* EXPLAIN QUERY PLAN must show an index (or the integer primary key) for
 * every hot query, and never a full scan of a customer table. */
static void assert_plan_indexed(csvc_store *s, const char *sql, const char *must_contain)
{
	char eqp[4096];
	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL);
	if (rc != SQLITE_OK)
		print_error("%s: %s\n", sql, sqlite3_errmsg(CSVC_TEST_SQLITE(s)));
	assert_int_equal(rc, SQLITE_OK);
	char plan[4096] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	sqlite3_finalize(st);
	int bad = strstr(plan, "SCAN c\n") || strstr(plan, "SCAN customers") ||
	          strstr(plan, "SCAN customer_contacts") || strstr(plan, "SCAN customer_external_ids") ||
	          strstr(plan, "SCAN customer_tags") || strstr(plan, "USE TEMP B-TREE");
	if (bad || (must_contain && !strstr(plan, must_contain)))
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_false(bad);
	if (must_contain)
		assert_non_null(strstr(plan, must_contain));
}

static void check_plans(csvc_store *s)
{
	assert_plan_indexed(s, "SELECT min(customer_id) FROM customer_contacts WHERE kind = 1 AND norm = 'x'",
	                    "customer_contacts_norm");
	assert_plan_indexed(s, "SELECT customer_id FROM customer_external_ids WHERE kind = 'a' AND value = 'b'",
	                    "PRIMARY KEY");
	assert_plan_indexed(s, "SELECT id, revision FROM customers WHERE uuid = x'00'", "INDEX");
	assert_plan_indexed(s, "SELECT kind, value FROM customer_contacts WHERE customer_id = 1 ORDER BY kind, position",
	                    "PRIMARY KEY");
	assert_plan_indexed(s, "SELECT kind, value FROM customer_external_ids WHERE customer_id = 1 ORDER BY position",
	                    "customer_external_ids_customer");

	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.after.bytes[0] = 1;
	q.limit = 50;
	char *sql = csvc__customer_db_query_sql(&q, 0, CSVC__SCOPE_ALL, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "INTEGER PRIMARY KEY");
	free(sql);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.phone = "x";
	sql = csvc__customer_db_query_sql(&q, 0, CSVC__SCOPE_ALL, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "customer_contacts_norm");
	free(sql);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.tag = "x";
	sql = csvc__customer_db_query_sql(&q, 1, CSVC__SCOPE_ALL, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "customer_tags_tag");
	free(sql);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.text = "abcdef";
	sql = csvc__customer_db_query_sql(&q, 0, CSVC__SCOPE_ALL, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "VIRTUAL TABLE INDEX");
	free(sql);
	csvc_customer_query_init(&q, CSVC_CUSTOMER_QUERY_VERSION);
	q.home_store = "SH01";
	sql = csvc__customer_db_query_sql(&q, 0, CSVC__SCOPE_ALL, CSVC__DIALECT_SQLITE);
	assert_plan_indexed(s, sql, "customers_home_store");
	free(sql);
}

static void test_query_plans(void **state)
{
	(void)state;
	/* SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg())
		return;
	csvc_store *s = open_store();
	check_plans(s); /* a fresh store has no statistics */
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < 2000; i++) {
		char n[16], p[16];
		snprintf(n, sizeof(n), "c%d", i);
		snprintf(p, sizeof(p), "1380%07d", i);
		csvc_customer *c = make(s, n, p, NULL);
		if (i % 10 == 0) {
			csvc_assert_ok(csvc_customer_add_tag(c, "t"));
			csvc_assert_ok(csvc_customer_set_home_store(c, "SH01"));
			csvc_assert_ok(csvc_customer_update(s, c, NULL));
		}
		csvc_customer_free(c);
	}
	csvc_assert_ok(csvc_store_commit(s));
	assert_int_equal(sqlite3_exec(CSVC_TEST_SQLITE(s), "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	check_plans(s); /* and with the statistics of a populated store */
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_defaults_and_setters),
		cmocka_unit_test(test_phone_normalization),
		cmocka_unit_test(test_create_get_roundtrip),
		cmocka_unit_test(test_imported_id_and_duplicates),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_update_revisions_and_history),
		cmocka_unit_test(test_query_filters_and_pages),
		cmocka_unit_test(test_search_chinese),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_limits),
		cmocka_unit_test(test_erase_removes_bytes),
		cmocka_unit_test(test_erase_covers_absorbed),
		cmocka_unit_test(test_erase_scrub_pending_and_finished),
		cmocka_unit_test(test_scrub_marker_survives_a_later_erasure),
		cmocka_unit_test(test_erase_many_on_a_growing_store),
		cmocka_unit_test(test_broken_search_index_repaired),
		cmocka_unit_test(test_query_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
