/*
 * The ticket as an in-memory value: the field table, getters, setters,
 * copies and comparison; and the event value.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "customer/customer-internal.h"
#include "ticket/ticket-internal.h"
#include "workflow/workflow-internal.h"

#define F(name, type, editable) {#name, offsetof(struct csvc_ticket, name), type, editable}

/* Every field an event can set. Order is the order in payloads. */
const csvc__ticket_field csvc__ticket_fields[] = {
	F(number, CSVC__F_STR, 0),
	F(kind, CSVC__F_STR, 0),
	F(store_code, CSVC__F_STR, 0),
	F(workflow, CSVC__F_STR, 0),
	F(workflow_version, CSVC__F_INT, 0),
	F(state, CSVC__F_STR, 0),
	F(state_category, CSVC__F_INT, 0),
	F(customer, CSVC__F_UUID, 1),
	F(channel, CSVC__F_STR, 1),
	F(category, CSVC__F_STR, 1),
	F(urgency, CSVC__F_INT, 1),
	F(importance, CSVC__F_INT, 1),
	F(impact, CSVC__F_INT, 1),
	F(priority, CSVC__F_INT, 1),
	F(priority_override, CSVC__F_INT, 1),
	F(assignee, CSVC__F_STR, 0),
	F(team, CSVC__F_STR, 0),
	F(subject, CSVC__F_STR, 1),
	F(description, CSVC__F_STR, 1),
	F(order_ref, CSVC__F_STR, 1),
};
const size_t csvc__ticket_field_count = sizeof(csvc__ticket_fields) / sizeof(csvc__ticket_fields[0]);

#define FIELD_PTR(t, f, type) ((type *)((char *)(t) + (f)->offset))
#define FIELD_CPTR(t, f, type) ((const type *)((const char *)(t) + (f)->offset))

const csvc__ticket_field *csvc__ticket_field_find(const char *name)
{
	for (size_t i = 0; i < csvc__ticket_field_count; i++)
		if (strcmp(csvc__ticket_fields[i].name, name) == 0)
			return &csvc__ticket_fields[i];
	return NULL;
}

int csvc__ticket_field_equal(const csvc_ticket *a, const csvc_ticket *b, const csvc__ticket_field *f)
{
	switch (f->type) {
	case CSVC__F_STR: {
		const char *x = *FIELD_CPTR(a, f, char *), *y = *FIELD_CPTR(b, f, char *);
		return (!x && !y) || (x && y && strcmp(x, y) == 0);
	}
	case CSVC__F_INT:
		return *FIELD_CPTR(a, f, int32_t) == *FIELD_CPTR(b, f, int32_t);
	default:
		return csvc_uuid_equal(FIELD_CPTR(a, f, csvc_uuid), FIELD_CPTR(b, f, csvc_uuid));
	}
}

void csvc__ticket_field_json(csvc__buf *b, const csvc_ticket *t, const csvc__ticket_field *f)
{
	csvc__buf_json_string(b, f->name);
	csvc__buf_put(b, ":", 1);
	switch (f->type) {
	case CSVC__F_STR: {
		const char *v = *FIELD_CPTR(t, f, char *);
		if (v)
			csvc__buf_json_string(b, v);
		else
			csvc__buf_puts(b, "null");
		break;
	}
	case CSVC__F_INT:
		csvc__buf_printf(b, "%d", (int)*FIELD_CPTR(t, f, int32_t));
		break;
	default: {
		const csvc_uuid *u = FIELD_CPTR(t, f, csvc_uuid);
		if (csvc_uuid_is_nil(u)) {
			csvc__buf_puts(b, "null");
		} else {
			char text[CSVC_UUID_STRLEN + 1];
			csvc_uuid_to_string(u, text);
			csvc__buf_json_string(b, text);
		}
	}
	}
}

int csvc__ticket_field_set_text(csvc_ticket *t, const char *name, const char *text)
{
	const csvc__ticket_field *f = csvc__ticket_field_find(name);
	if (!f)
		return csvc__error(CSVC_ECORRUPT, "event sets unknown ticket field '%s'", name);
	switch (f->type) {
	case CSVC__F_STR: {
		char *copy = NULL;
		int rc = csvc__strdup(text, &copy);
		if (rc)
			return rc;
		csvc__free(*FIELD_PTR(t, f, char *));
		*FIELD_PTR(t, f, char *) = copy;
		return CSVC_OK;
	}
	case CSVC__F_INT:
		*FIELD_PTR(t, f, int32_t) = text ? (int32_t)strtol(text, NULL, 10) : 0;
		return CSVC_OK;
	default:
		if (!text) {
			memset(FIELD_PTR(t, f, csvc_uuid), 0, sizeof(csvc_uuid));
			return CSVC_OK;
		}
		if (csvc_uuid_from_string(text, FIELD_PTR(t, f, csvc_uuid)))
			return csvc__error(CSVC_ECORRUPT, "event holds a malformed UUID for '%s'", name);
		return CSVC_OK;
	}
}

/* ---- lifetime ---- */

int csvc_ticket_new(csvc_ticket **out, const char *kind, const char *store_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__check_machine_name(kind, "ticket kind");
	if (rc)
		return rc;
	if (!store_code)
		return csvc__error(CSVC_EINVAL, "store code must not be NULL");
	if ((rc = csvc__check_store_code(store_code)))
		return rc;
	csvc_ticket *t = csvc__calloc(1, sizeof(*t));
	if (!t || csvc__strdup(kind, &t->kind) || csvc__strdup(store_code, &t->store_code)) {
		csvc_ticket_free(t);
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a ticket");
	}
	t->urgency = CSVC_URGENCY_GENERAL;
	t->importance = CSVC_IMPORTANCE_MEDIUM;
	t->impact = CSVC_IMPACT_INDIVIDUAL;
	*out = t;
	return CSVC_OK;
}

void csvc_ticket_free(csvc_ticket *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < csvc__ticket_field_count; i++)
		if (csvc__ticket_fields[i].type == CSVC__F_STR)
			csvc__free(*FIELD_PTR(t, &csvc__ticket_fields[i], char *));
	csvc__free(t);
}

int csvc_ticket_dup(const csvc_ticket *t, csvc_ticket **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	CSVC__CHECK_ARG(out, "out");
	csvc_ticket *d = csvc__malloc(sizeof(*d));
	if (!d)
		return csvc__error(CSVC_ENOMEM, "out of memory copying a ticket");
	*d = *t;
	int failed = 0;
	for (size_t i = 0; i < csvc__ticket_field_count; i++) {
		const csvc__ticket_field *f = &csvc__ticket_fields[i];
		if (f->type != CSVC__F_STR)
			continue;
		char **p = FIELD_PTR(d, f, char *);
		if (*p && !failed) {
			char *copy = csvc__strcopy(*p);
			failed = !copy;
			*p = copy;
		} else {
			*p = NULL;
		}
	}
	if (failed) {
		csvc_ticket_free(d);
		return csvc__error(CSVC_ENOMEM, "out of memory copying a ticket");
	}
	*out = d;
	return CSVC_OK;
}

int csvc_ticket_equal(const csvc_ticket *a, const csvc_ticket *b)
{
	if (!a || !b)
		return a == b;
	for (size_t i = 0; i < csvc__ticket_field_count; i++)
		if (!csvc__ticket_field_equal(a, b, &csvc__ticket_fields[i]))
			return 0;
	return csvc_uuid_equal(&a->id, &b->id) && a->revision == b->revision &&
	       a->created_at == b->created_at && a->updated_at == b->updated_at;
}

/* ---- getters ---- */

const csvc_uuid *csvc_ticket_id(const csvc_ticket *t) { return t ? &t->id : NULL; }
const char *csvc_ticket_number(const csvc_ticket *t) { return t ? t->number : NULL; }
const char *csvc_ticket_kind(const csvc_ticket *t) { return t ? t->kind : NULL; }
const char *csvc_ticket_store_code(const csvc_ticket *t) { return t ? t->store_code : NULL; }
const char *csvc_ticket_channel(const csvc_ticket *t) { return t ? t->channel : NULL; }
const char *csvc_ticket_category(const csvc_ticket *t) { return t ? t->category : NULL; }
int32_t csvc_ticket_urgency(const csvc_ticket *t) { return t ? t->urgency : 0; }
int32_t csvc_ticket_importance(const csvc_ticket *t) { return t ? t->importance : 0; }
int32_t csvc_ticket_impact(const csvc_ticket *t) { return t ? t->impact : 0; }
int32_t csvc_ticket_priority(const csvc_ticket *t) { return t ? t->priority : 0; }
int csvc_ticket_priority_overridden(const csvc_ticket *t) { return t ? t->priority_override != 0 : 0; }
const char *csvc_ticket_assignee(const csvc_ticket *t) { return t ? t->assignee : NULL; }
const char *csvc_ticket_team(const csvc_ticket *t) { return t ? t->team : NULL; }
const char *csvc_ticket_subject(const csvc_ticket *t) { return t ? t->subject : NULL; }
const char *csvc_ticket_description(const csvc_ticket *t) { return t ? t->description : NULL; }
const char *csvc_ticket_order_ref(const csvc_ticket *t) { return t ? t->order_ref : NULL; }
const char *csvc_ticket_state(const csvc_ticket *t) { return t ? t->state : NULL; }
int32_t csvc_ticket_state_category(const csvc_ticket *t) { return t ? t->state_category : 0; }
const char *csvc_ticket_workflow(const csvc_ticket *t) { return t ? t->workflow : NULL; }
int32_t csvc_ticket_workflow_version(const csvc_ticket *t) { return t ? t->workflow_version : 0; }
int64_t csvc_ticket_revision(const csvc_ticket *t) { return t ? t->revision : 0; }
csvc_time_us csvc_ticket_created_at(const csvc_ticket *t) { return t ? t->created_at : 0; }
csvc_time_us csvc_ticket_updated_at(const csvc_ticket *t) { return t ? t->updated_at : 0; }

const csvc_uuid *csvc_ticket_customer(const csvc_ticket *t)
{
	return t && !csvc_uuid_is_nil(&t->customer) ? &t->customer : NULL;
}

/* ---- setters ---- */

static int set_text(char **field, const char *value, size_t max, const char *name, int mode)
{
	int rc = csvc__check_text_mode(value, 1, max, name, mode);
	char *copy = NULL;
	if (rc || (rc = csvc__strdup(value, &copy)))
		return rc;
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

static int set_name(char **field, const char *value, const char *what)
{
	if (value) {
		int rc = csvc__check_machine_name(value, what);
		if (rc)
			return rc;
	}
	return set_text(field, value, CSVC_WORKFLOW_MAX_NAME, what, CSVC__TEXT_LINE);
}

static int set_level(int32_t *field, int32_t value, int32_t dflt, int32_t max, const char *what)
{
	if (value < 0 || value > max)
		return csvc__error(CSVC_EINVAL, "unknown %s %d", what, (int)value);
	*field = value ? value : dflt;
	return CSVC_OK;
}

int csvc_ticket_set_customer(csvc_ticket *t, const csvc_uuid *customer)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	if (customer)
		t->customer = *customer;
	else
		memset(&t->customer, 0, sizeof(t->customer));
	return CSVC_OK;
}

int csvc_ticket_set_channel(csvc_ticket *t, const char *channel)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_name(&t->channel, channel, "channel");
}

int csvc_ticket_set_category(csvc_ticket *t, const char *category)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_text(&t->category, category, CSVC_TICKET_MAX_CATEGORY, "category", CSVC__TEXT_LINE);
}

int csvc_ticket_set_urgency(csvc_ticket *t, csvc_urgency_t urgency)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_level(&t->urgency, urgency, CSVC_URGENCY_GENERAL, CSVC_URGENCY_GENERAL, "urgency");
}

int csvc_ticket_set_importance(csvc_ticket *t, csvc_importance_t importance)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_level(&t->importance, importance, CSVC_IMPORTANCE_MEDIUM, CSVC_IMPORTANCE_LOW,
	                 "importance");
}

int csvc_ticket_set_impact(csvc_ticket *t, csvc_impact_t impact)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_level(&t->impact, impact, CSVC_IMPACT_INDIVIDUAL, CSVC_IMPACT_INDIVIDUAL, "impact");
}

int csvc_ticket_set_priority(csvc_ticket *t, csvc_priority_t priority)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	if (priority < 0 || priority > CSVC_PRIORITY_LOW)
		return csvc__error(CSVC_EINVAL, "unknown priority %d", (int)priority);
	t->priority_override = priority;
	if (priority)
		t->priority = priority;
	return CSVC_OK;
}

int csvc_ticket_set_subject(csvc_ticket *t, const char *subject)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_text(&t->subject, subject, CSVC_TICKET_MAX_SUBJECT, "subject", CSVC__TEXT_LINE);
}

int csvc_ticket_set_description(csvc_ticket *t, const char *description)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_text(&t->description, description, CSVC_TICKET_MAX_DESCRIPTION, "description", CSVC__TEXT_MULTILINE);
}

int csvc_ticket_set_order_ref(csvc_ticket *t, const char *order_ref)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	return set_text(&t->order_ref, order_ref, CSVC_TICKET_MAX_ORDER_REF, "order_ref", CSVC__TEXT_LINE);
}

int csvc_ticket_set_assignee(csvc_ticket *t, const char *assignee, const char *team)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(t, "t");
	if (t->revision)
		return csvc__error(CSVC_ESTATE, "a saved ticket changes hands with csvc_ticket_assign");
	int rc = csvc__check_text(assignee, 1, CSVC_TICKET_MAX_PERSON, "assignee");
	char *a = NULL, *b = NULL;
	if (rc || (rc = csvc__check_text(team, 1, CSVC_TICKET_MAX_PERSON, "team")) ||
	    (rc = csvc__strdup(assignee, &a)))
		return rc;
	if ((rc = csvc__strdup(team, &b))) {
		csvc__free(a);
		return rc;
	}
	csvc__free(t->assignee);
	csvc__free(t->team);
	t->assignee = a;
	t->team = b;
	return CSVC_OK;
}

/* ---- events ---- */

int csvc__event_new(csvc_event **out, const csvc_uuid *ticket, const char *number, int64_t seq,
                    const char *type, const char *actor, csvc_time_us at, const char *from_state,
                    const char *to_state, const char *payload)
{
	csvc_event *ev = csvc__calloc(1, sizeof(*ev));
	if (!ev)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating an event");
	ev->ticket = *ticket;
	ev->seq = seq;
	ev->at = at;
	if (csvc__strdup(number, &ev->number) || csvc__strdup(type, &ev->type) ||
	    csvc__strdup(actor, &ev->actor) || csvc__strdup(from_state, &ev->from_state) ||
	    csvc__strdup(to_state, &ev->to_state) || csvc__strdup(payload, &ev->payload)) {
		csvc_event_free(ev);
		return csvc__error(CSVC_ENOMEM, "out of memory allocating an event");
	}
	*out = ev;
	return CSVC_OK;
}

void csvc_event_free(csvc_event *ev)
{
	if (!ev)
		return;
	csvc__free(ev->number);
	csvc__free(ev->type);
	csvc__free(ev->actor);
	csvc__free(ev->from_state);
	csvc__free(ev->to_state);
	csvc__free(ev->payload);
	csvc__free(ev);
}

const csvc_uuid *csvc_event_ticket(const csvc_event *ev) { return ev ? &ev->ticket : NULL; }
const char *csvc_event_ticket_number(const csvc_event *ev) { return ev ? ev->number : NULL; }
int64_t csvc_event_seq(const csvc_event *ev) { return ev ? ev->seq : 0; }
const char *csvc_event_type(const csvc_event *ev) { return ev ? ev->type : NULL; }
const char *csvc_event_actor(const csvc_event *ev) { return ev ? ev->actor : NULL; }
csvc_time_us csvc_event_at(const csvc_event *ev) { return ev ? ev->at : 0; }
const char *csvc_event_from_state(const csvc_event *ev) { return ev ? ev->from_state : NULL; }
const char *csvc_event_to_state(const csvc_event *ev) { return ev ? ev->to_state : NULL; }
const char *csvc_event_payload(const csvc_event *ev) { return ev ? ev->payload : NULL; }
