/*
 * Fuzz target: the input is a program of API calls on a fresh store file
 * with the handbook defaults: create customers and tickets,
 * transitions, comments, assignments, priority changes, clock steps, SLA
 * advances, calendars saved and attached, SLA policies saved on named
 * calendars, customer merges and erasures, and KPI reports. After every
 * step:
 *   - the call returned CSVC_OK or a negative code that is also in the
 *     error record, with a message; no transaction is left open;
 *   - the ticket's row equals its replay from the event log, its SLA
 *     state equals csvc_sla_recompute (docs/sla.md), and no SLA target has
 *     a negative used time: for a step on one
 *     ticket that ticket, for any other step (SLA advance, policies,
 *     calendars, merges, erasures, customer changes) every ticket.
 *
 * Clock steps backward (FUZZ_CLOCK_BACKWARD) and calendar deletes
 * (FUZZ_CALENDAR_DELETE) are on; each can be turned off with -D...=0 to
 * look at something else.
 * FUZZ_CALENDAR_EDIT lets a saved calendar be saved again with other
 * hours; docs/sla.md does not say what recompute then equals, so it is off
 * too.
 *
 * Input: [op][argument bytes]..., see the switch below.
 */
#include "fuzz-util.h"

#ifndef FUZZ_CLOCK_BACKWARD
#define FUZZ_CLOCK_BACKWARD 1
#endif
#ifndef FUZZ_CALENDAR_DELETE
#define FUZZ_CALENDAR_DELETE 1
#endif
#ifndef FUZZ_CALENDAR_EDIT
#define FUZZ_CALENDAR_EDIT 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIN_US ((int64_t)60 * 1000000)
#define MAX_TICKETS 12
#define MAX_CUSTOMERS 8
#define MAX_STEPS 64

static csvc_time_us fuzz_now;

static csvc_time_us fuzz_clock(void *ud)
{
	(void)ud;
	return fuzz_now;
}

static const char *const kinds[] = {"complaint", "inquiry", "suggestion", "after_sales", "no_such_kind"};
static const char *const stores[] = {"SH01", "SH02", "BJ01"};
static const char *const transitions[] = {"start", "resolve", "wait_customer", "resume", "close", "reopen",
                                          "cancel", "analyse", "handle", "report_back", "escalate", "answer"};
static const char *const calendars[] = {"office", "night", "shanghai"};
static const char *const calendar_json[] = {
	"{\"zone\": \"UTC\", \"versions\": [{\"week\": {\"mon\": [\"09:00-18:00\"], \"tue\": [\"09:00-18:00\"],"
	" \"wed\": [\"09:00-18:00\"], \"thu\": [\"09:00-18:00\"], \"fri\": [\"09:00-18:00\"]}}]}",
	"{\"zone\": \"+08:00\", \"versions\": [{\"week\": {\"mon\": [\"22:00-24:00\"], \"tue\": [\"00:00-06:00\","
	" \"22:00-24:00\"], \"sat\": [\"10:00-16:00\"]}}], \"holidays\": [\"2026-01-02\"]}",
	"{\"zone\": \"+08:00\", \"versions\": [{\"week\": {\"mon\": [\"09:00-12:00\", \"13:00-18:00\"],"
	" \"wed\": [\"09:00-12:00\", \"13:00-18:00\"], \"sun\": [\"10:00-11:00\"]}}]}",
};
/* Another week for FUZZ_CALENDAR_EDIT. */
static const char edited_json[] = "{\"zone\": \"UTC\", \"versions\": [{\"week\": {\"sat\": [\"08:00-20:00\"]}}]}";

typedef struct state {
	csvc_store *s;
	csvc_uuid tickets[MAX_TICKETS];
	size_t n_tickets;
	csvc_uuid customers[MAX_CUSTOMERS];
	size_t n_customers;
	int calendar_saved[3];
} state;

static void check_ticket(state *st, const csvc_uuid *id)
{
	csvc_ticket *t = NULL, *r = NULL;
	int rc = csvc_ticket_get(st->s, id, &t);
	FUZZ_CHECK_RC(rc, "ticket_get");
	FUZZ_ASSERT(rc == CSVC_OK, "a created ticket can be read");
	rc = csvc_ticket_replay(st->s, id, &r);
	FUZZ_CHECK_RC(rc, "ticket_replay");
	FUZZ_ASSERT(rc == CSVC_OK && csvc_ticket_equal(t, r), "a ticket equals its replay");
	int equal = 0;
	rc = csvc_sla_recompute(st->s, id, 0, &equal);
	FUZZ_CHECK_RC(rc, "sla_recompute");
	FUZZ_ASSERT(rc == CSVC_OK && equal == 1, "SLA state equals its recompute");
	csvc_sla_iter *it = NULL;
	rc = csvc_sla_ticket_targets(st->s, id, &it);
	FUZZ_CHECK_RC(rc, "sla_ticket_targets");
	csvc_sla_target *target = NULL;
	while (rc == CSVC_OK && (rc = csvc_sla_iter_next(it, &target)) == CSVC_OK) {
		FUZZ_ASSERT(csvc_sla_target_used(target) >= 0, "an SLA target's used time is not negative");
		FUZZ_ASSERT(csvc_sla_target_duration(target) > 0, "an SLA target has a duration");
		csvc_sla_target_free(target);
	}
	FUZZ_ASSERT(rc == CSVC_OK || rc == CSVC_ITEROVER, "the SLA target list reads to its end");
	csvc_sla_iter_free(it);
	csvc_ticket_free(t);
	csvc_ticket_free(r);
}

/* The checks after a step: of the ticket it acted on, or of every ticket
 * when the step can reach several (ticket NULL). */
static void after_ticket_step(state *st, int rc, const char *what, const csvc_uuid *ticket)
{
	FUZZ_CHECK_RC(rc, what);
	FUZZ_ASSERT(csvc_store_tx_depth(st->s) == 0, "no transaction left open");
	if (ticket) {
		check_ticket(st, ticket);
		return;
	}
	for (size_t i = 0; i < st->n_tickets; i++)
		check_ticket(st, &st->tickets[i]);
}

static void after_step(state *st, int rc, const char *what)
{
	after_ticket_step(st, rc, what, NULL);
}

static int save_calendar(state *st, size_t k, const char *json)
{
	csvc_calendar *cal = NULL;
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	int rc = csvc_calendar_parse(&cal, json, strlen(json), &o);
	FUZZ_CHECK_RC(rc, "calendar_parse");
	if (rc)
		abort(); /* the fixed texts are valid */
	rc = csvc_calendar_save(st->s, calendars[k], cal);
	csvc_calendar_free(cal);
	if (rc == CSVC_OK)
		st->calendar_saved[k] = 1;
	return rc;
}

static int step(state *st, fuzz_in *in)
{
	uint8_t op = fuzz_byte(in);
	uint8_t a = fuzz_byte(in), b = fuzz_byte(in);
	const csvc_uuid *ticket = st->n_tickets ? &st->tickets[a % st->n_tickets] : NULL;
	int rc = CSVC_OK;
	switch (op % 18) {
	case 0: { /* a customer */
		if (st->n_customers == MAX_CUSTOMERS)
			break;
		csvc_customer *c = NULL;
		char phone[16];
		snprintf(phone, sizeof(phone), "1390000%04u", (unsigned)(a * 7 + b) % 10000u);
		if (csvc_customer_new(&c) || csvc_customer_set_name(c, "顾客") || csvc_customer_add_phone(c, phone))
			abort();
		rc = csvc_customer_create(st->s, c, "fuzz");
		if (rc == CSVC_OK)
			st->customers[st->n_customers++] = *csvc_customer_id(c);
		csvc_customer_free(c);
		after_step(st, rc, "customer_create");
		break;
	}
	case 1:
	case 2: { /* a ticket */
		if (st->n_tickets == MAX_TICKETS)
			break;
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, kinds[a % 5], stores[b % 3]))
			abort();
		if (st->n_customers && (b & 0x10))
			csvc_ticket_set_customer(t, &st->customers[(b >> 5) % st->n_customers]);
		csvc_ticket_set_subject(t, "排队太久");
		rc = csvc_ticket_create(st->s, t, "fuzz");
		if (rc == CSVC_OK)
			st->tickets[st->n_tickets++] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
		after_ticket_step(st, rc, "ticket_create", rc == CSVC_OK ? &st->tickets[st->n_tickets - 1] : NULL);
		break;
	}
	case 3:
	case 4:
		if (ticket)
			after_ticket_step(st, csvc_ticket_transition(st->s, ticket, transitions[b % 12], 0, "fuzz", NULL, NULL),
			                  "ticket_transition", ticket);
		break;
	case 5:
		if (ticket)
			after_ticket_step(st,
			                  csvc_ticket_comment(st->s, ticket, &(csvc_comment){CSVC_COMMENT_VERSION, 1 + (int32_t)(b % 5), "您好", NULL, 0, "fuzz"}, NULL),
			                  "ticket_comment", ticket);
		break;
	case 6:
		if (ticket)
			after_ticket_step(st,
			                  csvc_ticket_assign(st->s, ticket, b & 1 ? "lead" : NULL, b & 2 ? "team-a" : NULL, 0,
			                                     "fuzz", NULL),
			                  "ticket_assign", ticket);
		break;
	case 7: { /* priority */
		if (!ticket)
			break;
		csvc_ticket *t = NULL;
		if (csvc_ticket_get(st->s, ticket, &t))
			abort();
		rc = csvc_ticket_set_priority(t, b % 6);
		if (rc == CSVC_OK)
			rc = csvc_ticket_update(st->s, t, "fuzz");
		csvc_ticket_free(t);
		after_ticket_step(st, rc, "ticket_update", ticket);
		break;
	}
	case 8:
	case 9: /* the clock forward: up to about 10 days */
		fuzz_now += (int64_t)(a * 256 + b) * MIN_US / 4;
		break;
	case 10:
		if (FUZZ_CLOCK_BACKWARD)
			fuzz_now -= (int64_t)(a * 256 + b) * MIN_US / 16;
		break;
	case 11:
		after_step(st, csvc_sla_advance(st->s, fuzz_now, NULL, NULL, NULL), "sla_advance");
		break;
	case 12: { /* a calendar, saved once (or edited, with FUZZ_CALENDAR_EDIT) */
		size_t k = a % 3;
		if (st->calendar_saved[k] && !FUZZ_CALENDAR_EDIT)
			break;
		after_step(st, save_calendar(st, k, st->calendar_saved[k] ? edited_json : calendar_json[k]),
		           "calendar_save");
		break;
	}
	case 13:
		if (b & 1)
			after_step(st, csvc_calendar_attach(st->s, stores[b % 3], calendars[a % 3]), "calendar_attach");
		else if (FUZZ_CALENDAR_DELETE)
			after_step(st, csvc_calendar_delete(st->s, calendars[a % 3]), "calendar_delete");
		break;
	case 14: { /* a policy on a named calendar (saved or not) */
		csvc_sla_policy *p = NULL;
		size_t i = 0;
		char name[32];
		snprintf(name, sizeof(name), "fuzz_%u", (unsigned)(a % 3));
		if (csvc_sla_policy_new(&p, name, (int32_t)(b % 20)))
			abort();
		rc = csvc_sla_policy_match_kind(p, kinds[a % 4]);
		if (!rc)
			rc = csvc_sla_policy_add_target(p, "resolution", (int64_t)(1 + b % 8) * 30 * MIN_US,
			                                b & 1 ? CSVC_SLA_CALENDAR_NAMED : CSVC_SLA_CALENDAR_STORE,
			                                b & 1 ? calendars[(a >> 2) % 3] : NULL, &i);
		if (!rc)
			rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED);
		if (!rc && (b & 2))
			rc = csvc_sla_target_warn_at(p, i, 50);
		if (!rc && (b & 4))
			rc = csvc_sla_target_pause_on_category(p, i, CSVC_STATE_WAITING);
		FUZZ_CHECK_RC(rc, "policy builder");
		if (!rc)
			rc = csvc_sla_policy_save(st->s, p, NULL);
		csvc_sla_policy_free(p);
		after_step(st, rc, "sla_policy_save");
		break;
	}
	case 15:
		if (st->n_customers >= 2) {
			size_t k = a % st->n_customers, m = b % st->n_customers;
			csvc_merge_report *rep = NULL;
			rc = csvc_customer_merge(st->s, &st->customers[k], &st->customers[m], "fuzz", &rep);
			csvc_merge_report_free(rep);
			after_step(st, rc, "customer_merge");
		}
		break;
	case 16:
		if (st->n_customers)
			after_step(st, csvc_customer_erase(st->s, &st->customers[a % st->n_customers], "fuzz"),
			           "customer_erase");
		break;
	default: {
		csvc_report_query q = CSVC_REPORT_QUERY_INIT;
		q.from = fuzz_now - (int64_t)(1 + a) * 60 * MIN_US;
		q.to = fuzz_now + (int64_t)b * MIN_US + 1;
		q.group_by = b % 3;
		csvc_report *r = NULL;
		rc = csvc_report_kpis(st->s, &q, &r);
		if (rc == CSVC_OK) {
			char *json = NULL;
			FUZZ_CHECK_RC(csvc_report_to_json(r, &json), "report_to_json");
			csvc_free(json);
		}
		csvc_report_free(r);
		after_step(st, rc, "report_kpis");
	}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	state st;
	memset(&st, 0, sizeof(st));
	fuzz_now = (csvc_time_us)1767225600 * 1000000; /* 2026-01-01T00:00Z, a Thursday */
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = fuzz_clock;
	o.durability = CSVC_DURABILITY_NORMAL; /* no fsync per commit: nothing here outlives the process */
	if (csvc_store_open(&st.s, fuzz_fresh_store(1), &o))
		abort();
	fuzz_in in = {data, data + size};
	for (int k = 0; k < MAX_STEPS && fuzz_more(&in); k++)
		step(&st, &in);
	after_step(&st, CSVC_OK, "the end");
	csvc_store_close(st.s);
	return 0;
}
