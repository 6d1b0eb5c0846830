/*
 * Allocation failures: a test allocator (csvc_set_allocator) fails the
 * n-th allocation of a call, for n = 1, 2, 3, ... until the call
 * succeeds, as SQLite's OOM tests do. Every failure must be clean:
 * CSVC_ENOMEM with a message, no transaction left open, no block of
 * libcsvc memory leaked (the test allocator counts them), outputs left
 * as they were, and every row of every table as it was before.
 *
 * CSVC_OOM_QUICK=1 (set by the valgrind test setup) runs the exhaustive
 * loop only for the calls marked QUICK, to keep memcheck's run short.
 *
 * With CSVC_TEST_PG the stores live on PostgreSQL (tests/csvc-test.h),
 * dumped through a connection of their own (tests/store-dump.h); the
 * allocations counted are the library's, not libpq's.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"
#include "store/store-internal.h"
#include "test-data.h"

/* ---- the test allocator ---- */

static int armed;           /* count (and fail) allocations */
static size_t calls;        /* allocations since arming */
static size_t fail_at;      /* the one that fails */
static int fired;           /* it did */
static int persistent;      /* and so does every later one */
static long live;           /* blocks currently allocated by libcsvc */

static int should_fail(void)
{
	if (!armed)
		return 0;
	if (++calls == fail_at || (persistent && calls > fail_at)) {
		fired = 1;
		return 1;
	}
	return 0;
}

static void *t_malloc(size_t n, void *ud)
{
	(void)ud;
	assert_true(n > 0);
	if (should_fail())
		return NULL;
	void *p = malloc(n);
	if (p)
		live++;
	return p;
}

static void *t_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	assert_non_null(p);
	assert_true(n > 0);
	if (should_fail())
		return NULL;
	return realloc(p, n);
}

static void t_free(void *p, void *ud)
{
	(void)ud;
	assert_non_null(p);
	live--;
	free(p);
}

/* Setup and teardown inside an operation run with failures paused. */
static int paused_armed;
#define PAUSE() (paused_armed = armed, armed = 0)
#define RESUME() (armed = paused_armed)

/* ---- the store and its dump ---- */

static char dir[64];
static char path[128];
static char zoneinfo[512];
static csvc_time_us now_cell = (csvc_time_us)1767225600 * CSVC_SECOND_US; /* 2026-01-01 */
static int quick;

static csvc_store_options store_opts(void)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.durability = CSVC_DURABILITY_NORMAL;
	o.zoneinfo_dir = zoneinfo;
	return o;
}

/* Every row of every table (tests/store-dump.h): of the file, or on
 * PostgreSQL (CSVC_TEST_PG) of the schema that stands for it. */
static char *dump(void)
{
	return csvc_test_dump_at(path);
}

typedef int (*op_fn)(csvc_store *s, void *ctx);

/* Blocks live once the store's caches of stored definitions (workflows,
 * SLA policies, calendars) are emptied: an empty transaction rolled back
 * drops them, as any failed write does. */
/* Live blocks, less the caches a call may fill and that live as long as
 * the store: stored versions (dropped by a rollback) and prepared
 * statements (one block each). */
static long live_without_caches(csvc_store *s)
{
	if (s) {
		/* A statement of PostgreSQL's driver is several blocks, and
		 * keeps the room of its bound texts from run to run: the
		 * cached ones go, to be prepared again. The transaction
		 * control comes back at once (one block each, having no
		 * parameters), as a connection keeps it from its first use. */
		if (csvc_test_on_pg()) {
			csvc__db_drop_statements(s->db);
			int began = 0;
			csvc_assert_ok(csvc__db_read_begin(s->db, &began));
			assert_true(began);
			csvc__db_read_end(s->db, began);
		}
		csvc_assert_ok(csvc_store_begin(s));
		csvc_assert_ok(csvc_store_rollback(s));
		return live - (long)s->db->slot_count;
	}
	return live;
}

enum {
	READS = 1,      /* the call only reads: it may absorb a failure */
	QUICK = 2,      /* also under CSVC_OOM_QUICK */
	WRITES_ONCE = 4 /* succeeds once only (a merge, an erase): one mode */
};

/* Runs `op` with its 1st, 2nd, ... allocation failing until it succeeds.
 * A call that reads only may absorb a failure and succeed; the loop then
 * goes on. Returns the number of failures. */
static int fail_every_alloc_mode(csvc_store *s, const char *name, op_fn op, void *ctx, int flags)
{
	char *before = dump();
	int failures = 0;
	for (size_t n = 1;; n++) {
		long live_before = live_without_caches(s);
		calls = 0;
		fail_at = n;
		fired = 0;
		armed = 1;
		int rc = op(s, ctx);
		armed = 0;
		if (!fired) {
			if (rc != CSVC_OK)
				print_error("%s: %d (%s) with no failure\n", name, rc, csvc_error_last()->message);
			assert_int_equal(rc, CSVC_OK);
			break;
		}
		if (rc == CSVC_OK) {
			if (getenv("CSVC_OOM_VERBOSE"))
				fprintf(stderr, "%s: allocation %zu failed and the call succeeded\n", name, n);
			if (flags & READS)
				continue;
			break;
		}
		if (rc != CSVC_ENOMEM || csvc_error_last()->code != CSVC_ENOMEM ||
		    csvc_error_last()->message[0] == '\0')
			print_error("%s: allocation %zu failed: %d, error record %d '%s'\n", name, n, rc,
			            (int)csvc_error_last()->code, csvc_error_last()->message);
		assert_int_equal(rc, CSVC_ENOMEM);
		assert_int_equal(csvc_error_last()->code, CSVC_ENOMEM);
		assert_true(csvc_error_last()->message[0] != '\0');
		if (s)
			assert_int_equal(csvc_store_tx_depth(s), 0);
		long live_after = live_without_caches(s);
		if (live_after != live_before)
			print_error("%s: allocation %zu failed: %ld blocks leaked\n", name, n,
			            live_after - live_before);
		assert_int_equal(live_after, live_before);
		char *after = dump();
		if (strcmp(before, after) != 0)
			print_error("%s: store changed after allocation %zu failed\n", name, n);
		assert_string_equal(before, after);
		free(after);
		failures++;
	}
	free(before);
	if (getenv("CSVC_OOM_VERBOSE"))
		fprintf(stderr, "%s: %d failures%s\n", name, failures, persistent ? " (persistent)" : "");
	return failures;
}

/* Each allocation failing alone, then (but for the quick run) failing
 * with every one after it as well. */
static int fail_every_alloc(csvc_store *s, const char *name, op_fn op, void *ctx, int flags)
{
	if (quick && !(flags & QUICK))
		return 0;
	persistent = 0;
	int failures = fail_every_alloc_mode(s, name, op, ctx, flags);
	if (!quick && !(flags & WRITES_ONCE)) {
		persistent = 1;
		failures += fail_every_alloc_mode(s, name, op, ctx, flags);
		persistent = 0;
	}
	return failures;
}

#define OOM(s, op, ctx, flags) fail_every_alloc((s), #op, (op), (ctx), (flags))

/* What an output pointer holds before a call: a failed call leaves it. */
static char unset_cell;
#define UNSET ((void *)&unset_cell)

/* ---- fixtures ---- */

typedef struct fixture {
	csvc_store *s;
	csvc_uuid customer, customer2, ticket, ticket2;
	char token[64];
} fixture;

static fixture fx;

static csvc_customer *draft(const char *name, const char *phone, const char *card)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	csvc_assert_ok(csvc_customer_add_phone(c, phone));
	csvc_assert_ok(csvc_customer_add_email(c, "a@example.cn"));
	csvc_assert_ok(csvc_customer_add_tag(c, "vip"));
	csvc_assert_ok(csvc_customer_set_attr(c, "k", "v"));
	csvc_assert_ok(csvc_customer_add_external_id(c, "member_card", card));
	return c;
}

static csvc_uuid new_customer(csvc_store *s, const char *name, const char *phone, const char *card)
{
	csvc_customer *c = draft(name, phone, card);
	csvc_assert_ok(csvc_customer_create(s, c, "setup"));
	csvc_uuid id = *csvc_customer_id(c);
	csvc_customer_free(c);
	return id;
}

static csvc_uuid new_ticket(csvc_store *s, const csvc_uuid *customer)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "投诉"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "phone"));
	if (customer)
		csvc_assert_ok(csvc_ticket_set_customer(t, customer));
	csvc_assert_ok(csvc_ticket_create(s, t, "setup"));
	csvc_uuid id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	return id;
}

static const char CALENDAR[] =
	"{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{\"mon\":[\"09:00-12:00\",\"13:00-18:00\"],"
	"\"tue\":[\"09:00-18:00\"],\"wed\":[\"09:00-18:00\"],\"thu\":[\"09:00-18:00\"],"
	"\"fri\":[\"09:00-18:00\"]}},{\"from\":\"2026-03-01\",\"week\":{\"sat\":[\"10:00-16:00\"]}}],"
	"\"holidays\":[\"2026-01-01\",\"2026-02-17\"],"
	"\"special_days\":[{\"date\":\"2026-02-15\",\"intervals\":[\"10:00-12:00\"]}]}";

static csvc_calendar *calendar(void)
{
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.zoneinfo_dir = zoneinfo;
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, CALENDAR, strlen(CALENDAR), &o));
	return cal;
}

static int setup(void **state)
{
	(void)state;
	armed = 0; /* a failed assertion may have left the loop armed */
	csvc_test_data_path(zoneinfo, sizeof(zoneinfo), "zoneinfo");
	strcpy(dir, "/tmp/csvc-oom-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	csvc_store_options o = store_opts();
	csvc_assert_ok(csvc_test_open(&fx.s, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(fx.s));
	csvc_calendar *cal = calendar();
	csvc_assert_ok(csvc_calendar_save(fx.s, "sh-hours", cal));
	csvc_calendar_free(cal);
	csvc_assert_ok(csvc_calendar_attach(fx.s, "SH01", "sh-hours"));
	fx.customer = new_customer(fx.s, "张三", "13800000001", "CARD-1");
	fx.customer2 = new_customer(fx.s, "张三丰", "13800000002", "CARD-2");
	fx.ticket = new_ticket(fx.s, &fx.customer);
	fx.ticket2 = new_ticket(fx.s, &fx.customer);
	csvc_assert_ok(csvc_ticket_comment(fx.s, &fx.ticket, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "已联系", NULL, 0, "setup"}, NULL));
	csvc_survey_context c = CSVC_SURVEY_CONTEXT_INIT;
	c.ticket = &fx.ticket;
	c.method = CSVC_METHOD_RECEIPT_QR;
	csvc_assert_ok(csvc_survey_invite(fx.s, "post_resolution", &c, fx.token));
	return 0;
}

/* A store with no definitions yet, for csvc_store_install_defaults. */
static int setup_bare(void **state)
{
	(void)state;
	armed = 0;
	csvc_test_data_path(zoneinfo, sizeof(zoneinfo), "zoneinfo");
	strcpy(dir, "/tmp/csvc-oom-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	csvc_store_options o = store_opts();
	csvc_assert_ok(csvc_test_open(&fx.s, path, &o));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	csvc_store_close(fx.s);
	fx.s = NULL;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	if (live != 0) /* after a failed test; main() checks it in the end */
		print_error("%ld blocks of libcsvc memory still live\n", live);
	return 0;
}

/* ---- store ---- */

static int op_store_open(csvc_store *s, void *ctx)
{
	(void)s;
	(void)ctx;
	csvc_store_options o = store_opts();
	csvc_store *t = UNSET;
	int rc = csvc_test_open(&t, path, &o);
	if (rc) {
		assert_ptr_equal(t, UNSET);
		return rc;
	}
	csvc_store_close(t);
	return rc;
}

static void test_store(void **state)
{
	(void)state;
	OOM(NULL, op_store_open, NULL, QUICK);
}

static int op_install_defaults(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_store_install_defaults(s);
}

static int op_role_install_defaults(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_role_install_defaults(s);
}

static void test_install_defaults(void **state)
{
	(void)state;
	OOM(fx.s, op_role_install_defaults, NULL, 0);
	OOM(fx.s, op_install_defaults, NULL, 0);
}

/* ---- customers ---- */

static int op_customer_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	static int serial;
	PAUSE();
	char card[32];
	snprintf(card, sizeof(card), "NEW-%d", ++serial);
	csvc_customer *c = draft("新顾客", "13900000009", card);
	RESUME();
	int rc = csvc_customer_create(s, c, "op");
	if (rc)
		assert_int_equal(csvc_customer_revision(c), 0);
	PAUSE();
	csvc_customer_free(c);
	RESUME();
	return rc;
}

static int op_customer_update(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_customer *c = UNSET;
	csvc_assert_ok(csvc_customer_get(s, &fx.customer, &c));
	csvc_assert_ok(csvc_customer_set_name(c, "张三 (改)"));
	csvc_assert_ok(csvc_customer_add_phone(c, "13900000010"));
	csvc_customer_remove_tag(c, "vip"); /* gone after the first success */
	csvc_assert_ok(csvc_customer_set_attr(c, "k2", "v2"));
	csvc_assert_ok(csvc_customer_set_lifecycle(c, CSVC_LIFECYCLE_MATURE));
	int64_t rev = csvc_customer_revision(c);
	RESUME();
	int rc = csvc_customer_update(s, c, "op");
	if (rc)
		assert_int_equal(csvc_customer_revision(c), rev);
	PAUSE();
	csvc_customer_free(c);
	RESUME();
	return rc;
}

static int op_customer_get(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_customer *c = UNSET;
	int rc = csvc_customer_get(s, &fx.customer, &c);
	if (rc) {
		assert_ptr_equal(c, UNSET);
		return rc;
	}
	assert_non_null(csvc_customer_name(c));
	csvc_customer_free(c);
	return rc;
}

static int op_customer_find(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_customer *c = UNSET;
	int rc = csvc_customer_find_by_phone(s, "138 0000 0001", &c);
	if (rc) {
		assert_ptr_equal(c, UNSET);
		return rc;
	}
	csvc_customer_free(c);
	c = UNSET;
	rc = csvc_customer_find_by_email(s, "A@example.cn", &c);
	if (rc) {
		assert_ptr_equal(c, UNSET);
		return rc;
	}
	csvc_customer_free(c);
	c = UNSET;
	rc = csvc_customer_find_by_external_id(s, "member_card", "CARD-2", &c);
	if (rc) {
		assert_ptr_equal(c, UNSET);
		return rc;
	}
	csvc_customer_free(c);
	return rc;
}

static int op_customer_search(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.text = "张三";
	csvc_customer_iter *it = UNSET;
	int rc = csvc_customer_iter_new(s, &q, &it);
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	int n = 0;
	csvc_customer *c = UNSET;
	while ((rc = csvc_customer_iter_next(it, &c)) == CSVC_OK) {
		n++;
		csvc_customer_free(c);
		c = UNSET;
	}
	assert_ptr_equal(c, UNSET); /* the end writes nothing either */
	csvc_customer_iter_free(it);
	if (rc == CSVC_ITEROVER) {
		assert_int_equal(n, 2);
		rc = CSVC_OK;
	}
	return rc;
}

static int op_customer_merge(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_merge_report *r = UNSET;
	int rc = csvc_customer_merge(s, &fx.customer, &fx.customer2, "op", &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_merge_report_free(r);
	return rc;
}

static int op_customer_erase(csvc_store *s, void *ctx)
{
	return csvc_customer_erase(s, (const csvc_uuid *)ctx, "op");
}

/* Setters and dup on a record in memory: a failed one leaves the record
 * as it was. */
static int op_customer_record(csvc_store *s, void *ctx)
{
	(void)s;
	(void)ctx;
	PAUSE();
	csvc_customer *c = draft("王五", "13800000005", "CARD-5");
	RESUME();
	int rc;
	if ((rc = csvc_customer_set_name(c, "王五五")) || (rc = csvc_customer_add_phone(c, "13800000006")) ||
	    (rc = csvc_customer_add_email(c, "b@example.cn")) || (rc = csvc_customer_add_tag(c, "new")) ||
	    (rc = csvc_customer_set_attr(c, "k", "v2")) || (rc = csvc_customer_set_attr(c, "k3", "v3")) ||
	    (rc = csvc_customer_set_notes(c, "备注")) ||
	    (rc = csvc_customer_add_external_id(c, "wechat", "wx-1"))) {
		PAUSE();
		csvc_customer_free(c);
		RESUME();
		return rc;
	}
	csvc_customer *d = UNSET;
	rc = csvc_customer_dup(c, &d);
	if (rc)
		assert_ptr_equal(d, UNSET);
	else
		assert_string_equal(csvc_customer_name(d), "王五五");
	PAUSE();
	if (!rc)
		csvc_customer_free(d);
	csvc_customer_free(c);
	RESUME();
	return rc;
}

/* A survey consent of the customer `ctx`, withdrawn. */
static int op_consent_record(csvc_store *s, void *ctx)
{
	csvc_consent_form f = CSVC_CONSENT_FORM_INIT;
	f.customer = ctx;
	f.purpose = CSVC_CONSENT_SURVEY;
	f.state = CSVC_CONSENT_WITHDRAWN;
	f.channel = "phone";
	f.text_version = "2026-03";
	return csvc_consent_record(s, &f, "op");
}

static int op_consent_read(csvc_store *s, void *ctx)
{
	int32_t v = 77;
	int rc = csvc_consent_current(s, ctx, CSVC_CONSENT_SURVEY, &v);
	if (rc) {
		assert_int_equal(v, 77);
		return rc;
	}
	csvc_consent **list = UNSET;
	size_t n = 77;
	if ((rc = csvc_consent_history(s, ctx, &list, &n))) {
		assert_ptr_equal(list, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	csvc_consent_list_free(list, n);
	return CSVC_OK;
}

/* The data-subject export of the customer `ctx` (a consent record, a
 * ticket and its SLA targets). */
static int op_customer_export(csvc_store *s, void *ctx)
{
	char *doc = UNSET;
	int rc = csvc_customer_export(s, ctx, &doc);
	if (rc) {
		assert_ptr_equal(doc, UNSET);
		return rc;
	}
	PAUSE();
	assert_non_null(strstr(doc, "\"consents\":[{\"purpose\":\"survey\""));
	assert_non_null(strstr(doc, "\"sla\":[{"));
	csvc_free(doc);
	RESUME();
	return CSVC_OK;
}

static void test_customers(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	OOM(NULL, op_customer_record, NULL, 0);
	OOM(s, op_customer_create, NULL, QUICK);
	OOM(s, op_customer_update, NULL, 0);
	OOM(s, op_customer_get, NULL, READS | QUICK);
	OOM(s, op_customer_find, NULL, READS);
	OOM(s, op_customer_search, NULL, READS);
	OOM(s, op_customer_merge, NULL, WRITES_ONCE);
	csvc_uuid victim = new_customer(s, "李四", "13800000003", "CARD-3");
	OOM(s, op_customer_erase, &victim, WRITES_ONCE);
	csvc_uuid someone = new_customer(s, "赵六", "13800000004", "CARD-4");
	OOM(s, op_consent_record, &someone, 0);
	OOM(s, op_consent_read, &someone, READS);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, &someone));
	csvc_assert_ok(csvc_ticket_create(s, t, "op"));
	csvc_ticket_free(t);
	OOM(s, op_customer_export, &someone, READS);
}

/* ---- staff ---- */

static int op_staff_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	static int serial;
	PAUSE();
	char code[32];
	snprintf(code, sizeof(code), "oom%d", ++serial);
	csvc_staff *st = UNSET;
	csvc_assert_ok(csvc_staff_new(&st, code, "员工"));
	csvc_assert_ok(csvc_staff_set_calendar(st, "sh-hours"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_LANGUAGE, "zh"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	csvc_assert_ok(csvc_staff_add_role(st, "receptionist"));
	RESUME();
	int rc = csvc_staff_create(s, st, "op");
	if (rc)
		assert_int_equal(csvc_staff_revision(st), 0);
	PAUSE();
	csvc_staff_free(st);
	RESUME();
	return rc;
}

static int op_staff_update(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_staff *st = UNSET;
	csvc_assert_ok(csvc_staff_get(s, "oom-base", &st));
	csvc_assert_ok(csvc_staff_set_name(st, "员工 (改)"));
	csvc_assert_ok(csvc_staff_add_skill(st, CSVC_SKILL_CHANNEL, "phone"));
	csvc_staff_remove_team(st, "consult"); /* gone after the first success */
	csvc_assert_ok(csvc_staff_add_team(st, "floor"));
	csvc_staff_remove_role(st, "cashier"); /* gone after the first success */
	csvc_assert_ok(csvc_staff_add_role(st, "supervisor"));
	csvc_assert_ok(csvc_staff_set_active(st, 0));
	int64_t rev = csvc_staff_revision(st);
	RESUME();
	int rc = csvc_staff_update(s, st, "op");
	if (rc)
		assert_int_equal(csvc_staff_revision(st), rev);
	PAUSE();
	csvc_staff_free(st);
	RESUME();
	return rc;
}

static int op_staff_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_staff *st = UNSET;
	int rc = csvc_staff_get(s, "oom-base", &st);
	if (rc) {
		assert_ptr_equal(st, UNSET);
		return rc;
	}
	csvc_staff_free(st);
	csvc_staff_iter *it = UNSET;
	csvc_staff_query q = CSVC_STAFF_QUERY_INIT;
	q.status = CSVC_STAFF_STATUS_ANY;
	q.team = "floor";
	if ((rc = csvc_staff_iter_new(s, &q, &it)))
		return rc;
	while ((rc = csvc_staff_iter_next(it, &st)) == CSVC_OK)
		csvc_staff_free(st);
	csvc_staff_iter_free(it);
	if (rc != CSVC_ITEROVER)
		return rc;
	csvc_team **teams = UNSET;
	size_t n = 0;
	if ((rc = csvc_team_list(s, 0, &teams, &n)))
		return rc;
	csvc_team_list_free(teams, n);
	return CSVC_OK;
}

static int op_team_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	static int serial;
	PAUSE();
	char code[32];
	snprintf(code, sizeof(code), "oom.team%d", ++serial);
	csvc_team *t = UNSET;
	csvc_assert_ok(csvc_team_new(&t, code, "组", CSVC_TEAM_DEPARTMENT));
	csvc_assert_ok(csvc_team_set_store(t, "SH01"));
	RESUME();
	int rc = csvc_team_create(s, t, "op");
	PAUSE();
	csvc_team_free(t);
	RESUME();
	return rc;
}

static int op_role_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	static int serial;
	PAUSE();
	char code[32];
	snprintf(code, sizeof(code), "oom.role%d", ++serial);
	csvc_role *r = UNSET;
	csvc_assert_ok(csvc_role_new(&r, code, "角色", CSVC_ROLE_SCOPE_STORE));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_SURVEY_RECORD));
	RESUME();
	int rc = csvc_role_create(s, r, "op");
	if (rc)
		assert_int_equal(csvc_role_revision(r), 0);
	PAUSE();
	csvc_role_free(r);
	RESUME();
	return rc;
}

static int op_role_update(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_role *r = UNSET;
	csvc_assert_ok(csvc_role_get(s, "guide", &r));
	/* Something changes on every successful run. */
	csvc_assert_ok(csvc_role_set_active(r, !csvc_role_active(r)));
	csvc_assert_ok(csvc_role_set_name(r, "导购 (改)"));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_REPORTS_READ));
	csvc_assert_ok(csvc_role_revoke(r, CSVC_PERM_TICKET_CREATE));
	int64_t rev = csvc_role_revision(r);
	RESUME();
	int rc = csvc_role_update(s, r, "op");
	if (rc)
		assert_int_equal(csvc_role_revision(r), rev);
	PAUSE();
	csvc_role_free(r);
	RESUME();
	return rc;
}

static int op_role_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_role *r = UNSET;
	int rc = csvc_role_get(s, "supervisor", &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_role_free(r);
	csvc_role **roles = UNSET;
	size_t n = 77;
	if ((rc = csvc_role_list(s, &roles, &n))) {
		assert_ptr_equal(roles, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	csvc_role_list_free(roles, n);
	return CSVC_OK;
}

/* A supervisor's appraisal of oom-base by oom-rater. */
static int op_appraisal_record(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_appraisal_form f = CSVC_APPRAISAL_FORM_INIT;
	f.staff = "oom-base";
	f.period = "2026-Q4";
	f.source = CSVC_APPRAISAL_SUPERVISOR;
	f.rater = "oom-rater";
	f.teamwork = 4;
	f.comment = "团队协作好";
	csvc_uuid id = {{7}}, kept = id;
	int rc = csvc_appraisal_record(s, &f, "op", &id);
	if (rc)
		assert_true(csvc_uuid_equal(&id, &kept));
	return rc;
}

static int op_appraisal_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_appraisal **list = UNSET;
	size_t n = 77;
	int rc = csvc_appraisal_list(s, "oom-base", NULL, &list, &n);
	if (rc) {
		assert_ptr_equal(list, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	csvc_appraisal_list_free(list, n);
	csvc_appraisal_summary *sum = UNSET;
	if ((rc = csvc_appraisal_summarize(s, "oom-base", "2026-Q4", &sum))) {
		assert_ptr_equal(sum, UNSET);
		return rc;
	}
	csvc_appraisal_summary_free(sum);
	return CSVC_OK;
}

static int op_report_staff(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = 0;
	q.to = (csvc_time_us)4102444800 * CSVC_SECOND_US;
	q.staff = "oom-base";
	csvc_report *r = UNSET;
	int rc = csvc_report_staff(s, &q, &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_report_free(r);
	return CSVC_OK;
}

static void test_staff(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "oom-base", "员工"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	csvc_assert_ok(csvc_staff_add_role(st, "cashier"));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
	csvc_assert_ok(csvc_staff_new(&st, "oom-rater", "主管"));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
	/* Not in the quick run (PostgreSQL's, valgrind's), which is at its
	 * time limit: the SQLite run covers them exhaustively. */
	OOM(s, op_appraisal_record, NULL, 0);
	OOM(s, op_appraisal_read, NULL, READS);
	OOM(s, op_report_staff, NULL, READS);
	OOM(s, op_staff_create, NULL, QUICK);
	OOM(s, op_staff_update, NULL, 0);
	OOM(s, op_staff_read, NULL, READS | QUICK);
	OOM(s, op_team_create, NULL, 0);
	OOM(s, op_role_create, NULL, QUICK);
	OOM(s, op_role_update, NULL, 0);
	OOM(s, op_role_read, NULL, READS);
}

/* ---- staff references ---- */

static int op_staff_adopt(csvc_store *s, void *ctx)
{
	(void)ctx;
	int64_t ns = -1, nt = -1;
	int rc = csvc_staff_adopt(s, NULL, &ns, &nt);
	if (rc) {
		assert_int_equal(ns, -1);
		assert_int_equal(nt, -1);
	}
	return rc;
}

static int op_staff_set_references(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_staff_set_references(s, 1, NULL);
}

static int op_staff_references(csvc_store *s, void *ctx)
{
	(void)ctx;
	int rc = csvc_staff_references(s);
	return rc < 0 ? rc : CSVC_OK;
}

/* A ticket written with references on: the checks' lookups. */
static int op_ticket_checked(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_ticket *t = UNSET;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_assignee(t, "oom adopt", "oom_adopt"));
	RESUME();
	int rc = csvc_ticket_create(s, t, "oom actor");
	PAUSE();
	csvc_ticket_free(t);
	RESUME();
	return rc;
}

static void test_staff_references(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	/* Free text to adopt. */
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_assignee(t, "oom adopt", "oom_adopt"));
	csvc_assert_ok(csvc_ticket_create(s, t, "oom actor"));
	csvc_ticket_free(t);
	OOM(s, op_staff_references, NULL, READS | QUICK);
	OOM(s, op_staff_adopt, NULL, WRITES_ONCE);
	/* The quick run (PostgreSQL's, valgrind's) adopts once, unarmed:
	 * adopt's many reads would take most of its time. */
	if (quick)
		csvc_assert_ok(op_staff_adopt(s, NULL));
	assert_int_equal(csvc_staff_references(s), 1);
	OOM(s, op_ticket_checked, NULL, 0);
	csvc_assert_ok(csvc_staff_set_references(s, 0, NULL));
	OOM(s, op_staff_set_references, NULL, 0);
	assert_int_equal(csvc_staff_references(s), !quick); /* not run in the quick run */
}

/* ---- routing ---- */

static int op_route_rule_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	static int serial;
	PAUSE();
	char code[32];
	snprintf(code, sizeof(code), "oom.rule%d", ++serial);
	csvc_route_rule *r = UNSET;
	csvc_assert_ok(csvc_route_rule_new(&r, code, "consult", CSVC_ROUTE_BEST_SKILL));
	csvc_assert_ok(csvc_route_rule_set_kind(r, "need"));
	csvc_assert_ok(csvc_route_rule_set_category(r, "停车"));
	csvc_assert_ok(csvc_route_rule_set_position(r, 50));
	RESUME();
	int rc = csvc_route_rule_create(s, r, "op");
	if (rc)
		assert_int_equal(csvc_route_rule_revision(r), 0);
	PAUSE();
	csvc_route_rule_free(r);
	RESUME();
	return rc;
}

static int op_route_rule_update(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_route_rule *r = UNSET;
	csvc_assert_ok(csvc_route_rule_get(s, "oom.route", &r));
	/* Something changes on every successful run. */
	csvc_assert_ok(csvc_route_rule_set_position(r, csvc_route_rule_position(r) + 1));
	csvc_assert_ok(csvc_route_rule_set_channel(r, csvc_route_rule_channel(r) ? NULL : "phone"));
	int64_t rev = csvc_route_rule_revision(r);
	RESUME();
	int rc = csvc_route_rule_update(s, r, "op");
	if (rc)
		assert_int_equal(csvc_route_rule_revision(r), rev);
	PAUSE();
	csvc_route_rule_free(r);
	RESUME();
	return rc;
}

static int op_route_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_route_rule *r = UNSET;
	int rc = csvc_route_rule_get(s, "oom.route", &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_route_rule_free(r);
	csvc_route_rule **rules = UNSET;
	size_t n = 77;
	if ((rc = csvc_route_rule_list(s, &rules, &n))) {
		assert_ptr_equal(rules, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	csvc_route_rule_list_free(rules, n);
	return CSVC_OK;
}

/* A suggestion: routed by "oom.route" in its create. */
static int op_routed_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_ticket *t = UNSET;
	csvc_assert_ok(csvc_ticket_new(&t, "suggestion", "SH01"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "phone"));
	RESUME();
	int rc = csvc_ticket_create(s, t, "op");
	if (rc) {
		assert_null(csvc_ticket_number(t));
		assert_null(csvc_ticket_assignee(t));
	} else {
		assert_string_equal(csvc_ticket_team(t), "consult");
		assert_non_null(csvc_ticket_assignee(t));
	}
	PAUSE();
	csvc_ticket_free(t);
	RESUME();
	return rc;
}

/* Routed again: the rule's turn moves to the other member every time. */
static int op_ticket_route(csvc_store *s, void *ctx)
{
	const csvc_uuid *id = ctx;
	int64_t rev = -1;
	int rc = csvc_ticket_route(s, id, 0, "op", &rev);
	if (rc)
		assert_int_equal(rev, -1);
	return rc;
}

static void test_routing(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	const char *members[] = {"oom.r1", "oom.r2"};
	for (int i = 0; i < 2; i++) {
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, members[i], "坐席"));
		csvc_assert_ok(csvc_staff_add_team(st, "consult"));
		csvc_assert_ok(csvc_staff_create(s, st, "setup"));
		csvc_staff_free(st);
	}
	csvc_route_rule *r = NULL;
	csvc_assert_ok(csvc_route_rule_new(&r, "oom.route", "consult", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_kind(r, "suggestion"));
	csvc_assert_ok(csvc_route_rule_create(s, r, "setup"));
	csvc_route_rule_free(r);
	OOM(s, op_route_rule_create, NULL, QUICK);
	OOM(s, op_route_rule_update, NULL, 0);
	OOM(s, op_route_read, NULL, READS);
	/* Least load reads each member's load and skills too. */
	csvc_assert_ok(csvc_route_rule_get(s, "oom.route", &r));
	csvc_assert_ok(csvc_route_rule_set_strategy(r, CSVC_ROUTE_LEAST_LOAD));
	csvc_assert_ok(csvc_route_rule_update(s, r, "setup"));
	csvc_route_rule_free(r);
	OOM(s, op_routed_create, NULL, QUICK);
	csvc_assert_ok(csvc_route_rule_get(s, "oom.route", &r));
	csvc_assert_ok(csvc_route_rule_set_strategy(r, CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_update(s, r, "setup"));
	csvc_route_rule_free(r);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "suggestion", "SH01"));
	csvc_assert_ok(csvc_ticket_create(s, t, "setup"));
	OOM(s, op_ticket_route, (void *)csvc_ticket_id(t), 0);
	csvc_ticket_free(t);
}

/* ---- queues and time worked ---- */

static int op_queue_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	static int serial;
	PAUSE();
	char code[32];
	snprintf(code, sizeof(code), "oom.queue%d", ++serial);
	csvc_queue *q = UNSET;
	csvc_assert_ok(csvc_queue_new(&q, code, "队列"));
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	f.team = "consult";
	f.category = "退货";
	f.states = CSVC_QUEUE_STATES_OPEN;
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	csvc_assert_ok(csvc_queue_set_owner(q, "consult", NULL));
	RESUME();
	int rc = csvc_queue_create(s, q, "op");
	if (rc)
		assert_int_equal(csvc_queue_revision(q), 0);
	PAUSE();
	csvc_queue_free(q);
	RESUME();
	return rc;
}

static int op_queue_update(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_queue *q = UNSET;
	csvc_assert_ok(csvc_queue_get(s, "oom.base", &q));
	csvc_assert_ok(csvc_queue_set_active(q, !csvc_queue_active(q)));
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	csvc_assert_ok(csvc_queue_copy_filter(q, &f));
	f.order = f.order == CSVC_QUEUE_ORDER_AGE ? CSVC_QUEUE_ORDER_PRIORITY : CSVC_QUEUE_ORDER_AGE;
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	int64_t rev = csvc_queue_revision(q);
	RESUME();
	int rc = csvc_queue_update(s, q, "op");
	if (rc)
		assert_int_equal(csvc_queue_revision(q), rev);
	PAUSE();
	csvc_queue_free(q);
	RESUME();
	return rc;
}

static int op_queue_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_queue *q = UNSET;
	int rc = csvc_queue_get(s, "my_open", &q);
	if (rc) {
		assert_ptr_equal(q, UNSET);
		return rc;
	}
	csvc_queue_free(q);
	csvc_queue **queues = UNSET;
	size_t n = 77;
	if ((rc = csvc_queue_list(s, &queues, &n))) {
		assert_ptr_equal(queues, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	csvc_queue_list_free(queues, n);
	return CSVC_OK;
}

/* Opens a queue in priority order and reads it to the end, then counts. */
static int op_queue_open(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_ticket_iter *it = UNSET;
	int rc = csvc_queue_iter_new(s, "oom.all", NULL, &it);
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	csvc_ticket *t = NULL;
	int n = 0;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		csvc_ticket_free(t);
		n++;
	}
	csvc_ticket_iter_free(it);
	if (rc != CSVC_ITEROVER)
		return rc;
	assert_int_equal(n, 2);
	int64_t count = -1;
	if ((rc = csvc_queue_count(s, "my_open", "oom.agent", &count))) {
		assert_int_equal(count, -1);
		return rc;
	}
	return CSVC_OK;
}

static int op_log_work(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	e.staff = "oom.agent";
	e.duration_us = 600 * CSVC_SECOND_US;
	e.kind = "call";
	e.note = "回访";
	return csvc_ticket_log_work(s, &fx.ticket, &e, "op");
}

static int op_work_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_worklog *log = UNSET;
	int rc = csvc_ticket_work(s, &fx.ticket, &log);
	if (rc) {
		assert_ptr_equal(log, UNSET);
		return rc;
	}
	assert_true(csvc_worklog_count(log) >= 1);
	csvc_worklog_free(log);
	csvc_work_query q = CSVC_WORK_QUERY_INIT;
	q.staff = "oom.agent";
	q.ticket = &fx.ticket;
	int64_t total = -1;
	if ((rc = csvc_work_total(s, &q, &total, NULL))) {
		assert_int_equal(total, -1);
		return rc;
	}
	assert_true(total > 0);
	return CSVC_OK;
}

static void test_queues(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "oom.agent", "客服"));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
	csvc_assert_ok(csvc_queue_install_defaults(s));
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_new(&q, "oom.base", "基础"));
	csvc_assert_ok(csvc_queue_create(s, q, "setup"));
	csvc_queue_free(q);
	csvc_assert_ok(csvc_queue_new(&q, "oom.all", "全部"));
	csvc_assert_ok(csvc_queue_create(s, q, "setup"));
	csvc_queue_free(q);
	csvc_assert_ok(op_log_work(s, NULL));
	OOM(s, op_queue_create, NULL, QUICK);
	OOM(s, op_queue_update, NULL, 0);
	OOM(s, op_queue_read, NULL, READS);
	OOM(s, op_queue_open, NULL, READS);
	OOM(s, op_log_work, NULL, QUICK);
	OOM(s, op_work_read, NULL, READS);
}

/* ---- access control ---- */

/* Setting the principal: a failure leaves none. Cleared again after, so
 * that each run starts as the first did. */
static int op_set_principal(csvc_store *s, void *ctx)
{
	(void)ctx;
	int rc = csvc_store_set_principal(s, "oom.desk");
	if (rc) {
		assert_null(csvc_store_principal(s));
		return rc;
	}
	assert_string_equal(csvc_store_principal(s), "oom.desk");
	csvc_assert_ok(csvc_store_set_principal(s, NULL));
	return CSVC_OK;
}

/* Reading a customer masked (a receptionist may not see contacts). */
static int op_masked_get(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_customer *c = UNSET;
	int rc = csvc_customer_get(s, &fx.customer, &c);
	if (rc) {
		assert_ptr_equal(c, UNSET);
		return rc;
	}
	assert_int_equal(csvc_customer_masked(c), 1);
	assert_string_equal(csvc_customer_phone(c, 0), "138****0001");
	csvc_customer_free(c);
	return CSVC_OK;
}

static void test_access(void **state)
{
	(void)state;
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "oom.desk", "前台"));
	csvc_assert_ok(csvc_staff_add_role(st, "receptionist"));
	csvc_assert_ok(csvc_staff_create(fx.s, st, "setup"));
	csvc_staff_free(st);
	csvc_store_options o = store_opts();
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *a = NULL;
	csvc_assert_ok(csvc_test_open(&a, path, &o));
	OOM(a, op_set_principal, NULL, READS | QUICK);
	csvc_assert_ok(csvc_store_set_principal(a, "oom.desk"));
	OOM(a, op_masked_get, NULL, READS | QUICK);
	csvc_store_close(a);
}

/* ---- tickets ---- */

static int op_ticket_create(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_ticket *t = UNSET;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "新投诉"));
	csvc_assert_ok(csvc_ticket_set_description(t, "详细描述"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "phone"));
	csvc_assert_ok(csvc_ticket_set_customer(t, &fx.customer));
	RESUME();
	int rc = csvc_ticket_create(s, t, "op");
	if (rc)
		assert_null(csvc_ticket_number(t));
	PAUSE();
	csvc_ticket_free(t);
	RESUME();
	return rc;
}

static int op_ticket_update(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_ticket *t = UNSET;
	csvc_assert_ok(csvc_ticket_get(s, &fx.ticket, &t));
	csvc_assert_ok(csvc_ticket_set_subject(t, "改过的投诉"));
	csvc_assert_ok(csvc_ticket_set_category(t, "quality"));
	int64_t rev = csvc_ticket_revision(t);
	RESUME();
	int rc = csvc_ticket_update(s, t, "op");
	if (rc)
		assert_int_equal(csvc_ticket_revision(t), rev);
	PAUSE();
	csvc_ticket_free(t);
	RESUME();
	return rc;
}

static int op_ticket_get(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_ticket *t = UNSET;
	int rc = csvc_ticket_get(s, &fx.ticket, &t);
	if (rc) {
		assert_ptr_equal(t, UNSET);
		return rc;
	}
	csvc_ticket_free(t);
	return rc;
}

static int op_ticket_transition(csvc_store *s, void *ctx)
{
	(void)ctx;
	int64_t rev = -7;
	int rc = csvc_ticket_transition(s, &fx.ticket, "analyse", 0, "op", "开始分析", &rev);
	if (rc)
		assert_int_equal(rev, -7);
	return rc;
}

static int op_ticket_comment(csvc_store *s, void *ctx)
{
	(void)ctx;
	int64_t rev = -7;
	int rc = csvc_ticket_comment(s, &fx.ticket, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "已处理", NULL, 0, "op"}, &rev);
	if (rc)
		assert_int_equal(rev, -7);
	return rc;
}

static int op_ticket_merge(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_ticket_merge(s, &fx.ticket, &fx.ticket2, "op");
}

static int op_ticket_history(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_event_iter *it = UNSET;
	int rc = csvc_ticket_history_new(s, &fx.ticket, &it);
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	csvc_event *ev = UNSET;
	int n = 0;
	while ((rc = csvc_ticket_history_next(it, &ev)) == CSVC_OK) {
		n++;
		csvc_event_free(ev);
		ev = UNSET;
	}
	assert_ptr_equal(ev, UNSET); /* the end writes nothing either */
	csvc_ticket_history_free(it);
	if (rc == CSVC_ITEROVER) {
		assert_true(n >= 2);
		rc = CSVC_OK;
	}
	return rc;
}

static int op_ticket_query(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.text = "投诉";
	csvc_ticket_iter *it = UNSET;
	int rc = csvc_ticket_iter_new(s, &q, &it);
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	csvc_ticket *t = UNSET;
	int n = 0;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		n++;
		csvc_ticket_free(t);
		t = UNSET;
	}
	assert_ptr_equal(t, UNSET); /* the end writes nothing either */
	csvc_ticket_iter_free(it);
	if (rc == CSVC_ITEROVER) {
		assert_true(n >= 1);
		rc = CSVC_OK;
	}
	return rc;
}

static int op_ticket_replay(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_ticket *t = UNSET;
	int rc = csvc_ticket_replay(s, &fx.ticket, &t);
	if (rc) {
		assert_ptr_equal(t, UNSET);
		return rc;
	}
	csvc_ticket *d = UNSET;
	rc = csvc_ticket_dup(t, &d);
	if (rc)
		assert_ptr_equal(d, UNSET);
	else
		csvc_ticket_free(d);
	csvc_ticket_free(t);
	return rc;
}

static int op_ticket_handoff(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "finance";
	h.subject = "退款审核";
	h.actor = "op";
	csvc_ticket *child = UNSET;
	int rc = csvc_ticket_handoff(s, &fx.ticket, &h, &child);
	if (rc) {
		assert_ptr_equal(child, UNSET);
		return rc;
	}
	PAUSE();
	csvc_ticket_free(child);
	RESUME();
	return rc;
}

static int op_ticket_subtasks(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_ticket **list = UNSET;
	size_t n = 77, open = 77;
	int rc = csvc_ticket_subtasks(s, &fx.ticket, &list, &n, &open);
	if (rc) {
		assert_ptr_equal(list, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	assert_true(n >= 1);
	csvc_ticket_subtasks_free(list, n);
	return rc;
}

/* The first sub-task declines: its parent hears of it. */
static int op_handoff_return(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_ticket **list = NULL;
	size_t n = 0;
	PAUSE();
	csvc_assert_ok(csvc_ticket_subtasks(s, &fx.ticket, &list, &n, NULL));
	csvc_uuid child = *csvc_ticket_id(list[0]);
	csvc_ticket_subtasks_free(list, n);
	RESUME();
	return csvc_ticket_transition(s, &child, "decline", 0, "op", NULL, NULL);
}

static void test_tickets(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	OOM(s, op_ticket_create, NULL, 0);
	OOM(s, op_ticket_handoff, NULL, 0);
	OOM(s, op_ticket_subtasks, NULL, READS);
	OOM(s, op_handoff_return, NULL, WRITES_ONCE);
	OOM(s, op_ticket_update, NULL, 0);
	OOM(s, op_ticket_get, NULL, READS);
	OOM(s, op_ticket_transition, NULL, WRITES_ONCE);
	OOM(s, op_ticket_comment, NULL, QUICK);
	OOM(s, op_ticket_history, NULL, READS);
	OOM(s, op_ticket_query, NULL, READS);
	OOM(s, op_ticket_replay, NULL, READS);
	OOM(s, op_ticket_merge, NULL, WRITES_ONCE);
}

/* ---- workflows ---- */

static int op_workflow_save(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_workflow *wf = UNSET;
	csvc_assert_ok(csvc_workflow_new(&wf, "oom_flow"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "new", CSVC_STATE_NEW, "新建", "New"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "doing", CSVC_STATE_OPEN, "处理中", "Doing"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "done", CSVC_STATE_CLOSED, "完成", "Done"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "start", "new", "doing"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "finish", "doing", "done"));
	RESUME();
	int32_t v = -7;
	int rc = csvc_workflow_save(s, wf, &v);
	if (rc)
		assert_int_equal(v, -7);
	PAUSE();
	csvc_workflow_free(wf);
	RESUME();
	return rc;
}

static int op_workflow_load(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_workflow *wf = UNSET;
	int rc = csvc_workflow_load(s, "complaint", 0, &wf);
	if (rc) {
		assert_ptr_equal(wf, UNSET);
		return rc;
	}
	csvc_workflow_free(wf);
	return rc;
}

static void test_workflows(void **state)
{
	(void)state;
	OOM(fx.s, op_workflow_save, NULL, 0);
	OOM(fx.s, op_workflow_load, NULL, READS);
}

/* ---- transition guards ---- */

static csvc_workflow *guarded_workflow(void)
{
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, "oom_guarded"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, "处理中", "Open"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "refunded", CSVC_STATE_CLOSED, "已退款", "Refunded"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "refund", "open", "refunded"));
	csvc_assert_ok(csvc_workflow_require_field(wf, "refund", "reason"));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "refund", "supervisor", "amount", 500));
	return wf;
}

static int op_guarded_save(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_workflow *wf = guarded_workflow();
	RESUME();
	int rc = csvc_workflow_save(s, wf, NULL);
	csvc_workflow_free(wf);
	return rc;
}

static int op_guarded_load(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_workflow *wf = UNSET;
	int rc = csvc_workflow_load(s, "oom_guarded", 0, &wf);
	if (rc) {
		assert_ptr_equal(wf, UNSET);
		return rc;
	}
	assert_int_equal(csvc_workflow_guard_count(wf), 2);
	csvc_workflow_free(wf);
	return rc;
}

static int op_ticket_approve(csvc_store *s, void *ctx)
{
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in = {"amount", "800"};
	o.actor = "oom-sup";
	o.note = "同意";
	o.inputs = &in;
	o.n_inputs = 1;
	int64_t rev = -7;
	int rc = csvc_ticket_approve(s, ctx, "refund", &o, &rev);
	if (rc)
		assert_int_equal(rev, -7);
	return rc;
}

static int op_ticket_transition_ex(csvc_store *s, void *ctx)
{
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in[2] = {{"amount", "800"}, {"reason", "质量问题"}};
	o.actor = "op";
	o.inputs = in;
	o.n_inputs = 2;
	int64_t rev = -7;
	int rc = csvc_ticket_transition_ex(s, ctx, "refund", &o, &rev);
	if (rc)
		assert_int_equal(rev, -7);
	return rc;
}

static void test_guards(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	/* Not in the quick run (PostgreSQL's, valgrind's), which is at its
	 * time limit: the SQLite run covers them exhaustively. */
	OOM(s, op_guarded_save, NULL, 0);
	OOM(s, op_guarded_load, NULL, READS);
	csvc_assert_ok(op_guarded_save(s, NULL)); /* saved already unless the run was quick */
	csvc_assert_ok(csvc_ticket_kind_define(s, "oom_guarded", "oom_guarded", "退款", "Refund"));
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "oom-sup", "主管"));
	csvc_assert_ok(csvc_staff_add_role(st, "supervisor"));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "oom_guarded", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退款"));
	csvc_assert_ok(csvc_ticket_create(s, t, "setup"));
	csvc_uuid id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	OOM(s, op_ticket_approve, &id, 0);
	OOM(s, op_ticket_transition_ex, &id, WRITES_ONCE);
}

/* ---- time zones and calendars ---- */

static int op_tz_load(csvc_store *s, void *ctx)
{
	(void)s;
	(void)ctx;
	csvc_tz *tz = UNSET;
	int rc = csvc_tz_load(&tz, "Asia/Shanghai", zoneinfo);
	if (rc) {
		assert_ptr_equal(tz, UNSET);
		return rc;
	}
	csvc_tz_free(tz);
	return rc;
}

static int op_calendar_parse(csvc_store *s, void *ctx)
{
	(void)s;
	(void)ctx;
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	o.zoneinfo_dir = zoneinfo;
	csvc_calendar *cal = UNSET;
	int rc = csvc_calendar_parse(&cal, CALENDAR, strlen(CALENDAR), &o);
	if (rc) {
		assert_ptr_equal(cal, UNSET);
		return rc;
	}
	csvc_calendar_free(cal);
	return rc;
}

static int op_calendar_json(csvc_store *s, void *ctx)
{
	(void)s;
	char *text = UNSET;
	int rc = csvc_calendar_to_json(ctx, &text);
	if (rc) {
		assert_ptr_equal(text, UNSET);
		return rc;
	}
	csvc_free(text);
	return rc;
}

static int op_calendar_add(csvc_store *s, void *ctx)
{
	(void)s;
	csvc_time_us due = -7;
	int rc = csvc_calendar_add(ctx, now_cell, 40 * 3600 * CSVC_SECOND_US, &due);
	if (rc)
		assert_int_equal(due, -7);
	return rc;
}

static int op_calendar_between(csvc_store *s, void *ctx)
{
	(void)s;
	int64_t us = -7;
	int rc = csvc_calendar_between(ctx, now_cell, now_cell + 90 * 86400 * CSVC_SECOND_US, &us);
	if (rc)
		assert_int_equal(us, -7);
	return rc;
}

static int op_calendar_save(csvc_store *s, void *ctx)
{
	return csvc_calendar_save(s, "oom-hours", ctx);
}

static int op_calendar_load(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_calendar *cal = UNSET;
	int rc = csvc_calendar_load(s, "sh-hours", NULL, &cal);
	if (rc) {
		assert_ptr_equal(cal, UNSET);
		return rc;
	}
	csvc_calendar_free(cal);
	return rc;
}

static int op_calendar_list(csvc_store *s, void *ctx)
{
	(void)ctx;
	char **names = UNSET;
	size_t n = 77;
	int rc = csvc_calendar_list(s, &names, &n);
	if (rc) {
		assert_ptr_equal(names, UNSET);
		assert_int_equal(n, 77);
		return rc;
	}
	assert_true(n >= 1);
	csvc_free(names);
	char *name = UNSET;
	rc = csvc_calendar_name_for_store(s, "SH01", &name);
	if (rc) {
		assert_ptr_equal(name, UNSET);
		return rc;
	}
	assert_string_equal(name, "sh-hours");
	csvc_free(name);
	return rc;
}

static void test_calendars(void **state)
{
	(void)state;
	OOM(NULL, op_tz_load, NULL, QUICK);
	OOM(NULL, op_calendar_parse, NULL, QUICK);
	csvc_calendar *cal = calendar();
	OOM(NULL, op_calendar_json, cal, 0);
	OOM(NULL, op_calendar_add, cal, READS);
	OOM(NULL, op_calendar_between, cal, READS);
	OOM(fx.s, op_calendar_save, cal, 0);
	OOM(fx.s, op_calendar_load, NULL, READS);
	OOM(fx.s, op_calendar_list, NULL, READS);
	csvc_calendar_free(cal);
}

/* ---- SLA ---- */

static int op_sla_policy_save(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_sla_policy *p = UNSET;
	size_t i = 0;
	csvc_assert_ok(csvc_sla_policy_new(&p, "oom_policy", 50));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "enquiry"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "first_response", 3600 * CSVC_SECOND_US,
	                                          CSVC_SLA_CALENDAR_STORE, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_reply(p, i));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 80));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 8 * 3600 * CSVC_SECOND_US,
	                                          CSVC_SLA_CALENDAR_NAMED, "sh-hours", &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	RESUME();
	int32_t v = -7;
	int rc = csvc_sla_policy_save(s, p, &v);
	if (rc)
		assert_int_equal(v, -7);
	PAUSE();
	csvc_sla_policy_free(p);
	RESUME();
	return rc;
}

static int op_sla_policy_load(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_sla_policy *p = UNSET;
	int rc = csvc_sla_policy_load(s, "oom_policy", 0, &p);
	if (rc) {
		assert_ptr_equal(p, UNSET);
		return rc;
	}
	csvc_sla_policy_free(p);
	return rc;
}

static int drain(int rc, csvc_sla_iter *it)
{
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	csvc_sla_target *t = UNSET;
	while ((rc = csvc_sla_iter_next(it, &t)) == CSVC_OK) {
		csvc_sla_target_free(t);
		t = UNSET;
	}
	assert_ptr_equal(t, UNSET); /* the end writes nothing either */
	csvc_sla_iter_free(it);
	return rc == CSVC_ITEROVER ? CSVC_OK : rc;
}

static int op_sla_targets(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_sla_iter *it = UNSET;
	int rc = csvc_sla_ticket_targets(s, &fx.ticket, &it);
	return drain(rc, it);
}

static int op_sla_at_risk(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_sla_iter *it = UNSET;
	int rc = csvc_sla_at_risk(s, 0, &it);
	return drain(rc, it);
}

static int op_sla_breached(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_sla_iter *it = UNSET;
	int rc = csvc_sla_breached(s, 0, &it);
	return drain(rc, it);
}

static int64_t alarm_events(void)
{
#ifdef CSVC_HAVE_POSTGRES
	if (csvc_test_on_pg()) {
		/* A connection of its own, as the SQLite branch below has. */
		csvc__postgres_config cfg = {.lock_timeout_ms = 10000, .schema = csvc_test_schema_for_(path),
		                             .readonly = 1};
		csvc__db *db = NULL;
		csvc_assert_ok(csvc__postgres_open(&db, csvc_test_pg(), &cfg));
		csvc__stmt *st = NULL;
		csvc_assert_ok(csvc__db_prepare(db,
		                                "SELECT count(*) FROM ticket_events"
		                                " WHERE type IN ('sla_warning', 'sla_breach')",
		                                &st));
		assert_int_equal(csvc__db_step(st), CSVC__ROW);
		int64_t n = csvc__db_int(st, 0);
		csvc__db_finalize(st);
		csvc__db_close(db);
		return n;
	}
#endif
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM ticket_events"
	                                    " WHERE type IN ('sla_warning', 'sla_breach')",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* csvc_sla_advance commits alarm by alarm: a failed call keeps the alarms
 * it committed (and counts them in `emitted`), loses and half-writes none,
 * and the next call goes on. */
static void advance_through_failures(csvc_store *s, csvc_time_us to)
{
	int64_t events_before = alarm_events(), total = 0;
	int failures = 0;
	for (size_t n = 1;; n++) {
		long live_before = live_without_caches(s);
		int64_t emitted = -7;
		calls = 0;
		fail_at = n;
		fired = 0;
		armed = 1;
		int rc = csvc_sla_advance(s, to, NULL, NULL, &emitted);
		armed = 0;
		assert_true(emitted >= 0);
		total += emitted;
		assert_int_equal(csvc_store_tx_depth(s), 0);
		assert_int_equal(alarm_events() - events_before, total);
		if (!fired) {
			csvc_assert_ok(rc);
			break;
		}
		if (rc == CSVC_OK)
			continue;
		failures++;
		assert_int_equal(rc, CSVC_ENOMEM);
		assert_int_equal(csvc_error_last()->code, CSVC_ENOMEM);
		assert_true(csvc_error_last()->message[0] != '\0');
		long live_after = live_without_caches(s);
		if (live_after != live_before)
			print_error("csvc_sla_advance: allocation %zu failed: %ld blocks leaked\n", n,
			            live_after - live_before);
		assert_int_equal(live_after, live_before);
	}
	assert_true(total > 0);
	int64_t again = -1;
	csvc_assert_ok(csvc_sla_advance(s, to, NULL, NULL, &again));
	assert_int_equal(again, 0);
	if (getenv("CSVC_OOM_VERBOSE"))
		fprintf(stderr, "csvc_sla_advance: %d failures, %lld alarms\n", failures, (long long)total);
}

static void test_sla(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	OOM(s, op_sla_policy_save, NULL, QUICK);
	OOM(s, op_sla_policy_load, NULL, READS);
	csvc_time_us later = now_cell + 30 * 86400 * CSVC_SECOND_US;
	if (!quick)
		advance_through_failures(s, later);
	OOM(s, op_sla_targets, NULL, READS);
	now_cell = later;
	OOM(s, op_sla_at_risk, NULL, READS);
	OOM(s, op_sla_breached, NULL, READS);
}

/* ---- surveys ---- */

static int op_survey_save(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_survey *sv = UNSET;
	size_t i;
	csvc_assert_ok(csvc_survey_new(&sv, "oom_survey"));
	csvc_assert_ok(csvc_survey_add_dimension(sv, "service", 1.0, "服务", "Service"));
	csvc_assert_ok(csvc_survey_add_question(sv, "q1", CSVC_QUESTION_LIKERT, "service", 1, "满意吗", "Happy?",
	                                        &i));
	csvc_assert_ok(csvc_survey_add_question(sv, "q2", CSVC_QUESTION_TEXT, NULL, 0, "意见", "Comments", &i));
	RESUME();
	int32_t v = -7;
	int rc = csvc_survey_save(s, sv, &v);
	if (rc)
		assert_int_equal(v, -7);
	PAUSE();
	csvc_survey_free(sv);
	RESUME();
	return rc;
}

static int op_survey_load(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_survey *sv = UNSET;
	int rc = csvc_survey_load(s, "post_resolution", 0, &sv);
	if (rc) {
		assert_ptr_equal(sv, UNSET);
		return rc;
	}
	csvc_survey_free(sv);
	return rc;
}

static int op_survey_invite(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_survey_context c = CSVC_SURVEY_CONTEXT_INIT;
	c.ticket = &fx.ticket2;
	c.method = CSVC_METHOD_RECEIPT_QR;
	char token[64] = "";
	int rc = csvc_survey_invite(s, "post_resolution", &c, token);
	if (rc)
		assert_string_equal(token, "");
	return rc;
}

static int op_survey_respond(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "response_speed", 5));
	csvc_assert_ok(csvc_survey_answers_score(a, "resolution_efficiency", 4));
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 4));
	csvc_assert_ok(csvc_survey_answers_text(a, "comment", "很好"));
	RESUME();
	csvc_uuid id = {{0}};
	int rc = csvc_survey_respond(s, fx.token, a, &id);
	if (rc)
		assert_true(csvc_uuid_is_nil(&id));
	PAUSE();
	csvc_survey_answers_free(a);
	RESUME();
	return rc;
}

static int op_survey_anonymous(csvc_store *s, void *ctx)
{
	(void)ctx;
	PAUSE();
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "recommend", 9));
	RESUME();
	csvc_survey_context c = CSVC_SURVEY_CONTEXT_INIT;
	c.store_code = "SH01";
	c.method = CSVC_METHOD_TILL;
	int rc = csvc_survey_respond_anonymous(s, "nps", &c, a, NULL);
	PAUSE();
	csvc_survey_answers_free(a);
	RESUME();
	return rc;
}

/* ---- the feed ---- */

static int op_feed_read(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_feed_iter *it = UNSET;
	int rc = csvc_feed_read(s, "oom", 20, &it);
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	const csvc_feed_entry *e;
	while (rc == CSVC_OK && csvc_feed_iter_next(it, &e) == CSVC_OK) {
		char *json = UNSET;
		rc = csvc_feed_entry_to_json(e, &json);
		if (rc)
			assert_ptr_equal(json, UNSET);
		else
			csvc_free(json);
	}
	csvc_feed_iter_free(it);
	return rc;
}

static int op_feed_ack(csvc_store *s, void *ctx)
{
	(void)ctx;
	return csvc_feed_ack(s, "oom", 3);
}

static int op_feed_consumers(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_feed_consumer_iter *it = UNSET;
	int rc = csvc_feed_consumer_iter_new(s, &it);
	if (rc) {
		assert_ptr_equal(it, UNSET);
		return rc;
	}
	const char *name;
	while (csvc_feed_consumer_iter_next(it, &name, NULL, NULL) == CSVC_OK)
		assert_non_null(name);
	csvc_feed_consumer_iter_free(it);
	return CSVC_OK;
}

static void test_feed(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	OOM(s, op_feed_read, NULL, READS | QUICK);
	OOM(s, op_feed_ack, NULL, QUICK);
	OOM(s, op_feed_consumers, NULL, READS);
}

static void test_surveys(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	OOM(s, op_survey_save, NULL, 0);
	OOM(s, op_survey_load, NULL, READS);
	OOM(s, op_survey_invite, NULL, 0);
	OOM(s, op_survey_respond, NULL, QUICK | WRITES_ONCE);
	OOM(s, op_survey_anonymous, NULL, 0);
}

/* ---- reports ---- */

static csvc_report_query week(void)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = now_cell - 60 * 86400 * CSVC_SECOND_US;
	q.to = now_cell + 86400 * CSVC_SECOND_US;
	q.group_by = CSVC_REPORT_BY_STORE;
	q.min_sample = 1;
	return q;
}

static int op_report_kpis(csvc_store *s, void *ctx)
{
	csvc_report_query q = week();
	if (ctx)
		q.group_by = *(int32_t *)ctx;
	csvc_report *r = UNSET;
	int rc = csvc_report_kpis(s, &q, &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_report_free(r);
	return rc;
}

static int op_report_scores(csvc_store *s, void *ctx)
{
	csvc_report_query q = week();
	if (ctx)
		q.group_by = *(int32_t *)ctx;
	csvc_report *r = UNSET;
	int rc = csvc_report_scores(s, &q, &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_report_free(r);
	return rc;
}

static int op_report_sla(csvc_store *s, void *ctx)
{
	(void)ctx;
	csvc_report_query q = week();
	csvc_report *r = UNSET;
	int rc = csvc_report_sla(s, &q, &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_report_free(r);
	r = UNSET;
	rc = csvc_report_state_times(s, &q, &r);
	if (rc) {
		assert_ptr_equal(r, UNSET);
		return rc;
	}
	csvc_report_free(r);
	return rc;
}

static int op_report_json(csvc_store *s, void *ctx)
{
	(void)s;
	char *text = UNSET;
	int rc = csvc_report_to_json(ctx, &text);
	if (rc) {
		assert_ptr_equal(text, UNSET);
		return rc;
	}
	csvc_free(text);
	return rc;
}

static void test_reports(void **state)
{
	(void)state;
	csvc_store *s = fx.s;
	/* Answers to report on. */
	assert_int_equal(op_survey_respond(s, NULL), CSVC_OK);
	assert_int_equal(op_survey_anonymous(s, NULL), CSVC_OK);
	csvc_assert_ok(csvc_ticket_transition(s, &fx.ticket, "analyse", 0, "op", NULL, NULL));
	OOM(s, op_report_kpis, NULL, READS);
	OOM(s, op_report_scores, NULL, READS | QUICK);
	static const int32_t groups[] = {CSVC_REPORT_BY_STAFF, CSVC_REPORT_BY_CHANNEL, CSVC_REPORT_BY_PERIOD};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		OOM(s, op_report_kpis, (void *)&groups[i], READS);
		OOM(s, op_report_scores, (void *)&groups[i], READS);
	}
	static const int32_t by_method = CSVC_REPORT_BY_METHOD;
	OOM(s, op_report_scores, (void *)&by_method, READS);
	OOM(s, op_report_sla, NULL, READS);
	csvc_report_query q = week();
	csvc_report *r = UNSET;
	csvc_assert_ok(csvc_report_kpis(s, &q, &r));
	OOM(NULL, op_report_json, r, QUICK);
	csvc_report_free(r);
}

/* ---- the allocator itself ---- */

static void test_set_allocator_rules(void **state)
{
	(void)state;
	/* The store of the fixture is open: the allocator cannot change. */
	csvc_assert_err(csvc_set_allocator(NULL), CSVC_ESTATE);
	csvc_allocator a = CSVC_ALLOCATOR_INIT;
	a.malloc = t_malloc;
	a.realloc = t_realloc;
	csvc_assert_err(csvc_set_allocator(&a), CSVC_EINVAL);
	a.free = t_free;
	a.version = CSVC_ALLOCATOR_VERSION + 1;
	csvc_assert_err(csvc_set_allocator(&a), CSVC_EINVAL);
	a.version = CSVC_ALLOCATOR_VERSION;
	csvc_assert_err(csvc_set_allocator(&a), CSVC_ESTATE);
	/* Text handed to the caller counts until csvc_free(). */
	csvc_calendar *cal = calendar();
	char *text = UNSET;
	csvc_assert_ok(csvc_calendar_to_json(cal, &text));
	csvc_calendar_free(cal);
	assert_true(live > 0);
	csvc_free(text);
}

int main(void)
{
	quick = getenv("CSVC_OOM_QUICK") && atoi(getenv("CSVC_OOM_QUICK"));
	csvc_allocator a = CSVC_ALLOCATOR_INIT;
	a.malloc = t_malloc;
	a.realloc = t_realloc;
	a.free = t_free;
	if (csvc_set_allocator(&a) != CSVC_OK) {
		fprintf(stderr, "csvc_set_allocator: %s\n", csvc_error_last()->message);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_allocator_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_defaults, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_customers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tickets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workflows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calendars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sla, setup, teardown),
		cmocka_unit_test_setup_teardown(test_surveys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed, setup, teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* Nothing is live any more: the default allocator can come back. */
	if (csvc_set_allocator(NULL) != CSVC_OK) {
		fprintf(stderr, "restoring the allocator: %s\n", csvc_error_last()->message);
		return 1;
	}
	return failed;
}
