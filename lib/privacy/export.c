/*
 * The data-subject export: everything the store holds on one customer as
 * one JSON document (docs/privacy.md, "Export"). It reads through the
 * modules' public calls where they give all there is, and through their
 * internal storage calls where no public call lists it (merged records,
 * the stores of the customer's tickets, survey answers).
 */
#include <stdio.h>
#include <string.h>

#include "access/access-internal.h"
#include "csvc/consent.h"
#include "csvc/customer.h"
#include "csvc/enum.h"
#include "csvc/privacy.h"
#include "csvc/sla.h"
#include "csvc/ticket.h"
#include "customer/customer-internal.h"
#include "store/store-internal.h"
#include "survey/survey-internal.h"
#include "ticket/ticket-internal.h"
#include "util/internal.h"

/* ---- JSON members: a comma before each but the first of an object ---- */

static void key(csvc__buf *b, const char *k)
{
	if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[')
		csvc__buf_puts(b, ",");
	csvc__buf_json_string(b, k);
	csvc__buf_puts(b, ":");
}

static void item(csvc__buf *b)
{
	if (b->len && b->data[b->len - 1] != '[')
		csvc__buf_puts(b, ",");
}

static void kstr(csvc__buf *b, const char *k, const char *v)
{
	key(b, k);
	if (v)
		csvc__buf_json_string(b, v);
	else
		csvc__buf_puts(b, "null");
}

static void kint(csvc__buf *b, const char *k, int64_t v)
{
	key(b, k);
	csvc__buf_int(b, v);
}

/* A time, or null for 0 (never). */
static void ktime(csvc__buf *b, const char *k, csvc_time_us v)
{
	key(b, k);
	if (v)
		csvc__buf_int(b, v);
	else
		csvc__buf_puts(b, "null");
}

static void kuuid(csvc__buf *b, const char *k, const csvc_uuid *id)
{
	char text[CSVC_UUID_STRLEN + 1];
	if (!id || csvc_uuid_is_nil(id)) {
		kstr(b, k, NULL);
		return;
	}
	csvc_uuid_to_string(id, text);
	kstr(b, k, text);
}

static void kenum(csvc__buf *b, const char *k, int kind, int32_t v)
{
	kstr(b, k, csvc_enum_name(kind, v));
}

/* ---- the parts ---- */

static void customer_json(csvc__buf *b, const csvc_customer *c)
{
	csvc__buf_puts(b, "{");
	kuuid(b, "id", csvc_customer_id(c));
	kstr(b, "name", csvc_customer_name(c));
	key(b, "phones");
	csvc__buf_puts(b, "[");
	for (size_t i = 0; i < csvc_customer_phone_count(c); i++) {
		item(b);
		csvc__buf_json_string(b, csvc_customer_phone(c, i));
	}
	csvc__buf_puts(b, "]");
	key(b, "emails");
	csvc__buf_puts(b, "[");
	for (size_t i = 0; i < csvc_customer_email_count(c); i++) {
		item(b);
		csvc__buf_json_string(b, csvc_customer_email(c, i));
	}
	csvc__buf_puts(b, "]");
	kstr(b, "address", csvc_customer_address(c));
	int32_t bd = csvc_customer_birthday(c);
	char day[16];
	snprintf(day, sizeof(day), "%04d-%02d-%02d", (int)(bd / 10000 % 10000), (int)(bd / 100 % 100), (int)(bd % 100));
	kstr(b, "birthday", bd ? day : NULL);
	kstr(b, "notes", csvc_customer_notes(c));
	kstr(b, "home_store", csvc_customer_home_store(c));
	kenum(b, "class", CSVC_ENUM_CUSTOMER_CLASS, csvc_customer_class(c));
	key(b, "tier"); /* 1, 2 or 3: a number, null when not set */
	if (csvc_customer_tier(c))
		csvc__buf_int(b, csvc_customer_tier(c));
	else
		csvc__buf_puts(b, "null");
	kenum(b, "lifecycle", CSVC_ENUM_LIFECYCLE, csvc_customer_lifecycle(c));
	key(b, "tags");
	csvc__buf_puts(b, "[");
	for (size_t i = 0; i < csvc_customer_tag_count(c); i++) {
		item(b);
		csvc__buf_json_string(b, csvc_customer_tag(c, i));
	}
	csvc__buf_puts(b, "]");
	key(b, "external_ids");
	csvc__buf_puts(b, "[");
	for (size_t i = 0; i < csvc_customer_external_id_count(c); i++) {
		const char *kind = NULL, *value = NULL;
		csvc_customer_external_id_at(c, i, &kind, &value);
		item(b);
		csvc__buf_puts(b, "{");
		kstr(b, "kind", kind);
		kstr(b, "value", value);
		csvc__buf_puts(b, "}");
	}
	csvc__buf_puts(b, "]");
	key(b, "attributes");
	csvc__buf_puts(b, "{");
	for (size_t i = 0; i < csvc_customer_attr_count(c); i++) {
		const char *k = NULL, *v = NULL;
		csvc_customer_attr_at(c, i, &k, &v);
		kstr(b, k, v);
	}
	csvc__buf_puts(b, "}");
	key(b, "lifecycle_history");
	csvc__buf_puts(b, "[");
	for (size_t i = 0; i < csvc_customer_lifecycle_count(c); i++) {
		int32_t stage = 0;
		csvc_time_us at = 0;
		csvc_customer_lifecycle_at(c, i, &stage, &at);
		item(b);
		csvc__buf_puts(b, "{");
		kenum(b, "stage", CSVC_ENUM_LIFECYCLE, stage);
		ktime(b, "at", at);
		csvc__buf_puts(b, "}");
	}
	csvc__buf_puts(b, "]");
	kint(b, "revision", csvc_customer_revision(c));
	ktime(b, "created_at", csvc_customer_created_at(c));
	ktime(b, "updated_at", csvc_customer_updated_at(c));
	kuuid(b, "merged_into", csvc_customer_merged_into(c));
	ktime(b, "erased_at", csvc_customer_erased_at(c));
	csvc__buf_puts(b, "}");
}

/* The records merged into `rowid`, and those merged into them, oldest
 * merge chain first (rowid order at each level). */
static int merged_records(csvc_store *s, int64_t rowid, csvc__buf *b, int depth)
{
	int64_t *ids = NULL;
	size_t n = 0;
	/* Merges cannot form a cycle (a merged record takes no merge), so
	 * the depth bound only guards a corrupt file. */
	if (depth > 64)
		return csvc__error(CSVC_ECORRUPT, "customer merges nest more than 64 deep");
	int rc = csvc__customer_db_merged_into(s, rowid, &ids, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		csvc_customer *m = NULL;
		if ((rc = csvc__customer_db_load(s, ids[i], &m)))
			break;
		/* A merged record of another store is that store's to read. */
		if ((rc = CSVC__ACCESS_IN(s, CSVC_PERM_CUSTOMER_READ_CONTACTS, csvc_customer_home_store(m)))) {
			csvc_customer_free(m);
			break;
		}
		item(b);
		customer_json(b, m);
		csvc_customer_free(m);
		rc = merged_records(s, ids[i], b, depth + 1);
	}
	csvc__free(ids);
	return rc;
}

static int consents(csvc_store *s, const csvc_uuid *id, csvc__buf *b)
{
	csvc_consent **list = NULL;
	size_t n = 0;
	int rc = csvc_consent_history(s, id, &list, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const csvc_consent *c = list[i];
		item(b);
		csvc__buf_puts(b, "{");
		kenum(b, "purpose", CSVC_ENUM_CONSENT_PURPOSE, csvc_consent_purpose(c));
		kenum(b, "state", CSVC_ENUM_CONSENT_STATE, csvc_consent_state(c));
		ktime(b, "at", csvc_consent_at(c));
		kstr(b, "channel", csvc_consent_channel(c));
		kstr(b, "text_version", csvc_consent_text_version(c));
		kstr(b, "actor", csvc_consent_actor(c));
		csvc__buf_puts(b, "}");
	}
	csvc_consent_list_free(list, n);
	return CSVC_OK;
}

static void ticket_json(csvc__buf *b, const csvc_ticket *t)
{
	csvc__buf_puts(b, "{");
	kuuid(b, "id", csvc_ticket_id(t));
	kstr(b, "number", csvc_ticket_number(t));
	kstr(b, "kind", csvc_ticket_kind(t));
	kstr(b, "store", csvc_ticket_store_code(t));
	kuuid(b, "customer", csvc_ticket_customer(t));
	kstr(b, "channel", csvc_ticket_channel(t));
	kstr(b, "category", csvc_ticket_category(t));
	kstr(b, "state", csvc_ticket_state(t));
	kenum(b, "state_category", CSVC_ENUM_STATE_CATEGORY, csvc_ticket_state_category(t));
	kstr(b, "workflow", csvc_ticket_workflow(t));
	kint(b, "workflow_version", csvc_ticket_workflow_version(t));
	kenum(b, "urgency", CSVC_ENUM_URGENCY, csvc_ticket_urgency(t));
	kenum(b, "importance", CSVC_ENUM_IMPORTANCE, csvc_ticket_importance(t));
	kenum(b, "impact", CSVC_ENUM_IMPACT, csvc_ticket_impact(t));
	kenum(b, "priority", CSVC_ENUM_PRIORITY, csvc_ticket_priority(t));
	key(b, "priority_overridden");
	csvc__buf_puts(b, csvc_ticket_priority_overridden(t) ? "true" : "false");
	kstr(b, "assignee", csvc_ticket_assignee(t));
	kstr(b, "team", csvc_ticket_team(t));
	kstr(b, "subject", csvc_ticket_subject(t));
	kstr(b, "description", csvc_ticket_description(t));
	kstr(b, "order_ref", csvc_ticket_order_ref(t));
	kint(b, "revision", csvc_ticket_revision(t));
	ktime(b, "created_at", csvc_ticket_created_at(t));
	ktime(b, "updated_at", csvc_ticket_updated_at(t));
	csvc__buf_puts(b, "}");
}

static int ticket_events(csvc_store *s, const csvc_uuid *id, csvc__buf *b)
{
	csvc_event_iter *it = NULL;
	csvc_event *ev = NULL;
	int rc = csvc_ticket_history_new(s, id, &it);
	if (rc)
		return rc;
	while ((rc = csvc_ticket_history_next(it, &ev)) == CSVC_OK) {
		item(b);
		csvc__buf_puts(b, "{");
		kint(b, "seq", csvc_event_seq(ev));
		ktime(b, "at", csvc_event_at(ev));
		kstr(b, "type", csvc_event_type(ev));
		kstr(b, "actor", csvc_event_actor(ev));
		kstr(b, "from_state", csvc_event_from_state(ev));
		kstr(b, "to_state", csvc_event_to_state(ev));
		/* The payload is the library's own JSON: embedded as it is. */
		key(b, "payload");
		csvc__buf_puts(b, csvc_event_payload(ev) ? csvc_event_payload(ev) : "null");
		csvc__buf_puts(b, "}");
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	return rc == CSVC_ITEROVER ? CSVC_OK : rc;
}

static int ticket_sla(csvc_store *s, const csvc_uuid *id, csvc__buf *b)
{
	csvc_sla_iter *it = NULL;
	csvc_sla_target *t = NULL;
	int rc = csvc_sla_ticket_targets(s, id, &it);
	if (rc)
		return rc;
	while ((rc = csvc_sla_iter_next(it, &t)) == CSVC_OK) {
		item(b);
		csvc__buf_puts(b, "{");
		kstr(b, "target", csvc_sla_target_name(t));
		kstr(b, "policy", csvc_sla_target_policy(t));
		kint(b, "policy_version", csvc_sla_target_policy_version(t));
		kenum(b, "status", CSVC_ENUM_SLA_STATUS, csvc_sla_target_status(t));
		kint(b, "duration_us", csvc_sla_target_duration(t));
		kint(b, "used_us", csvc_sla_target_used(t));
		ktime(b, "due_at", csvc_sla_target_due_at(t));
		ktime(b, "met_at", csvc_sla_target_met_at(t));
		ktime(b, "breached_at", csvc_sla_target_breached_at(t));
		kstr(b, "fault", csvc_sla_target_fault(t));
		csvc__buf_puts(b, "}");
		csvc_sla_target_free(t);
	}
	csvc_sla_iter_free(it);
	return rc == CSVC_ITEROVER ? CSVC_OK : rc;
}

static int ticket_entry(csvc_store *s, const csvc_ticket *t, csvc__buf *b)
{
	item(b);
	csvc__buf_puts(b, "{");
	key(b, "ticket");
	ticket_json(b, t);
	key(b, "events");
	csvc__buf_puts(b, "[");
	int rc = ticket_events(s, csvc_ticket_id(t), b);
	csvc__buf_puts(b, "]");
	key(b, "sla");
	csvc__buf_puts(b, "[");
	if (!rc)
		rc = ticket_sla(s, csvc_ticket_id(t), b);
	csvc__buf_puts(b, "]}");
	return rc;
}

/* The customer's tickets, then the sub-tasks handed off from them (which
 * carry the request's text but no customer of their own). */
static int tickets(csvc_store *s, const csvc_uuid *id, int64_t rowid, csvc__buf *b)
{
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.customer = id;
	csvc_ticket_iter *it = NULL;
	csvc_ticket *t = NULL;
	int rc = csvc_ticket_iter_new(s, &q, &it);
	if (rc)
		return rc;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		rc = ticket_entry(s, t, b);
		csvc_ticket_free(t);
		if (rc)
			break;
	}
	csvc_ticket_iter_free(it);
	if (rc != CSVC_ITEROVER)
		return rc;
	csvc__ticket_ref *refs = NULL;
	size_t n = 0;
	rc = csvc__ticket_db_handoffs_of_customer(s, rowid, &refs, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		if (!(rc = csvc_ticket_get(s, &refs[i].id, &t))) {
			rc = ticket_entry(s, t, b);
			csvc_ticket_free(t);
		}
	}
	csvc__free(refs);
	return rc;
}

/* Survey answers arrive a row each, by response: a response's object
 * stays open until the next response (or the end) closes it. */
typedef struct answers_ctx {
	csvc_store *s;
	csvc__buf *b;
	csvc_uuid open; /* the response being written; nil: none yet */
} answers_ctx;

static int answer_row(const csvc__survey_answer_row *r, void *ud)
{
	answers_ctx *x = ud;
	csvc__buf *b = x->b;
	if (csvc_uuid_is_nil(&x->open) || !csvc_uuid_equal(&x->open, &r->response)) {
		/* A response is its store's record, as a ticket is. */
		int rc = csvc__access_require_scope(x->s, r->store_code, "csvc_customer_export");
		if (rc)
			return rc;
		if (!csvc_uuid_is_nil(&x->open))
			csvc__buf_puts(b, "]}");
		x->open = r->response;
		item(b);
		csvc__buf_puts(b, "{");
		kuuid(b, "id", &r->response);
		kstr(b, "survey", r->survey);
		kint(b, "survey_version", r->survey_version);
		ktime(b, "submitted_at", r->submitted_at);
		kstr(b, "store", r->store_code);
		kstr(b, "staff", r->staff);
		kstr(b, "channel", r->channel);
		kenum(b, "method", CSVC_ENUM_SURVEY_METHOD, r->method);
		kuuid(b, "ticket", r->has_ticket ? &r->ticket : NULL);
		key(b, "answers");
		csvc__buf_puts(b, "[");
	}
	if (!r->question)
		return CSVC_OK;
	item(b);
	csvc__buf_puts(b, "{");
	kstr(b, "question", r->question);
	kenum(b, "type", CSVC_ENUM_QUESTION_TYPE, r->question_type);
	key(b, "value");
	if (r->has_value)
		csvc__buf_int(b, r->value);
	else
		csvc__buf_puts(b, "null");
	key(b, "value2");
	if (r->has_value2)
		csvc__buf_int(b, r->value2);
	else
		csvc__buf_puts(b, "null");
	kstr(b, "text", r->text);
	csvc__buf_puts(b, "}");
	return CSVC_OK;
}

static int survey_responses(csvc_store *s, int64_t rowid, csvc__buf *b)
{
	answers_ctx x = {s, b, {{0}}};
	int rc = csvc__survey_db_customer_answers(s, rowid, answer_row, &x);
	if (!rc && !csvc_uuid_is_nil(&x.open))
		csvc__buf_puts(b, "]}");
	return rc;
}

/* Every ticket's store must be in the principal's scope: an export is
 * complete or refused. */
static int ticket_store_in_scope(const char *store_code, void *ud)
{
	return csvc__access_require_in(ud, CSVC_PERM_TICKET_READ, store_code, "csvc_customer_export");
}

static int export_document(csvc_store *s, const csvc_uuid *id, csvc__buf *b)
{
	csvc__customer_state st;
	csvc_customer *c = NULL;
	int rc = csvc__customer_db_state_read(s, id, &st);
	if (rc)
		return rc;
	if (st.merged_into) {
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ESTATE,
		                   "customer %s was merged into another record: its data is in that record's export", text);
	}
	if ((rc = csvc__customer_db_load(s, st.rowid, &c)))
		return rc;
	const char *home = csvc_customer_home_store(c);
	if ((rc = CSVC__ACCESS_IN(s, CSVC_PERM_CUSTOMER_EXPORT, home)) ||
	    (rc = CSVC__ACCESS_IN(s, CSVC_PERM_CUSTOMER_READ_PROFILE, home)) ||
	    (rc = CSVC__ACCESS_IN(s, CSVC_PERM_CUSTOMER_READ_CONTACTS, home)) ||
	    (rc = csvc__ticket_db_customer_stores(s, st.rowid, ticket_store_in_scope, s))) {
		csvc_customer_free(c);
		return rc;
	}
	csvc__buf_puts(b, "{");
	kstr(b, "format", CSVC_CUSTOMER_EXPORT_FORMAT);
	kint(b, "format_version", CSVC_CUSTOMER_EXPORT_FORMAT_VERSION);
	ktime(b, "exported_at", csvc_store_now(s));
	key(b, "customer");
	customer_json(b, c);
	csvc_customer_free(c);
	key(b, "merged_records");
	csvc__buf_puts(b, "[");
	rc = merged_records(s, st.rowid, b, 0);
	csvc__buf_puts(b, "]");
	key(b, "consents");
	csvc__buf_puts(b, "[");
	if (!rc)
		rc = consents(s, id, b);
	csvc__buf_puts(b, "]");
	key(b, "tickets");
	csvc__buf_puts(b, "[");
	if (!rc)
		rc = tickets(s, id, st.rowid, b);
	csvc__buf_puts(b, "]");
	key(b, "survey_responses");
	csvc__buf_puts(b, "[");
	if (!rc)
		rc = survey_responses(s, st.rowid, b);
	csvc__buf_puts(b, "]}");
	return rc;
}

int csvc_customer_export(csvc_store *store, const csvc_uuid *customer, char **json)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(customer, "customer");
	CSVC__CHECK_ARG(json, "json");
	int rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_EXPORT);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc__buf b = {0};
	rc = export_document(store, customer, &b);
	csvc__read_end(store, began);
	if (!rc && b.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (rc) {
		csvc__buf_free(&b);
		return rc;
	}
	*json = b.data;
	return CSVC_OK;
}
