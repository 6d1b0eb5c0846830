/*
 * The change feed: every source in commit order with its fields, rolled
 * back writes leave nothing a reader could see filled later, consumers
 * (read, ack, reset, delete, lag, refusals that change nothing), the
 * backfill of an older store, and csvc_feed_wait woken by another
 * connection and by another process.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define SEC CSVC_SECOND_US
/* 2026-01-01 00:00 UTC. */
#define T0 ((csvc_time_us)1767225600 * SEC)

static csvc_time_us now_cell;

static const char CALENDAR[] =
	"{\"zone\":\"+08:00\",\"versions\":[{\"week\":{"
	"\"mon\":[\"09:00-21:00\"],\"tue\":[\"09:00-21:00\"],\"wed\":[\"09:00-21:00\"],\"thu\":[\"09:00-21:00\"],"
	"\"fri\":[\"09:00-21:00\"],\"sat\":[\"09:00-21:00\"],\"sun\":[\"09:00-21:00\"]}}]}";

static int64_t head_of(csvc_store *s)
{
	int64_t h = -1;
	csvc_assert_ok(csvc_feed_head(s, &h));
	return h;
}

/* Every entry after `after`, in order (at most 1000). */
typedef struct {
	int64_t pos;
	csvc_uuid id, subject;
	csvc_time_us time;
	char type[64], kind[32], ref[64], actor[64];
	char payload[1024];
} entry;

static size_t read_all(csvc_store *s, int64_t after, entry *out, size_t room)
{
	size_t n = 0;
	for (;;) {
		csvc_feed_iter *it = NULL;
		csvc_assert_ok(csvc_feed_after(s, after, 7, &it));
		const csvc_feed_entry *e;
		int got = 0;
		while (csvc_feed_iter_next(it, &e) == CSVC_OK) {
			assert_true(n < room);
			entry *x = &out[n++];
			memset(x, 0, sizeof(*x));
			x->pos = csvc_feed_entry_position(e);
			x->id = *csvc_feed_entry_id(e);
			x->subject = *csvc_feed_entry_subject_id(e);
			x->time = csvc_feed_entry_time(e);
			snprintf(x->type, sizeof(x->type), "%s", csvc_feed_entry_type(e));
			snprintf(x->kind, sizeof(x->kind), "%s", csvc_feed_entry_subject_kind(e));
			snprintf(x->ref, sizeof(x->ref), "%s", csvc_feed_entry_reference(e) ? csvc_feed_entry_reference(e) : "");
			snprintf(x->actor, sizeof(x->actor), "%s", csvc_feed_entry_actor(e) ? csvc_feed_entry_actor(e) : "");
			snprintf(x->payload, sizeof(x->payload), "%s",
			         csvc_feed_entry_payload(e) ? csvc_feed_entry_payload(e) : "");
			after = x->pos;
			got++;
		}
		csvc_feed_iter_free(it);
		if (!got)
			return n;
	}
}

static int is_v4(const csvc_uuid *id)
{
	return (id->bytes[6] >> 4) == 4 && (id->bytes[8] >> 6) == 2;
}

/* Positions 1..n without a gap, ids valid and distinct. */
static void check_sequence(const entry *e, size_t n, int64_t first)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e[i].pos, first + (int64_t)i);
		assert_true(is_v4(&e[i].id));
		for (size_t j = 0; j < i; j++)
			assert_memory_not_equal(e[i].id.bytes, e[j].id.bytes, 16);
	}
}

static csvc_customer *make_customer(csvc_store *s, const char *name)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	csvc_assert_ok(csvc_customer_create(s, c, "clerk"));
	return c;
}

static csvc_ticket *make_ticket(csvc_store *s, const csvc_customer *c)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "inquiry", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "where is my order"));
	csvc_assert_ok(csvc_ticket_set_channel(t, "store_counter"));
	if (c)
		csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(c)));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	return t;
}

static size_t find_type(const entry *e, size_t n, size_t from, const char *kind, const char *type)
{
	for (size_t i = from; i < n; i++)
		if (!strcmp(e[i].kind, kind) && !strcmp(e[i].type, type))
			return i;
	fail_msg("no %s entry of type %s after %zu", kind, type, from);
	return n;
}

static entry all[1000];
static int64_t sql_int(sqlite3 *db, const char *sql);

static void test_every_source_in_commit_order(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	assert_int_equal(head_of(s), 0);

	/* Definitions: the handbook defaults. */
	csvc_assert_ok(csvc_store_install_defaults(s));
	size_t n = read_all(s, 0, all, 1000);
	assert_true(n > 10);
	check_sequence(all, n, 1);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(all[i].kind, "definition");
		assert_true(csvc_uuid_is_nil(&all[i].subject));
		assert_int_equal(all[i].time, T0);
	}
	size_t w = find_type(all, n, 0, "definition", "workflow_saved");
	assert_string_equal(all[w].payload, "{\"kind\":\"workflow\",\"version\":1}");
	find_type(all, n, 0, "definition", "ticket_kind_defined");
	find_type(all, n, 0, "definition", "channel_defined");
	find_type(all, n, 0, "definition", "sla_policy_saved");
	find_type(all, n, 0, "definition", "survey_saved");
	/* Installing again changes nothing, so adds nothing. */
	int64_t h0 = head_of(s);
	csvc_assert_ok(csvc_store_install_defaults(s));
	assert_int_equal(head_of(s), h0);

	/* A customer, a ticket, a transition, a survey, calendars, a policy retired. */
	now_cell += SEC;
	csvc_customer *c = make_customer(s, "Wang Fang");
	now_cell += SEC;
	csvc_ticket *t = make_ticket(s, c);
	now_cell += SEC;
	int64_t rev = 0;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(t), "answer", csvc_ticket_revision(t), "agent", NULL, &rev));
	now_cell += SEC;
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = csvc_ticket_id(t);
	ctx.method = CSVC_METHOD_RECEIPT_QR;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, token));
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "response_speed", 5));
	csvc_assert_ok(csvc_survey_answers_score(a, "resolution_efficiency", 4));
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 5));
	csvc_uuid response;
	now_cell += SEC;
	csvc_assert_ok(csvc_survey_respond(s, token, a, &response));
	csvc_survey_answers_free(a);
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	csvc_calendar *cal = NULL;
	csvc_assert_ok(csvc_calendar_parse(&cal, CALENDAR, strlen(CALENDAR), &o));
	csvc_assert_ok(csvc_calendar_save(s, "mall_hours", cal));
	csvc_calendar_free(cal);
	csvc_assert_ok(csvc_calendar_attach(s, "SH09", "mall_hours"));
	csvc_assert_ok(csvc_calendar_detach(s, "SH09"));
	csvc_assert_ok(csvc_calendar_delete(s, "mall_hours"));
	csvc_assert_ok(csvc_sla_policy_retire(s, "default_vip_complaint"));

	size_t m = read_all(s, h0, all, 1000);
	check_sequence(all, m, h0 + 1);
	size_t i = find_type(all, m, 0, "customer", "created");
	assert_memory_equal(all[i].subject.bytes, csvc_customer_id(c)->bytes, 16);
	assert_string_equal(all[i].actor, "clerk");
	assert_int_equal(all[i].time, T0 + SEC);
	i = find_type(all, m, i + 1, "ticket", "created");
	assert_memory_equal(all[i].subject.bytes, csvc_ticket_id(t)->bytes, 16);
	assert_string_equal(all[i].ref, csvc_ticket_number(t));
	assert_int_equal(all[i].time, T0 + 2 * SEC);
	assert_non_null(strstr(all[i].payload, "{\"seq\":1,"));
	i = find_type(all, m, i + 1, "ticket", "transition");
	assert_string_equal(all[i].actor, "agent");
	assert_non_null(strstr(all[i].payload, "\"from_state\":\"received\",\"to_state\":\"answered\""));
	i = find_type(all, m, i + 1, "survey", "invited");
	assert_string_equal(all[i].ref, "post_resolution");
	assert_true(csvc_uuid_is_nil(&all[i].subject));
	assert_non_null(strstr(all[i].payload, csvc_ticket_number(t)));
	assert_null(strstr(all[i].payload, token)); /* the token is a secret */
	i = find_type(all, m, i + 1, "survey", "responded");
	assert_memory_equal(all[i].subject.bytes, response.bytes, 16);
	i = find_type(all, m, i + 1, "definition", "calendar_saved");
	assert_string_equal(all[i].ref, "mall_hours");
	i = find_type(all, m, i + 1, "definition", "calendar_attached");
	assert_string_equal(all[i].payload, "{\"kind\":\"calendar\",\"store_code\":\"SH09\"}");
	i = find_type(all, m, i + 1, "definition", "calendar_detached");
	i = find_type(all, m, i + 1, "definition", "calendar_deleted");
	i = find_type(all, m, i + 1, "definition", "sla_policy_retired");
	assert_string_equal(all[i].ref, "default_vip_complaint");
	assert_int_equal((int64_t)i, (int64_t)m - 1);

	/* Entry times never go back within a source here; positions follow
	 * commit order, which the checks above followed. The JSON form. */
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, all[0].pos - 1, 1, &it));
	const csvc_feed_entry *e = NULL;
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	char *json = NULL;
	csvc_assert_ok(csvc_feed_entry_to_json(e, &json));
	char id[37], subject[37], want[512];
	csvc_uuid_to_string(csvc_feed_entry_id(e), id);
	csvc_uuid_to_string(csvc_customer_id(c), subject);
	snprintf(want, sizeof(want),
	         "{\"position\":%lld,\"id\":\"%s\",\"time\":%lld,\"type\":\"created\",\"subject_kind\":\"customer\","
	         "\"subject\":\"%s\",\"reference\":null,\"actor\":\"clerk\",\"payload\":",
	         (long long)all[0].pos, id, (long long)(T0 + SEC), subject);
	assert_int_equal(strncmp(json, want, strlen(want)), 0);
	csvc_free(json);
	assert_int_equal(csvc_feed_iter_next(it, &e), CSVC_ITEROVER);
	csvc_feed_iter_free(it);

	csvc_ticket_free(t);
	csvc_customer_free(c);
	csvc_store_close(s);
}

/* SLA alarms and customer_merged are ticket events: they reach the feed. */
static void test_alarms_and_merges(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_customer *keep = make_customer(s, "Keep");
	csvc_customer *gone = make_customer(s, "Gone");
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(t, "broken"));
	csvc_assert_ok(csvc_ticket_set_customer(t, csvc_customer_id(gone)));
	csvc_assert_ok(csvc_ticket_create(s, t, "clerk"));
	int64_t h = head_of(s);
	csvc_assert_ok(csvc_customer_merge(s, csvc_customer_id(keep), csvc_customer_id(gone), "admin", NULL));
	size_t n = read_all(s, h, all, 1000);
	size_t i = find_type(all, n, 0, "ticket", "customer_merged");
	assert_memory_equal(all[i].subject.bytes, csvc_ticket_id(t)->bytes, 16);
	find_type(all, n, 0, "customer", "merged");
	h = head_of(s);
	int64_t emitted = 0;
	csvc_assert_ok(csvc_sla_advance(s, T0 + 400LL * 24 * 3600 * SEC, NULL, NULL, &emitted));
	assert_true(emitted > 0);
	n = read_all(s, h, all, 1000);
	i = find_type(all, n, 0, "ticket", "sla_breach");
	assert_string_equal(all[i].actor, "sla");
	csvc_ticket_free(t);
	csvc_customer_free(keep);
	csvc_customer_free(gone);
	csvc_store_close(s);
}

/* A rolled-back write leaves no entry, and the next commit's entry takes
 * the next position after the last one a reader could see. */
static void test_rollback_leaves_no_entry(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	int64_t h0 = head_of(s);
	csvc_customer_free(make_customer(s, "one"));
	int64_t h = head_of(s);
	assert_int_equal(h, h0 + 1);

	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer_free(make_customer(s, "rolled back"));
	/* Entries are written at the outermost commit: not even the writer
	 * sees its own before then. */
	assert_int_equal(head_of(s), h0 + 1);
	csvc_assert_ok(csvc_store_rollback(s));
	assert_int_equal(head_of(s), h0 + 1);
	entry e[4];
	assert_int_equal(read_all(s, h0, e, 4), 1);

	/* A failed call adds nothing either. */
	csvc_ticket *t = make_ticket(s, NULL);
	h = head_of(s);
	csvc_assert_err(csvc_ticket_transition(s, csvc_ticket_id(t), "close", csvc_ticket_revision(t), NULL, NULL, NULL),
	                CSVC_ESTATE);
	assert_int_equal(head_of(s), h);

	csvc_customer_free(make_customer(s, "two"));
	size_t n = read_all(s, 0, all, 1000);
	check_sequence(all, n, 1);
	assert_int_equal(all[n - 1].pos, h + 1);
	assert_string_equal(all[n - 1].type, "created");
	assert_string_equal(all[n - 1].kind, "customer");
	csvc_ticket_free(t);
	csvc_store_close(s);
}

/* A transaction's entries are written at its commit as runs; a rolled-back
 * savepoint drops only its own, and the runs read back entry by entry. */
static void test_savepoints_and_runs(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer *a = make_customer(s, "kept one");
	csvc_assert_ok(csvc_store_begin(s)); /* a savepoint */
	csvc_customer_free(make_customer(s, "rolled back"));
	csvc_assert_ok(csvc_store_rollback(s));
	csvc_customer *c = make_customer(s, "kept two");
	for (int i = 0; i < 20; i++)
		csvc_customer_free(make_customer(s, "many"));
	csvc_assert_ok(csvc_store_commit(s));
	size_t n = read_all(s, 0, all, 1000);
	assert_int_equal(n, 22);
	check_sequence(all, n, 1);
	assert_memory_equal(all[0].subject.bytes, csvc_customer_id(a)->bytes, 16);
	assert_memory_equal(all[1].subject.bytes, csvc_customer_id(c)->bytes, 16);
	/* Fewer rows than entries: consecutive event rows share one. */
	assert_true(csvc_test_sql_int(s, "SELECT count(*) FROM feed") < 22);
	assert_int_equal(csvc_test_sql_int(s, "SELECT sum(count) FROM feed"), 22);
	/* Reading from inside a run. */
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, 5, 2, &it));
	const csvc_feed_entry *e;
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_int_equal(csvc_feed_entry_position(e), 6);
	assert_memory_equal(csvc_feed_entry_id(e)->bytes, all[5].id.bytes, 16);
	csvc_feed_iter_free(it);
	csvc_customer_free(a);
	csvc_customer_free(c);
	csvc_store_close(s);
}

/* Entries of consecutive transactions whose source rows follow each
 * other are read together; a run that refers to missing source rows, or
 * to an unknown source, is CSVC_ECORRUPT and returns nothing. */
static void test_spans_and_damaged_runs(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	int64_t head = head_of(s);
	csvc_customer *c[5];
	for (int i = 0; i < 5; i++)
		c[i] = make_customer(s, "one per transaction");
	csvc_ticket *t = make_ticket(s, NULL);
	size_t n = read_all(s, head, all, 1000);
	assert_int_equal(n, 6);
	check_sequence(all, n, head + 1);
	for (int i = 0; i < 5; i++) {
		assert_memory_equal(all[i].subject.bytes, csvc_customer_id(c[i])->bytes, 16);
		assert_string_equal(all[i].type, "created");
		assert_string_equal(all[i].kind, "customer");
	}
	assert_memory_equal(all[5].subject.bytes, csvc_ticket_id(t)->bytes, 16);
	assert_string_equal(all[5].ref, csvc_ticket_number(t));

	int64_t last = csvc_test_sql_int(s, "SELECT max(id) FROM customer_events");
	head = head_of(s);
	char sql[256];
	/* Three entries from the last customer event: the next two rows do not
	 * exist. Then one of an unknown source. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count) VALUES"
	         " (%lld, 16384, -9223372036854775807, 2, %lld, 3), (%lld, 16384, -9223372036854775807, 9, 1, 1)",
	         (long long)head + 1, (long long)last, (long long)head + 4);
	csvc_assert_ok(csvc_test_sql_exec(s, sql));
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, head, 1, &it));
	const csvc_feed_entry *e;
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_memory_equal(csvc_feed_entry_subject_id(e)->bytes, csvc_customer_id(c[4])->bytes, 16);
	csvc_feed_iter_free(it);
	it = NULL;
	csvc_assert_err(csvc_feed_after(s, head, 10, &it), CSVC_ECORRUPT);
	assert_null(it);
	csvc_assert_err(csvc_feed_after(s, head - 2, 10, &it), CSVC_ECORRUPT);
	csvc_assert_err(csvc_feed_after(s, head + 3, 10, &it), CSVC_ECORRUPT);
	assert_null(it);
	csvc_assert_ok(csvc_feed_after(s, head - 2, 3, &it)); /* stops before the missing rows */
	csvc_feed_iter_free(it);
	for (int i = 0; i < 5; i++)
		csvc_customer_free(c[i]);
	csvc_ticket_free(t);
	csvc_store_close(s);
}

static int64_t position_of(csvc_store *s, const char *name, int64_t *lag)
{
	int64_t p = -1;
	csvc_assert_ok(csvc_feed_consumer_get(s, name, &p, lag));
	return p;
}

static void test_consumers(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	for (int i = 0; i < 5; i++)
		csvc_customer_free(make_customer(s, "someone"));
	assert_int_equal(head_of(s), 5);

	/* A new name reads from the start; reading moves nothing. */
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_read(s, "crm.sync", 2, &it));
	const csvc_feed_entry *e;
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_int_equal(csvc_feed_entry_position(e), 1);
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_int_equal(csvc_feed_entry_position(e), 2);
	assert_int_equal(csvc_feed_iter_next(it, &e), CSVC_ITEROVER);
	csvc_feed_iter_free(it);
	csvc_assert_err(csvc_feed_consumer_get(s, "crm.sync", NULL, NULL), CSVC_ENOTFOUND);

	csvc_assert_ok(csvc_feed_ack(s, "crm.sync", 2));
	int64_t lag = -1;
	assert_int_equal(position_of(s, "crm.sync", &lag), 2);
	assert_int_equal(lag, 3);
	csvc_assert_ok(csvc_feed_read(s, "crm.sync", 100, &it));
	csvc_assert_ok(csvc_feed_iter_next(it, &e));
	assert_int_equal(csvc_feed_entry_position(e), 3);
	csvc_feed_iter_free(it);

	/* Never backwards: an older ack is a no-op. */
	csvc_assert_ok(csvc_feed_ack(s, "crm.sync", 1));
	assert_int_equal(position_of(s, "crm.sync", NULL), 2);
	/* Past the head, negative, bad names: refused, nothing changed. */
	csvc_assert_err(csvc_feed_ack(s, "crm.sync", 6), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_ack(s, "crm.sync", -1), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_reset(s, "crm.sync", 6), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_ack(s, "new.one", 6), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_ack(s, "Bad Name", 1), CSVC_EINVAL);
	csvc_assert_err(csvc_feed_ack(s, "", 1), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_read(s, "Bad Name", 1, &it), CSVC_EINVAL);
	csvc_assert_err(csvc_feed_read(s, "crm.sync", 0, &it), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_read(s, "crm.sync", CSVC_FEED_MAX_BATCH + 1, &it), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_after(s, -1, 1, &it), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_delete(s, "nobody"), CSVC_ENOTFOUND);
	assert_int_equal(position_of(s, "crm.sync", NULL), 2);
	csvc_assert_err(csvc_feed_consumer_get(s, "new.one", NULL, NULL), CSVC_ENOTFOUND);

	/* Acked in the caller's transaction: rolled back with it. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_ok(csvc_feed_ack(s, "crm.sync", 4));
	csvc_customer_free(make_customer(s, "written with the ack"));
	csvc_assert_ok(csvc_store_rollback(s));
	assert_int_equal(position_of(s, "crm.sync", NULL), 2);
	assert_int_equal(head_of(s), 5);

	/* Reset goes back or forward; a second consumer; the list. */
	csvc_assert_ok(csvc_feed_reset(s, "crm.sync", 0));
	assert_int_equal(position_of(s, "crm.sync", &lag), 0);
	assert_int_equal(lag, 5);
	csvc_assert_ok(csvc_feed_reset(s, "audit", 5));
	csvc_feed_consumer_iter *ci = NULL;
	csvc_assert_ok(csvc_feed_consumer_iter_new(s, &ci));
	const char *name = NULL;
	int64_t pos = -1;
	csvc_assert_ok(csvc_feed_consumer_iter_next(ci, &name, &pos, &lag));
	assert_string_equal(name, "audit");
	assert_int_equal(pos, 5);
	assert_int_equal(lag, 0);
	csvc_assert_ok(csvc_feed_consumer_iter_next(ci, &name, &pos, &lag));
	assert_string_equal(name, "crm.sync");
	assert_int_equal(pos, 0);
	assert_int_equal(lag, 5);
	assert_int_equal(csvc_feed_consumer_iter_next(ci, &name, &pos, &lag), CSVC_ITEROVER);
	csvc_feed_consumer_iter_free(ci);

	csvc_assert_ok(csvc_feed_delete(s, "audit"));
	csvc_assert_err(csvc_feed_consumer_get(s, "audit", NULL, NULL), CSVC_ENOTFOUND);
	assert_int_equal(head_of(s), 5); /* consumers write no entries */
	csvc_store_close(s);
}

static int64_t sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void make_dir(char *dir, char *path, size_t n)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, n, "%s/store.db", dir);
}

static void remove_dir(const char *dir)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A store at schema 10 (the feed's tables removed) gets its history
 * backfilled in the order of event time, then source, then id. */
static void test_migration_backfill(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-feed-XXXXXX", path[128];
	make_dir(dir, path, sizeof(path));
	now_cell = T0;
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = csvc_test_clock;
	opts.clock_userdata = &now_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, &opts));
	csvc_assert_ok(csvc_store_install_defaults(s));
	now_cell += SEC;
	csvc_customer *c = make_customer(s, "Li Lei");
	now_cell += SEC;
	csvc_ticket *t = make_ticket(s, c);
	/* An event dated before the customer's: the backfill puts it first. */
	csvc_customer_free(make_customer(s, "same second"));
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = csvc_ticket_id(t);
	ctx.method = CSVC_METHOD_RECEIPT_QR;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, token));
	csvc_store_close(s);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	int64_t sources = sql_int(db, "SELECT (SELECT count(*) FROM ticket_events) + (SELECT count(*) FROM customer_events)");
	int64_t defs = sql_int(db, "SELECT (SELECT count(*) FROM workflows) + (SELECT count(*) FROM sla_policies)"
	                           " + (SELECT count(*) FROM surveys) + (SELECT count(*) FROM survey_invitations)");
	assert_int_equal(sqlite3_exec(db, "DROP TABLE feed; DROP TABLE feed_records; DROP TABLE feed_consumers;"
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
	                                  "PRAGMA user_version=10",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	csvc_assert_ok(csvc_store_open(&s, path, &opts));
	int32_t v = 0;
	csvc_assert_ok(csvc_store_schema_version(s, &v));
	assert_int_equal(v, csvc_store_schema_version_supported());
	size_t n = read_all(s, 0, all, 1000);
	assert_int_equal((int64_t)n, sources + defs);
	check_sequence(all, n, 1);
	/* Best order known: time, then source (tickets, customers, records). */
	for (size_t i = 1; i < n; i++) {
		assert_true(all[i - 1].time <= all[i].time);
		if (all[i - 1].time == all[i].time) {
			int a = !strcmp(all[i - 1].kind, "ticket") ? 1 : !strcmp(all[i - 1].kind, "customer") ? 2 : 3;
			int b = !strcmp(all[i].kind, "ticket") ? 1 : !strcmp(all[i].kind, "customer") ? 2 : 3;
			assert_true(a <= b);
		}
	}
	size_t i = find_type(all, n, 0, "ticket", "created");
	assert_memory_equal(all[i].subject.bytes, csvc_ticket_id(t)->bytes, 16);
	i = find_type(all, n, 0, "survey", "invited");
	assert_non_null(strstr(all[i].payload, csvc_ticket_number(t)));
	char cid[37];
	csvc_uuid_to_string(csvc_customer_id(c), cid);
	assert_non_null(strstr(all[i].payload, cid));
	find_type(all, n, 0, "definition", "workflow_saved");
	/* New entries follow the backfilled ones. */
	csvc_customer_free(make_customer(s, "after"));
	assert_int_equal(head_of(s), (int64_t)n + 1);
	csvc_ticket_free(t);
	csvc_customer_free(c);
	csvc_store_close(s);
	remove_dir(dir);
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct writer {
	const char *path;
	int delay_ms;
};

static void *write_later(void *arg)
{
	const struct writer *w = arg;
	struct timespec ts = {0, (long)w->delay_ms * 1000000L};
	nanosleep(&ts, NULL);
	csvc_store *s = NULL;
	if (csvc_test_open(&s, w->path, NULL) != CSVC_OK)
		return (void *)1;
	csvc_customer *c = NULL;
	int rc = csvc_customer_new(&c);
	if (!rc)
		rc = csvc_customer_set_name(c, "from elsewhere");
	if (!rc)
		rc = csvc_customer_create(s, c, "other");
	csvc_customer_free(c);
	csvc_store_close(s);
	return rc ? (void *)1 : NULL;
}

/* Woken by another connection and by another process, on either engine
 * (SQLite: the log file; PostgreSQL: LISTEN/NOTIFY). */
static void test_wait(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-feed-XXXXXX", path[128];
	make_dir(dir, path, sizeof(path));
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_test_open(&s, path, NULL));
	int64_t head = -1;

	/* Nothing new: the timeout, in real time. */
	int64_t t0 = monotonic_ms();
	assert_int_equal(csvc_feed_wait(s, 0, 150, &head), 0);
	assert_true(monotonic_ms() - t0 >= 150);
	assert_int_equal(head, 0);
	assert_int_equal(csvc_feed_wait(s, 0, 0, NULL), 0);
	csvc_assert_err(csvc_feed_wait(s, -1, 0, NULL), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_wait(s, 0, -1, NULL), CSVC_ERANGE);
	csvc_assert_ok(csvc_store_begin(s));
	csvc_assert_err(csvc_feed_wait(s, 0, 0, NULL), CSVC_ESTATE);
	csvc_assert_ok(csvc_store_rollback(s));

	/* Another connection (a thread with its own store) commits. */
	struct writer w = {path, 100};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, write_later, &w), 0);
	t0 = monotonic_ms();
	assert_int_equal(csvc_feed_wait(s, 0, 10000, &head), 1);
	assert_true(monotonic_ms() - t0 < 5000);
	assert_int_equal(head, 1);
	void *res = NULL;
	pthread_join(th, &res);
	assert_null(res);
	/* Already there: at once. */
	assert_int_equal(csvc_feed_wait(s, 0, 10000, &head), 1);

	/* Another process commits. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(write_later(&w) ? 1 : 0);
	t0 = monotonic_ms();
	int woke = csvc_feed_wait(s, 1, 10000, &head);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(woke, 1);
	assert_true(monotonic_ms() - t0 < 5000);
	assert_int_equal(head, 2);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* A write that is not an entry (an ack) wakes the sleep but not the call. */
	csvc_store *other = NULL;
	csvc_assert_ok(csvc_test_open(&other, path, NULL));
	csvc_assert_ok(csvc_feed_ack(other, "x", 2));
	assert_int_equal(csvc_feed_wait(s, 2, 100, &head), 0);
	csvc_store_close(other);
	csvc_store_close(s);
	remove_dir(dir);
}

/* An in-memory store has no log file to watch: the backoff still wakes. */
static void test_wait_memory_store(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	int64_t t0 = monotonic_ms();
	assert_int_equal(csvc_feed_wait(s, 0, 60, NULL), 0);
	assert_true(monotonic_ms() - t0 >= 60);
	csvc_customer_free(make_customer(s, "here"));
	assert_int_equal(csvc_feed_wait(s, 0, 60, NULL), 1);
	csvc_store_close(s);
}

/* ---- subscribers ---- */

typedef struct recorder {
	int64_t pos[256];
	csvc_uuid id[256];
	size_t n;
	int64_t fail_at;   /* return CSVC_EUSER once at this position */
	int failed;
	csvc_store *s;     /* for the calls made from the callback */
	int write_once;    /* create a customer on the first call */
	int nested_rc[2];  /* csvc_feed_subscribe and csvc_feed_deliver from the callback */
} recorder;

static int record(const csvc_feed_entry *e, void *ud)
{
	recorder *r = ud;
	int64_t pos = csvc_feed_entry_position(e);
	if (r->fail_at == pos && !r->failed) {
		r->failed = 1;
		return CSVC_EUSER;
	}
	assert_true(r->n < 256);
	r->pos[r->n] = pos;
	r->id[r->n++] = *csvc_feed_entry_id(e);
	if (r->write_once) {
		r->write_once = 0;
		r->nested_rc[0] = csvc_feed_subscribe(r->s, "nested", record, r);
		r->nested_rc[1] = csvc_feed_deliver(r->s, NULL);
		csvc_customer_free(make_customer(r->s, "written by a subscriber"));
	}
	return 0;
}

static int64_t cursor_of(csvc_store *s, const char *name)
{
	int64_t pos = -1, lag = -1;
	csvc_assert_ok(csvc_feed_consumer_get(s, name, &pos, &lag));
	return pos;
}

static void test_subscribers(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	recorder a = {.s = s}, b = {.s = s, .fail_at = 2};
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.a", record, &a));
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.b", record, &b));
	assert_int_equal(a.n, 0); /* subscribing delivers nothing */

	/* Each commit is delivered after it; b fails on position 2 once. */
	for (int i = 0; i < 3; i++)
		csvc_customer_free(make_customer(s, "someone"));
	assert_int_equal(a.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(a.pos[i], (int64_t)i + 1);
	assert_int_equal(cursor_of(s, "sub.a"), 3);
	/* b handled 1, refused 2; the next commit brought 2 and 3 again. */
	assert_int_equal(b.n, 3);
	assert_int_equal(b.pos[0], 1);
	assert_int_equal(b.pos[1], 2);
	assert_int_equal(b.pos[2], 3);
	assert_int_equal(cursor_of(s, "sub.b"), 3);

	/* csvc_feed_deliver returns the first failure; the others are served. */
	b.fail_at = 4;
	b.failed = 0;
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.b", NULL, NULL));
	csvc_customer_free(make_customer(s, "fourth")); /* only a gets it */
	assert_int_equal(a.n, 4);
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.b", record, &b));
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.a", NULL, NULL));
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.a", record, &a)); /* now after b */
	int64_t delivered = -1;
	assert_int_equal(csvc_feed_deliver(s, &delivered), CSVC_EUSER);
	assert_non_null(strstr(csvc_error_last()->message, "sub.b"));
	assert_int_equal(delivered, 0);
	assert_int_equal(cursor_of(s, "sub.b"), 3);
	csvc_assert_ok(csvc_feed_deliver(s, &delivered));
	assert_int_equal(delivered, 1);
	assert_int_equal(cursor_of(s, "sub.b"), 4);
	csvc_assert_ok(csvc_feed_deliver(s, &delivered));
	assert_int_equal(delivered, 0);

	/* Nothing inside a transaction; a rollback leaves nothing to deliver. */
	csvc_assert_ok(csvc_store_begin(s));
	csvc_customer_free(make_customer(s, "rolled back"));
	csvc_assert_err(csvc_feed_deliver(s, NULL), CSVC_ESTATE);
	assert_int_equal(a.n, 4);
	csvc_assert_ok(csvc_store_rollback(s));
	assert_int_equal(a.n, 4);

	/* A subscriber that writes: its entry is delivered by the same loop,
	 * and it cannot change the subscribers or deliver again. */
	a.write_once = 1;
	csvc_customer_free(make_customer(s, "fifth"));
	assert_int_equal(a.n, 6);
	assert_int_equal(a.pos[4], 5);
	assert_int_equal(a.pos[5], 6);
	assert_int_equal(a.nested_rc[0], CSVC_ESTATE);
	assert_int_equal(a.nested_rc[1], CSVC_ESTATE);
	assert_int_equal(cursor_of(s, "sub.a"), 6);
	assert_int_equal(cursor_of(s, "sub.b"), 6);
	assert_int_equal(head_of(s), 6);
	/* The same entry has the same id for every subscriber. */
	assert_memory_equal(a.id[5].bytes, b.id[b.n - 1].bytes, 16);

	/* Refusals change nothing. */
	csvc_assert_err(csvc_feed_subscribe(s, "Bad Name", record, &a), CSVC_EINVAL);
	csvc_assert_err(csvc_feed_subscribe(s, "", record, &a), CSVC_ERANGE);
	csvc_assert_err(csvc_feed_subscribe(s, NULL, record, &a), CSVC_EINVAL);
	csvc_assert_err(csvc_feed_subscribe(s, "sub.none", NULL, NULL), CSVC_ENOTFOUND);
	char name[32];
	for (int i = 2; i < CSVC_FEED_MAX_SUBSCRIBERS; i++) {
		snprintf(name, sizeof(name), "many.%d", i);
		csvc_assert_ok(csvc_feed_subscribe(s, name, record, &b));
	}
	csvc_assert_err(csvc_feed_subscribe(s, "one.too.many", record, &a), CSVC_ERANGE);
	csvc_assert_ok(csvc_feed_subscribe(s, "sub.a", record, &a)); /* replacing is not adding */
	csvc_store_close(s);
}

/* Entries committed by another connection or process are delivered by
 * csvc_feed_deliver; a process that dies between handling and
 * acknowledging gets them again, with the same ids; a read-only store
 * cannot subscribe. */
static int exit_at_third(const csvc_feed_entry *e, void *ud)
{
	int fd = *(int *)ud;
	char line[64];
	int n = snprintf(line, sizeof(line), "%lld\n", (long long)csvc_feed_entry_position(e));
	if (write(fd, line, (size_t)n) != n)
		_exit(3);
	if (csvc_feed_entry_position(e) == 3)
		_exit(0); /* handled, never acknowledged */
	return 0;
}

static void test_subscriber_redelivery(void **state)
{
	(void)state;
	char dir[] = "/tmp/csvc-feed-XXXXXX", path[128], out[160];
	make_dir(dir, path, sizeof(path));
	snprintf(out, sizeof(out), "%s/handled", dir);
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	for (int i = 0; i < 5; i++)
		csvc_customer_free(make_customer(s, "before"));
	csvc_store_close(s);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
		csvc_store *c = NULL;
		if (fd < 0 || csvc_store_open(&c, path, NULL) || csvc_feed_subscribe(c, "outbox", exit_at_third, &fd))
			_exit(2);
		csvc_feed_deliver(c, NULL);
		_exit(4); /* not reached */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	csvc_assert_ok(csvc_store_open(&s, path, NULL));
	csvc_assert_err(csvc_feed_consumer_get(s, "outbox", NULL, NULL), CSVC_ENOTFOUND); /* never acknowledged */
	recorder r = {.s = s};
	csvc_assert_ok(csvc_feed_subscribe(s, "outbox", record, &r));
	/* Another connection commits; this handle delivers it on request. */
	csvc_store *other = NULL;
	csvc_assert_ok(csvc_store_open(&other, path, NULL));
	csvc_customer_free(make_customer(other, "elsewhere"));
	assert_int_equal(r.n, 0);
	int64_t delivered = 0;
	csvc_assert_ok(csvc_feed_deliver(s, &delivered));
	assert_int_equal(delivered, 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(r.pos[i], (int64_t)i + 1);
	/* Positions 1-3 were handled twice: the ids say they are the same. */
	entry all6[8];
	assert_int_equal(read_all(s, 0, all6, 8), 6);
	for (size_t i = 0; i < 6; i++)
		assert_memory_equal(r.id[i].bytes, all6[i].id.bytes, 16);
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	long long p1, p2, p3;
	assert_int_equal(fscanf(f, "%lld %lld %lld", &p1, &p2, &p3), 3);
	assert_true(p1 == 1 && p2 == 2 && p3 == 3);
	fclose(f);
	csvc_store_close(other);
	csvc_store_close(s);

	csvc_store_options o;
	csvc_store_options_init(&o, CSVC_STORE_OPTIONS_VERSION);
	o.flags = CSVC_OPEN_READONLY;
	csvc_assert_ok(csvc_store_open(&s, path, &o));
	csvc_assert_err(csvc_feed_subscribe(s, "outbox", record, &r), CSVC_EREADONLY);
	csvc_store_close(s);
	remove_dir(dir);
}

/* Alarm subscribers get every alarm, whether a ticket event or
 * csvc_sla_advance crossed it, with the feed's ids and the crossing
 * instants; a failed one comes back on the next advance. */
typedef struct alarm_log {
	char target[32][CSVC_SLA_MAX_NAME + 1];
	int32_t percent[32];
	csvc_time_us at[32];
	csvc_uuid event[32];
	int64_t position[32];
	size_t n;
	int fail_next;
} alarm_log;

static int on_alarm(const csvc_sla_alarm *a, void *ud)
{
	alarm_log *l = ud;
	if (l->fail_next) {
		l->fail_next = 0;
		return CSVC_EUSER;
	}
	assert_true(l->n < 32);
	assert_int_equal(a->version, CSVC_SLA_ALARM_VERSION);
	snprintf(l->target[l->n], sizeof(l->target[0]), "%s", a->target);
	l->percent[l->n] = a->percent;
	l->at[l->n] = a->at;
	l->event[l->n] = *a->event;
	l->position[l->n] = a->position;
	l->n++;
	return 0;
}

/* The ticket's alarms as its history has them, against the log. */
static void check_alarms(csvc_store *s, const csvc_ticket *t, const alarm_log *l)
{
	csvc_event_iter *it = NULL;
	csvc_event *ev = NULL;
	size_t k = 0;
	static entry e[128]; /* the entries of the store's defaults and of this test */
	size_t n = read_all(s, 0, e, 128);
	csvc_assert_ok(csvc_ticket_history_new(s, csvc_ticket_id(t), &it));
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		const char *type = csvc_event_type(ev);
		if (!strcmp(type, "sla_warning") || !strcmp(type, "sla_breach")) {
			assert_true(k < l->n);
			char expect[96];
			snprintf(expect, sizeof(expect), "\"target\":\"%s\",\"percent\":%d", l->target[k], (int)l->percent[k]);
			assert_non_null(strstr(csvc_event_payload(ev), expect));
			assert_int_equal(l->percent[k] == 100, !strcmp(type, "sla_breach"));
			assert_int_equal(csvc_event_at(ev), l->at[k]);
			/* The feed entry at the alarm's position has its id. */
			size_t j = 0;
			while (j < n && e[j].pos != l->position[k])
				j++;
			assert_true(j < n);
			assert_string_equal(e[j].type, type);
			assert_memory_equal(e[j].id.bytes, l->event[k].bytes, 16);
			k++;
		}
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	assert_int_equal(k, l->n);
}

static int stop_walk(const csvc_sla_alarm *a, void *ud)
{
	(void)a;
	(void)ud;
	return 77;
}

static void test_alarm_subscribers(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	csvc_assert_ok(csvc_store_install_defaults(s));
	alarm_log one = {0}, two = {0};
	csvc_assert_ok(csvc_sla_subscribe(s, "alarms.one", on_alarm, &one));
	csvc_assert_ok(csvc_sla_subscribe(s, "alarms.two", on_alarm, &two));
	csvc_ticket *early = NULL, *late = NULL;
	for (int i = 0; i < 2; i++) {
		csvc_ticket **t = i ? &late : &early;
		csvc_assert_ok(csvc_ticket_new(t, "complaint", "SH01"));
		csvc_assert_ok(csvc_ticket_set_subject(*t, "broken"));
		csvc_assert_ok(csvc_ticket_create(s, *t, "clerk"));
	}
	assert_int_equal(one.n, 0);

	/* A transition long after the deadlines crosses the alarms of `early`
	 * before it is written: the subscribers get them, no advance ran. */
	now_cell = T0 + 400LL * 24 * 3600 * SEC;
	csvc_assert_ok(csvc_ticket_transition(s, csvc_ticket_id(early), "analyse", 0, "clerk", NULL, NULL));
	assert_true(one.n >= 2);
	size_t by_event = one.n;
	check_alarms(s, early, &one);
	assert_int_equal(two.n, one.n);

	/* Advance crosses those of `late`; two refuses the first once. */
	two.fail_next = 1;
	int64_t emitted = 0;
	assert_int_equal(csvc_sla_advance(s, now_cell, NULL, NULL, &emitted), CSVC_EUSER);
	assert_true(emitted >= 2);
	assert_int_equal(one.n, by_event + (size_t)emitted);
	assert_int_equal(two.n, by_event);
	/* Nothing is due now; the next advance delivers what two refused. */
	csvc_assert_ok(csvc_sla_advance(s, now_cell, NULL, NULL, &emitted));
	assert_int_equal(emitted, 0);
	assert_int_equal(two.n, one.n);
	for (size_t i = 0; i < one.n; i++) {
		assert_memory_equal(one.event[i].bytes, two.event[i].bytes, 16);
		assert_int_equal(one.position[i], two.position[i]);
		if (i)
			assert_true(one.position[i] > one.position[i - 1]);
	}
	alarm_log late_only = one;
	memmove(late_only.target, late_only.target + by_event, (one.n - by_event) * sizeof(late_only.target[0]));
	memmove(late_only.percent, late_only.percent + by_event, (one.n - by_event) * sizeof(int32_t));
	memmove(late_only.at, late_only.at + by_event, (one.n - by_event) * sizeof(csvc_time_us));
	memmove(late_only.event, late_only.event + by_event, (one.n - by_event) * sizeof(csvc_uuid));
	memmove(late_only.position, late_only.position + by_event, (one.n - by_event) * sizeof(int64_t));
	late_only.n = one.n - by_event;
	check_alarms(s, late, &late_only);
	csvc_assert_ok(csvc_sla_subscribe(s, "alarms.two", NULL, NULL));
	csvc_assert_err(csvc_sla_subscribe(s, "alarms.two", NULL, NULL), CSVC_ENOTFOUND);

	/* An advance whose own callback stops the walk still serves the
	 * subscribers with what it committed. */
	csvc_ticket *third = NULL;
	csvc_assert_ok(csvc_ticket_new(&third, "complaint", "SH01"));
	csvc_assert_ok(csvc_ticket_set_subject(third, "broken again"));
	csvc_assert_ok(csvc_ticket_create(s, third, "clerk"));
	size_t before = one.n;
	assert_int_equal(csvc_sla_advance(s, now_cell + 400LL * 24 * 3600 * SEC, stop_walk, NULL, &emitted), 77);
	assert_int_equal(emitted, 1);
	assert_int_equal(one.n, before + 1);
	assert_int_equal(csvc_error_last()->code, 77);
	csvc_ticket_free(third);
	csvc_ticket_free(early);
	csvc_ticket_free(late);
	csvc_store_close(s);
}

/* The changes that are neither events nor saved definitions: the priority
 * matrix, time zones, transaction counts. */
static void test_settings_and_counts(void **state)
{
	(void)state;
	now_cell = T0;
	csvc_store *s = csvc_test_store(&now_cell);
	int64_t h = head_of(s);
	csvc_assert_ok(csvc_priority_matrix_set(s, CSVC_URGENCY_EMERGENCY, CSVC_IMPORTANCE_HIGH, CSVC_IMPACT_WIDE,
	                                        CSVC_PRIORITY_CRITICAL));
	csvc_assert_ok(csvc_calendar_set_store_zone(s, "SH01", "+08:00"));
	csvc_assert_ok(csvc_calendar_set_default_zone(s, "UTC"));
	csvc_assert_ok(csvc_calendar_clear_store_zone(s, "SH01"));
	csvc_assert_err(csvc_calendar_clear_store_zone(s, "SH01"), CSVC_ENOTFOUND); /* no change, no entry */
	csvc_assert_ok(csvc_calendar_clear_default_zone(s));
	csvc_assert_ok(csvc_report_record_transactions(s, "SH01", 20260101, 812));
	size_t n = read_all(s, h, all, 1000);
	assert_int_equal(n, 6);
	check_sequence(all, n, h + 1);
	static const char *const types[] = {"priority_matrix_set", "zone_set", "zone_set", "zone_cleared",
	                                    "zone_cleared", "transactions_recorded"};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(all[i].type, types[i]);
		assert_int_equal(all[i].time, T0);
	}
	assert_string_equal(all[0].kind, "definition");
	assert_string_equal(all[0].ref, "priority_matrix");
	assert_string_equal(all[0].payload, "{\"urgency\":1,\"importance\":1,\"impact\":1,\"priority\":1}");
	assert_string_equal(all[1].ref, "+08:00");
	assert_string_equal(all[1].payload, "{\"kind\":\"zone\",\"store_code\":\"SH01\"}");
	assert_string_equal(all[2].payload, "{\"kind\":\"zone\",\"store_code\":\"\"}");
	assert_string_equal(all[3].payload, "{\"kind\":\"zone\",\"store_code\":\"SH01\"}");
	assert_string_equal(all[5].kind, "store");
	assert_string_equal(all[5].ref, "SH01");
	assert_string_equal(all[5].payload, "{\"store_code\":\"SH01\",\"date\":20260101,\"count\":812}");
	csvc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_source_in_commit_order),
		cmocka_unit_test(test_alarms_and_merges),
		cmocka_unit_test(test_rollback_leaves_no_entry),
		cmocka_unit_test(test_savepoints_and_runs),
		cmocka_unit_test(test_spans_and_damaged_runs),
		cmocka_unit_test(test_consumers),
		cmocka_unit_test(test_migration_backfill),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_wait_memory_store),
		cmocka_unit_test(test_settings_and_counts),
		cmocka_unit_test(test_subscribers),
		cmocka_unit_test(test_subscriber_redelivery),
		cmocka_unit_test(test_alarm_subscribers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
