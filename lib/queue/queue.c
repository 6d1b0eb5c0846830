/*
 * Queues: the values (allocation, getters, setters and their checks), the
 * rules of saving them (revisions, references, change-feed entries), the
 * handbook's queues, and opening a queue through the ticket query.
 * Storage is reached only through the csvc__queue_db_* functions
 * (queue-sql.c).
 */
#include <string.h>

#include "access/access-internal.h"
#include "csvc/enum.h"
#include "csvc/staff.h"
#include "csvc/workflow.h"
#include "feed/feed-internal.h"
#include "queue/queue-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"

_Static_assert(CSVC_QUEUE_MAX_CODE == CSVC_WORKFLOW_MAX_NAME, "a queue code is a machine name");
_Static_assert(CSVC_QUEUE_STATES_OPEN == (CSVC_QUEUE_STATE(CSVC_STATE_NEW) | CSVC_QUEUE_STATE(CSVC_STATE_OPEN) |
                                          CSVC_QUEUE_STATE(CSVC_STATE_WAITING) |
                                          CSVC_QUEUE_STATE(CSVC_STATE_RESOLVED)),
               "the open states are those of csvc_ticket_query.open_only");

/* Every state category's bit. */
#define ALL_STATES                                                                                        \
	(CSVC_QUEUE_STATE(CSVC_STATE_NEW) | CSVC_QUEUE_STATE(CSVC_STATE_OPEN) |                           \
	 CSVC_QUEUE_STATE(CSVC_STATE_WAITING) | CSVC_QUEUE_STATE(CSVC_STATE_RESOLVED) |                   \
	 CSVC_QUEUE_STATE(CSVC_STATE_CLOSED) | CSVC_QUEUE_STATE(CSVC_STATE_CANCELLED))

/* ---- validation ---- */

static int check_code(const char *code)
{
	return csvc__check_machine_name(code, "queue code");
}

static int check_name(const char *name)
{
	int rc = csvc__check_text(name, 0, CSVC_QUEUE_MAX_NAME, "name");
	if (rc)
		return rc;
	if (!name[0])
		return csvc__error(CSVC_EINVAL, "a queue's name must not be empty");
	return CSVC_OK;
}

static int check_actor(const char *actor)
{
	int rc = csvc__check_text(actor, 1, CSVC_TICKET_MAX_PERSON, "actor");
	if (!rc && actor && !actor[0])
		rc = csvc__error(CSVC_EINVAL, "actor must not be empty (NULL: none)");
	return rc;
}

static int check_filter(const csvc_queue_filter *f)
{
	int rc;
	if (f->states & ~(uint32_t)ALL_STATES)
		return csvc__error(CSVC_EINVAL, "states 0x%x: a bit of no state category", (unsigned)f->states);
	if (f->max_priority < 0 || f->max_priority > CSVC_PRIORITY_LOW)
		return csvc__error(CSVC_EINVAL, "unknown priority %d", (int)f->max_priority);
	if (f->order < 0 || f->order > CSVC_QUEUE_ORDER_AGE)
		return csvc__error(CSVC_EINVAL, "unknown queue order %d", (int)f->order);
	if ((f->kind && (rc = csvc__check_machine_name(f->kind, "kind"))) ||
	    (f->channel && (rc = csvc__check_machine_name(f->channel, "channel"))) ||
	    (f->team && (rc = csvc__team_check_code(f->team))) ||
	    (f->assignee && (rc = csvc__staff_check_code(f->assignee))) ||
	    (f->store_code && (rc = csvc__check_store_code(f->store_code))) ||
	    (rc = csvc__check_text(f->category, 1, CSVC_TICKET_MAX_CATEGORY, "category")))
		return rc;
	if (f->category && !f->category[0])
		return csvc__error(CSVC_EINVAL, "category must not be empty (NULL: any)");
	if ((f->assignee != NULL) + (f->assignee_self != 0) + (f->unassigned != 0) > 1)
		return csvc__error(CSVC_EINVAL, "a queue filters on one of assignee, assignee_self and unassigned");
	return CSVC_OK;
}

/* Copies v (NULL: NULL) into *out; 0 or ENOMEM. */
static int copy_opt(const char *v, char **out)
{
	*out = NULL;
	if (v && !(*out = csvc__strcopy(v)))
		return csvc__error(CSVC_ENOMEM, "out of memory");
	return CSVC_OK;
}

/* Replaces *field with a copy of v (NULL: cleared). */
static int replace(char **field, const char *v)
{
	char *copy;
	int rc = copy_opt(v, &copy);
	if (rc)
		return rc;
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

/* ---- values ---- */

CSVC__STRUCT_LAYOUT(filter_layout, csvc_queue_filter, CSVC_QUEUE_FILTER_VERSION, CSVC_QUEUE_FILTER_INIT,
                    sizeof(csvc_queue_filter));

int csvc_queue_filter_init(csvc_queue_filter *f, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&filter_layout, f, version);
}

int csvc__queue_alloc(csvc_queue **out)
{
	csvc_queue *q = csvc__calloc(1, sizeof(*q));
	if (!q)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	q->active = 1;
	q->order = CSVC_QUEUE_ORDER_PRIORITY;
	*out = q;
	return CSVC_OK;
}

static void free_filter(csvc_queue *q)
{
	csvc__free(q->kind);
	csvc__free(q->category);
	csvc__free(q->channel);
	csvc__free(q->store_code);
	csvc__free(q->assignee);
	csvc__free(q->team);
}

void csvc_queue_free(csvc_queue *queue)
{
	if (!queue)
		return;
	csvc__free(queue->code);
	csvc__free(queue->name);
	csvc__free(queue->owner_team);
	csvc__free(queue->owner_staff);
	free_filter(queue);
	csvc__free(queue);
}

int csvc_queue_new(csvc_queue **out, const char *code, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = check_code(code);
	if (rc || (rc = check_name(name)))
		return rc;
	csvc_queue *q = NULL;
	if ((rc = csvc__queue_alloc(&q)))
		return rc;
	if ((rc = replace(&q->code, code)) || (rc = replace(&q->name, name))) {
		csvc_queue_free(q);
		return rc;
	}
	*out = q;
	return CSVC_OK;
}

const char *csvc_queue_code(const csvc_queue *queue) { return queue ? queue->code : NULL; }
const char *csvc_queue_name(const csvc_queue *queue) { return queue ? queue->name : NULL; }
const char *csvc_queue_owner_team(const csvc_queue *queue) { return queue ? queue->owner_team : NULL; }
const char *csvc_queue_owner_staff(const csvc_queue *queue) { return queue ? queue->owner_staff : NULL; }
int csvc_queue_active(const csvc_queue *queue) { return queue ? queue->active != 0 : 0; }
int64_t csvc_queue_revision(const csvc_queue *queue) { return queue ? queue->revision : 0; }
csvc_time_us csvc_queue_created_at(const csvc_queue *queue) { return queue ? queue->created_at : 0; }
csvc_time_us csvc_queue_updated_at(const csvc_queue *queue) { return queue ? queue->updated_at : 0; }

int csvc_queue_copy_filter(const csvc_queue *queue, csvc_queue_filter *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(queue, "queue");
	CSVC__CHECK_ARG(out, "out");
	uint32_t version = 0;
	int rc = csvc__struct_version(&filter_layout, out->version, &version);
	if (rc)
		return rc;
	if (out->version == 0)
		return csvc__error(CSVC_EINVAL, "csvc_queue_filter: version 0 (use csvc_queue_filter_init)");
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	f.version = version;
	f.states = queue->states;
	f.kind = queue->kind;
	f.category = queue->category;
	f.channel = queue->channel;
	f.store_code = queue->store_code;
	f.assignee = queue->assignee;
	f.assignee_self = queue->assignee_self;
	f.team = queue->team;
	f.unassigned = queue->unassigned;
	f.max_priority = queue->max_priority;
	f.customer = queue->has_customer ? &queue->customer : NULL;
	f.order = queue->order;
	/* Only the bytes of the caller's version. */
	memcpy(out, &f, filter_layout.sizes[version - 1]);
	return CSVC_OK;
}

int csvc_queue_set_name(csvc_queue *queue, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(queue, "queue");
	int rc = check_name(name);
	return rc ? rc : replace(&queue->name, name);
}

int csvc_queue_set_owner(csvc_queue *queue, const char *team, const char *staff)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(queue, "queue");
	int rc;
	if ((team && (rc = csvc__team_check_code(team))) || (staff && (rc = csvc__staff_check_code(staff))))
		return rc;
	if (team && staff)
		return csvc__error(CSVC_EINVAL, "a queue has one owner: a team or a staff member");
	char *t = NULL, *s = NULL;
	if ((rc = copy_opt(team, &t)) || (rc = copy_opt(staff, &s))) {
		csvc__free(t);
		return rc;
	}
	csvc__free(queue->owner_team);
	csvc__free(queue->owner_staff);
	queue->owner_team = t;
	queue->owner_staff = s;
	return CSVC_OK;
}

int csvc_queue_set_active(csvc_queue *queue, int active)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(queue, "queue");
	queue->active = active != 0;
	return CSVC_OK;
}

int csvc_queue_set_filter(csvc_queue *queue, const csvc_queue_filter *f)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(queue, "queue");
	CSVC__CHECK_ARG(f, "f");
	csvc_queue_filter in;
	int rc = csvc__struct_read(&filter_layout, &in, f);
	if (rc || (rc = check_filter(&in)))
		return rc;
	csvc_queue next = *queue;
	next.kind = next.category = next.channel = next.store_code = next.assignee = next.team = NULL;
	if ((rc = copy_opt(in.kind, &next.kind)) || (rc = copy_opt(in.category, &next.category)) ||
	    (rc = copy_opt(in.channel, &next.channel)) || (rc = copy_opt(in.store_code, &next.store_code)) ||
	    (rc = copy_opt(in.assignee, &next.assignee)) || (rc = copy_opt(in.team, &next.team))) {
		free_filter(&next);
		return rc;
	}
	free_filter(queue);
	next.states = in.states;
	next.assignee_self = in.assignee_self != 0;
	next.unassigned = in.unassigned != 0;
	next.max_priority = in.max_priority;
	next.order = in.order ? in.order : CSVC_QUEUE_ORDER_PRIORITY;
	next.has_customer = in.customer != NULL;
	memset(&next.customer, 0, sizeof(next.customer));
	if (in.customer)
		next.customer = *in.customer;
	*queue = next;
	return CSVC_OK;
}

/* ---- in the store ---- */

/* The team, staff members, kind and channel the queue names exist. */
static int check_references(csvc_store *s, const csvc_queue *q)
{
	csvc__staff_state st;
	int rc = CSVC_OK;
	if (!rc && q->owner_team && (rc = csvc__team_db_state(s, q->owner_team, 0, &st)))
		return rc;
	if (q->owner_staff && (rc = csvc__staff_db_state_by_code(s, q->owner_staff, 0, &st)))
		return rc;
	if (q->team && (rc = csvc__team_db_state(s, q->team, 0, &st)))
		return rc;
	if (q->assignee && (rc = csvc__staff_db_state_by_code(s, q->assignee, 0, &st)))
		return rc;
	if (q->kind) {
		char workflow[CSVC_WORKFLOW_MAX_NAME + 1];
		int32_t version;
		if ((rc = csvc__ticket_db_kind(s, q->kind, workflow, sizeof(workflow), &version)))
			return rc;
	}
	if (q->channel && (rc = csvc__ticket_db_channel_exists(s, q->channel)))
		return rc;
	return CSVC_OK;
}

/* A `definition` entry for a queue (as a role's, role.c): reference the
 * code, payload {"kind":"queue"[,"fields":[..]]}. */
static int queue_feed(csvc_store *s, const char *type, const csvc_queue *q, const char *actor, csvc_time_us at,
                      const char *fields)
{
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"kind\":\"queue\"");
	if (fields) {
		csvc__buf_puts(&p, ",\"fields\":");
		csvc__buf_puts(&p, fields);
	}
	csvc__buf_put(&p, "}", 2);
	int rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__feed_record(s, type, "definition", NULL, q->code, actor, at, p.data);
	csvc__buf_free(&p);
	return rc;
}

static int insert_queue(csvc_store *s, const csvc_queue *q, const char *actor, csvc_time_us now)
{
	csvc__queue_state taken;
	int rc = csvc__queue_db_state(s, q->code, 0, &taken);
	if (rc == CSVC_OK)
		return csvc__error(CSVC_EEXISTS, "queue code '%s' is taken", q->code);
	if (rc != CSVC_ENOTFOUND)
		return rc;
	csvc__error_clear();
	if ((rc = check_references(s, q)))
		return rc;
	int64_t rowid;
	if ((rc = csvc__queue_db_insert(s, q, &rowid)) == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "queue code '%s' is taken", q->code);
	return rc ? rc : queue_feed(s, "queue_created", q, actor, now, NULL);
}

int csvc_queue_create(csvc_store *store, csvc_queue *queue, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(queue, "queue");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (queue->revision != 0)
		return csvc__error(CSVC_EINVAL, "the queue is saved already: use csvc_queue_update");
	csvc_time_us now = csvc_store_now(store);
	csvc_queue saved = *queue;
	saved.revision = 1;
	saved.created_at = saved.updated_at = now;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, insert_queue(store, &saved, actor, now));
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc)
		return rc;
	queue->revision = 1;
	queue->created_at = queue->updated_at = now;
	return CSVC_OK;
}

static int str_differs(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

int csvc_queue_update(csvc_store *store, csvc_queue *queue, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(queue, "queue");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (queue->revision == 0)
		return csvc__error(CSVC_EINVAL, "the queue is a draft: use csvc_queue_create");
	csvc_time_us now = csvc_store_now(store);
	int changed = 0, attempt = 0;
	do {
		csvc_queue *old = NULL;
		csvc__buf fields = {0};
		changed = 0;
		if ((rc = csvc__tx_begin(store)))
			break;
		csvc__queue_state state;
		if ((rc = csvc__queue_db_state(store, queue->code, 1, &state)))
			goto end;
		if (state.revision != queue->revision) {
			rc = csvc__error(CSVC_ECONFLICT,
			                 "queue '%s' changed since it was read (revision %lld, stored %lld)", queue->code,
			                 (long long)queue->revision, (long long)state.revision);
			goto end;
		}
		if ((rc = csvc__queue_db_load(store, queue->code, &old)))
			goto end;
		int filter_changed =
		        old->states != queue->states || str_differs(old->kind, queue->kind) ||
		        str_differs(old->category, queue->category) || str_differs(old->channel, queue->channel) ||
		        str_differs(old->store_code, queue->store_code) || str_differs(old->assignee, queue->assignee) ||
		        old->assignee_self != queue->assignee_self || str_differs(old->team, queue->team) ||
		        old->unassigned != queue->unassigned || old->max_priority != queue->max_priority ||
		        old->has_customer != queue->has_customer ||
		        (queue->has_customer && !csvc_uuid_equal(&old->customer, &queue->customer)) ||
		        old->order != queue->order;
		const struct {
			int changed;
			const char *name;
		} f[] = {
			{str_differs(old->name, queue->name), "name"},
			{str_differs(old->owner_team, queue->owner_team) ||
			         str_differs(old->owner_staff, queue->owner_staff),
			 "owner"},
			{(old->active != 0) != (queue->active != 0), "active"},
			{filter_changed, "filter"},
		};
		csvc__buf_put(&fields, "[", 1);
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (!f[i].changed)
				continue;
			if (changed++)
				csvc__buf_put(&fields, ",", 1);
			csvc__buf_json_string(&fields, f[i].name);
		}
		csvc__buf_put(&fields, "]", 2);
		if (fields.failed)
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
		if (rc || !changed)
			goto end; /* nothing changed: no new revision, no entry */
		if ((rc = check_references(store, queue)))
			goto end;
		csvc_queue saved = *queue;
		saved.revision = queue->revision + 1;
		saved.updated_at = now;
		if (!(rc = csvc__queue_db_update(store, state.rowid, &saved)))
			rc = queue_feed(store, "queue_updated", &saved, actor, now, fields.data);
	end:
		csvc_queue_free(old);
		csvc__buf_free(&fields);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc == CSVC_OK && changed) {
		queue->revision++;
		queue->updated_at = now;
	}
	return rc;
}

int csvc_queue_get(csvc_store *store, const char *code, csvc_queue **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int rc = check_code(code);
	if (rc || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	rc = csvc__queue_db_load(store, code, out);
	csvc__read_end(store, began);
	return rc;
}

void csvc_queue_list_free(csvc_queue **queues, size_t count)
{
	if (!queues)
		return;
	for (size_t i = 0; i < count; i++)
		csvc_queue_free(queues[i]);
	csvc__free(queues);
}

int csvc_queue_list(csvc_store *store, csvc_queue ***out, size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	int rc = CSVC__ACCESS_PRINCIPAL(store);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc_queue **queues = NULL;
	size_t n = 0;
	rc = csvc__queue_db_list(store, &queues, &n);
	csvc__read_end(store, began);
	if (rc)
		return rc;
	*out = queues;
	*count = n;
	return CSVC_OK;
}

/* ---- the handbook's queues ---- */

/* One queue per customer-service group of the handbook's teams
 * (staff.c), installed when the team exists, and each person's own. */
static const struct {
	const char *code, *name, *team;
	int32_t self;
} DEFAULT_QUEUES[] = {
	{"consult_open", "咨询组待办", "consult", 0},
	{"complaints_open", "投诉处理组待办", "complaints", 0},
	{"floor_open", "现场管理组待办", "floor", 0},
	{"membership_open", "会员服务组待办", "membership", 0},
	{"my_open", "我的待办", NULL, 1},
};

int csvc_queue_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc)
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		for (size_t i = 0; i < sizeof(DEFAULT_QUEUES) / sizeof(DEFAULT_QUEUES[0]) && !rc; i++) {
			csvc__queue_state state;
			if ((rc = csvc__queue_db_state(store, DEFAULT_QUEUES[i].code, 0, &state)) != CSVC_ENOTFOUND)
				continue; /* there already (or a failure, which ends the loop) */
			csvc__error_clear();
			if (DEFAULT_QUEUES[i].team) {
				csvc__staff_state team;
				rc = csvc__team_db_state(store, DEFAULT_QUEUES[i].team, 0, &team);
				if (rc == CSVC_ENOTFOUND) {
					csvc__error_clear();
					rc = CSVC_OK;
					continue; /* no such group in this store */
				}
				if (rc)
					break;
			}
			csvc_queue q = {0};
			q.code = (char *)DEFAULT_QUEUES[i].code;
			q.name = (char *)DEFAULT_QUEUES[i].name;
			q.owner_team = (char *)DEFAULT_QUEUES[i].team;
			q.team = (char *)DEFAULT_QUEUES[i].team;
			q.assignee_self = DEFAULT_QUEUES[i].self;
			q.active = 1;
			q.revision = 1;
			q.states = CSVC_QUEUE_STATES_OPEN;
			q.order = CSVC_QUEUE_ORDER_PRIORITY;
			q.created_at = q.updated_at = now;
			rc = insert_queue(store, &q, NULL, now);
		}
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	return rc;
}

/* ---- opening ---- */

/* Reads queue `code` and checks `for_staff`; *person gets who the queue
 * is opened for (for_staff, else the principal, else NULL). */
static int open_queue(csvc_store *s, const char *code, const char *for_staff, const char *call,
                      csvc_queue **out, const char **person)
{
	int rc = check_code(code);
	if (rc || (for_staff && (rc = csvc__staff_check_code(for_staff))))
		return rc;
	if ((rc = csvc__access_require(s, CSVC_PERM_TICKET_READ, call)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(s, &began)))
		return rc;
	csvc_queue *q = NULL;
	rc = csvc__queue_db_load(s, code, &q);
	if (!rc && for_staff) {
		csvc__staff_state st;
		rc = csvc__staff_db_state_by_code(s, for_staff, 0, &st);
	}
	csvc__read_end(s, began);
	if (rc) {
		csvc_queue_free(q);
		return rc;
	}
	if (!q->active) {
		csvc_queue_free(q);
		return csvc__error(CSVC_ESTATE, "queue '%s' is inactive", code);
	}
	*person = for_staff ? for_staff : csvc_store_principal(s);
	if (q->assignee_self && !*person) {
		csvc_queue_free(q);
		return csvc__error(CSVC_EINVAL, "queue '%s' lists a person's tickets: name who it is opened for", code);
	}
	*out = q;
	return CSVC_OK;
}

/* The ticket query and extra filters of queue `q` opened for `person`;
 * they borrow from `q` and `person`. */
static void to_query(const csvc_queue *q, const char *person, csvc_ticket_query *tq, csvc__ticket_filter *f)
{
	csvc_ticket_query none = CSVC_TICKET_QUERY_INIT;
	*tq = none;
	tq->store_code = q->store_code;
	tq->kind = q->kind;
	tq->channel = q->channel;
	tq->team = q->team;
	tq->assignee = q->assignee_self ? person : q->assignee;
	tq->customer = q->has_customer ? &q->customer : NULL;
	memset(f, 0, sizeof(*f));
	f->states = q->states;
	f->category = q->category;
	f->max_priority = q->max_priority;
	f->unassigned = q->unassigned;
	f->by_priority = q->order != CSVC_QUEUE_ORDER_AGE;
}

int csvc_queue_iter_new(csvc_store *store, const char *code, const char *for_staff, csvc_ticket_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	csvc_queue *q = NULL;
	const char *person = NULL;
	int rc = open_queue(store, code, for_staff, __func__, &q, &person);
	if (rc)
		return rc;
	csvc_ticket_query tq;
	csvc__ticket_filter f;
	to_query(q, person, &tq, &f);
	rc = csvc__ticket_iter_filtered(store, &tq, &f, __func__, out);
	csvc_queue_free(q);
	return rc;
}

int csvc_queue_count(csvc_store *store, const char *code, const char *for_staff, int64_t *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	csvc_queue *q = NULL;
	const char *person = NULL;
	int rc = open_queue(store, code, for_staff, __func__, &q, &person);
	if (rc)
		return rc;
	csvc_ticket_query tq;
	csvc__ticket_filter f;
	to_query(q, person, &tq, &f);
	rc = csvc__ticket_count_filtered(store, &tq, &f, __func__, out);
	csvc_queue_free(q);
	return rc;
}
