/*
 * Support for the generated misuse test: a populated store, a content dump
 * to prove a failed call changed nothing, and the bad inputs.
 */
#ifndef CSVC_MISUSE_SUPPORT_H
#define CSVC_MISUSE_SUPPORT_H

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "csvc-test.h"
#include "store/store-internal.h"
#include "store-dump.h"
#include "store-sqlite.h"

static csvc_time_us misuse_clock = (csvc_time_us)1767225600 * CSVC_SECOND_US;

/* Invalid UTF-8 (a lone continuation byte and an overlong form). */
static const char misuse_bad_utf8[] = "ab\x80\xc0\xaf";
static char *misuse_huge;

/* Gives the store its defaults, a customer and a ticket. */
static void misuse_populate(csvc_store *s)
{
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_route_install_defaults(s));
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "顾客"));
	csvc_assert_ok(csvc_customer_add_phone(c, "13800000000"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	csvc_customer_free(c);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	csvc_ticket_free(t);
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "e1", "员工"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	csvc_assert_ok(csvc_staff_add_role(st, "receptionist"));
	csvc_assert_ok(csvc_staff_create(s, st, NULL));
	csvc_staff_free(st);
	csvc_assert_ok(csvc_queue_install_defaults(s));
}

static char *misuse_dump(csvc_store *s);

/*
 * A populated store for one test. On SQLite, a new one in memory. On
 * PostgreSQL (CSVC_TEST_PG), creating a schema takes a few hundred
 * milliseconds, so the tests share one: each opens it again and finds it
 * as it was populated, which its dump proves. Every test asserts that its
 * calls changed nothing, so a store that differs was changed by a test
 * that has failed already; the next test then gets a new schema.
 */
static csvc_store *misuse_store(void)
{
	if (!misuse_huge) {
		misuse_huge = malloc(1 << 20);
		memset(misuse_huge, 'a', (1 << 20) - 1);
		misuse_huge[(1 << 20) - 1] = '\0';
	}
	if (!csvc_test_on_pg()) {
		csvc_store *s = csvc_test_store(&misuse_clock);
		misuse_populate(s);
		return s;
	}
	static char *populated; /* the dump of the shared store */
	static unsigned generation;
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = csvc_test_clock;
	opts.clock_userdata = &misuse_clock;
	for (;;) {
		char name[32];
		snprintf(name, sizeof(name), "misuse-%u", generation);
		csvc_store *s = NULL;
		csvc_assert_ok(csvc_test_open(&s, name, &opts));
		if (!populated) {
			misuse_populate(s);
			populated = misuse_dump(s);
			return s;
		}
		char *now = misuse_dump(s);
		int same = strcmp(now, populated) == 0;
		free(now);
		if (same)
			return s;
		csvc_store_close(s);
		free(populated);
		populated = NULL;
		generation++;
	}
}

static void misuse_store_close(csvc_store *s)
{
	csvc_store_close(s);
}

/* Every row of every table, as text: on PostgreSQL through the store's
 * own connection (tests/store-dump.h). */
static char *misuse_dump(csvc_store *s)
{
#ifdef CSVC_HAVE_POSTGRES
	if (csvc_test_on_pg())
		return csvc_test_dump_pg(s->db);
#endif
	csvc__buf b = {0};
	sqlite3_stmt *tables;
	assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s),
	                                    "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                                    " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search_%'"
	                                    " ORDER BY name",
	                                    -1, &tables, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", (const char *)sqlite3_column_text(tables, 0));
		sqlite3_stmt *rows;
		assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), sql, -1, &rows, NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW)
			for (int i = 0; i < sqlite3_column_count(rows); i++) {
				const char *v = (const char *)sqlite3_column_text(rows, i);
				csvc__buf_puts(&b, v ? v : "NULL");
				csvc__buf_put(&b, "|", 1);
			}
		sqlite3_finalize(rows);
		csvc__buf_put(&b, "\n", 1);
	}
	sqlite3_finalize(tables);
	assert_false(b.failed);
	return b.data;
}

static void misuse_assert_unchanged(csvc_store *s, const char *before)
{
	assert_int_equal(csvc_store_tx_depth(s), 0);
	char *after = misuse_dump(s);
	assert_string_equal(before, after);
	free(after);
}

/* Exactly the documented code; arg -1 is the all-NULL call, else the index
 * of the bad string argument. */
static void misuse_expect_code(int rc, int want, const char *fn, int arg)
{
	if (rc != want) {
		if (arg < 0)
			print_error("%s: NULL arguments gave %d (%s), expected %d\n", fn, rc,
			            csvc_error_last()->message, want);
		else
			print_error("%s: argument %d gave %d (%s), expected %d\n", fn, arg, rc,
			            csvc_error_last()->message, want);
	}
	assert_int_equal(rc, want);
}

static csvc_customer *fresh_customer(void)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	return c;
}

static csvc_ticket *fresh_ticket(void)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	return t;
}

static csvc_workflow *fresh_workflow(void)
{
	csvc_workflow *w = NULL;
	csvc_assert_ok(csvc_workflow_new(&w, "w"));
	return w;
}

static csvc_sla_policy *fresh_policy(void)
{
	csvc_sla_policy *p = NULL;
	csvc_assert_ok(csvc_sla_policy_new(&p, "p", 1));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "t", 1000000, CSVC_SLA_CALENDAR_24X7, NULL, NULL));
	return p;
}

/* The customer and the ticket misuse_store() created, as read back. */
static csvc_staff *fresh_staff(void)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "e2", "员工"));
	return st;
}

static csvc_team *fresh_team(void)
{
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_new(&t, "team2", "组", CSVC_TEAM_CS_GROUP));
	return t;
}

static csvc_role *fresh_role(void)
{
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "role2", "角色", CSVC_ROLE_SCOPE_STORE));
	return r;
}

static csvc_role *stored_role(csvc_store *s)
{
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_get(s, "receptionist", &r));
	return r;
}

static csvc_queue *fresh_queue(void)
{
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_new(&q, "queue2", "队列"));
	return q;
}

static csvc_queue *stored_queue(csvc_store *s)
{
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_get(s, "consult_open", &q));
	return q;
}

static csvc_staff *stored_staff(csvc_store *s)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(s, "e1", &st));
	return st;
}

static csvc_team *stored_team(csvc_store *s)
{
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_get(s, "consult", &t));
	return t;
}

static csvc_customer *stored_customer(csvc_store *s)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_find_by_phone(s, "13800000000", &c));
	return c;
}

static csvc_ticket *stored_ticket(csvc_store *s)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_get_by_number(s, "SH01-000001", &t));
	return t;
}

#endif
