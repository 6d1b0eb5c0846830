/*
 * The data-subject export (csvc_customer_export): every part of the
 * document read back with SQLite's own JSON functions (a parser that
 * shares no code with the writer), refusals that change nothing, an
 * erased customer, and access control (complete or refused). Runs on
 * both engines.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-sql.h"
#include "store-sqlite.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static csvc_time_us now_cell;

typedef struct fixture {
	char dir[64], path[96];
	csvc_store *s;
	csvc_store_options opts;
	sqlite3 *json; /* a private in-memory database: its JSON functions read the export */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/csvc-export-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	now_cell = T0;
	f->opts = (csvc_store_options)CSVC_STORE_OPTIONS_INIT;
	f->opts.clock = csvc_test_clock;
	f->opts.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&f->s, f->path, &f->opts));
	csvc_assert_ok(csvc_store_install_defaults(f->s));
	assert_int_equal(sqlite3_open_v2(":memory:", &f->json, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->s)
		csvc_store_close(f->s);
	sqlite3_close(f->json);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* `expr` over the document bound as ?1, as text ("" for SQL NULL). */
static void jq(fixture *f, const char *doc, const char *expr, char *out, size_t n)
{
	char sql[1024];
	snprintf(sql, sizeof(sql), "SELECT %s", expr);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(f->json, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(f->json));
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *v = sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", v ? (const char *)v : "");
	sqlite3_finalize(st);
}

static void expect_json(fixture *f, const char *doc, const char *expr, const char *want)
{
	char got[1024];
	jq(f, doc, expr, got, sizeof(got));
	if (strcmp(got, want) != 0)
		print_error("%s: got '%s', want '%s'\n", expr, got, want);
	assert_string_equal(got, want);
}

static csvc_uuid customer(csvc_store *s, const char *name, const char *phone, const char *home)
{
	now_cell += CSVC_SECOND_US;
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	if (phone)
		csvc_assert_ok(csvc_customer_add_phone(c, phone));
	if (home)
		csvc_assert_ok(csvc_customer_set_home_store(c, home));
	csvc_assert_ok(csvc_customer_create(s, c, "desk"));
	csvc_uuid id = *csvc_customer_id(c);
	csvc_customer_free(c);
	return id;
}

static csvc_uuid ticket(csvc_store *s, const csvc_uuid *who, const char *store, const char *subject)
{
	now_cell += CSVC_SECOND_US;
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", store));
	csvc_assert_ok(csvc_ticket_set_customer(t, who));
	csvc_assert_ok(csvc_ticket_set_subject(t, subject));
	csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
	csvc_uuid id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	return id;
}

static void consent(csvc_store *s, const csvc_uuid *who, int32_t purpose, int32_t state)
{
	now_cell += CSVC_SECOND_US;
	csvc_consent_form form;
	csvc_assert_ok(csvc_consent_form_init(&form, CSVC_CONSENT_FORM_VERSION));
	form.customer = who;
	form.purpose = purpose;
	form.state = state;
	form.channel = "till";
	form.text_version = "2026-03";
	csvc_assert_ok(csvc_consent_record(s, &form, "desk"));
}

static void respond(csvc_store *s, const csvc_uuid *t, const char *comment)
{
	now_cell += CSVC_SECOND_US;
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = t;
	ctx.method = CSVC_METHOD_PHONE_CALLBACK;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_assert_ok(csvc_survey_invite(s, "post_resolution", &ctx, token));
	csvc_survey_answers *a = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&a));
	csvc_assert_ok(csvc_survey_answers_score(a, "response_speed", 5));
	csvc_assert_ok(csvc_survey_answers_score(a, "resolution_efficiency", 4));
	csvc_assert_ok(csvc_survey_answers_score(a, "solution_satisfaction", 3));
	csvc_assert_ok(csvc_survey_answers_text(a, "comment", comment));
	csvc_assert_ok(csvc_survey_respond(s, token, a, NULL));
	csvc_survey_answers_free(a);
}

static char *export_of(csvc_store *s, const csvc_uuid *who)
{
	char *doc = NULL;
	csvc_assert_ok(csvc_customer_export(s, who, &doc));
	assert_non_null(doc);
	return doc;
}

/* Every part of the document, with the values the store holds. */
static void test_everything(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "13800138000", "SH01");
	csvc_uuid dup = customer(f->s, "王 芳 \"Fang\"", "13900139000", NULL);
	csvc_uuid other = customer(f->s, "李雷", "13700137000", "SH01");
	consent(f->s, &a, CSVC_CONSENT_SURVEY, CSVC_CONSENT_GIVEN);
	consent(f->s, &dup, CSVC_CONSENT_MARKETING, CSVC_CONSENT_WITHDRAWN);
	csvc_uuid t1 = ticket(f->s, &a, "SH01", "排队太久");
	csvc_uuid t2 = ticket(f->s, &dup, "SH01", "退货");
	ticket(f->s, &other, "SH01", "someone else's");
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_comment(
		f->s, &t1, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "您好，已处理", NULL, 0, "agent"},
		NULL));
	respond(f->s, &t1, "处理很及时\n谢谢");
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_merge(f->s, &a, &dup, "crm", NULL));
	now_cell = T0 + 3600 * CSVC_SECOND_US;

	char *doc = export_of(f->s, &a);
	char ida[CSVC_UUID_STRLEN + 1], iddup[CSVC_UUID_STRLEN + 1], id1[CSVC_UUID_STRLEN + 1],
		id2[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(&a, ida);
	csvc_uuid_to_string(&dup, iddup);
	csvc_uuid_to_string(&t1, id1);
	csvc_uuid_to_string(&t2, id2);
	expect_json(f, doc, "json_valid(?1)", "1");
	expect_json(f, doc, "json_extract(?1, '$.format')", "csvc-customer-export");
	expect_json(f, doc, "json_extract(?1, '$.format_version')", "2");
	expect_json(f, doc, "json_extract(?1, '$.exported_at')", "1767229200000000");
	expect_json(f, doc, "json_extract(?1, '$.customer.id')", ida);
	expect_json(f, doc, "json_extract(?1, '$.customer.name')", "王芳");
	/* The merge brought the duplicate's phone over. */
	expect_json(f, doc, "json_array_length(?1, '$.customer.phones')", "2");
	expect_json(f, doc, "json_extract(?1, '$.customer.home_store')", "SH01");
	expect_json(f, doc, "json_type(?1, '$.customer.erased_at')", "null");
	expect_json(f, doc, "json_array_length(?1, '$.merged_records')", "1");
	expect_json(f, doc, "json_extract(?1, '$.merged_records[0].id')", iddup);
	expect_json(f, doc, "json_extract(?1, '$.merged_records[0].name')", "王 芳 \"Fang\"");
	expect_json(f, doc, "json_extract(?1, '$.merged_records[0].merged_into')", ida);
	/* Both records' consent, in the order recorded. */
	expect_json(f, doc, "json_array_length(?1, '$.consents')", "2");
	expect_json(f, doc, "json_extract(?1, '$.consents[0].purpose')", "survey");
	expect_json(f, doc, "json_extract(?1, '$.consents[0].state')", "given");
	expect_json(f, doc, "json_extract(?1, '$.consents[1].purpose')", "marketing");
	expect_json(f, doc, "json_extract(?1, '$.consents[1].state')", "withdrawn");
	expect_json(f, doc, "json_extract(?1, '$.consents[1].text_version')", "2026-03");
	/* Her ticket and the duplicate's, not the other customer's. */
	expect_json(f, doc, "json_array_length(?1, '$.tickets')", "2");
	char both[2 * CSVC_UUID_STRLEN + 2];
	snprintf(both, sizeof(both), "%s %s", id1, id2);
	expect_json(f, doc,
	            "(SELECT group_concat(id, ' ') FROM (SELECT json_extract(value, '$.ticket.id') AS id"
	            " FROM json_each(?1, '$.tickets') ORDER BY json_extract(value, '$.ticket.created_at')))",
	            both);
	char expr[512];
	snprintf(expr, sizeof(expr),
	         "(SELECT json_extract(value, '$.ticket.subject') FROM json_each(?1, '$.tickets')"
	         " WHERE json_extract(value, '$.ticket.id') = '%s')",
	         id1);
	expect_json(f, doc, expr, "排队太久");
	snprintf(expr, sizeof(expr),
	         "(SELECT json_extract(value, '$.ticket.customer') FROM json_each(?1, '$.tickets')"
	         " WHERE json_extract(value, '$.ticket.id') = '%s')",
	         id2);
	expect_json(f, doc, expr, ida);
	/* The events, comments included, and the SLA targets. */
	snprintf(expr, sizeof(expr),
	         "(SELECT group_concat(json_extract(e.value, '$.type'), ',') FROM json_each(?1, '$.tickets') t,"
	         " json_each(t.value, '$.events') e WHERE json_extract(t.value, '$.ticket.id') = '%s')",
	         id1);
	expect_json(f, doc, expr, "created,comment");
	/* The comment event says which kind it was. */
	snprintf(expr, sizeof(expr),
	         "(SELECT json_extract(e.value, '$.payload.kind') FROM json_each(?1, '$.tickets') t,"
	         " json_each(t.value, '$.events') e WHERE json_extract(t.value, '$.ticket.id') = '%s'"
	         " AND json_extract(e.value, '$.type') = 'comment')",
	         id1);
	expect_json(f, doc, expr, "reply");
	snprintf(expr, sizeof(expr),
	         "(SELECT count(*) FROM json_each(?1, '$.tickets') t, json_each(t.value, '$.sla') x"
	         " WHERE json_extract(t.value, '$.ticket.id') = '%s' AND json_extract(x.value, '$.target') = 'handled'"
	         " AND json_extract(x.value, '$.status') = 'running')",
	         id1);
	expect_json(f, doc, expr, "1");
	/* The survey response with its four answers. */
	expect_json(f, doc, "json_array_length(?1, '$.survey_responses')", "1");
	expect_json(f, doc, "json_extract(?1, '$.survey_responses[0].survey')", "post_resolution");
	expect_json(f, doc, "json_extract(?1, '$.survey_responses[0].ticket')", id1);
	expect_json(f, doc, "json_extract(?1, '$.survey_responses[0].method')", "phone_callback");
	expect_json(f, doc, "json_array_length(?1, '$.survey_responses[0].answers')", "4");
	expect_json(f, doc,
	            "(SELECT json_extract(value, '$.value') FROM json_each(?1, '$.survey_responses[0].answers')"
	            " WHERE json_extract(value, '$.question') = 'response_speed')",
	            "5");
	expect_json(f, doc,
	            "(SELECT json_extract(value, '$.text') FROM json_each(?1, '$.survey_responses[0].answers')"
	            " WHERE json_extract(value, '$.question') = 'comment')",
	            "处理很及时\n谢谢");
	csvc_free(doc);

	/* Another customer's export holds none of hers. */
	doc = export_of(f->s, &other);
	expect_json(f, doc, "json_array_length(?1, '$.tickets')", "1");
	expect_json(f, doc, "json_array_length(?1, '$.merged_records')", "0");
	expect_json(f, doc, "json_array_length(?1, '$.consents')", "0");
	expect_json(f, doc, "json_array_length(?1, '$.survey_responses')", "0");
	csvc_free(doc);
}

/* Bad arguments, an unknown customer and a merged-away record are
 * refused, and the output is left alone. */
static void test_refusals(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", NULL, NULL);
	csvc_uuid dup = customer(f->s, "王芳", NULL, NULL);
	csvc_assert_ok(csvc_customer_merge(f->s, &a, &dup, "crm", NULL));
	char *doc = (char *)"untouched";
	csvc_assert_err(csvc_customer_export(NULL, &a, &doc), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_export(f->s, NULL, &doc), CSVC_EINVAL);
	csvc_assert_err(csvc_customer_export(f->s, &a, NULL), CSVC_EINVAL);
	csvc_uuid nobody;
	memset(&nobody, 0x42, sizeof(nobody));
	csvc_assert_err(csvc_customer_export(f->s, &nobody, &doc), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_customer_export(f->s, &dup, &doc), CSVC_ESTATE);
	assert_non_null(strstr(csvc_error_last()->message, "merged into another record"));
	assert_string_equal(doc, "untouched");
	/* Inside the caller's transaction, which it leaves open. */
	csvc_assert_ok(csvc_store_begin(f->s));
	csvc_assert_ok(csvc_customer_export(f->s, &a, &doc));
	assert_int_equal(csvc_store_tx_depth(f->s), 1);
	csvc_assert_ok(csvc_store_rollback(f->s));
	csvc_free(doc);
}

/* An erased customer exports what is left: no personal data, the tickets
 * and their statistics. */
static void test_erased(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "13800138000", "SH01");
	ticket(f->s, &a, "SH01", "排队太久");
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_erase(f->s, &a, "dpo"));
	char *doc = export_of(f->s, &a);
	expect_json(f, doc, "json_valid(?1)", "1");
	expect_json(f, doc, "json_type(?1, '$.customer.erased_at')", "integer");
	expect_json(f, doc, "json_array_length(?1, '$.customer.phones')", "0");
	expect_json(f, doc, "instr(?1, '王芳') + instr(?1, '13800138000')", "0");
	expect_json(f, doc, "json_array_length(?1, '$.tickets')", "1");
	csvc_free(doc);
}

/* Erasure redacts the free text of the customer's tickets (subject,
 * description, comments, notes, their events' payloads, the search rows)
 * and survey answers, with a "redacted" event on each ticket; the
 * tickets still equal their replay and their SLA clocks their recompute,
 * and on SQLite no byte of the name or phone is left in the file or its
 * log. The append-only triggers admit that and nothing else. */
static void test_erase_redacts(void **state)
{
	fixture *f = *state;
	const char *name = "欧阳锋锋", *phone = "13612345678";
	csvc_uuid a = customer(f->s, name, phone, "SH01");
	csvc_uuid other = customer(f->s, "李雷", NULL, "SH01");
	csvc_uuid t = ticket(f->s, &a, "SH01", "欧阳锋锋 13612345678 投诉");
	csvc_uuid kept = ticket(f->s, &other, "SH01", "another customer helped");
	csvc_ticket *tk = NULL;
	csvc_assert_ok(csvc_ticket_get(f->s, &t, &tk));
	csvc_assert_ok(csvc_ticket_set_description(tk, "请致电欧阳锋锋 13612345678"));
	csvc_assert_ok(csvc_ticket_set_subject(tk, "欧阳锋锋 again"));
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_update(f->s, tk, "desk"));
	csvc_ticket_free(tk);
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_comment(
		f->s, &t, &(csvc_comment){CSVC_COMMENT_VERSION, CSVC_COMMENT_REPLY, "欧阳锋锋您好", NULL, 0, "agent"}, NULL));
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_ticket_transition(f->s, &t, "analyse", 0, "agent", "note 13612345678", NULL));
	respond(f->s, &t, "我是欧阳锋锋");
	/* A survey with a choice: the option chosen is no free text. */
	csvc_survey *sv = NULL;
	size_t qi = 0;
	csvc_assert_ok(csvc_survey_new(&sv, "pick"));
	csvc_assert_ok(csvc_survey_add_question(sv, "where", CSVC_QUESTION_CHOICE, NULL, 1, NULL, NULL, &qi));
	csvc_assert_ok(csvc_survey_add_option(sv, qi, "counter"));
	csvc_assert_ok(csvc_survey_add_option(sv, qi, "phone"));
	csvc_assert_ok(csvc_survey_add_question(sv, "why", CSVC_QUESTION_TEXT, NULL, 0, NULL, NULL, NULL));
	csvc_assert_ok(csvc_survey_save(f->s, sv, NULL));
	csvc_survey_free(sv);
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	ctx.ticket = &t;
	ctx.method = CSVC_METHOD_PHONE_CALLBACK;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_assert_ok(csvc_survey_invite(f->s, "pick", &ctx, token));
	csvc_survey_answers *ans = NULL;
	csvc_assert_ok(csvc_survey_answers_new(&ans));
	csvc_assert_ok(csvc_survey_answers_choice(ans, "where", "phone"));
	csvc_assert_ok(csvc_survey_answers_text(ans, "why", "欧阳锋锋 says hi"));
	csvc_assert_ok(csvc_survey_respond(f->s, token, ans, NULL));
	csvc_survey_answers_free(ans);
	/* A sub-task handed off to a department repeats the request. */
	now_cell += CSVC_SECOND_US;
	csvc_handoff h;
	csvc_assert_ok(csvc_handoff_init(&h, CSVC_HANDOFF_VERSION));
	h.department = "property";
	h.subject = "为欧阳锋锋修灯";
	h.description = "call 13612345678";
	h.actor = "desk";
	csvc_ticket *child = NULL;
	csvc_assert_ok(csvc_ticket_handoff(f->s, &t, &h, &child));
	csvc_uuid child_id = *csvc_ticket_id(child);
	csvc_ticket_free(child);
	now_cell += CSVC_SECOND_US;
	csvc_assert_ok(csvc_customer_erase(f->s, &a, "dpo"));
	csvc_assert_ok(csvc_ticket_get(f->s, &child_id, &child));
	assert_null(csvc_ticket_subject(child));
	assert_null(csvc_ticket_description(child));
	csvc_ticket_free(child);

	csvc_ticket *g = NULL, *r = NULL;
	csvc_assert_ok(csvc_ticket_get(f->s, &t, &g));
	assert_null(csvc_ticket_subject(g));
	assert_null(csvc_ticket_description(g));
	assert_string_equal(csvc_ticket_state(g), "analysing");
	csvc_assert_ok(csvc_ticket_replay(f->s, &t, &r));
	assert_true(csvc_ticket_equal(g, r));
	csvc_ticket_free(g);
	csvc_ticket_free(r);
	int equal = 0;
	csvc_assert_ok(csvc_sla_recompute(f->s, &t, 0, &equal));
	assert_true(equal);
	/* The redaction is on record, and the export shows what is left. */
	char *doc = export_of(f->s, &a);
	expect_json(f, doc, "json_extract(?1, '$.tickets[0].events[#-1].type')", "redacted");
	expect_json(f, doc, "json_extract(?1, '$.tickets[0].events[#-1].actor')", "dpo");
	expect_json(f, doc, "json_extract(?1, '$.tickets[0].events[#-1].payload.reason')", "customer_erased");
	expect_json(f, doc, "json_array_length(?1, '$.survey_responses[0].answers')", "4");
	expect_json(f, doc,
	            "(SELECT count(*) FROM json_each(?1, '$.survey_responses[0].answers')"
	            " WHERE json_type(value, '$.text') = 'null' AND json_extract(value, '$.question') = 'comment')",
	            "1");
	expect_json(f, doc,
	            "(SELECT group_concat(json_extract(value, '$.question') || '=' || ifnull(json_extract(value, '$.text'), 'null'), ',')"
	            " FROM json_each(?1, '$.survey_responses[1].answers'))",
	            "where=phone,why=null");
	/* The sub-task is in the export too, redacted as well. */
	expect_json(f, doc, "json_array_length(?1, '$.tickets')", "2");
	expect_json(f, doc, "json_extract(?1, '$.tickets[1].ticket.kind')", "handoff");
	expect_json(f, doc, "json_extract(?1, '$.tickets[1].events[#-1].type')", "redacted");
	expect_json(f, doc,
	            "(SELECT json_extract(value, '$.value') FROM json_each(?1, '$.survey_responses[0].answers')"
	            " WHERE json_extract(value, '$.question') = 'response_speed')",
	            "5");
	expect_json(f, doc, "instr(?1, '欧阳锋锋') + instr(?1, '13612345678')", "0");
	csvc_free(doc);
	/* Search finds nothing of hers; another customer's ticket is left. */
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.text = "欧阳锋";
	int64_t n = -1;
	csvc_assert_ok(csvc_ticket_count(f->s, &q, &n));
	assert_int_equal(n, 0);
	q.text = "customer helped";
	csvc_assert_ok(csvc_ticket_count(f->s, &q, &n));
	assert_int_equal(n, 1);
	csvc_assert_ok(csvc_ticket_get(f->s, &kept, &g));
	assert_string_equal(csvc_ticket_subject(g), "another customer helped");
	csvc_ticket_free(g);
	assert_int_equal(csvc_test_sql_int(f->s, "SELECT count(*) FROM ticket_comments WHERE body LIKE '%欧阳%'"), 0);

	/* The triggers admit the redaction only. */
	csvc_assert_err(csvc_test_sql_exec(f->s, "UPDATE ticket_events SET type = 'x' WHERE seq = 1"), CSVC_EEXISTS);
	csvc_assert_err(csvc_test_sql_exec(f->s, "UPDATE ticket_events SET payload = '{}' WHERE seq = 1"), CSVC_EEXISTS);
	csvc_assert_err(csvc_test_sql_exec(f->s, "UPDATE survey_answers SET value = 1 WHERE value = 5"), CSVC_EEXISTS);
	csvc_assert_err(csvc_test_sql_exec(f->s, "UPDATE survey_answers SET text = 'x'"), CSVC_EEXISTS);
	csvc_assert_err(csvc_test_sql_exec(f->s, "DELETE FROM ticket_events"), CSVC_EEXISTS);

	if (!csvc_test_on_pg()) {
		csvc_store_close(f->s);
		f->s = NULL;
		char wal[128];
		snprintf(wal, sizeof(wal), "%s-wal", f->path);
		const char *needles[] = {name, phone, "欧阳锋锋您好", "我是欧阳"};
		for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
			size_t n = strlen(needles[i]);
			if (csvc_test_file_contains(f->path, needles[i], n) || csvc_test_file_contains(wal, needles[i], n))
				print_error("'%s' is still in the store's files\n", needles[i]);
			assert_false(csvc_test_file_contains(f->path, needles[i], n));
			assert_false(csvc_test_file_contains(wal, needles[i], n));
		}
		/* The other customer's ticket is still there: the scan sees text. */
		static const char kept_text[] = "another customer helped";
		assert_true(csvc_test_file_contains(f->path, kept_text, strlen(kept_text)));
		csvc_assert_ok(csvc_test_open(&f->s, f->path, &f->opts));
	}
}

/* customer_export with the reads in the customer's store, and ticket_read
 * in every store of the customer's tickets: complete or refused. */
static void test_access(void **state)
{
	fixture *f = *state;
	csvc_uuid a = customer(f->s, "王芳", "13800138000", "SH01");
	ticket(f->s, &a, "SH01", "排队太久");
	csvc_test_add_staff(f->s, "agent1", "SH01", "service_agent");
	csvc_test_add_staff(f->s, "boss1", "SH01", "supervisor");
	csvc_test_add_staff(f->s, "boss2", "SH02", "supervisor");
	csvc_test_add_staff(f->s, "dpo", NULL, "data_admin");
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *c = NULL;
	csvc_assert_ok(csvc_test_open(&c, f->path, &o));
	char *doc = NULL;
	csvc_assert_err(csvc_customer_export(c, &a, &doc), CSVC_EACCESS); /* no principal */
	csvc_assert_ok(csvc_store_set_principal(c, "agent1"));
	csvc_assert_err(csvc_customer_export(c, &a, &doc), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "customer_export"));
	csvc_assert_ok(csvc_store_set_principal(c, "boss2"));
	csvc_assert_err(csvc_customer_export(c, &a, &doc), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(c, "boss1"));
	doc = export_of(c, &a);
	expect_json(f, doc, "json_array_length(?1, '$.tickets')", "1");
	csvc_free(doc);
	doc = NULL;
	/* A ticket in another store: the supervisor's export would miss it. */
	ticket(f->s, &a, "SH02", "退货");
	csvc_assert_err(csvc_customer_export(c, &a, &doc), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "SH02"));
	assert_null(doc);
	csvc_assert_ok(csvc_store_set_principal(c, "dpo"));
	doc = export_of(c, &a);
	expect_json(f, doc, "json_array_length(?1, '$.tickets')", "2");
	csvc_free(doc);
	doc = NULL;
	/* A record of another store merged into a customer of SH01: only a
	 * principal who may read that store's contacts exports it. */
	csvc_uuid b = customer(f->s, "王芳", "13900139000", "SH01");
	csvc_uuid dup = customer(f->s, "王芳", "13700137000", "SH02");
	csvc_assert_ok(csvc_customer_merge(f->s, &b, &dup, "crm", NULL));
	csvc_assert_ok(csvc_store_set_principal(c, "boss1"));
	csvc_assert_err(csvc_customer_export(c, &b, &doc), CSVC_EACCESS);
	assert_null(doc);
	csvc_assert_ok(csvc_store_set_principal(c, "dpo"));
	doc = export_of(c, &b);
	expect_json(f, doc, "json_extract(?1, '$.merged_records[0].home_store')", "SH02");
	csvc_free(doc);
	csvc_store_close(c);
}

/* Every read of the export is an indexed search (SQLite's plan; the
 * texts are those of customer-sql.c, ticket-sql.c and survey-sql.c). */
static void test_query_plans(void **state)
{
	fixture *f = *state;
	if (csvc_test_on_pg())
		return; /* SQLite's EXPLAIN QUERY PLAN through its handle */
	static const char *const queries[] = {
		"SELECT id FROM customers WHERE merged_into = 1 ORDER BY id",
		"SELECT DISTINCT store_code FROM tickets WHERE customer_id = 1 ORDER BY store_code",
		"SELECT r.uuid, s.name, s.version, r.submitted_us, r.store_code, r.staff, r.channel, r.method, t.uuid,"
		" q.name, q.type, a.value, a.value2, a.text"
		" FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
		" LEFT JOIN tickets t ON t.id = r.ticket_id"
		" LEFT JOIN survey_answers a ON a.response_id = r.id"
		" LEFT JOIN survey_questions q ON q.survey_id = r.survey_id AND q.position = a.position"
		" WHERE r.customer_id = 1 ORDER BY r.id, a.position",
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		char sql[1024];
		snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", queries[i]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(CSVC_TEST_SQLITE(f->s), sql, -1, &st, NULL), SQLITE_OK);
		char plan[2048] = "";
		while (sqlite3_step(st) == SQLITE_ROW) {
			strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2);
			strncat(plan, "\n", sizeof(plan) - strlen(plan) - 1);
		}
		sqlite3_finalize(st);
		if (strstr(plan, "SCAN"))
			print_error("%s\nplan:\n%s", queries[i], plan);
		assert_null(strstr(plan, "SCAN"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erased, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase_redacts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
