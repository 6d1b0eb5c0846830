/*
 * Ticket operations: every change is validated first, then written with
 * its event in one transaction. The ticket row holds derived data; the
 * event log is the record (see csvc_ticket_replay).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "csvc/enum.h"
#include "customer/customer-internal.h"
#include "route/route-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"
#include "workflow/workflow-internal.h"

static int check_actor(const char *actor)
{
	return csvc__check_text(actor, 1, CSVC_TICKET_MAX_PERSON, "actor");
}

/* The default priority matrix: urgency counts twice, so an emergency
 * outranks a merely important ticket. Score 4 (every level at its most
 * pressing) to 12 (general, low, individual). */
static int32_t default_priority(int32_t u, int32_t i, int32_t m)
{
	int32_t score = 2 * u + i + m;
	return score <= 6 ? CSVC_PRIORITY_CRITICAL
	       : score <= 8 ? CSVC_PRIORITY_HIGH
	       : score <= 10 ? CSVC_PRIORITY_NORMAL
	                     : CSVC_PRIORITY_LOW;
}

static int derive_priority(csvc_store *s, const csvc_ticket *t, int32_t *p)
{
	if (t->priority_override) {
		*p = t->priority_override;
		return CSVC_OK;
	}
	int rc = csvc__ticket_db_priority(s, t->urgency, t->importance, t->impact, p);
	if (!rc && *p == 0)
		*p = default_priority(t->urgency, t->importance, t->impact);
	return rc;
}

static int check_levels(int32_t u, int32_t i, int32_t m)
{
	if (u < 1 || u > CSVC_URGENCY_GENERAL || i < 1 || i > CSVC_IMPORTANCE_LOW || m < 1 ||
	    m > CSVC_IMPACT_INDIVIDUAL)
		return csvc__error(CSVC_EINVAL, "urgency, importance and impact must each be 1 to 3 (got %d, %d, %d)",
		                   (int)u, (int)i, (int)m);
	return CSVC_OK;
}

int csvc_priority_matrix_set(csvc_store *store, csvc_urgency_t urgency, csvc_importance_t importance,
                             csvc_impact_t impact, csvc_priority_t priority)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = check_levels(urgency, importance, impact)))
		return rc;
	if (priority < CSVC_PRIORITY_CRITICAL || priority > CSVC_PRIORITY_LOW)
		return csvc__error(CSVC_EINVAL, "unknown priority %d", (int)priority);
	if ((rc = csvc__tx_begin(store)))
		return rc;
	return csvc__tx_end(store, csvc__ticket_db_priority_set(store, urgency, importance, impact, priority));
}

int csvc_priority_matrix_get(csvc_store *store, csvc_urgency_t urgency, csvc_importance_t importance,
                             csvc_impact_t impact, int32_t *priority)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(priority, "priority");
	int rc = CSVC__ACCESS_PRINCIPAL(store);
	int32_t p = 0;
	if (rc || (rc = check_levels(urgency, importance, impact)) || (rc = csvc__ticket_db_priority(store, urgency, importance, impact, &p)))
		return rc;
	*priority = p ? p : default_priority(urgency, importance, impact);
	return CSVC_OK;
}

int csvc_ticket_kind_define(csvc_store *store, const char *name, const char *workflow,
                            const char *label_zh, const char *label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int32_t v = 0;
	if (rc || (rc = csvc__check_machine_name(name, "ticket kind")) || (rc = csvc__check_machine_name(workflow, "workflow")) ||
	    (rc = csvc__check_text(label_zh, 1, CSVC_WORKFLOW_MAX_LABEL, "label_zh")) ||
	    (rc = csvc__check_text(label_en, 1, CSVC_WORKFLOW_MAX_LABEL, "label_en")))
		return rc;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if (!(rc = csvc__workflow_db_latest(store, workflow, &v)) && v == 0)
		rc = csvc__error(CSVC_ENOTFOUND, "no workflow '%s'", workflow);
	if (!rc)
		rc = csvc__ticket_db_kind_define(store, name, workflow, label_zh, label_en);
	return csvc__tx_end(store, rc);
}

int csvc_ticket_channel_define(csvc_store *store, const char *name, const char *label_zh,
                               const char *label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = csvc__check_machine_name(name, "channel")) || (rc = csvc__check_text(label_zh, 1, CSVC_WORKFLOW_MAX_LABEL, "label_zh")) ||
	    (rc = csvc__check_text(label_en, 1, CSVC_WORKFLOW_MAX_LABEL, "label_en")))
		return rc;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	return csvc__tx_end(store, csvc__ticket_db_channel_define(store, name, label_zh, label_en));
}

/* ---- events ---- */

csvc_time_us csvc__ticket_event_time(csvc_store *s, const char *number, csvc_time_us last, csvc_time_us now)
{
	if (now >= last)
		return now;
	csvc__log(s, CSVC_LOG_WARN,
	          "ticket %s: the store clock reads %lld us before the ticket's latest event (it stepped back);"
	          " the new event is dated at the latest event's instant",
	          number, (long long)(last - now));
	return last;
}

/* The instant of a write to the ticket of head `h`. */
static csvc_time_us write_time(csvc_store *s, const csvc__ticket_head *h, csvc_time_us now)
{
	return csvc__ticket_event_time(s, h->number, h->updated_at, now);
}

/* Writes an event and queues it for the change hook. */
static int record(csvc_store *s, int64_t rowid, const csvc_uuid *id, const char *number, int64_t seq,
                  const char *type, const char *actor, csvc_time_us at, const char *from,
                  const char *to, const char *payload)
{
	int rc = csvc__ticket_db_event(s, rowid, seq, type, actor, at, from, to, payload);
	if (rc || !csvc__ticket_hook_on(s))
		return rc;
	csvc_event ev = {*id, (char *)number, (char *)type, (char *)actor, (char *)from, (char *)to,
	                 (char *)payload, seq, at};
	return csvc__event_queue(s, &ev);
}

/* {"set":{...}[,"old":{...}]} for the fields that differ between old and
 * new (all non-empty fields of new when old is NULL). */
static void set_payload(csvc__buf *b, const csvc_ticket *old, const csvc_ticket *t, int editable_only,
                        int *changed)
{
	int n = 0;
	csvc__buf_puts(b, "{\"set\":{");
	for (size_t i = 0; i < csvc__ticket_field_count; i++) {
		const csvc__ticket_field *f = &csvc__ticket_fields[i];
		if (editable_only && !f->editable)
			continue;
		if (old ? csvc__ticket_field_equal(old, t, f) : 0)
			continue;
		if (n++)
			csvc__buf_put(b, ",", 1);
		csvc__ticket_field_json(b, t, f);
	}
	csvc__buf_put(b, "}", 1);
	if (old && n) {
		int m = 0;
		csvc__buf_puts(b, ",\"old\":{");
		for (size_t i = 0; i < csvc__ticket_field_count; i++) {
			const csvc__ticket_field *f = &csvc__ticket_fields[i];
			if ((editable_only && !f->editable) || csvc__ticket_field_equal(old, t, f))
				continue;
			if (m++)
				csvc__buf_put(b, ",", 1);
			csvc__ticket_field_json(b, old, f);
		}
		csvc__buf_put(b, "}", 1);
	}
	csvc__buf_put(b, "}", 1);
	if (changed)
		*changed = n;
}

/* Closes a payload of set_payload with the routing decision beside "set":
 * {"set":{..},"route":{..}} (replay reads only "set"). */
static void add_route(csvc__buf *b, const csvc__route_decision *d)
{
	if (b->failed || !b->len)
		return;
	b->len--; /* the closing brace */
	csvc__buf_puts(b, ",\"route\":");
	csvc__route_json(b, d);
	csvc__buf_put(b, "}", 1);
}

static void route_subject(const csvc__ticket_subject *subj, const char *assignee, csvc__route_subject *out)
{
	*out = (csvc__route_subject){subj->kind, subj->store_code, subj->channel, subj->category,
	                             subj->customer_class, assignee};
}

/* Moves the contents of `from` into `to` and frees the shell of `from`. */
static void ticket_take(csvc_ticket *to, csvc_ticket *from)
{
	csvc_ticket old = *to;
	*to = *from;
	*from = old;
	csvc_ticket_free(from);
}

static int set_str(char **field, const char *value)
{
	char *copy;
	int rc = csvc__strdup(value, &copy);
	if (rc)
		return rc;
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

/* What the follower (the SLA engine) matches policies on. */
static int sla_subject(csvc_store *s, const csvc_ticket *t, int64_t customer_rowid, csvc__ticket_subject *subj)
{
	subj->kind = t->kind;
	subj->store_code = t->store_code;
	subj->channel = t->channel;
	subj->category = t->category;
	subj->priority = t->priority;
	subj->urgency = t->urgency;
	subj->customer_class = subj->tier = 0;
	if (!customer_rowid)
		return CSVC_OK;
	return csvc__customer_db_class(s, customer_rowid, &subj->customer_class, &subj->tier);
}

int csvc__ticket_sla_rematch(csvc_store *s, int64_t rowid, csvc_time_us at, int *moved)
{
	csvc_ticket *t = NULL;
	int64_t customer_rowid = 0;
	csvc__ticket_subject subj;
	const csvc__ticket_follower *f = csvc__ticket_follower_of(s);
	*moved = 0;
	if (!f)
		return CSVC_OK;
	/* Locked before it is read (PostgreSQL): the state the new policy's
	 * clocks start from is the one that stays. */
	int rc = csvc__ticket_db_lock(s, rowid);
	if (rc || (rc = csvc__ticket_db_load(s, rowid, &t)))
		return rc;
	at = csvc__ticket_event_time(s, t->number, t->updated_at, at);
	if (!csvc_uuid_is_nil(&t->customer) && csvc__ticket_db_customer_rowid(s, &t->customer, &customer_rowid))
		customer_rowid = 0; /* merged away or erased: no class to match on */
	if (!(rc = sla_subject(s, t, customer_rowid, &subj)))
		rc = f->rematch(s, rowid, &subj, t->state, t->state_category, at, moved);
	csvc_ticket_free(t);
	return rc;
}

int csvc__ticket_customer_changed(csvc_store *s, int64_t customer_rowid, csvc_time_us at)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = csvc__ticket_db_open_for_customer(s, customer_rowid, &ids, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		int moved;
		rc = csvc__ticket_sla_rematch(s, ids[i], at, &moved);
	}
	csvc__free(ids);
	return rc;
}

int csvc__ticket_customer_merged(csvc_store *s, int64_t from, int64_t into, const csvc_uuid *from_id,
                                 const csvc_uuid *into_id, const char *actor, csvc_time_us at)
{
	char from_text[CSVC_UUID_STRLEN + 1], into_text[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(from_id, from_text);
	csvc_uuid_to_string(into_id, into_text);
	char payload[160];
	snprintf(payload, sizeof(payload), "{\"from_customer\":\"%s\",\"set\":{\"customer\":\"%s\"}}", from_text,
	         into_text);
	csvc__ticket_ref *refs = NULL;
	size_t n = 0;
	int rc = csvc__ticket_db_of_customer(s, from, &refs, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		const csvc__ticket_ref *r = &refs[i];
		int64_t seq = r->revision + 1;
		csvc_time_us when = csvc__ticket_event_time(s, r->number, r->updated_at, at);
		if (!(rc = record(s, r->rowid, &r->id, r->number, seq, "customer_merged", actor, when, NULL, NULL,
		                  payload)))
			rc = csvc__ticket_db_set_customer(s, r->rowid, into, seq, when);
	}
	csvc__free(refs);
	return rc;
}

int csvc__ticket_customer_erased(csvc_store *s, int64_t customer_rowid, const char *actor, csvc_time_us at)
{
	/* The event says what went; replayed, its "set" gives the redacted
	 * row (the earlier events' texts are null by then too). */
	static const char payload[] = "{\"reason\":\"customer_erased\",\"set\":{\"subject\":null,\"description\":null}}";
	int rc = CSVC_OK;
	/* The customer's tickets, then the sub-tasks handed off from them,
	 * which repeat the request's text. */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		csvc__ticket_ref *refs = NULL;
		size_t n = 0;
		rc = pass == 0 ? csvc__ticket_db_of_customer(s, customer_rowid, &refs, &n)
		               : csvc__ticket_db_handoffs_of_customer(s, customer_rowid, &refs, &n);
		for (size_t i = 0; i < n && !rc; i++) {
			const csvc__ticket_ref *r = &refs[i];
			int64_t seq = r->revision + 1;
			csvc_time_us when = csvc__ticket_event_time(s, r->number, r->updated_at, at);
			if (!(rc = record(s, r->rowid, &r->id, r->number, seq, "redacted", actor, when, NULL, NULL, payload)))
				rc = csvc__ticket_db_redact(s, r->rowid, seq, when);
		}
		csvc__free(refs);
	}
	return rc;
}

/* `*wrote` (may be NULL): the SLA engine wrote events after the caller's. */
static int sla_state(csvc_store *s, int64_t rowid, const char *state, int32_t category, csvc_time_us at,
                     int *wrote)
{
	csvc__ticket_change ev = {CSVC__TICKET_CHANGE_STATE, at, state, category, 0};
	const csvc__ticket_follower *f = csvc__ticket_follower_of(s);
	int rc = f ? f->changed(s, rowid, &ev) : CSVC_OK;
	if (wrote)
		*wrote = ev.wrote;
	return rc;
}

/* ---- create ---- */

int csvc_ticket_create(csvc_store *store, csvc_ticket *t, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(t, "t");
	if (t->revision != 0)
		return csvc__error(CSVC_EINVAL, "the ticket is saved already");
	int rc = CSVC__ACCESS_IN(store, CSVC_PERM_TICKET_CREATE, t->store_code);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	csvc_ticket *saved = NULL;
	csvc__buf payload = {0};
	if ((rc = csvc_ticket_dup(t, &saved)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__uuid_generate(&saved->id);
	saved->revision = 1;
	saved->created_at = saved->updated_at = now;

	char wf_name[CSVC_WORKFLOW_MAX_NAME + 1];
	int32_t wf_version = 0;
	const csvc_workflow *wf = NULL;
	int64_t customer_rowid = 0, rowid = 0, seq = 0;
	char number[CSVC_TICKET_MAX_NUMBER + 1];
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		goto out;
	if ((rc = csvc__ticket_db_kind(store, t->kind, wf_name, sizeof(wf_name), &wf_version)) ||
	    (rc = csvc__workflow_cached(store, wf_name, wf_version, &wf)) ||
	    (t->channel && (rc = csvc__ticket_db_channel_exists(store, t->channel))) ||
	    (!csvc_uuid_is_nil(&t->customer) &&
	     (rc = csvc__ticket_db_customer_rowid(store, &t->customer, &customer_rowid))) ||
	    (rc = derive_priority(store, t, &saved->priority)) ||
	    (rc = csvc__staff_check_refs(store, t->assignee, t->team, NULL, NULL, __func__)) ||
	    (rc = set_str(&saved->workflow, wf_name)) ||
	    (rc = set_str(&saved->state, csvc_workflow_initial(wf))))
		goto end;
	saved->workflow_version = wf_version;
	saved->state_category = csvc_workflow_state_category(wf, saved->state);
	if ((rc = csvc__ticket_db_next_number(store, t->store_code, &seq)))
		goto end;
	snprintf(number, sizeof(number), "%s-%06lld", t->store_code, (long long)seq);
	csvc__ticket_subject subj;
	csvc__route_decision route = {0};
	if ((rc = set_str(&saved->number, number)) || (rc = sla_subject(store, saved, customer_rowid, &subj)))
		goto end;
	/* A draft with neither assignee nor team is routed (route.h). */
	if (!t->assignee && !t->team) {
		csvc__route_subject rs;
		route_subject(&subj, NULL, &rs);
		if ((rc = csvc__route_pick(store, &rs, 0, now, &route)) ||
		    (route.matched && ((rc = set_str(&saved->team, route.team)) ||
		                       (rc = set_str(&saved->assignee, route.assignee[0] ? route.assignee : NULL)))))
			goto end;
	}
	set_payload(&payload, NULL, saved, 0, NULL);
	if (route.matched)
		add_route(&payload, &route);
	if (payload.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	if ((rc = csvc__ticket_db_insert(store, saved, customer_rowid, &rowid)))
		goto end;
	if (!(rc = record(store, rowid, &saved->id, saved->number, 1, "created", actor, now, NULL, saved->state,
	                  payload.data)) && csvc__ticket_follower_of(store))
		rc = csvc__ticket_follower_of(store)->created(store, rowid, &subj, saved->state, saved->state_category,
		                                              now);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc__buf_free(&payload);
		payload = (csvc__buf){0};
		customer_rowid = 0;
		goto again;
	}
	if (rc == CSVC_OK) {
		ticket_take(t, saved);
		saved = NULL;
	}
out:
	csvc_ticket_free(saved);
	csvc__buf_free(&payload);
	return rc;
}

/* ---- reads ---- */

int csvc_ticket_get(csvc_store *store, const csvc_uuid *id, csvc_ticket **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(out, "out");
	csvc__ticket_head h;
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc || (rc = csvc__ticket_db_head_read(store, id, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)))
		return rc;
	return csvc__ticket_db_load(store, h.rowid, out);
}

int csvc_ticket_get_by_number(csvc_store *store, const char *number, csvc_ticket **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int64_t rowid;
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc || (rc = csvc__check_text(number, 0, CSVC_TICKET_MAX_NUMBER, "number")) ||
	    (rc = csvc__ticket_db_rowid_by_number(store, number, &rowid)))
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = csvc__ticket_db_load(store, rowid, &t)) || (rc = CSVC__ACCESS_SCOPE(store, t->store_code))) {
		csvc_ticket_free(t);
		return rc;
	}
	*out = t;
	return CSVC_OK;
}

/* ---- update ---- */

static int check_revision(const csvc__ticket_head *h, int64_t expected)
{
	if (expected && expected != h->revision)
		return csvc__error(CSVC_ECONFLICT, "ticket %s changed since it was read (revision %lld, now %lld)",
		                   h->number, (long long)expected, (long long)h->revision);
	return CSVC_OK;
}

int csvc_ticket_update(csvc_store *store, csvc_ticket *t, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(t, "t");
	if (t->revision == 0)
		return csvc__error(CSVC_EINVAL, "the ticket is a draft: use csvc_ticket_create");
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_UPDATE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__ticket_head h;
	csvc_ticket *old = NULL, *saved = NULL;
	csvc__buf payload = {0};
	int64_t customer_rowid = 0;
	int changed = 0;
	const csvc_time_us clock = now;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__ticket_db_head(store, &t->id, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)) ||
	    (rc = check_revision(&h, t->revision)) || (rc = csvc__ticket_db_load(store, h.rowid, &old)) || (rc = csvc_ticket_dup(old, &saved)))
		goto end;
	/* Editable fields come from t, everything else stays as stored. */
	for (size_t i = 0; i < csvc__ticket_field_count; i++) {
		const csvc__ticket_field *f = &csvc__ticket_fields[i];
		if (!f->editable)
			continue;
		if (f->type == CSVC__F_STR)
			rc = set_str((char **)((char *)saved + f->offset), *(char *const *)((const char *)t + f->offset));
		else if (f->type == CSVC__F_INT)
			*(int32_t *)((char *)saved + f->offset) = *(const int32_t *)((const char *)t + f->offset);
		else
			*(csvc_uuid *)((char *)saved + f->offset) = *(const csvc_uuid *)((const char *)t + f->offset);
		if (rc)
			goto end;
	}
	if ((rc = derive_priority(store, saved, &saved->priority)) ||
	    (rc = csvc__staff_check_refs(store, saved->assignee, saved->team, old->assignee, old->team, __func__)))
		goto end;
	if (saved->channel && !csvc__ticket_field_equal(old, saved, csvc__ticket_field_find("channel")) &&
	    (rc = csvc__ticket_db_channel_exists(store, saved->channel)))
		goto end;
	if (!csvc_uuid_is_nil(&saved->customer) &&
	    (rc = csvc__ticket_db_customer_rowid(store, &saved->customer, &customer_rowid)))
		goto end;
	set_payload(&payload, old, saved, 1, &changed);
	if (payload.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	if (!changed)
		goto end;
	now = write_time(store, &h, now);
	saved->revision = h.revision + 1;
	saved->updated_at = now;
	int search = !csvc__ticket_field_equal(old, saved, csvc__ticket_field_find("subject")) ||
	             !csvc__ticket_field_equal(old, saved, csvc__ticket_field_find("description"));
	if ((rc = csvc__ticket_db_update(store, h.rowid, saved, customer_rowid, search)))
		goto end;
	if ((rc = record(store, h.rowid, &saved->id, saved->number, saved->revision, "updated", actor, now, NULL,
	                 NULL, payload.data)))
		goto end;
	/* A change of what policies match on may change the SLA policy. */
	static const char *const matched[] = {"priority", "urgency", "channel", "category", "customer"};
	for (size_t i = 0; i < sizeof(matched) / sizeof(matched[0]); i++)
		if (!csvc__ticket_field_equal(old, saved, csvc__ticket_field_find(matched[i]))) {
			const csvc__ticket_follower *f = csvc__ticket_follower_of(store);
			csvc__ticket_subject subj;
			int moved;
			if (f && !(rc = sla_subject(store, saved, customer_rowid, &subj)))
				rc = f->rematch(store, h.rowid, &subj, saved->state, saved->state_category, now, &moved);
			break;
		}
	/* The SLA engine may have written events after ours (a policy change,
	 * alarms, their escalations): hand back the ticket as stored. */
	csvc__ticket_head after;
	csvc_ticket *stored = NULL;
	if (!rc && !(rc = csvc__ticket_db_head(store, &saved->id, &after)) && after.revision != saved->revision &&
	    !(rc = csvc__ticket_db_load(store, h.rowid, &stored))) {
		csvc_ticket_free(saved);
		saved = stored;
	}
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc_ticket_free(old);
		csvc_ticket_free(saved);
		old = saved = NULL;
		csvc__buf_free(&payload);
		payload = (csvc__buf){0};
		customer_rowid = 0;
		changed = 0;
		now = clock;
		goto again;
	}
	if (rc == CSVC_OK && changed) {
		ticket_take(t, saved);
		saved = NULL;
	}
	csvc_ticket_free(old);
	csvc_ticket_free(saved);
	csvc__buf_free(&payload);
	return rc;
}

/* ---- transition, assign, comment ---- */

/* The stored revision after a call's writes: the SLA engine may have added
 * events (alarms it caught up on, a policy change) after the call's own. */
static int current_revision(csvc_store *s, const csvc_uuid *id, int64_t *out)
{
	csvc__ticket_head h;
	int rc = csvc__ticket_db_head(s, id, &h);
	if (!rc)
		*out = h.revision;
	return rc;
}

/* ---- transition guards (docs/workflows.md "Guards") ---- */

/* The ticket fields a guard may require by name; any other name is an
 * input given with the transition. */
static const char *const GUARD_TICKET_FIELDS[] = {"customer", "channel",   "category", "assignee",
                                                  "team",     "order_ref", "subject",  "description"};

static int guard_ticket_field(const char *name)
{
	for (size_t i = 0; i < sizeof(GUARD_TICKET_FIELDS) / sizeof(GUARD_TICKET_FIELDS[0]); i++)
		if (strcmp(GUARD_TICKET_FIELDS[i], name) == 0)
			return 1;
	return 0;
}

CSVC__STRUCT_LAYOUT(transition_opts_layout, csvc_transition_opts, CSVC_TRANSITION_OPTS_VERSION,
                    CSVC_TRANSITION_OPTS_INIT, sizeof(csvc_transition_opts));

int csvc_transition_opts_init(csvc_transition_opts *opts, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&transition_opts_layout, opts, version);
}

static int check_inputs(const csvc_transition_input *in, uint32_t n)
{
	if (n > CSVC_TRANSITION_MAX_INPUTS)
		return csvc__error(CSVC_ERANGE, "at most %d inputs (got %u)", CSVC_TRANSITION_MAX_INPUTS, (unsigned)n);
	if (n && !in)
		return csvc__error(CSVC_EINVAL, "inputs is NULL with n_inputs %u", (unsigned)n);
	for (uint32_t i = 0; i < n; i++) {
		int rc = csvc__workflow_check_input_name(in[i].name, "input name");
		if (rc || (rc = csvc__check_text_mode(in[i].value, 0, CSVC_TRANSITION_MAX_INPUT_VALUE, "input value",
		                                      CSVC__TEXT_LINE)))
			return rc;
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(in[i].name, in[j].name) == 0)
				return csvc__error(CSVC_EINVAL, "input '%s' is given twice", in[i].name);
	}
	return CSVC_OK;
}

static const char *input_value(const csvc_transition_input *in, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(in[i].name, name) == 0)
			return in[i].value;
	return NULL;
}

/* A decimal integer, as guards compare inputs with thresholds. */
static int parse_input_int(const char *name, const char *text, int64_t *out)
{
	const char *p = text;
	int neg = *p == '-';
	if (neg)
		p++;
	if (!*p)
		return csvc__error(CSVC_EINVAL, "input '%s' must be an integer (got '%s')", name, text);
	uint64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return csvc__error(CSVC_EINVAL, "input '%s' must be an integer (got '%s')", name, text);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
		return csvc__error(CSVC_EINVAL, "input '%s' is out of range (got '%s')", name, text);
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return CSVC_OK;
}

/* ,"inputs":{"name":"value",...} when there are inputs. */
static void inputs_json(csvc__buf *b, const csvc_transition_input *in, uint32_t n)
{
	if (!n)
		return;
	csvc__buf_puts(b, ",\"inputs\":{");
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			csvc__buf_put(b, ",", 1);
		csvc__buf_json_string(b, in[i].name);
		csvc__buf_put(b, ":", 1);
		csvc__buf_json_string(b, in[i].value);
	}
	csvc__buf_put(b, "}", 1);
}

static int field_set(const csvc_ticket *t, const char *name)
{
	const csvc__ticket_field *f = csvc__ticket_field_find(name);
	if (!f)
		return 0;
	if (f->type == CSVC__F_UUID)
		return !csvc_uuid_is_nil((const csvc_uuid *)((const char *)t + f->offset));
	if (f->type == CSVC__F_STR) {
		const char *v = *(char *const *)((const char *)t + f->offset);
		return v && v[0];
	}
	return 1;
}

/* CSVC_OK when every guard of `transition` holds for the ticket of head
 * `h` in its current state, else CSVC_ESTATE naming the first that does
 * not. */
static int check_guards(csvc_store *s, const csvc__ticket_head *h, const csvc_workflow *wf, const char *transition,
                        const csvc_transition_input *in, uint32_t n)
{
	csvc_ticket *t = NULL;
	int rc = CSVC_OK;
	for (size_t i = 0; i < wf->n_guards && !rc; i++) {
		const csvc__wf_guard *g = &wf->guards[i];
		if (strcmp(g->transition, transition))
			continue;
		if (!g->role) {
			const char *v = NULL;
			int set;
			if (guard_ticket_field(g->field)) {
				if (!t && (rc = csvc__ticket_db_load(s, h->rowid, &t)))
					break;
				set = field_set(t, g->field);
			} else {
				v = input_value(in, n, g->field);
				set = v && v[0];
			}
			if (!set)
				rc = csvc__error(CSVC_ESTATE, "transition '%s' needs field '%s'", transition, g->field);
			continue;
		}
		int64_t amount = 0;
		if (g->field) {
			const char *v = input_value(in, n, g->field);
			if (!v || !v[0]) {
				rc = csvc__error(CSVC_ESTATE, "transition '%s' needs input '%s' (approval by role '%s' above %lld)",
				                 transition, g->field, g->role, (long long)g->threshold);
				continue;
			}
			if ((rc = parse_input_int(g->field, v, &amount)) || amount <= g->threshold)
				continue;
		}
		csvc__ticket_approvals a;
		if ((rc = csvc__ticket_db_approvals(s, h->rowid, transition, g->role, h->state, &a)))
			break;
		if (!g->field) {
			if (!a.count)
				rc = csvc__error(CSVC_ESTATE, "transition '%s' needs approval by role '%s'", transition, g->role);
		} else if (!a.has_max) {
			rc = csvc__error(CSVC_ESTATE, "transition '%s' needs approval by role '%s' (%s %lld > %lld)", transition,
			                 g->role, g->field, (long long)amount, (long long)g->threshold);
		} else if (a.max_value < amount) {
			rc = csvc__error(CSVC_ESTATE,
			                 "transition '%s' needs approval by role '%s' for %s %lld (approved up to %lld)",
			                 transition, g->role, g->field, (long long)amount, (long long)a.max_value);
		}
	}
	csvc_ticket_free(t);
	return rc;
}

/* The transition calls; `call` names the public one in refusals. */
static int do_transition(csvc_store *store, const csvc_uuid *id, const char *transition, int64_t expected_revision,
                         const char *actor, const char *note, const csvc_transition_input *in, uint32_t n_in,
                         int64_t *revision, const char *call)
{
	int rc = csvc__access_require(store, CSVC_PERM_TICKET_TRANSITION, call);
	if (rc || (rc = csvc__access_actor(store, &actor, call)) || (rc = csvc__check_machine_name(transition, "transition")) ||
	    (rc = check_actor(actor)) ||
	    (rc = csvc__check_text_mode(note, 1, CSVC_TICKET_MAX_COMMENT, "note", CSVC__TEXT_MULTILINE)) ||
	    (rc = check_inputs(in, n_in)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__ticket_head h;
	int64_t final = 0;
	const csvc_workflow *wf = NULL;
	const char *to = NULL;
	csvc__buf payload = {0};
	const csvc_time_us clock = now;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__ticket_db_head(store, id, &h)) || (rc = csvc__access_require_scope(store, h.store_code, call)) ||
	    (rc = check_revision(&h, expected_revision)) ||
	    (rc = csvc__workflow_cached(store, h.workflow, h.workflow_version, &wf)) ||
	    (rc = csvc_workflow_target(wf, h.state, transition, &to)) ||
	    (rc = check_guards(store, &h, wf, transition, in, n_in)))
		goto end;
	int32_t category = csvc_workflow_state_category(wf, to);
	now = write_time(store, &h, now);
	csvc__buf_puts(&payload, "{\"transition\":");
	csvc__buf_json_string(&payload, transition);
	if (note) {
		csvc__buf_puts(&payload, ",\"note\":");
		csvc__buf_json_string(&payload, note);
	}
	inputs_json(&payload, in, n_in);
	csvc__buf_puts(&payload, ",\"set\":{\"state\":");
	csvc__buf_json_string(&payload, to);
	csvc__buf_printf(&payload, ",\"state_category\":%d}}", (int)category);
	if (payload.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	if ((rc = csvc__ticket_db_set_state(store, h.rowid, to, category, h.revision + 1, now)))
		goto end;
	int wrote = 0;
	final = h.revision + 1;
	if (!(rc = record(store, h.rowid, id, h.number, h.revision + 1, "transition", actor, now, h.state, to,
	                  payload.data)) &&
	    !(rc = sla_state(store, h.rowid, to, category, now, &wrote)) && wrote)
		rc = current_revision(store, id, &final);
	if (!rc) /* a sub-task tells its parent when it ends */
		rc = csvc__handoff_child_moved(store, h.rowid, h.number, h.state_category, to, category, actor, now);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc__buf_free(&payload);
		payload = (csvc__buf){0};
		now = clock;
		goto again;
	}
	if (rc == CSVC_OK && revision)
		*revision = final;
	csvc__buf_free(&payload);
	return rc;
}

int csvc_ticket_transition(csvc_store *store, const csvc_uuid *id, const char *transition_name,
                           int64_t expected_revision, const char *actor, const char *note,
                           int64_t *revision)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	return do_transition(store, id, transition_name, expected_revision, actor, note, NULL, 0, revision, __func__);
}

int csvc_ticket_transition_ex(csvc_store *store, const csvc_uuid *id, const char *transition_name,
                              const csvc_transition_opts *opts, int64_t *revision)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	int rc = opts ? csvc__struct_read(&transition_opts_layout, &o, opts) : CSVC_OK;
	if (rc)
		return rc;
	return do_transition(store, id, transition_name, o.expected_revision, o.actor, o.note, o.inputs, o.n_inputs,
	                     revision, __func__);
}

/* Whether staff member `code` holds role `role` and the role is active. */
static int holds_role(csvc_store *s, const csvc_staff *st, const char *role, int *holds)
{
	*holds = 0;
	for (size_t i = 0; i < st->n_roles; i++) {
		if (strcmp(st->roles[i], role))
			continue;
		csvc_role *r = NULL;
		int rc = csvc__role_db_load(s, role, &r);
		if (rc)
			return rc;
		*holds = r->active != 0;
		csvc_role_free(r);
		break;
	}
	return CSVC_OK;
}

/* Writes the approvals of `approver` for each approval guard of
 * `transition` whose role they hold, and the event's payload. */
static int approve_in(csvc_store *s, const csvc__ticket_head *h, const csvc_workflow *wf, const char *transition,
                      const char *approver, const csvc_transition_input *in, uint32_t n, csvc_time_us at,
                      csvc__buf *payload)
{
	size_t guards = 0, approved = 0;
	for (size_t i = 0; i < wf->n_guards; i++)
		if (wf->guards[i].role && strcmp(wf->guards[i].transition, transition) == 0)
			guards++;
	if (!guards)
		return csvc__error(CSVC_ESTATE, "transition '%s' needs no approval", transition);
	csvc__staff_state state;
	csvc_staff *st = NULL;
	int rc = csvc__staff_db_state_by_code(s, approver, 0, &state);
	if (rc || (rc = csvc__staff_db_load(s, state.rowid, &st)))
		return rc;
	if (!st->active) {
		csvc_staff_free(st);
		return csvc__error(CSVC_EACCESS, "staff member '%s' is not active and cannot approve", approver);
	}
	/* Every input is checked before the first row is written: a refusal
	 * inside a caller's transaction must change nothing. */
	for (size_t i = 0; i < wf->n_guards && !rc; i++) {
		const csvc__wf_guard *g = &wf->guards[i];
		int holds = 0;
		if (!g->role || !g->field || strcmp(g->transition, transition) ||
		    (rc = holds_role(s, st, g->role, &holds)) || !holds)
			continue;
		const char *v = input_value(in, n, g->field);
		int64_t value;
		if (!v || !v[0])
			rc = csvc__error(CSVC_EINVAL, "approving '%s' for role '%s' needs input '%s' (the value approved)",
			                 transition, g->role, g->field);
		else
			rc = parse_input_int(g->field, v, &value);
	}
	if (rc) {
		csvc_staff_free(st);
		return rc;
	}
	csvc__buf_puts(payload, "{\"transition\":");
	csvc__buf_json_string(payload, transition);
	csvc__buf_puts(payload, ",\"roles\":[");
	for (size_t i = 0; i < wf->n_guards && !rc; i++) {
		const csvc__wf_guard *g = &wf->guards[i];
		int holds = 0;
		if (!g->role || strcmp(g->transition, transition) || (rc = holds_role(s, st, g->role, &holds)) || !holds)
			continue;
		int64_t value = 0;
		if (g->field) {
			const char *v = input_value(in, n, g->field);
			if (!v || !v[0]) {
				rc = csvc__error(CSVC_EINVAL, "approving '%s' for role '%s' needs input '%s' (the value approved)",
				                 transition, g->role, g->field);
				break;
			}
			if ((rc = parse_input_int(g->field, v, &value)))
				break;
		}
		if ((rc = csvc__ticket_db_approval_insert(s, h->rowid, h->revision + 1, transition, h->state, g->role,
		                                          approver, g->field, value, at)))
			break;
		if (approved++)
			csvc__buf_put(payload, ",", 1);
		csvc__buf_json_string(payload, g->role);
	}
	csvc_staff_free(st);
	if (rc)
		return rc;
	if (!approved) {
		csvc__buf roles = {0};
		for (size_t i = 0, k = 0; i < wf->n_guards; i++)
			if (wf->guards[i].role && strcmp(wf->guards[i].transition, transition) == 0) {
				if (k++)
					csvc__buf_puts(&roles, ", ");
				csvc__buf_puts(&roles, wf->guards[i].role);
			}
		rc = csvc__error(CSVC_EACCESS, "staff member '%s' holds no active role that approves transition '%s' (%s)",
		                 approver, transition, roles.failed || !roles.data ? "?" : roles.data);
		csvc__buf_free(&roles);
		return rc;
	}
	csvc__buf_put(payload, "]", 1);
	inputs_json(payload, in, n);
	return CSVC_OK;
}

int csvc_ticket_approve(csvc_store *store, const csvc_uuid *id, const char *transition_name,
                        const csvc_transition_opts *opts, int64_t *revision)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	csvc_transition_opts o = CSVC_TRANSITION_OPTS_INIT;
	int rc = opts ? csvc__struct_read(&transition_opts_layout, &o, opts) : CSVC_OK;
	const char *actor = o.actor;
	if (rc || (rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_TRANSITION)) || (rc = CSVC__ACCESS_ACTOR(store, &actor)) ||
	    (rc = csvc__check_machine_name(transition_name, "transition")))
		return rc;
	if (!actor)
		return csvc__error(CSVC_EINVAL, "an approval needs the approver: the staff member's code as actor");
	if ((rc = check_actor(actor)) ||
	    (rc = csvc__check_text_mode(o.note, 1, CSVC_TICKET_MAX_COMMENT, "note", CSVC__TEXT_MULTILINE)) ||
	    (rc = check_inputs(o.inputs, o.n_inputs)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	const csvc_time_us clock = now;
	csvc__ticket_head h;
	const csvc_workflow *wf = NULL;
	const char *to = NULL;
	csvc__buf payload = {0};
	int64_t final = 0;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__ticket_db_head(store, id, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)) ||
	    (rc = check_revision(&h, o.expected_revision)) ||
	    (rc = csvc__workflow_cached(store, h.workflow, h.workflow_version, &wf)) ||
	    (rc = csvc_workflow_target(wf, h.state, transition_name, &to)))
		goto end;
	now = write_time(store, &h, now);
	if ((rc = approve_in(store, &h, wf, transition_name, actor, o.inputs, o.n_inputs, now, &payload)))
		goto end;
	if (o.note) {
		csvc__buf_puts(&payload, ",\"note\":");
		csvc__buf_json_string(&payload, o.note);
	}
	csvc__buf_put(&payload, "}", 1);
	if (payload.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	final = h.revision + 1;
	if (!(rc = csvc__ticket_db_touch(store, h.rowid, h.revision + 1, now)))
		rc = record(store, h.rowid, id, h.number, h.revision + 1, "approved", actor, now, NULL, NULL, payload.data);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc__buf_free(&payload);
		payload = (csvc__buf){0};
		now = clock;
		goto again;
	}
	if (rc == CSVC_OK && revision)
		*revision = final;
	csvc__buf_free(&payload);
	return rc;
}

/* Sets a ticket's assignee and team: those given (an "assigned" event),
 * or, with `route`, those routing chooses now (a "routed" event; ENOTFOUND
 * when no rule matches; no event when the choice is what the ticket has). */
static int reassign(csvc_store *store, const csvc_uuid *id, const char *assignee, const char *team, int route,
                    int64_t expected_revision, const char *actor, int64_t *revision, const char *call)
{
	csvc_time_us now = csvc_store_now(store);
	csvc__ticket_head h;
	csvc_ticket *old = NULL, *saved = NULL;
	csvc__buf payload = {0};
	const csvc_time_us clock = now;
	int attempt = 0, changed = 1;
	int rc;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	csvc__route_decision d = {0};
	if ((rc = csvc__ticket_db_head(store, id, &h)) || (rc = csvc__access_require_scope(store, h.store_code, call)) ||
	    (rc = check_revision(&h, expected_revision)) || (rc = csvc__ticket_db_load(store, h.rowid, &old)) ||
	    (rc = csvc_ticket_dup(old, &saved)))
		goto end;
	now = write_time(store, &h, now);
	if (route) {
		csvc__ticket_subject subj;
		csvc__route_subject rs;
		int64_t customer_rowid = 0;
		if ((!csvc_uuid_is_nil(&old->customer) &&
		     (rc = csvc__ticket_db_customer_rowid(store, &old->customer, &customer_rowid))) ||
		    (rc = sla_subject(store, old, customer_rowid, &subj)))
			goto end;
		route_subject(&subj, old->assignee, &rs);
		if ((rc = csvc__route_pick(store, &rs, 1, now, &d)))
			goto end;
		if (!d.matched) {
			rc = csvc__error(CSVC_ENOTFOUND, "no active routing rule matches ticket %s", h.number);
			goto end;
		}
		/* A designated handler who is there keeps the ticket as it is. */
		assignee = d.reason == CSVC__ROUTE_DESIGNATED_KEPT ? old->assignee : d.assignee[0] ? d.assignee : NULL;
		team = d.reason == CSVC__ROUTE_DESIGNATED_KEPT ? old->team : d.team;
	}
	if ((rc = set_str(&saved->assignee, assignee)) || (rc = set_str(&saved->team, team)) ||
	    (rc = csvc__staff_check_refs(store, assignee, team, old->assignee, old->team,
	                                 route ? "csvc_ticket_route" : "csvc_ticket_assign")))
		goto end;
	set_payload(&payload, old, saved, 0, route ? &changed : NULL);
	if (route)
		add_route(&payload, &d);
	if (payload.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	if (!changed)
		goto end; /* routed to whom it has: no event */
	if ((rc = csvc__ticket_db_set_assignee(store, h.rowid, assignee, team, h.revision + 1, now)))
		goto end;
	rc = record(store, h.rowid, id, h.number, h.revision + 1, route ? "routed" : "assigned", actor, now, NULL,
	            NULL, payload.data);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc_ticket_free(old);
		csvc_ticket_free(saved);
		old = saved = NULL;
		csvc__buf_free(&payload);
		payload = (csvc__buf){0};
		now = clock;
		changed = 1;
		goto again;
	}
	if (rc == CSVC_OK && revision)
		*revision = h.revision + (changed ? 1 : 0);
	csvc_ticket_free(old);
	csvc_ticket_free(saved);
	csvc__buf_free(&payload);
	return rc;
}

int csvc_ticket_assign(csvc_store *store, const csvc_uuid *id, const char *assignee, const char *team,
                       int64_t expected_revision, const char *actor, int64_t *revision)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_ASSIGN);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)) ||
	    (rc = csvc__check_text(assignee, 1, CSVC_TICKET_MAX_PERSON, "assignee")) ||
	    (rc = csvc__check_text(team, 1, CSVC_TICKET_MAX_PERSON, "team")))
		return rc;
	return reassign(store, id, assignee, team, 0, expected_revision, actor, revision, __func__);
}

int csvc_ticket_route(csvc_store *store, const csvc_uuid *id, int64_t expected_revision, const char *actor,
                      int64_t *revision)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_ASSIGN);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	return reassign(store, id, NULL, NULL, 1, expected_revision, actor, revision, __func__);
}

static const char *comment_kind_name(int32_t kind)
{
	return csvc_enum_name(CSVC_ENUM_COMMENT_KIND, kind);
}

CSVC__STRUCT_LAYOUT(comment_layout, csvc_comment, CSVC_COMMENT_VERSION, CSVC_COMMENT_INIT,
                    sizeof(csvc_comment));

int csvc_comment_init(csvc_comment *c, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&comment_layout, c, version);
}

int csvc_ticket_comment(csvc_store *store, const csvc_uuid *id, const csvc_comment *c, int64_t *revision)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(c, "c");
	csvc_comment copy; /* read only as far as the caller's version goes */
	int rc = csvc__struct_read(&comment_layout, &copy, c);
	if (rc)
		return rc;
	int32_t kind = copy.kind;
	const char *body = copy.body, *method = copy.method, *actor = copy.actor;
	int64_t expected_revision = copy.expected_revision;
	const char *kind_name = comment_kind_name(kind);
	if (!kind_name)
		return csvc__error(CSVC_EINVAL, "unknown comment kind %d", (int)kind);
	if (!body)
		return csvc__error(CSVC_EINVAL, "a comment needs a body");
	if ((rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_UPDATE)) || (rc = CSVC__ACCESS_ACTOR(store, &actor)) ||
	    (rc = check_actor(actor)) || (rc = csvc__check_text_mode(body, 0, CSVC_TICKET_MAX_COMMENT, "body", CSVC__TEXT_MULTILINE)) ||
	    (method && (rc = csvc__check_machine_name(method, "method"))))
		return rc;
	if (!body[0])
		return csvc__error(CSVC_EINVAL, "a comment must not be empty");
	csvc_time_us now = csvc_store_now(store);
	csvc__ticket_head h;
	csvc__buf payload = {0};
	csvc__buf_puts(&payload, "{\"kind\":");
	csvc__buf_json_string(&payload, kind_name);
	if (method) {
		csvc__buf_puts(&payload, ",\"method\":");
		csvc__buf_json_string(&payload, method);
	}
	csvc__buf_puts(&payload, ",\"body\":");
	csvc__buf_json_string(&payload, body);
	csvc__buf_put(&payload, "}", 1);
	if (payload.failed) {
		csvc__buf_free(&payload);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	const csvc_time_us clock = now;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store))) {
		csvc__buf_free(&payload);
		return rc;
	}
	now = clock;
	int wrote = 0;
	rc = csvc__ticket_db_head(store, id, &h);
	if (!rc && !(rc = CSVC__ACCESS_SCOPE(store, h.store_code)) && !(rc = check_revision(&h, expected_revision)))
		now = write_time(store, &h, now);
	if (!rc && !(rc = csvc__ticket_db_comment(store, h.rowid, kind, method, body, actor, now)) &&
	    !(rc = csvc__ticket_db_touch(store, h.rowid, h.revision + 1, now)) &&
	    !(rc = record(store, h.rowid, id, h.number, h.revision + 1, "comment", actor, now, NULL, NULL,
	                  payload.data)) &&
	    kind != CSVC_COMMENT_NOTE) {
		/* Everything but an internal note reaches the customer. */
		csvc__ticket_change ev = {CSVC__TICKET_CHANGE_REPLY, now, NULL, 0, 0};
		const csvc__ticket_follower *f = csvc__ticket_follower_of(store);
		rc = f ? f->changed(store, h.rowid, &ev) : CSVC_OK;
		wrote = ev.wrote;
	}
	int64_t final = h.revision + 1;
	if (!rc && wrote)
		rc = current_revision(store, id, &final);
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt))
		goto again;
	if (rc == CSVC_OK && revision)
		*revision = final;
	csvc__buf_free(&payload);
	return rc;
}

/* ---- links and merge ---- */

static const char *link_kind_name(int32_t kind)
{
	return csvc_enum_name(CSVC_ENUM_LINK_KIND, kind);
}

/* Appends the pair of events a link produces, one on each ticket. */
static int link_events(csvc_store *s, const csvc__ticket_head *a, const csvc_uuid *aid,
                       const csvc__ticket_head *b, const csvc_uuid *bid, const char *a_type,
                       const char *b_type, const char *kind, const char *actor, csvc_time_us at,
                       const char *a_state, int32_t a_category)
{
	csvc__buf pa = {0}, pb = {0};
	csvc__buf_printf(&pa, "{\"link\":\"%s\",\"other\":", kind);
	csvc__buf_json_string(&pa, b->number);
	if (a_state) {
		csvc__buf_puts(&pa, ",\"set\":{\"state\":");
		csvc__buf_json_string(&pa, a_state);
		csvc__buf_printf(&pa, ",\"state_category\":%d}", (int)a_category);
	}
	csvc__buf_put(&pa, "}", 1);
	csvc__buf_printf(&pb, "{\"link\":\"%s\",\"other\":", kind);
	csvc__buf_json_string(&pb, a->number);
	csvc__buf_put(&pb, "}", 1);
	int rc;
	if (pa.failed || pb.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	else if (!(rc = a_state ? csvc__ticket_db_set_state(s, a->rowid, a_state, a_category, a->revision + 1, at)
	                        : csvc__ticket_db_touch(s, a->rowid, a->revision + 1, at)) &&
	         !(rc = csvc__ticket_db_touch(s, b->rowid, b->revision + 1, at)) &&
	         !(rc = record(s, a->rowid, aid, a->number, a->revision + 1, a_type, actor, at,
	                       a_state ? a->state : NULL, a_state, pa.data)))
		rc = record(s, b->rowid, bid, b->number, b->revision + 1, b_type, actor, at, NULL, NULL, pb.data);
	csvc__buf_free(&pa);
	csvc__buf_free(&pb);
	return rc;
}

int csvc_ticket_link(csvc_store *store, const csvc_uuid *a, const csvc_uuid *b, csvc_link_kind_t kind,
                     const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(a, "a");
	CSVC__CHECK_ARG(b, "b");
	const char *kind_name = kind == CSVC_LINK_MERGED_INTO ? NULL : link_kind_name(kind);
	if (!kind_name)
		return csvc__error(CSVC_EINVAL, "link kind %d cannot be set with csvc_ticket_link", (int)kind);
	if (csvc_uuid_equal(a, b))
		return csvc__error(CSVC_EINVAL, "a ticket cannot be linked to itself");
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_UPDATE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__ticket_head ha, hb;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if (!(rc = csvc__ticket_db_head(store, a, &ha)) && !(rc = csvc__ticket_db_head(store, b, &hb)) &&
	    !(rc = CSVC__ACCESS_SCOPE(store, ha.store_code)) && !(rc = CSVC__ACCESS_SCOPE(store, hb.store_code))) {
		/* One instant on both tickets, after the latest event of each. */
		csvc_time_us at = write_time(store, &hb, write_time(store, &ha, now));
		rc = csvc__ticket_db_link(store, ha.rowid, hb.rowid, kind, at);
		if (rc == CSVC_EEXISTS)
			rc = csvc__error(CSVC_EEXISTS, "tickets %s and %s are already linked as %s", ha.number,
			                 hb.number, kind_name);
		if (!rc)
			rc = link_events(store, &ha, a, &hb, b, "linked", "linked", kind_name, actor, at, NULL, 0);
	}
	/* The two rows are locked in the caller's order: two links of one pair
	 * in opposite orders may deadlock on PostgreSQL, and run again. */
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt))
		goto again;
	return rc;
}

int csvc_ticket_merge(csvc_store *store, const csvc_uuid *into, const csvc_uuid *from, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(into, "into");
	CSVC__CHECK_ARG(from, "from");
	if (csvc_uuid_equal(into, from))
		return csvc__error(CSVC_EINVAL, "a ticket cannot be merged into itself");
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_UPDATE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__ticket_head hi, hf;
	const csvc_workflow *wf = NULL;
	const csvc_time_us clock = now;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__ticket_db_head(store, into, &hi)) || (rc = csvc__ticket_db_head(store, from, &hf)) ||
	    (rc = CSVC__ACCESS_SCOPE(store, hi.store_code)) || (rc = CSVC__ACCESS_SCOPE(store, hf.store_code)))
		goto end;
	now = write_time(store, &hf, write_time(store, &hi, clock));
	if (hi.state_category >= CSVC_STATE_CLOSED || hf.state_category >= CSVC_STATE_CLOSED) {
		rc = csvc__error(CSVC_ESTATE, "ticket %s is %s and cannot take part in a merge",
		                 hi.state_category >= CSVC_STATE_CLOSED ? hi.number : hf.number,
		                 (hi.state_category >= CSVC_STATE_CLOSED ? hi.state_category : hf.state_category) ==
		                         CSVC_STATE_CLOSED
		                     ? "closed"
		                     : "cancelled");
		goto end;
	}
	if ((rc = csvc__workflow_cached(store, hf.workflow, hf.workflow_version, &wf)))
		goto end;
	const char *cancelled = NULL;
	for (size_t i = 0; i < csvc_workflow_state_count(wf) && !cancelled; i++) {
		const char *name;
		int32_t cat;
		csvc_workflow_state_at(wf, i, &name, &cat, NULL, NULL);
		if (cat == CSVC_STATE_CANCELLED)
			cancelled = name;
	}
	if (!cancelled) {
		rc = csvc__error(CSVC_ESTATE, "workflow '%s' has no cancelled state for a merged ticket",
		                 hf.workflow);
		goto end;
	}
	if (!(rc = csvc__ticket_db_link(store, hf.rowid, hi.rowid, CSVC_LINK_MERGED_INTO, now)) &&
	    !(rc = link_events(store, &hf, from, &hi, into, "merged", "absorbed", "merged_into", actor, now,
	                       cancelled, CSVC_STATE_CANCELLED)))
		rc = sla_state(store, hf.rowid, cancelled, CSVC_STATE_CANCELLED, now, NULL);
	if (!rc)
		rc = csvc__handoff_child_moved(store, hf.rowid, hf.number, hf.state_category, cancelled,
		                               CSVC_STATE_CANCELLED, actor, now);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt))
		goto again;
	return rc;
}

/* ---- workflow migration ---- */

int csvc_workflow_migrate_tickets(csvc_store *store, const char *workflow, int32_t from_version,
                                  int32_t to_version, const char *const *map_from,
                                  const char *const *map_to, size_t n_map, const char *actor,
                                  int64_t *moved)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(n_map == 0 || (map_from && map_to), "map");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__check_machine_name(workflow, "workflow")) ||
	    (rc = check_actor(actor)))
		return rc;
	if (from_version < 1 || to_version < 1 || from_version == to_version)
		return csvc__error(CSVC_EINVAL, "migrating needs two different versions (got %d and %d)",
		                   (int)from_version, (int)to_version);
	const csvc_workflow *old_wf = NULL, *new_wf = NULL;
	csvc__ticket_ref *refs = NULL;
	size_t n = 0;
	const char **targets = NULL;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__workflow_cached(store, workflow, from_version, &old_wf)) ||
	    (rc = csvc__workflow_cached(store, workflow, to_version, &new_wf)))
		goto end;
	for (size_t i = 0; i < n_map; i++) {
		if (!map_from[i] || !map_to[i]) {
			rc = csvc__error(CSVC_EINVAL, "state map entry %zu is NULL", i);
			goto end;
		}
		if (!csvc_workflow_state_category(old_wf, map_from[i]) ||
		    !csvc_workflow_state_category(new_wf, map_to[i])) {
			rc = csvc__error(CSVC_EINVAL, "state map %s -> %s: '%s' is not a state of version %d",
			                 map_from[i], map_to[i],
			                 csvc_workflow_state_category(old_wf, map_from[i]) ? map_to[i] : map_from[i],
			                 csvc_workflow_state_category(old_wf, map_from[i]) ? (int)to_version
			                                                                   : (int)from_version);
			goto end;
		}
	}
	if ((rc = csvc__ticket_db_open_under(store, workflow, from_version, &refs, &n)))
		goto end;
	/* Every target first: a missing state refuses the whole migration. */
	if (n && !(targets = csvc__calloc(n, sizeof(*targets)))) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	for (size_t i = 0; i < n; i++) {
		targets[i] = refs[i].state;
		for (size_t k = 0; k < n_map; k++)
			if (strcmp(map_from[k], refs[i].state) == 0)
				targets[i] = map_to[k];
		if (!csvc_workflow_state_category(new_wf, targets[i])) {
			rc = csvc__error(CSVC_EINVAL, "ticket %s is in state '%s', which version %d of '%s' lacks; map it",
			                 refs[i].number, refs[i].state, (int)to_version, workflow);
			goto end;
		}
	}
	for (size_t i = 0; i < n && !rc; i++) {
		int32_t cat = csvc_workflow_state_category(new_wf, targets[i]);
		csvc_time_us at = csvc__ticket_event_time(store, refs[i].number, refs[i].updated_at, now);
		csvc__buf p = {0};
		csvc__buf_printf(&p, "{\"from_version\":%d,\"set\":{\"workflow_version\":%d,\"state\":",
		                 (int)from_version, (int)to_version);
		csvc__buf_json_string(&p, targets[i]);
		csvc__buf_printf(&p, ",\"state_category\":%d}}", (int)cat);
		if (p.failed)
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
		else if (!(rc = csvc__ticket_db_set_workflow(store, refs[i].rowid, to_version, targets[i], cat,
		                                             refs[i].revision + 1, at)) &&
		         !(rc = record(store, refs[i].rowid, &refs[i].id, refs[i].number, refs[i].revision + 1,
		                       "workflow_migrated", actor, at, refs[i].state, targets[i], p.data)) &&
		         !(rc = sla_state(store, refs[i].rowid, targets[i], cat, at, NULL)))
			/* A sub-task migrated to its end tells its parent, as a
			 * transition would: the parent's hand-off pause reads it.
			 * Parents come first (id order), so their heads are current. */
			rc = csvc__handoff_child_moved(store, refs[i].rowid, refs[i].number,
			                               csvc_workflow_state_category(old_wf, refs[i].state), targets[i], cat,
			                               actor, at);
		csvc__buf_free(&p);
	}
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc__free(targets);
		csvc__free(refs);
		targets = NULL;
		refs = NULL;
		n = 0;
		goto again;
	}
	if (rc == CSVC_OK && moved)
		*moved = (int64_t)n;
	csvc__free(targets);
	csvc__free(refs);
	return rc;
}

/* ---- replay ---- */

typedef struct replay_ctx {
	csvc_ticket *t;
} replay_ctx;

static int apply_event(const csvc_event *ev, const char *const *keys, const char *const *values, size_t n,
                       void *ud)
{
	replay_ctx *ctx = ud;
	for (size_t i = 0; i < n; i++) {
		int rc = csvc__ticket_field_set_text(ctx->t, keys[i], values[i]);
		if (rc)
			return rc;
	}
	if (ev->seq != ctx->t->revision + 1)
		return csvc__error(CSVC_ECORRUPT, "event sequence jumps from %lld to %lld",
		                   (long long)ctx->t->revision, (long long)ev->seq);
	ctx->t->revision = ev->seq;
	/* SLA alarms are dated at their crossing instant, which may precede
	 * the event before them. */
	if (ev->at > ctx->t->updated_at)
		ctx->t->updated_at = ev->at;
	if (ev->seq == 1)
		ctx->t->created_at = ev->at;
	return CSVC_OK;
}

int csvc_ticket_replay(csvc_store *store, const csvc_uuid *id, csvc_ticket **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(out, "out");
	csvc__ticket_head h;
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc || (rc = csvc__ticket_db_head_read(store, id, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)))
		return rc;
	replay_ctx ctx = {csvc__calloc(1, sizeof(csvc_ticket))};
	if (!ctx.t)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	ctx.t->id = *id;
	if ((rc = csvc__ticket_db_replay(store, h.rowid, apply_event, &ctx))) {
		csvc_ticket_free(ctx.t);
		return rc;
	}
	*out = ctx.t;
	return CSVC_OK;
}

/* ---- history ---- */

struct csvc_event_iter {
	csvc__event_cursor *cursor;
};

int csvc_ticket_history_new(csvc_store *store, const csvc_uuid *id, csvc_event_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(out, "out");
	csvc__ticket_head h;
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc || (rc = csvc__ticket_db_head_read(store, id, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)))
		return rc;
	csvc_event_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	if ((rc = csvc__ticket_db_history(store, h.rowid, h.revision, &it->cursor))) {
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

int csvc_ticket_history_next(csvc_event_iter *it, csvc_event **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(out, "out");
	return csvc__event_cursor_next(it->cursor, out);
}

void csvc_ticket_history_free(csvc_event_iter *it)
{
	if (!it)
		return;
	csvc__event_cursor_free(it->cursor);
	csvc__free(it);
}

/* ---- queries ---- */

struct csvc_ticket_iter {
	csvc_store *store;
	csvc__cursor *cursor;
};

CSVC__STRUCT_LAYOUT(query_layout, csvc_ticket_query, CSVC_TICKET_QUERY_VERSION, CSVC_TICKET_QUERY_INIT,
                    sizeof(csvc_ticket_query));

int csvc_ticket_query_init(csvc_ticket_query *q, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&query_layout, q, version);
}

static int open_query(csvc_store *s, const csvc_ticket_query *q, const csvc__ticket_filter *f, int count_only,
                      const char *call, csvc__cursor **out)
{
	/* NULL: every ticket. The caller's struct is read only as far as its
	 * version goes. */
	csvc_ticket_query copy = CSVC_TICKET_QUERY_INIT;
	int rc;
	if (q && (rc = csvc__struct_read(&query_layout, &copy, q)))
		return rc;
	q = &copy;
	if (q->state_category < 0 || q->state_category > CSVC_STATE_CANCELLED)
		return csvc__error(CSVC_EINVAL, "unknown state category %d", (int)q->state_category);
	if (q->priority < 0 || q->priority > CSVC_PRIORITY_LOW)
		return csvc__error(CSVC_EINVAL, "unknown priority %d", (int)q->priority);
	if ((rc = csvc__check_text(q->store_code, 1, CSVC_CUSTOMER_MAX_STORE_CODE, "store_code")) ||
	    (rc = csvc__check_text(q->state, 1, CSVC_WORKFLOW_MAX_NAME, "state")) ||
	    (rc = csvc__check_text(q->kind, 1, CSVC_WORKFLOW_MAX_NAME, "kind")) ||
	    (rc = csvc__check_text(q->assignee, 1, CSVC_TICKET_MAX_PERSON, "assignee")) ||
	    (rc = csvc__check_text(q->team, 1, CSVC_TICKET_MAX_PERSON, "team")) ||
	    (rc = csvc__check_text(q->channel, 1, CSVC_WORKFLOW_MAX_NAME, "channel")) ||
	    (rc = csvc__check_text_mode(q->text, 1, CSVC_TICKET_MAX_SUBJECT, "text", CSVC__TEXT_MULTILINE)))
		return rc;
	if (q->text && !q->text[0])
		return csvc__error(CSVC_EINVAL, "search text must not be empty");
	if (f && (rc = csvc__check_text(f->category, 1, CSVC_TICKET_MAX_CATEGORY, "category")))
		return rc;
	if ((rc = csvc__access_require_list(s, CSVC_PERM_TICKET_READ, q->store_code, call)))
		return rc;
	/* A principal limited to one store lists that store's tickets (every
	 * ticket has a store). */
	const char *scope_store = NULL;
	if (!q->store_code && csvc__access_scope(s, &scope_store)) {
		if (!scope_store)
			return csvc__error(CSVC_EACCESS, "%s: staff member '%s' has no home store and no chain-wide role",
			                   call, csvc_store_principal(s));
		copy.store_code = scope_store;
	}
	int64_t customer_rowid = 0;
	csvc__ticket_head after = {0};
	if (q->customer) {
		csvc__customer_state cs;
		if ((rc = csvc__customer_db_state_read(s, q->customer, &cs)))
			return rc;
		customer_rowid = cs.rowid;
	}
	if (!csvc_uuid_is_nil(&q->after) && (rc = csvc__ticket_db_head_read(s, &q->after, &after)))
		return rc;
	return csvc__ticket_db_query(s, q, f, customer_rowid, after.rowid, count_only, out);
}

int csvc__ticket_iter_filtered(csvc_store *store, const csvc_ticket_query *q, const csvc__ticket_filter *f,
                               const char *call, csvc_ticket_iter **out)
{
	csvc_ticket_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	it->store = store;
	int rc = open_query(store, q, f, 0, call, &it->cursor);
	if (rc) {
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

int csvc_ticket_iter_new(csvc_store *store, const csvc_ticket_query *q, csvc_ticket_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	return csvc__ticket_iter_filtered(store, q, NULL, __func__, out);
}

static int load_ticket(csvc_store *s, int64_t rowid, void **out)
{
	csvc_ticket *t = NULL;
	int rc = csvc__ticket_db_load(s, rowid, &t);
	*out = t;
	return rc;
}

static void drop_ticket(void *t)
{
	csvc_ticket_free(t);
}

int csvc_ticket_iter_next(csvc_ticket_iter *it, csvc_ticket **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(out, "out");
	void *t = NULL;
	int rc = csvc__cursor_next_record(it->cursor, load_ticket, drop_ticket, &t);
	if (rc == CSVC_OK)
		*out = t;
	return rc;
}

void csvc_ticket_iter_free(csvc_ticket_iter *it)
{
	if (!it)
		return;
	csvc__cursor_free(it->cursor);
	csvc__free(it);
}

int csvc_ticket_count(csvc_store *store, const csvc_ticket_query *q, int64_t *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	return csvc__ticket_count_filtered(store, q, NULL, __func__, out);
}

int csvc__ticket_count_filtered(csvc_store *store, const csvc_ticket_query *q, const csvc__ticket_filter *f,
                                const char *call, int64_t *out)
{
	csvc__cursor *c;
	int rc = open_query(store, q, f, 1, call, &c);
	if (rc)
		return rc;
	int64_t n = 0;
	rc = csvc__cursor_count(c, &n);
	csvc__cursor_free(c);
	if (!rc)
		*out = n;
	return rc;
}
