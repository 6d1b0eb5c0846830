/*
 * Versioned public structs (docs/conventions.md "Versioned structs"): a
 * program built against older headers passes a smaller struct, and the
 * library must neither write nor read past it.
 *
 * Each struct is placed so that it ends exactly where a PROT_NONE page
 * begins: any byte the library reads or writes past the caller's version
 * faults at once, with or without ASan or valgrind. The `_init` calls are
 * also checked against a byte guard in a malloc'd block of exactly the
 * struct's size plus the guard.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csvc-test.h"

/* csvc_store_options as version 1 of the headers declared it (before
 * wal_size_limit was added in version 2). */
typedef struct store_options_v1 {
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
} store_options_v1;

/* Two pages: `size` bytes ending at the start of the second one, which is
 * PROT_NONE. The bytes are zero. */
typedef struct fenced {
	unsigned char *map;
	size_t page;
} fenced;

static void *fence_alloc(fenced *f, size_t size)
{
	f->page = (size_t)sysconf(_SC_PAGESIZE);
	assert_true(size <= f->page);
	f->map = mmap(NULL, 2 * f->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->map != MAP_FAILED);
	assert_int_equal(mprotect(f->map + f->page, f->page, PROT_NONE), 0);
	return f->map + f->page - size;
}

static void fence_free(fenced *f)
{
	munmap(f->map, 2 * f->page);
}

#define GUARD 64

/* `init(p, version)` on a block of `size` bytes followed by a guard: it
 * writes the version and leaves every guard byte as it was; version 0 and
 * a version newer than the library knows give CSVC_EINVAL and write
 * nothing at all. */
typedef int (*init_fn)(void *p, unsigned int version);

static void check_init(init_fn init, size_t size, unsigned int version, unsigned int newest)
{
	unsigned char *p = malloc(size + GUARD);
	assert_non_null(p);
	memset(p, 0xA5, size + GUARD);
	csvc_assert_err(init(p, 0), CSVC_EINVAL);
	csvc_assert_err(init(p, newest + 1), CSVC_EINVAL);
	for (size_t i = 0; i < size + GUARD; i++)
		assert_int_equal(p[i], 0xA5);
	csvc_assert_ok(init(p, version));
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	assert_int_equal(v, version);
	for (size_t i = size; i < size + GUARD; i++)
		assert_int_equal(p[i], 0xA5);
	free(p);

	/* The same against a PROT_NONE page right after the struct. */
	fenced f;
	p = fence_alloc(&f, size);
	csvc_assert_ok(init(p, version));
	fence_free(&f);
}

static int init_store_options(void *p, unsigned int v) { return csvc_store_options_init(p, v); }
static int init_customer_query(void *p, unsigned int v) { return csvc_customer_query_init(p, v); }
static int init_ticket_query(void *p, unsigned int v) { return csvc_ticket_query_init(p, v); }
static int init_calendar_options(void *p, unsigned int v) { return csvc_calendar_options_init(p, v); }
static int init_survey_context(void *p, unsigned int v) { return csvc_survey_context_init(p, v); }
static int init_report_query(void *p, unsigned int v) { return csvc_report_query_init(p, v); }
static int init_comment(void *p, unsigned int v) { return csvc_comment_init(p, v); }
static int init_sla_escalation(void *p, unsigned int v) { return csvc_sla_escalation_init(p, v); }
static int init_appraisal_form(void *p, unsigned int v) { return csvc_appraisal_form_init(p, v); }

static void test_init_writes_only_its_version(void **state)
{
	(void)state;
	/* Version 1 of csvc_store_options is smaller than the current one. */
	assert_true(sizeof(store_options_v1) < sizeof(csvc_store_options));
	check_init(init_store_options, sizeof(store_options_v1), 1, CSVC_STORE_OPTIONS_VERSION);
	check_init(init_store_options, sizeof(csvc_store_options), CSVC_STORE_OPTIONS_VERSION,
	           CSVC_STORE_OPTIONS_VERSION);
	check_init(init_customer_query, sizeof(csvc_customer_query), 1, CSVC_CUSTOMER_QUERY_VERSION);
	check_init(init_ticket_query, sizeof(csvc_ticket_query), 1, CSVC_TICKET_QUERY_VERSION);
	check_init(init_calendar_options, sizeof(csvc_calendar_options), 1, CSVC_CALENDAR_OPTIONS_VERSION);
	check_init(init_survey_context, sizeof(csvc_survey_context), 1, CSVC_SURVEY_CONTEXT_VERSION);
	check_init(init_report_query, sizeof(csvc_report_query), 1, CSVC_REPORT_QUERY_VERSION);
	check_init(init_comment, sizeof(csvc_comment), 1, CSVC_COMMENT_VERSION);
	check_init(init_sla_escalation, sizeof(csvc_sla_escalation), 1, CSVC_SLA_ESCALATION_VERSION);
	check_init(init_appraisal_form, sizeof(csvc_appraisal_form), 1, CSVC_APPRAISAL_FORM_VERSION);

	/* A version-1 store options struct gets the version-1 defaults. */
	store_options_v1 v1;
	memset(&v1, 0xA5, sizeof(v1));
	csvc_assert_ok(csvc_store_options_init((csvc_store_options *)(void *)&v1, 1));
	assert_int_equal(v1.version, 1);
	assert_null(v1.clock);
	assert_int_equal(v1.durability, 0);
	assert_null(v1.zoneinfo_dir);
	csvc_assert_err(csvc_store_options_init(NULL, 1), CSVC_EINVAL);
}

/* Opens a store with a version-1 options struct (0 and 1 in `version`):
 * nothing past it is read. A newer version is refused. */
static void test_store_open_reads_only_its_version(void **state)
{
	(void)state;
	for (uint32_t version = 0; version <= 1; version++) {
		fenced f;
		store_options_v1 *o = fence_alloc(&f, sizeof(*o));
		o->version = version;
		o->log_level = CSVC_LOG_ERROR;
		csvc_store *s = NULL;
		csvc_assert_ok(csvc_store_open(&s, ":memory:", (const csvc_store_options *)(void *)o));
		csvc_store_close(s);
		fence_free(&f);
	}
	/* Exactly malloc'd, for ASan and valgrind. */
	store_options_v1 *o = malloc(sizeof(*o));
	assert_non_null(o);
	csvc_assert_ok(csvc_store_options_init((csvc_store_options *)(void *)o, 1));
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, ":memory:", (const csvc_store_options *)(void *)o));
	csvc_store_close(s);
	s = NULL;
	o->version = CSVC_STORE_OPTIONS_VERSION + 1;
	csvc_assert_err(csvc_store_open(&s, ":memory:", (const csvc_store_options *)(void *)o), CSVC_EINVAL);
	assert_null(s);
	free(o);
	/* The current version still reads its version-2 field. */
	csvc_store_options cur;
	csvc_assert_ok(csvc_store_options_init(&cur, CSVC_STORE_OPTIONS_VERSION));
	cur.wal_size_limit = -1;
	csvc_assert_ok(csvc_store_open(&s, ":memory:", &cur));
	csvc_store_close(s);
}

/* Every other struct, version 0 (a zeroed struct, read as version 1) and
 * version 1, fenced; and a newer version refused. */
static void test_queries_and_contexts_read_only_their_version(void **state)
{
	(void)state;
	csvc_time_us now = 1700000000000000;
	csvc_store *s = csvc_test_store(&now);
	for (uint32_t version = 0; version <= 2; version++) {
		int expect = version <= 1 ? CSVC_OK : CSVC_EINVAL;
		fenced f;
		int64_t n = -1;

		csvc_customer_query *cq = fence_alloc(&f, sizeof(*cq));
		cq->version = version;
		assert_int_equal(csvc_customer_count(s, cq, &n), expect);
		fence_free(&f);

		csvc_ticket_query *tq = fence_alloc(&f, sizeof(*tq));
		tq->version = version;
		assert_int_equal(csvc_ticket_count(s, tq, &n), expect);
		fence_free(&f);

		csvc_report_query *rq = fence_alloc(&f, sizeof(*rq));
		rq->version = version;
		rq->from = now - 86400000000;
		rq->to = now;
		csvc_report *r = NULL;
		assert_int_equal(csvc_report_kpis(s, rq, &r), expect);
		csvc_report_free(r);
		fence_free(&f);

		/* Read whole: the survey is looked up only after the context is
		 * checked, so an unknown survey means the context passed. */
		csvc_survey_context *ctx = fence_alloc(&f, sizeof(*ctx));
		csvc_uuid customer = {{1}};
		ctx->version = version;
		ctx->customer = &customer;
		ctx->store_code = "SH01";
		ctx->method = CSVC_METHOD_TILL;
		char token[CSVC_SURVEY_TOKEN_LEN + 1];
		assert_int_equal(csvc_survey_invite(s, "no_such_survey", ctx, token),
		                 version <= 1 ? CSVC_ENOTFOUND : CSVC_EINVAL);
		fence_free(&f);

		csvc_tz *utc = NULL;
		csvc_assert_ok(csvc_tz_utc(&utc));
		csvc_calendar_options *co = fence_alloc(&f, sizeof(*co));
		co->version = version;
		co->tz = utc;
		static const char text[] = "{\"zone\": \"UTC\", \"versions\": [{\"week\": {}}]}";
		csvc_calendar *cal = NULL;
		assert_int_equal(csvc_calendar_parse(&cal, text, strlen(text), co), expect);
		assert_true((cal != NULL) == (expect == CSVC_OK));
		csvc_calendar_free(cal);
		fence_free(&f);
		csvc_tz_free(utc);

		csvc_civil_time *ct = fence_alloc(&f, sizeof(*ct));
		ct->version = version;
		assert_int_equal(csvc_civil_from_local(86400000000, ct), expect);
		if (expect == CSVC_OK) {
			assert_int_equal(ct->version, 1); /* 0 is read as 1 */
			assert_int_equal(ct->day, 2);
		}
		int64_t local = 0;
		assert_int_equal(csvc_civil_to_local(ct, &local), expect);
		if (expect == CSVC_OK)
			assert_int_equal(local, 86400000000);
		fence_free(&f);
	}
	csvc_store_close(s);
}

/* The argument structs of csvc_ticket_comment and csvc_sla_target_escalate. */
static void test_argument_structs_read_only_their_version(void **state)
{
	(void)state;
	csvc_time_us now = 1700000000000000;
	csvc_store *s = csvc_test_store(&now);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "a comment"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "store_counter"));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "u1", "员工"));
	csvc_assert_ok(csvc_staff_create(s, st, NULL));
	csvc_staff_free(st);
	csvc_sla_policy *p = NULL;
	csvc_assert_ok(csvc_sla_policy_new(&p, "escalating", 1));
	size_t target = 0;
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 3600000000, CSVC_SLA_CALENDAR_24X7, NULL, &target));
	for (uint32_t version = 0; version <= 2; version++) {
		int expect = version <= 1 ? CSVC_OK : CSVC_EINVAL;
		fenced f;
		csvc_comment *c = fence_alloc(&f, sizeof(*c));
		c->version = version;
		c->kind = CSVC_COMMENT_NOTE;
		c->body = "noted";
		c->actor = "clerk";
		int64_t revision = 0;
		assert_int_equal(csvc_ticket_comment(s, csvc_ticket_id(t), c, &revision), expect);
		assert_int_equal(revision, expect == CSVC_OK ? 2 + (int64_t)version : 0);
		fence_free(&f);

		csvc_sla_escalation *e = fence_alloc(&f, sizeof(*e));
		e->version = version;
		e->percent = 100;
		e->action = CSVC_SLA_ASSIGN;
		e->team = "supervisors";
		assert_int_equal(csvc_sla_target_escalate(p, target, e), expect);
		fence_free(&f);

		csvc_appraisal_form *af = fence_alloc(&f, sizeof(*af));
		memset(af, 0, sizeof(*af));
		af->version = version;
		af->staff = "u1";
		af->period = "2026";
		af->source = CSVC_APPRAISAL_CUSTOMER;
		af->teamwork = 4;
		assert_int_equal(csvc_appraisal_record(s, af, NULL, NULL), expect);
		fence_free(&f);
	}
	/* The action says which fields apply, and those must be given. */
	csvc_sla_escalation e = CSVC_SLA_ESCALATION_INIT;
	e.percent = 100;
	e.action = CSVC_SLA_RAISE_PRIORITY;
	csvc_assert_err(csvc_sla_target_escalate(p, target, &e), CSVC_EINVAL);
	e.priority = CSVC_PRIORITY_CRITICAL;
	csvc_assert_ok(csvc_sla_target_escalate(p, target, &e));
	e.action = CSVC_SLA_TRANSITION;
	csvc_assert_err(csvc_sla_target_escalate(p, target, &e), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_target_escalate(p, target, NULL), CSVC_EINVAL);
	csvc_comment c = CSVC_COMMENT_INIT;
	c.kind = CSVC_COMMENT_REPLY;
	csvc_assert_err(csvc_ticket_comment(s, csvc_ticket_id(t), &c, NULL), CSVC_EINVAL); /* no body */
	csvc_assert_err(csvc_ticket_comment(s, csvc_ticket_id(t), NULL, NULL), CSVC_EINVAL);
	csvc_sla_policy_free(p);
	csvc_ticket_free(t);
	csvc_assert_ok(csvc_store_close(s));
}

static void *a_malloc(size_t size, void *u) { (void)u; return malloc(size); }
static void *a_realloc(void *p, size_t size, void *u) { (void)u; return realloc(p, size); }
static void a_free(void *p, void *u) { (void)u; free(p); }

static void test_allocator_reads_only_its_version(void **state)
{
	(void)state;
	for (uint32_t version = 0; version <= 2; version++) {
		fenced f;
		csvc_allocator *a = fence_alloc(&f, sizeof(*a));
		a->version = version;
		a->malloc = a_malloc;
		a->realloc = a_realloc;
		a->free = a_free;
		assert_int_equal(csvc_set_allocator(a), version <= 1 ? CSVC_OK : CSVC_EINVAL);
		fence_free(&f);
		csvc_store *s = NULL; /* the copy is used after the struct is gone */
		csvc_assert_ok(csvc_store_open(&s, ":memory:", NULL));
		csvc_store_close(s);
		csvc_assert_ok(csvc_set_allocator(NULL));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_writes_only_its_version),
		cmocka_unit_test(test_store_open_reads_only_its_version),
		cmocka_unit_test(test_queries_and_contexts_read_only_their_version),
		cmocka_unit_test(test_argument_structs_read_only_their_version),
		cmocka_unit_test(test_allocator_reads_only_its_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
