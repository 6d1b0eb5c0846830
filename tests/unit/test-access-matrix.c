/*
 * The permission matrix: every public call that takes a store, run on a
 * store with access control on as each of the handbook's nine roles and
 * with no principal, against what docs/access.md says.
 *
 * The expectations are written out here from docs/access.md, never read
 * from the library: HANDBOOK is its table of the default roles, CALLS its
 * table of which call needs which permission ("principal only" for the
 * reads of definitions and of the directory, "not checked" for the calls
 * on the store itself). tests/abi/check-access-matrix.py fails when a
 * public call that takes a csvc_store is missing from CALLS.
 *
 * What a call acts on is made through a trusted handle on the same store
 * (`t`), fresh for each allowed case, so that an allowed call can really
 * succeed: it must return success. A denied call must return CSVC_EACCESS
 * and leave the store as it was, compared row by row (store-dump.h).
 * Disagreements are all listed before the test fails. Runs on SQLite and,
 * as pg-access-matrix, on PostgreSQL.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"
#include "test-data.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */
#define HOUR (3600 * CSVC_SECOND_US)
#define DAY (24 * HOUR)

/* A call whose result is not a status returned something else than it
 * should (a run function prints what). */
#define WRONG_RESULT (-9999)

/* The message of a refusal that a later call of the same run function
 * cleared from the error record; empty when the record still holds it. */
static char saved_message[512];

/* ------------------------------------------------------------------ */
/* The oracle, from docs/access.md                                     */
/* ------------------------------------------------------------------ */

#define PERM(p) (1u << CSVC_PERM_##p)

/* The permissions' names, for messages only. */
static const char *const PERM_NAMES[] = {
	NULL,
	"customer_read_contacts",
	"customer_read_profile",
	"customer_search",
	"customer_export",
	"customer_merge",
	"customer_erase",
	"customer_write",
	"ticket_read",
	"ticket_create",
	"ticket_update",
	"ticket_transition",
	"ticket_assign",
	"definitions_manage",
	"staff_manage",
	"reports_read",
	"audit_read",
	"survey_record",
	"store_maintain",
	"staff_appraise",
};

/* "The handbook's roles", as docs/access.md lists them ("those of
 * service_agent" and "those of specialist" spelt out). */
static const struct handbook_role {
	const char *role;
	unsigned perms;
} HANDBOOK[] = {
	{"receptionist", PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) | PERM(CUSTOMER_WRITE) | PERM(TICKET_READ) |
	                         PERM(TICKET_CREATE) | PERM(TICKET_UPDATE) | PERM(SURVEY_RECORD)},
	{"cashier", PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) | PERM(CUSTOMER_WRITE) | PERM(TICKET_READ) |
	                    PERM(TICKET_CREATE) | PERM(SURVEY_RECORD)},
	{"guide", PERM(CUSTOMER_READ_PROFILE) | PERM(TICKET_READ) | PERM(TICKET_CREATE)},
	{"service_agent", PERM(CUSTOMER_READ_CONTACTS) | PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) |
	                          PERM(CUSTOMER_WRITE) | PERM(TICKET_READ) | PERM(TICKET_CREATE) | PERM(TICKET_UPDATE) |
	                          PERM(TICKET_TRANSITION) | PERM(SURVEY_RECORD)},
	{"specialist", PERM(CUSTOMER_READ_CONTACTS) | PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) |
	                       PERM(CUSTOMER_WRITE) | PERM(TICKET_READ) | PERM(TICKET_CREATE) | PERM(TICKET_UPDATE) |
	                       PERM(TICKET_TRANSITION) | PERM(SURVEY_RECORD) | PERM(TICKET_ASSIGN) | PERM(CUSTOMER_MERGE)},
	{"supervisor", PERM(CUSTOMER_READ_CONTACTS) | PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) |
	                       PERM(CUSTOMER_WRITE) | PERM(TICKET_READ) | PERM(TICKET_CREATE) | PERM(TICKET_UPDATE) |
	                       PERM(TICKET_TRANSITION) | PERM(SURVEY_RECORD) | PERM(TICKET_ASSIGN) |
	                       PERM(CUSTOMER_MERGE) | PERM(REPORTS_READ) | PERM(CUSTOMER_EXPORT) | PERM(STAFF_APPRAISE)},
	{"security_officer", PERM(CUSTOMER_READ_PROFILE) | PERM(TICKET_READ) | PERM(TICKET_CREATE) | PERM(TICKET_UPDATE)},
	{"auditor", PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) | PERM(TICKET_READ) | PERM(REPORTS_READ) |
	                    PERM(AUDIT_READ)},
	{"data_admin", PERM(CUSTOMER_READ_CONTACTS) | PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH) |
	                       PERM(CUSTOMER_EXPORT) | PERM(CUSTOMER_MERGE) | PERM(CUSTOMER_ERASE) | PERM(TICKET_READ) |
	                       PERM(DEFINITIONS_MANAGE) | PERM(STAFF_MANAGE) | PERM(REPORTS_READ) | PERM(AUDIT_READ) |
	                       PERM(STORE_MAINTAIN) | PERM(STAFF_APPRAISE)},
};
#define N_ROLES (sizeof(HANDBOOK) / sizeof(HANDBOOK[0]))
/* Case 0 runs with no principal, case 1 + i as HANDBOOK[i]'s holder. */
#define N_PRINCIPALS (N_ROLES + 1)

/* What a call needs. */
typedef enum need_kind {
	NOT_CHECKED,    /* calls on the store itself */
	PRINCIPAL_ONLY, /* reads of definitions and the directory */
	PERMISSIONS     /* every permission of `perms` */
} need_kind;

typedef struct fx fx;

typedef struct call {
	const char *name;
	need_kind need;
	unsigned perms;
	/* Makes what the call acts on, through the trusted handle; may be NULL. */
	void (*prepare)(fx *f);
	/* Makes the call through the access-controlled handle and frees what
	 * it returned. */
	int (*run)(fx *f);
	/* Principals ("guide", "none") for whom the library disagrees with
	 * docs/access.md: their expectation is flipped so that the test
	 * passes until one side is fixed. Each use carries a FIXME. */
	const char *flip;
} call;

#define NONE NOT_CHECKED, 0
#define PRINCIPAL PRINCIPAL_ONLY, 0
#define NEEDS(p) PERMISSIONS, (p)

/* ------------------------------------------------------------------ */
/* The store and the fixtures                                          */
/* ------------------------------------------------------------------ */

static csvc_time_us now_cell;

static struct env {
	char dir[64], path[96];
	csvc_store_options opts;
	csvc_store *t; /* trusted: prepares */
	csvc_store *a; /* access control on: makes the calls */
	int principal; /* 0: none, else 1 + index in HANDBOOK */
	unsigned serial; /* makes fixture names unique */
	/* Read by the calls that only read. */
	csvc_ticket *ticket;     /* of SH01 */
	csvc_customer *customer; /* of SH01, with contacts */
	csvc_uuid staff_id;
	unsigned char *zone; /* TZif bytes of Asia/Shanghai */
	size_t zone_len;
} E;

/* The staff code of principal `p`, which holds the one role it is named after. */
static const char *staff_code(int p, char *buf, size_t n)
{
	if (p == 0)
		return NULL;
	snprintf(buf, n, "st_%s", HANDBOOK[p - 1].role);
	return buf;
}

static const char *principal_label(int p)
{
	return p == 0 ? "none" : HANDBOOK[p - 1].role;
}

/* What a call acts on, made fresh (through `t`) for each allowed case. */
struct fx {
	char name[48]; /* unique: definitions, consumers, codes */
	csvc_ticket *ticket[2];
	csvc_customer *customer[2];
	csvc_role *role;
	csvc_route_rule *rule;
	csvc_staff *staff;
	csvc_team *team;
	csvc_calendar *calendar;
	csvc_workflow *workflow;
	csvc_sla_policy *policy;
	csvc_survey *survey;
	csvc_queue *queue;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	int64_t head;
	int32_t priority;
};

static void fx_clear(fx *f)
{
	for (int i = 0; i < 2; i++) {
		csvc_ticket_free(f->ticket[i]);
		csvc_customer_free(f->customer[i]);
	}
	csvc_role_free(f->role);
	csvc_route_rule_free(f->rule);
	csvc_staff_free(f->staff);
	csvc_team_free(f->team);
	csvc_calendar_free(f->calendar);
	csvc_workflow_free(f->workflow);
	csvc_sla_policy_free(f->policy);
	csvc_survey_free(f->survey);
	csvc_queue_free(f->queue);
	memset(f, 0, sizeof(*f));
}

static void unique(fx *f, const char *prefix)
{
	snprintf(f->name, sizeof(f->name), "%s_%u", prefix, ++E.serial);
}

static csvc_ticket *draft_ticket(void)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退货"));
	return t;
}

static csvc_ticket *new_ticket(void)
{
	csvc_ticket *t = draft_ticket();
	csvc_assert_ok(csvc_ticket_create(E.t, t, "setup"));
	return t;
}

/* A draft customer of SH01 with a phone, an e-mail and a member number
 * of its own. */
static csvc_customer *draft_customer(void)
{
	unsigned n = ++E.serial;
	char phone[32], email[64], member[32];
	snprintf(phone, sizeof(phone), "139 0000 %04u", n % 10000);
	snprintf(email, sizeof(email), "c%u@example.com", n);
	snprintf(member, sizeof(member), "M%u", n);
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "张三"));
	csvc_assert_ok(csvc_customer_set_home_store(c, "SH01"));
	csvc_assert_ok(csvc_customer_add_phone(c, phone));
	csvc_assert_ok(csvc_customer_add_email(c, email));
	csvc_assert_ok(csvc_customer_add_external_id(c, "member", member));
	return c;
}

static csvc_customer *new_customer(void)
{
	csvc_customer *c = draft_customer();
	csvc_assert_ok(csvc_customer_create(E.t, c, "setup"));
	return c;
}

static const char CALENDAR_JSON[] = "{\"zone\":\"UTC\",\"versions\":[{\"week\":{\"mon\":[\"09:00-18:00\"]}}]}";

static csvc_calendar *parse_calendar(void)
{
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, CALENDAR_JSON, strlen(CALENDAR_JSON), NULL));
	return cal;
}

/* A policy for store SH07, where no ticket is: saving it changes no
 * other case's ticket. */
static csvc_sla_policy *sh07_policy(const char *name)
{
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, name, 0));
	csvc_assert_ok(csvc_sla_policy_match_store(p, "SH07"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "answer", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	return p;
}

static csvc_workflow *two_state_workflow(const char *name)
{
	csvc_workflow *wf = NULL;
	csvc_assert_ok(csvc_workflow_new(&wf, name));
	csvc_assert_ok(csvc_workflow_add_state(wf, "new", CSVC_STATE_NEW, "新建", "New"));
	csvc_assert_ok(csvc_workflow_add_state(wf, "done", CSVC_STATE_CLOSED, "完成", "Done"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "finish", "new", "done"));
	return wf;
}

static csvc_report_query report_query(void)
{
	csvc_report_query q;
	csvc_assert_ok(csvc_report_query_init(&q, CSVC_REPORT_QUERY_VERSION));
	q.from = T0 - 30 * DAY;
	q.to = T0 + 30 * DAY;
	return q;
}

static int feed_cb(const csvc_feed_entry *entry, void *userdata)
{
	(void)entry;
	(void)userdata;
	return 0;
}

static int alarm_cb(const csvc_sla_alarm *alarm, void *userdata)
{
	(void)alarm;
	(void)userdata;
	return 0;
}

static void change_cb(const csvc_event *ev, void *userdata)
{
	(void)ev;
	(void)userdata;
}

/* ------------------------------------------------------------------ */
/* The calls: access.h                                                 */
/* ------------------------------------------------------------------ */

static void prep_role_draft(fx *f)
{
	unique(f, "mx_role");
	csvc_assert_ok(csvc_role_new(&f->role, f->name, "测试角色", CSVC_ROLE_SCOPE_STORE));
}

static int run_role_create(fx *f)
{
	return csvc_role_create(E.a, f->role, NULL);
}

static void prep_role_saved(fx *f)
{
	prep_role_draft(f);
	csvc_assert_ok(csvc_role_create(E.t, f->role, "setup"));
	csvc_assert_ok(csvc_role_set_name(f->role, "改名"));
}

static int run_role_update(fx *f)
{
	return csvc_role_update(E.a, f->role, NULL);
}

static int run_role_get(fx *f)
{
	(void)f;
	csvc_role *r = NULL;
	int rc = csvc_role_get(E.a, "guide", &r);
	csvc_role_free(r);
	return rc;
}

static int run_role_list(fx *f)
{
	(void)f;
	csvc_role **roles = NULL;
	size_t n = 0;
	int rc = csvc_role_list(E.a, &roles, &n);
	csvc_role_list_free(roles, n);
	return rc;
}

static int run_role_install_defaults(fx *f)
{
	(void)f;
	return csvc_role_install_defaults(E.a);
}

static int run_store_access_control(fx *f)
{
	(void)f;
	return csvc_store_access_control(E.a) == 1 ? CSVC_OK : WRONG_RESULT;
}

static int run_store_set_principal(fx *f)
{
	(void)f;
	char buf[80];
	/* Sets the principal the case runs as again (none: clears it). */
	return csvc_store_set_principal(E.a, staff_code(E.principal, buf, sizeof(buf)));
}

static int run_store_principal(fx *f)
{
	(void)f;
	char buf[80];
	const char *want = staff_code(E.principal, buf, sizeof(buf));
	const char *got = csvc_store_principal(E.a);
	if (want ? got && strcmp(got, want) == 0 : got == NULL)
		return CSVC_OK;
	print_error("csvc_store_principal: \"%s\", expected \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
	return WRONG_RESULT;
}

/* csvc_store_allows answers for every permission as the handbook's table
 * says the principal holds it. */
static int run_store_allows(fx *f)
{
	(void)f;
	unsigned held = E.principal ? HANDBOOK[E.principal - 1].perms : 0;
	int rc = CSVC_OK;
	for (int p = 1; p <= CSVC_PERM_MAX; p++) {
		int want = (held & (1u << p)) != 0;
		int got = csvc_store_allows(E.a, (csvc_permission_t)p);
		if (got != want) {
			print_error("csvc_store_allows(%s) as %s: %d, expected %d\n", PERM_NAMES[p],
			            principal_label(E.principal), got, want);
			rc = WRONG_RESULT;
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* calendar.h                                                          */
/* ------------------------------------------------------------------ */

static void prep_calendar_draft(fx *f)
{
	unique(f, "mx_cal");
	f->calendar = parse_calendar();
}

static int run_calendar_save(fx *f)
{
	return csvc_calendar_save(E.a, f->name, f->calendar);
}

static int run_calendar_load(fx *f)
{
	(void)f;
	csvc_calendar *cal = NULL;
	int rc = csvc_calendar_load(E.a, "mx_cal", NULL, &cal);
	csvc_calendar_free(cal);
	return rc;
}

static int run_calendar_info(fx *f)
{
	(void)f;
	csvc_uuid id;
	csvc_time_us created = 0, updated = 0;
	return csvc_calendar_info(E.a, "mx_cal", &id, &created, &updated);
}

static void prep_calendar_saved(fx *f)
{
	prep_calendar_draft(f);
	csvc_assert_ok(csvc_calendar_save(E.t, f->name, f->calendar));
}

static int run_calendar_delete(fx *f)
{
	return csvc_calendar_delete(E.a, f->name);
}

static int run_calendar_list(fx *f)
{
	(void)f;
	char **names = NULL;
	size_t n = 0;
	int rc = csvc_calendar_list(E.a, &names, &n);
	csvc_free(names);
	return rc;
}

/* SH09 is the store code the calendar and zone writes change; SH08 the
 * one the reads read (a calendar and a zone, set up once). */
static int run_calendar_attach(fx *f)
{
	(void)f;
	return csvc_calendar_attach(E.a, "SH09", "mx_cal");
}

static void prep_sh09_attached(fx *f)
{
	(void)f;
	csvc_assert_ok(csvc_calendar_attach(E.t, "SH09", "mx_cal"));
}

static int run_calendar_detach(fx *f)
{
	(void)f;
	return csvc_calendar_detach(E.a, "SH09");
}

static int run_calendar_name_for_store(fx *f)
{
	(void)f;
	char *name = NULL;
	int rc = csvc_calendar_name_for_store(E.a, "SH08", &name);
	csvc_free(name);
	return rc;
}

static int run_calendar_for_store(fx *f)
{
	(void)f;
	csvc_calendar *cal = NULL;
	int rc = csvc_calendar_for_store(E.a, "SH08", NULL, &cal);
	csvc_calendar_free(cal);
	return rc;
}

static int run_calendar_add_zone(fx *f)
{
	(void)f;
	return csvc_calendar_add_zone(E.a, "Asia/Shanghai", E.zone, E.zone_len);
}

static int run_calendar_set_store_zone(fx *f)
{
	(void)f;
	return csvc_calendar_set_store_zone(E.a, "SH09", "+08:00");
}

static void prep_sh09_zone(fx *f)
{
	(void)f;
	csvc_assert_ok(csvc_calendar_set_store_zone(E.t, "SH09", "+08:00"));
}

static int run_calendar_clear_store_zone(fx *f)
{
	(void)f;
	return csvc_calendar_clear_store_zone(E.a, "SH09");
}

static int run_calendar_store_zone(fx *f)
{
	(void)f;
	char *zone = NULL;
	int rc = csvc_calendar_store_zone(E.a, "SH08", &zone);
	csvc_free(zone);
	return rc;
}

static int run_calendar_set_default_zone(fx *f)
{
	(void)f;
	return csvc_calendar_set_default_zone(E.a, "UTC");
}

static void prep_default_zone(fx *f)
{
	(void)f;
	csvc_assert_ok(csvc_calendar_set_default_zone(E.t, "UTC"));
}

static int run_calendar_clear_default_zone(fx *f)
{
	(void)f;
	return csvc_calendar_clear_default_zone(E.a);
}

static int run_calendar_default_zone(fx *f)
{
	(void)f;
	char *zone = NULL;
	int rc = csvc_calendar_default_zone(E.a, &zone);
	csvc_free(zone);
	return rc;
}

static int run_calendar_tz_for_store(fx *f)
{
	(void)f;
	csvc_tz *tz = NULL;
	int32_t source = 0;
	int rc = csvc_calendar_tz_for_store(E.a, "SH08", &tz, &source);
	csvc_tz_free(tz);
	return rc;
}

/* ------------------------------------------------------------------ */
/* customer.h                                                          */
/* ------------------------------------------------------------------ */

static void prep_customer_draft(fx *f)
{
	f->customer[0] = draft_customer();
}

static int run_customer_create(fx *f)
{
	return csvc_customer_create(E.a, f->customer[0], NULL);
}

/* Read through the trusted handle: unmasked, so that saving it is not
 * refused for its stars (masking is test-access's). */
static void prep_customer_changed(fx *f)
{
	f->customer[0] = new_customer();
	csvc_assert_ok(csvc_customer_set_name(f->customer[0], "改名"));
}

static int run_customer_update(fx *f)
{
	return csvc_customer_update(E.a, f->customer[0], NULL);
}

/* A marketing consent of E.customer (SH01), given. */
static int run_consent_record(fx *f)
{
	(void)f;
	csvc_consent_form form = CSVC_CONSENT_FORM_INIT;
	form.customer = csvc_customer_id(E.customer);
	form.purpose = CSVC_CONSENT_MARKETING;
	form.state = CSVC_CONSENT_GIVEN;
	form.channel = "counter";
	return csvc_consent_record(E.a, &form, NULL);
}

static int run_consent_current(fx *f)
{
	(void)f;
	int32_t v = 0;
	return csvc_consent_current(E.a, csvc_customer_id(E.customer), CSVC_CONSENT_SURVEY, &v);
}

static int run_consent_history(fx *f)
{
	(void)f;
	csvc_consent **list = NULL;
	size_t n = 0;
	int rc = csvc_consent_history(E.a, csvc_customer_id(E.customer), &list, &n);
	csvc_consent_list_free(list, n);
	return rc;
}

static int run_customer_export(fx *f)
{
	(void)f;
	char *doc = NULL;
	int rc = csvc_customer_export(E.a, csvc_customer_id(E.customer), &doc);
	csvc_free(doc);
	return rc;
}

static int run_customer_get(fx *f)
{
	(void)f;
	csvc_customer *c = NULL;
	int rc = csvc_customer_get(E.a, csvc_customer_id(E.customer), &c);
	csvc_customer_free(c);
	return rc;
}

static int run_customer_find_by_phone(fx *f)
{
	(void)f;
	csvc_customer *c = NULL;
	int rc = csvc_customer_find_by_phone(E.a, csvc_customer_phone(E.customer, 0), &c);
	csvc_customer_free(c);
	return rc;
}

static int run_customer_find_by_email(fx *f)
{
	(void)f;
	csvc_customer *c = NULL;
	int rc = csvc_customer_find_by_email(E.a, csvc_customer_email(E.customer, 0), &c);
	csvc_customer_free(c);
	return rc;
}

static int run_customer_find_by_external_id(fx *f)
{
	(void)f;
	const char *kind = NULL, *value = NULL;
	csvc_assert_ok(csvc_customer_external_id_at(E.customer, 0, &kind, &value));
	csvc_customer *c = NULL;
	int rc = csvc_customer_find_by_external_id(E.a, kind, value, &c);
	csvc_customer_free(c);
	return rc;
}

static int run_customer_iter_new(fx *f)
{
	(void)f;
	csvc_customer_iter *it = NULL;
	int rc = csvc_customer_iter_new(E.a, NULL, &it);
	csvc_customer_iter_free(it);
	return rc;
}

static int run_customer_count(fx *f)
{
	(void)f;
	int64_t n = 0;
	return csvc_customer_count(E.a, NULL, &n);
}

static void prep_two_customers(fx *f)
{
	f->customer[0] = new_customer();
	f->customer[1] = new_customer();
}

static int run_customer_merge(fx *f)
{
	csvc_merge_report *report = NULL;
	int rc = csvc_customer_merge(E.a, csvc_customer_id(f->customer[0]), csvc_customer_id(f->customer[1]), NULL,
	                             &report);
	csvc_merge_report_free(report);
	return rc;
}

static void prep_customer(fx *f)
{
	f->customer[0] = new_customer();
}

static int run_customer_erase(fx *f)
{
	return csvc_customer_erase(E.a, csvc_customer_id(f->customer[0]), NULL);
}

static int run_customer_scrub(fx *f)
{
	(void)f;
	return csvc_customer_scrub(E.a);
}

static int run_customer_scrub_pending(fx *f)
{
	(void)f;
	csvc_time_us since = 0;
	return csvc_customer_scrub_pending(E.a, &since);
}

/* ------------------------------------------------------------------ */
/* feed.h                                                              */
/* ------------------------------------------------------------------ */

static int run_feed_head(fx *f)
{
	(void)f;
	int64_t head = 0;
	return csvc_feed_head(E.a, &head);
}

static int run_feed_read(fx *f)
{
	(void)f;
	csvc_feed_iter *it = NULL;
	int rc = csvc_feed_read(E.a, "mx_consumer", 10, &it);
	csvc_feed_iter_free(it);
	return rc;
}

static int run_feed_after(fx *f)
{
	(void)f;
	csvc_feed_iter *it = NULL;
	int rc = csvc_feed_after(E.a, 0, 10, &it);
	csvc_feed_iter_free(it);
	return rc;
}

/* A consumer of its own at position 0, and the feed's head. */
static void prep_consumer(fx *f)
{
	unique(f, "mx_consumer");
	csvc_assert_ok(csvc_feed_reset(E.t, f->name, 0));
	csvc_assert_ok(csvc_feed_head(E.t, &f->head));
	assert_true(f->head > 0);
}

static int run_feed_ack(fx *f)
{
	return csvc_feed_ack(E.a, f->name, f->head);
}

static int run_feed_reset(fx *f)
{
	return csvc_feed_reset(E.a, f->name, f->head);
}

static int run_feed_delete(fx *f)
{
	return csvc_feed_delete(E.a, f->name);
}

static int run_feed_consumer_get(fx *f)
{
	(void)f;
	int64_t position = 0, lag = 0;
	return csvc_feed_consumer_get(E.a, "mx_consumer", &position, &lag);
}

static int run_feed_consumer_iter_new(fx *f)
{
	(void)f;
	csvc_feed_consumer_iter *it = NULL;
	int rc = csvc_feed_consumer_iter_new(E.a, &it);
	csvc_feed_consumer_iter_free(it);
	return rc;
}

static int run_feed_wait(fx *f)
{
	(void)f;
	int64_t head = 0;
	/* The feed is not empty: 1 at once. */
	int rc = csvc_feed_wait(E.a, 0, 0, &head);
	return rc == 1 ? CSVC_OK : rc;
}

/* A subscriber, removed again at once (by the principal that subscribed
 * it) so that later cases' commits deliver nothing. */
static int run_feed_subscribe(fx *f)
{
	(void)f;
	int rc = csvc_feed_subscribe(E.a, "mx_subscriber", feed_cb, NULL);
	if (rc == CSVC_OK)
		csvc_assert_ok(csvc_feed_subscribe(E.a, "mx_subscriber", NULL, NULL));
	return rc;
}

static int run_feed_deliver(fx *f)
{
	(void)f;
	int64_t delivered = 0;
	return csvc_feed_deliver(E.a, &delivered);
}

/* ------------------------------------------------------------------ */
/* report.h                                                            */
/* ------------------------------------------------------------------ */

typedef int (*report_fn)(csvc_store *, const csvc_report_query *, csvc_report **);

static int run_report(report_fn fn)
{
	csvc_report_query q = report_query();
	csvc_report *r = NULL;
	int rc = fn(E.a, &q, &r);
	csvc_report_free(r);
	return rc;
}

static int run_report_scores(fx *f)
{
	(void)f;
	return run_report(csvc_report_scores);
}

static int run_report_kpis(fx *f)
{
	(void)f;
	return run_report(csvc_report_kpis);
}

static int run_report_sla(fx *f)
{
	(void)f;
	return run_report(csvc_report_sla);
}

static int run_report_state_times(fx *f)
{
	(void)f;
	return run_report(csvc_report_state_times);
}

static int run_report_staff(fx *f)
{
	(void)f;
	csvc_report_query q = report_query();
	/* st_data_admin's own report would be allowed anyway (reports_read). */
	q.staff = "st_data_admin";
	csvc_report *r = NULL;
	int rc = csvc_report_staff(E.a, &q, &r);
	csvc_report_free(r);
	return rc;
}

static int run_report_record_transactions(fx *f)
{
	(void)f;
	/* A count of its own, so that an allowed call writes. */
	return csvc_report_record_transactions(E.a, "SH01", 20260101, 100 + ++E.serial);
}

static int run_report_dashboard_html(fx *f)
{
	(void)f;
	csvc_report_dashboard_options o;
	csvc_assert_ok(csvc_report_dashboard_options_init(&o, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION));
	o.from = T0 - 30 * DAY;
	o.to = T0 + 30 * DAY;
	char *html = NULL;
	int rc = csvc_report_dashboard_html(E.a, &o, &html);
	csvc_free(html);
	return rc;
}

/* ------------------------------------------------------------------ */
/* sla.h                                                               */
/* ------------------------------------------------------------------ */

static void prep_policy_draft(fx *f)
{
	unique(f, "mx_policy");
	f->policy = sh07_policy(f->name);
}

static int run_sla_policy_save(fx *f)
{
	int32_t version = 0;
	return csvc_sla_policy_save(E.a, f->policy, &version);
}

static int run_sla_policy_load(fx *f)
{
	(void)f;
	csvc_sla_policy *p = NULL;
	int rc = csvc_sla_policy_load(E.a, "mx_policy", 0, &p);
	csvc_sla_policy_free(p);
	return rc;
}

static void prep_policy_saved(fx *f)
{
	prep_policy_draft(f);
	csvc_assert_ok(csvc_sla_policy_save(E.t, f->policy, NULL));
}

static int run_sla_policy_retire(fx *f)
{
	return csvc_sla_policy_retire(E.a, f->name);
}

static int run_sla_install_defaults(fx *f)
{
	(void)f;
	return csvc_sla_install_defaults(E.a);
}

static int run_sla_ticket_targets(fx *f)
{
	(void)f;
	csvc_sla_iter *it = NULL;
	int rc = csvc_sla_ticket_targets(E.a, csvc_ticket_id(E.ticket), &it);
	csvc_sla_iter_free(it);
	return rc;
}

static int run_sla_at_risk(fx *f)
{
	(void)f;
	csvc_sla_iter *it = NULL;
	int rc = csvc_sla_at_risk(E.a, 10, &it);
	csvc_sla_iter_free(it);
	return rc;
}

static int run_sla_breached(fx *f)
{
	(void)f;
	csvc_sla_iter *it = NULL;
	int rc = csvc_sla_breached(E.a, 10, &it);
	csvc_sla_iter_free(it);
	return rc;
}

/* As run_feed_subscribe. */
static int run_sla_subscribe(fx *f)
{
	(void)f;
	int rc = csvc_sla_subscribe(E.a, "mx_alarms", alarm_cb, NULL);
	if (rc == CSVC_OK)
		csvc_assert_ok(csvc_sla_subscribe(E.a, "mx_alarms", NULL, NULL));
	return rc;
}

static int run_sla_advance(fx *f)
{
	(void)f;
	int64_t emitted = 0;
	return csvc_sla_advance(E.a, now_cell, NULL, NULL, &emitted);
}

static int run_sla_next_wakeup(fx *f)
{
	(void)f;
	csvc_time_us at = 0;
	return csvc_sla_next_wakeup(E.a, &at);
}

static void prep_ticket(fx *f)
{
	f->ticket[0] = new_ticket();
}

static int run_sla_rematch(fx *f)
{
	int moved = 0;
	return csvc_sla_rematch(E.a, csvc_ticket_id(f->ticket[0]), &moved);
}

static int run_sla_recompute(fx *f)
{
	int equal = 0;
	return csvc_sla_recompute(E.a, csvc_ticket_id(f->ticket[0]), 0, &equal);
}

/* ------------------------------------------------------------------ */
/* route.h                                                             */
/* ------------------------------------------------------------------ */

/* Inactive: a draft rule routes nothing once saved. */
static void prep_rule_draft(fx *f)
{
	unique(f, "mx_rule");
	csvc_assert_ok(csvc_route_rule_new(&f->rule, f->name, "consult", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_active(f->rule, 0));
}

static int run_route_rule_create(fx *f)
{
	return csvc_route_rule_create(E.a, f->rule, NULL);
}

static void prep_rule_saved(fx *f)
{
	prep_rule_draft(f);
	csvc_assert_ok(csvc_route_rule_create(E.t, f->rule, "setup"));
	csvc_assert_ok(csvc_route_rule_set_position(f->rule, 7));
}

static int run_route_rule_update(fx *f)
{
	return csvc_route_rule_update(E.a, f->rule, NULL);
}

static int run_route_rule_get(fx *f)
{
	(void)f;
	csvc_route_rule *r = NULL;
	int rc = csvc_route_rule_get(E.a, "mx_suggestions", &r);
	csvc_route_rule_free(r);
	return rc;
}

static int run_route_rule_list(fx *f)
{
	(void)f;
	csvc_route_rule **rules = NULL;
	size_t n = 0;
	int rc = csvc_route_rule_list(E.a, &rules, &n);
	csvc_route_rule_list_free(rules, n);
	return rc;
}

static int run_route_install_defaults(fx *f)
{
	(void)f;
	return csvc_route_install_defaults(E.a);
}

/* A suggestion of SH01: the group's rule "mx_suggestions" routes those. */
static void prep_suggestion(fx *f)
{
	csvc_assert_ok(csvc_ticket_new(&f->ticket[0], "suggestion", "SH01"));
	csvc_assert_ok(csvc_ticket_set_assignee(f->ticket[0], "st_guide", NULL));
	csvc_assert_ok(csvc_ticket_create(E.t, f->ticket[0], "setup"));
}

static int run_ticket_route(fx *f)
{
	return csvc_ticket_route(E.a, csvc_ticket_id(f->ticket[0]), 0, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* staff.h                                                             */
/* ------------------------------------------------------------------ */

/* Staff references: each allowed run turns them off again through the
 * trusted handle, so that the calls after it record free text as before. */
static int run_staff_references(fx *f)
{
	(void)f;
	int rc = csvc_staff_references(E.a);
	return rc < 0 ? rc : CSVC_OK;
}

static int run_staff_set_references(fx *f)
{
	(void)f;
	int rc = csvc_staff_set_references(E.a, 1, NULL);
	if (rc == CSVC_OK)
		csvc_assert_ok(csvc_staff_set_references(E.t, 0, NULL));
	return rc;
}

static int run_staff_adopt(fx *f)
{
	(void)f;
	int64_t ns = 0, nt = 0;
	int rc = csvc_staff_adopt(E.a, NULL, &ns, &nt);
	if (rc == CSVC_OK)
		csvc_assert_ok(csvc_staff_set_references(E.t, 0, NULL));
	return rc;
}

static void prep_staff_draft(fx *f)
{
	unique(f, "mx_staff");
	csvc_assert_ok(csvc_staff_new(&f->staff, f->name, "测试员工"));
	csvc_assert_ok(csvc_staff_set_home_store(f->staff, "SH01"));
}

static int run_staff_create(fx *f)
{
	return csvc_staff_create(E.a, f->staff, NULL);
}

static void prep_staff_saved(fx *f)
{
	prep_staff_draft(f);
	csvc_assert_ok(csvc_staff_create(E.t, f->staff, "setup"));
	csvc_assert_ok(csvc_staff_set_name(f->staff, "改名"));
}

static int run_staff_update(fx *f)
{
	return csvc_staff_update(E.a, f->staff, NULL);
}

/* A supervisor's appraisal of st_guide, rated by the principal. */
static int run_appraisal_record(fx *f)
{
	(void)f;
	csvc_appraisal_form form;
	csvc_assert_ok(csvc_appraisal_form_init(&form, CSVC_APPRAISAL_FORM_VERSION));
	form.staff = "st_guide";
	form.period = "2026-Q1";
	form.source = CSVC_APPRAISAL_SUPERVISOR;
	form.efficiency = 4;
	return csvc_appraisal_record(E.a, &form, NULL, NULL);
}

/* Of st_data_admin, whose own reads would be allowed anyway: every
 * other principal reads someone else's. */
static int run_appraisal_list(fx *f)
{
	(void)f;
	csvc_appraisal **list = NULL;
	size_t n = 0;
	int rc = csvc_appraisal_list(E.a, "st_data_admin", NULL, &list, &n);
	csvc_appraisal_list_free(list, n);
	return rc;
}

static int run_appraisal_summarize(fx *f)
{
	(void)f;
	csvc_appraisal_summary *sum = NULL;
	int rc = csvc_appraisal_summarize(E.a, "st_data_admin", "2026", &sum);
	csvc_appraisal_summary_free(sum);
	return rc;
}

static int run_staff_get(fx *f)
{
	(void)f;
	csvc_staff *st = NULL;
	int rc = csvc_staff_get(E.a, "st_guide", &st);
	csvc_staff_free(st);
	return rc;
}

static int run_staff_get_by_id(fx *f)
{
	(void)f;
	csvc_staff *st = NULL;
	int rc = csvc_staff_get_by_id(E.a, &E.staff_id, &st);
	csvc_staff_free(st);
	return rc;
}

static int run_staff_iter_new(fx *f)
{
	(void)f;
	csvc_staff_iter *it = NULL;
	int rc = csvc_staff_iter_new(E.a, NULL, &it);
	csvc_staff_iter_free(it);
	return rc;
}

static void prep_team_draft(fx *f)
{
	unique(f, "mx_team");
	csvc_assert_ok(csvc_team_new(&f->team, f->name, "测试组", CSVC_TEAM_CS_GROUP));
}

static int run_team_create(fx *f)
{
	return csvc_team_create(E.a, f->team, NULL);
}

static void prep_team_saved(fx *f)
{
	prep_team_draft(f);
	csvc_assert_ok(csvc_team_create(E.t, f->team, "setup"));
	csvc_assert_ok(csvc_team_set_name(f->team, "改名"));
}

static int run_team_update(fx *f)
{
	return csvc_team_update(E.a, f->team, NULL);
}

static int run_team_get(fx *f)
{
	(void)f;
	csvc_team *team = NULL;
	int rc = csvc_team_get(E.a, "mx_team", &team);
	csvc_team_free(team);
	return rc;
}

static int run_team_list(fx *f)
{
	(void)f;
	csvc_team **teams = NULL;
	size_t n = 0;
	int rc = csvc_team_list(E.a, CSVC_TEAM_CS_GROUP, &teams, &n);
	csvc_team_list_free(teams, n);
	return rc;
}

static int run_team_members(fx *f)
{
	(void)f;
	csvc_staff_iter *it = NULL;
	int rc = csvc_team_members(E.a, "mx_team", &it);
	csvc_staff_iter_free(it);
	return rc;
}

static int run_team_install_defaults(fx *f)
{
	(void)f;
	return csvc_team_install_defaults(E.a);
}

/* ------------------------------------------------------------------ */
/* store.h                                                             */
/* ------------------------------------------------------------------ */

static int run_store_open(fx *f)
{
	(void)f;
	csvc_store_options o = E.opts;
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *s = NULL;
	int rc = csvc_test_open(&s, E.path, &o);
	if (s)
		csvc_assert_ok(csvc_store_close(s));
	return rc;
}

/* Closes a second handle that runs as the case's principal. */
static int run_store_close(fx *f)
{
	(void)f;
	csvc_store_options o = E.opts;
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *s = NULL;
	char buf[80];
	csvc_assert_ok(csvc_test_open(&s, E.path, &o));
	if (E.principal)
		csvc_assert_ok(csvc_store_set_principal(s, staff_code(E.principal, buf, sizeof(buf))));
	return csvc_store_close(s);
}

static int run_store_checkpoint(fx *f)
{
	(void)f;
	return csvc_store_checkpoint(E.a);
}

/* A new file each time; on PostgreSQL an allowed principal reaches the
 * refusal that sends them to the server's tools (test-backup.c). */
static int run_store_backup(fx *f)
{
	(void)f;
	char path[160];
	snprintf(path, sizeof(path), "%s/backup-%u.db", E.dir, ++E.serial);
	int rc = csvc_store_backup(E.a, path);
	if (rc == CSVC_OK)
		unlink(path);
	return csvc_test_on_pg() && rc == CSVC_ESTATE ? CSVC_OK : rc;
}

static int run_store_now(fx *f)
{
	(void)f;
	return csvc_store_now(E.a) == now_cell ? CSVC_OK : WRONG_RESULT;
}

static int run_store_schema_version(fx *f)
{
	(void)f;
	int32_t v = 0;
	return csvc_store_schema_version(E.a, &v);
}

static int run_store_begin(fx *f)
{
	(void)f;
	int rc = csvc_store_begin(E.a);
	if (rc == CSVC_OK)
		csvc_assert_ok(csvc_store_rollback(E.a));
	return rc;
}

static int run_store_commit(fx *f)
{
	(void)f;
	int rc = csvc_store_begin(E.a);
	return rc == CSVC_OK ? csvc_store_commit(E.a) : rc;
}

static int run_store_rollback(fx *f)
{
	(void)f;
	int rc = csvc_store_begin(E.a);
	return rc == CSVC_OK ? csvc_store_rollback(E.a) : rc;
}

static int run_store_tx_depth(fx *f)
{
	(void)f;
	return csvc_store_tx_depth(E.a) == 0 ? CSVC_OK : WRONG_RESULT;
}

/* ------------------------------------------------------------------ */
/* survey.h                                                            */
/* ------------------------------------------------------------------ */

static void prep_survey_draft(fx *f)
{
	unique(f, "mx_survey");
	csvc_assert_ok(csvc_survey_new(&f->survey, f->name));
	csvc_assert_ok(csvc_survey_add_question(f->survey, "recommend", CSVC_QUESTION_NPS, NULL, 1, NULL, NULL, NULL));
}

static int run_survey_save(fx *f)
{
	int32_t version = 0;
	return csvc_survey_save(E.a, f->survey, &version);
}

static int run_survey_load(fx *f)
{
	(void)f;
	csvc_survey *s = NULL;
	int rc = csvc_survey_load(E.a, "nps", 0, &s);
	csvc_survey_free(s);
	return rc;
}

static int run_survey_install_defaults(fx *f)
{
	(void)f;
	return csvc_survey_install_defaults(E.a);
}

static int run_survey_invite(fx *f)
{
	(void)f;
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = csvc_ticket_id(E.ticket);
	ctx.method = CSVC_METHOD_PHONE_CALLBACK;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	return csvc_survey_invite(E.a, "post_resolution", &ctx, token);
}

static void prep_invitation(fx *f)
{
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.customer = csvc_customer_id(E.customer);
	ctx.store_code = "SH01";
	ctx.method = CSVC_METHOD_RECEIPT_QR;
	csvc_assert_ok(csvc_survey_invite(E.t, "nps", &ctx, f->token));
}

static csvc_survey_answers *nps_answers(void)
{
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "recommend", 9));
	return a;
}

static int run_survey_respond(fx *f)
{
	csvc_survey_answers *a = nps_answers();
	csvc_uuid id;
	int rc = csvc_survey_respond(E.a, f->token, a, &id);
	csvc_survey_answers_free(a);
	return rc;
}

static int run_survey_respond_anonymous(fx *f)
{
	(void)f;
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.store_code = "SH01";
	ctx.method = CSVC_METHOD_TILL;
	csvc_survey_answers *a = nps_answers();
	csvc_uuid id;
	int rc = csvc_survey_respond_anonymous(E.a, "nps", &ctx, a, &id);
	csvc_survey_answers_free(a);
	return rc;
}

/* ------------------------------------------------------------------ */
/* ticket.h                                                            */
/* ------------------------------------------------------------------ */

static int run_ticket_kind_define(fx *f)
{
	(void)f;
	return csvc_ticket_kind_define(E.a, "mx_kind", "complaint", "测试", "Test");
}

static int run_ticket_channel_define(fx *f)
{
	(void)f;
	return csvc_ticket_channel_define(E.a, "mx_channel", "测试", "Test");
}

/* The cell's own value: new tickets' priorities stay as they were. */
static void prep_priority(fx *f)
{
	csvc_assert_ok(csvc_priority_matrix_get(E.t, CSVC_URGENCY_GENERAL, CSVC_IMPORTANCE_LOW, CSVC_IMPACT_INDIVIDUAL,
	                                        &f->priority));
}

static int run_priority_matrix_set(fx *f)
{
	return csvc_priority_matrix_set(E.a, CSVC_URGENCY_GENERAL, CSVC_IMPORTANCE_LOW, CSVC_IMPACT_INDIVIDUAL,
	                                (csvc_priority_t)f->priority);
}

static int run_priority_matrix_get(fx *f)
{
	(void)f;
	int32_t p = 0;
	return csvc_priority_matrix_get(E.a, CSVC_URGENCY_GENERAL, CSVC_IMPORTANCE_LOW, CSVC_IMPACT_INDIVIDUAL, &p);
}

static void prep_ticket_draft(fx *f)
{
	f->ticket[0] = draft_ticket();
}

static int run_ticket_create(fx *f)
{
	return csvc_ticket_create(E.a, f->ticket[0], NULL);
}

static int run_ticket_get(fx *f)
{
	(void)f;
	csvc_ticket *t = NULL;
	int rc = csvc_ticket_get(E.a, csvc_ticket_id(E.ticket), &t);
	csvc_ticket_free(t);
	return rc;
}

static int run_ticket_get_by_number(fx *f)
{
	(void)f;
	csvc_ticket *t = NULL;
	int rc = csvc_ticket_get_by_number(E.a, csvc_ticket_number(E.ticket), &t);
	csvc_ticket_free(t);
	return rc;
}

static void prep_ticket_changed(fx *f)
{
	f->ticket[0] = new_ticket();
	csvc_assert_ok(csvc_ticket_set_subject(f->ticket[0], "换货"));
}

static int run_ticket_update(fx *f)
{
	return csvc_ticket_update(E.a, f->ticket[0], NULL);
}

static int run_ticket_transition(fx *f)
{
	return csvc_ticket_transition(E.a, csvc_ticket_id(f->ticket[0]), "analyse", 0, NULL, NULL, NULL);
}

static int run_ticket_transition_ex(fx *f)
{
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	csvc_transition_input in = {"outcome", "换货"};
	o.inputs = &in;
	o.n_inputs = 1;
	int64_t revision = 0;
	return csvc_ticket_transition_ex(E.a, csvc_ticket_id(f->ticket[0]), "analyse", &o, &revision);
}

/* A ticket of kind mx_guarded, whose "settle" needs an approval by a
 * service agent, specialist or supervisor: every holder of
 * ticket_transition may approve it. */
static void prep_guarded_ticket(fx *f)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "mx_guarded", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "补偿"));
	csvc_assert_ok(csvc_ticket_create(E.t, t, "setup"));
	f->ticket[0] = t;
}

static int run_ticket_approve(fx *f)
{
	int64_t revision = 0;
	return csvc_ticket_approve(E.a, csvc_ticket_id(f->ticket[0]), "settle", NULL, &revision);
}

static int run_ticket_assign(fx *f)
{
	return csvc_ticket_assign(E.a, csvc_ticket_id(f->ticket[0]), "st_specialist", NULL, 0, NULL, NULL);
}

static int run_ticket_comment(fx *f)
{
	csvc_comment c = CSVC_COMMENT_INIT;
	c.kind = CSVC_COMMENT_NOTE;
	c.body = "已联系顾客";
	int64_t revision = 0;
	return csvc_ticket_comment(E.a, csvc_ticket_id(f->ticket[0]), &c, &revision);
}

static void prep_two_tickets(fx *f)
{
	f->ticket[0] = new_ticket();
	f->ticket[1] = new_ticket();
}

static int run_ticket_link(fx *f)
{
	return csvc_ticket_link(E.a, csvc_ticket_id(f->ticket[0]), csvc_ticket_id(f->ticket[1]), CSVC_LINK_RELATED, NULL);
}

static int run_ticket_merge(fx *f)
{
	return csvc_ticket_merge(E.a, csvc_ticket_id(f->ticket[0]), csvc_ticket_id(f->ticket[1]), NULL);
}

static int run_ticket_handoff(fx *f)
{
	csvc_handoff h = CSVC_HANDOFF_INIT;
	h.department = "finance";
	csvc_ticket *child = NULL;
	int rc = csvc_ticket_handoff(E.a, csvc_ticket_id(f->ticket[0]), &h, &child);
	csvc_ticket_free(child);
	return rc;
}

static int run_ticket_subtasks(fx *f)
{
	(void)f;
	csvc_ticket **list = NULL;
	size_t n = 0;
	int rc = csvc_ticket_subtasks(E.a, csvc_ticket_id(E.ticket), &list, &n, NULL);
	csvc_ticket_subtasks_free(list, n);
	return rc;
}

/* mx_wf has versions 1 and 2 and no ticket: the call moves nothing. */
static int run_workflow_migrate_tickets(fx *f)
{
	(void)f;
	int64_t moved = -1;
	return csvc_workflow_migrate_tickets(E.a, "mx_wf", 1, 2, NULL, NULL, 0, NULL, &moved);
}

static int run_ticket_replay(fx *f)
{
	(void)f;
	csvc_ticket *t = NULL;
	int rc = csvc_ticket_replay(E.a, csvc_ticket_id(E.ticket), &t);
	csvc_ticket_free(t);
	return rc;
}

static int run_ticket_history_new(fx *f)
{
	(void)f;
	csvc_event_iter *it = NULL;
	int rc = csvc_ticket_history_new(E.a, csvc_ticket_id(E.ticket), &it);
	csvc_ticket_history_free(it);
	return rc;
}

/* Sets a hook, then removes it, which docs/access.md allows always. */
static int run_store_set_change_hook(fx *f)
{
	(void)f;
	int rc = csvc_store_set_change_hook(E.a, change_cb, NULL);
	if (rc != CSVC_OK)
		snprintf(saved_message, sizeof(saved_message), "%s", csvc_error_last()->message);
	int removed = csvc_store_set_change_hook(E.a, NULL, NULL);
	if (removed != CSVC_OK) {
		print_error("removing the change hook as %s -> %d (%s): %s\n", principal_label(E.principal), removed,
		            csvc_strerror(removed), csvc_error_last()->message);
		return WRONG_RESULT;
	}
	return rc;
}

static int run_ticket_iter_new(fx *f)
{
	(void)f;
	csvc_ticket_iter *it = NULL;
	int rc = csvc_ticket_iter_new(E.a, NULL, &it);
	csvc_ticket_iter_free(it);
	return rc;
}

static int run_ticket_count(fx *f)
{
	(void)f;
	int64_t n = 0;
	return csvc_ticket_count(E.a, NULL, &n);
}

/* ------------------------------------------------------------------ */
/* workflow.h                                                          */
/* ------------------------------------------------------------------ */

static void prep_workflow_draft(fx *f)
{
	unique(f, "mx_wf");
	f->workflow = two_state_workflow(f->name);
}

static int run_workflow_save(fx *f)
{
	int32_t version = 0;
	return csvc_workflow_save(E.a, f->workflow, &version);
}

static int run_workflow_load(fx *f)
{
	(void)f;
	csvc_workflow *wf = NULL;
	int rc = csvc_workflow_load(E.a, "complaint", 0, &wf);
	csvc_workflow_free(wf);
	return rc;
}

static int run_store_install_defaults(fx *f)
{
	(void)f;
	return csvc_store_install_defaults(E.a);
}

/* ------------------------------------------------------------------ */
/* queue.h                                                             */
/* ------------------------------------------------------------------ */

static void prep_queue_draft(fx *f)
{
	unique(f, "mx_queue");
	csvc_assert_ok(csvc_queue_new(&f->queue, f->name, "测试队列"));
	csvc_queue_filter qf = CSVC_QUEUE_FILTER_INIT;
	qf.team = "mx_team";
	qf.states = CSVC_QUEUE_STATES_OPEN;
	csvc_assert_ok(csvc_queue_set_filter(f->queue, &qf));
}

static int run_queue_create(fx *f)
{
	return csvc_queue_create(E.a, f->queue, NULL);
}

static void prep_queue_saved(fx *f)
{
	prep_queue_draft(f);
	csvc_assert_ok(csvc_queue_create(E.t, f->queue, "setup"));
	csvc_assert_ok(csvc_queue_set_name(f->queue, "改名"));
}

static int run_queue_update(fx *f)
{
	return csvc_queue_update(E.a, f->queue, NULL);
}

static int run_queue_get(fx *f)
{
	(void)f;
	csvc_queue *q = NULL;
	int rc = csvc_queue_get(E.a, "mx_queue", &q);
	csvc_queue_free(q);
	return rc;
}

static int run_queue_list(fx *f)
{
	(void)f;
	csvc_queue **queues = NULL;
	size_t n = 0;
	int rc = csvc_queue_list(E.a, &queues, &n);
	csvc_queue_list_free(queues, n);
	return rc;
}

static int run_queue_install_defaults(fx *f)
{
	(void)f;
	return csvc_queue_install_defaults(E.a);
}

static int run_queue_iter_new(fx *f)
{
	(void)f;
	csvc_ticket_iter *it = NULL;
	int rc = csvc_queue_iter_new(E.a, "mx_queue", NULL, &it);
	csvc_ticket_iter_free(it);
	return rc;
}

static int run_queue_count(fx *f)
{
	(void)f;
	int64_t n = 0;
	return csvc_queue_count(E.a, "mx_queue", NULL, &n);
}

/* ------------------------------------------------------------------ */
/* worklog.h                                                           */
/* ------------------------------------------------------------------ */

/* Half an hour of the principal's own time (no principal: the guide's). */
static int run_ticket_log_work(fx *f)
{
	(void)f;
	char buf[80];
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	e.staff = E.principal ? staff_code(E.principal, buf, sizeof(buf)) : "st_guide";
	e.duration_us = 1800 * CSVC_SECOND_US;
	return csvc_ticket_log_work(E.a, csvc_ticket_id(E.ticket), &e, NULL);
}

static int run_ticket_work(fx *f)
{
	(void)f;
	csvc_worklog *log = NULL;
	int rc = csvc_ticket_work(E.a, csvc_ticket_id(E.ticket), &log);
	csvc_worklog_free(log);
	return rc;
}

static int run_work_total(fx *f)
{
	(void)f;
	int64_t total = 0, n = 0;
	return csvc_work_total(E.a, NULL, &total, &n);
}

/* ------------------------------------------------------------------ */
/* The table: what docs/access.md says each call needs                 */
/* ------------------------------------------------------------------ */

static const call CALLS[] = {
	/* access.h */
	{"csvc_role_create", NEEDS(PERM(STAFF_MANAGE)), prep_role_draft, run_role_create, NULL},
	{"csvc_role_update", NEEDS(PERM(STAFF_MANAGE)), prep_role_saved, run_role_update, NULL},
	{"csvc_role_get", PRINCIPAL, NULL, run_role_get, NULL},
	{"csvc_role_list", PRINCIPAL, NULL, run_role_list, NULL},
	{"csvc_role_install_defaults", NEEDS(PERM(STAFF_MANAGE)), NULL, run_role_install_defaults, NULL},
	/* The principal's own calls act on the handle, as those of store.h. */
	{"csvc_store_access_control", NONE, NULL, run_store_access_control, NULL},
	{"csvc_store_set_principal", NONE, NULL, run_store_set_principal, NULL},
	{"csvc_store_principal", NONE, NULL, run_store_principal, NULL},
	{"csvc_store_allows", NONE, NULL, run_store_allows, NULL},
	/* calendar.h: "saving ... calendars, time zones" is taken to cover
	 * every change to them (delete, attach, detach, zones); loading them
	 * needs a principal. */
	{"csvc_calendar_save", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_calendar_draft, run_calendar_save, NULL},
	{"csvc_calendar_load", PRINCIPAL, NULL, run_calendar_load, NULL},
	{"csvc_calendar_info", PRINCIPAL, NULL, run_calendar_info, NULL},
	{"csvc_calendar_delete", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_calendar_saved, run_calendar_delete, NULL},
	{"csvc_calendar_list", PRINCIPAL, NULL, run_calendar_list, NULL},
	{"csvc_calendar_attach", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_calendar_attach, NULL},
	{"csvc_calendar_detach", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_sh09_attached, run_calendar_detach, NULL},
	{"csvc_calendar_name_for_store", PRINCIPAL, NULL, run_calendar_name_for_store, NULL},
	{"csvc_calendar_for_store", PRINCIPAL, NULL, run_calendar_for_store, NULL},
	{"csvc_calendar_add_zone", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_calendar_add_zone, NULL},
	{"csvc_calendar_set_store_zone", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_calendar_set_store_zone, NULL},
	{"csvc_calendar_clear_store_zone", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_sh09_zone, run_calendar_clear_store_zone,
	 NULL},
	{"csvc_calendar_store_zone", PRINCIPAL, NULL, run_calendar_store_zone, NULL},
	{"csvc_calendar_set_default_zone", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_calendar_set_default_zone, NULL},
	{"csvc_calendar_clear_default_zone", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_default_zone,
	 run_calendar_clear_default_zone, NULL},
	{"csvc_calendar_default_zone", PRINCIPAL, prep_default_zone, run_calendar_default_zone, NULL},
	{"csvc_calendar_tz_for_store", PRINCIPAL, NULL, run_calendar_tz_for_store, NULL},
	/* customer.h */
	{"csvc_customer_create", NEEDS(PERM(CUSTOMER_WRITE)), prep_customer_draft, run_customer_create, NULL},
	{"csvc_customer_update", NEEDS(PERM(CUSTOMER_WRITE)), prep_customer_changed, run_customer_update, NULL},
	{"csvc_customer_get", NEEDS(PERM(CUSTOMER_READ_PROFILE)), NULL, run_customer_get, NULL},
	/* consent.h */
	{"csvc_consent_record", NEEDS(PERM(CUSTOMER_WRITE)), NULL, run_consent_record, NULL},
	{"csvc_consent_current", NEEDS(PERM(CUSTOMER_READ_PROFILE)), NULL, run_consent_current, NULL},
	{"csvc_consent_history", NEEDS(PERM(CUSTOMER_READ_PROFILE)), NULL, run_consent_history, NULL},
	{"csvc_customer_export",
	 NEEDS(PERM(CUSTOMER_EXPORT) | PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_READ_CONTACTS) | PERM(TICKET_READ)), NULL,
	 run_customer_export, NULL},
	{"csvc_customer_find_by_phone", NEEDS(PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH)), NULL,
	 run_customer_find_by_phone, NULL},
	{"csvc_customer_find_by_email", NEEDS(PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH)), NULL,
	 run_customer_find_by_email, NULL},
	{"csvc_customer_find_by_external_id", NEEDS(PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH)), NULL,
	 run_customer_find_by_external_id, NULL},
	{"csvc_customer_iter_new", NEEDS(PERM(CUSTOMER_READ_PROFILE) | PERM(CUSTOMER_SEARCH)), NULL,
	 run_customer_iter_new, NULL},
	{"csvc_customer_count", NEEDS(PERM(CUSTOMER_SEARCH)), NULL, run_customer_count, NULL},
	{"csvc_customer_merge", NEEDS(PERM(CUSTOMER_MERGE)), prep_two_customers, run_customer_merge, NULL},
	{"csvc_customer_erase", NEEDS(PERM(CUSTOMER_ERASE)), prep_customer, run_customer_erase, NULL},
	{"csvc_customer_scrub", NEEDS(PERM(STORE_MAINTAIN)), NULL, run_customer_scrub, NULL},
	{"csvc_customer_scrub_pending", NEEDS(PERM(STORE_MAINTAIN)), NULL, run_customer_scrub_pending, NULL},
	/* feed.h */
	{"csvc_feed_head", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_head, NULL},
	{"csvc_feed_read", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_read, NULL},
	{"csvc_feed_after", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_after, NULL},
	{"csvc_feed_ack", NEEDS(PERM(STORE_MAINTAIN)), prep_consumer, run_feed_ack, NULL},
	{"csvc_feed_reset", NEEDS(PERM(STORE_MAINTAIN)), prep_consumer, run_feed_reset, NULL},
	{"csvc_feed_delete", NEEDS(PERM(STORE_MAINTAIN)), prep_consumer, run_feed_delete, NULL},
	{"csvc_feed_consumer_get", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_consumer_get, NULL},
	{"csvc_feed_consumer_iter_new", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_consumer_iter_new, NULL},
	{"csvc_feed_wait", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_wait, NULL},
	{"csvc_feed_subscribe", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_subscribe, NULL},
	{"csvc_feed_deliver", NEEDS(PERM(AUDIT_READ)), NULL, run_feed_deliver, NULL},
	/* report.h */
	{"csvc_report_scores", NEEDS(PERM(REPORTS_READ)), NULL, run_report_scores, NULL},
	{"csvc_report_kpis", NEEDS(PERM(REPORTS_READ)), NULL, run_report_kpis, NULL},
	{"csvc_report_sla", NEEDS(PERM(REPORTS_READ)), NULL, run_report_sla, NULL},
	{"csvc_report_state_times", NEEDS(PERM(REPORTS_READ)), NULL, run_report_state_times, NULL},
	{"csvc_report_staff", NEEDS(PERM(REPORTS_READ)), NULL, run_report_staff, NULL},
	{"csvc_report_record_transactions", NEEDS(PERM(STORE_MAINTAIN)), NULL, run_report_record_transactions, NULL},
	{"csvc_report_dashboard_html", NEEDS(PERM(REPORTS_READ)), NULL, run_report_dashboard_html, NULL},
	/* sla.h */
	{"csvc_sla_policy_save", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_policy_draft, run_sla_policy_save, NULL},
	{"csvc_sla_policy_load", PRINCIPAL, NULL, run_sla_policy_load, NULL},
	/* Retiring and installing policies are taken as saving them. */
	{"csvc_sla_policy_retire", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_policy_saved, run_sla_policy_retire, NULL},
	{"csvc_sla_install_defaults", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_sla_install_defaults, NULL},
	{"csvc_sla_ticket_targets", NEEDS(PERM(TICKET_READ)), NULL, run_sla_ticket_targets, NULL},
	{"csvc_sla_at_risk", NEEDS(PERM(TICKET_READ)), NULL, run_sla_at_risk, NULL},
	{"csvc_sla_breached", NEEDS(PERM(TICKET_READ)), NULL, run_sla_breached, NULL},
	{"csvc_sla_subscribe", NEEDS(PERM(STORE_MAINTAIN)), NULL, run_sla_subscribe, NULL},
	{"csvc_sla_advance", NEEDS(PERM(STORE_MAINTAIN)), NULL, run_sla_advance, NULL},
	{"csvc_sla_next_wakeup", NEEDS(PERM(STORE_MAINTAIN)), NULL, run_sla_next_wakeup, NULL},
	{"csvc_sla_rematch", NEEDS(PERM(STORE_MAINTAIN)), prep_ticket, run_sla_rematch, NULL},
	{"csvc_sla_recompute", NEEDS(PERM(STORE_MAINTAIN)), prep_ticket, run_sla_recompute, NULL},
	/* route.h: reading rules needs a principal, as definitions do. */
	{"csvc_route_rule_create", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_rule_draft, run_route_rule_create, NULL},
	{"csvc_route_rule_update", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_rule_saved, run_route_rule_update, NULL},
	{"csvc_route_rule_get", PRINCIPAL, NULL, run_route_rule_get, NULL},
	{"csvc_route_rule_list", PRINCIPAL, NULL, run_route_rule_list, NULL},
	{"csvc_route_install_defaults", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_route_install_defaults, NULL},
	/* staff.h: the directory's reads ("csvc_team_* reads") need a principal. */
	{"csvc_staff_create", NEEDS(PERM(STAFF_MANAGE)), prep_staff_draft, run_staff_create, NULL},
	{"csvc_staff_update", NEEDS(PERM(STAFF_MANAGE)), prep_staff_saved, run_staff_update, NULL},
	{"csvc_staff_get", PRINCIPAL, NULL, run_staff_get, NULL},
	{"csvc_staff_get_by_id", PRINCIPAL, NULL, run_staff_get_by_id, NULL},
	{"csvc_staff_iter_new", PRINCIPAL, NULL, run_staff_iter_new, NULL},
	{"csvc_team_create", NEEDS(PERM(STAFF_MANAGE)), prep_team_draft, run_team_create, NULL},
	{"csvc_team_update", NEEDS(PERM(STAFF_MANAGE)), prep_team_saved, run_team_update, NULL},
	{"csvc_team_get", PRINCIPAL, NULL, run_team_get, NULL},
	{"csvc_team_list", PRINCIPAL, NULL, run_team_list, NULL},
	{"csvc_team_members", PRINCIPAL, NULL, run_team_members, NULL},
	{"csvc_team_install_defaults", NEEDS(PERM(STAFF_MANAGE)), NULL, run_team_install_defaults, NULL},
	{"csvc_staff_references", PRINCIPAL, NULL, run_staff_references, NULL},
	{"csvc_staff_set_references", NEEDS(PERM(STAFF_MANAGE)), NULL, run_staff_set_references, NULL},
	{"csvc_staff_adopt", NEEDS(PERM(STAFF_MANAGE)), NULL, run_staff_adopt, NULL},
	/* A supervisor's appraisal (docs/access.md: staff_manage; a
	 * customer's needs survey_record, a peer's or one's own a principal:
	 * test-appraisal.c). Reading another's appraisals: reports_read. */
	{"csvc_appraisal_record", NEEDS(PERM(STAFF_APPRAISE)), NULL, run_appraisal_record, NULL},
	{"csvc_appraisal_list", NEEDS(PERM(REPORTS_READ)), NULL, run_appraisal_list, NULL},
	{"csvc_appraisal_summarize", NEEDS(PERM(REPORTS_READ)), NULL, run_appraisal_summarize, NULL},
	/* store.h */
	{"csvc_store_open", NONE, NULL, run_store_open, NULL},
	{"csvc_store_close", NONE, NULL, run_store_close, NULL},
	{"csvc_store_checkpoint", NONE, NULL, run_store_checkpoint, NULL},
	{"csvc_store_backup", NEEDS(PERM(STORE_MAINTAIN) | PERM(CUSTOMER_EXPORT)), NULL, run_store_backup, NULL},
	{"csvc_store_now", NONE, NULL, run_store_now, NULL},
	{"csvc_store_schema_version", NONE, NULL, run_store_schema_version, NULL},
	{"csvc_store_begin", NONE, NULL, run_store_begin, NULL},
	{"csvc_store_commit", NONE, NULL, run_store_commit, NULL},
	{"csvc_store_rollback", NONE, NULL, run_store_rollback, NULL},
	{"csvc_store_tx_depth", NONE, NULL, run_store_tx_depth, NULL},
	/* survey.h */
	{"csvc_survey_save", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_survey_draft, run_survey_save, NULL},
	{"csvc_survey_load", PRINCIPAL, NULL, run_survey_load, NULL},
	/* Installing the templates is taken as saving surveys. */
	{"csvc_survey_install_defaults", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_survey_install_defaults, NULL},
	{"csvc_survey_invite", NEEDS(PERM(SURVEY_RECORD)), NULL, run_survey_invite, NULL},
	{"csvc_survey_respond", NEEDS(PERM(SURVEY_RECORD)), prep_invitation, run_survey_respond, NULL},
	{"csvc_survey_respond_anonymous", NEEDS(PERM(SURVEY_RECORD)), NULL, run_survey_respond_anonymous, NULL},
	/* ticket.h */
	{"csvc_ticket_kind_define", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_ticket_kind_define, NULL},
	{"csvc_ticket_channel_define", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_ticket_channel_define, NULL},
	{"csvc_priority_matrix_set", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_priority, run_priority_matrix_set, NULL},
	{"csvc_priority_matrix_get", PRINCIPAL, NULL, run_priority_matrix_get, NULL},
	{"csvc_ticket_create", NEEDS(PERM(TICKET_CREATE)), prep_ticket_draft, run_ticket_create, NULL},
	{"csvc_ticket_get", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_get, NULL},
	{"csvc_ticket_get_by_number", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_get_by_number, NULL},
	{"csvc_ticket_update", NEEDS(PERM(TICKET_UPDATE)), prep_ticket_changed, run_ticket_update, NULL},
	{"csvc_ticket_transition", NEEDS(PERM(TICKET_TRANSITION)), prep_ticket, run_ticket_transition, NULL},
	{"csvc_ticket_transition_ex", NEEDS(PERM(TICKET_TRANSITION)), prep_ticket, run_ticket_transition_ex, NULL},
	{"csvc_ticket_approve", NEEDS(PERM(TICKET_TRANSITION)), prep_guarded_ticket, run_ticket_approve, NULL},
	{"csvc_ticket_assign", NEEDS(PERM(TICKET_ASSIGN)), prep_ticket, run_ticket_assign, NULL},
	{"csvc_ticket_comment", NEEDS(PERM(TICKET_UPDATE)), prep_ticket, run_ticket_comment, NULL},
	{"csvc_ticket_link", NEEDS(PERM(TICKET_UPDATE)), prep_two_tickets, run_ticket_link, NULL},
	{"csvc_ticket_merge", NEEDS(PERM(TICKET_UPDATE)), prep_two_tickets, run_ticket_merge, NULL},
	{"csvc_workflow_migrate_tickets", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_workflow_migrate_tickets, NULL},
	{"csvc_ticket_replay", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_replay, NULL},
	{"csvc_ticket_history_new", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_history_new, NULL},
	{"csvc_store_set_change_hook", NEEDS(PERM(AUDIT_READ)), NULL, run_store_set_change_hook, NULL},
	{"csvc_ticket_iter_new", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_iter_new, NULL},
	{"csvc_ticket_count", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_count, NULL},
	{"csvc_ticket_route", NEEDS(PERM(TICKET_ASSIGN)), prep_suggestion, run_ticket_route, NULL},
	{"csvc_ticket_handoff", NEEDS(PERM(TICKET_CREATE) | PERM(TICKET_ASSIGN)), prep_ticket, run_ticket_handoff, NULL},
	{"csvc_ticket_subtasks", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_subtasks, NULL},
	/* workflow.h */
	{"csvc_workflow_save", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_workflow_draft, run_workflow_save, NULL},
	{"csvc_workflow_load", PRINCIPAL, NULL, run_workflow_load, NULL},
	/* docs/access.md: definitions_manage; its header says staff_manage. It
	 * also installs teams and roles, which need staff_manage: only a role
	 * holding both can run it (not seen here: data_admin holds both). */
	{"csvc_store_install_defaults", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_store_install_defaults, NULL},
	/* queue.h */
	{"csvc_queue_create", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_queue_draft, run_queue_create, NULL},
	{"csvc_queue_update", NEEDS(PERM(DEFINITIONS_MANAGE)), prep_queue_saved, run_queue_update, NULL},
	{"csvc_queue_get", PRINCIPAL, NULL, run_queue_get, NULL},
	{"csvc_queue_list", PRINCIPAL, NULL, run_queue_list, NULL},
	{"csvc_queue_install_defaults", NEEDS(PERM(DEFINITIONS_MANAGE)), NULL, run_queue_install_defaults, NULL},
	{"csvc_queue_iter_new", NEEDS(PERM(TICKET_READ)), NULL, run_queue_iter_new, NULL},
	{"csvc_queue_count", NEEDS(PERM(TICKET_READ)), NULL, run_queue_count, NULL},
	/* worklog.h */
	{"csvc_ticket_log_work", NEEDS(PERM(TICKET_UPDATE)), NULL, run_ticket_log_work, NULL},
	{"csvc_ticket_work", NEEDS(PERM(TICKET_READ)), NULL, run_ticket_work, NULL},
	{"csvc_work_total", NEEDS(PERM(REPORTS_READ)), NULL, run_work_total, NULL},
};
#define N_CALLS (sizeof(CALLS) / sizeof(CALLS[0]))

/* ------------------------------------------------------------------ */
/* The runner                                                          */
/* ------------------------------------------------------------------ */

static int listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* What docs/access.md says of `c` made by principal `p` (flipped where
 * the table's entry carries a FIXME). */
static int expect_allowed(const call *c, int p)
{
	int allowed;
	if (c->need == NOT_CHECKED)
		allowed = 1;
	else if (p == 0)
		allowed = 0;
	else if (c->need == PRINCIPAL_ONLY)
		allowed = 1;
	else
		allowed = (HANDBOOK[p - 1].perms & c->perms) == c->perms;
	return listed(c->flip, principal_label(p)) ? !allowed : allowed;
}

static void describe_need(const call *c, char *buf, size_t n)
{
	if (c->need == NOT_CHECKED) {
		snprintf(buf, n, "not checked");
		return;
	}
	if (c->need == PRINCIPAL_ONLY) {
		snprintf(buf, n, "a principal");
		return;
	}
	size_t len = 0;
	buf[0] = '\0';
	for (int p = 1; p <= CSVC_PERM_MAX; p++)
		if (c->perms & (1u << p))
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? " + " : "", PERM_NAMES[p]);
}

/* The store's dump (store-dump.h). On PostgreSQL through one connection
 * kept open: connecting for each of some 700 dumps would take most of the
 * run. Each dump is a statement of its own, so it reads what is committed
 * when it runs (group_setup checks that it sees a commit). */
#ifdef CSVC_HAVE_POSTGRES
static csvc__db *dump_db;
#endif

static char *dump(void)
{
#ifdef CSVC_HAVE_POSTGRES
	if (csvc_test_on_pg()) {
		if (!dump_db) {
			csvc__postgres_config cfg = {.lock_timeout_ms = 10000, .schema = csvc_test_schema_for_(E.path),
			                             .readonly = 1};
			csvc_assert_ok(csvc__postgres_open(&dump_db, csvc_test_pg(), &cfg));
		}
		return csvc_test_dump_pg(dump_db);
	}
#endif
	return csvc_test_dump_at(E.path);
}

static void set_principal(int p)
{
	char buf[80];
	E.principal = p;
	csvc_assert_ok(csvc_store_set_principal(E.a, staff_code(p, buf, sizeof(buf))));
}

static void report(const call *c, int p, int allowed, int rc, const char *what)
{
	char need[256];
	describe_need(c, need, sizeof(need));
	int failed = rc < 0 && rc != WRONG_RESULT;
	print_error("MISMATCH %s as %s: expected %s (docs/access.md: needs %s%s); got %d (%s)%s%s\n", c->name,
	            principal_label(p), allowed ? "success" : "CSVC_EACCESS", need,
	            listed(c->flip, principal_label(p)) ? ", flipped by a FIXME entry" : "", rc,
	            rc == WRONG_RESULT ? "wrong result" : csvc_strerror(rc), failed ? ": " : "",
	            !failed ? "" : saved_message[0] ? saved_message : csvc_error_last()->message);
	if (what)
		print_error("  %s\n", what);
}

/* Runs `c` as every principal; returns the number of disagreements. The
 * denied cases come first and share one fixture, which the dumps show
 * they leave as it was; each allowed case then gets a fresh one (the
 * first may take over the untouched one of the denied cases). */
static int run_matrix(const call *c)
{
	int bad = 0;
	fx f;
	memset(&f, 0, sizeof(f));
	int fresh = 0;
	char *before = NULL;
	for (int p = 0; p < (int)N_PRINCIPALS; p++) {
		if (expect_allowed(c, p))
			continue;
		if (!fresh) {
			if (c->prepare)
				c->prepare(&f);
			fresh = 1;
		}
		if (!before)
			before = dump();
		set_principal(p);
		saved_message[0] = '\0';
		int rc = c->run(&f);
		if (rc != CSVC_EACCESS) {
			report(c, p, 0, rc, NULL);
			bad++;
		}
		char *after = dump();
		if (strcmp(before, after) != 0) {
			if (rc == CSVC_EACCESS)
				report(c, p, 0, rc, "and the store changed");
			bad += rc == CSVC_EACCESS;
			/* The fixture may be spent: the next case starts afresh. */
			fx_clear(&f);
			fresh = 0;
			free(before);
			before = NULL;
		}
		free(after);
	}
	free(before);
	for (int p = 0; p < (int)N_PRINCIPALS; p++) {
		if (!expect_allowed(c, p))
			continue;
		if (!fresh && c->prepare)
			c->prepare(&f);
		set_principal(p);
		saved_message[0] = '\0';
		int rc = c->run(&f);
		if (rc != CSVC_OK) {
			report(c, p, 1, rc, NULL);
			bad++;
		}
		fx_clear(&f);
		fresh = 0;
	}
	fx_clear(&f);
	csvc_assert_ok(csvc_store_set_principal(E.a, NULL));
	E.principal = 0;
	return bad;
}

/* One test per public header: its calls under every principal. */
static void run_header(const char *first, const char *last)
{
	size_t i = 0;
	while (i < N_CALLS && strcmp(CALLS[i].name, first) != 0)
		i++;
	assert_true(i < N_CALLS);
	int bad = 0;
	for (;; i++) {
		assert_true(i < N_CALLS);
		bad += run_matrix(&CALLS[i]);
		if (strcmp(CALLS[i].name, last) == 0)
			break;
	}
	if (bad)
		fail_msg("%d case(s) disagree with docs/access.md (listed above)", bad);
}

static void test_access_h(void **state)
{
	(void)state;
	run_header("csvc_role_create", "csvc_store_allows");
}

static void test_calendar_h(void **state)
{
	(void)state;
	run_header("csvc_calendar_save", "csvc_calendar_tz_for_store");
}

static void test_customer_h(void **state)
{
	(void)state;
	run_header("csvc_customer_create", "csvc_customer_scrub_pending");
}

static void test_feed_h(void **state)
{
	(void)state;
	run_header("csvc_feed_head", "csvc_feed_deliver");
}

static void test_report_h(void **state)
{
	(void)state;
	run_header("csvc_report_scores", "csvc_report_dashboard_html");
}

static void test_sla_h(void **state)
{
	(void)state;
	run_header("csvc_sla_policy_save", "csvc_sla_recompute");
}

static void test_route_h(void **state)
{
	(void)state;
	run_header("csvc_route_rule_create", "csvc_route_install_defaults");
}

static void test_staff_h(void **state)
{
	(void)state;
	run_header("csvc_staff_create", "csvc_appraisal_summarize");
}

static void test_store_h(void **state)
{
	(void)state;
	run_header("csvc_store_open", "csvc_store_tx_depth");
}

static void test_survey_h(void **state)
{
	(void)state;
	run_header("csvc_survey_save", "csvc_survey_respond_anonymous");
}

static void test_ticket_h(void **state)
{
	(void)state;
	run_header("csvc_ticket_kind_define", "csvc_ticket_route");
}

static void test_workflow_h(void **state)
{
	(void)state;
	run_header("csvc_workflow_save", "csvc_store_install_defaults");
}

static void test_queue_h(void **state)
{
	(void)state;
	run_header("csvc_queue_create", "csvc_queue_count");
}

static void test_worklog_h(void **state)
{
	(void)state;
	run_header("csvc_ticket_log_work", "csvc_work_total");
}

/* The table names each call once. */
static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CALLS; i++)
		for (size_t j = i + 1; j < N_CALLS; j++)
			if (strcmp(CALLS[i].name, CALLS[j].name) == 0)
				fail_msg("%s is listed twice", CALLS[i].name);
}

/* ------------------------------------------------------------------ */
/* The store                                                           */
/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	snprintf(E.dir, sizeof(E.dir), "/tmp/csvc-matrix-XXXXXX");
	assert_non_null(mkdtemp(E.dir));
	snprintf(E.path, sizeof(E.path), "%s/store.db", E.dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	E.opts = o;
	csvc_assert_ok(csvc_test_open(&E.t, E.path, &o));
	csvc_assert_ok(csvc_store_install_defaults(E.t));
	/* Suggestions are routed (csvc_ticket_route), to the consultation
	 * group, which has nobody in it. */
	csvc_route_rule *rule = NULL;
	csvc_assert_ok(csvc_route_rule_new(&rule, "mx_suggestions", "consult", CSVC_ROUTE_ROUND_ROBIN));
	csvc_assert_ok(csvc_route_rule_set_kind(rule, "suggestion"));
	csvc_assert_ok(csvc_route_rule_create(E.t, rule, "setup"));
	csvc_route_rule_free(rule);

	/* One staff member per role, all of SH01. */
	char buf[80];
	for (int p = 1; p < (int)N_PRINCIPALS; p++) {
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, staff_code(p, buf, sizeof(buf)), HANDBOOK[p - 1].role));
		csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
		csvc_assert_ok(csvc_staff_add_role(st, HANDBOOK[p - 1].role));
		csvc_assert_ok(csvc_staff_create(E.t, st, "setup"));
		if (strcmp(HANDBOOK[p - 1].role, "guide") == 0)
			E.staff_id = *csvc_staff_id(st);
		csvc_staff_free(st);
	}

	/* What the reading calls read. */
	E.ticket = new_ticket();
	E.customer = new_customer();
	csvc_calendar *cal = parse_calendar();
	csvc_assert_ok(csvc_calendar_save(E.t, "mx_cal", cal));
	csvc_calendar_free(cal);
	csvc_assert_ok(csvc_calendar_attach(E.t, "SH08", "mx_cal"));
	csvc_assert_ok(csvc_calendar_set_store_zone(E.t, "SH08", "+08:00"));
	csvc_sla_policy *p = sh07_policy("mx_policy");
	csvc_assert_ok(csvc_sla_policy_save(E.t, p, NULL));
	csvc_sla_policy_free(p);
	csvc_workflow *wf = two_state_workflow("mx_wf");
	csvc_assert_ok(csvc_workflow_save(E.t, wf, NULL));
	csvc_assert_ok(csvc_workflow_add_state(wf, "waiting", CSVC_STATE_WAITING, "等待", "Waiting"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "wait", "new", "waiting"));
	csvc_assert_ok(csvc_workflow_add_transition(wf, "finish", "waiting", "done"));
	int32_t v = 0;
	csvc_assert_ok(csvc_workflow_save(E.t, wf, &v));
	assert_int_equal(v, 2);
	csvc_workflow_free(wf);
	wf = two_state_workflow("mx_guarded");
	csvc_assert_ok(csvc_workflow_add_transition(wf, "settle", "new", "done"));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "settle", "service_agent", NULL, 0));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "settle", "specialist", NULL, 0));
	csvc_assert_ok(csvc_workflow_require_approval(wf, "settle", "supervisor", NULL, 0));
	csvc_assert_ok(csvc_workflow_save(E.t, wf, NULL));
	csvc_workflow_free(wf);
	csvc_assert_ok(csvc_ticket_kind_define(E.t, "mx_guarded", "mx_guarded", "补偿", "Guarded"));
	csvc_team *team = NULL;
	csvc_assert_ok(csvc_team_new(&team, "mx_team", "测试组", CSVC_TEAM_CS_GROUP));
	csvc_assert_ok(csvc_team_create(E.t, team, "setup"));
	csvc_team_free(team);
	csvc_queue *queue = NULL;
	csvc_assert_ok(csvc_queue_new(&queue, "mx_queue", "测试队列"));
	csvc_queue_filter qf = CSVC_QUEUE_FILTER_INIT;
	qf.team = "mx_team";
	qf.states = CSVC_QUEUE_STATES_OPEN;
	csvc_assert_ok(csvc_queue_set_filter(queue, &qf));
	csvc_assert_ok(csvc_queue_create(E.t, queue, "setup"));
	csvc_queue_free(queue);
	csvc_assert_ok(csvc_feed_reset(E.t, "mx_consumer", 0));
	char path[600];
	E.zone = csvc_test_read_file(csvc_test_data_path(path, sizeof(path), "zoneinfo/Asia/Shanghai"), &E.zone_len);
	assert_non_null(E.zone);

	/* The dump sees a commit made after it was first taken. */
	char *before = dump();
	csvc_assert_ok(csvc_feed_reset(E.t, "mx_dump_check", 0));
	char *after = dump();
	assert_true(strcmp(before, after) != 0);
	free(before);
	free(after);

	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&E.a, E.path, &o));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	csvc_ticket_free(E.ticket);
	csvc_customer_free(E.customer);
	free(E.zone);
	csvc_store_close(E.a);
	csvc_store_close(E.t);
#ifdef CSVC_HAVE_POSTGRES
	if (dump_db)
		csvc__db_close(dump_db);
	dump_db = NULL;
#endif
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", E.dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),      cmocka_unit_test(test_access_h), cmocka_unit_test(test_calendar_h),
		cmocka_unit_test(test_customer_h), cmocka_unit_test(test_feed_h),   cmocka_unit_test(test_report_h), cmocka_unit_test(test_route_h),
		cmocka_unit_test(test_sla_h),      cmocka_unit_test(test_staff_h),  cmocka_unit_test(test_store_h),
		cmocka_unit_test(test_survey_h),   cmocka_unit_test(test_ticket_h), cmocka_unit_test(test_workflow_h),
		cmocka_unit_test(test_queue_h),    cmocka_unit_test(test_worklog_h),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
