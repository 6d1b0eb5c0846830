/*
 * Time worked on tickets: validating and logging an entry, reading a
 * ticket's entries, and adding entries up. An entry is kept in its own
 * append-only table rather than as a ticket event, so that logging time
 * never gives the ticket a new revision (an agent's open edit does not
 * conflict with it) and replay is untouched; its change-feed entry
 * (`work_logged`) is the record downstream readers follow.
 */
#include <string.h>

#include "access/access-internal.h"
#include "csvc/ticket.h"
#include "feed/feed-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"
#include "ticket/worklog-internal.h"

CSVC__STRUCT_LAYOUT(entry_layout, csvc_work_entry, CSVC_WORK_ENTRY_VERSION, CSVC_WORK_ENTRY_INIT,
                    sizeof(csvc_work_entry));
CSVC__STRUCT_LAYOUT(work_query_layout, csvc_work_query, CSVC_WORK_QUERY_VERSION, CSVC_WORK_QUERY_INIT,
                    sizeof(csvc_work_query));

int csvc_work_entry_init(csvc_work_entry *e, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&entry_layout, e, version);
}

int csvc_work_query_init(csvc_work_query *q, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&work_query_layout, q, version);
}

/* The start and length of the work an entry describes, checked. */
static int span(const csvc_work_entry *e, csvc_time_us now, csvc_time_us *start, int64_t *duration)
{
	int64_t d = e->duration_us;
	csvc_time_us s = e->started_at, end = e->ended_at;
	if (d < 0 || d > CSVC_WORK_MAX_DURATION_US)
		return csvc__error(CSVC_ERANGE, "duration %lld us: 1 to %lld us (24 hours)", (long long)d,
		                   (long long)CSVC_WORK_MAX_DURATION_US);
	if (s < 0 || end < 0)
		return csvc__error(CSVC_EINVAL, "an instant before 1970");
	if (s && end) {
		if (end <= s)
			return csvc__error(CSVC_EINVAL, "the work ends before it starts");
		if (end - s > CSVC_WORK_MAX_DURATION_US)
			return csvc__error(CSVC_ERANGE, "the work lasts longer than 24 hours");
		if (d && d != end - s)
			return csvc__error(CSVC_EINVAL, "the duration and the instants disagree");
		d = end - s;
	} else {
		if (!d)
			return csvc__error(CSVC_EINVAL, "time worked needs a duration, or a start and an end");
		if (s && s > INT64_MAX - d)
			return csvc__error(CSVC_EINVAL, "the work ends after now");
		if (s)
			end = s + d;
		else if (end)
			s = end - d;
		else {
			end = now;
			s = now - d;
		}
	}
	if (end > now)
		return csvc__error(CSVC_EINVAL, "the work ends after now");
	*start = s;
	*duration = d;
	return CSVC_OK;
}

static int check_entry(const csvc_work_entry *e)
{
	int rc;
	if (!e->staff)
		return csvc__error(CSVC_EINVAL, "time worked needs the staff member who worked");
	if ((rc = csvc__staff_check_code(e->staff)) || (e->kind && (rc = csvc__check_machine_name(e->kind, "kind"))) ||
	    (rc = csvc__check_text_mode(e->note, 1, CSVC_WORK_MAX_NOTE, "note", CSVC__TEXT_MULTILINE)))
		return rc;
	return CSVC_OK;
}

static int check_actor(const char *actor)
{
	int rc = csvc__check_text(actor, 1, CSVC_TICKET_MAX_PERSON, "actor");
	if (!rc && actor && !actor[0])
		rc = csvc__error(CSVC_EINVAL, "actor must not be empty (NULL: none)");
	return rc;
}

/* The `work_logged` change-feed entry: subject the ticket, reference its
 * number. */
static int work_feed(csvc_store *s, const csvc_uuid *ticket, const char *number, const csvc_work_entry *e,
                     csvc_time_us start, int64_t duration, const char *actor, csvc_time_us now)
{
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"staff\":");
	csvc__buf_json_string(&p, e->staff);
	csvc__buf_printf(&p, ",\"started_at\":%lld,\"duration_us\":%lld", (long long)start, (long long)duration);
	if (e->kind) {
		csvc__buf_puts(&p, ",\"kind\":");
		csvc__buf_json_string(&p, e->kind);
	}
	csvc__buf_put(&p, "}", 2);
	int rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__feed_record(s, "work_logged", "ticket", ticket, number, actor, now, p.data);
	csvc__buf_free(&p);
	return rc;
}

static int log_work(csvc_store *s, const csvc_uuid *ticket, const csvc_work_entry *e, csvc_time_us start,
                    int64_t duration, const char *actor, csvc_time_us now)
{
	csvc__ticket_head h;
	int rc = csvc__ticket_db_head_read(s, ticket, &h);
	if (rc || (rc = csvc__access_require_scope(s, h.store_code, "csvc_ticket_log_work")))
		return rc;
	csvc__staff_state staff;
	if ((rc = csvc__staff_db_state_by_code(s, e->staff, 0, &staff)))
		return rc;
	csvc__work_row row = {h.rowid, staff.rowid, h.store_code, e->kind, e->note, actor, start, now, duration};
	if ((rc = csvc__work_db_insert(s, &row)))
		return rc;
	return work_feed(s, ticket, h.number, e, start, duration, actor, now);
}

int csvc_ticket_log_work(csvc_store *store, const csvc_uuid *ticket, const csvc_work_entry *e, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(ticket, "ticket");
	CSVC__CHECK_ARG(e, "e");
	csvc_work_entry in;
	int rc = csvc__struct_read(&entry_layout, &in, e);
	if (rc || (rc = check_entry(&in)) || (rc = check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store), start = 0;
	int64_t duration = 0;
	if ((rc = span(&in, now, &start, &duration)))
		return rc;
	if ((rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_UPDATE)) || (rc = CSVC__ACCESS_ACTOR(store, &actor)))
		return rc;
	/* Someone logs their own time; logging another's is managing staff. */
	const char *principal = csvc_store_principal(store);
	if (principal && strcmp(principal, in.staff) != 0 &&
	    (rc = csvc__access_require(store, CSVC_PERM_STAFF_MANAGE, __func__)))
		return rc;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, log_work(store, ticket, &in, start, duration, actor, now));
	} while (csvc__tx_again(store, rc, &attempt));
	return rc;
}

int csvc_ticket_work(csvc_store *store, const csvc_uuid *ticket, csvc_worklog **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(ticket, "ticket");
	CSVC__CHECK_ARG(out, "out");
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc__ticket_head h;
	if (!(rc = csvc__ticket_db_head_read(store, ticket, &h)) && !(rc = CSVC__ACCESS_SCOPE(store, h.store_code)))
		rc = csvc__work_db_list(store, h.rowid, out);
	csvc__read_end(store, began);
	return rc;
}

size_t csvc_worklog_count(const csvc_worklog *log)
{
	return log ? log->n : 0;
}

int csvc_worklog_at(const csvc_worklog *log, size_t i, csvc_work_entry *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(log, "log");
	CSVC__CHECK_ARG(out, "out");
	uint32_t version = 0;
	int rc = csvc__struct_version(&entry_layout, out->version, &version);
	if (rc)
		return rc;
	if (i >= log->n)
		return csvc__error(CSVC_ERANGE, "entry %zu of %zu", i, log->n);
	const csvc__work_item *it = &log->items[i];
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	e.version = version;
	e.staff = it->staff;
	e.duration_us = it->duration_us;
	e.started_at = it->started_at;
	e.ended_at = it->started_at + it->duration_us;
	e.kind = it->kind;
	e.note = it->note;
	e.actor = it->actor;
	e.recorded_at = it->recorded_at;
	memcpy(out, &e, entry_layout.sizes[version - 1]);
	return CSVC_OK;
}

void csvc_worklog_free(csvc_worklog *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->n; i++) {
		csvc__free(log->items[i].staff);
		csvc__free(log->items[i].kind);
		csvc__free(log->items[i].note);
		csvc__free(log->items[i].actor);
	}
	csvc__free(log->items);
	csvc__free(log);
}

int csvc_work_total(csvc_store *store, const csvc_work_query *q, int64_t *total_us, int64_t *entries)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(total_us, "total_us");
	csvc_work_query in = CSVC_WORK_QUERY_INIT;
	int rc;
	if (q && (rc = csvc__struct_read(&work_query_layout, &in, q)))
		return rc;
	if ((in.staff && (rc = csvc__staff_check_code(in.staff))) ||
	    (in.kind && (rc = csvc__check_machine_name(in.kind, "kind"))) ||
	    (in.store_code && (rc = csvc__check_store_code(in.store_code))))
		return rc;
	if (in.from && in.to && in.to <= in.from)
		return csvc__error(CSVC_EINVAL, "the period ends before it starts");
	if ((rc = CSVC__ACCESS_LIST(store, CSVC_PERM_REPORTS_READ, in.store_code)))
		return rc;
	csvc__work_filter f = {0, 0, in.store_code, in.kind, in.from, in.to};
	/* A principal limited to one store adds up that store's tickets. */
	const char *scope_store = NULL;
	if (!in.store_code && csvc__access_scope(store, &scope_store)) {
		if (!scope_store)
			return csvc__error(CSVC_EACCESS, "%s: staff member '%s' has no home store and no chain-wide role",
			                   __func__, csvc_store_principal(store));
		f.store_code = scope_store;
	}
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	if (in.ticket) {
		csvc__ticket_head h;
		if (!(rc = csvc__ticket_db_head_read(store, in.ticket, &h)) &&
		    !(rc = CSVC__ACCESS_SCOPE(store, h.store_code)))
			f.ticket_rowid = h.rowid;
	}
	if (!rc && in.staff) {
		csvc__staff_state st;
		if (!(rc = csvc__staff_db_state_by_code(store, in.staff, 0, &st)))
			f.staff_rowid = st.rowid;
	}
	int64_t total = 0, n = 0;
	if (!rc)
		rc = csvc__work_db_total(store, &f, &total, &n);
	csvc__read_end(store, began);
	if (rc)
		return rc;
	*total_us = total;
	if (entries)
		*entries = n;
	return CSVC_OK;
}
