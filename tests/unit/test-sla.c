/*
 * SLA engine: handbook defaults, pause and resume across closed hours and
 * holidays, reopen, priority change mid-flight, a breach while the host was
 * down, exactly-once advance, next_update, escalations, lists, and a
 * randomized comparison of incremental state with recompute.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store/store-internal.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define SEC CSVC_SECOND_US
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
/* Monday 2026-11-23 00:00 UTC; local +08:00 09:00 is 01:00 UTC. */
#define MON ((csvc_time_us)1795392000 * SEC)
#define LOCAL(day, h, m) (MON + (int64_t)(day) * 24 * HOUR + ((int64_t)(h) - 8) * HOUR + (int64_t)(m) * MIN)

static csvc_time_us now_cell;

/* Mon-Fri 09:00-12:00 and 13:00-18:00 at +08:00; Wednesday 2026-11-25 a holiday. */
static const char SH_CALENDAR[] =
	"{\"zone\":\"+08:00\",\"versions\":[{\"week\":{"
	"\"mon\":[\"09:00-12:00\",\"13:00-18:00\"],\"tue\":[\"09:00-12:00\",\"13:00-18:00\"],"
	"\"wed\":[\"09:00-12:00\",\"13:00-18:00\"],\"thu\":[\"09:00-12:00\",\"13:00-18:00\"],"
	"\"fri\":[\"09:00-12:00\",\"13:00-18:00\"],\"sat\":[],\"sun\":[]}}],"
	"\"holidays\":[\"2026-11-25\"]}";

static csvc_store *open_store(csvc_time_us at)
{
	now_cell = at;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.zoneinfo_dir = CSVC_TEST_DATA_DIR "/zoneinfo";
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, ":memory:", &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, SH_CALENDAR, strlen(SH_CALENDAR), NULL));
	csvc_assert_ok(csvc_calendar_save(s, "sh", cal));
	csvc_assert_ok(csvc_calendar_attach(s, "SH01", "sh"));
	csvc_calendar_free(cal);
	return s;
}

static csvc_ticket *open_ticket(csvc_store *s, const char *kind, csvc_time_us at)
{
	now_cell = at;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "sla"));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

/* Target `name` of a ticket, read at the store clock. */
static csvc_sla_target *target(csvc_store *s, const csvc_ticket *t, const char *name)
{
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(csvc_sla_ticket_targets(s, csvc_ticket_id(t), &it));
	csvc_sla_target *found = NULL, *x = NULL;
	while (csvc_sla_iter_next(it, &x) == CSVC_OK) {
		if (!found && strcmp(csvc_sla_target_name(x), name) == 0)
			found = x;
		else
			csvc_sla_target_free(x);
	}
	csvc_sla_iter_free(it);
	if (!found)
		print_error("no target %s\n", name);
	assert_non_null(found);
	return found;
}

static void expect(csvc_store *s, const csvc_ticket *t, const char *name, int32_t status, csvc_time_us due,
                   csvc_time_us breached_at)
{
	csvc_sla_target *x = target(s, t, name);
	if (csvc_sla_target_status(x) != status || csvc_sla_target_due_at(x) != due ||
	    csvc_sla_target_breached_at(x) != breached_at)
		print_error("%s: status %d (want %d), due %lld (want %lld, diff %lld s), breached %lld (want %lld)\n", name,
		            csvc_sla_target_status(x), status, (long long)csvc_sla_target_due_at(x), (long long)due,
		            (long long)(csvc_sla_target_due_at(x) - due) / SEC, (long long)csvc_sla_target_breached_at(x),
		            (long long)breached_at);
	assert_int_equal(csvc_sla_target_status(x), status);
	assert_int_equal(csvc_sla_target_due_at(x), due);
	assert_int_equal(csvc_sla_target_breached_at(x), breached_at);
	csvc_sla_target_free(x);
}

static void assert_recompute_equal(csvc_store *s, const csvc_ticket *t)
{
	int equal = 0;
	csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(t), 0, &equal));
	assert_true(equal);
}

typedef struct alarms {
	int n;
	char target[16][32];
	int32_t percent[16];
	csvc_time_us at[16];
} alarms;

static int on_alarm(const csvc_sla_alarm *a, void *ud)
{
	alarms *log = ud;
	assert_non_null(a->ticket);
	assert_non_null(a->ticket_number);
	if (log->n < 16) {
		snprintf(log->target[log->n], sizeof(log->target[0]), "%s", a->target);
		log->percent[log->n] = a->percent;
		log->at[log->n] = a->at;
	}
	log->n++;
	return 0;
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

/* 咨询 handbook default: first response 20 min and answer 24 h on the store
 * calendar, across closing time and a holiday. */
static void test_inquiry_handbook_default(void **state)
{
	(void)state;
	csvc_store *s = open_store(MON);
	csvc_ticket *t = open_ticket(s, "inquiry", LOCAL(0, 17, 50));
	/* 10 min on Monday, 10 more on Tuesday from 09:00. */
	expect(s, t, "first_response", CSVC_SLA_RUNNING, LOCAL(1, 9, 10), 0);
	/* 24 business hours: 10 min Mon, 8 h Tue, Wed holiday, 8 h Thu, 7 h 50 Fri. */
	expect(s, t, "resolution", CSVC_SLA_RUNNING, LOCAL(4, 17, 50), 0);
	csvc_time_us wake;
	csvc_assert_ok(csvc_sla_next_wakeup(s, &wake));
	assert_int_equal(wake, LOCAL(1, 9, 6)); /* 80 % = 16 min */

	alarms log = {0};
	int64_t n = -1;
	csvc_assert_ok(csvc_sla_advance(s, LOCAL(1, 9, 5), on_alarm, &log, &n));
	assert_int_equal(n, 0);
	csvc_assert_ok(csvc_sla_advance(s, LOCAL(1, 9, 6), on_alarm, &log, &n));
	assert_int_equal(n, 1);
	assert_string_equal(log.target[0], "first_response");
	assert_int_equal(log.percent[0], 80);
	assert_int_equal(log.at[0], LOCAL(1, 9, 6));
	csvc_assert_ok(csvc_sla_advance(s, LOCAL(1, 9, 8), on_alarm, &log, &n));
	assert_int_equal(n, 0); /* exactly once */
	now_cell = LOCAL(1, 9, 8);
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(csvc_sla_at_risk(s, 10, &it));
	csvc_sla_target *x = NULL;
	csvc_assert_ok(csvc_sla_iter_next(it, &x));
	assert_string_equal(csvc_sla_target_name(x), "first_response");
	assert_string_equal(csvc_sla_target_policy(x), "handbook_inquiry");
	assert_int_equal(csvc_sla_target_used(x), 18 * MIN);
	assert_int_equal(csvc_sla_target_remaining(x), 2 * MIN);
	assert_true(csvc_sla_target_percent_used(x) > 89.9 && csvc_sla_target_percent_used(x) < 90.1);
	csvc_sla_target_free(x);
	assert_int_equal(csvc_sla_iter_next(it, &x), CSVC_ITEROVER);
	csvc_sla_iter_free(it);

	/* A reply at exactly the due instant is on time. */
	now_cell = LOCAL(1, 9, 10);
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好", NULL, 0, "agent"}, NULL));
	expect(s, t, "first_response", CSVC_SLA_MET, 0, 0);
	csvc_assert_ok(csvc_sla_advance(s, LOCAL(1, 12, 0), on_alarm, &log, &n));
	assert_int_equal(n, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* 投诉 handbook default in wall-clock time; a breach found late carries its
 * crossing instant, and the reported-back breach escalates the priority. */
static void test_complaint_and_late_breach(void **state)
{
	(void)state;
	csvc_time_us t0 = MON + 3 * HOUR;
	csvc_store *s = open_store(t0);
	csvc_ticket *t = open_ticket(s, "complaint", t0);
	expect(s, t, "respond", CSVC_SLA_RUNNING, t0 + 24 * HOUR, 0);
	expect(s, t, "handled", CSVC_SLA_RUNNING, t0 + 48 * HOUR, 0);
	expect(s, t, "reported_back", CSVC_SLA_RUNNING, t0 + 72 * HOUR, 0);

	/* The host was down for four days. */
	alarms log = {0};
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(s, t0 + 100 * HOUR, on_alarm, &log, &n));
	assert_int_equal(n, 6);
	const struct {
		const char *target;
		int32_t pct;
		csvc_time_us at;
	} want[] = {
		{"respond", 80, t0 + 24 * HOUR * 8 / 10},   {"respond", 100, t0 + 24 * HOUR},
		{"handled", 80, t0 + 48 * HOUR * 8 / 10},   {"handled", 100, t0 + 48 * HOUR},
		{"reported_back", 80, t0 + 72 * HOUR * 8 / 10}, {"reported_back", 100, t0 + 72 * HOUR},
	};
	for (int i = 0; i < 6; i++) {
		assert_string_equal(log.target[i], want[i].target);
		assert_int_equal(log.percent[i], want[i].pct);
		assert_int_equal(log.at[i], want[i].at);
	}
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'sla_breach'"), 3);
	assert_int_equal(sql_int(s, "SELECT min(at_us) FROM ticket_events WHERE type = 'sla_breach'"), t0 + 24 * HOUR);
	expect(s, t, "respond", CSVC_SLA_BREACHED, t0 + 24 * HOUR, t0 + 24 * HOUR);
	/* The escalation raised the priority. */
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_int_equal(csvc_ticket_priority(g), CSVC_PRIORITY_CRITICAL);
	csvc_ticket_free(g);
	/* Responding late: met, and the breach stays on record. */
	now_cell = t0 + 101 * HOUR;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "analyse", 0, "agent", NULL, NULL));
	csvc_sla_target *x = target(s, t, "respond");
	assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_MET);
	assert_int_equal(csvc_sla_target_met_at(x), t0 + 101 * HOUR);
	assert_int_equal(csvc_sla_target_breached_at(x), t0 + 24 * HOUR);
	csvc_sla_target_free(x);
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(csvc_sla_breached(s, 0, &it));
	int breached = 0;
	while (csvc_sla_iter_next(it, &x) == CSVC_OK) {
		breached++;
		csvc_sla_target_free(x);
	}
	csvc_sla_iter_free(it);
	assert_int_equal(breached, 2); /* handled and reported_back, still open */
	assert_int_equal(csvc_sla_advance(s, t0 + 200 * HOUR, NULL, NULL, &n), CSVC_OK);
	assert_int_equal(n, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* Moving on from the state that met a target is progress, not a reopen. */
static void test_progress_is_not_reopen(void **state)
{
	(void)state;
	csvc_time_us t0 = MON + 2 * HOUR;
	csvc_store *s = open_store(t0);
	csvc_ticket *t = open_ticket(s, "complaint", t0);
	now_cell = t0 + 10 * MIN;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "analyse", 0, NULL, NULL, NULL));
	now_cell = t0 + 3 * HOUR;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "handle", 0, NULL, NULL, NULL));
	now_cell = t0 + 5 * HOUR;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "report_back", 0, NULL, NULL, NULL));
	csvc_sla_target *x = target(s, t, "respond");
	assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_MET);
	assert_int_equal(csvc_sla_target_met_at(x), t0 + 10 * MIN);
	assert_int_equal(csvc_sla_target_used(x), 10 * MIN);
	csvc_sla_target_free(x);
	expect(s, t, "reported_back", CSVC_SLA_MET, 0, 0);
	/* Reopened from reported back: "handled" and "reported_back" resume,
	 * "respond" does not. */
	now_cell = t0 + 6 * HOUR;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "reopen", 0, NULL, NULL, NULL));
	expect(s, t, "respond", CSVC_SLA_MET, 0, 0);
	expect(s, t, "handled", CSVC_SLA_RUNNING, t0 + 6 * HOUR + 43 * HOUR, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

static csvc_sla_policy *policy(const char *name, int32_t rank, int64_t duration, int32_t calendar)
{
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, name, rank));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", duration, calendar, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_pause_on_category(p, i, CSVC_STATE_WAITING));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	return p;
}

/* Pause while waiting on the customer, across the night and the holiday;
 * reopen resumes with the time used. */
static void test_pause_resume_reopen(void **state)
{
	(void)state;
	csvc_store *s = open_store(MON);
	csvc_sla_policy *p = policy("suggestions", 1, 8 * HOUR, CSVC_SLA_CALENDAR_STORE);
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "suggestion"));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	csvc_ticket *t = open_ticket(s, "suggestion", LOCAL(0, 10, 0));
	expect(s, t, "resolution", CSVC_SLA_RUNNING, LOCAL(1, 10, 0), 0); /* 2 + 5 h Monday, 1 h Tuesday */
	now_cell = LOCAL(0, 11, 0);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "start", 0, NULL, NULL, NULL));
	now_cell = LOCAL(0, 15, 0); /* 1 + 2 = 4 h used */
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "wait_customer", 0, NULL, NULL, NULL));
	expect(s, t, "resolution", CSVC_SLA_PAUSED, 0, 0);
	/* Back on Wednesday (holiday) 10:00: counting from Thursday 09:00. */
	now_cell = LOCAL(2, 10, 0);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "resume", 0, NULL, NULL, NULL));
	expect(s, t, "resolution", CSVC_SLA_RUNNING, LOCAL(3, 14, 0), 0); /* 3 h morning + 1 h */
	/* The 50 % warning (4 h) had passed before the pause: it fired then. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'sla_warning'"), 1);
	assert_int_equal(sql_int(s, "SELECT at_us FROM ticket_events WHERE type = 'sla_warning'"), LOCAL(0, 15, 0));
	now_cell = LOCAL(3, 10, 0); /* 5 h used */
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "resolve", 0, NULL, NULL, NULL));
	csvc_sla_target *x = target(s, t, "resolution");
	assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_MET);
	assert_int_equal(csvc_sla_target_used(x), 5 * HOUR);
	csvc_sla_target_free(x);
	now_cell = LOCAL(4, 9, 0); /* Friday morning: reopened with 3 h left */
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "reopen", 0, NULL, NULL, NULL));
	/* The time runs out at the 12:00 closing: the last on-time instant is
	 * the next opening, 13:00 (no business time passes in between). */
	expect(s, t, "resolution", CSVC_SLA_RUNNING, LOCAL(4, 13, 0), 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* A priority change mid-flight moves the ticket to another policy; a
 * threshold the used time already passed fires at the change. */
static void test_priority_change_mid_flight(void **state)
{
	(void)state;
	csvc_time_us t0 = MON + 5 * HOUR;
	csvc_store *s = open_store(t0);
	csvc_sla_policy *urgent = policy("urgent", 1, 2 * HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_priority(urgent, CSVC_PRIORITY_CRITICAL));
	csvc_assert_ok(csvc_sla_policy_save(s, urgent, NULL));
	csvc_sla_policy *normal = policy("normal", 2, 8 * HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_kind(normal, "facility"));
	csvc_assert_ok(csvc_sla_policy_save(s, normal, NULL));
	csvc_sla_policy_free(urgent);
	csvc_sla_policy_free(normal);

	csvc_ticket *t = open_ticket(s, "facility", t0);
	expect(s, t, "resolution", CSVC_SLA_RUNNING, t0 + 8 * HOUR, 0);
	now_cell = t0 + 3 * HOUR;
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	csvc_assert_ok(csvc_ticket_set_urgency(g, CSVC_URGENCY_EMERGENCY));
	csvc_assert_ok(csvc_ticket_set_importance(g, CSVC_IMPORTANCE_HIGH));
	csvc_assert_ok(csvc_ticket_update(s, g, "supervisor"));
	assert_int_equal(csvc_ticket_priority(g), CSVC_PRIORITY_CRITICAL);
	csvc_ticket_free(g);
	csvc_sla_target *x = target(s, t, "resolution");
	assert_string_equal(csvc_sla_target_policy(x), "urgent");
	assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_BREACHED);
	assert_int_equal(csvc_sla_target_breached_at(x), t0 + 3 * HOUR);
	assert_int_equal(csvc_sla_target_used(x), 3 * HOUR);
	csvc_sla_target_free(x);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'sla_policy'"), 1);
	assert_recompute_equal(s, t);

	/* Policies keep versions; a ticket keeps its own. */
	csvc_sla_policy *v2 = policy("normal", 2, 4 * HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_kind(v2, "facility"));
	int32_t version = 0;
	csvc_assert_ok(csvc_sla_policy_save(s, v2, &version));
	assert_int_equal(version, 2);
	csvc_assert_ok(csvc_sla_policy_save(s, v2, &version));
	assert_int_equal(version, 2);
	csvc_sla_policy_free(v2);
	csvc_ticket *t2 = open_ticket(s, "facility", t0 + 4 * HOUR);
	expect(s, t2, "resolution", CSVC_SLA_RUNNING, t0 + 8 * HOUR, 0);
	x = target(s, t2, "resolution");
	assert_int_equal(csvc_sla_target_policy_version(x), 2);
	csvc_sla_target_free(x);
	csvc_assert_ok(csvc_sla_policy_retire(s, "normal"));
	csvc_ticket *t3 = open_ticket(s, "facility", t0 + 5 * HOUR);
	x = target(s, t3, "first_response"); /* the library default now */
	assert_string_equal(csvc_sla_target_policy(x), "default");
	csvc_sla_target_free(x);
	csvc_assert_err(csvc_sla_policy_retire(s, "nope"), CSVC_ENOTFOUND);
	csvc_ticket_free(t);
	csvc_ticket_free(t2);
	csvc_ticket_free(t3);
	csvc_store_close(s);
}

/* A customer becoming VIP moves their open tickets to the VIP policy; an
 * explicit rematch moves a ticket to a policy's new version. */
/* The change hook's view of a customer merge. */
typedef struct merge_log {
	int merged;
	char payload[256];
	char ticket[CSVC_UUID_STRLEN + 1];
} merge_log;

static void merge_hook(const csvc_event *ev, void *userdata)
{
	merge_log *log = userdata;
	if (strcmp(csvc_event_type(ev), "customer_merged") != 0)
		return;
	log->merged++;
	snprintf(log->payload, sizeof(log->payload), "%s", csvc_event_payload(ev));
	csvc_uuid_to_string(csvc_event_ticket(ev), log->ticket);
}

/* A customer merge moves the absorbed customer's tickets through the
 * ticket module: each gets a customer_merged event that the change hook
 * sees, and its SLA policy is matched again for the kept customer. */
static void test_customer_merge_seen_by_hook_and_rematched(void **state)
{
	(void)state;
	csvc_time_us t0 = MON + 2 * HOUR;
	csvc_store *s = open_store(t0);
	csvc_sla_policy *vip = policy("vip", 1, 1 * HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_customer_class(vip, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_sla_policy_save(s, vip, NULL));
	csvc_sla_policy_free(vip);
	csvc_customer *keep = NULL, *gone = NULL;
	csvc_assert_ok(csvc_customer_new(&keep));
	csvc_assert_ok(csvc_customer_set_class(keep, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_create(s, keep, NULL));
	csvc_assert_ok(csvc_customer_new(&gone));
	csvc_assert_ok(csvc_customer_create(s, gone, NULL));
	now_cell = t0;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "facility", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(gone)));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	csvc_sla_target *x = target(s, t, "resolution");
	assert_string_equal(csvc_sla_target_policy(x), "default");
	csvc_sla_target_free(x);

	merge_log log = {0};
	csvc_assert_ok(csvc_store_set_change_hook(s, merge_hook, &log));
	now_cell = t0 + 30 * MIN;
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(keep), csvc_customer_id(gone), "crm", NULL));
	csvc_assert_ok(csvc_store_set_change_hook(s, NULL, NULL));
	assert_int_equal(log.merged, 1);
	char tid[CSVC_UUID_STRLEN + 1], kid[CSVC_UUID_STRLEN + 1], gid[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(csvc_ticket_id(t), tid);
	csvc_uuid_to_string(csvc_customer_id(keep), kid);
	csvc_uuid_to_string(csvc_customer_id(gone), gid);
	assert_string_equal(log.ticket, tid);
	char want[256];
	snprintf(want, sizeof(want), "{\"from_customer\":\"%s\",\"set\":{\"customer\":\"%s\"}}", gid, kid);
	assert_string_equal(log.payload, want);

	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_true(csvc_uuid_equal(csvc_ticket_customer(g), csvc_customer_id(keep)));
	csvc_ticket_free(g);
	x = target(s, t, "resolution");
	assert_string_equal(csvc_sla_target_policy(x), "vip");
	csvc_sla_target_free(x);
	expect(s, t, "resolution", CSVC_SLA_RUNNING, t0 + HOUR, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_customer_free(keep);
	csvc_customer_free(gone);
	csvc_store_close(s);
}

static void test_rematch_on_customer_class_and_explicit(void **state)
{
	(void)state;
	csvc_time_us t0 = MON + 2 * HOUR; /* 10:00 local: the store calendar is open */
	csvc_store *s = open_store(t0);
	csvc_sla_policy *vip = policy("vip", 1, 1 * HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_customer_class(vip, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_sla_policy_save(s, vip, NULL));
	csvc_sla_policy_free(vip);
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	now_cell = t0;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "facility", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(c)));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	csvc_sla_target *x = target(s, t, "resolution");
	assert_string_equal(csvc_sla_target_policy(x), "default");
	csvc_sla_target_free(x);
	now_cell = t0 + 30 * MIN;
	csvc_assert_ok(csvc_customer_set_class(c, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_update(s, c, "crm"));
	x = target(s, t, "resolution");
	assert_string_equal(csvc_sla_target_policy(x), "vip");
	csvc_sla_target_free(x);
	expect(s, t, "resolution", CSVC_SLA_RUNNING, t0 + HOUR, 0); /* 30 min used, 30 min left */
	assert_recompute_equal(s, t);

	/* A new version of "vip" applies to this ticket only when asked. */
	csvc_sla_policy *v2 = policy("vip", 1, 2 * HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_customer_class(v2, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_sla_policy_save(s, v2, NULL));
	csvc_sla_policy_free(v2);
	expect(s, t, "resolution", CSVC_SLA_RUNNING, t0 + HOUR, 0);
	int moved = -1;
	now_cell = t0 + 40 * MIN;
	csvc_assert_ok(csvc_sla_rematch(s, csvc_ticket_id(t), &moved));
	assert_int_equal(moved, 1);
	x = target(s, t, "resolution");
	assert_int_equal(csvc_sla_target_policy_version(x), 2);
	csvc_sla_target_free(x);
	expect(s, t, "resolution", CSVC_SLA_RUNNING, t0 + 2 * HOUR, 0);
	csvc_assert_ok(csvc_sla_rematch(s, csvc_ticket_id(t), &moved));
	assert_int_equal(moved, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_customer_free(c);
	csvc_store_close(s);
}

static void test_next_update_and_escalations(void **state)
{
	(void)state;
	csvc_time_us t0 = MON;
	csvc_store *s = open_store(t0);
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "needs", 1));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "need"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "next_update", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_recurring(p, i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	csvc_assert_ok(csvc_sla_target_escalate(p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 50, CSVC_SLA_ASSIGN, 0, "lead", "escalations", NULL}));
	csvc_assert_ok(csvc_sla_target_escalate(p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_TRANSITION, 0, NULL, NULL, "respond"}));
	csvc_assert_ok(csvc_sla_target_escalate(p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 70, CSVC_SLA_ASSIGN, 0, "x", NULL, NULL}));
	csvc_assert_err(csvc_sla_policy_save(s, p, NULL), CSVC_EINVAL); /* 70 % is not a threshold */
	csvc_sla_policy_free(p);
	csvc_assert_ok(csvc_sla_policy_new(&p, "needs", 1));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "need"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "next_update", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_recurring(p, i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	csvc_assert_ok(csvc_sla_target_escalate(p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 50, CSVC_SLA_ASSIGN, 0, "lead", "escalations", NULL}));
	csvc_assert_ok(csvc_sla_target_escalate(p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_TRANSITION, 0, NULL, NULL, "respond"}));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);

	csvc_ticket *t = open_ticket(s, "need", t0);
	expect(s, t, "next_update", CSVC_SLA_WAITING, 0, 0);
	now_cell = t0 + 10 * MIN;
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "已收到", NULL, 0, NULL}, NULL));
	expect(s, t, "next_update", CSVC_SLA_RUNNING, t0 + 70 * MIN, 0);
	now_cell = t0 + 30 * MIN;
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_NOTE, "内部", NULL, 0, NULL}, NULL));
	expect(s, t, "next_update", CSVC_SLA_RUNNING, t0 + 70 * MIN, 0); /* a note does not count */
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "evaluate", 0, NULL, NULL, NULL));
	/* Half-way: assigned to the lead; at the breach: transition "respond". */
	int64_t n;
	csvc_assert_ok(csvc_sla_advance(s, t0 + 2 * HOUR, NULL, NULL, &n));
	assert_int_equal(n, 2);
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_string_equal(csvc_ticket_assignee(g), "lead");
	assert_string_equal(csvc_ticket_state(g), "responded");
	csvc_ticket_free(g);
	/* A reply restarts the interval. */
	now_cell = t0 + 3 * HOUR;
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(t), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_RESULT_NOTICE, "方案", "phone", 0, NULL}, NULL));
	expect(s, t, "next_update", CSVC_SLA_RUNNING, t0 + 4 * HOUR, 0);
	now_cell = t0 + 3 * HOUR + MIN;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "track", 0, NULL, NULL, NULL));
	expect(s, t, "next_update", CSVC_SLA_MET, 0, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* An escalation that does not apply (its call fails before writing) must
 * not disturb the escalations after it. */
static void test_escalation_not_applicable(void **state)
{
	(void)state;
	csvc_time_us t0 = MON;
	csvc_store *s = open_store(t0);
	csvc_sla_policy *p = policy("reservations", 1, HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "reservation"));
	csvc_assert_ok(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_TRANSITION, 0, NULL, NULL, "archive"}));
	csvc_assert_ok(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_ASSIGN, 0, "night", "desk", NULL}));
	csvc_assert_ok(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_RAISE_PRIORITY, CSVC_PRIORITY_HIGH, NULL, NULL, NULL}));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	csvc_ticket *t = open_ticket(s, "reservation", t0);
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(s, t0 + 2 * HOUR, NULL, NULL, &n));
	assert_int_equal(n, 2); /* the 50 % warning and the breach */
	csvc_ticket *g = NULL;
	csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(t), &g));
	assert_string_equal(csvc_ticket_state(g), "new"); /* "archive" is not a transition here */
	assert_string_equal(csvc_ticket_assignee(g), "night");
	assert_int_equal(csvc_ticket_priority(g), CSVC_PRIORITY_HIGH);
	csvc_ticket_free(g);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* With staff references on (staff.h), an escalation to someone who is no
 * staff member is refused: the engine logs it, applies the escalations
 * after it and goes on firing alarms. */
static void test_escalation_refused_by_references(void **state)
{
	(void)state;
	csvc_time_us t0 = MON;
	csvc_store *s = open_store(t0);
	csvc_sla_policy *p = policy("reservations", 1, HOUR, CSVC_SLA_CALENDAR_24X7);
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "reservation"));
	csvc_assert_ok(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 50, CSVC_SLA_ASSIGN, 0, "nobody", NULL, NULL}));
	csvc_assert_ok(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_RAISE_PRIORITY, CSVC_PRIORITY_HIGH, NULL, NULL, NULL}));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	csvc_ticket *t = open_ticket(s, "reservation", t0);
	csvc_ticket *u = open_ticket(s, "reservation", t0 + 10 * 60 * SEC);
	csvc_assert_ok(csvc_staff_set_references(s, 1, NULL));
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(s, t0 + 45 * 60 * SEC, NULL, NULL, &n));
	assert_int_equal(n, 2); /* both warnings, the first ticket's escalation refused */
	csvc_assert_ok(csvc_sla_advance(s, t0 + 2 * HOUR, NULL, NULL, &n));
	assert_int_equal(n, 2); /* both breaches */
	const csvc_ticket *both[] = {t, u};
	for (int i = 0; i < 2; i++) {
		csvc_ticket *g = NULL;
		csvc_assert_ok(csvc_ticket_get(s, csvc_ticket_id(both[i]), &g));
		assert_null(csvc_ticket_assignee(g));
		assert_int_equal(csvc_ticket_priority(g), CSVC_PRIORITY_HIGH);
		csvc_ticket_free(g);
	}
	/* The ticket is not frozen: it can still be worked on. */
	csvc_assert_ok(csvc_ticket_assign(s, csvc_ticket_id(t), NULL, NULL, 0, "sla", NULL));
	csvc_ticket_free(t);
	csvc_ticket_free(u);
	csvc_store_close(s);
}

static void test_policy_validation(void **state)
{
	(void)state;
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_err(csvc_sla_policy_new(&p, "Bad Name", 1), CSVC_EINVAL);
	csvc_assert_ok(csvc_sla_policy_new(&p, "p", 1));
	csvc_assert_err(csvc_sla_policy_add_target(p, "t", 0, CSVC_SLA_CALENDAR_24X7, NULL, &i), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_policy_add_target(p, "t", HOUR, 9, NULL, &i), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_policy_add_target(p, "t", HOUR, CSVC_SLA_CALENDAR_NAMED, NULL, &i), CSVC_EINVAL);
	csvc_assert_ok(csvc_sla_policy_add_target(p, "t", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_err(csvc_sla_policy_add_target(p, "t", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i), CSVC_EEXISTS);
	csvc_assert_err(csvc_sla_target_warn_at(p, 0, 100), CSVC_ERANGE); /* percentages out of range: ERANGE */
	csvc_assert_err(csvc_sla_target_warn_at(p, 0, 0), CSVC_ERANGE);
	csvc_assert_err(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 101, CSVC_SLA_RAISE_PRIORITY, 1, NULL, NULL, NULL}), CSVC_ERANGE);
	csvc_assert_err(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 0, CSVC_SLA_RAISE_PRIORITY, 1, NULL, NULL, NULL}), CSVC_ERANGE);
	csvc_assert_err(csvc_sla_target_warn_at(p, 5, 50), CSVC_ERANGE);
	csvc_assert_err(csvc_sla_policy_add_target(p, "long", CSVC_SLA_MAX_DURATION + 1, CSVC_SLA_CALENDAR_24X7, NULL,
	                                           &i),
	                CSVC_ERANGE);
	csvc_assert_err(csvc_sla_policy_add_target(p, "neg", -HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_target_met_by_category(p, 0, 9), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, 9, 0, NULL, NULL, NULL}), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_target_escalate(p, 0, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 100, CSVC_SLA_RAISE_PRIORITY, 0, NULL, NULL, NULL}), CSVC_EINVAL);
	csvc_assert_err(csvc_sla_policy_match_priority(p, 7), CSVC_EINVAL);
	csvc_store *s = open_store(MON);
	csvc_assert_err(csvc_sla_policy_save(s, p, NULL), CSVC_EINVAL); /* never met */
	csvc_assert_ok(csvc_sla_target_met_by_reply(p, 0));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy *back = NULL;
	csvc_assert_ok(csvc_sla_policy_load(s, "p", 0, &back));
	assert_int_equal(csvc_sla_policy_version(back), 1);
	assert_string_equal(csvc_sla_policy_name(back), "p");
	csvc_sla_policy_free(back);
	csvc_assert_err(csvc_sla_policy_load(s, "p", 2, &back), CSVC_ENOTFOUND);
	csvc_sla_policy_free(p);
	csvc_time_us at;
	csvc_assert_err(csvc_sla_next_wakeup(s, &at), CSVC_ENOTFOUND);
	csvc_store_close(s);
}

/* A calendar that runs out of business time (the store closes for good
 * on 2026-11-25): a clock that cannot reach its due instant is never
 * due, and creating the ticket still works. */
static void test_calendar_without_business_time(void **state)
{
	(void)state;
	static const char CLOSING[] =
		"{\"zone\":\"+08:00\",\"versions\":[{\"week\":{"
		"\"mon\":[\"09:00-18:00\"],\"tue\":[\"09:00-18:00\"],\"wed\":[\"09:00-18:00\"],"
		"\"thu\":[\"09:00-18:00\"],\"fri\":[\"09:00-18:00\"],\"sat\":[],\"sun\":[]}},"
		"{\"from\":\"2026-11-25\",\"week\":{\"mon\":[],\"tue\":[],\"wed\":[],\"thu\":[],"
		"\"fri\":[],\"sat\":[],\"sun\":[]}}]}";
	csvc_store *s = open_store(MON);
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, CLOSING, strlen(CLOSING), NULL));
	csvc_assert_ok(csvc_calendar_save(s, "closing", cal));
	csvc_calendar_free(cal);
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "closing", 1));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "inquiry"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 8 * HOUR, CSVC_SLA_CALENDAR_NAMED, "closing", &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	/* Tue 13:00 local: 5 business hours left, 8 needed. */
	csvc_ticket *t = open_ticket(s, "inquiry", MON + 29 * HOUR);
	csvc_sla_target *x = target(s, t, "resolution");
	assert_int_equal(csvc_sla_target_due_at(x), 0);
	assert_int_equal(csvc_sla_target_breached_at(x), 0);
	csvc_sla_target_free(x);
	alarms log = {0};
	int64_t n = -1;
	csvc_assert_ok(csvc_sla_advance(s, MON + 400 * 24 * HOUR, on_alarm, &log, &n));
	assert_int_equal(n, 0);
	assert_int_equal(log.n, 0);
	assert_recompute_equal(s, t);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* Random tickets, policies and events on calendars with nights, a holiday
 * and a DST change: the incrementally kept state equals the recompute. */
static void test_recompute_matches_incremental(void **state)
{
	(void)state;
	csvc_time_us t0 = (csvc_time_us)1774569600 * SEC; /* Fri 2026-03-27, London clocks change on the 29th */
	csvc_store *s = open_store(t0);
	static const char LONDON[] =
		"{\"zone\":\"Europe/London\",\"versions\":[{\"week\":{"
		"\"mon\":[\"08:00-12:00\",\"13:00-20:00\"],\"tue\":[\"08:00-20:00\"],\"wed\":[\"08:00-20:00\"],"
		"\"thu\":[\"08:00-20:00\"],\"fri\":[\"08:00-20:00\"],\"sat\":[\"00:30-02:30\",\"10:00-16:00\"],"
		"\"sun\":[\"00:30-03:30\"]}}],\"holidays\":[\"2026-04-03\",\"2026-04-06\"]}";
	csvc_calendar *cal = NULL;
	csvc_calendar_options co = CSVC_CALENDAR_OPTIONS_INIT;
	co.zoneinfo_dir = CSVC_TEST_DATA_DIR "/zoneinfo";
	csvc_assert_ok(csvc_calendar_parse(&cal, LONDON, strlen(LONDON), &co));
	csvc_assert_ok(csvc_calendar_save(s, "london", cal));
	csvc_calendar_free(cal);

	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "random_fast", 1));
	csvc_assert_ok(csvc_sla_policy_match_priority(p, CSVC_PRIORITY_HIGH));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "first_response", 45 * MIN, CSVC_SLA_CALENDAR_NAMED, "london", &i));
	csvc_assert_ok(csvc_sla_target_met_by_reply(p, i));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 80));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 6 * HOUR, CSVC_SLA_CALENDAR_STORE, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_pause_on_category(p, i, CSVC_STATE_WAITING));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 75));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "next_update", 2 * HOUR, CSVC_SLA_CALENDAR_NAMED, "london", &i));
	csvc_assert_ok(csvc_sla_target_recurring(p, i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_pause_on_state(p, i, "waiting_customer"));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);

	csvc_assert_ok(csvc_sla_policy_new(&p, "random_slow", 2));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "first_response", 3 * HOUR, CSVC_SLA_CALENDAR_STORE, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_reply(p, i));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 60));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "resolution", 20 * HOUR, CSVC_SLA_CALENDAR_NAMED, "london", &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_pause_on_category(p, i, CSVC_STATE_WAITING));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	csvc_assert_ok(csvc_sla_target_escalate(p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 50, CSVC_SLA_ASSIGN, 0, "night", NULL, NULL}));
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_sla_policy_free(p);
	csvc_assert_ok(csvc_sla_policy_retire(s, "default"));

	enum { N = 120, STEPS = 3000 };
	csvc_uuid ids[N];
	unsigned x = 12345;
#define RND(n) (((x = x * 1103515245u + 12345u) >> 8) % (n))
	const char *transitions[] = {"start", "wait_customer", "resume", "resolve", "reopen", "close", "escalate",
	                             "cancel"};
	now_cell = t0;
	for (int k = 0; k < N; k++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "facility", "SH01"));
		csvc_assert_ok(csvc_ticket_set_urgency(t, 1 + (int32_t)RND(3)));
		now_cell += (csvc_time_us)RND(90) * MIN;
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		ids[k] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	int64_t alarms_total = 0;
	for (int step = 0; step < STEPS; step++) {
		now_cell += (csvc_time_us)RND(40) * MIN;
		now_cell += (csvc_time_us)RND(60) * SEC;
		const csvc_uuid *id = &ids[RND(N)];
		switch (RND(8)) {
		case 0:
		case 1:
		case 2: {
			int rc = csvc_ticket_transition(s, id, transitions[RND(8)], 0, "r", NULL, NULL);
			assert_true(rc == CSVC_OK || rc == CSVC_ESTATE);
			break;
		}
		case 3:
		case 4:
			csvc_assert_ok(csvc_ticket_comment(s, id, &(csvc_comment){CSVC_COMMENT_VERSION, 1 + (int32_t)RND(4), "x", NULL, 0, "r"}, NULL));
			break;
		case 5: {
			csvc_ticket *t = NULL;
			csvc_assert_ok(csvc_ticket_get(s, id, &t));
			csvc_assert_ok(csvc_ticket_set_urgency(t, 1 + (int32_t)RND(3)));
			csvc_assert_ok(csvc_ticket_update(s, t, "r"));
			csvc_ticket_free(t);
			break;
		}
		default: {
			int64_t n = 0;
			csvc_assert_ok(csvc_sla_advance(s, now_cell, NULL, NULL, &n));
			alarms_total += n;
		}
		}
	}
#undef RND
	assert_true(alarms_total > 50);
	assert_true(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type = 'sla_policy'") > 5);
	for (int k = 0; k < N; k++) {
		int equal = 0;
		csvc_assert_ok(csvc_sla_recompute(s, &ids[k], 0, &equal));
		if (!equal)
			print_error("ticket %d: recompute differs\n", k);
		assert_true(equal);
	}
	/* Advance to the end of time: every alarm exactly once. */
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(s, now_cell + 1000 * HOUR, NULL, NULL, &n));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM (SELECT ticket_id, payload FROM ticket_events"
	                            " WHERE type IN ('sla_warning', 'sla_breach') GROUP BY ticket_id, payload"
	                            " HAVING count(*) > 1) AS d"),
	                 0);
	for (int k = 0; k < N; k++) {
		int equal = 0;
		csvc_assert_ok(csvc_sla_recompute(s, &ids[k], 0, &equal));
		assert_true(equal);
	}
	csvc_store_close(s);
}

static void test_plans(void **state)
{
	(void)state;
	/* SQLite-only: SQLite's EXPLAIN QUERY PLAN through its handle. */
	if (csvc_test_on_pg())
		return;
	csvc_store *s = open_store(MON);
	const char *queries[] = {
		"SELECT ticket_id, next_alarm_us FROM sla_targets WHERE next_alarm_us IS NOT NULL ORDER BY next_alarm_us LIMIT 1",
		"SELECT ticket_id FROM sla_targets WHERE phase = 1 AND warned = 1 AND breached_at IS NULL ORDER BY due_us",
		"SELECT ticket_id FROM sla_targets WHERE breached_at IS NOT NULL AND phase IN (1, 2) ORDER BY breached_at",
		"SELECT idx FROM sla_targets WHERE ticket_id = 1 ORDER BY idx",
	};
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		char eqp[512];
		snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", queries[q]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			/* Reading a partial index whole is the list itself. */
			int bad = (strstr(d, "SCAN") && !strstr(d, "USING INDEX sla_targets_")) || strstr(d, "TEMP B-TREE");
			if (bad)
				print_error("%s\n%s\n", queries[q], d);
			assert_false(bad);
		}
		sqlite3_finalize(st);
	}
	/* The lists as of the clock: recorded rows in index order, merged with
	 * the pending alarms already due (a range of the alarm index, sorted:
	 * as many as advance has not yet emitted). No scan. */
	const char *lists[] = {
		"SELECT ticket_id, due_us FROM sla_targets WHERE phase = 1 AND warned = 1 AND breached_at IS NULL"
		" AND due_us >= 5 UNION ALL SELECT ticket_id, due_us FROM sla_targets WHERE next_alarm_us IS NOT NULL"
		" AND next_alarm_us <= 5 AND next_pct < 100 AND phase = 1 AND warned = 0 AND breached_at IS NULL"
		" AND due_us >= 5 ORDER BY 2",
		"SELECT ticket_id, breached_at FROM sla_targets WHERE breached_at IS NOT NULL AND phase IN (1, 2)"
		" UNION ALL SELECT ticket_id, due_us FROM sla_targets WHERE next_alarm_us IS NOT NULL"
		" AND next_alarm_us <= 5 AND phase = 1 AND breached_at IS NULL AND due_us < 5 ORDER BY 2",
	};
	/* The same of one store (a principal limited to it): each row's
	 * ticket looked up by its key. */
	const char *store_lists[] = {
		"SELECT ticket_id, due_us FROM sla_targets c WHERE phase = 1 AND warned = 1 AND breached_at IS NULL"
		" AND due_us >= 5 AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.store_code = 'SH01')"
		" UNION ALL SELECT ticket_id, due_us FROM sla_targets c WHERE next_alarm_us IS NOT NULL"
		" AND next_alarm_us <= 5 AND next_pct < 100 AND phase = 1 AND warned = 0 AND breached_at IS NULL"
		" AND due_us >= 5 AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.store_code = 'SH01') ORDER BY 2",
		"SELECT ticket_id, breached_at FROM sla_targets c WHERE breached_at IS NOT NULL AND phase IN (1, 2)"
		" AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.store_code = 'SH01')"
		" UNION ALL SELECT ticket_id, due_us FROM sla_targets c WHERE next_alarm_us IS NOT NULL"
		" AND next_alarm_us <= 5 AND phase = 1 AND breached_at IS NULL AND due_us < 5"
		" AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.store_code = 'SH01') ORDER BY 2",
	};
	const char *recorded_index[] = {"sla_targets_at_risk", "sla_targets_breached"};
	for (size_t q = 0; q < 4; q++) {
		const char *list = q < 2 ? lists[q] : store_lists[q - 2];
		char eqp[1024];
		snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", list);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(s), eqp, -1, &st, NULL), SQLITE_OK);
		int recorded = 0, pending = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			if (strstr(d, "SCAN"))
				print_error("%s\n%s\n", list, d);
			assert_null(strstr(d, "SCAN"));
			recorded += strstr(d, recorded_index[q % 2]) != NULL;
			pending += strstr(d, "sla_targets_alarm") != NULL;
		}
		sqlite3_finalize(st);
		assert_int_equal(recorded, 1);
		assert_int_equal(pending, 1);
	}
	csvc_store_close(s);
}


static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A store file: SQLite whatever CSVC_TEST_PG says (these tests hold
 * SQLite's database-wide write lock from another connection). */
static csvc_store *open_file(const char *path, int32_t busy_ms)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.zoneinfo_dir = CSVC_TEST_DATA_DIR "/zoneinfo";
	o.busy_timeout_ms = busy_ms;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	return s;
}

/* An advance with nothing due only reads: it does not wait for the write
 * lock another connection holds. */
static void test_advance_nothing_due_does_not_wait(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-test-sla-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	now_cell = MON;
	csvc_store *a = open_file(path, 2000);
	csvc_assert_ok(csvc_store_install_defaults(a));
	csvc_ticket *t = open_ticket(a, "complaint", MON);
	csvc_store *b = open_file(path, 2000);

	csvc_assert_ok(csvc_store_begin(a)); /* holds the write lock */
	int64_t n = -1;
	int64_t start = monotonic_ms();
	csvc_assert_ok(csvc_sla_advance(b, MON + HOUR, NULL, NULL, &n));
	int64_t took = monotonic_ms() - start;
	if (took >= 500)
		print_error("advance with nothing due took %lld ms\n", (long long)took);
	assert_true(took < 500);
	assert_int_equal(n, 0);
	csvc_assert_ok(csvc_store_commit(a));

	/* With the lock free, what is due is emitted as before. */
	alarms log = {0};
	csvc_assert_ok(csvc_sla_advance(b, MON + 20 * HOUR, on_alarm, &log, &n));
	assert_int_equal(n, 1);
	assert_string_equal(log.target[0], "respond");
	assert_int_equal(log.percent[0], 80);
	csvc_ticket_free(t);
	csvc_store_close(b);
	csvc_store_close(a);
	unlink(path);
	char wal[80];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	rmdir(dir);
}


/* A ticket of `kind` for `customer` (may be NULL) at `urgency`, created at `at`. */
static csvc_ticket *open_ticket_for(csvc_store *s, const char *kind, const csvc_customer *customer,
                                    int32_t urgency, csvc_time_us at)
{
	now_cell = at;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, kind, "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "sla"));
	if (customer)
		csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(customer)));
	csvc_assert_ok(csvc_ticket_set_urgency(t, urgency));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

static csvc_customer *customer_of(csvc_store *s, int32_t klass, int32_t tier)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "顾客"));
	if (klass)
		csvc_assert_ok(csvc_customer_set_class(c, klass));
	if (tier)
		csvc_assert_ok(csvc_customer_set_tier(c, tier));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	return c;
}

static void expect_policy(csvc_store *s, const csvc_ticket *t, const char *target_name, const char *policy,
                          csvc_time_us due)
{
	csvc_sla_target *x = target(s, t, target_name);
	if (strcmp(csvc_sla_target_policy(x), policy) != 0 || csvc_sla_target_due_at(x) != due)
		print_error("%s %s: policy %s (want %s), due %lld (want %lld)\n", csvc_ticket_number(t), target_name,
		            csvc_sla_target_policy(x), policy, (long long)csvc_sla_target_due_at(x), (long long)due);
	assert_string_equal(csvc_sla_target_policy(x), policy);
	assert_int_equal(csvc_sla_target_due_at(x), due);
	csvc_sla_target_free(x);
}

/* Emergencies, urgent tickets and VIP customers get the faster defaults;
 * the others keep theirs. */
static void test_emergency_and_vip_defaults(void **state)
{
	(void)state;
	csvc_store *s = open_store(MON);
	csvc_customer *vip = customer_of(s, CSVC_CUSTOMER_VIP, 0);
	csvc_customer *tier1 = customer_of(s, CSVC_CUSTOMER_ORDINARY, CSVC_TIER_1);
	csvc_customer *plain = customer_of(s, CSVC_CUSTOMER_ORDINARY, CSVC_TIER_3);
	const int32_t G = CSVC_URGENCY_GENERAL, E = CSVC_URGENCY_EMERGENCY;
	csvc_time_us at = LOCAL(0, 17, 50); /* 10 min before closing */

	/* An emergency: 15 min in wall-clock time, whoever the customer. */
	csvc_ticket *emergency = open_ticket_for(s, "emergency", plain, G, at);
	expect_policy(s, emergency, "first_response", "default_emergency", at + 15 * MIN);
	csvc_ticket *emergency_vip = open_ticket_for(s, "emergency", vip, G, at);
	expect_policy(s, emergency_vip, "first_response", "default_emergency", at + 15 * MIN);
	/* Urgency 紧急 on any kind. */
	csvc_ticket *urgent = open_ticket_for(s, "reservation", NULL, E, at);
	expect_policy(s, urgent, "first_response", "default_urgent", at + 15 * MIN);
	csvc_ticket *urgent_inquiry = open_ticket_for(s, "inquiry", vip, E, at);
	expect_policy(s, urgent_inquiry, "first_response", "default_urgent", at + 15 * MIN);
	/* An urgent complaint keeps the complaint deadlines. */
	csvc_ticket *urgent_complaint = open_ticket_for(s, "complaint", plain, E, at);
	expect_policy(s, urgent_complaint, "fast_response", "default_urgent_complaint", at + 15 * MIN);
	expect_policy(s, urgent_complaint, "respond", "default_urgent_complaint", at + 24 * HOUR);
	expect_policy(s, urgent_complaint, "reported_back", "default_urgent_complaint", at + 72 * HOUR);
	/* VIP class or tier 1: 15 min on the store calendar, before the kind's
	 * own policy. */
	csvc_ticket *vip_inquiry = open_ticket_for(s, "inquiry", vip, G, at);
	expect_policy(s, vip_inquiry, "first_response", "default_vip", LOCAL(1, 9, 5));
	csvc_ticket *vip_complaint = open_ticket_for(s, "complaint", vip, G, at);
	expect_policy(s, vip_complaint, "fast_response", "default_vip_complaint", LOCAL(1, 9, 5));
	expect_policy(s, vip_complaint, "handled", "default_vip_complaint", at + 48 * HOUR);
	csvc_ticket *tier1_reservation = open_ticket_for(s, "reservation", tier1, G, at);
	expect_policy(s, tier1_reservation, "first_response", "default_tier1", LOCAL(1, 9, 5));
	csvc_ticket *tier1_complaint = open_ticket_for(s, "complaint", tier1, G, at);
	expect_policy(s, tier1_complaint, "respond", "default_tier1_complaint", at + 24 * HOUR);
	/* The others as before. */
	csvc_ticket *inquiry = open_ticket_for(s, "inquiry", plain, G, at);
	expect_policy(s, inquiry, "first_response", "handbook_inquiry", LOCAL(1, 9, 10));
	csvc_ticket *complaint = open_ticket_for(s, "complaint", NULL, CSVC_URGENCY_MAJOR, at);
	expect_policy(s, complaint, "respond", "handbook_complaint", at + 24 * HOUR);
	csvc_ticket *reservation = open_ticket_for(s, "reservation", plain, G, at);
	/* 4 h of business time: 10 min Monday, 3 h 50 Tuesday from 09:00 (13:00 after lunch). */
	expect_policy(s, reservation, "first_response", "default", LOCAL(1, 13, 50));

	/* A customer who becomes VIP moves to the VIP policy. */
	csvc_customer *g = NULL;
	csvc_assert_ok(csvc_customer_get(s, csvc_customer_id(plain), &g));
	csvc_assert_ok(csvc_customer_set_class(g, CSVC_CUSTOMER_VIP));
	now_cell = at + MIN;
	csvc_assert_ok(csvc_customer_update(s, g, "clerk"));
	csvc_customer_free(g);
	csvc_sla_target *x = target(s, reservation, "first_response");
	assert_string_equal(csvc_sla_target_policy(x), "default_vip");
	csvc_sla_target_free(x);

	/* Installing again changes nothing. */
	int64_t policies = sql_int(s, "SELECT count(*) FROM sla_policies");
	csvc_assert_ok(csvc_sla_install_defaults(s));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM sla_policies"), policies);

	csvc_ticket *all[] = {emergency, emergency_vip, urgent, urgent_inquiry, urgent_complaint, vip_inquiry,
	                      vip_complaint, tier1_reservation, tier1_complaint, inquiry, complaint, reservation};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_recompute_equal(s, all[i]);
		csvc_ticket_free(all[i]);
	}
	csvc_customer_free(vip);
	csvc_customer_free(tier1);
	csvc_customer_free(plain);
	csvc_store_close(s);
}


/* The names of the targets a list returns, joined with spaces. */
static void list_names(csvc_store *s, int breached, char *out, size_t n)
{
	csvc_sla_iter *it = NULL;
	csvc_assert_ok(breached ? csvc_sla_breached(s, 0, &it) : csvc_sla_at_risk(s, 0, &it));
	csvc_sla_target *x = NULL;
	out[0] = '\0';
	int rc;
	while ((rc = csvc_sla_iter_next(it, &x)) == CSVC_OK) {
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", len ? " " : "", csvc_sla_target_name(x));
		if (breached) {
			assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_BREACHED);
			assert_true(csvc_sla_target_breached_at(x) != 0);
		} else {
			assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_RUNNING);
		}
		csvc_sla_target_free(x);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_sla_iter_free(it);
}

/* A reader sees the status as of the store clock: a deadline that has
 * passed reads as breached (dated at the deadline) before csvc_sla_advance
 * records it, and the lists agree. */
static void test_status_at_read_time(void **state)
{
	(void)state;
	csvc_time_us t0 = MON + 3 * HOUR;
	csvc_store *s = open_store(t0);
	csvc_ticket *t = open_ticket(s, "complaint", t0);
	char names[256];

	/* At the deadline itself: still on time. */
	now_cell = t0 + 24 * HOUR;
	expect(s, t, "respond", CSVC_SLA_RUNNING, t0 + 24 * HOUR, 0);
	list_names(s, 0, names, sizeof(names));
	assert_string_equal(names, "respond"); /* its 80 % warning passed at 19.2 h */
	list_names(s, 1, names, sizeof(names));
	assert_string_equal(names, "");

	/* One microsecond later it is breached, though nothing ran advance. */
	now_cell = t0 + 24 * HOUR + 1;
	expect(s, t, "respond", CSVC_SLA_BREACHED, t0 + 24 * HOUR, t0 + 24 * HOUR);
	now_cell = t0 + 40 * HOUR;
	expect(s, t, "respond", CSVC_SLA_BREACHED, t0 + 24 * HOUR, t0 + 24 * HOUR);
	expect(s, t, "handled", CSVC_SLA_RUNNING, t0 + 48 * HOUR, 0);
	list_names(s, 1, names, sizeof(names));
	assert_string_equal(names, "respond");
	list_names(s, 0, names, sizeof(names));
	assert_string_equal(names, "handled"); /* 80 % of 48 h = 38.4 h */
	now_cell = t0 + 73 * HOUR;
	list_names(s, 1, names, sizeof(names));
	assert_string_equal(names, "respond handled reported_back"); /* by breach time */
	list_names(s, 0, names, sizeof(names));
	assert_string_equal(names, "");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_events WHERE type LIKE 'sla_%'"), 0);

	/* Advance records the same breaches: the reading does not change. */
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(s, now_cell, NULL, NULL, &n));
	assert_int_equal(n, 6);
	expect(s, t, "respond", CSVC_SLA_BREACHED, t0 + 24 * HOUR, t0 + 24 * HOUR);
	expect(s, t, "reported_back", CSVC_SLA_BREACHED, t0 + 72 * HOUR, t0 + 72 * HOUR);
	list_names(s, 1, names, sizeof(names));
	assert_string_equal(names, "respond handled reported_back");

	/* Met late: met, with the breach on record. */
	now_cell = t0 + 74 * HOUR;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "analyse", 0, "agent", NULL, NULL));
	expect(s, t, "respond", CSVC_SLA_MET, 0, t0 + 24 * HOUR);
	assert_recompute_equal(s, t);

	/* A paused target is not overdue while paused. */
	csvc_ticket *q = open_ticket(s, "inquiry", LOCAL(7, 10, 0));
	now_cell = LOCAL(7, 10, 5);
	csvc_assert_ok(csvc_ticket_comment(s, csvc_ticket_id(q), &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好", NULL, 0, "agent"}, NULL));
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(q), "wait_customer", 0, "agent", NULL, NULL));
	now_cell = LOCAL(21, 10, 0);
	expect(s, q, "resolution", CSVC_SLA_PAUSED, 0, 0);
	csvc_ticket_free(q);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

static const char MALL_CALENDAR[] =
	"{\"zone\":\"+08:00\",\"versions\":[{\"week\":{"
	"\"mon\":[\"10:00-22:00\"],\"tue\":[\"10:00-22:00\"],\"wed\":[\"10:00-22:00\"],\"thu\":[\"10:00-22:00\"],"
	"\"fri\":[\"10:00-22:00\"],\"sat\":[\"10:00-22:00\"],\"sun\":[\"10:00-22:00\"]}}]}";

static void save_mall_calendar(csvc_store *s, const char *name)
{
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, MALL_CALENDAR, strlen(MALL_CALENDAR), NULL));
	csvc_assert_ok(csvc_calendar_save(s, name, cal));
	csvc_calendar_free(cal);
}

/* A complaint policy counting an hour on the named calendar `cal`. */
static csvc_sla_policy *named_calendar_policy(const char *name, const char *cal)
{
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, name, 1));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "complaint"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "respond", HOUR, CSVC_SLA_CALENDAR_NAMED, cal, &i));
	csvc_assert_ok(csvc_sla_target_met_by_reply(p, i));
	return p;
}

/* Neither end may leave a policy naming a calendar that is not there. */
static void test_dangling_calendar_refused(void **state)
{
	(void)state;
	csvc_store *s = open_store(LOCAL(0, 10, 0));
	csvc_sla_policy *p = named_calendar_policy("mall_complaints", "mall");
	int32_t v = 0;
	csvc_assert_err(csvc_sla_policy_save(s, p, &v), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "'mall'"));
	csvc_sla_policy *none = NULL;
	csvc_assert_err(csvc_sla_policy_load(s, "mall_complaints", 0, &none), CSVC_ENOTFOUND);

	save_mall_calendar(s, "mall");
	csvc_assert_ok(csvc_sla_policy_save(s, p, &v));
	csvc_assert_err(csvc_calendar_delete(s, "mall"), CSVC_ESTATE);
	csvc_calendar *still = NULL;
	csvc_assert_ok(csvc_calendar_load(s, "mall", NULL, &still));
	csvc_calendar_free(still);

	/* An open ticket's clock counts on it: a new policy version without
	 * it is not enough. */
	csvc_ticket *t = open_ticket(s, "complaint", LOCAL(0, 10, 0));
	csvc_sla_policy *p2 = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p2, "mall_complaints", 1));
	csvc_assert_ok(csvc_sla_policy_match_kind(p2, "complaint"));
	csvc_assert_ok(csvc_sla_policy_add_target(p2, "respond", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_reply(p2, i));
	csvc_assert_ok(csvc_sla_policy_save(s, p2, &v));
	assert_int_equal(v, 2);
	csvc_assert_err(csvc_calendar_delete(s, "mall"), CSVC_ESTATE);
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "cancel", 0, "clerk", NULL, NULL));
	csvc_assert_ok(csvc_calendar_delete(s, "mall"));

	/* A retired policy no longer holds its calendar. */
	save_mall_calendar(s, "mall2");
	csvc_sla_policy *p3 = named_calendar_policy("other", "mall2");
	csvc_assert_ok(csvc_sla_policy_save(s, p3, &v));
	csvc_assert_err(csvc_calendar_delete(s, "mall2"), CSVC_ESTATE);
	csvc_assert_ok(csvc_sla_policy_retire(s, "other"));
	csvc_assert_ok(csvc_calendar_delete(s, "mall2"));
	csvc_sla_policy_free(p);
	csvc_sla_policy_free(p2);
	csvc_sla_policy_free(p3);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

typedef struct per_ticket {
	char numbers[8][24];
	int count[8];
	int n;
} per_ticket;

static int count_per_ticket(const csvc_sla_alarm *a, void *ud)
{
	per_ticket *p = ud;
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->numbers[i], a->ticket_number) == 0) {
			p->count[i]++;
			return 0;
		}
	if (p->n < 8) {
		snprintf(p->numbers[p->n], sizeof(p->numbers[0]), "%s", a->ticket_number);
		p->count[p->n++] = 1;
	}
	return 0;
}

static int alarms_of(const per_ticket *p, const csvc_ticket *t)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->numbers[i], csvc_ticket_number(t)) == 0)
			return p->count[i];
	return 0;
}

static void count_errors(int32_t level, const char *message, void *userdata)
{
	(void)message;
	if (level == CSVC_LOG_ERROR)
		++*(int *)userdata;
}

/* A store where an earlier version let a named calendar be deleted: one
 * bad clock must not stop the others, nor ticket creation. */
static void test_missing_calendar_does_not_stop_the_engine(void **state)
{
	(void)state;
	now_cell = LOCAL(0, 10, 0);
	int errors = 0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.log = count_errors;
	o.log_userdata = &errors;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, ":memory:", &o));
	csvc_assert_ok(csvc_store_install_defaults(s));
	save_mall_calendar(s, "mall");
	csvc_sla_policy *p = named_calendar_policy("mall_complaints", "mall");
	csvc_assert_ok(csvc_sla_policy_save(s, p, NULL));
	csvc_ticket *a = open_ticket(s, "complaint", LOCAL(0, 10, 0));
	csvc_ticket *b = open_ticket(s, "inquiry", LOCAL(0, 10, 0));
	csvc_assert_ok(csvc_test_sql_exec(s, csvc_test_on_pg() ? "DROP TRIGGER calendars_in_use_by_sla ON calendars;"
	                                                          "DELETE FROM calendars WHERE name = 'mall'"
	                                                        : "DROP TRIGGER calendars_in_use_by_sla;"
	                                                          "DELETE FROM calendars WHERE name = 'mall'"));

	/* Tickets the policy matches can still be created, alone or inside
	 * the caller's transaction. */
	csvc_ticket *c = open_ticket(s, "complaint", LOCAL(0, 10, 5));
	csvc_assert_ok(csvc_store_begin(s));
	csvc_ticket *d = open_ticket(s, "complaint", LOCAL(0, 10, 6));
	csvc_ticket *e = open_ticket(s, "inquiry", LOCAL(0, 10, 6));
	csvc_assert_ok(csvc_store_commit(s));
	assert_true(errors > 0);

	per_ticket seen = {0};
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(s, LOCAL(3, 10, 0), count_per_ticket, &seen, &n));
	assert_true(n > 0);
	/* The complaints counted wall-clock time: breached an hour in. */
	assert_true(alarms_of(&seen, a) > 0);
	assert_true(alarms_of(&seen, c) > 0);
	assert_true(alarms_of(&seen, d) > 0);
	assert_true(alarms_of(&seen, b) > 0);
	assert_true(alarms_of(&seen, e) > 0);
	csvc_sla_target *x = target(s, a, "respond");
	assert_int_equal(csvc_sla_target_status(x), CSVC_SLA_BREACHED);
	assert_int_equal(csvc_sla_target_breached_at(x), LOCAL(0, 11, 0));
	assert_non_null(csvc_sla_target_fault(x));
	assert_non_null(strstr(csvc_sla_target_fault(x), "'mall'"));
	csvc_sla_target_free(x);
	x = target(s, d, "respond");
	assert_non_null(csvc_sla_target_fault(x));
	csvc_sla_target_free(x);
	x = target(s, b, "first_response");
	assert_null(csvc_sla_target_fault(x));
	assert_null(csvc_sla_target_fault(NULL));
	csvc_sla_target_free(x);
	assert_recompute_equal(s, a);
	assert_recompute_equal(s, d);

	/* With the calendar back, the fault clears when the clock next moves. */
	save_mall_calendar(s, "mall");
	csvc_ticket *f = open_ticket(s, "complaint", LOCAL(3, 10, 0));
	x = target(s, f, "respond");
	assert_null(csvc_sla_target_fault(x));
	assert_int_equal(csvc_sla_target_due_at(x), LOCAL(3, 11, 0));
	csvc_sla_target_free(x);
	csvc_sla_policy_free(p);
	csvc_ticket_free(a);
	csvc_ticket_free(b);
	csvc_ticket_free(c);
	csvc_ticket_free(d);
	csvc_ticket_free(e);
	csvc_ticket_free(f);
	csvc_store_close(s);
}

/* The payload of the ticket's last event of `type`. */
static void last_payload(csvc_store *s, const csvc_ticket *t, const char *type, char *out, size_t n)
{
	csvc_event_iter *it = NULL;
	csvc_event *ev = NULL;
	out[0] = '\0';
	csvc_assert_ok(csvc_ticket_history_new(s, csvc_ticket_id(t), &it));
	int rc;
	while ((rc = csvc_ticket_history_next(it, &ev)) == CSVC_OK) {
		if (strcmp(csvc_event_type(ev), type) == 0)
			snprintf(out, n, "%s", csvc_event_payload(ev));
		csvc_event_free(ev);
	}
	assert_int_equal(rc, CSVC_ITEROVER);
	csvc_ticket_history_free(it);
}

/* The store's calendar changes between a ticket's creation and its move
 * to another policy: the old clocks keep the calendar they started on up
 * to the move, the new ones take the store's calendar of the day, and
 * recompute replays each period on its own calendar (the policy change
 * records both). */
static void test_rematch_after_store_calendar_change(void **state)
{
	(void)state;
	csvc_time_us t0 = LOCAL(0, 10, 0); /* Monday 10:00 local: "sh" is open */
	csvc_store *s = open_store(t0);
	csvc_sla_policy *base = policy("base", 500, 4 * HOUR, CSVC_SLA_CALENDAR_STORE);
	csvc_assert_ok(csvc_sla_policy_match_kind(base, "facility"));
	csvc_assert_ok(csvc_sla_policy_save(s, base, NULL));
	csvc_sla_policy_free(base);
	csvc_sla_policy *vip = policy("vip", 1, 2 * HOUR, CSVC_SLA_CALENDAR_STORE);
	csvc_assert_ok(csvc_sla_policy_match_customer_class(vip, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_sla_policy_save(s, vip, NULL));
	csvc_sla_policy_free(vip);
	static const char nights[] = "{\"zone\":\"+08:00\",\"versions\":[{\"week\":{\"mon\":[\"22:00-24:00\"]}}]}";
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, nights, strlen(nights), NULL));
	csvc_assert_ok(csvc_calendar_save(s, "nights \"late\"", cal));
	csvc_calendar_free(cal);
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "facility", "SH01"));
	csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(c)));
	csvc_assert_ok(csvc_ticket_create(s, t, NULL));
	expect_policy(s, t, "resolution", "base", LOCAL(0, 15, 0)); /* 10-12, 13-15 */

	now_cell = t0 + 30 * MIN;
	csvc_assert_ok(csvc_calendar_attach(s, "SH01", "nights \"late\""));
	expect_policy(s, t, "resolution", "base", LOCAL(0, 15, 0)); /* the clock keeps its calendar */
	now_cell = t0 + HOUR;
	csvc_assert_ok(csvc_customer_set_class(c, CSVC_CUSTOMER_VIP));
	csvc_assert_ok(csvc_customer_update(s, c, "crm"));
	/* An hour used on "sh" (10:00-11:00), the second on the nights. */
	expect_policy(s, t, "resolution", "vip", LOCAL(0, 23, 0));
	char payload[512];
	last_payload(s, t, "sla_policy", payload, sizeof(payload));
	assert_non_null(strstr(payload, ",\"store_calendar\":\"nights \\\"late\\\"\",\"from_store_calendar\":\"sh\"}"));
	assert_recompute_equal(s, t);
	int equal = 0;
	csvc_assert_ok(csvc_sla_recompute(s, csvc_ticket_id(t), 1, &equal));
	assert_true(equal);
	expect_policy(s, t, "resolution", "vip", LOCAL(0, 23, 0));
	csvc_ticket_free(t);
	csvc_customer_free(c);
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dangling_calendar_refused),
		cmocka_unit_test(test_missing_calendar_does_not_stop_the_engine),
		cmocka_unit_test(test_inquiry_handbook_default),
		cmocka_unit_test(test_complaint_and_late_breach),
		cmocka_unit_test(test_pause_resume_reopen),
		cmocka_unit_test(test_progress_is_not_reopen),
		cmocka_unit_test(test_priority_change_mid_flight),
		cmocka_unit_test(test_rematch_on_customer_class_and_explicit),
		cmocka_unit_test(test_customer_merge_seen_by_hook_and_rematched),
		cmocka_unit_test(test_rematch_after_store_calendar_change),
		cmocka_unit_test(test_next_update_and_escalations),
		cmocka_unit_test(test_escalation_not_applicable),
		cmocka_unit_test(test_escalation_refused_by_references),
		cmocka_unit_test(test_policy_validation),
		cmocka_unit_test(test_calendar_without_business_time),
		cmocka_unit_test(test_recompute_matches_incremental),
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_status_at_read_time),
		cmocka_unit_test(test_emergency_and_vip_defaults),
		cmocka_unit_test(test_advance_nothing_due_does_not_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
