/*
 * Queues and time worked: queue values and their checks, saving and
 * reading queues (revisions, references, feed entries, never deleted),
 * the handbook's queues, opening a queue compared with a filter computed
 * here over every ticket (an oracle that shares no code with the query
 * builder), paging in priority order, access control and store scope;
 * logging time worked, its checks, a ticket's entries, totals compared
 * with sums made here, append-only triggers; and the query plans on both
 * engines.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "queue/queue-internal.h"
#include "store-sql.h"
#include "ticket/ticket-internal.h"
#include "ticket/worklog-internal.h"

#ifndef CSVC_TEST_SQLITE
#include "store-sqlite.h"
#endif

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */
#define MINUTE (60 * CSVC_SECOND_US)
#define HOUR (60 * MINUTE)

static csvc_time_us now_cell;

static csvc_store *open_store(void)
{
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	return s;
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

static void add_staff(csvc_store *s, const char *code, const char *home, const char *role)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	if (home)
		csvc_assert_ok(csvc_staff_set_home_store(st, home));
	if (role)
		csvc_assert_ok(csvc_staff_add_role(st, role));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
}

static csvc_queue *team_queue(const char *code, const char *team)
{
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_new(&q, code, "队列"));
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	f.team = team;
	f.states = CSVC_QUEUE_STATES_OPEN;
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	return q;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static void test_values(void **state)
{
	(void)state;
	csvc_queue *q = NULL;
	csvc_assert_err(csvc_queue_new(NULL, "a", "b"), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_new(&q, "Bad Code", "b"), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_new(&q, "a", ""), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_new(&q, "a", "x\ny"), CSVC_EINVAL);
	assert_null(q);
	csvc_assert_ok(csvc_queue_new(&q, "complaints_open", "投诉待办"));
	assert_string_equal(csvc_queue_code(q), "complaints_open");
	assert_string_equal(csvc_queue_name(q), "投诉待办");
	assert_int_equal(csvc_queue_active(q), 1);
	assert_int_equal(csvc_queue_revision(q), 0);
	assert_null(csvc_queue_owner_team(q));
	assert_null(csvc_queue_owner_staff(q));
	assert_null(csvc_queue_code(NULL));
	assert_int_equal(csvc_queue_active(NULL), 0);

	csvc_assert_err(csvc_queue_set_owner(q, "consult", "alice"), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_set_owner(q, "Bad Team", NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_queue_set_owner(q, "consult", NULL));
	assert_string_equal(csvc_queue_owner_team(q), "consult");
	csvc_assert_ok(csvc_queue_set_owner(q, NULL, "alice"));
	assert_null(csvc_queue_owner_team(q));
	assert_string_equal(csvc_queue_owner_staff(q), "alice");

	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT, g;
	csvc_uuid cust = {{7}};
	f.states = CSVC_QUEUE_STATE(CSVC_STATE_NEW) | CSVC_QUEUE_STATE(CSVC_STATE_WAITING);
	f.kind = "complaint";
	f.category = "退货";
	f.channel = "phone";
	f.store_code = "SH01";
	f.team = "complaints";
	f.unassigned = 1;
	f.max_priority = CSVC_PRIORITY_HIGH;
	f.customer = &cust;
	f.order = CSVC_QUEUE_ORDER_AGE;
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	csvc_assert_ok(csvc_queue_filter_init(&g, CSVC_QUEUE_FILTER_VERSION));
	csvc_assert_ok(csvc_queue_copy_filter(q, &g));
	assert_int_equal(g.states, f.states);
	assert_string_equal(g.kind, "complaint");
	assert_string_equal(g.category, "退货");
	assert_string_equal(g.channel, "phone");
	assert_string_equal(g.store_code, "SH01");
	assert_string_equal(g.team, "complaints");
	assert_null(g.assignee);
	assert_int_equal(g.unassigned, 1);
	assert_int_equal(g.assignee_self, 0);
	assert_int_equal(g.max_priority, CSVC_PRIORITY_HIGH);
	assert_true(csvc_uuid_equal(g.customer, &cust));
	assert_int_equal(g.order, CSVC_QUEUE_ORDER_AGE);

	/* Bad filters change nothing. */
	csvc_queue_filter bad = CSVC_QUEUE_FILTER_INIT;
	bad.states = 1u; /* category 0 is none */
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.max_priority = 5;
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.order = 3;
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.assignee = "alice";
	bad.assignee_self = 1;
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.category = "";
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.kind = "Not A Kind";
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.version = CSVC_QUEUE_FILTER_VERSION + 1;
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_EINVAL);
	char longcat[CSVC_TICKET_MAX_CATEGORY + 2];
	memset(longcat, 'x', sizeof(longcat) - 1);
	longcat[sizeof(longcat) - 1] = '\0';
	bad = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	bad.category = longcat;
	csvc_assert_err(csvc_queue_set_filter(q, &bad), CSVC_ERANGE);
	csvc_assert_ok(csvc_queue_copy_filter(q, &g));
	assert_string_equal(g.kind, "complaint");
	assert_int_equal(g.order, CSVC_QUEUE_ORDER_AGE);
	/* An order of 0 is priority. */
	csvc_queue_filter z = CSVC_QUEUE_FILTER_INIT;
	csvc_assert_ok(csvc_queue_set_filter(q, &z));
	csvc_assert_ok(csvc_queue_copy_filter(q, &g));
	assert_int_equal(g.order, CSVC_QUEUE_ORDER_PRIORITY);
	assert_null(g.kind);
	assert_null(g.customer);
	g.version = 0;
	csvc_assert_err(csvc_queue_copy_filter(q, &g), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_filter_init(&g, 0), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_filter_init(&g, CSVC_QUEUE_FILTER_VERSION + 1), CSVC_EINVAL);
	assert_string_equal(csvc_enum_name(CSVC_ENUM_QUEUE_ORDER, CSVC_QUEUE_ORDER_AGE), "age");
	assert_string_equal(csvc_enum_name(CSVC_ENUM_QUEUE_ORDER, CSVC_QUEUE_ORDER_PRIORITY), "priority");
	csvc_queue_free(q);
	csvc_queue_free(NULL);
}

/* ------------------------------------------------------------------ */
/* Saving                                                              */
/* ------------------------------------------------------------------ */

static void test_save(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	add_staff(s, "alice", "SH01", NULL);
	int64_t head0 = -1;
	csvc_assert_ok(csvc_feed_head(s, &head0));

	/* References must exist; nothing is written otherwise. */
	csvc_queue *q = team_queue("nowhere", "no_such_team");
	csvc_assert_err(csvc_queue_create(s, q, NULL), CSVC_ENOTFOUND);
	assert_int_equal(csvc_queue_revision(q), 0);
	csvc_queue_free(q);
	q = team_queue("a_queue", "complaints");
	csvc_assert_ok(csvc_queue_set_owner(q, NULL, "nobody"));
	csvc_assert_err(csvc_queue_create(s, q, NULL), CSVC_ENOTFOUND);
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	f.assignee = "nobody";
	csvc_assert_ok(csvc_queue_set_owner(q, "complaints", NULL));
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	csvc_assert_err(csvc_queue_create(s, q, NULL), CSVC_ENOTFOUND);
	f = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	f.kind = "no_kind";
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	csvc_assert_err(csvc_queue_create(s, q, NULL), CSVC_ENOTFOUND);
	f = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	f.channel = "no_channel";
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	csvc_assert_err(csvc_queue_create(s, q, NULL), CSVC_ENOTFOUND);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM queues"), 0);
	int64_t head = -1;
	csvc_assert_ok(csvc_feed_head(s, &head));
	assert_int_equal(head, head0);

	f = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	f.assignee = "alice";
	f.kind = "complaint";
	f.channel = "phone";
	f.states = CSVC_QUEUE_STATES_OPEN;
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	now_cell = T0 + HOUR;
	csvc_assert_ok(csvc_queue_create(s, q, "lead"));
	assert_int_equal(csvc_queue_revision(q), 1);
	assert_int_equal(csvc_queue_created_at(q), T0 + HOUR);
	csvc_assert_err(csvc_queue_create(s, q, NULL), CSVC_EINVAL);
	csvc_queue *dup = team_queue("a_queue", "complaints");
	csvc_assert_err(csvc_queue_create(s, dup, NULL), CSVC_EEXISTS);
	csvc_queue_free(dup);

	csvc_queue *got = NULL;
	csvc_assert_err(csvc_queue_get(s, "missing", &got), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_queue_get(s, "a_queue", &got));
	assert_int_equal(csvc_queue_revision(got), 1);
	assert_string_equal(csvc_queue_owner_team(got), "complaints");
	csvc_queue_filter g = CSVC_QUEUE_FILTER_INIT;
	csvc_assert_ok(csvc_queue_copy_filter(got, &g));
	assert_string_equal(g.assignee, "alice");
	assert_string_equal(g.kind, "complaint");
	assert_string_equal(g.channel, "phone");
	assert_int_equal(g.states, CSVC_QUEUE_STATES_OPEN);
	assert_int_equal(g.order, CSVC_QUEUE_ORDER_PRIORITY);

	/* An update without a change writes nothing. */
	csvc_assert_ok(csvc_feed_head(s, &head0));
	csvc_assert_ok(csvc_queue_update(s, got, NULL));
	assert_int_equal(csvc_queue_revision(got), 1);
	csvc_assert_ok(csvc_feed_head(s, &head));
	assert_int_equal(head, head0);
	/* A change: a new revision and a feed entry naming the fields. */
	csvc_assert_ok(csvc_queue_set_name(got, "改名"));
	csvc_assert_ok(csvc_queue_set_active(got, 0));
	now_cell = T0 + 2 * HOUR;
	csvc_assert_ok(csvc_queue_update(s, got, "lead"));
	assert_int_equal(csvc_queue_revision(got), 2);
	assert_int_equal(csvc_queue_updated_at(got), T0 + 2 * HOUR);
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, head0, CSVC_FEED_MAX_BATCH, &it));
	const csvc_feed_entry *e = NULL;
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_string_equal(csvc_feed_entry_type(e), "queue_updated");
	assert_string_equal(csvc_feed_entry_reference(e), "a_queue");
	assert_string_equal(csvc_feed_entry_actor(e), "lead");
	assert_non_null(strstr(csvc_feed_entry_payload(e), "\"fields\":[\"name\",\"active\"]"));
	csvc_feed_iter_free(it);
	/* The stale copy conflicts. */
	csvc_assert_ok(csvc_queue_set_name(q, "另一个"));
	csvc_assert_err(csvc_queue_update(s, q, NULL), CSVC_ECONFLICT);
	csvc_queue_free(got);
	csvc_assert_ok(csvc_queue_get(s, "a_queue", &got));
	assert_string_equal(csvc_queue_name(got), "改名");
	assert_int_equal(csvc_queue_active(got), 0);
	/* A filter change naming a missing team fails and changes nothing. */
	f = (csvc_queue_filter)CSVC_QUEUE_FILTER_INIT;
	f.team = "no_such_team";
	csvc_assert_ok(csvc_queue_set_filter(got, &f));
	csvc_assert_err(csvc_queue_update(s, got, NULL), CSVC_ENOTFOUND);
	assert_int_equal(csvc_queue_revision(got), 2);
	csvc_queue_free(got);
	csvc_queue_free(q);

	csvc_queue **all = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_queue_list(s, &all, &n));
	assert_int_equal(n, 1);
	assert_string_equal(csvc_queue_code(all[0]), "a_queue");
	csvc_queue_list_free(all, n);

	/* Never deleted. */
	assert_int_not_equal(csvc_test_sql_exec(s, "DELETE FROM queues"), CSVC_OK);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM queues"), 1);
	csvc_store_close(s);
}

static void test_defaults(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	/* Without the teams: only each person's own queue. */
	csvc_assert_ok(csvc_queue_install_defaults(s));
	csvc_queue **all = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_queue_list(s, &all, &n));
	assert_int_equal(n, 1);
	assert_string_equal(csvc_queue_code(all[0]), "my_open");
	csvc_queue_list_free(all, n);
	csvc_assert_ok(csvc_team_install_defaults(s));
	csvc_assert_ok(csvc_queue_install_defaults(s));
	csvc_assert_ok(csvc_queue_install_defaults(s)); /* a second run adds nothing */
	csvc_assert_ok(csvc_queue_list(s, &all, &n));
	assert_int_equal(n, 5);
	const char *want[] = {"my_open", "consult_open", "complaints_open", "floor_open", "membership_open"};
	const char *teams[] = {NULL, "consult", "complaints", "floor", "membership"};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(csvc_queue_code(all[i]), want[i]);
		csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
		csvc_assert_ok(csvc_queue_copy_filter(all[i], &f));
		assert_int_equal(f.states, CSVC_QUEUE_STATES_OPEN);
		if (teams[i]) {
			assert_string_equal(f.team, teams[i]);
			assert_string_equal(csvc_queue_owner_team(all[i]), teams[i]);
		} else {
			assert_int_equal(f.assignee_self, 1);
		}
	}
	csvc_queue_list_free(all, n);
	/* my_open needs a person. */
	int64_t count = -1;
	csvc_assert_err(csvc_queue_count(s, "my_open", NULL, &count), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_count(s, "my_open", "nobody", &count), CSVC_ENOTFOUND);
	assert_int_equal(count, -1);
	csvc_store_close(s);
}

/* ------------------------------------------------------------------ */
/* Opening, against an oracle                                          */
/* ------------------------------------------------------------------ */

typedef struct tk {
	csvc_uuid id;
	char kind[32], channel[32], category[32], store[8], assignee[16], team[16];
	int32_t category_state, priority;
	csvc_uuid customer;
	int has_customer;
} tk;

static const char *const STAFF[] = {"alice", "bob", "carol"};
static const char *const TEAMS[] = {"consult", "complaints", "floor"};
static const char *const CATS[] = {"退货", "质量", "价格"};
static const char *const CHANNELS[] = {"phone", "wechat", "store_counter"};
static const char *const STORES[] = {"SH01", "SH02"};

static uint64_t rnd_state = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state % n);
}

static int matches(const tk *t, const csvc_queue_filter *f, const char *person)
{
	if (f->states && !(f->states & (1u << t->category_state)))
		return 0;
	if (f->kind && strcmp(f->kind, t->kind))
		return 0;
	if (f->category && strcmp(f->category, t->category))
		return 0;
	if (f->channel && strcmp(f->channel, t->channel))
		return 0;
	if (f->store_code && strcmp(f->store_code, t->store))
		return 0;
	if (f->assignee && strcmp(f->assignee, t->assignee))
		return 0;
	if (f->assignee_self && (!person || strcmp(person, t->assignee)))
		return 0;
	if (f->team && strcmp(f->team, t->team))
		return 0;
	if (f->unassigned && t->assignee[0])
		return 0;
	if (f->max_priority && t->priority > f->max_priority)
		return 0;
	if (f->customer && (!t->has_customer || !csvc_uuid_equal(f->customer, &t->customer)))
		return 0;
	return 1;
}

/* Every ticket, as read back (the oracle's input), in creation order. */
static size_t read_all(csvc_store *s, tk *out, size_t cap)
{
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_iter_new(s, NULL, &it));
	csvc_ticket *t = NULL;
	size_t n = 0;
	while (csvc_ticket_iter_next(it, &t) == CSVC_OK) {
		assert_true(n < cap);
		tk *k = &out[n++];
		memset(k, 0, sizeof(*k));
		k->id = *csvc_ticket_id(t);
		snprintf(k->kind, sizeof(k->kind), "%s", csvc_ticket_kind(t));
		snprintf(k->channel, sizeof(k->channel), "%s", csvc_ticket_channel(t) ? csvc_ticket_channel(t) : "");
		snprintf(k->category, sizeof(k->category), "%s", csvc_ticket_category(t) ? csvc_ticket_category(t) : "");
		snprintf(k->store, sizeof(k->store), "%s", csvc_ticket_store_code(t));
		snprintf(k->assignee, sizeof(k->assignee), "%s", csvc_ticket_assignee(t) ? csvc_ticket_assignee(t) : "");
		snprintf(k->team, sizeof(k->team), "%s", csvc_ticket_team(t) ? csvc_ticket_team(t) : "");
		k->category_state = csvc_ticket_state_category(t);
		k->priority = csvc_ticket_priority(t);
		if (csvc_ticket_customer(t)) {
			k->has_customer = 1;
			k->customer = *csvc_ticket_customer(t);
		}
		csvc_ticket_free(t);
	}
	csvc_ticket_iter_free(it);
	return n;
}

/* Opens `code` and checks its tickets, in order, against the oracle. */
static void check_queue(csvc_store *s, const char *code, const char *person, const tk *all, size_t n)
{
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_get(s, code, &q));
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	csvc_assert_ok(csvc_queue_copy_filter(q, &f));
	/* The expected order: by priority (stable, so creation order within
	 * one), or creation order. */
	size_t *want = calloc(n + 1, sizeof(*want)), nw = 0;
	for (int32_t p = 1; p <= 4; p++)
		for (size_t i = 0; i < n; i++)
			if (matches(&all[i], &f, person) &&
			    (f.order == CSVC_QUEUE_ORDER_AGE ? p == 1 : all[i].priority == p))
				want[nw++] = i;
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_queue_iter_new(s, code, person, &it));
	csvc_ticket *t = NULL;
	size_t got = 0;
	while (csvc_ticket_iter_next(it, &t) == CSVC_OK) {
		assert_true(got < nw);
		if (!csvc_uuid_equal(csvc_ticket_id(t), &all[want[got]].id))
			fail_msg("queue %s: ticket %zu differs from the oracle", code, got);
		got++;
		csvc_ticket_free(t);
	}
	csvc_ticket_iter_free(it);
	assert_int_equal(got, nw);
	int64_t count = -1;
	csvc_assert_ok(csvc_queue_count(s, code, person, &count));
	assert_int_equal(count, (int64_t)nw);
	free(want);
	csvc_queue_free(q);
}

static void test_open(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	for (size_t i = 0; i < 3; i++)
		add_staff(s, STAFF[i], "SH01", NULL);
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "王芳"));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	const char *transitions[] = {"answer", "escalate", "wait_customer", "cancel"};
	/* More than a page (256) of tickets, so that priority order pages. */
	enum { N = 600 };
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < N; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, i % 3 ? "inquiry" : "complaint", STORES[rnd(2)]));
		csvc_assert_ok(csvc_ticket_set_subject(t, "问题"));
		csvc_assert_ok(csvc_ticket_set_channel(t, CHANNELS[rnd(3)]));
		if (rnd(4))
			csvc_assert_ok(csvc_ticket_set_category(t, CATS[rnd(3)]));
		csvc_assert_ok(csvc_ticket_set_priority(t, (csvc_priority_t)(1 + rnd(4))));
		uint32_t a = rnd(4);
		if (a < 3 || rnd(2))
			csvc_assert_ok(csvc_ticket_set_assignee(t, a < 3 ? STAFF[a] : NULL, TEAMS[rnd(3)]));
		if (rnd(5) == 0)
			csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(c)));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		if (i % 3 && rnd(2)) {
			const char *tr = transitions[rnd(4)];
			csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), tr, 0, NULL, NULL, NULL));
			if (!strcmp(tr, "answer") && rnd(2))
				csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "close", 0, NULL, NULL, NULL));
		}
		csvc_ticket_free(t);
	}
	csvc_assert_ok(csvc_store_commit(s));
	tk *all = calloc(N, sizeof(*all));
	size_t n = read_all(s, all, N);
	assert_int_equal(n, N);

	csvc_assert_ok(csvc_queue_install_defaults(s));
	struct {
		const char *code;
		csvc_queue_filter f;
	} defs[] = {
		{"everything", CSVC_QUEUE_FILTER_INIT},
		{"by_age", CSVC_QUEUE_FILTER_INIT},
		{"urgent_sh02", CSVC_QUEUE_FILTER_INIT},
		{"unassigned_floor", CSVC_QUEUE_FILTER_INIT},
		{"returns", CSVC_QUEUE_FILTER_INIT},
		{"bob_waiting", CSVC_QUEUE_FILTER_INIT},
		{"one_customer", CSVC_QUEUE_FILTER_INIT},
		{"closed_phone", CSVC_QUEUE_FILTER_INIT},
	};
	defs[1].f.order = CSVC_QUEUE_ORDER_AGE;
	defs[1].f.states = CSVC_QUEUE_STATES_OPEN;
	defs[2].f.store_code = "SH02";
	defs[2].f.max_priority = CSVC_PRIORITY_HIGH;
	defs[2].f.kind = "inquiry";
	defs[3].f.team = "floor";
	defs[3].f.unassigned = 1;
	defs[4].f.category = "退货";
	defs[4].f.states = CSVC_QUEUE_STATE(CSVC_STATE_NEW) | CSVC_QUEUE_STATE(CSVC_STATE_OPEN);
	defs[5].f.assignee = "bob";
	defs[5].f.states = CSVC_QUEUE_STATE(CSVC_STATE_WAITING);
	defs[6].f.customer = csvc_customer_id(c);
	defs[7].f.channel = "phone";
	defs[7].f.states = CSVC_QUEUE_STATE(CSVC_STATE_CLOSED) | CSVC_QUEUE_STATE(CSVC_STATE_CANCELLED);
	defs[7].f.order = CSVC_QUEUE_ORDER_AGE;
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		csvc_queue *q = NULL;
		csvc_assert_ok(csvc_queue_new(&q, defs[i].code, defs[i].code));
		csvc_assert_ok(csvc_queue_set_filter(q, &defs[i].f));
		csvc_assert_ok(csvc_queue_create(s, q, NULL));
		csvc_queue_free(q);
		check_queue(s, defs[i].code, NULL, all, n);
	}
	const char *defaults[] = {"consult_open", "complaints_open", "floor_open"};
	for (size_t i = 0; i < 3; i++)
		check_queue(s, defaults[i], NULL, all, n);
	for (size_t i = 0; i < 3; i++)
		check_queue(s, "my_open", STAFF[i], all, n);

	/* Tickets created while a queue is open are not returned, even those
	 * that sort first. */
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_queue_iter_new(s, "everything", NULL, &it));
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_iter_next(it, &t));
	csvc_ticket_free(t);
	csvc_ticket *late = NULL;
	csvc_assert_ok(csvc_ticket_new(&late, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_priority(late, CSVC_PRIORITY_CRITICAL));
	csvc_assert_ok(csvc_ticket_create(s, late, NULL));
	size_t seen = 1;
	while (csvc_ticket_iter_next(it, &t) == CSVC_OK) {
		assert_false(csvc_uuid_equal(csvc_ticket_id(t), csvc_ticket_id(late)));
		seen++;
		csvc_ticket_free(t);
	}
	assert_int_equal(seen, N);
	csvc_ticket_iter_free(it);
	csvc_ticket_free(late);

	/* Misuse and refusals. */
	csvc_assert_err(csvc_queue_iter_new(s, "missing", NULL, &it), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_queue_iter_new(s, "Bad Code", NULL, &it), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_iter_new(s, "everything", "nobody", &it), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_queue_iter_new(NULL, "everything", NULL, &it), CSVC_EINVAL);
	csvc_assert_err(csvc_queue_iter_new(s, "everything", NULL, NULL), CSVC_EINVAL);
	csvc_queue *q = NULL;
	csvc_assert_ok(csvc_queue_get(s, "everything", &q));
	csvc_assert_ok(csvc_queue_set_active(q, 0));
	csvc_assert_ok(csvc_queue_update(s, q, NULL));
	csvc_queue_free(q);
	int64_t count = -1;
	csvc_assert_err(csvc_queue_count(s, "everything", NULL, &count), CSVC_ESTATE);
	assert_int_equal(count, -1);
	free(all);
	csvc_customer_free(c);
	csvc_store_close(s);
}

/* ------------------------------------------------------------------ */
/* Access control                                                      */
/* ------------------------------------------------------------------ */

static void test_access(void **state)
{
	(void)state;
	char dir[64], path[96];
	snprintf(dir, sizeof(dir), "/tmp/csvc-queue-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	now_cell = T0 + 10 * HOUR;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_store *t = NULL, *a = NULL;
	csvc_assert_ok(csvc_test_open(&t, path, &o));
	csvc_assert_ok(csvc_store_install_defaults(t));
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "lead", "组长", CSVC_ROLE_SCOPE_STORE));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_UPDATE));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_STAFF_MANAGE));
	csvc_assert_ok(csvc_role_create(t, r, NULL));
	csvc_role_free(r);
	add_staff(t, "alice", "SH01", "service_agent");
	add_staff(t, "bob", "SH02", "service_agent");
	add_staff(t, "lena", "SH01", "lead");
	csvc_assert_ok(csvc_queue_install_defaults(t));
	csvc_queue *q = team_queue("sh01_only", "complaints");
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	f.store_code = "SH01";
	csvc_assert_ok(csvc_queue_set_filter(q, &f));
	csvc_assert_ok(csvc_queue_create(t, q, NULL));
	csvc_queue_free(q);
	csvc_uuid ids[4];
	for (int i = 0; i < 4; i++) {
		csvc_ticket *k = NULL;
		csvc_assert_ok(csvc_ticket_new(&k, "inquiry", i % 2 ? "SH02" : "SH01"));
		csvc_assert_ok(csvc_ticket_set_assignee(k, i % 2 ? "bob" : "alice", "consult"));
		csvc_assert_ok(csvc_ticket_create(t, k, NULL));
		ids[i] = *csvc_ticket_id(k);
		csvc_ticket_free(k);
	}
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&a, path, &o));

	/* Opened as bob (SH02): his own queue, and only SH02's tickets. */
	csvc_assert_ok(csvc_store_set_principal(a, "bob"));
	int64_t n = -1;
	csvc_assert_ok(csvc_queue_count(a, "my_open", NULL, &n));
	assert_int_equal(n, 2);
	csvc_assert_ok(csvc_queue_count(a, "consult_open", NULL, &n));
	assert_int_equal(n, 2);
	/* alice's queue opened by bob: still only what bob may see. */
	csvc_assert_ok(csvc_queue_count(a, "my_open", "alice", &n));
	assert_int_equal(n, 0);
	csvc_assert_err(csvc_queue_count(a, "sh01_only", NULL, &n), CSVC_EACCESS);
	/* Definitions need definitions_manage. */
	q = team_queue("bobs", "consult");
	csvc_assert_err(csvc_queue_create(a, q, NULL), CSVC_EACCESS);
	csvc_assert_err(csvc_queue_install_defaults(a), CSVC_EACCESS);
	csvc_queue_free(q);

	/* Time: one's own with ticket_update; another's needs staff_manage. */
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	e.staff = "bob";
	e.duration_us = 20 * MINUTE;
	csvc_assert_ok(csvc_ticket_log_work(a, &ids[1], &e, NULL));
	csvc_assert_err(csvc_ticket_log_work(a, &ids[0], &e, NULL), CSVC_EACCESS); /* SH01's */
	e.staff = "alice";
	csvc_assert_err(csvc_ticket_log_work(a, &ids[1], &e, NULL), CSVC_EACCESS);
	csvc_assert_err(csvc_ticket_log_work(a, &ids[1], &e, "alice"), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(a, "lena"));
	csvc_assert_ok(csvc_ticket_log_work(a, &ids[0], &e, NULL));
	csvc_assert_err(csvc_ticket_log_work(a, &ids[1], &e, NULL), CSVC_EACCESS); /* SH02's */
	assert_int_equal(sql_int(t, "SELECT count(*) FROM ticket_work"), 2);
	csvc_assert_err(csvc_work_total(a, NULL, &n, NULL), CSVC_EACCESS); /* no reports_read */
	csvc_assert_ok(csvc_store_set_principal(a, NULL));
	csvc_store_close(a);
	csvc_store_close(t);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------------ */
/* Time worked                                                         */
/* ------------------------------------------------------------------ */

static void test_worklog(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	add_staff(s, "alice", "SH01", NULL);
	add_staff(s, "bob", "SH01", NULL);
	now_cell = T0 + 100 * HOUR;
	csvc_uuid ids[3];
	for (int i = 0; i < 3; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "complaint", i == 2 ? "SH02" : "SH01"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		ids[i] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	int64_t rev_before = sql_int(s, "SELECT max(revision) FROM tickets");

	/* Checks: nothing written. */
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL); /* no staff */
	e.staff = "alice";
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL); /* no duration */
	e.duration_us = -1;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_ERANGE);
	e.duration_us = CSVC_WORK_MAX_DURATION_US + 1;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_ERANGE);
	e.duration_us = 0;
	e.started_at = T0 + 10 * HOUR;
	e.ended_at = T0 + 9 * HOUR;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL);
	e.ended_at = T0 + 11 * HOUR;
	e.duration_us = 30 * MINUTE; /* disagrees */
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL);
	e.duration_us = 0;
	e.started_at = T0 + 99 * HOUR + 30 * MINUTE;
	e.ended_at = T0 + 101 * HOUR; /* after now */
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL);
	e.started_at = T0;
	e.ended_at = T0 + 25 * HOUR;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_ERANGE);
	e = (csvc_work_entry)CSVC_WORK_ENTRY_INIT;
	e.staff = "nobody";
	e.duration_us = MINUTE;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_ENOTFOUND);
	e.staff = "alice";
	csvc_uuid missing = {{9, 9}};
	csvc_assert_err(csvc_ticket_log_work(s, &missing, &e, NULL), CSVC_ENOTFOUND);
	e.kind = "Bad Kind";
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL);
	e.kind = NULL;
	e.note = "a\001b";
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL);
	e.note = NULL;
	e.version = CSVC_WORK_ENTRY_VERSION + 1;
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], &e, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_log_work(s, &ids[0], NULL, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_ticket_log_work(NULL, &ids[0], &e, NULL), CSVC_EINVAL);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_work"), 0);

	/* Entries as every form gives them, and the sums kept here. */
	struct {
		int ticket;
		const char *staff, *kind;
		csvc_time_us start, end;
		int64_t duration;
		csvc_time_us want_start;
		int64_t want_duration;
	} cases[] = {
		{0, "alice", "call", 0, 0, 15 * MINUTE, T0 + 100 * HOUR - 15 * MINUTE, 15 * MINUTE},
		{0, "bob", NULL, T0 + 2 * HOUR, T0 + 3 * HOUR, 0, T0 + 2 * HOUR, HOUR},
		{1, "alice", "visit", T0 + 5 * HOUR, 0, 45 * MINUTE, T0 + 5 * HOUR, 45 * MINUTE},
		{1, "alice", "call", 0, T0 + 50 * HOUR, 10 * MINUTE, T0 + 50 * HOUR - 10 * MINUTE, 10 * MINUTE},
		{0, "alice", NULL, T0 + HOUR, T0 + 2 * HOUR, HOUR, T0 + HOUR, HOUR},
		{2, "bob", "call", T0 + 7 * HOUR, T0 + 8 * HOUR, 0, T0 + 7 * HOUR, HOUR},
	};
	size_t nc = sizeof(cases) / sizeof(cases[0]);
	int64_t head0 = -1;
	csvc_assert_ok(csvc_feed_head(s, &head0));
	for (size_t i = 0; i < nc; i++) {
		e = (csvc_work_entry)CSVC_WORK_ENTRY_INIT;
		e.staff = cases[i].staff;
		e.kind = cases[i].kind;
		e.started_at = cases[i].start;
		e.ended_at = cases[i].end;
		e.duration_us = cases[i].duration;
		e.note = "处理顾客投诉\n电话回访";
		csvc_assert_ok(csvc_ticket_log_work(s, &ids[cases[i].ticket], &e, "desk"));
	}
	/* The tickets did not change. */
	assert_int_equal(sql_int(s, "SELECT max(revision) FROM tickets"), rev_before);
	int64_t head = -1;
	csvc_assert_ok(csvc_feed_head(s, &head));
	assert_int_equal(head - head0, (int64_t)nc);
	csvc_feed_iter *fit = NULL;
	csvc_assert_ok(csvc_feed_after(s, head0, 1, &fit));
	const csvc_feed_entry *fe = NULL;
	csvc_assert_ok(csvc_feed_iter_next(fit, &fe));
	assert_string_equal(csvc_feed_entry_type(fe), "work_logged");
	assert_true(csvc_uuid_equal(csvc_feed_entry_subject_id(fe), &ids[0]));
	assert_non_null(strstr(csvc_feed_entry_payload(fe), "\"duration_us\":900000000"));
	csvc_feed_iter_free(fit);

	/* A ticket's entries, by start. */
	csvc_worklog *log = NULL;
	csvc_assert_ok(csvc_ticket_work(s, &ids[0], &log));
	assert_int_equal(csvc_worklog_count(log), 3);
	size_t order0[] = {4, 1, 0};
	for (size_t k = 0; k < 3; k++) {
		csvc_work_entry r = CSVC_WORK_ENTRY_INIT;
		csvc_assert_ok(csvc_worklog_at(log, k, &r));
		size_t i = order0[k];
		assert_string_equal(r.staff, cases[i].staff);
		assert_int_equal(r.started_at, cases[i].want_start);
		assert_int_equal(r.duration_us, cases[i].want_duration);
		assert_int_equal(r.ended_at, cases[i].want_start + cases[i].want_duration);
		if (cases[i].kind)
			assert_string_equal(r.kind, cases[i].kind);
		else
			assert_null(r.kind);
		assert_string_equal(r.note, "处理顾客投诉\n电话回访");
		assert_string_equal(r.actor, "desk");
		assert_int_equal(r.recorded_at, T0 + 100 * HOUR);
	}
	csvc_work_entry r = CSVC_WORK_ENTRY_INIT;
	csvc_assert_err(csvc_worklog_at(log, 3, &r), CSVC_ERANGE);
	csvc_worklog_free(log);
	assert_int_equal(csvc_worklog_count(NULL), 0);
	csvc_assert_err(csvc_ticket_work(s, &missing, &log), CSVC_ENOTFOUND);

	/* Totals against sums made here. */
	struct {
		int ticket;
		const char *staff, *store, *kind;
		csvc_time_us from, to;
	} totals[] = {
		{-1, NULL, NULL, NULL, 0, 0},
		{0, NULL, NULL, NULL, 0, 0},
		{-1, "alice", NULL, NULL, 0, 0},
		{-1, "alice", NULL, NULL, T0, T0 + 6 * HOUR},
		{-1, "bob", "SH01", NULL, 0, 0},
		{-1, NULL, NULL, "call", 0, 0},
		{1, "alice", NULL, "visit", T0 + 5 * HOUR, T0 + 5 * HOUR + 1},
		{-1, NULL, "SH02", NULL, 0, 0},
	};
	for (size_t k = 0; k < sizeof(totals) / sizeof(totals[0]); k++) {
		int64_t want = 0, want_n = 0;
		for (size_t i = 0; i < nc; i++) {
			const char *store = cases[i].ticket == 2 ? "SH02" : "SH01";
			if ((totals[k].ticket >= 0 && cases[i].ticket != totals[k].ticket) ||
			    (totals[k].staff && strcmp(totals[k].staff, cases[i].staff)) ||
			    (totals[k].store && strcmp(totals[k].store, store)) ||
			    (totals[k].kind && (!cases[i].kind || strcmp(totals[k].kind, cases[i].kind))) ||
			    (totals[k].from && cases[i].want_start < totals[k].from) ||
			    (totals[k].to && cases[i].want_start >= totals[k].to))
				continue;
			want += cases[i].want_duration;
			want_n++;
		}
		csvc_work_query q = CSVC_WORK_QUERY_INIT;
		q.ticket = totals[k].ticket >= 0 ? &ids[totals[k].ticket] : NULL;
		q.staff = totals[k].staff;
		q.store_code = totals[k].store;
		q.kind = totals[k].kind;
		q.from = totals[k].from;
		q.to = totals[k].to;
		int64_t total = -1, entries = -1;
		csvc_assert_ok(csvc_work_total(s, &q, &total, &entries));
		if (total != want || entries != want_n)
			fail_msg("total %zu: %lld us in %lld entries, want %lld in %lld", k, (long long)total,
			         (long long)entries, (long long)want, (long long)want_n);
	}
	int64_t total = -1;
	csvc_work_query q = CSVC_WORK_QUERY_INIT;
	q.staff = "nobody";
	csvc_assert_err(csvc_work_total(s, &q, &total, NULL), CSVC_ENOTFOUND);
	q = (csvc_work_query)CSVC_WORK_QUERY_INIT;
	q.from = 10;
	q.to = 5;
	csvc_assert_err(csvc_work_total(s, &q, &total, NULL), CSVC_EINVAL);
	assert_int_equal(total, -1);
	csvc_assert_err(csvc_work_total(s, NULL, NULL, NULL), CSVC_EINVAL);
	csvc_assert_ok(csvc_work_total(s, NULL, &total, NULL));
	csvc_assert_err(csvc_work_query_init(&q, 0), CSVC_EINVAL);
	csvc_assert_err(csvc_work_entry_init(&e, CSVC_WORK_ENTRY_VERSION + 1), CSVC_EINVAL);

	/* Append-only on the engine itself. */
	assert_int_not_equal(csvc_test_sql_exec(s, "UPDATE ticket_work SET duration_us = 1"), CSVC_OK);
	assert_int_not_equal(csvc_test_sql_exec(s, "DELETE FROM ticket_work"), CSVC_OK);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM ticket_work"), (int64_t)nc);
	assert_int_equal(sql_int(s, "SELECT sum(duration_us) FROM ticket_work WHERE duration_us <> 1"),
	                 15 * MINUTE + HOUR + 45 * MINUTE + 10 * MINUTE + HOUR + HOUR);
	csvc_store_close(s);
}

/* ------------------------------------------------------------------ */
/* Query plans                                                         */
/* ------------------------------------------------------------------ */

/* The plan of `sql` (named parameters bound as NULL) on the store's own
 * engine: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN with
 * sequential scans discouraged (as test-store-pg.c does), so that a plan
 * without an index means there is none it could use. */
static void assert_plan(csvc_store *s, const char *sql, const char *must)
{
	int pg = csvc_test_on_pg();
	char eqp[4096];
	snprintf(eqp, sizeof(eqp), "%s %s", pg ? "EXPLAIN" : "EXPLAIN QUERY PLAN", sql);
	if (pg)
		csvc_assert_ok(csvc_test_sql_exec(s, "SET enable_seqscan = off"));
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare_named(s->db, eqp, &st);
	if (rc)
		print_error("%s: %s\n", eqp, csvc_error_last()->message);
	assert_int_equal(rc, CSVC_OK);
	char plan[8192] = "";
	while (csvc__db_step(st) == CSVC__ROW) {
		strncat(plan, csvc__db_textcol(st, pg ? 0 : 3), sizeof(plan) - strlen(plan) - 2);
		strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
	}
	csvc__db_finalize(st);
	if (pg)
		csvc_assert_ok(csvc_test_sql_exec(s, "RESET enable_seqscan"));
	int bad = pg ? (strstr(plan, "Seq Scan on tickets") || strstr(plan, "Seq Scan on ticket_work") ||
	                strstr(plan, "Seq Scan on queues"))
	             : (strstr(plan, "SCAN t\n") || strstr(plan, "SCAN tickets") || strstr(plan, "SCAN w\n") ||
	                strstr(plan, "SCAN ticket_work"));
	if (bad || (must && !strstr(plan, must)))
		print_error("query: %s\nplan:\n%s", sql, plan);
	assert_false(bad);
	if (must)
		assert_non_null(strstr(plan, must));
}

static void check_plans(csvc_store *s)
{
	csvc__dialect d = csvc_test_on_pg() ? CSVC__DIALECT_POSTGRES : CSVC__DIALECT_SQLITE;
	struct {
		csvc_ticket_query q;
		csvc__ticket_filter f;
		const char *must;
	} cases[] = {
		/* a group's open tickets (the handbook's queues) */
		{CSVC_TICKET_QUERY_INIT, {CSVC_QUEUE_STATES_OPEN, NULL, 0, 0, 1}, "tickets_team"},
		/* someone's open tickets (my_open) */
		{CSVC_TICKET_QUERY_INIT, {CSVC_QUEUE_STATES_OPEN, NULL, 0, 0, 1}, "tickets_assignee"},
		/* a category's new tickets, by age */
		{CSVC_TICKET_QUERY_INIT, {CSVC_QUEUE_STATE(CSVC_STATE_NEW), "退货", 0, 0, 0}, "tickets_ticket_category"},
		/* a store's urgent unassigned tickets */
		{CSVC_TICKET_QUERY_INIT, {CSVC_QUEUE_STATES_OPEN, NULL, 2, 1, 1}, "USING INDEX tickets_"},
	};
	cases[0].q.team = "consult";
	cases[1].q.assignee = "alice";
	cases[3].q.store_code = "SH01";
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int next = 0; next < 2; next++) {
			csvc_ticket_query q = cases[i].q;
			if (next) /* a continuation page */
				q.after.bytes[0] = 1, q.limit = 256;
			char *sql = csvc__ticket_db_filter_sql(&q, &cases[i].f, 0, d);
			assert_non_null(sql);
			/* A continuation may walk the priority order's index instead. */
			assert_plan(s, sql, csvc_test_on_pg() || next ? NULL : cases[i].must);
			free(sql);
		}
		char *sql = csvc__ticket_db_filter_sql(&cases[i].q, &cases[i].f, 1, d);
		assert_plan(s, sql, NULL);
		free(sql);
	}
	csvc__work_filter wf[] = {
		{1, 0, NULL, NULL, 0, 0},
		{0, 1, NULL, NULL, 5, 9},
		{0, 1, "SH01", NULL, 0, 0},
		{0, 0, NULL, NULL, 5, 9},
		{0, 0, "SH01", "call", 5, 9},
	};
	const char *wmust[] = {"ticket_work_ticket", "ticket_work_staff", "ticket_work_staff", "ticket_work_worked",
	                       "ticket_work_worked"};
	for (size_t i = 0; i < sizeof(wf) / sizeof(wf[0]); i++) {
		char *sql = csvc__work_db_total_sql(&wf[i]);
		assert_plan(s, sql, csvc_test_on_pg() ? NULL : wmust[i]);
		free(sql);
	}
	assert_plan(s, "SELECT s.code, w.duration_us FROM ticket_work w JOIN staff s ON s.id = w.staff_id"
	               " WHERE w.ticket_id = 1 ORDER BY w.worked_us, w.id",
	            csvc_test_on_pg() ? NULL : "ticket_work_ticket");
	assert_plan(s, "SELECT id, revision FROM queues WHERE code = 'x'", NULL);
}

static void test_plans(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	check_plans(s); /* a fresh store */
	const char *people[] = {"alice", "bob", "carol", "dave", "erin", "fay", "gus", "hal"};
	for (int i = 0; i < 8; i++)
		add_staff(s, people[i], "SH01", NULL);
	csvc_assert_ok(csvc_store_begin(s));
	for (int i = 0; i < 1500; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "inquiry", i % 5 ? "SH01" : "SH02"));
		if (i % 7 == 0)
			csvc_assert_ok(csvc_ticket_set_category(t, "退货"));
		if (i % 3 == 0)
			csvc_assert_ok(csvc_ticket_set_assignee(t, i % 6 ? "alice" : NULL, "consult"));
		csvc_assert_ok(csvc_ticket_create(s, t, NULL));
		if (i % 5 == 0) {
			csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
			e.staff = people[(i / 10) % 8];
			e.duration_us = MINUTE;
			now_cell += HOUR;
			csvc_assert_ok(csvc_ticket_log_work(s, csvc_ticket_id(t), &e, NULL));
		}
		csvc_ticket_free(t);
	}
	csvc_assert_ok(csvc_store_commit(s));
	if (!csvc_test_on_pg())
		csvc_assert_ok(csvc_test_sql_exec(s, "ANALYZE"));
	else
		csvc_assert_ok(csvc_test_sql_exec(s, "ANALYZE tickets; ANALYZE ticket_work"));
	check_plans(s);
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),  cmocka_unit_test(test_save),    cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_open),    cmocka_unit_test(test_access),  cmocka_unit_test(test_worklog),
		cmocka_unit_test(test_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
