/*
 * Hand-offs: a sub-task of a ticket for a department, with its own
 * number, owner, state and SLA, while the parent stays with its desk.
 * The parent's history records each hand-off and each return, so that
 * what depends on open sub-tasks (the SLA pause) is computed from the
 * parent's own events.
 */
#include <stdio.h>
#include <string.h>

#include "access/access-internal.h"
#include "csvc/staff.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"

/* ---- storage ---- */

static const csvc__sql SQL_INSERT = CSVC__SQL("INSERT INTO ticket_handoffs (child_id, parent_id, department, created_us)"
	" VALUES ($1, $2, $3, $4)");
static const csvc__sql SQL_PARENT = CSVC__SQL("SELECT h.parent_id, t.uuid, h.department FROM ticket_handoffs h"
	" JOIN tickets t ON t.id = h.parent_id WHERE h.child_id = $1");
static const csvc__sql SQL_CHILDREN = CSVC__SQL("SELECT child_id FROM ticket_handoffs WHERE parent_id = $1 ORDER BY child_id");

static int db_insert(csvc_store *s, int64_t child, int64_t parent, const char *department, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, child);
	csvc__db_bind_int(st, 2, parent);
	csvc__db_bind_text(st, 3, department);
	csvc__db_bind_int(st, 4, at);
	return csvc__db_run(st);
}

/* The parent of sub-task `child`: *found 0 when it is none. */
static int db_parent(csvc_store *s, int64_t child, int *found, int64_t *parent, csvc_uuid *parent_id,
                     char *department, size_t n)
{
	csvc__stmt *st;
	*found = 0;
	int rc = csvc__db_stmt(s->db, &SQL_PARENT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, child);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__ROW) {
		*found = 1;
		if (parent)
			*parent = csvc__db_int(st, 0);
		if (parent_id && (rc = csvc__db_uuid(st, 1, parent_id)) < 0) {
			csvc__db_reset(st);
			return rc;
		}
		if (department)
			snprintf(department, n, "%s", csvc__db_textcol(st, 2) ? csvc__db_textcol(st, 2) : "");
	}
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__handoff_db_children(csvc_store *s, int64_t parent, int64_t **ids, size_t *n)
{
	return csvc__db_collect_ids(s->db, &SQL_CHILDREN, parent, ids, n);
}

/* ---- events ---- */

/* Writes an event on a ticket and queues it for the change hook. */
static int record(csvc_store *s, int64_t rowid, const csvc_uuid *id, const char *number, int64_t seq,
                  const char *type, const char *actor, csvc_time_us at, const char *payload)
{
	int rc = csvc__ticket_db_touch(s, rowid, seq, at);
	if (rc || (rc = csvc__ticket_db_event(s, rowid, seq, type, actor, at, NULL, NULL, payload)) ||
	    !csvc__ticket_hook_on(s))
		return rc;
	csvc_event ev = {*id, (char *)number, (char *)type, (char *)actor, NULL, NULL, (char *)payload, seq, at};
	return csvc__event_queue(s, &ev);
}

/* Tells the SLA engine that the parent's count of open sub-tasks moved. */
static int tell_sla(csvc_store *s, int64_t rowid, csvc_time_us at)
{
	const csvc__ticket_follower *f = csvc__ticket_follower_of(s);
	csvc__ticket_change ch = {CSVC__TICKET_CHANGE_HANDOFF, at, NULL, 0, 0};
	return f ? f->changed(s, rowid, &ch) : CSVC_OK;
}

static int is_end(int32_t category)
{
	return category == CSVC_STATE_CLOSED || category == CSVC_STATE_CANCELLED;
}

int csvc__handoff_child_moved(csvc_store *s, int64_t child, const char *child_number, int32_t old_category,
                              const char *state, int32_t category, const char *actor, csvc_time_us at)
{
	if (is_end(old_category) == is_end(category))
		return CSVC_OK;
	int found;
	int64_t parent;
	csvc_uuid parent_id;
	char department[CSVC_TEAM_MAX_CODE + 1];
	int rc = db_parent(s, child, &found, &parent, &parent_id, department, sizeof(department));
	if (rc || !found)
		return rc;
	csvc__ticket_head h;
	if ((rc = csvc__ticket_db_head(s, &parent_id, &h)))
		return rc;
	at = csvc__ticket_event_time(s, h.number, h.updated_at, at);
	csvc__buf payload = {0};
	csvc__buf_puts(&payload, "{\"child\":");
	csvc__buf_json_string(&payload, child_number);
	csvc__buf_puts(&payload, ",\"department\":");
	csvc__buf_json_string(&payload, department);
	csvc__buf_puts(&payload, ",\"state\":");
	csvc__buf_json_string(&payload, state);
	csvc__buf_printf(&payload, ",\"state_category\":%d}", (int)category);
	if (payload.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	else if (!(rc = record(s, parent, &parent_id, h.number, h.revision + 1,
	                       is_end(category) ? "handoff_returned" : "handoff_reopened", actor, at, payload.data)))
		rc = tell_sla(s, parent, at);
	csvc__buf_free(&payload);
	return rc;
}

/* ---- the calls ---- */

CSVC__STRUCT_LAYOUT(handoff_layout, csvc_handoff, CSVC_HANDOFF_VERSION, CSVC_HANDOFF_INIT,
                    sizeof(csvc_handoff));

int csvc_handoff_init(csvc_handoff *h, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&handoff_layout, h, version);
}

/* The department: an active team of kind department. */
static int check_department(csvc_store *s, const char *code)
{
	csvc_team *team = NULL;
	int rc = csvc__team_db_load_by_code(s, code, &team);
	if (rc == CSVC_ENOTFOUND)
		return csvc__error(CSVC_ENOTFOUND, "no department '%s'", code);
	if (rc)
		return rc;
	if (team->kind != CSVC_TEAM_DEPARTMENT)
		rc = csvc__error(CSVC_EINVAL, "team '%s' is not a department", code);
	else if (!team->active)
		rc = csvc__error(CSVC_ESTATE, "department '%s' is deactivated", code);
	csvc_team_free(team);
	return rc;
}

/* The assignee: an active member of the department. */
static int check_assignee(csvc_store *s, const char *code, const char *department)
{
	csvc__staff_state state;
	csvc_staff *st = NULL;
	int rc = csvc__staff_db_state_by_code(s, code, 0, &state);
	if (rc == CSVC_ENOTFOUND)
		return csvc__error(CSVC_ENOTFOUND, "no staff member '%s'", code);
	if (rc || (rc = csvc__staff_db_load(s, state.rowid, &st)))
		return rc;
	int member = 0;
	for (size_t i = 0; i < csvc_staff_team_count(st) && !member; i++)
		member = strcmp(csvc_staff_team(st, i), department) == 0;
	if (!csvc_staff_active(st))
		rc = csvc__error(CSVC_EINVAL, "staff member '%s' is deactivated", code);
	else if (!member)
		rc = csvc__error(CSVC_EINVAL, "staff member '%s' is not a member of department '%s'", code, department);
	csvc_staff_free(st);
	return rc;
}

/* The draft of the sub-task. */
static int draft(const csvc_handoff *h, const csvc_ticket *parent, csvc_ticket **out)
{
	csvc_ticket *t = NULL;
	int rc = csvc_ticket_new(&t, h->kind ? h->kind : "handoff", parent->store_code);
	if (rc || (rc = csvc_ticket_set_urgency(t, parent->urgency)) ||
	    (rc = csvc_ticket_set_importance(t, parent->importance)) || (rc = csvc_ticket_set_impact(t, parent->impact)) ||
	    (h->subject && (rc = csvc_ticket_set_subject(t, h->subject))) ||
	    (h->description && (rc = csvc_ticket_set_description(t, h->description))) ||
	    (rc = csvc_ticket_set_assignee(t, h->assignee, h->department))) {
		csvc_ticket_free(t);
		return rc;
	}
	*out = t;
	return CSVC_OK;
}

int csvc_ticket_handoff(csvc_store *store, const csvc_uuid *parent, const csvc_handoff *h, csvc_ticket **child_out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(parent, "parent");
	CSVC__CHECK_ARG(h, "h");
	csvc_handoff o; /* read only as far as the caller's version goes */
	int rc = csvc__struct_read(&handoff_layout, &o, h);
	if (rc)
		return rc;
	if (!o.department)
		return csvc__error(CSVC_EINVAL, "a hand-off needs a department");
	/* A hand-off creates a ticket and chooses who works on it. */
	if ((rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_CREATE)) || (rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_ASSIGN)) ||
	    (rc = CSVC__ACCESS_ACTOR(store, &o.actor)) ||
	    (rc = csvc__check_text(o.actor, 1, CSVC_TICKET_MAX_PERSON, "actor")) ||
	    (rc = csvc__team_check_code(o.department)) || (o.kind && (rc = csvc__check_machine_name(o.kind, "ticket kind"))) ||
	    (rc = csvc__check_text(o.subject, 1, CSVC_TICKET_MAX_SUBJECT, "subject")) ||
	    (rc = csvc__check_text_mode(o.description, 1, CSVC_TICKET_MAX_DESCRIPTION, "description",
	                                CSVC__TEXT_MULTILINE)) ||
	    (rc = csvc__check_text(o.assignee, 1, CSVC_TICKET_MAX_PERSON, "assignee")))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	const csvc_time_us clock = now;
	csvc__ticket_head ph, ch;
	csvc_ticket *p = NULL, *child = NULL;
	csvc__buf pp = {0}, pc = {0};
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	int nested = 0;
	if ((rc = csvc__ticket_db_head(store, parent, &ph)) || (rc = CSVC__ACCESS_SCOPE(store, ph.store_code)))
		goto end;
	if (o.expected_revision && o.expected_revision != ph.revision) {
		rc = csvc__error(CSVC_ECONFLICT, "ticket %s changed since it was read (revision %lld, now %lld)", ph.number,
		                 (long long)o.expected_revision, (long long)ph.revision);
		goto end;
	}
	if (is_end(ph.state_category)) {
		rc = csvc__error(CSVC_ESTATE, "ticket %s is %s and cannot hand work off", ph.number,
		                 ph.state_category == CSVC_STATE_CLOSED ? "closed" : "cancelled");
		goto end;
	}
	/* One level: a department's sub-task goes back to the desk, not on. */
	if ((rc = db_parent(store, ph.rowid, &nested, NULL, NULL, NULL, 0)))
		goto end;
	if (nested) {
		rc = csvc__error(CSVC_ESTATE, "ticket %s is a sub-task and cannot hand work off again", ph.number);
		goto end;
	}
	if ((rc = check_department(store, o.department)) ||
	    (o.assignee && (rc = check_assignee(store, o.assignee, o.department))) ||
	    (rc = csvc__ticket_db_load(store, ph.rowid, &p)) || (rc = draft(&o, p, &child)))
		goto end;
	/* The child is created as any ticket is (its SLA policy, its
	 * "created" event), inside this transaction; the principal was
	 * checked above for ticket_create. */
	if ((rc = csvc_ticket_create(store, child, o.actor)) ||
	    (rc = csvc__ticket_db_head(store, csvc_ticket_id(child), &ch)))
		goto end;
	now = csvc__ticket_event_time(store, ph.number, ph.updated_at, clock);
	if (now < ch.updated_at)
		now = ch.updated_at;
	csvc__buf_puts(&pp, "{\"child\":");
	csvc__buf_json_string(&pp, ch.number);
	csvc__buf_puts(&pp, ",\"department\":");
	csvc__buf_json_string(&pp, o.department);
	csvc__buf_puts(&pp, ",\"link\":\"parent_of\"}");
	csvc__buf_puts(&pc, "{\"link\":\"parent_of\",\"other\":");
	csvc__buf_json_string(&pc, ph.number);
	csvc__buf_put(&pc, "}", 1);
	if (pp.failed || pc.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	if ((rc = csvc__ticket_db_link(store, ph.rowid, ch.rowid, CSVC_LINK_PARENT_OF, now)) ||
	    (rc = db_insert(store, ch.rowid, ph.rowid, o.department, now)) ||
	    (rc = record(store, ch.rowid, csvc_ticket_id(child), ch.number, ch.revision + 1, "linked", o.actor, now,
	                 pc.data)) ||
	    (rc = record(store, ph.rowid, parent, ph.number, ph.revision + 1, "handed_off", o.actor, now, pp.data)) ||
	    (rc = tell_sla(store, ph.rowid, now)))
		goto end;
	/* Hand back the child as stored (its "linked" event). */
	csvc_ticket *stored = NULL;
	if (!(rc = csvc__ticket_db_load(store, ch.rowid, &stored))) {
		csvc_ticket_free(child);
		child = stored;
	}
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc_ticket_free(p);
		csvc_ticket_free(child);
		p = child = NULL;
		csvc__buf_free(&pp);
		csvc__buf_free(&pc);
		pp = pc = (csvc__buf){0};
		now = clock;
		goto again;
	}
	if (rc == CSVC_OK && child_out) {
		*child_out = child;
		child = NULL;
	}
	csvc_ticket_free(p);
	csvc_ticket_free(child);
	csvc__buf_free(&pp);
	csvc__buf_free(&pc);
	return rc;
}

void csvc_ticket_subtasks_free(csvc_ticket **list, size_t count)
{
	if (!list)
		return;
	for (size_t i = 0; i < count; i++)
		csvc_ticket_free(list[i]);
	csvc__free(list);
}

int csvc_ticket_subtasks(csvc_store *store, const csvc_uuid *parent, csvc_ticket ***out, size_t *count,
                         size_t *open)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(parent, "parent");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	csvc__ticket_head h;
	int64_t *ids = NULL;
	size_t n = 0, n_open = 0, got = 0;
	csvc_ticket **list = NULL;
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc)
		return rc;
	/* One snapshot: the list and its open count agree on PostgreSQL too. */
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	if ((rc = csvc__ticket_db_head_read(store, parent, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)) ||
	    (rc = csvc__handoff_db_children(store, h.rowid, &ids, &n))) {
		csvc__read_end(store, began);
		return rc;
	}
	if (n && !(list = csvc__calloc(n, sizeof(*list))))
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	for (; got < n && !rc; got++)
		if (!(rc = csvc__ticket_db_load(store, ids[got], &list[got])) && !is_end(list[got]->state_category))
			n_open++;
	csvc__free(ids);
	csvc__read_end(store, began);
	if (rc) {
		csvc_ticket_subtasks_free(list, got);
		return rc;
	}
	*out = list;
	*count = n;
	if (open)
		*open = n_open;
	return CSVC_OK;
}
